/* SPDX-License-Identifier: ISC */
/*
 * svg: line charts of series with their events and alert spans; see
 * svg.h.
 *
 * Geometry: a fixed SVG_WIDTH x SVG_HEIGHT viewBox scaled by CSS; the
 * plot area is [SVG_L, SVG_R] x [SVG_T, SVG_B], with a band of
 * SVG_ROWS rows of event labels above it.  Coordinates are written in tenths
 * of a unit by svg_coord (integer arithmetic, no printf), which keeps a
 * 400-point chart cheap and its text identical on every libc.  Values
 * are mapped through halves so that no difference of two finite values
 * can overflow to infinity; any coordinate that is still not finite is
 * dropped rather than written.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xmalloc.h"
#include "web/html.h"
#include "web/svg.h"

#define SVG_L		58.0
#define SVG_R		706.0
#define SVG_T		58.0	/* below the band of event labels */
#define SVG_B		232.0
#define SVG_ROWS	4	/* rows of event labels */
#define SVG_ROW_H	12.5
#define SVG_CHAR_W	6.6	/* average width of a label character */
#define SVG_EVENT_LEN	18	/* characters of an event label */
#define SVG_DOTS_MAX	60	/* mark every point up to this many */
#define SVG_USEC_DAY	INT64_C(86400000000)

static const char *const svg_css[] = {
":root{--card:#fff;--ink:#1f2633;--muted:#677386;--grid:#e6e9ef;"
"--line:#1f5fa8;--crit:#c62828;--warn:#d98100;--info:#2e72b8;"
"--tight:#c0392b;--ease:#13875a;--other:#7a5fb0}\n",
"@media (prefers-color-scheme:dark){:root{--card:#1b2029;--ink:#e3e8ef;"
"--muted:#97a3b5;--grid:#2c3340;--line:#6aa7ee;--crit:#ef5350;"
"--warn:#f0a030;--info:#64a6ea;--tight:#ef6b5b;--ease:#3cc48a;"
"--other:#a993dd}}\n",
".chart text{font:12.5px system-ui,-apple-system,\"Segoe UI\",Roboto,"
"sans-serif;fill:var(--muted)}\n",
".chart .bg{fill:var(--card)}\n",
".chart .grid{stroke:var(--grid);stroke-width:1}\n",
".chart .zero{stroke:var(--muted);stroke-width:1}\n",
".chart .axis{stroke:var(--muted);stroke-width:1}\n",
".chart .unit{font-weight:600}\n",
".chart .line{fill:none;stroke:var(--line);stroke-width:2;"
"stroke-linejoin:round;stroke-linecap:round}\n",
".chart .dot{fill:var(--line)}\n",
".chart .last{fill:var(--card);stroke:var(--line);stroke-width:2}\n",
".chart .nodata{font-size:15px;text-anchor:middle}\n",
".chart .span{fill-opacity:.13}\n",
".chart .bar{fill-opacity:.75}\n",
".chart .sev-critical{fill:var(--crit)}\n",
".chart .sev-warning{fill:var(--warn)}\n",
".chart .sev-info,.chart .sev-other{fill:var(--info)}\n",
".chart .ev line{stroke-width:1.5;stroke-dasharray:5 3}\n",
".chart .evl text{font-size:11.5px;font-weight:600;paint-order:stroke;"
"stroke:var(--card);stroke-width:3px;stroke-linejoin:round}\n",
".chart .ev-tighten line{stroke:var(--tight)}\n",
".chart .evl.ev-tighten text{fill:var(--tight)}\n",
".chart .ev-ease line{stroke:var(--ease)}\n",
".chart .evl.ev-ease text{fill:var(--ease)}\n",
".chart .ev-other line{stroke:var(--other)}\n",
".chart .evl.ev-other text{fill:var(--other)}\n",
};

