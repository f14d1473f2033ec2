// SPDX-License-Identifier: MIT
/*
 * tests/malloc/test_malloc.c - the malloc replacement's semantics (malloc/), through
 * its prefixed build (slotslab_malloc, ...), so that it runs beside the
 * process's own malloc and under every sanitizer: malloc(0), alignment and
 * usable sizes of every function, calloc zeroing and overflow, realloc
 * contents across classes and large blocks, errno, the aligned caches and
 * the huge-alignment table, blocks freed by other threads, fork() while
 * another thread allocates, and allocation failure.  The same functions
 * under their real names in real programs: tests/malloc_*.sh.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "tests/lib/pattern.h"
#include "tests/lib/testutil.h"
#define SLOTSLAB_MALLOC_PREFIX
#include "malloc/internal.h"

/* ---- the first large blocks freed are parked (alloc/page.c 7) ------------ */

static char *parked_block;

static int err_parked_read(void *arg)
{
	return ((volatile char *)parked_block)[(size_t)arg];
}

static int err_parked_free(void *arg)
{
	slotslab_free(parked_block);
	return 0;
}

/* Does @fn(@arg) die by SIGSEGV, in a child? */
static bool faults(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);	/* not cmocka's handler */
		fn(arg);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

static void expect_abort(int (*fn)(void *), size_t n, const char *what);

/*
 * Parking is for a program's first moments: once its small blocks take
 * more than PARK_SLAB_MAX of slabs, a large block it frees is not parked
 * (its pages stay for the next block of its size), nor any freed later.
 * In a child, forked before this process freed any large block (this test
 * runs first), so that the test below still finds parking to come.
 */
static void test_large_frees_not_parked_once_busy(void **state)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		/* 1.25 MiB of small blocks, past PARK_SLAB_MAX (1 MiB); then
		 * PARK_FIRST (8) large frees, which would all be parked before */
		enum { SMALL = 64, N = (5 << 18) / SMALL, LARGE_FREES = 8 };
		static void *small[N];
		bool parked = false;

		for (int i = 0; i < N; i++)
			if (!(small[i] = slotslab_malloc(SMALL)))
				_exit(2);
		for (int k = 0; k < LARGE_FREES; k++) {
			char *p = slotslab_malloc(300 << 10);

			if (!p)
				_exit(2);
			memset(p, 1, 300 << 10);
			slotslab_free(p);
			parked |= strcmp(test_map_perms(p), "---p") == 0;
		}
		for (int i = 0; i < N; i++)
			slotslab_free(small[i]);
		_exit(parked ? 1 : 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * Under the C library's convention the first large blocks freed (of a
 * chunk, and mappings of their own) are parked PROT_NONE: a read through
 * the stale pointer faults, the next block of the size is elsewhere, and
 * a second free of it is a double free (abort).  Only as many as fit in
 * 4 MiB together (PARK_BYTES) are parked: the second 3 MiB block, after
 * two of 300 KiB and one of 3 MiB, is not.  After more large frees
 * (PARK_HOLD, 64) their pages serve again.  Runs first (after a test
 * whose frees are a child's): the process's first large frees.
 */
static void test_first_large_frees_parked(void **state)
{
	static const size_t sizes[] = { 300 << 10, 3 << 20 };
	unsigned int i;

	for (size_t k = 0; k < 2; k++) {
		size_t n = sizes[k];
		char *p = slotslab_malloc(n), *q;

		assert_non_null(p);
		memset(p, 1, n);
		slotslab_free(p);
		assert_string_equal(test_map_perms(p), "---p");
		q = slotslab_malloc(n);
		assert_non_null(q);
		assert_ptr_not_equal(q, p);
		parked_block = p;
		assert_true(faults(err_parked_read, (void *)(n - 1)));
		expect_abort(err_parked_free, n, "double free of a parked block");
		slotslab_free(q);
		if (k == 0)
			assert_string_equal(test_map_perms(q), "---p");
		else	/* beyond the budget: kept (rw) or unmapped */
			assert_string_not_equal(test_map_perms(q), "---p");
	}
	assert_int_equal(kmem_cache_validate(NULL), 0);
	for (i = 0; i < 1000 && strcmp(test_map_perms(parked_block), "---p") == 0; i++)
		slotslab_free(slotslab_malloc(300 << 10));
	assert_true(i < 1000);		/* back: rw, or unmapped */
	assert_int_equal(kmem_cache_validate(NULL), 0);
}

/*
 * malloc(0) and calloc(0, n): unique pointers (also after frees and
 * reuse), page aligned, 0 usable bytes, accepted by free and realloc.
 */
static void test_malloc_zero_is_unique(void **state)
{
	enum { N = 64 };
	struct rlimit as;
	char *p[N], *q;
	bool reserved;

	/* Under an address-space limit the blocks are 1-byte ones (zero.c). */
	reserved = getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur == RLIM_INFINITY;

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++) {
			p[i] = i % 2 ? slotslab_calloc(0, 8) : slotslab_malloc(0);
			assert_non_null(p[i]);
			assert_ptr_not_equal(p[i], ZERO_SIZE_PTR);
			if (reserved) {
				assert_int_equal((uintptr_t)p[i] % 4096, 0);
				assert_int_equal(slotslab_malloc_usable_size(p[i]), 0);
			}
			for (int j = 0; j < i; j++)
				assert_ptr_not_equal(p[i], p[j]);
		}
		for (int i = 0; i < N; i += 2)
			slotslab_free(p[i]);
		for (int i = 1; i < N; i += 2) {	/* realloc: a real block, the old one freed */
			q = slotslab_realloc(p[i], 100);
			assert_non_null(q);
			memset(q, 1, 100);
			slotslab_free(q);
		}
	}
	q = slotslab_malloc(0);
	assert_null(slotslab_realloc(q, 0));	/* realloc(p, 0) frees, as glibc */
	slotslab_free(NULL);
	assert_int_equal(slotslab_malloc_usable_size(NULL), 0);
}

