// SPDX-License-Identifier: MIT
/*
 * alloc/page.c - the page allocator under the slabs: all OS memory.
 *
 * This is the only file that calls mmap, munmap, madvise and mremap.
 *
 * 1. Chunks.  Slab memory comes in chunks of CHUNK_SIZE (2 MiB) aligned to
 *    2 MiB.  A chunk serves blocks of one order only (PAGE_SIZE << order
 *    bytes), so every block is naturally aligned by construction, and a
 *    free-block bitmap (512 bits at most) replaces a buddy system: no
 *    coalescing, and no external fragmentation that costs RSS for long,
 *    because a freed block's pages go back to the OS (MADV_DONTNEED, after
 *    the wait of 4 below) and a chunk whose blocks are all free is
 *    unmapped.  Only address space is "fragmented", and a 47-bit address
 *    space has plenty.  The price: freed memory of one order cannot serve
 *    another until it has gone back to the OS and been faulted in again.
 *    One mmap per 2 MiB instead of one per slab keeps the syscall count and
 *    the number of VMAs low (a 40 MB cache of 4 KiB slabs costs 20 mmaps).
 *
 * 2. Descriptors.  Each slab has a 64-byte struct slab (see internal.h),
 *    off-slab, from a pool of fixed-size records carved from 64 KiB
 *    metadata mappings; chunk headers come from a second pool.  Off-slab
 *    metadata keeps objects at the block's natural alignment and costs
 *    64 bytes per slab (1.6 % of an order-0 slab, 0.2 % at order 3).
 *
 * 3. Large blocks.  kmalloc sizes above KMALLOC_MAX_CACHE_SIZE are mapped
 *    directly, page aligned, registered in the page map on their first page
 *    only, and resized with mremap.  A freed one waits, resident and
 *    unregistered, on large_cache (newest first) for CONFIG_SLAB_DECAY_MS,
 *    for a request of between its size and 4/5 of it, as long as the cache
 *    holds at most CONFIG_KMALLOC_LARGE_CACHE_KB: a program that frees and
 *    allocates big buffers (a compiler's obstacks, a database's pages)
 *    then pays no mmap, munmap and page faults each time.
 *
 * 4. Dirty blocks.  A freed slab's block does not go back to the OS at
 *    once: it waits, resident, on dirty[order] (newest first) with its
 *    descriptor, so that a cache that empties and refills does not pay a
 *    page fault and a page clearing per page each time (the kernel keeps
 *    such pages in its page allocator; jemalloc calls them dirty and
 *    decays them).  New slabs take the newest dirty block of their order
 *    first.  A block dirty for longer than CONFIG_SLAB_DECAY_MS is purged,
 *    oldest first: madvise(MADV_DONTNEED), then back to its chunk's free
 *    map (and a chunk whose blocks are all free is unmapped).  Dirty
 *    blocks were slabs a moment ago; to keep them from lifting RSS above
 *    its peak when the program moves on to other sizes, every clean block
 *    or new large mapping handed out first purges as many bytes of the
 *    oldest dirty and cached memory, as long as more than 1/16 of the
 *    memory in use is kept (so RSS grows beyond the program's use by at
 *    most that slack).  A fixed size limit instead would make a mass free
 *    refault what it frees (measured: with an 8 MiB limit, creating and
 *    freeing 100000 objects took twice as long).  Purging runs on the
 *    page-level slow paths, at most every quarter of the decay time, and from
 *    kmem_cache_shrink(), which purges everything.  With no allocator
 *    activity at all, dirty blocks wait for the next (as in jemalloc
 *    without background threads).  States of a block:
 *        free (clean) -> slab -> dirty -> slab ...
 *                                dirty -> (purge) -> free (clean)
 *
 * Lock: page_lock (innermost; see slab.c) guards the chunk lists, the pools
 * and the counters.  System calls that map new memory run outside it; those
 * that give memory back run outside it too, after the bookkeeping.
 *
 * Failure: every mapping failure returns NULL to the caller; nothing here
 * aborts.  The process may be short of address space (RLIMIT_AS) or memory.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "alloc/internal.h"
#include "alloc/hooks.h"

#define META_MAP_SIZE (64UL << 10)

/*
 * struct chunk - a 2 MiB chunk cut into blocks of one order.
 * Invariant: nfree == popcount(free_map) <= nblocks == 512 >> order;
 * on chunk_avail[order] <=> 0 < nfree.
 */
