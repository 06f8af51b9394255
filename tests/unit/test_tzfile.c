/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for util/tzfile and util/civil: offsets of real zones from
 * the system tz database checked against the C library's localtime_r
 * (an independent reader of the same files) from 1901 to 2100, wall
 * times taken back to UTC around daylight saving changes, and every
 * rejection of a malformed TZif image with its message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/civil.h"
#include "util/tzfile.h"

#define HOUR	INT64_C(3600)
#define DAY	INT64_C(86400)
#define DATE(y, m, d)	(civil_days((y), (m), (d)) * DAY)

static void
test_civil(void **state)
{
	int64_t	y;
	int	m, d;

	(void)state;
	assert_true(civil_days(1970, 1, 1) == 0);
	assert_true(civil_days(2000, 3, 1) == 11017);
	assert_true(civil_days(1969, 12, 31) == -1);
	civil_date(-1, &y, &m, &d);
	assert_true(y == 1969 && m == 12 && d == 31);
	civil_date(civil_days(2024, 2, 29), &y, &m, &d);
	assert_true(y == 2024 && m == 2 && d == 29);
	assert_int_equal(civil_weekday(0), 4);		/* Thursday */
	assert_int_equal(civil_weekday(-4), 7);		/* Sunday */
	assert_int_equal(civil_weekday(civil_days(2025, 12, 15)), 1);
	assert_int_equal(civil_mdays(2100, 2), 28);
	assert_int_equal(civil_mdays(2000, 2), 29);
	assert_true(civil_floordiv(-1, 7) == -1);
	assert_true(civil_floordiv(-7, 7) == -1);
	assert_true(civil_floordiv(6, 7) == 0);
}

/* The C library's offset for t in the zone TZ names now. */
static long
test_libc_offset(int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	assert_non_null(localtime_r(&tt, &tm));
	return (tm.tm_gmtoff);
}

static void
test_zone_against_libc(const char *name)
{
	struct tzfile	*tz;
	char		 err[512] = "";
	int64_t		 t, local, back;
	size_t		 n = 0, diffs = 0;

	tz = tzfile_load(name, err, sizeof(err));
	if (tz == NULL)
		fail_msg("%s: %s", name, err);
	assert_string_equal(tzfile_name(tz), name);
	assert_int_equal(setenv("TZ", name, 1), 0);
	tzset();

	/* Hourly over 2019-2027 (every change of those years), then a
	 * coarse walk with a drifting hour over 1901-2100. */
	for (t = DATE(2019, 1, 1); t < DATE(2028, 1, 1); t += HOUR + 1, n++)
		if (tzfile_offset(tz, t) != test_libc_offset(t)) {
			if (diffs++ < 5)
				print_message("%s at %lld: %d != %ld\n", name,
				    (long long)t, tzfile_offset(tz, t),
				    test_libc_offset(t));
		}
	for (t = DATE(1901, 1, 1); t < DATE(2100, 12, 31);
	    t += 3 * DAY + 3 * HOUR + 7, n++) {
		if (tzfile_offset(tz, t) != test_libc_offset(t) &&
		    diffs++ < 5)
			print_message("%s at %lld: %d != %ld\n", name,
			    (long long)t, tzfile_offset(tz, t),
			    test_libc_offset(t));
		/* The wall time maps back to t, or to its first occurrence. */
		local = t + tzfile_offset(tz, t);
		back = tzfile_from_local(tz, local);
		assert_true(back <= t);
		assert_true(back + tzfile_offset(tz, back) == local);
	}
	assert_true(n > 90000);
	assert_int_equal(diffs, 0);
	tzfile_free(tz);
}

static void
test_tzfile_libc(void **state)
{
	static const char	*zones[] = {
		"America/New_York",	/* US rules, since 2007 */
		"Europe/Minsk",		/* +03 all year since 2011 */
		"Europe/Dublin",	/* negative DST in the data */
		"Australia/Sydney",	/* southern hemisphere */
		"Asia/Kolkata",		/* +05:30 */
		"Pacific/Chatham",	/* +12:45 / +13:45 */
		"UTC",
	};
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		test_zone_against_libc(zones[i]);
	unsetenv("TZ");
	tzset();
}

