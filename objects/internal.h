/* SPDX-License-Identifier: MIT */
/*
 * objects/internal.h - what the object model's files share; hidden from
 * users of the library.  See objects/README.md for the map of the folder.
 *
 * Memory of an instance, from low to high addresses:
 *
 *   [pre-header: cls->pre bytes][header][fields ...][items ...]
 *                               ^ struct om_object * points here
 *
 *   pre-header  CPython's GC header, and under cpython311+ the values and
 *               dict pointers of an inline ("managed") dict (3.12+: the
 *               weakref and dict pointers); the profile decides (struct
 *               om_dict_type).  Empty under native.
 *   header      the class pointer at offset 0 (every profile, so that
 *               om_class_of needs no profile), then under CPython profiles
 *               a refcount word, then ob_size for variable-size classes.
 *   fields      8 bytes each, in inheritance order: a base's fields first,
 *               then the class's own slots, then its dict pointer and its
 *               weakref pointer if it is the first class to have them.
 *   items       variable-size classes only: ob_size values.
 */
#ifndef SLOTSLAB_OBJECTS_INTERNAL_H
#define SLOTSLAB_OBJECTS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <slotslab/object.h>
#include <slotslab/slab.h>

#include "internal/compiler.h"
#include "internal/list.h"

/* ---- symbols (symbol.c) ------------------------------------------------- */

/*
 * Invariants: id >= 1 and unique; hash == om_hash_bytes(name, len), fixed
 * at creation; sym_by_id(id) == this symbol.
 */
struct om_sym {
	uint64_t hash;
	uint32_t id;
	uint32_t len;
	char name[];
};

const struct om_sym *sym_by_id(uint32_t id) __hidden;
uint64_t om_hash_bytes(const char *s, size_t len) __hidden;

/* ---- errors (error.c) --------------------------------------------------- */

/* Record a failure for om_errmsg(); return @err.  Cheap: no formatting. */
int om_fail_attr(int err, const struct om_class *cls, const struct om_sym *name) __hidden;
int om_fail(int err, const char *fmt, ...) __hidden __printf(2, 3);

/* ---- heaps (heap.c, heap_*.c) ------------------------------------------- */

#define HEAP_GOOD_MAX   4096  /* roundup() is memoised up to this size */

/*
 * Invariants (counters are relaxed atomics; a heap may be shared):
 *   blocks == nmalloc - nfree
 *   live.requested == sum of sizes asked for by live blocks
 *   live.held == sum of usable_size over live blocks >= live.requested
 *   peak.x >= live.x
 */
struct om_heap {
	const struct om_heap_methods *m;
	void *ctx;
	size_t blocks;
	struct om_bytes live, peak;
	uint64_t nmalloc, nfree, nfailed;
	unsigned int users;               /* spaces using the heap */
	uint32_t good[HEAP_GOOD_MAX / 8]; /* memoised roundup, 0 = unknown */
};

extern const struct om_heap_methods om_heap_kmalloc_methods __hidden;
extern const struct om_heap_methods om_heap_libc_methods __hidden;

void *heap_alloc(struct om_heap *h, size_t size, size_t *held) __hidden;
size_t heap_free(struct om_heap *h, void *p, size_t size) __hidden;
size_t heap_usable(const struct om_heap *h, const void *p) __hidden;
size_t heap_roundup(struct om_heap *h, size_t size) __hidden;

/* ---- accounting (space.c) ----------------------------------------------- */

/* What a piece of memory is charged to; see struct om_space_stats. */
enum om_charge {
	CHARGE_INSTANCE,
	CHARGE_DICT,
	CHARGE_SHARED,
	CHARGE_WEAKREF,
	CHARGE_META,       /* kmalloc, not the space's heap */
	NR_CHARGES,
};

static inline void bytes_add(struct om_bytes *b, size_t req, size_t held)
{
	b->requested += req;
	b->held += held;
}

static inline void bytes_sub(struct om_bytes *b, size_t req, size_t held)
{
	b->requested -= req;
	b->held -= held;
}

/*
 * Allocate @size bytes charged to @cls under @kind (and to its space);
 * *held receives the usable size.  CHARGE_META memory comes from kmalloc,
 * the rest from the space's heap.  NULL on failure, nothing charged.
 */
void *om_mem_alloc(struct om_class *cls, enum om_charge kind, size_t size,
		   size_t *held) __hidden;
void om_mem_free(struct om_class *cls, enum om_charge kind, void *p, size_t size) __hidden;
size_t om_mem_usable(const struct om_class *cls, enum om_charge kind, const void *p) __hidden;
size_t om_mem_roundup(struct om_class *cls, enum om_charge kind, size_t size) __hidden;
void *space_weakref_alloc(struct om_space *sp, size_t size) __hidden;
void space_weakref_free(struct om_space *sp, void *p, size_t size) __hidden;
void om_charge(struct om_class *cls, enum om_charge kind, size_t req, size_t held) __hidden;
void om_uncharge(struct om_class *cls, enum om_charge kind, size_t req, size_t held) __hidden;

