// SPDX-License-Identifier: MIT
/*
 * bench/replay/heap.c - malloc-level events (malloc, calloc, realloc,
 * memalign, mfree) on one of two heaps, each a small table of functions
 * calling the same C API:
 *
 *   slab  slotslab_malloc, slotslab_calloc, slotslab_realloc,
 *         slotslab_posix_memalign, slotslab_free,
 *         slotslab_malloc_usable_size: the code libslotslab-malloc.so
 *         ships (malloc/ built with SLOTSLAB_MALLOC_PREFIX, archived
 *         into the bench library), so that every "slab" figure on a
 *         malloc-level trace is the shipped allocator's: its answer to a
 *         zero-size malloc, its realloc shrink, its aligned caches and its
 *         mappings aligned beyond a page.
 *   libc  malloc, calloc, realloc, posix_memalign, free,
 *         malloc_usable_size: whatever LD_PRELOAD put in the process.
 *
 * Accounting (struct replay_blocks): bytes asked for and bytes held (usable
 * sizes), live and at their peaks, counted at every allocation and free.
 * With several replay threads the counters are updated with atomics and
 * the peaks raised with compare-and-swap, as objects/heap.c does; alone,
 * with plain arithmetic, so that a serial replay measures the allocator,
 * not the counting.
 *
 * Touching: a program writes what it allocates, so every block is written
 * once per page of the size asked for (one byte at the start of each 4 KiB)
 * when it is allocated or grown; otherwise a large block's pages would never
 * become resident and RSS would not show them.  --no-touch leaves blocks
 * untouched (the allocator's own writes only).
 *
 * Block id semantics (trace/trace.h): id 0 is NULL; "realloc N O 0"
 * frees O and, for N != 0, allocates a zero-size block as N.  A zero-size
 * allocation that the heap answers with NULL is live all the same
 * (BLOCK_NULL), since the program got a valid result.
 */
#include <malloc.h>
#include <stdlib.h>

#include "bench/replay/internal.h"
#include "malloc/slotslab_malloc.h"

#define MALLOC_ALIGN 16		/* what malloc aligns every block to */
#define PAGE_BYTES 4096

#define HEAP_OPS(pfx, NAME)							\
static void *pfx##_alloc(size_t size, size_t align)				\
{										\
	void *p;								\
										\
	if (align <= MALLOC_ALIGN)						\
		return NAME(malloc)(size);					\
	return NAME(posix_memalign)(&p, align, size) == 0 ? p : NULL;		\
}										\
static void *pfx##_zalloc(size_t nmemb, size_t size)				\
{										\
	return NAME(calloc)(nmemb, size);					\
}										\
static void *pfx##_realloc(void *p, size_t size)				\
{										\
	return NAME(realloc)(p, size);						\
}										\
static void pfx##_free(void *p)							\
{										\
	NAME(free)(p);								\
}										\
static size_t pfx##_usable(const void *p)					\
{										\
	return NAME(malloc_usable_size)((void *)p);				\
}										\
const struct block_ops replay_##pfx##_ops = {					\
	.name = #pfx,								\
	.alloc = pfx##_alloc,							\
	.zalloc = pfx##_zalloc,							\
	.realloc = pfx##_realloc,						\
	.free = pfx##_free,							\
	.usable = pfx##_usable,							\
};

#define SHIPPED(name) slotslab_##name
#define PROCESS(name) name
HEAP_OPS(slab, SHIPPED)
HEAP_OPS(libc, PROCESS)

static void raise_peak(size_t *peak, size_t v)
{
	size_t p = READ_ONCE(*peak);

	while (v > p && !__atomic_compare_exchange_n(peak, &p, v, true, __ATOMIC_RELAXED,
						     __ATOMIC_RELAXED))
		;
}

/* Add @req bytes asked for and @held bytes held (both may be negative). */
static __always_inline void account(struct replay_blocks *b, bool shared, int64_t req,
				    int64_t held, int allocs, int frees)
{
	if (shared) {
		raise_peak(&b->peak.requested, __atomic_add_fetch(&b->live.requested,
								  (size_t)req, __ATOMIC_RELAXED));
		raise_peak(&b->peak.held, __atomic_add_fetch(&b->live.held, (size_t)held,
							     __ATOMIC_RELAXED));
		__atomic_add_fetch(&b->nalloc, (uint64_t)allocs, __ATOMIC_RELAXED);
		__atomic_add_fetch(&b->nfree, (uint64_t)frees, __ATOMIC_RELAXED);
		return;
	}
	b->live.requested += (size_t)req;
	b->live.held += (size_t)held;
	b->peak.requested = MAX(b->peak.requested, b->live.requested);
	b->peak.held = MAX(b->peak.held, b->live.held);
	b->nalloc += (uint64_t)allocs;
	b->nfree += (uint64_t)frees;
}

/* Write one byte in every page of the @size bytes at @p, as their user would. */
static __always_inline void touch(const struct replay *rp, void *p, size_t size)
{
	volatile char *c = p;

	if (rp->o->no_touch || !p || p == ZERO_SIZE_PTR)
		return;
	for (size_t off = 0; off < size; off += PAGE_BYTES)
		c[off] = 1;
}

static size_t held_of(const struct block_ops *ops, uint64_t p)
{
	return p == BLOCK_NULL ? 0 : ops->usable((void *)(uintptr_t)p);
}

int blk_alloc(struct replay *rp, bool shared, const struct trace_event *ev, uint64_t *e)
{
	const struct block_ops *ops = rp->bops;
	uint64_t size = ev->size;
	void *p;

	switch (ev->kind) {
	case TRACE_CALLOC:
		if (ev->nmemb && size > SIZE_MAX / ev->nmemb)
			return REPLAY_EOVERFLOW;
		p = ops->zalloc(ev->nmemb, size);
		size *= ev->nmemb;
		break;
	case TRACE_MEMALIGN:
		p = ops->alloc(size, ev->align);
		break;
	default:
		p = ops->alloc(size, 0);
		break;
	}
	if (!p && size)
		return REPLAY_ENOMEM;
	touch(rp, p, size);
	e[0] = p ? (uint64_t)(uintptr_t)p : BLOCK_NULL;
	e[1] = size;
	account(&rp->blocks, shared, (int64_t)size, (int64_t)held_of(ops, e[0]), 1, 0);
	return REPLAY_OK;
}

int blk_realloc(struct replay *rp, bool shared, uint64_t size, uint64_t *old, uint64_t *e)
{
	const struct block_ops *ops = rp->bops;
	size_t old_held = held_of(ops, old[0]);
	void *p;

	p = ops->realloc(old[0] == BLOCK_NULL ? NULL : (void *)(uintptr_t)old[0], size);
	if (!p)
		return REPLAY_ENOMEM;
	touch(rp, p, size);
	account(&rp->blocks, shared, (int64_t)size - (int64_t)old[1],
		(int64_t)ops->usable(p) - (int64_t)old_held, 1, 1);
	e[0] = (uint64_t)(uintptr_t)p;
	e[1] = size;
	return REPLAY_OK;
}

void blk_free(struct replay *rp, bool shared, uint64_t *e)
{
	const struct block_ops *ops = rp->bops;
	size_t held = held_of(ops, e[0]);

	if (e[0] != BLOCK_NULL)
		ops->free((void *)(uintptr_t)e[0]);
	account(&rp->blocks, shared, -(int64_t)e[1], -(int64_t)held, 0, 1);
}
