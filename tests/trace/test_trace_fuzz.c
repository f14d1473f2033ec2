// SPDX-License-Identifier: MIT
/*
 * tests/trace/test_trace_fuzz.c - the fuzz targets' bodies (fuzz_text_one(),
 * fuzz_binary_one() in tests/lib/trace_check.h) on every input kept in
 * the repository: the seed corpus (tests/fuzz/corpus/NAME/) and the inputs
 * that once crashed a target (tests/fuzz/regress/NAME/).  A broken promise
 * aborts the program.  Runs from the repository root, as run-tests.sh does.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/lib/trace_check.h"

/* Feed every file of @dir to @one; return how many there were. */
static unsigned int run_dir(const char *dir, void (*one)(const uint8_t *, size_t))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[1024];
		uint8_t *buf;
		FILE *f;
		long len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		len = ftell(f);
		rewind(f);
		buf = malloc((size_t)len + 1);
		assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		one(buf, (size_t)len);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

static void test_text_inputs(void **state)
{
	unsigned int seeds = run_dir("tests/fuzz/corpus/text", fuzz_text_one);

	print_message("# text: %u seeds, %u regression inputs\n", seeds,
		      run_dir("tests/fuzz/regress/text", fuzz_text_one));
	assert_true(seeds >= 10);
}

static void test_binary_inputs(void **state)
{
	unsigned int seeds = run_dir("tests/fuzz/corpus/binary", fuzz_binary_one);

	print_message("# binary: %u seeds, %u regression inputs\n", seeds,
		      run_dir("tests/fuzz/regress/binary", fuzz_binary_one));
	assert_true(seeds >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_inputs),
		cmocka_unit_test(test_binary_inputs),
	};

	return cmocka_run_group_tests_name("trace_fuzz", tests, NULL, NULL);
}
