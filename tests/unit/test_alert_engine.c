/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the alert engine (alert/engine.h) with explicit clocks:
 * every kind and every transition, hysteresis at the exact boundary,
 * `for` by time and by count, missing data while firing, keep_firing_for,
 * flapping, a since_event baseline that later data does not move,
 * backfill that does not fire (a batch of periods fires on its newest
 * only), restore without a duplicate firing, and
 * fingerprints.  Times are unix microseconds built from calendar dates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/engine.h"
#include "alert/rule.h"
#include "alert/schedule.h"
#include "util/civil.h"
#include "collectors/event.h"

#define USEC		INT64_C(1000000)
#define HOUR		(3600 * USEC)
#define DAY		(86400 * USEC)
#define DATE(y, m, d)	(civil_days((y), (m), (d)) * DAY)
/* Day i of December 2025, and when its value is known (22:00 that day). */
#define D(i)		(DATE(2025, 12, 1) + (int64_t)(i) * DAY)
#define K(i)		(D(i) + 22 * HOUR)
#define TEST_MAXOPTS	24
#define TEST_MAXVALS	8
#define TEST_MAXSAVED	16

static struct rule *
test_rule(const char *name, ...)
{
	struct rule_kv	 kv[TEST_MAXOPTS];
	const char	*vals[TEST_MAXOPTS][TEST_MAXVALS];
	char		 buf[TEST_MAXOPTS][256], err[512], *eq, *p, *bar;
	const char	*s;
	struct rule	*r;
	va_list		 ap;
	size_t		 n = 0;
	int		 line;

	memset(kv, 0, sizeof(kv));
	va_start(ap, name);
	while ((s = va_arg(ap, const char *)) != NULL) {
		assert_true(n < TEST_MAXOPTS);
		snprintf(buf[n], sizeof(buf[n]), "%s", s);
		eq = strchr(buf[n], '=');
		assert_non_null(eq);
		*eq = '\0';
		kv[n].name = buf[n];
		kv[n].line = (int)n + 1;
		for (p = eq + 1;; p = bar + 1) {
			vals[n][kv[n].nvalues++] = p;
			if ((bar = strchr(p, '|')) == NULL)
				break;
			*bar = '\0';
		}
		kv[n].values = vals[n];
		n++;
	}
	va_end(ap);
	if ((r = rule_new(name, kv, n, err, sizeof(err), &line)) == NULL)
		fail_msg("rule %s: line %d: %s", name, line, err);
	return (r);
}

static struct engine *
test_engine(struct rule **rules, size_t n)
{
	struct engine	*e;
	char		 err[256];

	e = engine_new((const struct rule *const *)rules, n, err,
	    sizeof(err));
	if (e == NULL)
		fail_msg("engine_new: %s", err);
	return (e);
}

static void
test_obs_full(struct engine *e, const char *series, int64_t period,
    double v, int64_t known, double prev, unsigned flags)
{
	struct engine_obs	o;

	o.series = series;
	o.period = period;
	o.value = v;
	o.known_at = known;
	o.prev = prev;
	o.flags = flags;
	assert_int_equal(engine_observe(e, &o), 0);
}

static void
test_obs(struct engine *e, const char *series, int64_t period, double v,
    int64_t known)
{
	test_obs_full(e, series, period, v, known, NAN, 0);
}

static size_t
test_ntr(const struct engine *e)
{
	size_t	n;

	(void)engine_transitions(e, &n);
	return (n);
}

static const struct engine_transition *
test_tr(const struct engine *e, size_t i)
{
	const struct engine_transition	*t;
	size_t				 n;

	t = engine_transitions(e, &n);
	if (i >= n)
		fail_msg("transition %zu of %zu", i, n);
	return (&t[i]);
}

/* Asserts transition i: from, to, reason and time. */
static const struct engine_transition *
test_expect(const struct engine *e, size_t i, enum engine_state from,
    enum engine_state to, enum engine_reason reason, int64_t at)
{
	const struct engine_transition	*t = test_tr(e, i);

	if (t->from != from || t->to != to || t->reason != reason)
		fail_msg("transition %zu: %s -> %s (%s), wanted %s -> %s (%s)",
		    i, engine_state_name(t->from), engine_state_name(t->to),
		    engine_reason_name(t->reason), engine_state_name(from),
		    engine_state_name(to), engine_reason_name(reason));
	if (t->at != at)
		fail_msg("transition %zu at %lld, wanted %lld", i,
		    (long long)t->at, (long long)at);
	return (t);
}

static void
test_close(double got, double want)
{
	if (fabs(got - want) > 1e-9 * (fabs(want) + 1))
		fail_msg("got %.12g, wanted %.12g", got, want);
}

static void
test_done(struct engine *e, struct rule **rules, size_t n)
{
	size_t	i;

	engine_free(e);
	for (i = 0; i < n; i++)
		rule_free(rules[i]);
}

static void
test_engine_threshold(void **state)
{
	struct rule			*r[2];
	struct engine			*e;
	const struct engine_transition	*t;

	r[0] = test_rule("hi", "kind=threshold", "series=fred/P",
	    "above=400", "clear=380", NULL);
	r[1] = test_rule("lo", "kind=threshold", "series=fred/P",
	    "below=200", "clear=210", NULL);
	e = test_engine(r, 2);
	test_obs(e, "fred/P", D(0), 390, K(0));
	/* Exactly at the level is not above it. */
	test_obs(e, "fred/P", D(1), 400, K(1));
	assert_int_equal(test_ntr(e), 0);
	test_obs(e, "fred/P", D(2), 400.5, K(2));
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, K(2));
	assert_string_equal(t->rule->name, "hi");
	assert_string_equal(t->series, "fred/P");
	assert_true(t->value == 400.5 && t->metric == 400.5);
	assert_true(t->threshold == 400);
	assert_true(isnan(t->baseline));
	assert_int_equal(t->nevidence, 1);
	assert_true(t->evidence[0].period == D(2));
	assert_true(t->evidence[0].known_at == K(2));
	assert_true(t->evidence[0].value == 400.5);
	assert_false(t->flapping);
	/* Hysteresis: above the clear level it keeps firing... */
	test_obs(e, "fred/P", D(3), 380.5, K(3));
	assert_int_equal(test_ntr(e), 1);
	/* ...and exactly at it, it clears. */
	test_obs(e, "fred/P", D(4), 380, K(4));
	t = test_expect(e, 1, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_CLEARED, K(4));
	assert_true(t->threshold == 380 && t->value == 380);
	test_obs(e, "fred/P", D(5), 399, K(5));
	assert_int_equal(test_ntr(e), 2);
	test_obs(e, "fred/P", D(6), 401, K(6));
	test_expect(e, 2, ENGINE_RESOLVED, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, K(6));
	assert_string_equal(test_tr(e, 2)->fingerprint,
	    test_tr(e, 0)->fingerprint);

	/* below = 200, clear = 210: the mirror image. */
	engine_transitions_clear(e);
	test_obs(e, "fred/P", D(7), 200, K(7));
	assert_int_equal(test_ntr(e), 1);	/* "hi" resolved */
	test_obs(e, "fred/P", D(8), 199.99, K(8));
	t = test_expect(e, 1, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, K(8));
	assert_string_equal(t->rule->name, "lo");
	test_obs(e, "fred/P", D(9), 209.99, K(9));
	assert_int_equal(test_ntr(e), 2);
	test_obs(e, "fred/P", D(10), 210, K(10));
	t = test_expect(e, 2, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_CLEARED, K(10));
	assert_true(t->threshold == 210);
	test_done(e, r, 2);
}

