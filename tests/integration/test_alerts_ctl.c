/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of potashctl's alert commands against a real
 * PostgreSQL: silence add/list/expire (and their errors, with exit codes
 * and messages), alerts and rules over rows stored through
 * potash.rules_load and potash.alert_apply, and backtest over a stored
 * fixture history (tests/fixtures/alerts) whose publication times are
 * set as they would have been: the exact transitions, and nothing
 * written.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "testdaemon.h"
#include "testpg.h"
#include "testproc.h"
#include "util/xmalloc.h"

struct out {
	int	 code;
	char	*text;
};

/* Runs potashctl -c conf with args and the extra environment env (may
 * be NULL); stdout and stderr together in o->text. */
static void
ctl(struct out *o, const char *conf, const char *const *env,
    const char *const *args)
{
	o->code = testd_ctl(conf, args, env, &o->text);
}

/* Runs and checks the exit code and that the output holds want. */
static void
ctl_expect(const char *conf, const char *const *args, int code,
    const char *want)
{
	struct out	o;

	ctl(&o, conf, NULL, args);
	if (o.code != code || strstr(o.text, want) == NULL)
		fail_msg("potashctl %s: exit %d, output:\n%s\nwanted exit %d "
		    "and \"%s\"", args[0], o.code, o.text, code, want);
	free(o.text);
}

/* Fails unless text starts with prefix. */
static void
assert_prefix(const char *text, const char *prefix)
{
	if (strncmp(text, prefix, strlen(prefix)) != 0)
		fail_msg("wanted a line starting with\n%s\ngot\n%s", prefix,
		    text);
}

/* The JSON objects among the lines of text, in order. */
static size_t
json_lines(const char *text, cJSON **objs, size_t max)
{
	const char	*p = text, *nl;
	char		*line;
	size_t		 n = 0;

	while (*p != '\0' && n < max) {
		nl = strchr(p, '\n');
		line = xstrndup(p, nl != NULL ? (size_t)(nl - p) : strlen(p));
		if (line[0] == '{') {
			objs[n] = cJSON_Parse(line);
			if (objs[n] == NULL)
				fail_msg("not JSON: %s", line);
			n++;
		}
		free(line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return (n);
}

static const char *
json_str(const cJSON *o, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsString(v))
		fail_msg("\"%s\" is not a string", name);
	return (v->valuestring);
}

static double
json_num(const cJSON *o, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsNumber(v))
		fail_msg("\"%s\" is not a number", name);
	return (v->valuedouble);
}

static void
json_free(cJSON **objs, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		cJSON_Delete(objs[i]);
}

static const char test_rules[] =
    "rule \"price-high\" {\n"
    "  kind = threshold\n"
    "  series = \"demo/potash_price\"\n"
    "  severity = critical\n"
    "  above = 400\n"
    "  clear = 380\n"
    "  annotations { summary = \"Potash at {{value}} USD/t, above "
    "{{threshold}}\" }\n"
    "}\n"
    "rule \"easing\" {\n"
    "  kind = since_event\n"
    "  series = \"demo/potash_price\"\n"
    "  baseline = \"3 periods\"\n"
    "  within = 180d\n"
    "  above = \"15%\"\n"
    "  event {\n"
    "    jurisdiction = {\"US\"}\n"
    "    action = {\"general_license\"}\n"
    "    entity = {\"belaruskali\"}\n"
    "    direction = ease\n"
    "  }\n"
    "  annotations { summary = \"{{metric}} vs {{baseline}} since "
    "{{event}}\" }\n"
    "}\n";

/* A temp dir holding c.conf for database db, with the test rules. */
static char *
test_config(const char *dir, const char *db)
{
	char	*conf, *text;

	conf = xasprintf("%s/c.conf", dir);
	text = xasprintf("state_directory = \"%s\"\ndatabase {\n conninfo = "
	    "\"dbname=%s\"\n}\n%s", dir, db, test_rules);
	testproc_write(conf, text);
	free(text);
	return (conf);
}

