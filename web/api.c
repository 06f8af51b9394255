/* SPDX-License-Identifier: ISC */
/*
 * api: /api/... JSON routes; see api.h.
 *
 * Each route checks its parameters, queues one query with them as text
 * parameters (never spliced into SQL) asking for one row more than the
 * limit, and answers from the query's callback.  Times come out of SQL
 * as epoch microseconds (exact: extract() is numeric), so the session's
 * TimeZone and DateStyle never matter; dates come out through to_char.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "util/parse.h"
#include "util/period.h"
#include "util/xmalloc.h"
#include "web/api.h"
#include "web/reply.h"

#define API_US(x)	"(extract(epoch FROM " x ") * 1000000)::bigint"
#define API_DATE(x)	"to_char(" x ", 'YYYY-MM-DD')"

/* A query's parameters, kept until the answer (limit is asked + 1). */
struct api_req {
	int	 limit;
	char	*key;
};

static void
api_req_free(void *arg)
{
	struct api_req	*a = arg;

	if (a == NULL)
		return;
	free(a->key);
	free(a);
}

static struct api_req *
api_req_new(struct reply *r, int limit, const char *key)
{
	struct api_req	*a;

	a = xcalloc(1, sizeof(*a));
	a->limit = limit;
	a->key = key != NULL ? xstrdup(key) : NULL;
	reply_set_data(r, a, api_req_free);
	return (a);
}

static void
api_add_text(cJSON *o, const char *name, const char *v)
{
	if (v == NULL)
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddStringToObject(o, name, v);
}

static void
api_add_time(cJSON *o, const char *name, const PGresult *res, int row,
    int col)
{
	char	t[40];

	if (PQgetisnull(res, row, col))
		cJSON_AddNullToObject(o, name);
	else {
		reply_time(reply_int(res, row, col), t);
		cJSON_AddStringToObject(o, name, t);
	}
}

/* A float8 column as a JSON number; null for NULL and non-finite. */
static void
api_add_double(cJSON *o, const char *name, const PGresult *res, int row,
    int col)
{
	double	v;
	char	*end;

	if (PQgetisnull(res, row, col)) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	v = strtod(PQgetvalue(res, row, col), &end);
	if (*end != '\0' || !isfinite(v))
		cJSON_AddNullToObject(o, name);
	else
		cJSON_AddNumberToObject(o, name, v);
}

/* A json or jsonb column (as text) parsed; null if NULL or invalid. */
static void
api_add_json(cJSON *o, const char *name, const PGresult *res, int row,
    int col)
{
	cJSON	*v = NULL;

	if (!PQgetisnull(res, row, col))
		v = cJSON_ParseWithLength(PQgetvalue(res, row, col),
		    (size_t)PQgetlength(res, row, col));
	if (v == NULL)
		v = cJSON_CreateNull();
	cJSON_AddItemToObject(o, name, v);
}

static void
api_add_bool(cJSON *o, const char *name, const PGresult *res, int row,
    int col)
{
	cJSON_AddBoolToObject(o, name, !PQgetisnull(res, row, col) &&
	    PQgetvalue(res, row, col)[0] == 't');
}

/* A cursor holding a number (an id, epoch microseconds). */
static int
api_cursor_int(struct reply *r, int64_t min, char *out, size_t outlen)
{
	const char	*v = reply_param(r, "cursor");
	int64_t		 n;

	out[0] = '\0';
	if (v == NULL)
		return (0);
	if (parse_int64(v, min, INT64_MAX, &n, NULL, 0) == -1) {
		reply_error(r, 400, "cursor", "parameter \"cursor\": not a "
		    "cursor of this list (use the \"next\" of a previous "
		    "page)");
		return (-1);
	}
	snprintf(out, outlen, "%" PRId64, n);
	return (0);
}

static void
api_hex(const char *s, char *out)
{
	static const char	 digits[] = "0123456789abcdef";

	for (; *s != '\0'; s++) {
		*out++ = digits[(unsigned char)*s >> 4];
		*out++ = digits[(unsigned char)*s & 15];
	}
	*out = '\0';
}

