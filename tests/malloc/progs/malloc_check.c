// SPDX-License-Identifier: MIT
/*
 * tests/malloc/progs/malloc_check.c - is the process's malloc slotslab's, and does
 * it behave?  For tests/malloc/malloc_api.sh, which runs it with
 * LD_PRELOAD=libslotslab-malloc.so (malloc_check) and linked with
 * libslotslab-malloc.a (malloc_check_static).
 *
 *   malloc_check which   print the file that defines malloc, then check
 *                        that the sizes are slotslab's: malloc(1) gives 8
 *                        usable bytes, malloc(8193) 12288, and glibc's own
 *                        allocations (strdup, fopen) are slotslab blocks,
 *                        also one made by a constructor before main
 *   malloc_check api     every function under its real name: alignment,
 *                        usable size, realloc contents, calloc overflow,
 *                        errno, reallocarray
 *   malloc_check threads blocks freed by threads other than their allocator
 *   malloc_check fork    fork while another thread allocates; the child
 *                        uses, resizes and frees the parent's blocks
 *   malloc_check stats   malloc_stats() with blocks of 64 sizes live
 *   malloc_check close-stderr  allocate, free, close stderr and exit (for
 *                        SLOTSLAB_STATS, whose report must still appear)
 *
 * Exit 0 when every check holds; otherwise each failure is printed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/lib/pattern.h"

static int failures;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "malloc_check: %s:%d: %s\n", __func__, __LINE__, #cond); \
		failures++;						\
	}								\
} while (0)

/* Keep the compiler from folding malloc/free pairs away. */
static void *(*volatile do_malloc)(size_t) = malloc;
static void *(*volatile do_calloc)(size_t, size_t) = calloc;
static void *(*volatile do_reallocarray)(void *, size_t, size_t) = reallocarray;

/* Allocated before main, by a constructor: the allocator starts itself. */
static char *ctor_block;

__attribute__((constructor)) static void early(void)
{
	ctor_block = strdup("before main");
}

static void which(void)
{
	Dl_info info;
	char *s = strdup("x");
	FILE *f = fopen("/proc/self/statm", "r");
	void *p1 = do_malloc(1), *p2 = do_malloc(8193);

	if (dladdr((void *)do_malloc, &info) && info.dli_fname)
		printf("malloc: %s\n", info.dli_fname);
	CHECK(malloc_usable_size(p1) == 8);
	CHECK(malloc_usable_size(p2) == 9216);		/* kmalloc's 9 KiB class */
	CHECK(malloc_usable_size(s) == 8);		/* glibc's strdup called our malloc */
	CHECK(ctor_block && malloc_usable_size(ctor_block) == 16);
	free(ctor_block);
	CHECK(f != NULL);
	free(p1);
	free(p2);
	free(s);
	if (f)
		fclose(f);				/* glibc frees its buffer with our free */
}

