// SPDX-License-Identifier: MIT
/*
 * alloc/quarantine.c - a debugged cache's freed objects wait before reuse
 * (KASAN's and ASan's quarantine, kept per cache).
 *
 * A slab's freelist is LIFO: after free(p), the next allocation of the same
 * size is p again.  A stale pointer's second free or write then lands on
 * the new owner's live object, and no check can tell.  A cache debugged by
 * SLOTSLAB_DEBUG (any flag: such caches take the locked slow path anyway,
 * debug.h) therefore parks each object it frees here instead of on its
 * slab's freelist, until later frees of QUAR_BYTES (at least QUAR_MIN,
 * at most QUAR_MAX objects) push it out.  Meanwhile:
 *   - a second free of it finds its mark reading "freed" (mag_free_slow's
 *     check, internal.h) and is reported, where it used to free the block
 *     of whoever had it next;
 *   - a write to it is found when it leaves (poison, red zones, mark).
 *
 * States of an object of a debug cache: live -> (free, checked)
 * quarantined -> (leaves, checked) on its slab's freelist -> live.  A
 * quarantined object is "in use" for the slab layer (slab->inuse counts
 * it), so the slab invariants of internal.h hold unchanged.
 *
 * The ring: s->quar[s->quar_cap], entries quar_head .. quar_head +
 * quar_len - 1 (mod quar_cap), oldest first; mapped at the cache's first
 * debug free, unmapped at its destroy.  Under s->list_lock.
 * Invariants:
 *   - quar_len <= quar_cap;
 *   - every entry is an object of the cache, freed once: its mark reads
 *     "freed" (a second free is refused before the ring: no entry twice),
 *     and it passed debug_free_ok (poisoned under P, red zones inactive);
 *   - an entry that fails its check when it leaves is reported and left
 *     allocated, never handed out again (debug_alloc_ok's rule).
 * Each allocation checks the newest entries (QUAR_CHECK of them, while
 * they hold at most QUAR_CHECK_BYTES, and always the newest): the object
 * LIFO reuse would have handed out, so that a write just after a free is
 * reported as soon as without the quarantine, and the few freed before
 * it, so that a stale pointer written after the next allocation (which
 * LIFO reuse would have made the new owner's) is reported at the one
 * after, not only when the object leaves.  A shrink or destroy empties
 * the ring.
 */
#include "alloc/internal.h"

#define QUAR_BYTES (256UL << 10)
#define QUAR_MIN   16U
#define QUAR_MAX   1024U
#define QUAR_CHECK 8U			/* newest entries checked at each allocation */
#define QUAR_CHECK_BYTES (16UL << 10)	/* ... while their bytes stay within this */

static unsigned int quar_capacity(const struct kmem_cache *s)
{
	size_t n = QUAR_BYTES / s->size;

	return (unsigned int)MIN(MAX(n, (size_t)QUAR_MIN), (size_t)QUAR_MAX);
}

static size_t ring_bytes(unsigned int cap)
{
	return ALIGN_UP((size_t)cap * sizeof(void *), PAGE_SIZE);
}

/* The entry @i places after the oldest. */
static void **entry(struct kmem_cache *s, unsigned int i)
{
	return &s->quar[(s->quar_head + i) % s->quar_cap];
}

/**
 * quarantine_push - park @obj, freed and checked; list_lock held.
 * Return: the object that leaves to make room, checked and fit for its
 * slab's freelist; @obj itself when there is no ring (none could be
 * mapped: the cache then reuses at once, as without debugging); NULL
 * when nothing leaves, or what left was corrupt (reported, kept).
 */
void *quarantine_push(struct kmem_cache *s, void *obj)
{
	void *old = NULL;

	if (!s->quar) {
		unsigned int cap = quar_capacity(s);
		void **ring = page_meta_map(ring_bytes(cap));

		if (!ring)
			return obj;
		s->quar = ring;
		s->quar_cap = cap;
		s->quar_head = 0;
		s->quar_len = 0;
	}
	if (s->quar_len == s->quar_cap) {
		old = *entry(s, 0);
		s->quar_head = (s->quar_head + 1) % s->quar_cap;
		s->quar_len--;
		if (!debug_idle_ok(s, old))
			old = NULL;
	}
	*entry(s, s->quar_len++) = obj;
	return old;
}

/**
 * quarantine_check_newest - check the entries freed last (the newest, which
 * a cache without quarantine would hand out next, and up to QUAR_CHECK - 1
 * before it within QUAR_CHECK_BYTES); a corrupt one is reported and leaves
 * the ring, kept allocated, the newer ones moving up in its place.
 * list_lock held.
 */
void quarantine_check_newest(struct kmem_cache *s)
{
	unsigned int n = MAX(1U, MIN(QUAR_CHECK, (unsigned int)(QUAR_CHECK_BYTES / s->size)));
	unsigned int i = s->quar_len;

	while (i > 0 && n > 0) {
		i--;
		n--;
		if (debug_idle_ok(s, *entry(s, i)))
			continue;
		/* newer entries (checked) move up over it */
		for (unsigned int j = i; j + 1 < s->quar_len; j++)
			*entry(s, j) = *entry(s, j + 1);
		s->quar_len--;
	}
}

/**
 * quarantine_pop_oldest - take the oldest entry out, checked; list_lock
 * held.  Return: it, NULL when the ring is empty; *@bad is set when the
 * entry was corrupt (reported, kept allocated: do not free it).
 */
void *quarantine_pop_oldest(struct kmem_cache *s, bool *bad)
{
	void *obj;

	if (!s->quar_len)
		return NULL;
	obj = *entry(s, 0);
	s->quar_head = (s->quar_head + 1) % s->quar_cap;
	s->quar_len--;
	*bad = !debug_idle_ok(s, obj);
	return obj;
}

/** quarantine_release - unmap @s's ring, emptied by slab_quarantine_flush() (destroy) */
void quarantine_release(struct kmem_cache *s)
{
	if (!s->quar)
		return;
	if (s->quar_len)
		debug_invalid_state(s, "kmem_cache_destroy: quarantine not empty; its objects leak");
	page_meta_unmap(s->quar, ring_bytes(s->quar_cap));
	s->quar = NULL;
	s->quar_cap = 0;
}

/**
 * quarantine_validate - every entry is an object of @s whose mark reads
 * "freed" (the ring's invariants).  list_lock held.  Return: how many are
 * not, each reported.
 */
unsigned int quarantine_validate(struct kmem_cache *s)
{
	unsigned int n = 0;

	if (s->quar_len > s->quar_cap) {
		debug_invalid_state(s, "slab_validate: quarantine holds more than its capacity");
		return 1;
	}
	for (unsigned int i = 0; i < s->quar_len; i++) {
		void *obj = *entry(s, i);

		if (!obj_belongs(s, obj) || !free_marked(s, obj)) {
			debug_invalid_state(s, "slab_validate: a quarantined object is not a freed "
					    "object of the cache");
			n++;
		}
	}
	return n;
}
