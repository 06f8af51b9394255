/* SPDX-License-Identifier: ISC */
/*
 * test_schema: the storage schema (schema/0002..0004) on a real PostgreSQL.
 *
 * Each test gets a fresh database from testpg_fresh(), which applies every
 * migration through the daemon's migrator, and drops it at the end.  Values
 * are checked as the text PostgreSQL returns, so numeric scale matters:
 * "1.50" is not "1.5".  Batches are staged the way the writer stages them
 * (a temp table filled with COPY) and stored with
 * potash.store_observations().  Blocking PQexec is fine here: this is a
 * test, not the daemon.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "testdaemon.h"
#include "testpg.h"

/* The seeded OFAC Belarus GL 13 event of 2025-12-15. */
#define TEST_SCHEMA_GL13 \
	"(SELECT id FROM potash.sanctions_events" \
	" WHERE jurisdiction = 'US' AND announced_on = '2025-12-15'" \
	" AND instrument = 'OFAC Belarus GL 13 (no expiry)')"

/* The seeded 2025-12-13 announcement, which has no effective_on. */
#define TEST_SCHEMA_ANNOUNCEMENT \
	"(SELECT id FROM potash.sanctions_events" \
	" WHERE jurisdiction = 'US' AND announced_on = '2025-12-13')"

static PGconn *
test_schema_open(const char *dbname)
{
	PGconn		*conn;
	PGresult	*res;

	conn = testpg_fresh(dbname);
	assert_non_null(conn);
	/* ensure_partitions and IF NOT EXISTS talk at NOTICE level. */
	res = PQexec(conn, "SET client_min_messages = warning");
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	return (conn);
}

/* A malloc'd copy of s (strdup is POSIX, not C17); NULL if out of memory. */
static char *
test_schema_dup(const char *s)
{
	size_t	 len = strlen(s) + 1;
	char	*p;

	if ((p = malloc(len)) != NULL)
		memcpy(p, s, len);
	return (p);
}

/* Runs sql, which must succeed. */
static void
test_schema_exec(PGconn *conn, const char *sql)
{
	PGresult	*res;
	int		 ok;

	res = PQexec(conn, sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
		print_error("%s\n-> %s", sql, PQresultErrorMessage(res));
	PQclear(res);
	assert_true(ok);
}

/*
 * Runs sql, which must return one row of one column, and compares its text
 * with expected (NULL: the value must be SQL NULL).
 */
static void
test_schema_expect(PGconn *conn, const char *sql, const char *expected)
{
	PGresult	*res;
	char		*got = NULL;
	int		 ok;

	res = PQexec(conn, sql);
	ok = PQresultStatus(res) == PGRES_TUPLES_OK &&
	    PQntuples(res) == 1 && PQnfields(res) == 1;
	if (!ok)
		print_error("%s\n-> %s (%d rows)", sql,
		    PQresultErrorMessage(res), PQntuples(res));
	else if (!PQgetisnull(res, 0, 0)) {
		got = test_schema_dup(PQgetvalue(res, 0, 0));
		assert_non_null(got);
	}
	PQclear(res);
	assert_true(ok);
	if (expected == NULL)
		assert_null(got);
	else {
		if (got == NULL)
			print_error("%s\n-> NULL, expected \"%s\"", sql,
			    expected);
		else if (strcmp(got, expected) != 0)
			print_error("%s\n", sql);
		assert_non_null(got);
		assert_string_equal(got, expected);
	}
	free(got);
}

/* Runs sql, which must fail with the given SQLSTATE. */
static void
test_schema_expect_error(PGconn *conn, const char *sql, const char *sqlstate)
{
	PGresult	*res;
	const char	*state;
	char		*got;

	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_FATAL_ERROR)
		print_error("%s\n-> succeeded, expected SQLSTATE %s", sql,
		    sqlstate);
	assert_int_equal(PQresultStatus(res), PGRES_FATAL_ERROR);
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	got = test_schema_dup(state != NULL ? state : "");
	PQclear(res);
	assert_non_null(got);
	assert_string_equal(got, sqlstate);
	free(got);
}

/*
 * Stages rows (COPY text format: series_key, period, value, unit, seq) in
 * the session's obs_stage, as the writer does.
 */
