/* SPDX-License-Identifier: ISC */
/*
 * alerting: the alert engine on the event loop, its state in PostgreSQL;
 * see alerting.h.
 *
 * One sequence of queries is in flight at a time (busy): a load (rules,
 * cursor, known inputs, saved instances) or a pass (queued inputs, then
 * one alert_apply_pending, which dequeues exactly what the pass read).
 * A kick or a timer while busy sets `again`, and the pass that ends
 * starts the next one.  A configure or a lost connection bumps
 * gen; the callbacks of an older sequence only clean up.  Inputs go to
 * the engine in the order it wants (engine.h, "Driving it"), several
 * periods of a series known at once flagged superseded but the newest.
 */
#include <sys/time.h>

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <event2/event.h>
#include <libpq-fe.h>

#include "alert/alertjson.h"
#include "alert/engine.h"
#include "alert/render.h"
#include "alert/rule.h"
#include "daemon/alerting.h"
#include "daemon/log.h"
#include "store/pg.h"
#include "util/xmalloc.h"

/* Feed runs read per pass: a backlog is evaluated in steps. */
#define ALERTING_MAX_RUNS	500
/* How often the queue is looked at without a kick: what other writers
 * (potashctl import, another potashd) stored is evaluated within it. */
#define ALERTING_SWEEP_SEC	30
/* Longest sleep between two looks at the engine's deadlines. */
#define ALERTING_TIMER_MAX	(INT64_C(3600) * 1000000)

struct alerting {
	struct event_base	*base;
	struct pg		*pg;
	struct rule *const	*rules;
	size_t			 nrules;
	struct engine		*engine;
	struct event		*timer;
	struct event		*sweep;

	int			 ready;		/* schema current */
	int			 loaded;	/* engine built from the db */
	int			 busy;		/* a sequence is in flight */
	int			 again;		/* run a pass when it ends */
	unsigned		 gen;		/* of the rules and connection */
	unsigned		 seq_gen;	/* of the sequence in flight */
	int			 seq_failed;

	int64_t			 cur_run;	/* cursor as stored */
	int64_t			 cur_event;
	int64_t			 next_run;	/* cursor after this pass */
	int64_t			 next_event;
	cJSON			*runs;		/* dequeued by this pass */
	cJSON			*events;
	int			 more;		/* backlog left after it */
	size_t			 ndirty;
	cJSON			*dirty;		/* alert rows of this pass */

	struct alerting_stats	 st;
	void			(*stored_hook)(void *);
	void			*stored_arg;
};

/*
 * The inputs, observations and events merged in the order they became
 * known (an observation before an event known at the same instant, so
 * that a baseline "known by the event" includes it).  Columns:
 *  0 kind ('o', 'e')	1 known (usec)		2 series	3 period
 *  4 value		5 prev			6 feed run	7 event id
 *  8 announced		9 effective		10 jurisdiction	11 action
 *  12 instrument	13 entities (json)	14 direction	15 origin
 * A seeded event counts as known from its announcement (its row is only
 * as old as the migration that wrote it).
 */
#define ALERTING_EVENT_COLS \
	"'e', (extract(epoch FROM CASE WHEN e.origin = 'seed' " \
	"THEN LEAST(e.detected_at, e.announced_on::timestamp AT TIME ZONE " \
	"'UTC') ELSE e.detected_at END) * 1000000)::int8, NULL, NULL, " \
	"NULL, NULL, NULL, e.id, " \
	"(extract(epoch FROM e.announced_on::timestamp) * 1000000)::int8, " \
	"(extract(epoch FROM e.effective_on::timestamp) * 1000000)::int8, " \
	"e.jurisdiction, e.action, e.instrument, " \
	"array_to_json(e.entities)::text, e.direction, e.origin " \
	"FROM potash.sanctions_events e "
#define ALERTING_ORDER \
	"ORDER BY 2, 1 DESC, 3, 4, 8"

/* History the rules need (runs no longer queued) and the events already
 * evaluated.  $1: the rules' series patterns (a json array). */