/* The series cursor: the last key, hex-encoded (URL-safe as it is). */
static char *
api_cursor_key(struct reply *r, int *bad)
{
	const char	*v = reply_param(r, "cursor");
	char		*key;
	size_t		 i, len;
	int		 hi, lo;

	*bad = 0;
	if (v == NULL)
		return (NULL);
	len = strlen(v);
	key = xmalloc(len / 2 + 1);
	for (i = 0; len % 2 == 0 && i < len; i += 2) {
		hi = v[i] >= '0' && v[i] <= '9' ? v[i] - '0' :
		    v[i] >= 'a' && v[i] <= 'f' ? v[i] - 'a' + 10 : -1;
		lo = v[i + 1] >= '0' && v[i + 1] <= '9' ? v[i + 1] - '0' :
		    v[i + 1] >= 'a' && v[i + 1] <= 'f' ? v[i + 1] - 'a' + 10 :
		    -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			break;
		key[i / 2] = (char)(hi * 16 + lo);
	}
	if (len == 0 || len % 2 != 0 || i < len) {
		free(key);
		*bad = 1;
		reply_error(r, 400, "cursor", "parameter \"cursor\": not a "
		    "cursor of this list (use the \"next\" of a previous "
		    "page)");
		return (NULL);
	}
	key[len / 2] = '\0';
	return (key);
}

/* Sets "next" from the extra row, if the query returned one. */
static void
api_next(cJSON *o, int more, const char *cursor)
{
	if (more)
		cJSON_AddStringToObject(o, "next", cursor);
	else
		cJSON_AddNullToObject(o, "next");
}

static void
api_series_cb(struct reply *r, PGresult *res)
{
	struct api_req	*a = reply_data(r);
	cJSON		*o, *list, *s;
	char		*cursor = NULL;
	int		 row, n = PQntuples(res);

	o = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(o, "series");
	for (row = 0; row < n && row < a->limit; row++) {
		s = cJSON_CreateObject();
		api_add_text(s, "key", reply_text(res, row, 0));
		api_add_text(s, "source", reply_text(res, row, 1));
		api_add_text(s, "name", reply_text(res, row, 2));
		api_add_text(s, "unit", reply_text(res, row, 3));
		api_add_text(s, "frequency", reply_text(res, row, 4));
		api_add_json(s, "dimensions", res, row, 5);
		api_add_time(s, "created_at", res, row, 6);
		cJSON_AddItemToArray(list, s);
	}
	if (n > a->limit) {
		cursor = xmalloc(2 * strlen(PQgetvalue(res, a->limit - 1, 0)) +
		    1);
		api_hex(PQgetvalue(res, a->limit - 1, 0), cursor);
	}
	api_next(o, n > a->limit, cursor);
	free(cursor);
	reply_json(r, 200, o);
}

void
api_series(struct reply *r)
{
	const char	*p[2];
	char		*after, limit[16];
	int		 n, bad;

	if (reply_param_limit(r, &n) == -1)
		return;
	after = api_cursor_key(r, &bad);
	if (bad)
		return;
	(void)api_req_new(r, n, NULL);
	snprintf(limit, sizeof(limit), "%d", n + 1);
	p[0] = after;
	p[1] = limit;
	(void)reply_query(r, "SELECT key, source, name, unit, frequency, "
	    "dimensions::text, " API_US("created_at") " FROM potash.series "
	    "WHERE $1::text IS NULL OR key > $1 ORDER BY key LIMIT $2::int",
	    2, p, api_series_cb);
	free(after);
}

static void
api_observations_cb(struct reply *r, PGresult *res)
{
	struct api_req	*a = reply_data(r);
	cJSON		*o, *list, *e;
	char		 cursor[32];
	int		 row, n = PQntuples(res), more;

	if (n == 0) {
		reply_error(r, 404, NULL, "no series with this key");
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "series", a->key);
	api_add_text(o, "unit", reply_text(res, 0, 0));
	list = cJSON_AddArrayToObject(o, "observations");
	if (PQgetisnull(res, 0, 1))
		n = 0;
	for (row = 0; row < n && row < a->limit; row++) {
		e = cJSON_CreateObject();
		api_add_time(e, "period", res, row, 1);
		/* The numeric's own text: exact, with its scale. */
		api_add_text(e, "value", reply_text(res, row, 2));
		api_add_time(e, "known_at", res, row, 3);
		cJSON_AddItemToArray(list, e);
	}
	more = n > a->limit;
	if (more)
		snprintf(cursor, sizeof(cursor), "%" PRId64,
		    reply_int(res, a->limit - 1, 1));
	api_next(o, more, cursor);
	reply_json(r, 200, o);
}

