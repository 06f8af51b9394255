/* SPDX-License-Identifier: ISC */
/*
 * dashboard: the page served at "/"; see dashboard.h.
 *
 * Owns the page's layout and the CSS of every page of the site (the
 * alert pages of alertpage.c share the head and the stylesheet, so they
 * look alike); the charts come from svg.c and every piece of text goes
 * through html.c, so nothing from the data reaches the page unescaped
 * and only http(s) URLs become links, besides the relative links to the
 * alert pages, made only of a checked fingerprint.  The markup is also
 * well-formed XML (void elements closed with "/>", no named entities
 * beyond the XML five), which lets tests check it with two independent
 * parsers.  The page holds no script and loads nothing: inline <style>
 * and inline <svg> only, so a CSP of default-src 'none' and
 * style-src 'unsafe-inline' shows it whole.  It reloads itself every
 * DASHBOARD_REFRESH seconds with a meta refresh.
 *
 * Output depends on the data only: alerts are ordered by state,
 * severity, then their order in the data; events latest first;
 * everything else keeps the order given.  A person reads it top down:
 * counts, alerts, one card per series, the events, the feeds' health.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xmalloc.h"
#include "web/dashboard.h"
#include "web/html.h"
#include "web/svg.h"

#define DASHBOARD_REFRESH	300
#define DASHBOARD_STALE		INT64_C(3600000000)	/* past next_due */
#define DASHBOARD_FINGERPRINT_LEN	16

