// SPDX-License-Identifier: MIT
/*
 * bench/cli/cli.c - what every command shares: messages, option values,
 * and the one way the CLI writes a file.
 *
 * Messages: "slotslab CMD: ..." on stderr, one line each (cli_error).
 * Option values: a number in a range (cli_parse_u64) or one word of a list
 * (cli_parse_choice); a bad value is reported naming the option and what it
 * wants, and the command exits 2.
 *
 * Output files: every file a command writes itself (replay's -o) goes
 * through cli_write_output(), on trace/outfile.h: a temporary file beside
 * the target with the umask's mode, flushed and synced, renamed into place
 * only once complete, removed on every failure and, through main.c's
 * handler (outfile_remove_temps()), on a fatal signal.  Traces go through
 * the trace writer, which uses the same protocol.  So a command either
 * leaves the whole output or none, and an old target stays untouched until
 * the new one is complete.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/cli/cli.h"
#include "trace/outfile.h"

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

int cli_parse_choice(const char *cmd, const char *opt, const char *arg,
		     const char *const *names, int *v)
{
	char list[256] = "";
	size_t len = 0;

	for (int i = 0; names[i]; i++) {
		if (strcmp(arg, names[i]) == 0) {
			*v = i;
			return 0;
		}
		len += (size_t)snprintf(list + len, sizeof(list) - MIN(len, sizeof(list)), " %s",
					names[i]);
		len = MIN(len, sizeof(list) - 1);
	}
	cli_error(cmd, "%s wants one of:%s; not '%s'", opt, list, arg);
	return -1;
}

int cli_write_output(const char *cmd, const char *path, int (*write)(FILE *f, void *arg),
		     void *arg)
{
	const char *what;
	struct outfile o;
	FILE *f;
	int rc;

	if (!path) {
		rc = write(stdout, arg);
		if (rc != 0 || fflush(stdout) != 0) {
			cli_error(cmd, "writing the result failed: %s", strerror(errno));
			return 1;
		}
		return 0;
	}
	if (outfile_open(&o, path) != 0 || !(f = outfile_stream(&o))) {
		int saved = errno;

		if (saved == ENAMETOOLONG && !o.tmp) {
			cli_error(cmd, "%s: name too long", path);
			outfile_abort(&o);
			return EXIT_USAGE;
		}
		cli_error(cmd, "%s: cannot create: %s", o.tmp ? o.tmp : path, strerror(saved));
		outfile_abort(&o);
		return 1;
	}
	rc = write(f, arg);
	if (rc != 0 || fflush(f) != 0 || fsync(o.fd) != 0) {
		cli_error(cmd, "%s: writing the result failed: %s", path, strerror(errno));
		outfile_abort(&o);
		return 1;
	}
	if (outfile_commit(&o, &what) != 0) {
		cli_error(cmd, "%s: writing the result failed: %s", path, strerror(errno));
		return 1;
	}
	return 0;
}
