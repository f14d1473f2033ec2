// SPDX-License-Identifier: MIT
/*
 * alloc/magazine.c - per-thread magazines and the per-cache depot
 * (Bonwick & Adams, "Magazines and Vmem", USENIX 2001).
 *
 * 1. A magazine is a stack of up to s->mag_size free object pointers.  Each
 *    thread has two per cache, "loaded" and "previous"; allocation pops from
 *    loaded, free pushes onto it.  That is the fast path (internal.h): no
 *    lock, no atomic read-modify-write, three dependent loads.
 *
 * 2. When loaded is empty on alloc: if previous is full, swap them; else
 *    trade loaded for a full magazine from the depot; else fill loaded from
 *    the slab layer in one locked batch (a page of objects the thread's
 *    first time, twice as many each time after, up to a full magazine).  When
 *    loaded is full on free: if previous is empty, swap; else push previous
 *    (full) to the depot and take an empty magazine back.  Previous is
 *    therefore always either full or empty (but see 3: a full one may hold
 *    fewer rounds than magazines hold since), and a thread that alternates
 *    allocs and frees around a magazine boundary never reaches the depot
 *    (Bonwick's hysteresis).
 *
 * 3. The depot holds full and empty magazines under depot_lock.  It keeps at
 *    most s->depot_max full ones: CONFIG_SLAB_DEPOT_MAGAZINES, fewer for big
 *    objects, so that a depot holds at most DEPOT_BYTES of them (but always
 *    one magazine); a full magazine beyond that is emptied into the slabs,
 *    so the depot cannot pin unbounded memory.  A producer thread and a
 *    consumer thread hand whole magazines to each other through the depot:
 *    one lock round trip per magazine.
 *
 *    Magazine size adapts to contention (Bonwick & Adams's dynamic
 *    magazine resizing): every depot trip first tries the lock; when, of
 *    DEPOT_WINDOW trips in a row, an eighth or more found it held or last
 *    taken by another thread, s->mag_size doubles, up to MAG_GROW_BYTES of
 *    objects (and the rounds a magazine has room for), and depot_max
 *    shrinks to keep DEPOT_BYTES.  mag_size only grows: each thread's
 *    slot->limit catches up on its next slow path, and magazines filled
 *    before hold fewer rounds, which every path takes as they come (counts
 *    are never assumed to equal mag_size).  Threads that share a class of
 *    big objects, which start with four to eight rounds a magazine
 *    (MAG_MIN_ROUNDS), otherwise meet at the depot every few operations:
 *    two threads replacing 4-32 KiB blocks at random spent 3.5x their
 *    one-thread time there.  A program of one thread never contends, so
 *    it keeps the small magazines (their memory held: eight rounds from
 *    the start for the 8-32 KiB classes cost bench/workloads/mstress +8 %
 *    peak RSS).
 *
 *    The depot's size adapts to swings (a thread allocating and then
 *    freeing more than its magazines and the depot hold: a batch, a
 *    request's objects): when, of DEPOT_WINDOW trips, an eighth or more
 *    found no full magazine (the thread then fills from the slabs) and an
 *    eighth or more brought a full magazine the depot refused (emptied
 *    into the slabs), every object of the swing crosses the slab layer
 *    twice.  s->depot_bytes then doubles, up to DEPOT_GROW_BYTES per cache;
 *    all depots together grow by at most an eighth of the slabs' memory,
 *    within DEPOT_GROW_MIN..DEPOT_GROW_TOTAL (and the magazine count in
 *    proportion).  A depot that only fills (a program freeing what it
 *    will not allocate again) or only empties (a heap that grows) never
 *    grows; nor one whose trips interleave threads (more than
 *    DEPOT_WINDOW / 64 of them contended): there the waves of several
 *    threads swing every class at once, and what each depot keeps is
 *    memory the other classes cannot use (bench/workloads/mstress, its
 *    objects of 8 B-64 KiB, grew 40 depots: 61.7 MB mapped instead of
 *    44.8, page faults +29 %, CPU +70 %; within a 4 MiB total, +10 % and
 *    +17 %).  Blocks allocated in a batch and then freed in order, one
 *    thread, one size per process (ns a pair, medians of 3, pinned): 16 B
 *    x 1600 9.6 -> 7.1, 256 B x 1600 12.4 -> 7.6, 1 KiB x 400 13.4 ->
 *    8.1, 4 KiB x 100 23.0 -> 10.8 (alloc/README.md).
 *
 *    What a depot keeps is reaped (Bonwick & Adams's working set): the
 *    fewest full magazines it held during a period of CONFIG_SLAB_DECAY_MS
 *    (depot_low) were not needed in that period; at the period's end they
 *    go back to the slabs (whose empty slabs page.c then purges), and a
 *    depot that did not swing in it halves depot_bytes, down to
 *    DEPOT_BYTES.  Periods end at a window's end, checked against the
 *    coarse clock; the trip that ends one also reaps every other cache
 *    whose period is over (reap_depots), so that a depot no thread
 *    visits any more gives its objects back while the program runs on.
 *
 *    Idle depots are drained on an activity clock as well: depot_windows
 *    counts the windows every cache ends, and a cache's depot_seen is its
 *    value at the cache's last trip.  A depot whose cache made no trip
 *    while DEPOT_IDLE_WINDOWS windows ended elsewhere (4096 trips of other
 *    caches) gives all its full magazines back and its size goes back to
 *    DEPOT_BYTES (drain_idle_depots, from a window end, at most once every
 *    DEPOT_IDLE_WINDOWS): a short program that moves from one size to
 *    another would otherwise keep each size's last swing until the decay
 *    period ends, which it may never reach (bench/workloads/batch: the 16
 *    and 64-byte depots, grown for batches of 1600, held 1472 objects
 *    each through the 256-byte batches).  A cache that comes back refills
 *    from its slabs.
 *
 * 4. A free from another thread needs nothing special: magazines hold any
 *    object of the cache, whoever allocated it, and objects go back to
 *    their slabs under the cache's list_lock.
 *
 * 5. A thread's magazines live in a struct tcache, mapped on the thread's
 *    first slow path and indexed by cache id.  A pthread key's destructor
 *    returns every cached object to the slabs when the thread exits; later
 *    allocations by that thread (from other destructors) bypass magazines.
 *    It visits only the slots the thread set up (tcache.used), and keeps
 *    up to TC_POOL exited threads' tcaches, emptied, for the next threads
 *    (mapping and unmapping 257 KiB, and touching a slot per cache, was
 *    two thirds of a short-lived thread's cost: 3000 threads that each
 *    allocate 16 blocks took 0.39 s, glibc 0.13 s).
 *    All thread caches are on thread_caches (thread_lock), so that
 *    kmem_cache_destroy() can empty every thread's magazines of the cache
 *    it destroys and statistics can sum the per-thread counters.
 *
 * 6. Objects of other threads: a thread whose first contact with a cache
 *    is a free (it frees an object another thread allocated, before it
 *    allocates any) keeps that object in its previous magazine, and its
 *    first allocation refills from the slabs (FILL_FOREIGN) instead of
 *    swapping it in.  Else the object would come back at once, last in,
 *    first out, while its neighbours in the same cache line are still the
 *    other thread's: Hoard's cache-scratch pattern, where a thread then
 *    writes its block in a loop, both threads' writes fought for one line
 *    (2 threads, 8-byte blocks: 0.50 s against mimalloc's and jemalloc's
 *    0.12-0.13).  Only that first object is kept aside: the frees after it
 *    take the fast path, and magazines mix objects of all threads as
 *    before (alloc/README.md, "Passive false sharing").
 *
 * 7. Magazines once busy: a cache of objects above MAG_LAZY_SIZE starts
 *    without magazines (mag_size 0, mag_lazy): its objects go to and
 *    from the slabs under list_lock, and none is cached for a thread.
 *    When MAG_LAZY_OPS of its operations fall within MAG_LAZY_MS, it gets
 *    magazines for good (mag_enable), as any other cache.  A big class a
 *    program touches now and then (gcc's 5-32 KiB objects: a few live at
 *    its peak) then pins no slab with freed objects in magazines: their
 *    memory goes on to other classes (replayed gcc trace: RSS growth 9.3
 *    -> 8.7 MB; 8.6 without magazines at all), while a loop or threads
 *    replacing such blocks have magazines after their first 128 (8 KiB
 *    pairs without magazines: 51 ns on one thread, 504 on two; with: 7,
 *    23).
 *
 * 8. Scavenging when the heap grows.  Bonwick's reap returns what a depot
 *    did not use on a timer (3), which a program shorter than the decay
 *    time never reaches; meanwhile the classes whose swing has ended keep
 *    it in magazines and depots while other classes cut new slabs.  So a
 *    thread scavenges after every SCAVENGE_BYTES of growth it causes, or
 *    a SCAVENGE_SHARE of the slabs' bytes if that is more (slabs cut for
 *    its refills, counted by nr_slabs; large blocks on pages not
 *    resident).  The previous magazine of each of its caches but the
 *    growing one goes back to the slabs (empty is what 2 allows), unless
 *    the slot took a slow path since the last scavenge (FILL_BUSY: a class
 *    in use keeps it); and each depot that only this thread visits (its
 *    last trip this thread's, none of its window's by another) is trimmed
 *    to its working set since its last trim or reap (depot_low, as the
 *    timer's reap does).  A depot threads trade through is left alone:
 *    mstress's waves need theirs again.  The gcc trace's replay, whose
 *    caches held 1.2 MB of freed objects beside 1.4 MB in use at its peak:
 *    RSS growth 8.1 -> 7.6 MB (glibc 6.4; without magazines at all 7.2),
 *    CPU and page faults fewer.  Instructions (callgrind, the workloads at
 *    a tenth of their size, where growth weighs most): mstress +2-3 %,
 *    mleak +1.5 %, reallocs +1 %, the rest within 1 %.  Each half alone
 *    gains nothing: the freed objects would stay in partly used slabs
 *    (alloc/README.md, "Scavenging").  Under slab_mutex, which
 *    kmem_cache_destroy holds while it empties every thread's slots;
 *    skipped when this thread holds it.
 *
 * Counts: a thread's loaded count lives in tc_slot.avail and its previous
 * count in tc_slot.prev_avail, never only inside the magazine, so that
 * other threads can read what a thread caches without touching magazines
 * the thread may hand away at any moment.  magazine.rounds is meaningful
 * only in the depot.
 */
