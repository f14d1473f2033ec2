/* SPDX-License-Identifier: MIT */
/*
 * bench/cli.h - the slotslab command line: one function per subcommand,
 * listed in the table in main.c.  A command returns the process's exit
 * status: 0 success, 1 failure at run time, 2 bad usage or bad input.
 */
#ifndef SLOTSLAB_BENCH_CLI_H
#define SLOTSLAB_BENCH_CLI_H

#include <stdint.h>

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

#endif
