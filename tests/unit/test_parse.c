/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for util/parse: accepted spellings, exact error messages,
 * overflow edges and the formatters' round trip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/parse.h"

static void
test_parse_int_ok(const char *s, int64_t min, int64_t max, int64_t want)
{
	char	err[256] = "";
	int64_t	v = 12345;

	assert_int_equal(parse_int64(s, min, max, &v, err, sizeof(err)), 0);
	assert_true(v == want);
	assert_string_equal(err, "");
}

static void
test_parse_int_bad(const char *s, int64_t min, int64_t max, const char *msg)
{
	char	err[256] = "";
	int64_t	v = 12345;

	assert_int_equal(parse_int64(s, min, max, &v, err, sizeof(err)), -1);
	assert_true(v == 12345);
	assert_string_equal(err, msg);
}

static void
test_parse_int64(void **state)
{
	test_parse_int_ok("1", 1, 100, 1);
	test_parse_int_ok("100", 1, 100, 100);
	test_parse_int_ok("42", 1, 100, 42);
	test_parse_int_ok("007", 1, 100, 7);
	test_parse_int_ok("0", -10, 10, 0);
	test_parse_int_ok("-0", -10, 10, 0);
	test_parse_int_ok("-10", -10, 10, -10);
	test_parse_int_ok("9223372036854775807", INT64_MIN, INT64_MAX,
	    INT64_MAX);
	test_parse_int_ok("-9223372036854775808", INT64_MIN, INT64_MAX,
	    INT64_MIN);

	test_parse_int_bad("abc", 1, 100,
	    "expected an integer between 1 and 100, got \"abc\"");
	test_parse_int_bad("", 1, 100,
	    "expected an integer between 1 and 100, got \"\"");
	test_parse_int_bad("0", 1, 100,
	    "expected an integer between 1 and 100, got \"0\"");
	test_parse_int_bad("101", 1, 100,
	    "expected an integer between 1 and 100, got \"101\"");
	test_parse_int_bad("-11", -10, 10,
	    "expected an integer between -10 and 10, got \"-11\"");
	test_parse_int_bad(" 5", 1, 100,
	    "expected an integer between 1 and 100, got \" 5\"");
	test_parse_int_bad("5 ", 1, 100,
	    "expected an integer between 1 and 100, got \"5 \"");
	test_parse_int_bad("+5", 1, 100,
	    "expected an integer between 1 and 100, got \"+5\"");
	test_parse_int_bad("0x10", 1, 100,
	    "expected an integer between 1 and 100, got \"0x10\"");
	test_parse_int_bad("1e2", 1, 100,
	    "expected an integer between 1 and 100, got \"1e2\"");
	test_parse_int_bad("12abc", 1, 100,
	    "expected an integer between 1 and 100, got \"12abc\"");
	test_parse_int_bad("-", -10, 10,
	    "expected an integer between -10 and 10, got \"-\"");
	test_parse_int_bad("--1", -10, 10,
	    "expected an integer between -10 and 10, got \"--1\"");
	test_parse_int_bad("9223372036854775808", INT64_MIN, INT64_MAX,
	    "expected an integer between -9223372036854775808 and "
	    "9223372036854775807, got \"9223372036854775808\"");
	test_parse_int_bad("-9223372036854775809", INT64_MIN, INT64_MAX,
	    "expected an integer between -9223372036854775808 and "
	    "9223372036854775807, got \"-9223372036854775809\"");
	test_parse_int_bad("99999999999999999999999", 0, 10,
	    "expected an integer between 0 and 10, got "
	    "\"99999999999999999999999\"");
}

