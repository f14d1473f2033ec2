// SPDX-License-Identifier: MIT
/*
 * objects/dict_native.c - the "native" profile: slotslab's own dict, and
 * the leanest object header the rules allow.
 *
 * Object header: the class pointer, 8 bytes; no refcount (instances are
 * freed explicitly), no GC header.  The class pointer cannot go: classes of
 * one instance size share a merged slab cache, so the slab does not tell
 * the class, and rule 8 changes an instance's class in place.  A dict
 * pointer and a weakref pointer exist only in classes that have them
 * (rule 1), so a slot instance with n slots is 8 + 8n bytes and a dict
 * instance 24 bytes plus its dict.
 *
 * The dict (struct ndict) is one heap block, insertion-ordered, keyed by
 * symbol id.  Keys are interned, so a key compares as one 32-bit integer
 * and its hash is read from the symbol, never computed:
 *
 *   [nentries u32][cap u32][values u64 x cap][keys u32 x cap][index]
 *
 * - Values and keys are separate arrays (12 bytes an entry, against
 *   CPython's 16 or 24): a scan of the keys touches 4 bytes per entry.
 * - Up to LINEAR_MAX entries there is no index: a lookup compares at most
 *   8 ids in one or two cache lines, faster than hashing would be, and a
 *   delete closes the gap, so small dicts never hold holes.
 * - Above, the index is an open-addressing table (linear probing from the
 *   symbol's hash) of 1, 2 or 4-byte slots holding entry number + 1, 0 for
 *   empty, sized to the smallest power of two >= 1.5 * cap, so it is at
 *   most 2/3 full.  A delete clears the entry's key (id 0 never matches) and
 *   leaves its slot as the tombstone; holes go at the next growth, which
 *   copies the live entries in order.  As in CPython, a dict never shrinks
 *   on delete.
 *
 * Growth (when nentries == cap): the new capacity is chosen for live + 1
 * entries by the policy below, so a dict with holes compacts instead of
 * growing.  FIT (the default) asks for the bytes of live + 1 entries and
 * then takes every entry that fits in what the heap rounds that up to
 * (heap_roundup: the kmalloc class, or what malloc_usable_size reports);
 * DOUBLE takes the next power of two.  FIT holds fewer bytes for a
 * costlier first set of each attribute (gets and overwrites do not depend
 * on the policy); this profile exists to show what a dict per object costs
 * at best, so bytes win: FIT is the default.  The figures measured are in
 * objects/README.md (CONFIG_OM_NATIVE_GROWTH_DOUBLE builds the other;
 * objbench --profile native compares them).
 *
 * Invariants (checked after every change with CONFIG_OM_DEBUG):
 *   nentries <= cap
 *   cap <= LINEAR_MAX: keys[0..nentries) are all live (no holes), no index
 *   cap >  LINEAR_MAX: every entry i < nentries has exactly one index slot
 *                      holding i + 1, and no other slot is non-zero
 *   ids of live keys are distinct
 *
 * The same code keeps each class's slot map and class attributes
 * (charged as class metadata, from kmalloc).
 */
#include "objects/internal.h"

#define LINEAR_MAX 8u

/* Invariants: see the list above (nd_check asserts them). */
struct ndict {
	uint32_t nentries;
	uint32_t cap;
	uint64_t values[];
};

static __always_inline uint32_t *nd_keys(const struct ndict *d)
{
	return (uint32_t *)(d->values + d->cap);
}

static __always_inline void *nd_index(const struct ndict *d)
{
	return nd_keys(d) + d->cap;
}

static inline unsigned int index_log2(uint32_t cap)
{
	uint64_t want = (uint64_t)cap + cap / 2;

	return 64 - (unsigned int)__builtin_clzll(want - 1);
}

static inline unsigned int index_width(uint32_t cap)
{
	return cap < 0xffu ? 1 : cap < 0xffffu ? 2 : 4;
}

static size_t nd_bytes(uint32_t cap)
{
	size_t bytes = sizeof(struct ndict) + 12 * (size_t)cap;

	if (cap > LINEAR_MAX)
		bytes += (size_t)index_width(cap) << index_log2(cap);
	return bytes;
}

static __always_inline uint32_t slot_get(const void *idx, unsigned int w, size_t i)
{
	return w == 1 ? ((const uint8_t *)idx)[i] :
	       w == 2 ? ((const uint16_t *)idx)[i] : ((const uint32_t *)idx)[i];
}

