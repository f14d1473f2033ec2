/* SPDX-License-Identifier: MIT */
/*
 * bench/import/import.h - turning address-level allocation logs into malloc-level
 * trace events with stable block ids (common.c), for the importers
 * (mtrace.c, heaptrack.c, rep.c, driven by file.c over source.c) and the
 * recorder's stream converter (record.c); the recorders (recorder.c,
 * pyrecorder.c, running their program with child.c); re-encoding a trace
 * (convert.c).
 *
 * A log names blocks by address, and an address is reused as soon as its
 * block is freed; a trace names them by id, never reused.  The importer
 * keeps the live blocks in a hash map, address -> block, gives each new
 * block the next id (1, 2, ...), and writes the trace events.  What a log
 * gets wrong is counted, never fatal:
 *   unmatched_frees     a free of an address not live (allocated before
 *                       the log started, or by a call the log missed):
 *                       dropped
 *   unmatched_reallocs  a realloc of such an address: written as a malloc
 *                       of the new block
 *   implicit_frees      an allocation at an address still live (its free
 *                       was missed): the old block is freed first
 */
#ifndef SLOTSLAB_BENCH_IMPORT_H
#define SLOTSLAB_BENCH_IMPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "trace/trace.h"

/**
 * struct blk - a live block
 * @addr: its address in the log (never 0)
 * @id:   its trace id
 * @size: the size asked for
 * @aux:  calloc: nmemb; memalign: the alignment; else 0
 * @kind: TRACE_MALLOC, TRACE_CALLOC, TRACE_MEMALIGN or TRACE_REALLOC (the
 *        event that made it)
 */
struct blk {
	uint64_t addr;
	uint64_t id;
	uint64_t size;
	uint64_t aux;
	uint8_t kind;
};

/* Open addressing, linear probing, backward-shift deletion; addr 0 = empty. */
struct blkmap {
	struct blk *tab;
	size_t cap;	/* a power of two, or 0 */
	size_t n;
};

struct import_stats {
	uint64_t events;		/* trace events written (or that would be) */
	uint64_t allocs;		/* blocks made, realloc results included */
	uint64_t unmatched_frees;
	uint64_t unmatched_reallocs;
	uint64_t implicit_frees;
	uint64_t failed;		/* failed allocations (block 0) */
	uint64_t inherited;		/* blocks given before the log's own events */
	uint64_t peak_live;		/* most blocks live at once */
	uint64_t peak_bytes;		/* most bytes (sizes asked for) live at once */
	uint64_t live_bytes;
};

/**
 * struct importer - address-level events in, trace events out
 * @w:      the writer, or NULL to follow the log without writing (a
 *          recorded parent process whose state at a fork() a child inherits)
 * @failed: a write (trace_writer_error() says why) or an allocation failed;
 *          every call then returns -1
 */
struct importer {
	struct trace_writer *w;
	struct blkmap live;
	uint64_t next_id;
	struct import_stats st;
	bool failed;
};

/** importer_init - start with no live block; @w may be NULL */
void importer_init(struct importer *im, struct trace_writer *w);
/** importer_fini - free the map (not the writer) */
void importer_fini(struct importer *im);

/*
 * The events, each at thread @tid (0: none).  Return: 0, or -1 when
 * memory ran out (errno ENOMEM) or the writer failed.
 */

/**
 * importer_alloc - @kind MALLOC, CALLOC (@aux nmemb) or MEMALIGN (@aux
 * alignment) at @addr (0: failed)
 */
int importer_alloc(struct importer *im, uint32_t tid, enum trace_kind kind, uint64_t addr,
		   uint64_t size, uint64_t aux);
/** importer_free - free the block at @addr; 0 is free(NULL): nothing */
int importer_free(struct importer *im, uint32_t tid, uint64_t addr);
/**
 * importer_realloc - realloc(@old_addr, @size) gave @new_addr
 *
 * @old_addr 0: realloc(NULL); @new_addr 0 with @size 0: the block was
 * freed; @new_addr 0 with @size > 0: the call failed and the block stays.
 */
int importer_realloc(struct importer *im, uint32_t tid, uint64_t new_addr, uint64_t old_addr,
		     uint64_t size);
/**
 * importer_take - remove the block at @addr and return it in @out (the
 * first half of a realloc whose two halves are apart, as the recorder
 * logs them); false if @addr is not live
 */
bool importer_take(struct importer *im, uint64_t addr, struct blk *out);
/**
 * importer_realloc_taken - the second half: @old (from importer_take, or
 * NULL when it found nothing at @old_addr) became @new_addr
 */