static const char alerting_load_sql[] =
	"WITH pats AS (SELECT jsonb_array_elements_text($1::jsonb) AS pat), "
	"ss AS (SELECT s.id, s.key FROM potash.series s "
	"WHERE EXISTS (SELECT 1 FROM pats WHERE potash.glob_match(pats.pat, "
	"s.key))) "
	"SELECT 'o', (extract(epoch FROM o.known_at) * 1000000)::int8, "
	"ss.key, (extract(epoch FROM o.period) * 1000000)::int8, "
	"o.value::float8, NULL, o.feed_run_id, NULL, NULL, NULL, NULL, NULL, "
	"NULL, NULL, NULL, NULL "
	"FROM potash.observations o JOIN ss ON ss.id = o.series_id "
	"WHERE o.feed_run_id IS NULL OR NOT EXISTS (SELECT 1 FROM "
	"potash.alert_pending_runs p WHERE p.feed_run_id = o.feed_run_id) "
	"UNION ALL SELECT " ALERTING_EVENT_COLS
	"WHERE NOT EXISTS (SELECT 1 FROM potash.alert_pending_events p "
	"WHERE p.event_id = e.id) "
	ALERTING_ORDER;

/*
 * What is queued (schema/0012): the next $1 runs, each as a row of kind
 * 'r' (known 0, so first) and its observations, and the queued events.
 * One statement, so that the runs and their rows are of one snapshot.
 */
static const char alerting_pass_sql[] =
	"SELECT i.kind::text, COALESCE((extract(epoch FROM i.known_at) * "
	"1000000)::int8, 0), i.series, (extract(epoch FROM i.period) * "
	"1000000)::int8, i.value, i.prev, i.feed_run_id, NULL, NULL, NULL, "
	"NULL, NULL, NULL, NULL, NULL, NULL "
	"FROM potash.alert_pending_inputs($1::int4) i "
	"UNION ALL SELECT " ALERTING_EVENT_COLS
	"WHERE e.id IN (SELECT p.event_id FROM potash.alert_pending_events p) "
	ALERTING_ORDER;

static void	alerting_start(struct alerting *);
static void	alerting_pass(struct alerting *);

static int64_t
alerting_now(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return ((int64_t)tv.tv_sec * 1000000 + tv.tv_usec);
}

static int64_t
alerting_int(const PGresult *res, int row, int col, int64_t null)
{
	if (PQgetisnull(res, row, col))
		return (null);
	return (strtoll(PQgetvalue(res, row, col), NULL, 10));
}

static const struct rule *
alerting_rule(const struct alerting *a, const char *name)
{
	size_t	i;

	for (i = 0; i < a->nrules; i++) {
		if (strcmp(a->rules[i]->name, name) == 0)
			return (a->rules[i]);
	}
	return (NULL);
}

static void
alerting_drop_engine(struct alerting *a)
{
	engine_free(a->engine);
	a->engine = NULL;
	a->loaded = 0;
	cJSON_Delete(a->dirty);
	a->dirty = NULL;
	if (a->timer != NULL)
		evtimer_del(a->timer);
}

/* A sequence ended (done or failed): start what is due next. */
static void
alerting_end(struct alerting *a, int failed)
{
	a->busy = 0;
	if (failed || a->seq_gen != a->gen) {
		if (failed)
			a->st.failures++;
		/* The database is the truth: rebuild from it. */
		alerting_drop_engine(a);
	}
	if (!a->ready)
		return;
	if (!a->loaded || a->again || a->more) {
		a->again = 0;
		/* After a failure, wait for the next kick, timer or
		 * connection rather than spin on a failing statement. */
		if (!failed)
			alerting_start(a);
	}
}

/* Fills o from row i of an inputs result; 0, or -1 if it is no
 * observation. */
static int
alerting_obs(const PGresult *res, int i, struct engine_obs *o)
{
	if (i >= PQntuples(res) || PQgetvalue(res, i, 0)[0] != 'o')
		return (-1);
	memset(o, 0, sizeof(*o));
	o->series = PQgetvalue(res, i, 2);
	o->period = alerting_int(res, i, 3, 0);
	o->value = strtod(PQgetvalue(res, i, 4), NULL);
	o->known_at = alerting_int(res, i, 1, 0);
	o->prev = PQgetisnull(res, i, 5) ? (double)NAN :
	    strtod(PQgetvalue(res, i, 5), NULL);
	return (0);
}

/*
 * Feeds row i of an inputs result.  history: the load's known inputs.
 * The rows are in ALERTING_ORDER, so the observations of one series and
 * known_at are adjacent and by period: row i is superseded (engine.h,
 * Backfill, rule 4) if row i + 1 is a later period of them.
 */
