// SPDX-License-Identifier: MIT
/*
 * bench/cli/cmd_info.c - `slotslab info [--json] FILE`: what a trace holds
 * (the counting and the output: bench/info/).
 */
#include <getopt.h>
#include <stdio.h>

#include "bench/cli/cli.h"
#include "bench/info/info.h"

static void info_usage(FILE *f)
{
	fprintf(f, "usage: slotslab info [--json] FILE\n\n"
		"Read a trace (text or binary, told apart by content) and print what it\n"
		"holds: its format and header, events by kind, the peak of live objects\n"
		"(new - free) and of live malloc-level blocks, its thread ids, its classes\n"
		"as declared and as resolved (slots in all, dict, weakref), and its\n"
		"attribute names.  A malformed trace is reported with its file and line\n"
		"(or byte offset) and exits 2.\n\n"
		"  --json       one JSON object instead of the table\n"
		"  -h, --help   this text\n");
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct trace_error err;
	struct progress pr;
	uint64_t done, total;
	struct trace *t;
	struct info in;
	bool json = false;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			info_usage(stdout);
			return 0;
		default:
			info_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		cli_error("info", optind == argc ? "which trace? (slotslab info FILE)" :
			  "one trace at a time, not '%s' too", argv[optind + 1]);
		return EXIT_USAGE;
	}
	t = trace_open(argv[optind], NULL, &err);
	if (!t) {
		cli_error("info", "%s", err.msg);
		return trace_error_status(&err);
	}
	trace_progress(t, &done, &total);
	progress_start(&pr, "info", "bytes", total);
	status = info_read(&in, t, &pr, &err);
	progress_end(&pr);
	if (status) {
		cli_error("info", "%s", err.msg);
		status = trace_error_status(&err);
	} else if (json) {
		info_print_json(stdout, t, argv[optind], &in);
	} else {
		info_print_text(stdout, t, argv[optind], &in);
	}
	info_free(&in);
	trace_close(t);
	return status;
}