void
svg_style(struct buf *b)
{
	size_t	i;

	for (i = 0; i < sizeof(svg_css) / sizeof(svg_css[0]); i++)
		html_raw(b, svg_css[i]);
}

/* A chart being drawn: the mapping from data to the plot area. */
struct svg_map {
	int64_t	 x0, x1;	/* time range */
	double	 y0, y1;	/* value range (first and last tick) */
};

/* An event inside the range, for sorting by date. */
struct svg_mark {
	int64_t	 date;
	int64_t	 id;
	size_t	 i;
};

static int
svg_cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

static int
svg_cmp_mark(const void *a, const void *b)
{
	const struct svg_mark	*x = a, *y = b;

	if (x->date != y->date)
		return (x->date < y->date ? -1 : 1);
	if (x->id != y->id)
		return (x->id < y->id ? -1 : 1);
	return ((x->i > y->i) - (x->i < y->i));
}

void
svg_stats(const struct dashboard_series *s, struct svg_stats *st)
{
	double		*d;
	size_t		 i, nd = 0;
	int64_t		 prev = 0;

	memset(st, 0, sizeof(*st));
	st->last_value = st->prev_value = NAN;
	d = s->npoints > 1 ? xreallocarray(NULL, s->npoints, sizeof(*d)) :
	    NULL;
	for (i = 0; i < s->npoints; i++) {
		const struct dashboard_point	*p = &s->points[i];

		if (!isfinite(p->value))
			continue;
		if (st->n == 0) {
			st->min = st->max = p->value;
			st->first = st->last = p->period;
		} else {
			st->min = fmin(st->min, p->value);
			st->max = fmax(st->max, p->value);
			d[nd++] = (double)p->period - (double)prev;
			if (p->period < st->first)
				st->first = p->period;
		}
		/* Points come by period; the latest wins ties anyway. */
		if (st->n == 0 || p->period >= st->last) {
			st->prev_value = st->last_value;
			st->last_value = p->value;
			st->last = p->period;
		}
		prev = p->period;
		st->n++;
	}
	if (nd > 0) {
		qsort(d, nd, sizeof(*d), svg_cmp_double);
		st->spacing = (int64_t)fmax(0, fmin(d[nd / 2], 9e18));
	}
	free(d);
}

int
svg_value_ticks(double lo, double hi, double *t, double *step)
{
	static const double	mant[] = { 1, 2, 2.5, 5 };
	double			range = hi - lo, best = HUGE_VAL, s, a, z;
	double			ba = 0, bs = 0, score;
	int			e, k, m, n, bn = 0;

	if (isfinite(range) && range > 0) {
		e = (int)floor(log10(range / 5));
		for (k = e - 1; k <= e + 2; k++) {
			for (m = 0; m < 4; m++) {
				s = mant[m] * pow(10, k);
				if (!(s > 0) || !isfinite(s))
					continue;
				a = floor(lo / s);
				z = ceil(hi / s);
				n = (int)(z - a) + 1;
				if (!isfinite(a * s) || !isfinite(z * s) ||
				    n < 4 || n > 6)
					continue;
				/* Least wasted height, then 5 ticks. */
				score = (z - a) * s / range +
				    0.02 * abs(n - 5);
				if (score < best) {
					best = score;
					ba = a;
					bs = s;
					bn = n;
				}
			}
		}
	}
	if (bn == 0) {
		t[0] = lo;
		t[1] = hi;
		*step = range;
		return (2);
	}
	for (n = 0; n < bn; n++)
		t[n] = (ba + n) * bs;
	*step = bs;
	return (bn);
}

