/* SPDX-License-Identifier: ISC */
/*
 * backtest: "potashctl backtest [--rule NAME]... --from TIME --to TIME
 * [--json]", the configured alert rules replayed over the stored history
 * as it was known at each moment.
 *
 * A fresh engine (alert/engine.h, "Backtest") gets every sanctions event
 * and every stored revision of every series a selected rule matches,
 * each at the time it became known (several periods of a series known
 * at once flagged superseded but the newest, as the daemon does:
 * engine.h, Backfill), merged in that order, with engine_evaluate(t)
 * before each input and at --to: so a value revised later fires (or
 * not) as the first publication did, and deadlines (for,
 * keep_firing_for, window ends) fall at their exact times.  An event is
 * known at its detected_at, but a seeded one (origin "seed", stored when
 * the database was made) at its announcement if that is earlier.  As in
 * the daemon, seeded events arm since_event rules and never fire
 * sanctions rules.  Inputs known after --to are not read.
 *
 * The transitions with `at` in [--from, --to] are printed sorted by
 * time, then a line of counts.  Everything runs in one READ ONLY
 * transaction (one snapshot; the server refuses any write) and nothing
 * is notified.  Observations are streamed row by row (libpq single-row
 * mode): memory holds the engine's windows, the events and the printed
 * transitions, not the history.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "alert/alertjson.h"
#include "alert/engine.h"
#include "alert/render.h"
#include "alert/rule.h"
#include "ctl/ctl.h"
#include "util/xmalloc.h"

#define BACKTEST_USAGE \
	"backtest [--rule NAME]... --from TIME --to TIME [--json]"

#define USEC_DAY	(INT64_C(86400) * 1000000)

enum backtest_evcol {
	BE_ID, BE_ANNOUNCED, BE_EFFECTIVE, BE_KNOWN, BE_JURISDICTION,
	BE_ACTION, BE_INSTRUMENT, BE_ENTITIES, BE_DIRECTION, BE_ORIGIN,
};

/* Dates as days since 1970-01-01, exact; known as unix usec. */
static const char backtest_events_sql[] =
    "SELECT e.id, e.announced_on - DATE '1970-01-01', "
    "       e.effective_on - DATE '1970-01-01', " DB_USEC("k.known") ", "
    "       e.jurisdiction, e.action, e.instrument, "
    "       array_to_json(e.entities)::text, e.direction, e.origin "
    "  FROM potash.sanctions_events e "
    " CROSS JOIN LATERAL (SELECT CASE WHEN e.origin = 'seed' "
    "       THEN LEAST(e.detected_at, "
    "                  e.announced_on::timestamp AT TIME ZONE 'UTC') "
    "       ELSE e.detected_at END AS known) k "
    " WHERE k.known <= $1::timestamptz "
    " ORDER BY k.known, e.id";

/* prev: the revision this one replaces (NULL for a first value). */
static const char backtest_obs_sql[] =
    "SELECT s.key, " DB_USEC("o.period") ", o.value::float8, "
    DB_USEC("o.known_at") ", "
    "       lag(o.value::float8) OVER (PARTITION BY o.series_id, o.period "
    "                                  ORDER BY o.known_at) "
    "  FROM potash.observations o "
    "  JOIN potash.series s ON s.id = o.series_id "
    " WHERE o.known_at <= $2::timestamptz "
    "   AND EXISTS (SELECT 1 FROM jsonb_array_elements_text($1::jsonb) g "
    "                WHERE potash.glob_match(g.value, s.key)) "
    " ORDER BY o.known_at, s.key, o.period";

/* A transition kept for printing, with its rank for a stable sort. */
struct backtest_tr {
	struct engine_transition	t;
	size_t				seq;
};

struct backtest {
	const char		 *path;
	struct engine		 *engine;
	const struct rule	**rules;
	size_t			  nrules;
	int64_t			  from, to;
	int			  json;
	PGconn			 *conn;
	PGresult		 *events;
	int			  nextev;
	struct backtest_tr	 *tr;
	size_t			  ntr, trcap;
	size_t			  ntr_all;
	uint64_t		  nobs, nev;
};

