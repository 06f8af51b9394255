/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the yahoo kind: real chart v8 bodies (AAPL on NASDAQ,
 * WSU.DE on XETRA) and bodies written for the tests (Yahoo's 404 body;
 * NTR with a null day and a repeated day); float-widened numbers written
 * as the float's shortest decimal, trading days in exchange time, the
 * session in progress skipped; every failure with its exact message
 * (empty, truncated, HTML, wrong types, strings for numbers, 1e400, NaN,
 * BOM, invalid UTF-8, NUL, 1000-deep nesting, a body at the 32 MiB cap);
 * request(); configure().
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

#define TEST_YH_FAILS(f, s, msg) \
	testcollector_fails(ops, (f), (s), strlen(s), (msg))
#define TEST_YH_R	"chart.result[0]"

static struct feed *
test_yh_feed(const char *symbol)
{
	struct feed	*f = testcollector_feed("yahoo",
	    "https://query2.finance.yahoo.com/v8/finance/chart");

	testcollector_set(f, "symbol", symbol, NULL);
	return (f);
}

/* A chart body of symbol NTR with the given timestamp and close texts. */
static char *
test_yh_body(const char *ts, const char *close)
{
	return (xasprintf("{\"chart\":{\"result\":[{\"meta\":{\"currency\":"
	    "\"USD\",\"symbol\":\"NTR\",\"gmtoffset\":-18000},\"timestamp\":"
	    "[%s],\"indicators\":{\"quote\":[{\"close\":[%s]}]}}],"
	    "\"error\":null}}", ts, close));
}

static void
test_yh_series(const struct collector_result *res, size_t i, const char *key,
    const char *name, const char *unit, const char *freq, const char *dims)
{
	const struct series_info	*si;

	assert_true(i < res->batch->nseries);
	si = &res->batch->series[i];
	assert_string_equal(si->key, key);
	assert_string_equal(si->name, name);
	assert_string_equal(si->unit, unit);
	if (freq == NULL)
		assert_null(si->frequency);
	else
		assert_string_equal(si->frequency, freq);
	assert_string_equal(si->dimensions, dims);
}

static void
test_yh_registry(void **state)
{
	assert_non_null(ops);
	assert_string_equal(ops->name, "yahoo");
	assert_string_equal(ops->default_url,
	    "https://query2.finance.yahoo.com/v8/finance/chart");
	assert_int_equal(ops->noptions, 3);
}

