// SPDX-License-Identifier: MIT
/*
 * bench/gen/scenarios.c - the scenarios of `slotslab gen` (docs/DESIGN.md 7),
 * each built on a claim about Python's __slots__ (docs/DESIGN.md section 1
 * lists the seeds).
 *
 * Every scenario:
 *   - declares its classes first (dict classes where the seed's "before"
 *     program had no __slots__, so that replay --layout slots gives the
 *     "after" program and --layout dict the "before" one);
 *   - numbers objects and blocks from 1, in creation order;
 *   - frees everything it created at the end, so that a replay can check
 *     for leaks, while the peak comes where the seed measured;
 *   - with --threads T, tags an object's events with thread id % T and
 *     lets 1 free in 8 happen on another thread (objects passing between
 *     threads); with T = 1 (the default) no event has a thread prefix;
 *   - where it exercises attribute errors, states in the header how many a
 *     replay with --layout declared must count (the counts are exact).
 *
 * Generator state is O(--objects) (the ids alive), never O(events).
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench/gen/gen.h"

static int run_myclass(struct gen *g)
{
	uint64_t n = g->p.objects;
	const struct trace_symbol *name = gen_sym(g, "name"), *ident = gen_sym(g, "identifier");
	const struct trace_class *c;

	gen_note(g, "%llu MyClass(1, 1) objects, all alive at the peak, then freed",
		 (unsigned long long)n);
	c = gen_class(g, "MyClass", 0, NULL, NULL);
	for (uint64_t id = 1; id <= n && gen_ok(g); id++) {
		gen_new(g, gen_tid(g, id), id, c);
		gen_set(g, gen_tid(g, id), id, name, 1);
		gen_set(g, gen_tid(g, id), id, ident, 1);
	}
	for (uint64_t id = 1; id <= n && gen_ok(g); id++)
		gen_free(g, gen_tid_free(g, id), id);
	return 0;
}

struct player_attrs {
	const struct trace_class *cls;
	const struct trace_symbol *uid, *name, *stat, *level;
};

static void log_in(struct gen *g, const struct player_attrs *pa, uint64_t id)
{
	uint32_t tid = gen_tid(g, id);

	gen_new(g, tid, id, pa->cls);
	gen_set(g, tid, id, pa->uid, (int64_t)id);
	gen_set(g, tid, id, pa->name, (int64_t)gen_below(g, 1u << 20));
	gen_set(g, tid, id, pa->stat, 0);
	gen_set(g, tid, id, pa->level, (int64_t)(1 + gen_below(g, 100)));
}

static int run_player(struct gen *g)
{
	uint64_t n = g->p.objects, next = 1;
	uint64_t *online = gen_calloc_state(g, n, sizeof(*online));
	struct player_attrs pa = {
		.uid = gen_sym(g, "uid"), .name = gen_sym(g, "name"),
		.stat = gen_sym(g, "stat"), .level = gen_sym(g, "level"),
	};

	gen_note(g, "phase 1: %llu players log in (new, then uid, name, stat, level)",
		 (unsigned long long)n);
	gen_note(g, "phase 2: %llu random operations, half a log-out plus a log-in, half a "
		 "level change", (unsigned long long)g->p.ops);
	gen_note(g, "phase 3, the cache-miss phase: a get of level on every online player, "
		 "in random order");
	gen_note(g, "phase 4: every player logs out");
	pa.cls = gen_class(g, "Player", 0, NULL, NULL);
	for (uint64_t i = 0; i < n && gen_ok(g); i++)
		log_in(g, &pa, online[i] = next++);
	for (uint64_t op = 0; op < g->p.ops && gen_ok(g); op++) {
		uint64_t k = gen_below(g, n), id = online[k];

		if (gen_below(g, 2) == 0) {
			gen_free(g, gen_tid_free(g, id), id);
			log_in(g, &pa, online[k] = next++);
		} else {
			gen_set(g, gen_tid(g, id), id, pa.level, (int64_t)(1 + gen_below(g, 100)));
		}
	}
	if (online)
		gen_shuffle(g, online, n);
	for (uint64_t i = 0; i < n && gen_ok(g); i++)
		gen_get(g, gen_tid(g, online[i]), online[i], pa.level);
	for (uint64_t i = 0; i < n && gen_ok(g); i++)
		gen_free(g, gen_tid_free(g, online[i]), online[i]);
	free(online);
	return 0;
}

static int run_student(struct gen *g)
{
	uint64_t n = g->p.objects, m = n / 4, next = n + 1;
	const struct trace_symbol *name = gen_sym(g, "name"), *age = gen_sym(g, "age"),
		*score = gen_sym(g, "score"), *stat = gen_sym(g, "static_attr"),
		*dyn = gen_sym(g, "dynamic_attr"), *greeting = gen_sym(g, "greeting");
	const struct trace_class *student, *ordinary, *withslots;

	gen_note(g, "%llu Student(slots name, age); every 4th also an Ordinary (dict class) "
		 "and a WithSlots (slots static_attr)", (unsigned long long)n);
	gen_note(g, "attribute errors with --layout declared: %llu in all =",
		 (unsigned long long)((n + 7) / 8 + n + 3 * m));
	gen_note(g, "  %llu get Student.age before it is set (rule 2)",
		 (unsigned long long)((n + 7) / 8));
	gen_note(g, "  %llu set Student.score (rule 2: S1.score = 123)", (unsigned long long)n);
	gen_note(g, "  %llu set WithSlots.dynamic_attr (rule 2)", (unsigned long long)m);
	gen_note(g, "  %llu weakref to a WithSlots (rule 7)", (unsigned long long)m);
	gen_note(g, "  %llu get Ordinary.dynamic_attr after its del (rule 3)",
		 (unsigned long long)m);
	gen_note(g, "get Ordinary.greeting finds the class attribute (rule 6): no error");
	student = gen_class(g, "Student", 0, NULL, "name,age");
	ordinary = gen_class(g, "Ordinary", 0, NULL, NULL);
	withslots = gen_class(g, "WithSlots", 0, NULL, "static_attr");
	gen_classattr(g, ordinary, greeting, 1);
	for (uint64_t i = 0; i < n && gen_ok(g); i++) {
		uint64_t s = i + 1;
		uint32_t tid = gen_tid(g, s);

		gen_new(g, tid, s, student);
		if (i % 8 == 0)
			gen_get(g, tid, s, age);
		gen_set(g, tid, s, name, (int64_t)i);
		gen_set(g, tid, s, age, (int64_t)(18 + i % 10));
		gen_set(g, tid, s, score, 123);
		gen_get(g, tid, s, name);
		if (i % 4 == 3) {
			uint64_t o = next++, b = next++;

			gen_new(g, gen_tid(g, o), o, ordinary);
			gen_set(g, gen_tid(g, o), o, stat, 1);
			gen_set(g, gen_tid(g, o), o, dyn, 2);
			gen_get(g, gen_tid(g, o), o, greeting);
			gen_weakref(g, gen_tid(g, o), o);
			gen_del(g, gen_tid(g, o), o, dyn);
			gen_get(g, gen_tid(g, o), o, dyn);
			gen_new(g, gen_tid(g, b), b, withslots);
			gen_set(g, gen_tid(g, b), b, stat, 1);
			gen_set(g, gen_tid(g, b), b, dyn, 2);
			gen_weakref(g, gen_tid(g, b), b);
		}
	}
	for (uint64_t id = 1; id < next && gen_ok(g); id++)
		gen_free(g, gen_tid_free(g, id), id);
	return 0;
}

#define SWEEP_MAX 40

static int run_sweep(struct gen *g)
{
	int lo = g->p.attrs >= 0 ? g->p.attrs : 0, hi = g->p.attrs >= 0 ? g->p.attrs : SWEEP_MAX;
	const struct trace_symbol *a[SWEEP_MAX];
	uint64_t n = g->p.objects, id = 0;
	char name[32];

	gen_note(g, "%llu objects of each class Attrs%d .. Attrs%d, all alive at the peak",
		 (unsigned long long)n, lo, hi);
	for (int k = 0; k < SWEEP_MAX; k++) {
		snprintf(name, sizeof(name), "a%d", k);
		a[k] = gen_sym(g, name);
	}
	for (int k = lo; k <= hi && gen_ok(g); k++) {
		const struct trace_class *c;

		snprintf(name, sizeof(name), "Attrs%d", k);
		c = gen_class(g, name, 0, NULL, NULL);
		for (uint64_t i = 0; i < n && gen_ok(g); i++) {
			id++;
			gen_new(g, gen_tid(g, id), id, c);
			for (int j = 0; j < k; j++)
				gen_set(g, gen_tid(g, id), id, a[j], (int64_t)(i + (uint64_t)j));
		}
	}
	for (uint64_t i = 1; i <= id && gen_ok(g); i++)
		gen_free(g, gen_tid_free(g, i), i);
	return 0;
}

#define HYBRID_POOL 16

/* How many dynamic attributes a record gets: 0 (50 %), 1 (20 %), 2 (12 %), 3-8. */
static unsigned int hybrid_count(struct gen *g)
{
	uint64_t r = gen_below(g, 100);

	if (r < 50)
		return 0;
	if (r < 70)
		return 1;
	if (r < 82)
		return 2;
	return 3 + (unsigned int)gen_below(g, 6);
}

