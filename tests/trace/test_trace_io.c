// SPDX-License-Identifier: MIT
/*
 * tests/trace/test_trace_io.c - how traces are read and written:
 *
 * 1. Every read path (io_uring at several depths, pread, memory), with and
 *    without forced short reads, yields the same events for text and binary
 *    traces; io_uring is used where io_uring_queue_init works, and
 *    SLOTSLAB_IO_URING switches it at run time.
 * 2. A file that shrinks while it is read is reported as truncated, with
 *    its offset, on both paths.
 * 3. A reader's memory does not grow with the trace's length (20 times
 *    longer: the same bytes).
 * 4. Writers: a file appears only complete; on any failure (I/O error
 *    through RLIMIT_FSIZE, an inconsistent event) neither the target nor a
 *    temporary file is left, and an existing target is untouched.
 * 5. Opening what is not a trace file.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>
#include <liburing.h>

#include "tests/lib/trace_check.h"
#include "tests/lib/tmpfiles.h"
#include "tests/lib/trace_synth.h"

static int setup(void **state)
{
	struct trace_error err;

	if (test_tmpdir_create("test_trace_io") != 0)
		return -1;
	/* Several blocks, several threads, both formats. */
	synth_trace("churn", 1000, 60000, 3, "churn.bin");
	synth_trace("churn", 1000, 60000, 3, "churn.txt");
	synth_trace("malloc", 1000, 10000, 1, "malloc.bin");
	return check_copy(test_tmpfile("malloc.bin"), test_tmpfile("malloc.trace"), &err);
}

static int teardown(void **state)
{
	return test_tmpdir_remove();
}

static bool uring_works(void)
{
	struct io_uring ring;

	if (io_uring_queue_init(4, &ring, 0) != 0)
		return false;
	io_uring_queue_exit(&ring);
	return IS_ENABLED(CONFIG_TRACE_IO_URING);
}

/* The dump of @path read with @o, checking the path's name. */
static char *dump_with(const char *path, const struct trace_opts *o, const char *io_name)
{
	struct trace_error err;
	struct trace *t = trace_open(path, o, &err);
	char *dump;
	int rc;

	if (!t)
		fail_msg("%s", err.msg);
	assert_string_equal(trace_io_name(t), io_name);
	dump = check_dump(t, &rc);
	if (rc != 0)
		fail_msg("%s", trace_error(t)->msg);
	trace_close(t);
	return dump;
}

static void test_read_paths_agree(void **state)
{
	static const char *const files[] = { "churn.bin", "churn.txt", "malloc.bin",
					     "malloc.trace" };
	const char *uring = uring_works() ? "io_uring" : "read";

	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		const char *path = test_tmpfile(files[f]);
		struct trace_opts o = { .io = TRACE_IO_READ };
		char *ref = dump_with(path, &o, "read"), *dump, *mem;
		struct trace_error err;
		struct trace *t;
		size_t len;
		int rc;

		assert_true(strlen(ref) > 150000);
		for (unsigned int depth = 1; depth <= 8; depth *= 2) {
			o = (struct trace_opts){ .io = TRACE_IO_URING, .depth = depth };
			dump = dump_with(path, &o, uring);
			assert_string_equal(dump, ref);
			free(dump);
		}
		/* Short reads everywhere: every read resumes where it stopped. */
		o = (struct trace_opts){ .io = TRACE_IO_URING, .depth = 3, .max_read = 1000 };
		dump = dump_with(path, &o, uring);
		assert_string_equal(dump, ref);
		free(dump);
		o = (struct trace_opts){ .io = TRACE_IO_READ, .max_read = 777 };
		dump = dump_with(path, &o, "read");
		assert_string_equal(dump, ref);
		free(dump);
		/* Small text chunks: lines straddle many reads. */
		o = (struct trace_opts){ .io = TRACE_IO_URING, .chunk = 4096 + 13 };
		dump = dump_with(path, &o, uring);
		assert_string_equal(dump, ref);
		free(dump);
		mem = test_slurp(path, &len);
		t = trace_open_mem(path, mem, len, NULL, &err);
		assert_non_null(t);
		assert_string_equal(trace_io_name(t), "memory");
		dump = check_dump(t, &rc);
		assert_int_equal(rc, 0);
		assert_string_equal(dump, ref);
		trace_close(t);
		free(dump);
		free(mem);
		free(ref);
	}
}

static void test_env_switch(void **state)
{
	const char *path = test_tmpfile("churn.bin");
	char *a, *b;

	setenv("SLOTSLAB_IO_URING", "0", 1);
	a = dump_with(path, NULL, "read");
	setenv("SLOTSLAB_IO_URING", "1", 1);
	b = dump_with(path, NULL, uring_works() ? "io_uring" : "read");
	unsetenv("SLOTSLAB_IO_URING");
	assert_string_equal(a, b);
	free(a);
	free(b);
	a = dump_with(path, NULL, uring_works() ? "io_uring" : "read");
	free(a);
}

