// SPDX-License-Identifier: MIT
/*
 * tests/trace/test_trace_binary.c - the binary trace format (white-box: builds
 * traces by hand with trace/bin.h):
 *
 * 1. Round trips: text -> binary -> text and binary -> text -> binary are
 *    lossless (same events, same ids; canonical text and binary bytes
 *    reproduced exactly), across several blocks, thread switches, negative
 *    id deltas and extreme values.
 * 2. Truncation at every offset of the header and tables and across the
 *    blocks is reported (TRACE_ETRUNC or TRACE_ECORRUPT) with an offset.
 * 3. Every single changed byte is detected.
 * 4. Hand-built traces with valid checksums reach each structural check:
 *    its code, offset and message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "trace/bin.h"
#include "tests/lib/trace_check.h"
#include "tests/lib/tmpfiles.h"

static int setup_tmpdir(void **state)
{
	return test_tmpdir_create("test_trace_binary");
}

static int teardown_tmpdir(void **state)
{
	return test_tmpdir_remove();
}

/*
 * Write a file anew.  Unlinking first avoids ext4's replace-via-truncate
 * flush (auto_da_alloc), which would make every rewrite wait for the disk.
 */
static void spit(const char *path, const void *buf, size_t len)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Copy every event of @in to a new trace @out. */
static void convert(const char *in, const char *out)
{
	struct trace_error err;

	if (check_copy(in, out, &err) != 0)
		fail_msg("%s", err.msg);
}

/*
 * A text trace of @n events over several blocks: every kind, thread
 * switches, ids that jump back and forth, extreme values.
 */
static void write_varied_text(const char *path, unsigned int n)
{
	FILE *f = fopen(path, "w");
	uint64_t x = 12345;

	assert_non_null(f);
	fprintf(f, "# varied trace\n#\n#   indented line\n");
	fprintf(f, "class A slots=x,y weakref\nclass B base=A slots=z dict\n"
		"class C\nclass V slots= varsize\nclass W base=V slots=\n");
	fprintf(f, "classattr C k -1\n");
	for (unsigned int i = 0; i < n; i++) {
		uint64_t id;

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		id = (x >> 20) % 5 == 0 ? x : (x >> 40);
		if (i % 7 == 0)
			fprintf(f, "@%u ", (unsigned int)(x >> 60));
		switch (i % 14) {
		case 0: fprintf(f, "new %llu %s\n", (unsigned long long)id, i % 3 ? "A" : "C"); break;
		case 1: fprintf(f, "set %llu x %lld\n", (unsigned long long)id, (long long)x); break;
		case 2: fprintf(f, "set %llu n%u -1\n", (unsigned long long)id, i % 50); break;
		case 3: fprintf(f, "get %llu y\n", (unsigned long long)id); break;
		case 4: fprintf(f, "del %llu z\n", (unsigned long long)id); break;
		case 5: fprintf(f, "weakref %llu\n", (unsigned long long)id); break;
		case 6: fprintf(f, "setclass %llu B\n", (unsigned long long)id); break;
		case 7: fprintf(f, "free %llu\n", (unsigned long long)id); break;
		case 8: fprintf(f, "malloc %llu %llu\n", (unsigned long long)id,
				(unsigned long long)(x >> 50)); break;
		case 9: fprintf(f, "calloc %llu 3 %llu\n", (unsigned long long)id,
				(unsigned long long)(x >> 3)); break;
		case 10: fprintf(f, "realloc %llu %llu 0\n", (unsigned long long)(x >> 30),
				 (unsigned long long)id); break;
		case 11: fprintf(f, "memalign %llu %llu 48\n", (unsigned long long)id,
				 1ull << (x >> 58)); break;
		case 12: fprintf(f, "mfree %llu\n", (unsigned long long)id); break;
		default: fprintf(f, "classattr A k%u %lld\n", i % 9, (long long)(int64_t)x); break;
		}
	}
	fprintf(f, "free 0\nfree 18446744073709551615\nset 1 x -9223372036854775808\n");
	assert_int_equal(fclose(f), 0);
}

