// SPDX-License-Identifier: MIT
/*
 * tests/alloc/test_prefault.c - prefaulting (alloc/page.c 8): pages about
 * to be written are made resident in one system call, not a page fault
 * each.  What is prefaulted and what is not:
 *   - a large kmalloc block from fresh memory: its first prefault_max
 *     bytes, resident before anyone writes them; the rest of a bigger
 *     block not (a big block may be used sparsely);
 *   - a zeroed one (kzalloc, calloc): nothing (a sparse table reads as
 *     zeros untouched);
 *   - with prefault_max 0 (SLOTSLAB_PREFAULT=0): nothing;
 *   - a carve from a fresh slab: the pages its free marks go to, without
 *     a page fault, and no page past them (all of it when the carve order
 *     is random);
 *   - krealloc moving a block: the pages it copies into, without a fault;
 *   - a sandbox that refuses the advice (seccomp: EPERM): blocks as
 *     before, their pages faulting in as they are written;
 *   - SLOTSLAB_PREFAULT: KiB, or a message and the setting kept.
 * Residency is read with mincore(); faults with the software page-fault
 * counter of perf_event_open (traps only: a populate does not count),
 * where the kernel lets the test open one.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "tests/lib/testutil.h"
#include "alloc/internal.h"

/* Pages of [p, p + bytes) resident, p page aligned. */
static size_t resident_pages(const void *p, size_t bytes)
{
	size_t n = (bytes + PAGE_SIZE - 1) / PAGE_SIZE, r = 0;
	unsigned char *vec = calloc(n, 1);

	assert_non_null(vec);
	assert_int_equal(mincore((void *)p, bytes, vec), 0);
	for (size_t i = 0; i < n; i++)
		r += vec[i] & 1;
	free(vec);
	return r;
}

/* A software counter of this thread's page-fault traps, or -1. */
static int fault_counter(void)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_PAGE_FAULTS;
	a.disabled = 0;
	a.exclude_hv = 1;
	return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

