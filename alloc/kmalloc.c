// SPDX-License-Identifier: MIT
/*
 * alloc/kmalloc.c - general-purpose allocation over slab caches.
 *
 * Size classes: 8, then every 16 bytes to 128, then four classes per
 * doubling to 4 KiB (160 192 224 256 320 ... 3584 4096), then eight per
 * doubling to KMALLOC_MAX_CACHE_SIZE, 32 KiB (4608 5120 ... 30720 32768).
 * This includes the kernel's classes (8 16 32 64 96 128 192 256 512 ...
 * 8192) and bounds internal fragmentation at 25 % above 128 bytes and
 * 12.5 % above 4 KiB, where the kernel's power-of-two classes waste up to
 * 50 %: the rounding jemalloc and tcmalloc use, so that footprint
 * comparisons with them measure the allocators rather than their class
 * tables.  The finer steps above 4 KiB and the 32 KiB limit serve programs
 * that allocate a page plus a header (sqlite3's 8,344-byte pages: a 9 KiB
 * class, not a 12 KiB mapping) and many mid-sized buffers (a compiler's).  Every class
 * above 8 is a multiple of 16, so blocks are 16-byte aligned (max_align_t),
 * and a power-of-two class fills its slabs exactly, so its blocks are
 * naturally aligned, as the kernel guarantees.
 *
 * Up to 1 KiB, where most requests fall, the class is looked up: one load
 * from kmalloc_small, by (size - 1) / 8 (the kernel's size_index does the
 * same up to 192 bytes); above, it is computed from the size's top bits.
 *
 * Larger blocks, and blocks krealloc() grows past a page, are whole pages
 * from page.c (3 there: up to 1 MiB from the buddy system, beyond that a
 * mapping each, which krealloc() moves with mremap instead of copying),
 * registered in the page map with cache id 0.
 * Each holds the size asked for (ksize) and a guard word after it, which
 * kfree and krealloc check (see large_guard_set below), and once freed a
 * mark word in its first 8 bytes, checked when its first page is handed
 * out again (a write after free; see large_mark_set below).  kmalloc's
 * large blocks start on a page, as the kernel's; the C library's (the
 * malloc layer asks with KMALLOC_HEAD) start LARGE_HEAD bytes in, after a
 * guard word that an underrun overwrites (large_head below).
 *
 * Rules at the edges (as the kernel's):
 *   kmalloc(0)            ZERO_SIZE_PTR, which kfree/ksize/krealloc accept
 *   size > KMALLOC_MAX_SIZE, or n * size overflowing in kmalloc_array: NULL
 *   kfree(NULL), kfree(ZERO_SIZE_PTR): nothing
 *   krealloc(p, 0)        frees p, returns ZERO_SIZE_PTR
 *   kfree of a pointer slotslab never handed out (foreign, or inside an
 *   object): reported on stderr, ignored
 */
#include <limits.h>
#include <string.h>

#include "alloc/internal.h"

#define KMALLOC_CLASSES 53

static const unsigned int kmalloc_sizes[KMALLOC_CLASSES] = {
	8, 16, 32, 48, 64, 80, 96, 112, 128,
	160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024,
	1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096,
	4608, 5120, 5632, 6144, 6656, 7168, 7680, 8192,
	9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384,
	18432, 20480, 22528, 24576, 26624, 28672, 30720, 32768,
};

static char kmalloc_names[KMALLOC_CLASSES][24];
static bool large_redzone;	/* SLOTSLAB_DEBUG=Z for "kmalloc-large" */
static bool large_paged;	/* SLOTSLAB_DEBUG=P: a guard page before each */
static uint64_t large_secret;	/* keys the large blocks' guard words */
static bool kmalloc_debugged;	/* some size class has debugging on */

/*
 * The cache of a class not made yet, so that the tables below are never
 * NULL and the malloc fast path tests nothing before the thread cache:
 * its slot there is slot 0, which no cache has (id 0 means "not a slab",
 * id_alloc), so it reads avail 0 in every thread cache and every
 * allocation takes the slow path, which makes the class (kmalloc_uninit).
 * Nothing else is read from it.
 */
static struct kmem_cache kmalloc_unborn = { .tc_off = offsetof(struct tcache, slot) };
static struct kmem_cache *kmalloc_caches[KMALLOC_CLASSES] = {
	[0 ... KMALLOC_CLASSES - 1] = &kmalloc_unborn,
};

/*
 * The class of every size up to KMALLOC_SMALL_MAX, at (size - 1) / 8 (each
 * class below it is a multiple of 8): 5 instructions fewer than
 * kmalloc_index on the allocation fast path.  Filled with kmalloc_caches,
 * class by class (kmalloc_class_create); kmalloc_unborn before.
 */
#define KMALLOC_SMALL_MAX 1024
static struct kmem_cache *kmalloc_small[KMALLOC_SMALL_MAX / 8] = {
	[0 ... KMALLOC_SMALL_MAX / 8 - 1] = &kmalloc_unborn,
};

/* The class of @size, 1 <= size <= KMALLOC_MAX_CACHE_SIZE. */
static __always_inline unsigned int kmalloc_index(size_t size)
{
	unsigned int lg;

	if (size <= 8)
		return 0;
	if (size <= 128)
		return (unsigned int)((size + 15) >> 4);
	lg = 63 - (unsigned int)__builtin_clzl(size - 1);	/* 7 .. 14 */
	if (lg < 12)	/* up to 4 KiB: four classes per doubling */
		return 9 + (lg - 7) * 4 + (unsigned int)((size - 1 - (1UL << lg)) >> (lg - 2));
	/* 4 KiB to 32 KiB: eight per doubling */
	return 29 + (lg - 12) * 8 + (unsigned int)((size - 1 - (1UL << lg)) >> (lg - 3));
}

