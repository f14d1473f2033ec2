// SPDX-License-Identifier: MIT
/*
 * objects/dict_cpython311.c - the "cpython311" profile: CPython 3.11's
 * compact dicts, key-sharing instances and object headers on x86-64.
 *
 * Facts modelled, from CPython 3.11's Objects/dictobject.c,
 * Include/internal/pycore_dict.h, Include/internal/pycore_object.h and
 * Objects/typeobject.c (read for the facts; the code here is written anew):
 *
 * - Keys object (PyDictKeysObject): a 32-byte header (dk_refcnt,
 *   dk_log2_size, dk_log2_index_bytes, dk_kind, dk_version, dk_usable,
 *   dk_nentries), an index array of 2^log2_size signed slots of 1, 2, 4 or
 *   8 bytes (int8 up to 128 slots, int16 up to 2^15, ...), then
 *   USABLE_FRACTION(size) = 2 * size / 3 entries, 16 bytes each for string
 *   keys (PyDictUnicodeEntry: key, value; the hash is the string's).
 *   Probing: i = hash & mask, then i = 5i + perturb + 1, perturb >>= 5.
 *   Deleting writes DKIX_DUMMY in the index and clears the entry.
 * - Dict object: PyObject_HEAD, ma_used, ma_version_tag, ma_keys,
 *   ma_values: 48 bytes, plus a 16-byte GC header.  A new dict has the
 *   shared empty keys (no allocation); the first insert makes 8 slots.
 *   When dk_usable is exhausted the keys are rebuilt for
 *   GROWTH_RATE = used * 3 (the smallest power of two >= that, at least 8).
 * - Instances of a class without __slots__ (or with '__dict__' in them)
 *   and a fixed size have a "managed" dict: two pointers before the GC
 *   header, the values array and the dict.  The class keeps shared keys
 *   (PEP 412), created with the class: 64 slots, 42 entries, dk_usable set
 *   to SHARED_KEYS_MAX_SIZE = 30.  Each new instance first takes one from
 *   dk_usable (while it is above 1), then gets a values array for
 *   dk_nentries + dk_usable values, with a prefix of round_up(n + 2, 8)
 *   bytes that records insertion order.  A name that is not yet in the
 *   shared keys is added while dk_usable > 0.  When it cannot be, the
 *   instance gets a dict of its own: the values move into a combined table
 *   sized for GROWTH_RATE and the values array is freed.
 * - Object header: ob_refcnt, ob_type (16 bytes); every heap type's
 *   instances have the 16-byte GC header; a class without __slots__ adds a
 *   weakref pointer (the dict pointer is in the pre-header).  So a dict
 *   instance is 16 + 16 + 16 + 8 = 56 bytes plus its values, and a slot
 *   instance 32 + 8n: 48 and 88 bytes for two attributes, 64 and 104 for
 *   four (reference/cpython311_bytes_per_object.csv).
 *
 * Simplifications (none touches the measured sizes): a dict that must stop
 * sharing keys (overflow, class change) becomes a combined dict at once,
 * where CPython first wraps the values in a split dict; instances of
 * variable-size classes keep a plain combined dict; the dict and keys free
 * lists are not modelled (they reuse blocks of the same sizes).
 *
 * Keys are interned symbols, compared by identity, hashed by their stored
 * hash.  The instance's values capacity, which CPython never needs again,
 * is kept in the first word of the GC header, which this model leaves
 * unused, so that the exact size can be given back to the heap.
 */
#include "objects/internal.h"

#define GC_HEAD               16
#define LOG_MINSIZE           3
#define PERTURB_SHIFT         5
#define DKIX_EMPTY            (-1)
#define DKIX_DUMMY            (-2)
#define SHARED_KEYS_MAX_SIZE  30
#define LOG2_SHARED_KEYS      6   /* NEXT_LOG2_SHARED_KEYS_MAX_SIZE */
#define USABLE_FRACTION(n)    (((n) << 1) / 3)
#define GROWTH_RATE(used)     ((used) * 3)

