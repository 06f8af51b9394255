/* SPDX-License-Identifier: ISC */
/*
 * page: gathers the dashboard's data from SQL; see page.h.
 *
 * The queries of one page are queued together; the connection runs them
 * in order and each callback copies its rows into struct page_req (the
 * PGresult is cleared after the callback).  Once the last one is back,
 * the dashboard structs are filled with pointers into those copies and
 * rendered.  Values for charts are read as float8: the chart only draws
 * them, the exact text is for the API.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "potashd-config.h"
#include "collectors/collector.h"
#include "daemon/config.h"
#include "daemon/scheduler.h"
#include "util/xmalloc.h"
#include "web/alertpage.h"
#include "web/dashboard.h"
#include "web/page.h"
#include "web/reply.h"
#include "web/web.h"

#define PAGE_US(x)	"(extract(epoch FROM " x ") * 1000000)::bigint"
#define PAGE_SPANS_MAX	"5000"
#define PAGE_EVENTS_MAX	"1000"
#define PAGE_ALERTS_MAX	"200"
#define PAGE_HISTORY_MAX	"200"
#define PAGE_XSTR(x)	#x
#define PAGE_STR(x)	PAGE_XSTR(x)

/* A firing span and the series it belongs to. */
struct page_span {
	const char		*series;
	struct dashboard_span	 span;
};

struct page_req {
	const struct web_sources	*src;	/* NULL for a chart */
	char				**strs;	/* copies, freed at the end */
	size_t				 nstrs;
	size_t				 capstrs;

	struct dashboard_series		*series;
	size_t				 nseries;
	struct dashboard_point		*points;
	struct page_span		*spans;
	size_t				 nspans;
	struct dashboard_span		*flat;	/* spans, by series */
	struct dashboard_event		*events;
	size_t				 nevents;
	struct dashboard_alert		*alerts;
	size_t				 nalerts;
	struct dashboard_feed		*feeds;
	size_t				 nfeeds;

	/* /alerts/{fingerprint}: alert is NULL until its row is read. */
	struct alertpage_data		*alert;
	/* Labels, then annotations, then the rule's options. */
	struct alertpage_pair		*pairs;
	size_t				 npairs[3];
	struct alertpage_evidence	*evidence;
	size_t				 nevidence;
	long				 evidence_seq;
	struct alertpage_transition	*transitions;
	size_t				 ntransitions;
	const char			*fingerprint;	/* as asked */
};

static int64_t
page_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

static void
page_req_free(void *arg)
{
	struct page_req	*p = arg;
	size_t		 i;

	for (i = 0; i < p->nstrs; i++)
		free(p->strs[i]);
	free(p->strs);
	free(p->series);
	free(p->points);
	free(p->spans);
	free(p->flat);
	free(p->events);
	free(p->alerts);
	free(p->feeds);
	free(p->alert);
	free(p->pairs);
	free(p->evidence);
	free(p->transitions);
	free(p);
}

/* A copy of s kept until the page is sent; NULL stays NULL. */
static const char *
page_keep_str(struct page_req *p, const char *s)
{
	if (s == NULL)
		return (NULL);
	if (p->nstrs == p->capstrs) {
		p->capstrs = p->capstrs == 0 ? 64 : 2 * p->capstrs;
		p->strs = xreallocarray(p->strs, p->capstrs, sizeof(*p->strs));
	}
	p->strs[p->nstrs] = xstrdup(s);
	return (p->strs[p->nstrs++]);
}

/* A copy of a column, NULL for SQL NULL. */
static const char *
page_keep(struct page_req *p, const PGresult *res, int row, int col)
{
	return (page_keep_str(p, reply_text(res, row, col)));
}

static double
page_double(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return (NAN);
	return (strtod(PQgetvalue(res, row, col), NULL));
}

