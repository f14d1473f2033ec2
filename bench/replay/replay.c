// SPDX-License-Identifier: MIT
/*
 * bench/replay/replay.c - replay a trace on the object model and a heap
 * (docs/DESIGN.md sections 6 and 7): set-up, the event handlers, the serial
 * loop, results and tear-down.
 *
 * Phases of replay_run():
 *   1. first pass (replay_scan.c): figures, and the slots of --layout slots;
 *      its reader stays open until the end, so that its buffers are not
 *      recycled by a malloc the replay measures;
 *   2. set-up, untimed: the reader of the second pass, the heap
 *      (om_heap_create "kmalloc" or "libc"), the space (profile; for libc
 *      OM_SPACE_HEAP_INSTANCES, so that instances come from malloc too),
 *      the id maps (dense or hash, replay_ids.c) written once so that
 *      their pages are resident, the replay threads;
 *   3. baseline: RSS (and its high-water mark reset), counters enabled,
 *      clocks read;
 *   4. the replay pass, timed: classes are declared as their TRACE_CLASS
 *      events come, so a class costs what it costs where the trace puts
 *      it;
 *   5. results: clocks, counters, RSS; the space's and heap's accounting
 *      (their peaks); slab_get_mem_info;
 *   6. tear-down, untimed, on every path: objects and blocks still live are
 *      freed, the space (with its classes) and the heap destroyed.
 *
 * Layouts (docs/DESIGN.md section 7), per trace class:
 *   declared  the class line as written: slots=, dict, weakref, varsize;
 *   slots     OM_CLASS_SLOTS, no dict: the declared slots plus the names
 *             the first pass found (replay_scan.c says which), weakref only
 *             where the trace takes weak references;
 *   dict      no slots: a dict (and weakref, unless over a variable-size
 *             base) as every class without __slots__; varsize stays.
 *
 * Ids: an event naming an object or block that is not live, or a new or
 * malloc of one that is, changes nothing.  By default it is counted
 * (bad_ids) and the first one is reported; with --strict it is fatal (exit
 * 2).  Counting is the default because recorded programs (slotslab record,
 * imported malloc traces) free blocks allocated before recording began.
 *
 * Timing per kind: one event in opts.sample is timed alone with the
 * monotonic clock (vDSO, about 20 ns a read), less the clock's own cost
 * measured at start-up; struct replay_kind turns the samples into an
 * estimate per kind.  The other events run untimed, so the total is exact
 * and the sampling costs two clock reads per opts.sample events.
 *
 * Errors: attribute errors (rules 2, 3, 6, 7, 8) are counted by kind and
 * change nothing (the object model guarantees it).  Out of memory at any
 * allocation (the model's, the heap's, the replayer's own) stops the
 * replay with exit status 1 and a message naming the event; nothing is
 * written (the CLI writes results only on success).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench/progress/progress.h"
#include "bench/replay/internal.h"

static const char *const errkind_names[REPLAY_ERR_NR] = {
	[REPLAY_ERR_NO_ATTRIBUTE] = "no_attribute",
	[REPLAY_ERR_NO_DICT] = "no_dict",
	[REPLAY_ERR_NO_WEAKREF] = "no_weakref",
	[REPLAY_ERR_LAYOUT] = "layout",
	[REPLAY_ERR_CONFLICT] = "class_attr_conflict",
};

const char *replay_errkind_name(enum replay_errkind k)
{
	return k < REPLAY_ERR_NR ? errkind_names[k] : "?";
}

const char *const replay_layout_names[] = {
	[REPLAY_LAYOUT_DECLARED] = "declared",
	[REPLAY_LAYOUT_SLOTS] = "slots",
	[REPLAY_LAYOUT_DICT] = "dict",
	NULL,
};

const char *const replay_heap_names[] = {
	[REPLAY_HEAP_SLAB] = "slab",
	[REPLAY_HEAP_LIBC] = "libc",
	NULL,
};

const char *replay_layout_name(enum replay_layout l)
{
	return l == REPLAY_LAYOUT_SLOTS ? "slots" : l == REPLAY_LAYOUT_DICT ? "dict" : "declared";
}

const char *replay_heap_name(enum replay_heap h)
{
	return h == REPLAY_HEAP_LIBC ? "libc" : "slab";
}

/* ---- --profile auto ------------------------------------------------------ */

