// SPDX-License-Identifier: MIT
/*
 * tests/alloc/test_kmalloc.c - kmalloc, kfree, krealloc, ksize: every class
 * boundary, alignment, the edge rules (0, overflow, NULL, ZERO_SIZE_PTR),
 * large blocks, contents kept across krealloc, and bad kfree reports.
 */
#include "tests/lib/testutil.h"
#include "alloc/internal.h"

/* Does a cache serve @name (kmem_cache_for_each; a merged one has several)? */
struct cache_named {
	const char *name;
	bool found;
};

static int find_named(struct kmem_cache *s, const struct kmem_cache_info *info, void *arg)
{
	struct cache_named *c = arg;
	size_t n = strlen(c->name);

	(void)s;
	for (const char *at = info->name; (at = strstr(at, c->name)); at += n)
		if ((at == info->name || at[-1] == ',') && (at[n] == ',' || !at[n]))
			c->found = true;
	return 0;
}

static bool cache_exists(const char *name)
{
	struct cache_named c = { name, false };

	assert_int_equal(kmem_cache_for_each(find_named, &c), 0);
	return c.found;
}

/* kmem_cache_for_each's callback runs under slab_mutex: it may allocate */
static int alloc_under_slab_mutex(struct kmem_cache *s, const struct kmem_cache_info *info,
				  void *arg)
{
	void **p = arg;

	(void)s;
	(void)info;
	if (!*p)
		*p = kmalloc(22000, GFP_KERNEL);	/* kmalloc-22k, not made yet */
	return 0;
}

/*
 * A size class's cache is made at its first allocation: before it, no
 * cache of that name exists.  That first allocation may come from a thread
 * that holds slab_mutex already (a kmem_cache_for_each callback; a user
 * cache's name copied by kmem_cache_create), and must not wait on itself.
 * Runs first, while the big classes are unused.
 */
static void test_classes_made_at_first_use(void **state)
{
	static char name[18001];	/* its copy is kmalloc-18k's first block */
	struct kmem_cache *c;
	void *p = NULL, *q;

	assert_false(cache_exists("kmalloc-26k"));
	q = kmalloc(26000, GFP_KERNEL);
	assert_non_null(q);
	assert_int_equal(ksize(q), 26624);
	assert_true(cache_exists("kmalloc-26k"));
	kfree(q);

	assert_false(cache_exists("kmalloc-22k"));
	assert_int_equal(kmem_cache_for_each(alloc_under_slab_mutex, &p), 0);
	assert_non_null(p);
	assert_int_equal(ksize(p), 22528);
	assert_true(cache_exists("kmalloc-22k"));
	kfree(p);

	assert_false(cache_exists("kmalloc-18k"));
	memset(name, 'n', sizeof(name) - 1);
	c = kmem_cache_create(name, 48, 0, 0, NULL);
	assert_non_null(c);
	assert_true(cache_exists("kmalloc-18k"));
	kmem_cache_destroy(c);
}

/* The kernel's classes must all exist, named as the kernel names them. */
static const size_t kernel_classes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

static void test_kernel_classes_exist(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(kernel_classes); i++) {
		void *p = kmalloc(kernel_classes[i], GFP_KERNEL);
		char name[32];

		assert_non_null(p);
		assert_int_equal(ksize(p), kernel_classes[i]);
		if (kernel_classes[i] % 1024)
			snprintf(name, sizeof(name), "kmalloc-%zu", kernel_classes[i]);
		else
			snprintf(name, sizeof(name), "kmalloc-%zuk", kernel_classes[i] / 1024);
		assert_true(cache_exists(name));
		kfree(p);
	}
	/* a class between the kernel's: its size in bytes, not in KiB */
	kfree(kmalloc(4500, GFP_KERNEL));
	assert_true(cache_exists("kmalloc-4608"));
	assert_false(cache_exists("kmalloc-4k5"));
}

