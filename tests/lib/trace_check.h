/* SPDX-License-Identifier: MIT */
/*
 * tests/lib/trace_check.h - read a whole trace, checking what every event
 * promises (struct trace_event, struct trace_class), and dump it as
 * canonical text lines, or copy it to another trace; and the bodies of the
 * fuzz targets.  Shared by the fuzz targets (fuzz_*.c) and the trace tests.
 *
 * The checks: a valid kind; the class of a class-using event declared, with
 * an id below trace_nclasses() and the table's own pointer; a CLASS event
 * declaring exactly the next class; attribute names the table's own, with
 * ids below trace_nsymbols(); power-of-two alignments; unused fields zero.
 * A broken promise aborts (a crash for the fuzzer, a failure for a test).
 */
#ifndef SLOTSLAB_TESTS_TRACE_CHECK_H
#define SLOTSLAB_TESTS_TRACE_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/bin.h"

#define check_that(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

static inline void check_event(const struct trace *t, const struct trace_event *ev,
			       uint32_t *classes_seen)
{
	const unsigned int k = ev->kind;
	const int uses_class = k == TRACE_CLASS || k == TRACE_CLASSATTR || k == TRACE_NEW ||
			       k == TRACE_SETCLASS;
	const int uses_attr = k == TRACE_CLASSATTR || k == TRACE_SET || k == TRACE_GET ||
			      k == TRACE_DEL;

	check_that(k > 0 && k < TRACE_NR_KINDS);
	check_that(uses_class == (ev->cls != NULL));
	check_that(uses_attr == (ev->attr != NULL));
	if (ev->cls) {
		check_that(ev->cls->id < trace_nclasses(t));
		check_that(trace_class(t, ev->cls->id) == ev->cls);
		check_that(ev->cls->sym->id == ev->cls->id);
		if (k == TRACE_CLASS)
			check_that(ev->cls->id == (*classes_seen)++);
		else
			check_that(ev->cls->id < *classes_seen);
		if (ev->cls->base)
			check_that(ev->cls->base->id < ev->cls->id);
	}
	if (ev->attr) {
		check_that(ev->attr->id < trace_nsymbols(t));
		check_that(trace_symbol(t, ev->attr->id) == ev->attr);
		check_that(strlen(ev->attr->name) == ev->attr->len);
	}
	if (k == TRACE_MEMALIGN)
		check_that(ev->align && (ev->align & (ev->align - 1)) == 0);
	if (k != TRACE_REALLOC)
		check_that(ev->old_id == 0);
	if (k != TRACE_SET && k != TRACE_CLASSATTR)
		check_that(ev->value == 0);
	if (k != TRACE_CALLOC && k != TRACE_MEMALIGN)
		check_that(ev->nmemb == 0);
}

/*
 * Read @t to its end; return its events as canonical text lines (malloc'ed,
 * NUL-terminated) and set *@rc to trace_next()'s last result (0 or -1).
 */
static inline char *check_dump(struct trace *t, int *rc)
{
	size_t len = 0, cap = 4096;
	char *out = malloc(cap), *line = malloc(TRACE_MAX_LINE + 1);
	struct trace_event ev;
	uint32_t classes_seen = 0;

	check_that(out && line);
	out[0] = '\0';
	while ((*rc = trace_next(t, &ev)) > 0) {
		size_t n;

		check_event(t, &ev, &classes_seen);
		n = trace_event_format(&ev, line, TRACE_MAX_LINE + 1);
		check_that(n <= TRACE_MAX_LINE);
		if (len + n + 2 > cap) {
			cap = 2 * (len + n + 2);
			out = realloc(out, cap);
			check_that(out);
		}
		memcpy(out + len, line, n);
		len += n;
		out[len++] = '\n';
		out[len] = '\0';
	}
	check_that(trace_next(t, &ev) == *rc);
	free(line);
	return out;
}

/*
 * The dump of @t, just opened (NULL if the open failed, *@err filled), which
 * is closed; or NULL with *@err filled if reading fails.
 */
static inline char *check_dump_opened(struct trace *t, struct trace_error *err)
{
	char *dump;
	int rc;

	if (!t)
		return NULL;
	dump = check_dump(t, &rc);
	if (rc < 0) {
		*err = *trace_error(t);
		free(dump);
		dump = NULL;
	}
	trace_close(t);
	return dump;
}

