// SPDX-License-Identifier: MIT
/*
 * bench/cli/cmd_info.c - `slotslab info [--json] FILE`: what a trace holds.
 *
 * One pass over the trace with counters only, so memory stays that of the
 * reader plus a set of thread ids:
 *   - events by kind;
 *   - peak live objects: the running maximum of (new - free), counted, not
 *     tracked per id, so a free of an unknown id lowers the count too;
 *   - peak live blocks at the malloc level: +1 for malloc/calloc/memalign
 *     of a non-zero id and for realloc of NULL, -1 for mfree of a non-zero
 *     id and for "realloc 0 OLD 0" (see struct trace_event);
 *   - the distinct thread ids, the classes (as declared, and resolved), the
 *     attribute names, and the comment header.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/cli/cli.h"
#include "bench/metrics/progress.h"
#include "trace/trace.h"

#define BATCH 1024

/**
 * struct tid_set - distinct thread ids (open addressing; slot holds tid + 1)
 * Invariant: 2 * n <= mask + 1.
 */
struct tid_set {
	uint64_t *slot;
	uint32_t mask, n;
};

/**
 * struct info - what info counts
 * @live, @blocks: running counts, signed (frees may come first)
 */
struct info {
	uint64_t kinds[TRACE_NR_KINDS];
	uint64_t events;
	int64_t live, live_peak;
	int64_t blocks, blocks_peak;
	struct tid_set tids;
};

