// SPDX-License-Identifier: MIT
/*
 * malloc/malloc.c - the C and POSIX allocation functions over kmalloc.
 *
 * libslotslab-malloc.so (LD_PRELOAD) and libslotslab-malloc.a (linked into
 * a program) define malloc, free, calloc, realloc, reallocarray,
 * posix_memalign, aligned_alloc, memalign, valloc, pvalloc and
 * malloc_usable_size; the dynamic linker then binds every caller to them,
 * glibc's own internal calls included.  Each is a thin layer:
 *
 *   malloc(n)      kmalloc(n) (its size classes reach 32 KiB; above, it
 *                  keeps freed blocks for reuse); n = 0: a unique pointer
 *                  that faults on any access (zero.c), never ZERO_SIZE_PTR
 *   free(p)        kfree(p); NULL does nothing
 *   calloc(n, m)   kmalloc(n * m, __GFP_ZERO); ENOMEM if n * m overflows
 *   realloc(p, n)  p NULL: malloc(n); n 0: free(p) and NULL (glibc's
 *                  choice); a small block stays when n fits and its class
 *                  is more than half the block (a shrink below half moves,
 *                  so that a buffer trimmed after use gives its memory
 *                  back), else moves; a large block grows or shrinks in
 *                  place or by mremap (krealloc), or moves below 32 KiB;
 *                  a block that grows past a page moves by krealloc, to a
 *                  block of pages (maybe cut from a kept mapping) that
 *                  grows in place
 *   *memalign ...  aligned.c
 *   malloc_usable_size(p)  ksize(p)
 *
 * Failures set errno to ENOMEM (EINVAL for a bad alignment), as POSIX
 * wants; posix_memalign returns the code and leaves errno alone.
 *
 * Before constructors: the first call initialises the allocator through
 * pthread_once (slab_init); the initialisation calls getenv, open and read
 * (of /sys/devices/system/cpu/possible), pthread_key_create and
 * pthread_atfork, none of which allocates in glibc 2.36
 * (tests/malloc/malloc_programs.sh runs programs from their first call on).
 * Threads: kmalloc's fast paths are per-thread magazines; a block freed by
 * another thread goes into that thread's magazine.  fork(): the allocator
 * takes all its locks in pthread_atfork handlers registered on the first
 * call, so they run after any handler registered later (which may
 * allocate) and before it in the child.  aligned.c adds one lock of its
 * own for huge alignments, handled the same way.
 *
 * malloc_stats is stats.c's.  What is not replaced: mallopt, malloc_trim,
 * mallinfo2 and malloc_info stay glibc's and describe glibc's (unused) heap.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "malloc/internal.h"

/* A process whose malloc this is: heap errors print one line and abort. */
const bool slab_libc_convention = true;

static __cold void *fail_nomem(void)
{
	errno = ENOMEM;
	return NULL;
}

/*
 * What kmalloc gave for zero bytes (ZERO_SIZE_PTR) or for none (NULL):
 * a zero-size block (a 1-byte one if zero.c has no slot), or ENOMEM.
 */
static __cold void *malloc_zero_or_fail(void *p)
{
	if (!p)
		return fail_nomem();
	p = zero_alloc();
	if (!p)
		p = kmalloc(1, GFP_KERNEL);
	return p ? p : fail_nomem();
}

/**
 * malloc - allocate @size bytes
 * @size: bytes wanted; 0 gives a unique pointer that faults on any access
 *
 * Return: a block aligned to 16 bytes (8 for sizes up to 8), or NULL with
 * errno ENOMEM.
 * Context: any thread, also before constructors run.
 */
SLOTSLAB_API __fast_path void *MALLOC_API(malloc)(size_t size)
{
	return kmalloc_or(size, malloc_zero_or_fail);	/* a jump */
}

/*
 * What the page map does not know: NULL, a zero-size block (zero.c), a
 * huge one (aligned.c), or no block (a low address, another allocator's,
 * a large block's inner page).
 */
static __cold void free_not_ours(void *p)
{
	if (!p)
		return;
	if (zero_owns(p))
		zero_free("free", p);
	else if (READ_ONCE(huge_live) && huge_owns(p))
		huge_free(p);
	else
		kmalloc_invalid("free", p);
}

/**
 * free - free a block of any function here; NULL does nothing
 *
 * A pointer this allocator did not hand out, or a block freed already, is
 * reported on stderr, and the process aborts (or with SLOTSLAB_ERRORS=kernel
 * the free is ignored; alloc/debug.c).
 */
SLOTSLAB_API __fast_path void MALLOC_API(free)(void *p)
{
	kfree_or(p, free_not_ours);	/* a jump */
}

/**
 * calloc - allocate @nmemb * @size zeroed bytes
 *
 * Return: the block, or NULL with errno ENOMEM (also when the product
 * overflows).
 */
SLOTSLAB_API void *MALLOC_API(calloc)(size_t nmemb, size_t size)
{
	size_t bytes;
	void *p;

	if (unlikely(__builtin_mul_overflow(nmemb, size, &bytes)))
		return fail_nomem();
	p = kmalloc_c(bytes, GFP_KERNEL | __GFP_ZERO);
	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return malloc_zero_or_fail(p);
	return p;
}

/*
 * Any block to @size bytes by allocating, copying and freeing; one that
 * grows past a page gets a quarter of headroom (kmalloc_grow_size).
 */
static void *realloc_move(void *p, size_t old, size_t size)
{
	void *q = MALLOC_API(malloc)(kmalloc_grow_size(old, size));

	if (q) {
		memcpy(q, p, MIN(old, size));
		MALLOC_API(free)(p);
	}
	return q;
}

