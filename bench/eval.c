/* SPDX-License-Identifier: ISC */
/*
 * eval: how fast the alert engine (alert/engine.h) evaluates observations.
 *
 * A replay of some 20 months of data, the same in both runs: so many
 * observations (5,000,000) of so many series (10,000; one in five
 * monthly, the rest daily), fed in known_at order as potashd feeds
 * committed observations.  Values are mean-reverting random walks around
 * 100, so they cross the rules' levels now and then; each value is known
 * shortly after its period ends (daily: 02:00 the next day; monthly: on
 * a day of the next month), so it is fresh.  Some daily values are
 * missing, some monthly ones late, some values revised the same day.
 * After every batch of 1,000 observations the daemon's steps follow:
 * engine_evaluate at the latest known_at, engine_transitions (counted by
 * kind), engine_save of the dirty instances, engine_transitions_clear.
 *
 * Two runs, each with a fresh engine over its own rules (1,000):
 *   threshold-only	above, below and crosses_above, all with clear
 *			levels; a tenth match a group of series by glob
 *			(together every series), four tenths ten series by
 *			glob, half one series by key;
 *   mixed		the same matching, with threshold, change,
 *			rolling_sum, since_event, stale, revision and
 *			sanctions rules in proportions a real config might
 *			have, and a sanctions event every 61 days.
 *
 * The inputs of a day are generated before that day is fed and the
 * clocks run only while the engine works, so the figures are the
 * engine's own.  Series keys are allocated once.  Fixed seed: every run
 * feeds the same inputs.
 *
 * A benchmark: it prints figures and asserts nothing, the target
 * included.  It is not a test and the test suite never runs it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert/engine.h"
#include "alert/rule.h"
#include "alert/schedule.h"
#include "util/civil.h"
#include "bench/benchutil.h"
#include "util/xmalloc.h"

#define EVAL_OBS	5000000
#define EVAL_SERIES	10000
#define EVAL_RULES	1000
#define EVAL_SERIES_MAX	1000000	/* the keys have six digits */
#define EVAL_BATCH	1000	/* observations per daemon batch */
#define EVAL_TARGET	5e6	/* threshold-only, obs/s per core */
#define EVAL_SEED	UINT64_C(0x706f7461736864)
#define EVAL_USEC	INT64_C(1000000)
#define EVAL_HOUR	(3600 * EVAL_USEC)
#define EVAL_DAY	(86400 * EVAL_USEC)
#define EVAL_MSEC	INT64_C(1000)
#define EVAL_MONTHLY	5	/* series i is monthly if i % this == 0 */
#define EVAL_EVENT_DAYS	61	/* days between sanctions events */
#define EVAL_WARM_DAYS	35	/* by then every series has been seen */
#define EVAL_MAXOPTS	8
#define EVAL_MAXVALS	4
#define EVAL_NKINDS	(RULE_REVISION + 1)

enum eval_mode {
	EVAL_THRESHOLD,
	EVAL_MIXED,
	EVAL_NMODES,
};

static const char *const eval_mode_names[EVAL_NMODES] = {
	"threshold-only", "mixed",
};

/* The inputs: series keys (allocated once) and the generator's state. */
struct eval_gen {
	uint64_t		 rng;
	size_t			 nseries;
	size_t			 group;	/* series per group glob */
	char			**keys;
	double			*value;	/* the random walk */
	int64_t			*pubday; /* monthly: next publication */
	int			*month;	/* monthly: next period,
					 * year * 12 + month - 1 */
	int64_t			 first_day; /* days since 1970 */
	int64_t			 day;	/* the next day generated */
	uint64_t		 produced; /* observations so far */
	uint64_t		 missing, late, revisions, events;

	/* One day's inputs, in known_at order, the event (if any) last. */
	struct engine_obs	*obs;
	size_t			 nobs, cap;
	size_t			*published; /* series of obs[i] */
	struct engine_event	 ev;
	char			 instrument[32];
	int			 has_event;
};