static void
test_schema_stage(PGconn *conn, const char *rows)
{
	PGresult	*res;

	test_schema_exec(conn,
	    "CREATE TEMP TABLE IF NOT EXISTS obs_stage (series_key text,"
	    " period timestamptz, value numeric, unit text, seq int)");
	test_schema_exec(conn, "TRUNCATE obs_stage");

	res = PQexec(conn, "COPY obs_stage FROM STDIN");
	assert_int_equal(PQresultStatus(res), PGRES_COPY_IN);
	PQclear(res);
	assert_int_equal(PQputCopyData(conn, rows, (int)strlen(rows)), 1);
	assert_int_equal(PQputCopyEnd(conn, NULL), 1);
	res = PQgetResult(conn);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		print_error("COPY: %s", PQresultErrorMessage(res));
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	assert_null(PQgetResult(conn));
}

/* Stages rows, stores them, and checks "stored/unchanged/revised". */
static void
test_schema_store(PGconn *conn, const char *rows, const char *counts)
{
	test_schema_stage(conn, rows);
	test_schema_expect(conn,
	    "SELECT format('%s/%s/%s', stored, unchanged, revised)"
	    " FROM potash.store_observations(NULL)", counts);
}

static void
test_schema_objects(void **state)
{
	const char	*db = "t_schema_objects";
	PGconn		*conn;

	(void)state;
	conn = test_schema_open(db);

	test_schema_expect(conn,
	    "SELECT string_agg(format('%s:%s', c.relname, c.relkind), ','"
	    "   ORDER BY c.relname)"
	    "  FROM pg_class c"
	    " WHERE c.relnamespace = 'potash'::regnamespace"
	    "   AND c.relname IN ('series', 'observations',"
	    "       'observations_default', 'observations_current', 'feed_runs',"
	    "       'feed_state', 'sanctions_events', 'latest', 'monthly', 'yoy',"
	    "       'event_series')",
	    "event_series:v,feed_runs:r,feed_state:r,latest:v,monthly:v,"
	    "observations:p,observations_current:v,observations_default:r,"
	    "sanctions_events:r,series:r,yoy:v");

	/* Yearly partitions 2000..2030 plus DEFAULT, and nothing else. */
	test_schema_expect(conn,
	    "SELECT count(*) FROM pg_inherits"
	    " WHERE inhparent = 'potash.observations'::regclass", "32");
	test_schema_expect(conn,
	    "SELECT format('%s %s %s %s',"
	    "   to_regclass('potash.observations_1999') IS NULL,"
	    "   to_regclass('potash.observations_2000') IS NOT NULL,"
	    "   to_regclass('potash.observations_2030') IS NOT NULL,"
	    "   to_regclass('potash.observations_2031') IS NULL)",
	    "t t t t");
	test_schema_expect(conn,
	    "SELECT c.relname FROM pg_partitioned_table p"
	    "  JOIN pg_class c ON c.oid = p.partdefid"
	    " WHERE p.partrelid = 'potash.observations'::regclass",
	    "observations_default");

	test_schema_expect(conn,
	    "SELECT coalesce(string_agg(f, ','), '') FROM unnest(ARRAY["
	    "   'potash.ensure_partitions(int, int)',"
	    "   'potash.as_of(timestamptz)',"
	    "   'potash.store_observations(bigint)',"
	    "   'potash.event_window(text, bigint, interval, interval)',"
	    "   'potash.events_for(text)']) AS f"
	    " WHERE to_regprocedure(f) IS NULL", "");

	/* Every view and function of the schema is documented. */
	test_schema_expect(conn,
	    "SELECT coalesce(string_agg(o, ',' ORDER BY o), '') FROM ("
	    "  SELECT c.relname::text AS o FROM pg_class c"
	    "   WHERE c.relnamespace = 'potash'::regnamespace"
	    "     AND c.relkind IN ('v', 'm')"
	    "     AND obj_description(c.oid, 'pg_class') IS NULL"
	    "  UNION ALL"
	    "  SELECT p.oid::regprocedure::text FROM pg_proc p"
	    "   WHERE p.pronamespace = 'potash'::regnamespace"
	    "     AND obj_description(p.oid, 'pg_proc') IS NULL) AS undocumented",
	    "");

	/* Nobody but the two roles may run the functions. */
	test_schema_expect(conn,
	    "SELECT coalesce(string_agg(p.proname, ',' ORDER BY p.proname), '')"
	    "  FROM pg_proc p"
	    " WHERE p.pronamespace = 'potash'::regnamespace"
	    "   AND has_function_privilege('public', p.oid, 'EXECUTE')", "");

	test_schema_expect(conn,
	    "SELECT count(*) FROM potash.schema_migrations"
	    " WHERE name LIKE '%0002%' OR name LIKE '%0003%'"
	    "    OR name LIKE '%0004%'", "3");

	/* The seed: all 14 rows of data/sanctions-timeline.csv. */
	test_schema_expect(conn,
	    "SELECT count(*) FROM potash.sanctions_events"
	    " WHERE origin = 'seed'", "14");
	test_schema_expect(conn,
	    "SELECT string_agg(direction::text, ',' ORDER BY announced_on,"
	    "   jurisdiction, instrument) FROM potash.sanctions_events",
	    "1,1,1,1,1,1,1,1,1,1,-1,-1,-1,-1");
	test_schema_expect(conn,
	    "SELECT array_to_string(entities, '|') || ' ' || verification"
	    "  FROM potash.sanctions_events WHERE id = " TEST_SCHEMA_GL13,
	    "Belaruskali OAO|JSC Belarusian Potash Company|"
	    "Agrorozkvit LLC (+50% subs) VERIFIED-S");
	test_schema_expect(conn,
	    "SELECT coalesce(effective_on::text, 'NULL') || ' ' || source_url"
	    "  FROM potash.sanctions_events WHERE id = "
	    TEST_SCHEMA_ANNOUNCEMENT,
	    "NULL Kyiv Independent, 2025-12-13: report of the pardons and of"
	    " the US envoy saying potash sanctions would be lifted");
	test_schema_expect(conn,
	    "SELECT verification FROM potash.sanctions_events"
	    " WHERE instrument = 'SDN removal; GL 12'",
	    "VERIFIED-P(GL12 date)/S");
	test_schema_expect(conn,
	    "SELECT count(*) FROM potash.sanctions_events"
	    " WHERE summary IS NULL OR summary = ''", "0");

	testpg_drop(conn, db);
}

