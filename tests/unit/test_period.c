/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for util/period: every accepted form with its canonical
 * text, every range and syntax rejection with its exact message, ISO
 * weeks across four centuries, and Unix-time conversion both ways.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/period.h"

#define GENERIC \
	"expected a date such as 2025-12-01, 2025-12, 2024-M01 or " \
	"2025-12-15T21:00:00Z"

static void
test_period_ok(const char *in, const char *want)
{
	char	out[PERIOD_MAX_LEN], again[PERIOD_MAX_LEN], err[256] = "";

	if (period_normalize(in, out, sizeof(out), err, sizeof(err)) != 0)
		fail_msg("\"%s\": %s", in, err);
	assert_string_equal(out, want);
	assert_string_equal(err, "");
	/* The canonical form is accepted as is. */
	assert_int_equal(period_normalize(out, again, sizeof(again), err,
	    sizeof(err)), 0);
	assert_string_equal(again, out);
}

static void
test_period_bad(const char *in, const char *msg)
{
	char	out[PERIOD_MAX_LEN] = "untouched", err[256] = "";
	int64_t	secs = 42;

	if (period_normalize(in, out, sizeof(out), err, sizeof(err)) != -1)
		fail_msg("\"%s\" accepted as \"%s\"", in, out);
	assert_string_equal(err, msg);
	assert_string_equal(out, "untouched");
	assert_int_equal(period_to_unix(in, &secs), -1);
	assert_true(secs == 42);
}

static void
test_period_dates(void **state)
{
	test_period_ok("2025-12-01", "2025-12-01");
	test_period_ok("2025-12", "2025-12-01");
	test_period_ok("2025", "2025-01-01");
	test_period_ok("202401", "2024-01-01");
	test_period_ok("202412", "2024-12-01");
	test_period_ok("2024-M01", "2024-01-01");
	test_period_ok("2024-M12", "2024-12-01");
	test_period_ok("2024-Q1", "2024-01-01");
	test_period_ok("2024-Q2", "2024-04-01");
	test_period_ok("2024-Q3", "2024-07-01");
	test_period_ok("2024-Q4", "2024-10-01");
	test_period_ok("2024-02-29", "2024-02-29");
	test_period_ok("2000-02-29", "2000-02-29");
	test_period_ok("2025-04-30", "2025-04-30");
	test_period_ok("2025-12-31", "2025-12-31");
	test_period_ok("1800", "1800-01-01");
	test_period_ok("1800-01-01", "1800-01-01");
	test_period_ok("2200-12-31", "2200-12-31");
	test_period_ok(" 2025-12-01\r\n", "2025-12-01");
	test_period_ok("\t2025-12 ", "2025-12-01");
}

static void
test_period_weeks(void **state)
{
	char	in[32], out[PERIOD_MAX_LEN], err[256];
	int64_t	secs, jan4, next;
	int	y, w, weeks, longyears = 0;

	test_period_ok("2024-W01", "2024-01-01");
	test_period_ok("2024-W05", "2024-01-29");
	test_period_ok("2024-W52", "2024-12-23");
	test_period_ok("2025-W01", "2024-12-30");
	test_period_ok("2021-W01", "2021-01-04");
	test_period_ok("2020-W53", "2020-12-28");
	test_period_ok("2026-W53", "2026-12-28");
	test_period_ok("1801-W01", "1800-12-29");
	test_period_bad("1800-W01",
	    "expected a week starting in 1800 to 2200, got \"1800-W01\"");
	test_period_ok("2200-W52", "2200-12-22");
	test_period_bad("2024-W00",
	    "expected a week between W01 and W52 for 2024, got \"2024-W00\"");
	test_period_bad("2024-W53",
	    "expected a week between W01 and W52 for 2024, got \"2024-W53\"");
	test_period_bad("2020-W54",
	    "expected a week between W01 and W53 for 2020, got \"2020-W54\"");
	test_period_bad("2024-W5", GENERIC ", got \"2024-W5\"");
	test_period_bad("2024-w05", GENERIC ", got \"2024-w05\"");

	/*
	 * Over a whole 400-year cycle: week 1 starts on a Monday 0 to 6
	 * days before 4 January, the last week ends where the next year's
	 * first begins, and 71 years have 53 weeks.
	 */
	for (y = 1801; y <= 2200; y++) {
		snprintf(in, sizeof(in), "%d-W01", y);
		assert_int_equal(period_to_unix(in, &secs), 0);
		snprintf(in, sizeof(in), "%d-01-04", y);
		assert_int_equal(period_to_unix(in, &jan4), 0);
		assert_true(jan4 - secs >= 0 && jan4 - secs <= 6 * 86400);
		/* 1970-01-05 was a Monday. */
		assert_true(((secs / 86400 - 4) % 7 + 7) % 7 == 0);

		snprintf(in, sizeof(in), "%d-W53", y);
		weeks = period_normalize(in, out, sizeof(out), err,
		    sizeof(err)) == 0 ? 53 : 52;
		longyears += weeks == 53;
		for (w = 1; w <= weeks; w++) {
			snprintf(in, sizeof(in), "%d-W%02d", y, w);
			assert_int_equal(period_to_unix(in, &next), 0);
			assert_true(next ==
			    secs + (int64_t)(w - 1) * 7 * 86400);
		}
		if (y == 2200)
			continue;
		snprintf(in, sizeof(in), "%d-W01", y + 1);
		assert_int_equal(period_to_unix(in, &next), 0);
		assert_true(next == secs + (int64_t)weeks * 7 * 86400);
	}
	assert_int_equal(longyears, 71);
}