static __always_inline void slot_set(void *idx, unsigned int w, size_t i, uint32_t v)
{
	if (w == 1)
		((uint8_t *)idx)[i] = (uint8_t)v;
	else if (w == 2)
		((uint16_t *)idx)[i] = (uint16_t)v;
	else
		((uint32_t *)idx)[i] = v;
}

/* Entry number of key @id, or -1. */
static __always_inline long nd_find(const struct ndict *d, uint32_t id, uint64_t hash)
{
	const uint32_t *keys = nd_keys(d);
	unsigned int w;
	const void *idx;
	size_t mask, i;

	if (d->cap <= LINEAR_MAX) {
		for (uint32_t e = 0; e < d->nentries; e++) {
			if (keys[e] == id)
				return e;
		}
		return -1;
	}
	w = index_width(d->cap);
	idx = nd_index(d);
	mask = ((size_t)1 << index_log2(d->cap)) - 1;
	for (i = hash & mask;; i = (i + 1) & mask) {
		uint32_t s = slot_get(idx, w, i);

		if (!s)
			return -1;
		if (keys[s - 1] == id)
			return s - 1;
	}
}

static void index_put(struct ndict *d, uint64_t hash, uint32_t entry)
{
	unsigned int w = index_width(d->cap);
	void *idx = nd_index(d);
	size_t mask = ((size_t)1 << index_log2(d->cap)) - 1, i;

	for (i = hash & mask; slot_get(idx, w, i); i = (i + 1) & mask)
		;
	slot_set(idx, w, i, entry + 1);
}

static void nd_check(const struct ndict *d)
{
	const uint32_t *keys;
	size_t used = 0;

	if (!IS_ENABLED(CONFIG_OM_DEBUG) || !d)
		return;
	keys = nd_keys(d);
	OM_BUG_ON(d->nentries > d->cap);
	for (uint32_t e = 0; e < d->nentries; e++) {
		OM_BUG_ON(d->cap <= LINEAR_MAX && keys[e] == 0);
		for (uint32_t f = e + 1; keys[e] && f < d->nentries; f++)
			OM_BUG_ON(keys[f] == keys[e]);
	}
	if (d->cap > LINEAR_MAX) {
		size_t size = (size_t)1 << index_log2(d->cap);

		for (size_t i = 0; i < size; i++) {
			uint32_t s = slot_get(nd_index(d), index_width(d->cap), i);

			OM_BUG_ON(s > d->nentries);
			used += s != 0;
		}
		OM_BUG_ON(used != d->nentries);
	}
}

/* The capacity a dict that must hold @want entries gets. */
static uint32_t grow_cap(uint32_t want, struct om_class *cls, enum om_charge kind)
{
	uint32_t cap;
	size_t good;

	if (IS_ENABLED(CONFIG_OM_NATIVE_GROWTH_DOUBLE)) {
		for (cap = 1; cap < want; cap *= 2)
			;
		return cap;
	}
	cap = want;
	good = om_mem_roundup(cls, kind, nd_bytes(cap));
	while (cap < UINT32_MAX / 2 && nd_bytes(cap + 1) <= good)
		cap++;
	return cap;
}

size_t ndict_len(const struct ndict *d)
{
	size_t n = 0;

	if (!d)
		return 0;
	if (d->cap <= LINEAR_MAX)
		return d->nentries;
	for (uint32_t e = 0; e < d->nentries; e++)
		n += nd_keys(d)[e] != 0;
	return n;
}

/* Copy @old's live entries, in order, into a new block for @want entries. */
static struct ndict *nd_rebuild(const struct ndict *old, uint32_t want,
				struct om_class *cls, enum om_charge kind)
{
	uint32_t cap = grow_cap(want, cls, kind), n = 0;
	size_t held, bytes = nd_bytes(cap);
	struct ndict *d = om_mem_alloc(cls, kind, bytes, &held);

	if (!d)
		return NULL;
	d->cap = cap;
	if (cap > LINEAR_MAX)
		memset(nd_index(d), 0, (size_t)index_width(cap) << index_log2(cap));
	for (uint32_t e = 0; old && e < old->nentries; e++) {
		uint32_t id = nd_keys(old)[e];

		if (!id)
			continue;
		d->values[n] = old->values[e];
		nd_keys(d)[n] = id;
		if (cap > LINEAR_MAX)
			index_put(d, sym_by_id(id)->hash, n);
		n++;
	}
	d->nentries = n;
	return d;
}

