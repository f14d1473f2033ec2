// SPDX-License-Identifier: MIT
/*
 * tests/alloc/test_page.c - white-box tests of page.c and pagemap.c: natural
 * alignment of slab blocks of every order, page-map entries for every page
 * of a slab, foreign addresses, large blocks registered on their first
 * page only, chunks going back to the OS when their blocks are free, and
 * the buddy system: freed blocks merge and serve other orders, dirty
 * memory first, clean memory reading as zeros, new memory (a clean block,
 * a mapping of its own) purging old dirty memory, freed mappings kept
 * and cut or grown for the next large blocks.  And the always-on free
 * check built on the page map: obj_belongs() accepts exactly the object
 * starts, byte by byte over whole slabs of many geometries.  And the free
 * marks of large blocks: remembered at a marked free, reported when the
 * block's first page is handed out again unpurged, forgotten by a purge,
 * by any allocation over the page, and by the rest of a split mapping.
 * And a new chunk's untouched part faults, and a refused opening fails
 * the allocation cleanly.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* more than MAP_KEPT_MAX, to see the oldest go */
#define MAP_KEPT_MAX_TEST (MAP_KEPT_MAX + 8)

#include "tests/lib/testutil.h"
#include "alloc/internal.h"
#include "alloc/hooks.h"

/* where page_large_alloc says a free mark is (page.c 6) */
static const char *mark;

static void test_natural_alignment_every_order(void **state)
{
	for (unsigned int order = 0; order < CHUNK_ORDER; order++) {
		struct slab *s[5];

		for (int i = 0; i < 5; i++) {
			size_t bytes = PAGE_SIZE << order;

			s[i] = page_slab_alloc(order, 77, (unsigned int)i);
			assert_non_null(s[i]);
			assert_int_equal((uintptr_t)s[i]->base % bytes, 0);
			assert_int_equal(s[i]->order, order);
			/* every page maps back to the descriptor, id and colour */
			for (size_t off = 0; off < bytes; off += PAGE_SIZE) {
				uint64_t e = pagemap_lookup(s[i]->base + off + 123);

				assert_ptr_equal(pm_slab(e), s[i]);
				assert_int_equal(pm_id(e), 77);
				assert_int_equal(e & PM_COLOUR_MASK, (uint64_t)i);
			}
			memset(s[i]->base, 0x5a, bytes);	/* writable */
		}
		for (int i = 0; i < 5; i++) {
			char *base = s[i]->base;

			page_slab_free(s[i]);
			assert_int_equal(pagemap_lookup(base), 0);
		}
	}
}

static void test_foreign_addresses(void **state)
{
	int local;
	void *heap = malloc(100);
	void *map = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_int_equal(pagemap_lookup(&local), 0);
	assert_int_equal(pagemap_lookup(heap), 0);
	assert_int_equal(pagemap_lookup(map), 0);
	assert_int_equal(pagemap_lookup(NULL), 0);
	assert_int_equal(pagemap_lookup((void *)(1UL << 47)), 0);
	assert_int_equal(pagemap_lookup((void *)~0UL), 0);
	free(heap);
	munmap(map, 4096);
}

/*
 * The page map's window (pagemap.c): a slab's entry is read there with one
 * load, and the radix tree holds the same leaf; an address outside the
 * window is mapped by the tree alone, and reads the same either way.
 */
static void test_pagemap_window(void **state)
{
	const uintptr_t span = 1UL << PM_WINDOW_BITS, top = 1UL << 47;
	struct slab *s = page_slab_alloc(0, 9, 0);
	uint64_t want, e = 0;
	uintptr_t base, far;

	(void)state;
	assert_non_null(s);
	base = __atomic_load_n(&pm_window_base, __ATOMIC_ACQUIRE);
	assert_true(base <= top - span);	/* reserved, inside the user space */
	assert_true(pagemap_lookup_near(s->base, &e));
	assert_int_equal(pm_id(e), 9);
	assert_int_equal(pagemap_lookup_far(s->base), e);

	/* a page beyond the window's end, or else below its base */
	far = base + 2 * span <= top ? base + span + 3 * PAGE_SIZE : base - 5 * PAGE_SIZE;
	assert_false(pagemap_lookup_near((void *)far, &e));
	assert_int_equal(pagemap_lookup((void *)far), 0);
	want = pm_entry(s, 11, 3);
	assert_int_equal(pagemap_set((void *)far, 2, want), 0);
	assert_int_equal(pagemap_lookup((void *)far), want);
	assert_int_equal(pagemap_lookup((void *)(far + PAGE_SIZE + 17)), want);
	assert_int_equal(pagemap_lookup((void *)(far + 2 * PAGE_SIZE)), 0);
	pagemap_clear((void *)far, 2);
	assert_int_equal(pagemap_lookup((void *)far), 0);

	/*
	 * Read-only but for the leaves in use: the slab's leaf is writable,
	 * a leaf 32 leaves away (4 GiB) that nothing registered is not.
	 */
	{
		uintptr_t used = (uintptr_t)pm_window +
				 ((uintptr_t)s->base - base) / (1UL << (PAGE_SHIFT + PM_LEAF_BITS)) *
				 sizeof(struct pm_leaf);
		uintptr_t other = (uintptr_t)s->base - base >= span / 2 ?
				  used - 32 * sizeof(struct pm_leaf) : used + 32 * sizeof(struct pm_leaf);
		assert_string_equal(test_map_perms((void *)used), "rw-p");
		assert_string_equal(test_map_perms((void *)other), "r--p");
	}

	/* the window's first and last pages, and its neighbours outside */
	assert_false(pagemap_lookup_near((void *)(base - 1), &e));
	assert_true(pagemap_lookup_near((void *)base, &e));
	assert_true(pagemap_lookup_near((void *)(base + span - 1), &e));
	assert_false(pagemap_lookup_near((void *)(base + span), &e));
	page_slab_free(s);
}