static void assert_same_events(const char *p1, const char *p2)
{
	struct trace_error err;
	struct trace_event a, b;
	struct trace *t1 = trace_open(p1, NULL, &err), *t2 = trace_open(p2, NULL, &err);
	int r1, r2;

	assert_non_null(t1);
	assert_non_null(t2);
	do {
		r1 = trace_next(t1, &a);
		r2 = trace_next(t2, &b);
		assert_int_equal(r1, r2);
		if (r1 <= 0)
			break;
		assert_int_equal(a.kind, b.kind);
		assert_int_equal(a.tid, b.tid);
		assert_true(a.id == b.id && a.old_id == b.old_id && a.size == b.size);
		assert_true(a.nmemb == b.nmemb && a.value == b.value);
		assert_true(!a.cls == !b.cls && !a.attr == !b.attr);
		if (a.cls) {
			assert_int_equal(a.cls->id, b.cls->id);
			assert_string_equal(a.cls->name, b.cls->name);
		}
		if (a.attr) {
			assert_int_equal(a.attr->id, b.attr->id);
			assert_string_equal(a.attr->name, b.attr->name);
		}
	} while (1);
	assert_int_equal(r1, 0);
	assert_string_equal(trace_header(t1, NULL), trace_header(t2, NULL));
	trace_close(t1);
	trace_close(t2);
}

static void assert_same_bytes(const char *p1, const char *p2)
{
	size_t l1, l2;
	uint8_t *b1 = (uint8_t *)test_slurp(p1, &l1), *b2 = (uint8_t *)test_slurp(p2, &l2);

	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	free(b1);
	free(b2);
}

static void test_round_trips(void **state)
{
	const char *text = test_tmpfile("varied.txt"), *bin = test_tmpfile("varied.bin");
	const char *canon = test_tmpfile("canon.txt"), *bin2 = test_tmpfile("again.bin");
	struct trace_error err;
	struct trace *t;
	size_t len;
	uint8_t *b;

	write_varied_text(text, 30000);
	convert(text, bin);
	b = (uint8_t *)test_slurp(bin, &len);
	assert_memory_equal(b, bin_magic, sizeof(bin_magic));
	assert_true(get_u64(b + 32) >= 3);	/* several blocks */
	free(b);
	t = trace_open(bin, NULL, &err);
	assert_non_null(t);
	assert_int_equal(trace_format(t), TRACE_FMT_BINARY);
	assert_string_equal(trace_header(t, NULL), "varied trace\n\n  indented line\n");
	trace_close(t);

	assert_same_events(text, bin);		/* same events, same ids */
	convert(bin, canon);
	assert_same_events(text, canon);
	convert(canon, bin2);
	assert_same_bytes(bin, bin2);		/* binary -> text -> binary */
	convert(bin2, test_tmpfile("canon2.txt"));
	assert_same_bytes(canon, test_tmpfile("canon2.txt"));	/* text -> binary -> text */
	convert(bin, test_tmpfile("copy.bin"));
	assert_same_bytes(bin, test_tmpfile("copy.bin"));	/* binary -> binary */
}

static void test_empty_trace(void **state)
{
	const char *txt = test_tmpfile("empty.txt"), *bin = test_tmpfile("empty.bin");
	struct trace_error err;
	size_t len;
	uint8_t *b;
	char *dump;

	spit(txt, "", 0);
	convert(txt, bin);
	b = (uint8_t *)test_slurp(bin, &len);
	assert_int_equal(len, HEADER_SIZE + 3);	/* header text, symbols, classes: 0 */
	free(b);
	dump = check_dump_file(bin, NULL, &err);
	assert_non_null(dump);
	assert_string_equal(dump, "");
	free(dump);
}

/* Content decides, not the name. */
static void test_detect_by_content(void **state)
{
	const char *text = test_tmpfile("small.bin"), *bin = test_tmpfile("small.txt.bin");
	struct trace_error err;
	struct trace *t;

	spit(text, "class A\nnew 1 A\n", 16);
	t = trace_open(text, NULL, &err);
	assert_non_null(t);
	assert_int_equal(trace_format(t), TRACE_FMT_TEXT);
	trace_close(t);
	convert(text, bin);
	rename(bin, test_tmpfile("looks.txt"));
	t = trace_open(test_tmpfile("looks.txt"), NULL, &err);
	assert_non_null(t);
	assert_int_equal(trace_format(t), TRACE_FMT_BINARY);
	trace_close(t);
	assert_int_equal(trace_format_for_path("a.trace"), TRACE_FMT_TEXT);
	assert_int_equal(trace_format_for_path("a.txt"), TRACE_FMT_TEXT);
	assert_int_equal(trace_format_for_path("a.txt.bin"), TRACE_FMT_BINARY);
	assert_int_equal(trace_format_for_path("txt"), TRACE_FMT_BINARY);
}