int replay_profile_auto(struct replay_opts *o, struct replay_failure *f)
{
	char impl[TRACE_PYTHON_MAX], version[TRACE_PYTHON_MAX];
	struct trace_error err;
	struct trace *t = trace_open(o->path, NULL, &err);
	const char *name;
	bool named;

	memset(f, 0, sizeof(*f));
	if (!t)
		return replay_fail_trace(f, &err);
	named = trace_python(t, impl, version);
	trace_close(t);
	f->status = 2;
	if (!named) {
		snprintf(f->msg, sizeof(f->msg), "--profile auto: %s names no interpreter (no "
			 "header line '# python: IMPL VERSION'); give a profile by name", o->path);
		return f->status;
	}
	name = om_profile_for_python(impl, version);
	if (!name) {
		if (strcasecmp(impl, "cpython") == 0)
			snprintf(f->msg, sizeof(f->msg), "--profile auto: %s was made under cpython "
				 "%s, which no profile models (cpython 2.7 and 3.6 to 3.13 are); "
				 "give a profile by name", o->path, version);
		else
			snprintf(f->msg, sizeof(f->msg), "--profile auto: %s was made under %s %s, "
				 "whose objects no profile models (the profiles are CPython's "
				 "layouts; PyPy stores attributes in maps); give a profile by name",
				 o->path, impl, version);
		return f->status;
	}
	o->profile = name;
	return f->status = 0;
}

/* ---- failures ------------------------------------------------------------ */

int replay_fail_trace(struct replay_failure *f, const struct trace_error *e)
{
	snprintf(f->msg, sizeof(f->msg), "%s", e->msg);
	return f->status = trace_error_status(e);
}

static int vfail(struct replay *rp, int status, uint64_t ordinal, const struct trace_event *ev,
		 const char *fmt, va_list ap)
{
	char what[160], text[256] = "";

	vsnprintf(what, sizeof(what), fmt, ap);
	if (ev) {
		trace_event_format(ev, text, sizeof(text));
		snprintf(rp->f->msg, sizeof(rp->f->msg), "%s: event %llu (%s): %s",
			 rp->o->path, (unsigned long long)ordinal, text, what);
	} else {
		snprintf(rp->f->msg, sizeof(rp->f->msg), "%s: %s", rp->o->path, what);
	}
	rp->f->status = status;
	return status;
}

int replay_fail(struct replay *rp, int status, uint64_t ordinal, const struct trace_event *ev,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(rp, status, ordinal, ev, fmt, ap);
	va_end(ap);
	return status;
}

/* What the allocation that failed was for, from its event. */
static void what_failed(const struct replay *rp, const struct trace_event *ev, char *buf,
			size_t len)
{
	const char *heap = rp->o->heap == REPLAY_HEAP_LIBC ? "the libc heap" : "the slab heap";

	switch (ev ? ev->kind : 0) {
	case TRACE_CLASS:
		snprintf(buf, len, "declaring class '%s'", ev->cls->name);
		break;
	case TRACE_CLASSATTR:
		snprintf(buf, len, "binding class attribute '%s' of '%s'", ev->attr->name,
			 ev->cls->name);
		break;
	case TRACE_NEW:
		snprintf(buf, len, "allocating an instance of '%s'", ev->cls->name);
		break;
	case TRACE_SET: case TRACE_GET: case TRACE_DEL:
		snprintf(buf, len, "storing attribute '%s'", ev->attr->name);
		break;
	case TRACE_WEAKREF:
		snprintf(buf, len, "allocating a weak reference");
		break;
	case TRACE_SETCLASS:
		snprintf(buf, len, "moving an instance to class '%s'", ev->cls->name);
		break;
	case TRACE_CALLOC:
		snprintf(buf, len, "allocating %llu x %llu bytes from %s",
			 (unsigned long long)ev->nmemb, (unsigned long long)ev->size, heap);
		break;
	case TRACE_MALLOC: case TRACE_REALLOC: case TRACE_MEMALIGN:
		snprintf(buf, len, "allocating %llu bytes from %s",
			 (unsigned long long)ev->size, heap);
		break;
	default:
		snprintf(buf, len, "in the replayer's own tables");
		break;
	}
}

