// SPDX-License-Identifier: MIT
/*
 * alloc/slab.c - object caches: the slab layer.
 *
 * The design is Bonwick's slab allocator (USENIX 1994) as the Linux kernel's
 * SLUB refines it, under Bonwick & Adams' magazine layer (USENIX 2001,
 * magazine.c); caches' geometry, names, merging and lifetime are in
 * slab_common.c.
 *
 * 1. A cache hands out objects of one size.  Its memory is slabs: naturally
 *    aligned blocks of PAGE_SIZE << order bytes from page.c, described
 *    off-slab by a struct slab.  The page map finds an object's slab and
 *    cache from its address in O(1) (pagemap.c); objects carry no header.
 *
 * 2. Free objects inside a slab are linked through a free pointer stored in
 *    the free object itself (SLUB), at offset 0, so a free object costs
 *    nothing.  An index array (SLAB's bufctl) would cost 1-2 bytes per
 *    object: 4-8 % of a 24-byte object, more than the footprint budget.
 *    A cache with a constructor keeps its free pointer after the object
 *    instead, so that a free object keeps its constructed state.
 *    Fresh slabs are not threaded up front: objects are carved from the
 *    never-used tail on demand, so a new slab's pages are touched only as
 *    objects are handed out.
 *
 * 3. A slab is on exactly one list: partial (some objects out), full, or
 *    empty.  At most min_partial empty slabs stay (CONFIG_SLAB_MIN_PARTIAL,
 *    fewer of big slabs: SLAB_EMPTY_BYTES of them, but one), and all
 *    caches together keep at most SLAB_EMPTY_TOTAL bytes of empty slabs
 *    (empty_bytes); the rest leave the cache as soon as they empty (page.c
 *    keeps their pages resident for a while, for any size, then returns
 *    them to the OS).
 *    kmem_cache_shrink() returns all of them.  Allocation prefers partial
 *    slabs, so that empty ones stay empty and can go.
 *
 * 4. Constructors run once for every object when its slab is populated, and
 *    never when a freed object is reused (object caching).
 *
 * 5. Every free is checked against the page map (always on, one lookup):
 *    the address must carry the cache's id and be an object's start.  A
 *    pointer of another cache, inside an object, or not slotslab's at all
 *    is reported and never freed into the wrong place.
 *
 * Lock order:
 *   1. slab_mutex              (global: cache list, ids, names)
 *   2. thread_lock             (global: the registry of thread caches)
 *   3. s->list_lock            (per cache: slab lists and slab contents)
 *      s->depot_lock           (per cache: the depot; never nested with list_lock)
 *   4. page_lock, pagemap_lock (page.c, pagemap.c: innermost)
 * No lock is held while calling a constructor, and no list_lock of one
 * cache is held while taking another's (magazines are allocated unlocked).
 * kmalloc() may be called with slab_mutex held: a thread's first slow path
 * registers its thread cache under thread_lock only, and a size class's
 * first allocation makes its cache under the hold (slab_lock_nested: the
 * mutex is error-checking).  fork() takes them
 * all, in this order (list_lock before depot_lock, caches in list order).
 *
 * Slab states:  new -> (objects handed out) partial <-> full
 *               partial -> empty -> (beyond min_partial, or shrink) freed
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "alloc/internal.h"

/* ---- slabs -------------------------------------------------------------- */

static struct slab *new_slab(struct kmem_cache *s)
{
	unsigned int colour = s->colour_first +
		__atomic_fetch_add(&s->colour_next, 1, __ATOMIC_RELAXED) % s->colours;
	struct slab *slab = page_slab_alloc(s->order, s->id, colour);

	if (!slab)
		return NULL;
	slab->cache = s;
	slab->colour_off = colour * s->colour_step;
	if (s->random_seq)
		slab->rand_start = (unsigned short)(slab_random() % s->objects);
	if (slab->fresh && (s->ctor || debug_on(s) || s->random_seq)) {
		/* every object written now (or carved in random order): all of it */
		page_prefault(slab->base, PAGE_SIZE << s->order);
		slab->fresh = 0;
	}
	if (s->ctor) {
		char *mem = slab_mem(slab);

		for (unsigned int i = 0; i < s->objects; i++)
			s->ctor(mem + (size_t)i * s->size);
	}
	if (debug_on(s))
		debug_init_slab(s, slab);
	vg_slab_new(slab->base, PAGE_SIZE << s->order);
	stat_add(&s->st_slabs_alloc, 1);
	return slab;
}

