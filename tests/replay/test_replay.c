// SPDX-License-Identifier: MIT
/*
 * tests/replay/test_replay.c - the replayer (bench/replay/replay.h) through its API.
 *
 * 1. Declared layout: the attribute errors counted, by kind, are those the
 *    generators' headers promise (student, subclass, hybrid).
 * 2. The slots layout's first pass: names set on instances become slots,
 *    except class attributes, names of a varsize hierarchy and names a
 *    descendant declares; weakref where weak references are taken; classes
 *    of identical layouts changed into one another stay identical.
 * 3. The dict layout: every class binds any name.
 * 4. Both heaps: what serves them, bytes per object from the accounting.
 * 5. Malloc-level events: block id 0 (NULL) semantics, realloc in all its
 *    forms, memalign, calloc, bytes asked for at the peak, on both heaps;
 *    a calloc that overflows is bad input.
 * 6. Ids that are not live: counted with the first one described, or
 *    fatal with --strict.
 * 7. Multi-threaded traces: the same errors, checksum, peaks and end
 *    state on every run and as a serial replay.
 * 8. Malformed input: text with file:line:column, binary with its offset.
 * 9. The at_peak and at_end hooks, and the decode-only pass.
 * 10. replay_run's decode-only mode and decode share (`replay --decode-only`,
 *    `--decode-share`).
 * 11. The slabinfo report of a trace (replay_slabinfo): at the peak it
 *    shows every instance live, at the end what the trace left; a
 *    malformed trace writes nothing; the demo workload.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench/gen/gen.h"
#include "bench/replay/replay.h"
#include "malloc/slotslab_malloc.h"
#include "tests/lib/tmpfiles.h"

static int setup(void **state)
{
	return test_tmpdir_create("test_replay");
}

static int teardown(void **state)
{
	return test_tmpdir_remove();
}

static const char *write_trace(const char *name, const char *text)
{
	const char *path = test_tmpfile(name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Replay @path with @o's settings (path filled in); the status. */
static int run(struct replay_opts *o, const char *path, struct replay_result *r,
	       struct replay_failure *f)
{
	o->path = path;
	o->no_counters = true;
	return replay_run(o, r, f);
}

static struct replay_result *run_ok(struct replay_opts *o, const char *path)
{
	struct replay_result *r = malloc(sizeof(*r));
	struct replay_failure f;
	int status;

	assert_non_null(r);
	status = run(o, path, r, &f);
	if (status)
		fail_msg("%s: status %d: %s", path, status, f.msg);
	return r;
}

static uint64_t total_errors(const struct replay_result *r)
{
	uint64_t n = 0;

	for (int k = 0; k < REPLAY_ERR_NR; k++)
		n += r->errors[k];
	return n;
}

/* "attribute errors with --layout declared: N" from a trace's header. */
static uint64_t header_errors(const char *path)
{
	char *text = test_slurp(path, NULL);
	const char *p = strstr(text, "attribute errors with --layout declared: ");
	uint64_t n;

	assert_non_null(p);
	n = strtoull(p + strlen("attribute errors with --layout declared: "), NULL, 10);
	free(text);
	return n;
}

/* "#   N WHAT" breakdown lines of a header: the N of the line containing @what. */
static uint64_t header_count(const char *path, const char *what)
{
	char *text = test_slurp(path, NULL);
	char *p = strstr(text, what);
	uint64_t n;

	assert_non_null(p);
	while (p > text && p[-1] != '#')
		p--;
	n = strtoull(p, NULL, 10);
	free(text);
	return n;
}