int replay_fail_code(struct replay *rp, int code, uint64_t ordinal, const struct trace_event *ev)
{
	char what[200];

	switch (code) {
	case REPLAY_ENOMEM:
		what_failed(rp, ev, what, sizeof(what));
		return replay_fail(rp, 1, ordinal, ev, "out of memory %s", what);
	case REPLAY_EOVERFLOW:
		return replay_fail(rp, 2, ordinal, ev, "expected a calloc whose size fits in "
				   "memory, found NMEMB * SIZE overflowing");
	default:
		return replay_fail(rp, 2, ordinal, ev, "the object model refuses the class: %s",
				   om_errmsg());
	}
}

/*
 * An event naming an id that is not live (@what says how): counted, or
 * fatal under --strict.  Return: 0 (counted) or the exit status.
 */
int replay_bad_id(struct replay *rp, uint64_t ordinal, const struct trace_event *ev,
		  const char *what)
{
	char text[256];

	if (rp->o->strict)
		return replay_fail(rp, 2, ordinal, ev, "%s", what);
	if (rp->r->bad_ids++ == 0) {
		trace_event_format(ev, text, sizeof(text));
		snprintf(rp->r->bad_id_msg, sizeof(rp->r->bad_id_msg),
			 "%s: event %llu (%s): %s", rp->o->path, (unsigned long long)ordinal,
			 text, what);
	}
	return 0;
}

/* ---- classes and symbols ------------------------------------------------- */

const struct om_sym *replay_sym_slow(struct replay *rp, const struct trace_symbol *s)
{
	if (s->id >= rp->nsyms) {
		uint32_t n = MAX(s->id + 1, rp->nsyms * 2);
		const struct om_sym **v = realloc(rp->syms, n * sizeof(*v));

		if (!v)
			return NULL;
		memset(v + rp->nsyms, 0, (n - rp->nsyms) * sizeof(*v));
		rp->syms = v;
		rp->nsyms = n;
	}
	rp->syms[s->id] = om_intern(s->name);
	return rp->syms[s->id];
}

int replay_declare_class(struct replay *rp, const struct trace_class *c)
{
	const struct scan_class *sc = rp->scan.cls && c->id < rp->scan.nclasses ?
				      &rp->scan.cls[c->id] : NULL;
	struct om_class_def def = { .name = c->name };
	const char **names = NULL;
	int err;

	if (c->id >= rp->nclasses) {
		uint32_t n = MAX(c->id + 1, rp->nclasses * 2);
		struct om_class **v = realloc(rp->classes, n * sizeof(*v));

		if (!v)
			return REPLAY_ENOMEM;
		memset(v + rp->nclasses, 0, (n - rp->nclasses) * sizeof(*v));
		rp->classes = v;
		rp->nclasses = n;
	}
	def.base = c->base ? rp->classes[c->base->id] : NULL;
	if (c->flags & TRACE_CF_VARSIZE)
		def.flags |= OM_CLASS_VARSIZE;
	switch (rp->o->layout) {
	case REPLAY_LAYOUT_DECLARED:
		def.flags |= (c->flags & TRACE_CF_SLOTS ? OM_CLASS_SLOTS : 0) |
			     (c->flags & TRACE_CF_DICT ? OM_CLASS_DICT : 0) |
			     (c->flags & TRACE_CF_WEAKREF ? OM_CLASS_WEAKREF : 0);
		/* fall through */
	case REPLAY_LAYOUT_SLOTS:
		def.nslots = c->nslots + (sc && rp->o->layout == REPLAY_LAYOUT_SLOTS ?
					  sc->nextra : 0);
		names = malloc((def.nslots + 1) * sizeof(*names));
		if (!names)
			return REPLAY_ENOMEM;
		for (uint32_t i = 0; i < c->nslots; i++)
			names[i] = c->slots[i]->name;
		for (uint32_t i = c->nslots; i < def.nslots; i++)
			names[i] = sc->extra[i - c->nslots];
		def.slots = names;
		if (rp->o->layout == REPLAY_LAYOUT_SLOTS)
			def.flags |= OM_CLASS_SLOTS | (sc && sc->weakref ? OM_CLASS_WEAKREF : 0);
		break;
	case REPLAY_LAYOUT_DICT:
		break;
	}
	err = om_class_create(rp->space, &def, &rp->classes[c->id]);
	free(names);
	if (err == OM_ENOMEM)
		return REPLAY_ENOMEM;
	return err ? REPLAY_EBADCLASS : REPLAY_OK;
}