/* The dump of the trace at @path, or NULL with *@err filled. */
static inline char *check_dump_file(const char *path, const struct trace_opts *o,
				    struct trace_error *err)
{
	return check_dump_opened(trace_open(path, o, err), err);
}

/* Copy every event of @in, and its header, to @out: 0, or -1 with *@err filled. */
static inline int check_copy(const char *in, const char *out, struct trace_error *err)
{
	struct trace *t = trace_open(in, NULL, err);
	struct trace_writer *w;
	struct trace_event ev;
	uint32_t classes_seen = 0;
	int rc;

	if (!t)
		return -1;
	w = trace_writer_open(out, TRACE_FMT_AUTO, trace_header(t, NULL), err);
	if (!w) {
		trace_close(t);
		return -1;
	}
	while ((rc = trace_next(t, &ev)) > 0) {
		check_event(t, &ev, &classes_seen);
		if (trace_write(w, &ev) != 0)
			break;
	}
	if (rc < 0) {
		*err = *trace_error(t);
		trace_writer_abort(w);
	} else if (rc > 0) {
		*err = *trace_writer_error(w);
		trace_writer_abort(w);
		rc = -1;
	} else {
		rc = trace_writer_close(w, err);
	}
	trace_close(t);
	return rc;
}

/* ---- the fuzz targets' bodies (also run on the corpus by test_trace_fuzz) */

/*
 * Parse @size bytes at @data as @name; a failure must say where, a success
 * must keep every promise, and its canonical text must parse back to the
 * very same events.
 */
static inline void fuzz_parse(const uint8_t *data, size_t size, const char *name,
			      const struct trace_opts *o)
{
	struct trace_error err;
	struct trace *t = trace_open_mem(name, data, size, o, &err);
	char *dump, *again;
	int rc;

	if (!t) {
		check_that(err.code != TRACE_OK && strncmp(err.msg, name, strlen(name)) == 0);
		return;
	}
	dump = check_dump(t, &rc);
	if (rc < 0) {
		check_that(trace_error(t)->code != TRACE_OK);
		check_that(strncmp(trace_error(t)->msg, name, strlen(name)) == 0);
	}
	trace_close(t);
	if (rc == 0) {
		t = trace_open_mem("canonical.txt", dump, strlen(dump), NULL, &err);
		check_that(t);
		again = check_dump(t, &rc);
		check_that(rc == 0 && strcmp(dump, again) == 0);
		trace_close(t);
		free(again);
	}
	free(dump);
}

/* Text: small chunks, so that lines straddle reads. */
static inline void fuzz_text_one(const uint8_t *data, size_t size)
{
	static const struct trace_opts small = { .chunk = 61 };

	if (size && data[0] == 0x89)	/* the binary target's */
		return;
	fuzz_parse(data, size, "fuzz.txt", &small);
}

/* Recompute every checksum a binary trace has, where its layout allows. */
static inline void reseal_binary(uint8_t *b, size_t size)
{
	uint64_t hsize, bs, toff, tsize;

	if (size < 64)
		return;
	hsize = get_u32(b + 12);
	bs = get_u32(b + 16);
	toff = get_u64(b + 40);
	tsize = get_u64(b + 48);
	if (toff <= size && tsize <= size - toff)
		put_u32(b + 56, crc32c(0, b + toff, tsize));
	if (bs >= 4096 && bs <= (1u << 20) && bs % 4096 == 0 && hsize >= 64 && hsize <= 4096 &&
	    toff >= hsize && toff <= size) {
		for (uint64_t off = hsize; off < toff; off += bs) {
			uint64_t blen = MIN(bs, toff - off);
			uint32_t plen = blen >= 16 ? get_u32(b + off + 4) : 0;

			if (blen >= 16 && plen <= blen - 16)
				put_u32(b + off + 12, crc32c(crc32c(0, b + off, 12), b + off + 16, plen));
		}
	}
	put_u32(b + 60, crc32c(0, b, 60));
}

/*
 * Binary: as it is (the checksums must catch mutations), then with its
 * checksums recomputed, so that mutations reach the structural checks.
 */
static inline void fuzz_binary_one(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	fuzz_parse(data, size, "fuzz.bin", NULL);
	if (size < 64 || data[0] != bin_magic[0])
		return;
	copy = malloc(size);
	check_that(copy);
	memcpy(copy, data, size);
	reseal_binary(copy, size);
	fuzz_parse(copy, size, "fuzz.bin", NULL);
	free(copy);
}

#endif
