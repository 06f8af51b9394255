/* SPDX-License-Identifier: ISC */
/*
 * alerts: "potashctl alerts" and "potashctl rules", the read-only views
 * of the alert engine's stored state (schema/0009_alerts.sql).
 *
 * alerts reads potash.alerts_now: every alert instance but the inactive
 * ones (or those of one --state), most urgent first, with whether a
 * silence matches it now.  rules reads potash.rules, the rules as the
 * daemon last loaded them, with the number of alerts of each rule in
 * each state.  Both print an aligned table, or with --json one object
 * per line (times as RFC 3339 UTC, numbers that do not apply as null).
 * Nothing here writes.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "alert/alertjson.h"
#include "ctl/ctl.h"

static const char *const alerts_states[] = {
	"inactive", "pending", "firing", "resolved",
};

enum alerts_col {
	AC_STATE, AC_SINCE, AC_SEVERITY, AC_RULE, AC_SERIES, AC_VALUE,
	AC_METRIC, AC_THRESHOLD, AC_BASELINE, AC_BFROM, AC_BTO, AC_BN,
	AC_EVENT_ID, AC_EVENT, AC_SILENCED, AC_SILENCE_IDS, AC_FLAPPING,
	AC_RULE_ACTIVE, AC_SUMMARY, AC_ANNOTATIONS, AC_LABELS, AC_ID,
	AC_FINGERPRINT, AC_KIND, AC_PERCENT,
};

static const char alerts_sql[] =
    "SELECT state, " DB_USEC("since") ", severity, rule, series, value, "
    "       metric, threshold, baseline, " DB_USEC("baseline_from") ", "
    DB_USEC("baseline_to") ", baseline_n, event_id, event, silenced, "
    "       array_to_json(silence_ids)::text, flapping, rule_active, "
    "       annotations->>'summary', annotations::text, labels::text, id, "
    "       fingerprint, kind, "
    "       (SELECT r.definition->>'unit' = 'percent' FROM potash.rules r "
    "         WHERE r.name = alerts_now.rule) "
    "  FROM potash.alerts_now "
    " WHERE CASE WHEN $1::text IS NULL THEN state <> 'inactive' "
    "            ELSE state = $1::text END "
    " ORDER BY array_position(ARRAY['firing', 'pending', 'resolved', "
    "          'inactive'], state), "
    "          array_position(ARRAY['critical', 'warning', 'info'], "
    "          severity), since DESC, rule, series";

enum rules_col {
	RC_NAME, RC_KIND, RC_SERIES, RC_SEVERITY, RC_ACTIVE, RC_LOADED,
	RC_EVALUATED, RC_LABELS, RC_ANNOTATIONS, RC_NOTIFY, RC_DEFINITION,
	RC_INACTIVE, RC_PENDING, RC_FIRING, RC_RESOLVED,
};

static const char rules_sql[] =
    "SELECT r.name, r.kind, r.series, r.severity, r.active, "
    DB_USEC("r.loaded_at") ", " DB_USEC("r.last_evaluated_at") ", "
    "       r.labels::text, r.annotations::text, "
    "       array_to_json(r.notify)::text, r.definition::text, "
    "       count(a.id) FILTER (WHERE a.state = 'inactive'), "
    "       count(a.id) FILTER (WHERE a.state = 'pending'), "
    "       count(a.id) FILTER (WHERE a.state = 'firing'), "
    "       count(a.id) FILTER (WHERE a.state = 'resolved') "
    "  FROM potash.rules r "
    "  LEFT JOIN potash.alerts a ON a.rule = r.name "
    " GROUP BY r.name "
    " ORDER BY r.active DESC, r.name";

/* Parses "--json" and, for alerts, "--state S".  Returns 0, or -1 after
 * printing the usage line. */