static void
test_silence(void **state)
{
	const char	*db = "t_alerts_ctl_silence";
	const char	*env[] = { "USER=tester", NULL };
	struct out	 o;
	PGconn		*conn;
	cJSON		*objs[8];
	char		*dir = testproc_tmpdir(), *conf, *v;
	size_t		 n;

	(void)state;
	conn = testpg_fresh(db);
	conf = test_config(dir, db);
	{
		const char *a[] = { "silence", "add", "--for", "1h",
		    "--reason", "x", NULL };

		ctl_expect(conf, a, 1, "potashctl: silence add: give at "
		    "least one matcher: --rule, --series or --label");
	}
	{
		const char *a[] = { "silence", "add", "--rule", "price-high",
		    "--for", "1x", "--reason", "x", NULL };

		ctl_expect(conf, a, 1, "potashctl: silence add: --for: "
		    "expected a duration such as 30s, 5m, 1h30m, got \"1x\"");
	}
	{
		const char *a[] = { "silence", "add", "--rule", "price-high",
		    "--for", "0", "--reason", "x", NULL };

		ctl_expect(conf, a, 1, "--for: expected a duration above 0");
	}
	{
		const char *a[] = { "silence", "add", "--rule", "price-high",
		    "--until", "2020-01-01", "--reason", "x", NULL };

		ctl_expect(conf, a, 1, "potashctl: silence add: --until: "
		    "2020-01-01 00:00:00 UTC is not in the future");
	}
	{
		const char *a[] = { "silence", "add", "--rule", "price-high",
		    "--for", "1h", "--until", "2099-01-01", "--reason", "x",
		    NULL };

		ctl_expect(conf, a, 1, "give either --for DURATION or --until "
		    "TIME");
	}
	{
		const char *a[] = { "silence", "add", "--rule", "price-high",
		    "--for", "1h", NULL };

		ctl_expect(conf, a, 1, "--reason TEXT is required");
	}
	{
		const char *a[] = { "silence", "add", "--label", "novalue",
		    "--for", "1h", "--reason", "x", NULL };

		ctl_expect(conf, a, 1, "--label: expected NAME=VALUE such as "
		    "team=ops, got \"novalue\"");
	}
	v = testpg_value(conn, "SELECT count(*) FROM potash.silences");
	assert_string_equal(v, "0");
	free(v);

	{
		const char *a[] = { "silence", "add", "--rule", "price-high",
		    "--for", "2h", "--reason", "maintenance", "--author",
		    "alice", NULL };

		ctl(&o, conf, NULL, a);
		assert_int_equal(o.code, 0);
		/* The id, and a warning: no daemon loaded the rules (stdout
		 * and stderr are one file here, in either order). */
		assert_int_equal(strlen(o.text), strlen("1\npotashctl: silence "
		    "add: warning: no rule \"price-high\" is loaded\n"));
		assert_true(strncmp(o.text, "1\n", 2) == 0 ||
		    strstr(o.text, "\n1\n") != NULL);
		assert_non_null(strstr(o.text, "potashctl: silence add: "
		    "warning: no rule \"price-high\" is loaded\n"));
		free(o.text);
	}
	{
		const char *a[] = { "silence", "add", "--series", "demo/*",
		    "--label", "team=ops", "--until", "2099-01-01T12:00:00Z",
		    "--reason", "known outage", NULL };

		ctl(&o, conf, env, a);
		assert_int_equal(o.code, 0);
		assert_string_equal(o.text, "2\n");
		free(o.text);
	}
	v = testpg_value(conn, "SELECT string_agg(concat_ws('|', id, "
	    "coalesce(rule, '-'), coalesce(series, '-'), labels::text, "
	    "author, reason, CASE WHEN id = 1 THEN (ends_at - "
	    "starts_at)::text ELSE to_char(ends_at AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD HH24:MI') END), ';' ORDER BY id) "
	    "FROM potash.silences");
	assert_string_equal(v, "1|price-high|-|{}|alice|maintenance|02:00:00;"
	    "2|-|demo/*|{\"team\": \"ops\"}|tester|known outage|"
	    "2099-01-01 12:00");
	free(v);

	{
		const char *a[] = { "silence", "list", NULL };

		ctl(&o, conf, NULL, a);
		assert_int_equal(o.code, 0);
		assert_prefix(o.text, "ID  STATUS  STARTS (UTC)");
		assert_non_null(strstr(o.text, "\n1   active  "));
		assert_non_null(strstr(o.text, "\n2   active  "));
		assert_non_null(strstr(o.text, "  demo/*  team=ops  tester  0 "
		    "      known outage\n"));
		free(o.text);
	}
	{
		const char *a[] = { "silence", "list", "--json", NULL };

		ctl(&o, conf, NULL, a);
		assert_int_equal(o.code, 0);
		n = json_lines(o.text, objs, 8);
		assert_int_equal(n, 2);
		assert_true(json_num(objs[0], "id") == 1);
		assert_string_equal(json_str(objs[0], "status"), "active");
		assert_string_equal(json_str(objs[0], "rule"), "price-high");
		assert_true(cJSON_IsNull(cJSON_GetObjectItem(objs[0],
		    "series")));
		assert_string_equal(json_str(objs[1], "author"), "tester");
		assert_string_equal(json_str(cJSON_GetObjectItem(objs[1],
		    "labels"), "team"), "ops");
		assert_string_equal(json_str(objs[1], "ends_at"),
		    "2099-01-01T12:00:00.000000Z");
		json_free(objs, n);
		free(o.text);
	}
	{
		const char *a[] = { "silence", "expire", "1", NULL };

		ctl(&o, conf, NULL, a);
		assert_int_equal(o.code, 0);
		assert_string_equal(o.text, "silence 1 expired\n");
		free(o.text);
		ctl_expect(conf, a, 1, "potashctl: silence expire: silence 1 "
		    "is not active: it ended at ");
	}
	{
		const char *a[] = { "silence", "expire", "999", NULL };
		const char *b[] = { "silence", "expire", "abc", NULL };
		const char *c[] = { "silence", "expire", NULL };
		const char *d[] = { "silence", "mute", NULL };

		ctl_expect(conf, a, 1, "potashctl: silence expire: no silence "
		    "999\n");
		ctl_expect(conf, b, 1, "potashctl: silence expire: ID: "
		    "expected an integer between 1 and");
		ctl_expect(conf, c, 1, "usage: potashctl silence expire ID");
		ctl_expect(conf, d, 1, "usage: potashctl silence add");
	}
	v = testpg_value(conn, "SELECT ends_at <= now() AND ends_at > "
	    "starts_at FROM potash.silences WHERE id = 1");
	assert_string_equal(v, "t");
	free(v);
	{
		const char *a[] = { "silence", "list", "--json", NULL };
		const char *b[] = { "silence", "list", "--all", "--json",
		    NULL };

		ctl(&o, conf, NULL, a);
		assert_int_equal(o.code, 0);
		n = json_lines(o.text, objs, 8);
		assert_int_equal(n, 1);
		assert_true(json_num(objs[0], "id") == 2);
		json_free(objs, n);
		free(o.text);
		ctl(&o, conf, NULL, b);
		assert_int_equal(o.code, 0);
		n = json_lines(o.text, objs, 8);
		assert_int_equal(n, 2);
		assert_string_equal(json_str(objs[0], "status"), "expired");
		assert_string_equal(json_str(objs[1], "status"), "active");
		json_free(objs, n);
		free(o.text);
	}
	free(conf);
	testpg_drop(conn, db);
	testd_rmdir(dir);
	free(dir);
}

