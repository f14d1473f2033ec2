// SPDX-License-Identifier: MIT
/*
 * trace/io.c - the byte source under every trace reader.
 *
 * A reader asks for one range of a file, [start, end), and then for its
 * chunks in order: chunk k is [start + k*chunk, min(end, start + (k+1)*chunk)).
 * A binary trace's chunks are its blocks; a text trace's are plain slices.
 * Three paths deliver them:
 *
 * 1. io_uring (liburing, in trace/io_uring.c): @depth buffers of @chunk bytes, registered as
 *    fixed buffers, with the file registered too.  Chunk k is read into
 *    buffer k % depth with IORING_OP_READ_FIXED.  Up to depth reads are in
 *    flight; completions arrive in any order and are matched to their
 *    buffer by user_data, but chunks are handed over strictly in order:
 *    src_next() waits until the next chunk's buffer is complete.  A short
 *    read is resubmitted for the rest of its chunk at the advanced offset;
 *    -EAGAIN/-EINTR are retried; 0 bytes (end of file before the range's
 *    end: the file shrank) is a truncation.  The buffer of the chunk the
 *    consumer holds is refilled, with chunk next - 1 + depth, only when the
 *    consumer asks for the chunk after it.
 *
 *    Chunk states:  unsubmitted -> in flight <-> (short: resubmitted)
 *                   -> done -> held by the consumer -> buffer reused
 *
 * 2. pread(): one buffer, filled synchronously per chunk (the fallback when
 *    io_uring is configured off, switched off by SLOTSLAB_IO_URING=0, or
 *    fails to set up).
 *
 * 3. Memory (trace_open_mem): chunks are slices of the caller's buffer.
 *
 * Memory is depth * chunk bytes (or one chunk) whatever the file's length.
 * Before closing, every read still in flight is reaped, so the kernel never
 * writes into freed buffers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/internal.h"

enum trace_io src_default_io(void)
{
	const char *env = getenv("SLOTSLAB_IO_URING");

	if (env && *env)
		return strcmp(env, "0") == 0 ? TRACE_IO_READ : TRACE_IO_URING;
	return IS_ENABLED(CONFIG_TRACE_IO_URING) ? TRACE_IO_URING : TRACE_IO_READ;
}

const char *src_io_name(const struct trace_src *s)
{
	switch (s->io) {
	case TRACE_IO_URING:
		return "io_uring";
	case TRACE_IO_MEMORY:
		return "memory";
	default:
		return "read";
	}
}

void src_open_fd(struct trace_src *s, const char *name, int fd, uint64_t size,
		 const struct trace_opts *o)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->fd = fd;
	s->size = size;
	s->io = o->io == TRACE_IO_URING || o->io == TRACE_IO_READ ? o->io : src_default_io();
	if (s->io == TRACE_IO_URING && !IS_ENABLED(CONFIG_TRACE_IO_URING))
		s->io = TRACE_IO_READ;
	s->depth = o->depth ? o->depth : CONFIG_TRACE_IO_DEPTH;
	s->max_read = o->max_read;
}

void src_open_mem(struct trace_src *s, const char *name, const void *buf, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->fd = -1;
	s->io = TRACE_IO_MEMORY;
	s->mem = buf;
	s->size = len;
	s->depth = 1;
}

/* pread() exactly @len bytes at @off, in pieces of at most max_read. */
static int pread_full(struct trace_src *s, uint8_t *buf, size_t len, uint64_t off,
		      struct trace_error *err)
{
	size_t got = 0;