/* In pieces: C17 promises no string literal past 4095 bytes. */
static const char *const dashboard_css[] = {
":root{--page:#f2f4f7;--border:#dde2ea;--soft:#f7f8fa;--link:#1f5fa8}\n",
"@media (prefers-color-scheme:dark){:root{--page:#11151b;"
"--border:#2b323d;--soft:#20262f;--link:#7ab2f0}}\n",
"*{box-sizing:border-box}\n",
"html{background:var(--page)}\n",
"body{margin:0 auto;max-width:1280px;padding:20px 24px 40px;"
"font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,"
"\"Helvetica Neue\",Arial,sans-serif;color:var(--ink);"
"background:var(--page)}\n",
"a{color:var(--link)}\n",
"code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"
"monospace;overflow-wrap:anywhere}\n",
".top{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 14px;"
"padding-bottom:14px;border-bottom:1px solid var(--border)}\n",
"h1{font-size:24px;margin:0;letter-spacing:.01em}\n",
".meta{color:var(--muted);margin:0}\n",
".chips{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0 0;"
"padding:0;list-style:none;width:100%}\n",
".chip{border:1px solid var(--border);background:var(--card);"
"border-radius:999px;padding:3px 12px;font-size:13px}\n",
".chip b{font-variant-numeric:tabular-nums}\n",
".chip.bad{border-color:var(--crit);color:var(--crit)}\n",
".chip.warn{border-color:var(--warn);color:var(--warn)}\n",
"section{margin-top:26px}\n",
"h2{font-size:17px;margin:0 0 10px}\n",
".panel{background:var(--card);border:1px solid var(--border);"
"border-radius:8px;overflow-x:auto}\n",
"table{border-collapse:collapse;width:100%}\n",
"th,td{text-align:left;vertical-align:top;padding:8px 12px;"
"border-bottom:1px solid var(--border)}\n",
"th{font-size:11.5px;font-weight:600;text-transform:uppercase;"
"letter-spacing:.05em;color:var(--muted);background:var(--soft);"
"white-space:nowrap}\n",
"tbody tr:last-child td{border-bottom:0}\n",
".sub{display:block;color:var(--muted);font-size:12px}\n",
".num{font-variant-numeric:tabular-nums;white-space:nowrap}\n",
".nowrap{white-space:nowrap}\n",
".none{color:var(--muted)}\n",
".empty{margin:0;padding:14px 16px;color:var(--muted)}\n",
".badge{display:inline-block;border-radius:999px;padding:1px 9px;"
"font-size:11.5px;font-weight:700;letter-spacing:.04em;"
"text-transform:uppercase;color:#fff;background:var(--info);"
"border:1px solid transparent;white-space:nowrap}\n",
".badge.sev-critical{background:var(--crit)}\n",
".badge.sev-warning{background:var(--warn)}\n",
".badge.st-pending{background:transparent;color:var(--ink);"
"border-style:dashed;border-color:currentColor}\n",
".badge.st-pending.sev-critical{color:var(--crit)}\n",
".badge.st-pending.sev-warning{color:var(--warn)}\n",
".badge.st-pending.sev-info{color:var(--info)}\n",
".badge.st-resolved{background:transparent;color:var(--muted);"
"border-color:var(--border)}\n",
".badge.muted{background:var(--muted)}\n",
"tr.silenced td{opacity:.62}\n",
"tr.row-failed td{background:rgba(198,40,40,.08)}\n",
"tr.row-stale td{background:rgba(217,129,0,.10)}\n",
".status{font-weight:700;white-space:nowrap}\n",
".status-ok{color:var(--ease)}\n",
".status-failed{color:var(--crit)}\n",
".status-stale{color:var(--warn)}\n",
".status-off{color:var(--muted)}\n",
".err{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"
"monospace;color:var(--crit);overflow-wrap:anywhere}\n",
".legend{display:flex;flex-wrap:wrap;gap:6px 18px;margin:0 0 12px;"
"color:var(--muted);font-size:12.5px}\n",
".key{display:inline-block;vertical-align:-2px;margin-right:6px}\n",
".key-line{height:14px;border-left:2px dashed}\n",
".key-tighten{border-color:var(--tight)}\n",
".key-ease{border-color:var(--ease)}\n",
".key-box{width:16px;height:12px;opacity:.4;border-radius:2px}\n",
".key-box.sev-critical{background:var(--crit)}\n",
".key-box.sev-warning{background:var(--warn)}\n",
".cards{display:grid;gap:16px;"
"grid-template-columns:repeat(auto-fill,minmax(min(100%,560px),1fr))}\n",
".card{background:var(--card);border:1px solid var(--border);"
"border-radius:8px;padding:14px 16px 10px;min-width:0}\n",
".card-head{display:flex;justify-content:space-between;gap:12px;"
"align-items:flex-start}\n",
".card h3{font-size:15px;margin:0 0 2px}\n",
".latest{text-align:right;white-space:nowrap}\n",
".latest b{font-size:20px;font-variant-numeric:tabular-nums}\n",
".up,.down{color:var(--ink);font-weight:600}\n",
".firing{margin:8px 0 0;display:flex;flex-wrap:wrap;gap:6px}\n",
".chart{display:block;width:100%;height:auto;margin-top:8px}\n",
".dir{font-weight:600;white-space:nowrap}\n",
".dir::before{content:\"\";display:inline-block;height:12px;"
"margin-right:6px;vertical-align:-2px;border-left:2px dashed}\n",
".dir-tighten{color:var(--tight)}\n",
".dir-ease{color:var(--ease)}\n",
".dir-other{color:var(--other)}\n",
".foot{margin:4px 0 0;color:var(--muted);font-size:12px}\n",
"footer{margin-top:30px;color:var(--muted);font-size:12px}\n",
".back{margin:0;width:100%}\n",
"table.facts th{width:13em;text-transform:none;letter-spacing:0;"
"font-size:13px;background:var(--soft)}\n",
".pairs td:first-child{white-space:nowrap}\n",
"tr.current td{background:var(--soft)}\n",
".card.solo{max-width:780px}\n",
};

static int
dashboard_sev_rank(const char *sev)
{
	static const char *const	order[] = { "critical", "warning",
	    "info" };
	int				i;

	for (i = 0; i < 3; i++)
		if (sev != NULL && strcmp(sev, order[i]) == 0)
			return (i);
	return (3);
}

static int
dashboard_state_rank(const char *st)
{
	static const char *const	order[] = { "firing", "pending",
	    "resolved" };
	int				i;

	for (i = 0; i < 3; i++)
		if (st != NULL && strcmp(st, order[i]) == 0)
			return (i);
	return (3);
}

