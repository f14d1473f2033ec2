// SPDX-License-Identifier: MIT
/*
 * bench/import/child.c - running the program a recorder records (`slotslab
 * record`: recorder.c; `slotslab pyrecord`: pyrecorder.c), as system() does.
 *
 * While the child runs, SIGINT and SIGQUIT are ignored here, so that Ctrl-C
 * stops the program and what its recorder wrote is still converted; the
 * child starts with the parent's dispositions.  A signal to be
 * forwarded (pyrecord --at signal:NAME) is passed on to the child from here
 * and ignored in the child until its recorder installs a handler, so that
 * one arriving during the interpreter's start-up does not kill it.  Only
 * one child runs at a time (the forwarding handler reads one pid).
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
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

static void env_free(char **envp, size_t mine)
{
	size_t n = 0;

	while (envp[n])
		n++;
	for (size_t j = n - mine; j < n; j++)
		free(envp[j]);
	free(envp);
}

/*
 * The child's environment: environ with @env's NAME, VALUE pairs set (an
 * entry of the same name left out), or NULL (out of memory).  *@mine: the
 * strings made here (the last ones before the NULL), for env_free().
 */
static char **child_env(const char *const *env, size_t *mine)
{
	size_t n = 0, k = 0, at = 0;
	char **out;

	while (environ[n])
		n++;
	while (env[2 * k])
		k++;
	*mine = 0;
	out = calloc(n + k + 1, sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		bool set = false;

		for (size_t j = 0; j < k && !set; j++) {
			size_t len = strlen(env[2 * j]);

			set = strncmp(environ[i], env[2 * j], len) == 0 && environ[i][len] == '=';
		}
		if (!set)
			out[at++] = environ[i];
	}
	for (size_t j = 0; j < k; j++) {
		out[at] = malloc(strlen(env[2 * j]) + strlen(env[2 * j + 1]) + 2);
		if (!out[at]) {
			env_free(out, *mine);
			return NULL;
		}
		sprintf(out[at++], "%s=%s", env[2 * j], env[2 * j + 1]);
		++*mine;
	}
	return out;
}

/*
 * The child is started by posix_spawnp() (a vfork-like clone: none of this
 * process's pages copied, where a fork() costs ~2 ms of CPU on this VM):
 * SIGINT and SIGQUIT are ignored here before it starts and reset in it to
 * what they were (an ignored one stays ignored across exec, a handled one
 * is reset to the default by exec anyway); the forwarded signal is ignored
 * here while the child starts, so that the child starts with it ignored,
 * and then forwarded.
 */
int import_run_child(char *const *argv, const char *const *env, int fwd, const char *who,
		     pid_t *pid)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, fw = { .sa_handler = forward };
	struct sigaction old_int, old_quit, old_fwd;
	bool own = fwd && fwd != SIGINT && fwd != SIGQUIT;
	posix_spawnattr_t attr;
	char **envp = environ;
	int status = -1, rc;
	size_t mine = 0;
	sigset_t dfl;

	*pid = 0;
	if (env && (envp = child_env(env, &mine)) == NULL)
		return -1;
	if ((rc = posix_spawnattr_init(&attr)) != 0) {
		if (env)
			env_free(envp, mine);
		errno = rc;
		return -1;
	}
	fflush(NULL);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	if (fwd)
		sigaction(fwd, &ign, own ? &old_fwd : NULL);
	sigemptyset(&dfl);
	if (old_int.sa_handler != SIG_IGN && fwd != SIGINT)
		sigaddset(&dfl, SIGINT);
	if (old_quit.sa_handler != SIG_IGN && fwd != SIGQUIT)
		sigaddset(&dfl, SIGQUIT);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(pid, argv[0], NULL, &attr, argv, envp);
	posix_spawnattr_destroy(&attr);
	if (env)
		env_free(envp, mine);
	if (rc != 0) {
		/* as the child of a fork() did: said, and exit status 127 */
		fprintf(stderr, "%s: cannot run %s: %s\n", who, argv[0], strerror(rc));
		*pid = 0;
		status = 127 << 8;
	} else {
		child_pid = *pid;
		if (own)
			sigaction(fwd, &fw, NULL);
		while (waitpid(*pid, &status, 0) < 0 && errno == EINTR)
			;
		child_pid = 0;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (own)
		sigaction(fwd, &old_fwd, NULL);
	return status;
}