	while (got < len) {
		size_t want = len - got;
		ssize_t r;

		if (s->max_read && want > s->max_read)
			want = s->max_read;
		r = pread(s->fd, buf + got, want, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			trace_seterr(err, TRACE_EIO, errno, s->name, 0, 0, (int64_t)(off + got),
				     "read failed: %s", strerror(errno));
			return -1;
		}
		if (r == 0) {
			trace_seterr(err, TRACE_ETRUNC, 0, s->name, 0, 0, (int64_t)(off + got),
				     "truncated: the file ends here, %zu bytes before the end "
				     "of the data it should hold (offset %llu)", len - got,
				     (unsigned long long)(off + len));
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

int src_pread(struct trace_src *s, void *buf, size_t len, uint64_t off, struct trace_error *err)
{
	if (off > s->size || len > s->size - off) {
		trace_seterr(err, TRACE_ETRUNC, 0, s->name, 0, 0, (int64_t)s->size,
			     "truncated: the file ends at offset %llu, but %zu bytes are due "
			     "at offset %llu", (unsigned long long)s->size, len,
			     (unsigned long long)off);
		return -1;
	}
	if (s->io == TRACE_IO_MEMORY) {
		memcpy(buf, s->mem + off, len);
		return 0;
	}
	return pread_full(s, buf, len, off, err);
}

static int alloc_buffers(struct trace_src *s, unsigned int nbufs, struct trace_error *err)
{
	void *p;

	s->bufs_size = (size_t)nbufs * s->chunk;
	if (posix_memalign(&p, 4096, s->bufs_size) != 0) {
		trace_seterr(err, TRACE_ENOMEM, ENOMEM, s->name, 0, 0, -1,
			     "out of memory for %zu bytes of read buffers", s->bufs_size);
		s->bufs_size = 0;
		return -1;
	}
	/*
	 * Zeroed once: memcheck cannot see the kernel's io_uring writes, and
	 * takes the bytes it hands over as defined only if we wrote them first.
	 */
	memset(p, 0, s->bufs_size);
	s->bufs = p;
	return 0;
}

int src_stream(struct trace_src *s, uint64_t start, uint64_t end, size_t chunk,
	       struct trace_error *err)
{
	s->start = start;
	s->end = end;
	s->chunk = chunk;
	s->nchunks = (end - start + chunk - 1) / chunk;
	s->next = 0;
	if (s->io == TRACE_IO_MEMORY || s->nchunks == 0)
		return 0;
	if (s->io == TRACE_IO_URING) {
		s->depth = (unsigned int)MIN((uint64_t)s->depth, s->nchunks);
		s->slots = calloc(s->depth, sizeof(*s->slots));
		if (!s->slots || alloc_buffers(s, s->depth, err) != 0) {
			trace_seterr(err, TRACE_ENOMEM, ENOMEM, s->name, 0, 0, -1, "out of memory");
			return -1;
		}
		if (src_ring_setup(s) == 0) {
			for (s->submitted = 0; s->submitted < s->depth; s->submitted++)
				if (src_ring_start(s, s->submitted, err) != 0)
					return -1;
			return 0;
		}
		free(s->bufs);
		free(s->slots);
		s->bufs = NULL;
		s->slots = NULL;
		s->io = TRACE_IO_READ;
	}
	return alloc_buffers(s, 1, err);
}

int src_next(struct trace_src *s, struct src_chunk *c, struct trace_error *err)
{
	uint64_t k = s->next;

	if (s->io == TRACE_IO_URING && k > 0 && s->submitted < s->nchunks) {
		if (src_ring_start(s, s->submitted, err) != 0)
			return -1;
		s->submitted++;
	}
	if (k >= s->nchunks)
		return 0;
	c->off = s->start + k * s->chunk;
	c->len = src_chunk_len(s, k);
	switch (s->io) {
	case TRACE_IO_MEMORY:
		c->p = s->mem + c->off;
		break;
	case TRACE_IO_URING: {
		unsigned int slot = (unsigned int)(k % s->depth);

		if (src_ring_wait(s, slot, err) != 0)
			return -1;
		c->p = s->bufs + (size_t)slot * s->chunk;
		break;
	}
	default:
		if (pread_full(s, s->bufs, c->len, c->off, err) != 0)
			return -1;
		c->p = s->bufs;
		break;
	}
	s->next = k + 1;
	s->consumed = c->off + c->len;
	return 1;
}

void src_close(struct trace_src *s)
{
	src_ring_close(s);
	free(s->bufs);
	free(s->slots);
	if (s->fd >= 0)
		close(s->fd);
	s->bufs = NULL;
	s->slots = NULL;
	s->fd = -1;
}