static void test_declared_errors(void **state)
{
	static const char *const scenarios[] = { "student", "subclass", "hybrid" };
	struct replay_opts o = REPLAY_OPTS_INIT;

	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		const char *path = test_generate(scenarios[i], 400, 0, 1, "declared.txt");
		struct replay_result *r = run_ok(&o, path);

		assert_int_equal(total_errors(r), header_errors(path));
		assert_int_equal(r->bad_ids, 0);
		assert_int_equal(r->objects_end, 0);
		free(r);
	}
	{
		const char *path = test_generate("student", 400, 0, 1, "student.txt");
		struct replay_result *r = run_ok(&o, path);

		assert_int_equal(r->errors[REPLAY_ERR_NO_ATTRIBUTE],
				 header_count(path, "get Student.age") +
				 header_count(path, "get Ordinary.dynamic_attr"));
		assert_int_equal(r->errors[REPLAY_ERR_NO_DICT],
				 header_count(path, "set Student.score") +
				 header_count(path, "set WithSlots.dynamic_attr"));
		assert_int_equal(r->errors[REPLAY_ERR_NO_WEAKREF],
				 header_count(path, "weakref to a WithSlots"));
		assert_int_equal(r->objects_peak, 400 + 2 * 100);
		free(r);
	}
}

/* What --layout slots makes of classes, checked through what then fails. */
static void test_slots_first_pass(void **state)
{
	struct replay_opts o = REPLAY_OPTS_INIT;
	const char *path = write_trace("slots.txt",
		"class Base\n"
		"class Derived slots=own base=Base\n"
		"class Tuple slots= varsize\n"
		"class Pair slots= base=Tuple\n"
		"class A slots=x\n"
		"class B slots=x\n"
		"class C slots=y\n"
		"classattr Base shared 7\n"
		/* 1 Base: a, b become slots of Base; shared stays a class attribute */
		"new 1 Base\nset 1 a 1\nset 1 b 2\nget 1 shared\nset 1 shared 3\n"
		/* 2 Derived: own is declared; c is added to Derived, a inherited */
		"new 2 Derived\nset 2 own 1\nset 2 a 2\nset 2 c 3\nget 2 c\nweakref 2\n"
		/* 3 Pair: a varsize hierarchy takes no names */
		"new 3 Pair\nset 3 z 1\n"
		/* 4 A -> B (identical), names set after the change go to both */
		"new 4 A\nset 4 x 1\nsetclass 4 B\nset 4 late 2\nweakref 4\n"
		/* 5 A -> C fails (different slots): the object stays an A */
		"new 5 A\nsetclass 5 C\nset 5 x 1\n"
		"free 1\nfree 2\nfree 3\nfree 4\nfree 5\n");
	struct replay_result *r;

	/* As declared: Base binds anything (dict); Derived has a dict and a
	 * weakref through Base; Pair has no dict; A -> B works, but B has
	 * neither a dict for "late" nor a weakref; A -> C is a layout error. */
	r = run_ok(&o, path);
	assert_int_equal(r->errors[REPLAY_ERR_NO_DICT], 2);	/* Pair.z, B.late */
	assert_int_equal(r->errors[REPLAY_ERR_NO_WEAKREF], 1);	/* the B */
	assert_int_equal(r->errors[REPLAY_ERR_LAYOUT], 1);	/* A -> C */
	assert_int_equal(total_errors(r), 4);
	free(r);

	/* Slots: the set of "shared" on an instance fails (a class attribute is
	 * never made a slot), Pair.z fails (rule 9), A -> C fails; everything
	 * else works: a, b, c, late, and both weak references. */
	o.layout = REPLAY_LAYOUT_SLOTS;
	r = run_ok(&o, path);
	assert_int_equal(r->errors[REPLAY_ERR_NO_DICT], 2);	/* Base.shared, Pair.z */
	assert_int_equal(r->errors[REPLAY_ERR_NO_WEAKREF], 0);
	assert_int_equal(r->errors[REPLAY_ERR_LAYOUT], 1);
	assert_int_equal(r->errors[REPLAY_ERR_NO_ATTRIBUTE], 0);
	assert_int_equal(total_errors(r), 3);
	free(r);

	/* Dict: every name binds; Tuple's hierarchy gets a dict too. */
	o.layout = REPLAY_LAYOUT_DICT;
	r = run_ok(&o, path);
	assert_int_equal(total_errors(r), 0);
	free(r);
}

