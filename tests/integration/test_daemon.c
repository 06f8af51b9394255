/* SPDX-License-Identifier: ISC */
/*
 * Integration tests for the potashd process under a fake systemd: READY
 * after the schema is current, SIGHUP with a good and a bad config, SIGTERM,
 * waiting for a PostgreSQL that is down at start, and -n / --check-db.
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

#include "store/migrate.h"
#include "testdaemon.h"
#include "testpg.h"
#include "testproc.h"
#include "util/xmalloc.h"

struct fixture {
	struct testd	 d;
	int		 cluster_stopped;
};

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof(*f));

	testd_init(&f->d);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		*log;

	(void)testd_teardown(state);
	if (f->cluster_stopped)
		testpg_cluster("start");
	/* Show the daemon's log when something failed. */
	if ((log = testproc_read(f->d.log)) != NULL) {
		fprintf(stderr, "--- potashd log ---\n%s--- end ---\n", log);
		free(log);
	}
	testd_free(&f->d);
	free(f);
	return (0);
}

static void
write_conf(struct fixture *f, const char *db, const char *appname)
{
	char	*text;

	text = xasprintf("# test config\nstate_directory = \"%s\"\n"
	    "database {\n"
	    "  conninfo = \"dbname=%s application_name=%s\"\n"
	    "  retry_initial = 200ms\n  retry_max = 1s\n"
	    "}\nlog { level = debug }\n", f->d.dir, db, appname);
	testproc_write(f->d.conf, text);
	free(text);
}

static void
start(struct fixture *f, int abstract)
{
	const char	*env[] = { "WATCHDOG_USEC=2000000", NULL };

	testd_start_env(&f->d, abstract, env);
}

/* The application_name of potashd's session, as PostgreSQL sees it (client
 * backends only: an autovacuum worker in the database shows an empty one). */
static char *
session_appname(PGconn *conn, const char *db)
{
	char	*sql, *v;

	sql = xasprintf("SELECT string_agg(application_name, ',') FROM "
	    "pg_stat_activity WHERE datname = '%s' AND pid <> "
	    "pg_backend_pid() AND backend_type = 'client backend'", db);
	v = testpg_value(conn, sql);
	free(sql);
	return (v);
}

static char *
wait_appname(PGconn *conn, const char *db, const char *want)
{
	char	*v = NULL;
	int	 i;

	for (i = 0; i < 100; i++) {
		free(v);
		v = session_appname(conn, db);
		if (v != NULL && strcmp(v, want) == 0)
			break;
		usleep(100000);
	}
	return (v);
}

static void
test_ready_reload_stop(void **state)
{
	struct fixture	*f = *state;
	const char	*db = "t_daemon_lifecycle";
	PGconn		*conn;
	char		*v, *log, *bad;

	conn = testpg_empty(db);
	write_conf(f, db, "first");
	start(f, 0);

	/* READY only once the schema is current. */
	assert_true(testnotify_wait(f->d.tn, "READY=1", 20000));
	v = testpg_value(conn, "SELECT count(*) FROM potash.schema_migrations");
	assert_int_equal(atoi(v), (int)migration_nfiles);
	free(v);
	assert_non_null(strstr(testnotify_log(f->d.tn),
	    "STATUS=connecting to database\n"));
	assert_true(testnotify_wait(f->d.tn, "WATCHDOG=1", 3000));
	v = wait_appname(conn, db, "first");
	assert_string_equal(v, "first");
	free(v);

	/* A good config: RELOADING, then READY, and it is in effect. */
	testnotify_clear(f->d.tn);
	write_conf(f, db, "second");
	assert_int_equal(kill(f->d.pid, SIGHUP), 0);
	assert_true(testnotify_wait(f->d.tn, "RELOADING=1", 5000));
	assert_non_null(strstr(testnotify_log(f->d.tn), "MONOTONIC_USEC="));
	assert_true(testnotify_wait(f->d.tn, "READY=1", 5000));
	v = wait_appname(conn, db, "second");
	assert_string_equal(v, "second");
	free(v);

	/* A bad config: RELOADING, READY, the old config stays. */
	testnotify_clear(f->d.tn);
	bad = xasprintf("database {\n  conninfo = \"dbname=%s "
	    "application_name=third\"\n  retry_max = forever\n}\n", db);
	testproc_write(f->d.conf, bad);
	free(bad);
	assert_int_equal(kill(f->d.pid, SIGHUP), 0);
	assert_true(testnotify_wait(f->d.tn, "RELOADING=1", 5000));
	assert_true(testnotify_wait(f->d.tn, "READY=1", 5000));
	usleep(300000);
	v = session_appname(conn, db);
	assert_string_equal(v, "second");
	free(v);
	log = testproc_read(f->d.log);
	bad = xasprintf("reload: %s:3: database.retry_max: expected a "
	    "duration such as 30s, 5m, 1h30m, got \"forever\"", f->d.conf);
	assert_non_null(strstr(log, bad));
	assert_non_null(strstr(log, "reload: keeping the running "
	    "configuration"));
	free(bad);
	free(log);

	testd_stop_notified(&f->d);
	testpg_drop(conn, db);
}