/* A random name of @mask (set bits) or of its complement (set = false). */
static unsigned int hybrid_pick(struct gen *g, uint16_t mask, bool set)
{
	unsigned int x;

	do
		x = (unsigned int)gen_below(g, HYBRID_POOL);
	while (!!(mask & (1u << x)) != set);
	return x;
}

static int run_hybrid(struct gen *g)
{
	static const char *const fixed_names[] = { "key", "kind", "owner", "stamp" };
	uint64_t n = g->p.objects, reads = n / 4;
	uint16_t *dyn = gen_calloc_state(g, n, sizeof(*dyn));
	const struct trace_symbol *fixed[4], *extra[HYBRID_POOL];
	const struct trace_class *c;
	char name[32];

	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		fixed[i] = gen_sym(g, fixed_names[i]);
	for (int i = 0; i < HYBRID_POOL; i++) {
		snprintf(name, sizeof(name), "extra%d", i);
		extra[i] = gen_sym(g, name);
	}
	gen_note(g, "%llu Records: 4 fixed attributes, then 0 to 8 of extra0 .. extra15; every "
		 "16th record deletes one extra from an earlier record", (unsigned long long)n);
	gen_note(g, "then %llu reads of a random record: key, or one of its extras; every 8th "
		 "asks for an extra it lacks", (unsigned long long)reads);
	gen_note(g, "attribute errors with --layout declared: %llu (the reads of a missing extra)",
		 (unsigned long long)(reads / 8));
	c = gen_class(g, "Record", TRACE_CF_DICT, NULL, "key,kind,owner,stamp");
	for (uint64_t i = 0; i < n && gen_ok(g); i++) {
		uint64_t id = i + 1;
		uint32_t tid = gen_tid(g, id);
		unsigned int d = hybrid_count(g);

		gen_new(g, tid, id, c);
		for (size_t f = 0; f < ARRAY_SIZE(fixed); f++)
			gen_set(g, tid, id, fixed[f], (int64_t)gen_below(g, 1000));
		while (d--) {
			unsigned int x = hybrid_pick(g, dyn[i], false);

			dyn[i] |= (uint16_t)(1u << x);
			gen_set(g, tid, id, extra[x], (int64_t)x);
		}
		if (i % 16 == 15) {
			uint64_t j = gen_below(g, i + 1);

			if (dyn[j]) {
				unsigned int x = hybrid_pick(g, dyn[j], true);

				dyn[j] &= (uint16_t)~(1u << x);
				gen_del(g, gen_tid(g, j + 1), j + 1, extra[x]);
			}
		}
	}
	for (uint64_t r = 0; r < reads && gen_ok(g); r++) {
		uint64_t j = gen_below(g, n);

		if (r % 8 == 7)
			gen_get(g, gen_tid(g, j + 1), j + 1, extra[hybrid_pick(g, dyn[j], false)]);
		else if (dyn[j])
			gen_get(g, gen_tid(g, j + 1), j + 1, extra[hybrid_pick(g, dyn[j], true)]);
		else
			gen_get(g, gen_tid(g, j + 1), j + 1, fixed[0]);
	}
	for (uint64_t id = 1; id <= n && gen_ok(g); id++)
		gen_free(g, gen_tid_free(g, id), id);
	free(dyn);
	return 0;
}