enum { KEYS_UNICODE = 1, KEYS_SPLIT = 2 };

/*
 * Invariants: nentries + usable <= USABLE_FRACTION(size) (== for combined
 * keys right after a rebuild); every entry < nentries with a key has one
 * index slot holding its number; deleted entries have key == NULL and a
 * DKIX_DUMMY slot (combined keys only; shared keys never delete).
 */
struct keys311 {
	int64_t dk_refcnt;
	uint8_t dk_log2_size;
	uint8_t dk_log2_index_bytes;
	uint8_t dk_kind;
	uint8_t pad;
	uint32_t dk_version;
	int64_t dk_usable;
	int64_t dk_nentries;
	char dk_indices[];
};

struct entry311 {
	const struct om_sym *me_key;
	om_value me_value;
};

/* A dict of its own: always combined here (ma_values == NULL). */
struct dict311 {
	uint64_t gc_head[2];
	int64_t ob_refcnt;
	const void *ob_type;
	int64_t ma_used;
	uint64_t ma_version_tag;
	struct keys311 *ma_keys;
	void *ma_values;
};

_Static_assert(sizeof(struct keys311) == 32, "PyDictKeysObject header is 32 bytes");
_Static_assert(sizeof(struct entry311) == 16, "PyDictUnicodeEntry is 16 bytes");
_Static_assert(sizeof(struct dict311) == 48 + GC_HEAD, "PyDictObject is 48 bytes + GC");

/* ---- keys objects ---------------------------------------------------------- */

static unsigned int log2_index_bytes(unsigned int log2_size)
{
	return log2_size + (log2_size < 8 ? 0 : log2_size < 16 ? 1 : log2_size < 32 ? 2 : 3);
}

static size_t keys_bytes(unsigned int log2_size)
{
	return sizeof(struct keys311) + ((size_t)1 << log2_index_bytes(log2_size)) +
	       sizeof(struct entry311) * USABLE_FRACTION((size_t)1 << log2_size);
}

static __always_inline struct entry311 *keys_entries(const struct keys311 *k)
{
	return (struct entry311 *)(k->dk_indices + ((size_t)1 << k->dk_log2_index_bytes));
}

static __always_inline int64_t index_get(const struct keys311 *k, size_t i)
{
	unsigned int l = k->dk_log2_size;

	return l < 8 ? ((const int8_t *)k->dk_indices)[i] :
	       l < 16 ? ((const int16_t *)k->dk_indices)[i] :
	       l < 32 ? ((const int32_t *)k->dk_indices)[i] :
	       ((const int64_t *)k->dk_indices)[i];
}

static __always_inline void index_set(struct keys311 *k, size_t i, int64_t ix)
{
	unsigned int l = k->dk_log2_size;

	if (l < 8)
		((int8_t *)k->dk_indices)[i] = (int8_t)ix;
	else if (l < 16)
		((int16_t *)k->dk_indices)[i] = (int16_t)ix;
	else if (l < 32)
		((int32_t *)k->dk_indices)[i] = (int32_t)ix;
	else
		((int64_t *)k->dk_indices)[i] = ix;
}

/*
 * 3.11's calculate_log2_keysize as built where long is 64 bits: the bit
 * length of ((minsize | 8) - 1) | 7.  That is the smallest power of two
 * >= minsize, except for powers of two >= 16, which get twice that (later
 * versions changed the formula); GROWTH_RATE's multiples of 3 never are.
 */
static unsigned int calc_log2_keysize(int64_t minsize)
{
	uint64_t m = (((uint64_t)minsize | (1u << LOG_MINSIZE)) - 1) | ((1u << LOG_MINSIZE) - 1);

	return 64 - (unsigned int)__builtin_clzll(m);
}

static struct keys311 *new_keys(struct om_class *cls, enum om_charge kind, unsigned int l)
{
	size_t held, bytes = keys_bytes(l);
	struct keys311 *k = om_mem_alloc(cls, kind, bytes, &held);

