// SPDX-License-Identifier: MIT
/*
 * objects/dict_cpython27.c - the "cpython27" profile: CPython 2.7's dict
 * and object headers on x86-64, byte for byte.
 *
 * Facts modelled, from CPython 2.7's Objects/dictobject.c,
 * Include/dictobject.h, Include/objimpl.h and Objects/typeobject.c
 * (read for the facts; the code here is written anew):
 *
 * - PyDictObject: PyObject_HEAD (16), ma_fill, ma_used, ma_mask, ma_table,
 *   ma_lookup (5 x 8), ma_smalltable[PyDict_MINSIZE = 8] of 24-byte
 *   entries (hash, key, value): 248 bytes.  A dict is a GC object, so it
 *   is allocated with a PyGC_Head in front: a union with a long double,
 *   32 bytes on x86-64.  sys.getsizeof({}) = 280.
 * - One combined table, open addressing: slot = hash & mask, then
 *   i = 5i + 1 + perturb, perturb >>= 5 (PERTURB_SHIFT).  A deleted entry
 *   becomes a dummy key; fill counts active + dummy entries.
 * - After an insert that added a key, if fill * 3 >= (mask + 1) * 2 the
 *   table is rebuilt for 4 * used entries (2 * used above 50,000): the
 *   smallest power of two > that.  8 slots live in ma_smalltable; larger
 *   tables are a separate block of size * 24 bytes.  So an instance dict
 *   takes 280 bytes for 0-5 keys, 280 + 32 * 24 = 1048 for 6-21 and
 *   280 + 128 * 24 = 3352 for 22-85 (seeds 002 and 004).  Deleting never
 *   shrinks.
 * - Instances: PyObject_HEAD (16), then fields: a class without __slots__
 *   adds __dict__ and __weakref__ (32 bytes), __slots__ add 8 each.  A
 *   heap type gets GC (32 more bytes in front) unless its instances are
 *   exactly a bare PyObject ("Enable GC unless there are really no
 *   instance variables possible").  The instance dict is created on the
 *   first attribute set.
 *
 * Keys are interned symbols: identity equals CPython's string compare of
 * interned names, and the symbol's hash stands for the string hash.
 * Iteration follows the table, as 2.7's dict does (not insertion order).
 * A set that would grow the table and cannot get the memory is undone, so
 * a failed set changes nothing (CPython would keep the inserted key).
 */
#include "objects/internal.h"

#define PY27_GC_HEAD      32
#define PY27_MINSIZE      8
#define PY27_PERTURB      5

struct py27_entry {
	int64_t me_hash;
	const struct om_sym *me_key;
	om_value me_value;
};

/*
 * Invariants: used <= fill <= mask; (mask + 1) is a power of two >= 8;
 * table == smalltable iff mask == 7; fill * 3 < (mask + 1) * 2 after
 * every insert.
 */
struct py27_dict {
	unsigned char gc_head[PY27_GC_HEAD];
	int64_t ob_refcnt;
	const void *ob_type;
	int64_t ma_fill;
	int64_t ma_used;
	int64_t ma_mask;
	struct py27_entry *ma_table;
	const void *ma_lookup;
	struct py27_entry ma_smalltable[PY27_MINSIZE];
};

_Static_assert(sizeof(struct py27_entry) == 24, "PyDictEntry is 24 bytes");
_Static_assert(sizeof(struct py27_dict) == 280, "sys.getsizeof({}) is 280 on 2.7 x86-64");

/* The dummy key of deleted entries: an address no symbol has. */
static const char py27_dummy;
#define DUMMY ((const struct om_sym *)&py27_dummy)

static struct py27_entry *lookdict(struct py27_dict *mp, const struct om_sym *key)
{
	size_t mask = (size_t)mp->ma_mask, i = (size_t)key->hash & mask, perturb;
	struct py27_entry *table = mp->ma_table, *ep = &table[i], *freeslot = NULL;

