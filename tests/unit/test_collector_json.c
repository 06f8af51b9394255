/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the generic json kind: real bodies (FRED, UN Comtrade,
 * Yahoo) and bodies written for the tests, read through paths; the exact
 * text of JSON numbers; every failure with its exact message (empty,
 * truncated, HTML, wrong types, 1e400, NaN, BOM, invalid UTF-8, NUL,
 * 1000-deep nesting, a body at the 32 MiB cap); request() and
 * configure(); and that feedjson's two readers (jsontree for strict JSON,
 * cJSON for the rest) build the same tree from real bodies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/collector.h"
#include "collectors/feedjson.h"
#include "testcollector.h"
#include "util/xmalloc.h"

static const struct collector_ops	*ops;

static struct feed *
test_json_feed(void)
{
	return (testcollector_feed("json", "https://example.test/api/v1/prices"));
}


/* A feed on the vendor-style fixture's rows. */
static struct feed *
test_json_acme(void)
{
	struct feed	*f = test_json_feed();

	testcollector_set(f, "rows", "data.items", NULL);
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "close=>acme/potash/close:USD/t",
	    "volume => acme/potash/volume : t", NULL);
	testcollector_set(f, "skip_values", "n/a", "", NULL);
	testcollector_set(f, "thousands_comma", "true", NULL);
	return (f);
}

