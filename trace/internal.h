/* SPDX-License-Identifier: MIT */
/*
 * trace/internal.h - what the trace readers and writers share:
 * the event layout table, the byte source, and the reader and writer
 * objects with their per-format operations.  Nothing outside trace/
 * includes it (the layering check enforces that).
 *
 * Files:
 *   trace.h        the public API: events, classes, symbols, readers, writers
 *   tables.h, tables.c   symbol and class tables (rules 5 and 9 live here),
 *                  public because generators build classes with them
 *   outfile.h, outfile.c  files that appear only complete: temporary file,
 *                  rename, removal on a fatal signal
 *   io.c           the byte source: pread, memory; io_uring.c its ring
 *   text.c         text v1: parser and writer
 *   bin.h          binary v1: the format, shared encoding helpers
 *   bin_read.c, bin_write.c   its reader and writer
 *   trace.c        open and format detection, the public entry points,
 *                  error messages
 *   crc32c.c       the checksum of binary blocks and tables
 *   record_stream.h   the raw streams of libslotslab-record.so (record/
 *                  writes them, bench/import/ reads them)
 */
#ifndef SLOTSLAB_TRACE_INTERNAL_H
#define SLOTSLAB_TRACE_INTERNAL_H

#include "trace/outfile.h"
#include "trace/tables.h"
#include "trace/trace.h"

/*
 * Event layout: the operands of each kind, in text order.  The text parser,
 * the text writer and the binary codec all walk this one table.
 */
enum trace_field {
	F_END,
	F_OBJ,		/* ev->id, an object id */
	F_BLOCK,	/* ev->id, a block id (REALLOC: NEWID) */
	F_OLDBLOCK,	/* ev->old_id (REALLOC: OLDID) */
	F_CLASS,	/* ev->cls, a declared class */
	F_ATTR,		/* ev->attr, an attribute name */
	F_VALUE,	/* ev->value, a signed 64-bit integer */
	F_SIZE,		/* ev->size */
	F_NMEMB,	/* ev->nmemb */
	F_ALIGN,	/* ev->align, a power of two */
};

#define TRACE_MAX_FIELDS 3

struct trace_kind_info {
	const char *name;
	uint8_t len;				/* strlen(name) */
	uint8_t fields[TRACE_MAX_FIELDS + 1];	/* F_END-terminated */
};

/*
 * Static, so that every file sees its contents: the binary decoder
 * specialises its loops per kind at compile time.
 */
static const struct trace_kind_info trace_kinds[TRACE_NR_KINDS] __maybe_unused = {
	[TRACE_CLASS]     = { "class",     5, { F_END } },
	[TRACE_CLASSATTR] = { "classattr", 9, { F_CLASS, F_ATTR, F_VALUE } },
	[TRACE_NEW]       = { "new",       3, { F_OBJ, F_CLASS } },
	[TRACE_SET]       = { "set",       3, { F_OBJ, F_ATTR, F_VALUE } },
	[TRACE_GET]       = { "get",       3, { F_OBJ, F_ATTR } },
	[TRACE_DEL]       = { "del",       3, { F_OBJ, F_ATTR } },
	[TRACE_FREE]      = { "free",      4, { F_OBJ } },
	[TRACE_WEAKREF]   = { "weakref",   7, { F_OBJ } },
	[TRACE_SETCLASS]  = { "setclass",  8, { F_OBJ, F_CLASS } },
	[TRACE_MALLOC]    = { "malloc",    6, { F_BLOCK, F_SIZE } },
	[TRACE_CALLOC]    = { "calloc",    6, { F_BLOCK, F_NMEMB, F_SIZE } },
	[TRACE_REALLOC]   = { "realloc",   7, { F_BLOCK, F_OLDBLOCK, F_SIZE } },
	[TRACE_MEMALIGN]  = { "memalign",  8, { F_BLOCK, F_ALIGN, F_SIZE } },
	[TRACE_MFREE]     = { "mfree",     5, { F_BLOCK } },
};


/* What a field is, for "expected ..." messages. */
const char *trace_field_what(enum trace_field f);

/* ---- messages (trace.c) ---------------------------------------------- */

/* Quote at most 40 bytes of @s as a message would: printable, escaped otherwise. */
void trace_quote(char *out, size_t outlen, const char *s, size_t len);

/* ---- byte source (io.c) ----------------------------------------- */

/**
 * struct trace_src - a file, streamed as consecutive chunks
 *
 * One range [start, end) is streamed at a time, in chunks of @chunk bytes
 * (the last one shorter).  Chunk k covers [start + k*chunk, ...).
 *
 * io_uring: @depth buffers; chunk k lives in buffer k % depth.  Invariants:
 * next <= submitted <= nchunks; submitted - next <= depth; the buffer of
 * chunk next - 1 is the consumer's (held) until the following src_next();
 * every submitted chunk >= next has a read in flight or is done;
 * inflight == number of SQEs submitted and not yet reaped.
 */
struct src_slot {
	uint64_t chunk;
	uint32_t want, got;
	bool done;
};

struct trace_src {
	enum trace_io io;
	const char *name;	/* for messages */
	int fd;
	const uint8_t *mem;	/* TRACE_IO_MEMORY */
	uint64_t size;		/* of the whole file */
	uint64_t start, end;
	size_t chunk;
	size_t max_read;
	uint64_t nchunks, next, submitted;
	uint64_t consumed;	/* bytes handed out so far, for progress */
	unsigned int depth;
	uint8_t *bufs;		/* depth * chunk bytes (one chunk for TRACE_IO_READ) */
	size_t bufs_size;
	struct src_slot *slots;
	struct src_ring *ring;	/* TRACE_IO_URING once set up (trace/io_uring.c) */
	unsigned int inflight;
};

