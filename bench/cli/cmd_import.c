// SPDX-License-Identifier: MIT
/*
 * bench/cli/cmd_import.c - `slotslab import --format FMT IN -o OUT`: another
 * tool's allocation log as a malloc-level trace.
 *
 * The formats are entries of a table (import_mtrace.c, import_heaptrack.c,
 * import_rep.c), each a line parser that calls the importer
 * (import_common.c), which turns addresses into ids.  The log is read
 * twice: a first pass counts what the trace's header reports (what did
 * not match), the second writes.  A compressed log (zstd or gzip, told by
 * its magic number) is read through the zstd or gzip program, started
 * once per pass.  As for every command, OUT appears only once complete.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/cli/cli.h"
#include "bench/import/import.h"
#include "internal/compiler.h"

static const struct import_format *const formats[] = {
	&import_mtrace, &import_heaptrack, &import_rep,
};

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
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		fprintf(f, "\n%s: %s\n%s", formats[i]->name, formats[i]->summary, formats[i]->help);
}

/* ---- the input ------------------------------------------------------------ */

/* Open @path, through a decompressor when it is compressed.  Return: 0 or -1. */
static int src_open(struct import_src *src, const char *path, struct trace_error *err)
{
	unsigned char magic[4] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC), pfd[2];
	pid_t pid;

	memset(src, 0, sizeof(*src));
	src->name = path;
	if (fd < 0)
		return import_fail(err, TRACE_EOPEN, errno, path, "cannot open");
	if (pread(fd, magic, sizeof(magic), 0) < 0) {
		close(fd);
		return import_fail(err, TRACE_EIO, errno, path, "cannot read");
	}
	if (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
		src->via = "zstd";
	else if (magic[0] == 0x1f && magic[1] == 0x8b)
		src->via = "gzip";
	if (!src->via) {
		src->f = fdopen(fd, "r");
		if (!src->f) {
			close(fd);
			return import_fail(err, TRACE_ENOMEM, errno, path, "cannot read");
		}
		return 0;
	}
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		close(fd);
		return import_fail(err, TRACE_EIO, errno, path, "pipe");
	}
	pid = fork();
	if (pid == 0) {
		dup2(fd, 0);
		dup2(pfd[1], 1);
		execlp(src->via, src->via, "-dcq", (char *)NULL);
		fprintf(stderr, "slotslab import: %s: %s\n", src->via, strerror(errno));
		_exit(127);
	}
	close(fd);
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return import_fail(err, TRACE_EIO, errno, path, "fork");
	}
	src->child = pid;
	src->f = fdopen(pfd[0], "r");
	if (!src->f) {
		close(pfd[0]);
		return import_fail(err, TRACE_ENOMEM, errno, path, "cannot read");
	}
	return 0;
}

/* Close @src; Return: 0, or -1 with @err filled when reading or decompressing failed. */
static int src_close(struct import_src *src, struct trace_error *err)
{
	bool read_err = src->f && ferror(src->f);
	int status = 0, rc = 0;
	char what[96];

	if (src->f)
		fclose(src->f);
	free(src->buf);
	if (src->child) {
		while (waitpid(src->child, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			snprintf(what, sizeof(what), "%s -dc failed (%s %d): not a valid %s file",
				 src->via, WIFEXITED(status) ? "exit status" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), src->via);
			rc = import_fail(err, WIFEXITED(status) && WEXITSTATUS(status) == 127 ? TRACE_EIO :
				      TRACE_ECORRUPT, 0, src->name, what);
		}
	}
	if (read_err && rc == 0)
		rc = import_fail(err, TRACE_EIO, EIO, src->name, "read error");
	memset(src, 0, sizeof(*src));
	return rc;
}

ssize_t import_getline(struct import_src *src, char **line)
{
	ssize_t n = getline(&src->buf, &src->cap, src->f);

	if (n < 0)
		return -1;
	if (n > 0 && src->buf[n - 1] == '\n')
		src->buf[--n] = 0;
	src->line++;
	*line = src->buf;
	return n;
}

int import_syntax(struct import_src *src, struct trace_error *err, const char *fmt, ...)
{
	va_list ap;
	int at;

	memset(err, 0, sizeof(*err));
	err->code = TRACE_ESYNTAX;
	err->line = src->line;
	err->offset = -1;
	at = snprintf(err->msg, sizeof(err->msg), "%.300s:%lu: ", src->name, src->line);
	va_start(ap, fmt);
	vsnprintf(err->msg + at, sizeof(err->msg) - (size_t)at, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- the two passes ------------------------------------------------------------ */

/* One pass over @path into @im.  Return: 0 or -1 with @err filled. */
static int pass(const struct import_format *fmt, const char *path, struct importer *im,
		FILE *notes, struct trace_error *err)
{
	struct import_src src;
	struct trace_error cerr;
	int rc;

	if (src_open(&src, path, err) != 0)
		return -1;
	err->code = TRACE_OK;
	rc = fmt->run(&src, im, notes, err);
	/* A decompressor that failed explains a syntax error better than the error does. */
	if (src_close(&src, &cerr) != 0 && (rc == 0 || err->code == TRACE_ESYNTAX)) {
		*err = cerr;
		rc = -1;
	}
	if (rc != 0 && err->code == TRACE_OK) {
		if (im->w && trace_writer_error(im->w)->code != TRACE_OK)
			*err = *trace_writer_error(im->w);
		else
			import_fail(err, TRACE_ENOMEM, ENOMEM, path, "importing");
	}
	return rc;
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const struct import_format *fmt = NULL;
	const char *out = NULL, *in;
	struct trace_writer *w;
	struct trace_error err;
	struct importer im;
	char *header = NULL;
	size_t hlen;
	FILE *h;
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
			for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
				if (strcmp(optarg, formats[i]->name) == 0)
					fmt = formats[i];
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
	in = argv[optind];

	h = open_memstream(&header, &hlen);
	if (!h) {
		cli_error("import", "out of memory");
		return 1;
	}
	fprintf(h, "slotslab import --format %s %s\n", fmt->name, in);
	importer_init(&im, NULL);
	if (pass(fmt, in, &im, h, &err) != 0) {
		fclose(h);
		free(header);
		importer_fini(&im);
		cli_error("import", "%s", err.msg);
		return trace_error_status(&err);
	}
	importer_summary(&im, h);
	fprintf(h, "block ids are dense from 1 in order of allocation\n");
	importer_fini(&im);
	if (fclose(h) != 0 || !header) {
		cli_error("import", "out of memory");
		return 1;
	}

	w = trace_writer_open(out, TRACE_FMT_AUTO, header, &err);
	free(header);
	if (!w) {
		cli_error("import", "%s", err.msg);
		return trace_error_status(&err);
	}
	importer_init(&im, w);
	h = fopen("/dev/null", "w");
	if (!h || pass(fmt, in, &im, h, &err) != 0) {
		if (!h)
			import_fail(&err, TRACE_EIO, errno, "/dev/null", "cannot open");
		if (h)
			fclose(h);
		importer_fini(&im);
		trace_writer_abort(w);
		cli_error("import", "%s", err.msg);
		return trace_error_status(&err);
	}
	fclose(h);
	printf("%s: %llu events, %llu blocks, peak %llu live (%llu bytes)\n", out,
	       (unsigned long long)im.st.events, (unsigned long long)im.st.allocs,
	       (unsigned long long)im.st.peak_live, (unsigned long long)im.st.peak_bytes);
	importer_fini(&im);
	if (trace_writer_close(w, &err) != 0) {
		cli_error("import", "%s", err.msg);
		return trace_error_status(&err);
	}
	return 0;
}
