/* SPDX-License-Identifier: ISC */
/*
 * alertjson: rules, transitions and saved engine state as JSON; see
 * alertjson.h.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "alert/alertjson.h"
#include "alert/engine.h"
#include "alert/render.h"
#include "alert/rule.h"
#include "util/parse.h"
#include "util/period.h"

#define USEC	INT64_C(1000000)

static const char *const alertjson_states[] = {
	"inactive", "pending", "firing", "resolved",
};

void
alertjson_time(int64_t usec, char *buf, size_t len)
{
	int64_t	secs, frac;
	char	base[32];

	if (usec == 0 || usec == INT64_MIN || usec == INT64_MAX) {
		if (len > 0)
			buf[0] = '\0';
		return;
	}
	secs = usec / USEC;
	frac = usec % USEC;
	if (frac < 0) {
		secs--;
		frac += USEC;
	}
	if (period_from_unix(secs, base, sizeof(base)) == -1) {
		if (len > 0)
			buf[0] = '\0';
		return;
	}
	/* "YYYY-MM-DDTHH:MM:SSZ": put the fraction before the Z. */
	base[strlen(base) - 1] = '\0';
	snprintf(buf, len, "%s.%06" PRId64 "Z", base, frac);
}

int
alertjson_parse_time(const char *s, int64_t *out)
{
	char		 norm[64], err[128], head[64];
	const char	*p;
	int64_t		 secs, frac = 0;
	size_t		 n;
	int		 digits = 0;

	/* Take the fraction out: period_to_unix drops it. */
	if ((p = strchr(s, '.')) != NULL) {
		n = (size_t)(p - s);
		if (n >= sizeof(head))
			return (-1);
		memcpy(head, s, n);
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (digits < 6) {
				frac = frac * 10 + (*p - '0');
				digits++;
			}
		}
		for (; digits < 6; digits++)
			frac *= 10;
		if (n + strlen(p) >= sizeof(head))
			return (-1);
		strcpy(head + n, p);
		s = head;
	}
	if (period_normalize(s, norm, sizeof(norm), err, sizeof(err)) == -1)
		return (-1);
	if (period_to_unix(norm, &secs) == -1)
		return (-1);
	*out = secs * USEC + frac;
	return (0);
}

void
alertjson_add_time(cJSON *o, const char *name, int64_t usec)
{
	char	buf[64];

	alertjson_time(usec, buf, sizeof(buf));
	if (buf[0] == '\0')
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddStringToObject(o, name, buf);
}

