/* SPDX-License-Identifier: ISC */
/*
 * Integration test of feed and alerting ownership (daemon/feedlock): two
 * potashd on one database.  The first owns every feed and alerting
 * through its advisory locks; the second polls none of the feeds and
 * evaluates no rule while the first lives, and takes everything over once
 * the first is killed.
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

#include "daemon/feedlock.h"
#include "fakes/httpd.h"
#include "testdaemon.h"
#include "testpg.h"
#include "testproc.h"
#include "util/xmalloc.h"

#define NFEEDS	4

/* The advisory locks of feeds held, and by how many sessions. */
#define STR(x)	#x
#define XSTR(x)	STR(x)
#define LOCKS_SQL \
	"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND " \
	"granted AND objsubid = 2 AND classid = " XSTR(FEEDLOCK_CLASS)
#define ALERTING_SQL \
	"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND " \
	"granted AND objsubid = 2 AND classid = " \
	XSTR(FEEDLOCK_ALERTING_CLASS)
#define HOLDERS_SQL \
	"SELECT count(DISTINCT pid) FROM pg_locks WHERE locktype = " \
	"'advisory' AND granted AND objsubid = 2 AND classid IN (" \
	XSTR(FEEDLOCK_CLASS) ", " XSTR(FEEDLOCK_ALERTING_CLASS) ")"

static void
write_conf(const struct testd *t, const char *db, const char *url)
{
	char	*text, *feeds = xstrdup(""), *next;
	int	 i;

	for (i = 1; i <= NFEEDS; i++) {
		next = xasprintf("%sfeed \"f%d\" {\n  kind = \"json\"\n"
		    "  url = \"%s/f%d\"\n  interval = 1s\n  jitter = 0s\n"
		    "  rows = \"data\"\n  period_field = \"date\"\n"
		    "  values = {\"price=>test/f%d:USD/t\"}\n}\n", feeds, i,
		    url, i, i);
		free(feeds);
		feeds = next;
	}
	text = xasprintf("state_directory = \"%s\"\n"
	    "database {\n  conninfo = \"dbname=%s\"\n  batch_delay = 10ms\n}\n"
	    "http { listen = \"\" }\n%s", t->dir, db, feeds);
	testproc_write(t->conf, text);
	free(text);
	free(feeds);
}

/* How many times needle occurs in the log at path. */
static int
log_count(const char *path, const char *needle)
{
	char	*text, *p;
	int	 n = 0;

	if ((text = testproc_read(path)) == NULL)
		return (0);
	for (p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	free(text);
	return (n);
}

/* Serves a's loop until needle occurs want times in the log at path. */
static void
wait_log(struct testd *a, const char *path, const char *needle, int want,
    int ms)
{
	int	waited;

	for (waited = 0; waited < ms; waited += 100) {
		if (log_count(path, needle) >= want)
			return;
		testd_serve(a, 100);
	}
	fail_msg("timed out waiting for %d x \"%s\" in %s (got %d)", want,
	    needle, path, log_count(path, needle));
}


static void
test_feedlock_takeover(void **state)
{
	const char	*db = "t_feedlock";
	const char	*dates[] = { "2025-11-01", "2025-12-01" };
	const char	*values[] = { "350", "355.5" };
	struct testd	 a, b;
	PGconn		*conn;
	char		 path[16], needle[64];
	long		 runs;
	int		 i;

	(void)state;
	conn = testpg_fresh(db);
	testd_init(&a);
	testd_init(&b);
	for (i = 1; i <= NFEEDS; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		testd_prices(&a, path, dates, values, 2);
	}
	/* Both poll a's fake server; each has its own state directory. */
	write_conf(&a, db, fake_httpd_url(a.http));
	write_conf(&b, db, fake_httpd_url(a.http));

	testd_start(&a);
	wait_log(&a, a.log, "polling 4 feeds", 1, 20000);
	for (i = 1; i <= NFEEDS; i++) {
		snprintf(needle, sizeof(needle), "SELECT count(*) FROM "
		    "potash.feed_runs WHERE feed = 'f%d'", i);
		testd_wait_count(&a, conn, needle, 1, 10000);
	}
	assert_int_equal(testd_count(conn, LOCKS_SQL), NFEEDS);
	assert_int_equal(testd_count(conn, ALERTING_SQL), 1);
	assert_int_equal(testd_count(conn, HOLDERS_SQL), 1);

	/* The second finds every lock taken and polls nothing. */
	testd_start(&b);
	wait_log(&a, b.log, "polling 0 of 4 feeds", 1, 20000);
	for (i = 1; i <= NFEEDS; i++) {
		snprintf(needle, sizeof(needle), "feed f%d: polled by "
		    "another potashd", i);
		assert_int_equal(log_count(b.log, needle), 1);
	}
	assert_int_equal(log_count(b.log, "alerting: the rules are "
	    "evaluated by another potashd"), 1);
	/* A few of a's runs later, still none of b's (a run logs "feed
	 * fN: 2 observations ..." or "feed fN: not modified"). */
	runs = testd_count(conn, "SELECT count(*) FROM potash.feed_runs");
	testd_wait_count(&a, conn, "SELECT count(*) FROM potash.feed_runs",
	    runs + 2 * NFEEDS, 15000);
	for (i = 1; i <= NFEEDS; i++) {
		snprintf(needle, sizeof(needle), "feed f%d: 2 observations", i);
		assert_int_equal(log_count(b.log, needle), 0);
		snprintf(needle, sizeof(needle), "feed f%d: not modified", i);
		assert_int_equal(log_count(b.log, needle), 0);
	}
	assert_int_equal(testd_count(conn, LOCKS_SQL), NFEEDS);
	assert_int_equal(testd_count(conn, ALERTING_SQL), 1);
	assert_int_equal(testd_count(conn, HOLDERS_SQL), 1);

	/* a dies: its session ends, b takes every feed within its retry
	 * period and polls them (still from a's fake server). */
	testd_stop(&a, SIGKILL);
	wait_log(&a, b.log, "taken over, polled here now", NFEEDS,
	    FEEDLOCK_RETRY / 1000 + 15000);
	wait_log(&a, b.log, "alerting: taken over", 1, 5000);
	runs = testd_count(conn, "SELECT count(*) FROM potash.feed_runs");
	testd_wait_count(&a, conn, "SELECT count(*) FROM potash.feed_runs",
	    runs + NFEEDS, 15000);
	for (i = 1; i <= NFEEDS; i++) {
		snprintf(needle, sizeof(needle), "feed f%d: ", i);
		assert_true(log_count(b.log, needle) >= 3);
	}
	assert_int_equal(testd_count(conn, LOCKS_SQL), NFEEDS);
	assert_int_equal(testd_count(conn, ALERTING_SQL), 1);
	assert_int_equal(testd_count(conn, HOLDERS_SQL), 1);

	testd_stop(&b, SIGTERM);
	assert_int_equal(testd_count(conn, LOCKS_SQL), 0);
	assert_int_equal(testd_count(conn, ALERTING_SQL), 0);
	testd_free(&b);
	testd_free(&a);
	testpg_drop(conn, db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_feedlock_takeover,
		    testd_teardown),
	};
	int	rc;

	if ((rc = testd_pg_missing()) != 0)
		return (rc);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