static void
alerting_feed(struct alerting *a, const PGresult *res, int i, int history)
{
	struct engine_obs	 o, next;
	struct engine_event	 ev;
	const char		*entv[RULE_LIST_MAX];
	cJSON			*ents = NULL, *it;
	size_t			 n = 0;

	if (alerting_obs(res, i, &o) == 0) {
		if (history)
			o.flags = ENGINE_OBS_HISTORY;
		else if (alerting_obs(res, i + 1, &next) == 0 &&
		    engine_obs_superseded(&o, &next))
			o.flags = ENGINE_OBS_SUPERSEDED;
		if (engine_observe(a->engine, &o) == -1)
			log_warnx("alerts: %s %s: value is not finite; skipped",
			    o.series, PQgetvalue(res, i, 3));
		a->st.inputs++;
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.id = alerting_int(res, i, 7, 0);
	ev.announced = alerting_int(res, i, 8, 0);
	ev.effective = alerting_int(res, i, 9, INT64_MIN);
	ev.known_at = alerting_int(res, i, 1, 0);
	ev.jurisdiction = PQgetvalue(res, i, 10);
	ev.action = PQgetvalue(res, i, 11);
	ev.instrument = PQgetvalue(res, i, 12);
	if ((ents = cJSON_Parse(PQgetvalue(res, i, 13))) != NULL) {
		cJSON_ArrayForEach(it, ents) {
			if (cJSON_IsString(it) && n < RULE_LIST_MAX)
				entv[n++] = it->valuestring;
		}
	}
	ev.entities = entv;
	ev.nentities = n;
	ev.direction = (int)alerting_int(res, i, 14, 0);
	ev.origin = PQgetvalue(res, i, 15);
	ev.flags = history ? ENGINE_EVENT_KNOWN : 0;
	if (engine_event(a->engine, &ev) == -1)
		log_warnx("alerts: sanctions event %" PRId64 " skipped",
		    ev.id);
	cJSON_Delete(ents);
	a->st.inputs++;
}

static void
alerting_rules_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct alerting	*a = arg;

	if (a->seq_gen == a->gen && !pg_result_ok(res)) {
		if (res != NULL)
			log_warnx("alerts: storing the rules: %s",
			    pg_result_error(res));
		a->seq_failed = 1;
	}
}

static void
alerting_cursor_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct alerting	*a = arg;

	if (a->seq_gen != a->gen || a->seq_failed)
		return;
	if (!pg_result_ok(res) || PQntuples(res) != 1) {
		if (res != NULL)
			log_warnx("alerts: reading the cursor: %s",
			    pg_result_error(res));
		a->seq_failed = 1;
		return;
	}
	a->cur_run = alerting_int(res, 0, 0, 0);
	a->cur_event = alerting_int(res, 0, 1, 0);
}

static void
alerting_known_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct alerting	*a = arg;
	char		 err[256];
	int		 i;

	if (a->seq_gen != a->gen || a->seq_failed)
		return;
	if (!pg_result_ok(res)) {
		if (res != NULL)
			log_warnx("alerts: reading the history: %s",
			    pg_result_error(res));
		a->seq_failed = 1;
		return;
	}
	engine_free(a->engine);
	a->engine = engine_new((const struct rule *const *)a->rules,
	    a->nrules, err, sizeof(err));
	if (a->engine == NULL) {
		log_warnx("alerts: %s", err);
		a->seq_failed = 1;
		return;
	}
	for (i = 0; i < PQntuples(res); i++)
		alerting_feed(a, res, i, 1);
}

static void
alerting_saved_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct alerting		*a = arg;
	struct engine_saved	 sv;
	struct engine_stats	 es;
	cJSON			*j;
	char			 err[512];
	int			 i, restored = 0;

	if (a->seq_gen != a->gen || a->seq_failed || a->engine == NULL) {
		alerting_end(a, a->seq_gen == a->gen);
		return;
	}
	if (!pg_result_ok(res)) {
		if (res != NULL)
			log_warnx("alerts: reading saved alerts: %s",
			    pg_result_error(res));
		alerting_end(a, 1);
		return;
	}
	for (i = 0; i < PQntuples(res); i++) {
		if ((j = cJSON_Parse(PQgetvalue(res, i, 1))) == NULL ||
		    alertjson_saved_parse(j, &sv, err, sizeof(err)) == -1 ||
		    engine_restore(a->engine, &sv, err, sizeof(err)) == -1) {
			if (j == NULL)
				snprintf(err, sizeof(err), "saved state is "
				    "not JSON");
			/* Kept as stored; potashctl alerts shows it. */
			log_warnx("alerts: alert %s not restored: %s",
			    PQgetvalue(res, i, 0), err);
		} else
			restored++;
		cJSON_Delete(j);
	}
	engine_transitions_clear(a->engine);
	engine_get_stats(a->engine, &es);
	a->loaded = 1;
	a->st.reloads++;
	log_info("alerts: %zu rule%s, %d alert%s restored, %zu series, "
	    "%zu events; evaluated up to feed run %" PRId64, a->nrules,
	    a->nrules == 1 ? "" : "s", restored, restored == 1 ? "" : "s",
	    es.series, es.events, a->cur_run);
	/* Then whatever the cursor has not reached. */
	a->busy = 0;
	alerting_pass(a);
}

