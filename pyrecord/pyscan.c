// SPDX-License-Identifier: MIT
/*
 * pyrecord/pyscan.c - libslotslab-pyscan.so: the Python recorder's dict
 * checks (slotslab_pyrecord_impl.py, dict_marks()) under CPython 3.11-3.13,
 * as one C loop over a class's instances instead of a Python loop an
 * instance, and the byte loops of its shapes' steps (take(): the classes'
 * shape numbers merged in the instances' order, the marked instances' new
 * shapes; below).  Loaded by the recorder through _ctypes (functions
 * called with the GIL held: FUNCFLAG_PYTHONAPI), only where it is used;
 * without it the recorder takes its Python path, which gives the same
 * bytes.  No Python object is made, changed or freed here, and no
 * reference count touched: the recorder makes every output buffer (a
 * bytearray) and reads the results.
 *
 * What it is given: the address of a Python list (its length and item
 * array at offsets the recorder passes: it checks them on a list of its
 * own first), optionally a byte an item saying which items to look at
 * (non-zero: picked) or a type whose instances are (the type pointer
 * equal), and the offsets of the words it reads: the word
 * before the instance's GC header (the dict pointer, 3.12 tagged: odd while
 * it holds the values), the dict's refcount, ma_used, ma_keys and
 * ma_values, and the keys' dk_log2_size byte.  No CPython header is
 * included: every layout fact comes from the caller, which reads the same
 * words itself on the Python path (dict_marker()'s checker).
 *
 * What slotslab_pyscan_marks() writes: a code a picked item, in their
 * order (the recorder's MARK_CODES, plus one bit): 0 no dict of note; 1 a
 * dict holding the values (a __dict__ read); 2 (3.13, when end > 0)
 * values detached from the inline ones (the dict's ma_values is not at
 * the instance's address plus end, its class's basicsize), or 64 + j
 * when the dict's keys are made[j], j below nmade (at most 63: the class
 * it was made as); a table of its own of 1 << b slots (b >= 3, 1 to 29
 * names): b, or 0x80 | b when its dict's refcount is not 1 (another
 * instance may hold it: the recorder then asks its set of owners, in
 * order).  For each code 2 (keys not in made) the keys pointer goes to
 * keys[], for each 0x80 code the dict's address to dicts[], in order, as
 * far as their room goes (counted on past it, so that the caller can call
 * again with room enough).
 *
 * Return: the keys count in the low 32 bits, the dicts count above; -1
 * when out's room is short, -2 when a table's size byte is 64 or more
 * (no code for it: the caller's Python path then says what it says), -3
 * when nmade is over 63.
 *
 * Why the reads are safe: every item is an object the recorder holds (the
 * list is its own: gc.get_objects()'s or its instances'; the GIL is held
 * throughout, so no other thread runs Python code and no object or dict
 * is freed or moved), each read through its type pointer (always valid)
 * or, for the dict checks, an instance of a class with a managed dict
 * (the recorder calls them only for those), so the word before its GC
 * header is its pre-header; a non-NULL, untagged dict pointer there is
 * the instance's live dict, whose ma_keys is never NULL.  Nothing is
 * written but the caller's buffers, within their room.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pyrecord/pyscan.h"

static inline uintptr_t word_at(uintptr_t a)
{
	return *(const uintptr_t *)a;
}

EXPORT long slotslab_pyscan_marks(const struct pyscan_layout *l, uintptr_t list,
				  const unsigned char *pick, uintptr_t type, long end,
				  const uintptr_t *made, long nmade,
				  unsigned char *out, long room,
				  uintptr_t *keys, long keys_room,
				  uintptr_t *dicts, long dicts_room)
{
	long n = (long)word_at(list + l->size_at);
	const uintptr_t *items = (const uintptr_t *)word_at(list + l->items_at);
	long nkeys = 0, ndicts = 0, k = 0;

	if (nmade > 63)
		return -3;

	for (long i = 0; i < n; i++) {
		uintptr_t a, d, v, ks, used;
		unsigned b;

		if (pick && !pick[i])
			continue;
		a = items[i];
		if (type && word_at(a + l->type_at) != type)
			continue;
		if (k >= room)
			return -1;
		d = word_at(a + l->pre_at);
		if (!d || (l->tag && (d & 1))) {
			out[k++] = 0;
			continue;
		}
		v = word_at(d + l->values_at);
		if (v) {
			if (end > 0 && v != a + (uintptr_t)end) {
				uintptr_t kp = word_at(d + l->keys_at);
				long j = 0;

				while (j < nmade && made[j] != kp)
					j++;
				if (j < nmade) {
					out[k++] = (unsigned char)(64 + j);
					continue;
				}
				if (nkeys < keys_room)
					keys[nkeys] = kp;
				nkeys++;
				out[k++] = 2;
			} else {
				out[k++] = 1;
			}
			continue;
		}
		used = word_at(d + l->used_at);
		if (used < 1 || used >= (uintptr_t)l->names_max) {
			out[k++] = 0;
			continue;
		}
		ks = word_at(d + l->keys_at);
		b = *(const unsigned char *)(ks + l->log2_at);
		if (b < 3) {
			out[k++] = 0;
			continue;
		}
		if (b >= 64)
			return -2;
		if (word_at(d + l->refcnt_at) != 1) {
			if (ndicts < dicts_room)
				dicts[ndicts] = d;
			ndicts++;
			b |= 0x80;
		}
		out[k++] = (unsigned char)b;
	}
	return nkeys | (ndicts << 32);
}

/*
 * The shapes' steps (the recorder's take(), CPython 3.11-3.13), on bytes
 * alone but for the types read in slotslab_pyscan_merge():
 *
 * slotslab_pyscan_merge - each item of the list (an instance, of one of
 * the ntypes types at types[], at most 64) gets the next byte of its
 * type's array (nums[j], of lens[j] bytes: its class's shape numbers, in
 * the instances' order), in out; an item of another type 0 if zero is
 * set.  Return 0, or -1 if an item's type is none of them (zero not set)
 * or a type's array runs short (the caller's Python path then).
 */
