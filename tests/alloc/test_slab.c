// SPDX-License-Identifier: MIT
/*
 * tests/alloc/test_slab.c - kmem_cache_* behaviour: geometry, alignment,
 * constructors, __GFP_ZERO, bulk operations, shrinking, destroy reports,
 * wrong-cache and foreign-pointer checks, merging, statistics, slabinfo,
 * GFP_NOWAIT, thread exit, and mmap failure.
 *
 * White-box where the public API cannot see (the list lock for GFP_NOWAIT,
 * the order calculation); everything else through <slotslab/slab.h>.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "tests/lib/testutil.h"
#include "alloc/internal.h"

static struct kmem_cache_info info_of(struct kmem_cache *s)
{
	struct kmem_cache_info info;

	assert_int_equal(kmem_cache_get_info(s, &info), 0);
	return info;
}

/* ---- geometry ----------------------------------------------------------- */

static const size_t sizes[] = {
	1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40, 48, 63, 64, 65, 72, 96,
	100, 127, 128, 129, 192, 255, 256, 257, 500, 511, 512, 513, 1000, 1024,
	1025, 2000, 2048, 3000, 4096, 4097, 8192, 10000, 16384, 65536, 100000,
	SLAB_MAX_OBJECT_SIZE,
};
static const size_t aligns[] = { 0, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096 };

/* Allocate a few slabs' worth, check alignment and that objects are disjoint. */
static void exercise_cache(struct kmem_cache *s, size_t size, size_t align)
{
	struct kmem_cache_info info = info_of(s);
	size_t n = MIN((size_t)info.objs_per_slab * 3 + 1, (size_t)200);
	unsigned char **objs = calloc(n, sizeof(*objs));

	assert_non_null(objs);
	assert_true(info.size >= size);
	assert_true(info.align >= 8 && (align == 0 || info.align >= align));
	for (size_t i = 0; i < n; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		assert_non_null(objs[i]);
		assert_int_equal((uintptr_t)objs[i] % info.align, 0);
		assert_true(ksize(objs[i]) >= size);
		memset(objs[i], (int)(i & 0xff), size);
	}
	for (size_t i = 0; i < n; i++) {
		/* Every byte still carries its owner's pattern: no overlap. */
		assert_int_equal(objs[i][0], i & 0xff);
		assert_int_equal(objs[i][size - 1], i & 0xff);
		assert_int_equal(objs[i][size / 2], i & 0xff);
	}
	for (size_t i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
	free(objs);
}

static void test_sizes_and_alignments(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(aligns); j++) {
			for (int hw = 0; hw < 2; hw++) {
				unsigned long flags = SLAB_NO_MERGE | (hw ? SLAB_HWCACHE_ALIGN : 0);
				struct kmem_cache *s = kmem_cache_create("geom", sizes[i],
									 aligns[j], flags, NULL);

				assert_non_null(s);
				exercise_cache(s, sizes[i], aligns[j]);
				kmem_cache_destroy(s);
			}
		}
	}
}