static void
test_yh_aapl(void **state)
{
	struct feed		*f = test_yh_feed("aapl");
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("yahoo",
	    "chart-AAPL-2020-01-01-to-2020-01-03.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	/* 75.0875015258789 is the float nearest 75.0875. */
	assert_int_equal(res.batch->nobs, 2);
	testcollector_obs(&res, 0, "yahoo/AAPL/close", "2020-01-02", "75.0875",
	    "USD");
	testcollector_obs(&res, 1, "yahoo/AAPL/adjclose", "2020-01-02",
	    "72.71607", "USD");
	assert_int_equal(res.batch->nseries, 2);
	test_yh_series(&res, 0, "yahoo/AAPL/close", "Apple Inc. (AAPL): close",
	    "USD", "D", "{\"symbol\":\"AAPL\",\"measure\":\"close\","
	    "\"currency\":\"USD\",\"exchange\":\"NMS\",\"timezone\":"
	    "\"America/New_York\",\"entity\":\"Apple Inc.\"}");
	test_yh_series(&res, 1, "yahoo/AAPL/adjclose",
	    "Apple Inc. (AAPL): adjusted close", "USD", "D",
	    "{\"symbol\":\"AAPL\",\"measure\":\"adjclose\",\"currency\":"
	    "\"USD\",\"exchange\":\"NMS\",\"timezone\":\"America/New_York\","
	    "\"entity\":\"Apple Inc.\"}");
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

static void
test_yh_xetra(void **state)
{
	struct feed		*f = test_yh_feed("WSU.DE");
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("yahoo",
	    "chart-WSU.DE-2023-08-04-to-2023-08-09.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	/* 07:00Z is 09:00 in Berlin: the day is the exchange's. */
	assert_int_equal(res.batch->nobs, 6);
	testcollector_obs(&res, 0, "yahoo/WSU.DE/close", "2023-08-04", "34.45",
	    "EUR");
	testcollector_obs(&res, 1, "yahoo/WSU.DE/close", "2023-08-07", "34",
	    "EUR");
	testcollector_obs(&res, 2, "yahoo/WSU.DE/close", "2023-08-08", "33.2",
	    "EUR");
	testcollector_obs(&res, 3, "yahoo/WSU.DE/adjclose", "2023-08-04",
	    "32.632496", "EUR");
	testcollector_obs(&res, 4, "yahoo/WSU.DE/adjclose", "2023-08-07",
	    "32.206234", "EUR");
	testcollector_obs(&res, 5, "yahoo/WSU.DE/adjclose", "2023-08-08",
	    "31.448442", "EUR");
	test_yh_series(&res, 0, "yahoo/WSU.DE/close", "WashTec AG (WSU.DE): "
	    "close", "EUR", "D", "{\"symbol\":\"WSU.DE\",\"measure\":\"close\","
	    "\"currency\":\"EUR\",\"exchange\":\"GER\",\"timezone\":"
	    "\"Europe/Berlin\",\"entity\":\"WashTec AG\"}");
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

static void
test_yh_gaps(void **state)
{
	struct feed		*f = test_yh_feed("NTR");
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("yahoo",
	    "chart-NTR-null-and-repeated-day.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	/* 12-03 is null: skipped; 12-04 comes twice: the later wins. */
	assert_int_equal(res.batch->nobs, 6);
	testcollector_obs(&res, 0, "yahoo/NTR/close", "2025-12-01", "58.29",
	    "USD");
	testcollector_obs(&res, 1, "yahoo/NTR/close", "2025-12-02", "58.81",
	    "USD");
	testcollector_obs(&res, 2, "yahoo/NTR/close", "2025-12-04", "59.52",
	    "USD");
	testcollector_obs(&res, 3, "yahoo/NTR/adjclose", "2025-12-01", "57.75",
	    "USD");
	testcollector_obs(&res, 5, "yahoo/NTR/adjclose", "2025-12-04", "58.97",
	    "USD");
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

/* Parses body at now (unix usec), which must succeed. */
static void
test_yh_parse_at(struct feed *f, const char *body, int64_t now,
    struct collector_result *res)
{
	void	*data = NULL;
	char	 err[512] = "";

	if (ops->configure(f, &data, err, sizeof(err)) != 0)
		fail_msg("configure: %s", err);
	memset(res, 0, sizeof(*res));
	res->batch = batch_new(f->name);
	if (ops->parse(f, data, body, strlen(body), now, res, err,
	    sizeof(err)) != 0)
		fail_msg("parse: %s", err);
	ops->free(data);
}

static void
test_yh_session(void **state)
{
	struct feed		*f = test_yh_feed("NTR");
	struct collector_result	 res;
	char			*b;

	/* Sessions of 2025-12-04 (14:30Z to 21:00Z) and the day before. */
	b = xasprintf("{\"chart\":{\"result\":[{\"meta\":{\"currency\":\"USD\","
	    "\"symbol\":\"NTR\",\"gmtoffset\":-18000,\"currentTradingPeriod\":"
	    "{\"regular\":{\"start\":1764858600,\"end\":1764882000}}},"
	    "\"timestamp\":[1764772200,1764858600],\"indicators\":{\"quote\":"
	    "[{\"close\":[58.5,59.25]}]}}],\"error\":null}}");
	/* At 18:00Z the day's bar is the last trade, not a close. */
	test_yh_parse_at(f, b, INT64_C(1764871200) * 1000000, &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "yahoo/NTR/close", "2025-12-03", "58.5",
	    "USD");
	collector_result_clear(&res);
	/* After the close it is stored. */
	test_yh_parse_at(f, b, INT64_C(1764882000) * 1000000, &res);
	assert_int_equal(res.batch->nobs, 2);
	testcollector_obs(&res, 1, "yahoo/NTR/close", "2025-12-04", "59.25",
	    "USD");
	collector_result_clear(&res);
	free(b);
	testcollector_feed_free(f);

	/* Intraday bars are instants; adjclose absent: close only. */
	f = test_yh_feed("NTR");
	testcollector_set(f, "granularity", "5m", NULL);
	testcollector_set(f, "range", "1d", NULL);
	b = test_yh_body("1764858600,1764858900", "59.0,null");
	test_yh_parse_at(f, b, INT64_C(1764871200) * 1000000, &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "yahoo/NTR/close", "2025-12-04T14:30:00Z",
	    "59", "USD");
	assert_int_equal(res.batch->nseries, 1);
	test_yh_series(&res, 0, "yahoo/NTR/close", "NTR: close", "USD", NULL,
	    "{\"symbol\":\"NTR\",\"measure\":\"close\",\"currency\":\"USD\"}");
	collector_result_clear(&res);
	free(b);
	testcollector_feed_free(f);
}

static void
test_yh_errors(void **state)
{
	struct feed		*f = test_yh_feed("NTR");
	struct collector_result	 res;
	char			*body, *b;
	size_t			 len;

	body = testcollector_fixture("yahoo", "error-404-no-data.json", &len);
	testcollector_fails(ops, f, body, len, "Yahoo error: Not Found: No "
	    "data found, symbol may be delisted");
	free(body);
	TEST_YH_FAILS(f, "{\"finance\":{\"result\":null,\"error\":{\"code\":"
	    "\"Unauthorized\",\"description\":\"Invalid Crumb\"}}}",
	    "Yahoo error: Unauthorized: Invalid Crumb");
	TEST_YH_FAILS(f, "{\"chart\":{\"result\":null,\"error\":null}}",
	    "chart.result: expected an array with one result, got null");
	TEST_YH_FAILS(f, "{\"chart\":{\"result\":[],\"error\":null}}",
	    "chart.result: expected an array with one result, got an empty "
	    "array");
	TEST_YH_FAILS(f, "{\"spark\":{}}", "response has no \"chart\" object");
	TEST_YH_FAILS(f, "[]", "expected a JSON object at the top, got an "
	    "array");
	TEST_YH_FAILS(f, "{\"chart\":{\"result\":[{}]}}", TEST_YH_R ": no "
	    "\"meta\" object");
	TEST_YH_FAILS(f, "{\"chart\":{\"result\":[{\"meta\":{\"symbol\":"
	    "\"MOS\"}}]}}", TEST_YH_R ".meta.symbol: expected \"NTR\" (the "
	    "feed's symbol), got \"MOS\"");
	/* No timestamps: a range with no trading, an empty run. */
	b = xstrdup("{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"NTR\"},"
	    "\"indicators\":{\"quote\":[{}]}}],\"error\":null}}");
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 0);
	collector_result_clear(&res);
	free(b);
	testcollector_feed_free(f);
}

static void
test_yh_types(void **state)
{
	struct feed		*f = test_yh_feed("NTR");
	struct collector_result	 res;
	char			*b;

#define TEST_YH_BODY_FAILS(ts, close, msg) do {				\
	b = test_yh_body((ts), (close));				\
	TEST_YH_FAILS(f, b, (msg));					\
	free(b);							\
} while (0)
	TEST_YH_BODY_FAILS("1764858600", "true", TEST_YH_R ".indicators.quote"
	    "[0].close[0]: expected a number or null, got true");
	TEST_YH_BODY_FAILS("1764858600", "1e400", TEST_YH_R ".indicators."
	    "quote[0].close[0]: number out of range: expected a magnitude "
	    "between 1e-300 and 1e300, got \"1e400\"");
	TEST_YH_BODY_FAILS("1764858600", "\"NaN\"", TEST_YH_R ".indicators."
	    "quote[0].close[0]: expected a finite decimal number, got "
	    "\"NaN\"");
	TEST_YH_BODY_FAILS("1764858600,1764945000", "1", TEST_YH_R
	    ".indicators.quote[0].close: 1 values for 2 timestamps");
	TEST_YH_BODY_FAILS("\"1764858600\"", "1", TEST_YH_R ".timestamp[0]: "
	    "expected Unix seconds, got a string");
	TEST_YH_BODY_FAILS("1764858600.5", "1", TEST_YH_R ".timestamp[0]: "
	    "expected Unix seconds, got \"1764858600.5\"");
	TEST_YH_FAILS(f, "not json at all", "not JSON: unexpected \"n\" at "
	    "byte 0");
	TEST_YH_FAILS(f, "{\"chart\":{\"result\":[{\"meta\":{},\"timestamp\":"
	    "[1],\"indicators\":{\"quote\":[{\"open\":[1]}]}}]}}",
	    TEST_YH_R ".indicators.quote[0]: no \"close\" array");
	/* A decimal string is taken as written; numbers shortest. */
	b = test_yh_body("1764772200,1764858600,1764945000",
	    "\"58.50\",0.1,-0.0");
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 3);
	testcollector_obs(&res, 0, "yahoo/NTR/close", "2025-12-03", "58.50",
	    "USD");
	testcollector_obs(&res, 1, "yahoo/NTR/close", "2025-12-04", "0.1",
	    "USD");
	testcollector_obs(&res, 2, "yahoo/NTR/close", "2025-12-05", "0",
	    "USD");
	collector_result_clear(&res);
	free(b);
	/* Doubles that are no float keep every digit they need. */
	b = test_yh_body("1764772200,1764858600", "244.87,1234567.890625");
	testcollector_ok(ops, f, b, strlen(b), &res);
	testcollector_obs(&res, 0, "yahoo/NTR/close", "2025-12-03", "244.87",
	    "USD");
	testcollector_obs(&res, 1, "yahoo/NTR/close", "2025-12-04",
	    "1234567.890625", "USD");
	collector_result_clear(&res);
	free(b);
	b = test_yh_body("1764772200,1764858600", "1e-7,3.0000001e9");
	testcollector_ok(ops, f, b, strlen(b), &res);
	testcollector_obs(&res, 0, "yahoo/NTR/close", "2025-12-03",
	    "0.0000001", "USD");
	testcollector_obs(&res, 1, "yahoo/NTR/close", "2025-12-04",
	    "3000000100", "USD");
	collector_result_clear(&res);
	free(b);
#undef TEST_YH_BODY_FAILS
	testcollector_feed_free(f);
}

/* {"x":[[[ ... ]]],"chart":{"result":null}}, depth levels in all. */
#define TEST_YH_TAIL	",\"chart\":{\"result\":null}}"
static char *
test_yh_deep(size_t depth, size_t *len)
{
	return (testcollector_deep("{\"x\":", depth, TEST_YH_TAIL, len));
}

static void
test_yh_bodies(void **state)
{
	struct feed		*f = test_yh_feed("AAPL");
	struct collector_result	 res;
	const size_t		 cap = 32u << 20;
	char			*b, *body;
	size_t			 len;

	TEST_YH_FAILS(f, "", "empty body (expected JSON)");
	TEST_YH_FAILS(f, "\n<!doctype html><html><body>Will be right back",
	    "not JSON: unexpected \"<\" at byte 1 (an HTML error page?)");
	body = testcollector_fixture("yahoo",
	    "chart-AAPL-2020-01-01-to-2020-01-03.json", &len);
	testcollector_fails(ops, f, body, 60, "not JSON: the string at byte "
	    "52 never ends (truncated?)");
	testcollector_fails(ops, f, body, len - 1, "not JSON: unexpected end "
	    "at byte 1875 (truncated?)");
	b = xasprintf("\xef\xbb\xbf%s", body);
	testcollector_ok(ops, f, b, len + 3, &res);
	assert_int_equal(res.batch->nobs, 2);
	collector_result_clear(&res);
	free(b);
	free(body);
	TEST_YH_FAILS(f, "{\"chart\":{\"result\":null,\"x\":\"\xc0\xaf\"}}",
	    "not JSON: invalid UTF-8 at byte 29 (JSON must be UTF-8)");
	testcollector_fails(ops, f, "{\"chart\":\0}", 11,
	    "not JSON: NUL byte at byte 9");
	/* 1000 levels pass the reader (then no result); 1001 do not. */
	b = test_yh_deep(1000, &len);
	testcollector_fails(ops, f, b, len, "chart.result: expected an array "
	    "with one result, got null");
	free(b);
	b = test_yh_deep(1001, &len);
	testcollector_fails(ops, f, b, len, "not JSON we accept: nested "
	    "deeper than 1000 levels at byte 1004");
	free(b);
	/* 32 MiB in all: one bar and a long note. */
	b = xmalloc(cap + 1);
	len = (size_t)sprintf(b, "{\"chart\":{\"result\":[{\"meta\":{"
	    "\"symbol\":\"AAPL\",\"currency\":\"USD\"},\"timestamp\":"
	    "[1577975400],\"indicators\":{\"quote\":[{\"close\":[75.5]}]}}]},"
	    "\"note\":\"");
	memset(b + len, 'x', cap - len - 2);
	memcpy(b + cap - 2, "\"}", 2);
	b[cap] = '\0';
	testcollector_ok(ops, f, b, cap, &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "yahoo/AAPL/close", "2020-01-02", "75.5",
	    "USD");
	collector_result_clear(&res);
	free(b);
	testcollector_feed_free(f);
}

static void
test_yh_request_one(struct feed *f, const char *url, const char *header)
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
test_yh_request(void **state)
{
	struct feed	*f;

	f = test_yh_feed("sdf.de");
	test_yh_request_one(f, "https://query2.finance.yahoo.com/v8/finance/"
	    "chart/SDF.DE?interval=1d&range=1mo", "Accept: application/json");
	f = testcollector_feed("yahoo", "https://query1.finance.yahoo.com/v8/"
	    "finance/chart/");
	testcollector_set(f, "symbol", "EURUSD=X", NULL);
	testcollector_set(f, "range", "max", NULL);
	testcollector_set(f, "granularity", "1wk", NULL);
	test_yh_request_one(f, "https://query1.finance.yahoo.com/v8/finance/"
	    "chart/EURUSD%3DX?interval=1wk&range=max",
	    "Accept: application/json");
	f = test_yh_feed("^GSPC");
	test_yh_request_one(f, "https://query2.finance.yahoo.com/v8/finance/"
	    "chart/%5EGSPC?interval=1d&range=1mo", "Accept: application/json");
	/* A url with a query, or a replay, is the whole request. */
	f = testcollector_feed("yahoo", "https://query2.finance.yahoo.com/v8/"
	    "finance/chart/NTR?period1=0&period2=9999999999&interval=1d");
	testcollector_set(f, "symbol", "NTR", NULL);
	test_yh_request_one(f, "https://query2.finance.yahoo.com/v8/finance/"
	    "chart/NTR?period1=0&period2=9999999999&interval=1d", NULL);
	f = testcollector_feed("yahoo", "file:///srv/demo/yahoo-NTR.json");
	testcollector_set(f, "symbol", "NTR", NULL);
	test_yh_request_one(f, "file:///srv/demo/yahoo-NTR.json", NULL);
}

static void
test_yh_configure_fails(struct feed *f, const char *msg)
{
	void	*data = NULL;
	char	 err[512] = "";

	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), -1);
	assert_null(data);
	assert_string_equal(err, msg);
	testcollector_feed_free(f);
}

static void
test_yh_configure(void **state)
{
	struct feed	*f;

	f = testcollector_feed("yahoo", "");
	test_yh_configure_fails(f, "symbol: missing: name a Yahoo Finance "
	    "ticker, e.g. \"NTR\" (Nutrien) or \"SDF.DE\" (K+S)");
	f = test_yh_feed("NTR/X");
	test_yh_configure_fails(f, "symbol: expected a Yahoo Finance ticker "
	    "(letters, digits and . - ^ = _, e.g. \"SDF.DE\"), got \"NTR/X\"");
	f = test_yh_feed("NTR");
	testcollector_set(f, "range", "2w", NULL);
	test_yh_configure_fails(f, "range: expected one of "
	    "1d|5d|1mo|3mo|6mo|1y|2y|5y|10y|ytd|max, got \"2w\"");
	f = test_yh_feed("NTR");
	testcollector_set(f, "granularity", "1d|", NULL);
	test_yh_configure_fails(f, "granularity: expected one of "
	    "1m|2m|5m|15m|30m|60m|90m|1h|1d|5d|1wk|1mo|3mo, got \"1d|\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yh_registry),
		cmocka_unit_test(test_yh_aapl),
		cmocka_unit_test(test_yh_xetra),
		cmocka_unit_test(test_yh_gaps),
		cmocka_unit_test(test_yh_session),
		cmocka_unit_test(test_yh_errors),
		cmocka_unit_test(test_yh_types),
		cmocka_unit_test(test_yh_bodies),
		cmocka_unit_test(test_yh_request),
		cmocka_unit_test(test_yh_configure),
	};

	ops = collector_find("yahoo");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
