/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for util/decimal: every accepted spelling with its canonical
 * form, every rejection with its exact message, the limits at their
 * edges, separators under each flag, exact shifts and locale-independent
 * conversion to double.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/decimal.h"

#define GENERIC		"expected a decimal number such as -1234.5 or " \
			"1.5e3"
#define GENERIC_COMMA	"expected a decimal number with a decimal comma " \
			"such as -1.234,5"
#define GENERIC_TCOMMA	"expected a decimal number such as -1,234.5 or " \
			"1.5e3"
#define FINITE		"expected a finite decimal number"
#define EXP_RANGE	"number out of range: expected an exponent between " \
			"-1000 and 1000"
#define MAG_RANGE	"number out of range: expected a magnitude between " \
			"1e-300 and 1e300"

static void
test_decimal_okn(const char *in, size_t len, int flags, const char *want)
{
	char	out[DECIMAL_MAX_LEN], again[DECIMAL_MAX_LEN];
	char	err[512] = "";

	if (decimal_normalize(in, len, flags, out, sizeof(out), err,
	    sizeof(err)) != 0)
		fail_msg("\"%s\": %s", in, err);
	assert_string_equal(out, want);
	assert_string_equal(err, "");
	/* The canonical form is accepted as is, without flags. */
	assert_int_equal(decimal_normalize(out, strlen(out), 0, again,
	    sizeof(again), err, sizeof(err)), 0);
	assert_string_equal(again, out);
	assert_true(decimal_valid(out));
}

static void
test_decimal_ok(const char *in, int flags, const char *want)
{
	test_decimal_okn(in, strlen(in), flags, want);
}

static void
test_decimal_badn(const char *in, size_t len, int flags, const char *msg)
{
	char	out[64] = "untouched", err[512] = "";

	if (decimal_normalize(in, len, flags, out, sizeof(out), err,
	    sizeof(err)) != -1)
		fail_msg("\"%s\" accepted as \"%s\"", in, out);
	assert_string_equal(err, msg);
	assert_string_equal(out, "untouched");
}

static void
test_decimal_bad(const char *in, int flags, const char *msg)
{
	test_decimal_badn(in, strlen(in), flags, msg);
}

static void
test_decimal_canonical(void **state)
{
	test_decimal_ok("0", 0, "0");
	test_decimal_ok("42", 0, "42");
	test_decimal_ok("1.50", 0, "1.50");
	test_decimal_ok("-123.456", 0, "-123.456");
	test_decimal_ok("+3", 0, "3");
	test_decimal_ok(".5", 0, "0.5");
	test_decimal_ok("-.5", 0, "-0.5");
	test_decimal_ok("5.", 0, "5");
	test_decimal_ok("-0", 0, "0");
	test_decimal_ok("+0", 0, "0");
	test_decimal_ok("-0.00", 0, "0.00");
	test_decimal_ok("007.50", 0, "7.50");
	test_decimal_ok("-00.5", 0, "-0.5");
	test_decimal_ok("000", 0, "0");
	test_decimal_ok("0.000", 0, "0.000");
	test_decimal_ok("1234567890123456789012345678901234567890.0001", 0,
	    "1234567890123456789012345678901234567890.0001");
	test_decimal_ok("  42 \t\r\n", 0, "42");
	test_decimal_ok("\v\f-7.25 ", 0, "-7.25");
}

