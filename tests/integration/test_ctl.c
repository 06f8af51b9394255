/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of potashctl's data commands: parse (a collector on a
 * file, JSON lines out, precise errors), import (every bad line reported
 * as FILE:LINE before anything is written; then counts; known_at given per
 * line, vintages of one period, the demo file), and fetch
 * (--dry-run prints, a real run stores and a second run stores nothing
 * new).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testdaemon.h"
#include "testpg.h"
#include "testproc.h"
#include "util/xmalloc.h"

struct out {
	int	 code;
	char	*text;
};

/* Runs potashctl with args; stdout and stderr together in out->text. */
static void
ctl(struct out *o, const char *const *args)
{
	o->code = testd_ctl(NULL, args, NULL, &o->text);
}

static char *
src(const char *rel)
{
	return (xasprintf("%s/%s", getenv("POTASH_SOURCE_ROOT"), rel));
}

static void
test_parse(void **state)
{
	struct out	 o;
	char		*file = src("data/demo/feeds/generic-freight.json");
	const char	*ok[] = { "parse", "json", file, "-o", "rows=data.weekly",
	    "-o", "period_field=week_ending", "-o", "values=rate=>x/y:USD/t",
	    NULL };
	const char	*bad[] = { "parse", "json", file, "-o", "rows=data",
	    "-o", "period_field=d", "-o", "values=a=>x/y", NULL };
	const char	*unknown[] = { "parse", "nosuchkind", file, NULL };

	(void)state;
	ctl(&o, ok);
	assert_int_equal(o.code, 0);
	assert_int_equal(strncmp(o.text, "{\"series\":\"x/y\",\"period\":"
	    "\"2021-01-08\",\"value\":\"30.92\",\"unit\":\"USD/t\"}\n", 70), 0);
	free(o.text);
	ctl(&o, bad);
	assert_int_equal(o.code, 1);
	assert_non_null(strstr(o.text, "generic-freight.json: "));
	free(o.text);
	ctl(&o, unknown);
	assert_int_equal(o.code, 1);
	assert_string_equal(o.text, "potashctl: parse: unknown kind "
	    "\"nosuchkind\"\n");
	free(o.text);
	free(file);
}

static void
test_import(void **state)
{
	const char	*db = "t_ctl_import";
	struct out	 o;
	PGconn		*conn;
	char		*dir = testproc_tmpdir(), *conf, *bad, *good, *want, *v;
	char		*text;

	(void)state;
	conn = testpg_fresh(db);
	conf = xasprintf("%s/c.conf", dir);
	text = xasprintf("state_directory = \"%s\"\ndatabase {\n conninfo = "
	    "\"dbname=%s\"\n}\n", dir, db);
	testproc_write(conf, text);
	free(text);
	bad = xasprintf("%s/bad.jsonl", dir);
	testproc_write(bad,
	    "{\"series\":\"t/a\",\"period\":\"2025-01\",\"value\":\"1.5\"}\n"
	    "{\"series\":\"t/a\",\"period\":\"2025-13\",\"value\":\"1.5\"}\n"
	    "\n"
	    "{\"series\":\"t/a\",\"period\":\"2025-02\",\"value\":12.5}\n"
	    "{\"series\":\"t/a\",\"period\":\"2025-03\",\"value\":\"NaN\"}\n"
	    "not json\n");
	{
		const char *args[] = { "-c", conf, "import", bad, NULL };

		ctl(&o, args);
	}
	assert_int_equal(o.code, 1);
	want = xasprintf("%s:2: field \"period\": ", bad);
	assert_non_null(strstr(o.text, want));
	free(want);
	want = xasprintf("%s:4: field \"value\": expected a string such as "
	    "\"123.45\" (numbers are written as strings to keep them exact)",
	    bad);
	assert_non_null(strstr(o.text, want));
	free(want);
	want = xasprintf("%s:5: field \"value\": ", bad);
	assert_non_null(strstr(o.text, want));
	free(want);
	want = xasprintf("%s:6: not a JSON object", bad);
	assert_non_null(strstr(o.text, want));
	free(want);
	free(o.text);
	/* Nothing was written: the file is checked first. */
	v = testpg_value(conn, "SELECT count(*) FROM potash.observations");
	assert_string_equal(v, "0");
	free(v);

	good = xasprintf("%s/good.jsonl", dir);
	testproc_write(good,
	    "{\"series\":\"t/a\",\"period\":\"2025-01\",\"value\":\"1.50\","
	    "\"unit\":\"t\"}\n"
	    "{\"series\":\"t/a\",\"period\":\"2025-02-01\",\"value\":\"2\","
	    "\"unit\":\"t\"}\n");
	{
		const char *args[] = { "-c", conf, "import", good, NULL };

		ctl(&o, args);
		assert_int_equal(o.code, 0);
		want = xasprintf("%s: 2 observations: 2 stored, 0 unchanged, "
		    "0 revised (1 batch)\n", good);
		assert_string_equal(o.text, want);
		free(want);
		free(o.text);
		ctl(&o, args);
		assert_int_equal(o.code, 0);
		want = xasprintf("%s: 2 observations: 0 stored, 2 unchanged, "
		    "0 revised (1 batch)\n", good);
		assert_string_equal(o.text, want);
		free(want);
		free(o.text);
	}
	v = testpg_value(conn, "SELECT string_agg(value::text, ',' ORDER BY "
	    "period) FROM potash.observations");
	assert_string_equal(v, "1.50,2");
	free(v);
	text = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(text), 0);
	free(text);
	free(conf);
	free(bad);
	free(good);
	free(dir);
	testpg_drop(conn, db);
}

