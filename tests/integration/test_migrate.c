/* SPDX-License-Identifier: ISC */
/*
 * Integration tests for store/migrate on the real PostgreSQL: from empty,
 * re-run, tampered checksum, unknown applied migration, a failing file
 * rolled back whole, two migrators racing, and potashctl migrate.
 */
#include <sys/wait.h>

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

static int
run(const char *db, const struct migration_file *files, size_t n, char *err,
    size_t errlen)
{
	struct pg_params	 p;
	char			*ci = testpg_conninfo(db);
	int			 rv;

	memset(&p, 0, sizeof(p));
	p.conninfo = ci;
	p.connect_timeout = 10000000;
	p.retry_initial = 100000;
	p.retry_max = 1000000;
	err[0] = '\0';
	rv = migrate_run(&p, files, n, err, errlen);
	free(ci);
	return (rv);
}

static void
test_from_empty_and_rerun(void **state)
{
	const char	*db = "t_migrate_empty";
	PGconn		*conn;
	char		 err[1024], *v, *want;

	(void)state;
	conn = testpg_empty(db);
	assert_int_equal(run(db, migration_files, migration_nfiles, err,
	    sizeof(err)), (int)migration_nfiles);
	v = testpg_value(conn, "SELECT count(*) FROM potash.schema_migrations");
	want = xasprintf("%zu", migration_nfiles);
	assert_string_equal(v, want);
	free(v);
	free(want);
	v = testpg_value(conn, "SELECT string_agg(rolname, ',' ORDER BY "
	    "rolname) FROM pg_roles WHERE rolname LIKE 'potash\\_%'");
	assert_string_equal(v, "potash_reader,potash_writer");
	free(v);
	v = testpg_value(conn, "SELECT checksum FROM potash.schema_migrations "
	    "WHERE name = '0001_init.sql'");
	assert_string_equal(v, migration_files[0].checksum);
	free(v);

	/* A second run is a no-op. */
	assert_int_equal(run(db, migration_files, migration_nfiles, err,
	    sizeof(err)), 0);
	v = testpg_value(conn, "SELECT count(*) FROM potash.schema_migrations");
	want = xasprintf("%zu", migration_nfiles);
	assert_string_equal(v, want);
	free(v);
	free(want);
	testpg_drop(conn, db);
}

static void
test_tampered_checksum_refused(void **state)
{
	const char	*db = "t_migrate_tampered";
	PGconn		*conn;
	char		 err[1024];

	(void)state;
	conn = testpg_fresh(db);
	testpg_exec(conn, "UPDATE potash.schema_migrations SET checksum = "
	    "'0000000000000000' WHERE name = '0001_init.sql'");
	assert_int_equal(run(db, migration_files, migration_nfiles, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "migration 0001_init.sql was changed "
	    "after it was applied (applied checksum 000000000000, file "));
	assert_non_null(strstr(err, "migrations are forward-only"));
	testpg_drop(conn, db);
}

