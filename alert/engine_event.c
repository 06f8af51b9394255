/* SPDX-License-Identifier: ISC */
/*
 * engine_event: sanctions events in the alert engine; see engine.h for
 * what they do.
 *
 * Owns the event records (struct engine_evrec in instance.h): one per
 * event id ever fed or restored, with a signature of the event's fields
 * (to tell a re-poll from a change), its description for transitions,
 * and the "event/ID" series whose instances are the sanctions rules'.
 * A record whose signature is 0 was created by engine_restore: the first
 * feed of that event is then taken as already seen, not as new.
 * Filters compare ASCII case-insensitively, without the locale.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/engine.h"
#include "alert/instance.h"
#include "util/period.h"
#include "util/xmalloc.h"

struct engine_evrec *
engine_event_find(const struct engine *e, int64_t id)
{
	size_t	i;

	for (i = e->nevents; i > 0; i--) {
		if (e->events[i - 1]->id == id)
			return (e->events[i - 1]);
	}
	return (NULL);
}

struct engine_evrec *
engine_event_add(struct engine *e, int64_t id)
{
	struct engine_evrec	*ev;

	if (e->nevents == e->evcap) {
		e->evcap = e->evcap == 0 ? 16 : e->evcap * 2;
		e->events = xreallocarray(e->events, e->evcap,
		    sizeof(*e->events));
	}
	ev = xcalloc(1, sizeof(*ev));
	ev->id = id;
	e->events[e->nevents++] = ev;
	return (ev);
}

/* The "event/ID" series of ev, with one instance per sanctions rule. */
struct series *
engine_event_series(struct engine *e, struct engine_evrec *ev)
{
	struct series	*s;
	char		 key[32];
	size_t		 k;

	if (ev->series != NULL)
		return (ev->series);
	snprintf(key, sizeof(key), "event/%" PRId64, ev->id);
	s = ev->series = series_new(key, 0);
	s->event_id = ev->id;
	engine_series_add(e, s);
	s->insts = xcalloc(e->nsanctions, sizeof(*s->insts));
	for (k = 0; k < e->nrules; k++) {
		if (e->rules[k].rule->kind == RULE_SANCTIONS)
			engine_instance_init(e, &e->rules[k], s,
			    &s->insts[s->ninsts++]);
	}
	return (s);
}

/* ASCII case-insensitive equality and substring search. */
static int
engine_event_lower(int c)
{
	return (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

static int
engine_event_casecmp(const char *a, const char *b)
{
	while (*a != '\0' && engine_event_lower(*a) == engine_event_lower(*b)) {
		a++;
		b++;
	}
	return (engine_event_lower(*a) - engine_event_lower(*b));
}

static int
engine_event_casestr(const char *hay, const char *needle)
{
	size_t	i, n = strlen(needle);

	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n && hay[i] != '\0'; i++) {
			if (engine_event_lower(hay[i]) !=
			    engine_event_lower(needle[i]))
				break;
		}
		if (i == n)
			return (1);
	}
	return (n == 0);
}

static int
engine_event_in_list(char *const *list, size_t n, const char *s)
{
	size_t	i;

	if (n == 0)
		return (1);
	if (s == NULL)
		return (0);
	for (i = 0; i < n; i++) {
		if (engine_event_casecmp(list[i], s) == 0)
			return (1);
	}
	return (0);
}

static int
engine_event_match(const struct rule_filter *f,
    const struct engine_event *ev)
{
	size_t	i, j;

	if (f->direction != 0 && f->direction != ev->direction)
		return (0);
	if (!engine_event_in_list(f->jurisdictions, f->njurisdictions,
	    ev->jurisdiction) ||
	    !engine_event_in_list(f->actions, f->nactions, ev->action))
		return (0);
	if (f->nentities == 0)
		return (1);
	for (i = 0; i < f->nentities; i++) {
		for (j = 0; j < ev->nentities; j++) {
			if (ev->entities[j] != NULL &&
			    engine_event_casestr(ev->entities[j],
			    f->entities[i]))
				return (1);
		}
	}
	return (0);
}

