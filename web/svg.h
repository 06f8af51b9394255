/* SPDX-License-Identifier: ISC */
/*
 * svg: the line chart of one series, as SVG markup, for the dashboard
 * page (inline) and for /chart/{key}.svg (standalone).
 *
 * A chart shows the series' finite values as a polyline (broken at NaN
 * values and at gaps of more than SVG_GAP times the usual spacing), a
 * value axis with 4-6 round ticks and the unit, a time axis ticked in
 * days, months or years depending on the span, the series' alert spans
 * shaded by severity (a span still firing runs to the right edge), and
 * the sanctions events inside the time range as dashed vertical markers
 * coloured by direction and labelled "jurisdiction instrument" in a band
 * of rows above the plot, with the full text in a <title>.  The time
 * range runs from the first value to the later of the last value and
 * now; points are expected in period order.
 *
 * Pure: no I/O, no clock; deterministic output for given input.  The
 * tick and statistics helpers are exposed for the dashboard and tests;
 * how tick labels and periods are written is html.c's business.
 */
#ifndef WEB_SVG_H
#define WEB_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "web/dashboard.h"

struct buf;

#define SVG_WIDTH	720
#define SVG_HEIGHT	264
#define SVG_GAP		5	/* times the median spacing */

/* What a series' points amount to. */
struct svg_stats {
	size_t	 n;		/* finite values */
	double	 min, max;	/* of the finite values */
	int64_t	 first, last;	/* their earliest and latest periods */
	double	 last_value;	/* the latest, NAN if n == 0 */
	double	 prev_value;	/* the one before it, NAN if n < 2 */
	int64_t	 spacing;	/* median period difference, 0 if n < 2 */
};

/*
 * The CSS class of a severity: "sev-critical", "sev-warning", "sev-info"
 * or "sev-other" for anything else; never the input itself.
 */
const char	*svg_severity(const char *);

/* Appends the CSS of the charts (palette variables included). */
void	svg_style(struct buf *);

/* Fills st from the series' points (NaN and infinities skipped). */
void	svg_stats(const struct dashboard_series *, struct svg_stats *);

/*
 * Round ticks covering [lo, hi] (lo < hi): 4 to 6 multiples of a step
 * of 1, 2, 2.5 or 5 times a power of ten, the first <= lo and the last
 * >= hi.  Returns how many were stored in t (at most 6; 2 if the range
 * defies that) and the step in *step.
 */
int	svg_value_ticks(double, double, double *, double *);

/*
 * Appends the chart of a series with the events given; idx makes the
 * ids of its <title> and <desc> unique in a page.  standalone: an XML
 * document of its own with the CSS inside, else markup to inline.
 */
void	svg_chart(struct buf *, const struct dashboard_series *,
	    const struct dashboard_event *, size_t, int64_t, size_t, int);

#endif
