// SPDX-License-Identifier: MIT
/*
 * bench/cli/cmd_record.c - `slotslab record -o FILE -- CMD ARGS...`: run a
 * program under libslotslab-record.so and write its malloc-level trace (the
 * work: recorder_run(), bench/import/recorder.c).
 */
#include <getopt.h>
#include <stdio.h>

#include "bench/cli/cli.h"
#include "bench/import/import.h"

static void record_usage(FILE *f)
{
	fprintf(f,
		"usage: slotslab record -o FILE [--process WHICH] [--keep-raw DIR] -- CMD [ARGS...]\n\n"
		"Run CMD and write the malloc-level trace of what it allocates: malloc, calloc,\n"
		"realloc, reallocarray, free, memalign, aligned_alloc, posix_memalign, valloc,\n"
		"pvalloc, each with the size asked for (memalign and friends with the\n"
		"alignment), at the thread that called (@TID: the kernel's thread id), blocks\n"
		"named by ids dense from 1 instead of addresses.  FILE is text when its name\n"
		"ends in .txt or .trace, binary otherwise.\n\n"
		"CMD runs with LD_PRELOAD=libslotslab-record.so (beside this program or in\n"
		"../lib from it, or named by SLOTSLAB_RECORD_LIB), which passes every call on to\n"
		"the allocator CMD would have used (an LD_PRELOAD already set still applies) and\n"
		"records it into per-thread buffers that a background thread writes.  It costs\n"
		"one atomic add and 32 bytes per call: 1.05-1.25x the CPU time of real\n"
		"programs (record/README.md has the measurements).\n\n"
		"Every process image CMD runs is recorded on its own (fork, execve), one trace\n"
		"per process.  --process chooses which to write:\n"
		"  main      (default) the process started, after any execve it made\n"
		"  largest   the process with the most events (gcc: cc1)\n"
		"  all       all of them: FILE is the main one, the others FILE.PID[.N]\n"
		"            (before a .txt/.trace suffix), N counting a pid's execs\n"
		"  NAME      the first process whose executable is called NAME\n"
		"A process made by fork() starts with the blocks its parent had at the fork,\n"
		"written first, as allocations.  A program that exits without freeing is\n"
		"fine: what it still holds is simply never freed in the trace.  Events after\n"
		"a kill by a signal are lost, and a thread still running at exit loses what\n"
		"it had not yet handed over; the trace's header says how each process ended\n"
		"and what did not match (frees of blocks allocated before recording started).\n\n"
		"Exit status: 0; 1 when CMD failed (the trace is still written) or the\n"
		"recording failed; 2 for bad usage.\n\n"
		"  -o FILE          the trace (required)\n"
		"  --process WHICH  main, largest, all or a program name (default main)\n"
		"  --keep-raw DIR   keep the raw streams in DIR (created; must not exist)\n"
		"  -h, --help       this text\n");
}

int cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "process", required_argument, NULL, 'p' },
		{ "keep-raw", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL, *which = "main", *keep = NULL;
	struct recorder_failure f;
	int c, status;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			record_usage(stdout);
			return 0;
		case 'o':
			file = optarg;
			break;
		case 'p':
			which = optarg;
			break;
		case 'k':
			keep = optarg;
			break;
		default:
			cli_error("record", "unrecognized option '%s'", argv[optind - 1]);
			record_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!file) {
		cli_error("record", "where to? (-o FILE)");
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		cli_error("record", "which command? (-- CMD ARGS...)");
		return EXIT_USAGE;
	}
	if (!*which) {
		cli_error("record", "--process wants main, largest, all or a program name");
		return EXIT_USAGE;
	}
	status = recorder_run(&(struct recorder_opts){ .argv = argv + optind, .out = file,
						      .which = which, .keep_raw = keep },
			      stdout, &f);
	if (status)
		cli_error("record", "%s", f.msg);
	return status;
}