/* Keeps the engine's new transitions that fall in [from, to]. */
static void
backtest_collect(struct backtest *bt)
{
	const struct engine_transition	*t;
	size_t				 n, i;

	t = engine_transitions(bt->engine, &n);
	for (i = 0; i < n; i++) {
		if (t[i].at < bt->from || t[i].at > bt->to)
			continue;
		if (bt->ntr == bt->trcap) {
			bt->trcap = bt->trcap == 0 ? 64 : bt->trcap * 2;
			bt->tr = xreallocarray(bt->tr, bt->trcap,
			    sizeof(*bt->tr));
		}
		bt->tr[bt->ntr].t = t[i];
		bt->tr[bt->ntr].seq = bt->ntr_all + i;
		bt->ntr++;
	}
	bt->ntr_all += n;
	engine_transitions_clear(bt->engine);
}

/* Feeds event row i of bt->events. */
static void
backtest_event(struct backtest *bt, int i)
{
	const PGresult		*res = bt->events;
	struct engine_event	 ev;
	cJSON			*ents, *e;
	const char		**names = NULL;
	size_t			 n = 0;

	memset(&ev, 0, sizeof(ev));
	ev.id = db_usec(res, i, BE_ID);
	ev.announced = db_usec(res, i, BE_ANNOUNCED) * USEC_DAY;
	ev.effective = PQgetisnull(res, i, BE_EFFECTIVE) ? INT64_MIN :
	    db_usec(res, i, BE_EFFECTIVE) * USEC_DAY;
	ev.known_at = db_usec(res, i, BE_KNOWN);
	ev.jurisdiction = PQgetvalue(res, i, BE_JURISDICTION);
	ev.action = PQgetvalue(res, i, BE_ACTION);
	ev.instrument = PQgetvalue(res, i, BE_INSTRUMENT);
	ev.direction = (int)db_usec(res, i, BE_DIRECTION);
	ev.origin = PQgetvalue(res, i, BE_ORIGIN);
	ents = cJSON_Parse(PQgetvalue(res, i, BE_ENTITIES));
	if (cJSON_IsArray(ents) && cJSON_GetArraySize(ents) > 0) {
		names = xreallocarray(NULL, (size_t)cJSON_GetArraySize(ents),
		    sizeof(*names));
		cJSON_ArrayForEach(e, ents) {
			if (cJSON_IsString(e))
				names[n++] = e->valuestring;
		}
	}
	ev.entities = names;
	ev.nentities = n;
	engine_evaluate(bt->engine, ev.known_at);
	(void)engine_event(bt->engine, &ev);
	backtest_collect(bt);
	bt->nev++;
	free(names);
	cJSON_Delete(ents);
}

/* Feeds the events known at or before t. */
static void
backtest_events_until(struct backtest *bt, int64_t t)
{
	while (bt->nextev < PQntuples(bt->events) &&
	    db_usec(bt->events, bt->nextev, BE_KNOWN) <= t)
		backtest_event(bt, bt->nextev++);
}

/* Feeds obs, superseded or not by next (the row after it, or NULL). */
static void
backtest_feed(struct backtest *bt, struct engine_obs *obs,
    const struct engine_obs *next)
{
	if (engine_obs_superseded(obs, next))
		obs->flags |= ENGINE_OBS_SUPERSEDED;
	/* Events known strictly before it: at the same instant the
	 * observation comes first, as the daemon orders them (so that a
	 * baseline known by the event includes it). */
	backtest_events_until(bt, obs->known_at - 1);
	engine_evaluate(bt->engine, obs->known_at);
	(void)engine_observe(bt->engine, obs);
	backtest_collect(bt);
	bt->nobs++;
}

/* Streams the observations of the selected rules' series, with the
 * events merged in.  Returns 0, or -1 after printing the error. */
