// SPDX-License-Identifier: MIT
/*
 * bench/import/common.c - address-level allocation logs to trace events
 * with stable ids (the rules are in import.h).
 *
 * The live blocks sit in an open-addressing hash map keyed by address
 * (linear probing, grown at 1/2 full, backward-shift deletion, so that no
 * tombstones pile up in a log of millions of frees).  Ids are dense from 1
 * in order of allocation, so the same log always gives the same trace.
 * The map never holds address 0: a failed allocation is written with
 * block 0 and remembered nowhere.
 *
 * Memory: one 40-byte slot per live block, times at most 4 (load 1/4 to
 * 1/2), whatever the log's length.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/import/import.h"
#include "internal/compiler.h"

/* ---- the map ------------------------------------------------------------- */

static size_t blk_hash(uint64_t addr, size_t cap)
{
	addr ^= addr >> 33;
	addr *= 0xff51afd7ed558ccdULL;
	addr ^= addr >> 33;
	return (size_t)addr & (cap - 1);
}

static struct blk *map_find(const struct blkmap *m, uint64_t addr)
{
	if (!m->cap || !addr)
		return NULL;
	for (size_t i = blk_hash(addr, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->tab[i].addr == addr)
			return &m->tab[i];
		if (m->tab[i].addr == 0)
			return NULL;
	}
}

static void map_place(struct blk *tab, size_t cap, const struct blk *b)
{
	size_t i = blk_hash(b->addr, cap);

	while (tab[i].addr)
		i = (i + 1) & (cap - 1);
	tab[i] = *b;
}

static int map_reserve(struct blkmap *m)
{
	size_t cap;
	struct blk *tab;

	if ((m->n + 1) * 2 <= m->cap)
		return 0;
	cap = m->cap ? m->cap * 2 : 1024;
	tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return -1;
	for (size_t i = 0; i < m->cap; i++)
		if (m->tab[i].addr)
			map_place(tab, cap, &m->tab[i]);
	free(m->tab);
	m->tab = tab;
	m->cap = cap;
	return 0;
}

static void map_delete(struct blkmap *m, struct blk *b)
{
	size_t i = (size_t)(b - m->tab), j = i;

	for (;;) {
		j = (j + 1) & (m->cap - 1);
		if (m->tab[j].addr == 0)
			break;
		/* Entry j may fill the hole at i unless its home lies in (i, j]. */
		if (((j - blk_hash(m->tab[j].addr, m->cap)) & (m->cap - 1)) >=
		    ((j - i) & (m->cap - 1))) {
			m->tab[i] = m->tab[j];
			i = j;
		}
	}
	memset(&m->tab[i], 0, sizeof(m->tab[i]));
	m->n--;
}

/* ---- events -------------------------------------------------------------- */

void importer_init(struct importer *im, struct trace_writer *w)
{
	memset(im, 0, sizeof(*im));
	im->w = w;
}

void importer_fini(struct importer *im)
{
	free(im->live.tab);
	im->live.tab = NULL;
	im->live.cap = im->live.n = 0;
}

static int emit(struct importer *im, uint32_t tid, enum trace_kind kind, uint64_t id,
		uint64_t old_id, uint64_t size, uint64_t aux)
{
	struct trace_event ev = {
		.kind = (uint8_t)kind, .tid = tid, .id = id, .old_id = old_id, .size = size,
	};

	if (im->failed)
		return -1;
	ev.nmemb = aux;		/* align shares the field */
	im->st.events++;
	if (im->w && trace_write(im->w, &ev) != 0) {
		im->failed = true;
		return -1;
	}
	return 0;
}

/* Drop block @b (already written as freed). */
static void forget(struct importer *im, struct blk *b)
{
	im->st.live_bytes -= b->size;
	map_delete(&im->live, b);
}

/*
 * A new block at @addr: its id, remembered.  A live block at the same
 * address lost its free: it is freed first.  Return: the id, or 0 with
 * im->failed set.
 */
static uint64_t remember(struct importer *im, uint32_t tid, enum trace_kind kind, uint64_t addr,
			 uint64_t size, uint64_t aux)
{
	struct blk *old = map_find(&im->live, addr), b;

	if (old) {
		im->st.implicit_frees++;
		if (emit(im, tid, TRACE_MFREE, old->id, 0, 0, 0) != 0)
			return 0;
		forget(im, old);
	}
	if (map_reserve(&im->live) != 0) {
		im->failed = true;
		errno = ENOMEM;
		return 0;
	}
	b.addr = addr;
	b.id = ++im->next_id;
	b.size = size;
	b.aux = aux;
	b.kind = (uint8_t)kind;
	map_place(im->live.tab, im->live.cap, &b);
	im->live.n++;
	im->st.allocs++;
	im->st.live_bytes += size;
	im->st.peak_live = MAX(im->st.peak_live, im->live.n);
	im->st.peak_bytes = MAX(im->st.peak_bytes, im->st.live_bytes);
	return b.id;
}

uint64_t import_align(uint64_t align)
{
	if (align <= 1)
		return 1;
	if (IS_POWER_OF_2(align))
		return align;
	if (align > (UINT64_C(1) << 63))
		return UINT64_C(1) << 63;
	return UINT64_C(1) << (64 - __builtin_clzll(align));
}

