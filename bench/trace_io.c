// SPDX-License-Identifier: MIT
/*
 * bench/trace_io.c - the byte source under every trace reader.
 *
 * A reader asks for one range of a file, [start, end), and then for its
 * chunks in order: chunk k is [start + k*chunk, min(end, start + (k+1)*chunk)).
 * A binary trace's chunks are its blocks; a text trace's are plain slices.
 * Three paths deliver them:
 *
 * 1. io_uring (liburing): @depth buffers of @chunk bytes, registered as
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

#include "bench/trace_internal.h"

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

static uint32_t chunk_len(const struct trace_src *s, uint64_t k)
{
	uint64_t off = s->start + k * s->chunk;

	return (uint32_t)MIN((uint64_t)s->chunk, s->end - off);
}

/* Queue a read of what chunk of @slot still lacks. */
static int submit_slot(struct trace_src *s, unsigned int slot)
{
	struct src_slot *sl = &s->slots[slot];
	struct io_uring_sqe *sqe = io_uring_get_sqe(&s->ring);
	uint64_t off = s->start + sl->chunk * s->chunk + sl->got;
	size_t len = sl->want - sl->got;
	int r;

	if (!sqe)
		return -EBUSY;	/* cannot happen: at most depth SQEs are outstanding */
	if (s->max_read && len > s->max_read)
		len = s->max_read;
	io_uring_prep_read_fixed(sqe, 0, s->bufs + (size_t)slot * s->chunk + sl->got,
				 (unsigned int)len, off, (int)slot);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, slot);
	r = io_uring_submit(&s->ring);
	if (r < 0)
		return r;
	s->inflight++;
	return 0;
}

static int start_chunk(struct trace_src *s, uint64_t k, struct trace_error *err)
{
	unsigned int slot = (unsigned int)(k % s->depth);
	int r;

	s->slots[slot] = (struct src_slot){ .chunk = k, .want = chunk_len(s, k) };
	r = submit_slot(s, slot);
	if (r < 0) {
		trace_seterr(err, TRACE_EIO, -r, s->name, 0, 0,
			     (int64_t)(s->start + k * s->chunk),
			     "io_uring submission failed: %s", strerror(-r));
		return -1;
	}
	return 0;
}

/* Reap one completion: the chunk is done, resubmitted, or failed. */
static int reap_one(struct trace_src *s, struct trace_error *err)
{
	struct io_uring_cqe *cqe;
	struct src_slot *sl;
	uint64_t off;
	int r, res;

	do
		r = io_uring_wait_cqe(&s->ring, &cqe);
	while (r == -EINTR);
	if (r < 0) {
		trace_seterr(err, TRACE_EIO, -r, s->name, 0, 0, -1,
			     "waiting for io_uring: %s", strerror(-r));
		return -1;
	}
	sl = &s->slots[io_uring_cqe_get_data64(cqe)];
	res = cqe->res;
	io_uring_cqe_seen(&s->ring, cqe);
	s->inflight--;
	off = s->start + sl->chunk * s->chunk + sl->got;
	if (res == 0) {
		trace_seterr(err, TRACE_ETRUNC, 0, s->name, 0, 0, (int64_t)off,
			     "truncated: the file ends here, %u bytes before the end of "
			     "the data it should hold (offset %llu)", sl->want - sl->got,
			     (unsigned long long)(off + sl->want - sl->got));
		return -1;
	}
	if (res > 0)
		sl->got += (uint32_t)res;
	if (res < 0 && res != -EAGAIN && res != -EINTR)
		r = res;
	else if (sl->got < sl->want)
		r = submit_slot(s, (unsigned int)(sl - s->slots));
	else
		sl->done = true;
	if (r < 0) {
		trace_seterr(err, TRACE_EIO, -r, s->name, 0, 0, (int64_t)off,
			     "read failed: %s", strerror(-r));
		return -1;
	}
	return 0;
}

static void drain_ring(struct trace_src *s)
{
	struct io_uring_cqe *cqe;

	while (s->inflight) {
		int r = io_uring_wait_cqe(&s->ring, &cqe);

		if (r == -EINTR)
			continue;
		if (r < 0)
			break;
		io_uring_cqe_seen(&s->ring, cqe);
		s->inflight--;
	}
}

/* Set up the ring; on any failure leave it down so that pread() is used. */
static int setup_ring(struct trace_src *s)
{
	struct iovec *iov;
	int r;

	if (io_uring_queue_init(s->depth, &s->ring, 0) != 0)
		return -1;
	iov = calloc(s->depth, sizeof(*iov));
	if (!iov)
		goto fail;
	for (unsigned int i = 0; i < s->depth; i++) {
		iov[i].iov_base = s->bufs + (size_t)i * s->chunk;
		iov[i].iov_len = s->chunk;
	}
	r = io_uring_register_buffers(&s->ring, iov, s->depth);
	free(iov);
	if (r != 0 || io_uring_register_files(&s->ring, &s->fd, 1) != 0)
		goto fail;
	s->ring_up = true;
	return 0;
fail:
	io_uring_queue_exit(&s->ring);
	return -1;
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
		if (setup_ring(s) == 0) {
			for (s->submitted = 0; s->submitted < s->depth; s->submitted++)
				if (start_chunk(s, s->submitted, err) != 0)
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
		if (start_chunk(s, s->submitted, err) != 0)
			return -1;
		s->submitted++;
	}
	if (k >= s->nchunks)
		return 0;
	c->off = s->start + k * s->chunk;
	c->len = chunk_len(s, k);
	switch (s->io) {
	case TRACE_IO_MEMORY:
		c->p = s->mem + c->off;
		break;
	case TRACE_IO_URING: {
		unsigned int slot = (unsigned int)(k % s->depth);

		while (!s->slots[slot].done)
			if (reap_one(s, err) != 0)
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
	if (s->ring_up) {
		drain_ring(s);
		io_uring_queue_exit(&s->ring);
		s->ring_up = false;
	}
	free(s->bufs);
	free(s->slots);
	if (s->fd >= 0)
		close(s->fd);
	s->bufs = NULL;
	s->slots = NULL;
	s->fd = -1;
}