int replay_classattr(struct replay_worker *w, struct om_class *cls, const struct om_sym *sym,
		     int64_t value)
{
	return om_result(w, om_class_set_attr(cls, sym, ((uint64_t)value << 1) | 1u));
}

void replay_merge_worker(struct replay *rp, const struct replay_worker *w)
{
	for (int k = 0; k < REPLAY_ERR_NR; k++)
		rp->r->errors[k] += w->errors[k];
	rp->r->checksum += w->checksum;
	for (int k = 0; k < TRACE_NR_KINDS; k++) {
		rp->r->kinds[k].sampled += w->kinds[k].sampled;
		rp->r->kinds[k].ns += w->kinds[k].ns;
	}
}

/* ---- the serial loop ------------------------------------------------------ */

static __always_inline void note_live(struct replay *rp)
{
	rp->r->objects_peak = MAX(rp->r->objects_peak, (uint64_t)rp->objs.n);
	rp->r->blocks_peak = MAX(rp->r->blocks_peak, (uint64_t)rp->blks.n);
}

static int block_event(struct replay *rp, const struct trace_event *ev, uint64_t ordinal)
{
	uint64_t *e, *old, nv[2], ov[2];
	bool fresh;
	int r;

	switch (ev->kind) {
	case TRACE_MFREE:
		if (!ev->id)
			return 0;
		e = idmap_find(&rp->blks, ev->id);
		if (!e)
			return replay_bad_id(rp, ordinal, ev, "mfree of a block that is not live");
		blk_free(rp, false, e);
		idmap_remove(&rp->blks, ev->id, e);
		return 0;
	case TRACE_REALLOC:
		if (ev->old_id == 0 || ev->id == 0) {
			if (ev->old_id == 0 && ev->id != 0)
				break;		/* realloc of NULL: an allocation */
			if (ev->old_id == 0 || ev->size)
				return 0;	/* a failed realloc changes nothing */
			e = idmap_find(&rp->blks, ev->old_id);
			if (!e)
				return replay_bad_id(rp, ordinal, ev, "realloc of a block that is "
						     "not live");
			blk_free(rp, false, e);
			idmap_remove(&rp->blks, ev->old_id, e);
			return 0;
		}
		old = idmap_find(&rp->blks, ev->old_id);
		if (!old)
			return replay_bad_id(rp, ordinal, ev, "realloc of a block that is not live");
		if (ev->id != ev->old_id && idmap_find(&rp->blks, ev->id))
			return replay_bad_id(rp, ordinal, ev, "realloc into a block id that is "
					     "live");
		ov[0] = old[0];
		ov[1] = old[1];
		if (ev->size) {
			r = blk_realloc(rp, false, ev->size, ov, nv);
			if (r)
				return replay_fail_code(rp, r, ordinal, ev);
		} else {
			struct trace_event m = { .kind = TRACE_MALLOC, .size = 0 };

			r = blk_alloc(rp, false, &m, nv);
			if (r)
				return replay_fail_code(rp, r, ordinal, ev);
			blk_free(rp, false, ov);
		}
		idmap_remove(&rp->blks, ev->old_id, old);
		e = idmap_insert(&rp->blks, ev->id, &fresh);
		if (!e) {
			blk_free(rp, false, nv);
			return replay_fail_code(rp, REPLAY_ENOMEM, ordinal, ev);
		}
		e[0] = nv[0];
		e[1] = nv[1];
		return 0;
	}
	if (!ev->id)
		return 0;		/* a failed allocation in the recorded program */
	e = idmap_insert(&rp->blks, ev->id, &fresh);
	if (!e)
		return replay_fail_code(rp, REPLAY_ENOMEM, ordinal, ev);
	if (!fresh)
		return replay_bad_id(rp, ordinal, ev, "allocation into a block id that is live");
	r = blk_alloc(rp, false, ev, e);
	if (r) {
		idmap_remove(&rp->blks, ev->id, e);
		return replay_fail_code(rp, r, ordinal, ev);
	}
	note_live(rp);
	return 0;
}

