/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the fred kind: real FRED API bodies (FEDFUNDS with its
 * "." month, UMCSENT all ".", a one-row desc body) and fredgraph.csv
 * bodies written for the tests (both headers, CRLF, "." and empty
 * cells); every failure with its exact message (empty, truncated, HTML,
 * wrong types, numbers as numbers, 1e400, NaN, BOM, invalid UTF-8, NUL,
 * 1000-deep nesting, duplicate dates, a body at the 32 MiB cap);
 * request() for both forms, the key's place; configure().
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
#include "testcollector.h"
#include "util/xmalloc.h"

static const struct collector_ops	*ops;

#define TEST_FRED_FAILS(f, s, msg) \
	testcollector_fails(ops, (f), (s), strlen(s), (msg))

/* A JSON feed of series id replayed from a file (so no key is needed). */
static struct feed *
test_fred_feed(const char *id)
{
	struct feed	*f = testcollector_feed("fred", "file:///dev/null");

	testcollector_set(f, "series", id, NULL);
	return (f);
}

static struct feed *
test_fred_csv_feed(void)
{
	struct feed	*f = testcollector_feed("fred", "file:///dev/null");

	testcollector_set(f, "series", "PPOTASHUSDM", NULL);
	testcollector_set(f, "format", "csv", NULL);
	testcollector_set(f, "unit", "USD/t", NULL);
	return (f);
}

static void
test_fred_series(const struct collector_result *res, size_t i,
    const char *key, const char *unit, const char *freq, const char *dims)
{
	const struct series_info	*si;

	assert_true(i < res->batch->nseries);
	si = &res->batch->series[i];
	assert_string_equal(si->key, key);
	assert_null(si->name);
	if (unit == NULL)
		assert_null(si->unit);
	else
		assert_string_equal(si->unit, unit);
	assert_string_equal(si->frequency, freq);
	assert_string_equal(si->dimensions, dims);
}

static void
test_fred_registry(void **state)
{
	assert_non_null(ops);
	assert_string_equal(ops->name, "fred");
	assert_string_equal(ops->default_url,
	    "https://api.stlouisfed.org/fred/series/observations");
	assert_int_equal(ops->noptions, 4);
}