static void
test_engine_for_time(void **state)
{
	struct rule			*r[1];
	struct engine			*e;
	const struct engine_transition	*t;
	int64_t				 h;

	r[0] = test_rule("hi", "kind=threshold", "series=s", "above=400",
	    "for=2d", NULL);
	e = test_engine(r, 1);
	test_obs(e, "s", D(0), 410, K(0));
	test_expect(e, 0, ENGINE_INACTIVE, ENGINE_PENDING,
	    ENGINE_REASON_CONDITION, K(0));
	assert_true(engine_next_deadline(e) == K(0) + 2 * DAY);
	/* Hourly timers change nothing before the deadline. */
	for (h = 1; h < 48; h++)
		engine_evaluate(e, K(0) + h * HOUR);
	test_obs(e, "s", D(1), 420, K(1));
	assert_int_equal(test_ntr(e), 1);
	/* A late timer still fires at the exact time. */
	engine_evaluate(e, K(0) + 2 * DAY + 5 * HOUR);
	t = test_expect(e, 1, ENGINE_PENDING, ENGINE_FIRING,
	    ENGINE_REASON_FOR, K(0) + 2 * DAY);
	assert_true(t->value == 420);
	assert_true(t->threshold == 400);
	assert_int_equal(t->nevidence, 1);
	assert_true(t->evidence[0].period == D(1));

	/* Pending and the condition goes away: back to inactive. */
	test_obs(e, "s", D(3), 390, K(3));
	test_expect(e, 2, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_CLEARED, K(3));
	test_obs(e, "s", D(4), 401, K(4));
	test_expect(e, 3, ENGINE_RESOLVED, ENGINE_PENDING,
	    ENGINE_REASON_CONDITION, K(4));
	test_obs(e, "s", D(5), 399, K(5));
	test_expect(e, 4, ENGINE_PENDING, ENGINE_INACTIVE,
	    ENGINE_REASON_CLEARED, K(5));
	engine_evaluate(e, K(20));
	assert_int_equal(test_ntr(e), 5);
	test_done(e, r, 1);
}

static void
test_engine_for_count(void **state)
{
	struct rule	*r[1];
	struct engine	*e;

	/* Monthly data: three months in a row above the level. */
	r[0] = test_rule("hi", "kind=threshold", "series=imf/P", "above=400",
	    "for=3 observations", NULL);
	e = test_engine(r, 1);
	test_obs(e, "imf/P", DATE(2025, 1, 1), 500, DATE(2025, 2, 15));
	test_expect(e, 0, ENGINE_INACTIVE, ENGINE_PENDING,
	    ENGINE_REASON_CONDITION, DATE(2025, 2, 15));
	/* Time alone never completes a count. */
	assert_true(engine_next_deadline(e) == INT64_MAX);
	engine_evaluate(e, DATE(2025, 2, 20));
	/* A revision of the same month is not another observation. */
	test_obs(e, "imf/P", DATE(2025, 1, 1), 510, DATE(2025, 2, 25));
	test_obs(e, "imf/P", DATE(2025, 2, 1), 505, DATE(2025, 3, 15));
	assert_int_equal(test_ntr(e), 1);
	test_obs(e, "imf/P", DATE(2025, 3, 1), 520, DATE(2025, 4, 15));
	test_expect(e, 1, ENGINE_PENDING, ENGINE_FIRING, ENGINE_REASON_FOR,
	    DATE(2025, 4, 15));
	test_done(e, r, 1);

	/* Both: a day and two observations. */
	r[0] = test_rule("hi", "kind=threshold", "series=s", "above=400",
	    "for=1d and 2 observations", NULL);
	e = test_engine(r, 1);
	test_obs(e, "s", D(0), 410, K(0));
	assert_true(engine_next_deadline(e) == INT64_MAX);
	engine_evaluate(e, K(0) + 3 * HOUR);
	test_obs(e, "s", D(0) + 12 * HOUR, 411, K(0) + 12 * HOUR);
	assert_int_equal(test_ntr(e), 1);
	assert_true(engine_next_deadline(e) == K(0) + DAY);
	engine_evaluate(e, K(2));
	test_expect(e, 1, ENGINE_PENDING, ENGINE_FIRING, ENGINE_REASON_FOR,
	    K(0) + DAY);
	test_done(e, r, 1);
}

static void
test_engine_keep_firing(void **state)
{
	struct rule			*r[1];
	struct engine			*e;
	const struct engine_transition	*t;

	r[0] = test_rule("hi", "kind=threshold", "series=s", "above=400",
	    "keep_firing_for=2d", NULL);
	e = test_engine(r, 1);
	test_obs(e, "s", D(0), 410, K(0));
	test_obs(e, "s", D(1), 390, K(1));
	assert_int_equal(test_ntr(e), 1);
	assert_true(engine_next_deadline(e) == K(1) + 2 * DAY);
	/* Back above before keep_firing_for ran out: nothing happened. */
	test_obs(e, "s", D(2), 420, K(2));
	test_obs(e, "s", D(3), 390, K(3));
	engine_evaluate(e, K(3) + 2 * DAY - 1);
	assert_int_equal(test_ntr(e), 1);
	engine_evaluate(e, K(3) + 5 * DAY);
	t = test_expect(e, 1, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_KEEP_EXPIRED, K(3) + 2 * DAY);
	assert_true(t->value == 390);
	assert_true(t->evidence[0].period == D(3));
	test_done(e, r, 1);
}

static void
test_engine_no_data(void **state)
{
	struct rule		*r[1];
	struct engine		*e;
	struct engine_stats	 st;

	r[0] = test_rule("hi", "kind=threshold", "series=s", "above=400",
	    "keep_firing_for=1d", NULL);
	e = test_engine(r, 1);
	test_obs(e, "s", D(0), 410, K(0));
	assert_int_equal(test_ntr(e), 1);
	assert_true(engine_next_deadline(e) == INT64_MAX);
	/* A year without data: still firing, nothing reported. */
	engine_evaluate(e, K(0) + DAY);
	engine_evaluate(e, K(0) + 365 * DAY);
	assert_int_equal(test_ntr(e), 1);
	/* The first data that says so resolves it (after keep). */
	test_obs(e, "s", D(400), 300, K(400));
	engine_evaluate(e, K(401));
	test_expect(e, 1, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_KEEP_EXPIRED, K(401));
	engine_get_stats(e, &st);
	assert_int_equal(st.series, 1);
	assert_int_equal(st.instances, 1);
	assert_int_equal(st.points, 0);
	assert_true(st.observations == 2);
	assert_true(st.bytes > 0);
	test_done(e, r, 1);
}

static void
test_engine_flapping(void **state)
{
	struct rule			*r[1];
	struct engine			*e;
	const struct engine_transition	*t;
	int64_t				 t0 = K(0);

	r[0] = test_rule("hi", "kind=threshold", "series=s", "above=400",
	    "flap_flips=2", "flap_window=1d", NULL);
	e = test_engine(r, 1);
	test_obs(e, "s", D(0), 410, t0);
	test_obs(e, "s", D(0) + HOUR, 390, t0 + HOUR);
	test_obs(e, "s", D(0) + 2 * HOUR, 410, t0 + 2 * HOUR);
	assert_int_equal(test_ntr(e), 4);
	assert_false(test_tr(e, 0)->flapping);
	assert_false(test_tr(e, 1)->flapping);
	/* The third flip in a day tips it, and is reported once. */
	t = test_expect(e, 2, ENGINE_RESOLVED, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, t0 + 2 * HOUR);
	assert_true(t->flapping);
	t = test_expect(e, 3, ENGINE_FIRING, ENGINE_FIRING,
	    ENGINE_REASON_FLAPPING_START, t0 + 2 * HOUR);
	assert_true(t->flapping);
	test_obs(e, "s", D(0) + 3 * HOUR, 390, t0 + 3 * HOUR);
	t = test_expect(e, 4, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_CLEARED, t0 + 3 * HOUR);
	assert_true(t->flapping);
	assert_int_equal(test_ntr(e), 5);
	/* A whole window without a flip settles it, in the last state. */
	engine_evaluate(e, t0 + 3 * HOUR + DAY - 1);
	assert_int_equal(test_ntr(e), 5);
	engine_evaluate(e, t0 + 2 * DAY);
	t = test_expect(e, 5, ENGINE_RESOLVED, ENGINE_RESOLVED,
	    ENGINE_REASON_FLAPPING_END, t0 + 3 * HOUR + DAY);
	assert_false(t->flapping);
	test_done(e, r, 1);
}