/* Two loaded rules; alerts: one firing, one inactive, one pending tied
 * to the seeded 2025-12-15 event, one resolved of a rule never loaded. */
static const char test_alerts_sql[] =
    "SELECT potash.rules_load('["
    "{\"name\": \"price-high\", \"kind\": \"threshold\", "
    " \"series\": \"demo/potash_price\", \"severity\": \"critical\", "
    " \"annotations\": {\"summary\": \"Potash at {{value}} USD/t\"}, "
    " \"definition\": {\"above\": 400, \"clear\": 380}}, "
    "{\"name\": \"easing\", \"kind\": \"since_event\", "
    " \"series\": \"demo/*\", \"severity\": \"warning\", "
    " \"definition\": {\"above\": 15, \"unit\": \"percent\"}}]');"
    "SELECT potash.alert_apply('["
    "{\"fingerprint\": \"00000000000000a1\", \"rule\": \"price-high\", "
    " \"series\": \"demo/potash_price\", \"severity\": \"critical\", "
    " \"labels\": {}, \"at\": \"2026-01-10T00:00:00Z\", "
    " \"from_state\": \"inactive\", \"to_state\": \"firing\", "
    " \"reason\": \"condition\", \"value\": 420, \"metric\": 420, "
    " \"threshold\": 400}]', replace('["
    "{\"fingerprint\": \"00000000000000a1\", \"rule\": \"price-high\", "
    " \"series\": \"demo/potash_price\", \"kind\": \"threshold\", "
    " \"severity\": \"critical\", \"state\": \"firing\", "
    " \"since\": \"2026-01-10T00:00:00Z\", \"value\": 420, "
    " \"metric\": 420, \"threshold\": 400, \"annotations\": "
    " {\"summary\": \"Potash at 420 USD/t, above 400\"}, \"saved\": {}}, "
    "{\"fingerprint\": \"00000000000000a2\", \"rule\": \"easing\", "
    " \"series\": \"demo/potash_price\", \"kind\": \"since_event\", "
    " \"severity\": \"warning\", \"labels\": {\"team\": \"ops\"}, "
    " \"state\": \"inactive\", \"since\": \"2025-01-01T00:00:00Z\", "
    " \"saved\": {}}, "
    "{\"fingerprint\": \"00000000000000a3\", \"rule\": \"easing\", "
    " \"series\": \"demo/other\", \"kind\": \"since_event\", "
    " \"severity\": \"warning\", \"state\": \"pending\", "
    " \"since\": \"2026-02-10T00:00:00Z\", \"value\": 430, "
    " \"metric\": 20, \"threshold\": 15, \"baseline\": 358.5, "
    " \"baseline_from\": \"2025-09-01T00:00:00Z\", "
    " \"baseline_to\": \"2025-12-15T00:00:00Z\", \"baseline_n\": 3, "
    " \"event_id\": EVENT_ID, \"saved\": {}}, "
    "{\"fingerprint\": \"00000000000000a4\", \"rule\": \"gone\", "
    " \"series\": \"demo/x\", \"kind\": \"threshold\", "
    " \"severity\": \"info\", \"state\": \"resolved\", "
    " \"since\": \"2026-02-11T00:00:00Z\", \"saved\": {}}]', 'EVENT_ID', "
    "  (SELECT id::text FROM potash.sanctions_events "
    "    WHERE instrument = 'OFAC Belarus GL 13 (no expiry)'))::jsonb, "
    "  NULL, NULL)";

