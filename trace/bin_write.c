// SPDX-License-Identifier: MIT
/*
 * trace/bin_write.c - the binary trace writer (format: trace_bin.h).
 *
 * One pass, no seeking back except once: a zeroed placeholder header, then
 * each block as it fills (padded to the block size, so block i always sits
 * at header + i * block size), then the tables built from the writer's own
 * symbol and class tables, then the real header, written in place with
 * pwrite().  A block is closed when the next record might not fit
 * (RECORD_MAX bytes), so records never straddle blocks; the last block is
 * written unpadded.  Memory: one block plus the tables.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/bin.h"

/**
 * struct bin_writer - encoder state
 * @block:  the block being filled; @len bytes used (header included)
 * @records: records in it
 * @seq:    its index
 * @tid, @prev_obj, @prev_block: the record context (reset per block)
 * @tables: the tables, built at the end
 */
struct bin_writer {
	uint8_t *block;
	uint32_t block_size, len, records;
	uint64_t seq;
	uint32_t tid;
	uint64_t prev_obj, prev_block;
	uint8_t *tables;
	size_t tables_len, tables_cap;
};

/* Write out the current block; pad it unless it is the last. */
static int flush_block(struct trace_writer *w, struct bin_writer *bw, bool last)
{
	uint32_t size = last ? bw->len : bw->block_size;
	uint32_t crc;

	put_u32(bw->block, (uint32_t)bw->seq);
	put_u32(bw->block + 4, bw->len - BLOCK_HDR);
	put_u32(bw->block + 8, bw->records);
	crc = crc32c(0, bw->block, 12);
	put_u32(bw->block + 12, crc32c(crc, bw->block + BLOCK_HDR, bw->len - BLOCK_HDR));
	memset(bw->block + bw->len, 0, size - bw->len);
	if (writer_write(w, bw->block, size) != 0)
		return -1;
	bw->seq++;
	bw->len = BLOCK_HDR;
	bw->records = 0;
	bw->tid = 0;
	bw->prev_obj = 0;
	bw->prev_block = 0;
	return 0;
}

static int bin_event(struct trace_writer *w, const struct trace_event *ev,
		     const struct trace_class *cls, const struct trace_symbol *attr)
{
	struct bin_writer *bw = w->priv;
	uint8_t *p, *kindp;

	if (bw->len + RECORD_MAX > bw->block_size && flush_block(w, bw, false) != 0)
		return -1;
	p = bw->block + bw->len;
	kindp = p;
	*p++ = ev->kind;
	if (ev->tid != bw->tid) {
		*kindp |= KIND_TID;
		p = put_varint(p, ev->tid);
		bw->tid = ev->tid;
	}
	for (const uint8_t *f = trace_kinds[ev->kind].fields; *f; f++) {
		switch (*f) {
		case F_OBJ:
			p = put_varint(p, zigzag(ev->id - bw->prev_obj));
			bw->prev_obj = ev->id;
			break;
		case F_BLOCK:
			p = put_varint(p, zigzag(ev->id - bw->prev_block));
			bw->prev_block = ev->id;
			break;
		case F_OLDBLOCK:
			p = put_varint(p, zigzag(ev->old_id - ev->id));
			break;
		case F_CLASS:
			p = put_varint(p, cls->id);
			break;
		case F_ATTR:
			p = put_varint(p, attr->id);
			break;
		case F_VALUE:
			p = put_varint(p, zigzag((uint64_t)ev->value));
			break;
		case F_SIZE:
			p = put_varint(p, ev->size);
			break;
		default:
			p = put_varint(p, ev->nmemb);
			break;
		}
	}
	bw->len = (uint32_t)(p - bw->block);
	bw->records++;
	return 0;
}

static uint8_t *tables_room(struct trace_writer *w, struct bin_writer *bw, size_t n)
{
	if (bw->tables_len + n > bw->tables_cap) {
		size_t cap = MAX(bw->tables_cap * 2, bw->tables_len + n + 4096);
		uint8_t *t = realloc(bw->tables, cap);

		if (!t) {
			writer_io_error(w, ENOMEM, "allocation");
			return NULL;
		}
		bw->tables = t;
		bw->tables_cap = cap;
	}
	return bw->tables + bw->tables_len;
}