static void
test_decimal_exponent(void **state)
{
	test_decimal_ok("1.2E3", 0, "1.2e3");
	test_decimal_ok("1.2e+03", 0, "1.2e3");
	test_decimal_ok("1.2E-03", 0, "1.2e-3");
	test_decimal_ok("1e0", 0, "1e0");
	test_decimal_ok("1e-0", 0, "1e0");
	test_decimal_ok("1e+000", 0, "1e0");
	test_decimal_ok("5.e3", 0, "5e3");
	test_decimal_ok(".5e3", 0, "0.5e3");
	test_decimal_ok("-0e5", 0, "0e5");
	test_decimal_ok("-1.50E-2", 0, "-1.50e-2");

	/* Magnitude: the leading digit sits at 10^-300 .. 10^299. */
	test_decimal_ok("1e299", 0, "1e299");
	test_decimal_ok("9.99e299", 0, "9.99e299");
	test_decimal_ok("123e297", 0, "123e297");
	test_decimal_ok("1e-300", 0, "1e-300");
	test_decimal_ok("0.001e-297", 0, "0.001e-297");
	test_decimal_ok("10e-301", 0, "10e-301");
	test_decimal_bad("1e300", 0, MAG_RANGE ", got \"1e300\"");
	test_decimal_bad("1234e297", 0, MAG_RANGE ", got \"1234e297\"");
	test_decimal_bad("1e-301", 0, MAG_RANGE ", got \"1e-301\"");
	test_decimal_bad("0.01e-299", 0, MAG_RANGE ", got \"0.01e-299\"");
	test_decimal_bad("1e400", 0, MAG_RANGE ", got \"1e400\"");
	test_decimal_bad("-1e400", 0, MAG_RANGE ", got \"-1e400\"");
	test_decimal_bad("1e-400", 0, MAG_RANGE ", got \"1e-400\"");

	/* The exponent as written, which bounds zeros too. */
	test_decimal_ok("0e1000", 0, "0e1000");
	test_decimal_ok("0.0e-1000", 0, "0.0e-1000");
	test_decimal_bad("0e1001", 0, EXP_RANGE ", got \"0e1001\"");
	test_decimal_bad("0e-1001", 0, EXP_RANGE ", got \"0e-1001\"");
	test_decimal_bad("1e1001", 0, EXP_RANGE ", got \"1e1001\"");
	test_decimal_bad("1e99999999999999999999999", 0,
	    EXP_RANGE ", got \"1e99999999999999999999999\"");
	test_decimal_bad("1e-99999999999999999999999", 0,
	    EXP_RANGE ", got \"1e-99999999999999999999999\"");
}

static void
test_decimal_rejects(void **state)
{
	test_decimal_bad("", 0, GENERIC ", got \"\"");
	test_decimal_bad("   ", 0, GENERIC ", got \"   \"");
	test_decimal_bad("-", 0, GENERIC ", got \"-\"");
	test_decimal_bad("+", 0, GENERIC ", got \"+\"");
	test_decimal_bad(".", 0, GENERIC ", got \".\"");
	test_decimal_bad("-.", 0, GENERIC ", got \"-.\"");
	test_decimal_bad("1.2.3", 0, GENERIC ", got \"1.2.3\"");
	test_decimal_bad("0x1A", 0, GENERIC ", got \"0x1A\"");
	test_decimal_bad("0x1p3", 0, GENERIC ", got \"0x1p3\"");
	test_decimal_bad("1e", 0, GENERIC ", got \"1e\"");
	test_decimal_bad("1e+", 0, GENERIC ", got \"1e+\"");
	test_decimal_bad("e5", 0, GENERIC ", got \"e5\"");
	test_decimal_bad(".e5", 0, GENERIC ", got \".e5\"");
	test_decimal_bad("1e5.5", 0, GENERIC ", got \"1e5.5\"");
	test_decimal_bad("1e5e5", 0, GENERIC ", got \"1e5e5\"");
	test_decimal_bad("--1", 0, GENERIC ", got \"--1\"");
	test_decimal_bad("+-1", 0, GENERIC ", got \"+-1\"");
	test_decimal_bad("- 5", 0, GENERIC ", got \"- 5\"");
	test_decimal_bad("5-", 0, GENERIC ", got \"5-\"");
	test_decimal_bad("1 2", 0, GENERIC ", got \"1 2\"");
	test_decimal_bad("1_000", 0, GENERIC ", got \"1_000\"");
	test_decimal_bad("$5", 0, GENERIC ", got \"$5\"");
	test_decimal_bad("5%", 0, GENERIC ", got \"5%\"");
	test_decimal_bad("n/a", 0, GENERIC ", got \"n/a\"");
	test_decimal_bad("\"5\"", 0, GENERIC ", got \"\\\"5\\\"\"");
	test_decimal_bad("1,5", 0, GENERIC ", got \"1,5\"");
	test_decimal_bad("1,234.5", 0, GENERIC ", got \"1,234.5\"");
	test_decimal_bad("Infinityx", 0, GENERIC ", got \"Infinityx\"");
	test_decimal_bad("nanx", 0, GENERIC ", got \"nanx\"");

	/* numeric would take these; we do not. */
	test_decimal_bad("NaN", 0, FINITE ", got \"NaN\"");
	test_decimal_bad("nan", 0, FINITE ", got \"nan\"");
	test_decimal_bad("-nan", 0, FINITE ", got \"-nan\"");
	test_decimal_bad(" NAN\n", 0, FINITE ", got \" NAN\\x0a\"");
	test_decimal_bad("Infinity", 0, FINITE ", got \"Infinity\"");
	test_decimal_bad("-Infinity", 0, FINITE ", got \"-Infinity\"");
	test_decimal_bad("inf", 0, FINITE ", got \"inf\"");
	test_decimal_bad("+inf", 0, FINITE ", got \"+inf\"");
	test_decimal_bad("NaN", DECIMAL_COMMA, FINITE ", got \"NaN\"");
}