static void
test_unknown_applied_refused(void **state)
{
	const char	*db = "t_migrate_newer";
	PGconn		*conn;
	char		 err[1024];

	(void)state;
	conn = testpg_fresh(db);
	testpg_exec(conn, "INSERT INTO potash.schema_migrations (name, "
	    "checksum) VALUES ('9999_future.sql', 'abc')");
	assert_int_equal(run(db, migration_files, migration_nfiles, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "database has migration 9999_future.sql, "
	    "which this potashd does not know: it was migrated by a newer "
	    "version");
	testpg_drop(conn, db);
}

static void
test_failing_migration_rolls_back(void **state)
{
	const char		*db = "t_migrate_fail";
	struct migration_file	*files;
	PGconn			*conn;
	char			 err[1024], *v;

	(void)state;
	files = xcalloc(migration_nfiles + 1, sizeof(*files));
	memcpy(files, migration_files, migration_nfiles * sizeof(*files));
	files[migration_nfiles].name = "9998_broken.sql";
	files[migration_nfiles].sql = "CREATE TABLE potash.half (x int);\n"
	    "INSERT INTO potash.half VALUES (1);\nSELECT 1/0;\n";
	files[migration_nfiles].checksum = "feed";

	conn = testpg_empty(db);
	assert_int_equal(run(db, files, migration_nfiles + 1, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "migration 9998_broken.sql failed: "
	    "division by zero");
	/* The good files before it stay applied; the broken one left
	 * nothing behind, neither its table nor a ledger row. */
	v = testpg_value(conn, "SELECT to_regclass('potash.half')::text");
	assert_null(v);
	v = testpg_value(conn, "SELECT count(*) FROM potash.schema_migrations "
	    "WHERE name = '9998_broken.sql'");
	assert_string_equal(v, "0");
	free(v);
	v = testpg_value(conn, "SELECT count(*) FROM potash.schema_migrations");
	assert_int_equal(atoi(v), (int)migration_nfiles);
	free(v);
	/* The advisory lock was released: a fixed list migrates fine. */
	assert_int_equal(run(db, migration_files, migration_nfiles, err,
	    sizeof(err)), 0);
	free(files);
	testpg_drop(conn, db);
}

static void
test_concurrent_migrators(void **state)
{
	const char	*db = "t_migrate_race";
	PGconn		*conn;
	pid_t		 pids[3];
	int		 i, status, total = 0;
	char		 err[1024], *v;

	(void)state;
	conn = testpg_empty(db);
	for (i = 0; i < 3; i++) {
		if ((pids[i] = fork()) == 0) {
			int n = run(db, migration_files, migration_nfiles,
			    err, sizeof(err));

			if (n < 0)
				fprintf(stderr, "migrator %d: %s\n", i, err);
			_exit(n < 0 ? 255 : n);
		}
	}
	for (i = 0; i < 3; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_not_equal(WEXITSTATUS(status), 255);
		total += WEXITSTATUS(status);
	}
	/* Each file was applied exactly once, by one of them. */
	assert_int_equal(total, (int)migration_nfiles);
	v = testpg_value(conn, "SELECT count(*) FROM potash.schema_migrations");
	assert_int_equal(atoi(v), (int)migration_nfiles);
	free(v);
	testpg_drop(conn, db);
}

static void
test_potashctl_migrate(void **state)
{
	const char	*db = "t_migrate_ctl";
	PGconn		*conn;
	char		*dir, *conf, *logp, *text, *out, *want;
	pid_t		 pid;

	(void)state;
	conn = testpg_empty(db);
	dir = testproc_tmpdir();
	conf = xasprintf("%s/c.conf", dir);
	logp = xasprintf("%s/out", dir);
	text = xasprintf("database {\n conninfo = \"dbname=%s\"\n}\n", db);
	testproc_write(conf, text);
	{
		const char *argv[] = { getenv("POTASHCTL"), "-c", conf,
		    "migrate", NULL };

		pid = testproc_spawn(argv, NULL, logp);
		assert_int_equal(testproc_wait(pid, 60000), 0);
		pid = testproc_spawn(argv, NULL, logp);
		assert_int_equal(testproc_wait(pid, 60000), 0);
	}
	out = testproc_read(logp);
	want = xasprintf("schema current: %zu migration%s applied, %zu known\n"
	    "schema current: 0 migrations applied, %zu known\n",
	    migration_nfiles, migration_nfiles == 1 ? "" : "s",
	    migration_nfiles, migration_nfiles);
	assert_string_equal(out, want);
	free(want);
	free(out);
	free(text);
	unlink(conf);
	unlink(logp);
	rmdir(dir);
	free(conf);
	free(logp);
	free(dir);
	testpg_drop(conn, db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_empty_and_rerun),
		cmocka_unit_test(test_tampered_checksum_refused),
		cmocka_unit_test(test_unknown_applied_refused),
		cmocka_unit_test(test_failing_migration_rolls_back),
		cmocka_unit_test(test_concurrent_migrators),
		cmocka_unit_test(test_potashctl_migrate),
	};
	int	rc;

	if ((rc = testd_pg_missing()) != 0)
		return (rc);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