#define LARGE_GUARD sizeof(uint64_t)	/* the guard word of a large block, below */
/* A size that fills its pages gets a page more for its guard from here on. */
#define LARGE_GUARD_PAGE_MIN (256UL << 10)

/*
 * The bytes a large block of @size is allocated beyond it for its guard:
 * LARGE_GUARD, unless that would take a page more for a block under
 * LARGE_GUARD_PAGE_MIN (where a page is over 1.6 %: gcc's 64 KiB blocks
 * took +14 % replay time and +6 % RSS in page faults), which then has no
 * guard.
 */
static size_t large_guard_room(size_t size)
{
	if (ALIGN_UP(size, PAGE_SIZE) - size >= LARGE_GUARD || size >= LARGE_GUARD_PAGE_MIN)
		return LARGE_GUARD;
	return 0;
}

/*
 * Heads of the C library's large blocks.  A block the malloc layer asks
 * for (KMALLOC_HEAD) starts LARGE_HEAD bytes into its pages, as glibc's
 * chunks start after their header, and the word before the start is a
 * front guard keyed by the block's address, which kfree and krealloc check
 * with the guard word after the size: an underrun of 1 to 8 bytes, or a
 * longer one through those bytes, is caught at the block's free (glibc
 * catches those that reach its chunk header's size field).  The head
 * stays for the block's life (krealloc keeps the data where it is), and
 * the descriptor keeps it in colour_off, which slabs use for their
 * colour: large_mem() is the block's start either way.  None under
 * SLOTSLAB_DEBUG's Z or P (the red zone, or a guard page before every
 * block, do the work), and none where the head and the guard word after
 * the size would take a page more below LARGE_GUARD_PAGE_MIN (as for the
 * guard word alone).  kmalloc's own blocks (the kernel's API, page
 * aligned, as aligned.c relies on) have none.
 */
#define LARGE_HEAD 16

static size_t large_head(size_t size, gfp_t flags)
{
	if (!(flags & KMALLOC_HEAD) || large_redzone || large_paged)
		return 0;
	if (ALIGN_UP(size, PAGE_SIZE) - size >= LARGE_HEAD + LARGE_GUARD ||
	    size >= LARGE_GUARD_PAGE_MIN)
		return LARGE_HEAD;
	return 0;
}

static __always_inline char *large_mem(const struct slab *d)
{
	return d->base + d->colour_off;
}

/**
 * kmalloc_class_size - the size class @size rounds up to (for tests and
 * the object model's accounting); 0 above KMALLOC_MAX_CACHE_SIZE.
 */
size_t kmalloc_class_size(size_t size)
{
	if (size == 0 || size > KMALLOC_MAX_CACHE_SIZE)
		return 0;
	return kmalloc_sizes[kmalloc_index(size)];
}

