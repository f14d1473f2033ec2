// SPDX-License-Identifier: MIT
/*
 * alloc/slab.c - object caches: the slab layer.
 *
 * The design is Bonwick's slab allocator (USENIX 1994) as the Linux kernel's
 * SLUB refines it, under Bonwick & Adams' magazine layer (USENIX 2001,
 * magazine.c):
 *
 * 1. A cache hands out objects of one size.  Its memory is slabs: naturally
 *    aligned blocks of PAGE_SIZE << order bytes from page.c, described
 *    off-slab by a struct slab.  The page map finds an object's slab and
 *    cache from its address in O(1) (pagemap.c); objects carry no header.
 *
 * 2. The order is SLUB's calculate_order: the smallest order that holds at
 *    least min_objects = 4 * (fls(nr_cpus) + 1) objects and leaves at most
 *    1/16 of the slab unused, trying fewer objects before more waste.  A
 *    first pass prefers, within the maximum order, a slab that loses at
 *    most 1/64 to leftover and descriptor together.  Only when no order up
 *    to CONFIG_SLAB_MAX_ORDER can reach 1/16 does the
 *    bound relax to 1/8, then 1/4, as in SLUB.  Objects that cannot get
 *    under 1/4 within the maximum order (big ones) get the smallest order,
 *    up to a whole chunk, that reaches 1/16, else 1/8, and so on.
 *
 * 3. Free objects inside a slab are linked through a free pointer stored in
 *    the free object itself (SLUB), at offset 0, so a free object costs
 *    nothing.  An index array (SLAB's bufctl) would cost 1-2 bytes per
 *    object: 4-8 % of a 24-byte object, more than the footprint budget.
 *    A cache with a constructor keeps its free pointer after the object
 *    instead, so that a free object keeps its constructed state.
 *    Fresh slabs are not threaded up front: objects are carved from the
 *    never-used tail on demand, so a new slab's pages are touched only as
 *    objects are handed out.
 *
 * 4. A slab is on exactly one list: partial (some objects out), full, or
 *    empty.  At most min_partial empty slabs stay (CONFIG_SLAB_MIN_PARTIAL);
 *    the rest return to the OS as soon as they empty.  kmem_cache_shrink()
 *    returns all of them.  Allocation prefers partial slabs, so that empty
 *    ones stay empty and can go.
 *
 * 5. Colouring: the space a slab leaves over shifts its first object by a
 *    multiple of the cache line, cycling slab to slab, so that objects at
 *    the same index in different slabs do not all map to the same cache
 *    sets.  Only where the leftover is at least one line.
 *
 * 6. Constructors run once for every object when its slab is populated, and
 *    never when a freed object is reused (object caching).
 *
 * 7. Caches of compatible size merge (SLUB's __kmem_cache_alias) unless they
 *    have a constructor, debug flags or SLAB_NO_MERGE, or merging is off
 *    (CONFIG_SLAB_MERGE_DEFAULT, SLOTSLAB_NOMERGE=1).  kmalloc caches never
 *    take aliases, so object caches and kmalloc memory stay apart in the
 *    accounting.
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
 * registers its thread cache under thread_lock only.  fork() takes them
 * all, in this order (list_lock before depot_lock, caches in list order).
 *
 * Slab states:  new -> (objects handed out) partial <-> full
 *               partial -> empty -> (beyond min_partial, or shrink) freed
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "alloc/internal.h"

pthread_mutex_t slab_mutex = PTHREAD_MUTEX_INITIALIZER;
LIST_HEAD_DECL(slab_caches);
struct kmem_cache *cache_table[MAX_CACHES];

static pthread_once_t slab_once = PTHREAD_ONCE_INIT;
static uint64_t id_map[MAX_CACHES / 64];
static bool slab_nomerge = !IS_ENABLED(CONFIG_SLAB_MERGE_DEFAULT);
static unsigned int min_objects_default;

/* The cache of struct kmem_cache itself: bootstrapped statically. */
static struct kmem_cache kmem_cache_boot;