static uint64_t
engine_event_sig(const struct engine_event *ev)
{
	uint64_t	h = ENGINE_FNV_OFFSET;
	size_t		i;

	h = engine_fnv(h, &ev->announced, sizeof(ev->announced));
	h = engine_fnv(h, &ev->effective, sizeof(ev->effective));
	h = engine_fnv(h, &ev->direction, sizeof(ev->direction));
	h = engine_fnv_str(h, ev->jurisdiction);
	h = engine_fnv_str(h, ev->action);
	h = engine_fnv_str(h, ev->instrument);
	for (i = 0; i < ev->nentities; i++)
		h = engine_fnv_str(h, ev->entities[i]);
	return (h == 0 ? 1 : h);
}

static char *
engine_event_desc(const struct engine_event *ev)
{
	char	date[PERIOD_MAX_LEN];

	if (period_from_unix(ev->announced / 1000000, date,
	    sizeof(date)) == -1)
		snprintf(date, sizeof(date), "?");
	else
		date[10] = '\0';
	return (xasprintf("%s %s %s (%s)", ev->jurisdiction != NULL ?
	    ev->jurisdiction : "?", ev->action != NULL ? ev->action : "?",
	    ev->instrument != NULL ? ev->instrument : "?", date));
}

int
engine_event(struct engine *e, const struct engine_event *ev)
{
	struct engine_evrec	*rec;
	struct series		*s;
	struct instance_input	 inp;
	int64_t			 t, at;
	uint64_t		 sig;
	int			 fire, known;
	size_t			 k, i;

	if (ev->id <= 0)
		return (-1);
	known = (ev->flags & ENGINE_EVENT_KNOWN) != 0;
	sig = engine_event_sig(ev);
	if ((rec = engine_event_find(e, ev->id)) == NULL) {
		rec = engine_event_add(e, ev->id);
		fire = 1;
	} else if (rec->sig == sig)
		return (0);
	else
		fire = rec->sig != 0;	/* changed; not first sight after a
					 * restore */
	rec->sig = sig;
	free(rec->desc);
	rec->desc = engine_event_desc(ev);
	if (known || (ev->origin != NULL && strcmp(ev->origin, "seed") == 0))
		fire = 0;
	if (known)
		t = ev->known_at;
	else {
		t = ev->known_at > e->clock ? ev->known_at : e->clock;
		e->clock = t;
	}

	for (k = 0; k < e->nrules; k++) {
		struct engine_rule	*er = &e->rules[k];
		const struct rule	*r = er->rule;

		if ((r->kind != RULE_SANCTIONS &&
		    r->kind != RULE_SINCE_EVENT) ||
		    !engine_event_match(&r->event, ev))
			continue;
		if (r->kind == RULE_SANCTIONS) {
			if (!fire)
				continue;
			s = engine_event_series(e, rec);
			for (i = 0; i < s->ninsts; i++) {
				struct instance	*in = &s->insts[i];

				if (in->rule != r)
					continue;
				if (in->deadline <= t)
					instance_tick(e, in, t);
				instance_input_init(&inp);
				instance_trigger(e, in, t, &inp);
			}
			continue;
		}
		at = r->event.date == RULE_EVENT_EFFECTIVE &&
		    ev->effective != INT64_MIN ? ev->effective : ev->announced;
		for (i = 0; i < er->ninsts; i++) {
			struct instance	*in = er->insts[i];

			if (in->deadline <= t)
				instance_tick(e, in, t);
			kind_arm(e, in, ev->id, at, ev->known_at, t);
		}
	}
	return (0);
}

void
engine_event_from(struct engine_event *out, const struct sanctions_event *ev,
    int64_t id, const char *origin, int64_t known_at)
{
	int64_t	secs;

	memset(out, 0, sizeof(*out));
	out->id = id;
	out->announced = ev->announced_on != NULL &&
	    period_to_unix(ev->announced_on, &secs) == 0 ?
	    secs * 1000000 : 0;
	out->effective = ev->effective_on != NULL &&
	    period_to_unix(ev->effective_on, &secs) == 0 ?
	    secs * 1000000 : INT64_MIN;
	out->known_at = known_at;
	out->jurisdiction = ev->jurisdiction;
	out->action = ev->action;
	out->instrument = ev->instrument;
	out->entities = (const char *const *)ev->entities;
	out->nentities = ev->nentities;
	out->direction = ev->direction;
	out->origin = origin;
}
