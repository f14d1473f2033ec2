/* SPDX-License-Identifier: MIT */
/*
 * internal/procfs.h - what /proc says about this process, for benchmarks
 * and tests: resident set size.
 */
#ifndef SLOTSLAB_INTERNAL_PROCFS_H
#define SLOTSLAB_INTERNAL_PROCFS_H

#include <stdio.h>
#include <unistd.h>

/* Resident set size in bytes (/proc/self/statm), 0 if unreadable. */
static inline size_t proc_rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (size_t)sysconf(_SC_PAGESIZE);
}

#endif
