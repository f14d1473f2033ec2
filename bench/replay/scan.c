// SPDX-License-Identifier: MIT
/*
 * bench/replay/scan.c - the replayer's first pass.
 *
 * One read of the whole trace before anything is replayed:
 *   - counts by kind, the distinct thread ids (one replay thread each),
 *     the largest object and block ids, and the peaks of live objects and
 *     blocks counted as allocations minus frees: what picks a dense array
 *     or a hash for the ids (replay_ids.c) and sizes it;
 *   - a malformed or corrupt trace is reported here, before the replay
 *     has changed anything;
 *   - for --layout slots (docs/DESIGN.md section 7), the names the trace sets
 *     on each class's instances.  An object's class is followed through
 *     "new" and "setclass" in a hash of live ids.
 *
 * Class changes: "setclass" is followed only where it succeeds as
 * declared, i.e. between classes of identical declared layouts (the same
 * slots in the same places, the same dict, weakref and varsize: rule 8).
 * Such classes form a group (union-find over class ids) and get the same
 * added names and the same weakref field, so they stay identical and the
 * change succeeds under --layout slots too; a change that fails as declared
 * fails under slots as well, and later sets go to the class the object
 * really kept.
 *
 * Turning those names into slots, per class in declaration order (so that
 * a base is final before its subclasses):
 *   1. a name already a slot of an ancestor (declared or added) stays
 *      there, and a name a descendant declares is left to it (rule 5
 *      forbids declaring a slot twice in one hierarchy);
 *   2. a name bound as a class attribute on the class, an ancestor or a
 *      descendant is not made a slot: the object model, like CPython,
 *      refuses a class attribute named like a slot, so sets of it stay
 *      attribute errors, as they would be in Python;
 *   3. a class over a variable-size base gets no slots (rule 9);
 *   4. weakref: the class gets a weakref field when the trace takes a weak
 *      reference to an instance of its group (and rule 9 allows it).
 * Added names follow the attribute ids, i.e. their first appearance in the
 * trace.  Memory: the live-id hash, one entry per (class, name) pair seen
 * and a word per class, never proportional to the number of events.
 */
#include <stdlib.h>
#include <string.h>

#include "bench/progress/progress.h"
#include "bench/replay/internal.h"

/**
 * struct scan_state - the pass's working memory
 * @live:   object id -> class id + 1 (--layout slots only)
 * @pairs:  (class id << 32 | attribute id) -> 1, set on an instance
 * @cattrs: (class id << 32 | attribute id) -> 1, bound as a class attribute
 *          on the class (bit 1) or on a subclass (bit 2)
 * @tids:   thread id -> 1
 * @group:  union-find parents over class ids (@ngroup of them)
 * @weak:   per class id: a weak reference was taken to an instance
 *
 * Invariants: @group[i] <= i, and @group[i] == i exactly for a group's
 * representative (its smallest class id); @weak is meaningful at
 * representatives.
 */
struct scan_state {
	struct idmap live, pairs, cattrs, tids;
	bool slots;
	int64_t objs, blks;
	bool *weak;
	uint32_t *group;
	uint32_t ngroup;
	uint64_t last_tid;	/* + 1; 0 before the first event */
};

static uint64_t pair_key(uint32_t cls, uint32_t attr)
{
	return (uint64_t)cls << 32 | attr;
}

static int mark(struct idmap *m, uint64_t key, uint64_t bits)
{
	bool fresh;
	uint64_t *e = idmap_insert(m, key, &fresh);

	if (!e)
		return -1;
	*e = fresh ? bits : (*e | bits);
	return 0;
}

/* Make room for class @cls in the per-class arrays. */
static int grow_classes(struct scan_state *st, uint32_t cls)
{
	uint32_t n = MAX(cls + 1, st->ngroup * 2), *g;
	bool *w;

	if (cls < st->ngroup)
		return 0;
	g = realloc(st->group, n * sizeof(*g));
	if (g)
		st->group = g;
	w = g ? realloc(st->weak, n * sizeof(*w)) : NULL;
	if (!w)
		return -1;
	st->weak = w;
	for (uint32_t i = st->ngroup; i < n; i++) {
		st->group[i] = i;
		st->weak[i] = false;
	}
	st->ngroup = n;
	return 0;
}

static uint32_t group_of(const struct scan_state *st, uint32_t cls)
{
	while (st->group[cls] != cls)
		cls = st->group[cls];
	return cls;
}

