// SPDX-License-Identifier: MIT
/*
 * bench/import/pyrecorder.c - `slotslab pyrecord`: run a Python program
 * under the recorder script and write the object-level trace of its
 * user-defined objects.
 *
 * The child is `PYTHON RECORDER TMP WHEN -- SCRIPT ARGS...` (child.c runs
 * it as system() does); the recorder (pyrecord/slotslab_pyrecord.py) writes
 * its snapshot to TMP (OUT plus ".pyrecord-snapshot", renamed into place by
 * the recorder so it is never half written): the header and classes as a
 * text trace, the instances as shape numbers (pysnap.c).  When the child
 * has ended, TMP is made the trace OUT in the format its name asks for,
 * its text checked by the trace reader (pysnap.c); TMP is removed.  A
 * failing program still has its trace converted; the status is then 1.
 * For --at signal:NAME the signal is passed on to the child, so that
 * signalling either process works.
 *
 * Steps: the moment -> find the recorder -> run -> convert -> the
 * program's own failure, if any.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/import/import.h"
#include "internal/compiler.h"
#include "internal/procfs.h"

/*
 * The recorder script: $SLOTSLAB_PYRECORD, else ../pyrecord/ or
 * ../../pyrecord/ from this program (a build tree), else ../share/slotslab/
 * (an installed PREFIX/bin).
 */
static int find_recorder(char *buf, size_t size)
{
	static const char *const where[] = {
		"%s/../pyrecord/slotslab_pyrecord.py",
		"%s/../../pyrecord/slotslab_pyrecord.py",
		"%s/../share/slotslab/slotslab_pyrecord.py",
	};
	return procfs_find_file("SLOTSLAB_PYRECORD", where, ARRAY_SIZE(where), buf, size);
}

/*
 * The recorder's C helper (pyrecord/pyscan.c), shipped beside this program
 * (a build tree) or beside the recorder (an installed share/slotslab/):
 * named to the recorder by $SLOTSLAB_PYSCAN, which it takes out of the
 * program's environment.  Left as it is when set (a path that is no file:
 * the recorder's Python path); not set when not found (the recorder then
 * looks beside itself).
 */
static void name_pyscan(void)
{
	static const char *const where[] = {
		"%s/libslotslab-pyscan.so",
		"%s/../share/slotslab/libslotslab-pyscan.so",
	};
	char buf[PATH_MAX];
	const char *v = getenv("SLOTSLAB_PYSCAN");

	if (v && *v)
		return;
	if (procfs_find_file(NULL, where, ARRAY_SIZE(where), buf, sizeof(buf)) == 0)
		setenv("SLOTSLAB_PYSCAN", buf, 1);
}

static int signal_number(const char *name)
{
	static const struct { const char *n; int s; } sigs[] = {
		{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "HUP", SIGHUP }, { "TERM", SIGTERM },
		{ "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ALRM", SIGALRM }, { "WINCH", SIGWINCH },
	};

	if (strncmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		if (strcmp(sigs[i].n, name) == 0)
			return sigs[i].s;
	return 0;
}

/* "exit status 3" / "signal 9", for messages */
static const char *how(int status, char *buf, size_t size)
{
	snprintf(buf, size, "%s %d", WIFEXITED(status) ? "exit status" : "signal",
		 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return buf;
}

int pyrecord_run(const struct pyrecord_opts *o, struct recorder_failure *f)
{
	struct import_convert_result res;
	char rec[PATH_MAX], tmp[PATH_MAX], h[64];
	struct trace_error err;
	int status, sig = 0, rc;
	size_t argc = 0;
	char **cargv;
	pid_t pid;

	memset(f, 0, sizeof(*f));
	while (o->argv[argc])
		argc++;
	if (argc < 2)
		return recorder_fail(f, 2, "wants PYTHON SCRIPT [ARGS...]");
	if (strncmp(o->at, "signal:", 7) == 0) {
		sig = signal_number(o->at + 7);
		if (!sig)
			return recorder_fail(f, 2, "--at %s: unknown signal (USR1, USR2, HUP, "
					     "TERM, INT, QUIT, ALRM, WINCH)", o->at);
	} else if (strcmp(o->at, "exit") != 0 && strcmp(o->at, "peak") != 0) {
		return recorder_fail(f, 2, "--at %s: expected exit, peak or signal:NAME", o->at);
	}
	if (find_recorder(rec, sizeof(rec)) != 0)
		return recorder_fail(f, 1, "cannot find %s; set SLOTSLAB_PYRECORD", rec);
	name_pyscan();
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.pyrecord-snapshot", o->out) >= sizeof(tmp))
		return recorder_fail(f, 2, "%s: name too long", o->out);
	cargv = calloc(argc + 5, sizeof(*cargv));
	if (!cargv)
		return recorder_fail(f, 1, "out of memory");
	cargv[0] = o->argv[0];
	cargv[1] = rec;
	cargv[2] = tmp;
	cargv[3] = (char *)o->at;
	cargv[4] = "--";
	memcpy(&cargv[5], &o->argv[1], (argc - 1) * sizeof(*cargv));
	unlink(tmp);
	status = import_run_child(cargv, NULL, sig, "slotslab pyrecord", &pid);
	free(cargv);
	if (status == -1)
		return recorder_fail(f, 1, "cannot start %s: %s", o->argv[0], strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2 && access(tmp, R_OK) != 0)
		return f->status = 2;	/* the recorder refused its arguments: said why */
	if (access(tmp, R_OK) != 0)
		return recorder_fail(f, 1, "%s wrote no trace (%s)", o->argv[0],
				     how(status, h, sizeof(h)));
	rc = pysnap_convert(tmp, o->out, &res, &err);
	unlink(tmp);
	if (rc)
		return recorder_fail(f, 1, "%s", err.msg);
	/* the program's own status goes on (sys.exit(3): 3; a signal: 128 + it),
	 * as a shell gives it; an uncaught exception is 1 */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return recorder_fail(f, WIFEXITED(status) ? WEXITSTATUS(status) :
				     WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1,
				     "%s: the program failed (%s); %s holds its objects "
				     "up to then", o->argv[1], how(status, h, sizeof(h)), o->out);
	return 0;
}
