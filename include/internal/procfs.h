/* SPDX-License-Identifier: MIT */
/*
 * internal/procfs.h - what /proc and /sys say, for benchmarks and tests
 * (resident set size, files shipped beside a program) and for the
 * allocator's own set-up (procfs_read: the number of CPUs).
 */
#ifndef SLOTSLAB_INTERNAL_PROCFS_H
#define SLOTSLAB_INTERNAL_PROCFS_H

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/*
 * procfs_read - up to @size - 1 bytes of the file @path into @buf, which is
 * then a string, with open and read alone: no stdio, so nothing is
 * allocated (the allocator reads /sys with it while it sets itself up).
 * Return: the bytes read, or -1.
 */
static inline ssize_t procfs_read(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/*
 * Resident set size in bytes (/proc/self/statm), 0 if unreadable.  Read
 * into a stack buffer, not through stdio, so that it allocates nothing:
 * the malloc replacement's malloc_stats() asks it too.
 */
static inline size_t proc_rss_bytes(void)
{
	char buf[128];
	unsigned long size = 0, resident = 0;

	if (procfs_read("/proc/self/statm", buf, sizeof(buf)) <= 0)
		return 0;
	if (sscanf(buf, "%lu %lu", &size, &resident) != 2)
		return 0;
	return resident * (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * procfs_find_file - a file the program ships beside itself: $@env when set,
 * else the first of @where (printf formats of one %s, the directory of
 * /proc/self/exe) that is readable.  On failure @buf holds the first place
 * looked at, for the message.  Return: 0, or -1.
 */
static inline int procfs_find_file(const char *env, const char *const *where, size_t nwhere,
				   char *buf, size_t size)
{
	const char *v = env ? getenv(env) : NULL;
	char self[PATH_MAX], *dir;
	ssize_t n;

	if (v && *v) {
		snprintf(buf, size, "%s", v);
		return access(buf, R_OK);
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -1;
	self[n] = 0;
	dir = dirname(self);
	for (size_t i = 0; i < nwhere; i++) {
		if ((size_t)snprintf(buf, size, where[i], dir) >= size)
			return -1;
		if (access(buf, R_OK) == 0)
			return 0;
	}
	snprintf(buf, size, where[0], dir);
	return -1;
}

#endif