static void
test_schema_numeric(void **state)
{
	const char	*db = "t_schema_numeric";
	PGconn		*conn;

	(void)state;
	conn = test_schema_open(db);

	test_schema_store(conn,
	    "num/exact\t2025-01-01 00:00:00+00\t1234.5678901234567890\tUSD/t\t1\n"
	    "num/big\t2025-01-01 00:00:00+00\t"
	    "123456789012345678901234567890.000000000000000000001\tUSD\t2\n"
	    "num/scale\t2025-01-01 00:00:00+00\t1.50\tUSD/t\t3\n",
	    "3/0/0");
	test_schema_expect(conn,
	    "SELECT o.value::text FROM potash.observations o"
	    "  JOIN potash.series s ON s.id = o.series_id"
	    " WHERE s.key = 'num/exact'", "1234.5678901234567890");
	test_schema_expect(conn,
	    "SELECT c.value::text FROM potash.observations_current c"
	    "  JOIN potash.series s ON s.id = c.series_id"
	    " WHERE s.key = 'num/exact'", "1234.5678901234567890");
	test_schema_expect(conn,
	    "SELECT value::text FROM potash.latest WHERE key = 'num/big'",
	    "123456789012345678901234567890.000000000000000000001");

	/* New series: source before the first '/', name = key, staged unit. */
	test_schema_expect(conn,
	    "SELECT format('%s|%s|%s|%s', source, name, unit, dimensions)"
	    "  FROM potash.series WHERE key = 'num/exact'",
	    "num|num/exact|USD/t|{}");

	/*
	 * 1.5 equals 1.50 as a number: unchanged, and the text first stored
	 * stays.
	 */
	test_schema_store(conn,
	    "num/scale\t2025-01-01 00:00:00+00\t1.5\tUSD/t\t1\n", "0/1/0");
	test_schema_expect(conn,
	    "SELECT string_agg(o.value::text, ',')"
	    "  FROM potash.observations o"
	    "  JOIN potash.series s ON s.id = o.series_id"
	    " WHERE s.key = 'num/scale'", "1.50");

	/* Only finite numbers are values. */
	test_schema_stage(conn,
	    "num/nan\t2025-01-01 00:00:00+00\tNaN\tUSD/t\t1\n");
	test_schema_expect_error(conn,
	    "SELECT * FROM potash.store_observations(NULL)", "23514");
	/* A staged row without a value is refused, not skipped. */
	test_schema_stage(conn,
	    "num/null\t2025-01-01 00:00:00+00\t\\N\tUSD/t\t1\n");
	test_schema_expect_error(conn,
	    "SELECT * FROM potash.store_observations(NULL)", "P0001");
	test_schema_expect(conn,
	    "SELECT count(*) FROM potash.series"
	    " WHERE key IN ('num/nan', 'num/null')", "0");

	testpg_drop(conn, db);
}