static void test_large_first_page_only(void **state)
{
	size_t dirty;
	struct slab *d, *big;
	char *base;

	page_purge();	/* every free page clean: d's tail too */
	d = page_large_alloc(5 * PAGE_SIZE + 1, &dirty, &mark);
	big = page_large_alloc(CHUNK_SIZE, &dirty, &mark);

	assert_non_null(d);
	assert_int_equal(d->large_size, 6 * PAGE_SIZE);
	assert_int_equal((uintptr_t)d->base % PAGE_SIZE, 0);
	assert_ptr_equal(pm_slab(pagemap_lookup(d->base)), d);
	assert_int_equal(pm_id(pagemap_lookup(d->base)), 0);
	assert_int_equal(pagemap_lookup(d->base + PAGE_SIZE), 0);
	/* a block in a chunk grows over its own free tail, and shrinks, in place */
	base = d->base;
	assert_int_equal(page_large_resize(d, 8 * PAGE_SIZE), 0);	/* over its clean tail */
	assert_ptr_equal(d->base, base);
	assert_int_equal(d->large_size, 8 * PAGE_SIZE);
	assert_int_equal(page_validate(), 0);
	assert_int_equal(page_large_resize(d, 3 * PAGE_SIZE), 0);
	assert_ptr_equal(d->base, base);
	assert_int_equal(d->large_size, 3 * PAGE_SIZE);
	assert_ptr_equal(pm_slab(pagemap_lookup(d->base)), d);
	page_large_free(d, false);
	/* a block mapped on its own grows with mremap and stays registered */
	assert_non_null(big);
	assert_null(big->chunk);
	assert_true(page_large_resize(big, 2 * CHUNK_SIZE) >= 0);
	assert_int_equal(big->large_size, 2 * CHUNK_SIZE);
	assert_ptr_equal(pm_slab(pagemap_lookup(big->base)), big);
	page_large_free(big, false);
}

/*
 * A block in a chunk grows in place over the free blocks after it (the
 * rest of the last one goes back), and not over a block in use: then the
 * caller copies.  Its bytes stay; the page map and lists stay valid.
 */
static void test_large_grows_in_place(void **state)
{
	enum { N = 2 * (1 << CHUNK_ORDER) / 8 };	/* 8-page blocks: two chunks' worth */
	struct slab *b[N], *x = NULL, *y = NULL, *z = NULL;
	size_t dirty;

	page_purge();
	for (unsigned int k = 0; k < N; k++) {
		assert_non_null(b[k] = page_large_alloc(8 * PAGE_SIZE, &dirty, &mark));
		vg_open(b[k]->base, 8 * PAGE_SIZE);
		memset(b[k]->base, (int)k, 8 * PAGE_SIZE);
	}
	for (unsigned int k = 0; k < N && !z; k++) {	/* three neighbours x, y, z */
		x = b[k];
		y = z = NULL;
		for (unsigned int l = 0; l < N; l++)
			if (b[l]->base == x->base + 8 * PAGE_SIZE)
				y = b[l];
		for (unsigned int l = 0; y && l < N; l++)
			if (b[l]->base == y->base + 8 * PAGE_SIZE)
				z = b[l];
	}
	assert_non_null(z);
	assert_int_equal(page_large_resize(x, 9 * PAGE_SIZE), -1);	/* y is in use */
	assert_int_equal(x->large_size, 8 * PAGE_SIZE);
	page_large_free(y, false);
	assert_int_equal(page_validate(), 0);
	assert_int_equal(page_large_resize(x, 13 * PAGE_SIZE), 1);	/* over y's pages */
	assert_int_equal(x->large_size, 13 * PAGE_SIZE);
	assert_ptr_equal(pm_slab(pagemap_lookup(x->base)), x);
	assert_int_equal(page_validate(), 0);
	for (size_t off = 0; off < 8 * PAGE_SIZE; off += PAGE_SIZE / 2)
		assert_int_equal((unsigned char)x->base[off], (unsigned char)x->base[0]);
	memset(x->base, 1, 13 * PAGE_SIZE);	/* all of it is the block's */
	assert_int_equal(page_large_resize(x, 17 * PAGE_SIZE), -1);	/* z is in use */
	page_large_free(z, false);
	page_purge();	/* the free pages after x clean (page.c 8: not resident) */
	assert_int_equal(page_large_resize(x, 17 * PAGE_SIZE), 0);	/* over clean pages */
	for (size_t off = 13 * PAGE_SIZE; off < 17 * PAGE_SIZE; off += PAGE_SIZE / 2)
		assert_int_equal(x->base[off], 0);
	assert_int_equal(page_validate(), 0);
	for (unsigned int k = 0; k < N; k++)
		if (b[k] != y && b[k] != z)
			page_large_free(b[k], false);
	assert_int_equal(page_validate(), 0);
	page_purge();
}

