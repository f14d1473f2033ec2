/* SPDX-License-Identifier: MIT */
/*
 * slotslab/object.h - an object model with two storage strategies.
 *
 * A *space* fixes a dict layout profile ("native", "cpython27",
 * "cpython311") and a heap.  Classes live in a space; their instances keep
 * declared attributes in *slots* (one 8-byte value each, in an object that
 * comes from a per-class slab cache) and other attributes in a per-instance
 * *hash dict* whose tables come from the heap.  The rules are those of
 * Python's __slots__ (docs/DESIGN.md section 5); every byte is accounted per
 * instance, per class, per space and per heap.
 *
 * Attribute names are interned symbols (om_intern), so no lookup hashes a
 * string.  Values are 8 bytes, tagged: an integer of 63 bits or a pointer
 * (2-aligned, not NULL).  OM_NULL is "no value", as NULL is in CPython.
 *
 * Errors are negative OM_E* codes; om_strerror() names them and om_errmsg()
 * describes the last failure of the calling thread.  A failed call changes
 * nothing.
 *
 * Threads: symbols and heaps are thread-safe.  A space, its classes and
 * their instances are used by one thread at a time (the caller serialises);
 * different spaces may be used concurrently.  See objects/README.md.
 */
#ifndef SLOTSLAB_OBJECT_H
#define SLOTSLAB_OBJECT_H

#include <stddef.h>
#include <stdint.h>

#include <slotslab/slab.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ----------------------------------------------------------- */

enum om_error {
	OM_OK        =   0,
	OM_ENOATTR   =  -1, /* attribute error: no such attribute (read, delete) */
	OM_ENODICT   =  -2, /* attribute error: not a slot and no dict to hold it */
	OM_ENOWEAKREF=  -3, /* the class takes no weak references (rule 7) */
	OM_ELAYOUT   =  -4, /* class change between different layouts (rule 8) */
	OM_EREDECL   =  -5, /* slot declared twice, or by a base (rule 5) */
	OM_EVARSIZE  =  -6, /* non-empty slots or weakref on a variable-size base (rule 9) */
	OM_ECONFLICT =  -7, /* class attribute named like one of the class's slots */
	OM_EBUSY     =  -8, /* class or space still has instances or subclasses */
	OM_ENOMEM    =  -9, /* out of memory */
	OM_EINVAL    = -10, /* bad argument */
	OM_ENOENT    = -11, /* no such profile, heap or class */
	OM_ERANGE    = -12, /* item index out of range */
};

/** om_strerror - the name of an OM_E* code ("attribute error: ..."), never NULL */
SLOTSLAB_API const char *om_strerror(int err);

/**
 * om_errmsg - what the calling thread's last failed call was about
 *
 * For example "'Student' object has no attribute 'score' and no __dict__".
 * Return: a thread-local string, valid until the thread's next failing call;
 * "" if no call has failed.
 */
SLOTSLAB_API const char *om_errmsg(void);

/* ---- values ------------------------------------------------------------ */

/*
 * An 8-byte tagged value: bit 0 set means an integer in bits 63..1, bit 0
 * clear a pointer (which must be 2-aligned).  0 is OM_NULL, "no value".
 */
typedef uint64_t om_value;

#define OM_NULL    ((om_value)0)
#define OM_INT_MAX (INT64_MAX >> 1)
#define OM_INT_MIN (INT64_MIN >> 1)

/** om_int - an integer value; @i must lie in OM_INT_MIN..OM_INT_MAX */
static inline om_value om_int(int64_t i)
{
	return ((uint64_t)i << 1) | 1u;
}

/** om_ptr - a pointer value; @p must be non-NULL and 2-aligned */
static inline om_value om_ptr(const void *p)
{
	return (om_value)(uintptr_t)p;
}

static inline int om_is_int(om_value v)
{
	return (int)(v & 1u);
}

static inline int64_t om_to_int(om_value v)
{
	return (int64_t)v >> 1;
}

static inline void *om_to_ptr(om_value v)
{
	return (void *)(uintptr_t)v;
}

/* ---- symbols ----------------------------------------------------------- */

struct om_sym;