static void
test_alerts_rules(void **state)
{
	const char	*db = "t_alerts_ctl_alerts";
	struct out	 o;
	PGconn		*conn;
	cJSON		*objs[8], *a;
	char		*dir = testproc_tmpdir(), *conf, *want;
	const char	*p;
	size_t		 n;

	(void)state;
	conn = testpg_fresh(db);
	conf = test_config(dir, db);
	{
		const char *a1[] = { "alerts", NULL };
		const char *a2[] = { "rules", NULL };

		ctl_expect(conf, a1, 0, "no pending, firing or resolved "
		    "alerts\n");
		ctl_expect(conf, a2, 0, "no rules loaded");
	}
	testpg_exec(conn, test_alerts_sql);

	{
		const char *args[] = { "alerts", NULL };

		ctl(&o, conf, NULL, args);
		assert_int_equal(o.code, 0);
		/* Most urgent first; the inactive one hidden. */
		p = o.text;
		assert_prefix(p, "STATE     SINCE (UTC)  ");
		p = strchr(p, '\n') + 1;
		assert_prefix(p, "firing    2026-01-10 00:00:00  "
		    "critical  price-high  ");
		assert_non_null(strstr(p, "  no        Potash at 420 USD/t, "
		    "above 400\n"));
		p = strchr(p, '\n') + 1;
		assert_prefix(p, "pending   2026-02-10 00:00:00  "
		    "warning   easing  ");
		assert_non_null(strstr(p, "  430    20%     15%        358.5 "
		    "[2025-09-01, 2025-12-15) n=3  US general_license OFAC "
		    "Belarus GL 13 (no expiry) (2025-12-15)  no "));
		p = strchr(p, '\n') + 1;
		assert_prefix(p, "resolved  2026-02-11 00:00:00  "
		    "info      gone (removed)  demo/x  ");
		p = strchr(p, '\n') + 1;
		assert_string_equal(p, "");
		assert_null(strstr(o.text, "inactive"));
		free(o.text);
	}
	{
		const char *args[] = { "alerts", "--state", "firing", "--json",
		    NULL };

		ctl(&o, conf, NULL, args);
		assert_int_equal(o.code, 0);
		n = json_lines(o.text, objs, 8);
		assert_int_equal(n, 1);
		assert_string_equal(json_str(objs[0], "rule"), "price-high");
		assert_string_equal(json_str(objs[0], "series"),
		    "demo/potash_price");
		assert_string_equal(json_str(objs[0], "state"), "firing");
		assert_string_equal(json_str(objs[0], "since"),
		    "2026-01-10T00:00:00.000000Z");
		assert_true(json_num(objs[0], "value") == 420);
		assert_true(json_num(objs[0], "threshold") == 400);
		assert_true(cJSON_IsNull(cJSON_GetObjectItem(objs[0],
		    "baseline")));
		assert_true(cJSON_IsFalse(cJSON_GetObjectItem(objs[0],
		    "silenced")));
		assert_true(cJSON_IsTrue(cJSON_GetObjectItem(objs[0],
		    "rule_active")));
		assert_string_equal(json_str(cJSON_GetObjectItem(objs[0],
		    "annotations"), "summary"),
		    "Potash at 420 USD/t, above 400");
		json_free(objs, n);
		free(o.text);
	}
	{
		const char *args[] = { "alerts", "--state", "inactive",
		    "--json", NULL };

		ctl(&o, conf, NULL, args);
		assert_int_equal(o.code, 0);
		n = json_lines(o.text, objs, 8);
		assert_int_equal(n, 1);
		assert_string_equal(json_str(objs[0], "rule"), "easing");
		assert_string_equal(json_str(cJSON_GetObjectItem(objs[0],
		    "labels"), "team"), "ops");
		json_free(objs, n);
		free(o.text);
	}
	{
		const char *a1[] = { "alerts", "--state", "bogus", NULL };
		const char *a2[] = { "alerts", "firing", NULL };

		ctl_expect(conf, a1, 1, "potashctl: alerts: --state: expected "
		    "inactive, pending, firing or resolved, got \"bogus\"\n");
		ctl_expect(conf, a2, 1, "usage: potashctl alerts [--state ");
	}

	/* A silence of the rule marks its alert silenced, now. */
	{
		const char *add[] = { "silence", "add", "--rule", "price-high",
		    "--for", "1h", "--reason", "test", NULL };
		const char *args[] = { "alerts", "--state", "firing", "--json",
		    NULL };

		ctl(&o, conf, NULL, add);
		assert_int_equal(o.code, 0);
		assert_string_equal(o.text, "1\n");
		free(o.text);
		ctl(&o, conf, NULL, args);
		assert_int_equal(o.code, 0);
		n = json_lines(o.text, objs, 8);
		assert_int_equal(n, 1);
		assert_true(cJSON_IsTrue(cJSON_GetObjectItem(objs[0],
		    "silenced")));
		a = cJSON_GetObjectItem(objs[0], "silence_ids");
		assert_int_equal(cJSON_GetArraySize(a), 1);
		assert_true(cJSON_GetArrayItem(a, 0)->valuedouble == 1);
		json_free(objs, n);
		free(o.text);
	}

	{
		const char *args[] = { "rules", NULL };

		ctl(&o, conf, NULL, args);
		assert_int_equal(o.code, 0);
		assert_prefix(o.text, "NAME        KIND         "
		    "SERIES             SEVERITY  ACTIVE  LOADED (UTC)  ");
		want = strchr(o.text, '\n') + 1;
		assert_prefix(want, "easing      since_event  demo/*"
		    "             warning   yes     ");
		/* inactive, pending, firing, resolved */
		assert_non_null(strstr(want, "  1         1        0       0\n"
		    "price-high  threshold    demo/potash_price  critical  "
		    "yes"));
		assert_non_null(strstr(want, "  0         0        1       "
		    "0\n"));
		free(o.text);
	}
	/* Loaded again without easing: easing stays, inactive, last. */
	testpg_exec(conn, "SELECT potash.rules_load('[{\"name\": "
	    "\"price-high\", \"kind\": \"threshold\", \"series\": "
	    "\"demo/potash_price\", \"severity\": \"critical\"}]')");
	{
		const char *args[] = { "rules", "--json", NULL };

		ctl(&o, conf, NULL, args);
		assert_int_equal(o.code, 0);
		n = json_lines(o.text, objs, 8);
		assert_int_equal(n, 2);
		assert_string_equal(json_str(objs[0], "name"), "price-high");
		assert_true(cJSON_IsTrue(cJSON_GetObjectItem(objs[0],
		    "active")));
		a = cJSON_GetObjectItem(objs[0], "alerts");
		assert_true(json_num(a, "firing") == 1);
		assert_true(json_num(a, "pending") == 0);
		assert_string_equal(json_str(objs[1], "name"), "easing");
		assert_string_equal(json_str(objs[1], "kind"), "since_event");
		assert_true(cJSON_IsFalse(cJSON_GetObjectItem(objs[1],
		    "active")));
		assert_true(json_num(cJSON_GetObjectItem(objs[1],
		    "definition"), "above") == 15);
		a = cJSON_GetObjectItem(objs[1], "alerts");
		assert_true(json_num(a, "inactive") == 1);
		assert_true(json_num(a, "pending") == 1);
		assert_true(json_num(a, "firing") == 0);
		assert_true(json_num(a, "resolved") == 0);
		json_free(objs, n);
		free(o.text);
	}
	free(conf);
	testpg_drop(conn, db);
	testd_rmdir(dir);
	free(dir);
}