/*
 * Every size 1..KMALLOC_MAX_CACHE_SIZE: ksize is the class, at least the
 * size, within 25 % above 128 bytes, and the block is aligned.
 */
static void test_every_size(void **state)
{
	size_t prev_class = 0;
	unsigned int boundaries = 0;

	for (size_t size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		unsigned char *p = kmalloc(size, GFP_KERNEL);
		size_t k;

		assert_non_null(p);
		k = ksize(p);
		assert_true(k >= size);
		assert_int_equal(k, kmalloc_class_size(size));
		assert_int_equal(k, kmalloc_size_roundup(size));
		if (size > 128)
			assert_true(k * 4 <= size * 5 + 4 * 32);	/* <= 25 % */
		if (size > 4096)
			assert_true(k * 8 <= size * 9 + 8 * 512);	/* <= 12.5 % */
		assert_int_equal((uintptr_t)p % (k >= 16 ? 16 : 8), 0);
		if (IS_POWER_OF_2(k) && k <= 4096)
			assert_int_equal((uintptr_t)p % k, 0);	/* natural alignment */
		p[0] = 1;
		p[k - 1] = 2;	/* the whole class size is usable */
		if (k != prev_class) {
			/* size is the first of a new class: size - 1 was the last of the old */
			assert_int_equal(prev_class, size - 1);
			boundaries++;
			prev_class = k;
		}
		kfree(p);
	}
	assert_int_equal(boundaries, 53);
}

static void test_zero_size(void **state)
{
	void *p = kmalloc(0, GFP_KERNEL);

	assert_ptr_equal(p, ZERO_SIZE_PTR);
	assert_true(ZERO_OR_NULL_PTR(p));
	assert_int_equal(ksize(p), 0);
	kfree(p);
	kfree(NULL);
	p = krealloc(ZERO_SIZE_PTR, 10, GFP_KERNEL);
	assert_non_null(p);
	assert_false(ZERO_OR_NULL_PTR(p));
	assert_ptr_equal(krealloc(p, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	p = krealloc(NULL, 20, GFP_KERNEL);
	assert_true(ksize(p) >= 20);
	kfree(p);
}

static void test_overflow(void **state)
{
	assert_int_equal(kmalloc_size_roundup(0), 0);
	assert_int_equal(kmalloc_size_roundup(KMALLOC_MAX_SIZE + 1), 0);
	assert_int_equal(kmalloc_size_roundup(10000), 10240);
	assert_int_equal(kmalloc_size_roundup(40000), 40000);	/* large: exact, a guard follows */
	assert_null(kmalloc(SIZE_MAX, GFP_KERNEL));
	assert_null(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL));
	assert_null(kmalloc_array(SIZE_MAX / 2, 3, GFP_KERNEL));
	assert_null(kmalloc_array((size_t)1 << 33, (size_t)1 << 33, GFP_KERNEL));
	assert_null(krealloc(NULL, SIZE_MAX, GFP_KERNEL));
}

static void test_kzalloc_and_array(void **state)
{
	for (size_t size = 1; size <= 20000; size = size * 3 + 1) {
		unsigned char *p = kmalloc(size, GFP_KERNEL);

		memset(p, 0xCC, size);
		kfree(p);
		p = kzalloc(size, GFP_KERNEL);
		for (size_t i = 0; i < size; i++)
			assert_int_equal(p[i], 0);
		kfree(p);
	}
	/*
	 * Large blocks reused resident (a chunk's, a kept mapping's, one over
	 * 4096 pages: page.c zeroes resident pages and gives the others back
	 * in windows of 4096): written all over, in every other page, or in
	 * one page, then zeroed again.
	 */
	static const size_t big[] = { 300 << 10, 3 << 20, 20 << 20 };

	for (size_t k = 0; k < sizeof(big) / sizeof(big[0]); k++) {
		for (size_t step = PAGE_SIZE / 2; step <= 64 * PAGE_SIZE; step *= 8) {
			unsigned char *p = kmalloc(big[k], GFP_KERNEL);

			for (size_t i = 0; i < big[k]; i += step)
				p[i] = 0xCC;
			p[big[k] - 1] = 0xCC;
			kfree(p);
			p = kzalloc(big[k], GFP_KERNEL);
			for (size_t i = 0; i < big[k]; i += 64)
				if (p[i] || p[i + 63])
					fail_msg("%zu-byte block: byte %zu not zero", big[k], i);
			kfree(p);
		}
	}
	uint32_t *a = kmalloc_array(1000, sizeof(uint32_t), GFP_KERNEL | __GFP_ZERO);

	assert_non_null(a);
	assert_true(ksize(a) >= 4000);
	assert_int_equal(a[999], 0);
	kfree(a);
}

static void test_large(void **state)
{
	size_t sizes[] = { KMALLOC_MAX_CACHE_SIZE + 1, 100000, 1 << 20, (1 << 24) + 3 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned char *p = kmalloc(sizes[i], GFP_KERNEL);
		struct slab_mem_info m;

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 4096, 0);
		assert_true(ksize(p) >= sizes[i]);
		assert_true(ksize(p) < sizes[i] + 4096);
		assert_int_equal(slab_get_mem_info(&m), 0);
		assert_true(m.large_bytes >= ksize(p));
		p[0] = 1;
		p[sizes[i] - 1] = 1;
		assert_int_equal(ksize(p + 4096), 0);	/* not a block's start */
		kfree(p);
	}
}

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 31 + seed);
}

