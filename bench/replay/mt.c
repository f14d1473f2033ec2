// SPDX-License-Identifier: MIT
/*
 * bench/replay/mt.c - replay a multi-threaded trace on one thread per @TID,
 * keeping the trace's order wherever an object or block passes between
 * threads (what glibc's trace_run does with the sync points its converter
 * computes, here computed as the trace streams by).
 *
 * Threads: the calling thread is the *dispatcher*; it reads the trace and
 * hands each event to the *worker* of its thread id through a
 * single-producer single-consumer ring.  A worker runs its events in order.
 *
 * Slots: the dispatcher maps every live object and block id to a *slot*
 * (a place in a table of two words per slot: the object, or the block's
 * pointer and size), taken from a free list at new/malloc and returned at
 * free; object slots and block slots have free lists of their own, so a
 * slot never changes kind.  A worker clears a slot's first word when it
 * frees what the slot held, so the table holds exactly what is live, even
 * when a failure stops the replay with events handed out but not run: the
 * tear-down frees what the slots hold.  It remembers, per slot, the last event that touched it as
 * (worker, sequence number in that worker's ring).  An event whose slot
 * was last touched by another worker carries that pair as a *sync point*:
 * the worker waits until the other worker has completed that many events.
 * Each worker publishes its count of completed events with a release
 * store; waiting is an acquire load, so the slot's contents (and whatever
 * the earlier event did to the object) are visible.  A realloc touches two
 * slots and may carry two sync points.  Sync points always name earlier
 * events of the trace, so the earliest event not yet done can always run:
 * no deadlock.
 *
 * Class events (class, classattr) change what every object sees: the
 * dispatcher waits until every worker is idle and runs them itself.
 *
 * Serialisation: the object model serialises a space (object.h: one
 * thread at a time), so object events take the space's lock; malloc-level
 * events run in parallel (kmalloc and malloc are thread-safe) and count
 * their bytes with atomics.
 *
 * Determinism: every object's and block's events run in trace order, and
 * class events at their place, so attribute errors, bad ids (decided by
 * the dispatcher, in trace order), the checksum of values read, the peaks
 * of live objects and blocks (counted by the dispatcher, in trace order)
 * and the bytes live at the end are the same for every schedule.  Byte
 * peaks, RSS and times depend on the schedule, as they would in the
 * recorded program.
 *
 * Waiting: spin a little (pause), then sched_yield(): with more threads
 * than cores, a waiter must let the thread it waits for run.  Object events
 * hold the space lock (a test-and-set lock that waits the same way) in runs
 * of up to LOCK_BATCH, and a worker lets go of it before it waits for
 * anything; the dispatcher, when a ring is full, waits until half of it is
 * free.  Measured on two cores shared with other work, churn with 2 and 4
 * thread ids replays at 1 to 2 M events/s (12 M serially), a pthread mutex
 * or futex sleeps instead of yields halved that: each hand-over cost two
 * system calls.  Threaded replays are for what allocators do across
 * threads, not for speed.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "bench/progress/progress.h"
#include "bench/replay/internal.h"

#define RING_SIZE   1024u		/* ops per worker ring, a power of two */
#define CHUNK_SHIFT 14
#define CHUNK_SLOTS (1u << CHUNK_SHIFT)
#define CHUNK_BYTES (CHUNK_SLOTS * 2 * sizeof(uint64_t))
#define MAX_CHUNKS  (1u << 18)		/* 2^32 slots */
#define NO_SLOT     UINT32_MAX
#define LOCK_BATCH  64			/* object ops per hold of the space lock */

/**
 * struct mt_op - one event, resolved by the dispatcher
 * @ev:      the event (for messages; its names point into the reader)
 * @ordinal: its place in the trace, from 1
 * @sym, @cls: resolved attribute and class
 * @slot, @slot2: the object or block slot; realloc: new (@slot) and old
 *           (@slot2); NO_SLOT when unused
 * @wait:    up to two sync points: (worker index << 48 | sequence), 0 none
 */
