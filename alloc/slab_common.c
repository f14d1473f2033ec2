// SPDX-License-Identifier: MIT
/*
 * alloc/slab_common.c - what every cache has in common: its geometry, its
 * name and id, merging, creation and destruction, and the allocator's
 * initialisation and fork handling.  The slab layer proper (slabs, their
 * lists, allocation and free) is slab.c, which also states the lock order.
 *
 * 1. Geometry.  The order is SLUB's calculate_order: the smallest order
 *    that holds at least min_objects = 4 * (fls(nr_cpus) + 1) objects and
 *    leaves at most 1/16 of the slab unused, trying fewer objects before
 *    more waste.  A first pass prefers, within the maximum order, a slab
 *    that loses at most 1/64 to leftover and descriptor together.  Only
 *    when no order up to CONFIG_SLAB_MAX_ORDER can reach 1/16 does the
 *    bound relax to 1/8, then 1/4, as in SLUB.  Objects that cannot get
 *    under 1/4 within the maximum order (big ones) get one order more if
 *    that reaches 1/4, else up to 1/2 of waste within the maximum order:
 *    a slab of few big objects stays small, since one live object keeps
 *    all of it.  Only beyond that the smallest order, up to a whole chunk,
 *    that reaches 1/16, else 1/8, and so on.
 *    Alignment follows SLUB's calculate_alignment().
 *
 * 2. Colouring: the space a slab leaves over shifts its first object by a
 *    multiple of the cache line, cycling slab to slab, so that objects at
 *    the same index in different slabs do not all map to the same cache
 *    sets.  Only where the leftover is at least one line.  (Debug caches
 *    use the colour to carry the left red zone instead; see debug.h.)
 *
 * 3. Merging: caches of compatible size merge (SLUB's __kmem_cache_alias)
 *    unless they have a constructor, debug flags or SLAB_NO_MERGE, or
 *    merging is off (CONFIG_SLAB_MERGE_DEFAULT, SLOTSLAB_NOMERGE=1).
 *    kmalloc caches never take aliases, so object caches and kmalloc
 *    memory stay apart in the accounting.  A merged cache lists every
 *    creator's name and lives until the last destroy.
 *
 * 4. Ids: a cache's id (1 .. MAX_CACHES - 1) tags its pages in the page
 *    map and indexes the thread caches; ids are reused after destroy.  A
 *    cache destroyed with live objects keeps its id and stays listed.
 *    The id is also where the cache lives: cache_table[id], a static
 *    array, so that kfree finds the cache of a page-map entry by address
 *    arithmetic, not by a load that waits on the entry's (internal.h,
 *    cache_of).  An id is taken before its cache is set up and given back
 *    only once nothing touches the cache any more (cache_destroy), so a
 *    new cache never shares a struct with one still being torn down.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "alloc/internal.h"
#include "internal/procfs.h"

/*
 * Error-checking, so that slab_create() can tell a hold of its own thread
 * (EDEADLK): a size class is created at its first kmalloc (kmalloc.c), and
 * that kmalloc may come from under slab_mutex (a user cache's name copied
 * by cache_register).  Re-made, not unlocked, in a fork's child, whose
 * thread id is no longer the owner's.
 */
pthread_mutex_t slab_mutex = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
LIST_HEAD_DECL(slab_caches);
struct kmem_cache cache_table[MAX_CACHES] __big_bss;

static pthread_once_t slab_once = PTHREAD_ONCE_INIT;
static uint64_t id_map[MAX_CACHES / 64];
static bool slab_nomerge = !IS_ENABLED(CONFIG_SLAB_MERGE_DEFAULT);
static unsigned int min_objects_default;

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
	/*
	 * Big objects: one order beyond the maximum if that reaches 1/4; else
	 * more waste within the maximum, up to half, rather than a slab of
	 * many pages that one object keeps (a 22 KiB object in a 256 KiB
	 * slab); past that, the smallest order up to a chunk.
	 */
	for (unsigned int fraction = 16; fraction >= 4; fraction /= 2) {
		order = calc_slab_order(size, 1, max_order + 1, fraction, 0);
		if (order <= max_order + 1 && max_order + 1 <= CHUNK_ORDER)
			return order;
	}
	order = calc_slab_order(size, 1, max_order, 2, 0);
	if (order <= max_order)
		return order;
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

