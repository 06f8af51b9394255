/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for util/linksig: the key and signatures against vectors
 * computed independently (python3's hmac and base64, and `openssl dgst
 * -sha256 -hmac` for the key), and verification refusing a wrong, other,
 * truncated, padded or empty signature.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/linksig.h"

#define TOKEN	"0123456789abcdef-test-token"
#define FP1	"/alerts/0123456789abcdef"
#define FP2	"/alerts/fedcba9876543210"
/* python3: base64.urlsafe_b64encode(hmac.new(key, path,
 * hashlib.sha256).digest()).rstrip(b"="). */
#define SIG1	"onk1AjRb3yV9llne8pD4uAUPwdLJatc-L521VJCPtr4"
#define SIG2	"zn-IirXWPzLdYYT4Qr6J0cLkL4YcN8Xk_PHREVW22ic"

static void
test_linksig_hex(const uint8_t *b, size_t n, char *out)
{
	size_t	i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void
test_linksig_vectors(void **state)
{
	uint8_t	key[LINKSIG_KEY_LEN];
	char	hex[2 * LINKSIG_KEY_LEN + 1], sig[LINKSIG_LEN];

	(void)state;
	assert_int_equal(linksig_key(TOKEN, key), 0);
	/* printf %s "potashd alert link v1" | openssl dgst -sha256 -hmac
	 * TOKEN */
	test_linksig_hex(key, sizeof(key), hex);
	assert_string_equal(hex, "2dfed89ecfb6b6fb23fc72156d70c0d8"
	    "469863a8f5039cfd15b349d8ba88c6a9");
	assert_int_equal(linksig_sign(key, FP1, sig), 0);
	assert_string_equal(sig, SIG1);
	assert_int_equal(linksig_sign(key, FP2, sig), 0);
	assert_string_equal(sig, SIG2);
	assert_int_equal(linksig_verify(key, FP1, SIG1), 1);
	assert_int_equal(linksig_verify(key, FP2, SIG2), 1);

	/* No token, no key. */
	assert_int_equal(linksig_key(NULL, key), -1);
	assert_int_equal(linksig_key("", key), -1);
}

static void
test_linksig_refused(void **state)
{
	uint8_t	key[LINKSIG_KEY_LEN], other[LINKSIG_KEY_LEN];
	char	bad[LINKSIG_LEN + 8];

	(void)state;
	assert_int_equal(linksig_key(TOKEN, key), 0);
	/* Another alert's signature, another path. */
	assert_int_equal(linksig_verify(key, FP1, SIG2), 0);
	assert_int_equal(linksig_verify(key, "/alerts/0123456789abcdef/",
	    SIG1), 0);
	assert_int_equal(linksig_verify(key, "/", SIG1), 0);
	/* Another token. */
	assert_int_equal(linksig_key(TOKEN "x", other), 0);
	assert_int_equal(linksig_verify(other, FP1, SIG1), 0);
	/* One character changed, at each end. */
	snprintf(bad, sizeof(bad), "%s", SIG1);
	bad[0] = 'p';
	assert_int_equal(linksig_verify(key, FP1, bad), 0);
	snprintf(bad, sizeof(bad), "%s", SIG1);
	bad[LINKSIG_CHARS - 1] = '5';
	assert_int_equal(linksig_verify(key, FP1, bad), 0);
	/* Truncated, padded, longer, empty, standard base64, none. */
	snprintf(bad, sizeof(bad), "%.*s", LINKSIG_CHARS - 1, SIG1);
	assert_int_equal(linksig_verify(key, FP1, bad), 0);
	snprintf(bad, sizeof(bad), "%s=", SIG1);
	assert_int_equal(linksig_verify(key, FP1, bad), 0);
	snprintf(bad, sizeof(bad), "%sA", SIG1);
	assert_int_equal(linksig_verify(key, FP1, bad), 0);
	assert_int_equal(linksig_verify(key, FP1, ""), 0);
	snprintf(bad, sizeof(bad), "%s", SIG1);
	bad[strcspn(bad, "-")] = '+';
	assert_int_equal(linksig_verify(key, FP1, bad), 0);
	assert_int_equal(linksig_verify(key, FP1, NULL), 0);
}

static void
test_linksig_ok(void **state)
{
	char	s[LINKSIG_LEN + 1];

	(void)state;
	assert_int_equal(linksig_ok(SIG1), 1);
	assert_int_equal(linksig_ok(SIG2), 1);
	assert_int_equal(linksig_ok(NULL), 0);
	assert_int_equal(linksig_ok(""), 0);
	assert_int_equal(linksig_ok(SIG1 "A"), 0);
	snprintf(s, sizeof(s), "%.42s", SIG1);
	assert_int_equal(linksig_ok(s), 0);
	/* Nothing that would need escaping in a URL, HTML or JSON. */
	snprintf(s, sizeof(s), "%s", SIG1);
	s[31] = '+';
	assert_int_equal(linksig_ok(s), 0);
	s[31] = '"';
	assert_int_equal(linksig_ok(s), 0);
	s[31] = '&';
	assert_int_equal(linksig_ok(s), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linksig_vectors),
		cmocka_unit_test(test_linksig_refused),
		cmocka_unit_test(test_linksig_ok),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