static void test_chunks_return_to_os(void **state)
{
	struct slab_mem_info before, during, after;
	struct slab *s[2048];
	unsigned int n = 2 * (1U << CHUNK_ORDER) + 7;	/* order-0 slabs: 3 chunks */

	assert_true(n <= ARRAY_SIZE(s));
	page_purge();	/* no dirty blocks of earlier tests in the way */
	page_get_mem_info(&before);
	for (unsigned int i = 0; i < n; i++) {
		s[i] = page_slab_alloc(0, 5, 0);
		assert_non_null(s[i]);
	}
	page_get_mem_info(&during);
	assert_true(during.chunk_bytes >= before.chunk_bytes + 2 * CHUNK_SIZE);
	assert_int_equal(during.slab_bytes, before.slab_bytes + n * PAGE_SIZE);
	for (unsigned int i = 0; i < n; i++)
		page_slab_free(s[i]);
	page_get_mem_info(&after);
	assert_int_equal(after.slab_bytes, before.slab_bytes);
	/* freed blocks wait, resident, unless over the dirty limit... */
	assert_true(after.dirty_bytes > 0);
	/* ...until a purge gives them and their chunks back */
	page_purge();
	page_get_mem_info(&after);
	assert_int_equal(after.dirty_bytes, 0);
	assert_true(after.chunk_bytes <= before.chunk_bytes);
	/* mapped: chunks, metadata and the large blocks mapped on their own */
	assert_true(after.mapped_bytes >= after.chunk_bytes + after.meta_bytes);
	assert_true(after.mapped_bytes <=
		    after.chunk_bytes + after.meta_bytes + after.large_bytes);
}

/* A freed block is reused, resident, by the next slab of its order. */
static void test_dirty_block_reused(void **state)
{
	struct slab *a, *b;
	struct slab_mem_info m;
	char *base;

	page_purge();
	a = page_slab_alloc(2, 9, 0);
	assert_non_null(a);
	base = a->base;
	memset(base, 0x77, PAGE_SIZE << 2);
	page_slab_free(a);
	page_get_mem_info(&m);
	assert_int_equal(m.dirty_bytes, PAGE_SIZE << 2);
	b = page_slab_alloc(2, 9, 0);
	assert_ptr_equal(b->base, base);
	assert_int_equal(b->cache, NULL);
	assert_int_equal(b->inuse, 0);
	assert_int_equal(pm_id(pagemap_lookup(base)), 9);
	page_get_mem_info(&m);
	assert_int_equal(m.dirty_bytes, 0);
	page_slab_free(b);
	page_purge();
	page_get_mem_info(&m);
	assert_int_equal(m.dirty_bytes, 0);
}

/*
 * Freed order-0 slabs merge with their buddies: eight of them, freed, are
 * one dirty order-3 block (and more), which the next order-3 slab and a
 * 24 KiB large block take, resident, before any clean memory.
 */
static void test_buddies_merge_across_orders(void **state)
{
	struct slab *s[8], *big, *t;
	struct slab_mem_info m;
	size_t dirty;
	char *base;

	page_purge();
	big = page_slab_alloc(3, 4, 0);	/* an aligned 8-page block... */
	assert_non_null(big);
	base = big->base;
	page_slab_free(big);
	page_purge();			/* ...clean again, where we know it is */
	for (int i = 0; i < 8; i++) {
		s[i] = page_slab_alloc(0, 4, 0);
		assert_non_null(s[i]);
		memset(s[i]->base, 0x33, PAGE_SIZE);
	}
	for (int i = 0; i < 8; i++)
		page_slab_free(s[i]);
	page_get_mem_info(&m);
	assert_int_equal(m.dirty_bytes, 8 * PAGE_SIZE);
	t = page_slab_alloc(3, 4, 0);	/* the eight pages, merged */
	assert_non_null(t);
	assert_ptr_equal(t->base, base);
	page_get_mem_info(&m);
	assert_int_equal(m.dirty_bytes, 0);
	page_slab_free(t);
	big = page_large_alloc(6 * PAGE_SIZE, &dirty, &mark);	/* large blocks too */
	assert_non_null(big);
	assert_ptr_equal(big->base, base);
	assert_int_not_equal(dirty, 0);
	page_get_mem_info(&m);
	assert_int_equal(m.dirty_bytes, 2 * PAGE_SIZE);	/* the tail went back */
	page_large_free(big, false);
	page_purge();
}

/*
 * The descriptors of blocks of order 1 and up fill the first half of their
 * chunk's descriptor array (page.c 2): a chunk cut into order-1 slabs
 * writes 16 KiB of descriptors, not 32.  An odd page's descriptor lies in
 * the other half.  Order-1 slabs are taken until one chunk is all of them
 * (the other chunks' free blocks go first).
 */
