// SPDX-License-Identifier: MIT
/*
 * alloc/page.c - the page allocator under the slabs: all OS memory.
 *
 * This is the only file that calls mmap, munmap, madvise and mremap.
 *
 * 1. Chunks, cut by a buddy system.  Memory comes in chunks of CHUNK_SIZE
 *    (2 MiB) aligned to 2 MiB, and each chunk is a binary buddy system
 *    (Knowlton 1965; Knuth vol. 1, 2.5; the Linux page allocator): a block
 *    of order k is PAGE_SIZE << k bytes at a multiple of its size, so
 *    every slab is naturally aligned by construction.  A request of order
 *    k takes a free block of the smallest order >= k and frees the upper
 *    halves it splits off; a freed block merges with its buddy (index ^
 *    2^k) for as long as the buddy is one whole free block.  So memory one
 *    order gave back serves every other order once its neighbours are
 *    free too.  (The first design gave each chunk to one order, with a
 *    bitmap and no merging: on a trace of gcc, freed 4 KiB slabs could not
 *    become a 64 KiB buffer; the replay took 6064 page faults and 311
 *    mmap/munmap calls where mimalloc took 4054 and 33, at 0.78x its
 *    speed; with the buddy system 3880 faults and 1.00x.)  One mmap per 2 MiB
 *    keeps the syscall count and the number of VMAs low.
 *
 * 2. Metadata: the kernel's struct page in miniature.  A chunk's metadata
 *    is mapped apart from it, so that free pages are never written: per
 *    page, the state and order of the block that starts there, and a
 *    64-byte struct slab (internal.h) that describes that block, free or in
 *    use.  Only the descriptors of pages that start a block are written,
 *    and the array keeps those of even pages (where every block of order
 *    1 and up starts) in its first half, odd ones in the second, each half
 *    in page order (blk_desc).  In plain page order every page of the
 *    array held some block's descriptor, whatever the blocks' order: a
 *    chunk of order-1 slabs wrote 32 KiB of descriptors, 1.6 % of its
 *    memory, where it now writes 16 KiB (allocbench's footprint of 1M
 *    objects of 24, 40, 72 bytes: 1.025-1.030x their payload -> 1.018-1.023x).
 *    A full bit reversal would pack each order into 1/2^k of the array,
 *    but spread a small heap's first pages over all of it (a new cache's
 *    first slab faulted a metadata page in).  No descriptor is ever
 *    allocated, so splitting, merging and freeing cannot fail, and objects
 *    keep the block's natural alignment (no header in the slab).
 *
 * 3. Large blocks.  kmalloc sizes above KMALLOC_MAX_CACHE_SIZE and up to
 *    LARGE_CHUNK_MAX (1 MiB) come from the buddy system the way the
 *    kernel's alloc_pages_exact() gives them: a block of the order that
 *    holds the size, whose tail pages beyond it go back at once as smaller
 *    blocks; freed, its pages go back as the aligned power-of-two pieces
 *    they make, which merge again.  Such a block grows in place over the
 *    free blocks that follow it (the tail it gave back, or a neighbour
 *    freed since), so that a buffer growing by realloc neither copies nor
 *    leaves its old pages behind.  Larger sizes are mapped on their own
 *    (5 below) and resized with mremap.  Either kind is registered in the
 *    page map on its first page only.
 *
 * 4. Dirty and clean free blocks.  A freed block does not go back to the OS at
 *    once: it waits, resident ("dirty", as jemalloc says), so that memory
 *    freed and used again does not pay a page fault and a page clearing per
 *    page each time (the kernel keeps such pages in its page allocator;
 *    jemalloc decays them).  Each order has two free lists: dirty blocks,
 *    newest first, and clean ones.  A bitmap per chunk marks the pages freed
 *    and not given back since; a free block is dirty when one of its pages is,
 *    else clean, and only a clean block is known to read as zeros (the zeroed
 *    answer that spares __GFP_ZERO a memset).  A request takes a dirty block of
 *    the smallest order that fits, split towards its dirty pages, else a clean
 *    one, else a new chunk.  dirty_bytes counts the dirty pages of free blocks,
 *    and a dirty block keeps the time it was freed (the newer of two merged
 *    ones).  A block dirty for longer than the decay time (page_decay_ms:
 *    CONFIG_SLAB_DECAY_MS) is purged, oldest first: madvise(MADV_DONTNEED),
 *    then it is clean and merges with its clean and dirty buddies; a chunk
 *    that becomes one clean free block is unmapped.  To keep freed memory
 *    from lifting RSS above its peak when the program moves on to other
 *    sizes, every clean block handed out first
 *    purges as many bytes of the oldest dirty memory, as long as more than
 *    1/64 of the memory in use is kept (so RSS grows beyond the program's use
 *    by at most that slack); so do a large block mapped on its own and what
 *    mremap adds to one (a buffer doubled by realloc would otherwise leave its
 *    smaller copies resident).  And a mapping's free, when the freed memory
 *    kept exceeds a quarter of the memory in use (DIRTY_SHARE) and 16 MiB
 *    (DIRTY_FLOOR), purges the oldest beyond that at once: a program
 *    replacing 20 blocks of 1-100 MiB at random, whose requests the kept
 *    mappings met without new memory, kept 372 MB of them beside 347 MB in
 *    use (bench/workloads/large, 300 steps: peak RSS 464 MB, jemalloc's
 *    276; with the bound 322 MB, for 1.5x the page faults).  A partly
 *    dirty block counts as dirty: counting its clean pages too makes each
 *    purge create clean pages that the next block brings in again.  No
 *    fixed size limit on dirty memory: a mass free would then refault what
 *    it frees.  (The measurements behind these choices: alloc/README.md,
 *    "Why the purge is shaped so".)  Purging runs on the page-level slow
 *    paths, at most every quarter of the decay time, and from
 *    kmem_cache_shrink(), which purges everything.  With no allocator
 *    activity at all, dirty blocks wait for the next (as in jemalloc without
 *    background threads).
 *
 *    States of a block, kept for the page it starts at:
 *        CLEAN -> USED -> DIRTY -> USED ...
 *                         DIRTY -> PURGING -> CLEAN
 *    and TAIL for a page inside a block.  Free blocks (DIRTY, CLEAN) and
 *    used ones tile every chunk; a PURGING block is on no list and merges
 *    with nothing until its madvise is done.
 *
 * 5. Kept mappings.  A large block mapped on its own is not unmapped when
 *    freed: the mapping is kept (map_kept, newest first) and counted as
 *    dirty memory, which the purge gives back by the rules of 4 (oldest
 *    first, after the decay time, or when new memory displaces it).  A new
 *    large block is cut from the smallest kept mapping that holds it, the
 *    rest staying kept; if none does, the largest is grown by mremap
 *    (which moves page tables, not bytes).  A mapped block that grows
 *    first takes the kept mapping right after it, if any (the rest of the
 *    one it was cut from: resident, no system call).  So a program that frees and
 *    allocates big buffers in a loop reuses resident pages instead of
 *    faulting in new ones at every step.  A block that krealloc moves to
 *    grow (page_large_alloc_growing) is cut from a kept mapping that holds
 *    it, if any, even below LARGE_CHUNK_MAX: it then grows over the rest
 *    of that mapping, where a block in a chunk would be copied once more
 *    to leave the chunk at LARGE_CHUNK_MAX (a buffer doubled from 8 KiB to
 *    2 MiB again and again, as sqlite3's sorter does, copied 512 KiB a
 *    round).  At most MAP_KEPT_MAX mappings
 *    are kept, so that the pieces cannot split the address space into
 *    many areas.  With page_protect_kept() (SLOTSLAB_DEBUG's P for
 *    kmalloc-large) every large block is a mapping of its own, and a kept
 *    mapping is PROT_NONE, so that a use after free faults as it did when
 *    the block was unmapped; and each mapping is preceded by a PROT_NONE
 *    guard page of its own (mapped and unmapped with it), so that an
 *    underrun faults too, whatever lies before it; such a mapping is
 *    reused only whole, at the same size (a cut or an mremap would leave a
 *    block without its guard), and never resized in place (the caller
 *    copies), and only once KEPT_QUARANTINE mappings were freed after it
 *    (a stale pointer to a block freed just before then faults, where its
 *    reuse for the next block of its size would make it the new owner's,
 *    as the slab caches' quarantine does for small blocks); not by default, since
 *    every page-table change costs again at the next touch.  (The
 *    measurements: alloc/README.md, "Why large mappings are kept".)
 *
 * 6. Free marks of large blocks (kmalloc.c writes and checks them).  When
 *    a large block is freed, kmalloc writes a keyed mark word in its first
 *    8 bytes and page_large_free() remembers that the block's first page
 *    holds one; when page_large_alloc() hands out a block whose first page
 *    still holds a mark, it tells kmalloc where the mark was keyed, and a
 *    word that is not the mark was written after the free.  Kept for a
 *    chunk's page in marked[] (struct chunk), for a kept mapping in its
 *    descriptor (kept_marked).  Invariants, which make "marked" at the head
 *    of a block handed out mean "the word there is the mark, unless a user
 *    wrote it after its free":
 *      - a marked bit (or kept_marked) is set only by a large free, on the
 *        block's first page;
 *      - every allocation from the buddy system (slabs and large blocks,
 *        and the pages a block grows over in place) clears the marked bits
 *        of every page it takes: its user may write them;
 *      - a purge clears them with the dirty bits of the pages it gives back
 *        (MADV_DONTNEED zeroes them: the mark is gone, and that is no
 *        error), so marked[] is a subset of dirty[] at all times
 *        (page_validate checks it; dirty bits are cleared by purges only);
 *      - merging and splitting move no mark: it stays with its page;
 *      - a kept mapping cut in two (kept_take_fit_locked) keeps its mark at
 *        its base and the rest has none; one grown by mremap keeps it at
 *        its base, keyed with the address it had when freed; a purge
 *        unmaps a kept mapping, descriptor and all.
 *    With page_protect_kept() a write after free faults before any check.
 *
 * 7. Parked blocks.  Of the first PARK_FIRST large blocks that the
 *    process frees, those that fit in PARK_BYTES together (the earliest
 *    first), while the slabs take at most PARK_SLAB_MAX (the program's
 *    first moments: no block after the first free past it), are parked
 *    instead, as glibc unmaps the
 *    first mmapped blocks it frees: their pages go back to the OS
 *    (MADV_DONTNEED) and are made PROT_NONE, and the block stays on no free
 *    list, its address space held.  So in a program's first moments, when
 *    small test programs and start-up code make their heap errors, a read
 *    or a write through a stale pointer to a freed large block faults
 *    instead of reading or corrupting its next owner's data, and a second
 *    free of it finds no block there (page_large_parked() tells kmalloc
 *    what it was), where the block would otherwise be the very next one
 *    handed out.  A parked block goes back once PARK_HOLD more large blocks
 *    were freed after it: its pages, clean, to the buddy system, or its
 *    own mapping unmapped.  Costs two system calls for each block parked
 *    and one to give it back, and the page faults of the new pages a
 *    parked block's reuse would have spared, at most PARK_BYTES of them
 *    (eight blocks of up to 4 MiB each were up to 8192 faults: a buffer
 *    regrown to 2 MiB round after round had all of its first rounds'
 *    blocks parked, bench/workloads/regrow 2831 faults against 1527 now,
 *    alloc/README.md).  Nothing after them.  Only where heap errors
 *    abort (the C library's convention, the default of
 *    the malloc replacement, or SLOTSLAB_DEBUG_ABORT=1): a fault is a stop
 *    as an abort is, where the kernel's convention reports a write after
 *    free at the block's reuse (6 above) and carries on; and not under
 *    page_protect_kept(), which protects every freed large block.
 *        USED -> PARKED (off the page map, on park_list) -> freed as in 3, 5
 *
 * 8. Prefaulting.  Pages that are about to be written for certain, and are
 *    known not to be resident (cut from a clean block: never touched, or
 *    purged since), are made resident in one system call,
 *    madvise(MADV_POPULATE_WRITE, Linux 5.14), instead of one page fault
 *    each: the same pages, zeroed by the same kernel code, without a trap
 *    per page.  On the VMs of 2026-12-05 a fault cost 11-12 us a page and
 *    a populate 5-7; on those of 2026-12-07, 1.55 against 1.26 in runs and
 *    1.74 for one page alone (alloc/README.md, "Prefaulting"); on bare
 *    metal the trap is a smaller share of the fault, the saving too.
 *    page_prefault() is the primitive; its callers decide what is to be
 *    written: for certain, the pages a slab's carve stores free marks in
 *    (slab.c) and those krealloc copies a moved block into; on a guess,
 *    the first prefault_max bytes (CONFIG_SLAB_PREFAULT_KB,
 *    SLOTSLAB_PREFAULT) of a large block kmalloc (so malloc) hands out,
 *    and of the part of one grown in place over clean pages: a program
 *    writes what it asks for (not calloc's: a sparse table reads as zeros
 *    untouched).  The guess is capped because a big block may be used
 *    sparsely: bench/workloads/large's 5-25 MiB blocks, prefaulted whole,
 *    doubled its RSS.  0 turns all of it off.  A kernel without
 *    MADV_POPULATE_WRITE says EINVAL once (a seccomp filter, EPERM) and the
 *    primitive turns itself off: the pages then fault as before.
 *
 * 9. The untouched part of a chunk is inaccessible.  A chunk is mapped
 *    PROT_NONE and made writable from its start in steps of
 *    CHUNK_OPEN_STEP pages (256 KiB), one mprotect each, as blocks are
 *    taken from it: pages [0, open) are writable, and no page at or above
 *    open was ever handed out (no block in use reaches it, no page there
 *    is dirty; page_validate checks both).  The buddy system keeps the
 *    lower half at each split of a clean block, so the heap grows upwards
 *    through a chunk as glibc's grows through its top chunk, and a write
 *    that runs far past the blocks in use (a memcpy of 1 MiB into a small
 *    block) faults where glibc would find its top chunk smashed, instead
 *    of landing silently in memory no block owns yet.  Under either error
 *    convention (debug.c): such a write is no heap error this library
 *    detects and reports, but one into memory nobody was given, which
 *    faults as it would past any mapping.  At most 8 calls a chunk,
 *    against the 512 page faults of its pages; a chunk is two areas of
 *    the address space until it is all open.  If the kernel refuses a
 *    step (the limit on areas), the allocation fails as a failed mapping
 *    does.  Not under CONFIG_SLAB_THP, whose huge pages a partly writable
 *    mapping would split.
 *
 * Lock: page_lock (innermost; see slab.c) guards the chunks' metadata, the
 * free lists, the pool and the counters.  System calls run outside it:
 * new memory is mapped before it is linked, and memory goes back to the
 * OS after the bookkeeping has taken it off every list.  The one
 * exception is a chunk's opening (9 above), rare, and under the lock so
 * that no other thread takes a page of the step before it is writable.
 *
 * Failure: every mapping failure returns NULL to the caller; nothing here
 * aborts.  The process may be short of address space (RLIMIT_AS) or memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "alloc/internal.h"
#include "alloc/hooks.h"

#define META_MAP_SIZE   (64UL << 10)
#define CHUNK_PAGES     (1U << CHUNK_ORDER)
#define PURGE_BATCH     64
#define DIRTY_FLOOR     (16UL << 20)	/* freed memory a mapping's free leaves resident (4) */
#define DIRTY_SHARE     4		/* ... or a quarter of the memory in use */