static void
test_engine_crosses(void **state)
{
	struct rule			*r[1];
	struct engine			*e;
	const struct engine_transition	*t;

	r[0] = test_rule("x", "kind=threshold", "series=s",
	    "crosses_above=300", NULL);
	e = test_engine(r, 1);
	/* Already above at the start: no crossing seen. */
	test_obs(e, "s", D(0), 310, K(0));
	test_obs(e, "s", D(1), 300, K(1));
	assert_int_equal(test_ntr(e), 0);
	test_obs(e, "s", D(2), 305, K(2));
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_TRIGGER, K(2));
	assert_true(t->threshold == 300 && t->value == 305);
	/* Staying above is the same crossing; a day later it is over. */
	test_obs(e, "s", D(3), 320, K(3));
	test_expect(e, 1, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_KEEP_EXPIRED, K(3));
	test_obs(e, "s", D(4), 330, K(4));
	test_obs(e, "s", D(5), 299, K(5));
	assert_int_equal(test_ntr(e), 2);
	test_obs(e, "s", D(6), 301, K(6));
	test_expect(e, 2, ENGINE_RESOLVED, ENGINE_FIRING,
	    ENGINE_REASON_TRIGGER, K(6));
	test_done(e, r, 1);
}

static void
test_engine_change(void **state)
{
	struct rule			*r[2];
	struct engine			*e;
	const struct engine_transition	*t;
	int				 i;

	r[0] = test_rule("m", "kind=change", "series=imf/P",
	    "window=2 periods", "above=10%", NULL);
	r[1] = test_rule("d", "kind=change", "series=yahoo/P",
	    "window=30d", "above=25%", NULL);
	e = test_engine(r, 2);
	/* Known history (start-up warm-up) is used, not evaluated. */
	test_obs_full(e, "imf/P", DATE(2025, 1, 1), 100, DATE(2025, 2, 15),
	    NAN, ENGINE_OBS_HISTORY);
	test_obs_full(e, "imf/P", DATE(2025, 2, 1), 105, DATE(2025, 3, 15),
	    NAN, ENGINE_OBS_HISTORY);
	test_obs(e, "imf/P", DATE(2025, 3, 1), 111, DATE(2025, 4, 15));
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, DATE(2025, 4, 15));
	test_close(t->metric, 11);
	assert_true(t->value == 111 && t->threshold == 10);
	assert_true(t->baseline == 100);
	assert_true(t->baseline_from == DATE(2025, 1, 1));
	assert_true(t->baseline_to == DATE(2025, 3, 1));
	assert_int_equal(t->nevidence, 2);
	assert_true(t->evidence[0].value == 100);
	assert_true(t->evidence[1].value == 111);
	test_obs(e, "imf/P", DATE(2025, 4, 1), 112, DATE(2025, 5, 15));
	t = test_expect(e, 1, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_CLEARED, DATE(2025, 5, 15));
	test_close(t->metric, 700.0 / 105);

	/* 30 days: from the last point at or before 30 days back. */
	for (i = 0; i <= 30; i++)
		test_obs(e, "yahoo/P", D(i), 100, K(i));
	assert_int_equal(test_ntr(e), 2);
	test_obs(e, "yahoo/P", D(31), 130, K(31));
	t = test_expect(e, 2, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, K(31));
	test_close(t->metric, 30);
	assert_true(t->baseline_from == D(1));
	test_done(e, r, 2);
}

/*
 * A long daily run through a short period window: the history buffer
 * keeps being compacted to its front, and every change must still be
 * measured against the point two periods back.
 */
static void
test_engine_change_long_run(void **state)
{
	struct rule			*r[1];
	struct engine			*e;
	const struct engine_transition	*t;
	int				 i;

	(void)state;
	r[0] = test_rule("d2", "kind=change", "series=yahoo/Q",
	    "window=2 periods", "above=25%", NULL);
	e = test_engine(r, 1);
	for (i = 0; i < 60; i++)
		test_obs(e, "yahoo/Q", D(i), 100 + (i % 2), K(i));
	assert_int_equal(test_ntr(e), 0);
	test_obs(e, "yahoo/Q", D(60), 130, K(60));
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, K(60));
	test_close(t->metric, 30);
	assert_true(t->baseline == 100);
	assert_true(t->baseline_from == D(58));
	assert_true(t->baseline_to == D(60));
	test_done(e, r, 1);
}

static void
test_engine_rolling_sum(void **state)
{
	struct rule			*r[1];
	struct engine			*e;
	const struct engine_transition	*t;
	int				 m;

	r[0] = test_rule("flows", "kind=rolling_sum",
	    "series=comtrade/*/112/310420/M/netweight", "window=12 periods",
	    "above=10500000", NULL);
	e = test_engine(r, 1);
	for (m = 1; m <= 12; m++)
		test_obs(e, "comtrade/156/112/310420/M/netweight",
		    DATE(2024, m, 1), 900000, DATE(2024, m, 1) + 45 * DAY);
	/* Eleven months are not a window; the twelfth completes it. */
	assert_int_equal(test_ntr(e), 1);
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, DATE(2024, 12, 1) + 45 * DAY);
	assert_string_equal(t->series, "comtrade/156/112/310420/M/netweight");
	assert_true(t->metric == 10800000 && t->threshold == 10500000);
	assert_true(t->value == 900000);
	assert_int_equal(t->ninputs, 12);
	assert_int_equal(t->nevidence, 12);
	assert_true(t->evidence[0].period == DATE(2024, 1, 1));
	assert_true(t->evidence[11].period == DATE(2024, 12, 1));
	assert_true(t->baseline_from == DATE(2024, 1, 1));
	assert_true(t->baseline_to == DATE(2024, 12, 1));
	test_obs(e, "comtrade/156/112/310420/M/netweight", DATE(2025, 1, 1),
	    500000, DATE(2025, 2, 15));
	t = test_expect(e, 1, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_CLEARED, DATE(2025, 2, 15));
	assert_true(t->metric == 10400000);
	test_done(e, r, 1);
}

static struct engine_event
test_event(int64_t id, const char *jur, const char *action,
    const char *instrument, const char *const *entities, size_t n, int dir,
    int64_t announced, int64_t known, const char *origin)
{
	struct engine_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.id = id;
	ev.jurisdiction = jur;
	ev.action = action;
	ev.instrument = instrument;
	ev.entities = entities;
	ev.nentities = n;
	ev.direction = dir;
	ev.announced = announced;
	ev.effective = announced;
	ev.known_at = known;
	ev.origin = origin;
	return (ev);
}

static const char *const test_bk[] = { "Belaruskali OAO",
    "JSC Belarusian Potash Company" };

/* Daily prices from 1 Sep to 14 Dec 2025: 1000 before 16 Sep, then 290
 * and 310 in turn (mean 300); an EU tightening that does not match;
 * the US easing of 15 Dec 2025 (id 42). */
static struct engine *
test_since_setup(struct rule **r)
{
	struct engine		*e;
	struct engine_event	 ev;
	int64_t			 p;
	int			 i = 0;

	r[0] = test_rule("easing", "kind=since_event", "series=fred/P",
	    "event.jurisdiction=us", "event.direction=ease",
	    "event.entity=belaruskali", "baseline=90d", "within=180d",
	    "above=15%", NULL);
	e = test_engine(r, 1);
	for (p = DATE(2025, 9, 1); p < DATE(2025, 12, 15); p += DAY) {
		test_obs(e, "fred/P", p, p < DATE(2025, 9, 16) ? 1000 :
		    i++ % 2 ? 310 : 290, p + 22 * HOUR);
	}
	ev = test_event(41, "EU", "sectoral_ban", "Reg", test_bk, 2, 1,
	    DATE(2025, 12, 10), DATE(2025, 12, 10) + 12 * HOUR, "fedreg");
	assert_int_equal(engine_event(e, &ev), 0);
	ev = test_event(42, "US", "general_license", "OFAC Belarus GL 13",
	    test_bk, 2, -1, DATE(2025, 12, 15), DATE(2025, 12, 15) +
	    18 * HOUR, "fedreg");
	assert_int_equal(engine_event(e, &ev), 0);
	assert_int_equal(test_ntr(e), 0);
	return (e);
}

