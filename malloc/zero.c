// SPDX-License-Identifier: MIT
/*
 * malloc/zero.c - blocks of zero bytes: malloc(0) and calloc(0, n).
 *
 * C wants a unique pointer that free() and realloc() accept, through which
 * no byte may be read or written.  As OpenBSD's malloc does, these blocks
 * are addresses in a range reserved PROT_NONE: a read or write through one
 * faults at once (SIGSEGV), where a 1-byte block (glibc's 24 usable bytes)
 * lets it pass and corrupt whatever it hits.
 *
 * Layout and invariants:
 *   - the range [zero_base, zero_base + ZERO_SPAN) is reserved once,
 *     PROT_NONE, MAP_NORESERVE, and never touched: no memory, one mapping;
 *   - slot i is the address zero_base + i * ZERO_STEP, page aligned, so
 *     free() finds these blocks on its existing page-aligned slow branch:
 *     the common path pays nothing;
 *   - bit i of zero_live is set while slot i is handed out: set by an
 *     atomic fetch-or, cleared by free() with an atomic fetch-and; a bit
 *     found clear at free() is a double free (reported as every heap
 *     error is, alloc/debug.c);
 *   - a slot is taken by a scan for a clear bit from zero_hint, the word
 *     where the last one was found (so allocations without frees take
 *     the slots in order, one word each 64 of them).  Every slot busy,
 *     or no range (the process runs under an address-space limit,
 *     RLIMIT_AS, which the range would eat into, or mmap refused it):
 *     malloc(0) falls back to a 1-byte block, still unique and freeable.
 * No lock on any path, so nothing to do at fork(); the range and the
 * bitmap (one mapping: the bitmap's pages read-write, then the range) are
 * made once, by the first malloc(0), under pthread_once.
 */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "malloc/internal.h"

#define ZERO_WORDS (ZERO_SLOTS / 64)
#define ZERO_BITMAP_BYTES (ZERO_WORDS * sizeof(unsigned long))	/* 32 KiB */

char *zero_base;			/* NULL: no range (not yet, or refused) */
static unsigned long *zero_live;	/* ZERO_WORDS words */
static unsigned long zero_hint;		/* the word the scan for a clear bit starts at */
static pthread_once_t zero_once = PTHREAD_ONCE_INIT;

static void zero_reserve(void)
{
	struct rlimit as;
	char *m;

	/* Under an address-space limit the range would eat the program's budget. */
	if (getrlimit(RLIMIT_AS, &as) != 0 || as.rlim_cur != RLIM_INFINITY)
		return;
	m = mmap(NULL, ZERO_BITMAP_BYTES + ZERO_SPAN, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return;
	if (mprotect(m, ZERO_BITMAP_BYTES, PROT_READ | PROT_WRITE) != 0) {
		munmap(m, ZERO_BITMAP_BYTES + ZERO_SPAN);
		return;
	}
	zero_live = (unsigned long *)m;
	__atomic_store_n(&zero_base, m + ZERO_BITMAP_BYTES, __ATOMIC_RELEASE);
}

/* Take slot @i if it is free. */
static bool zero_take(unsigned long i)
{
	unsigned long bit = 1UL << (i % 64);

	return !(__atomic_fetch_or(&zero_live[i / 64], bit, __ATOMIC_ACQ_REL) & bit);
}

/**
 * zero_alloc - a block of zero bytes: a unique page-aligned address that
 * faults on any access.  Return: NULL when no slot is free or the range
 * could not be reserved (the caller then takes a 1-byte block).
 */
void *zero_alloc(void)
{
	unsigned long h;

	pthread_once(&zero_once, zero_reserve);
	if (!zero_base)
		return NULL;
	h = __atomic_load_n(&zero_hint, __ATOMIC_RELAXED);
	for (unsigned long n = 0; n < ZERO_WORDS; n++) {
		unsigned long w = (h + n) % ZERO_WORDS;
		unsigned long v = __atomic_load_n(&zero_live[w], __ATOMIC_RELAXED);

		while (~v) {
			unsigned long slot = w * 64 + (unsigned long)__builtin_ctzl(~v);

			if (zero_take(slot)) {
				if (w != h)
					__atomic_store_n(&zero_hint, w, __ATOMIC_RELAXED);
				return zero_base + slot * ZERO_STEP;
			}
			v = __atomic_load_n(&zero_live[w], __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

/**
 * zero_free - free @p, a block of zero_alloc() (zero_owns): a block freed
 * already, or never handed out, is reported as a double free by @who.
 */
void zero_free(const char *who, void *p)
{
	unsigned long i = (unsigned long)((char *)p - zero_base) / ZERO_STEP;
	unsigned long bit = 1UL << (i % 64);

	if (!(__atomic_fetch_and(&zero_live[i / 64], ~bit, __ATOMIC_ACQ_REL) & bit))
		kmalloc_double_free(who, p);
}