static void
test_tzfile_local(void **state)
{
	struct tzfile	*tz;
	char		 err[512];

	(void)state;
	tz = tzfile_load("America/New_York", err, sizeof(err));
	assert_non_null(tz);
	/* 15 December 2025, 22:00 EST is 03:00Z the next day. */
	assert_true(tzfile_from_local(tz, DATE(2025, 12, 15) + 22 * HOUR) ==
	    DATE(2025, 12, 16) + 3 * HOUR);
	/* 15 June 2026, 22:00 EDT is 02:00Z. */
	assert_true(tzfile_from_local(tz, DATE(2026, 6, 15) + 22 * HOUR) ==
	    DATE(2026, 6, 16) + 2 * HOUR);
	/* 8 March 2026: 02:30 does not exist; read as EST, 03:30 EDT. */
	assert_true(tzfile_from_local(tz, DATE(2026, 3, 8) + 2 * HOUR +
	    1800) == DATE(2026, 3, 8) + 7 * HOUR + 1800);
	/* 1 November 2026: 01:30 occurs twice; the first is EDT. */
	assert_true(tzfile_from_local(tz, DATE(2026, 11, 1) + HOUR + 1800) ==
	    DATE(2026, 11, 1) + 5 * HOUR + 1800);
	/* Past the transition table (2037): the footer rule decides. */
	assert_int_equal(tzfile_offset(tz, DATE(2090, 7, 1)), -4 * 3600);
	assert_int_equal(tzfile_offset(tz, DATE(2090, 1, 1)), -5 * 3600);
	tzfile_free(tz);
}

static void
test_tzfile_load_errors(void **state)
{
	char	err[512], dir[] = "/tmp/potash-tzdir-XXXXXX", path[600];
	FILE	*f;

	(void)state;
	assert_null(tzfile_load("America/Nowhere", err, sizeof(err)));
	assert_non_null(strstr(err, "time zone \"America/Nowhere\": unknown "
	    "zone (no /usr/share/zoneinfo/America/Nowhere; expected a name "
	    "such as America/New_York"));
	assert_null(tzfile_load("../../etc/passwd", err, sizeof(err)));
	assert_string_equal(err, "time zone \"../../etc/passwd\": expected "
	    "a zone name such as America/New_York");
	assert_null(tzfile_load("/etc/localtime", err, sizeof(err)));
	assert_null(tzfile_load("America", err, sizeof(err)));
	assert_non_null(strstr(err, "is not a zone file"));

	/* $TZDIR is honoured, and a file there is input like any other. */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/Bad", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("not a zone\n", f);
	fclose(f);
	assert_int_equal(setenv("TZDIR", dir, 1), 0);
	assert_null(tzfile_load("Bad", err, sizeof(err)));
	assert_string_equal(err, "time zone \"Bad\": not a TZif file "
	    "(expected the \"TZif\" magic)");
	assert_null(tzfile_load("America/New_York", err, sizeof(err)));
	unsetenv("TZDIR");
	unlink(path);
	rmdir(dir);
}

/* A version 2 image: an empty version 1 body, then the given data. */
struct test_tzif {
	unsigned char	b[512];
	size_t		len;
};

static void
test_put32(struct test_tzif *z, uint32_t v)
{
	z->b[z->len++] = (unsigned char)(v >> 24);
	z->b[z->len++] = (unsigned char)(v >> 16);
	z->b[z->len++] = (unsigned char)(v >> 8);
	z->b[z->len++] = (unsigned char)v;
}

static void
test_header(struct test_tzif *z, uint32_t leap, uint32_t times,
    uint32_t types, uint32_t chars)
{
	memcpy(z->b + z->len, "TZif2", 5);
	memset(z->b + z->len + 5, 0, 15);
	z->len += 20;
	test_put32(z, 0);
	test_put32(z, 0);
	test_put32(z, leap);
	test_put32(z, times);
	test_put32(z, types);
	test_put32(z, chars);
}

/*
 * One transition at t = 1000000 from +00 to +01, types (0, 0, 0) and
 * (3600, 0, 4), abbreviations "UTC\0+01\0", then the footer.
 */
static void
test_tzif(struct test_tzif *z, uint8_t type, const char *footer)
{
	memset(z, 0, sizeof(*z));
	test_header(z, 0, 0, 0, 0);
	test_header(z, 0, 1, 2, 8);
	test_put32(z, 0);
	test_put32(z, 1000000);
	z->b[z->len++] = type;
	test_put32(z, 0);
	z->b[z->len++] = 0;
	z->b[z->len++] = 0;
	test_put32(z, 3600);
	z->b[z->len++] = 0;
	z->b[z->len++] = 4;
	memcpy(z->b + z->len, "UTC\0+01\0", 8);
	z->len += 8;
	memcpy(z->b + z->len, footer, strlen(footer));
	z->len += strlen(footer);
}