/* Writes a config for database db into dir; returns its path. */
static char *
ctl_conf(const char *dir, const char *db)
{
	char	*conf, *text;

	conf = xasprintf("%s/c.conf", dir);
	text = xasprintf("state_directory = \"%s\"\ndatabase {\n conninfo = "
	    "\"dbname=%s\"\n}\n", dir, db);
	testproc_write(conf, text);
	free(text);
	return (conf);
}

/* Imports file; checks the exit code and, if want, the output. */
static void
ctl_import(const char *conf, const char *file, int code, const char *want)
{
	const char	*args[] = { "-c", conf, "import", file, NULL };
	struct out	 o;
	char		*line;

	ctl(&o, args);
	if (o.code != code)
		fail_msg("import %s: exit %d: %s", file, o.code, o.text);
	if (want != NULL) {
		line = xasprintf("%s: %s\n", file, want);
		assert_string_equal(o.text, line);
		free(line);
	}
	free(o.text);
}

static void
test_import_known_at(void **state)
{
	const char	*db = "t_ctl_known_at";
	struct out	 o;
	PGconn		*conn;
	char		*dir = testproc_tmpdir(), *conf, *bad, *good, *older;
	char		*want, *v, *t0, *sql;

	(void)state;
	conn = testpg_fresh(db);
	conf = ctl_conf(dir, db);
	bad = xasprintf("%s/bad.jsonl", dir);
	testproc_write(bad,
	    "{\"series\":\"t/k\",\"period\":\"2021-07\",\"value\":\"1\","
	    "\"known_at\":\"2021-08-20T15:00:00Z\"}\n"
	    "{\"series\":\"t/k\",\"period\":\"2021-08\",\"value\":\"1\","
	    "\"known_at\":\"2021-13-20\"}\n"
	    "{\"series\":\"t/k\",\"period\":\"2021-09\",\"value\":\"1\","
	    "\"known_at\":\"2021-10\"}\n"
	    "{\"series\":\"t/k\",\"period\":\"2021-10\",\"value\":\"1\","
	    "\"known_at\":20211120}\n"
	    "{\"series\":\"t/k\",\"period\":\"2021-11\",\"value\":\"1\","
	    "\"known_at\":\"yesterday\"}\n");
	{
		const char *args[] = { "-c", conf, "import", bad, NULL };

		ctl(&o, args);
	}
	assert_int_equal(o.code, 1);
	want = xasprintf("%s:2: field \"known_at\": expected a month between "
	    "01 and 12, got \"2021-13-20\"\n", bad);
	assert_non_null(strstr(o.text, want));
	free(want);
	want = xasprintf("%s:3: field \"known_at\": expected a time such as "
	    "2021-08-03T15:00:00Z or a date such as 2021-08-03, got "
	    "\"2021-10\"\n", bad);
	assert_non_null(strstr(o.text, want));
	free(want);
	want = xasprintf("%s:4: field \"known_at\": expected a string", bad);
	assert_non_null(strstr(o.text, want));
	free(want);
	want = xasprintf("%s:5: field \"known_at\": expected a time", bad);
	assert_non_null(strstr(o.text, want));
	free(want);
	want = xasprintf("%s:1:", bad);
	assert_null(strstr(o.text, want));
	free(want);
	free(o.text);
	v = testpg_value(conn, "SELECT count(*) FROM potash.observations");
	assert_string_equal(v, "0");
	free(v);

	/* Given, none, null, in the future, and two vintages of one period
	 * (the second starts a batch of its own). */
	t0 = testpg_value(conn, "SELECT now()::text");
	good = xasprintf("%s/good.jsonl", dir);
	testproc_write(good,
	    "{\"series\":\"t/k\",\"period\":\"2021-07\",\"value\":\"280\","
	    "\"known_at\":\"2021-08-20T15:00:00Z\"}\n"
	    "{\"series\":\"t/k\",\"period\":\"2021-08\",\"value\":\"300\"}\n"
	    "{\"series\":\"t/k\",\"period\":\"2021-09\",\"value\":\"310\","
	    "\"known_at\":\"2100-01-01\"}\n"
	    "{\"series\":\"t/k\",\"period\":\"2021-10\",\"value\":\"320\","
	    "\"known_at\":null}\n"
	    "{\"series\":\"t/v\",\"period\":\"2021-07\",\"value\":\"1\","
	    "\"known_at\":\"2021-08-20\"}\n"
	    "{\"series\":\"t/v\",\"period\":\"2021-07\",\"value\":\"2\","
	    "\"known_at\":\"2021-09-20 15:00\"}\n");
	ctl_import(conf, good, 0, "6 observations: 5 stored, 0 unchanged, "
	    "1 revised (2 batches)");
	v = testd_history(conn, "t/k", "2021-07-01");
	assert_string_equal(v, "280@2021-08-20 15:00:00.000000");
	free(v);
	v = testd_history(conn, "t/v", "2021-07-01");
	assert_string_equal(v, "1@2021-08-20 00:00:00.000000,"
	    "2@2021-09-20 15:00:00.000000");
	free(v);
	/* None, null and the future: the time of the import. */
	sql = xasprintf("SELECT count(*) || ' ' || bool_and(o.known_at >= "
	    "'%s'::timestamptz AND o.known_at <= now()) FROM "
	    "potash.observations o WHERE o.period IN ('2021-08-01', "
	    "'2021-09-01', '2021-10-01')", t0);
	v = testpg_value(conn, sql);
	assert_string_equal(v, "3 true");
	free(v);
	free(sql);
	free(t0);

	/* Again: every vintage is stored already, nothing is written. */
	ctl_import(conf, good, 0, "6 observations: 0 stored, 6 unchanged, "
	    "0 revised (2 batches)");
	v = testpg_value(conn, "SELECT count(*) FROM potash.observations");
	assert_string_equal(v, "6");
	free(v);

	/* A revision known before the current one follows it by 1 us. */
	older = xasprintf("%s/older.jsonl", dir);
	testproc_write(older,
	    "{\"series\":\"t/k\",\"period\":\"2021-07\",\"value\":\"285\","
	    "\"known_at\":\"2021-08-01T00:00:00Z\"}\n");
	ctl_import(conf, older, 0, "1 observations: 0 stored, 0 unchanged, "
	    "1 revised (1 batch)");
	v = testd_history(conn, "t/k", "2021-07-01");
	assert_string_equal(v, "280@2021-08-20 15:00:00.000000,"
	    "285@2021-08-20 15:00:00.000001");
	free(v);

	v = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(v), 0);
	free(v);
	free(conf);
	free(bad);
	free(good);
	free(older);
	free(dir);
	testpg_drop(conn, db);
}

