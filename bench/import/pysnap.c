// SPDX-License-Identifier: MIT
/*
 * bench/import/pysnap.c - the recorder's snapshot file made a trace: the
 * last step of `slotslab pyrecord` (pyrecorder.c).
 *
 * The snapshot file, private to pyrecord/slotslab_pyrecord_impl.py and this
 * file (version 1; both ship together):
 *
 *	slotslab-pyrecord-snapshot 1 TEXT SHAPES NSHAPES N IW WW\n
 *	TEXT bytes     a text trace v1: the header and the class and
 *	               classattr lines
 *	SHAPES bytes   NSHAPES lines "shape CLASS K NAME..." (K <= the names)
 *	N x IW bytes   each recorded instance's shape number
 *	N x WW bytes   each one's weak references (none when WW is 0)
 *
 * IW is 1 or 4, WW 0, 1 or 4: unsigned integers in native byte order (the
 * recorder runs on this machine), 1 byte when all fit.
 *
 * The events, as the recorder wrote them in text before (the same trace,
 * with Python writing 1-8 bytes per instance instead of ~90): per instance
 * i, ids 1..N in order, "new i CLASS", "set i NAME 1" for its shape's first
 * K names, "weakref i" once per weak reference; then per instance, "set i
 * NAME 1" for the rest of its shape's names.  The name __dict__, last in a
 * shape, is no attribute: the program read the instance's __dict__ (CPython
 * 3.11+ made it a dict object then), written "get i __dict__".  A last
 * name __table_N__ (N a power of two, 8 or more) is none either: the
 * instance's dict has a hash table of its own of N slots (it was assigned,
 * or under CPython 3.10-3.12 updated from another dict before any
 * attribute was set), written "set i __dict__ N" right after its "new", so
 * that its names go to that table, not to its class's shared keys.  A
 * last name __setclass_NAME__ is none either: the instance was made as
 * the shape's class and is now of class NAME (a __class__ assignment,
 * which CPython 3.13 tells by the instance's values, detached from it),
 * written "setclass i NAME" after the rest of its names.
 *
 * Checks: the text goes through the trace reader (trace_open_mem()); a
 * shape names a declared class and valid names; sizes add up
 * to the file's; every shape number is below NSHAPES.  Anything wrong
 * fails the conversion with a message (pyrecord exits 1): the writer is
 * aborted, so no OUT is left.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/import/import.h"
#include "bench/progress/progress.h"
#include "trace/tables.h"

#define MAGIC "slotslab-pyrecord-snapshot 1 "

struct shape {
	const struct trace_class *cls;
	uint32_t k, n;				/* names set at "new"; all names */
	uint64_t table;				/* __table_N__: N; else 0 */
	const struct trace_symbol *dict;	/* "__dict__", when table != 0 */
	const struct trace_class *setclass;	/* __setclass_NAME__: NAME */
	const struct trace_symbol **names;
};

struct snap {
	const char *in;
	char *buf;				/* the whole file */
	size_t size;
	const char *text, *shapes_text;
	size_t text_len, shapes_len;
	uint32_t nshapes;
	uint64_t n;
	unsigned int iw, ww;			/* bytes per number */
	const unsigned char *idx, *wrs;		/* N numbers each (wrs: if ww) */
	struct shape *shapes;
	const struct trace_symbol **names;	/* every shape's, one after another */
	struct symtab attrs;
	struct trace_error *err;
};

static int bad(struct snap *s, enum trace_errcode code, const char *what)
{
	trace_seterr(s->err, code, code == TRACE_ENOMEM ? ENOMEM : 0, s->in, 0, 0, -1,
		     "the recorder's snapshot: %s", what);
	return -1;
}

/* Number @i of an array of @w-byte numbers. */
static uint32_t num_at(const unsigned char *p, unsigned int w, uint64_t i)
{
	uint32_t v;

	if (w == 1)
		return p[i];
	memcpy(&v, p + 4 * i, sizeof(v));
	return v;
}

