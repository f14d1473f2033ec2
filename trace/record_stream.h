/* SPDX-License-Identifier: MIT */
/*
 * trace/record_stream.h - the raw streams libslotslab-record.so writes, which
 * `slotslab record` turns into traces (bench/import/record.c).
 *
 * One stream per process image, a file SLOTSLAB_RECORD_DIR/PID.GEN: GEN
 * counts the images a pid has run (0, then 1 after an execve, ...), taken
 * with O_EXCL at the stream's first write.  A stream is
 *
 *   struct rec_file_hdr           once
 *   { struct rec_block_hdr        any number of blocks, in the order they
 *     struct rec_event[nr] }      were written (threads interleave)
 *
 * all little-endian, native layout (the streams never leave the machine).
 * A block holds consecutive events of one thread.  Every event carries a
 * sequence number from one counter per process, taken after the call for
 * an allocation and before it for a free, so that ordering all events of
 * a stream by it gives an order consistent with what the allocator did:
 * a block's free comes before the allocation that reuses its address, on
 * whatever thread.  A realloc() is two events: REALLOC_BEGIN (before the
 * call: the old block may be gone from here on) and REALLOC (after: the
 * result).  A block with nr == 0 and flags REC_BLOCK_END marks the end of
 * the stream (exit, _exit or execve); more blocks may follow it when the
 * process allocates after that point (late destructors, a failed execve).
 */
#ifndef SLOTSLAB_RECORD_FORMAT_H
#define SLOTSLAB_RECORD_FORMAT_H

#include <stdint.h>

#define REC_MAGIC        "SLREC\0\1\n"	/* 8 bytes */
#define REC_VERSION      1
#define REC_BLOCK_MAGIC  0x4b4c4253u	/* "SBLK" */
#define REC_NO_FORK      UINT64_MAX	/* fork_seq of a stream that was not forked */

/* Event kinds, in the top 8 bits of rec_event.seq_kind. */
enum rec_kind {
	REC_MALLOC = 1,		/* a = block (0: failed), c = size */
	REC_CALLOC,		/* a = block, b = nmemb, c = size */
	REC_MEMALIGN,		/* a = block, b = alignment, c = size */
	REC_FREE,		/* b = block (never 0) */
	REC_REALLOC_BEGIN,	/* b = old block (never 0) */
	REC_REALLOC,		/* a = new block (0: failed, freed), b = old, c = size */
};

#define REC_SEQ_BITS 56
#define REC_SEQ_MASK ((UINT64_C(1) << REC_SEQ_BITS) - 1)

/**
 * struct rec_event - one call, 32 bytes
 * @seq_kind: sequence number (low 56 bits) | kind << 56
 * @a, @b, @c: see enum rec_kind
 */
struct rec_event {
	uint64_t seq_kind;
	uint64_t a;
	uint64_t b;
	uint64_t c;
};

#define REC_BLOCK_END  0x1u	/* the stream ends here (see flags below) */
#define REC_END_EXIT   0x2u	/* ... at exit() */
#define REC_END_EXEC   0x4u	/* ... at an execve */
#define REC_END__EXIT  0x8u	/* ... at _exit()/_Exit() */

/**
 * struct rec_block_hdr - a block of one thread's consecutive events
 * @magic:  REC_BLOCK_MAGIC
 * @tid:    the kernel's thread id
 * @nr:     events that follow
 * @flags:  REC_BLOCK_* / REC_END_*
 * @index:  blocks this thread wrote before this one in this stream
 * @lost:   events this thread could not record before this block
 *          (no memory for a buffer)
 */
struct rec_block_hdr {
	uint32_t magic;
	uint32_t tid;
	uint32_t nr;
	uint32_t flags;
	uint64_t index;
	uint64_t lost;
};

/**
 * struct rec_file_hdr - what a stream is
 * @magic:       REC_MAGIC
 * @version:     REC_VERSION
 * @hdr_size:    sizeof(struct rec_file_hdr): blocks start here
 * @pid, @gen:   this stream is PID.GEN
 * @ppid:        the parent process when the stream started
 * @parent_pid, @parent_gen: for a process made by fork() (with the
 *               pthread_atfork handlers run), the stream it was forked
 *               from; -1 otherwise
 * @fork_seq:    the parent's sequence number at the fork: the child starts
 *               with the parent's blocks live at that point
 * @start_ns:    CLOCK_REALTIME at the first write
 * @exe:         readlink(/proc/self/exe), truncated
 * @comm:        /proc/self/comm
 */
struct rec_file_hdr {
	char magic[8];
	uint32_t version;
	uint32_t hdr_size;
	int32_t pid;
	uint32_t gen;
	int32_t ppid;
	int32_t parent_pid;
	int32_t parent_gen;
	uint32_t reserved;
	uint64_t fork_seq;
	uint64_t start_ns;
	char exe[256];
	char comm[16];
};

#endif