/* What one run measured. */
struct eval_figure {
	size_t			nrules;
	size_t			nkind[EVAL_NKINDS];
	uint64_t		nobs, nevents, nbatches;
	double			secs, cpu; /* while the engine worked */
	double			batch_secs; /* of which the batch steps */
	/* The first EVAL_WARM_DAYS days, when every series is first seen
	 * (and its instances made). */
	uint64_t		warm_obs;
	double			warm_cpu;
	uint64_t		transitions, saved;
	uint64_t		trkind[EVAL_NKINDS];
	uint64_t		trreason[ENGINE_REASON_FLAPPING_END + 1];
	struct engine_stats	stats;
	long			rss_kb;	/* peak, -1 unknown */
};

static const char *const eval_entities[][2] = {
	{ "Belaruskali OAO", NULL },
	{ "PJSC Uralkali", NULL },
	{ "JSC Belarusian Potash Company", "Belaruskali OAO" },
};

static void	eval_usage(int) __attribute__((noreturn));

static void
eval_usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: eval [-n OBS] [-s SERIES] [-r RULES] [-m MODE]\n"
	    "  -n, --obs N     observations fed in each run (default %d)\n"
	    "  -s, --series N  series, one in %d monthly (default %d, at "
	    "most %d)\n"
	    "  -r, --rules N   rules in each run (default %d)\n"
	    "  -m, --mode M    threshold or mixed: that run only (for "
	    "profiling)\n", EVAL_OBS, EVAL_MONTHLY, EVAL_SERIES,
	    EVAL_SERIES_MAX, EVAL_RULES);
	exit(status);
}

static double
eval_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* A KiB figure of /proc/self/status ("VmHWM:", "VmRSS:"), or -1. */
static long
eval_status_kb(const char *name)
{
	char	 line[256];
	FILE	*f = fopen("/proc/self/status", "r");
	long	 kb = -1;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, name, strlen(name)) == 0)
			kb = strtol(line + strlen(name), NULL, 10);
	if (f != NULL)
		fclose(f);
	return (kb);
}

/* Resets this process's peak RSS to its current RSS (Linux 4.0). */
static void
eval_rss_reset(void)
{
	int	fd = open("/proc/self/clear_refs", O_WRONLY);

	if (fd == -1 || write(fd, "5", 1) != 1)
		fprintf(stderr, "eval: cannot reset the peak RSS: %s\n",
		    strerror(errno));
	if (fd != -1)
		close(fd);
}

/* The CPU's model name from /proc/cpuinfo, or "?". */
static void
eval_cpu_model(char *buf, size_t len)
{
	char	 line[256], *p;
	FILE	*f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "?");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "model name", 10) != 0 ||
		    (p = strchr(line, ':')) == NULL)
			continue;
		p += strspn(p + 1, " \t") + 1;
		p[strcspn(p, "\n")] = '\0';
		snprintf(buf, len, "%s", p);
		break;
	}
	if (f != NULL)
		fclose(f);
}