static int run_subclass(struct gen *g)
{
	uint64_t rounds = g->p.objects / 6, id = 0;
	const struct trace_symbol *x = gen_sym(g, "x"), *y = gen_sym(g, "y"), *z = gen_sym(g, "z"),
		*w = gen_sym(g, "w"), *a = gen_sym(g, "a"), *extra = gen_sym(g, "extra");
	const struct trace_class *base, *derived, *point, *point3, *pointb, *tuple, *pair,
		*tagged, *ref;

	gen_note(g, "%llu rounds of 6 objects: Derived, Point3, Point (-> PointB), Pair, "
		 "Tagged, Ref", (unsigned long long)rounds);
	gen_note(g, "attribute errors with --layout declared: %llu = 4 per round:",
		 (unsigned long long)(4 * rounds));
	gen_note(g, "  set Point3.w (rule 5: no dict inherited from a slotted base), setclass "
		 "PointB -> Point3 (rule 8),");
	gen_note(g, "  weakref to a PointB (rule 7), set Pair.a (rule 9: empty slots, no dict)");
	base = gen_class(g, "Base", 0, NULL, NULL);
	derived = gen_class(g, "Derived", 0, base, "x");
	point = gen_class(g, "Point", 0, NULL, "x,y");
	point3 = gen_class(g, "Point3", 0, point, "z");
	pointb = gen_class(g, "PointB", 0, NULL, "x,y");
	tuple = gen_class(g, "Tuple", TRACE_CF_VARSIZE, NULL, "");
	pair = gen_class(g, "Pair", 0, tuple, "");
	tagged = gen_class(g, "Tagged", 0, tuple, NULL);
	ref = gen_class(g, "Ref", TRACE_CF_WEAKREF, NULL, "a");
	for (uint64_t r = 0; r < rounds && gen_ok(g); r++) {
		uint64_t d = ++id, p3 = ++id, p = ++id, pr = ++id, tg = ++id, rf = ++id;

		gen_new(g, gen_tid(g, d), d, derived);
		gen_set(g, gen_tid(g, d), d, x, 1);
		gen_set(g, gen_tid(g, d), d, extra, 2);
		gen_weakref(g, gen_tid(g, d), d);
		gen_new(g, gen_tid(g, p3), p3, point3);
		gen_set(g, gen_tid(g, p3), p3, x, 1);
		gen_set(g, gen_tid(g, p3), p3, y, 2);
		gen_set(g, gen_tid(g, p3), p3, z, 3);
		gen_set(g, gen_tid(g, p3), p3, w, 4);
		gen_new(g, gen_tid(g, p), p, point);
		gen_set(g, gen_tid(g, p), p, x, 1);
		gen_set(g, gen_tid(g, p), p, y, 2);
		gen_setclass(g, gen_tid(g, p), p, pointb);
		gen_get(g, gen_tid(g, p), p, x);
		gen_setclass(g, gen_tid(g, p), p, point3);
		gen_weakref(g, gen_tid(g, p), p);
		gen_new(g, gen_tid(g, pr), pr, pair);
		gen_set(g, gen_tid(g, pr), pr, a, 1);
		gen_new(g, gen_tid(g, tg), tg, tagged);
		gen_set(g, gen_tid(g, tg), tg, a, 1);
		gen_new(g, gen_tid(g, rf), rf, ref);
		gen_set(g, gen_tid(g, rf), rf, a, 1);
		gen_weakref(g, gen_tid(g, rf), rf);
	}
	for (uint64_t i = 1; i <= id && gen_ok(g); i++)
		gen_free(g, gen_tid_free(g, i), i);
	return 0;
}

