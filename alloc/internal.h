/* SPDX-License-Identifier: MIT */
/*
 * alloc/internal.h - library-internal interfaces of the slab allocator.
 *
 * Layering inside alloc/ (each file owns one concept, as mimalloc does):
 *
 *   page.c      OS memory: 2 MiB chunks cut into naturally aligned blocks
 *               by a buddy system, their descriptors, large kmalloc blocks.
 *               The only file that calls mmap/munmap/madvise/mremap.
 *   pagemap.c   address -> (cache id, slab descriptor), two-level radix.
 *   slab_common.c  caches: geometry (order, colour, layout), ids and names,
 *               merging, creation, destruction, initialisation, fork.
 *   slab.c      the slab layer: slabs and their lists, refill/flush, the
 *               always-on free check, bulk, shrink; the lock order.
 *   magazine.c  per-thread magazines and the per-cache depot.
 *   kmalloc.c   size classes over slab caches, large blocks.
 *   debug.c     SLOTSLAB_DEBUG: red zones, poisoning, call sites, the
 *               reports and the error convention (report or abort).
 *   failslab.c  fault injection (SLOTSLAB_FAILSLAB).
 *   stats.c     kmem_cache_get_info, slabinfo, memory totals.
 *
 * Everything declared here has hidden visibility.
 */
#ifndef SLOTSLAB_ALLOC_INTERNAL_H
#define SLOTSLAB_ALLOC_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <stdbool.h>
#include <time.h>
#include <slotslab/slab.h>
#include "internal/compiler.h"
#include "internal/list.h"

#pragma GCC visibility push(hidden)

/* Internal cache flag: not counted by fault injection unless named. */
#define SLAB_NO_FAILSLAB 0x80000000UL

#define PAGE_SHIFT  12
#define PAGE_SIZE   (1UL << PAGE_SHIFT)
#define CHUNK_ORDER 9                          /* chunk = 2 MiB = order-9 block */
#define CHUNK_SIZE  (PAGE_SIZE << CHUNK_ORDER)
#define LARGE_CHUNK_MAX (CHUNK_SIZE / 2)        /* larger kmalloc blocks: a mapping each */
#define CHUNK_OPEN_STEP 64U                     /* pages made writable at a time (page.c 9) */
#define MAP_KEPT_MAX    32                      /* freed mappings kept for reuse (page.c) */
#define KEPT_QUARANTINE 8                       /* ... under P, reused only after 8 newer */
#define PARK_FIRST      8                       /* first large frees parked PROT_NONE (page.c 7) */
#define PARK_BYTES      (4UL << 20)             /* ... as many as fit in 4 MiB together */
#define PARK_HOLD       64                      /* ... until 64 more large frees */
#define PARK_SLAB_MAX   (1UL << 20)             /* ... while slabs take at most 1 MiB */
#define CACHE_LINE  64

/* Cache ids tag page-map entries and index the thread caches; 0 = none. */
#define MAX_CACHES  4096

/* ---- slab descriptors (page.c) ---------------------------------------- */

enum slab_list { SLAB_ON_NONE, SLAB_ON_PARTIAL, SLAB_ON_FULL, SLAB_ON_EMPTY };

/*
 * struct slab - one slab: a naturally aligned block of PAGE_SIZE << order
 * bytes holding s->objects objects, described off-slab (like the kernel's
 * struct slab overlaying struct page) so that objects keep the block's
 * natural alignment and no object carries a header.
 *
 * Objects are at mem = base + colour_off, stride s->size.  Of them, the
 * first @carved have been handed out at least once; the rest were never
 * touched.  Invariant (under the cache's list_lock):
 *     inuse + |freelist| + (objects - carved) == objects
 *     list == EMPTY <=> inuse == 0;  list == FULL <=> inuse == objects
 * "inuse" counts objects outside the slab: with users or in magazines.
 *
 * A large kmalloc block (cache == NULL) uses base, large_size and chunk
 * (NULL when it is a mapping of its own).  A free block in page.c keeps
 * base, order, chunk, freed_ms, and in carved its dirty pages; a kept
 * mapping base, large_size, freed_ms and kept_marked.
 */
struct slab {
	struct kmem_cache *cache;
	union {
		void *freelist;        /* first free object, linked at s->offset */
		size_t large_size;     /* mapped bytes of a large block */
	};
	char *base;
	struct list_head lru;          /* on one of the cache's slab lists */
	struct chunk *chunk;           /* page.c: the chunk the block is in */
	union {
		unsigned int inuse;
		unsigned int freed_ms;   /* free in page.c: when it was freed */
		unsigned int large_slack; /* a live large block: kmalloc.c's guard */
	};
	unsigned int carved;
	unsigned int colour_off;
	unsigned char order : 7;       /* <= CHUNK_ORDER */
	/*
	 * A slab cut from clean memory (page_slab_alloc): no page past its
	 * carved objects' free marks was ever touched, so slab.c prefaults
	 * the pages a carve is about to write (page.c 8).
	 */
	unsigned char fresh : 1;
	union {
		unsigned char list;    /* enum slab_list */
		bool kept_marked;      /* a kept mapping: kmalloc's free mark at base (page.c 6) */
	};
	unsigned short rand_start;     /* CONFIG_SLAB_FREELIST_RANDOM: carve order start */
};

/*
 * Milliseconds of CLOCK_MONOTONIC_COARSE, modulo 2^32 (49 days): the clock
 * of the page layer's decay and of the depots' reap (a vDSO read, no
 * system call).  Compare as (uint32_t)(now - then).
 */