enum page_state { PG_TAIL, PG_USED, PG_DIRTY, PG_CLEAN, PG_PURGING };

/*
 * struct chunk - the metadata of one chunk, mapped apart from it.
 * Invariants, for each page i: state[i] != PG_TAIL <=> a block starts at
 * page i, described by blk_desc(c, i) (its order, or for a large block its
 * large_size); the blocks tile the chunk.
 * A free block is DIRTY, on free_dirty[order], when one of its pages is
 * set in dirty[], else CLEAN, on free_clean[order].  marked[] is a subset
 * of dirty[], and no page of a block in use is marked (6 above).
 */
struct chunk {
	/*
	 * The header before the descriptors, on the page of the first ones:
	 * a chunk's first split writes that page anyway (and those of blocks
	 * 1, 128 and 256), where a header after them took a page of its own.
	 */
	char *base;
	unsigned int open;	/* pages [0, open) are mapped writable (9 above) */
	uint64_t dirty[CHUNK_PAGES / 64];	/* pages freed and not purged since */
	uint64_t marked[CHUNK_PAGES / 64];	/* first pages of freed large blocks
						   holding kmalloc's free mark (6 above) */
	uint8_t state[CHUNK_PAGES];
	/*
	 * Even pages first (2 above): reached through blk_desc(), never
	 * indexed.  64-byte aligned: the page map keeps a colour in the low bits.
	 */
	struct slab desc[CHUNK_PAGES] __attribute__((aligned(64)));
};

/* A pool of fixed-size metadata records.  Invariant: in_use <= carved. */
struct meta_pool {
	size_t size;
	void *free;           /* singly linked through the first word */
	char *bump, *end;
	unsigned long in_use;
};

static pthread_mutex_t page_lock = PTHREAD_MUTEX_INITIALIZER;
/*
 * Free blocks by order; dirty ones newest first.  Each dirty descriptor's
 * freed_ms says when it was freed and carved how many of its pages are
 * dirty.
 */
static struct list_head free_dirty[CHUNK_ORDER + 1];
static struct list_head free_clean[CHUNK_ORDER + 1];
/*
 * Kept mappings (5 above), newest first by freed_ms: descriptors of
 * slab_pool with chunk NULL, in no page-map entry (PROT_NONE when
 * kept_protect).
 * Invariant: kept_count == |map_kept| <= MAP_KEPT_MAX.
 */
static LIST_HEAD_DECL(map_kept);
static unsigned int kept_count;
static bool kept_protect;
/*
 * Invariant: dirty_bytes == PAGE_SIZE * the sum of the dirty blocks'
 * carved + the sum of the kept mappings' large_size.
 */
static unsigned long dirty_bytes;
static uint32_t last_purge_ms;
/*
 * Parked blocks (7 above), oldest first; each one's carved holds
 * park_frees when it was parked.  Invariants: park_held == |park_list| <=
 * park_offered <= PARK_FIRST; the parked blocks' bytes <= park_bytes <=
 * PARK_BYTES;
 * a parked block is in no page-map entry and on no other list, PROT_NONE,
 * its pages not resident, none dirty or marked; in a chunk, its first page
 * USED.
 */
static LIST_HEAD_DECL(park_list);
static unsigned int park_offered;	/* large frees that could park their block */
static size_t park_bytes;		/* bytes ever parked */
static unsigned int park_held;	/* blocks on park_list */
static unsigned int park_frees;	/* large blocks freed by their users while any
				   can be parked or is */
static bool page_ready;
uint32_t page_decay_ms = CONFIG_SLAB_DECAY_MS;	/* how long freed memory waits (4 above) */
/* descriptors of large blocks mapped directly */
static struct meta_pool slab_pool = { .size = sizeof(struct slab) };

static struct {
	unsigned long chunk_bytes, slab_bytes, large_bytes, direct_bytes, meta_bytes;
} page_stats;

_Static_assert(sizeof(struct slab) == 64, "struct slab should fill one cache line");
_Static_assert(sizeof(struct slab) % PM_COLOURS == 0,
	       "descriptors must leave the page map's colour bits free");
_Static_assert(CHUNK_ORDER < 128 && LARGE_CHUNK_MAX > KMALLOC_MAX_CACHE_SIZE,
	       "orders fit 7 bits (struct slab); large blocks start above the size classes");

/* ---- OS primitives ------------------------------------------------------ */

