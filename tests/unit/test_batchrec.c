/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for store/batchrec: the header facts encode hands back are
 * exactly what decode reads from the record (the writer trusts the first
 * for memory batches and the second for spooled ones), the COPY body
 * escapes what COPY text format needs escaped, has a known_at column only
 * when some observation has one, and records of the format before that
 * column (old spools) still decode, as do headers cJSON printed (numbers
 * as doubles) next to the ones written now (integers), and strings are
 * escaped in the header as cJSON escaped them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/batchrec.h"
#include "util/xmalloc.h"

static void
assert_same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void
test_encode_meta_equals_decode(void **state)
{
	struct batchrec_meta	 enc, dec;
	struct sanctions_event	 ev;
	struct batch		*b;
	char			*rec, err[256];
	size_t			 len;

	(void)state;
	b = batch_new("feed-a");
	batch_set_url(b, "https://example.test/x?api_key=REDACTED");
	b->http_status = 200;
	b->bytes = 12345;
	b->started = 1764000000123456;
	b->finished = 1764000001000000;
	b->etag = xstrdup("\"v1\"");
	b->last_modified = xstrdup("Mon, 15 Dec 2025 10:00:00 GMT");
	batch_add(b, "t/a\tb", "2025-12-01", "1.50", "USD/t");
	batch_add(b, "t/a", "2026-01-01", "-2", "");
	batch_describe(b, "t/a", "A \"name\"", "USD/t", "M",
	    "{\"origin\": \"BLR\"}");
	memset(&ev, 0, sizeof(ev));
	ev.announced_on = xstrdup("2025-12-15");
	ev.jurisdiction = xstrdup("US");
	ev.action = xstrdup("general_license");
	ev.instrument = xstrdup("GL 13");
	ev.direction = -1;
	ev.verification = xstrdup("DETECTED (test)");
	batch_add_event(b, &ev);

	rec = batchrec_encode(b, &len, &enc);
	assert_int_equal(batchrec_decode(rec, len, &dec, err, sizeof(err)), 0);
	assert_string_equal(enc.id, dec.id);
	assert_int_equal(strlen(enc.id), 32);
	assert_string_equal(enc.feed, dec.feed);
	assert_same_str(enc.url, dec.url);
	assert_int_equal(enc.http_status, dec.http_status);
	assert_int_equal(enc.bytes, dec.bytes);
	assert_int_equal(enc.started, dec.started);
	assert_int_equal(enc.finished, dec.finished);
	assert_same_str(enc.error, dec.error);
	assert_same_str(enc.series, dec.series);
	assert_same_str(enc.events, dec.events);
	assert_int_equal(enc.nevents, 1);
	assert_int_equal(dec.nevents, 1);
	assert_same_str(enc.etag, dec.etag);
	assert_same_str(enc.last_modified, dec.last_modified);
	assert_int_equal(enc.rows, 2);
	assert_int_equal(dec.rows, 2);
	assert_int_equal(enc.body_off, dec.body_off);
	/* No known_at anywhere: neither in the header nor in the body. */
	assert_int_equal(enc.known_at, 0);
	assert_int_equal(dec.known_at, 0);
	assert_null(memmem(rec, enc.body_off, "known_at", 8));
	/* The body: a tab in a key is escaped, seq numbers the rows. */
	assert_string_equal(rec + enc.body_off,
	    "t/a\\tb\t2025-12-01\t1.50\tUSD/t\t0\n"
	    "t/a\t2026-01-01\t-2\t\t1\n");
	batchrec_meta_free(&enc);
	batchrec_meta_free(&dec);
	free(rec);
	batch_free(b);
}

static void
test_minimal_batch(void **state)
{
	struct batchrec_meta	 enc, dec;
	struct batch		*b = batch_new("f");
	char			*rec, err[256];
	size_t			 len;

	(void)state;
	rec = batchrec_encode(b, &len, &enc);
	assert_int_equal(batchrec_decode(rec, len, &dec, err, sizeof(err)), 0);
	assert_null(enc.url);
	assert_null(dec.url);
	assert_null(enc.series);
	assert_null(dec.series);
	assert_int_equal(enc.rows, 0);
	assert_int_equal(enc.body_off, len);
	assert_int_equal(dec.body_off, len);
	batchrec_meta_free(&enc);
	batchrec_meta_free(&dec);
	free(rec);
	batch_free(b);
}

