/* SPDX-License-Identifier: MIT */
/*
 * trace/trace.h - allocation traces: one event model, two encodings.
 *
 * A trace is a sequence of events (docs/DESIGN.md section 6): class declarations,
 * object events (new, set, get, del, free, weakref, setclass, classattr) and
 * malloc-level events (malloc, calloc, realloc, memalign, mfree), each
 * optionally tagged with a thread id.  The text form (v1) is pinned by
 * docs/DESIGN.md; the binary form is described in trace_bin.h.  Readers tell the
 * two apart by content; writers pick one from the output name.
 *
 * Reading:
 *
 *	struct trace_error err;
 *	struct trace *t = trace_open("player.bin", NULL, &err);
 *	struct trace_event ev;
 *	int rc;
 *
 *	if (!t)
 *		die(err.msg);               // "player.bin: ..."; exit trace_error_status(&err)
 *	while ((rc = trace_next(t, &ev)) > 0)
 *		handle(&ev);                // ev.cls, ev.attr point into t's tables
 *	if (rc < 0)
 *		die(trace_error(t)->msg);   // "FILE:LINE:COL: ..." or "FILE: offset N: ..."
 *	trace_close(t);
 *
 * Names are interned: an attribute name is a struct trace_symbol with a dense
 * id (0, 1, ... in order of first appearance, the same for a text trace and
 * its binary conversion), and a class is a struct trace_class with a dense
 * id in declaration order.  Both stay valid until trace_close().  A class is
 * usable from the TRACE_CLASS event that declares it on; rules 5 and 9 of
 * docs/DESIGN.md section 5 have been checked by then, and its resolved flags
 * (inheritance applied) are in ->eff.
 *
 * The reader never tracks objects: its memory is its read buffers plus the
 * class and symbol tables, whatever the trace's length (trace_memory()).
 * Object-level meaning (a free of an unknown id, a set that fails) is the
 * replayer's business.
 */
#ifndef SLOTSLAB_BENCH_TRACE_H
#define SLOTSLAB_BENCH_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "internal/compiler.h"

/* Event kinds.  The numbers are also the binary record kinds: never reorder. */
enum trace_kind {
	TRACE_CLASS = 1,	/* class NAME [slots=a,b] [dict] [weakref] [base=B] [varsize] */
	TRACE_CLASSATTR,	/* classattr CLASS ATTR INT */
	TRACE_NEW,		/* new OBJ CLASS */
	TRACE_SET,		/* set OBJ ATTR INT */
	TRACE_GET,		/* get OBJ ATTR */
	TRACE_DEL,		/* del OBJ ATTR */
	TRACE_FREE,		/* free OBJ */
	TRACE_WEAKREF,		/* weakref OBJ */
	TRACE_SETCLASS,		/* setclass OBJ CLASS */
	TRACE_MALLOC,		/* malloc ID SIZE */
	TRACE_CALLOC,		/* calloc ID NMEMB SIZE */
	TRACE_REALLOC,		/* realloc NEWID OLDID SIZE */
	TRACE_MEMALIGN,		/* memalign ID ALIGN SIZE */
	TRACE_MFREE,		/* mfree ID */
	TRACE_NR_KINDS		/* kinds are 1 .. TRACE_NR_KINDS - 1 */
};

/* Limits every reader and writer enforces (beyond them a trace is rejected). */
#define TRACE_MAX_NAME     255		/* bytes in a class or attribute name */
#define TRACE_MAX_LINE     65536	/* bytes in a text line */
#define TRACE_MAX_SLOTS    4096		/* slots one class line declares */
#define TRACE_MAX_CLASSES  65536
#define TRACE_MAX_SYMBOLS  (1u << 20)	/* distinct attribute names */
#define TRACE_MAX_HEADER   65536	/* bytes of the comment header kept */
/* A class declaration's canonical text, leaving room for a "@TID " prefix. */
#define TRACE_MAX_CLASS_LINE (TRACE_MAX_LINE - 16)

