// SPDX-License-Identifier: MIT
/*
 * bench/metrics/json.c - JSON strings for the results (metrics.h), in a file
 * of their own so that a program writing JSON (bench/info/) links none of
 * the measuring code, and with it nothing of the allocator.
 */
#include <stdio.h>

#include "bench/metrics/metrics.h"

void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
