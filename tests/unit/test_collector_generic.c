/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for collectors/generic: period formats (iso with a time
 * zone, Unix seconds and milliseconds, yyyymm, % formats), values and
 * missing markers, the values mappings, time zones, and the duplicate
 * check, each with its exact message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "collectors/generic.h"
#include "util/decimal.h"
#include "util/period.h"
#include "util/xmalloc.h"

/* A feed with option name set to value (or, for values, one mapping). */
static void
test_generic_feed(struct feed *f, const char *const *kv)
{
	struct feed_option	*o;

	memset(f, 0, sizeof(*f));
	f->name = xstrdup("t");
	f->url = xstrdup("https://example.test/x");
	for (; kv[0] != NULL; kv += 2) {
		f->opts = xreallocarray(f->opts, f->nopts + 1,
		    sizeof(*f->opts));
		o = &f->opts[f->nopts++];
		o->name = xstrdup(kv[0]);
		o->values = xcalloc(2, sizeof(*o->values));
		o->values[0] = xstrdup(kv[1]);
		o->nvalues = 1;
		o->line = 0;
	}
}

static void
test_generic_feed_free(struct feed *f)
{
	size_t	i;

	for (i = 0; i < f->nopts; i++) {
		free(f->opts[i].values[0]);
		free(f->opts[i].values);
		free(f->opts[i].name);
	}
	free(f->opts);
	free(f->name);
	free(f->url);
}

/* Options for a period format and time zone (NULL: unset). */
static void
test_generic_opts(struct generic_opts *g, const char *fmt, const char *tz)
{
	const char	*kv[8] = { "values", "v=>a/b", NULL, NULL, NULL, NULL,
	    NULL, NULL };
	struct feed	 f;
	char		 err[512];
	size_t		 n = 2;

	if (fmt != NULL) {
		kv[n++] = "period_format";
		kv[n++] = fmt;
	}
	if (tz != NULL) {
		kv[n++] = "timezone";
		kv[n++] = tz;
	}
	test_generic_feed(&f, kv);
	if (generic_configure(&f, g, err, sizeof(err)) != 0)
		fail_msg("configure: %s", err);
	test_generic_feed_free(&f);
}

static void
test_generic_period_ok(const char *fmt, const char *tz, const char *in,
    const char *want)
{
	struct generic_opts	g;
	char			out[PERIOD_MAX_LEN], err[512] = "";

	test_generic_opts(&g, fmt, tz);
	if (generic_period(&g, in, out, sizeof(out), err, sizeof(err)) != 0)
		fail_msg("\"%s\" in \"%s\": %s", in, fmt != NULL ? fmt : "iso",
		    err);
	assert_string_equal(out, want);
	generic_deinit(&g);
}

static void
test_generic_period_bad(const char *fmt, const char *in, const char *msg)
{
	struct generic_opts	g;
	char			out[PERIOD_MAX_LEN], err[512] = "";

	test_generic_opts(&g, fmt, NULL);
	if (generic_period(&g, in, out, sizeof(out), err, sizeof(err)) != -1)
		fail_msg("\"%s\" accepted as \"%s\"", in, out);
	assert_string_equal(err, msg);
	generic_deinit(&g);
}

static void
test_generic_iso(void **state)
{
	test_generic_period_ok(NULL, NULL, "2025-12", "2025-12-01");
	test_generic_period_ok("iso", NULL, " 2024-Q3 ", "2024-07-01");
	test_generic_period_ok("iso", NULL, "2025-12-15 21:00",
	    "2025-12-15T21:00:00Z");
	/* A time without an offset is in the configured zone... */
	test_generic_period_ok("iso", "+03:00", "2025-12-15 21:00",
	    "2025-12-15T21:00:00+03:00");
	test_generic_period_ok("iso", "-0530", "2025-12-15T21:00:00.25",
	    "2025-12-15T21:00:00.25-05:30");
	/* ...one with an offset keeps it, and a date is never shifted. */
	test_generic_period_ok("iso", "+03:00", "2025-12-15T21:00:00Z",
	    "2025-12-15T21:00:00Z");
	test_generic_period_ok("iso", "+03:00", "2025-12-15T21:00:00-01:00",
	    "2025-12-15T21:00:00-01:00");
	test_generic_period_ok("iso", "+03:00", "2025-12-15", "2025-12-15");
	test_generic_period_ok("iso", "UTC", "2025-12-15T21:00",
	    "2025-12-15T21:00:00Z");
	test_generic_period_ok("iso", "+00:00", "2025-12-15T21:00",
	    "2025-12-15T21:00:00Z");
	test_generic_period_bad("iso", "15/12/2025", "expected a date such as "
	    "2025-12-01, 2025-12, 2024-M01 or 2025-12-15T21:00:00Z, got "
	    "\"15/12/2025\"");
}

