/* SPDX-License-Identifier: ISC */
/*
 * instance: the state machine of one (rule, series) alert instance; the
 * rules are stated in engine.h.
 *
 * Inputs are a condition (instance_cond, for the level kinds), a trigger
 * (instance_trigger, for the one-shot kinds), the end of a since_event
 * episode, and the time (instance_tick).  Every state change goes through
 * instance_set, which counts flips for flapping detection, marks the
 * instance dirty for saving and emits the transition.  After any change
 * instance_reschedule recomputes the instance's deadline: the earliest
 * time at which the clock alone would change it.
 *
 * Invariants: count > 0 only while pending; until != 0 only while
 * firing; deadline is instance_next() of the current fields.
 */
#include <math.h>
#include <string.h>

#include "alert/instance.h"
#include "util/xmalloc.h"

/* Most deadline actions one tick takes; more are left for the next. */
#define INSTANCE_TICK_MAX	4096

int
instance_is_oneshot(const struct rule *r)
{
	return (r->kind == RULE_SANCTIONS || r->kind == RULE_REVISION ||
	    r->crosses);
}

void
instance_input_init(struct instance_input *in)
{
	memset(in, 0, sizeof(*in));
	in->value = in->metric = in->threshold = in->baseline = NAN;
}

static uint32_t
instance_for_count(const struct rule *r)
{
	return (r->for_count > 1 ? r->for_count : 1);
}

static int64_t
instance_min(int64_t a, int64_t b)
{
	return (a < b ? a : b);
}

/* Time of each kind of deadline action; INT64_MAX if none. */
static int64_t
instance_due_for(const struct instance *in)
{
	const struct rule	*r = in->rule;

	if (in->state != ENGINE_PENDING || r->for_usec == 0 ||
	    in->count < instance_for_count(r))
		return (INT64_MAX);
	return (in->since + (int64_t)r->for_usec);
}

static int64_t
instance_due_keep(const struct instance *in)
{
	if (in->state != ENGINE_FIRING || in->until == 0)
		return (INT64_MAX);
	if (instance_is_oneshot(in->rule))
		return (in->until);
	return (in->until + (int64_t)in->rule->keep_firing_for);
}

static int64_t
instance_due_flap(const struct instance *in)
{
	if (!in->flapping || in->nflips == 0)
		return (INT64_MAX);
	return (in->flips[in->nflips - 1] + (int64_t)in->rule->flap_window);
}

static int64_t
instance_due_arm(const struct instance *in)
{
	if (in->arm == NULL || in->arm->closed)
		return (INT64_MAX);
	return (in->arm->disarm_at);
}

static int64_t
instance_due_stale(const struct instance *in)
{
	if (in->rule->kind != RULE_STALE)
		return (INT64_MAX);
	if (in->checked == INT64_MIN)
		return (INT64_MIN);
	return (schedule_next(&in->rule->expect, in->checked));
}

static int64_t
instance_next(const struct instance *in)
{
	int64_t	d;

	d = instance_min(instance_due_for(in), instance_due_keep(in));
	d = instance_min(d, instance_due_flap(in));
	d = instance_min(d, instance_due_arm(in));
	return (instance_min(d, instance_due_stale(in)));
}

void
instance_reschedule(struct engine *e, struct instance *in)
{
	int64_t	d = instance_next(in);

	if (d == in->deadline)
		return;
	in->deadline = d;
	engine_note_deadline(e, in);
}

static size_t
instance_flips_since(const struct instance *in, int64_t t)
{
	size_t	i, n = 0;

	for (i = 0; i < in->nflips; i++) {
		if (in->flips[i] > t)
			n++;
	}
	return (n);
}

static void
instance_set(struct engine *e, struct instance *in, enum engine_state to,
    enum engine_reason reason, int64_t t, const struct instance_input *inp)
{
	const struct rule	*r = in->rule;
	enum engine_state	 from = in->state;
	int			 flip, start = 0;

	flip = (to == ENGINE_FIRING && from != ENGINE_FIRING) ||
	    (from == ENGINE_FIRING && to == ENGINE_RESOLVED);
	in->state = (uint8_t)to;
	in->since = t;
	if (to != ENGINE_PENDING)
		in->count = 0;
	if (to != ENGINE_FIRING)
		in->until = 0;
	if (flip && r->flap_flips > 0) {
		if (in->flips == NULL)
			in->flips = xcalloc(RULE_FLIPS_MAX, sizeof(*in->flips));
		if (in->nflips == RULE_FLIPS_MAX) {
			memmove(in->flips, in->flips + 1,
			    (RULE_FLIPS_MAX - 1) * sizeof(in->flips[0]));
			in->nflips--;
		}
		in->flips[in->nflips++] = t;
		if (!in->flapping && instance_flips_since(in,
		    t - (int64_t)r->flap_window) > r->flap_flips) {
			in->flapping = 1;
			start = 1;
		}
	}
	engine_mark_dirty(e, in);
	engine_emit(e, in, from, reason, t, inp);
	if (start)
		engine_emit(e, in, to, ENGINE_REASON_FLAPPING_START, t, inp);
	instance_reschedule(e, in);
}

