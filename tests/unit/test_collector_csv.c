/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the generic csv kind: bodies in the shapes spreadsheets
 * and statistics offices export (World Bank Pink Sheet extract, a
 * European decimal-comma export with BOM and CRLF, RFC 4180 quoting),
 * line numbers in every message, ragged rows, missing columns, and the
 * usual hostile bodies (empty, truncated, HTML, NUL, invalid UTF-8,
 * 1e400, NaN, deep quoting, 32 MiB); request() and configure().
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

static struct feed *
test_csv_feed(void)
{
	return (testcollector_feed("csv", "https://example.test/export/prices.csv"));
}


/* A feed on date,close[,...] bodies. */
static struct feed *
test_csv_simple(void)
{
	struct feed	*f = test_csv_feed();

	testcollector_set(f, "period_column", "date", NULL);
	testcollector_set(f, "values", "close=>acme/close:USD/t", NULL);
	return (f);
}

static void
test_csv_pinksheet(void **state)
{
	struct feed		*f = test_csv_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	testcollector_set(f, "skip_rows", "4", NULL);
	testcollector_set(f, "period_column", "Month", NULL);
	testcollector_set(f, "period_format", "%YM%m", NULL);
	testcollector_set(f, "values",
	    "Potassium chloride ($/mt)=>pinksheet/potash:USD/t",
	    "Urea ($/mt)=>pinksheet/urea:USD/t", NULL);
	testcollector_set(f, "skip_values", "\xe2\x80\xa6", "", NULL);
	body = testcollector_fixture("csv", "pinksheet-monthly-extract.csv", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.batch->nobs, 11);
	testcollector_obs(&res, 0, "pinksheet/potash", "2024-10-01", "286.00",
	    "USD/t");
	testcollector_obs(&res, 1, "pinksheet/urea", "2024-10-01", "356.25",
	    "USD/t");
	/* 2024M12 has no urea price ("…"). */
	testcollector_obs(&res, 4, "pinksheet/potash", "2024-12-01", "284.50",
	    "USD/t");
	testcollector_obs(&res, 5, "pinksheet/potash", "2025-01-01", "296.25",
	    "USD/t");
	/* The empty ",,,," row is skipped. */
	testcollector_obs(&res, 10, "pinksheet/urea", "2025-03-01", "402.06",
	    "USD/t");
	assert_int_equal(res.batch->nseries, 2);
	assert_string_equal(res.batch->series[0].key, "pinksheet/potash");
	assert_string_equal(res.batch->series[0].name,
	    "Potassium chloride ($/mt)");
	collector_result_clear(&res);

	/* Without "…" as a marker it is an error, on its physical line. */
	testcollector_feed_free(f);
	f = test_csv_feed();
	testcollector_set(f, "skip_rows", "4", NULL);
	testcollector_set(f, "period_column", "Month", NULL);
	testcollector_set(f, "period_format", "%YM%m", NULL);
	testcollector_set(f, "values", "Phosphate rock ($/mt)=>pinksheet/rock",
	    NULL);
	testcollector_fails(ops, f, body, len, "line 12, column \"Phosphate rock "
	    "($/mt)\": expected a decimal number such as -1234.5 or 1.5e3, "
	    "got \"\\xe2\\x80\\xa6\"");

	/* Without skip_rows the title is the header. */
	testcollector_feed_free(f);
	f = test_csv_feed();
	testcollector_set(f, "period_column", "Month", NULL);
	testcollector_set(f, "values", "Urea ($/mt)=>pinksheet/urea", NULL);
	testcollector_fails(ops, f, body, len, "column \"Month\" is not in the header "
	    "(line 1): \"World Bank Commodity Price Data (The Pink "
	    "Sheet)...\"");
	free(body);
	testcollector_feed_free(f);
}