static void
test_period_instants(void **state)
{
	test_period_ok("2025-12-15T21:00:00Z", "2025-12-15T21:00:00Z");
	test_period_ok("2025-12-15t21:00:00z", "2025-12-15T21:00:00Z");
	test_period_ok("2025-12-15T21:00:00.123+01:00",
	    "2025-12-15T21:00:00.123+01:00");
	test_period_ok("2025-12-15T21:00:00.123456789Z",
	    "2025-12-15T21:00:00.123456789Z");
	test_period_ok("2025-12-15T21:00:00.5-05:30",
	    "2025-12-15T21:00:00.5-05:30");
	test_period_ok("2025-12-15T21:00:00+0100", "2025-12-15T21:00:00+01:00");
	test_period_ok("2025-12-15T21:00:00+01",
	    "2025-12-15T21:00:00+01:00");
	test_period_ok("2025-12-15T21:00:00-00:00",
	    "2025-12-15T21:00:00-00:00");
	test_period_ok("2025-12-15T21:00:00+14:00",
	    "2025-12-15T21:00:00+14:00");
	test_period_ok("2025-12-15T21:00:00-12:00",
	    "2025-12-15T21:00:00-12:00");
	test_period_ok("2025-12-15 21:00:00", "2025-12-15T21:00:00Z");
	test_period_ok("2025-12-15 21:00:00Z", "2025-12-15T21:00:00Z");
	test_period_ok("2025-12-15T21:00", "2025-12-15T21:00:00Z");
	test_period_ok("2025-12-15T21:00Z", "2025-12-15T21:00:00Z");
	test_period_ok("2025-12-15T21:00+02:00", "2025-12-15T21:00:00+02:00");
	test_period_ok("2025-12-15T00:00:00Z", "2025-12-15T00:00:00Z");
	test_period_ok("2025-12-15T23:59:59Z", "2025-12-15T23:59:59Z");
	test_period_ok("2016-12-31T23:59:60Z", "2016-12-31T23:59:60Z");
	test_period_ok("2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z");
	test_period_ok(" 2025-12-15T21:00:00Z\n", "2025-12-15T21:00:00Z");
}

