/* SPDX-License-Identifier: ISC */
/*
 * silence: "potashctl silence add|list|expire", the operator's hand on
 * potash.silences (schema/0009_alerts.sql).
 *
 * A silence matches alerts by rule name, series glob and labels (every
 * one given must match); while it is active the daemon still records
 * the alerts' transitions, marked silenced, but notifies nobody.  add
 * refuses a silence without any matcher (it would silence everything)
 * and one that ends in the past; it starts now.  expire ends an active
 * silence now (ends_at = now()), so its history stays.  Every value goes
 * to the server as a parameter; times are checked here and sent as
 * RFC 3339 UTC text.
 */
#include <getopt.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "alert/alertjson.h"
#include "ctl/ctl.h"
#include "util/parse.h"

#define SILENCE_ADD_USAGE \
	"silence add [--rule NAME] [--series GLOB] [--label NAME=VALUE]... " \
	"(--for DURATION | --until TIME) --reason TEXT [--author NAME]"

static const char silence_insert_sql[] =
    "INSERT INTO potash.silences (rule, series, labels, ends_at, reason, "
    "       author) "
    "VALUES ($1, $2, $3::jsonb, "
    "        COALESCE(now() + $4::bigint * interval '1 microsecond', "
    "                 $5::timestamptz), $6, $7) "
    "RETURNING id";

enum silence_col {
	SC_ID, SC_STATUS, SC_RULE, SC_SERIES, SC_LABELS, SC_LABELS_JSON,
	SC_STARTS, SC_ENDS, SC_REASON, SC_AUTHOR, SC_CREATED, SC_ALERTS,
};

static const char silence_list_sql[] =
    "SELECT s.id, "
    "       CASE WHEN now() < s.starts_at THEN 'future' "
    "            WHEN now() < s.ends_at THEN 'active' "
    "            ELSE 'expired' END, "
    "       s.rule, s.series, "
    "       (SELECT string_agg(l.key || '=' || l.value, ',' "
    "               ORDER BY l.key) "
    "          FROM jsonb_each_text(s.labels) l), "
    "       s.labels::text, " DB_USEC("s.starts_at") ", "
    DB_USEC("s.ends_at") ", s.reason, s.author, "
    DB_USEC("s.created_at") ", "
    "       (SELECT count(*) FROM potash.alerts a "
    "         WHERE a.state <> 'inactive' "
    "           AND (s.rule IS NULL OR s.rule = a.rule) "
    "           AND (s.series IS NULL "
    "                OR potash.glob_match(s.series, a.series)) "
    "           AND a.labels @> s.labels) "
    "  FROM potash.silences s "
    " WHERE $1::boolean OR s.ends_at > now() "
    " ORDER BY s.starts_at, s.id";

static const char silence_expire_sql[] =
    "UPDATE potash.silences SET ends_at = now() "
    " WHERE id = $1::bigint AND starts_at < now() AND ends_at > now() "
    "RETURNING id";

static const char silence_why_sql[] =
    "SELECT CASE WHEN now() < starts_at THEN 'starts' ELSE 'ended' END, "
    "       CASE WHEN now() < starts_at THEN " DB_USEC("starts_at")
    "            ELSE " DB_USEC("ends_at") " END "
    "  FROM potash.silences WHERE id = $1::bigint";

/* The author when --author is not given: $USER, else the login name. */
static const char *
silence_author(void)
{
	const char	*s;
	struct passwd	*pw;

	if ((s = getenv("USER")) != NULL && *s != '\0')
		return (s);
	if ((s = getlogin()) != NULL && *s != '\0')
		return (s);
	if ((pw = getpwuid(getuid())) != NULL && *pw->pw_name != '\0')
		return (pw->pw_name);
	return (NULL);
}

/* Adds "--label NAME=VALUE" to labels.  Returns 0, or -1 after printing
 * the error. */
