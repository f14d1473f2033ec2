// SPDX-License-Identifier: MIT
/*
 * malloc/stats.c - what the heap holds: malloc_stats(), as the C library
 * names it, and SLOTSLAB_STATS=1, the same at exit.
 *
 * Both print to stderr, as glibc's malloc_stats() does (at exit, a copy of
 * it taken at start): the memory slotslab
 * holds from the OS (slab_get_mem_info), the process's resident set beside
 * it, then every slab cache that holds anything, in the layout of
 * /proc/slabinfo (slabinfo_write: objects in use, slabs, what the thread
 * magazines and the depot keep).  Printing allocates nothing (both streams
 * are unbuffered; proc_rss_bytes reads into a stack buffer), so the
 * report does not change what it reports, and a program may call
 * malloc_stats() anywhere, also from a destructor.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal/procfs.h"
#include "malloc/internal.h"

static void line(FILE *f, const char *what, unsigned long bytes, const char *note)
{
	fprintf(f, "  %-28s %10.1f KiB%s%s\n", what, (double)bytes / 1024,
		note ? "  " : "", note ? note : "");
}

static void stats_print(FILE *f)
{
	struct slab_mem_info m;
	unsigned long rss = proc_rss_bytes();

	if (slab_get_mem_info(&m) != 0)
		memset(&m, 0, sizeof(m));
	fprintf(f, "slotslab: malloc statistics (pid %ld)\n", (long)getpid());
	if (m.mapped_bytes == 0) {
		/* (slabinfo_write would set the allocator up just to list it) */
		fprintf(f, "  nothing allocated through slotslab yet\n");
		fflush(f);
		return;
	}
	line(f, "mapped from the OS", m.mapped_bytes, "(virtual)");
	line(f, "  chunks (2 MiB)", m.chunk_bytes, NULL);
	line(f, "    cut into slabs", m.slab_bytes, NULL);
	line(f, "    freed, kept resident", m.dirty_bytes, "(given back after the decay time)");
	line(f, "  large blocks (> 32 KiB)", m.large_bytes, "(in chunks up to 1 MiB, else mapped)");
	line(f, "  metadata", m.meta_bytes, "(descriptors, page map, magazines)");
	if (rss)
		line(f, "resident set of the process", rss, NULL);
	else
		fprintf(f, "  %-28s %14s\n", "resident set of the process", "unavailable");
	if (READ_ONCE(huge_live))
		fprintf(f, "  blocks aligned beyond a page: %lu (mapped on their own)\n",
			READ_ONCE(huge_live));
	fflush(f);
	slabinfo_write(f, 0);
	fflush(f);
}

/**
 * malloc_stats - print what the heap holds to stderr: memory from the OS
 * by use, the resident set, and the slab caches in use
 */
SLOTSLAB_API void MALLOC_API(malloc_stats)(void)
{
	stats_print(stderr);
}

/*
 * SLOTSLAB_STATS=1 (any value but empty or 0): the same report at exit, on
 * a copy of the stderr the process started with, taken here: programs
 * close their standard streams at exit (coreutils' close_stdout closes
 * stderr too) before a library's destructors run.
 */
static FILE *stats_file;

static __attribute__((constructor)) void stats_at_start(void)
{
	const char *e = getenv("SLOTSLAB_STATS");
	int fd;

	if (!e || !*e || strcmp(e, "0") == 0)
		return;
	fd = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return;
	stats_file = fdopen(fd, "w");
	if (!stats_file)
		close(fd);
	else
		setvbuf(stats_file, NULL, _IONBF, 0);	/* no buffer to allocate at exit */
}

static __attribute__((destructor)) void stats_at_exit(void)
{
	if (stats_file) {
		stats_print(stats_file);
		fclose(stats_file);
		stats_file = NULL;
	}
}