static void api(void)
{
	unsigned char *p, *q;
	void *m = NULL;

	p = do_malloc(0);
	q = do_malloc(0);
	CHECK(p && q && p != q);
	free(p);
	free(q);
	for (size_t size = 1; size < 20000; size = size * 3 / 2 + 1) {
		p = do_malloc(size);
		CHECK(p && (uintptr_t)p % (size > 8 ? 16 : 8) == 0);
		CHECK(malloc_usable_size(p) >= size);
		pattern_fill(p, size, 1);
		q = realloc(p, size * 5 + 3);
		CHECK(q && pattern_intact(q, size, 1));
		free(q);
	}
	errno = 0;
	CHECK(do_calloc(SIZE_MAX / 2, 4) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(do_malloc(SIZE_MAX) == NULL && errno == ENOMEM);
	p = calloc(100, 3);
	CHECK(p != NULL);
	for (int i = 0; p && i < 300; i++)
		CHECK(p[i] == 0);
	errno = 0;
	CHECK(do_reallocarray(p, SIZE_MAX / 2, 3) == NULL && errno == ENOMEM);
	free(p);
	for (size_t align = 8; align <= (1 << 16); align <<= 1) {
		CHECK(posix_memalign(&m, align, 100) == 0 && (uintptr_t)m % align == 0);
		free(m);
		p = aligned_alloc(align, 3000);
		CHECK(p && (uintptr_t)p % align == 0 && malloc_usable_size(p) >= 3000);
		free(p);
		p = memalign(align, 10);
		CHECK(p && (uintptr_t)p % align == 0);
		free(p);
	}
	CHECK(posix_memalign(&m, 12, 100) == EINVAL);
	p = valloc(100);
	q = pvalloc(100);
	CHECK(p && (uintptr_t)p % 4096 == 0 && q && (uintptr_t)q % 4096 == 0);
	CHECK(malloc_usable_size(q) >= 4096);
	free(p);
	free(q);
	CHECK(realloc(do_malloc(10), 0) == NULL);
	CHECK(malloc_usable_size(NULL) == 0);
}

/* Each thread frees the blocks the previous one allocated. */
#define T 4
static unsigned char *volatile handoff[T][256];

static void *worker(void *arg)
{
	int me = (int)(intptr_t)arg;
	long bad = 0;

	for (int r = 0; r < 50000; r++) {
		int i = r % 256;
		size_t size = (size_t)(r * 37 % 5000) + 1;
		unsigned char *mine = r & 1 ? do_malloc(size) : aligned_alloc(64, size);
		unsigned char *theirs;

		if (!mine)
			return (void *)1L;
		pattern_fill(mine, size < 16 ? size : 16, (unsigned int)me);
		theirs = __atomic_exchange_n(&handoff[(me + 1) % T][i], NULL, __ATOMIC_ACQ_REL);
		if (theirs) {
			bad += !pattern_intact(theirs, 1, (unsigned int)((me + 1) % T));
			free(theirs);
		}
		theirs = __atomic_exchange_n(&handoff[me][i], mine, __ATOMIC_ACQ_REL);
		free(theirs);
	}
	return (void *)bad;
}

static void threads(void)
{
	pthread_t t[T];
	void *bad;

	for (int i = 0; i < T; i++)
		CHECK(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i) == 0);
	for (int i = 0; i < T; i++) {
		CHECK(pthread_join(t[i], &bad) == 0);
		CHECK(bad == NULL);
	}
	for (int i = 0; i < T; i++)
		for (int j = 0; j < 256; j++)
			free(handoff[i][j]);
}

static volatile int stop;

static void *churn(void *arg)
{
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		void *a = do_malloc(100), *b = aligned_alloc(256, 700), *c = do_malloc(50000);

		free(a);
		free(b);
		free(c);
	}
	return NULL;
}

static void forks(void)
{
	pthread_t t;

	CHECK(pthread_create(&t, NULL, churn, NULL) == 0);
	for (int i = 0; i < 50; i++) {
		unsigned char *mine = do_malloc(3000);
		int status = -1;
		pid_t pid;

		pattern_fill(mine, 3000, 4);
		pid = fork();
		if (pid == 0) {
			unsigned char *grown = realloc(mine, 100000);
			char *s = strdup("child");
			int rc = !grown || !pattern_intact(grown, 3000, 4) || !s;

			free(grown);
			free(s);
			for (int k = 0; k < 1000; k++)
				free(do_malloc((size_t)k * 11));
			_exit(rc);
		}
		CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		CHECK(pattern_intact(mine, 3000, 4));
		free(mine);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
}

/* malloc_stats() with blocks of a few classes live: the report on stderr. */
static void stats(void)
{
	void *p[64];

	for (int i = 0; i < 64; i++)
		p[i] = malloc((size_t)(i + 1) * 40);
	malloc_stats();
	for (int i = 0; i < 64; i++)
		free(p[i]);
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	if (strcmp(what, "which") == 0)
		which();
	else if (strcmp(what, "api") == 0)
		api();
	else if (strcmp(what, "threads") == 0)
		threads();
	else if (strcmp(what, "fork") == 0)
		forks();
	else if (strcmp(what, "stats") == 0)
		stats();
	else if (strcmp(what, "close-stderr") == 0)
		free(malloc(100)), fclose(stderr);	/* as coreutils' close_stdout at exit */
	else {
		fprintf(stderr, "usage: malloc_check which|api|threads|fork|stats|close-stderr\n");
		return 2;
	}
	return failures != 0;
}
