/* SPDX-License-Identifier: ISC */
/*
 * Integration test of the data path: potashd with several feeds against
 * the loopback fake HTTP server and the real PostgreSQL.  Rows and
 * feed_runs arrive as expected, a broken feed and a garbage feed do not
 * stop a good one, secrets stay out of feed_runs, and a restart keeps the
 * ETag for the next conditional GET.  A body fetched again once stored is
 * not parsed again; another body, and the first one back, are.
 */
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fakes/httpd.h"
#include "testdaemon.h"
#include "testpg.h"
#include "testproc.h"
#include "util/xmalloc.h"

#define GOOD_BODY \
	"{\"data\": [{\"date\": \"2025-11-01\", \"price\": 355.5}, " \
	"{\"date\": \"2025-12-01\", \"price\": \"361.25\"}, " \
	"{\"date\": \"2026-01-01\", \"price\": null}]}"

static void
test_feeds(void **state)
{
	const char	*db = "t_feeds";
	const char	*etag_hdr[] = { "ETag: \"v1\"",
	    "Content-Type: application/json", NULL };
	struct fake_httpd_route	 r;
	struct testd	 d;
	PGconn		*conn;
	char		*text, *v, *secret;
	size_t		 i, n;
	int		 conditional = 0;

	(void)state;
	conn = testpg_fresh(db);
	testd_init(&d);
	memset(&r, 0, sizeof(r));
	r.path = "/good";
	r.headers = etag_hdr;
	r.body = GOOD_BODY;
	fake_httpd_route(d.http, &r);
	memset(&r, 0, sizeof(r));
	r.path = "/broken";
	r.status = 500;
	r.body = "internal error";
	fake_httpd_route(d.http, &r);
	memset(&r, 0, sizeof(r));
	r.path = "/garbage";
	r.body = "<html>not json</html>";
	fake_httpd_route(d.http, &r);

	secret = xasprintf("%s/key", d.dir);
	testproc_write(secret, "s3cr3t-key\n");
	text = xasprintf("state_directory = \"%s\"\n"
	    "database {\n  conninfo = \"dbname=%s\"\n  batch_delay = 10ms\n}\n"
	    "http { listen = \"\" }\n"
	    "feed \"good\" {\n  kind = \"json\"\n"
	    "  url = \"%s/good\"\n  interval = 1s\n  jitter = 0s\n"
	    "  rows = \"data\"\n  period_field = \"date\"\n"
	    "  values = {\"price=>test/potash:USD/t\"}\n"
	    "  secret_file = \"%s\"\n  secret_query = \"api_key\"\n}\n"
	    "feed \"broken\" {\n  kind = \"json\"\n"
	    "  url = \"%s/broken\"\n  interval = 1s\n  jitter = 0s\n"
	    "  rows = \"data\"\n  period_field = \"date\"\n"
	    "  values = {\"price=>test/broken:USD/t\"}\n}\n"
	    "feed \"garbage\" {\n  kind = \"json\"\n"
	    "  url = \"%s/garbage\"\n  interval = 1s\n  jitter = 0s\n"
	    "  rows = \"data\"\n  period_field = \"date\"\n"
	    "  values = {\"price=>test/garbage:USD/t\"}\n}\n",
	    d.dir, db, fake_httpd_url(d.http), secret, fake_httpd_url(d.http),
	    fake_httpd_url(d.http));
	testproc_write(d.conf, text);
	free(text);

	testd_start(&d);
	testd_wait_count(&d, conn, "SELECT count(*) FROM potash.feed_runs "
	    "WHERE feed = 'good' AND error IS NULL", 2, 20000);
	testd_wait_count(&d, conn, "SELECT count(*) FROM potash.feed_runs "
	    "WHERE feed = 'broken'", 1, 10000);
	testd_wait_count(&d, conn, "SELECT count(*) FROM potash.feed_runs "
	    "WHERE feed = 'garbage'", 1, 10000);

	/* The good feed's values, exact; null was skipped, not 0. */
	v = testpg_value(conn, "SELECT string_agg(to_char(period, "
	    "'YYYY-MM') || '=' || value, ' ' ORDER BY period) FROM "
	    "potash.observations_current c JOIN potash.series s ON s.id = "
	    "c.series_id WHERE s.key = 'test/potash'");
	assert_string_equal(v, "2025-11=355.5 2025-12=361.25");
	free(v);
	/* Re-polls of the same values stored nothing twice. */
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.observations"), 2);
	v = testpg_value(conn, "SELECT min(error) FROM potash.feed_runs "
	    "WHERE feed = 'broken'");
	assert_string_equal(v, "HTTP 500: internal error");
	free(v);
	v = testpg_value(conn, "SELECT min(error) FROM potash.feed_runs "
	    "WHERE feed = 'garbage'");
	assert_non_null(v);
	assert_int_equal(strncmp(v, "parse: ", 7), 0);
	free(v);
	/* The key reached the server but not feed_runs. */
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.feed_runs WHERE url LIKE '%s3cr3t%'"), 0);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.feed_runs WHERE feed = 'good' AND url LIKE "
	    "'%api_key=REDACTED%'"), 2);
	n = fake_httpd_count(d.http);
	for (i = 0; i < n; i++) {
		const struct fake_httpd_request *q = fake_httpd_request(d.http,
		    i);

		if (strncmp(q->uri, "/good", 5) == 0)
			assert_non_null(strstr(q->uri, "api_key=s3cr3t-key"));
	}
	v = testpg_value(conn, "SELECT etag FROM potash.feed_state WHERE "
	    "feed = 'good'");
	assert_string_equal(v, "\"v1\"");
	free(v);

	/* Restart: the first request of the new process is conditional. */
	testd_stop(&d, SIGTERM);
	fake_httpd_clear(d.http);
	testd_start(&d);
	for (i = 0; i < 100 && !conditional; i++) {
		testd_serve(&d, 100);
		n = fake_httpd_count(d.http);
		for (size_t j = 0; j < n; j++) {
			const struct fake_httpd_request *q =
			    fake_httpd_request(d.http, j);

			if (strncmp(q->uri, "/good", 5) != 0)
				continue;
			{
				const char *inm = fake_httpd_header(q,
				    "If-None-Match");

				assert_non_null(inm);
				assert_string_equal(inm, "\"v1\"");
			}
			conditional = 1;
			break;
		}
	}
	assert_true(conditional);
	testd_stop(&d, SIGTERM);

	{
		char *log = testproc_read(d.log);

		/* Secrets never reach the log either. */
		assert_null(strstr(log, "s3cr3t"));
		free(log);
	}
	testd_free(&d);
	free(secret);
	testpg_drop(conn, db);
}