struct mt_op {
	struct trace_event ev;
	uint64_t ordinal;
	const struct om_sym *sym;
	struct om_class *cls;
	uint32_t slot, slot2;
	uint64_t wait[2];
};

/**
 * struct mt_worker - a replay thread and its ring
 * @head:  ops published by the dispatcher (release)
 * @done:  ops completed by the worker (release); @done <= @head, and
 *         @head - @done <= RING_SIZE
 * @status, @f: the worker's fatal failure, if any
 * @locked, @held: the worker holds the space lock, over @held object ops
 */
struct mt_worker {
	struct replay_worker w;
	struct mt *mt;
	struct mt_op *ring;
	pthread_t th;
	bool started;
	bool locked;
	unsigned int held;
	int status;
	uint64_t fail_ordinal;
	struct replay_failure f;
	uint64_t head __attribute__((aligned(64)));
	uint64_t done __attribute__((aligned(64)));
};

/**
 * struct mt - the threaded replay
 * @chunks:  slot table: @chunks[i >> CHUNK_SHIFT][(i & mask) * 2 + word]
 * @nslots, @cap: slots in use; room in the per-slot arrays
 * @last:    per slot, the last touch (worker << 48 | seq), 0 for none
 * @is_block: per slot, whether it holds blocks (else objects)
 * @free:    free slot indices per kind (0 objects, 1 blocks), stacks of
 *           @nfree; the dispatcher's
 * @oslot, @bslot: object and block id -> slot + 1 (word 0), the dispatcher's:
 *           the replay's own id maps (@rp->objs, @rp->blks), which a
 *           threaded replay does not otherwise use
 * @finished, @stop: no more events will come; stop at once (a failure)
 *
 * The tables are harness memory (harness_alloc), outside the malloc a
 * --heap libc replay measures.
 */
struct mt {
	struct replay *rp;
	struct mt_worker *workers;
	uint32_t nworkers;
	int space_lock;
	uint64_t **chunks;
	uint32_t nslots, cap;
	uint64_t *last;
	uint8_t *is_block;
	uint32_t *free[2];
	uint32_t nfree[2];
	struct idmap *oslot, *bslot;
	int finished;
	int stop;
	uint64_t live_objs, live_blks;
};

static __always_inline uint64_t *slot_at(const struct mt *mt, uint32_t i)
{
	return &mt->chunks[i >> CHUNK_SHIFT][(size_t)(i & (CHUNK_SLOTS - 1)) * 2];
}

static bool reached(const struct mt *mt, const uint64_t *value, uint64_t target, bool fin)
{
	return smp_load_acquire(value) >= target || READ_ONCE(mt->stop) ||
	       (fin && smp_load_acquire(&mt->finished));
}

/* Wait until *@value >= @target, or @mt stops (or, if @fin, finishes). */
static void wait_for(const struct mt *mt, const uint64_t *value, uint64_t target, bool fin)
{
	for (unsigned int spins = 0; !reached(mt, value, target, fin); spins++) {
		if (spins < 64)
			__builtin_ia32_pause();
		else
			sched_yield();
	}
}

/* ---- workers -------------------------------------------------------------- */

static void wait_sync(struct mt *mt, uint64_t point)
{
	wait_for(mt, &mt->workers[point >> 48].done, point & ((1ull << 48) - 1), false);
}