static void
test_decimal_bytes(void **state)
{
	/* Embedded NUL: the length is the caller's, not strlen's. */
	test_decimal_badn("1\0" "2", 3, 0,
	    GENERIC ", got \"1\\x002\" (NUL byte at offset 1)");
	test_decimal_badn("12\0", 3, 0,
	    GENERIC ", got \"12\\x00\" (NUL byte at offset 2)");
	test_decimal_okn("12\0", 2, 0, "12");
	test_decimal_okn("1234", 2, 0, "12");

	test_decimal_bad("\xef\xbb\xbf" "12", 0,
	    GENERIC ", got \"\\xef\\xbb\\xbf12\" "
	    "(starts with a UTF-8 byte order mark)");
	test_decimal_bad("\xff" "12", 0,
	    GENERIC ", got \"\\xff12\" (invalid UTF-8 at offset 0)");
	test_decimal_bad("12\xc3", 0,
	    GENERIC ", got \"12\\xc3\" (invalid UTF-8 at offset 2)");
	test_decimal_bad("1\xc0\xb2", 0,
	    GENERIC ", got \"1\\xc0\\xb2\" (invalid UTF-8 at offset 1)");
	test_decimal_bad("1\xed\xa0\x80", 0,
	    GENERIC ", got \"1\\xed\\xa0\\x80\" (invalid UTF-8 at offset 1)");
	test_decimal_bad("1\xf4\x90\x80\x80", 0, GENERIC
	    ", got \"1\\xf4\\x90\\x80\\x80\" (invalid UTF-8 at offset 1)");
	/* Valid UTF-8 that is not ASCII: fullwidth digits, NBSP, minus. */
	test_decimal_bad("\xef\xbc\x91\xef\xbc\x92", 0,
	    GENERIC ", got \"\\xef\\xbc\\x91\\xef\\xbc\\x92\"");
	test_decimal_bad("1\xc2\xa0" "234", 0,
	    GENERIC ", got \"1\\xc2\\xa0234\"");
	test_decimal_bad("\xe2\x88\x92" "5", 0,
	    GENERIC ", got \"\\xe2\\x88\\x925\"");

	/* Quoting stops at 48 bytes. */
	test_decimal_bad("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
	    0, GENERIC
	    ", got \"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv...\"");
}

