/* SPDX-License-Identifier: MIT */
/*
 * bench/progress/progress.h - a progress line on stderr for long commands.
 *
 * Shown only when stderr is a terminal (and SLOTSLAB_PROGRESS is not 0),
 * and only once the work has run for half a second; redrawn at most four
 * times a second; erased at the end.  progress_update() is cheap enough for
 * a per-event loop: it reads the clock once every 65536 calls;
 * progress_draw() reads it at every call (per batch of events).
 *
 * Not a measurement (bench/metrics/ is): the commands and the subsystems
 * that read or write whole traces (gen, info, replay, convert) draw it.
 * Uses the C library only.
 */
#ifndef SLOTSLAB_BENCH_PROGRESS_PROGRESS_H
#define SLOTSLAB_BENCH_PROGRESS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "internal/compiler.h"

/**
 * struct progress - one progress line
 * @on:    stderr is a terminal and progress is wanted
 * @shown: something has been drawn (and must be erased)
 * @total: the amount of work, in @unit (0 when unknown)
 */
struct progress {
	bool on, shown;
	const char *what, *unit;
	uint64_t total;
	uint32_t calls;
	struct timespec start, last;
};

void progress_start(struct progress *p, const char *what, const char *unit, uint64_t total);
void progress_draw(struct progress *p, uint64_t done);
void progress_end(struct progress *p);

/* Note that @done units of the work are done. */
static inline void progress_update(struct progress *p, uint64_t done)
{
	if (unlikely(p->on) && unlikely((++p->calls & 0xffff) == 0))
		progress_draw(p, done);
}

#endif
