/* SPDX-License-Identifier: MIT */
/*
 * bench/replay/ids.h - trace ids (objects, malloc blocks) to what the
 * replayer keeps for them: a dense array indexed by id, or an open-addressing
 * hash, chosen from the first pass's figures (idmap_choose()).
 *
 * An entry is one or two 64-bit words (@words, fixed per map).  The first
 * word of a stored entry is never 0: 0 marks "no such id", so a dense array
 * needs no separate occupancy bits and a hash no tombstones (deletion
 * shifts the following run back, Knuth's algorithm R for linear probing).
 */
#ifndef SLOTSLAB_BENCH_REPLAY_IDS_H
#define SLOTSLAB_BENCH_REPLAY_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal/compiler.h"

#define IDMAP_MAX_WORDS 2

/**
 * struct idmap - id -> entry of @words 64-bit words
 * @hash:   false: @tab[id * @words] is id's entry for id < @cap;
 *          true: @tab holds (@cap) buckets of 1 + @words words, key first
 * @cap:    dense: ids covered; hash: buckets, a power of two
 * @mask:   hash: @cap - 1
 * @n:      entries stored
 * @bytes:  memory held by @tab
 *
 * Invariants: hash: @n <= @cap / 2 (load at most 1/2; idmap_insert grows);
 * every stored entry sits in the run of non-empty buckets that starts at
 * its home bucket (hash_id(key) & @mask).  Dense: @tab[id * @words] != 0
 * exactly for the ids stored.
 */
struct idmap {
	uint64_t *tab;
	bool hash;
	unsigned int words;
	size_t cap, mask, n;
	size_t bytes;
};

/**
 * idmap_choose - pick dense or hash for a trace
 * @max_id: the largest id the trace uses
 * @distinct_hint: an upper bound of distinct ids (e.g. the number of
 *          "new" events)
 * @live_hint: the peak of live ids (sizes a hash)
 * @words:  entry size in words
 *
 * Dense when its array ((@max_id + 1) entries) costs at most 8 times what
 * a hash sized for @live_hint at load 1/2 would, or at most 16 MiB; ids a
 * program numbers from 1 upwards qualify unless most of them are long
 * dead, addresses used as ids do not.
 *
 * Return: true for a hash.
 */
bool idmap_choose(uint64_t max_id, uint64_t distinct_hint, uint64_t live_hint,
		  unsigned int words);

/**
 * idmap_init - allocate a map
 * @m:     the map
 * @hash:  idmap_choose()'s answer
 * @cap:   dense: @max_id + 1; hash: the expected peak of live ids
 * @words: 1 or 2
 *
 * The memory is written once here (so that its pages are resident before a
 * replay measures the process's RSS).
 * Return: 0, or -1 (out of memory).
 */
int idmap_init(struct idmap *m, bool hash, uint64_t cap, unsigned int words);

/**
 * harness_alloc - @bytes of zeroed memory mapped for the replayer itself,
 * outside the malloc a replay may be measuring, every page touched
 * Return: the memory, or NULL.
 */
void *harness_alloc(size_t bytes);

/**
 * harness_grow - grow @p (@old bytes, or NULL) to @bytes, the new part
 * zeroed and touched
 * Return: the memory, perhaps moved, or NULL (then @p is unchanged).
 */
void *harness_grow(void *p, size_t old, size_t bytes);

/** harness_free - unmap what harness_alloc() gave; NULL is ignored */
void harness_free(void *p, size_t bytes);

/** idmap_destroy - free @m's memory */
void idmap_destroy(struct idmap *m);

/** idmap_kind - "dense" or "hash" */
static inline const char *idmap_kind(const struct idmap *m)
{
	return m->hash ? "hash" : "dense";
}

/*
 * The out-of-line halves of the inline functions below: the hash's find,
 * insert (growing at load 1/2; NULL when that fails) and remove, and the
 * dense array's growth to cover @id (0 or -1).  Use the inline ones.
 */
uint64_t *idmap_hash_find(const struct idmap *m, uint64_t id);
uint64_t *idmap_hash_insert(struct idmap *m, uint64_t id);
void idmap_hash_remove(struct idmap *m, uint64_t id);
int idmap_dense_grow(struct idmap *m, uint64_t id);

/**
 * idmap_find - the entry of @id, or NULL if @id is not stored
 */
static __always_inline uint64_t *idmap_find(const struct idmap *m, uint64_t id)
{
	uint64_t *e;

	if (m->hash)
		return idmap_hash_find(m, id);
	if (unlikely(id >= m->cap))
		return NULL;
	e = &m->tab[id * m->words];
	return *e ? e : NULL;
}

/**
 * idmap_insert - the entry for @id
 * @m:  the map
 * @id: the id
 * @fresh: set to false if @id was already stored (the entry is returned
 *         as it is), true if the entry is new: its first word is then 1, a
 *         placeholder the caller overwrites with a non-zero value (or
 *         removes with idmap_remove())
 *
 * Return: the entry, or NULL when growing the map failed (out of memory).
 */
static __always_inline uint64_t *idmap_insert(struct idmap *m, uint64_t id, bool *fresh)
{
	uint64_t *e;

	if (m->hash) {
		size_t before = m->n;

		e = idmap_hash_insert(m, id);
		*fresh = m->n != before;
		return e;
	}
	if (unlikely(id >= m->cap) && idmap_dense_grow(m, id) != 0)
		return NULL;
	e = &m->tab[id * m->words];
	*fresh = *e == 0;
	if (*fresh) {
		*e = 1;
		m->n++;
	}
	return e;
}

/**
 * idmap_remove - forget @id, whose entry @e (from idmap_find) is stored
 */
static __always_inline void idmap_remove(struct idmap *m, uint64_t id, uint64_t *e)
{
	if (m->hash) {
		idmap_hash_remove(m, id);
		return;
	}
	for (unsigned int w = 0; w < m->words; w++)
		e[w] = 0;
	m->n--;
}

/**
 * idmap_for_each - call @fn for every stored entry (order unspecified);
 * @fn may change entries' words but must not insert or remove
 */
void idmap_for_each(const struct idmap *m, void (*fn)(uint64_t id, uint64_t *e, void *arg),
		    void *arg);

#endif
