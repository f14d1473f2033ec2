// SPDX-License-Identifier: MIT
/*
 * mleak - a heap that only grows, after the published description of
 * mleak: blocks of 16..1024 B are allocated and written; one in ten is
 * freed again soon after, the rest are kept to the end (a program that
 * leaks, or builds a large structure it never frees).
 * Check: every kept block's tag is intact at the end.
 */
#include "wl.h"

int main(int argc, char **argv)
{
	struct wl_args a = { .n = 2000000, .threads = 1 };
	void **kept;
	size_t *sz;
	long nkept = 0;
	uint64_t seed = 0x77777ULL;
	void *recent = NULL;

	wl_parse(argc, argv, &a, "usage: mleak [-n BLOCKS]\n");
	kept = malloc((size_t)a.n * sizeof(*kept));
	sz = malloc((size_t)a.n * sizeof(*sz));
	if (!kept || !sz)
		wl_die("mleak", "out of memory");
	for (long i = 0; i < a.n; i++) {
		size_t s = wl_size(&seed, 16, 1024);
		void *p = wl_alloc("mleak", s);

		memset(p, (int)(i & 0xff), s);
		if (i % 10 == 0) {
			free(recent);
			recent = p;
			continue;
		}
		wl_tag(p, s, (uint64_t)nkept);
		kept[nkept] = p;
		sz[nkept++] = s;
	}
	free(recent);
	for (long i = 0; i < nkept; i++) {
		if (!wl_tag_ok(kept[i], sz[i], (uint64_t)i))
			wl_die("mleak", "a kept block changed");
		free(kept[i]);
	}
	free(kept);
	free(sz);
	printf("mleak ok %ld blocks kept\n", nkept);
	return 0;
}
