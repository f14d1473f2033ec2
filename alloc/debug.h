/* SPDX-License-Identifier: MIT */
/*
 * alloc/debug.h - slab debugging (CONFIG_SLAB_DEBUG, switched on per cache
 * at run time by SLOTSLAB_DEBUG), as hooks that compile to nothing when the
 * option is off.
 *
 * Caches with debug flags take no magazines: every allocation and free goes
 * through the locked slow path in slab.c, which calls these hooks.  The fast
 * paths of all other caches are untouched, so debugging costs nothing where
 * it is switched off, whether or not it is compiled in.
 *
 * Object layout of a debug cache (SLUB's), offsets from the object pointer:
 *
 *   -red_left_pad  left red zone (Z)                 0xbb free / 0xcc in use
 *   0              the object (object_size bytes)    0x6b... 0xa5 when free (P)
 *   object_size    right red zone up to inuse (Z)    0xbb / 0xcc
 *   offset         free pointer (outside the object with P, Z or a ctor)
 *   track_off      two struct track: last alloc, last free (U)
 *   orig_off       the size kmalloc was asked for (Z); the bytes from it to
 *                  object_size are red zone too (0xcc while in use)
 *
 * The left red zone travels in the colour: such caches colour every slab
 * by exactly red_left_pad bytes, so the free check's offset arithmetic
 * (obj_offset_ok) needs no extra term.
 */
#ifndef SLOTSLAB_ALLOC_DEBUG_H
#define SLOTSLAB_ALLOC_DEBUG_H

#define SLAB_RED_INACTIVE 0xbb
#define SLAB_RED_ACTIVE   0xcc
#define SLAB_POISON_FREE  0x6b
#define SLAB_POISON_END   0xa5

/* struct track - who last allocated or freed an object (U) */
struct track {
	unsigned long addr;      /* caller of kmem_cache_alloc/free, kmalloc/kfree */
	unsigned long when_ns;   /* CLOCK_MONOTONIC */
	int tid;
	int pad;
};

static __always_inline bool debug_on(const struct kmem_cache *s)
{
	return IS_ENABLED(CONFIG_SLAB_DEBUG) && unlikely(s->flags & SLAB_DEBUG_FLAGS);
}

void debug_parse_env(void);
unsigned long debug_flags_for(const char *name);
void debug_cache_layout(struct kmem_cache *s);
void debug_init_slab(struct kmem_cache *s, struct slab *slab);
bool debug_alloc_ok(struct kmem_cache *s, void *obj, unsigned long ip);
bool debug_free_ok(struct kmem_cache *s, struct slab *slab, void *obj, unsigned long ip);
bool debug_idle_ok(struct kmem_cache *s, void *obj);
bool debug_freelist_ok(struct kmem_cache *s, struct slab *slab, void *obj, void *next);
void debug_bad_free(struct kmem_cache *s, const void *obj, const char *what,
		    const char *action);
void debug_double_free(struct kmem_cache *s, const void *obj, unsigned long ip);
void debug_bad_mark(struct kmem_cache *s, void *obj);
void debug_invalid_state(struct kmem_cache *s, const char *what);
void slab_report(const char *fmt, ...) __printf(1, 2);
size_t debug_obj_size(struct kmem_cache *s, const void *obj);
void debug_set_orig_size(struct kmem_cache *s, void *obj, size_t size);
bool debug_libc_convention(void);
bool debug_errors_abort(void);

#endif
