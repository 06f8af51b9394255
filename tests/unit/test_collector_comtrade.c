/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the comtrade kind: real UN Comtrade v1 bodies (data/v1/
 * get, the keyless preview, the empty count-0 envelope) and bodies
 * written for the tests (monthly mirror flows, an APIM 401); tonnes
 * from kg digit for digit, null and estimated weights, breakdown rows;
 * every failure with its exact message (empty, truncated, HTML, wrong
 * types, 1e400, NaN, BOM, invalid UTF-8, NUL, 1000-deep nesting, a body
 * at the 32 MiB cap); request() with and without a key, lookback;
 * configure().
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

/* Parses the string literal s, which must fail with exactly msg. */
#define TEST_CT_FAILS(f, s, msg) \
	testcollector_fails(ops, (f), (s), strlen(s), (msg))

static struct feed *
test_ct_feed(void)
{
	struct feed	*f = testcollector_feed("comtrade",
	    "https://comtradeapi.un.org");

	testcollector_set(f, "reporters", "156", "699", NULL);
	return (f);
}

static void
test_ct_series(const struct collector_result *res, size_t i, const char *key,
    const char *name, const char *unit, const char *freq, const char *dims)
{
	const struct series_info	*si;

	assert_true(i < res->batch->nseries);
	si = &res->batch->series[i];
	assert_string_equal(si->key, key);
	assert_string_equal(si->name, name);
	assert_string_equal(si->unit, unit);
	assert_string_equal(si->frequency, freq);
	assert_string_equal(si->dimensions, dims);
}

