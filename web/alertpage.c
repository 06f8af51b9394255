/* SPDX-License-Identifier: ISC */
/*
 * alertpage: the page of one alert and the 404/400 pages of its route;
 * see alertpage.h.
 *
 * Owns the layout of these pages only: the head, the stylesheet and the
 * chart are dashboard.c's and svg.c's, every piece of text goes through
 * html.c.  The only links made are the http(s) source of the sanctions
 * event (html_link checks it) and the fixed "../" back to the dashboard.
 * A person reads it top down: what fired and why (the facts, then the
 * chart), the observations that made it, its history, then the labels,
 * annotations and the rule as loaded.  Output depends on the data only.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xmalloc.h"
#include "web/alertpage.h"
#include "web/dashboard.h"
#include "web/html.h"
#include "web/svg.h"

#define ALERTPAGE_DASH	"<span class=\"none\">\xe2\x80\x94</span>"
#define ALERTPAGE_DOT	" \xc2\xb7 "

static int
alertpage_is(const char *s, const char *want)
{
	return (s != NULL && strcmp(s, want) == 0);
}

/* The CSS class of a state's badge; never the input itself. */
static const char *
alertpage_state_class(const char *st)
{
	if (alertpage_is(st, "firing"))
		return ("st-firing");
	if (alertpage_is(st, "pending"))
		return ("st-pending");
	return ("st-resolved");
}

static void
alertpage_badge(struct buf *b, const char *severity, const char *state)
{
	buf_printf(b, "<span class=\"badge %s %s\">",
	    svg_severity(severity), alertpage_state_class(state));
	html_text(b, state != NULL ? state : "unknown");
	html_raw(b, "</span>");
}

/* A number with the unit, or a dash for none. */
static void
alertpage_number(struct buf *b, double v, const char *unit)
{
	if (isnan(v)) {
		html_raw(b, ALERTPAGE_DASH);
		return;
	}
	html_raw(b, "<span class=\"num\">");
	html_number(b, v);
	if (unit != NULL) {
		html_raw(b, " ");
		html_text(b, unit);
	}
	html_raw(b, "</span>");
}

/* A time and, below, how long ago; a dash for none. */
static void
alertpage_when(struct buf *b, int64_t t, int64_t now)
{
	if (t == 0) {
		html_raw(b, ALERTPAGE_DASH);
		return;
	}
	html_raw(b, "<span class=\"nowrap\">");
	html_datetime(b, t);
	html_raw(b, "</span><span class=\"sub\">");
	html_ago(b, t, now);
	html_raw(b, "</span>");
}

/* Opens a row of the facts table: <tr><th>name</th><td>. */
static void
alertpage_fact(struct buf *b, const char *name)
{
	html_raw(b, "<tr><th scope=\"row\">");
	html_text(b, name);
	html_raw(b, "</th><td>");
}

static void
alertpage_header(struct buf *b, const struct alertpage_data *d)
{
	html_raw(b, "<header class=\"top\">\n<p class=\"back\"><a href=\"../\">"
	    "\xe2\x86\x90 dashboard</a></p>\n<h1>");
	html_text(b, d->rule);
	html_raw(b, "</h1>\n<p class=\"meta\">");
	alertpage_badge(b, d->severity, d->state);
	html_raw(b, " ");
	html_text(b, d->severity != NULL ? d->severity : "no severity");
	html_raw(b, " on <code>");
	html_text(b, d->series);
	html_raw(b, "</code>");
	if (d->silenced)
		html_raw(b, " <span class=\"badge muted\">silenced</span>");
	if (d->flapping)
		html_raw(b, " <span class=\"badge muted\">flapping</span>");
	html_raw(b, ALERTPAGE_DOT "version ");
	html_text(b, d->version != NULL ? d->version : "unknown");
	html_raw(b, ALERTPAGE_DOT "as of ");
	html_datetime(b, d->now);
	html_raw(b, "</p>\n</header>\n");
}

/* The value of an annotation, or NULL. */
static const char *
alertpage_annotation(const struct alertpage_data *d, const char *name)
{
	size_t	i;

	for (i = 0; i < d->nannotations; i++)
		if (alertpage_is(d->annotations[i].name, name))
			return (d->annotations[i].value);
	return (NULL);
}