static int run_block_op(struct mt *mt, struct mt_op *op)
{
	struct replay *rp = mt->rp;
	const struct trace_event *ev = &op->ev;
	uint64_t *e = op->slot != NO_SLOT ? slot_at(mt, op->slot) : NULL;
	uint64_t *old = op->slot2 != NO_SLOT ? slot_at(mt, op->slot2) : NULL;
	uint64_t nv[2];
	int r;

	switch (ev->kind) {
	case TRACE_MFREE:
		blk_free(rp, true, e);
		e[0] = 0;
		return 0;
	case TRACE_REALLOC:
		if (!old)
			break;			/* realloc of NULL: an allocation */
		if (!e) {			/* realloc to size 0, result NULL: a free */
			blk_free(rp, true, old);
			old[0] = 0;
			return 0;
		}
		if (ev->size) {
			r = blk_realloc(rp, true, ev->size, old, nv);
		} else {
			struct trace_event m = { .kind = TRACE_MALLOC };

			r = blk_alloc(rp, true, &m, nv);
			if (!r)
				blk_free(rp, true, old);
		}
		if (!r) {
			old[0] = 0;
			e[0] = nv[0];
			e[1] = nv[1];
		}
		return r;
	}
	return blk_alloc(rp, true, ev, e);
}

/*
 * Take or drop the space lock (struct mt_worker's @locked): a test-and-set
 * lock that waits as wait_for() does, since a sleeping mutex made every
 * hand-over a pair of system calls.
 */
static void space_lock(struct mt_worker *mw)
{
	int *lock = &mw->mt->space_lock;

	if (mw->locked)
		return;
	for (unsigned int spins = 0;
	     READ_ONCE(*lock) || __atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE); spins++) {
		if (spins < 64)
			__builtin_ia32_pause();
		else
			sched_yield();
	}
	mw->locked = true;
	mw->held = 0;
}

static void space_unlock(struct mt_worker *mw)
{
	if (mw->locked) {
		__atomic_store_n(&mw->mt->space_lock, 0, __ATOMIC_RELEASE);
		mw->locked = false;
	}
}

/*
 * One op.  Object ops run under the space lock, which the worker keeps over
 * up to LOCK_BATCH consecutive object ops (handing a lock over costs more
 * than the ops) and drops before it waits for anything.
 */
static int run_op(struct mt_worker *mw, struct mt_op *op)
{
	struct mt *mt = mw->mt;
	uint64_t *e = op->slot != NO_SLOT ? slot_at(mt, op->slot) : NULL;
	int r = 0;

	if (op->ev.kind >= TRACE_MALLOC) {
		space_unlock(mw);
		return run_block_op(mt, op);
	}
	space_lock(mw);
	switch (op->ev.kind) {
	case TRACE_NEW:
		r = obj_new(&mw->w, op->cls, e);
		break;
	case TRACE_SET:
		r = obj_set(&mw->w, e, op->sym, op->ev.value);
		break;
	case TRACE_GET:
		r = obj_get(&mw->w, e, op->sym);
		break;
	case TRACE_DEL:
		r = obj_del(&mw->w, e, op->sym);
		break;
	case TRACE_FREE:
		obj_free(e);
		e[0] = 0;
		break;
	case TRACE_WEAKREF:
		r = obj_weakref(&mw->w, e);
		break;
	case TRACE_SETCLASS:
		r = obj_setclass(&mw->w, e, op->cls);
		break;
	}
	if (++mw->held >= LOCK_BATCH)
		space_unlock(mw);
	return r;
}