static int run_churn(struct gen *g)
{
	uint64_t n = g->p.objects, next = 1;
	uint64_t *live = gen_calloc_state(g, n, sizeof(*live));
	const struct trace_symbol *key = gen_sym(g, "key"), *value = gen_sym(g, "value"),
		*link = gen_sym(g, "next");
	const struct trace_class *c;

	gen_note(g, "%llu Nodes created, then %llu operations: free a random node, create its "
		 "replacement, read a random node's value", (unsigned long long)n,
		 (unsigned long long)g->p.ops);
	c = gen_class(g, "Node", 0, NULL, "key,value,next");
	for (uint64_t i = 0; i < n + g->p.ops && gen_ok(g); i++) {
		uint64_t k = i < n ? i : gen_below(g, n), id = next++;
		uint32_t tid = gen_tid(g, id);

		if (i >= n)
			gen_free(g, gen_tid_free(g, live[k]), live[k]);
		gen_new(g, tid, id, c);
		gen_set(g, tid, id, key, (int64_t)id);
		gen_set(g, tid, id, value, (int64_t)gen_below(g, 1u << 30));
		gen_set(g, tid, id, link, i ? (int64_t)live[gen_below(g, MIN(i, n))] : 0);
		live[k] = id;
		if (i >= n) {
			uint64_t j = live[gen_below(g, n)];

			gen_get(g, gen_tid(g, j), j, value);
		}
	}
	for (uint64_t i = 0; i < n && gen_ok(g); i++)
		gen_free(g, gen_tid_free(g, live[i]), live[i]);
	free(live);
	return 0;
}

