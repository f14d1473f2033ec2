// SPDX-License-Identifier: MIT
/*
 * larson - a server simulation with thread handoff, after the published
 * description of Larson and Krishnan's benchmark: each thread owns an
 * array of blocks and replaces blocks at random (free one, allocate
 * another of a random size 16..1 KiB); after a round it hands its array
 * to a new thread and exits, so blocks are freed by threads other than
 * their allocator's, and threads come and go as in a server.
 * Check: every block's tag (slot, generation) is intact when freed.
 */
#include "wl.h"

#define SLOTS 1000
#define ROUNDS 20

struct arr {
	void *p[SLOTS];
	size_t size[SLOTS];
	uint64_t tag[SLOTS];
	uint64_t seed;
	long ops, done;
};

static void *round_fn(void *arg)
{
	struct arr *a = arg;

	for (long i = 0; i < a->ops; i++) {
		size_t k = wl_rand(&a->seed) % SLOTS;

		if (a->p[k]) {
			if (!wl_tag_ok(a->p[k], a->size[k], a->tag[k]))
				wl_die("larson", "a block changed while it was live");
			free(a->p[k]);
		}
		a->size[k] = wl_size(&a->seed, 16, 1024);
		a->tag[k] = wl_rand(&a->seed);
		a->p[k] = wl_alloc("larson", a->size[k]);
		wl_tag(a->p[k], a->size[k], a->tag[k]);
		a->done++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct wl_args args = { .n = 200000, .threads = 2 };
	struct arr *arrs;
	long total = 0;

	wl_parse(argc, argv, &args, "usage: larson [-n OPS_PER_THREAD] [-t THREADS]\n");
	arrs = calloc((size_t)args.threads, sizeof(*arrs));
	for (int t = 0; t < args.threads; t++) {
		arrs[t].seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(t + 1);
		arrs[t].ops = args.n / ROUNDS;
	}
	for (int r = 0; r < ROUNDS; r++) {
		void *arr[WL_MAX_THREADS];

		/* Each round, thread t takes over the array of thread t-1. */
		for (int t = 0; t < args.threads; t++)
			arr[t] = &arrs[(t + r) % args.threads];
		wl_run_threads("larson", args.threads, round_fn, arr);
	}
	for (int t = 0; t < args.threads; t++) {
		for (int k = 0; k < SLOTS; k++) {
			if (arrs[t].p[k] && !wl_tag_ok(arrs[t].p[k], arrs[t].size[k], arrs[t].tag[k]))
				wl_die("larson", "a block changed while it was live");
			free(arrs[t].p[k]);
		}
		total += arrs[t].done;
	}
	free(arrs);
	printf("larson ok %ld replacements\n", total);
	return 0;
}
