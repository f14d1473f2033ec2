// SPDX-License-Identifier: MIT
/*
 * bench/replay/ids.c - id maps for the replayer (see replay_ids.h).
 *
 * Two representations behind one interface:
 *
 *   dense  tab[id * words]: one load per lookup, no hashing; right for ids
 *          a program hands out in sequence (every generated trace), and
 *          grown by doubling should an id exceed the first pass's maximum.
 *   hash   linear probing over buckets of (key, entry), load at most 1/2,
 *          Fibonacci hashing of the id; deletion moves later members of
 *          the run back into the hole (Knuth, TAOCP 3, 6.4 algorithm R),
 *          so there are no tombstones and a lookup stops at the first empty
 *          bucket.  Right for sparse ids (recorded addresses).
 *
 * The choice (idmap_choose) compares the memory of the two: dense costs
 * (max_id + 1) entries whatever the number of live ids, hash costs two to
 * four buckets per live id, and a probe or two per lookup.  Dense wins up
 * to 16 MiB, or up to 8 times the hash's memory: a churn of 100,000 live
 * objects over 1,100,000 ids replays 15 % faster on the dense array than
 * on a hash of half its size.
 *
 * A bucket is empty when its first entry word is 0 (replay_ids.h: stored
 * entries never have a zero first word).
 *
 * Memory: tables are mapped with mmap, not taken from malloc, and unmapped
 * when freed.  A replay with --heap libc measures the process's malloc; a
 * first pass's tables, freed into that malloc, would stay resident in it
 * (tcmalloc, jemalloc keep freed memory) and be handed to the replay as if
 * new, hiding its growth from the RSS figure.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench/replay/ids.h"

#define DENSE_ALWAYS_BYTES (16u << 20)
#define DENSE_FACTOR 8
#define HASH_MIN_CAP 64

static size_t pow2_at_least(uint64_t n)
{
	size_t c = HASH_MIN_CAP;

	while (c < n && c < ((size_t)1 << 62))
		c <<= 1;
	return c;
}

static size_t hash_cap_for(uint64_t live)
{
	return pow2_at_least(live * 2 + 1);
}

bool idmap_choose(uint64_t max_id, uint64_t distinct_hint, uint64_t live_hint,
		  unsigned int words)
{
	double dense = ((double)max_id + 1.0) * 8.0 * words;
	double hash = (double)hash_cap_for(MIN(live_hint, distinct_hint)) * 8.0 * (words + 1);

	if (dense <= DENSE_ALWAYS_BYTES)
		return false;
	return dense > DENSE_FACTOR * hash;
}

static size_t bucket_words(const struct idmap *m)
{
	return (size_t)m->words + 1;
}

void *harness_alloc(size_t bytes)
{
	void *p = mmap(NULL, MAX(bytes, 1), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Touch every page now: a replay's RSS baseline includes its tables. */
	memset(p, 0, bytes);
	return p;
}

