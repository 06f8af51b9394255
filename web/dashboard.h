/* SPDX-License-Identifier: ISC */
/*
 * dashboard: the HTML page served at "/" by web/, rendered on the server
 * from plain data: per series an SVG line chart with the sanctions events
 * as labelled markers and the alert periods shaded, the current alerts
 * with their evidence (each linked to its page, web/alertpage.h), and
 * the feeds' health.  No JavaScript, nothing fetched from elsewhere: one
 * self-contained page (inline CSS and SVG) that the web module serves
 * with a strict Content-Security-Policy.  The head and the stylesheet
 * are shared with the alert pages.
 *
 * Pure: no I/O, no clock (now is given), no database.  Every string that
 * reaches the page is escaped.  The web module fills struct
 * dashboard_data from SQL and frees it.
 */
#ifndef WEB_DASHBOARD_H
#define WEB_DASHBOARD_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* Times are unix microseconds (UTC). */

struct dashboard_point {
	int64_t		 period;	/* start of the observation's period */
	double		 value;
};

/* An alert period of one series: shaded on its chart. */
struct dashboard_span {
	int64_t		 from;
	int64_t		 to;		/* INT64_MAX: still firing */
	const char	*rule;
	const char	*severity;	/* critical, warning, info */
};

struct dashboard_series {
	const char			*key;	/* "fred/PPOTASHUSDM" */
	const char			*name;	/* human name, or NULL */
	const char			*unit;	/* "USD/t", or NULL */
	const struct dashboard_point	*points;	/* by period */
	size_t				 npoints;
	const struct dashboard_span	*spans;
	size_t				 nspans;
};

struct dashboard_event {
	int64_t		 id;
	int64_t		 date;		/* effective, else announced */
	const char	*jurisdiction;	/* "US" */
	const char	*action;
	const char	*instrument;
	int		 direction;	/* +1 tightens, -1 eases */
	const char	*source_url;	/* or NULL */
};

struct dashboard_alert {
	const char	*rule;
	const char	*series;
	const char	*severity;
	const char	*state;		/* firing, pending, resolved */
	int64_t		 since;
	const char	*summary;	/* rendered annotation, or NULL */
	double		 value;		/* NAN if none */
	double		 threshold;
	double		 baseline;
	const char	*unit;		/* or NULL */
	const char	*event;		/* "US general_license ... (date)" */
	const char	*event_url;	/* or NULL */
	int		 silenced;
	const char	*fingerprint;	/* links the row to its page; or NULL */
	/* What the rule compared when it is not the value (a change, a
	 * sum, a revision): the threshold is then in its terms. */
	int		 has_metric;
	double		 metric;
};

struct dashboard_feed {
	const char	*name;
	int64_t		 last_run;	/* 0: never */
	int64_t		 last_success;	/* 0: never */
	const char	*last_error;	/* of the last run, or NULL */
	int64_t		 next_due;	/* 0: unknown */
	int		 enabled;
};

struct dashboard_data {
	int64_t				 now;
	const char			*version;	/* potashd version */
	const struct dashboard_series	*series;
	size_t				 nseries;
	const struct dashboard_event	*events;
	size_t				 nevents;
	const struct dashboard_alert	*alerts;
	size_t				 nalerts;
	const struct dashboard_feed	*feeds;
	size_t				 nfeeds;
};

/*
 * Renders the page.  Returns a malloc'd NUL-terminated HTML document
 * (*len bytes), never NULL (allocation failure aborts, as xmalloc does).
 */
char	*dashboard_render(const struct dashboard_data *, size_t *);

/*
 * Renders one series' chart alone as an SVG document (for
 * /chart/{key}.svg and tests), with the events and spans given.
 */
char	*dashboard_chart_svg(const struct dashboard_series *,
	    const struct dashboard_event *, size_t, int64_t, size_t *);

/*
 * Appends the start of a page of this site up to and including <body>:
 * the document head with title (escaped), the shared CSS (the charts'
 * and the pages') and, if refresh > 0, a meta refresh of that many
 * seconds.  For the pages that look like the dashboard (alertpage.c).
 */
void	 dashboard_head(struct buf *, const char *, int);

/*
 * Appends an alert's sanctions event (escaped) with its source link
 * below, or a dash for none: the table cell of the dashboard and the
 * alert page.
 */
void	 dashboard_event_cell(struct buf *, const char *, const char *);

/* Whether s is an alert fingerprint: 16 lowercase hex digits. */
int	 dashboard_fingerprint_ok(const char *);

/*
 * The health of a feed at now, as the page shows it: "disabled", "never
 * run", "failed" (the last run failed or none ever succeeded), "stale"
 * (its next run is more than an hour overdue) or "ok".  Static string.
 */
const char	*dashboard_feed_status(const struct dashboard_feed *, int64_t);

#endif
