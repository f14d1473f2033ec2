// SPDX-License-Identifier: MIT
/*
 * bench/import/recorder.c - `slotslab record`: run a program under
 * libslotslab-record.so and turn its raw streams into traces (record.c).
 *
 * The command runs as a child with LD_PRELOAD naming the recording library
 * (in front of any LD_PRELOAD already set, so a preloaded allocator still
 * serves the calls) and SLOTSLAB_RECORD_DIR naming a fresh directory beside
 * the output (or the --keep-raw directory), where every process image of
 * the command writes its raw stream (trace/record_stream.h).  When the
 * command has ended, the streams are scanned, the ones asked for chosen,
 * converted, and the directory removed (unless kept).  The command runs as
 * system() runs it (child.c): Ctrl-C stops it, and the recording is still
 * converted.
 *
 * Steps, each of which may fail with a message and status 1 (the stream
 * scanner and converter: their trace error's status):
 *   find the library -> make the directory -> run -> scan -> choose ->
 *   convert -> summary on @report -> the command's own failure, if any
 *   (status 1, the traces are written).
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/import/import.h"
#include "bench/import/record.h"
#include "internal/compiler.h"
#include "internal/procfs.h"

int recorder_fail(struct recorder_failure *f, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return f->status = status;
}

/*
 * The recording library: $SLOTSLAB_RECORD_LIB, else beside this program
 * (a build directory), else in ../lib from it (an installed PREFIX/bin).
 */
static int find_lib(char *buf, size_t size)
{
	static const char *const where[] = { "%s/libslotslab-record.so",
					     "%s/../lib/libslotslab-record.so" };

	return procfs_find_file("SLOTSLAB_RECORD_LIB", where, ARRAY_SIZE(where), buf, size);
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[PATH_MAX];

	if (!d)
		return;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) < sizeof(path))
			unlink(path);
	closedir(d);
	rmdir(dir);
}

/* Run @argv with the recorder.  Return: its wait status, or -1.  *@child: its pid. */
static int run(char **argv, const char *lib, const char *dir, pid_t *child)
{
	const char *pre = getenv("LD_PRELOAD");
	char *preload = malloc(strlen(lib) + (pre ? strlen(pre) : 0) + 2);
	const char *env[] = { "LD_PRELOAD", preload, "SLOTSLAB_RECORD_DIR", dir, NULL };
	int status;

	if (!preload)
		return -1;
	sprintf(preload, "%s%s%s", lib, pre && *pre ? ":" : "", pre ? pre : "");
	status = import_run_child(argv, env, 0, "slotslab record", child);
	free(preload);
	return status;
}

/* @base with ".@tag" before a .txt/.trace suffix, or at the end. */
static char *out_name(const char *base, const char *tag)
{
	const char *dot = strrchr(base, '.');
	size_t len = strlen(base);
	char *out;

	if (!dot || strchr(dot, '/') || (strcmp(dot, ".txt") != 0 && strcmp(dot, ".trace") != 0))
		dot = base + len;
	out = malloc(len + strlen(tag) + 2);
	if (out)
		sprintf(out, "%.*s.%s%s", (int)(dot - base), base, tag, dot);
	return out;
}

/* Mark the streams to write.  Return: how many, or -1 (message printed). */
static int choose(struct rec_set *set, const char *which, const char *file, pid_t root,
		  char ***names, struct recorder_failure *f)
{
	struct rec_stream *main_s = NULL, *pick = NULL;
	int n = 0;

	*names = calloc(set->n + 1, sizeof(**names));
	if (!*names)
		return -1;
	for (size_t i = 0; i < set->n; i++)
		if (set->s[i].hdr.pid == root &&
		    (!main_s || set->s[i].hdr.gen > main_s->hdr.gen))
			main_s = &set->s[i];
	if (strcmp(which, "main") == 0) {
		pick = main_s;
	} else if (strcmp(which, "largest") == 0) {
		for (size_t i = 0; i < set->n; i++)
			if (!pick || set->s[i].events > pick->events)
				pick = &set->s[i];
	} else if (strcmp(which, "all") == 0) {
		for (size_t i = 0; i < set->n; i++) {
			struct rec_stream *s = &set->s[i];
			char tag[32];

			if (s != main_s && !s->events)
				continue;	/* a child that exec'd at once: nothing of its own */
			if (s->hdr.gen)
				snprintf(tag, sizeof(tag), "%d.%u", s->hdr.pid, s->hdr.gen);
			else
				snprintf(tag, sizeof(tag), "%d", s->hdr.pid);
			(*names)[n] = s == main_s ? strdup(file) : out_name(file, tag);
			if (!(*names)[n])
				return -1;
			s->want = true;
			s->out = (*names)[n++];
		}
		return n;
	} else {
		for (size_t i = 0; i < set->n && !pick; i++)
			if (strcmp(rec_stream_exe(&set->s[i]), which) == 0 ||
			    strcmp(set->s[i].hdr.comm, which) == 0)
				pick = &set->s[i];
	}
	if (!pick) {
		recorder_fail(f, 1, "no process %s was recorded%s", which,
		     set->n ? "" : " (did the command allocate at all?)");
		return -1;
	}
	pick->want = true;
	pick->out = file;
	return 1;
}

