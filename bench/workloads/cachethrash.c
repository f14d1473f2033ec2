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
	pthread_t th[256];

	wl_parse(argc, argv, &a, "usage: cachethrash [-n ROUNDS] [-t THREADS]\n");
	rounds = a.n;
	for (int t = 0; t < a.threads; t++)
		if (pthread_create(&th[t], NULL, worker, NULL))
			wl_die("cachethrash", "pthread_create failed");
	for (int t = 0; t < a.threads; t++)
		pthread_join(th[t], NULL);
	printf("cachethrash ok %ld rounds x %d threads\n", rounds, a.threads);
	return 0;
}