static void check(const unsigned char *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 31 + seed))
			fail_msg("byte %zu of %zu changed", i, n);
}

/* Grow from 1 byte to 4 MiB and back, checking the contents each step. */
static void test_krealloc_keeps_contents(void **state)
{
	size_t size = 1;
	unsigned char *p = kmalloc(size, GFP_KERNEL);

	fill(p, size, 7);
	while (size < (4u << 20)) {
		size_t next = size * 2 + 3;

		p = krealloc(p, next, GFP_KERNEL);
		assert_non_null(p);
		check(p, size, 7);
		fill(p, next, 7);
		size = next;
	}
	while (size > 1) {
		size_t next = size / 3;

		p = krealloc(p, next ? next : 1, GFP_KERNEL);
		assert_non_null(p);
		size = next ? next : 1;
		check(p, size, 7);
	}
	kfree(p);
}

static void test_krealloc_in_place_and_zero(void **state)
{
	unsigned char *p = kmalloc(40, GFP_KERNEL), *q;

	/* 40 lives in the 48 class: growing to 48 stays in place */
	assert_ptr_equal(krealloc(p, 48, GFP_KERNEL), p);
	memset(p, 0xEE, 48);
	q = krealloc(p, 300, GFP_KERNEL | __GFP_ZERO);
	assert_non_null(q);
	for (int i = 0; i < 48; i++)
		assert_int_equal(q[i], 0xEE);
	for (int i = 48; i < 300; i++)
		assert_int_equal(q[i], 0);
	kfree(q);

	/* Large to large moves pages, not bytes, and keeps them. */
	p = kmalloc(1 << 20, GFP_KERNEL);
	fill(p, 1 << 20, 3);
	q = krealloc(p, 64 << 20, GFP_KERNEL);
	assert_non_null(q);
	check(q, 1 << 20, 3);
	assert_int_equal(q[(64 << 20) - 1], 0);
	q = krealloc(q, 2 << 20, GFP_KERNEL);
	check(q, 1 << 20, 3);
	assert_true(ksize(q) >= (2u << 20));
	kfree(q);

	/*
	 * A block in a chunk grows in place over pages used before (a freed
	 * 64 KiB block's); __GFP_ZERO still gives zeros beyond the old size.
	 */
	p = kmalloc(64 << 10, GFP_KERNEL);
	memset(p, 0xAA, 64 << 10);
	kfree(p);
	p = kmalloc(40 << 10, GFP_KERNEL);
	fill(p, 40 << 10, 5);
	q = krealloc(p, 56 << 10, GFP_KERNEL | __GFP_ZERO);
	assert_non_null(q);
	check(q, 40 << 10, 5);
	for (size_t i = 40 << 10; i < (56 << 10); i++)
		assert_int_equal(q[i], 0);
	kfree(q);

	/*
	 * Grown within its pages too: with __GFP_ZERO the grown part holds
	 * neither the old guard word nor what a shrink left there; without
	 * it, at least no guard word (it would tell the secret keying it).
	 */
	p = kmalloc(40000, GFP_KERNEL | __GFP_ZERO);
	memset(p, 0xAA, 40000);
	q = krealloc(p, 40100, GFP_KERNEL | __GFP_ZERO);
	assert_ptr_equal(q, p);
	for (size_t i = 40000; i < 40100; i++)
		assert_int_equal(q[i], 0);
	memset(q, 0xBB, 40100);
	assert_ptr_equal(krealloc(q, 30000, GFP_KERNEL), p);	/* its tail keeps 0xBB */
	assert_ptr_equal(krealloc(q, 40000, GFP_KERNEL | __GFP_ZERO), p);
	for (size_t i = 30000; i < 40000; i++)
		assert_int_equal(q[i], 0);
	assert_ptr_equal(krealloc(q, 40050, GFP_KERNEL), p);
	for (size_t i = 40000; i < 40008; i++)
		assert_int_equal(q[i], 0);
	kfree(q);
}

