/* SPDX-License-Identifier: MIT */
/*
 * malloc/slotslab_malloc.h - the replacement under prefixed names, as the
 * test programs call it (built with SLOTSLAB_MALLOC_PREFIX; see
 * malloc/build.mk).  Semantics: malloc/malloc.c.
 */
#ifndef SLOTSLAB_MALLOC_PREFIXED_H
#define SLOTSLAB_MALLOC_PREFIXED_H

#include <stddef.h>

void *slotslab_malloc(size_t size);
void slotslab_free(void *p);
void *slotslab_calloc(size_t nmemb, size_t size);
void *slotslab_realloc(void *p, size_t size);
void *slotslab_reallocarray(void *p, size_t nmemb, size_t size);
int slotslab_posix_memalign(void **memptr, size_t align, size_t size);
void *slotslab_aligned_alloc(size_t align, size_t size);
void *slotslab_memalign(size_t align, size_t size);
void *slotslab_valloc(size_t size);
void *slotslab_pvalloc(size_t size);
size_t slotslab_malloc_usable_size(void *p);
void slotslab_malloc_stats(void);

#endif
