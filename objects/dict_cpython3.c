// SPDX-License-Identifier: MIT
/*
 * objects/dict_cpython3.c - the CPython 3 profiles, "cpython36" to
 * "cpython313": compact dicts, key-sharing instance dicts and object
 * headers on x86-64, one implementation for every generation, the
 * generation's facts in a struct py3 (the table at the end).
 *
 * Read for the facts, per version, in CPython's Objects/dictobject.c,
 * Objects/dict-common.h (3.6-3.10), Include/cpython/dictobject.h,
 * Include/internal/pycore_dict.h (3.11+), Include/objimpl.h and
 * Include/internal/pycore_gc.h (the GC header), Include/internal/
 * pycore_object.h (the pre-header, 3.11+) and Objects/typeobject.c
 * (type_new: which instances get a dict, a weakref, the GC); the code
 * here is written anew.  Reference data: tests/data/reference.
 *
 * Everything shares:
 * - Combined tables (one dict owns its keys and values): a keys object
 *   (PyDictKeysObject) is a header, an index array of 2^k slots of 1, 2,
 *   4 or 8 bytes (1 byte up to 128 slots), then USABLE_FRACTION(2^k) =
 *   2 * 2^k / 3 entries.  Probing i = 5i + perturb + 1, perturb >>= 5;
 *   a delete leaves DKIX_DUMMY.  A full table is rebuilt for GROWTH_RATE
 *   live entries (the smallest power of two >= that, at least 8).  The
 *   dict object: PyObject_HEAD, ma_used, ma_version_tag, ma_keys,
 *   ma_values = 48 bytes, after a GC header.  Pre-sized dicts: a dict
 *   made from n values (a materialised instance dict) gets the keys
 *   GROWTH_RATE(n) asks for, room for at least one more.
 * - Key sharing (PEP 412): a class with a dict keeps shared keys
 *   (ht_cached_keys) and its instances keep only values, in insertion
 *   order, while they set the same names in the same order.
 *
 * Generation 1, split dicts: 3.6 to 3.10 (cpython36 ... cpython310).
 * - Keys header 40 bytes (dk_refcnt, dk_size, dk_lookup, dk_usable,
 *   dk_nentries); entries 24 bytes (hash, key, value).  The shared keys
 *   start with 8 slots (5 usable) when the class is made.
 * - An instance dict is created on the first attribute set: with shared
 *   keys, a split dict: the 48-byte dict and a values array of
 *   USABLE_FRACTION(dk_size) pointers.  A new name is appended to the
 *   shared keys while they have room and the dict holds exactly the
 *   shared keys' entries (names set in order); a name out of order or
 *   into full keys makes the dict combined (insertion_resize, for
 *   GROWTH_RATE).  Then _PyObjectDict_SetItem decides the class's keys:
 *   when no other dict shares the old keys (dk_refcnt == 1), the grown
 *   dict becomes split again and its keys the class's (make_keys_shared),
 *   so that the first instance grows the keys for all; when other dicts
 *   share them, the class stops sharing (ht_cached_keys = NULL) and later
 *   instances get combined dicts.  Deleting an attribute makes that
 *   instance's dict combined (dictresize to its size) and ends sharing for
 *   the class.
 * - GROWTH_RATE: 3.6 used * 2 + dk_size / 2; 3.7+ used * 3.  The size for
 *   a minimum: a doubling loop to 3.9; from 3.10 calculate_log2_keysize's
 *   bit length of ((min | 8) - 1) | 7, which gives twice the size for a
 *   power of two >= 16 (GROWTH_RATE's multiples of 3 never are one).
 * - A new empty combined dict: 3.6 allocates 8-slot keys with it; 3.7+
 *   shares the empty keys until the first insert (bpo-30040).
 * - GC header: 3.6 and 3.7 PyGC_Head is a union with a long double,
 *   32 bytes (measured here: 24 would be the double of earlier 3.6
 *   sources, before bpo-27987); 3.8+ two words, 16 bytes.  3.6 and 3.7
 *   give it only to classes that add fields (type_new: "Enable GC unless
 *   this class is not adding new instance variables"), so `__slots__ = ()`
 *   is 16 bytes; from 3.8 every heap type's instances have it (measured).
 * - An instance: 16 bytes of header, 8 per slot, then __dict__ and
 *   __weakref__ pointers (a class without __slots__): 3.8-3.10 48 bytes.
 *
 * Generation 2, values beside the object: 3.11 and 3.12.
 * - Keys header 32 bytes (dk_refcnt, dk_log2_size, dk_log2_index_bytes,
 *   dk_kind, dk_version, dk_usable, dk_nentries); entries of str-keyed
 *   dicts 16 bytes (PyDictUnicodeEntry: key, value).
 * - A class whose instances have a dict and a fixed size has a "managed"
 *   dict (also with '__dict__' in __slots__): pointers in a pre-header
 *   before the GC header, and shared keys made with the class: 64 slots,
 *   42 entries, dk_usable cut to SHARED_KEYS_MAX_SIZE = 30.  Each new
 *   instance takes one from dk_usable while it is above 1, then gets a
 *   values array for dk_nentries + dk_usable values, after a prefix of
 *   round_up(n + 2, 8) bytes recording insertion order.  So the first 29
 *   instances are bigger and later ones hold one spare value.  A name that
 *   cannot join the shared keys (30 names, or no room left) makes the
 *   instance's dict combined, pre-sized for GROWTH_RATE(n) = 3n; the
 *   values array goes.
 * - Pre-header: 3.11 values and dict pointers (16 bytes), the weakref
 *   pointer is a field; 3.12 dict_or_values (one tagged word) and the
 *   weakref list (Py_TPFLAGS_MANAGED_WEAKREF), so a dict instance is
 *   8 bytes smaller: 48 + values against 3.11's 56 + values.
 *
 * Generation 3, inline values: 3.13.
 * - The values live inside the object (Py_TPFLAGS_INLINE_VALUES), for a
 *   class adding no slots ('__dict__' alone is fine): the allocation adds
 *   _PyInlineValuesSize = round_up(n, 8) + (n + 1) * 8 for n = dk_nentries
 *   + dk_usable at that moment (an 8-byte header: capacity, size,
 *   embedded, valid; the values; the order bytes after them), with the
 *   same per-instance cut of dk_usable.  When a name cannot be shared the
 *   instance gets a combined dict but keeps its inline values (invalid
 *   now, still allocated): 48 + 272 + 64 + 1520 bytes at 30 names.
 * - A managed-dict class with slots has no inline values: its first
 *   attribute set makes a split dict, the 64-byte dict and values for
 *   all dk_nentries + dk_usable (30) names, 280 bytes.
 * - __class__ assignment detaches live inline values (detach_values):
 *   the dict, and a copy of the values on the old class's keys.
 *
 * The model differs where no size depends on it: keys are interned
 * symbols compared by identity, hashed by their stored hash; entry fields
 * other than key and value are not kept; 3.12's tagged word is two
 * pointers here (the values pointer in the GC header's first word, which
 * no collector uses in this model), and the values capacity, which
 * CPython never needs again (3.13 keeps it in the values header), sits in
 * the GC header's second word so that the exact size goes back to the
 * heap; 3.13's inline values are a block of their own charged as dict
 * memory, where CPython allocates them with the object (same bytes, one
 * block more); 3.11+ make a combined dict at once where CPython first
 * wraps the values in a split dict; variable-size classes keep a plain
 * combined dict under 3.11, a managed one (pre-header, split on the shared
 * keys, values for all their room from the first set) under 3.12+; the
 * dict and keys free lists are not modelled.
 */
