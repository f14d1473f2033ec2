// SPDX-License-Identifier: MIT
/*
 * tests/alloc/progs/corrupt.c - commit one kind of heap corruption, then check
 * that the allocator is still sound: for tests/alloc/corruption_matrix.sh.
 *
 *   corrupt CASE
 *
 * CASE: double-free, delayed-double-free (free p, free q, free p),
 * after-reuse-double-free (free p, q = alloc, free p again),
 * interior-free, wrong-cache, foreign-free, overrun, kmalloc-overrun
 * (kmalloc(50), byte 50 written), large-overrun (a 300 KiB kmalloc block
 * and the byte after it), underrun, write-after-free, freelist,
 * kfree-double.  The program prints
 * "survived" when, after the corruption, 10000 allocations from the cache
 * are distinct, writable and never the corrupted object, and exits 0.
 * Whether the corruption was *detected* is for the caller to read on
 * stderr ("BUG <cache>: ...").  Run with SLOTSLAB_DEBUG=FZPU to debug every
 * cache; without it only the always-on checks work.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <slotslab/slab.h>

#define OBJ 40
#define N 10000

static struct kmem_cache *cache, *other;
static volatile unsigned char sink;

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* 10000 allocations: all distinct, writable, none of them @bad. */
static int sound(void *bad)
{
	void **p = malloc(N * sizeof(*p));
	int ok = 1;


	if (!p)
		return 0;
	for (int i = 0; i < N; i++) {
		p[i] = kmem_cache_alloc(cache, GFP_KERNEL);
		if (!p[i] || p[i] == bad) {
			fprintf(stderr, "corrupt: allocation %d gave %p\n", i, p[i]);
			for (int j = 0; j < i; j++)
				kmem_cache_free(cache, p[j]);
			free(p);
			return 0;
		}
		memset(p[i], i & 0xff, OBJ);
	}
	for (int i = 0; i < N; i++)
		if (*(unsigned char *)p[i] != (i & 0xff))
			ok = 0;
	qsort(p, N, sizeof(*p), cmp_ptr);
	for (int i = 1; i < N; i++)
		if ((char *)p[i] < (char *)p[i - 1] + OBJ)
			ok = 0;
	for (int i = 0; i < N; i++)
		kmem_cache_free(cache, p[i]);
	free(p);
	return ok;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	unsigned char *p, *bad = NULL;
	int local;

	cache = kmem_cache_create("victim", OBJ, 0, SLAB_NO_MERGE, NULL);
	other = kmem_cache_create("bystander", OBJ, 0, SLAB_NO_MERGE, NULL);
	if (!cache || !other)
		return 1;
	p = kmem_cache_alloc(cache, GFP_KERNEL);
	memset(p, 0, OBJ);

	if (strcmp(c, "double-free") == 0) {
		kmem_cache_free(cache, p);
		kmem_cache_free(cache, p);
		p = NULL;
	} else if (strcmp(c, "kfree-double") == 0) {
		char *k = kmalloc(100, GFP_KERNEL);

		kfree(k);
		kfree(k);
	} else if (strcmp(c, "kmalloc-overrun") == 0) {
		/* within the size class, beyond the size asked for */
		char *k = kmalloc(50, GFP_KERNEL);

		k[50] = 'x';
		kfree(k);
	} else if (strcmp(c, "large-overrun") == 0) {
		/* a page multiple: the byte after the block is on a page of its own */
		char *k = kmalloc(300 << 10, GFP_KERNEL);

		k[300 << 10] = 'x';
		kfree(k);
	} else if (strcmp(c, "delayed-double-free") == 0) {
		unsigned char *q = kmem_cache_alloc(cache, GFP_KERNEL);

		kmem_cache_free(cache, p);
		kmem_cache_free(cache, q);
		kmem_cache_free(cache, p);
		p = NULL;
	} else if (strcmp(c, "after-reuse-double-free") == 0) {
		unsigned char *q;

		kmem_cache_free(cache, p);
		q = kmem_cache_alloc(cache, GFP_KERNEL);	/* p again, but for a quarantine */
		memset(q, 0x22, OBJ);
		kmem_cache_free(cache, p);			/* through the stale pointer */
		for (int i = 0; i < OBJ; i++)
			if (q[i] != 0x22)
				bad = q;			/* its new owner's data is gone */
		if (!bad)
			bad = q;	/* live: sound() must never hand it out */
		p = q;
	} else if (strcmp(c, "interior-free") == 0) {
		kmem_cache_free(cache, p + 8);
	} else if (strcmp(c, "wrong-cache") == 0) {
		kmem_cache_free(other, p);
		p = NULL;	/* freed to its own cache */
	} else if (strcmp(c, "foreign-free") == 0) {
		void *gone = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		munmap(gone, 4096);
		kmem_cache_free(cache, &local);
		kmem_cache_free(cache, gone);		/* unmapped: must not be touched */
		kfree((char *)gone + 64);
	} else if (strcmp(c, "overrun") == 0) {
		p[OBJ] = 'x';
		p[OBJ + 2] = 'y';
		kmem_cache_free(cache, p);
		bad = p;
		p = NULL;
	} else if (strcmp(c, "underrun") == 0) {
		p[-1] = 'x';
		kmem_cache_free(cache, p);
		bad = p;
		p = NULL;
	} else if (strcmp(c, "write-after-free") == 0) {
		kmem_cache_free(cache, p);
		p[5] = 'x';
		bad = p;
		p = NULL;
	} else if (strcmp(c, "freelist") == 0) {
		/*
		 * Smash the free pointers of freed objects: write over the
		 * whole slot of each (object, red zone, free pointer), as a
		 * stray memset through a stale pointer would.
		 */
		unsigned char *q[4];

		for (int i = 0; i < 4; i++)
			q[i] = kmem_cache_alloc(cache, GFP_KERNEL);
		for (int i = 0; i < 4; i++)
			kmem_cache_free(cache, q[i]);
		for (int i = 0; i < 4; i++)
			memset(q[i], 0x41, OBJ + 24);
	} else {
		fprintf(stderr, "usage: corrupt double-free|delayed-double-free|"
			"after-reuse-double-free|kfree-double|"
			"interior-free|wrong-cache|foreign-free|overrun|kmalloc-overrun|large-overrun|"
			"underrun|"
			"write-after-free|freelist\n");
		return 2;
	}
	if (!sound(bad)) {
		printf("corrupted\n");
		return 3;
	}
	if (p)
		kmem_cache_free(cache, p);
	(void)sink;
	printf("survived\n");
	return 0;
}
