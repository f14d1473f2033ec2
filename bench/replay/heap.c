// SPDX-License-Identifier: MIT
/*
 * bench/replay/heap.c - malloc-level events (malloc, calloc, realloc,
 * memalign, mfree) on one of two heaps, each a small table of functions:
 *
 *   slab  kmalloc, kmalloc_array(__GFP_ZERO), krealloc, kfree, ksize.
 *         memalign: alignments up to 16 are kmalloc's own; larger ones
 *         ask for the power of two at or above max(size, align), which
 *         kmalloc aligns naturally up to KMALLOC_MAX_CACHE_SIZE; beyond it
 *         blocks are mapped and page aligned, and an alignment above a
 *         page asks for size + align (a block that contains an aligned
 *         one: the cost any allocator without aligned mappings pays).
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

#define MALLOC_ALIGN 16		/* what malloc and kmalloc align every block to */
#define PAGE_BYTES 4096

static size_t pow2_ceil(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static void *slab_alloc(size_t size, size_t align)
{
	size_t want = MAX(size, align);

	if (align <= MALLOC_ALIGN)
		return kmalloc(size, GFP_KERNEL);
	if (want <= KMALLOC_MAX_CACHE_SIZE)
		return kmalloc(pow2_ceil(want), GFP_KERNEL);
	if (align <= PAGE_BYTES)
		return kmalloc(want, GFP_KERNEL);
	if (size > SIZE_MAX - align)
		return NULL;
	return kmalloc(size + align, GFP_KERNEL);
}

static void *slab_zalloc(size_t nmemb, size_t size)
{
	return kmalloc_array(nmemb, size, GFP_KERNEL | __GFP_ZERO);
}

static void *slab_realloc(void *p, size_t size)
{
	return krealloc(p, size, GFP_KERNEL);
}

static void slab_free(void *p)
{
	kfree(p);
}

static size_t slab_usable(const void *p)
{
	return ksize(p);
}

const struct block_ops replay_slab_ops = {
	.name = "slab",
	.alloc = slab_alloc,
	.zalloc = slab_zalloc,
	.realloc = slab_realloc,
	.free = slab_free,
	.usable = slab_usable,
};

static void *libc_alloc(size_t size, size_t align)
{
	void *p;

	if (align <= MALLOC_ALIGN)
		return malloc(size);
	return posix_memalign(&p, align, size) == 0 ? p : NULL;
}

static void *libc_zalloc(size_t nmemb, size_t size)
{
	return calloc(nmemb, size);
}

static void *libc_realloc(void *p, size_t size)
{
	return realloc(p, size);
}

static void libc_free(void *p)
{
	free(p);
}

static size_t libc_usable(const void *p)
{
	return malloc_usable_size((void *)p);
}

const struct block_ops replay_libc_ops = {
	.name = "libc",
	.alloc = libc_alloc,
	.zalloc = libc_zalloc,
	.realloc = libc_realloc,
	.free = libc_free,
	.usable = libc_usable,
};

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