size_t kmalloc_size_roundup(size_t size)
{
	if (size == 0 || size > KMALLOC_MAX_SIZE)
		return 0;
	if (size <= KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_sizes[kmalloc_index(size)];
	/* a large block holds the size asked for when a guard word follows it */
	return large_guard_room(size) ? size : ALIGN_UP(size, PAGE_SIZE);
}

/*
 * A size class's cache is made at its first allocation, not at init: a
 * program uses a few of the 53 classes, and each descriptor takes 640
 * bytes of its own (a tiny program's 9 resident pages of descriptors, 1
 * now).  Until then kmalloc_caches[i] and its kmalloc_small entries are
 * kmalloc_unborn, which every allocation path sends to kmalloc_uninit.
 * States of a class: kmalloc_unborn (none), then its cache for the
 * process's life, published (a release store; the readers' loads acquire)
 * after slab_create returns it whole.  Two threads that race both come
 * here, one after the other under slab_mutex, and the second finds the
 * first's cache.  This thread may hold slab_mutex already (cache_register
 * copies a user cache's name with kmalloc under it): slab_lock_nested
 * tells.
 */
static struct kmem_cache *kmalloc_class_create(unsigned int i)
{
	unsigned int size = kmalloc_sizes[i];
	/*
	 * Ask for the alignment the classes give anyway (16, and natural for
	 * powers of two), so that it survives debug red zones.
	 */
	unsigned int align = IS_POWER_OF_2(size) ? size : 16;
	bool locked = slab_lock_nested();
	struct kmem_cache *s = smp_load_acquire(&kmalloc_caches[i]);

	if (s == &kmalloc_unborn) {
		s = slab_create(kmalloc_names[i], size, MIN(align, (unsigned int)SLAB_MAX_ALIGN),
				SLAB_NO_MERGE, NULL, false);
		if (s) {
			if (debug_on(s))
				WRITE_ONCE(kmalloc_debugged, true);
			smp_store_release(&kmalloc_caches[i], s);
			for (unsigned int j = 0; j < KMALLOC_SMALL_MAX / 8; j++)
				if (kmalloc_index(8 * j + 8) == i)
					smp_store_release(&kmalloc_small[j], s);
		}
	}
	slab_unlock_nested(locked);
	return s;
}

/*
 * Name class @i "kmalloc-SIZE", or "kmalloc-Nk" for whole KiB.  By hand:
 * snprintf would bring stdio's formatting code into every program's
 * resident set at its first malloc (with sysconf, 190 KB more of libc's
 * text in a program that only mallocs: slab_common.c, possible_cpus).
 */
static void kmalloc_name(unsigned int i)
{
	static const char prefix[] = "kmalloc-";
	unsigned int v = kmalloc_sizes[i] % 1024 ? kmalloc_sizes[i] : kmalloc_sizes[i] / 1024;
	char digits[10], *d = kmalloc_names[i] + sizeof(prefix) - 1;
	unsigned int n = 0;

	_Static_assert(sizeof(kmalloc_names[0]) >= sizeof(prefix) + sizeof(digits) + 1,
		       "a class name fits");
	memcpy(kmalloc_names[i], prefix, sizeof(prefix) - 1);
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*d++ = digits[--n];
	if (kmalloc_sizes[i] % 1024 == 0)
		*d++ = 'k';
	*d = '\0';
}

void kmalloc_init(void)
{
	for (unsigned int i = 0; i < KMALLOC_CLASSES; i++)
		kmalloc_name(i);
	large_secret = slab_random() | 1;
	if (IS_ENABLED(CONFIG_SLAB_DEBUG)) {
		unsigned long f = debug_flags_for("kmalloc-large");

		large_redzone = f & SLAB_RED_ZONE;
		/* a use after free of a large block faults */
		large_paged = f & SLAB_POISON;
		page_protect_kept(large_paged);
	}
}

/*
 * Large blocks under SLOTSLAB_DEBUG=Z (the name "kmalloc-large"): the
 * block is LARGE_RZ bytes longer than asked for; from the size asked for
 * to the last word the bytes are SLAB_RED_ACTIVE, and the last word holds
 * the size.  kfree() checks them (an overrun of up to the rest of the page,
 * or any longer one that runs over it); krealloc() always moves such a
 * block.  The block still starts on a page, so no left red zone.
 */
#define LARGE_RZ 64

static size_t *large_rz_size(const struct slab *d)
{
	return (size_t *)(d->base + d->large_size) - 1;
}

/* The size asked for, for a red-zoned large block; else 0. */
static size_t large_rz_orig(const struct slab *d)
{
	size_t n;

	if (!large_redzone)
		return 0;
	n = *large_rz_size(d);
	return n < d->large_size - sizeof(size_t) ? n : 0;
}

/* Are the red zone bytes of large block @d intact?  Reports if not. */
static bool large_rz_ok(struct slab *d)
{
	size_t n = large_rz_orig(d), end = d->large_size - sizeof(size_t);
	char what[160];

	if (!large_redzone)
		return true;
	for (size_t i = n; n && i < end; i++) {
		if ((unsigned char)d->base[i] != SLAB_RED_ACTIVE) {
			snprintf(what, sizeof(what), "Redzone overwritten (overrun): large kmalloc "
				 "block %p of %zu bytes, byte %zu is %#x instead of %#x", d->base, n,
				 i, (unsigned char)d->base[i], SLAB_RED_ACTIVE);
			debug_bad_free(NULL, d->base, what,
				       "block quarantined: left allocated, never handed out again");
			return false;
		}
	}
	if (!n) {
		snprintf(what, sizeof(what), "Redzone overwritten (overrun): large kmalloc block "
			 "%p: its size word is gone", d->base);
		debug_bad_free(NULL, d->base, what,
			       "block quarantined: left allocated, never handed out again");
		return false;
	}
	return true;
}

/*
 * Every large block, in every build, unless Z's red zone above guards it:
 * a guard word of LARGE_GUARD bytes right after the size asked for, keyed
 * by the block's address, that size and a per-process secret (so no user
 * data matches it by chance); d->large_slack is large_size minus that size
 * (0: no guard: the slack is under 8 bytes or over 4 GiB).  kfree() and
 * krealloc() check it, so an overrun of one byte or more past the size is
 * caught at the block's free (glibc catches an overrun of a large chunk
 * only when it reaches the next chunk's header).  Costs 8 bytes per block
 * and one store; a block whose size fills its pages takes a page more
 * from LARGE_GUARD_PAGE_MIN on (glibc's 16-byte header takes one at any
 * size) and has no guard below it.
 */

/*
 * The guard of block @d at @size: keyed, but its first byte (the one a
 * 1-byte overrun writes; little-endian) is always SLAB_RED_ACTIVE, so that
 * such an overrun is missed only when it writes that byte, never when a
 * random key byte happens to equal what it writes (1 in 256).
 */
static uint64_t large_guard_word(const struct slab *d, size_t size)
{
	uint64_t g = large_secret ^ ((uint64_t)(uintptr_t)d->base + size) * 0x9E3779B97F4A7C15ULL;

	return (g & ~(uint64_t)0xff) | SLAB_RED_ACTIVE;
}

/*
 * The front guard of block @d (large_head above): keyed, but its last
 * byte (the one a 1-byte underrun writes) is always SLAB_RED_ACTIVE.
 */
static uint64_t large_front_word(const struct slab *d)
{
	uint64_t g = large_secret ^ (uint64_t)(uintptr_t)d->base * 0xD6E8FEB86659FD93ULL;

	return (g & ~(0xffULL << 56)) | ((uint64_t)SLAB_RED_ACTIVE << 56);
}

/* The size asked for of large block @d, with or without a guard. */
static size_t large_asked(const struct slab *d)
{
	return large_rz_orig(d) ?: d->large_size - d->colour_off - d->large_slack;
}

/*
 * Large block @d holds @size bytes for its caller: its guard goes there,
 * and a block with a head gets its front guard (again: a block mremap
 * moved is keyed anew), the word before it zeroed (no stale free mark).
 */
static void large_guard_set(struct slab *d, size_t size)
{
	size_t slack = d->large_size - d->colour_off - size;
	uint64_t g;

	if (d->colour_off) {
		g = large_front_word(d);
		memset(d->base, 0, LARGE_HEAD - LARGE_GUARD);
		memcpy(large_mem(d) - LARGE_GUARD, &g, sizeof(g));
	}
	if (large_redzone || slack < LARGE_GUARD || slack > UINT_MAX) {
		d->large_slack = 0;
		return;
	}
	g = large_guard_word(d, size);
	memcpy(large_mem(d) + size, &g, sizeof(g));
	d->large_slack = (unsigned int)slack;
}

/* Is the front guard of large block @d intact (true for a block without one)? */
static __always_inline bool large_front_intact(const struct slab *d)
{
	uint64_t g;

	if (!d->colour_off)
		return true;
	memcpy(&g, large_mem(d) - LARGE_GUARD, sizeof(g));
	return g == large_front_word(d);
}

/* Is the guard word after @size bytes of large block @d intact? */
static __always_inline bool large_tail_intact(const struct slab *d, size_t size)
{
	uint64_t g;

	memcpy(&g, large_mem(d) + size, sizeof(g));
	return g == large_guard_word(d, size);
}

/* Are large block @d's guards intact?  Reports if not (the caller keeps it). */
static bool large_guard_ok(struct slab *d)
{
	size_t size = d->large_size - d->colour_off - d->large_slack;
	char what[160];

	if (unlikely(!large_front_intact(d))) {
		snprintf(what, sizeof(what), "Guard word overwritten (underrun): large "
			 "kmalloc block %p of %zu bytes, the 8 bytes before its start "
			 "changed", large_mem(d), size);
		debug_bad_free(NULL, large_mem(d), what,
			       "block quarantined: left allocated, never handed out again");
		return false;
	}
	if (!d->large_slack)
		return large_rz_ok(d);
	if (likely(large_tail_intact(d, size)))
		return true;
	snprintf(what, sizeof(what), "Guard word overwritten (overrun): large kmalloc "
		 "block %p of %zu bytes, the 8 bytes past its end changed", large_mem(d), size);
	debug_bad_free(NULL, large_mem(d), what,
		       "block quarantined: left allocated, never handed out again");
	return false;
}

/*
 * Large block @d, grown where it is from @old to @new_size bytes (@room:
 * what its pages held for the caller before): the bytes now the caller's
 * keep no guard word of the old size (read back, it would tell the secret
 * that keys it), and with @zero (__GFP_ZERO) none of what a shrink left in
 * the old pages either; pages added read as zeros unless @dirty.
 */
static __always_inline void large_grown_clear(struct slab *d, size_t old, size_t new_size,
					      size_t room, bool zero, bool dirty)
{
	uint64_t z = 0;

	if (new_size <= old)
		return;
	if (zero)
		memset(large_mem(d) + old, 0, (dirty ? new_size : MIN(new_size, room)) - old);
	else if (old + LARGE_GUARD <= room)	/* one store; what passes the size is slack */
		memcpy(large_mem(d) + old, &z, sizeof(z));
}

/*
 * large_resize_here - large block @d holds @new_size bytes where it is, if
 * its pages have room for them and the guard word after them and it keeps
 * more than half of them (krealloc's rule below), and it has guards (no Z
 * red zone, a guard word now).  Both guards are checked first, as
 * large_guard_ok() does; then the guard after the size moves, and the
 * grown part is cleared (large_grown_clear: with @zero all of it, else the
 * old guard's word).  Return: whether it did; false changes nothing, and
 * krealloc's general path decides (and reports a broken guard).  A buffer
 * grown by appends takes this path at nearly every realloc: ~110
 * instructions for the malloc layer's whole realloc, where the general
 * path took ~240 (callgrind, bench/workloads/reallocs).
 */
static __always_inline bool large_resize_here(struct slab *d, size_t new_size, bool zero)
{
	size_t room = d->large_size - d->colour_off, old;
	uint64_t g;

	if (large_redzone || !d->large_slack || new_size > room - LARGE_GUARD ||
	    new_size <= d->large_size / 2 || room - new_size > UINT_MAX)
		return false;
	old = room - d->large_slack;
	if (unlikely(!large_front_intact(d) || !large_tail_intact(d, old)))
		return false;
	large_grown_clear(d, old, new_size, room, zero, false);
	g = large_guard_word(d, new_size);
	memcpy(large_mem(d) + new_size, &g, sizeof(g));
	d->large_slack = (unsigned int)(room - new_size);
	return true;
}

/**
 * krealloc_in_place - @p at @new_size where it is, if @p is a large block
 * whose pages hold that size (large_resize_here); else NULL, nothing done.
 * The malloc layer's realloc tries it first for sizes above a page.
 */
void *krealloc_in_place(const void *p, size_t new_size)
{
	uint64_t e = pagemap_lookup(p);
	struct slab *d = pm_slab(e);

	if (pm_id(e) || !e || large_mem(d) != (const char *)p)
		return NULL;
	return large_resize_here(d, new_size, false) ? (void *)p : NULL;
}

/*
 * Free marks, in every build: kfree() of a large block writes a mark word,
 * keyed by the block's address and the per-process secret (so no user data
 * matches it by chance), in its first 8 bytes, and page.c remembers that
 * the block's first page holds one (page.c 6: forgotten when the page is
 * purged, which zeroes it, or handed out to anyone).  When page.c hands
 * that page out again as the head of a large block, a word other than the
 * mark was written after the free: reported (abort under the C library's
 * convention; under the kernel's, the block is quarantined, left
 * allocated, and another one taken).  A write after free that spares the
 * first word, or whose page was handed out as a slab or purged first, is
 * not caught.  Costs a store at free and a load at reuse, in the block's
 * first line; under Valgrind, memcheck is told these are the allocator's.
 */
static uint64_t large_mark_word(const char *at)
{
	return ~large_secret ^ (uint64_t)(uintptr_t)at * 0xC2B2AE3D27D4EB4FULL;
}

static void large_mark_set(struct slab *d)
{
	uint64_t m = large_mark_word(d->base);

	vg_open_undefined(large_mem(d), sizeof(m));	/* the user's block still, until its free */
	memcpy(large_mem(d), &m, sizeof(m));
}

/*
 * Does large block @d, just handed out, still hold the free mark keyed with
 * @mark (its address when freed)?  Reports if not.  The word is undefined
 * to memcheck afterwards, as the rest of a reused block.
 */
static bool large_mark_ok(struct slab *d, const char *mark)
{
	char what[192];
	uint64_t g, h;

	/* at the start of the block that was freed: with a head or without */
	vg_open(d->base, LARGE_HEAD + sizeof(h));
	memcpy(&g, d->base, sizeof(g));
	memcpy(&h, d->base + LARGE_HEAD, sizeof(h));
	vg_open_undefined(d->base, LARGE_HEAD + sizeof(h));
	if (likely(g == large_mark_word(mark) || h == large_mark_word(mark)))
		return true;
	snprintf(what, sizeof(what), "Write after free: large kmalloc block %p (%zu bytes "
		 "mapped), its first 8 bytes changed since its free", d->base, d->large_size);
	debug_bad_free(NULL, d->base, what,
		       "block quarantined: left allocated, never handed out again");
	return false;
}

/*
 * The free mark a block handed out again still holds, checked: zeroed
 * where large_mark_ok() looks, so that its new user cannot read a word
 * keyed by the secret (glibc clears its tcache key the same way).
 */
static void large_mark_clear(struct slab *d)
{
	vg_open(d->base, LARGE_HEAD + sizeof(uint64_t));
	memset(d->base, 0, LARGE_HEAD + sizeof(uint64_t));
	vg_open_undefined(d->base, LARGE_HEAD + sizeof(uint64_t));
}

/*
 * Large block @d, of which the first @dirty bytes may be resident, is
 * about to be written up to @end: prefault the rest of that (page.c 8).
 */
static void large_prefault(struct slab *d, size_t dirty, size_t end)
{
	size_t lo = ALIGN_DOWN(dirty, PAGE_SIZE);

	end = ALIGN_UP(MIN(end, d->large_size), PAGE_SIZE);
	if (end > lo)
		page_prefault(d->base + lo, end - lo);
}

/*
 * A large block of @size bytes, of which its caller will write the first
 * @touch <= @size bytes for certain (krealloc's copy), or SIZE_MAX: as
 * many as it asked for, a guess that prefaults at most prefault_max of
 * them (page.c 8); none with __GFP_ZERO, whose fresh pages read as zeros
 * untouched.  Under P the rest is filled with SLAB_POISON_FREE, as a
 * small object handed out still holds the poison of its free: memory the
 * program reads before it writes it is junk, not zeros (a pointer
 * followed from it faults), whatever the block's size.
 */
static __cold void *kmalloc_large_touch(size_t size, gfp_t flags, size_t touch)
{
	struct slab *d;
	const char *mark;
	size_t dirty, head, copy = touch == SIZE_MAX ? 0 : touch;
	bool junk;

	if (size == 0)
		return ZERO_SIZE_PTR;
	if (size > KMALLOC_MAX_SIZE || should_failslab(NULL))
		return NULL;
	slab_init();	/* reads SLOTSLAB_DEBUG */
	junk = large_paged && !(flags & __GFP_ZERO);
	head = large_head(size, flags);
	do {	/* a block written after its free stays allocated: take another */
		size_t bytes = head + size + (large_redzone ? LARGE_RZ :
					      large_guard_room(head + size));

		d = flags & KMALLOC_GROWING ? page_large_alloc_growing(bytes, &dirty, &mark)
					    : page_large_alloc(bytes, &dirty, &mark);
		if (!d)
			return NULL;
	} while (unlikely(mark) && !large_mark_ok(d, mark));
	if (mark)
		large_mark_clear(d);
	if (d->chunk && dirty < d->large_size)	/* the heap grew: scavenge (magazine.c 8) */
		mag_note_growth(NULL, d->large_size - dirty);
	d->colour_off = (unsigned int)head;
	if (junk)
		touch = size;
	else if (touch == SIZE_MAX)
		touch = MIN(size, prefault_max);
	if (!(flags & __GFP_ZERO) && touch)
		large_prefault(d, dirty, head + touch);
	if (junk)
		memset(d->base + head + copy, SLAB_POISON_FREE, size - copy);
	/* New pages read as zeros; what was resident before may not. */
	if (flags & __GFP_ZERO)
		page_large_zero(d, MIN(head + size, dirty));
	if (large_redzone) {
		memset(d->base + size, SLAB_RED_ACTIVE, d->large_size - sizeof(size_t) - size);
		*large_rz_size(d) = size;
	}
	large_guard_set(d, size);
	return large_mem(d);
}

static __cold void *kmalloc_large(size_t size, gfp_t flags)
{
	return kmalloc_large_touch(size, flags, SIZE_MAX);
}

/* an allocation of a class not made yet (kmalloc_class_create) */
static __cold void *kmalloc_uninit(size_t size, gfp_t flags)
{
	unsigned int i = kmalloc_index(size);
	struct kmem_cache *s;

	slab_init();
	s = smp_load_acquire(&kmalloc_caches[i]);
	if (s == &kmalloc_unborn)
		s = kmalloc_class_create(i);
	return s ? slab_alloc_sized(s, flags, _RET_IP_, size) : NULL;
}

/**
 * kmalloc_alloc_slow - kmalloc's slow path: an object, and for a red-zoned
 * cache the requested @size kept, the bytes beyond it red (SLUB's orig_size)
 */
__attribute__((noinline)) void *kmalloc_alloc_slow(struct kmem_cache *s, gfp_t gfp,
						 unsigned long ip, size_t size)
{
	void *obj = mag_alloc_slow(s, gfp, ip);

	if (obj && debug_on(s))
		debug_set_orig_size(s, obj, size);
	return obj;
}

static __always_inline void *kmalloc_inline(size_t size, gfp_t flags, unsigned long ip)
{
	struct kmem_cache *s;

	if (likely(size - 1 < KMALLOC_SMALL_MAX))	/* size 0 wraps: large */
		s = smp_load_acquire(&kmalloc_small[(size - 1) / 8]);
	else if (likely(size - 1 < KMALLOC_MAX_CACHE_SIZE))
		s = smp_load_acquire(&kmalloc_caches[kmalloc_index(size)]);
	else
		return kmalloc_large(size, flags);
	if (unlikely(s == &kmalloc_unborn))
		return kmalloc_uninit(size, flags);
	return slab_alloc_sized(s, flags, ip, size);
}

__fast_path void *kmalloc(size_t size, gfp_t flags)
{
	return kmalloc_inline(size, flags, _RET_IP_);
}

/* kmalloc_or() past its fast path: everything kmalloc does, then @fallback */
static __noinline void *kmalloc_or_slow(size_t size, void *(*fallback)(void *),
					 unsigned long ip)
{
	void *p = kmalloc_inline(size, GFP_KERNEL | KMALLOC_HEAD, ip);

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return fallback(p);
	return p;
}

/*
 * kmalloc_or - kmalloc(@size, GFP_KERNEL | KMALLOC_HEAD) for the C malloc API: what
 * kmalloc would return as ZERO_SIZE_PTR or NULL goes through @fallback
 * instead.  The malloc layer's malloc() is then one jump here, with no
 * frame of its own on the fast path.
 */
__fast_path void *kmalloc_or(size_t size, void *(*fallback)(void *))
{
	/*
	 * kmalloc_inline's fast path, whose object needs no test, for every
	 * size class: above KMALLOC_SMALL_MAX the class is computed here too
	 * (bench/workloads/randsize, 38 % of its sizes over 1 KiB: 198M -> 192M
	 * instructions for 1M steps; a lookup table to 4 KiB saved 185M but
	 * missed the L1 cache 5 % more often, cachegrind).
	 */
	struct kmem_cache *s;
	struct tc_slot *slot;
	unsigned int avail;

	if (likely(size - 1 < KMALLOC_SMALL_MAX))
		s = smp_load_acquire(&kmalloc_small[(size - 1) / 8]);
	else if (likely(size - 1 < KMALLOC_MAX_CACHE_SIZE))
		s = smp_load_acquire(&kmalloc_caches[kmalloc_index(size)]);
	else
		return kmalloc_or_slow(size, fallback, _RET_IP_);
	/* never NULL: a class not made yet is kmalloc_unborn, whose slot is empty */
	slot = tc_slot_of(tls_tc, s);
	avail = slot->avail;
	if (likely(avail != 0)) {
		/* counted here, so failed here: the slow path would count it again */
		if (should_failslab(s))
			return fallback(NULL);
		return mag_pop(s, slot, avail, GFP_KERNEL);
	}
	return kmalloc_or_slow(size, fallback, _RET_IP_);
}

void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, flags);
}