int importer_realloc_taken(struct importer *im, uint32_t tid, uint64_t new_addr,
			   const struct blk *old, uint64_t old_addr, uint64_t size);
/**
 * importer_inherit - blocks live before the log starts (a forked child's
 * parent's blocks): written as allocations, in the order given
 */
int importer_inherit(struct importer *im, uint32_t tid, const struct blk *blocks, size_t n);

/**
 * importer_snapshot - the live blocks, by id (oldest first)
 * @n: set to their number
 * Return: a malloc'ed array (NULL with *n == 0 when there is none, or
 * without memory: then errno is ENOMEM)
 */
struct blk *importer_snapshot(const struct importer *im, size_t *n);

/**
 * importer_summary - the header lines that say what the log got wrong
 * @f: where to write them ("unmatched: ..."), nothing when all matched
 */
void importer_summary(const struct importer *im, FILE *f);

/**
 * import_align - an alignment a trace accepts: a power of two, at least 1
 * (logs hold 0 and odd values that memalign rounds up)
 */
uint64_t import_align(uint64_t align);

/* ---- the importers' input (source.c) ------------------------------------- */

/**
 * struct import_src - a log, read line by line; compressed ones (zstd,
 * gzip) through the zstd or gzip program
 * @name: the file name, for messages
 * @line: the number of the line import_getline() returned last
 */
struct import_src {
	const char *name;
	unsigned long line;
	FILE *f;
	char *buf;
	size_t cap;
	int child;		/* the decompressor's pid, or 0 */
	const char *via;	/* "zstd", "gzip" or NULL */
};

/**
 * import_src_open - open @path (which must outlive @src) for reading, through
 * zstd or gzip when it is compressed
 * Return: 0, or -1 with @err filled.
 */
int import_src_open(struct import_src *src, const char *path, struct trace_error *err);

/**
 * import_src_close - close @src and reap its decompressor
 * Return: 0, or -1 with @err filled when reading or decompressing failed.
 */
int import_src_close(struct import_src *src, struct trace_error *err);

/**
 * import_getline - the next line, without its newline
 * @line: set to it; valid until the next call
 * Return: its length, or -1 at the end (and on a read error, which
 * import_src_close() reports)
 */
ssize_t import_getline(struct import_src *src, char **line);

/**
 * import_fail - fill @err: "NAME: WHAT[: strerror(SYS)]" with @code
 * Return: -1
 */
int import_fail(struct trace_error *err, enum trace_errcode code, int sys, const char *name,
		const char *what);

/**
 * import_syntax - fill @err for a malformed line of @src:
 * "NAME:LINE: message"; Return: -1
 */
