// SPDX-License-Identifier: MIT
/*
 * bench/import/convert.c - a trace re-encoded: `slotslab convert`, and the
 * last step of `slotslab pyrecord` (the recorder's text trace into FILE's
 * format).
 *
 * The input's format comes from its content, the output's from its name
 * (.txt or .trace: text; anything else: binary).  Events pass through the
 * reader, which checks them, and the writer unchanged, with the comment
 * header; what a conversion canonicalises is listed in trace/text.c and
 * trace/bin.h.  The writer makes the output appear only once complete: on a
 * malformed input or a failed write no OUT is left (and an OUT that
 * existed is untouched).
 */
#include <stdio.h>

#include "bench/import/import.h"
#include "bench/progress/progress.h"

#define BATCH 1024

int import_copy(struct trace *t, struct trace_writer *w, struct progress *pr,
		struct trace_error *err)
{
	struct trace_event evs[BATCH];
	uint64_t done, total;
	ssize_t n;

	while ((n = trace_next_batch(t, evs, BATCH)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (trace_write(w, &evs[i]) != 0)
				break;
		if (trace_writer_error(w)->code != TRACE_OK)
			break;
		trace_progress(t, &done, &total);
		if (pr)
			progress_draw(pr, done);
	}
	if (n < 0) {
		*err = *trace_error(t);
		return -1;
	}
	if (trace_writer_error(w)->code != TRACE_OK) {
		*err = *trace_writer_error(w);
		return -1;
	}
	return 0;
}

int import_convert(const char *in, const char *out, const char *what,
		   struct import_convert_result *res, struct trace_error *err)
{
	struct trace_writer *w;
	struct progress pr;
	uint64_t done, total;
	struct trace *t;
	int rc;

	t = trace_open(in, NULL, err);
	if (!t)
		return -1;
	w = trace_writer_open(out, TRACE_FMT_AUTO, trace_header(t, NULL), err);
	if (!w) {
		trace_close(t);
		return -1;
	}
	trace_progress(t, &done, &total);
	progress_start(&pr, what, "bytes", total);
	rc = import_copy(t, w, &pr, err);
	progress_end(&pr);
	if (rc) {
		trace_writer_abort(w);
	} else {
		res->events = trace_writer_events(w);
		res->from = trace_format(t);
		res->to = trace_format_for_path(out);
		rc = trace_writer_close(w, err);
	}
	trace_close(t);
	return rc;
}
