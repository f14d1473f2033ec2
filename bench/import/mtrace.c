// SPDX-License-Identifier: MIT
/*
 * bench/import/mtrace.c - glibc's mtrace log (the file MALLOC_TRACE names).
 *
 * glibc 2.36 writes, for each call made while tracing (malloc/mtrace-impl.c,
 * in libc_malloc_debug.so since 2.34), one line, optionally preceded by the
 * caller "@ FILE:(SYMBOL+OFF)[ADDR] ", "@ FILE:[ADDR] " or "@ [ADDR] ":
 *
 *   + PTR SIZE      malloc, calloc (SIZE = the product), memalign and its
 *                   kin, realloc(NULL, SIZE); PTR "(nil)" when it failed
 *   - PTR           free (written before the block is freed); realloc(PTR, 0)
 *   < OLD           realloc moved or kept OLD ...
 *   > NEW SIZE      ... and gave NEW: the two lines always follow each other
 *   ! OLD SIZE      realloc failed; OLD stays
 *   = Start / = End mtrace() / muntrace()
 *
 * PTR is %p (0x... or "(nil)"), SIZE is %#lx ("0x64", or "0" for zero).
 * The caller part is read from the end of the line, so file names with
 * blanks do no harm.  The lines of concurrent threads never interleave
 * (each call writes under the stream's lock), and a free is written before
 * the block is released and an allocation after it is made, so the log's
 * order is one the allocator could have produced.
 */
#include <string.h>

#include "bench/import/import.h"

static bool parse_ptr(const struct import_tok *t, uint64_t *v)
{
	if (t->len == 5 && memcmp(t->s, "(nil)", 5) == 0) {
		*v = 0;
		return true;
	}
	return t->len > 2 && t->s[0] == '0' && t->s[1] == 'x' && import_hex(t->s, t->len, v);
}

static bool parse_size(const struct import_tok *t, uint64_t *v)
{
	return import_hex(t->s, t->len, v);
}

/* Is @t a single operation character? */
static char op_of(const struct import_tok *t)
{
	if (t->len == 1 && strchr("+-<>!", t->s[0]))
		return t->s[0];
	return 0;
}

static int mtrace_run(struct import_src *src, struct importer *im, FILE *notes,
		      struct trace_error *err)
{
	unsigned long starts = 0, ends = 0, other = 0;
	bool pending = false, pending_found = false;
	uint64_t pending_addr = 0;
	struct import_tok t[64];
	struct blk old;
	char *line;

	while (import_getline(src, &line) >= 0) {
		size_t n = import_split(line, t, 63), k;
		uint64_t ptr, size = 0;
		char op;

		if (n == 0)
			continue;
		if (n == 2 && t[0].len == 1 && t[0].s[0] == '=') {
			if (t[1].len == 5 && memcmp(t[1].s, "Start", 5) == 0)
				starts++;
			else if (t[1].len == 3 && memcmp(t[1].s, "End", 3) == 0)
				ends++;
			else
				return import_syntax(src, err, "expected '= Start' or '= End'");
			continue;
		}
		if (n > 63)
			return import_syntax(src, err, "line too long");
		/* OP PTR, or OP PTR SIZE, at the end; the caller before it. */
		if (n >= 3 && op_of(&t[n - 3]) && strchr("+>!", t[n - 3].s[0]))
			k = n - 3;
		else if (n >= 2 && op_of(&t[n - 2]) && strchr("-<", t[n - 2].s[0]))
			k = n - 2;
		else
			return import_syntax(src, err, "expected '[@ CALLER] OP ADDRESS [SIZE]' with "
					     "OP one of + - < > !, found '%s'", line);
		if (k > 0 && (t[0].len != 1 || t[0].s[0] != '@'))
			return import_syntax(src, err, "expected '@' before the caller, found '%.*s'",
					     (int)t[0].len, t[0].s);
		op = t[k].s[0];
		if (!parse_ptr(&t[k + 1], &ptr))
			return import_syntax(src, err, "expected an address (0x... or (nil)), found '%.*s'",
					     (int)t[k + 1].len, t[k + 1].s);
		if (k + 2 < n && !parse_size(&t[k + 2], &size))
			return import_syntax(src, err, "expected a size (0x...), found '%.*s'",
					     (int)t[k + 2].len, t[k + 2].s);
		if (pending != (op == '>'))
			return import_syntax(src, err, pending ? "expected '>' after a '<' line" :
					     "'>' without a '<' line before it");
		switch (op) {
		case '+':
			if (importer_alloc(im, 0, TRACE_MALLOC, ptr, size, 0) != 0)
				return -1;
			break;
		case '-':
			if (importer_free(im, 0, ptr) != 0)
				return -1;
			break;
		case '<':
			pending = true;
			pending_addr = ptr;
			pending_found = ptr && importer_take(im, ptr, &old);
			break;
		case '>':
			pending = false;
			if (importer_realloc_taken(im, 0, ptr, pending_found ? &old : NULL,
						   pending_addr, size) != 0)
				return -1;
			break;
		case '!':
			if (importer_realloc(im, 0, 0, ptr, size ? size : 1) != 0)
				return -1;
			break;
		}
		other++;
	}
	if (pending)
		return import_syntax(src, err, "the log ends after a '<' line");
	fprintf(notes, "mtrace: %lu calls in %lu section%s ('= Start' ... '= End')%s\n", other,
		starts, starts == 1 ? "" : "s",
		ends < starts ? "; the last has no '= End' (no muntrace, or the program died)" : "");
	return 0;
}

const struct import_format import_mtrace = {
	.name = "mtrace",
	.summary = "glibc's mtrace log (MALLOC_TRACE=FILE, the program calls mtrace())",
	.help =
	"  Text, one call per line: '[@ CALLER] + PTR SIZE' (allocation), '- PTR'\n"
	"  (free), '< OLD' then '> NEW SIZE' (realloc), '! OLD SIZE' (failed\n"
	"  realloc), between '= Start' and '= End'.  Get one with\n"
	"  MALLOC_TRACE=log LD_PRELOAD=libc_malloc_debug.so.0 PROG (glibc 2.34 and\n"
	"  later keep mtrace in that library) from a program that calls mtrace().\n"
	"  Quirks:\n"
	"  - calloc is logged as '+' with nmemb * size, and memalign,\n"
	"    posix_memalign, aligned_alloc, valloc as '+': written as malloc, the\n"
	"    alignment is lost;\n"
	"  - realloc(NULL, n) is logged as '+', realloc(p, 0) as '- p';\n"
	"  - a failed malloc is '+ (nil) SIZE' (written with block 0); free(NULL)\n"
	"    is not logged;\n"
	"  - no thread ids; blocks allocated before mtrace() was called are freed\n"
	"    without an allocation (counted as unmatched and dropped), and at exit\n"
	"    glibc frees its own buffers, also unmatched;\n"
	"  - the caller part ('@ FILE:(SYM+OFF)[ADDR]', '@ [ADDR]', or none) is\n"
	"    ignored.\n",
	.run = mtrace_run,
};
