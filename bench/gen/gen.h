/* SPDX-License-Identifier: MIT */
/*
 * bench/gen/gen.h - trace generators for the seed scenarios (docs/DESIGN.md 7).
 *
 * A scenario is one function plus one entry in gen_scenarios[]
 * (gen_scenarios.c).  It declares its classes with gen_class() and emits
 * events with the gen_*() helpers below; gen_run() opens the writer, writes
 * the comment header (the command that reproduces the trace, the scenario,
 * and the seed claim it exercises) and commits the file.  Generators are
 * deterministic: the only source of variation is the xoshiro256** stream
 * seeded from --seed.
 *
 * Errors are sticky: once the writer fails, every helper does nothing and
 * gen_ok() turns false, so scenario code checks it once per phase.
 */
#ifndef SLOTSLAB_BENCH_GEN_H
#define SLOTSLAB_BENCH_GEN_H

#include "bench/progress/progress.h"
#include "trace/tables.h"

/**
 * struct gen_params - what the command line chose
 * @objects: the scenario's size (0: its default); what it counts is in the
 *           scenario's help
 * @ops:     churn operations (0: the scenario's default)
 * @threads: thread ids to spread events over (1: no @TID prefixes)
 * @attrs:   sweep: only the class with this many attributes (-1: all)
 * @seed:    the random stream's seed
 */
struct gen_params {
	uint64_t objects;
	uint64_t ops;
	unsigned int threads;
	int attrs;
	uint64_t seed;
};

struct gen;

/**
 * struct scenario - one generator
 * @name:    the SCENARIO argument
 * @summary: one line for `gen --help`
 * @claim:   the seed claim it exercises (header lines, '\n'-separated)
 * @help:    what --objects (and --ops) mean, with the defaults
 * @objects: default --objects
 * @ops:     default --ops as a multiple of --objects, in percent (0: none)
 * @run:     emit the events; 0, or -1 with the writer's error
 * @malloc_level: true when the trace holds malloc events only, no objects
 *           (`gen --list` says "malloc" instead of "objects")
 */
struct scenario {
	const char *name;
	const char *summary;
	const char *claim;
	const char *help;
	uint64_t objects;
	unsigned int ops;
	int (*run)(struct gen *g);
	bool malloc_level;
};

extern const struct scenario gen_scenarios[];
extern const size_t gen_nscenarios;

const struct scenario *gen_find(const char *name);

/**
 * gen_run - generate a scenario's trace into @path
 * @sc:   the scenario
 * @p:    its parameters (0 fields take the scenario's defaults)
 * @path: the output; text or binary by its name
 * @pr:   a progress line to update, or NULL
 * @err:  filled on failure
 *
 * Return: the number of events written, or -1 with @err filled; then no
 * output file exists.
 */
int64_t gen_run(const struct scenario *sc, const struct gen_params *p, const char *path,
		struct progress *pr, struct trace_error *err);

/**
 * struct gen - a generator at work
 * @p:       the parameters, defaults applied
 * @rng:     xoshiro256** state
 * @expect:  events the scenario expects to emit (for the progress line)
 * @notes:   the header: the command, the claim, and lines the scenario adds
 *           with gen_note() before its first event (expected error counts)
 */
struct gen {
	const char *path;
	struct trace_writer *w;
	struct symtab syms;
	struct classtab classes;
	struct gen_params p;
	uint64_t rng[4];
	struct progress *pr;
	uint64_t expect;
	char *notes;
	size_t notes_len;
	struct trace_error err;
	bool failed;
};

static inline bool gen_ok(const struct gen *g)
{
	return !g->failed;
}

uint64_t gen_rand(struct gen *g);
/* Uniform in [0, n), n >= 1. */
uint64_t gen_below(struct gen *g, uint64_t n);
/* Shuffle @n ids in place (Fisher-Yates). */
void gen_shuffle(struct gen *g, uint64_t *ids, uint64_t n);

/* Append a line to the header; only before gen_begin(). */
void gen_note(struct gen *g, const char *fmt, ...) __printf(2, 3);
/* Open the writer with the header (the first event does it too). */
void gen_begin(struct gen *g);

/* The thread that owns object or block @id: id % threads. */
uint32_t gen_tid(const struct gen *g, uint64_t id);
/* The thread that frees @id: its owner, or 1 time in 8 another one. */
uint32_t gen_tid_free(struct gen *g, uint64_t id);

const struct trace_symbol *gen_sym(struct gen *g, const char *name);
/*
 * Declare a class and emit its class line.  @slots: NULL for no slots=
 * option, else a comma-separated list ("" for empty slots).
 */
const struct trace_class *gen_class(struct gen *g, const char *name, unsigned int flags,
				    const struct trace_class *base, const char *slots);

void gen_classattr(struct gen *g, const struct trace_class *c, const struct trace_symbol *a,
		   int64_t v);
void gen_new(struct gen *g, uint32_t tid, uint64_t obj, const struct trace_class *c);
void gen_set(struct gen *g, uint32_t tid, uint64_t obj, const struct trace_symbol *a,
	     int64_t v);
void gen_get(struct gen *g, uint32_t tid, uint64_t obj, const struct trace_symbol *a);
void gen_del(struct gen *g, uint32_t tid, uint64_t obj, const struct trace_symbol *a);
void gen_free(struct gen *g, uint32_t tid, uint64_t obj);
void gen_weakref(struct gen *g, uint32_t tid, uint64_t obj);
void gen_setclass(struct gen *g, uint32_t tid, uint64_t obj, const struct trace_class *c);
void gen_malloc(struct gen *g, uint32_t tid, uint64_t id, uint64_t size);
void gen_calloc(struct gen *g, uint32_t tid, uint64_t id, uint64_t nmemb, uint64_t size);
void gen_realloc(struct gen *g, uint32_t tid, uint64_t id, uint64_t old, uint64_t size);
void gen_memalign(struct gen *g, uint32_t tid, uint64_t id, uint64_t align, uint64_t size);
void gen_mfree(struct gen *g, uint32_t tid, uint64_t id);

/* Allocate @n zeroed elements of @size for scenario state, or fail @g. */
void *gen_calloc_state(struct gen *g, size_t n, size_t size);

#endif