#include "objects/internal.h"

#define LOG_MINSIZE           3
#define PERTURB_SHIFT         5
#define DKIX_EMPTY            (-1)
#define DKIX_DUMMY            (-2)
#define SHARED_KEYS_MAX_SIZE  30
#define LOG2_SHARED_KEYS      6   /* NEXT_LOG2_SHARED_KEYS_MAX_SIZE */
#define DICT_OBJECT           48  /* PyDictObject without the GC header */
#define USABLE_FRACTION(n)    (((n) << 1) / 3)

enum sharing {
	SPLIT_DICTS,    /* 3.6-3.10 */
	VALUES_BESIDE,  /* 3.11, 3.12 */
	INLINE_VALUES,  /* 3.13 */
};

/* One generation's facts; see the design comment above. */
struct py3 {
	uint32_t gc_head;        /* PyGC_Head bytes */
	bool gc_always;          /* every heap type's instances are GC objects */
	uint32_t keys_hdr;       /* PyDictKeysObject header bytes */
	uint32_t entry_size;     /* bytes of one entry of a str-keyed table */
	bool growth36;           /* GROWTH_RATE = used * 2 + dk_size / 2 */
	bool keysize_bitlen;     /* 3.10+ calculate_log2_keysize */
	bool new_dict_keys;      /* PyDict_New allocates 8-slot keys (3.6) */
	enum sharing sharing;
	bool values13;           /* 3.13's values layout (header, values, order) */
};

/* KEYS_ORPHAN: shared keys whose class is gone while dicts detached from
 * its instances (3.13 __class__ assignment) still use them: no longer
 * charged to a class, freed by the last dict (shared_decref). */
enum { KEYS_UNICODE = 1, KEYS_SPLIT = 2, KEYS_ORPHAN = 4 };

/*
 * The first 32 bytes of every keys object; 3.6-3.10's header is 8 bytes
 * longer (py3.keys_hdr), then come the index array and the entries.
 * Invariants: nentries + usable <= USABLE_FRACTION(size); every entry
 * < nentries with a key has one index slot holding its number; deleted
 * entries have key == NULL and a DKIX_DUMMY slot (combined keys only;
 * shared keys never delete); refcnt counts the class (while the keys are
 * its ht_cached_keys) and every split dict using them.
 */
struct keys3 {
	int64_t dk_refcnt;
	uint8_t dk_log2_size;
	uint8_t dk_log2_index_bytes;
	uint8_t dk_kind;
	uint8_t pad;
	uint32_t dk_version;
	int64_t dk_usable;
	int64_t dk_nentries;
};

/* The last 16 bytes of an entry (3.6-3.10 put the hash before them). */
struct entry3 {
	const struct om_sym *me_key;
	om_value me_value;
};

/*
 * A dict object, after its GC header.  ma_values != NULL: a split dict
 * (ma_keys are shared, ma_used values in ma_values).
 */
struct dict3 {
	int64_t ob_refcnt;
	const void *ob_type;
	int64_t ma_used;
	uint64_t ma_version_tag;
	struct keys3 *ma_keys;
	om_value *ma_values;
};

_Static_assert(sizeof(struct keys3) == 32, "PyDictKeysObject header (3.11+) is 32 bytes");
_Static_assert(sizeof(struct entry3) == 16, "PyDictUnicodeEntry is 16 bytes");
_Static_assert(sizeof(struct dict3) == DICT_OBJECT, "PyDictObject is 48 bytes");

static __always_inline const struct py3 *py(const struct om_class *cls)
{
	return cls->type->params;
}

/* ---- keys objects ------------------------------------------------------ */

static unsigned int log2_index_bytes(unsigned int log2_size)
{
	return log2_size + (log2_size < 8 ? 0 : log2_size < 16 ? 1 : log2_size < 32 ? 2 : 3);
}

static size_t keys_bytes(const struct py3 *P, unsigned int log2_size)
{
	return P->keys_hdr + ((size_t)1 << log2_index_bytes(log2_size)) +
	       P->entry_size * USABLE_FRACTION((size_t)1 << log2_size);
}

static __always_inline char *keys_indices(const struct py3 *P, const struct keys3 *k)
{
	return (char *)k + P->keys_hdr;
}

static __always_inline struct entry3 *keys_entry(const struct py3 *P, const struct keys3 *k,
						 int64_t ix)
{
	return (struct entry3 *)(keys_indices(P, k) + ((size_t)1 << k->dk_log2_index_bytes) +
				 (size_t)ix * P->entry_size + P->entry_size - sizeof(struct entry3));
}

static __always_inline int64_t index_get(const struct py3 *P, const struct keys3 *k, size_t i)
{
	const char *ind = keys_indices(P, k);
	unsigned int l = k->dk_log2_size;

	return l < 8 ? ((const int8_t *)ind)[i] :
	       l < 16 ? ((const int16_t *)ind)[i] :
	       l < 32 ? ((const int32_t *)ind)[i] :
	       ((const int64_t *)ind)[i];
}

static __always_inline void index_set(const struct py3 *P, struct keys3 *k, size_t i, int64_t ix)
{
	char *ind = keys_indices(P, k);
	unsigned int l = k->dk_log2_size;

	if (l < 8)
		((int8_t *)ind)[i] = (int8_t)ix;
	else if (l < 16)
		((int16_t *)ind)[i] = (int16_t)ix;
	else if (l < 32)
		((int32_t *)ind)[i] = (int32_t)ix;
	else
		((int64_t *)ind)[i] = ix;
}

