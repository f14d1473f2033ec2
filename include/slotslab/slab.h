/* SPDX-License-Identifier: MIT */
/*
 * slotslab/slab.h - a Linux-kernel-style slab allocator in user space.
 *
 * The names and semantics follow the kernel's <linux/slab.h> (SLUB): object
 * caches with constructors, bulk operations, shrinking, kmalloc size classes.
 * Everything here is thread-safe.  See alloc/README.md for the design.
 */
#ifndef SLOTSLAB_SLAB_H
#define SLOTSLAB_SLAB_H

#include <stddef.h>
#include <stdio.h>

#include <slotslab/version.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SLOTSLAB_API __attribute__((visibility("default")))

/* ---- allocation flags (gfp_t) ---------------------------------------- */

typedef unsigned int gfp_t;

#define __GFP_ZERO    0x01u  /* return zeroed memory */
#define __GFP_NOWARN  0x02u  /* no message on failure */
#define __GFP_NOWAIT  0x04u  /* never wait for a lock another thread holds */

#define GFP_KERNEL    0x00u         /* may wait; the usual choice */
#define GFP_NOWAIT    __GFP_NOWAIT  /* fail rather than wait */
#define GFP_ATOMIC    (__GFP_NOWAIT | __GFP_NOWARN)

/* ---- cache flags (kmem_cache_create) ---------------------------------- */

#define SLAB_CONSISTENCY_CHECKS 0x00000100UL /* 'F': check every free */
#define SLAB_RED_ZONE           0x00000400UL /* 'Z': guard bytes around objects */
#define SLAB_POISON             0x00000800UL /* 'P': fill freed objects, check on reuse */
#define SLAB_HWCACHE_ALIGN      0x00002000UL /* align objects to a cache line */
#define SLAB_STORE_USER         0x00010000UL /* 'U': record alloc/free call sites */
#define SLAB_PANIC              0x00040000UL /* abort if the cache cannot be created */
#define SLAB_NO_MERGE           0x01000000UL /* never share this cache with another */
#define SLAB_NO_CPU_CACHE       0x02000000UL /* no per-thread magazines for this cache */

#define SLAB_DEBUG_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
			  SLAB_POISON | SLAB_STORE_USER)

/* ---- kmalloc limits ---------------------------------------------------- */

/* kmalloc(0) returns this; it may be passed to kfree/ksize/krealloc. */
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

#define KMALLOC_MIN_SIZE       8
#define KMALLOC_MAX_CACHE_SIZE 32768           /* larger: whole pages */
#define KMALLOC_MAX_SIZE       (1UL << 40)     /* larger: NULL */

#define SLAB_MAX_ALIGN         4096            /* largest alignment a cache accepts */
#define SLAB_MAX_OBJECT_SIZE   (1UL << 20)     /* largest object a cache accepts */

struct kmem_cache;

/* ---- caches ------------------------------------------------------------ */

/**
 * kmem_cache_create - create a cache of equally sized objects
 * @name:  name shown by slabinfo; copied
 * @size:  object size in bytes, 1..SLAB_MAX_OBJECT_SIZE
 * @align: minimum alignment, 0 or a power of two up to SLAB_MAX_ALIGN;
 *         objects are always aligned to at least 8 bytes
 * @flags: SLAB_* flags
 * @ctor:  constructor run on every object when its slab is populated, never
 *         when a freed object is handed out again (Bonwick's object caching);
 *         may be NULL
 *
 * Unless SLAB_NO_MERGE, a ctor or debug flags are given (or merging is
 * configured off), the call may return an existing cache of compatible
 * object size; the cache then reports every name it serves, and needs one
 * kmem_cache_destroy() per create.
 *
 * Return: the cache, or NULL with errno set (EINVAL for bad arguments,
 * ENOMEM).  With SLAB_PANIC, failure aborts the process with a message.
 * Context: any thread.
 */
SLOTSLAB_API struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t align, unsigned long flags,
				     void (*ctor)(void *));

/**
 * kmem_cache_alloc - allocate one object
 * @s:     the cache
 * @flags: GFP_KERNEL, GFP_NOWAIT, optionally with __GFP_ZERO
 *
 * Return: an object of @s, or NULL when memory (or, with GFP_NOWAIT, an
 * uncontended lock) is not available.
 * Context: any thread; lock-free unless the thread's magazines are empty.
 */