/* ---- geometry ----------------------------------------------------------- */

static unsigned int fls_uint(unsigned int x)
{
	return x ? 32 - (unsigned int)__builtin_clz(x) : 0;
}

/*
 * The smallest order from which a slab holds @min_objs objects of @size
 * and loses at most 1/@fraction of itself to the space left over plus
 * @overhead bytes; max_order + 1 if none does.
 */
static unsigned int calc_slab_order(unsigned int size, unsigned int min_objs,
				    unsigned int max_order, unsigned int fraction,
				    size_t overhead)
{
	for (unsigned int order = 0; order <= max_order; order++) {
		size_t slab = PAGE_SIZE << order;

		if (slab < (size_t)min_objs * size)
			continue;
		if (slab % size + overhead <= slab / fraction)
			return order;
	}
	return max_order + 1;
}

/**
 * slab_calculate_order - SLUB's calculate_order() after a first pass that
 * looks for tight packing; see point 2 above.
 * Return: the order, at most CHUNK_ORDER (a slab never exceeds a chunk).
 */
unsigned int slab_calculate_order(unsigned int size)
{
	unsigned int max_order = CONFIG_SLAB_MAX_ORDER;
	unsigned int min_objs = min_objects_default;
	unsigned int order;

	if (min_objs == 0)
		min_objs = 12;
	/* Never ask for more objects than the largest slab could hold. */
	min_objs = MAX(1U, MIN(min_objs, (unsigned int)((PAGE_SIZE << max_order) / size)));
	/*
	 * Where an order up to the maximum loses at most 1/64 to leftover and
	 * descriptor together, take it: memory is what this project measures,
	 * and a larger slab costs only some slack in partially used slabs.
	 * 72-byte objects: order 1 (1.5 % lost) rather than order 0 (3.1 %).
	 */
	order = calc_slab_order(size, min_objs, max_order, 64, sizeof(struct slab));
	if (order <= max_order)
		return order;
	for (unsigned int fraction = 16; fraction >= 4; fraction /= 2) {
		for (unsigned int m = min_objs; m >= 1; m--) {
			order = calc_slab_order(size, m, max_order, fraction, 0);
			if (order <= max_order)
				return order;
		}
	}
	/* Big objects: leave the maximum order, as little as waste allows. */
	for (unsigned int fraction = 16; fraction >= 1; fraction /= 2) {
		order = calc_slab_order(size, 1, CHUNK_ORDER, fraction, 0);
		if (order <= CHUNK_ORDER)
			return order;
	}
	return CHUNK_ORDER;	/* too big for any slab: cache_setup() finds 0 objects */
}

/* SLUB's calculate_alignment(). */
static unsigned int calculate_alignment(unsigned long flags, size_t align, size_t size)
{
	size_t ralign = align;

	if (flags & SLAB_HWCACHE_ALIGN) {
		size_t line = CACHE_LINE;

		while (size <= line / 2 && line > sizeof(void *))
			line /= 2;
		ralign = MAX(ralign, line);
	}
	return (unsigned int)MAX(ralign, sizeof(void *));
}

static unsigned int magazine_rounds(const struct kmem_cache *s)
{
	unsigned int rounds = SLAB_MAG_ROUNDS;

	if (rounds == 0 || (s->flags & (SLAB_NO_CPU_CACHE | SLAB_DEBUG_FLAGS)))
		return 0;
	/* At most 32 KiB of objects per magazine, at least 4 rounds. */
	rounds = MIN(rounds, MAX(4U, (32U << 10) / s->size));
	return rounds;
}

/* Fill in everything that follows from size, align, flags and ctor. */
static uint64_t random_u64(void)
{
	uint64_t x = 0;

	if (getrandom(&x, sizeof(x), GRND_NONBLOCK) != sizeof(x)) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		x = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ULL ^ (uint64_t)(uintptr_t)&x;
	}
	return x | 1;
}

static __thread uint64_t slab_rng;

