/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the imf kind.  No IMF body was captured, so the
 * fixtures are built from the published SDMX-JSON 1.0 and 2.0
 * structures: PCPS PPOTASH in USD (1.0, strings, null and "NaN"), two
 * indicators and two transformations (2.0, numbers), a flat
 * AllDimensions message and an error message.  Also: observations as
 * bare values or objects, UNIT_MULT, another dataflow's keys, every
 * failure with its exact message (empty, truncated, HTML, wrong types,
 * 1e400, BOM, invalid UTF-8, NUL, 1000-deep nesting, bad indices,
 * duplicate periods, a body at the 32 MiB cap); request(); configure().
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

#define TEST_IMF_FAILS(f, s, msg) \
	testcollector_fails(ops, (f), (s), strlen(s), (msg))

static struct feed *
test_imf_feed(void)
{
	return (testcollector_feed("imf",
	    "https://api.imf.org/external/sdmx/2.1"));
}

/*
 * An SDMX-JSON 1.0 PCPS message (G001, PPOTASH, USD, M; TIME_PERIOD
 * 2024-M01, 2024-01, 2024-M02) whose dataSets[0] is ds, with extra
 * structure members after "dimensions".
 */
static char *
test_imf_body(const char *ds, const char *extra)
{
	return (xasprintf("{\"dataSets\":[%s],\"structure\":{\"dimensions\":"
	    "{\"series\":[{\"id\":\"COUNTRY\",\"values\":[{\"id\":\"G001\"}]},"
	    "{\"id\":\"INDICATOR\",\"values\":[{\"id\":\"PPOTASH\"}]},"
	    "{\"id\":\"DATA_TRANSFORMATION\",\"values\":[{\"id\":\"USD\"}]},"
	    "{\"id\":\"FREQUENCY\",\"values\":[{\"id\":\"M\"}]}],"
	    "\"observation\":[{\"id\":\"TIME_PERIOD\",\"values\":[{\"id\":"
	    "\"2024-M01\"},{\"id\":\"2024-01\"},{\"id\":\"2024-M02\"}]}]}%s}}",
	    ds, extra));
}

static void
test_imf_series(const struct collector_result *res, size_t i, const char *key,
    const char *name, const char *unit, const char *freq, const char *dims)
{
	const struct series_info	*si;

	assert_true(i < res->batch->nseries);
	si = &res->batch->series[i];
	assert_string_equal(si->key, key);
	if (name == NULL)
		assert_null(si->name);
	else
		assert_string_equal(si->name, name);
	if (unit == NULL)
		assert_null(si->unit);
	else
		assert_string_equal(si->unit, unit);
	if (freq == NULL)
		assert_null(si->frequency);
	else
		assert_string_equal(si->frequency, freq);
	assert_string_equal(si->dimensions, dims);
}

static void
test_imf_registry(void **state)
{
	assert_non_null(ops);
	assert_string_equal(ops->name, "imf");
	assert_string_equal(ops->default_url,
	    "https://api.imf.org/external/sdmx/2.1");
	assert_int_equal(ops->noptions, 3);
}

