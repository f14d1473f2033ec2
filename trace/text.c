// SPDX-License-Identifier: MIT
/*
 * trace/text.c - text traces, v1 (docs/DESIGN.md section 6): the streaming
 * parser and the writer.
 *
 * Grammar (one event per line; "blank" is a space or a tab):
 *
 *   line   = blank* [ '#' any* | [ '@' TID blank+ ] event blank* ] ['\r'] '\n'
 *   event  = "class" NAME { blank+ option }
 *          | KIND { blank+ operand }      operands per trace_kinds[]
 *   option = "slots=" [ NAME { ',' NAME } ] | "dict" | "weakref"
 *          | "base=" NAME | "varsize"     each at most once, in any order
 *   NAME   = [A-Za-z_][A-Za-z0-9_]*, at most TRACE_MAX_NAME bytes
 *   TID    = decimal, 0 .. 2^32-1;  ids, sizes: decimal, 0 .. 2^64-1;
 *   INT    = ['-'] decimal, -2^63 .. 2^63-1;  ALIGN: a power of two
 *
 * The last line may lack its '\n'; a line may be at most TRACE_MAX_LINE
 * bytes, a class declaration at most TRACE_MAX_CLASS_LINE in canonical
 * form (so that it can take a thread prefix), a trace at most
 * TRACE_MAX_CLASSES classes, TRACE_MAX_SYMBOLS attribute names and
 * TRACE_MAX_SLOTS slots per class line.  Comments are whole lines: a '#'
 * after an event is an error.  Every class used by an event, and every
 * base, must be declared on an earlier line; class lines are checked
 * against rules 5 and 9 by classtab_declare().  Anything else is fatal:
 * the message names the file, the line, the column of the offending
 * token, the event, and what was expected there.
 *
 * Streaming: the file comes in chunks (trace_io.c).  A line inside one
 * chunk is parsed in place; a line that straddles chunks is assembled in a
 * carry buffer of TRACE_MAX_LINE bytes.  The parser holds one chunk, the
 * carry buffer and the name tables: nothing grows with the trace's length.
 *
 * Header: the comment lines before the first event, each without its '#'
 * and one following blank, become the trace's header (trace_header()),
 * which both formats keep.  Later comments and blank lines are dropped.
 *
 * Canonical form, as the writer prints it; this is all a conversion to
 * binary and back changes (comments and blank lines aside):
 *   - one event per line, tokens separated by one space, no leading or
 *     trailing blanks, "\n" line ends (no "\r");
 *   - no "@0 " prefix (thread 0 is the default);
 *   - numbers in plain decimal: no leading zeros, "-0" is "0";
 *   - class options in the order slots=, dict, weakref, base=, varsize;
 *   - the header: the comment lines before the first event, as "# TEXT"
 *     ("#" when empty), without trailing blanks, each cut at a NUL byte and
 *     at TRACE_MAX_LINE - 2 bytes, TRACE_MAX_HEADER bytes in all (later
 *     header lines are dropped); no other comments, no blank lines.
 * A canonical trace reads back to the same events and prints to the same
 * bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/internal.h"

/**
 * struct text_reader - parser state
 * @cur:       the chunk being parsed; @pos bytes of it are consumed
 * @carry:     a line that straddles chunks, @carry_len bytes so far
 * @line:      the number of the last line returned
 * @pend:      the first event line, read while collecting the header and
 *             parsed by the first next() (valid until the next read_line())
 * @slots:     scratch space for a class line's slot list
 */
struct text_reader {
	struct src_chunk cur;
	size_t pos;
	char *carry;
	size_t carry_len;
	unsigned long line;
	const char *pend;
	size_t pend_len;
	const struct trace_symbol **slots;
};

