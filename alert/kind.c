/* SPDX-License-Identifier: ISC */
/*
 * kind: what each rule kind computes, turned into a condition or a
 * trigger for the state machine (instance.c).  The semantics are stated
 * in engine.h; this file is where they are implemented:
 *
 *	threshold	the value against above/below with hysteresis, or
 *			a crossing latch (crosses_*)
 *	change		the value against the window's starting point
 *	rolling_sum	the sum over the window
 *	since_event	the value against the baseline frozen by kind_arm
 *	stale		the newest period against the schedule's expected
 *			period, at each due instant (kind_stale_tick)
 *	revision	the new value against the one it replaces
 *
 * The level kinds only look at fresh observations (engine.h, Backfill);
 * kind_observe works that out from what engine_observe saw.  A
 * superseded observation is never fresh for them; for crosses_* it may
 * only arm the latch.
 */
#include <math.h>

#include "alert/instance.h"
#include "util/xmalloc.h"

int64_t
kind_max_age(const struct rule *r, const struct series *s)
{
	int64_t	age;

	if (r->max_age.usec > 0)
		return ((int64_t)r->max_age.usec);
	age = (int64_t)r->max_age.periods * s->step;
	return (age > ENGINE_MAX_AGE_FLOOR ? age : ENGINE_MAX_AGE_FLOOR);
}

/* Compares m with the rule's levels; active: use the clear level. */
static int
kind_compare(const struct rule *r, int active, double m, double *thr)
{
	double	lvl;

	if (r->has_above && r->has_below) {
		*thr = m >= (r->above + r->below) / 2 ? r->above : r->below;
		return (m > r->above || m < r->below);
	}
	if (r->has_above) {
		lvl = active && r->has_clear ? r->clear : r->above;
		*thr = lvl;
		return (m > lvl);
	}
	lvl = active && r->has_clear ? r->clear : r->below;
	*thr = lvl;
	return (m < lvl);
}

static double
kind_delta(const struct rule *r, double v, double base)
{
	if (r->unit == RULE_ABSOLUTE)
		return (v - base);
	if (base == 0)
		return (NAN);
	return ((v - base) / fabs(base) * 100);
}

/* Feeds the level condition of metric m to the state machine. */
static void
kind_level(struct engine *e, struct instance *in, double v, double m,
    int64_t t, int newperiod, struct instance_input *inp)
{
	int	active, cond;

	active = in->state == ENGINE_PENDING || in->state == ENGINE_FIRING;
	in->value = v;
	in->metric = m;
	cond = kind_compare(in->rule, active, m, &in->threshold);
	if (!cond && !active)
		return;
	inp->value = v;
	inp->metric = m;
	inp->threshold = in->threshold;
	instance_cond(e, in, cond, t, newperiod, inp);
}

static void
kind_crosses(struct engine *e, struct instance *in,
    const struct series_point *pt, int64_t t, struct instance_input *inp)
{
	const struct rule	*r = in->rule;
	double			 v = pt->value, lvl, clr;
	int			 up = r->has_above, beyond, back;

	lvl = up ? r->above : r->below;
	clr = r->has_clear ? r->clear : lvl;
	beyond = up ? v > lvl : v < lvl;
	back = up ? v <= clr : v >= clr;
	in->value = in->metric = v;
	in->threshold = lvl;
	if (in->latch && beyond) {
		in->latch = 0;
		engine_mark_dirty(e, in);
		inp->value = inp->metric = v;
		inp->threshold = lvl;
		inp->loose[0] = *pt;
		inp->nloose = 1;
		instance_trigger(e, in, t, inp);
	} else if (!in->latch && back) {
		in->latch = 1;
		engine_mark_dirty(e, in);
	}
}

/* A superseded observation (fresh by age) re-arms the latch only. */
static void
kind_crosses_arm(struct engine *e, struct instance *in,
    const struct series_point *pt)
{
	const struct rule	*r = in->rule;
	double			 v = pt->value, clr;

	clr = r->has_clear ? r->clear : r->has_above ? r->above : r->below;
	if (!in->latch && (r->has_above ? v <= clr : v >= clr)) {
		in->latch = 1;
		engine_mark_dirty(e, in);
	}
}

