// SPDX-License-Identifier: MIT
/*
 * bench/import/child.c - running the program a recorder records (`slotslab
 * record`: recorder.c; `slotslab pyrecord`: pyrecorder.c), as system() does.
 *
 * While the child runs, SIGINT and SIGQUIT are ignored here, so that Ctrl-C
 * stops the program and what its recorder wrote is still converted; the
 * child gets the parent's dispositions back before exec.  A signal to be
 * forwarded (pyrecord --at signal:NAME) is passed on to the child from here
 * and ignored in the child until its recorder installs a handler, so that
 * one arriving during the interpreter's start-up does not kill it.  Only
 * one child runs at a time (the forwarding handler reads one pid).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/import/import.h"

static volatile pid_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

int import_run_child(char *const *argv, const char *const *env, int fwd, const char *who,
		     pid_t *pid)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, fw = { .sa_handler = forward };
	struct sigaction old_int, old_quit, old_fwd;
	bool own = fwd && fwd != SIGINT && fwd != SIGQUIT;
	int status = -1, saved;

	fflush(NULL);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	if (own)
		sigaction(fwd, &fw, &old_fwd);
	*pid = fork();
	if (*pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		if (fwd)
			sigaction(fwd, &ign, NULL);
		for (size_t i = 0; env && env[i]; i += 2)
			if (setenv(env[i], env[i + 1], 1) != 0)
				_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: cannot run %s: %s\n", who, argv[0], strerror(errno));
		_exit(127);
	}
	saved = errno;
	if (*pid > 0) {
		child_pid = *pid;
		while (waitpid(*pid, &status, 0) < 0 && errno == EINTR)
			;
		child_pid = 0;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (own)
		sigaction(fwd, &old_fwd, NULL);
	errno = saved;
	return *pid > 0 ? status : -1;
}