void
alertjson_add_number(cJSON *o, const char *name, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static cJSON *
alertjson_labels(const struct rule_label *l, size_t n)
{
	cJSON	*o = cJSON_CreateObject();
	size_t	 i;

	for (i = 0; i < n; i++)
		cJSON_AddStringToObject(o, l[i].name, l[i].value);
	return (o);
}

static cJSON *
alertjson_strv(char *const *v, size_t n)
{
	cJSON	*a = cJSON_CreateArray();
	size_t	 i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return (a);
}

static void
alertjson_add_window(cJSON *o, const char *name, const struct rule_window *w)
{
	char	buf[64];

	if (w->periods != 0) {
		snprintf(buf, sizeof(buf), "%" PRIu32 " periods", w->periods);
		cJSON_AddStringToObject(o, name, buf);
	} else if (w->usec != 0) {
		parse_duration_format(w->usec, buf, sizeof(buf));
		cJSON_AddStringToObject(o, name, buf);
	}
}

static void
alertjson_add_duration(cJSON *o, const char *name, uint64_t usec)
{
	char	buf[64];

	if (usec == 0)
		return;
	parse_duration_format(usec, buf, sizeof(buf));
	cJSON_AddStringToObject(o, name, buf);
}

cJSON *
alertjson_rule(const struct rule *r)
{
	cJSON	*o, *d, *ev;
	char	 buf[64];

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddStringToObject(o, "kind", rule_kind_name(r->kind));
	if (r->series != NULL)
		cJSON_AddStringToObject(o, "series", r->series);
	else
		cJSON_AddNullToObject(o, "series");
	cJSON_AddStringToObject(o, "severity", rule_severity_name(r->severity));
	cJSON_AddItemToObject(o, "labels",
	    alertjson_labels(r->labels, r->nlabels));
	cJSON_AddItemToObject(o, "annotations",
	    alertjson_labels(r->annotations, r->nannotations));
	cJSON_AddItemToObject(o, "notify", alertjson_strv(r->notify, r->nnotify));

	d = cJSON_AddObjectToObject(o, "definition");
	if (r->has_above)
		cJSON_AddNumberToObject(d, r->crosses ? "crosses_above" :
		    "above", r->above);
	if (r->has_below)
		cJSON_AddNumberToObject(d, r->crosses ? "crosses_below" :
		    "below", r->below);
	if (r->has_clear)
		cJSON_AddNumberToObject(d, "clear", r->clear);
	if (r->has_above || r->has_below)
		cJSON_AddStringToObject(d, "unit", r->unit == RULE_PERCENT ?
		    "percent" : "absolute");
	alertjson_add_duration(d, "for", r->for_usec);
	if (r->for_count != 0)
		cJSON_AddNumberToObject(d, "for_observations", r->for_count);
	alertjson_add_duration(d, "keep_firing_for", r->keep_firing_for);
	alertjson_add_window(d, "max_age", &r->max_age);
	alertjson_add_window(d, "window", &r->window);
	alertjson_add_window(d, "baseline", &r->baseline);
	alertjson_add_duration(d, "within", r->within);
	if (r->flap_flips != 0) {
		cJSON_AddNumberToObject(d, "flap_flips", r->flap_flips);
		parse_duration_format(r->flap_window, buf, sizeof(buf));
		cJSON_AddStringToObject(d, "flap_window", buf);
	}
	if (r->expect_text != NULL)
		cJSON_AddStringToObject(d, "expect", r->expect_text);
	if (r->kind == RULE_SINCE_EVENT || r->kind == RULE_SANCTIONS) {
		ev = cJSON_AddObjectToObject(d, "event");
		cJSON_AddItemToObject(ev, "jurisdiction",
		    alertjson_strv(r->event.jurisdictions,
		    r->event.njurisdictions));
		cJSON_AddItemToObject(ev, "action",
		    alertjson_strv(r->event.actions, r->event.nactions));
		cJSON_AddItemToObject(ev, "entity",
		    alertjson_strv(r->event.entities, r->event.nentities));
		cJSON_AddStringToObject(ev, "direction",
		    r->event.direction > 0 ? "tighten" :
		    r->event.direction < 0 ? "ease" : "any");
		cJSON_AddStringToObject(ev, "date",
		    r->event.date == RULE_EVENT_EFFECTIVE ? "effective" :
		    "announced");
	}
	return (o);
}

static cJSON *
alertjson_annotations(const struct engine_transition *t)
{
	const struct rule	*r = t->rule;
	cJSON			*o = cJSON_CreateObject();
	char			 buf[4096];
	size_t			 i;

	for (i = 0; i < r->nannotations; i++) {
		/* A cut text is still worth showing. */
		(void)render_template(r->annotations[i].value, t, buf,
		    sizeof(buf));
		cJSON_AddStringToObject(o, r->annotations[i].name, buf);
	}
	return (o);
}

cJSON *
alertjson_transition(const struct engine_transition *t)
{
	const struct rule	*r = t->rule;
	cJSON			*o, *ev, *e;
	size_t			 i;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "fingerprint", t->fingerprint);
	cJSON_AddStringToObject(o, "rule", r->name);
	cJSON_AddStringToObject(o, "series", t->series);
	cJSON_AddStringToObject(o, "kind", rule_kind_name(r->kind));
	cJSON_AddStringToObject(o, "severity", rule_severity_name(r->severity));
	cJSON_AddItemToObject(o, "labels",
	    alertjson_labels(r->labels, r->nlabels));
	alertjson_add_time(o, "at", t->at);
	cJSON_AddStringToObject(o, "from_state", engine_state_name(t->from));
	cJSON_AddStringToObject(o, "to_state", engine_state_name(t->to));
	cJSON_AddStringToObject(o, "reason", engine_reason_name(t->reason));
	cJSON_AddBoolToObject(o, "flapping", t->flapping);
	alertjson_add_number(o, "value", t->value);
	alertjson_add_number(o, "metric", t->metric);
	alertjson_add_number(o, "threshold", t->threshold);
	alertjson_add_number(o, "baseline", t->baseline);
	alertjson_add_time(o, "baseline_from", t->baseline_from);
	alertjson_add_time(o, "baseline_to", t->baseline_to);
	if (t->baseline_n != 0)
		cJSON_AddNumberToObject(o, "baseline_n", t->baseline_n);
	else
		cJSON_AddNullToObject(o, "baseline_n");
	if (t->event_id != 0)
		cJSON_AddNumberToObject(o, "event_id", (double)t->event_id);
	else
		cJSON_AddNullToObject(o, "event_id");
	if (t->event != NULL)
		cJSON_AddStringToObject(o, "event", t->event);
	else
		cJSON_AddNullToObject(o, "event");
	alertjson_add_time(o, "due", t->due);
	alertjson_add_time(o, "expected", t->expected);
	ev = cJSON_AddArrayToObject(o, "evidence");
	for (i = 0; i < t->nevidence; i++) {
		e = cJSON_CreateObject();
		alertjson_add_time(e, "period", t->evidence[i].period);
		alertjson_add_number(e, "value", t->evidence[i].value);
		alertjson_add_time(e, "known_at", t->evidence[i].known_at);
		cJSON_AddItemToArray(ev, e);
	}
	cJSON_AddNumberToObject(o, "inputs", (double)t->ninputs);
	cJSON_AddItemToObject(o, "annotations", alertjson_annotations(t));
	return (o);
}