static inline uint32_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000U + (uint64_t)ts.tv_nsec / 1000000U);
}

static inline char *slab_mem(const struct slab *slab)
{
	return slab->base + slab->colour_off;
}

struct slab *page_slab_alloc(unsigned int order, unsigned int cache_id,
			     unsigned int colour);
void page_slab_free(struct slab *slab);
struct slab *page_large_alloc(size_t size, size_t *dirty, const char **mark);
struct slab *page_large_alloc_growing(size_t size, size_t *dirty, const char **mark);
void page_large_free(struct slab *slab, bool marked);
size_t page_large_parked(const void *p);
void page_protect_kept(bool on);
int page_large_resize(struct slab *slab, size_t new_size);
void page_large_zero(struct slab *d, size_t bytes);
void *page_meta_map(size_t bytes);
void page_meta_unmap(void *p, size_t bytes);
void *page_meta_reserve(size_t bytes);
int page_meta_open(void *p, size_t bytes);
void page_prefault(void *p, size_t bytes);
void page_prefault_setup(void);
extern size_t prefault_max;
void page_get_mem_info(struct slab_mem_info *info);
unsigned long page_slab_bytes(void);
unsigned int page_validate(void);
const char *page_slab_check(const struct slab *d);
void page_purge(void);
extern uint32_t page_decay_ms;	/* CONFIG_SLAB_DECAY_MS; tests lengthen it */
void page_fork_lock(void);
void page_fork_unlock(void);

/* ---- page map (pagemap.c) --------------------------------------------- */

/*
 * An entry packs the owning cache's id above bit 48, the slab descriptor
 * (64-byte aligned) in bits 6..47, and the slab's colour index in bits 0..5:
 * the free fast path checks the cache and the object's offset with one
 * load and no descriptor access.  Entry 0: not ours.  Id 0 with a
 * descriptor: a large kmalloc block (registered on its first page only).
 */
#define PM_ID_SHIFT    48
#define PM_COLOURS     64
#define PM_COLOUR_MASK ((uint64_t)PM_COLOURS - 1)
#define PM_DESC_MASK   (((1UL << PM_ID_SHIFT) - 1) & ~PM_COLOUR_MASK)
#define PM_ADDR_BITS  47
#define PM_LEAF_BITS  15
#define PM_ROOT_BITS  (PM_ADDR_BITS - PAGE_SHIFT - PM_LEAF_BITS)

struct pm_leaf {
	uint64_t e[1UL << PM_LEAF_BITS];
};
extern struct pm_leaf *pagemap_root[1UL << PM_ROOT_BITS];

/*
 * The window (pagemap.c): PM_WINDOW_PAGES entries for the pages from
 * pm_window_base on, the leaves of that range laid end to end, so that a
 * lookup there is one load.  pm_window_base is 1 << 63 while there is no
 * window, which puts every user address outside it.
 */
#define PM_WINDOW_BITS  36	/* 64 GiB of address space; 128 MiB of entries */
#define PM_WINDOW_PAGES (1UL << (PM_WINDOW_BITS - PAGE_SHIFT))
extern uintptr_t pm_window_base;
extern uint64_t *pm_window;

uint64_t pagemap_lookup_far(const void *p);

/*
 * The entry of @p's page: one load inside the window, where slotslab's
 * chunks are (pagemap_lookup_near: false outside it); anything else (a
 * block mapped far away, a foreign pointer) walks the radix tree out of
 * line.  Never touches memory that is not the page map's: a foreign
 * pointer is recognised safely.
 */
static __always_inline bool pagemap_lookup_near(const void *p, uint64_t *e)
{
	uintptr_t i = ((uintptr_t)p - __atomic_load_n(&pm_window_base, __ATOMIC_ACQUIRE)) >>
		      PAGE_SHIFT;

	if (unlikely(i >= PM_WINDOW_PAGES))
		return false;
	*e = READ_ONCE(pm_window[i]);
	return true;
}

static __always_inline uint64_t pagemap_lookup(const void *p)
{
	uint64_t e;

	if (likely(pagemap_lookup_near(p, &e)))
		return e;
	return pagemap_lookup_far(p);
}

static inline unsigned int pm_id(uint64_t e)
{
	return (unsigned int)(e >> PM_ID_SHIFT);
}

static inline struct slab *pm_slab(uint64_t e)
{
	return (struct slab *)(uintptr_t)(e & PM_DESC_MASK);
}

static inline uint64_t pm_entry(struct slab *slab, unsigned int id, unsigned int colour)
{
	return (uint64_t)(uintptr_t)slab | ((uint64_t)id << PM_ID_SHIFT) | colour;
}

int pagemap_set(const void *addr, size_t pages, uint64_t entry);
void pagemap_clear(const void *addr, size_t pages);
void pagemap_fork_lock(void);
void pagemap_fork_unlock(void);

/* ---- magazines (magazine.c) ------------------------------------------- */


/* Kconfig ints exist only when their menu is enabled. */
#ifdef CONFIG_SLAB_CPU_CACHE
#define SLAB_MAG_ROUNDS CONFIG_SLAB_CPU_CACHE_SIZE
#define SLAB_DEPOT_MAX  CONFIG_SLAB_DEPOT_MAGAZINES
#else
#define SLAB_MAG_ROUNDS 0
#define SLAB_DEPOT_MAX  0
#endif