/* log2 of the table size dictresize picks for @minsize live entries. */
static unsigned int calc_log2_keysize(const struct py3 *P, int64_t minsize)
{
	unsigned int l = LOG_MINSIZE;

	if (P->keysize_bitlen) {
		uint64_t m = (((uint64_t)minsize | (1u << LOG_MINSIZE)) - 1) |
			     ((1u << LOG_MINSIZE) - 1);

		return 64 - (unsigned int)__builtin_clzll(m);
	}
	while (((int64_t)1 << l) < minsize)
		l++;
	return l;
}

/* GROWTH_RATE of a dict with @used entries in keys of 2^@log2_size slots. */
static int64_t growth_rate(const struct py3 *P, int64_t used, unsigned int log2_size)
{
	return P->growth36 ? used * 2 + (((int64_t)1 << log2_size) >> 1) : used * 3;
}

static struct keys3 *new_keys(struct om_class *cls, enum om_charge kind, unsigned int l)
{
	const struct py3 *P = py(cls);
	size_t held, bytes = keys_bytes(P, l);
	struct keys3 *k = om_mem_alloc(cls, kind, bytes, &held);

	if (!k)
		return NULL;
	memset(k, 0, bytes);
	k->dk_refcnt = 1;
	k->dk_log2_size = (uint8_t)l;
	k->dk_log2_index_bytes = (uint8_t)log2_index_bytes(l);
	k->dk_kind = KEYS_UNICODE;
	k->dk_usable = USABLE_FRACTION((int64_t)1 << l);
	memset(keys_indices(P, k), 0xff, (size_t)1 << k->dk_log2_index_bytes);  /* DKIX_EMPTY */
	return k;
}

static void free_keys(struct om_class *cls, enum om_charge kind, struct keys3 *k)
{
	if (k)
		om_mem_free(cls, kind, k, keys_bytes(py(cls), k->dk_log2_size));
}

/* Drop a reference to shared keys (charged to the class, or orphaned). */
static void shared_decref(struct om_class *cls, struct keys3 *k)
{
	if (!k || --k->dk_refcnt)
		return;
	if (k->dk_kind & KEYS_ORPHAN)
		heap_free(cls->space->heap, k, keys_bytes(py(cls), k->dk_log2_size));
	else
		free_keys(cls, CHARGE_SHARED, k);
}

/* Entry number of @key, or DKIX_EMPTY; *pos receives its index slot. */
static int64_t lookup(const struct py3 *P, const struct keys3 *k, const struct om_sym *key,
		      size_t *pos)
{
	size_t mask = ((size_t)1 << k->dk_log2_size) - 1, perturb = key->hash;
	size_t i = key->hash & mask;

	for (;;) {
		int64_t ix = index_get(P, k, i);

		if (ix >= 0 && keys_entry(P, k, ix)->me_key == key) {
			*pos = i;
			return ix;
		}
		if (ix == DKIX_EMPTY)
			return DKIX_EMPTY;
		perturb >>= PERTURB_SHIFT;
		i = (i * 5 + perturb + 1) & mask;
	}
}

/* Append @key (known absent, dk_usable > 0) as entry dk_nentries. */
static int64_t keys_append(const struct py3 *P, struct keys3 *k, const struct om_sym *key,
			   om_value v)
{
	size_t mask = ((size_t)1 << k->dk_log2_size) - 1, perturb = key->hash;
	size_t i = key->hash & mask;
	int64_t ix = k->dk_nentries;

	while (index_get(P, k, i) >= 0) {
		perturb >>= PERTURB_SHIFT;
		i = (i * 5 + perturb + 1) & mask;
	}
	index_set(P, k, i, ix);
	keys_entry(P, k, ix)->me_key = key;
	keys_entry(P, k, ix)->me_value = v;
	k->dk_usable--;
	k->dk_nentries++;
	return ix;
}

/* ---- values arrays ------------------------------------------------------- */

/*
 * 3.6-3.10: a plain array of USABLE_FRACTION(dk_size) pointers, filled in
 * entry order.  3.11, 3.12: [order bytes ... count, prefix length][values],
 * the prefix round_up(cap + 2, 8).  3.13: [capacity, size, embedded,
 * valid, 4 spare][values][order bytes], round_up(cap, 8) + (cap + 1) * 8.
 */
static size_t values_bytes(const struct py3 *P, size_t cap)
{
	if (P->sharing == SPLIT_DICTS)
		return 8 * cap;
	if (P->values13)
		return ALIGN_UP(cap, (size_t)8) + 8 * (cap + 1);
	return ALIGN_UP(cap + 2, (size_t)8) + 8 * cap;
}

static size_t values_head(const struct py3 *P, size_t cap)
{
	if (P->sharing == SPLIT_DICTS)
		return 0;
	return P->values13 ? 8 : ALIGN_UP(cap + 2, (size_t)8);
}

static uint8_t *values_order(const struct py3 *P, om_value *values, size_t cap)
{
	if (P->values13)
		return (uint8_t *)(values + cap);
	return (uint8_t *)values - ((const uint8_t *)values)[-1];
}

/* Number of values set (3.11+). */
static uint8_t *values_count(const struct py3 *P, om_value *values)
{
	return (uint8_t *)values - (P->values13 ? 7 : 2);
}

static om_value *new_values(struct om_class *cls, size_t cap)
{
	const struct py3 *P = py(cls);
	size_t held, head = values_head(P, cap), bytes = values_bytes(P, cap);
	uint8_t *mem = om_mem_alloc(cls, CHARGE_DICT, bytes, &held);

	if (!mem)
		return NULL;
	memset(mem, 0, bytes);
	if (P->values13) {
		mem[0] = (uint8_t)cap;  /* capacity */
		mem[3] = 1;             /* valid */
	} else if (head) {
		mem[head - 1] = (uint8_t)head;
	}
	return (om_value *)(mem + head);
}

static void *values_block(const struct py3 *P, om_value *values, size_t cap)
{
	return (char *)values - values_head(P, cap);
}

static void free_values(struct om_class *cls, om_value *values, size_t cap)
{
	const struct py3 *P = py(cls);

	om_mem_free(cls, CHARGE_DICT, values_block(P, values, cap), values_bytes(P, cap));
}

static void order_add(const struct py3 *P, om_value *values, size_t cap, int64_t ix)
{
	values_order(P, values, cap)[(*values_count(P, values))++] = (uint8_t)ix;
}

static void order_remove(const struct py3 *P, om_value *values, size_t cap, int64_t ix)
{
	uint8_t *order = values_order(P, values, cap), n = *values_count(P, values);

	for (uint8_t i = 0; i < n; i++) {
		if (order[i] == ix) {
			memmove(&order[i], &order[i + 1], (size_t)(n - i - 1));
			(*values_count(P, values))--;
			return;
		}
	}
}

/* ---- dict objects ---------------------------------------------------------- */