static void
test_schema_revisions(void **state)
{
	const char	*db = "t_schema_revisions";
	PGconn		*conn;

	(void)state;
	conn = test_schema_open(db);

	test_schema_store(conn,
	    "rev/a\t2025-03-01 00:00:00+00\t100.25\tUSD/t\t1\n", "1/0/0");
	/* The same value again writes nothing. */
	test_schema_store(conn,
	    "rev/a\t2025-03-01 00:00:00+00\t100.25\tUSD/t\t1\n", "0/1/0");
	test_schema_expect(conn,
	    "SELECT count(*) FROM potash.observations", "1");

	/* A different value adds a revision and keeps the old row. */
	test_schema_store(conn,
	    "rev/a\t2025-03-01 00:00:00+00\t101.75\tUSD/t\t1\n", "0/0/1");
	test_schema_expect(conn,
	    "SELECT string_agg(value::text, ',' ORDER BY known_at)"
	    "  FROM potash.observations", "100.25,101.75");
	test_schema_expect(conn,
	    "SELECT value::text FROM potash.observations_current", "101.75");

	/* As known just before the revision, at it, and before anything. */
	test_schema_expect(conn,
	    "SELECT value::text FROM potash.as_of("
	    "   (SELECT max(known_at) FROM potash.observations)"
	    "   - interval '1 microsecond')", "100.25");
	test_schema_expect(conn,
	    "SELECT value::text FROM potash.as_of("
	    "   (SELECT max(known_at) FROM potash.observations))", "101.75");
	test_schema_expect(conn,
	    "SELECT count(*) FROM potash.as_of("
	    "   (SELECT min(known_at) FROM potash.observations)"
	    "   - interval '1 microsecond')", "0");

	/* Several rows for one (series, period) in a batch: highest seq wins. */
	test_schema_store(conn,
	    "rev/a\t2025-04-01 00:00:00+00\t7\tUSD/t\t2\n"
	    "rev/a\t2025-04-01 00:00:00+00\t9\tUSD/t\t3\n"
	    "rev/a\t2025-04-01 00:00:00+00\t8\tUSD/t\t1\n", "1/0/0");
	test_schema_expect(conn,
	    "SELECT string_agg(value::text, ',') FROM potash.observations"
	    " WHERE period = '2025-04-01 00:00:00+00'", "9");

	/* Two stores in one transaction still get distinct known_at. */
	test_schema_exec(conn, "BEGIN");
	test_schema_store(conn,
	    "rev/a\t2025-03-01 00:00:00+00\t102\tUSD/t\t1\n", "0/0/1");
	test_schema_store(conn,
	    "rev/a\t2025-03-01 00:00:00+00\t103\tUSD/t\t1\n", "0/0/1");
	test_schema_exec(conn, "COMMIT");
	test_schema_expect(conn,
	    "SELECT string_agg(value::text, ',' ORDER BY known_at)"
	    "  FROM potash.observations"
	    " WHERE period = '2025-03-01 00:00:00+00'",
	    "100.25,101.75,102,103");
	test_schema_expect(conn,
	    "SELECT value::text FROM potash.observations_current"
	    " WHERE period = '2025-03-01 00:00:00+00'", "103");

	/* The run id is recorded on what the run stored. */
	test_schema_exec(conn,
	    "INSERT INTO potash.feed_runs (feed) VALUES ('rev')");
	test_schema_stage(conn,
	    "rev/a\t2025-05-01 00:00:00+00\t11\tUSD/t\t1\n");
	test_schema_expect(conn,
	    "SELECT format('%s/%s/%s', stored, unchanged, revised)"
	    "  FROM potash.store_observations("
	    "   (SELECT max(id) FROM potash.feed_runs))", "1/0/0");
	test_schema_expect(conn,
	    "SELECT r.feed FROM potash.observations o"
	    "  JOIN potash.feed_runs r ON r.id = o.feed_run_id"
	    " WHERE o.period = '2025-05-01 00:00:00+00'", "rev");

	testpg_drop(conn, db);
}

