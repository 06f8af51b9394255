/* SPDX-License-Identifier: ISC */
/*
 * print: potashctl's JSON lines output of observations and sanctions
 * events, shared by parse and fetch --dry-run.
 */
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "collectors/collector.h"
#include "ctl/ctl.h"

static void
ctl_print_event(const struct sanctions_event *ev)
{
	cJSON	*o = cJSON_CreateObject(), *e = cJSON_CreateObject(), *ents;
	char	*line;
	size_t	 i;

#define CTL_STR(k, v) \
	((v) != NULL ? cJSON_AddStringToObject(e, k, v) : \
	    cJSON_AddNullToObject(e, k))
	CTL_STR("announced_on", ev->announced_on);
	CTL_STR("effective_on", ev->effective_on);
	CTL_STR("wind_down_until", ev->wind_down_until);
	CTL_STR("jurisdiction", ev->jurisdiction);
	CTL_STR("action", ev->action);
	CTL_STR("instrument", ev->instrument);
	ents = cJSON_AddArrayToObject(e, "entities");
	for (i = 0; i < ev->nentities; i++)
		cJSON_AddItemToArray(ents, cJSON_CreateString(ev->entities[i]));
	cJSON_AddNumberToObject(e, "direction", ev->direction);
	CTL_STR("summary", ev->summary);
	CTL_STR("source_url", ev->source_url);
	CTL_STR("verification", ev->verification);
#undef CTL_STR
	cJSON_AddItemToObject(o, "event", e);
	line = cJSON_PrintUnformatted(o);
	printf("%s\n", line);
	free(line);
	cJSON_Delete(o);
}

void
ctl_print_batch(const struct batch *b, const struct sanctions_event *events,
    size_t nevents)
{
	cJSON	*o;
	char	*line;
	size_t	 i;

	for (i = 0; b != NULL && i < b->nobs; i++) {
		const struct observation *ob = &b->obs[i];

		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "series", ob->series);
		cJSON_AddStringToObject(o, "period", ob->period);
		cJSON_AddStringToObject(o, "value", ob->value);
		cJSON_AddStringToObject(o, "unit", ob->unit);
		line = cJSON_PrintUnformatted(o);
		printf("%s\n", line);
		free(line);
		cJSON_Delete(o);
	}
	for (i = 0; i < nevents; i++)
		ctl_print_event(&events[i]);
}