static void
test_engine_since_event(void **state)
{
	struct rule			*r[1];
	struct engine			*e;
	const struct engine_transition	*t;
	int64_t				 end;

	e = test_since_setup(r);
	/* 15 December, +13.3%: below the level. */
	test_obs(e, "fred/P", D(14), 340, K(14));
	assert_int_equal(test_ntr(e), 0);
	/* Late data about the baseline window, even huge, moves nothing. */
	test_obs(e, "fred/P", D(9), 5000, K(15) - 12 * HOUR);
	test_obs(e, "fred/P", D(13), 5000, K(15) - 11 * HOUR);
	test_obs(e, "fred/P", D(15), 346, K(15));
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, K(15));
	assert_true(t->baseline == 300);
	assert_int_equal(t->baseline_n, 90);
	assert_true(t->baseline_from == DATE(2025, 9, 16));
	assert_true(t->baseline_to == DATE(2025, 12, 15));
	assert_true(t->event_id == 42);
	assert_string_equal(t->event, "US general_license OFAC Belarus GL 13 "
	    "(2025-12-15)");
	test_close(t->metric, 46.0 / 3);
	assert_true(t->value == 346 && t->threshold == 15);
	assert_int_equal(t->nevidence, 1);
	assert_true(t->evidence[0].period == D(15));
	/* No data: firing until the episode ends (window + 4 days). */
	end = DATE(2025, 12, 15) + 184 * DAY;
	engine_evaluate(e, end - 1);
	assert_int_equal(test_ntr(e), 1);
	engine_evaluate(e, end + 30 * DAY);
	t = test_expect(e, 1, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_WINDOW_CLOSED, end);
	assert_true(t->event_id == 42 && t->baseline == 300);
	/* After the window nothing is compared. */
	test_obs(e, "fred/P", end + 31 * DAY, 1000, end + 31 * DAY);
	assert_int_equal(test_ntr(e), 1 + 1);
	test_done(e, r, 1);
}

static void
test_engine_since_known(void **state)
{
	struct rule			*r[1];
	struct engine			*e;
	struct engine_event		 ev;
	const struct engine_transition	*t;
	int64_t				 p;
	int				 i = 0;

	/* Start-up order: history first (with two values revised after
	 * the event), then the event as known.  The baseline is what was
	 * known at the event: the revised days are left out. */
	r[0] = test_rule("easing", "kind=since_event", "series=fred/P",
	    "baseline=90d", "within=180d", "above=15%", NULL);
	e = test_engine(r, 1);
	for (p = DATE(2025, 9, 16); p < DATE(2025, 12, 15); p += DAY)
		test_obs_full(e, "fred/P", p, i++ % 2 ? 310 : 290,
		    p + 22 * HOUR, NAN, ENGINE_OBS_HISTORY);
	test_obs_full(e, "fred/P", D(9), 5000, K(15), NAN,
	    ENGINE_OBS_HISTORY);
	test_obs_full(e, "fred/P", D(13), 5000, K(15), NAN,
	    ENGINE_OBS_HISTORY);
	ev = test_event(42, "US", "general_license", "GL 13", test_bk, 2, -1,
	    DATE(2025, 12, 15), DATE(2025, 12, 15) + 18 * HOUR, "seed");
	ev.flags = ENGINE_EVENT_KNOWN;
	assert_int_equal(engine_event(e, &ev), 0);
	test_obs(e, "fred/P", D(16), 346, K(16));
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, K(16));
	assert_int_equal(t->baseline_n, 88);
	test_close(t->baseline, 26380.0 / 88);
	test_done(e, r, 1);
}

static void
test_engine_since_rearm(void **state)
{
	struct rule			*r[1];
	struct engine			*e;
	struct engine_event		 ev;
	const struct engine_transition	*t;
	int				 i;

	r[0] = test_rule("ev", "kind=since_event", "series=s",
	    "baseline=3 periods", "within=30d", "above=10%", NULL);
	e = test_engine(r, 1);
	for (i = 0; i < 3; i++)
		test_obs(e, "s", D(i), 100, K(i));
	ev = test_event(1, "US", "general_license", "A", test_bk, 2, -1, D(3),
	    D(3) + HOUR, "fedreg");
	assert_int_equal(engine_event(e, &ev), 0);
	test_obs(e, "s", D(3), 111, K(3));
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, K(3));
	assert_true(t->baseline == 100 && t->baseline_n == 3);
	assert_true(t->baseline_from == D(0) && t->baseline_to == D(3));
	test_obs(e, "s", D(4), 200, K(4));
	/* A later event ends the episode and freezes a new baseline. */
	ev = test_event(2, "US", "delisting", "B", test_bk, 2, -1, D(5),
	    D(5) + HOUR, "fedreg");
	assert_int_equal(engine_event(e, &ev), 0);
	t = test_expect(e, 1, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_WINDOW_CLOSED, D(5) + HOUR);
	/* The resolution belongs to the first event's episode. */
	assert_true(t->event_id == 1 && t->baseline == 100);
	/* An older event, or the first one again: nothing. */
	ev = test_event(3, "US", "general_license", "C", test_bk, 2, -1, D(1),
	    D(5) + 2 * HOUR, "fedreg");
	assert_int_equal(engine_event(e, &ev), 0);
	ev = test_event(1, "US", "general_license", "A", test_bk, 2, -1, D(3),
	    D(3) + HOUR, "fedreg");
	assert_int_equal(engine_event(e, &ev), 0);
	test_obs(e, "s", D(5), 150, K(5));
	assert_int_equal(test_ntr(e), 2);
	test_obs(e, "s", D(6), 160, K(6));
	t = test_expect(e, 2, ENGINE_RESOLVED, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, K(6));
	test_close(t->baseline, 137);
	assert_true(t->baseline_from == D(2) && t->baseline_to == D(5));
	assert_true(t->event_id == 2);
	assert_string_equal(t->event, "US delisting B (2025-12-06)");
	test_close(t->metric, 2300.0 / 137);
	test_done(e, r, 1);
}

/* Feeds the same days to e, evaluating every hour if hourly. */
static void
test_cadence_run(struct engine *e, int hourly)
{
	static const double	v[] = { 300, 410, 420, 390, 430, 440, 380,
				    370, 450, 300 };
	int64_t			t;
	size_t			i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (hourly) {
			for (t = K(i) - DAY; t < K(i); t += HOUR)
				engine_evaluate(e, t);
		}
		test_obs(e, "s", D(i), v[i], K(i));
	}
	engine_evaluate(e, K(20));
}

