/* SPDX-License-Identifier: ISC */
/*
 * page: the HTML dashboard at "/" and the charts at /chart/{key}.svg.
 *
 * Gathers struct dashboard_data (web/dashboard.h) with a few queries on
 * the daemon's connection: the series (at most PAGE_SERIES_MAX, by key)
 * with their last PAGE_POINTS_MAX current values, the firing periods of
 * their alerts (potash.alert_transitions), the sanctions events, the
 * current alerts (potash.alerts_now) and each configured feed's last
 * runs (potash.feed_runs, completed by the scheduler's live state), then
 * answers with dashboard_render or dashboard_chart_svg.  Owns what it
 * gathered until the answer is sent.
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

#endif
