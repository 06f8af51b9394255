/* SPDX-License-Identifier: ISC */
/*
 * rule: an alert rule as parsed from the config file.  Plain data on
 * purpose: the engine reads it, the daemon mirrors it into the `rules`
 * table, potashctl prints it.  A rule owns all its strings.
 *
 * rule_new builds a rule from the options of one `rule "name" { }`
 * section given as key/value pairs (sub-blocks flattened with a dot:
 * "labels.team", "annotations.summary", "event.jurisdiction"), checks
 * every value and every combination, and on error says which option is
 * wrong and why, with the option's line, so the config loader can print
 * FILE:LINE: rule "name": MESSAGE.  It never logs and does no I/O.
 *
 * Invariants of a rule that rule_new returned:
 *  - series is set for every kind but sanctions (NULL there);
 *  - threshold: exactly one of above, below, crosses_above, crosses_below;
 *    clear lies on the far side of the level (or equals it);
 *  - change, since_event, rolling_sum: above and/or below, clear only
 *    with exactly one of them; revision: above only (a magnitude);
 *  - percent units only for change, since_event and revision;
 *  - pulse kinds (sanctions, revision, crosses_*) have no `for`;
 *  - labels are sorted by name and unique, so the fingerprint is stable.
 */
#ifndef ALERT_RULE_H
#define ALERT_RULE_H

#include <stddef.h>
#include <stdint.h>

#include "alert/schedule.h"
#include "daemon/config.h"

enum rule_kind {
	RULE_THRESHOLD,
	RULE_CHANGE,
	RULE_SINCE_EVENT,
	RULE_ROLLING_SUM,
	RULE_STALE,
	RULE_SANCTIONS,
	RULE_REVISION,
};

enum rule_severity {
	RULE_INFO,
	RULE_WARNING,
	RULE_CRITICAL,
};

enum rule_unit {
	RULE_ABSOLUTE,
	RULE_PERCENT,
};

/* Which date of a sanctions event counts as its time. */
enum rule_event_date {
	RULE_EVENT_ANNOUNCED,
	RULE_EVENT_EFFECTIVE,	/* falls back to announced if unknown */
};

/* A window: a duration or a number of periods (exactly one is set). */
struct rule_window {
	uint64_t	usec;
	uint32_t	periods;
};

struct rule_label {
	char	*name;
	char	*value;
};

/* A sanctions event filter; empty lists match anything. */
struct rule_filter {
	char			**jurisdictions;	/* equal, ASCII case
							 * folded */
	size_t			  njurisdictions;
	char			**actions;		/* equal, case folded */
	size_t			  nactions;
	/* A substring of any entity, case folded. */
	char			**entities;
	size_t			  nentities;
	int			  direction;		/* +1, -1, 0: any */
	enum rule_event_date	  date;
};

struct rule {
	char			*name;
	enum rule_kind		 kind;
	char			*series;	/* key or glob; sanctions:
						 * NULL */
	int			 glob;		/* series holds '*' or '?' */
	enum rule_severity	 severity;
	struct rule_label	*labels;	/* sorted by name */
	size_t			 nlabels;
	struct rule_label	*annotations;	/* templates, sorted */
	size_t			 nannotations;
	char			**notify;	/* channel names */
	size_t			 nnotify;

	uint64_t		 for_usec;	/* 0: none */
	uint32_t		 for_count;	/* observations; 0: none */
	uint64_t		 keep_firing_for;
	uint32_t		 flap_flips;	/* 0: no flapping detection */
	uint64_t		 flap_window;
	struct rule_window	 max_age;	/* see engine.h: backfill */

	/* threshold, change, since_event, rolling_sum, revision */
	int			 has_above, has_below, has_clear;
	double			 above, below, clear;
	enum rule_unit		 unit;
	int			 crosses;	/* threshold: crosses_above or
						 * crosses_below (in above or
						 * below) */

	struct rule_window	 window;	/* change, rolling_sum */
	struct rule_window	 baseline;	/* since_event */
	uint64_t		 within;	/* since_event */
	struct rule_filter	 event;		/* since_event, sanctions */
	struct schedule		 expect;	/* stale */
	char			*expect_text;
};

/* One option of a rule section as the config loader read it. */
struct rule_kv {
	const char		*name;
	const char *const	*values;	/* one for a scalar */
	size_t			 nvalues;
	int			 line;		/* 0 if unknown */
};

/* Most labels or annotations per rule, and most event filter values. */
#define RULE_LIST_MAX	64
/* Most series history a period window may ask for. */
#define RULE_PERIODS_MAX	1000
/* Most flips counted by flapping detection (flap_flips < this). */
#define RULE_FLIPS_MAX	8

/*
 * Builds the rule called name from nkv options.  Returns a new rule (the
 * caller frees it with rule_free), or NULL with err set to a message that
 * starts with the option at fault ("above: expected a number such as 400,
 * got \"x\"") and *errline set to its line (0 when the message is about
 * the whole section, such as a missing option).
 */
struct rule	*rule_new(const char *, const struct rule_kv *, size_t,
		    char *, size_t, int *);
void		 rule_free(struct rule *);

/* Whether key matches pattern: '*' any run of characters but '/', '?'
 * one character but '/', anything else itself. */
int		 rule_glob_match(const char *, const char *);

/* "threshold", ..., and "info", "warning", "critical". */
const char	*rule_kind_name(enum rule_kind);
const char	*rule_severity_name(enum rule_severity);

/* Options of a rule section, for documentation and the loader's schema:
 * "labels.*" and "annotations.*" stand for any name in those blocks. */
extern const struct config_option	rule_options[];
extern const size_t			rule_noptions;

#endif
