// SPDX-License-Identifier: MIT
/*
 * tests/cli/test_cli.c - the helpers every command shares (bench/cli/cli.c),
 * linked with the trace library alone: the CLI's helpers need nothing else.
 *
 * 1. Option values: cli_parse_u64 and cli_parse_choice accept what they
 *    should, and name the option and what it wants when they refuse.
 * 2. cli_write_output: a complete file with the umask's mode, or stdout; an
 *    old target untouched and no temporary file left when writing fails,
 *    when the directory is missing, and when a fatal signal arrives in the
 *    middle of writing (a child with main.c's handler: remove the
 *    temporary files, then die of the signal); exit statuses 1 and 2.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include "tests/lib/testutil.h"
#include "tests/lib/tmpfiles.h"

#include "bench/cli/cli.h"
#include "trace/outfile.h"

static int setup(void **state)
{
	(void)state;
	return test_tmpdir_create("test_cli");
}

static int teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove();
}

/* How many entries the directory @dir holds (without . and ..). */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* An empty directory of its own under test_tmpdir. */
static const char *fresh_dir(const char *name)
{
	const char *dir = test_tmpfile(name);

	assert_int_equal(mkdir(dir, 0755), 0);
	return dir;
}

static void test_parse_u64(void **state)
{
	uint64_t v;
	const char *msg;

	(void)state;
	assert_int_equal(cli_parse_u64("t", "--n", "42", 1, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(cli_parse_u64("t", "--n", "18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	static const char *const bad[] = { "0", "101", "-1", "+5", " 5", "5x", "", "99999999999999999999" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		test_stderr_begin();
		assert_int_equal(cli_parse_u64("t", "--n", bad[i], 1, 100, &v), -1);
		msg = test_stderr_end();
		assert_non_null(strstr(msg, "slotslab t: --n wants a number from 1 to 100, not '"));
	}
}

static void test_parse_choice(void **state)
{
	static const char *const names[] = { "slab", "libc", NULL };
	const char *msg;
	int v = -1;

	(void)state;
	assert_int_equal(cli_parse_choice("t", "--heap", "libc", names, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(cli_parse_choice("t", "--heap", "slab", names, &v), 0);
	assert_int_equal(v, 0);
	test_stderr_begin();
	assert_int_equal(cli_parse_choice("t", "--heap", "tc", names, &v), -1);
	msg = test_stderr_end();
	assert_string_equal(msg, "slotslab t: --heap wants one of: slab libc; not 'tc'\n");
	assert_int_equal(cli_is_help("-h") && cli_is_help("--help") && !cli_is_help("-help"), 1);
}

static int write_hello(FILE *f, void *arg)
{
	return fprintf(f, "hello %s\n", (const char *)arg) < 0 ? -1 : 0;
}

static int write_fails(FILE *f, void *arg)
{
	(void)arg;
	fprintf(f, "half");
	errno = EIO;
	return -1;
}

static void test_write_output_file(void **state)
{
	const char *dir = fresh_dir("file"), *path = test_tmpfile("file/out.txt");
	struct stat st;
	mode_t old = umask(027);
	char *text;

	(void)state;
	assert_int_equal(cli_write_output("t", path, write_hello, "world"), 0);
	umask(old);
	text = test_slurp(path, NULL);
	assert_string_equal(text, "hello world\n");
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);	/* 0666 & ~umask, not mkstemp's 0600 */
	assert_int_equal(entries(dir), 1);
}

static void test_write_output_fails(void **state)
{
	const char *dir = fresh_dir("fails"), *path = test_tmpfile("fails/out.txt");
	const char *msg;
	char *text;
	FILE *f = fopen(path, "w");

	(void)state;
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	test_stderr_begin();
	assert_int_equal(cli_write_output("t", path, write_fails, NULL), 1);
	msg = test_stderr_end();
	assert_non_null(strstr(msg, "slotslab t: "));
	assert_non_null(strstr(msg, "out.txt: writing the result failed: Input/output error"));
	text = test_slurp(path, NULL);
	assert_string_equal(text, "old\n");	/* untouched */
	free(text);
	assert_int_equal(entries(dir), 1);	/* and no temporary file */

	test_stderr_begin();
	assert_int_equal(cli_write_output("t", test_tmpfile("missing/out.txt"), write_hello, "x"), 1);
	msg = test_stderr_end();
	assert_non_null(strstr(msg, "cannot create: No such file or directory"));
}

static void test_write_output_name_too_long(void **state)
{
	char name[5000];
	const char *msg;

	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	test_stderr_begin();
	assert_int_equal(cli_write_output("t", name, write_hello, "x"), EXIT_USAGE);
	msg = test_stderr_end();
	assert_non_null(strstr(msg, ": name too long"));
}

static void test_write_output_stdout(void **state)
{
	const char *path = test_tmpfile("stdout.txt");
	int saved = dup(1), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char *text;

	(void)state;
	assert_true(saved >= 0 && fd >= 0);
	fflush(stdout);
	assert_true(dup2(fd, 1) >= 0);
	close(fd);
	assert_int_equal(cli_write_output("t", NULL, write_hello, "stdout"), 0);
	assert_true(dup2(saved, 1) >= 0);
	close(saved);
	text = test_slurp(path, NULL);
	assert_string_equal(text, "hello stdout\n");
	free(text);
}

/* main.c's handler: no temporary file survives, then die of @sig. */
static void on_fatal_signal(int sig)
{
	outfile_remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Writes a little, then receives the signal *@arg while its file is open. */
static int write_then_signal(FILE *f, void *arg)
{
	fprintf(f, "partial result\n");
	fflush(f);
	raise(*(int *)arg);
	return 0;
}

static void test_write_output_signal(void **state)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		char name[32];
		const char *dir, *path;
		int sig = sigs[i], status;
		pid_t pid;

		snprintf(name, sizeof(name), "sig%d", sig);
		dir = fresh_dir(name);
		snprintf(name, sizeof(name), "sig%d/out.json", sig);
		path = test_tmpfile(name);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			signal(sig, on_fatal_signal);
			cli_write_output("t", path, write_then_signal, &sig);
			_exit(0);	/* not reached: the signal kills it */
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), sig);
		assert_int_equal(entries(dir), 0);	/* neither the result nor its temporary */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_choice),
		cmocka_unit_test(test_write_output_file),
		cmocka_unit_test(test_write_output_fails),
		cmocka_unit_test(test_write_output_name_too_long),
		cmocka_unit_test(test_write_output_stdout),
		cmocka_unit_test(test_write_output_signal),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