static void
test_parse_quoting(void **state)
{
	char	err[512], longs[101];
	int64_t	v;

	/* Quotes, backslashes and non-printable bytes are escaped. */
	assert_int_equal(parse_int64("a\"b\\c\n\xff", 1, 2, &v, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "expected an integer between 1 and 2, "
	    "got \"a\\\"b\\\\c\\x0a\\xff\"");

	/* Long input is shortened to 48 bytes. */
	memset(longs, 'x', 100);
	longs[100] = '\0';
	assert_int_equal(parse_int64(longs, 1, 2, &v, err, sizeof(err)), -1);
	assert_string_equal(err, "expected an integer between 1 and 2, got "
	    "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"");

	/* A short buffer is truncated and terminated; none is allowed. */
	assert_int_equal(parse_int64("abc", 1, 2, &v, err, 10), -1);
	assert_string_equal(err, "expected ");
	assert_int_equal(parse_int64("abc", 1, 2, &v, NULL, 0), -1);
	assert_int_equal(parse_duration("x", (uint64_t *)&v, NULL, 0), -1);
	assert_int_equal(parse_size("x", (uint64_t *)&v, NULL, 0), -1);
}

static void
test_parse_dur_ok(const char *s, uint64_t want)
{
	char		err[256] = "";
	uint64_t	v = 12345;

	assert_int_equal(parse_duration(s, &v, err, sizeof(err)), 0);
	assert_true(v == want);
	assert_string_equal(err, "");
}

static void
test_parse_dur_bad(const char *s)
{
	char		err[256] = "", want[256];
	uint64_t	v = 12345;

	snprintf(want, sizeof(want),
	    "expected a duration such as 30s, 5m, 1h30m, got \"%s\"", s);
	assert_int_equal(parse_duration(s, &v, err, sizeof(err)), -1);
	assert_true(v == 12345);
	assert_string_equal(err, want);
}

static void
test_parse_duration(void **state)
{
	char		err[256];
	uint64_t	v = 7;

	test_parse_dur_ok("0", 0);
	test_parse_dur_ok("0s", 0);
	test_parse_dur_ok("1us", 1);
	test_parse_dur_ok("250ms", 250000);
	test_parse_dur_ok("30s", UINT64_C(30000000));
	test_parse_dur_ok("5m", UINT64_C(300000000));
	test_parse_dur_ok("90m", UINT64_C(5400000000));
	test_parse_dur_ok("1h30m", UINT64_C(5400000000));
	test_parse_dur_ok("1m500ms", UINT64_C(60500000));
	test_parse_dur_ok("2d", UINT64_C(172800000000));
	test_parse_dur_ok("1w", UINT64_C(604800000000));
	test_parse_dur_ok("1w2d3h4m5s6ms7us", UINT64_C(788645006007));
	test_parse_dur_ok("18446744073709551615us", UINT64_MAX);
	test_parse_dur_ok("30500568w6d8h1m49s551ms615us", UINT64_MAX);
	test_parse_dur_ok("213503982d", UINT64_C(18446744044800000000));

	test_parse_dur_bad("");
	test_parse_dur_bad("30");
	test_parse_dur_bad("00");
	test_parse_dur_bad("1.5s");
	test_parse_dur_bad("-1s");
	test_parse_dur_bad("+1s");
	test_parse_dur_bad("1h1h");
	test_parse_dur_bad("30m1h");
	test_parse_dur_bad("1s5m");
	test_parse_dur_bad("1ms1s");
	test_parse_dur_bad(" 5m");
	test_parse_dur_bad("5m ");
	test_parse_dur_bad("5 m");
	test_parse_dur_bad("1h 30m");
	test_parse_dur_bad("5M");
	test_parse_dur_bad("5x");
	test_parse_dur_bad("5sec");
	test_parse_dur_bad("1hour");
	test_parse_dur_bad("h");
	test_parse_dur_bad("1h30");
	test_parse_dur_bad("99999999999999999999999x");

	assert_int_equal(parse_duration("18446744073709551616us", &v, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "expected a duration below 213503982d, "
	    "got \"18446744073709551616us\"");
	assert_int_equal(parse_duration("30500568w6d8h1m49s551ms616us", &v,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "expected a duration below 213503982d, "
	    "got \"30500568w6d8h1m49s551ms616us\"");
	assert_int_equal(parse_duration("30500569w", &v, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "expected a duration below 213503982d, "
	    "got \"30500569w\"");
	assert_true(v == 7);
}

static void
test_parse_size_ok(const char *s, uint64_t want)
{
	char		err[256] = "";
	uint64_t	v = 12345;

	assert_int_equal(parse_size(s, &v, err, sizeof(err)), 0);
	assert_true(v == want);
	assert_string_equal(err, "");
}

static void
test_parse_size_bad(const char *s, const char *expected)
{
	char		err[256] = "", want[256];
	uint64_t	v = 12345;

	snprintf(want, sizeof(want), "expected %s, got \"%s\"", expected, s);
	assert_int_equal(parse_size(s, &v, err, sizeof(err)), -1);
	assert_true(v == 12345);
	assert_string_equal(err, want);
}

static void
test_parse_size(void **state)
{
	const char	*ex = "a size such as 1024, 512k, 32M or 1G";

	test_parse_size_ok("0", 0);
	test_parse_size_ok("1024", 1024);
	test_parse_size_ok("512k", 524288);
	test_parse_size_ok("512K", 524288);
	test_parse_size_ok("512KiB", 524288);
	test_parse_size_ok("32M", 33554432);
	test_parse_size_ok("32m", 33554432);
	test_parse_size_ok("32MiB", 33554432);
	test_parse_size_ok("1G", 1073741824);
	test_parse_size_ok("1GiB", 1073741824);
	test_parse_size_ok("2TiB", UINT64_C(2199023255552));
	test_parse_size_ok("16777215T", UINT64_C(18446742974197923840));
	test_parse_size_ok("18446744073709551615", UINT64_MAX);

	test_parse_size_bad("", ex);
	test_parse_size_bad("K", ex);
	test_parse_size_bad("-1", ex);
	test_parse_size_bad("+1", ex);
	test_parse_size_bad("1.5G", ex);
	test_parse_size_bad("1KB", ex);
	test_parse_size_bad("1kiB", ex);
	test_parse_size_bad("1Ki", ex);
	test_parse_size_bad("1KiBs", ex);
	test_parse_size_bad("1P", ex);
	test_parse_size_bad("1 K", ex);
	test_parse_size_bad("1k ", ex);
	test_parse_size_bad(" 1k", ex);
	test_parse_size_bad("0x10", ex);
	test_parse_size_bad("16777216T", "a size below 16EiB");
	test_parse_size_bad("18446744073709551616", "a size below 16EiB");
	test_parse_size_bad("17179869184G", "a size below 16EiB");
}

static void
test_parse_fmt(uint64_t usec, const char *want, const char *words)
{
	char		buf[PARSE_DURATION_WORDS_LEN], err[256];
	uint64_t	back;

	memset(buf, 'Z', sizeof(buf));
	parse_duration_format(usec, buf, PARSE_DURATION_LEN);
	assert_string_equal(buf, want);
	assert_int_equal(parse_duration(buf, &back, err, sizeof(err)), 0);
	assert_true(back == usec);
	memset(buf, 'Z', sizeof(buf));
	parse_duration_words(usec, buf, sizeof(buf));
	assert_string_equal(buf, words);
}

static void
test_parse_format(void **state)
{
	char		buf[PARSE_DURATION_LEN], err[256];
	uint64_t	u, back;
	unsigned int	i;

	test_parse_fmt(0, "0s", "0 seconds");
	test_parse_fmt(1, "1us", "1 microsecond");
	test_parse_fmt(250000, "250ms", "250 milliseconds");
	test_parse_fmt(UINT64_C(1000000), "1s", "1 second");
	test_parse_fmt(UINT64_C(30000000), "30s", "30 seconds");
	test_parse_fmt(UINT64_C(5400000000), "1h30m", "1 hour 30 minutes");
	test_parse_fmt(UINT64_C(90061001001), "1d1h1m1s1ms1us",
	    "1 day 1 hour 1 minute 1 second 1 millisecond 1 microsecond");
	test_parse_fmt(UINT64_C(1296000000000), "2w1d", "2 weeks 1 day");
	/* The longest outputs: they must fit the advertised sizes. */
	test_parse_fmt(UINT64_C(18446743526399999999),
	    "30500567w6d23h59m59s999ms999us",
	    "30500567 weeks 6 days 23 hours 59 minutes 59 seconds "
	    "999 milliseconds 999 microseconds");
	assert_true(strlen("30500567w6d23h59m59s999ms999us") <
	    PARSE_DURATION_LEN);
	assert_true(strlen("30500567 weeks 6 days 23 hours 59 minutes "
	    "59 seconds 999 milliseconds 999 microseconds") <
	    PARSE_DURATION_WORDS_LEN);
	test_parse_fmt(UINT64_MAX, "30500568w6d8h1m49s551ms615us",
	    "30500568 weeks 6 days 8 hours 1 minute 49 seconds "
	    "551 milliseconds 615 microseconds");

	/* Round trip over values of every magnitude. */
	for (u = 1, i = 0; i < 64; i++, u = u * 3 + i) {
		parse_duration_format(u, buf, sizeof(buf));
		assert_int_equal(parse_duration(buf, &back, err,
		    sizeof(err)), 0);
		assert_true(back == u);
	}

	/* Truncation keeps the string terminated; len 0 writes nothing. */
	parse_duration_format(UINT64_C(5400000000), buf, 4);
	assert_string_equal(buf, "1h3");
	parse_duration_words(UINT64_C(5400000000), buf, 9);
	assert_string_equal(buf, "1 hour 3");
	parse_duration_format(UINT64_C(5400000000), buf, 1);
	assert_string_equal(buf, "");
	buf[0] = 'Z';
	parse_duration_format(1, buf, 0);
	parse_duration_words(1, buf, 0);
	assert_int_equal(buf[0], 'Z');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_int64),
		cmocka_unit_test(test_parse_quoting),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_format),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