/*
 * What a cache's magazines may hold, in bytes of objects: a magazine
 * MAG_BYTES (at least MAG_MIN_ROUNDS objects: with one, a thread replacing
 * 4-32 KiB blocks at random took the depot lock every step or two), the
 * depot DEPOT_BYTES (at least one magazine).  Small objects get SLAB_MAG_ROUNDS rounds and
 * SLAB_DEPOT_MAX magazines; big ones fewer, so that the objects a cache
 * keeps for reuse stay in proportion to what reuse saves.  A cache whose
 * depot lock is contended grows its magazines, up to MAG_GROW_BYTES
 * (magazine.c 3).
 */
#define MAG_FILL_BYTES PAGE_SIZE	/* a thread's first refill from the slabs */
#define MAG_BYTES      (32U << 10)
#define MAG_MIN_ROUNDS 4U
#define MAG_GROW_BYTES (256U << 10)
#define DEPOT_BYTES    (128U << 10)
#define DEPOT_GROW_BYTES (2U << 20)	/* what a swinging depot may grow to (magazine.c 3) */
#define DEPOT_GROW_MIN   (512UL << 10)	/* all depots together beyond DEPOT_BYTES each: */
#define DEPOT_GROW_TOTAL (4UL << 20)	/* slabs' bytes / 8, within these */
#define DEPOT_WINDOW   256U		/* depot trips per contention verdict */
#define DEPOT_IDLE_WINDOWS 16UL	/* windows ended elsewhere that make a depot idle */
#define SCAVENGE_BYTES (16UL << 10)	/* a thread's growth between scavenges: this, */
#define SCAVENGE_SHARE 64UL		/* or the slabs' bytes / this (magazine.c 8) */
#define MAG_LAZY_SIZE  4096U	/* objects larger get magazines once busy (magazine.c 7) */
#define MAG_LAZY_OPS   128U	/* ... busy: this many operations ... */
#define MAG_LAZY_MS    4U	/* ... within a tick or two of the coarse clock */
extern unsigned int mag_lazy_ms;	/* MAG_LAZY_MS; tests widen it to count operations alone */

/*
 * Empty slabs a cache keeps (min_partial): CONFIG_SLAB_MIN_PARTIAL, but no
 * more than SLAB_EMPTY_BYTES of them (at least one).  Five empty slabs of
 * each of the 24 classes from 4 to 32 KiB (slabs of 32-64 KiB) held
 * megabytes for a realloc growth chain that passes through them all
 * (bench/workloads/reallocs: peak RSS -7 % with this bound).
 */
#define SLAB_EMPTY_BYTES (64UL << 10)

/*
 * Empty slabs all caches keep together (slab.c 3).  A compiler passes
 * through dozens of size classes, and each kept up to SLAB_EMPTY_BYTES of
 * empty slabs long after it moved on: 1.1 MB at the peak of a replay of
 * cc1's trace, whose RSS grew 8.4 MB (glibc's 6.4), where page.c would
 * have given the pages to the next size, or back (alloc/README.md).
 */
#define SLAB_EMPTY_TOTAL (256UL << 10)

/*
 * struct magazine - a stack of free object pointers (Bonwick & Adams).
 * Owned by one thread (as loaded/previous) or by a depot list; never both.
 * rounds is authoritative only while the magazine is not a thread's
 * loaded one: the loaded magazine's count lives in tc_slot.avail.
 */
struct magazine {
	struct magazine *next;         /* depot list */
	unsigned int rounds;
	void *objs[];                  /* SLAB_MAG_ROUNDS of them */
};

/*
 * struct tc_slot - one thread's magazines for one cache.
 * Invariants: loaded == NULL <=> limit == 0;  avail <= limit <= s->mag_size
 * (limit catches up with a grown mag_size on the slow paths);
 * prev != NULL whenever loaded != NULL; prev_avail <= limit, and is 0 or
 * limit unless mag_size grew since prev was filled, or prev holds what the
 * thread freed before its first allocation (fill & FILL_FOREIGN: see
 * magazine.c, "Objects of other threads").  Written
 * only by the owning thread (or by kmem_cache_destroy, when by contract the
 * owner no longer uses the cache); other threads read avail and the
 * counters with READ_ONCE.
 */
/* tc_slot.fill: prev holds objects freed before the first allocation */
#define FILL_FOREIGN (1U << 31)
/* tc_slot.fill: a slow path of the slot ran since the thread's last scavenge */
#define FILL_BUSY    (1U << 30)

struct tc_slot {
	unsigned int avail;            /* rounds in loaded */
	unsigned int limit;
	unsigned int prev_avail;       /* rounds in prev: 0 or limit, as a rule */
	unsigned int fill;             /* rounds the next refill from the slabs takes,
					* | FILL_FOREIGN | FILL_BUSY */
	struct magazine *loaded;
	struct magazine *prev;
	unsigned long allocs, frees;   /* CONFIG_SLAB_STATS */
	/* CONFIG_SLAB_STATS, the slow paths taken: per thread, as an atomic add
	 * to the cache's line by every thread costs a cross-core transfer */
	unsigned long alloc_slow, free_slow;
};