	if (!k)
		return NULL;
	k->dk_refcnt = 1;
	k->dk_log2_size = (uint8_t)l;
	k->dk_log2_index_bytes = (uint8_t)log2_index_bytes(l);
	k->dk_kind = KEYS_UNICODE;
	k->pad = 0;
	k->dk_version = 0;
	k->dk_usable = USABLE_FRACTION((int64_t)1 << l);
	k->dk_nentries = 0;
	memset(k->dk_indices, 0xff, (size_t)1 << k->dk_log2_index_bytes);  /* DKIX_EMPTY */
	memset(keys_entries(k), 0, sizeof(struct entry311) * (size_t)k->dk_usable);
	return k;
}

static void free_keys(struct om_class *cls, enum om_charge kind, struct keys311 *k)
{
	if (k)
		om_mem_free(cls, kind, k, keys_bytes(k->dk_log2_size));
}

/* Entry number of @key, or DKIX_EMPTY; *pos receives its index slot. */
static int64_t lookup(const struct keys311 *k, const struct om_sym *key, size_t *pos)
{
	size_t mask = ((size_t)1 << k->dk_log2_size) - 1, perturb = key->hash;
	size_t i = key->hash & mask;

	for (;;) {
		int64_t ix = index_get(k, i);

		if (ix >= 0 && keys_entries(k)[ix].me_key == key) {
			*pos = i;
			return ix;
		}
		if (ix == DKIX_EMPTY)
			return DKIX_EMPTY;
		perturb >>= PERTURB_SHIFT;
		i = (i * 5 + perturb + 1) & mask;
	}
}

/* The first index slot on @hash's probe path that holds no entry. */
static size_t find_empty_slot(const struct keys311 *k, uint64_t hash)
{
	size_t mask = ((size_t)1 << k->dk_log2_size) - 1, perturb = hash, i = hash & mask;

	while (index_get(k, i) >= 0) {
		perturb >>= PERTURB_SHIFT;
		i = (i * 5 + perturb + 1) & mask;
	}
	return i;
}

/* Append @key (known absent, dk_usable > 0) as entry dk_nentries. */
static int64_t keys_append(struct keys311 *k, const struct om_sym *key, om_value v)
{
	int64_t ix = k->dk_nentries;

	index_set(k, find_empty_slot(k, key->hash), ix);
	keys_entries(k)[ix].me_key = key;
	keys_entries(k)[ix].me_value = v;
	k->dk_usable--;
	k->dk_nentries++;
	return ix;
}

/* ---- values arrays beside the object ---------------------------------------- */

static size_t values_prefix(size_t cap)
{
	return ALIGN_UP(cap + 2, (size_t)8);
}

static size_t values_bytes(size_t cap)
{
	return values_prefix(cap) + 8 * cap;
}

static om_value **values_word(const struct om_object *obj)
{
	return (om_value **)obj_word(obj, obj->cls->dict_off - 8);
}

static uint64_t *values_cap_word(const struct om_object *obj)
{
	return (uint64_t *)obj_word(obj, -GC_HEAD);
}

static uint8_t *values_order(const om_value *values)
{
	return (uint8_t *)values - ((const uint8_t *)values)[-1];
}

static uint8_t *values_count(om_value *values)
{
	return (uint8_t *)values - 2;
}

static om_value *new_values(struct om_class *cls, size_t cap)
{
	size_t held, prefix = values_prefix(cap);
	uint8_t *mem = om_mem_alloc(cls, CHARGE_DICT, values_bytes(cap), &held);

	if (!mem)
		return NULL;
	memset(mem, 0, values_bytes(cap));
	mem[prefix - 1] = (uint8_t)prefix;
	return (om_value *)(mem + prefix);
}

static void free_values(struct om_class *cls, om_value *values, size_t cap)
{
	om_mem_free(cls, CHARGE_DICT, values_order(values), values_bytes(cap));
}