struct src_chunk {
	const uint8_t *p;
	size_t len;
	uint64_t off;		/* file offset of p[0] */
};

/* Open @fd (owned from now on) of @size bytes; picks the read path from @o. */
void src_open_fd(struct trace_src *s, const char *name, int fd, uint64_t size,
		 const struct trace_opts *o);
void src_open_mem(struct trace_src *s, const char *name, const void *buf, size_t len);
/* Read exactly @len bytes at @off outside the stream (headers, tables). */
int src_pread(struct trace_src *s, void *buf, size_t len, uint64_t off, struct trace_error *err);
/* Start streaming [start, end) in chunks of @chunk bytes. */
int src_stream(struct trace_src *s, uint64_t start, uint64_t end, size_t chunk,
	       struct trace_error *err);
/* The next chunk: 1 with @c filled, 0 after the last, -1 with @err filled. */
int src_next(struct trace_src *s, struct src_chunk *c, struct trace_error *err);
void src_close(struct trace_src *s);
const char *src_io_name(const struct trace_src *s);
/* Apply CONFIG_TRACE_IO_URING and SLOTSLAB_IO_URING to TRACE_IO_DEFAULT. */
enum trace_io src_default_io(void);

/*
 * The io_uring half of the byte source (trace/io_uring.c, built and linked
 * with -luring only when CONFIG_TRACE_IO_URING is set; without it these are
 * stubs and every source reads with pread()).
 *
 * src_ring_setup - set up a ring over s->bufs and s->fd (0), or leave none (-1)
 * src_ring_start - queue the read of chunk @k into buffer k % depth
 * src_ring_wait  - reap completions until the buffer of @slot is complete
 * src_ring_close - reap every read still in flight, then tear the ring down
 */
#ifdef CONFIG_TRACE_IO_URING
int src_ring_setup(struct trace_src *s);
int src_ring_start(struct trace_src *s, uint64_t k, struct trace_error *err);
int src_ring_wait(struct trace_src *s, unsigned int slot, struct trace_error *err);
void src_ring_close(struct trace_src *s);
#else
static inline int src_ring_setup(struct trace_src *s) { return -1; }
static inline int src_ring_start(struct trace_src *s, uint64_t k, struct trace_error *err)
{
	return -1;
}
static inline int src_ring_wait(struct trace_src *s, unsigned int slot,
				struct trace_error *err)
{
	return -1;
}
static inline void src_ring_close(struct trace_src *s) { }
#endif
/* The length of chunk @k of the source's current range. */
static inline uint32_t src_chunk_len(const struct trace_src *s, uint64_t k)
{
	uint64_t off = s->start + k * s->chunk;

	return (uint32_t)MIN((uint64_t)s->chunk, s->end - off);
}

/* ---- reader ------------------------------------------------------------ */

struct trace_reader_ops {
	/* Up to @n events: count > 0, 0 at the end, -1 with t->err filled. */
	ssize_t (*next)(struct trace *t, struct trace_event *evs, size_t n);
	void (*close)(struct trace *t);
};

/**
 * struct trace - a reader
 *
 * States: open -> (events) -> ended (state 0) or failed (state -1); ended
 * and failed are final.  @syms and @classes hold what events point to.
 */
struct trace {
	const struct trace_reader_ops *ops;
	enum trace_format format;
	int state;		/* 1 reading, 0 ended, -1 failed */
	struct trace_src src;
	struct symtab syms;
	struct classtab classes;
	char *header;
	size_t header_len;
	void *priv;		/* the format's state */
	size_t priv_bytes;	/* its memory, for trace_memory() */
	struct trace_error err;
	char name[];
};

int text_reader_open(struct trace *t, const struct trace_opts *o);
int bin_reader_open(struct trace *t);

/* ---- writer ------------------------------------------------------------ */

struct trace_writer_ops {
	/* @cls and @attr are the writer's own (resolved by name). */
	int (*event)(struct trace_writer *w, const struct trace_event *ev,
		     const struct trace_class *cls, const struct trace_symbol *attr);
	/* Flush everything; the file is then complete. */
	int (*finish)(struct trace_writer *w);
	void (*destroy)(struct trace_writer *w);
};

/**
 * struct trace_writer - a writer
 *
 * Bytes go through @buf (@len of @cap used) to @fd, a temporary file beside
 * @path; @written counts the bytes already passed to write(), so the file
 * offset of buf[0] is @written.  Once @failed, nothing more is written and
 * close removes the temporary file.
 */
struct trace_writer {
	const struct trace_writer_ops *ops;
	enum trace_format format;
	int fd;
	bool failed;
	uint8_t *buf;
	size_t len, cap;
	uint64_t written;
	uint64_t events;
	struct symtab syms;
	struct classtab classes;
	char *header;
	size_t header_len;
	void *priv;
	struct trace_error err;
	struct outfile out;	/* the temporary file; w->fd is out.fd */
	char path[];
};

int text_writer_init(struct trace_writer *w);
int bin_writer_init(struct trace_writer *w);

/* write() all of @buf to the file, or fail the writer. */
int writer_write(struct trace_writer *w, const void *buf, size_t len);
/* Make room for @n (<= w->cap) bytes in w->buf, flushing it if need be. */
int wbuf_reserve(struct trace_writer *w, size_t n);
/* Write out w->buf. */
int wbuf_flush(struct trace_writer *w);
/* Mark @w failed with an I/O error (errno @sys) in @what. */
int writer_io_error(struct trace_writer *w, int sys, const char *what);

/* ---- checksum (crc32c.c) ---------------------------------------------- */

/* CRC-32C (Castagnoli) of @len bytes, continuing from @crc (start with 0). */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len);

#endif