/* A position in the line being parsed, and what it belongs to. */
struct cursor {
	struct trace *t;
	const char *line, *p, *end;
	unsigned long lineno;
	const char *kind;	/* event name, for messages */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int line_too_long(struct trace *t, struct text_reader *tr)
{
	trace_seterr(&t->err, TRACE_ELIMIT, 0, t->name, tr->line + 1, 0, -1,
		     "line longer than %d bytes", TRACE_MAX_LINE);
	return -1;
}

static int carry_append(struct trace *t, struct text_reader *tr, const uint8_t *p, size_t n)
{
	if (tr->carry_len + n > TRACE_MAX_LINE)
		return line_too_long(t, tr);
	memcpy(tr->carry + tr->carry_len, p, n);
	tr->carry_len += n;
	return 0;
}

/* The next line, without its '\n' (and '\r'): 1, 0 at the end, -1 on error. */
static int read_line(struct trace *t, struct text_reader *tr, const char **line, size_t *len)
{
	for (;;) {
		if (tr->pos < tr->cur.len) {
			const uint8_t *start = tr->cur.p + tr->pos;
			size_t avail = tr->cur.len - tr->pos;
			const uint8_t *nl = memchr(start, '\n', avail);
			size_t n = nl ? (size_t)(nl - start) : avail;

			if (!nl || tr->carry_len) {
				if (carry_append(t, tr, start, n) != 0)
					return -1;
				tr->pos += n;
				if (!nl)
					continue;
				*line = tr->carry;
				*len = tr->carry_len;
				tr->carry_len = 0;
			} else {
				if (n > TRACE_MAX_LINE)
					return line_too_long(t, tr);
				*line = (const char *)start;
				*len = n;
				tr->pos += n;
			}
			tr->pos += 1;
			break;
		}
		int r = src_next(&t->src, &tr->cur, &t->err);

		tr->pos = 0;
		if (r < 0)
			return -1;
		if (r == 0) {
			tr->cur.len = 0;
			if (!tr->carry_len)
				return 0;
			*line = tr->carry;
			*len = tr->carry_len;
			tr->carry_len = 0;
			break;
		}
	}
	tr->line++;
	if (*len && (*line)[*len - 1] == '\r')
		(*len)--;
	return 1;
}

static void skip_blanks(struct cursor *c)
{
	while (c->p < c->end && is_blank(*c->p))
		c->p++;
}

/* The next blank-delimited token; false at the end of the line. */
static bool next_token(struct cursor *c, const char **tok, size_t *len)
{
	skip_blanks(c);
	*tok = c->p;
	while (c->p < c->end && !is_blank(*c->p))
		c->p++;
	*len = (size_t)(c->p - *tok);
	return *len > 0;
}

static int parse_fail(struct cursor *c, enum trace_errcode code, const char *at,
		      const char *fmt, ...) __printf(4, 5);

static int parse_fail(struct cursor *c, enum trace_errcode code, const char *at,
		      const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	trace_seterr(&c->t->err, code, code == TRACE_ENOMEM ? ENOMEM : 0, c->t->name,
		     c->lineno, (unsigned long)(at - c->line) + 1, -1, "%s%s%s",
		     c->kind ? c->kind : "", c->kind ? ": " : "", msg);
	return -1;
}

/* "expected WHAT, found 'TOK'" (or "found end of line", or the next byte). */
static int expected(struct cursor *c, const char *what, const char *tok, size_t len,
		    const char *why)
{
	char q[200];

	if (!len && tok >= c->end)
		return parse_fail(c, TRACE_ESYNTAX, tok, "expected %s, found end of line", what);
	if (!len)	/* an empty name inside a token: show what follows */
		len = 1;
	trace_quote(q, sizeof(q), tok, len);
	return parse_fail(c, TRACE_ESYNTAX, tok, "expected %s, found '%s'%s", what, q, why);
}

/* Decimal digits to a u64; 0 ok, -1 not a number, -2 out of range. */
static int parse_u64(const char *s, size_t len, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	if (!len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned int d = (unsigned int)(s[i] - '0');

		if (d > 9)
			return -1;
		if (x > (max - d) / 10)
			return -2;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

static int parse_number(struct cursor *c, enum trace_field f, const char *tok, size_t len,
			struct trace_event *ev)
{
	bool neg = f == F_VALUE && len > 1 && tok[0] == '-';
	uint64_t v;
	int r;

	r = parse_u64(tok + neg, len - neg, neg ? (uint64_t)INT64_MAX + 1 :
		      f == F_VALUE ? (uint64_t)INT64_MAX : UINT64_MAX, &v);
	if (r == 0 && f == F_ALIGN && !IS_POWER_OF_2(v))
		r = -1;
	if (r != 0)
		return expected(c, trace_field_what(f), tok, len, r == -2 ? " (out of range)" : "");
	switch (f) {
	case F_OBJ:
	case F_BLOCK:
		ev->id = v;
		break;
	case F_OLDBLOCK:
		ev->old_id = v;
		break;
	case F_SIZE:
		ev->size = v;
		break;
	case F_NMEMB:
	case F_ALIGN:
		ev->nmemb = v;
		break;
	default:
		ev->value = neg ? (int64_t)(0 - v) : (int64_t)v;
		break;
	}
	return 0;
}

static const struct trace_symbol *intern_attr(struct cursor *c, const char *tok, size_t len,
					      const char *what)
{
	const struct trace_symbol *s;

	if (!name_valid(tok, len)) {
		expected(c, what, tok, len, "");
		return NULL;
	}
	s = symtab_intern(&c->t->syms, tok, len);
	if (!s)
		parse_fail(c, errno == ENOSPC ? TRACE_ELIMIT : TRACE_ENOMEM, tok, "%s",
			   errno == ENOSPC ? "more distinct attribute names than the limit "
			   "(1048576)" : "out of memory");
	return s;
}

static const struct trace_class *find_class(struct cursor *c, const char *tok, size_t len,
					    const char *what)
{
	const struct trace_class *cls;
	char q[200];

	if (!name_valid(tok, len)) {
		expected(c, what, tok, len, "");
		return NULL;
	}
	cls = classtab_find(&c->t->classes, tok, len, name_hash(tok, len));
	if (!cls) {
		trace_quote(q, sizeof(q), tok, len);
		parse_fail(c, TRACE_ECLASS, tok, "class '%s' is not declared (expected a "
			   "class declared on an earlier line)", q);
	}
	return cls;
}

/* "slots=a,b,c": intern the names into tr->slots. */
static int parse_slots(struct cursor *c, struct text_reader *tr, const char *s, size_t len,
		       struct class_decl *d)
{
	const char *end = s + len;

	d->nslots = 0;
	if (!len)
		return 0;
	for (const char *p = s;; p++) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t n = comma ? (size_t)(comma - p) : (size_t)(end - p);

		if (d->nslots == TRACE_MAX_SLOTS)
			return parse_fail(c, TRACE_ELIMIT, p, "more than %d slots",
					  TRACE_MAX_SLOTS);
		tr->slots[d->nslots] = intern_attr(c, p, n, "a slot name");
		if (!tr->slots[d->nslots])
			return -1;
		d->nslots++;
		if (!comma)
			return 0;
		p = comma;
	}
}

static int parse_class(struct cursor *c, struct text_reader *tr, struct trace_event *ev)
{
	static const struct { const char *name; uint8_t flag; } words[] = {
		{ "dict", TRACE_CF_DICT }, { "weakref", TRACE_CF_WEAKREF },
		{ "varsize", TRACE_CF_VARSIZE },
	};
	struct class_decl d = { .slots = tr->slots };
	const char *tok, *name_at;
	enum trace_errcode code;
	bool have_base = false;
	char msg[300];
	size_t len;

	next_token(c, &tok, &len);
	if (!name_valid(tok, len))
		return expected(c, "a class name", tok, len, "");
	d.name = name_at = tok;
	d.len = len;
	while (next_token(c, &tok, &len)) {
		uint8_t flag = 0;

		for (size_t i = 0; i < ARRAY_SIZE(words); i++)
			if (len == strlen(words[i].name) && memcmp(tok, words[i].name, len) == 0)
				flag = words[i].flag;
		if (!flag && len >= 6 && memcmp(tok, "slots=", 6) == 0) {
			flag = TRACE_CF_SLOTS;
			if (!(d.flags & flag) && parse_slots(c, tr, tok + 6, len - 6, &d) != 0)
				return -1;
		} else if (!flag && len >= 5 && memcmp(tok, "base=", 5) == 0) {
			if (have_base)
				return parse_fail(c, TRACE_ESYNTAX, tok, "option 'base=' given twice");
			have_base = true;
			d.base = find_class(c, tok + 5, len - 5, "a base class name");
			if (!d.base)
				return -1;
			continue;
		} else if (!flag) {
			return expected(c, "a class option (slots=NAMES, dict, weakref, base=NAME, "
					"varsize)", tok, len, "");
		}
		if (d.flags & flag)
			return parse_fail(c, TRACE_ESYNTAX, tok, "option '%.*s' given twice",
					  flag == TRACE_CF_SLOTS ? 6 : (int)len, tok);
		d.flags |= flag;
	}
	ev->cls = classtab_declare(&c->t->classes, &d, &code, msg, sizeof(msg));
	if (!ev->cls)
		return parse_fail(c, code, name_at, "%s", msg);
	return 0;
}

static int parse_field(struct cursor *c, enum trace_field f, struct trace_event *ev)
{
	const char *tok;
	size_t len;

	next_token(c, &tok, &len);
	switch (f) {
	case F_CLASS:
		ev->cls = find_class(c, tok, len, trace_field_what(f));
		return ev->cls ? 0 : -1;
	case F_ATTR:
		ev->attr = intern_attr(c, tok, len, trace_field_what(f));
		return ev->attr ? 0 : -1;
	default:
		return parse_number(c, f, tok, len, ev);
	}
}

static int parse_kind(struct cursor *c, const char *tok, size_t len)
{
	for (int k = 1; k < TRACE_NR_KINDS; k++)
		if (len == trace_kinds[k].len && memcmp(tok, trace_kinds[k].name, len) == 0)
			return k;
	expected(c, "an event (class, classattr, new, set, get, del, free, weakref, "
		 "setclass, malloc, calloc, realloc, memalign, mfree)", tok, len, "");
	return -1;
}

/* Parse one line: 1 with @ev filled, 0 for a blank or comment line, -1. */
static int parse_line(struct trace *t, struct text_reader *tr, const char *line, size_t len,
		      struct trace_event *ev)
{
	struct cursor c = { .t = t, .line = line, .p = line, .end = line + len,
			    .lineno = tr->line };
	const char *tok;
	size_t toklen;
	int kind;

	skip_blanks(&c);
	if (c.p == c.end || *c.p == '#')
		return 0;
	*ev = (struct trace_event){ 0 };
	if (*c.p == '@') {
		uint64_t tid;

		next_token(&c, &tok, &toklen);
		if (parse_u64(tok + 1, toklen - 1, UINT32_MAX, &tid) != 0)
			return expected(&c, "a thread id (unsigned 32-bit integer) after '@'",
					tok, toklen, "");
		ev->tid = (uint32_t)tid;
	}
	next_token(&c, &tok, &toklen);
	kind = parse_kind(&c, tok, toklen);
	if (kind < 0)
		return -1;
	ev->kind = (uint8_t)kind;
	c.kind = trace_kinds[kind].name;
	if (kind == TRACE_CLASS) {
		if (parse_class(&c, tr, ev) != 0)
			return -1;
	} else {
		for (const uint8_t *f = trace_kinds[kind].fields; *f; f++)
			if (parse_field(&c, *f, ev) != 0)
				return -1;
	}
	if (next_token(&c, &tok, &toklen))
		return expected(&c, "end of line", tok, toklen, "");
	return 1;
}

static ssize_t text_next(struct trace *t, struct trace_event *evs, size_t n)
{
	struct text_reader *tr = t->priv;
	size_t got = 0;

	while (got < n) {
		const char *line;
		size_t len;
		int r;

		if (tr->pend) {
			line = tr->pend;
			len = tr->pend_len;
			tr->pend = NULL;
		} else {
			r = read_line(t, tr, &line, &len);
			if (r < 0)
				return -1;
			if (r == 0)
				break;
		}
		r = parse_line(t, tr, line, len, &evs[got]);
		if (r < 0)
			return -1;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static void text_close(struct trace *t)
{
	struct text_reader *tr = t->priv;

	if (tr) {
		free(tr->carry);
		free(tr->slots);
		free(tr);
	}
}

static const struct trace_reader_ops text_reader_ops = {
	.next = text_next,
	.close = text_close,
};

/* Collect the leading comment lines; stop at the first other non-blank line. */
static int read_header(struct trace *t, struct text_reader *tr)
{
	const char *line;
	size_t len;
	int r;

	while ((r = read_line(t, tr, &line, &len)) > 0) {
		const char *p = line, *end = line + len;

		while (p < end && is_blank(*p))
			p++;
		if (p == end)
			continue;
		if (*p != '#') {
			tr->pend = line;
			tr->pend_len = len;
			return 0;
		}
		p++;
		if (p < end && is_blank(*p))
			p++;
		if (trace_header_add_line(&t->header, &t->header_len, p, (size_t)(end - p)) != 0) {
			trace_seterr(&t->err, TRACE_ENOMEM, ENOMEM, t->name, 0, 0, -1,
				     "out of memory");
			return -1;
		}
	}
	return r;
}

int text_reader_open(struct trace *t, const struct trace_opts *o)
{
	struct text_reader *tr = calloc(1, sizeof(*tr));
	size_t chunk = o->chunk ? o->chunk : (size_t)CONFIG_TRACE_BLOCK_KB * 1024;

	t->ops = &text_reader_ops;
	t->priv = tr;
	if (!tr || !(tr->carry = malloc(TRACE_MAX_LINE)) ||
	    !(tr->slots = malloc(TRACE_MAX_SLOTS * sizeof(*tr->slots)))) {
		trace_seterr(&t->err, TRACE_ENOMEM, ENOMEM, t->name, 0, 0, -1, "out of memory");
		return -1;
	}
	t->priv_bytes = sizeof(*tr) + TRACE_MAX_LINE + TRACE_MAX_SLOTS * sizeof(*tr->slots);
	if (src_stream(&t->src, 0, t->src.size, chunk, &t->err) != 0)
		return -1;
	return read_header(t, tr) < 0 ? -1 : 0;
}

/* ---- writer ------------------------------------------------------------ */

/* Room for one non-class event line: prefix, keyword, two names, three numbers. */
#define TEXT_EVENT_MAX (16 + 16 + 2 * (TRACE_MAX_NAME + 1) + 3 * 21 + 1)

static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_str(char *p, const char *s, size_t len)
{
	memcpy(p, s, len);
	return p + len;
}

/* Append one token to w->buf, flushing as needed (class lines may be long). */
static int put_token(void *ctx, char sep, const char *s, size_t len)
{
	struct trace_writer *w = ctx;

	if (wbuf_reserve(w, len + 1) != 0)
		return -1;
	if (sep)
		w->buf[w->len++] = (uint8_t)sep;
	memcpy(w->buf + w->len, s, len);
	w->len += len;
	return 0;
}

int trace_class_print(const struct trace_class *c,
		      int (*put)(void *ctx, char sep, const char *s, size_t len), void *ctx)
{
	static const struct { uint8_t flag; const char *word; } words[] = {
		{ TRACE_CF_DICT, "dict" }, { TRACE_CF_WEAKREF, "weakref" },
	};
	int r = put(ctx, 0, "class", 5);

	r = r ? r : put(ctx, ' ', c->name, c->sym->len);
	if (c->flags & TRACE_CF_SLOTS) {
		r = r ? r : put(ctx, ' ', "slots=", 6);
		for (uint32_t i = 0; i < c->nslots; i++)
			r = r ? r : put(ctx, i ? ',' : 0, c->slots[i]->name, c->slots[i]->len);
	}
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (c->flags & words[i].flag)
			r = r ? r : put(ctx, ' ', words[i].word, strlen(words[i].word));
	if (c->base) {
		r = r ? r : put(ctx, ' ', "base=", 5);
		r = r ? r : put(ctx, 0, c->base->name, c->base->sym->len);
	}
	if (c->flags & TRACE_CF_VARSIZE)
		r = r ? r : put(ctx, ' ', "varsize", 7);
	return r;
}

/* "@TID " unless the thread is 0. */
static char *format_prefix(char *p, const struct trace_event *ev)
{
	if (ev->tid) {
		*p++ = '@';
		p = put_u64(p, ev->tid);
		*p++ = ' ';
	}
	return p;
}

/* The keyword and operands of a non-class event; at most TEXT_EVENT_MAX bytes. */
static char *format_operands(char *p, const struct trace_event *ev,
			     const struct trace_class *cls, const struct trace_symbol *attr)
{
	const struct trace_kind_info *k = &trace_kinds[ev->kind];

	p = put_str(p, k->name, k->len);
	for (const uint8_t *f = k->fields; *f; f++) {
		*p++ = ' ';
		switch (*f) {
		case F_OBJ:
		case F_BLOCK:
			p = put_u64(p, ev->id);
			break;
		case F_OLDBLOCK:
			p = put_u64(p, ev->old_id);
			break;
		case F_CLASS:
			p = cls ? put_str(p, cls->name, cls->sym->len) : put_str(p, "?", 1);
			break;
		case F_ATTR:
			p = attr ? put_str(p, attr->name, attr->len) : put_str(p, "?", 1);
			break;
		case F_VALUE:
			if (ev->value < 0)
				*p++ = '-';
			p = put_u64(p, ev->value < 0 ? 0 - (uint64_t)ev->value : (uint64_t)ev->value);
			break;
		case F_SIZE:
			p = put_u64(p, ev->size);
			break;
		default:
			p = put_u64(p, ev->nmemb);
			break;
		}
	}
	return p;
}

/* A put() for trace_class_print() into a fixed buffer, truncating. */
struct bounded {
	char *buf;
	size_t len, size;	/* len < size: room for the NUL */
};

static int put_bounded(void *ctx, char sep, const char *s, size_t len)
{
	struct bounded *b = ctx;

	if (sep && b->len + 1 < b->size)
		b->buf[b->len++] = sep;
	len = MIN(len, b->size - 1 - b->len);
	memcpy(b->buf + b->len, s, len);
	b->len += len;
	return 0;
}

size_t trace_event_format(const struct trace_event *ev, char *buf, size_t size)
{
	struct bounded b = { .buf = buf, .size = size };
	char line[TEXT_EVENT_MAX];
	char *p = format_prefix(line, ev);

	if (!size)
		return 0;
	if (ev->kind == 0 || ev->kind >= TRACE_NR_KINDS) {
		snprintf(buf, size, "? kind %u", ev->kind);
		return strlen(buf);
	}
	if (ev->kind != TRACE_CLASS)
		p = format_operands(p, ev, ev->cls, ev->attr);
	put_bounded(&b, 0, line, (size_t)(p - line));
	if (ev->kind == TRACE_CLASS && ev->cls)
		trace_class_print(ev->cls, put_bounded, &b);
	buf[b.len] = '\0';
	return b.len;
}

static int text_event(struct trace_writer *w, const struct trace_event *ev,
		      const struct trace_class *cls, const struct trace_symbol *attr)
{
	char *p;

	if (wbuf_reserve(w, TEXT_EVENT_MAX) != 0)
		return -1;
	p = format_prefix((char *)w->buf + w->len, ev);
	if (ev->kind == TRACE_CLASS) {
		w->len = (size_t)(p - (char *)w->buf);
		if (trace_class_print(cls, put_token, w) != 0)
			return -1;
		return put_token(w, 0, "\n", 1);
	}
	p = format_operands(p, ev, cls, attr);
	*p++ = '\n';
	w->len = (size_t)(p - (char *)w->buf);
	return 0;
}

static int text_finish(struct trace_writer *w)
{
	return wbuf_flush(w);
}

static void text_destroy(struct trace_writer *w)
{
}

static const struct trace_writer_ops text_writer_ops = {
	.event = text_event,
	.finish = text_finish,
	.destroy = text_destroy,
};

int text_writer_init(struct trace_writer *w)
{
	const char *p = w->header, *end = p ? p + w->header_len : p;

	w->ops = &text_writer_ops;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)(nl - p);

		if (put_token(w, 0, "#", 1) != 0 || (n && put_token(w, ' ', p, n) != 0) ||
		    put_token(w, 0, "\n", 1) != 0)
			return -1;
		p = nl + 1;
	}
	return 0;
}
