/* SPDX-License-Identifier: MIT */
/*
 * tests/lib/pattern.h - a byte pattern per seed, to show that a block's
 * contents survive (realloc, fork, other threads).  Header-only: the test
 * programs and the standalone ones under tests/LAYER/progs/ share it.
 */
#ifndef SLOTSLAB_TESTS_PATTERN_H
#define SLOTSLAB_TESTS_PATTERN_H

#include <stddef.h>

static inline void pattern_fill(unsigned char *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

/* 1 if @p holds pattern_fill(@seed)'s n bytes, else 0. */
static inline int pattern_intact(const unsigned char *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 7))
			return 0;
	return 1;
}

#endif