static void
test_abstract_notify_socket(void **state)
{
	struct fixture	*f = *state;
	const char	*db = "t_daemon_abstract";
	PGconn		*conn;

	conn = testpg_empty(db);
	write_conf(f, db, "abstract");
	start(f, 1);
	assert_true(testnotify_wait(f->d.tn, "READY=1", 20000));
	testd_stop_notified(&f->d);
	testpg_drop(conn, db);
}

static void
test_waits_for_postgresql(void **state)
{
	struct fixture	*f = *state;
	const char	*db = "t_daemon_wait";
	PGconn		*conn;
	char		*log;

	conn = testpg_empty(db);
	PQfinish(conn);
	write_conf(f, db, "waiting");
	testpg_cluster("stop");
	f->cluster_stopped = 1;
	start(f, 0);

	/* Down: it says so, keeps retrying, is not READY, does not exit. */
	assert_false(testnotify_wait(f->d.tn, "READY=1", 3000));
	assert_non_null(strstr(testnotify_log(f->d.tn),
	    "STATUS=waiting for database: "));
	assert_int_equal(kill(f->d.pid, 0), 0);

	testpg_cluster("start");
	f->cluster_stopped = 0;
	assert_true(testnotify_wait(f->d.tn, "READY=1", 20000));
	log = testproc_read(f->d.log);
	assert_non_null(strstr(log, "retrying in about"));
	assert_non_null(strstr(log, "database: connected"));
	free(log);
	testd_stop_notified(&f->d);
	testpg_drop(NULL, db);
}

static int
run_check(struct fixture *f, const char *opt)
{
	const char *argv[] = { getenv("POTASHD"), "-n", "-c", f->d.conf, opt,
	    NULL };

	return (testproc_wait(testproc_spawn(argv, NULL, f->d.log), 30000));
}

static void
test_check_mode(void **state)
{
	struct fixture	*f = *state;
	const char	*db = "t_daemon_check";
	PGconn		*conn;
	char		*log, *want;

	conn = testpg_empty(db);
	write_conf(f, db, "check");
	assert_int_equal(run_check(f, NULL), 0);
	assert_int_equal(run_check(f, "--check-db"), 0);
	testpg_drop(conn, db);
	/* The database is gone now. */
	assert_int_equal(run_check(f, "--check-db"), 1);
	log = testproc_read(f->d.log);
	want = xasprintf("%s: database: ", f->d.conf);
	assert_non_null(strstr(log, want));
	assert_non_null(strstr(log, "\"t_daemon_check\" does not exist"));
	free(want);
	free(log);

	testproc_write(f->d.conf, "log {\n  level = 3\n}\n");
	unlink(f->d.log);
	assert_int_equal(run_check(f, NULL), 1);
	log = testproc_read(f->d.log);
	want = xasprintf("%s:2: log.level: expected one of debug|info|notice|"
	    "warning|error, got \"3\"\n", f->d.conf);
	assert_string_equal(log, want);
	free(want);
	free(log);
	unlink(f->d.log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ready_reload_stop,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_abstract_notify_socket,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_waits_for_postgresql,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_mode,
		    setup, teardown),
	};
	int	rc;

	if ((rc = testd_pg_missing()) != 0)
		return (rc);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
