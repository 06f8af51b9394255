/* SPDX-License-Identifier: ISC */
/*
 * page: the HTML dashboard at "/", the charts at /chart/{key}.svg and
 * the alert pages at /alerts/{fingerprint}.
 *
 * Gathers struct dashboard_data (web/dashboard.h) with a few queries on
 * the daemon's connection: the series (at most PAGE_SERIES_MAX, by key)
 * with their last PAGE_POINTS_MAX current values, the firing periods of
 * their alerts (potash.alert_transitions), the sanctions events, the
 * current alerts (potash.alerts_now) and each configured feed's last
 * runs (potash.feed_runs, completed by the scheduler's live state), then
 * answers with dashboard_render or dashboard_chart_svg.  An alert's page
 * (web/alertpage.h) is gathered the same way from potash.alerts_now, its
 * labels, annotations and rule (potash.rules), its latest
 * PAGE_HISTORY_MAX transitions and the evidence of the newest one that
 * has some (potash.alert_transitions), and the PAGE_POINTS_MAX values of
 * its series nearest to its last change.  Every value from the request
 * reaches SQL as a query parameter.  Owns what it gathered until the
 * answer is sent.
 */
#ifndef WEB_PAGE_H
#define WEB_PAGE_H

struct config;
struct reply;
struct web_sources;

#define PAGE_SERIES_MAX		50
#define PAGE_POINTS_MAX		500
#define PAGE_CHART_POINTS_MAX	5000

/* The feeds of config are copied: a reload may free it meanwhile. */
void	page_index(struct reply *, const struct web_sources *,
	    const struct config *);
/* key: the decoded series key; 404 if there is no such series. */
void	page_chart(struct reply *, const char *);
/*
 * The fingerprint in raw (the path after "/alerts/", still
 * percent-encoded), malloc'd, or NULL after answering 400 with an HTML
 * page if it is not 16 lowercase hex digits.
 */
char	*page_alert_key(struct reply *, const char *);
/* fingerprint: from page_alert_key; a 404 page if there is no such
 * alert. */
void	page_alert(struct reply *, const char *);

#endif