void
api_observations(struct reply *r, const char *key)
{
	const char	*p[5];
	char		 from[PERIOD_MAX_LEN], to[PERIOD_MAX_LEN];
	char		 after[40], cursor[32], limit[16];
	int		 n;

	if (reply_param_time(r, "from", from) == -1 ||
	    reply_param_time(r, "to", to) == -1 ||
	    reply_param_limit(r, &n) == -1 ||
	    api_cursor_int(r, INT64_MIN / 2, cursor, sizeof(cursor)) == -1)
		return;
	if (*cursor != '\0')
		reply_time(strtoll(cursor, NULL, 10), after);
	(void)api_req_new(r, n, key);
	snprintf(limit, sizeof(limit), "%d", n + 1);
	p[0] = key;
	p[1] = *from != '\0' ? from : NULL;
	p[2] = *to != '\0' ? to : NULL;
	p[3] = *cursor != '\0' ? after : NULL;
	p[4] = limit;
	(void)reply_query(r, "SELECT s.unit, " API_US("o.period") ", "
	    "o.value::text, " API_US("o.known_at") " FROM potash.series s "
	    "LEFT JOIN LATERAL (SELECT c.period, c.value, c.known_at "
	    "FROM potash.observations_current c WHERE c.series_id = s.id "
	    "AND ($2::timestamptz IS NULL OR c.period >= $2::timestamptz) "
	    "AND ($3::timestamptz IS NULL OR c.period <= $3::timestamptz) "
	    "AND ($4::timestamptz IS NULL OR c.period > $4::timestamptz) "
	    "ORDER BY c.period LIMIT $5::int) o ON true WHERE s.key = $1 "
	    "ORDER BY o.period", 5, p, api_observations_cb);
}

static void
api_events_cb(struct reply *r, PGresult *res)
{
	struct api_req	*a = reply_data(r);
	cJSON		*o, *list, *e;
	char		 cursor[64];
	int		 row, n = PQntuples(res);

	o = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(o, "events");
	for (row = 0; row < n && row < a->limit; row++) {
		e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "id",
		    (double)reply_int(res, row, 0));
		api_add_text(e, "date", reply_text(res, row, 1));
		api_add_text(e, "announced_on", reply_text(res, row, 2));
		api_add_text(e, "effective_on", reply_text(res, row, 3));
		api_add_text(e, "wind_down_until", reply_text(res, row, 4));
		api_add_text(e, "jurisdiction", reply_text(res, row, 5));
		api_add_text(e, "action", reply_text(res, row, 6));
		api_add_text(e, "instrument", reply_text(res, row, 7));
		api_add_json(e, "entities", res, row, 8);
		cJSON_AddNumberToObject(e, "direction",
		    (double)reply_int(res, row, 9));
		api_add_text(e, "summary", reply_text(res, row, 10));
		api_add_text(e, "source_url", reply_text(res, row, 11));
		api_add_text(e, "verification", reply_text(res, row, 12));
		api_add_text(e, "origin", reply_text(res, row, 13));
		api_add_time(e, "detected_at", res, row, 14);
		cJSON_AddItemToArray(list, e);
	}
	if (n > a->limit)
		snprintf(cursor, sizeof(cursor), "%s.%s",
		    PQgetvalue(res, a->limit - 1, 1),
		    PQgetvalue(res, a->limit - 1, 0));
	api_next(o, n > a->limit, cursor);
	reply_json(r, 200, o);
}

/* The events cursor "YYYY-MM-DD.ID": the last event's date and id. */
static int
api_cursor_event(struct reply *r, char *date, char *id)
{
	const char	*v = reply_param(r, "cursor");
	int64_t		 secs, n;
	int		 i, ok;

	date[0] = id[0] = '\0';
	if (v == NULL)
		return (0);
	ok = strlen(v) >= 12 && v[4] == '-' && v[7] == '-' && v[10] == '.';
	for (i = 0; ok && i < 10; i++)
		ok = i == 4 || i == 7 || (v[i] >= '0' && v[i] <= '9');
	if (ok) {
		memcpy(date, v, 10);
		date[10] = '\0';
		ok = period_to_unix(date, &secs) == 0 &&
		    parse_int64(v + 11, 1, INT64_MAX, &n, NULL, 0) == 0;
	}
	if (!ok) {
		date[0] = '\0';
		reply_error(r, 400, "cursor", "parameter \"cursor\": not a "
		    "cursor of this list (use the \"next\" of a previous "
		    "page)");
		return (-1);
	}
	snprintf(id, 32, "%" PRId64, n);
	return (0);
}

