/* SPDX-License-Identifier: MIT */
/*
 * bench/cli/cli.h - the slotslab command line: one function per subcommand,
 * listed in the table in main.c, and the helpers they share (cli.c).  A
 * command parses its options and calls its subsystem; it returns the
 * process's exit status: 0 success, 1 failure at run time, 2 bad usage or
 * bad input.
 *
 * bench/cli/ includes only the subsystems' public headers (bench/SUB/SUB.h,
 * trace/trace.h, trace/outfile.h, the headers of include/slotslab/,
 * include/internal/compiler.h), never a subsystem's internal.h.
 */
#ifndef SLOTSLAB_BENCH_CLI_H
#define SLOTSLAB_BENCH_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "internal/compiler.h"

#define EXIT_USAGE 2

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

int cmd_slabinfo(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_pyrecord(int argc, char **argv);
int cmd_advise(int argc, char **argv);

/* Print "slotslab CMD: message" on stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __printf(2, 3);

/* Is @arg one of -h / --help? */
int cli_is_help(const char *arg);

/*
 * Parse @arg, the value of option @opt, as a decimal in [@min, @max].
 * Return: 0, or -1 after printing "slotslab CMD: OPT wants ..." on stderr.
 */
int cli_parse_u64(const char *cmd, const char *opt, const char *arg, uint64_t min,
		  uint64_t max, uint64_t *v);

/*
 * Parse @arg, the value of option @opt, as one of @names (NULL-terminated);
 * *@v is its index.
 * Return: 0, or -1 after printing "slotslab CMD: OPT wants one of: A B C;
 * not 'ARG'" on stderr.
 */
int cli_parse_choice(const char *cmd, const char *opt, const char *arg,
		     const char *const *names, int *v);

/*
 * cli_write_output - write a command's output with @write(f, @arg), to
 * @path, or to stdout when @path is NULL.  A file appears only complete
 * (trace/outfile.h: a temporary file beside @path with the umask's mode,
 * synced and renamed; removed on failure and on a fatal signal); @write
 * returns 0, or non-zero with errno set when writing failed.
 * Return: the exit status: 0; 1 when creating or writing failed; 2 for a
 * name too long.  Every failure is reported on stderr.
 */
int cli_write_output(const char *cmd, const char *path, int (*write)(FILE *f, void *arg),
		     void *arg);

#endif
