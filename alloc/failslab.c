// SPDX-License-Identifier: MIT
/*
 * alloc/failslab.c - fault injection (CONFIG_FAILSLAB), like the kernel's
 * failslab: make chosen allocations fail, to prove that every caller
 * handles NULL.
 *
 *   SLOTSLAB_FAILSLAB=nth:N[,GLOB]    fail exactly the Nth allocation
 *   SLOTSLAB_FAILSLAB=after:N[,GLOB]  fail every allocation after the Nth
 *   SLOTSLAB_FAILSLAB=prob:P[,GLOB]   fail each with probability P (0..1);
 *                                     SLOTSLAB_FAILSLAB_SEED picks the sequence
 *
 * Allocations are counted from 1 in the order they are attempted: every
 * kmem_cache_alloc and kmalloc, slab or large, and each bulk allocation
 * once, in caches whose name matches GLOB.  Without GLOB every cache counts
 * but the allocator's own (kmem_cache, kmem_magazine), so that "the Nth"
 * means the Nth the program asked for; name them in GLOB to fail them too
 * (a failed magazine makes the thread fall back to the locked slab path).  The count is
 * global and atomic, so with several threads "the Nth" is the Nth to reach
 * the counter.  slab_fault_inject() sets the same from a program.
 *
 * Cost: compiled out, nothing.  Compiled in, one load and a predictable
 * branch per allocation while disarmed; an atomic increment while armed.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/internal.h"

enum fail_mode { FAIL_OFF, FAIL_NTH, FAIL_AFTER, FAIL_PROB };

bool failslab_armed;
static enum fail_mode mode;
static unsigned long fail_n;
static uint64_t fail_prob;	/* probability scaled to 2^64 - 1 */
static unsigned long counter;
static char glob[128];
static uint64_t seed = 0x2545F4914F6CDD1DULL;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

static __thread uint64_t rng;

static uint64_t rng_next(void)
{
	uint64_t x = rng ? rng : (seed ^ (uint64_t)(uintptr_t)&rng);

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* Parse @spec; 0, or -1 if it is not one of the forms above. */
static int parse(const char *spec, enum fail_mode *m, unsigned long *n, uint64_t *p,
		 char *g, size_t glen)
{
	const char *comma = strchr(spec, ',');
	char *end;

	g[0] = '\0';
	if (comma) {
		if ((size_t)snprintf(g, glen, "%s", comma + 1) >= glen || !comma[1])
			return -1;
	}
	if (strncmp(spec, "nth:", 4) == 0 || strncmp(spec, "after:", 6) == 0) {
		const char *num = spec + (spec[0] == 'n' ? 4 : 6);

		*m = spec[0] == 'n' ? FAIL_NTH : FAIL_AFTER;
		errno = 0;
		*n = strtoul(num, &end, 10);
		if (errno || end == num || (*end && *end != ','))
			return -1;
		return (*m == FAIL_NTH && *n == 0) ? -1 : 0;
	}
	if (strncmp(spec, "prob:", 5) == 0) {
		double d = strtod(spec + 5, &end);

		if (end == spec + 5 || (*end && *end != ',') || !(d >= 0.0 && d <= 1.0))
			return -1;
		*m = FAIL_PROB;
		*p = d >= 1.0 ? UINT64_MAX : (uint64_t)(d * 18446744073709551616.0);
		return 0;
	}
	return -1;
}

int slab_fault_inject(const char *spec)
{
	enum fail_mode m = FAIL_OFF;
	unsigned long n = 0;
	uint64_t p = 0;
	char g[sizeof(glob)];

	if (!IS_ENABLED(CONFIG_FAILSLAB)) {
		errno = ENOSYS;
		return -1;
	}
	if (spec && *spec && parse(spec, &m, &n, &p, g, sizeof(g)) != 0) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&fail_lock);
	WRITE_ONCE(failslab_armed, false);
	mode = m;
	fail_n = n;
	fail_prob = p;
	memcpy(glob, g, sizeof(glob));
	__atomic_store_n(&counter, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&failslab_armed, m != FAIL_OFF, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&fail_lock);
	return 0;
}

unsigned long slab_fault_count(void)
{
	return __atomic_load_n(&counter, __ATOMIC_RELAXED);
}

/**
 * failslab_parse_env - read SLOTSLAB_FAILSLAB at initialisation; a bad
 * value is reported and ignored.
 */
void failslab_parse_env(void)
{
	const char *e = getenv("SLOTSLAB_FAILSLAB");
	const char *sd = getenv("SLOTSLAB_FAILSLAB_SEED");

	if (sd && *sd)
		seed = strtoull(sd, NULL, 0) | 1;
	if (!e || !*e)
		return;
	if (slab_fault_inject(e) != 0)
		fprintf(stderr, "slotslab: SLOTSLAB_FAILSLAB=%s ignored: %s\n", e,
			errno == ENOSYS ? "built without CONFIG_FAILSLAB" :
			"expected nth:N, after:N or prob:P, optionally ,GLOB");
}

/**
 * failslab_should_fail - count an allocation from @s and say whether it
 * fails.  Called only while armed.
 */
bool failslab_should_fail(const struct kmem_cache *s)
{
	const char *name = s ? kmem_cache_name((struct kmem_cache *)s) : "kmalloc-large";
	unsigned long n;

	if (__atomic_load_n(&glob[0], __ATOMIC_ACQUIRE)) {
		if (fnmatch(glob, name, 0) != 0)
			return false;
	} else if (s && (s->flags & SLAB_NO_FAILSLAB)) {
		return false;
	}
	n = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
	switch (mode) {
	case FAIL_NTH:   return n == fail_n;
	case FAIL_AFTER: return n > fail_n;
	case FAIL_PROB:  return fail_prob && rng_next() <= fail_prob - 1;
	default:         return false;
	}
}
