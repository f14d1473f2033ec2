/* SPDX-License-Identifier: MIT */
/*
 * tests/lib/trace_synth.h - traces for the trace library's own tests,
 * written as text with stdio and converted with the trace library alone.
 *
 * The trace tests link libslotslab-trace.a and nothing else, so they cannot
 * use the generator (bench/gen/).  synth_churn() writes a steady population
 * of slot objects created, read and freed by @threads threads; synth_malloc()
 * the malloc-level kinds.  Both are deterministic (an LCG of fixed seed).
 * A name ending in ".bin" is written as text first, then converted by
 * check_copy(), so both formats hold the same events.
 */
#ifndef SLOTSLAB_TESTS_TRACE_SYNTH_H
#define SLOTSLAB_TESTS_TRACE_SYNTH_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tests/lib/tmpfiles.h"
#include "tests/lib/trace_check.h"

static inline uint64_t synth_rand(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

static inline void synth_tid(FILE *f, uint64_t id, unsigned int threads)
{
	if (threads > 1 && id % threads)
		fprintf(f, "@%u ", (unsigned int)(id % threads));
}

/* Write the text of @kind ("churn" or "malloc") to @f. */
static inline void synth_text(FILE *f, const char *kind, uint64_t objects, uint64_t ops,
			      unsigned int threads)
{
	uint64_t seed = 7, next = objects + 1;
	uint64_t *live = calloc(objects, sizeof(*live));

	assert_non_null(live);
	fprintf(f, "# synthetic %s: %" PRIu64 " live, %" PRIu64 " operations\n", kind, objects, ops);
	if (strcmp(kind, "churn") == 0)
		fprintf(f, "class Node slots=key,value,next\n");
	for (uint64_t i = 0; i < objects; i++) {
		uint64_t id = i + 1;

		live[i] = id;
		synth_tid(f, id, threads);
		if (strcmp(kind, "churn") == 0)
			fprintf(f, "new %" PRIu64 " Node\n", id);
		else
			fprintf(f, "malloc %" PRIu64 " %" PRIu64 "\n", id, 8 + synth_rand(&seed) % 4000);
	}
	for (uint64_t op = 0; op < ops; op++) {
		uint64_t slot = synth_rand(&seed) % objects, id = live[slot];
		uint64_t r = synth_rand(&seed);

		synth_tid(f, id, threads);
		if (strcmp(kind, "churn") == 0) {
			if (r % 3 == 0) {
				fprintf(f, "set %" PRIu64 " value %" PRIu64 "\n", id, r);
			} else if (r % 3 == 1) {
				fprintf(f, "get %" PRIu64 " value\n", id);
			} else {
				fprintf(f, "free %" PRIu64 "\n", id);
				live[slot] = id = next++;
				synth_tid(f, id, threads);
				fprintf(f, "new %" PRIu64 " Node\n", id);
			}
		} else if (r % 4 == 0) {
			uint64_t nid = next++;

			fprintf(f, "realloc %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", nid, id,
				16 + r % 8000);
			live[slot] = nid;
		} else {
			fprintf(f, "mfree %" PRIu64 "\n", id);
			live[slot] = id = next++;
			synth_tid(f, id, threads);
			if (r % 4 == 1)
				fprintf(f, "calloc %" PRIu64 " %" PRIu64 " 8\n", id, 1 + r % 64);
			else if (r % 4 == 2)
				fprintf(f, "memalign %" PRIu64 " 64 %" PRIu64 "\n", id, 1 + r % 512);
			else
				fprintf(f, "malloc %" PRIu64 " %" PRIu64 "\n", id, 1 + r % 256);
		}
	}
	free(live);
}

/*
 * synth_trace - a synthetic trace of @kind in the file @name of test_tmpdir,
 * text or binary by its suffix.  Return: the path.
 */
static inline const char *synth_trace(const char *kind, uint64_t objects, uint64_t ops,
				      unsigned int threads, const char *name)
{
	const char *path = test_tmpfile(name);
	size_t n = strlen(name);
	bool binary = n > 4 && strcmp(name + n - 4, ".bin") == 0;
	char text[4096];
	struct trace_error err;
	FILE *f;

	snprintf(text, sizeof(text), "%s%s", path, binary ? ".txt" : "");
	f = fopen(text, "w");
	assert_non_null(f);
	synth_text(f, kind, objects, ops, threads);
	assert_int_equal(fclose(f), 0);
	if (binary) {
		if (check_copy(text, path, &err) != 0)
			fail_msg("%s", err.msg);
		unlink(text);
	}
	return path;
}

#endif
