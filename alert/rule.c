/* SPDX-License-Identifier: ISC */
/*
 * rule: builds struct rule from the options of a config section and
 * checks them; see rule.h.
 *
 * rule_new first finds the kind (every other check depends on it), then
 * reads each option through rule_read_find (rule_read.c: which kinds
 * accept it, whether it takes a list, which function reads it), then
 * checks what no single option can (one level for threshold, clear on the
 * right side, required options, kind defaults).  The first error wins;
 * messages start with the option name so the loader only prefixes
 * FILE:LINE: rule "name":.  Also owns rule_options[], the documentation
 * of every option.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/rule.h"
#include "alert/rule_read.h"
#include "util/parse.h"
#include "util/xmalloc.h"

#define RULE_USEC_DAY	(INT64_C(86400) * 1000000)

#define RULE_KINDS \
	"threshold, change, since_event, rolling_sum, stale, sanctions, " \
	"revision"

static const char *const rule_kind_names[] = {
	"threshold", "change", "since_event", "rolling_sum", "stale",
	"sanctions", "revision",
};

static const char *const rule_severity_names[] = {
	"info", "warning", "critical",
};

const struct config_option rule_options[] = {
	{ "rule", "kind", CONFIG_ENUM, "", 0, 0,
	  "threshold|change|since_event|rolling_sum|stale|sanctions|revision",
	  0, "What the rule watches (required)." },
	{ "rule", "series", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "Series key, or a glob such as yahoo/*/close ('*' and '?' stay "
	  "within one '/' segment); required but for kind sanctions." },
	{ "rule", "severity", CONFIG_ENUM, "warning", 0, 0,
	  "info|warning|critical", 0, "Severity of the alert." },
	{ "rule", "labels.*", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "labels { name = \"value\" }: part of the alert's identity." },
	{ "rule", "annotations.*", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "annotations { name = \"template\" }: text with {{value}}, "
	  "{{metric}}, {{threshold}}, {{baseline}}, {{series}}, {{event}}, "
	  "{{for}}, {{rule}}, {{severity}}, {{state}}." },
	{ "rule", "notify", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "Channels to notify." },
	{ "rule", "for", CONFIG_STRING, "0", 0, 0, NULL, 0,
	  "How long and/or over how many observations the condition must "
	  "hold before firing: \"2h\", \"3 observations\", \"1d and 3 "
	  "observations\" (both must hold)." },
	{ "rule", "keep_firing_for", CONFIG_DURATION, "0", 0, 0, NULL, 0,
	  "Keep firing this long after the condition cleared; for the "
	  "one-shot kinds (sanctions, revision, crosses_*) how long the "
	  "alert fires, default 1d." },
	{ "rule", "flap_flips", CONFIG_INT, "4", 0, RULE_FLIPS_MAX - 1, NULL,
	  0, "More flips (fire or resolve) than this within flap_window "
	  "mark the alert flapping; 0 disables." },
	{ "rule", "flap_window", CONFIG_DURATION, "1d", 1, 0, NULL, 0,
	  "Window of flapping detection; flapping ends after a whole window "
	  "without a flip." },
	{ "rule", "max_age", CONFIG_STRING, "2 periods", 0, 0, NULL, 0,
	  "Observations known later than this after their period ended are "
	  "backfill and never fire (a duration, or N periods of the series, "
	  "at least 4 days).  Of several periods of a series stored at once "
	  "(a backlog, a new series' history) only the newest can fire; the "
	  "older ones are history (revision rules still see them)." },
	{ "rule", "above", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "Fire when the value (change, sum) is above this; \"15%\" for a "
	  "percentage (change, since_event, revision: the revision's size)." },
	{ "rule", "below", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "Fire when the value (change, sum) is below this." },
	{ "rule", "clear", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "Hysteresis: once active, the alert stays active until the value "
	  "is at or beyond this level." },
	{ "rule", "crosses_above", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "threshold: fire once each time the value rises above this." },
	{ "rule", "crosses_below", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "threshold: fire once each time the value falls below this." },
	{ "rule", "window", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "change, rolling_sum: \"30d\" or \"12 periods\"." },
	{ "rule", "baseline", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "since_event: the window before the event whose mean is the "
	  "baseline, \"90d\" or \"3 periods\"." },
	{ "rule", "within", CONFIG_DURATION, "", 1, 0, NULL, 0,
	  "since_event: how long after the event observations are "
	  "compared." },
	{ "rule", "event.jurisdiction", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "Event filter: any of these jurisdictions (US, EU, UK, LT...)." },
	{ "rule", "event.action", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "Event filter: any of these actions." },
	{ "rule", "event.entity", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "Event filter: an entity containing any of these texts." },
	{ "rule", "event.direction", CONFIG_ENUM, "any", 0, 0,
	  "tighten|ease|any", 0, "Event filter: direction (+1 and -1 too)." },
	{ "rule", "event.date", CONFIG_ENUM, "announced", 0, 0,
	  "announced|effective", 0, "Which date of the event is its time." },
	{ "rule", "expect", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "stale: publication schedule, \"monthly by day 20\", \"weekly by "
	  "friday 18:00 UTC\", \"weekdays by 22:00 America/New_York\"; the "
	  "time is in UTC, a UTC offset (-05:00) or a tz database zone, "
	  "whose daylight saving changes are followed." },
	{ "rule", "lag", CONFIG_INT, "", 0, 24, NULL, 0,
	  "stale: expect data this many periods older (default 1 for "
	  "monthly, else 0)." },
};
const size_t rule_noptions = sizeof(rule_options) / sizeof(rule_options[0]);