static void
test_import_demo(void **state)
{
	const char	*db = "t_ctl_demo";
	PGconn		*conn;
	char		*dir = testproc_tmpdir(), *conf, *file, *v;

	(void)state;
	conn = testpg_fresh(db);
	conf = ctl_conf(dir, db);
	file = src("data/demo/observations.jsonl");
	ctl_import(conf, file, 0, "186 observations: 186 stored, 0 unchanged, "
	    "0 revised (1 batch)");
	/* Published after each month, never after the demo was made. */
	v = testpg_value(conn, "SELECT count(*) FILTER (WHERE known_at <= "
	    "period + interval '1 month') || ' ' || max(known_at AT TIME "
	    "ZONE 'UTC') FROM potash.observations");
	assert_string_equal(v, "0 2026-11-20 00:00:00");
	free(v);
	v = testpg_value(conn, "SELECT to_char(o.known_at AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD HH24:MI') FROM potash.observations o JOIN "
	    "potash.series s ON s.id = o.series_id WHERE s.key = "
	    "'demo/potash_price' AND o.period = '2019-01-01'");
	assert_string_equal(v, "2019-02-21 15:00");
	free(v);
	ctl_import(conf, file, 0, "186 observations: 0 stored, 186 unchanged, "
	    "0 revised (1 batch)");
	v = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(v), 0);
	free(v);
	free(conf);
	free(file);
	free(dir);
	testpg_drop(conn, db);
}

