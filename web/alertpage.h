/* SPDX-License-Identifier: ISC */
/*
 * alertpage: the HTML page of one alert, served at /alerts/{fingerprint}
 * by web/ (the "Details" link of the emails and the generatorURL of the
 * webhooks, and the rows of the dashboard's alert table): its rule,
 * series, state and severity, labels and annotations, the evidence of
 * its latest change (values, threshold, baseline, sanctions event, the
 * observations compared), its history of transitions, the rule's
 * definition as loaded, and a chart of the series with the alert's
 * firing periods shaded; plus the page answered for an unknown (404) or
 * malformed (400) fingerprint.
 *
 * Pure, like dashboard.h, whose head, stylesheet and chart it shares: no
 * I/O, no clock (now is given), every string escaped, no script, links
 * only to http(s) URLs and back to the dashboard ("../", relative so
 * that a path prefix in front of the server keeps working).  The web
 * module fills struct alertpage_data from SQL and frees it.
 */
#ifndef WEB_ALERTPAGE_H
#define WEB_ALERTPAGE_H

#include <stddef.h>
#include <stdint.h>

#include "web/dashboard.h"

/* Times are unix microseconds (UTC); 0 is "none".  Numbers are NAN if
 * none. */

/* A label, an annotation or a rule option: name and value as text. */
struct alertpage_pair {
	const char	*name;
	const char	*value;
};

/* An observation compared by the latest change. */
struct alertpage_evidence {
	int64_t		 period;
	double		 value;
	int64_t		 known_at;
};

struct alertpage_transition {
	long		 seq;
	int64_t		 at;
	const char	*from;
	const char	*to;
	const char	*reason;	/* condition, for, cleared, ... */
	double		 value;
	double		 metric;
	double		 threshold;
	double		 baseline;
	const char	*event;		/* or NULL */
	int		 silenced;
	int		 flapping;
};

struct alertpage_data {
	int64_t				 now;
	const char			*version;
	const char			*fingerprint;
	const char			*rule;
	const char			*kind;	/* threshold, change, ... */
	const char			*severity;
	const char			*state;
	int64_t				 since;
	int64_t				 updated;
	const char			*series;	/* key */
	const char			*series_name;	/* or NULL */
	const char			*unit;		/* or NULL */
	double				 value;
	double				 metric;
	double				 threshold;
	double				 baseline;
	int64_t				 baseline_from;
	int64_t				 baseline_to;
	long				 baseline_n;	/* 0: none */
	const char			*event;		/* or NULL */
	const char			*event_url;	/* or NULL */
	int				 silenced;
	int				 flapping;
	int				 rule_active;	/* still configured */
	const struct alertpage_pair	*labels;
	size_t				 nlabels;
	const struct alertpage_pair	*annotations;
	size_t				 nannotations;
	const struct alertpage_pair	*definition;	/* the rule's */
	size_t				 ndefinition;
	const struct alertpage_evidence	*evidence;	/* oldest first */
	size_t				 nevidence;
	long				 evidence_seq;	/* its transition */
	const struct alertpage_transition *transitions;	/* newest first */
	size_t				 ntransitions;
	size_t				 ntransitions_all;	/* stored */
	/* The series with this alert's spans, or NULL. */
	const struct dashboard_series	*chart;
	const struct dashboard_event	*events;
	size_t				 nevents;
};

/*
 * Renders the page of an alert.  Returns a malloc'd NUL-terminated HTML
 * document (*len bytes if len is not NULL), never NULL.
 */
char	*alertpage_render(const struct alertpage_data *, size_t *);

/*
 * Renders the page answered instead (404: no such alert, 400: not a
 * fingerprint): heading, message and what was asked (escaped, may be
 * NULL), with the link back.  Malloc'd, as alertpage_render.
 */
char	*alertpage_error(int, const char *, const char *, size_t *);

#endif