/* The live object @ev names, or NULL (counted or fatal: *@status). */
static __always_inline uint64_t *live_obj(struct replay *rp, const struct trace_event *ev,
					  uint64_t ordinal, int *status)
{
	uint64_t *e = idmap_find(&rp->objs, ev->id);

	if (unlikely(!e))
		*status = replay_bad_id(rp, ordinal, ev, "no live object has this id");
	return e;
}

/* An attribute's symbol, or NULL when interning failed (*@status set). */
static __always_inline const struct om_sym *attr_sym(struct replay *rp,
						     const struct trace_event *ev,
						     uint64_t ordinal, int *status)
{
	const struct om_sym *sym = replay_sym(rp, ev->attr);

	if (unlikely(!sym))
		*status = replay_fail_code(rp, REPLAY_ENOMEM, ordinal, ev);
	return sym;
}

static __noinline int new_object(struct replay *rp, struct replay_worker *w,
				 const struct trace_event *ev, uint64_t ordinal)
{
	bool fresh;
	uint64_t *e = idmap_insert(&rp->objs, ev->id, &fresh);
	int r;

	if (unlikely(!e))
		return replay_fail_code(rp, REPLAY_ENOMEM, ordinal, ev);
	if (unlikely(!fresh))
		return replay_bad_id(rp, ordinal, ev, "new of an object id that is live");
	r = obj_new(w, rp->classes[ev->cls->id], e);
	if (unlikely(r)) {
		idmap_remove(&rp->objs, ev->id, e);
		return replay_fail_code(rp, r, ordinal, ev);
	}
	note_live(rp);
	return 0;
}

/* One event of a serial replay; 0, or the exit status of a failure. */
static __always_inline int step(struct replay *rp, struct replay_worker *w,
				const struct trace_event *ev, uint64_t ordinal)
{
	const struct om_sym *sym;
	uint64_t *e;
	int status = 0, r;

	switch (ev->kind) {
	case TRACE_NEW:
		return new_object(rp, w, ev, ordinal);
	case TRACE_SET:
		if (!(sym = attr_sym(rp, ev, ordinal, &status)) ||
		    !(e = live_obj(rp, ev, ordinal, &status)))
			return status;
		if (unlikely(sym == rp->dict_sym) && !dict_table_ok(ev->value))
			return replay_fail(rp, 2, ordinal, ev, DICT_TABLE_BAD);
		r = obj_set(w, e, sym, ev->value);
		break;
	case TRACE_GET:
		if (!(sym = attr_sym(rp, ev, ordinal, &status)) ||
		    !(e = live_obj(rp, ev, ordinal, &status)))
			return status;
		r = obj_get(w, e, sym);
		break;
	case TRACE_DEL:
		if (!(sym = attr_sym(rp, ev, ordinal, &status)) ||
		    !(e = live_obj(rp, ev, ordinal, &status)))
			return status;
		r = obj_del(w, e, sym);
		break;
	case TRACE_FREE:
		if (!(e = live_obj(rp, ev, ordinal, &status)))
			return status;
		obj_free(e);
		idmap_remove(&rp->objs, ev->id, e);
		return 0;
	case TRACE_WEAKREF:
		if (!(e = live_obj(rp, ev, ordinal, &status)))
			return status;
		r = obj_weakref(w, e);
		break;
	case TRACE_SETCLASS:
		if (!(e = live_obj(rp, ev, ordinal, &status)))
			return status;
		r = obj_setclass(w, e, rp->classes[ev->cls->id]);
		break;
	case TRACE_CLASS:
		r = replay_declare_class(rp, ev->cls);
		break;
	case TRACE_CLASSATTR:
		if (!(sym = attr_sym(rp, ev, ordinal, &status)))
			return status;
		r = replay_classattr(w, rp->classes[ev->cls->id], sym, ev->value);
		break;
	default:
		return block_event(rp, ev, ordinal);
	}
	return unlikely(r) ? replay_fail_code(rp, r, ordinal, ev) : 0;
}