static char *
alerting_patterns(const struct alerting *a)
{
	cJSON	*arr = cJSON_CreateArray();
	char	*s;
	size_t	 i;

	for (i = 0; i < a->nrules; i++) {
		if (a->rules[i]->series != NULL)
			cJSON_AddItemToArray(arr,
			    cJSON_CreateString(a->rules[i]->series));
	}
	s = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	return (s);
}

static char *
alerting_rules_json(const struct alerting *a)
{
	cJSON	*arr = cJSON_CreateArray();
	char	*s;
	size_t	 i;

	for (i = 0; i < a->nrules; i++)
		cJSON_AddItemToArray(arr, alertjson_rule(a->rules[i]));
	s = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	return (s);
}

/* Rebuilds the engine from the database. */
static void
alerting_load(struct alerting *a)
{
	const char	*p[1];
	char		*rules, *pats;
	int		 rc;

	a->busy = 1;
	a->seq_gen = a->gen;
	a->seq_failed = 0;
	rules = alerting_rules_json(a);
	pats = alerting_patterns(a);
	p[0] = rules;
	rc = pg_query(a->pg, "SELECT potash.rules_load($1::jsonb)", 1, p,
	    alerting_rules_cb, a);
	if (rc == 0)
		rc = pg_query(a->pg, "SELECT feed_run_id, event_id FROM "
		    "potash.alert_cursor", 0, NULL, alerting_cursor_cb, a);
	p[0] = pats;
	if (rc == 0)
		rc = pg_query(a->pg, alerting_load_sql, 1, p,
		    alerting_known_cb, a);
	if (rc == 0)
		rc = pg_query(a->pg, "SELECT fingerprint, saved::text FROM "
		    "potash.alerts ORDER BY id", 0, NULL, alerting_saved_cb,
		    a);
	free(rules);
	free(pats);
	/* Not connected: queries already queued fail through their
	 * callbacks, the last of which ends the sequence; if none was
	 * queued, end it here. */
	if (rc == -1) {
		a->seq_failed = 1;
		a->busy = 0;
		a->gen++;
	}
}

/* Appends " name N" to buf if v is a number. */
static void
alerting_log_num(char *buf, size_t len, const char *name, double v)
{
	char	num[32];
	size_t	used = strlen(buf);

	if (!isfinite(v) || used >= len)
		return;
	render_number(v, num, sizeof(num));
	snprintf(buf + used, len - used, " %s %s", name, num);
}

/* One line per transition: firing and its end at notice, the rest at
 * info; the evidence in words, then the rendered summary. */
static void
alerting_log(const struct engine_transition *t)
{
	char	nums[160] = "", msg[512] = "";
	size_t	i;

	alerting_log_num(nums, sizeof(nums), "value", t->value);
	if (t->metric != t->value)
		alerting_log_num(nums, sizeof(nums), "metric", t->metric);
	alerting_log_num(nums, sizeof(nums), "threshold", t->threshold);
	alerting_log_num(nums, sizeof(nums), "baseline", t->baseline);
	for (i = 0; i < t->rule->nannotations; i++) {
		if (strcmp(t->rule->annotations[i].name, "summary") == 0) {
			(void)render_template(t->rule->annotations[i].value,
			    t, msg, sizeof(msg));
		}
	}
	if (t->to == ENGINE_FIRING || t->from == ENGINE_FIRING)
		log_notice("alert %s %s: %s -> %s (%s)%s%s%s%s%s%s%s",
		    t->rule->name, t->series, engine_state_name(t->from),
		    engine_state_name(t->to), engine_reason_name(t->reason),
		    t->flapping ? " flapping;" : ";", nums,
		    t->event != NULL ? " event " : "",
		    t->event != NULL ? t->event : "",
		    msg[0] != '\0' ? ": \"" : "", msg,
		    msg[0] != '\0' ? "\"" : "");
	else
		log_info("alert %s %s: %s -> %s (%s)", t->rule->name,
		    t->series, engine_state_name(t->from),
		    engine_state_name(t->to), engine_reason_name(t->reason));
}