static struct dict3 *new_dict(struct om_class *cls)
{
	size_t held, gc = py(cls)->gc_head;
	char *mem = om_mem_alloc(cls, CHARGE_DICT, gc + DICT_OBJECT, &held);
	struct dict3 *mp;

	if (!mem)
		return NULL;
	memset(mem, 0, gc + DICT_OBJECT);
	mp = (struct dict3 *)(mem + gc);
	mp->ob_refcnt = 1;
	return mp;
}

/* Capacity of a split dict's values array. */
static size_t split_cap(const struct py3 *P, const struct dict3 *mp)
{
	if (P->sharing == SPLIT_DICTS)
		return USABLE_FRACTION((size_t)1 << mp->ma_keys->dk_log2_size);
	if (P->values13)
		return ((const uint8_t *)mp->ma_values)[-8];  /* 3.13's capacity byte */
	/* 3.11, 3.12: the values' prefix has no room for it (CPython never
	 * needs it again); new_split_dict keeps it in ma_version_tag, which
	 * the model does not use otherwise */
	return (size_t)mp->ma_version_tag;
}

static void free_dict(struct om_class *cls, struct dict3 *mp)
{
	const struct py3 *P = py(cls);

	if (mp->ma_values) {
		free_values(cls, mp->ma_values, split_cap(P, mp));
		shared_decref(cls, mp->ma_keys);
	} else {
		free_keys(cls, CHARGE_DICT, mp->ma_keys);
	}
	om_mem_free(cls, CHARGE_DICT, (char *)mp - P->gc_head, P->gc_head + DICT_OBJECT);
}

/* Number @i of a split dict's values in insertion order: its entry. */
static int64_t split_nth(const struct py3 *P, struct dict3 *mp, size_t i)
{
	if (P->sharing == SPLIT_DICTS)
		return (int64_t)i;
	return values_order(P, mp->ma_values, split_cap(P, mp))[i];
}

/*
 * Give @mp (split or combined) new combined keys of 2^@l slots holding
 * its live entries in order: dictresize.  On OM_ENOMEM nothing changed.
 */
static int dict_resize(struct om_class *cls, struct dict3 *mp, unsigned int l)
{
	const struct py3 *P = py(cls);
	struct keys3 *old = mp->ma_keys, *k = new_keys(cls, CHARGE_DICT, l);

	if (!k)
		return OM_ENOMEM;
	if (mp->ma_values) {
		for (size_t i = 0; i < (size_t)mp->ma_used; i++) {
			int64_t ix = split_nth(P, mp, i);

			keys_append(P, k, keys_entry(P, old, ix)->me_key, mp->ma_values[ix]);
		}
		free_values(cls, mp->ma_values, split_cap(P, mp));
		mp->ma_values = NULL;
		shared_decref(cls, old);
	} else {
		for (int64_t ix = 0; old && ix < old->dk_nentries; ix++) {
			const struct entry3 *e = keys_entry(P, old, ix);

			if (e->me_key)
				keys_append(P, k, e->me_key, e->me_value);
		}
		free_keys(cls, CHARGE_DICT, old);
	}
	mp->ma_keys = k;
	return 0;
}

/* insertion_resize: combined keys for GROWTH_RATE(used). */
static int insertion_resize(struct om_class *cls, struct dict3 *mp)
{
	const struct py3 *P = py(cls);
	unsigned int l = mp->ma_keys ? mp->ma_keys->dk_log2_size : LOG_MINSIZE;

	return dict_resize(cls, mp, calc_log2_keysize(P, growth_rate(P, mp->ma_used, l)));
}

/* Insert into a combined dict. */
static int combined_insert(struct om_class *cls, struct dict3 *mp, const struct om_sym *key,
			   om_value v)
{
	const struct py3 *P = py(cls);
	size_t pos;
	int64_t ix = mp->ma_keys ? lookup(P, mp->ma_keys, key, &pos) : DKIX_EMPTY;

	if (ix >= 0) {
		keys_entry(P, mp->ma_keys, ix)->me_value = v;
		return 0;
	}
	if (!mp->ma_keys) {
		mp->ma_keys = new_keys(cls, CHARGE_DICT, LOG_MINSIZE);
		if (!mp->ma_keys)
			return OM_ENOMEM;
	} else if (mp->ma_keys->dk_usable <= 0 && insertion_resize(cls, mp) != 0) {
		return OM_ENOMEM;
	}
	keys_append(P, mp->ma_keys, key, v);
	mp->ma_used++;
	return 0;
}

/*
 * Insert into a split dict: into its values while the shared keys allow
 * (3.6-3.10: names in order only), else the dict becomes combined first.
 */
static int split_insert(struct om_class *cls, struct dict3 *mp, const struct om_sym *key,
			om_value v)
{
	const struct py3 *P = py(cls);
	struct keys3 *k = mp->ma_keys;
	size_t pos, cap = split_cap(P, mp);
	int64_t ix = lookup(P, k, key, &pos);
	bool fits;

	if (P->sharing == SPLIT_DICTS) {
		fits = ix >= 0 ? (mp->ma_values[ix] || mp->ma_used == ix) :
			(mp->ma_used == k->dk_nentries && k->dk_usable > 0);
	} else {
		fits = ix >= 0 ? (size_t)ix < cap :
			(k->dk_usable > 0 && (size_t)k->dk_nentries < cap);
	}
	if (!fits) {
		if (insertion_resize(cls, mp) != 0)
			return OM_ENOMEM;
		return combined_insert(cls, mp, key, v);
	}
	if (ix < 0)
		ix = keys_append(P, k, key, OM_NULL);
	if (!mp->ma_values[ix]) {
		mp->ma_used++;
		if (P->sharing != SPLIT_DICTS)
			order_add(P, mp->ma_values, cap, ix);
	}
	mp->ma_values[ix] = v;
	return 0;
}

static int dict_insert(struct om_class *cls, struct dict3 *mp, const struct om_sym *key,
		       om_value v)
{
	return mp->ma_values ? split_insert(cls, mp, key, v) : combined_insert(cls, mp, key, v);
}

static int dict_get(const struct py3 *P, const struct dict3 *mp, const struct om_sym *key,
		    om_value *out)
{
	size_t pos;
	int64_t ix;

	if (!mp || !mp->ma_keys || (ix = lookup(P, mp->ma_keys, key, &pos)) < 0)
		return OM_ENOATTR;
	if (mp->ma_values) {
		if (!mp->ma_values[ix])
			return OM_ENOATTR;
		*out = mp->ma_values[ix];
	} else {
		*out = keys_entry(P, mp->ma_keys, ix)->me_value;
	}
	return 0;
}

