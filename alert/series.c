/* SPDX-License-Identifier: ISC */
/*
 * series: one series as the alert engine sees it (see instance.h): its
 * newest period and period length, its latest point, and, when one of its
 * rules needs it, a history of points sorted by period with one point per
 * period (a revision replaces the value in place).
 *
 * The history lives in hist[start .. start + n): points are appended at
 * the end, trimmed at the front by moving `start`, and compacted only
 * when the end reaches the capacity, so keeping a window costs O(1) per
 * observation.  Trimming keeps the keep_count newest points and every
 * point newer than newest - keep_usec, plus the newest point at or before
 * that cut, so a window of keep_usec always finds its starting point.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alert/instance.h"
#include "util/xmalloc.h"

#define SERIES_DAY		(INT64_C(86400) * 1000000)
/* Slack for events detected after their date, and a period's length when
 * a baseline counts periods: a month at most. */
#define SERIES_SLACK		(31 * SERIES_DAY)

struct series *
series_new(const char *key, uint64_t hash)
{
	struct series	*s;

	s = xcalloc(1, sizeof(*s));
	s->key = xstrdup(key);
	s->hash = hash;
	s->newest = INT64_MIN;
	return (s);
}

void
series_free(struct series *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ninsts; i++) {
		free(s->insts[i].arm);
		free(s->insts[i].flips);
	}
	free(s->insts);
	free(s->hist);
	free(s->key);
	free(s);
}

size_t
series_bytes(const struct series *s)
{
	size_t	i, b;

	b = sizeof(*s) + strlen(s->key) + 1 + s->cap * sizeof(*s->hist) +
	    s->ninsts * sizeof(*s->insts);
	for (i = 0; i < s->ninsts; i++) {
		if (s->insts[i].arm != NULL)
			b += sizeof(*s->insts[i].arm);
		if (s->insts[i].flips != NULL)
			b += RULE_FLIPS_MAX * sizeof(*s->insts[i].flips);
	}
	return (b);
}

static void
series_keep(struct series *s, int64_t usec, uint32_t count)
{
	if (usec > s->keep_usec)
		s->keep_usec = usec;
	if (count > s->keep_count)
		s->keep_count = count;
}

/* Widens what s keeps so that rule r's windows can be computed. */
void
series_need(struct series *s, const struct rule *r)
{
	int64_t	b;

	switch (r->kind) {
	case RULE_CHANGE:
		series_keep(s, (int64_t)r->window.usec,
		    r->window.periods > 0 ? r->window.periods + 1 : 0);
		break;
	case RULE_ROLLING_SUM:
		series_keep(s, (int64_t)r->window.usec, r->window.periods);
		break;
	case RULE_SINCE_EVENT:
		b = r->baseline.usec > 0 ? (int64_t)r->baseline.usec :
		    (int64_t)r->baseline.periods * SERIES_SLACK;
		series_keep(s, b + (int64_t)r->within + SERIES_SLACK,
		    r->baseline.periods);
		break;
	case RULE_THRESHOLD:
	case RULE_STALE:
	case RULE_SANCTIONS:
	case RULE_REVISION:
		break;
	}
}

