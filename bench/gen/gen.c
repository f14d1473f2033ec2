// SPDX-License-Identifier: MIT
/*
 * bench/gen/gen.c - the generator framework: random numbers, the header, and
 * the event helpers scenarios call (gen.h).
 *
 * Random numbers: xoshiro256** (Blackman & Vigna 2018), its state seeded by
 * four splitmix64 steps from --seed; gen_below() is Lemire's unbiased
 * multiply-and-reject (2019).  Same seed, same parameters: same bytes.
 *
 * A generator has its own symbol and class tables: gen_class() declares a
 * class there (so a scenario that broke rule 5 or 9 would fail right away)
 * and hands the declaration to trace_write(), which re-declares it by name
 * in the writer's tables.  Events point at the generator's names, and the
 * writer resolves them by name, as for any other source.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/gen/gen.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t gen_rand(struct gen *g)
{
	uint64_t *s = g->rng;
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

uint64_t gen_below(struct gen *g, uint64_t n)
{
	unsigned __int128 m = (unsigned __int128)gen_rand(g) * n;
	uint64_t low = (uint64_t)m;

	if (low < n) {
		uint64_t floor = (0 - n) % n;

		while (low < floor) {
			m = (unsigned __int128)gen_rand(g) * n;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

void gen_shuffle(struct gen *g, uint64_t *ids, uint64_t n)
{
	for (uint64_t i = n; i > 1; i--) {
		uint64_t j = gen_below(g, i), t = ids[i - 1];

		ids[i - 1] = ids[j];
		ids[j] = t;
	}
}

static void gen_fail(struct gen *g, enum trace_errcode code, const char *fmt, ...)
	__printf(3, 4);

static void gen_fail(struct gen *g, enum trace_errcode code, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (g->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	trace_seterr(&g->err, code, code == TRACE_ENOMEM ? ENOMEM : 0, "gen", 0, 0, -1, "%s", msg);
	g->failed = true;
}

void *gen_calloc_state(struct gen *g, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		gen_fail(g, TRACE_ENOMEM, "out of memory for %zu x %zu bytes of state", n, size);
	return p;
}

void gen_note(struct gen *g, const char *fmt, ...)
{
	char line[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (g->w)
		gen_fail(g, TRACE_EINVAL, "header note after the first event: %s", line);
	else if (trace_header_add_line(&g->notes, &g->notes_len, line, strlen(line)) != 0)
		gen_fail(g, TRACE_ENOMEM, "out of memory");
}

void gen_begin(struct gen *g)
{
	if (g->failed || g->w)
		return;
	g->w = trace_writer_open(g->path, TRACE_FMT_AUTO, g->notes, &g->err);
	if (!g->w)
		g->failed = true;
}

uint32_t gen_tid(const struct gen *g, uint64_t id)
{
	return g->p.threads > 1 ? (uint32_t)(id % g->p.threads) : 0;
}

uint32_t gen_tid_free(struct gen *g, uint64_t id)
{
	if (g->p.threads > 1 && gen_below(g, 8) == 0)
		return (uint32_t)((id + 1 + gen_below(g, g->p.threads - 1)) % g->p.threads);
	return gen_tid(g, id);
}

const struct trace_symbol *gen_sym(struct gen *g, const char *name)
{
	const struct trace_symbol *s = symtab_intern(&g->syms, name, strlen(name));

	if (!s)
		gen_fail(g, TRACE_ENOMEM, "out of memory");
	return s;
}

static void emit(struct gen *g, const struct trace_event *ev)
{
	if (!g->w)
		gen_begin(g);
	if (g->failed)
		return;
	if (trace_write(g->w, ev) != 0) {
		g->err = *trace_writer_error(g->w);
		g->failed = true;
		return;
	}
	if (g->pr)
		progress_update(g->pr, trace_writer_events(g->w));
}

const struct trace_class *gen_class(struct gen *g, const char *name, unsigned int flags,
				    const struct trace_class *base, const char *slots)
{
	const struct trace_symbol *names[64];
	struct class_decl d = { .name = name, .len = strlen(name), .flags = (uint8_t)flags,
				.base = base, .slots = names };
	const struct trace_class *c;
	enum trace_errcode code;
	char msg[300];

	if (slots)
		d.flags |= TRACE_CF_SLOTS;
	for (const char *p = slots; p && *p;) {
		size_t n = strcspn(p, ",");
		const struct trace_symbol *s = symtab_intern(&g->syms, p, n);

		if (!s || d.nslots == ARRAY_SIZE(names)) {
			gen_fail(g, s ? TRACE_ELIMIT : TRACE_ENOMEM, "class %s: %s", name,
				 s ? "more slots than gen_class() takes" : "out of memory");
			return NULL;
		}
		names[d.nslots++] = s;
		p += n + (p[n] == ',');
	}
	c = classtab_declare(&g->classes, &d, &code, msg, sizeof(msg));
	if (!c) {
		gen_fail(g, code, "%s", msg);
		return NULL;
	}
	emit(g, &(struct trace_event){ .kind = TRACE_CLASS, .cls = c });
	return c;
}

void gen_classattr(struct gen *g, const struct trace_class *c, const struct trace_symbol *a,
		   int64_t v)
{
	emit(g, &(struct trace_event){ .kind = TRACE_CLASSATTR, .cls = c, .attr = a, .value = v });
}

void gen_new(struct gen *g, uint32_t tid, uint64_t obj, const struct trace_class *c)
{
	emit(g, &(struct trace_event){ .kind = TRACE_NEW, .tid = tid, .id = obj, .cls = c });
}

void gen_set(struct gen *g, uint32_t tid, uint64_t obj, const struct trace_symbol *a, int64_t v)
{
	emit(g, &(struct trace_event){ .kind = TRACE_SET, .tid = tid, .id = obj, .attr = a,
				       .value = v });
}

void gen_get(struct gen *g, uint32_t tid, uint64_t obj, const struct trace_symbol *a)
{
	emit(g, &(struct trace_event){ .kind = TRACE_GET, .tid = tid, .id = obj, .attr = a });
}

void gen_del(struct gen *g, uint32_t tid, uint64_t obj, const struct trace_symbol *a)
{
	emit(g, &(struct trace_event){ .kind = TRACE_DEL, .tid = tid, .id = obj, .attr = a });
}

void gen_free(struct gen *g, uint32_t tid, uint64_t obj)
{
	emit(g, &(struct trace_event){ .kind = TRACE_FREE, .tid = tid, .id = obj });
}

void gen_weakref(struct gen *g, uint32_t tid, uint64_t obj)
{
	emit(g, &(struct trace_event){ .kind = TRACE_WEAKREF, .tid = tid, .id = obj });
}

void gen_setclass(struct gen *g, uint32_t tid, uint64_t obj, const struct trace_class *c)
{
	emit(g, &(struct trace_event){ .kind = TRACE_SETCLASS, .tid = tid, .id = obj, .cls = c });
}

void gen_malloc(struct gen *g, uint32_t tid, uint64_t id, uint64_t size)
{
	emit(g, &(struct trace_event){ .kind = TRACE_MALLOC, .tid = tid, .id = id, .size = size });
}

void gen_calloc(struct gen *g, uint32_t tid, uint64_t id, uint64_t nmemb, uint64_t size)
{
	emit(g, &(struct trace_event){ .kind = TRACE_CALLOC, .tid = tid, .id = id,
				       .nmemb = nmemb, .size = size });
}

void gen_realloc(struct gen *g, uint32_t tid, uint64_t id, uint64_t old, uint64_t size)
{
	emit(g, &(struct trace_event){ .kind = TRACE_REALLOC, .tid = tid, .id = id,
				       .old_id = old, .size = size });
}

void gen_memalign(struct gen *g, uint32_t tid, uint64_t id, uint64_t align, uint64_t size)
{
	emit(g, &(struct trace_event){ .kind = TRACE_MEMALIGN, .tid = tid, .id = id,
				       .align = align, .size = size });
}

void gen_mfree(struct gen *g, uint32_t tid, uint64_t id)
{
	emit(g, &(struct trace_event){ .kind = TRACE_MFREE, .tid = tid, .id = id });
}

const struct scenario *gen_find(const char *name)
{
	for (size_t i = 0; i < gen_nscenarios; i++)
		if (strcmp(gen_scenarios[i].name, name) == 0)
			return &gen_scenarios[i];
	return NULL;
}

static void note_command(struct gen *g, const struct scenario *sc)
{
	char line[300];
	int n = snprintf(line, sizeof(line), "slotslab gen %s --objects %llu", sc->name,
			 (unsigned long long)g->p.objects);

	if (sc->ops)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " --ops %llu",
			      (unsigned long long)g->p.ops);
	if (g->p.threads > 1)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " --threads %u", g->p.threads);
	if (g->p.attrs >= 0)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " --attrs %d", g->p.attrs);
	snprintf(line + n, sizeof(line) - (size_t)n, " --seed %llu",
		 (unsigned long long)g->p.seed);
	gen_note(g, "%s", line);
	gen_note(g, "scenario %s: %s", sc->name, sc->summary);
	for (const char *p = sc->claim; *p;) {
		size_t len = strcspn(p, "\n");

		gen_note(g, "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
	}
}

int64_t gen_run(const struct scenario *sc, const struct gen_params *p, const char *path,
		struct progress *pr, struct trace_error *err)
{
	struct gen g = { .p = *p, .pr = pr, .path = path };
	uint64_t x;
	int64_t events = -1;
	int r;

	if (!g.p.objects)
		g.p.objects = sc->objects;
	if (!g.p.ops)
		g.p.ops = g.p.objects * sc->ops / 100;
	if (!g.p.threads)
		g.p.threads = 1;
	x = g.p.seed;
	for (int i = 0; i < 4; i++)
		g.rng[i] = splitmix64(&x);
	if (symtab_init(&g.syms, TRACE_MAX_SYMBOLS) != 0 || classtab_init(&g.classes) != 0) {
		trace_seterr(err, TRACE_ENOMEM, ENOMEM, path, 0, 0, -1, "out of memory");
		goto out;
	}
	note_command(&g, sc);
	r = sc->run(&g);
	gen_begin(&g);
	if (r != 0 || g.failed) {
		*err = g.err;
		if (g.w)
			trace_writer_abort(g.w);
		goto out;
	}
	events = (int64_t)trace_writer_events(g.w);
	if (trace_writer_close(g.w, err) != 0)
		events = -1;
out:
	classtab_destroy(&g.classes);
	symtab_destroy(&g.syms);
	free(g.notes);
	return events;
}