static void
alertpage_baseline(struct buf *b, const struct alertpage_data *d)
{
	alertpage_number(b, d->baseline, d->unit);
	if (d->baseline_from != 0 && d->baseline_to != 0) {
		html_raw(b, "<span class=\"sub\">from ");
		html_datetime(b, d->baseline_from);
		html_raw(b, " to ");
		html_datetime(b, d->baseline_to);
		html_raw(b, "</span>");
	}
	if (d->baseline_n > 0)
		buf_printf(b, "<span class=\"sub\">%ld observation%s</span>",
		    d->baseline_n, d->baseline_n == 1 ? "" : "s");
}

static void
alertpage_facts(struct buf *b, const struct alertpage_data *d)
{
	const char	*summary = alertpage_annotation(d, "summary");

	html_panel_open(b, "alert", "Alert");
	html_raw(b, "<table class=\"facts\">\n<tbody>\n");
	if (summary != NULL) {
		alertpage_fact(b, "Summary");
		html_text(b, summary);
		html_raw(b, "</td></tr>\n");
	}
	alertpage_fact(b, "State");
	alertpage_badge(b, d->severity, d->state);
	html_raw(b, "<span class=\"sub\">since ");
	if (d->since != 0) {
		html_datetime(b, d->since);
		html_raw(b, " (");
		html_ago(b, d->since, d->now);
		html_raw(b, ")");
	} else
		html_raw(b, "unknown");
	html_raw(b, "</span></td></tr>\n");
	alertpage_fact(b, "Severity");
	html_text(b, d->severity != NULL ? d->severity : "none");
	html_raw(b, "</td></tr>\n");
	alertpage_fact(b, "Rule");
	html_raw(b, "<b>");
	html_text(b, d->rule);
	html_raw(b, "</b>");
	if (d->kind != NULL) {
		html_raw(b, " <span class=\"none\">(");
		html_text(b, d->kind);
		html_raw(b, ")</span>");
	}
	if (!d->rule_active)
		html_raw(b, "<span class=\"sub\">no longer in the "
		    "configuration</span>");
	html_raw(b, "</td></tr>\n");
	alertpage_fact(b, "Series");
	if (d->series_name != NULL && !alertpage_is(d->series_name,
	    d->series)) {
		html_text(b, d->series_name);
		html_raw(b, "<span class=\"sub\">");
	}
	html_raw(b, "<code>");
	html_text(b, d->series);
	html_raw(b, "</code>");
	if (d->series_name != NULL && !alertpage_is(d->series_name,
	    d->series))
		html_raw(b, "</span>");
	html_raw(b, "</td></tr>\n");
	alertpage_fact(b, "Value");
	alertpage_number(b, d->value, d->unit);
	html_raw(b, "</td></tr>\n");
	if (!isnan(d->metric) && d->metric != d->value) {
		/* A change or a sum: its unit is not the series'. */
		alertpage_fact(b, "Compared");
		alertpage_number(b, d->metric, NULL);
		html_raw(b, "<span class=\"sub\">what the rule compared "
		    "(a change, a sum or a revision)</span></td></tr>\n");
	}
	alertpage_fact(b, "Threshold");
	alertpage_number(b, d->threshold, isnan(d->metric) ||
	    d->metric == d->value ? d->unit : NULL);
	html_raw(b, "</td></tr>\n");
	if (!isnan(d->baseline)) {
		alertpage_fact(b, "Baseline");
		alertpage_baseline(b, d);
		html_raw(b, "</td></tr>\n");
	}
	alertpage_fact(b, "Sanctions event");
	dashboard_event_cell(b, d->event, d->event_url);
	html_raw(b, "</td></tr>\n");
	alertpage_fact(b, "Silenced");
	html_raw(b, d->silenced ? "yes: notifications are held" :
	    "<span class=\"none\">no</span>");
	html_raw(b, "</td></tr>\n");
	alertpage_fact(b, "Fingerprint");
	html_raw(b, "<code>");
	html_text(b, d->fingerprint);
	html_raw(b, "</code></td></tr>\n");
	alertpage_fact(b, "Last updated");
	alertpage_when(b, d->updated, d->now);
	html_raw(b, "</td></tr>\n</tbody>\n</table>\n");
	html_panel_close(b);
}

