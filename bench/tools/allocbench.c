// SPDX-License-Identifier: MIT
/*
 * bench/tools/allocbench.c - slotslab's slab allocator against the
 * process's malloc, one measurement per run.
 *
 *   allocbench MODE CONTENDER [options]
 *
 * CONTENDER is `slab` (kmem_cache_alloc/free on a dedicated cache),
 * `kmalloc`, or `malloc` (whatever malloc the process has: glibc, or a peer
 * under LD_PRELOAD).  scripts/allocbench.sh runs every contender in turn,
 * several times, and reports medians and ratios from one run of the script.
 *
 * MODES
 *   hot        one object allocated and freed in a loop: the fast paths
 *   random     N live objects; each step frees a random one and allocates
 *              a replacement, which is written: the cache-miss-bound case
 *   prodcons   two threads: one allocates, the other frees what it is sent
 *   footprint  N live objects: RSS growth over the payload; then the oldest
 *              90 % are freed and memory handed back (kmem_cache_shrink,
 *              kmem_cache_shrink_all, malloc_trim: only glibc's does
 *              anything), and RSS over the live payload again
 *
 * Output: one line of JSON per run, e.g.
 *   {"mode":"hot","contender":"slab","size":40,"ops":20000000,"ns_per_op":2.9}
 */
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <slotslab/slab.h>
#include "internal/compiler.h"
#include "internal/procfs.h"

enum contender { C_SLAB, C_KMALLOC, C_MALLOC };

static enum contender who;
static struct kmem_cache *cache;
static size_t obj_size = 40;

#define barrier_ptr(p) __asm__ volatile("" : : "r"(p) : "memory")

static __always_inline void *obj_alloc(void)
{
	switch (who) {
	case C_SLAB:    return kmem_cache_alloc(cache, GFP_KERNEL);
	case C_KMALLOC: return kmalloc(obj_size, GFP_KERNEL);
	default:        return malloc(obj_size);
	}
}

static __always_inline void obj_free(void *p)
{
	switch (who) {
	case C_SLAB:    kmem_cache_free(cache, p); break;
	case C_KMALLOC: kfree(p); break;
	default:        free(p); break;
	}
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *msg)
{
	fprintf(stderr, "allocbench: %s\n", msg);
	exit(1);
}

static const char *contender_name(void)
{
	return who == C_SLAB ? "slab" : who == C_KMALLOC ? "kmalloc" : "malloc";
}

/* ---- hot pair ------------------------------------------------------------ */

static void run_hot(unsigned long ops)
{
	double t0, t1;

	/* Warm up: the first objects come from slow paths. */
	for (unsigned long i = 0; i < 10000; i++) {
		void *p = obj_alloc();

		barrier_ptr(p);
		obj_free(p);
	}
	t0 = now_ns();
	for (unsigned long i = 0; i < ops; i++) {
		void *p = obj_alloc();

		barrier_ptr(p);
		obj_free(p);
	}
	t1 = now_ns();
	printf("{\"mode\":\"hot\",\"contender\":\"%s\",\"size\":%zu,\"ops\":%lu,"
	       "\"ns_per_op\":%.3f}\n", contender_name(), obj_size, ops, (t1 - t0) / (double)ops);
}

/* ---- random replacement -------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static __always_inline uint64_t rng_next(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static void run_random(unsigned long live, unsigned long ops)
{
	void **p = malloc(live * sizeof(*p));
	double t0, t1;

	if (!p)
		die("out of memory for the pointer array");
	for (unsigned long i = 0; i < live; i++) {
		p[i] = obj_alloc();
		if (!p[i])
			die("allocation failed");
		*(uint64_t *)p[i] = i;
	}
	t0 = now_ns();
	for (unsigned long i = 0; i < ops; i++) {
		unsigned long k = (unsigned long)(((unsigned __int128)rng_next() * live) >> 64);

		obj_free(p[k]);
		p[k] = obj_alloc();
		*(uint64_t *)p[k] = i;
	}
	t1 = now_ns();
	printf("{\"mode\":\"random\",\"contender\":\"%s\",\"size\":%zu,\"live\":%lu,"
	       "\"ops\":%lu,\"ns_per_op\":%.3f,\"ops_per_sec\":%.0f}\n", contender_name(),
	       obj_size, live, ops, (t1 - t0) / (double)ops, (double)ops * 1e9 / (t1 - t0));
	for (unsigned long i = 0; i < live; i++)
		obj_free(p[i]);
	free(p);
}

/* ---- producer / consumer ------------------------------------------------- */

