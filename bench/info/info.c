// SPDX-License-Identifier: MIT
/*
 * bench/info/info.c - what a trace holds (`slotslab info`): one read with
 * counters only, then the table or the JSON object.  What is counted, and
 * how, is in info.h.
 *
 * Thread ids go into an open-addressing set that doubles when half full
 * (struct info_tids); after the read they are copied out sorted.  Out of
 * memory there is the only failure of ours; the reader's errors (malformed,
 * corrupt, I/O) pass through unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "bench/info/info.h"
#include "internal/compiler.h"

#define BATCH 1024

static int tid_insert(struct info_tids *s, uint64_t key)
{
	uint32_t i;

	if (2 * (s->n + 1) > s->mask + 1) {
		struct info_tids bigger = { .mask = s->mask ? s->mask * 2 + 1 : 15 };

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
static uint64_t *sorted_tids(const struct info_tids *s)
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
	return tid_insert(&in->set, (uint64_t)ev->tid + 1);
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

void info_print_text(FILE *f, const struct trace *t, const char *path, const struct info *in)
{
	uint64_t done, total;
	const char *hdr = trace_header(t, NULL);

	trace_progress(t, &done, &total);
	fprintf(f, "trace      %s\n", path);
	fprintf(f, "format     %s, %llu bytes, read with %s\n",
	       trace_format(t) == TRACE_FMT_BINARY ? "binary v1" : "text v1",
	       (unsigned long long)total, trace_io_name(t));
	for (const char *p = hdr; *p;) {
		size_t len = strcspn(p, "\n");

		fprintf(f, "%s| %.*s\n", p == hdr ? "header     " : "           ", (int)len, p);
		p += len + (p[len] == '\n');
	}
	fprintf(f, "events     %llu", (unsigned long long)in->events);
	if (in->events)
		fprintf(f, " (%.2f bytes per event)", (double)total / (double)in->events);
	fprintf(f, "\n");
	for (int k = 1; k < TRACE_NR_KINDS; k++)
		if (in->kinds[k])
			fprintf(f, "  %-9s %llu\n", trace_kind_name((unsigned int)k),
			       (unsigned long long)in->kinds[k]);
	fprintf(f, "objects    peak %lld live (new - free), %lld live at the end\n",
	       (long long)in->live_peak, (long long)in->live);
	fprintf(f, "blocks     peak %lld live (malloc level), %lld live at the end\n",
	       (long long)in->blocks_peak, (long long)in->blocks);
	fprintf(f, "threads    %u:", in->ntids);
	for (uint32_t i = 0; i < in->ntids && i < 32; i++)
		fprintf(f, " %llu", (unsigned long long)in->tids[i]);
	fprintf(f, "%s\n", in->ntids > 32 ? " ..." : "");
	fprintf(f, "classes    %zu\n", trace_nclasses(t));
	for (uint32_t i = 0; i < trace_nclasses(t); i++) {
		const struct trace_class *c = trace_class(t, i);

		fprintf(f, "  ");
		trace_class_print(c, put_file, f);
		fprintf(f, "\n      slots in all: %u%s%s%s\n", c->nslots_total,
		       c->eff & TRACE_CF_DICT ? ", dict" : ", no dict",
		       c->eff & TRACE_CF_WEAKREF ? ", weakref" : ", no weakref",
		       c->eff & TRACE_CF_VARSIZE ? ", variable size" : "");
	}
	fprintf(f, "attributes %zu:", trace_nsymbols(t));
	for (uint32_t i = 0; i < trace_nsymbols(t) && i < 64; i++)
		fprintf(f, " %s", trace_symbol(t, i)->name);
	fprintf(f, "%s\n", trace_nsymbols(t) > 64 ? " ..." : "");
}

void info_print_json(FILE *f, const struct trace *t, const char *path, const struct info *in)
{
	uint64_t done, total;

	trace_progress(t, &done, &total);
	fprintf(f, "{\"trace\": ");
	json_string(f, path);
	fprintf(f, ", \"format\": \"%s\", \"bytes\": %llu, \"io\": \"%s\", \"header\": ",
	       trace_format(t) == TRACE_FMT_BINARY ? "binary" : "text",
	       (unsigned long long)total, trace_io_name(t));
	json_string(f, trace_header(t, NULL));
	fprintf(f, ", \"events\": %llu, \"kinds\": {", (unsigned long long)in->events);
	for (int k = 1; k < TRACE_NR_KINDS; k++)
		fprintf(f, "%s\"%s\": %llu", k > 1 ? ", " : "", trace_kind_name((unsigned int)k),
		       (unsigned long long)in->kinds[k]);
	fprintf(f, "}, \"objects_peak\": %lld, \"objects_live_end\": %lld, "
	       "\"blocks_peak\": %lld, \"blocks_live_end\": %lld, \"threads\": [",
	       (long long)in->live_peak, (long long)in->live, (long long)in->blocks_peak,
	       (long long)in->blocks);
	for (uint32_t i = 0; i < in->ntids; i++)
		fprintf(f, "%s%llu", i ? ", " : "", (unsigned long long)in->tids[i]);
	fprintf(f, "], \"classes\": [");
	for (uint32_t i = 0; i < trace_nclasses(t); i++) {
		const struct trace_class *c = trace_class(t, i);

		fprintf(f, "%s{\"name\": \"%s\", \"base\": ", i ? ", " : "", c->name);
		if (c->base)
			fprintf(f, "\"%s\"", c->base->name);
		else
			fprintf(f, "null");
		fprintf(f, ", \"slots\": ");
		if (c->flags & TRACE_CF_SLOTS) {
			fprintf(f, "[");
			for (uint32_t s = 0; s < c->nslots; s++)
				fprintf(f, "%s\"%s\"", s ? ", " : "", c->slots[s]->name);
			fprintf(f, "]");
		} else {
			fprintf(f, "null");
		}
		fprintf(f, ", \"declared\": [");
		print_flags(f, c->flags, ", ");
		fprintf(f, "], \"resolved\": [");
		print_flags(f, c->eff, ", ");
		fprintf(f, "], \"slots_total\": %u}", c->nslots_total);
	}
	fprintf(f, "], \"attributes\": [");
	for (uint32_t i = 0; i < trace_nsymbols(t); i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", trace_symbol(t, i)->name);
	fprintf(f, "]}\n");
}

int info_read(struct info *in, struct trace *t, struct progress *pr, struct trace_error *err)
{
	struct trace_event evs[BATCH];
	uint64_t done, total;
	ssize_t n;

	memset(in, 0, sizeof(*in));
	while ((n = trace_next_batch(t, evs, BATCH)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (count_event(in, &evs[i]) != 0)
				n = -2;
		if (n < 0)
			break;
		if (pr) {
			trace_progress(t, &done, &total);
			progress_draw(pr, done);
		}
	}
	if (n == -1) {
		*err = *trace_error(t);
		return -1;
	}
	in->tids = n == 0 ? sorted_tids(&in->set) : NULL;
	if (!in->tids) {
		*err = (struct trace_error){ .code = TRACE_ENOMEM, .offset = -1,
					     .msg = "out of memory" };
		return -1;
	}
	in->ntids = in->set.n;
	return 0;
}

void info_free(struct info *in)
{
	free(in->tids);
	free(in->set.slot);
	in->tids = NULL;
	in->set.slot = NULL;
}