static __cold void kfree_slow(const void *p, uint64_t e)
{
	struct slab *d = pm_slab(e);

	if (ZERO_OR_NULL_PTR(p))
		return;
	if (e && !pm_id(e) && large_mem(d) == (const char *)p) {
		if (large_guard_ok(d)) {
			large_mark_set(d);
			page_large_free(d, true);
		}
		return;
	}
	slab_invalid_free(debug_libc_convention() ? "free" : "kfree", p, e);
}

/**
 * slab_invalid_free - report a free by @who of @p, which is no block's
 * start (page-map entry @e): never touched, the free ignored (or abort,
 * as the error convention says)
 */
__cold void slab_invalid_free(const char *who, const void *p, uint64_t e)
{
	char what[192];
	const char *why;
	size_t parked = e ? 0 : page_large_parked(p);

	if (parked) {
		snprintf(what, sizeof(what), "%s(): block %p freed already (a large block of "
			 "%zu bytes, parked): a double free or a use after free", who, p, parked);
		debug_bad_free(NULL, p, what, "free ignored");
		return;
	}
	if (!e)
		why = (uintptr_t)p < PAGE_SIZE ? "a low address, never a block" :
		      "was not allocated by slotslab (or is a large block freed already)";
	else if (pm_id(e))
		why = "is not an object's start (interior or unaligned pointer)";
	else
		why = "is inside a large kmalloc block, not its start";
	snprintf(what, sizeof(what), "%s(): invalid pointer %p: %s", who, p, why);
	debug_bad_free(pm_id(e) ? cache_of(pm_id(e)) : NULL, p, what,
		       "free ignored");
}

