/* SPDX-License-Identifier: MIT */
/*
 * bench/replay/replay.h - replay an allocation trace on the object model and a
 * heap, and measure it (docs/DESIGN.md sections 6 to 8).
 *
 *	struct replay_opts o = REPLAY_OPTS_INIT;
 *	struct replay_result r;
 *	struct replay_failure f;
 *
 *	o.path = "player.bin";
 *	o.layout = REPLAY_LAYOUT_SLOTS;
 *	if (replay_run(&o, &r, &f) != 0)
 *		die(f.msg, f.status);           // 2: bad input, 1: run time
 *	replay_result_json(stdout, &o, &r);
 *
 * A replay reads the trace twice: a first pass (replay_scan.c) finds the
 * thread ids, the largest ids, the peaks of live objects and blocks and,
 * for --layout slots, the names set on each class's instances; the second
 * pass acts, on one thread, or on one thread per @TID (replay_mt.c).  Only
 * the second pass is timed.
 */
#ifndef SLOTSLAB_BENCH_REPLAY_H
#define SLOTSLAB_BENCH_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <slotslab/object.h>
#include <slotslab/slab.h>
#include "bench/metrics/metrics.h"
#include "trace/trace.h"

enum replay_layout {
	REPLAY_LAYOUT_DECLARED,	/* classes as the trace declares them */
	REPLAY_LAYOUT_SLOTS,	/* every class a slot class, no dict (first pass) */
	REPLAY_LAYOUT_DICT,	/* every class a dict class, no slots */
};

enum replay_heap {
	REPLAY_HEAP_SLAB,	/* slot instances on per-class slab caches, the rest kmalloc */
	REPLAY_HEAP_LIBC,	/* everything from the process's malloc */
};

/* Attribute errors (docs/DESIGN.md 5 rules 2, 3, 6, 7, 8), counted, never fatal. */
enum replay_errkind {
	REPLAY_ERR_NO_ATTRIBUTE,	/* get/del of a name the object lacks (rules 2, 3, 6) */
	REPLAY_ERR_NO_DICT,		/* set of a name that is no slot, and no dict (rule 2) */
	REPLAY_ERR_NO_WEAKREF,		/* weakref to an instance without weakref (rule 7) */
	REPLAY_ERR_LAYOUT,		/* setclass between different layouts (rule 8) */
	REPLAY_ERR_CONFLICT,		/* classattr named like a slot of its class */
	REPLAY_ERR_NR
};

/** replay_errkind_name - the JSON key of an error kind ("no_attribute", ...) */
const char *replay_errkind_name(enum replay_errkind k);

/**
 * struct replay_opts - what to replay, and how
 * @path:       the trace
 * @layout:     enum replay_layout
 * @heap:       enum replay_heap
 * @profile:    dict layout profile; NULL for the default
 * @strict:     an event naming an id that is not live (or a new/malloc of a
 *              live one) is fatal (exit 2) instead of counted in bad_ids
 * @serial:     replay a multi-threaded trace on one thread, in trace order
 * @decode_only: read the trace (one pass) without acting on it: replay_run()
 *              then fills only what replay_decode() does
 * @decode_share: after the replay, time a decode-only pass of the same
 *              trace (decode_seconds)
 * @no_counters: do not open hardware counters
 * @no_touch:   do not write into malloc-level blocks (by default one byte
 *              per page of each block allocated or grown, as a program
 *              would use it)
 * @sample:     time one event in @sample (0: none); see struct replay_kind
 * @io:         the trace read path
 * @at_peak:    if set, called once, on the replaying thread, right after
 *              the first event at which live objects + live blocks reach
 *              their peak (forces a serial replay); @at_arg its argument
 * @at_bytes:   with @at_peak: call it instead after each event at which
 *              the malloc-level bytes live (asked for) first exceed by
 *              1/64 what they were at its last call, so that its last call
 *              comes within 1/64 of their peak
 * @at_end:     if set, called once after the replay pass succeeded, while
 *              what the trace left live is still allocated; @at_arg
 */