static void
test_csv_european(void **state)
{
	struct feed		*f = test_csv_feed();
	struct collector_result	 res;
	char			*body;
	size_t			 len;

	testcollector_set(f, "delimiter", ";", NULL);
	testcollector_set(f, "decimal_comma", "true", NULL);
	testcollector_set(f, "period_column", "Datum", NULL);
	testcollector_set(f, "period_format", "%d.%m.%Y", NULL);
	testcollector_set(f, "values",
	    "Kaliumchlorid granuliert (EUR/t)=>haendler/kcl-gran:EUR/t",
	    "Menge (t)=>haendler/kcl-gran-menge:t", NULL);
	testcollector_set(f, "skip_values", "-", "", NULL);
	body = testcollector_fixture("csv", "european-decimal-comma.csv", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.batch->nobs, 7);
	testcollector_obs(&res, 0, "haendler/kcl-gran", "2025-01-02", "1234.56",
	    "EUR/t");
	testcollector_obs(&res, 1, "haendler/kcl-gran-menge", "2025-01-02",
	    "12500", "t");
	testcollector_obs(&res, 2, "haendler/kcl-gran", "2025-01-03", "1236.10",
	    "EUR/t");
	testcollector_obs(&res, 4, "haendler/kcl-gran-menge", "2025-01-06", "0",
	    "t");
	testcollector_obs(&res, 5, "haendler/kcl-gran", "2025-01-07", "1240.00",
	    "EUR/t");
	collector_result_clear(&res);

	/* The same file read with a dot: the comma is refused, by line. */
	testcollector_feed_free(f);
	f = test_csv_feed();
	testcollector_set(f, "delimiter", ";", NULL);
	testcollector_set(f, "period_column", "Datum", NULL);
	testcollector_set(f, "period_format", "%d.%m.%Y", NULL);
	testcollector_set(f, "values",
	    "Kaliumchlorid granuliert (EUR/t)=>haendler/kcl-gran:EUR/t", NULL);
	testcollector_fails(ops, f, body, len, "line 2, column \"Kaliumchlorid "
	    "granuliert (EUR/t)\": expected a decimal number such as -1234.5 "
	    "or 1.5e3, got \"1.234,56\"");
	free(body);
	testcollector_feed_free(f);
}

static void
test_csv_quoted(void **state)
{
	struct feed		*f = test_csv_simple();
	struct collector_result	 res;
	char			*body, *p;
	size_t			 len;

	body = testcollector_fixture("csv", "quoted-multiline.csv", &len);
	testcollector_ok(ops, f, body, len, &res);
	assert_int_equal(res.batch->nobs, 3);
	testcollector_obs(&res, 0, "acme/close", "2025-01-02", "312.50", "USD/t");
	testcollector_obs(&res, 1, "acme/close", "2025-01-03", "313.75", "USD/t");
	testcollector_obs(&res, 2, "acme/close", "2025-01-07", "314.00", "USD/t");
	collector_result_clear(&res);

	/* Lines are counted through the line breaks inside quotes. */
	p = strstr(body, "314.00");
	memcpy(p, "31x.00", 6);
	testcollector_fails(ops, f, body, len, "line 7, column \"close\": expected a "
	    "decimal number such as -1234.5 or 1.5e3, got \"31x.00\"");
	testcollector_feed_free(f);

	f = test_csv_feed();
	testcollector_set(f, "period_column", "date", NULL);
	testcollector_set(f, "values", "notes=>acme/notes", NULL);
	testcollector_fails(ops, f, body, len, "line 2, column \"notes\": expected a "
	    "decimal number such as -1234.5 or 1.5e3, got \"two\\x0d\\x0a"
	    "lines\"");
	free(body);
	testcollector_feed_free(f);
}

