// SPDX-License-Identifier: MIT
/*
 * tests/malloc/progs/heap_errors.c - commit one heap error through the C malloc
 * API, then carry on as a program would: for tests/malloc/heap_errors.sh.
 *
 *   heap_errors CASE      run one case
 *   heap_errors --list    print every case, one a line
 *   heap_errors --fill    print what memory never written reads as: per
 *                         block size, a malloc block's first and last
 *                         byte, a calloc block's, and a block grown by
 *                         realloc (from a block of 'C's): its first byte
 *                         and its last, as two hex digits each
 *
 * A case is CLASS-SIZE (or a CLASS of its own for errors without a block
 * size): SIZE is small (24 bytes), medium (2000), large (300 KiB, a buddy
 * block) or huge (3 MiB, a mapping of its own).  After the error the
 * program allocates, writes and frees blocks of the same size (where a
 * block handed out twice, or a corrupted free list, shows), then prints
 * "carried on" and exits 0.  A case is "stopped" when the process dies
 * (abort, SIGSEGV) before that line: the caller counts them under the
 * allocator it preloads.  Nothing here checks anything itself.
 *
 * The errors are committed through opaque pointers (launder) so that the
 * compiler neither warns about them nor optimises them away.
 */
#include <alloca.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wunknown-warning-option"
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#pragma GCC diagnostic ignored "-Wuse-after-free"
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"

#define MiB (1UL << 20)

static char far_block[4096];
static volatile unsigned char sink;

/* The pointer, hidden from the optimiser. */
static __attribute__((noinline)) void *launder(void *p)
{
	__asm__ volatile("" : "+r"(p));
	return p;
}

/* A program's ordinary work after the error: blocks of @size, used. */
static void carry_on(size_t size)
{
	char *b[32];

	for (int i = 0; i < 32; i++) {
		b[i] = malloc(size);
		if (b[i])
			memset(b[i], i, size < 256 ? size : 256);
	}
	for (int i = 0; i < 32; i++)
		for (int j = 0; j < i; j++)
			if (b[i] && b[i] == b[j]) {
				/* the same block twice: its users overwrite each other */
				memset(b[j], 0x55, size < 256 ? size : 256);
				sink = (unsigned char)b[i][0];
			}
	for (int i = 31; i >= 0; i--)
		free(b[i]);
	puts("carried on");
	fflush(stdout);
}

/* ---- the errors ----------------------------------------------------------- */

static void double_free_immediate(size_t n)
{
	char *p = malloc(n);

	free(p);
	free(launder(p));
}

static void double_free_interleaved(size_t n)
{
	char *p = malloc(n), *q = malloc(n);

	free(p);
	free(q);
	free(launder(p));
}

static void double_free_delayed(size_t n)
{
	char *p = malloc(n), *o[8];

	for (int i = 0; i < 8; i++)
		o[i] = malloc(n);
	free(p);
	for (int i = 0; i < 8; i++)
		free(o[i]);
	free(launder(p));
}

static void double_free_after_reuse(size_t n)
{
	char *p = malloc(n), *r;

	free(p);
	r = malloc(n);			/* very likely p again */
	memset(r, 1, n < 256 ? n : 256);
	free(launder(p));		/* frees r under its user's feet if so */
	sink = (unsigned char)r[0];
	if (r != p)
		free(r);
}

static void free_interior(size_t n)
{
	char *p = malloc(n);

	free(launder(p + 16));
}

static void free_unaligned(size_t n)
{
	char *p = malloc(n);

	free(launder(p + 1));
}

static void free_stack(void)
{
	char buf[128];

	memset(buf, 0, sizeof(buf));
	free(launder(buf + 16));
}

static void free_alloca(void)
{
	char *a = alloca(256);

	memset(a, 0, 256);
	free(launder(a));
}

static void free_far(void)
{
	free(launder(far_block + 64));
}

/* malloc(0), then a byte written to it or read from it */
static void zero_size(int write)
{
	volatile char *p = launder(malloc(0));

	if (write)
		p[0] = 'Z';
	else
		sink = (unsigned char)p[0];
	free((void *)p);
}

static void free_low(uintptr_t v)
{
	free(launder((void *)v));
}

static void overflow(size_t n, size_t by, int use_memcpy)
{
	char *p = malloc(n);
	char *src = malloc(by);

	memset(src, 'A', by);
	if (use_memcpy)
		memcpy(launder(p + n), src, by);
	else
		for (size_t i = 0; i < by; i++)
			((volatile char *)launder(p))[n + i] = 'A';
	free(src);
	free(p);
}