static void
test_engine_cadence(void **state)
{
	struct rule			*r[1];
	struct engine			*a, *b;
	const struct engine_transition	*ta, *tb;
	size_t				 na, nb, i;

	r[0] = test_rule("hi", "kind=threshold", "series=s", "above=400",
	    "for=30h", "keep_firing_for=1d", NULL);
	a = test_engine(r, 1);
	b = test_engine(r, 1);
	test_cadence_run(a, 1);
	test_cadence_run(b, 0);
	ta = engine_transitions(a, &na);
	tb = engine_transitions(b, &nb);
	assert_int_equal(na, 8);
	assert_int_equal(nb, na);
	for (i = 0; i < na; i++) {
		assert_int_equal(ta[i].from, tb[i].from);
		assert_int_equal(ta[i].to, tb[i].to);
		assert_int_equal(ta[i].reason, tb[i].reason);
		assert_true(ta[i].at == tb[i].at);
	}
	/* Pending on day 1, firing 30 hours later; the 390 of day 3 is
	 * held a day, which runs out exactly when day 4 arrives (430:
	 * pending again, firing 30 hours later); the drop of day 6 ends it
	 * on day 7; day 8 is pending and day 9 clears it. */
	test_expect(a, 0, ENGINE_INACTIVE, ENGINE_PENDING,
	    ENGINE_REASON_CONDITION, K(1));
	test_expect(a, 1, ENGINE_PENDING, ENGINE_FIRING, ENGINE_REASON_FOR,
	    K(1) + 30 * HOUR);
	test_expect(a, 2, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_KEEP_EXPIRED, K(4));
	test_expect(a, 3, ENGINE_RESOLVED, ENGINE_PENDING,
	    ENGINE_REASON_CONDITION, K(4));
	test_expect(a, 4, ENGINE_PENDING, ENGINE_FIRING, ENGINE_REASON_FOR,
	    K(4) + 30 * HOUR);
	test_expect(a, 5, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_KEEP_EXPIRED, K(7));
	test_expect(a, 6, ENGINE_RESOLVED, ENGINE_PENDING,
	    ENGINE_REASON_CONDITION, K(8));
	test_expect(a, 7, ENGINE_PENDING, ENGINE_INACTIVE,
	    ENGINE_REASON_CLEARED, K(9));
	engine_free(a);
	test_done(b, r, 1);
}

/* Copies of saved states, strings included. */
struct test_saved {
	struct engine_saved	sv[TEST_MAXSAVED];
	size_t			n;
};

static void
test_save_cb(const struct engine_saved *sv, void *arg)
{
	struct test_saved	*ts = arg;

	assert_true(ts->n < TEST_MAXSAVED);
	ts->sv[ts->n] = *sv;
	ts->sv[ts->n].rule = strdup(sv->rule);
	ts->sv[ts->n].series = strdup(sv->series);
	ts->n++;
}

static void
test_saved_clear(struct test_saved *ts)
{
	size_t	i;

	for (i = 0; i < ts->n; i++) {
		free((char *)(uintptr_t)ts->sv[i].rule);
		free((char *)(uintptr_t)ts->sv[i].series);
	}
	ts->n = 0;
}

static void
test_engine_since_restore(void **state)
{
	struct rule			*r[1];
	struct engine			*e;
	struct test_saved		 ts = { .n = 0 };
	const struct engine_transition	*t;
	char				 err[256];

	e = test_since_setup(r);
	engine_save(e, ENGINE_SAVE_DIRTY, test_save_cb, &ts);
	assert_int_equal(ts.n, 1);
	assert_true(ts.sv[0].event_id == 42 && ts.sv[0].baseline == 300);
	engine_free(e);

	/* A restart: no history at all, the frozen baseline is enough. */
	e = test_engine(r, 1);
	assert_int_equal(engine_restore(e, &ts.sv[0], err, sizeof(err)), 0);
	test_obs(e, "fred/P", D(16), 346, K(16));
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, K(16));
	assert_true(t->baseline == 300 && t->event_id == 42);
	/* The event is unknown to this engine until fed again. */
	assert_null(t->event);
	test_saved_clear(&ts);
	test_done(e, r, 1);
}

static void
test_engine_stale(void **state)
{
	struct rule			*r[1];
	struct engine			*e;
	const struct engine_transition	*t;

	r[0] = test_rule("late", "kind=stale", "series=imf/PPOTASH",
	    "expect=monthly by day 20", NULL);
	e = test_engine(r, 1);
	test_obs(e, "imf/PPOTASH", DATE(2025, 10, 1), 350, DATE(2025, 11, 5));
	engine_evaluate(e, DATE(2025, 12, 20) + 23 * HOUR);
	assert_int_equal(test_ntr(e), 0);
	assert_true(engine_next_deadline(e) == DATE(2025, 12, 21));
	/* By the end of 20 December November's value was due. */
	engine_evaluate(e, DATE(2025, 12, 21) + 5 * HOUR);
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, DATE(2025, 12, 21));
	assert_true(t->due == DATE(2025, 12, 21));
	assert_true(t->expected == DATE(2025, 11, 1));
	assert_true(t->value == 350);
	assert_true(t->evidence[0].period == DATE(2025, 10, 1));
	engine_evaluate(e, DATE(2025, 12, 22));
	assert_int_equal(test_ntr(e), 1);
	test_obs(e, "imf/PPOTASH", DATE(2025, 11, 1), 352,
	    DATE(2025, 12, 23) + 10 * HOUR);
	test_expect(e, 1, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_CLEARED, DATE(2025, 12, 23) + 10 * HOUR);
	engine_evaluate(e, DATE(2026, 1, 21) + HOUR);
	t = test_expect(e, 2, ENGINE_RESOLVED, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, DATE(2026, 1, 21));
	assert_true(t->expected == DATE(2025, 12, 1));
	test_done(e, r, 1);

	/* A series never seen is stale at the first due instant. */
	r[0] = test_rule("late", "kind=stale", "series=yahoo/MOS/close",
	    "expect=weekdays by 22:00 -05:00", "for=1h", NULL);
	e = test_engine(r, 1);
	engine_evaluate(e, DATE(2025, 12, 16) + 3 * HOUR);
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_PENDING,
	    ENGINE_REASON_CONDITION, DATE(2025, 12, 16) + 3 * HOUR);
	assert_true(isnan(t->value));
	assert_int_equal(t->nevidence, 0);
	engine_evaluate(e, DATE(2025, 12, 16) + 5 * HOUR);
	test_expect(e, 1, ENGINE_PENDING, ENGINE_FIRING, ENGINE_REASON_FOR,
	    DATE(2025, 12, 16) + 4 * HOUR);
	test_done(e, r, 1);
}

static void
test_engine_sanctions(void **state)
{
	struct rule			*r[1];
	struct engine			*e;
	struct engine_event		 ev;
	const struct engine_transition	*t;
	const char *const		 belavia[] = { "Belavia" };
	char				 fp[ENGINE_FINGERPRINT_LEN];
	int64_t				 known = DATE(2025, 12, 15) + 18 * HOUR;

	r[0] = test_rule("new", "kind=sanctions", "event.entity=potash|"
	    "belaruskali", NULL);
	e = test_engine(r, 1);
	/* Seeded: recorded, never fires. */
	ev = test_event(1, "US", "sdn_designation", "OFAC SDN", test_bk, 2, 1,
	    DATE(2021, 8, 9), DATE(2021, 8, 9), "seed");
	assert_int_equal(engine_event(e, &ev), 0);
	assert_int_equal(test_ntr(e), 0);
	ev = test_event(7, "US", "general_license", "OFAC Belarus GL 13",
	    test_bk, 2, -1, DATE(2025, 12, 15), known, "fedreg");
	assert_int_equal(engine_event(e, &ev), 0);
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_TRIGGER, known);
	assert_string_equal(t->series, "event/7");
	assert_true(t->event_id == 7);
	assert_string_equal(t->event, "US general_license OFAC Belarus GL 13 "
	    "(2025-12-15)");
	engine_fingerprint(r[0], "event/7", fp);
	assert_string_equal(t->fingerprint, fp);
	/* The same event again (a re-poll): nothing. */
	assert_int_equal(engine_event(e, &ev), 0);
	/* Another entity: not ours. */
	ev = test_event(8, "US", "delisting", "GL 12", belavia, 1, -1,
	    DATE(2025, 11, 4), known + HOUR, "fedreg");
	assert_int_equal(engine_event(e, &ev), 0);
	assert_int_equal(test_ntr(e), 1);
	/* Event 7 changed (a later effective date): fires again. */
	ev = test_event(7, "US", "general_license", "OFAC Belarus GL 13",
	    test_bk, 2, -1, DATE(2025, 12, 15), known + 15 * HOUR, "fedreg");
	ev.effective = DATE(2025, 12, 16);
	assert_int_equal(engine_event(e, &ev), 0);
	test_expect(e, 1, ENGINE_FIRING, ENGINE_FIRING,
	    ENGINE_REASON_RETRIGGER, known + 15 * HOUR);
	/* Known at start-up: recorded only. */
	ev = test_event(9, "EU", "sectoral_ban", "Reg", test_bk, 2, 1,
	    DATE(2022, 3, 2), DATE(2022, 3, 2), "fedreg");
	ev.flags = ENGINE_EVENT_KNOWN;
	assert_int_equal(engine_event(e, &ev), 0);
	assert_int_equal(test_ntr(e), 2);
	engine_evaluate(e, known + 15 * HOUR + DAY);
	test_expect(e, 2, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_KEEP_EXPIRED, known + 15 * HOUR + DAY);
	ev.id = 0;
	assert_int_equal(engine_event(e, &ev), -1);
	test_done(e, r, 1);
}