/*
 * With every zero-size slot live, malloc(0) gives a 1-byte block instead;
 * a slot freed is found again by the next malloc(0).
 */
static void test_malloc_zero_slots_run_out(void **state)
{
	enum { MAX = 300000 };
	void **p = calloc(MAX, sizeof(*p));
	struct rlimit as;
	size_t n = 0, freed;

	if (getrlimit(RLIMIT_AS, &as) != 0 || as.rlim_cur != RLIM_INFINITY)
		skip();	/* 1-byte blocks from the start (zero.c) */
	assert_non_null(p);
	do {
		p[n] = slotslab_malloc(0);
		assert_non_null(p[n]);
	} while (slotslab_malloc_usable_size(p[n++]) == 0 && n < MAX);
	assert_true(n < MAX);				/* ran out */
	assert_true(n > 200000);			/* after a quarter million */
	assert_true(slotslab_malloc_usable_size(p[n - 1]) >= 1);	/* the fallback */
	freed = n / 2;
	slotslab_free(p[freed]);
	p[freed] = slotslab_malloc(0);
	assert_int_equal(slotslab_malloc_usable_size(p[freed]), 0);	/* the slot again */
	for (size_t i = 0; i < n; i++)
		slotslab_free(p[i]);
	free(p);
}

/* Any read or write through a block of zero bytes faults at once. */
static void test_malloc_zero_faults(void **state)
{
	for (int write = 0; write < 2; write++) {
		volatile char *p = slotslab_malloc(0);
		int status;
		pid_t pid;

		struct rlimit as;

		if (test_under_instrumentation() || RUNNING_ON_VALGRIND)
			skip();	/* the tools call the access an error of their own */
		if (getrlimit(RLIMIT_AS, &as) != 0 || as.rlim_cur != RLIM_INFINITY)
			skip();	/* 1-byte blocks under an address-space limit */
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			signal(SIGSEGV, SIG_DFL);	/* not cmocka's handler */
			if (write)
				p[0] = 1;
			else
				status = p[0];
			_exit(0);	/* carried on */
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGSEGV);
		slotslab_free((void *)p);
	}
}

static void test_malloc_sizes_and_alignment(void **state)
{
	for (size_t size = 1; size <= 3 * KMALLOC_MAX_CACHE_SIZE; size += size < 512 ? 1 : 61) {
		unsigned char *p = slotslab_malloc(size);
		size_t u;

		assert_non_null(p);
		u = slotslab_malloc_usable_size(p);
		assert_int_equal(u, kmalloc_size_roundup(size));
		assert_int_equal((uintptr_t)p % (size > 8 ? 16 : 8), 0);
		p[0] = 1;
		p[u - 1] = 2;	/* all of the usable size may be written */
		slotslab_free(p);
	}
}

