// SPDX-License-Identifier: MIT
/*
 * trace/crc32c.c - CRC-32C (Castagnoli, reflected polynomial 0x82F63B78),
 * the checksum of binary trace blocks and tables.
 *
 * CRC-32C detects every error burst up to 32 bits and all odd numbers of bit
 * errors, and x86-64 computes it in hardware (SSE 4.2 crc32, 8 bytes per
 * instruction, several GB/s), so checking every block costs a few percent of
 * decoding.  Elsewhere a slicing-by-8 table does it (Kounavis & Berry 2005),
 * about 1-2 GB/s.  The choice is made once, at the first call.
 *
 * Check value: crc32c(0, "123456789", 9) == 0xE3069283.
 */
#include <pthread.h>
#include <string.h>

#include "trace/internal.h"

#define POLY 0x82F63B78u

static uint32_t table[8][256];
static uint32_t (*crc_impl)(uint32_t crc, const uint8_t *p, size_t len);
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static uint32_t crc_sliced(uint32_t crc, const uint8_t *p, size_t len)
{
	while (len && ((uintptr_t)p & 7)) {
		crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
		len--;
	}
	while (len >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		w ^= crc;
		crc = table[7][w & 0xff] ^ table[6][(w >> 8) & 0xff] ^
		      table[5][(w >> 16) & 0xff] ^ table[4][(w >> 24) & 0xff] ^
		      table[3][(w >> 32) & 0xff] ^ table[2][(w >> 40) & 0xff] ^
		      table[1][(w >> 48) & 0xff] ^ table[0][w >> 56];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static uint32_t crc_sse42(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c = crc;

	while (len && ((uintptr_t)p & 7)) {
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
		len--;
	}
	while (len >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		c = __builtin_ia32_crc32di(c, w);
		p += 8;
		len -= 8;
	}
	while (len--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
	return (uint32_t)c;
}
#endif

static void init_crc(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (POLY & (0u - (c & 1)));
		table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			table[t][i] = table[0][table[t - 1][i] & 0xff] ^ (table[t - 1][i] >> 8);
	crc_impl = crc_sliced;
#if defined(__x86_64__)
	if (__builtin_cpu_supports("sse4.2"))
		crc_impl = crc_sse42;
#endif
}

/**
 * crc32c - CRC-32C of a buffer
 * @crc: the CRC of the bytes before @buf, or 0
 * @buf: the bytes
 * @len: their number
 *
 * Return: the CRC of everything so far.
 */
uint32_t crc32c(uint32_t crc, const void *buf, size_t len)
{
	pthread_once(&crc_once, init_crc);
	return ~crc_impl(~crc, buf, len);
}