static void
test_engine_event_from(void **state)
{
	struct sanctions_event	 sev;
	struct engine_event	 ev;
	char			 ann[] = "2025-12-15", jur[] = "US",
				 act[] = "general_license", ins[] = "GL 13",
				 ent[] = "Belaruskali OAO";
	char			*ents[] = { ent };

	memset(&sev, 0, sizeof(sev));
	sev.announced_on = ann;
	sev.jurisdiction = jur;
	sev.action = act;
	sev.instrument = ins;
	sev.entities = ents;
	sev.nentities = 1;
	sev.direction = -1;
	engine_event_from(&ev, &sev, 42, "fedreg", DATE(2025, 12, 16));
	assert_true(ev.id == 42);
	assert_true(ev.announced == DATE(2025, 12, 15));
	assert_true(ev.effective == INT64_MIN);
	assert_true(ev.known_at == DATE(2025, 12, 16));
	assert_string_equal(ev.entities[0], "Belaruskali OAO");
	assert_string_equal(ev.origin, "fedreg");
	assert_int_equal(ev.direction, -1);
}

static void
test_engine_revision(void **state)
{
	struct rule			*r[1];
	struct engine			*e;
	const struct engine_transition	*t;

	r[0] = test_rule("rev", "kind=revision", "series=comtrade/*",
	    "above=5%", NULL);
	e = test_engine(r, 1);
	test_obs(e, "comtrade/x", DATE(2025, 1, 1), 100, DATE(2025, 2, 15));
	test_obs(e, "comtrade/x", DATE(2025, 1, 1), 104, DATE(2025, 3, 1));
	assert_int_equal(test_ntr(e), 0);
	test_obs(e, "comtrade/x", DATE(2025, 1, 1), 110.24, DATE(2025, 3, 15));
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_TRIGGER, DATE(2025, 3, 15));
	test_close(t->metric, 6);
	assert_true(t->baseline == 104 && t->value == 110.24);
	assert_int_equal(t->nevidence, 2);
	assert_true(t->evidence[0].value == 104);
	assert_true(t->evidence[1].value == 110.24);
	/* A revision of the newest period; the last one ran out first. */
	test_obs(e, "comtrade/x", DATE(2025, 2, 1), 200, DATE(2025, 3, 15));
	test_obs(e, "comtrade/x", DATE(2025, 2, 1), 250, DATE(2025, 4, 1));
	test_expect(e, 1, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_KEEP_EXPIRED, DATE(2025, 3, 16));
	t = test_expect(e, 2, ENGINE_RESOLVED, ENGINE_FIRING,
	    ENGINE_REASON_TRIGGER, DATE(2025, 4, 1));
	test_close(t->metric, 25);
	test_obs(e, "comtrade/x", DATE(2025, 3, 1), 300, DATE(2025, 4, 15));
	test_expect(e, 3, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_KEEP_EXPIRED, DATE(2025, 4, 2));
	/* An older period: only the caller knows what it revises. */
	test_obs(e, "comtrade/x", DATE(2025, 2, 1), 300, DATE(2025, 4, 16));
	assert_int_equal(test_ntr(e), 4);
	test_obs_full(e, "comtrade/x", DATE(2025, 2, 1), 360,
	    DATE(2025, 4, 17), 300, 0);
	t = test_expect(e, 4, ENGINE_RESOLVED, ENGINE_FIRING,
	    ENGINE_REASON_TRIGGER, DATE(2025, 4, 17));
	test_close(t->metric, 20);
	test_obs_full(e, "comtrade/x", DATE(2025, 2, 1), 370,
	    DATE(2025, 4, 17) + HOUR, 360, 0);
	assert_int_equal(test_ntr(e), 5);
	test_obs_full(e, "comtrade/x", DATE(2025, 2, 1), 390,
	    DATE(2025, 4, 17) + 2 * HOUR, 370, 0);
	t = test_expect(e, 5, ENGINE_FIRING, ENGINE_FIRING,
	    ENGINE_REASON_RETRIGGER, DATE(2025, 4, 17) + 2 * HOUR);
	test_close(t->metric, 2000.0 / 370);
	/* Until a day after the last trigger. */
	assert_true(engine_next_deadline(e) <= DATE(2025, 4, 18) + 2 * HOUR);
	engine_evaluate(e, DATE(2025, 4, 30));
	test_expect(e, 6, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_KEEP_EXPIRED, DATE(2025, 4, 18) + 2 * HOUR);
	test_done(e, r, 1);
}

static void
test_engine_backfill(void **state)
{
	struct rule	*r[1];
	struct engine	*e;
	int		 i;

	r[0] = test_rule("hi", "kind=threshold", "series=s", "above=400",
	    NULL);
	e = test_engine(r, 1);
	for (i = 0; i <= 10; i++)
		test_obs(e, "s", D(i), 300, K(i));
	/* An older period than the newest one, known within max_age of
	 * its end: history, not news. */
	test_obs(e, "s", D(9), 500, K(10) + HOUR);
	/* Known as history (start-up warm-up): recorded only. */
	test_obs_full(e, "s", D(11), 500, K(11), NAN, ENGINE_OBS_HISTORY);
	/* A newer period, but known 30 days after it: older than max_age
	 * (2 periods, at least 4 days). */
	test_obs(e, "s", D(12), 500, D(12) + 30 * DAY);
	assert_int_equal(test_ntr(e), 0);
	/* Exactly at max_age after the period's end: still fresh. */
	test_obs(e, "s", D(13), 500, D(14) + 4 * DAY);
	test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, D(12) + 30 * DAY);
	test_done(e, r, 1);

	/* max_age as a duration. */
	r[0] = test_rule("hi", "kind=threshold", "series=s", "above=400",
	    "max_age=1h", NULL);
	e = test_engine(r, 1);
	test_obs(e, "s", D(0), 300, K(0));
	test_obs(e, "s", D(1), 500, D(2) + 2 * HOUR);
	assert_int_equal(test_ntr(e), 0);
	test_obs(e, "s", D(2), 500, D(3) + HOUR);
	assert_int_equal(test_ntr(e), 1);
	test_done(e, r, 1);
}

/*
 * Feeds the n monthly values v from year y, month m on, all known at
 * known, as the daemon does: oldest first, each but the newest
 * superseded (engine_obs_superseded on the next one).
 */
static void
test_batch(struct engine *e, const char *series, int y, int m,
    const double *v, size_t n, int64_t known)
{
	struct engine_obs	o, next;
	size_t			i;

	for (i = 0; i < n; i++) {
		memset(&o, 0, sizeof(o));
		o.series = series;
		o.period = DATE(y + (int)((m - 1 + (int)i) / 12),
		    (m - 1 + (int)i) % 12 + 1, 1);
		o.value = v[i];
		o.known_at = known;
		o.prev = NAN;
		next = o;
		next.period = DATE(y + (int)((m + (int)i) / 12),
		    (m + (int)i) % 12 + 1, 1);
		if (engine_obs_superseded(&o, i + 1 < n ? &next : NULL))
			o.flags = ENGINE_OBS_SUPERSEDED;
		assert_int_equal(engine_observe(e, &o), 0);
	}
}

