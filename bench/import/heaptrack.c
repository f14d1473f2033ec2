// SPDX-License-Identifier: MIT
/*
 * bench/import/heaptrack.c - heaptrack 1.4's data files, both kinds:
 *
 * raw (`heaptrack --raw`, heaptrack.PROG.PID.raw.zst), what
 * libheaptrack_preload.so writes: per call one line, hexadecimal fields,
 *   + SIZE TRACE PTR     an allocation (malloc, calloc, memalign, ...)
 *   - PTR                a free (written before the block is released)
 * besides v (version), x/X (executable, command line), I (page size,
 * pages), m (mapped modules), t (backtrace nodes), c (elapsed ms),
 * R (RSS pages), A (attached) and '#' comments.
 *
 * interpreted (the default heaptrack.PROG.PID.zst: heaptrack_interpret's
 * output), where allocations are deduplicated by call site:
 *   a SIZE TRACE         allocation info number 0, 1, ... (size + site)
 *   + INFO               an allocation of that info
 *   - INFO               a free of a block of that info
 * besides v X I s (strings) i (instruction pointers) t c R A #.
 *
 * An interpreted file no longer says which block a free releases, only
 * its size and call site; the importer frees the most recent live block
 * of that info (LIFO): the bytes live at every point are exact, which
 * block goes is a guess.  Which kind a file is comes from its first
 * allocation line ('+' with three fields, or an 'a' line).
 *
 * In file format 3 (heaptrack 1.2 and later) strings are written as
 * "LEN STRING", LEN in hex, and may contain newlines: such a line is
 * joined with the next ones until LEN is reached.
 */
#include <stdlib.h>
#include <string.h>

#include "bench/import/import.h"
#include "internal/compiler.h"

enum ht_kind { HT_UNKNOWN, HT_RAW, HT_INTERPRETED };

/* The live synthetic blocks of one allocation info, most recent last. */
struct ht_stack {
	uint64_t *addr;
	uint32_t n, cap;
};

struct ht_state {
	enum ht_kind kind;
	uint64_t version, format;
	uint64_t *info_size;		/* interpreted: size per info */
	struct ht_stack *live;		/* interpreted: live blocks per info */
	size_t ninfo, cap;
	uint64_t next_addr;
	char cmdline[256];
	unsigned long timestamps;
};

/* A string field of @len chars that may go on over newlines: skip it. */
static int skip_string(struct import_src *src, const char *rest, uint64_t len,
		       struct trace_error *err)
{
	uint64_t have = strlen(rest);
	char *line;

	while (have < len) {
		if (import_getline(src, &line) < 0)
			return import_syntax(src, err, "a string of %llu characters runs past the end",
					     (unsigned long long)len);
		have += 1 + strlen(line);	/* the newline it held */
	}
	return 0;
}

static int add_info(struct ht_state *st, uint64_t size)
{
	if (st->ninfo == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 1024;
		uint64_t *s = realloc(st->info_size, cap * sizeof(*s));
		struct ht_stack *l;

		if (!s)
			return -1;
		st->info_size = s;
		l = realloc(st->live, cap * sizeof(*l));
		if (!l)
			return -1;
		memset(l + st->cap, 0, (cap - st->cap) * sizeof(*l));
		st->live = l;
		st->cap = cap;
	}
	st->info_size[st->ninfo++] = size;
	return 0;
}

static int push(struct ht_stack *s, uint64_t addr)
{
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 4;
		uint64_t *a = realloc(s->addr, cap * sizeof(*a));

		if (!a)
			return -1;
		s->addr = a;
		s->cap = cap;
	}
	s->addr[s->n++] = addr;
	return 0;
}

static int set_kind(struct ht_state *st, enum ht_kind k, struct import_src *src,
		    struct trace_error *err)
{
	if (st->kind != HT_UNKNOWN && st->kind != k)
		return import_syntax(src, err, "a %s line in a %s file", k == HT_RAW ? "raw" :
				     "interpreted", st->kind == HT_RAW ? "raw" : "interpreted");
	st->kind = k;
	return 0;
}

static int line_event(struct ht_state *st, struct import_src *src, struct importer *im,
		      char type, struct import_tok *t, size_t n, struct trace_error *err)
{
	uint64_t v[3];

	for (size_t i = 1; i < n && i < 4; i++)
		if (!import_hex(t[i].s, t[i].len, &v[i - 1]))
			return import_syntax(src, err, "'%c': expected a hexadecimal number, found '%.*s'",
					     type, (int)t[i].len, t[i].s);
	switch (type) {
	case 'a':
		if (n != 3)
			return import_syntax(src, err, "expected 'a SIZE TRACE'");
		if (set_kind(st, HT_INTERPRETED, src, err) != 0)
			return -1;
		if (add_info(st, v[0]) != 0) {
			im->failed = true;
			return -1;
		}
		return 0;
	case '+':
		if (n == 4) {
			if (set_kind(st, HT_RAW, src, err) != 0)
				return -1;
			return importer_alloc(im, 0, TRACE_MALLOC, v[2], v[0], 0);
		}
		if (n != 2 || set_kind(st, HT_INTERPRETED, src, err) != 0)
			return n != 2 ? import_syntax(src, err, "expected '+ SIZE TRACE PTR' or '+ INFO'") : -1;
		if (v[0] >= st->ninfo)
			return import_syntax(src, err, "allocation info %llu was never defined ('a' line)",
					     (unsigned long long)v[0]);
		if (push(&st->live[v[0]], ++st->next_addr) != 0) {
			im->failed = true;
			return -1;
		}
		return importer_alloc(im, 0, TRACE_MALLOC, st->next_addr, st->info_size[v[0]], 0);
	case '-':
		if (n != 2)
			return import_syntax(src, err, "expected '- PTR' or '- INFO'");
		if (st->kind != HT_INTERPRETED)
			/* raw, or nothing allocated yet */
			return importer_free(im, 0, v[0]);
		if (v[0] >= st->ninfo)
			return import_syntax(src, err, "allocation info %llu was never defined ('a' line)",
					     (unsigned long long)v[0]);
		if (!st->live[v[0]].n)
			return importer_free(im, 0, UINT64_MAX);	/* counted as unmatched */
		return importer_free(im, 0, st->live[v[0]].addr[--st->live[v[0]].n]);
	}
	return 0;
}