struct chunk {
	struct list_head list;
	char *base;
	unsigned int order;
	unsigned int nblocks;
	unsigned int nfree;
	uint64_t free_map[(1U << CHUNK_ORDER) / 64];
};

/* A pool of fixed-size metadata records.  Invariant: in_use <= carved. */
struct meta_pool {
	size_t size;
	void *free;           /* singly linked through the first word */
	char *bump, *end;
	unsigned long in_use;
};

static pthread_mutex_t page_lock = PTHREAD_MUTEX_INITIALIZER;
static struct list_head chunk_avail[CHUNK_ORDER + 1];
/*
 * Dirty slab blocks by order, and freed large blocks, newest first; each
 * descriptor's freed_ms says when it was freed.
 * Invariants: dirty_bytes == sum of the dirty blocks' sizes;
 * large_cached == sum of the cached large blocks' large_size.
 */
static struct list_head dirty[CHUNK_ORDER + 1];
static unsigned long dirty_bytes;
static LIST_HEAD_DECL(large_cache);
static unsigned long large_cached;
static uint32_t last_purge_ms;
static bool page_ready;
static struct meta_pool slab_pool = { .size = sizeof(struct slab) };
static struct meta_pool chunk_pool = { .size = sizeof(struct chunk) };

static struct {
	unsigned long chunk_bytes, slab_bytes, large_bytes, meta_bytes;
} page_stats;

_Static_assert(sizeof(struct slab) == 64, "struct slab should fill one cache line");
_Static_assert(sizeof(struct slab) % PM_COLOURS == 0,
	       "descriptors must leave the page map's colour bits free");

/* ---- OS primitives ------------------------------------------------------ */

static void *os_map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void os_unmap(void *p, size_t bytes)
{
	munmap(p, bytes);
}

/* Map @bytes aligned to @align (a power of two >= PAGE_SIZE). */
static void *os_map_aligned(size_t bytes, size_t align)
{
	size_t over = bytes + align - PAGE_SIZE;
	char *p = os_map(over), *q;

	if (!p)
		return NULL;
	q = (char *)ALIGN_UP((uintptr_t)p, align);
	if (q > p)
		os_unmap(p, (size_t)(q - p));
	if (q + bytes < p + over)
		os_unmap(q + bytes, (size_t)(p + over - (q + bytes)));
	return q;
}

/**
 * page_release - give the pages of [p, p + bytes) back to the OS, keeping
 * the mapping; the next touch faults in zeroed pages.
 */
void page_release(void *p, size_t bytes)
{
	madvise(p, bytes, MADV_DONTNEED);
}

/* ---- metadata pools ----------------------------------------------------- */

static void *meta_alloc_locked(struct meta_pool *pool)
{
	void *p = pool->free;

	if (p) {
		pool->free = *(void **)p;
	} else {
		if (pool->bump == pool->end) {
			char *m = os_map(META_MAP_SIZE);

			if (!m)
				return NULL;
			__atomic_fetch_add(&page_stats.meta_bytes, META_MAP_SIZE,
					   __ATOMIC_RELAXED);
			pool->bump = m;
			pool->end = m + META_MAP_SIZE / pool->size * pool->size;
		}
		p = pool->bump;
		pool->bump += pool->size;
	}
	pool->in_use++;
	memset(p, 0, pool->size);
	return p;
}

static void meta_free_locked(struct meta_pool *pool, void *p)
{
	*(void **)p = pool->free;
	pool->free = p;
	pool->in_use--;
}

/**
 * page_meta_map - map @bytes of zeroed metadata (page map leaves, thread
 * caches), counted in meta_bytes.  Return: the memory, or NULL.
 */
void *page_meta_map(size_t bytes)
{
	void *p = os_map(bytes);

	if (p)
		__atomic_fetch_add(&page_stats.meta_bytes, bytes, __ATOMIC_RELAXED);
	return p;
}

void page_meta_unmap(void *p, size_t bytes)
{
	os_unmap(p, bytes);
	__atomic_fetch_sub(&page_stats.meta_bytes, bytes, __ATOMIC_RELAXED);
}

/* ---- chunks ------------------------------------------------------------- */

static void page_init_locked(void)
{
	if (page_ready)
		return;
	for (unsigned int i = 0; i <= CHUNK_ORDER; i++) {
		INIT_LIST_HEAD(&chunk_avail[i]);
		INIT_LIST_HEAD(&dirty[i]);
	}
	page_ready = true;
}