static int
silence_label(cJSON *labels, const char *arg)
{
	const char	*eq = strchr(arg, '=');
	char		 name[256];
	size_t		 n;

	n = eq != NULL ? (size_t)(eq - arg) : 0;
	if (eq == NULL || n == 0 || n >= sizeof(name)) {
		fprintf(stderr, "potashctl: silence add: --label: expected "
		    "NAME=VALUE such as team=ops, got \"%s\"\n", arg);
		return (-1);
	}
	memcpy(name, arg, n);
	name[n] = '\0';
	if (cJSON_GetObjectItemCaseSensitive(labels, name) != NULL) {
		fprintf(stderr, "potashctl: silence add: --label: \"%s\" "
		    "given twice\n", name);
		return (-1);
	}
	cJSON_AddStringToObject(labels, name, eq + 1);
	return (0);
}

static int
silence_add(struct config *config, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rule",	required_argument,	NULL,	'r' },
		{ "series",	required_argument,	NULL,	's' },
		{ "label",	required_argument,	NULL,	'l' },
		{ "for",	required_argument,	NULL,	'f' },
		{ "until",	required_argument,	NULL,	'u' },
		{ "reason",	required_argument,	NULL,	'R' },
		{ "author",	required_argument,	NULL,	'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*rule = NULL, *series = NULL, *reason = NULL;
	const char	*author = NULL, *forarg = NULL, *untilarg = NULL;
	const char	*params[7];
	cJSON		*labels;
	char		*labeltext = NULL, err[256], forbuf[32];
	char		 untilbuf[64];
	uint64_t	 usec;
	int64_t		 until;
	PGconn		*conn = NULL;
	PGresult	*res = NULL;
	int		 ch, code = 1;

	labels = cJSON_CreateObject();
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			rule = optarg;
			break;
		case 's':
			series = optarg;
			break;
		case 'l':
			if (silence_label(labels, optarg) == -1)
				goto out;
			break;
		case 'f':
			forarg = optarg;
			break;
		case 'u':
			untilarg = optarg;
			break;
		case 'R':
			reason = optarg;
			break;
		case 'a':
			author = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if ((rule != NULL && *rule == '\0') ||
	    (series != NULL && *series == '\0')) {
		fprintf(stderr, "potashctl: silence add: --%s: empty\n",
		    rule != NULL && *rule == '\0' ? "rule" : "series");
		goto out;
	}
	if (rule == NULL && series == NULL &&
	    cJSON_GetArraySize(labels) == 0) {
		fprintf(stderr, "potashctl: silence add: give at least one "
		    "matcher: --rule, --series or --label (a silence of "
		    "everything is refused)\n");
		goto out;
	}
	if ((forarg == NULL) == (untilarg == NULL)) {
		fprintf(stderr, "potashctl: silence add: give either --for "
		    "DURATION or --until TIME\n");
		goto out;
	}
	if (forarg != NULL) {
		if (parse_duration(forarg, &usec, err, sizeof(err)) == -1) {
			fprintf(stderr, "potashctl: silence add: --for: %s\n",
			    err);
			goto out;
		}
		if (usec == 0 || usec > (uint64_t)INT64_MAX / 2) {
			fprintf(stderr, "potashctl: silence add: --for: "
			    "expected a duration above 0 such as 2h or 3d, "
			    "got \"%s\"\n", forarg);
			goto out;
		}
		snprintf(forbuf, sizeof(forbuf), "%" PRIu64, usec);
	} else {
		if (alertjson_parse_time(untilarg, &until) == -1) {
			fprintf(stderr, "potashctl: silence add: --until: "
			    "expected a date or time such as 2026-01-31 or "
			    "2026-01-31T18:00:00Z, got \"%s\"\n", untilarg);
			goto out;
		}
		if (until <= db_now()) {
			db_time_human(until, untilbuf, sizeof(untilbuf));
			fprintf(stderr, "potashctl: silence add: --until: "
			    "%s UTC is not in the future\n", untilbuf);
			goto out;
		}
		alertjson_time(until, untilbuf, sizeof(untilbuf));
	}
	if (reason == NULL || *reason == '\0') {
		fprintf(stderr, "potashctl: silence add: --reason TEXT is "
		    "required: say why, for whoever finds the silence\n");
		goto out;
	}
	if (author == NULL && (author = silence_author()) == NULL) {
		fprintf(stderr, "potashctl: silence add: no user name ($USER "
		    "is unset): give --author NAME\n");
		goto out;
	}
	if (*author == '\0') {
		fprintf(stderr, "potashctl: silence add: --author: empty\n");
		goto out;
	}

	labeltext = cJSON_PrintUnformatted(labels);
	params[0] = rule;
	params[1] = series;
	params[2] = labeltext;
	params[3] = forarg != NULL ? forbuf : NULL;
	params[4] = forarg != NULL ? NULL : untilbuf;
	params[5] = reason;
	params[6] = author;
	if ((conn = db_connect(config, "silence add")) == NULL)
		goto out;
	if ((res = db_exec(conn, "silence add", silence_insert_sql, 7,
	    params)) == NULL)
		goto out;
	printf("%s\n", PQgetvalue(res, 0, 0));
	PQclear(res);
	res = NULL;
	/* A typo in --rule would silence nothing: say so, keep it. */
	if (rule != NULL) {
		if ((res = db_exec(conn, "silence add", "SELECT 1 FROM "
		    "potash.rules WHERE name = $1", 1, &rule)) == NULL)
			goto out;
		if (PQntuples(res) == 0)
			fprintf(stderr, "potashctl: silence add: warning: no "
			    "rule \"%s\" is loaded\n", rule);
	}
	code = 0;
	goto out;
usage:
	fprintf(stderr, "usage: potashctl " SILENCE_ADD_USAGE "\n");
out:
	PQclear(res);
	PQfinish(conn);
	free(labeltext);
	cJSON_Delete(labels);
	return (code);
}

static void
silence_row_json(const PGresult *res, int i)
{
	cJSON	*o, *l;
	char	 buf[64], *line;
	const char *s;

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", db_double(res, i, SC_ID));
	cJSON_AddStringToObject(o, "status", PQgetvalue(res, i, SC_STATUS));
#define SILENCE_TEXT(name, col) do {					\
	if ((s = db_text(res, i, col)) != NULL)				\
		cJSON_AddStringToObject(o, name, s);			\
	else								\
		cJSON_AddNullToObject(o, name);				\
} while (0)
	SILENCE_TEXT("rule", SC_RULE);
	SILENCE_TEXT("series", SC_SERIES);
	if ((l = cJSON_Parse(PQgetvalue(res, i, SC_LABELS_JSON))) == NULL)
		l = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "labels", l);
	alertjson_time(db_usec(res, i, SC_STARTS), buf, sizeof(buf));
	cJSON_AddStringToObject(o, "starts_at", buf);
	alertjson_time(db_usec(res, i, SC_ENDS), buf, sizeof(buf));
	cJSON_AddStringToObject(o, "ends_at", buf);
	SILENCE_TEXT("reason", SC_REASON);
	SILENCE_TEXT("author", SC_AUTHOR);