/* Cut the file to @keep bytes after opening it: reading must stop there. */
static void assert_shrink_detected(const char *name, enum trace_io io, uint64_t keep)
{
	struct trace_opts o = { .io = io, .depth = 2 };
	const char *copy = test_tmpfile("shrink.tmp");
	struct trace_error err;
	struct trace_event ev;
	struct trace *t;
	size_t len;
	char *buf = test_slurp(test_tmpfile(name), &len);
	FILE *f;
	int rc;

	unlink(copy);
	f = fopen(copy, "wb");
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
	free(buf);
	t = trace_open(copy, &o, &err);
	assert_non_null(t);
	assert_int_equal(truncate(copy, (off_t)keep), 0);
	while ((rc = trace_next(t, &ev)) > 0)
		;
	assert_int_equal(rc, -1);
	err = *trace_error(t);
	if (err.code != TRACE_ETRUNC || err.offset < (int64_t)keep || !strstr(err.msg, "truncated"))
		fail_msg("%s via %s: %d at %lld: %s", name, trace_io_name(t), err.code,
			 (long long)err.offset, err.msg);
	assert_int_equal(trace_error_status(&err), 2);
	trace_close(t);
}

static void test_file_shrinks(void **state)
{
	assert_shrink_detected("churn.bin", TRACE_IO_URING, 150000);
	assert_shrink_detected("churn.bin", TRACE_IO_READ, 150000);
	assert_shrink_detected("churn.txt", TRACE_IO_URING, 150000);
	assert_shrink_detected("churn.txt", TRACE_IO_READ, 150000);
}

/*
 * Memory after reading a whole trace, less its header (whose text names
 * the trace's size).
 */
static size_t memory_after(const char *path, const struct trace_opts *o)
{
	struct trace_error err;
	struct trace_event ev;
	struct trace *t = trace_open(path, o, &err);
	size_t mem, hdr;

	assert_non_null(t);
	while (trace_next(t, &ev) > 0)
		;
	assert_int_equal(trace_error(t)->code, TRACE_OK);
	trace_header(t, &hdr);
	mem = trace_memory(t) - hdr;
	trace_close(t);
	return mem;
}

static void test_memory_bounded(void **state)
{
	static const char *const formats[] = { "bin", "txt" };

	for (size_t f = 0; f < ARRAY_SIZE(formats); f++) {
		char small[64], large[64];

		snprintf(small, sizeof(small), "mem-small.%s", formats[f]);
		snprintf(large, sizeof(large), "mem-large.%s", formats[f]);
		synth_trace("churn", 1000, 40000, 1, small);	/* 54 k events */
		synth_trace("churn", 1000, 800000, 1, large);	/* 1.07 M events */
		for (enum trace_io io = TRACE_IO_URING; io <= TRACE_IO_READ; io++) {
			struct trace_opts o = { .io = io, .depth = 4 };
			size_t a = memory_after(test_tmpfile(small), &o), b = memory_after(test_tmpfile(large), &o);

			print_message("# %s via %s: %zu bytes for %s, %zu for %s\n", formats[f],
				      io == TRACE_IO_URING ? "io_uring" : "read", a, small, b, large);
			assert_int_equal(a, b);
			/* Buffers (depth blocks or one) plus a line and a class line's slots. */
			assert_true(b <= 4 * 64 * 1024 + 2 * TRACE_MAX_LINE + 64 * 1024);
		}
	}
}

/* Names in test_tmpdir that start with @prefix (temporary files included). */
static int count_entries(const char *prefix)
{
	DIR *d = opendir(test_tmpdir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strstr(e->d_name, prefix))
			n++;
	closedir(d);
	return n;
}

static void write_many(struct trace_writer *w, const struct trace_class *c, uint64_t n)
{
	for (uint64_t i = 1; i <= n; i++) {
		struct trace_event ev = { .kind = TRACE_NEW, .id = i * 977, .cls = c };

		if (trace_write(w, &ev) != 0)
			return;
	}
}

/* An I/O error half way (the file size limit): nothing is left behind. */
static void test_writer_io_error(void **state)
{
	static const char *const names[] = { "limited.bin", "limited.txt" };
	struct rlimit old, lim;
	struct trace_error err;
	struct trace_event ev;
	struct trace *src;

	src = trace_open_mem("c.txt", "class Big", 9, NULL, &err);
	assert_non_null(src);
	assert_int_equal(trace_next(src, &ev), 1);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct trace_writer *w = trace_writer_open(test_tmpfile(names[i]), TRACE_FMT_AUTO,
							   "limited", &err);

		assert_non_null(w);
		assert_int_equal(trace_write(w, &ev), 0);
		lim = old;
		lim.rlim_cur = 300 * 1024;
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
		write_many(w, ev.cls, 1000000);
		assert_int_equal(trace_writer_close(w, &err), -1);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
		assert_int_equal(err.code, TRACE_EIO);
		assert_int_equal(err.sys, EFBIG);
		assert_int_equal(trace_error_status(&err), 1);
		assert_non_null(strstr(err.msg, names[i]));
		assert_non_null(strstr(err.msg, "write failed: File too large"));
		assert_int_equal(count_entries("limited"), 0);
	}
	signal(SIGXFSZ, SIG_DFL);
	trace_close(src);
}