static void
alertpage_chart(struct buf *b, const struct alertpage_data *d)
{
	if (d->chart == NULL)
		return;
	html_raw(b, "<section id=\"chart\">\n<h2>Series</h2>\n"
	    "<article class=\"card solo\">\n<h3>");
	html_text(b, d->chart->name != NULL ? d->chart->name : d->chart->key);
	html_raw(b, "</h3>\n");
	svg_chart(b, d->chart, d->events, d->nevents, d->now, 0, 0);
	html_raw(b, "<p class=\"foot\">The shaded periods are this alert's "
	    "firing ones; dashed lines mark sanctions events.</p>\n"
	    "</article>\n</section>\n");
}

static void
alertpage_evidence(struct buf *b, const struct alertpage_data *d)
{
	struct svg_stats	st;
	size_t			i;

	html_panel_open(b, "evidence", "Evidence");
	if (d->nevidence == 0) {
		html_panel_empty(b, "No observations recorded with the latest "
		    "change.");
		return;
	}
	memset(&st, 0, sizeof(st));
	if (d->chart != NULL)
		svg_stats(d->chart, &st);
	buf_printf(b, "<table>\n<caption class=\"empty\">The %zu "
	    "observation%s compared by change #%ld, oldest first."
	    "</caption>\n<thead><tr><th>Period</th><th>Value</th>"
	    "<th>Known at</th></tr></thead>\n<tbody>\n", d->nevidence,
	    d->nevidence == 1 ? "" : "s", d->evidence_seq);
	for (i = 0; i < d->nevidence; i++) {
		html_raw(b, "<tr><td class=\"nowrap\">");
		if (d->evidence[i].period != 0)
			html_period(b, d->evidence[i].period, st.spacing);
		else
			html_raw(b, ALERTPAGE_DASH);
		html_raw(b, "</td><td>");
		alertpage_number(b, d->evidence[i].value, d->unit);
		html_raw(b, "</td><td>");
		alertpage_when(b, d->evidence[i].known_at, d->now);
		html_raw(b, "</td></tr>\n");
	}
	html_raw(b, "</tbody>\n</table>\n");
	html_panel_close(b);
}

static void
alertpage_transition(struct buf *b, const struct alertpage_data *d,
    const struct alertpage_transition *t)
{
	buf_printf(b, "<tr%s><td class=\"num\">%ld</td><td>",
	    t->seq == d->evidence_seq && d->nevidence > 0 ?
	    " class=\"current\"" : "", t->seq);
	alertpage_when(b, t->at, d->now);
	html_raw(b, "</td><td class=\"nowrap\">");
	html_text(b, t->from);
	html_raw(b, " \xe2\x86\x92 ");
	alertpage_badge(b, d->severity, t->to);
	html_raw(b, "</td><td>");
	html_text(b, t->reason);
	if (t->silenced)
		html_raw(b, "<span class=\"sub\">silenced</span>");
	if (t->flapping)
		html_raw(b, "<span class=\"sub\">flapping</span>");
	html_raw(b, "</td><td>");
	alertpage_number(b, t->value, d->unit);
	html_raw(b, "</td><td>");
	alertpage_number(b, t->threshold, isnan(t->metric) ||
	    t->metric == t->value ? d->unit : NULL);
	html_raw(b, "</td><td>");
	alertpage_number(b, t->baseline, d->unit);
	html_raw(b, "</td><td>");
	if (t->event != NULL)
		html_text(b, t->event);
	else
		html_raw(b, ALERTPAGE_DASH);
	html_raw(b, "</td></tr>\n");
}