static void
test_imf_v1(void **state)
{
	struct feed		*f = test_imf_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	body = testcollector_fixture("imf",
	    "sdmx-json-1.0-PCPS-G001-PPOTASH-USD-M.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	/* [null] and ["NaN"] are missing: skipped. */
	assert_int_equal(res.batch->nobs, 4);
	testcollector_obs(&res, 0, "imf/PPOTASH", "2024-01-01", "294.38",
	    "USD");
	testcollector_obs(&res, 2, "imf/PPOTASH", "2024-03-01", "289.60",
	    "USD");
	testcollector_obs(&res, 3, "imf/PPOTASH", "2024-06-01", "301.25",
	    "USD");
	assert_int_equal(res.batch->nseries, 1);
	test_imf_series(&res, 0, "imf/PPOTASH", "World, Potash, US Dollar, "
	    "Monthly", "USD", "M", "{\"dataflow\":\"IMF.RES,PCPS\","
	    "\"country\":\"G001\",\"indicator\":\"PPOTASH\","
	    "\"data_transformation\":\"USD\",\"frequency\":\"M\","
	    "\"currency\":\"USD\"}");
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

static void
test_imf_v2(void **state)
{
	struct feed		*f = test_imf_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	testcollector_set(f, "key", "G001.PPOTASH+PUREA.USD+INDEX.M", NULL);
	body = testcollector_fixture("imf",
	    "sdmx-json-2.0-PCPS-PPOTASH-PUREA-USD-INDEX.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	/* Numbers keep their exact text; INDEX gets its own key. */
	assert_int_equal(res.batch->nobs, 8);
	testcollector_obs(&res, 0, "imf/PPOTASH", "2024-01-01", "294.38",
	    "USD");
	testcollector_obs(&res, 2, "imf/PPOTASH", "2024-03-01", "289.6", "USD");
	testcollector_obs(&res, 3, "imf/PUREA", "2024-01-01", "331.5", "USD");
	testcollector_obs(&res, 4, "imf/PUREA", "2024-03-01", "352.875", "USD");
	testcollector_obs(&res, 5, "imf/PPOTASH/INDEX", "2024-01-01", "142.1",
	    "INDEX");
	testcollector_obs(&res, 7, "imf/PPOTASH/INDEX", "2024-03-01", "139.8",
	    "INDEX");
	assert_int_equal(res.batch->nseries, 3);
	test_imf_series(&res, 1, "imf/PUREA", "World, Urea, US Dollar, "
	    "Monthly", "USD", "M", "{\"dataflow\":\"IMF.RES,PCPS\","
	    "\"country\":\"G001\",\"indicator\":\"PUREA\","
	    "\"data_transformation\":\"USD\",\"frequency\":\"M\","
	    "\"currency\":\"USD\"}");
	test_imf_series(&res, 2, "imf/PPOTASH/INDEX", "World, Potash, Index, "
	    "Monthly", "INDEX", "M", "{\"dataflow\":\"IMF.RES,PCPS\","
	    "\"country\":\"G001\",\"indicator\":\"PPOTASH\","
	    "\"data_transformation\":\"INDEX\",\"frequency\":\"M\"}");
	collector_result_clear(&res);
	free(body);
	testcollector_feed_free(f);
}

static void
test_imf_flat(void **state)
{
	struct feed		*f = test_imf_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	testcollector_set(f, "unit", "USD/t", NULL);
	body = testcollector_fixture("imf",
	    "sdmx-json-1.0-flat-AllDimensions.json", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.batch->nobs, 3);
	testcollector_obs(&res, 0, "imf/PPOTASH", "2024-01-01", "294.38",
	    "USD/t");
	testcollector_obs(&res, 2, "imf/PPOTASH", "2024-03-01", "289.60",
	    "USD/t");
	assert_int_equal(res.batch->nseries, 1);
	assert_string_equal(res.batch->series[0].unit, "USD/t");
	collector_result_clear(&res);
	free(body);
	body = testcollector_fixture("imf", "error-100-no-results.json", &len);
	testcollector_fails(ops, f, body, len, "IMF error 100: No Results "
	    "Found");
	free(body);
	testcollector_feed_free(f);
}

static void
test_imf_shapes(void **state)
{
	struct feed		*f = test_imf_feed();
	struct collector_result	 res;
	char			*b;

	/* A bare value and an object with OBS_VALUE read like [value]. */
	b = test_imf_body("{\"series\":{\"0:0:0:0\":{\"observations\":"
	    "{\"0\":\"294.38\",\"2\":{\"OBS_VALUE\":291.07}}}}}", "");
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 2);
	testcollector_obs(&res, 0, "imf/PPOTASH", "2024-01-01", "294.38",
	    "USD");
	testcollector_obs(&res, 1, "imf/PPOTASH", "2024-02-01", "291.07",
	    "USD");
	/* Names unknown: no name. */
	test_imf_series(&res, 0, "imf/PPOTASH", NULL, "USD", "M",
	    "{\"dataflow\":\"IMF.RES,PCPS\",\"country\":\"G001\",\"indicator\":"
	    "\"PPOTASH\",\"data_transformation\":\"USD\",\"frequency\":\"M\","
	    "\"currency\":\"USD\"}");
	collector_result_clear(&res);
	free(b);
	/* UNIT_MULT 3: thousands, moved exactly. */
	b = test_imf_body("{\"series\":{\"0:0:0:0\":{\"attributes\":[null,1],"
	    "\"observations\":{\"0\":[\"1.5\"]}}}}", ",\"attributes\":{"
	    "\"series\":[{\"id\":\"UNIT\",\"values\":[]},{\"id\":"
	    "\"UNIT_MULT\",\"values\":[{\"id\":\"0\"},{\"id\":\"3\"}]}]}");
	testcollector_ok(ops, f, b, strlen(b), &res);
	testcollector_obs(&res, 0, "imf/PPOTASH", "2024-01-01", "1500", "USD");
	collector_result_clear(&res);
	free(b);
	b = test_imf_body("{\"series\":{\"0:0:0:0\":{\"attributes\":[0],"
	    "\"observations\":{\"0\":[\"1.5\"]}}}}", ",\"attributes\":{"
	    "\"series\":[{\"id\":\"UNIT_MULT\",\"values\":[{\"id\":\"k\"}]}]}");
	TEST_IMF_FAILS(f, b, "dataSets[0].series[\"0:0:0:0\"].observations"
	    "[\"0\"]: the series' UNIT_MULT is not a power of ten from -30 to "
	    "30");
	free(b);
	testcollector_feed_free(f);

	/* Another dataflow: every code in the key. */
	f = test_imf_feed();
	testcollector_set(f, "dataflow", "IMF.STA,CPI,5.0.0", NULL);
	testcollector_set(f, "key", "USA.CPI._T.IX.M", NULL);
	b = xstrdup("{\"data\":{\"dataSets\":[{\"series\":{\"0:0\":"
	    "{\"observations\":{\"0\":[\"313.5\"]}}}}],\"structures\":[{"
	    "\"dimensions\":{\"series\":[{\"id\":\"COUNTRY\",\"values\":[{"
	    "\"id\":\"USA\",\"names\":{\"en\":\"United States\"}}]},{\"id\":"
	    "\"TYPE_OF_TRANSFORMATION\",\"values\":[{\"id\":\"IX\"}]}],"
	    "\"observation\":[{\"id\":\"TIME_PERIOD\",\"values\":[{\"id\":"
	    "\"2024-Q1\"}]}]}}]}}");
	testcollector_ok(ops, f, b, strlen(b), &res);
	testcollector_obs(&res, 0, "imf/CPI/USA/IX", "2024-01-01", "313.5", "");
	test_imf_series(&res, 0, "imf/CPI/USA/IX", "United States", NULL, NULL,
	    "{\"dataflow\":\"IMF.STA,CPI,5.0.0\",\"country\":\"USA\","
	    "\"type_of_transformation\":\"IX\"}");
	collector_result_clear(&res);
	free(b);
	testcollector_feed_free(f);
}

static void
test_imf_types(void **state)
{
	struct feed	*f = test_imf_feed();
	char		*b;

#define TEST_IMF_DS_FAILS(ds, msg) do {					\
	b = test_imf_body((ds), "");					\
	TEST_IMF_FAILS(f, b, (msg));					\
	free(b);							\
} while (0)
#define S0	"dataSets[0].series[\"0:0:0:0\"]"
	TEST_IMF_DS_FAILS("{\"series\":{\"0:0:0:0\":{\"observations\":{\"0\":"
	    "[true]}}}}", S0 ".observations[\"0\"]: expected a decimal "
	    "string, a number or null, got true");
	TEST_IMF_DS_FAILS("{\"series\":{\"0:0:0:0\":{\"observations\":{\"0\":"
	    "[1e400]}}}}", S0 ".observations[\"0\"]: number out of range: "
	    "expected a magnitude between 1e-300 and 1e300, got \"1e400\"");
	TEST_IMF_DS_FAILS("{\"series\":{\"0:0:0:0\":{\"observations\":{\"0\":"
	    "[\"n/a\"]}}}}", S0 ".observations[\"0\"]: expected a decimal "
	    "number such as -1234.5 or 1.5e3, got \"n/a\"");
	TEST_IMF_DS_FAILS("{\"series\":{\"0:0:0:0\":{\"observations\":{\"0\":"
	    "[]}}}}", S0 ".observations[\"0\"]: expected [value, ...], got an "
	    "array with no value");
	TEST_IMF_DS_FAILS("{\"series\":{\"0:0:0:0\":{\"observations\":{\"0\":"
	    "{\"value\":\"1\"}}}}}", S0 ".observations[\"0\"]: expected "
	    "[value, ...], got an object with no value");
	TEST_IMF_DS_FAILS("{\"series\":{\"0:0:0:0\":{\"observations\":[]}}}",
	    S0 ".observations: expected an object, got an array");
	TEST_IMF_DS_FAILS("{\"series\":{\"0:0\":{}}}", "dataSets[0].series"
	    "[\"0:0\"]: expected 4 indices into the series dimensions");
	TEST_IMF_DS_FAILS("{\"series\":{\"0:0:0:0:0\":{}}}", "dataSets[0]."
	    "series[\"0:0:0:0:0\"]: expected 4 indices into the series "
	    "dimensions");
	TEST_IMF_DS_FAILS("{\"series\":{\"0:0:1:0\":{}}}", "dataSets[0].series"
	    "[\"0:0:1:0\"]: index 1 of DATA_TRANSFORMATION is out of range (1 "
	    "values)");
	TEST_IMF_DS_FAILS("{\"series\":{\"0:0:0:0\":{\"observations\":{\"3\":"
	    "[\"1\"]}}}}", S0 ".observations[\"3\"]: index 3 of TIME_PERIOD "
	    "is out of range (3 values)");
	TEST_IMF_DS_FAILS("{\"series\":{\"0:0:0:0\":{\"observations\":"
	    "{\"x\":[\"1\"]}}}}", S0 ".observations[\"x\"]: expected 1 "
	    "indices into the observation dimensions");
	TEST_IMF_DS_FAILS("{\"series\":{\"0:0:0:0\":{\"observations\":{\"0\":"
	    "[\"1\"],\"1\":[\"2\"]}}}}", S0 ".observations[\"1\"]: a second "
	    "value of \"imf/PPOTASH\" for 2024-01-01 (the first is " S0
	    ".observations[\"0\"])");
	TEST_IMF_DS_FAILS("{\"series\":[]}", "dataSets[0].series: expected an "
	    "object, got an array");
	TEST_IMF_DS_FAILS("{\"observations\":{\"0\":[\"1\"]}}", "dataSets[0]: "
	    "observations without series, but 4 series dimensions");
	TEST_IMF_DS_FAILS("[]", "dataSets[0]: expected an object, got an "
	    "array");
#undef S0
#undef TEST_IMF_DS_FAILS
	TEST_IMF_FAILS(f, "{\"dataSets\":[{}],\"structure\":{\"dimensions\":"
	    "{\"series\":[{\"id\":\"INDICATOR\",\"values\":[{\"id\":\"P/X\"}]}]"
	    "}}}", "structure.dimensions.series[0].values[0].id: expected an "
	    "SDMX code (letters, digits, _ @ $ -), got \"P/X\"");
	TEST_IMF_FAILS(f, "{\"dataSets\":[{}],\"structure\":{\"dimensions\":"
	    "{\"series\":[{\"id\":\"INDICATOR\"}]}}}", "structure.dimensions."
	    "series[0]: expected {\"id\", \"values\": [...]}");
	TEST_IMF_FAILS(f, "{\"dataSets\":[{}],\"structure\":{\"dimensions\":"
	    "{\"series\":[{\"id\":\"INDICATOR\",\"values\":[]}]}}}",
	    "structure.dimensions: no TIME_PERIOD dimension");
	TEST_IMF_FAILS(f, "{\"dataSets\":[{}],\"structure\":{\"dimensions\":"
	    "{\"observation\":[{\"id\":\"TIME_PERIOD\",\"values\":[{\"id\":"
	    "\"2024-M13\"}]}]}}}", "TIME_PERIOD value 0: expected a month "
	    "between 01 and 12, got \"2024-M13\"");
	TEST_IMF_FAILS(f, "{\"dataSets\":[{\"observations\":{\"0\":[\"1\"]}}],"
	    "\"structure\":{\"dimensions\":{\"observation\":[{\"id\":"
	    "\"TIME_PERIOD\",\"values\":[{\"id\":\"2024\"}]}]}}}",
	    "structure.dimensions: no INDICATOR dimension (PCPS keys are "
	    "imf/<INDICATOR>)");
	TEST_IMF_FAILS(f, "{\"dataSets\":[{}]}", "response has no structure."
	    "dimensions (expected SDMX-JSON)");
	TEST_IMF_FAILS(f, "{\"header\":{}}", "response has no \"dataSets\" "
	    "array (expected SDMX-JSON)");
	TEST_IMF_FAILS(f, "\"x\"", "expected a JSON object at the top, got a "
	    "string");
	TEST_IMF_FAILS(f, "{\"statusCode\":401,\"message\":\"Access denied due "
	    "to missing subscription key.\"}", "IMF API error 401: Access "
	    "denied due to missing subscription key.");
	TEST_IMF_FAILS(f, "{\"errors\":[\"Semantic error\"]}",
	    "IMF error: Semantic error");
	testcollector_feed_free(f);
}

/* {"x":[[[ ... ]]],"dataSets":[]}, depth levels in all. */
#define TEST_IMF_TAIL	",\"dataSets\":[]}"
static char *
test_imf_deep(size_t depth, size_t *len)
{
	return (testcollector_deep("{\"x\":", depth, TEST_IMF_TAIL, len));
}

static void
test_imf_bodies(void **state)
{
	struct feed		*f = test_imf_feed();
	struct collector_result	 res;
	const size_t		 cap = 32u << 20;
	char			*b, *body;
	size_t			 len;

	TEST_IMF_FAILS(f, "\t\n", "empty body (expected JSON)");
	TEST_IMF_FAILS(f, "<html><head><title>404 Not Found</title>",
	    "not JSON: unexpected \"<\" at byte 0 (an HTML error page?)");
	body = testcollector_fixture("imf",
	    "sdmx-json-1.0-PCPS-G001-PPOTASH-USD-M.json", &len);
	testcollector_fails(ops, f, body, 7, "not JSON: the string at byte 3 "
	    "never ends (truncated?)");
	testcollector_fails(ops, f, body, len - 1, "not JSON: unexpected end "
	    "at byte 2357 (truncated?)");
	b = xasprintf("\xef\xbb\xbf%s", body);
	testcollector_ok(ops, f, b, len + 3, &res);
	assert_int_equal(res.batch->nobs, 4);
	collector_result_clear(&res);
	free(b);
	free(body);
	TEST_IMF_FAILS(f, "{\"dataSets\":[],\"n\":\"\xed\xa0\x80\"}",
	    "not JSON: invalid UTF-8 at byte 20 (JSON must be UTF-8)");
	testcollector_fails(ops, f, "{\"dataSets\":[]}\0", 16,
	    "not JSON: NUL byte at byte 15");
	b = test_imf_deep(1000, &len);
	testcollector_ok(ops, f, b, len, &res);
	assert_int_equal(res.batch->nobs, 0);
	collector_result_clear(&res);
	free(b);
	b = test_imf_deep(1001, &len);
	testcollector_fails(ops, f, b, len, "not JSON we accept: nested "
	    "deeper than 1000 levels at byte 1004");
	free(b);
	/* 32 MiB in all: one observation and a long header. */
	b = xmalloc(cap + 1);
	body = test_imf_body("{\"series\":{\"0:0:0:0\":{\"observations\":"
	    "{\"2\":[\"301.25\"]}}}}", "");
	/* The message without its closing brace, then the header. */
	len = strlen(body) - 1;
	memcpy(b, body, len);
	memcpy(b + len, ",\"header\":\"", 11);
	len += 11;
	free(body);
	memset(b + len, 'x', cap - len - 2);
	memcpy(b + cap - 2, "\"}", 2);
	b[cap] = '\0';
	testcollector_ok(ops, f, b, cap, &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "imf/PPOTASH", "2024-02-01", "301.25",
	    "USD");
	collector_result_clear(&res);
	free(b);
	testcollector_feed_free(f);
}

static void
test_imf_request_one(struct feed *f, const char *url, const char *h0,
    const char *h1)
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
	if (h0 == NULL)
		assert_null(req.headers[0]);
	else
		assert_string_equal(req.headers[0], h0);
	if (h1 == NULL)
		assert_null(req.headers[1]);
	else {
		assert_string_equal(req.headers[1], h1);
		assert_null(req.headers[2]);
	}
	collector_request_clear(&req);
	ops->free(data);
	testcollector_feed_free(f);
}