/* Months from 2020-01 to 2026-11. */
#define TEST_HISTORY_N	(7 * 12 - 1)

static void
test_engine_backfill_batch(void **state)
{
	struct rule			*r[3];
	struct engine			*e;
	const struct engine_transition	*t;
	double				 v[TEST_HISTORY_N];
	int64_t				 known = DATE(2026, 12, 5);
	size_t				 i;

	/* A new series' whole history, every value above: one firing,
	 * on the newest point, known today. */
	r[0] = test_rule("hi", "kind=threshold", "series=csv/*",
	    "above=100", NULL);
	/* Only the oldest point above: nothing at all, no fire/resolve
	 * pair. */
	r[1] = test_rule("old", "kind=threshold", "series=csv/*",
	    "above=500", NULL);
	/* The newest against the month before, from the batch's history. */
	r[2] = test_rule("jump", "kind=change", "series=csv/*",
	    "window=1 periods", "above=50%", NULL);
	e = test_engine(r, 3);
	for (i = 0; i < TEST_HISTORY_N; i++)
		v[i] = 300;
	v[0] = 1000;
	v[TEST_HISTORY_N - 1] = 460;
	test_batch(e, "csv/P", 2020, 1, v, TEST_HISTORY_N, known);
	assert_int_equal(test_ntr(e), 2);
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, known);
	assert_string_equal(t->rule->name, "hi");
	assert_true(t->value == 460);
	assert_int_equal(t->nevidence, 1);
	assert_true(t->evidence[0].period == DATE(2026, 11, 1));
	assert_true(t->evidence[0].known_at == known);
	t = test_expect(e, 1, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, known);
	assert_string_equal(t->rule->name, "jump");
	assert_true(t->baseline == 300);
	assert_true(t->baseline_from == DATE(2026, 10, 1));
	test_close(t->metric, 160.0 / 3);

	/* A discontinued series: its newest point is old too. */
	engine_transitions_clear(e);
	test_batch(e, "csv/Q", 2010, 1, v, 72, known);
	assert_int_equal(test_ntr(e), 0);

	/* A lone first observation has no step to judge its age by: it is
	 * fresh, as documented (rule 3), however old. */
	test_batch(e, "csv/R", 2020, 1, v, 1, known);
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, known);
	assert_string_equal(t->rule->name, "hi");
	assert_true(t->evidence[0].period == DATE(2020, 1, 1));
	t = test_expect(e, 1, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_CONDITION, known);
	assert_string_equal(t->rule->name, "old");
	assert_int_equal(test_ntr(e), 2);
	test_done(e, r, 3);
}

/* A known series gets a backlog of months at once. */
static void
test_engine_backfill_backlog(void **state)
{
	struct rule			*r[4];
	struct engine			*e;
	const struct engine_transition	*t;
	const double			 v[] = { 390, 410 };
	int64_t				 known = DATE(2026, 12, 5);

	r[0] = test_rule("hi", "kind=threshold", "series=s", "above=400",
	    NULL);
	r[1] = test_rule("x", "kind=threshold", "series=s",
	    "crosses_above=400", NULL);
	r[2] = test_rule("rev", "kind=revision", "series=s", "above=5%",
	    NULL);
	r[3] = test_rule("n3", "kind=threshold", "series=s", "above=400",
	    "for=3 observations", NULL);
	e = test_engine(r, 4);
	test_obs(e, "s", DATE(2026, 7, 1), 410, DATE(2026, 8, 5));
	test_obs(e, "s", DATE(2026, 8, 1), 420, DATE(2026, 9, 5));
	/* hi fires, n3 pending; x saw no crossing (above from the start). */
	assert_int_equal(test_ntr(e), 2);
	engine_transitions_clear(e);

	/* A revision of August (superseded), then October and November:
	 * the revision fires; October's dip neither resolves hi nor sends
	 * n3 back, but it arms x, which fires on November. */
	test_obs_full(e, "s", DATE(2026, 8, 1), 300, known, 420,
	    ENGINE_OBS_SUPERSEDED);
	test_batch(e, "s", 2026, 10, v, 2, known);
	assert_int_equal(test_ntr(e), 3);
	t = test_expect(e, 0, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_TRIGGER, known);
	assert_string_equal(t->rule->name, "rev");
	assert_true(t->evidence[1].period == DATE(2026, 8, 1));
	t = test_expect(e, 1, ENGINE_INACTIVE, ENGINE_FIRING,
	    ENGINE_REASON_TRIGGER, known);
	assert_string_equal(t->rule->name, "x");
	assert_true(t->value == 410);
	assert_true(t->evidence[0].period == DATE(2026, 11, 1));
	/* A batch counts once towards `for N observations`. */
	t = test_expect(e, 2, ENGINE_PENDING, ENGINE_FIRING,
	    ENGINE_REASON_FOR, known);
	assert_string_equal(t->rule->name, "n3");
	assert_true(t->evidence[0].period == DATE(2026, 11, 1));
	test_done(e, r, 4);
}

static void
test_engine_superseded(void **state)
{
	struct engine_obs	a, b;

	memset(&a, 0, sizeof(a));
	a.series = "s";
	a.period = D(0);
	a.known_at = K(5);
	b = a;
	b.period = D(1);
	assert_int_equal(engine_obs_superseded(&a, &b), 1);
	assert_int_equal(engine_obs_superseded(&b, &a), 0);
	assert_int_equal(engine_obs_superseded(&a, NULL), 0);
	assert_int_equal(engine_obs_superseded(&a, &a), 0);
	b.known_at = K(5) + 1;
	assert_int_equal(engine_obs_superseded(&a, &b), 0);
	b.known_at = K(5);
	b.series = "t";
	assert_int_equal(engine_obs_superseded(&a, &b), 0);
}

static void
test_engine_restore(void **state)
{
	struct rule		*r[2], *other[1];
	struct engine		*e;
	struct test_saved	 ts = { .n = 0 };
	struct engine_saved	 sv;
	char			 err[256];
	size_t			 i;

	r[0] = test_rule("hi", "kind=threshold", "series=s", "above=400",
	    NULL);
	r[1] = test_rule("slow", "kind=threshold", "series=s", "above=400",
	    "for=3 observations", NULL);
	e = test_engine(r, 2);
	test_obs(e, "s", D(0), 410, K(0));
	assert_int_equal(test_ntr(e), 2);
	engine_save(e, ENGINE_SAVE_DIRTY, test_save_cb, &ts);
	assert_int_equal(ts.n, 2);
	test_saved_clear(&ts);
	engine_save(e, ENGINE_SAVE_DIRTY, test_save_cb, &ts);
	assert_int_equal(ts.n, 0);
	/* Only what changed: the pending count of "slow". */
	test_obs(e, "s", D(1), 420, K(1));
	engine_save(e, ENGINE_SAVE_DIRTY, test_save_cb, &ts);
	assert_int_equal(ts.n, 1);
	assert_string_equal(ts.sv[0].rule, "slow");
	assert_int_equal(ts.sv[0].state, ENGINE_PENDING);
	assert_int_equal(ts.sv[0].count, 2);
	assert_true(ts.sv[0].since == K(0));
	test_saved_clear(&ts);
	engine_save(e, 0, test_save_cb, &ts);
	assert_int_equal(ts.n, 2);
	engine_free(e);

	/* Restart: firing and pending carry on, nothing is re-reported. */
	e = test_engine(r, 2);
	for (i = 0; i < ts.n; i++)
		assert_int_equal(engine_restore(e, &ts.sv[i], err,
		    sizeof(err)), 0);
	test_obs(e, "s", D(2), 430, K(2));
	assert_int_equal(test_ntr(e), 1);
	test_expect(e, 0, ENGINE_PENDING, ENGINE_FIRING, ENGINE_REASON_FOR,
	    K(2));
	assert_string_equal(test_tr(e, 0)->rule->name, "slow");
	/* ...and no resolution is lost. */
	test_obs(e, "s", D(3), 390, K(3));
	test_expect(e, 1, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_CLEARED, K(3));
	test_expect(e, 2, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_CLEARED, K(3));
	assert_string_equal(test_tr(e, 1)->fingerprint, ts.sv[0].fingerprint);

	/* What cannot be restored says why. */
	sv = ts.sv[0];
	sv.rule = "gone";
	assert_int_equal(engine_restore(e, &sv, err, sizeof(err)), -1);
	assert_string_equal(err, "rule \"gone\" is no longer defined");
	sv = ts.sv[0];
	sv.kind = RULE_CHANGE;
	assert_int_equal(engine_restore(e, &sv, err, sizeof(err)), -1);
	assert_string_equal(err, "rule \"hi\" is now of kind threshold, was "
	    "change");
	engine_free(e);
	other[0] = test_rule("hi", "kind=threshold", "series=t", "above=1",
	    NULL);
	e = test_engine(other, 1);
	assert_int_equal(engine_restore(e, &ts.sv[0], err, sizeof(err)), -1);
	assert_string_equal(err, "rule \"hi\" no longer matches series "
	    "\"s\"");
	test_saved_clear(&ts);
	test_done(e, other, 1);
	rule_free(r[0]);
	rule_free(r[1]);
}

