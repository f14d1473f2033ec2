// SPDX-License-Identifier: MIT
/*
 * bench/import/record.c - libslotslab-record.so's raw streams to traces.
 *
 * 1. Scan: every file PID.GEN of the directory is a stream (trace/record_stream.h).
 *    Its block headers are read, not its events: per thread a list of
 *    (offset, count, first sequence number), sorted by that number, since
 *    the writer thread and flushing threads write blocks in no particular
 *    order.  A file that ends inside a block lost its tail (the process was
 *    killed while writing); the complete blocks count.
 *
 * 2. Merge: the events of a stream are taken in sequence order, a k-way
 *    merge over its threads through a binary min-heap.  A thread's block
 *    is read (pread, at most 64 KiB) when the merge reaches it and dropped
 *    when done, so memory is one block per thread at most, whatever the
 *    stream's length.  The numbers are taken so that this order puts every
 *    free before the reuse of its address (format.h), and the importer
 *    (import_common.c) turns addresses into ids.
 *
 * 3. Realloc: REC_REALLOC_BEGIN takes the old block out of the live map at
 *    its own number (from then on its address may be reused by any thread);
 *    REC_REALLOC of the same thread writes the realloc event at its number.
 *
 * 4. fork(): a child's stream names its parent stream and the parent's
 *    number at the fork.  The child starts with the parent's live blocks at
 *    that number, written first as allocations at the child's first thread.
 *    To know them the parent is followed (without writing, unless it is
 *    wanted too) up to that number; streams are converted parents first,
 *    each taking the snapshots its needed children ask for.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/import/record.h"
#include "internal/compiler.h"

#define MAX_BLOCK_EVENTS (1u << 20)

/* ---- scanning ------------------------------------------------------------ */

static struct rec_tblocks *thread_of(struct rec_stream *s, uint32_t tid)
{
	struct rec_tblocks *t;

	for (size_t i = 0; i < s->nth; i++)
		if (s->th[i].tid == tid)
			return &s->th[i];
	if (s->nth % 16 == 0) {
		t = realloc(s->th, (s->nth + 16) * sizeof(*t));
		if (!t)
			return NULL;
		s->th = t;
	}
	t = &s->th[s->nth++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	return t;
}

static int by_first_seq(const void *a, const void *b)
{
	const struct rec_bref *x = a, *y = b;

	return (x->first_seq > y->first_seq) - (x->first_seq < y->first_seq);
}

static int scan_stream(struct rec_stream *s, struct trace_error *err)
{
	struct rec_block_hdr bh;
	uint64_t off, size;
	int fd = open(s->path, O_RDONLY | O_CLOEXEC);
	int rc = -1;

	if (fd < 0)
		return import_fail(err, TRACE_EOPEN, errno, s->path, "cannot open");
	size = (uint64_t)lseek(fd, 0, SEEK_END);
	s->bytes = size;
	if (pread(fd, &s->hdr, sizeof(s->hdr), 0) != (ssize_t)sizeof(s->hdr) ||
	    memcmp(s->hdr.magic, REC_MAGIC, sizeof(s->hdr.magic)) != 0 ||
	    s->hdr.version != REC_VERSION || s->hdr.hdr_size != sizeof(s->hdr)) {
		import_fail(err, TRACE_ECORRUPT, 0, s->path,
			  "not a libslotslab-record.so stream of this version");
		goto out;
	}
	s->hdr.exe[sizeof(s->hdr.exe) - 1] = 0;
	s->hdr.comm[sizeof(s->hdr.comm) - 1] = 0;
	for (off = sizeof(s->hdr); off < size; off += sizeof(bh) + (uint64_t)bh.nr * sizeof(struct rec_event)) {
		struct rec_tblocks *t;
		uint64_t first;

		if (pread(fd, &bh, sizeof(bh), (off_t)off) != (ssize_t)sizeof(bh) ||
		    off + sizeof(bh) + (uint64_t)bh.nr * sizeof(struct rec_event) > size) {
			s->truncated = true;
			break;
		}
		if (bh.magic != REC_BLOCK_MAGIC || bh.nr > MAX_BLOCK_EVENTS) {
			char what[64];

			snprintf(what, sizeof(what), "corrupt block at offset %llu",
				 (unsigned long long)off);
			import_fail(err, TRACE_ECORRUPT, 0, s->path, what);
			goto out;
		}
		s->lost += bh.lost;
		if (bh.flags & REC_BLOCK_END)
			s->end_flags |= bh.flags;
		if (!bh.nr)
			continue;
		if (pread(fd, &first, sizeof(first), (off_t)(off + sizeof(bh))) != (ssize_t)sizeof(first)) {
			s->truncated = true;
			break;
		}
		t = thread_of(s, bh.tid);
		if (!t) {
			import_fail(err, TRACE_ENOMEM, ENOMEM, s->path, "indexing");
			goto out;
		}
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 8;
			struct rec_bref *b = realloc(t->b, cap * sizeof(*b));

			if (!b) {
				import_fail(err, TRACE_ENOMEM, ENOMEM, s->path, "indexing");
				goto out;
			}
			t->b = b;
			t->cap = cap;
		}
		t->b[t->n].off = off + sizeof(bh);
		t->b[t->n].nr = bh.nr;
		t->b[t->n].first_seq = first & REC_SEQ_MASK;
		t->n++;
		s->events += bh.nr;
	}
	for (size_t i = 0; i < s->nth; i++)
		qsort(s->th[i].b, s->th[i].n, sizeof(*s->th[i].b), by_first_seq);
	rc = 0;
out:
	close(fd);
	return rc;
}