/*
 * tcache.recent - the objects this thread freed, one entry per address
 * hash (recent_entry), for every cache: set by each free, never cleared.
 * An entry holds the free mark of its object, the word the free stored in
 * it (mark_word: the address, encoded by its cache), rather than the
 * address: the free computes that word anyway, and a hit then compares it
 * with the object's word as it is, with no decoding (2 instructions
 * fewer where the table hits: every free of the hot pair).  Two objects
 * of different caches whose marks happen to be equal only cost a load.
 * It tells slab_free which frees are worth the load of the object's free
 * mark: only an object this thread freed before, and not so long ago that
 * another free took its entry.  The mark (cleared by every allocation,
 * hook_alloc) then says whether it is free now: a second free, reported
 * at once, at any delay, wherever the first copy is (this thread's
 * magazines, the depot, another thread's), unless it went back to its
 * slab (then take_from_slab catches it) or another free overwrote the
 * entry (1 in 128 for two given objects; never among up to 16 objects
 * of a slab in a row, see recent_entry) and a second free since took
 * tcache.displaced, the object the last free put out of its entry.  So
 * the interleaved free p, free q, free p is always caught (before
 * tcache.displaced, 1 time in 128 it was not: when p and q share an
 * entry; the cost, and why not two ways per entry: alloc/README.md).
 * The table is small on purpose: an object freed again within some 128
 * frees of its last free was touched by its user since, so the mark's
 * load seldom waits for memory (with 512 entries: larson +10 %, mstress
 * +9 %; with 128: +3 %).  Written by the owner only; costs two loads,
 * two compares and two stores on free, in this 1 KiB table and the line
 * after it.  CONFIG_SLAB_FREE_CHECK=n leaves the table out
 * (recent_freed_before), for scripts/configcost.sh to measure it.
 */
#define RECENT_BITS 7

struct tcache {
	/* first: the free path indexes it from the tcache's address itself */
	uintptr_t recent[1U << RECENT_BITS];	/* free marks (mark_word) */
	uintptr_t displaced;           /* what the last free's entry held */
	struct list_head list;         /* thread_caches, under slab_mutex */
	unsigned long grown;           /* bytes the heap grew by for this thread
					* since its last scavenge (magazine.c 8) */
	/* bit id: slot[id] was set up (magazine.c); what the thread's exit flushes */
	uint64_t used[MAX_CACHES / 64];
	struct tc_slot slot[MAX_CACHES];
};

/*
 * The entry of @obj: a multiplicative hash of the address's low 32 bits,
 * whose constant was searched so that up to 16 objects in a row of any
 * kmalloc size class fall at least 5 entries apart, wherever the row
 * starts (Fibonacci's constant puts some strides, 48 bytes among them, one
 * entry apart).  32 bits, so that the constant is the multiply's
 * immediate: one instruction fewer on every free than a 64-bit one.
 */
static __always_inline uintptr_t *recent_entry(struct tcache *tc, const void *obj)
{
	return &tc->recent[(uint32_t)((uint32_t)(uintptr_t)obj * 0x5E1E1DCBU) >>
			   (32 - RECENT_BITS)];
}

/*
 * A thread without magazines points tls_tc at tcache_empty, whose slots
 * have avail == limit == 0: both fast paths then fall through to the slow
 * path without a NULL test.  Nothing ever writes to tcache_empty.
 */
extern struct tcache tcache_empty;
extern __thread struct tcache *tls_tc __attribute__((tls_model("initial-exec")));


void *mag_alloc_slow(struct kmem_cache *s, gfp_t gfp, unsigned long ip);
void mag_free_slow(struct kmem_cache *s, void *obj, unsigned long ip);
unsigned int mag_alloc_bulk(struct kmem_cache *s, void **p, unsigned int n);
unsigned int mag_free_bulk(struct kmem_cache *s, void **p, unsigned int n);
void mag_flush_thread_slot(struct kmem_cache *s, struct tcache *tc);
void mag_flush_all_threads(struct kmem_cache *s);
void mag_note_growth(struct kmem_cache *cur, size_t bytes);
void mag_drain_depot(struct kmem_cache *s);
void mag_size_init(struct kmem_cache *s);
unsigned int mag_size_cap(const struct kmem_cache *s);
bool mag_depot_trip(struct kmem_cache *s, bool contended);
void mag_cache_init(void);
void mag_fork_child(void);
unsigned int mag_pooled_tcaches(void);
/* What the threads' counters add to a cache's own (CONFIG_SLAB_STATS). */
struct mag_counts {
	unsigned long allocs, frees, alloc_slow, free_slow;
};
unsigned long mag_cached_objects(struct kmem_cache *s, struct mag_counts *c);

/* ---- caches (slab.c) -------------------------------------------------- */

/*
 * struct kmem_cache - a cache of objects of one size.
 *
 * Lock order (also at the top of slab.c):
 *   1. slab_mutex     cache list, ids, names, thread-cache registry;
 *                     error-checking: slab_create() under this thread's own
 *                     hold runs in it (slab_lock_nested: a size class made
 *                     at its first kmalloc)
 *   2. list_lock      this cache's slab lists and slab contents
 *      depot_lock     this cache's depot (never held with list_lock)
 *   3. page_lock      chunks, descriptors, page-map writes (page.c)
 *
 * Invariants: size == ALIGN_UP(MAX(object_size, offset + 8), align);
 * objects * size + colours * colour_step <= PAGE_SIZE << order;
 * nr_partial + nr_full + nr_empty == nr_slabs;  nr_empty <= min_partial
 * after every operation but a shrink in progress.
 */