static void
test_ct_get_annual(void **state)
{
	struct feed		*f = test_ct_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("comtrade",
	    "data-v1-get-C-A-HS-CHN-reporter.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	/* netWgt is null in every row: values only, exact text kept. */
	assert_int_equal(res.batch->nobs, 4);
	testcollector_obs(&res, 0, "comtrade/156/32/TOTAL/A/primaryvalue",
	    "2010-01-01", "6804128143.0", "USD");
	testcollector_obs(&res, 1, "comtrade/156/276/TOTAL/A/primaryvalue",
	    "2010-01-01", "74251272075.0", "USD");
	testcollector_obs(&res, 2, "comtrade/156/32/TOTAL/A/x_primaryvalue",
	    "2010-01-01", "6115764185.0", "USD");
	testcollector_obs(&res, 3, "comtrade/156/276/TOTAL/A/x_primaryvalue",
	    "2010-01-01", "68047133397.0", "USD");
	assert_int_equal(res.batch->nseries, 4);
	test_ct_series(&res, 0, "comtrade/156/32/TOTAL/A/primaryvalue",
	    "China imports of HS TOTAL from Argentina: trade value (USD)",
	    "USD", "A", "{\"product\":\"TOTAL\",\"origin\":\"ARG\","
	    "\"origin_code\":\"32\",\"destination\":\"CHN\","
	    "\"destination_code\":\"156\",\"flow\":\"M\",\"reporter\":\"156\","
	    "\"partner\":\"32\",\"measure\":\"primaryvalue\","
	    "\"currency\":\"USD\"}");
	/* Exports: the reporter is the origin. */
	test_ct_series(&res, 2, "comtrade/156/32/TOTAL/A/x_primaryvalue",
	    "China exports of HS TOTAL to Argentina: trade value (USD)",
	    "USD", "A", "{\"product\":\"TOTAL\",\"origin\":\"CHN\","
	    "\"origin_code\":\"156\",\"destination\":\"ARG\","
	    "\"destination_code\":\"32\",\"flow\":\"X\",\"reporter\":\"156\","
	    "\"partner\":\"32\",\"measure\":\"primaryvalue\","
	    "\"currency\":\"USD\"}");
	assert_int_equal(res.nevents, 0);
	assert_null(res.next_url);
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

static void
test_ct_preview_estimated(void **state)
{
	struct feed		*f = test_ct_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("comtrade",
	    "public-v1-preview-C-A-HS-USA-JPN-2023.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	/* netWgt 0 flagged estimated: kept, in its own series. */
	assert_int_equal(res.batch->nobs, 4);
	testcollector_obs(&res, 0, "comtrade/842/392/TOTAL/A/netwgt_est",
	    "2023-01-01", "0.000", "t");
	testcollector_obs(&res, 1, "comtrade/842/392/TOTAL/A/primaryvalue",
	    "2023-01-01", "151580564290", "USD");
	testcollector_obs(&res, 2, "comtrade/842/392/TOTAL/A/x_netwgt_est",
	    "2023-01-01", "0.000", "t");
	testcollector_obs(&res, 3, "comtrade/842/392/TOTAL/A/x_primaryvalue",
	    "2023-01-01", "76154045176", "USD");
	test_ct_series(&res, 0, "comtrade/842/392/TOTAL/A/netwgt_est",
	    "USA imports of HS TOTAL from Japan: net weight estimated by UN "
	    "Comtrade (t)", "t", "A", "{\"product\":\"TOTAL\","
	    "\"origin\":\"JPN\",\"origin_code\":\"392\","
	    "\"destination\":\"USA\",\"destination_code\":\"842\","
	    "\"flow\":\"M\",\"reporter\":\"842\",\"partner\":\"392\","
	    "\"measure\":\"netwgt_est\",\"estimated\":true}");
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

static void
test_ct_empty_envelope(void **state)
{
	struct feed		*f = test_ct_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("comtrade", "empty-result-count0.json",
	    &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.batch->nobs, 0);
	assert_int_equal(res.batch->nseries, 0);
	collector_result_clear(&res);
	free(body);
	testcollector_ok(ops, f, "{\"count\":0,\"data\":null}", 23, &res);
	assert_int_equal(res.batch->nobs, 0);
	collector_result_clear(&res);
	testcollector_feed_free(f);
}

static void
test_ct_mirror(void **state)
{
	struct feed		*f = test_ct_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("comtrade",
	    "mirror-chn-ind-blr-310420-monthly.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.batch->nobs, 9);
	/* 421000000 kg is 421000.000 t: the scale says "to the kg". */
	testcollector_obs(&res, 0, "comtrade/156/112/310420/M/netwgt",
	    "2024-01-01", "421000.000", "t");
	testcollector_obs(&res, 1, "comtrade/156/112/310420/M/primaryvalue",
	    "2024-01-01", "113670000.0", "USD");
	/* netWgt null: no weight, the value stays. */
	testcollector_obs(&res, 2, "comtrade/156/112/310420/M/primaryvalue",
	    "2024-02-01", "98765432.1", "USD");
	testcollector_obs(&res, 3, "comtrade/156/112/310420/M/netwgt_est",
	    "2024-03-01", "0.000", "t");
	testcollector_obs(&res, 4, "comtrade/156/112/310420/M/primaryvalue",
	    "2024-03-01", "87000000", "USD");
	/* The rail (motCode 2100) breakdown of March is skipped. */
	testcollector_obs(&res, 5, "comtrade/699/112/310420/M/netwgt",
	    "2024-01-01", "52000.0005", "t");
	testcollector_obs(&res, 6, "comtrade/699/112/310420/M/primaryvalue",
	    "2024-01-01", "1.4e7", "USD");
	/* Codes and period as strings and numbers alike. */
	testcollector_obs(&res, 7, "comtrade/699/112/310420/M/netwgt",
	    "2024-02-01", "61500.000", "t");
	testcollector_obs(&res, 8, "comtrade/699/112/310420/M/primaryvalue",
	    "2024-02-01", "16605000", "USD");
	assert_int_equal(res.batch->nseries, 5);
	test_ct_series(&res, 0, "comtrade/156/112/310420/M/netwgt",
	    "China imports of HS 310420 from Belarus: net weight (t)", "t",
	    "M", "{\"product\":\"310420\",\"origin\":\"BLR\","
	    "\"origin_code\":\"112\",\"destination\":\"CHN\","
	    "\"destination_code\":\"156\",\"flow\":\"M\",\"reporter\":\"156\","
	    "\"partner\":\"112\",\"measure\":\"netwgt\"}");
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

/* A one-row body whose row has the members given (JSON text). */
static char *
test_ct_row(const char *members)
{
	return (xasprintf("{\"count\":1,\"data\":[{\"freqCode\":\"M\","
	    "\"period\":\"202401\",\"reporterCode\":156,\"flowCode\":\"M\","
	    "\"partnerCode\":112,\"cmdCode\":\"310420\"%s%s}],\"error\":\"\"}",
	    *members != '\0' ? "," : "", members));
}

static void
test_ct_row_fails(struct feed *f, const char *members, const char *msg)
{
	char	*b = test_ct_row(members);

	testcollector_fails(ops, f, b, strlen(b), msg);
	free(b);
}

static void
test_ct_row_value(struct feed *f, const char *members, const char *value,
    const char *unit)
{
	struct collector_result	 res;
	char			*b = test_ct_row(members);

	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, value != NULL ? 1 : 0);
	if (value != NULL)
		assert_string_equal(res.batch->obs[0].value, value);
	if (unit != NULL)
		assert_string_equal(res.batch->obs[0].unit, unit);
	collector_result_clear(&res);
	free(b);
}

static void
test_ct_types(void **state)
{
	struct feed	*f = test_ct_feed();

	test_ct_row_value(f, "\"netWgt\":1234567", "1234.567", "t");
	test_ct_row_value(f, "\"netWgt\":\"1234567\"", "1234.567", "t");
	test_ct_row_value(f, "\"netWgt\":5", "0.005", "t");
	test_ct_row_value(f, "\"netWgt\":1.5e3", "1.5e0", "t");
	test_ct_row_value(f, "\"primaryValue\":-0.50", "-0.50", "USD");
	test_ct_row_value(f, "\"netWgt\":null,\"primaryValue\":null", NULL,
	    NULL);
	test_ct_row_value(f, "", NULL, NULL);
	test_ct_row_fails(f, "\"netWgt\":true",
	    "data[0].netWgt: expected a number, got true");
	test_ct_row_fails(f, "\"primaryValue\":{}",
	    "data[0].primaryValue: expected a number, got an object");
	test_ct_row_fails(f, "\"primaryValue\":\"n/a\"",
	    "data[0].primaryValue: expected a decimal number such as -1234.5 "
	    "or 1.5e3, got \"n/a\"");
	test_ct_row_fails(f, "\"primaryValue\":\"NaN\"",
	    "data[0].primaryValue: expected a finite decimal number, got "
	    "\"NaN\"");
	test_ct_row_fails(f, "\"primaryValue\":1e400",
	    "data[0].primaryValue: number out of range: expected a magnitude "
	    "between 1e-300 and 1e300, got \"1e400\"");
	test_ct_row_fails(f, "\"primaryValue\":NaN",
	    "not JSON: unexpected \"N\" at byte 139");
	test_ct_row_fails(f, "\"netWgt\":1,\"isNetWgtEstimated\":\"yes\"",
	    "data[0].isNetWgtEstimated: expected true or false, got a string");
	TEST_CT_FAILS(f, "{\"data\":[{\"freqCode\":\"Q\","
	    "\"period\":\"2024\",\"reporterCode\":1,\"partnerCode\":2,"
	    "\"cmdCode\":\"31\",\"flowCode\":\"M\"}]}",
	    "data[0].freqCode: expected \"M\" or \"A\", got \"Q\"");
	TEST_CT_FAILS(f, "{\"data\":[{\"freqCode\":\"A\","
	    "\"period\":\"202401\",\"reporterCode\":1,\"partnerCode\":2,"
	    "\"cmdCode\":\"31\",\"flowCode\":\"M\"}]}",
	    "data[0].period: expected YYYY (freqCode A), got \"202401\"");
	TEST_CT_FAILS(f, "{\"data\":[{\"freqCode\":\"M\","
	    "\"period\":\"202413\",\"reporterCode\":1,\"partnerCode\":2,"
	    "\"cmdCode\":\"31\",\"flowCode\":\"M\"}]}",
	    "data[0].period: expected a month between 01 and 12, got "
	    "\"202413\"");
	TEST_CT_FAILS(f, "{\"data\":[{\"freqCode\":\"M\","
	    "\"period\":null}]}",
	    "data[0].reporterCode: expected an M49 code, got nothing");
	TEST_CT_FAILS(f, "{\"data\":[{\"reporterCode\":-156}]}",
	    "data[0].reporterCode: expected an M49 code (1 to 4 digits), "
	    "got \"-156\"");
	TEST_CT_FAILS(f, "{\"data\":[{\"reporterCode\":1,"
	    "\"partnerCode\":2,\"cmdCode\":\"31/04\"}]}",
	    "data[0].cmdCode: expected an HS code such as \"310420\", got "
	    "\"31/04\"");
	TEST_CT_FAILS(f, "{\"data\":[1]}",
	    "data[0]: expected an object, got a number");
	TEST_CT_FAILS(f, "{\"data\":{}}",
	    "\"data\": expected an array, got an object");
	TEST_CT_FAILS(f, "{\"count\":0}",
	    "response has no \"data\" array");
	TEST_CT_FAILS(f, "[]",
	    "expected a JSON object at the top, got an array");
	testcollector_feed_free(f);
}

static void
test_ct_error_bodies(void **state)
{
	struct feed	*f = test_ct_feed();
	char		*body;
	size_t		 len;

	body = testcollector_fixture("comtrade", "error-401-invalid-key.json",
	    &len);
	testcollector_fails(ops, f, body, len, "UN Comtrade error 401: Access "
	    "denied due to invalid subscription key. Make sure to provide a "
	    "valid key for an active subscription.");
	free(body);
	TEST_CT_FAILS(f, "{\"count\":0,\"data\":null,\"error\":"
	    "\"Request period not valid\\n\"}",
	    "UN Comtrade error: Request period not valid ");
	testcollector_feed_free(f);
}

static void
test_ct_duplicate(void **state)
{
	struct feed	*f = test_ct_feed();
	const char	*row = "{\"freqCode\":\"M\",\"period\":\"202401\","
	    "\"reporterCode\":156,\"flowCode\":\"M\",\"partnerCode\":112,"
	    "\"cmdCode\":\"310420\",\"netWgt\":1}";
	char		*b;

	b = xasprintf("{\"data\":[%s,{\"motCode\":1},%s]}", row, row);
	testcollector_fails(ops, f, b, strlen(b), "data[2]: a second value of "
	    "\"comtrade/156/112/310420/M/netwgt\" for 2024-01-01 (the first "
	    "is in data[0])");
	free(b);
	testcollector_feed_free(f);
}

/* {"data":[], "x": [[[ ... ]]]} nested depth levels deep in all. */
static char *
test_ct_deep(size_t depth, size_t *len)
{
	return (testcollector_deep("{\"data\":[],\"x\":", depth, "}", len));
}

static void
test_ct_bodies(void **state)
{
	struct feed		*f = test_ct_feed();
	struct collector_result	 res;
	const size_t		 cap = 32u << 20;
	char			*b, *body;
	size_t			 len;

	TEST_CT_FAILS(f, "", "empty body (expected JSON)");
	TEST_CT_FAILS(f, " \r\n", "empty body (expected JSON)");
	TEST_CT_FAILS(f, "<html><body>Service Unavailable",
	    "not JSON: unexpected \"<\" at byte 0 (an HTML error page?)");
	body = testcollector_fixture("comtrade",
	    "mirror-chn-ind-blr-310420-monthly.json", &len);
	testcollector_fails(ops, f, body, 1000, "not JSON: the string at "
	    "byte 985 never ends (truncated?)");
	testcollector_fails(ops, f, body, 1009, "not JSON: unexpected end at "
	    "byte 1009 (truncated?)");
	/* A BOM is skipped; offsets in messages count it. */
	b = xasprintf("\xef\xbb\xbf%s", body);
	testcollector_ok(ops, f, b, len + 3, &res);
	assert_int_equal(res.batch->nobs, 9);
	collector_result_clear(&res);
	free(b);
	TEST_CT_FAILS(f, "\xef\xbb\xbf{\"data\":[] x",
	    "not JSON: unexpected \"x\" at byte 14");
	TEST_CT_FAILS(f, "{\"data\":[],\"n\":\"Belarus \xff\"}",
	    "not JSON: invalid UTF-8 at byte 24 (JSON must be UTF-8)");
	testcollector_fails(ops, f, "{\"data\":[]}\0", 12,
	    "not JSON: NUL byte at byte 11");
	TEST_CT_FAILS(f, "{\"data\":[],\"n\":\"a\\u0000b\"}",
	    "\"\\u0000\" at byte 17: NUL characters in strings are not "
	    "supported");
	free(body);
	/* 1000 levels: cJSON's limit, accepted; 1001 refused up front. */
	b = test_ct_deep(1000, &len);
	testcollector_ok(ops, f, b, len, &res);
	assert_int_equal(res.batch->nobs, 0);
	collector_result_clear(&res);
	free(b);
	b = test_ct_deep(1001, &len);
	testcollector_fails(ops, f, b, len, "not JSON we accept: nested "
	    "deeper than 1000 levels at byte 1014");
	free(b);
	/* 32 MiB in all: one row and a note that is almost all of it. */
	b = xmalloc(cap + 1);
	len = (size_t)sprintf(b, "{\"data\":[{\"freqCode\":\"M\",\"period\":"
	    "\"202401\",\"reporterCode\":156,\"flowCode\":\"M\","
	    "\"partnerCode\":112,\"cmdCode\":\"310420\",\"netWgt\":7}],"
	    "\"note\":\"");
	memset(b + len, 'x', cap - len - 2);
	memcpy(b + cap - 2, "\"}", 2);
	b[cap] = '\0';
	testcollector_ok(ops, f, b, cap, &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "comtrade/156/112/310420/M/netwgt",
	    "2024-01-01", "0.007", "t");
	collector_result_clear(&res);
	free(b);
	testcollector_feed_free(f);
}

static void
test_ct_request_one(struct feed *f, int64_t now, const char *url,
    const char *header)
{
	struct collector_request	 req;
	void				*data = NULL;
	char				 err[512] = "";

	if (ops->configure(f, &data, err, sizeof(err)) != 0)
		fail_msg("configure: %s", err);
	memset(&req, 0, sizeof(req));
	if (ops->request(f, data, now, &req, err, sizeof(err)) != 0)
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
}

/* 2026-11-28T12:00:00Z and 2026-01-15T00:00:00Z in usec. */
#define TEST_CT_NOV	INT64_C(1795867200000000)
#define TEST_CT_JAN	INT64_C(1768435200000000)

static void
test_ct_request(void **state)
{
	struct feed			*f = test_ct_feed();
	struct collector_request	 req;
	void				*data = NULL;
	char				 err[512];

	/* No secret: the keyless preview, lookback 12 before November. */
	test_ct_request_one(f, TEST_CT_NOV, "https://comtradeapi.un.org/"
	    "public/v1/preview/C/M/HS?reporterCode=156,699&partnerCode=112"
	    "&cmdCode=310420&flowCode=M&period=202511,202512,202601,202602,"
	    "202603,202604,202605,202606,202607,202608,202609,202610"
	    "&partner2Code=0&customsCode=C00&motCode=0&includeDesc=true",
	    NULL);
	/* A key goes into the header, never the URL. */
	f->secret = xstrdup("0123abcd-secret");
	testcollector_set(f, "lookback", "3", NULL);
	test_ct_request_one(f, TEST_CT_JAN, "https://comtradeapi.un.org/"
	    "data/v1/get/C/M/HS?reporterCode=156,699&partnerCode=112"
	    "&cmdCode=310420&flowCode=M&period=202510,202511,202512"
	    "&partner2Code=0&customsCode=C00&motCode=0&includeDesc=true",
	    "Ocp-Apim-Subscription-Key: 0123abcd-secret");
	testcollector_feed_free(f);

	f = test_ct_feed();
	f->secret = xstrdup("k");
	testcollector_set(f, "preview", "true", NULL);
	testcollector_set(f, "frequency", "A", NULL);
	testcollector_set(f, "flow", "X", NULL);
	testcollector_set(f, "partners", "112", "0", NULL);
	testcollector_set(f, "cmd", "3104", NULL);
	testcollector_set(f, "lookback", "2", NULL);
	free(f->url);
	f->url = xstrdup("https://comtradeapi.un.org/");
	test_ct_request_one(f, TEST_CT_JAN, "https://comtradeapi.un.org/"
	    "public/v1/preview/C/A/HS?reporterCode=156,699&partnerCode=112,0"
	    "&cmdCode=3104"
	    "&flowCode=X&period=2024,2025&partner2Code=0&customsCode=C00"
	    "&motCode=0&includeDesc=true", NULL);
	testcollector_feed_free(f);

	/* Periods as given; an endpoint URL keeps its path. */
	f = test_ct_feed();
	f->secret = xstrdup("k");
	testcollector_set(f, "periods", "202401", "202402", NULL);
	free(f->url);
	f->url = xstrdup("https://comtradeapi.un.org/data/v1/get/C/M/HS");
	test_ct_request_one(f, TEST_CT_JAN, "https://comtradeapi.un.org/"
	    "data/v1/get/C/M/HS?reporterCode=156,699&partnerCode=112"
	    "&cmdCode=310420&flowCode=M&period=202401,202402&partner2Code=0"
	    "&customsCode=C00&motCode=0&includeDesc=true",
	    "Ocp-Apim-Subscription-Key: k");
	/* A URL with a query is the request; the key still goes along. */
	free(f->url);
	f->url = xstrdup("https://comtradeapi.un.org/data/v1/get/C/M/HS?"
	    "reporterCode=156&period=202401");
	test_ct_request_one(f, TEST_CT_JAN, f->url,
	    "Ocp-Apim-Subscription-Key: k");
	/* A replay gets neither query nor key. */
	free(f->url);
	f->url = xstrdup("file:///srv/demo/comtrade-mirror-blr.json");
	test_ct_request_one(f, TEST_CT_JAN, f->url, NULL);
	/* A key that would split the header is refused, unquoted. */
	free(f->url);
	f->url = xstrdup("https://comtradeapi.un.org");
	free(f->secret);
	f->secret = xstrdup("abc\r\nX-Evil: 1");
	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), 0);
	memset(&req, 0, sizeof(req));
	assert_int_equal(ops->request(f, data, 0, &req, err, sizeof(err)), -1);
	assert_string_equal(err, "secret: contains a line break");
	collector_request_clear(&req);
	ops->free(data);
	testcollector_feed_free(f);
}

static void
test_ct_configure_fails(struct feed *f, const char *msg)
{
	void	*data = NULL;
	char	 err[512] = "";

	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), -1);
	assert_null(data);
	assert_string_equal(err, msg);
	testcollector_feed_free(f);
}

static void
test_ct_configure(void **state)
{
	struct feed	*f;

	f = testcollector_feed("comtrade", "");
	test_ct_configure_fails(f, "reporters: missing: name at least one "
	    "M49 code, e.g. {\"156\", \"699\"} (China, India)");
	f = testcollector_feed("comtrade", "");
	testcollector_set(f, "reporters", "156", "CHN", NULL);
	test_ct_configure_fails(f, "reporters: expected M49 codes (1 to 4 "
	    "digits, e.g. \"112\"), got \"CHN\"");
	f = test_ct_feed();
	testcollector_set(f, "partners", "", NULL);
	test_ct_configure_fails(f, "partners: expected M49 codes (1 to 4 "
	    "digits, e.g. \"112\"), got \"\"");
	f = test_ct_feed();
	testcollector_set(f, "cmd", "31042", NULL);
	test_ct_configure_fails(f, "cmd: expected an HS code of 2, 4 or 6 "
	    "digits (e.g. \"310420\") or TOTAL, got \"31042\"");
	f = test_ct_feed();
	testcollector_set(f, "flow", "RX", NULL);
	test_ct_configure_fails(f, "flow: expected one of M|X, got \"RX\"");
	f = test_ct_feed();
	testcollector_set(f, "frequency", "|", NULL);
	test_ct_configure_fails(f, "frequency: expected one of M|A, got "
	    "\"|\"");
	f = test_ct_feed();
	testcollector_set(f, "periods", "2024", NULL);
	test_ct_configure_fails(f, "periods: expected a month as YYYYMM "
	    "(frequency M), e.g. \"202401\", got \"2024\"");
	f = test_ct_feed();
	testcollector_set(f, "frequency", "A", NULL);
	testcollector_set(f, "periods", "202401", NULL);
	test_ct_configure_fails(f, "periods: expected a year as YYYY "
	    "(frequency A), e.g. \"2024\", got \"202401\"");
	f = test_ct_feed();
	testcollector_set(f, "periods", "202400", NULL);
	test_ct_configure_fails(f, "periods: expected a month as YYYYMM "
	    "(frequency M), e.g. \"202401\", got \"202400\"");
	f = test_ct_feed();
	testcollector_set(f, "periods", "202401", "202402", "202403",
	    "202404", "202405", "202406", "202407", "202408", "202409",
	    "202410", "202411", "202412", "202501", NULL);
	test_ct_configure_fails(f, "periods: at most 12 per request, got 13");
	f = test_ct_feed();
	testcollector_set(f, "periods", "202401", NULL);
	testcollector_set(f, "lookback", "3", NULL);
	test_ct_configure_fails(f, "lookback: cannot be combined with periods "
	    "(set one of them)");
	f = test_ct_feed();
	testcollector_set(f, "lookback", "13", NULL);
	test_ct_configure_fails(f, "lookback: expected an integer between 1 "
	    "and 12, got \"13\"");
	f = test_ct_feed();
	testcollector_set(f, "preview", "maybe", NULL);
	test_ct_configure_fails(f, "preview: expected true or false, got "
	    "\"maybe\"");
}

static void
test_ct_registry(void **state)
{
	assert_non_null(ops);
	assert_string_equal(ops->name, "comtrade");
	assert_string_equal(ops->default_url, "https://comtradeapi.un.org");
	assert_true(ops->noptions >= 8);
}

/* The offline demo's body: the demo series, in kg, read back in t. */
static void
test_ct_demo(void **state)
{
	struct feed		*f = testcollector_feed("comtrade",
	    "file:///srv/potashd/data/demo/feeds/comtrade-mirror-blr.json");
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	testcollector_set(f, "reporters", "156", "699", NULL);
	body = testcollector_fixture("../../../data/demo/feeds",
	    "comtrade-mirror-blr.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.batch->nobs, 372);
	assert_int_equal(res.batch->nseries, 4);
	testcollector_obs(&res, 0, "comtrade/156/112/310420/M/netwgt",
	    "2019-01-01", "95000.000", "t");
	testcollector_obs(&res, 1, "comtrade/156/112/310420/M/primaryvalue",
	    "2019-01-01", "26030000", "USD");
	testcollector_obs(&res, 184, "comtrade/156/112/310420/M/netwgt",
	    "2026-09-01", "520000.000", "t");
	testcollector_obs(&res, 186, "comtrade/699/112/310420/M/netwgt",
	    "2019-01-01", "21850.000", "t");
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ct_registry),
		cmocka_unit_test(test_ct_get_annual),
		cmocka_unit_test(test_ct_preview_estimated),
		cmocka_unit_test(test_ct_empty_envelope),
		cmocka_unit_test(test_ct_mirror),
		cmocka_unit_test(test_ct_demo),
		cmocka_unit_test(test_ct_types),
		cmocka_unit_test(test_ct_error_bodies),
		cmocka_unit_test(test_ct_duplicate),
		cmocka_unit_test(test_ct_bodies),
		cmocka_unit_test(test_ct_request),
		cmocka_unit_test(test_ct_configure),
	};

	ops = collector_find("comtrade");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