const char *
rule_kind_name(enum rule_kind k)
{
	if ((size_t)k < sizeof(rule_kind_names) / sizeof(rule_kind_names[0]))
		return (rule_kind_names[k]);
	return ("?");
}

const char *
rule_severity_name(enum rule_severity s)
{
	if ((size_t)s < sizeof(rule_severity_names) /
	    sizeof(rule_severity_names[0]))
		return (rule_severity_names[s]);
	return ("?");
}

int
rule_glob_match(const char *pat, const char *key)
{
	const char	*star = NULL, *resume = NULL;

	/* Classic backtracking to the last '*', which may not cross '/'. */
	while (*key != '\0') {
		if (*pat == '*') {
			star = ++pat;
			resume = key;
			continue;
		}
		if (*pat != '\0' && (*pat == *key || (*pat == '?' &&
		    *key != '/'))) {
			pat++;
			key++;
			continue;
		}
		if (star != NULL && *resume != '/') {
			pat = star;
			key = ++resume;
			continue;
		}
		return (0);
	}
	while (*pat == '*')
		pat++;
	return (*pat == '\0');
}

static void
rule_quote(const char *s, char *q, size_t qlen)
{
	parse_quote(s, strlen(s), q, qlen);
}

static int
rule_label_cmp(const void *a, const void *b)
{
	const struct rule_label	*la = a, *lb = b;

	return (strcmp(la->name, lb->name));
}

/* Fails with msg about kv (NULL: the section). */
static int
rule_fail(const struct rule_kv *kv, char *err, size_t errlen, int *errline,
    const char *msg)
{
	if (kv != NULL) {
		snprintf(err, errlen, "%s: %s", kv->name, msg);
		*errline = kv->line;
	} else {
		snprintf(err, errlen, "%s", msg);
		*errline = 0;
	}
	return (-1);
}

