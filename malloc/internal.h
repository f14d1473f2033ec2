/* SPDX-License-Identifier: MIT */
/*
 * malloc/internal.h - what malloc.c, aligned.c, zero.c and stats.c share.
 *
 * The replacement is built twice from the same sources: with the standard
 * names (malloc, free, ...) for libslotslab-malloc.so and .a, and with
 * SLOTSLAB_MALLOC_PREFIX defined, which names every entry point
 * slotslab_malloc, slotslab_free, ... so that the test programs can call
 * it beside the process's own malloc (and under sanitizers, which bring
 * their own).
 */
#ifndef SLOTSLAB_MALLOC_INTERNAL_H
#define SLOTSLAB_MALLOC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <slotslab/slab.h>
#include "internal/compiler.h"

#ifdef SLOTSLAB_MALLOC_PREFIX
#define MALLOC_API(name) slotslab_##name
#include "malloc/slotslab_malloc.h"
#else
#define MALLOC_API(name) name
#include <malloc.h>
#include <stdlib.h>
#endif

/* The page kmalloc's large blocks are aligned to (x86-64). */
#define MALLOC_PAGE 4096UL

/*
 * The strongest alignment every kmalloc block above the smallest class
 * has: max_align_t.  The 8-byte class is 8-aligned, as jemalloc's and
 * mimalloc's smallest classes are.
 */
#define MALLOC_MIN_ALIGN 16UL

#pragma GCC visibility push(hidden)

void *malloc_aligned(size_t align, size_t size);
/* alloc/kmalloc.c: report @p, which is no block, as freed by @who */
void kmalloc_invalid(const char *who, const void *p);
/* alloc/kmalloc.c: kmalloc(@size), @fallback taking its ZERO_SIZE_PTR or NULL */
void *kmalloc_or(size_t size, void *(*fallback)(void *));
/*
 * alloc/kmalloc.c: kmalloc and krealloc for this API: a large block starts
 * 16 bytes in, after a guard word an underrun overwrites (kmalloc_or too);
 * plain kmalloc's start on a page (aligned.c relies on it).
 */
void *kmalloc_c(size_t size, gfp_t flags);
void *krealloc_c(const void *p, size_t new_size, gfp_t flags);
/* alloc/kmalloc.c: @p, a large block, at @new_size where it is; else NULL */
void *krealloc_in_place(const void *p, size_t new_size);
/* alloc/kmalloc.c: kfree(@p), @not_ours taking a pointer the page map does not know */
void kfree_or(const void *p, void (*not_ours)(void *));
/* alloc/kmalloc.c: @p stays where it is at @size bytes (a red zone moves) */
void kmalloc_resized(const void *p, size_t size);
size_t kmalloc_capacity(const void *p);
/* alloc/kmalloc.c: the size a block of @old bytes grown to @size moves to */
size_t kmalloc_grow_size(size_t old, size_t size);
/* Heap errors follow the C library's convention (alloc/debug.c). */
extern const bool slab_libc_convention;
/* alloc/kmalloc.c: report that @who freed @p, a block of ours, a second time */
void kmalloc_double_free(const char *who, const void *p);
/* zero.c: blocks of zero bytes, page aligned, faulting on any access */
void *zero_alloc(void);
void zero_free(const char *who, void *p);
#define ZERO_STEP  MALLOC_PAGE
#define ZERO_SLOTS (1UL << 18)			/* 262144 live zero-size blocks */
#define ZERO_SPAN  (ZERO_SLOTS * ZERO_STEP)	/* 1 GiB of address space, no memory */
extern char *zero_base;			/* NULL: no range (not yet, or refused) */

/*
 * zero_owns - is @p a block of zero_alloc(), live or freed?  Inline:
 * realloc asks it of every block it cannot size, free of every pointer the
 * page map does not know.
 */
static __always_inline bool zero_owns(const void *p)
{
	const char *base = __atomic_load_n(&zero_base, __ATOMIC_ACQUIRE);

	return base && (uintptr_t)p - (uintptr_t)base < ZERO_SPAN &&
	       ((uintptr_t)p & (ZERO_STEP - 1)) == 0;
}
bool huge_owns(const void *p);
void huge_free(void *p);
size_t huge_usable_size(const void *p);

/* Blocks aligned beyond a page exist: only then is huge_owns() asked. */
extern unsigned long huge_live;

/*
 * maybe_huge - could @p be a block of huge_alloc()?  Those start on a
 * page boundary; everything else costs one AND and a well-predicted branch.
 */
static __always_inline bool maybe_huge(const void *p)
{
	return unlikely(((uintptr_t)p & (MALLOC_PAGE - 1)) == 0) &&
	       unlikely(READ_ONCE(huge_live) != 0) && huge_owns(p);
}

#pragma GCC visibility pop

#endif