static void test_descriptors_packed_by_order(void **state)
{
	enum { PER_CHUNK = 1U << (CHUNK_ORDER - 1), MOST = 4 * PER_CHUNK };
	struct slab **s = calloc(MOST, sizeof(*s)), *lo = NULL, *hi = NULL, *odd;
	struct chunk *full = NULL;
	unsigned int n = 0, in_full = 0;

	assert_non_null(s);
	page_purge();
	while (!full && n < MOST) {
		unsigned int same = 0;

		s[n] = page_slab_alloc(1, 4, 0);
		assert_non_null(s[n]);
		for (unsigned int k = 0; k <= n; k++)
			same += s[k]->chunk == s[n]->chunk;
		if (same == PER_CHUNK)
			full = s[n]->chunk;
		n++;
	}
	assert_non_null(full);
	for (unsigned int k = 0; k < n; k++) {
		if (s[k]->chunk != full)
			continue;
		in_full++;
		if (!lo || s[k] < lo)
			lo = s[k];
		if (!hi || s[k] > hi)
			hi = s[k];
	}
	assert_int_equal(in_full, PER_CHUNK);
	/* 256 distinct descriptors, 256 slots apart at most: packed */
	assert_int_equal(hi - lo, PER_CHUNK - 1);
	/* the full chunk's last block, freed: an odd page's descriptor is past them */
	for (unsigned int k = 0; k < n; k++)
		if (s[k] == hi) {
			char *base = s[k]->base;

			page_slab_free(s[k]);
			s[k] = page_slab_alloc(1, 4, 0);	/* the same block back */
			assert_ptr_equal(s[k]->base, base);
			page_slab_free(s[k]);
			odd = page_slab_alloc(0, 4, 0);	/* its halves, in either order */
			assert_true(odd->base == base || odd->base == base + PAGE_SIZE);
			s[k] = page_slab_alloc(0, 4, 0);
			assert_true(s[k]->base == base || s[k]->base == base + PAGE_SIZE);
			if (odd->base == base) {
				struct slab *t = odd;

				odd = s[k];
				s[k] = t;
			}
			assert_ptr_equal(s[k], hi);	/* the even page keeps its slot */
			assert_true(odd > hi);
			page_slab_free(odd);
		}
	for (unsigned int k = 0; k < n; k++)
		page_slab_free(s[k]);
	free(s);
	assert_int_equal(page_validate(), 0);
	page_purge();
}

/*
 * A block split from a dirty one is dirty only if its own pages are: the
 * clean half reads as zeros and says so, as does a block given back to the
 * OS by a purge.
 */
static void test_clean_reads_as_zeros(void **state)
{
	struct slab *a, *b, *c, *d;
	struct slab_mem_info m;
	size_t dirty;

	page_purge();
	a = page_large_alloc(16 * PAGE_SIZE, &dirty, &mark);
	assert_non_null(a);
	assert_int_equal(dirty, 0);
	memset(a->base, 0xab, 16 * PAGE_SIZE);
	page_large_free(a, false);
	b = page_large_alloc(16 * PAGE_SIZE, &dirty, &mark);	/* the dirty one */
	assert_ptr_equal(b->base, a->base);
	assert_int_not_equal(dirty, 0);
	c = page_slab_alloc(0, 6, 0);	/* keeps the chunk mapped across purges */
	assert_non_null(c);
	page_large_free(b, false);		/* dirty again, merged with clean buddies */
	b = page_large_alloc(16 * PAGE_SIZE, &dirty, &mark);	/* split towards it */
	assert_ptr_equal(b->base, a->base);
	assert_int_not_equal(dirty, 0);
	page_get_mem_info(&m);
	assert_int_equal(m.dirty_bytes, 0);
	d = page_large_alloc(16 * PAGE_SIZE, &dirty, &mark);	/* a clean half of that split */
	assert_non_null(d);
	assert_int_equal(dirty, 0);
	for (size_t i = 0; i < 16 * PAGE_SIZE; i++)
		assert_int_equal(d->base[i], 0);
	memset(d->base, 0xcd, 16 * PAGE_SIZE);
	page_large_free(d, false);
	page_large_free(b, false);
	page_purge();			/* given back: zeros from now on */
	page_get_mem_info(&m);
	assert_int_equal(m.dirty_bytes, 0);
	b = page_large_alloc(16 * PAGE_SIZE, &dirty, &mark);
	assert_non_null(b);
	assert_int_equal(dirty, 0);
	for (size_t i = 0; i < 16 * PAGE_SIZE; i++)
		assert_int_equal(b->base[i], 0);
	page_large_free(b, false);
	page_slab_free(c);
	page_purge();
}

/* With everything freed and purged, no chunk stays mapped. */
static void test_purge_unmaps_chunks(void **state)
{
	struct slab *s[40];
	struct slab_mem_info before, after;
	size_t dirty;

	page_purge();
	page_get_mem_info(&before);
	for (unsigned int i = 0; i < ARRAY_SIZE(s); i++) {
		s[i] = i % 2 ? page_slab_alloc(i % 10, 3, 0) : page_large_alloc((i + 9) * PAGE_SIZE, &dirty, &mark);
		assert_non_null(s[i]);
		memset(s[i]->base, 1, PAGE_SIZE);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(s); i += 3) {
		if (i % 2)
			page_slab_free(s[i]);
		else
			page_large_free(s[i], false);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(s); i++) {
		if (i % 3 == 0)
			continue;
		if (i % 2)
			page_slab_free(s[i]);
		else
			page_large_free(s[i], false);
	}
	page_purge();
	page_get_mem_info(&after);
	assert_int_equal(after.dirty_bytes, 0);
	assert_int_equal(after.chunk_bytes, before.chunk_bytes);
	assert_int_equal(after.slab_bytes, before.slab_bytes);
	assert_int_equal(after.large_bytes, before.large_bytes);
}