static void discard_slab(struct kmem_cache *s, struct slab *slab)
{
	vg_open_undefined(slab->base, PAGE_SIZE << s->order);
	page_slab_free(slab);
	stat_add(&s->st_slabs_free, 1);
}

static unsigned long *list_counter(struct kmem_cache *s, unsigned int list)
{
	switch (list) {
	case SLAB_ON_PARTIAL: return &s->nr_partial;
	case SLAB_ON_FULL:    return &s->nr_full;
	default:              return &s->nr_empty;
	}
}

static struct list_head *list_of(struct kmem_cache *s, unsigned int list)
{
	switch (list) {
	case SLAB_ON_PARTIAL: return &s->partial;
	case SLAB_ON_FULL:    return &s->full;
	default:              return &s->empty;
	}
}

/*
 * The bytes of the empty slabs all caches keep (3 above): the sum over the
 * caches of nr_empty << order, kept by each cache under its own list_lock,
 * so an atomic.  An empty slab that would take it above SLAB_EMPTY_TOTAL
 * leaves its cache (a bound by about a slab: two caches may both see room
 * for one more).  slab_validate checks that a cache's own empty slabs are
 * within it.
 */
static unsigned long empty_bytes;

static void empty_account(const struct kmem_cache *s, long slabs)
{
	__atomic_fetch_add(&empty_bytes, (unsigned long)slabs * (PAGE_SIZE << s->order),
			   __ATOMIC_RELAXED);
}

/* May @s keep one more empty slab?  list_lock held. */
static bool keep_empty(const struct kmem_cache *s)
{
	return s->nr_empty < s->min_partial &&
	       __atomic_load_n(&empty_bytes, __ATOMIC_RELAXED) + (PAGE_SIZE << s->order) <=
		       SLAB_EMPTY_TOTAL;
}

/*
 * Put @slab on the list its inuse count calls for.  An empty slab that
 * keep_empty() refuses leaves the cache and goes to @discard, to be freed
 * once the lock is dropped.  list_lock held.
 */
static void relist(struct kmem_cache *s, struct slab *slab, struct list_head *discard)
{
	unsigned int want = slab->inuse == 0 ? SLAB_ON_EMPTY :
			    slab->inuse == s->objects ? SLAB_ON_FULL : SLAB_ON_PARTIAL;

	if (want == slab->list)
		return;
	if (slab->list != SLAB_ON_NONE) {
		(*list_counter(s, slab->list))--;
		list_del(&slab->lru);
		if (slab->list == SLAB_ON_EMPTY)
			empty_account(s, -1);
	}
	if (want == SLAB_ON_EMPTY && discard && !keep_empty(s)) {
		slab->list = SLAB_ON_NONE;
		WRITE_ONCE(s->nr_slabs, s->nr_slabs - 1);	/* read unlocked: magazine.c 8 */
		list_add(&slab->lru, discard);
		return;
	}
	slab->list = (unsigned char)want;
	(*list_counter(s, want))++;
	if (want == SLAB_ON_EMPTY)
		empty_account(s, 1);
	/* Partial slabs that just filled up sort behind fresher ones. */
	list_add(&slab->lru, list_of(s, want));
}

static void discard_list(struct kmem_cache *s, struct list_head *discard)
{
	struct slab *slab, *tmp;

	list_for_each_entry_safe(slab, tmp, discard, lru)
		discard_slab(s, slab);
}

static int lock_list(struct kmem_cache *s, gfp_t gfp)
{
	if (gfp & __GFP_NOWAIT)
		return pthread_mutex_trylock(&s->list_lock);
	pthread_mutex_lock(&s->list_lock);
	return 0;
}

/*
 * Is @next, the link read from free object @obj, the end of @slab's
 * freelist or an object's start in @slab (obj_stride_ok's multiply, no
 * division)?  Else debug_freelist_ok() tells what is wrong and reports it.
 */