#include <string.h>

#include "alloc/internal.h"

struct tcache tcache_empty __big_bss;
__thread struct tcache *tls_tc __attribute__((tls_model("initial-exec"))) = &tcache_empty;
static __thread bool tls_tc_exited __attribute__((tls_model("initial-exec")));

LIST_HEAD_DECL(thread_caches);
pthread_mutex_t thread_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t tc_key;
static struct kmem_cache *magazine_cache;

/* Empty magazines a depot keeps: its full ones' limit and a few. */
static unsigned int depot_max_empty(const struct kmem_cache *s)
{
	return s->depot_max + 8;
}

static struct magazine *mag_new(void)
{
	struct magazine *m;

	if (unlikely(!magazine_cache))	/* its boot failed: no magazines */
		return NULL;
	m = slab_alloc(magazine_cache, GFP_KERNEL, _RET_IP_);

	if (m) {
		m->next = NULL;
		m->rounds = 0;
	}
	return m;
}

static void mag_delete(struct magazine *m)
{
	if (m)
		slab_free(magazine_cache, m, _RET_IP_);
}

/* ---- sizes ---------------------------------------------------------------- */

/*
 * Full magazines the depot of @s keeps: depot_bytes of objects, at least
 * one, and at most SLAB_DEPOT_MAX for each DEPOT_BYTES of depot_bytes.
 */
static unsigned int depot_magazines(const struct kmem_cache *s)
{
	if (!s->mag_size)
		return 0;
	return MIN((unsigned int)SLAB_DEPOT_MAX * (s->depot_bytes / DEPOT_BYTES),
		   MAX(1U, s->depot_bytes / (s->mag_size * s->size)));
}

/* The rounds a magazine of @s starts with. */
static unsigned int mag_rounds(const struct kmem_cache *s)
{
	return MIN((unsigned int)SLAB_MAG_ROUNDS, MAX(MAG_MIN_ROUNDS, MAG_BYTES / s->size));
}