/* Merge the groups of @a and @b; the smaller id represents the union. */
static void join(struct scan_state *st, uint32_t a, uint32_t b)
{
	a = group_of(st, a);
	b = group_of(st, b);
	if (a != b) {
		st->group[MAX(a, b)] = MIN(a, b);
		st->weak[MIN(a, b)] |= st->weak[MAX(a, b)];
	}
}

/* Slot @i of @c in layout order (the base's first). */
static const struct trace_symbol *slot_at(const struct trace_class *c, uint32_t i)
{
	while (c->base && i < c->base->nslots_total)
		c = c->base;
	return c->slots[i - (c->base ? c->base->nslots_total : 0)];
}

/* Would a class change from @a to @b succeed as declared (rule 8)? */
static bool same_layout(const struct trace_class *a, const struct trace_class *b)
{
	if (a == b)
		return true;
	if (a->nslots_total != b->nslots_total || a->eff != b->eff)
		return false;
	for (uint32_t i = 0; i < a->nslots_total; i++)
		if (slot_at(a, i) != slot_at(b, i))
			return false;
	return true;
}

/* The class pass of --layout slots: what one event says about names. */
static int scan_slots(struct scan_state *st, const struct trace *t,
		      const struct trace_event *ev)
{
	uint64_t *e;
	bool fresh;

	switch (ev->kind) {
	case TRACE_CLASS:
		return grow_classes(st, ev->cls->id);
	case TRACE_NEW:
		e = idmap_insert(&st->live, ev->id, &fresh);
		if (!e)
			return -1;
		*e = ev->cls->id + 1u;
		return 0;
	case TRACE_SETCLASS:
		e = idmap_find(&st->live, ev->id);
		if (e && same_layout(trace_class(t, (uint32_t)(*e - 1)), ev->cls)) {
			join(st, (uint32_t)(*e - 1), ev->cls->id);
			*e = ev->cls->id + 1u;
		}
		return 0;
	case TRACE_FREE:
		e = idmap_find(&st->live, ev->id);
		if (e)
			idmap_remove(&st->live, ev->id, e);
		return 0;
	case TRACE_SET:
		e = idmap_find(&st->live, ev->id);
		return e ? mark(&st->pairs, pair_key((uint32_t)(*e - 1), ev->attr->id), 1) : 0;
	case TRACE_WEAKREF:
		e = idmap_find(&st->live, ev->id);
		if (e)
			st->weak[group_of(st, (uint32_t)(*e - 1))] = true;
		return 0;
	case TRACE_CLASSATTR:
		if (mark(&st->cattrs, pair_key(ev->cls->id, ev->attr->id), 1) != 0)
			return -1;
		for (const struct trace_class *a = ev->cls->base; a; a = a->base)
			if (mark(&st->cattrs, pair_key(a->id, ev->attr->id), 2) != 0)
				return -1;
		return 0;
	}
	return 0;
}