static void test_bad_kfree(void **state)
{
	int local;
	void *heap = malloc(64);
	char *obj = kmalloc(64, GFP_KERNEL);
	const char *err;

	test_stderr_begin();
	kfree(&local);
	kfree(heap);
	kfree(obj + 16);
	err = test_stderr_end();
	assert_non_null(strstr(err, "was not allocated by slotslab"));
	assert_non_null(strstr(err, "is not an object's start"));
	assert_int_equal(ksize(&local), 0);
	assert_null(krealloc(&local, 10, GFP_KERNEL | __GFP_NOWARN));
	free(heap);
	kfree(obj);
}

/* kfree(@p): a report naming @what (the block is kept, never handed out again), or none for "" */
static void expect_kfree_report(char *p, const char *what)
{
	const char *err;

	test_stderr_begin();
	kfree(p);
	err = test_stderr_end();
	if (*what)
		assert_non_null(strstr(err, what));
	else
		assert_string_equal(err, "");
}

/* kfree(@p) of an overrun large block: one report naming the overrun. */
static void expect_overrun_report(char *p)
{
	expect_kfree_report(p, "(overrun)");
}

/*
 * Every large block has a guard after the size asked for (or Z's red zone
 * under SLOTSLAB_DEBUG): ksize() is that size, writing all of it is fine,
 * one byte more is reported at kfree, also after krealloc moved the end.
 */