int importer_alloc(struct importer *im, uint32_t tid, enum trace_kind kind, uint64_t addr,
		   uint64_t size, uint64_t aux)
{
	uint64_t id = 0;

	if (kind == TRACE_MEMALIGN)
		aux = import_align(aux);
	if (addr) {
		id = remember(im, tid, kind, addr, size, aux);
		if (!id)
			return -1;
	} else {
		im->st.failed++;
	}
	return emit(im, tid, kind, id, 0, size, aux);
}

int importer_free(struct importer *im, uint32_t tid, uint64_t addr)
{
	struct blk *b = map_find(&im->live, addr);
	uint64_t id;

	if (!addr)
		return im->failed ? -1 : 0;	/* free(NULL) */
	if (!b) {
		im->st.unmatched_frees++;
		return im->failed ? -1 : 0;
	}
	id = b->id;
	forget(im, b);
	return emit(im, tid, TRACE_MFREE, id, 0, 0, 0);
}

bool importer_take(struct importer *im, uint64_t addr, struct blk *out)
{
	struct blk *b = map_find(&im->live, addr);

	if (!b)
		return false;
	*out = *b;
	forget(im, b);
	return true;
}

int importer_realloc_taken(struct importer *im, uint32_t tid, uint64_t new_addr,
			   const struct blk *old, uint64_t old_addr, uint64_t size)
{
	uint64_t id = 0;

	if (old_addr && !old) {
		/* A block the log never saw: the result is a fresh allocation. */
		im->st.unmatched_reallocs++;
		if (!new_addr)
			return im->failed ? -1 : 0;
		id = remember(im, tid, TRACE_REALLOC, new_addr, size, 0);
		return id ? emit(im, tid, TRACE_MALLOC, id, 0, size, 0) : -1;
	}
	if (new_addr) {
		id = remember(im, tid, TRACE_REALLOC, new_addr, size, 0);
		if (!id)
			return -1;
	} else if (old && size) {
		/* Failed: the old block stays where it was. */
		struct blk keep = *old;

		im->st.failed++;
		if (map_reserve(&im->live) != 0) {
			im->failed = true;
			errno = ENOMEM;
			return -1;
		}
		map_place(im->live.tab, im->live.cap, &keep);
		im->live.n++;
		im->st.live_bytes += keep.size;
	} else if (!old) {
		im->st.failed++;	/* realloc(NULL, n) failed */
	}
	return emit(im, tid, TRACE_REALLOC, id, old ? old->id : 0, size, 0);
}

int importer_realloc(struct importer *im, uint32_t tid, uint64_t new_addr, uint64_t old_addr,
		     uint64_t size)
{
	struct blk old;
	bool found = old_addr && importer_take(im, old_addr, &old);

	return importer_realloc_taken(im, tid, new_addr, found ? &old : NULL, old_addr, size);
}

int importer_inherit(struct importer *im, uint32_t tid, const struct blk *blocks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct blk *b = &blocks[i];
		enum trace_kind kind = b->kind == TRACE_REALLOC ? TRACE_MALLOC : b->kind;

		if (importer_alloc(im, tid, kind, b->addr, b->size, b->aux) != 0)
			return -1;
		im->st.inherited++;
	}
	return 0;
}

static int by_id(const void *a, const void *b)
{
	const struct blk *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

struct blk *importer_snapshot(const struct importer *im, size_t *n)
{
	struct blk *out;
	size_t k = 0;

	*n = 0;
	if (!im->live.n)
		return NULL;
	out = malloc(im->live.n * sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < im->live.cap; i++)
		if (im->live.tab[i].addr)
			out[k++] = im->live.tab[i];
	qsort(out, k, sizeof(*out), by_id);
	*n = k;
	return out;
}

void importer_summary(const struct importer *im, FILE *f)
{
	const struct import_stats *s = &im->st;

	if (s->unmatched_frees || s->unmatched_reallocs)
		fprintf(f, "unmatched: %llu frees dropped, %llu reallocs written as mallocs "
			"(blocks the log never saw allocated)\n",
			(unsigned long long)s->unmatched_frees,
			(unsigned long long)s->unmatched_reallocs);
	if (s->implicit_frees)
		fprintf(f, "implicit frees: %llu (an address allocated again while live: "
			"its free was missing)\n", (unsigned long long)s->implicit_frees);
	if (s->failed)
		fprintf(f, "failed allocations: %llu (written with block 0)\n",
			(unsigned long long)s->failed);
}

/* ---- errors and fields ------------------------------------------------------- */

int import_fail(struct trace_error *err, enum trace_errcode code, int sys, const char *name,
		const char *what)
{
	memset(err, 0, sizeof(*err));
	err->code = code;
	err->sys = sys;
	err->offset = -1;
	snprintf(err->msg, sizeof(err->msg), "%.300s: %s%s%s", name, what, sys ? ": " : "",
		 sys ? strerror(sys) : "");
	return -1;
}

bool import_hex(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		len -= 2;
	}
	if (len == 0 || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return false;
		x = x << 4 | d;
	}
	*v = x;
	return true;
}

bool import_dec(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;

	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    __builtin_mul_overflow(x, 10, &x) || __builtin_add_overflow(x, (uint64_t)(s[i] - '0'), &x))
			return false;
	}
	*v = x;
	return true;
}

size_t import_split(const char *line, struct import_tok *t, size_t max)
{
	size_t n = 0;

	for (const char *p = line; *p;) {
		const char *start;

		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (n == max)
			return max + 1;
		t[n].s = start;
		t[n].len = (size_t)(p - start);
		n++;
	}
	return n;
}
