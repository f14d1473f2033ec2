// SPDX-License-Identifier: MIT
/*
 * trace/bin_read.c - the binary trace reader (format: trace_bin.h).
 *
 * Open: the 64-byte header is read and checked (CRC, version, sizes, the
 * block count against the space between header and tables, the tables
 * ending the file exactly), then the tables: their CRC, every name, no name
 * twice, and every class through classtab_declare(), so rules 5 and 9 hold
 * before the first event.  Then the blocks stream through trace_io.c, one
 * block per chunk.
 *
 * Per block: its index, payload length (the last block must end the file
 * exactly), CRC, zero padding, and at its end the record count.  So any
 * single changed byte of a trace is detected.  Per record: the kind
 * byte (kind in range, reserved bits clear), varints that neither overflow
 * nor run past the payload, class ids of declared classes only, attribute
 * ids inside the table, power-of-two alignments.  At the end: the event
 * count of the header, and every class of the table declared by a record.
 *
 * Every failure is TRACE_ECORRUPT (or TRACE_ETRUNC for a short file) with
 * the byte offset where it was found.  The decoder's state is a few words:
 * memory is the ring's blocks plus the tables.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/bin.h"

/**
 * struct rec_cursor - where the decoder is in a block's payload
 * @p, @end: the unread part of the payload
 * @tid, @prev_obj, @prev_block: the record context, reset per block
 * @seen:    records decoded from this block so far
 *
 * bin_next() keeps a copy in locals while it decodes, so that the hot loop
 * works in registers.
 */
struct rec_cursor {
	const uint8_t *p, *end;
	uint32_t tid, seen;
	uint64_t prev_obj, prev_block;
};

/**
 * struct bin_reader - decoder state
 * @cur:         the cursor (between calls of bin_next())
 * @blk:         the current block (chunk); @blk_records its declared count
 * @declared:    classes declared by CLASS records so far (<= the table's)
 * @events:      records decoded so far (== @nevents at the end)
 */
struct bin_reader {
	uint32_t block_size;
	uint64_t nevents, nblocks;
	struct rec_cursor cur;
	struct src_chunk blk;
	uint32_t blk_records;
	uint32_t declared;
	uint64_t events;
};

static int corrupt(struct trace *t, int64_t off, const char *fmt, ...) __printf(3, 4);

static int corrupt(struct trace *t, int64_t off, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	trace_seterr(&t->err, TRACE_ECORRUPT, 0, t->name, 0, 0, off, "corrupt: %s", msg);
	return -1;
}

static int64_t offset_of(const struct bin_reader *br, const uint8_t *p)
{
	return (int64_t)(br->blk.off + (uint64_t)(p - br->blk.p));
}

/* Take the next block: check its header and CRC; 1, 0 after the last, -1. */
static int load_block(struct trace *t, struct bin_reader *br)
{
	uint64_t seq = t->src.next;
	uint32_t len, crc;
	int r;

	if (br->blk.len && br->cur.seen != br->blk_records)
		return corrupt(t, offset_of(br, br->cur.p), "block %llu says it holds %u records "
			       "but holds %u", (unsigned long long)seq - 1, br->blk_records,
			       br->cur.seen);
	r = src_next(&t->src, &br->blk, &t->err);
	if (r <= 0)
		return r;
	if (br->blk.len < BLOCK_HDR)
		return corrupt(t, (int64_t)br->blk.off, "block %llu is %zu bytes, shorter than "
			       "its header", (unsigned long long)seq, br->blk.len);
	len = get_u32(br->blk.p + 4);
	if (get_u32(br->blk.p) != seq)
		return corrupt(t, (int64_t)br->blk.off, "block %llu carries index %u",
			       (unsigned long long)seq, get_u32(br->blk.p));
	if (len > br->blk.len - BLOCK_HDR ||
	    (seq + 1 == br->nblocks && len != br->blk.len - BLOCK_HDR))
		return corrupt(t, (int64_t)br->blk.off + 4, "block %llu says its payload is %u "
			       "bytes, its space holds %zu", (unsigned long long)seq, len,
			       br->blk.len - BLOCK_HDR);
	crc = crc32c(0, br->blk.p, 12);
	crc = crc32c(crc, br->blk.p + BLOCK_HDR, len);
	if (crc != get_u32(br->blk.p + 12))
		return corrupt(t, (int64_t)br->blk.off, "block %llu fails its checksum "
			       "(stored %08x, computed %08x)", (unsigned long long)seq,
			       get_u32(br->blk.p + 12), crc);
	for (size_t i = BLOCK_HDR + len; i < br->blk.len; i++)
		if (br->blk.p[i])
			return corrupt(t, (int64_t)(br->blk.off + i), "block %llu: padding after "
				       "its payload is not zero", (unsigned long long)seq);
	br->blk_records = get_u32(br->blk.p + 8);
	br->cur = (struct rec_cursor){ .p = br->blk.p + BLOCK_HDR,
				       .end = br->blk.p + BLOCK_HDR + len };
	return 1;
}

