// SPDX-License-Identifier: MIT
/*
 * tests/replay/test_replay_oom.c - the replayer out of memory at every allocation
 * (CONFIG_FAILSLAB), in process, so that ASan and Valgrind see whether a
 * failure anywhere leaks or touches freed memory.
 *
 * A first replay counts the allocations (slab_fault_count() with nothing
 * failing); then each one fails in turn (slab_fault_inject("nth:K")): the
 * replay returns 1 with "out of memory" and the event in its message, or
 * absorbs the failure and returns 0.  After the sweep, a replay without
 * faults gives the first replay's results again: nothing stayed behind.
 * Skipped in builds without CONFIG_FAILSLAB.
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
#include "tests/lib/tmpfiles.h"

static int setup(void **state)
{
	return test_tmpdir_create("test_replay_oom");
}

static int teardown(void **state)
{
	return test_tmpdir_remove();
}

static void sweep(const char *scenario, enum replay_layout layout, enum replay_heap heap,
		  const char *profile, unsigned int threads)
{
	struct gen_params p = { .objects = 10, .ops = 20, .threads = threads, .attrs = -1,
				.seed = 3 };
	struct replay_opts o = REPLAY_OPTS_INIT;
	struct replay_result *base, *r;
	struct replay_failure f;
	struct trace_error err;
	unsigned long n, failed = 0;

	if (!IS_ENABLED(CONFIG_FAILSLAB))
		skip();
	base = malloc(sizeof(*base));
	r = malloc(sizeof(*r));
	assert_non_null(base);
	assert_non_null(r);
	o.path = test_tmpfile("oom.txt");
	o.layout = layout;
	o.heap = heap;
	o.profile = profile;
	o.no_counters = true;
	if (gen_run(gen_find(scenario), &p, o.path, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(slab_fault_inject("after:4000000000"), 0);
	assert_int_equal(replay_run(&o, base, &f), 0);
	n = slab_fault_count();
	assert_true(n > 0);
	for (unsigned long k = 1; k <= n; k++) {
		char spec[32];
		int status;

		snprintf(spec, sizeof(spec), "nth:%lu", k);
		assert_int_equal(slab_fault_inject(spec), 0);
		status = replay_run(&o, r, &f);
		assert_int_equal(slab_fault_inject(NULL), 0);
		if (status == 0)
			continue;
		if (status != 1 || !strstr(f.msg, "out of memory"))
			fail_msg("%s nth:%lu: status %d: %s", scenario, k, status, f.msg);
		failed++;
	}
	assert_true(failed > 0);
	assert_int_equal(replay_run(&o, r, &f), 0);
	assert_int_equal(r->events, base->events);
	assert_int_equal(r->checksum, base->checksum);
	for (int i = 0; i < REPLAY_ERR_NR; i++)
		assert_int_equal(r->errors[i], base->errors[i]);
	assert_int_equal(r->space.peak.requested, base->space.peak.requested);
	free(base);
	free(r);
}

static void test_oom_objects(void **state)
{
	sweep("student", REPLAY_LAYOUT_DECLARED, REPLAY_HEAP_SLAB, NULL, 1);
	sweep("subclass", REPLAY_LAYOUT_SLOTS, REPLAY_HEAP_SLAB, "cpython311", 1);
	sweep("hybrid", REPLAY_LAYOUT_DICT, REPLAY_HEAP_SLAB, "cpython27", 1);
}

static void test_oom_blocks(void **state)
{
	sweep("malloc", REPLAY_LAYOUT_DECLARED, REPLAY_HEAP_SLAB, NULL, 1);
}

static void test_oom_threads(void **state)
{
	sweep("churn", REPLAY_LAYOUT_DECLARED, REPLAY_HEAP_SLAB, NULL, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oom_objects),
		cmocka_unit_test(test_oom_blocks),
		cmocka_unit_test(test_oom_threads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