static void test_large_guard(void **state)
{
	static const size_t sizes[] = { 32769, 40000, 300 << 10, 3 << 20 };
	const char *err;
	char *p;

	if (RUNNING_ON_VALGRIND)
		skip();		/* memcheck calls the overruns below errors */
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];

		p = kmalloc(n, GFP_KERNEL);
		assert_non_null(p);
		assert_int_equal(ksize(p), n);
		assert_int_equal(kmalloc_size_roundup(n), n);
		memset(p, 0x5A, n);
		test_stderr_begin();
		kfree(p);
		err = test_stderr_end();
		assert_string_equal(err, "");

		p = kmalloc(n, GFP_KERNEL);
		p[n] = 'x';			/* one byte past the end */
		expect_overrun_report(p);
		p = kmalloc(n, GFP_KERNEL);
		memset(p + n, 'A', 32);		/* 32 bytes past it */
		expect_overrun_report(p);
	}
	/* Grown in place or moved, the guard follows the new size. */
	p = kmalloc(40000, GFP_KERNEL);
	p = krealloc(p, 100000, GFP_KERNEL);
	assert_int_equal(ksize(p), 100000);
	memset(p, 1, 100000);
	p[100000] = 'x';
	expect_overrun_report(p);
	/* Shrunk in place, too. */
	p = kmalloc(100000, GFP_KERNEL);
	p = krealloc(p, 90000, GFP_KERNEL);
	assert_int_equal(ksize(p), 90000);
	p[90000] = 'x';
	expect_overrun_report(p);
	/* An overrun block is not resized: krealloc reports it, returns NULL. */
	p = kmalloc(50000, GFP_KERNEL);
	p[50000] = 'x';
	test_stderr_begin();
	assert_null(krealloc(p, 60000, GFP_KERNEL));
	err = test_stderr_end();
	assert_non_null(strstr(err, "(overrun)"));
}

/*
 * A large block in the last quarter of its chunk that grows past the
 * chunk's end cannot grow in place: krealloc moves it, its contents kept.
 * (page_large_resize used to count the dirty pages past the chunk's end
 * before it found that out: a read past the chunk's bitmap, which the
 * sanitizer build caught.)
 */
static void test_large_grow_at_chunk_end(void **state)
{
	enum { N = 8, SZ = 512 << 10, USE = SZ - 4096 };
	char *p[N];
	int at_end = 0;

	for (int i = 0; i < N; i++) {
		assert_non_null(p[i] = kmalloc(USE, GFP_KERNEL));
		memset(p[i], i + 1, USE);
	}
	for (int i = 0; i < N; i++) {
		char *q;

		if (((uintptr_t)p[i] & (CHUNK_SIZE - 1)) >= CHUNK_SIZE - SZ)
			at_end++;
		q = krealloc(p[i], SZ + (64 << 10), GFP_KERNEL);
		assert_non_null(q);
		for (size_t k = 0; k < USE; k += 4096)
			assert_int_equal(q[k], i + 1);
		p[i] = q;
	}
	assert_true(at_end > 0);
	for (int i = 0; i < N; i++)
		kfree(p[i]);
}

/*
 * A large block resized where it is (krealloc_in_place, and krealloc's same
 * fast path): small appends stay at the same address with ksize() the new
 * size and the guard moved after it; a block whose pages cannot hold the
 * size, an object of a size class, a pointer into a block or one that is
 * not slotslab's are declined with nothing changed; a broken guard is
 * declined too, and krealloc's general path reports it.
 */