static uint64_t faults_read(int fd)
{
	uint64_t v = 0;

	assert_int_equal(read(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	return v;
}

/* Does this kernel make pages resident on MADV_POPULATE_WRITE (5.14)? */
static bool populate_works(void)
{
	char *p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bool ok;

	assert_true(p != MAP_FAILED);
	ok = madvise(p, PAGE_SIZE, 23 /* MADV_POPULATE_WRITE */) == 0;
	munmap(p, PAGE_SIZE);
	return ok;
}

/* Every free page clean (not resident): the next blocks are fresh memory. */
static int setup(void **state)
{
	(void)state;
	page_purge();
	return 0;
}

/* Under CONFIG_SLAB_THP a touch may fault in a huge page: no page counts. */
static void skip_if_huge_pages(void)
{
	if (IS_ENABLED(CONFIG_SLAB_THP))
		skip();
}

static void test_large_block_prefaulted(void **state)
{
	size_t size = 256 << 10;
	char *p;

	skip_if_huge_pages();
	if (!populate_works())
		skip();	/* an older kernel, or a sandbox: page.c turns prefaulting off */
	p = kmalloc(size, GFP_KERNEL);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % PAGE_SIZE, 0);
	/* resident before the caller wrote a byte */
	assert_int_equal(resident_pages(p, size), size / PAGE_SIZE);
	kfree(p);
}

static void test_large_prefault_capped(void **state)
{
	size_t saved = prefault_max, size = 512 << 10;
	char *p;

	skip_if_huge_pages();
	if (!populate_works())
		skip();	/* an older kernel, or a sandbox: page.c turns prefaulting off */
	prefault_max = 64 << 10;
	p = kmalloc(size, GFP_KERNEL);
	prefault_max = saved;
	assert_non_null(p);
	assert_int_equal(resident_pages(p, 64 << 10), 16);
	/* the rest not, but for the guard word's page at the end */
	assert_true(resident_pages(p + (64 << 10), size - (64 << 10)) <= 1);
	kfree(p);
}

static void test_zeroed_block_not_prefaulted(void **state)
{
	size_t size = 256 << 10;
	char *p = kzalloc(size, GFP_KERNEL);

	skip_if_huge_pages();
	assert_non_null(p);
	assert_true(resident_pages(p, size) <= 1);
	for (size_t i = 0; i < size; i += 4096)
		assert_int_equal(p[i], 0);
	kfree(p);
}

static void test_prefault_off(void **state)
{
	size_t saved = prefault_max, size = 256 << 10;
	char *p;

	skip_if_huge_pages();
	prefault_max = 0;
	p = kmalloc(size, GFP_KERNEL);
	prefault_max = saved;
	assert_non_null(p);
	assert_true(resident_pages(p, size) <= 1);
	kfree(p);
}

/*
 * A new cache's first allocation carves its first objects from a fresh
 * slab: their marks' pages are prefaulted (no trap), and no page past
 * the carve is made resident.
 */
static void test_carve_prefaulted(void **state)
{
	struct kmem_cache *s;
	int fd;
	uint64_t before;
	void *obj;
	struct slab *slab;
	size_t carved_end, slab_bytes;

	skip_if_huge_pages();
	if (!populate_works())
		skip();
	s = kmem_cache_create("prefault-512", 512, 0, SLAB_NO_MERGE, NULL);
	fd = fault_counter();
	before = fd >= 0 ? faults_read(fd) : 0;
	assert_non_null(s);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	assert_non_null(obj);
	slab = pm_slab(pagemap_lookup(obj));
	assert_non_null(slab);
	if (fd >= 0 && !test_under_instrumentation())
		assert_int_equal(faults_read(fd) - before, 0);
	if (fd >= 0)
		close(fd);
	slab_bytes = PAGE_SIZE << s->order;
	carved_end = ALIGN_UP((size_t)(slab_mem(slab) - slab->base) +
			      (size_t)slab->carved * s->size, PAGE_SIZE);
	assert_true(slab->carved >= 1 && slab->carved <= s->objects);
	assert_int_equal(resident_pages(slab->base, carved_end), carved_end / PAGE_SIZE);
	/* (a random carve order, CONFIG_SLAB_FREELIST_RANDOM, prefaults it all) */
	if (carved_end < slab_bytes && !s->random_seq)
		assert_int_equal(resident_pages(slab->base + carved_end, slab_bytes - carved_end), 0);
	kmem_cache_free(s, obj);
	kmem_cache_destroy(s);
}

/*
 * krealloc moving a 200 KiB block to a bigger large one (a neighbour
 * after it, so that it cannot grow in place), from fresh memory: the
 * faults it takes, or -1 without a counter.
 */
static long realloc_move_faults(void)
{
	size_t size = 200 << 10;
	char *p, *q, *r;
	int fd = fault_counter();
	uint64_t before;

	if (fd < 0)
		return -1;
	page_purge();
	p = kmalloc(size, GFP_KERNEL);
	r = kmalloc(size, GFP_KERNEL);
	assert_non_null(p);
	assert_non_null(r);
	memset(p, 7, size);
	before = faults_read(fd);
	q = krealloc(p, 3 * size, GFP_KERNEL);
	before = faults_read(fd) - before;
	close(fd);
	assert_non_null(q);
	assert_true(q != p);
	for (size_t i = 0; i < size; i += 4096)
		assert_int_equal(q[i], 7);
	kfree(q);
	kfree(r);
	return (long)before;
}

static void test_realloc_copy_prefaulted(void **state)
{
	size_t saved = prefault_max;
	long off, on;

	skip_if_huge_pages();
	if (!populate_works())
		skip();

	prefault_max = 0;
	off = realloc_move_faults();
	prefault_max = saved;
	on = realloc_move_faults();
	if (off < 0)
		skip();
	if (test_under_instrumentation())
		return;	/* the tool's own faults */
	/* the 50 pages of the copy fault without; the guard words' pages only with */
	assert_true(off >= 50);
	assert_true(on <= 4);
}

/* In a child: madvise(..., MADV_POPULATE_WRITE) refused, as a sandbox may. */
static int refused_child(void *arg)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_madvise, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 23 /* MADV_POPULATE_WRITE */, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	size_t size = 256 << 10;
	char *p[3];

	(void)arg;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
		return 5;	/* the parent saw seccomp available */
	p[0] = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p[0] == MAP_FAILED || madvise(p[0], PAGE_SIZE, 23) == 0 || errno != EPERM)
		return 1;	/* the filter is in force */
	munmap(p[0], PAGE_SIZE);
	page_purge();
	for (int i = 0; i < 3; i++) {
		p[i] = kmalloc(size, GFP_KERNEL);
		if (!p[i] || resident_pages(p[i], size) > 1)
			return 1;
		memset(p[i], i, size);
		if (resident_pages(p[i], size) != size / PAGE_SIZE)
			return 1;
	}
	for (int i = 0; i < 3; i++)
		kfree(p[i]);
	return 0;
}

static void test_prefault_refused(void **state)
{
	skip_if_huge_pages();
	if (test_under_instrumentation() || prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0)
		skip();	/* the tool's own system calls; no seccomp */
	test_in_child(refused_child, NULL, "prefaulting refused by a seccomp filter");
}

static void test_prefault_setting(void **state)
{
	size_t saved = prefault_max;
	const char *err;

	setenv("SLOTSLAB_PREFAULT", "64", 1);
	page_prefault_setup();
	assert_int_equal(prefault_max, 64 << 10);
	setenv("SLOTSLAB_PREFAULT", "0", 1);
	page_prefault_setup();
	assert_int_equal(prefault_max, 0);
	setenv("SLOTSLAB_PREFAULT", "12x", 1);
	test_stderr_begin();
	page_prefault_setup();
	err = test_stderr_end();
	assert_non_null(strstr(err, "SLOTSLAB_PREFAULT=12x: not a number of KiB; keeping 0"));
	assert_int_equal(prefault_max, 0);
	unsetenv("SLOTSLAB_PREFAULT");
	prefault_max = saved;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_large_block_prefaulted, setup),
		cmocka_unit_test_setup(test_large_prefault_capped, setup),
		cmocka_unit_test_setup(test_zeroed_block_not_prefaulted, setup),
		cmocka_unit_test_setup(test_prefault_off, setup),
		cmocka_unit_test_setup(test_carve_prefaulted, setup),
		cmocka_unit_test(test_realloc_copy_prefaulted),
		cmocka_unit_test(test_prefault_refused),
		cmocka_unit_test(test_prefault_setting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
