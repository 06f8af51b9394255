/* SPDX-License-Identifier: ISC */
/*
 * Integration test of alerting in the daemon: potashd polls the loopback
 * fake HTTP server, stores into the real PostgreSQL, and evaluates its
 * rules after each commit.  A crossing gives exactly one firing
 * transition with its evidence, re-polls of the same data give none, a
 * restart while firing and while pending keeps both states without a new
 * transition, a silence marks the transitions it covers and its expiry
 * stops doing so.  A feed run that commits after a later one was
 * evaluated (another writer) is evaluated all the same.  A new series'
 * history stored at once fires on its newest point only, in potashctl
 * backtest too.
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

/*
 * Writes d's config: its state directory, database db, no HTTP, the json
 * feed "prices" polling /prices every second into series (USD/t), then
 * rest (rules, log level).
 */
static void
write_conf(const struct testd *d, const char *db, const char *series,
    const char *rest)
{
	char	*text;

	text = xasprintf("state_directory = \"%s\"\n"
	    "database {\n  conninfo = \"dbname=%s\"\n  batch_delay = 10ms\n}\n"
	    "http { listen = \"\" }\n"
	    "feed \"prices\" {\n  kind = \"json\"\n"
	    "  url = \"%s/prices\"\n  interval = 1s\n  jitter = 0s\n"
	    "  rows = \"data\"\n  period_field = \"date\"\n"
	    "  values = {\"price=>%s:USD/t\"}\n}\n%s",
	    d->dir, db, fake_httpd_url(d->http), series, rest);
	testproc_write(d->conf, text);
	free(text);
}

#define TRANSITIONS(rule) \
	"SELECT string_agg(from_state || '>' || to_state || ':' || " \
	"silenced, ' ' ORDER BY seq) FROM potash.alert_transitions " \
	"WHERE rule = '" rule "'"
/* Days of history of test_alerts_backfill. */
#define BACKFILL_N	60

static void
test_alerts(void **state)
{
	const char	*db = "t_alerts";
	const char	*v1[] = { "350", "410" };
	const char	*v2[] = { "350", "410", "370" };
	const char	*v3[] = { "350", "410", "370", "420" };
	struct testd	 d;
	PGconn		*conn;
	char		*v, *log;

	(void)state;
	conn = testpg_fresh(db);
	testd_init(&d);
	/* The price feed: values for today - 4, today - 3, ... */
	testd_prices_ago(&d, "/prices", 4, v1, 2);

	write_conf(&d, db, "test/potash", "log { level = debug }\n"
	    "rule \"high\" {\n  kind = threshold\n"
	    "  series = \"test/*\"\n  above = 400\n  clear = 380\n"
	    "  severity = critical\n"
	    "  labels { team = \"desk\" }\n"
	    "  annotations { summary = \"potash {{value}} above "
	    "{{threshold}}\" }\n}\n"
	    "rule \"high-3\" {\n  kind = threshold\n"
	    "  series = \"test/potash\"\n  above = 400\n"
	    "  for = \"3 observations\"\n}\n");

	/* A crossing: exactly one firing transition, with evidence. */
	testd_start(&d);
	testd_wait_count(&d, conn, "SELECT count(*) FROM "
	    "potash.alert_transitions WHERE rule = 'high'", 1, 20000);
	testd_wait_count(&d, conn, "SELECT count(*) FROM potash.feed_runs "
	    "WHERE feed = 'prices'", 3, 20000);
	testd_serve(&d, 500);
	v = testd_value(conn, TRANSITIONS("high"));
	assert_string_equal(v, "inactive>firing:false");
	free(v);
	v = testd_value(conn, TRANSITIONS("high-3"));
	assert_string_equal(v, "inactive>pending:false");
	free(v);
	v = testd_value(conn, "SELECT value || ' ' || threshold || ' ' || "
	    "(evidence->-1->>'value') || ' ' || severity || ' ' || "
	    "(annotations->>'summary') FROM potash.alert_transitions WHERE "
	    "rule = 'high'");
	assert_string_equal(v, "410 400 410 critical potash 410 above 400");
	free(v);
	v = testd_value(conn, "SELECT state || ' ' || series || ' ' || "
	    "(labels->>'team') || ' ' || (annotations->>'summary') "
	    "FROM potash.alerts WHERE rule = 'high'");
	assert_string_equal(v, "firing test/potash desk potash 410 above 400");
	free(v);
	/* The rules were mirrored and evaluated. */
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM potash.rules "
	    "WHERE active AND last_evaluated_at IS NOT NULL"), 2);

	/* Restart while firing (high) and pending (high-3): same states,
	 * no new transition. */
	testd_stop(&d, SIGTERM);
	testd_start(&d);
	assert_true(testnotify_wait(d.tn, "READY=1", 20000));
	testd_wait_count(&d, conn, "SELECT count(*) FROM potash.feed_runs "
	    "WHERE feed = 'prices'", 6, 20000);
	log = testproc_read(d.log);
	assert_non_null(strstr(log, "2 alerts restored"));
	free(log);
	v = testd_value(conn, TRANSITIONS("high"));
	assert_string_equal(v, "inactive>firing:false");
	free(v);
	v = testd_value(conn, TRANSITIONS("high-3"));
	assert_string_equal(v, "inactive>pending:false");
	free(v);

	/* A silence on "high": its resolution is recorded, silenced. */
	testpg_exec(conn, "INSERT INTO potash.silences (rule, labels, "
	    "ends_at, reason, author) VALUES ('high', '{\"team\": \"desk\"}', "
	    "now() + interval '1 hour', 'test', 'tester')");
	v = testd_value(conn, "SELECT silenced FROM potash.alerts_now WHERE "
	    "rule = 'high'");
	assert_string_equal(v, "t");
	free(v);
	testd_prices_ago(&d, "/prices", 4, v2, 3);
	testd_wait_count(&d, conn, "SELECT count(*) FROM "
	    "potash.alert_transitions WHERE rule = 'high'", 2, 20000);
	v = testd_value(conn, TRANSITIONS("high"));
	assert_string_equal(v, "inactive>firing:false firing>resolved:true");
	free(v);
	/* The pending one went back without firing. */
	testd_wait_count(&d, conn, "SELECT count(*) FROM "
	    "potash.alert_transitions WHERE rule = 'high-3'", 2, 20000);
	v = testd_value(conn, TRANSITIONS("high-3"));
	assert_string_equal(v,
	    "inactive>pending:false pending>inactive:false");
	free(v);

	/* Expired: the next firing is not silenced. */
	testpg_exec(conn, "UPDATE potash.silences SET ends_at = now()");
	v = testd_value(conn, "SELECT silenced FROM potash.alerts_now WHERE "
	    "rule = 'high'");
	assert_string_equal(v, "f");
	free(v);
	testd_prices_ago(&d, "/prices", 4, v3, 4);
	testd_wait_count(&d, conn, "SELECT count(*) FROM "
	    "potash.alert_transitions WHERE rule = 'high'", 3, 20000);
	v = testd_value(conn, TRANSITIONS("high"));
	assert_string_equal(v, "inactive>firing:false firing>resolved:true "
	    "resolved>firing:false");
	free(v);
	testd_stop(&d, SIGTERM);

	log = testproc_read(d.log);
	assert_non_null(strstr(log, "alert high test/potash: resolved -> "
	    "firing"));
	free(log);
	testd_free(&d);
	testpg_drop(conn, db);
}