static void
alerting_arm(struct alerting *a)
{
	struct timeval	tv;
	int64_t		deadline, wait;

	if (a->engine == NULL || a->timer == NULL)
		return;
	deadline = engine_next_deadline(a->engine);
	if (deadline == INT64_MAX) {
		evtimer_del(a->timer);
		return;
	}
	wait = deadline - alerting_now();
	if (wait < 0)
		wait = 0;
	if (wait > ALERTING_TIMER_MAX)
		wait = ALERTING_TIMER_MAX;
	/* Just after the deadline, so that it has passed. */
	wait += 1000;
	tv.tv_sec = (time_t)(wait / 1000000);
	tv.tv_usec = (suseconds_t)(wait % 1000000);
	evtimer_add(a->timer, &tv);
}

static void
alerting_apply_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct alerting			*a = arg;
	const struct engine_transition	*t;
	size_t				 n, i;

	if (a->seq_gen != a->gen) {
		alerting_end(a, 0);
		return;
	}
	if (!pg_result_ok(res)) {
		if (res != NULL)
			log_warnx("alerts: storing the evaluation: %s",
			    pg_result_error(res));
		else
			log_warnx("alerts: storing the evaluation: database "
			    "connection lost; evaluating again later");
		alerting_end(a, 1);
		return;
	}
	t = engine_transitions(a->engine, &n);
	for (i = 0; i < n; i++)
		alerting_log(&t[i]);
	engine_transitions_clear(a->engine);
	a->st.passes++;
	a->st.transitions += n;
	a->cur_run = a->next_run;
	a->cur_event = a->next_event;
	alerting_arm(a);
	if (n > 0 && a->stored_hook != NULL)
		a->stored_hook(a->stored_arg);
	alerting_end(a, 0);
}

static void
alerting_save_cb(const struct engine_saved *sv, void *arg)
{
	struct alerting		*a = arg;
	const struct rule	*r;

	if ((r = alerting_rule(a, sv->rule)) == NULL)
		return;
	cJSON_AddItemToArray(a->dirty, alertjson_alert(sv, r));
	a->ndirty++;
}

/* Evaluates up to now and stores the result (busy is set). */
static void
alerting_store(struct alerting *a)
{
	const struct engine_transition	*t;
	const char			*p[4];
	cJSON				*trs;
	char				*tj, *aj, *rj, *ej;
	size_t				 n, i;
	int				 rc;

	engine_evaluate(a->engine, alerting_now());
	t = engine_transitions(a->engine, &n);
	cJSON_Delete(a->dirty);
	a->dirty = cJSON_CreateArray();
	a->ndirty = 0;
	engine_save(a->engine, ENGINE_SAVE_DIRTY, alerting_save_cb, a);
	if (n == 0 && a->ndirty == 0 && cJSON_GetArraySize(a->runs) == 0 &&
	    cJSON_GetArraySize(a->events) == 0) {
		alerting_arm(a);
		alerting_end(a, 0);
		return;
	}
	trs = cJSON_CreateArray();
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(trs, alertjson_transition(&t[i]));
	tj = cJSON_PrintUnformatted(trs);
	aj = cJSON_PrintUnformatted(a->dirty);
	cJSON_Delete(trs);
	cJSON_Delete(a->dirty);
	a->dirty = NULL;
	/* Ids print exactly: below 2^53. */
	rj = cJSON_PrintUnformatted(a->runs);
	ej = cJSON_PrintUnformatted(a->events);
	p[0] = tj;
	p[1] = aj;
	p[2] = rj;
	p[3] = ej;
	rc = pg_query(a->pg, "SELECT potash.alert_apply_pending($1::jsonb, "
	    "$2::jsonb, $3::jsonb, $4::jsonb)", 4, p, alerting_apply_cb, a);
	free(tj);
	free(aj);
	free(rj);
	free(ej);
	if (rc == -1) {
		log_warnx("alerts: database connection lost; evaluating "
		    "again later");
		alerting_end(a, 1);
	}
}

