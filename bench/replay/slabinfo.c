// SPDX-License-Identifier: MIT
/*
 * bench/replay/slabinfo.c - the slab allocator's caches in the layout of
 * /proc/slabinfo, after a workload: a trace replayed on the slab heap, or
 * the built-in demo (`slotslab slabinfo`).
 *
 * A trace is replayed serially on the slab heap with the caller's layout
 * and profile, and the report is taken at the peak: right after the first
 * event at which live objects and blocks reach the peak the first pass
 * counted (replay_opts.at_peak), when every class's cache is at its
 * fullest.  At the peak of bytes (SLABINFO_AT_BYTES) it is taken again
 * each time the malloc-level bytes live reach a new high 1/64 above the
 * last report's (replay_opts.at_bytes), and the last one stays: within
 * 1/64 of the bytes' peak, where a malloc-level trace's RSS peaks (the
 * count of blocks may peak earlier, when they are small).  At the end it
 * is taken after the last event instead (replay_opts.at_end), before
 * anything the trace left live is freed.
 * Should the peak never be reached (a trace that frees ids that are not
 * live counts lower than the replay does), the report falls back to the
 * end, and says so.
 *
 * States of a snapshot: empty --take--> taken (buf, len, taken) or failed;
 * it is taken at most once, but at the peak of bytes, where each take
 * replaces the last.  The report is captured in memory
 * (open_memstream) when taken and written after the replay, so a failed
 * replay writes nothing but leaves its error in the failure.
 *
 * The demo creates caches of the seed scenarios' instance sizes (the
 * 2-slot MyClass and the 4-slot Player of seeds 000-002, as 8-byte slots
 * behind a 16-byte header), fills them, frees a deterministic half, and
 * makes kmalloc requests of every size class, so that every column of the
 * report has something to show.  What it allocates stays allocated.
 */
#include <stdlib.h>
#include <string.h>

#include <slotslab/slab.h>
#include "bench/replay/replay.h"
#include "internal/compiler.h"

/**
 * struct snapshot - a slabinfo report taken during a replay
 * @buf, @len: the report (open_memstream), NULL until taken
 * @taken:     "peak" or "end"
 * @failed:    writing the report failed
 */
struct snapshot {
	unsigned int flags;
	enum slabinfo_at at;
	char *buf;
	size_t len;
	const char *taken;
	bool failed;
};

/* One comment line: what the allocator holds from the OS, in KiB. */
static void mem_summary(FILE *f)
{
	struct slab_mem_info m;

	if (slab_get_mem_info(&m) != 0)
		return;
	fprintf(f, "# memory (KiB): chunks %lu, of which slabs %lu, large %lu, freed and "
		"resident %lu; metadata %lu; mapped %lu\n", m.chunk_bytes >> 10,
		m.slab_bytes >> 10, m.large_bytes >> 10, m.dirty_bytes >> 10,
		m.meta_bytes >> 10, m.mapped_bytes >> 10);
}

static void take(struct snapshot *s, const char *when)
{
	FILE *f;

	if (s->failed)
		return;
	if (s->buf && s->at != SLABINFO_AT_BYTES)
		return;
	free(s->buf);
	s->buf = NULL;
	f = open_memstream(&s->buf, &s->len);
	if (f)
		mem_summary(f);
	if (!f || slabinfo_write(f, s->flags) != 0)
		s->failed = true;
	if (f && fclose(f) != 0)
		s->failed = true;
	s->taken = when;
}

static void at_peak(void *arg)
{
	struct snapshot *s = arg;

	if (s->at != SLABINFO_AT_END)
		take(s, s->at == SLABINFO_AT_BYTES ? "peak of bytes (within 1/64)" : "peak");
}

/* At the end: the report, unless one was taken at a peak (the fallback). */
static void at_end(void *arg)
{
	struct snapshot *s = arg;

	if (!s->buf)
		take(s, "end");
}

static int fail(struct replay_failure *f, const char *msg)
{
	snprintf(f->msg, sizeof(f->msg), "%s", msg);
	return f->status = 1;
}

