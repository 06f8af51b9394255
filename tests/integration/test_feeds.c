/* SPDX-License-Identifier: ISC */
/*
 * Integration test of the data path: potashd with several feeds against
 * the loopback fake HTTP server and the real PostgreSQL.  Rows and
 * feed_runs arrive as expected, a broken feed and a garbage feed do not
 * stop a good one, secrets stay out of feed_runs, and a restart keeps the
 * ETag for the next conditional GET.
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
#include <event2/event.h>

#include "fakes/httpd.h"
#include "testpg.h"
#include "testproc.h"
#include "util/xmalloc.h"

#define GOOD_BODY \
	"{\"data\": [{\"date\": \"2025-11-01\", \"price\": 355.5}, " \
	"{\"date\": \"2025-12-01\", \"price\": \"361.25\"}, " \
	"{\"date\": \"2026-01-01\", \"price\": null}]}"

struct fx {
	struct event_base	*base;
	struct fake_httpd	*http;
	char			*dir;
	char			*conf;
	char			*log;
	struct testnotify	*tn;
	pid_t			 pid;
};

/* Serves HTTP for ms milliseconds. */
static void
serve(struct fx *f, int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(f->base, &tv);
	event_base_dispatch(f->base);
}

static void
start_daemon(struct fx *f)
{
	const char	*argv[] = { getenv("POTASHD"), "-d", "-c", f->conf,
	    NULL };
	char		*env[2];

	testnotify_free(f->tn);
	f->tn = testnotify_open(0);
	env[0] = xasprintf("NOTIFY_SOCKET=%s", testnotify_path(f->tn));
	env[1] = NULL;
	f->pid = testproc_spawn(argv, (const char *const *)env, f->log);
	free(env[0]);
}

static void
stop_daemon(struct fx *f)
{
	kill(f->pid, SIGTERM);
	/* Keep serving while it drains. */
	serve(f, 300);
	assert_int_equal(testproc_wait(f->pid, 10000), 0);
	f->pid = 0;
}

static long
count(PGconn *conn, const char *sql)
{
	char	*v = testpg_value(conn, sql);
	long	 n = v != NULL ? atol(v) : -1;

	free(v);
	return (n);
}

/* Serves until sql counts at least want, or fails after ms. */
static void
wait_count(struct fx *f, PGconn *conn, const char *sql, long want, int ms)
{
	int	waited;

	for (waited = 0; waited < ms; waited += 100) {
		serve(f, 100);
		if (count(conn, sql) >= want)
			return;
	}
	fail_msg("timed out waiting for %ld from: %s", want, sql);
}

static void
test_feeds(void **state)
{
	const char	*db = "t_feeds";
	const char	*etag_hdr[] = { "ETag: \"v1\"",
	    "Content-Type: application/json", NULL };
	struct fake_httpd_route	 r;
	struct fx	 f;
	PGconn		*conn;
	char		*text, *v, *secret;
	size_t		 i, n;
	int		 conditional = 0;

	(void)state;
	memset(&f, 0, sizeof(f));
	conn = testpg_fresh(db);
	f.base = event_base_new();
	f.http = fake_httpd_new(f.base);
	memset(&r, 0, sizeof(r));
	r.path = "/good";
	r.headers = etag_hdr;
	r.body = GOOD_BODY;
	fake_httpd_route(f.http, &r);
	memset(&r, 0, sizeof(r));
	r.path = "/broken";
	r.status = 500;
	r.body = "internal error";
	fake_httpd_route(f.http, &r);
	memset(&r, 0, sizeof(r));
	r.path = "/garbage";
	r.body = "<html>not json</html>";
	fake_httpd_route(f.http, &r);

	f.dir = testproc_tmpdir();
	f.conf = xasprintf("%s/potashd.conf", f.dir);
	f.log = xasprintf("%s/potashd.log", f.dir);
	secret = xasprintf("%s/key", f.dir);
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
	    f.dir, db, fake_httpd_url(f.http), secret, fake_httpd_url(f.http),
	    fake_httpd_url(f.http));
	testproc_write(f.conf, text);
	free(text);

	start_daemon(&f);
	wait_count(&f, conn, "SELECT count(*) FROM potash.feed_runs WHERE "
	    "feed = 'good' AND error IS NULL", 2, 20000);
	wait_count(&f, conn, "SELECT count(*) FROM potash.feed_runs WHERE "
	    "feed = 'broken'", 1, 10000);
	wait_count(&f, conn, "SELECT count(*) FROM potash.feed_runs WHERE "
	    "feed = 'garbage'", 1, 10000);

	/* The good feed's values, exact; null was skipped, not 0. */
	v = testpg_value(conn, "SELECT string_agg(to_char(period, "
	    "'YYYY-MM') || '=' || value, ' ' ORDER BY period) FROM "
	    "potash.observations_current c JOIN potash.series s ON s.id = "
	    "c.series_id WHERE s.key = 'test/potash'");
	assert_string_equal(v, "2025-11=355.5 2025-12=361.25");
	free(v);
	/* Re-polls of the same values stored nothing twice. */
	assert_int_equal(count(conn, "SELECT count(*) FROM "
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
	assert_int_equal(count(conn, "SELECT count(*) FROM potash.feed_runs "
	    "WHERE url LIKE '%s3cr3t%'"), 0);
	assert_int_equal(count(conn, "SELECT count(*) FROM potash.feed_runs "
	    "WHERE feed = 'good' AND url LIKE '%api_key=REDACTED%'"), 2);
	n = fake_httpd_count(f.http);
	for (i = 0; i < n; i++) {
		const struct fake_httpd_request *q = fake_httpd_request(f.http,
		    i);

		if (strncmp(q->uri, "/good", 5) == 0)
			assert_non_null(strstr(q->uri, "api_key=s3cr3t-key"));
	}
	v = testpg_value(conn, "SELECT etag FROM potash.feed_state WHERE "
	    "feed = 'good'");
	assert_string_equal(v, "\"v1\"");
	free(v);

	/* Restart: the first request of the new process is conditional. */
	stop_daemon(&f);
	fake_httpd_clear(f.http);
	start_daemon(&f);
	for (i = 0; i < 100 && !conditional; i++) {
		serve(&f, 100);
		n = fake_httpd_count(f.http);
		for (size_t j = 0; j < n; j++) {
			const struct fake_httpd_request *q =
			    fake_httpd_request(f.http, j);

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
	stop_daemon(&f);

	{
		char *log = testproc_read(f.log);

		/* Secrets never reach the log either. */
		assert_null(strstr(log, "s3cr3t"));
		free(log);
	}
	fake_httpd_free(f.http);
	event_base_free(f.base);
	testnotify_free(f.tn);
	text = xasprintf("rm -rf '%s'", f.dir);
	assert_int_equal(system(text), 0);
	free(text);
	free(secret);
	free(f.conf);
	free(f.log);
	free(f.dir);
	testpg_drop(conn, db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feeds),
	};

	if (!testpg_available()) {
		fprintf(stderr, "no PostgreSQL (PGHOST unset?): run "
		    "scripts/test\n");
		return (getenv("POTASH_PGTMP") != NULL ? 1 : 77);
	}
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