/* Dirty bytes the growth purge may keep: 1/64 of the memory in use. */
static unsigned long dirty_slack(void)
{
	struct slab_mem_info m;

	page_get_mem_info(&m);
	return (m.slab_bytes + m.large_bytes) / 64;
}

/* 64 order-0 slabs, written and freed: at least 256 KiB of dirty memory. */
static void make_dirty(struct slab **x, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		x[i] = page_slab_alloc(0, 5, 0);
		assert_non_null(x[i]);
		memset(x[i]->base, 0x3c, PAGE_SIZE);
	}
}

/*
 * New memory outside the chunks (a large block mapped on its own, or
 * grown by mremap) also purges older dirty memory first: a buffer grown
 * by doubling would otherwise leave its smaller copies resident.
 */
static void test_direct_mapping_purges(void **state)
{
	struct slab *x[64], *d;
	struct slab_mem_info m;
	size_t dirty;

	page_purge();
	make_dirty(x, ARRAY_SIZE(x));
	for (unsigned int i = 0; i < ARRAY_SIZE(x); i++)
		page_slab_free(x[i]);
	d = page_large_alloc(LARGE_CHUNK_MAX + PAGE_SIZE, &dirty, &mark);
	assert_non_null(d);
	assert_null(d->chunk);
	page_get_mem_info(&m);
	assert_true(m.dirty_bytes <= dirty_slack());

	make_dirty(x, ARRAY_SIZE(x));
	for (unsigned int i = 0; i < ARRAY_SIZE(x); i++)
		page_slab_free(x[i]);
	assert_true(page_large_resize(d, 2 * LARGE_CHUNK_MAX) >= 0);
	page_get_mem_info(&m);
	assert_true(m.dirty_bytes <= dirty_slack());
	page_large_free(d, false);
	page_purge();
}

/* The dirty and mapped bytes page.c accounts, now (less the descriptors). */
static void mem_now(unsigned long *dirty, unsigned long *mapped)
{
	struct slab_mem_info m;

	page_get_mem_info(&m);
	*dirty = m.dirty_bytes;
	*mapped = m.mapped_bytes - m.meta_bytes;	/* the descriptor pool only grows */
}

/*
 * An untouched mapping of 160 MiB in use, so that the freed memory a
 * mapping's free leaves resident, a quarter of what is in use (at least 16
 * MiB: alloc/page.c 4), is above what a test keeps.
 */
static struct slab *ballast(void)
{
	size_t dirty;
	struct slab *b = page_large_alloc(160UL << 20, &dirty, &mark);

	assert_non_null(b);
	return b;
}

/*
 * A freed mapping of its own is kept as dirty memory, still mapped; the
 * next large block is cut from the smallest that holds it (same address,
 * the rest kept), else the largest grows by mremap, its old bytes kept
 * and its new ones zero; the purge unmaps them; at most MAP_KEPT_MAX.
 */
static void test_kept_mappings(void **state)
{
	const size_t big = 3 * LARGE_CHUNK_MAX, small = LARGE_CHUNK_MAX + 2 * PAGE_SIZE;
	unsigned long dirty0, mapped0, dirty1, mapped1;
	struct slab *d, *e, *held, *many[MAP_KEPT_MAX_TEST];
	size_t dirty;
	char *base;

	page_purge();
	mem_now(&dirty0, &mapped0);
	d = page_large_alloc(big, &dirty, &mark);
	assert_non_null(d);
	assert_int_equal(dirty, 0);	/* a new mapping */
	base = d->base;
	memset(base, 0x6b, big);
	page_large_free(d, false);
	mem_now(&dirty1, &mapped1);
	assert_int_equal(dirty1, dirty0 + big);
	assert_int_equal(mapped1, mapped0 + big);
	assert_int_equal(page_validate(), 0);

	d = page_large_alloc(small, &dirty, &mark);	/* cut from it */
	assert_non_null(d);
	assert_ptr_equal(d->base, base);
	assert_int_equal(d->large_size, small);
	assert_int_equal(dirty, small);
	mem_now(&dirty1, &mapped1);
	assert_int_equal(dirty1, dirty0 + big - small);
	assert_int_equal(page_validate(), 0);

	/* grown over the kept rest right after it: in place, its bytes kept */
	memset(d->base, 0x11, small);
	assert_int_equal(page_large_resize(d, small + 4 * PAGE_SIZE), 1);
	assert_ptr_equal(d->base, base);
	assert_int_equal(d->large_size, small + 4 * PAGE_SIZE);
	assert_int_equal((unsigned char)d->base[small - 1], 0x11);
	assert_int_equal((unsigned char)d->base[small], 0x6b);	/* the rest's pages */
	mem_now(&dirty1, &mapped1);
	assert_int_equal(dirty1, dirty0 + big - small - 4 * PAGE_SIZE);
	assert_int_equal(mapped1, mapped0 + big);		/* no new memory */
	assert_int_equal(page_validate(), 0);
	assert_int_equal(page_large_resize(d, small), 0);	/* and back: mremap unmaps the tail */
	assert_int_equal(d->large_size, small);
	assert_int_equal(page_validate(), 0);

	e = page_large_alloc(big, &dirty, &mark);	/* the rest is too small: grown */
	assert_non_null(e);
	assert_int_equal(e->large_size, big);
	assert_int_equal(dirty, big - small - 4 * PAGE_SIZE);
	vg_open(e->base, dirty);	/* undefined to a user; the bytes are kept */
	assert_true((unsigned char)e->base[0] == 0x6b);
	assert_true((unsigned char)e->base[dirty - 1] == 0x6b);
	for (size_t off = dirty; off < big; off += PAGE_SIZE)
		assert_int_equal(e->base[off], 0);
	assert_int_equal(page_validate(), 0);
	page_large_free(d, false);
	page_large_free(e, false);
	page_purge();
	mem_now(&dirty1, &mapped1);
	assert_int_equal(dirty1, dirty0);
	assert_int_equal(mapped1, mapped0);

	/* a rest smaller than the block (or than a mapped block) is not cut off */
	d = page_large_alloc(big, &dirty, &mark);
	page_large_free(d, false);
	mem_now(&dirty1, &mapped1);
	d = page_large_alloc(2 * LARGE_CHUNK_MAX, &dirty, &mark);
	assert_int_equal(d->large_size, big);		/* the whole 3 MiB mapping */
	mem_now(&dirty0, &mapped0);
	assert_int_equal(dirty1 - dirty0, big);		/* nothing left kept */
	page_large_free(d, false);
	page_purge();
	mem_now(&dirty0, &mapped0);

	page_decay_ms = 1U << 30;	/* none ages out, however slow the run */
	held = ballast();
	for (unsigned int i = 0; i < ARRAY_SIZE(many); i++)
		assert_non_null(many[i] = page_large_alloc(small, &dirty, &mark));
	for (unsigned int i = 0; i < ARRAY_SIZE(many); i++)
		page_large_free(many[i], false);
	mem_now(&dirty1, &mapped1);	/* the oldest beyond MAP_KEPT_MAX unmapped */
	assert_int_equal(dirty1 - dirty0, MAP_KEPT_MAX * small);
	assert_int_equal(page_validate(), 0);
	page_large_free(held, false);
	page_decay_ms = CONFIG_SLAB_DECAY_MS;
	page_purge();
	mem_now(&dirty1, &mapped1);
	assert_int_equal(mapped1, mapped0);
}

