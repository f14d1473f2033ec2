// SPDX-License-Identifier: MIT
/*
 * tests/gen/test_trace_gen.c - the scenario generators of `slotslab gen`.
 *
 * 1. Determinism: the same parameters give the same bytes; another seed
 *    gives another trace where the scenario draws random numbers; the text
 *    and binary outputs hold the same events.
 * 2. Every scenario's trace is consistent: no event on an object or block
 *    that is not alive, everything freed at the end, the header naming the
 *    command, the scenario and the seed claim.
 * 3. What each scenario promises: sizes, phases, classes, thread ids; and
 *    where the header states how many attribute errors a replay with
 *    --layout declared must count, a small model of DESIGN 5's rules
 *    counts them from the events and must agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench/gen/gen.h"
#include "tests/lib/trace_check.h"
#include "tests/lib/tmpfiles.h"

static int setup(void **state)
{
	return test_tmpdir_create("test_trace_gen");
}

static int teardown(void **state)
{
	return test_tmpdir_remove();
}

static const char *generate(const char *scenario, const struct gen_params *p, const char *ext)
{
	static char path[4][512];
	static int i;
	struct trace_error err;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s-%llu-%u.%s", test_tmpdir, scenario,
		 (unsigned long long)p->seed, p->threads, ext);
	if (gen_run(gen_find(scenario), p, path[i], NULL, &err) < 0)
		fail_msg("%s", err.msg);
	return path[i];
}

static bool same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *x = test_slurp(a, &la), *y = test_slurp(b, &lb);
	bool same = la == lb && memcmp(x, y, la) == 0;

	free(x);
	free(y);
	return same;
}

static void test_deterministic(void **state)
{
	for (size_t i = 0; i < gen_nscenarios; i++) {
		const char *name = gen_scenarios[i].name;
		struct gen_params p = { .objects = 600, .threads = 1, .attrs = -1, .seed = 5 };
		char a[512], b[512], c[512];
		char *ta, *tb;
		struct trace_error err;

		snprintf(a, sizeof(a), "%s", generate(name, &p, "bin"));
		rename(a, strcat(strcpy(c, a), ".first"));
		snprintf(b, sizeof(b), "%s", generate(name, &p, "bin"));
		assert_true(same_file(c, b));
		p.threads = 3;
		snprintf(a, sizeof(a), "%s", generate(name, &p, "bin"));
		rename(a, strcat(strcpy(c, a), ".first"));
		snprintf(b, sizeof(b), "%s", generate(name, &p, "bin"));
		assert_true(same_file(c, b));
		/* Text and binary: the same events. */
		snprintf(a, sizeof(a), "%s", generate(name, &p, "txt"));
		ta = check_dump_file(a, NULL, &err);
		tb = check_dump_file(b, NULL, &err);
		assert_non_null(ta);
		assert_non_null(tb);
		assert_string_equal(ta, tb);
		free(ta);
		free(tb);
	}
	/* Scenarios that draw random numbers differ with the seed. */
	for (const char *const *s = (const char *const[]){ "player", "hybrid", "churn", "malloc",
							    NULL }; *s; s++) {
		struct gen_params p = { .objects = 600, .threads = 1, .attrs = -1, .seed = 5 };
		char a[512];

		snprintf(a, sizeof(a), "%s", generate(*s, &p, "bin"));
		p.seed = 6;
		assert_false(same_file(a, generate(*s, &p, "bin")));
	}
}

/* ---- a model of the declared layout (DESIGN 5) ------------------------ */

/**
 * struct model - objects and blocks alive, and the attribute errors a
 * replay with --layout declared counts.  Attribute sets are bitmaps of
 * symbol ids (the scenarios use fewer than 64 names).
 */
struct model {
	struct obj {
		const struct trace_class *cls;
		uint64_t attrs;
		uint32_t tid;
		bool live;
	} *objs;
	uint64_t nobjs;
	struct block {
		uint32_t tid;
		bool live;
	} *blocks;
	uint64_t nblocks;
	uint64_t classattrs[64];
	uint64_t kinds[TRACE_NR_KINDS];
	uint64_t errors, live, peak, blocks_live, blocks_peak;
	uint64_t cross_frees;	/* frees on another thread than the allocation */
	uint32_t max_tid;
};