static void
alerting_inputs_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct alerting	*a = arg;
	int64_t		 run, event;
	int		 i, nrows, runs = 0, full;

	if (a->seq_gen != a->gen || a->engine == NULL) {
		alerting_end(a, 0);
		return;
	}
	if (!pg_result_ok(res)) {
		if (res != NULL)
			log_warnx("alerts: reading new data: %s",
			    pg_result_error(res));
		alerting_end(a, 1);
		return;
	}
	nrows = PQntuples(res);
	a->next_run = a->cur_run;
	a->next_event = a->cur_event;
	cJSON_Delete(a->runs);
	cJSON_Delete(a->events);
	a->runs = cJSON_CreateArray();
	a->events = cJSON_CreateArray();
	for (i = 0; i < nrows; i++) {
		if (PQgetvalue(res, i, 0)[0] != 'r')
			continue;
		run = alerting_int(res, i, 6, 0);
		runs++;
		cJSON_AddItemToArray(a->runs, cJSON_CreateNumber((double)run));
		if (run > a->next_run)
			a->next_run = run;
	}
	/* A full step leaves runs for the next pass: hold the events back
	 * until the observations have caught up, so that each goes in its
	 * place in time. */
	full = runs >= ALERTING_MAX_RUNS;
	a->more = full;
	for (i = 0; i < nrows; i++) {
		switch (PQgetvalue(res, i, 0)[0]) {
		case 'r':
			continue;
		case 'e':
			if (full)
				continue;
			event = alerting_int(res, i, 7, 0);
			cJSON_AddItemToArray(a->events,
			    cJSON_CreateNumber((double)event));
			if (event > a->next_event)
				a->next_event = event;
			break;
		default:
			break;
		}
		alerting_feed(a, res, i, 0);
	}
	alerting_store(a);
}

/* Evaluates what is new (busy is clear, the engine loaded). */
static void
alerting_pass(struct alerting *a)
{
	const char	*p[1];
	char		 max[32];

	a->busy = 1;
	a->seq_gen = a->gen;
	a->seq_failed = 0;
	snprintf(max, sizeof(max), "%d", ALERTING_MAX_RUNS);
	p[0] = max;
	if (pg_query(a->pg, alerting_pass_sql, 1, p, alerting_inputs_cb,
	    a) == -1)
		a->busy = 0;
}

static void
alerting_start(struct alerting *a)
{
	if (a->busy) {
		a->again = 1;
		return;
	}
	if (!a->ready)
		return;
	if (!a->loaded)
		alerting_load(a);
	else
		alerting_pass(a);
}

static void
alerting_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	alerting_start(arg);
}

struct alerting *
alerting_new(struct event_base *base, struct pg *pg,
    struct rule *const *rules, size_t nrules)
{
	struct alerting	*a;

	a = xcalloc(1, sizeof(*a));
	a->base = base;
	a->pg = pg;
	a->rules = rules;
	a->nrules = nrules;
	a->timer = evtimer_new(base, alerting_timer_cb, a);
	a->sweep = event_new(base, -1, EV_PERSIST, alerting_timer_cb, a);
	if (a->sweep != NULL) {
		struct timeval	tv = { ALERTING_SWEEP_SEC, 0 };

		event_add(a->sweep, &tv);
	}
	return (a);
}

void
alerting_free(struct alerting *a)
{
	if (a == NULL)
		return;
	alerting_drop_engine(a);
	cJSON_Delete(a->runs);
	cJSON_Delete(a->events);
	if (a->timer != NULL)
		event_free(a->timer);
	if (a->sweep != NULL)
		event_free(a->sweep);
	free(a);
}

void
alerting_configure(struct alerting *a, struct rule *const *rules,
    size_t nrules)
{
	/* The engine borrows the old rules: it goes now; a sequence in
	 * flight sees the new gen and only cleans up. */
	a->gen++;
	alerting_drop_engine(a);
	a->rules = rules;
	a->nrules = nrules;
	alerting_start(a);
}

void
alerting_pg_ready(struct alerting *a)
{
	a->ready = 1;
	a->st.active = 1;
	alerting_start(a);
}

void
alerting_pg_lost(struct alerting *a)
{
	a->ready = 0;
	a->st.active = 0;
	a->gen++;
	alerting_drop_engine(a);
}

void
alerting_kick(struct alerting *a)
{
	alerting_start(a);
}

const struct alerting_stats *
alerting_stats(const struct alerting *a)
{
	return (&a->st);
}

void
alerting_set_stored_hook(struct alerting *a, void (*cb)(void *), void *arg)
{
	a->stored_hook = cb;
	a->stored_arg = arg;
}
