/* SPDX-License-Identifier: MIT */
/*
 * bench/replay/internal.h - what the replayer's files share.
 *
 *   replay.c       set-up (space, heap, classes per layout), the event
 *                  handlers, the serial replay loop, results, tear-down
 *   replay_scan.c  the first pass
 *   replay_heap.c  malloc-level events on the slab heap or on libc
 *   replay_mt.c    one thread per @TID, with sync points
 *   replay_ids.c   id maps
 *   replay_json.c  results as JSON and as text
 */
#ifndef SLOTSLAB_BENCH_REPLAY_INTERNAL_H
#define SLOTSLAB_BENCH_REPLAY_INTERNAL_H

#include "bench/replay/replay.h"
#include "bench/replay/ids.h"

#define REPLAY_BATCH 256
/* Events between two RSS and slab samples (and peak checks of the MT loop). */
#define REPLAY_SAMPLE_EVERY (1u << 20)

/**
 * struct scan_class - what the first pass learnt about one class
 * @extra:   --layout slots: the names set on its instances that become
 *           slots of this class (not slots of an ancestor, not class
 *           attributes), in order of first appearance in the trace
 * @weakref: --layout slots: the trace takes a weak reference to one of its
 *           instances
 */
struct scan_class {
	char **extra;
	uint32_t nextra;
	bool weakref;
};

/**
 * struct replay_scan - the first pass's figures
 * @kinds:       events per kind; @events their sum
 * @tids:        the distinct thread ids, sorted; @ntids of them
 * @max_obj, @max_block: the largest ids used (0 if none)
 * @nnew, @nalloc: new events; block allocations (distinct ids at most)
 * @objects_peak, @blocks_peak: peaks of (allocations - frees) in trace
 *               order, counted without tracking ids (sizing hints)
 * @cls:         --layout slots only: per class id, @nclasses of them
 */
struct replay_scan {
	uint64_t kinds[TRACE_NR_KINDS];
	uint64_t events;
	uint32_t *tids;
	uint32_t ntids;
	uint64_t max_obj, max_block;
	uint64_t nnew, nalloc;
	uint64_t objects_peak, blocks_peak;
	struct scan_class *cls;
	uint32_t nclasses;
	double seconds;
};

/*
 * The first pass.  With @keep, the reader is not closed but handed back
 * (its buffers then stay allocated through the replay, rather than being
 * recycled by a malloc under measurement).
 */
int replay_scan(const struct replay_opts *o, struct replay_scan *s, struct replay_failure *f,
		struct trace **keep);
/** replay_scan_free - free what replay_scan() allocated in @s */
void replay_scan_free(struct replay_scan *s);

/**
 * struct block_ops - a heap for malloc-level events (replay_heap.c), in the
 * manner of SQLite's sqlite3_mem_methods
 * @alloc:    malloc (@align 0) or an aligned allocation; NULL on failure
 * @zalloc:   calloc: @nmemb * @size zeroed bytes; NULL on failure or overflow
 * @realloc:  resize @p (never NULL) to @size > 0
 * @free:     release @p
 * @usable:   bytes @p really holds
 */
struct block_ops {
	const char *name;
	void *(*alloc)(size_t size, size_t align);
	void *(*zalloc)(size_t nmemb, size_t size);
	void *(*realloc)(void *p, size_t size);
	void (*free)(void *p);
	size_t (*usable)(const void *p);
};

extern const struct block_ops replay_slab_ops, replay_libc_ops;

/*
 * A block entry in an id map: word 0 the pointer (or BLOCK_NULL for a
 * zero-size allocation the heap answered with NULL), word 1 the size asked
 * for.
 */
#define BLOCK_NULL ((uint64_t)1)

/* Return codes of the handlers below. */
enum {
	REPLAY_OK = 0,
	REPLAY_ENOMEM = -1,	/* fatal: out of memory */
	REPLAY_EBADCLASS = -2,	/* fatal: the object model refused a class */
	REPLAY_EOVERFLOW = -3,	/* fatal: calloc's nmemb * size overflows */
};

/**
 * struct replay_worker - one replaying thread's counters
 * @errors, @checksum: as in struct replay_result, summed at the end
 * @kinds:  sampled timing
 * @sample_left: events until the next timed one
 * @shared: blocks are counted with atomics (other workers count too)
 */
struct replay_worker {
	struct replay *rp;
	uint64_t errors[REPLAY_ERR_NR];
	uint64_t checksum;
	struct replay_kind kinds[TRACE_NR_KINDS];
	uint32_t sample_left;
	bool shared;
};

/**
 * struct replay - one replay
 * @t:        the reader of the acting pass; @t1 the first pass's, kept open
 * @classes:  om class per trace class id (NULL until declared); @nclasses
 * @syms:     om symbol per trace attribute id (NULL until first used)
 * @objs, @blks: id -> object (1 word) and id -> block (2 words), serial
 *            replay only
 * @blocks:   malloc-level accounting (atomics when several workers run)
 * @mt:       the threaded replay's state, until replay_threads_end()
 */