/*
 * Expect @path to fail as a damaged binary trace, with an offset inside it;
 * or, when its first byte is no longer the magic's, as a malformed text
 * trace (then it is not recognisable as binary at all).
 */
static void assert_damaged(const char *path, size_t size, bool first_byte, const char *what)
{
	struct trace_error err = { 0 };
	char *dump = check_dump_file(path, NULL, &err);

	if (dump)
		fail_msg("%s: read without error", what);
	if (first_byte && err.code == TRACE_ESYNTAX && err.line == 1)
		return;
	if (err.code != TRACE_ETRUNC && err.code != TRACE_ECORRUPT)
		fail_msg("%s: code %d: %s", what, err.code, err.msg);
	if (err.offset < 0 || (uint64_t)err.offset > size || !strstr(err.msg, ": offset "))
		fail_msg("%s: offset %lld: %s", what, (long long)err.offset, err.msg);
	assert_int_equal(trace_error_status(&err), 2);
}

static void test_truncated(void **state)
{
	const char *text = test_tmpfile("trunc.txt"), *bin = test_tmpfile("trunc.bin"), *cut = test_tmpfile("cut.bin");
	struct trace_error err;
	size_t len;
	uint8_t *b;
	char what[64];

	write_varied_text(text, 20000);
	convert(text, bin);
	b = (uint8_t *)test_slurp(bin, &len);
	for (size_t n = 1; n < len; n += n < 200 || n > len - 200 ? 1 : 331) {
		spit(cut, b, n);
		snprintf(what, sizeof(what), "cut at %zu of %zu", n, len);
		assert_damaged(cut, n, false, what);
	}
	/* The header promises tables past the end: a truncation at the file's end. */
	spit(cut, b, len - 1);
	assert_null(check_dump_file(cut, NULL, &err));
	assert_int_equal(err.code, TRACE_ETRUNC);
	assert_int_equal(err.offset, (int64_t)len - 1);
	spit(cut, b, 5);
	assert_null(check_dump_file(cut, NULL, &err));
	assert_int_equal(err.code, TRACE_ETRUNC);
	assert_non_null(strstr(err.msg, "truncated: the file ends at offset 5, but 64 bytes "
			       "are due at offset 0"));
	free(b);
}

static void test_every_byte_changed(void **state)
{
	const char *text = test_tmpfile("flip.txt"), *bin = test_tmpfile("flip.bin"), *bad = test_tmpfile("bad.bin");
	size_t len, big;
	uint8_t *b;
	char what[64];

	/* One block: every byte, two ways. */
	static const char small[] = "# h\nclass A slots=x\nclass B base=A\n@2 new 1 B\n"
				    "set 1 x -5\nmalloc 9 100\nrealloc 10 9 200\nmfree 10\n"
				    "free 1\n";

	spit(text, small, sizeof(small) - 1);
	convert(text, bin);
	b = (uint8_t *)test_slurp(bin, &len);
	for (size_t i = 0; i < len; i++) {
		for (int m = 0; m < 2; m++) {
			uint8_t saved = b[i];

			b[i] ^= m ? 0xff : 0x01;
			spit(bad, b, len);
			b[i] = saved;
			snprintf(what, sizeof(what), "byte %zu ^ %s", i, m ? "0xff" : "0x01");
			assert_damaged(bad, len, i == 0, what);
		}
	}
	free(b);
	/* Several blocks: padding included, in a stride. */
	write_varied_text(text, 20000);
	convert(text, bin);
	b = (uint8_t *)test_slurp(bin, &big);
	for (size_t i = 0; i < big; i += 1009) {
		b[i] ^= 0x20;
		spit(bad, b, big);
		b[i] ^= 0x20;
		snprintf(what, sizeof(what), "byte %zu of %zu", i, big);
		assert_damaged(bad, big, i == 0, what);
	}
	free(b);
}

