// SPDX-License-Identifier: MIT
/*
 * trace/trace.c - the trace API: opening (format detection), the reader's
 * entry points, and the writer's protocol.
 *
 * Reader: trace_open() opens a regular file, reads its first byte and
 * hands it to the binary reader when it is 0x89, the first byte of the
 * binary magic, which no text trace can start with (trace_bin_read.c
 * checks the rest); to the text parser otherwise (trace_text.c).  So a
 * binary trace cut inside its magic is still reported as a truncated
 * binary trace.  Each format fills events through its ops->next(); this
 * file keeps the reader's final states (ended, failed) so that every later
 * call repeats the outcome.
 *
 * Writer: the output goes through trace/outfile.h, a temporary file beside
 * the target renamed over it only when everything, including the last
 * flush and close(), succeeded: a target never exists half written, an old
 * target stays untouched, and trace_remove_temps() (safe in a signal
 * handler) removes the temporary files of the open writers.
 * trace_write() resolves an event's class and attribute by name in the
 * writer's own tables, so events may come from any reader or generator;
 * class declarations are re-checked (rules 5 and 9) on the way, so a writer
 * cannot produce a trace its readers would reject.
 *
 * Error messages start with the file name and the position:
 * "NAME:LINE:COL: " for text, "NAME: offset N: " for binary.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace/bin.h"

const char *trace_kind_name(unsigned int kind)
{
	return kind > 0 && kind < TRACE_NR_KINDS ? trace_kinds[kind].name : "?";
}

const char *trace_field_what(enum trace_field f)
{
	switch (f) {
	case F_OBJ:      return "an object id (unsigned integer)";
	case F_BLOCK:    return "a block id (unsigned integer)";
	case F_OLDBLOCK: return "the old block id (unsigned integer)";
	case F_CLASS:    return "a class name";
	case F_ATTR:     return "an attribute name";
	case F_VALUE:    return "an integer value";
	case F_SIZE:     return "a size in bytes (unsigned integer)";
	case F_NMEMB:    return "an element count (unsigned integer)";
	case F_ALIGN:    return "an alignment (a power of two)";
	default:         return "end of line";
	}
}

/* ---- errors ------------------------------------------------------------ */

int trace_error_status(const struct trace_error *e)
{
	switch (e->code) {
	case TRACE_EIO:
	case TRACE_ENOMEM:
		return 1;
	default:
		return 2;
	}
}