cJSON *
alertjson_alert(const struct engine_saved *s, const struct rule *r)
{
	cJSON	*o;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "fingerprint", s->fingerprint);
	cJSON_AddStringToObject(o, "rule", s->rule);
	cJSON_AddStringToObject(o, "series", s->series);
	cJSON_AddStringToObject(o, "kind", rule_kind_name(s->kind));
	cJSON_AddStringToObject(o, "severity", rule_severity_name(r->severity));
	cJSON_AddItemToObject(o, "labels",
	    alertjson_labels(r->labels, r->nlabels));
	cJSON_AddStringToObject(o, "state", engine_state_name(s->state));
	alertjson_add_time(o, "since", s->since);
	alertjson_add_number(o, "value", s->value);
	alertjson_add_number(o, "metric", s->metric);
	alertjson_add_number(o, "threshold", s->threshold);
	alertjson_add_number(o, "baseline", s->baseline);
	alertjson_add_time(o, "baseline_from", s->baseline_from);
	alertjson_add_time(o, "baseline_to", s->baseline_to);
	if (s->baseline_n != 0)
		cJSON_AddNumberToObject(o, "baseline_n", s->baseline_n);
	if (s->event_id != 0)
		cJSON_AddNumberToObject(o, "event_id", (double)s->event_id);
	cJSON_AddBoolToObject(o, "flapping", s->flapping);
	cJSON_AddItemToObject(o, "saved", alertjson_saved(s));
	return (o);
}

/* An engine time: an integer, or a name for the two sentinels. */
static void
alertjson_add_usec(cJSON *o, const char *name, int64_t v)
{
	if (v == INT64_MIN)
		cJSON_AddStringToObject(o, name, "min");
	else if (v == INT64_MAX)
		cJSON_AddStringToObject(o, name, "max");
	else
		cJSON_AddNumberToObject(o, name, (double)v);
}

