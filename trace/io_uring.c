// SPDX-License-Identifier: MIT
/*
 * trace/io_uring.c - the io_uring half of the byte source (trace/io.c).
 *
 * Built, and -luring linked, only when CONFIG_TRACE_IO_URING is set;
 * trace/internal.h has the stubs otherwise.  Nothing outside this file sees
 * liburing: the source holds an opaque struct src_ring.
 *
 * The source's @depth buffers (s->bufs) are registered as fixed buffers and
 * its file as fixed file 0.  Chunk k is read into buffer k % depth with
 * IORING_OP_READ_FIXED; a slot (s->slots[k % depth]) tracks that read:
 *
 *   unsubmitted -> in flight <-> (short read: resubmitted for the rest)
 *               -> done -> held by the consumer -> reused for chunk k + depth
 *
 * Completions arrive in any order and are matched to their slot by
 * user_data.  -EAGAIN and -EINTR are retried; a read of 0 bytes before the
 * range's end means the file shrank (truncation).  Invariant: s->inflight
 * counts the SQEs submitted and not yet reaped, never more than depth, and
 * src_ring_close() reaps them all before the buffers can be freed, so the
 * kernel never writes into freed memory.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <liburing.h>

#include "trace/internal.h"

struct src_ring {
	struct io_uring ring;
};

/* Queue a read of what the chunk of @slot still lacks. */
static int submit_slot(struct trace_src *s, unsigned int slot)
{
	struct src_slot *sl = &s->slots[slot];
	struct io_uring_sqe *sqe = io_uring_get_sqe(&s->ring->ring);
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
	r = io_uring_submit(&s->ring->ring);
	if (r < 0)
		return r;
	s->inflight++;
	assert(s->inflight <= s->depth);
	return 0;
}

int src_ring_start(struct trace_src *s, uint64_t k, struct trace_error *err)
{
	unsigned int slot = (unsigned int)(k % s->depth);
	int r;

	s->slots[slot] = (struct src_slot){ .chunk = k, .want = src_chunk_len(s, k) };
	r = submit_slot(s, slot);
	if (r < 0) {
		trace_seterr(err, TRACE_EIO, -r, s->name, 0, 0,
			     (int64_t)(s->start + k * s->chunk),
			     "io_uring submission failed: %s", strerror(-r));
		return -1;
	}
	return 0;
}

/* Reap one completion: its chunk is done, resubmitted, or failed. */
static int reap_one(struct trace_src *s, struct trace_error *err)
{
	struct io_uring_cqe *cqe;
	struct src_slot *sl;
	uint64_t off;
	int r, res;

	do
		r = io_uring_wait_cqe(&s->ring->ring, &cqe);
	while (r == -EINTR);
	if (r < 0) {
		trace_seterr(err, TRACE_EIO, -r, s->name, 0, 0, -1,
			     "waiting for io_uring: %s", strerror(-r));
		return -1;
	}
	sl = &s->slots[io_uring_cqe_get_data64(cqe)];
	res = cqe->res;
	io_uring_cqe_seen(&s->ring->ring, cqe);
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

int src_ring_wait(struct trace_src *s, unsigned int slot, struct trace_error *err)
{
	while (!s->slots[slot].done)
		if (reap_one(s, err) != 0)
			return -1;
	return 0;
}

int src_ring_setup(struct trace_src *s)
{
	struct src_ring *r = calloc(1, sizeof(*r));
	struct iovec *iov;
	int rc;

	if (!r)
		return -1;
	if (io_uring_queue_init(s->depth, &r->ring, 0) != 0) {
		free(r);
		return -1;
	}
	iov = calloc(s->depth, sizeof(*iov));
	if (!iov)
		goto fail;
	for (unsigned int i = 0; i < s->depth; i++) {
		iov[i].iov_base = s->bufs + (size_t)i * s->chunk;
		iov[i].iov_len = s->chunk;
	}
	rc = io_uring_register_buffers(&r->ring, iov, s->depth);
	free(iov);
	if (rc != 0 || io_uring_register_files(&r->ring, &s->fd, 1) != 0)
		goto fail;
	s->ring = r;
	return 0;
fail:
	io_uring_queue_exit(&r->ring);
	free(r);
	return -1;
}

void src_ring_close(struct trace_src *s)
{
	struct io_uring_cqe *cqe;

	if (!s->ring)
		return;
	while (s->inflight) {
		int r = io_uring_wait_cqe(&s->ring->ring, &cqe);

		if (r == -EINTR)
			continue;
		if (r < 0)
			break;
		io_uring_cqe_seen(&s->ring->ring, cqe);
		s->inflight--;
	}
	io_uring_queue_exit(&s->ring->ring);
	free(s->ring);
	s->ring = NULL;
}