struct kmem_cache {
	/*
	 * Read-mostly, the first line: every field the fast paths touch
	 * (kmalloc_or: tc_off, offset; kfree_or: tc_off, colour_step, the
	 * free check's three, fp_secret, offset), so that a free of a class
	 * whose line is cold waits for one line, not three.
	 */
	unsigned int id;
	unsigned int tc_off;           /* offsetof(struct tcache, slot[id]) */
	unsigned int size;             /* stride */
	unsigned int offset;           /* free pointer offset in a free object */
	unsigned int colour_step;
	unsigned int mag_size;         /* rounds per magazine; 0: no magazines; only grows */
	/* the free check: offset of an object start within its slab */
	uintptr_t slab_mask;           /* (PAGE_SIZE << order) - 1 */
	uint64_t div_magic;            /* floor(2^64 / size) + 1 */
	uint64_t div_limit;            /* (objects - 1) * (div_magic * size mod 2^64) */
	/* hardening */
	uint64_t fp_secret;            /* free pointer mask: random, bit 63 set */
	unsigned int object_size;
	unsigned int objects;          /* per slab */

	unsigned long flags;
	void (*ctor)(void *);
	unsigned int align;
	unsigned int order;
	unsigned int colours;          /* colour offsets cycled through */
	unsigned int colour_first;     /* 1 for red-zoned caches: see debug.h */
	unsigned int min_partial;      /* empty slabs kept: slab.c 3 */
	int refcount;                  /* creates minus destroys (merging) */
	/* debug layout (debug.h); inuse == object_size without red zones */
	unsigned int inuse;
	unsigned int red_left_pad;
	unsigned int track_off;
	unsigned int orig_off;         /* Z: the size kmalloc was asked for; 0: none */
	unsigned int *random_seq;      /* CONFIG_SLAB_FREELIST_RANDOM: carve order */

	/* slab layer */
	pthread_mutex_t list_lock __attribute__((aligned(CACHE_LINE)));
	struct list_head partial, full, empty;
	unsigned long nr_partial, nr_full, nr_empty;
	unsigned long nr_slabs;        /* written with WRITE_ONCE: read unlocked (magazine.c 8) */
	unsigned int colour_next;
	/* a debug cache's freed objects before reuse (quarantine.c) */
	void **quar;
	unsigned int quar_cap, quar_head, quar_len;

	/* depot: stacks of full and empty magazines; depot_nfull, depot_contended
	 * and depot_last are written with WRITE_ONCE, for a scavenge's look
	 * without the lock (magazine.c 8) */
	pthread_mutex_t depot_lock __attribute__((aligned(CACHE_LINE)));
	struct magazine *depot_full, *depot_empty;
	unsigned int depot_nfull, depot_nempty;
	unsigned int depot_max;        /* full magazines kept (magazine.c 3) */
	unsigned int depot_bytes;      /* bytes of objects they may hold: DEPOT_BYTES.. DEPOT_GROW_BYTES */
	unsigned long depot_granted;   /* of the depots' growth budget, what this one holds */
	unsigned int depot_trips;      /* lock acquisitions in this window */
	unsigned int depot_contended;  /* of them, found the lock held or last taken by another thread */
	unsigned int depot_spills;     /* in this window: full magazines refused (emptied into slabs) */
	unsigned int depot_misses;     /* in this window: trips that found no full magazine */
	unsigned int depot_low;        /* fewest full magazines since the last reap or trim */
	uint32_t depot_reap_ms;        /* start of this reap period (now_ms) */
	bool depot_swung;              /* a window of this period both spilled and missed */
	/* magazines deferred until the cache is busy (magazine.c 7) */
	bool mag_lazy;
	unsigned int lazy_ops;         /* operations without magazines, this burst */
	uint32_t lazy_ms;              /* when the burst began (now_ms) */
	const struct tcache *depot_last;  /* the thread cache of the last trip */
	unsigned long depot_seen;      /* depot_windows at the last trip (magazine.c 3) */

	/* statistics not kept per thread (atomic adds, slow paths only) */
	unsigned long st_allocs, st_frees;       /* direct and exited threads */
	unsigned long st_alloc_slow, st_free_slow;
	unsigned long st_slabs_alloc, st_slabs_free;
	unsigned long st_depot_hit, st_depot_miss;
	unsigned long st_bad_free;

	/* naming, under slab_mutex */
	char **names;                  /* every name the cache serves */
	char *name0;                   /* storage for names while there is one */
	unsigned int nr_names;
	bool names_owned;              /* names were copied (user caches) */
	struct list_head list;         /* slab_caches */
	bool registered;               /* on slab_caches (slab_mutex; a destroy takes it off) */
	bool dead;                     /* destroyed with live objects */
};

_Static_assert(offsetof(struct kmem_cache, objects) + sizeof(unsigned int) <= CACHE_LINE,
	       "the fast paths' fields of struct kmem_cache fill its first line");

extern pthread_mutex_t slab_mutex;
extern pthread_mutex_t thread_lock;
extern struct list_head slab_caches;
extern struct list_head thread_caches;
/*
 * Every cache, at the index of its id (slab_common.c 4); an id no cache
 * has is a zeroed struct.  An array of the structs themselves, not of
 * pointers: kfree goes from the page map's entry to its cache's fields
 * with a multiply-add instead of a load, one step less on the chain of
 * dependent loads that a free waits for.
 */
extern struct kmem_cache cache_table[MAX_CACHES];

