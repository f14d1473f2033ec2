// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_binary.c - libFuzzer target: the binary trace reader.
 * Built and run by scripts/ci/fuzz.sh; the body is fuzz_binary_one() in
 * trace_check.h, which test_trace_fuzz also runs on the corpus.
 */
#include "tests/lib/trace_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_binary_one(data, size);
	return 0;
}