static int dict_del(struct om_class *cls, struct dict3 *mp, const struct om_sym *key)
{
	const struct py3 *P = py(cls);
	size_t pos;
	int64_t ix;

	if (!mp || !mp->ma_keys || (ix = lookup(P, mp->ma_keys, key, &pos)) < 0)
		return OM_ENOATTR;
	if (mp->ma_values && !mp->ma_values[ix])
		return OM_ENOATTR;
	if (mp->ma_values && P->sharing != SPLIT_DICTS) {
		/* 3.11+ split dicts delete in place */
		mp->ma_values[ix] = OM_NULL;
		order_remove(P, mp->ma_values, split_cap(P, mp), ix);
		mp->ma_used--;
		return 0;
	}
	if (mp->ma_values) {
		/* a split table does not delete: combined at its own size first */
		if (dict_resize(cls, mp, calc_log2_keysize(P, (int64_t)1 << mp->ma_keys->dk_log2_size)))
			return OM_ENOMEM;
		ix = lookup(P, mp->ma_keys, key, &pos);
	}
	index_set(P, mp->ma_keys, pos, DKIX_DUMMY);
	keys_entry(P, mp->ma_keys, ix)->me_key = NULL;
	keys_entry(P, mp->ma_keys, ix)->me_value = OM_NULL;
	mp->ma_used--;
	return 0;
}

static int dict_for_each(const struct py3 *P, struct dict3 *mp, om_attr_fn fn, void *arg)
{
	int ret;

	if (mp && mp->ma_values) {
		for (size_t i = 0; i < (size_t)mp->ma_used; i++) {
			int64_t ix = split_nth(P, mp, i);

			if ((ret = fn(keys_entry(P, mp->ma_keys, ix)->me_key, mp->ma_values[ix], arg)))
				return ret;
		}
		return 0;
	}
	for (int64_t ix = 0; mp && mp->ma_keys && ix < mp->ma_keys->dk_nentries; ix++) {
		const struct entry3 *e = keys_entry(P, mp->ma_keys, ix);

		if (e->me_key && (ret = fn(e->me_key, e->me_value, arg)))
			return ret;
	}
	return 0;
}

static void dict_footprint(const struct om_class *cls, const struct dict3 *mp,
			   struct om_bytes *out)
{
	const struct py3 *P = py(cls);

	if (!mp)
		return;
	bytes_add(out, P->gc_head + DICT_OBJECT,
		  om_mem_usable(cls, CHARGE_DICT, (const char *)mp - P->gc_head));
	if (mp->ma_values) {
		size_t cap = split_cap(P, mp);

		bytes_add(out, values_bytes(P, cap),
			  om_mem_usable(cls, CHARGE_DICT, values_block(P, mp->ma_values, cap)));
	} else if (mp->ma_keys) {
		bytes_add(out, keys_bytes(P, mp->ma_keys->dk_log2_size),
			  om_mem_usable(cls, CHARGE_DICT, mp->ma_keys));
	}
}

/* ---- the class's shared keys ------------------------------------------------ */

static struct keys3 *cached_keys(const struct om_class *cls)
{
	return cls->dstate;
}

/* A split dict on the class's keys (a new reference), values for @cap. */
static struct dict3 *new_split_dict(struct om_class *cls, size_t cap)
{
	struct dict3 *mp = new_dict(cls);

	if (!mp)
		return NULL;
	mp->ma_values = new_values(cls, cap);
	if (!mp->ma_values) {
		om_mem_free(cls, CHARGE_DICT, (char *)mp - py(cls)->gc_head,
			    py(cls)->gc_head + DICT_OBJECT);
		return NULL;
	}
	mp->ma_keys = cached_keys(cls);
	mp->ma_keys->dk_refcnt++;
	if (py(cls)->sharing == VALUES_BESIDE)
		mp->ma_version_tag = cap;	/* split_cap */
	return mp;
}

/*
 * 3.6-3.10 make_keys_shared: the combined @mp becomes split again and its
 * keys the class's; on OM_ENOMEM @mp stays combined and the class stops
 * sharing.
 */
static int make_keys_shared(struct om_class *cls, struct dict3 *mp)
{
	const struct py3 *P = py(cls);
	struct keys3 *k = mp->ma_keys;
	size_t cap = USABLE_FRACTION((size_t)1 << k->dk_log2_size);
	om_value *values = new_values(cls, cap);

	if (!values)
		return OM_ENOMEM;
	for (int64_t ix = 0; ix < k->dk_nentries; ix++) {
		values[ix] = keys_entry(P, k, ix)->me_value;
		keys_entry(P, k, ix)->me_value = OM_NULL;
	}
	k->dk_kind = KEYS_SPLIT;
	k->dk_refcnt = 2;  /* the class and @mp */
	om_uncharge(cls, CHARGE_DICT, keys_bytes(P, k->dk_log2_size), om_mem_usable(cls, CHARGE_DICT, k));
	om_charge(cls, CHARGE_SHARED, keys_bytes(P, k->dk_log2_size), om_mem_usable(cls, CHARGE_SHARED, k));
	mp->ma_values = values;
	cls->dstate = k;
	return 0;
}

/* ---- instances: where the dict lives --------------------------------------- */

/*
 * Managed dicts (3.11+, cls->flags & OMC_INLINE): the dict pointer at
 * dict_off (pre-header); the values pointer in the pre-header's first
 * word (3.11) or the GC header's first word (3.12+); the values capacity
 * in the GC header's second word.
 */
static om_value **values_word(const struct om_object *obj)
{
	const struct om_class *cls = obj->cls;
	long off = py(cls)->sharing == VALUES_BESIDE && !cls->type->managed_weakref ?
		   cls->dict_off - 8 : -(long)py(cls)->gc_head;

	return (om_value **)obj_word(obj, off);
}

static uint64_t *values_cap_word(const struct om_object *obj)
{
	return (uint64_t *)obj_word(obj, 8 - (long)py(obj->cls)->gc_head);
}

static om_value *obj_values(const struct om_object *obj)
{
	return (obj->cls->flags & OMC_INLINE) ? *values_word(obj) : NULL;
}

/* 3.13: the inline values stay allocated after the dict is made. */
static bool values_valid(const struct py3 *P, const om_value *values)
{
	return values && (!P->values13 || ((const uint8_t *)values)[-5]);
}

static struct dict3 *own_dict(const struct om_object *obj)
{
	return obj_dict(obj);
}

/* The instance's values, when they hold its attributes now. */
static om_value *live_values(const struct om_object *obj)
{
	om_value *values = obj_values(obj);

	return values_valid(py(obj->cls), values) ? values : NULL;
}

/*
 * Give a managed instance a combined dict holding its values, in order,
 * pre-sized for GROWTH_RATE(n); the values array goes (3.13: is marked
 * invalid and stays).  On OM_ENOMEM nothing changed.
 */
