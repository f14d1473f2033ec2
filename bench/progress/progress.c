// SPDX-License-Identifier: MIT
/*
 * bench/progress/progress.c - the progress line (see progress.h): "what  42%  12.3 M
 * events  3.1 M/s", rewritten in place with "\r" and erased with "\r\033[K".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/progress/progress.h"

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void progress_start(struct progress *p, const char *what, const char *unit, uint64_t total)
{
	const char *env = getenv("SLOTSLAB_PROGRESS");

	memset(p, 0, sizeof(*p));
	p->what = what;
	p->unit = unit;
	p->total = total;
	p->on = isatty(STDERR_FILENO) && !(env && strcmp(env, "0") == 0);
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
}

void progress_draw(struct progress *p, uint64_t done)
{
	struct timespec now;
	double secs;

	if (!p->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = since(&p->start, &now);
	if (secs < 0.5 || since(&p->last, &now) < 0.25)
		return;
	p->last = now;
	p->shown = true;
	if (p->total)
		fprintf(stderr, "\r%s  %3.0f%%  %.1f M %s  %.1f M/s\033[K", p->what,
			100.0 * (double)MIN(done, p->total) / (double)p->total, (double)done / 1e6,
			p->unit, (double)done / 1e6 / secs);
	else
		fprintf(stderr, "\r%s  %.1f M %s  %.1f M/s\033[K", p->what, (double)done / 1e6,
			p->unit, (double)done / 1e6 / secs);
}

void progress_end(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}