/**
 * realloc - resize block @p to @size bytes, keeping its contents
 * @p:    the block; NULL allocates
 * @size: 0 frees @p and returns NULL
 *
 * Return: the block (maybe @p), or NULL with errno ENOMEM and @p intact.
 * A @p this allocator did not hand out is reported and gives NULL with
 * errno EINVAL.
 */
SLOTSLAB_API void *MALLOC_API(realloc)(void *p, size_t size)
{
	size_t old;
	void *q;

	if (!p)
		return MALLOC_API(malloc)(size);
	if (unlikely((uintptr_t)p < MALLOC_PAGE)) {
		kmalloc_invalid("realloc", p);
		errno = EINVAL;
		return NULL;
	}
	if (size == 0) {
		MALLOC_API(free)(p);
		return NULL;
	}
	if (maybe_huge(p))
		return realloc_move(p, huge_usable_size(p), size);
	/* a buffer growing by appends: one page-map lookup, the guard moved */
	if (size > MALLOC_PAGE && (q = krealloc_in_place(p, size)))
		return q;
	old = kmalloc_capacity(p);
	if (unlikely(old == 0)) {
		if (zero_owns(p)) {		/* a block of 0 bytes: nothing to copy */
			q = MALLOC_API(malloc)(size);
			if (q)
				zero_free("realloc", p);
			return q;
		}
		kmalloc_invalid("realloc", p);
		errno = EINVAL;
		return NULL;
	}
	if (old <= KMALLOC_MAX_CACHE_SIZE && size <= old &&
	    kmalloc_size_roundup(size) > old / 2) {
		kmalloc_resized(p, size);
		return p;
	}
	if (size <= KMALLOC_MAX_CACHE_SIZE && (size <= old || size <= MALLOC_PAGE))
		return realloc_move(p, old, size);
	/* growing past a page: krealloc moves it to a block of pages, to grow in place */
	q = krealloc_c(p, size, GFP_KERNEL | __GFP_NOWARN);
	if (unlikely(!q))
		return fail_nomem();
	return q;
}

/**
 * reallocarray - realloc(@p, @nmemb * @size), failing with ENOMEM (and @p
 * intact) when the product overflows
 */
SLOTSLAB_API void *MALLOC_API(reallocarray)(void *p, size_t nmemb, size_t size)
{
	size_t bytes;

	if (unlikely(__builtin_mul_overflow(nmemb, size, &bytes)))
		return fail_nomem();
	return MALLOC_API(realloc)(p, bytes);
}

/* Power-of-two @align >= 1: the block, or NULL with errno ENOMEM. */
static void *alloc_aligned(size_t align, size_t size)
{
	void *p = malloc_aligned(align, size);

	if (unlikely(!p))
		return fail_nomem();
	return p;
}

/**
 * memalign - @size bytes aligned to @align (obsolete, glibc's semantics)
 *
 * An @align that is not a power of two is rounded up to one; 0 means no
 * alignment.
 * Return: the block, or NULL with errno EINVAL (@align above 2^63) or ENOMEM.
 */
SLOTSLAB_API void *MALLOC_API(memalign)(size_t align, size_t size)
{
	if (align > (SIZE_MAX >> 1) + 1) {
		errno = EINVAL;
		return NULL;
	}
	if (align > 1 && !IS_POWER_OF_2(align))
		align = 1UL << (64 - __builtin_clzl(align));
	return alloc_aligned(align ? align : 1, size);
}

/**
 * aligned_alloc - @size bytes aligned to @align (C11)
 *
 * Return: the block, or NULL with errno EINVAL when @align is not a power
 * of two (as glibc 2.38 and later, musl and jemalloc), or ENOMEM.
 */
SLOTSLAB_API void *MALLOC_API(aligned_alloc)(size_t align, size_t size)
{
	if (!IS_POWER_OF_2(align)) {
		errno = EINVAL;
		return NULL;
	}
	return alloc_aligned(align, size);
}

/**
 * posix_memalign - store in *@memptr a block of @size bytes aligned to @align
 *
 * Return: 0; EINVAL when @align is not a power of two multiple of
 * sizeof(void *); ENOMEM.  On failure *@memptr is untouched.  errno is
 * never changed.
 */
SLOTSLAB_API int MALLOC_API(posix_memalign)(void **memptr, size_t align, size_t size)
{
	int saved = errno;
	void *p;

	if (!IS_POWER_OF_2(align) || align % sizeof(void *) != 0)
		return EINVAL;
	p = malloc_aligned(align, size);
	errno = saved;
	if (unlikely(!p))
		return ENOMEM;
	*memptr = p;
	return 0;
}

/** valloc - @size bytes aligned to the page (obsolete) */
SLOTSLAB_API void *MALLOC_API(valloc)(size_t size)
{
	return alloc_aligned(MALLOC_PAGE, size);
}

/** pvalloc - @size rounded up to whole pages, page aligned (obsolete) */
SLOTSLAB_API void *MALLOC_API(pvalloc)(size_t size)
{
	size_t bytes = ALIGN_UP(size, MALLOC_PAGE);

	if (bytes < size)
		return fail_nomem();
	return alloc_aligned(MALLOC_PAGE, bytes);
}

/**
 * malloc_usable_size - bytes the caller may use in block @p
 *
 * Return: at least the size asked for: the size class; for a large block
 * the size asked for (a guard word follows it); 0 for NULL, a block of
 * zero bytes or a pointer not handed out here.
 */
SLOTSLAB_API size_t MALLOC_API(malloc_usable_size)(void *p)
{
	if (!p)
		return 0;
	if (maybe_huge(p))
		return huge_usable_size(p);
	return ksize(p);
}