static void test_writer_rejects(void **state)
{
	static const char text[] = "class A slots=x\nclass B base=A slots=y\nclass C\n";
	const char *target = test_tmpfile("keep.bin");
	struct trace_error err;
	struct trace_event a, b, c;
	struct trace_writer *w;
	struct trace *src;
	FILE *f;
	char got[8] = "";

	src = trace_open_mem("src.txt", text, sizeof(text) - 1, NULL, &err);
	assert_non_null(src);
	assert_int_equal(trace_next(src, &a), 1);
	assert_int_equal(trace_next(src, &b), 1);
	assert_int_equal(trace_next(src, &c), 1);

	f = fopen(target, "w");
	fputs("old", f);
	fclose(f);

	/* A class whose base was never declared to this writer. */
	w = trace_writer_open(target, TRACE_FMT_AUTO, NULL, &err);
	assert_non_null(w);
	assert_int_equal(trace_write(w, &b), -1);
	assert_int_equal(trace_writer_error(w)->code, TRACE_EINVAL);
	assert_non_null(strstr(trace_writer_error(w)->msg,
			       "keep.bin: event 1: class 'A' is used before its declaration"));
	assert_int_equal(trace_write(w, &a), -1);	/* failed for good */
	assert_int_equal(trace_writer_close(w, &err), -1);
	assert_int_equal(err.code, TRACE_EINVAL);

	/* An object of an undeclared class; a bad kind; a bad alignment; a twice-declared class. */
	{
		struct trace_event bad[] = {
			{ .kind = TRACE_NEW, .id = 1, .cls = c.cls },
			{ .kind = 0 },
			{ .kind = TRACE_MEMALIGN, .id = 1, .align = 48, .size = 8 },
			a,
		};
		const char *want[] = { "class 'C' is used before its declaration",
				       "unknown event kind 0",
				       "alignment 48 is not a power of two",
				       "class 'A' is already declared" };

		for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
			w = trace_writer_open(target, TRACE_FMT_TEXT, NULL, &err);
			assert_non_null(w);
			assert_int_equal(trace_write(w, &a), 0);
			assert_int_equal(trace_write(w, &bad[i]), -1);
			assert_non_null(strstr(trace_writer_error(w)->msg, want[i]));
			assert_int_equal(trace_writer_close(w, &err), -1);
		}
	}
	/* Abort: nothing written. */
	w = trace_writer_open(target, TRACE_FMT_AUTO, NULL, &err);
	assert_non_null(w);
	assert_int_equal(trace_write(w, &a), 0);
	trace_writer_abort(w);

	f = fopen(target, "r");
	assert_non_null(fgets(got, sizeof(got), f));
	fclose(f);
	assert_string_equal(got, "old");
	assert_int_equal(count_entries("keep"), 1);

	/* And a good run replaces it. */
	w = trace_writer_open(target, TRACE_FMT_AUTO, NULL, &err);
	assert_non_null(w);
	assert_int_equal(trace_write(w, &a), 0);
	assert_int_equal(trace_write(w, &b), 0);
	assert_int_equal(trace_writer_close(w, &err), 0);
	assert_int_equal(count_entries("keep"), 1);
	trace_close(src);
	src = trace_open(target, NULL, &err);
	assert_non_null(src);
	assert_int_equal(trace_format(src), TRACE_FMT_BINARY);
	trace_close(src);
}

static void test_open_errors(void **state)
{
	struct trace_error err;

	assert_null(trace_open(test_tmpdir, NULL, &err));
	assert_int_equal(err.code, TRACE_EOPEN);
	assert_non_null(strstr(err.msg, ": not a regular file"));
	assert_int_equal(trace_error_status(&err), 2);
	assert_null(trace_open(test_tmpfile("missing.bin"), NULL, &err));
	assert_int_equal(err.code, TRACE_EOPEN);
	assert_int_equal(err.sys, ENOENT);
	assert_non_null(strstr(err.msg, "missing.bin: cannot open: No such file or directory"));
	assert_null(trace_writer_open(test_tmpfile("no/such/dir/x.bin"), TRACE_FMT_AUTO, NULL, &err));
	assert_int_equal(err.code, TRACE_EOPEN);
	assert_non_null(strstr(err.msg, "x.bin: cannot create a temporary file beside it"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_paths_agree),
		cmocka_unit_test(test_env_switch),
		cmocka_unit_test(test_file_shrinks),
		cmocka_unit_test(test_memory_bounded),
		cmocka_unit_test(test_writer_io_error),
		cmocka_unit_test(test_writer_rejects),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests_name("trace_io", tests, setup, teardown);
}