static __always_inline int decode_field(struct trace *t, struct bin_reader *br,
					struct rec_cursor *c, enum trace_field f,
					struct trace_event *ev, const uint8_t *rec, bool checked)
{
	uint64_t v;

	if (unlikely(get_varint(&c->p, c->end, &v, checked) != 0))
		return corrupt(t, offset_of(br, c->p), "%s record: bad or cut-off varint "
			       "(record at offset %lld)", trace_kinds[ev->kind].name,
			       (long long)offset_of(br, rec));
	switch (f) {
	case F_OBJ:
		ev->id = c->prev_obj += unzigzag(v);
		break;
	case F_BLOCK:
		ev->id = c->prev_block += unzigzag(v);
		break;
	case F_OLDBLOCK:
		ev->old_id = ev->id + unzigzag(v);
		break;
	case F_CLASS:
		if (unlikely(v >= br->declared))
			return corrupt(t, offset_of(br, rec), "%s record: class id %llu, but "
				       "%u classes are declared", trace_kinds[ev->kind].name,
				       (unsigned long long)v, br->declared);
		ev->cls = t->classes.by_id[v];
		break;
	case F_ATTR:
		if (unlikely(v >= t->syms.n))
			return corrupt(t, offset_of(br, rec), "%s record: attribute id %llu, "
				       "but the table has %u names", trace_kinds[ev->kind].name,
				       (unsigned long long)v, t->syms.n);
		ev->attr = t->syms.by_id[v];
		break;
	case F_VALUE:
		ev->value = (int64_t)unzigzag(v);
		break;
	case F_SIZE:
		ev->size = v;
		break;
	case F_ALIGN:
		if (unlikely(!IS_POWER_OF_2(v)))
			return corrupt(t, offset_of(br, rec), "memalign record: alignment %llu "
				       "is not a power of two", (unsigned long long)v);
		ev->align = v;
		break;
	default:
		ev->nmemb = v;
		break;
	}
	return 0;
}

/*
 * The operands of @kind, a constant wherever this is inlined: unrolled, so
 * that the compiler reads the layout table at compile time and each kind
 * decodes in straight-line code.
 */
static __always_inline int decode_fields(struct trace *t, struct bin_reader *br,
					 struct rec_cursor *c, unsigned int kind,
					 struct trace_event *ev, const uint8_t *rec, bool checked)
{
	const uint8_t *f = trace_kinds[kind].fields;

	_Static_assert(TRACE_MAX_FIELDS == 3, "unrolled for three operands");
	if (!f[0])
		return 0;
	if (decode_field(t, br, c, f[0], ev, rec, checked) != 0)
		return -1;
	if (!f[1])
		return 0;
	if (decode_field(t, br, c, f[1], ev, rec, checked) != 0)
		return -1;
	if (!f[2])
		return 0;
	return decode_field(t, br, c, f[2], ev, rec, checked);
}

/*
 * One record.  @checked: every byte read is checked against the payload's
 * end; unchecked, the caller has made sure RECORD_READ_MAX bytes remain.
 */