#define TEST_IMF_ACCEPT	"Accept: application/vnd.sdmx.data+json;" \
			"version=1.0.0, application/json;q=0.9"

static void
test_imf_request(void **state)
{
	struct feed			*f;
	struct collector_request	 req;
	void				*data = NULL;
	char				 err[512] = "";

	f = test_imf_feed();
	test_imf_request_one(f, "https://api.imf.org/external/sdmx/2.1/data/"
	    "IMF.RES,PCPS/G001.PPOTASH.USD.M", TEST_IMF_ACCEPT, NULL);
	f = testcollector_feed("imf", "https://api.imf.org/external/sdmx/2.1/");
	testcollector_set(f, "key", "G001.PPOTASH+PUREA..M", NULL);
	f->secret = xstrdup("s3cret");
	test_imf_request_one(f, "https://api.imf.org/external/sdmx/2.1/data/"
	    "IMF.RES,PCPS/G001.PPOTASH+PUREA..M", TEST_IMF_ACCEPT,
	    "Ocp-Apim-Subscription-Key: s3cret");
	f = testcollector_feed("imf", "https://api.imf.org/external/sdmx/2.1/"
	    "data/IMF.RES,PCPS/G001.PPOTASH.USD.M?startPeriod=2019");
	test_imf_request_one(f, "https://api.imf.org/external/sdmx/2.1/data/"
	    "IMF.RES,PCPS/G001.PPOTASH.USD.M?startPeriod=2019",
	    TEST_IMF_ACCEPT, NULL);
	f = testcollector_feed("imf", "file:///srv/demo/imf.json");
	test_imf_request_one(f, "file:///srv/demo/imf.json", NULL, NULL);
	/* A key with a line break would split the header. */
	f = test_imf_feed();
	f->secret = xstrdup("a\r\nX-Evil: 1");
	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), 0);
	memset(&req, 0, sizeof(req));
	assert_int_equal(ops->request(f, data, 0, &req, err, sizeof(err)), -1);
	assert_string_equal(err, "secret: contains a line break");
	collector_request_clear(&req);
	ops->free(data);
	testcollector_feed_free(f);
}