/** kmalloc_double_free - report @who's second free of @p, a block of the caller's own kind */
__cold void kmalloc_double_free(const char *who, const void *p)
{
	char what[96];

	snprintf(what, sizeof(what), "%s(): double free of %p (a block of 0 bytes)", who, p);
	debug_bad_free(NULL, p, what, "free ignored");
}

/**
 * kmalloc_resized - block @p keeps its place at @size bytes: a red-zoned
 * one moves its red zone there
 */
void kmalloc_resized(const void *p, size_t size)
{
	uint64_t e;
	struct kmem_cache *s;

	if (likely(!READ_ONCE(kmalloc_debugged)))	/* no class keeps a requested size */
		return;
	e = pagemap_lookup(p);
	s = pm_id(e) ? cache_of(pm_id(e)) : NULL;
	if (s && debug_on(s) && obj_offset_ok(s, p, e))
		debug_set_orig_size(s, (void *)p, size);
}

/** kmalloc_invalid - slab_invalid_free() for the malloc layer */
__cold void kmalloc_invalid(const char *who, const void *p)
{
	slab_invalid_free(who, p, pagemap_lookup(p));
}

/*
 * kfree of @p, whose page-map entry is @e, with @not_ours (when not NULL)
 * taking a pointer the page map knows nothing of: NULL, a low address, a
 * block of another allocator.
 */