/* Block sizes: 60 % 8-64 B (multiples of 8), 25 % 65-512, 12 % 513-4096, 3 % to 64 KiB. */
static uint64_t malloc_size(struct gen *g)
{
	uint64_t r = gen_below(g, 100);

	if (r < 60)
		return 8 * (1 + gen_below(g, 8));
	if (r < 85)
		return 65 + gen_below(g, 448);
	if (r < 97)
		return 513 + gen_below(g, 3584);
	return 4097 + gen_below(g, 61440);
}

static int run_malloc(struct gen *g)
{
	uint64_t n = g->p.objects, next = 1;
	uint64_t *live = gen_calloc_state(g, n, sizeof(*live));

	gen_note(g, "%llu blocks allocated, then %llu operations on a random live block:",
		 (unsigned long long)n, (unsigned long long)g->p.ops);
	gen_note(g, "  50 %% free + malloc, 10 %% free + calloc, 25 %% realloc, 5 %% free + "
		 "memalign (16 .. 4096),");
	gen_note(g, "  9 %% a malloc freed at once, 1 %% free + realloc of NULL (and a free of "
		 "NULL)");
	for (uint64_t i = 0; i < n && gen_ok(g); i++) {
		live[i] = next++;
		gen_malloc(g, gen_tid(g, live[i]), live[i], malloc_size(g));
	}
	for (uint64_t op = 0; op < g->p.ops && gen_ok(g); op++) {
		uint64_t k = gen_below(g, n), old = live[k], id = next++, r = gen_below(g, 100);
		uint32_t tid = gen_tid(g, id);

		if (r < 85 && r >= 60) {
			gen_realloc(g, gen_tid(g, old), id, old, malloc_size(g));
			live[k] = id;
			continue;
		}
		if (r >= 90 && r < 99) {
			gen_malloc(g, tid, id, malloc_size(g));
			gen_mfree(g, tid, id);
			continue;
		}
		gen_mfree(g, gen_tid_free(g, old), old);
		if (r < 50)
			gen_malloc(g, tid, id, malloc_size(g));
		else if (r < 60)
			gen_calloc(g, tid, id, 1 + gen_below(g, 16), 8 * (1 + gen_below(g, 8)));
		else if (r < 90)
			gen_memalign(g, tid, id, 16u << gen_below(g, 9), malloc_size(g));
		else {
			gen_realloc(g, tid, id, 0, malloc_size(g));
			gen_mfree(g, tid, 0);
		}
		live[k] = id;
	}
	for (uint64_t i = 0; i < n && gen_ok(g); i++)
		gen_mfree(g, gen_tid_free(g, live[i]), live[i]);
	free(live);
	return 0;
}