static __always_inline bool freelist_link_ok(struct kmem_cache *s, struct slab *slab,
					     void *obj, void *next)
{
	uint64_t off = (uint64_t)((char *)next - slab_mem(slab));

	if (likely(!next || (next != obj && off < (uint64_t)s->objects * s->size &&
			     obj_stride_ok(s, off))))
		return true;
	return debug_freelist_ok(s, slab, obj, next);
}

/*
 * A carve of @m objects from fresh @slab is about to store their free
 * marks: prefault the pages the marks go to (page.c 8).  Objects of at
 * most a page put a mark in every page from the first mark's to the
 * last's: one run, less the page the previous carve's last mark touched.
 * Bigger objects: each mark's page (the rest of the object is its user's
 * to touch).  list_lock held.
 */
static void carve_prefault(struct kmem_cache *s, struct slab *slab, unsigned int m)
{
	uintptr_t mark = (uintptr_t)slab_mem(slab) + (size_t)slab->carved * s->size + s->offset;
	uintptr_t lo = ALIGN_DOWN(mark, PAGE_SIZE), hi;

	if (s->size > PAGE_SIZE) {
		for (unsigned int i = 0; i < m; i++, mark += s->size)
			page_prefault((void *)ALIGN_DOWN(mark, PAGE_SIZE), PAGE_SIZE);
		return;
	}
	if (slab->carved)	/* past the page of the last mark stored */
		lo = MAX(lo, ALIGN_DOWN(mark - s->size, PAGE_SIZE) + PAGE_SIZE);
	hi = ALIGN_DOWN(mark + (size_t)(m - 1) * s->size, PAGE_SIZE) + PAGE_SIZE;
	if (hi > lo)
		page_prefault((void *)lo, hi - lo);
}

/* Take up to @n free objects out of @slab into @p.  list_lock held. */
static unsigned int take_from_slab(struct kmem_cache *s, struct slab *slab,
				   void **p, unsigned int n)
{
	unsigned int k = 0;

	while (k < n && slab->freelist) {
		void *obj = slab->freelist;
		void *next = slab_get_freepointer(s, obj);

		/* Always checked: a second free overwrites the link (free_mark). */
		if (!freelist_link_ok(s, slab, obj, next)) {
			/*
			 * Cut the list at @obj: it and the free objects behind
			 * it are quarantined, counted in use so that the slab
			 * never empties and is never reused as a whole.
			 * |freelist| was carved - inuse before this call.
			 */
			slab->inuse += slab->carved - slab->inuse - k;
			slab->freelist = NULL;
			break;
		}
		slab->freelist = next;
		free_mark(s, obj);	/* out of the slab: as a freed object */
		p[k++] = obj;
	}
	if (k < n && slab->carved < s->objects) {
		char *mem = slab_mem(slab);
		unsigned int m = MIN(n - k, s->objects - slab->carved);

		if (slab->fresh)
			carve_prefault(s, slab, m);
		for (unsigned int i = 0; i < m; i++) {
			unsigned int idx = slab->carved + i;

			if (s->random_seq)
				idx = s->random_seq[(slab->rand_start + idx) % s->objects];
			p[k] = mem + (size_t)idx * s->size;
			free_mark(s, p[k++]);	/* "freed", as the magazines expect */
		}
		slab->carved += m;
	}
	slab->inuse += k;
	return k;
}

/**
 * slab_take - take up to @n objects from the slab layer of @s
 *
 * Partial slabs first, then empty ones, then new slabs (mapped with the
 * lock dropped).  Return: how many were taken; fewer than @n only when
 * memory (or, with __GFP_NOWAIT, the lock) was not available.
 */
unsigned int slab_take(struct kmem_cache *s, void **p, unsigned int n, gfp_t gfp)
{
	unsigned int got = 0;

	if (n == 0 || lock_list(s, gfp))
		return 0;
	while (got < n) {
		struct slab *slab;

		if (!list_empty(&s->partial)) {
			slab = list_first_entry(&s->partial, struct slab, lru);
		} else if (!list_empty(&s->empty)) {
			slab = list_first_entry(&s->empty, struct slab, lru);
		} else {
			pthread_mutex_unlock(&s->list_lock);
			slab = new_slab(s);
			pthread_mutex_lock(&s->list_lock);
			if (!slab)
				break;
			WRITE_ONCE(s->nr_slabs, s->nr_slabs + 1);
			slab->list = SLAB_ON_NONE;
		}
		got += take_from_slab(s, slab, p + got, n - got);
		relist(s, slab, NULL);
	}
	pthread_mutex_unlock(&s->list_lock);
	return got;
}