static uint64_t slot_bits(const struct trace_class *c)
{
	uint64_t bits = 0;

	for (; c; c = c->base)
		for (uint32_t i = 0; i < c->nslots; i++)
			bits |= 1ull << c->slots[i]->id;
	return bits;
}

static uint64_t class_bits(const struct model *m, const struct trace_class *c)
{
	uint64_t bits = 0;

	for (; c; c = c->base)
		bits |= m->classattrs[c->id];
	return bits;
}

/* Rule 8: the same slots in the same order, the same dict, weakref, size. */
static bool same_layout(const struct trace_class *a, const struct trace_class *b)
{
	if (a->nslots_total != b->nslots_total || a->eff != b->eff)
		return false;
	while (a && b) {
		if (a->nslots != b->nslots)
			return false;
		for (uint32_t i = 0; i < a->nslots; i++)
			if (a->slots[i] != b->slots[i])
				return false;
		a = a->base;
		b = b->base;
	}
	return !a && !b;
}

static struct obj *live_obj(struct model *m, uint64_t id)
{
	assert_true(id < m->nobjs && m->objs[id].live);
	return &m->objs[id];
}

static void grow(void **arr, uint64_t *n, uint64_t want, size_t size)
{
	if (want < *n)
		return;
	*arr = realloc(*arr, (want * 2 + 16) * size);
	assert_non_null(*arr);
	memset((char *)*arr + *n * size, 0, (want * 2 + 16 - *n) * size);
	*n = want * 2 + 16;
}

static void model_block(struct model *m, uint64_t id, uint32_t tid, bool alive)
{
	if (id == 0)
		return;
	grow((void **)&m->blocks, &m->nblocks, id, sizeof(*m->blocks));
	assert_true(m->blocks[id].live != alive);	/* no double allocation or free */
	if (!alive)
		m->cross_frees += m->blocks[id].tid != tid;
	m->blocks[id] = (struct block){ .tid = tid, .live = alive };
	m->blocks_live += alive ? 1 : -1;
	if (m->blocks_live > m->blocks_peak)
		m->blocks_peak = m->blocks_live;
}

static void model_event(struct model *m, const struct trace_event *ev)
{
	uint64_t bit = ev->attr ? 1ull << ev->attr->id : 0;
	struct obj *o;

	assert_true(!ev->attr || ev->attr->id < 64);
	m->kinds[ev->kind]++;
	if (ev->tid > m->max_tid)
		m->max_tid = ev->tid;
	switch (ev->kind) {
	case TRACE_CLASSATTR:
		m->classattrs[ev->cls->id] |= bit;
		break;
	case TRACE_NEW:
		grow((void **)&m->objs, &m->nobjs, ev->id, sizeof(*m->objs));
		assert_false(m->objs[ev->id].live);
		m->objs[ev->id] = (struct obj){ .cls = ev->cls, .live = true, .tid = ev->tid };
		if (++m->live > m->peak)
			m->peak = m->live;
		break;
	case TRACE_FREE:
		o = live_obj(m, ev->id);
		m->cross_frees += o->tid != ev->tid;
		o->live = false;
		m->live--;
		break;
	case TRACE_SET:
		o = live_obj(m, ev->id);
		if ((slot_bits(o->cls) & bit) || (o->cls->eff & TRACE_CF_DICT))
			o->attrs |= bit;
		else
			m->errors++;
		break;
	case TRACE_GET:
		o = live_obj(m, ev->id);
		m->errors += !((o->attrs | class_bits(m, o->cls)) & bit);
		break;
	case TRACE_DEL:
		o = live_obj(m, ev->id);
		m->errors += !(o->attrs & bit);
		o->attrs &= ~bit;
		break;
	case TRACE_WEAKREF:
		m->errors += !(live_obj(m, ev->id)->cls->eff & TRACE_CF_WEAKREF);
		break;
	case TRACE_SETCLASS:
		o = live_obj(m, ev->id);
		if (same_layout(o->cls, ev->cls))
			o->cls = ev->cls;
		else
			m->errors++;
		break;
	case TRACE_MALLOC:
	case TRACE_CALLOC:
	case TRACE_MEMALIGN:
		model_block(m, ev->id, ev->tid, true);
		break;
	case TRACE_REALLOC:
		if (ev->old_id)
			model_block(m, ev->old_id, ev->tid, false);
		model_block(m, ev->id, ev->tid, true);
		break;
	case TRACE_MFREE:
		model_block(m, ev->id, ev->tid, false);
		break;
	}
}