void *harness_grow(void *p, size_t old, size_t bytes)
{
	char *q;

	if (!p)
		return harness_alloc(bytes);
	q = mremap(p, MAX(old, 1), bytes, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		return NULL;
	memset(q + old, 0, bytes - old);
	return q;
}

void harness_free(void *p, size_t bytes)
{
	if (p)
		munmap(p, MAX(bytes, 1));
}

static int alloc_tab(struct idmap *m, size_t entries, size_t words_per)
{
	if (entries > SIZE_MAX / 8 / words_per)
		return -1;
	m->bytes = entries * words_per * 8;
	m->tab = harness_alloc(m->bytes);
	return m->tab ? 0 : -1;
}

int idmap_init(struct idmap *m, bool hash, uint64_t cap, unsigned int words)
{
	memset(m, 0, sizeof(*m));
	m->hash = hash;
	m->words = words;
	if (hash) {
		m->cap = hash_cap_for(cap);
		m->mask = m->cap - 1;
		return alloc_tab(m, m->cap, bucket_words(m));
	}
	if (cap > SIZE_MAX / 16)
		return -1;
	m->cap = (size_t)MAX(cap, 1);
	return alloc_tab(m, m->cap, words);
}

void idmap_destroy(struct idmap *m)
{
	harness_free(m->tab, m->bytes);
	m->tab = NULL;
	m->bytes = 0;
	m->cap = m->n = 0;
}

static __always_inline size_t home_of(const struct idmap *m, uint64_t id)
{
	return (size_t)((id * 0x9e3779b97f4a7c15ull) >> 17) & m->mask;
}

uint64_t *idmap_hash_find(const struct idmap *m, uint64_t id)
{
	size_t bw = bucket_words(m);

	for (size_t i = home_of(m, id);; i = (i + 1) & m->mask) {
		uint64_t *b = &m->tab[i * bw];

		if (!b[1])
			return NULL;
		if (b[0] == id)
			return b + 1;
	}
}

/* Double the buckets and re-insert everything; 0 or -1. */
static int hash_grow(struct idmap *m)
{
	struct idmap bigger = { .hash = true, .words = m->words };
	size_t bw = bucket_words(m);

	if (m->cap > SIZE_MAX / 2 / bw / 8)
		return -1;
	bigger.cap = m->cap * 2;
	bigger.mask = bigger.cap - 1;
	if (alloc_tab(&bigger, bigger.cap, bw) != 0)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		uint64_t *b = &m->tab[i * bw];
		size_t j;

		if (!b[1])
			continue;
		for (j = home_of(&bigger, b[0]); bigger.tab[j * bw + 1]; j = (j + 1) & bigger.mask)
			;
		memcpy(&bigger.tab[j * bw], b, bw * 8);
	}
	bigger.n = m->n;
	harness_free(m->tab, m->bytes);
	*m = bigger;
	return 0;
}

uint64_t *idmap_hash_insert(struct idmap *m, uint64_t id)
{
	size_t bw = bucket_words(m);
	size_t i;

	if (2 * (m->n + 1) > m->cap && hash_grow(m) != 0)
		return NULL;
	for (i = home_of(m, id);; i = (i + 1) & m->mask) {
		uint64_t *b = &m->tab[i * bw];

		if (!b[1]) {
			b[0] = id;
			b[1] = 1;	/* the placeholder of a fresh entry */
			m->n++;
			return b + 1;
		}
		if (b[0] == id)
			return b + 1;
	}
}

void idmap_hash_remove(struct idmap *m, uint64_t id)
{
	size_t bw = bucket_words(m);
	size_t hole, i;

	for (hole = home_of(m, id);; hole = (hole + 1) & m->mask) {
		uint64_t *b = &m->tab[hole * bw];

		if (!b[1])
			return;
		if (b[0] == id)
			break;
	}
	/* Algorithm R: pull back every later member that may live in the hole. */
	for (i = (hole + 1) & m->mask;; i = (i + 1) & m->mask) {
		uint64_t *b = &m->tab[i * bw];
		size_t home;

		if (!b[1])
			break;
		home = home_of(m, b[0]);
		/* b may move to the hole unless its home lies cyclically in (hole, i]. */
		if (hole <= i ? (home <= hole || home > i) : (home <= hole && home > i)) {
			memcpy(&m->tab[hole * bw], b, bw * 8);
			hole = i;
		}
	}
	memset(&m->tab[hole * bw], 0, bw * 8);
	m->n--;
}

int idmap_dense_grow(struct idmap *m, uint64_t id)
{
	size_t cap = m->cap;
	uint64_t *tab;

	while (cap <= id) {
		if (cap > SIZE_MAX / 32 / m->words)
			return -1;
		cap *= 2;
	}
	tab = harness_grow(m->tab, m->bytes, cap * m->words * 8);
	if (!tab)
		return -1;
	m->tab = tab;
	m->cap = cap;
	m->bytes = cap * m->words * 8;
	return 0;
}

void idmap_for_each(const struct idmap *m, void (*fn)(uint64_t id, uint64_t *e, void *arg),
		    void *arg)
{
	if (m->hash) {
		size_t bw = bucket_words(m);

		for (size_t i = 0; i < m->cap; i++)
			if (m->tab[i * bw + 1])
				fn(m->tab[i * bw], &m->tab[i * bw + 1], arg);
		return;
	}
	for (size_t id = 0; id < m->cap; id++)
		if (m->tab[id * m->words])
			fn(id, &m->tab[id * m->words], arg);
}
