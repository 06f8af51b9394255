/* SPDX-License-Identifier: ISC */
/*
 * rule_read: one reader per rule option and the table that finds them;
 * see rule_read.h.  Readers own nothing: what they keep they copy into
 * the rule, which rule_free releases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/render.h"
#include "alert/rule_read.h"
#include "util/decimal.h"
#include "util/parse.h"
#include "util/xmalloc.h"

#define RULE_READ_SERIES_MAX	512
#define RULE_READ_NOPTS	\
	(sizeof(rule_read_opts) / sizeof(rule_read_opts[0]))

/* Kind masks. */
#define K_T	(1u << RULE_THRESHOLD)
#define K_C	(1u << RULE_CHANGE)
#define K_S	(1u << RULE_SINCE_EVENT)
#define K_R	(1u << RULE_ROLLING_SUM)
#define K_ST	(1u << RULE_STALE)
#define K_SA	(1u << RULE_SANCTIONS)
#define K_RV	(1u << RULE_REVISION)
#define K_ALL	(K_T | K_C | K_S | K_R | K_ST | K_SA | K_RV)

static void
rule_read_quote(const char *s, char *q, size_t qlen)
{
	parse_quote(s, strlen(s), q, qlen);
}

static int
rule_read_name_ok(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	    *s == '_'))
		return (0);
	for (s++; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_'))
			return (0);
	}
	return (1);
}

/* A number, with a trailing '%' if pct_ok.  0, or -1 with err. */
static int
rule_read_number(const char *s, int pct_ok, double *v, int *pct, char *err,
    size_t errlen)
{
	char	buf[64], q[PARSE_QUOTE_BUFLEN];
	size_t	n = strlen(s);

	*pct = n > 0 && s[n - 1] == '%';
	if (*pct)
		n--;
	if (n > 0 && n < sizeof(buf)) {
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (decimal_to_double(buf, v) == 0) {
			if (*pct && !pct_ok) {
				rule_read_quote(s, q, sizeof(q));
				snprintf(err, errlen, "a percentage needs kind "
				    "change, since_event or revision, got "
				    "\"%s\"", q);
				return (-1);
			}
			return (0);
		}
	}
	rule_read_quote(s, q, sizeof(q));
	snprintf(err, errlen, "expected a number such as 400%s, got \"%s\"",
	    pct_ok ? " or 15%" : "", q);
	return (-1);
}

/* "30d" or "12 periods".  0, or -1 with err. */
static int
rule_read_span(const char *s, struct rule_window *w, char *err, size_t errlen)
{
	char		 q[PARSE_QUOTE_BUFLEN], num[16];
	const char	*sp = strchr(s, ' ');
	int64_t		 n;
	uint64_t	 usec;

	memset(w, 0, sizeof(*w));
	if (sp != NULL && (strcmp(sp, " periods") == 0 ||
	    strcmp(sp, " period") == 0) && (size_t)(sp - s) < sizeof(num)) {
		memcpy(num, s, (size_t)(sp - s));
		num[sp - s] = '\0';
		if (parse_int64(num, 1, RULE_PERIODS_MAX, &n, NULL, 0) == 0) {
			w->periods = (uint32_t)n;
			return (0);
		}
	} else if (parse_duration(s, &usec, NULL, 0) == 0 && usec > 0) {
		w->usec = usec;
		return (0);
	}
	rule_read_quote(s, q, sizeof(q));
	snprintf(err, errlen, "expected a duration such as 30d or a count "
	    "such as 3 periods (at most %d), got \"%s\"", RULE_PERIODS_MAX, q);
	return (-1);
}

static char **
rule_read_strv(const struct rule_kv *kv, size_t *n)
{
	char	**v;
	size_t	  i;

	v = xcalloc(kv->nvalues + 1, sizeof(*v));
	for (i = 0; i < kv->nvalues; i++)
		v[i] = xstrdup(kv->values[i]);
	*n = kv->nvalues;
	return (v);
}

void
rule_read_strv_free(char **v, size_t n)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
rule_read_series(struct rule_read_ctx *p, const struct rule_kv *kv, char *err,
    size_t errlen)
{
	const char	*s = kv->values[0];
	char		 q[PARSE_QUOTE_BUFLEN];
	size_t		 i, n = strlen(s);

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			break;
	}
	if (n == 0 || i < n || n > RULE_READ_SERIES_MAX) {
		rule_read_quote(s, q, sizeof(q));
		snprintf(err, errlen, "expected a series key or glob such as "
		    "yahoo/*/close, got \"%s\"", q);
		return (-1);
	}
	p->r->series = xstrdup(s);
	p->r->glob = strpbrk(s, "*?") != NULL;
	return (0);
}