static void *os_map_prot(size_t bytes, int prot)
{
	void *p = mmap(NULL, bytes, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void *os_map(size_t bytes)
{
	return os_map_prot(bytes, PROT_READ | PROT_WRITE);
}

static void os_unmap(void *p, size_t bytes)
{
	munmap(p, bytes);
}

/*
 * The PROT_NONE guard page before each large mapping of its own under
 * kept_protect (5 below), else 0.  kept_protect is set before any large
 * mapping exists and changes only when none does, so every mapping's
 * guard is what this says.
 */
static size_t map_guard(void)
{
	return kept_protect ? PAGE_SIZE : 0;
}

/* A large block's mapping of @bytes, after its guard page if any. */
static char *large_os_map(size_t bytes)
{
	size_t g = map_guard();
	char *p = os_map(bytes + g);

	if (p && g && mprotect(p, g, PROT_NONE) != 0) {
		os_unmap(p, bytes + g);
		p = NULL;
	}
	return p ? p + g : NULL;
}

/* Unmap a large block's mapping at @base, and its guard page if any. */
static void large_os_unmap(char *base, size_t bytes)
{
	os_unmap(base - map_guard(), bytes + map_guard());
}

/* Map @bytes aligned to @align (a power of two >= PAGE_SIZE), with @prot. */
static void *os_map_aligned(size_t bytes, size_t align, int prot)
{
	size_t over = bytes + align - PAGE_SIZE;
	char *p = os_map_prot(over, prot), *q;

	if (!p)
		return NULL;
	q = (char *)ALIGN_UP((uintptr_t)p, align);
	if (q > p)
		os_unmap(p, (size_t)(q - p));
	if (q + bytes < p + over)
		os_unmap(q + bytes, (size_t)(p + over - (q + bytes)));
	return q;
}

/*
 * Give the pages of [p, p + bytes) back to the OS, keeping the mapping;
 * the next touch faults in zeroed pages.
 */
static void page_release(void *p, size_t bytes)
{
	madvise(p, bytes, MADV_DONTNEED);
}

/*
 * What kmalloc.c may make resident of a large block on the guess that its
 * user writes it (8 above); 0: page_prefault() does nothing at all.  Set
 * once, before the first allocation (page_prefault_setup), and by tests.
 */
size_t prefault_max = (size_t)CONFIG_SLAB_PREFAULT_KB << 10;
static bool prefault_off;	/* MADV_POPULATE_WRITE unknown or refused (8 above) */

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14; older C libraries lack the name */
#endif

/**
 * page_prefault - make the pages of [@p, @p + @bytes) resident and
 * writable in one system call (8 above), for pages about to be written;
 * @p page aligned.  Nothing happens on a kernel without it (or a sandbox
 * that refuses it: either turns prefaulting off for good), or when memory
 * is short (the writes then fault, as they would have).
 */
void page_prefault(void *p, size_t bytes)
{
	if (bytes == 0 || prefault_max == 0 || READ_ONCE(prefault_off))
		return;
	/* no such advice (EINVAL), or a sandbox refusing it: never again */
	if (madvise(p, bytes, MADV_POPULATE_WRITE) != 0 &&
	    errno != ENOMEM && errno != EAGAIN && errno != EINTR)
		WRITE_ONCE(prefault_off, true);
}

/* SLOTSLAB_PREFAULT=KiB, read once by slab_init(): prefault_max. */
void page_prefault_setup(void)
{
	const char *e = getenv("SLOTSLAB_PREFAULT");
	char *end;
	unsigned long kib;

	if (!e || !*e)
		return;
	errno = 0;
	kib = strtoul(e, &end, 10);
	if (*end || errno || kib > (SIZE_MAX >> 10)) {
		fprintf(stderr, "slotslab: SLOTSLAB_PREFAULT=%s: not a number of KiB; "
			"keeping %zu\n", e, prefault_max >> 10);
		return;
	}
	prefault_max = (size_t)kib << 10;
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

/**
 * page_meta_reserve - address space of @bytes for metadata that is used
 * part by part (the page map's window): read-only zero pages, which a
 * private mapping does not charge to the commit limit (strict overcommit)
 * and which a stray write cannot change, until page_meta_open() makes a
 * part writable; counted in meta_bytes from then on
 */
void *page_meta_reserve(size_t bytes)
{
	return os_map_prot(bytes, PROT_READ);
}

/*
 * Make [@p, @p + @bytes) of a reservation from page_meta_reserve()
 * writable, and count it as metadata.  Return: 0, or -1 if the kernel
 * refused (no commit left, or the limit on areas).
 */
int page_meta_open(void *p, size_t bytes)
{
	if (mprotect(p, bytes, PROT_READ | PROT_WRITE) != 0)
		return -1;
	__atomic_fetch_add(&page_stats.meta_bytes, bytes, __ATOMIC_RELAXED);
	return 0;
}

void page_meta_unmap(void *p, size_t bytes)
{
	os_unmap(p, bytes);
	__atomic_fetch_sub(&page_stats.meta_bytes, bytes, __ATOMIC_RELAXED);
}

/* ---- the buddy system --------------------------------------------------- */

static void page_init_locked(void)
{
	if (page_ready)
		return;
	for (unsigned int i = 0; i <= CHUNK_ORDER; i++) {
		INIT_LIST_HEAD(&free_dirty[i]);
		INIT_LIST_HEAD(&free_clean[i]);
	}
	page_ready = true;
}

/*
 * Where desc[] keeps the descriptor of page @i: even pages (where every
 * block of order 1 and up starts) in the first half, odd ones in the
 * second, each half in page order (2 above).
 */
static unsigned int desc_slot(unsigned int i)
{
	return ((i & 1U) << (CHUNK_ORDER - 1)) | (i >> 1);
}

/* The page whose descriptor desc[] keeps at @slot: desc_slot's inverse. */
static unsigned int desc_page(unsigned int slot)
{
	return ((slot & ((1U << (CHUNK_ORDER - 1)) - 1)) << 1) | (slot >> (CHUNK_ORDER - 1));
}

/* The descriptor of the block that starts at page @i of @c (2 above). */
static struct slab *blk_desc(struct chunk *c, unsigned int i)
{
	return &c->desc[desc_slot(i)];
}

/* The page at which the block of descriptor @d starts. */
static unsigned int blk_index(const struct chunk *c, const struct slab *d)
{
	return desc_page((unsigned int)(d - c->desc));
}

/* The bits [i, end) of one word of a map, as a mask (end - i <= 64). */
static uint64_t bits_mask(unsigned int i, unsigned int end)
{
	unsigned int lo = i % 64, n = end - i;

	return n == 64 ? ~0ULL : ((1ULL << n) - 1) << lo;
}

/*
 * The bits set in @x, inline: without -mpopcnt, __builtin_popcountll is a
 * call to libgcc's __popcountdi2 (1 % of bench/workloads/mstress's
 * instructions, callgrind).
 */
static unsigned int popcount64(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ULL;
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned int)((x * 0x0101010101010101ULL) >> 56);
}

/* The dirty pages among pages [i, end) of @c. */
static unsigned int dirty_pages_in(const struct chunk *c, unsigned int i, unsigned int end)
{
	unsigned int n = 0;

	while (i < end) {
		unsigned int stop = MIN(end, (i / 64 + 1) * 64);

		n += popcount64(c->dirty[i / 64] & bits_mask(i, stop));
		i = stop;
	}
	return n;
}

/* Is any of pages [i, end) of @c dirty? */
static bool dirty_any_in(const struct chunk *c, unsigned int i, unsigned int end)
{
	while (i < end) {
		unsigned int stop = MIN(end, (i / 64 + 1) * 64);

		if (c->dirty[i / 64] & bits_mask(i, stop))
			return true;
		i = stop;
	}
	return false;
}

/* Set (@on) or clear bits [i, end) of the page bitmap @map. */
static void bits_set(uint64_t *map, unsigned int i, unsigned int end, bool on)
{
	while (i < end) {
		unsigned int stop = MIN(end, (i / 64 + 1) * 64);

		if (on)
			map[i / 64] |= bits_mask(i, stop);
		else
			map[i / 64] &= ~bits_mask(i, stop);
		i = stop;
	}
}

static bool bit_test(const uint64_t *map, unsigned int i)
{
	return (map[i / 64] >> (i % 64)) & 1;
}

/* Mark pages [i, end) of @c dirty (@dirty) or clean (purged: no free mark either). */
static void dirty_mark(struct chunk *c, unsigned int i, unsigned int end, bool dirty)
{
	bits_set(c->dirty, i, end, dirty);
	if (!dirty)
		bits_set(c->marked, i, end, false);
}

/* Pages [i, end) of @c go to a user, who may write them: no free mark there (6 above). */
static void marks_clear(struct chunk *c, unsigned int i, unsigned int end)
{
	bits_set(c->marked, i, end, false);
}

/*
 * Describe pages [i, i + 2^order) of @c as a free block and list it: dirty
 * if one of its pages is (then it was freed at @freed_ms), else clean.
 * page_lock held.
 */
static void blk_link_locked(struct chunk *c, unsigned int i, unsigned int order,
			    uint32_t freed_ms)
{
	struct slab *d = blk_desc(c, i);
	unsigned int dirty_pages = dirty_pages_in(c, i, i + (1U << order));

	memset(d, 0, sizeof(*d));
	d->base = c->base + ((size_t)i << PAGE_SHIFT);
	d->chunk = c;
	d->order = (unsigned char)order;
	d->freed_ms = freed_ms;
	d->carved = dirty_pages;
	if (dirty_pages) {
		c->state[i] = PG_DIRTY;
		list_add(&d->lru, &free_dirty[order]);
		dirty_bytes += (unsigned long)dirty_pages << PAGE_SHIFT;
	} else {
		c->state[i] = PG_CLEAN;
		list_add(&d->lru, &free_clean[order]);
	}
}

/* Take the free block at page @i of @c off its list.  page_lock held. */
static void blk_unlink_locked(struct chunk *c, unsigned int i)
{
	struct slab *d = blk_desc(c, i);

	list_del(&d->lru);
	if (c->state[i] == PG_DIRTY)
		dirty_bytes -= (unsigned long)d->carved << PAGE_SHIFT;
	c->state[i] = PG_TAIL;
}

/*
 * blk_free_locked - pages [i, i + 2^order) of @c, aligned and on no list,
 * whose dirty bits the caller has set, become free, merged with every free
 * buddy on the way up; a dirty one was freed at @freed_ms.  page_lock held.
 * Return: true when the chunk is now one clean free block (the caller
 * drops it with chunk_drop_locked() and unmaps it).
 */
static bool blk_free_locked(struct chunk *c, unsigned int i, unsigned int order,
			    uint32_t freed_ms)
{
	bool dirty = dirty_any_in(c, i, i + (1U << order));

	c->state[i] = PG_TAIL;
	while (order < CHUNK_ORDER) {
		unsigned int b = i ^ (1U << order);
		const struct slab *bd = blk_desc(c, b);

		if ((c->state[b] != PG_DIRTY && c->state[b] != PG_CLEAN) || bd->order != order)
			break;
		if (c->state[b] == PG_DIRTY) {
			if (!dirty || (int32_t)(bd->freed_ms - freed_ms) > 0)
				freed_ms = bd->freed_ms;
			dirty = true;
		}
		blk_unlink_locked(c, b);
		i &= ~(1U << order);
		order++;
	}
	blk_link_locked(c, i, order, freed_ms);
	return order == CHUNK_ORDER && !dirty;
}

/*
 * Free pages [i, end) of @c as the aligned power-of-two blocks they make.
 * page_lock held.  Return: as blk_free_locked().
 */
static bool pieces_free_locked(struct chunk *c, unsigned int i, unsigned int end,
			       uint32_t freed_ms)
{
	bool empty = false;

	while (i < end) {
		unsigned int o = i ? (unsigned int)__builtin_ctz(i) : CHUNK_ORDER;

		while ((1U << o) > end - i)
			o--;
		empty |= blk_free_locked(c, i, o, freed_ms);
		i += 1U << o;
	}
	return empty;
}

/* What blk_take_locked() found: the block's dirty pages, and when freed. */
struct blk_origin {
	unsigned int dirty_pages;	/* 0: clean, reads as zeros */
	uint32_t freed_ms;
	bool marked;			/* its first page holds a free mark (6 above) */
	bool unopened;			/* one was found, but not made writable */
};

/*
 * chunk_open_locked - make pages [.., @end) of @c writable, in steps of
 * CHUNK_OPEN_STEP pages (9 above).  page_lock held: no other thread may
 * take a page above c->open before it is writable.
 * Return: 0, or -1 when the kernel refused (the limit on areas): nothing
 * changed.
 */
static int chunk_open_locked(struct chunk *c, unsigned int end)
{
	unsigned int to;

	if (end <= c->open)
		return 0;
	to = (unsigned int)ALIGN_UP(MAX(end, c->open + CHUNK_OPEN_STEP), CHUNK_OPEN_STEP);
	to = MIN(to, CHUNK_PAGES);
	if (mprotect(c->base + ((size_t)c->open << PAGE_SHIFT),
		     (size_t)(to - c->open) << PAGE_SHIFT, PROT_READ | PROT_WRITE) != 0)
		return -1;
	c->open = to;
	return 0;
}

/*
 * blk_take_locked - a block of @order: a dirty one of the smallest order
 * that fits, else a clean one, split down to @order, keeping at each split
 * the half with more dirty pages (a merged dirty block may be mostly
 * clean: the resident pages are the ones to reuse).  page_lock held.
 * Return: its descriptor, zeroed but for base, chunk and order, with the
 * block's state USED; or NULL when no chunk has room.
 */
static struct slab *blk_take_locked(unsigned int order, struct blk_origin *from)
{
	struct list_head *lists[2] = { free_dirty, free_clean };
	struct slab *d = NULL;
	struct chunk *c;
	unsigned int o = order, i;

	from->unopened = false;
	for (unsigned int l = 0; l < 2 && !d; l++)
		for (o = order; o <= CHUNK_ORDER; o++)
			if (!list_empty(&lists[l][o])) {
				d = list_first_entry(&lists[l][o], struct slab, lru);
				break;
			}
	if (!d)
		return NULL;
	c = d->chunk;
	i = blk_index(c, d);
	from->freed_ms = d->freed_ms;
	blk_unlink_locked(c, i);
	while (o > order) {	/* keep the half with more dirty pages, free the other */
		unsigned int up = i + (1U << --o);

		if (dirty_pages_in(c, up, up + (1U << o)) > dirty_pages_in(c, i, up)) {
			blk_link_locked(c, i, o, from->freed_ms);
			i = up;
		} else {
			blk_link_locked(c, up, o, from->freed_ms);
		}
	}
	if (chunk_open_locked(c, i + (1U << order)) != 0) {
		/* back as it was (merged: the chunk may be one free block again) */
		blk_free_locked(c, i, order, from->freed_ms);
		from->unopened = true;
		return NULL;
	}
	from->dirty_pages = dirty_pages_in(c, i, i + (1U << order));
	/* (marked implies dirty, 6 above; page_validate checks it: both, to be sure) */
	from->marked = bit_test(c->marked, i) && bit_test(c->dirty, i);
	marks_clear(c, i, i + (1U << order));
	c->state[i] = PG_USED;
	d = blk_desc(c, i);
	memset(d, 0, sizeof(*d));
	d->base = c->base + ((size_t)i << PAGE_SHIFT);
	d->chunk = c;
	d->order = (unsigned char)order;
	return d;
}

/*
 * Map a chunk and its metadata and list it as one clean block; -1 on
 * failure.  Inaccessible but for huge pages (9 above), which a partly
 * writable mapping would split.
 */
static int chunk_add(void)
{
	bool thp = IS_ENABLED(CONFIG_SLAB_THP);
	char *base = os_map_aligned(CHUNK_SIZE, CHUNK_SIZE,
				    thp ? PROT_READ | PROT_WRITE : PROT_NONE);
	struct chunk *c;

	if (!base)
		return -1;
	/* Keep RSS honest in 4 KiB steps unless huge pages were asked for. */
	madvise(base, CHUNK_SIZE, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	c = page_meta_map(ALIGN_UP(sizeof(*c), PAGE_SIZE));
	if (!c) {
		os_unmap(base, CHUNK_SIZE);
		return -1;
	}
	c->base = base;
	c->open = thp ? CHUNK_PAGES : 0;
	pthread_mutex_lock(&page_lock);
	page_init_locked();
	blk_link_locked(c, 0, CHUNK_ORDER, 0);
	page_stats.chunk_bytes += CHUNK_SIZE;
	pthread_mutex_unlock(&page_lock);
	return 0;
}

/* Unlist a chunk that is one clean free block.  page_lock held. */
static void chunk_drop_locked(struct chunk *c)
{
	blk_unlink_locked(c, 0);
	page_stats.chunk_bytes -= CHUNK_SIZE;
}

/* Unmap a dropped chunk and its metadata.  Unlocked. */
static void chunk_unmap(struct chunk *c)
{
	os_unmap(c->base, CHUNK_SIZE);
	page_meta_unmap(c, ALIGN_UP(sizeof(*c), PAGE_SIZE));
}

/*
 * blk_alloc - a block of @order, adding a chunk when none has room.
 * Return: its descriptor, with page_lock HELD; or NULL, unlocked.
 */
static struct slab *blk_alloc(unsigned int order, struct blk_origin *from)
{
	struct slab *d;

	pthread_mutex_lock(&page_lock);
	page_init_locked();
	while (!(d = blk_take_locked(order, from))) {
		pthread_mutex_unlock(&page_lock);
		if (from->unopened || chunk_add() != 0)
			return NULL;
		pthread_mutex_lock(&page_lock);
	}
	return d;
}

/* ---- kept mappings (5 above) -------------------------------------------- */

/* List @d as kept, freed at @freed_ms, in its place by age.  page_lock held. */
static void kept_insert_locked(struct slab *d, uint32_t freed_ms)
{
	struct list_head *at = &map_kept;
	struct slab *t;

	list_for_each_entry(t, &map_kept, lru) {
		if ((int32_t)(t->freed_ms - freed_ms) <= 0)
			break;
		at = &t->lru;
	}
	d->freed_ms = freed_ms;
	list_add(&d->lru, at);
	dirty_bytes += d->large_size;
	kept_count++;
}

static void kept_del_locked(struct slab *d)
{
	list_del(&d->lru);
	dirty_bytes -= d->large_size;
	kept_count--;
}

/*
 * The kept mapping that a block of @bytes is cut from, taken off the list:
 * the smallest that holds it, its rest kept as a mapping of its own (if a
 * descriptor for it can be had; else the block is the whole mapping).
 * NULL if none is large enough.  page_lock held.
 */
static struct slab *kept_take_fit_locked(size_t bytes)
{
	struct slab *d, *best = NULL, *rest;
	unsigned int newer = 0;	/* kept mappings before d: freed after it */

	list_for_each_entry(d, &map_kept, lru) {
		if (d->large_size >= bytes && (!best || d->large_size < best->large_size) &&
		    (!kept_protect || (d->large_size == bytes &&	/* guarded: whole */
				       newer >= KEPT_QUARANTINE)))
			best = d;
		newer++;
	}
	if (!best)
		return NULL;
	kept_del_locked(best);
	/*
	 * Cut only a rest that could serve a mapped block itself and is no
	 * smaller than this one; a smaller rest stays with the block (untouched
	 * pages cost nothing): cut to fit, random sizes left pieces too small
	 * for any later block, to be unmapped, and few mappings that fit.
	 */
	if (best->large_size - bytes > MAX(bytes, (size_t)LARGE_CHUNK_MAX) &&
	    (rest = meta_alloc_locked(&slab_pool))) {
		rest->base = best->base + bytes;
		rest->large_size = best->large_size - bytes;
		best->large_size = bytes;
		kept_insert_locked(rest, best->freed_ms);
	}
	return best;
}

/*
 * Up to @want bytes of the kept mapping that starts where mapped block @d
 * ends (the rest of a mapping @d was cut from, most often), taken into @d:
 * resident pages of the same mapping, so @d grows over them with no system
 * call and no page fault, where mremap could not grow it in place (the
 * kept piece is in the way) and would move it to fresh pages, leaving the
 * piece to be purged.  Return: the bytes taken (0: none kept there).
 * page_lock held.
 */
static size_t kept_absorb_locked(struct slab *d, size_t want)
{
	char *end = d->base + d->large_size;
	struct slab *k, *next = NULL;
	size_t take;

	list_for_each_entry(k, &map_kept, lru)
		if (k->base == end) {
			next = k;
			break;
		}
	if (!next)
		return 0;
	take = MIN(want, next->large_size);
	kept_del_locked(next);
	if (take < next->large_size) {
		next->base += take;
		next->large_size -= take;
		next->kept_marked = false;	/* its mark, if any, was at its old base */
		kept_insert_locked(next, next->freed_ms);
	} else {
		meta_free_locked(&slab_pool, next);
	}
	d->large_size += take;
	page_stats.large_bytes += take;
	return take;
}

/* The largest kept mapping, taken off the list; NULL if none.  page_lock held. */
static struct slab *kept_take_largest_locked(void)
{
	struct slab *d, *best = NULL;

	list_for_each_entry(d, &map_kept, lru)
		if (!best || d->large_size > best->large_size)
			best = d;
	if (best)
		kept_del_locked(best);
	return best;
}

/**
 * page_protect_kept - make kept mappings inaccessible and guard each large
 * mapping from now on (5 above)
 * Context: while no large mapping exists: at kmalloc_init, before the
 * first large block; a test, after page_purge() with none allocated.
 */
void page_protect_kept(bool on)
{
	kept_protect = on;
}

/* Unmap kept mapping @d, off the list already.  Unlocked. */
static void kept_unmap(struct slab *d)
{
	large_os_unmap(d->base, d->large_size);
	pthread_mutex_lock(&page_lock);
	page_stats.direct_bytes -= d->large_size;
	meta_free_locked(&slab_pool, d);
	pthread_mutex_unlock(&page_lock);
}

/* ---- purging ------------------------------------------------------------ */

/*
 * Freed memory kept beyond 1/64 of what is in use, and at most @grow of it:
 * what a growth of @grow bytes purges first.  page_lock held.
 */
static size_t growth_purge_locked(size_t grow)
{
	unsigned long slack = (page_stats.slab_bytes + page_stats.large_bytes) / 64;

	return dirty_bytes > slack ? MIN(grow, dirty_bytes - slack) : 0;
}

/* Has the descriptor @d waited longer than the decay time? */
static bool expired(const struct slab *d, uint32_t now)
{
	return (uint32_t)(now - d->freed_ms) > page_decay_ms;
}

/*
 * The oldest dirty block that must go: any with @all, else one past the
 * decay time.  page_lock held.
 */
static struct slab *purge_victim_locked(uint32_t now, bool all)
{
	struct slab *oldest = NULL;

	for (unsigned int o = 0; o <= CHUNK_ORDER; o++) {
		struct slab *t;

		if (list_empty(&free_dirty[o]))
			continue;
		t = list_entry(free_dirty[o].prev, struct slab, lru);
		if (!oldest || (int32_t)(t->freed_ms - oldest->freed_ms) < 0)
			oldest = t;
	}
	if (!list_empty(&map_kept)) {
		struct slab *t = list_entry(map_kept.prev, struct slab, lru);

		if (!oldest || (int32_t)(t->freed_ms - oldest->freed_ms) < 0)
			oldest = t;
	}
	if (oldest && (all || expired(oldest, now)))
		return oldest;
	return NULL;
}

/*
 * Regretted purges of kept mappings.  The growth purge (4 above) takes the
 * oldest dirty memory, and a kept mapping goes whole: a program that
 * freed one big buffer and moves on gets all of it back at once (sqlite3:
 * its peak RSS within 5 % of glibc's).  But a program that cycles big
 * buffers (a buffer grown by doubling realloc to 2 MiB, freed, grown
 * again, as sqlite3's sorter does) then faults every page in again each
 * time: 35x glibc's time on 100 such rounds.  So a new mapping made within
 * the decay time of a whole purge of a kept mapping at least as large
 * sets kept_regret, and while it is set a growth purge takes only the part
 * of a kept mapping it needs; a kept mapping purged for its age clears it.
 * Under page_lock.
 */
static bool kept_regret;
static uint32_t kept_purged_ms;
static size_t kept_purged_bytes;

/* A kept mapping of @bytes is purged whole, not for its age, at @now. */
static void kept_note_purge_locked(size_t bytes, uint32_t now)
{
	kept_purged_ms = now;
	kept_purged_bytes = bytes;
}

/* A new mapping of @bytes: did a whole purge just give back what it needs? */
static void kept_check_regret_locked(size_t bytes, uint32_t now)
{
	if (kept_purged_bytes >= bytes &&
	    (uint32_t)(now - kept_purged_ms) <= page_decay_ms)
		kept_regret = true;
}

/*
 * Give freed memory back to the OS: with @all every dirty block and kept
 * mapping, else the expired ones, and the oldest until @want bytes have
 * gone.  Victims are PURGING, on no list, while madvise runs unlocked; then
 * they are clean free blocks, and chunks left entirely clean are unmapped.
 * A kept mapping is unmapped.
 */
static void purge(bool all, size_t want)
{
	uint32_t now = now_ms();

	for (;;) {
		struct slab *victim[PURGE_BATCH];
		struct chunk *dead[PURGE_BATCH];
		unsigned int n = 0, ndead = 0;
		struct slab *d;

		pthread_mutex_lock(&page_lock);
		if (!page_ready) {
			pthread_mutex_unlock(&page_lock);
			return;
		}
		WRITE_ONCE(last_purge_ms, now);
		while (n < PURGE_BATCH && (d = purge_victim_locked(now, all || want > 0))) {
			size_t bytes = d->chunk ? (size_t)d->carved << PAGE_SHIFT : d->large_size;

			if (!d->chunk && !all && kept_regret && !kept_protect && !expired(d, now) &&
			    ALIGN_UP(want, PAGE_SIZE) < bytes) {
				/*
				 * The growth purge, while whole purges are
				 * regretted: only the part it needs, from the
				 * head, which the last user wrote (the tail may
				 * be headroom nobody touched: no memory).
				 */
				size_t head = ALIGN_UP(want, PAGE_SIZE);
				char *at = d->base;

				d->base += head;
				d->large_size -= head;
				d->kept_marked = false;	/* the mark was at the old base */
				dirty_bytes -= head;
				page_stats.direct_bytes -= head;
				pthread_mutex_unlock(&page_lock);
				os_unmap(at, head);	/* no longer the mapping's: safe unlocked */
				pthread_mutex_lock(&page_lock);
				want = 0;
				break;
			}
			if (d->chunk) {
				blk_unlink_locked(d->chunk, blk_index(d->chunk, d));
				d->chunk->state[blk_index(d->chunk, d)] = PG_PURGING;
			} else {
				kept_del_locked(d);
				if (all || expired(d, now))
					kept_regret = false;	/* the program stopped cycling */
				else
					kept_note_purge_locked(bytes, now);	/* whole, for new memory */
			}
			want = want > bytes ? want - bytes : 0;
			victim[n++] = d;
		}
		pthread_mutex_unlock(&page_lock);
		if (!n)
			return;
		for (unsigned int k = 0; k < n; k++)
			if (victim[k]->chunk)
				page_release(victim[k]->base, PAGE_SIZE << victim[k]->order);
			else
				large_os_unmap(victim[k]->base, victim[k]->large_size);
		pthread_mutex_lock(&page_lock);
		for (unsigned int k = 0; k < n; k++) {
			struct chunk *c = victim[k]->chunk;
			unsigned int i, order = victim[k]->order;

			if (!c) {
				page_stats.direct_bytes -= victim[k]->large_size;
				meta_free_locked(&slab_pool, victim[k]);
				continue;
			}
			i = blk_index(c, victim[k]);

			dirty_mark(c, i, i + (1U << order), false);
			if (blk_free_locked(c, i, order, 0)) {
				chunk_drop_locked(c);
				dead[ndead++] = c;
			}
		}
		pthread_mutex_unlock(&page_lock);
		for (unsigned int k = 0; k < ndead; k++)
			chunk_unmap(dead[k]);
		if (n < PURGE_BATCH)
			return;
	}
}

/** page_purge - return every dirty block to the OS (kmem_cache_shrink) */
void page_purge(void)
{
	purge(true, 0);
}

/* Purge what has expired, at most every quarter of the decay time. */
static void purge_maybe(uint32_t now)
{
	if ((uint32_t)(now - READ_ONCE(last_purge_ms)) > page_decay_ms / 4)
		purge(false, 0);
}

/*
 * After a block was handed out, or a mapping freed: purge @grow bytes (what
 * new memory displaces, or what the freed memory kept exceeds: 4 above),
 * else what has expired.
 */
static void purge_after_alloc(size_t grow, uint32_t now)
{
	if (grow)
		purge(false, grow);
	else
		purge_maybe(now);
}

/* ---- slabs -------------------------------------------------------------- */

/**
 * page_slab_alloc - a naturally aligned block of PAGE_SIZE << @order bytes
 * with a zeroed descriptor, registered in the page map under @cache_id
 * and @colour: from a dirty block if there is one, else a clean one
 * (then ->fresh is set: none of its pages is resident).
 * The block's contents are undefined.
 * Return: the descriptor (base, order and chunk set), or NULL.
 */
struct slab *page_slab_alloc(unsigned int order, unsigned int cache_id,
			     unsigned int colour)
{
	struct blk_origin from;
	struct slab *slab;
	struct chunk *c;
	uint32_t now = now_ms();
	size_t grow = 0;
	bool empty;

	if (order > CHUNK_ORDER)
		return NULL;
	slab = blk_alloc(order, &from);
	if (!slab)
		return NULL;
	if (!from.dirty_pages)	/* new memory is about to be touched: give back as much old */
		grow = growth_purge_locked(PAGE_SIZE << order);
	slab->fresh = !from.dirty_pages;	/* not resident: slab.c prefaults (8 above) */
	WRITE_ONCE(page_stats.slab_bytes, page_stats.slab_bytes + (PAGE_SIZE << order));
	pthread_mutex_unlock(&page_lock);
	purge_after_alloc(grow, now);

	if (pagemap_set(slab->base, 1UL << order, pm_entry(slab, cache_id, colour)) == 0)
		return slab;
	c = slab->chunk;
	pthread_mutex_lock(&page_lock);
	WRITE_ONCE(page_stats.slab_bytes, page_stats.slab_bytes - (PAGE_SIZE << order));
	empty = blk_free_locked(c, blk_index(c, slab), order, from.freed_ms);
	if (empty)
		chunk_drop_locked(c);
	pthread_mutex_unlock(&page_lock);
	if (empty)
		chunk_unmap(c);
	return NULL;
}

/**
 * page_slab_free - unregister a slab and keep its block as dirty, for the
 * next block of any order or for the purge (see 4 above).
 */
void page_slab_free(struct slab *slab)
{
	struct chunk *c = slab->chunk;
	unsigned int order = slab->order;
	uint32_t now = now_ms();

	pagemap_clear(slab->base, 1UL << order);
	pthread_mutex_lock(&page_lock);
	WRITE_ONCE(page_stats.slab_bytes, page_stats.slab_bytes - (PAGE_SIZE << order));
	dirty_mark(c, blk_index(c, slab), blk_index(c, slab) + (1U << order), true);
	blk_free_locked(c, blk_index(c, slab), order, now);
	pthread_mutex_unlock(&page_lock);
	purge_maybe(now);
}

/* ---- large blocks ------------------------------------------------------- */

/* The smallest order of at least @pages pages. */
static unsigned int order_of_pages(size_t pages)
{
	return pages <= 1 ? 0 : (unsigned int)(64 - __builtin_clzl(pages - 1));
}

/*
 * A block of @bytes from the kept mappings (5 above): cut from one, or the
 * largest grown by mremap.  *@dirty: the bytes from the start that may be
 * resident (the rest reads as zeros); *@mark: the address its free mark
 * was keyed with (its base when it was freed), or NULL (6 above).
 * Return: the descriptor, the block accessible; NULL when nothing is kept
 * or the system calls fail (then everything is as it was).
 */
static struct slab *kept_take(size_t bytes, bool fit_only, size_t *dirty, const char **mark)
{
	struct slab *d;
	size_t have;
	char *p, *was;

	pthread_mutex_lock(&page_lock);
	d = kept_take_fit_locked(bytes);
	if (!d && !fit_only && !kept_protect)	/* (grown by mremap, it would lose its guard) */
		d = kept_take_largest_locked();
	pthread_mutex_unlock(&page_lock);
	if (!d)
		return NULL;
	have = d->large_size;
	p = was = d->base;
	if (have < bytes) {
		p = mremap(d->base, have, bytes, MREMAP_MAYMOVE);
		if (p == MAP_FAILED)
			goto keep;
		d->base = p;
		d->large_size = bytes;
		pthread_mutex_lock(&page_lock);
		page_stats.direct_bytes += bytes - have;
		pthread_mutex_unlock(&page_lock);
	}
	if (kept_protect && mprotect(p, d->large_size, PROT_READ | PROT_WRITE) != 0)
		goto keep;
	*dirty = have;
	*mark = d->kept_marked ? was : NULL;
	d->kept_marked = false;
	return d;
keep:	/* kept again (a grown one with its new pages, not resident) */
	if (d->base != was)	/* moved: its mark is keyed with the old address */
		d->kept_marked = false;
	pthread_mutex_lock(&page_lock);
	kept_insert_locked(d, d->freed_ms);
	pthread_mutex_unlock(&page_lock);
	return NULL;
}

/*
 * A large block above LARGE_CHUNK_MAX: its own mapping, from the kept ones
 * if there are, else new (unless @kept_only: then NULL).  What is new
 * memory first purges as much freed memory as 4 above says (a growing
 * buffer would otherwise leave its earlier, smaller copies resident in
 * chunks).  *@dirty as kept_take().
 */
static struct slab *large_map(size_t bytes, bool kept_only, uint32_t now, size_t *dirty,
			      const char **mark)
{
	struct slab *d = kept_take(bytes, kept_only, dirty, mark);
	size_t grow = 0;
	char *p;

	if (d) {
		pthread_mutex_lock(&page_lock);
		page_stats.large_bytes += d->large_size;
		grow = growth_purge_locked(d->large_size - *dirty);
		pthread_mutex_unlock(&page_lock);
		purge_after_alloc(grow, now);
		return d;
	}
	if (kept_only)
		return NULL;
	p = large_os_map(bytes);
	if (!p)
		return NULL;
	pthread_mutex_lock(&page_lock);
	page_init_locked();	/* for purge(), in a program of large blocks alone */
	d = meta_alloc_locked(&slab_pool);
	if (d) {
		page_stats.large_bytes += bytes;
		page_stats.direct_bytes += bytes;
		kept_check_regret_locked(bytes, now);
		grow = growth_purge_locked(bytes);
	}
	pthread_mutex_unlock(&page_lock);
	if (!d) {
		large_os_unmap(p, bytes);
		return NULL;
	}
	purge_after_alloc(grow, now);
	d->base = p;
	d->large_size = bytes;
	*dirty = 0;
	return d;
}

/*
 * Freed memory kept resident beyond DIRTY_SHARE of the memory in use and
 * DIRTY_FLOOR: what a mapping's free purges at once (4 above).  page_lock
 * held.
 */
static size_t dirty_excess_locked(void)
{
	unsigned long in_use = page_stats.slab_bytes + page_stats.large_bytes;
	unsigned long most = MAX(DIRTY_FLOOR, in_use / DIRTY_SHARE);

	return dirty_bytes > most ? dirty_bytes - most : 0;
}

/*
 * Give back a large block the page map no longer holds: pages of a chunk
 * as dirty free blocks; a mapping of its own is kept (5 above), the
 * oldest kept one unmapped if there are too many, or unmapped at once if
 * it cannot be made inaccessible.  @marked: kmalloc wrote its free mark
 * at the block's base (6 above).
 */
static void large_release(struct slab *d, uint32_t now, bool marked)
{
	size_t bytes = d->large_size, excess;
	struct chunk *c = d->chunk;
	struct slab *old = NULL;
	unsigned int i, end;

	if (!c) {
		bool keep = !kept_protect || mprotect(d->base, bytes, PROT_NONE) == 0;

		vg_close(d->base, bytes);
		pthread_mutex_lock(&page_lock);
		page_stats.large_bytes -= bytes;
		if (keep) {
			d->kept_marked = marked;
			kept_insert_locked(d, now);
			if (kept_count > MAP_KEPT_MAX) {
				old = list_entry(map_kept.prev, struct slab, lru);
				kept_del_locked(old);
			}
		}
		excess = dirty_excess_locked();
		pthread_mutex_unlock(&page_lock);
		if (!keep)
			kept_unmap(d);
		if (old)
			kept_unmap(old);
		purge_after_alloc(excess, now);
		return;
	}
	i = blk_index(c, d);
	end = i + (unsigned int)(bytes >> PAGE_SHIFT);
	pthread_mutex_lock(&page_lock);
	page_stats.large_bytes -= bytes;
	dirty_mark(c, i, end, true);
	bits_set(c->marked, i, i + 1, marked);
	pieces_free_locked(c, i, end, now);
	pthread_mutex_unlock(&page_lock);
	purge_maybe(now);
}

/**
 * page_large_alloc - @size bytes (rounded up to pages) for kmalloc, page
 * aligned: from the chunks up to LARGE_CHUNK_MAX (see 3 above), else a
 * mapping of its own (5); registered in the page map on the first page
 * with cache id 0.  *@dirty: how many bytes from the start may not read
 * as zeros (0: the whole block does).  *@mark: NULL, or the block's first
 * word should hold kmalloc's free mark keyed with this address (6 above):
 * it was freed with one, and its first page was not purged since.
 * Return: the descriptor (base, large_size), or NULL.
 */
static struct slab *large_alloc(size_t size, bool growing, size_t *dirty, const char **mark)
{
	size_t bytes = ALIGN_UP(size, PAGE_SIZE), grow = 0;
	unsigned int pages = (unsigned int)(bytes >> PAGE_SHIFT), i;
	uint32_t now = now_ms();
	struct blk_origin from = { 0, 0, false, false };
	struct slab *d = NULL;

	*mark = NULL;
	if (bytes < size)
		return NULL;
	if (bytes > LARGE_CHUNK_MAX || kept_protect) {	/* (P: freed, it faults) */
		d = large_map(bytes, false, now, dirty, mark);
	} else if (!growing || !(d = large_map(bytes, true, now, dirty, mark))) {
		unsigned int order = order_of_pages(pages);

		d = blk_alloc(order, &from);
		if (!d)
			return NULL;
		i = blk_index(d->chunk, d);
		/* the tail beyond the size goes back at once (cannot empty the chunk) */
		pieces_free_locked(d->chunk, i + pages, i + (1U << order), from.freed_ms);
		from.dirty_pages = dirty_pages_in(d->chunk, i, i + pages);
		d->large_size = bytes;
		page_stats.large_bytes += bytes;
		if (!from.dirty_pages)
			grow = growth_purge_locked(bytes);
		pthread_mutex_unlock(&page_lock);
		purge_after_alloc(grow, now);
		*dirty = from.dirty_pages ? bytes : 0;
		*mark = from.marked ? d->base : NULL;
	}
	if (!d)
		return NULL;
	INIT_LIST_HEAD(&d->lru);
	vg_open_undefined(d->base, *dirty);
	/* what a purge gave back, or a new mapping, reads as zeros */
	vg_open(d->base + *dirty, d->large_size - *dirty);
	if (pagemap_set(d->base, 1, pm_entry(d, 0, 0)) == 0)
		return d;
	large_release(d, now, false);
	return NULL;
}

struct slab *page_large_alloc(size_t size, size_t *dirty, const char **mark)
{
	return large_alloc(size, false, dirty, mark);
}

/**
 * page_large_alloc_growing - page_large_alloc() for a block that replaces
 * one krealloc outgrew: cut from a kept mapping that holds it, whatever
 * its size, if there is one (5 above), so that it grows over the rest.
 */
struct slab *page_large_alloc_growing(size_t size, size_t *dirty, const char **mark)
{
	return large_alloc(size, true, dirty, mark);
}

/* ---- parked blocks (7 above) -------------------------------------------- */

/* List @d as parked now, newest last.  page_lock held. */
static void park_add_locked(struct slab *d)
{
	d->carved = park_frees;
	list_add_tail(&d->lru, &park_list);
	WRITE_ONCE(park_held, park_held + 1);	/* read unlocked by park_large */
}

/* Give parked block @d, off park_list, back: as clean pages, or unmapped.  Unlocked. */
static void unpark(struct slab *d, uint32_t now)
{
	struct chunk *c = d->chunk;
	unsigned int i;
	bool drop;

	if (!c) {
		kept_unmap(d);
		return;
	}
	if (mprotect(d->base, d->large_size, PROT_READ | PROT_WRITE) != 0) {
		pthread_mutex_lock(&page_lock);	/* parked again, to be tried later */
		park_add_locked(d);
		pthread_mutex_unlock(&page_lock);
		return;
	}
	i = blk_index(c, d);
	pthread_mutex_lock(&page_lock);
	drop = pieces_free_locked(c, i, i + (unsigned int)(d->large_size >> PAGE_SHIFT), now);
	if (drop)
		chunk_drop_locked(c);
	pthread_mutex_unlock(&page_lock);
	if (drop)
		chunk_unmap(c);
}

/*
 * Park large block @d, just freed by its user and off the page map, if it
 * is one of the first PARK_FIRST and fits in what is left of PARK_BYTES;
 * give back the oldest parked block if PARK_HOLD frees passed since it was
 * parked.  Once PARK_FIRST were offered and all that were parked went back
 * (or where nothing is ever parked), a large free takes
 * no lock here: a racy read that misses a block being parked only delays
 * its return by a free.  Return: whether @d was parked (else the caller
 * releases it).
 */
static bool park_large(struct slab *d, uint32_t now)
{
	struct slab *old = NULL;
	bool park;

	if (kept_protect || !debug_errors_abort() ||
	    (READ_ONCE(park_offered) >= PARK_FIRST && !READ_ONCE(park_held)))
		return false;
	pthread_mutex_lock(&page_lock);
	park_frees++;
	/*
	 * A program whose small blocks take more than PARK_SLAB_MAX of slabs
	 * is past its first moments, where parking is for: a block it frees
	 * is usually followed by another of its size (sqlite3's sorter
	 * doubles a buffer from 8 KiB to 2 MiB and frees it, twice), whose
	 * pages parking would make it fault in anew (its 200,000-row run:
	 * 2379 faults against glibc's 1861, 1708 without parking, and 4 %
	 * more CPU time).  None is parked from then on.
	 */
	if (page_stats.slab_bytes > PARK_SLAB_MAX)
		WRITE_ONCE(park_offered, PARK_FIRST);
	park = park_offered < PARK_FIRST && d->large_size <= PARK_BYTES - park_bytes;
	if (park_offered < PARK_FIRST)
		WRITE_ONCE(park_offered, park_offered + 1);	/* read unlocked above */
	if (park)
		park_bytes += d->large_size;
	if (park_held) {
		old = list_first_entry(&park_list, struct slab, lru);
		if (park_frees - old->carved >= PARK_HOLD) {
			list_del(&old->lru);
			WRITE_ONCE(park_held, park_held - 1);
		} else {
			old = NULL;
		}
	}
	pthread_mutex_unlock(&page_lock);
	if (old)
		unpark(old, now);
	if (!park)
		return false;
	vg_close(d->base, d->large_size);
	page_release(d->base, d->large_size);
	if (mprotect(d->base, d->large_size, PROT_NONE) != 0)
		return false;	/* (out of mappings: released as any other) */
	pthread_mutex_lock(&page_lock);
	page_stats.large_bytes -= d->large_size;
	if (d->chunk) {	/* its pages read as zeros now */
		unsigned int i = blk_index(d->chunk, d);

		dirty_mark(d->chunk, i, i + (unsigned int)(d->large_size >> PAGE_SHIFT), false);
	}
	park_add_locked(d);
	pthread_mutex_unlock(&page_lock);
	return true;
}

/**
 * page_large_parked - the bytes of the large block, freed and parked (7
 * above), that @p points into; 0 if none.  For kmalloc's report of a
 * second free.
 */
size_t page_large_parked(const void *p)
{
	const struct slab *d;
	size_t found = 0;

	pthread_mutex_lock(&page_lock);
	list_for_each_entry(d, &park_list, lru)
		if ((const char *)p >= d->base && (const char *)p < d->base + d->large_size)
			found = d->large_size;
	pthread_mutex_unlock(&page_lock);
	return found;
}

/**
 * page_large_free - unregister a large block and give its pages back, or
 * park it (7 above); @marked: kmalloc wrote its free mark in the first
 * word (6 above)
 */
void page_large_free(struct slab *d, bool marked)
{
	uint32_t now = now_ms();

	pagemap_clear(d->base, 1);
	if (!park_large(d, now))
		large_release(d, now, marked);
}

/*
 * Grow the block of @n pages at page @i of @c to @m pages in place, taking
 * the free blocks that follow it; what the last of them holds beyond @m
 * goes back as free pieces (with their dirty pages, freed when the newest
 * of the blocks taken was).  page_lock held.
 * Return: true, or false when the pages are not all free (nothing changed).
 */
static bool blk_extend_locked(struct chunk *c, unsigned int i, unsigned int n, unsigned int m)
{
	unsigned int j, end;
	uint32_t freed_ms = 0;
	bool dirty = false;

	if (i + m > CHUNK_PAGES)
		return false;
	for (j = i + n; j < i + m; j += 1U << blk_desc(c, j)->order)
		if (c->state[j] != PG_DIRTY && c->state[j] != PG_CLEAN)
			return false;
	end = j;
	if (chunk_open_locked(c, i + m) != 0)
		return false;
	marks_clear(c, i + n, i + m);	/* the block's user may write them now */
	for (j = i + n; j < end;) {
		const struct slab *bd = blk_desc(c, j);
		unsigned int next = j + (1U << bd->order);

		if (c->state[j] == PG_DIRTY &&
		    (!dirty || (int32_t)(bd->freed_ms - freed_ms) > 0)) {
			freed_ms = bd->freed_ms;
			dirty = true;
		}
		blk_unlink_locked(c, j);
		j = next;
	}
	pieces_free_locked(c, i + m, end, freed_ms);	/* cannot empty the chunk */
	return true;
}

/*
 * Zeroing a large block for calloc (page_large_zero).  What it holds from
 * an earlier use may be resident or not: memset would fault in every
 * page that is not (a program that callocs 64 MiB and uses a page of it
 * took 12x glibc's time, its RSS the whole 64 MiB), and MADV_DONTNEED on
 * all of it would make a program that uses it all fault every page in
 * again (20x the memset's time on these VMs).  So from LARGE_ZERO_PROBE
 * bytes on, mincore() says which pages are resident: those are written,
 * runs of the others get MADV_DONTNEED (they read as zeros already,
 * unless swapped out: then their swap goes too).  Below, memset.
 */
#define LARGE_ZERO_PROBE (1UL << 20)
#define ZERO_WINDOW      4096U		/* pages per mincore() call */

/* Zero pages [i, j) of the window at @p: resident ones by memset, else madvise. */
static void zero_run(char *p, size_t i, size_t j, bool resident)
{
	if (i == j)
		return;
	if (resident || madvise(p + (i << PAGE_SHIFT), (j - i) << PAGE_SHIFT, MADV_DONTNEED) != 0)
		memset(p + (i << PAGE_SHIFT), 0, (j - i) << PAGE_SHIFT);
}

/**
 * page_large_zero - make the first @bytes of large block @d, in use, read
 * as zeros (its pages may hold an earlier user's data)
 */
void page_large_zero(struct slab *d, size_t bytes)
{
	size_t whole = bytes >> PAGE_SHIFT, done = 0;
	unsigned char vec[ZERO_WINDOW];

	if (bytes < LARGE_ZERO_PROBE) {
		memset(d->base, 0, bytes);
		return;
	}
	while (done < whole) {
		char *p = d->base + (done << PAGE_SHIFT);
		size_t n = MIN(whole - done, (size_t)ZERO_WINDOW), run = 0;

		if (mincore(p, n << PAGE_SHIFT, vec) != 0) {
			memset(p, 0, n << PAGE_SHIFT);
		} else {
			for (size_t k = 1; k <= n; k++)
				if (k == n || (vec[k] & 1) != (vec[run] & 1)) {
					zero_run(p, run, k, vec[run] & 1);
					run = k;
				}
		}
		done += n;
	}
	vg_open(d->base, whole << PAGE_SHIFT);	/* defined: zeros */
	memset(d->base + (whole << PAGE_SHIFT), 0, bytes - (whole << PAGE_SHIFT));
}

/**
 * page_large_resize - grow or shrink a large block, keeping its contents.
 *
 * A block in a chunk shrinks in place (its tail pages go back), and grows
 * in place when the pages after it are free and it stays within
 * LARGE_CHUNK_MAX; else it does not grow: the caller copies.  A block with
 * a mapping of its own grows or shrinks in place when mremap can, else its
 * pages move (no copy) into a region mapped and registered beforehand, so
 * that every step that can fail comes before the block has moved.  A
 * mapped block first grows over the kept mapping right after it, if there
 * is one (kept_absorb_locked).
 * Return: 1 when the grown part may hold earlier data (dirty free pages of
 * a chunk, or a kept mapping, were taken), 0 when it reads as zeros (and
 * is not resident: page.c 8) or the block shrank; -1 on failure: the
 * block keeps its place and contents, but
 * may have grown over a kept mapping (large_size is then larger).
 */
int page_large_resize(struct slab *d, size_t new_size)
{
	size_t bytes = ALIGN_UP(new_size, PAGE_SIZE), grow = 0;
	int dirty_grown = 0;
	char *p;

	if (bytes < new_size || bytes == 0)
		return -1;
	if (bytes == d->large_size)
		return 0;
	if (d->chunk) {
		struct chunk *c = d->chunk;
		unsigned int i = blk_index(c, d);
		unsigned int keep = i + (unsigned int)(bytes >> PAGE_SHIFT);
		unsigned int end = i + (unsigned int)(d->large_size >> PAGE_SHIFT);
		size_t old = d->large_size;
		bool taken;

		if (bytes > old) {
			/*
			 * No growth purge (4 above) for the clean pages taken:
			 * it is there for the smaller copies a moving buffer
			 * leaves behind, and this one leaves none.  (Purging
			 * for them doubled the time of bench/workloads/reallocs
			 * in page faults and madvise calls.)
			 */
			/* (past the chunk's end, dirty[] has no bits to count) */
			if (bytes > LARGE_CHUNK_MAX || keep > CHUNK_PAGES)
				return -1;
			pthread_mutex_lock(&page_lock);
			/* the pages to be taken, counted under the lock that takes them */
			dirty_grown = dirty_any_in(c, end, keep);
			taken = blk_extend_locked(c, i, end - i, keep - i);
			if (taken) {
				page_stats.large_bytes += bytes - old;
				d->large_size = bytes;
			}
			pthread_mutex_unlock(&page_lock);
			if (!taken)
				return -1;
			vg_open(d->base + old, bytes - old);
			return dirty_grown;
		}
		pthread_mutex_lock(&page_lock);
		dirty_mark(c, keep, end, true);
		pieces_free_locked(c, keep, end, now_ms());
		page_stats.large_bytes -= d->large_size - bytes;
		d->large_size = bytes;
		pthread_mutex_unlock(&page_lock);
		return 0;
	}
	if (kept_protect)
		return -1;	/* guarded (5 above): the caller copies */
	if (bytes > d->large_size) {
		size_t old = d->large_size, took;

		pthread_mutex_lock(&page_lock);
		took = kept_absorb_locked(d, bytes - old);
		pthread_mutex_unlock(&page_lock);
		if (took) {
			vg_open(d->base + old, took);
			dirty_grown = 1;
			if (bytes == d->large_size)
				return 1;
		}
	}
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
	page_stats.direct_bytes += bytes - d->large_size;
	if (bytes > d->large_size)	/* new memory: as large_map() */
		grow = growth_purge_locked(bytes - d->large_size);
	pthread_mutex_unlock(&page_lock);
	d->base = p;
	d->large_size = bytes;
	purge_after_alloc(grow, now_ms());
	return dirty_grown;
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

/** page_slab_bytes - the bytes cut into slabs now, read without page_lock */
unsigned long page_slab_bytes(void)
{
	return READ_ONCE(page_stats.slab_bytes);	/* written with WRITE_ONCE */
}

void page_get_mem_info(struct slab_mem_info *info)
{
	pthread_mutex_lock(&page_lock);
	info->chunk_bytes = page_stats.chunk_bytes;
	info->slab_bytes = page_stats.slab_bytes;
	info->large_bytes = page_stats.large_bytes;
	info->meta_bytes = __atomic_load_n(&page_stats.meta_bytes, __ATOMIC_RELAXED);
	info->dirty_bytes = dirty_bytes;
	info->mapped_bytes = page_stats.chunk_bytes + page_stats.direct_bytes + info->meta_bytes;
	pthread_mutex_unlock(&page_lock);
}

/* ---- validation --------------------------------------------------------- */

/* Report one broken invariant of the page layer. */
static unsigned int page_broken(const struct slab *d, const char *what)
{
	char msg[192];

	snprintf(msg, sizeof(msg), "page_validate: block %p (order %u): %s",
		 (void *)d->base, d->order, what);
	debug_invalid_state(NULL, msg);
	return 1;
}

/* Check the free block @d found on list @want of @order.  page_lock held. */
static unsigned int free_block_check(const struct slab *d, unsigned int order,
				     enum page_state want, unsigned long *dirty)
{
	const struct chunk *c = d->chunk;
	unsigned int i, n = 0, dp;

	if (!c || d < c->desc || d >= c->desc + CHUNK_PAGES)
		return page_broken(d, "descriptor outside its chunk");
	i = blk_index(c, d);
	if (d->order != order)
		n += page_broken(d, "order differs from its free list's");
	if (i & ((1U << order) - 1))
		n += page_broken(d, "not aligned to its order (buddy system)");
	if (d->base != c->base + ((size_t)i << PAGE_SHIFT))
		n += page_broken(d, "base is not its page's address");
	if (c->state[i] != want)
		n += page_broken(d, want == PG_DIRTY ? "on a dirty list, not DIRTY" :
				    "on a clean list, not CLEAN");
	for (unsigned int t = i + 1; t < i + (1U << order) && t < CHUNK_PAGES; t++)
		if (c->state[t] != PG_TAIL) {
			n += page_broken(d, "a page inside it starts a block (overlap)");
			break;
		}
	dp = dirty_pages_in(c, i, MIN(i + (1U << order), CHUNK_PAGES));
	if (want == PG_DIRTY && (dp == 0 || dp != d->carved))
		n += page_broken(d, "dirty page count differs from the dirty bitmap");
	if (want == PG_CLEAN && dp != 0)
		n += page_broken(d, "clean block with dirty pages in the bitmap");
	if (c->open > CHUNK_PAGES || c->open % CHUNK_OPEN_STEP ||
	    dirty_pages_in(c, MAX(i, c->open), MIN(i + (1U << order), CHUNK_PAGES)))
		n += page_broken(d, "a dirty page where the chunk is not writable");
	for (unsigned int t = i; t < MIN(i + (1U << order), CHUNK_PAGES); t++)
		if (bit_test(c->marked, t) && !bit_test(c->dirty, t)) {
			n += page_broken(d, "a free mark on a page not dirty (purged)");
			break;
		}
	if (want == PG_DIRTY)
		*dirty += (unsigned long)d->carved << PAGE_SHIFT;
	return n;
}

/*
 * Check the kept mappings: each a page-aligned mapping of its own, in no
 * page-map entry, the list newest first and as long as kept_count; add
 * their bytes to *@dirty.  page_lock held.
 */
static unsigned int kept_check_locked(unsigned long *dirty)
{
	const struct slab *d, *prev = NULL;
	unsigned int n = 0, count = 0;

	list_for_each_entry(d, &map_kept, lru) {
		if (d->chunk || !d->large_size || ((uintptr_t)d->base | d->large_size) % PAGE_SIZE)
			n += page_broken(d, "kept mapping: in a chunk, or not whole pages");
		if (pagemap_lookup(d->base))
			n += page_broken(d, "kept mapping still in the page map");
		if (prev && (int32_t)(prev->freed_ms - d->freed_ms) < 0)
			n += page_broken(d, "kept mappings out of age order");
		*dirty += d->large_size;
		prev = d;
		count++;
	}
	if (count != kept_count || count > MAP_KEPT_MAX)
		n += (debug_invalid_state(NULL, "page_validate: kept_count differs from the "
					  "kept mappings, or exceeds MAP_KEPT_MAX"), 1);
	return n;
}

/*
 * Check the parked blocks (7 above): in no page-map entry, none dirty or
 * marked, a chunk's first page USED; park_held of them, at most
 * PARK_FIRST, of at most park_bytes together.  page_lock held.
 */
static unsigned int park_check_locked(void)
{
	const struct slab *d;
	unsigned int n = 0, count = 0;
	size_t bytes = 0;

	list_for_each_entry(d, &park_list, lru) {
		const struct chunk *c = d->chunk;

		if (pagemap_lookup(d->base))
			n += page_broken(d, "parked block still in the page map");
		if (c) {
			unsigned int i = blk_index(c, d);
			unsigned int end = i + (unsigned int)(d->large_size >> PAGE_SHIFT);

			if (c->state[i] != PG_USED)
				n += page_broken(d, "parked block's first page is not USED");
			if (dirty_any_in(c, i, end) || bit_test(c->marked, i))
				n += page_broken(d, "parked block has dirty or marked pages");
		}
		count++;
		bytes += d->large_size;
	}
	if (count != park_held || park_held > park_offered || park_offered > PARK_FIRST ||
	    bytes > park_bytes || park_bytes > PARK_BYTES)
		n += (debug_invalid_state(NULL, "page_validate: park_held differs from the "
					  "parked blocks, or more than PARK_FIRST or "
					  "PARK_BYTES"), 1);
	return n;
}

/**
 * page_validate - check what page.c writes down (the comments above):
 * every free block on the list of its order and state, aligned, its tail
 * pages TAIL, its dirty pages those of the bitmap; the kept mappings;
 * dirty_bytes the sum of both.
 * Reports each broken invariant.  Return: how many.
 */
unsigned int page_validate(void)
{
	unsigned int n = 0;
	unsigned long dirty = 0;
	struct slab *d;

	pthread_mutex_lock(&page_lock);
	if (page_ready) {
		for (unsigned int o = 0; o <= CHUNK_ORDER; o++) {
			list_for_each_entry(d, &free_dirty[o], lru)
				n += free_block_check(d, o, PG_DIRTY, &dirty);
			list_for_each_entry(d, &free_clean[o], lru)
				n += free_block_check(d, o, PG_CLEAN, &dirty);
		}
		n += kept_check_locked(&dirty);
		n += park_check_locked();
		if (dirty != dirty_bytes) {
			pthread_mutex_unlock(&page_lock);
			debug_invalid_state(NULL, "page_validate: dirty_bytes differs from the "
					    "dirty pages of the free blocks");
			return n + 1;
		}
	}
	pthread_mutex_unlock(&page_lock);
	return n;
}

/**
 * page_slab_check - is slab @d a block in use of its chunk: its page USED,
 * its order's pages TAIL, aligned?  Return: what is wrong, or NULL.
 */
const char *page_slab_check(const struct slab *d)
{
	const struct chunk *c = d->chunk;
	const char *bad = NULL;
	unsigned int i;

	if (!c || d < c->desc || d >= c->desc + CHUNK_PAGES)
		return "descriptor outside its chunk";
	i = blk_index(c, d);
	pthread_mutex_lock(&page_lock);
	if (c->state[i] != PG_USED)
		bad = "its first page is not USED";
	else if (i & ((1U << d->order) - 1))
		bad = "not aligned to its order";
	else if (d->base != c->base + ((size_t)i << PAGE_SHIFT))
		bad = "base is not its page's address";
	for (unsigned int t = i + 1; !bad && t < i + (1U << d->order); t++)
		if (c->state[t] != PG_TAIL)
			bad = "a page inside it starts another block";
	for (unsigned int t = i; !bad && t < i + (1U << d->order); t++)
		if (bit_test(c->marked, t))
			bad = "a page of it holds a large block's free mark";
	if (!bad && i + (1U << d->order) > c->open)
		bad = "it lies where its chunk is not writable";
	pthread_mutex_unlock(&page_lock);
	return bad;
}