SLOTSLAB_API void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags);

/**
 * kmem_cache_free - free an object
 * @s:   the cache it was allocated from
 * @obj: the object; NULL is ignored
 *
 * A pointer that belongs to another cache, or that slotslab never handed
 * out, is reported on stderr and not freed into @s (an always-on check that
 * costs one page-map lookup).
 * Context: any thread, also one other than the allocating thread.
 */
SLOTSLAB_API void kmem_cache_free(struct kmem_cache *s, void *obj);

/**
 * kmem_cache_alloc_bulk - allocate @n objects at once
 * @s:     the cache
 * @flags: as for kmem_cache_alloc()
 * @n:     number of objects wanted
 * @p:     array that receives them
 *
 * Takes the cache's lock at most once per slab touched instead of once per
 * object.
 * Return: @n, or 0 (and nothing allocated) on failure.
 */
SLOTSLAB_API int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t flags,
				       size_t n, void **p);

/**
 * kmem_cache_free_bulk - free @n objects of @s at once
 * @s: the cache
 * @n: number of objects
 * @p: the objects; NULL entries are skipped
 */
SLOTSLAB_API void kmem_cache_free_bulk(struct kmem_cache *s, size_t n, void **p);

/**
 * kmem_cache_shrink - give a cache's unused memory back to the OS
 * @s: the cache
 *
 * Empties the calling thread's magazines and the depot back into the slabs,
 * then returns every empty slab to the OS.  Magazines of other threads are
 * left alone: they are in use without a lock.
 * Return: 0 if no empty slab remains, 1 otherwise (as the kernel's).
 */
SLOTSLAB_API int kmem_cache_shrink(struct kmem_cache *s);

/**
 * kmem_cache_shrink_all - kmem_cache_shrink() every cache, kmalloc's too
 *
 * The calling thread's magazines, every depot and every empty slab go back,
 * and all freed slab memory is returned to the OS at once (as malloc_trim
 * does for malloc).
 * Return: bytes of slab memory given back to the OS.
 */
SLOTSLAB_API size_t kmem_cache_shrink_all(void);

/**
 * kmem_cache_validate - check the allocator's own bookkeeping
 * @s: the cache; NULL: every cache
 *
 * Every slab of the cache on the list its count of objects in use calls
 * for, with its page-map entry and pages in order and its freelist inside
 * it; the list counters; then the page layer: every free block on the list
 * of its order and state, its dirty pages those of the dirty bitmap, its
 * large blocks' free marks on dirty pages only, its parked blocks (the
 * kernel's validate_slab(), mimalloc's mi_page_is_valid()).  Each broken
 * invariant is reported as a heap error (and aborts under the C library's
 * convention, see SLOTSLAB_ERRORS).  Runs by itself at kmem_cache_shrink()
 * and kmem_cache_destroy() of a cache debugged with F.
 * Return: the number of broken invariants, 0 when all hold.
 */
SLOTSLAB_API int kmem_cache_validate(struct kmem_cache *s);

/**
 * kmem_cache_destroy - destroy a cache
 * @s: the cache; NULL is ignored
 *
 * Objects held in any thread's magazines return to the slabs first.  If
 * objects are still allocated the cache is not freed: a message on stderr
 * names the cache and the count, and the objects stay valid.  A cache
 * returned by several kmem_cache_create() calls (merged) lives until the
 * last destroy.
 * Context: no other thread may use @s during or after the call.
 */
SLOTSLAB_API void kmem_cache_destroy(struct kmem_cache *s);

/**
 * kmem_cache_destroy_named - kmem_cache_destroy() by the creator that
 * passed @name to kmem_cache_create()
 * @s:    the cache
 * @name: that creator's name
 *
 * For a merged cache, kmem_cache_destroy() cannot know which creator
 * leaves and drops the newest name from the list slabinfo shows; this
 * variant drops @name.  Otherwise the same as kmem_cache_destroy().
 */
SLOTSLAB_API void kmem_cache_destroy_named(struct kmem_cache *s, const char *name);

/** kmem_cache_size - object size of @s as asked for at creation */
SLOTSLAB_API unsigned int kmem_cache_size(struct kmem_cache *s);

