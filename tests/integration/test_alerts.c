/* SPDX-License-Identifier: ISC */
/*
 * Integration test of alerting in the daemon: potashd polls the loopback
 * fake HTTP server, stores into the real PostgreSQL, and evaluates its
 * rules after each commit.  A crossing gives exactly one firing
 * transition with its evidence, re-polls of the same data give none, a
 * restart while firing and while pending keeps both states without a new
 * transition, a silence marks the transitions it covers and its expiry
 * stops doing so.
 */
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "fakes/httpd.h"
#include "testpg.h"
#include "testproc.h"
#include "util/xmalloc.h"

struct fx {
	struct event_base	*base;
	struct fake_httpd	*http;
	char			*dir;
	char			*conf;
	char			*log;
	struct testnotify	*tn;
	pid_t			 pid;
	char			 day[5][16];	/* day[k]: today - k days */
};

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

/* Serves the price feed: values for today - 4 .. today - 4 + n - 1. */
static void
serve_prices(struct fx *f, const char *const *values, size_t n)
{
	struct fake_httpd_route	 r;
	char			 body[1024];
	size_t			 i, len;

	len = (size_t)snprintf(body, sizeof(body), "{\"data\": [");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(body + len, sizeof(body) - len,
		    "%s{\"date\": \"%s\", \"price\": \"%s\"}",
		    i > 0 ? ", " : "", f->day[4 - i], values[i]);
	snprintf(body + len, sizeof(body) - len, "]}");
	memset(&r, 0, sizeof(r));
	r.path = "/prices";
	r.body = body;
	fake_httpd_route(f->http, &r);
}

static char *
value(PGconn *conn, const char *sql)
{
	char	*v = testpg_value(conn, sql);

	assert_non_null(v);
	return (v);
}

#define TRANSITIONS(rule) \
	"SELECT string_agg(from_state || '>' || to_state || ':' || " \
	"silenced, ' ' ORDER BY seq) FROM potash.alert_transitions " \
	"WHERE rule = '" rule "'"