static void
test_schema_grants(void **state)
{
	const char	*db = "t_schema_grants";
	PGconn		*conn;

	(void)state;
	conn = test_schema_open(db);

	/* Roles are cluster-wide: clear what a failed run may have left. */
	test_schema_exec(conn,
	    "DROP ROLE IF EXISTS t_schema_grants_reader");
	test_schema_exec(conn,
	    "DROP ROLE IF EXISTS t_schema_grants_writer");
	test_schema_exec(conn,
	    "CREATE ROLE t_schema_grants_reader LOGIN IN ROLE potash_reader");
	test_schema_exec(conn,
	    "CREATE ROLE t_schema_grants_writer LOGIN IN ROLE potash_writer");

	test_schema_store(conn,
	    "grant/a\t2025-06-01 00:00:00+00\t42.0\tt\t1\n", "1/0/0");
	test_schema_exec(conn, "DISCARD TEMP");

	test_schema_exec(conn, "SET ROLE t_schema_grants_reader");
	test_schema_expect_error(conn,
	    "INSERT INTO potash.series (key, source, name)"
	    " VALUES ('x/y', 'x', 'x/y')", "42501");
	test_schema_expect_error(conn,
	    "INSERT INTO potash.observations (series_id, period, value)"
	    " VALUES (1, '2025-01-01', 1)", "42501");
	test_schema_expect_error(conn,
	    "SELECT count(*) FROM potash.feed_state", "42501");
	test_schema_expect_error(conn,
	    "SELECT potash.ensure_partitions(2040, 2040)", "42501");
	test_schema_expect_error(conn,
	    "SELECT * FROM potash.store_observations(NULL)", "42501");
	test_schema_expect(conn,
	    "SELECT format('%s %s %s', key, value, unit) FROM potash.latest",
	    "grant/a 42.0 t");
	test_schema_expect(conn,
	    "SELECT count(*) FROM potash.monthly", "1");
	test_schema_expect(conn,
	    "SELECT count(*) FROM potash.events_for('belaruskali')", "5");
	test_schema_expect(conn,
	    "SELECT count(*) FROM potash.event_window('grant/a', "
	    TEST_SCHEMA_GL13 ", '1 year', '1 year')", "1");
	test_schema_exec(conn, "RESET ROLE");

	/* The writer stores, but never rewrites or deletes history. */
	test_schema_exec(conn, "SET ROLE t_schema_grants_writer");
	test_schema_store(conn,
	    "grant/a\t2025-07-01 00:00:00+00\t43\tt\t1\n", "1/0/0");
	test_schema_expect_error(conn,
	    "DELETE FROM potash.observations", "42501");
	test_schema_expect_error(conn,
	    "UPDATE potash.observations SET value = 0", "42501");
	test_schema_expect_error(conn,
	    "DELETE FROM potash.sanctions_events", "42501");
	test_schema_exec(conn,
	    "INSERT INTO potash.feed_state (feed, etag) VALUES ('f', '\"1\"')"
	    " ON CONFLICT (feed) DO UPDATE SET etag = EXCLUDED.etag");
	/* The daemon's writer's calls, as the writer: a staged value, then
	 * a batch whose two values were known unchanged (0015). */
	test_schema_exec(conn, "CREATE TEMP TABLE writer_stage (b int NOT "
	    "NULL, series_id bigint, series_key text, period timestamptz NOT "
	    "NULL, value numeric NOT NULL, unit text, seq int, known_at "
	    "timestamptz) ON COMMIT DELETE ROWS");
	test_schema_exec(conn, "BEGIN");
	test_schema_exec(conn, "INSERT INTO pg_temp.writer_stage VALUES (1, "
	    "NULL, 'grant/b', '2025-07-01 00:00:00+00', 5, 't', 1, NULL)");
	test_schema_expect(conn, "SELECT format('%s/%s/%s', stored, "
	    "unchanged, revised) FROM potash.store_batches('[{\"id\": \"g1\", "
	    "\"feed\": \"f\"}]', NULL, NULL, NULL) WHERE batch = 1", "1/0/0");
	test_schema_exec(conn, "COMMIT");
	test_schema_expect(conn, "SELECT format('%s/%s/%s', stored, "
	    "unchanged, revised) FROM potash.store_batches('[{\"id\": \"g2\", "
	    "\"feed\": \"f\", \"known_unchanged\": 2, \"etag\": \"\\\"2\\\"\"}]', "
	    "NULL, NULL, NULL)", "0/2/0");
	test_schema_expect(conn, "SELECT etag FROM potash.feed_state WHERE "
	    "feed = 'f'", "\"2\"");
	/* The same batch again (a replay) stores nothing and answers what
	 * it stored then; the validators stay. */
	test_schema_expect(conn, "SELECT format('%s/%s/%s %s', stored, "
	    "unchanged, revised, duplicate) FROM potash.store_batches('[{\"id\": "
	    "\"g2\", \"feed\": \"f\", \"known_unchanged\": 2, \"etag\": "
	    "\"\\\"3\\\"\"}]', NULL, NULL, NULL)", "0/2/0 t");
	test_schema_expect(conn, "SELECT etag FROM potash.feed_state WHERE "
	    "feed = 'f'", "\"2\"");
	test_schema_expect(conn, "SELECT count(*) FROM potash.feed_runs WHERE "
	    "batch_id = 'g2'", "1");
	test_schema_exec(conn, "RESET ROLE");
	test_schema_exec(conn, "DISCARD TEMP");

	test_schema_exec(conn, "DROP ROLE t_schema_grants_reader");
	test_schema_exec(conn, "DROP ROLE t_schema_grants_writer");
	testpg_drop(conn, db);
}

