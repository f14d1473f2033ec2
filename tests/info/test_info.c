// SPDX-License-Identifier: MIT
/*
 * tests/info/test_info.c - what a trace holds (bench/info/info.h), linked
 * with the bench archive and the trace library only: no allocator.
 *
 * 1. Counting: events by kind; peaks of live objects and blocks counted as
 *    new - free and allocations - frees (a free of an unknown id lowers the
 *    count, realloc of NULL allocates, "realloc 0 OLD 0" frees); thread ids
 *    distinct and sorted, more of them than the set's first size.
 * 2. The text and the JSON carry the same figures; a malformed trace is
 *    the reader's error, unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench/info/info.h"
#include "tests/lib/tmpfiles.h"

static int setup(void **state)
{
	(void)state;
	return test_tmpdir_create("test_info");
}

static int teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove();
}

static const char *write_trace(const char *name, const char *text)
{
	const char *path = test_tmpfile(name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

static struct trace *open_ok(const char *path)
{
	struct trace_error err;
	struct trace *t = trace_open(path, NULL, &err);

	if (!t)
		fail_msg("%s", err.msg);
	return t;
}

static void test_counts(void **state)
{
	const char *path = write_trace("count.txt",
		"# a header line\n"
		"class P slots=x\n"
		"@5 new 1 P\n@3 new 2 P\n@5 set 1 x 7\n@9 free 7\n@3 new 3 P\n"
		"@1 malloc 1 100\n@1 realloc 2 0 50\n@1 realloc 0 1 0\n@1 mfree 0\n");
	struct trace_error err;
	struct trace *t = open_ok(path);
	struct info in;

	(void)state;
	assert_int_equal(info_read(&in, t, NULL, &err), 0);
	assert_int_equal(in.events, 10);
	assert_int_equal(in.kinds[TRACE_CLASS], 1);
	assert_int_equal(in.kinds[TRACE_NEW], 3);
	assert_int_equal(in.kinds[TRACE_REALLOC], 2);
	assert_int_equal(in.live_peak, 2);	/* the free of unknown id 7 counted too */
	assert_int_equal(in.live, 2);
	assert_int_equal(in.blocks_peak, 2);	/* malloc 1, realloc of NULL */
	assert_int_equal(in.blocks, 1);		/* realloc 0 1 0 freed one; mfree 0 nothing */
	assert_int_equal(in.ntids, 5);		/* 0 (the class line), 1, 3, 5, 9 */
	assert_int_equal(in.tids[0], 0);
	assert_int_equal(in.tids[1], 1);
	assert_int_equal(in.tids[2], 3);
	assert_int_equal(in.tids[4], 9);
	info_free(&in);
	trace_close(t);
}

static void test_many_threads(void **state)
{
	const char *path = test_tmpfile("threads.txt");
	FILE *f = fopen(path, "w");
	struct trace_error err;
	struct trace *t;
	struct info in;

	(void)state;
	assert_non_null(f);
	fprintf(f, "class P\n");
	for (int i = 100; i > 0; i--)
		fprintf(f, "@%d new %d P\n", i * 7, i);
	assert_int_equal(fclose(f), 0);
	t = open_ok(path);
	assert_int_equal(info_read(&in, t, NULL, &err), 0);
	assert_int_equal(in.ntids, 101);
	for (uint32_t i = 1; i < in.ntids; i++)
		assert_true(in.tids[i - 1] < in.tids[i]);
	assert_int_equal(in.tids[100], 700);
	info_free(&in);
	trace_close(t);
}

static void test_output(void **state)
{
	const char *path = write_trace("out.txt", "class P slots=x,y weakref\nnew 1 P\nset 1 y 2\n");
	struct trace_error err;
	struct trace *t = open_ok(path);
	struct info in;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(info_read(&in, t, NULL, &err), 0);
	f = open_memstream(&buf, &len);
	info_print_text(f, t, "out.txt", &in);
	fclose(f);
	assert_non_null(strstr(buf, "trace      out.txt\n"));
	assert_non_null(strstr(buf, "objects    peak 1 live (new - free), 1 live at the end\n"));
	assert_non_null(strstr(buf, "threads    1: 0\n"));
	assert_non_null(strstr(buf, "attributes 2: x y\n"));
	free(buf);
	f = open_memstream(&buf, &len);
	info_print_json(f, t, "out.txt", &in);
	fclose(f);
	assert_non_null(strstr(buf, "{\"trace\": \"out.txt\", \"format\": \"text\""));
	assert_non_null(strstr(buf, "\"objects_peak\": 1, \"objects_live_end\": 1"));
	assert_non_null(strstr(buf, "\"threads\": [0]"));
	assert_non_null(strstr(buf, "\"slots\": [\"x\", \"y\"], \"declared\": [\"weakref\"]"));
	assert_true(len > 0 && buf[len - 1] == '\n');
	free(buf);
	info_free(&in);
	trace_close(t);
}

static void test_malformed(void **state)
{
	const char *path = write_trace("bad.txt", "class P slots=x\nnew 1 P\nset 1 x y\n");
	struct trace_error err;
	struct trace *t = open_ok(path);
	struct info in;

	(void)state;
	assert_int_equal(info_read(&in, t, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "bad.txt:3:"));
	assert_int_equal(trace_error_status(&err), 2);
	info_free(&in);
	trace_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_many_threads),
		cmocka_unit_test(test_output),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