/** kmem_cache_name - the name of @s (for a merged cache, the first name) */
SLOTSLAB_API const char *kmem_cache_name(struct kmem_cache *s);

/* ---- kmalloc ----------------------------------------------------------- */

/**
 * kmalloc - allocate @size bytes
 * @size:  bytes wanted
 * @flags: as for kmem_cache_alloc()
 *
 * Sizes up to KMALLOC_MAX_CACHE_SIZE come from size-class caches
 * ("kmalloc-<size>": four per doubling to 4 KiB, eight to 32 KiB); blocks
 * are aligned to 16 bytes, and power-of-two sizes to their size (up to
 * 4 KiB when debugging).  Larger sizes get whole pages, page aligned: up
 * to 1 MiB from the page allocator's chunks, beyond that a mapping each.
 * Return: the block; ZERO_SIZE_PTR for @size 0; NULL if @size exceeds
 * KMALLOC_MAX_SIZE or memory is short.
 */
SLOTSLAB_API void *kmalloc(size_t size, gfp_t flags);

/** kzalloc - kmalloc() with __GFP_ZERO */
SLOTSLAB_API void *kzalloc(size_t size, gfp_t flags);

/**
 * kmalloc_array - allocate @n * @size bytes, NULL if the product overflows
 */
SLOTSLAB_API void *kmalloc_array(size_t n, size_t size, gfp_t flags);

/**
 * kfree - free a block from kmalloc()
 * @p: the block; NULL and ZERO_SIZE_PTR are ignored
 *
 * As in Linux 6.4 and later, an object of any cache may be freed with
 * kfree(): the page map knows its cache.  A pointer slotslab did not hand
 * out, or one inside an object, is reported on stderr and ignored.
 */
SLOTSLAB_API void kfree(const void *p);

/**
 * krealloc - resize a kmalloc() block, keeping its contents
 * @p:        the block, or NULL / ZERO_SIZE_PTR to allocate anew
 * @new_size: bytes wanted; 0 frees @p and returns ZERO_SIZE_PTR
 * @flags:    as for kmalloc(); __GFP_ZERO zeroes the grown part
 *
 * Returns @p itself when the block already holds @new_size.  A block that
 * grows past a page becomes a block of pages (ksize: the size asked for),
 * which later growth extends in place where the pages after it are free.
 * Return: the block, or NULL (and @p untouched) on failure.
 */
SLOTSLAB_API void *krealloc(const void *p, size_t new_size, gfp_t flags);

/**
 * kmalloc_size_roundup - the usable size kmalloc(@size) would give
 *
 * Return: the size class @size rounds up to; for a large block (above
 * KMALLOC_MAX_CACHE_SIZE) @size itself when a guard word, checked at
 * kfree, follows it (a size that does not fill its pages, or from 256 KiB
 * on), else the page-rounded size; 0 for @size 0 (kmalloc returns
 * ZERO_SIZE_PTR) and for sizes above KMALLOC_MAX_SIZE (kmalloc returns
 * NULL).
 */
SLOTSLAB_API size_t kmalloc_size_roundup(size_t size);

/**
 * ksize - usable size of a kmalloc() block or slab object
 *
 * Return: bytes the caller may use, at least the size asked for; 0 for NULL,
 * ZERO_SIZE_PTR or a pointer slotslab did not hand out.
 */
SLOTSLAB_API size_t ksize(const void *p);

/* ---- statistics -------------------------------------------------------- */

/**
 * struct kmem_cache_info - one cache's state, as slabinfo shows it
 *
 * Objects are counted as *active* when they are allocated to a user:
 * active_objs = total_objs - free in slabs - held in magazines.
 * The counters (allocs...) are totals since creation and read 0 when
 * CONFIG_SLAB_STATS is off; stats_enabled says which.
 */
