/* SPDX-License-Identifier: MIT */
/*
 * trace/outfile.h - output files that appear only complete.
 *
 * Every file slotslab writes (traces, results) goes through this: the bytes
 * go to a temporary file beside the target, ".NAME.tmp.PID.N", created with
 * O_EXCL and mode 0666 & ~umask (so the result gets the mode any new file
 * would), and outfile_commit() renames it over the target only once the last
 * write, flush and close succeeded.  On every failure, and on
 * outfile_abort(), the temporary file is removed: a target never exists
 * half written, and an old target stays untouched.
 *
 * States:  closed --outfile_open--> open --commit--> closed (target replaced)
 *                                        --abort / failed commit--> closed
 *
 * A fatal signal need not leave a temporary file either: every open file is
 * registered in a fixed table of slots, claimed and cleared with atomics,
 * and outfile_remove_temps() (async-signal-safe: loads and unlink() only)
 * removes them all.  A file that finds the table full goes unregistered; it
 * is still removed on every other path.
 */
#ifndef SLOTSLAB_TRACE_OUTFILE_H
#define SLOTSLAB_TRACE_OUTFILE_H

#include <stdio.h>

/**
 * struct outfile - an output file being written
 * @path: the target
 * @tmp:  the temporary file's name while open, else NULL
 * @fd:   its descriptor while open, else -1
 * @f:    a stdio stream over @fd, once outfile_stream() made one
 */
struct outfile {
	const char *path;
	char *tmp;
	int fd;
	FILE *f;
};

/*
 * outfile_open - create the temporary file for @path (which must outlive @o).
 * Return: 0, or -1 with errno set (ENAMETOOLONG, ENOMEM, or open()'s); then
 * @o->tmp, unless NULL, names the file tried, for messages, until
 * outfile_abort(@o), which the caller must call either way.
 */
int outfile_open(struct outfile *o, const char *path);

/* outfile_stream - a stdio stream writing to @o (made once); NULL with errno. */
FILE *outfile_stream(struct outfile *o);

/*
 * outfile_commit - flush, close, and rename over the target.
 * Return: 0, or -1 with errno set and *@what naming the step that failed
 * ("write", "close", "rename"); the temporary file is gone either way.
 */
int outfile_commit(struct outfile *o, const char **what);

/* outfile_abort - close and remove the temporary file; the target is untouched. */
void outfile_abort(struct outfile *o);

/* outfile_remove_temps - remove every open temporary file; signal-safe. */
void outfile_remove_temps(void);

#endif /* SLOTSLAB_TRACE_OUTFILE_H */