/* Rows (key, name, unit, period, value), by key then period. */
static void
page_series_cb(struct reply *r, PGresult *res)
{
	struct page_req		*p = reply_data(r);
	struct dashboard_series	*s = NULL;
	struct dashboard_point	*pt;
	int			 row, n = PQntuples(res);

	p->series = xcalloc((size_t)n + 1, sizeof(*p->series));
	p->points = xcalloc((size_t)n + 1, sizeof(*p->points));
	for (row = 0; row < n; row++) {
		if (s == NULL || strcmp(s->key, PQgetvalue(res, row, 0)) != 0) {
			s = &p->series[p->nseries++];
			s->key = page_keep(p, res, row, 0);
			s->name = page_keep(p, res, row, 1);
			s->unit = page_keep(p, res, row, 2);
			s->points = &p->points[row];
		}
		if (PQgetisnull(res, row, 3))
			continue;
		pt = &p->points[row];
		pt->period = reply_int(res, row, 3);
		pt->value = page_double(res, row, 4);
		s->npoints++;
	}
}

/* Rows (series, rule, severity, from, to); to NULL: still firing. */
static void
page_spans_cb(struct reply *r, PGresult *res)
{
	struct page_req		*p = reply_data(r);
	struct page_span	*sp;
	int			 row, n = PQntuples(res);

	p->spans = xcalloc((size_t)n + 1, sizeof(*p->spans));
	for (row = 0; row < n; row++) {
		sp = &p->spans[p->nspans++];
		sp->series = page_keep(p, res, row, 0);
		sp->span.rule = page_keep(p, res, row, 1);
		sp->span.severity = page_keep(p, res, row, 2);
		sp->span.from = reply_int(res, row, 3);
		sp->span.to = PQgetisnull(res, row, 4) ? INT64_MAX :
		    reply_int(res, row, 4);
	}
}

static void
page_events_cb(struct reply *r, PGresult *res)
{
	struct page_req		*p = reply_data(r);
	struct dashboard_event	*e;
	int			 row, n = PQntuples(res);

	p->events = xcalloc((size_t)n + 1, sizeof(*p->events));
	for (row = 0; row < n; row++) {
		e = &p->events[p->nevents++];
		e->id = reply_int(res, row, 0);
		e->date = reply_int(res, row, 1);
		e->jurisdiction = page_keep(p, res, row, 2);
		e->action = page_keep(p, res, row, 3);
		e->instrument = page_keep(p, res, row, 4);
		e->direction = (int)reply_int(res, row, 5);
		e->source_url = page_keep(p, res, row, 6);
	}
}

static void
page_alerts_cb(struct reply *r, PGresult *res)
{
	struct page_req		*p = reply_data(r);
	struct dashboard_alert	*a;
	int			 row, n = PQntuples(res);

	p->alerts = xcalloc((size_t)n + 1, sizeof(*p->alerts));
	for (row = 0; row < n; row++) {
		a = &p->alerts[p->nalerts++];
		a->rule = page_keep(p, res, row, 0);
		a->series = page_keep(p, res, row, 1);
		a->severity = page_keep(p, res, row, 2);
		a->state = page_keep(p, res, row, 3);
		a->since = reply_int(res, row, 4);
		a->summary = page_keep(p, res, row, 5);
		a->value = page_double(res, row, 6);
		a->threshold = page_double(res, row, 7);
		a->baseline = page_double(res, row, 8);
		a->unit = page_keep(p, res, row, 9);
		a->event = page_keep(p, res, row, 10);
		a->event_url = page_keep(p, res, row, 11);
		a->silenced = PQgetvalue(res, row, 12)[0] == 't';
		a->fingerprint = page_keep(p, res, row, 13);
		a->metric = page_double(res, row, 14);
		a->has_metric = !isnan(a->metric) && a->metric != a->value;
	}
}

/* Rows (feed, last start, last success, last error) by feed name. */
static void
page_feeds_cb(struct reply *r, PGresult *res)
{
	struct page_req		*p = reply_data(r);
	struct dashboard_feed	*f;
	const char		*name;
	size_t			 i;
	int			 row;

	for (row = 0; row < PQntuples(res); row++) {
		name = PQgetvalue(res, row, 0);
		for (i = 0; i < p->nfeeds; i++) {
			f = &p->feeds[i];
			if (strcmp(f->name, name) != 0)
				continue;
			f->last_run = reply_int(res, row, 1);
			f->last_success = reply_int(res, row, 2);
			f->last_error = page_keep(p, res, row, 3);
		}
	}
}