static __always_inline int decode_record(struct trace *t, struct bin_reader *br,
					 struct rec_cursor *c, struct trace_event *ev,
					 bool checked)
{
	const uint8_t *rec = c->p;
	uint8_t b = *c->p++;
	unsigned int kind = b & KIND_MASK;
	int r;

	*ev = (struct trace_event){ .kind = (uint8_t)kind };
	if (unlikely(b & ~KIND_MASK)) {
		uint64_t tid;

		if (b & 0x70)
			return corrupt(t, offset_of(br, rec), "record kind byte 0x%02x is not "
				       "an event", b);
		if (get_varint(&c->p, c->end, &tid, checked) != 0 || tid > UINT32_MAX)
			return corrupt(t, offset_of(br, rec), "%s record: bad thread id",
				       trace_kind_name(kind));
		c->tid = (uint32_t)tid;
	}
	ev->tid = c->tid;
	switch (kind) {
#define KIND_CASE(k) case k: r = decode_fields(t, br, c, k, ev, rec, checked); break
	KIND_CASE(TRACE_CLASSATTR);
	KIND_CASE(TRACE_NEW);
	KIND_CASE(TRACE_SET);
	KIND_CASE(TRACE_GET);
	KIND_CASE(TRACE_DEL);
	KIND_CASE(TRACE_FREE);
	KIND_CASE(TRACE_WEAKREF);
	KIND_CASE(TRACE_SETCLASS);
	KIND_CASE(TRACE_MALLOC);
	KIND_CASE(TRACE_CALLOC);
	KIND_CASE(TRACE_REALLOC);
	KIND_CASE(TRACE_MEMALIGN);
	KIND_CASE(TRACE_MFREE);
#undef KIND_CASE
	case TRACE_CLASS:
		if (br->declared >= classtab_count(&t->classes))
			return corrupt(t, offset_of(br, rec), "class record %u, but the class "
				       "table holds %u classes", br->declared + 1,
				       classtab_count(&t->classes));
		ev->cls = t->classes.by_id[br->declared++];
		r = 0;
		break;
	default:
		return corrupt(t, offset_of(br, rec), "record kind byte 0x%02x is not an event",
			       b);
	}
	if (unlikely(r != 0))
		return -1;
	c->seen++;
	return 0;
}

static int check_end(struct trace *t, struct bin_reader *br)
{
	int64_t end = (int64_t)(t->src.end);

	if (br->events != br->nevents)
		return corrupt(t, end, "the header promises %llu events, the blocks hold %llu",
			       (unsigned long long)br->nevents, (unsigned long long)br->events);
	if (br->declared != classtab_count(&t->classes))
		return corrupt(t, end, "the class table holds %u classes, the records "
			       "declare %u", classtab_count(&t->classes), br->declared);
	return 0;
}

/*
 * The fast path: the object kinds most traces are made of (new, set, get,
 * del, free) in records without a thread prefix, while at least
 * RECORD_READ_MAX bytes remain, with the record context in registers and
 * the count of records kept per call rather than per record.  It stops at
 * the first record of another kind, or one that fails a check, and leaves
 * it to decode_record(), which decodes or reports it; a trace decodes to
 * the same events either way (about 5 % faster this way on churn).
 */
