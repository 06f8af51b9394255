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
 * feeds the same inputs.  The inputs and the rules are bench/evalgen's;
 * this file runs the engine over them and prints the figures.
 *
 * A benchmark: it prints figures and asserts nothing, the target
 * included.  It is not a test and the test suite never runs it.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert/engine.h"
#include "alert/rule.h"
#include "bench/benchutil.h"
#include "bench/evalgen.h"
#include "util/xmalloc.h"

#define EVAL_OBS	5000000
#define EVAL_SERIES	10000
#define EVAL_RULES	1000
#define EVAL_SERIES_MAX	1000000	/* the keys have six digits */
#define EVAL_BATCH	1000	/* observations per daemon batch */
#define EVAL_TARGET	5e6	/* threshold-only, obs/s per core */
#define EVAL_WARM_DAYS	35	/* by then every series has been seen */
#define EVAL_NKINDS	(RULE_REVISION + 1)

enum eval_mode {
	EVAL_THRESHOLD,
	EVAL_MIXED,
	EVAL_NMODES,
};

static const char *const eval_mode_names[EVAL_NMODES] = {
	"threshold-only", "mixed",
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
	    "profiling)\n", EVAL_OBS, EVALGEN_MONTHLY, EVAL_SERIES,
	    EVAL_SERIES_MAX, EVAL_RULES);
	exit(status);
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
eval_run(struct evalgen *g, enum eval_mode mode, size_t nrules,
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
		    evalgen_rule_threshold(g, j, 0) : evalgen_rule_mixed(g, j);
		f->nkind[rules[j]->kind]++;
	}
	f->nrules = nrules;
	evalgen_reset(g);
	bench_rss_reset();
	e = engine_new((const struct rule *const *)rules, nrules, err,
	    sizeof(err));
	if (e == NULL) {
		fprintf(stderr, "eval: engine_new: %s\n", err);
		goto out;
	}

	while (evalgen_day(g, nobs, mode == EVAL_MIXED) == 0) {
		w0 = bench_now();
		c0 = bench_cpu_pid(0, NULL);
		for (k = 0; k < g->nobs; k++) {
			if (engine_observe(e, &g->obs[k]) == -1) {
				fprintf(stderr, "eval: engine_observe "
				    "refused a value\n");
				goto out;
			}
			now = g->obs[k].known_at;
			if (++inbatch == EVAL_BATCH) {
				b0 = bench_now();
				eval_batch(e, now, f);
				f->batch_secs += bench_now() - b0;
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
			b0 = bench_now();
			eval_batch(e, now, f);
			f->batch_secs += bench_now() - b0;
			inbatch = 0;
		}
		w0 = bench_now() - w0;
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
	f->rss_kb = bench_status_kb("VmHWM:");
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
eval_print(const struct evalgen *g, const struct eval_figure *fig,
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
	uint64_t	n;

	if (bench_number(s, 1, max, &n, NULL) == -1)
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
	struct evalgen		*g;
	char			 model[128];
	uint64_t		 nobs = EVAL_OBS;
	size_t			 nseries = EVAL_SERIES;
	size_t			 nrules = EVAL_RULES, ngroup, group, nmonthly;
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
	g = evalgen_new(nseries, group);
	nmonthly = (nseries + EVALGEN_MONTHLY - 1) / EVALGEN_MONTHLY;

	eval_cpu_model(model, sizeof(model));
	printf("machine: %ld CPUs online, %s\n", sysconf(_SC_NPROCESSORS_ONLN),
	    model);
	printf("inputs: %" PRIu64 " observations of %zu series (%zu daily, "
	    "%zu monthly, in groups of %zu) in known_at order, values "
	    "random walks around 100\n", nobs, nseries, nseries - nmonthly,
	    nmonthly, group);
	printf("batches: every %d observations engine_evaluate, "
	    "engine_transitions, engine_save (dirty), "
	    "engine_transitions_clear\n", EVAL_BATCH);
	fflush(stdout);
	rss = bench_status_kb("VmRSS:");

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
	evalgen_free(g);
	return (failed);
}