/* ---- native dict core (dict_native.c), also used for class tables ------- */

struct ndict;

/*
 * @cls and @kind say where the memory is charged.  ndict_set may replace
 * *dp (growth); on OM_ENOMEM nothing changed.
 */
int ndict_get(const struct ndict *d, const struct om_sym *k, uint64_t *out) __hidden;
int ndict_set(struct ndict **dp, const struct om_sym *k, uint64_t v,
	      struct om_class *cls, enum om_charge kind) __hidden;
int ndict_del(struct ndict *d, const struct om_sym *k) __hidden;
void ndict_free(struct ndict *d, struct om_class *cls, enum om_charge kind) __hidden;
size_t ndict_len(const struct ndict *d) __hidden;
size_t ndict_size(const struct ndict *d) __hidden;
int ndict_for_each(const struct ndict *d, om_attr_fn fn, void *arg) __hidden;

/* ---- profiles (profile.c, dict_*.c) ------------------------------------- */

struct om_object;

/*
 * struct om_dict_type - one dict layout profile, as redis's dictType: the
 * instance header it implies and the instance dict operations.  A new
 * profile is one dict_NAME.c defining one of these, plus its line in
 * profile.c's table.
 *
 * @hdr_size:     object header bytes (class pointer [+ refcount])
 * @weakref_size: bytes of one weak reference object
 * @inline_dict:  fixed-size classes keep the dict pointer, and a values
 *                pointer below it, in the pre-header (CPython 3.11+)
 * @managed_weakref: fixed-size classes keep the weakref pointer in the
 *                pre-header, below the dict pointer (CPython 3.12+)
 * @params:       the profile's own constants (a generation's facts)
 * @gc_size:      GC header bytes before instances of @cls, whose fields are
 *                laid out already (cls->basic, cls->itemsize are set)
 * @class_init:   per-class state (cls->dstate); may be NULL
 * @class_fini:   free it; may be NULL
 * @obj_init:     dict parts made with the instance (3.11 values); may be NULL
 * @obj_fini:     free the instance's dict memory
 * @get/@set/@del: the instance dict; OM_ENOATTR when absent; @set returns
 *                OM_ENOMEM and changes nothing when memory is short
 * @for_each:     entries in insertion order
 * @footprint:    bytes of the instance's dict memory
 * @state:        enum om_dict_state of the instance
 * @unshare:      before a class change: make the dict independent of the
 *                class (3.11 values use the class's keys); may be NULL
 *
 * The instance dict is only reached when the class has one (cls->dict_off).
 */
struct om_dict_type {
	const char *name;
	const char *summary;
	uint32_t hdr_size;
	uint32_t weakref_size;
	bool inline_dict;
	bool managed_weakref;
	const void *params;
	uint32_t (*gc_size)(const struct om_class *cls);
	int  (*class_init)(struct om_class *cls);
	void (*class_fini)(struct om_class *cls);
	int  (*obj_init)(struct om_class *cls, struct om_object *obj);
	void (*obj_fini)(struct om_class *cls, struct om_object *obj);
	int  (*get)(const struct om_class *cls, const struct om_object *obj,
		    const struct om_sym *k, om_value *out);
	int  (*set)(struct om_class *cls, struct om_object *obj,
		    const struct om_sym *k, om_value v);
	int  (*del)(struct om_class *cls, struct om_object *obj, const struct om_sym *k);
	int  (*for_each)(const struct om_class *cls, const struct om_object *obj,
			 om_attr_fn fn, void *arg);
	void (*footprint)(const struct om_class *cls, const struct om_object *obj,
			  struct om_bytes *out);
	int  (*state)(const struct om_class *cls, const struct om_object *obj);
	int  (*unshare)(struct om_class *cls, struct om_object *obj);
	/* obj.__dict__ read (om_read_dict); NULL: it makes nothing */
	int  (*read_dict)(struct om_class *cls, struct om_object *obj);
	/* a table of its own of 2^l slots (om_own_dict); NULL: nothing to do */
	int  (*own_table)(struct om_class *cls, struct om_object *obj, unsigned int l);
};

extern const struct om_dict_type om_dict_native __hidden;
extern const struct om_dict_type om_dict_cpython27 __hidden;
extern const struct om_dict_type om_dict_cpython36 __hidden;
extern const struct om_dict_type om_dict_cpython37 __hidden;
extern const struct om_dict_type om_dict_cpython38 __hidden;
extern const struct om_dict_type om_dict_cpython39 __hidden;
extern const struct om_dict_type om_dict_cpython310 __hidden;
extern const struct om_dict_type om_dict_cpython311 __hidden;
extern const struct om_dict_type om_dict_cpython312 __hidden;
extern const struct om_dict_type om_dict_cpython313 __hidden;