static uint64_t rng_next(void)
{
	uint64_t x = slab_rng ? slab_rng : random_u64();

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	slab_rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/*
 * CONFIG_SLAB_FREELIST_RANDOM: a shuffled order (Fisher-Yates) in which new
 * slabs hand out their objects, each slab starting at a random point of it,
 * as the kernel's freelist randomisation does.  Metadata, mapped directly.
 */
static void setup_random_seq(struct kmem_cache *s)
{
	size_t bytes = ALIGN_UP((size_t)s->objects * sizeof(unsigned int), PAGE_SIZE);
	unsigned int *seq;

	if (!IS_ENABLED(CONFIG_SLAB_FREELIST_RANDOM) || s->objects < 2)
		return;
	seq = page_meta_map(bytes);
	if (!seq)
		return;		/* no shuffling for this cache: still correct */
	for (unsigned int i = 0; i < s->objects; i++)
		seq[i] = i;
	for (unsigned int i = s->objects - 1; i > 0; i--) {
		unsigned int j = (unsigned int)(rng_next() % (i + 1));
		unsigned int t = seq[i];

		seq[i] = seq[j];
		seq[j] = t;
	}
	s->random_seq = seq;
}

static void free_random_seq(struct kmem_cache *s)
{
	if (s->random_seq)
		page_meta_unmap(s->random_seq,
				ALIGN_UP((size_t)s->objects * sizeof(unsigned int), PAGE_SIZE));
	s->random_seq = NULL;
}

static void cache_setup(struct kmem_cache *s, size_t size, size_t align,
			unsigned long flags, void (*ctor)(void *))
{
	size_t stride;
	size_t slab_bytes, left;

	if (!IS_ENABLED(CONFIG_SLAB_DEBUG))
		flags &= ~SLAB_DEBUG_FLAGS;
	if (ctor)
		flags &= ~SLAB_POISON;	/* poison would destroy constructed state */
	s->object_size = (unsigned int)size;
	s->flags = flags;
	s->ctor = ctor;
	s->align = calculate_alignment(flags, align, size);
	stride = MAX(size, sizeof(void *));
	s->offset = 0;
	s->inuse = (unsigned int)size;
	s->red_left_pad = 0;
	s->track_off = 0;
	if (ctor) {
		/* Keep the free pointer out of the constructed object. */
		s->offset = (unsigned int)ALIGN_UP(size, sizeof(void *));
		stride = s->offset + sizeof(void *);
	}
	s->size = (unsigned int)ALIGN_UP(stride, (size_t)s->align);
	if (flags & SLAB_DEBUG_FLAGS)
		debug_cache_layout(s);
	s->order = slab_calculate_order(s->size);
	slab_bytes = PAGE_SIZE << s->order;
	if (s->red_left_pad) {
		/* The left red zone rides in the colour (debug.h): one fixed colour. */
		s->colour_first = 1;
		s->colour_step = s->red_left_pad;
		s->objects = (unsigned int)((slab_bytes - s->red_left_pad) / s->size);
		s->colours = 1;
	} else {
		s->colour_first = 0;
		s->objects = (unsigned int)(slab_bytes / s->size);
		left = slab_bytes - (size_t)s->objects * s->size;
		s->colour_step = MAX(s->align, (unsigned int)CACHE_LINE);
		s->colours = (unsigned int)MIN(left / s->colour_step + 1, (size_t)PM_COLOURS);
	}
	s->fp_secret = IS_ENABLED(CONFIG_SLAB_FREELIST_HARDENED) ? random_u64() : 0;
	s->slab_mask = slab_bytes - 1;
	s->span = s->objects * s->size;
	s->div_magic = UINT64_MAX / s->size + 1;
	s->div_limit = s->div_magic - 1;
	s->min_partial = CONFIG_SLAB_MIN_PARTIAL;
	s->mag_size = magazine_rounds(s);
	s->refcount = 1;
	pthread_mutex_init(&s->list_lock, NULL);
	pthread_mutex_init(&s->depot_lock, NULL);
	INIT_LIST_HEAD(&s->partial);
	INIT_LIST_HEAD(&s->full);
	INIT_LIST_HEAD(&s->empty);
	INIT_LIST_HEAD(&s->list);
}

/* ---- ids and names (slab_mutex held) ----------------------------------- */

static unsigned int id_alloc(void)
{
	for (unsigned int w = 0; w < ARRAY_SIZE(id_map); w++) {
		uint64_t free_bits = ~id_map[w];

		if (w == 0)
			free_bits &= ~1ULL;	/* id 0 means "not a slab" */
		if (free_bits) {
			unsigned int b = (unsigned int)__builtin_ctzll(free_bits);

			id_map[w] |= 1ULL << b;
			return w * 64 + b;
		}
	}
	return 0;
}

static void id_free(unsigned int id)
{
	id_map[id / 64] &= ~(1ULL << (id % 64));
}

/* Register @s under a new id with @name (not copied when @copy is false). */
static int cache_register(struct kmem_cache *s, const char *name, bool copy)
{
	s->id = id_alloc();
	if (!s->id) {
		errno = ENOSPC;
		return -1;
	}
	s->tc_off = (unsigned int)(offsetof(struct tcache, slot) +
				   s->id * sizeof(struct tc_slot));
	s->names = &s->name0;
	s->nr_names = 1;
	s->name0 = (char *)name;
	s->names_owned = copy;
	if (copy) {
		size_t len = strlen(name) + 1;

		s->name0 = kmalloc(len, GFP_KERNEL);
		if (!s->name0) {
			id_free(s->id);
			errno = ENOMEM;
			return -1;
		}
		memcpy(s->name0, name, len);
	}
	WRITE_ONCE(cache_table[s->id], s);
	list_add_tail(&s->list, &slab_caches);
	return 0;
}

static void cache_unregister(struct kmem_cache *s)
{
	list_del(&s->list);
	WRITE_ONCE(cache_table[s->id], NULL);
	id_free(s->id);
	if (s->names_owned) {
		for (unsigned int i = 0; i < s->nr_names; i++)
			kfree(s->names[i]);
	}
	if (s->names != &s->name0)
		kfree(s->names);
}

static int cache_add_alias(struct kmem_cache *s, const char *name)
{
	size_t len = strlen(name) + 1;
	char **names;
	char *copy = kmalloc(len, GFP_KERNEL);

	if (!copy)
		return -1;
	memcpy(copy, name, len);
	names = kmalloc((s->nr_names + 1) * sizeof(*names), GFP_KERNEL);
	if (!names) {
		kfree(copy);
		return -1;
	}
	memcpy(names, s->names, s->nr_names * sizeof(*names));
	if (s->names != &s->name0)
		kfree(s->names);
	names[s->nr_names++] = copy;
	s->names = names;
	return 0;
}

/* Drop the newest of the names called @name, if there are several. */
static void cache_drop_alias(struct kmem_cache *s, const char *name)
{
	if (s->nr_names < 2)
		return;
	for (unsigned int i = s->nr_names; i-- > 0;) {
		if (strcmp(s->names[i], name) == 0) {
			kfree(s->names[i]);
			memmove(&s->names[i], &s->names[i + 1],
				(s->nr_names - i - 1) * sizeof(*s->names));
			s->nr_names--;
			return;
		}
	}
}

/* ---- initialisation ----------------------------------------------------- */

/*
 * fork(): a child must not inherit a lock another thread held at the
 * fork.  The handlers take every allocator lock in the documented order
 * before fork and release them after, in parent and child; the child then
 * drops the thread caches of the threads that did not survive.
 */
static void slab_fork_prepare(void)
{
	struct kmem_cache *s;

	pthread_mutex_lock(&slab_mutex);
	pthread_mutex_lock(&thread_lock);
	list_for_each_entry(s, &slab_caches, list) {
		pthread_mutex_lock(&s->list_lock);
		pthread_mutex_lock(&s->depot_lock);
	}
	page_fork_lock();
}

static void slab_fork_release(void)
{
	struct kmem_cache *s;

	page_fork_unlock();
	list_for_each_entry(s, &slab_caches, list) {
		pthread_mutex_unlock(&s->depot_lock);
		pthread_mutex_unlock(&s->list_lock);
	}
	pthread_mutex_unlock(&thread_lock);
	pthread_mutex_unlock(&slab_mutex);
}

static void slab_fork_child(void)
{
	slab_fork_release();
	mag_fork_child();
}

static void slab_init_once(void)
{
	const char *e = getenv("SLOTSLAB_NOMERGE");
	long cpus = sysconf(_SC_NPROCESSORS_CONF);

	if (e && *e && strcmp(e, "0") != 0)
		slab_nomerge = true;
	debug_parse_env();
	failslab_parse_env();
	min_objects_default = 4 * (fls_uint((unsigned int)MAX(cpus, 1L)) + 1);

	pthread_mutex_lock(&slab_mutex);
	cache_setup(&kmem_cache_boot, sizeof(struct kmem_cache), _Alignof(struct kmem_cache),
		    SLAB_NO_MERGE | SLAB_NO_CPU_CACHE | SLAB_NO_FAILSLAB, NULL);
	cache_register(&kmem_cache_boot, "kmem_cache", false);
	pthread_mutex_unlock(&slab_mutex);
	mag_cache_init();
	kmalloc_init();
	pthread_atfork(slab_fork_prepare, slab_fork_release, slab_fork_child);
}

void slab_init(void)
{
	pthread_once(&slab_once, slab_init_once);
}

/**
 * slab_boot_cache - set up a statically allocated cache (for the
 * allocator's own metadata) under a static @name.  Return: 0 or -1.
 */
int slab_boot_cache(struct kmem_cache *s, const char *name, size_t size,
		    size_t align, unsigned long flags)
{
	int ret;

	if (IS_ENABLED(CONFIG_SLAB_DEBUG))
		flags |= debug_flags_for(name);
	cache_setup(s, size, align, flags | SLAB_NO_MERGE, NULL);
	setup_random_seq(s);
	pthread_mutex_lock(&slab_mutex);
	ret = cache_register(s, name, false);
	pthread_mutex_unlock(&slab_mutex);
	return ret;
}

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
		slab->rand_start = (unsigned short)(rng_next() % s->objects);
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
 * Put @slab on the list its inuse count calls for.  An empty slab beyond
 * min_partial leaves the cache and goes to @discard, to be freed once the
 * lock is dropped.  list_lock held.
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
	}
	if (want == SLAB_ON_EMPTY && discard && s->nr_empty >= s->min_partial) {
		slab->list = SLAB_ON_NONE;
		s->nr_slabs--;
		list_add(&slab->lru, discard);
		return;
	}
	slab->list = (unsigned char)want;
	(*list_counter(s, want))++;
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

