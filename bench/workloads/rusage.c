// SPDX-License-Identifier: MIT
/*
 * rusage - run a program and print its resource usage, measured from a
 * small process: a child forked from a large parent (the Python runner)
 * inherits the parent's resident set until it execs, and wait4() would
 * report that as the child's peak RSS.
 *
 * usage: rusage [--preload LIB] -- PROGRAM ARGS...
 * The program runs with LD_PRELOAD=LIB (none without --preload); its
 * stdout and stderr pass through; the last line on stderr is
 * "rusage: status S wall_s W cpu_s C maxrss_kb M minflt F majflt J".
 * Exit status: the program's (128 + signal if it was killed), 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *preload = NULL;
	struct timespec t0, t1;
	struct rusage ru;
	int i = 1, status, code;
	pid_t pid;

	if (i < argc && !strcmp(argv[i], "--preload") && i + 1 < argc) {
		preload = argv[i + 1];
		i += 2;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc || argv[i][0] == '-') {
		fprintf(stderr, "usage: rusage [--preload LIB] -- PROGRAM ARGS...\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("rusage: fork");
		return 1;
	}
	if (pid == 0) {
		if (preload)
			setenv("LD_PRELOAD", preload, 1);
		else
			unsetenv("LD_PRELOAD");
		execvp(argv[i], argv + i);
		perror("rusage: exec");
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("rusage: wait4");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(stderr, "rusage: status %d wall_s %.6f cpu_s %.6f maxrss_kb %ld minflt %ld majflt %ld\n",
		code, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
		ru.ru_maxrss, ru.ru_minflt, ru.ru_majflt);
	return code;
}