/* "PID.GEN" */
static bool stream_name(const char *name, long *pid, long *gen)
{
	char *end;

	*pid = strtol(name, &end, 10);
	if (end == name || *end != '.' || *pid <= 0)
		return false;
	name = end + 1;
	*gen = strtol(name, &end, 10);
	return end != name && !*end && *gen >= 0;
}

static int by_start(const void *a, const void *b)
{
	const struct rec_stream *x = a, *y = b;

	if (x->hdr.start_ns != y->hdr.start_ns)
		return (x->hdr.start_ns > y->hdr.start_ns) - (x->hdr.start_ns < y->hdr.start_ns);
	return strcmp(x->name, y->name);
}

int rec_set_scan(struct rec_set *set, const char *dir, struct trace_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;

	memset(set, 0, sizeof(*set));
	if (!d)
		return import_fail(err, TRACE_EOPEN, errno, dir, "cannot open");
	while ((de = readdir(d))) {
		struct rec_stream *s;
		long pid, gen;

		if (!stream_name(de->d_name, &pid, &gen))
			continue;
		if (set->n == cap) {
			cap = cap ? cap * 2 : 16;
			s = realloc(set->s, cap * sizeof(*s));
			if (!s) {
				closedir(d);
				rec_set_free(set);
				return import_fail(err, TRACE_ENOMEM, ENOMEM, dir, "scanning");
			}
			set->s = s;
		}
		s = &set->s[set->n];
		memset(s, 0, sizeof(*s));
		if ((size_t)snprintf(s->name, sizeof(s->name), "%ld.%ld", pid, gen) >= sizeof(s->name) ||
		    (size_t)snprintf(s->path, sizeof(s->path), "%s/%s", dir, de->d_name) >= sizeof(s->path))
			continue;
		set->n++;
		if (scan_stream(s, err) != 0) {
			closedir(d);
			rec_set_free(set);
			return -1;
		}
	}
	closedir(d);
	if (set->n)
		qsort(set->s, set->n, sizeof(*set->s), by_start);
	/* Link each forked stream to its parent. */
	for (size_t i = 0; i < set->n; i++) {
		struct rec_stream *s = &set->s[i];
		char want[32];

		if (s->hdr.parent_pid <= 0 || s->hdr.fork_seq == REC_NO_FORK)
			continue;
		snprintf(want, sizeof(want), "%d.%d", s->hdr.parent_pid, s->hdr.parent_gen);
		for (size_t j = 0; j < set->n; j++)
			if (j != i && strcmp(set->s[j].name, want) == 0)
				s->parent = &set->s[j];
	}
	for (size_t i = 0; i < set->n; i++) {
		struct rec_stream *p = set->s[i].parent;

		for (unsigned int k = 0; p && k < set->n; k++, p = p->parent)
			set->s[i].depth++;
		if (p)			/* a cycle: corrupt headers */
			set->s[i].parent = NULL;
	}
	return 0;
}