/* Run @path through the model; check that everything ends freed. */
static void model_run(struct model *m, const char *path, char *header, size_t hlen)
{
	struct trace_error err;
	struct trace_event ev;
	struct trace *t = trace_open(path, NULL, &err);
	uint32_t classes = 0;
	int rc;

	memset(m, 0, sizeof(*m));
	assert_non_null(t);
	snprintf(header, hlen, "%s", trace_header(t, NULL));
	while ((rc = trace_next(t, &ev)) > 0) {
		check_event(t, &ev, &classes);
		model_event(m, &ev);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(m->live, 0);
	assert_int_equal(m->blocks_live, 0);
	trace_close(t);
}

static void model_free(struct model *m)
{
	free(m->objs);
	free(m->blocks);
}

/* The error count the header states, or -1. */
static long long header_errors(const char *header)
{
	const char *p = strstr(header, "attribute errors with --layout declared: ");

	return p ? strtoll(p + strlen("attribute errors with --layout declared: "), NULL, 10) : -1;
}

static void check_scenario(const char *name, uint64_t objects, unsigned int threads,
			   struct model *m, char *header, size_t hlen)
{
	struct gen_params p = { .objects = objects, .threads = threads, .attrs = -1, .seed = 3 };
	char want[128];

	model_run(m, generate(name, &p, "bin"), header, hlen);
	snprintf(want, sizeof(want), "slotslab gen %s --objects %llu", name,
		 (unsigned long long)objects);
	assert_true(strncmp(header, want, strlen(want)) == 0);
	snprintf(want, sizeof(want), "\nscenario %s: ", name);
	assert_non_null(strstr(header, want));
	assert_non_null(strstr(header, "seed"));
	if (threads > 1) {
		assert_int_equal(m->max_tid, threads - 1);
		assert_true(m->cross_frees > 0);
	} else {
		assert_int_equal(m->max_tid, 0);
		assert_int_equal(m->cross_frees, 0);
	}
}

static void test_myclass(void **state)
{
	struct model m;
	char h[4096];

	check_scenario("myclass", 1000, 1, &m, h, sizeof(h));
	assert_int_equal(m.kinds[TRACE_CLASS], 1);
	assert_int_equal(m.kinds[TRACE_NEW], 1000);
	assert_int_equal(m.kinds[TRACE_SET], 2000);
	assert_int_equal(m.peak, 1000);
	assert_int_equal(m.errors, 0);
	assert_non_null(strstr(h, "1024*256"));
	model_free(&m);
	assert_int_equal(gen_find("myclass")->objects, 262144);
}

static void test_player(void **state)
{
	struct model m;
	char h[4096];

	check_scenario("player", 2000, 4, &m, h, sizeof(h));
	assert_int_equal(m.peak, 2000);		/* log-outs come before log-ins */
	assert_int_equal(m.kinds[TRACE_GET], 2000);	/* the cache-miss phase */
	assert_int_equal(m.errors, 0);
	/* Every log-in sets uid, name, stat, level; churn adds level changes. */
	assert_true(m.kinds[TRACE_SET] >= 4 * m.kinds[TRACE_NEW]);
	assert_true(m.kinds[TRACE_NEW] > 2000 && m.kinds[TRACE_NEW] < 2000 + 1000);
	assert_non_null(strstr(h, "cache-miss phase"));
	model_free(&m);
	assert_int_equal(gen_find("player")->objects, 1000000);
}

static void test_declared_errors(void **state)
{
	static const struct { const char *name; uint64_t objects; } cases[] = {
		{ "student", 1000 }, { "student", 1003 }, { "subclass", 600 },
		{ "hybrid", 4000 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (unsigned int threads = 1; threads <= 2; threads++) {
			struct model m;
			char h[4096];

			check_scenario(cases[i].name, cases[i].objects, threads, &m, h, sizeof(h));
			if (header_errors(h) != (long long)m.errors)
				fail_msg("%s: header says %lld errors, the model counts %llu",
					 cases[i].name, header_errors(h),
					 (unsigned long long)m.errors);
			assert_true(m.errors > 0);
			model_free(&m);
		}
	}
}

static void test_sweep(void **state)
{
	struct gen_params p = { .objects = 50, .threads = 1, .attrs = -1, .seed = 1 };
	struct trace_error err;
	struct trace_event ev;
	struct trace *t;
	struct model m;
	uint64_t sets[41] = { 0 };
	uint32_t cur = 0;
	char h[4096];

	model_run(&m, generate("sweep", &p, "bin"), h, sizeof(h));
	assert_int_equal(m.kinds[TRACE_CLASS], 41);
	assert_int_equal(m.peak, 41 * 50);
	assert_int_equal(m.errors, 0);
	model_free(&m);
	t = trace_open(generate("sweep", &p, "bin"), NULL, &err);
	assert_non_null(t);
	while (trace_next(t, &ev) > 0) {
		if (ev.kind == TRACE_CLASS) {
			char name[16];

			snprintf(name, sizeof(name), "Attrs%u", ev.cls->id);
			assert_string_equal(ev.cls->name, name);
			assert_int_equal(ev.cls->eff, TRACE_CF_DICT | TRACE_CF_WEAKREF);
			cur = ev.cls->id;
		}
		if (ev.kind == TRACE_SET)
			sets[cur]++;
	}
	for (int k = 0; k <= 40; k++)
		assert_int_equal(sets[k], 50u * (unsigned int)k);
	trace_close(t);

	p.attrs = 7;
	model_run(&m, generate("sweep", &p, "bin"), h, sizeof(h));
	assert_int_equal(m.kinds[TRACE_CLASS], 1);
	assert_int_equal(m.kinds[TRACE_SET], 7 * 50);
	assert_non_null(strstr(h, " --attrs 7 "));
	model_free(&m);
}

static void test_churn(void **state)
{
	struct gen_params p = { .objects = 500, .ops = 7000, .threads = 1, .attrs = -1, .seed = 2 };
	struct model m;
	char h[4096];

	model_run(&m, generate("churn", &p, "bin"), h, sizeof(h));
	assert_int_equal(m.peak, 500);
	assert_int_equal(m.kinds[TRACE_NEW], 500 + 7000);
	assert_int_equal(m.kinds[TRACE_FREE], 500 + 7000);
	assert_int_equal(m.kinds[TRACE_GET], 7000);
	assert_int_equal(m.errors, 0);
	model_free(&m);
	check_scenario("churn", 300, 3, &m, h, sizeof(h));
	assert_int_equal(m.kinds[TRACE_NEW], 300 + 3000);	/* default --ops: 10 x */
	model_free(&m);
}

static void test_malloc_scenario(void **state)
{
	struct model m;
	char h[4096];

	check_scenario("malloc", 1000, 2, &m, h, sizeof(h));
	assert_int_equal(m.kinds[TRACE_NEW], 0);
	for (int k = TRACE_MALLOC; k <= TRACE_MFREE; k++)
		assert_true(m.kinds[k] > 0);
	assert_true(m.blocks_peak >= 1000 && m.blocks_peak <= 1001);
	model_free(&m);
}

static void test_subclass_classes(void **state)
{
	struct gen_params p = { .objects = 60, .threads = 1, .attrs = -1, .seed = 1 };
	struct trace_error err;
	struct trace_event ev;
	struct trace *t = trace_open(generate("subclass", &p, "txt"), NULL, &err);
	char dump[2048] = "";

	assert_non_null(t);
	while (trace_next(t, &ev) > 0 && ev.kind == TRACE_CLASS) {
		char line[128];

		trace_event_format(&ev, line, sizeof(line));
		strcat(strcat(dump, line), "\n");
	}
	assert_string_equal(dump,
			    "class Base\n"
			    "class Derived slots=x base=Base\n"
			    "class Point slots=x,y\n"
			    "class Point3 slots=z base=Point\n"
			    "class PointB slots=x,y\n"
			    "class Tuple slots= varsize\n"
			    "class Pair slots= base=Tuple\n"
			    "class Tagged base=Tuple\n"
			    "class Ref slots=a weakref\n");
	trace_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_myclass),
		cmocka_unit_test(test_player),
		cmocka_unit_test(test_declared_errors),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_malloc_scenario),
		cmocka_unit_test(test_subclass_classes),
	};

	return cmocka_run_group_tests_name("trace_gen", tests, setup, teardown);
}