void
instance_cond(struct engine *e, struct instance *in, int cond, int64_t t,
    int newperiod, const struct instance_input *inp)
{
	const struct rule	*r = in->rule;

	switch ((enum engine_state)in->state) {
	case ENGINE_INACTIVE:
	case ENGINE_RESOLVED:
		if (!cond)
			return;
		if (r->for_usec == 0 && instance_for_count(r) == 1) {
			instance_set(e, in, ENGINE_FIRING,
			    ENGINE_REASON_CONDITION, t, inp);
			return;
		}
		instance_set(e, in, ENGINE_PENDING, ENGINE_REASON_CONDITION, t,
		    inp);
		in->count = 1;
		instance_reschedule(e, in);
		return;
	case ENGINE_PENDING:
		if (!cond) {
			instance_set(e, in, ENGINE_INACTIVE,
			    ENGINE_REASON_CLEARED, t, inp);
			return;
		}
		if (newperiod) {
			in->count++;
			engine_mark_dirty(e, in);
		}
		if (in->count >= instance_for_count(r) &&
		    t - in->since >= (int64_t)r->for_usec)
			instance_set(e, in, ENGINE_FIRING, ENGINE_REASON_FOR, t,
			    inp);
		else
			instance_reschedule(e, in);
		return;
	case ENGINE_FIRING:
		if (cond) {
			if (in->until != 0) {
				in->until = 0;
				engine_mark_dirty(e, in);
				instance_reschedule(e, in);
			}
			return;
		}
		if (r->keep_firing_for == 0) {
			instance_set(e, in, ENGINE_RESOLVED,
			    ENGINE_REASON_CLEARED, t, inp);
			return;
		}
		if (in->until == 0) {
			in->until = t;
			engine_mark_dirty(e, in);
			instance_reschedule(e, in);
		}
		return;
	}
}

void
instance_trigger(struct engine *e, struct instance *in, int64_t t,
    const struct instance_input *inp)
{
	if (in->state == ENGINE_FIRING) {
		in->until = t + (int64_t)in->rule->keep_firing_for;
		engine_mark_dirty(e, in);
		engine_emit(e, in, ENGINE_FIRING, ENGINE_REASON_RETRIGGER, t,
		    inp);
		instance_reschedule(e, in);
		return;
	}
	instance_set(e, in, ENGINE_FIRING, ENGINE_REASON_TRIGGER, t, inp);
	in->until = t + (int64_t)in->rule->keep_firing_for;
	instance_reschedule(e, in);
}

void
instance_end_episode(struct engine *e, struct instance *in, int64_t t)
{
	if (in->state == ENGINE_PENDING)
		instance_set(e, in, ENGINE_INACTIVE,
		    ENGINE_REASON_WINDOW_CLOSED, t, NULL);
	else if (in->state == ENGINE_FIRING)
		instance_set(e, in, ENGINE_RESOLVED,
		    ENGINE_REASON_WINDOW_CLOSED, t, NULL);
}

/* Takes the deadline action due at d. */
static void
instance_act(struct engine *e, struct instance *in, int64_t d, int64_t now)
{
	if (instance_due_stale(in) == d) {
		kind_stale_tick(e, in, now);
	} else if (instance_due_for(in) == d) {
		instance_set(e, in, ENGINE_FIRING, ENGINE_REASON_FOR, d, NULL);
	} else if (instance_due_keep(in) == d) {
		instance_set(e, in, ENGINE_RESOLVED,
		    ENGINE_REASON_KEEP_EXPIRED, d, NULL);
	} else if (instance_due_flap(in) == d) {
		in->flapping = 0;
		engine_mark_dirty(e, in);
		engine_emit(e, in, (enum engine_state)in->state,
		    ENGINE_REASON_FLAPPING_END, d, NULL);
	} else if (instance_due_arm(in) == d) {
		in->arm->closed = 1;
		engine_mark_dirty(e, in);
		instance_end_episode(e, in, d);
	}
}

void
instance_tick(struct engine *e, struct instance *in, int64_t now)
{
	int64_t	d;
	int	i;

	for (i = 0; i < INSTANCE_TICK_MAX; i++) {
		if ((d = instance_next(in)) > now)
			break;
		instance_act(e, in, d, now);
	}
	instance_reschedule(e, in);
}