/* Runs sql on c and fails the test unless it succeeds. */
static void
exec_ok(PGconn *c, const char *sql)
{
	PGresult	*res = PQexec(c, sql);

	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(res);
}

static void
test_alerts_late_commit(void **state)
{
	const char	*db = "t_alerts_late";
	const char	*v1[] = { "350", "360" };
	const char	*v2[] = { "350", "360", "370" };
	struct testd	 d;
	PGconn		*conn, *other;
	char		*ci, *late, *sql;

	(void)state;
	conn = testpg_fresh(db);
	testd_init(&d);
	testd_prices_ago(&d, "/prices", 4, v1, 2);
	write_conf(&d, db, "test/potash", "rule \"late\" {\n"
	    "  kind = threshold\n  series = \"test/late\"\n  above = 400\n}\n");
	testd_start(&d);
	testd_wait_count(&d, conn, "SELECT feed_run_id FROM "
	    "potash.alert_cursor", 1, 20000);

	/* Another writer takes a feed run id and stores a crossing, but
	 * does not commit yet. */
	ci = testpg_conninfo(db);
	other = PQconnectdb(ci);
	free(ci);
	assert_int_equal(PQstatus(other), CONNECTION_OK);
	exec_ok(other, "BEGIN");
	exec_ok(other, "INSERT INTO potash.series (key, source, name, unit) "
	    "VALUES ('test/late', 'test', 'late', 'USD/t')");
	exec_ok(other, "INSERT INTO potash.feed_runs (feed, finished_at, "
	    "observations_stored) VALUES ('import', now(), 1)");
	exec_ok(other, "INSERT INTO potash.observations (series_id, period, "
	    "value, known_at, feed_run_id) SELECT s.id, "
	    "'2025-06-01T00:00:00Z', 450, now(), currval(pg_get_serial_"
	    "sequence('potash.feed_runs', 'id')) FROM potash.series s "
	    "WHERE s.key = 'test/late'");
	{
		PGresult *res = PQexec(other, "SELECT currval(pg_get_serial_"
		    "sequence('potash.feed_runs', 'id'))");

		assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
		late = xstrdup(PQgetvalue(res, 0, 0));
		PQclear(res);
	}

	/* The daemon's own later runs (a new value: an evaluation) are
	 * evaluated past it... */
	testd_prices_ago(&d, "/prices", 4, v2, 3);
	sql = xasprintf("SELECT count(*) FROM potash.alert_cursor WHERE "
	    "feed_run_id > %s", late);
	testd_wait_count(&d, conn, sql, 1, 20000);
	free(sql);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.alert_transitions WHERE rule = 'late'"), 0);

	/* ...and once it commits, the late run is evaluated too, at once:
	 * its commit notifies potash_alert_queue, which the daemon listens
	 * to (its own feed polls nothing new, and the 30 s look at the
	 * queue is further away than the wait). */
	exec_ok(other, "COMMIT");
	PQfinish(other);
	testd_wait_count(&d, conn, "SELECT count(*) FROM "
	    "potash.alert_transitions WHERE rule = 'late' AND to_state = "
	    "'firing'", 1, 8000);
	sql = xasprintf("SELECT count(*) FROM potash.alert_pending_runs "
	    "WHERE feed_run_id = %s", late);
	assert_int_equal(testd_count(conn, sql), 0);
	free(sql);
	free(late);
	testd_stop(&d, SIGTERM);
	testd_free(&d);
	testpg_drop(conn, db);
}

