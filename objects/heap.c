// SPDX-License-Identifier: MIT
/*
 * objects/heap.c - the heap interface: counting in front of pluggable
 * back-ends.
 *
 * A back-end is a small table of function pointers (struct
 * om_heap_methods), after SQLite's sqlite3_mem_methods: malloc, free,
 * usable size, and optionally a roundup that tells which size a request
 * really gets.  Two are built in, one file each: heap_kmalloc.c (the
 * project's kmalloc, ksize) and heap_libc.c (the process's malloc,
 * malloc_usable_size, whichever allocator LD_PRELOAD put there).  A new
 * back-end is one file plus one line in builtin_heaps[].
 *
 * Counting: every block goes through heap_alloc()/heap_free(), which keep
 *   blocks, live.requested (sizes asked for), live.held (usable sizes),
 *   their peaks, and the numbers of calls.
 * The caller passes the requested size back to heap_free(): the dict
 * layouts all know the sizes of their blocks, and a per-block header would
 * distort exactly what is being measured.  Counters are relaxed atomics,
 * so that a heap may serve spaces on several threads.
 *
 * Roundup: a layout that wants to use all of the size class it gets (the
 * native dict) asks heap_roundup().  Without a roundup method the answer is
 * found by allocating one block of that size, reading its usable size and
 * freeing it, once per 8-byte size step up to HEAP_GOOD_MAX, memoised.
 *
 * States of a heap: created -> (users > 0 while spaces use it) ->
 * destroyed only when no space uses it and no block is live.
 */
#include <stdlib.h>

#include "objects/internal.h"

static const struct {
	const char *name;
	const struct om_heap_methods *m;
} builtin_heaps[] = {
	{ "kmalloc", &om_heap_kmalloc_methods },
	{ "slab",    &om_heap_kmalloc_methods },
	{ "libc",    &om_heap_libc_methods },
	{ "malloc",  &om_heap_libc_methods },
};

static const char *const heap_names[] = { "kmalloc", "libc", NULL };

const char *const *om_heap_names(void)
{
	return heap_names;
}

static void raise_peak(size_t *peak, size_t v)
{
	size_t p = READ_ONCE(*peak);

	while (v > p && !__atomic_compare_exchange_n(peak, &p, v, true,
						     __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

void *heap_alloc(struct om_heap *h, size_t size, size_t *held)
{
	void *p = h->m->malloc(h->ctx, size);
	size_t u;

	if (unlikely(!p)) {
		__atomic_add_fetch(&h->nfailed, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	u = h->m->usable_size(h->ctx, p);
	OM_BUG_ON(u < size);
	*held = u;
	__atomic_add_fetch(&h->nmalloc, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&h->blocks, 1, __ATOMIC_RELAXED);
	raise_peak(&h->peak.requested,
		   __atomic_add_fetch(&h->live.requested, size, __ATOMIC_RELAXED));
	raise_peak(&h->peak.held, __atomic_add_fetch(&h->live.held, u, __ATOMIC_RELAXED));
	return p;
}

size_t heap_free(struct om_heap *h, void *p, size_t size)
{
	size_t u = h->m->usable_size(h->ctx, p);

	h->m->free(h->ctx, p);
	__atomic_add_fetch(&h->nfree, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&h->blocks, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&h->live.requested, size, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&h->live.held, u, __ATOMIC_RELAXED);
	return u;
}

size_t heap_usable(const struct om_heap *h, const void *p)
{
	return h->m->usable_size(h->ctx, p);
}

size_t heap_roundup(struct om_heap *h, size_t size)
{
	size_t r8 = ALIGN_UP(size, (size_t)8), good;
	uint32_t *slot;
	void *p;

	if (h->m->roundup)
		return h->m->roundup(h->ctx, size);
	if (size == 0 || size > HEAP_GOOD_MAX)
		return size;
	slot = &h->good[r8 / 8 - 1];
	good = READ_ONCE(*slot);
	if (likely(good))
		return good;
	p = h->m->malloc(h->ctx, r8);
	if (!p)
		return size;
	good = h->m->usable_size(h->ctx, p);
	h->m->free(h->ctx, p);
	if (good < r8 || good > UINT32_MAX)
		return size;
	WRITE_ONCE(*slot, (uint32_t)good);
	return good;
}

int om_heap_create_methods(const struct om_heap_methods *m, void *ctx, struct om_heap **out)
{
	struct om_heap *h;

	if (!m || !m->malloc || !m->free || !m->usable_size || !out)
		return om_fail(OM_EINVAL, "heap methods need malloc, free and usable_size");
	h = calloc(1, sizeof(*h));
	if (!h)
		return om_fail(OM_ENOMEM, "out of memory creating a heap");
	h->m = m;
	h->ctx = ctx;
	*out = h;
	return 0;
}

int om_heap_create(const char *name, struct om_heap **out)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(builtin_heaps); i++) {
		if (strcmp(name, builtin_heaps[i].name) == 0)
			return om_heap_create_methods(builtin_heaps[i].m, NULL, out);
	}
	return om_fail(OM_ENOENT, "no heap called '%s' (kmalloc, libc)", name ? name : "(null)");
}

int om_heap_destroy(struct om_heap *h)
{
	if (!h)
		return 0;
	if (READ_ONCE(h->users) || READ_ONCE(h->blocks))
		return om_fail(OM_EBUSY, "heap '%s' still has %zu blocks and %u spaces",
			       h->m->name, READ_ONCE(h->blocks), READ_ONCE(h->users));
	free(h);
	return 0;
}

int om_heap_get_stats(const struct om_heap *h, struct om_heap_stats *st)
{
	if (!h || !st)
		return om_fail(OM_EINVAL, "om_heap_get_stats: NULL argument");
	st->name = h->m->name;
	st->impl = h->m->impl ? h->m->impl(h->ctx) : "unknown";
	st->blocks = READ_ONCE(h->blocks);
	st->live.requested = READ_ONCE(h->live.requested);
	st->live.held = READ_ONCE(h->live.held);
	st->peak.requested = READ_ONCE(h->peak.requested);
	st->peak.held = READ_ONCE(h->peak.held);
	st->nmalloc = READ_ONCE(h->nmalloc);
	st->nfree = READ_ONCE(h->nfree);
	st->nfailed = READ_ONCE(h->nfailed);
	return 0;
}
