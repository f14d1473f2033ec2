// SPDX-License-Identifier: MIT
/*
 * bench/cli/main.c - `slotslab COMMAND [ARGS]`: the command table, the
 * usage, and the dispatch to the subcommands (cmd_NAME.c).  Every command
 * answers --help; unknown commands and options exit 2.  A fatal signal
 * (SIGINT, SIGTERM, SIGHUP) first removes every temporary output file
 * (trace/outfile.h), then kills the process as it would have.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <slotslab/slab.h>
#include "bench/cli/cli.h"
#include "trace/outfile.h"

static const struct command commands[] = {
	{ "slabinfo", cmd_slabinfo, "slab caches in /proc/slabinfo layout after a workload" },
	{ "gen", cmd_gen, "generate the trace of a seed scenario" },
	{ "info", cmd_info, "what a trace holds: events by kind, classes, peaks, threads" },
	{ "convert", cmd_convert, "convert a trace between the text and binary formats" },
	{ "replay", cmd_replay, "replay a trace: footprint, speed, errors per layout and heap" },
	{ "record", cmd_record, "run a program and write the malloc-level trace of what it allocates" },
	{ "pyrecord", cmd_pyrecord, "run a Python program and write an object-level trace of its objects" },
	{ "advise", cmd_advise, "what __slots__ would save for a recorded Python program" },
	{ "import", cmd_import, "another tool's allocation log (mtrace, heaptrack, rep) as a trace" },
};

/* Ctrl-C and the like: no temporary output file survives, then die of @sig. */
static void on_fatal_signal(int sig)
{
	outfile_remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: slotslab COMMAND [ARGS...]\n\n"
		"Slab allocator and slots-vs-dict object model experiments.\n\n"
		"commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'slotslab COMMAND --help' describes a command.\n"
		"'slotslab --version' prints the version.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("slotslab %s\n", slotslab_version());
		return 0;
	}
	signal(SIGINT, on_fatal_signal);
	signal(SIGTERM, on_fatal_signal);
	signal(SIGHUP, on_fatal_signal);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "slotslab: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