static void underflow(size_t n, size_t by, int use_memcpy)
{
	char *p = malloc(n);
	char *src = malloc(by);

	memset(src, 'A', by);
	if (use_memcpy)
		memcpy(launder(p - by), src, by);
	else
		for (size_t i = 1; i <= by; i++)
			((volatile char *)launder(p))[-(ptrdiff_t)i] = 'A';
	free(src);
	free(p);
}

static void write_after_free(size_t n)
{
	char *p = malloc(n);

	free(p);
	memset(launder(p), 'W', n < 64 ? n : 64);
}

/* bytes read through a pointer to a freed block */
static void read_after_free(size_t n)
{
	char *p = malloc(n);
	unsigned char sum = 0;

	memset(p, 1, n < 64 ? n : 64);
	free(p);
	for (size_t i = 0; i < (n < 64 ? n : 64); i++)
		sum += ((volatile char *)launder(p))[i];
	sink = sum;
}

/* a stale pointer written after its block was freed and handed out again */
static void reuse_after_free(size_t n)
{
	char *p = malloc(n), *q;

	free(p);
	q = malloc(n);			/* very likely p again */
	memset(q, 1, n < 64 ? n : 64);
	memset(launder(p), 'S', n < 64 ? n : 64);
	sink = (unsigned char)q[0];
	free(q);
}

/* the old pointer written after realloc moved the block */
static void realloc_reuse(size_t n)
{
	char *p = malloc(n), *q;

	memset(p, 1, n < 256 ? n : 256);
	q = realloc(p, 4 * n);		/* moves: p is freed */
	memset(launder(p), 'R', n < 64 ? n : 64);
	sink = (unsigned char)q[0];
	free(q);
}

static void realloc_freed(size_t n)
{
	char *p = malloc(n);

	free(p);
	p = realloc(launder(p), 2 * n);
	sink = p ? (unsigned char)p[0] : 0;
}

/* realloc of a pointer into a block, not its start, to the same size */
static void realloc_interior(size_t n)
{
	char *p = malloc(n), *q;

	memset(p, 1, n < 256 ? n : 256);
	q = realloc(launder(p + 16), n);
	sink = q ? (unsigned char)q[0] : 0;
}

static void free_after_realloc(size_t n)
{
	char *p = malloc(n), *q;

	memset(p, 1, n < 256 ? n : 256);
	q = realloc(p, 4 * n);		/* moves: p is freed */
	free(launder(p));
	sink = (unsigned char)q[0];
}

/*
 * A field never written, read and followed: a list node whose key is set
 * and whose next pointer is not, walked as a list (at most 8 steps: a
 * stale pointer may lead round in a circle).  Memory that reads as zeros
 * ends the walk at once, a stale pointer walks into old data, and junk
 * (a debugging heap's fill) faults.
 */
struct node {
	long key;
	struct node *next;
};

static void uninit_pointer(size_t n)
{
	struct node *head = malloc(n), *q;
	long sum = 0;
	int steps = 0;

	head->key = 1;
	for (q = ((struct node *)launder(head))->next; q && steps < 8; q = q->next, steps++)
		sum += q->key;
	sink = (unsigned char)sum;
	free(head);
}

/* ---- the table ------------------------------------------------------------- */

struct size_class {
	const char *name;
	size_t n;
};

static const struct size_class sizes[] = {
	{ "small", 24 }, { "medium", 2000 }, { "large", 300 << 10 }, { "huge", 3 * MiB },
};

/* The parametrised errors, one function a case for the tables below. */
static void overflow_1(size_t n) { overflow(n, 1, 0); }
static void overflow_32(size_t n) { overflow(n, 32, 0); }
static void overflow_memcpy_32(size_t n) { overflow(n, 32, 1); }
static void overflow_1mib(size_t n) { overflow(n, MiB, 1); }
static void underflow_1(size_t n) { underflow(n, 1, 0); }
static void underflow_32(size_t n) { underflow(n, 32, 0); }
static void underflow_memcpy_32(size_t n) { underflow(n, 32, 1); }
static void overflow_memcpy_1(size_t n) { overflow(n, 1, 1); }
static void underflow_memcpy_1(size_t n) { underflow(n, 1, 1); }
static void overflow_direct_1mib(size_t n) { overflow(n, MiB, 0); }
static void underflow_1mib(size_t n) { underflow(n, MiB, 1); }
static void underflow_direct_1mib(size_t n) { underflow(n, MiB, 0); }
static void free_low_1(void) { free_low(1); }
static void free_low_16(void) { free_low(16); }
static void free_low_4096(void) { free_low(4096); }
static void zero_size_write(void) { zero_size(1); }
static void zero_size_read(void) { zero_size(0); }
static void zero_size_double_free(void) { double_free_immediate(0); }