int import_syntax(struct import_src *src, struct trace_error *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * struct import_format - one input format
 * @name:    the --format argument
 * @summary: one line for --help
 * @help:    the format and its quirks, for --help
 * @run:     read @src into @im; header lines that describe the input
 *           (versions, counts) go to @notes.  Return: 0, or -1 with @err
 *           filled (or im->failed set)
 */
struct import_format {
	const char *name;
	const char *summary;
	const char *help;
	int (*run)(struct import_src *src, struct importer *im, FILE *notes,
		   struct trace_error *err);
};

extern const struct import_format import_mtrace;
extern const struct import_format import_heaptrack;
extern const struct import_format import_rep;

/* ---- importing a file (file.c) ------------------------------------------ */

/* Every format, then NULL. */
extern const struct import_format *const import_formats[];

/** import_find_format - the format called @name, or NULL */
const struct import_format *import_find_format(const char *name);

/**
 * import_file - import the log @in, in format @fmt, into the trace @out
 * (text when its name ends in .txt or .trace, else binary), in two passes:
 * the first counts what the trace's header reports, the second writes
 * @st: set to what was written, on success
 * Return: 0, or -1 with @err filled (trace_error_status() gives the exit
 * status); then no @out is left.
 */
int import_file(const struct import_format *fmt, const char *in, const char *out,
		struct import_stats *st, struct trace_error *err);

/* ---- recording a program (recorder.c) ------------------------------------ */

/**
 * struct recorder_opts - what `slotslab record` runs, and where it writes
 * @argv:     the command, NULL-terminated (run through PATH)
 * @out:      the trace (text when it ends in .txt or .trace, else binary)
 * @which:    the process to write: "main", "largest", "all" (the others as
 *            OUT.PID[.N]) or a program name
 * @keep_raw: a directory to create and keep the raw streams in, or NULL
 */
struct recorder_opts {
	char **argv;
	const char *out;
	const char *which;
	const char *keep_raw;
};

/**
 * struct recorder_failure - why recording failed, or what the command did
 * @status: the exit status: 1 (run time, or the command failed), 2 (a
 *          corrupt stream)
 * @msg:    the message, without the "slotslab record: " prefix
 */
struct recorder_failure {
	int status;
	char msg[4352];
};

/**
 * recorder_run - run @o->argv under libslotslab-record.so ($SLOTSLAB_RECORD_LIB,
 * else beside this program, else in ../lib from it) and write its traces;
 * a table of the processes recorded and the times go to @report
 * Return: 0, or @f->status with @f->msg.  A command that failed or was
 * killed returns 1 with the traces written.
 */
int recorder_run(const struct recorder_opts *o, FILE *report, struct recorder_failure *f);

/**
 * recorder_fail - fill @f: @status and the message; for both recorders
 * Return: @status
 */
int recorder_fail(struct recorder_failure *f, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- running the recorded program (child.c) ------------------------------ */

/**
 * import_run_child - run @argv (NULL-terminated, through PATH) and wait for
 * it, as system() does: SIGINT and SIGQUIT are ignored here meanwhile
 * @env:  NAME, VALUE pairs to set in the child, then NULL; or NULL
 * @fwd:  a signal passed on to the child while it runs, and ignored in the
 *        child until it installs a handler of its own; 0 for none
 * @who:  the prefix of the child's message when exec fails ("slotslab
 *        record: cannot run CMD: ..."; it then exits 127)
 * @pid:  set to the child's pid
 * Return: its wait status, or -1 with errno when it could not be started
 */
int import_run_child(char *const *argv, const char *const *env, int fwd, const char *who,
		     pid_t *pid);

/* ---- recording a Python program's objects (pyrecorder.c) ----------------- */

/**
 * struct pyrecord_opts - what `slotslab pyrecord` runs, and when it records
 * @argv: PYTHON SCRIPT [ARGS...], NULL-terminated
 * @out:  the trace (text when it ends in .txt or .trace, else binary)
 * @at:   the moment: "exit", "peak" or "signal:NAME" (pyrecord/README.md)
 */
struct pyrecord_opts {
	char **argv;
	const char *out;
	const char *at;
};

/**
 * pyrecord_run - run @o->argv under pyrecord/slotslab_pyrecord.py
 * ($SLOTSLAB_PYRECORD, else found from this program) and write its trace
 * Return: 0, or @f->status with @f->msg: 2 for a bad @o->at or OUT name, and
 * when the recorder refused its arguments (it said why on stderr: @f->msg
 * is then empty); 1 when recording failed, and when the program failed
 * (its objects up to then are written).
 */
int pyrecord_run(const struct pyrecord_opts *o, struct recorder_failure *f);

/* ---- re-encoding a trace (convert.c) ------------------------------------- */

/** struct import_convert_result - what import_convert() wrote */
struct import_convert_result {
	uint64_t events;
	enum trace_format from, to;
};

/**
 * import_convert - the trace @in (either format, told by content) written
 * to @out (text when its name ends in .txt or .trace, else binary), events
 * and comment header unchanged; the progress line names it @what
 * Return: 0 with @res filled, or -1 with @err filled (trace_error_status()
 * gives the exit status); then no @out is left.
 */
int import_convert(const char *in, const char *out, const char *what,
		   struct import_convert_result *res, struct trace_error *err);

struct progress;
/**
 * import_copy - every event of @t written to @w, drawing @pr (may be NULL)
 * as it goes
 * Return: 0, or -1 with @err filled from whichever of @t and @w failed.
 */
int import_copy(struct trace *t, struct trace_writer *w, struct progress *pr,
		struct trace_error *err);

/**
 * pysnap_convert - the recorder's snapshot file @in (pysnap.c) written as
 * the trace @out (text when its name ends in .txt or .trace, else binary)
 * Return: 0 with @res filled, or -1 with @err filled; then no @out is left.
 */
int pysnap_convert(const char *in, const char *out, struct import_convert_result *res,
		   struct trace_error *err);

/* A field of a line. */
struct import_tok {
	const char *s;
	size_t len;
};

/**
 * import_split - split @line at blanks into at most @max fields
 * Return: how many it has; @max + 1 when there are more than @max
 */
size_t import_split(const char *line, struct import_tok *t, size_t max);

/* Parse a hexadecimal field ("1f", "0x1f") or decimal one; false if it is none. */
bool import_hex(const char *s, size_t len, uint64_t *v);
bool import_dec(const char *s, size_t len, uint64_t *v);

#endif
