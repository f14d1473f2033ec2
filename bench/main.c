// SPDX-License-Identifier: MIT
/*
 * bench/main.c - `slotslab COMMAND [ARGS]`: dispatch to the subcommands.
 * Every command answers --help; unknown commands and options exit 2.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slotslab/slab.h>
#include "bench/cli.h"
#include "bench/trace.h"

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

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "slotslab %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int cli_parse_u64(const char *cmd, const char *opt, const char *arg, uint64_t min,
		  uint64_t max, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end || errno || *v < min || *v > max) {
		cli_error(cmd, "%s wants a number from %llu to %llu, not '%s'", opt,
			  (unsigned long long)min, (unsigned long long)max, arg);
		return -1;
	}
	return 0;
}

/* Ctrl-C and the like: no temporary trace file survives, then die of @sig. */
static void on_fatal_signal(int sig)
{
	trace_remove_temps();
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