struct replay_opts {
	const char *path;
	enum replay_layout layout;
	enum replay_heap heap;
	const char *profile;
	bool strict;
	bool serial;
	bool decode_only;
	bool decode_share;
	bool no_counters;
	bool no_touch;
	unsigned int sample;
	enum trace_io io;
	void (*at_peak)(void *arg);
	void (*at_end)(void *arg);
	void *at_arg;
	bool at_bytes;
};

#define REPLAY_DEFAULT_SAMPLE 64
#define REPLAY_OPTS_INIT { .sample = REPLAY_DEFAULT_SAMPLE }

/**
 * struct replay_kind - one event kind
 * @events:  in the trace
 * @sampled: events of this kind that were timed one by one
 * @ns:      their total time, less the clock's own cost per sample
 *
 * Estimated time of the kind: @events * @ns / @sampled.
 */
struct replay_kind {
	uint64_t events, sampled, ns;
};

/**
 * struct replay_blocks - malloc-level blocks: what the program asked for,
 * and what the heap holds for it (usable sizes: ksize, malloc_usable_size)
 */
struct replay_blocks {
	struct om_bytes live, peak;
	uint64_t nalloc, nfree;
};

/**
 * struct replay_result - everything measured
 * @format:        "text" or "binary"
 * @events:        events in the trace
 * @threads:       distinct thread ids in the trace
 * @replay_threads: threads that replayed it (1, or @threads)
 * @objects_peak:  the peak of live objects, in trace order
 * @blocks_peak:   the peak of live malloc-level blocks, in trace order
 * @objects_end, @blocks_end: live at the end of the trace
 * @errors:        attribute errors by enum replay_errkind
 * @bad_ids:       events naming an object or block that is not live (or a
 *                 new/malloc of one that is), counted and skipped
 * @bad_id_msg:    the first of them, as "FILE: event N (TEXT): why"
 * @checksum:      sum of the values every successful get read (a replay's
 *                 fingerprint: the same for every schedule)
 * @space:         the object space's accounting at the end (its peaks)
 * @heap:          the heap's counters (dicts; instances under libc)
 * @blocks:        malloc-level blocks
 * @malloc:        the allocator behind the heap: "slotslab" for the slab
 *                 heap, else what the libc heap detected ("glibc", ...)
 * @slab_end:      slab_get_mem_info() at the end
 * @slab_peak:     the highest mapped_bytes sampled during the replay
 * @rss:           RSS over the replay pass
 * @kinds:         per event kind
 * @prepass_seconds, @seconds, @cpu_seconds: the first pass; the replay
 *                 pass (wall, and CPU of all threads)
 * @decode_seconds: a decode-only pass of the same trace (negative when
 *                 not measured)
 * @decode_only:   the result of replay_decode(): nothing but @events,
 *                 @kinds, @format and @seconds is set
 * @clock_cost_ns: what the sampled timing subtracted per sample
 * @counters:      hardware counters over the replay pass
 * @idmap_objects, @idmap_blocks: "dense" or "hash"
 * @harness_bytes: the replayer's own memory, allocated and touched before
 *                 the RSS baseline (id maps, reader buffers)
 */
struct replay_result {
	const char *format;
	uint64_t events;
	uint32_t threads, replay_threads;
	uint64_t objects_peak, blocks_peak, objects_end, blocks_end;
	uint64_t errors[REPLAY_ERR_NR];
	uint64_t bad_ids;
	char bad_id_msg[384];
	uint64_t checksum;
	struct om_space_stats space;
	struct om_heap_stats heap;
	struct replay_blocks blocks;
	const char *malloc;
	const char *profile;
	struct slab_mem_info slab_end;
	unsigned long slab_peak;
	struct rss_meter rss;
	struct replay_kind kinds[TRACE_NR_KINDS];
	double prepass_seconds, seconds, cpu_seconds, decode_seconds;
	bool decode_only;
	uint64_t clock_cost_ns;
	struct counters counters;
	const char *idmap_objects, *idmap_blocks;
	size_t harness_bytes;
};