static __always_inline void kfree_at(const void *p, uint64_t e, void (*not_ours)(void *),
				     unsigned long ip)
{
	unsigned int id = pm_id(e);

	if (likely(id)) {
		struct kmem_cache *s = cache_of(id);

		if (likely(obj_offset_ok(s, p, e))) {
			slab_free(s, (void *)p, ip);
			return;
		}
	}
	if (not_ours && !e) {
		not_ours((void *)p);
		return;
	}
	kfree_slow(p, e);
}

/* kfree_inline() of a pointer outside the page map's window: out of line */
static __noinline void kfree_far(const void *p, void (*not_ours)(void *), unsigned long ip)
{
	kfree_at(p, pagemap_lookup_far(p), not_ours, ip);
}

static __always_inline void kfree_inline(const void *p, void (*not_ours)(void *),
					 unsigned long ip)
{
	uint64_t e;

	if (unlikely(!pagemap_lookup_near(p, &e))) {
		kfree_far(p, not_ours, ip);	/* a jump: the fast path keeps no frame */
		return;
	}
	kfree_at(p, e, not_ours, ip);
}

__fast_path void kfree(const void *p)
{
	kfree_inline(p, NULL, _RET_IP_);
}

/*
 * kfree_or - kfree(@p), where a pointer the page map does not know (no
 * block of slotslab's has its first page there) goes to @not_ours instead:
 * the malloc layer's free() is one jump here, and its own blocks (zero-size
 * and huge ones) and NULL are found on the slow path.
 */
