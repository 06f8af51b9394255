/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for util/siphash: the reference implementation's published
 * 128-bit vectors (key 00..0f, message 00..len-1), and that the key and
 * every byte of the input change the digest.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/siphash.h"

static void
test_siphash_vector(size_t len, const uint8_t want[SIPHASH128_LEN])
{
	uint8_t	key[SIPHASH_KEY_LEN], msg[64], out[SIPHASH128_LEN];
	size_t	i;

	memset(msg, 0, sizeof(msg));
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < len; i++)
		msg[i] = (uint8_t)i;
	siphash128(key, msg, len, out);
	assert_memory_equal(out, want, SIPHASH128_LEN);
}

/* vectors_sip128 of github.com/veorq/SipHash (vectors.h). */
static void
test_siphash_reference(void **state)
{
	static const uint8_t	v0[] = { 0xa3, 0x81, 0x7f, 0x04, 0xba, 0x25,
	    0xa8, 0xe6, 0x6d, 0xf6, 0x72, 0x14, 0xc7, 0x55, 0x02, 0x93 };
	static const uint8_t	v1[] = { 0xda, 0x87, 0xc1, 0xd8, 0x6b, 0x99,
	    0xaf, 0x44, 0x34, 0x76, 0x59, 0x11, 0x9b, 0x22, 0xfc, 0x45 };
	static const uint8_t	v2[] = { 0x81, 0x77, 0x22, 0x8d, 0xa4, 0xa4,
	    0x5d, 0xc7, 0xfc, 0xa3, 0x8b, 0xde, 0xf6, 0x0a, 0xff, 0xe4 };
	static const uint8_t	v3[] = { 0x9c, 0x70, 0xb6, 0x0c, 0x52, 0x67,
	    0xa9, 0x4e, 0x5f, 0x33, 0xb6, 0xb0, 0x29, 0x85, 0xed, 0x51 };
	static const uint8_t	v15[] = { 0x54, 0x93, 0xe9, 0x99, 0x33, 0xb0,
	    0xa8, 0x11, 0x7e, 0x08, 0xec, 0x0f, 0x97, 0xcf, 0xc3, 0xd9 };

	(void)state;
	test_siphash_vector(0, v0);
	test_siphash_vector(1, v1);
	test_siphash_vector(2, v2);
	test_siphash_vector(3, v3);
	test_siphash_vector(15, v15);
}

/* A changed key or any one changed byte, at any length and position,
 * gives another digest. */
static void
test_siphash_sensitive(void **state)
{
	uint8_t	key[SIPHASH_KEY_LEN], msg[40], a[SIPHASH128_LEN];
	uint8_t	b[SIPHASH128_LEN];
	size_t	len, i;

	(void)state;
	memset(key, 7, sizeof(key));
	for (len = 1; len <= sizeof(msg); len++) {
		memset(msg, 'x', sizeof(msg));
		siphash128(key, msg, len, a);
		for (i = 0; i < len; i++) {
			msg[i] ^= 1;
			siphash128(key, msg, len, b);
			assert_memory_not_equal(a, b, sizeof(a));
			msg[i] ^= 1;
		}
		/* One byte more, the same as the ones before it. */
		siphash128(key, msg, len - 1, b);
		assert_memory_not_equal(a, b, sizeof(a));
		key[len % sizeof(key)] ^= 0x80;
		siphash128(key, msg, len, b);
		assert_memory_not_equal(a, b, sizeof(a));
		key[len % sizeof(key)] ^= 0x80;
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_siphash_reference),
		cmocka_unit_test(test_siphash_sensitive),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