/* Appends v in tenths ("12.3", "-4", "0.5") without printf. */
static void
svg_coord(struct buf *b, double v)
{
	char		 tmp[32], *p = tmp + sizeof(tmp);
	long long	 t;
	int		 neg;

	/* Only a broken mapping gets here with more; keep llround defined. */
	t = llround(fmax(-1e9, fmin(v, 1e9)) * 10);
	if ((neg = t < 0))
		t = -t;
	if (t % 10 != 0) {
		*--p = (char)('0' + t % 10);
		*--p = '.';
	}
	t /= 10;
	do {
		*--p = (char)('0' + t % 10);
		t /= 10;
	} while (t > 0);
	if (neg)
		*--p = '-';
	buf_append(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

static double
svg_x(const struct svg_map *mp, int64_t t)
{
	return (SVG_L + ((double)t - (double)mp->x0) /
	    ((double)mp->x1 - (double)mp->x0) * (SVG_R - SVG_L));
}

static double
svg_y(const struct svg_map *mp, double v)
{
	return (SVG_B - (v / 2 - mp->y0 / 2) / (mp->y1 / 2 - mp->y0 / 2) *
	    (SVG_B - SVG_T));
}

/* Appends a <line> of class cls. */
static void
svg_line(struct buf *b, const char *cls, double x1, double y1, double x2,
    double y2)
{
	buf_printf(b, "<line class=\"%s\" x1=\"", cls);
	svg_coord(b, x1);
	html_raw(b, "\" y1=\"");
	svg_coord(b, y1);
	html_raw(b, "\" x2=\"");
	svg_coord(b, x2);
	html_raw(b, "\" y2=\"");
	svg_coord(b, y2);
	html_raw(b, "\"/>\n");
}

/* Appends <text> opening with its position; the caller adds the rest. */
static void
svg_text_at(struct buf *b, const char *cls, const char *anchor, double x,
    double y)
{
	html_raw(b, "<text");
	if (cls != NULL)
		buf_printf(b, " class=\"%s\"", cls);
	if (anchor != NULL)
		buf_printf(b, " text-anchor=\"%s\"", anchor);
	html_raw(b, " x=\"");
	svg_coord(b, x);
	html_raw(b, "\" y=\"");
	svg_coord(b, y);
	html_raw(b, "\">");
}

const char *
svg_severity(const char *sev)
{
	if (sev != NULL && strcmp(sev, "critical") == 0)
		return ("sev-critical");
	if (sev != NULL && strcmp(sev, "warning") == 0)
		return ("sev-warning");
	if (sev != NULL && strcmp(sev, "info") == 0)
		return ("sev-info");
	return ("sev-other");
}

/* The <desc>: what a reader of the picture would take from it. */
static void
svg_desc(struct buf *b, const struct dashboard_series *s,
    const struct svg_stats *st, size_t nev, size_t nspans, size_t nfiring)
{
	const char	*u = s->unit;

	if (st->n == 0) {
		html_raw(b, "No data yet.");
		return;
	}
	if (st->n == 1) {
		html_raw(b, "One observation, ");
		html_period(b, st->last, st->spacing);
		html_raw(b, ": ");
		html_number(b, st->last_value);
		if (u != NULL) {
			html_raw(b, " ");
			html_text(b, u);
		}
		html_raw(b, ". ");
	} else {
		buf_printf(b, "%zu observations from ", st->n);
		html_period(b, st->first, st->spacing);
		html_raw(b, " to ");
		html_period(b, st->last, st->spacing);
		html_raw(b, ", between ");
		html_number(b, st->min);
		html_raw(b, " and ");
		html_number(b, st->max);
		if (u != NULL) {
			html_raw(b, " ");
			html_text(b, u);
		}
		html_raw(b, "; latest ");
		html_number(b, st->last_value);
		html_raw(b, ". ");
	}
	buf_printf(b, "Sanctions events marked: %zu. Alert periods shaded: "
	    "%zu (%zu still firing).", nev, nspans, nfiring);
}

/* The spans, shaded under everything else; counts shown and firing. */
static void
svg_spans(struct buf *b, const struct dashboard_series *s,
    const struct svg_map *mp, size_t *shown, size_t *firing)
{
	const struct dashboard_span	*sp;
	double				 xa, xb;
	size_t				 i;

	for (i = 0; i < s->nspans; i++) {
		sp = &s->spans[i];
		if (sp->from > mp->x1 || sp->to < mp->x0 || sp->to < sp->from)
			continue;
		xa = sp->from < mp->x0 ? SVG_L : svg_x(mp, sp->from);
		xb = sp->to > mp->x1 ? SVG_R : svg_x(mp, sp->to);
		/* A span of a day on a chart of years stays visible. */
		if (xb - xa < 2)
			xb = fmin(xa + 2, SVG_R + 2);
		buf_printf(b, "<g class=\"%s\"><title>",
		    svg_severity(sp->severity));
		html_text(b, sp->rule != NULL ? sp->rule : "alert");
		html_raw(b, " (");
		html_text(b, sp->severity != NULL ? sp->severity : "?");
		html_raw(b, "): ");
		html_datetime(b, sp->from);
		if (sp->to == INT64_MAX) {
			html_raw(b, ", still firing");
			(*firing)++;
		} else {
			html_raw(b, " to ");
			html_datetime(b, sp->to);
		}
		html_raw(b, "</title><rect class=\"span\" x=\"");
		svg_coord(b, xa);
		buf_printf(b, "\" y=\"%d\" width=\"", (int)SVG_T);
		svg_coord(b, xb - xa);
		buf_printf(b, "\" height=\"%d\"/><rect class=\"bar\" x=\"",
		    (int)(SVG_B - SVG_T));
		svg_coord(b, xa);
		buf_printf(b, "\" y=\"%d\" width=\"", (int)SVG_B - 4);
		svg_coord(b, xb - xa);
		html_raw(b, "\" height=\"4\"/></g>\n");
		(*shown)++;
	}
}

/*
 * Places a label of width w for a marker at x in the band above the plot:
 * right of the marker if it fits, else left of it, in the lowest row
 * whose labels all end before it starts.  Events come in date order, so
 * a row's labels all end by rowend[row].  Returns the row or -1, with
 * the text's x and anchor.
 */
static int
svg_place(double *rowend, double x, double w, double *lx, int *end)
{
	double	a;
	int	r, side;

	for (r = 0; r < SVG_ROWS; r++) {
		for (side = 0; side < 2; side++) {
			a = side == 0 ? x + 3 : x - 3 - w;
			if (a < 2 || a + w > SVG_WIDTH - 2 ||
			    a < rowend[r] + 8)
				continue;
			rowend[r] = a + w;
			*lx = side == 0 ? x + 3 : x - 3;
			*end = side;
			return (r);
		}
	}
	return (-1);
}

/* Appends a title for an event: date, full text, direction. */
static void
svg_event_title(struct buf *b, const struct dashboard_event *e)
{
	html_raw(b, "<title>");
	html_date(b, e->date);
	html_raw(b, ": ");
	html_text(b, e->jurisdiction);
	html_raw(b, " ");
	html_text(b, e->action);
	html_raw(b, " \xe2\x80\x94 ");
	html_text(b, e->instrument);
	buf_printf(b, " (%s)</title>", e->direction > 0 ? "tightening" :
	    e->direction < 0 ? "easing" : "neither tightening nor easing");
}

/*
 * The event markers: dashed lines from their label down through the
 * plot, labels "jurisdiction instrument" in rows above it (cut to
 * SVG_EVENT_LEN characters; just the jurisdiction if that is all that
 * fits; none if nothing does, the <title> still tells).  Labels are
 * drawn after all the lines, so no line crosses a label.
 */
static void
svg_events(struct buf *b, const struct dashboard_event *ev, size_t nev,
    const struct svg_map *mp, size_t *shown)
{
	struct svg_mark			*mk;
	const struct dashboard_event	*e;
	double				 rowend[SVG_ROWS], *lx, x, w;
	size_t				 i, n = 0, ni;
	int				*row, *end, *full, r, pass;

	if (nev == 0)
		return;
	mk = xreallocarray(NULL, nev, sizeof(*mk));
	for (i = 0; i < nev; i++) {
		if (ev[i].date < mp->x0 || ev[i].date > mp->x1)
			continue;
		mk[n].date = ev[i].date;
		mk[n].id = ev[i].id;
		mk[n++].i = i;
	}
	qsort(mk, n, sizeof(*mk), svg_cmp_mark);
	lx = xreallocarray(NULL, n + 1, sizeof(*lx));
	row = xreallocarray(NULL, n + 1, sizeof(*row));
	end = xreallocarray(NULL, n + 1, sizeof(*end));
	full = xreallocarray(NULL, n + 1, sizeof(*full));
	for (r = 0; r < SVG_ROWS; r++)
		rowend[r] = -HUGE_VAL;
	for (i = 0; i < n; i++) {
		e = &ev[mk[i].i];
		x = svg_x(mp, e->date);
		ni = html_chars(e->instrument);
		w = (double)(html_chars(e->jurisdiction) + 1 +
		    (ni > SVG_EVENT_LEN ? SVG_EVENT_LEN : ni)) * SVG_CHAR_W;
		full[i] = 1;
		if ((row[i] = svg_place(rowend, x, w, &lx[i], &end[i])) < 0) {
			full[i] = 0;
			w = (double)html_chars(e->jurisdiction) * SVG_CHAR_W;
			row[i] = svg_place(rowend, x, w, &lx[i], &end[i]);
		}
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			e = &ev[mk[i].i];
			x = svg_x(mp, e->date);
			if (pass == 1 && row[i] < 0)
				continue;
			buf_printf(b, "<g class=\"%s %s\">",
			    pass == 0 ? "ev" : "evl",
			    e->direction > 0 ? "ev-tighten" :
			    e->direction < 0 ? "ev-ease" : "ev-other");
			svg_event_title(b, e);
			if (pass == 0) {
				svg_line(b, "mark", x, row[i] < 0 ? SVG_T :
				    SVG_T - 6 - row[i] * SVG_ROW_H - 8, x,
				    SVG_B);
				html_raw(b, "</g>\n");
				(*shown)++;
				continue;
			}
			svg_text_at(b, NULL, end[i] ? "end" : NULL, lx[i],
			    SVG_T - 6 - row[i] * SVG_ROW_H);
			html_text(b, e->jurisdiction);
			if (full[i]) {
				html_raw(b, " ");
				html_text_max(b, e->instrument, SVG_EVENT_LEN);
			}
			html_raw(b, "</text></g>\n");
		}
	}
	free(full);
	free(end);
	free(row);
	free(lx);
	free(mk);
}

/* Whether point i can be drawn. */
static int
svg_valid(const struct dashboard_series *s, const struct svg_map *mp,
    size_t i)
{
	return (i < s->npoints && isfinite(s->points[i].value) &&
	    isfinite(svg_x(mp, s->points[i].period)) &&
	    isfinite(svg_y(mp, s->points[i].value)));
}

/* Whether the line runs from point i to point i + 1. */
static int
svg_joins(const struct dashboard_series *s, const struct svg_stats *st,
    const struct svg_map *mp, size_t i)
{
	return (st->spacing > 0 && svg_valid(s, mp, i) &&
	    svg_valid(s, mp, i + 1) &&
	    (double)s->points[i + 1].period - (double)s->points[i].period <=
	    (double)st->spacing * SVG_GAP);
}

/* Appends "x,y" of point i. */
static void
svg_xy(struct buf *b, const struct svg_map *mp,
    const struct dashboard_point *p, const char *sep)
{
	svg_coord(b, svg_x(mp, p->period));
	html_raw(b, sep);
	svg_coord(b, svg_y(mp, p->value));
}

/*
 * The values: a polyline per run of joined points, a dot for a point
 * joined to neither neighbour, small dots on every point of a short
 * series, a ring on the latest value.
 */
static void
svg_points(struct buf *b, const struct dashboard_series *s,
    const struct svg_stats *st, const struct svg_map *mp)
{
	const struct dashboard_point	*last = NULL;
	size_t				 i;
	int				 before, after;

	for (i = 0; i < s->npoints; i++) {
		if (!svg_valid(s, mp, i))
			continue;
		before = i > 0 && svg_joins(s, st, mp, i - 1);
		after = svg_joins(s, st, mp, i);
		last = &s->points[i];
		if (!before && !after) {
			html_raw(b, "<circle class=\"dot\" cx=\"");
			svg_xy(b, mp, last, "\" cy=\"");
			html_raw(b, "\" r=\"2.5\"/>\n");
			continue;
		}
		html_raw(b, before ? " " :
		    "<polyline class=\"line\" points=\"");
		svg_xy(b, mp, last, ",");
		if (!after)
			html_raw(b, "\"/>\n");
	}
	if (st->n > 1 && st->n <= SVG_DOTS_MAX) {
		for (i = 0; i < s->npoints; i++) {
			if (!svg_valid(s, mp, i) || (!svg_joins(s, st, mp, i) &&
			    (i == 0 || !svg_joins(s, st, mp, i - 1))))
				continue;
			html_raw(b, "<circle class=\"dot\" cx=\"");
			svg_xy(b, mp, &s->points[i], "\" cy=\"");
			html_raw(b, "\" r=\"2\"/>\n");
		}
	}
	if (last != NULL) {
		html_raw(b, "<circle class=\"last\" cx=\"");
		svg_xy(b, mp, last, "\" cy=\"");
		html_raw(b, "\" r=\"3.5\"/>\n");
	}
}

/* The value axis: grid lines and labels; the zero line stands out. */
static void
svg_value_axis(struct buf *b, const struct svg_map *mp, const double *vt,
    int nv, double step)
{
	char	lab[6][HTML_LABEL_LEN];
	double	y;
	int	i;

	html_value_labels(vt, nv, step, lab);
	for (i = 0; i < nv; i++) {
		y = svg_y(mp, vt[i]);
		if (!isfinite(y))
			continue;
		svg_line(b, vt[i] == 0 && i > 0 ? "zero" : "grid", SVG_L, y,
		    SVG_R, y);
		svg_text_at(b, NULL, "end", SVG_L - 6, y + 4);
		html_text(b, lab[i]);
		html_raw(b, "</text>\n");
	}
}

/* The time axis: ticks, faint grid lines and labels kept inside. */
static void
svg_time_axis(struct buf *b, const struct svg_map *mp)
{
	struct html_time_tick	 tk[HTML_MAXTICKS];
	const char		*anchor;
	double			 x, half;
	int			 i, n;

	svg_line(b, "axis", SVG_L, SVG_B, SVG_R, SVG_B);
	n = html_time_ticks(mp->x0, mp->x1, tk, HTML_MAXTICKS);
	for (i = 0; i < n; i++) {
		x = svg_x(mp, tk[i].t);
		half = (double)strlen(tk[i].label) * SVG_CHAR_W / 2;
		anchor = "middle";
		if (x - half < 2)
			anchor = "start";
		else if (x + half > SVG_WIDTH - 2)
			anchor = "end";
		svg_line(b, "grid", x, SVG_T, x, SVG_B);
		svg_line(b, "axis", x, SVG_B, x, SVG_B + 4);
		svg_text_at(b, NULL, anchor, x, SVG_B + 17);
		html_text(b, tk[i].label);
		html_raw(b, "</text>\n");
	}
}

/* The time range: first value to the later of the last value and now. */
static void
svg_range(const struct svg_stats *st, int64_t now, struct svg_map *mp)
{
	const int64_t	pad = 15 * SVG_USEC_DAY;

	mp->x0 = st->first;
	mp->x1 = st->last > now ? st->last : now;
	if ((double)mp->x1 - (double)mp->x0 < (double)SVG_USEC_DAY) {
		/* One point, or all within a day: centre them. */
		mp->x1 = st->last;
		if (mp->x0 > INT64_MIN + pad)
			mp->x0 -= pad;
		if (mp->x1 < INT64_MAX - pad)
			mp->x1 += pad;
	}
}

void
svg_chart(struct buf *b, const struct dashboard_series *s,
    const struct dashboard_event *ev, size_t nev, int64_t now, size_t idx,
    int standalone)
{
	struct svg_stats	st;
	struct svg_map		mp;
	struct buf		body;
	double			vt[6], step, lo, hi, pad;
	size_t			nmarks = 0, nspans = 0, nfiring = 0;
	int			nv;

	svg_stats(s, &st);
	buf_init(&body, 0);
	buf_printf(&body, "<rect class=\"bg\" width=\"%d\" height=\"%d\"/>\n",
	    SVG_WIDTH, SVG_HEIGHT);
	if (st.n == 0) {
		svg_line(&body, "axis", SVG_L, SVG_B, SVG_R, SVG_B);
		svg_text_at(&body, "nodata", NULL, (SVG_L + SVG_R) / 2,
		    (SVG_T + SVG_B) / 2 + 5);
		html_raw(&body, "no data yet</text>\n");
		goto out;
	}
	svg_range(&st, now, &mp);
	lo = st.min;
	hi = st.max;
	if (lo == hi) {
		/* Centre the line; near DBL_MAX only one side can give. */
		pad = lo == 0 ? 1 : fabs(lo) * 0.1;
		if (isfinite(lo - pad))
			lo -= pad;
		if (isfinite(hi + pad))
			hi += pad;
	}
	nv = svg_value_ticks(lo, hi, vt, &step);
	mp.y0 = vt[0];
	mp.y1 = vt[nv - 1];
	svg_value_axis(&body, &mp, vt, nv, step);
	svg_time_axis(&body, &mp);
	svg_spans(&body, s, &mp, &nspans, &nfiring);
	svg_points(&body, s, &st, &mp);
	svg_events(&body, ev, nev, &mp, &nmarks);
out:
	if (s->unit != NULL) {
		/* Along the value axis, reading upwards. */
		buf_printf(&body, "<text class=\"unit\" text-anchor=\"middle\" "
		    "transform=\"rotate(-90)\" x=\"%d\" y=\"14\">",
		    -(int)((SVG_T + SVG_B) / 2));
		html_text(&body, s->unit);
		html_raw(&body, "</text>\n");
	}

	if (standalone)
		html_raw(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "class=\"chart\" viewBox=\"0 0 %d %d\"", SVG_WIDTH, SVG_HEIGHT);
	if (standalone)
		buf_printf(b, " width=\"%d\" height=\"%d\"", SVG_WIDTH,
		    SVG_HEIGHT);
	buf_printf(b, " role=\"img\" aria-labelledby=\"c%zu-t c%zu-d\">\n",
	    idx, idx);
	if (standalone) {
		html_raw(b, "<style>\n");
		svg_style(b);
		html_raw(b, "</style>\n");
	}
	buf_printf(b, "<title id=\"c%zu-t\">", idx);
	html_text(b, s->name != NULL ? s->name : s->key);
	if (s->name != NULL) {
		html_raw(b, " (");
		html_text(b, s->key);
		html_raw(b, ")");
	}
	if (s->unit != NULL) {
		html_raw(b, ", ");
		html_text(b, s->unit);
	}
	buf_printf(b, "</title>\n<desc id=\"c%zu-d\">", idx);
	svg_desc(b, s, &st, nmarks, nspans, nfiring);
	html_raw(b, "</desc>\n");
	buf_append(b, body.data, body.len);
	html_raw(b, "</svg>\n");
	buf_deinit(&body);
}