static void test_slots_saves_bytes(void **state)
{
	struct replay_opts o = REPLAY_OPTS_INIT;
	const char *path = test_generate("player", 2000, 0, 1, "player.bin");
	struct replay_result *slots, *dict;

	o.layout = REPLAY_LAYOUT_SLOTS;
	slots = run_ok(&o, path);
	o.layout = REPLAY_LAYOUT_DICT;
	dict = run_ok(&o, path);
	assert_int_equal(total_errors(slots), 0);
	assert_int_equal(total_errors(dict), 0);
	assert_int_equal(slots->objects_peak, dict->objects_peak);
	assert_int_equal(slots->checksum, dict->checksum);
	assert_true(replay_bytes_per_object(slots) < replay_bytes_per_object(dict));
	free(slots);
	free(dict);
}

static void test_heaps(void **state)
{
	struct replay_opts o = REPLAY_OPTS_INIT;
	const char *path = test_generate("myclass", 1000, 0, 1, "myclass.bin");
	struct replay_result *r;

	/* MyClass is a dict class: its dicts come from the heap (kmalloc). */
	r = run_ok(&o, path);
	assert_string_equal(r->malloc, "slotslab");
	assert_int_equal(r->objects_peak, 1000);
	assert_true(r->space.peak.held >= r->space.peak.requested);
	assert_true(replay_bytes_per_object(r) ==
		    (double)r->space.peak.held / (double)r->objects_peak);
	assert_true(r->heap.nmalloc >= 1000);
	free(r);

	/* As slots, nothing comes from the heap: instances are slab objects. */
	o.layout = REPLAY_LAYOUT_SLOTS;
	r = run_ok(&o, path);
	assert_int_equal(r->heap.nmalloc, 0);
	assert_true(r->space.peak.held > 0);
	free(r);
	o.layout = REPLAY_LAYOUT_DECLARED;

	o.heap = REPLAY_HEAP_LIBC;
	r = run_ok(&o, path);
	assert_non_null(r->malloc);
	assert_string_not_equal(r->malloc, "slotslab");
	assert_true(r->heap.nmalloc >= 1000);	/* instances come from malloc */
	assert_true(replay_bytes_per_object(r) > 0);
	free(r);
}

static const char malloc_trace[] =
	"malloc 1 100\n"
	"malloc 0 50\n"			/* a failed malloc: nothing */
	"calloc 2 10 8\n"
	"memalign 3 64 10\n"
	"memalign 4 65536 100\n"
	"memalign 5 8192 20000\n"
	"realloc 6 0 30\n"		/* realloc of NULL: allocates */
	"realloc 1 1 400\n"		/* in place, same id */
	"realloc 7 2 1000\n"		/* moves to a new id */
	"realloc 0 3 0\n"		/* frees 3 */
	"realloc 0 4 10\n"		/* a failed realloc: 4 stays */
	"realloc 8 5 0\n"		/* size 0: 5 freed, 8 a zero-size block */
	"malloc 9 0\n"
	"mfree 0\n"			/* free(NULL): nothing */
	"mfree 1\nmfree 4\nmfree 6\nmfree 7\nmfree 8\n";

static void test_malloc_events(void **state)
{
	const char *path = write_trace("malloc.txt", malloc_trace);

	for (int h = 0; h < 2; h++) {
		struct replay_opts o = REPLAY_OPTS_INIT;
		struct replay_result *r;

		o.heap = h ? REPLAY_HEAP_LIBC : REPLAY_HEAP_SLAB;
		r = run_ok(&o, path);
		assert_int_equal(r->bad_ids, 0);
		assert_int_equal(r->blocks_peak, 6);	/* 1 to 6, until 3 goes */
		assert_int_equal(r->blocks_end, 1);	/* 9 */
		/* malloc 1, calloc 2, memalign 3 4 5, realloc 6 1 7, malloc 8 9 */
		assert_int_equal(r->blocks.nalloc, 10);
		/* realloc 1 and 7 free their old block; 3, 5, and the mfrees */
		assert_int_equal(r->blocks.nfree, 2 + 2 + 5);
		assert_int_equal(r->blocks.live.requested, 0);
		/* The peak of bytes asked for: after "realloc 7 2 1000", before 3 goes. */
		assert_int_equal(r->blocks.peak.requested, 400 + 1000 + 10 + 100 + 20000 + 30);
		assert_true(r->blocks.peak.held >= r->blocks.peak.requested);
		free(r);
	}
}