/* Checks across options, once all are read. */
static int
rule_check(struct rule_read_ctx *p, char *err, size_t errlen, int *errline)
{
	struct rule	*r = p->r;
	char		 msg[256];
	int		 nlevels;

	if (r->kind != RULE_SANCTIONS && r->series == NULL)
		return (rule_fail(NULL, err, errlen, errline,
		    "missing \"series\""));
	nlevels = r->has_above + r->has_below;
	switch (r->kind) {
	case RULE_THRESHOLD:
		if (nlevels != 1)
			return (rule_fail(NULL, err, errlen, errline,
			    "expected exactly one of above, below, "
			    "crosses_above, crosses_below"));
		if (r->crosses && p->forkv != NULL)
			return (rule_fail(p->forkv, err, errlen, errline,
			    "crosses_above and crosses_below fire once per "
			    "crossing; \"for\" does not apply"));
		if (r->has_clear && r->has_above && r->clear > r->above) {
			snprintf(msg, sizeof(msg), "must not be above the "
			    "level of %s (%s), got %s", p->above->name,
			    p->above->values[0], p->clear->values[0]);
			return (rule_fail(p->clear, err, errlen, errline,
			    msg));
		}
		if (r->has_clear && r->has_below && r->clear < r->below) {
			snprintf(msg, sizeof(msg), "must not be below the "
			    "level of %s (%s), got %s", p->below->name,
			    p->below->values[0], p->clear->values[0]);
			return (rule_fail(p->clear, err, errlen, errline,
			    msg));
		}
		break;
	case RULE_CHANGE:
	case RULE_SINCE_EVENT:
	case RULE_ROLLING_SUM:
		if (r->kind == RULE_SINCE_EVENT && r->baseline.usec == 0 &&
		    r->baseline.periods == 0)
			return (rule_fail(NULL, err, errlen, errline,
			    "missing \"baseline\""));
		if (r->kind == RULE_SINCE_EVENT && r->within == 0)
			return (rule_fail(NULL, err, errlen, errline,
			    "missing \"within\""));
		if (r->kind != RULE_SINCE_EVENT && r->window.usec == 0 &&
		    r->window.periods == 0)
			return (rule_fail(NULL, err, errlen, errline,
			    "missing \"window\""));
		if (nlevels == 0)
			return (rule_fail(NULL, err, errlen, errline,
			    "missing \"above\" or \"below\""));
		if (r->has_clear && nlevels == 2)
			return (rule_fail(p->clear, err, errlen, errline,
			    "needs exactly one of above and below"));
		if (r->has_clear && r->has_above && r->clear > r->above) {
			snprintf(msg, sizeof(msg), "must not be above the "
			    "level of above (%s), got %s",
			    p->above->values[0], p->clear->values[0]);
			return (rule_fail(p->clear, err, errlen, errline,
			    msg));
		}
		if (r->has_clear && r->has_below && r->clear < r->below) {
			snprintf(msg, sizeof(msg), "must not be below the "
			    "level of below (%s), got %s",
			    p->below->values[0], p->clear->values[0]);
			return (rule_fail(p->clear, err, errlen, errline,
			    msg));
		}
		if ((r->has_above && r->has_below &&
		    p->above_pct != p->below_pct) ||
		    (r->has_clear && p->clear_pct != (r->has_above ?
		    p->above_pct : p->below_pct)))
			return (rule_fail(r->has_clear ? p->clear : p->below,
			    err, errlen, errline, "mixes a percentage and an "
			    "absolute level"));
		r->unit = (r->has_above ? p->above_pct : p->below_pct) ?
		    RULE_PERCENT : RULE_ABSOLUTE;
		break;
	case RULE_STALE:
		if (r->expect_text == NULL)
			return (rule_fail(NULL, err, errlen, errline,
			    "missing \"expect\""));
		if (r->for_count > 0)
			return (rule_fail(p->forkv, err, errlen, errline,
			    "a count of observations does not apply to kind "
			    "stale"));
		break;
	case RULE_REVISION:
		if (!r->has_above)
			return (rule_fail(NULL, err, errlen, errline,
			    "missing \"above\": the smallest revision that "
			    "fires, such as 5%"));
		if (r->above <= 0)
			return (rule_fail(p->above, err, errlen, errline,
			    "must be above 0"));
		r->unit = p->above_pct ? RULE_PERCENT : RULE_ABSOLUTE;
		break;
	case RULE_SANCTIONS:
		break;
	}
	/* One-shot kinds fire for a while; the others clear at once. */
	if (!p->keep_set && (r->kind == RULE_SANCTIONS ||
	    r->kind == RULE_REVISION || r->crosses))
		r->keep_firing_for = RULE_USEC_DAY;
	if (r->nlabels > 1)
		qsort(r->labels, r->nlabels, sizeof(*r->labels),
		    rule_label_cmp);
	if (r->nannotations > 1)
		qsort(r->annotations, r->nannotations,
		    sizeof(*r->annotations), rule_label_cmp);
	return (0);
}