static void order_remove(om_value *values, int64_t ix)
{
	uint8_t *order = values_order(values), n = *values_count(values);

	for (uint8_t i = 0; i < n; i++) {
		if (order[i] == ix) {
			memmove(&order[i], &order[i + 1], (size_t)(n - i - 1));
			(*values_count(values))--;
			return;
		}
	}
}

/* ---- dicts of their own ------------------------------------------------------ */

static struct dict311 *own_dict(const struct om_object *obj)
{
	return obj_dict(obj);
}

static struct dict311 *new_dict(struct om_class *cls)
{
	size_t held;
	struct dict311 *mp = om_mem_alloc(cls, CHARGE_DICT, sizeof(*mp), &held);

	if (mp) {
		memset(mp, 0, sizeof(*mp));
		mp->ob_refcnt = 1;
	}
	return mp;
}

static void free_dict(struct om_class *cls, struct dict311 *mp)
{
	free_keys(cls, CHARGE_DICT, mp->ma_keys);
	om_mem_free(cls, CHARGE_DICT, mp, sizeof(*mp));
}

/* Keys for @used live entries of @mp, copied in order: dictresize. */
static int dict_resize(struct om_class *cls, struct dict311 *mp)
{
	struct keys311 *old = mp->ma_keys;
	struct keys311 *k = new_keys(cls, CHARGE_DICT, calc_log2_keysize(GROWTH_RATE(mp->ma_used)));

	if (!k)
		return OM_ENOMEM;
	for (int64_t ix = 0; old && ix < old->dk_nentries; ix++) {
		const struct entry311 *e = &keys_entries(old)[ix];

		if (e->me_key)
			keys_append(k, e->me_key, e->me_value);
	}
	free_keys(cls, CHARGE_DICT, old);
	mp->ma_keys = k;
	return 0;
}

static int dict_insert(struct om_class *cls, struct dict311 *mp, const struct om_sym *key,
		       om_value v)
{
	size_t pos;
	int64_t ix = mp->ma_keys ? lookup(mp->ma_keys, key, &pos) : DKIX_EMPTY;

	if (ix >= 0) {
		keys_entries(mp->ma_keys)[ix].me_value = v;
		return 0;
	}
	if (!mp->ma_keys) {
		mp->ma_keys = new_keys(cls, CHARGE_DICT, LOG_MINSIZE);
		if (!mp->ma_keys)
			return OM_ENOMEM;
	} else if (mp->ma_keys->dk_usable <= 0 && dict_resize(cls, mp) != 0) {
		return OM_ENOMEM;
	}
	keys_append(mp->ma_keys, key, v);
	mp->ma_used++;
	return 0;
}

/*
 * Give a managed instance a combined dict holding its values, in insertion
 * order, sized as dictresize sizes a split dict's conversion; then the
 * values array goes.  On OM_ENOMEM nothing changed.
 */
static int materialize(struct om_class *cls, struct om_object *obj)
{
	om_value *values = *values_word(obj);
	const struct keys311 *shared = cls->dstate;
	uint8_t n = *values_count(values);
	struct dict311 *mp = new_dict(cls);
	struct keys311 *k;

	if (!mp)
		return OM_ENOMEM;
	k = new_keys(cls, CHARGE_DICT, calc_log2_keysize(GROWTH_RATE((int64_t)n)));
	if (!k) {
		om_mem_free(cls, CHARGE_DICT, mp, sizeof(*mp));
		return OM_ENOMEM;
	}
	for (uint8_t i = 0; i < n; i++) {
		uint8_t ix = values_order(values)[i];

		keys_append(k, keys_entries(shared)[ix].me_key, values[ix]);
	}
	mp->ma_keys = k;
	mp->ma_used = n;
	free_values(cls, values, *values_cap_word(obj));
	*values_word(obj) = NULL;
	*values_cap_word(obj) = 0;
	set_obj_dict(obj, mp);
	return 0;
}

/* ---- the profile ---------------------------------------------------------- */