	if (!ep->me_key || ep->me_key == key)
		return ep;
	if (ep->me_key == DUMMY)
		freeslot = ep;
	for (perturb = (size_t)key->hash;; perturb >>= PY27_PERTURB) {
		i = (i << 2) + i + perturb + 1;
		ep = &table[i & mask];
		if (!ep->me_key)
			return freeslot ? freeslot : ep;
		if (ep->me_key == key)
			return ep;
		if (ep->me_key == DUMMY && !freeslot)
			freeslot = ep;
	}
}

/* Insert into a table known to hold neither @key nor dummies. */
static void insert_clean(struct py27_dict *mp, const struct py27_entry *e)
{
	size_t mask = (size_t)mp->ma_mask, i = (size_t)e->me_hash & mask, perturb;
	struct py27_entry *ep = &mp->ma_table[i];

	for (perturb = (size_t)e->me_hash; ep->me_key; perturb >>= PY27_PERTURB) {
		i = (i << 2) + i + perturb + 1;
		ep = &mp->ma_table[i & mask];
	}
	*ep = *e;
	mp->ma_fill++;
	mp->ma_used++;
}

static size_t table_bytes(const struct py27_dict *mp)
{
	return mp->ma_table == mp->ma_smalltable ? 0 :
	       (size_t)(mp->ma_mask + 1) * sizeof(struct py27_entry);
}

static int dictresize(struct om_class *cls, struct py27_dict *mp, int64_t minused)
{
	struct py27_entry small_copy[PY27_MINSIZE], *oldtable = mp->ma_table, *newtable;
	size_t oldbytes = table_bytes(mp), held;
	int64_t newsize, oldmask = mp->ma_mask;

	for (newsize = PY27_MINSIZE; newsize <= minused && newsize > 0; newsize <<= 1)
		;
	if (newsize <= 0)
		return OM_ENOMEM;
	if (newsize == PY27_MINSIZE) {
		newtable = mp->ma_smalltable;
		if (newtable == oldtable) {
			if (mp->ma_fill == mp->ma_used)
				return 0;
			memcpy(small_copy, oldtable, sizeof(small_copy));
			oldtable = small_copy;
		}
	} else {
		newtable = om_mem_alloc(cls, CHARGE_DICT,
					(size_t)newsize * sizeof(struct py27_entry), &held);
		if (!newtable)
			return OM_ENOMEM;
	}
	mp->ma_table = newtable;
	mp->ma_mask = newsize - 1;
	memset(newtable, 0, (size_t)newsize * sizeof(struct py27_entry));
	mp->ma_used = 0;
	mp->ma_fill = 0;
	for (int64_t i = 0; i <= oldmask; i++) {
		if (oldtable[i].me_key && oldtable[i].me_key != DUMMY)
			insert_clean(mp, &oldtable[i]);
	}
	if (oldbytes)
		om_mem_free(cls, CHARGE_DICT, oldtable, oldbytes);
	return 0;
}

static struct py27_dict *py27_dict_of(const struct om_object *obj)
{
	return obj_dict(obj);
}

static int py27_set(struct om_class *cls, struct om_object *obj,
		    const struct om_sym *k, om_value v)
{
	struct py27_dict *mp = py27_dict_of(obj);
	struct py27_entry *ep, saved;
	bool fresh = false;
	int64_t n_used;
	size_t held;
	int err;

	if (!mp) {
		mp = om_mem_alloc(cls, CHARGE_DICT, sizeof(*mp), &held);
		if (!mp)
			return OM_ENOMEM;
		memset(mp, 0, sizeof(*mp));
		mp->ob_refcnt = 1;
		mp->ma_table = mp->ma_smalltable;
		mp->ma_mask = PY27_MINSIZE - 1;
		mp->ma_lookup = (const void *)lookdict;
		fresh = true;
	}
	n_used = mp->ma_used;
	ep = lookdict(mp, k);
	if (ep->me_key == k) {
		ep->me_value = v;
		goto done;
	}
	saved = *ep;
	if (!ep->me_key)
		mp->ma_fill++;
	ep->me_key = k;
	ep->me_hash = (int64_t)k->hash;
	ep->me_value = v;
	mp->ma_used++;
	if (mp->ma_used > n_used && mp->ma_fill * 3 >= (mp->ma_mask + 1) * 2) {
		err = dictresize(cls, mp, (mp->ma_used > 50000 ? 2 : 4) * mp->ma_used);
		if (err) {
			if (!saved.me_key)
				mp->ma_fill--;
			*ep = saved;
			mp->ma_used--;
			if (fresh)
				om_mem_free(cls, CHARGE_DICT, mp, sizeof(*mp));
			return err;
		}
	}
done:
	if (fresh)
		set_obj_dict(obj, mp);
	return 0;
}

