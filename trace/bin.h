/* SPDX-License-Identifier: MIT */
/*
 * trace/bin.h - binary traces, v1.0: the format, and the encoding
 * helpers its reader (trace_bin_read.c) and writer (trace_bin_write.c) share.
 *
 * All integers are little-endian; "varint" is unsigned LEB128 (at most 10
 * bytes), "zigzag" maps a signed value s to (s << 1) ^ (s >> 63) first.
 *
 *   file   = header, block*, tables             (the header points at tables)
 *
 *   header (64 bytes, at offset 0)
 *     0  magic     89 53 4c 54 52 0d 0a 1a      ("\x89SLTR\r\n\x1a")
 *     8  u16 major = 1, u16 minor = 0           readers reject another major
 *    12  u32 header size (64; blocks start here)
 *    16  u32 block size: a multiple of 4096, 4096 .. 1 MiB
 *    20  u32 flags = 0
 *    24  u64 events, the records in all blocks
 *    32  u64 blocks
 *    40  u64 tables offset; 48 u64 tables size: they end the file exactly
 *    56  u32 CRC-32C of the tables
 *    60  u32 CRC-32C of bytes 0..59
 *
 *   block i, at header size + i * block size
 *     0  u32 i;  4 u32 payload bytes;  8 u32 records
 *    12  u32 CRC-32C of bytes 0..11 and the payload
 *    16  payload: records, never split across blocks
 *        zero padding up to the block size, except in the last block,
 *        which ends right after its payload
 *
 *   record = kind byte, [tid varint], operands
 *     kind byte: bits 0-3 the enum trace_kind, bit 7 a tid follows,
 *                bits 4-6 zero
 *     operands, per trace_kinds[] (the text order):
 *       OBJ            zigzag(OBJ - previous OBJ)
 *       ID, NEWID      zigzag(ID - previous block id)
 *       OLDID          zigzag(OLDID - NEWID)
 *       CLASS          varint class id, of a class already declared
 *       ATTR           varint symbol id
 *       INT            zigzag varint
 *       SIZE, NMEMB, ALIGN  varint
 *     a CLASS record has no operands: it declares the next class of the
 *     class table, so classes are declared in table order at the point
 *     where the text trace declares them.
 *     The tid, previous OBJ and previous block id start at 0 in every
 *     block and carry over from record to record; so a block decodes on
 *     its own, and sequential ids cost one byte.
 *
 *   tables (after the last block)
 *     varint length, header text          (the comment header)
 *     varint n, n x (varint length, name)          attribute names, id order
 *     varint n, n x class:                          class table, id order
 *       varint length, name;  u8 flags (TRACE_CF_* | 0x10 has a base);
 *       [varint base id < own id];  varint nslots, nslots x varint symbol id
 *
 * The writer streams: a placeholder header, blocks as they fill, then the
 * tables it has built, then the real header, written in place.  Symbols get
 * ids in order of first use, as the text parser gives them, so a trace
 * read as text and as its binary conversion yields identical events.
 *
 * Checks: the reader verifies the header CRC, sizes and counts against the
 * file's length, the tables' CRC and contents (names, rules 5 and 9 through
 * classtab_declare()), every block's index, length and CRC, every record's
 * kind, reserved bits, varint bounds and ids, and at the end the event and
 * class counts.  Every failure names the byte offset where it was found.
 *
 * Canonicalised by a text -> binary -> text round trip: whatever the text
 * writer canonicalises (trace_text.c), plus the header, whose lines lose
 * their trailing blanks.  A binary -> text -> binary round trip with the
 * same block size gives the same bytes.
 */
#ifndef SLOTSLAB_BENCH_TRACE_BIN_H
#define SLOTSLAB_BENCH_TRACE_BIN_H

#include <string.h>

#include "trace/internal.h"

#define BIN_MAJOR      1
#define BIN_MINOR      0
#define HEADER_SIZE    64
#define BLOCK_HDR      16
#define BLOCK_MIN      4096u
#define BLOCK_MAX      (1u << 20)
#define RECORD_MAX     (1 + 5 + TRACE_MAX_FIELDS * 10)	/* what a writer writes */
#define RECORD_READ_MAX (1 + 10 + TRACE_MAX_FIELDS * 10)	/* what a reader may read */
#define KIND_TID       0x80
#define KIND_MASK      0x0f
#define CLASS_HAS_BASE 0x10
#define TABLES_MAX     (1ull << 30)

/* The first 8 bytes of every binary trace. */
static const uint8_t bin_magic[8] __maybe_unused = { 0x89, 'S', 'L', 'T', 'R', '\r', '\n', 0x1a };

static inline uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t get_u64(const uint8_t *p)
{
	return get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static inline void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_u64(uint8_t *p, uint64_t v)
{
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

static inline uint64_t zigzag(uint64_t delta)
{
	return (delta << 1) ^ (uint64_t)((int64_t)delta >> 63);
}

static inline uint64_t unzigzag(uint64_t z)
{
	return (z >> 1) ^ (0 - (z & 1));
}

static inline uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/*
 * The 7-bit groups of the little-endian bytes of @w (stop bits already
 * cleared by the caller's mask), packed: 8 bytes give 56 bits.
 */
static __always_inline uint64_t varint_pack8(uint64_t w)
{
	w &= 0x7f7f7f7f7f7f7f7full;
	w = ((w & 0x7f007f007f007f00ull) >> 1) | (w & 0x007f007f007f007full);
	w = ((w & 0x3fff00003fff0000ull) >> 2) | (w & 0x00003fff00003fffull);
	return ((w & 0x0fffffff00000000ull) >> 4) | (w & 0x000000000fffffffull);
}

/*
 * Decode a varint at *pp: 0, or -1 when it overflows or (if @checked) runs
 * past @end.  Unchecked, it reads at most 10 bytes whatever they hold: a
 * varint of 2 to 8 bytes is found with one 8-byte load instead of a branch
 * per byte (little-endian hosts), longer ones take the loop.
 */
static __always_inline int get_varint(const uint8_t **pp, const uint8_t *end, uint64_t *v,
				      bool checked)
{
	const uint8_t *p = *pp;
	uint64_t x = 0;

	if (likely((!checked || p < end) && *p < 0x80)) {
		*v = *p;
		*pp = p + 1;
		return 0;
	}
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (!checked) {
		uint64_t w, stops;

		memcpy(&w, p, sizeof(w));
		stops = ~w & 0x8080808080808080ull;
		if (likely(stops)) {
			unsigned int bits = (unsigned int)__builtin_ctzll(stops) + 1;

			*v = varint_pack8(bits == 64 ? w : w & ((1ull << bits) - 1));
			*pp = p + bits / 8;
			return 0;
		}
	}
#endif
	for (unsigned int shift = 0; (!checked || p < end) && shift < 64; shift += 7) {
		uint8_t b = *p++;

		if (shift == 63 && b > 1)
			return -1;
		x |= (uint64_t)(b & 0x7f) << shift;
		if (b < 0x80) {
			*v = x;
			*pp = p;
			return 0;
		}
	}
	return -1;
}

#endif