static void
test_alerts(void **state)
{
	const char	*db = "t_alerts";
	const char	*v1[] = { "350", "410" };
	const char	*v2[] = { "350", "410", "370" };
	const char	*v3[] = { "350", "410", "370", "420" };
	struct fx	 f;
	PGconn		*conn;
	char		*text, *v, *log;
	time_t		 now = time(NULL);
	struct tm	 tm;
	int		 k;

	(void)state;
	memset(&f, 0, sizeof(f));
	for (k = 0; k < 5; k++) {
		time_t	t = now - (time_t)k * 86400;

		gmtime_r(&t, &tm);
		strftime(f.day[k], sizeof(f.day[k]), "%Y-%m-%d", &tm);
	}
	conn = testpg_fresh(db);
	f.base = event_base_new();
	f.http = fake_httpd_new(f.base);
	serve_prices(&f, v1, 2);

	f.dir = testproc_tmpdir();
	f.conf = xasprintf("%s/potashd.conf", f.dir);
	f.log = xasprintf("%s/potashd.log", f.dir);
	text = xasprintf("state_directory = \"%s\"\n"
	    "database {\n  conninfo = \"dbname=%s\"\n  batch_delay = 10ms\n}\n"
	    "http { listen = \"\" }\n"
	    "log { level = debug }\n"
	    "feed \"prices\" {\n  kind = \"json\"\n"
	    "  url = \"%s/prices\"\n  interval = 1s\n  jitter = 0s\n"
	    "  rows = \"data\"\n  period_field = \"date\"\n"
	    "  values = {\"price=>test/potash:USD/t\"}\n}\n"
	    "rule \"high\" {\n  kind = threshold\n"
	    "  series = \"test/*\"\n  above = 400\n  clear = 380\n"
	    "  severity = critical\n"
	    "  labels { team = \"desk\" }\n"
	    "  annotations { summary = \"potash {{value}} above "
	    "{{threshold}}\" }\n}\n"
	    "rule \"high-3\" {\n  kind = threshold\n"
	    "  series = \"test/potash\"\n  above = 400\n"
	    "  for = \"3 observations\"\n}\n",
	    f.dir, db, fake_httpd_url(f.http));
	testproc_write(f.conf, text);
	free(text);

	/* A crossing: exactly one firing transition, with evidence. */
	start_daemon(&f);
	wait_count(&f, conn, "SELECT count(*) FROM potash.alert_transitions "
	    "WHERE rule = 'high'", 1, 20000);
	wait_count(&f, conn, "SELECT count(*) FROM potash.feed_runs WHERE "
	    "feed = 'prices'", 3, 20000);
	serve(&f, 500);
	v = value(conn, TRANSITIONS("high"));
	assert_string_equal(v, "inactive>firing:false");
	free(v);
	v = value(conn, TRANSITIONS("high-3"));
	assert_string_equal(v, "inactive>pending:false");
	free(v);
	v = value(conn, "SELECT value || ' ' || threshold || ' ' || "
	    "(evidence->-1->>'value') || ' ' || severity || ' ' || "
	    "(annotations->>'summary') FROM potash.alert_transitions WHERE "
	    "rule = 'high'");
	assert_string_equal(v, "410 400 410 critical potash 410 above 400");
	free(v);
	v = value(conn, "SELECT state || ' ' || series || ' ' || "
	    "(labels->>'team') || ' ' || (annotations->>'summary') "
	    "FROM potash.alerts WHERE rule = 'high'");
	assert_string_equal(v, "firing test/potash desk potash 410 above 400");
	free(v);
	/* The rules were mirrored and evaluated. */
	assert_int_equal(count(conn, "SELECT count(*) FROM potash.rules "
	    "WHERE active AND last_evaluated_at IS NOT NULL"), 2);

	/* Restart while firing (high) and pending (high-3): same states,
	 * no new transition. */
	stop_daemon(&f);
	start_daemon(&f);
	assert_true(testnotify_wait(f.tn, "READY=1", 20000));
	wait_count(&f, conn, "SELECT count(*) FROM potash.feed_runs WHERE "
	    "feed = 'prices'", 6, 20000);
	log = testproc_read(f.log);
	assert_non_null(strstr(log, "2 alerts restored"));
	free(log);
	v = value(conn, TRANSITIONS("high"));
	assert_string_equal(v, "inactive>firing:false");
	free(v);
	v = value(conn, TRANSITIONS("high-3"));
	assert_string_equal(v, "inactive>pending:false");
	free(v);

	/* A silence on "high": its resolution is recorded, silenced. */
	testpg_exec(conn, "INSERT INTO potash.silences (rule, labels, "
	    "ends_at, reason, author) VALUES ('high', '{\"team\": \"desk\"}', "
	    "now() + interval '1 hour', 'test', 'tester')");
	v = value(conn, "SELECT silenced FROM potash.alerts_now WHERE "
	    "rule = 'high'");
	assert_string_equal(v, "t");
	free(v);
	serve_prices(&f, v2, 3);
	wait_count(&f, conn, "SELECT count(*) FROM potash.alert_transitions "
	    "WHERE rule = 'high'", 2, 20000);
	v = value(conn, TRANSITIONS("high"));
	assert_string_equal(v, "inactive>firing:false firing>resolved:true");
	free(v);
	/* The pending one went back without firing. */
	wait_count(&f, conn, "SELECT count(*) FROM potash.alert_transitions "
	    "WHERE rule = 'high-3'", 2, 20000);
	v = value(conn, TRANSITIONS("high-3"));
	assert_string_equal(v,
	    "inactive>pending:false pending>inactive:false");
	free(v);

	/* Expired: the next firing is not silenced. */
	testpg_exec(conn, "UPDATE potash.silences SET ends_at = now()");
	v = value(conn, "SELECT silenced FROM potash.alerts_now WHERE "
	    "rule = 'high'");
	assert_string_equal(v, "f");
	free(v);
	serve_prices(&f, v3, 4);
	wait_count(&f, conn, "SELECT count(*) FROM potash.alert_transitions "
	    "WHERE rule = 'high'", 3, 20000);
	v = value(conn, TRANSITIONS("high"));
	assert_string_equal(v, "inactive>firing:false firing>resolved:true "
	    "resolved>firing:false");
	free(v);
	stop_daemon(&f);

	log = testproc_read(f.log);
	assert_non_null(strstr(log, "alert high test/potash: resolved -> "
	    "firing"));
	free(log);
	fake_httpd_free(f.http);
	event_base_free(f.base);
	testnotify_free(f.tn);
	text = xasprintf("rm -rf '%s'", f.dir);
	assert_int_equal(system(text), 0);
	free(text);
	free(f.conf);
	free(f.log);
	free(f.dir);
	testpg_drop(conn, db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alerts),
	};

	if (!testpg_available()) {
		fprintf(stderr, "no PostgreSQL (PGHOST unset?): run "
		    "scripts/test\n");
		return (getenv("POTASH_PGTMP") != NULL ? 1 : 77);
	}
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