static int tid_insert(struct tid_set *s, uint64_t key)
{
	uint32_t i;

	if (2 * (s->n + 1) > s->mask + 1) {
		struct tid_set bigger = { .mask = s->mask ? s->mask * 2 + 1 : 15 };

		bigger.slot = calloc((size_t)bigger.mask + 1, sizeof(*bigger.slot));
		if (!bigger.slot)
			return -1;
		for (uint32_t j = 0; s->slot && j <= s->mask; j++)
			if (s->slot[j])
				tid_insert(&bigger, s->slot[j]);
		free(s->slot);
		*s = bigger;
	}
	for (i = (uint32_t)(key * 0x9e3779b97f4a7c15ull >> 40) & s->mask; s->slot[i];
	     i = (i + 1) & s->mask)
		if (s->slot[i] == key)
			return 0;
	s->slot[i] = key;
	s->n++;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The thread ids, sorted, as an array the caller frees (NULL on ENOMEM). */
static uint64_t *sorted_tids(const struct tid_set *s)
{
	uint64_t *v = malloc((s->n + 1) * sizeof(*v));
	uint32_t n = 0;

	if (!v)
		return NULL;
	for (uint32_t i = 0; s->slot && i <= s->mask; i++)
		if (s->slot[i])
			v[n++] = s->slot[i] - 1;
	qsort(v, n, sizeof(*v), cmp_u64);
	return v;
}

static int count_event(struct info *in, const struct trace_event *ev)
{
	in->kinds[ev->kind]++;
	in->events++;
	switch (ev->kind) {
	case TRACE_NEW:
		in->live++;
		break;
	case TRACE_FREE:
		in->live--;
		break;
	case TRACE_MALLOC:
	case TRACE_CALLOC:
	case TRACE_MEMALIGN:
		in->blocks += ev->id != 0;
		break;
	case TRACE_REALLOC:
		in->blocks += (ev->old_id == 0 && ev->id != 0) -
			      (ev->old_id != 0 && ev->id == 0 && ev->size == 0);
		break;
	case TRACE_MFREE:
		in->blocks -= ev->id != 0;
		break;
	}
	in->live_peak = MAX(in->live_peak, in->live);
	in->blocks_peak = MAX(in->blocks_peak, in->blocks);
	return tid_insert(&in->tids, (uint64_t)ev->tid + 1);
}

static int put_file(void *ctx, char sep, const char *s, size_t len)
{
	if (sep)
		fputc(sep, ctx);
	fwrite(s, 1, len, ctx);
	return 0;
}

static void print_flags(FILE *f, uint8_t flags, const char *sep)
{
	static const struct { uint8_t flag; const char *name; } names[] = {
		{ TRACE_CF_DICT, "dict" }, { TRACE_CF_WEAKREF, "weakref" },
		{ TRACE_CF_VARSIZE, "varsize" },
	};
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (flags & names[i].flag)
			fprintf(f, "%s\"%s\"", n++ ? sep : "", names[i].name);
}

static void print_text(const struct trace *t, const char *path, const struct info *in,
		       const uint64_t *tids)
{
	uint64_t done, total;
	const char *hdr = trace_header(t, NULL);

	trace_progress(t, &done, &total);
	printf("trace      %s\n", path);
	printf("format     %s, %llu bytes, read with %s\n",
	       trace_format(t) == TRACE_FMT_BINARY ? "binary v1" : "text v1",
	       (unsigned long long)total, trace_io_name(t));
	for (const char *p = hdr; *p;) {
		size_t len = strcspn(p, "\n");

		printf("%s| %.*s\n", p == hdr ? "header     " : "           ", (int)len, p);
		p += len + (p[len] == '\n');
	}
	printf("events     %llu", (unsigned long long)in->events);
	if (in->events)
		printf(" (%.2f bytes per event)", (double)total / (double)in->events);
	printf("\n");
	for (int k = 1; k < TRACE_NR_KINDS; k++)
		if (in->kinds[k])
			printf("  %-9s %llu\n", trace_kind_name((unsigned int)k),
			       (unsigned long long)in->kinds[k]);
	printf("objects    peak %lld live (new - free), %lld live at the end\n",
	       (long long)in->live_peak, (long long)in->live);
	printf("blocks     peak %lld live (malloc level), %lld live at the end\n",
	       (long long)in->blocks_peak, (long long)in->blocks);
	printf("threads    %u:", in->tids.n);
	for (uint32_t i = 0; i < in->tids.n && i < 32; i++)
		printf(" %llu", (unsigned long long)tids[i]);
	printf("%s\n", in->tids.n > 32 ? " ..." : "");
	printf("classes    %zu\n", trace_nclasses(t));
	for (uint32_t i = 0; i < trace_nclasses(t); i++) {
		const struct trace_class *c = trace_class(t, i);

		printf("  ");
		trace_class_print(c, put_file, stdout);
		printf("\n      slots in all: %u%s%s%s\n", c->nslots_total,
		       c->eff & TRACE_CF_DICT ? ", dict" : ", no dict",
		       c->eff & TRACE_CF_WEAKREF ? ", weakref" : ", no weakref",
		       c->eff & TRACE_CF_VARSIZE ? ", variable size" : "");
	}
	printf("attributes %zu:", trace_nsymbols(t));
	for (uint32_t i = 0; i < trace_nsymbols(t) && i < 64; i++)
		printf(" %s", trace_symbol(t, i)->name);
	printf("%s\n", trace_nsymbols(t) > 64 ? " ..." : "");
}

static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_json(const struct trace *t, const char *path, const struct info *in,
		       const uint64_t *tids)
{
	uint64_t done, total;

	trace_progress(t, &done, &total);
	printf("{\"trace\": ");
	print_json_string(path);
	printf(", \"format\": \"%s\", \"bytes\": %llu, \"io\": \"%s\", \"header\": ",
	       trace_format(t) == TRACE_FMT_BINARY ? "binary" : "text",
	       (unsigned long long)total, trace_io_name(t));
	print_json_string(trace_header(t, NULL));
	printf(", \"events\": %llu, \"kinds\": {", (unsigned long long)in->events);
	for (int k = 1; k < TRACE_NR_KINDS; k++)
		printf("%s\"%s\": %llu", k > 1 ? ", " : "", trace_kind_name((unsigned int)k),
		       (unsigned long long)in->kinds[k]);
	printf("}, \"objects_peak\": %lld, \"objects_live_end\": %lld, "
	       "\"blocks_peak\": %lld, \"blocks_live_end\": %lld, \"threads\": [",
	       (long long)in->live_peak, (long long)in->live, (long long)in->blocks_peak,
	       (long long)in->blocks);
	for (uint32_t i = 0; i < in->tids.n; i++)
		printf("%s%llu", i ? ", " : "", (unsigned long long)tids[i]);
	printf("], \"classes\": [");
	for (uint32_t i = 0; i < trace_nclasses(t); i++) {
		const struct trace_class *c = trace_class(t, i);

		printf("%s{\"name\": \"%s\", \"base\": ", i ? ", " : "", c->name);
		if (c->base)
			printf("\"%s\"", c->base->name);
		else
			printf("null");
		printf(", \"slots\": ");
		if (c->flags & TRACE_CF_SLOTS) {
			printf("[");
			for (uint32_t s = 0; s < c->nslots; s++)
				printf("%s\"%s\"", s ? ", " : "", c->slots[s]->name);
			printf("]");
		} else {
			printf("null");
		}
		printf(", \"declared\": [");
		print_flags(stdout, c->flags, ", ");
		printf("], \"resolved\": [");
		print_flags(stdout, c->eff, ", ");
		printf("], \"slots_total\": %u}", c->nslots_total);
	}
	printf("], \"attributes\": [");
	for (uint32_t i = 0; i < trace_nsymbols(t); i++)
		printf("%s\"%s\"", i ? ", " : "", trace_symbol(t, i)->name);
	printf("]}\n");
}

static void info_usage(FILE *f)
{
	fprintf(f, "usage: slotslab info [--json] FILE\n\n"
		"Read a trace (text or binary, told apart by content) and print what it\n"
		"holds: its format and header, events by kind, the peak of live objects\n"
		"(new - free) and of live malloc-level blocks, its thread ids, its classes\n"
		"as declared and as resolved (slots in all, dict, weakref), and its\n"
		"attribute names.  A malformed trace is reported with its file and line\n"
		"(or byte offset) and exits 2.\n\n"
		"  --json       one JSON object instead of the table\n"
		"  -h, --help   this text\n");
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct trace_event evs[BATCH];
	struct info in = { 0 };
	struct trace_error err;
	struct progress pr;
	uint64_t *tids, done, total;
	struct trace *t;
	bool json = false;
	ssize_t n;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			info_usage(stdout);
			return 0;
		default:
			info_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		cli_error("info", optind == argc ? "which trace? (slotslab info FILE)" :
			  "one trace at a time, not '%s' too", argv[optind + 1]);
		return EXIT_USAGE;
	}
	t = trace_open(argv[optind], NULL, &err);
	if (!t) {
		cli_error("info", "%s", err.msg);
		return trace_error_status(&err);
	}
	trace_progress(t, &done, &total);
	progress_start(&pr, "info", "bytes", total);
	while ((n = trace_next_batch(t, evs, BATCH)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (count_event(&in, &evs[i]) != 0)
				n = -2;
		if (n < 0)
			break;
		trace_progress(t, &done, &total);
		progress_draw(&pr, done);
	}
	progress_end(&pr);
	tids = n == 0 ? sorted_tids(&in.tids) : NULL;
	if (n == -1) {
		cli_error("info", "%s", trace_error(t)->msg);
		status = trace_error_status(trace_error(t));
	} else if (!tids) {
		cli_error("info", "out of memory");
		status = 1;
	} else if (json) {
		print_json(t, argv[optind], &in, tids);
	} else {
		print_text(t, argv[optind], &in, tids);
	}
	free(tids);
	free(in.tids.slot);
	trace_close(t);
	return status;
}