void
api_events(struct reply *r)
{
	const char	*p[5];
	char		 from[PERIOD_MAX_LEN], to[PERIOD_MAX_LEN];
	char		 date[16], id[32], limit[16];
	int		 n;

	if (reply_param_time(r, "from", from) == -1 ||
	    reply_param_time(r, "to", to) == -1 ||
	    reply_param_limit(r, &n) == -1 ||
	    api_cursor_event(r, date, id) == -1)
		return;
	(void)api_req_new(r, n, NULL);
	snprintf(limit, sizeof(limit), "%d", n + 1);
	p[0] = *from != '\0' ? from : NULL;
	p[1] = *to != '\0' ? to : NULL;
	p[2] = *date != '\0' ? date : NULL;
	p[3] = *id != '\0' ? id : NULL;
	p[4] = limit;
	(void)reply_query(r, "SELECT id, " API_DATE("d") ", "
	    API_DATE("announced_on") ", " API_DATE("effective_on") ", "
	    API_DATE("wind_down_until") ", jurisdiction, action, instrument, "
	    "array_to_json(entities)::text, direction, summary, source_url, "
	    "verification, origin, " API_US("detected_at") " FROM "
	    "(SELECT *, COALESCE(effective_on, announced_on) AS d FROM "
	    "potash.sanctions_events) e WHERE ($1::timestamptz IS NULL OR "
	    "d >= ($1::timestamptz AT TIME ZONE 'UTC')::date) AND "
	    "($2::timestamptz IS NULL OR "
	    "d <= ($2::timestamptz AT TIME ZONE 'UTC')::date) AND "
	    "($3::date IS NULL OR (d, id) > ($3::date, $4::bigint)) "
	    "ORDER BY d, id LIMIT $5::int", 5, p, api_events_cb);
}

static void
api_alerts_cb(struct reply *r, PGresult *res)
{
	struct api_req	*a = reply_data(r);
	cJSON		*o, *list, *e;
	char		 cursor[32];
	int		 row, n = PQntuples(res);

	o = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(o, "alerts");
	for (row = 0; row < n && row < a->limit; row++) {
		e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "id",
		    (double)reply_int(res, row, 0));
		api_add_text(e, "fingerprint", reply_text(res, row, 1));
		api_add_text(e, "rule", reply_text(res, row, 2));
		api_add_text(e, "series", reply_text(res, row, 3));
		api_add_text(e, "kind", reply_text(res, row, 4));
		api_add_text(e, "severity", reply_text(res, row, 5));
		api_add_json(e, "labels", res, row, 6);
		api_add_text(e, "state", reply_text(res, row, 7));
		api_add_time(e, "since", res, row, 8);
		api_add_double(e, "value", res, row, 9);
		api_add_double(e, "metric", res, row, 10);
		api_add_double(e, "threshold", res, row, 11);
		api_add_double(e, "baseline", res, row, 12);
		api_add_time(e, "baseline_from", res, row, 13);
		api_add_time(e, "baseline_to", res, row, 14);
		if (PQgetisnull(res, row, 15))
			cJSON_AddNullToObject(e, "event_id");
		else
			cJSON_AddNumberToObject(e, "event_id",
			    (double)reply_int(res, row, 15));
		api_add_text(e, "event", reply_text(res, row, 16));
		api_add_text(e, "event_source", reply_text(res, row, 17));
		api_add_bool(e, "flapping", res, row, 18);
		api_add_bool(e, "silenced", res, row, 19);
		api_add_json(e, "annotations", res, row, 20);
		api_add_time(e, "updated_at", res, row, 21);
		cJSON_AddItemToArray(list, e);
	}
	if (n > a->limit)
		snprintf(cursor, sizeof(cursor), "%s",
		    PQgetvalue(res, a->limit - 1, 0));
	api_next(o, n > a->limit, cursor);
	reply_json(r, 200, o);
}

void
api_alerts(struct reply *r)
{
	static const char *const states[] = { "inactive", "pending",
	    "firing", "resolved", NULL };
	const char	*p[3], *state = reply_param(r, "state");
	char		 cursor[32], limit[16];
	size_t		 i;
	int		 n;

	if (state != NULL) {
		for (i = 0; states[i] != NULL; i++)
			if (strcmp(states[i], state) == 0)
				break;
		if (states[i] == NULL) {
			reply_error(r, 400, "state", "parameter \"state\": "
			    "expected inactive, pending, firing or resolved");
			return;
		}
	}
	if (reply_param_limit(r, &n) == -1 ||
	    api_cursor_int(r, 0, cursor, sizeof(cursor)) == -1)
		return;
	(void)api_req_new(r, n, NULL);
	snprintf(limit, sizeof(limit), "%d", n + 1);
	p[0] = state;
	p[1] = *cursor != '\0' ? cursor : NULL;
	p[2] = limit;
	(void)reply_query(r, "SELECT id, fingerprint, rule, series, kind, "
	    "severity, labels::text, state, " API_US("since") ", value, "
	    "metric, threshold, baseline, " API_US("baseline_from") ", "
	    API_US("baseline_to") ", event_id, event, event_source, "
	    "flapping, silenced, annotations::text, " API_US("updated_at")
	    " FROM potash.alerts_now WHERE ($1::text IS NULL OR state = $1) "
	    "AND ($2::bigint IS NULL OR id > $2::bigint) ORDER BY id "
	    "LIMIT $3::int", 3, p, api_alerts_cb);
}