/*
 * The slab heap is the shipped malloc (the prefixed build of malloc/):
 * the bytes it holds for a block aligned beyond a page, for a realloc
 * shrink and for a zero-size malloc are that malloc's usable sizes.
 */
static void test_slab_heap_is_shipped_malloc(void **state)
{
	static const struct {
		const char *trace;
		size_t align, size, shrink;
	} cases[] = {
		{ "memalign 1 8192 100\n", 8192, 100, 0 },
		{ "memalign 1 65536 5000\n", 65536, 5000, 0 },
		{ "malloc 1 0\n", 0, 0, 0 },
		{ "malloc 1 3000\nrealloc 2 1 100\n", 0, 3000, 100 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct replay_opts o = REPLAY_OPTS_INIT;
		struct replay_result *r;
		void *p;
		size_t want;

		if (cases[i].align) {
			p = slotslab_memalign(cases[i].align, cases[i].size);
			assert_int_equal((uintptr_t)p % cases[i].align, 0);
		} else {
			p = slotslab_malloc(cases[i].size);
		}
		if (cases[i].shrink)
			p = slotslab_realloc(p, cases[i].shrink);
		assert_non_null(p);
		want = slotslab_malloc_usable_size(p);
		slotslab_free(p);

		o.heap = REPLAY_HEAP_SLAB;
		r = run_ok(&o, write_trace("shipped.txt", cases[i].trace));
		assert_int_equal(r->blocks.live.held, want);
		free(r);
	}
}

static void test_calloc_overflow(void **state)
{
	struct replay_opts o = REPLAY_OPTS_INIT;
	struct replay_result r;
	struct replay_failure f;
	const char *path = write_trace("overflow.txt",
				       "calloc 1 4294967296 4294967296\nmfree 1\n");

	assert_int_equal(run(&o, path, &r, &f), 2);
	assert_non_null(strstr(f.msg, "event 1 (calloc 1 4294967296 4294967296)"));
	assert_non_null(strstr(f.msg, "overflow"));
}

static const char bad_id_trace[] =
	"class P slots=x\n"
	"new 1 P\n"
	"free 2\n"			/* event 3: never created */
	"set 1 x 1\n"
	"new 1 P\n"			/* live already */
	"free 1\n"
	"get 1 x\n"			/* freed */
	"mfree 5\n"			/* never allocated */
	"malloc 6 10\nmalloc 6 10\n"	/* live already */
	"realloc 7 8 10\n"		/* 8 is not live */
	"mfree 6\n";

static void test_bad_ids(void **state)
{
	struct replay_opts o = REPLAY_OPTS_INIT;
	const char *path = write_trace("badids.txt", bad_id_trace);
	struct replay_result *r = run_ok(&o, path);
	struct replay_failure f;

	assert_int_equal(r->bad_ids, 6);
	assert_non_null(strstr(r->bad_id_msg, "badids.txt: event 3 (free 2): "));
	assert_int_equal(total_errors(r), 0);
	assert_int_equal(r->objects_peak, 1);
	assert_int_equal(r->blocks_end, 0);

	o.strict = true;
	assert_int_equal(run(&o, path, r, &f), 2);
	assert_non_null(strstr(f.msg, "badids.txt: event 3 (free 2): no live object"));
	free(r);
}

/* The figures that do not depend on the schedule. */
static void assert_same_outcome(const struct replay_result *a, const struct replay_result *b)
{
	assert_int_equal(a->events, b->events);
	for (int k = 0; k < REPLAY_ERR_NR; k++)
		assert_int_equal(a->errors[k], b->errors[k]);
	assert_int_equal(a->bad_ids, b->bad_ids);
	assert_int_equal(a->checksum, b->checksum);
	assert_int_equal(a->objects_peak, b->objects_peak);
	assert_int_equal(a->blocks_peak, b->blocks_peak);
	assert_int_equal(a->objects_end, b->objects_end);
	assert_int_equal(a->blocks_end, b->blocks_end);
	assert_int_equal(a->space.total.requested, b->space.total.requested);
	assert_int_equal(a->blocks.live.requested, b->blocks.live.requested);
	assert_int_equal(a->blocks.nalloc, b->blocks.nalloc);
}

static void test_threads_deterministic(void **state)
{
	static const struct { const char *scenario; unsigned int threads; } cases[] = {
		{ "churn", 4 }, { "student", 3 }, { "malloc", 3 }, { "subclass", 2 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *path = test_generate(cases[i].scenario, 600, 0, cases[i].threads, "mt.bin");
		struct replay_opts o = REPLAY_OPTS_INIT;
		struct replay_result *serial, *r;

		o.serial = true;
		serial = run_ok(&o, path);
		assert_int_equal(serial->replay_threads, 1);
		assert_int_equal(serial->threads, cases[i].threads);
		o.serial = false;
		for (int rep = 0; rep < 3; rep++) {
			r = run_ok(&o, path);
			assert_int_equal(r->replay_threads, cases[i].threads);
			assert_same_outcome(serial, r);
			free(r);
		}
		o.layout = REPLAY_LAYOUT_SLOTS;
		o.heap = REPLAY_HEAP_LIBC;
		r = run_ok(&o, path);
		assert_int_equal(r->events, serial->events);
		assert_int_equal(r->checksum, serial->checksum);
		free(r);
		free(serial);
	}
}

static void test_malformed(void **state)
{
	struct replay_opts o = REPLAY_OPTS_INIT;
	struct replay_result r;
	struct replay_failure f;
	const char *path = write_trace("bad.txt", "class P slots=x\nnew 1 P\nset 1 x\n");
	const char *bin = test_generate("churn", 200, 0, 1, "cut.bin");
	char *bytes;
	size_t len;
	FILE *out;

	assert_int_equal(run(&o, path, &r, &f), 2);
	assert_non_null(strstr(f.msg, "bad.txt:3:"));
	assert_non_null(strstr(f.msg, "expected"));

	bytes = test_slurp(bin, &len);
	out = fopen(bin, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(bytes, 1, len - 100, out), len - 100);
	assert_int_equal(fclose(out), 0);
	free(bytes);
	assert_int_equal(run(&o, bin, &r, &f), 2);
	assert_non_null(strstr(f.msg, "offset"));

	assert_int_equal(run(&o, test_tmpfile("missing.bin"), &r, &f), 2);
	o.profile = "no-such-profile";
	assert_int_equal(run(&o, path, &r, &f), 2);
}

struct hooks {
	int peaks, ends;
};

static void on_peak(void *arg)
{
	((struct hooks *)arg)->peaks++;
}

static void on_end(void *arg)
{
	((struct hooks *)arg)->ends++;
}

static void test_hooks_and_decode(void **state)
{
	struct replay_opts o = REPLAY_OPTS_INIT;
	struct hooks h = { 0 };
	const char *path = test_generate("churn", 300, 0, 2, "hooks.bin");
	struct replay_result *r, d;
	struct replay_failure f;

	o.at_peak = on_peak;
	o.at_end = on_end;
	o.at_arg = &h;
	r = run_ok(&o, path);
	assert_int_equal(h.peaks, 1);
	assert_int_equal(h.ends, 1);
	assert_int_equal(r->replay_threads, 1);	/* at_peak replays serially */
	assert_int_equal(r->objects_peak, 300);

	memset(&d, 0, sizeof(d));
	o = (struct replay_opts)REPLAY_OPTS_INIT;
	o.path = path;
	assert_true(replay_decode(&o, &d, &f) >= 0);
	assert_int_equal(d.events, r->events);
	for (int k = 0; k < TRACE_NR_KINDS; k++)
		assert_int_equal(d.kinds[k].events, r->kinds[k].events);
	free(r);
}

static void test_decode_modes(void **state)
{
	struct replay_opts o = REPLAY_OPTS_INIT;
	const char *path = test_generate("churn", 300, 0, 1, "decode.bin");
	struct replay_result *full, *r;

	(void)state;
	full = run_ok(&o, path);
	assert_false(full->decode_only);
	assert_true(full->decode_seconds < 0);	/* not asked for */

	o = (struct replay_opts)REPLAY_OPTS_INIT;
	o.decode_only = true;
	r = run_ok(&o, path);
	assert_true(r->decode_only);
	assert_int_equal(r->events, full->events);
	assert_true(r->seconds >= 0);
	assert_int_equal(r->objects_peak, 0);	/* nothing replayed */
	for (int k = 0; k < TRACE_NR_KINDS; k++)
		assert_int_equal(r->kinds[k].events, full->kinds[k].events);
	free(r);

	o = (struct replay_opts)REPLAY_OPTS_INIT;
	o.decode_share = true;
	r = run_ok(&o, path);
	assert_false(r->decode_only);
	assert_true(r->decode_seconds >= 0);
	assert_int_equal(r->objects_peak, full->objects_peak);
	free(r);
	free(full);
}

/* Total active objects of the report's caches whose names contain @what. */
static unsigned long active_in(const char *report, const char *what)
{
	unsigned long n = 0, active;
	char name[128];

	for (const char *p = report; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (*p != '#' && sscanf(p, "%127s %lu", name, &active) == 2 && strstr(name, what))
			n += active;
	return n;
}

/* The report replay_slabinfo() writes for @o, taken @at (it succeeds); free() it. */
static char *slabinfo_of(const struct replay_opts *o, unsigned int flags, enum slabinfo_at at)
{
	struct replay_failure f;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(replay_slabinfo(o, flags, at, out, &f), 0);
	assert_int_equal(fclose(out), 0);
	return buf;
}

/* The large blocks' KiB on a report's memory line; -1 without one. */
static long large_kib(const char *report)
{
	const char *m = strstr(report, "# memory (KiB): ");
	long kib;

	if (!m || !(m = strstr(m, ", large ")) || sscanf(m, ", large %ld", &kib) != 1)
		return -1;
	return kib;
}

/*
 * --at bytes: a malloc-level trace whose count of blocks peaks with ten
 * small ones (48 bytes: no other class's name holds kmalloc-48), and whose
 * bytes peak later with one of 1 MiB alone.  The count's peak sees the ten
 * and no large block; the bytes' peak the block and none of the ten.  A trace of objects only never reaches it: the
 * report falls back to the end, and says so.
 */
static void test_slabinfo_at_bytes(void **state)
{
	const char *path = write_trace("slabinfo_bytes.txt",
				       "malloc 1 48\nmalloc 2 48\nmalloc 3 48\nmalloc 4 48\n"
				       "malloc 5 48\nmalloc 6 48\nmalloc 7 48\nmalloc 8 48\n"
				       "malloc 9 48\nmalloc 10 48\nmfree 1\nmfree 2\nmfree 3\n"
				       "mfree 4\nmfree 5\nmfree 6\nmfree 7\nmfree 8\nmfree 9\n"
				       "mfree 10\nmalloc 11 1048576\nmfree 11\n");
	struct replay_opts o = REPLAY_OPTS_INIT;
	char *buf;

	(void)state;
	o.path = path;
	o.no_counters = true;
	buf = slabinfo_of(&o, SLABINFO_ALL, SLABINFO_AT_PEAK);
	assert_int_equal(active_in(buf, "kmalloc-48"), 10);
	assert_int_equal(large_kib(buf), 0);
	free(buf);

	buf = slabinfo_of(&o, SLABINFO_ALL, SLABINFO_AT_BYTES);
	assert_non_null(strstr(buf, "taken at the peak of bytes (within 1/64)\n"));
	assert_int_equal(active_in(buf, "kmalloc-48"), 0);
	assert_true(large_kib(buf) >= 1024);
	free(buf);

	o.path = write_trace("slabinfo_bytes_objs.txt", "class Obj slots=a\nnew 1 Obj\n");
	buf = slabinfo_of(&o, 0, SLABINFO_AT_BYTES);
	assert_non_null(strstr(buf, "taken at the end (the peak was never reached)\n"));
	free(buf);
}

static void test_slabinfo_report(void **state)
{
	const char *path = write_trace("slabinfo.txt",
				       "class Obj slots=a,b\nnew 1 Obj\nnew 2 Obj\nnew 3 Obj\n"
				       "free 1\nfree 2\nfree 3\nnew 4 Obj\n");
	struct replay_opts o = REPLAY_OPTS_INIT;
	struct replay_failure f;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	o.path = path;
	o.layout = REPLAY_LAYOUT_SLOTS;
	o.no_counters = true;
	buf = slabinfo_of(&o, 0, SLABINFO_AT_PEAK);
	assert_non_null(strstr(buf, "slabinfo.txt: layout slots, profile native, taken at the peak\n"));
	assert_non_null(strstr(buf, "# 8 events; peak 3 objects, 0 blocks; at the end 1 objects"));
	assert_non_null(strstr(buf, "# memory (KiB): chunks "));
	assert_non_null(strstr(buf, "slabinfo - version: 2.1"));
	assert_int_equal(active_in(buf, "Obj"), 3);	/* all three live at the peak */
	free(buf);

	buf = slabinfo_of(&o, SLABINFO_STATS, SLABINFO_AT_END);
	assert_non_null(strstr(buf, "taken at the end\n"));
	assert_int_equal(active_in(buf, "Obj"), 1);	/* what the trace left */
	free(buf);

	o.path = write_trace("slabinfo_bad.txt", "class P slots=x\nnew 1 P\nset 1 x\n");
	out = open_memstream(&buf, &len);
	assert_int_equal(replay_slabinfo(&o, 0, SLABINFO_AT_PEAK, out, &f), 2);
	fclose(out);
	assert_int_equal(len, 0);	/* nothing written */
	assert_non_null(strstr(f.msg, "slabinfo_bad.txt:3:"));
	free(buf);

	out = open_memstream(&buf, &len);
	assert_int_equal(replay_slabinfo_demo(1000, 0, out, &f), 0);
	fclose(out);
	assert_true(active_in(buf, "") >= 1000);	/* half of 1000 MyClass and of 1000 Player */
	assert_non_null(strstr(buf, "slabinfo - version: 2.1"));
	free(buf);
}

static void test_sampled_timing(void **state)
{
	struct replay_opts o = REPLAY_OPTS_INIT;
	const char *path = test_generate("churn", 300, 0, 1, "timing.bin");
	struct replay_result *r;
	uint64_t sampled = 0;

	o.sample = 10;
	r = run_ok(&o, path);
	for (int k = 0; k < TRACE_NR_KINDS; k++) {
		assert_true(r->kinds[k].sampled <= r->kinds[k].events);
		sampled += r->kinds[k].sampled;
	}
	assert_int_equal(sampled, r->events / 10);
	free(r);
	o.sample = 0;
	r = run_ok(&o, path);
	for (int k = 0; k < TRACE_NR_KINDS; k++)
		assert_int_equal(r->kinds[k].sampled, 0);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_declared_errors),
		cmocka_unit_test(test_slots_first_pass),
		cmocka_unit_test(test_slots_saves_bytes),
		cmocka_unit_test(test_heaps),
		cmocka_unit_test(test_malloc_events),
		cmocka_unit_test(test_slab_heap_is_shipped_malloc),
		cmocka_unit_test(test_calloc_overflow),
		cmocka_unit_test(test_bad_ids),
		cmocka_unit_test(test_threads_deterministic),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_hooks_and_decode),
		cmocka_unit_test(test_sampled_timing),
		cmocka_unit_test(test_decode_modes),
		cmocka_unit_test(test_slabinfo_report),
		cmocka_unit_test(test_slabinfo_at_bytes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