static void
test_known_at_round_trip(void **state)
{
	struct batchrec_meta	 enc, dec;
	struct batch		*b = batch_new("import");
	char			*rec, *header, err[256];
	size_t			 len;

	(void)state;
	batch_add_known(b, "t/a", "2021-07-01", "280", "USD/t",
	    "2021-08-20T15:00:00Z");
	batch_add(b, "t/a", "2021-08-01", "300", "USD/t");
	batch_add_known(b, "t/b", "2021-07-01", "1", "t", "2021-09-19");
	assert_null(b->obs[1].known_at);
	assert_string_equal(b->obs[2].known_at, "2021-09-19");

	rec = batchrec_encode(b, &len, &enc);
	assert_int_equal(batchrec_decode(rec, len, &dec, err, sizeof(err)), 0);
	assert_int_equal(enc.known_at, 1);
	assert_int_equal(dec.known_at, 1);
	assert_int_equal(enc.rows, 3);
	assert_int_equal(dec.rows, 3);
	assert_int_equal(enc.body_off, dec.body_off);
	header = xstrndup(rec, enc.body_off);
	assert_non_null(strstr(header, "\"known_at\":true"));
	free(header);
	/* Every row has the sixth column; \N where there is none. */
	assert_string_equal(rec + enc.body_off,
	    "t/a\t2021-07-01\t280\tUSD/t\t0\t2021-08-20T15:00:00Z\n"
	    "t/a\t2021-08-01\t300\tUSD/t\t1\t\\N\n"
	    "t/b\t2021-07-01\t1\tt\t2\t2021-09-19\n");
	batchrec_meta_free(&enc);
	batchrec_meta_free(&dec);
	free(rec);
	batch_free(b);
}

static void
test_old_record_decodes(void **state)
{
	/* A record as builds before the known_at column wrote it. */
	static const char	 rec[] =
	    "{\"v\":1,\"id\":\"0123456789abcdef0123456789abcdef\","
	    "\"feed\":\"fred\",\"status\":200,\"bytes\":42,"
	    "\"started\":1764000000000000,\"finished\":1764000001000000,"
	    "\"rows\":2}\n"
	    "fred/X\t2025-11-01\t351.5\tUSD/t\t0\n"
	    "fred/X\t2025-12-01\t360\tUSD/t\t1\n";
	static const char	 off[] =
	    "{\"v\":1,\"id\":\"0123456789abcdef0123456789abcdef\","
	    "\"feed\":\"fred\",\"rows\":1,\"known_at\":false}\n"
	    "fred/X\t2025-11-01\t351.5\tUSD/t\t0\n";
	struct batchrec_meta	 m;
	char			 err[256];

	(void)state;
	assert_int_equal(batchrec_decode(rec, sizeof(rec) - 1, &m, err,
	    sizeof(err)), 0);
	assert_string_equal(m.id, "0123456789abcdef0123456789abcdef");
	assert_string_equal(m.feed, "fred");
	assert_int_equal(m.http_status, 200);
	assert_int_equal(m.bytes, 42);
	assert_int_equal(m.rows, 2);
	assert_int_equal(m.known_at, 0);
	assert_string_equal(rec + m.body_off,
	    "fred/X\t2025-11-01\t351.5\tUSD/t\t0\n"
	    "fred/X\t2025-12-01\t360\tUSD/t\t1\n");
	batchrec_meta_free(&m);
	/* Only true means the column is there. */
	assert_int_equal(batchrec_decode(off, sizeof(off) - 1, &m, err,
	    sizeof(err)), 0);
	assert_int_equal(m.known_at, 0);
	batchrec_meta_free(&m);
}

