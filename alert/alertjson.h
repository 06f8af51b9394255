/* SPDX-License-Identifier: ISC */
/*
 * alertjson: the alert engine's data as JSON, the one encoding shared by
 * the daemon (what it stores through potash.rules_load and
 * potash.alert_apply, see schema/0009_alerts.sql) and potashctl (what it
 * prints).  Pure: cJSON in, cJSON out, no I/O.
 *
 * Times are written as RFC 3339 UTC text with microseconds in the objects
 * PostgreSQL reads (they become timestamptz); the engine's saved state is
 * kept in its own units (unix microseconds as JSON integers, exact below
 * 2^53) so that it restores bit for bit.  Numbers that do not apply
 * (NAN) are null.
 */
#ifndef ALERT_ALERTJSON_H
#define ALERT_ALERTJSON_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "alert/engine.h"
#include "alert/rule.h"

/* A rules_load() element: name, kind, series, severity, labels,
 * annotations (the templates), notify and a definition object. */
cJSON	*alertjson_rule(const struct rule *);

/* An alert_apply() transition, with the rule's annotations rendered. */
cJSON	*alertjson_transition(const struct engine_transition *);

/* An alert_apply() alert row for a saved instance of rule r, with the
 * engine state as "saved". */
cJSON	*alertjson_alert(const struct engine_saved *, const struct rule *);

/* The engine state alone, as alertjson_alert stores it in "saved". */
cJSON	*alertjson_saved(const struct engine_saved *);
/*
 * Reads a "saved" object back.  Strings (rule, series) point into the
 * cJSON, which must outlive s.  Returns 0, or -1 with err naming the
 * field at fault.
 */
int	 alertjson_saved_parse(const cJSON *, struct engine_saved *, char *,
	    size_t);

/* Writes unix usec as "2025-12-15T00:00:00.000000Z"; "" for 0. */
void	 alertjson_time(int64_t, char *, size_t);
/* Adds name: the time as alertjson_time writes it, or null for 0. */
void	 alertjson_add_time(cJSON *, const char *, int64_t);
/* Adds name: v, or null if v is not finite. */
void	 alertjson_add_number(cJSON *, const char *, double);
/* Parses PostgreSQL's timestamptz text ("2025-12-15 00:00:00+00", any
 * offset, optional fraction) or RFC 3339 into unix usec.  0 or -1. */
int	 alertjson_parse_time(const char *, int64_t *);

#endif