/* Errors on a block of each size: CLASS-SIZE. */
static const struct {
	const char *name;
	void (*run)(size_t n);
} sized[] = {
	{ "double-free-immediate", double_free_immediate },
	{ "double-free-interleaved", double_free_interleaved },
	{ "double-free-delayed", double_free_delayed },
	{ "double-free-after-reuse", double_free_after_reuse },
	{ "free-interior", free_interior },
	{ "free-unaligned", free_unaligned },
	{ "overflow-1", overflow_1 },
	{ "overflow-32", overflow_32 },
	{ "overflow-memcpy-32", overflow_memcpy_32 },
	{ "overflow-1mib", overflow_1mib },
	{ "overflow-memcpy-1", overflow_memcpy_1 },
	{ "overflow-direct-1mib", overflow_direct_1mib },
	{ "underflow-1", underflow_1 },
	{ "underflow-32", underflow_32 },
	{ "underflow-memcpy-32", underflow_memcpy_32 },
	{ "underflow-memcpy-1", underflow_memcpy_1 },
	{ "underflow-1mib", underflow_1mib },
	{ "underflow-direct-1mib", underflow_direct_1mib },
	{ "write-after-free", write_after_free },
	{ "read-after-free", read_after_free },
	{ "reuse-after-free", reuse_after_free },
	{ "realloc-reuse", realloc_reuse },
	{ "realloc-freed", realloc_freed },
	{ "free-after-realloc", free_after_realloc },
	{ "realloc-interior", realloc_interior },
	{ "uninit-pointer", uninit_pointer },
};

/* Errors without a block size: CLASS alone. */
static const struct {
	const char *name;
	void (*run)(void);
} unsized[] = {
	{ "free-stack", free_stack },
	{ "free-alloca", free_alloca },
	{ "free-far", free_far },
	{ "free-low-1", free_low_1 },
	{ "free-low-16", free_low_16 },
	{ "free-low-4096", free_low_4096 },
	{ "zero-size-write", zero_size_write },
	{ "zero-size-read", zero_size_read },
	{ "zero-size-double-free", zero_size_double_free },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int run_sized(const char *what, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(sized); i++)
		if (!strcmp(what, sized[i].name)) {
			sized[i].run(n);
			carry_on(n);
			return 0;
		}
	return -1;
}

static int run_unsized(const char *what)
{
	for (size_t i = 0; i < ARRAY_SIZE(unsized); i++)
		if (!strcmp(what, unsized[i].name)) {
			unsized[i].run();
			carry_on(64);
			return 0;
		}
	return -1;
}

/* --fill: no error, what unwritten memory holds (see the top) */
static void print_fill(void)
{
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		size_t n = sizes[s].n;
		unsigned char *m = malloc(n), *c = calloc(1, n), *r = malloc(n / 2);

		memset(r, 'C', n / 2);
		r = realloc(r, n);
		printf("%s malloc %02x %02x calloc %02x %02x realloc %02x %02x\n", sizes[s].name,
		       m[0], m[n - 1], c[0], c[n - 1], r[0], r[n - 1]);
		free(m);
		free(c);
		free(r);
	}
}

int main(int argc, char **argv)
{
	const char *c = argc == 2 ? argv[1] : "";

	if (!strcmp(c, "--list")) {
		for (size_t i = 0; i < ARRAY_SIZE(sized); i++)
			for (size_t s = 0; s < ARRAY_SIZE(sizes); s++)
				printf("%s-%s\n", sized[i].name, sizes[s].name);
		for (size_t i = 0; i < ARRAY_SIZE(unsized); i++)
			printf("%s\n", unsized[i].name);
		return 0;
	}
	if (!strcmp(c, "--fill")) {
		print_fill();
		return 0;
	}
	if (!strcmp(c, "--help")) {
		printf("usage: heap_errors CASE | --list | --fill\n"
		       "Commits one heap error (CASE, see --list), carries on and prints\n"
		       "\"carried on\"; for tests/malloc/heap_errors.sh.\n");
		return 0;
	}
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		size_t len = strlen(sizes[s].name), cl = strlen(c);

		if (cl > len + 1 && c[cl - len - 1] == '-' && !strcmp(c + cl - len, sizes[s].name)) {
			char what[64];

			snprintf(what, sizeof(what), "%.*s", (int)(cl - len - 1), c);
			if (run_sized(what, sizes[s].n) == 0)
				return 0;
		}
	}
	if (run_unsized(c) == 0)
		return 0;
	fprintf(stderr, "heap_errors: unknown case '%s' (--list lists them)\n", c);
	return 2;
}