static int
rule_read_severity(struct rule_read_ctx *p, const struct rule_kv *kv,
    char *err, size_t errlen)
{
	char	q[PARSE_QUOTE_BUFLEN];
	size_t	i;

	for (i = RULE_INFO; i <= RULE_CRITICAL; i++) {
		if (strcmp(kv->values[0],
		    rule_severity_name((enum rule_severity)i)) == 0) {
			p->r->severity = (enum rule_severity)i;
			return (0);
		}
	}
	rule_read_quote(kv->values[0], q, sizeof(q));
	snprintf(err, errlen, "expected one of info, warning, critical, got "
	    "\"%s\"", q);
	return (-1);
}

static int
rule_read_pair(struct rule_label **v, size_t *n, const char *name,
    const char *value, char *err, size_t errlen)
{
	char	q[PARSE_QUOTE_BUFLEN];
	size_t	i;

	if (!rule_read_name_ok(name)) {
		rule_read_quote(name, q, sizeof(q));
		snprintf(err, errlen, "expected a name of letters, digits and "
		    "'_', got \"%s\"", q);
		return (-1);
	}
	for (i = 0; i < *n; i++) {
		if (strcmp((*v)[i].name, name) == 0) {
			snprintf(err, errlen, "set twice");
			return (-1);
		}
	}
	if (*n == RULE_LIST_MAX) {
		snprintf(err, errlen, "more than %d in one rule",
		    RULE_LIST_MAX);
		return (-1);
	}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].name = xstrdup(name);
	(*v)[*n].value = xstrdup(value);
	(*n)++;
	return (0);
}

static int
rule_read_label(struct rule_read_ctx *p, const struct rule_kv *kv, char *err,
    size_t errlen)
{
	return (rule_read_pair(&p->r->labels, &p->r->nlabels,
	    kv->name + strlen("labels."), kv->values[0], err, errlen));
}

static int
rule_read_annotation(struct rule_read_ctx *p, const struct rule_kv *kv,
    char *err, size_t errlen)
{
	if (render_check(kv->values[0], err, errlen) == -1)
		return (-1);
	return (rule_read_pair(&p->r->annotations, &p->r->nannotations,
	    kv->name + strlen("annotations."), kv->values[0], err, errlen));
}

static int
rule_read_notify(struct rule_read_ctx *p, const struct rule_kv *kv, char *err,
    size_t errlen)
{
	size_t	i;

	for (i = 0; i < kv->nvalues; i++) {
		if (kv->values[i][0] == '\0') {
			snprintf(err, errlen, "expected channel names, got "
			    "\"\"");
			return (-1);
		}
	}
	p->r->notify = rule_read_strv(kv, &p->r->nnotify);
	return (0);
}