EXPORT long slotslab_pyscan_merge(const struct pyscan_layout *l, uintptr_t list,
				  const uintptr_t *types, long ntypes,
				  const uintptr_t *nums, const long *lens, long zero,
				  unsigned char *out)
{
	long n = (long)word_at(list + l->size_at);
	const uintptr_t *items = (const uintptr_t *)word_at(list + l->items_at);
	long pos[64] = { 0 };
	uintptr_t last = 0;
	long j = 0;

	if (ntypes < 1 || ntypes > 64)
		return -1;
	for (long i = 0; i < n; i++) {
		uintptr_t t = word_at(items[i] + l->type_at);

		if (t != last) {
			for (j = 0; j < ntypes && types[j] != t; j++)
				;
			if (j == ntypes && !zero)
				return -1;
			last = t;
		}
		if (j == ntypes) {
			out[i] = 0;
			continue;
		}
		if (pos[j] >= lens[j])
			return -1;
		out[i] = ((const unsigned char *)nums[j])[pos[j]++];
	}
	return 0;
}

/*
 * slotslab_pyscan_pairs - the distinct (code, shape) pairs of the n
 * instances (codes[i] not 0), in the order of each one's first, as
 * code << 8 | shape in firsts, as far as its room goes (counted on past
 * it); seen: 65 536 bytes of zeros, marked.  Return their count.
 */
EXPORT long slotslab_pyscan_pairs(const unsigned char *codes, const unsigned char *shapes,
				  long n, unsigned char *seen, uint16_t *firsts, long room)
{
	long k = 0;

	for (long i = 0; i < n; i++) {
		unsigned p = (unsigned)codes[i] << 8 | shapes[i];

		if (codes[i] && !seen[p]) {
			seen[p] = 1;
			if (k < room)
				firsts[k] = (uint16_t)p;
			k++;
		}
	}
	return k;
}

/*
 * slotslab_pyscan_apply - each of the n instances' new shape: its shape
 * where its code is 0, else table[code << 8 | shape] (65 536 bytes, set
 * for the pairs slotslab_pyscan_pairs() gave), in shapes.
 */
EXPORT void slotslab_pyscan_apply(const unsigned char *codes, unsigned char *shapes, long n,
				  const unsigned char *table)
{
	for (long i = 0; i < n; i++)
		if (codes[i])
			shapes[i] = table[(unsigned)codes[i] << 8 | shapes[i]];
}

/*
 * slotslab_pyscan_keys - CPython 3.13's inline values, read as the
 * recorder's inline_shapes() reads them: for each picked item (as in
 * slotslab_pyscan_marks(): pick, or type), the key of k + 3 bytes (the
 * bytes at base, base + 1 and base + 3 from the object: the values'
 * capacity, size and valid byte; then the k bytes at base + skip: the
 * first k of their insertion order), numbered among the distinct keys in
 * the order of each one's first item: its number in idx (a byte an item,
 * room of them), each distinct key once in keys (256 * (k + 3) bytes of
 * room).  Reads the same bytes as the recorder's Python path (within the
 * values' capacity, which the recorder checked).  Return the count of
 * distinct keys, -1 past 256 of them or when idx's room is short, -2 for
 * a k past 64.
 */
EXPORT long slotslab_pyscan_keys(const struct pyscan_layout *l, uintptr_t list,
				 const unsigned char *pick, uintptr_t type,
				 long base, long skip, long k,
				 unsigned char *idx, long room, unsigned char *keys)
{
	long n = (long)word_at(list + l->size_at);
	const uintptr_t *items = (const uintptr_t *)word_at(list + l->items_at);
	long w = k + 3, nkeys = 0, m = 0;
	short slot[1024];		/* a hash of a key -> its number + 1 */
	unsigned char key[67];

	if (k < 0 || k > 64)
		return -2;
	for (int i = 0; i < 1024; i++)
		slot[i] = 0;
	for (long i = 0; i < n; i++) {
		const unsigned char *v;
		uint32_t h = 2166136261u;
		unsigned s;

		if (pick && !pick[i])
			continue;
		if (type && word_at(items[i] + l->type_at) != type)
			continue;
		if (m >= room)
			return -1;
		v = (const unsigned char *)items[i] + base;
		key[0] = v[0];
		key[1] = v[1];
		key[2] = v[3];
		for (long j = 0; j < k; j++)
			key[3 + j] = v[skip + j];
		for (long j = 0; j < w; j++)
			h = (h ^ key[j]) * 16777619u;
		for (s = h & 1023;; s = (s + 1) & 1023) {
			int e = slot[s];

			if (!e) {
				if (nkeys >= 256)
					return -1;
				for (long j = 0; j < w; j++)
					keys[nkeys * w + j] = key[j];
				slot[s] = (short)++nkeys;
				idx[m++] = (unsigned char)(nkeys - 1);
				break;
			}
			if (!memcmp(keys + (long)(e - 1) * w, key, (size_t)w)) {
				idx[m++] = (unsigned char)(e - 1);
				break;
			}
		}
	}
	return nkeys;
}