/* The active entry of @k in @obj's dict, or NULL. */
static struct py27_entry *find_active(const struct om_object *obj, const struct om_sym *k)
{
	struct py27_dict *mp = py27_dict_of(obj);
	struct py27_entry *ep = mp ? lookdict(mp, k) : NULL;

	return ep && ep->me_key == k ? ep : NULL;
}

static int py27_get(const struct om_class *cls, const struct om_object *obj,
		    const struct om_sym *k, om_value *out)
{
	struct py27_entry *ep = find_active(obj, k);

	if (!ep)
		return OM_ENOATTR;
	*out = ep->me_value;
	return 0;
}

static int py27_del(struct om_class *cls, struct om_object *obj, const struct om_sym *k)
{
	struct py27_entry *ep = find_active(obj, k);

	if (!ep)
		return OM_ENOATTR;
	ep->me_key = DUMMY;
	ep->me_value = OM_NULL;
	py27_dict_of(obj)->ma_used--;
	return 0;
}

static void py27_obj_fini(struct om_class *cls, struct om_object *obj)
{
	struct py27_dict *mp = py27_dict_of(obj);

	if (!mp)
		return;
	if (table_bytes(mp))
		om_mem_free(cls, CHARGE_DICT, mp->ma_table, table_bytes(mp));
	om_mem_free(cls, CHARGE_DICT, mp, sizeof(*mp));
	set_obj_dict(obj, NULL);
}

static int py27_for_each(const struct om_class *cls, const struct om_object *obj,
			 om_attr_fn fn, void *arg)
{
	struct py27_dict *mp = py27_dict_of(obj);
	int ret;

	for (int64_t i = 0; mp && i <= mp->ma_mask; i++) {
		const struct py27_entry *ep = &mp->ma_table[i];

		if (ep->me_key && ep->me_key != DUMMY && (ret = fn(ep->me_key, ep->me_value, arg)))
			return ret;
	}
	return 0;
}

static void py27_footprint(const struct om_class *cls, const struct om_object *obj,
			   struct om_bytes *out)
{
	struct py27_dict *mp = py27_dict_of(obj);

	if (!mp)
		return;
	out->requested = sizeof(*mp) + table_bytes(mp);
	out->held = om_mem_usable(cls, CHARGE_DICT, mp);
	if (table_bytes(mp))
		out->held += om_mem_usable(cls, CHARGE_DICT, mp->ma_table);
}

static int py27_state(const struct om_class *cls, const struct om_object *obj)
{
	return py27_dict_of(obj) ? OM_DICT_TABLE : OM_DICT_NONE;
}

/* No GC header only for instances that are a bare PyObject. */
static uint32_t py27_gc_size(const struct om_class *cls)
{
	return (cls->basic == 16 && !cls->itemsize) ? 0 : PY27_GC_HEAD;
}

const struct om_dict_type om_dict_cpython27 = {
	.name = "cpython27",
	.summary = "CPython 2.7 x86-64: 280-byte dict with an 8-entry small table, "
		   "24-byte entries, resize at 2/3 to 4*used; 32-byte GC header",
	.hdr_size = 16,
	.weakref_size = 56 + PY27_GC_HEAD,
	.inline_dict = false,
	.gc_size = py27_gc_size,
	.obj_fini = py27_obj_fini,
	.get = py27_get,
	.set = py27_set,
	.del = py27_del,
	.for_each = py27_for_each,
	.footprint = py27_footprint,
	.state = py27_state,
};