static __always_inline size_t decode_fast(struct trace *t, const struct bin_reader *br,
					  struct rec_cursor *cp, struct trace_event *evs,
					  size_t n)
{
	struct trace_symbol *const *syms = t->syms.by_id;
	struct trace_class *const *classes = t->classes.by_id;
	uint32_t nsyms = t->syms.n, declared = br->declared;
	struct rec_cursor c = *cp;
	const uint8_t *safe = c.end - RECORD_READ_MAX;
	size_t got = 0;

	while (got < n && c.p <= safe) {
		const uint8_t *p = c.p + 1;
		struct trace_event *ev = &evs[got];
		uint64_t a, b, v;

		switch (*c.p) {
		case TRACE_NEW:
			if (get_varint(&p, NULL, &a, false) || get_varint(&p, NULL, &b, false) ||
			    b >= declared)
				goto out;
			c.prev_obj += unzigzag(a);
			*ev = (struct trace_event){ .kind = TRACE_NEW, .tid = c.tid,
						    .id = c.prev_obj, .cls = classes[b] };
			break;
		case TRACE_SET:
			if (get_varint(&p, NULL, &a, false) || get_varint(&p, NULL, &b, false) ||
			    get_varint(&p, NULL, &v, false) || b >= nsyms)
				goto out;
			c.prev_obj += unzigzag(a);
			*ev = (struct trace_event){ .kind = TRACE_SET, .tid = c.tid,
						    .id = c.prev_obj, .attr = syms[b],
						    .value = (int64_t)unzigzag(v) };
			break;
		case TRACE_GET:
		case TRACE_DEL:
			if (get_varint(&p, NULL, &a, false) || get_varint(&p, NULL, &b, false) ||
			    b >= nsyms)
				goto out;
			c.prev_obj += unzigzag(a);
			*ev = (struct trace_event){ .kind = *c.p, .tid = c.tid,
						    .id = c.prev_obj, .attr = syms[b] };
			break;
		case TRACE_FREE:
			if (get_varint(&p, NULL, &a, false))
				goto out;
			c.prev_obj += unzigzag(a);
			*ev = (struct trace_event){ .kind = TRACE_FREE, .tid = c.tid,
						    .id = c.prev_obj };
			break;
		default:
			goto out;
		}
		c.p = p;
		got++;
	}
out:
	c.seen += (uint32_t)got;
	*cp = c;
	return got;
}

static ssize_t bin_next(struct trace *t, struct trace_event *evs, size_t n)
{
	struct bin_reader *br = t->priv;
	struct rec_cursor c = br->cur;
	ssize_t got = 0;
	int r = 0;

	while ((size_t)got < n) {
		if (c.p == c.end) {
			br->cur = c;
			r = load_block(t, br);
			c = br->cur;
			if (r <= 0)
				break;
			continue;
		}
		got += (ssize_t)decode_fast(t, br, &c, evs + got, n - (size_t)got);
		if ((size_t)got == n || c.p == c.end)
			continue;
		if (likely(c.end - c.p >= RECORD_READ_MAX))
			r = decode_record(t, br, &c, &evs[got], false);
		else
			r = decode_record(t, br, &c, &evs[got], true);
		if (unlikely(r != 0))
			break;
		got++;
	}
	br->cur = c;
	br->events += (uint64_t)got;
	if (r < 0)
		return -1;
	if (r == 0 && got == 0)
		return check_end(t, br);
	return got;
}

static void bin_close(struct trace *t)
{
	free(t->priv);
}

static const struct trace_reader_ops bin_reader_ops = {
	.next = bin_next,
	.close = bin_close,
};

/* A cursor over the tables, for messages with offsets. */
struct tables {
	struct trace *t;
	const uint8_t *base, *p, *end;
	uint64_t off;		/* file offset of base[0] */
};

static int tables_varint(struct tables *tb, uint64_t max, const char *what, uint64_t *v)
{
	const uint8_t *at = tb->p;

	if (get_varint(&tb->p, tb->end, v, true) != 0 || *v > max)
		return corrupt(tb->t, (int64_t)(tb->off + (uint64_t)(at - tb->base)),
			       "tables: bad %s", what);
	return 0;
}

/* A varint id, below @count. */
static int tables_id(struct tables *tb, uint64_t count, const char *what, uint64_t *v)
{
	const uint8_t *at = tb->p;

	if (get_varint(&tb->p, tb->end, v, true) != 0 || *v >= count)
		return corrupt(tb->t, (int64_t)(tb->off + (uint64_t)(at - tb->base)),
			       "tables: bad %s", what);
	return 0;
}

static int tables_bytes(struct tables *tb, uint64_t max, const char *what,
			const char **s, size_t *len)
{
	uint64_t n;

	if (tables_varint(tb, max, what, &n) != 0)
		return -1;
	if (n > (uint64_t)(tb->end - tb->p))
		return corrupt(tb->t, (int64_t)(tb->off + (uint64_t)(tb->p - tb->base)),
			       "tables: %s runs past the end of the tables", what);
	*s = (const char *)tb->p;
	*len = (size_t)n;
	tb->p += n;
	return 0;
}

static int64_t tables_at(const struct tables *tb, const char *s)
{
	return (int64_t)(tb->off + (uint64_t)((const uint8_t *)s - tb->base));
}

