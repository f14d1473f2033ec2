/* SPDX-License-Identifier: MIT */
/*
 * bench/metrics/metrics.h - what a benchmark measures about the process: resident
 * memory, hardware counters, clocks, and where a result came from (the
 * build and the machine).
 *
 * A figure that could not be measured is reported as unavailable (the
 * *_ok flags, or METRIC_NONE), never as 0 (docs/DESIGN.md section 8).
 */
#ifndef SLOTSLAB_BENCH_METRICS_H
#define SLOTSLAB_BENCH_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "internal/compiler.h"

/* ---- clocks ------------------------------------------------------------ */

/** metrics_now - CLOCK_MONOTONIC in seconds */
double metrics_now(void);

/** metrics_cpu_now - CPU time of the whole process, in seconds */
double metrics_cpu_now(void);

/** metrics_now_ns - CLOCK_MONOTONIC in nanoseconds (for sampled timing) */
static inline uint64_t metrics_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/**
 * metrics_clock_cost_ns - what one metrics_now_ns() call costs here: the
 * median of many back-to-back pairs, measured once and remembered
 */
uint64_t metrics_clock_cost_ns(void);

/* ---- resident memory --------------------------------------------------- */

/**
 * struct rss_meter - resident set size over a measured stretch of work
 * @base:      RSS when rss_start() ran, bytes
 * @peak:      the highest RSS seen since: VmHWM after resetting it at
 *             rss_start(), or the highest of the samples
 * @hwm_reset: the kernel's high-water mark was reset at rss_start()
 *             (/proc/self/clear_refs "5"), so @peak is exact; otherwise
 *             it is the highest of rss_sample()'s readings
 * @ok:        /proc/self/statm could be read
 * @faults:    minor page faults of the process between rss_start() and
 *             rss_stop() (getrusage), valid if @faults_ok: a page the
 *             heap reuses costs none, one it maps or gets back from the
 *             kernel costs one, which RSS growth alone does not show
 */
struct rss_meter {
	uint64_t base, peak, last;
	long faults;
	bool hwm_reset, ok, faults_ok;
};

/** rss_now - the process's RSS in bytes, or 0 if /proc is unreadable */
uint64_t rss_now(void);

/** rss_start - take the baseline and reset the high-water mark */
void rss_start(struct rss_meter *m);

/** rss_sample - read RSS now and raise @m->peak (cheap: one read of statm) */
void rss_sample(struct rss_meter *m);

/** rss_stop - final reading: @m->last, @m->peak (from VmHWM if reset), @m->faults */
void rss_stop(struct rss_meter *m);

/* ---- hardware counters ------------------------------------------------- */

enum metric_counter {
	CNT_CACHE_MISSES,	/* PERF_COUNT_HW_CACHE_MISSES (last-level) */
	CNT_L1D_MISSES,		/* L1D read misses */
	CNT_INSTRUCTIONS,
	CNT_CYCLES,
	CNT_NR
};

/**
 * struct counters - perf_event_open counters of this process and the
 * threads it starts after counters_open()
 * @fd:     one per counter, -1 where the machine or the kernel refuses it
 * @value:  counts after counters_stop(), scaled when the kernel multiplexed
 *          them (value * enabled / running)
 * @ok:     @value[i] was measured
 * @why:    why none could be opened (errno text), "" otherwise
 */
struct counters {
	int fd[CNT_NR];
	uint64_t value[CNT_NR];
	bool ok[CNT_NR];
	char why[64];
};

/** counter_name - "cache_misses", "l1d_misses", "instructions", "cycles" */
const char *counter_name(enum metric_counter c);

/**
 * counters_open - open every counter, disabled
 * @c:       the counters
 * @disable: true to open none (all unavailable, @why "disabled")
 *
 * Return: the number opened; 0 on machines without a PMU (these VMs).
 */
int counters_open(struct counters *c, bool disable);
void counters_start(struct counters *c);
void counters_stop(struct counters *c);
void counters_close(struct counters *c);

/** counters_source - "perf" if any counter was measured, else "none" */
const char *counters_source(const struct counters *c);

/* ---- provenance --------------------------------------------------------- */

/**
 * struct build_info - what built this binary and where it runs
 * @revision: `git describe --always --dirty` at build time ("unknown"
 *            outside a checkout)
 * @version:  SLOTSLAB_VERSION of the build
 * @config:   the .config's set options, "NAME=value" separated by spaces
 *            (CONFIG_ prefix dropped)
 * @config_hash: FNV-1a of @config, as 16 hex digits (to group results)
 * @compiler: the compiler's name and version (__VERSION__)
 * @cflags:   CFLAGS and sanitizers the build used
 * @cpu:      the CPU's model name (/proc/cpuinfo), at run time
 * @cpus:     online CPUs
 * @kernel:   uname release
 */
struct build_info {
	const char *revision, *version, *config, *compiler, *cflags;
	char config_hash[17];
	char cpu[128];
	long cpus;
	char kernel[96];
};

/** build_info_get - fill @bi (static strings, or copies in @bi) */
void build_info_get(struct build_info *bi);

/* ---- JSON --------------------------------------------------------------- */

/** json_string - write @s as a JSON string (quoted, escaped) */
void json_string(FILE *f, const char *s);

#endif