/*
 * Synthetic monthly series around the 2025-12-15 GL 13 event, window
 * 3 months before (from 2025-09-15) and 2 months after (to 2026-02-15):
 *   2025-09-01  999  outside the window
 *   2025-10-01  150  \
 *   2025-11-01  200   } before: mean (150+200+250)/3 = 200, last = 250
 *   2025-12-01  250  /
 *   2026-01-01  300  vs mean +100 = +50 %, vs last +50 = +20 %
 *   2026-02-01  225  vs mean  +25 = +12.5 %, vs last -25 = -10 %
 *   2026-03-01    1  outside the window
 */
static const char test_schema_gl13_rows[] =
    "test/gl13\t2025-09-01 00:00:00+00\t999\tUSD/t\t1\n"
    "test/gl13\t2025-10-01 00:00:00+00\t150\tUSD/t\t2\n"
    "test/gl13\t2025-11-01 00:00:00+00\t200\tUSD/t\t3\n"
    "test/gl13\t2025-12-01 00:00:00+00\t250\tUSD/t\t4\n"
    "test/gl13\t2026-01-01 00:00:00+00\t300\tUSD/t\t5\n"
    "test/gl13\t2026-02-01 00:00:00+00\t225\tUSD/t\t6\n"
    "test/gl13\t2026-03-01 00:00:00+00\t1\tUSD/t\t7\n";

#define TEST_SCHEMA_GL13_WINDOW \
	"SELECT string_agg(format('%s %s %s %s %s %s %s %s %s'," \
	"   to_char(period AT TIME ZONE 'UTC', 'YYYY-MM-DD'), value," \
	"   baseline_mean, baseline_last, change_vs_mean, pct_vs_mean," \
	"   change_vs_last, pct_vs_last, days_from_event), ';'" \
	"   ORDER BY period)" \
	"  FROM potash.event_window('test/gl13', " TEST_SCHEMA_GL13 "," \
	"   '3 months', '2 months')"

