/* SPDX-License-Identifier: MIT */
/*
 * bench/workloads/wl.h - what the workload programs share: a seeded
 * xorshift generator, a tag written into each block and checked before it
 * is freed, argument parsing and the failure exit.
 *
 * Every program is deterministic for its arguments (fixed seeds; with
 * threads, each thread has its own seed), checks what it allocated before
 * freeing it, prints one line "NAME ok ..." on success and exits 1 with a
 * message on a failed check or allocation.  Arguments: "-n N" scales the
 * work, "-t T" the threads; --help prints the usage.
 */
#ifndef WL_H
#define WL_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct wl_args {
	long n;		/* work scale */
	int threads;
};

static inline uint64_t wl_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* A size from @lo to @hi, weighted towards the small end (1/size-like). */
static inline size_t wl_size(uint64_t *s, size_t lo, size_t hi)
{
	size_t span = hi - lo + 1;
	uint64_t r = wl_rand(s);

	if (r & 1)
		return lo + (size_t)((r >> 8) % (span / 8 + 1));
	return lo + (size_t)((r >> 8) % span);
}

static inline void wl_die(const char *name, const char *msg)
{
	fprintf(stderr, "%s: %s\n", name, msg);
	exit(1);
}

static inline void *wl_alloc(const char *name, size_t size)
{
	void *p = malloc(size);

	if (!p)
		wl_die(name, "out of memory");
	return p;
}

/* Tag a block: its first and last words (sizes >= 8) carry @tag. */
static inline void wl_tag(void *p, size_t size, uint64_t tag)
{
	memcpy(p, &tag, sizeof(tag) <= size ? sizeof(tag) : size);
	if (size >= 16)
		memcpy((char *)p + size - 8, &tag, 8);
}

static inline int wl_tag_ok(const void *p, size_t size, uint64_t tag)
{
	uint64_t a = 0, b = 0, head = tag;

	memcpy(&a, p, sizeof(a) <= size ? sizeof(a) : size);
	if (size < 8)
		head &= (1ULL << (8 * size)) - 1;
	if (size < 16)
		return a == head;
	memcpy(&b, (const char *)p + size - 8, 8);
	return a == head && b == tag;
}

#define WL_MAX_THREADS 256	/* -t at most */

static inline void wl_parse(int argc, char **argv, struct wl_args *a, const char *usage)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("%s", usage);
			exit(0);
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			a->n = atol(argv[++i]);
		} else if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			a->threads = atoi(argv[++i]);
		} else {
			fprintf(stderr, "%s: bad argument '%s'\n%s", argv[0], argv[i], usage);
			exit(2);
		}
	}
	if (a->n <= 0 || a->threads <= 0 || a->threads > WL_MAX_THREADS) {
		fprintf(stderr, "%s: -n and -t must be positive (-t at most %d)\n", argv[0],
			WL_MAX_THREADS);
		exit(2);
	}
}

/*
 * Run @fn on @n threads at once (n <= WL_MAX_THREADS) and wait for them
 * all: thread t gets @args[t], or t itself (as a pointer) when @args is
 * NULL.  A thread that cannot start ends the workload.
 */
static inline void wl_run_threads(const char *name, int n, void *(*fn)(void *),
				  void *const *args)
{
	pthread_t th[WL_MAX_THREADS];

	for (int t = 0; t < n; t++)
		if (pthread_create(&th[t], NULL, fn, args ? args[t] : (void *)(uintptr_t)t))
			wl_die(name, "pthread_create failed");
	for (int t = 0; t < n; t++)
		pthread_join(th[t], NULL);
}

/*
 * @rounds times: allocate a block of @size bytes, write each of its bytes
 * @reps times, one increment at a time through a volatile pointer, check
 * the bytes and free it: the work of cache-scratch's and cache-thrash's
 * threads, whose time is their writes to the block's cache line.
 */
static inline void wl_scribble_rounds(const char *name, long rounds, size_t size, int reps)
{
	for (long i = 0; i < rounds; i++) {
		volatile unsigned char *b = wl_alloc(name, size);

		for (size_t k = 0; k < size; k++)
			b[k] = 0;
		for (int r = 0; r < reps; r++)
			for (size_t k = 0; k < size; k++)
				b[k]++;
		for (size_t k = 0; k < size; k++)
			if (b[k] != (unsigned char)reps)
				wl_die(name, "a block changed while it was written");
		free((void *)b);
	}
}

/* Resident set size now, in KiB (/proc/self/statm). */
static inline long wl_rss_kb(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

#endif