/*
 * Free marks (page.c 6): a block of a chunk freed marked is handed out
 * again with the mark's address; unmarked, purged, or taken by a slab or by
 * a block grown in place over it, without; a kept mapping keeps its mark at
 * its base when cut (the rest has none) and when grown by mremap (keyed
 * with its old base); a purge forgets it.
 */
static void test_free_marks(void **state)
{
	const size_t big = 3 * LARGE_CHUNK_MAX, small = LARGE_CHUNK_MAX + 2 * PAGE_SIZE;
	struct slab *d, *e, *s;
	size_t dirty;
	char *base;

	page_purge();
	d = page_large_alloc(75 * PAGE_SIZE, &dirty, &mark);
	assert_non_null(d);
	assert_non_null(d->chunk);
	assert_null(mark);
	base = d->base;
	page_large_free(d, true);
	assert_int_equal(page_validate(), 0);
	d = page_large_alloc(75 * PAGE_SIZE, &dirty, &mark);	/* the same block */
	assert_ptr_equal(d->base, base);
	assert_ptr_equal(mark, base);
	page_large_free(d, false);
	d = page_large_alloc(75 * PAGE_SIZE, &dirty, &mark);
	assert_ptr_equal(d->base, base);
	assert_null(mark);	/* freed unmarked: the allocation cleared it */
	page_large_free(d, true);
	page_purge();		/* zeroed: no mark */
	assert_int_equal(page_validate(), 0);
	d = page_large_alloc(75 * PAGE_SIZE, &dirty, &mark);
	assert_null(mark);
	base = d->base;
	page_large_free(d, true);
	s = page_slab_alloc(0, 3, 0);	/* a slab over the marked page */
	assert_ptr_equal(s->base, base);
	assert_null(page_slab_check(s));
	page_slab_free(s);
	d = page_large_alloc(75 * PAGE_SIZE, &dirty, &mark);
	assert_ptr_equal(d->base, base);
	assert_null(mark);
	/* grown in place over a marked block right after it */
	e = page_large_alloc(75 * PAGE_SIZE, &dirty, &mark);
	assert_non_null(e);
	if (e->base == base + 128 * PAGE_SIZE) {
		page_large_free(e, true);
		assert_int_equal(page_large_resize(d, 200 * PAGE_SIZE), 1);
		assert_int_equal(page_validate(), 0);
		assert_int_equal(page_large_resize(d, 75 * PAGE_SIZE), 0);
		e = page_large_alloc(75 * PAGE_SIZE, &dirty, &mark);
		assert_ptr_equal(e->base, base + 128 * PAGE_SIZE);
		assert_null(mark);
	}
	page_large_free(e, false);
	page_large_free(d, false);

	/* kept mappings */
	page_purge();
	d = page_large_alloc(big, &dirty, &mark);
	assert_null(d->chunk);
	assert_null(mark);
	base = d->base;
	page_large_free(d, true);
	d = page_large_alloc(small, &dirty, &mark);	/* cut: the mark at its base */
	assert_ptr_equal(d->base, base);
	assert_ptr_equal(mark, base);
	e = page_large_alloc(big - small, &dirty, &mark);	/* the rest: none */
	assert_ptr_equal(e->base, base + small);
	assert_null(mark);
	page_large_free(e, false);
	page_large_free(d, true);
	page_purge();
	d = page_large_alloc(small, &dirty, &mark);	/* purged: unmapped, forgotten */
	assert_null(mark);
	base = d->base;
	page_large_free(d, true);
	e = page_large_alloc(big, &dirty, &mark);	/* grown by mremap, maybe moved */
	assert_ptr_equal(mark, base);
	page_large_free(e, false);
	page_purge();
	assert_int_equal(page_validate(), 0);
}