void rec_set_free(struct rec_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		for (size_t t = 0; t < set->s[i].nth; t++)
			free(set->s[i].th[t].b);
		free(set->s[i].th);
		free(set->s[i].inherit);
	}
	free(set->s);
	memset(set, 0, sizeof(*set));
}

const char *rec_stream_exe(const struct rec_stream *s)
{
	const char *slash = strrchr(s->hdr.exe, '/');

	if (slash && slash[1])
		return slash + 1;
	return s->hdr.exe[0] ? s->hdr.exe : s->hdr.comm;
}

/* ---- merging --------------------------------------------------------------- */

struct cursor {
	struct rec_tblocks *t;
	size_t block;		/* index into t->b */
	uint32_t pos;		/* next event in ev[] */
	struct rec_event *ev;	/* the block's events, NULL until reached */
	uint64_t key;		/* sequence number of the next event */
	bool pending;		/* a REALLOC_BEGIN waits for its REALLOC */
	bool pending_found;
	uint64_t pending_addr;
	struct blk pending_blk;
};

struct heap {
	struct cursor **c;
	size_t n;
};

static void heap_down(struct heap *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct cursor *tmp;

		if (l < h->n && h->c[l]->key < h->c[m]->key)
			m = l;
		if (l + 1 < h->n && h->c[l + 1]->key < h->c[m]->key)
			m = l + 1;
		if (m == i)
			return;
		tmp = h->c[i];
		h->c[i] = h->c[m];
		h->c[m] = tmp;
		i = m;
	}
}

/* The next event of cursor @c, reading its block when needed.  Return: 0, or -1. */
static int cursor_event(struct cursor *c, int fd, const struct rec_event **out)
{
	const struct rec_bref *b = &c->t->b[c->block];

	if (!c->ev) {
		size_t bytes = (size_t)b->nr * sizeof(struct rec_event);

		c->ev = malloc(bytes);
		if (!c->ev || pread(fd, c->ev, bytes, (off_t)b->off) != (ssize_t)bytes)
			return -1;
		c->pos = 0;
	}
	*out = &c->ev[c->pos];
	return 0;
}

/* Step past the current event.  Return: true if the cursor has more. */
static bool cursor_advance(struct cursor *c)
{
	if (++c->pos < c->t->b[c->block].nr) {
		c->key = c->ev[c->pos].seq_kind & REC_SEQ_MASK;
		return true;
	}
	free(c->ev);
	c->ev = NULL;
	if (++c->block >= c->t->n)
		return false;
	c->key = c->t->b[c->block].first_seq;
	return true;
}

/* ---- converting one stream --------------------------------------------------- */

static int dispatch(struct importer *im, struct cursor *c, const struct rec_event *e)
{
	uint32_t tid = c->t->tid;

	switch (e->seq_kind >> REC_SEQ_BITS) {
	case REC_MALLOC:
		return importer_alloc(im, tid, TRACE_MALLOC, e->a, e->c, 0);
	case REC_CALLOC:
		return importer_alloc(im, tid, TRACE_CALLOC, e->a, e->c, e->b);
	case REC_MEMALIGN:
		return importer_alloc(im, tid, TRACE_MEMALIGN, e->a, e->c, e->b);
	case REC_FREE:
		return importer_free(im, tid, e->b);
	case REC_REALLOC_BEGIN:
		c->pending = true;
		c->pending_addr = e->b;
		c->pending_found = importer_take(im, e->b, &c->pending_blk);
		return 0;
	case REC_REALLOC:
		if (c->pending && c->pending_addr == e->b && e->b) {
			c->pending = false;
			return importer_realloc_taken(im, tid, e->a, c->pending_found ?
						      &c->pending_blk : NULL, e->b, e->c);
		}
		return importer_realloc(im, tid, e->a, e->b, e->c);
	default:
		errno = EINVAL;
		return -1;
	}
}

