// SPDX-License-Identifier: MIT
/*
 * objects/heap_kmalloc.c - heap back-end: the project's kmalloc.
 *
 * Blocks come from the kmalloc size classes (alloc/kmalloc.c: 8, every 16
 * bytes to 128, four classes per doubling to 4 KiB, eight per doubling
 * from there to KMALLOC_MAX_CACHE_SIZE, 32 KiB); larger blocks are whole
 * pages.  ksize() gives what a block holds and kmalloc_size_roundup() what
 * a request would get.
 */
#include "objects/internal.h"

static void *km_malloc(void *ctx, size_t size)
{
	return kmalloc(size, GFP_KERNEL);
}

static void km_free(void *ctx, void *p)
{
	kfree(p);
}

static size_t km_usable(void *ctx, const void *p)
{
	return ksize(p);
}

static size_t km_roundup(void *ctx, size_t size)
{
	size_t r = kmalloc_size_roundup(size);

	return r ? r : size;
}

static const char *km_impl(void *ctx)
{
	return "slotslab";
}

const struct om_heap_methods om_heap_kmalloc_methods = {
	.name = "kmalloc",
	.malloc = km_malloc,
	.free = km_free,
	.usable_size = km_usable,
	.roundup = km_roundup,
	.impl = km_impl,
};