static int py311_class_init(struct om_class *cls)
{
	struct keys311 *k;

	if (!(cls->flags & OMC_INLINE))
		return 0;
	k = new_keys(cls, CHARGE_SHARED, LOG2_SHARED_KEYS);
	if (!k)
		return OM_ENOMEM;
	k->dk_usable = SHARED_KEYS_MAX_SIZE;
	k->dk_kind = KEYS_SPLIT;
	cls->dstate = k;
	return 0;
}

static void py311_class_fini(struct om_class *cls)
{
	free_keys(cls, CHARGE_SHARED, cls->dstate);
	cls->dstate = NULL;
}

static int py311_obj_init(struct om_class *cls, struct om_object *obj)
{
	struct keys311 *shared = cls->dstate;
	size_t cap;
	om_value *values;

	if (!(cls->flags & OMC_INLINE))
		return 0;
	if (shared->dk_usable > 1)
		shared->dk_usable--;
	cap = (size_t)(shared->dk_nentries + shared->dk_usable);
	values = new_values(cls, cap);
	if (!values)
		return OM_ENOMEM;
	*values_word(obj) = values;
	*values_cap_word(obj) = cap;
	return 0;
}

static void py311_obj_fini(struct om_class *cls, struct om_object *obj)
{
	struct dict311 *mp = own_dict(obj);

	if ((cls->flags & OMC_INLINE) && *values_word(obj)) {
		free_values(cls, *values_word(obj), *values_cap_word(obj));
		*values_word(obj) = NULL;
	}
	if (mp) {
		free_dict(cls, mp);
		set_obj_dict(obj, NULL);
	}
}

static int py311_get(const struct om_class *cls, const struct om_object *obj,
		     const struct om_sym *key, om_value *out)
{
	struct dict311 *mp;
	size_t pos;
	int64_t ix;

	if ((cls->flags & OMC_INLINE) && *values_word(obj)) {
		ix = lookup(cls->dstate, key, &pos);
		if (ix < 0 || !(*values_word(obj))[ix])
			return OM_ENOATTR;
		*out = (*values_word(obj))[ix];
		return 0;
	}
	mp = own_dict(obj);
	if (!mp || !mp->ma_keys || (ix = lookup(mp->ma_keys, key, &pos)) < 0)
		return OM_ENOATTR;
	*out = keys_entries(mp->ma_keys)[ix].me_value;
	return 0;
}

static int py311_set(struct om_class *cls, struct om_object *obj,
		     const struct om_sym *key, om_value v)
{
	struct dict311 *mp;
	om_value *values;
	size_t pos;
	int64_t ix;
	int err;

	if ((cls->flags & OMC_INLINE) && (values = *values_word(obj))) {
		struct keys311 *shared = cls->dstate;

		ix = lookup(shared, key, &pos);
		if (ix == DKIX_EMPTY && shared->dk_usable > 0)
			ix = keys_append(shared, key, OM_NULL);
		if (ix >= 0) {
			OM_BUG_ON((uint64_t)ix >= *values_cap_word(obj));
			if (!values[ix])
				values_order(values)[(*values_count(values))++] = (uint8_t)ix;
			values[ix] = v;
			return 0;
		}
		err = materialize(cls, obj);
		if (err)
			return err;
		/* sized for 3 * used: room for one more without a resize */
		err = dict_insert(cls, own_dict(obj), key, v);
		OM_BUG_ON(err);
		return err;
	}
	mp = own_dict(obj);
	if (!mp) {
		mp = new_dict(cls);
		if (!mp)
			return OM_ENOMEM;
		err = dict_insert(cls, mp, key, v);
		if (err) {
			free_dict(cls, mp);
			return err;
		}
		set_obj_dict(obj, mp);
		return 0;
	}
	return dict_insert(cls, mp, key, v);
}