static void
test_imf_configure_fails(struct feed *f, const char *msg)
{
	void	*data = NULL;
	char	 err[512] = "";

	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), -1);
	assert_null(data);
	assert_string_equal(err, msg);
	testcollector_feed_free(f);
}

static void
test_imf_configure(void **state)
{
	struct feed	*f;

	f = test_imf_feed();
	testcollector_set(f, "dataflow", "IMF RES,PCPS", NULL);
	test_imf_configure_fails(f, "dataflow: expected AGENCY,ID[,VERSION] "
	    "(e.g. \"IMF.RES,PCPS\"), got \"IMF RES,PCPS\"");
	f = test_imf_feed();
	testcollector_set(f, "dataflow", "IMF.RES,PCPS,1.0.0,x", NULL);
	test_imf_configure_fails(f, "dataflow: expected AGENCY,ID[,VERSION] "
	    "(e.g. \"IMF.RES,PCPS\"), got \"IMF.RES,PCPS,1.0.0,x\"");
	f = test_imf_feed();
	testcollector_set(f, "dataflow", "IMF.RES,,1.0", NULL);
	test_imf_configure_fails(f, "dataflow: expected AGENCY,ID[,VERSION] "
	    "(e.g. \"IMF.RES,PCPS\"), got \"IMF.RES,,1.0\"");
	f = test_imf_feed();
	testcollector_set(f, "key", "PPOTASH.USD.M", NULL);
	test_imf_configure_fails(f, "key: expected COUNTRY.INDICATOR."
	    "DATA_TRANSFORMATION.FREQUENCY for PCPS (e.g. "
	    "\"G001.PPOTASH.USD.M\"), got \"PPOTASH.USD.M\"");
	f = test_imf_feed();
	testcollector_set(f, "dataflow", "IMF.STA,CPI", NULL);
	testcollector_set(f, "key", "USA/CPI", NULL);
	test_imf_configure_fails(f, "key: expected an SDMX key (codes joined "
	    "by \".\" and \"+\"), got \"USA/CPI\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_imf_registry),
		cmocka_unit_test(test_imf_v1),
		cmocka_unit_test(test_imf_v2),
		cmocka_unit_test(test_imf_flat),
		cmocka_unit_test(test_imf_shapes),
		cmocka_unit_test(test_imf_types),
		cmocka_unit_test(test_imf_bodies),
		cmocka_unit_test(test_imf_request),
		cmocka_unit_test(test_imf_configure),
	};

	ops = collector_find("imf");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