/**
 * om_intern - the symbol for @name, created on first use
 * @name: a non-empty NUL-terminated string
 *
 * The string is hashed once, here; lookups use the symbol's stored hash and
 * identity.  Symbols live until the process exits.
 * Return: the symbol, or NULL (OM_EINVAL for an empty name, OM_ENOMEM).
 * Context: any thread.
 */
SLOTSLAB_API const struct om_sym *om_intern(const char *name);

/** om_intern_n - om_intern() of the @len bytes at @name (no NUL needed) */
SLOTSLAB_API const struct om_sym *om_intern_n(const char *name, size_t len);

/** om_sym_name - the symbol's string */
SLOTSLAB_API const char *om_sym_name(const struct om_sym *sym);

/** om_sym_hash - the symbol's 64-bit hash, computed once by om_intern() */
SLOTSLAB_API uint64_t om_sym_hash(const struct om_sym *sym);

/* ---- heaps ------------------------------------------------------------- */

/**
 * struct om_heap_methods - a heap back-end, in the style of SQLite's
 * sqlite3_mem_methods
 * @name:        short name ("kmalloc", "libc")
 * @malloc:      allocate @size > 0 bytes, 16-byte aligned; NULL on failure
 * @free:        free a block from @malloc
 * @usable_size: bytes the block really holds (>= the size asked for)
 * @roundup:     the size a request of @size is rounded up to, or NULL to
 *               have the heap find out (by probing once per size, memoised)
 * @impl:        which allocator serves the requests ("slotslab", "glibc",
 *               "jemalloc", ...), or NULL
 */
struct om_heap_methods {
	const char *name;
	void *(*malloc)(void *ctx, size_t size);
	void  (*free)(void *ctx, void *p);
	size_t (*usable_size)(void *ctx, const void *p);
	size_t (*roundup)(void *ctx, size_t size);
	const char *(*impl)(void *ctx);
};

struct om_heap;

/** struct om_bytes - a byte count, as asked for and as really held */
struct om_bytes {
	size_t requested;
	size_t held;
};

/**
 * struct om_heap_stats - what a heap holds for its users
 * @live:  blocks, bytes requested and bytes held (usable sizes) now
 * @peak:  the highest requested and held totals seen (each on its own)
 */
struct om_heap_stats {
	const char *name;
	const char *impl;
	size_t blocks;
	struct om_bytes live;
	struct om_bytes peak;
	uint64_t nmalloc, nfree, nfailed;
};

/**
 * om_heap_create - a heap over a built-in back-end
 * @name: "kmalloc" (also "slab": the project's kmalloc, usable size from
 *        ksize) or "libc" (also "malloc": the process's malloc, usable size
 *        from malloc_usable_size, so LD_PRELOAD of jemalloc, mimalloc or
 *        tcmalloc is measured)
 * @out:  receives the heap
 *
 * Return: 0, OM_ENOENT for an unknown name, OM_ENOMEM.
 */
SLOTSLAB_API int om_heap_create(const char *name, struct om_heap **out);

/**
 * om_heap_create_methods - a heap over user-supplied methods (fault
 * injection, another allocator)
 * @m:   the methods; must stay valid while the heap exists
 * @ctx: passed to every method
 * @out: receives the heap
 *
 * Return: 0, OM_EINVAL if a required method is missing, OM_ENOMEM.
 */
SLOTSLAB_API int om_heap_create_methods(const struct om_heap_methods *m, void *ctx,
					struct om_heap **out);

/**
 * om_heap_destroy - free a heap
 * @h: the heap; NULL is ignored
 *
 * Return: 0, or OM_EBUSY (and nothing freed) while blocks are live or a
 * space uses the heap.
 */
SLOTSLAB_API int om_heap_destroy(struct om_heap *h);

/** om_heap_get_stats - fill @st with @h's counters; 0 or OM_EINVAL */
SLOTSLAB_API int om_heap_get_stats(const struct om_heap *h, struct om_heap_stats *st);

/** om_heap_names - the built-in back-ends, NULL-terminated */
SLOTSLAB_API const char *const *om_heap_names(void);

/* ---- spaces and profiles ---------------------------------------------- */

struct om_space;

/** om_profile_names - the dict layout profiles, NULL-terminated, default first */
SLOTSLAB_API const char *const *om_profile_names(void);