static int ht_run(struct import_src *src, struct importer *im, FILE *notes,
		  struct trace_error *err)
{
	struct ht_state st;
	struct import_tok t[8];
	int rc = -1;
	char *line;

	memset(&st, 0, sizeof(st));
	while (import_getline(src, &line) >= 0) {
		size_t n;
		uint64_t len;
		char type = line[0];

		if (!type || type == '#')
			continue;
		if (line[1] != ' ' && line[1] != 0) {
			import_syntax(src, err, "expected a one-letter record type, found '%.20s'", line);
			goto out;
		}
		switch (type) {
		case 'v':
			n = import_split(line, t, 3);
			if (n < 2 || !import_hex(t[1].s, t[1].len, &st.version) ||
			    (n > 2 && !import_hex(t[2].s, t[2].len, &st.format))) {
				import_syntax(src, err, "expected 'v VERSION FILEFORMAT' in hex");
				goto out;
			}
			if (st.format > 3) {
				import_syntax(src, err, "file format %llu is newer than this importer knows (3)",
					      (unsigned long long)st.format);
				goto out;
			}
			break;
		case 'X':
			snprintf(st.cmdline, sizeof(st.cmdline), "%s", line + 2);
			break;
		case 's':
		case 'x':
		case 'm':
			/* Length-prefixed strings from format 3 on; skip them whole. */
			if (st.format >= 3) {
				const char *sp = strchr(line + 2, ' ');

				if (!import_hex(line + 2, sp ? (size_t)(sp - line - 2) : strlen(line + 2), &len)) {
					import_syntax(src, err, "'%c': expected a string length in hex", type);
					goto out;
				}
				if (skip_string(src, sp ? sp + 1 : "", len, err) != 0)
					goto out;
			}
			break;
		case 'c':
			st.timestamps++;
			break;
		case 'I': case 'i': case 't': case 'R': case 'A':
			break;
		case 'a': case '+': case '-':
			n = import_split(line, t, 4);
			if (line_event(&st, src, im, type, t, n, err) != 0)
				goto out;
			break;
		default:
			import_syntax(src, err, "unknown record type '%c'", type);
			goto out;
		}
	}
	if (!st.version) {
		import_syntax(src, err, "no 'v' line: not a heaptrack file");
		goto out;
	}
	fprintf(notes, "heaptrack %llu.%llu.%llu, file format %llu, %s%s%s\n",
		(unsigned long long)(st.version >> 16), (unsigned long long)(st.version >> 8 & 0xff),
		(unsigned long long)(st.version & 0xff), (unsigned long long)st.format,
		st.kind == HT_INTERPRETED ? "interpreted (frees matched to the latest block of "
		"their call site and size)" : "raw", st.cmdline[0] ? ": " : "", st.cmdline);
	rc = 0;
out:
	for (size_t i = 0; i < st.ninfo; i++)
		free(st.live[i].addr);
	free(st.live);
	free(st.info_size);
	return rc;
}

const struct import_format import_heaptrack = {
	.name = "heaptrack",
	.summary = "heaptrack 1.4 data: heaptrack.PROG.PID.zst, or .raw.zst from --raw",
	.help =
	"  Text, zstd-compressed (gzip with older builds; decompressed through the\n"
	"  zstd or gzip program), one record per line, hexadecimal numbers.  Both\n"
	"  kinds heaptrack writes are read: the default interpreted file\n"
	"  (heaptrack PROG -> heaptrack.PROG.PID.zst: 'a SIZE TRACE' defines\n"
	"  allocation info N, '+ N' allocates one, '- N' frees one) and the raw one\n"
	"  (heaptrack --raw PROG -> .raw.zst: '+ SIZE TRACE PTR', '- PTR').\n"
	"  Quirks:\n"
	"  - the interpreted file says which call site and size a free belongs to,\n"
	"    not which block: the latest live block of that info is freed (exact\n"
	"    bytes at every point, approximate block identity); the raw file is\n"
	"    exact;\n"
	"  - a realloc is logged as a free of the old block and an allocation of\n"
	"    the new one (also when it stays in place): written that way;\n"
	"    realloc(p, 0), which frees p, is not logged at all: p stays live (in a\n"
	"    raw file until its address is allocated again: an implicit free);\n"
	"  - calloc is logged with nmemb * size, memalign and its kin without the\n"
	"    alignment: all are written as malloc; failed calls are not logged;\n"
	"  - no thread ids; string records (s, x, m) in file format 3 carry their\n"
	"    length and may span lines; c (time) and R (RSS) records are skipped;\n"
	"  - blocks allocated before heaptrack attached (-p PID) are freed\n"
	"    without an allocation: counted as unmatched, dropped.\n",
	.run = ht_run,
};