static void
test_fetch_demo_feed(void **state)
{
	const char	*db = "t_ctl_fetch";
	struct out	 o;
	PGconn		*conn;
	char		*dir = testproc_tmpdir(), *conf, *text, *v;

	(void)state;
	conn = testpg_fresh(db);
	conf = xasprintf("%s/c.conf", dir);
	text = xasprintf("state_directory = \"%s\"\ndatabase {\n conninfo = "
	    "\"dbname=%s\"\n}\nfeed \"freight\" {\n kind = json\n url = "
	    "\"file://%s/data/demo/feeds/generic-freight.json\"\n rows = "
	    "\"data.weekly\"\n period_field = \"week_ending\"\n values = "
	    "{\"rate=>demo/freight:USD/t\"}\n}\n", dir, db,
	    getenv("POTASH_SOURCE_ROOT"));
	testproc_write(conf, text);
	free(text);
	{
		const char *dry[] = { "-c", conf, "fetch", "freight",
		    "--dry-run", NULL };
		const char *run[] = { "-c", conf, "fetch", "freight", NULL };
		const char *none[] = { "-c", conf, "fetch", "nope", NULL };

		ctl(&o, dry);
		assert_int_equal(o.code, 0);
		assert_int_equal(strncmp(o.text, "{\"series\":\"demo/freight\"",
		    24), 0);
		free(o.text);
		v = testpg_value(conn, "SELECT count(*) FROM "
		    "potash.feed_runs");
		assert_string_equal(v, "0");
		free(v);
		ctl(&o, run);
		assert_int_equal(o.code, 0);
		assert_string_equal(o.text, "freight: 294 stored, 0 unchanged, "
		    "0 revised\n");
		free(o.text);
		ctl(&o, run);
		assert_string_equal(o.text, "freight: 0 stored, 294 unchanged, "
		    "0 revised\n");
		free(o.text);
		ctl(&o, none);
		assert_int_equal(o.code, 1);
		assert_non_null(strstr(o.text, "no feed \"nope\""));
		free(o.text);
	}
	v = testpg_value(conn, "SELECT count(*) || ' ' || min(url) FROM "
	    "potash.feed_runs WHERE feed = 'freight' AND error IS NULL");
	text = xasprintf("2 file://%s/data/demo/feeds/generic-freight.json",
	    getenv("POTASH_SOURCE_ROOT"));
	assert_string_equal(v, text);
	free(text);
	free(v);
	text = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(text), 0);
	free(text);
	free(conf);
	free(dir);
	testpg_drop(conn, db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_import_known_at),
		cmocka_unit_test(test_import_demo),
		cmocka_unit_test(test_fetch_demo_feed),
	};
	int	rc;

	if ((rc = testd_pg_missing()) != 0)
		return (rc);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