static void
test_period_rejects(void **state)
{
	char	out[PERIOD_MAX_LEN], err[256];

	/* Days against months, leap years included. */
	test_period_bad("2023-02-29",
	    "expected a day between 01 and 28 for 2023-02, got \"2023-02-29\"");
	test_period_bad("1900-02-29",
	    "expected a day between 01 and 28 for 1900-02, got \"1900-02-29\"");
	test_period_bad("2024-02-30",
	    "expected a day between 01 and 29 for 2024-02, got \"2024-02-30\"");
	test_period_bad("2025-04-31",
	    "expected a day between 01 and 30 for 2025-04, got \"2025-04-31\"");
	test_period_bad("2025-12-32",
	    "expected a day between 01 and 31 for 2025-12, got \"2025-12-32\"");
	test_period_bad("2025-12-00",
	    "expected a day between 01 and 31 for 2025-12, got \"2025-12-00\"");
	test_period_bad("2023-02-29T00:00:00Z", "expected a day between 01 "
	    "and 28 for 2023-02, got \"2023-02-29T00:00:00Z\"");

	test_period_bad("2025-13",
	    "expected a month between 01 and 12, got \"2025-13\"");
	test_period_bad("2025-00-10",
	    "expected a month between 01 and 12, got \"2025-00-10\"");
	test_period_bad("202413",
	    "expected a month between 01 and 12, got \"202413\"");
	test_period_bad("202400",
	    "expected a month between 01 and 12, got \"202400\"");
	test_period_bad("2024-M13",
	    "expected a month between 01 and 12, got \"2024-M13\"");
	test_period_bad("2024-M00",
	    "expected a month between 01 and 12, got \"2024-M00\"");
	test_period_bad("2024-Q0",
	    "expected a quarter between Q1 and Q4, got \"2024-Q0\"");
	test_period_bad("2024-Q5",
	    "expected a quarter between Q1 and Q4, got \"2024-Q5\"");

	test_period_bad("1799",
	    "expected a year between 1800 and 2200, got \"1799\"");
	test_period_bad("1799-12-31",
	    "expected a year between 1800 and 2200, got \"1799-12-31\"");
	test_period_bad("2201-01-01",
	    "expected a year between 1800 and 2200, got \"2201-01-01\"");
	test_period_bad("0000-01-01",
	    "expected a year between 1800 and 2200, got \"0000-01-01\"");
	test_period_bad("9999-W01",
	    "expected a year between 1800 and 2200, got \"9999-W01\"");

	test_period_bad("2025-12-15T24:00:00Z",
	    "expected an hour between 00 and 23, got \"2025-12-15T24:00:00Z\"");
	test_period_bad("2025-12-15T21:60:00Z",
	    "expected a minute between 00 and 59, got "
	    "\"2025-12-15T21:60:00Z\"");
	test_period_bad("2025-12-15T21:00:61Z",
	    "expected a second between 00 and 60, got "
	    "\"2025-12-15T21:00:61Z\"");
	test_period_bad("2025-12-15T21:00:00+15:00",
	    "expected a UTC offset between -14:00 and +14:00, got "
	    "\"2025-12-15T21:00:00+15:00\"");
	test_period_bad("2025-12-15T21:00:00-14:01",
	    "expected a UTC offset between -14:00 and +14:00, got "
	    "\"2025-12-15T21:00:00-14:01\"");
	test_period_bad("2025-12-15T21:00:00+05:75",
	    "expected a UTC offset between -14:00 and +14:00, got "
	    "\"2025-12-15T21:00:00+05:75\"");

	/* Syntax. */
	test_period_bad("", GENERIC ", got \"\"");
	test_period_bad("  ", GENERIC ", got \"  \"");
	test_period_bad("abc", GENERIC ", got \"abc\"");
	test_period_bad("n/a", GENERIC ", got \"n/a\"");
	test_period_bad("202", GENERIC ", got \"202\"");
	test_period_bad("20251", GENERIC ", got \"20251\"");
	test_period_bad("2025-", GENERIC ", got \"2025-\"");
	test_period_bad("2025-1", GENERIC ", got \"2025-1\"");
	test_period_bad("2025-1-5", GENERIC ", got \"2025-1-5\"");
	test_period_bad("2025-12-1", GENERIC ", got \"2025-12-1\"");
	test_period_bad("2025/12/01", GENERIC ", got \"2025/12/01\"");
	test_period_bad("2025.12", GENERIC ", got \"2025.12\"");
	test_period_bad("25-12-01", GENERIC ", got \"25-12-01\"");
	test_period_bad("01/12/2025", GENERIC ", got \"01/12/2025\"");
	test_period_bad("20251201", GENERIC ", got \"20251201\"");
	test_period_bad("1735689600", GENERIC ", got \"1735689600\"");
	test_period_bad("+2025-12-01", GENERIC ", got \"+2025-12-01\"");
	test_period_bad("2024-q3", GENERIC ", got \"2024-q3\"");
	test_period_bad("2024-m01", GENERIC ", got \"2024-m01\"");
	test_period_bad("2024-M1", GENERIC ", got \"2024-M1\"");
	test_period_bad("2024-Q", GENERIC ", got \"2024-Q\"");
	test_period_bad("2024-Q10", GENERIC ", got \"2024-Q10\"");
	test_period_bad("2024-S1", GENERIC ", got \"2024-S1\"");
	test_period_bad("2025-12-01Z", GENERIC ", got \"2025-12-01Z\"");
	test_period_bad("2025-12-01T", GENERIC ", got \"2025-12-01T\"");
	test_period_bad("2025-12-01T21", GENERIC ", got \"2025-12-01T21\"");
	test_period_bad("2025-12-01T21:0", GENERIC ", got \"2025-12-01T21:0\"");
	test_period_bad("2025-12-01T2100", GENERIC ", got \"2025-12-01T2100\"");
	test_period_bad("2025-12-01TT21:00",
	    GENERIC ", got \"2025-12-01TT21:00\"");
	test_period_bad("2025-12-01_21:00",
	    GENERIC ", got \"2025-12-01_21:00\"");
	test_period_bad("2025-12-01T21:00:",
	    GENERIC ", got \"2025-12-01T21:00:\"");
	test_period_bad("2025-12-01T21:00:0",
	    GENERIC ", got \"2025-12-01T21:00:0\"");
	test_period_bad("2025-12-01T21:00:00.",
	    GENERIC ", got \"2025-12-01T21:00:00.\"");
	test_period_bad("2025-12-01T21:00:00.Z",
	    GENERIC ", got \"2025-12-01T21:00:00.Z\"");
	test_period_bad("2025-12-01T21:00:00.1234567890Z",
	    GENERIC ", got \"2025-12-01T21:00:00.1234567890Z\"");
	test_period_bad("2025-12-01T21:00.5Z",
	    GENERIC ", got \"2025-12-01T21:00.5Z\"");
	test_period_bad("2025-12-01T21:00:00+",
	    GENERIC ", got \"2025-12-01T21:00:00+\"");
	test_period_bad("2025-12-01T21:00:00+1",
	    GENERIC ", got \"2025-12-01T21:00:00+1\"");
	test_period_bad("2025-12-01T21:00:00+01:",
	    GENERIC ", got \"2025-12-01T21:00:00+01:\"");
	test_period_bad("2025-12-01T21:00:00+01:0",
	    GENERIC ", got \"2025-12-01T21:00:00+01:0\"");
	test_period_bad("2025-12-01T21:00:00+01:000",
	    GENERIC ", got \"2025-12-01T21:00:00+01:000\"");
	test_period_bad("2025-12-01T21:00:00 +01:00",
	    GENERIC ", got \"2025-12-01T21:00:00 +01:00\"");
	test_period_bad("2025-12-01T21:00:00ZZ",
	    GENERIC ", got \"2025-12-01T21:00:00ZZ\"");
	test_period_bad("2025-12-01T21:00:00 UTC",
	    GENERIC ", got \"2025-12-01T21:00:00 UTC\"");
	test_period_bad("2025-12-01T21:00:00Z junk",
	    GENERIC ", got \"2025-12-01T21:00:00Z junk\"");

	/* Bytes that are not ASCII, quoted escaped; a BOM is named. */
	test_period_bad("\xef\xbb\xbf" "2025-12-01", GENERIC
	    ", got \"\\xef\\xbb\\xbf2025-12-01\" "
	    "(starts with a UTF-8 byte order mark)");
	test_period_bad("\xff" "2025", GENERIC ", got \"\\xff2025\"");
	test_period_bad("2025-12-01\xc3", GENERIC ", got \"2025-12-01\\xc3\"");
	test_period_bad("\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x95",
	    GENERIC ", got \"\\xef\\xbc\\x92\\xef\\xbc\\x90\\xef\\xbc\\x92"
	    "\\xef\\xbc\\x95\"");
	test_period_bad("2025-12-01T21:00:00Z and then a great deal more text",
	    GENERIC ", got \"2025-12-01T21:00:00Z and then a great deal more "
	    "...\"");

	/* The caller's buffer: out stays untouched when too small. */
	strcpy(out, "untouched");
	assert_int_equal(period_normalize("2025-12", out, 10, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "expected at most 9 characters once "
	    "normalized, got \"2025-12\"");
	assert_string_equal(out, "untouched");
	assert_int_equal(period_normalize("2025-12", out, 11, err,
	    sizeof(err)), 0);
	assert_string_equal(out, "2025-12-01");
	assert_int_equal(period_normalize("x", out, sizeof(out), NULL, 0), -1);
}

static void
test_period_from_unix_one(int64_t secs, const char *want)
{
	char	out[PERIOD_MAX_LEN];
	int64_t	back = 0;

	assert_int_equal(period_from_unix(secs, out, sizeof(out)), 0);
	assert_string_equal(out, want);
	assert_int_equal(period_to_unix(out, &back), 0);
	assert_true(back == secs);
}

static void
test_period_unix(void **state)
{
	char	out[PERIOD_MAX_LEN] = "untouched", in[PERIOD_MAX_LEN];
	int64_t	secs, back;

	test_period_from_unix_one(0, "1970-01-01T00:00:00Z");
	test_period_from_unix_one(-1, "1969-12-31T23:59:59Z");
	test_period_from_unix_one(1735689600, "2025-01-01T00:00:00Z");
	test_period_from_unix_one(1765832400, "2025-12-15T21:00:00Z");
	test_period_from_unix_one(951782400, "2000-02-29T00:00:00Z");
	test_period_from_unix_one(INT64_C(-5364662400), "1800-01-01T00:00:00Z");
	test_period_from_unix_one(INT64_C(7289654399), "2200-12-31T23:59:59Z");

	assert_int_equal(period_from_unix(INT64_C(-5364662401), out,
	    sizeof(out)), -1);
	assert_int_equal(period_from_unix(INT64_C(7289654400), out,
	    sizeof(out)), -1);
	assert_int_equal(period_from_unix(INT64_MIN, out, sizeof(out)), -1);
	assert_int_equal(period_from_unix(INT64_MAX, out, sizeof(out)), -1);
	assert_int_equal(period_from_unix(0, out, 20), -1);
	assert_string_equal(out, "untouched");
	assert_int_equal(period_from_unix(0, out, 21), 0);
	assert_string_equal(out, "1970-01-01T00:00:00Z");

	/* Every 100003 seconds from 1800 to 2200, both ways. */
	for (secs = INT64_C(-5364662400); secs <= INT64_C(7289654399);
	    secs += 100003) {
		assert_int_equal(period_from_unix(secs, in, sizeof(in)), 0);
		assert_int_equal(period_to_unix(in, &back), 0);
		assert_true(back == secs);
	}

	/* Dates are midnight UTC; offsets apply; fractions are dropped. */
	assert_int_equal(period_to_unix("2025-12-01", &secs), 0);
	assert_true(secs == 1764547200);
	assert_int_equal(period_to_unix("2025-12", &secs), 0);
	assert_true(secs == 1764547200);
	assert_int_equal(period_to_unix("202512", &secs), 0);
	assert_true(secs == 1764547200);
	assert_int_equal(period_to_unix("2024-Q3", &secs), 0);
	assert_true(secs == 1719792000);
	assert_int_equal(period_to_unix("2025", &secs), 0);
	assert_true(secs == 1735689600);
	assert_int_equal(period_to_unix("2025-12-15T21:00:00Z", &secs), 0);
	assert_true(secs == 1765832400);
	assert_int_equal(period_to_unix("2025-12-15 21:00:00", &secs), 0);
	assert_true(secs == 1765832400);
	assert_int_equal(period_to_unix("2025-12-15T22:00:00.999+01:00",
	    &secs), 0);
	assert_true(secs == 1765832400);
	assert_int_equal(period_to_unix("2025-12-15T15:30:00-05:30", &secs),
	    0);
	assert_true(secs == 1765832400);
	assert_int_equal(period_to_unix("2025-12-15T21:00:00-00:00", &secs),
	    0);
	assert_true(secs == 1765832400);
	/* A leap second is the next minute's first, as in PostgreSQL. */
	assert_int_equal(period_to_unix("2016-12-31T23:59:60Z", &secs), 0);
	assert_true(secs == 1483228800);

	secs = 42;
	assert_int_equal(period_to_unix("2023-02-29", &secs), -1);
	assert_int_equal(period_to_unix("garbage", &secs), -1);
	assert_true(secs == 42);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period_dates),
		cmocka_unit_test(test_period_weeks),
		cmocka_unit_test(test_period_instants),
		cmocka_unit_test(test_period_rejects),
		cmocka_unit_test(test_period_unix),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
