// SPDX-License-Identifier: MIT
/*
 * cachescratch - passive false sharing, after the published description
 * of Hoard's cache-scratch: the main thread allocates one small block per
 * thread (so the blocks sit side by side, in one cache line), hands each
 * thread its block, and each thread frees it and then, round after round,
 * allocates a block of the same size, writes every byte of it many times
 * and frees it.  An allocator that gives a thread back the block it just
 * freed puts the threads' writes on one line, which then moves between
 * their cores at every write.  -n: rounds per thread; -t: threads.
 * Check: every block holds what its writes left when it is freed.
 */
#include "wl.h"

#define SIZE 8		/* bytes a block */
#define WRITES 20000	/* writes of each byte a round */

static long rounds;

static void *worker(void *arg)
{
	free(arg);	/* the main thread's block */
	wl_scribble_rounds("cachescratch", rounds, SIZE, WRITES);
	return NULL;
}

int main(int argc, char **argv)
{
	struct wl_args a = { .n = 1000, .threads = 2 };
	void *given[WL_MAX_THREADS];

	wl_parse(argc, argv, &a, "usage: cachescratch [-n ROUNDS] [-t THREADS]\n");
	rounds = a.n;
	for (int t = 0; t < a.threads; t++)
		given[t] = wl_alloc("cachescratch", SIZE);
	wl_run_threads("cachescratch", a.threads, worker, given);
	printf("cachescratch ok %ld rounds x %d threads\n", rounds, a.threads);
	return 0;
}