void trace_seterr(struct trace_error *e, enum trace_errcode code, int sys, const char *name,
		  unsigned long line, unsigned long col, int64_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	e->code = code;
	e->sys = sys;
	e->line = line;
	e->col = col;
	e->offset = off;
	if (line && col)
		n = snprintf(e->msg, sizeof(e->msg), "%s:%lu:%lu: ", name, line, col);
	else if (line)
		n = snprintf(e->msg, sizeof(e->msg), "%s:%lu: ", name, line);
	else if (off >= 0)
		n = snprintf(e->msg, sizeof(e->msg), "%s: offset %lld: ", name, (long long)off);
	else
		n = snprintf(e->msg, sizeof(e->msg), "%s: ", name);
	if (n < 0 || (size_t)n >= sizeof(e->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg + n, sizeof(e->msg) - (size_t)n, fmt, ap);
	va_end(ap);
}

void trace_quote(char *out, size_t outlen, const char *s, size_t len)
{
	size_t o = 0, i;

	for (i = 0; i < len && i < 40 && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
	}
	if (i < len && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

int trace_header_add_line(char **buf, size_t *buflen, const char *line, size_t len)
{
	const char *nul = memchr(line, '\0', len);
	char *nb;

	if (nul)
		len = (size_t)(nul - line);
	len = MIN(len, (size_t)TRACE_MAX_LINE - 2);	/* "# " + line fits a text line */
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	if (*buflen + len + 1 > TRACE_MAX_HEADER)
		return 0;
	nb = realloc(*buf, *buflen + len + 2);
	if (!nb)
		return -1;
	memcpy(nb + *buflen, line, len);
	nb[*buflen + len] = '\n';
	*buflen += len + 1;
	nb[*buflen] = '\0';
	*buf = nb;
	return 0;
}

/* ---- reader ------------------------------------------------------------ */

static struct trace *alloc_trace(const char *name)
{
	size_t len = strlen(name);
	struct trace *t = calloc(1, sizeof(*t) + len + 1);

	if (!t)
		return NULL;
	memcpy(t->name, name, len + 1);
	t->state = 1;
	t->src.fd = -1;
	if (symtab_init(&t->syms, TRACE_MAX_SYMBOLS) != 0 || classtab_init(&t->classes) != 0) {
		symtab_destroy(&t->syms);
		free(t);
		return NULL;
	}
	return t;
}

/* Pick the format by content and let it read what it reads up front. */
static struct trace *open_format(struct trace *t, const struct trace_opts *o,
				 struct trace_error *err)
{
	uint8_t first = 0;
	int r;

	/* 0x89 starts the binary magic and is never the first byte of a text trace. */
	if (t->src.size && src_pread(&t->src, &first, 1, 0, &t->err) != 0)
		goto fail;
	if (first == bin_magic[0]) {
		t->format = TRACE_FMT_BINARY;
		r = bin_reader_open(t);
	} else {
		t->format = TRACE_FMT_TEXT;
		r = text_reader_open(t, o);
	}
	if (r == 0)
		return t;
fail:
	*err = t->err;
	trace_close(t);
	return NULL;
}

struct trace *trace_open(const char *path, const struct trace_opts *opts,
			 struct trace_error *err)
{
	static const struct trace_opts defaults;
	struct trace *t;
	struct stat st;
	int fd;

	if (!opts)
		opts = &defaults;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		trace_seterr(err, errno == ENOMEM ? TRACE_ENOMEM : TRACE_EOPEN, errno, path,
			     0, 0, -1, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		trace_seterr(err, TRACE_EOPEN, errno, path, 0, 0, -1, "not a regular file");
		close(fd);
		return NULL;
	}
	t = alloc_trace(path);
	if (!t) {
		trace_seterr(err, TRACE_ENOMEM, ENOMEM, path, 0, 0, -1, "out of memory");
		close(fd);
		return NULL;
	}
	src_open_fd(&t->src, t->name, fd, (uint64_t)st.st_size, opts);
	return open_format(t, opts, err);
}

struct trace *trace_open_mem(const char *name, const void *buf, size_t len,
			     const struct trace_opts *opts, struct trace_error *err)
{
	static const struct trace_opts defaults;
	struct trace *t = alloc_trace(name);

	if (!t) {
		trace_seterr(err, TRACE_ENOMEM, ENOMEM, name, 0, 0, -1, "out of memory");
		return NULL;
	}
	src_open_mem(&t->src, t->name, buf, len);
	return open_format(t, opts ? opts : &defaults, err);
}

ssize_t trace_next_batch(struct trace *t, struct trace_event *evs, size_t n)
{
	ssize_t got;

	if (t->state <= 0)
		return t->state;
	got = t->ops->next(t, evs, n);
	if (got <= 0)
		t->state = got < 0 ? -1 : 0;
	return got;
}

int trace_next(struct trace *t, struct trace_event *ev)
{
	return (int)trace_next_batch(t, ev, 1);
}

const struct trace_error *trace_error(const struct trace *t)
{
	return &t->err;
}

void trace_close(struct trace *t)
{
	if (!t)
		return;
	if (t->ops)
		t->ops->close(t);
	src_close(&t->src);
	classtab_destroy(&t->classes);
	symtab_destroy(&t->syms);
	free(t->header);
	free(t);
}

enum trace_format trace_format(const struct trace *t)
{
	return t->format;
}

const char *trace_io_name(const struct trace *t)
{
	return src_io_name(&t->src);
}

const char *trace_header(const struct trace *t, size_t *len)
{
	if (len)
		*len = t->header_len;
	return t->header ? t->header : "";
}

/* Copy the word at *@p (blanks end it) into @out; false if none or too long. */
static bool header_word(const char **p, char out[TRACE_PYTHON_MAX])
{
	size_t n;

	*p += strspn(*p, " \t");
	n = strcspn(*p, " \t\n");
	if (n == 0 || n >= TRACE_PYTHON_MAX)
		return false;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p += n;
	return true;
}

bool trace_python(const struct trace *t, char impl[TRACE_PYTHON_MAX],
		  char version[TRACE_PYTHON_MAX])
{
	for (const char *line = trace_header(t, NULL); *line;) {
		const char *p = line + strspn(line, " \t");

		if (strncmp(p, "python:", 7) == 0) {
			p += 7;
			if (header_word(&p, impl) && header_word(&p, version))
				return true;
		}
		line += strcspn(line, "\n");
		line += *line == '\n';
	}
	return false;
}

size_t trace_nclasses(const struct trace *t)
{
	return classtab_count(&t->classes);
}

const struct trace_class *trace_class(const struct trace *t, uint32_t id)
{
	return id < classtab_count(&t->classes) ? t->classes.by_id[id] : NULL;
}

size_t trace_nsymbols(const struct trace *t)
{
	return t->syms.n;
}

const struct trace_symbol *trace_symbol(const struct trace *t, uint32_t id)
{
	return id < t->syms.n ? t->syms.by_id[id] : NULL;
}

void trace_progress(const struct trace *t, uint64_t *done, uint64_t *total)
{
	*done = t->src.consumed;
	*total = t->src.size;
}

size_t trace_memory(const struct trace *t)
{
	return sizeof(*t) + t->src.bufs_size +
	       (t->src.slots ? t->src.depth * sizeof(struct src_slot) : 0) +
	       t->syms.bytes + t->classes.bytes + t->classes.names.bytes + t->header_len +
	       t->priv_bytes;
}

/* ---- writer ------------------------------------------------------------ */

enum trace_format trace_format_for_path(const char *path)
{
	size_t len = strlen(path);

	if ((len >= 4 && strcmp(path + len - 4, ".txt") == 0) ||
	    (len >= 6 && strcmp(path + len - 6, ".trace") == 0))
		return TRACE_FMT_TEXT;
	return TRACE_FMT_BINARY;
}

int writer_io_error(struct trace_writer *w, int sys, const char *what)
{
	trace_seterr(&w->err, sys == ENOMEM ? TRACE_ENOMEM : TRACE_EIO, sys, w->path, 0, 0, -1,
		     "%s failed: %s", what, strerror(sys));
	w->failed = true;
	return -1;
}

/* write() all of @buf, or fail the writer. */
int writer_write(struct trace_writer *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (w->failed)
		return -1;
	while (len) {
		ssize_t r = write(w->fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return writer_io_error(w, r < 0 ? errno : EIO, "write");
		p += r;
		len -= (size_t)r;
		w->written += (uint64_t)r;
	}
	return 0;
}

int wbuf_flush(struct trace_writer *w)
{
	int r = writer_write(w, w->buf, w->len);

	w->len = 0;
	return r;
}

int wbuf_reserve(struct trace_writer *w, size_t n)
{
	if (w->len + n <= w->cap)
		return 0;
	return wbuf_flush(w);
}

void trace_remove_temps(void)
{
	outfile_remove_temps();
}

/* Create the temporary file beside w->path (trace/outfile.h). */
static int create_temp(struct trace_writer *w)
{
	if (outfile_open(&w->out, w->path) == 0) {
		w->fd = w->out.fd;
		return 0;
	}
	if (errno == ENOMEM && !w->out.tmp)
		return writer_io_error(w, ENOMEM, "allocation");
	trace_seterr(&w->err, TRACE_EOPEN, errno, w->path, 0, 0, -1,
		     "cannot create a temporary file beside it (%s): %s",
		     w->out.tmp ? w->out.tmp : "name too long", strerror(errno));
	outfile_abort(&w->out);
	return -1;
}

static void destroy_writer(struct trace_writer *w)
{
	if (w->ops)
		w->ops->destroy(w);
	outfile_abort(&w->out);
	classtab_destroy(&w->classes);
	symtab_destroy(&w->syms);
	free(w->header);
	free(w->buf);
	free(w);
}

struct trace_writer *trace_writer_open(const char *path, enum trace_format fmt,
				       const char *header, struct trace_error *err)
{
	size_t len = strlen(path);
	struct trace_writer *w = calloc(1, sizeof(*w) + len + 1);
	int r;

	if (!w) {
		trace_seterr(err, TRACE_ENOMEM, ENOMEM, path, 0, 0, -1, "out of memory");
		return NULL;
	}
	memcpy(w->path, path, len + 1);
	w->fd = -1;
	w->format = fmt == TRACE_FMT_AUTO ? trace_format_for_path(path) : fmt;
	w->cap = 256 * 1024;
	w->buf = malloc(w->cap);
	if (!w->buf || symtab_init(&w->syms, TRACE_MAX_SYMBOLS) != 0 ||
	    classtab_init(&w->classes) != 0) {
		writer_io_error(w, ENOMEM, "allocation");
		goto fail;
	}
	for (const char *p = header; p && *p;) {
		const char *nl = strchrnul(p, '\n');

		if (trace_header_add_line(&w->header, &w->header_len, p, (size_t)(nl - p)) != 0) {
			writer_io_error(w, ENOMEM, "allocation");
			goto fail;
		}
		p = *nl ? nl + 1 : nl;
	}
	if (create_temp(w) != 0)
		goto fail;
	r = w->format == TRACE_FMT_TEXT ? text_writer_init(w) : bin_writer_init(w);
	if (r != 0)
		goto fail;
	return w;
fail:
	*err = w->err;
	destroy_writer(w);
	return NULL;
}

static int writer_fail(struct trace_writer *w, enum trace_errcode code, const char *fmt, ...)
	__printf(3, 4);

static int writer_fail(struct trace_writer *w, enum trace_errcode code, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	trace_seterr(&w->err, code, code == TRACE_ENOMEM ? ENOMEM : 0, w->path, 0, 0, -1,
		     "event %llu: %s", (unsigned long long)w->events + 1, msg);
	w->failed = true;
	return -1;
}

/* The writer's own symbol for @a (any table's). */
static const struct trace_symbol *writer_symbol(struct trace_writer *w,
						const struct trace_symbol *a)
{
	const struct trace_symbol *s;

	if (!a) {
		writer_fail(w, TRACE_EINVAL, "missing attribute name");
		return NULL;
	}
	s = symtab_find(&w->syms, a->name, a->len, a->hash);
	if (s)
		return s;
	if (!name_valid(a->name, a->len)) {
		writer_fail(w, TRACE_EINVAL, "invalid attribute name");
		return NULL;
	}
	s = symtab_intern(&w->syms, a->name, a->len);
	if (!s)
		writer_fail(w, errno == ENOSPC ? TRACE_ELIMIT : TRACE_ENOMEM,
			    errno == ENOSPC ? "too many attribute names" : "out of memory");
	return s;
}

/* The writer's own class for @c (any table's); it must be declared already. */
static const struct trace_class *writer_class(struct trace_writer *w, const struct trace_class *c)
{
	const struct trace_class *own;

	if (!c) {
		writer_fail(w, TRACE_EINVAL, "missing class");
		return NULL;
	}
	own = classtab_find(&w->classes, c->name, c->sym->len, c->sym->hash);
	if (!own)
		writer_fail(w, TRACE_EINVAL, "class '%s' is used before its declaration", c->name);
	return own;
}

/* Declare @c (any table's) to the writer, re-checking rules 5 and 9. */
static const struct trace_class *writer_declare(struct trace_writer *w,
						const struct trace_class *c)
{
	struct class_decl d = { .name = c ? c->name : NULL };
	const struct trace_class *own = NULL;
	enum trace_errcode code;
	char msg[300];

	if (!c) {
		writer_fail(w, TRACE_EINVAL, "class event without a class");
		return NULL;
	}
	d.len = c->sym->len;
	d.flags = c->flags;
	d.nslots = c->nslots;
	if (c->base && !(d.base = writer_class(w, c->base)))
		return NULL;
	d.slots = malloc((c->nslots + 1) * sizeof(*d.slots));
	if (!d.slots) {
		writer_fail(w, TRACE_ENOMEM, "out of memory");
		return NULL;
	}
	for (uint32_t i = 0; i < c->nslots; i++)
		if (!(d.slots[i] = writer_symbol(w, c->slots[i])))
			goto out;
	own = classtab_declare(&w->classes, &d, &code, msg, sizeof(msg));
	if (!own)
		writer_fail(w, code == TRACE_ECLASS ? TRACE_EINVAL : code, "%s", msg);
out:
	free(d.slots);
	return own;
}

int trace_write(struct trace_writer *w, const struct trace_event *ev)
{
	const struct trace_class *cls = NULL;
	const struct trace_symbol *attr = NULL;
	const uint8_t *f;

	if (w->failed)
		return -1;
	if (ev->kind == 0 || ev->kind >= TRACE_NR_KINDS)
		return writer_fail(w, TRACE_EINVAL, "unknown event kind %u", ev->kind);
	if (ev->kind == TRACE_CLASS && !(cls = writer_declare(w, ev->cls)))
		return -1;
	for (f = trace_kinds[ev->kind].fields; *f; f++) {
		if (*f == F_CLASS && !(cls = writer_class(w, ev->cls)))
			return -1;
		if (*f == F_ATTR && !(attr = writer_symbol(w, ev->attr)))
			return -1;
		if (*f == F_ALIGN && !IS_POWER_OF_2(ev->align))
			return writer_fail(w, TRACE_EINVAL, "memalign: alignment %llu is not a "
					   "power of two", (unsigned long long)ev->align);
	}
	if (w->ops->event(w, ev, cls, attr) != 0)
		return -1;
	w->events++;
	return 0;
}

const struct trace_error *trace_writer_error(const struct trace_writer *w)
{
	return &w->err;
}

uint64_t trace_writer_events(const struct trace_writer *w)
{
	return w->events;
}

int trace_writer_close(struct trace_writer *w, struct trace_error *err)
{
	int r = -1;

	if (!w->failed && w->ops->finish(w) == 0) {
		const char *what;

		w->fd = -1;
		if (outfile_commit(&w->out, &what) != 0)
			writer_io_error(w, errno, what);
		else
			r = 0;
	}
	if (r != 0 && err) {
		*err = w->err;
	}
	destroy_writer(w);
	return r;
}

void trace_writer_abort(struct trace_writer *w)
{
	destroy_writer(w);
}