/**
 * slab_put - return @n objects of @s to their slabs
 *
 * Every object must belong to @s (the callers have checked the page map).
 * Slabs that empty beyond min_partial go back to the OS after the lock is
 * dropped.
 */
void slab_put(struct kmem_cache *s, void **p, unsigned int n)
{
	struct list_head discard = LIST_HEAD_INIT(discard);
	struct slab *cur = NULL;

	if (n == 0)
		return;
	pthread_mutex_lock(&s->list_lock);
	for (unsigned int i = 0; i < n; i++) {
		struct slab *slab = pm_slab(pagemap_lookup(p[i]));

		if (unlikely(!free_marked(s, p[i]))) {
			/* on the freelist already: freed twice */
			debug_double_free(s, p[i], 0);
			continue;
		}
		/* a run of objects of one slab is relisted once, after it */
		if (slab != cur) {
			if (cur)
				relist(s, cur, &discard);
			cur = slab;
		}
		slab_set_freepointer(s, p[i], slab->freelist);
		slab->freelist = p[i];
		slab->inuse--;
	}
	if (cur)
		relist(s, cur, &discard);
	pthread_mutex_unlock(&s->list_lock);
	discard_list(s, &discard);
}

/* ---- object-level slow paths without magazines ---------------------------- */

/**
 * slab_alloc_direct - one object straight from the slab layer (hooks not
 * applied).  A debug cache checks it first; a corrupt one stays
 * quarantined and the next is tried.
 */
void *slab_alloc_direct(struct kmem_cache *s, gfp_t gfp, unsigned long ip)
{
	void *obj;

	if (debug_on(s)) {
		pthread_mutex_lock(&s->list_lock);
		quarantine_check_newest(s);
		pthread_mutex_unlock(&s->list_lock);
	}
	do {
		if (slab_take(s, &obj, 1, gfp) != 1)
			return NULL;
	} while (debug_on(s) && !debug_alloc_ok(s, obj, ip));
	stat_add(&s->st_allocs, 1);
	return obj;
}

/* Link @obj, free, into its slab's freelist.  list_lock held. */
static void put_one_locked(struct kmem_cache *s, void *obj, struct list_head *discard)
{
	struct slab *slab = pm_slab(pagemap_lookup(obj));

	slab_set_freepointer(s, obj, slab->freelist);
	slab->freelist = obj;
	slab->inuse--;
	relist(s, slab, discard);
}

/*
 * A debug cache's free: checked under the list lock, refused if bad, then
 * quarantined (quarantine.c); what leaves the quarantine goes to its slab.
 */
static void slab_free_debug(struct kmem_cache *s, void *obj, unsigned long ip)
{
	struct list_head discard = LIST_HEAD_INIT(discard);
	struct slab *slab = pm_slab(pagemap_lookup(obj));

	pthread_mutex_lock(&s->list_lock);
	if (!free_marked(s, obj)) {
		pthread_mutex_unlock(&s->list_lock);
		debug_double_free(s, obj, ip);
		return;
	}
	if (debug_free_ok(s, slab, obj, ip)) {
		void *out = quarantine_push(s, obj);

		if (out)
			put_one_locked(s, out, &discard);
		stat_add(&s->st_frees, 1);
	}
	pthread_mutex_unlock(&s->list_lock);
	discard_list(s, &discard);
}

/**
 * slab_quarantine_flush - every object in @s's quarantine back to its
 * slab, checked on the way (a corrupt one stays allocated, reported)
 */
void slab_quarantine_flush(struct kmem_cache *s)
{
	struct list_head discard = LIST_HEAD_INIT(discard);
	bool bad;
	void *obj;

	pthread_mutex_lock(&s->list_lock);
	while ((obj = quarantine_pop_oldest(s, &bad)))
		if (!bad)
			put_one_locked(s, obj, &discard);
	pthread_mutex_unlock(&s->list_lock);
	discard_list(s, &discard);
}