struct replay {
	const struct replay_opts *o;
	struct replay_result *r;
	struct replay_failure *f;
	struct replay_scan scan;
	struct trace *t, *t1;
	struct om_heap *heap;
	struct om_space *space;
	const struct block_ops *bops;
	struct om_class **classes;
	uint32_t nclasses;
	const struct om_sym **syms;
	uint32_t nsyms;
	const struct om_sym *dict_sym;	/* "__dict__": a get of it is om_read_dict, a set om_own_dict */
	struct idmap objs, blks;
	struct replay_blocks blocks;
	uint64_t live_peak;	/* objects + blocks at the peak, for at_peak */
	uint64_t bytes_mark;	/* at_bytes: blocks' bytes live at at_peak's last call */
	struct mt *mt;
};

/* ---- replay.c: handlers shared by the serial and threaded loops ------- */

/**
 * replay_declare_class - create the om class for trace class @c, as the
 * layout makes it (replay.c's design comment)
 * @rp: the replay; @rp->classes[@c->id] receives the class
 * @c:  the class, whose base is declared already
 *
 * Return: REPLAY_OK, REPLAY_ENOMEM, or REPLAY_EBADCLASS (om_errmsg() says
 * why the object model refused it).
 * Context: the replaying thread, no other thread using the space.
 */
int replay_declare_class(struct replay *rp, const struct trace_class *c);

/**
 * replay_classattr - bind class attribute @sym of @cls to @value
 * Return: REPLAY_OK (a conflict is counted in @w) or REPLAY_ENOMEM.
 */
int replay_classattr(struct replay_worker *w, struct om_class *cls,
		     const struct om_sym *sym, int64_t value);

/**
 * replay_sym_slow - intern attribute @s and remember it by its id
 * Return: the symbol, or NULL when out of memory.
 * Context: one thread (the serial loop, or the dispatcher).
 */
const struct om_sym *replay_sym_slow(struct replay *rp, const struct trace_symbol *s);

/* The om symbol of attribute @s (interned on first use). */
static __always_inline const struct om_sym *replay_sym(struct replay *rp,
						       const struct trace_symbol *s)
{
	if (likely(s->id < rp->nsyms && rp->syms[s->id]))
		return rp->syms[s->id];
	return replay_sym_slow(rp, s);
}

/*
 * Object events on a resolved object: the attribute errors are counted in
 * @w; the return value is REPLAY_OK or a fatal REPLAY_E*.
 */
static __always_inline void count_error(struct replay_worker *w, int err)
{
	switch (err) {
	case OM_ENOATTR:
		w->errors[REPLAY_ERR_NO_ATTRIBUTE]++;
		break;
	case OM_ENODICT:
		w->errors[REPLAY_ERR_NO_DICT]++;
		break;
	case OM_ENOWEAKREF:
		w->errors[REPLAY_ERR_NO_WEAKREF]++;
		break;
	case OM_ELAYOUT:
		w->errors[REPLAY_ERR_LAYOUT]++;
		break;
	case OM_ECONFLICT:
		w->errors[REPLAY_ERR_CONFLICT]++;
		break;
	}
}

/* An om_* return code: 0, a counted attribute error, or fatal. */
static __always_inline int om_result(struct replay_worker *w, int err)
{
	if (likely(err == 0))
		return REPLAY_OK;
	if (err == OM_ENOMEM)
		return REPLAY_ENOMEM;
	count_error(w, err);
	return REPLAY_OK;
}

static __always_inline int obj_new(struct replay_worker *w, struct om_class *cls,
				   uint64_t *entry)
{
	struct om_object *obj;

	if (unlikely(om_new(cls, &obj) != 0))
		return REPLAY_ENOMEM;
	entry[0] = (uint64_t)(uintptr_t)obj;
	return REPLAY_OK;
}

/*
 * "set OBJ __dict__ N": the instance's dict has a hash table of its own of
 * N slots (om_own_dict: `obj.__dict__ = d`).  Is N one (checked before
 * obj_set, which takes it as given)?
 */
#define DICT_TABLE_BAD "set OBJ __dict__ N gives the dict a table of N slots: N must be " \
		       "a power of two from 8 to 67108864"
static inline bool dict_table_ok(int64_t n)
{
	return n >= 8 && (uint64_t)n <= OM_OWN_DICT_MAX && !(n & (n - 1));
}

static __always_inline int obj_set(struct replay_worker *w, uint64_t *entry,
				   const struct om_sym *sym, int64_t value)
{
	/* Values are kept modulo 2^63: om_int() holds 63 bits. */
	om_value v = ((uint64_t)value << 1) | 1u;
	struct om_object *obj = (struct om_object *)(uintptr_t)entry[0];

	if (unlikely(sym == w->rp->dict_sym))	/* obj.__dict__ = d */
		return om_result(w, om_own_dict(obj, (uint64_t)value));
	return om_result(w, om_set(obj, sym, v));
}