static void
test_json_vendor(void **state)
{
	struct feed		*f = test_json_acme();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("json", "acme-potash-daily.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.batch->nobs, 8);
	testcollector_obs(&res, 0, "acme/potash/close", "2025-01-02", "312.50",
	    "USD/t");
	testcollector_obs(&res, 1, "acme/potash/volume", "2025-01-02", "1200",
	    "t");
	/* A JSON number keeps its text: 313.75, not 313.75000000000001. */
	testcollector_obs(&res, 2, "acme/potash/close", "2025-01-03", "313.75",
	    "USD/t");
	testcollector_obs(&res, 3, "acme/potash/volume", "2025-01-03", "1450",
	    "t");
	/* "n/a" is missing; 0 is a value. */
	testcollector_obs(&res, 4, "acme/potash/volume", "2025-01-06", "0", "t");
	testcollector_obs(&res, 5, "acme/potash/close", "2025-01-07", "314.00",
	    "USD/t");
	testcollector_obs(&res, 6, "acme/potash/close", "2025-01-08", "3.1525e2",
	    "USD/t");
	testcollector_obs(&res, 7, "acme/potash/volume", "2025-01-08", "980",
	    "t");
	assert_int_equal(res.batch->nseries, 2);
	assert_string_equal(res.batch->series[0].key, "acme/potash/close");
	assert_string_equal(res.batch->series[0].unit, "USD/t");
	assert_string_equal(res.batch->series[1].unit, "t");
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

static void
test_json_keyed(void **state)
{
	struct feed		*f = test_json_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	testcollector_set(f, "rows", "$.rates[*]", NULL);
	testcollector_set(f, "period_field", "@key", NULL);
	testcollector_set(f, "values", "BRL=>fx/USD/BRL:BRL/USD",
	    "CNY=>fx/USD/CNY:CNY/USD", NULL);
	body = testcollector_fixture("json", "fx-timeseries-keyed.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.batch->nobs, 10);
	testcollector_obs(&res, 0, "fx/USD/BRL", "2025-01-02", "6.1718",
	    "BRL/USD");
	testcollector_obs(&res, 5, "fx/USD/CNY", "2025-01-06", "7.3010",
	    "CNY/USD");
	testcollector_obs(&res, 9, "fx/USD/CNY", "2025-01-08", "7.3052",
	    "CNY/USD");
	collector_result_clear(&res);

	/* @key needs rows found under member names. */
	testcollector_feed_free(f);
	f = test_json_feed();
	testcollector_set(f, "rows", "rates", NULL);
	testcollector_set(f, "period_field", "@key", NULL);
	testcollector_set(f, "values", "BRL=>fx/USD/BRL", NULL);
	testcollector_fails(ops, f, body, len, "rates: @key: this row was not found "
	    "under a member name (@key needs rows ending in [*] over an "
	    "object)");
	free(body);
	testcollector_feed_free(f);
}

static void
test_json_array_rows(void **state)
{
	struct feed		*f = test_json_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	testcollector_set(f, "rows", "prices", NULL);
	testcollector_set(f, "period_field", "[0]", NULL);
	testcollector_set(f, "period_format", "unix_ms", NULL);
	testcollector_set(f, "values", "[1]=>acme/potash/close:USD/t", NULL);
	body = testcollector_fixture("json", "prices-array-rows-ms.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.batch->nobs, 4);
	testcollector_obs(&res, 0, "acme/potash/close", "2025-01-02T00:00:00Z",
	    "312.5", "USD/t");
	testcollector_obs(&res, 2, "acme/potash/close", "2025-01-07T00:00:00Z",
	    "314", "USD/t");
	testcollector_obs(&res, 3, "acme/potash/close", "2025-01-08T00:00:00.5Z",
	    "315.25", "USD/t");
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

static void
test_json_real_fred(void **state)
{
	struct feed		*f = test_json_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	testcollector_set(f, "rows", "observations", NULL);
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "value=>fred-json/FEDFUNDS:%", NULL);
	testcollector_set(f, "skip_values", ".", NULL);
	body = testcollector_fixture("json", "fred-observations-FEDFUNDS-trimmed.json",
	    &len);
	testcollector_ok(ops, f, body, len, &res);
	/* Nine observations, the last one "." (not yet published). */
	assert_int_equal(res.batch->nobs, 8);
	testcollector_obs(&res, 0, "fred-json/FEDFUNDS", "1954-07-01", "0.80",
	    "%");
	testcollector_obs(&res, 7, "fred-json/FEDFUNDS", "2023-06-01", "5.08",
	    "%");
	collector_result_clear(&res);

	/* Without "." as a marker, it is an error, not a 0. */
	testcollector_feed_free(f);
	f = test_json_feed();
	testcollector_set(f, "rows", "observations", NULL);
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "value=>fred-json/FEDFUNDS", NULL);
	testcollector_fails(ops, f, body, len, "observations[8].value: expected a "
	    "decimal number such as -1234.5 or 1.5e3, got \".\"");
	free(body);
	testcollector_feed_free(f);
}

static void
test_json_real_comtrade(void **state)
{
	struct feed		*f = test_json_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("json", 
	    "comtrade-data-v1-get-C-A-HS-CHN-reporter.json", &len);
	testcollector_set(f, "rows", "data[0]", NULL);
	testcollector_set(f, "period_field", "refPeriodId", NULL);
	testcollector_set(f, "period_format", "%Y%m%d", NULL);
	testcollector_set(f, "values", "primaryValue=>ct/156/32/TOTAL/A/M:USD",
	    "netWgt=>ct/156/32/TOTAL/A/M/netwgt:kg", NULL);
	testcollector_ok(ops, f, body, len, &res);
	/* netWgt is null: missing.  The number's text is kept, ".0" too. */
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "ct/156/32/TOTAL/A/M", "2010-01-01",
	    "6804128143.0", "USD");
	collector_result_clear(&res);

	/* Last row, the period as text. */
	testcollector_feed_free(f);
	f = test_json_feed();
	testcollector_set(f, "rows", "data[-1]", NULL);
	testcollector_set(f, "period_field", "period", NULL);
	testcollector_set(f, "values", "primaryValue=>ct/156/276/TOTAL/A/X:USD",
	    NULL);
	testcollector_ok(ops, f, body, len, &res);
	testcollector_obs(&res, 0, "ct/156/276/TOTAL/A/X", "2010-01-01",
	    "68047133397.0", "USD");
	collector_result_clear(&res);

	/* All four rows have the period 2010: one series cannot take them. */
	testcollector_feed_free(f);
	f = test_json_feed();
	testcollector_set(f, "rows", "data", NULL);
	testcollector_set(f, "period_field", "period", NULL);
	testcollector_set(f, "values", "primaryValue=>ct/156/all", NULL);
	testcollector_fails(ops, f, body, len, "data[1]: a second value of "
	    "\"ct/156/all\" for 2010-01-01 (the first is in data[0])");

	testcollector_feed_free(f);
	f = test_json_feed();
	testcollector_set(f, "rows", "data[7]", NULL);
	testcollector_set(f, "period_field", "period", NULL);
	testcollector_set(f, "values", "primaryValue=>ct/156/all", NULL);
	testcollector_fails(ops, f, body, len, "data has no element [7] (it has 4)");
	free(body);
	testcollector_feed_free(f);
}

static void
test_json_real_yahoo(void **state)
{
	struct feed		*f = test_json_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("json", "yahoo-chart-WSU.DE-2023-08-04-to-2023-08-09"
	    ".json", &len);
	testcollector_set(f, "rows", "chart.result[0].meta", NULL);
	testcollector_set(f, "period_field", "regularMarketTime", NULL);
	testcollector_set(f, "period_format", "unix", NULL);
	testcollector_set(f, "values", "regularMarketPrice=>quote/WSU.DE/last:EUR",
	    NULL);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "quote/WSU.DE/last", "2025-02-20T11:03:40Z",
	    "38.9", "EUR");
	collector_result_clear(&res);

	/* The timestamps are numbers, not rows. */
	testcollector_feed_free(f);
	f = test_json_feed();
	testcollector_set(f, "rows", "chart.result[0].timestamp", NULL);
	testcollector_set(f, "period_field", "[0]", NULL);
	testcollector_set(f, "values", "[1]=>quote/WSU.DE/x", NULL);
	testcollector_fails(ops, f, body, len, "chart.result[0].timestamp[0]: expected "
	    "a row (an object or an array), got a number");
	free(body);
	testcollector_feed_free(f);
}

static void
test_json_broken(void **state)
{
	struct feed	*f = test_json_acme();
	const char	*b;

	testcollector_fails(ops, f, "", 0, "empty body (expected JSON)");
	testcollector_fails(ops, f, " \r\n\t", 4, "empty body (expected JSON)");
	b = "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>";
	testcollector_fails(ops, f, b, strlen(b), "not JSON: unexpected \"<\" at byte "
	    "0 (an HTML error page?)");
	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\", \"close\": 1";
	testcollector_fails(ops, f, b, strlen(b), "not JSON: unexpected end at byte "
	    "53 (truncated?)");
	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\", \"clo";
	testcollector_fails(ops, f, b, strlen(b), "not JSON: the string at byte 43 "
	    "never ends (truncated?)");
	b = "{\"data\" {\"items\": \"abc";
	testcollector_fails(ops, f, b, strlen(b), "not JSON: unexpected \"{\" at byte "
	    "8");
	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\" \"close\": "
	    "1}]}}";
	testcollector_fails(ops, f, b, strlen(b), "not JSON: unexpected \"\\\"\" at "
	    "byte 42");
	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\", \"close\": "
	    "NaN}]}}";
	testcollector_fails(ops, f, b, strlen(b), "not JSON: unexpected \"N\" at byte "
	    "52");
	/* A NUL inside the declared length. */
	testcollector_fails(ops, f, "{\"data\": \0}", 11, "not JSON: NUL byte at byte "
	    "9");
	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\", \"close\": "
	    "\"31\\u00002\"}]}}";
	testcollector_fails(ops, f, b, strlen(b), "\"\\u0000\" at byte 55: NUL "
	    "characters in strings are not supported");
	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\", \"note\": "
	    "\"caf\xe9\"}]}}";
	testcollector_fails(ops, f, b, strlen(b), "not JSON: invalid UTF-8 at byte 55 "
	    "(JSON must be UTF-8)");
	testcollector_feed_free(f);
}

static void
test_json_types(void **state)
{
	struct feed		*f = test_json_acme();
	struct collector_result	 res;
	const char		*b;

	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\", \"close\": "
	    "true}]}}";
	testcollector_fails(ops, f, b, strlen(b), "data.items[0].close: expected a "
	    "number or a string, got true");
	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\", \"close\": "
	    "{\"v\": 1}}]}}";
	testcollector_fails(ops, f, b, strlen(b), "data.items[0].close: expected a "
	    "number or a string, got an object");
	b = "{\"data\": [1, 2]}";
	testcollector_fails(ops, f, b, strlen(b), "data: expected an object with "
	    "\"items\", got an array");
	b = "{\"data\": {\"items\": \"none\"}}";
	testcollector_fails(ops, f, b, strlen(b), "data.items: expected an array or an "
	    "object of rows, got a string");
	b = "[{\"date\": \"2025-01-02\"}]";
	testcollector_fails(ops, f, b, strlen(b), "response: expected an object with "
	    "\"data\", got an array");
	b = "{\"status\": \"error\", \"message\": \"quota exceeded\"}";
	testcollector_fails(ops, f, b, strlen(b), "response has no \"data\" member");
	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\", \"close\": 1},"
	    " {\"close\": 2}]}}";
	testcollector_fails(ops, f, b, strlen(b), "data.items[1] has no \"date\" "
	    "member");
	b = "{\"data\": {\"items\": [{\"date\": 20250102, \"close\": 1}]}}";
	testcollector_fails(ops, f, b, strlen(b), "data.items[0].date: expected a date "
	    "such as 2025-12-01, 2025-12, 2024-M01 or 2025-12-15T21:00:00Z, "
	    "got \"20250102\"");
	b = "{\"data\": {\"items\": [{\"date\": null, \"close\": 1}]}}";
	testcollector_fails(ops, f, b, strlen(b), "data.items[0].date: expected a "
	    "period (a string or a number), got null");
	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\", \"close\": "
	    "\"12,5x\"}]}}";
	testcollector_fails(ops, f, b, strlen(b), "data.items[0].close: expected a "
	    "decimal number such as -1,234.5 or 1.5e3, got \"12,5x\"");
	b = "{\"data\": {\"items\": [1]}}";
	testcollector_fails(ops, f, b, strlen(b), "data.items[0]: expected a row (an "
	    "object or an array), got a number");

	/* Empty rows: no observations, no error. */
	b = "{\"data\": {\"items\": []}}";
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 0);
	collector_result_clear(&res);

	/* A field in no row is a typo in values. */
	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\", \"clsoe\": 1,"
	    " \"volume\": 3}, {\"date\": \"2025-01-03\", \"clsoe\": 2}]}}";
	testcollector_fails(ops, f, b, strlen(b), "no row has the field \"close\" "
	    "(values: \"close=>acme/potash/close\"; 2 rows)");
	testcollector_feed_free(f);
}