/** slab_free_direct - one object straight back to its slab */
void slab_free_direct(struct kmem_cache *s, void *obj, unsigned long ip)
{
	if (debug_on(s)) {
		slab_free_debug(s, obj, ip);
		return;
	}
	slab_put(s, &obj, 1);
	stat_add(&s->st_frees, 1);
}

/**
 * slab_bad_free - report a free of @obj to @s that the page map refuses:
 * a pointer slotslab never handed out, a large kmalloc block, or an object
 * of another cache.  An object of another cache goes back to that cache if
 * it is an object's start (as the kernel's cache_from_obj() does); anything
 * else is left alone, so no cache is corrupted.
 */
void slab_bad_free(struct kmem_cache *s, const void *obj, uint64_t e, const char *who)
{
	struct kmem_cache *owner;
	char what[256];

	if (ZERO_OR_NULL_PTR(obj))
		return;
	stat_add(&s->st_bad_free, 1);
	if (e == 0) {
		snprintf(what, sizeof(what), "Invalid free: %s: %p was not allocated by slotslab",
			 who, obj);
		debug_bad_free(s, obj, what, "free ignored");
		return;
	}
	owner = pm_id(e) ? cache_of(pm_id(e)) : NULL;
	if (!owner) {
		snprintf(what, sizeof(what), "Invalid free: %s: %p is a large kmalloc block",
			 who, obj);
		debug_bad_free(s, obj, what, "free ignored");
		return;
	}
	if (!obj_offset_ok(owner, obj, e)) {
		snprintf(what, sizeof(what), "Invalid free: %s: %p is inside a slab of cache %s, "
			 "not an object's start (interior pointer)", who, obj,
			 kmem_cache_name(owner));
		debug_bad_free(s, obj, what, "free ignored");
		return;
	}
	if (owner == s)
		return;	/* unreachable: the caller saw a mismatch */
	snprintf(what, sizeof(what), "Invalid free: %s: wrong cache: %p belongs to %s",
		 who, obj, kmem_cache_name(owner));
	debug_bad_free(s, obj, what, "freed to the cache it belongs to");
	slab_free(owner, (void *)obj, 0);
}

/* __GFP_ZERO, out of line: the fast path then needs no stack frame. */
__attribute__((noinline)) void *slab_zero(const struct kmem_cache *s, void *obj)
{
	return memset(obj, 0, s->object_size);
}

/* ---- public API --------------------------------------------------------- */

__fast_path void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags)
{
	return slab_alloc(s, flags, _RET_IP_);
}

/* kmem_cache_free of @obj, whose page-map entry is @e */
static __always_inline void cache_free_at(struct kmem_cache *s, void *obj, uint64_t e,
					  unsigned long ip)
{
	if (unlikely(pm_id(e) != s->id || !obj_offset_ok(s, obj, e))) {
		slab_bad_free(s, obj, e, "kmem_cache_free");
		return;
	}
	slab_free(s, obj, ip);
}

/* kmem_cache_free of an object outside the page map's window: out of line */
static __noinline void cache_free_far(struct kmem_cache *s, void *obj, unsigned long ip)
{
	cache_free_at(s, obj, pagemap_lookup_far(obj), ip);
}

__fast_path void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	uint64_t e;

	if (unlikely(!pagemap_lookup_near(obj, &e))) {
		cache_free_far(s, obj, _RET_IP_);	/* a jump: no frame here */
		return;
	}
	cache_free_at(s, obj, e, _RET_IP_);
}

int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t flags, size_t n, void **p)
{
	size_t got;

	if (n == 0 || should_failslab(s))
		return 0;
	if (debug_on(s)) {
		/* Every object checked one by one. */
		for (got = 0; got < n; got++) {
			p[got] = slab_alloc_direct(s, flags, _RET_IP_);
			if (!p[got]) {
				for (size_t i = 0; i < got; i++) {
					free_mark(s, p[i]);
					slab_free_direct(s, p[i], _RET_IP_);
				}
				return 0;
			}
		}
	} else {
		got = mag_alloc_bulk(s, p, n > UINT32_MAX ? UINT32_MAX : (unsigned int)n);
		while (got < n) {
			unsigned int want = (unsigned int)MIN(n - got, (size_t)UINT32_MAX);
			unsigned int k = slab_take(s, p + got, want, flags);

			got += k;
			if (k < want) {
				/* Nothing left the allocator: put it all back. */
				for (size_t i = 0; i < got; i++)
					free_mark(s, p[i]);
				slab_put(s, p, (unsigned int)got);
				return 0;
			}
		}
		stat_add(&s->st_allocs, n);
	}
	for (size_t i = 0; i < n; i++)
		hook_alloc(s, p[i], flags);
	return (int)n;
}

