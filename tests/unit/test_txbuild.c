/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for store/txbuild's p_batches element: exact text for a
 * batch with every member and one with few, and the timestamps it writes
 * by hand against gmtime_r and snprintf over many instants (leap days,
 * ends of days and years, microseconds with leading zeros).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/batchrec.h"
#include "store/txbuild.h"
#include "util/buf.h"

static void
test_txbuild_json(void **state)
{
	struct batchrec_meta	m;
	struct buf		b;
	char			feed[] = "fred/potash";
	char			url[] = "https://x/\"q\"";
	char			error[] = "parse: bad", etag[] = "\"v1\"";
	char			events[] = "[{\"a\":1}]";

	(void)state;
	memset(&m, 0, sizeof(m));
	memcpy(m.id, "0123456789abcdef0123456789abcdef", 33);
	m.feed = feed;
	m.url = url;
	m.http_status = 200;
	m.bytes = 2048;
	m.started = INT64_C(1795957541881995);
	m.finished = INT64_C(1795957541889074);
	m.error = error;
	m.etag = etag;
	m.events = events;
	buf_init(&b, 0);
	txbuild_batch_json(&b, &m, 30);
	assert_string_equal(buf_cstr(&b), "{\"id\":\"0123456789abcdef0123456"
	    "789abcdef\",\"feed\":\"fred/potash\",\"url\":\"https://x/\\\"q\\\""
	    "\",\"status\":200,\"bytes\":2048,\"started\":\"2026-11-29T13:05:"
	    "41.881995Z\",\"finished\":\"2026-11-29T13:05:41.889074Z\",\"error"
	    "\":\"parse: bad\",\"etag\":\"\\\"v1\\\"\",\"last_modified\":null,"
	    "\"known_unchanged\":30,\"events\":[{\"a\":1}]}");

	/* No status, unknown size, no times, nothing known. */
	buf_reset(&b);
	m.url = NULL;
	m.http_status = 0;
	m.bytes = -1;
	m.started = 0;
	m.finished = 1;
	m.error = m.etag = m.events = NULL;
	txbuild_batch_json(&b, &m, 0);
	assert_string_equal(buf_cstr(&b), "{\"id\":\"0123456789abcdef0123456"
	    "789abcdef\",\"feed\":\"fred/potash\",\"url\":null,"
	    "\"started\":null,\"finished\":\"1970-01-01T00:00:00.000001Z\",\"error\":null,"
	    "\"etag\":null,\"last_modified\":null}");
	buf_deinit(&b);
}

/* The started member of the element for usec, as written. */
static void
test_txbuild_started(int64_t usec, char *out, size_t len)
{
	struct batchrec_meta	m;
	struct buf		b;
	const char		*p, *q;
	char			feed[] = "f";

	memset(&m, 0, sizeof(m));
	memcpy(m.id, "0123456789abcdef0123456789abcdef", 33);
	m.feed = feed;
	m.bytes = -1;
	m.started = usec;
	buf_init(&b, 0);
	txbuild_batch_json(&b, &m, 0);
	p = strstr(buf_cstr(&b), "\"started\":");
	assert_non_null(p);
	p += 10;
	q = strchr(p, ',');
	assert_non_null(q);
	snprintf(out, len, "%.*s", (int)(q - p), p);
	buf_deinit(&b);
}

static void
test_txbuild_times(void **state)
{
	static const int64_t	secs[] = { 0, 59, 86399, 86400, 951782399,
	    951782400, 951868799, 1078099199, 1609459199, 1709164800,
	    4107542399, 253402300799 };
	char			got[64], want[64];
	struct tm		tm;
	time_t			t;
	uint64_t		x = 88172645463325252ULL;
	int64_t			usec;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]) + 20000; i++) {
		if (i < sizeof(secs) / sizeof(secs[0]))
			usec = secs[i] * 1000000 + (int64_t)(i * 7 % 1000000);
		else {
			/* xorshift64: fixed, so failures reproduce. */
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			usec = (int64_t)(x % UINT64_C(253402300800000000));
		}
		if (usec == 0)
			usec = 1;
		t = (time_t)(usec / 1000000);
		assert_non_null(gmtime_r(&t, &tm));
		snprintf(want, sizeof(want), "\"%04d-%02d-%02dT%02d:%02d:"
		    "%02d.%06dZ\"", tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		    (int)(usec % 1000000));
		test_txbuild_started(usec, got, sizeof(got));
		assert_string_equal(got, want);
	}
	/* Before 1970 and after 9999: null, COALESCE'd by the database. */
	test_txbuild_started(-5, got, sizeof(got));
	assert_string_equal(got, "null");
	test_txbuild_started(INT64_C(253402300800000000), got, sizeof(got));
	assert_string_equal(got, "null");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_txbuild_json),
		cmocka_unit_test(test_txbuild_times),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