static __noinline int step_timed(struct replay *rp, struct replay_worker *w,
				 const struct trace_event *ev, uint64_t ordinal, uint64_t cost)
{
	uint64_t t0 = metrics_now_ns(), d;
	int r = step(rp, w, ev, ordinal);

	d = metrics_now_ns() - t0;
	w->kinds[ev->kind].sampled++;
	w->kinds[ev->kind].ns += d > cost ? d - cost : 0;
	return r;
}

/* One event, then the at_peak check: the loop for `slotslab slabinfo`. */
static __noinline int step_peak(struct replay *rp, struct replay_worker *w,
				const struct trace_event *ev, uint64_t ordinal)
{
	int r = step(rp, w, ev, ordinal);

	if (!r && rp->o->at_bytes) {
		uint64_t live = rp->blocks.live.requested;

		if (live > rp->bytes_mark + rp->bytes_mark / 64) {
			rp->bytes_mark = live;
			rp->o->at_peak(rp->o->at_arg);
		}
	} else if (!r && rp->live_peak && rp->objs.n + rp->blks.n >= rp->live_peak) {
		rp->live_peak = 0;
		rp->o->at_peak(rp->o->at_arg);
	}
	return r;
}

/*
 * A batch: runs of untimed events between the timed ones (one in
 * opts.sample); @left counts down to the next timed event across batches.
 */
static __always_inline int run_batch(struct replay *rp, struct replay_worker *w,
				     const struct trace_event *evs, size_t n, uint64_t base,
				     uint32_t *left)
{
	uint32_t sample = rp->o->sample;
	uint64_t cost = rp->r->clock_cost_ns;
	size_t i = 0;
	int status;

	if (unlikely(rp->o->at_peak)) {
		for (; i < n; i++)
			if ((status = step_peak(rp, w, &evs[i], base + i + 1)))
				return status;
		return 0;
	}
	while (i < n) {
		size_t stop = sample ? MIN(n, i + *left - 1) : n;
		size_t ran = stop - i;

		for (; i < stop; i++)
			if (unlikely(status = step(rp, w, &evs[i], base + i + 1)))
				return status;
		if (!sample || i == n) {
			*left -= (uint32_t)ran;
			break;
		}
		/* *left - 1 untimed events ran: this one is timed. */
		if ((status = step_timed(rp, w, &evs[i], base + i + 1, cost)))
			return status;
		i++;
		*left = sample;
	}
	return 0;
}

static void sample_memory(struct replay *rp)
{
	struct slab_mem_info mi;

	rss_sample(&rp->r->rss);
	if (slab_get_mem_info(&mi) == 0)
		rp->r->slab_peak = MAX(rp->r->slab_peak, mi.mapped_bytes);
}

static int replay_serial(struct replay *rp)
{
	struct replay_worker w = { .rp = rp };
	struct trace_event evs[REPLAY_BATCH];
	uint64_t ordinal = 0, next_sample = REPLAY_SAMPLE_EVERY, done, total;
	uint32_t left = rp->o->sample;
	struct progress pr;
	ssize_t n;
	int status = 0;

	trace_progress(rp->t, &done, &total);
	progress_start(&pr, "replay", "bytes", total);
	while ((n = trace_next_batch(rp->t, evs, REPLAY_BATCH)) > 0) {
		status = run_batch(rp, &w, evs, (size_t)n, ordinal, &left);
		if (status)
			break;
		ordinal += (uint64_t)n;
		if (unlikely(ordinal >= next_sample)) {
			next_sample = ordinal + REPLAY_SAMPLE_EVERY;
			sample_memory(rp);
		}
		trace_progress(rp->t, &done, &total);
		progress_draw(&pr, done);
	}
	progress_end(&pr);
	if (!status && n < 0)
		status = replay_fail_trace(rp->f, trace_error(rp->t));
	replay_merge_worker(rp, &w);
	rp->r->objects_end = rp->objs.n;
	rp->r->blocks_end = rp->blks.n;
	return status;
}