void kmem_cache_free_bulk(struct kmem_cache *s, size_t n, void **p)
{
	size_t i = 0;

	while (i < n) {
		/* Group the longest run of valid objects, report the rest. */
		size_t j = i;

		while (j < n && p[j] && obj_belongs(s, p[j])) {
			if (IS_ENABLED(CONFIG_VALGRIND) && mark_says_free(s, p[j]))
				break;	/* free already: reported below, before memcheck sees it */
			hook_free(s, p[j]);
			free_mark(s, p[j]);
			if (debug_on(s))
				slab_free_direct(s, p[j], _RET_IP_);
			j++;
		}
		while (i < j && !debug_on(s)) {
			unsigned int run = (unsigned int)MIN(j - i, (size_t)UINT32_MAX);
			unsigned int k = mag_free_bulk(s, p + i, run);

			slab_put(s, p + i + k, run - k);
			stat_add(&s->st_frees, run);
			i += run;
		}
		i = j;
		if (i < n) {
			if (p[i] && obj_belongs(s, p[i]))
				debug_double_free(s, p[i], _RET_IP_);
			else if (p[i])
				slab_bad_free(s, p[i], pagemap_lookup(p[i]), "kmem_cache_free_bulk");
			i++;
		}
	}
}

/* slab_discard_empty - free every empty slab of @s.  Return: whether any slab remains. */
int slab_discard_empty(struct kmem_cache *s)
{
	struct list_head discard = LIST_HEAD_INIT(discard);
	struct slab *slab, *tmp;
	int ret;

	pthread_mutex_lock(&s->list_lock);
	list_for_each_entry_safe(slab, tmp, &s->empty, lru) {
		list_move(&slab->lru, &discard);
		slab->list = SLAB_ON_NONE;
		s->nr_empty--;
		WRITE_ONCE(s->nr_slabs, s->nr_slabs - 1);
		empty_account(s, -1);
	}
	ret = s->nr_slabs != 0;
	pthread_mutex_unlock(&s->list_lock);
	discard_list(s, &discard);
	return ret;
}

/* Everything kmem_cache_shrink does but the purge of dirty blocks. */
static int shrink_cache(struct kmem_cache *s)
{
	if (tls_tc != &tcache_empty)
		mag_flush_thread_slot(s, tls_tc);
	mag_drain_depot(s);
	slab_quarantine_flush(s);
	return slab_discard_empty(s);
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	int ret = shrink_cache(s);

	page_purge();
	if (debug_on(s) && (s->flags & SLAB_CONSISTENCY_CHECKS))
		kmem_cache_validate(s);
	return ret;
}

size_t kmem_cache_shrink_all(void)
{
	struct slab_mem_info before, after;
	struct kmem_cache *s;

	slab_init();
	page_get_mem_info(&before);
	pthread_mutex_lock(&slab_mutex);
	list_for_each_entry(s, &slab_caches, list)
		shrink_cache(s);
	/* the magazines those flushes freed emptied slabs of kmem_magazine, shrunk before */
	list_for_each_entry(s, &slab_caches, list)
		slab_discard_empty(s);
	pthread_mutex_unlock(&slab_mutex);
	page_purge();
	page_get_mem_info(&after);
	return (before.slab_bytes + before.dirty_bytes) -
	       MIN(after.slab_bytes + after.dirty_bytes, before.slab_bytes + before.dirty_bytes);
}


/* ---- validation --------------------------------------------------------- */

static unsigned int slab_broken(struct kmem_cache *s, const struct slab *slab, const char *what)
{
	char msg[192];

	snprintf(msg, sizeof(msg), "slab_validate: slab %p: %s", (void *)slab->base, what);
	debug_invalid_state(s, msg);
	return 1;
}