/* Does writing the byte at @p fault (SIGSEGV), in a child? */
static bool write_faults(char *p)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);	/* not cmocka's handler */
		*(volatile char *)p = 2;
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

/*
 * With page_protect_kept(), every large block is a mapping of its own
 * (none from a chunk) after a guard page, so that an underrun faults;
 * touching a freed one faults; a kept one is reused whole at its size
 * only, its guard still before it, and only once KEPT_QUARANTINE mappings
 * were freed after it; nothing resizes in place.
 */
static void test_kept_mappings_protected(void **state)
{
	struct slab *d, *held, *o[KEPT_QUARANTINE];
	size_t dirty;
	char *base;

	page_purge();
	page_protect_kept(true);
	page_decay_ms = 1U << 30;	/* no kept mapping ages out, however slow the run */
	held = ballast();
	d = page_large_alloc(300 << 10, &dirty, &mark);
	assert_non_null(d);
	assert_null(d->chunk);
	page_large_free(d, false);
	d = page_large_alloc(2 * LARGE_CHUNK_MAX, &dirty, &mark);
	assert_non_null(d);
	base = d->base;
	base[0] = 1;
	assert_true(write_faults(base - 1));		/* the guard page */
	assert_int_equal(page_large_resize(d, 3 * LARGE_CHUNK_MAX), -1);
	for (unsigned int i = 0; i < KEPT_QUARANTINE; i++)
		assert_non_null(o[i] = page_large_alloc(2 * LARGE_CHUNK_MAX, &dirty, &mark));
	page_large_free(d, false);
	assert_true(write_faults(base));
	for (unsigned int i = 0; i < KEPT_QUARANTINE; i++)	/* freed after it */
		page_large_free(o[i], false);
	d = page_large_alloc(2 * LARGE_CHUNK_MAX, &dirty, &mark);	/* accessible again */
	assert_ptr_equal(d->base, base);
	vg_open(base, 1);
	assert_int_equal(base[0], 1);
	assert_true(write_faults(base - 1));
	page_large_free(d, false);
	d = page_large_alloc(2 * LARGE_CHUNK_MAX, &dirty, &mark);	/* just freed: not reused */
	assert_ptr_equal(d->base, o[0]->base);
	assert_true(write_faults(base));
	page_large_free(d, false);
	/* a smaller one: not cut from it (which would leave no guard) */
	d = page_large_alloc(LARGE_CHUNK_MAX + PAGE_SIZE, &dirty, &mark);
	assert_int_equal(d->large_size, LARGE_CHUNK_MAX + PAGE_SIZE);
	assert_true(write_faults(d->base - 1));
	page_large_free(d, false);
	page_large_free(held, false);
	page_purge();		/* no mapping is left when the guards go */
	page_protect_kept(false);
	page_decay_ms = CONFIG_SLAB_DECAY_MS;
	assert_int_equal(page_validate(), 0);
}

/*
 * A new chunk is writable only as far as blocks were taken from it, in
 * steps of CHUNK_OPEN_STEP pages (page.c 9): a write past them faults.
 */
static void test_chunk_opens_upwards(void **state)
{
	struct slab_mem_info before, after;
	struct slab *s[1U << CHUNK_ORDER], *big;
	const size_t step = (size_t)CHUNK_OPEN_STEP << PAGE_SHIFT;
	unsigned int n = 0;
	char *base;

	if (IS_ENABLED(CONFIG_SLAB_THP))
		skip();		/* huge pages: chunks are writable whole */
	page_purge();		/* no dirty block of earlier tests is taken */
	do {			/* order-0 slabs until one starts a new chunk */
		assert_true(n < ARRAY_SIZE(s));
		page_get_mem_info(&before);
		s[n] = page_slab_alloc(0, 5, 0);
		assert_non_null(s[n]);
		page_get_mem_info(&after);
	} while (after.chunk_bytes == before.chunk_bytes && ++n);
	base = s[n++]->base;
	assert_int_equal((uintptr_t)base % CHUNK_SIZE, 0);	/* its lower half */
	assert_false(write_faults(base + step - 1));
	assert_true(write_faults(base + step));
	assert_true(write_faults(base + CHUNK_SIZE - 1));
	/* the order of the step: the second step, its piece of the split */
	big = page_slab_alloc(__builtin_ctz(CHUNK_OPEN_STEP), 5, 0);
	assert_ptr_equal(big->base, base + step);
	assert_false(write_faults(base + 2 * step - 1));
	assert_true(write_faults(base + 2 * step));
	assert_int_equal(page_validate(), 0);
	page_slab_free(big);
	while (n--)
		page_slab_free(s[n]);
	page_purge();
	assert_int_equal(page_validate(), 0);
}