/* ---- set-up, results, tear-down --------------------------------------------- */

static int setup(struct replay *rp)
{
	const struct replay_opts *o = rp->o;
	const struct replay_scan *s = &rp->scan;
	struct trace_opts topts = { .io = o->io };
	struct om_space_config cfg = { .profile = o->profile };
	struct trace_error err;
	bool hash;
	int e;

	rp->t = trace_open(o->path, &topts, &err);
	if (!rp->t)
		return replay_fail_trace(rp->f, &err);
	rp->bops = o->heap == REPLAY_HEAP_LIBC ? &replay_libc_ops : &replay_slab_ops;
	e = om_heap_create(o->heap == REPLAY_HEAP_LIBC ? "libc" : "kmalloc", &rp->heap);
	if (e == 0) {
		cfg.heap = rp->heap;
		cfg.flags = o->heap == REPLAY_HEAP_LIBC ? OM_SPACE_HEAP_INSTANCES : 0;
		e = om_space_create(&cfg, &rp->space);
		if (e == OM_ENOENT)
			return replay_fail(rp, 2, 0, NULL, "no dict layout profile '%s'",
					   o->profile);
	}
	if (e)
		return replay_fail(rp, 1, 0, NULL, "out of memory creating the object space");
	rp->r->profile = om_space_profile(rp->space);
	rp->dict_sym = om_intern("__dict__");
	hash = idmap_choose(s->max_obj, s->nnew, s->objects_peak, 1);
	if (idmap_init(&rp->objs, hash, hash ? s->objects_peak : s->max_obj + 1, 1) != 0)
		return replay_fail(rp, 1, 0, NULL, "out of memory for the object id map");
	hash = idmap_choose(s->max_block, s->nalloc, s->blocks_peak, 2);
	if (idmap_init(&rp->blks, hash, hash ? s->blocks_peak : s->max_block + 1, 2) != 0)
		return replay_fail(rp, 1, 0, NULL, "out of memory for the block id map");
	rp->r->idmap_objects = idmap_kind(&rp->objs);
	rp->r->idmap_blocks = idmap_kind(&rp->blks);
	rp->r->harness_bytes = rp->objs.bytes + rp->blks.bytes + trace_memory(rp->t) +
			       (rp->t1 ? trace_memory(rp->t1) : 0);
	rp->live_peak = s->objects_peak + s->blocks_peak;
	if (rp->r->replay_threads > 1 && replay_threads_setup(rp) != 0)
		return replay_fail(rp, 1, 0, NULL, "out of memory starting %u replay threads",
				   rp->r->replay_threads);
	return 0;
}

static void free_object(uint64_t id, uint64_t *e, void *arg)
{
	obj_free(e);
}

static void free_block(uint64_t id, uint64_t *e, void *arg)
{
	blk_free(arg, false, e);
}

static void teardown(struct replay *rp)
{
	/* A threaded replay's id maps hold slots; its slots hold what is live. */
	bool threaded = rp->mt != NULL;

	replay_threads_end(rp);
	if (!threaded && rp->objs.tab)
		idmap_for_each(&rp->objs, free_object, rp);
	if (!threaded && rp->blks.tab)
		idmap_for_each(&rp->blks, free_block, rp);
	idmap_destroy(&rp->objs);
	idmap_destroy(&rp->blks);
	if (rp->space && om_space_destroy(rp->space) != 0)
		fprintf(stderr, "slotslab replay: the object space is still busy at the end\n");
	if (rp->heap && om_heap_destroy(rp->heap) != 0)
		fprintf(stderr, "slotslab replay: the heap still holds blocks at the end\n");
	free(rp->classes);
	free(rp->syms);
	trace_close(rp->t);
	trace_close(rp->t1);
	replay_scan_free(&rp->scan);
}