cJSON *
alertjson_saved(const struct engine_saved *s)
{
	cJSON	*o, *f;
	size_t	 i;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "rule", s->rule);
	cJSON_AddStringToObject(o, "series", s->series);
	cJSON_AddStringToObject(o, "fingerprint", s->fingerprint);
	cJSON_AddStringToObject(o, "kind", rule_kind_name(s->kind));
	cJSON_AddStringToObject(o, "state", engine_state_name(s->state));
	alertjson_add_usec(o, "since", s->since);
	cJSON_AddNumberToObject(o, "count", s->count);
	alertjson_add_usec(o, "until", s->until);
	alertjson_add_usec(o, "checked", s->checked);
	cJSON_AddNumberToObject(o, "latch", s->latch);
	cJSON_AddNumberToObject(o, "flapping", s->flapping);
	f = cJSON_AddArrayToObject(o, "flips");
	for (i = 0; i < s->nflips && i < RULE_FLIPS_MAX; i++)
		cJSON_AddItemToArray(f, cJSON_CreateNumber((double)s->flips[i]));
	alertjson_add_number(o, "value", s->value);
	alertjson_add_number(o, "metric", s->metric);
	alertjson_add_number(o, "threshold", s->threshold);
	alertjson_add_usec(o, "event_id", s->event_id);
	alertjson_add_usec(o, "event_at", s->event_at);
	alertjson_add_usec(o, "event_known", s->event_known);
	alertjson_add_number(o, "baseline", s->baseline);
	alertjson_add_usec(o, "baseline_from", s->baseline_from);
	alertjson_add_usec(o, "baseline_to", s->baseline_to);
	cJSON_AddNumberToObject(o, "baseline_n", s->baseline_n);
	alertjson_add_usec(o, "window_end", s->window_end);
	alertjson_add_usec(o, "disarm_at", s->disarm_at);
	cJSON_AddNumberToObject(o, "closed", s->closed);
	return (o);
}

static int
alertjson_get_usec(const cJSON *o, const char *name, int64_t *v, char *err,
    size_t errlen)
{
	const cJSON	*j = cJSON_GetObjectItemCaseSensitive(o, name);

	if (cJSON_IsString(j) && strcmp(j->valuestring, "min") == 0)
		*v = INT64_MIN;
	else if (cJSON_IsString(j) && strcmp(j->valuestring, "max") == 0)
		*v = INT64_MAX;
	else if (cJSON_IsNumber(j) && fabs(j->valuedouble) < 9007199254740992.0)
		*v = (int64_t)j->valuedouble;
	else {
		snprintf(err, errlen, "saved state: \"%s\": expected an "
		    "integer", name);
		return (-1);
	}
	return (0);
}

static double
alertjson_get_double(const cJSON *o, const char *name)
{
	const cJSON	*j = cJSON_GetObjectItemCaseSensitive(o, name);

	return (cJSON_IsNumber(j) ? j->valuedouble : (double)NAN);
}

static int
alertjson_get_uint(const cJSON *o, const char *name, uint32_t max,
    uint32_t *v, char *err, size_t errlen)
{
	const cJSON	*j = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsNumber(j) || j->valuedouble < 0 ||
	    j->valuedouble > (double)max) {
		snprintf(err, errlen, "saved state: \"%s\": expected an "
		    "integer from 0 to %" PRIu32, name, max);
		return (-1);
	}
	*v = (uint32_t)j->valuedouble;
	return (0);
}

static const char *
alertjson_get_str(const cJSON *o, const char *name, char *err, size_t errlen)
{
	const cJSON	*j = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsString(j)) {
		snprintf(err, errlen, "saved state: \"%s\": expected a string",
		    name);
		return (NULL);
	}
	return (j->valuestring);
}