static void
kind_revision(struct engine *e, struct instance *in,
    const struct series_point *pt, double prev, int64_t t,
    struct instance_input *inp)
{
	const struct rule	*r = in->rule;
	double			 m;

	if (isnan(prev) || prev == pt->value)
		return;
	m = kind_delta(r, pt->value, prev);
	in->value = pt->value;
	in->threshold = r->above;
	/* A revision away from zero is infinitely large in percent. */
	in->metric = isnan(m) ? (double)INFINITY : m;
	if (!(fabs(in->metric) > r->above))
		return;
	inp->value = pt->value;
	inp->metric = in->metric;
	inp->threshold = r->above;
	inp->baseline = prev;
	inp->loose[0].period = pt->period;
	inp->loose[0].value = prev;
	inp->loose[1] = *pt;
	inp->nloose = 2;
	instance_trigger(e, in, t, inp);
}

static void
kind_stale_obs(struct engine *e, struct instance *in, int64_t t,
    struct instance_input *inp)
{
	const struct series	*s = in->series;
	int64_t			 due, expect;

	if (in->checked == INT64_MIN || (in->state != ENGINE_PENDING &&
	    in->state != ENGINE_FIRING))
		return;
	schedule_due(&in->rule->expect, in->checked, &due, &expect);
	if (s->newest < expect)
		return;
	inp->value = s->last.value;
	inp->due = due;
	inp->expected = expect;
	inp->loose[0] = s->last;
	inp->nloose = 1;
	instance_cond(e, in, 0, t, 0, inp);
}

/*
 * Evaluates the instance on the observation pt (already recorded in its
 * series) at time t (pt's known_at, or later if the engine's clock is
 * ahead).  fresh: the engine-wide part of the backfill test (not history,
 * period not older than the newest); superseded: a later period of the
 * series comes with pt (rule 4); newperiod: pt opened a new newest
 * period; prev: the value pt revises, or NAN.
 */
void
kind_observe(struct engine *e, struct instance *in,
    const struct series_point *pt, int64_t t, int fresh, int superseded,
    int newperiod, double prev)
{
	const struct rule		*r = in->rule;
	const struct series		*s = in->series;
	const struct series_point	*base, *first;
	const struct instance_arm	*a;
	struct instance_input		 inp;
	double				 m;
	int64_t				 age;
	size_t				 n;

	/* max_age is never below 0: a negative age needs no rule.  Without
	 * a step a lone first point passes; a superseded one, the oldest
	 * of a batch, is judged by nothing and stays history. */
	if (fresh && s->step == 0)
		fresh = !superseded;
	else if (fresh && (age = pt->known_at - (pt->period + s->step)) > 0 &&
	    age > kind_max_age(r, s))
		fresh = 0;
	if (fresh && superseded) {
		if (r->kind == RULE_THRESHOLD && r->crosses)
			kind_crosses_arm(e, in, pt);
		fresh = 0;
	}
	switch (r->kind) {
	case RULE_THRESHOLD:
		if (!fresh)
			return;
		/* The common case, quiet and staying quiet, touches little. */
		if (!r->crosses && in->state != ENGINE_PENDING &&
		    in->state != ENGINE_FIRING &&
		    !kind_compare(r, 0, pt->value, &in->threshold)) {
			in->value = in->metric = pt->value;
			return;
		}
		instance_input_init(&inp);
		if (r->crosses) {
			kind_crosses(e, in, pt, t, &inp);
			return;
		}
		inp.loose[0] = *pt;
		inp.nloose = 1;
		kind_level(e, in, pt->value, pt->value, t, newperiod, &inp);
		return;
	case RULE_CHANGE:
		if (!fresh || (base = series_change_base(s, &r->window,
		    pt->period)) == NULL)
			return;
		instance_input_init(&inp);
		if (isnan(m = kind_delta(r, pt->value, base->value)))
			return;
		inp.baseline = base->value;
		inp.baseline_from = base->period;
		inp.baseline_to = pt->period;
		inp.loose[0] = *base;
		inp.loose[1] = *pt;
		inp.nloose = 2;
		kind_level(e, in, pt->value, m, t, newperiod, &inp);
		return;
	case RULE_ROLLING_SUM:
		if (!fresh || series_sum(s, &r->window, pt->period, &m, &first,
		    &n) == -1)
			return;
		instance_input_init(&inp);
		inp.baseline_from = first->period;
		inp.baseline_to = pt->period;
		inp.range = first;
		inp.nrange = n;
		kind_level(e, in, pt->value, m, t, newperiod, &inp);
		return;
	case RULE_SINCE_EVENT:
		a = in->arm;
		if (!fresh || a == NULL || a->closed || a->n == 0 ||
		    pt->period < a->event_at || pt->period >= a->window_end)
			return;
		if (isnan(m = kind_delta(r, pt->value, a->baseline)))
			return;
		instance_input_init(&inp);
		inp.loose[0] = *pt;
		inp.nloose = 1;
		kind_level(e, in, pt->value, m, t, newperiod, &inp);
		return;
	case RULE_STALE:
		instance_input_init(&inp);
		kind_stale_obs(e, in, t, &inp);
		return;
	case RULE_REVISION:
		instance_input_init(&inp);
		kind_revision(e, in, pt, prev, t, &inp);
		return;
	case RULE_SANCTIONS:
		return;
	}
}