/* Map a chunk for blocks of @order and describe it; NULL on failure. */
static struct chunk *chunk_create(unsigned int order)
{
	char *base = os_map_aligned(CHUNK_SIZE, CHUNK_SIZE);
	struct chunk *c;

	if (!base)
		return NULL;
	/* Keep RSS honest in 4 KiB steps unless huge pages were asked for. */
	madvise(base, CHUNK_SIZE,
		IS_ENABLED(CONFIG_SLAB_THP) ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);

	pthread_mutex_lock(&page_lock);
	c = meta_alloc_locked(&chunk_pool);
	if (!c) {
		pthread_mutex_unlock(&page_lock);
		os_unmap(base, CHUNK_SIZE);
		return NULL;
	}
	c->base = base;
	c->order = order;
	c->nblocks = 1U << (CHUNK_ORDER - order);
	c->nfree = c->nblocks;
	for (unsigned int i = 0; i < c->nblocks; i++)
		c->free_map[i / 64] |= 1ULL << (i % 64);
	list_add(&c->list, &chunk_avail[order]);
	page_stats.chunk_bytes += CHUNK_SIZE;
	pthread_mutex_unlock(&page_lock);
	return c;
}

/* Take the lowest free block of a chunk on chunk_avail[order]. */
static char *chunk_take_locked(unsigned int order, struct chunk **out)
{
	struct chunk *c;

	if (list_empty(&chunk_avail[order]))
		return NULL;
	c = list_first_entry(&chunk_avail[order], struct chunk, list);
	for (unsigned int w = 0; w < ARRAY_SIZE(c->free_map); w++) {
		if (c->free_map[w]) {
			unsigned int bit = (unsigned int)__builtin_ctzll(c->free_map[w]);
			unsigned int i = w * 64 + bit;

			c->free_map[w] &= ~(1ULL << bit);
			if (--c->nfree == 0)
				list_del(&c->list);
			*out = c;
			return c->base + ((size_t)i << (PAGE_SHIFT + order));
		}
	}
	return NULL;	/* unreachable: nfree > 0 on the list */
}

/*
 * Give a block back.  Return: the chunk's base if the chunk became
 * entirely free and was unlinked (the caller unmaps it), else NULL.
 */
static char *chunk_give_locked(struct chunk *c, char *block)
{
	unsigned int i = (unsigned int)((size_t)(block - c->base) >> (PAGE_SHIFT + c->order));

	c->free_map[i / 64] |= 1ULL << (i % 64);
	if (c->nfree++ == 0)
		list_add(&c->list, &chunk_avail[c->order]);
	if (c->nfree < c->nblocks)
		return NULL;
	list_del(&c->list);
	page_stats.chunk_bytes -= CHUNK_SIZE;
	meta_free_locked(&chunk_pool, c);
	return c->base;
}

/* ---- slabs -------------------------------------------------------------- */

/* Milliseconds of CLOCK_MONOTONIC_COARSE, modulo 2^32 (49 days). */
static uint32_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000U + (uint64_t)ts.tv_nsec / 1000000U);
}

/*
 * Freed memory kept beyond 1/16 of what is in use, and at most @grow of it:
 * what a growth of @grow bytes purges first.  page_lock held.
 */
static size_t growth_purge_locked(size_t grow)
{
	unsigned long kept = dirty_bytes + large_cached;
	unsigned long slack = (page_stats.slab_bytes + page_stats.large_bytes) / 16;

	return kept > slack ? MIN(grow, kept - slack) : 0;
}

/* Has the descriptor @d waited longer than the decay time? */
static bool expired(const struct slab *d, uint32_t now)
{
	return (uint32_t)(now - d->freed_ms) > (uint32_t)CONFIG_SLAB_DECAY_MS;
}

/*
 * The oldest dirty block that must go: all of them with @all, else those
 * past the decay time.  page_lock held.
 */
static struct slab *purge_victim_locked(uint32_t now, bool all)
{
	struct slab *oldest = NULL;

	for (unsigned int o = 0; o <= CHUNK_ORDER; o++) {
		struct slab *t;

		if (list_empty(&dirty[o]))
			continue;
		t = list_entry(dirty[o].prev, struct slab, lru);
		if (!oldest || (int32_t)(t->freed_ms - oldest->freed_ms) < 0)
			oldest = t;
	}
	if (oldest && (all || expired(oldest, now)))
		return oldest;
	return NULL;
}