static void
test_decimal_flags(void **state)
{
	char	out[64], err[256];

	test_decimal_ok("1,5", DECIMAL_COMMA, "1.5");
	test_decimal_ok("-12,50", DECIMAL_COMMA, "-12.50");
	test_decimal_ok(",5", DECIMAL_COMMA, "0.5");
	test_decimal_ok("1234,5", DECIMAL_COMMA, "1234.5");
	test_decimal_ok("1.234,5", DECIMAL_COMMA, "1234.5");
	test_decimal_ok("1.234.567", DECIMAL_COMMA, "1234567");
	test_decimal_ok("12 345 678,90", DECIMAL_COMMA, "12345678.90");
	test_decimal_ok("1\xc2\xa0" "234,5", DECIMAL_COMMA, "1234.5");
	test_decimal_ok("1\xe2\x80\xaf" "234\xe2\x80\xaf" "567", DECIMAL_COMMA,
	    "1234567");
	test_decimal_ok("1,5e3", DECIMAL_COMMA, "1.5e3");
	test_decimal_ok("42", DECIMAL_COMMA, "42");
	test_decimal_bad("1.5", DECIMAL_COMMA, GENERIC_COMMA ", got \"1.5\"");
	test_decimal_bad("1.23", DECIMAL_COMMA, GENERIC_COMMA ", got \"1.23\"");
	test_decimal_bad("1.2345", DECIMAL_COMMA,
	    GENERIC_COMMA ", got \"1.2345\"");
	test_decimal_bad("1234.567", DECIMAL_COMMA,
	    GENERIC_COMMA ", got \"1234.567\"");
	test_decimal_bad("1.234 567", DECIMAL_COMMA,
	    GENERIC_COMMA ", got \"1.234 567\"");
	test_decimal_bad("1\xc2\xa0" "234\xe2\x80\xaf" "567", DECIMAL_COMMA,
	    GENERIC_COMMA ", got \"1\\xc2\\xa0234\\xe2\\x80\\xaf567\"");
	test_decimal_bad(".234", DECIMAL_COMMA, GENERIC_COMMA ", got \".234\"");
	test_decimal_bad("1..234", DECIMAL_COMMA,
	    GENERIC_COMMA ", got \"1..234\"");
	test_decimal_bad("1.234.", DECIMAL_COMMA,
	    GENERIC_COMMA ", got \"1.234.\"");
	test_decimal_bad("1.234,5,6", DECIMAL_COMMA,
	    GENERIC_COMMA ", got \"1.234,5,6\"");
	test_decimal_bad("1,234.5", DECIMAL_COMMA,
	    GENERIC_COMMA ", got \"1,234.5\"");
	test_decimal_bad("1,2\xc2\xa0", DECIMAL_COMMA,
	    GENERIC_COMMA ", got \"1,2\\xc2\\xa0\"");

	test_decimal_ok("10,500.25", DECIMAL_THOUSANDS_COMMA, "10500.25");
	test_decimal_ok("1,234,567", DECIMAL_THOUSANDS_COMMA, "1234567");
	test_decimal_ok("-1,000", DECIMAL_THOUSANDS_COMMA, "-1000");
	test_decimal_ok("10500.25", DECIMAL_THOUSANDS_COMMA, "10500.25");
	test_decimal_ok("1,234.5e3", DECIMAL_THOUSANDS_COMMA, "1234.5e3");
	test_decimal_bad("1,5", DECIMAL_THOUSANDS_COMMA,
	    GENERIC_TCOMMA ", got \"1,5\"");
	test_decimal_bad("1,50", DECIMAL_THOUSANDS_COMMA,
	    GENERIC_TCOMMA ", got \"1,50\"");
	test_decimal_bad("10,5000", DECIMAL_THOUSANDS_COMMA,
	    GENERIC_TCOMMA ", got \"10,5000\"");
	test_decimal_bad("1234,567", DECIMAL_THOUSANDS_COMMA,
	    GENERIC_TCOMMA ", got \"1234,567\"");
	test_decimal_bad(",500", DECIMAL_THOUSANDS_COMMA,
	    GENERIC_TCOMMA ", got \",500\"");
	test_decimal_bad("1,234.5,6", DECIMAL_THOUSANDS_COMMA,
	    GENERIC_TCOMMA ", got \"1,234.5,6\"");
	test_decimal_bad("1.234,5", DECIMAL_THOUSANDS_COMMA,
	    GENERIC_TCOMMA ", got \"1.234,5\"");
	test_decimal_bad("1 234", DECIMAL_THOUSANDS_COMMA,
	    GENERIC_TCOMMA ", got \"1 234\"");

	test_decimal_bad("1", DECIMAL_COMMA | DECIMAL_THOUSANDS_COMMA,
	    "invalid flags 0x3: expected at most one of DECIMAL_COMMA and "
	    "DECIMAL_THOUSANDS_COMMA");
	test_decimal_bad("1", 0x10, "invalid flags 0x10: expected at most one "
	    "of DECIMAL_COMMA and DECIMAL_THOUSANDS_COMMA");

	/* err may be NULL with errlen 0. */
	assert_int_equal(decimal_normalize("x", 1, 0, out, sizeof(out), NULL,
	    0), -1);
	/* A short err is truncated, not overrun. */
	memset(err, 'Z', sizeof(err));
	assert_int_equal(decimal_normalize("x", 1, 0, out, sizeof(out), err,
	    10), -1);
	assert_string_equal(err, "expected ");
	assert_int_equal(err[10], 'Z');
}

