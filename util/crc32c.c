/* SPDX-License-Identifier: ISC */
/*
 * crc32c: CRC-32C, slicing-by-8 in portable C with an SSE4.2 path on
 * x86-64; see crc32c.h.
 *
 * The eight 256-entry tables are computed once, by call_once, on first
 * use, together with the choice between the portable code and the crc32
 * instruction; after that they are only read, so concurrent callers are
 * safe.  The portable loop combines bytes explicitly and does not depend
 * on the host's byte order or on alignment.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <threads.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

#include "util/crc32c.h"

#define CRC32C_POLY	0x82f63b78U

static once_flag	 crc32c_once = ONCE_FLAG_INIT;
static uint32_t		 crc32c_table[8][256];
static uint32_t		(*crc32c_impl)(uint32_t, const unsigned char *,
			    size_t);

static uint32_t
crc32c_sw(uint32_t crc, const unsigned char *p, size_t n)
{
	const uint32_t	(*t)[256] = (const uint32_t (*)[256])crc32c_table;

	crc = ~crc;
	while (n >= 8) {
		crc ^= (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		crc = t[7][crc & 0xff] ^ t[6][(crc >> 8) & 0xff] ^
		    t[5][(crc >> 16) & 0xff] ^ t[4][crc >> 24] ^
		    t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
		p += 8;
		n -= 8;
	}
	while (n-- > 0)
		crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xff];
	return (~crc);
}

#if defined(__x86_64__)
static uint32_t __attribute__((target("sse4.2")))
crc32c_hw(uint32_t crc, const unsigned char *p, size_t n)
{
	uint64_t	c = ~crc & 0xffffffffU, w;

	/* Align so the 8-byte loads do not straddle cache lines. */
	while (n > 0 && ((uintptr_t)p & 7) != 0) {
		c = _mm_crc32_u8((uint32_t)c, *p++);
		n--;
	}
	while (n >= 8) {
		memcpy(&w, p, sizeof(w));
		c = _mm_crc32_u64(c, w);
		p += 8;
		n -= 8;
	}
	while (n-- > 0)
		c = _mm_crc32_u8((uint32_t)c, *p++);
	return (~(uint32_t)c);
}
#endif

static void
crc32c_init(void)
{
	uint32_t	c;
	unsigned int	i, j, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = (c >> 1) ^ (CRC32C_POLY & (0U - (c & 1)));
		crc32c_table[0][i] = c;
	}
	for (i = 0; i < 256; i++) {
		c = crc32c_table[0][i];
		for (k = 1; k < 8; k++) {
			c = (c >> 8) ^ crc32c_table[0][c & 0xff];
			crc32c_table[k][i] = c;
		}
	}
	crc32c_impl = crc32c_sw;
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("sse4.2"))
		crc32c_impl = crc32c_hw;
#endif
}

uint32_t
crc32c(uint32_t crc, const void *p, size_t n)
{
	call_once(&crc32c_once, crc32c_init);
	return (crc32c_impl(crc, p, n));
}

uint32_t
crc32c_portable(uint32_t crc, const void *p, size_t n)
{
	call_once(&crc32c_once, crc32c_init);
	return (crc32c_sw(crc, p, n));
}