static void print_summary(FILE *f, const struct rec_set *set)
{
	fprintf(f, "%-14s %-16s %7s %12s %10s  %s\n", "process", "program", "threads", "events",
	       "inherited", "trace");
	for (size_t i = 0; i < set->n; i++) {
		const struct rec_stream *s = &set->s[i];

		fprintf(f, "%-14s %-16s %7zu %12llu %10llu  %s\n", s->name, rec_stream_exe(s), s->nth,
		       (unsigned long long)s->events, (unsigned long long)s->st.inherited,
		       s->want ? s->out : "-");
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *command_header(char **argv)
{
	size_t len = strlen("slotslab record -- \n") + 1;
	char *h;

	for (int i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 1;
	h = malloc(len);
	if (!h)
		return NULL;
	strcpy(h, "slotslab record --");
	for (int i = 0; argv[i]; i++) {
		strcat(h, " ");
		strcat(h, argv[i]);
	}
	strcat(h, "\n");
	return h;
}

int recorder_run(const struct recorder_opts *o, FILE *report, struct recorder_failure *f)
{
	const char *file = o->out, *which = o->which, *keep = o->keep_raw;
	char **argv = o->argv;
	char lib[PATH_MAX], dir[PATH_MAX], abs[PATH_MAX], **names = NULL, *header = NULL, *copy;
	struct trace_error err;
	struct rec_set set = { NULL, 0 };
	int status, rc = 1, n = 0;
	double t0, t1, t2;
	uint64_t raw = 0;
	pid_t root;

	memset(f, 0, sizeof(*f));
	if (find_lib(lib, sizeof(lib)) != 0)
		return recorder_fail(f, 1, "cannot find %s; set SLOTSLAB_RECORD_LIB", lib);
	if (keep) {
		if (mkdir(keep, 0755) != 0)
			return recorder_fail(f, 1, "--keep-raw %s: %s", keep, strerror(errno));
		snprintf(dir, sizeof(dir), "%s", keep);
	} else {
		copy = strdup(file);
		if (!copy || (size_t)snprintf(dir, sizeof(dir), "%s/.slotslab-record-XXXXXX",
					      dirname(copy)) >= sizeof(dir) || !mkdtemp(dir)) {
			recorder_fail(f, 1, "cannot make a directory beside %s: %s", file,
				      strerror(errno));
			free(copy);
			return 1;
		}
		free(copy);
	}
	if (!realpath(dir, abs)) {
		recorder_fail(f, 1, "%s: %s", dir, strerror(errno));
		goto out;
	}
	t0 = now();
	status = run(argv, lib, abs, &root);
	t1 = now();
	if (status == -1) {
		recorder_fail(f, 1, "cannot run %s: %s", argv[0], strerror(errno));
		goto out;
	}
	if (rec_set_scan(&set, dir, &err) != 0) {
		rc = recorder_fail(f, trace_error_status(&err), "%s", err.msg);
		goto out;
	}
	header = command_header(argv);
	n = choose(&set, which, file, root, &names, f);
	if (n < 0 || !header) {
		if (!f->status)
			recorder_fail(f, 1, "out of memory");
		goto out;
	}
	if (rec_set_convert(&set, header, &err) != 0) {
		rc = recorder_fail(f, trace_error_status(&err), "%s", err.msg);
		goto out;
	}
	t2 = now();
	print_summary(report, &set);
	for (size_t i = 0; i < set.n; i++)
		raw += set.s[i].bytes;
	fprintf(report, "command %.3f s, conversion %.3f s, raw streams %.1f MB\n", t1 - t0,
		t2 - t1, (double)raw / 1e6);
	rc = 0;
	if (WIFSIGNALED(status))
		rc = recorder_fail(f, 1, "%s was killed by signal %d; the trace holds what was "
				   "recorded", argv[0], WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		rc = recorder_fail(f, 1, "%s exited with status %d; the trace is written", argv[0],
				   WEXITSTATUS(status));
out:
	for (int i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
	free(header);
	rec_set_free(&set);
	if (!keep)
		remove_dir(dir);
	if (rc && !f->status)
		f->status = rc;
	return rc;
}