static int load_header_text(struct tables *tb)
{
	struct trace *t = tb->t;
	const char *s, *end;
	size_t len;

	if (tables_bytes(tb, TRACE_MAX_HEADER, "header text", &s, &len) != 0)
		return -1;
	for (end = s + len; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));

		if (!nl)
			nl = end;
		if (trace_header_add_line(&t->header, &t->header_len, s, (size_t)(nl - s)) != 0) {
			trace_seterr(&t->err, TRACE_ENOMEM, ENOMEM, t->name, 0, 0, -1,
				     "out of memory");
			return -1;
		}
		s = nl + (nl < end);
	}
	return 0;
}

static int load_symbols(struct tables *tb)
{
	struct trace *t = tb->t;
	uint64_t n;

	if (tables_varint(tb, TRACE_MAX_SYMBOLS, "attribute name count", &n) != 0)
		return -1;
	for (uint64_t i = 0; i < n; i++) {
		const char *s;
		size_t len;

		if (tables_bytes(tb, TRACE_MAX_NAME, "attribute name", &s, &len) != 0)
			return -1;
		if (!name_valid(s, len))
			return corrupt(t, tables_at(tb, s), "tables: attribute name %llu is not "
				       "a name", (unsigned long long)i);
		if (!symtab_intern(&t->syms, s, len)) {
			trace_seterr(&t->err, TRACE_ENOMEM, ENOMEM, t->name, 0, 0, -1,
				     "out of memory");
			return -1;
		}
		if (t->syms.n != i + 1)
			return corrupt(t, tables_at(tb, s), "tables: attribute name '%.*s' "
				       "appears twice", (int)len, s);
	}
	return 0;
}

static int load_class(struct tables *tb, uint32_t id, const struct trace_symbol **slots)
{
	struct trace *t = tb->t;
	struct class_decl d = { .slots = slots };
	enum trace_errcode code;
	uint64_t v, base = 0, nslots;
	char msg[300];

	if (tables_bytes(tb, TRACE_MAX_NAME, "class name", &d.name, &d.len) != 0 ||
	    tables_varint(tb, 0x1f, "class flags", &v) != 0)
		return -1;
	if (!name_valid(d.name, d.len))
		return corrupt(t, tables_at(tb, d.name), "tables: class %u has no valid name", id);
	d.flags = (uint8_t)(v & ~CLASS_HAS_BASE);
	if (v & CLASS_HAS_BASE) {
		if (tables_id(tb, id, "base class id", &base) != 0)
			return -1;
		d.base = t->classes.by_id[base];
	}
	if (tables_varint(tb, TRACE_MAX_SLOTS, "slot count", &nslots) != 0)
		return -1;
	for (d.nslots = 0; d.nslots < nslots; d.nslots++) {
		if (tables_id(tb, t->syms.n, "slot name id", &v) != 0)
			return -1;
		slots[d.nslots] = t->syms.by_id[v];
	}
	if (!classtab_declare(&t->classes, &d, &code, msg, sizeof(msg))) {
		trace_seterr(&t->err, code, code == TRACE_ENOMEM ? ENOMEM : 0, t->name, 0, 0,
			     tables_at(tb, d.name), "tables: %s", msg);
		return -1;
	}
	return 0;
}

static int load_tables(struct trace *t, uint64_t off, uint64_t size, uint32_t want_crc)
{
	struct tables tb = { .t = t, .off = off };
	const struct trace_symbol **slots = NULL;
	uint8_t *buf = malloc(size ? size : 1);
	uint64_t n;
	int r = -1;

	if (!buf || !(slots = malloc(TRACE_MAX_SLOTS * sizeof(*slots)))) {
		trace_seterr(&t->err, TRACE_ENOMEM, ENOMEM, t->name, 0, 0, -1, "out of memory");
		goto out;
	}
	if (src_pread(&t->src, buf, size, off, &t->err) != 0)
		goto out;
	if (crc32c(0, buf, size) != want_crc) {
		corrupt(t, (int64_t)off, "the tables fail their checksum");
		goto out;
	}
	tb.base = tb.p = buf;
	tb.end = buf + size;
	if (load_header_text(&tb) != 0 || load_symbols(&tb) != 0 ||
	    tables_varint(&tb, TRACE_MAX_CLASSES, "class count", &n) != 0)
		goto out;
	for (uint32_t i = 0; i < n; i++)
		if (load_class(&tb, i, slots) != 0)
			goto out;
	if (tb.p != tb.end) {
		corrupt(t, tables_at(&tb, (const char *)tb.p), "tables: %zu stray bytes after "
			"the class table", (size_t)(tb.end - tb.p));
		goto out;
	}
	r = 0;
out:
	free(slots);
	free(buf);
	return r;
}