static void
test_csv_no_header(void **state)
{
	struct feed		*f = test_csv_feed();
	struct collector_result	 res;
	const char		*b;

	testcollector_set(f, "header", "false", NULL);
	testcollector_set(f, "delimiter", "tab", NULL);
	testcollector_set(f, "period_column", "1", NULL);
	testcollector_set(f, "period_format", "%d/%m/%Y", NULL);
	testcollector_set(f, "values", "3=>acme/close:USD/t", NULL);
	b = "02/01/2025\tx\t312.5\n03/01/2025\ty\t313\n";
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 2);
	testcollector_obs(&res, 0, "acme/close", "2025-01-02", "312.5", "USD/t");
	testcollector_obs(&res, 1, "acme/close", "2025-01-03", "313", "USD/t");
	assert_null(res.batch->series[0].name);
	collector_result_clear(&res);
	b = "02/01/2025\tx\t312.5\n03/01/2025\ty\tn/a\n";
	testcollector_fails(ops, f, b, strlen(b), "line 2, column 3: expected a decimal "
	    "number such as -1234.5 or 1.5e3, got \"n/a\"");
	b = "02/01/2025\tx\n";
	testcollector_fails(ops, f, b, strlen(b), "column 3 does not exist: line 1 has 2 "
	    "fields");
	b = "2025-01-02\tx\t1\n";
	testcollector_fails(ops, f, b, strlen(b), "line 1, column 1: expected a period "
	    "in the format \"%d/%m/%Y\", got \"2025-01-02\"");
	b = "02/01/2025\tx\t1\n03/01/2025\t2\n";
	testcollector_fails(ops, f, b, strlen(b), "line 2: expected 3 fields as on line "
	    "1, got 2");
	/* No rows at all: nothing to store, no error. */
	testcollector_ok(ops, f, "\n\n", 2, &res);
	assert_int_equal(res.batch->nobs, 0);
	collector_result_clear(&res);
	testcollector_feed_free(f);
}

static void
test_csv_line_ends(void **state)
{
	struct feed		*f = test_csv_simple();
	struct collector_result	 res;
	const char		*b;

	/* Lone CR (old Mac exports), blank lines, no final newline. */
	b = "date,close\r2025-01-02,1\r\r2025-01-03,2";
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 2);
	testcollector_obs(&res, 1, "acme/close", "2025-01-03", "2", "USD/t");
	collector_result_clear(&res);
	b = "date,close\r2025-01-02,1\r\r2025-01-03,x";
	testcollector_fails(ops, f, b, strlen(b), "line 4, column \"close\": expected a "
	    "decimal number such as -1234.5 or 1.5e3, got \"x\"");
	/* Spaces around cells and header names do not matter. */
	b = " date , close \n 2025-01-02 , 1.5 \n";
	testcollector_ok(ops, f, b, strlen(b), &res);
	testcollector_obs(&res, 0, "acme/close", "2025-01-02", "1.5", "USD/t");
	collector_result_clear(&res);
	testcollector_feed_free(f);
}