/** om_profile_summary - one line on profile @name, or NULL if there is none */
SLOTSLAB_API const char *om_profile_summary(const char *name);

/**
 * om_profile_for_python - the profile that models an interpreter
 * @impl:    implementation, as a trace's "# python: IMPL VERSION" header
 *           line or platform.python_implementation() names it ("cpython",
 *           any case; "pypy")
 * @version: its version, "MAJOR.MINOR[.MICRO...]" ("3.11.7")
 *
 * Return: the name of the profile of that generation ("cpython27",
 * "cpython36" ... "cpython313"), or NULL when no profile models it: an
 * implementation other than CPython (PyPy's objects are not CPython's), a
 * CPython generation without a profile, a malformed version, NULL input.
 */
SLOTSLAB_API const char *om_profile_for_python(const char *impl, const char *version);

#define OM_SPACE_NO_MERGE       0x1u /* one slab cache per class (SLAB_NO_MERGE) */
#define OM_SPACE_HEAP_INSTANCES 0x2u /* instances from the heap, not slab caches */

/**
 * struct om_space_config - how a space stores its objects
 * @profile: dict layout profile; NULL means CONFIG_OM_DEFAULT_PROFILE
 * @heap:    heap for dicts, weak references and heap-allocated instances
 *           (variable-size classes, OM_SPACE_HEAP_INSTANCES); NULL makes a
 *           private kmalloc heap that the space owns
 * @flags:   OM_SPACE_* bits
 */
struct om_space_config {
	const char *profile;
	struct om_heap *heap;
	unsigned int flags;
};

/**
 * om_space_create - create an object space
 * @cfg: the configuration; NULL for all defaults
 * @out: receives the space
 *
 * Return: 0, OM_ENOENT for an unknown profile, OM_ENOMEM.
 */
SLOTSLAB_API int om_space_create(const struct om_space_config *cfg, struct om_space **out);

/**
 * om_space_destroy - destroy a space and all its classes
 * @sp: the space; NULL is ignored
 *
 * Return: 0, or OM_EBUSY (and nothing destroyed) while instances are live.
 */
SLOTSLAB_API int om_space_destroy(struct om_space *sp);

/** om_space_profile - the name of @sp's profile */
SLOTSLAB_API const char *om_space_profile(const struct om_space *sp);

/** om_space_heap - the heap @sp allocates dicts from */
SLOTSLAB_API struct om_heap *om_space_heap(const struct om_space *sp);

/**
 * struct om_space_stats - what a space's objects hold
 * @instances: the instances themselves (slab objects, or heap blocks)
 * @dicts:     instance dicts, their tables and values arrays
 * @shared:    per-class structures shared by instances (CPython 3.11 keys)
 * @weakrefs:  weak reference objects
 * @total:     the sum of the four above; @peak its highest value
 * @meta:      class metadata (names, slot maps, class attributes), kmalloc
 */
struct om_space_stats {
	const char *profile;
	const char *heap;
	size_t classes;
	size_t objects, objects_peak;
	struct om_bytes instances, dicts, shared, weakrefs;
	struct om_bytes total, peak;
	struct om_bytes meta;
};

/** om_space_get_stats - fill @st; 0 or OM_EINVAL */
SLOTSLAB_API int om_space_get_stats(const struct om_space *sp, struct om_space_stats *st);

/* ---- classes ----------------------------------------------------------- */

struct om_class;

#define OM_CLASS_SLOTS   0x1u /* __slots__ declared (implied when nslots > 0) */
#define OM_CLASS_DICT    0x2u /* '__dict__' in __slots__: instances may have a dict */
#define OM_CLASS_WEAKREF 0x4u /* '__weakref__' in __slots__ */
#define OM_CLASS_VARSIZE 0x8u /* variable-size instances (like str, tuple); root only */
/* instances are made by a C constructor (list, str, dict: not object's) or,
 * CPython 3.13, have a C layout beyond object's (a library base with slots):
 * under 3.11+ they start without values; the first attribute set makes a
 * split dict with values for all the shared keys' room.  A native root
 * with a dict (OM_CLASS_DICT: BaseException) has it as a field of its C
 * layout, a plain dict under every profile, made by the first attribute
 * set that no slot takes; so is its weak reference list (OM_CLASS_WEAKREF:
 * deque, set), never 3.12's managed pre-header.  Root only; profiles without managed dicts
 * ignore it but for that */
