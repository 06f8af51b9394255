/* SPDX-License-Identifier: ISC */
/*
 * collector: the registry of feed kinds and the small helpers every kind
 * shares (feed options, requests, results); see collector.h.
 */
#include <stdlib.h>
#include <string.h>

#include "collectors/collector.h"
#include "util/xmalloc.h"

/*
 * The registry: each kind's ops live in collectors/<kind>.c.  Add a kind
 * with one extern line and one table entry, in alphabetical order.
 */
extern const struct collector_ops collector_ops_comtrade;
extern const struct collector_ops collector_ops_csv;
extern const struct collector_ops collector_ops_fedreg;
extern const struct collector_ops collector_ops_fred;
extern const struct collector_ops collector_ops_imf;
extern const struct collector_ops collector_ops_json;
extern const struct collector_ops collector_ops_opensanctions;
extern const struct collector_ops collector_ops_yahoo;

static const struct collector_ops *const collector_kinds[] = {
	&collector_ops_comtrade,
	&collector_ops_csv,
	&collector_ops_fedreg,
	&collector_ops_fred,
	&collector_ops_imf,
	&collector_ops_json,
	&collector_ops_opensanctions,
	&collector_ops_yahoo,
	NULL
};

const struct collector_ops *const *
collector_all(size_t *n)
{
	for (*n = 0; collector_kinds[*n] != NULL; (*n)++)
		;
	return (collector_kinds);
}

const struct collector_ops *
collector_find(const char *name)
{
	size_t	i;

	for (i = 0; collector_kinds[i] != NULL; i++) {
		if (strcmp(collector_kinds[i]->name, name) == 0)
			return (collector_kinds[i]);
	}
	return (NULL);
}

static const struct feed_option *
feed_find(const struct feed *f, const char *name)
{
	size_t	i;

	for (i = 0; i < f->nopts; i++) {
		if (strcmp(f->opts[i].name, name) == 0)
			return (&f->opts[i]);
	}
	return (NULL);
}

const char *
feed_get(const struct feed *f, const char *name)
{
	const struct feed_option	*o = feed_find(f, name);

	if (o == NULL || o->nvalues == 0)
		return (NULL);
	return (o->values[0]);
}

char *const *
feed_get_list(const struct feed *f, const char *name, size_t *n)
{
	const struct feed_option	*o = feed_find(f, name);

	if (o == NULL) {
		*n = 0;
		return (NULL);
	}
	*n = o->nvalues;
	return (o->values);
}

void
collector_request_clear(struct collector_request *req)
{
	size_t	i;

	free(req->url);
	for (i = 0; i < sizeof(req->headers) / sizeof(req->headers[0]); i++)
		free(req->headers[i]);
	memset(req, 0, sizeof(*req));
}

void
sanctions_event_free(struct sanctions_event *ev)
{
	size_t	i;

	free(ev->announced_on);
	free(ev->effective_on);
	free(ev->wind_down_until);
	free(ev->jurisdiction);
	free(ev->action);
	free(ev->instrument);
	for (i = 0; i < ev->nentities; i++)
		free(ev->entities[i]);
	free(ev->entities);
	free(ev->summary);
	free(ev->source_url);
	free(ev->verification);
	memset(ev, 0, sizeof(*ev));
}

void
collector_result_add_event(struct collector_result *res,
    struct sanctions_event *ev)
{
	res->events = xreallocarray(res->events, res->nevents + 1,
	    sizeof(*res->events));
	res->events[res->nevents++] = *ev;
	memset(ev, 0, sizeof(*ev));
}

void
collector_result_clear(struct collector_result *res)
{
	size_t	i;

	batch_free(res->batch);
	for (i = 0; i < res->nevents; i++)
		sanctions_event_free(&res->events[i]);
	free(res->events);
	free(res->next_url);
	memset(res, 0, sizeof(*res));
}