static void
test_csv_broken(void **state)
{
	struct feed	*f = test_csv_simple();
	const char	*b;

	testcollector_fails(ops, f, "", 0, "empty body (expected CSV)");
	testcollector_fails(ops, f, "\r\n\r\n", 4, "no header line");
	testcollector_fails(ops, f, "date,close\n2025-01-02,1\0\n", 25, "line 2: NUL "
	    "byte at byte 23 (not a text file?)");
	b = "date,close,notes\n2025-01-02,1,\"abc\n2025-01-03,2,x\n";
	testcollector_fails(ops, f, b, strlen(b), "line 2, field 3: the quoted field "
	    "never ends (truncated?)");
	b = "date,close\n\"2025-01-02\"x,1\n";
	testcollector_fails(ops, f, b, strlen(b), "line 2, field 1: unexpected \"x\" "
	    "after the closing quote (a quote inside a quoted field is "
	    "written twice)");
	b = "date,close,volume\n2025-01-02,1,5\n2025-01-03,2";
	testcollector_fails(ops, f, b, strlen(b), "line 3: expected 3 fields as in the "
	    "header on line 1, got 2");
	b = "date,close\n2025-01-02,1\n2025-01-03,2,\n";
	testcollector_fails(ops, f, b, strlen(b), "line 3: expected 2 fields as in the "
	    "header on line 1, got 3");
	b = "Date,Close\n2025-01-02,1\n";
	testcollector_fails(ops, f, b, strlen(b), "column \"date\" is not in the header "
	    "(line 1): \"Date\", \"Close\"");
	b = "<html><body>503 Service Unavailable</body></html>\n";
	testcollector_fails(ops, f, b, strlen(b), "column \"date\" is not in the header "
	    "(line 1, an HTML error page?): \"<html><body>503 Service "
	    "Unavailable</body></html...\"");
	b = "date,close,close\n2025-01-02,1,2\n";
	testcollector_fails(ops, f, b, strlen(b), "column \"close\" is in the header "
	    "(line 1) twice: columns 2 and 3");
	b = "date,close\n2025-01-02,1\n2025-01-03,2\n2025-01-02,3\n";
	testcollector_fails(ops, f, b, strlen(b), "line 4: a second value of "
	    "\"acme/close\" for 2025-01-02 (the first is on line 2)");
	b = "date,close\n2025-01-02,1\n\n\n\n\n2025-01-07,12,5x\n";
	testcollector_fails(ops, f, b, strlen(b), "line 7: expected 2 fields as in the "
	    "header on line 1, got 3");
	b = "date,close\n2025-01-02,1\n\n\n\n\n2025-01-07,\"12,5x\"\n";
	testcollector_fails(ops, f, b, strlen(b), "line 7, column \"close\": expected a "
	    "decimal number such as -1234.5 or 1.5e3, got \"12,5x\"");
	b = "date,close\n2025-13-02,1\n";
	testcollector_fails(ops, f, b, strlen(b), "line 2, column \"date\": expected a "
	    "month between 01 and 12, got \"2025-13-02\"");
	testcollector_feed_free(f);

	f = test_csv_simple();
	testcollector_set(f, "skip_rows", "5", NULL);
	testcollector_fails(ops, f, "title\nnotes", 11, "skip_rows = 5, but the body has "
	    "only 2 lines");
	testcollector_fails(ops, f, "1\n2\n3\n4\n5\n", 10, "no header line after "
	    "skip_rows");
	testcollector_feed_free(f);
}

static void
test_csv_values(void **state)
{
	struct feed		*f = test_csv_simple();
	struct collector_result	 res;
	const char		*b;

	b = "date,close\n2025-01-02,1e400\n";
	testcollector_fails(ops, f, b, strlen(b), "line 2, column \"close\": number out "
	    "of range: expected a magnitude between 1e-300 and 1e300, got "
	    "\"1e400\"");
	b = "date,close\n2025-01-02,NaN\n";
	testcollector_fails(ops, f, b, strlen(b), "line 2, column \"close\": expected a "
	    "finite decimal number, got \"NaN\"");
	b = "date,close\n2025-01-02,-Infinity\n";
	testcollector_fails(ops, f, b, strlen(b), "line 2, column \"close\": expected a "
	    "finite decimal number, got \"-Infinity\"");
	/* Invalid UTF-8 in a used cell is an error... */
	b = "date,close,notes\n2025-01-02,1\xe9,x\n";
	testcollector_fails(ops, f, b, strlen(b), "line 2, column \"close\": expected a "
	    "decimal number such as -1234.5 or 1.5e3, got \"1\\xe9\" (invalid "
	    "UTF-8 at offset 1)");
	/* ...in a column nobody reads it is left alone (Latin-1 notes). */
	b = "date,close,notes\n2025-01-02,1.25,caf\xe9\n";
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "acme/close", "2025-01-02", "1.25", "USD/t");
	collector_result_clear(&res);
	/* Empty cells are missing, not 0; unset skip_values means "". */
	b = "date,close\n2025-01-02,\n2025-01-03,  \n2025-01-06,0\n";
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "acme/close", "2025-01-06", "0", "USD/t");
	collector_result_clear(&res);
	testcollector_feed_free(f);

	/* skip_values replaces the default: an empty cell is an error. */
	f = test_csv_simple();
	testcollector_set(f, "skip_values", "n/a", NULL);
	b = "date,close\n2025-01-02,n/a\n2025-01-03,\n";
	testcollector_fails(ops, f, b, strlen(b), "line 3, column \"close\": expected a "
	    "decimal number such as -1234.5 or 1.5e3, got \"\"");
	testcollector_feed_free(f);
}