#define OM_CLASS_NATIVE  0x10u

/**
 * struct om_class_def - a class declaration
 * @name:   the class name; copied
 * @base:   base class in the same space, or NULL
 * @slots:  declared slot names (strings); may be NULL when @nslots is 0
 * @nslots: number of names in @slots
 * @flags:  OM_CLASS_* bits
 *
 * Without OM_CLASS_SLOTS (and no slots) the class is a dict class: its
 * instances have a dict and take weak references, as a Python class without
 * __slots__.
 */
struct om_class_def {
	const char *name;
	struct om_class *base;
	const char *const *slots;
	size_t nslots;
	unsigned int flags;
};

/**
 * om_class_create - declare a class
 * @sp:  the space
 * @def: the declaration
 * @out: receives the class
 *
 * Inheritance (docs/DESIGN.md 5, rules 5 and 9): a subclass has its base's slots
 * first, then its own; it has a dict if its base has one or it asks for one;
 * a dict class over a variable-size base gets no weakref field.  The
 * instance size follows from the layout and picks the class's slab cache
 * (merged with caches of equal size unless OM_SPACE_NO_MERGE or
 * SLOTSLAB_NOMERGE=1).
 *
 * Return: 0; OM_EREDECL for a slot named twice or already a base slot;
 * OM_EVARSIZE for slots or '__weakref__' over a variable-size base;
 * OM_EINVAL (bad name, base from another space, OM_CLASS_VARSIZE on a
 * class whose base is not variable-size); OM_ENOMEM.
 */
SLOTSLAB_API int om_class_create(struct om_space *sp, const struct om_class_def *def,
				 struct om_class **out);

/**
 * om_class_destroy - destroy a class
 * @cls: the class; NULL is ignored
 *
 * Return: 0, or OM_EBUSY while it has instances or subclasses.
 */
SLOTSLAB_API int om_class_destroy(struct om_class *cls);

/** om_class_find - the class called @name in @sp (the latest), or NULL */
SLOTSLAB_API struct om_class *om_class_find(const struct om_space *sp, const char *name);

/** om_class_name - @cls's name */
SLOTSLAB_API const char *om_class_name(const struct om_class *cls);

/** om_class_base - @cls's base class, or NULL */
SLOTSLAB_API struct om_class *om_class_base(const struct om_class *cls);

/**
 * om_class_set_attr - bind a class attribute (rule 6)
 * @cls:  the class
 * @name: attribute name
 * @v:    value, not OM_NULL
 *
 * Instances of @cls and its subclasses that have no attribute @name of
 * their own read this one.
 * Return: 0, OM_ECONFLICT if @name is a slot of @cls, OM_EINVAL, OM_ENOMEM.
 */
SLOTSLAB_API int om_class_set_attr(struct om_class *cls, const struct om_sym *name,
				   om_value v);

/**
 * om_class_get_attr - read a class attribute, along the bases
 * Return: 0 with *@out set, or OM_ENOATTR.
 */
SLOTSLAB_API int om_class_get_attr(const struct om_class *cls, const struct om_sym *name,
				   om_value *out);

/** om_class_del_attr - unbind a class attribute of @cls itself; 0 or OM_ENOATTR */
SLOTSLAB_API int om_class_del_attr(struct om_class *cls, const struct om_sym *name);

#define OM_INFO_DICT         0x01u /* instances may have a dict */
#define OM_INFO_WEAKREF      0x02u /* instances take weak references */
#define OM_INFO_VARSIZE      0x04u /* variable-size instances */
#define OM_INFO_SLOTS        0x08u /* declared __slots__ */
#define OM_INFO_GC           0x10u /* the profile puts a GC header before instances */
#define OM_INFO_INLINE_DICT  0x20u /* dict and values pointers before the object (3.11) */
#define OM_INFO_NATIVE       0x40u /* OM_CLASS_NATIVE, here or in a base */