static void
test_header_text(void **state)
{
	/* The header as cJSON printed it, numbers as doubles. */
	static const char	 cjson_rec[] =
	    "{\"v\":1,\"id\":\"0123456789abcdef0123456789abcdef\","
	    "\"feed\":\"f\",\"status\":200,\"bytes\":2048,"
	    "\"started\":1.7640000001234560e+15,"
	    "\"finished\":1.764000001e+15,\"rows\":0}\n";
	struct batchrec_meta	 enc, dec;
	struct batch		*b = batch_new("f\"\\\x01\t\xc3\xa9");
	char			*rec, *header, err[256];
	size_t			 len;

	(void)state;
	assert_int_equal(batchrec_decode(cjson_rec, sizeof(cjson_rec) - 1,
	    &dec, err, sizeof(err)), 0);
	assert_int_equal(dec.started, 1764000000123456);
	assert_int_equal(dec.finished, 1764000001000000);
	assert_int_equal(dec.bytes, 2048);
	batchrec_meta_free(&dec);

	b->http_status = 404;
	b->bytes = 2048;
	b->started = 1764000000123456;
	b->finished = -1;
	batch_set_error(b, "line 1\nline 2\b\f\r\x1f/");
	batch_describe(b, "t/a", NULL, NULL, NULL, "{\"a\": [1, 2.50]}");
	batch_describe(b, "t/b", "B", "t", "M", "[1]");
	rec = batchrec_encode(b, &len, &enc);
	header = xstrndup(rec, enc.body_off);
	assert_non_null(strstr(header, ",\"feed\":"));
	assert_string_equal(strstr(header, ",\"feed\":") + 1,
	    "\"feed\":\"f\\\"\\\\\\u0001\\t\xc3\xa9\","
	    "\"status\":404,\"bytes\":2048,"
	    "\"started\":1764000000123456,\"finished\":-1,"
	    "\"error\":\"line 1\\nline 2\\b\\f\\r\\u001f/\",\"rows\":0,"
	    "\"series\":[{\"key\":\"t/a\",\"name\":null,\"unit\":null,"
	    "\"frequency\":null,\"dimensions\":{\"a\":[1,2.5]}},"
	    "{\"key\":\"t/b\",\"name\":\"B\",\"unit\":\"t\","
	    "\"frequency\":\"M\"}]}\n");
	assert_int_equal(batchrec_decode(rec, len, &dec, err, sizeof(err)), 0);
	assert_string_equal(dec.feed, b->feed);
	assert_string_equal(dec.error, b->error);
	assert_int_equal(dec.started, b->started);
	assert_int_equal(dec.finished, b->finished);
	assert_string_equal(enc.series, dec.series);
	batchrec_meta_free(&enc);
	batchrec_meta_free(&dec);
	free(header);
	free(rec);
	batch_free(b);
}

static void
assert_same_meta(const struct batchrec_meta *a, const struct batchrec_meta *b)
{
	assert_string_equal(a->id, b->id);
	assert_same_str(a->feed, b->feed);
	assert_same_str(a->url, b->url);
	assert_int_equal(a->http_status, b->http_status);
	assert_int_equal(a->bytes, b->bytes);
	assert_int_equal(a->started, b->started);
	assert_int_equal(a->finished, b->finished);
	assert_same_str(a->error, b->error);
	assert_same_str(a->series, b->series);
	assert_same_str(a->events, b->events);
	assert_int_equal(a->nevents, b->nevents);
	assert_same_str(a->etag, b->etag);
	assert_same_str(a->last_modified, b->last_modified);
	assert_int_equal(a->rows, b->rows);
	assert_int_equal(a->known_at, b->known_at);
	assert_int_equal(a->body_off, b->body_off);
}

/*
 * decode reads the headers encode writes without cJSON when it can: what
 * it reads is what cJSON reads, header for header, whichever way each
 * goes (escapes, numbers as cJSON prints them, members out of order, an
 * id of another length, a truncated header).
 */