/**
 * struct replay_failure - why a replay stopped
 * @status: exit status: 2 bad input (malformed trace, a class the object
 *          model refuses, a bad id under --strict), 1 at run time (out of
 *          memory, I/O)
 * @msg:    "FILE: ..." naming the event where it stopped
 */
struct replay_failure {
	int status;
	char msg[768];
};

/**
 * replay_profile_auto - --profile auto: set @o->profile to the profile
 * om_profile_for_python() gives the "# python: IMPL VERSION" header line of
 * the trace @o->path
 * Return: 0, or @f->status: 2 when the trace names no interpreter or one no
 * profile models (and for a bad trace), 1 for I/O.
 */
int replay_profile_auto(struct replay_opts *o, struct replay_failure *f);

/**
 * replay_run - replay @o->path
 * @o:   options
 * @r:   filled with the results on success
 * @f:   filled on failure
 *
 * With @o->decode_only, only a decode-only pass (replay_decode()) is made
 * and timed (@r->decode_only set, @r->seconds its time); with
 * @o->decode_share a decode-only pass follows a successful replay.
 * Everything the replay created is freed again before it returns, whatever
 * happened.
 * Return: 0, or @f->status.
 */
int replay_run(const struct replay_opts *o, struct replay_result *r,
	       struct replay_failure *f);

/**
 * replay_decode - time a decode-only pass over @o->path (trace_next_batch
 * and nothing else)
 * Return: the seconds, or a negative value (with @f filled) on failure.
 */
double replay_decode(const struct replay_opts *o, struct replay_result *r,
		     struct replay_failure *f);

const char *replay_layout_name(enum replay_layout l);
const char *replay_heap_name(enum replay_heap h);

/* The names of the layouts and heaps, by enum value, then NULL (for options). */
extern const char *const replay_layout_names[];
extern const char *const replay_heap_names[];

/** replay_bytes_per_object - footprint peak per live object (or block); < 0 if none */
double replay_bytes_per_object(const struct replay_result *r);

/**
 * replay_result_json - write @r as one JSON object and a newline
 * Return: 0, or -1 if writing failed.
 */
int replay_result_json(FILE *f, const struct replay_opts *o, const struct replay_result *r);

/** replay_result_text - write @r as a human-readable summary */
int replay_result_text(FILE *f, const struct replay_opts *o, const struct replay_result *r);

/* When `slotslab slabinfo TRACE` takes its report (replay_slabinfo). */
enum slabinfo_at {
	SLABINFO_AT_PEAK,	/* the peak of live objects and blocks */
	SLABINFO_AT_BYTES,	/* the peak of malloc-level bytes live, within 1/64 */
	SLABINFO_AT_END,	/* after the last event */
};

/**
 * replay_slabinfo - replay @o->path serially on the slab heap (with its
 * layout and profile) and write the /proc/slabinfo report (slabinfo_write
 * @flags), taken when @at says, to @out after three comment lines: the
 * trace, layout, profile and when it was taken; the events and peaks; what
 * the allocator holds from the OS (slabinfo.c)
 * Return: 0, or @f->status (nothing written then).
 */
int replay_slabinfo(const struct replay_opts *o, unsigned int flags, enum slabinfo_at at,
		    FILE *out, struct replay_failure *f);

/**
 * replay_slabinfo_demo - run the demo workload instead of a trace (@n
 * objects per cache) and write the report to @out
 * Return: 0, or @f->status (1: out of memory, or writing failed).
 */
int replay_slabinfo_demo(unsigned long n, unsigned int flags, FILE *out,
			 struct replay_failure *f);

#endif
