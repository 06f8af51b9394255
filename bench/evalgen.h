/* SPDX-License-Identifier: ISC */
/*
 * evalgen: bench/eval's inputs.  The replay generator (mean-reverting
 * random walks of daily and monthly series, known shortly after their
 * periods end, some missing, late or revised, and sanctions events) and
 * the rule sets the runs evaluate them with.  Deterministic: a fixed
 * seed, so every run feeds the same inputs and builds the same rules.
 */
#ifndef BENCH_EVALGEN_H
#define BENCH_EVALGEN_H

#include <stddef.h>
#include <stdint.h>

#include "alert/engine.h"
#include "alert/rule.h"

#define EVALGEN_MONTHLY	5	/* series i is monthly if i % this == 0 */

/*
 * Plain data on purpose: bench/eval feeds obs[0..nobs) and, if has_event,
 * ev straight to the engine, and prints the counters.  Only evalgen
 * writes it.
 */
/* The inputs: series keys (allocated once) and the generator's state. */
struct evalgen {
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

/*
 * A generator of nseries series, keys "bench/gGGGG/{d,m}NNNNNN" with
 * group series per GGGG; call evalgen_reset before the first day.  The
 * caller owns it; evalgen_free(NULL) is a no-op.
 */
struct evalgen	*evalgen_new(size_t, size_t);
/* Back to the first day, with the seed: the same inputs again. */
void		 evalgen_reset(struct evalgen *);
void		 evalgen_free(struct evalgen *);
/*
 * Generates the next day's inputs into obs, nobs, ev and has_event, at
 * most limit observations in all (produced counts them); events 0
 * generates no sanctions event.  Returns 0, or -1 when limit was reached
 * before.
 */
int		 evalgen_day(struct evalgen *, uint64_t, int);
/*
 * Threshold rule j of a run over g's series (with_for: some with a "for"
 * delay), or rule j of the mixed run.  The caller owns the rule
 * (rule_free); exits if rule_new refuses it, a bug here.
 */
struct rule	*evalgen_rule_threshold(const struct evalgen *, size_t, int);
struct rule	*evalgen_rule_mixed(const struct evalgen *, size_t);

#endif