static void
alertpage_history(struct buf *b, const struct alertpage_data *d)
{
	size_t	i;

	html_panel_open(b, "history", "History");
	if (d->ntransitions == 0) {
		html_panel_empty(b, "No transitions recorded.");
		return;
	}
	html_raw(b, "<table>\n");
	if (d->ntransitions_all > d->ntransitions)
		buf_printf(b, "<caption class=\"empty\">The latest %zu of %zu "
		    "changes.</caption>\n", d->ntransitions,
		    d->ntransitions_all);
	html_raw(b, "<thead><tr><th>#</th><th>At</th><th>Change</th>"
	    "<th>Reason</th><th>Value</th><th>Threshold</th><th>Baseline</th>"
	    "<th>Sanctions event</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < d->ntransitions; i++)
		alertpage_transition(b, d, &d->transitions[i]);
	html_raw(b, "</tbody>\n</table>\n");
	html_panel_close(b);
}

/* A section with a table of name/value pairs, or a line saying none. */
static void
alertpage_pairs(struct buf *b, const char *id, const char *title,
    const struct alertpage_pair *p, size_t n, const char *none)
{
	size_t	i;

	html_panel_open(b, id, title);
	if (n == 0) {
		html_panel_empty(b, none);
		return;
	}
	html_raw(b, "<table class=\"pairs\">\n<thead><tr><th>Name</th>"
	    "<th>Value</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < n; i++) {
		html_raw(b, "<tr><td><code>");
		html_text(b, p[i].name);
		html_raw(b, "</code></td><td>");
		html_text(b, p[i].value);
		html_raw(b, "</td></tr>\n");
	}
	html_raw(b, "</tbody>\n</table>\n");
	html_panel_close(b);
}

static void
alertpage_foot(struct buf *b, const char *version)
{
	html_raw(b, "<footer>Times are UTC. potashd ");
	html_text(b, version != NULL ? version : "");
	html_raw(b, ALERTPAGE_DOT "this page runs no scripts and loads "
	    "nothing from elsewhere.</footer>\n</body>\n</html>\n");
}

char *
alertpage_render(const struct alertpage_data *d, size_t *len)
{
	struct buf	 b;
	char		*title;

	buf_init(&b, 0);
	/* Plain text: dashboard_head escapes it. */
	title = xasprintf("%s" ALERTPAGE_DOT "potashd", d->rule != NULL ?
	    d->rule : "");
	dashboard_head(&b, title, 0);
	free(title);
	alertpage_header(&b, d);
	html_raw(&b, "<main>\n");
	alertpage_facts(&b, d);
	alertpage_chart(&b, d);
	alertpage_evidence(&b, d);
	alertpage_history(&b, d);
	alertpage_pairs(&b, "labels", "Labels", d->labels, d->nlabels,
	    "No labels.");
	alertpage_pairs(&b, "annotations", "Annotations", d->annotations,
	    d->nannotations, "No annotations.");
	alertpage_pairs(&b, "rule", "Rule as loaded", d->definition,
	    d->ndefinition, "The rule is not in the database any more.");
	html_raw(&b, "</main>\n");
	alertpage_foot(&b, d->version);
	return (buf_steal(&b, len));
}

char *
alertpage_error(int status, const char *message, const char *asked,
    size_t *len)
{
	struct buf	b;
	char		title[64];

	buf_init(&b, 0);
	snprintf(title, sizeof(title), "%d" ALERTPAGE_DOT "potashd", status);
	dashboard_head(&b, title, 0);
	html_raw(&b, "<header class=\"top\">\n<p class=\"back\"><a "
	    "href=\"../\">\xe2\x86\x90 dashboard</a></p>\n");
	buf_printf(&b, "<h1>%d</h1>\n<p class=\"meta\">", status);
	html_text(&b, message);
	html_raw(&b, "</p>\n</header>\n<main>\n<section>\n"
	    "<div class=\"panel\">\n<p class=\"empty\">");
	if (asked != NULL) {
		html_raw(&b, "Asked for: <code>");
		html_text_max(&b, asked, 200);
		html_raw(&b, "</code>. ");
	}
	html_raw(&b, "An alert's page is /alerts/ and its fingerprint, 16 "
	    "hexadecimal digits, as the notifications and the dashboard "
	    "link to it.</p>\n</div>\n</section>\n</main>\n");
	alertpage_foot(&b, NULL);
	return (buf_steal(&b, len));
}