/* Attaches to each series its spans (sorted by series, so adjacent). */
static void
page_attach_spans(struct page_req *p)
{
	struct dashboard_span	*flat;
	size_t			 i, j, k;

	flat = p->flat = xcalloc(p->nspans + 1, sizeof(*flat));
	for (i = 0; i < p->nspans; i++)
		flat[i] = p->spans[i].span;
	for (i = 0; i < p->nseries; i++) {
		for (j = 0; j < p->nspans; j++)
			if (strcmp(p->spans[j].series, p->series[i].key) == 0)
				break;
		for (k = j; k < p->nspans &&
		    strcmp(p->spans[k].series, p->series[i].key) == 0; k++)
			;
		p->series[i].spans = j < p->nspans ? &flat[j] : NULL;
		p->series[i].nspans = k - j;
	}
}

/* The scheduler knows better than the table about this process's runs. */
static void
page_merge_scheduler(struct page_req *p)
{
	struct scheduler_feed_status	 st;
	struct dashboard_feed		*f;
	size_t				 i, j;

	for (i = 0; scheduler_feed_status(p->src->scheduler, i, &st) == 0;
	    i++) {
		for (j = 0; j < p->nfeeds; j++) {
			f = &p->feeds[j];
			if (strcmp(f->name, st.name) != 0)
				continue;
			f->next_due = st.next_due;
			if (st.last_run >= f->last_run && st.last_run > 0) {
				f->last_run = st.last_run;
				f->last_error = *st.last_error != '\0' ?
				    page_keep_str(p, st.last_error) : NULL;
			}
			if (st.last_success > f->last_success)
				f->last_success = st.last_success;
		}
	}
}

static void
page_index_done(struct reply *r)
{
	struct page_req		*p = reply_data(r);
	struct dashboard_data	 d;
	char			*html;
	size_t			 len;

	page_attach_spans(p);
	page_merge_scheduler(p);
	memset(&d, 0, sizeof(d));
	d.now = page_now();
	d.version = POTASHD_VERSION;
	d.series = p->series;
	d.nseries = p->nseries;
	d.events = p->events;
	d.nevents = p->nevents;
	d.alerts = p->alerts;
	d.nalerts = p->nalerts;
	d.feeds = p->feeds;
	d.nfeeds = p->nfeeds;
	html = dashboard_render(&d, &len);
	reply_send(r, 200, "text/html; charset=utf-8", html, len, 1);
	free(html);
}