/* One slab of @s, found on list @list.  list_lock held. */
static unsigned int validate_one(struct kmem_cache *s, struct slab *slab, unsigned int list)
{
	char *mem = slab_mem(slab);
	unsigned int n = 0, free_objs = 0, want;
	uint64_t e = pagemap_lookup(slab->base + slab->colour_off);
	const char *bad;

	if (slab->cache != s)
		n += slab_broken(s, slab, "on the lists of another cache");
	if (slab->list != list)
		n += slab_broken(s, slab, "its list field names another list");
	if (slab->order != s->order)
		n += slab_broken(s, slab, "order differs from its cache's");
	if (pm_id(e) != s->id || pm_slab(e) != slab)
		n += slab_broken(s, slab, "the page map does not point at it");
	if ((bad = page_slab_check(slab)))
		n += slab_broken(s, slab, bad);
	if (slab->inuse > slab->carved || slab->carved > s->objects)
		n += slab_broken(s, slab, "inuse <= carved <= objects does not hold");
	want = slab->inuse == 0 ? SLAB_ON_EMPTY :
	       slab->inuse == s->objects ? SLAB_ON_FULL : SLAB_ON_PARTIAL;
	if (want != list)
		n += slab_broken(s, slab, "on the wrong list for its inuse count");
	for (void *p = slab->freelist; p; p = slab_get_freepointer(s, p)) {
		size_t off = (size_t)((char *)p - mem);

		if ((char *)p < mem || off >= (size_t)s->objects * s->size || off % s->size) {
			n += slab_broken(s, slab, "freelist leaves the slab or an object's start");
			break;
		}
		if (++free_objs > s->objects) {
			n += slab_broken(s, slab, "freelist loops");
			break;
		}
	}
	/* A cut freelist (quarantine) counts its objects in use: never more free. */
	if (n == 0 && slab->inuse + free_objs > slab->carved)
		n += slab_broken(s, slab, "inuse + |freelist| exceeds the objects carved");
	return n;
}

/**
 * slab_validate - check what internal.h writes down for cache @s: each slab
 * on the list its inuse count calls for, its descriptor, page-map entry and
 * pages in order, its freelist inside it; the list counters.  Reports each
 * broken invariant (SLUB's validate_slab()).  Return: how many.
 */
unsigned int slab_validate(struct kmem_cache *s)
{
	static const unsigned int lists[] = { SLAB_ON_PARTIAL, SLAB_ON_FULL, SLAB_ON_EMPTY };
	unsigned int n = 0;
	unsigned long count[3] = { 0, 0, 0 };
	struct slab *slab;

	pthread_mutex_lock(&s->list_lock);
	for (unsigned int l = 0; l < 3; l++)
		list_for_each_entry(slab, list_of(s, lists[l]), lru) {
			n += validate_one(s, slab, lists[l]);
			count[l]++;
		}
	n += quarantine_validate(s);
	if (count[0] != s->nr_partial || count[1] != s->nr_full || count[2] != s->nr_empty ||
	    s->nr_partial + s->nr_full + s->nr_empty != s->nr_slabs) {
		pthread_mutex_unlock(&s->list_lock);
		debug_invalid_state(s, "slab_validate: the list counters differ from the lists");
		return n + 1;
	}
	/* the other caches' parts of the sum are >= 0, and this one's is held still */
	if ((s->nr_empty * PAGE_SIZE << s->order) > __atomic_load_n(&empty_bytes, __ATOMIC_RELAXED)) {
		pthread_mutex_unlock(&s->list_lock);
		debug_invalid_state(s, "slab_validate: its empty slabs exceed all caches' count");
		return n + 1;
	}
	pthread_mutex_unlock(&s->list_lock);
	return n;
}

int kmem_cache_validate(struct kmem_cache *s)
{
	unsigned int n = 0;

	slab_init();
	if (s) {
		n = slab_validate(s);
	} else {
		pthread_mutex_lock(&slab_mutex);
		list_for_each_entry(s, &slab_caches, list)
			n += slab_validate(s);
		pthread_mutex_unlock(&slab_mutex);
	}
	return (int)(n + page_validate());
}