const struct scenario gen_scenarios[] = {
	{ "myclass", "MyClass(name, identifier) x 262,144 (seeds 000, 001)",
	  "seeds 000, 001: x = [MyClass(1,1) for i in range(1024*256)] takes 9.30 MiB with\n"
	  "__slots__ = ['name', 'identifier'] and 22.67 MiB without (0.41; 'slots save 40-50 %').\n"
	  "MyClass is declared as noslots.py has it (a dict class); --layout slots gives slots.py.",
	  "--objects: MyClass instances (default 262144)", 262144, 0, run_myclass, false },
	{ "player", "1,000,000 online Players with log-in/log-out churn (seed 002)",
	  "seed 002: a game server keeps a Player(uid, name, stat, level) per online player,\n"
	  "a million of them; __slots__ drops __dict__ and __weakref__ from every instance.\n"
	  "Player is declared as the seed's Player (a dict class); --layout slots gives Player2.",
	  "--objects: players online (default 1000000); --ops: churn operations\n"
	  "(default half of --objects)", 1000000, 50, run_player, false },
	{ "student", "a slot class rejecting dynamic attributes beside a dict class (seeds 000, 003)",
	  "seeds 000, 003: a slot class rejects a name it does not declare (S1.score = 123 and\n"
	  "b.dynamic_attr = 2 raise AttributeError, and so does b.__weakref__), while a dict\n"
	  "class binds any name at run time and sees attributes bound on its class.",
	  "--objects: Student instances (default 100000), plus a quarter as many of each\n"
	  "of Ordinary and WithSlots", 100000, 0, run_student, false },
	{ "sweep", "41 classes with 0 to 40 attributes (seed 004)",
	  "seed 004: a slot costs one pointer, an instance dict at least a pointer plus\n"
	  "sys.getsizeof(dict()); about 35 or 36 attributes take as much memory as an empty\n"
	  "instance dict.  Attrs0 .. Attrs40 are dict classes with K attributes a0 .. a{K-1}.",
	  "--objects: instances per class (default 10000); --attrs K: only class AttrsK", 10000,
	  0, run_sweep, false },
	{ "hybrid", "fixed slots plus unpredictable dynamic attributes (seed 004's third way)",
	  "seed 004, the third way: slots for the always-present attributes plus __dict__ for\n"
	  "unpredictable ones, 'the least straightforward and most conditional memory savings'.\n"
	  "Record has 4 slots and a dict; half the records get no dynamic attribute.",
	  "--objects: Record instances (default 200000)", 200000, 0, run_hybrid, false },
	{ "subclass", "inheritance: dict bases, slot extension, __class__, varsize (seed 003)",
	  "seed 003 (DESIGN 5 rules 5, 8, 9): a subclass of a class with __dict__ has one; a\n"
	  "slotted subclass lists only its new names; __class__ changes only between identical\n"
	  "layouts; a variable-size base (like tuple) accepts only empty __slots__.",
	  "--objects: instances, in rounds of 6 (default 120000)", 120000, 0, run_subclass, false },
	{ "churn", "create/free churn at a steady population of slot objects",
	  "the steady state behind the seeds' figures: objects die and are replaced at a\n"
	  "constant population, so reuse, not growth, decides footprint and speed.\n"
	  "Node has 3 slots (key, value, next).",
	  "--objects: live Nodes (default 100000); --ops: replacements (default 10 x --objects)",
	  100000, 1000, run_churn, false },
	{ "malloc", "malloc-level churn: malloc, calloc, realloc, memalign, free",
	  "malloc-level churn for the heap comparison (glibc, jemalloc, mimalloc, tcmalloc,\n"
	  "slab) at a constant number of live blocks; sizes 60 % 8-64 B, 25 % 65-512 B,\n"
	  "12 % 513-4096 B, 3 % up to 64 KiB.",
	  "--objects: live blocks (default 100000); --ops: operations (default 10 x --objects)",
	  100000, 1000, run_malloc, true },
};

const size_t gen_nscenarios = ARRAY_SIZE(gen_scenarios);