/* A text[] literal of the names: {"a","b\"c"}. */
static char *
page_array(const struct page_req *p)
{
	char	*s, *o;
	size_t	 i, len = 3;
	const char *c;

	for (i = 0; i < p->nfeeds; i++)
		len += 2 * strlen(p->feeds[i].name) + 3;
	s = o = xmalloc(len);
	*o++ = '{';
	for (i = 0; i < p->nfeeds; i++) {
		if (i > 0)
			*o++ = ',';
		*o++ = '"';
		for (c = p->feeds[i].name; *c != '\0'; c++) {
			if (*c == '"' || *c == '\\')
				*o++ = '\\';
			*o++ = *c;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return (s);
}

static const char page_events_sql[] =
    "SELECT id, " PAGE_US("COALESCE(effective_on, announced_on)::timestamp")
    ", jurisdiction, action, instrument, direction, source_url FROM "
    "potash.sanctions_events ORDER BY COALESCE(effective_on, announced_on), "
    "id LIMIT " PAGE_EVENTS_MAX;

/* Firing periods: from a transition to firing to the next transition of
 * the same alert.  $1: the series keys wanted, as a subquery. */
#define PAGE_SPANS_SQL(where) \
    "SELECT series, rule, severity, " PAGE_US("at") ", " \
    PAGE_US("next_at") " FROM (SELECT t.series, t.rule, t.severity, " \
    "t.to_state, t.at, lead(t.at) OVER (PARTITION BY t.alert_id ORDER BY " \
    "t.seq) AS next_at FROM potash.alert_transitions t WHERE " where \
    ") x WHERE to_state = 'firing' ORDER BY series, at LIMIT " \
    PAGE_SPANS_MAX

void
page_index(struct reply *r, const struct web_sources *src,
    const struct config *c)
{
	struct page_req	*p;
	const char	*params[1];
	char		*names, limit[16];
	size_t		 i;

	p = xcalloc(1, sizeof(*p));
	p->src = src;
	reply_set_data(r, p, page_req_free);
	reply_on_done(r, page_index_done);
	p->feeds = xcalloc(c->nfeeds + 1, sizeof(*p->feeds));
	for (i = 0; i < c->nfeeds; i++) {
		p->feeds[i].name = page_keep_str(p, c->feeds[i].name);
		p->feeds[i].enabled = c->feeds[i].enabled;
	}
	p->nfeeds = c->nfeeds;

	snprintf(limit, sizeof(limit), "%d", PAGE_POINTS_MAX);
	params[0] = limit;
	if (reply_query(r, "SELECT s.key, s.name, s.unit, "
	    PAGE_US("p.period") ", p.value::float8 FROM (SELECT id, key, "
	    "name, unit FROM potash.series ORDER BY key LIMIT "
	    PAGE_STR(PAGE_SERIES_MAX) ") s LEFT JOIN LATERAL (SELECT "
	    "c.period, c.value FROM potash.observations_current c WHERE "
	    "c.series_id = s.id ORDER BY c.period DESC LIMIT $1::int) p ON "
	    "true ORDER BY s.key, p.period", 1, params, page_series_cb) == -1)
		return;
	if (reply_query(r, PAGE_SPANS_SQL("t.series IN (SELECT key FROM "
	    "potash.series ORDER BY key LIMIT " PAGE_STR(PAGE_SERIES_MAX) ")"),
	    0, NULL, page_spans_cb) == -1)
		return;
	if (reply_query(r, page_events_sql, 0, NULL, page_events_cb) == -1)
		return;
	if (reply_query(r, "SELECT a.rule, a.series, a.severity, a.state, "
	    PAGE_US("a.since") ", a.annotations->>'summary', a.value, "
	    "a.threshold, a.baseline, s.unit, a.event, a.event_source, "
	    "a.silenced, a.fingerprint, a.metric FROM potash.alerts_now a "
	    "LEFT JOIN potash.series s ON s.key = a.series WHERE a.state IN "
	    "('firing', "
	    "'pending') OR "
	    "(a.state = 'resolved' AND a.since > now() - interval '7 days') "
	    "ORDER BY CASE a.state WHEN 'firing' THEN 0 WHEN 'pending' THEN 1 "
	    "ELSE 2 END, a.since DESC LIMIT " PAGE_ALERTS_MAX, 0, NULL,
	    page_alerts_cb) == -1)
		return;
	names = page_array(p);
	params[0] = names;
	(void)reply_query(r, "SELECT n, (SELECT " PAGE_US("max(started_at)")
	    " FROM potash.feed_runs r WHERE r.feed = n), (SELECT "
	    PAGE_US("max(finished_at)") " FROM potash.feed_runs r WHERE "
	    "r.feed = n AND r.error IS NULL), (SELECT r.error FROM "
	    "potash.feed_runs r WHERE r.feed = n ORDER BY r.started_at DESC "
	    "LIMIT 1) FROM unnest($1::text[]) AS n", 1, params,
	    page_feeds_cb);
	free(names);
}

static void
page_chart_done(struct reply *r)
{
	struct page_req	*p = reply_data(r);
	char		*svg;
	size_t		 len;

	if (p->nseries == 0) {
		reply_error(r, 404, NULL, "no series with this key");
		return;
	}
	page_attach_spans(p);
	svg = dashboard_chart_svg(&p->series[0], p->events, p->nevents,
	    page_now(), &len);
	reply_send(r, 200, "image/svg+xml", svg, len, 1);
	free(svg);
}

void
page_chart(struct reply *r, const char *key)
{
	struct page_req	*p;
	const char	*params[2];
	char		 limit[16];

	p = xcalloc(1, sizeof(*p));
	reply_set_data(r, p, page_req_free);
	reply_on_done(r, page_chart_done);
	snprintf(limit, sizeof(limit), "%d", PAGE_CHART_POINTS_MAX);
	params[0] = key;
	params[1] = limit;
	if (reply_query(r, "SELECT s.key, s.name, s.unit, "
	    PAGE_US("p.period") ", p.value::float8 FROM potash.series s "
	    "LEFT JOIN LATERAL (SELECT c.period, c.value FROM "
	    "potash.observations_current c WHERE c.series_id = s.id ORDER BY "
	    "c.period DESC LIMIT $2::int) p ON true WHERE s.key = $1 "
	    "ORDER BY p.period", 2, params, page_series_cb) == -1)
		return;
	if (reply_query(r, PAGE_SPANS_SQL("t.series = $1"), 1, params,
	    page_spans_cb) == -1)
		return;
	(void)reply_query(r, page_events_sql, 0, NULL, page_events_cb);
}

/* The alert's row: alertpage_data without the arrays. */
static void
page_alert_cb(struct reply *r, PGresult *res)
{
	struct page_req		*p = reply_data(r);
	struct alertpage_data	*a;

	if (PQntuples(res) != 1)
		return;
	a = p->alert = xcalloc(1, sizeof(*a));
	a->fingerprint = page_keep(p, res, 0, 0);
	a->rule = page_keep(p, res, 0, 1);
	a->kind = page_keep(p, res, 0, 2);
	a->severity = page_keep(p, res, 0, 3);
	a->state = page_keep(p, res, 0, 4);
	a->since = reply_int(res, 0, 5);
	a->updated = reply_int(res, 0, 6);
	a->series = page_keep(p, res, 0, 7);
	a->series_name = page_keep(p, res, 0, 8);
	a->unit = page_keep(p, res, 0, 9);
	a->value = page_double(res, 0, 10);
	a->metric = page_double(res, 0, 11);
	a->threshold = page_double(res, 0, 12);
	a->baseline = page_double(res, 0, 13);
	a->baseline_from = reply_int(res, 0, 14);
	a->baseline_to = reply_int(res, 0, 15);
	a->baseline_n = (long)reply_int(res, 0, 16);
	a->event = page_keep(p, res, 0, 17);
	a->event_url = page_keep(p, res, 0, 18);
	a->flapping = PQgetvalue(res, 0, 19)[0] == 't';
	a->silenced = PQgetvalue(res, 0, 20)[0] == 't';
	a->rule_active = PQgetvalue(res, 0, 21)[0] == 't';
	a->ntransitions_all = (size_t)reply_int(res, 0, 22);
}

/* Rows (group, name, value) by group: 0 labels, 1 annotations, 2 rule. */
static void
page_pairs_cb(struct reply *r, PGresult *res)
{
	struct page_req		*p = reply_data(r);
	struct alertpage_pair	*pr;
	int64_t			 g;
	int			 row, n = PQntuples(res);

	p->pairs = xcalloc((size_t)n + 1, sizeof(*p->pairs));
	for (row = 0; row < n; row++) {
		g = reply_int(res, row, 0);
		if (g < 0 || g > 2)
			continue;
		pr = &p->pairs[p->npairs[0] + p->npairs[1] + p->npairs[2]];
		pr->name = page_keep(p, res, row, 1);
		pr->value = page_keep(p, res, row, 2);
		p->npairs[g]++;
	}
}

static void
page_transitions_cb(struct reply *r, PGresult *res)
{
	struct page_req			*p = reply_data(r);
	struct alertpage_transition	*t;
	int				 row, n = PQntuples(res);

	p->transitions = xcalloc((size_t)n + 1, sizeof(*p->transitions));
	for (row = 0; row < n; row++) {
		t = &p->transitions[row];
		t->seq = (long)reply_int(res, row, 0);
		t->at = reply_int(res, row, 1);
		t->from = page_keep(p, res, row, 2);
		t->to = page_keep(p, res, row, 3);
		t->reason = page_keep(p, res, row, 4);
		t->value = page_double(res, row, 5);
		t->metric = page_double(res, row, 6);
		t->threshold = page_double(res, row, 7);
		t->baseline = page_double(res, row, 8);
		t->event = page_keep(p, res, row, 9);
		t->silenced = PQgetvalue(res, row, 10)[0] == 't';
		t->flapping = PQgetvalue(res, row, 11)[0] == 't';
	}
	p->ntransitions = (size_t)n;
}

/* Rows (seq, period, value, known_at) of the latest evidence. */
static void
page_evidence_cb(struct reply *r, PGresult *res)
{
	struct page_req			*p = reply_data(r);
	struct alertpage_evidence	*e;
	int				 row, n = PQntuples(res);

	p->evidence = xcalloc((size_t)n + 1, sizeof(*p->evidence));
	for (row = 0; row < n; row++) {
		e = &p->evidence[row];
		p->evidence_seq = (long)reply_int(res, row, 0);
		e->period = reply_int(res, row, 1);
		e->value = page_double(res, row, 2);
		e->known_at = reply_int(res, row, 3);
	}
	p->nevidence = (size_t)n;
}

static void
page_send_html(struct reply *r, int status, char *html, size_t len)
{
	reply_send(r, status, "text/html; charset=utf-8", html, len, 1);
	free(html);
}

static void
page_alert_done(struct reply *r)
{
	struct page_req		*p = reply_data(r);
	struct alertpage_data	*a = p->alert;
	char			*html;
	size_t			 len;

	if (a == NULL) {
		html = alertpage_error(404, "No alert with this fingerprint: "
		    "it may belong to another database, or the link is wrong.",
		    p->fingerprint, &len);
		page_send_html(r, 404, html, len);
		return;
	}
	page_attach_spans(p);
	a->now = page_now();
	a->version = POTASHD_VERSION;
	a->labels = p->pairs;
	a->nlabels = p->npairs[0];
	a->annotations = p->pairs + p->npairs[0];
	a->nannotations = p->npairs[1];
	a->definition = p->pairs + p->npairs[0] + p->npairs[1];
	a->ndefinition = p->npairs[2];
	a->evidence = p->evidence;
	a->nevidence = p->nevidence;
	a->evidence_seq = p->evidence_seq;
	a->transitions = p->transitions;
	a->ntransitions = p->ntransitions;
	a->chart = p->nseries > 0 ? &p->series[0] : NULL;
	a->events = p->events;
	a->nevents = p->nevents;
	html = alertpage_render(a, &len);
	page_send_html(r, 200, html, len);
}

char *
page_alert_key(struct reply *r, const char *raw)
{
	char	*fp, *html;
	size_t	 len;

	fp = reply_decode(raw, strlen(raw), 0);
	if (fp != NULL && dashboard_fingerprint_ok(fp))
		return (fp);
	html = alertpage_error(400, "Not an alert fingerprint: expected 16 "
	    "lowercase hexadecimal digits.", fp != NULL ? fp : raw, &len);
	free(fp);
	page_send_html(r, 400, html, len);
	return (NULL);
}

/* The alert of $1, found through its id (alert_transitions' index). */
#define PAGE_ALERT_ID \
    "(SELECT id FROM potash.alerts WHERE fingerprint = $1)"
/* A jsonb column as an object: jsonb_each_text fails on anything else. */
#define PAGE_OBJECT(x) \
    "CASE WHEN jsonb_typeof(" x ") = 'object' THEN " x " ELSE '{}' END"

void
page_alert(struct reply *r, const char *fingerprint)
{
	struct page_req	*p;
	const char	*params[2];
	char		 limit[16];

	p = xcalloc(1, sizeof(*p));
	reply_set_data(r, p, page_req_free);
	reply_on_done(r, page_alert_done);
	p->fingerprint = page_keep_str(p, fingerprint);
	snprintf(limit, sizeof(limit), "%d", PAGE_POINTS_MAX);
	params[0] = fingerprint;
	params[1] = limit;
	if (reply_query(r, "SELECT a.fingerprint, a.rule, a.kind, a.severity, "
	    "a.state, " PAGE_US("a.since") ", " PAGE_US("a.updated_at") ", "
	    "a.series, s.name, s.unit, a.value, a.metric, a.threshold, "
	    "a.baseline, " PAGE_US("a.baseline_from") ", "
	    PAGE_US("a.baseline_to") ", a.baseline_n, a.event, "
	    "a.event_source, a.flapping, a.silenced, a.rule_active, (SELECT "
	    "count(*) FROM potash.alert_transitions t WHERE t.alert_id = "
	    "a.id) FROM potash.alerts_now a LEFT JOIN potash.series s ON "
	    "s.key = a.series WHERE a.fingerprint = $1", 1, params,
	    page_alert_cb) == -1)
		return;
	if (reply_query(r, "SELECT 0, l.key, l.value FROM potash.alerts a, "
	    "jsonb_each_text(" PAGE_OBJECT("a.labels") ") l WHERE "
	    "a.fingerprint = $1 UNION ALL SELECT 1, n.key, n.value FROM "
	    "potash.alerts a, jsonb_each_text(" PAGE_OBJECT("a.annotations")
	    ") n WHERE a.fingerprint = $1 UNION ALL SELECT 2, d.key, d.value "
	    "FROM potash.alerts a JOIN potash.rules u ON u.name = a.rule, "
	    "jsonb_each_text(" PAGE_OBJECT("u.definition") ") d WHERE "
	    "a.fingerprint = $1 ORDER BY 1, 2", 1, params,
	    page_pairs_cb) == -1)
		return;
	if (reply_query(r, "SELECT seq, " PAGE_US("at") ", from_state, "
	    "to_state, reason, value, metric, threshold, baseline, event, "
	    "silenced, flapping FROM potash.alert_transitions WHERE alert_id "
	    "= " PAGE_ALERT_ID " ORDER BY seq DESC LIMIT " PAGE_HISTORY_MAX,
	    1, params, page_transitions_cb) == -1)
		return;
	if (reply_query(r, "SELECT t.seq, "
	    PAGE_US("(e.x->>'period')::timestamptz") ", "
	    "(e.x->>'value')::float8, "
	    PAGE_US("(e.x->>'known_at')::timestamptz") " FROM (SELECT seq, "
	    "evidence FROM potash.alert_transitions WHERE alert_id = "
	    PAGE_ALERT_ID " AND jsonb_typeof(evidence) = 'array' AND "
	    "evidence <> '[]' ORDER BY seq DESC LIMIT 1) t CROSS JOIN "
	    "LATERAL jsonb_array_elements(t.evidence) WITH ORDINALITY AS "
	    "e(x, n) ORDER BY e.n", 1, params, page_evidence_cb) == -1)
		return;
	/* The points nearest the alert's last change: "around it". */
	if (reply_query(r, "SELECT s.key, s.name, s.unit, "
	    PAGE_US("p.period") ", p.value::float8 FROM potash.alerts a JOIN "
	    "potash.series s ON s.key = a.series LEFT JOIN LATERAL (SELECT "
	    "c.period, c.value FROM potash.observations_current c WHERE "
	    "c.series_id = s.id ORDER BY abs(extract(epoch FROM c.period) - "
	    "extract(epoch FROM a.since)), c.period DESC LIMIT $2::int) p ON "
	    "true WHERE a.fingerprint = $1 ORDER BY p.period", 2, params,
	    page_series_cb) == -1)
		return;
	if (reply_query(r, PAGE_SPANS_SQL("t.alert_id = " PAGE_ALERT_ID), 1,
	    params, page_spans_cb) == -1)
		return;
	(void)reply_query(r, page_events_sql, 0, NULL, page_events_cb);
}