/*
 * Random words from getrandom, RAND_POOL at a time per thread: a process
 * creates some 60 caches as it starts, each with a secret, and one system
 * call per word cost every program 56 calls before main (now 4).  A word
 * is cleared once taken.  A fork child empties its
 * pool and reseeds slab_rng (slab_fork_child), so that parent and child
 * never draw the same words.
 */
#define RAND_POOL 16
static __thread uint64_t rand_pool[RAND_POOL];
static __thread unsigned int rand_left;
static __thread uint64_t slab_rng;

static uint64_t random_u64(void)
{
	uint64_t x;

	if (rand_left == 0) {
		if (getrandom(rand_pool, sizeof(rand_pool), GRND_NONBLOCK) != sizeof(rand_pool)) {
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			for (unsigned int i = 0; i < RAND_POOL; i++)
				rand_pool[i] = ((uint64_t)ts.tv_nsec + i) * 0x9E3779B97F4A7C15ULL ^
					       (uint64_t)(uintptr_t)&ts;
		}
		rand_left = RAND_POOL;
	}
	x = rand_pool[--rand_left];
	rand_pool[rand_left] = 0;
	return x | 1;
}

/* slab_random - a fast per-thread random number (xorshift*), seeded by getrandom */
uint64_t slab_random(void)
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
		unsigned int j = (unsigned int)(slab_random() % (i + 1));
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

/* Fill in everything that follows from size, align, flags and ctor. */
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
	s->orig_off = 0;
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
	/* Bit 63: a mask never decodes an address or 0 to an address (free_mark_ok). */
	s->fp_secret = random_u64() | (1ULL << 63);
	s->slab_mask = slab_bytes - 1;
	/* obj_offset_ok(): c = floor(2^64 / size) + 1, also for powers of two */
	s->div_magic = UINT64_MAX / s->size + 1;
	if (s->div_magic * s->size == 0)
		s->div_magic++;
	s->div_limit = (uint64_t)(s->objects - 1) * (s->div_magic * s->size);
	s->min_partial = (unsigned int)MIN((size_t)CONFIG_SLAB_MIN_PARTIAL,
					   MAX((size_t)1, SLAB_EMPTY_BYTES / slab_bytes));
	mag_size_init(s);
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

/*
 * A new cache's struct: cache_table[id] under a new id, zeroed (as every
 * id no cache has: BSS, then cache_release); NULL with errno ENOSPC when
 * every id is taken.
 */
static struct kmem_cache *cache_alloc(void)
{
	unsigned int id = id_alloc();
	struct kmem_cache *s;

	if (!id) {
		errno = ENOSPC;
		return NULL;
	}
	s = cache_of(id);
	s->id = id;
	return s;
}

/*
 * Give back the id of @id's cache, which nothing touches any more: its
 * struct may then be a new cache's.  slab_mutex held.
 */
static void cache_release(unsigned int id)
{
	memset(cache_of(id), 0, sizeof(struct kmem_cache));
	id_free(id);
}

/*
 * Register @s, from cache_alloc() and set up, with @name (not copied when
 * @copy is false).  On failure the caller gives its id back (cache_release).
 */
static int cache_register(struct kmem_cache *s, const char *name, bool copy)
{
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
			errno = ENOMEM;
			return -1;
		}
		memcpy(s->name0, name, len);
	}
	s->registered = true;
	list_add_tail(&s->list, &slab_caches);
	return 0;
}

/* Take @s off the list of caches; its id stays taken (cache_release). */
static void cache_unregister(struct kmem_cache *s)
{
	list_del(&s->list);
	s->registered = false;
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

static void slab_fork_release_inner(void)
{
	struct kmem_cache *s;

	page_fork_unlock();
	list_for_each_entry(s, &slab_caches, list) {
		pthread_mutex_unlock(&s->depot_lock);
		pthread_mutex_unlock(&s->list_lock);
	}
	pthread_mutex_unlock(&thread_lock);
}

static void slab_fork_release(void)
{
	slab_fork_release_inner();
	pthread_mutex_unlock(&slab_mutex);
}

static void slab_fork_child(void)
{
	slab_fork_release_inner();
	slab_mutex = (pthread_mutex_t)PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
	mag_fork_child();
	/* the forking thread's random words are the parent's too */
	memset(rand_pool, 0, sizeof(rand_pool));
	rand_left = 0;
	slab_rng = 0;
}

/*
 * The CPUs the system can bring up, as SLUB's nr_cpu_ids: one more than
 * the highest number /sys/devices/system/cpu/possible lists ("0-1",
 * "0,2-5"); 1 if it cannot be read.  glibc's sysconf(_SC_NPROCESSORS_CONF)
 * reads the same file, but through strtoul and code of its own that a
 * program which only mallocs never runs: that and kmalloc_name's snprintf
 * made such a program's resident set 190 KB larger (libc's text, which the
 * kernel maps 64 KiB around each page first run).
 */
static unsigned int possible_cpus(void)
{
	char buf[256];
	unsigned int v = 0, most = 0;
	ssize_t n = procfs_read("/sys/devices/system/cpu/possible", buf, sizeof(buf));

	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] < '0' || buf[i] > '9') {
			v = 0;
			continue;
		}
		v = v * 10 + (unsigned int)(buf[i] - '0');
		if (v >= 1U << 20)	/* not a CPU number */
			return 1;
		most = MAX(most, v + 1);
	}
	return MAX(most, 1U);
}

