/* SPDX-License-Identifier: ISC */
/*
 * evalgen: the inputs of bench/eval, generated day by day, and its rules.
 *
 * A generator owns the series keys (allocated once, borrowed by the
 * observations and rules it makes), each series' random walk and
 * publication calendar, and the buffer of one day's observations, reused
 * day after day.  One day: at 02:00 the daily series' values of
 * yesterday, at 04:00 the monthly ones due, at 08:00 revisions, at 12:00
 * perhaps a sanctions event; known_at never goes back.  splitmix64 from a
 * fixed seed makes every run the same.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/engine.h"
#include "alert/rule.h"
#include "bench/evalgen.h"
#include "util/civil.h"
#include "util/xmalloc.h"

#define EVALGEN_SEED		UINT64_C(0x706f7461736864)
#define EVALGEN_USEC		INT64_C(1000000)
#define EVALGEN_HOUR		(3600 * EVALGEN_USEC)
#define EVALGEN_DAY		(86400 * EVALGEN_USEC)
#define EVALGEN_MSEC		INT64_C(1000)
#define EVALGEN_EVENT_DAYS	61	/* days between sanctions events */
#define EVALGEN_MAXOPTS		8
#define EVALGEN_MAXVALS		4

static const char *const evalgen_entities[][2] = {
	{ "Belaruskali OAO", NULL },
	{ "PJSC Uralkali", NULL },
	{ "JSC Belarusian Potash Company", "Belaruskali OAO" },
};

