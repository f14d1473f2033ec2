/* SPDX-License-Identifier: MIT */
/*
 * bench/import/record.h - the raw streams of libslotslab-record.so
 * (trace/record_stream.h) turned into traces, for `slotslab record`.
 *
 * rec_set_scan() indexes every stream of a directory: its header, and per
 * thread the blocks in sequence order.  The caller marks the streams it
 * wants (rec_stream.want, .out); rec_set_convert() writes them, after
 * following, without writing, every ancestor whose blocks a wanted stream
 * inherits through fork().
 */
#ifndef SLOTSLAB_BENCH_RECORD_STREAMS_H
#define SLOTSLAB_BENCH_RECORD_STREAMS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "bench/import/import.h"
#include "trace/trace.h"
#include "trace/record_stream.h"

/* A block of one thread's events: where it is, how many, its first number. */
struct rec_bref {
	uint64_t off;		/* of the events, after the block header */
	uint32_t nr;
	uint64_t first_seq;
};

struct rec_tblocks {
	uint32_t tid;
	size_t n, cap;
	struct rec_bref *b;
};

/**
 * struct rec_stream - one stream (one process image)
 * @name:     "PID.GEN"
 * @hdr:      its header
 * @parent:   the stream it was forked from (NULL: none, or not found)
 * @depth:    ancestors through @parent
 * @events:   its own events
 * @end_flags: REC_END_* of its end blocks, 0 when it has none: the
 *            process was killed, or outlived the recording
 * @lost:     events the recorder dropped for want of memory
 * @bytes:    the stream file's size
 * @truncated: the file ends inside a block (the process died writing)
 * @th, @nth: blocks per thread, sorted by first sequence number
 * @want:     write a trace to @out (set by the caller)
 * @need:     @want, or a wanted stream inherits from it
 * @inherit, @ninherit: the parent's live blocks at the fork (conversion)
 * @st:       after conversion: what it wrote and what did not match
 */
struct rec_stream {
	char name[32];
	char path[PATH_MAX];
	struct rec_file_hdr hdr;
	struct rec_stream *parent;
	unsigned int depth;
	uint64_t events;
	uint32_t end_flags;
	uint64_t lost;
	uint64_t bytes;
	bool truncated;
	struct rec_tblocks *th;
	size_t nth;
	bool want, need;
	const char *out;
	struct blk *inherit;
	size_t ninherit;
	struct import_stats st;
};

struct rec_set {
	struct rec_stream *s;
	size_t n;
};

/**
 * rec_set_scan - index every stream in @dir
 * Return: 0, or -1 with @err filled (a stream that is not one is corrupt
 * input: TRACE_ECORRUPT).
 */
int rec_set_scan(struct rec_set *set, const char *dir, struct trace_error *err);

/** rec_set_free - release everything rec_set_scan() made */
void rec_set_free(struct rec_set *set);

/** rec_stream_exe - the stream's program: the base name of its executable */
const char *rec_stream_exe(const struct rec_stream *s);

/**
 * rec_set_convert - write a trace for every stream with @want
 * @header: the first lines of every trace's header (the command); each
 *          trace adds its process, threads, counts and mismatches
 * Return: 0, or -1 with @err filled; on failure no output is left half
 * written (traces already complete stay).
 */
int rec_set_convert(struct rec_set *set, const char *header, struct trace_error *err);

#endif