/* Take up to @n free objects out of @slab into @p.  list_lock held. */
static unsigned int take_from_slab(struct kmem_cache *s, struct slab *slab,
				   void **p, unsigned int n)
{
	unsigned int k = 0;

	while (k < n && slab->freelist) {
		void *obj = slab->freelist;
		void *next = slab_get_freepointer(s, obj);

		if (debug_on(s) && !debug_freelist_ok(s, slab, obj, next)) {
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
		p[k++] = obj;
	}
	if (k < n && slab->carved < s->objects) {
		char *mem = slab_mem(slab);
		unsigned int m = MIN(n - k, s->objects - slab->carved);

		for (unsigned int i = 0; i < m; i++) {
			unsigned int idx = slab->carved + i;

			if (s->random_seq)
				idx = s->random_seq[(slab->rand_start + idx) % s->objects];
			p[k++] = mem + (size_t)idx * s->size;
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
			s->nr_slabs++;
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

	if (n == 0)
		return;
	pthread_mutex_lock(&s->list_lock);
	for (unsigned int i = 0; i < n; i++) {
		struct slab *slab = pm_slab(pagemap_lookup(p[i]));

		if (unlikely(slab->freelist == p[i])) {
			debug_double_free(s, p[i], 0);
			continue;
		}
		slab_set_freepointer(s, p[i], slab->freelist);
		slab->freelist = p[i];
		slab->inuse--;
		relist(s, slab, &discard);
	}
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

	do {
		if (slab_take(s, &obj, 1, gfp) != 1)
			return NULL;
	} while (debug_on(s) && !debug_alloc_ok(s, obj, ip));
	stat_add(&s->st_allocs, 1);
	return obj;
}

/* A debug cache's free: checked under the list lock, refused if bad. */
static void slab_free_debug(struct kmem_cache *s, void *obj, unsigned long ip)
{
	struct list_head discard = LIST_HEAD_INIT(discard);
	struct slab *slab = pm_slab(pagemap_lookup(obj));

	pthread_mutex_lock(&s->list_lock);
	if (debug_free_ok(s, slab, obj, ip)) {
		slab_set_freepointer(s, obj, slab->freelist);
		slab->freelist = obj;
		slab->inuse--;
		relist(s, slab, &discard);
		stat_add(&s->st_frees, 1);
	}
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
	owner = pm_id(e) ? READ_ONCE(cache_table[pm_id(e)]) : NULL;
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

/* ---- public API --------------------------------------------------------- */

static bool can_merge(unsigned long flags, void (*ctor)(void *))
{
	return !slab_nomerge && !ctor &&
	       !(flags & (SLAB_NO_MERGE | SLAB_NO_CPU_CACHE | SLAB_DEBUG_FLAGS));
}

/* SLUB's find_mergeable(); slab_mutex held. */
static struct kmem_cache *find_mergeable(const struct kmem_cache *want)
{
	struct kmem_cache *s;

	list_for_each_entry(s, &slab_caches, list) {
		if (s->dead || !can_merge(s->flags, s->ctor))
			continue;
		if (s->size != want->size || s->size % want->align)
			continue;
		if ((s->flags ^ want->flags) & SLAB_HWCACHE_ALIGN)
			continue;
		return s;
	}
	return NULL;
}

/**
 * slab_create - kmem_cache_create() once the allocator is initialised;
 * @copy_name false keeps a pointer to a static @name (kmalloc caches).
 */
struct kmem_cache *slab_create(const char *name, size_t size, size_t align,
			       unsigned long flags, void (*ctor)(void *), bool copy_name)
{
	struct kmem_cache probe, *s;
	int err = EINVAL;

	if (!name || size == 0 || size > SLAB_MAX_OBJECT_SIZE ||
	    (align && (!IS_POWER_OF_2(align) || align > SLAB_MAX_ALIGN)))
		goto fail;

	if (IS_ENABLED(CONFIG_SLAB_DEBUG))
		flags |= debug_flags_for(name);
	pthread_mutex_lock(&slab_mutex);
	if (can_merge(flags, ctor)) {
		memset(&probe, 0, sizeof(probe));
		cache_setup(&probe, size, align, flags, ctor);
		s = find_mergeable(&probe);
		if (s) {
			err = ENOMEM;
			if (cache_add_alias(s, name) != 0)
				goto fail_unlock;
			s->refcount++;
			if (size > s->object_size)
				s->object_size = (unsigned int)size;
			pthread_mutex_unlock(&slab_mutex);
			return s;
		}
	}
	err = ENOMEM;
	s = slab_alloc(&kmem_cache_boot, GFP_KERNEL, _RET_IP_);
	if (!s)
		goto fail_unlock;
	memset(s, 0, sizeof(*s));
	cache_setup(s, size, align, flags, ctor);
	if (s->objects == 0) {
		/* debug padding pushed the object past the largest slab */
		err = EINVAL;
		slab_free(&kmem_cache_boot, s, _RET_IP_);
		goto fail_unlock;
	}
	setup_random_seq(s);
	if (cache_register(s, name, copy_name) != 0) {
		free_random_seq(s);
		err = errno;
		slab_free(&kmem_cache_boot, s, _RET_IP_);
		goto fail_unlock;
	}
	pthread_mutex_unlock(&slab_mutex);
	return s;

fail_unlock:
	pthread_mutex_unlock(&slab_mutex);
fail:
	if (flags & SLAB_PANIC) {
		fprintf(stderr, "slotslab: kmem_cache_create(%s, %zu, %zu): %s\n",
			name ? name : "(null)", size, align, strerror(err));
		abort();
	}
	errno = err;
	return NULL;
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     unsigned long flags, void (*ctor)(void *))
{
	slab_init();
	return slab_create(name, size, align, flags, ctor, true);
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags)
{
	return slab_alloc(s, flags, _RET_IP_);
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	uint64_t e = pagemap_lookup(obj);

	if (unlikely(pm_id(e) != s->id || !obj_offset_ok(s, obj, e))) {
		slab_bad_free(s, obj, e, "kmem_cache_free");
		return;
	}
	slab_free(s, obj, _RET_IP_);
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
				for (size_t i = 0; i < got; i++)
					slab_free_direct(s, p[i], _RET_IP_);
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
			hook_free(s, p[j]);
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
			if (p[i])
				slab_bad_free(s, p[i], pagemap_lookup(p[i]), "kmem_cache_free_bulk");
			i++;
		}
	}
}

/* Free every empty slab of @s.  Return: whether any slab remains. */
static int discard_empty(struct kmem_cache *s)
{
	struct list_head discard = LIST_HEAD_INIT(discard);
	struct slab *slab, *tmp;
	int ret;

	pthread_mutex_lock(&s->list_lock);
	list_for_each_entry_safe(slab, tmp, &s->empty, lru) {
		list_move(&slab->lru, &discard);
		slab->list = SLAB_ON_NONE;
		s->nr_empty--;
		s->nr_slabs--;
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
	return discard_empty(s);
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	int ret = shrink_cache(s);

	page_purge();
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
	pthread_mutex_unlock(&slab_mutex);
	page_purge();
	page_get_mem_info(&after);
	return (before.slab_bytes + before.dirty_bytes) -
	       MIN(after.slab_bytes + after.dirty_bytes, before.slab_bytes + before.dirty_bytes);
}

/* kmem_cache_destroy() by the creator that named the cache @name. */
static void cache_destroy(struct kmem_cache *s, const char *name)
{
	unsigned long live = 0;
	struct slab *slab;

	if (!s)
		return;
	pthread_mutex_lock(&slab_mutex);
	if (--s->refcount > 0) {
		/* One creator of a merged cache leaves; the cache stays. */
		cache_drop_alias(s, name ? name : s->names[s->nr_names - 1]);
		pthread_mutex_unlock(&slab_mutex);
		return;
	}
	mag_flush_all_threads(s);
	mag_drain_depot(s);
	discard_empty(s);
	pthread_mutex_lock(&s->list_lock);
	list_for_each_entry(slab, &s->partial, lru)
		live += slab->inuse;
	list_for_each_entry(slab, &s->full, lru)
		live += slab->inuse;
	pthread_mutex_unlock(&s->list_lock);
	if (live) {
		fprintf(stderr, "slotslab: kmem_cache_destroy %s: %lu object%s still "
			"allocated; cache left in place\n", kmem_cache_name(s), live,
			live == 1 ? "" : "s");
		s->dead = true;
		s->refcount = 1;
		pthread_mutex_unlock(&slab_mutex);
		return;
	}
	cache_unregister(s);
	pthread_mutex_unlock(&slab_mutex);
	pthread_mutex_destroy(&s->list_lock);
	pthread_mutex_destroy(&s->depot_lock);
	free_random_seq(s);
	slab_free(&kmem_cache_boot, s, _RET_IP_);
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	cache_destroy(s, NULL);
}

void kmem_cache_destroy_named(struct kmem_cache *s, const char *name)
{
	cache_destroy(s, name);
}

unsigned int kmem_cache_size(struct kmem_cache *s)
{
	return s->object_size;
}

const char *kmem_cache_name(struct kmem_cache *s)
{
	return s->names[0];
}