/*
 * The cache whose id is @id: cache_table[id].  The empty asm hides where
 * the pointer came from, so that GCC keeps it in a register rather than
 * computing it again after the free's stores (it did, and the registers
 * that took gave kfree_or a stack frame).
 */
static __always_inline struct kmem_cache *cache_of(unsigned int id)
{
	struct kmem_cache *s = &cache_table[id];

	__asm__("" : "+r"(s));
	return s;
}

void slab_init(void);
bool slab_lock_nested(void);
void slab_unlock_nested(bool locked);
struct kmem_cache *slab_boot_cache(const char *name, size_t size, size_t align,
				   unsigned long flags);
struct kmem_cache *slab_create(const char *name, size_t size, size_t align,
			       unsigned long flags, void (*ctor)(void *), bool copy_name);
unsigned int slab_calculate_order(unsigned int size);
void *slab_alloc_direct(struct kmem_cache *s, gfp_t gfp, unsigned long ip);
void slab_free_direct(struct kmem_cache *s, void *obj, unsigned long ip);
void kmalloc_init(void);
size_t kmalloc_class_size(size_t size);
unsigned int slab_take(struct kmem_cache *s, void **p, unsigned int n, gfp_t gfp);
int slab_discard_empty(struct kmem_cache *s);
uint64_t slab_random(void);
void slab_put(struct kmem_cache *s, void **p, unsigned int n);
void slab_quarantine_flush(struct kmem_cache *s);

/* quarantine.c: a debug cache's freed objects wait before reuse */
void *quarantine_push(struct kmem_cache *s, void *obj);
void quarantine_check_newest(struct kmem_cache *s);
void *quarantine_pop_oldest(struct kmem_cache *s, bool *bad);
void quarantine_release(struct kmem_cache *s);
unsigned int quarantine_validate(struct kmem_cache *s);
void slab_bad_free(struct kmem_cache *s, const void *obj, uint64_t e, const char *who);
void slab_invalid_free(const char *who, const void *p, uint64_t e);
unsigned int slab_validate(struct kmem_cache *s);
void kmalloc_invalid(const char *who, const void *p);
/*
 * A gfp flag of the C malloc API's calls only (kmalloc_or, kmalloc_c,
 * krealloc_c): a large block starts after a head with a guard word
 * (kmalloc.c, large_head), not on a page.
 */
#define KMALLOC_HEAD 0x100u
/*
 * A gfp flag of krealloc's only: the block replaces one that was outgrown
 * (page.c may cut a large one from a kept mapping, to grow over the rest).
 */
#define KMALLOC_GROWING 0x200u
void *kmalloc_or(size_t size, void *(*fallback)(void *));
void *kmalloc_c(size_t size, gfp_t flags);
void *krealloc_c(const void *p, size_t new_size, gfp_t flags);
void *krealloc_in_place(const void *p, size_t new_size);
void kfree_or(const void *p, void (*not_ours)(void *));
void kmalloc_double_free(const char *who, const void *p);
void kmalloc_resized(const void *p, size_t size);
size_t kmalloc_capacity(const void *p);
size_t kmalloc_grow_size(size_t old, size_t size);

#include "alloc/hooks.h"
#include "alloc/debug.h"

/* failslab.c */
extern bool failslab_armed;
bool failslab_should_fail(const struct kmem_cache *s);
void failslab_parse_env(void);

/* Fail this allocation?  Compiled out without CONFIG_FAILSLAB. */
static __always_inline bool should_failslab(const struct kmem_cache *s)
{
	return IS_ENABLED(CONFIG_FAILSLAB) && unlikely(READ_ONCE(failslab_armed)) &&
	       failslab_should_fail(s);
}

#define _RET_IP_ ((unsigned long)__builtin_return_address(0))

/*
 * Free pointers.  The stored value is ptr ^ secret (a random per cache,
 * bit 63 set), and with CONFIG_SLAB_FREELIST_HARDENED also ^ bswap(the
 * address it is stored at), as the kernel's freelist_ptr(): an overwrite by
 * a leaked pointer or a small integer does not become a usable free
 * pointer.  The end of a freelist (NULL) is stored as the object's address
 * plus one.  The slab layer reads them under list_lock.
 *
 * The always-on double-free check (glibc's tcache key, in slotslab's
 * terms) uses the same word.  Its states, decoded:
 *   live        0 written by hook_alloc(), then the user's data: decodes
 *               to the mask or beyond, never into the slab (the user would
 *               have to know the secret)
 *   freed       the object itself: written by every free (free_mark), a
 *               blind store, and by a refill as the object leaves its
 *               slab; every object in a magazine or the depot reads so
 *   on the freelist  the next free object of the slab, or obj + 1
 * An object going back to its slab must read "freed" (slab_put), one
 * taken off a freelist must link to another free object of its slab
 * (take_from_slab: a second free overwrote the link with the object
 * itself), and one the magazine layer's slow or bulk path hands out must
 * read "freed" (free_marked); anything else is reported (debug_bad_mark:
 * freed twice, or written while free) and dropped.  The free fast path
 * reads the mark of an object the thread's table of recent frees names
 * (tcache.recent, slab_free).  Costs a store on free, in a line the
 * caller has usually touched.
 *
 * Not caught at once: a second free by another thread than the first,
 * after the first copy went back to its slab, or whose table entry
 * another object's free overwrote; the fast path may hand such an object
 * out twice before the magazine goes back to the slabs, and hands out a
 * free object written since its free.  The allocation fast path does not
 * check the mark: its load would wait for the line the free's store is
 * still fetching, where the store alone overlaps the miss (alloc/README.md,
 * "Why the allocation fast path does not check the mark").
 * A cache without magazines, so every cache under SLOTSLAB_DEBUG, checks
 * the mark before every free.
 */