static void test_calloc_zeroes(void **state)
{
	unsigned char *p;

	/* Dirty a block, free it, and get the same class back zeroed. */
	for (int round = 0; round < 2; round++) {
		p = slotslab_malloc(200);
		assert_non_null(p);
		memset(p, 0xa5, slotslab_malloc_usable_size(p));
		slotslab_free(p);
		p = slotslab_calloc(10, 20);
		assert_non_null(p);
		for (size_t i = 0; i < 200; i++)
			assert_int_equal(p[i], 0);
		slotslab_free(p);
	}
	p = slotslab_calloc(3, 10000);		/* large */
	assert_non_null(p);
	for (size_t i = 0; i < 30000; i++)
		assert_int_equal(p[i], 0);
	slotslab_free(p);
	p = slotslab_calloc(0, 5);
	assert_non_null(p);
	slotslab_free(p);

	errno = 0;
	assert_null(slotslab_calloc(SIZE_MAX / 2, 3));	/* overflow */
	assert_int_equal(errno, ENOMEM);
	errno = 0;
	assert_null(slotslab_calloc((size_t)1 << 33, (size_t)1 << 33));
	assert_int_equal(errno, ENOMEM);
}

static void test_enomem(void **state)
{
	errno = 0;
	assert_null(slotslab_malloc(SIZE_MAX));
	assert_int_equal(errno, ENOMEM);
	errno = 0;
	assert_null(slotslab_malloc(KMALLOC_MAX_SIZE + 1));
	assert_int_equal(errno, ENOMEM);
	errno = 0;
	assert_null(slotslab_realloc(NULL, SIZE_MAX - 4096));
	assert_int_equal(errno, ENOMEM);
	errno = 0;
	assert_null(slotslab_pvalloc(SIZE_MAX - 10));
	assert_int_equal(errno, ENOMEM);
}

/* Grow one block through every class into large blocks and back down. */
static void test_realloc_keeps_contents(void **state)
{
	static const size_t steps[] = {
		1, 8, 9, 24, 100, 128, 129, 700, 4096, 8192, 8193, 20000, 300000,
		1 << 22, 300001, 20000, 9000, 8000, 3000, 100, 17, 1,
	};
	unsigned char *p = NULL;
	size_t have = 0;

	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		size_t n = steps[i];
		unsigned char *q = slotslab_realloc(p, n);

		assert_non_null(q);
		assert_true(slotslab_malloc_usable_size(q) >= n);
		assert_true(pattern_intact(q, MIN(have, n), 11));
		pattern_fill(q, n, 11);
		p = q;
		have = n;
	}
	slotslab_free(p);
}

static void test_realloc_edges(void **state)
{
	unsigned char *p = slotslab_realloc(NULL, 50), *q;

	assert_non_null(p);
	assert_int_equal(slotslab_malloc_usable_size(p), 64);
	/* Fits, and its class is more than half the block: stays. */
	assert_ptr_equal(slotslab_realloc(p, 60), p);
	assert_ptr_equal(slotslab_realloc(p, 40), p);
	slotslab_free(p);

	/* A buffer trimmed far below its block moves and gives memory back. */
	p = slotslab_malloc(4000);
	pattern_fill(p, 4000, 3);
	q = slotslab_realloc(p, 100);
	assert_non_null(q);
	assert_int_equal(slotslab_malloc_usable_size(q), kmalloc_size_roundup(100));
	assert_true(pattern_intact(q, 100, 3));

	/* realloc(p, 0) frees and returns NULL, as glibc's. */
	assert_null(slotslab_realloc(q, 0));

	/* A failed realloc leaves the block alone. */
	p = slotslab_malloc(30);
	pattern_fill(p, 30, 5);
	errno = 0;
	assert_null(slotslab_realloc(p, KMALLOC_MAX_SIZE + 1));
	assert_int_equal(errno, ENOMEM);
	assert_true(pattern_intact(p, 30, 5));

	/* reallocarray: overflow fails with ENOMEM and keeps the block. */
	errno = 0;
	assert_null(slotslab_reallocarray(p, SIZE_MAX / 4, 8));
	assert_int_equal(errno, ENOMEM);
	assert_true(pattern_intact(p, 30, 5));
	q = slotslab_reallocarray(p, 100, 10);
	assert_non_null(q);
	assert_true(slotslab_malloc_usable_size(q) >= 1000);
	assert_true(pattern_intact(q, 30, 5));
	slotslab_free(q);
}

