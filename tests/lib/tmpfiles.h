/* SPDX-License-Identifier: MIT */
/*
 * tests/lib/tmpfiles.h - a temporary directory per test program, paths in it,
 * reading a file whole, and (after bench/gen/gen.h) generating a trace in it.
 * Include after <cmocka.h>.
 */
#ifndef SLOTSLAB_TESTS_TMPFILES_H
#define SLOTSLAB_TESTS_TMPFILES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *test_tmpdir __attribute__((unused));

/* mkdtemp /tmp/PREFIX.XXXXXX into test_tmpdir.  Return: 0 or -1. */
static inline int test_tmpdir_create(const char *prefix)
{
	char tmpl[256];

	snprintf(tmpl, sizeof(tmpl), "/tmp/%s.XXXXXX", prefix);
	test_tmpdir = mkdtemp(tmpl) ? strdup(tmpl) : NULL;
	return test_tmpdir ? 0 : -1;
}

/* Remove test_tmpdir and everything in it.  Return: 0 or -1. */
static inline int test_tmpdir_remove(void)
{
	char cmd[300];

	if (!test_tmpdir)
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", test_tmpdir);
	free(test_tmpdir);
	test_tmpdir = NULL;
	return system(cmd) == 0 ? 0 : -1;
}

/* test_tmpdir/NAME, in one of 8 rotating buffers. */
static inline const char *test_tmpfile(const char *name)
{
	static char buf[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", test_tmpdir, name);
	return buf[i];
}

/* The whole file, NUL-terminated (malloc'd); its length in *@len if asked. */
static inline char *test_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

#ifdef SLOTSLAB_BENCH_GEN_H
/*
 * test_generate - `slotslab gen SCENARIO --seed 7` into the file @name of
 * test_tmpdir (text or binary by its suffix); @ops 0 and @threads 0 take
 * the scenario's defaults.  Return: the path.
 */
static inline const char *test_generate(const char *scenario, uint64_t objects, uint64_t ops,
					unsigned int threads, const char *name)
{
	struct gen_params p = { .objects = objects, .ops = ops, .threads = threads,
				.attrs = -1, .seed = 7 };
	const char *path = test_tmpfile(name);
	struct trace_error err;

	if (gen_run(gen_find(scenario), &p, path, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	return path;
}
#endif

#endif