static int materialize(struct om_class *cls, struct om_object *obj)
{
	const struct py3 *P = py(cls);
	om_value *values = *values_word(obj);
	size_t cap = *values_cap_word(obj);
	const struct keys3 *shared = cached_keys(cls);
	uint8_t n = *values_count(P, values);
	struct dict3 *view = own_dict(obj);	/* py3_read_dict's: it becomes the dict */
	struct dict3 *mp = view ? view : new_dict(cls);
	struct keys3 *k;

	if (!mp)
		return OM_ENOMEM;
	k = new_keys(cls, CHARGE_DICT, calc_log2_keysize(P, growth_rate(P, n, LOG_MINSIZE)));
	if (!k) {
		if (!view)
			om_mem_free(cls, CHARGE_DICT, (char *)mp - P->gc_head,
				    P->gc_head + DICT_OBJECT);
		return OM_ENOMEM;
	}
	for (uint8_t i = 0; i < n; i++) {
		uint8_t ix = values_order(P, values, cap)[i];

		keys_append(P, k, keys_entry(P, shared, ix)->me_key, values[ix]);
	}
	mp->ma_keys = k;
	mp->ma_used = n;
	if (P->values13) {
		((uint8_t *)values)[-5] = 0;  /* valid = 0 */
	} else {
		free_values(cls, values, cap);
		*values_word(obj) = NULL;
		*values_cap_word(obj) = 0;
	}
	set_obj_dict(obj, mp);
	return 0;
}

/* ---- the profile operations -------------------------------------------------- */

static int py3_class_init(struct om_class *cls)
{
	const struct py3 *P = py(cls);
	bool managed = cls->flags & OMC_INLINE;
	struct keys3 *k;

	if (P->sharing != SPLIT_DICTS && !managed)
		return 0;  /* 3.11+ variable-size classes: plain dicts */
	k = new_keys(cls, CHARGE_SHARED, P->sharing == SPLIT_DICTS ? LOG_MINSIZE : LOG2_SHARED_KEYS);
	if (!k)
		return OM_ENOMEM;
	if (P->sharing != SPLIT_DICTS)
		k->dk_usable = SHARED_KEYS_MAX_SIZE;
	k->dk_kind = KEYS_SPLIT;
	cls->dstate = k;
	return 0;
}

static void py3_class_fini(struct om_class *cls)
{
	struct keys3 *k = cached_keys(cls);

	if (k && k->dk_refcnt > 1 && !(k->dk_kind & KEYS_ORPHAN)) {
		/* dicts detached from instances now of other classes use them */
		om_uncharge(cls, CHARGE_SHARED, keys_bytes(py(cls), k->dk_log2_size),
			    om_mem_usable(cls, CHARGE_SHARED, k));
		k->dk_kind |= KEYS_ORPHAN;
	}
	shared_decref(cls, k);
	cls->dstate = NULL;
}

/* Instances with values from the start: 3.11+ managed dicts, 3.13 no slots;
 * not those a C constructor makes (OMC_NATIVE): CPython gives them values
 * only in object's own __new__, so their first set makes a split dict
 * (first_dict) with values for all the shared keys' room; so are 3.12+'s
 * variable-size instances (int, tuple, bytes make them), whose dict is
 * managed too */
static bool has_values(const struct om_class *cls)
{
	return (cls->flags & OMC_INLINE) && !(cls->flags & (OMC_NATIVE | OMC_VARSIZE)) &&
	       (!py(cls)->values13 || !cls->nslots);
}