/**
 * struct trace_symbol - an interned name
 * @id:   dense id within its table (attribute names, or class names)
 * @hash: name_hash() of the name; equal names have equal hashes in any table
 * @len:  strlen(@name)
 * @name: the name, NUL-terminated; matches [A-Za-z_][A-Za-z0-9_]*
 */
struct trace_symbol {
	uint32_t id;
	uint32_t hash;
	uint32_t len;
	char name[];
};

/* Class flags.  In trace_class.flags: as declared; in .eff: as resolved. */
#define TRACE_CF_SLOTS   0x01	/* declared: a slots= option (maybe empty) */
#define TRACE_CF_DICT    0x02	/* instances may carry a hash dict */
#define TRACE_CF_WEAKREF 0x04	/* instances take weak references */
#define TRACE_CF_VARSIZE 0x08	/* variable-size instances (rule 9) */

/**
 * struct trace_class - a class declaration
 * @name:  the class name (== @sym->name)
 * @sym:   the name in the class namespace; @sym->id == @id
 * @id:    dense id, in declaration order
 * @flags: TRACE_CF_* as the class line wrote them
 * @eff:   TRACE_CF_DICT/WEAKREF/VARSIZE after DESIGN 5: a class without
 *         slots= has a dict and weakref; a subclass inherits its base's
 *         dict, weakref and varsize
 * @nslots: own slots (the names after the base's)
 * @nslots_total: @nslots plus the base's @nslots_total
 * @base:  the base class or NULL; always declared before this one
 * @slots: own slot names, in declaration order
 *
 * Invariants: no name in @slots occurs twice or in any ancestor's @slots
 * (rule 5); if @base->eff has TRACE_CF_VARSIZE then @nslots == 0 (rule 9).
 */
struct trace_class {
	const char *name;
	const struct trace_symbol *sym;
	uint32_t id;
	uint8_t flags;
	uint8_t eff;
	uint32_t nslots;
	uint32_t nslots_total;
	const struct trace_class *base;
	const struct trace_symbol *const *slots;
};

/**
 * struct trace_event - one event; unused fields are 0 / NULL
 * @kind:   enum trace_kind
 * @tid:    the @TID prefix; 0 when there is none (so "@0 " is canonically
 *          written without a prefix)
 * @cls:    CLASS (the declaration), CLASSATTR, NEW, SETCLASS
 * @attr:   CLASSATTR, SET, GET, DEL
 * @id:     NEW .. SETCLASS: the object id; MALLOC, CALLOC, MEMALIGN, MFREE:
 *          the block id; REALLOC: NEWID.  Block id 0 stands for NULL, as
 *          the pointers of a recorded program would: "mfree 0" frees
 *          nothing, "realloc N 0 S" allocates, "malloc 0 S" is a failed
 *          allocation, "realloc 0 O 0" frees O, "realloc 0 O S" (S > 0)
 *          failed and left O alone.
 * @old_id: REALLOC: OLDID
 * @size:   MALLOC, CALLOC, REALLOC, MEMALIGN: SIZE
 * @nmemb:  CALLOC: NMEMB
 * @align:  MEMALIGN: ALIGN, a power of two
 * @value:  CLASSATTR, SET: the integer stored
 */
struct trace_event {
	uint8_t kind;
	uint32_t tid;
	const struct trace_class *cls;
	const struct trace_symbol *attr;
	uint64_t id;
	uint64_t old_id;
	uint64_t size;
	union {
		uint64_t nmemb;
		uint64_t align;
	};
	int64_t value;
};

enum trace_format {
	TRACE_FMT_AUTO,		/* writers: by output name; readers: by content */
	TRACE_FMT_TEXT,
	TRACE_FMT_BINARY,
};