/*
 * In a child whose mprotect(..., PROT_READ | PROT_WRITE) fails with ENOMEM
 * (as at the limit on areas): slabs come while written pages last, then
 * page_slab_alloc() fails, without mapping a chunk per attempt, and the
 * buddy system is intact; what was taken goes back.
 */
static int open_refused_child(void *arg)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mprotect, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROT_READ | PROT_WRITE, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOMEM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	struct slab_mem_info a, b;
	static struct slab *s[64 << 10];
	unsigned int n = 0;

	(void)arg;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
		return 5;	/* the parent saw seccomp available */
	while (n < ARRAY_SIZE(s) && (s[n] = page_slab_alloc(0, 5, 0)))
		s[n++]->base[0] = 1;	/* writable, every one */
	if (n == ARRAY_SIZE(s))
		return 1;	/* never refused */
	page_get_mem_info(&a);
	for (int i = 0; i < 8; i++)
		if (page_slab_alloc(0, 5, 0))
			return 2;
	page_get_mem_info(&b);
	if (b.chunk_bytes != a.chunk_bytes || page_validate() != 0)
		return 3;
	while (n--)
		page_slab_free(s[n]);
	page_purge();
	return page_validate() != 0 ? 4 : 0;
}

static void test_chunk_open_refused(void **state)
{
	if (IS_ENABLED(CONFIG_SLAB_THP) || test_under_instrumentation() ||
	    prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0)
		skip();	/* chunks open whole; the tool's own system calls; no seccomp */
	test_in_child(open_refused_child, NULL, "a chunk's opening refused");
}

/*
 * obj_belongs() folds "offset < objects * size" into its divisibility test
 * (internal.h).  Compare it with the plain definition at every byte of
 * three slabs (so several colours) of caches of many shapes: sizes that
 * are powers of two and not, cache-line aligned, red-zoned (the red zone
 * rides in the colour), and slabs of several orders.
 */
static void test_object_start_check_every_byte(void **state)
{
	static const unsigned int sizes[] = {
		8, 16, 24, 40, 64, 72, 96, 100, 128, 192, 200, 256, 640, 1000,
		1024, 2048, 3000, 4096, 4104, 8192,
	};
	static const unsigned long flags[] = { 0, SLAB_HWCACHE_ALIGN, SLAB_RED_ZONE };
	enum { MAX_OBJS = 4096 };
	void **objs = calloc(MAX_OBJS, sizeof(*objs));

	assert_non_null(objs);
	for (unsigned int f = 0; f < ARRAY_SIZE(flags); f++) {
		for (unsigned int z = 0; z < ARRAY_SIZE(sizes); z++) {
			struct kmem_cache *s = kmem_cache_create("geometry", sizes[z], 0,
								 flags[f] | SLAB_NO_MERGE, NULL);
			struct slab *seen[3];
			unsigned int nseen = 0, n = 0;

			assert_non_null(s);
			while (nseen < ARRAY_SIZE(seen) && n < MAX_OBJS) {
				struct slab *slab;
				bool known = false;

				objs[n] = kmem_cache_alloc(s, GFP_KERNEL);
				assert_non_null(objs[n]);
				slab = pm_slab(pagemap_lookup(objs[n++]));
				for (unsigned int i = 0; i < nseen; i++)
					known |= seen[i] == slab;
				if (!known)
					seen[nseen++] = slab;
			}
			assert_int_equal(nseen, ARRAY_SIZE(seen));
			for (unsigned int i = 0; i < nseen; i++) {
				const char *base = seen[i]->base, *mem = slab_mem(seen[i]);
				size_t bytes = PAGE_SIZE << seen[i]->order;

				for (const char *p = base; p < base + bytes; p++) {
					bool start = p >= mem && (size_t)(p - mem) % s->size == 0 &&
						     (size_t)(p - mem) / s->size < s->objects;

					if (obj_belongs(s, p) != start)
						fail_msg("size %u flags %#lx: byte %zu of a slab of "
							 "order %u (colour offset %u) is %s",
							 sizes[z], flags[f], (size_t)(p - base),
							 seen[i]->order, seen[i]->colour_off,
							 start ? "refused" : "accepted");
				}
			}
			while (n)
				kmem_cache_free(s, objs[--n]);
			kmem_cache_destroy(s);
		}
	}
	free(objs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_natural_alignment_every_order),
		cmocka_unit_test(test_foreign_addresses),
		cmocka_unit_test(test_pagemap_window),
		cmocka_unit_test(test_large_first_page_only),
		cmocka_unit_test(test_large_grows_in_place),
		cmocka_unit_test(test_chunks_return_to_os),
		cmocka_unit_test(test_dirty_block_reused),
		cmocka_unit_test(test_buddies_merge_across_orders),
		cmocka_unit_test(test_descriptors_packed_by_order),
		cmocka_unit_test(test_clean_reads_as_zeros),
		cmocka_unit_test(test_purge_unmaps_chunks),
		cmocka_unit_test(test_direct_mapping_purges),
		cmocka_unit_test(test_kept_mappings),
		cmocka_unit_test(test_free_marks),
		cmocka_unit_test(test_kept_mappings_protected),
		cmocka_unit_test(test_chunk_opens_upwards),
		cmocka_unit_test(test_chunk_open_refused),
		cmocka_unit_test(test_object_start_check_every_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