static void test_large_resize_in_place(void **state)
{
	char stack_buf[32], *p, *q;
	const char *err;
	size_t n = 40000;

	if (RUNNING_ON_VALGRIND)
		skip();		/* memcheck calls the overruns below errors */
	p = kmalloc_c(n, GFP_KERNEL);
	memset(p, 7, n);
	for (size_t m = n + 1, was = n; m <= n + 640; was = m, m += 64) {
		assert_ptr_equal(krealloc_in_place(p, m), p);
		assert_int_equal(ksize(p), m);
		for (size_t i = was; i < MIN(m, was + 8); i++)
			assert_int_equal(p[i], 0);	/* no guard word left there */
		memset(p, 7, m);		/* all of it is the caller's */
	}
	assert_ptr_equal(krealloc(p, n + 1000, GFP_KERNEL), p);	/* kmalloc's API too */
	assert_int_equal(ksize(p), n + 1000);
	p[n + 1000] = 'x';
	expect_overrun_report(p);		/* the guard moved with the size */

	p = kmalloc_c(n, GFP_KERNEL);
	assert_null(krealloc_in_place(p, 1 << 20));	/* its pages do not hold it */
	assert_null(krealloc_in_place(p, n / 4));	/* it would keep too much */
	assert_null(krealloc_in_place(p + 16, n + 1));	/* not a block's start */
	assert_int_equal(ksize(p), n);
	q = kmalloc(2000, GFP_KERNEL);
	assert_null(krealloc_in_place(q, 2100));	/* an object of a size class */
	kfree(q);
	assert_null(krealloc_in_place(stack_buf, 5000));	/* not slotslab's */

	p[n] = 'x';					/* overrun, then grown */
	assert_null(krealloc_in_place(p, n + 100));
	test_stderr_begin();
	assert_null(krealloc_c(p, n + 100, GFP_KERNEL));	/* reported, kept */
	err = test_stderr_end();
	assert_non_null(strstr(err, "(overrun)"));

	p = kmalloc_c(n, GFP_KERNEL);
	p[-1] = 'x';					/* underrun, then grown */
	assert_null(krealloc_in_place(p, n + 100));
	test_stderr_begin();
	assert_null(krealloc_c(p, n + 100, GFP_KERNEL));
	err = test_stderr_end();
	assert_non_null(strstr(err, "(underrun)"));
}

/*
 * The C library's large blocks (kmalloc_c, krealloc_c: the malloc API's)
 * start 16 bytes into their pages after a guard word: an underrun of 1 or
 * 32 bytes is reported at kfree, the overrun guard still works, the head
 * stays when krealloc resizes in place, and a write after free of the
 * first bytes is still found at reuse.  kmalloc's own start on a page, and
 * a size that fills its pages under 256 KiB gets no head (nor a guard).
 */
static void test_large_head(void **state)
{
	static const size_t sizes[] = { 40000, 300 << 10, 3 << 20 };
	const char *err;
	char *p, *q;

	if (RUNNING_ON_VALGRIND)
		skip();		/* memcheck calls the underruns below errors */
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t n = sizes[i];

		p = kmalloc(n, GFP_KERNEL);
		assert_int_equal((uintptr_t)p % PAGE_SIZE, 0);
		kfree(p);
		p = kmalloc_c(n, GFP_KERNEL);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % PAGE_SIZE, 16);
		assert_int_equal(ksize(p), n);
		memset(p, 0x5A, n);
		expect_kfree_report(p, "");

		p = kmalloc_c(n, GFP_KERNEL);
		p[-1] = 'x';				/* one byte before its start */
		expect_kfree_report(p, "(underrun)");
		if (n <= LARGE_CHUNK_MAX) {	/* (a mapping of its own: it might fault) */
			p = kmalloc_c(n, GFP_KERNEL);
			q = NULL;
			if ((uintptr_t)p % CHUNK_SIZE < PAGE_SIZE) {
				q = p;		/* a chunk's first page: none before it */
				p = kmalloc_c(n, GFP_KERNEL);
			}
			memset(p - 32, 'A', 32);	/* 32 bytes before it */
			expect_kfree_report(p, "(underrun)");
			kfree(q);
		}
		p = kmalloc_c(n, GFP_KERNEL);
		p[n] = 'x';
		expect_overrun_report(p);
	}
	p = kmalloc_c(65536, GFP_KERNEL);	/* fills its pages: no head */
	assert_int_equal((uintptr_t)p % PAGE_SIZE, 0);
	kfree(p);
	/* resized in place, the head and its guard stay */
	p = kmalloc_c(100000, GFP_KERNEL);
	q = krealloc_c(p, 90000, GFP_KERNEL);
	assert_ptr_equal(q, p);
	p = krealloc_c(p, 400000, GFP_KERNEL);
	assert_int_equal((uintptr_t)p % PAGE_SIZE, 16);
	assert_int_equal(ksize(p), 400000);
	p[-1] = 'x';
	test_stderr_begin();
	assert_null(krealloc_c(p, 500000, GFP_KERNEL));	/* reported, kept */
	err = test_stderr_end();
	assert_non_null(strstr(err, "(underrun)"));
	/* a write after free of its first bytes is found at reuse */
	kmem_cache_shrink_all();
	p = kmalloc_c(300 << 10, GFP_KERNEL);
	kfree(p);
	memset(p, 'W', 16);
	test_stderr_begin();
	q = kmalloc_c(300 << 10, GFP_KERNEL);
	err = test_stderr_end();
	assert_ptr_not_equal(q, p);
	assert_non_null(strstr(err, "Write after free: large kmalloc block"));
	kfree(q);
	assert_int_equal(kmem_cache_validate(NULL), 0);
}