static void
test_decimal_limits(void **state)
{
	char	in[3 * DECIMAL_DIGITS_MAX];
	char	want[3 * DECIMAL_DIGITS_MAX + 8];
	char	out[8] = "", err[256];

	/* DECIMAL_DIGITS_MAX digits pass, one more does not. */
	memset(in, '7', DECIMAL_DIGITS_MAX + 1);
	in[0] = '.';
	in[DECIMAL_DIGITS_MAX + 1] = '\0';
	snprintf(want, sizeof(want), "0%s", in);
	test_decimal_ok(in, 0, want);
	memset(in, '7', DECIMAL_DIGITS_MAX + 1);
	in[300] = '.';
	in[DECIMAL_DIGITS_MAX + 1] = '\0';
	test_decimal_ok(in, 0, in);
	in[DECIMAL_DIGITS_MAX + 1] = '7';
	in[DECIMAL_DIGITS_MAX + 2] = '\0';
	snprintf(want, sizeof(want), "number too long: expected at most 1000 "
	    "digits, got \"%.48s...\"", in);
	test_decimal_bad(in, 0, want);

	/* Leading zeros of the integer part do not count. */
	memset(in, '0', sizeof(in) - 2);
	in[sizeof(in) - 2] = '1';
	in[sizeof(in) - 1] = '\0';
	test_decimal_ok(in, 0, "1");
	in[sizeof(in) - 4] = '.';
	test_decimal_ok(in, 0, "0.01");

	/* The caller's buffer: out stays untouched when too small. */
	assert_int_equal(decimal_normalize("-1.5e-3", 7, 0, out, sizeof(out),
	    err, sizeof(err)), 0);
	assert_string_equal(out, "-1.5e-3");
	strcpy(out, "untouch");
	assert_int_equal(decimal_normalize("-1.5e-03", 8, 0, out, 7, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "number too long: expected at most 6 "
	    "characters once normalized, got \"-1.5e-03\"");
	assert_string_equal(out, "untouch");
	assert_int_equal(decimal_normalize("1", 1, 0, out, 0, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "number too long: expected at most 0 "
	    "characters once normalized, got \"1\"");
}

static void
test_decimal_valid(void **state)
{
	assert_int_equal(decimal_valid("1.5"), 1);
	assert_int_equal(decimal_valid("  -1.5e3 "), 1);
	assert_int_equal(decimal_valid("0"), 1);
	assert_int_equal(decimal_valid(""), 0);
	assert_int_equal(decimal_valid("1,5"), 0);
	assert_int_equal(decimal_valid("NaN"), 0);
	assert_int_equal(decimal_valid("1e400"), 0);
	assert_int_equal(decimal_valid("\xef\xbb\xbf" "1"), 0);
}

static void
test_decimal_double_one(const char *s, double want)
{
	double	d = -42.0;

	if (decimal_to_double(s, &d) != 0)
		fail_msg("\"%s\" not converted", s);
	/* Exact: strtod rounds correctly, and so must we. */
	if (d != want)
		fail_msg("\"%s\": %.17g, want %.17g", s, d, want);
}

static void
test_decimal_double(void **state)
{
	double	d = -42.0;

	test_decimal_double_one("0", 0.0);
	assert_int_equal(decimal_to_double("-0.0", &d), 0);
	assert_false(signbit(d));
	test_decimal_double_one("1.5", 1.5);
	test_decimal_double_one("-0.1", -0.1);
	test_decimal_double_one("0.1", 0.1);
	test_decimal_double_one("1.2e3", 1200.0);
	test_decimal_double_one("1.2E-3", 1.2e-3);
	test_decimal_double_one("  +7.  ", 7.0);
	test_decimal_double_one("9.99e299", 9.99e299);
	test_decimal_double_one("1e-300", 1e-300);
	test_decimal_double_one("0.1e-299", 1e-300);
	test_decimal_double_one("123456789012345678901234567890",
	    123456789012345678901234567890.0);
	test_decimal_double_one("0.30000000000000000000000000000001", 0.3);
	test_decimal_double_one("2.2250738585072014e-300",
	    2.2250738585072014e-300);

	d = -42.0;
	assert_int_equal(decimal_to_double("NaN", &d), -1);
	assert_int_equal(decimal_to_double("inf", &d), -1);
	assert_int_equal(decimal_to_double("1e400", &d), -1);
	assert_int_equal(decimal_to_double("1,5", &d), -1);
	assert_int_equal(decimal_to_double("", &d), -1);
	assert_true(d == -42.0);

	/* A locale with a decimal comma must not change the result. */
	if (setlocale(LC_NUMERIC, "de_DE.UTF-8") != NULL ||
	    setlocale(LC_NUMERIC, "fr_FR.UTF-8") != NULL) {
		test_decimal_double_one("1.5", 1.5);
		test_decimal_double_one("-1234.5678e-2", -12.345678);
		setlocale(LC_NUMERIC, "C");
	}
}

static void
test_decimal_shift_ok(const char *s, int places, const char *want)
{
	char	out[DECIMAL_MAX_LEN], again[DECIMAL_MAX_LEN], err[256];

	if (decimal_shift(s, places, out, sizeof(out)) != 0)
		fail_msg("\"%s\" by %d failed", s, places);
	assert_string_equal(out, want);
	/* Shifted output is canonical too. */
	assert_int_equal(decimal_normalize(out, strlen(out), 0, again,
	    sizeof(again), err, sizeof(err)), 0);
	assert_string_equal(again, out);
}

static void
test_decimal_shift_bad(const char *s, int places)
{
	char	out[DECIMAL_MAX_LEN] = "untouched";

	if (decimal_shift(s, places, out, sizeof(out)) != -1)
		fail_msg("\"%s\" by %d gave \"%s\"", s, places, out);
	assert_string_equal(out, "untouched");
}

static void
test_decimal_shift(void **state)
{
	char	want[DECIMAL_MAX_LEN], out[16] = "untouch";

	/* kg to tonnes and back */
	test_decimal_shift_ok("1234567", -3, "1234.567");
	test_decimal_shift_ok("5", -3, "0.005");
	test_decimal_shift_ok("1000", -3, "1.000");
	test_decimal_shift_ok("1234.5", -3, "1.2345");
	test_decimal_shift_ok("-1234.5", -3, "-1.2345");
	test_decimal_shift_ok("-5", -3, "-0.005");
	test_decimal_shift_ok("1.5", 3, "1500");
	test_decimal_shift_ok("1.50", 1, "15.0");
	test_decimal_shift_ok("1.5678", 2, "156.78");
	test_decimal_shift_ok("0.005", 3, "5");
	test_decimal_shift_ok("0.050", 3, "50");
	test_decimal_shift_ok("0.0500", 3, "50.0");
	test_decimal_shift_ok("12", 2, "1200");
	test_decimal_shift_ok("1", 0, "1");
	test_decimal_shift_ok("1.50", 0, "1.50");
	test_decimal_shift_ok(" +007.50 ", 0, "7.50");
	test_decimal_shift_ok("0", 5, "0");
	test_decimal_shift_ok("-0", 5, "0");
	test_decimal_shift_ok("0", -3, "0.000");
	test_decimal_shift_ok("0.00", 5, "0");
	test_decimal_shift_ok("0", INT_MAX, "0");

	/* With an exponent, only the exponent moves. */
	test_decimal_shift_ok("1.5e3", -3, "1.5e0");
	test_decimal_shift_ok("1.5E3", 3, "1.5e6");
	test_decimal_shift_ok("-2e-5", -3, "-2e-8");
	test_decimal_shift_ok("0e5", -3, "0e2");

	/* Limits: the result must be a value decimal_normalize accepts. */
	snprintf(want, sizeof(want), "1%0299d", 0);
	test_decimal_shift_ok("1", 299, want);
	test_decimal_shift_bad("1", 300);
	snprintf(want, sizeof(want), "0.%0299d1", 0);
	test_decimal_shift_ok("1", -300, want);
	test_decimal_shift_bad("1", -301);
	test_decimal_shift_bad("1.5e3", 1000);
	test_decimal_shift_bad("1.5e3", -1004);
	test_decimal_shift_bad("1.5e3", INT_MAX);
	test_decimal_shift_bad("1.5e3", INT_MIN);
	test_decimal_shift_bad("1", INT_MAX);
	test_decimal_shift_bad("1", INT_MIN);
	test_decimal_shift_bad("0", INT_MIN);
	test_decimal_shift_bad("0", -1001);
	test_decimal_shift_bad("NaN", 1);
	test_decimal_shift_bad("1,5", 1);
	test_decimal_shift_bad("", 1);
	test_decimal_shift_bad("1e400", -200);

	assert_int_equal(decimal_shift("1234567", -3, out, 8), -1);
	assert_string_equal(out, "untouch");
	assert_int_equal(decimal_shift("1234567", -3, out, 9), 0);
	assert_string_equal(out, "1234.567");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimal_canonical),
		cmocka_unit_test(test_decimal_exponent),
		cmocka_unit_test(test_decimal_rejects),
		cmocka_unit_test(test_decimal_bytes),
		cmocka_unit_test(test_decimal_flags),
		cmocka_unit_test(test_decimal_limits),
		cmocka_unit_test(test_decimal_valid),
		cmocka_unit_test(test_decimal_double),
		cmocka_unit_test(test_decimal_shift),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