/* splitmix64: small, fast, and the same everywhere. */
static uint64_t
evalgen_rand(struct evalgen *g)
{
	uint64_t	z = (g->rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (z ^ (z >> 31));
}

/* Uniform in [0, 1). */
static double
evalgen_uniform(struct evalgen *g)
{
	return ((double)(evalgen_rand(g) >> 11) * 0x1p-53);
}

static int
evalgen_is_monthly(size_t i)
{
	return (i % EVALGEN_MONTHLY == 0);
}

/* Days since 1970 of the first day of month m (year * 12 + month - 1). */
static int64_t
evalgen_month_day(int m)
{
	return (civil_days(m / 12, m % 12 + 1, 1));
}

/* The next value of series i: back towards 100, plus noise of sd 3. */
static double
evalgen_walk(struct evalgen *g, size_t i)
{
	double	noise;

	noise = (evalgen_uniform(g) + evalgen_uniform(g) + evalgen_uniform(g) +
	    evalgen_uniform(g) - 2) * sqrt(3.0);
	g->value[i] += 0.1 * (100 - g->value[i]) + 3 * noise;
	return (g->value[i]);
}

/* Monthly series i: when month m's value comes out (late sometimes). */
static int64_t
evalgen_pubday(struct evalgen *g, size_t i, int m)
{
	int64_t	d;

	d = evalgen_month_day(m + 1) + (int64_t)((i / EVALGEN_MONTHLY) % 20);
	if (evalgen_uniform(g) < 1.0 / 30) {
		g->late++;
		d += 12;
	}
	return (d);
}

struct evalgen *
evalgen_new(size_t nseries, size_t group)
{
	struct evalgen	*g;
	size_t		 i;

	g = xcalloc(1, sizeof(*g));
	g->nseries = nseries;
	g->group = group;
	g->keys = xcalloc(nseries, sizeof(*g->keys));
	for (i = 0; i < nseries; i++)
		g->keys[i] = xasprintf("bench/g%04zu/%c%06zu", i / group,
		    evalgen_is_monthly(i) ? 'm' : 'd', i);
	g->value = xcalloc(nseries, sizeof(*g->value));
	g->pubday = xcalloc(nseries, sizeof(*g->pubday));
	g->month = xcalloc(nseries, sizeof(*g->month));
	g->published = xcalloc(nseries * 2, sizeof(*g->published));
	g->cap = nseries * 2;
	g->obs = xcalloc(g->cap, sizeof(*g->obs));
	return (g);
}

/* Back to the first day, with the seed: the same inputs again. */
void
evalgen_reset(struct evalgen *g)
{
	size_t	i;

	g->rng = EVALGEN_SEED;
	g->first_day = g->day = civil_days(2020, 1, 1);
	g->produced = g->missing = g->late = g->revisions = g->events = 0;
	for (i = 0; i < g->nseries; i++) {
		g->value[i] = 100;
		if (evalgen_is_monthly(i)) {
			g->month[i] = 2019 * 12 + 11;	/* 2019-12 */
			g->pubday[i] = evalgen_pubday(g, i, g->month[i]);
		}
	}
}

void
evalgen_free(struct evalgen *g)
{
	size_t	i;

	if (g == NULL)
		return;
	for (i = 0; i < g->nseries; i++)
		free(g->keys[i]);
	free(g->keys);
	free(g->value);
	free(g->pubday);
	free(g->month);
	free(g->published);
	free(g->obs);
	free(g);
}

/* Appends an observation of series i; 0 once limit is reached. */
static int
evalgen_push(struct evalgen *g, uint64_t limit, size_t i, int64_t period,
    double value, int64_t known_at)
{
	struct engine_obs	*o;

	if (g->produced >= limit || g->nobs == g->cap)
		return (0);
	o = &g->obs[g->nobs];
	o->series = g->keys[i];
	o->period = period;
	o->value = value;
	o->known_at = known_at;
	o->prev = NAN;
	o->flags = 0;
	g->published[g->nobs++] = i;
	g->produced++;
	return (1);
}

/*
 * Generates the next day's inputs, at most limit observations in all:
 * at 02:00 the daily series' values of yesterday (one in 500 missing),
 * at 04:00 the monthly series due today, at 08:00 revisions of one in
 * 100 of those (the same period, up to 8 % off), at 12:00 perhaps a
 * sanctions event (events: 0 generates none).  A millisecond apart
 * within each hour.  Returns 0, or -1 when limit was reached before.
 */
int
evalgen_day(struct evalgen *g, uint64_t limit, int events)
{
	int64_t		t0 = g->day * EVALGEN_DAY, period;
	size_t		i, k, n;
	double		v;
	const size_t	nent = sizeof(evalgen_entities) /
			    sizeof(evalgen_entities[0]);

	if (g->produced >= limit)
		return (-1);
	g->nobs = 0;
	g->has_event = 0;
	for (i = 0; i < g->nseries; i++) {
		if (evalgen_is_monthly(i))
			continue;
		if (evalgen_uniform(g) < 1.0 / 500) {
			g->missing++;
			continue;
		}
		period = (g->day - 1) * EVALGEN_DAY;
		if (!evalgen_push(g, limit, i, period, evalgen_walk(g, i),
		    t0 + 2 * EVALGEN_HOUR + (int64_t)i * EVALGEN_MSEC))
			goto out;
	}
	for (i = 0; i < g->nseries; i += EVALGEN_MONTHLY) {
		if (g->pubday[i] != g->day)
			continue;
		period = evalgen_month_day(g->month[i]) * EVALGEN_DAY;
		if (!evalgen_push(g, limit, i, period, evalgen_walk(g, i),
		    t0 + 4 * EVALGEN_HOUR + (int64_t)i * EVALGEN_MSEC))
			goto out;
		g->month[i]++;
		g->pubday[i] = evalgen_pubday(g, i, g->month[i]);
	}
	n = g->nobs;
	for (k = 0; k < n; k++) {
		if (evalgen_uniform(g) >= 1.0 / 100)
			continue;
		i = g->published[k];
		v = g->obs[k].value * (1 + (evalgen_uniform(g) - 0.5) * 0.16);
		if (!evalgen_push(g, limit, i, g->obs[k].period, v,
		    t0 + 8 * EVALGEN_HOUR + (int64_t)k * EVALGEN_MSEC))
			goto out;
		g->value[i] = v;
		g->revisions++;
	}
	if (events && (g->day - g->first_day) % EVALGEN_EVENT_DAYS ==
	    EVALGEN_EVENT_DAYS / 2) {
		k = (size_t)g->events++;
		memset(&g->ev, 0, sizeof(g->ev));
		snprintf(g->instrument, sizeof(g->instrument), "bench %zu",
		    k + 1);
		g->ev.id = (int64_t)k + 1;
		g->ev.announced = t0;
		g->ev.effective = INT64_MIN;
		g->ev.known_at = t0 + 12 * EVALGEN_HOUR;
		g->ev.jurisdiction = k % 3 == 0 ? "US" : k % 3 == 1 ? "EU" :
		    "UK";
		g->ev.action = k % 2 ? "general_license" : "sdn_designation";
		g->ev.instrument = g->instrument;
		g->ev.entities = evalgen_entities[k % nent];
		g->ev.nentities = evalgen_entities[k % nent][1] != NULL ? 2 : 1;
		g->ev.direction = k % 2 ? -1 : 1;
		g->ev.origin = "bench";
		g->has_event = 1;
	}
out:
	g->day++;
	return (0);
}

/* A rule from "name=value" options, '|' between list values; exits if
 * rule_new refuses it (a bug here). */
static struct rule *
evalgen_rule(const char *name, ...)
{
	struct rule_kv	 kv[EVALGEN_MAXOPTS];
	const char	*vals[EVALGEN_MAXOPTS][EVALGEN_MAXVALS];
	char		 buf[EVALGEN_MAXOPTS][128], err[512], *eq, *p, *bar;
	const char	*s;
	struct rule	*r;
	va_list		 ap;
	size_t		 n = 0;
	int		 line;

	memset(kv, 0, sizeof(kv));
	va_start(ap, name);
	while ((s = va_arg(ap, const char *)) != NULL && n < EVALGEN_MAXOPTS) {
		snprintf(buf[n], sizeof(buf[n]), "%s", s);
		if ((eq = strchr(buf[n], '=')) == NULL)
			continue;
		*eq = '\0';
		kv[n].name = buf[n];
		kv[n].line = (int)n + 1;
		for (p = eq + 1; kv[n].nvalues < EVALGEN_MAXVALS; p = bar + 1) {
			vals[n][kv[n].nvalues++] = p;
			if ((bar = strchr(p, '|')) == NULL)
				break;
			*bar = '\0';
		}
		kv[n].values = vals[n];
		n++;
	}
	va_end(ap);
	if ((r = rule_new(name, kv, n, err, sizeof(err), &line)) == NULL) {
		fprintf(stderr, "eval: rule %s: option %d: %s\n", name, line,
		    err);
		exit(1);
	}
	return (r);
}

/*
 * The series option of rule j: by j % 10, a group glob (0), a glob of
 * ten series (1 to 4) or one key (5 to 9).  freq 'd' or 'm' keeps to
 * daily or monthly series, 0 takes both.
 */
static void
evalgen_series_opt(const struct evalgen *g, size_t j, int freq, char *buf,
    size_t len)
{
	size_t	ngroups = (g->nseries + g->group - 1) / g->group;
	size_t	ndecades = (g->nseries + 9) / 10, d, i;
	char	c[2] = { (char)freq, '\0' };

	switch (j % 10) {
	case 0:
		snprintf(buf, len, "series=bench/g%04zu/%s*", (j / 10) %
		    ngroups, c);
		return;
	case 1:
	case 2:
	case 3:
	case 4:
		d = j * 7919 % ndecades;
		snprintf(buf, len, "series=bench/g%04zu/%s%05zu?",
		    d * 10 / g->group, freq != 0 ? c : "?", d);
		return;
	default:
		i = j * 104729 % g->nseries;
		if (freq == 'm')
			i -= i % EVALGEN_MONTHLY;
		else if (freq == 'd' && evalgen_is_monthly(i))
			i = i + 1 < g->nseries ? i + 1 : i;
		snprintf(buf, len, "series=%s", g->keys[i]);
		return;
	}
}

/* Threshold rule j: above, below or crosses_above, each with clear. */
struct rule *
evalgen_rule_threshold(const struct evalgen *g, size_t j, int with_for)
{
	char	name[32], ser[64], lvl[32], clr[32];
	int	step = (int)(j / 3 % 5) * 2;

	snprintf(name, sizeof(name), "threshold_%zu", j);
	evalgen_series_opt(g, j, 0, ser, sizeof(ser));
	switch (j % 3) {
	case 0:
		snprintf(lvl, sizeof(lvl), "above=%d", 114 + step);
		snprintf(clr, sizeof(clr), "clear=%d", 108 + step);
		break;
	case 1:
		snprintf(lvl, sizeof(lvl), "below=%d", 86 - step);
		snprintf(clr, sizeof(clr), "clear=%d", 92 - step);
		break;
	default:
		snprintf(lvl, sizeof(lvl), "crosses_above=%d", 112 + step);
		snprintf(clr, sizeof(clr), "clear=%d", 104 + step);
		return (evalgen_rule(name, "kind=threshold", ser, lvl, clr,
		    NULL));
	}
	return (evalgen_rule(name, "kind=threshold", ser, lvl, clr,
	    with_for && j % 4 == 1 ? "for=36h" : NULL, NULL));
}

/*
 * The kind of mixed rule j, per hundred: threshold 50, change 15,
 * rolling_sum 5, since_event 5, stale 15, revision 8, sanctions 2.
 * Stepping by 37 (prime to 100) spreads the kinds over fewer rules too.
 */
static enum rule_kind
evalgen_mixed_kind(size_t j)
{
	size_t	p = j * 37 % 100;

	if (p < 50)
		return (RULE_THRESHOLD);
	if (p < 65)
		return (RULE_CHANGE);
	if (p < 70)
		return (RULE_ROLLING_SUM);
	if (p < 75)
		return (RULE_SINCE_EVENT);
	if (p < 90)
		return (RULE_STALE);
	if (p < 98)
		return (RULE_REVISION);
	return (RULE_SANCTIONS);
}

struct rule *
evalgen_rule_mixed(const struct evalgen *g, size_t j)
{
	char	name[32], ser[64];
	int	freq;

	snprintf(name, sizeof(name), "%s_%zu",
	    rule_kind_name(evalgen_mixed_kind(j)), j);
	switch (evalgen_mixed_kind(j)) {
	case RULE_THRESHOLD:
		return (evalgen_rule_threshold(g, j, 1));
	case RULE_CHANGE:
		evalgen_series_opt(g, j, 0, ser, sizeof(ser));
		if (j % 2)
			return (evalgen_rule(name, "kind=change", ser,
			    "window=30d", "above=20%", NULL));
		return (evalgen_rule(name, "kind=change", ser,
		    "window=5 periods", "above=15%", "below=-15%", NULL));
	case RULE_ROLLING_SUM:
		evalgen_series_opt(g, j, 0, ser, sizeof(ser));
		return (evalgen_rule(name, "kind=rolling_sum", ser,
		    "window=12 periods", "above=1300", "clear=1250", NULL));
	case RULE_SINCE_EVENT:
		evalgen_series_opt(g, j, 0, ser, sizeof(ser));
		return (evalgen_rule(name, "kind=since_event", ser,
		    j % 2 ? "event.jurisdiction=US" :
		    "event.entity=belaruskali", "baseline=30d",
		    "within=90d", "above=15%", NULL));
	case RULE_STALE:
		freq = (j % 10 == 0 ? j / 10 : j) % 2 ? 'm' : 'd';
		evalgen_series_opt(g, j, freq, ser, sizeof(ser));
		if (freq == 'm')
			return (evalgen_rule(name, "kind=stale", ser,
			    "expect=monthly by day 25", NULL));
		return (evalgen_rule(name, "kind=stale", ser,
		    "expect=daily by 06:00", "lag=1", NULL));
	case RULE_REVISION:
		evalgen_series_opt(g, j, 0, ser, sizeof(ser));
		return (evalgen_rule(name, "kind=revision", ser, "above=5%",
		    NULL));
	case RULE_SANCTIONS:
		return (evalgen_rule(name, "kind=sanctions", j % 2 ?
		    "event.jurisdiction=EU" :
		    "event.entity=belaruskali|uralkali", NULL));
	}
	return (NULL);
}
