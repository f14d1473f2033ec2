// SPDX-License-Identifier: MIT
/*
 * tests/cli/progs/alloc_log.c - known allocations for the importers' samples
 * (tests/data/README.md) and for tests/cli/import_formats.sh, which logs it
 * live with mtrace and heaptrack where they are installed.
 *
 *   alloc_log [mtrace]   with "mtrace", calls mtrace() first (the log then
 *                        needs MALLOC_TRACE and, with glibc 2.34 and
 *                        later, LD_PRELOAD=libc_malloc_debug.so.0)
 *
 * Sizes 1001..1009 appear nowhere else: malloc 1001, calloc 3 x 1002,
 * realloc to 1003, posix_memalign 64/1004, aligned_alloc 4096/1005,
 * valloc 1006, free of the calloc and the aligned blocks, realloc(NULL,
 * 1007) then realloc to 0, a failed malloc and a failed realloc (1 << 62),
 * five blocks of 1008 from one call site freed oldest first, and a thread
 * that allocates 1009 and frees the 1003 block.  A block allocated before
 * mtrace() is freed after it.
 */
#include <malloc.h>
#include <mcheck.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static void *(*volatile do_malloc)(size_t) = malloc;
static void *(*volatile do_realloc)(void *, size_t) = realloc;
static void *volatile keep;

static void *thread(void *arg)
{
	keep = do_malloc(1009);
	free(arg);
	return NULL;
}

int main(int argc, char **argv)
{
	void *early = do_malloc(1000), *a, *b, *c = NULL, *d, *v, *e, *five[5];
	pthread_t t;

	if (argc > 1 && strcmp(argv[1], "mtrace") == 0)
		mtrace();
	a = do_malloc(1001);
	b = calloc(3, 1002);
	a = do_realloc(a, 1003);
	if (posix_memalign(&c, 64, 1004) != 0)
		return 1;
	d = aligned_alloc(4096, 1005);
	v = valloc(1006);
	free(b);
	free(c);
	free(d);
	e = do_realloc(NULL, 1007);
	e = do_realloc(e, 0);
	if (do_malloc((size_t)1 << 62) || do_realloc(v, (size_t)1 << 62))
		return 1;
	for (int i = 0; i < 5; i++)
		five[i] = do_malloc(1008);
	for (int i = 0; i < 5; i++)
		free(five[i]);
	free(early);
	if (pthread_create(&t, NULL, thread, a) != 0)
		return 1;
	pthread_join(t, NULL);
	if (argc > 1 && strcmp(argv[1], "mtrace") == 0)
		muntrace();
	return e != NULL;
}