/*
 * Move the cached large blocks that must go to @victims: all with @all,
 * else the expired ones, those beyond the cache's limit, and the oldest
 * until @want bytes are found.  Return: the bytes moved.  page_lock held.
 */
static size_t large_victims_locked(uint32_t now, bool all, size_t want,
				   struct list_head *victims)
{
	size_t moved = 0;

	while (!list_empty(&large_cache)) {
		struct slab *d = list_entry(large_cache.prev, struct slab, lru);

		if (!all && !expired(d, now) && moved >= want &&
		    large_cached <= (unsigned long)CONFIG_KMALLOC_LARGE_CACHE_KB << 10)
			break;
		list_move(&d->lru, victims);
		large_cached -= d->large_size;
		moved += d->large_size;
	}
	return moved;
}

/* Unmap cached large blocks no list holds any more, and free their descriptors. */
static void large_release(struct list_head *victims)
{
	struct slab *d, *tmp;

	if (list_empty(victims))
		return;
	list_for_each_entry(d, victims, lru)
		os_unmap(d->base, d->large_size);
	pthread_mutex_lock(&page_lock);
	list_for_each_entry_safe(d, tmp, victims, lru)
		meta_free_locked(&slab_pool, d);
	pthread_mutex_unlock(&page_lock);
}

/*
 * Give freed memory back to the OS: with @all every dirty block and cached
 * large block, else the expired ones, and the oldest until @want bytes have
 * gone.  The madvise and munmap calls run unlocked, on blocks no list holds
 * any more.
 */
static void purge(bool all, size_t want)
{
	struct list_head victims = LIST_HEAD_INIT(victims);
	struct list_head large = LIST_HEAD_INIT(large);
	struct slab *slab, *tmp;
	uint32_t now = now_ms();
	char *unmap[64];
	unsigned int nunmap = 0;

	pthread_mutex_lock(&page_lock);
	if (!page_ready) {
		pthread_mutex_unlock(&page_lock);
		return;
	}
	WRITE_ONCE(last_purge_ms, now);
	while ((slab = purge_victim_locked(now, all || want > 0)) != NULL) {
		size_t bytes = PAGE_SIZE << slab->order;

		list_move(&slab->lru, &victims);
		dirty_bytes -= bytes;
		want = want > bytes ? want - bytes : 0;
	}
	large_victims_locked(now, all, want, &large);
	pthread_mutex_unlock(&page_lock);
	large_release(&large);
	if (list_empty(&victims))
		return;

	list_for_each_entry(slab, &victims, lru)
		page_release(slab->base, PAGE_SIZE << slab->order);

	pthread_mutex_lock(&page_lock);
	list_for_each_entry_safe(slab, tmp, &victims, lru) {
		char *chunk_base = chunk_give_locked(slab->chunk, slab->base);

		meta_free_locked(&slab_pool, slab);
		if (chunk_base) {
			if (nunmap == ARRAY_SIZE(unmap)) {
				pthread_mutex_unlock(&page_lock);
				for (unsigned int i = 0; i < nunmap; i++)
					os_unmap(unmap[i], CHUNK_SIZE);
				nunmap = 0;
				pthread_mutex_lock(&page_lock);
			}
			unmap[nunmap++] = chunk_base;
		}
	}
	pthread_mutex_unlock(&page_lock);
	for (unsigned int i = 0; i < nunmap; i++)
		os_unmap(unmap[i], CHUNK_SIZE);
}

/** page_purge - return every dirty block to the OS (kmem_cache_shrink) */
void page_purge(void)
{
	purge(true, 0);
}

/* Purge what has expired, at most every quarter of the decay time. */
static void purge_maybe(uint32_t now)
{
	if ((uint32_t)(now - READ_ONCE(last_purge_ms)) > (uint32_t)CONFIG_SLAB_DECAY_MS / 4)
		purge(false, 0);
}

/**
 * page_slab_alloc - a naturally aligned block of PAGE_SIZE << @order bytes
 * with a zeroed descriptor, registered in the page map under @cache_id
 * and @colour: the newest dirty block of that order, else a clean one.
 * The block's contents are undefined.
 * Return: the descriptor (base, order and chunk set), or NULL.
 */