/*
 * Checks the first due instant not yet checked (or, the first time, the
 * latest one at or before now).  While the series stays behind, later
 * due instants cannot change anything, so they are skipped up to now.
 */
void
kind_stale_tick(struct engine *e, struct instance *in, int64_t now)
{
	const struct rule	*r = in->rule;
	const struct series	*s = in->series;
	struct instance_input	 inp;
	int64_t			 due, expect;
	int			 cond, active;

	if (in->checked == INT64_MIN)
		schedule_due(&r->expect, now, &due, &expect);
	else
		schedule_due(&r->expect, schedule_next(&r->expect,
		    in->checked), &due, &expect);
	cond = s->newest < expect;
	active = in->state == ENGINE_PENDING || in->state == ENGINE_FIRING;
	in->checked = due;
	engine_mark_dirty(e, in);
	if (cond && active) {
		schedule_due(&r->expect, now, &in->checked, &expect);
		instance_reschedule(e, in);
		return;
	}
	instance_input_init(&inp);
	inp.due = due;
	inp.expected = expect;
	if (s->has_last) {
		inp.value = s->last.value;
		inp.loose[0] = s->last;
		inp.nloose = 1;
	}
	instance_cond(e, in, cond, due, 0, &inp);
	instance_reschedule(e, in);
}

/*
 * Arms a since_event instance for the event (id, event_at) known at
 * event_known, fed at t: ends the current episode if this event is a
 * later one, then freezes the baseline.  An event older than the armed
 * one, the armed event itself, or an event whose episode would already be
 * over at t changes nothing.
 */
void
kind_arm(struct engine *e, struct instance *in, int64_t id, int64_t event_at,
    int64_t event_known, int64_t t)
{
	const struct rule	*r = in->rule;
	struct instance_arm	*a = in->arm;
	int64_t			 window_end, disarm_at;

	window_end = event_at + (int64_t)r->within;
	disarm_at = window_end + kind_max_age(r, in->series);
	if (t >= disarm_at)
		return;
	if (a != NULL) {
		if (a->event_id == id && a->event_at == event_at)
			return;
		if (a->event_at > event_at || (a->event_at == event_at &&
		    a->event_id > id))
			return;
		/* A changed event keeps the time it first became known. */
		if (a->event_id == id)
			event_known = a->event_known;
		if (!a->closed)
			instance_end_episode(e, in, t);
	} else
		a = in->arm = xcalloc(1, sizeof(*a));
	a->event_id = id;
	a->event_at = event_at;
	a->event_known = event_known;
	a->to = event_at;
	a->window_end = window_end;
	a->disarm_at = disarm_at;
	a->baseline = NAN;
	a->closed = 0;
	if (series_baseline(in->series, &r->baseline, event_at, event_known,
	    &a->baseline, &a->n, &a->from) == -1) {
		a->n = 0;
		a->closed = 1;
	}
	engine_mark_dirty(e, in);
	instance_reschedule(e, in);
}
