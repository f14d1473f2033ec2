// SPDX-License-Identifier: MIT
/*
 * large - big blocks in a loop, after the published description of
 * malloc-large: 20 live blocks of 1..100 MiB (most 5..25 MiB), one
 * replaced at random per step; each new block is written once per page
 * over its first half, as a program filling a buffer would.
 * Check: the first and last words of each block are intact when freed.
 */
#include "wl.h"

#define LIVE 20
#define MIB (1024 * 1024)

int main(int argc, char **argv)
{
	struct wl_args a = { .n = 300, .threads = 1 };
	void *p[LIVE] = { 0 };
	size_t sz[LIVE] = { 0 };
	uint64_t seed = 0x1a2b3c4dULL;

	wl_parse(argc, argv, &a, "usage: large [-n STEPS]\n");
	for (long i = 0; i < a.n; i++) {
		size_t k = wl_rand(&seed) % LIVE;
		uint64_t r = wl_rand(&seed);

		if (p[k]) {
			if (!wl_tag_ok(p[k], sz[k], sz[k] ^ k))
				wl_die("large", "a block changed while it was live");
			free(p[k]);
		}
		sz[k] = r % 10 ? (5 + r % 21) * MIB : (1 + r % 100) * MIB;
		sz[k] += (r >> 32) % 4096;
		p[k] = wl_alloc("large", sz[k]);
		for (size_t off = 0; off < sz[k] / 2; off += 4096)
			((volatile char *)p[k])[off] = 1;
		wl_tag(p[k], sz[k], sz[k] ^ k);
	}
	for (int k = 0; k < LIVE; k++)
		free(p[k]);
	printf("large ok %ld blocks\n", a.n);
	return 0;
}
