// SPDX-License-Identifier: MIT
/*
 * reallocs - realloc growth chains: 64 buffers grow by appending 1..64
 * bytes at a time through realloc (as a string builder or a vector without
 * a growth policy would) to 16 B..256 KiB, then are dropped and start again.
 * Check: the bytes appended so far are intact after every realloc.
 */
#include "wl.h"

#define BUFS 64

int main(int argc, char **argv)
{
	struct wl_args a = { .n = 3000000, .threads = 1 };
	char *b[BUFS] = { 0 };
	size_t len[BUFS] = { 0 }, cap[BUFS] = { 0 };
	uint64_t seed = 0xfeedULL;
	long chains = 0;

	wl_parse(argc, argv, &a, "usage: reallocs [-n APPENDS]\n");
	for (int k = 0; k < BUFS; k++)
		cap[k] = 16u << (wl_rand(&seed) % 15);
	for (long i = 0; i < a.n; i++) {
		int k = (int)(wl_rand(&seed) % BUFS);
		size_t add = 1 + wl_rand(&seed) % 64;
		char *nb = realloc(b[k], len[k] + add);

		if (!nb)
			wl_die("reallocs", "out of memory");
		if (len[k] && (nb[0] != (char)k || nb[len[k] - 1] != (char)(len[k] - 1 + k)))
			wl_die("reallocs", "realloc lost bytes");
		for (size_t j = len[k]; j < len[k] + add; j++)
			nb[j] = (char)(j + (size_t)k);
		nb[0] = (char)k;
		b[k] = nb;
		len[k] += add;
		if (len[k] >= cap[k]) {
			free(b[k]);
			b[k] = NULL;
			len[k] = 0;
			cap[k] = 16u << (wl_rand(&seed) % 15);
			chains++;
		}
	}
	for (int k = 0; k < BUFS; k++)
		free(b[k]);
	printf("reallocs ok %ld chains\n", chains);
	return 0;
}