static int tables_put(struct trace_writer *w, struct bin_writer *bw, uint64_t v,
		      const void *bytes, size_t len)
{
	uint8_t *p = tables_room(w, bw, 10 + len);

	if (!p)
		return -1;
	p = put_varint(p, v);
	if (len)
		memcpy(p, bytes, len);
	bw->tables_len = (size_t)(p + len - bw->tables);
	return 0;
}

static int build_tables(struct trace_writer *w, struct bin_writer *bw)
{
	const struct classtab *ct = &w->classes;
	int r = tables_put(w, bw, w->header_len, w->header, w->header_len);

	r |= tables_put(w, bw, w->syms.n, NULL, 0);
	for (uint32_t i = 0; i < w->syms.n && !r; i++)
		r |= tables_put(w, bw, w->syms.by_id[i]->len, w->syms.by_id[i]->name,
				w->syms.by_id[i]->len);
	r |= tables_put(w, bw, classtab_count(ct), NULL, 0);
	for (uint32_t i = 0; i < classtab_count(ct) && !r; i++) {
		const struct trace_class *c = ct->by_id[i];

		r |= tables_put(w, bw, c->sym->len, c->name, c->sym->len);
		r |= tables_put(w, bw, c->flags | (c->base ? CLASS_HAS_BASE : 0), NULL, 0);
		if (c->base)
			r |= tables_put(w, bw, c->base->id, NULL, 0);
		r |= tables_put(w, bw, c->nslots, NULL, 0);
		for (uint32_t s = 0; s < c->nslots; s++)
			r |= tables_put(w, bw, c->slots[s]->id, NULL, 0);
	}
	return r;
}

static int bin_finish(struct trace_writer *w)
{
	struct bin_writer *bw = w->priv;
	uint8_t h[HEADER_SIZE] = { 0 };
	uint64_t tables_off;
	ssize_t r;

	if (bw->records && flush_block(w, bw, true) != 0)
		return -1;
	tables_off = w->written;
	if (build_tables(w, bw) != 0 || writer_write(w, bw->tables, bw->tables_len) != 0)
		return -1;
	memcpy(h, bin_magic, sizeof(bin_magic));
	put_u32(h + 8, BIN_MAJOR | BIN_MINOR << 16);
	put_u32(h + 12, HEADER_SIZE);
	put_u32(h + 16, bw->block_size);
	put_u64(h + 24, w->events);
	put_u64(h + 32, bw->seq);
	put_u64(h + 40, tables_off);
	put_u64(h + 48, bw->tables_len);
	put_u32(h + 56, crc32c(0, bw->tables, bw->tables_len));
	put_u32(h + 60, crc32c(0, h, 60));
	do
		r = pwrite(w->fd, h, sizeof(h), 0);
	while (r < 0 && errno == EINTR);
	if (r != (ssize_t)sizeof(h))
		return writer_io_error(w, r < 0 ? errno : EIO, "write");
	return 0;
}

static void bin_destroy(struct trace_writer *w)
{
	struct bin_writer *bw = w->priv;

	if (bw) {
		free(bw->block);
		free(bw->tables);
		free(bw);
	}
}

static const struct trace_writer_ops bin_writer_ops = {
	.event = bin_event,
	.finish = bin_finish,
	.destroy = bin_destroy,
};

int bin_writer_init(struct trace_writer *w)
{
	struct bin_writer *bw = calloc(1, sizeof(*bw));
	static const uint8_t zero[HEADER_SIZE];

	w->ops = &bin_writer_ops;
	w->priv = bw;
	if (!bw)
		return writer_io_error(w, ENOMEM, "allocation");
	bw->block_size = ALIGN_UP((uint32_t)CONFIG_TRACE_BLOCK_KB, 4u) * 1024;
	bw->block = malloc(bw->block_size);
	if (!bw->block)
		return writer_io_error(w, ENOMEM, "allocation");
	bw->len = BLOCK_HDR;
	return writer_write(w, zero, sizeof(zero));
}
