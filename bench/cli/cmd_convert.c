// SPDX-License-Identifier: MIT
/*
 * bench/cli/cmd_convert.c - `slotslab convert IN OUT`: re-encode a trace
 * (the work: import_convert(), bench/import/convert.c).
 */
#include <stdio.h>
#include <string.h>

#include "bench/cli/cli.h"
#include "bench/import/import.h"
#include "trace/trace.h"

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
	struct import_convert_result res;
	struct trace_error err;

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
	if (import_convert(argv[1], argv[2], "convert", &res, &err) != 0) {
		cli_error("convert", "%s", err.msg);
		return trace_error_status(&err);
	}
	printf("%s: %llu events, %s -> %s\n", argv[2], (unsigned long long)res.events,
	       res.from == TRACE_FMT_TEXT ? "text" : "binary",
	       res.to == TRACE_FMT_TEXT ? "text" : "binary");
	return 0;
}