static int
dashboard_state_is(const char *st, const char *want)
{
	return (st != NULL && strcmp(st, want) == 0);
}

static void
dashboard_number_unit(struct buf *b, double v, const char *unit)
{
	html_number(b, v);
	if (unit != NULL && !isnan(v)) {
		html_raw(b, " ");
		html_text(b, unit);
	}
}

/* Appends a time cell's content: the time and, below, how long ago. */
static void
dashboard_when(struct buf *b, int64_t t, int64_t now, const char *none)
{
	if (t == 0) {
		html_raw(b, "<span class=\"none\">");
		html_text(b, none);
		html_raw(b, "</span>");
		return;
	}
	html_raw(b, "<span class=\"nowrap\">");
	html_datetime(b, t);
	html_raw(b, "</span><span class=\"sub\">");
	html_ago(b, t, now);
	html_raw(b, "</span>");
}

const char *
dashboard_feed_status(const struct dashboard_feed *f, int64_t now)
{
	if (!f->enabled)
		return ("disabled");
	if (f->last_run == 0)
		return ("never run");
	if (f->last_error != NULL || f->last_success == 0)
		return ("failed");
	if (f->next_due != 0 && (double)now - (double)f->next_due >
	    (double)DASHBOARD_STALE)
		return ("stale");
	return ("ok");
}