int bin_reader_open(struct trace *t)
{
	struct bin_reader *br = calloc(1, sizeof(*br));
	uint8_t h[HEADER_SIZE];
	uint64_t tables_off, tables_size, data, blocks;
	uint32_t hsize;

	t->ops = &bin_reader_ops;
	t->priv = br;
	t->priv_bytes = sizeof(*br);
	if (!br) {
		trace_seterr(&t->err, TRACE_ENOMEM, ENOMEM, t->name, 0, 0, -1, "out of memory");
		return -1;
	}
	if (src_pread(&t->src, h, sizeof(h), 0, &t->err) != 0)
		return -1;
	for (int i = 0; i < (int)sizeof(bin_magic); i++)
		if (h[i] != bin_magic[i])
			return corrupt(t, i, "not a binary trace: byte %d of the magic is 0x%02x, "
				       "not 0x%02x", i, h[i], bin_magic[i]);
	/* A later minor version keeps this layout; a later major one does not. */
	if ((get_u32(h + 8) & 0xffff) != BIN_MAJOR)
		return corrupt(t, 8, "binary trace version %u.%u; this reader reads %u.x",
			       get_u32(h + 8) & 0xffff, get_u32(h + 8) >> 16, BIN_MAJOR);
	if (crc32c(0, h, 60) != get_u32(h + 60))
		return corrupt(t, 60, "the header fails its checksum");
	hsize = get_u32(h + 12);
	br->block_size = get_u32(h + 16);
	br->nevents = get_u64(h + 24);
	br->nblocks = get_u64(h + 32);
	tables_off = get_u64(h + 40);
	tables_size = get_u64(h + 48);
	if (hsize < HEADER_SIZE || hsize > BLOCK_MIN)
		return corrupt(t, 12, "header size %u", hsize);
	if (br->block_size < BLOCK_MIN || br->block_size > BLOCK_MAX || br->block_size % BLOCK_MIN)
		return corrupt(t, 16, "block size %u (a multiple of 4096 up to 1 MiB)",
			       br->block_size);
	if (get_u32(h + 20))
		return corrupt(t, 20, "unknown flags 0x%x", get_u32(h + 20));
	if (tables_off < hsize || tables_size > TABLES_MAX || tables_off > UINT64_MAX - tables_size)
		return corrupt(t, 40, "tables at offset %llu, %llu bytes",
			       (unsigned long long)tables_off, (unsigned long long)tables_size);
	if (tables_off + tables_size > t->src.size) {
		trace_seterr(&t->err, TRACE_ETRUNC, 0, t->name, 0, 0, (int64_t)t->src.size,
			     "truncated: the file ends here, but its tables end at offset %llu",
			     (unsigned long long)(tables_off + tables_size));
		return -1;
	}
	if (tables_off + tables_size < t->src.size)
		return corrupt(t, (int64_t)(tables_off + tables_size), "%llu stray bytes after "
			       "the tables", (unsigned long long)(t->src.size - tables_off -
							       tables_size));
	data = tables_off - hsize;
	blocks = (data + br->block_size - 1) / br->block_size;
	if (blocks != br->nblocks || (data && data % br->block_size != 0 &&
				      data % br->block_size < BLOCK_HDR))
		return corrupt(t, 32, "%llu blocks of %u bytes cannot fill %llu bytes",
			       (unsigned long long)br->nblocks, br->block_size,
			       (unsigned long long)data);
	if (load_tables(t, tables_off, tables_size, get_u32(h + 56)) != 0)
		return -1;
	return src_stream(&t->src, hsize, tables_off, br->block_size, &t->err);
}

