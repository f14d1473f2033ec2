/* SPDX-License-Identifier: MIT */
/*
 * tests/testutil.h - helpers shared by the cmocka test programs:
 * RSS readings and capturing what a call writes to stderr.
 */
#ifndef SLOTSLAB_TESTUTIL_H
#define SLOTSLAB_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <valgrind/valgrind.h>

#include "internal/procfs.h"

/*
 * Is this process under a sanitizer or Valgrind?  Their shadow memory
 * makes address-space limits (RLIMIT_AS) meaningless.
 */
static inline int test_under_tsan(void)
{
#if defined(__SANITIZE_THREAD__)
	return 1;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
	return 1;
#endif
#endif
	return 0;
}

static inline int test_under_instrumentation(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
	return 1;
#endif
#endif
	return RUNNING_ON_VALGRIND;
}

/* Resident set size of this process in bytes. */
static inline size_t test_rss_bytes(void)
{
	return proc_rss_bytes();
}

/*
 * Capture stderr: test_stderr_begin() redirects fd 2 to a temporary file;
 * test_stderr_end() restores it and returns what was written (static
 * buffer, NUL-terminated, truncated at 64 KiB).
 */
static int test_saved_stderr = -1;
static FILE *test_stderr_file;

static inline void test_stderr_begin(void)
{
	fflush(stderr);
	test_stderr_file = tmpfile();
	assert_non_null(test_stderr_file);
	test_saved_stderr = dup(2);
	assert_true(test_saved_stderr >= 0);
	assert_true(dup2(fileno(test_stderr_file), 2) >= 0);
}

static inline const char *test_stderr_end(void)
{
	static char buf[65536];
	size_t n;

	fflush(stderr);
	assert_true(dup2(test_saved_stderr, 2) >= 0);
	close(test_saved_stderr);
	rewind(test_stderr_file);
	n = fread(buf, 1, sizeof(buf) - 1, test_stderr_file);
	buf[n] = '\0';
	fclose(test_stderr_file);
	return buf;
}

#endif
