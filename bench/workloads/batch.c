// SPDX-License-Identifier: MIT
/*
 * batch - blocks of one size allocated in a batch, then all freed in the
 * order they came, after the published description of glibc's
 * bench-malloc-simple: batches of 25, 100, 400 and 1600 blocks of 16, 64
 * and 256 bytes, each block size and batch size in turn, on one thread
 * (`-t 1`) or on each of N threads at once.  A batch larger than what a
 * thread cache holds crosses the allocator's shared layers twice a round.
 * (Blocks of 1 KiB and up are left out: glibc gives the freed batch back
 * to the OS at every round, ~2 us a block at 400 of 1 KiB, ~10 us at 4 KiB.)
 * -n scales the rounds (every size and batch gets the same number of
 * blocks).
 * Check: each block's tag is intact when it is freed.
 */
#include "wl.h"

#define MOST 1600

static const size_t sizes[] = { 16, 64, 256 };
static const int batches[] = { 25, 100, 400, MOST };
static long blocks;	/* per size and batch */

static void *worker(void *arg)
{
	void *p[MOST];

	(void)arg;
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		for (size_t b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
			int n = batches[b];

			for (long r = 0; r < blocks / n; r++) {
				for (int i = 0; i < n; i++) {
					p[i] = wl_alloc("batch", sizes[z]);
					wl_tag(p[i], sizes[z], (uint64_t)i ^ (uint64_t)r);
				}
				for (int i = 0; i < n; i++) {
					if (!wl_tag_ok(p[i], sizes[z], (uint64_t)i ^ (uint64_t)r))
						wl_die("batch", "a block changed before it was freed");
					free(p[i]);
				}
			}
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct wl_args a = { .n = 400000, .threads = 1 };

	wl_parse(argc, argv, &a, "usage: batch [-n BLOCKS] [-t THREADS]\n"
		 "  BLOCKS per block size and batch size, per thread\n");
	blocks = a.n;
	wl_run_threads("batch", a.threads, worker, NULL);
	printf("batch ok %ld blocks x %d threads\n", blocks * 12, a.threads);
	return 0;
}
