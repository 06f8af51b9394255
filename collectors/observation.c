/* SPDX-License-Identifier: ISC */
/*
 * observation: batches of observations; see observation.h.
 *
 * The strings of observations and series descriptions are copied into
 * the batch's arena, an observation's four or five in one piece: a batch
 * of n observations costs a few allocations, not 4n.  A description
 * replaced by batch_describe leaves its old strings in the arena until
 * batch_free.
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
batch_strdup(struct batch *b, const char *s)
{
	return (s != NULL ? arena_strdup(&b->strings, s) : NULL);
}

/* Appends an empty description of key. */
static struct series_info *
batch_series_add(struct batch *b, const char *key)
{
	struct series_info	*si;

	if (b->nseries == b->series_cap) {
		b->series_cap = b->series_cap == 0 ? 16 : b->series_cap * 2;
		b->series = xreallocarray(b->series, b->series_cap,
		    sizeof(*b->series));
	}
	si = &b->series[b->nseries++];
	si->key = arena_strdup(&b->strings, key);
	return (si);
}

static void
batch_series_set(struct batch *b, struct series_info *si, const char *name,
    const char *unit, const char *frequency, const char *dimensions)
{
	si->name = batch_strdup(b, name);
	si->unit = batch_strdup(b, unit);
	si->frequency = batch_strdup(b, frequency);
	si->dimensions = batch_strdup(b, dimensions);
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
			break;
		}
	}
	if (si == NULL)
		si = batch_series_add(b, key);
	batch_series_set(b, si, name, unit, frequency, dimensions);
}

void
batch_describe_new(struct batch *b, const char *key, const char *name,
    const char *unit, const char *frequency, const char *dimensions)
{
	batch_series_set(b, batch_series_add(b, key), name, unit, frequency,
	    dimensions);
}

void
batch_free(struct batch *b)
{
	size_t	i;

	if (b == NULL)
		return;
	free(b->obs);
	free(b->series);
	arena_deinit(&b->strings);
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
	size_t			 ls, lp, lv, lu, lk;
	char			*p;

	if (b->nobs == b->cap) {
		b->cap = b->cap == 0 ? 64 : b->cap * 2;
		b->obs = xreallocarray(b->obs, b->cap, sizeof(*b->obs));
	}
	if (unit == NULL)
		unit = "";
	ls = strlen(series) + 1;
	lp = strlen(period) + 1;
	lv = strlen(value) + 1;
	lu = strlen(unit) + 1;
	lk = known_at != NULL ? strlen(known_at) + 1 : 0;
	p = arena_alloc_text(&b->strings, ls + lp + lv + lu + lk);
	o = &b->obs[b->nobs++];
	o->series = memcpy(p, series, ls);
	o->period = memcpy(p += ls, period, lp);
	o->value = memcpy(p += lp, value, lv);
	o->unit = memcpy(p += lv, unit, lu);
	o->known_at = known_at != NULL ? memcpy(p + lu, known_at, lk) : NULL;
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
