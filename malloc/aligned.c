// SPDX-License-Identifier: MIT
/*
 * malloc/aligned.c - memory aligned beyond what kmalloc gives by itself.
 *
 * kmalloc's guarantees (include/slotslab/slab.h): every size class above 8
 * is 16-byte aligned, a power-of-two class is aligned to its size (up to
 * SLAB_MAX_ALIGN, 4096, so kmalloc-8k is 4096-aligned), and blocks above
 * KMALLOC_MAX_CACHE_SIZE are mappings of their own, page aligned.  An
 * aligned request for @size bytes at @align is served without headers and
 * without interior pointers, so that free(), realloc() and
 * malloc_usable_size() need no special case for it, in one of three ways:
 *
 * 1. align <= 16 (<= 8 for the 8-byte class) or size > 32 KiB: plain
 *    kmalloc (its large blocks are page aligned; with align <= 16 the C
 *    API's, kmalloc_c, which start 16 bytes in); the block is aligned
 *    enough already.
 *
 * 2. 16 < align <= 4096: let O = the size class of @size rounded up to a
 *    multiple of @align.  If O is a power of two, kmalloc(O) is naturally
 *    aligned to O >= @align (4096 for O == 8192).  Otherwise the object
 *    comes from a slab cache of O-byte objects aligned to @align
 *    ("malloc-a64-192"), created on first use and kept for the life of the
 *    process (never merged with another, so that ksize() is O).  kfree(),
 *    ksize() and krealloc() accept objects of any cache (the page map
 *    knows the cache), so these objects are freed and resized like any
 *    other.  The waste is O - class(size) < @align, and no more
 *    than the rounding to O: memalign(64, 130) takes 192 bytes, not 256.
 *    At most 7 alignments x 256 sizes can ever exist; in practice a handful.
 *    A cache is created unlocked and published with a compare-and-swap;
 *    the loser of a race destroys its (empty) copy, so no lock is held
 *    across fork() here.
 *
 * 3. align > 4096: a mapping of its own ("huge"), over-mapped by
 *    align - 4096 and trimmed to an aligned start, so that it costs only
 *    the pages of @size.  kmalloc cannot know these blocks, so they are
 *    listed in a hash table (address -> mapped length) under huge_lock.
 *    free() asks the table only for pointers the page map does not know
 *    (kfree_or's slow path), and only while such blocks exist
 *    (huge_live != 0): nothing on the common path.  This is rare in
 *    practice (hugepage-aligned buffers).
 *
 * The table lives in mmap'ed memory (this is the malloc), grows by
 * doubling at half full, and deletes with backward shifting (linear
 * probing, no tombstones).  huge_lock is taken across fork() by handlers
 * registered with pthread_once on the first huge block; it nests inside
 * no other lock, and no other lock is taken while it is held.
 *
 * This is the only file in malloc/ that calls mmap.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "malloc/internal.h"

/* ---- 2. aligned slab caches -------------------------------------------- */

#define ALIGN_SHIFT_MIN 5	/* 32 */
#define ALIGN_SHIFT_MAX 11	/* 2048: at 4096 every O is a power of two */
#define ALIGN_SIZES     (KMALLOC_MAX_CACHE_SIZE >> ALIGN_SHIFT_MIN)

static struct kmem_cache *aligned_caches[ALIGN_SHIFT_MAX - ALIGN_SHIFT_MIN + 1][ALIGN_SIZES + 1] __big_bss;