static const char test_schema_gl13_expected[] =
    "2025-10-01 150 200 250 -50 -25 -100 -40 -75;"
    "2025-11-01 200 200 250 0 0 -50 -20 -44;"
    "2025-12-01 250 200 250 50 25 0 0 -14;"
    "2026-01-01 300 200 250 100 50 50 20 17;"
    "2026-02-01 225 200 250 25 12.5 -25 -10 48";

static void
test_schema_event_window(void **state)
{
	const char	*db = "t_schema_event_window";
	PGconn		*conn;

	(void)state;
	conn = test_schema_open(db);

	test_schema_store(conn, test_schema_gl13_rows, "7/0/0");
	test_schema_expect(conn, TEST_SCHEMA_GL13_WINDOW,
	    test_schema_gl13_expected);

	/* Window arithmetic is in UTC whatever the session's zone. */
	test_schema_exec(conn, "SET TimeZone = 'America/New_York'");
	test_schema_expect(conn, TEST_SCHEMA_GL13_WINDOW,
	    test_schema_gl13_expected);
	test_schema_exec(conn, "SET TimeZone = 'Asia/Tokyo'");
	test_schema_expect(conn, TEST_SCHEMA_GL13_WINDOW,
	    test_schema_gl13_expected);
	test_schema_exec(conn, "RESET TimeZone");

	/* A revision of a baseline value moves the baseline. */
	test_schema_store(conn,
	    "test/gl13\t2025-10-01 00:00:00+00\t60\tUSD/t\t1\n", "0/0/1");
	test_schema_expect(conn,
	    "SELECT DISTINCT format('%s %s', baseline_mean, baseline_last)"
	    "  FROM potash.event_window('test/gl13', " TEST_SCHEMA_GL13 ","
	    "   '3 months', '2 months')", "170 250");

	/* No effective_on: the event date is announced_on (2025-12-13). */
	test_schema_expect(conn,
	    "SELECT string_agg(days_from_event::text, ',' ORDER BY period)"
	    "  FROM potash.event_window('test/gl13', "
	    TEST_SCHEMA_ANNOUNCEMENT ", '1 month', '1 month')", "-12,19");

	test_schema_expect_error(conn,
	    "SELECT * FROM potash.event_window('no/such', "
	    TEST_SCHEMA_GL13 ", '1 month', '1 month')", "P0002");
	test_schema_expect_error(conn,
	    "SELECT * FROM potash.event_window('test/gl13', -1,"
	    " '1 month', '1 month')", "P0002");

	/* event_series: Belarus origin codes and entity names. */
	test_schema_exec(conn,
	    "INSERT INTO potash.series (key, source, name, dimensions) VALUES"
	    " ('es/blr', 'es', 'origin BLR', '{\"origin\": \"BLR\"}'),"
	    " ('es/112', 'es', 'origin 112', '{\"origin\": 112}'),"
	    " ('es/de', 'es', 'origin DE', '{\"origin\": \"DE\"}'),"
	    " ('es/bpc', 'es', 'BPC', '{\"entity\": \"Belarusian Potash\"}')");
	test_schema_expect(conn,
	    "SELECT string_agg(format('%s:%s', key, n), ',' ORDER BY key) FROM"
	    " (SELECT key, count(*) AS n FROM potash.event_series"
	    "   GROUP BY key) AS t",
	    "es/112:14,es/blr:14,es/bpc:3");

	testpg_drop(conn, db);
}

static void
test_schema_events_for(void **state)
{
	const char	*db = "t_schema_events_for";
	PGconn		*conn;

	(void)state;
	conn = test_schema_open(db);

	test_schema_expect(conn,
	    "SELECT string_agg(to_char(announced_on, 'YYYY-MM-DD') || ' '"
	    "   || jurisdiction, ',' ORDER BY announced_on, jurisdiction)"
	    "  FROM potash.events_for('Belaruskali')",
	    "2021-08-09 US,2021-12-02 UK,2022-01-12 LT,2025-12-13 US,"
	    "2025-12-15 US");
	test_schema_expect(conn,
	    "SELECT count(*) FROM potash.events_for('BELARUSKALI')", "5");
	test_schema_expect(conn,
	    "SELECT string_agg(instrument, '|' ORDER BY announced_on)"
	    "  FROM potash.events_for('belavia')",
	    "OFAC Belarus GL 11|SDN removal; GL 12");
	test_schema_expect(conn,
	    "SELECT count(*) FROM potash.events_for('no such entity')", "0");

	testpg_drop(conn, db);
}