/*
 * A large block written after its free (its first bytes) is reported when
 * it is handed out again, and quarantined under the kernel's convention:
 * the next kmalloc returns another block.  A block of a chunk (300 KiB)
 * and a kept mapping (3 MiB).
 */
static void test_large_write_after_free(void **state)
{
	static const size_t sizes[] = { 300 << 10, 3 << 20 };
	const char *err;

	if (RUNNING_ON_VALGRIND)
		skip();		/* memcheck calls the writes below errors */
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		char *p, *q;

		kmem_cache_shrink_all();
		p = kmalloc(sizes[i], GFP_KERNEL);
		assert_non_null(p);
		memset(p, 1, 4096);
		kfree(p);
		memset(p, 'W', 64);	/* after its free */
		test_stderr_begin();
		q = kmalloc(sizes[i], GFP_KERNEL);
		err = test_stderr_end();
		assert_non_null(q);
		assert_ptr_not_equal(q, p);	/* p stays allocated */
		assert_non_null(strstr(err, "Write after free: large kmalloc block"));
		assert_non_null(strstr(err, "quarantined"));
		kfree(q);
		assert_int_equal(kmem_cache_validate(NULL), 0);
	}
}

/*
 * A large block handed out again holds no word keyed by the secret: its
 * free mark, checked, is zeroed (kmalloc's blocks and the C library's).
 */
static void test_large_reuse_clears_mark(void **state)
{
	static const size_t sizes[] = { 40000, 300 << 10 };
	uint64_t w;
	char *p, *q;

	if (RUNNING_ON_VALGRIND)
		skip();		/* the words read are undefined to memcheck */
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = kmalloc(sizes[i], GFP_KERNEL);
		kfree(p);
		q = kmalloc(sizes[i], GFP_KERNEL);
		assert_ptr_equal(q, p);		/* its dirty pages, newest first */
		memcpy(&w, q, sizeof(w));
		assert_int_equal(w, 0);
		kfree(q);
		p = kmalloc_c(sizes[i], GFP_KERNEL);
		kfree(p);
		q = kmalloc_c(sizes[i], GFP_KERNEL);
		assert_ptr_equal(q, p);
		memcpy(&w, q, sizeof(w));
		assert_int_equal(w, 0);
		kfree(q);
	}
}

/*
 * Not reported: a large block written after its free whose pages were
 * purged since (they read as zeros: the mark is gone); and ordinary reuse
 * of large blocks: freed and allocated again many times, grown by krealloc
 * in place or by mremap, kept mappings cut in two.
 */