static const size_t aligned_sizes[] = { 0, 1, 8, 24, 100, 130, 1000, 4095, 4097, 5000, 8192, 12289 };

/* Every power-of-two alignment from 1 to 4 MiB through every function. */
static void test_alignments(void **state)
{
	for (size_t align = 1; align <= ((size_t)4 << 20); align <<= 1) {
		for (size_t i = 0; i < ARRAY_SIZE(aligned_sizes); i++) {
			size_t size = aligned_sizes[i];
			unsigned char *p[3];
			void *m = NULL;
			int saved;

			p[0] = slotslab_memalign(align, size);
			p[1] = slotslab_aligned_alloc(align, size);
			errno = 1234;
			saved = slotslab_posix_memalign(&m, align, size);
			if (align < sizeof(void *)) {
				assert_int_equal(saved, EINVAL);
				assert_null(m);
				m = slotslab_malloc(size);
			} else {
				assert_int_equal(saved, 0);
			}
			assert_int_equal(errno, 1234);	/* posix_memalign keeps errno */
			p[2] = m;
			for (int k = 0; k < 3; k++) {
				size_t u;

				assert_non_null(p[k]);
				if (k < 2 || align >= sizeof(void *))
					assert_int_equal((uintptr_t)p[k] % align, 0);
				u = slotslab_malloc_usable_size(p[k]);
				assert_true(u >= size);
				pattern_fill(p[k], size, (unsigned int)k);
			}
			/* realloc of an aligned block keeps its contents. */
			p[0] = slotslab_realloc(p[0], size + 5000);
			assert_non_null(p[0]);
			assert_true(pattern_intact(p[0], size, 0));
			for (int k = 0; k < 3; k++) {
				assert_true(k == 0 || pattern_intact(p[k], size, (unsigned int)k));
				slotslab_free(p[k]);
			}
		}
	}
}

/* Aligned requests take O = class rounded to the alignment, not a power of two. */
static void test_aligned_waste(void **state)
{
	void *p = slotslab_memalign(64, 130), *q = slotslab_memalign(32, 130);

	assert_int_equal(slotslab_malloc_usable_size(p), 192);
	assert_int_equal(slotslab_malloc_usable_size(q), 160);
	slotslab_free(p);
	slotslab_free(q);
	p = slotslab_memalign(2048, 5000);	/* class 5120 -> 6144 */
	assert_int_equal((uintptr_t)p % 2048, 0);
	assert_int_equal(slotslab_malloc_usable_size(p), 6144);
	slotslab_free(p);
	p = slotslab_memalign(16, 8);		/* the 8-byte class is only 8-aligned */
	assert_int_equal((uintptr_t)p % 16, 0);
	slotslab_free(p);
}

static void test_bad_alignments(void **state)
{
	void *m = (void *)0x1;
	void *p;

	errno = 0;
	assert_null(slotslab_aligned_alloc(24, 10));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(slotslab_aligned_alloc(0, 10));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(slotslab_posix_memalign(&m, 24, 10), EINVAL);
	assert_int_equal(slotslab_posix_memalign(&m, 4, 10), EINVAL);
	assert_int_equal(slotslab_posix_memalign(&m, 0, 10), EINVAL);
	assert_ptr_equal(m, (void *)0x1);	/* untouched on failure */
	assert_int_equal(slotslab_posix_memalign(&m, 64, SIZE_MAX - 100), ENOMEM);
	assert_ptr_equal(m, (void *)0x1);
	errno = 0;
	assert_null(slotslab_memalign(((size_t)1 << 63) + 1, 10));
	assert_int_equal(errno, EINVAL);

	/* memalign rounds an odd alignment up, as glibc's. */
	p = slotslab_memalign(24, 10);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % 32, 0);
	slotslab_free(p);
	p = slotslab_memalign(0, 10);
	assert_non_null(p);
	slotslab_free(p);
}

static void test_valloc_pvalloc(void **state)
{
	unsigned char *p = slotslab_valloc(10), *q = slotslab_pvalloc(5000), *r = slotslab_pvalloc(0);

	assert_int_equal((uintptr_t)p % 4096, 0);
	assert_int_equal((uintptr_t)q % 4096, 0);
	assert_int_equal((uintptr_t)r % 4096, 0);
	assert_true(slotslab_malloc_usable_size(p) >= 10);
	assert_true(slotslab_malloc_usable_size(q) >= 8192);
	assert_true(slotslab_malloc_usable_size(r) >= 4096);
	memset(q, 1, 8192);
	slotslab_free(p);
	slotslab_free(q);
	slotslab_free(r);
}

