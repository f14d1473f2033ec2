// SPDX-License-Identifier: MIT
/*
 * regrow - a buffer grown by doubling realloc from 8 KiB to 2 MiB, written
 * as it grows, freed, and grown again, with small blocks between the rounds
 * (sqlite3's sorter does this on every sort).  After 3 rounds to warm up,
 * prints the page faults per round of the next ROUNDS (argument, default
 * 30) on stdout: "faults per round N".  Under an allocator that keeps
 * what the buffer gave back, N stays near 0; one that gives it all back
 * and faults it in again takes ~770 per round.  For tests/malloc/regrow.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static volatile char sink;

static void round_trip(void)
{
	size_t sz = 8192 + 8;
	char *p = malloc(sz);

	if (!p)
		exit(1);
	memset(p, 1, sz);
	while (sz < (2UL << 20)) {
		size_t old = sz;
		char *q;

		sz = 2 * (sz - 8) + 8;
		q = realloc(p, sz);
		if (!q)
			exit(1);
		p = q;
		memset(p + old, 2, sz - old);
	}
	sink = p[12345];
	free(p);
	for (int k = 0; k < 50; k++) {		/* other work */
		char *b = malloc(4104);

		if (!b)
			exit(1);
		memset(b, 3, 4104);
		free(b);
	}
}

static long faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 30;
	long before;

	if (rounds <= 0) {
		fprintf(stderr, "usage: regrow [ROUNDS]\n");
		return 2;
	}
	for (int i = 0; i < 3; i++)
		round_trip();
	before = faults();
	for (int i = 0; i < rounds; i++)
		round_trip();
	printf("faults per round %ld\n", (faults() - before) / rounds);
	return 0;
}