static void
test_decode_fast_equals_cjson(void **state)
{
	static const char *const	 headers[] = {
	    "{\"v\":1,\"id\":\"0123456789abcdef0123456789abcdef\",\"feed\":"
	    "\"f\",\"bytes\":0,\"started\":0,\"finished\":0,\"rows\":0}\n",
	    "{\"v\":1,\"id\":\"0123456789abcdef0123456789abcdef\",\"feed\":"
	    "\"f\",\"url\":\"u\",\"status\":-3,\"bytes\":-1,\"started\":"
	    "999999999999999999,\"finished\":-999999999999999999,\"error\":"
	    "\"\",\"rows\":7,\"known_at\":true,\"etag\":\"e\","
	    "\"last_modified\":\"l\"}\nbody",
	    /* Falls to cJSON: 19 digits, an escape, order, 1.0, spaces. */
	    "{\"v\":1,\"id\":\"0123456789abcdef0123456789abcdef\",\"feed\":"
	    "\"f\",\"bytes\":1,\"started\":1234567890123456789,\"finished\":"
	    "0,\"rows\":0}\n",
	    "{\"v\":1,\"id\":\"0123456789abcdef0123456789abcdef\",\"feed\":"
	    "\"f\\u00e9\\n\",\"bytes\":1,\"started\":2,\"finished\":3,"
	    "\"rows\":0}\n",
	    "{\"v\":1,\"id\":\"0123456789abcdef0123456789abcdef\",\"feed\":"
	    "\"f\",\"status\":200,\"url\":\"u\",\"bytes\":1,\"started\":2,"
	    "\"finished\":3,\"rows\":0}\n",
	    "{\"v\":1,\"id\":\"0123456789abcdef0123456789abcdef\",\"feed\":"
	    "\"f\",\"bytes\":1.0,\"started\":2e3,\"finished\":3,\"rows\":"
	    "4}\n",
	    "{ \"v\": 1, \"id\": \"0123456789abcdef0123456789abcdef\", "
	    "\"feed\": \"f\", \"rows\": 0 }\n",
	    "{\"v\":1,\"id\":\"0123456789abcdef0123456789abcdef\",\"feed\":"
	    "\"f\",\"bytes\":1,\"started\":2,\"finished\":3,\"rows\":0,"
	    "\"events\":[{\"a\":1},{\"b\":2}]}\n",
	    "{\"v\":1,\"id\":\"0123456789abcdef0123456789abcdef\",\"feed\":"
	    "\"f\",\"bytes\":1,\"started\":2,\"finished\":3,\"rows\":0,"
	    "\"extra\":1}\n",
	};
	static const char *const	 refused[] = {
	    "{\"v\":1,\"id\":\"0123\",\"feed\":\"f\",\"rows\":0}\n",
	    "{\"v\":1,\"id\":\"0123456789abcdef0123456789abcdef\",\"feed\":"
	    "\"f\",\"bytes\":1,\"started\":2,\"finished\":3,\"rows\":0\n",
	    "{\"v\":1,\"id\":\"0123456789abcdef0123456789abcdef\",\"rows\":"
	    "0}\n",
	    "{\"v\":2,\"id\":\"0123456789abcdef0123456789abcdef\",\"feed\":"
	    "\"f\",\"bytes\":1,\"started\":2,\"finished\":3,\"rows\":0}\n",
	};
	struct batchrec_meta	 a, b;
	char			 err[256], err2[256];
	size_t			 i, len;

	(void)state;
	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		len = strlen(headers[i]);
		assert_int_equal(batchrec_decode(headers[i], len, &a, err,
		    sizeof(err)), 0);
		assert_int_equal(batchrec_decode_cjson(headers[i], len, &b,
		    err, sizeof(err)), 0);
		assert_same_meta(&a, &b);
		batchrec_meta_free(&a);
		batchrec_meta_free(&b);
	}
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		len = strlen(refused[i]);
		assert_int_equal(batchrec_decode(refused[i], len, &a, err,
		    sizeof(err)), -1);
		assert_int_equal(batchrec_decode_cjson(refused[i], len, &b,
		    err2, sizeof(err2)), -1);
		assert_string_equal(err, err2);
	}
}

static void
test_decode_errors(void **state)
{
	struct batchrec_meta	m;
	char			err[256];

	(void)state;
	assert_int_equal(batchrec_decode("no newline", 10, &m, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "record has no header line");
	assert_int_equal(batchrec_decode("{\"v\":2}\n", 8, &m, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "record version 2, expected 1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_meta_equals_decode),
		cmocka_unit_test(test_minimal_batch),
		cmocka_unit_test(test_known_at_round_trip),
		cmocka_unit_test(test_old_record_decodes),
		cmocka_unit_test(test_decode_fast_equals_cjson),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_header_text),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