/*
 * Alignments above a page: enough blocks to grow the table twice, freed in
 * a scrambled order (backward-shift deletion), each findable throughout.
 */
static void test_huge_alignment_table(void **state)
{
	enum { N = 700 };
	static unsigned char *p[N];
	unsigned long live0 = READ_ONCE(huge_live);

	for (int i = 0; i < N; i++) {
		size_t align = (size_t)8192 << (i % 4);

		p[i] = slotslab_aligned_alloc(align, 100 + (size_t)i);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % align, 0);
		assert_int_equal(slotslab_malloc_usable_size(p[i]), 4096);
		pattern_fill(p[i], 100 + (size_t)i, (unsigned int)i);
	}
	assert_int_equal(READ_ONCE(huge_live), live0 + N);
	for (int k = 0; k < N; k++) {
		int i = (k * 379) % N;	/* 379 is prime to 700: every index once */

		assert_true(huge_owns(p[i]));
		assert_true(pattern_intact(p[i], 100 + (size_t)i, (unsigned int)i));
		if (i % 5 == 0) {
			p[i] = slotslab_realloc(p[i], 20000);	/* moves to kmalloc */
			assert_non_null(p[i]);
			assert_false(huge_owns(p[i]));
			assert_true(pattern_intact(p[i], 100 + (size_t)i, (unsigned int)i));
		}
		slotslab_free(p[i]);
		/* The other blocks are all still found. */
		if (k % 100 == 0)
			for (int j = 0; j < N; j++) {
				int gone = 0;

				for (int m = 0; m <= k; m++)
					gone |= (m * 379) % N == j;
				if (!gone)
					assert_true(huge_owns(p[j]));
			}
	}
	assert_int_equal(READ_ONCE(huge_live), live0);
}

/*
 * Large blocks (above 32 KiB) freed are kept, resident, for reuse: the same
 * size comes back, calloc gets it zeroed, realloc from small takes it too.
 */
static void test_large_reuse(void **state)
{
	unsigned char *p, *q, *r, *small;

	kmem_cache_shrink_all();	/* no earlier test's blocks in the cache */
	small = slotslab_malloc(100);	/* its slab first: not in the way later */
	pattern_fill(small, 100, 7);
	p = slotslab_malloc(50000);
	assert_non_null(p);
	memset(p, 0xee, 50000);
	slotslab_free(p);
	q = slotslab_malloc(49000);			/* the same 13 pages */
	assert_ptr_equal(q, p);
	slotslab_free(q);
	r = slotslab_calloc(1, 50000);			/* reused, and zeroed */
	assert_ptr_equal(r, p);
	for (size_t i = 0; i < 50000; i++)
		assert_int_equal(r[i], 0);
	slotslab_free(r);
	q = slotslab_realloc(small, 50000);		/* small to large through realloc */
	assert_ptr_equal(q, p);
	assert_true(pattern_intact(q, 100, 7));
	slotslab_free(q);
}

/*
 * A buffer grown by appends past a page leaves the size classes for a
 * block of pages (malloc_usable_size: the size asked for), which grows in
 * place over the free pages after it: from 100 bytes to 30000 by 100, it
 * moved 9 times past 4 KiB through the classes of 4-32 KiB, and now 1-2
 * times (glibc once).
 */
static void test_realloc_appends_grow_in_place(void **state)
{
	unsigned char *p = slotslab_malloc(100), *q;
	unsigned int moves = 0;

	kmem_cache_shrink_all();
	assert_non_null(p);
	pattern_fill(p, 100, 4);
	for (size_t n = 200; n <= 30000; n += 100) {
		q = slotslab_realloc(p, n);
		assert_non_null(q);
		assert_true(pattern_intact(q, 100, 4));
		moves += n > 4096 && q != p;
		if (n > 4096)
			assert_int_equal(slotslab_malloc_usable_size(q), n);
		p = q;
	}
	assert_true(moves <= 4);
	slotslab_free(p);
}