/* splitmix64: small, fast, and the same everywhere. */
static uint64_t
eval_rand(struct eval_gen *g)
{
	uint64_t	z = (g->rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (z ^ (z >> 31));
}

/* Uniform in [0, 1). */
static double
eval_uniform(struct eval_gen *g)
{
	return ((double)(eval_rand(g) >> 11) * 0x1p-53);
}

static int
eval_is_monthly(size_t i)
{
	return (i % EVAL_MONTHLY == 0);
}

/* Days since 1970 of the first day of month m (year * 12 + month - 1). */
static int64_t
eval_month_day(int m)
{
	return (civil_days(m / 12, m % 12 + 1, 1));
}

/* The next value of series i: back towards 100, plus noise of sd 3. */
static double
eval_walk(struct eval_gen *g, size_t i)
{
	double	noise;

	noise = (eval_uniform(g) + eval_uniform(g) + eval_uniform(g) +
	    eval_uniform(g) - 2) * sqrt(3.0);
	g->value[i] += 0.1 * (100 - g->value[i]) + 3 * noise;
	return (g->value[i]);
}

/* Monthly series i: when month m's value comes out (late sometimes). */
static int64_t
eval_pubday(struct eval_gen *g, size_t i, int m)
{
	int64_t	d;

	d = eval_month_day(m + 1) + (int64_t)((i / EVAL_MONTHLY) % 20);
	if (eval_uniform(g) < 1.0 / 30) {
		g->late++;
		d += 12;
	}
	return (d);
}

static struct eval_gen *
eval_gen_new(size_t nseries, size_t group)
{
	struct eval_gen	*g;
	size_t		 i;

	g = xcalloc(1, sizeof(*g));
	g->nseries = nseries;
	g->group = group;
	g->keys = xcalloc(nseries, sizeof(*g->keys));
	for (i = 0; i < nseries; i++)
		g->keys[i] = xasprintf("bench/g%04zu/%c%06zu", i / group,
		    eval_is_monthly(i) ? 'm' : 'd', i);
	g->value = xcalloc(nseries, sizeof(*g->value));
	g->pubday = xcalloc(nseries, sizeof(*g->pubday));
	g->month = xcalloc(nseries, sizeof(*g->month));
	g->published = xcalloc(nseries * 2, sizeof(*g->published));
	g->cap = nseries * 2;
	g->obs = xcalloc(g->cap, sizeof(*g->obs));
	return (g);
}

/* Back to the first day, with the seed: the same inputs again. */
static void
eval_gen_reset(struct eval_gen *g)
{
	size_t	i;

	g->rng = EVAL_SEED;
	g->first_day = g->day = civil_days(2020, 1, 1);
	g->produced = g->missing = g->late = g->revisions = g->events = 0;
	for (i = 0; i < g->nseries; i++) {
		g->value[i] = 100;
		if (eval_is_monthly(i)) {
			g->month[i] = 2019 * 12 + 11;	/* 2019-12 */
			g->pubday[i] = eval_pubday(g, i, g->month[i]);
		}
	}
}

static void
eval_gen_free(struct eval_gen *g)
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
eval_gen_push(struct eval_gen *g, uint64_t limit, size_t i, int64_t period,
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
static int
eval_gen_day(struct eval_gen *g, uint64_t limit, int events)
{
	int64_t		t0 = g->day * EVAL_DAY, period;
	size_t		i, k, n;
	double		v;
	const size_t	nent = sizeof(eval_entities) /
			    sizeof(eval_entities[0]);

	if (g->produced >= limit)
		return (-1);
	g->nobs = 0;
	g->has_event = 0;
	for (i = 0; i < g->nseries; i++) {
		if (eval_is_monthly(i))
			continue;
		if (eval_uniform(g) < 1.0 / 500) {
			g->missing++;
			continue;
		}
		period = (g->day - 1) * EVAL_DAY;
		if (!eval_gen_push(g, limit, i, period, eval_walk(g, i),
		    t0 + 2 * EVAL_HOUR + (int64_t)i * EVAL_MSEC))
			goto out;
	}
	for (i = 0; i < g->nseries; i += EVAL_MONTHLY) {
		if (g->pubday[i] != g->day)
			continue;
		period = eval_month_day(g->month[i]) * EVAL_DAY;
		if (!eval_gen_push(g, limit, i, period, eval_walk(g, i),
		    t0 + 4 * EVAL_HOUR + (int64_t)i * EVAL_MSEC))
			goto out;
		g->month[i]++;
		g->pubday[i] = eval_pubday(g, i, g->month[i]);
	}
	n = g->nobs;
	for (k = 0; k < n; k++) {
		if (eval_uniform(g) >= 1.0 / 100)
			continue;
		i = g->published[k];
		v = g->obs[k].value * (1 + (eval_uniform(g) - 0.5) * 0.16);
		if (!eval_gen_push(g, limit, i, g->obs[k].period, v,
		    t0 + 8 * EVAL_HOUR + (int64_t)k * EVAL_MSEC))
			goto out;
		g->value[i] = v;
		g->revisions++;
	}
	if (events && (g->day - g->first_day) % EVAL_EVENT_DAYS ==
	    EVAL_EVENT_DAYS / 2) {
		k = (size_t)g->events++;
		memset(&g->ev, 0, sizeof(g->ev));
		snprintf(g->instrument, sizeof(g->instrument), "bench %zu",
		    k + 1);
		g->ev.id = (int64_t)k + 1;
		g->ev.announced = t0;
		g->ev.effective = INT64_MIN;
		g->ev.known_at = t0 + 12 * EVAL_HOUR;
		g->ev.jurisdiction = k % 3 == 0 ? "US" : k % 3 == 1 ? "EU" :
		    "UK";
		g->ev.action = k % 2 ? "general_license" : "sdn_designation";
		g->ev.instrument = g->instrument;
		g->ev.entities = eval_entities[k % nent];
		g->ev.nentities = eval_entities[k % nent][1] != NULL ? 2 : 1;
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
eval_rule(const char *name, ...)
{
	struct rule_kv	 kv[EVAL_MAXOPTS];
	const char	*vals[EVAL_MAXOPTS][EVAL_MAXVALS];
	char		 buf[EVAL_MAXOPTS][128], err[512], *eq, *p, *bar;
	const char	*s;
	struct rule	*r;
	va_list		 ap;
	size_t		 n = 0;
	int		 line;

	memset(kv, 0, sizeof(kv));
	va_start(ap, name);
	while ((s = va_arg(ap, const char *)) != NULL && n < EVAL_MAXOPTS) {
		snprintf(buf[n], sizeof(buf[n]), "%s", s);
		if ((eq = strchr(buf[n], '=')) == NULL)
			continue;
		*eq = '\0';
		kv[n].name = buf[n];
		kv[n].line = (int)n + 1;
		for (p = eq + 1; kv[n].nvalues < EVAL_MAXVALS; p = bar + 1) {
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
eval_series_opt(const struct eval_gen *g, size_t j, int freq, char *buf,
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
			i -= i % EVAL_MONTHLY;
		else if (freq == 'd' && eval_is_monthly(i))
			i = i + 1 < g->nseries ? i + 1 : i;
		snprintf(buf, len, "series=%s", g->keys[i]);
		return;
	}
}

/* Threshold rule j: above, below or crosses_above, each with clear. */
static struct rule *
eval_rule_threshold(const struct eval_gen *g, size_t j, int with_for)
{
	char	name[32], ser[64], lvl[32], clr[32];
	int	step = (int)(j / 3 % 5) * 2;

	snprintf(name, sizeof(name), "threshold_%zu", j);
	eval_series_opt(g, j, 0, ser, sizeof(ser));
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
		return (eval_rule(name, "kind=threshold", ser, lvl, clr,
		    NULL));
	}
	return (eval_rule(name, "kind=threshold", ser, lvl, clr,
	    with_for && j % 4 == 1 ? "for=36h" : NULL, NULL));
}

/*
 * The kind of mixed rule j, per hundred: threshold 50, change 15,
 * rolling_sum 5, since_event 5, stale 15, revision 8, sanctions 2.
 * Stepping by 37 (prime to 100) spreads the kinds over fewer rules too.
 */
static enum rule_kind
eval_mixed_kind(size_t j)
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

static struct rule *
eval_rule_mixed(const struct eval_gen *g, size_t j)
{
	char	name[32], ser[64];
	int	freq;

	snprintf(name, sizeof(name), "%s_%zu",
	    rule_kind_name(eval_mixed_kind(j)), j);
	switch (eval_mixed_kind(j)) {
	case RULE_THRESHOLD:
		return (eval_rule_threshold(g, j, 1));
	case RULE_CHANGE:
		eval_series_opt(g, j, 0, ser, sizeof(ser));
		if (j % 2)
			return (eval_rule(name, "kind=change", ser,
			    "window=30d", "above=20%", NULL));
		return (eval_rule(name, "kind=change", ser,
		    "window=5 periods", "above=15%", "below=-15%", NULL));
	case RULE_ROLLING_SUM:
		eval_series_opt(g, j, 0, ser, sizeof(ser));
		return (eval_rule(name, "kind=rolling_sum", ser,
		    "window=12 periods", "above=1300", "clear=1250", NULL));
	case RULE_SINCE_EVENT:
		eval_series_opt(g, j, 0, ser, sizeof(ser));
		return (eval_rule(name, "kind=since_event", ser,
		    j % 2 ? "event.jurisdiction=US" :
		    "event.entity=belaruskali", "baseline=30d",
		    "within=90d", "above=15%", NULL));
	case RULE_STALE:
		freq = (j % 10 == 0 ? j / 10 : j) % 2 ? 'm' : 'd';
		eval_series_opt(g, j, freq, ser, sizeof(ser));
		if (freq == 'm')
			return (eval_rule(name, "kind=stale", ser,
			    "expect=monthly by day 25", NULL));
		return (eval_rule(name, "kind=stale", ser,
		    "expect=daily by 06:00", "lag=1", NULL));
	case RULE_REVISION:
		eval_series_opt(g, j, 0, ser, sizeof(ser));
		return (eval_rule(name, "kind=revision", ser, "above=5%",
		    NULL));
	case RULE_SANCTIONS:
		return (eval_rule(name, "kind=sanctions", j % 2 ?
		    "event.jurisdiction=EU" :
		    "event.entity=belaruskali|uralkali", NULL));
	}
	return (NULL);
}

static void
eval_save_cb(const struct engine_saved *sv, void *arg)
{
	uint64_t	*n = arg;

	(void)sv;
	(*n)++;
}

/* The daemon's steps after a batch, at time now. */
static void
eval_batch(struct engine *e, int64_t now, struct eval_figure *f)
{
	const struct engine_transition	*t;
	size_t				 n, i;

	engine_evaluate(e, now);
	t = engine_transitions(e, &n);
	for (i = 0; i < n; i++) {
		f->trkind[t[i].rule->kind]++;
		f->trreason[t[i].reason]++;
	}
	f->transitions += n;
	engine_save(e, ENGINE_SAVE_DIRTY, eval_save_cb, &f->saved);
	engine_transitions_clear(e);
	f->nbatches++;
}

/* One run: a fresh engine over its rules, every input fed. */
static int
eval_run(struct eval_gen *g, enum eval_mode mode, size_t nrules,
    uint64_t nobs, struct eval_figure *f)
{
	struct rule	**rules;
	struct engine	 *e;
	char		  err[256];
	double		  w0, c0, b0;
	int64_t		  now = INT64_MIN;
	size_t		  j, k;
	uint64_t	  inbatch = 0;
	int		  rc = -1;

	memset(f, 0, sizeof(*f));
	rules = xcalloc(nrules, sizeof(*rules));
	for (j = 0; j < nrules; j++) {
		rules[j] = mode == EVAL_THRESHOLD ?
		    eval_rule_threshold(g, j, 0) : eval_rule_mixed(g, j);
		f->nkind[rules[j]->kind]++;
	}
	f->nrules = nrules;
	eval_gen_reset(g);
	eval_rss_reset();
	e = engine_new((const struct rule *const *)rules, nrules, err,
	    sizeof(err));
	if (e == NULL) {
		fprintf(stderr, "eval: engine_new: %s\n", err);
		goto out;
	}

	while (eval_gen_day(g, nobs, mode == EVAL_MIXED) == 0) {
		w0 = eval_now();
		c0 = bench_cpu_pid(0, NULL);
		for (k = 0; k < g->nobs; k++) {
			if (engine_observe(e, &g->obs[k]) == -1) {
				fprintf(stderr, "eval: engine_observe "
				    "refused a value\n");
				goto out;
			}
			now = g->obs[k].known_at;
			if (++inbatch == EVAL_BATCH) {
				b0 = eval_now();
				eval_batch(e, now, f);
				f->batch_secs += eval_now() - b0;
				inbatch = 0;
			}
		}
		if (g->has_event) {
			if (engine_event(e, &g->ev) == -1) {
				fprintf(stderr, "eval: engine_event "
				    "refused an event\n");
				goto out;
			}
			now = g->ev.known_at;
			f->nevents++;
		}
		if (g->produced >= nobs && inbatch > 0) {
			b0 = eval_now();
			eval_batch(e, now, f);
			f->batch_secs += eval_now() - b0;
			inbatch = 0;
		}
		w0 = eval_now() - w0;
		c0 = bench_cpu_pid(0, NULL) - c0;
		f->secs += w0;
		f->cpu += c0;
		f->nobs += g->nobs;
		if (g->day - g->first_day <= EVAL_WARM_DAYS) {
			f->warm_cpu += c0;
			f->warm_obs += g->nobs;
		}
	}
	engine_get_stats(e, &f->stats);
	f->rss_kb = eval_status_kb("VmHWM:");
	rc = 0;
out:
	engine_free(e);
	for (j = 0; j < nrules; j++)
		rule_free(rules[j]);
	free(rules);
	return (rc);
}

static void
eval_print_kinds(const char *what, const size_t *nkind)
{
	const char	*sep = "";
	int		 k;

	printf("    %s:", what);
	for (k = 0; k < EVAL_NKINDS; k++) {
		if (nkind[k] == 0)
			continue;
		printf("%s %s %zu", sep, rule_kind_name((enum rule_kind)k),
		    nkind[k]);
		sep = ",";
	}
	printf("\n");
}

static void
eval_print(const struct eval_gen *g, const struct eval_figure *fig,
    const int *ran, size_t nrules)
{
	const struct eval_figure	*f;
	size_t				 nmatch[3] = { 0, 0, 0 };
	size_t				 trk[EVAL_NKINDS];
	char				 rss[16];
	const char			*sep;
	double				 rate;
	int				 m, k;

	printf("%-15s %5s %9s %8s %7s %6s %9s %10s %11s %8s %10s %7s\n",
	    "run", "rules", "instances", "obs", "seconds", "cpu s", "obs/s",
	    "obs/cpu-s", "transitions", "saved", "engine MiB", "RSS MiB");
	for (m = 0; m < EVAL_NMODES; m++) {
		if (!ran[m])
			continue;
		f = &fig[m];
		snprintf(rss, sizeof(rss), "%.1f", (double)f->rss_kb / 1024);
		printf("%-15s %5zu %9zu %8" PRIu64 " %7.2f %6.2f %9.0f "
		    "%10.0f %11" PRIu64 " %8" PRIu64 " %10.1f %7s\n",
		    eval_mode_names[m], f->nrules, f->stats.instances, f->nobs,
		    f->secs, f->cpu, (double)f->nobs / f->secs,
		    (double)f->nobs / f->cpu, f->transitions, f->saved,
		    (double)f->stats.bytes / (1024 * 1024),
		    f->rss_kb < 0 ? "-" : rss);
	}
	for (k = 0; (size_t)k < nrules; k++)
		nmatch[k % 10 == 0 ? 0 : k % 10 < 5 ? 1 : 2]++;

	for (m = 0; m < EVAL_NMODES; m++) {
		if (!ran[m])
			continue;
		f = &fig[m];
		rate = (double)f->nobs / f->cpu;
		if (m == EVAL_THRESHOLD) {
			printf("\nthreshold-only: %.0f observations/s per "
			    "CPU-second, target %.0f: %s (%.2f of it)\n", rate,
			    EVAL_TARGET, rate >= EVAL_TARGET ? "met" :
			    "NOT met", rate / EVAL_TARGET);
			eval_print_kinds("rules", f->nkind);
			printf("    matching: %zu by a group glob "
			    "(bench/gNNNN/*, %zu series each), %zu by a glob "
			    "of 10 series, %zu by key; %zu (rule, series) "
			    "instances\n",
			    nmatch[0], g->group, nmatch[1], nmatch[2],
			    f->stats.instances);
		} else {
			printf("\nmixed: %.0f observations/s per CPU-second; "
			    "%zu (rule, series) instances, %" PRIu64
			    " sanctions events fed\n", rate,
			    f->stats.instances, f->nevents);
			eval_print_kinds("rule mix", f->nkind);
		}
		printf("    time: %.2f s in engine_observe/engine_event, "
		    "%.2f s in %" PRIu64 " batch steps (%.1f us each)\n",
		    f->secs - f->batch_secs, f->batch_secs, f->nbatches,
		    f->batch_secs * 1e6 / (double)(f->nbatches > 0 ?
		    f->nbatches : 1));
		if (f->warm_obs < f->nobs && f->cpu > f->warm_cpu)
			printf("    first %d days (every series first seen): "
			    "%" PRIu64 " obs in %.2f cpu s (%.0f/s); after "
			    "them %.0f obs/cpu-s\n", EVAL_WARM_DAYS,
			    f->warm_obs, f->warm_cpu, (double)f->warm_obs /
			    f->warm_cpu, (double)(f->nobs - f->warm_obs) /
			    (f->cpu - f->warm_cpu));
		for (k = 0; k < EVAL_NKINDS; k++)
			trk[k] = (size_t)f->trkind[k];
		eval_print_kinds("transitions by kind", trk);
		printf("    transitions by reason:");
		sep = "";
		for (k = 0; k <= ENGINE_REASON_FLAPPING_END; k++) {
			if (f->trreason[k] == 0)
				continue;
			printf("%s %s %" PRIu64, sep,
			    engine_reason_name((enum engine_reason)k),
			    f->trreason[k]);
			sep = ",";
		}
		printf("\n    engine at the end: %zu series, %zu history "
		    "points, %zu events, %zu bytes\n", f->stats.series,
		    f->stats.points, f->stats.events, f->stats.bytes);
	}
}

static uint64_t
eval_number(const char *s, uint64_t max)
{
	char			*e;
	unsigned long long	 n;

	errno = 0;
	n = strtoull(s, &e, 10);
	if (*s < '0' || *s > '9' || errno != 0 || *e != '\0' || n < 1 ||
	    n > max)
		eval_usage(2);
	return (n);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "obs",	required_argument,	NULL, 'n' },
		{ "series",	required_argument,	NULL, 's' },
		{ "rules",	required_argument,	NULL, 'r' },
		{ "mode",	required_argument,	NULL, 'm' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	struct eval_figure	 fig[EVAL_NMODES];
	struct eval_gen		*g;
	char			 model[128];
	uint64_t		 nobs = EVAL_OBS;
	size_t			 nseries = EVAL_SERIES;
	size_t			 nrules = EVAL_RULES, ngroup, group;
	long			 rss;
	int			 ch, m, failed = 0;
	int			 ran[EVAL_NMODES] = { 1, 1 };

	while ((ch = getopt_long(argc, argv, "n:s:r:m:h", longopts, NULL)) !=
	    -1) {
		if (ch == 'n')
			nobs = eval_number(optarg, UINT64_C(1) << 40);
		else if (ch == 's')
			nseries = (size_t)eval_number(optarg, EVAL_SERIES_MAX);
		else if (ch == 'r')
			nrules = (size_t)eval_number(optarg, 100000);
		else if (ch == 'm') {
			for (m = 0; m < EVAL_NMODES; m++)
				ran[m] = strncmp(optarg, eval_mode_names[m],
				    strlen(optarg)) == 0;
			if (*optarg == '\0' || (!ran[0] && !ran[1]) ||
			    (ran[0] && ran[1]))
				eval_usage(2);
		} else
			eval_usage(ch == 'h' ? 0 : 2);
	}
	if (optind != argc)
		eval_usage(2);

	/* One group glob per ten rules covers every series: groups of a
	 * multiple of ten series, so a ten-series glob stays in one. */
	ngroup = (nrules + 9) / 10;
	group = (nseries + ngroup - 1) / ngroup;
	group = (group + 9) / 10 * 10;
	g = eval_gen_new(nseries, group);

	eval_cpu_model(model, sizeof(model));
	printf("machine: %ld CPUs online, %s\n", sysconf(_SC_NPROCESSORS_ONLN),
	    model);
	printf("inputs: %" PRIu64 " observations of %zu series (%zu daily, "
	    "%zu monthly, in groups of %zu) in known_at order, values "
	    "random walks around 100\n", nobs, nseries, nseries - (nseries +
	    EVAL_MONTHLY - 1) / EVAL_MONTHLY, (nseries + EVAL_MONTHLY - 1) /
	    EVAL_MONTHLY, group);
	printf("batches: every %d observations engine_evaluate, "
	    "engine_transitions, engine_save (dirty), "
	    "engine_transitions_clear\n", EVAL_BATCH);
	fflush(stdout);
	rss = eval_status_kb("VmRSS:");

	for (m = 0; m < EVAL_NMODES; m++) {
		if (!ran[m])
			continue;
		fprintf(stderr, "eval: %s\n", eval_mode_names[m]);
		if (eval_run(g, (enum eval_mode)m, nrules, nobs,
		    &fig[m]) == -1) {
			failed = 1;
			goto out;
		}
	}
	printf("days: %" PRId64 " from 2020-01-01; %" PRIu64 " daily values "
	    "missing, %" PRIu64 " monthly ones late, %" PRIu64
	    " revisions\n\n", g->day - g->first_day, g->missing, g->late,
	    g->revisions);
	eval_print(g, fig, ran, nrules);
	printf("\nthis process: RSS %.1f MiB before the first engine (the "
	    "inputs of one day and the series keys)\n", (double)rss / 1024);
out:
	if (failed)
		fprintf(stderr, "eval: failed\n");
	eval_gen_free(g);
	return (failed);
}