static int read_all(struct snap *s)
{
	FILE *f = fopen(s->in, "rb");
	long size;

	if (!f) {
		trace_seterr(s->err, TRACE_EOPEN, errno, s->in, 0, 0, -1, "%s", strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto io;
	s->size = (size_t)size;
	s->buf = malloc(s->size + 1);
	if (!s->buf) {
		fclose(f);
		return bad(s, TRACE_ENOMEM, "out of memory");
	}
	if (fread(s->buf, 1, s->size, f) != s->size)
		goto io;
	s->buf[s->size] = '\0';
	fclose(f);
	return 0;
io:
	trace_seterr(s->err, TRACE_EIO, errno, s->in, 0, 0, -1, "cannot read: %s",
		     strerror(errno));
	fclose(f);
	return -1;
}

/* The first line, and where each part lies. */
static int parse_layout(struct snap *s)
{
	char *nl = memchr(s->buf, '\n', s->size < 256 ? s->size : 256), *end;
	unsigned long long v[6];
	const char *p;
	uint64_t rest;

	if (!nl || strncmp(s->buf, MAGIC, strlen(MAGIC)) != 0)
		return bad(s, TRACE_ECORRUPT, "no 'slotslab-pyrecord-snapshot 1' line");
	p = s->buf + strlen(MAGIC);
	for (int i = 0; i < 6; i++) {
		if (*p < '0' || *p > '9')
			return bad(s, TRACE_ECORRUPT, "a malformed first line");
		errno = 0;
		v[i] = strtoull(p, &end, 10);
		if (errno || (*end != ' ' && *end != '\n'))
			return bad(s, TRACE_ECORRUPT, "a malformed first line");
		p = end + 1;
	}
	if (end != nl || v[2] > UINT32_MAX || (v[4] != 1 && v[4] != 4) ||
	    (v[5] != 0 && v[5] != 1 && v[5] != 4))
		return bad(s, TRACE_ECORRUPT, "a malformed first line");
	rest = s->size - (uint64_t)(nl + 1 - s->buf);
	if (v[0] > rest || v[1] > rest - v[0] || v[3] > (rest - v[0] - v[1]) / (v[4] + v[5]) ||
	    rest - v[0] - v[1] != v[3] * (v[4] + v[5]))
		return bad(s, TRACE_ETRUNC, "its sizes do not add up to the file's");
	s->text = nl + 1;
	s->text_len = v[0];
	s->shapes_text = s->text + s->text_len;
	s->shapes_len = v[1];
	s->nshapes = (uint32_t)v[2];
	s->n = v[3];
	s->iw = (unsigned int)v[4];
	s->ww = (unsigned int)v[5];
	s->idx = (const unsigned char *)s->shapes_text + s->shapes_len;
	s->wrs = s->idx + s->iw * s->n;
	return 0;
}

/* One space-separated token of [*p, end) on this line; advances *p. */
static size_t token(const char **p, const char *end, const char **tok)
{
	const char *q = *p;

	while (q < end && *q != ' ' && *q != '\n')
		q++;
	*tok = *p;
	*p = q;
	return (size_t)(q - *tok);
}

/*
 * N of a name "__table_N__" (N a power of two from 8 to OM_OWN_DICT_MAX's
 * 2^26, no leading zero); else 0.
 */
static uint64_t table_marker(const char *tok, size_t len)
{
	uint64_t n = 0;

	if (len < 11 || len > 18 || memcmp(tok, "__table_", 8) != 0 ||
	    memcmp(tok + len - 2, "__", 2) != 0 || tok[8] == '0')
		return 0;
	for (size_t i = 8; i < len - 2; i++) {
		if (tok[i] < '0' || tok[i] > '9')
			return 0;
		n = n * 10 + (uint64_t)(tok[i] - '0');
	}
	return n >= 8 && n <= (1u << 26) && !(n & (n - 1)) ? n : 0;
}

/* The shape lines, against the classes @t declared. */
static int parse_shapes(struct snap *s, struct trace *t)
{
	const char *p = s->shapes_text, *end = s->shapes_text + s->shapes_len, *tok;
	size_t nclasses = trace_nclasses(t), total = 0, len;
	struct symtab cls;
	int rc = -1;

	/* Every name costs at least 2 bytes ("x "): a bound for the arrays. */
	s->shapes = calloc(s->nshapes ? s->nshapes : 1, sizeof(*s->shapes));
	s->names = calloc(s->shapes_len / 2 + 1, sizeof(*s->names));
	if (!s->shapes || !s->names || symtab_init(&cls, TRACE_MAX_CLASSES) != 0)
		return bad(s, TRACE_ENOMEM, "out of memory");
	for (size_t i = 0; i < nclasses; i++) {
		const struct trace_class *c = trace_class(t, (uint32_t)i);
		const struct trace_symbol *sym = symtab_intern(&cls, c->name, strlen(c->name));

		if (!sym || sym->id != i) {
			bad(s, TRACE_ENOMEM, "out of memory");
			goto out;
		}
	}
	for (uint32_t i = 0; i < s->nshapes; i++) {
		struct shape *sh = &s->shapes[i];
		const struct trace_symbol *sym;
		unsigned long k;
		char num[16];

		if (token(&p, end, &tok) != 5 || memcmp(tok, "shape", 5) != 0 || p == end ||
		    *p++ != ' ') {
			bad(s, TRACE_ECORRUPT, "expected a 'shape' line");
			goto out;
		}
		len = token(&p, end, &tok);
		sym = len ? symtab_find(&cls, tok, len, name_hash(tok, len)) : NULL;
		if (!sym || p == end || *p++ != ' ') {
			bad(s, TRACE_ECORRUPT, "a shape of an undeclared class");
			goto out;
		}
		sh->cls = trace_class(t, sym->id);
		len = token(&p, end, &tok);
		if (len == 0 || len >= sizeof(num) || strspn(tok, "0123456789") < len) {
			bad(s, TRACE_ECORRUPT, "a shape without its count");
			goto out;
		}
		memcpy(num, tok, len);
		num[len] = '\0';
		k = strtoul(num, NULL, 10);
		sh->names = &s->names[total];
		while (p < end && *p == ' ') {
			p++;
			len = token(&p, end, &tok);
			if (!name_valid(tok, len)) {
				bad(s, TRACE_ECORRUPT, "a shape with a malformed name");
				goto out;
			}
			sym = symtab_intern(&s->attrs, tok, len);
			if (!sym) {
				bad(s, TRACE_ENOMEM, "out of memory");
				goto out;
			}
			sh->names[sh->n++] = sym;
		}
		total += sh->n;
		if (p == end || *p++ != '\n' || k > sh->n) {
			bad(s, TRACE_ECORRUPT, "a malformed shape line");
			goto out;
		}
		sh->k = (uint32_t)k;
		if (sh->n && sh->names[sh->n - 1]->len > 13 &&
		    memcmp(sh->names[sh->n - 1]->name, "__setclass_", 11) == 0) {
			const struct trace_symbol *a = sh->names[sh->n - 1];

			sym = symtab_find(&cls, a->name + 11, a->len - 13,
					  name_hash(a->name + 11, a->len - 13));
			if (!sym || memcmp(a->name + a->len - 2, "__", 2) != 0) {
				bad(s, TRACE_ECORRUPT, "a __class__ change to an undeclared class");
				goto out;
			}
			sh->setclass = trace_class(t, sym->id);
			sh->n--;
			sh->k = sh->k > sh->n ? sh->n : sh->k;
		}
		if (sh->n && (sh->table = table_marker(sh->names[sh->n - 1]->name,
						       sh->names[sh->n - 1]->len))) {
			sh->n--;		/* no name: the dict's own table */
			sh->k = sh->k > sh->n ? sh->n : sh->k;
			sh->dict = symtab_intern(&s->attrs, "__dict__", 8);
			if (!sh->dict) {
				bad(s, TRACE_ENOMEM, "out of memory");
				goto out;
			}
		}
	}
	if (p != end) {
		bad(s, TRACE_ECORRUPT, "more shape lines than it says");
		goto out;
	}
	rc = 0;
out:
	symtab_destroy(&cls);
	return rc;
}

static int put(struct trace_writer *w, uint8_t kind, uint64_t id, const struct trace_class *c,
	       const struct trace_symbol *a)
{
	struct trace_event ev = { .kind = kind, .id = id, .cls = c, .attr = a,
				  .value = kind == TRACE_SET };

	return trace_write(w, &ev);
}

/* "set @id __dict__ N": the instance's dict has a table of its own. */
static int put_table(struct trace_writer *w, uint64_t id, const struct shape *sh)
{
	struct trace_event ev = { .kind = TRACE_SET, .id = id, .attr = sh->dict,
				  .value = (int64_t)sh->table };

	return trace_write(w, &ev);
}

/* The event of name @a in a shape: a set, or the get of a __dict__ read. */
static uint8_t name_kind(const struct trace_symbol *a)
{
	return a->len == 8 && memcmp(a->name, "__dict__", 8) == 0 ? TRACE_GET : TRACE_SET;
}

/* The instances' events (see the top of this file). */
static int write_instances(struct snap *s, struct trace_writer *w)
{
	struct progress pr;
	bool later = false;
	int rc = 0;

	for (uint32_t i = 0; i < s->nshapes; i++)
		later |= s->shapes[i].k < s->shapes[i].n || s->shapes[i].setclass;
	progress_start(&pr, "pyrecord", "instances", later ? 2 * s->n : s->n);
	for (uint64_t i = 0; i < s->n && !rc; i++) {
		uint32_t x = num_at(s->idx, s->iw, i);
		const struct shape *sh;

		if (x >= s->nshapes) {
			progress_end(&pr);
			return bad(s, TRACE_ECORRUPT, "a shape number out of range");
		}
		sh = &s->shapes[x];
		rc = put(w, TRACE_NEW, i + 1, sh->cls, NULL);
		if (sh->table && !rc)
			rc = put_table(w, i + 1, sh);
		for (uint32_t j = 0; j < sh->k && !rc; j++)
			rc = put(w, name_kind(sh->names[j]), i + 1, NULL, sh->names[j]);
		for (uint32_t j = s->ww ? num_at(s->wrs, s->ww, i) : 0; j > 0 && !rc; j--)
			rc = put(w, TRACE_WEAKREF, i + 1, NULL, NULL);
		if ((i & 0xffff) == 0)
			progress_draw(&pr, i);
	}
	for (uint64_t i = 0; later && i < s->n && !rc; i++) {
		const struct shape *sh = &s->shapes[num_at(s->idx, s->iw, i)];

		for (uint32_t j = sh->k; j < sh->n && !rc; j++)
			rc = put(w, name_kind(sh->names[j]), i + 1, NULL, sh->names[j]);
		if (sh->setclass && !rc)
			rc = put(w, TRACE_SETCLASS, i + 1, sh->setclass, NULL);
		if ((i & 0xffff) == 0)
			progress_draw(&pr, s->n + i);
	}
	progress_end(&pr);
	if (rc)
		*s->err = *trace_writer_error(w);
	return rc;
}

int pysnap_convert(const char *in, const char *out, struct import_convert_result *res,
		   struct trace_error *err)
{
	struct snap s = { .in = in, .err = err };
	struct trace_writer *w = NULL;
	struct trace *t = NULL;
	int rc = -1;

	if (symtab_init(&s.attrs, TRACE_MAX_SYMBOLS) != 0)
		return bad(&s, TRACE_ENOMEM, "out of memory");
	if (read_all(&s) != 0 || parse_layout(&s) != 0)
		goto out;
	t = trace_open_mem(in, s.text, s.text_len, NULL, err);
	if (!t)
		goto out;
	w = trace_writer_open(out, TRACE_FMT_AUTO, trace_header(t, NULL), err);
	if (!w)
		goto out;
	if (import_copy(t, w, NULL, err) != 0 || parse_shapes(&s, t) != 0 ||
	    write_instances(&s, w) != 0)
		goto out;
	res->events = trace_writer_events(w);
	res->from = TRACE_FMT_TEXT;
	res->to = trace_format_for_path(out);
	rc = trace_writer_close(w, err);
	w = NULL;
out:
	if (w)
		trace_writer_abort(w);
	if (t)
		trace_close(t);
	symtab_destroy(&s.attrs);
	free(s.shapes);
	free(s.names);
	free(s.buf);
	return rc;
}