/* How a reader gets its bytes. */
enum trace_io {
	TRACE_IO_DEFAULT,	/* CONFIG_TRACE_IO_URING, then SLOTSLAB_IO_URING=0|1 */
	TRACE_IO_URING,		/* io_uring; plain reads when io_uring_queue_init fails */
	TRACE_IO_READ,		/* plain pread() into one buffer */
	TRACE_IO_MEMORY,	/* trace_open_mem(): no I/O at all */
};

/**
 * struct trace_opts - reader options; a zeroed struct (or NULL) is the default
 * @io:       the read path (TRACE_IO_MEMORY is what trace_open_mem() uses;
 *            trace_open() takes it as TRACE_IO_DEFAULT)
 * @depth:    reads kept in flight by io_uring (0: CONFIG_TRACE_IO_DEPTH)
 * @chunk:    bytes per read of a text trace (0: CONFIG_TRACE_BLOCK_KB KiB);
 *            a binary trace is read a block at a time
 * @max_read: testing aid: never ask the kernel for more than this many bytes
 *            at once, so that every read completes short and is resumed
 *            (0: no limit)
 */
struct trace_opts {
	enum trace_io io;
	unsigned int depth;
	size_t chunk;
	size_t max_read;
};

enum trace_errcode {
	TRACE_OK,
	TRACE_ESYNTAX,		/* malformed text line */
	TRACE_ECLASS,		/* a class line breaks DESIGN 5 (rules 5, 9, unknown base) */
	TRACE_ECORRUPT,		/* binary trace inconsistent */
	TRACE_ETRUNC,		/* trace ends early */
	TRACE_ELIMIT,		/* a TRACE_MAX_* limit exceeded */
	TRACE_EOPEN,		/* cannot open the input (missing, not a file) */
	TRACE_EIO,		/* read or write failed */
	TRACE_ENOMEM,
	TRACE_EINVAL,		/* a writer was handed an inconsistent event */
};

/**
 * struct trace_error - what went wrong, and where
 * @code:   enum trace_errcode
 * @sys:    errno for TRACE_EOPEN, TRACE_EIO, TRACE_ENOMEM; else 0
 * @line:   text: 1-based line; else 0
 * @col:    text: 1-based column of the offending token; else 0
 * @offset: binary: byte offset of the offending data; else -1
 * @msg:    the whole message, starting with the file name:
 *          "t.txt:12:5: set: expected an attribute name, found '7'" or
 *          "t.bin: offset 65552: corrupt block 1: checksum mismatch"
 */
struct trace_error {
	enum trace_errcode code;
	int sys;
	unsigned long line;
	unsigned long col;
	int64_t offset;
	char msg[512];
};

/**
 * trace_error_status - the CLI exit status for an error
 * @e: a filled error
 *
 * Return: 2 for bad input (syntax, class rules, corrupt or truncated trace,
 * limits, a missing input), 1 for failures at run time (I/O, memory).
 */
int trace_error_status(const struct trace_error *e);

struct trace;

/**
 * trace_open - open a trace for reading; text or binary by content
 * @path: a regular file
 * @opts: NULL for the defaults
 * @err:  filled on failure
 *
 * A binary trace's header and tables are read and checked here; a text
 * trace's leading comment lines (its header) are read here.
 *
 * Return: the reader, or NULL with @err filled.
 */
struct trace *trace_open(const char *path, const struct trace_opts *opts,
			 struct trace_error *err);

/**
 * trace_open_mem - read a trace held in memory (fuzzers, tests)
 * @name: the name used in messages
 * @buf:  the bytes; must outlive the reader
 * @len:  their number
 * @opts: NULL, or options (@io is ignored; @chunk sets the text slice size)
 * @err:  filled on failure
 *
 * Return: the reader, or NULL with @err filled.
 */
struct trace *trace_open_mem(const char *name, const void *buf, size_t len,
			     const struct trace_opts *opts, struct trace_error *err);

/**
 * trace_next - the next event, in trace order
 * @t:  the reader
 * @ev: filled with the event
 *
 * Return: 1 with @ev filled, 0 at the end of the trace, -1 on an error
 * (trace_error()); after 0 or -1 every call returns the same again.
 */