static void
test_json_numbers(void **state)
{
	struct feed		*f = test_json_acme();
	struct collector_result	 res;
	const char		*b;

	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\", \"close\": "
	    "312.50, \"volume\": \"312.50\"}, {\"date\": \"2025-01-03\", "
	    "\"close\": -0.0, \"volume\": 1E+2}, {\"date\": \"2025-01-06\", "
	    "\"close\": 0.1, \"volume\": \" 7 \"}]}}";
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 6);
	testcollector_obs(&res, 0, "acme/potash/close", "2025-01-02", "312.50",
	    "USD/t");
	testcollector_obs(&res, 1, "acme/potash/volume", "2025-01-02", "312.50",
	    "t");
	testcollector_obs(&res, 2, "acme/potash/close", "2025-01-03", "0.0",
	    "USD/t");
	testcollector_obs(&res, 3, "acme/potash/volume", "2025-01-03", "1e2", "t");
	testcollector_obs(&res, 4, "acme/potash/close", "2025-01-06", "0.1",
	    "USD/t");
	testcollector_obs(&res, 5, "acme/potash/volume", "2025-01-06", "7", "t");
	collector_result_clear(&res);

	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\", \"close\": "
	    "1e400}]}}";
	testcollector_fails(ops, f, b, strlen(b), "data.items[0].close: number out of "
	    "range: expected a magnitude between 1e-300 and 1e300, got "
	    "\"1e400\"");
	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\", \"close\": "
	    "\"1e400\"}]}}";
	testcollector_fails(ops, f, b, strlen(b), "data.items[0].close: number out of "
	    "range: expected a magnitude between 1e-300 and 1e300, got "
	    "\"1e400\"");
	b = "{\"data\": {\"items\": [{\"date\": \"2025-01-02\", \"close\": "
	    "\"NaN\"}]}}";
	testcollector_fails(ops, f, b, strlen(b), "data.items[0].close: expected a "
	    "finite decimal number, got \"NaN\"");
	testcollector_feed_free(f);
}

