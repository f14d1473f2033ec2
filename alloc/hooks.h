/* SPDX-License-Identifier: MIT */
/*
 * alloc/hooks.h - what happens to an object on its way to and from a user,
 * as static inline hooks that compile to nothing when their Kconfig option
 * is off (SLUB's stat() style), so the fast paths carry no #ifdef.
 *
 *   hook_alloc   object leaves the allocator: Valgrind sees a malloc'd
 *                block; __GFP_ZERO is honoured.  Returns the object.
 *   hook_free    object comes back: Valgrind sees it freed, so memcheck
 *                reports any later access.
 *   vg_*         the allocator's own accesses to free objects (the free
 *                pointer) open and close a window memcheck accepts.
 *
 * Debugging proper (SLOTSLAB_DEBUG, red zones, poisoning) runs only on the
 * locked direct path of caches that have debug flags; see debug.h.
 */
#ifndef SLOTSLAB_ALLOC_HOOKS_H
#define SLOTSLAB_ALLOC_HOOKS_H

#include <string.h>

void *slab_zero(const struct kmem_cache *s, void *obj);

#if IS_ENABLED(CONFIG_VALGRIND)
#include <valgrind/memcheck.h>
#else
#undef VALGRIND_MALLOCLIKE_BLOCK
#undef VALGRIND_FREELIKE_BLOCK
#undef VALGRIND_MAKE_MEM_NOACCESS
#undef VALGRIND_MAKE_MEM_UNDEFINED
#undef VALGRIND_MAKE_MEM_DEFINED
#define VALGRIND_MALLOCLIKE_BLOCK(addr, size, rz, zeroed) do { } while (0)
#define VALGRIND_FREELIKE_BLOCK(addr, rz) do { } while (0)
#define VALGRIND_MAKE_MEM_NOACCESS(addr, len) do { } while (0)
#define VALGRIND_MAKE_MEM_UNDEFINED(addr, len) do { } while (0)
#define VALGRIND_MAKE_MEM_DEFINED(addr, len) do { } while (0)
#endif

/* A slab's memory is inaccessible to users until objects are handed out. */
static inline void vg_slab_new(void *mem, size_t bytes)
{
	if (IS_ENABLED(CONFIG_VALGRIND))
		VALGRIND_MAKE_MEM_NOACCESS(mem, bytes);
}

static inline void vg_open(void *p, size_t bytes)
{
	if (IS_ENABLED(CONFIG_VALGRIND))
		VALGRIND_MAKE_MEM_DEFINED(p, bytes);
}

static inline void vg_open_undefined(void *p, size_t bytes)
{
	if (IS_ENABLED(CONFIG_VALGRIND))
		VALGRIND_MAKE_MEM_UNDEFINED(p, bytes);
}

static inline void vg_close(void *p, size_t bytes)
{
	if (IS_ENABLED(CONFIG_VALGRIND))
		VALGRIND_MAKE_MEM_NOACCESS(p, bytes);
}

static __always_inline void *hook_alloc(struct kmem_cache *s, void *obj, gfp_t gfp)
{
	void **fp = (void **)((char *)obj + s->offset);

	/* Not free any more: see free_mark_ok() in internal.h. */
	vg_open_undefined(fp, sizeof(*fp));
	*fp = NULL;
	vg_close(fp, sizeof(*fp));
	if (IS_ENABLED(CONFIG_VALGRIND)) {
		VALGRIND_MALLOCLIKE_BLOCK(obj, s->object_size, 0, 0);
		/* A constructed object's state is valid by definition. */
		if (s->ctor)
			VALGRIND_MAKE_MEM_DEFINED(obj, s->object_size);
	}
	if (unlikely(gfp & __GFP_ZERO))
		return slab_zero(s, obj);	/* a tail call: no frame on the fast path */
	return obj;
}

static __always_inline void hook_free(struct kmem_cache *s, void *obj)
{
	if (IS_ENABLED(CONFIG_VALGRIND))
		VALGRIND_FREELIKE_BLOCK(obj, 0);
}

/*
 * A magazine slot just popped: under Valgrind, forget the pointer, or the
 * stale copy would keep a leaked object "still reachable" for memcheck.
 */
static __always_inline void hook_forget(void **slot)
{
	if (IS_ENABLED(CONFIG_VALGRIND))
		*slot = NULL;
}

#endif