static void
test_csv_bom(void **state)
{
	struct feed		*f = test_csv_simple();
	struct collector_result	 res;
	const char		*b;

	b = "\xef\xbb\xbf" "date,close\n2025-01-02,1\n";
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 1);
	collector_result_clear(&res);
	/* Only at the very start: elsewhere it is part of a name. */
	b = "\n\xef\xbb\xbf" "date,close\n2025-01-02,1\n";
	testcollector_fails(ops, f, b, strlen(b), "column \"date\" is not in the header "
	    "(line 2): \"\\xef\\xbb\\xbfdate\", \"close\"");
	testcollector_feed_free(f);
}

static void
test_csv_deep(void **state)
{
	struct feed		*f = test_csv_simple();
	struct collector_result	 res;
	char			*b;
	size_t			 n = 0, i;

	/* A cell of 1000 doubled quotes: 1000 '"' once read. */
	b = xmalloc(4096);
	n += (size_t)sprintf(b, "date,close,notes\n2025-01-02,1,\"");
	for (i = 0; i < 1000; i++) {
		b[n++] = '"';
		b[n++] = '"';
	}
	n += (size_t)sprintf(b + n, "\"\n2025-01-03,\"");
	for (i = 0; i < 1000; i++) {
		b[n++] = '"';
		b[n++] = '"';
	}
	n += (size_t)sprintf(b + n, "\",x\n");
	testcollector_fails(ops, f, b, n, "line 3, column \"close\": expected a decimal "
	    "number such as -1234.5 or 1.5e3, got \"\\\"\\\"\\\"\\\"\\\"\\\""
	    "\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\""
	    "\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\""
	    "\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"\\\"...\"");
	/* Only the first row: the deep cell is a note, not read. */
	b[strstr(b, "\n2025-01-03") - b + 1] = '\0';
	testcollector_ok(ops, f, b, strlen(b), &res);
	assert_int_equal(res.batch->nobs, 1);
	collector_result_clear(&res);
	free(b);
	testcollector_feed_free(f);
}

static void
test_csv_huge(void **state)
{
	struct feed		*f = test_csv_simple();
	struct collector_result	 res;
	const size_t		 cap = 32u << 20;
	const char		*head = "date,close,notes\r\n"
				    "2025-01-02,42.5,\"";
	const char		*tail = "\"\r\n";
	char			*b;
	size_t			 n;

	/* 32 MiB in all: a note that is almost all of it. */
	b = xmalloc(cap + 1);
	n = strlen(head);
	memcpy(b, head, n);
	memset(b + n, 'x', cap - n - strlen(tail));
	memcpy(b + cap - strlen(tail), tail, strlen(tail));
	b[cap] = '\0';
	testcollector_ok(ops, f, b, cap, &res);
	assert_int_equal(res.batch->nobs, 1);
	testcollector_obs(&res, 0, "acme/close", "2025-01-02", "42.5", "USD/t");
	collector_result_clear(&res);
	testcollector_fails(ops, f, b, cap - 10, "line 2, field 3: the quoted field "
	    "never ends (truncated?)");
	free(b);
	testcollector_feed_free(f);
}

static void
test_csv_request(void **state)
{
	struct feed			*f = test_csv_simple();
	struct collector_request	 req;
	void				*data = NULL;
	char				 err[512];

	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), 0);
	assert_int_equal(ops->request(f, data, 0, &req, err, sizeof(err)), 0);
	assert_string_equal(req.url, "https://example.test/export/prices.csv");
	assert_string_equal(req.headers[0], "Accept: text/csv, "
	    "text/plain;q=0.5, */*;q=0.1");
	assert_null(req.headers[1]);
	collector_request_clear(&req);
	ops->free(data);

	testcollector_set(f, "secret_query", "token", NULL);
	testcollector_set(f, "secret_header", "X-API-Key", NULL);
	f->secret = xstrdup("a b");
	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), 0);
	assert_int_equal(ops->request(f, data, 0, &req, err, sizeof(err)), 0);
	assert_string_equal(req.url, "https://example.test/export/prices.csv"
	    "?token=a%20b");
	assert_string_equal(req.headers[1], "X-API-Key: a b");
	collector_request_clear(&req);
	ops->free(data);
	testcollector_feed_free(f);
}