static __always_inline uint64_t fp_mask(const struct kmem_cache *s, void **fp)
{
	if (!IS_ENABLED(CONFIG_SLAB_FREELIST_HARDENED))
		return s->fp_secret;
	return s->fp_secret ^ __builtin_bswap64((uint64_t)(uintptr_t)fp);
}

static __always_inline uintptr_t fp_read(const struct kmem_cache *s, void *obj)
{
	void **fp = (void **)((char *)obj + s->offset);
	uintptr_t v;

	vg_open(fp, sizeof(*fp));
	v = (uintptr_t)*fp ^ (uintptr_t)fp_mask(s, fp);
	vg_close(fp, sizeof(*fp));
	return v;
}

static __always_inline void fp_write(const struct kmem_cache *s, void *obj, uintptr_t v)
{
	void **fp = (void **)((char *)obj + s->offset);

	vg_open_undefined(fp, sizeof(*fp));
	*fp = (void *)(v ^ (uintptr_t)fp_mask(s, fp));
	vg_close(fp, sizeof(*fp));
}

static inline void *slab_get_freepointer(const struct kmem_cache *s, void *obj)
{
	uintptr_t next = fp_read(s, obj);

	return next == (uintptr_t)obj + 1 ? NULL : (void *)next;
}

static inline void slab_set_freepointer(const struct kmem_cache *s, void *obj, void *next)
{
	fp_write(s, obj, next ? (uintptr_t)next : (uintptr_t)obj + 1);
}

/*
 * The word free_mark() stores in @obj: @obj itself, encoded.  Never 0, the
 * word of a live object (hook_alloc), but by a 2^-64 chance under
 * CONFIG_SLAB_FREELIST_HARDENED: fp_secret has bit 63 set.
 */
static __always_inline uintptr_t mark_word(const struct kmem_cache *s, void *obj)
{
	return (uintptr_t)obj ^ (uintptr_t)fp_mask(s, (void **)((char *)obj + s->offset));
}

/* Store @obj's free mark @m (mark_word), a blind store.  hook_free has run. */
static __always_inline void mark_store(const struct kmem_cache *s, void *obj, uintptr_t m)
{
	void **fp = (void **)((char *)obj + s->offset);

	vg_open_undefined(fp, sizeof(*fp));
	*fp = (void *)m;
	vg_close(fp, sizeof(*fp));
}

/* Does @obj's word read @m, its free mark (mark_word)? */
static __always_inline bool mark_reads(const struct kmem_cache *s, void *obj, uintptr_t m)
{
	void **fp = (void **)((char *)obj + s->offset);
	bool r;

	vg_open(fp, sizeof(*fp));
	r = (uintptr_t)*fp == m;
	vg_close(fp, sizeof(*fp));
	return r;
}

/* Mark @obj freed (a blind store).  hook_free has run. */
static __always_inline void free_mark(const struct kmem_cache *s, void *obj)
{
	mark_store(s, obj, mark_word(s, obj));
}

/* Was @obj freed, not freed twice and handed out since?  (slab_put) */
static __always_inline bool free_marked(const struct kmem_cache *s, void *obj)
{
	return mark_reads(s, obj, mark_word(s, obj));
}

/* Is @obj free (freed, or on its freelist): does its word decode into its slab? */
static __always_inline bool mark_says_free(const struct kmem_cache *s, void *obj)
{
	/* slab_mask is 2^k - 1: "differs above bit k" is "greater" */
	return (fp_read(s, obj) ^ (uintptr_t)obj) <= s->slab_mask;
}

static inline void stat_add(unsigned long *ctr, unsigned long v)
{
	if (IS_ENABLED(CONFIG_SLAB_STATS))
		__atomic_fetch_add(ctr, v, __ATOMIC_RELAXED);
}

/* A per-thread counter: only its owner writes it, others may read it. */
static __always_inline void stat_inc_local(unsigned long *ctr)
{
	if (IS_ENABLED(CONFIG_SLAB_STATS))
		WRITE_ONCE(*ctr, READ_ONCE(*ctr) + 1);
}

/* The slot of @s in the thread cache @tc. */
static __always_inline struct tc_slot *tc_slot_of(struct tcache *tc,
						  const struct kmem_cache *s)
{
	return (struct tc_slot *)((char *)tc + s->tc_off);
}

/*
 * obj_stride_ok - is @off, an offset from a slab's first object, i * size
 * with i < objects?  One multiplication and one compare: see below, which
 * also says for which @off (under 2^32, or a little below 0) the compare
 * alone bounds it; a caller with an arbitrary offset bounds it first.
 */
static __always_inline bool obj_stride_ok(const struct kmem_cache *s, uint64_t off)
{
	return off * s->div_magic <= s->div_limit;
}