#undef SILENCE_TEXT
	alertjson_time(db_usec(res, i, SC_CREATED), buf, sizeof(buf));
	cJSON_AddStringToObject(o, "created_at", buf);
	cJSON_AddNumberToObject(o, "alerts", db_double(res, i, SC_ALERTS));
	line = cJSON_PrintUnformatted(o);
	printf("%s\n", line);
	free(line);
	cJSON_Delete(o);
}

static int
silence_list(struct config *config, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all",	no_argument,	NULL,	'a' },
		{ "json",	no_argument,	NULL,	'j' },
		{ NULL,		0,		NULL,	0 },
	};
	static const char *const header[] = { "ID", "STATUS", "STARTS (UTC)",
	    "ENDS (UTC)", "RULE", "SERIES", "LABELS", "AUTHOR", "ALERTS",
	    "REASON" };
	const char	*row[10], *param;
	char		 starts[32], ends[32];
	struct table	*t;
	PGconn		*conn;
	PGresult	*res;
	int		 ch, all = 0, json = 0, i, n;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			all = 1;
			break;
		case 'j':
			json = 1;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if ((conn = db_connect(config, "silence list")) == NULL)
		return (1);
	param = all ? "true" : "false";
	res = db_exec(conn, "silence list", silence_list_sql, 1, &param);
	PQfinish(conn);
	if (res == NULL)
		return (1);
	n = PQntuples(res);
	if (json) {
		for (i = 0; i < n; i++)
			silence_row_json(res, i);
	} else if (n == 0)
		printf("no %ssilences\n", all ? "" : "active or future ");
	else {
		t = table_new(header, 10);
		for (i = 0; i < n; i++) {
			db_time_human(db_usec(res, i, SC_STARTS), starts,
			    sizeof(starts));
			db_time_human(db_usec(res, i, SC_ENDS), ends,
			    sizeof(ends));
			row[0] = PQgetvalue(res, i, SC_ID);
			row[1] = PQgetvalue(res, i, SC_STATUS);
			row[2] = starts;
			row[3] = ends;
			row[4] = db_text(res, i, SC_RULE);
			row[5] = db_text(res, i, SC_SERIES);
			row[6] = db_text(res, i, SC_LABELS);
			row[7] = db_text(res, i, SC_AUTHOR);
			row[8] = PQgetvalue(res, i, SC_ALERTS);
			row[9] = db_text(res, i, SC_REASON);
			table_add(t, row);
		}
		table_print(t, stdout);
		table_free(t);
	}
	PQclear(res);
	return (0);