/** mag_size_init - a new cache's magazine size and depot limit */
void mag_size_init(struct kmem_cache *s)
{
	unsigned int rounds = SLAB_MAG_ROUNDS;

	s->mag_lazy = false;
	s->lazy_ops = 0;
	s->lazy_ms = now_ms();
	if (rounds == 0 || (s->flags & (SLAB_NO_CPU_CACHE | SLAB_DEBUG_FLAGS))) {
		s->mag_size = 0;
	} else if (s->size > MAG_LAZY_SIZE) {
		s->mag_size = 0;	/* until busy (7) */
		s->mag_lazy = true;
	} else {
		s->mag_size = mag_rounds(s);
	}
	s->depot_bytes = DEPOT_BYTES;
	s->depot_granted = 0;
	s->depot_max = depot_magazines(s);
	s->depot_trips = s->depot_contended = 0;
	s->depot_spills = s->depot_misses = s->depot_low = 0;
	s->depot_swung = false;
	s->depot_reap_ms = now_ms();
}

/** mag_size_cap - the rounds the magazines of @s may grow to under contention */
unsigned int mag_size_cap(const struct kmem_cache *s)
{
	if (!s->mag_size)
		return 0;
	return MIN((unsigned int)SLAB_MAG_ROUNDS, MAX(MAG_MIN_ROUNDS, MAG_GROW_BYTES / s->size));
}

/*
 * Bytes by which all depots together are above DEPOT_BYTES each: at most
 * an eighth of the memory cut into slabs, between DEPOT_GROW_MIN and
 * DEPOT_GROW_TOTAL, so that what depots keep stays in proportion to the
 * heap (a small program's swings cannot double its footprint) and many
 * classes swinging at once do not each keep their swing (3).
 */
static unsigned long depots_grown;

static unsigned long depot_windows;	/* windows ended, all caches (the activity clock) */
static unsigned long depots_idle_scan;	/* depot_windows at the last drain_idle_depots() */

/* How much the depots may be grown by now (page_lock: innermost). */
static unsigned long depot_budget(void)
{
	struct slab_mem_info m;

	page_get_mem_info(&m);
	return MIN(DEPOT_GROW_TOTAL, MAX(DEPOT_GROW_MIN, m.slab_bytes / 8));
}