/*
 * obj_offset_ok - is @p, which the page map entry @e places in a slab of
 * @s, an object's start?  Slabs are naturally aligned, so the offset in the
 * slab comes from the address; the colour from the entry.  Whether the
 * offset is i * size with i < objects is one multiplication and one
 * compare, after Lemire, Kaser & Kurz (2019).  With c = floor(2^64/size) + 1
 * and e = c * size - 2^64 (0 < e <= size), the product off * c mod 2^64 is:
 *   - i * e for off = i * size: it grows with i, so i < objects is
 *     "at most (objects - 1) * e" (div_limit, below 2^32);
 *   - at least c > 2^32 for any other off below 2^32 (slabs are at most
 *     2 MiB), as r * c dominates and nothing wraps;
 *   - at least c - e for an off that went "negative" (@p before the
 *     colour, by m < size bytes: the colour never exceeds what the objects
 *     leave over), as 2^64 - m * c >= c - e.
 * So the bounds check costs no instruction of its own.  Every instruction
 * here counts: where frees miss the cache, the out-of-order window holds
 * more iterations of a caller's loop the shorter this path is.
 */
static __always_inline bool obj_offset_ok(const struct kmem_cache *s, const void *p,
					  uint64_t e)
{
	uint64_t off = ((uintptr_t)p & s->slab_mask) -
		       (e & PM_COLOUR_MASK) * s->colour_step;

	return obj_stride_ok(s, off);
}

/* obj_belongs - is @p an object's start in a slab of @s? */
static __always_inline bool obj_belongs(const struct kmem_cache *s, const void *p)
{
	uint64_t e = pagemap_lookup(p);

	return pm_id(e) == s->id && obj_offset_ok(s, p, e);
}

/* ---- the fast paths, shared by slab.c and kmalloc.c -------------------- */

void *kmalloc_alloc_slow(struct kmem_cache *s, gfp_t gfp, unsigned long ip, size_t size);

/*
 * Was @obj, whose free mark is @m (mark_word), free already?  Notes this
 * free in its entry @r of the thread's table @tc first, keeping what @r
 * held in tc->displaced unless it reports: only an object whose mark was
 * in @r, or was put out of its entry by the last free, has its word
 * loaded.  The entry is written before the object (its mark's store may
 * alias @r), and early, so that @r's register is free for the load.
 */
static __always_inline bool recent_freed_before(const struct kmem_cache *s, struct tcache *tc,
						uintptr_t *r, void *obj, uintptr_t m)
{
	uintptr_t old;

	if (!IS_ENABLED(CONFIG_SLAB_FREE_CHECK))
		return false;
	old = *r;
	*r = m;
	if (unlikely(old == m || tc->displaced == m) && unlikely(mark_reads(s, obj, m)))
		return true;
	tc->displaced = old;
	return false;
}

/* The top object of @slot's loaded magazine, which holds @avail > 0 of @s. */
static __always_inline void *mag_pop(struct kmem_cache *s, struct tc_slot *slot,
				     unsigned int avail, gfp_t gfp)
{
	void *obj = slot->loaded->objs[avail - 1];

	hook_forget(&slot->loaded->objs[avail - 1]);
	WRITE_ONCE(slot->avail, avail - 1);
	stat_inc_local(&slot->allocs);
	return hook_alloc(s, obj, gfp);
}

/*
 * slab_alloc_sized - pop from the thread's loaded magazine; everything else
 * is mag_alloc_slow(), or for kmalloc (@size != 0, the size asked for)
 * kmalloc_alloc_slow(), which also gives a red-zoned cache the size
 * (debug caches have no magazines: every allocation takes the slow path).
 * No lock, no atomic read-modify-write.
 */
static __always_inline void *slab_alloc_sized(struct kmem_cache *s, gfp_t gfp,
					      unsigned long ip, size_t size)
{
	struct tc_slot *slot = tc_slot_of(tls_tc, s);
	unsigned int avail = slot->avail;

	if (should_failslab(s))
		return NULL;
	if (likely(avail != 0))
		return mag_pop(s, slot, avail, gfp);
	if (size)
		return kmalloc_alloc_slow(s, gfp, ip, size);
	return mag_alloc_slow(s, gfp, ip);
}

static __always_inline void *slab_alloc(struct kmem_cache *s, gfp_t gfp, unsigned long ip)
{
	return slab_alloc_sized(s, gfp, ip, 0);
}

/*
 * slab_free - push onto the thread's loaded magazine.  The caller has
 * checked that @obj belongs to @s.  An object this thread freed recently
 * (tcache.recent) whose mark still reads "freed" is freed a second time:
 * reported, ignored.  Any other second free is caught where the object
 * would be handed out by a slow path or go back to its slab (free_mark).
 */
static __always_inline void slab_free(struct kmem_cache *s, void *obj, unsigned long ip)
{
	struct tcache *tc = tls_tc;
	struct tc_slot *slot = tc_slot_of(tc, s);
	unsigned int avail = slot->avail;

	/* Under Valgrind, before hook_free tells memcheck of a second free. */
	if (IS_ENABLED(CONFIG_VALGRIND) && unlikely(mark_says_free(s, obj))) {
		debug_double_free(s, obj, ip);
		return;
	}
	if (likely(avail < slot->limit)) {
		uintptr_t m = mark_word(s, obj);

		if (recent_freed_before(s, tc, recent_entry(tc, obj), obj, m)) {
			debug_double_free(s, obj, ip);
			return;
		}
		hook_free(s, obj);
		mark_store(s, obj, m);
		slot->loaded->objs[avail] = obj;
		WRITE_ONCE(slot->avail, avail + 1);
		stat_inc_local(&slot->frees);
		return;
	}
	mag_free_slow(s, obj, ip);
}

#pragma GCC visibility pop

#endif /* SLOTSLAB_ALLOC_INTERNAL_H */