static int
backtest_observations(struct backtest *bt, const char *to)
{
	struct engine_obs	 obs, hobs;
	const char		*params[2];
	cJSON			*globs;
	PGresult		*res, *held = NULL;
	char			*text;
	size_t			 i;
	int			 rv = 0, sent;

	globs = cJSON_CreateArray();
	for (i = 0; i < bt->nrules; i++) {
		if (bt->rules[i]->series != NULL)
			cJSON_AddItemToArray(globs,
			    cJSON_CreateString(bt->rules[i]->series));
	}
	if (cJSON_GetArraySize(globs) == 0) {
		cJSON_Delete(globs);
		return (0);
	}
	text = cJSON_PrintUnformatted(globs);
	cJSON_Delete(globs);
	params[0] = text;
	params[1] = to;
	sent = PQsendQueryParams(bt->conn, backtest_obs_sql, 2, NULL, params,
	    NULL, NULL, 0);
	free(text);
	if (!sent || !PQsetSingleRowMode(bt->conn)) {
		fprintf(stderr, "potashctl: backtest: %s",
		    PQerrorMessage(bt->conn));
		return (-1);
	}
	/*
	 * Read to the end even after an error: libpq wants it drained.
	 * Each row is fed when the next one is read, which tells whether
	 * it is superseded (a later period of its series, same known_at),
	 * as the daemon does; the held row's result keeps its strings.
	 */
	while ((res = PQgetResult(bt->conn)) != NULL) {
		if (PQresultStatus(res) == PGRES_SINGLE_TUPLE && rv == 0) {
			memset(&obs, 0, sizeof(obs));
			obs.series = PQgetvalue(res, 0, 0);
			obs.period = db_usec(res, 0, 1);
			obs.value = db_double(res, 0, 2);
			obs.known_at = db_usec(res, 0, 3);
			obs.prev = db_double(res, 0, 4);
			if (held != NULL) {
				backtest_feed(bt, &hobs, &obs);
				PQclear(held);
			}
			held = res;
			hobs = obs;
			continue;
		} else if (PQresultStatus(res) != PGRES_SINGLE_TUPLE &&
		    PQresultStatus(res) != PGRES_TUPLES_OK && rv == 0) {
			db_result_error("backtest", res);
			rv = -1;
		}
		PQclear(res);
	}
	if (held != NULL) {
		if (rv == 0)
			backtest_feed(bt, &hobs, NULL);
		PQclear(held);
	}
	return (rv);
}