/*
 * A feed brings a series' history at once: only its newest point can
 * fire (alert/engine.h, Backfill, rule 4), in the daemon as in potashctl
 * backtest.
 */
static void
test_alerts_backfill(void **state)
{
	const char	*db = "t_alerts_backfill";
	const char	*vals[BACKFILL_N], *args[8];
	struct testd	 d;
	PGconn		*conn;
	char		*text, *v, *out, newest[16], from[16], to[16];
	size_t		 i;

	(void)state;
	conn = testpg_fresh(db);
	testd_init(&d);
	/* Daily, today - BACKFILL_N to yesterday: the oldest value is the
	 * only one above 500, every one is above 100. */
	for (i = 0; i < BACKFILL_N; i++)
		vals[i] = "300";
	vals[0] = "1000";
	vals[BACKFILL_N - 1] = "460";
	testd_prices_ago(&d, "/prices", BACKFILL_N, vals, BACKFILL_N);
	write_conf(&d, db, "test/hist", "rule \"bf-all\" {\n  kind = threshold\n"
	    "  series = \"test/hist\"\n  above = 100\n}\n"
	    "rule \"bf-old\" {\n  kind = threshold\n"
	    "  series = \"test/hist\"\n  above = 500\n}\n");

	testd_start(&d);
	testd_wait_count(&d, conn, "SELECT count(*) FROM "
	    "potash.alert_transitions WHERE rule = 'bf-all'", 1, 20000);
	/* Re-polls, evaluated too, change nothing. */
	testd_wait_count(&d, conn, "SELECT count(*) FROM potash.feed_runs "
	    "WHERE feed = 'prices'", 3, 20000);
	testd_wait_count(&d, conn, "SELECT (count(*) = 0)::int FROM "
	    "potash.alert_pending_runs p WHERE EXISTS (SELECT 1 FROM "
	    "potash.observations o WHERE o.feed_run_id = p.feed_run_id)", 1,
	    20000);
	testd_stop(&d, SIGTERM);
	v = testd_value(conn, TRANSITIONS("bf-all"));
	assert_string_equal(v, "inactive>firing:false");
	free(v);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.alert_transitions WHERE rule = 'bf-old'"), 0);
	/* Fired on the newest point, with it as the evidence. */
	testd_day(1, newest);
	v = testd_value(conn, "SELECT value || ' ' || jsonb_array_length("
	    "evidence) || ' ' || (evidence->-1->>'period') FROM "
	    "potash.alert_transitions WHERE rule = 'bf-all'");
	text = xasprintf("460 1 %sT00:00:00", newest);
	if (strncmp(v, text, strlen(text)) != 0)
		fail_msg("transition: \"%s\", wanted \"%s...\"", v, text);
	free(text);
	free(v);

	/* potashctl backtest replays it the same way. */
	testd_day(BACKFILL_N + 10, from);
	testd_day(-1, to);
	args[0] = "backtest";
	args[1] = "--from";
	args[2] = from;
	args[3] = "--to";
	args[4] = to;
	args[5] = "--json";
	args[6] = NULL;
	assert_int_equal(testd_ctl(d.conf, args, NULL, &out), 0);
	if (strstr(out, "\"bf-old\"") != NULL ||
	    (v = strstr(out, "\"rule\":\"bf-all\"")) == NULL ||
	    strstr(v + 1, "\"rule\":\"bf-all\"") != NULL ||
	    strstr(out, "\"to_state\":\"firing\"") == NULL)
		fail_msg("backtest:\n%s", out);
	text = xasprintf("\"period\":\"%sT00:00:00", newest);
	if (strstr(out, text) == NULL)
		fail_msg("backtest, no evidence %s:\n%s", newest, out);
	free(text);
	free(out);
	testd_free(&d);
	testpg_drop(conn, db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_alerts, testd_teardown),
		cmocka_unit_test_teardown(test_alerts_late_commit,
		    testd_teardown),
		cmocka_unit_test_teardown(test_alerts_backfill,
		    testd_teardown),
	};
	int	rc;

	if ((rc = testd_pg_missing()) != 0)
		return (rc);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