int replay_slabinfo(const struct replay_opts *opts, unsigned int flags, enum slabinfo_at at,
		    FILE *out, struct replay_failure *f)
{
	struct snapshot snap = { .flags = flags, .at = at };
	struct replay_result *r = malloc(sizeof(*r));
	struct replay_opts o = *opts;
	int status;

	memset(f, 0, sizeof(*f));
	if (!r)
		return fail(f, "out of memory allocating the result");
	o.heap = REPLAY_HEAP_SLAB;
	o.serial = true;
	o.decode_only = false;
	o.decode_share = false;
	o.at_peak = at_peak;
	o.at_end = at_end;
	o.at_arg = &snap;
	o.at_bytes = at == SLABINFO_AT_BYTES;
	status = replay_run(&o, r, f);
	if (status) {
		/* f says why */
	} else if (snap.failed || !snap.buf) {
		status = fail(f, "out of memory taking the report");
	} else {
		fprintf(out, "# slotslab slabinfo %s: layout %s, profile %s, taken at the %s%s\n"
			"# %llu events; peak %llu objects, %llu blocks; at the end %llu objects, "
			"%llu blocks\n", o.path, replay_layout_name(o.layout), r->profile,
			snap.taken, at != SLABINFO_AT_END && strcmp(snap.taken, "end") == 0 ?
			" (the peak was never reached)" : "",
			(unsigned long long)r->events, (unsigned long long)r->objects_peak,
			(unsigned long long)r->blocks_peak, (unsigned long long)r->objects_end,
			(unsigned long long)r->blocks_end);
		fwrite(snap.buf, 1, snap.len, out);
		if (fflush(out) != 0)
			status = fail(f, "writing the report failed");
	}
	free(snap.buf);
	free(r);
	return status;
}

/* The demo workload; Return: 0, or -1 when memory ran out. */
/*
 * The demo workload: n objects in each of two caches, every other one freed
 * (half-full slabs), and 64 kmalloc blocks of 128 B .. 8 KiB.  What it keeps
 * live is given back after the report, so the demo leaks nothing.
 */
#define DEMO_KINDS 2
#define DEMO_BLOCKS 64

struct demo {
	struct kmem_cache *cache[DEMO_KINDS];
	void **objs[DEMO_KINDS];
	unsigned long n;
	void *blocks[DEMO_BLOCKS];
};

static void demo_undo(struct demo *d)
{
	for (size_t k = 0; k < DEMO_KINDS; k++) {
		if (d->objs[k])
			for (unsigned long i = 1; i < d->n; i += 2)
				if (d->objs[k][i])
					kmem_cache_free(d->cache[k], d->objs[k][i]);
		free(d->objs[k]);
		if (d->cache[k])
			kmem_cache_destroy(d->cache[k]);
	}
	for (size_t i = 0; i < DEMO_BLOCKS; i++)
		kfree(d->blocks[i]);
}

static int demo(struct demo *d, unsigned long n)
{
	static const struct { const char *name; size_t size; } kinds[DEMO_KINDS] = {
		{ "MyClass", 16 + 2 * 8 }, { "Player", 16 + 4 * 8 },
	};

	memset(d, 0, sizeof(*d));
	d->n = n;
	for (size_t k = 0; k < DEMO_KINDS; k++) {
		d->objs[k] = calloc(n ? n : 1, sizeof(void *));
		d->cache[k] = kmem_cache_create(kinds[k].name, kinds[k].size, 0, 0, NULL);
		if (!d->objs[k] || !d->cache[k])
			return -1;
		for (unsigned long i = 0; i < n; i++) {
			d->objs[k][i] = kmem_cache_alloc(d->cache[k], GFP_KERNEL);
			if (!d->objs[k][i])
				return -1;
		}
		for (unsigned long i = 0; i < n; i += 2) {
			kmem_cache_free(d->cache[k], d->objs[k][i]);
			d->objs[k][i] = NULL;
		}
	}
	for (size_t i = 0; i < DEMO_BLOCKS; i++)
		d->blocks[i] = kmalloc((i + 1) * 128, GFP_KERNEL);
	return 0;
}

int replay_slabinfo_demo(unsigned long n, unsigned int flags, FILE *out,
			 struct replay_failure *f)
{
	struct demo d;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	if (demo(&d, n) != 0)
		rc = fail(f, "out of memory running the demo workload");
	else if (slabinfo_write(out, flags) != 0)
		rc = fail(f, "writing the report failed");
	demo_undo(&d);
	return rc;
}