usage:
	fprintf(stderr, "usage: potashctl silence list [--all] [--json]\n");
	return (1);
}

static int
silence_expire(struct config *config, int argc, char **argv)
{
	const char	*param;
	char		 err[256], when[32];
	int64_t		 id;
	PGconn		*conn;
	PGresult	*res;
	int		 code = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: potashctl silence expire ID\n");
		return (1);
	}
	if (parse_int64(argv[1], 1, INT64_MAX, &id, err, sizeof(err)) == -1) {
		fprintf(stderr, "potashctl: silence expire: ID: %s\n", err);
		return (1);
	}
	param = argv[1];
	if ((conn = db_connect(config, "silence expire")) == NULL)
		return (1);
	if ((res = db_exec(conn, "silence expire", silence_expire_sql, 1,
	    &param)) == NULL)
		goto out;
	if (PQntuples(res) == 1) {
		printf("silence %" PRId64 " expired\n", id);
		code = 0;
		goto out;
	}
	PQclear(res);
	if ((res = db_exec(conn, "silence expire", silence_why_sql, 1,
	    &param)) == NULL)
		goto out;
	if (PQntuples(res) == 0)
		fprintf(stderr, "potashctl: silence expire: no silence %"
		    PRId64 "\n", id);
	else {
		db_time_human(db_usec(res, 0, 1), when, sizeof(when));
		fprintf(stderr, "potashctl: silence expire: silence %" PRId64
		    " is not active: it %s at %s UTC\n", id,
		    PQgetvalue(res, 0, 0), when);
	}
out:
	PQclear(res);
	PQfinish(conn);
	return (code);
}

int
ctl_silence(struct config *config, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return (silence_add(config, argc - 1, argv + 1));
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return (silence_list(config, argc - 1, argv + 1));
	if (argc >= 2 && strcmp(argv[1], "expire") == 0)
		return (silence_expire(config, argc - 1, argv + 1));
	fprintf(stderr, "usage: potashctl " SILENCE_ADD_USAGE "\n"
	    "       potashctl silence list [--all] [--json]\n"
	    "       potashctl silence expire ID\n");
	return (1);
}