static void
test_json_bom(void **state)
{
	struct feed		*f = test_json_acme();
	struct collector_result	 res;
	const char		*b;

	b = "\xef\xbb\xbf{\"data\": {\"items\": [{\"date\": \"2025-01-02\", "
	    "\"close\": 1.5}]}}";
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "acme/potash/close", "2025-01-02", "1.5",
	    "USD/t");
	collector_result_clear(&res);
	/* Offsets in messages count the BOM. */
	testcollector_fails(ops, f, "\xef\xbb\xbf<html>", 9, "not JSON: unexpected "
	    "\"<\" at byte 3 (an HTML error page?)");
	testcollector_feed_free(f);
}

/* {"x": [[[ ... ]]]} nested depth levels deep in all. */
static char *
test_json_deep(size_t depth, size_t *len)
{
	return (testcollector_deep("{\"x\":", depth, "}", len));
}

static void
test_json_nesting(void **state)
{
	struct feed	*f = test_json_feed();
	char		*b;
	size_t		 len;

	testcollector_set(f, "rows", "x", NULL);
	testcollector_set(f, "period_field", "[0]", NULL);
	testcollector_set(f, "values", "[1]=>deep/x", NULL);
	/* 1000 levels: cJSON's limit, accepted; the rows are arrays. */
	b = test_json_deep(1000, &len);
	testcollector_fails(ops, f, b, len, "x[0][0]: expected a period (a string or a "
	    "number), got an array");
	free(b);
	b = test_json_deep(1001, &len);
	testcollector_fails(ops, f, b, len, "not JSON we accept: nested deeper than "
	    "1000 levels at byte 1004");
	free(b);
	testcollector_feed_free(f);
}