/* A child of the stream being converted that wants its live blocks at @seq. */
struct snap_req {
	uint64_t seq;
	struct rec_stream *child;
};

static int by_snap_seq(const void *a, const void *b)
{
	const struct snap_req *x = a, *y = b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int take_snapshot(struct importer *im, struct snap_req *r)
{
	r->child->inherit = importer_snapshot(im, &r->child->ninherit);
	return r->child->inherit || !im->live.n ? 0 : -1;
}

static void header_for(const struct rec_stream *s, const char *prefix, const struct importer *im,
		       char **buf)
{
	size_t len;
	FILE *f = open_memstream(buf, &len);
	static const struct { unsigned int flag; const char *what; } ends[] = {
		{ REC_END_EXIT, "exit" }, { REC_END__EXIT, "_exit" }, { REC_END_EXEC, "execve" },
	};
	const char *end = "not cleanly: killed by a signal, or still running when the "
			  "recording stopped; events still buffered are missing";

	if (!f) {
		*buf = NULL;
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ends); i++)
		if (s->end_flags & ends[i].flag)
			end = ends[i].what;
	fprintf(f, "%s", prefix);
	fprintf(f, "process %s: %s (%s), %zu threads, %llu events recorded\n", s->name,
		s->hdr.exe, s->hdr.comm, s->nth, (unsigned long long)s->events);
	if (s->parent)
		fprintf(f, "forked from %s at its event %llu: %zu live blocks inherited, "
			"allocated first here\n", s->parent->name,
			(unsigned long long)s->hdr.fork_seq, s->ninherit);
	fprintf(f, "ended: %s\n", end);
	if (s->truncated)
		fprintf(f, "the stream's last block is incomplete and was dropped\n");
	if (s->lost)
		fprintf(f, "lost: %llu events (the recorder had no memory for a buffer)\n",
			(unsigned long long)s->lost);
	fprintf(f, "block ids are dense from 1 in order of allocation; @TID is the kernel's "
		"thread id\n");
	importer_summary(im, f);
	fclose(f);
}

/*
 * Follow stream @s in sequence order into @im (which writes when it has a
 * writer), taking the snapshots @reqs ask for.  Return: 0, or -1 with @err
 * filled unless the importer failed (im->failed: the caller reports).
 */
static int follow(struct rec_stream *s, struct importer *im, struct snap_req *reqs, size_t nreq,
		  struct trace_error *err)
{
	struct cursor *cur = calloc(s->nth ? s->nth : 1, sizeof(*cur));
	struct heap h = { calloc(s->nth ? s->nth : 1, sizeof(*h.c)), 0 };
	int fd = open(s->path, O_RDONLY | O_CLOEXEC);
	size_t next_req = 0;
	int rc = -1;

	if (fd < 0) {
		import_fail(err, TRACE_EOPEN, errno, s->path, "cannot open");
		goto out;
	}
	if (!cur || !h.c)
		goto nomem;
	for (size_t i = 0; i < s->nth; i++) {
		cur[i].t = &s->th[i];
		cur[i].key = s->th[i].b[0].first_seq;
		h.c[h.n++] = &cur[i];
	}
	for (size_t i = h.n / 2; i-- > 0;)
		heap_down(&h, i);
	/* The inherited blocks come first, at the thread that forked (the child's pid). */
	if (importer_inherit(im, (uint32_t)s->hdr.pid, s->inherit, s->ninherit) != 0)
		goto out;
	while (h.n) {
		struct cursor *c = h.c[0];
		const struct rec_event *e;

		while (next_req < nreq && c->key > reqs[next_req].seq)
			if (take_snapshot(im, &reqs[next_req++]) != 0)
				goto nomem;
		if (cursor_event(c, fd, &e) != 0) {
			import_fail(err, errno == ENOMEM ? TRACE_ENOMEM : TRACE_EIO, errno, s->path,
				  "reading events");
			goto out;
		}
		if (dispatch(im, c, e) != 0) {
			if (errno == EINVAL && !im->failed)
				import_fail(err, TRACE_ECORRUPT, 0, s->path, "unknown event kind");
			goto out;
		}
		if (!cursor_advance(c))
			h.c[0] = h.c[--h.n];
		heap_down(&h, 0);
	}
	while (next_req < nreq)
		if (take_snapshot(im, &reqs[next_req++]) != 0)
			goto nomem;
	rc = 0;
	goto out;
nomem:
	import_fail(err, TRACE_ENOMEM, ENOMEM, s->path, "converting");
out:
	for (size_t i = 0; cur && i < s->nth; i++)
		free(cur[i].ev);
	free(cur);
	free(h.c);
	if (fd >= 0)
		close(fd);
	return rc;
}