static __always_inline int obj_get(struct replay_worker *w, uint64_t *entry,
				   const struct om_sym *sym)
{
	om_value v;
	int err;

	if (unlikely(sym == w->rp->dict_sym))	/* obj.__dict__ (vars(), pickle) */
		return om_result(w, om_read_dict((struct om_object *)(uintptr_t)entry[0]));
	err = om_get((struct om_object *)(uintptr_t)entry[0], sym, &v);
	if (likely(err == 0)) {
		w->checksum += v >> 1;
		return REPLAY_OK;
	}
	return om_result(w, err);
}

static __always_inline int obj_del(struct replay_worker *w, uint64_t *entry,
				   const struct om_sym *sym)
{
	return om_result(w, om_del((struct om_object *)(uintptr_t)entry[0], sym));
}

static __always_inline void obj_free(uint64_t *entry)
{
	om_free((struct om_object *)(uintptr_t)entry[0]);
}

static __always_inline int obj_weakref(struct replay_worker *w, uint64_t *entry)
{
	struct om_weakref *ref;
	int err = om_weakref_new((struct om_object *)(uintptr_t)entry[0], &ref);

	if (err == 0)
		om_weakref_free(ref);
	return om_result(w, err);
}

static __always_inline int obj_setclass(struct replay_worker *w, uint64_t *entry,
					struct om_class *cls)
{
	return om_result(w, om_set_class((struct om_object *)(uintptr_t)entry[0], cls));
}

/* ---- replay_heap.c: malloc-level events ---------------------------------- */

/**
 * blk_alloc - allocate a block on the replay's heap
 * @rp:     the replay (@rp->bops, @rp->blocks)
 * @shared: other workers count blocks too (atomics)
 * @ev:     MALLOC, CALLOC or MEMALIGN, or a REALLOC of NULL (@ev->size bytes)
 * @e:      the block entry to fill (2 words)
 *
 * Return: REPLAY_OK, REPLAY_ENOMEM, or REPLAY_EOVERFLOW (calloc).
 */
int blk_alloc(struct replay *rp, bool shared, const struct trace_event *ev, uint64_t *e);

/**
 * blk_realloc - resize block @old to @size > 0 bytes into entry @e
 * (@e may be @old); on failure @old is untouched
 * Return: REPLAY_OK or REPLAY_ENOMEM.
 */
int blk_realloc(struct replay *rp, bool shared, uint64_t size, uint64_t *old, uint64_t *e);

/** blk_free - free the block of entry @e and uncount it */
void blk_free(struct replay *rp, bool shared, uint64_t *e);

/* ---- replay_mt.c -------------------------------------------------------- */

/**
 * replay_threads_setup - before the baseline: the threads, their rings,
 * and slots for the first pass's peaks (@rp->mt)
 * Return: 0, or -1 when out of memory (replay_threads_end() cleans up).
 */
int replay_threads_setup(struct replay *rp);

/**
 * replay_threads - the second pass on one thread per @TID (replay_mt.c)
 * @rp: the replay, set up by replay_threads_setup()
 *
 * What is still live stays so until replay_threads_end(), so that results
 * can be read first.
 * Return: 0, or the exit status of the failure of the earliest event.
 */
int replay_threads(struct replay *rp);

/** replay_threads_end - free what the threads left live, and their state */
void replay_threads_end(struct replay *rp);

/* ---- replay.c: failures ------------------------------------------------- */

/**
 * replay_fail - record a failure in @rp->f: "FILE: event N (TEXT): message"
 * @status:  the exit status (1 or 2)
 * @ordinal: the event's place in the trace, from 1
 * @ev:      the event, or NULL for a failure outside any event
 *
 * Return: @status.
 */
int replay_fail(struct replay *rp, int status, uint64_t ordinal,
		const struct trace_event *ev, const char *fmt, ...) __printf(5, 6);

/**
 * replay_fail_trace - record in @f what the trace reader reported in @e
 * (its message names the file, and the line or offset)
 * Return: the status: 2 for bad input, 1 for I/O.
 */
int replay_fail_trace(struct replay_failure *f, const struct trace_error *e);

/**
 * replay_fail_code - replay_fail() for a REPLAY_E* code: out of memory
 * (status 1, naming what the failed allocation was for), calloc overflow or
 * a refused class (status 2)
 * Return: the status.
 */
int replay_fail_code(struct replay *rp, int code, uint64_t ordinal,
		     const struct trace_event *ev);

/**
 * replay_bad_id - an event names an id that is not live (@what says how)
 *
 * Counted in bad_ids, the first one described; fatal under --strict.
 * Return: 0 when counted, else the exit status (2).
 * Context: one thread (the serial loop, or the dispatcher).
 */
int replay_bad_id(struct replay *rp, uint64_t ordinal, const struct trace_event *ev,
		  const char *what);

/** replay_merge_worker - add @w's counters to the results */
void replay_merge_worker(struct replay *rp, const struct replay_worker *w);

#endif