int trace_next(struct trace *t, struct trace_event *ev);

/**
 * trace_next_batch - up to @n next events
 * @t:   the reader
 * @evs: room for @n events
 * @n:   at least 1
 *
 * The fast path: a binary trace decodes about 1.6 times faster per event
 * in batches of a few hundred than through trace_next().
 *
 * Return: the number of events stored (fewer than @n only near the end),
 * 0 at the end, -1 on an error.
 */
ssize_t trace_next_batch(struct trace *t, struct trace_event *evs, size_t n);

/** trace_error - the error that made trace_next() return -1 */
const struct trace_error *trace_error(const struct trace *t);

/** trace_close - release the reader and everything its events point to */
void trace_close(struct trace *t);

/** trace_format - TRACE_FMT_TEXT or TRACE_FMT_BINARY */
enum trace_format trace_format(const struct trace *t);

/** trace_io_name - the read path in use: "io_uring", "read" or "memory" */
const char *trace_io_name(const struct trace *t);

/**
 * trace_header - the trace's comment header
 * @t:   the reader
 * @len: if not NULL, set to its length
 *
 * The comment lines before the first event of a text trace, without their
 * '#' and one following space, each ending in '\n'; stored in a binary
 * trace.  Other comments are not kept.
 *
 * Return: the header, NUL-terminated ("" when there is none).
 */
const char *trace_header(const struct trace *t, size_t *len);

/**
 * trace_python - the interpreter a trace was made from
 * @t:       the reader
 * @impl:    receives the implementation ("cpython", "pypy"), NUL-terminated
 * @version: receives its version ("3.11.7"), NUL-terminated
 *
 * Reads the header line "python: IMPL VERSION" (written "# python: ..."
 * in a text trace), the convention of traces made from Python programs.
 *
 * Return: true when the header has such a line with both words (each
 * shorter than TRACE_PYTHON_MAX), false otherwise.
 */
#define TRACE_PYTHON_MAX 32
bool trace_python(const struct trace *t, char impl[TRACE_PYTHON_MAX],
		  char version[TRACE_PYTHON_MAX]);

/** trace_nclasses - classes declared so far (all of them, for binary traces) */
size_t trace_nclasses(const struct trace *t);
/** trace_class - class @id (< trace_nclasses()) */
const struct trace_class *trace_class(const struct trace *t, uint32_t id);
/** trace_nsymbols - attribute names seen so far (all of them, for binary traces) */
size_t trace_nsymbols(const struct trace *t);
/** trace_symbol - attribute name @id (< trace_nsymbols()) */
const struct trace_symbol *trace_symbol(const struct trace *t, uint32_t id);

/**
 * trace_progress - how far the reader is
 * @t:     the reader
 * @done:  bytes consumed so far
 * @total: bytes in the trace
 */
void trace_progress(const struct trace *t, uint64_t *done, uint64_t *total);

/**
 * trace_memory - bytes the reader has allocated (buffers and tables)
 *
 * Depends on the read options and on the classes and names a trace holds,
 * never on the number of its events.
 */
size_t trace_memory(const struct trace *t);

struct trace_writer;

/**
 * trace_format_for_path - the format a writer picks for @path
 *
 * Return: TRACE_FMT_TEXT for names ending in ".txt" or ".trace", else
 * TRACE_FMT_BINARY.
 */
enum trace_format trace_format_for_path(const char *path);

/**
 * trace_writer_open - start writing a trace
 * @path:   the output; it appears, complete, only when trace_writer_close()
 *          succeeds (the writer writes a temporary file beside it, then
 *          renames it)
 * @fmt:    TRACE_FMT_AUTO (by @path), TRACE_FMT_TEXT or TRACE_FMT_BINARY
 * @header: the comment header, lines separated by '\n', or NULL
 * @err:    filled on failure
 *
 * Return: the writer, or NULL with @err filled.
 */