static void
test_json_huge(void **state)
{
	struct feed		*f = test_json_acme();
	struct collector_result	 res;
	const size_t		 cap = 32u << 20;
	const char		*head = "{\"data\": {\"items\": [{\"date\": "
				    "\"2025-01-02\", \"close\": 42.5, "
				    "\"note\": \"";
	const char		*tail = "\"}]}}";
	char			*b;
	size_t			 n;

	/* 32 MiB in all: one row whose note is almost all of it. */
	b = xmalloc(cap + 1);
	n = strlen(head);
	memcpy(b, head, n);
	memset(b + n, 'x', cap - n - strlen(tail));
	memcpy(b + cap - strlen(tail), tail, strlen(tail));
	b[cap] = '\0';
	testcollector_ok(ops, f, b, cap, &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "acme/potash/close", "2025-01-02", "42.5",
	    "USD/t");
	collector_result_clear(&res);
	/* Cut short, it is truncated. */
	testcollector_fails(ops, f, b, cap - 5, "not JSON: the string at byte 66 never "
	    "ends (truncated?)");
	free(b);
	testcollector_feed_free(f);
}

static void
test_json_periods(void **state)
{
	struct feed		*f = test_json_feed();
	struct collector_result	 res;
	const char		*b;

	testcollector_set(f, "rows", "$", NULL);
	testcollector_set(f, "period_field", "meta.'time.local'", NULL);
	testcollector_set(f, "period_format", "%d/%m/%Y %H:%M", NULL);
	testcollector_set(f, "timezone", "+03:00", NULL);
	testcollector_set(f, "values", "[\"price.usd\"]=>acme/spot:USD/t", NULL);
	b = "{\"meta\": {\"time.local\": \"02/01/2025 14:30\"}, "
	    "\"price.usd\": \"300\"}";
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "acme/spot", "2025-01-02T14:30:00+03:00", "300",
	    "USD/t");
	collector_result_clear(&res);
	b = "{\"meta\": {\"time.local\": \"2025-01-02 14:30\"}, "
	    "\"price.usd\": \"300\"}";
	testcollector_fails(ops, f, b, strlen(b), "meta[\"time.local\"]: expected a "
	    "period in the format \"%d/%m/%Y %H:%M\", got \"2025-01-02 "
	    "14:30\"");
	b = "{\"meta\": null, \"price.usd\": \"300\"}";
	testcollector_fails(ops, f, b, strlen(b), "meta is null");
	testcollector_feed_free(f);
}

/* Parses body (one row, "t" and "v") and checks the period it gives. */
static void
test_json_period_is(struct feed *f, const char *t, const char *want)
{
	struct collector_result	 res;
	char			*b;

	b = xasprintf("[{\"t\": \"%s\", \"v\": \"1\"}]", t);
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "acme/spot", want, "1", "USD/t");
	collector_result_clear(&res);
	free(b);
}

/* A feed reading rows [{"t", "v"}] with period_format fmt (NULL: iso)
 * in zone tz. */
static struct feed *
test_json_zone_feed(const char *fmt, const char *tz)
{
	struct feed	*f = test_json_feed();

	testcollector_set(f, "rows", "$[*]", NULL);
	testcollector_set(f, "period_field", "t", NULL);
	if (fmt != NULL)
		testcollector_set(f, "period_format", fmt, NULL);
	testcollector_set(f, "timezone", tz, NULL);
	testcollector_set(f, "values", "v=>acme/spot:USD/t", NULL);
	return (f);
}