static int scan_event(struct scan_state *st, struct replay_scan *s, const struct trace *t,
		      const struct trace_event *ev)
{
	s->kinds[ev->kind]++;
	switch (ev->kind) {
	case TRACE_NEW:
		s->nnew++;
		s->max_obj = MAX(s->max_obj, ev->id);
		st->objs++;
		s->objects_peak = MAX(s->objects_peak, (uint64_t)MAX(st->objs, 0));
		break;
	case TRACE_FREE:
		st->objs--;
		break;
	case TRACE_SET: case TRACE_GET: case TRACE_DEL: case TRACE_WEAKREF:
	case TRACE_SETCLASS:
		s->max_obj = MAX(s->max_obj, ev->id);
		break;
	case TRACE_MALLOC: case TRACE_CALLOC: case TRACE_MEMALIGN:
		s->nalloc += ev->id != 0;
		st->blks += ev->id != 0;
		s->max_block = MAX(s->max_block, ev->id);
		break;
	case TRACE_REALLOC:
		s->nalloc += ev->id != 0;
		st->blks += (ev->old_id == 0 && ev->id != 0) -
			    (ev->old_id != 0 && ev->id == 0 && ev->size == 0);
		s->max_block = MAX(s->max_block, MAX(ev->id, ev->old_id));
		break;
	case TRACE_MFREE:
		st->blks -= ev->id != 0;
		s->max_block = MAX(s->max_block, ev->id);
		break;
	}
	s->blocks_peak = MAX(s->blocks_peak, (uint64_t)MAX(st->blks, 0));
	if (st->slots && scan_slots(st, t, ev) != 0)
		return -1;
	if (likely(ev->tid + 1ull == st->last_tid))
		return 0;
	st->last_tid = ev->tid + 1ull;
	return mark(&st->tids, (uint64_t)ev->tid, 1);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

struct collect {
	uint32_t *v;
	uint32_t n;
};

static void collect_tid(uint64_t tid, uint64_t *e, void *arg)
{
	struct collect *c = arg;

	c->v[c->n++] = (uint32_t)tid;
}

struct collect_pairs {
	struct collect c;
	const struct scan_state *st;
};

/* Pairs are collected by group: (representative class, attribute). */
static void collect_pair(uint64_t key, uint64_t *e, void *arg)
{
	struct collect_pairs *cp = arg;
	struct collect *c = &cp->c;

	c->v[2 * c->n] = group_of(cp->st, (uint32_t)(key >> 32));
	c->v[2 * c->n + 1] = (uint32_t)key;
	c->n++;
}

static int cmp_pair(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	if (x[0] != y[0])
		return (x[0] > y[0]) - (x[0] < y[0]);
	return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Is @attr a slot of @c's ancestors (declared, or added by this pass)? */
static bool ancestor_slot(const struct replay_scan *s, const struct trace_class *c,
			  const struct trace_symbol *attr)
{
	for (const struct trace_class *a = c->base; a; a = a->base) {
		for (uint32_t i = 0; i < a->nslots; i++)
			if (a->slots[i] == attr)
				return true;
		for (uint32_t i = 0; i < s->cls[a->id].nextra; i++)
			if (strcmp(s->cls[a->id].extra[i], attr->name) == 0)
				return true;
	}
	return false;
}

/* Bound as a class attribute on @c, a descendant, or an ancestor? */
static bool class_attr(const struct scan_state *st, const struct trace_class *c, uint32_t attr)
{
	if (idmap_find(&st->cattrs, pair_key(c->id, attr)))
		return true;
	for (const struct trace_class *a = c->base; a; a = a->base) {
		uint64_t *e = idmap_find(&st->cattrs, pair_key(a->id, attr));

		if (e && (*e & 1))
			return true;
	}
	return false;
}

static bool own_slot(const struct trace_class *c, const struct trace_symbol *attr)
{
	for (uint32_t i = 0; i < c->nslots; i++)
		if (c->slots[i] == attr)
			return true;
	return false;
}

/* Mark (ancestor, slot) for every declared slot of every class. */
static int mark_declared_below(struct idmap *below, const struct trace *t, uint32_t nclasses)
{
	for (uint32_t id = 0; id < nclasses; id++) {
		const struct trace_class *c = trace_class(t, id);

		for (const struct trace_class *a = c->base; a; a = a->base)
			for (uint32_t i = 0; i < c->nslots; i++)
				if (mark(below, pair_key(a->id, c->slots[i]->id), 1) != 0)
					return -1;
	}
	return 0;
}

/* Turn the (group, name) pairs into each class's added slots (rules above). */
static int build_slots(struct scan_state *st, struct replay_scan *s, const struct trace *t)
{
	struct collect_pairs cp = { .st = st };
	struct collect *c = &cp.c;
	struct idmap below;

	s->nclasses = (uint32_t)trace_nclasses(t);
	if (idmap_init(&below, true, 16, 1) != 0)
		return -1;
	c->v = malloc((st->pairs.n + 1) * 2 * sizeof(uint32_t));
	s->cls = calloc(s->nclasses + 1, sizeof(*s->cls));
	if (!c->v || !s->cls || grow_classes(st, s->nclasses) ||
	    mark_declared_below(&below, t, s->nclasses) != 0)
		goto fail;
	idmap_for_each(&st->pairs, collect_pair, &cp);
	qsort(c->v, c->n, 2 * sizeof(uint32_t), cmp_pair);
	for (uint32_t id = 0; id < s->nclasses; id++) {
		const struct trace_class *cls = trace_class(t, id);
		struct scan_class *sc = &s->cls[id];
		bool varsize_base = cls->base && (cls->base->eff & TRACE_CF_VARSIZE);
		uint32_t g = group_of(st, id);
		size_t lo = 0, hi = c->n;

		sc->weakref = st->weak[g] && (!varsize_base || (cls->base->eff & TRACE_CF_WEAKREF));
		if (varsize_base)
			continue;
		while (lo < hi) {	/* the group's first pair */
			size_t mid = (lo + hi) / 2;

			if (c->v[2 * mid] < g)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (hi = lo; hi < c->n && c->v[2 * hi] == g; hi++)
			;
		sc->extra = calloc(hi - lo + 1, sizeof(*sc->extra));
		if (!sc->extra)
			goto fail;
		for (size_t j = lo; j < hi; j++) {
			const struct trace_symbol *attr = trace_symbol(t, c->v[2 * j + 1]);

			if (own_slot(cls, attr) || ancestor_slot(s, cls, attr) ||
			    class_attr(st, cls, attr->id) ||
			    idmap_find(&below, pair_key(id, attr->id)))
				continue;
			sc->extra[sc->nextra] = strdup(attr->name);
			if (!sc->extra[sc->nextra])
				goto fail;
			sc->nextra++;
		}
	}
	free(c->v);
	idmap_destroy(&below);
	return 0;
fail:
	free(c->v);
	idmap_destroy(&below);
	return -1;
}

static int scan_fail(struct replay_failure *f, int status, const char *fmt, const char *what)
{
	f->status = status;
	snprintf(f->msg, sizeof(f->msg), fmt, what);
	return status;
}

int replay_scan(const struct replay_opts *o, struct replay_scan *s, struct replay_failure *f,
		struct trace **keep)
{
	struct trace_opts topts = { .io = o->io };
	struct scan_state st = { .slots = o->layout == REPLAY_LAYOUT_SLOTS };
	struct trace_event evs[REPLAY_BATCH];
	struct trace_error err;
	struct collect tids = { 0 };
	struct progress pr;
	uint64_t done, total;
	struct trace *t;
	double t0 = metrics_now();
	ssize_t n;
	int status = 0;

	memset(s, 0, sizeof(*s));
	t = trace_open(o->path, &topts, &err);
	if (!t)
		return replay_fail_trace(f, &err);
	if (idmap_init(&st.tids, true, 4, 1) != 0 ||
	    (st.slots && (idmap_init(&st.live, true, 1024, 1) != 0 ||
			  idmap_init(&st.pairs, true, 64, 1) != 0 ||
			  idmap_init(&st.cattrs, true, 16, 1) != 0))) {
		status = scan_fail(f, 1, "%s: out of memory in the first pass", o->path);
		goto out;
	}
	trace_progress(t, &done, &total);
	progress_start(&pr, "replay: first pass", "bytes", total);
	while ((n = trace_next_batch(t, evs, REPLAY_BATCH)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (scan_event(&st, s, t, &evs[i]) != 0)
				n = -2;
		if (n < 0)
			break;
		s->events += (uint64_t)n;
		trace_progress(t, &done, &total);
		progress_draw(&pr, done);
	}
	progress_end(&pr);
	if (n == -1) {
		status = replay_fail_trace(f, trace_error(t));
		goto out;
	}
	tids.v = malloc((st.tids.n + 1) * sizeof(*tids.v));
	if (n == -2 || !tids.v || (st.slots && build_slots(&st, s, t) != 0)) {
		free(tids.v);
		status = scan_fail(f, 1, "%s: out of memory in the first pass", o->path);
		goto out;
	}
	idmap_for_each(&st.tids, collect_tid, &tids);
	qsort(tids.v, tids.n, sizeof(*tids.v), cmp_u32);
	s->tids = tids.v;
	s->ntids = tids.n;
out:
	idmap_destroy(&st.tids);
	idmap_destroy(&st.live);
	idmap_destroy(&st.pairs);
	idmap_destroy(&st.cattrs);
	free(st.weak);
	free(st.group);
	if (keep && !status)
		*keep = t;
	else
		trace_close(t);
	s->seconds = metrics_now() - t0;
	if (status)
		replay_scan_free(s);
	return status;
}

void replay_scan_free(struct replay_scan *s)
{
	for (uint32_t i = 0; s->cls && i < s->nclasses; i++) {
		for (uint32_t j = 0; j < s->cls[i].nextra; j++)
			free(s->cls[i].extra[j]);
		free(s->cls[i].extra);
	}
	free(s->cls);
	free(s->tids);
	s->cls = NULL;
	s->tids = NULL;
	s->nclasses = s->ntids = 0;
}