static int py3_obj_init(struct om_class *cls, struct om_object *obj)
{
	struct keys3 *shared = cached_keys(cls);
	size_t cap;
	om_value *values;

	if (!has_values(cls))
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

static void py3_obj_fini(struct om_class *cls, struct om_object *obj)
{
	struct dict3 *mp = own_dict(obj);
	om_value *values = obj_values(obj);

	if (values) {
		free_values(cls, values, *values_cap_word(obj));
		*values_word(obj) = NULL;
	}
	if (mp) {
		free_dict(cls, mp);
		set_obj_dict(obj, NULL);
	}
}

static int py3_get(const struct om_class *cls, const struct om_object *obj,
		   const struct om_sym *key, om_value *out)
{
	const struct py3 *P = py(cls);
	om_value *values = live_values(obj);
	size_t pos;
	int64_t ix;

	if (values) {
		ix = lookup(P, cached_keys(cls), key, &pos);
		if (ix < 0 || (uint64_t)ix >= *values_cap_word(obj) || !values[ix])
			return OM_ENOATTR;
		*out = values[ix];
		return 0;
	}
	return dict_get(P, own_dict(obj), key, out);
}

/* Set into the instance's values; 1 when the name cannot be shared. */
static int values_set(struct om_class *cls, struct om_object *obj, om_value *values,
		      const struct om_sym *key, om_value v)
{
	const struct py3 *P = py(cls);
	struct keys3 *shared = cached_keys(cls);
	size_t pos, cap = *values_cap_word(obj);
	int64_t ix = lookup(P, shared, key, &pos);

	if (ix == DKIX_EMPTY && shared->dk_usable > 0 && (size_t)shared->dk_nentries < cap)
		ix = keys_append(P, shared, key, OM_NULL);
	if (ix < 0 || (size_t)ix >= cap)
		return 1;
	if (!values[ix])
		order_add(P, values, cap, ix);
	values[ix] = v;
	return 0;
}

/* A new instance dict: split on the class's keys when it has some. */
static struct dict3 *first_dict(struct om_class *cls)
{
	const struct py3 *P = py(cls);
	struct keys3 *k = cached_keys(cls);
	struct dict3 *mp;

	if (k && P->sharing == SPLIT_DICTS)
		return new_split_dict(cls, USABLE_FRACTION((size_t)1 << k->dk_log2_size));
	if (k && (cls->flags & OMC_INLINE))  /* managed dict without values (3.13 slots, native) */
		return new_split_dict(cls, (size_t)(k->dk_nentries + k->dk_usable));
	mp = new_dict(cls);
	if (mp && P->new_dict_keys) {
		mp->ma_keys = new_keys(cls, CHARGE_DICT, LOG_MINSIZE);
		if (!mp->ma_keys) {
			free_dict(cls, mp);
			return NULL;
		}
	}
	return mp;
}

/*
 * 3.6-3.10 _PyObjectDict_SetItem after an insert into a split dict that
 * made it combined: the class's keys follow the grown dict when no other
 * dict shares them, or sharing ends.
 */
static void after_split_insert(struct om_class *cls, struct dict3 *mp, struct keys3 *was)
{
	struct keys3 *cached = cached_keys(cls);

	if (!cached || cached != was || mp->ma_values)
		return;
	cls->dstate = NULL;
	if (cached->dk_refcnt == 1)
		make_keys_shared(cls, mp);
	shared_decref(cls, cached);
}

static int py3_set(struct om_class *cls, struct om_object *obj,
		   const struct om_sym *key, om_value v)
{
	const struct py3 *P = py(cls);
	om_value *values = live_values(obj);
	struct dict3 *mp;
	struct keys3 *was;
	int err;

	if (values) {
		if (values_set(cls, obj, values, key, v) == 0)
			return 0;
		err = materialize(cls, obj);
		if (err)
			return err;
		/* pre-sized for 3 * used: room for one more without a resize */
		err = combined_insert(cls, own_dict(obj), key, v);
		OM_BUG_ON(err);
		return err;
	}
	mp = own_dict(obj);
	if (!mp) {
		mp = first_dict(cls);
		if (!mp)
			return OM_ENOMEM;
		was = mp->ma_values ? mp->ma_keys : NULL;
		err = dict_insert(cls, mp, key, v);
		if (err) {
			free_dict(cls, mp);
			return err;
		}
		set_obj_dict(obj, mp);
	} else {
		was = mp->ma_values ? mp->ma_keys : NULL;
		err = dict_insert(cls, mp, key, v);
		if (err)
			return err;
	}
	if (was && P->sharing == SPLIT_DICTS)
		after_split_insert(cls, mp, was);
	return 0;
}

static int py3_del(struct om_class *cls, struct om_object *obj, const struct om_sym *key)
{
	const struct py3 *P = py(cls);
	om_value *values = live_values(obj);
	struct dict3 *mp;
	size_t pos;
	int64_t ix;
	int err;

	if (values) {
		ix = lookup(P, cached_keys(cls), key, &pos);
		if (ix < 0 || (uint64_t)ix >= *values_cap_word(obj) || !values[ix])
			return OM_ENOATTR;
		values[ix] = OM_NULL;
		order_remove(P, values, *values_cap_word(obj), ix);
		return 0;
	}
	mp = own_dict(obj);
	if (mp && mp->ma_values && P->sharing == SPLIT_DICTS) {
		err = dict_del(cls, mp, key);
		if (err == 0 && cached_keys(cls)) {
			/* a deletion ends key sharing for the class */
			shared_decref(cls, cached_keys(cls));
			cls->dstate = NULL;
		}
		return err;
	}
	return dict_del(cls, mp, key);
}

static int py3_for_each(const struct om_class *cls, const struct om_object *obj,
			om_attr_fn fn, void *arg)
{
	const struct py3 *P = py(cls);
	om_value *values = live_values(obj);
	int ret;

	if (values) {
		const struct keys3 *shared = cached_keys(cls);
		size_t cap = *values_cap_word(obj);

		for (uint8_t i = 0; i < *values_count(P, values); i++) {
			uint8_t ix = values_order(P, values, cap)[i];

			if ((ret = fn(keys_entry(P, shared, ix)->me_key, values[ix], arg)))
				return ret;
		}
		return 0;
	}
	return dict_for_each(P, own_dict(obj), fn, arg);
}

static void py3_footprint(const struct om_class *cls, const struct om_object *obj,
			  struct om_bytes *out)
{
	const struct py3 *P = py(cls);
	om_value *values = obj_values(obj);

	if (values) {
		size_t cap = *values_cap_word(obj);

		bytes_add(out, values_bytes(P, cap),
			  om_mem_usable(cls, CHARGE_DICT, values_block(P, values, cap)));
	}
	dict_footprint(cls, own_dict(obj), out);
}

static int py3_state(const struct om_class *cls, const struct om_object *obj)
{
	if (own_dict(obj) && !live_values(obj))	/* (beside live values: a view) */
		return OM_DICT_TABLE;
	return obj_values(obj) ? OM_DICT_INLINE : OM_DICT_NONE;
}

/*
 * 3.13's __class__ assignment (object_set_class): an instance whose
 * attributes sit in its inline values gets its dict made (the view, as a
 * read makes it) and then detached from the object (_PyDict_Detach-
 * FromObject): the dict takes a copy of the values (a block of the same
 * capacity: header, values, order bytes), still on the old class's shared
 * keys, and the inline values are marked invalid, allocated with the
 * object as before.  So a changed instance carries 64 bytes of dict and
 * the copy more than one whose __dict__ was read.  Without live inline
 * values (a class with slots, or changed before) nothing happens.  On
 * OM_ENOMEM nothing changed.
 */
static int detach_values(struct om_class *cls, struct om_object *obj)
{
	const struct py3 *P = py(cls);
	om_value *values = live_values(obj), *copy;
	size_t cap;
	struct dict3 *view = own_dict(obj), *mp;

	if (!values)
		return 0;
	cap = *values_cap_word(obj);
	mp = view ? view : new_dict(cls);
	if (!mp)
		return OM_ENOMEM;
	copy = new_values(cls, cap);
	if (!copy) {
		if (!view)
			om_mem_free(cls, CHARGE_DICT, (char *)mp - P->gc_head,
				    P->gc_head + DICT_OBJECT);
		return OM_ENOMEM;
	}
	memcpy(copy, values, cap * sizeof(*values));
	memcpy(values_order(P, copy, cap), values_order(P, values, cap), cap);
	*values_count(P, copy) = *values_count(P, values);
	mp->ma_keys = cached_keys(cls);
	mp->ma_keys->dk_refcnt++;
	mp->ma_values = copy;
	mp->ma_used = *values_count(P, values);
	((uint8_t *)values)[-5] = 0;	/* valid = 0 */
	set_obj_dict(obj, mp);
	return 0;
}

/* Before a class change: nothing may refer to the old class's keys
 * (3.13: the values are detached, as CPython does). */
static int py3_unshare(struct om_class *cls, struct om_object *obj)
{
	struct dict3 *mp = own_dict(obj);

	if (py(cls)->values13)
		return detach_values(cls, obj);
	if (live_values(obj))
		return materialize(cls, obj);
	if (mp && mp->ma_values)
		return dict_resize(cls, mp, calc_log2_keysize(py(cls), growth_rate(py(cls),
				   mp->ma_used, mp->ma_keys->dk_log2_size)));
	return 0;
}

/*
 * Python's obj.__dict__ (vars(), pickle, copy).  An instance whose
 * attributes sit in values (3.11+) gets a dict object that wraps them
 * (make_dict_from_instance_attributes): 3.11 and 3.12 hand it the values
 * array, 3.13 leaves them inline, the same bytes either way, so here the
 * dict is a bare one (no keys or values of its own: a "view") in the dict
 * pointer beside the live values.  Gets and sets still go to the values;
 * a name they cannot take makes the view the combined dict (materialize),
 * as CPython resizes the split dict in place.  An instance without a dict
 * yet (3.6-3.10 before its first attribute, 3.13 with slots) gets its
 * first one, empty, as its first set would make it.
 */
static int py3_read_dict(struct om_class *cls, struct om_object *obj)
{
	struct dict3 *mp;

	if (own_dict(obj))
		return 0;
	mp = live_values(obj) ? new_dict(cls) : first_dict(cls);
	if (!mp)
		return OM_ENOMEM;
	set_obj_dict(obj, mp);
	return 0;
}

/*
 * The instance's dict gets a table of its own of 2^@l slots, holding its
 * entries in order: after `obj.__dict__ = d` (the dict is d, whose table
 * the program built), or under 3.10-3.12 `obj.__dict__.update(d)` of an
 * empty dict (dict_merge clones d's keys, and a split dict's values go).
 * The class keeps sharing its keys with the other instances, as in
 * CPython, where the dict only drops its reference to them.  Values
 * inline in a 3.13 object stay allocated with it (invalid), as
 * materialize() leaves them.  A table too small for the entries is
 * taken at the smallest size that holds them.
 */
static int py3_own_table(struct om_class *cls, struct om_object *obj, unsigned int l)
{
	struct dict3 *mp;
	int err;

	if ((err = py3_read_dict(cls, obj)))
		return err;
	if (live_values(obj) && (err = materialize(cls, obj)))
		return err;
	mp = own_dict(obj);
	l = l < LOG_MINSIZE ? LOG_MINSIZE : l;
	while (USABLE_FRACTION((int64_t)1 << l) < mp->ma_used)
		l++;
	if (!mp->ma_values && mp->ma_keys && mp->ma_keys->dk_log2_size == l)
		return 0;
	return dict_resize(cls, mp, l);
}

/* 3.6, 3.7: no GC header for a class adding no fields to object. */
static uint32_t py3_gc_size(const struct om_class *cls)
{
	const struct py3 *P = py(cls);

	if (!P->gc_always && cls->basic == 16 && !cls->itemsize)
		return 0;
	return P->gc_head;
}

/* ---- the generations ------------------------------------------------------------ */

static const struct py3 py36 = {
	.gc_head = 32, .keys_hdr = 40, .entry_size = 24, .growth36 = true,
	.new_dict_keys = true, .sharing = SPLIT_DICTS,
};
static const struct py3 py37 = {
	.gc_head = 32, .keys_hdr = 40, .entry_size = 24, .sharing = SPLIT_DICTS,
};
static const struct py3 py38 = {
	.gc_head = 16, .gc_always = true, .keys_hdr = 40, .entry_size = 24,
	.sharing = SPLIT_DICTS,
};
static const struct py3 py310 = {
	.gc_head = 16, .gc_always = true, .keys_hdr = 40, .entry_size = 24,
	.keysize_bitlen = true, .sharing = SPLIT_DICTS,
};
static const struct py3 py311 = {
	.gc_head = 16, .gc_always = true, .keys_hdr = 32, .entry_size = 16,
	.keysize_bitlen = true, .sharing = VALUES_BESIDE,
};
static const struct py3 py313 = {
	.gc_head = 16, .gc_always = true, .keys_hdr = 32, .entry_size = 16,
	.keysize_bitlen = true, .sharing = INLINE_VALUES, .values13 = true,
};

#define PY3_OPS \
	.hdr_size = 16, \
	.gc_size = py3_gc_size, \
	.class_init = py3_class_init, \
	.class_fini = py3_class_fini, \
	.obj_init = py3_obj_init, \
	.obj_fini = py3_obj_fini, \
	.get = py3_get, \
	.set = py3_set, \
	.del = py3_del, \
	.for_each = py3_for_each, \
	.footprint = py3_footprint, \
	.state = py3_state, \
	.unshare = py3_unshare, \
	.read_dict = py3_read_dict, \
	.own_table = py3_own_table

/* PyWeakReference: 56 bytes to 3.10, 64 with vectorcall from 3.11; + GC */
const struct om_dict_type om_dict_cpython36 = {
	.name = "cpython36", .params = &py36, .weakref_size = 56 + 32, PY3_OPS,
	.summary = "CPython 3.6 x86-64: split dicts on shared keys (values arrays of "
		   "2/3 the keys' size), 24-byte entries, growth 2*used+size/2; 32-byte GC header",
};
const struct om_dict_type om_dict_cpython37 = {
	.name = "cpython37", .params = &py37, .weakref_size = 56 + 32, PY3_OPS,
	.summary = "CPython 3.7 x86-64: as 3.6, growth 3*used, empty dicts share the "
		   "empty keys; 32-byte GC header",
};
const struct om_dict_type om_dict_cpython38 = {
	.name = "cpython38", .params = &py38, .weakref_size = 56 + 16, PY3_OPS,
	.summary = "CPython 3.8 x86-64: split dicts on shared keys, 24-byte entries, "
		   "growth 3*used; 16-byte GC header on every heap type",
};
const struct om_dict_type om_dict_cpython39 = {
	.name = "cpython39", .params = &py38, .weakref_size = 56 + 16, PY3_OPS,
	.summary = "CPython 3.9 x86-64: the 3.8 layout",
};
const struct om_dict_type om_dict_cpython310 = {
	.name = "cpython310", .params = &py310, .weakref_size = 56 + 16, PY3_OPS,
	.summary = "CPython 3.10 x86-64: the 3.8 layout, 3.10's keys-size formula",
};
const struct om_dict_type om_dict_cpython311 = {
	.name = "cpython311", .params = &py311, .weakref_size = 64 + 16, PY3_OPS,
	.inline_dict = true,
	.summary = "CPython 3.11 x86-64: compact keys (index + 16-byte entries), "
		   "PEP 412 key sharing with values beside the object, limit 30",
};
const struct om_dict_type om_dict_cpython312 = {
	.name = "cpython312", .params = &py311, .weakref_size = 64 + 16, PY3_OPS,
	.inline_dict = true, .managed_weakref = true,
	.summary = "CPython 3.12 x86-64: the 3.11 dicts, the weakref pointer moved "
		   "to the pre-header",
};
const struct om_dict_type om_dict_cpython313 = {
	.name = "cpython313", .params = &py313, .weakref_size = 64 + 16, PY3_OPS,
	.inline_dict = true, .managed_weakref = true,
	.summary = "CPython 3.13 x86-64: values inline in the object for classes "
		   "without slots, shared keys limit 30, 3.12's pre-header",
};