/*
 * A buffer that realloc grows out of the small classes while a big block's
 * mapping is kept (resident, after its free) is cut from that mapping and
 * grows over the rest of it in place, also past the 1 MiB where a block in
 * a chunk must move to a mapping of its own (alloc/page.c 5).  Doubled from
 * 8 KiB to 2 MiB, freed, and doubled again (bench/workloads/regrow), it
 * moves only while it is small, once the first round has left the chunks
 * it needs and its 2 MiB mapping kept.  Return: the moves of a large block.
 */
static unsigned int regrow_round(void)
{
	size_t n = 8192 + 8;
	unsigned char *p = slotslab_malloc(n), *q;
	unsigned int moves = 0;

	assert_non_null(p);
	pattern_fill(p, n, 9);
	while (n < (2u << 20)) {
		bool large = slotslab_malloc_usable_size(p) > KMALLOC_MAX_CACHE_SIZE;

		n = 2 * (n - 8) + 8;
		q = slotslab_realloc(p, n);
		assert_non_null(q);
		assert_true(pattern_intact(q, 8192, 9));
		moves += large && q != p;
		p = q;
	}
	slotslab_free(p);
	return moves;
}

static void test_realloc_grows_in_kept_mapping(void **state)
{
	kmem_cache_shrink_all();
	regrow_round();
	assert_int_equal(regrow_round(), 0);
	assert_int_equal(regrow_round(), 0);
}

/* ---- threads: blocks cross from allocating threads to freeing ones ------ */

#define XT_THREADS 4
#define XT_ROUNDS  20000

/* A block carries its size in its first bytes, its pattern after. */
static unsigned char *volatile xt_slot[XT_THREADS][64];

static void *xt_worker(void *arg)
{
	unsigned int me = (unsigned int)(uintptr_t)arg, seed = me * 2654435761u;
	long bad = 0;

	for (int r = 0; r < XT_ROUNDS; r++) {
		unsigned int idx = (seed >> 20) % 64;
		unsigned char *mine, *theirs;
		size_t size;

		seed = seed * 1103515245u + 12345u;
		size = (seed >> 8) % 3000 + sizeof(size_t);
		if (seed & 1)
			mine = slotslab_memalign(64, size);
		else
			mine = slotslab_malloc(size);
		if (!mine)
			return (void *)-1L;
		memcpy(mine, &size, sizeof(size));
		pattern_fill(mine + sizeof(size), size - sizeof(size), (unsigned int)size);
		/* Take a block of the next thread (allocated there), give ours. */
		theirs = __atomic_exchange_n(&xt_slot[(me + 1) % XT_THREADS][idx], NULL,
					     __ATOMIC_ACQ_REL);
		if (theirs) {
			size_t n;

			memcpy(&n, theirs, sizeof(n));
			bad += !pattern_intact(theirs + sizeof(n), n - sizeof(n), (unsigned int)n);
			slotslab_free(theirs);
		}
		theirs = __atomic_exchange_n(&xt_slot[me][idx], mine, __ATOMIC_ACQ_REL);
		slotslab_free(theirs);	/* our own old one, if nobody took it */
	}
	return (void *)bad;
}

static void test_cross_thread_frees(void **state)
{
	pthread_t t[XT_THREADS];

	for (unsigned int i = 0; i < XT_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, xt_worker, (void *)(uintptr_t)i), 0);
	for (unsigned int i = 0; i < XT_THREADS; i++) {
		void *bad;

		assert_int_equal(pthread_join(t[i], &bad), 0);
		assert_ptr_equal(bad, NULL);
	}
	for (unsigned int i = 0; i < XT_THREADS; i++)
		for (unsigned int j = 0; j < 64; j++)
			slotslab_free(xt_slot[i][j]);
}

/* ---- fork while another thread allocates -------------------------------- */

static volatile int churn_stop;

static void *churn(void *arg)
{
	while (!__atomic_load_n(&churn_stop, __ATOMIC_RELAXED)) {
		void *a = slotslab_malloc(48), *b = slotslab_memalign(128, 300);
		void *c = slotslab_aligned_alloc(16384, 10);

		slotslab_free(a);
		slotslab_free(b);
		slotslab_free(c);
	}
	return NULL;
}

static int child_work(void *arg)
{
	unsigned char *inherited = arg;
	void *v[1000];

	if (!pattern_intact(inherited, 5000, 9))
		return 3;
	inherited = slotslab_realloc(inherited, 50000);
	if (!inherited || !pattern_intact(inherited, 5000, 9))
		return 4;
	slotslab_free(inherited);
	for (int i = 0; i < 1000; i++) {
		v[i] = i % 3 ? slotslab_malloc((size_t)i * 7) : slotslab_aligned_alloc(8192, 10);
		if (!v[i])
			return 5;
	}
	for (int i = 0; i < 1000; i++)
		slotslab_free(v[i]);
	return 0;
}

