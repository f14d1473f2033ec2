// SPDX-License-Identifier: MIT
/*
 * bench/import/source.c - a log to import, read line by line (struct
 * import_src in import.h).
 *
 * A compressed log (zstd or gzip, told by its magic number, never by its
 * name) is read through the zstd or gzip program: a child with the file on
 * its stdin and a pipe on its stdout, started at import_src_open() and
 * waited for at import_src_close(), which reports a decompressor that
 * failed (exit status 127: it could not run, an I/O error; any other
 * failure: the input is not valid, a corrupt input).  Every descriptor is
 * close-on-exec, so a decompressor holds nothing but its own pipe.
 *
 * States: closed --open--> reading (f set; child running when compressed)
 *         --close--> closed (child reaped, buffers freed)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/import/import.h"

int import_src_open(struct import_src *src, const char *path, struct trace_error *err)
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

int import_src_close(struct import_src *src, struct trace_error *err)
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
