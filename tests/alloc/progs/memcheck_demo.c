// SPDX-License-Identifier: MIT
/*
 * tests/alloc/progs/memcheck_demo.c - deliberate misuse of slab objects, for
 * tests/alloc/valgrind_memcheck.sh: run under memcheck, each case must be reported.
 *
 *   memcheck_demo uaf      write to a kmem_cache object after freeing it
 *   memcheck_demo kuaf     read a kmalloc block after kfree
 *   memcheck_demo uninit   branch on an object's never-written contents
 *   memcheck_demo leak     lose the last pointer to an object
 *   memcheck_demo clean    correct use: memcheck must stay silent
 */
#include <stdio.h>
#include <string.h>

#include <slotslab/slab.h>

static volatile int sink;

int main(int argc, char **argv)
{
	struct kmem_cache *s = kmem_cache_create("demo", 40, 0, 0, NULL);
	const char *what = argc > 1 ? argv[1] : "";
	char *p = kmem_cache_alloc(s, GFP_KERNEL);

	if (!p)
		return 1;
	if (strcmp(what, "uaf") == 0) {
		kmem_cache_free(s, p);
		p[3] = 'x';			/* use after free */
	} else if (strcmp(what, "kuaf") == 0) {
		char *k = kmalloc(100, GFP_KERNEL);

		memset(k, 1, 100);
		kfree(k);
		sink = k[10];			/* use after kfree */
		kmem_cache_free(s, p);
	} else if (strcmp(what, "uninit") == 0) {
		if (p[5] == 42)			/* never written */
			sink = 1;
		kmem_cache_free(s, p);
	} else if (strcmp(what, "leak") == 0) {
		p = kmem_cache_alloc(s, GFP_KERNEL);	/* the first one is lost */
		kmem_cache_free(s, p);
	} else if (strcmp(what, "clean") == 0) {
		memset(p, 0, 40);
		sink = p[5];
		kmem_cache_free(s, p);
	} else {
		fprintf(stderr, "usage: memcheck_demo uaf|kuaf|uninit|leak|clean\n");
		return 2;
	}
	return 0;
}