/* Take @bytes of the growth budget; false if it has not that much left. */
static bool depot_grant(unsigned long bytes)
{
	unsigned long g = __atomic_load_n(&depots_grown, __ATOMIC_RELAXED);
	unsigned long most = depot_budget();

	do {
		if (g + bytes > most)
			return false;
	} while (!__atomic_compare_exchange_n(&depots_grown, &g, g + bytes, true,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return true;
}

static void depot_ungrant(unsigned long bytes)
{
	__atomic_fetch_sub(&depots_grown, bytes, __ATOMIC_RELAXED);
}

/* What @max full magazines of @s hold, in bytes of objects. */
static unsigned long depot_capacity(const struct kmem_cache *s, unsigned int max)
{
	return (unsigned long)max * s->mag_size * s->size;
}

/*
 * Double depot_bytes if the budget has the objects it adds: charged what
 * the full magazines may hold more (for small objects the magazine count,
 * not depot_bytes, is what binds).  Context: depot_lock held.
 */
static void depot_grow(struct kmem_cache *s)
{
	unsigned long before = depot_capacity(s, s->depot_max), more;
	unsigned int max;

	s->depot_bytes *= 2;
	max = depot_magazines(s);
	more = depot_capacity(s, max) > before ? depot_capacity(s, max) - before : 0;
	if (more && !depot_grant(more)) {
		s->depot_bytes /= 2;
		return;
	}
	s->depot_granted += more;
	WRITE_ONCE(s->depot_max, max);
}

/* Halve depot_bytes (a period without a swing), or reset it; refund the budget.  depot_lock held. */
static void depot_shrink(struct kmem_cache *s, bool reset)
{
	unsigned long back;

	s->depot_bytes = reset ? DEPOT_BYTES : s->depot_bytes / 2;
	back = s->depot_bytes == DEPOT_BYTES ? s->depot_granted : s->depot_granted / 2;
	s->depot_granted -= back;
	depot_ungrant(back);
	WRITE_ONCE(s->depot_max, depot_magazines(s));
}

/**
 * mag_depot_trip - count a trip to the depot of @s, @contended if the lock
 * was found held; at the end of each window of DEPOT_WINDOW trips, grow the
 * magazines if an eighth or more were, and the depot if an eighth or more
 * both spilled and missed (3).
 * Context: depot_lock held.
 * Return: whether a window ended (then the caller, unlocked, calls
 * depot_window_end()).
 */
bool mag_depot_trip(struct kmem_cache *s, bool contended)
{
	unsigned int cap;

	WRITE_ONCE(s->depot_contended, s->depot_contended + contended);
	WRITE_ONCE(s->depot_seen, __atomic_load_n(&depot_windows, __ATOMIC_RELAXED));
	if (++s->depot_trips < DEPOT_WINDOW)
		return false;
	__atomic_fetch_add(&depot_windows, 1, __ATOMIC_RELAXED);
	cap = mag_size_cap(s);
	if (s->depot_contended >= DEPOT_WINDOW / 8 && s->mag_size < cap) {
		WRITE_ONCE(s->mag_size, MIN(cap, 2 * s->mag_size));
		WRITE_ONCE(s->depot_max, depot_magazines(s));
	}
	if (s->depot_spills >= DEPOT_WINDOW / 8 && s->depot_misses >= DEPOT_WINDOW / 8 &&
	    s->depot_contended <= DEPOT_WINDOW / 64) {
		s->depot_swung = true;
		if (s->depot_bytes < DEPOT_GROW_BYTES)
			depot_grow(s);
	}
	s->depot_trips = 0;
	WRITE_ONCE(s->depot_contended, 0);
	s->depot_spills = s->depot_misses = 0;
	return true;
}

/*
 * The working-set part of a reap: detach the full magazines that no trip
 * needed since the last reap or trim (the oldest depot_low of them;
 * beyond depot_max, any), and the empty ones beyond depot_max_empty.
 * Return: the detached full magazines (linked by next, rounds set) and,
 * in *@empties, the empty ones, for the caller to free unlocked.
 * Context: depot_lock held.
 */
static struct magazine *depot_trim_locked(struct kmem_cache *s, struct magazine **empties)
{
	struct magazine *out, **pp;
	unsigned int keep, n;

	*empties = NULL;
	/* keep the newest nfull - low (what the period used), at most depot_max */
	keep = MIN(s->depot_nfull - MIN(s->depot_low, s->depot_nfull), s->depot_max);
	for (pp = &s->depot_full, n = 0; *pp && n < keep; pp = &(*pp)->next)
		n++;
	out = *pp;
	*pp = NULL;
	WRITE_ONCE(s->depot_nfull, n);
	s->depot_low = n;
	if (s->depot_nempty > depot_max_empty(s)) {
		for (pp = &s->depot_empty, n = 0; n < depot_max_empty(s); pp = &(*pp)->next)
			n++;
		*empties = *pp;
		*pp = NULL;
		s->depot_nempty = n;
	}
	return out;
}

/*
 * End the reap period of @s if it is over (3): shrink a depot that did
 * not swing, then depot_trim_locked (what the period did not use).
 * Return, context: as depot_trim_locked.
 */
static struct magazine *depot_reap_locked(struct kmem_cache *s, uint32_t now,
					  struct magazine **empties)
{
	*empties = NULL;
	if ((uint32_t)(now - s->depot_reap_ms) <= (uint32_t)CONFIG_SLAB_DECAY_MS)
		return NULL;
	s->depot_reap_ms = now;
	if (!s->depot_swung && s->depot_bytes > DEPOT_BYTES)
		depot_shrink(s, false);
	s->depot_swung = false;
	return depot_trim_locked(s, empties);
}

/* Empty the detached magazines into the slabs of @s and free them.  Unlocked. */
static void depot_release(struct kmem_cache *s, struct magazine *full,
			  struct magazine *empty)
{
	struct magazine *next;

	for (; full; full = next) {
		next = full->next;
		slab_put(s, full->objs, full->rounds);
		mag_delete(full);
	}
	for (; empty; empty = next) {
		next = empty->next;
		mag_delete(empty);
	}
}

/*
 * The working-set trim of @s's depot, now (scavenge, 8), if only @tc's
 * thread visits it: the last trip its, none of the window's by another.
 * Unlocked; takes depot_lock only when a look without it says so (the
 * fields it reads are written with WRITE_ONCE under the lock).
 */
static void depot_trim_own(struct kmem_cache *s, const struct tcache *tc)
{
	struct magazine *full = NULL, *empty = NULL;

	if (!READ_ONCE(s->depot_nfull) || READ_ONCE(s->depot_last) != tc ||
	    READ_ONCE(s->depot_contended))
		return;
	pthread_mutex_lock(&s->depot_lock);
	if (s->depot_nfull && s->depot_last == tc && !s->depot_contended)
		full = depot_trim_locked(s, &empty);
	pthread_mutex_unlock(&s->depot_lock);
	depot_release(s, full, empty);
}

/* Reap the depot of @s if its period is over.  Unlocked; takes depot_lock. */
static void depot_reap(struct kmem_cache *s, uint32_t now)
{
	struct magazine *full, *empty;

	pthread_mutex_lock(&s->depot_lock);
	full = depot_reap_locked(s, now, &empty);
	pthread_mutex_unlock(&s->depot_lock);
	depot_release(s, full, empty);
}

static uint32_t depots_reaped_ms;	/* the last reap_depots() */

/*
 * Reap every cache's depot whose period is over, at most once a period;
 * skipped if this thread holds slab_mutex (kmalloc under it), which
 * slab_lock_nested() says without a trylock (depot_lock() says why not).
 * Context: no allocator lock held, so waiting for slab_mutex is safe.
 */
static void reap_depots(uint32_t now)
{
	struct kmem_cache *s;

	if ((uint32_t)(now - READ_ONCE(depots_reaped_ms)) <= (uint32_t)CONFIG_SLAB_DECAY_MS)
		return;
	if (!slab_lock_nested())
		return;
	WRITE_ONCE(depots_reaped_ms, now);
	list_for_each_entry(s, &slab_caches, list)
		if (s->mag_size)
			depot_reap(s, now);
	pthread_mutex_unlock(&slab_mutex);
}

static void depot_drain(struct kmem_cache *s, bool idle);

/*
 * Drain every depot whose cache has been idle for DEPOT_IDLE_WINDOWS of
 * the activity clock (3), at most once every DEPOT_IDLE_WINDOWS; skipped
 * if this thread holds slab_mutex (as reap_depots).  Context: no
 * allocator lock held.
 */
static void drain_idle_depots(void)
{
	unsigned long w = __atomic_load_n(&depot_windows, __ATOMIC_RELAXED);
	struct kmem_cache *s;

	if (w - READ_ONCE(depots_idle_scan) < DEPOT_IDLE_WINDOWS)
		return;
	if (!slab_lock_nested())
		return;
	WRITE_ONCE(depots_idle_scan, w);
	list_for_each_entry(s, &slab_caches, list)
		if (s->mag_size && w - READ_ONCE(s->depot_seen) >= DEPOT_IDLE_WINDOWS)
			depot_drain(s, true);
	pthread_mutex_unlock(&slab_mutex);
}

/* A window of @s ended (mag_depot_trip): reap it and the others, if due.  Unlocked. */
static void depot_window_end(struct kmem_cache *s)
{
	uint32_t now = now_ms();

	depot_reap(s, now);
	reap_depots(now);
	drain_idle_depots();
}

/*
 * Take the depot lock of @s, counting the trip (3): contended if another
 * thread took it last (its line, and the depot's, then come from another
 * core).  That also covers a lock another trip holds now: it names its
 * thread in depot_last before this one gets the lock.  No trylock first:
 * glibc's pthread_mutex_trylock dispatches on the mutex's kind through a
 * table in libc's read-only data, whose first read maps up to 64 KiB of
 * it into a program that takes no lock of its own (fault-around;
 * alloc/README.md).  A reap holding the lock is not counted: it does not
 * touch the magazines.
 */
static bool depot_lock(struct kmem_cache *s)
{
	bool contended;

	pthread_mutex_lock(&s->depot_lock);
	contended = s->depot_last && s->depot_last != tls_tc;
	WRITE_ONCE(s->depot_last, tls_tc);
	return mag_depot_trip(s, contended);
}

/* The magazines' size may have grown since @slot last looked (3). */
static void slot_catch_up(const struct kmem_cache *s, struct tc_slot *slot)
{
	unsigned int n = READ_ONCE(s->mag_size);

	if (unlikely(slot->limit != n))
		WRITE_ONCE(slot->limit, n);
}

/* ---- thread caches ------------------------------------------------------ */

/* Return every object @slot holds to the slabs and drop its magazines. */
static void slot_flush(struct kmem_cache *s, struct tc_slot *slot)
{
	if (slot->loaded) {
		slab_put(s, slot->loaded->objs, slot->avail);
		slab_put(s, slot->prev->objs, slot->prev_avail);
		mag_delete(slot->loaded);
		mag_delete(slot->prev);
		WRITE_ONCE(slot->limit, 0);
		WRITE_ONCE(slot->avail, 0);
		WRITE_ONCE(slot->prev_avail, 0);
		WRITE_ONCE(slot->loaded, NULL);
		WRITE_ONCE(slot->prev, NULL);
	}
	slot->fill = 0;	/* the next cache with this id starts small */
	stat_add(&s->st_allocs, READ_ONCE(slot->allocs));
	stat_add(&s->st_frees, READ_ONCE(slot->frees));
	stat_add(&s->st_alloc_slow, READ_ONCE(slot->alloc_slow));
	stat_add(&s->st_free_slow, READ_ONCE(slot->free_slow));
	WRITE_ONCE(slot->allocs, 0);
	WRITE_ONCE(slot->frees, 0);
	WRITE_ONCE(slot->alloc_slow, 0);
	WRITE_ONCE(slot->free_slow, 0);
}

/**
 * mag_flush_thread_slot - empty this thread's magazines of @s into the slabs
 */
void mag_flush_thread_slot(struct kmem_cache *s, struct tcache *tc)
{
	slot_flush(s, tc_slot_of(tc, s));
}

/**
 * mag_flush_all_threads - empty every thread's magazines of @s.
 * Context: no thread uses @s any more (kmem_cache_destroy).
 */
void mag_flush_all_threads(struct kmem_cache *s)
{
	struct tcache *tc;

	pthread_mutex_lock(&thread_lock);
	list_for_each_entry(tc, &thread_caches, list)
		slot_flush(s, tc_slot_of(tc, s));
	pthread_mutex_unlock(&thread_lock);
}

/*
 * Exited threads' tcaches, emptied (every slot as page_meta_map gives it:
 * zero; no bit in used, no entry in recent), kept for the next threads.
 * Under thread_lock.
 */
#define TC_POOL 8
static struct tcache *tc_pool[TC_POOL];
static unsigned int tc_pooled;

/* How many emptied tcaches wait for the next threads (for tests). */
unsigned int mag_pooled_tcaches(void)
{
	unsigned int n;

	pthread_mutex_lock(&thread_lock);
	n = tc_pooled;
	pthread_mutex_unlock(&thread_lock);
	return n;
}

static void tc_destructor(void *arg)
{
	struct tcache *tc = arg;

	tls_tc = &tcache_empty;
	tls_tc_exited = true;
	pthread_mutex_lock(&slab_mutex);
	for (unsigned int w = 0; w < ARRAY_SIZE(tc->used); w++) {
		for (uint64_t m = tc->used[w]; m; m &= m - 1) {
			unsigned int id = w * 64 + (unsigned int)__builtin_ctzll(m);
			struct kmem_cache *s = cache_of(id);

			if (s->registered)
				slot_flush(s, &tc->slot[id]);
			else	/* its cache was destroyed, the slot flushed then */
				memset(&tc->slot[id], 0, sizeof(tc->slot[id]));
		}
		tc->used[w] = 0;
	}
	tc->displaced = 0;
	memset(tc->recent, 0, sizeof(tc->recent));
	tc->grown = 0;
	pthread_mutex_lock(&thread_lock);
	list_del(&tc->list);
	if (tc_pooled < TC_POOL) {
		tc_pool[tc_pooled++] = tc;
		tc = NULL;
	}
	pthread_mutex_unlock(&thread_lock);
	pthread_mutex_unlock(&slab_mutex);
	if (tc)
		page_meta_unmap(tc, sizeof(*tc));
}

static struct tcache *tc_get(void)
{
	struct tcache *tc = tls_tc;

	if (likely(tc != &tcache_empty))
		return tc;
	if (tls_tc_exited)
		return NULL;
	pthread_mutex_lock(&thread_lock);
	tc = tc_pooled ? tc_pool[--tc_pooled] : NULL;
	pthread_mutex_unlock(&thread_lock);
	if (!tc)
		tc = page_meta_map(sizeof(*tc));
	if (!tc)
		return NULL;
	pthread_mutex_lock(&thread_lock);
	list_add(&tc->list, &thread_caches);
	pthread_mutex_unlock(&thread_lock);
	if (pthread_setspecific(tc_key, tc) != 0) {
		pthread_mutex_lock(&thread_lock);
		list_del(&tc->list);
		pthread_mutex_unlock(&thread_lock);
		page_meta_unmap(tc, sizeof(*tc));
		return NULL;
	}
	tls_tc = tc;
	return tc;
}

static bool slot_setup(struct kmem_cache *s, struct tc_slot *slot)
{
	struct magazine *a = mag_new(), *b = mag_new();

	if (!a || !b) {
		mag_delete(a);
		mag_delete(b);
		return false;
	}
	WRITE_ONCE(slot->loaded, a);
	WRITE_ONCE(slot->prev, b);
	WRITE_ONCE(slot->avail, 0);
	WRITE_ONCE(slot->prev_avail, 0);
	WRITE_ONCE(slot->limit, READ_ONCE(s->mag_size));
	return true;
}

unsigned int mag_lazy_ms = MAG_LAZY_MS;

/* @s gets magazines for good (7 above). */
static __cold void mag_enable(struct kmem_cache *s)
{
	pthread_mutex_lock(&s->depot_lock);
	if (READ_ONCE(s->mag_lazy)) {
		WRITE_ONCE(s->mag_size, mag_rounds(s));
		WRITE_ONCE(s->depot_max, depot_magazines(s));
		WRITE_ONCE(s->mag_lazy, false);
	}
	pthread_mutex_unlock(&s->depot_lock);
}

/*
 * An operation of @s without magazines, which defers them (7 above):
 * count it in the burst, and give @s magazines when the burst is busy.
 * Racy counts between threads only shift when that happens.
 */
static void lazy_tick(struct kmem_cache *s)
{
	uint32_t now;

	if (__atomic_add_fetch(&s->lazy_ops, 1, __ATOMIC_RELAXED) < MAG_LAZY_OPS)
		return;
	now = now_ms();
	if ((uint32_t)(now - __atomic_load_n(&s->lazy_ms, __ATOMIC_RELAXED)) <= READ_ONCE(mag_lazy_ms)) {
		mag_enable(s);
		return;
	}
	__atomic_store_n(&s->lazy_ms, now, __ATOMIC_RELAXED);
	__atomic_store_n(&s->lazy_ops, 0, __ATOMIC_RELAXED);
}

/* The slot of @s for this thread, set up; NULL if @s uses no magazines. */
static struct tc_slot *slot_get(struct kmem_cache *s)
{
	struct tcache *tc;
	struct tc_slot *slot;

	if (unlikely(!READ_ONCE(s->mag_size))) {
		/* mag_lazy's line only for a cache without magazines */
		if (!READ_ONCE(s->mag_lazy))
			return NULL;
		lazy_tick(s);
		if (!READ_ONCE(s->mag_size))
			return NULL;
	}
	if (!(tc = tc_get()))
		return NULL;
	slot = tc_slot_of(tc, s);
	if (!slot->loaded) {
		if (!slot_setup(s, slot))
			return NULL;
		tc->used[s->id / 64] |= 1ULL << (s->id % 64);
	}
	return slot;
}

static void slot_swap(struct tc_slot *slot)
{
	struct magazine *m = slot->loaded;
	unsigned int n = slot->avail;

	WRITE_ONCE(slot->loaded, slot->prev);
	WRITE_ONCE(slot->avail, slot->prev_avail);
	WRITE_ONCE(slot->prev, m);
	WRITE_ONCE(slot->prev_avail, n);
}

/* ---- depot -------------------------------------------------------------- */

/*
 * Trade the empty magazine @e for a full one from the depot.
 * Return: the full magazine, or NULL (and @e is still the caller's).
 */
static struct magazine *depot_get_full(struct kmem_cache *s, struct magazine *e,
				       gfp_t gfp)
{
	struct magazine *f, *drop = NULL;
	bool window_end;

	if (gfp & __GFP_NOWAIT) {
		if (pthread_mutex_trylock(&s->depot_lock))
			return NULL;
		WRITE_ONCE(s->depot_last, tls_tc);	/* for the next trip's verdict */
		window_end = mag_depot_trip(s, false);
	} else {
		window_end = depot_lock(s);
	}
	f = s->depot_full;
	if (f) {
		s->depot_full = f->next;
		WRITE_ONCE(s->depot_nfull, s->depot_nfull - 1);
		s->depot_low = MIN(s->depot_low, s->depot_nfull);
		if (s->depot_nempty < depot_max_empty(s)) {
			e->next = s->depot_empty;
			s->depot_empty = e;
			s->depot_nempty++;
		} else {
			drop = e;
		}
	} else {
		s->depot_misses++;
	}
	/* under the lock, whose line this thread holds: one writer at a time */
	stat_inc_local(f ? &s->st_depot_hit : &s->st_depot_miss);
	pthread_mutex_unlock(&s->depot_lock);
	mag_delete(drop);
	if (unlikely(window_end) && !(gfp & __GFP_NOWAIT))
		depot_window_end(s);
	return f;
}

/*
 * Hand the full magazine @m (@n rounds) to the depot and return an empty
 * magazine: one of the depot's, a new one, or @m itself emptied into the
 * slabs when the depot is at its limit.  Never NULL.
 */
static struct magazine *depot_put_full(struct kmem_cache *s, struct magazine *m,
				       unsigned int n)
{
	struct magazine *e = NULL;
	bool window_end = depot_lock(s), room = s->depot_nfull < s->depot_max;

	if (room) {
		e = s->depot_empty;
		if (e) {
			s->depot_empty = e->next;
			s->depot_nempty--;
			m->rounds = n;
			m->next = s->depot_full;
			s->depot_full = m;
			WRITE_ONCE(s->depot_nfull, s->depot_nfull + 1);
		}
	} else {
		s->depot_spills++;
	}
	pthread_mutex_unlock(&s->depot_lock);
	if (unlikely(window_end))
		depot_window_end(s);
	if (e)
		return e;

	/* room, but no empty magazine to give back: a new one */
	if (room && (e = mag_new()) != NULL) {
		pthread_mutex_lock(&s->depot_lock);
		if (s->depot_nfull < s->depot_max) {
			m->rounds = n;
			m->next = s->depot_full;
			s->depot_full = m;
			WRITE_ONCE(s->depot_nfull, s->depot_nfull + 1);
			m = NULL;
		} else {
			s->depot_spills++;
		}
		pthread_mutex_unlock(&s->depot_lock);
		if (!m)
			return e;
		mag_delete(e);
	}
	slab_put(s, m->objs, n);
	return m;
}

/*
 * Empty the depot of @s into the slabs, its size back to DEPOT_BYTES; with
 * @idle only if it holds something and its cache is still idle (3), as
 * checked under the lock.
 */
static void depot_drain(struct kmem_cache *s, bool idle)
{
	struct magazine *full, *empty;

	pthread_mutex_lock(&s->depot_lock);
	if (idle && (__atomic_load_n(&depot_windows, __ATOMIC_RELAXED) - s->depot_seen <
		     DEPOT_IDLE_WINDOWS || (!s->depot_nfull && s->depot_bytes == DEPOT_BYTES))) {
		pthread_mutex_unlock(&s->depot_lock);
		return;
	}
	full = s->depot_full;
	empty = s->depot_empty;
	s->depot_full = s->depot_empty = NULL;
	WRITE_ONCE(s->depot_nfull, 0);
	s->depot_nempty = 0;
	s->depot_low = 0;
	if (s->depot_bytes > DEPOT_BYTES)	/* back to its first size */
		depot_shrink(s, true);
	pthread_mutex_unlock(&s->depot_lock);
	depot_release(s, full, empty);
}

/** mag_drain_depot - empty the depot of @s into the slabs */
void mag_drain_depot(struct kmem_cache *s)
{
	depot_drain(s, false);
}

/* ---- slow paths ----------------------------------------------------------- */

/*
 * Reverse a refill, so that pops from the top of the magazine hand out
 * the objects in the order the slab layer gave them: ascending addresses
 * for a fresh slab.  Consecutive allocations then walk memory upwards, the
 * pattern hardware prefetchers follow best (measured: dict gets 2x faster
 * in objbench's cpython311 profile than with the descending order).
 */
static void reverse(void **objs, unsigned int n)
{
	for (unsigned int i = 0, j = n - 1; i < j; i++, j--) {
		void *t = objs[i];

		objs[i] = objs[j];
		objs[j] = t;
	}
}

/*
 * How many objects to take from the slabs into @slot's empty magazine: a
 * page of them the first time, twice as many at each refill after, up to
 * a full magazine.  A thread that touches a size class once then keeps
 * one page of it resident, not a magazine's worth (32 KiB in classes of
 * 512 bytes and up, each object written when it enters a magazine).
 */
static unsigned int slot_fill(const struct kmem_cache *s, struct tc_slot *slot)
{
	unsigned int n = slot->fill & ~FILL_BUSY, most = READ_ONCE(s->mag_size);

	if (n == 0)
		n = MAX(1U, MIN(most, (unsigned int)(MAG_FILL_BYTES / s->size)));
	slot->fill = MIN(most, 2 * n) | FILL_BUSY;
	return n;
}

/*
 * Give back what the caches of @tc but @cur (which grows; NULL: none)
 * hold idle (8): the previous magazine of each slot that took no slow path
 * since the last scavenge, and of each depot that only this thread
 * visits, the full magazines no trip needed since its last trim.
 * Context: no allocator lock held; skipped if this thread holds slab_mutex.
 */
static void scavenge(struct kmem_cache *cur, struct tcache *tc)
{
	if (!slab_lock_nested())
		return;
	for (unsigned int w = 0; w < ARRAY_SIZE(tc->used); w++) {
		for (uint64_t m = tc->used[w]; m; m &= m - 1) {
			struct kmem_cache *s = cache_of(w * 64 + (unsigned int)__builtin_ctzll(m));
			struct tc_slot *slot = tc_slot_of(tc, s);

			if (s == cur || !s->registered)
				continue;
			if (slot->fill & FILL_BUSY) {	/* in use: kept for one more period */
				slot->fill &= ~FILL_BUSY;
			} else if (slot->prev_avail) {
				slab_put(s, slot->prev->objs, slot->prev_avail);
				WRITE_ONCE(slot->prev_avail, 0);
			}
			/* a depot other threads trade through keeps its working set (8) */
			depot_trim_own(s, tc);
		}
	}
	pthread_mutex_unlock(&slab_mutex);
}

/**
 * mag_note_growth - the heap grew by @bytes for this thread: slabs cut for
 * a refill of @cur, or (@cur NULL) a large block on pages not resident.
 * Once its growth since its last scavenge reaches SCAVENGE_BYTES, or a
 * SCAVENGE_SHARE of the slabs' bytes if more, the thread scavenges (8).
 */
void mag_note_growth(struct kmem_cache *cur, size_t bytes)
{
	struct tcache *tc = tls_tc;

	if (tc == &tcache_empty)
		return;
	tc->grown += bytes;
	if (tc->grown < MAX(SCAVENGE_BYTES, page_slab_bytes() / SCAVENGE_SHARE))
		return;
	tc->grown = 0;
	scavenge(cur, tc);
}

/*
 * Fill @slot's empty loaded magazine of @s from the slabs (a page of
 * objects the first time, slot_fill); the slabs it cut are growth (8).
 * Return: how many.
 */
static unsigned int slot_refill(struct kmem_cache *s, struct tc_slot *slot, gfp_t gfp)
{
	unsigned long slabs = READ_ONCE(s->nr_slabs);
	unsigned int n = slab_take(s, slot->loaded->objs, slot_fill(s, slot), gfp);

	if (n)
		reverse(slot->loaded->objs, n);
	/* slabs cut for it (racy: other threads' frees may have freed some) */
	slabs = READ_ONCE(s->nr_slabs) - slabs;
	if ((long)slabs > 0)
		mag_note_growth(s, slabs * (PAGE_SIZE << s->order));
	return n;
}

/**
 * mag_alloc_slow - the thread's loaded magazine is empty (or there is
 * none): swap, go to the depot, or refill from the slabs.
 * Return: an object (hooks applied), or NULL.
 */
void *mag_alloc_slow(struct kmem_cache *s, gfp_t gfp, unsigned long ip)
{
	struct tc_slot *slot = slot_get(s);
	unsigned int avail;
	bool foreign;
	void *obj;

	if (!slot) {
		obj = slab_alloc_direct(s, gfp, ip);
		if (obj)
			hook_alloc(s, obj, gfp);
		return obj;
	}
	stat_inc_local(&slot->alloc_slow);
	slot_catch_up(s, slot);
	/* the thread's first allocation: what prev holds is not its own (6) */
	foreign = slot->fill & FILL_FOREIGN;
	slot->fill = (slot->fill & ~FILL_FOREIGN) | FILL_BUSY;
again:
	if (slot->avail == 0) {
		if (slot->prev_avail && !foreign) {
			slot_swap(slot);
		} else {
			struct magazine *f = depot_get_full(s, slot->loaded, gfp);

			if (f) {
				WRITE_ONCE(slot->loaded, f);
				WRITE_ONCE(slot->avail, f->rounds);
			} else {
				unsigned int n = slot_refill(s, slot, gfp);

				if (n == 0)
					return NULL;
				WRITE_ONCE(slot->avail, n);
			}
		}
	}
	avail = slot->avail - 1;
	obj = slot->loaded->objs[avail];
	hook_forget(&slot->loaded->objs[avail]);
	WRITE_ONCE(slot->avail, avail);
	if (unlikely(!free_marked(s, obj))) {
		/* slab_alloc_sized left it: in a magazine twice, or written since its free */
		debug_bad_mark(s, obj);
		goto again;
	}
	stat_inc_local(&slot->allocs);
	return hook_alloc(s, obj, gfp);
}

/**
 * mag_free_slow - the thread's loaded magazine is full (or there is
 * none): the check for a second free, then hook_free() and the mark, then
 * swap, or trade the full previous magazine at the depot.
 */
void mag_free_slow(struct kmem_cache *s, void *obj, unsigned long ip)
{
	bool fresh = !tc_slot_of(tls_tc, s)->loaded;
	struct tc_slot *slot = slot_get(s);
	unsigned int avail;

	/*
	 * Without magazines the object goes straight to its slab: its mark says
	 * whether it is free.  With them the table's entry is written here, before
	 * the object is placed: nothing in between frees through the table
	 * (the magazines' own cache keeps no magazines), so no other free can
	 * displace it.
	 */
	if (slot ? recent_freed_before(s, tls_tc, recent_entry(tls_tc, obj), obj, mark_word(s, obj)) :
		   mark_says_free(s, obj)) {
		debug_double_free(s, obj, ip);
		return;
	}
	hook_free(s, obj);
	free_mark(s, obj);
	if (!slot) {
		slab_free_direct(s, obj, ip);
		return;
	}
	stat_inc_local(&slot->free_slow);
	slot_catch_up(s, slot);
	slot->fill |= FILL_BUSY;
	if (fresh) {
		/* set up by a free: another thread's object, kept aside (6) */
		slot->prev->objs[0] = obj;
		WRITE_ONCE(slot->prev_avail, 1);
		slot->fill |= FILL_FOREIGN;
		stat_inc_local(&slot->frees);
		return;
	}
	if (slot->avail == slot->limit) {
		if (slot->prev_avail == 0) {
			slot_swap(slot);
		} else {
			struct magazine *e = depot_put_full(s, slot->prev, slot->prev_avail);

			WRITE_ONCE(slot->prev, slot->loaded);
			WRITE_ONCE(slot->prev_avail, slot->avail);
			WRITE_ONCE(slot->loaded, e);
			WRITE_ONCE(slot->avail, 0);
		}
	}
	avail = slot->avail;
	slot->loaded->objs[avail] = obj;
	WRITE_ONCE(slot->avail, avail + 1);
	stat_inc_local(&slot->frees);
}

/**
 * mag_alloc_bulk - take up to @n objects from this thread's loaded
 * magazine of @s.  Return: how many (hooks not applied, not counted).
 */
unsigned int mag_alloc_bulk(struct kmem_cache *s, void **p, unsigned int n)
{
	struct tc_slot *slot = tc_slot_of(tls_tc, s);
	unsigned int k;

	k = MIN(n, slot->avail);
	if (k == 0)
		return 0;
	memcpy(p, &slot->loaded->objs[slot->avail - k], k * sizeof(*p));
	for (unsigned int i = 0; i < k; i++)
		hook_forget(&slot->loaded->objs[slot->avail - k + i]);
	WRITE_ONCE(slot->avail, slot->avail - k);
	/* Drop the objects whose mark does not read "freed" (internal.h). */
	n = 0;
	for (unsigned int i = 0; i < k; i++) {
		if (likely(free_marked(s, p[i])))
			p[n++] = p[i];
		else
			debug_bad_mark(s, p[i]);
	}
	return n;
}

/**
 * mag_free_bulk - put up to @n objects into this thread's loaded magazine
 * of @s.  Return: how many went in (hooks already applied by the caller,
 * not counted).
 */
unsigned int mag_free_bulk(struct kmem_cache *s, void **p, unsigned int n)
{
	struct tc_slot *slot = tc_slot_of(tls_tc, s);
	unsigned int k;

	k = MIN(n, slot->limit - slot->avail);
	if (k == 0)
		return 0;
	memcpy(&slot->loaded->objs[slot->avail], p, k * sizeof(*p));
	WRITE_ONCE(slot->avail, slot->avail + k);
	return k;
}

/**
 * mag_cached_objects - objects of @s held in magazines (all threads and
 * the depot); adds the per-thread counters to *@c.
 * Context: any; takes thread_lock and depot_lock.
 */
unsigned long mag_cached_objects(struct kmem_cache *s, struct mag_counts *c)
{
	struct tcache *tc;
	struct magazine *m;
	unsigned long n = 0;

	pthread_mutex_lock(&s->depot_lock);
	for (m = s->depot_full; m; m = m->next)	/* at most SLAB_DEPOT_MAX */
		n += m->rounds;
	pthread_mutex_unlock(&s->depot_lock);
	pthread_mutex_lock(&thread_lock);
	list_for_each_entry(tc, &thread_caches, list) {
		struct tc_slot *slot = tc_slot_of(tc, s);

		n += READ_ONCE(slot->avail) + READ_ONCE(slot->prev_avail);
		c->allocs += READ_ONCE(slot->allocs);
		c->frees += READ_ONCE(slot->frees);
		c->alloc_slow += READ_ONCE(slot->alloc_slow);
		c->free_slow += READ_ONCE(slot->free_slow);
	}
	pthread_mutex_unlock(&thread_lock);
	return n;
}

/**
 * mag_fork_child - after fork(), only the forking thread exists.  The
 * other thread caches belong to threads that are gone; they are unlinked
 * and unmapped, and what their magazines held stays allocated.
 *
 * Reclaiming it would not be safe: a thread may have been stopped halfway
 * through a slow path, its slot then naming a magazine it had already
 * handed to the depot, or the same magazine twice (a swap half done).  A
 * torn slot flushed into the slabs would corrupt them.  So the child loses
 * at most 2 magazines per cache per vanished thread, as glibc loses other
 * threads' tcache entries.
 * Context: the child, all allocator locks released, single-threaded.
 */
void mag_fork_child(void)
{
	struct tcache *tc, *tmp;

	list_for_each_entry_safe(tc, tmp, &thread_caches, list) {
		if (tc == tls_tc)
			continue;
		list_del(&tc->list);
		page_meta_unmap(tc, sizeof(*tc));
	}
}

/** mag_cache_init - set up the magazine cache and the thread-exit hook */
void mag_cache_init(void)
{
	magazine_cache = slab_boot_cache("kmem_magazine",
					 sizeof(struct magazine) +
					 MAX(SLAB_MAG_ROUNDS, 1) * sizeof(void *),
					 CACHE_LINE, SLAB_NO_CPU_CACHE | SLAB_NO_FAILSLAB);
	pthread_key_create(&tc_key, tc_destructor);
}