/*
 * A single-producer single-consumer ring of pointers.  Each side caches the
 * other's index and publishes its own once per batch, so the ring costs a
 * few cache-line transfers per batch, the same for every contender.
 */
#define RING 8192
#define RING_BATCH 64

static struct {
	void *slot[RING];
	unsigned long head __attribute__((aligned(64)));  /* written by producer */
	unsigned long tail __attribute__((aligned(64)));  /* written by consumer */
} ring;

static unsigned long prodcons_ops;

static void *consumer(void *arg)
{
	unsigned long tail = 0, head = 0;

	while (tail < prodcons_ops) {
		while (tail == head) {
			head = __atomic_load_n(&ring.head, __ATOMIC_ACQUIRE);
			if (tail == head)
				sched_yield();
		}
		while (tail < head) {
			obj_free(ring.slot[tail % RING]);
			tail++;
			if (tail % RING_BATCH == 0)
				__atomic_store_n(&ring.tail, tail, __ATOMIC_RELEASE);
		}
		__atomic_store_n(&ring.tail, tail, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void run_prodcons(unsigned long ops)
{
	pthread_t t;
	unsigned long head = 0, tail = 0;
	double t0, t1;

	prodcons_ops = ops;
	t0 = now_ns();
	if (pthread_create(&t, NULL, consumer, NULL) != 0)
		die("cannot start the consumer thread");
	while (head < ops) {
		while (head - tail >= RING - RING_BATCH) {
			tail = __atomic_load_n(&ring.tail, __ATOMIC_ACQUIRE);
			if (head - tail >= RING - RING_BATCH)
				sched_yield();
		}
		for (unsigned int i = 0; i < RING_BATCH && head < ops; i++) {
			void *p = obj_alloc();

			if (!p)
				die("allocation failed");
			*(uint64_t *)p = head;
			ring.slot[head % RING] = p;
			head++;
		}
		__atomic_store_n(&ring.head, head, __ATOMIC_RELEASE);
	}
	pthread_join(t, NULL);
	t1 = now_ns();
	printf("{\"mode\":\"prodcons\",\"contender\":\"%s\",\"size\":%zu,\"ops\":%lu,"
	       "\"ns_per_op\":%.3f,\"ops_per_sec\":%.0f}\n", contender_name(), obj_size, ops,
	       (t1 - t0) / (double)ops, (double)ops * 1e9 / (t1 - t0));
}

/* ---- footprint ----------------------------------------------------------- */

static void run_footprint(unsigned long n)
{
	void **p = malloc(n * sizeof(*p));
	size_t base, full, after, payload = n * obj_size;
	unsigned long keep_from = n / 10 * 9;
	double held = -1;

	if (!p)
		die("out of memory for the pointer array");
	memset(p, 0xff, n * sizeof(*p));	/* the array's pages count in base */
	base = proc_rss_bytes();
	for (unsigned long i = 0; i < n; i++) {
		p[i] = obj_alloc();
		if (!p[i])
			die("allocation failed");
		memset(p[i], (int)i, obj_size);
	}
	full = proc_rss_bytes();
	if (who == C_SLAB) {
		struct kmem_cache_info info;

		kmem_cache_get_info(cache, &info);
		held = (double)info.bytes_held / (double)payload;
	}
	/* Free the oldest 90 %, then give memory back as each allocator can. */
	for (unsigned long i = 0; i < keep_from; i++)
		obj_free(p[i]);
	if (who == C_SLAB)
		kmem_cache_shrink(cache);
	else if (who == C_KMALLOC)
		kmem_cache_shrink_all();
	else
		malloc_trim(0);
	after = proc_rss_bytes();
	printf("{\"mode\":\"footprint\",\"contender\":\"%s\",\"size\":%zu,\"objects\":%lu,"
	       "\"rss_growth_bytes\":%zu,\"payload_bytes\":%zu,\"rss_ratio\":%.4f,",
	       contender_name(), obj_size, n, full - base, payload,
	       (double)(full - base) / (double)payload);
	if (held >= 0)
		printf("\"held_ratio\":%.4f,", held);
	else
		printf("\"held_ratio\":null,");
	printf("\"rss_after_free90_bytes\":%zu,\"live_payload_bytes\":%zu,"
	       "\"rss_after_free90_ratio\":%.4f}\n", after - base,
	       (n - keep_from) * obj_size,
	       (double)(after > base ? after - base : 0) / (double)((n - keep_from) * obj_size));
	for (unsigned long i = keep_from; i < n; i++)
		obj_free(p[i]);
	free(p);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: allocbench MODE CONTENDER [--size BYTES] [--ops N] [--live N]\n\n"
		"MODE:      hot | random | prodcons | footprint\n"
		"CONTENDER: slab (a dedicated kmem_cache) | kmalloc | malloc (the process's,\n"
		"           e.g. a peer under LD_PRELOAD)\n\n"
		"  --size BYTES  object size (default 40)\n"
		"  --ops N       operations to time (default: 20M hot, 5M random, 10M prodcons)\n"
		"  --live N      live objects for random and footprint (default 1000000)\n\n"
		"Prints one JSON line.  scripts/allocbench.sh alternates contenders.\n");
}

static unsigned long parse_count(const char *s, const char *what)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*end || !*s || v == 0) {
		fprintf(stderr, "allocbench: %s wants a positive number, not '%s'\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'o' },
		{ "live", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long ops = 0, live = 1000000;
	const char *mode, *c;
	int opt;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's': obj_size = parse_count(optarg, "--size"); break;
		case 'o': ops = parse_count(optarg, "--ops"); break;
		case 'l': live = parse_count(optarg, "--live"); break;
		case 'h': usage(stdout); return 0;
		default:  usage(stderr); return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	mode = argv[optind];
	c = argv[optind + 1];
	if (strcmp(c, "slab") == 0)
		who = C_SLAB;
	else if (strcmp(c, "kmalloc") == 0)
		who = C_KMALLOC;
	else if (strcmp(c, "malloc") == 0)
		who = C_MALLOC;
	else {
		fprintf(stderr, "allocbench: unknown contender '%s'\n", c);
		return 2;
	}
	if (obj_size < 8 || obj_size > KMALLOC_MAX_CACHE_SIZE) {
		fprintf(stderr, "allocbench: --size must be 8..%d\n", KMALLOC_MAX_CACHE_SIZE);
		return 2;
	}
	cache = kmem_cache_create("allocbench", obj_size, 0, SLAB_NO_MERGE, NULL);
	if (!cache)
		die("kmem_cache_create failed");

	if (strcmp(mode, "hot") == 0)
		run_hot(ops ? ops : 20000000UL);
	else if (strcmp(mode, "random") == 0)
		run_random(live, ops ? ops : 5000000UL);
	else if (strcmp(mode, "prodcons") == 0)
		run_prodcons(ops ? ops : 10000000UL);
	else if (strcmp(mode, "footprint") == 0)
		run_footprint(live);
	else {
		fprintf(stderr, "allocbench: unknown mode '%s'\n", mode);
		usage(stderr);
		return 2;
	}
	return 0;
}
