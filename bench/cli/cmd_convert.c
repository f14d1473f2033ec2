// SPDX-License-Identifier: MIT
/*
 * bench/cli/cmd_convert.c - `slotslab convert IN OUT`: re-encode a trace.
 *
 * The input's format comes from its content, the output's from its name
 * (.txt or .trace: text; anything else: binary).  Events pass through
 * unchanged, with the comment header; what a conversion canonicalises is
 * listed in trace_text.c and trace_bin.h.  The output appears only once it
 * is complete: on a malformed input or a failed write, no OUT is left
 * (and an OUT that existed is untouched).
 */
#include <stdio.h>
#include <string.h>

#include "bench/cli/cli.h"
#include "bench/progress/progress.h"
#include "trace/trace.h"

#define BATCH 1024

static void convert_usage(FILE *f)
{
	fprintf(f, "usage: slotslab convert IN OUT\n\n"
		"Convert a trace between the text format (v1, docs/DESIGN.md section 6) and the\n"
		"binary format, without loss.  IN may be either (told apart by content);\n"
		"OUT is text when its name ends in .txt or .trace, binary otherwise.\n"
		"Comments other than the header at the top are dropped, and the text is\n"
		"written in canonical form (one space between tokens, plain decimals).\n"
		"On an error nothing is written: exit 2 for a malformed IN, 1 for I/O.\n\n"
		"  -h, --help   this text\n");
}

int cmd_convert(int argc, char **argv)
{
	struct trace_event evs[BATCH];
	struct trace_writer *w;
	struct trace_error err;
	struct progress pr;
	uint64_t done, total;
	struct trace *t;
	ssize_t n;

	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			convert_usage(stdout);
			return 0;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			cli_error("convert", "unknown option '%s'", argv[i]);
			convert_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc != 3) {
		cli_error("convert", "wants two file names, IN and OUT");
		convert_usage(stderr);
		return EXIT_USAGE;
	}
	t = trace_open(argv[1], NULL, &err);
	if (!t) {
		cli_error("convert", "%s", err.msg);
		return trace_error_status(&err);
	}
	w = trace_writer_open(argv[2], TRACE_FMT_AUTO, trace_header(t, NULL), &err);
	if (!w) {
		cli_error("convert", "%s", err.msg);
		trace_close(t);
		return trace_error_status(&err);
	}
	trace_progress(t, &done, &total);
	progress_start(&pr, "convert", "bytes", total);
	while ((n = trace_next_batch(t, evs, BATCH)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (trace_write(w, &evs[i]) != 0)
				break;
		if (trace_writer_error(w)->code != TRACE_OK)
			break;
		trace_progress(t, &done, &total);
		progress_draw(&pr, done);
	}
	progress_end(&pr);
	if (n < 0) {
		err = *trace_error(t);
		trace_writer_abort(w);
	} else if (trace_writer_error(w)->code != TRACE_OK) {
		err = *trace_writer_error(w);
		trace_writer_abort(w);
	} else {
		done = trace_writer_events(w);
		if (trace_writer_close(w, &err) == 0) {
			printf("%s: %llu events, %s -> %s\n", argv[2], (unsigned long long)done,
			       trace_format(t) == TRACE_FMT_TEXT ? "text" : "binary",
			       trace_format_for_path(argv[2]) == TRACE_FMT_TEXT ? "text" : "binary");
			trace_close(t);
			return 0;
		}
	}
	cli_error("convert", "%s", err.msg);
	trace_close(t);
	return trace_error_status(&err);
}