struct slab *page_slab_alloc(unsigned int order, unsigned int cache_id,
			     unsigned int colour)
{
	struct slab *slab = NULL;
	struct chunk *c = NULL;
	char *block;
	uint32_t now = now_ms();
	size_t grow = 0;

	if (order > CHUNK_ORDER)
		return NULL;
	pthread_mutex_lock(&page_lock);
	page_init_locked();
	if (!list_empty(&dirty[order])) {
		slab = list_first_entry(&dirty[order], struct slab, lru);
		list_del(&slab->lru);
		dirty_bytes -= PAGE_SIZE << order;
		block = slab->base;
		c = slab->chunk;
		memset(slab, 0, sizeof(*slab));
	} else {
		slab = meta_alloc_locked(&slab_pool);
		if (!slab)
			goto fail;
		while (!(block = chunk_take_locked(order, &c))) {
			pthread_mutex_unlock(&page_lock);
			if (!chunk_create(order)) {
				pthread_mutex_lock(&page_lock);
				goto fail;
			}
			pthread_mutex_lock(&page_lock);
		}
		/* New memory is about to be touched: give back as much old. */
		grow = growth_purge_locked(PAGE_SIZE << order);
	}
	page_stats.slab_bytes += PAGE_SIZE << order;
	pthread_mutex_unlock(&page_lock);
	if (grow)
		purge(false, grow);
	else
		purge_maybe(now);

	slab->base = block;
	slab->order = (unsigned char)order;
	slab->chunk = c;
	INIT_LIST_HEAD(&slab->lru);
	if (pagemap_set(block, 1UL << order, pm_entry(slab, cache_id, colour)) == 0)
		return slab;

	pthread_mutex_lock(&page_lock);
	page_stats.slab_bytes -= PAGE_SIZE << order;
	block = chunk_give_locked(c, block);
	if (block) {
		pthread_mutex_unlock(&page_lock);
		os_unmap(block, CHUNK_SIZE);
		pthread_mutex_lock(&page_lock);
	}
fail:
	if (slab)
		meta_free_locked(&slab_pool, slab);
	pthread_mutex_unlock(&page_lock);
	return NULL;
}

/**
 * page_slab_free - unregister a slab and keep its block as dirty, for the
 * next slab of its order or for the purge (see 4 above).
 */
void page_slab_free(struct slab *slab)
{
	size_t bytes = PAGE_SIZE << slab->order;
	uint32_t now = now_ms();

	pagemap_clear(slab->base, 1UL << slab->order);
	pthread_mutex_lock(&page_lock);
	page_stats.slab_bytes -= bytes;
	slab->cache = NULL;
	slab->freed_ms = now;
	list_add(&slab->lru, &dirty[slab->order]);
	dirty_bytes += bytes;
	pthread_mutex_unlock(&page_lock);
	purge_maybe(now);
}

/* ---- large blocks ------------------------------------------------------- */

/* A cached block for @bytes: at least that big, at most 5/4 of it.  page_lock held. */
static struct slab *large_cache_take_locked(size_t bytes)
{
	struct slab *d;

	list_for_each_entry(d, &large_cache, lru) {
		if (d->large_size >= bytes && d->large_size - bytes <= bytes / 4) {
			list_del(&d->lru);
			large_cached -= d->large_size;
			return d;
		}
	}
	return NULL;
}

/**
 * page_large_alloc - @size bytes (rounded up to pages) for kmalloc: a
 * recently freed block of about that size, else a new mapping; registered
 * in the page map on the first page with cache id 0.  *@zeroed tells
 * whether the block is a fresh mapping (all zero) or a reused one.
 * Return: the descriptor (base, large_size), or NULL.
 */
struct slab *page_large_alloc(size_t size, bool *zeroed)
{
	size_t bytes = ALIGN_UP(size, PAGE_SIZE), grow = 0;
	struct slab *d;
	char *p;

	if (bytes < size)
		return NULL;
	pthread_mutex_lock(&page_lock);
	d = large_cache_take_locked(bytes);
	if (d)
		page_stats.large_bytes += d->large_size;
	else
		grow = growth_purge_locked(bytes);	/* new memory: old goes first */
	pthread_mutex_unlock(&page_lock);
	if (grow)
		purge(false, grow);
	*zeroed = d == NULL;
	if (d) {
		INIT_LIST_HEAD(&d->lru);
		vg_open_undefined(d->base, d->large_size);
		if (pagemap_set(d->base, 1, pm_entry(d, 0, 0)) == 0)
			return d;
		page_large_free(d);
		return NULL;
	}
	p = os_map(bytes);
	if (!p)
		return NULL;
	pthread_mutex_lock(&page_lock);
	d = meta_alloc_locked(&slab_pool);
	if (d)
		page_stats.large_bytes += bytes;
	pthread_mutex_unlock(&page_lock);
	if (!d) {
		os_unmap(p, bytes);
		return NULL;
	}
	d->base = p;
	d->large_size = bytes;
	INIT_LIST_HEAD(&d->lru);
	if (pagemap_set(p, 1, pm_entry(d, 0, 0)) == 0)
		return d;
	page_large_free(d);
	return NULL;
}