/*
 * fork() while another thread allocates (and takes the huge-alignment
 * lock): the child must not deadlock, must read, resize and free what it
 * inherited, and must allocate (test_in_child(): in a forked child that
 * ends with SIGKILL).
 */
static void test_fork_while_allocating(void **state)
{
	pthread_t t;

	if (test_under_tsan()) {
		print_message("# skipped: ThreadSanitizer cannot fork a multi-threaded process\n");
		skip();
	}
	churn_stop = 0;
	assert_int_equal(pthread_create(&t, NULL, churn, NULL), 0);
	for (int i = 0; i < 20; i++) {
		unsigned char *mine = slotslab_malloc(5000);
		char what[32];

		pattern_fill(mine, 5000, 9);
		snprintf(what, sizeof(what), "fork %d", i);
		test_in_child(child_work, mine, what);
		assert_true(pattern_intact(mine, 5000, 9));
		slotslab_free(mine);
	}
	__atomic_store_n(&churn_stop, 1, __ATOMIC_RELAXED);
	assert_int_equal(pthread_join(t, NULL), 0);
}

static void test_allocation_failure(void **state)
{
	void *m = NULL;

	if (slab_fault_inject("after:0") != 0) {
		assert_int_equal(errno, ENOSYS);
		skip();
	}
	errno = 0;
	assert_null(slotslab_malloc(40));
	assert_int_equal(errno, ENOMEM);
	errno = 0;
	assert_null(slotslab_calloc(4, 10));
	assert_int_equal(errno, ENOMEM);
	errno = 0;
	assert_null(slotslab_memalign(256, 300));
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(slotslab_posix_memalign(&m, 64, 100), ENOMEM);
	assert_null(m);
	slab_fault_inject(NULL);
	m = slotslab_malloc(40);
	assert_non_null(m);
	slotslab_free(m);
}

/*
 * The Nth allocation fails, counted once: the fast path, which counts it,
 * fails it itself (it used to go on to the slow path, which counted it
 * again and served it, so nth:3 failed nothing once the class was warm).
 */
static void test_allocation_failure_nth(void **state)
{
	void *p[8];

	for (int i = 0; i < 8; i++)	/* the class warm: the magazine holds them */
		p[i] = slotslab_malloc(40);
	for (int i = 0; i < 8; i++)
		slotslab_free(p[i]);
	if (slab_fault_inject("nth:3") != 0) {
		assert_int_equal(errno, ENOSYS);
		skip();
	}
	for (int i = 0; i < 6; i++) {
		errno = 0;
		p[i] = slotslab_malloc(40);
		if (i == 2) {
			assert_null(p[i]);
			assert_int_equal(errno, ENOMEM);
		} else {
			assert_non_null(p[i]);
		}
	}
	assert_int_equal(slab_fault_count(), 6);
	slab_fault_inject(NULL);
	for (int i = 0; i < 6; i++)
		slotslab_free(p[i]);
}

/* ---- heap errors: the C library's convention, one line and abort ---------- */

static volatile int *aborted;

static void on_abort(int sig)
{
	*aborted = 1;
	kill(getpid(), SIGKILL);	/* no exit: see test_in_child() */
}

/* Run heap error @fn(@n) in a child: it must abort before it returns. */
static void expect_abort(int (*fn)(void *), size_t n, const char *what)
{
	int status;
	pid_t pid;

	aborted = mmap(NULL, sizeof(*aborted), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(aborted != MAP_FAILED);
	*aborted = 0;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGABRT, on_abort);
		fn((void *)n);
		kill(getpid(), SIGKILL);	/* carried on */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (*aborted != 1)
		fail_msg("%s of %zu bytes: not stopped (status %#x)", what, n, status);
	munmap((void *)aborted, sizeof(*aborted));
}

static volatile char sink;

static int err_double_free(void *arg)
{
	char *p = slotslab_malloc((size_t)arg);

	slotslab_free(p);
	slotslab_free(p);
	return 0;
}

static int err_interleaved_free(void *arg)
{
	char *p = slotslab_malloc((size_t)arg), *q = slotslab_malloc((size_t)arg);

	slotslab_free(p);
	slotslab_free(q);
	slotslab_free(p);
	return 0;
}