/* ---- hand-built traces ------------------------------------------------ */

/* A one-block trace: its payload (records), tables and header fields. */
struct spec {
	const uint8_t *payload;
	size_t plen;
	uint32_t records;
	const uint8_t *tables;
	size_t tlen;
	uint64_t events;	/* 0: records */
	uint32_t version;	/* 0: 1.0 */
	uint32_t block_size;	/* 0: 4096 */
	uint32_t flags;
};

#define PAYLOAD(...) .payload = (const uint8_t[]){ __VA_ARGS__ }, \
		     .plen = sizeof((const uint8_t[]){ __VA_ARGS__ })
#define TABLES(...)  .tables = (const uint8_t[]){ __VA_ARGS__ }, \
		     .tlen = sizeof((const uint8_t[]){ __VA_ARGS__ })
#define TABLES_AB    .tables = tables_ab, .tlen = sizeof(tables_ab)

/* Lay out a one-block trace as the writer would, with valid checksums. */
static size_t build(uint8_t *out, const struct spec *s)
{
	size_t off = HEADER_SIZE;
	uint32_t crc;

	memset(out, 0, HEADER_SIZE);
	if (s->plen || s->records) {
		put_u32(out + off, 0);
		put_u32(out + off + 4, (uint32_t)s->plen);
		put_u32(out + off + 8, s->records);
		memcpy(out + off + 16, s->payload, s->plen);
		crc = crc32c(0, out + off, 12);
		put_u32(out + off + 12, crc32c(crc, out + off + 16, s->plen));
		off += 16 + s->plen;
	}
	memcpy(out + off, s->tables, s->tlen);
	memcpy(out, bin_magic, 8);
	put_u32(out + 8, s->version ? s->version : BIN_MAJOR);
	put_u32(out + 12, HEADER_SIZE);
	put_u32(out + 16, s->block_size ? s->block_size : 4096);
	put_u32(out + 20, s->flags);
	put_u64(out + 24, s->events ? s->events : s->records);
	put_u64(out + 32, off > HEADER_SIZE);
	put_u64(out + 40, off);
	put_u64(out + 48, s->tlen);
	put_u32(out + 56, crc32c(0, s->tables, s->tlen));
	put_u32(out + 60, crc32c(0, out, 60));
	return off + s->tlen;
}

/* Tables: no header text; symbols "x", "y"; class A slots=x; class B base=A slots=y. */
static const uint8_t tables_ab[] = {
	0,
	2, 1, 'x', 1, 'y',
	2, 1, 'A', TRACE_CF_SLOTS, 1, 0,
	   1, 'B', TRACE_CF_SLOTS | 0x10, 0, 1, 1,
};