static int py311_del(struct om_class *cls, struct om_object *obj, const struct om_sym *key)
{
	struct dict311 *mp;
	om_value *values;
	size_t pos;
	int64_t ix;

	if ((cls->flags & OMC_INLINE) && (values = *values_word(obj))) {
		ix = lookup(cls->dstate, key, &pos);
		if (ix < 0 || !values[ix])
			return OM_ENOATTR;
		values[ix] = OM_NULL;
		order_remove(values, ix);
		return 0;
	}
	mp = own_dict(obj);
	if (!mp || !mp->ma_keys || (ix = lookup(mp->ma_keys, key, &pos)) < 0)
		return OM_ENOATTR;
	index_set(mp->ma_keys, pos, DKIX_DUMMY);
	keys_entries(mp->ma_keys)[ix].me_key = NULL;
	keys_entries(mp->ma_keys)[ix].me_value = OM_NULL;
	mp->ma_used--;
	return 0;
}

static int py311_for_each(const struct om_class *cls, const struct om_object *obj,
			  om_attr_fn fn, void *arg)
{
	struct dict311 *mp = own_dict(obj);
	om_value *values;
	int ret;

	if ((cls->flags & OMC_INLINE) && (values = *values_word(obj))) {
		const struct keys311 *shared = cls->dstate;

		for (uint8_t i = 0; i < *values_count(values); i++) {
			uint8_t ix = values_order(values)[i];

			if ((ret = fn(keys_entries(shared)[ix].me_key, values[ix], arg)))
				return ret;
		}
		return 0;
	}
	for (int64_t ix = 0; mp && mp->ma_keys && ix < mp->ma_keys->dk_nentries; ix++) {
		const struct entry311 *e = &keys_entries(mp->ma_keys)[ix];

		if (e->me_key && (ret = fn(e->me_key, e->me_value, arg)))
			return ret;
	}
	return 0;
}

static void py311_footprint(const struct om_class *cls, const struct om_object *obj,
			    struct om_bytes *out)
{
	struct dict311 *mp = own_dict(obj);

	if ((cls->flags & OMC_INLINE) && *values_word(obj)) {
		om_value *values = *values_word(obj);

		bytes_add(out, values_bytes(*values_cap_word(obj)),
			  om_mem_usable(cls, CHARGE_DICT, values_order(values)));
	}
	if (mp) {
		bytes_add(out, sizeof(*mp), om_mem_usable(cls, CHARGE_DICT, mp));
		if (mp->ma_keys)
			bytes_add(out, keys_bytes(mp->ma_keys->dk_log2_size),
				  om_mem_usable(cls, CHARGE_DICT, mp->ma_keys));
	}
}

static int py311_state(const struct om_class *cls, const struct om_object *obj)
{
	if ((cls->flags & OMC_INLINE) && *values_word(obj))
		return OM_DICT_INLINE;
	return own_dict(obj) ? OM_DICT_TABLE : OM_DICT_NONE;
}

static int py311_unshare(struct om_class *cls, struct om_object *obj)
{
	if ((cls->flags & OMC_INLINE) && *values_word(obj))
		return materialize(cls, obj);
	return 0;
}

/* Every heap type's instances are GC objects in 3.11. */
static uint32_t py311_gc_size(const struct om_class *cls)
{
	return GC_HEAD;
}

const struct om_dict_type om_dict_cpython311 = {
	.name = "cpython311",
	.summary = "CPython 3.11 x86-64: compact keys (index + 16-byte entries), "
		   "PEP 412 key sharing with values beside the object, limit 30",
	.hdr_size = 16,
	.weakref_size = 64 + GC_HEAD,
	.inline_dict = true,
	.gc_size = py311_gc_size,
	.class_init = py311_class_init,
	.class_fini = py311_class_fini,
	.obj_init = py311_obj_init,
	.obj_fini = py311_obj_fini,
	.get = py311_get,
	.set = py311_set,
	.del = py311_del,
	.for_each = py311_for_each,
	.footprint = py311_footprint,
	.state = py311_state,
	.unshare = py311_unshare,
};
