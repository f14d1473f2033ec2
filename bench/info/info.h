/* SPDX-License-Identifier: MIT */
/*
 * bench/info/info.h - what a trace holds (`slotslab info`), from one read
 * with counters only, so memory stays that of the reader plus a set of
 * thread ids:
 *   - events by kind;
 *   - peak live objects: the running maximum of (new - free), counted, not
 *     tracked per id, so a free of an unknown id lowers the count too;
 *   - peak live blocks at the malloc level: +1 for malloc/calloc/memalign
 *     of a non-zero id and for realloc of NULL, -1 for mfree of a non-zero
 *     id and for "realloc 0 OLD 0" (see struct trace_event);
 *   - the distinct thread ids; the classes (as declared, and resolved), the
 *     attribute names and the comment header come from the trace's tables.
 *
 *	struct info in;
 *
 *	if (info_read(&in, t, &progress, &err) != 0)
 *		die(err.msg, trace_error_status(&err));
 *	info_print_text(stdout, t, path, &in);
 *	info_free(&in);
 *
 * Uses the trace API and bench/metrics (JSON strings), bench/progress (the progress
 * line)
 * only: nothing of allocators or the object model.
 */
#ifndef SLOTSLAB_BENCH_INFO_H
#define SLOTSLAB_BENCH_INFO_H

#include <stdint.h>
#include <stdio.h>

#include "bench/metrics/metrics.h"
#include "bench/progress/progress.h"
#include "trace/trace.h"

/**
 * struct info_tids - distinct thread ids (open addressing; a slot holds
 * tid + 1, 0 is empty).  Invariant: 2 * n <= mask + 1.
 */
struct info_tids {
	uint64_t *slot;
	uint32_t mask, n;
};

/**
 * struct info - what a trace holds
 * @kinds:  events by kind
 * @live, @blocks: running counts at the end, signed (frees may come first)
 * @live_peak, @blocks_peak: their maxima
 * @tids:   the thread ids, sorted, @ntids of them (after info_read())
 */
struct info {
	uint64_t kinds[TRACE_NR_KINDS];
	uint64_t events;
	int64_t live, live_peak;
	int64_t blocks, blocks_peak;
	uint64_t *tids;
	uint32_t ntids;
	struct info_tids set;
};

/**
 * info_read - read @t to its end and count
 * @pr: the progress line, drawn in bytes read (started by the caller), or NULL
 * Return: 0, or -1 with @err filled: the trace's error, or "out of memory"
 * (TRACE_ENOMEM).  info_free(@in) either way.
 */
int info_read(struct info *in, struct trace *t, struct progress *pr, struct trace_error *err);

/** info_free - free what info_read() allocated */
void info_free(struct info *in);

/** info_print_text - the table of `slotslab info` for @t (read), named @path */
void info_print_text(FILE *f, const struct trace *t, const char *path, const struct info *in);

/** info_print_json - the same as one JSON object and a newline */
void info_print_json(FILE *f, const struct trace *t, const char *path, const struct info *in);

#endif