__fast_path void kfree_or(const void *p, void (*not_ours)(void *))
{
	kfree_inline(p, not_ours, _RET_IP_);
}

/*
 * kmalloc_capacity() of @p, whose page map entry is @e; *@large is its
 * large block's descriptor, or NULL for an object of a cache (or none).
 */
static __always_inline size_t capacity_at(const void *p, uint64_t e, struct slab **large)
{
	*large = NULL;
	if (likely(pm_id(e))) {
		const struct kmem_cache *s = cache_of(pm_id(e));

		/* a pointer into an object is none (realloc reports it, as free) */
		return obj_offset_ok(s, p, e) ? s->object_size : 0;
	}
	if (e && large_mem(pm_slab(e)) == (const char *)p) {
		*large = pm_slab(e);
		return large_asked(*large);
	}
	return 0;
}

/**
 * kmalloc_capacity - the bytes block @p can hold where it is: its size
 * class or its pages; 0 for NULL, ZERO_SIZE_PTR, a pointer slotslab did
 * not hand out, or one into a block, not its start
 */
static __always_inline size_t capacity_of(const void *p)
{
	struct slab *d;

	if (ZERO_OR_NULL_PTR(p))
		return 0;
	return capacity_at(p, pagemap_lookup(p), &d);
}

size_t kmalloc_capacity(const void *p)
{
	return capacity_of(p);
}

/* ksize() of a block whose red zone goes: out of line, so ksize keeps no frame */
static __noinline size_t ksize_resized(const void *p, size_t n)
{
	kmalloc_resized(p, n);
	return n;
}

/* ksize() of @p, whose page-map entry is @e */
static __always_inline size_t ksize_at(const void *p, uint64_t e)
{
	struct slab *d;
	size_t n = capacity_at(p, e, &d);

	/* The caller may use it all: a red-zoned block gives up its kmalloc red zone. */
	if (unlikely(READ_ONCE(kmalloc_debugged)) && n && n <= KMALLOC_MAX_CACHE_SIZE)
		return ksize_resized(p, n);
	return n;
}

/* ksize() of a pointer outside the page map's window (NULL among them) */
static __noinline size_t ksize_far(const void *p)
{
	if (ZERO_OR_NULL_PTR(p))
		return 0;
	return ksize_at(p, pagemap_lookup_far(p));
}

