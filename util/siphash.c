/* SPDX-License-Identifier: ISC */
/*
 * siphash: SipHash-2-4-128, written from the paper ("SipHash: a fast
 * short-input PRF", 2012) and its reference's 128-bit variant: v1 ^= 0xee
 * at the start, v2 ^= 0xee before the first finalization, v1 ^= 0xdd
 * before the second.  Words are read little-endian whatever the host.
 */
#include <stdint.h>
#include <string.h>

#include "util/siphash.h"

#define SIPHASH_ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t
siphash_le64(const uint8_t *p)
{
	return ((uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	    (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	    (uint64_t)p[7] << 56);
}

static void
siphash_put_le64(uint8_t *p, uint64_t v)
{
	int	i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* SipRound, n times. */
static void
siphash_rounds(uint64_t v[4], int n)
{
	while (n-- > 0) {
		v[0] += v[1];
		v[1] = SIPHASH_ROTL(v[1], 13);
		v[1] ^= v[0];
		v[0] = SIPHASH_ROTL(v[0], 32);
		v[2] += v[3];
		v[3] = SIPHASH_ROTL(v[3], 16);
		v[3] ^= v[2];
		v[0] += v[3];
		v[3] = SIPHASH_ROTL(v[3], 21);
		v[3] ^= v[0];
		v[2] += v[1];
		v[1] = SIPHASH_ROTL(v[1], 17);
		v[1] ^= v[2];
		v[2] = SIPHASH_ROTL(v[2], 32);
	}
}

void
siphash128(const uint8_t *key, const void *data, size_t n, uint8_t *out)
{
	const uint8_t	*p = data, *end = p + (n & ~(size_t)7);
	uint64_t	 k0 = siphash_le64(key), k1 = siphash_le64(key + 8);
	uint64_t	 v[4], m;
	uint8_t		 tail[8];

	v[0] = k0 ^ UINT64_C(0x736f6d6570736575);
	v[1] = k1 ^ UINT64_C(0x646f72616e646f6d) ^ 0xee;
	v[2] = k0 ^ UINT64_C(0x6c7967656e657261);
	v[3] = k1 ^ UINT64_C(0x7465646279746573);
	for (; p != end; p += 8) {
		m = siphash_le64(p);
		v[3] ^= m;
		siphash_rounds(v, 2);
		v[0] ^= m;
	}
	/* The last 0 to 7 bytes, the length's low byte on top. */
	memset(tail, 0, sizeof(tail));
	memcpy(tail, p, n & 7);
	tail[7] = (uint8_t)n;
	m = siphash_le64(tail);
	v[3] ^= m;
	siphash_rounds(v, 2);
	v[0] ^= m;

	v[2] ^= 0xee;
	siphash_rounds(v, 4);
	siphash_put_le64(out, v[0] ^ v[1] ^ v[2] ^ v[3]);
	v[1] ^= 0xdd;
	siphash_rounds(v, 4);
	siphash_put_le64(out + 8, v[0] ^ v[1] ^ v[2] ^ v[3]);
}