static void
test_csv_config_fails(struct feed *f, const char *msg)
{
	void	*data = NULL;
	char	 err[512] = "";

	assert_int_equal(ops->configure(f, &data, err, sizeof(err)), -1);
	assert_null(data);
	assert_string_equal(err, msg);
	testcollector_feed_free(f);
}

static void
test_csv_configure(void **state)
{
	struct feed	*f;

	f = test_csv_simple();
	testcollector_set(f, "delimiter", ";;", NULL);
	test_csv_config_fails(f, "delimiter: expected one character such as "
	    "\",\" or \";\", or \"tab\", got \";;\"");

	f = test_csv_simple();
	testcollector_set(f, "delimiter", "\"", NULL);
	test_csv_config_fails(f, "delimiter: expected one character such as "
	    "\",\" or \";\", or \"tab\", got \"\"\"");

	f = test_csv_simple();
	testcollector_set(f, "header", "maybe", NULL);
	test_csv_config_fails(f, "header: expected true or false, got "
	    "\"maybe\"");

	f = test_csv_simple();
	testcollector_set(f, "skip_rows", "-1", NULL);
	test_csv_config_fails(f, "skip_rows: expected an integer between 0 "
	    "and 1000000, got \"-1\"");

	f = test_csv_feed();
	testcollector_set(f, "values", "close=>acme/close", NULL);
	test_csv_config_fails(f, "period_column: missing: name the column "
	    "holding each row's period, e.g. \"Month\" or \"1\"");

	f = test_csv_simple();
	testcollector_set(f, "header", "false", NULL);
	test_csv_config_fails(f, "period_column: expected a column number "
	    "from 1 (header = false), got \"date\"");

	f = test_csv_feed();
	testcollector_set(f, "header", "off", NULL);
	testcollector_set(f, "period_column", "1", NULL);
	testcollector_set(f, "values", "close=>acme/close", NULL);
	test_csv_config_fails(f, "values: \"close=>acme/close\": expected a "
	    "column number from 1 (header = false), got \"close\"");

	f = test_csv_feed();
	testcollector_set(f, "period_column", "0", NULL);
	testcollector_set(f, "values", "2=>acme/close", NULL);
	test_csv_config_fails(f, "period_column: expected a column number "
	    "from 1, got \"0\"");

	f = test_csv_simple();
	testcollector_set(f, "period_format", "%d.%m", NULL);
	test_csv_config_fails(f, "period_format: \"%d.%m\" has no year (%Y or "
	    "%y)");
}

static void
test_csv_registry(void **state)
{
	size_t	i;

	assert_non_null(ops);
	assert_string_equal(ops->name, "csv");
	for (i = 0; i < ops->noptions; i++)
		assert_true(strlen(ops->options[i].doc) > 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_registry),
		cmocka_unit_test(test_csv_pinksheet),
		cmocka_unit_test(test_csv_european),
		cmocka_unit_test(test_csv_quoted),
		cmocka_unit_test(test_csv_no_header),
		cmocka_unit_test(test_csv_line_ends),
		cmocka_unit_test(test_csv_broken),
		cmocka_unit_test(test_csv_values),
		cmocka_unit_test(test_csv_bom),
		cmocka_unit_test(test_csv_deep),
		cmocka_unit_test(test_csv_huge),
		cmocka_unit_test(test_csv_request),
		cmocka_unit_test(test_csv_configure),
	};

	ops = collector_find("csv");
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