/* Waits for the feed's runs to reach n; returns the newest run's counts
 * as "stored/unchanged/revised". */
static char *
test_feeds_runs(struct testd *d, PGconn *conn, long n)
{
	testd_wait_count(d, conn, "SELECT count(*) FROM potash.feed_runs "
	    "WHERE feed = 'same' AND error IS NULL", n, 20000);
	return (testpg_value(conn, "SELECT observations_stored || '/' || "
	    "observations_unchanged || '/' || observations_revised FROM "
	    "potash.feed_runs WHERE feed = 'same' ORDER BY id DESC LIMIT 1"));
}

/* Serves body from now on and checks the next run's counts; returns the
 * feed's runs then. */
static long
test_feeds_serve(struct testd *d, PGconn *conn, struct fake_httpd_route *r,
    const char *body, const char *want)
{
	char	*v;
	long	 n;

	r->body = body;
	fake_httpd_route(d->http, r);
	n = testd_count(conn, "SELECT count(*) FROM potash.feed_runs WHERE "
	    "feed = 'same'");
	v = test_feeds_runs(d, conn, n + 1);
	assert_string_equal(v, want);
	free(v);
	return (n + 1);
}

/* The config of the same-body test: feed "same", its price as key. */
static void
test_feeds_same_conf(struct testd *d, const char *db, const char *key)
{
	char	*text;

	text = xasprintf("state_directory = \"%s\"\n"
	    "database {\n  conninfo = \"dbname=%s\"\n  batch_delay = 10ms\n}\n"
	    "http { listen = \"\" }\n"
	    "feed \"same\" {\n  kind = \"json\"\n"
	    "  url = \"%s/same\"\n  interval = 1s\n  jitter = 0s\n"
	    "  rows = \"data\"\n  period_field = \"date\"\n"
	    "  values = {\"price=>%s:USD/t\"}\n}\n",
	    d->dir, db, fake_httpd_url(d->http), key);
	testproc_write(d->conf, text);
	free(text);
}