int ndict_get(const struct ndict *d, const struct om_sym *k, uint64_t *out)
{
	long e;

	if (!d)
		return OM_ENOATTR;
	e = nd_find(d, k->id, k->hash);
	if (e < 0)
		return OM_ENOATTR;
	*out = d->values[e];
	return 0;
}

int ndict_set(struct ndict **dp, const struct om_sym *k, uint64_t v,
	      struct om_class *cls, enum om_charge kind)
{
	struct ndict *d = *dp;
	long e = d ? nd_find(d, k->id, k->hash) : -1;
	uint32_t n;

	if (e >= 0) {
		d->values[e] = v;
		return 0;
	}
	if (!d || d->nentries == d->cap) {
		struct ndict *nd = nd_rebuild(d, (uint32_t)ndict_len(d) + 1, cls, kind);

		if (!nd)
			return OM_ENOMEM;
		if (d)
			ndict_free(d, cls, kind);
		*dp = d = nd;
	}
	n = d->nentries++;
	d->values[n] = v;
	nd_keys(d)[n] = k->id;
	if (d->cap > LINEAR_MAX)
		index_put(d, k->hash, n);
	nd_check(d);
	return 0;
}

int ndict_del(struct ndict *d, const struct om_sym *k)
{
	long e = d ? nd_find(d, k->id, k->hash) : -1;
	uint32_t *keys;

	if (e < 0)
		return OM_ENOATTR;
	keys = nd_keys(d);
	if (d->cap <= LINEAR_MAX) {
		uint32_t tail = d->nentries - (uint32_t)e - 1;

		memmove(&keys[e], &keys[e + 1], tail * sizeof(*keys));
		memmove(&d->values[e], &d->values[e + 1], tail * sizeof(*d->values));
		d->nentries--;
	} else {
		keys[e] = 0;
		d->values[e] = 0;
	}
	nd_check(d);
	return 0;
}

void ndict_free(struct ndict *d, struct om_class *cls, enum om_charge kind)
{
	if (d)
		om_mem_free(cls, kind, d, nd_bytes(d->cap));
}

size_t ndict_size(const struct ndict *d)
{
	return d ? nd_bytes(d->cap) : 0;
}

int ndict_for_each(const struct ndict *d, om_attr_fn fn, void *arg)
{
	for (uint32_t e = 0; d && e < d->nentries; e++) {
		uint32_t id = nd_keys(d)[e];
		int ret;

		if (!id)
			continue;
		ret = fn(sym_by_id(id), d->values[e], arg);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- the profile --------------------------------------------------------- */

static uint32_t native_gc_size(const struct om_class *cls)
{
	return 0;
}

static int native_get(const struct om_class *cls, const struct om_object *obj,
		      const struct om_sym *k, om_value *out)
{
	return ndict_get(obj_dict(obj), k, out);
}

static int native_set(struct om_class *cls, struct om_object *obj,
		      const struct om_sym *k, om_value v)
{
	return ndict_set((struct ndict **)obj_word(obj, cls->dict_off), k, v, cls, CHARGE_DICT);
}

static int native_del(struct om_class *cls, struct om_object *obj, const struct om_sym *k)
{
	return ndict_del(obj_dict(obj), k);
}

static void native_obj_fini(struct om_class *cls, struct om_object *obj)
{
	ndict_free(obj_dict(obj), cls, CHARGE_DICT);
	set_obj_dict(obj, NULL);
}

static int native_for_each(const struct om_class *cls, const struct om_object *obj,
			   om_attr_fn fn, void *arg)
{
	return ndict_for_each(obj_dict(obj), fn, arg);
}

static void native_footprint(const struct om_class *cls, const struct om_object *obj,
			     struct om_bytes *out)
{
	struct ndict *d = obj_dict(obj);

	out->requested = ndict_size(d);
	out->held = d ? om_mem_usable(cls, CHARGE_DICT, d) : 0;
}

static int native_state(const struct om_class *cls, const struct om_object *obj)
{
	return obj_dict(obj) ? OM_DICT_TABLE : OM_DICT_NONE;
}

const struct om_dict_type om_dict_native = {
	.name = "native",
	.summary = "slotslab's dict: 12-byte entries keyed by symbol id, scan up to 8, "
		   "then an open-addressing index; 8-byte object header",
	.hdr_size = 8,
	.weakref_size = sizeof(struct om_weakref),
	.inline_dict = false,
	.gc_size = native_gc_size,
	.obj_fini = native_obj_fini,
	.get = native_get,
	.set = native_set,
	.del = native_del,
	.for_each = native_for_each,
	.footprint = native_footprint,
	.state = native_state,
};