static int
backtest_cmp(const void *a, const void *b)
{
	const struct backtest_tr	*x = a, *y = b;

	if (x->t.at != y->t.at)
		return (x->t.at < y->t.at ? -1 : 1);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* A metric or threshold with "%" on percent rules. */
static void
backtest_level(const struct rule *r, double v, char *buf, size_t len)
{
	char	num[64];

	db_number_human(v, num, sizeof(num));
	snprintf(buf, len, "%s%s", num, isfinite(v) &&
	    r->unit == RULE_PERCENT ? "%" : "");
}

static void
backtest_print(struct backtest *bt)
{
	static const char *const header[] = { "AT (UTC)", "RULE", "SERIES",
	    "TRANSITION", "REASON", "VALUE", "METRIC", "THRESHOLD",
	    "BASELINE", "EVENT", "SUMMARY" };
	const struct engine_transition	*t;
	const struct rule		*r;
	struct table			*tab;
	const char			*row[11];
	char				 at[32], move[40], value[64];
	char				 metric[80], threshold[80];
	char				 baseline[160], summary[1024];
	char				*line;
	cJSON				*o;
	size_t				 i, k;

	tab = bt->json ? NULL : table_new(header, 11);
	for (i = 0; i < bt->ntr; i++) {
		t = &bt->tr[i].t;
		r = t->rule;
		if (bt->json) {
			o = alertjson_transition(t);
			line = cJSON_PrintUnformatted(o);
			printf("%s\n", line);
			free(line);
			cJSON_Delete(o);
			continue;
		}
		db_time_human(t->at, at, sizeof(at));
		snprintf(move, sizeof(move), "%s->%s",
		    engine_state_name(t->from), engine_state_name(t->to));
		db_number_human(t->value, value, sizeof(value));
		backtest_level(r, t->metric, metric, sizeof(metric));
		backtest_level(r, t->threshold, threshold, sizeof(threshold));
		db_baseline_human(t->baseline, t->baseline_from,
		    t->baseline_to, t->baseline_n, baseline,
		    sizeof(baseline));
		summary[0] = '\0';
		for (k = 0; k < r->nannotations; k++) {
			if (strcmp(r->annotations[k].name, "summary") == 0)
				(void)render_template(r->annotations[k].value,
				    t, summary, sizeof(summary));
		}
		row[0] = at;
		row[1] = r->name;
		row[2] = t->series;
		row[3] = move;
		row[4] = engine_reason_name(t->reason);
		row[5] = value;
		row[6] = metric;
		row[7] = threshold;
		row[8] = baseline;
		row[9] = t->event;
		row[10] = summary;
		table_add(tab, row);
	}
	if (tab != NULL && table_rows(tab) > 0)
		table_print(tab, stdout);
	table_free(tab);
}

/* Picks the rules named (all if none).  Returns 0, or -1 after printing
 * the error. */
static int
backtest_rules(struct backtest *bt, const struct config *c,
    char *const *names, size_t nnames)
{
	size_t	i, j;

	if (c->nrules == 0) {
		fprintf(stderr, "potashctl: backtest: %s has no rule "
		    "sections\n", bt->path);
		return (-1);
	}
	bt->rules = xreallocarray(NULL, c->nrules, sizeof(*bt->rules));
	for (i = 0; i < c->nrules; i++) {
		for (j = 0; j < nnames; j++) {
			if (strcmp(names[j], c->rules[i]->name) == 0)
				break;
		}
		if (nnames == 0 || j < nnames)
			bt->rules[bt->nrules++] = c->rules[i];
	}
	for (j = 0; j < nnames; j++) {
		for (i = 0; i < c->nrules; i++) {
			if (strcmp(names[j], c->rules[i]->name) == 0)
				break;
		}
		if (i == c->nrules) {
			fprintf(stderr, "potashctl: backtest: no rule \"%s\" "
			    "in %s\n", names[j], bt->path);
			return (-1);
		}
	}
	return (0);
}

/* Parses --from or --to.  Returns 0, or -1 after printing the error. */
static int
backtest_time(const char *opt, const char *s, int64_t *usec)
{
	if (s == NULL) {
		fprintf(stderr, "potashctl: backtest: --%s TIME is required\n",
		    opt);
		return (-1);
	}
	if (alertjson_parse_time(s, usec) == -1) {
		fprintf(stderr, "potashctl: backtest: --%s: expected a date "
		    "or time such as 2025-01-01 or 2025-12-15T18:00:00Z, got "
		    "\"%s\"\n", opt, s);
		return (-1);
	}
	return (0);
}

int
ctl_backtest(struct config *config, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rule", required_argument, NULL, 'r' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct backtest	 bt;
	const char	*fromarg = NULL, *toarg = NULL, *param;
	char		**names, err[512], to[64], a[32], b[32];
	size_t		 nnames = 0;
	int		 ch, code = 1;

	memset(&bt, 0, sizeof(bt));
	bt.path = config->path;
	names = xreallocarray(NULL, (size_t)argc, sizeof(*names));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			names[nnames++] = optarg;
			break;
		case 'f':
			fromarg = optarg;
			break;
		case 't':
			toarg = optarg;
			break;
		case 'j':
			bt.json = 1;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if (backtest_time("from", fromarg, &bt.from) == -1 ||
	    backtest_time("to", toarg, &bt.to) == -1)
		goto out;
	if (bt.from > bt.to) {
		fprintf(stderr, "potashctl: backtest: --from %s is after "
		    "--to %s\n", fromarg, toarg);
		goto out;
	}
	if (backtest_rules(&bt, config, names, nnames) == -1)
		goto out;
	if ((bt.engine = engine_new(bt.rules, bt.nrules, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "potashctl: backtest: %s\n", err);
		goto out;
	}

	if ((bt.conn = db_connect(config, "backtest")) == NULL)
		goto out;
	/* One snapshot, and the server itself refuses any write. */
	if (db_command(bt.conn, "backtest", "BEGIN ISOLATION LEVEL "
	    "REPEATABLE READ READ ONLY", 0, NULL) == -1)
		goto out;
	alertjson_time(bt.to, to, sizeof(to));
	param = to;
	if ((bt.events = db_exec(bt.conn, "backtest", backtest_events_sql, 1,
	    &param)) == NULL)
		goto out;
	if (backtest_observations(&bt, to) == -1)
		goto out;
	backtest_events_until(&bt, bt.to);
	engine_evaluate(bt.engine, bt.to);
	backtest_collect(&bt);
	(void)db_command(bt.conn, "backtest", "ROLLBACK", 0, NULL);

	qsort(bt.tr, bt.ntr, sizeof(*bt.tr), backtest_cmp);
	backtest_print(&bt);
	db_time_human(bt.from, a, sizeof(a));
	db_time_human(bt.to, b, sizeof(b));
	fprintf(bt.json ? stderr : stdout, "backtest: %zu rule%s, %" PRIu64
	    " inputs replayed (%" PRIu64 " observations, %" PRIu64 " events)"
	    "; %zu transitions from %s to %s UTC (%zu in all)\n", bt.nrules,
	    bt.nrules == 1 ? "" : "s", bt.nobs + bt.nev, bt.nobs, bt.nev,
	    bt.ntr, a, b, bt.ntr_all);
	code = 0;
	goto out;
usage:
	fprintf(stderr, "usage: potashctl " BACKTEST_USAGE "\n");
out:
	PQclear(bt.events);
	PQfinish(bt.conn);
	engine_free(bt.engine);
	free(bt.tr);
	free(bt.rules);
	free(names);
	return (code);
}