/* What backtest must never change. */
static const char test_state_sql[] =
    "SELECT (SELECT count(*) FROM potash.alerts) || '/' || "
    "(SELECT count(*) FROM potash.alert_transitions) || '/' || "
    "(SELECT count(*) FROM potash.rules) || '/' || "
    "(SELECT count(*) FROM potash.silences) || '/' || "
    "(SELECT count(*) FROM potash.observations) || '/' || "
    "(SELECT feed_run_id || ',' || event_id || ',' || updated_at "
    "   FROM potash.alert_cursor)";

struct test_tr {
	const char	*rule, *from, *to, *reason, *at;
	double		 value;
};

static void
test_backtest(void **state)
{
	const char	*db = "t_alerts_ctl_backtest";
	/* Known at period + 40 days: 2025-04 (410) crosses 400 on 11 May,
	 * 2025-06 (375) clears 380 on 11 July, 2025-12 (420) fires on 10
	 * January; against the 2025-09..11 mean known on 15 Dec 2025
	 * (358.33), 2026-01 (430, +20%) fires and 2026-02 (405, +13%)
	 * clears.  2026-03 (300) is known on 10 April, after --to. */
	static const struct test_tr want[] = {
		{ "price-high", "firing", "resolved", "cleared",
		  "2025-07-11T00:00:00.000000Z", 375 },
		{ "price-high", "resolved", "firing", "condition",
		  "2026-01-10T00:00:00.000000Z", 420 },
		{ "easing", "inactive", "firing", "condition",
		  "2026-02-10T00:00:00.000000Z", 430 },
		{ "easing", "firing", "resolved", "cleared",
		  "2026-03-13T00:00:00.000000Z", 405 },
	};
	struct out	 o;
	PGconn		*conn;
	cJSON		*objs[16];
	char		*dir = testproc_tmpdir(), *conf, *before, *after;
	char		*v;
	char		*history, *revision, *gl13;
	size_t		 n, i;

	(void)state;
	conn = testpg_fresh(db);
	conf = test_config(dir, db);
	history = xasprintf("%s/tests/fixtures/alerts/history.jsonl",
	    getenv("POTASH_SOURCE_ROOT"));
	revision = xasprintf("%s/tests/fixtures/alerts/revision.jsonl",
	    getenv("POTASH_SOURCE_ROOT"));
	{
		const char *a1[] = { "import", history, NULL };
		const char *a2[] = { "import", revision, NULL };

		ctl_expect(conf, a1, 0, "15 observations: 15 stored");
		ctl_expect(conf, a2, 0, "1 observations: 0 stored, 0 "
		    "unchanged, 1 revised");
	}
	/* import stores everything as known now: give each value the time
	 * it would have been published, the revision after the event. */
	testpg_exec(conn, "UPDATE potash.observations o SET known_at = "
	    "CASE WHEN o.value = 350 AND o.period = '2025-11-01 00:00+00' "
	    "THEN timestamptz '2025-12-20 09:00+00' "
	    "ELSE o.period + interval '40 days' END");
	v = testpg_value(conn, "SELECT count(*) FROM potash.observations "
	    "WHERE known_at < '2026-04-11 00:00+00'");
	assert_string_equal(v, "16");
	free(v);
	gl13 = testpg_value(conn, "SELECT id FROM potash.sanctions_events "
	    "WHERE instrument = 'OFAC Belarus GL 13 (no expiry)'");
	before = testpg_value(conn, test_state_sql);

	{
		const char *a[] = { "backtest", "--from", "2025-06-01", "--to",
		    "2026-04-01", "--json", NULL };

		ctl(&o, conf, NULL, a);
		assert_int_equal(o.code, 0);
		n = json_lines(o.text, objs, 16);
		if (n != 4)
			fail_msg("%zu transitions:\n%s", n, o.text);
		for (i = 0; i < n; i++) {
			assert_string_equal(json_str(objs[i], "rule"),
			    want[i].rule);
			assert_string_equal(json_str(objs[i], "series"),
			    "demo/potash_price");
			assert_string_equal(json_str(objs[i], "from_state"),
			    want[i].from);
			assert_string_equal(json_str(objs[i], "to_state"),
			    want[i].to);
			assert_string_equal(json_str(objs[i], "reason"),
			    want[i].reason);
			assert_string_equal(json_str(objs[i], "at"),
			    want[i].at);
			assert_true(json_num(objs[i], "value") ==
			    want[i].value);
		}
		assert_string_equal(json_str(cJSON_GetObjectItem(objs[0],
		    "annotations"), "summary"),
		    "Potash at 375 USD/t, above 380");
		/* The baseline as known at the event: 355 for 2025-11, not
		 * the 350 it was revised to five days later. */
		for (i = 2; i < 4; i++) {
			assert_true(fabs(json_num(objs[i], "baseline") -
			    1075.0 / 3) < 1e-9);
			assert_true(json_num(objs[i], "baseline_n") == 3);
			assert_string_equal(json_str(objs[i], "baseline_from"),
			    "2025-09-01T00:00:00.000000Z");
			assert_string_equal(json_str(objs[i], "baseline_to"),
			    "2025-12-15T00:00:00.000000Z");
			assert_true(json_num(objs[i], "event_id") ==
			    strtod(gl13, NULL));
		}
		assert_true(fabs(json_num(objs[2], "metric") - 20) < 1e-9);
		assert_string_equal(json_str(cJSON_GetObjectItem(objs[2],
		    "annotations"), "summary"), "20% vs 358.3333 since US "
		    "general_license OFAC Belarus GL 13 (no expiry) "
		    "(2025-12-15)");
		json_free(objs, n);
		/* 16 revisions known by --to but 2026-03, and the 14 seeded
		 * events; the firing of May is before --from. */
		assert_non_null(strstr(o.text, "backtest: 2 rules, 29 inputs "
		    "replayed (15 observations, 14 events); 4 transitions "
		    "from 2025-06-01 00:00:00 to 2026-04-01 00:00:00 UTC (5 "
		    "in all)\n"));
		free(o.text);
	}
	{
		const char *a[] = { "backtest", "--rule", "price-high",
		    "--from", "2025-01-01", "--to", "2026-05-01T00:00:00Z",
		    NULL };

		ctl(&o, conf, NULL, a);
		assert_int_equal(o.code, 0);
		assert_prefix(o.text, "AT (UTC)             RULE    "
		    "    SERIES             TRANSITION        REASON     ");
		assert_non_null(strstr(o.text, "\n2025-05-11 00:00:00  "
		    "price-high  demo/potash_price  inactive->firing  "
		    "condition  410 "));
		assert_non_null(strstr(o.text, "\n2025-07-11 00:00:00  "
		    "price-high  demo/potash_price  firing->resolved  cleared "
		    "   375 "));
		assert_non_null(strstr(o.text, "\n2026-01-10 00:00:00  "
		    "price-high  demo/potash_price  resolved->firing  "
		    "condition  420 "));
		assert_non_null(strstr(o.text, "\n2026-04-10 00:00:00  "
		    "price-high  demo/potash_price  firing->resolved  cleared "
		    "   300 "));
		assert_non_null(strstr(o.text, "  Potash at 300 USD/t, above "
		    "380\n"));
		assert_null(strstr(o.text, "easing"));
		assert_non_null(strstr(o.text, "\nbacktest: 1 rule, 30 inputs "
		    "replayed (16 observations, 14 events); 4 transitions "));
		free(o.text);
	}
	{
		const char *a1[] = { "backtest", "--rule", "nope", "--from",
		    "2025-01-01", "--to", "2026-01-01", NULL };
		const char *a2[] = { "backtest", "--from", "2025-01-01", NULL };
		const char *a3[] = { "backtest", "--from", "2026-01-01",
		    "--to", "2025-01-01", NULL };
		const char *a4[] = { "backtest", "--from", "yesterday", "--to",
		    "2025-01-01", NULL };
		char *w = xasprintf("potashctl: backtest: no rule \"nope\" in "
		    "%s\n", conf);

		ctl_expect(conf, a1, 1, w);
		free(w);
		ctl_expect(conf, a2, 1, "potashctl: backtest: --to TIME is "
		    "required\n");
		ctl_expect(conf, a3, 1, "potashctl: backtest: --from "
		    "2026-01-01 is after --to 2025-01-01\n");
		ctl_expect(conf, a4, 1, "potashctl: backtest: --from: expected "
		    "a date or time such as 2025-01-01 or "
		    "2025-12-15T18:00:00Z, got \"yesterday\"\n");
	}
	/* Nothing stored, not even the cursor's time. */
	after = testpg_value(conn, test_state_sql);
	assert_string_equal(before, after);
	assert_prefix(after, "0/0/0/0/16/0,0,");
	free(before);
	free(after);
	free(gl13);
	free(history);
	free(revision);
	free(conf);
	testpg_drop(conn, db);
	testd_rmdir(dir);
	free(dir);
}