static void
test_generic_unix(void **state)
{
	test_generic_period_ok("unix", NULL, "1735689600",
	    "2025-01-01T00:00:00Z");
	test_generic_period_ok("unix", "+03:00", "1735689600",
	    "2025-01-01T00:00:00Z");
	test_generic_period_ok("unix", NULL, "1735689600.250",
	    "2025-01-01T00:00:00.25Z");
	test_generic_period_ok("unix", NULL, "1735689600.000",
	    "2025-01-01T00:00:00Z");
	/* Before 1970 (the Pink Sheet starts in 1960). */
	test_generic_period_ok("unix", NULL, "-315619200",
	    "1960-01-01T00:00:00Z");
	test_generic_period_ok("unix", NULL, "-0.5", "1969-12-31T23:59:59.5Z");
	test_generic_period_ok("unix_ms", NULL, "1735689600123",
	    "2025-01-01T00:00:00.123Z");
	test_generic_period_ok("unix_ms", NULL, "1735689600000.5",
	    "2025-01-01T00:00:00.0005Z");
	test_generic_period_ok("unix_ms", NULL, "-1",
	    "1969-12-31T23:59:59.999Z");
	test_generic_period_bad("unix", "1.7e9", "expected Unix time in "
	    "seconds such as 1735689600, got \"1.7e9\"");
	test_generic_period_bad("unix", "2025-01-01", "expected Unix time in "
	    "seconds such as 1735689600, got \"2025-01-01\"");
	test_generic_period_bad("unix", "", "expected Unix time in seconds "
	    "such as 1735689600, got \"\"");
	test_generic_period_bad("unix", "1735689600.", "expected Unix time in "
	    "seconds such as 1735689600, got \"1735689600.\"");
	test_generic_period_bad("unix", "1735689600.1234567891", "expected "
	    "Unix time in seconds such as 1735689600, got "
	    "\"1735689600.1234567891\"");
	/* Milliseconds given where seconds are expected: year 56970. */
	test_generic_period_bad("unix", "1735689600000", "expected Unix time "
	    "in seconds within the years 1800 to 2200, got "
	    "\"1735689600000\"");
	test_generic_period_bad("unix", "99999999999999999999", "expected Unix "
	    "time in seconds within the years 1800 to 2200, got "
	    "\"99999999999999999999\"");
	/* Seconds where milliseconds are expected land in 1970: valid. */
	test_generic_period_ok("unix_ms", NULL, "1735689600",
	    "1970-01-21T02:08:09.6Z");
	test_generic_period_bad("unix_ms", "99999999999999", "expected Unix "
	    "time in milliseconds within the years 1800 to 2200, got "
	    "\"99999999999999\"");
}

static void
test_generic_yyyymm(void **state)
{
	test_generic_period_ok("yyyymm", NULL, "202512", "2025-12-01");
	test_generic_period_bad("yyyymm", "2025-12", "expected a month as "
	    "YYYYMM such as 202512, got \"2025-12\"");
	test_generic_period_bad("yyyymm", "202513", "expected a month between "
	    "01 and 12, got \"202513\"");
}