static void
test_json_named_zone(void **state)
{
	struct feed	*f;

	/* A format with % directives: New York's offset of that day. */
	f = test_json_zone_feed("%d/%m/%Y %H:%M", "America/New_York");
	test_json_period_is(f, "02/01/2025 14:30", "2025-01-02T14:30:00-05:00");
	test_json_period_is(f, "01/07/2025 14:30", "2025-07-01T14:30:00-04:00");
	/* Fall back: 01:30 happens twice, the first (daylight) one. */
	test_json_period_is(f, "02/11/2025 01:30", "2025-11-02T01:30:00-04:00");
	/* Spring forward: 02:30 does not happen; read with the offset
	 * before the change (the instant of 03:30-04:00). */
	test_json_period_is(f, "09/03/2025 02:30", "2025-03-09T02:30:00-05:00");
	/* Local mean time (-4:56:02) is no whole minutes: UTC. */
	test_json_period_is(f, "01/01/1850 12:00", "1850-01-01T16:56:02Z");
	testcollector_feed_free(f);

	/* A date alone is a calendar day, never shifted. */
	f = test_json_zone_feed("%d/%m/%Y", "America/New_York");
	test_json_period_is(f, "01/07/2025", "2025-07-01");
	testcollector_feed_free(f);

	/* ISO times without an offset, with a fraction; an offset given
	 * wins. */
	f = test_json_zone_feed(NULL, "America/New_York");
	test_json_period_is(f, "2025-07-01T09:30:00", "2025-07-01T09:30:00-04:00");
	test_json_period_is(f, "2025-01-15T09:30:00.25",
	    "2025-01-15T09:30:00.25-05:00");
	test_json_period_is(f, "2025-07-01T09:30:00Z", "2025-07-01T09:30:00Z");
	test_json_period_is(f, "2025-07-01T09:30:00+01:00",
	    "2025-07-01T09:30:00+01:00");
	test_json_period_is(f, "2025-07", "2025-07-01");
	testcollector_feed_free(f);

	/* A zone with no daylight saving. */
	f = test_json_zone_feed(NULL, "Europe/Minsk");
	test_json_period_is(f, "2025-12-15T10:00:00", "2025-12-15T10:00:00+03:00");
	test_json_period_is(f, "2025-06-15T10:00:00", "2025-06-15T10:00:00+03:00");
	testcollector_feed_free(f);
}

static void
test_json_request(void **state)
{
	struct feed			*f = test_json_acme();
	struct collector_request	 req;
	void				*data = NULL;
	char				 err[512];

	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), 0);
	assert_int_equal(ops->request(f, data, 0, &req, err, sizeof(err)), 0);
	assert_string_equal(req.url, "https://example.test/api/v1/prices");
	assert_string_equal(req.headers[0], "Accept: application/json");
	assert_null(req.headers[1]);
	collector_request_clear(&req);
	ops->free(data);

	/* The secret as a percent-encoded query parameter. */
	testcollector_set(f, "secret_query", "api_key", NULL);
	free(f->url);
	f->url = xstrdup("https://example.test/v2/data/?frequency=weekly#top");
	f->secret = xstrdup("k3y/with+&=");
	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), 0);
	assert_int_equal(ops->request(f, data, 0, &req, err, sizeof(err)), 0);
	assert_string_equal(req.url, "https://example.test/v2/data/?frequency="
	    "weekly&api_key=k3y%2Fwith%2B%26%3D#top");
	assert_null(req.headers[1]);
	collector_request_clear(&req);
	ops->free(data);

	/* Or in a header. */
	testcollector_feed_free(f);
	f = test_json_acme();
	testcollector_set(f, "secret_header", "Authorization: Bearer", NULL);
	f->secret = xstrdup("tok3n");
	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), 0);
	assert_int_equal(ops->request(f, data, 0, &req, err, sizeof(err)), 0);
	assert_string_equal(req.url, "https://example.test/api/v1/prices");
	assert_string_equal(req.headers[0], "Accept: application/json");
	assert_string_equal(req.headers[1], "Authorization: Bearer tok3n");
	collector_request_clear(&req);
	ops->free(data);
	testcollector_feed_free(f);
}

/* configure() on f must fail with msg. */
static void
test_json_config_fails(struct feed *f, const char *msg)
{
	void	*data = NULL;
	char	 err[512] = "";

	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), -1);
	assert_null(data);
	assert_string_equal(err, msg);
	testcollector_feed_free(f);
}