static int
alerts_options(int argc, char **argv, const char *usage, int *json,
    const char **state)
{
	static const struct option longopts[] = {
		{ "json",	no_argument,		NULL,	'j' },
		{ "state",	required_argument,	NULL,	's' },
		{ NULL, 0, NULL, 0 },
	};
	size_t	i;
	int	ch;

	*json = 0;
	/* 0, not 1: GNU getopt then forgets the main parse's state. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			*json = 1;
			break;
		case 's':
			if (state == NULL)
				goto usage;
			for (i = 0; i < 4; i++) {
				if (strcmp(optarg, alerts_states[i]) == 0)
					break;
			}
			if (i == 4) {
				fprintf(stderr, "potashctl: %s: --state: "
				    "expected inactive, pending, firing or "
				    "resolved, got \"%s\"\n", argv[0], optarg);
				return (-1);
			}
			*state = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind == argc)
		return (0);
usage:
	fprintf(stderr, "usage: potashctl %s\n", usage);
	return (-1);
}

/* Adds a jsonb/json column's text as JSON (null if NULL or bad). */
static void
alerts_add_json(cJSON *o, const char *name, const char *text)
{
	cJSON	*v;

	if (text == NULL || (v = cJSON_Parse(text)) == NULL)
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddItemToObject(o, name, v);
}

static void
alerts_add_text(cJSON *o, const char *name, const char *s)
{
	if (s == NULL)
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddStringToObject(o, name, s);
}

static void
alerts_print_json(cJSON *o)
{
	char	*line;

	line = cJSON_PrintUnformatted(o);
	printf("%s\n", line);
	free(line);
	cJSON_Delete(o);
}

static void
alerts_row_json(const PGresult *res, int i)
{
	cJSON	*o;

	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", db_double(res, i, AC_ID));
	cJSON_AddStringToObject(o, "fingerprint", db_text(res, i,
	    AC_FINGERPRINT));
	cJSON_AddStringToObject(o, "rule", db_text(res, i, AC_RULE));
	cJSON_AddStringToObject(o, "series", db_text(res, i, AC_SERIES));
	cJSON_AddStringToObject(o, "kind", db_text(res, i, AC_KIND));
	cJSON_AddStringToObject(o, "severity", db_text(res, i, AC_SEVERITY));
	alerts_add_json(o, "labels", db_text(res, i, AC_LABELS));
	cJSON_AddStringToObject(o, "state", db_text(res, i, AC_STATE));
	alertjson_add_time(o, "since", db_usec(res, i, AC_SINCE));
	alertjson_add_number(o, "value", db_double(res, i, AC_VALUE));
	alertjson_add_number(o, "metric", db_double(res, i, AC_METRIC));
	alertjson_add_number(o, "threshold", db_double(res, i, AC_THRESHOLD));
	alertjson_add_number(o, "baseline", db_double(res, i, AC_BASELINE));
	alertjson_add_time(o, "baseline_from", db_usec(res, i, AC_BFROM));
	alertjson_add_time(o, "baseline_to", db_usec(res, i, AC_BTO));
	alertjson_add_number(o, "baseline_n", db_double(res, i, AC_BN));
	alertjson_add_number(o, "event_id", db_double(res, i, AC_EVENT_ID));
	alerts_add_text(o, "event", db_text(res, i, AC_EVENT));
	cJSON_AddBoolToObject(o, "flapping",
	    *PQgetvalue(res, i, AC_FLAPPING) == 't');
	cJSON_AddBoolToObject(o, "silenced",
	    *PQgetvalue(res, i, AC_SILENCED) == 't');
	alerts_add_json(o, "silence_ids", db_text(res, i, AC_SILENCE_IDS));
	cJSON_AddBoolToObject(o, "rule_active",
	    *PQgetvalue(res, i, AC_RULE_ACTIVE) == 't');
	alerts_add_json(o, "annotations", db_text(res, i, AC_ANNOTATIONS));
	alerts_print_json(o);
}

/* A metric or threshold, with "%" on percent rules. */
static void
alerts_level(const PGresult *res, int i, int col, char *buf, size_t len)
{
	char	num[48];
	double	v = db_double(res, i, col);

	db_number_human(v, num, sizeof(num));
	snprintf(buf, len, "%s%s", num, isfinite(v) &&
	    *PQgetvalue(res, i, AC_PERCENT) == 't' ? "%" : "");
}

static void
alerts_row_table(struct table *t, const PGresult *res, int i)
{
	const char	*row[12];
	char		 state[48], since[32], rule[256], value[64];
	char		 metric[64], threshold[64], baseline[160];
	const char	*r = db_text(res, i, AC_RULE);

	snprintf(state, sizeof(state), "%s%s", db_text(res, i, AC_STATE),
	    *PQgetvalue(res, i, AC_FLAPPING) == 't' ? " (flapping)" : "");
	db_time_human(db_usec(res, i, AC_SINCE), since, sizeof(since));
	snprintf(rule, sizeof(rule), "%s%s", r,
	    *PQgetvalue(res, i, AC_RULE_ACTIVE) == 't' ? "" : " (removed)");
	db_number_human(db_double(res, i, AC_VALUE), value, sizeof(value));
	alerts_level(res, i, AC_METRIC, metric, sizeof(metric));
	alerts_level(res, i, AC_THRESHOLD, threshold, sizeof(threshold));
	db_baseline_human(db_double(res, i, AC_BASELINE),
	    db_usec(res, i, AC_BFROM), db_usec(res, i, AC_BTO),
	    (uint32_t)db_usec(res, i, AC_BN), baseline, sizeof(baseline));
	row[0] = state;
	row[1] = since;
	row[2] = db_text(res, i, AC_SEVERITY);
	row[3] = rule;
	row[4] = db_text(res, i, AC_SERIES);
	row[5] = value;
	row[6] = metric;
	row[7] = threshold;
	row[8] = baseline;
	row[9] = db_text(res, i, AC_EVENT);
	row[10] = *PQgetvalue(res, i, AC_SILENCED) == 't' ? "yes" : "no";
	row[11] = db_text(res, i, AC_SUMMARY);
	table_add(t, row);
}

int
ctl_alerts(struct config *config, int argc, char **argv)
{
	static const char *const header[] = { "STATE", "SINCE (UTC)",
	    "SEVERITY", "RULE", "SERIES", "VALUE", "METRIC", "THRESHOLD",
	    "BASELINE", "EVENT", "SILENCED", "SUMMARY" };
	const char	*state = NULL;
	struct table	*t;
	PGconn		*conn;
	PGresult	*res;
	int		 json, i, n;

	if (alerts_options(argc, argv, "alerts [--state inactive|pending|"
	    "firing|resolved] [--json]", &json, &state) == -1)
		return (1);
	if ((conn = db_connect(config, "alerts")) == NULL)
		return (1);
	res = db_exec(conn, "alerts", alerts_sql, 1, &state);
	PQfinish(conn);
	if (res == NULL)
		return (1);
	n = PQntuples(res);
	if (json) {
		for (i = 0; i < n; i++)
			alerts_row_json(res, i);
	} else if (n == 0)
		printf("no %s alerts\n", state != NULL ? state :
		    "pending, firing or resolved");
	else {
		t = table_new(header, 12);
		for (i = 0; i < n; i++)
			alerts_row_table(t, res, i);
		table_print(t, stdout);
		table_free(t);
	}
	PQclear(res);
	return (0);
}

static void
rules_row_json(const PGresult *res, int i)
{
	cJSON		*o, *a;
	static const int cols[] = { RC_INACTIVE, RC_PENDING, RC_FIRING,
	    RC_RESOLVED };
	size_t		 k;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", db_text(res, i, RC_NAME));
	cJSON_AddStringToObject(o, "kind", db_text(res, i, RC_KIND));
	alerts_add_text(o, "series", db_text(res, i, RC_SERIES));
	cJSON_AddStringToObject(o, "severity", db_text(res, i, RC_SEVERITY));
	alerts_add_json(o, "labels", db_text(res, i, RC_LABELS));
	alerts_add_json(o, "annotations", db_text(res, i, RC_ANNOTATIONS));
	alerts_add_json(o, "notify", db_text(res, i, RC_NOTIFY));
	alerts_add_json(o, "definition", db_text(res, i, RC_DEFINITION));
	cJSON_AddBoolToObject(o, "active",
	    *PQgetvalue(res, i, RC_ACTIVE) == 't');
	alertjson_add_time(o, "loaded_at", db_usec(res, i, RC_LOADED));
	alertjson_add_time(o, "last_evaluated_at", db_usec(res, i,
	    RC_EVALUATED));
	a = cJSON_AddObjectToObject(o, "alerts");
	for (k = 0; k < 4; k++) {
		cJSON_AddNumberToObject(a, alerts_states[k],
		    db_double(res, i, cols[k]));
	}
	alerts_print_json(o);
}

static void
rules_row_table(struct table *t, const PGresult *res, int i)
{
	const char	*row[11];
	char		 loaded[32], evaluated[32];

	db_time_human(db_usec(res, i, RC_LOADED), loaded, sizeof(loaded));
	db_time_human(db_usec(res, i, RC_EVALUATED), evaluated,
	    sizeof(evaluated));
	row[0] = db_text(res, i, RC_NAME);
	row[1] = db_text(res, i, RC_KIND);
	row[2] = db_text(res, i, RC_SERIES);
	row[3] = db_text(res, i, RC_SEVERITY);
	row[4] = *PQgetvalue(res, i, RC_ACTIVE) == 't' ? "yes" : "no";
	row[5] = loaded;
	row[6] = evaluated;
	row[7] = db_text(res, i, RC_INACTIVE);
	row[8] = db_text(res, i, RC_PENDING);
	row[9] = db_text(res, i, RC_FIRING);
	row[10] = db_text(res, i, RC_RESOLVED);
	table_add(t, row);
}

int
ctl_rules(struct config *config, int argc, char **argv)
{
	static const char *const header[] = { "NAME", "KIND", "SERIES",
	    "SEVERITY", "ACTIVE", "LOADED (UTC)", "EVALUATED (UTC)",
	    "INACTIVE", "PENDING", "FIRING", "RESOLVED" };
	struct table	*t;
	PGconn		*conn;
	PGresult	*res;
	int		 json, i, n;

	if (alerts_options(argc, argv, "rules [--json]", &json, NULL) == -1)
		return (1);
	if ((conn = db_connect(config, "rules")) == NULL)
		return (1);
	res = db_exec(conn, "rules", rules_sql, 0, NULL);
	PQfinish(conn);
	if (res == NULL)
		return (1);
	n = PQntuples(res);
	if (json) {
		for (i = 0; i < n; i++)
			rules_row_json(res, i);
	} else if (n == 0)
		printf("no rules loaded (the daemon stores them when it "
		    "starts or reloads)\n");
	else {
		t = table_new(header, 11);
		for (i = 0; i < n; i++)
			rules_row_table(t, res, i);
		table_print(t, stdout);
		table_free(t);
	}
	PQclear(res);
	return (0);
}