static void
test_engine_restore_event(void **state)
{
	struct rule		*r[1];
	struct engine		*e;
	struct engine_event	 ev;
	struct test_saved	 ts = { .n = 0 };
	char			 err[256];
	int64_t			 known = DATE(2025, 12, 15) + 18 * HOUR;

	r[0] = test_rule("new", "kind=sanctions", NULL);
	e = test_engine(r, 1);
	ev = test_event(7, "US", "general_license", "GL 13", test_bk, 2, -1,
	    DATE(2025, 12, 15), known, "fedreg");
	assert_int_equal(engine_event(e, &ev), 0);
	engine_save(e, ENGINE_SAVE_DIRTY, test_save_cb, &ts);
	assert_int_equal(ts.n, 1);
	assert_string_equal(ts.sv[0].series, "event/7");
	assert_true(ts.sv[0].until == known + DAY);
	engine_free(e);

	/* Restart: the event is fed again as known; it fires nothing and
	 * the alert still ends on time. */
	e = test_engine(r, 1);
	assert_int_equal(engine_restore(e, &ts.sv[0], err, sizeof(err)), 0);
	ev.flags = ENGINE_EVENT_KNOWN;
	assert_int_equal(engine_event(e, &ev), 0);
	ev.flags = 0;
	assert_int_equal(engine_event(e, &ev), 0);
	assert_int_equal(test_ntr(e), 0);
	engine_evaluate(e, known + 2 * DAY);
	test_expect(e, 0, ENGINE_FIRING, ENGINE_RESOLVED,
	    ENGINE_REASON_KEEP_EXPIRED, known + DAY);
	assert_string_equal(test_tr(e, 0)->event, "US general_license GL 13 "
	    "(2025-12-15)");
	test_saved_clear(&ts);
	test_done(e, r, 1);
}

static void
test_engine_fingerprint(void **state)
{
	struct rule	*r[2];
	struct engine	*e;
	char		 fp[ENGINE_FINGERPRINT_LEN];

	r[0] = test_rule("potash-high", "kind=threshold",
	    "series=fred/PPOTASHUSDM", "above=400", "labels.team=market",
	    "labels.region=eu", NULL);
	r[1] = test_rule("potash-high", "kind=threshold",
	    "series=fred/PPOTASHUSDM", "above=500", "labels.region=eu",
	    "labels.team=market", NULL);
	/* FNV-1a 64 of "potash-high\0fred/PPOTASHUSDM\0region\0eu\0team\0"
	 * "market\0": the same whatever the label order or the level. */
	engine_fingerprint(r[0], "fred/PPOTASHUSDM", fp);
	assert_string_equal(fp, "0c1a4a4f5e0d7a20");
	engine_fingerprint(r[1], "fred/PPOTASHUSDM", fp);
	assert_string_equal(fp, "0c1a4a4f5e0d7a20");
	e = test_engine(r, 1);
	test_obs(e, "fred/PPOTASHUSDM", D(0), 410, K(0));
	test_obs(e, "fred/PPOTASHUSDM", D(1), 390, K(1));
	test_obs(e, "fred/PPOTASHUSDM", D(2), 999, K(2));
	assert_int_equal(test_ntr(e), 3);
	assert_string_equal(test_tr(e, 0)->fingerprint, "0c1a4a4f5e0d7a20");
	assert_string_equal(test_tr(e, 2)->fingerprint, "0c1a4a4f5e0d7a20");
	engine_free(e);
	rule_free(r[1]);
	r[1] = test_rule("potash-high", "kind=threshold",
	    "series=fred/PPOTASHUSDM", "above=400", NULL);
	engine_fingerprint(r[1], "fred/PPOTASHUSDM", fp);
	assert_string_equal(fp, "2ff2eb3b3d49d1bb");
	rule_free(r[0]);
	rule_free(r[1]);
}

static void
test_engine_glob(void **state)
{
	struct rule		*r[2];
	struct engine		*e;
	struct engine_stats	 st;
	struct engine_obs	 o;
	char			 err[256];

	r[0] = test_rule("close", "kind=threshold", "series=yahoo/*/close",
	    "above=100", NULL);
	r[1] = test_rule("close", "kind=threshold", "series=x", "above=1",
	    NULL);
	assert_null(engine_new((const struct rule *const *)r, 2, err,
	    sizeof(err)));
	assert_string_equal(err, "rule \"close\" defined twice");
	e = test_engine(r, 1);
	test_obs(e, "yahoo/MOS/close", D(0), 110, K(0));
	test_obs(e, "yahoo/MOS/open", D(0), 110, K(0));
	test_obs(e, "yahoo/NTR/close", D(0), 90, K(0));
	assert_int_equal(test_ntr(e), 1);
	assert_string_equal(test_tr(e, 0)->series, "yahoo/MOS/close");
	engine_get_stats(e, &st);
	assert_int_equal(st.series, 3);
	assert_int_equal(st.instances, 2);
	memset(&o, 0, sizeof(o));
	o.series = "yahoo/MOS/close";
	o.value = NAN;
	assert_int_equal(engine_observe(e, &o), -1);
	o.value = INFINITY;
	assert_int_equal(engine_observe(e, &o), -1);
	assert_string_equal(engine_state_name(ENGINE_RESOLVED), "resolved");
	assert_string_equal(engine_reason_name(ENGINE_REASON_WINDOW_CLOSED),
	    "window_closed");
	test_done(e, r, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_threshold),
		cmocka_unit_test(test_engine_for_time),
		cmocka_unit_test(test_engine_for_count),
		cmocka_unit_test(test_engine_keep_firing),
		cmocka_unit_test(test_engine_no_data),
		cmocka_unit_test(test_engine_flapping),
		cmocka_unit_test(test_engine_crosses),
		cmocka_unit_test(test_engine_change),
		cmocka_unit_test(test_engine_change_long_run),
		cmocka_unit_test(test_engine_rolling_sum),
		cmocka_unit_test(test_engine_since_event),
		cmocka_unit_test(test_engine_since_known),
		cmocka_unit_test(test_engine_since_rearm),
		cmocka_unit_test(test_engine_since_restore),
		cmocka_unit_test(test_engine_stale),
		cmocka_unit_test(test_engine_sanctions),
		cmocka_unit_test(test_engine_event_from),
		cmocka_unit_test(test_engine_revision),
		cmocka_unit_test(test_engine_backfill),
		cmocka_unit_test(test_engine_backfill_batch),
		cmocka_unit_test(test_engine_backfill_backlog),
		cmocka_unit_test(test_engine_superseded),
		cmocka_unit_test(test_engine_restore),
		cmocka_unit_test(test_engine_restore_event),
		cmocka_unit_test(test_engine_fingerprint),
		cmocka_unit_test(test_engine_glob),
		cmocka_unit_test(test_engine_cadence),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