static void
test_json_configure(void **state)
{
	struct feed	*f;

	f = test_json_feed();
	testcollector_set(f, "period_field", "date", NULL);
	test_json_config_fails(f, "values: missing: map at least one field to "
	    "a series, e.g. \"close=>acme/potash/close:USD/t\"");

	f = test_json_feed();
	testcollector_set(f, "values", "close=>acme/close", NULL);
	test_json_config_fails(f, "period_field: missing: name the field "
	    "holding each row's period, e.g. \"date\", \"[0]\" or \"@key\"");

	f = test_json_feed();
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "close", NULL);
	test_json_config_fails(f, "values: expected \"field=>series_key"
	    "[:unit]\" such as \"close=>acme/potash/close:USD/t\", got "
	    "\"close\"");

	f = test_json_feed();
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "close=>close", NULL);
	test_json_config_fails(f, "values: \"close=>close\": expected a series "
	    "key such as \"acme/potash/close\" (printable ASCII, no spaces, a "
	    "\"/\" after the source name), got \"close\"");

	f = test_json_feed();
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "close=>a/b", "last=>a/b", NULL);
	test_json_config_fails(f, "values: series \"a/b\" is mapped twice "
	    "(from \"close\" and \"last\")");

	f = test_json_feed();
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "close=>a/b:", NULL);
	test_json_config_fails(f, "values: \"close=>a/b:\": expected a unit "
	    "such as \"USD/t\" after \":\"");

	f = test_json_feed();
	testcollector_set(f, "rows", "data..items", NULL);
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "close=>a/b", NULL);
	test_json_config_fails(f, "rows: expected a path such as "
	    "\"data.items\", \"$.data[*]\" or \"rates[*]\", got "
	    "\"data..items\" (empty name)");

	f = test_json_feed();
	testcollector_set(f, "rows", "data['items]", NULL);
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "close=>a/b", NULL);
	test_json_config_fails(f, "rows: expected a path such as "
	    "\"data.items\", \"$.data[*]\" or \"rates[*]\", got "
	    "\"data['items]\" (a quoted name never ends)");

	f = test_json_feed();
	testcollector_set(f, "period_field", "items[*].date", NULL);
	testcollector_set(f, "values", "close=>a/b", NULL);
	test_json_config_fails(f, "period_field: expected a path such as "
	    "\"data.items\", \"$.data[*]\" or \"rates[*]\", got "
	    "\"items[*].date\" ([*] is only for the rows path)");

	f = test_json_feed();
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "x[a]=>a/b", NULL);
	test_json_config_fails(f, "values: field \"x[a]\": expected a path "
	    "such as \"data.items\", \"$.data[*]\" or \"rates[*]\", got "
	    "\"x[a]\" (expected a number, * or a quoted name after \"[\")");

	f = test_json_feed();
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "close=>a/b", NULL);
	testcollector_set(f, "timezone", "Mars/Olympus_Mons", NULL);
	test_json_config_fails(f, "timezone: time zone \"Mars/Olympus_Mons\": "
	    "unknown zone (no /usr/share/zoneinfo/Mars/Olympus_Mons; expected "
	    "a name such as America/New_York from the tzdata package)");

	f = test_json_feed();
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "close=>a/b", NULL);
	testcollector_set(f, "decimal_comma", "yes", NULL);
	testcollector_set(f, "thousands_comma", "true", NULL);
	test_json_config_fails(f, "decimal_comma and thousands_comma: set at "
	    "most one");

	f = test_json_feed();
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "close=>a/b", NULL);
	testcollector_set(f, "decimal_comma", "maybe", NULL);
	test_json_config_fails(f, "decimal_comma: expected true or false, got "
	    "\"maybe\"");

	f = test_json_feed();
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "close=>a/b", NULL);
	f->secret = xstrdup("s3cret");
	test_json_config_fails(f, "the feed has a secret (secret_file or a "
	    "credential) but neither secret_query nor secret_header says "
	    "where to send it");

	f = test_json_feed();
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "close=>a/b", NULL);
	testcollector_set(f, "secret_query", "api_key", NULL);
	test_json_config_fails(f, "secret_query: set, but the feed has no "
	    "secret: set secret_file or provide the credential feed-test");

	f = test_json_feed();
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "close=>a/b", NULL);
	testcollector_set(f, "secret_header", "X API Key", NULL);
	f->secret = xstrdup("s3cret");
	test_json_config_fails(f, "secret_header: expected a header name such "
	    "as \"X-API-Key\", or a name and a prefix such as \"Authorization: "
	    "Bearer\", got \"X API Key\"");

	f = test_json_feed();
	testcollector_set(f, "period_field", "date", NULL);
	testcollector_set(f, "values", "close=>a/b", NULL);
	testcollector_set(f, "secret_header", "X-API-Key", NULL);
	f->secret = xstrdup("s3cret\r\nX-Evil: 1");
	test_json_config_fails(f, "secret_header: the secret holds a control "
	    "character, which a header cannot carry");
}