/**
 * struct om_class_info - a class's layout and accounting
 * @nslots:        slots in all, base's included; @nslots_own declared here
 * @pre_header:    bytes before the object (GC header, 3.11's dict pointers)
 * @header:        object header: class pointer, refcount, size of a varsize
 * @instance_size: bytes of an instance (with no items), as requested
 * @instance_held: bytes one instance really takes (the cache's stride)
 * @dict_offset:   offset of the dict pointer from the object, 0 if none
 * @weakref_offset: offset of the weakref pointer, 0 if none
 * @cache_names:   the names the class's slab cache serves, comma-separated
 *                 ("" when instances come from the heap)
 * @objects:       live instances; @instances, @dicts, @shared their bytes
 * @meta:          the class's own metadata
 */
struct om_class_info {
	const char *name;
	const char *base;
	unsigned int flags;
	size_t nslots, nslots_own;
	size_t pre_header, header;
	size_t instance_size, instance_held;
	long dict_offset, weakref_offset;
	char cache_names[256];
	size_t objects;
	struct om_bytes instances, dicts, shared, meta;
};

/** om_class_get_info - fill @info; 0 or OM_EINVAL */
SLOTSLAB_API int om_class_get_info(const struct om_class *cls, struct om_class_info *info);

/**
 * om_class_slot_name - the name of slot @i of @cls (base's first), or NULL
 */
SLOTSLAB_API const struct om_sym *om_class_slot_name(const struct om_class *cls, size_t i);

/* ---- instances --------------------------------------------------------- */

struct om_object;

/**
 * om_new - create an instance of @cls with every slot unset
 * @cls: the class
 * @out: receives the instance
 *
 * Return: 0 or OM_ENOMEM.
 */
SLOTSLAB_API int om_new(struct om_class *cls, struct om_object **out);

/**
 * om_new_var - create an instance of a variable-size class with @nitems
 * items (each OM_NULL); om_new() of such a class makes one with none
 * Return: 0, OM_EINVAL if @cls is not variable-size, OM_ENOMEM.
 */
SLOTSLAB_API int om_new_var(struct om_class *cls, size_t nitems, struct om_object **out);

/**
 * om_free - destroy an instance: its weak references go dead, its dict and
 * memory go back
 * @obj: the instance; NULL is ignored
 */
SLOTSLAB_API void om_free(struct om_object *obj);

/** om_class_of - the class of @obj */
SLOTSLAB_API struct om_class *om_class_of(const struct om_object *obj);

/**
 * om_get - read an attribute
 * @obj:  the instance
 * @name: attribute name
 * @out:  receives the value
 *
 * Order: the slot called @name (an unset slot is an error), the instance
 * dict, the class attributes of the class and its bases.
 * Return: 0, or OM_ENOATTR.
 */
SLOTSLAB_API int om_get(const struct om_object *obj, const struct om_sym *name, om_value *out);

/**
 * om_set - bind an attribute
 * @obj:  the instance
 * @name: attribute name
 * @v:    value, not OM_NULL
 *
 * Declared names go to their slots, others to the instance dict, created on
 * first use.
 * Return: 0; OM_ENODICT if @name is no slot and the class has no dict;
 * OM_EINVAL for OM_NULL; OM_ENOMEM.  On failure nothing changed.
 */
SLOTSLAB_API int om_set(struct om_object *obj, const struct om_sym *name, om_value v);

/**
 * om_del - unbind an attribute of the instance (never a class attribute)
 * Return: 0, or OM_ENOATTR (nothing changed).
 */
SLOTSLAB_API int om_del(struct om_object *obj, const struct om_sym *name);

/**
 * om_read_dict - Python's obj.__dict__ (vars(obj), pickle, copy, json's
 * default=vars): the dict the instance has, made if it has none
 * @obj: the instance
 *
 * Under cpython311 to cpython313 an instance whose attributes sit in a
 * values array gets the dict object that wraps them (gc header + 48 bytes);
 * under every CPython profile an instance without a dict gets its first,
 * empty; otherwise, and under native and cpython27, nothing changes.
 * Return: 0; OM_ENODICT if the class has no dict (Python raises
 * AttributeError); OM_ENOMEM (nothing changed).
 */
SLOTSLAB_API int om_read_dict(struct om_object *obj);

/* The largest table om_own_dict() takes. */
#define OM_OWN_DICT_MAX (1UL << 26)

