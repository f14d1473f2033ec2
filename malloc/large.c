// SPDX-License-Identifier: MIT
/*
 * malloc/large.c - a cache of freed large blocks.
 *
 * kmalloc maps every block above KMALLOC_MAX_CACHE_SIZE (8 KiB) on its own
 * and unmaps it on kfree: an mmap, an munmap and a page fault per page for
 * each one.  Real programs allocate such blocks all the time (cc1's 12-64
 * KiB obstacks and hash tables, sqlite's 8 KiB pages plus a header), and
 * glibc, jemalloc, mimalloc and tcmalloc all serve them from memory they
 * keep.  So free() keeps freed large blocks of up to LARGE_CACHE_PAGES
 * pages here, still allocated as far as kmalloc knows, and malloc() hands
 * them out again:
 *
 * 1. Bins by page count, each a list with the most recently freed block
 *    first (still warm, and still resident); a request takes a block of
 *    its own page count, else of up to a quarter more pages (the waste a
 *    size class would have).  The block keeps its page-rounded usable size
 *    (ksize), so realloc and malloc_usable_size need nothing special.
 *
 * 2. At most LARGE_CACHE_BYTES are kept; beyond, the block freed longest
 *    ago is given back (kfree, outside the lock).  That bounds what the
 *    cache adds to RSS: its blocks stay resident while cached.  Measured
 *    on gcc -O2 -c (cc1 frees about 2,200 blocks of 12-80 KiB): no cache
 *    0.91 s, 46.4 MB peak RSS; 1 MiB 0.82 s, 47.3 MB; 2 MiB 0.81 s,
 *    48.2 MB; 4 MiB 0.81 s, 50.1 MB; glibc 0.85 s, 47.0 MB.  2 MiB keeps
 *    nearly all the time saved for a fraction of the memory.
 *
 * 3. The links live in the first 40 bytes of the cached block itself
 *    (struct lblock), so the cache needs no memory of its own.  A block
 *    taken for calloc() is zeroed here (kmalloc's fresh mappings are zero,
 *    a cached block is not).
 *
 * 4. large_lock guards the bins, the LRU list and the byte count; it is a
 *    leaf (kmalloc and kfree are called only outside it) and is taken
 *    across fork() by handlers registered on the first use, which run
 *    before the allocator's own (registered earlier) and after them in the
 *    child.
 *
 * Invariant: cached == sum of the bytes of the blocks on the LRU list ==
 * sum over the bins, and cached <= LARGE_CACHE_BYTES.
 */
#include <pthread.h>
#include <string.h>

#include "internal/list.h"
#include "malloc/internal.h"

#define LARGE_CACHE_PAGES 256			/* blocks up to 1 MiB are kept */
#define LARGE_CACHE_BYTES (2UL << 20)		/* at most this much in all */
#define LARGE_MIN_PAGES   3			/* 8 KiB + 1 rounds up to 3 pages */

struct lblock {
	struct list_head bin;	/* on bins[pages], newest first */
	struct list_head lru;	/* on lru, newest first */
	size_t pages;
};

static pthread_mutex_t large_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t large_once = PTHREAD_ONCE_INIT;
static struct list_head bins[LARGE_CACHE_PAGES + 1];
static LIST_HEAD_DECL(lru);
static size_t cached;

static void large_fork_prepare(void)
{
	pthread_mutex_lock(&large_lock);
}

static void large_fork_release(void)
{
	pthread_mutex_unlock(&large_lock);
}

static void large_init_once(void)
{
	for (size_t i = 0; i <= LARGE_CACHE_PAGES; i++)
		INIT_LIST_HEAD(&bins[i]);
	pthread_atfork(large_fork_prepare, large_fork_release, large_fork_release);
}

static void unlink_locked(struct lblock *b)
{
	list_del(&b->bin);
	list_del(&b->lru);
	WRITE_ONCE(cached, cached - b->pages * MALLOC_PAGE);
}

/**
 * large_alloc - a large block of at least @size bytes
 * @size: more than KMALLOC_MAX_CACHE_SIZE
 * @zero: zero the bytes asked for (calloc)
 *
 * Return: a cached block when one of @size's page count, or up to a
 * quarter more pages, is there; else a fresh kmalloc block; NULL when
 * memory is short.
 * Context: any thread.
 */
void *large_alloc(size_t size, bool zero)
{
	size_t pages = size / MALLOC_PAGE + (size % MALLOC_PAGE != 0);
	struct lblock *b = NULL;

	if (pages <= LARGE_CACHE_PAGES && READ_ONCE(cached)) {
		size_t last = MIN((size_t)LARGE_CACHE_PAGES, pages + pages / 4);

		pthread_mutex_lock(&large_lock);
		for (size_t p = pages; p <= last && !b; p++)
			if (!list_empty(&bins[p])) {
				b = list_entry(bins[p].next, struct lblock, bin);
				unlink_locked(b);
			}
		pthread_mutex_unlock(&large_lock);
	}
	if (!b)
		return kmalloc(size, zero ? __GFP_ZERO : GFP_KERNEL);
	if (zero)
		memset(b, 0, size);
	return b;
}

/**
 * large_free - keep large block @p for reuse, or free it
 * @p:     a kmalloc block whose ksize() is @bytes
 * @bytes: more than KMALLOC_MAX_CACHE_SIZE, a multiple of the page
 *
 * Context: any thread.
 */
void large_free(void *p, size_t bytes)
{
	struct list_head gone;
	struct lblock *b = p;

	if (bytes / MALLOC_PAGE > LARGE_CACHE_PAGES || bytes > LARGE_CACHE_BYTES) {
		kfree(p);
		return;
	}
	pthread_once(&large_once, large_init_once);
	INIT_LIST_HEAD(&gone);
	b->pages = bytes / MALLOC_PAGE;
	pthread_mutex_lock(&large_lock);
	while (cached + bytes > LARGE_CACHE_BYTES) {
		struct lblock *old = list_entry(lru.prev, struct lblock, lru);

		unlink_locked(old);
		list_add(&old->lru, &gone);
	}
	list_add(&b->bin, &bins[b->pages]);
	list_add(&b->lru, &lru);
	WRITE_ONCE(cached, cached + bytes);
	pthread_mutex_unlock(&large_lock);
	while (!list_empty(&gone)) {
		struct lblock *old = list_entry(gone.next, struct lblock, lru);

		list_del(&old->lru);
		kfree(old);
	}
}

/** large_cached_bytes - bytes the cache holds now (for tests) */
size_t large_cached_bytes(void)
{
	return READ_ONCE(cached);
}