/* Asserts that the lists at a (of fa) and b (of fb) are the same tree. */
static void
test_json_same_tree(const struct feedjson *fa, const cJSON *a,
    const struct feedjson *fb, const cJSON *b)
{
	char	na[FEEDJSON_NUM_LEN], nb[FEEDJSON_NUM_LEN];

	for (; a != NULL && b != NULL; a = a->next, b = b->next) {
		assert_int_equal(a->type, b->type);
		if (a->string != NULL || b->string != NULL) {
			assert_non_null(a->string);
			assert_non_null(b->string);
			assert_string_equal(a->string, b->string);
		}
		if (cJSON_IsString(a))
			assert_string_equal(a->valuestring, b->valuestring);
		if (cJSON_IsNumber(a)) {
			assert_int_equal(feedjson_number(fa, a, na, sizeof(na)),
			    0);
			assert_int_equal(feedjson_number(fb, b, nb, sizeof(nb)),
			    0);
			assert_string_equal(na, nb);
			assert_memory_equal(&a->valuedouble, &b->valuedouble,
			    sizeof(double));
		} else
			assert_int_equal(a->valueint, b->valueint);
		/* The head's prev is the last child, as cJSON links them. */
		if (a->child != NULL) {
			assert_non_null(b->child);
			assert_int_equal(a->child->prev->next == NULL,
			    b->child->prev->next == NULL);
		}
		test_json_same_tree(fa, a->child, fb, b->child);
	}
	assert_null(a);
	assert_null(b);
}

/*
 * Strict JSON takes feedjson's fast reader; the same body after a control
 * character, which cJSON skips as white space and the fast reader leaves
 * to it, takes cJSON.  Both must give the same tree.
 */
static void
test_json_readers_agree(void **state)
{
	static const char *const	 files[][2] = {
		{ "json", "acme-potash-daily.json" },
		{ "json", "fx-timeseries-keyed.json" },
		{ "json", "prices-array-rows-ms.json" },
		{ "json", "comtrade-data-v1-get-C-A-HS-CHN-reporter.json" },
		{ "json", "yahoo-chart-WSU.DE-2023-08-04-to-2023-08-09.json" },
		{ "fedreg", "documents-belaruskali-page1.json" },
		{ "imf", "sdmx-json-2.0-PCPS-PPOTASH-PUREA-USD-INDEX.json" },
		{ "opensanctions", "delta-index.json" },
	};
	static const char		 extra[] = "[\"a\\n\\\"\\/b\", "
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x92\xa9\", -0, 0.1, "
	    "123456789012345, 1234567890123456, 1.5e3, -2E-2, 1e400, 1e-400, "
	    "true, false, null, {}, [], {\"k\": {\"k\": [1]}, \"k\": 2}]";
	struct feedjson			 fast, slow;
	char				*body, *shifted, err[512];
	size_t				 i, len;

	for (i = 0; i <= sizeof(files) / sizeof(files[0]); i++) {
		if (i < sizeof(files) / sizeof(files[0]))
			body = testcollector_fixture(files[i][0], files[i][1],
			    &len);
		else {
			len = strlen(extra);
			body = xstrndup(extra, len);
		}
		shifted = xmalloc(len + 2);
		shifted[0] = '\x01';
		memcpy(shifted + 1, body, len + 1);
		assert_int_equal(feedjson_parse(&fast, body, len, err,
		    sizeof(err)), 0);
		assert_int_equal(fast.cjson, 0);
		assert_int_equal(feedjson_parse(&slow, shifted, len + 1, err,
		    sizeof(err)), 0);
		assert_int_equal(slow.cjson, 1);
		test_json_same_tree(&fast, fast.root, &slow, slow.root);
		feedjson_free(&fast);
		feedjson_free(&slow);
		free(shifted);
		free(body);
	}
}

static void
test_json_registry(void **state)
{
	size_t	i, n;

	assert_non_null(ops);
	assert_string_equal(ops->name, "json");
	assert_null(ops->default_url);
	/* Every option is documented. */
	for (i = 0; i < ops->noptions; i++) {
		assert_string_equal(ops->options[i].section, "feed");
		assert_true(strlen(ops->options[i].doc) > 20);
	}
	(void)collector_all(&n);
	assert_true(n >= 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_registry),
		cmocka_unit_test(test_json_vendor),
		cmocka_unit_test(test_json_keyed),
		cmocka_unit_test(test_json_array_rows),
		cmocka_unit_test(test_json_real_fred),
		cmocka_unit_test(test_json_real_comtrade),
		cmocka_unit_test(test_json_real_yahoo),
		cmocka_unit_test(test_json_broken),
		cmocka_unit_test(test_json_types),
		cmocka_unit_test(test_json_numbers),
		cmocka_unit_test(test_json_bom),
		cmocka_unit_test(test_json_nesting),
		cmocka_unit_test(test_json_huge),
		cmocka_unit_test(test_json_periods),
		cmocka_unit_test(test_json_named_zone),
		cmocka_unit_test(test_json_request),
		cmocka_unit_test(test_json_configure),
		cmocka_unit_test(test_json_readers_agree),
	};

	ops = collector_find("json");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
