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
#include "testpg.h"
#include "testproc.h"
#include "util/xmalloc.h"

struct fixture {
	char			*dir;
	char			*conf;
	char			*log;
	struct testnotify	*tn;
	pid_t			 pid;
	int			 cluster_stopped;
};

static int
setup(void **state)
{
	struct fixture	*f = xcalloc(1, sizeof(*f));

	f->dir = testproc_tmpdir();
	f->conf = xasprintf("%s/potashd.conf", f->dir);
	f->log = xasprintf("%s/potashd.log", f->dir);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	char		*cmd, *log;

	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		testproc_wait(f->pid, 5000);
	}
	if (f->cluster_stopped)
		testpg_cluster("start");
	/* Show the daemon's log when something failed. */
	if ((log = testproc_read(f->log)) != NULL) {
		fprintf(stderr, "--- potashd log ---\n%s--- end ---\n", log);
		free(log);
	}
	testnotify_free(f->tn);
	cmd = xasprintf("rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return (-1);
	free(cmd);
	free(f->conf);
	free(f->log);
	free(f->dir);
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
	    "}\nlog { level = debug }\n", f->dir, db, appname);
	testproc_write(f->conf, text);
	free(text);
}

static void
start(struct fixture *f, int abstract)
{
	const char *argv[] = { getenv("POTASHD"), "-d", "-c", f->conf,
	    NULL };
	char	*env[3];

	f->tn = testnotify_open(abstract);
	env[0] = xasprintf("NOTIFY_SOCKET=%s", testnotify_path(f->tn));
	env[1] = xasprintf("WATCHDOG_USEC=%d", 2000000);
	env[2] = NULL;
	f->pid = testproc_spawn(argv, (const char *const *)env, f->log);
	free(env[0]);
	free(env[1]);
}

static void
stop(struct fixture *f)
{
	assert_int_equal(kill(f->pid, SIGTERM), 0);
	assert_true(testnotify_wait(f->tn, "STOPPING=1", 10000));
	assert_int_equal(testproc_wait(f->pid, 10000), 0);
	f->pid = 0;
}

/* The application_name of potashd's session, as PostgreSQL sees it. */
static char *
session_appname(PGconn *conn, const char *db)
{
	char	*sql, *v;

	sql = xasprintf("SELECT string_agg(application_name, ',') FROM "
	    "pg_stat_activity WHERE datname = '%s' AND pid <> "
	    "pg_backend_pid()", db);
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
	assert_true(testnotify_wait(f->tn, "READY=1", 20000));
	v = testpg_value(conn, "SELECT count(*) FROM potash.schema_migrations");
	assert_int_equal(atoi(v), (int)migration_nfiles);
	free(v);
	assert_non_null(strstr(testnotify_log(f->tn),
	    "STATUS=connecting to database\n"));
	assert_true(testnotify_wait(f->tn, "WATCHDOG=1", 3000));
	v = wait_appname(conn, db, "first");
	assert_string_equal(v, "first");
	free(v);

	/* A good config: RELOADING, then READY, and it is in effect. */
	testnotify_clear(f->tn);
	write_conf(f, db, "second");
	assert_int_equal(kill(f->pid, SIGHUP), 0);
	assert_true(testnotify_wait(f->tn, "RELOADING=1", 5000));
	assert_non_null(strstr(testnotify_log(f->tn), "MONOTONIC_USEC="));
	assert_true(testnotify_wait(f->tn, "READY=1", 5000));
	v = wait_appname(conn, db, "second");
	assert_string_equal(v, "second");
	free(v);

	/* A bad config: RELOADING, READY, the old config stays. */
	testnotify_clear(f->tn);
	bad = xasprintf("database {\n  conninfo = \"dbname=%s "
	    "application_name=third\"\n  retry_max = forever\n}\n", db);
	testproc_write(f->conf, bad);
	free(bad);
	assert_int_equal(kill(f->pid, SIGHUP), 0);
	assert_true(testnotify_wait(f->tn, "RELOADING=1", 5000));
	assert_true(testnotify_wait(f->tn, "READY=1", 5000));
	usleep(300000);
	v = session_appname(conn, db);
	assert_string_equal(v, "second");
	free(v);
	log = testproc_read(f->log);
	bad = xasprintf("reload: %s:3: database.retry_max: expected a "
	    "duration such as 30s, 5m, 1h30m, got \"forever\"", f->conf);
	assert_non_null(strstr(log, bad));
	assert_non_null(strstr(log, "reload: keeping the running "
	    "configuration"));
	free(bad);
	free(log);

	stop(f);
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
	assert_true(testnotify_wait(f->tn, "READY=1", 20000));
	stop(f);
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
	assert_false(testnotify_wait(f->tn, "READY=1", 3000));
	assert_non_null(strstr(testnotify_log(f->tn),
	    "STATUS=waiting for database: "));
	assert_int_equal(kill(f->pid, 0), 0);

	testpg_cluster("start");
	f->cluster_stopped = 0;
	assert_true(testnotify_wait(f->tn, "READY=1", 20000));
	log = testproc_read(f->log);
	assert_non_null(strstr(log, "retrying in about"));
	assert_non_null(strstr(log, "database: connected"));
	free(log);
	stop(f);
	testpg_drop(NULL, db);
}

static int
run_check(struct fixture *f, const char *opt)
{
	const char *argv[] = { getenv("POTASHD"), "-n", "-c", f->conf, opt,
	    NULL };

	return (testproc_wait(testproc_spawn(argv, NULL, f->log), 30000));
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
	log = testproc_read(f->log);
	want = xasprintf("%s: database: ", f->conf);
	assert_non_null(strstr(log, want));
	assert_non_null(strstr(log, "\"t_daemon_check\" does not exist"));
	free(want);
	free(log);

	testproc_write(f->conf, "log {\n  level = 3\n}\n");
	unlink(f->log);
	assert_int_equal(run_check(f, NULL), 1);
	log = testproc_read(f->log);
	want = xasprintf("%s:2: log.level: expected one of debug|info|notice|"
	    "warning|error, got \"3\"\n", f->conf);
	assert_string_equal(log, want);
	free(want);
	free(log);
	unlink(f->log);
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

	if (!testpg_available()) {
		fprintf(stderr, "no PostgreSQL (PGHOST unset?): run "
		    "scripts/test\n");
		return (getenv("POTASH_PGTMP") != NULL ? 1 : 77);
	}
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