/**
 * page_large_free - unregister a large block and keep it for reuse (see 3
 * above), or unmap it when it is too big to keep
 */
void page_large_free(struct slab *d)
{
	struct list_head victims = LIST_HEAD_INIT(victims);
	unsigned long limit = (unsigned long)CONFIG_KMALLOC_LARGE_CACHE_KB << 10;
	size_t bytes = d->large_size;
	uint32_t now = now_ms();

	pagemap_clear(d->base, 1);
	pthread_mutex_lock(&page_lock);
	page_stats.large_bytes -= bytes;
	if (bytes <= limit / 4) {
		d->freed_ms = now;
		list_add(&d->lru, &large_cache);
		large_cached += bytes;
		large_victims_locked(now, false, 0, &victims);
		d = NULL;
	}
	pthread_mutex_unlock(&page_lock);
	large_release(&victims);
	if (d) {
		os_unmap(d->base, bytes);
		pthread_mutex_lock(&page_lock);
		meta_free_locked(&slab_pool, d);
		pthread_mutex_unlock(&page_lock);
	}
	purge_maybe(now);
}

/**
 * page_large_resize - grow or shrink a large block, keeping its contents.
 *
 * First in place; otherwise the pages move (mremap, no copy) into a region
 * mapped and registered beforehand, so that every step that can fail comes
 * before the block has moved.
 * Return: 0, or -1 and the block is unchanged.
 */
int page_large_resize(struct slab *d, size_t new_size)
{
	size_t bytes = ALIGN_UP(new_size, PAGE_SIZE);
	char *p;

	if (bytes < new_size)
		return -1;
	if (bytes == d->large_size)
		return 0;
	p = mremap(d->base, d->large_size, bytes, 0);
	if (p == MAP_FAILED) {
		char *dst = os_map(bytes);

		if (!dst)
			return -1;
		if (pagemap_set(dst, 1, pm_entry(d, 0, 0)) != 0) {
			os_unmap(dst, bytes);
			return -1;
		}
		p = mremap(d->base, d->large_size, bytes,
			   MREMAP_MAYMOVE | MREMAP_FIXED, dst);
		if (p == MAP_FAILED) {
			pagemap_clear(dst, 1);
			os_unmap(dst, bytes);
			return -1;
		}
		pagemap_clear(d->base, 1);
	}
	/* Memcheck leaves the grown part of a moved mapping inaccessible. */
	if (bytes > d->large_size)
		vg_open(p + d->large_size, bytes - d->large_size);
	pthread_mutex_lock(&page_lock);
	page_stats.large_bytes += bytes - d->large_size;
	pthread_mutex_unlock(&page_lock);
	d->base = p;
	d->large_size = bytes;
	return 0;
}

/* ---- fork ---------------------------------------------------------------- */

/* page_fork_lock / page_fork_unlock - hold page.c's lock across fork(). */
void page_fork_lock(void)
{
	pthread_mutex_lock(&page_lock);
	pagemap_fork_lock();
}

void page_fork_unlock(void)
{
	pagemap_fork_unlock();
	pthread_mutex_unlock(&page_lock);
}

/* ---- accounting --------------------------------------------------------- */

void page_get_mem_info(struct slab_mem_info *info)
{
	pthread_mutex_lock(&page_lock);
	info->chunk_bytes = page_stats.chunk_bytes;
	info->slab_bytes = page_stats.slab_bytes;
	info->large_bytes = page_stats.large_bytes;
	info->meta_bytes = __atomic_load_n(&page_stats.meta_bytes, __ATOMIC_RELAXED);
	info->dirty_bytes = dirty_bytes + large_cached;
	pthread_mutex_unlock(&page_lock);
	info->mapped_bytes = info->chunk_bytes + info->large_bytes + info->meta_bytes;
}
