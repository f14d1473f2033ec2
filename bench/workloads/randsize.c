// SPDX-License-Identifier: MIT
/*
 * randsize - random sizes from 8 B to 4 KiB, after the published
 * descriptions of glibc's malloc-thread and of alloc-test: each thread
 * keeps a window of 2000 live blocks and replaces one at random per step,
 * its own blocks only (-t 1: one thread; -t N: N at once).
 * Check: every block's tag is intact when freed.
 */
#include "wl.h"

#define WINDOW 2000

static long steps;

static void *worker(void *arg)
{
	uint64_t seed = 0x5eed0001ULL + (uintptr_t)arg * 104729;
	void **p = calloc(WINDOW, sizeof(*p));
	size_t *sz = calloc(WINDOW, sizeof(*sz));

	for (long i = 0; i < steps; i++) {
		size_t k = wl_rand(&seed) % WINDOW;

		if (p[k]) {
			if (!wl_tag_ok(p[k], sz[k], k * 31 + sz[k]))
				wl_die("randsize", "a block changed while it was live");
			free(p[k]);
		}
		sz[k] = wl_size(&seed, 8, 4096);
		p[k] = wl_alloc("randsize", sz[k]);
		wl_tag(p[k], sz[k], k * 31 + sz[k]);
	}
	for (size_t k = 0; k < WINDOW; k++)
		free(p[k]);
	free(p);
	free(sz);
	return NULL;
}

int main(int argc, char **argv)
{
	struct wl_args a = { .n = 2000000, .threads = 1 };

	wl_parse(argc, argv, &a, "usage: randsize [-n STEPS_PER_THREAD] [-t THREADS]\n");
	steps = a.n;
	wl_run_threads("randsize", a.threads, worker, NULL);
	printf("randsize ok %ld steps x %d threads\n", steps, a.threads);
	return 0;
}