struct trace_writer *trace_writer_open(const char *path, enum trace_format fmt,
				       const char *header, struct trace_error *err);

/**
 * trace_write - append one event
 * @w:  the writer
 * @ev: the event; names are taken from @ev->cls and @ev->attr, whichever
 *      table they come from (a reader's, or a generator's), so events may be
 *      passed straight from a reader.  A TRACE_CLASS event declares
 *      @ev->cls, whose base must have been declared to this writer; other
 *      events may use only classes declared to this writer.
 *
 * Return: 0, or -1 with trace_writer_error() filled; the writer is then
 * failed and trace_writer_close() removes its temporary file.
 */
int trace_write(struct trace_writer *w, const struct trace_event *ev);

/** trace_writer_error - why the last trace_write() failed */
const struct trace_error *trace_writer_error(const struct trace_writer *w);

/** trace_writer_events - events written so far */
uint64_t trace_writer_events(const struct trace_writer *w);

/**
 * trace_writer_close - finish the trace and put it in place
 * @w:   the writer (freed)
 * @err: filled on failure; may be NULL
 *
 * Return: 0 when @path now holds the complete trace; -1 when anything failed
 * (now or in an earlier trace_write()), in which case neither @path nor the
 * temporary file has been touched or left behind.
 */
int trace_writer_close(struct trace_writer *w, struct trace_error *err);

/** trace_writer_abort - drop the output: remove the temporary file, free @w */
void trace_writer_abort(struct trace_writer *w);

/**
 * trace_remove_temps - remove the temporary files of all open writers
 *
 * For a handler of fatal signals, so that an interrupted writer leaves
 * nothing behind; the writers themselves stay usable only for
 * trace_writer_abort().
 *
 * Context: async-signal-safe.
 */
void trace_remove_temps(void);

/**
 * trace_class_print - a class declaration in canonical text form
 * @c:   the class
 * @put: called for each piece in turn: first the separator @sep (0 for
 *       none), then the @len bytes at @s
 * @ctx: passed to @put
 *
 * Prints "class NAME [slots=a,b] [dict] [weakref] [base=B] [varsize]",
 * without a newline.
 *
 * Return: 0, or the first non-zero value @put returned.
 */
int trace_class_print(const struct trace_class *c,
		      int (*put)(void *ctx, char sep, const char *s, size_t len), void *ctx);

/**
 * trace_event_format - an event as its canonical text line
 * @ev:   an event as a reader returns it (a TRACE_CLASS event prints its
 *        declaration)
 * @buf:  where to put the line, without a newline; truncated to fit
 * @size: bytes at @buf
 *
 * For messages and tests: "@3 set 7 level 42", "class P slots=x base=B".
 *
 * Return: the length of the (possibly truncated) line in @buf.
 */
size_t trace_event_format(const struct trace_event *ev, char *buf, size_t size);

/** trace_kind_name - "class", "new", ...; "?" for a bad kind */
const char *trace_kind_name(unsigned int kind);

/* ---- for producers of traces and trace errors ------------------------ */

/* Fill @e: "NAME:LINE:COL: ..." (line != 0), "NAME: offset N: ..." (off >= 0), else "NAME: ...". */
void trace_seterr(struct trace_error *e, enum trace_errcode code, int sys, const char *name,
		  unsigned long line, unsigned long col, int64_t off, const char *fmt, ...)
	__printf(8, 9);

/* ---- header comment (trace.c) ---------------------------------------- */

/*
 * Canonical header text: each line cut at a NUL byte if it holds one and
 * at TRACE_MAX_LINE - 2 bytes (so that "# " + line is a valid text line),
 * without trailing blanks (space, tab, CR) and ending in '\n'; at most
 * TRACE_MAX_HEADER bytes (whole lines; later lines are dropped).  Appends
 * @len bytes of one line to *@buf.  Return: 0, or -1 when out of memory.
 */
int trace_header_add_line(char **buf, size_t *buflen, const char *line, size_t len);

#endif
