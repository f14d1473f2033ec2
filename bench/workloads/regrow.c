// SPDX-License-Identifier: MIT
/*
 * regrow - big buffers regrown: a buffer grows by doubling realloc from
 * 8 KiB to 2 MiB, written as it grows, is freed, and grows again, round
 * after round, with small blocks between the rounds (as sqlite3's sorter
 * does at every sort, or a parser's token buffer at every file).  An
 * allocator that gives the 2 MiB back at each free faults it in again at
 * each round.
 * Check: the bytes written so far are intact after every realloc.
 */
#include "wl.h"

#define TOP (2UL << 20)

static void round_trip(long r)
{
	size_t sz = 8192 + 8;
	char *p = wl_alloc("regrow", sz);

	memset(p, (int)(r & 0x7f), sz);
	while (sz < TOP) {
		size_t old = sz;

		sz = 2 * (sz - 8) + 8;
		p = realloc(p, sz);
		if (!p)
			wl_die("regrow", "out of memory");
		if (p[0] != (char)(r & 0x7f) || p[old - 1] != (char)(old == 8200 ? r & 0x7f : 1))
			wl_die("regrow", "realloc lost bytes");
		memset(p + old, 1, sz - old);
	}
	free(p);
	for (int k = 0; k < 50; k++) {		/* the program's other work */
		char *b = wl_alloc("regrow", 4104);

		memset(b, k, 4104);
		free(b);
	}
}

int main(int argc, char **argv)
{
	struct wl_args a = { .n = 1000, .threads = 1 };

	wl_parse(argc, argv, &a, "usage: regrow [-n ROUNDS]\n");
	for (long r = 0; r < a.n; r++)
		round_trip(r);
	printf("regrow ok %ld rounds\n", a.n);
	return 0;
}