/* Freed again after four others. */
static int err_delayed_free(void *arg)
{
	size_t n = (size_t)arg;
	char *p = slotslab_malloc(n), *o[4], *again[6];

	for (int i = 0; i < 4; i++)
		o[i] = slotslab_malloc(n);
	slotslab_free(p);
	for (int i = 0; i < 4; i++)
		slotslab_free(o[i]);
	slotslab_free(p);
	/*
	 * Caught by the second free (the thread's table of recent frees);
	 * had it not been, when the magazine goes back to the slabs (here at
	 * once), or when the magazine layer's slow path reaches the copy
	 * (alloc/internal.h, free_mark).
	 */
	kmem_cache_shrink_all();
	for (int i = 0; i < 6; i++)
		again[i] = slotslab_malloc(n);
	for (int i = 0; i < 6; i++)
		slotslab_free(again[i]);
	return 0;
}

static int err_interior_free(void *arg)
{
	char *p = slotslab_malloc((size_t)arg);

	slotslab_free(p + 16);
	return 0;
}

static int err_unaligned_free(void *arg)
{
	char *p = slotslab_malloc((size_t)arg);

	slotslab_free(p + 1);
	return 0;
}

static int err_stack_free(void *arg)
{
	char buf[64];

	sink = buf[0] = 1;
	slotslab_free(buf + 8);
	return 0;
}

static int err_low_free(void *arg)
{
	slotslab_free((void *)arg);
	return 0;
}

static int err_realloc_freed(void *arg)
{
	char *p = slotslab_malloc((size_t)arg);

	slotslab_free(p);
	p = slotslab_realloc(p, 2 * (size_t)arg);
	sink = p ? p[0] : 0;
	return 0;
}

static int err_zero_double_free(void *arg)
{
	char *p = slotslab_malloc(0);

	slotslab_free(p);
	slotslab_free(p);
	return 0;
}

static void test_heap_errors_abort(void **state)
{
	static const size_t sizes[] = { 24, 2000, 300 << 10, 3 << 20 };

	for (size_t i = 0; i < 4; i++) {
		size_t n = sizes[i];

		/* a small block's second free is caught at the free by the table of recent frees */
		bool at_free = n > 2000 || IS_ENABLED(CONFIG_SLAB_FREE_CHECK);

		if (at_free) {
			expect_abort(err_double_free, n, "double free");
			expect_abort(err_interleaved_free, n, "interleaved double free");
		}
		expect_abort(err_interior_free, n, "interior free");
		expect_abort(err_unaligned_free, n, "unaligned free");
		if (n <= 2000 && at_free) {
			expect_abort(err_delayed_free, n, "delayed double free");
			expect_abort(err_realloc_freed, n, "realloc of a freed block");
		}
	}
	expect_abort(err_zero_double_free, 0, "double free of malloc(0)");
	expect_abort(err_stack_free, 0, "free of a stack address");
	expect_abort(err_low_free, 1, "free((void *)1)");
	expect_abort(err_low_free, 4096, "free((void *)4096)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_large_frees_not_parked_once_busy),
		cmocka_unit_test(test_first_large_frees_parked),
		cmocka_unit_test(test_malloc_zero_is_unique),
		cmocka_unit_test(test_malloc_zero_faults),
		cmocka_unit_test(test_malloc_zero_slots_run_out),
		cmocka_unit_test(test_malloc_sizes_and_alignment),
		cmocka_unit_test(test_calloc_zeroes),
		cmocka_unit_test(test_enomem),
		cmocka_unit_test(test_realloc_keeps_contents),
		cmocka_unit_test(test_realloc_edges),
		cmocka_unit_test(test_alignments),
		cmocka_unit_test(test_aligned_waste),
		cmocka_unit_test(test_bad_alignments),
		cmocka_unit_test(test_valloc_pvalloc),
		cmocka_unit_test(test_huge_alignment_table),
		cmocka_unit_test(test_large_reuse),
		cmocka_unit_test(test_realloc_grows_in_kept_mapping),
		cmocka_unit_test(test_realloc_appends_grow_in_place),
		cmocka_unit_test(test_cross_thread_frees),
		cmocka_unit_test(test_fork_while_allocating),
		cmocka_unit_test(test_allocation_failure),
		cmocka_unit_test(test_allocation_failure_nth),
		cmocka_unit_test(test_heap_errors_abort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