static void test_large_reuse_not_reported(void **state)
{
	static const size_t sizes[] = { 40000, 300 << 10, 3 << 20 };
	const char *err;
	char *p, *q;

	if (!RUNNING_ON_VALGRIND) {
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			kmem_cache_shrink_all();
			p = kmalloc(sizes[i], GFP_KERNEL);
			kfree(p);
			memset(p, 'W', 64);	/* after its free, then purged */
			kmem_cache_shrink_all();
			test_stderr_begin();
			q = kmalloc(sizes[i], GFP_KERNEL);
			err = test_stderr_end();
			assert_string_equal(err, "");
			kfree(q);
		}
	}
	test_stderr_begin();
	for (int round = 0; round < 40; round++)
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			p = kmalloc(sizes[i], GFP_KERNEL);
			memset(p, round, sizes[i]);
			kfree(p);
		}
	/* a realloc chain: in place in a chunk, then mapped, moved by mremap */
	p = kmalloc(40000, GFP_KERNEL);
	for (size_t n = 40000; n < (8 << 20); n += n / 3) {
		p = krealloc(p, n, GFP_KERNEL);
		assert_non_null(p);
		memset(p, 7, 64);
		q = kmalloc(n / 2, GFP_KERNEL);	/* between them, freed at once */
		kfree(q);
	}
	kfree(p);
	/* a kept mapping of 8 MiB cut into 3 and 5, then one grown by mremap */
	kmem_cache_shrink_all();
	p = kmalloc(8 << 20, GFP_KERNEL);
	kfree(p);
	p = kmalloc((3 << 20) - 64, GFP_KERNEL);
	q = kmalloc((5 << 20) - 64, GFP_KERNEL);
	memset(p, 1, 3 << 20 >> 1);
	memset(q, 2, 5 << 20 >> 1);
	kfree(p);
	kfree(q);
	p = kmalloc(12 << 20, GFP_KERNEL);
	memset(p, 3, 64);
	kfree(p);
	err = test_stderr_end();
	assert_string_equal(err, "");
	assert_int_equal(kmem_cache_validate(NULL), 0);
}

/* Objects of caches created with kmem_cache_create may be kfree'd too. */
static void test_kfree_of_cache_object(void **state)
{
	struct kmem_cache *s = kmem_cache_create("kfree_me", 120, 0, SLAB_NO_MERGE, NULL);
	void *p = kmem_cache_alloc(s, GFP_KERNEL);
	struct kmem_cache_info info;

	assert_int_equal(ksize(p), 120);
	kfree(p);
	assert_int_equal(kmem_cache_get_info(s, &info), 0);
	assert_int_equal(info.active_objs, 0);
	kmem_cache_destroy(s);
}

/* kmem_cache_shrink_all gives back what kmalloc's caches no longer use. */
static void test_shrink_all(void **state)
{
	enum { N = 200000 };
	void **p = malloc(N * sizeof(*p));
	struct slab_mem_info m;
	size_t released;

	for (int i = 0; i < N; i++)
		p[i] = kmalloc(100, GFP_KERNEL);
	for (int i = 0; i < N; i++)
		kfree(p[i]);
	released = kmem_cache_shrink_all();
	/*
	 * Under memcheck the frees can outlast the decay time, which then
	 * returns slabs before shrink_all does: judge by what is left.
	 */
	if (!test_under_instrumentation())
		assert_true(released >= (size_t)N * 112 * 9 / 10);
	assert_int_equal(slab_get_mem_info(&m), 0);
	assert_int_equal(m.dirty_bytes, 0);
	assert_true(m.slab_bytes < (size_t)N * 112 / 10);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes_made_at_first_use),
		cmocka_unit_test(test_kernel_classes_exist),
		cmocka_unit_test(test_every_size),
		cmocka_unit_test(test_zero_size),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_kzalloc_and_array),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_krealloc_keeps_contents),
		cmocka_unit_test(test_krealloc_in_place_and_zero),
		cmocka_unit_test(test_bad_kfree),
		cmocka_unit_test(test_large_guard),
		cmocka_unit_test(test_large_resize_in_place),
		cmocka_unit_test(test_large_grow_at_chunk_end),
		cmocka_unit_test(test_large_head),
		cmocka_unit_test(test_large_write_after_free),
		cmocka_unit_test(test_large_reuse_clears_mark),
		cmocka_unit_test(test_large_reuse_not_reported),
		cmocka_unit_test(test_kfree_of_cache_object),
		cmocka_unit_test(test_shrink_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