static void test_hwcache_align(void **state)
{
	static const struct { size_t size, align; } want[] = {
		{ 8, 8 }, { 12, 16 }, { 20, 32 }, { 33, 64 }, { 40, 64 }, { 100, 64 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		struct kmem_cache *s = kmem_cache_create("hw", want[i].size, 0,
							 SLAB_HWCACHE_ALIGN | SLAB_NO_MERGE, NULL);

		assert_non_null(s);
		assert_int_equal(info_of(s).align, want[i].align);
		assert_int_equal(info_of(s).size % want[i].align, 0);
		kmem_cache_destroy(s);
	}
}

static void test_bad_arguments(void **state)
{
	errno = 0;
	assert_null(kmem_cache_create("zero", 0, 0, 0, NULL));
	assert_int_equal(errno, EINVAL);
	assert_null(kmem_cache_create("huge", SLAB_MAX_OBJECT_SIZE + 1, 0, 0, NULL));
	assert_null(kmem_cache_create("align3", 64, 3, 0, NULL));
	assert_null(kmem_cache_create("align8k", 64, 8192, 0, NULL));
	assert_null(kmem_cache_create(NULL, 64, 0, 0, NULL));
}

/*
 * Waste at most 1/16 of the slab wherever an order up to the maximum can;
 * else at most 1/4 within the maximum order (SLUB's relaxation); objects
 * that cannot get under 1/4 there go above it, back to 1/16.
 */
static bool order_reaches(unsigned int size, unsigned int max_order, unsigned int fraction)
{
	for (unsigned int o = 0; o <= max_order; o++) {
		size_t sb = PAGE_SIZE << o;

		if (sb >= size && sb % size <= sb / fraction)
			return true;
	}
	return false;
}

static void test_order_waste_bound(void **state)
{
	for (unsigned int size = 8; size <= 262144; size += (size < 8192 ? 8 : 1000)) {
		unsigned int order = slab_calculate_order(size);
		size_t slab = PAGE_SIZE << order;
		size_t waste = slab % size;
		unsigned int fraction;

		assert_true(slab >= size);
		for (fraction = 16; fraction >= 4; fraction /= 2)
			if (order_reaches(size, CONFIG_SLAB_MAX_ORDER, fraction))
				break;
		if (fraction >= 4) {
			assert_true(order <= CONFIG_SLAB_MAX_ORDER);
		} else {
			/* big: one order more at 1/4, else half within the maximum */
			for (fraction = 16; fraction >= 4; fraction /= 2)
				if (order_reaches(size, CONFIG_SLAB_MAX_ORDER + 1, fraction))
					break;
			if (fraction >= 4)
				assert_true(order <= CONFIG_SLAB_MAX_ORDER + 1);
			else if (order_reaches(size, CONFIG_SLAB_MAX_ORDER, fraction = 2))
				assert_true(order <= CONFIG_SLAB_MAX_ORDER);
			else
				for (fraction = 16; fraction > 1; fraction /= 2)
					if (order_reaches(size, CHUNK_ORDER, fraction))
						break;
		}
		if (waste > slab / fraction)
			fail_msg("size %u: order %u wastes %zu of %zu (bound 1/%u)",
				 size, order, waste, slab, fraction);
	}
}

static void test_report_shows_order(void **state)
{
	struct kmem_cache *s = kmem_cache_create("order40", 40, 0, SLAB_NO_MERGE, NULL);
	struct kmem_cache_info info = info_of(s);

	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	unsigned int fls_cpus = 0;

	while (cpus >> fls_cpus)
		fls_cpus++;
	assert_int_equal(info.objs_per_slab, (PAGE_SIZE << info.order) / info.size);
	/* SLUB's min_objects, 4 * (fls(nr_cpus) + 1), of the CPUs glibc counts */
	assert_true(info.objs_per_slab >= 4 * (fls_cpus + 1));
	kmem_cache_destroy(s);
	/* where the count binds: 8 such objects would fit in two pages */
	s = kmem_cache_create("order1000", 1000, 0, SLAB_NO_MERGE, NULL);
	info = info_of(s);
	assert_true(info.objs_per_slab >= 4 * (fls_cpus + 1));
	kmem_cache_destroy(s);
}

/* ---- constructors and zeroing ------------------------------------------ */

static unsigned long ctor_calls;

static void ctor_magic(void *p)
{
	ctor_calls++;
	((uint64_t *)p)[0] = 0xC0FFEEULL;
	((uint64_t *)p)[1] = 0;
}

static void test_ctor_runs_once_per_object(void **state)
{
	struct kmem_cache *s = kmem_cache_create("ctor", 16, 0, 0, ctor_magic);
	struct kmem_cache_info info;
	uint64_t *objs[300];
	unsigned long after_first;

	ctor_calls = 0;
	objs[0] = kmem_cache_alloc(s, GFP_KERNEL);
	info = info_of(s);
	/* Populating a slab constructs all of its objects, at once. */
	assert_int_equal(ctor_calls, info.objs_per_slab * info.total_slabs);
	assert_int_equal(objs[0][0], 0xC0FFEEULL);
	for (int i = 1; i < 300; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	after_first = ctor_calls;
	for (int i = 0; i < 300; i++) {
		assert_int_equal(objs[i][0], 0xC0FFEEULL);
		objs[i][1] = (uint64_t)i;	/* users may change state... */
	}
	for (int i = 0; i < 300; i++)
		kmem_cache_free(s, objs[i]);
	for (int i = 0; i < 300; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		/* ...the constructed part survives free and reuse */
		assert_int_equal(objs[i][0], 0xC0FFEEULL);
	}
	assert_int_equal(ctor_calls, after_first);	/* no ctor on reuse */
	for (int i = 0; i < 300; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_destroy(s);
}

static void test_gfp_zero(void **state)
{
	struct kmem_cache *s = kmem_cache_create("zero", 200, 0, SLAB_NO_MERGE, NULL);
	unsigned char *p = kmem_cache_alloc(s, GFP_KERNEL);

	memset(p, 0xAB, 200);
	kmem_cache_free(s, p);
	p = kmem_cache_alloc(s, GFP_KERNEL | __GFP_ZERO);
	for (int i = 0; i < 200; i++)
		assert_int_equal(p[i], 0);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

/* ---- bulk --------------------------------------------------------------- */

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

static void test_bulk(void **state)
{
	enum { N = 5000 };
	struct kmem_cache *s = kmem_cache_create("bulk", 48, 0, SLAB_NO_MERGE, NULL);
	void **p = calloc(N, sizeof(*p));
	void *kept;
	struct kmem_cache_info info;

	assert_int_equal(kmem_cache_alloc_bulk(s, GFP_KERNEL, 0, p), 0);
	assert_int_equal(kmem_cache_alloc_bulk(s, GFP_KERNEL | __GFP_ZERO, N, p), N);
	for (int i = 0; i < N; i++) {
		assert_non_null(p[i]);
		assert_int_equal(((uint64_t *)p[i])[5], 0);
	}
	qsort(p, N, sizeof(*p), cmp_ptr);
	for (int i = 1; i < N; i++)
		assert_true((char *)p[i] >= (char *)p[i - 1] + 48);
	info = info_of(s);
	assert_int_equal(info.active_objs, N);
	if (info.stats_enabled)
		assert_int_equal(info.allocs, N);

	kept = p[7];
	p[7] = NULL;	/* NULL entries are skipped */
	kmem_cache_free_bulk(s, N, p);
	info = info_of(s);
	assert_int_equal(info.active_objs, 1);	/* the one we kept */
	kmem_cache_free(s, kept);
	kmem_cache_shrink(s);
	free(p);
}

/* ---- shrink and memory -------------------------------------------------- */

static void test_shrink_returns_memory(void **state)
{
	enum { N = 1 << 20 };	/* 64 MiB of 64-byte objects */
	struct kmem_cache *s = kmem_cache_create("shrink", 64, 0, SLAB_NO_MERGE, NULL);
	void **p = malloc(N * sizeof(*p));
	size_t before, full, after;
	struct kmem_cache_info info;

	memset(p, 0xff, N * sizeof(*p));	/* the array's pages count before */
	before = test_rss_bytes();
	for (int i = 0; i < N; i++) {
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		memset(p[i], 1, 64);
	}
	full = test_rss_bytes();
	/* Memcheck and sanitizers keep shadow memory that RSS includes. */
	if (!test_under_instrumentation())
		assert_true(full - before >= (size_t)N * 64 * 9 / 10);
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, p[i]);
	/* Freeing alone keeps at most min_partial empty slabs. */
	info = info_of(s);
	assert_true(info.empty_slabs <= CONFIG_SLAB_MIN_PARTIAL);
	assert_int_equal(kmem_cache_shrink(s), 0);
	info = info_of(s);
	assert_int_equal(info.total_slabs, 0);
	assert_int_equal(info.bytes_held, 0);
	after = test_rss_bytes();
	print_message("# rss: before %zu KiB, full %zu KiB, after shrink %zu KiB\n",
		      before >> 10, full >> 10, after >> 10);
	/* At least 95 % of what the objects took is back with the OS. */
	if (!test_under_instrumentation())
		assert_true(full - after >= (full - before) * 95 / 100);
	free(p);
	kmem_cache_destroy(s);
}

static void test_min_partial_kept(void **state)
{
	struct kmem_cache *s = kmem_cache_create("minpart", 512, 0,
						 SLAB_NO_MERGE | SLAB_NO_CPU_CACHE, NULL);
	struct kmem_cache_info info = info_of(s);
	size_t n = (size_t)info.objs_per_slab * (CONFIG_SLAB_MIN_PARTIAL + 4);
	void **p = malloc(n * sizeof(*p));

	for (size_t i = 0; i < n; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	info = info_of(s);
	assert_int_equal(info.total_slabs, CONFIG_SLAB_MIN_PARTIAL + 4);
	for (size_t i = 0; i < n; i++)
		kmem_cache_free(s, p[i]);
	info = info_of(s);
	assert_int_equal(info.empty_slabs, CONFIG_SLAB_MIN_PARTIAL);
	assert_int_equal(info.total_slabs, CONFIG_SLAB_MIN_PARTIAL);
	assert_int_equal(kmem_cache_shrink(s), 0);
	free(p);
	kmem_cache_destroy(s);

	/* Big slabs: at most SLAB_EMPTY_BYTES of them stay, but one. */
	s = kmem_cache_create("minpartbig", 20000, 0, SLAB_NO_MERGE | SLAB_NO_CPU_CACHE, NULL);
	info = info_of(s);
	size_t kept = MIN((size_t)CONFIG_SLAB_MIN_PARTIAL,
			  MAX((size_t)1, SLAB_EMPTY_BYTES / (PAGE_SIZE << info.order)));

	assert_true(kept < CONFIG_SLAB_MIN_PARTIAL || CONFIG_SLAB_MIN_PARTIAL <= 1);
	n = (size_t)info.objs_per_slab * (CONFIG_SLAB_MIN_PARTIAL + 4);
	p = malloc(n * sizeof(*p));
	for (size_t i = 0; i < n; i++)
		assert_non_null(p[i] = kmem_cache_alloc(s, GFP_KERNEL));
	for (size_t i = 0; i < n; i++)
		kmem_cache_free(s, p[i]);
	info = info_of(s);
	assert_int_equal(info.empty_slabs, kept);
	assert_int_equal(info.total_slabs, kept);
	free(p);
	kmem_cache_destroy(s);
}

static int add_empty_bytes(struct kmem_cache *s, const struct kmem_cache_info *info, void *arg)
{
	(void)s;
	*(size_t *)arg += info->empty_slabs * (PAGE_SIZE << info->order);
	return 0;
}

/* The bytes of the empty slabs every cache keeps. */
static size_t empty_bytes_all(void)
{
	size_t sum = 0;

	assert_int_equal(kmem_cache_for_each(add_empty_bytes, &sum), 0);
	return sum;
}

/*
 * All caches together keep at most SLAB_EMPTY_TOTAL bytes of empty slabs
 * (slab.c 3): 16 caches that each empty a slab of 8000-byte objects keep
 * some, not all, and destroying them gives their part of the count back.
 */
static void test_empty_slabs_bounded_overall(void **state)
{
	enum { CACHES = 16 };
	struct kmem_cache *c[CACHES];
	size_t slab = 0, kept = 0;
	char name[32];

	kmem_cache_shrink_all();	/* every cache's empty slabs gone: all the room is ours */
	assert_int_equal(empty_bytes_all(), 0);

	for (int k = 0; k < CACHES; k++) {
		struct kmem_cache_info info;
		void *p[64];

		snprintf(name, sizeof(name), "emptytotal%d", k);
		c[k] = kmem_cache_create(name, 8000, 0, SLAB_NO_MERGE | SLAB_NO_CPU_CACHE, NULL);
		assert_non_null(c[k]);
		info = info_of(c[k]);
		slab = PAGE_SIZE << info.order;
		assert_true(info.objs_per_slab <= 64);
		for (unsigned int i = 0; i < info.objs_per_slab; i++)
			assert_non_null(p[i] = kmem_cache_alloc(c[k], GFP_KERNEL));
		for (unsigned int i = 0; i < info.objs_per_slab; i++)
			kmem_cache_free(c[k], p[i]);
		kept += info_of(c[k]).empty_slabs * slab;
	}
	assert_true(CACHES * slab > SLAB_EMPTY_TOTAL);
	assert_true(empty_bytes_all() <= SLAB_EMPTY_TOTAL);
	assert_true(kept >= SLAB_EMPTY_TOTAL / 2);	/* the first caches kept theirs */
	assert_int_equal(kmem_cache_validate(NULL), 0);
	for (int k = 0; k < CACHES; k++)
		kmem_cache_destroy(c[k]);
	/* the room is back (a destroyed cache's count went with it): a cache emptying a slab keeps it */
	kmem_cache_shrink_all();
	c[0] = kmem_cache_create("emptytotal", 8000, 0, SLAB_NO_MERGE | SLAB_NO_CPU_CACHE, NULL);
	kmem_cache_free(c[0], kmem_cache_alloc(c[0], GFP_KERNEL));
	assert_int_equal(info_of(c[0]).empty_slabs, 1);
	kmem_cache_destroy(c[0]);
}

/*
 * Give @s the magazines a busy cache gets (alloc/magazine.c 7: objects
 * above MAG_LAZY_SIZE start without), counting operations alone, not
 * their pace, so that a slow run (Valgrind) is not another test.
 */
static void make_busy(struct kmem_cache *s)
{
	unsigned int saved = READ_ONCE(mag_lazy_ms);

	WRITE_ONCE(mag_lazy_ms, UINT_MAX);
	for (unsigned int i = 0; i < MAG_LAZY_OPS && READ_ONCE(s->mag_lazy); i++) {
		void *p = kmem_cache_alloc(s, GFP_KERNEL);

		assert_non_null(p);
		kmem_cache_free(s, p);
	}
	WRITE_ONCE(mag_lazy_ms, saved);
	assert_false(s->mag_lazy);
}

/*
 * A cache of objects above MAG_LAZY_SIZE has no magazines until busy
 * (alloc/magazine.c 7): freed objects go straight back to their slabs
 * and nothing is cached for the thread; after MAG_LAZY_OPS operations
 * within MAG_LAZY_MS it has magazines of the usual size for good, and
 * caches.  A cache of small objects has them from the start.
 */
static void test_big_caches_magazines_once_busy(void **state)
{
	struct kmem_cache *s = kmem_cache_create("lazybig", 8192, 0, SLAB_NO_MERGE, NULL);
	struct kmem_cache *small = kmem_cache_create("lazysmall", 4096, 0, SLAB_NO_MERGE, NULL);
	void *p[4];

	assert_non_null(s);
	assert_non_null(small);
	assert_false(small->mag_lazy);
	if (info_of(s).magazine_size == 0 && !s->mag_lazy) {	/* debugged: no magazines */
		kmem_cache_destroy(s);
		kmem_cache_destroy(small);
		return;
	}
	assert_true(info_of(small).magazine_size > 0);
	assert_true(s->mag_lazy);
	assert_int_equal(info_of(s).magazine_size, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(p); i++)
		assert_non_null(p[i] = kmem_cache_alloc(s, GFP_KERNEL));
	for (unsigned int i = 0; i < ARRAY_SIZE(p); i++)
		kmem_cache_free(s, p[i]);
	assert_int_equal(info_of(s).cached_objs, 0);	/* back in the slabs */
	assert_int_equal(info_of(s).active_objs, 0);
	assert_true(s->mag_lazy);			/* 8 operations: not busy */

	make_busy(s);
	assert_int_equal(info_of(s).magazine_size,
			 MIN(SLAB_MAG_ROUNDS, MAX(MAG_MIN_ROUNDS, MAG_BYTES / s->size)));
	assert_int_equal(s->depot_max,
			 MIN(SLAB_DEPOT_MAX, MAX(1U, DEPOT_BYTES / (info_of(s).magazine_size * s->size))));
	assert_non_null(p[0] = kmem_cache_alloc(s, GFP_KERNEL));
	kmem_cache_free(s, p[0]);
	assert_true(info_of(s).cached_objs >= 1);	/* now it caches */
	assert_int_equal(kmem_cache_validate(s), 0);
	kmem_cache_destroy(s);
	kmem_cache_destroy(small);
}

/*
 * The magazines of a cache hold objects in proportion to their size: a
 * thread's two magazines and the depot cache at most 2 * MAG_BYTES +
 * DEPOT_BYTES of objects up to MAG_BYTES big, and small objects up to
 * SLAB_MAG_ROUNDS rounds and SLAB_DEPOT_MAX magazines.
 */
static void test_magazines_bounded_by_bytes(void **state)
{
	static const unsigned int obj_sizes[] = { 64, 512, 4096, 16384, 30720 };
	enum { N = 1024 };
	void **p = malloc(N * sizeof(*p));

	assert_non_null(p);
	for (unsigned int z = 0; z < ARRAY_SIZE(obj_sizes); z++) {
		struct kmem_cache *s = kmem_cache_create("magbytes", obj_sizes[z], 0,
							 SLAB_NO_MERGE, NULL);
		struct kmem_cache_info info;
		unsigned long most;

		assert_non_null(s);
		if (s->mag_lazy)
			make_busy(s);
		info = info_of(s);
		if (info.magazine_size == 0) {	/* debugged: no magazines */
			kmem_cache_destroy(s);
			continue;
		}
		assert_int_equal(info.magazine_size,
				 MIN(SLAB_MAG_ROUNDS, MAX(MAG_MIN_ROUNDS, MAG_BYTES / s->size)));
		assert_int_equal(s->depot_max,
				 MIN(SLAB_DEPOT_MAX, MAX(1U, DEPOT_BYTES / (info.magazine_size * s->size))));
		for (unsigned int i = 0; i < N; i++)
			assert_non_null(p[i] = kmem_cache_alloc(s, GFP_KERNEL));
		for (unsigned int i = 0; i < N; i++)
			kmem_cache_free(s, p[i]);
		info = info_of(s);
		most = (unsigned long)(2 + s->depot_max) * info.magazine_size;
		assert_true(info.cached_objs <= most);
		assert_true(info.cached_objs >= info.magazine_size);	/* they do cache */
		/*
		 * a magazine holds MAG_BYTES, or MAG_MIN_ROUNDS big objects; the
		 * depot depot_bytes: DEPOT_BYTES, more after a swing (this one
		 * is, for objects of 4 KiB and up: test_depot_grows_for_a_swing)
		 */
		assert_true(s->depot_bytes <= DEPOT_GROW_BYTES);
		assert_true(info.cached_objs * s->size <=
			    2 * MAX((size_t)MAG_BYTES, (size_t)MAG_MIN_ROUNDS * s->size) +
			    MAX((size_t)s->depot_bytes, (size_t)info.magazine_size * s->size));
		kmem_cache_destroy(s);
	}
	free(p);
}

/*
 * Magazines grow under contention (alloc/magazine.c 3).  Two threads take
 * strict turns freeing objects of a 30 KiB cache (one round a magazine):
 * with both magazines full, each free is a depot trip, and each trip's
 * thread is not the last trip's, which counts as contended whatever the
 * cores.  The size doubles per window of such trips up to mag_size_cap()
 * (MAG_GROW_BYTES of objects), never beyond, and depot_max shrinks to
 * match; each thread's limit follows.  The same frees by one thread grow
 * nothing.
 */
/*
 * Run @fn in two threads (argument 0 and 1) that take turns through the
 * semaphores @go (thread 0 first), and wait for both.
 */
static void run_in_turns(void *(*fn)(void *), sem_t go[2])
{
	pthread_t t[2];

	sem_init(&go[0], 0, 1);
	sem_init(&go[1], 0, 0);
	for (uintptr_t k = 0; k < 2; k++)
		assert_int_equal(pthread_create(&t[k], NULL, fn, (void *)k), 0);
	for (unsigned int k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	sem_destroy(&go[0]);
	sem_destroy(&go[1]);
}

enum { TURNS = 4000 };
struct turns {
	struct kmem_cache *s;
	void **p;
	sem_t go[2];
	unsigned int limit[2];
};
static struct turns turns;

static void *take_turns(void *arg)
{
	unsigned int me = (unsigned int)(uintptr_t)arg;

	for (unsigned int i = me; i < TURNS; i += 2) {
		sem_wait(&turns.go[me]);
		kmem_cache_free(turns.s, turns.p[i]);
		sem_post(&turns.go[!me]);
	}
	turns.limit[me] = tc_slot_of(tls_tc, turns.s)->limit;
	return NULL;
}

static void test_magazines_grow_under_contention(void **state)
{
	struct kmem_cache *s = kmem_cache_create("magcontended", 30720, 0, SLAB_NO_MERGE, NULL);
	struct kmem_cache *alone = kmem_cache_create("magalone", 30720, 0, SLAB_NO_MERGE, NULL);
	void **p = malloc(TURNS * sizeof(*p));
	unsigned int start, cap;

	assert_non_null(s);
	assert_non_null(alone);
	assert_non_null(p);
	if (s->mag_lazy) {	/* 30 KiB objects: magazines once busy */
		make_busy(s);
		make_busy(alone);
	}
	start = info_of(s).magazine_size;
	if (start == 0) {	/* debugged: no magazines */
		kmem_cache_destroy(s);
		kmem_cache_destroy(alone);
		free(p);
		return;
	}
	cap = mag_size_cap(s);
	assert_int_equal(cap, MIN(SLAB_MAG_ROUNDS, MAX(MAG_MIN_ROUNDS, MAG_GROW_BYTES / s->size)));
	assert_true(cap > start);

	for (unsigned int i = 0; i < TURNS; i++)	/* one thread: no growth */
		assert_non_null(p[i] = kmem_cache_alloc(alone, GFP_KERNEL));
	for (unsigned int i = 0; i < TURNS; i++)
		kmem_cache_free(alone, p[i]);
	assert_int_equal(info_of(alone).magazine_size, start);

	for (unsigned int i = 0; i < TURNS; i++)
		assert_non_null(p[i] = kmem_cache_alloc(s, GFP_KERNEL));
	turns.s = s;
	turns.p = p;
	run_in_turns(take_turns, turns.go);

	assert_int_equal(info_of(s).magazine_size, cap);
	assert_int_equal(s->depot_max,
			 MIN(SLAB_DEPOT_MAX, MAX(1U, DEPOT_BYTES / (cap * s->size))));
	assert_int_equal(turns.limit[0], cap);
	assert_int_equal(turns.limit[1], cap);
	/* the threads have exited: what is cached is the depot's */
	assert_true(info_of(s).cached_objs * s->size <= DEPOT_BYTES + (size_t)cap * s->size);

	/* Grown magazines work as before: every object handed out once. */
	for (unsigned int i = 0; i < TURNS; i++) {
		assert_non_null(p[i] = kmem_cache_alloc(s, GFP_KERNEL));
		*(unsigned int *)p[i] = i;
	}
	for (unsigned int i = 0; i < TURNS; i++) {
		assert_int_equal(*(unsigned int *)p[i], i);
		kmem_cache_free(s, p[i]);
	}
	assert_int_equal(kmem_cache_validate(s), 0);
	kmem_cache_destroy(s);
	kmem_cache_destroy(alone);
	free(p);
}

/*
 * A depot grows for one thread's swings (alloc/magazine.c 3): a thread
 * that allocates SWING objects and then frees them, again and again,
 * finds the depot empty on the way up and full on the way down; the depot
 * doubles its bytes until it holds the swing (up to DEPOT_GROW_BYTES, and
 * all depots by DEPOT_GROW_MIN at least), and every object is still
 * handed out once.  A shrink puts it back to
 * DEPOT_BYTES.
 */
enum { SWING = 2048, SWINGS = 64 };	/* 128 KiB of 64-byte objects: within DEPOT_GROW_MIN */

static void swing(struct kmem_cache *s, void **p, unsigned int n, unsigned int times)
{
	for (unsigned int t = 0; t < times; t++) {
		for (unsigned int i = 0; i < n; i++) {
			assert_non_null(p[i] = kmem_cache_alloc(s, GFP_KERNEL));
			*(unsigned int *)p[i] = i;
		}
		for (unsigned int i = 0; i < n; i++) {
			assert_int_equal(*(unsigned int *)p[i], i);
			kmem_cache_free(s, p[i]);
		}
	}
}

static void test_depot_grows_for_a_swing(void **state)
{
	struct kmem_cache *s = kmem_cache_create("depotswing", 64, 0, SLAB_NO_MERGE, NULL);
	void **p = malloc(SWING * sizeof(*p));
	unsigned int rounds;

	assert_non_null(s);
	assert_non_null(p);
	rounds = info_of(s).magazine_size;
	if (rounds == 0 || SLAB_DEPOT_MAX == 0) {	/* debugged: no magazines */
		kmem_cache_destroy(s);
		free(p);
		return;
	}
	assert_int_equal(s->depot_bytes, DEPOT_BYTES);
	swing(s, p, SWING, SWINGS);
	assert_true(s->depot_bytes > DEPOT_BYTES);
	assert_true(s->depot_bytes <= DEPOT_GROW_BYTES);
	assert_int_equal(s->depot_max,
			 MIN(SLAB_DEPOT_MAX * (s->depot_bytes / DEPOT_BYTES),
			     MAX(1U, s->depot_bytes / (rounds * s->size))));
	/* it holds the swing now: (almost) no trip finds it empty or full */
	assert_true((unsigned long)s->depot_max * rounds + 2 * rounds >= SWING ||
		    s->depot_bytes == DEPOT_GROW_BYTES);
	assert_true(info_of(s).cached_objs <= (unsigned long)(2 + s->depot_max) * rounds);
	assert_int_equal(kmem_cache_validate(s), 0);
	kmem_cache_shrink(s);
	assert_int_equal(s->depot_bytes, DEPOT_BYTES);
	kmem_cache_destroy(s);
	free(p);
}

/*
 * Swings of threads whose depot trips interleave (both allocate, then
 * both free: waves) do not grow the depot (alloc/magazine.c 3).  Two
 * threads take turns every STEP operations, so that each one's trips
 * follow the other's.
 */
enum { STEP = 16, SHARED_SWINGS = 8 };
struct shared_swing {
	struct kmem_cache *s;
	void **p;
	sem_t go[2];
};
static struct shared_swing sw;

static void *swing_half(void *arg)
{
	unsigned int me = (unsigned int)(uintptr_t)arg;
	void **p = sw.p + me * (SWING / 2);

	for (unsigned int t = 0; t < SHARED_SWINGS; t++) {
		for (unsigned int i = 0; i < SWING / 2; i += STEP) {
			sem_wait(&sw.go[me]);
			for (unsigned int k = i; k < i + STEP; k++)
				assert_non_null(p[k] = kmem_cache_alloc(sw.s, GFP_KERNEL));
			sem_post(&sw.go[!me]);
		}
		for (unsigned int i = 0; i < SWING / 2; i += STEP) {
			sem_wait(&sw.go[me]);
			for (unsigned int k = i; k < i + STEP; k++)
				kmem_cache_free(sw.s, p[k]);
			sem_post(&sw.go[!me]);
		}
	}
	return NULL;
}

static void test_depot_shared_swing_no_growth(void **state)
{
	sw.s = kmem_cache_create("depotshared", 64, 0, SLAB_NO_MERGE, NULL);
	sw.p = malloc(SWING * sizeof(*sw.p));
	assert_non_null(sw.s);
	assert_non_null(sw.p);
	run_in_turns(swing_half, sw.go);
	assert_int_equal(sw.s->depot_bytes, DEPOT_BYTES);
	assert_int_equal(kmem_cache_validate(sw.s), 0);
	kmem_cache_destroy(sw.s);
	free(sw.p);
}

/*
 * Two caches for the depot tests: @s of 64-byte objects, whose depot a
 * test grows, and @other of @other_size, whose trips end windows; @p
 * holds SWING pointers.
 */
struct depot_pair {
	struct kmem_cache *s, *other;
	void **p;
};

static void depot_pair_close(struct depot_pair *d)
{
	kmem_cache_destroy(d->s);
	kmem_cache_destroy(d->other);
	free(d->p);
}

/* Set up @d; return the rounds of a magazine of d->s, or 0 (then closed): no magazines. */
static unsigned int depot_pair_open(struct depot_pair *d, const char *name,
				    const char *other_name, size_t other_size)
{
	unsigned int rounds;

	d->s = kmem_cache_create(name, 64, 0, SLAB_NO_MERGE, NULL);
	d->other = kmem_cache_create(other_name, other_size, 0, SLAB_NO_MERGE, NULL);
	d->p = malloc(SWING * sizeof(*d->p));
	assert_non_null(d->s);
	assert_non_null(d->other);
	assert_non_null(d->p);
	rounds = info_of(d->s).magazine_size;
	if (rounds == 0 || SLAB_DEPOT_MAX == 0) {	/* debugged: no magazines */
		depot_pair_close(d);
		return 0;
	}
	return rounds;
}

/*
 * What a grown depot keeps is reaped (alloc/magazine.c 3): after a period
 * of CONFIG_SLAB_DECAY_MS with no swing, the window end of another cache
 * halves the grown depot and sends the magazines it did not need back to
 * the slabs.
 */
static void test_depot_reaped_after_a_period(void **state)
{
	struct depot_pair d;
	struct kmem_cache *s, *other;
	void **p;
	unsigned int grown, nfull;
	struct timespec nap = { CONFIG_SLAB_DECAY_MS / 1000, (CONFIG_SLAB_DECAY_MS % 1000) * 1000000L };

	if (!depot_pair_open(&d, "depotreap", "depotother", 4096))
		return;
	if (CONFIG_SLAB_DECAY_MS > 5000) {
		depot_pair_close(&d);
		return;
	}
	s = d.s;
	other = d.other;
	p = d.p;
	swing(s, p, SWING, SWINGS);	/* it grows, and ends full */
	grown = s->depot_bytes;
	assert_true(grown > DEPOT_BYTES);
	nfull = s->depot_nfull;
	assert_true(nfull > 0);
	/*
	 * Two periods: the first one saw the swings (the depot keeps its
	 * size, and it was emptied in it: nothing to reap), the second one
	 * nothing.  The other cache's trips end windows, which reap every
	 * depot due.  (On a loaded machine, under Valgrind, the swings may
	 * outlast a period, and three periods end: halved twice.)
	 */
	for (unsigned int period = 0; period < 2; period++) {
		nanosleep(&nap, NULL);
		nanosleep(&(struct timespec){ 0, 100000000L }, NULL);	/* the coarse clock's tick */
		swing(other, p, 64, DEPOT_WINDOW / 4);
	}
	assert_true(s->depot_bytes <= grown / 2 && s->depot_bytes >= DEPOT_BYTES);
	assert_true(s->depot_nfull < nfull);
	assert_true(s->depot_nfull <= s->depot_max);
	assert_int_equal(kmem_cache_validate(s), 0);
	depot_pair_close(&d);
}

/*
 * A depot whose cache makes no trip while other caches end
 * DEPOT_IDLE_WINDOWS windows is drained, without waiting for the decay
 * period (alloc/magazine.c 3): a grown one goes back to DEPOT_BYTES and
 * its full magazines to the slabs; the busy cache's depot is left alone.
 */
static void test_depot_drained_when_idle(void **state)
{
	struct depot_pair d;
	struct kmem_cache *s, *busy;
	void **p;
	unsigned int rounds = depot_pair_open(&d, "depotidle", "depotbusy", 64);

	if (!rounds)
		return;
	s = d.s;
	busy = d.other;
	p = d.p;
	swing(s, p, SWING, SWINGS);	/* it grows, and ends full */
	assert_true(s->depot_bytes > DEPOT_BYTES);
	assert_true(s->depot_nfull > 0);
	/* each swing of SWING objects is 2 * SWING / rounds trips of busy's */
	swing(busy, p, SWING, (unsigned int)(3 * DEPOT_IDLE_WINDOWS * DEPOT_WINDOW * rounds / (2 * SWING)));
	assert_int_equal(s->depot_bytes, DEPOT_BYTES);
	assert_int_equal(s->depot_nfull, 0);
	assert_true(info_of(s).cached_objs <= 2 * rounds);	/* this thread's magazines */
	assert_true(busy->depot_bytes > DEPOT_BYTES);
	assert_true(busy->depot_nfull > 0);
	assert_int_equal(kmem_cache_validate(s), 0);
	assert_int_equal(kmem_cache_validate(busy), 0);
	depot_pair_close(&d);
}

/*
 * Scavenging when the heap grows (alloc/magazine.c 8): a thread whose
 * refills cut new slabs of one cache gives back what its other caches hold
 * idle: the previous magazine of a slot that took no slow path since the
 * last scavenge, and the full magazines of a depot only it visits that no
 * trip took since the last trim (the first scavenge clears the slot's
 * mark and sets the depot's, the second gives back).  A depot another
 * thread traded through keeps its magazines.
 */
static struct kmem_cache *traded;	/* filled by another thread */

static void *fill_traded(void *arg)
{
	void **p = arg;

	swing(traded, p, SWING, 1);	/* its frees push full magazines to the depot */
	return NULL;
}

static void grow(struct kmem_cache *g, void **keep, unsigned int *n, size_t bytes)
{
	for (size_t got = 0; got < bytes; got += g->size)
		assert_non_null(keep[(*n)++] = kmem_cache_alloc(g, GFP_KERNEL));
}

static void test_scavenge_on_growth(void **state)
{
	struct depot_pair d;
	struct kmem_cache *idle, *g;
	unsigned int rounds = depot_pair_open(&d, "scavidle", "scavgrow", 1024);
	unsigned int n = 0, traded_full;
	size_t gap = MAX(SCAVENGE_BYTES, page_slab_bytes() / SCAVENGE_SHARE);	/* grows a little */
	void **keep, *one;
	pthread_t t;

	if (!rounds)
		return;
	idle = d.s;
	g = d.other;
	keep = malloc(10 * gap / g->size * sizeof(*keep));
	assert_non_null(keep);
	traded = kmem_cache_create("scavtraded", 64, 0, SLAB_NO_MERGE, NULL);
	assert_non_null(traded);
	assert_non_null(one = kmem_cache_alloc(traded, GFP_KERNEL));	/* this thread uses it too */
	kmem_cache_free(traded, one);
	assert_int_equal(pthread_create(&t, NULL, fill_traded, d.p), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	traded_full = traded->depot_nfull;
	assert_true(traded_full > 0);

	swing(idle, d.p, 4 * rounds, 1);	/* loaded and previous full, the rest in the depot */
	assert_true(tc_slot_of(tls_tc, idle)->prev_avail > 0);
	assert_true(idle->depot_nfull > 0);

	grow(g, keep, &n, 4 * gap);	/* the first scavenges */
	assert_int_equal(tc_slot_of(tls_tc, idle)->prev_avail, 0);
	grow(g, keep, &n, 4 * gap);	/* and the next ones */
	assert_int_equal(idle->depot_nfull, 0);
	assert_true(info_of(idle).cached_objs <= rounds);	/* only the loaded magazine */
	assert_int_equal(traded->depot_nfull, traded_full);

	while (n)
		kmem_cache_free(g, keep[--n]);
	assert_int_equal(kmem_cache_validate(idle), 0);
	assert_int_equal(kmem_cache_validate(g), 0);
	assert_int_equal(kmem_cache_validate(traded), 0);
	kmem_cache_destroy(traded);
	free(keep);
	depot_pair_close(&d);
}

/*
 * A thread's first refill from the slabs takes a page of objects, then
 * twice as many each time up to a full magazine: one allocation from a
 * new cache keeps one page of it in the magazine, not 32 KiB.
 */
static void test_first_refill_is_a_page(void **state)
{
	struct kmem_cache *s = kmem_cache_create("fill512", 512, 0, SLAB_NO_MERGE, NULL);
	unsigned int per_page = PAGE_SIZE / 512, rounds;
	void *p[4 * 64];
	unsigned int n = 0;

	assert_non_null(s);
	rounds = info_of(s).magazine_size;
	if (rounds == 0) {	/* debugged: no magazines */
		kmem_cache_destroy(s);
		return;
	}
	assert_non_null(p[n++] = kmem_cache_alloc(s, GFP_KERNEL));
	assert_int_equal(info_of(s).cached_objs, per_page - 1);
	while (n < per_page + 1)	/* the second refill: two pages */
		assert_non_null(p[n++] = kmem_cache_alloc(s, GFP_KERNEL));
	assert_int_equal(info_of(s).cached_objs, 2 * per_page - 1);
	while (n < ARRAY_SIZE(p))
		assert_non_null(p[n++] = kmem_cache_alloc(s, GFP_KERNEL));
	assert_true(info_of(s).cached_objs < rounds);	/* never more than one magazine */
	while (n)
		kmem_cache_free(s, p[--n]);
	kmem_cache_destroy(s);
}

/* ---- destroy ------------------------------------------------------------ */

static void test_destroy_reports_leaks(void **state)
{
	struct kmem_cache *s = kmem_cache_create("leaky_cache", 100, 0, SLAB_NO_MERGE, NULL);
	char *a = kmem_cache_alloc(s, GFP_KERNEL);
	char *b = kmem_cache_alloc(s, GFP_KERNEL);
	char *c = kmem_cache_alloc(s, GFP_KERNEL);
	const char *err;

	kmem_cache_free(s, b);
	test_stderr_begin();
	kmem_cache_destroy(s);
	err = test_stderr_end();
	assert_non_null(strstr(err, "leaky_cache"));
	assert_non_null(strstr(err, "2 objects still allocated"));
	/* The objects were not freed behind the user's back. */
	memset(a, 1, 100);
	memset(c, 2, 100);
	assert_int_equal(info_of(s).active_objs, 2);
	kmem_cache_free(s, a);
	kmem_cache_free(s, c);
	test_stderr_begin();
	kmem_cache_destroy(s);
	err = test_stderr_end();
	assert_string_equal(err, "");
}

static void test_destroy_clean_is_silent(void **state)
{
	struct kmem_cache *s = kmem_cache_create("clean", 24, 0, SLAB_NO_MERGE, NULL);
	void *p[1000];
	const char *err;

	for (int i = 0; i < 1000; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 1000; i++)
		kmem_cache_free(s, p[i]);
	test_stderr_begin();
	kmem_cache_destroy(s);
	kmem_cache_destroy(NULL);
	err = test_stderr_end();
	assert_string_equal(err, "");
}

/* ---- bad frees ---------------------------------------------------------- */

static void test_wrong_cache(void **state)
{
	struct kmem_cache *a = kmem_cache_create("cache_a", 64, 0, SLAB_NO_MERGE, NULL);
	struct kmem_cache *b = kmem_cache_create("cache_b", 64, 0, SLAB_NO_MERGE, NULL);
	void *p = kmem_cache_alloc(a, GFP_KERNEL);
	const char *err;

	test_stderr_begin();
	kmem_cache_free(b, p);
	err = test_stderr_end();
	assert_non_null(strstr(err, "wrong cache"));
	assert_non_null(strstr(err, "cache_a"));
	assert_non_null(strstr(err, "cache_b"));
	assert_int_equal(info_of(a).active_objs, 0);	/* freed to its own cache */
	assert_int_equal(info_of(b).active_objs, 0);
	if (info_of(b).stats_enabled)
		assert_int_equal(info_of(b).bad_frees, 1);

	/* An interior pointer is refused and changes nothing. */
	p = kmem_cache_alloc(a, GFP_KERNEL);
	test_stderr_begin();
	kmem_cache_free(b, (char *)p + 8);
	kmem_cache_free(a, (char *)p + 8);
	err = test_stderr_end();
	assert_non_null(strstr(err, "not an object's start"));
	assert_int_equal(info_of(a).active_objs, 1);
	kmem_cache_free(a, p);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

/*
 * Double frees through the kmem_cache API: the kernel's convention, report
 * and carry on; the object is never handed out twice, however far apart
 * the two frees are (in the magazine, in the depot, on the freelist).
 */
static void test_double_free_never_twice(void **state)
{
	struct kmem_cache *s = kmem_cache_create("twice", 48, 0, SLAB_NO_MERGE, NULL);
	void *p, *o[300], *again[400];
	const char *err;
	int reports = 0;
	/* without the table of recent frees only slab_put catches it: after a shrink */
	int first = IS_ENABLED(CONFIG_SLAB_FREE_CHECK) ? 0 : 4;

	for (int gap = first; gap < 300; gap = gap ? gap * 4 : 1) {
		p = kmem_cache_alloc(s, GFP_KERNEL);
		for (int i = 0; i < gap; i++)
			o[i] = kmem_cache_alloc(s, GFP_KERNEL);
		test_stderr_begin();
		kmem_cache_free(s, p);
		for (int i = 0; i < gap; i++)
			kmem_cache_free(s, o[i]);
		kmem_cache_free(s, p);
		if (gap > 2)
			kmem_cache_shrink(s);	/* the magazines back to the slabs */
		for (int i = 0; i < 400; i++) {
			again[i] = kmem_cache_alloc(s, GFP_KERNEL);
			assert_non_null(again[i]);
			for (int j = 0; j < i; j++)
				assert_ptr_not_equal(again[i], again[j]);
		}
		for (int i = 0; i < 400; i++)
			kmem_cache_free(s, again[i]);
		err = test_stderr_end();
		for (const char *at = err; (at = strstr(at, "double free detected")); at++)
			reports++;
		if (!strstr(err, "BUG twice: double free detected"))
			fail_msg("a double free %d frees apart was not reported:\n%s", gap, err);
	}
	assert_true(reports >= (first ? 4 : 5));
	kmem_cache_destroy(s);
}

/*
 * A second free is reported by the free itself, whatever the number of
 * frees between (this thread's table of recent frees, then the object's
 * mark); the free is ignored.  Not when one of the objects freed between
 * took its table entry (by design): such objects are set aside, freed
 * after the check, so that every gap is checked.  (Skipping the gaps
 * they fall in made the test flaky where the freelist order is random:
 * the same objects come back at every gap, so one that shares p's entry
 * early spoils every larger gap.)
 */
static void test_double_free_reported_at_once(void **state)
{
	struct kmem_cache *s;
	void *p, *o[16], *aside[16];
	const char *err;

	if (!IS_ENABLED(CONFIG_SLAB_FREE_CHECK))
		skip();	/* no table of recent frees */
	s = kmem_cache_create("at_once", 48, 0, SLAB_NO_MERGE, NULL);
	for (int gap = 0; gap < 16; gap++) {
		int n = 0, k = 0;

		p = kmem_cache_alloc(s, GFP_KERNEL);
		while (n < gap) {
			void *q = kmem_cache_alloc(s, GFP_KERNEL);

			if (recent_entry(tls_tc, q) != recent_entry(tls_tc, p))
				o[n++] = q;
			else if (k < (int)ARRAY_SIZE(aside))
				aside[k++] = q;
			else
				fail_msg("%d objects share one entry of 128", k + 1);
		}
		kmem_cache_free(s, p);
		for (int i = 0; i < gap; i++)
			kmem_cache_free(s, o[i]);
		test_stderr_begin();
		kmem_cache_free(s, p);
		err = test_stderr_end();
		if (!strstr(err, "double free detected"))
			fail_msg("a double free %d frees apart was not reported at once", gap);
		while (k)
			kmem_cache_free(s, aside[--k]);
		kmem_cache_shrink(s);
	}
	kmem_cache_destroy(s);
}

/*
 * recent_entry's promise: 16 objects in a row of any kmalloc size class,
 * wherever the row starts, fall at least 5 entries apart in the table (so
 * that frees of neighbours never displace each other's entries).
 */
static void test_recent_entries_spread(void **state)
{
	static struct tcache tc;	/* only its address is used */
	uint64_t seed = 0x5eed;
	size_t prev = 0;

	for (size_t n = 1; n <= KMALLOC_MAX_CACHE_SIZE; n++) {
		void *p = kmalloc(n, GFP_KERNEL);
		size_t size = ksize(p);

		kfree(p);
		if (size == prev)
			continue;
		prev = size;
		for (int b = 0; b < 256; b++) {
			uintptr_t base;
			long at[16];

			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			base = (uintptr_t)(seed >> 16) & ~(uintptr_t)15;
			for (int k = 0; k < 16; k++)
				at[k] = recent_entry(&tc, (void *)(base + k * size)) - tc.recent;
			for (int i = 0; i < 16; i++)
				for (int j = i + 1; j < 16; j++) {
					long d = labs(at[i] - at[j]);

					if (MIN(d, (1L << RECENT_BITS) - d) < 5)
						fail_msg("class %zu: objects %d and %d of a row %ld entries apart",
							 size, i, j, MIN(d, (1L << RECENT_BITS) - d));
				}
		}
	}
}

/*
 * free p, free q, free p, where p and q share an entry of the thread's
 * table of recent frees (two of 512 objects: 128 entries, so some pair
 * does): the second free of p is reported at once (q's free kept p as
 * tcache.displaced; without it, q took p's entry and the free went by).
 */
static void test_interleaved_free_same_entry(void **state)
{
	struct kmem_cache *s;
	void *o[512], *p = NULL, *q = NULL;
	const char *err;
	int i, j;

	if (!IS_ENABLED(CONFIG_SLAB_FREE_CHECK))
		skip();	/* no table of recent frees */
	s = kmem_cache_create("same_entry", 48, 0, SLAB_NO_MERGE, NULL);
	for (i = 0; i < 512; i++)
		o[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (i = 0; i < 512 && !q; i++)
		for (j = i + 1; j < 512 && !q; j++)
			if (recent_entry(tls_tc, o[i]) == recent_entry(tls_tc, o[j]))
				p = o[i], q = o[j];
	assert_non_null(q);	/* 128 entries: 512 objects must share one */
	kmem_cache_free(s, p);
	kmem_cache_free(s, q);
	test_stderr_begin();
	kmem_cache_free(s, p);
	err = test_stderr_end();
	assert_non_null(strstr(err, "double free detected"));
	for (i = 0; i < 512; i++)
		if (o[i] != p && o[i] != q)
			kmem_cache_free(s, o[i]);
	kmem_cache_destroy(s);
}

struct handback {
	struct kmem_cache *s;
	void *p[500];
};

static void *alloc_all(void *arg)
{
	struct handback *h = arg;

	for (int i = 0; i < 500; i++)
		h->p[i] = kmem_cache_alloc(h->s, GFP_KERNEL);
	return NULL;
}

/*
 * Objects this thread freed, handed out since by another thread (through
 * the depot or the slabs) and freed here again, are no double frees: the
 * table forgets an object when its magazine leaves the thread.
 */
static void test_refree_after_handout_elsewhere(void **state)
{
	struct kmem_cache *s = kmem_cache_create("handback", 64, 0, SLAB_NO_MERGE, NULL);
	struct handback h = { .s = s };
	const char *err;
	pthread_t t;

	test_stderr_begin();
	for (int round = 0; round < 4; round++) {
		assert_int_equal(pthread_create(&t, NULL, alloc_all, &h), 0);
		assert_int_equal(pthread_join(t, NULL), 0);
		for (int i = 0; i < 500; i++) {
			assert_non_null(h.p[i]);
			kmem_cache_free(s, h.p[i]);	/* into this thread's magazines, the depot, the slabs */
		}
		if (round == 2)
			kmem_cache_shrink(s);
	}
	err = test_stderr_end();
	assert_string_equal(err, "");
	kmem_cache_destroy(s);
}

/*
 * A free object written before it is handed out again (a write after
 * free, an overflow of its neighbour) fails its mark where the magazine
 * layer checks it, the bulk path: reported, dropped, never handed out;
 * the process carries on.  (The fast path does not check: internal.h.)
 */
static void test_modified_free_object_dropped(void **state)
{
	struct kmem_cache *s = kmem_cache_create("waf", 40, 0, SLAB_NO_MERGE, NULL);
	void *p, *q[64];
	const char *err;

	if (RUNNING_ON_VALGRIND) {	/* memcheck would call the write below an error */
		kmem_cache_destroy(s);
		return;
	}
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	memset(p, 0x57, 16);		/* the write after free */
	test_stderr_begin();
	assert_int_equal(kmem_cache_alloc_bulk(s, GFP_KERNEL, 64, q), 64);
	err = test_stderr_end();
	for (int i = 0; i < 64; i++)
		assert_ptr_not_equal(q[i], p);
	if (!strstr(err, "BUG waf: free object modified"))
		fail_msg("a write after free was not reported:\n%s", err);
	assert_non_null(strstr(err, "object dropped"));
	kmem_cache_free_bulk(s, 64, q);
	test_stderr_begin();
	kmem_cache_destroy(s);		/* the dropped object counts as a leak */
	(void)test_stderr_end();
}

/*
 * A debugged cache quarantines what it frees (alloc/quarantine.c): the
 * next allocation is not the object just freed, so a stale pointer's
 * second free is reported instead of freeing the new owner's object, and
 * the object comes back only after later frees push it out.
 */
static void test_debug_quarantine(void **state)
{
	struct kmem_cache *s = kmem_cache_create("quar", 48, 0,
						 SLAB_CONSISTENCY_CHECKS | SLAB_POISON, NULL);
	char *p, *q, *r[2000];
	const char *err;
	int back = -1;

	if (!IS_ENABLED(CONFIG_SLAB_DEBUG)) {
		kmem_cache_destroy(s);
		skip();
	}
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	assert_ptr_not_equal(q, p);
	memset(q, 0x11, 48);
	test_stderr_begin();
	kmem_cache_free(s, p);		/* after reuse: p is still quarantined */
	err = test_stderr_end();
	assert_non_null(strstr(err, "BUG quar: double free detected"));
	for (int i = 0; i < 48; i++)
		assert_int_equal((unsigned char)q[i], 0x11);
	assert_int_equal(kmem_cache_validate(s), 0);
	/* churn: p comes back once enough later frees pushed it out */
	for (int i = 0; i < 2000 && back < 0; i++) {
		r[i] = kmem_cache_alloc(s, GFP_KERNEL);
		if (r[i] == p)
			back = i;
		kmem_cache_free(s, r[i]);
	}
	assert_true(back >= 16);
	kmem_cache_free(s, q);
	assert_int_equal(kmem_cache_validate(s), 0);
	test_stderr_begin();
	kmem_cache_destroy(s);		/* the quarantine empties: no leak */
	err = test_stderr_end();
	assert_null(strstr(err, "still allocated"));
}

/*
 * A write to a quarantined object is reported by the next allocation when
 * the object is one of the 8 freed last (alloc/quarantine.c), else by its
 * way out of the quarantine; the object is never handed out again.
 */
static void test_debug_quarantine_write_after_free(void **state)
{
	struct kmem_cache *s = kmem_cache_create("quarw", 64, 0, SLAB_POISON, NULL);
	char *p, *q, *o, *r, *newer[8];
	const char *err;

	if (!IS_ENABLED(CONFIG_SLAB_DEBUG) || RUNNING_ON_VALGRIND) {
		kmem_cache_destroy(s);
		skip();
	}
	p = kmem_cache_alloc(s, GFP_KERNEL);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	p[3] = 'x';			/* just after its free */
	test_stderr_begin();
	o = kmem_cache_alloc(s, GFP_KERNEL);
	err = test_stderr_end();
	assert_non_null(strstr(err, "BUG quarw: Poison overwritten (write after free)"));
	assert_ptr_not_equal(o, p);
	kmem_cache_free(s, q);
	kmem_cache_free(s, o);
	q[60] = 'y';			/* later, under a newer free */
	test_stderr_begin();
	o = kmem_cache_alloc(s, GFP_KERNEL);
	err = test_stderr_end();
	assert_non_null(strstr(err, "BUG quarw: Poison overwritten (write after free)"));
	assert_ptr_not_equal(o, q);
	r = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 8; i++)
		newer[i] = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, r);
	for (int i = 0; i < 8; i++)
		kmem_cache_free(s, newer[i]);
	r[10] = 'z';			/* under 8 newer frees: not checked at allocation */
	test_stderr_begin();
	kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));
	err = test_stderr_end();
	assert_null(strstr(err, "BUG quarw"));
	test_stderr_begin();
	kmem_cache_shrink(s);		/* empties the quarantine, checking each */
	err = test_stderr_end();
	assert_non_null(strstr(err, "BUG quarw: Poison overwritten (write after free)"));
	kmem_cache_free(s, o);
	test_stderr_begin();
	kmem_cache_destroy(s);		/* p, q and r stay allocated: leaks */
	(void)test_stderr_end();
}

/* kmem_cache_validate() passes a sound cache and reports a broken freelist. */
static void test_validate(void **state)
{
	struct kmem_cache *s = kmem_cache_create("valid", 64, 0, SLAB_NO_MERGE, NULL);
	void *p[200];
	const char *err;

	for (int i = 0; i < 200; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 200; i += 2)
		kmem_cache_free(s, p[i]);
	assert_int_equal(kmem_cache_validate(s), 0);
	kmem_cache_shrink(s);		/* the freed objects onto their slabs' freelists */
	assert_int_equal(kmem_cache_validate(s), 0);
	assert_int_equal(kmem_cache_validate(NULL), 0);
	if (RUNNING_ON_VALGRIND) {	/* memcheck would call the write below an error */
		for (int i = 1; i < 200; i += 2)
			kmem_cache_free(s, p[i]);
		kmem_cache_destroy(s);
		return;
	}
	/* a write after free over a free object's link */
	memset(p[100], 0x41, 16);
	test_stderr_begin();
	assert_true(kmem_cache_validate(s) > 0);
	err = test_stderr_end();
	assert_non_null(strstr(err, "BUG valid: slab_validate: slab 0x"));
	assert_non_null(strstr(err, "freelist leaves the slab"));
	/* repair it, as the quarantine would: the cache is destroyed leaking */
	for (int i = 1; i < 200; i += 2)
		kmem_cache_free(s, p[i]);
}

/*
 * Every link of a slab's freelist is checked as objects are taken from it
 * (slab.c, freelist_link_ok): a link a write after free broke is reported,
 * the list is cut there (what it held stays quarantined), and every object
 * handed out is still one of the cache's, none twice.
 */
static void test_freelist_link_checked(void **state)
{
	struct kmem_cache *s = kmem_cache_create("links", 64, 0, SLAB_NO_MERGE, NULL);
	void *p[200], *q[100];
	const char *err;

	for (int i = 0; i < 200; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 200; i += 2)
		kmem_cache_free(s, p[i]);
	kmem_cache_shrink(s);		/* the freed objects onto their slabs' freelists */
	if (!RUNNING_ON_VALGRIND)	/* (memcheck would call the write an error) */
		memset(p[100], 0x41, 16);	/* a write after free over its link */
	test_stderr_begin();
	for (int i = 0; i < 100; i++) {
		q[i] = kmem_cache_alloc(s, GFP_KERNEL);
		assert_non_null(q[i]);
		assert_int_equal(obj_belongs(s, q[i]), true);
		for (int j = 1; j < 200; j += 2)
			assert_ptr_not_equal(q[i], p[j]);
		for (int j = 0; j < i; j++)
			assert_ptr_not_equal(q[i], q[j]);
	}
	err = test_stderr_end();
	if (!RUNNING_ON_VALGRIND) {
		assert_non_null(strstr(err, "BUG links: Freepointer corrupt (freelist corruption)"));
		assert_non_null(strstr(err, "freelist cut here"));
	}
	for (int i = 0; i < 100; i++)
		kmem_cache_free(s, q[i]);
	for (int i = 1; i < 200; i += 2)
		kmem_cache_free(s, p[i]);
	test_stderr_begin();
	kmem_cache_destroy(s);		/* the quarantined objects stay: a leak */
	(void)test_stderr_end();
}

static void test_foreign_pointers(void **state)
{
	struct kmem_cache *s = kmem_cache_create("victim", 32, 0, SLAB_NO_MERGE, NULL);
	void *objs[500];
	int on_stack;
	void *heap = malloc(32);
	char *large = kmalloc(1 << 20, GFP_KERNEL);
	struct kmem_cache_info before, after;
	const char *err;

	for (int i = 0; i < 500; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	before = info_of(s);
	test_stderr_begin();
	kmem_cache_free(s, &on_stack);
	kmem_cache_free(s, heap);
	kmem_cache_free(s, (void *)(uintptr_t)0xdead0000);
	kmem_cache_free(s, (void *)~(uintptr_t)0xfff);	/* beyond user space */
	kmem_cache_free(s, large);
	kmem_cache_free(s, large + 4096);
	kmem_cache_free(s, NULL);	/* not an error */
	err = test_stderr_end();
	assert_non_null(strstr(err, "was not allocated by slotslab"));
	assert_non_null(strstr(err, "large kmalloc block"));
	after = info_of(s);
	assert_int_equal(after.active_objs, before.active_objs);
	assert_int_equal(after.cached_objs, before.cached_objs);
	/* The cache still hands out distinct, usable objects. */
	for (int i = 0; i < 500; i++)
		kmem_cache_free(s, objs[i]);
	for (int i = 0; i < 500; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		memset(objs[i], i, 32);
	}
	for (int i = 0; i < 500; i++) {
		assert_int_equal(*(unsigned char *)objs[i], i & 0xff);
		kmem_cache_free(s, objs[i]);
	}
	free(heap);
	kfree(large);
	kmem_cache_destroy(s);
}

/* ---- merging and names -------------------------------------------------- */

static void test_merging(void **state)
{
	struct kmem_cache *a = kmem_cache_create("merge_a", 136, 0, 0, NULL);
	struct kmem_cache *b = kmem_cache_create("merge_b", 132, 0, 0, NULL);
	struct kmem_cache *c = kmem_cache_create("merge_c", 136, 0, SLAB_NO_MERGE, NULL);
	struct kmem_cache *d = kmem_cache_create("merge_d", 136, 0, 0, ctor_magic);

	if (!IS_ENABLED(CONFIG_SLAB_MERGE_DEFAULT) || getenv("SLOTSLAB_NOMERGE")) {
		assert_ptr_not_equal(a, b);
	} else {
		assert_ptr_equal(a, b);
		assert_string_equal(info_of(a).name, "merge_a,merge_b");
		assert_string_equal(kmem_cache_name(b), "merge_a");
	}
	assert_ptr_not_equal(a, c);
	assert_ptr_not_equal(a, d);
	kmem_cache_destroy(b);
	assert_string_equal(info_of(a).name, "merge_a");
	if (a == b) {
		/* Creators may leave in any order with kmem_cache_destroy_named. */
		struct kmem_cache *e = kmem_cache_create("merge_e", 136, 0, 0, NULL);

		assert_ptr_equal(e, a);
		assert_string_equal(info_of(a).name, "merge_a,merge_e");
		kmem_cache_destroy_named(a, "merge_a");
		assert_string_equal(info_of(e).name, "merge_e");
		assert_string_equal(kmem_cache_name(e), "merge_e");
	}
	kmem_cache_destroy(a);
	kmem_cache_destroy(c);
	kmem_cache_destroy(d);
}

/* ---- statistics and slabinfo -------------------------------------------- */

static void test_stats(void **state)
{
	struct kmem_cache *s = kmem_cache_create("stats", 72, 0, SLAB_NO_MERGE, NULL);
	void *p[1000];
	struct kmem_cache_info info;

	for (int i = 0; i < 1000; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 400; i++)
		kmem_cache_free(s, p[i]);
	info = info_of(s);
	assert_int_equal(info.active_objs, 600);
	assert_true(info.total_objs >= 1000);
	assert_int_equal(info.total_objs, info.total_slabs * info.objs_per_slab);
	assert_int_equal(info.bytes_held, info.total_slabs * (PAGE_SIZE << info.order));
	assert_int_equal(info.bytes_active, 600 * 72);
	assert_int_equal(info.total_slabs,
			 info.partial_slabs + info.full_slabs + info.empty_slabs);
	if (info.stats_enabled) {
		assert_int_equal(info.allocs, 1000);
		assert_int_equal(info.frees, 400);
		assert_true(info.slabs_allocated >= info.total_slabs);
	} else {
		assert_int_equal(info.allocs, 0);
	}
	for (int i = 400; i < 1000; i++)
		kmem_cache_free(s, p[i]);
	kmem_cache_destroy(s);
}

static void test_slabinfo_layout(void **state)
{
	struct kmem_cache *s = kmem_cache_create("slabinfo_probe", 40, 0, SLAB_NO_MERGE, NULL);
	struct kmem_cache_info info;
	void *p[100];
	char line[1024], name[64];
	unsigned long active, num, objsize, perslab, pages;
	bool found = false;
	FILE *f = tmpfile();

	for (int i = 0; i < 100; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	info = info_of(s);
	assert_int_equal(slabinfo_write(f, SLABINFO_STATS), 0);
	rewind(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "slabinfo - version: 2.1\n");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(strncmp(line, "# name", 6), 0);
	/* the counters: columns when built in, else one line that says so (never zeros) */
	assert_true(!strstr(line, " : stats <allocs>") == !info.stats_enabled);
	if (!info.stats_enabled) {
		assert_non_null(fgets(line, sizeof(line), f));
		assert_string_equal(line, "# stats: unavailable (built without CONFIG_SLAB_STATS)\n");
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lu %lu %lu %lu %lu", name, &active, &num,
			   &objsize, &perslab, &pages) != 6)
			fail_msg("bad line: %s", line);
		if (strcmp(name, "slabinfo_probe") == 0) {
			found = true;
			assert_int_equal(active, 100);
			assert_int_equal(num, info.total_objs);
			assert_int_equal(objsize, 40);
			assert_int_equal(perslab, info.objs_per_slab);
			assert_int_equal(pages, 1UL << info.order);
			assert_non_null(strstr(line, " : tunables "));
			assert_non_null(strstr(line, " : slabdata "));
			assert_true(!strstr(line, " : stats ") == !info.stats_enabled);
		}
	}
	assert_true(found);
	fclose(f);
	for (int i = 0; i < 100; i++)
		kmem_cache_free(s, p[i]);
	kmem_cache_destroy(s);
}

/* ---- GFP_NOWAIT --------------------------------------------------------- */

static void test_gfp_nowait(void **state)
{
	struct kmem_cache *s = kmem_cache_create("nowait", 64, 0,
						 SLAB_NO_MERGE | SLAB_NO_CPU_CACHE, NULL);
	void *p = kmem_cache_alloc(s, GFP_NOWAIT);

	assert_non_null(p);
	/* With the slab lists busy, GFP_NOWAIT fails instead of waiting. */
	pthread_mutex_lock(&s->list_lock);
	assert_null(kmem_cache_alloc(s, GFP_NOWAIT));
	pthread_mutex_unlock(&s->list_lock);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

/* ---- threads ------------------------------------------------------------ */

struct thread_arg {
	struct kmem_cache *s;
	void **objs;
	int n;
};

static void *alloc_and_keep_cached(void *arg)
{
	struct thread_arg *a = arg;

	/* Allocate and free: the objects end up in this thread's magazines. */
	for (int i = 0; i < a->n; i++)
		a->objs[i] = kmem_cache_alloc(a->s, GFP_KERNEL);
	for (int i = 0; i < a->n; i++)
		kmem_cache_free(a->s, a->objs[i]);
	return NULL;
}

static void test_thread_exit_returns_objects(void **state)
{
	struct kmem_cache *s = kmem_cache_create("texit", 56, 0, SLAB_NO_MERGE, NULL);
	void *objs[100];
	struct thread_arg a = { s, objs, 100 };
	pthread_t t;
	struct kmem_cache_info info;

	assert_int_equal(pthread_create(&t, NULL, alloc_and_keep_cached, &a), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	info = info_of(s);
	assert_int_equal(info.active_objs, 0);
	assert_int_equal(info.cached_objs, 0);	/* nothing stranded in a dead thread */
	if (info.stats_enabled) {
		assert_int_equal(info.allocs, 100);	/* its counters were folded in */
		assert_int_equal(info.frees, 100);
	}
	kmem_cache_destroy(s);
}

/* alloc_and_keep_cached, then the address of the thread's tcache in *@arg's tc */
struct tc_arg {
	struct thread_arg a;
	struct tcache *tc;
};

static void *alloc_and_note_tcache(void *arg)
{
	struct tc_arg *t = arg;

	alloc_and_keep_cached(&t->a);
	t->tc = tls_tc;
	return NULL;
}

/*
 * Short-lived threads, one after another, each caching objects of one of
 * two caches: every exit returns them, and the next thread takes the
 * tcache the last one left (magazine.c 5) instead of mapping one, its
 * slots and counters clean: each object counted once.
 */
static void test_thread_caches_recycled(void **state)
{
	struct kmem_cache *s = kmem_cache_create("tcyc", 56, 0, SLAB_NO_MERGE, NULL);
	struct kmem_cache *u = kmem_cache_create("tcyc2", 200, 0, SLAB_NO_MERGE, NULL);
	void *objs[50];
	struct tc_arg a = { { s, objs, 50 }, NULL }, b = { { u, objs, 50 }, NULL };
	struct tcache *first = NULL;
	struct kmem_cache_info info;
	pthread_t t;

	for (int i = 0; i < 204; i++) {
		struct tc_arg *x = i % 2 ? &b : &a;

		assert_int_equal(pthread_create(&t, NULL, alloc_and_note_tcache, x), 0);
		assert_int_equal(pthread_join(t, NULL), 0);
		assert_non_null(x->tc);
		if (!first)
			first = x->tc;
		assert_ptr_equal(x->tc, first);	/* one thread at a time: the same tcache */
		assert_true(mag_pooled_tcaches() >= 1);	/* kept for the next, not unmapped */
	}
	info = info_of(s);
	assert_int_equal(info.active_objs, 0);
	assert_int_equal(info.cached_objs, 0);
	if (info.stats_enabled) {
		assert_int_equal(info.allocs, 102 * 50);	/* each thread's counted once */
		assert_int_equal(info.frees, 102 * 50);
	}
	info = info_of(u);
	assert_int_equal(info.active_objs, 0);
	assert_int_equal(info.cached_objs, 0);
	kmem_cache_destroy(s);
	kmem_cache_destroy(u);
}

/* The thread of test_slow_path_counts: allocates and frees, then waits until told to exit. */
struct counted_arg {
	struct thread_arg a;
	pthread_barrier_t done, leave;
};

static void *alloc_free_then_wait(void *arg)
{
	struct counted_arg *c = arg;

	alloc_and_keep_cached(&c->a);
	pthread_barrier_wait(&c->done);
	pthread_barrier_wait(&c->leave);
	return NULL;
}

/*
 * The slow-path counters are the thread's own (no shared atomic add) but
 * read as one: another thread sees them while their thread lives, and the
 * same figures once it has exited.
 */
static void test_slow_path_counts(void **state)
{
	struct kmem_cache *s = kmem_cache_create("tslow", 56, 0, SLAB_NO_MERGE, NULL);
	void *objs[1000];
	struct counted_arg c = { .a = { s, objs, 1000 } };
	struct kmem_cache_info live, gone;
	pthread_t t;

	(void)state;
	pthread_barrier_init(&c.done, NULL, 2);
	pthread_barrier_init(&c.leave, NULL, 2);
	assert_int_equal(pthread_create(&t, NULL, alloc_free_then_wait, &c), 0);
	pthread_barrier_wait(&c.done);
	live = info_of(s);
	pthread_barrier_wait(&c.leave);
	assert_int_equal(pthread_join(t, NULL), 0);
	gone = info_of(s);
	if (live.stats_enabled) {
		assert_int_equal(live.allocs, 1000);
		assert_true(live.alloc_slowpath >= 1);	/* its first allocation refills */
		assert_true(live.free_slowpath >= 1);	/* 1000 frees overflow a magazine */
		assert_true(live.alloc_slowpath < 1000 && live.free_slowpath < 1000);
		assert_int_equal(gone.alloc_slowpath, live.alloc_slowpath);
		assert_int_equal(gone.free_slowpath, live.free_slowpath);
	}
	pthread_barrier_destroy(&c.done);
	pthread_barrier_destroy(&c.leave);
	kmem_cache_destroy(s);
}

static void *free_all(void *arg)
{
	struct thread_arg *a = arg;

	for (int i = 0; i < a->n; i++)
		kmem_cache_free(a->s, a->objs[i]);
	return NULL;
}

static void test_cross_thread_free(void **state)
{
	enum { N = 20000 };
	struct kmem_cache *s = kmem_cache_create("xfree", 40, 0, SLAB_NO_MERGE, NULL);
	void **objs = malloc(N * sizeof(*objs));
	struct thread_arg a = { s, objs, N };
	pthread_t t;

	for (int i = 0; i < N; i++)
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
	assert_int_equal(pthread_create(&t, NULL, free_all, &a), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(info_of(s).active_objs, 0);
	assert_int_equal(kmem_cache_shrink(s), 0);	/* every slab came back */
	free(objs);
	kmem_cache_destroy(s);
}

/*
 * A thread whose first contact with a cache is a free of another thread's
 * object does not get that object back from its first allocation
 * (alloc/magazine.c 6): it refills from the slabs, so that two threads do
 * not write one cache line (Hoard's cache-scratch).  The object is kept,
 * and handed out once the thread's own ones are gone.
 */
struct foreign_arg {
	struct kmem_cache *s;
	void *theirs;
	void *first;		/* the thread's first allocation */
	bool seen;		/* theirs came back to the thread later */
};

static void *free_then_alloc(void *arg)
{
	struct foreign_arg *a = arg;
	void *p[256];
	int n = 0;

	kmem_cache_free(a->s, a->theirs);
	a->first = p[n++] = kmem_cache_alloc(a->s, GFP_KERNEL);
	while (n < (int)ARRAY_SIZE(p) && !a->seen) {
		p[n] = kmem_cache_alloc(a->s, GFP_KERNEL);
		a->seen = p[n++] == a->theirs;
	}
	while (n)
		kmem_cache_free(a->s, p[--n]);
	return NULL;
}

static void test_foreign_free_not_handed_back_first(void **state)
{
	struct kmem_cache *s = kmem_cache_create("foreign", 8, 0, SLAB_NO_MERGE, NULL);
	struct foreign_arg a = { .s = s };
	void *mine;
	pthread_t t;

	assert_non_null(s);
	if (info_of(s).magazine_size == 0) {	/* debugged: no magazines */
		kmem_cache_destroy(s);
		return;
	}
	a.theirs = kmem_cache_alloc(s, GFP_KERNEL);
	mine = kmem_cache_alloc(s, GFP_KERNEL);	/* its neighbour, still in use */
	assert_non_null(a.theirs);
	assert_int_equal(pthread_create(&t, NULL, free_then_alloc, &a), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_ptr_not_equal(a.first, a.theirs);
	assert_true(a.seen);	/* not lost: the previous magazine held it */
	kmem_cache_free(s, mine);
	assert_int_equal(info_of(s).active_objs, 0);
	assert_int_equal(kmem_cache_validate(s), 0);
	kmem_cache_destroy(s);
}

static void *destroy_other_threads_cache(void *arg)
{
	kmem_cache_destroy(arg);
	return NULL;
}

static void test_destroy_flushes_all_threads(void **state)
{
	struct kmem_cache *s = kmem_cache_create("tflush", 88, 0, SLAB_NO_MERGE, NULL);
	void *p[50];
	pthread_t t;
	const char *err;

	/* This thread's magazines hold objects of s; another thread destroys s. */
	for (int i = 0; i < 50; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 50; i++)
		kmem_cache_free(s, p[i]);
	assert_true(info_of(s).cached_objs > 0);
	test_stderr_begin();
	assert_int_equal(pthread_create(&t, NULL, destroy_other_threads_cache, s), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	err = test_stderr_end();
	assert_string_equal(err, "");	/* no leak reported: the objects came home */
}

/* ---- fork --------------------------------------------------------------- */

static int hammer_stop;

static void *hammer(void *arg)
{
	struct kmem_cache *s = arg;
	void *p[64];

	while (!__atomic_load_n(&hammer_stop, __ATOMIC_ACQUIRE)) {
		for (int i = 0; i < 64; i++)
			p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		for (int i = 0; i < 64; i++)
			kmem_cache_free(s, p[i]);
		for (int i = 0; i < 64; i++)
			kfree(kmalloc((size_t)i * 17 + 1, GFP_KERNEL));
	}
	return NULL;
}

/* In the child of a fork: allocate, free, shrink, look.  0 if all is well. */
static int fork_child_check(void *arg)
{
	struct kmem_cache *s = arg;
	struct kmem_cache_info info;
	void *p[1000];

	for (int i = 0; i < 1000; i++)
		if (!(p[i] = kmem_cache_alloc(s, GFP_KERNEL)))
			return 1;
	for (int i = 0; i < 1000; i++)
		kmem_cache_free(s, p[i]);
	kmem_cache_shrink(s);
	if (kmem_cache_get_info(s, &info) != 0)
		return 2;
	if (info.cached_objs != 0)
		return 3;
	/*
	 * What remains is what the vanished threads held at the fork, per
	 * thread: up to 64 objects in hand, their two magazines (2 x 64) and
	 * one magazine in transit between the depot and a slot (64).
	 */
	if (info.active_objs > 2 * (64 + 3 * 64))
		return 4;
	return 0;
}

/*
 * fork() while other threads allocate: the child must not deadlock on a
 * lock a vanished thread held, must be able to allocate, free and shrink,
 * and loses no more than what the vanished threads held.
 */
static void test_fork_while_allocating(void **state)
{
	struct kmem_cache *s;
	pthread_t t[2];

	if (test_under_tsan()) {
		/* TSan's runtime does not support fork() with threads running. */
		print_message("# skipped: ThreadSanitizer cannot fork a multi-threaded process\n");
		skip();
	}
	s = kmem_cache_create("forky", 48, 0, SLAB_NO_MERGE, NULL);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, s), 0);
	for (int round = 0; round < 20; round++) {
		char what[32];

		snprintf(what, sizeof(what), "fork %d", round);
		test_in_child(fork_child_check, s, what);
	}
	__atomic_store_n(&hammer_stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	kmem_cache_destroy(s);
}

/*
 * A fork child draws other random words than its parent: caches created on
 * both sides after a fork get different free-pointer secrets (the pool of
 * random words the forking thread held is emptied in the child).
 */
static void test_fork_child_secrets_differ(void **state)
{
	struct kmem_cache *a, *b;
	uint64_t theirs = 0;
	int fd[2], status;
	pid_t pid;

	if (test_under_tsan()) {
		/* fork() takes every cache's locks: more than TSan's deadlock detector holds */
		print_message("# skipped: ThreadSanitizer cannot track fork()'s many locks\n");
		skip();
	}
	a = kmem_cache_create("secret-a", 40, 0, SLAB_NO_MERGE, NULL);
	assert_non_null(a);	/* draws a word: the pool likely has some left */
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct kmem_cache *c = kmem_cache_create("secret-b", 40, 0, SLAB_NO_MERGE, NULL);

		_exit(c && write(fd[1], &c->fp_secret, sizeof(c->fp_secret)) ==
			   (ssize_t)sizeof(c->fp_secret) ? 0 : 1);
	}
	close(fd[1]);	/* a child that writes nothing ends the read */
	b = kmem_cache_create("secret-b", 40, 0, SLAB_NO_MERGE, NULL);
	assert_non_null(b);
	assert_int_equal(read(fd[0], &theirs, sizeof(theirs)), (ssize_t)sizeof(theirs));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(theirs != b->fp_secret);
	assert_true(a->fp_secret != b->fp_secret);
	close(fd[0]);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

/* ---- mmap failure ------------------------------------------------------- */

/* In a child with a small address-space limit, allocation fails cleanly. */
static void test_mmap_failure_gives_null(void **state)
{
	pid_t pid;
	int status;

	if (test_under_instrumentation()) {
		print_message("# skipped: address-space limits mean nothing under sanitizers or Valgrind\n");
		skip();
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl;
		struct kmem_cache *s = kmem_cache_create("oom", 4000, 0, SLAB_NO_MERGE, NULL);
		unsigned long n = 0;

		if (!s)
			_exit(10);
		getrlimit(RLIMIT_AS, &rl);
		rl.rlim_cur = 1UL << 30;	/* 1 GiB of address space */
		if (setrlimit(RLIMIT_AS, &rl) != 0)
			_exit(11);
		if (kmalloc(1UL << 31, GFP_KERNEL) != NULL)
			_exit(12);
		while (kmem_cache_alloc(s, GFP_KERNEL) != NULL) {
			if (++n > (1UL << 30) / 4000)
				_exit(13);	/* the limit did not bite */
		}
		if (n == 0)
			_exit(14);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_and_alignments),
		cmocka_unit_test(test_hwcache_align),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_order_waste_bound),
		cmocka_unit_test(test_report_shows_order),
		cmocka_unit_test(test_ctor_runs_once_per_object),
		cmocka_unit_test(test_gfp_zero),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_shrink_returns_memory),
		cmocka_unit_test(test_min_partial_kept),
		cmocka_unit_test(test_empty_slabs_bounded_overall),
		cmocka_unit_test(test_big_caches_magazines_once_busy),
		cmocka_unit_test(test_magazines_bounded_by_bytes),
		cmocka_unit_test(test_magazines_grow_under_contention),
		cmocka_unit_test(test_depot_grows_for_a_swing),
		cmocka_unit_test(test_depot_shared_swing_no_growth),
		cmocka_unit_test(test_depot_reaped_after_a_period),
		cmocka_unit_test(test_depot_drained_when_idle),
		cmocka_unit_test(test_scavenge_on_growth),
		cmocka_unit_test(test_first_refill_is_a_page),
		cmocka_unit_test(test_destroy_reports_leaks),
		cmocka_unit_test(test_destroy_clean_is_silent),
		cmocka_unit_test(test_wrong_cache),
		cmocka_unit_test(test_foreign_pointers),
		cmocka_unit_test(test_double_free_never_twice),
		cmocka_unit_test(test_double_free_reported_at_once),
		cmocka_unit_test(test_recent_entries_spread),
		cmocka_unit_test(test_interleaved_free_same_entry),
		cmocka_unit_test(test_refree_after_handout_elsewhere),
		cmocka_unit_test(test_modified_free_object_dropped),
		cmocka_unit_test(test_debug_quarantine),
		cmocka_unit_test(test_debug_quarantine_write_after_free),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_freelist_link_checked),
		cmocka_unit_test(test_merging),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_slabinfo_layout),
		cmocka_unit_test(test_gfp_nowait),
		cmocka_unit_test(test_thread_exit_returns_objects),
		cmocka_unit_test(test_thread_caches_recycled),
		cmocka_unit_test(test_cross_thread_free),
		cmocka_unit_test(test_foreign_free_not_handed_back_first),
		cmocka_unit_test(test_destroy_flushes_all_threads),
		cmocka_unit_test(test_slow_path_counts),
		cmocka_unit_test(test_fork_while_allocating),
		cmocka_unit_test(test_fork_child_secrets_differ),
		cmocka_unit_test(test_mmap_failure_gives_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
