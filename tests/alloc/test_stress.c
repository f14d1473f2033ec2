// SPDX-License-Identifier: MIT
/*
 * tests/alloc/test_stress.c - many threads at once, for ThreadSanitizer.
 *
 * Four workers allocate objects (one at a time and in bulk, from a cache
 * and from kmalloc), stamp each with a unique token, free half themselves
 * and pass the other half through a shared queue for another thread to
 * free.  Meanwhile one thread shrinks the shared caches over and over and
 * another creates and destroys caches of its own.  Every free checks the
 * token: an object handed out twice would carry the wrong one.  At the end
 * every object is back and a shrink leaves the shared cache with no slab.
 *
 * Iteration counts are fixed (no timing); STRESS_SCALE=N multiplies them.
 */
#include <pthread.h>
#include <sched.h>

#include "tests/lib/testutil.h"
#include "alloc/internal.h"

enum { WORKERS = 4, BATCH = 96, QUEUE_CAP = 4096, OBJ_SIZE = 64 };

struct stamp {
	uint64_t token;
	uint64_t check;	/* ~token */
};

static struct kmem_cache *shared;
static unsigned long rounds = 400;
static unsigned long live;	/* objects out, atomically counted */
static uint64_t next_token = 1;

static struct {
	pthread_mutex_t lock;
	void *obj[QUEUE_CAP];
	int from_kmalloc[QUEUE_CAP];
	unsigned int head, count;
} queue = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int stop_helpers;

static void stamp(void *p)
{
	struct stamp *st = p;
	uint64_t t = __atomic_fetch_add(&next_token, 1, __ATOMIC_RELAXED);

	st->token = t;
	st->check = ~t;
	__atomic_fetch_add(&live, 1, __ATOMIC_RELAXED);
}

static void unstamp(void *p)
{
	struct stamp *st = p;

	if (st->check != ~st->token)
		fail_msg("object %p was handed out twice (token %llu)", p,
			 (unsigned long long)st->token);
	st->check = st->token;	/* a second free of the same object would trip */
	__atomic_fetch_sub(&live, 1, __ATOMIC_RELAXED);
}

static void release(void *p, int from_kmalloc)
{
	unstamp(p);
	if (from_kmalloc)
		kfree(p);
	else
		kmem_cache_free(shared, p);
}

/* Queue @p for another thread; free it here if the queue is full. */
static void pass_on(void *p, int from_kmalloc)
{
	pthread_mutex_lock(&queue.lock);
	if (queue.count < QUEUE_CAP) {
		unsigned int at = (queue.head + queue.count++) % QUEUE_CAP;

		queue.obj[at] = p;
		queue.from_kmalloc[at] = from_kmalloc;
		p = NULL;
	}
	pthread_mutex_unlock(&queue.lock);
	if (p)
		release(p, from_kmalloc);
}

static int take_one(void **p, int *from_kmalloc)
{
	int got = 0;

	pthread_mutex_lock(&queue.lock);
	if (queue.count) {
		*p = queue.obj[queue.head];
		*from_kmalloc = queue.from_kmalloc[queue.head];
		queue.head = (queue.head + 1) % QUEUE_CAP;
		queue.count--;
		got = 1;
	}
	pthread_mutex_unlock(&queue.lock);
	return got;
}

static void drain_some(int max)
{
	void *p;
	int k;

	while (max-- > 0 && take_one(&p, &k))
		release(p, k);
}

static void *worker(void *arg)
{
	unsigned long id = (unsigned long)arg;
	void *objs[BATCH];

	for (unsigned long r = 0; r < rounds; r++) {
		int bulk = (r + id) % 3 == 0;
		int km = (r + id) % 4 == 1;

		if (bulk && !km) {
			if (kmem_cache_alloc_bulk(shared, GFP_KERNEL, BATCH, objs) != BATCH)
				fail_msg("bulk allocation failed");
		} else {
			for (int i = 0; i < BATCH; i++) {
				objs[i] = km ? kmalloc(OBJ_SIZE + (size_t)(i % 5) * 40, GFP_KERNEL)
					     : kmem_cache_alloc(shared, GFP_KERNEL);
				if (!objs[i])
					fail_msg("allocation failed");
			}
		}
		for (int i = 0; i < BATCH; i++)
			stamp(objs[i]);
		for (int i = 0; i < BATCH / 2; i++)
			pass_on(objs[i], km);
		if (bulk && !km) {
			for (int i = BATCH / 2; i < BATCH; i++)
				unstamp(objs[i]);
			kmem_cache_free_bulk(shared, BATCH - BATCH / 2, objs + BATCH / 2);
		} else {
			for (int i = BATCH / 2; i < BATCH; i++)
				release(objs[i], km);
		}
		drain_some(BATCH / 2 + 8);
	}
	return NULL;
}

static int broken;	/* invariants kmem_cache_validate() found broken */

/* Shrinks, and checks the allocator's bookkeeping while it is busy. */
static void *shrinker(void *arg)
{
	while (!__atomic_load_n(&stop_helpers, __ATOMIC_ACQUIRE)) {
		kmem_cache_shrink(shared);
		__atomic_fetch_add(&broken, kmem_cache_validate(NULL), __ATOMIC_RELAXED);
		sched_yield();
	}
	return NULL;
}

static void *churner(void *arg)
{
	unsigned long n = 0;

	while (!__atomic_load_n(&stop_helpers, __ATOMIC_ACQUIRE)) {
		unsigned long flags = (n & 1) ? SLAB_NO_MERGE : 0;
		struct kmem_cache *s = kmem_cache_create("churn", 200 + (n % 3) * 8, 0,
							 flags, NULL);
		void *p[64];

		if (!s)
			fail_msg("kmem_cache_create failed");
		for (int i = 0; i < 64; i++)
			p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		for (int i = 0; i < 64; i++)
			kmem_cache_free(s, p[i]);
		kmem_cache_destroy(s);
		n++;
	}
	return NULL;
}

static void test_stress(void **state)
{
	pthread_t w[WORKERS], sh, ch;
	struct kmem_cache_info info;
	const char *scale = getenv("STRESS_SCALE");
	void *p;
	int k;

	if (scale && atoi(scale) > 0)
		rounds *= (unsigned long)atoi(scale);
	shared = kmem_cache_create("stress", OBJ_SIZE, 0, SLAB_NO_MERGE, NULL);
	assert_non_null(shared);
	assert_int_equal(pthread_create(&sh, NULL, shrinker, NULL), 0);
	assert_int_equal(pthread_create(&ch, NULL, churner, NULL), 0);
	for (unsigned long i = 0; i < WORKERS; i++)
		assert_int_equal(pthread_create(&w[i], NULL, worker, (void *)i), 0);
	for (int i = 0; i < WORKERS; i++)
		assert_int_equal(pthread_join(w[i], NULL), 0);
	__atomic_store_n(&stop_helpers, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(sh, NULL), 0);
	assert_int_equal(pthread_join(ch, NULL), 0);

	while (take_one(&p, &k))
		release(p, k);
	assert_int_equal(__atomic_load_n(&live, __ATOMIC_RELAXED), 0);
	assert_int_equal(__atomic_load_n(&broken, __ATOMIC_RELAXED), 0);
	assert_int_equal(kmem_cache_validate(NULL), 0);
	assert_int_equal(kmem_cache_shrink(shared), 0);
	assert_int_equal(kmem_cache_get_info(shared, &info), 0);
	assert_int_equal(info.active_objs, 0);
	assert_int_equal(info.total_slabs, 0);
	if (info.stats_enabled)
		assert_int_equal(info.allocs, info.frees);
	kmem_cache_destroy(shared);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
