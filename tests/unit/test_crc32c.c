/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for util/crc32c: published check values (RFC 3720 B.4 and
 * the CRC catalogue), incremental use, and the dispatched implementation
 * against the portable one at every alignment.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/crc32c.h"

static void
test_crc32c_check(const void *p, size_t n, uint32_t want)
{
	assert_int_equal(crc32c(0, p, n), want);
	assert_int_equal(crc32c_portable(0, p, n), want);
}

static void
test_crc32c_vectors(void **state)
{
	unsigned char	b[32];
	size_t		i;
	const char	*fox = "The quick brown fox jumps over the lazy dog";

	test_crc32c_check("123456789", 9, 0xe3069283U);
	test_crc32c_check("", 0, 0);
	test_crc32c_check(NULL, 0, 0);
	test_crc32c_check("a", 1, 0xc1d04330U);
	test_crc32c_check(fox, strlen(fox), 0x22620404U);

	memset(b, 0, sizeof(b));
	test_crc32c_check(b, sizeof(b), 0x8a9136aaU);
	memset(b, 0xff, sizeof(b));
	test_crc32c_check(b, sizeof(b), 0x62a8ab43U);
	for (i = 0; i < sizeof(b); i++)
		b[i] = (unsigned char)i;
	test_crc32c_check(b, sizeof(b), 0x46dd794eU);
	for (i = 0; i < sizeof(b); i++)
		b[i] = (unsigned char)(31 - i);
	test_crc32c_check(b, sizeof(b), 0x113fdb5cU);
}

static void
test_crc32c_fill(unsigned char *p, size_t n)
{
	uint32_t	x = 2463534242U;
	size_t		i;

	/* xorshift32: fixed, so failures reproduce. */
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
}

static void
test_crc32c_incremental(void **state)
{
	unsigned char	data[1000];
	uint32_t	whole, c;
	size_t		i, j;

	test_crc32c_fill(data, sizeof(data));
	whole = crc32c(0, data, sizeof(data));
	assert_int_equal(whole, crc32c_portable(0, data, sizeof(data)));

	for (i = 0; i <= sizeof(data); i++) {
		c = crc32c(0, data, i);
		assert_int_equal(crc32c(c, data + i, sizeof(data) - i), whole);
		c = crc32c_portable(0, data, i);
		assert_int_equal(crc32c_portable(c, data + i,
		    sizeof(data) - i), whole);
	}
	for (i = 0; i <= sizeof(data); i += 37) {
		for (j = i; j <= sizeof(data); j += 53) {
			c = crc32c(0, data, i);
			c = crc32c(c, data + i, j - i);
			c = crc32c(c, data + j, sizeof(data) - j);
			assert_int_equal(c, whole);
		}
	}
	/* Byte by byte. */
	for (c = 0, i = 0; i < sizeof(data); i++)
		c = crc32c(c, data + i, 1);
	assert_int_equal(c, whole);
}

static void
test_crc32c_alignment(void **state)
{
	unsigned char	data[320];
	size_t		off, n;

	test_crc32c_fill(data, sizeof(data));
	for (off = 0; off < 8; off++) {
		for (n = 0; n + off <= 300; n++)
			assert_int_equal(crc32c(0, data + off, n),
			    crc32c_portable(0, data + off, n));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c_vectors),
		cmocka_unit_test(test_crc32c_incremental),
		cmocka_unit_test(test_crc32c_alignment),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