int
alertjson_saved_parse(const cJSON *o, struct engine_saved *s, char *err,
    size_t errlen)
{
	const char	*kind, *state, *fp;
	const cJSON	*flips, *f;
	uint32_t	 u;
	size_t		 i;
	int		 k;

	memset(s, 0, sizeof(*s));
	if (!cJSON_IsObject(o)) {
		snprintf(err, errlen, "saved state: expected an object");
		return (-1);
	}
	if ((s->rule = alertjson_get_str(o, "rule", err, errlen)) == NULL ||
	    (s->series = alertjson_get_str(o, "series", err, errlen)) == NULL ||
	    (fp = alertjson_get_str(o, "fingerprint", err, errlen)) == NULL ||
	    (kind = alertjson_get_str(o, "kind", err, errlen)) == NULL ||
	    (state = alertjson_get_str(o, "state", err, errlen)) == NULL)
		return (-1);
	if (strlen(fp) != ENGINE_FINGERPRINT_LEN - 1) {
		snprintf(err, errlen, "saved state: \"fingerprint\": expected "
		    "%d hex digits", ENGINE_FINGERPRINT_LEN - 1);
		return (-1);
	}
	memcpy(s->fingerprint, fp, ENGINE_FINGERPRINT_LEN);
	for (k = 0; k <= RULE_REVISION; k++) {
		if (strcmp(rule_kind_name((enum rule_kind)k), kind) == 0)
			break;
	}
	if (k > RULE_REVISION) {
		snprintf(err, errlen, "saved state: \"kind\": unknown kind "
		    "\"%s\"", kind);
		return (-1);
	}
	s->kind = (enum rule_kind)k;
	for (k = 0; k < 4; k++) {
		if (strcmp(alertjson_states[k], state) == 0)
			break;
	}
	if (k == 4) {
		snprintf(err, errlen, "saved state: \"state\": unknown state "
		    "\"%s\"", state);
		return (-1);
	}
	s->state = (enum engine_state)k;
	if (alertjson_get_usec(o, "since", &s->since, err, errlen) == -1 ||
	    alertjson_get_uint(o, "count", UINT32_MAX, &s->count, err,
	    errlen) == -1 ||
	    alertjson_get_usec(o, "until", &s->until, err, errlen) == -1 ||
	    alertjson_get_usec(o, "checked", &s->checked, err, errlen) == -1 ||
	    alertjson_get_uint(o, "latch", 1, &u, err, errlen) == -1)
		return (-1);
	s->latch = (int)u;
	if (alertjson_get_uint(o, "flapping", 1, &u, err, errlen) == -1)
		return (-1);
	s->flapping = (int)u;
	flips = cJSON_GetObjectItemCaseSensitive(o, "flips");
	if (!cJSON_IsArray(flips) ||
	    cJSON_GetArraySize(flips) > RULE_FLIPS_MAX) {
		snprintf(err, errlen, "saved state: \"flips\": expected an "
		    "array of at most %d times", RULE_FLIPS_MAX);
		return (-1);
	}
	i = 0;
	cJSON_ArrayForEach(f, flips) {
		if (!cJSON_IsNumber(f)) {
			snprintf(err, errlen, "saved state: \"flips\": "
			    "expected numbers");
			return (-1);
		}
		s->flips[i++] = (int64_t)f->valuedouble;
	}
	s->nflips = i;
	s->value = alertjson_get_double(o, "value");
	s->metric = alertjson_get_double(o, "metric");
	s->threshold = alertjson_get_double(o, "threshold");
	s->baseline = alertjson_get_double(o, "baseline");
	if (alertjson_get_usec(o, "event_id", &s->event_id, err, errlen) ==
	    -1 ||
	    alertjson_get_usec(o, "event_at", &s->event_at, err, errlen) ==
	    -1 ||
	    alertjson_get_usec(o, "event_known", &s->event_known, err,
	    errlen) == -1 ||
	    alertjson_get_usec(o, "baseline_from", &s->baseline_from, err,
	    errlen) == -1 ||
	    alertjson_get_usec(o, "baseline_to", &s->baseline_to, err,
	    errlen) == -1 ||
	    alertjson_get_uint(o, "baseline_n", UINT32_MAX, &s->baseline_n,
	    err, errlen) == -1 ||
	    alertjson_get_usec(o, "window_end", &s->window_end, err,
	    errlen) == -1 ||
	    alertjson_get_usec(o, "disarm_at", &s->disarm_at, err, errlen) ==
	    -1 ||
	    alertjson_get_uint(o, "closed", 1, &u, err, errlen) == -1)
		return (-1);
	s->closed = (int)u;
	return (0);
}
