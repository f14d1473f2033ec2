// SPDX-License-Identifier: MIT
/*
 * bench/cli/cmd_import.c - `slotslab import --format FMT IN -o OUT`: another
 * tool's allocation log as a malloc-level trace (the work: import_file(),
 * bench/import/file.c).  As for every command, OUT appears only complete.
 */
#include <getopt.h>
#include <stdio.h>

#include "bench/cli/cli.h"
#include "bench/import/import.h"

static void import_usage(FILE *f)
{
	fprintf(f, "usage: slotslab import --format FORMAT IN -o OUT\n\n"
		"Turn another tool's allocation log into a malloc-level trace (malloc,\n"
		"calloc, realloc, memalign, mfree events; blocks named by ids dense from 1\n"
		"instead of addresses).  OUT is text when its name ends in .txt or .trace,\n"
		"binary otherwise.  What a log gets wrong is counted in the trace's header,\n"
		"not fatal: frees of blocks it never saw allocated are dropped, reallocs of\n"
		"them become mallocs, an address allocated again while live is freed first.\n"
		"A malformed log is reported as FILE:LINE: message, exit 2; nothing is\n"
		"written.  zstd- and gzip-compressed logs are read through zstd or gzip.\n\n"
		"  --format FORMAT   one of the formats below\n"
		"  -o OUT            the trace\n"
		"  -h, --help        this text\n\nformats:\n");
	for (size_t i = 0; import_formats[i]; i++)
		fprintf(f, "\n%s: %s\n%s", import_formats[i]->name, import_formats[i]->summary,
			import_formats[i]->help);
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const struct import_format *fmt = NULL;
	const char *out = NULL;
	struct import_stats st;
	struct trace_error err;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			import_usage(stdout);
			return 0;
		case 'o':
			out = optarg;
			break;
		case 'f':
			fmt = import_find_format(optarg);
			if (!fmt) {
				cli_error("import", "unknown format '%s' (mtrace, heaptrack, rep)", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			cli_error("import", "unrecognized option '%s'", argv[optind - 1]);
			import_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!fmt) {
		cli_error("import", "which format? (--format mtrace|heaptrack|rep)");
		return EXIT_USAGE;
	}
	if (optind != argc - 1) {
		cli_error("import", optind >= argc ? "which log? (IN)" : "one log at a time");
		return EXIT_USAGE;
	}
	if (!out) {
		cli_error("import", "where to? (-o OUT)");
		return EXIT_USAGE;
	}
	if (import_file(fmt, argv[optind], out, &st, &err) != 0) {
		cli_error("import", "%s", err.msg);
		return trace_error_status(&err);
	}
	printf("%s: %llu events, %llu blocks, peak %llu live (%llu bytes)\n", out,
	       (unsigned long long)st.events, (unsigned long long)st.allocs,
	       (unsigned long long)st.peak_live, (unsigned long long)st.peak_bytes);
	return 0;
}