static __cold struct kmem_cache *aligned_cache_create(struct kmem_cache **slot, size_t align,
						      size_t size)
{
	struct kmem_cache *s, *expected = NULL;
	char name[32];

	snprintf(name, sizeof(name), "malloc-a%zu-%zu", align, size);
	s = kmem_cache_create(name, size, align, SLAB_NO_MERGE, NULL);
	if (!s)
		return NULL;
	if (!__atomic_compare_exchange_n(slot, &expected, s, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		kmem_cache_destroy(s);
		return expected;
	}
	return s;
}

/* ---- 3. huge alignments: mappings of their own ------------------------- */

struct huge_entry {
	uintptr_t addr;		/* 0: empty */
	size_t len;		/* mapped bytes, a multiple of the page */
};

static pthread_mutex_t huge_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t huge_once = PTHREAD_ONCE_INIT;
static struct huge_entry *huge_tab;
static size_t huge_cap;		/* a power of two, or 0 */
unsigned long huge_live;	/* entries in huge_tab; written under huge_lock */

static void huge_fork_prepare(void)
{
	pthread_mutex_lock(&huge_lock);
}

static void huge_fork_release(void)
{
	pthread_mutex_unlock(&huge_lock);
}

static void huge_init_once(void)
{
	pthread_atfork(huge_fork_prepare, huge_fork_release, huge_fork_release);
}

static size_t huge_hash(uintptr_t addr, size_t cap)
{
	return (size_t)(((addr >> 12) * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

static struct huge_entry *huge_find_locked(uintptr_t addr)
{
	if (!huge_cap)
		return NULL;
	for (size_t i = huge_hash(addr, huge_cap);; i = (i + 1) & (huge_cap - 1)) {
		if (huge_tab[i].addr == addr)
			return &huge_tab[i];
		if (huge_tab[i].addr == 0)
			return NULL;
	}
}

static void huge_insert(struct huge_entry *tab, size_t cap, uintptr_t addr, size_t len)
{
	size_t i = huge_hash(addr, cap);

	while (tab[i].addr)
		i = (i + 1) & (cap - 1);
	tab[i].addr = addr;
	tab[i].len = len;
}

/* Room for one more entry at most half full.  Return: 0, or -1. */
static int huge_reserve_locked(void)
{
	size_t cap = huge_cap ? huge_cap * 2 : MALLOC_PAGE / sizeof(struct huge_entry);
	struct huge_entry *old = huge_tab, *tab;
	size_t old_cap = huge_cap;

	if ((huge_live + 1) * 2 <= huge_cap)
		return 0;
	tab = mmap(NULL, cap * sizeof(*tab), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tab == MAP_FAILED)
		return -1;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].addr)
			huge_insert(tab, cap, old[i].addr, old[i].len);
	huge_tab = tab;
	huge_cap = cap;
	if (old)
		munmap(old, old_cap * sizeof(*old));
	return 0;
}

/* Remove @e, shifting back the entries of its probe run. */
static void huge_del_locked(struct huge_entry *e)
{
	size_t i = (size_t)(e - huge_tab), j = i;

	for (;;) {
		size_t home;

		j = (j + 1) & (huge_cap - 1);
		if (huge_tab[j].addr == 0)
			break;
		home = huge_hash(huge_tab[j].addr, huge_cap);
		/* Entry j may move to i if its home is not in (i, j]. */
		if (((j - home) & (huge_cap - 1)) >= ((j - i) & (huge_cap - 1))) {
			huge_tab[i] = huge_tab[j];
			i = j;
		}
	}
	huge_tab[i].addr = 0;
	huge_tab[i].len = 0;
	WRITE_ONCE(huge_live, huge_live - 1);
}

static __cold void *huge_alloc(size_t align, size_t size)
{
	size_t len = ALIGN_UP(size, MALLOC_PAGE), map;
	uintptr_t base, start;
	char *p;

	if (len < size || __builtin_add_overflow(len, align - MALLOC_PAGE, &map))
		return NULL;
	pthread_once(&huge_once, huge_init_once);
	p = mmap(NULL, map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	base = (uintptr_t)p;
	start = ALIGN_UP(base, align);
	if (start > base)
		munmap(p, start - base);
	if (base + map > start + len)
		munmap((void *)(start + len), base + map - (start + len));
	pthread_mutex_lock(&huge_lock);
	if (huge_reserve_locked() != 0) {
		pthread_mutex_unlock(&huge_lock);
		munmap((void *)start, len);
		return NULL;
	}
	huge_insert(huge_tab, huge_cap, start, len);
	WRITE_ONCE(huge_live, huge_live + 1);
	pthread_mutex_unlock(&huge_lock);
	return (void *)start;
}

/**
 * huge_owns - is @p a block huge_alloc() handed out and not yet freed?
 * Context: any thread; takes huge_lock.
 */
bool huge_owns(const void *p)
{
	bool found;

	pthread_mutex_lock(&huge_lock);
	found = huge_find_locked((uintptr_t)p) != NULL;
	pthread_mutex_unlock(&huge_lock);
	return found;
}

/** huge_usable_size - the mapped length of huge block @p, 0 if it is none */
size_t huge_usable_size(const void *p)
{
	struct huge_entry *e;
	size_t len = 0;

	pthread_mutex_lock(&huge_lock);
	e = huge_find_locked((uintptr_t)p);
	if (e)
		len = e->len;
	pthread_mutex_unlock(&huge_lock);
	return len;
}

/** huge_free - unmap huge block @p; a pointer that is none is ignored */
void huge_free(void *p)
{
	struct huge_entry *e;
	size_t len = 0;

	pthread_mutex_lock(&huge_lock);
	e = huge_find_locked((uintptr_t)p);
	if (e) {
		len = e->len;
		huge_del_locked(e);
	}
	pthread_mutex_unlock(&huge_lock);
	if (len)
		munmap(p, len);
}

/* ---- the entry point ---------------------------------------------------- */

/**
 * malloc_aligned - @size bytes aligned to @align
 * @align: a power of two
 * @size:  bytes wanted; 0 gives a unique minimal block
 *
 * Return: the block, or NULL (errno is the caller's business).
 * Context: any thread.
 */
void *malloc_aligned(size_t align, size_t size)
{
	size_t cls, obj;
	unsigned int shift;
	struct kmem_cache **slot, *s;

	if (size == 0)
		size = 1;
	if (align > MALLOC_PAGE)
		return huge_alloc(align, size);
	if (size > KMALLOC_MAX_CACHE_SIZE)	/* page aligned, or 16 bytes in after a guard */
		return align <= MALLOC_MIN_ALIGN ? kmalloc_c(size, GFP_KERNEL) :
						   kmalloc(size, GFP_KERNEL);
	cls = kmalloc_size_roundup(size);
	if (align <= 8 || (align <= MALLOC_MIN_ALIGN && cls > 8))
		return kmalloc(size, GFP_KERNEL);
	obj = ALIGN_UP(MAX(cls, align), align);
	if (IS_POWER_OF_2(obj))
		return kmalloc(obj, GFP_KERNEL);
	/* Here 32 <= align <= 2048 and obj <= 8192 is a multiple of align. */
	shift = (unsigned int)__builtin_ctzl(align);
	slot = &aligned_caches[shift - ALIGN_SHIFT_MIN][obj >> shift];
	s = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (unlikely(!s)) {
		s = aligned_cache_create(slot, align, obj);
		if (!s)
			return NULL;
	}
	return kmem_cache_alloc(s, GFP_KERNEL);
}