static void
test_generic_strp(void **state)
{
	test_generic_period_ok("%d/%m/%Y", NULL, "2/1/2025", "2025-01-02");
	test_generic_period_ok("%d.%m.%Y", NULL, "31.12.2024", "2024-12-31");
	test_generic_period_ok("%YM%m", NULL, "1960M01", "1960-01-01");
	test_generic_period_ok("%b %Y", NULL, "Sep 2025", "2025-09-01");
	test_generic_period_ok("%b %Y", NULL, "SEPT 2025", "2025-09-01");
	test_generic_period_ok("%B %Y", NULL, "september   2025", "2025-09-01");
	test_generic_period_ok("%b-%y", NULL, "Mar-69", "1969-03-01");
	test_generic_period_ok("%b-%y", NULL, "Mar-68", "2068-03-01");
	test_generic_period_ok("%Y-Q%q", NULL, "2024-Q3", "2024-07-01");
	test_generic_period_ok("%Y%m%d", NULL, "20240229", "2024-02-29");
	test_generic_period_ok("%F %T", NULL, "2025-01-02 03:04:05",
	    "2025-01-02T03:04:05Z");
	test_generic_period_ok("%F %T", "+03:00", "2025-01-02 03:04:05",
	    "2025-01-02T03:04:05+03:00");
	test_generic_period_ok("%FT%T.%f%z", "+03:00",
	    "2025-01-02T03:04:05.120+0100", "2025-01-02T03:04:05.120+01:00");
	test_generic_period_ok("%FT%T%z", NULL, "2025-01-02T03:04:05Z",
	    "2025-01-02T03:04:05Z");
	test_generic_period_ok("%d/%m/%Y %H:%M", "-05:00", "02/01/2025 9:30",
	    "2025-01-02T09:30:00-05:00");
	test_generic_period_ok("%%%Y", NULL, "%2025", "2025-01-01");
	test_generic_period_bad("%d/%m/%Y", "30/02/2024", "expected a period "
	    "in the format \"%d/%m/%Y\", got \"30/02/2024\" (no such day in "
	    "that month)");
	test_generic_period_bad("%d/%m/%Y", "12/13/2024", "expected a period "
	    "in the format \"%d/%m/%Y\", got \"12/13/2024\" (no such month)");
	test_generic_period_bad("%d/%m/%Y", "02/01/2025x", "expected a period "
	    "in the format \"%d/%m/%Y\", got \"02/01/2025x\"");
	test_generic_period_bad("%d/%m/%Y", "02/01/25", "expected a period in "
	    "the format \"%d/%m/%Y\", got \"02/01/25\"");
	test_generic_period_bad("%Y-Q%q", "2024-Q5", "expected a period in the "
	    "format \"%Y-Q%q\", got \"2024-Q5\"");
	test_generic_period_bad("%b %Y", "Okt 2025", "expected a period in the "
	    "format \"%b %Y\", got \"Okt 2025\"");
	test_generic_period_bad("%Y", "1799", "expected a period in the format "
	    "\"%Y\", got \"1799\" (year out of range)");
	test_generic_period_bad("%F %T", "2025-01-02 24:00:00", "expected a "
	    "period in the format \"%F %T\", got \"2025-01-02 24:00:00\" (no "
	    "such time of day)");
}