static void
test_tzfile_bad(const struct test_tzif *z, size_t len, const char *want)
{
	char	err[512] = "";

	assert_null(tzfile_parse("Test/Zone", z->b, len, err, sizeof(err)));
	assert_string_equal(err, want);
}

static void
test_tzfile_parse(void **state)
{
	struct test_tzif	 z;
	struct tzfile		*tz;
	char			 err[512] = "";

	(void)state;
	test_tzif(&z, 1, "\n<+01>-1\n");
	tz = tzfile_parse("Test/Zone", z.b, z.len, err, sizeof(err));
	if (tz == NULL)
		fail_msg("%s", err);
	assert_int_equal(tzfile_offset(tz, -5000000), 0);
	assert_int_equal(tzfile_offset(tz, 999999), 0);
	assert_int_equal(tzfile_offset(tz, 1000000), 3600);
	assert_int_equal(tzfile_offset(tz, INT64_C(4000000000)), 3600);
	tzfile_free(tz);

	/* No footer: the last type stays in force. */
	test_tzif(&z, 1, "");
	assert_non_null(tz = tzfile_parse("Test/Zone", z.b, z.len, err,
	    sizeof(err)));
	assert_int_equal(tzfile_offset(tz, INT64_C(4000000000)), 3600);
	tzfile_free(tz);

	/* A footer with a southern-hemisphere rule. */
	test_tzif(&z, 1, "\nAEST-10AEDT,M10.1.0,M4.1.0/3\n");
	assert_non_null(tz = tzfile_parse("Test/Zone", z.b, z.len, err,
	    sizeof(err)));
	assert_int_equal(tzfile_offset(tz, DATE(2090, 1, 15)), 11 * 3600);
	assert_int_equal(tzfile_offset(tz, DATE(2090, 6, 15)), 10 * 3600);
	tzfile_free(tz);

	test_tzif(&z, 1, "\n<+01>-1\n");
	test_tzfile_bad(&z, 10, "time zone \"Test/Zone\": not a TZif file "
	    "(expected the \"TZif\" magic)");
	test_tzfile_bad(&z, 60, "time zone \"Test/Zone\": truncated TZif "
	    "file (no version 2 header)");
	test_tzfile_bad(&z, z.len - 12, "time zone \"Test/Zone\": truncated "
	    "TZif file (data shorter than its counts)");
	test_tzif(&z, 2, "\n<+01>-1\n");
	test_tzfile_bad(&z, z.len, "time zone \"Test/Zone\": malformed TZif "
	    "file (transition to an unknown type)");
	test_tzif(&z, 1, "\nno rule here\n");
	test_tzfile_bad(&z, z.len, "time zone \"Test/Zone\": malformed TZif "
	    "footer (expected a POSIX TZ string such as "
	    "\"EST5EDT,M3.2.0,M11.1.0\")");
	test_tzif(&z, 1, "\nEST5EDT\n");
	test_tzfile_bad(&z, z.len, "time zone \"Test/Zone\": malformed TZif "
	    "footer (expected a POSIX TZ string such as "
	    "\"EST5EDT,M3.2.0,M11.1.0\")");
	test_tzif(&z, 1, "\n<+01>-1");
	test_tzfile_bad(&z, z.len, "time zone \"Test/Zone\": malformed TZif "
	    "footer (expected a TZ string between newlines)");

	/* A leap second record: refused, not silently misread. */
	memset(&z, 0, sizeof(z));
	test_header(&z, 0, 0, 0, 0);
	test_header(&z, 1, 0, 1, 4);
	test_put32(&z, 0);
	z.b[z.len++] = 0;
	z.b[z.len++] = 0;
	memcpy(z.b + z.len, "UTC\0", 4);
	z.len += 4 + 12;
	test_tzfile_bad(&z, z.len, "time zone \"Test/Zone\": zones with leap "
	    "seconds (\"right/...\") are not supported; use the zone without "
	    "the \"right/\" prefix");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_civil),
		cmocka_unit_test(test_tzfile_libc),
		cmocka_unit_test(test_tzfile_local),
		cmocka_unit_test(test_tzfile_load_errors),
		cmocka_unit_test(test_tzfile_parse),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
