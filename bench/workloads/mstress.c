// SPDX-License-Identifier: MIT
/*
 * mstress - allocate, hand over, free in waves, after the published
 * description of mimalloc-bench's mstress: in every iteration each thread
 * fills its slice of a shared table with blocks of random sizes
 * (8 B..2 KiB, a few up to 64 KiB), then, after a barrier, frees the
 * blocks of the next thread's slice, so most frees are remote and the
 * live set is the same every iteration.  -n is the iteration count: RSS
 * must stay flat as it grows (the program prints RSS after a quarter of
 * the iterations and at the end).
 * Check: every block's tag is intact when another thread frees it.
 */
#include "wl.h"

#define PER_THREAD 20000

static void **table;
static size_t *sizes;
static int nthreads;
static long iters;
static pthread_barrier_t bar;
static long rss_quarter, rss_end;

static void *worker(void *arg)
{
	int t = (int)(uintptr_t)arg;
	uint64_t seed = 0xabcdef12345ULL * (uint64_t)(t + 1);

	for (long it = 0; it < iters; it++) {
		size_t base = (size_t)t * PER_THREAD;

		for (size_t i = base; i < base + PER_THREAD; i++) {
			sizes[i] = wl_rand(&seed) % 100 == 0 ? wl_size(&seed, 2048, 65536)
							     : wl_size(&seed, 8, 2048);
			table[i] = wl_alloc("mstress", sizes[i]);
			wl_tag(table[i], sizes[i], i ^ (uint64_t)it);
		}
		pthread_barrier_wait(&bar);
		base = (size_t)((t + 1) % nthreads) * PER_THREAD;
		for (size_t i = base; i < base + PER_THREAD; i++) {
			if (!wl_tag_ok(table[i], sizes[i], i ^ (uint64_t)it))
				wl_die("mstress", "a block changed before another thread freed it");
			free(table[i]);
		}
		pthread_barrier_wait(&bar);
		if (t == 0 && it == iters / 4)
			rss_quarter = wl_rss_kb();
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct wl_args a = { .n = 50, .threads = 2 };

	wl_parse(argc, argv, &a, "usage: mstress [-n ITERATIONS] [-t THREADS]\n");
	nthreads = a.threads;
	iters = a.n;
	table = calloc((size_t)nthreads * PER_THREAD, sizeof(*table));
	sizes = calloc((size_t)nthreads * PER_THREAD, sizeof(*sizes));
	pthread_barrier_init(&bar, NULL, (unsigned)nthreads);
	wl_run_threads("mstress", nthreads, worker, NULL);
	rss_end = wl_rss_kb();
	free(table);
	free(sizes);
	printf("mstress ok %ld iterations rss_quarter_kb %ld rss_end_kb %ld\n", iters, rss_quarter,
	       rss_end);
	return 0;
}