static void
test_schema_views(void **state)
{
	const char	*db = "t_schema_views";
	PGconn		*conn;

	(void)state;
	conn = test_schema_open(db);

	test_schema_store(conn,
	    "v/d\t2024-12-02 00:00:00+00\t200\tUSD/t\t1\n"
	    "v/d\t2024-12-20 00:00:00+00\t220.5\tUSD/t\t2\n"
	    "v/d\t2025-12-05 00:00:00+00\t252\tUSD/t\t3\n"
	    "v/d\t2025-12-31 23:00:00+00\t270\tUSD/t\t4\n", "4/0/0");

	test_schema_expect(conn,
	    "SELECT string_agg(format('%s %s %s %s %s %s',"
	    "   to_char(month, 'YYYY-MM-DD'), avg, min, max, last, n), ';'"
	    "   ORDER BY month)"
	    "  FROM potash.monthly WHERE key = 'v/d'",
	    "2024-12-01 210.25 200 220.5 220.5 2;"
	    "2025-12-01 261 252 270 270 2");
	test_schema_expect(conn,
	    "SELECT string_agg(format('%s %s %s %s %s',"
	    "   to_char(month, 'YYYY-MM-DD'), value, value_year_ago,"
	    "   abs_change, pct_change), ';' ORDER BY month)"
	    "  FROM potash.yoy WHERE key = 'v/d'",
	    "2024-12-01 220.5   ;"
	    "2025-12-01 270 220.5 49.5 22.4489795918367347");
	test_schema_expect(conn,
	    "SELECT format('%s %s %s', value,"
	    "   to_char(period AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),"
	    "   age > interval '0')"
	    "  FROM potash.latest WHERE key = 'v/d'",
	    "270 2025-12-31 23:00 t");

	testpg_drop(conn, db);
}

static void
test_schema_partitions(void **state)
{
	const char	*db = "t_schema_partitions";
	PGconn		*conn;

	(void)state;
	conn = test_schema_open(db);

	test_schema_store(conn,
	    "p/far\t1995-01-01 00:00:00+00\t1\tt\t1\n"
	    "p/far\t2035-03-01 00:00:00+00\t2\tt\t2\n", "2/0/0");
	test_schema_expect(conn,
	    "SELECT string_agg(c.relname, ',' ORDER BY o.period)"
	    "  FROM potash.observations o JOIN pg_class c ON c.oid = o.tableoid",
	    "observations_default,observations_default");

	test_schema_expect(conn,
	    "SELECT potash.ensure_partitions(2035, 2036)", "2");
	test_schema_expect(conn,
	    "SELECT potash.ensure_partitions(2035, 2036)", "0");
	test_schema_expect(conn,
	    "SELECT string_agg(c.relname || ' ' || o.value, ','"
	    "   ORDER BY o.period)"
	    "  FROM potash.observations o JOIN pg_class c ON c.oid = o.tableoid",
	    "observations_default 1,observations_2035 2");
	test_schema_expect(conn,
	    "SELECT count(*) FROM potash.observations_current", "2");
	test_schema_expect_error(conn,
	    "SELECT potash.ensure_partitions(2036, 2035)", "P0001");

	testpg_drop(conn, db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_objects),
		cmocka_unit_test(test_schema_numeric),
		cmocka_unit_test(test_schema_revisions),
		cmocka_unit_test(test_schema_grants),
		cmocka_unit_test(test_schema_event_window),
		cmocka_unit_test(test_schema_events_for),
		cmocka_unit_test(test_schema_views),
		cmocka_unit_test(test_schema_partitions),
	};
	int	rc;

	if ((rc = testd_pg_missing()) != 0)
		return (rc);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