/**
 * om_own_dict - the instance's __dict__ has a hash table of its own
 * @obj:   the instance
 * @slots: the table's slots (its index size), a power of two from 8 to
 *         OM_OWN_DICT_MAX
 *
 * As after Python's `obj.__dict__ = d`, or under CPython 3.10-3.12
 * `obj.__dict__.update(d)` of an instance with no attribute yet (the
 * dict then copies d's table): the dict holds its attributes, in order,
 * in a table of @slots slots (more if they do not fit), shared with no
 * other instance; the class's shared keys stay the others'.  Implies
 * om_read_dict().  Under native and cpython27 every dict owns its table
 * already: nothing changes beyond om_read_dict().
 * Return: 0; OM_EINVAL (@slots out of range); OM_ENODICT if the class has
 * no dict; OM_ENOMEM (the instance may have its dict made, else unchanged).
 */
SLOTSLAB_API int om_own_dict(struct om_object *obj, uint64_t slots);

/**
 * om_set_class - change the class of @obj (Python's __class__ assignment)
 * @obj: the instance
 * @cls: the new class, in the same space
 *
 * Allowed only between identical layouts (rule 8): same size, same slots
 * at the same places, same dict and weakref fields.  The instance's bytes
 * move from the old class's accounting to the new one's.
 * Return: 0, OM_ELAYOUT, OM_ENOMEM (CPython 3.11 first gives the instance a
 * dict of its own, as CPython does).
 */
SLOTSLAB_API int om_set_class(struct om_object *obj, struct om_class *cls);

/**
 * om_items - the items of a variable-size instance
 * @obj: the instance
 * @n:   receives the number of items (0 for fixed-size instances)
 *
 * Return: the item array, writable, or NULL when there are none.
 */
SLOTSLAB_API om_value *om_items(struct om_object *obj, size_t *n);

/** om_attr_fn - callback of om_for_each_attr(); non-zero stops the walk */
typedef int (*om_attr_fn)(const struct om_sym *name, om_value v, void *arg);

/**
 * om_for_each_attr - call @fn for every attribute of the instance itself:
 * set slots in slot order, then dict entries in the dict's order (insertion
 * order; under cpython27 the hash table's order, as CPython 2.7 iterates)
 * Return: 0, or the first non-zero value @fn returned.
 */
SLOTSLAB_API int om_for_each_attr(const struct om_object *obj, om_attr_fn fn, void *arg);

enum om_dict_state {
	OM_DICT_NONE   = 0, /* no dict memory */
	OM_DICT_INLINE = 1, /* a values array beside the object (CPython 3.11) */
	OM_DICT_TABLE  = 2, /* a hash table of its own */
};

/** om_dict_state - what dict memory @obj has now (enum om_dict_state) */
SLOTSLAB_API int om_dict_state(const struct om_object *obj);

/**
 * struct om_footprint - what one instance holds
 * @object: the instance itself (header, slots, items)
 * @dict:   its dict: table(s), values array
 * @total:  the sum
 */
struct om_footprint {
	struct om_bytes object;
	struct om_bytes dict;
	struct om_bytes total;
};

/** om_footprint - fill @fp with what @obj holds; 0 or OM_EINVAL */
SLOTSLAB_API int om_footprint(const struct om_object *obj, struct om_footprint *fp);

/* ---- weak references --------------------------------------------------- */

struct om_weakref;

/**
 * om_weakref_new - take a weak reference to @obj (rule 7)
 * @obj: the referent
 * @out: receives the reference
 *
 * The reference is allocated from the space's heap, sized as the profile's
 * weak reference object.
 * Return: 0, OM_ENOWEAKREF if @obj's class has no weakref field, OM_ENOMEM.
 */
SLOTSLAB_API int om_weakref_new(struct om_object *obj, struct om_weakref **out);

/** om_weakref_get - the referent, or NULL once it has been freed */
SLOTSLAB_API struct om_object *om_weakref_get(const struct om_weakref *ref);

/** om_weakref_free - drop a weak reference; NULL is ignored */
SLOTSLAB_API void om_weakref_free(struct om_weakref *ref);

/** om_weakref_count - live weak references to @obj */
SLOTSLAB_API size_t om_weakref_count(const struct om_object *obj);

#ifdef __cplusplus
}
#endif

#endif /* SLOTSLAB_OBJECT_H */