static void
test_fred_fedfunds(void **state)
{
	struct feed		*f = test_fred_feed("fedfunds");
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	testcollector_set(f, "unit", "%", NULL);
	body = testcollector_fixture("fred",
	    "observations-FEDFUNDS-trimmed.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	/* "count" says 829; the array holds 9, the last of them ".". */
	assert_int_equal(res.batch->nobs, 8);
	testcollector_obs(&res, 0, "fred/FEDFUNDS", "1954-07-01", "0.80", "%");
	testcollector_obs(&res, 2, "fred/FEDFUNDS", "1954-09-01", "1.07", "%");
	testcollector_obs(&res, 7, "fred/FEDFUNDS", "2023-06-01", "5.08", "%");
	assert_int_equal(res.batch->nseries, 1);
	test_fred_series(&res, 0, "fred/FEDFUNDS", "%", "M",
	    "{\"series_id\":\"FEDFUNDS\",\"units\":\"lin\"}");
	assert_int_equal(res.nevents, 0);
	assert_null(res.next_url);
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

static void
test_fred_all_missing(void **state)
{
	struct feed		*f = test_fred_feed("UMCSENT");
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("fred",
	    "observations-UMCSENT-missing-dot-trimmed.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	/* Three "." and nothing else: no observation, never a 0. */
	assert_int_equal(res.batch->nobs, 0);
	test_fred_series(&res, 0, "fred/UMCSENT", NULL, "M",
	    "{\"series_id\":\"UMCSENT\",\"units\":\"lin\"}");
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

static void
test_fred_desc(void **state)
{
	struct feed		*f = test_fred_feed("CES0500000003");
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	testcollector_set(f, "frequency", "M", NULL);
	testcollector_set(f, "unit", "USD/h", NULL);
	body = testcollector_fixture("fred",
	    "observations-CES0500000003-limit1-desc.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "fred/CES0500000003", "2017-06-01", "26.25",
	    "USD/h");
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

static void
test_fred_csv(void **state)
{
	struct feed		*f = test_fred_csv_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("fred",
	    "fredgraph-PPOTASHUSDM-observation_date.csv", &len);
	testcollector_ok(ops, f, body, len, &res);
	/* "." and an empty cell are both missing. */
	assert_int_equal(res.batch->nobs, 3);
	testcollector_obs(&res, 0, "fred/PPOTASHUSDM", "2025-01-01", "279.5",
	    "USD/t");
	testcollector_obs(&res, 1, "fred/PPOTASHUSDM", "2025-02-01", "283.25",
	    "USD/t");
	testcollector_obs(&res, 2, "fred/PPOTASHUSDM", "2025-04-01", "301.0",
	    "USD/t");
	test_fred_series(&res, 0, "fred/PPOTASHUSDM", "USD/t", "M",
	    "{\"series_id\":\"PPOTASHUSDM\",\"units\":\"lin\"}");
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);

	/* The older "DATE" header, CRLF, two series, columns by name. */
	f = testcollector_feed("fred", "file:///dev/null");
	testcollector_set(f, "series", "pureausdm", "PPOTASHUSDM", NULL);
	testcollector_set(f, "format", "csv", NULL);
	body = testcollector_fixture("fred",
	    "fredgraph-DATE-two-series-crlf.csv", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.batch->nobs, 4);
	testcollector_obs(&res, 0, "fred/PUREAUSDM", "2019-01-01", "260.12",
	    "");
	testcollector_obs(&res, 1, "fred/PPOTASHUSDM", "2019-01-01", "256.00",
	    "");
	testcollector_obs(&res, 2, "fred/PPOTASHUSDM", "2019-02-01", "255.91",
	    "");
	testcollector_obs(&res, 3, "fred/PUREAUSDM", "2019-03-01", "245.5",
	    "");
	assert_int_equal(res.batch->nseries, 2);
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

static void
test_fred_csv_errors(void **state)
{
	struct feed		*f = test_fred_csv_feed();
	struct collector_result	 res;
	const size_t		 cap = 32u << 20;
	char			*b;
	size_t			 len;

	TEST_FRED_FAILS(f, "", "empty body (expected fredgraph.csv)");
	TEST_FRED_FAILS(f, "\r\n\n", "empty body (expected fredgraph.csv)");
	TEST_FRED_FAILS(f, "<!DOCTYPE html><title>Error</title>",
	    "not fredgraph.csv: unexpected \"<\" at byte 0 (an HTML error "
	    "page?)");
	TEST_FRED_FAILS(f, " {\"observations\":[]}", "not fredgraph.csv: "
	    "unexpected \"{\" at byte 1 (JSON? format = \"json\" reads the "
	    "API)");
	TEST_FRED_FAILS(f, "period,value\n2025-01-01,1\n", "line 1: expected a "
	    "header starting with \"observation_date\" or \"DATE\", got "
	    "\"period\"");
	TEST_FRED_FAILS(f, "observation_date,PUREAUSDM\n2025-01-01,1\n",
	    "line 1: no column \"PPOTASHUSDM\" (the header is "
	    "\"observation_date,PUREAUSDM\")");
	TEST_FRED_FAILS(f, "observation_date,PPOTASHUSDM\n\n2025-01-01,1,2\n",
	    "line 3: expected 2 fields (as in the header), got 3");
	TEST_FRED_FAILS(f, "observation_date,PPOTASHUSDM\n2025-13-01,1\n",
	    "line 2: date: expected a month between 01 and 12, got "
	    "\"2025-13-01\"");
	TEST_FRED_FAILS(f, "observation_date,PPOTASHUSDM\n2025-01-01,n/a\n",
	    "line 2: PPOTASHUSDM: expected a decimal number such as -1234.5 "
	    "or 1.5e3, got \"n/a\"");
	TEST_FRED_FAILS(f, "observation_date,PPOTASHUSDM\n2025-01-01,NaN\n",
	    "line 2: PPOTASHUSDM: expected a finite decimal number, got "
	    "\"NaN\"");
	TEST_FRED_FAILS(f, "observation_date,PPOTASHUSDM\n2025-01-01,1e400\n",
	    "line 2: PPOTASHUSDM: number out of range: expected a magnitude "
	    "between 1e-300 and 1e300, got \"1e400\"");
	TEST_FRED_FAILS(f, "observation_date,PPOTASHUSDM\n2025-01-01,1\n"
	    "2025-01-01,2\n", "line 3: a second value of \"fred/PPOTASHUSDM\" "
	    "for 2025-01-01 (the first is on line 2)");
	/* Truncated within a row: the cut row is an error. */
	TEST_FRED_FAILS(f, "observation_date,PPOTASHUSDM\n2025-01-01,1\n2025-0",
	    "line 3: expected 2 fields (as in the header), got 1");
	TEST_FRED_FAILS(f, "observation_date,PPOTASHUSDM\n2025-01-01,1\n"
	    "2025-0,", "line 3: date: expected a date such as 2025-12-01, "
	    "2025-12, 2024-M01 or 2025-12-15T21:00:00Z, got \"2025-0\"");
	TEST_FRED_FAILS(f, "observation_date,PPOTASHUSDM\n2025-01-01,2\xc3(\n",
	    "not CSV: invalid UTF-8 at byte 41");
	testcollector_fails(ops, f, "observation_date,PPOTASHUSDM\n\0", 30,
	    "not CSV: NUL byte at byte 29");
	/* A BOM is skipped; quoted fields are unquoted. */
	b = xstrdup("\xef\xbb\xbf\"observation_date\",\"PPOTASHUSDM\"\n"
	    "\"2025-01-01\",\"279.50\"\n");
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "fred/PPOTASHUSDM", "2025-01-01", "279.50",
	    "USD/t");
	collector_result_clear(&res);
	free(b);
	/* 32 MiB: a header, one row and blank lines. */
	b = xmalloc(cap + 1);
	len = (size_t)sprintf(b, "observation_date,PPOTASHUSDM\n"
	    "2025-01-01,279.5\n");
	memset(b + len, '\n', cap - len);
	b[cap] = '\0';
	testcollector_ok(ops, f, b, cap, &res);
	assert_int_equal(res.batch->nobs, 1);
	collector_result_clear(&res);
	free(b);
	testcollector_feed_free(f);
}

static void
test_fred_types(void **state)
{
	struct feed		*f = test_fred_feed("PPOTASHUSDM");
	struct collector_result	 res;
	const char		*b;

#define OBS(d, v)	"{\"observations\":[{\"date\":" d ",\"value\":" v "}]}"
	TEST_FRED_FAILS(f, OBS("\"2025-01-01\"", "true"),
	    "observations[0].value: expected a decimal string or \".\", got "
	    "true");
	TEST_FRED_FAILS(f, OBS("\"2025-01-01\"", "null"),
	    "observations[0].value: expected a decimal string or \".\", got "
	    "null");
	TEST_FRED_FAILS(f, OBS("\"2025-01-01\"", "{}"),
	    "observations[0].value: expected a decimal string or \".\", got "
	    "an object");
	TEST_FRED_FAILS(f, OBS("\"2025-01-01\"", "\"NaN\""),
	    "observations[0].value: expected a finite decimal number, got "
	    "\"NaN\"");
	TEST_FRED_FAILS(f, OBS("\"2025-01-01\"", "\"1e400\""),
	    "observations[0].value: number out of range: expected a magnitude "
	    "between 1e-300 and 1e300, got \"1e400\"");
	TEST_FRED_FAILS(f, OBS("\"2025-01-01\"", "1e400"),
	    "observations[0].value: number out of range: expected a magnitude "
	    "between 1e-300 and 1e300, got \"1e400\"");
	TEST_FRED_FAILS(f, OBS("\"2025-01-01\"", "\"\""),
	    "observations[0].value: expected a decimal number such as -1234.5 "
	    "or 1.5e3, got \"\"");
	TEST_FRED_FAILS(f, OBS("20250101", "\"1\""),
	    "observations[0].date: expected a date string such as "
	    "\"2025-12-01\", got a number");
	TEST_FRED_FAILS(f, "{\"observations\":[{\"date\":\"2025-01-01\"}]}",
	    "observations[0]: no \"value\"");
	TEST_FRED_FAILS(f, "{\"observations\":[{\"value\":\".\"}]}",
	    "observations[0]: no \"date\"");
	TEST_FRED_FAILS(f, "{\"observations\":[[]]}",
	    "observations[0]: expected an object, got an array");
	TEST_FRED_FAILS(f, "{\"observations\":{}}",
	    "\"observations\": expected an array, got an object");
	TEST_FRED_FAILS(f, "{\"count\":0}",
	    "response has no \"observations\" array");
	TEST_FRED_FAILS(f, "[]", "expected a JSON object at the top, got an "
	    "array");
	TEST_FRED_FAILS(f, "{\"output_type\":2,\"observations\":[]}",
	    "\"output_type\": only 1 (one row per observation and real-time "
	    "period) is read, got another number");
	TEST_FRED_FAILS(f, "{\"units\":\"Percent\",\"observations\":[]}",
	    "\"units\": expected a FRED units code such as \"lin\" or \"pch\", "
	    "got \"Percent\"");
	TEST_FRED_FAILS(f, "{\"error_code\":400,\"error_message\":\"Bad "
	    "Request.  The series does not exist.\"}", "FRED error 400: Bad "
	    "Request.  The series does not exist.");
	TEST_FRED_FAILS(f, "{\"observations\":[{\"realtime_start\":"
	    "\"2019-02-01\",\"date\":\"2019-01-01\",\"value\":\"256.00\"},"
	    "{\"realtime_start\":\"2019-03-01\",\"date\":\"2019-01-01\","
	    "\"value\":\"256.10\"}]}", "observations[1]: a second value of "
	    "\"fred/PPOTASHUSDM\" for 2019-01-01 (the first is in "
	    "observations[0]; a real-time range gives one row per vintage, "
	    "and potashd keeps one value per period)");
	/* A number keeps its exact text; units other than lin: own key. */
	b = "{\"units\":\"pch\",\"observations\":[{\"date\":\"2025-01-01\","
	    "\"value\":1.50},{\"date\":\"2025-02-01\",\"value\":\"-0.25\"}]}";
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 2);
	testcollector_obs(&res, 0, "fred/PPOTASHUSDM/pch", "2025-01-01", "1.50",
	    "");
	testcollector_obs(&res, 1, "fred/PPOTASHUSDM/pch", "2025-02-01",
	    "-0.25", "");
	test_fred_series(&res, 0, "fred/PPOTASHUSDM/pch", NULL, "M",
	    "{\"series_id\":\"PPOTASHUSDM\",\"units\":\"pch\"}");
	collector_result_clear(&res);
#undef OBS
	testcollector_feed_free(f);
}

/* {"observations":[],"x":[[[ ... ]]]} nested depth levels in all. */
static char *
test_fred_deep(size_t depth, size_t *len)
{
	return (testcollector_deep("{\"observations\":[],\"x\":", depth, "}", len));
}

static void
test_fred_bodies(void **state)
{
	struct feed		*f = test_fred_feed("FEDFUNDS");
	struct collector_result	 res;
	const size_t		 cap = 32u << 20;
	char			*b, *body;
	size_t			 len;

	TEST_FRED_FAILS(f, "", "empty body (expected JSON)");
	TEST_FRED_FAILS(f, "<?xml version=\"1.0\"?><error code=\"400\"/>",
	    "not JSON: unexpected \"<\" at byte 0 (an HTML error page?)");
	body = testcollector_fixture("fred",
	    "observations-FEDFUNDS-trimmed.json", &len);
	testcollector_fails(ops, f, body, 410, "not JSON: the string at byte "
	    "401 never ends (truncated?)");
	testcollector_fails(ops, f, body, len - 2, "not JSON: unexpected end "
	    "at byte 1126 (truncated?)");
	/* A BOM is skipped. */
	b = xasprintf("\xef\xbb\xbf%s", body);
	testcollector_ok(ops, f, b, len + 3, &res);
	assert_int_equal(res.batch->nobs, 8);
	collector_result_clear(&res);
	free(b);
	free(body);
	TEST_FRED_FAILS(f, "{\"observations\":[],\"n\":\"\xe2\x82\"}",
	    "not JSON: invalid UTF-8 at byte 24 (JSON must be UTF-8)");
	testcollector_fails(ops, f, "{\"observations\":[]}\0", 20,
	    "not JSON: NUL byte at byte 19");
	b = test_fred_deep(1000, &len);
	testcollector_ok(ops, f, b, len, &res);
	assert_int_equal(res.batch->nobs, 0);
	collector_result_clear(&res);
	free(b);
	b = test_fred_deep(1001, &len);
	testcollector_fails(ops, f, b, len, "not JSON we accept: nested "
	    "deeper than 1000 levels at byte 1022");
	free(b);
	/* 32 MiB in all: one observation and a note that is most of it. */
	b = xmalloc(cap + 1);
	len = (size_t)sprintf(b, "{\"observations\":[{\"date\":\"2025-01-01\","
	    "\"value\":\"279.5\"}],\"note\":\"");
	memset(b + len, 'x', cap - len - 2);
	memcpy(b + cap - 2, "\"}", 2);
	b[cap] = '\0';
	testcollector_ok(ops, f, b, cap, &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "fred/FEDFUNDS", "2025-01-01", "279.5", "");
	collector_result_clear(&res);
	free(b);
	testcollector_feed_free(f);
}

/* Configures f, builds its request and checks the URL and header. */
static void
test_fred_request_one(struct feed *f, const char *url, const char *header)
{
	struct collector_request	 req;
	void				*data = NULL;
	char				 err[512] = "";

	if (ops->configure(f, &data, err, sizeof(err)) != 0)
		fail_msg("configure: %s", err);
	memset(&req, 0, sizeof(req));
	if (ops->request(f, data, 0, &req, err, sizeof(err)) != 0)
		fail_msg("request: %s", err);
	assert_string_equal(req.url, url);
	if (header == NULL)
		assert_null(req.headers[0]);
	else {
		assert_string_equal(req.headers[0], header);
		assert_null(req.headers[1]);
	}
	collector_request_clear(&req);
	ops->free(data);
	testcollector_feed_free(f);
}

static void
test_fred_request(void **state)
{
	struct feed	*f;

	f = testcollector_feed("fred",
	    "https://api.stlouisfed.org/fred/series/observations");
	testcollector_set(f, "series", "ppotashusdm", NULL);
	f->secret = xstrdup("abc123&x=y");
	test_fred_request_one(f, "https://api.stlouisfed.org/fred/series/"
	    "observations?series_id=PPOTASHUSDM&api_key=abc123%26x%3Dy"
	    "&file_type=json", "Accept: application/json");

	/* Extra parameters in the url are kept. */
	f = testcollector_feed("fred", "https://api.stlouisfed.org/fred/"
	    "series/observations?observation_start=2019-01-01");
	testcollector_set(f, "series", "PPOTASHUSDM", NULL);
	f->secret = xstrdup("k");
	test_fred_request_one(f, "https://api.stlouisfed.org/fred/series/"
	    "observations?observation_start=2019-01-01&series_id=PPOTASHUSDM"
	    "&api_key=k&file_type=json", "Accept: application/json");

	/* csv: the default url becomes fredgraph.csv; no key is sent. */
	f = testcollector_feed("fred",
	    "https://api.stlouisfed.org/fred/series/observations");
	testcollector_set(f, "series", "PPOTASHUSDM", "PUREAUSDM", NULL);
	testcollector_set(f, "format", "csv", NULL);
	f->secret = xstrdup("k");
	test_fred_request_one(f, "https://fred.stlouisfed.org/graph/"
	    "fredgraph.csv?id=PPOTASHUSDM,PUREAUSDM", "Accept: text/csv");

	f = testcollector_feed("fred", "https://mirror.example/fredgraph.csv?");
	testcollector_set(f, "series", "PPOTASHUSDM", NULL);
	testcollector_set(f, "format", "csv", NULL);
	test_fred_request_one(f, "https://mirror.example/fredgraph.csv?"
	    "id=PPOTASHUSDM", "Accept: text/csv");

	/* A replay is read as it is. */
	f = test_fred_feed("PPOTASHUSDM");
	test_fred_request_one(f, "file:///dev/null", NULL);
}

static void
test_fred_configure_fails(struct feed *f, const char *msg)
{
	void	*data = NULL;
	char	 err[512] = "";

	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), -1);
	assert_null(data);
	assert_string_equal(err, msg);
	testcollector_feed_free(f);
}

static void
test_fred_configure(void **state)
{
	struct feed	*f;

	f = testcollector_feed("fred", "file:///dev/null");
	test_fred_configure_fails(f, "series: missing: name at least one FRED "
	    "series id, e.g. \"PPOTASHUSDM\"");
	f = test_fred_feed("PPOTASH USDM");
	test_fred_configure_fails(f, "series: expected a FRED series id "
	    "(letters, digits and \"_\", e.g. \"PPOTASHUSDM\"), got "
	    "\"PPOTASH USDM\"");
	f = testcollector_feed("fred", "file:///dev/null");
	testcollector_set(f, "series", "PPOTASHUSDM", "ppotashusdm", NULL);
	testcollector_set(f, "format", "csv", NULL);
	test_fred_configure_fails(f, "series: \"PPOTASHUSDM\" is named twice");
	f = testcollector_feed("fred", "file:///dev/null");
	testcollector_set(f, "series", "PPOTASHUSDM", "PUREAUSDM", NULL);
	test_fred_configure_fails(f, "series: the JSON API reads one series "
	    "per request, got 2: use one feed per series, or format = \"csv\" "
	    "(fredgraph.csv reads several)");
	f = test_fred_feed("PPOTASHUSDM");
	testcollector_set(f, "format", "xml", NULL);
	test_fred_configure_fails(f, "format: expected json or csv, got "
	    "\"xml\"");
	f = test_fred_feed("PPOTASHUSDM");
	testcollector_set(f, "frequency", "monthly", NULL);
	test_fred_configure_fails(f, "frequency: expected one of D|W|M|Q|A, "
	    "got \"monthly\"");
	f = testcollector_feed("fred",
	    "https://api.stlouisfed.org/fred/series/observations");
	testcollector_set(f, "series", "PPOTASHUSDM", NULL);
	test_fred_configure_fails(f, "secret_file: missing: FRED's JSON API "
	    "needs an API key (free, from fredaccount.stlouisfed.org); or use "
	    "format = \"csv\", which needs none");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fred_registry),
		cmocka_unit_test(test_fred_fedfunds),
		cmocka_unit_test(test_fred_all_missing),
		cmocka_unit_test(test_fred_desc),
		cmocka_unit_test(test_fred_csv),
		cmocka_unit_test(test_fred_csv_errors),
		cmocka_unit_test(test_fred_types),
		cmocka_unit_test(test_fred_bodies),
		cmocka_unit_test(test_fred_request),
		cmocka_unit_test(test_fred_configure),
	};

	ops = collector_find("fred");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