/*
 * ksize - kmalloc_capacity(@p), inlined: malloc_usable_size() is this, and
 * programs (and slotslab replay, to count the bytes held) may call it
 * after every allocation and before every free.  A pointer inside the
 * window is never NULL or ZERO_SIZE_PTR but where the window starts at 0,
 * and there its entry is 0: no block.
 */
size_t ksize(const void *p)
{
	uint64_t e;

	if (unlikely(!pagemap_lookup_near(p, &e)))
		return ksize_far(p);	/* a jump */
	return ksize_at(p, e);
}

/**
 * kmalloc_grow_size - what a block of @old bytes that must move to hold
 * @size bytes is allocated at: above a page, @size and a quarter more,
 * so that a buffer grown by small appends moves (and is copied) once per
 * 25 % of growth, not at every page or at each of the eight classes per
 * doubling; else @size, whose class gives the headroom.
 */
size_t kmalloc_grow_size(size_t old, size_t size)
{
	size_t more = size + size / 4;

	if (size <= old || size <= PAGE_SIZE || more > KMALLOC_MAX_SIZE)
		return size;
	return more;
}

void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	struct slab *d;		/* @p's large block, or NULL */
	size_t old;
	uint64_t e;
	void *q;

	if (ZERO_OR_NULL_PTR(p))
		return kmalloc(new_size, flags);
	if (new_size == 0) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	e = pagemap_lookup(p);	/* once: a growing buffer's realloc is mostly this */
	old = capacity_at(p, e, &d);
	if (old == 0) {
		if (!(flags & __GFP_NOWARN))
			slab_invalid_free("krealloc", p, e);
		return NULL;
	}
	if (d && large_resize_here(d, new_size, flags & __GFP_ZERO))
		return (void *)p;	/* the common case of a growing buffer */
	if (d && !large_guard_ok(d))
		return NULL;	/* overrun: reported, the block kept as it is */
	if (d && large_redzone) {
		/* a red-zoned large block always moves */
	} else if (d && (new_size > KMALLOC_MAX_CACHE_SIZE || new_size > old)) {
		size_t head = d->colour_off;	/* kept: the data stays where it is */
		size_t want = head + new_size + large_guard_room(head + new_size);

		/*
		 * Large to large.  A block that holds the size and keeps more
		 * than half of it stays as it is, headroom and all.  Else in
		 * place where page.c can (a block in a chunk shrinks, or grows
		 * over the free pages after it; one mapped alone grows or
		 * shrinks with mremap, no copy, its fresh pages zero), growing
		 * with the headroom a move would give, else to the size asked
		 * for; else copied below.
		 */
		if (new_size > KMALLOC_MAX_SIZE)
			return NULL;
		size_t room = d->large_size - head;	/* before a resize */

		if (want <= d->large_size && new_size > d->large_size / 2) {
			large_grown_clear(d, old, new_size, room, flags & __GFP_ZERO, false);
			large_guard_set(d, new_size);
			return (void *)p;
		}
		int r = page_large_resize(d, kmalloc_grow_size(old, want));

		if (r < 0 && new_size > old)
			r = page_large_resize(d, want);
		if (r >= 0) {
			/* r == 1: pages taken from free blocks or a kept mapping may have been used */
			if (r == 0 && !(flags & __GFP_ZERO) && new_size > old)	/* fresh, to be written */
				large_prefault(d, head + old, head + old + MIN(new_size - old, prefault_max));
			large_grown_clear(d, old, new_size, room, flags & __GFP_ZERO, r == 1);
			large_guard_set(d, new_size);
			return large_mem(d);
		}
		large_guard_set(d, old);	/* it may have grown: its guard's slack */
	}
	if (new_size <= old && (!d || (new_size > old / 2 && !large_redzone))) {
		/* Fits where it is (the kernel keeps the block too). */
		if (d)
			large_guard_set(d, new_size);
		else
			kmalloc_resized(p, new_size);
		return (void *)p;
	}
	/*
	 * Grown past a page, it leaves the size classes for a block of pages,
	 * which grows in place (above) while the pages after it are free, and
	 * is cut from a kept mapping if there is one (page.c 5): a buffer
	 * grown by appends from 4 to 32 KiB moved 9 times through the
	 * classes, now 1-2 times, and leaves no slabs of those classes behind.
	 */
	if (new_size > old && new_size > PAGE_SIZE)
		q = kmalloc_large_touch(kmalloc_grow_size(old, new_size),
					(flags & ~__GFP_ZERO) | KMALLOC_GROWING, MIN(old, new_size));
	else
		q = kmalloc(kmalloc_grow_size(old, new_size), flags & ~__GFP_ZERO);
	if (!q)
		return NULL;
	memcpy(q, p, MIN(old, new_size));
	if ((flags & __GFP_ZERO) && new_size > old)
		memset((char *)q + old, 0, new_size - old);
	kfree(p);
	e = pagemap_lookup(q);
	if (pm_id(e) == 0)
		large_guard_set(pm_slab(e), new_size);	/* at the size asked for, not the headroom */
	return q;
}

/* kmalloc() for the C malloc API: a large block has a head (large_head) */
void *kmalloc_c(size_t size, gfp_t flags)
{
	return kmalloc_inline(size, flags | KMALLOC_HEAD, _RET_IP_);
}

/* krealloc() for the C malloc API: a block it moves gets a head */
void *krealloc_c(const void *p, size_t new_size, gfp_t flags)
{
	return krealloc(p, new_size, flags | KMALLOC_HEAD);
}
