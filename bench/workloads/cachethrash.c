// SPDX-License-Identifier: MIT
/*
 * cachethrash - active false sharing, after the published description of
 * Hoard's cache-thrash: each thread, round after round, allocates a small
 * block, writes every byte of it many times and frees it.  No block
 * changes threads; an allocator that hands two threads blocks of one
 * cache line makes their writes fight for it.  -n: rounds per thread;
 * -t: threads.
 * Check: every block holds what its writes left when it is freed.
 */
#include "wl.h"

#define SIZE 8		/* bytes a block */
#define WRITES 20000	/* writes of each byte a round */

static long rounds;

static void *worker(void *arg)
{
	(void)arg;
	wl_scribble_rounds("cachethrash", rounds, SIZE, WRITES);
	return NULL;
}

int main(int argc, char **argv)
{
	struct wl_args a = { .n = 1000, .threads = 2 };

	wl_parse(argc, argv, &a, "usage: cachethrash [-n ROUNDS] [-t THREADS]\n");
	rounds = a.n;
	wl_run_threads("cachethrash", a.threads, worker, NULL);
	printf("cachethrash ok %ld rounds x %d threads\n", rounds, a.threads);
	return 0;
}