/*
 * Convert stream @s: a first pass counts what the header reports and takes
 * the snapshots its needed children inherit; a wanted stream is then
 * followed again, writing.  Return: 0 or -1.
 */
static int convert_one(struct rec_set *set, struct rec_stream *s, const char *prefix,
		       struct trace_error *err)
{
	struct snap_req *reqs = NULL;
	struct trace_writer *w;
	struct importer im;
	size_t nreq = 0;
	char *header = NULL;
	int rc = -1;

	for (size_t i = 0; i < set->n; i++) {
		struct rec_stream *c = &set->s[i];

		if (c->parent != s || !c->need)
			continue;
		if (nreq % 8 == 0) {
			struct snap_req *r = realloc(reqs, (nreq + 8) * sizeof(*r));

			if (!r) {
				free(reqs);
				return import_fail(err, TRACE_ENOMEM, ENOMEM, s->path, "converting");
			}
			reqs = r;
		}
		reqs[nreq].seq = c->hdr.fork_seq;
		reqs[nreq++].child = c;
	}
	if (nreq)
		qsort(reqs, nreq, sizeof(*reqs), by_snap_seq);
	importer_init(&im, NULL);
	if (follow(s, &im, reqs, nreq, err) != 0) {
		if (im.failed)
			import_fail(err, TRACE_ENOMEM, ENOMEM, s->path, "converting");
		goto out;
	}
	s->st = im.st;
	if (!s->want) {
		rc = 0;
		goto out;
	}
	header_for(s, prefix, &im, &header);
	importer_fini(&im);
	w = trace_writer_open(s->out, TRACE_FMT_AUTO, header ? header : prefix, err);
	if (!w)
		goto out;
	importer_init(&im, w);
	if (follow(s, &im, NULL, 0, err) != 0) {
		if (trace_writer_error(w)->code != TRACE_OK)
			*err = *trace_writer_error(w);
		else if (im.failed)
			import_fail(err, TRACE_ENOMEM, ENOMEM, s->path, "converting");
		trace_writer_abort(w);
		goto out;
	}
	rc = trace_writer_close(w, err);
out:
	importer_fini(&im);
	free(reqs);
	free(header);
	free(s->inherit);
	s->inherit = NULL;
	return rc;
}

static int by_depth(const void *a, const void *b)
{
	const struct rec_stream *const *x = a, *const *y = b;

	return ((*x)->depth > (*y)->depth) - ((*x)->depth < (*y)->depth);
}

int rec_set_convert(struct rec_set *set, const char *header, struct trace_error *err)
{
	struct rec_stream **order;
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; i < set->n; i++)
		set->s[i].need = false;
	for (size_t i = 0; i < set->n; i++)
		for (struct rec_stream *p = &set->s[i]; set->s[i].want && p && !p->need; p = p->parent)
			p->need = true;
	order = malloc((set->n ? set->n : 1) * sizeof(*order));
	if (!order)
		return import_fail(err, TRACE_ENOMEM, ENOMEM, "record", "converting");
	for (size_t i = 0; i < set->n; i++)
		if (set->s[i].need)
			order[n++] = &set->s[i];
	qsort(order, n, sizeof(*order), by_depth);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = convert_one(set, order[i], header, err);
	free(order);
	return rc;
}