static void slab_init_once(void)
{
	const char *e = getenv("SLOTSLAB_NOMERGE");
	unsigned int cpus = possible_cpus();

	if (e && *e && strcmp(e, "0") != 0)
		slab_nomerge = true;
	debug_parse_env();
	failslab_parse_env();
	page_prefault_setup();
	min_objects_default = 4 * (fls_uint(cpus) + 1);

	mag_cache_init();
	kmalloc_init();
	pthread_atfork(slab_fork_prepare, slab_fork_release, slab_fork_child);
}

void slab_init(void)
{
	pthread_once(&slab_once, slab_init_once);
}

/**
 * slab_boot_cache - a cache for the allocator's own metadata, under a
 * static @name, never merged nor destroyed.  Return: it, or NULL.
 */
struct kmem_cache *slab_boot_cache(const char *name, size_t size, size_t align,
				   unsigned long flags)
{
	struct kmem_cache *s;

	if (IS_ENABLED(CONFIG_SLAB_DEBUG))
		flags |= debug_flags_for(name);
	pthread_mutex_lock(&slab_mutex);
	s = cache_alloc();
	if (s) {
		cache_setup(s, size, align, flags | SLAB_NO_MERGE, NULL);
		setup_random_seq(s);
		if (cache_register(s, name, false) != 0) {
			free_random_seq(s);
			cache_release(s->id);
			s = NULL;
		}
	}
	pthread_mutex_unlock(&slab_mutex);
	return s;
}

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
 * slab_lock_nested - lock slab_mutex unless this thread holds it already
 * Return: whether it locked, for slab_unlock_nested().
 */
bool slab_lock_nested(void)
{
	return pthread_mutex_lock(&slab_mutex) != EDEADLK;
}

/* slab_lock_nested()'s unlock: only where it locked, not the caller's hold */
void slab_unlock_nested(bool locked)
{
	if (locked)
		pthread_mutex_unlock(&slab_mutex);
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
	bool locked = false;

	if (!name || size == 0 || size > SLAB_MAX_OBJECT_SIZE ||
	    (align && (!IS_POWER_OF_2(align) || align > SLAB_MAX_ALIGN)))
		goto fail;

	if (IS_ENABLED(CONFIG_SLAB_DEBUG))
		flags |= debug_flags_for(name);
	/* this thread may hold it already: a size class made inside cache_register */
	locked = slab_lock_nested();
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
			slab_unlock_nested(locked);
			return s;
		}
	}
	s = cache_alloc();
	if (!s) {
		err = ENOSPC;
		goto fail_unlock;
	}
	cache_setup(s, size, align, flags, ctor);
	if (s->objects == 0) {
		/* debug padding pushed the object past the largest slab */
		err = EINVAL;
		cache_release(s->id);
		goto fail_unlock;
	}
	setup_random_seq(s);
	if (cache_register(s, name, copy_name) != 0) {
		free_random_seq(s);
		err = errno;
		cache_release(s->id);
		goto fail_unlock;
	}
	slab_unlock_nested(locked);
	return s;

fail_unlock:
	slab_unlock_nested(locked);
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
	slab_quarantine_flush(s);
	slab_discard_empty(s);
	if (debug_on(s) && (s->flags & SLAB_CONSISTENCY_CHECKS))
		slab_validate(s);	/* F: what is left must still be sound */
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
	quarantine_release(s);
	pthread_mutex_lock(&slab_mutex);
	cache_release(s->id);
	pthread_mutex_unlock(&slab_mutex);
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