/* Index (absolute) of the first point with period > p. */
static size_t
series_upper(const struct series *s, int64_t p)
{
	size_t	lo = s->start, hi = s->start + s->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->hist[mid].period <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* Index of the point of period p, or SIZE_MAX. */
static size_t
series_index(const struct series *s, int64_t p)
{
	size_t	i = series_upper(s, p);

	if (i > s->start && s->hist[i - 1].period == p)
		return (i - 1);
	return (SIZE_MAX);
}

/* Room for one more point at the end. */
static void
series_room(struct series *s)
{
	if (s->start + s->n < s->cap)
		return;
	if (s->start > 0 && s->start >= s->cap / 4) {
		memmove(s->hist, s->hist + s->start, s->n * sizeof(*s->hist));
		s->start = 0;
		return;
	}
	s->cap = s->cap == 0 ? 16 : s->cap * 2;
	s->hist = xreallocarray(s->hist, s->cap, sizeof(*s->hist));
}

static void
series_trim(struct series *s)
{
	int64_t	cut = s->newest - s->keep_usec;

	while (s->n > 1 && (s->n > ENGINE_HISTORY_MAX ||
	    (s->n > s->keep_count && s->hist[s->start + 1].period <= cut))) {
		s->start++;
		s->n--;
	}
}

/*
 * Records pt: newest period, period length, latest point and history.
 * Returns the value pt replaces if the engine held one, else NAN.
 */
double
series_put(struct series *s, const struct series_point *pt)
{
	double	prev = NAN;
	size_t	i, off;

	if (pt->period > s->newest) {
		if (s->newest != INT64_MIN && (s->step == 0 ||
		    pt->period - s->newest < s->step))
			s->step = pt->period - s->newest;
		s->newest = pt->period;
		s->last = *pt;
		s->has_last = 1;
	} else if (pt->period == s->newest && s->has_last) {
		prev = s->last.value;
		s->last = *pt;
	}
	if (s->keep_usec == 0 && s->keep_count == 0)
		return (prev);

	i = series_upper(s, pt->period);
	if (i > s->start && s->hist[i - 1].period == pt->period) {
		prev = s->hist[i - 1].value;
		s->hist[i - 1] = *pt;
		return (prev);
	}
	/* series_room may move the history to the front: keep i's place. */
	off = i - s->start;
	series_room(s);
	i = s->start + off;
	if (i < s->start + s->n)
		memmove(&s->hist[i + 1], &s->hist[i],
		    (s->start + s->n - i) * sizeof(*s->hist));
	s->hist[i] = *pt;
	s->n++;
	series_trim(s);
	return (prev);
}

/* The point a change over w starts from, for the point of period p. */
const struct series_point *
series_change_base(const struct series *s, const struct rule_window *w,
    int64_t p)
{
	size_t	i;

	if (w->periods > 0) {
		if ((i = series_index(s, p)) == SIZE_MAX ||
		    i - s->start < w->periods)
			return (NULL);
		return (&s->hist[i - w->periods]);
	}
	i = series_upper(s, p - (int64_t)w->usec);
	return (i > s->start ? &s->hist[i - 1] : NULL);
}

/*
 * The sum over w ending at the point of period p: the w.periods points
 * up to it, or the points in (p - w.usec, p] when the history reaches
 * back to p - w.usec.  Returns 0 with *first and *n set, or -1 if the
 * window is not complete.
 */
int
series_sum(const struct series *s, const struct rule_window *w, int64_t p,
    double *sum, const struct series_point **first, size_t *n)
{
	size_t	i, lo, k;

	if ((i = series_index(s, p)) == SIZE_MAX)
		return (-1);
	if (w->periods > 0) {
		if (i - s->start + 1 < w->periods)
			return (-1);
		lo = i + 1 - w->periods;
	} else {
		if (s->hist[s->start].period > p - (int64_t)w->usec)
			return (-1);
		lo = series_upper(s, p - (int64_t)w->usec);
	}
	*sum = 0;
	for (k = lo; k <= i; k++)
		*sum += s->hist[k].value;
	*first = &s->hist[lo];
	*n = i + 1 - lo;
	return (0);
}

/*
 * The mean of the points before event_at in window w (a time window
 * [event_at - w.usec, event_at), or the last w.periods points), counting
 * only points known by known_by.  Returns 0 with the mean, the number of
 * points and the window start, or -1 if there is none.
 */
int
series_baseline(const struct series *s, const struct rule_window *w,
    int64_t event_at, int64_t known_by, double *mean, uint32_t *n,
    int64_t *from)
{
	double	sum = 0;
	size_t	i;
	int64_t	lo = w->periods > 0 ? INT64_MIN :
		    event_at - (int64_t)w->usec;

	*n = 0;
	*from = lo;
	for (i = series_upper(s, event_at - 1); i > s->start; i--) {
		const struct series_point *pt = &s->hist[i - 1];

		if (pt->period < lo)
			break;
		if (pt->known_at > known_by)
			continue;
		sum += pt->value;
		(*n)++;
		if (w->periods > 0) {
			*from = pt->period;
			if (*n == w->periods)
				break;
		}
	}
	if (*n == 0)
		return (-1);
	*mean = sum / *n;
	return (0);
}