struct kmem_cache_info {
	const char *name;          /* every name the cache serves, comma-separated */
	unsigned int object_size;  /* as asked for */
	unsigned int size;         /* stride between objects */
	unsigned int align;
	unsigned int order;        /* slab = PAGE_SIZE << order */
	unsigned int objs_per_slab;
	unsigned int colours;      /* distinct colour offsets used */
	unsigned int magazine_size;/* rounds per magazine, 0 without magazines */
	unsigned long flags;
	unsigned long active_objs;
	unsigned long total_objs;
	unsigned long cached_objs;  /* in magazines: depot + threads */
	unsigned long active_slabs; /* slabs with at least one object in use */
	unsigned long total_slabs;
	unsigned long partial_slabs, full_slabs, empty_slabs;
	unsigned long bytes_held;   /* total_slabs << (order + PAGE_SHIFT) */
	unsigned long bytes_active; /* active_objs * object_size */
	int stats_enabled;
	unsigned long allocs, frees;
	unsigned long alloc_slowpath, free_slowpath;
	unsigned long slabs_allocated, slabs_freed;
	unsigned long depot_hits, depot_misses;
	unsigned long bad_frees;    /* wrong cache, foreign or interior pointers */
};

/** kmem_cache_get_info - fill @info with the current state of @s; 0 on success */
SLOTSLAB_API int kmem_cache_get_info(struct kmem_cache *s, struct kmem_cache_info *info);

/**
 * kmem_cache_for_each - call @fn for every cache, in creation order, with
 * the cache's current state
 *
 * Stops and returns the first non-zero value @fn returns.  @fn runs with
 * the list of caches locked: it must not create, destroy, shrink or query
 * caches (it has @info); it may allocate.
 */
SLOTSLAB_API int kmem_cache_for_each(int (*fn)(struct kmem_cache *s,
					       const struct kmem_cache_info *info,
					       void *arg),
				     void *arg);

/** struct slab_mem_info - memory slotslab holds from the OS, in bytes */
struct slab_mem_info {
	unsigned long chunk_bytes;  /* 2 MiB chunks mapped for slabs and large blocks */
	unsigned long slab_bytes;   /* of which cut into slabs now */
	unsigned long dirty_bytes;  /* of which freed, kept resident for reuse */
	unsigned long large_bytes;  /* kmalloc blocks above 32 KiB: up to 1 MiB in
				       chunks, larger ones mapped on their own */
	unsigned long meta_bytes;   /* descriptors, page map, magazines */
	unsigned long mapped_bytes; /* chunks, large blocks mapped on their own and
				       metadata: the virtual footprint */
};

/** slab_get_mem_info - fill @info; 0 on success */
SLOTSLAB_API int slab_get_mem_info(struct slab_mem_info *info);

#define SLABINFO_STATS 0x1u  /* add the allocation counters as extra columns (built
                                with CONFIG_SLAB_STATS; else one line says they are
                                unavailable) */
#define SLABINFO_ALL   0x2u  /* also caches that hold nothing */

/**
 * slabinfo_write - write a report in the layout of /proc/slabinfo 2.1
 * @f:     stream
 * @flags: SLABINFO_* bits
 *
 * Columns: name, active_objs, num_objs, objsize, objperslab, pagesperslab,
 * then "tunables" (magazine size, depot limit, 0) and "slabdata" (active
 * slabs, slabs, objects in magazines).
 * Return: 0, or -1 with errno set if writing failed.
 */
SLOTSLAB_API int slabinfo_write(FILE *f, unsigned int flags);

/* ---- fault injection (CONFIG_FAILSLAB) --------------------------------- */

/**
 * slab_fault_inject - make chosen allocations fail, as SLOTSLAB_FAILSLAB
 * does at start-up
 * @spec: "nth:N" (fail exactly the Nth allocation from now), "after:N"
 *        (fail every one after the Nth), "prob:P" (fail each with
 *        probability P), each optionally followed by ",GLOB" to count only
 *        caches whose name matches; NULL or "" switches it off
 *
 * Every kmem_cache_alloc, kmalloc and bulk allocation counts as one.  Set
 * it while no other thread allocates.
 * Return: 0, or -1 with errno EINVAL (bad @spec) or ENOSYS (built without
 * CONFIG_FAILSLAB).
 */
SLOTSLAB_API int slab_fault_inject(const char *spec);

/** slab_fault_count - allocations counted since slab_fault_inject() */
SLOTSLAB_API unsigned long slab_fault_count(void);

/* ---- version ----------------------------------------------------------- */

/** slotslab_version - the library's version, "MAJOR.MINOR.PATCH" */
SLOTSLAB_API const char *slotslab_version(void);

#ifdef __cplusplus
}
#endif

#endif /* SLOTSLAB_SLAB_H */
