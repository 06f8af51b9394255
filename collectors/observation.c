/* SPDX-License-Identifier: ISC */
/*
 * observation: batches of observations; see observation.h.
 */
#include <stdlib.h>
#include <string.h>

#include "collectors/observation.h"
#include "util/xmalloc.h"

struct batch *
batch_new(const char *feed)
{
	struct batch	*b;

	b = xcalloc(1, sizeof(*b));
	b->feed = xstrdup(feed);
	return (b);
}

static char *
batch_strdup(const char *s)
{
	return (s != NULL ? xstrdup(s) : NULL);
}

static void
batch_series_info_clear(struct series_info *si)
{
	free(si->key);
	free(si->name);
	free(si->unit);
	free(si->frequency);
	free(si->dimensions);
	memset(si, 0, sizeof(*si));
}

void
batch_describe(struct batch *b, const char *key, const char *name,
    const char *unit, const char *frequency, const char *dimensions)
{
	struct series_info	*si = NULL;
	size_t			 i;

	for (i = 0; i < b->nseries; i++) {
		if (strcmp(b->series[i].key, key) == 0) {
			si = &b->series[i];
			batch_series_info_clear(si);
			break;
		}
	}
	if (si == NULL) {
		b->series = xreallocarray(b->series, b->nseries + 1,
		    sizeof(*b->series));
		si = &b->series[b->nseries++];
	}
	si->key = xstrdup(key);
	si->name = batch_strdup(name);
	si->unit = batch_strdup(unit);
	si->frequency = batch_strdup(frequency);
	si->dimensions = batch_strdup(dimensions);
}

void
batch_free(struct batch *b)
{
	size_t	i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nobs; i++) {
		free(b->obs[i].series);
		free(b->obs[i].period);
		free(b->obs[i].value);
		free(b->obs[i].unit);
		free(b->obs[i].known_at);
	}
	free(b->obs);
	for (i = 0; i < b->nseries; i++)
		batch_series_info_clear(&b->series[i]);
	free(b->series);
	for (i = 0; i < b->nevents; i++)
		sanctions_event_free(&b->events[i]);
	free(b->events);
	free(b->etag);
	free(b->last_modified);
	free(b->feed);
	free(b->url);
	free(b->error);
	free(b);
}

void
batch_add(struct batch *b, const char *series, const char *period,
    const char *value, const char *unit)
{
	batch_add_known(b, series, period, value, unit, NULL);
}

void
batch_add_known(struct batch *b, const char *series, const char *period,
    const char *value, const char *unit, const char *known_at)
{
	struct observation	*o;

	if (b->nobs == b->cap) {
		b->cap = b->cap == 0 ? 64 : b->cap * 2;
		b->obs = xreallocarray(b->obs, b->cap, sizeof(*b->obs));
	}
	o = &b->obs[b->nobs++];
	o->series = xstrdup(series);
	o->period = xstrdup(period);
	o->value = xstrdup(value);
	o->unit = xstrdup(unit != NULL ? unit : "");
	o->known_at = batch_strdup(known_at);
}

void
batch_set_url(struct batch *b, const char *url)
{
	free(b->url);
	b->url = url != NULL ? xstrdup(url) : NULL;
}

void
batch_set_error(struct batch *b, const char *error)
{
	free(b->error);
	b->error = error != NULL ? xstrdup(error) : NULL;
}

void
batch_add_event(struct batch *b, struct sanctions_event *ev)
{
	b->events = xreallocarray(b->events, b->nevents + 1,
	    sizeof(*b->events));
	b->events[b->nevents++] = *ev;
	memset(ev, 0, sizeof(*ev));
}