const struct om_dict_type *om_profile_find(const char *name) __hidden;

/* ---- spaces, classes, objects ------------------------------------------- */

/*
 * Invariants:
 *   objects == sum over classes of cls->objects
 *   charged[k] == sum over classes of cls->charged[k]   (k != CHARGE_WEAKREF)
 *   total == charged[INSTANCE] + [DICT] + [SHARED] + [WEAKREF];  peak >= total
 */
struct om_space {
	const struct om_dict_type *type;
	struct om_heap *heap;
	bool own_heap;
	unsigned int flags;
	struct list_head classes;      /* struct om_class.node, creation order */
	size_t nclasses;
	size_t objects, objects_peak;
	size_t weakrefs;               /* live weak reference objects */
	struct om_bytes charged[NR_CHARGES];
	struct om_bytes total, peak;
	struct kmem_cache **orphans;   /* caches of destroyed classes that still */
	size_t norphans;               /* hold instances which changed class */
};

#define OMC_SLOTS    OM_INFO_SLOTS
#define OMC_DICT     OM_INFO_DICT
#define OMC_WEAKREF  OM_INFO_WEAKREF
#define OMC_VARSIZE  OM_INFO_VARSIZE
#define OMC_GC       OM_INFO_GC
#define OMC_INLINE   OM_INFO_INLINE_DICT
#define OMC_NATIVE   OM_INFO_NATIVE

/*
 * Invariants:
 *   size == pre + basic; basic >= type->hdr_size, a multiple of 8
 *   slot_off[i] in [hdr, basic), distinct, 8-aligned; slotmap maps
 *     slots[i] -> slot_off[i]; base's slots are a prefix with equal offsets
 *   dict_off != 0 iff flags & OMC_DICT; < 0 iff flags & OMC_INLINE
 *   weakref_off != 0 iff flags & OMC_WEAKREF
 *   itemsize == 8 iff flags & OMC_VARSIZE, and then cache == NULL
 *   objects == live instances; charged[] their bytes (INSTANCE, DICT),
 *     plus the class's own (SHARED, META)
 */
struct om_class {
	struct om_class *base;
	struct om_space *space;
	const struct om_dict_type *type;
	char *name;
	size_t name_len;
	unsigned int flags;
	uint32_t nslots, nslots_own;
	const struct om_sym **slots;
	uint32_t *slot_off;
	struct ndict *slotmap;
	struct ndict *attrs;
	uint32_t pre, basic, size, itemsize, stride;
	int32_t dict_off, weakref_off;
	struct kmem_cache *cache;
	void *dstate;
	size_t objects, nsub;
	struct om_bytes charged[NR_CHARGES];
	struct list_head node;
};

/*
 * A weak reference: on its referent's list (the weakref field) while the
 * referent lives; obj == NULL and pprev == NULL once it has died.
 */
struct om_weakref {
	struct om_object *obj;
	struct om_weakref *next, **pprev;
	struct om_space *space;
};

/* The first word of every instance. */
struct om_object {
	struct om_class *cls;
};

static __always_inline void **obj_word(const struct om_object *obj, long off)
{
	return (void **)((char *)obj + off);
}

static __always_inline void *obj_dict(const struct om_object *obj)
{
	return *obj_word(obj, obj->cls->dict_off);
}

static __always_inline void set_obj_dict(struct om_object *obj, void *d)
{
	*obj_word(obj, obj->cls->dict_off) = d;
}

/* ob_size of a variable-size instance */
static __always_inline uint64_t *obj_nitems(const struct om_object *obj)
{
	return (uint64_t *)obj_word(obj, obj->cls->type->hdr_size);
}

static __always_inline void *obj_base(const struct om_object *obj)
{
	return (char *)obj - obj->cls->pre;
}

/* Instance bytes (requested) of @cls with @nitems items. */
static inline size_t class_instance_size(const struct om_class *cls, size_t nitems)
{
	return cls->size + nitems * cls->itemsize;
}

void class_release(struct om_class *cls) __hidden;
bool om_layout_equal(const struct om_class *a, const struct om_class *b) __hidden;
void om_object_footprint(const struct om_object *obj, struct om_footprint *fp) __hidden;
void om_weakrefs_clear(struct om_object *obj) __hidden;

#if IS_ENABLED(CONFIG_OM_DEBUG)
#include <assert.h>
#define OM_BUG_ON(cond) assert(!(cond))
#else
#define OM_BUG_ON(cond) do { (void)sizeof(cond); } while (0)
#endif

#endif /* SLOTSLAB_OBJECTS_INTERNAL_H */
