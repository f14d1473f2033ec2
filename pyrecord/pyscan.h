/* SPDX-License-Identifier: MIT */
/*
 * pyrecord/pyscan.h - libslotslab-pyscan.so's functions, which the Python
 * recorder calls through _ctypes (pyscan.c says what each reads and
 * writes, and why the reads are safe).
 */
#ifndef SLOTSLAB_PYSCAN_H
#define SLOTSLAB_PYSCAN_H

#include <stdint.h>

#define EXPORT __attribute__((visibility("default")))

/* The layout, in bytes from the object's or the dict's address. */
struct pyscan_layout {
	long size_at;	/* a list's ob_size */
	long items_at;	/* a list's ob_item */
	long pre_at;	/* the dict pointer before the GC header (negative) */
	long tag;	/* 1: an odd pointer there is the values' (3.12), else 0 */
	long refcnt_at;	/* a dict's refcount */
	long used_at;	/* ma_used */
	long keys_at;	/* ma_keys */
	long values_at;	/* ma_values */
	long log2_at;	/* the keys' dk_log2_size byte */
	long names_max;	/* a table's names: 1 to names_max - 1 */
	long type_at;	/* an object's type pointer */
};

EXPORT long slotslab_pyscan_marks(const struct pyscan_layout *l, uintptr_t list,
				  const unsigned char *pick, uintptr_t type, long end,
				  const uintptr_t *made, long nmade,
				  unsigned char *out, long room,
				  uintptr_t *keys, long keys_room,
				  uintptr_t *dicts, long dicts_room);

EXPORT long slotslab_pyscan_merge(const struct pyscan_layout *l, uintptr_t list,
				  const uintptr_t *types, long ntypes,
				  const uintptr_t *nums, const long *lens, long zero,
				  unsigned char *out);

EXPORT long slotslab_pyscan_pairs(const unsigned char *codes, const unsigned char *shapes,
				  long n, unsigned char *seen, uint16_t *firsts, long room);

EXPORT void slotslab_pyscan_apply(const unsigned char *codes, unsigned char *shapes, long n,
				  const unsigned char *table);

EXPORT long slotslab_pyscan_keys(const struct pyscan_layout *l, uintptr_t list,
				 const unsigned char *pick, uintptr_t type,
				 long base, long skip, long k,
				 unsigned char *idx, long room, unsigned char *keys);

#endif /* SLOTSLAB_PYSCAN_H */