static const struct crafted {
	const char *name;
	struct spec s;
	enum trace_errcode code;
	int64_t offset;
	const char *msg;
} crafted[] = {
	{ "valid", { PAYLOAD(1, 1, 3, 2, 1, 3, 2, 0), .records = 4, TABLES_AB }, TRACE_OK, -1, "" },
	{ "kind 0", { PAYLOAD(0), .records = 1, TABLES_AB },
	  TRACE_ECORRUPT, 80, "record kind byte 0x00 is not an event" },
	{ "kind 15", { PAYLOAD(1, 15), .records = 2, TABLES_AB },
	  TRACE_ECORRUPT, 81, "record kind byte 0x0f is not an event" },
	{ "reserved bits", { PAYLOAD(0x47, 0), .records = 1, TABLES_AB },
	  TRACE_ECORRUPT, 80, "record kind byte 0x47" },
	{ "class before its record", { PAYLOAD(3, 2, 0), .records = 1, TABLES_AB },
	  TRACE_ECORRUPT, 80, "new record: class id 0, but 0 classes are declared" },
	{ "class id", { PAYLOAD(1, 3, 2, 1), .records = 2, TABLES_AB },
	  TRACE_ECORRUPT, 81, "class id 1, but 1 classes are declared" },
	{ "attr id", { PAYLOAD(4, 2, 2, 0), .records = 1, TABLES_AB },
	  TRACE_ECORRUPT, 80, "set record: attribute id 2, but the table has 2 names" },
	{ "varint overflow", { PAYLOAD(7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				       0x02), .records = 1, TABLES_AB },
	  TRACE_ECORRUPT, 81, "free record: bad or cut-off varint (record at offset 80)" },
	{ "varint cut off", { PAYLOAD(7, 0x80), .records = 1, TABLES_AB },
	  TRACE_ECORRUPT, 81, "bad or cut-off varint" },
	{ "operand missing", { PAYLOAD(10, 0), .records = 1, TABLES_AB },
	  TRACE_ECORRUPT, 82, "malloc record: bad or cut-off varint" },
	{ "tid too big", { PAYLOAD(0x87, 0x80, 0x80, 0x80, 0x80, 0x10, 0), .records = 1, TABLES_AB },
	  TRACE_ECORRUPT, 80, "free record: bad thread id" },
	{ "alignment", { PAYLOAD(13, 2, 3, 8), .records = 1, TABLES_AB },
	  TRACE_ECORRUPT, 80, "memalign record: alignment 3 is not a power of two" },
	{ "record count", { PAYLOAD(1, 1, 7, 0), .records = 4, TABLES_AB },
	  TRACE_ECORRUPT, 84, "block 0 says it holds 4 records but holds 3" },
	{ "event count", { PAYLOAD(1, 1), .records = 2, TABLES_AB, .events = 3 },
	  TRACE_ECORRUPT, 82, "the header promises 3 events, the blocks hold 2" },
	{ "class records short", { PAYLOAD(1), .records = 1, TABLES_AB },
	  TRACE_ECORRUPT, 81, "the class table holds 2 classes, the records declare 1" },
	{ "class records long", { PAYLOAD(1, 1, 1), .records = 3, TABLES_AB },
	  TRACE_ECORRUPT, 82, "class record 3, but the class table holds 2 classes" },
	{ "version 2", { TABLES_AB, .version = 2 },
	  TRACE_ECORRUPT, 8, "binary trace version 2.0; this reader reads 1.x" },
	{ "block size", { TABLES_AB, .block_size = 5000 },
	  TRACE_ECORRUPT, 16, "block size 5000" },
	{ "flags", { TABLES_AB, .flags = 4 },
	  TRACE_ECORRUPT, 20, "unknown flags 0x4" },
	{ "duplicate name", { TABLES(0, 2, 1, 'x', 1, 'x', 0) },
	  TRACE_ECORRUPT, 69, "tables: attribute name 'x' appears twice" },
	{ "bad name", { TABLES(0, 1, 2, '1', 'x', 0) },
	  TRACE_ECORRUPT, 67, "tables: attribute name 0 is not a name" },
	{ "name past end", { TABLES(0, 1, 9, 'x') },
	  TRACE_ECORRUPT, 67, "tables: attribute name runs past the end of the tables" },
	{ "rule 5 in table", { TABLES(0, 1, 1, 'x', 2, 1, 'A', TRACE_CF_SLOTS, 1, 0,
				      1, 'B', TRACE_CF_SLOTS | 0x10, 0, 1, 0) },
	  TRACE_ECLASS, 75, "tables: class 'B': slot 'x' is already a slot of base class 'A'" },
	{ "rule 9 in table", { TABLES(0, 1, 1, 'x', 2, 1, 'T', TRACE_CF_VARSIZE, 0,
				      1, 'U', TRACE_CF_SLOTS | 0x10, 0, 1, 0) },
	  TRACE_ECLASS, 74, "base class 'T' has variable-size instances" },
	{ "base id", { TABLES(0, 0, 1, 1, 'A', 0x10, 0, 0) },
	  TRACE_ECORRUPT, 70, "tables: bad base class id" },
	{ "slot id", { TABLES(0, 0, 1, 1, 'A', 1, 1, 0) },
	  TRACE_ECORRUPT, 71, "tables: bad slot name id" },
	{ "class flags", { TABLES(0, 0, 1, 1, 'A', 0x20, 0) },
	  TRACE_ECORRUPT, 69, "tables: bad class flags" },
	{ "duplicate class", { TABLES(0, 0, 2, 1, 'A', 0, 0, 1, 'A', 0, 0) },
	  TRACE_ECLASS, 72, "tables: class 'A' is already declared" },
	{ "stray bytes", { TABLES(0, 0, 0, 0) },
	  TRACE_ECORRUPT, 67, "tables: 1 stray bytes after the class table" },
};