static void collect(struct replay *rp)
{
	struct replay_result *r = rp->r;

	om_space_get_stats(rp->space, &r->space);
	om_heap_get_stats(rp->heap, &r->heap);
	r->malloc = r->heap.impl;
	r->blocks = rp->blocks;
	slab_get_mem_info(&r->slab_end);
	r->slab_peak = MAX(r->slab_peak, r->slab_end.mapped_bytes);
	for (int k = 0; k < TRACE_NR_KINDS; k++)
		r->kinds[k].events = rp->scan.kinds[k];
}

/* --decode-only: one decode-only pass, timed, is the whole result. */
static int decode_run(const struct replay_opts *o, struct replay_result *r,
		      struct replay_failure *f)
{
	r->decode_only = true;
	r->seconds = replay_decode(o, r, f);
	return r->seconds < 0 ? f->status : 0;
}

int replay_run(const struct replay_opts *o, struct replay_result *r, struct replay_failure *f)
{
	struct replay rp = { .o = o, .r = r, .f = f };
	double t0, c0;
	int status;

	memset(r, 0, sizeof(*r));
	memset(f, 0, sizeof(*f));
	r->decode_seconds = -1;
	r->clock_cost_ns = metrics_clock_cost_ns();
	counters_open(&r->counters, true);
	if (o->decode_only)
		return decode_run(o, r, f);
	status = replay_scan(o, &rp.scan, f, &rp.t1);
	if (status)
		return status;
	r->prepass_seconds = rp.scan.seconds;
	r->events = rp.scan.events;
	r->threads = rp.scan.ntids;
	r->replay_threads = (rp.scan.ntids > 1 && !o->serial && !o->at_peak) ? rp.scan.ntids : 1;
	status = setup(&rp);
	if (status)
		goto out;
	r->format = trace_format(rp.t) == TRACE_FMT_BINARY ? "binary" : "text";
	counters_open(&r->counters, o->no_counters);
	rss_start(&r->rss);
	sample_memory(&rp);
	c0 = metrics_cpu_now();
	t0 = metrics_now();
	counters_start(&r->counters);
	status = r->replay_threads > 1 ? replay_threads(&rp) : replay_serial(&rp);
	counters_stop(&r->counters);
	r->seconds = metrics_now() - t0;
	r->cpu_seconds = metrics_cpu_now() - c0;
	rss_stop(&r->rss);
	counters_close(&r->counters);
	if (!status) {
		collect(&rp);
		if (o->at_end)
			o->at_end(o->at_arg);
	}
out:
	teardown(&rp);
	if (!status && o->decode_share) {
		r->decode_seconds = replay_decode(o, NULL, f);
		if (r->decode_seconds < 0)
			status = f->status;
	}
	return status;
}

double replay_decode(const struct replay_opts *o, struct replay_result *r,
		     struct replay_failure *f)
{
	struct trace_opts topts = { .io = o->io };
	struct trace_event evs[REPLAY_BATCH];
	struct trace_error err;
	uint64_t kinds[TRACE_NR_KINDS] = { 0 };
	struct trace *t = trace_open(o->path, &topts, &err);
	double t0, secs;
	ssize_t n;

	if (!t) {
		replay_fail_trace(f, &err);
		return -1;
	}
	t0 = metrics_now();
	while ((n = trace_next_batch(t, evs, REPLAY_BATCH)) > 0)
		for (ssize_t i = 0; i < n; i++)
			kinds[evs[i].kind]++;
	secs = metrics_now() - t0;
	if (n < 0) {
		replay_fail_trace(f, trace_error(t));
		secs = -1;
	} else if (r) {
		r->format = trace_format(t) == TRACE_FMT_BINARY ? "binary" : "text";
		r->events = 0;
		for (int k = 0; k < TRACE_NR_KINDS; k++) {
			r->kinds[k].events = kinds[k];
			r->events += kinds[k];
		}
	}
	trace_close(t);
	return secs;
}

double replay_bytes_per_object(const struct replay_result *r)
{
	uint64_t n = r->objects_peak ? r->objects_peak : r->blocks_peak;

	if (!n)
		return -1;
	return (double)(r->space.peak.held + r->blocks.peak.held) / (double)n;
}