static void *worker_main(void *arg)
{
	struct mt_worker *mw = arg;
	struct mt *mt = mw->mt;
	uint64_t cost = mt->rp->r->clock_cost_ns;
	unsigned int sample = mt->rp->o->sample;
	uint64_t next = mw->done;

	for (;;) {
		struct mt_op *op;
		int r;

		if (smp_load_acquire(&mw->head) == next) {
			space_unlock(mw);
			wait_for(mt, &mw->head, next + 1, true);
			if (smp_load_acquire(&mw->head) == next)
				return NULL;	/* finished (or stopped) with nothing left */
		}
		op = &mw->ring[next & (RING_SIZE - 1)];
		if (op->wait[0] || op->wait[1]) {
			space_unlock(mw);
			if (op->wait[0])
				wait_sync(mt, op->wait[0]);
			if (op->wait[1])
				wait_sync(mt, op->wait[1]);
		}
		if (READ_ONCE(mt->stop)) {
			space_unlock(mw);
			return NULL;
		}
		if (unlikely(--mw->w.sample_left == 0) && sample) {
			uint64_t t0 = metrics_now_ns(), d;

			mw->w.sample_left = sample;
			r = run_op(mw, op);
			d = metrics_now_ns() - t0;
			mw->w.kinds[op->ev.kind].sampled++;
			mw->w.kinds[op->ev.kind].ns += d > cost ? d - cost : 0;
		} else {
			r = run_op(mw, op);
		}
		if (unlikely(r)) {
			struct replay tmp = { .o = mt->rp->o, .r = mt->rp->r, .f = &mw->f };

			space_unlock(mw);
			mw->status = replay_fail_code(&tmp, r, op->ordinal, &op->ev);
			mw->fail_ordinal = op->ordinal;
			WRITE_ONCE(mt->stop, 1);
			return NULL;
		}
		smp_store_release(&mw->done, ++next);
	}
}

/* ---- the dispatcher --------------------------------------------------------- */