static void
test_generic_config_bad(const char *const *kv, const char *msg)
{
	struct generic_opts	g;
	struct feed		f;
	char			err[512] = "";

	test_generic_feed(&f, kv);
	assert_int_equal(generic_configure(&f, &g, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	test_generic_feed_free(&f);
}

static void
test_generic_configure(void **state)
{
	const char	*fmt1[] = { "values", "v=>a/b", "period_format", "dmy",
	    NULL };
	const char	*fmt2[] = { "values", "v=>a/b", "period_format",
	    "%d/%m/%Y %Q", NULL };
	const char	*fmt3[] = { "values", "v=>a/b", "period_format",
	    "%Y-%m-%d %M", NULL };
	const char	*fmt4[] = { "values", "v=>a/b", "period_format",
	    "%Y %Y", NULL };
	const char	*fmt5[] = { "values", "v=>a/b", "period_format", "%Y%",
	    NULL };
	const char	*fmt6[] = { "values", "v=>a/b", "period_format",
	    "%Y-Q%q-%m", NULL };
	const char	*tz1[] = { "values", "v=>a/b", "timezone", "+3", NULL };
	const char	*tz2[] = { "values", "v=>a/b", "timezone", "+15:00",
	    NULL };
	const char	*tz3[] = { "values", "v=>a/b", "timezone", "../etc/passwd",
	    NULL };
	const char	*key1[] = { "values", "v=>a b/c", NULL };
	const char	*key2[] = { "values", "v=>/ab", NULL };
	const char	*key3[] = { "values", "=>a/b", NULL };

	test_generic_config_bad(fmt1, "period_format: expected iso, unix, "
	    "unix_ms, yyyymm or a format with % directives such as "
	    "\"%d/%m/%Y\", got \"dmy\"");
	test_generic_config_bad(fmt2, "period_format: unknown directive \"%Q\" "
	    "in \"%d/%m/%Y %Q\" (known: %Y %y %m %b %B %d %e %q %H %M %S %f %z "
	    "%F %T %%)");
	test_generic_config_bad(fmt3, "period_format: \"%Y-%m-%d %M\" has "
	    "minutes but no hour (%H)");
	test_generic_config_bad(fmt4, "period_format: \"%Y %Y\" gives the year "
	    "twice");
	test_generic_config_bad(fmt5, "period_format: \"%Y%\" ends with a lone "
	    "\"%\"");
	test_generic_config_bad(fmt6, "period_format: \"%Y-Q%q-%m\" has both a "
	    "quarter and a month");
	test_generic_config_bad(tz1, "timezone: expected \"UTC\", a fixed "
	    "offset such as \"+03:00\" or \"-05:00\", or a zone such as "
	    "\"America/New_York\", got \"+3\"");
	test_generic_config_bad(tz2, "timezone: expected \"UTC\", a fixed "
	    "offset such as \"+03:00\" or \"-05:00\", or a zone such as "
	    "\"America/New_York\", got \"+15:00\"");
	test_generic_config_bad(tz3, "timezone: time zone \"../etc/passwd\": "
	    "expected a zone name such as America/New_York");
	test_generic_config_bad(key1, "values: \"v=>a b/c\": expected a series "
	    "key such as \"acme/potash/close\" (printable ASCII, no spaces, a "
	    "\"/\" after the source name), got \"a b/c\"");
	test_generic_config_bad(key2, "values: \"v=>/ab\": expected a series "
	    "key such as \"acme/potash/close\" (printable ASCII, no spaces, a "
	    "\"/\" after the source name), got \"/ab\"");
	test_generic_config_bad(key3, "values: \"=>a/b\": no field before "
	    "\"=>\"");
}

static void
test_generic_values(void **state)
{
	const char		*kv[] = { "values", " a.b => src/x : USD/t ",
	    "decimal_comma", "on", NULL };
	struct generic_opts	 g;
	struct feed		 f;
	char			 out[DECIMAL_MAX_LEN], err[512];

	test_generic_feed(&f, kv);
	assert_int_equal(generic_configure(&f, &g, err, sizeof(err)), 0);
	test_generic_feed_free(&f);
	assert_int_equal(g.nmaps, 1);
	assert_string_equal(g.maps[0].field, "a.b");
	assert_string_equal(g.maps[0].key, "src/x");
	assert_string_equal(g.maps[0].unit, "USD/t");
	assert_int_equal(generic_value(&g, "1.234,5", 0, out, sizeof(out), err,
	    sizeof(err)), 1);
	assert_string_equal(out, "1234.5");
	/* JSON numbers are read as JSON wrote them, whatever the flag. */
	assert_int_equal(generic_value(&g, "1234.5", 1, out, sizeof(out), err,
	    sizeof(err)), 1);
	assert_string_equal(out, "1234.5");
	assert_int_equal(generic_value(&g, "  ", 0, out, sizeof(out), err,
	    sizeof(err)), 0);
	assert_int_equal(generic_value(&g, "x", 0, out, sizeof(out), err,
	    sizeof(err)), -1);
	assert_string_equal(err, "expected a decimal number with a decimal "
	    "comma such as -1.234,5, got \"x\"");
	generic_deinit(&g);
}

static void
test_generic_dup(void **state)
{
	struct generic_out	 o;
	struct batch		*b = batch_new("t");
	size_t			 t1, t2, obs;

	batch_add(b, "x/y", "2020-01-01", "1", NULL);
	generic_out_init(&o, b);
	generic_out_add(&o, "a/b", "2025-01-01", "1", NULL, 10);
	generic_out_add(&o, "a/c", "2025-01-01", "1", NULL, 10);
	generic_out_add(&o, "a/b", "2025-01-02", "1", NULL, 11);
	assert_int_equal(generic_out_dup(&o, &t1, &t2, &obs), 0);
	generic_out_add(&o, "a/c", "2025-01-02", "2", NULL, 12);
	generic_out_add(&o, "a/b", "2025-01-01", "2", NULL, 13);
	generic_out_add(&o, "a/c", "2025-01-01", "3", NULL, 14);
	assert_int_equal(generic_out_dup(&o, &t1, &t2, &obs), 1);
	/* The repeat that comes first: a/b on 2025-01-01, tags 10, 13. */
	assert_int_equal(t1, 10);
	assert_int_equal(t2, 13);
	assert_int_equal(obs, 5);
	assert_string_equal(b->obs[obs].series, "a/b");
	generic_out_deinit(&o);
	batch_free(b);
}

static void
test_generic_utf8(void **state)
{
	assert_int_equal(generic_utf8_bad("abc", 3), 3);
	assert_int_equal(generic_utf8_bad("a\xe2\x80\xa6", 4), 4);
	assert_int_equal(generic_utf8_bad("a\xe2\x80", 3), 1);
	assert_int_equal(generic_utf8_bad("\xc0\xaf", 2), 0);
	assert_int_equal(generic_utf8_bad("ab\xed\xa0\x80", 5), 2);
	assert_int_equal(generic_utf8_bad("\xf4\x90\x80\x80", 4), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generic_iso),
		cmocka_unit_test(test_generic_unix),
		cmocka_unit_test(test_generic_yyyymm),
		cmocka_unit_test(test_generic_strp),
		cmocka_unit_test(test_generic_configure),
		cmocka_unit_test(test_generic_values),
		cmocka_unit_test(test_generic_dup),
		cmocka_unit_test(test_generic_utf8),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