/* One term of `for`: a duration or "N observations". */
static int
rule_read_for_term(struct rule *r, const char *s, size_t n, int *seen)
{
	char		 buf[64];
	const char	*sp;
	int64_t		 v;

	if (n == 0 || n >= sizeof(buf))
		return (-1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	sp = strchr(buf, ' ');
	if (sp != NULL) {
		if (strcmp(sp, " observations") != 0 &&
		    strcmp(sp, " observation") != 0)
			return (-1);
		buf[sp - buf] = '\0';
		if ((*seen & 2) || parse_int64(buf, 1, 100000, &v, NULL, 0))
			return (-1);
		r->for_count = (uint32_t)v;
		*seen |= 2;
		return (0);
	}
	if ((*seen & 1) || parse_duration(buf, &r->for_usec, NULL, 0))
		return (-1);
	*seen |= 1;
	return (0);
}

static int
rule_read_for(struct rule_read_ctx *p, const struct rule_kv *kv, char *err,
    size_t errlen)
{
	const char	*s = kv->values[0], *and;
	char		 q[PARSE_QUOTE_BUFLEN];
	int		 seen = 0;

	p->forkv = kv;
	and = strstr(s, " and ");
	if (and == NULL) {
		if (rule_read_for_term(p->r, s, strlen(s), &seen) == 0)
			return (0);
	} else if (rule_read_for_term(p->r, s, (size_t)(and - s), &seen) == 0 &&
	    rule_read_for_term(p->r, and + 5, strlen(and + 5), &seen) == 0)
		return (0);
	rule_read_quote(s, q, sizeof(q));
	snprintf(err, errlen, "expected a duration such as 2h, a count such "
	    "as 3 observations, or both (\"1d and 3 observations\"), got "
	    "\"%s\"", q);
	return (-1);
}

static int
rule_read_duration(const struct rule_kv *kv, uint64_t *out, int positive,
    char *err, size_t errlen)
{
	if (parse_duration(kv->values[0], out, err, errlen) == -1)
		return (-1);
	if (positive && *out == 0) {
		snprintf(err, errlen, "must be longer than 0");
		return (-1);
	}
	return (0);
}

static int
rule_read_keep(struct rule_read_ctx *p, const struct rule_kv *kv, char *err,
    size_t errlen)
{
	p->keep_set = 1;
	return (rule_read_duration(kv, &p->r->keep_firing_for, 0, err,
	    errlen));
}

static int
rule_read_flap_flips(struct rule_read_ctx *p, const struct rule_kv *kv,
    char *err, size_t errlen)
{
	int64_t	v;

	if (parse_int64(kv->values[0], 0, RULE_FLIPS_MAX - 1, &v, err,
	    errlen) == -1)
		return (-1);
	p->r->flap_flips = (uint32_t)v;
	return (0);
}

static int
rule_read_flap_window(struct rule_read_ctx *p, const struct rule_kv *kv,
    char *err, size_t errlen)
{
	return (rule_read_duration(kv, &p->r->flap_window, 1, err, errlen));
}

static int
rule_read_max_age(struct rule_read_ctx *p, const struct rule_kv *kv, char *err,
    size_t errlen)
{
	return (rule_read_span(kv->values[0], &p->r->max_age, err, errlen));
}

static int
rule_read_pct_ok(const struct rule *r)
{
	return (r->kind == RULE_CHANGE || r->kind == RULE_SINCE_EVENT ||
	    r->kind == RULE_REVISION);
}

static int
rule_read_level(struct rule_read_ctx *p, const struct rule_kv *kv, char *err,
    size_t errlen)
{
	struct rule	*r = p->r;
	double		 v;
	int		 pct;

	if (rule_read_number(kv->values[0], rule_read_pct_ok(r), &v, &pct, err,
	    errlen) == -1)
		return (-1);
	if (strcmp(kv->name, "clear") == 0) {
		r->has_clear = 1;
		r->clear = v;
		p->clear = kv;
		p->clear_pct = pct;
		return (0);
	}
	if (strncmp(kv->name, "crosses_", 8) == 0)
		p->crosses = kv;
	if (strcmp(kv->name, "above") == 0 ||
	    strcmp(kv->name, "crosses_above") == 0) {
		if (p->above != NULL)
			goto one;
		r->has_above = 1;
		r->above = v;
		p->above = kv;
		p->above_pct = pct;
	} else {
		if (p->below != NULL)
			goto one;
		r->has_below = 1;
		r->below = v;
		p->below = kv;
		p->below_pct = pct;
	}
	r->crosses = p->crosses != NULL;
	return (0);
one:
	snprintf(err, errlen, "expected exactly one of above, below, "
	    "crosses_above, crosses_below");
	return (-1);
}

static int
rule_read_window(struct rule_read_ctx *p, const struct rule_kv *kv, char *err,
    size_t errlen)
{
	return (rule_read_span(kv->values[0], &p->r->window, err, errlen));
}

static int
rule_read_baseline(struct rule_read_ctx *p, const struct rule_kv *kv,
    char *err, size_t errlen)
{
	return (rule_read_span(kv->values[0], &p->r->baseline, err, errlen));
}

static int
rule_read_within(struct rule_read_ctx *p, const struct rule_kv *kv, char *err,
    size_t errlen)
{
	return (rule_read_duration(kv, &p->r->within, 1, err, errlen));
}

static int
rule_read_filter_list(struct rule_read_ctx *p, const struct rule_kv *kv,
    char *err, size_t errlen)
{
	struct rule_filter	*f = &p->r->event;
	size_t			 i;

	for (i = 0; i < kv->nvalues; i++) {
		if (kv->values[i][0] == '\0') {
			snprintf(err, errlen, "expected non-empty texts, got "
			    "\"\"");
			return (-1);
		}
	}
	if (kv->nvalues > RULE_LIST_MAX) {
		snprintf(err, errlen, "more than %d values", RULE_LIST_MAX);
		return (-1);
	}
	if (strcmp(kv->name, "event.jurisdiction") == 0)
		f->jurisdictions = rule_read_strv(kv, &f->njurisdictions);
	else if (strcmp(kv->name, "event.action") == 0)
		f->actions = rule_read_strv(kv, &f->nactions);
	else
		f->entities = rule_read_strv(kv, &f->nentities);
	return (0);
}

static int
rule_read_direction(struct rule_read_ctx *p, const struct rule_kv *kv,
    char *err, size_t errlen)
{
	const char	*s = kv->values[0];
	char		 q[PARSE_QUOTE_BUFLEN];

	if (strcmp(s, "tighten") == 0 || strcmp(s, "+1") == 0 ||
	    strcmp(s, "1") == 0)
		p->r->event.direction = 1;
	else if (strcmp(s, "ease") == 0 || strcmp(s, "-1") == 0)
		p->r->event.direction = -1;
	else if (strcmp(s, "any") == 0)
		p->r->event.direction = 0;
	else {
		rule_read_quote(s, q, sizeof(q));
		snprintf(err, errlen, "expected tighten, ease, +1, -1 or any, "
		    "got \"%s\"", q);
		return (-1);
	}
	return (0);
}

static int
rule_read_date(struct rule_read_ctx *p, const struct rule_kv *kv, char *err,
    size_t errlen)
{
	char	q[PARSE_QUOTE_BUFLEN];

	if (strcmp(kv->values[0], "announced") == 0)
		p->r->event.date = RULE_EVENT_ANNOUNCED;
	else if (strcmp(kv->values[0], "effective") == 0)
		p->r->event.date = RULE_EVENT_EFFECTIVE;
	else {
		rule_read_quote(kv->values[0], q, sizeof(q));
		snprintf(err, errlen, "expected announced or effective, got "
		    "\"%s\"", q);
		return (-1);
	}
	return (0);
}

static int
rule_read_expect(struct rule_read_ctx *p, const struct rule_kv *kv, char *err,
    size_t errlen)
{
	int	lag = p->r->expect.lag;

	schedule_free(&p->r->expect);
	if (schedule_parse(kv->values[0], &p->r->expect, err, errlen) == -1)
		return (-1);
	/* An explicit lag, read before, wins over the default. */
	if (lag >= 0)
		p->r->expect.lag = lag;
	free(p->r->expect_text);
	p->r->expect_text = xstrdup(kv->values[0]);
	return (0);
}

static int
rule_read_lag(struct rule_read_ctx *p, const struct rule_kv *kv, char *err,
    size_t errlen)
{
	int64_t	v;

	if (parse_int64(kv->values[0], 0, 24, &v, err, errlen) == -1)
		return (-1);
	p->r->expect.lag = (int)v;
	return (0);
}

static const struct rule_read_opt rule_read_opts[] = {
	{ "series",		K_ALL & ~K_SA,	0, rule_read_series },
	{ "severity",		K_ALL,		0, rule_read_severity },
	{ "labels.",		K_ALL,		0, rule_read_label },
	{ "annotations.",	K_ALL,		0, rule_read_annotation },
	{ "notify",		K_ALL,		1, rule_read_notify },
	{ "for",		K_ALL & ~(K_SA | K_RV), 0, rule_read_for },
	{ "keep_firing_for",	K_ALL,		0, rule_read_keep },
	{ "flap_flips",		K_ALL,		0, rule_read_flap_flips },
	{ "flap_window",	K_ALL,		0, rule_read_flap_window },
	{ "max_age",		K_T | K_C | K_S | K_R, 0, rule_read_max_age },
	{ "above",		K_T | K_C | K_S | K_R | K_RV, 0,
	  rule_read_level },
	{ "below",		K_T | K_C | K_S | K_R, 0, rule_read_level },
	{ "clear",		K_T | K_C | K_S | K_R, 0, rule_read_level },
	{ "crosses_above",	K_T,		0, rule_read_level },
	{ "crosses_below",	K_T,		0, rule_read_level },
	{ "window",		K_C | K_R,	0, rule_read_window },
	{ "baseline",		K_S,		0, rule_read_baseline },
	{ "within",		K_S,		0, rule_read_within },
	{ "event.jurisdiction",	K_S | K_SA,	1, rule_read_filter_list },
	{ "event.action",	K_S | K_SA,	1, rule_read_filter_list },
	{ "event.entity",	K_S | K_SA,	1, rule_read_filter_list },
	{ "event.direction",	K_S | K_SA,	0, rule_read_direction },
	{ "event.date",		K_S | K_SA,	0, rule_read_date },
	{ "lag",		K_ST,		0, rule_read_lag },
	{ "expect",		K_ST,		0, rule_read_expect },
};

const struct rule_read_opt *
rule_read_find(const char *name)
{
	const struct rule_read_opt	*o;
	size_t			 i, n;

	for (i = 0; i < RULE_READ_NOPTS; i++) {
		o = &rule_read_opts[i];
		n = strlen(o->name);
		if (o->name[n - 1] == '.' ? strncmp(name, o->name, n) == 0 :
		    strcmp(name, o->name) == 0)
			return (o);
	}
	return (NULL);
}