struct rule *
rule_new(const char *name, const struct rule_kv *kv, size_t nkv, char *err,
    size_t errlen, int *errline)
{
	struct rule_read_ctx	 p;
	struct rule		*r;
	const struct rule_kv	*kindkv = NULL;
	const struct rule_read_opt	*o;
	char			 msg[512], q[PARSE_QUOTE_BUFLEN];
	size_t			 i, j, k;

	*errline = 0;
	memset(&p, 0, sizeof(p));
	r = p.r = xcalloc(1, sizeof(*r));
	r->name = xstrdup(name);
	r->severity = RULE_WARNING;
	r->flap_flips = 4;
	r->flap_window = RULE_USEC_DAY;
	r->max_age.periods = 2;
	r->expect.lag = -1;

	for (i = 0; name[i] != '\0'; i++) {
		if ((unsigned char)name[i] <= ' ' || name[i] == '"' ||
		    name[i] == 0x7f)
			break;
	}
	if (i == 0 || name[i] != '\0') {
		rule_quote(name, q, sizeof(q));
		snprintf(msg, sizeof(msg), "expected a rule name without "
		    "spaces or quotes, got \"%s\"", q);
		rule_fail(NULL, err, errlen, errline, msg);
		goto fail;
	}
	for (i = 0; i < nkv; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(kv[i].name, kv[j].name) != 0)
				continue;
			snprintf(msg, sizeof(msg), "set twice (first on line "
			    "%d)", kv[j].line);
			rule_fail(&kv[i], err, errlen, errline, msg);
			goto fail;
		}
		if (strcmp(kv[i].name, "kind") == 0)
			kindkv = &kv[i];
	}
	if (kindkv == NULL) {
		rule_fail(NULL, err, errlen, errline, "missing \"kind\": one "
		    "of " RULE_KINDS);
		goto fail;
	}
	for (k = 0; k < sizeof(rule_kind_names) / sizeof(rule_kind_names[0]);
	    k++) {
		if (kindkv->nvalues == 1 &&
		    strcmp(kindkv->values[0], rule_kind_names[k]) == 0)
			break;
	}
	if (k == sizeof(rule_kind_names) / sizeof(rule_kind_names[0])) {
		rule_quote(kindkv->nvalues > 0 ? kindkv->values[0] : "", q,
		    sizeof(q));
		snprintf(msg, sizeof(msg), "expected one of " RULE_KINDS
		    ", got \"%s\"", q);
		rule_fail(kindkv, err, errlen, errline, msg);
		goto fail;
	}
	r->kind = (enum rule_kind)k;

	/* lag before expect, so an explicit lag overrides the default. */
	for (k = 0; k < 2; k++) {
		for (i = 0; i < nkv; i++) {
			if (&kv[i] == kindkv || (strcmp(kv[i].name, "lag") ==
			    0) != (k == 0))
				continue;
			if ((o = rule_read_find(kv[i].name)) == NULL) {
				rule_quote(kv[i].name, q, sizeof(q));
				snprintf(msg, sizeof(msg), "unknown option "
				    "\"%s\"", q);
				rule_fail(NULL, err, errlen, errline, msg);
				*errline = kv[i].line;
				goto fail;
			}
			if (!(o->kinds & (1u << r->kind))) {
				snprintf(msg, sizeof(msg), "not an option of "
				    "kind %s", rule_kind_names[r->kind]);
				rule_fail(&kv[i], err, errlen, errline, msg);
				goto fail;
			}
			if (!o->list && kv[i].nvalues != 1) {
				snprintf(msg, sizeof(msg), "expected one "
				    "value, got %zu", kv[i].nvalues);
				rule_fail(&kv[i], err, errlen, errline, msg);
				goto fail;
			}
			if (o->read(&p, &kv[i], msg, sizeof(msg)) == -1) {
				rule_fail(&kv[i], err, errlen, errline, msg);
				goto fail;
			}
		}
	}
	if (r->expect.lag < 0)
		r->expect.lag = 0;
	if (rule_check(&p, err, errlen, errline) == -1)
		goto fail;
	return (r);
fail:
	rule_free(r);
	return (NULL);
}

static void
rule_labels_free(struct rule_label *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

void
rule_free(struct rule *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->series);
	rule_labels_free(r->labels, r->nlabels);
	rule_labels_free(r->annotations, r->nannotations);
	rule_read_strv_free(r->notify, r->nnotify);
	rule_read_strv_free(r->event.jurisdictions, r->event.njurisdictions);
	rule_read_strv_free(r->event.actions, r->event.nactions);
	rule_read_strv_free(r->event.entities, r->event.nentities);
	free(r->expect_text);
	schedule_free(&r->expect);
	free(r);
}