/*
 * A body fetched again, byte for byte, once the run that parsed it is
 * stored, is not parsed again: the run stores nothing (0/0/0, where a
 * parse would count the values unchanged).  Another body is parsed; the
 * first body again after it is parsed too (it is no longer the last one
 * stored), and its values come back as revisions.  Options reloaded (a
 * SIGHUP) make the same body parsed again.
 */
static void
test_feeds_same_body(void **state)
{
	const char	*db = "t_feeds_same";
	const char	*b1 = GOOD_BODY;
	const char	*b2 =
	    "{\"data\": [{\"date\": \"2025-11-01\", \"price\": 355.5}, "
	    "{\"date\": \"2025-12-01\", \"price\": \"362\"}]}";
	struct fake_httpd_route	 r;
	struct testd	 d;
	PGconn		*conn;
	char		*v, *log;
	long		 n;

	(void)state;
	conn = testpg_fresh(db);
	testd_init(&d);
	memset(&r, 0, sizeof(r));
	r.path = "/same";
	r.body = b1;
	fake_httpd_route(d.http, &r);
	test_feeds_same_conf(&d, db, "test/same");
	testd_start(&d);
	v = test_feeds_runs(&d, conn, 1);
	assert_string_equal(v, "2/0/0");
	free(v);
	/* The second run: the same body, its batch long stored. */
	v = test_feeds_runs(&d, conn, 2);
	assert_string_equal(v, "0/0/0");
	free(v);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.feed_runs WHERE feed = 'same' AND (http_status <> 200 OR "
	    "bytes <> 132 OR error IS NOT NULL)"), 0);

	/* Another body: parsed, one revision. */
	n = test_feeds_serve(&d, conn, &r, b2, "0/1/1");
	/* The first body again: the last stored was b2, so it is parsed
	 * and 2025-12 goes back to 361.25; then it is known. */
	n = test_feeds_serve(&d, conn, &r, b1, "0/1/1");
	v = test_feeds_runs(&d, conn, n + 1);
	assert_string_equal(v, "0/0/0");
	free(v);
	v = testpg_value(conn, "SELECT string_agg(to_char(period, "
	    "'YYYY-MM') || '=' || value, ' ' ORDER BY period) FROM "
	    "potash.observations_current c JOIN potash.series s ON s.id = "
	    "c.series_id WHERE s.key = 'test/same'");
	assert_string_equal(v, "2025-11=355.5 2025-12=361.25");
	free(v);

	/* The same body under reloaded options (another series): parsed
	 * again, its values stored under the new key. */
	test_feeds_same_conf(&d, db, "test/same2");
	assert_int_equal(kill(d.pid, SIGHUP), 0);
	testd_wait_count(&d, conn, "SELECT count(*) FROM potash.observations "
	    "o JOIN potash.series s ON s.id = o.series_id WHERE s.key = "
	    "'test/same2'", 2, 20000);
	testd_stop(&d, SIGTERM);

	log = testproc_read(d.log);
	assert_non_null(strstr(log, "feed same: the body stored last, 132 "
	    "bytes, not parsed again"));
	free(log);
	testd_free(&d);
	testpg_drop(conn, db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_feeds, testd_teardown),
		cmocka_unit_test_teardown(test_feeds_same_body, testd_teardown),
	};
	int	rc;

	if ((rc = testd_pg_missing()) != 0)
		return (rc);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