static uint32_t worker_of(const struct mt *mt, uint32_t tid)
{
	const uint32_t *t = mt->rp->scan.tids;
	uint32_t lo = 0, hi = mt->nworkers;

	while (lo + 1 < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (t[mid] <= tid)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Grow every per-slot array from @old to @n slots; 0 or -1. */
static int grow_slot_arrays(struct mt *mt, uint32_t old, uint32_t n)
{
	void *p;

	p = harness_grow(mt->last, old * sizeof(*mt->last), n * sizeof(*mt->last));
	if (!p)
		return -1;
	mt->last = p;
	p = harness_grow(mt->is_block, old, n);
	if (!p)
		return -1;
	mt->is_block = p;
	for (int k = 0; k < 2; k++) {
		p = harness_grow(mt->free[k], old * sizeof(uint32_t), n * sizeof(uint32_t));
		if (!p)
			return -1;
		mt->free[k] = p;
	}
	mt->cap = n;
	return 0;
}

/* A free slot for a block or an object, or NO_SLOT when out of memory. */
static uint32_t take_slot(struct mt *mt, bool block)
{
	uint32_t i;

	if (mt->nfree[block])
		return mt->free[block][--mt->nfree[block]];
	i = mt->nslots;
	if ((i >> CHUNK_SHIFT) >= MAX_CHUNKS)
		return NO_SLOT;
	if (!(i & (CHUNK_SLOTS - 1))) {
		uint64_t *c = harness_alloc(CHUNK_BYTES);

		if (!c || grow_slot_arrays(mt, mt->cap, i + CHUNK_SLOTS) != 0) {
			harness_free(c, CHUNK_BYTES);
			return NO_SLOT;
		}
		mt->chunks[i >> CHUNK_SHIFT] = c;
	}
	mt->is_block[i] = block;
	mt->nslots++;
	return i;
}

/* Wait until every worker has run everything it was given. */
static void drain(struct mt *mt)
{
	for (uint32_t i = 0; i < mt->nworkers; i++)
		wait_for(mt, &mt->workers[i].done, mt->workers[i].head, false);
}

/*
 * Resolve @id in @map to its slot for event @op: @alloc to make it live
 * (NO_SLOT back if it is live already), else to find it (NO_SLOT if it is
 * not live); @drop to make it dead afterwards.  Return -1 when out of
 * memory, else 0 with *@slot set.
 */
static int resolve(struct mt *mt, struct idmap *map, uint64_t id, bool alloc, bool drop,
		   uint32_t *slot)
{
	uint64_t *e;
	bool fresh;

	*slot = NO_SLOT;
	if (!alloc) {
		e = idmap_find(map, id);
		if (!e)
			return 0;
		*slot = (uint32_t)(*e - 1);
		if (drop) {
			bool block = mt->is_block[*slot];

			idmap_remove(map, id, e);
			mt->free[block][mt->nfree[block]++] = *slot;
		}
		return 0;
	}
	e = idmap_insert(map, id, &fresh);
	if (!e)
		return -1;
	if (!fresh)
		return 0;
	*slot = take_slot(mt, map == mt->bslot);
	if (*slot == NO_SLOT) {
		idmap_remove(map, id, e);
		return -1;
	}
	*e = *slot + 1ull;
	return 0;
}

/* Sync point for @slot touched now by worker @wi, and the new last touch. */
static uint64_t touch(struct mt *mt, uint32_t slot, uint32_t wi, uint64_t seq)
{
	uint64_t prev = mt->last[slot];

	mt->last[slot] = (uint64_t)wi << 48 | seq;
	return prev && (prev >> 48) != wi ? prev : 0;
}

/*
 * Fill @op's slots for its event; 1 to hand it to a worker, 0 when the
 * dispatcher is done with it (bad id counted, or nothing to do), or the
 * exit status of a failure (negative codes are out of memory).
 */
static int prepare(struct mt *mt, struct mt_op *op)
{
	const struct trace_event *ev = &op->ev;
	struct replay *rp = mt->rp;
	op->slot = op->slot2 = NO_SLOT;
	switch (ev->kind) {
	case TRACE_NEW:
		if (resolve(mt, mt->oslot, ev->id, true, false, &op->slot))
			return -1;
		if (op->slot == NO_SLOT)
			return replay_bad_id(rp, op->ordinal, ev, "new of an object id that is "
					     "live") ? 2 : 0;
		op->cls = rp->classes[ev->cls->id];
		mt->live_objs++;
		rp->r->objects_peak = MAX(rp->r->objects_peak, mt->live_objs);
		return 1;
	case TRACE_SET: case TRACE_GET: case TRACE_DEL:
		op->sym = replay_sym(rp, ev->attr);
		if (!op->sym)
			return -1;
		if (ev->kind == TRACE_SET && op->sym == rp->dict_sym && !dict_table_ok(ev->value))
			return replay_fail(rp, 2, op->ordinal, ev, DICT_TABLE_BAD);
		/* fall through */
	case TRACE_FREE: case TRACE_WEAKREF: case TRACE_SETCLASS:
		resolve(mt, mt->oslot, ev->id, false, ev->kind == TRACE_FREE, &op->slot);
		if (op->slot == NO_SLOT)
			return replay_bad_id(rp, op->ordinal, ev, "no live object has this id") ?
			       2 : 0;
		if (ev->kind == TRACE_SETCLASS)
			op->cls = rp->classes[ev->cls->id];
		mt->live_objs -= ev->kind == TRACE_FREE;
		return 1;
	case TRACE_MFREE:
		if (!ev->id)
			return 0;
		resolve(mt, mt->bslot, ev->id, false, true, &op->slot);
		if (op->slot == NO_SLOT)
			return replay_bad_id(rp, op->ordinal, ev, "mfree of a block that is not "
					     "live") ? 2 : 0;
		mt->live_blks--;
		return 1;
	case TRACE_REALLOC:
		if (ev->old_id) {
			if (!ev->id && ev->size)
				return 0;	/* a failed realloc changes nothing */
			if (!idmap_find(mt->bslot, ev->old_id))
				return replay_bad_id(rp, op->ordinal, ev, "realloc of a block that "
						     "is not live") ? 2 : 0;
			if (ev->id && ev->id != ev->old_id && idmap_find(mt->bslot, ev->id))
				return replay_bad_id(rp, op->ordinal, ev, "realloc into a block id "
						     "that is live") ? 2 : 0;
			resolve(mt, mt->bslot, ev->old_id, false, true, &op->slot2);
			mt->live_blks--;
		}
		if (!ev->id)
			return op->slot2 != NO_SLOT;
		/* fall through */
	default:		/* malloc, calloc, memalign, realloc into NEWID */
		if (!ev->id)
			return 0;
		if (resolve(mt, mt->bslot, ev->id, true, false, &op->slot))
			return -1;
		if (op->slot == NO_SLOT)
			return replay_bad_id(rp, op->ordinal, ev, "allocation into a block id "
					     "that is live") ? 2 : 0;
		mt->live_blks++;
		rp->r->blocks_peak = MAX(rp->r->blocks_peak, mt->live_blks);
		return 1;
	}
}

static int dispatch(struct mt *mt, const struct trace_event *ev, uint64_t ordinal,
		    struct replay_worker *dw)
{
	struct replay *rp = mt->rp;
	struct mt_worker *mw;
	struct mt_op *op, tmp = { .ev = *ev, .ordinal = ordinal };
	uint64_t seq;
	uint32_t wi;
	int r;

	if (ev->kind == TRACE_CLASS || ev->kind == TRACE_CLASSATTR) {
		const struct om_sym *sym;

		drain(mt);
		if (ev->kind == TRACE_CLASS) {
			r = replay_declare_class(rp, ev->cls);
		} else {
			sym = replay_sym(rp, ev->attr);
			r = sym ? replay_classattr(dw, rp->classes[ev->cls->id], sym, ev->value) :
				  REPLAY_ENOMEM;
		}
		return r ? replay_fail_code(rp, r, ordinal, ev) : 0;
	}
	r = prepare(mt, &tmp);
	if (r < 0)
		return replay_fail_code(rp, REPLAY_ENOMEM, ordinal, ev);
	if (r != 1)
		return r;
	wi = worker_of(mt, ev->tid);
	mw = &mt->workers[wi];
	seq = mw->head + 1;
	if (tmp.slot != NO_SLOT)
		tmp.wait[0] = touch(mt, tmp.slot, wi, seq);
	if (tmp.slot2 != NO_SLOT)
		tmp.wait[1] = touch(mt, tmp.slot2, wi, seq);
	if (mw->head - smp_load_acquire(&mw->done) >= RING_SIZE) {
		wait_for(mt, &mw->done, mw->head - RING_SIZE / 2, false);
		if (READ_ONCE(mt->stop))
			return 0;
	}
	op = &mw->ring[mw->head & (RING_SIZE - 1)];
	*op = tmp;
	smp_store_release(&mw->head, seq);
	return 0;
}

static int start_workers(struct mt *mt)
{
	for (uint32_t i = 0; i < mt->nworkers; i++) {
		struct mt_worker *mw = &mt->workers[i];

		mw->mt = mt;
		mw->w.rp = mt->rp;
		mw->w.shared = true;
		mw->w.sample_left = mt->rp->o->sample ? mt->rp->o->sample : UINT32_MAX;
		mw->ring = harness_alloc(RING_SIZE * sizeof(*mw->ring));
		if (!mw->ring || pthread_create(&mw->th, NULL, worker_main, mw) != 0)
			return -1;
		mw->started = true;
	}
	return 0;
}

/* The failure of the earliest event, among the workers' (and @status). */
static int pick_failure(struct mt *mt, int status)
{
	struct mt_worker *first = NULL;

	if (status)
		return status;
	for (uint32_t i = 0; i < mt->nworkers; i++) {
		struct mt_worker *mw = &mt->workers[i];

		if (mw->status && (!first || mw->fail_ordinal < first->fail_ordinal))
			first = mw;
	}
	if (!first)
		return 0;
	*mt->rp->f = first->f;
	return first->status;
}

/* Free what the threaded replay left: live objects and blocks, slots, rings. */
void replay_threads_end(struct replay *rp)
{
	struct mt *mt = rp->mt;

	if (!mt)
		return;
	for (uint32_t i = 0; i < mt->nslots; i++) {
		uint64_t *e = slot_at(mt, i);

		if (!e[0])
			continue;
		if (mt->is_block[i])
			blk_free(rp, true, e);
		else
			obj_free(e);
	}
	for (uint32_t i = 0; mt->workers && i < mt->nworkers; i++)
		harness_free(mt->workers[i].ring, RING_SIZE * sizeof(struct mt_op));
	for (uint32_t i = 0; mt->chunks && i < MAX_CHUNKS && mt->chunks[i]; i++)
		harness_free(mt->chunks[i], CHUNK_BYTES);
	free(mt->chunks);
	free(mt->workers);
	harness_free(mt->last, mt->cap * sizeof(*mt->last));
	harness_free(mt->is_block, mt->cap);
	harness_free(mt->free[0], mt->cap * sizeof(uint32_t));
	harness_free(mt->free[1], mt->cap * sizeof(uint32_t));
	free(mt);
	rp->mt = NULL;
}

int replay_threads_setup(struct replay *rp)
{
	const struct replay_scan *sc = &rp->scan;
	struct mt *mt = calloc(1, sizeof(*mt));

	if (!mt)
		return -1;
	rp->mt = mt;
	mt->rp = rp;
	mt->nworkers = sc->ntids;
	mt->oslot = &rp->objs;
	mt->bslot = &rp->blks;
	mt->workers = calloc(mt->nworkers, sizeof(*mt->workers));
	mt->chunks = calloc(MAX_CHUNKS, sizeof(*mt->chunks));
	if (!mt->workers || !mt->chunks)
		return -1;
	/*
	 * Slots for the first pass's peaks now, so that they are in the RSS
	 * baseline; stacked so that they are handed out lowest first.
	 */
	for (int k = 0; k < 2; k++) {
		uint64_t want = k ? sc->blocks_peak : sc->objects_peak;

		for (uint64_t i = 0; i < want; i++) {
			uint32_t slot = take_slot(mt, k);

			if (slot == NO_SLOT)
				return -1;
			mt->free[k][mt->nfree[k]++] = slot;
		}
		for (uint32_t i = 0, j = mt->nfree[k]; i + 1 < j; i++, j--) {
			uint32_t t = mt->free[k][i];

			mt->free[k][i] = mt->free[k][j - 1];
			mt->free[k][j - 1] = t;
		}
	}
	return start_workers(mt);
}

int replay_threads(struct replay *rp)
{
	struct replay_worker dw = { .rp = rp };
	struct trace_event evs[REPLAY_BATCH];
	uint64_t ordinal = 0, done, total;
	struct mt *mt = rp->mt;
	struct progress pr;
	ssize_t n = 0;
	int status = 0;

	trace_progress(rp->t, &done, &total);
	progress_start(&pr, "replay", "bytes", total);
	while (!status && !READ_ONCE(mt->stop) &&
	       (n = trace_next_batch(rp->t, evs, REPLAY_BATCH)) > 0) {
		for (ssize_t i = 0; i < n && !status && !READ_ONCE(mt->stop); i++)
			status = dispatch(mt, &evs[i], ++ordinal, &dw);
		if ((ordinal & (REPLAY_SAMPLE_EVERY - 1)) < (uint64_t)n)
			rss_sample(&rp->r->rss);
		trace_progress(rp->t, &done, &total);
		progress_draw(&pr, done);
	}
	progress_end(&pr);
	if (!status && n < 0)
		status = replay_fail_trace(rp->f, trace_error(rp->t));
	if (status)
		WRITE_ONCE(mt->stop, 1);
	smp_store_release(&mt->finished, 1);
	for (uint32_t i = 0; mt->workers && i < mt->nworkers; i++)
		if (mt->workers[i].started)
			pthread_join(mt->workers[i].th, NULL);
	status = pick_failure(mt, status);
	replay_merge_worker(rp, &dw);
	for (uint32_t i = 0; mt->workers && i < mt->nworkers; i++)
		replay_merge_worker(rp, &mt->workers[i].w);
	rp->r->objects_end = mt->live_objs;
	rp->r->blocks_end = mt->live_blks;
	return status;
}
