// SPDX-License-Identifier: MIT
/*
 * bench/cli/cmd_record.c - `slotslab record -o FILE -- CMD ARGS...`: run a
 * program under libslotslab-record.so and write its malloc-level trace.
 *
 * The command runs as a child with LD_PRELOAD naming the recording library
 * (in front of any LD_PRELOAD already set, so a preloaded allocator still
 * serves the calls) and SLOTSLAB_RECORD_DIR naming a fresh directory beside
 * FILE, where every process image of the command writes its raw stream
 * (trace/record_stream.h).  When the command has ended, the streams are
 * converted (record_streams.c) and the directory removed.  While the
 * command runs, SIGINT and SIGQUIT are ignored here, as system() does, so
 * that Ctrl-C stops the command and the recording is still converted.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/cli/cli.h"
#include "bench/import/record.h"

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

/*
 * The recording library: $SLOTSLAB_RECORD_LIB, else beside this program
 * (a build directory), else in ../lib from it (an installed PREFIX/bin).
 */
static int find_lib(char *buf, size_t size)
{
	static const char *const where[] = { "%s/libslotslab-record.so", "%s/../lib/libslotslab-record.so" };
	const char *env = getenv("SLOTSLAB_RECORD_LIB");
	char self[PATH_MAX], *dir;
	ssize_t n;

	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return access(buf, R_OK);
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -1;
	self[n] = 0;
	dir = dirname(self);
	for (size_t i = 0; i < ARRAY_SIZE(where); i++) {
		if ((size_t)snprintf(buf, size, where[i], dir) >= size)
			return -1;
		if (access(buf, R_OK) == 0)
			return 0;
	}
	snprintf(buf, size, where[0], dir);	/* named in the message */
	return -1;
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

/* Run @argv with the recorder; Return: its wait status, or -1.  *@pid: its pid. */
static int run(char **argv, const char *lib, const char *dir, pid_t *child)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	const char *pre = getenv("LD_PRELOAD");
	int status = -1;
	pid_t pid;

	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid == 0) {
		char *preload = malloc(strlen(lib) + (pre ? strlen(pre) : 0) + 2);

		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		if (!preload)
			_exit(127);
		sprintf(preload, "%s%s%s", lib, pre && *pre ? ":" : "", pre ? pre : "");
		setenv("LD_PRELOAD", preload, 1);
		setenv("SLOTSLAB_RECORD_DIR", dir, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "slotslab record: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	*child = pid;
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return pid > 0 ? status : -1;
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
		  char ***names)
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
		cli_error("record", "no process %s was recorded%s", which,
			  set->n ? "" : " (did the command allocate at all?)");
		return -1;
	}
	pick->want = true;
	pick->out = file;
	return 1;
}

static void print_summary(const struct rec_set *set)
{
	printf("%-14s %-16s %7s %12s %10s  %s\n", "process", "program", "threads", "events",
	       "inherited", "trace");
	for (size_t i = 0; i < set->n; i++) {
		const struct rec_stream *s = &set->s[i];

		printf("%-14s %-16s %7zu %12llu %10llu  %s\n", s->name, rec_stream_exe(s), s->nth,
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

int cmd_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "process", required_argument, NULL, 'p' },
		{ "keep-raw", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL, *which = "main", *keep = NULL;
	char lib[PATH_MAX], dir[PATH_MAX], abs[PATH_MAX], **names = NULL, *header = NULL, *copy;
	struct trace_error err;
	struct rec_set set = { NULL, 0 };
	int c, status, rc = 1, n = 0;
	double t0, t1, t2;
	uint64_t raw = 0;
	pid_t root;

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
	if (find_lib(lib, sizeof(lib)) != 0) {
		cli_error("record", "cannot find %s; set SLOTSLAB_RECORD_LIB", lib);
		return 1;
	}
	if (keep) {
		if (mkdir(keep, 0755) != 0) {
			cli_error("record", "--keep-raw %s: %s", keep, strerror(errno));
			return 1;
		}
		snprintf(dir, sizeof(dir), "%s", keep);
	} else {
		copy = strdup(file);
		if (!copy || (size_t)snprintf(dir, sizeof(dir), "%s/.slotslab-record-XXXXXX",
					      dirname(copy)) >= sizeof(dir) || !mkdtemp(dir)) {
			cli_error("record", "cannot make a directory beside %s: %s", file,
				  strerror(errno));
			free(copy);
			return 1;
		}
		free(copy);
	}
	if (!realpath(dir, abs)) {
		cli_error("record", "%s: %s", dir, strerror(errno));
		goto out;
	}
	t0 = now();
	status = run(argv + optind, lib, abs, &root);
	t1 = now();
	if (status == -1) {
		cli_error("record", "cannot run %s: %s", argv[optind], strerror(errno));
		goto out;
	}
	if (rec_set_scan(&set, dir, &err) != 0) {
		cli_error("record", "%s", err.msg);
		rc = trace_error_status(&err);
		goto out;
	}
	header = command_header(argv + optind);
	n = choose(&set, which, file, root, &names);
	if (n < 0 || !header)
		goto out;
	if (rec_set_convert(&set, header, &err) != 0) {
		cli_error("record", "%s", err.msg);
		rc = trace_error_status(&err);
		goto out;
	}
	t2 = now();
	print_summary(&set);
	for (size_t i = 0; i < set.n; i++)
		raw += set.s[i].bytes;
	printf("command %.3f s, conversion %.3f s, raw streams %.1f MB\n", t1 - t0, t2 - t1,
	       (double)raw / 1e6);
	rc = 0;
	if (WIFSIGNALED(status)) {
		cli_error("record", "%s was killed by signal %d; the trace holds what was recorded",
			  argv[optind], WTERMSIG(status));
		rc = 1;
	} else if (WEXITSTATUS(status) != 0) {
		cli_error("record", "%s exited with status %d; the trace is written",
			  argv[optind], WEXITSTATUS(status));
		rc = 1;
	}
out:
	for (int i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
	free(header);
	rec_set_free(&set);
	if (!keep)
		remove_dir(dir);
	return rc;
}