int
dashboard_fingerprint_ok(const char *s)
{
	size_t	i;

	if (s == NULL || strlen(s) != DASHBOARD_FINGERPRINT_LEN)
		return (0);
	for (i = 0; i < DASHBOARD_FINGERPRINT_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return (0);
	return (1);
}

void
dashboard_head(struct buf *b, const char *title, int refresh)
{
	size_t	i;

	html_raw(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\"/>\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\"/>\n"
	    "<meta name=\"referrer\" content=\"no-referrer\"/>\n"
	    "<meta name=\"color-scheme\" content=\"light dark\"/>\n");
	if (refresh > 0)
		buf_printf(b, "<meta http-equiv=\"refresh\" content=\"%d\"/>"
		    "\n", refresh);
	html_raw(b, "<title>");
	html_text(b, title);
	html_raw(b, "</title>\n<style>\n");
	svg_style(b);
	for (i = 0; i < sizeof(dashboard_css) / sizeof(dashboard_css[0]); i++)
		html_raw(b, dashboard_css[i]);
	html_raw(b, "</style>\n</head>\n<body>\n");
}

/* The title line and a row of counts that say whether all is well. */
static void
dashboard_header(struct buf *b, const struct dashboard_data *d)
{
	size_t		i, firing = 0, pending = 0, failed = 0, stale = 0;
	const char	*st;

	for (i = 0; i < d->nalerts; i++) {
		firing += dashboard_state_is(d->alerts[i].state, "firing");
		pending += dashboard_state_is(d->alerts[i].state, "pending");
	}
	for (i = 0; i < d->nfeeds; i++) {
		st = dashboard_feed_status(&d->feeds[i], d->now);
		failed += strcmp(st, "failed") == 0;
		stale += strcmp(st, "stale") == 0;
	}
	html_raw(b, "<header class=\"top\">\n<h1>potashd</h1>\n"
	    "<p class=\"meta\">version ");
	html_text(b, d->version != NULL ? d->version : "unknown");
	html_raw(b, " \xc2\xb7 as of ");
	html_datetime(b, d->now);
	html_raw(b, "</p>\n<ul class=\"chips\">\n");
	buf_printf(b, "<li class=\"chip%s\"><b>%zu</b> firing</li>\n",
	    firing > 0 ? " bad" : "", firing);
	buf_printf(b, "<li class=\"chip%s\"><b>%zu</b> pending</li>\n",
	    pending > 0 ? " warn" : "", pending);
	buf_printf(b, "<li class=\"chip\"><b>%zu</b> series</li>\n",
	    d->nseries);
	buf_printf(b, "<li class=\"chip\"><b>%zu</b> feeds</li>\n",
	    d->nfeeds);
	if (failed > 0)
		buf_printf(b, "<li class=\"chip bad\"><b>%zu</b> failing"
		    "</li>\n", failed);
	if (stale > 0)
		buf_printf(b, "<li class=\"chip warn\"><b>%zu</b> stale"
		    "</li>\n", stale);
	html_raw(b, "</ul>\n</header>\n");
}

/* The index of the series with key k, or -1. */
static long
dashboard_series_index(const struct dashboard_data *d, const char *k)
{
	size_t	i;

	for (i = 0; k != NULL && i < d->nseries; i++)
		if (d->series[i].key != NULL &&
		    strcmp(d->series[i].key, k) == 0)
			return ((long)i);
	return (-1);
}

struct dashboard_order {
	const struct dashboard_alert	*a;
	size_t				 i;
};

static int
dashboard_cmp_alert(const void *x, const void *y)
{
	const struct dashboard_order	*p = x, *q = y;
	int				 r;

	if ((r = dashboard_state_rank(p->a->state) -
	    dashboard_state_rank(q->a->state)) != 0)
		return (r);
	if ((r = dashboard_sev_rank(p->a->severity) -
	    dashboard_sev_rank(q->a->severity)) != 0)
		return (r);
	return ((p->i > q->i) - (p->i < q->i));
}

void
dashboard_event_cell(struct buf *b, const char *event, const char *url)
{
	if (event == NULL) {
		html_raw(b, "<span class=\"none\">\xe2\x80\x94</span>");
		return;
	}
	html_text(b, event);
	if (url != NULL) {
		html_raw(b, "<span class=\"sub\">source: ");
		html_link(b, url, NULL);
		html_raw(b, "</span>");
	}
}

static void
dashboard_alert_row(struct buf *b, const struct dashboard_data *d,
    const struct dashboard_alert *a)
{
	long	k;
	int	compared;

	buf_printf(b, "<tr%s>\n<td><span class=\"badge %s st-%s\">",
	    a->silenced ? " class=\"silenced\"" : "",
	    svg_severity(a->severity),
	    dashboard_state_is(a->state, "firing") ? "firing" :
	    dashboard_state_is(a->state, "pending") ? "pending" :
	    "resolved");
	html_text(b, a->state != NULL ? a->state : "unknown");
	html_raw(b, "</span><span class=\"sub\">");
	html_text(b, a->severity != NULL ? a->severity : "no severity");
	html_raw(b, "</span></td>\n<td><b>");
	/* Relative, so that it also works behind a path prefix. */
	if (dashboard_fingerprint_ok(a->fingerprint)) {
		buf_printf(b, "<a class=\"alert-link\" href=\"alerts/%s\">",
		    a->fingerprint);
		html_text(b, a->rule);
		html_raw(b, "</a>");
	} else
		html_text(b, a->rule);
	html_raw(b, "</b><span class=\"sub\">");
	if ((k = dashboard_series_index(d, a->series)) >= 0)
		buf_printf(b, "<a href=\"#s-%ld\"><code>", k);
	else
		html_raw(b, "<code>");
	html_text(b, a->series);
	html_raw(b, k >= 0 ? "</code></a>" : "</code>");
	html_raw(b, "</span></td>\n<td>");
	dashboard_when(b, a->since, d->now, "unknown");
	html_raw(b, "</td>\n<td><span class=\"num\">");
	if (isnan(a->value))
		html_raw(b, "<span class=\"none\">\xe2\x80\x94</span>");
	else
		dashboard_number_unit(b, a->value, a->unit);
	html_raw(b, "</span>");
	/* A change, a sum or a revision is compared, not the value: the
	 * threshold is in its terms, not the series' unit. */
	if ((compared = a->has_metric)) {
		html_raw(b, "<span class=\"sub num\">compared ");
		dashboard_number_unit(b, a->metric, NULL);
		html_raw(b, "</span>");
	}
	if (!isnan(a->threshold)) {
		html_raw(b, "<span class=\"sub num\">threshold ");
		dashboard_number_unit(b, a->threshold, compared ? NULL :
		    a->unit);
		html_raw(b, "</span>");
	}
	if (!isnan(a->baseline)) {
		html_raw(b, "<span class=\"sub num\">baseline ");
		dashboard_number_unit(b, a->baseline, a->unit);
		html_raw(b, "</span>");
	}
	html_raw(b, "</td>\n<td>");
	if (a->summary != NULL)
		html_text(b, a->summary);
	else
		html_raw(b, "<span class=\"none\">\xe2\x80\x94</span>");
	html_raw(b, "</td>\n<td>");
	dashboard_event_cell(b, a->event, a->event_url);
	html_raw(b, "</td>\n<td>");
	if (a->silenced)
		html_raw(b, "<span class=\"badge muted\">silenced</span>");
	else
		html_raw(b, "<span class=\"none\">no</span>");
	html_raw(b, "</td>\n</tr>\n");
}

static void
dashboard_alerts(struct buf *b, const struct dashboard_data *d)
{
	struct dashboard_order	*o;
	size_t			 i;

	html_panel_open(b, "alerts", "Alerts");
	if (d->nalerts == 0) {
		html_panel_empty(b, "No alerts: every rule is quiet.");
		return;
	}
	o = xreallocarray(NULL, d->nalerts, sizeof(*o));
	for (i = 0; i < d->nalerts; i++) {
		o[i].a = &d->alerts[i];
		o[i].i = i;
	}
	qsort(o, d->nalerts, sizeof(*o), dashboard_cmp_alert);
	html_raw(b, "<table>\n<thead><tr><th>State</th><th>Rule and "
	    "series</th><th>Since</th><th>Value</th><th>Summary</th>"
	    "<th>Sanctions event</th><th>Silenced</th></tr></thead>\n"
	    "<tbody>\n");
	for (i = 0; i < d->nalerts; i++)
		dashboard_alert_row(b, d, o[i].a);
	html_raw(b, "</tbody>\n</table>\n");
	html_panel_close(b);
	free(o);
}

/* The latest value, its period and the change from the one before. */
static void
dashboard_latest(struct buf *b, const struct dashboard_series *s,
    const struct svg_stats *st)
{
	double	pct;

	html_raw(b, "<div class=\"latest\">");
	if (st->n == 0) {
		html_raw(b, "<span class=\"none\">no data yet</span></div>\n");
		return;
	}
	html_raw(b, "<b title=\"");
	html_number(b, st->last_value);
	html_raw(b, "\">");
	html_compact(b, st->last_value);
	html_raw(b, "</b>");
	if (s->unit != NULL) {
		html_raw(b, " ");
		html_text(b, s->unit);
	}
	html_raw(b, "<span class=\"sub\">");
	html_period(b, st->last, st->spacing);
	if (!isnan(st->prev_value) && st->prev_value != 0) {
		pct = (st->last_value - st->prev_value) /
		    fabs(st->prev_value) * 100;
		if (isfinite(pct))
			buf_printf(b, " \xc2\xb7 <span class=\"%s\">%s "
			    "%+.1f%%</span> on previous",
			    pct > 0 ? "up" : pct < 0 ? "down" : "none",
			    pct > 0 ? "\xe2\x96\xb2" : pct < 0 ?
			    "\xe2\x96\xbc" : "=", pct);
	}
	html_raw(b, "</span></div>\n");
}

static void
dashboard_card(struct buf *b, const struct dashboard_data *d, size_t i)
{
	const struct dashboard_series	*s = &d->series[i];
	struct svg_stats		 st;
	size_t				 j, nfiring = 0;

	svg_stats(s, &st);
	buf_printf(b, "<article class=\"card\" id=\"s-%zu\">\n"
	    "<div class=\"card-head\">\n<div>\n<h3>", i);
	html_text(b, s->name != NULL ? s->name : s->key);
	html_raw(b, "</h3>\n");
	if (s->name != NULL) {
		html_raw(b, "<code>");
		html_text(b, s->key);
		html_raw(b, "</code>\n");
	}
	html_raw(b, "</div>\n");
	dashboard_latest(b, s, &st);
	html_raw(b, "</div>\n");
	for (j = 0; j < s->nspans; j++) {
		if (s->spans[j].to != INT64_MAX)
			continue;
		if (nfiring++ == 0)
			html_raw(b, "<p class=\"firing\">");
		buf_printf(b, "<span class=\"badge %s st-firing\">",
		    svg_severity(s->spans[j].severity));
		html_text(b, s->spans[j].rule != NULL ? s->spans[j].rule :
		    "firing");
		html_raw(b, "</span>");
	}
	if (nfiring > 0)
		html_raw(b, "</p>\n");
	svg_chart(b, s, d->events, d->nevents, d->now, i, 0);
	if (st.n > 0) {
		buf_printf(b, "<p class=\"foot\">%zu observation%s, ", st.n,
		    st.n == 1 ? "" : "s");
		html_period(b, st.first, st.spacing);
		html_raw(b, " \xe2\x80\x93 ");
		html_period(b, st.last, st.spacing);
		html_raw(b, "; low ");
		html_compact(b, st.min);
		html_raw(b, ", high ");
		html_compact(b, st.max);
		html_raw(b, "</p>\n");
	}
	html_raw(b, "</article>\n");
}

static void
dashboard_series(struct buf *b, const struct dashboard_data *d)
{
	size_t	i;

	html_raw(b, "<section id=\"series\">\n<h2>Series</h2>\n");
	if (d->nseries == 0) {
		html_raw(b, "<div class=\"panel\"><p class=\"empty\">No "
		    "series yet.</p></div>\n</section>\n");
		return;
	}
	html_raw(b, "<p class=\"legend\">"
	    "<span><span class=\"key key-line key-tighten\"></span>"
	    "sanctions tightened</span>"
	    "<span><span class=\"key key-line key-ease\"></span>"
	    "sanctions eased</span>"
	    "<span><span class=\"key key-box sev-critical\"></span>"
	    "critical alert</span>"
	    "<span><span class=\"key key-box sev-warning\"></span>"
	    "warning alert</span>"
	    "<span>hover a marker or a shaded period for details</span>"
	    "</p>\n<div class=\"cards\">\n");
	for (i = 0; i < d->nseries; i++)
		dashboard_card(b, d, i);
	html_raw(b, "</div>\n</section>\n");
}

struct dashboard_evorder {
	const struct dashboard_event	*e;
	size_t				 i;
};

/* Latest first; ties by id, then by order in the data. */
static int
dashboard_cmp_event(const void *x, const void *y)
{
	const struct dashboard_evorder	*p = x, *q = y;

	if (p->e->date != q->e->date)
		return (p->e->date > q->e->date ? -1 : 1);
	if (p->e->id != q->e->id)
		return (p->e->id > q->e->id ? -1 : 1);
	return ((p->i > q->i) - (p->i < q->i));
}

/* All events, for those who cannot hover a marker (touch screens). */
static void
dashboard_events(struct buf *b, const struct dashboard_data *d)
{
	struct dashboard_evorder	*o;
	const struct dashboard_event	*e;
	size_t				 i;

	if (d->nevents == 0)
		return;
	o = xreallocarray(NULL, d->nevents, sizeof(*o));
	for (i = 0; i < d->nevents; i++) {
		o[i].e = &d->events[i];
		o[i].i = i;
	}
	qsort(o, d->nevents, sizeof(*o), dashboard_cmp_event);
	html_panel_open(b, "events", "Sanctions events");
	html_raw(b, "<table>\n<thead><tr><th>Date</th>"
	    "<th>Direction</th><th>Jurisdiction</th><th>Action</th>"
	    "<th>Instrument</th><th>Source</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < d->nevents; i++) {
		e = o[i].e;
		html_raw(b, "<tr>\n<td class=\"nowrap\">");
		html_date(b, e->date);
		buf_printf(b, "</td>\n<td><span class=\"dir %s\">%s</span>"
		    "</td>\n<td>", e->direction > 0 ? "dir-tighten" :
		    e->direction < 0 ? "dir-ease" : "dir-other",
		    e->direction > 0 ? "tightening" : e->direction < 0 ?
		    "easing" : "other");
		html_text(b, e->jurisdiction);
		html_raw(b, "</td>\n<td>");
		html_text(b, e->action);
		html_raw(b, "</td>\n<td>");
		html_text(b, e->instrument);
		html_raw(b, "</td>\n<td>");
		if (e->source_url != NULL)
			html_link(b, e->source_url, NULL);
		else
			html_raw(b, "<span class=\"none\">\xe2\x80\x94</span>");
		html_raw(b, "</td>\n</tr>\n");
	}
	html_raw(b, "</tbody>\n</table>\n");
	html_panel_close(b);
	free(o);
}

static void
dashboard_feed_row(struct buf *b, const struct dashboard_feed *f,
    int64_t now)
{
	const char	*st = dashboard_feed_status(f, now), *cls, *row;

	cls = "status-ok";
	row = "";
	if (strcmp(st, "failed") == 0) {
		cls = "status-failed";
		row = " class=\"row-failed\"";
	} else if (strcmp(st, "stale") == 0) {
		cls = "status-stale";
		row = " class=\"row-stale\"";
	} else if (strcmp(st, "ok") != 0)
		cls = "status-off";
	buf_printf(b, "<tr%s>\n<td><code>", row);
	html_text(b, f->name);
	buf_printf(b, "</code></td>\n<td><span class=\"status %s\">%s"
	    "</span></td>\n<td>", cls, st);
	dashboard_when(b, f->last_run, now, "never");
	html_raw(b, "</td>\n<td>");
	dashboard_when(b, f->last_success, now, "never");
	html_raw(b, "</td>\n<td>");
	if (f->last_error != NULL) {
		html_raw(b, "<span class=\"err\">");
		html_text_max(b, f->last_error, 300);
		html_raw(b, "</span>");
	} else
		html_raw(b, "<span class=\"none\">\xe2\x80\x94</span>");
	html_raw(b, "</td>\n<td>");
	dashboard_when(b, f->next_due, now, "unknown");
	html_raw(b, "</td>\n</tr>\n");
}

static void
dashboard_feeds(struct buf *b, const struct dashboard_data *d)
{
	size_t	i;

	html_panel_open(b, "feeds", "Feeds");
	if (d->nfeeds == 0) {
		html_panel_empty(b, "No feeds configured.");
		return;
	}
	html_raw(b, "<table>\n<thead><tr><th>Feed</th><th>Status</th>"
	    "<th>Last run</th><th>Last success</th><th>Last error</th>"
	    "<th>Next due</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < d->nfeeds; i++)
		dashboard_feed_row(b, &d->feeds[i], d->now);
	html_raw(b, "</tbody>\n</table>\n");
	html_panel_close(b);
}

char *
dashboard_render(const struct dashboard_data *d, size_t *len)
{
	struct buf	b;

	buf_init(&b, 0);
	dashboard_head(&b, "potashd", DASHBOARD_REFRESH);
	dashboard_header(&b, d);
	html_raw(&b, "<main>\n");
	dashboard_alerts(&b, d);
	dashboard_series(&b, d);
	dashboard_events(&b, d);
	dashboard_feeds(&b, d);
	html_raw(&b, "</main>\n<footer>Times are UTC. potashd ");
	html_text(&b, d->version != NULL ? d->version : "");
	html_raw(&b, " \xc2\xb7 this page runs no scripts and loads nothing "
	    "from elsewhere; it reloads every 5 minutes.</footer>\n"
	    "</body>\n</html>\n");
	return (buf_steal(&b, len));
}

char *
dashboard_chart_svg(const struct dashboard_series *s,
    const struct dashboard_event *ev, size_t nev, int64_t now, size_t *len)
{
	struct buf	b;

	buf_init(&b, 0);
	svg_chart(&b, s, ev, nev, now, 0, 1);
	return (buf_steal(&b, len));
}