static void test_crafted(void **state)
{
	static uint8_t buf[8192];
	const char *path = test_tmpfile("crafted.bin");

	for (size_t i = 0; i < ARRAY_SIZE(crafted); i++) {
		const struct crafted *c = &crafted[i];
		struct trace_error err = { 0 };
		char *dump;

		spit(path, buf, build(buf, &c->s));
		dump = check_dump_file(path, NULL, &err);
		if (c->code == TRACE_OK && dump) {
			assert_string_equal(dump, "class A slots=x\nclass B slots=y base=A\n"
					    "new 1 B\nnew 2 A\n");
			free(dump);
			continue;
		}
		if (dump || err.code != c->code || err.offset != c->offset ||
		    !strstr(err.msg, c->msg))
			fail_msg("%s: code %d offset %lld '%s'", c->name, err.code,
				 (long long)err.offset, err.msg);
		assert_non_null(strstr(err.msg, "crafted.bin: offset "));
	}
}

/* Recompute the CRC of the block at @blk. */
static void reseal(uint8_t *blk)
{
	uint32_t crc = crc32c(0, blk, 12);

	put_u32(blk + 12, crc32c(crc, blk + 16, get_u32(blk + 4)));
}

/* Block-level checks on a real multi-block trace, checksums recomputed. */
static void test_block_checks(void **state)
{
	const char *text = test_tmpfile("blk.txt"), *bin = test_tmpfile("blk.bin"), *bad = test_tmpfile("blkbad.bin");
	uint32_t bs, plen;
	struct trace_error err;
	size_t len;
	uint8_t *b, *blk1;

	write_varied_text(text, 20000);
	convert(text, bin);
	b = (uint8_t *)test_slurp(bin, &len);
	bs = get_u32(b + 16);
	blk1 = b + HEADER_SIZE + bs;
	plen = get_u32(blk1 + 4);

	put_u32(blk1, 7);	/* wrong index, valid CRC */
	reseal(blk1);
	spit(bad, b, len);
	assert_null(check_dump_file(bad, NULL, &err));
	assert_int_equal(err.code, TRACE_ECORRUPT);
	assert_int_equal(err.offset, HEADER_SIZE + bs);
	assert_non_null(strstr(err.msg, "block 1 carries index 7"));

	put_u32(blk1, 1);
	put_u32(blk1 + 4, bs);	/* payload longer than the block */
	spit(bad, b, len);	/* (checked before the CRC) */
	assert_null(check_dump_file(bad, NULL, &err));
	assert_int_equal(err.offset, HEADER_SIZE + bs + 4);
	assert_non_null(strstr(err.msg, "block 1 says its payload is"));

	put_u32(blk1 + 4, plen);
	reseal(blk1);
	blk1[16 + plen] = 1;	/* padding */
	spit(bad, b, len);
	assert_null(check_dump_file(bad, NULL, &err));
	assert_int_equal(err.offset, HEADER_SIZE + bs + 16 + plen);
	assert_non_null(strstr(err.msg, "padding after its payload is not zero"));
	blk1[16 + plen] = 0;

	blk1[20] ^= 0x40;	/* payload, checksum not recomputed */
	spit(bad, b, len);
	assert_null(check_dump_file(bad, NULL, &err));
	assert_int_equal(err.offset, HEADER_SIZE + bs);
	assert_non_null(strstr(err.msg, "block 1 fails its checksum"));
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_empty_trace),
		cmocka_unit_test(test_detect_by_content),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_every_byte_changed),
		cmocka_unit_test(test_crafted),
		cmocka_unit_test(test_block_checks),
	};

	return cmocka_run_group_tests_name("trace_binary", tests, setup_tmpdir, teardown_tmpdir);
}
