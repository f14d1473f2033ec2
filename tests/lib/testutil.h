/* SPDX-License-Identifier: MIT */
/*
 * tests/lib/testutil.h - helpers shared by the cmocka test programs:
 * RSS readings, a mapping's permissions, capturing what a call writes to
 * stderr, and running a check in a forked child.
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
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <valgrind/valgrind.h>

#include "internal/procfs.h"

/*
 * test_in_child - fork, run @fn(@arg) in the child, and fail the test
 * (naming @what) unless it returned 0.  The child reports through shared
 * memory and ends with SIGKILL: under memcheck a normal exit would count
 * what the threads that did not survive fork() held as leaks, which after
 * fork() they are, by design, with any allocator.  A crash ends the child
 * instead of resuming cmocka in it.
 */
static inline void test_in_child(int (*fn)(void *), void *arg, const char *what)
{
	volatile int *verdict = mmap(NULL, sizeof(*verdict), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	assert_true(verdict != MAP_FAILED);
	*verdict = -1;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		*verdict = fn(arg);
		kill(getpid(), SIGKILL);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail_msg("%s: the child did not finish its check (status %#x)", what, status);
	if (*verdict != 0)
		fail_msg("%s: the child's check %d failed", what, *verdict);
	munmap((void *)verdict, sizeof(*verdict));
}

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
 * test_map_perms - the permissions /proc/self/maps gives the page at @p
 * ("rw-p", "r--p", "---p"...), or "" if nothing is mapped there.  The
 * string is static: read it before the next call.
 */
static inline const char *test_map_perms(const void *p)
{
	static char perms[8];
	unsigned long lo, hi;
	FILE *f = fopen("/proc/self/maps", "r");

	assert_non_null(f);
	perms[0] = 0;
	while (fscanf(f, "%lx-%lx %7s%*[^\n]", &lo, &hi, perms) == 3)
		if ((uintptr_t)p >= lo && (uintptr_t)p < hi)
			break;
		else
			perms[0] = 0;
	fclose(f);
	return perms;
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