/*
 * An observation and an event known at the same instant: the observation
 * counts as known by the event, in backtest as in the daemon
 * (daemon/alerting.c orders them so).  2025-11 (355) becomes known at the
 * very instant the GL 13 easing does (seeded, known from its announcement,
 * 2025-12-15 00:00 UTC): the baseline is 2025-09..11 (358.33), not
 * 2025-08..10 (361.67).
 */
static void
test_backtest_same_instant(void **state)
{
	const char	*db = "t_alerts_ctl_instant";
	struct out	 o;
	PGconn		*conn;
	cJSON		*objs[16];
	char		*dir = testproc_tmpdir(), *conf, *history;
	size_t		 n, i, seen = 0;

	(void)state;
	conn = testpg_fresh(db);
	conf = test_config(dir, db);
	history = xasprintf("%s/tests/fixtures/alerts/history.jsonl",
	    getenv("POTASH_SOURCE_ROOT"));
	{
		const char *a[] = { "import", history, NULL };

		ctl_expect(conf, a, 0, "15 observations: 15 stored");
	}
	testpg_exec(conn, "UPDATE potash.observations o SET known_at = "
	    "CASE WHEN o.period = '2025-11-01 00:00+00' "
	    "THEN timestamptz '2025-12-15 00:00+00' "
	    "ELSE o.period + interval '40 days' END");
	{
		const char *a[] = { "backtest", "--rule", "easing", "--from",
		    "2025-06-01", "--to", "2026-04-01", "--json", NULL };

		ctl(&o, conf, NULL, a);
		assert_int_equal(o.code, 0);
		n = json_lines(o.text, objs, 16);
		for (i = 0; i < n; i++) {
			if (strcmp(json_str(objs[i], "to_state"),
			    "firing") != 0)
				continue;
			seen++;
			assert_true(fabs(json_num(objs[i], "baseline") -
			    1075.0 / 3) < 1e-9);
			assert_true(json_num(objs[i], "baseline_n") == 3);
			assert_string_equal(json_str(objs[i], "baseline_from"),
			    "2025-09-01T00:00:00.000000Z");
		}
		if (seen != 1)
			fail_msg("%zu firings:\n%s", seen, o.text);
		json_free(objs, n);
		free(o.text);
	}
	free(history);
	free(conf);
	testd_rmdir(dir);
	free(dir);
	testpg_drop(conn, db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_silence),
		cmocka_unit_test(test_alerts_rules),
		cmocka_unit_test(test_backtest),
		cmocka_unit_test(test_backtest_same_instant),
	};
	int	rc;

	if ((rc = testd_pg_missing()) != 0)
		return (rc);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
