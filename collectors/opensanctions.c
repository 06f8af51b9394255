/* SPDX-License-Identifier: ISC */
/*
 * opensanctions: changes in the sanctions status of watched entities,
 * read from OpenSanctions' FollowTheMoney data, as sanctions events.
 * Owns the per-feed options and run state (struct opensanctions_feed in
 * opensanctions.h), the request, the kinds of body and the queue of
 * delta files; opensanctions_entity.c turns one entity into events and
 * documents which, and when.
 *
 * Bodies, told apart by their content:
 *  - NDJSON (the first non-blank line is a whole JSON value): one object
 *    per line, either a delta operation {"op": "ADD"|"MOD"|"DEL",
 *    "entity": {...}} (entities.delta.json) or an entity as exported
 *    (entities.ftm.json).  Lines are parsed one by one; blank lines and
 *    a CR before the LF are allowed; an error names its line ("line 3:
 *    ...").
 *  - One JSON document: an entity (the API's /entities/<id>, or a
 *    pretty-printed export line), a delta operation, {"results": [...]}
 *    of entities (the API's search), or a delta index {"versions":
 *    {"<version>": "<url of entities.delta.json>"}, "updated_at"}.
 * From an index, the delta files whose version (YYYYMMDDhhmmss-xxx) is
 * within delta_window before the run are fetched as further pages,
 * oldest first, at most max_deltas of them (the scheduler follows at
 * most 10 pages per run, the index included).  Only URLs on
 * https://data.opensanctions.org/ or the feed's own scheme and host are
 * followed; from a file:// index only file:// URLs, so a replay stays
 * offline.  A delta file's version dates its DEL operations, and the
 * path segment before the version names the collection it belongs to
 * ("sanctions").  Events repeat harmlessly when windows overlap: the
 * store keeps one row per jurisdiction, instrument and date.
 *
 * Quirks handled: a DEL carries only entity.id; datasets, topics and
 * names are arrays of strings; last_change and first_seen are
 * "2023-07-14T20:00:27" (their date is used); a BOM at the start is
 * skipped, invalid UTF-8, NUL, "\u0000" and nesting deeper than 1000
 * levels are errors (feedjson.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collectors/collector.h"
#include "collectors/feedjson.h"
#include "collectors/generic.h"
#include "collectors/opensanctions.h"
#include "util/parse.h"
#include "util/period.h"
#include "util/xmalloc.h"

#define OPENSANCTIONS_DEFAULT_URL \
	"https://data.opensanctions.org/datasets/latest/sanctions/delta.json"
#define OPENSANCTIONS_HOST	"https://data.opensanctions.org/"
#define OPENSANCTIONS_DELTAS_MAX	9

static const struct config_option opensanctions_options[] = {
	{ "feed", "entity_ids", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "OpenSanctions entity ids to watch, e.g. {\"NK-2GdmHtZTeNXjNVrBG"
	  "EXZNj\"}, or source ids among an entity's referents (\"ofac-"
	  "12345\").  A delta's DEL carries only the id, so it is "
	  "recognised only for these ids and for entities this feed has "
	  "already seen by name." },
	{ "feed", "names", CONFIG_LIST,
	  "{\"Belaruskali OAO\", \"JSC Belarusian Potash Company\", "
	  "\"Agrorozkvit LLC\"}", 0, 0, NULL, 0,
	  "Names to watch: an entity whose caption, name, alias, weakAlias "
	  "or previousName equals one of them (case and runs of spaces "
	  "ignored) is watched." },
	{ "feed", "datasets", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "Sanctions lists to watch, e.g. {\"us_ofac_sdn\", \"eu_fsf\", "
	  "\"gb_hmt_sanctions\"}: events only for these, and the lists a "
	  "watched entity is taken to be on until the feed knows better, "
	  "so that a MOD without us_ofac_sdn is a US delisting.  Empty: "
	  "every dataset of a sanctioned entity, and no such assumption." },
	{ "feed", "delta_window", CONFIG_DURATION, "2d", 3600000000LL,
	  30LL * 86400000000LL, NULL, 0,
	  "From a delta index (delta.json), fetch the delta files "
	  "published within this long before the run.  Make it longer "
	  "than the feed's interval: overlapping windows repeat events, "
	  "which the store keeps once." },
	{ "feed", "max_deltas", CONFIG_INT, "8", 1, OPENSANCTIONS_DELTAS_MAX,
	  NULL, 0,
	  "At most this many delta files per run, the newest (the "
	  "scheduler follows at most 10 pages, the index included)." },
};

static void
opensanctions_pending_clear(struct opensanctions_feed *os)
{
	size_t	i;

	for (i = 0; i < os->npending; i++)
		free(os->pending[i].url);
	free(os->pending);
	os->pending = NULL;
	os->npending = 0;
	free(os->expect.url);
	memset(&os->expect, 0, sizeof(os->expect));
}

static void
opensanctions_free(void *data)
{
	struct opensanctions_feed	*os = data;
	size_t				 i;

	if (os == NULL)
		return;
	for (i = 0; i < os->nentity_ids; i++)
		free(os->entity_ids[i]);
	free(os->entity_ids);
	for (i = 0; i < os->nnames; i++)
		free(os->names[i]);
	free(os->names);
	for (i = 0; i < os->ndatasets; i++)
		free(os->datasets[i]);
	free(os->datasets);
	opensanctions_entity_memory_clear(&os->memory);
	opensanctions_entity_memory_clear(&os->stage);
	opensanctions_pending_clear(os);
	free(os);
}

static int
opensanctions_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Copies list option name, each value made of chars only; 0 or -1. */
static int
opensanctions_list(const struct feed *f, const char *name, const char *chars,
    const char *expected, char ***out, size_t *nout, char *err,
    size_t errlen)
{
	char *const	*v;
	char		 q[PARSE_QUOTE_BUFLEN];
	size_t		 n, i;

	v = feed_get_list(f, name, &n);
	*out = xcalloc(n + 1, sizeof(**out));
	for (i = 0; i < n; i++) {
		if (*v[i] == '\0' || strlen(v[i]) > 200 ||
		    strspn(v[i], chars) != strlen(v[i])) {
			parse_quote(v[i], strlen(v[i]), q, sizeof(q));
			snprintf(err, errlen, "%s: expected %s, got \"%s\"",
			    name, expected, q);
			return (-1);
		}
		(*out)[(*nout)++] = xstrdup(v[i]);
	}
	return (0);
}

static int
opensanctions_configure(const struct feed *f, void **datap, char *err,
    size_t errlen)
{
	static const char *const defaults[] = { "Belaruskali OAO",
	    "JSC Belarusian Potash Company", "Agrorozkvit LLC" };
	struct opensanctions_feed	*os;
	char *const			*v;
	const char			*s;
	char				 q[PARSE_QUOTE_BUFLEN], msg[256];
	size_t				 n, i;
	uint64_t			 usec;
	int64_t				 x;

	*datap = NULL;
	os = xcalloc(1, sizeof(*os));
	if (opensanctions_list(f, "entity_ids", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_.", "entity ids such as "
	    "\"NK-2GdmHtZTeNXjNVrBGEXZNj\"", &os->entity_ids,
	    &os->nentity_ids, err, errlen) == -1 ||
	    opensanctions_list(f, "datasets", "abcdefghijklmnopqrstuvwxyz"
	    "0123456789_", "dataset names such as \"us_ofac_sdn\"",
	    &os->datasets, &os->ndatasets, err, errlen) == -1)
		goto fail;
	qsort(os->datasets, os->ndatasets, sizeof(*os->datasets),
	    opensanctions_cmp);
	v = feed_get_list(f, "names", &n);
	if (v == NULL)
		n = sizeof(defaults) / sizeof(defaults[0]);
	os->names = xcalloc(n + 1, sizeof(*os->names));
	for (i = 0; i < n; i++) {
		s = v != NULL ? v[i] : defaults[i];
		os->names[os->nnames++] = opensanctions_entity_fold(s);
		if (strlen(os->names[i]) < 3) {
			parse_quote(s, strlen(s), q, sizeof(q));
			snprintf(err, errlen, "names: expected names of at "
			    "least 3 characters, got \"%s\"", q);
			goto fail;
		}
	}
	if (os->nnames == 0 && os->nentity_ids == 0) {
		snprintf(err, errlen, "names: missing: name at least one "
		    "entity to watch (names or entity_ids), e.g. "
		    "{\"Belaruskali OAO\"}");
		goto fail;
	}
	os->window = 2 * 86400 * INT64_C(1000000);
	if ((s = feed_get(f, "delta_window")) != NULL) {
		if (parse_duration(s, &usec, msg, sizeof(msg)) == -1 ||
		    usec < UINT64_C(3600000000) ||
		    usec > UINT64_C(30) * 86400 * 1000000) {
			if (parse_duration(s, &usec, NULL, 0) == 0)
				snprintf(msg, sizeof(msg), "expected a "
				    "duration between 1h and 30d, got \"%s\"",
				    s);
			snprintf(err, errlen, "delta_window: %s", msg);
			goto fail;
		}
		os->window = (int64_t)usec;
	}
	os->max_deltas = 8;
	if ((s = feed_get(f, "max_deltas")) != NULL) {
		if (parse_int64(s, 1, OPENSANCTIONS_DELTAS_MAX, &x, msg,
		    sizeof(msg)) == -1) {
			snprintf(err, errlen, "max_deltas: %s", msg);
			goto fail;
		}
		os->max_deltas = (int)x;
	}
	*datap = os;
	return (0);
fail:
	opensanctions_free(os);
	return (-1);
}

static int
opensanctions_request(const struct feed *f, void *data, int64_t now,
    struct collector_request *req, char *err, size_t errlen)
{
	struct opensanctions_feed	*os = data;
	const char			*url = *f->url != '\0' ? f->url :
					    OPENSANCTIONS_DEFAULT_URL;

	/* A new run: forget what a failed one left half done. */
	opensanctions_pending_clear(os);
	opensanctions_entity_memory_clear(&os->stage);
	os->staging = 0;
	req->url = xstrdup(url);
	if (f->secret != NULL && strncmp(url, "https://", 8) == 0) {
		if (strpbrk(f->secret, "\r\n") != NULL) {
			snprintf(err, errlen, "secret: contains a line break");
			return (-1);
		}
		req->headers[0] = xasprintf("Authorization: ApiKey %s",
		    f->secret);
	}
	return (0);
}

/* 1 if s is a delta version, "20240528134729-3iv"; 0 if not. */
static int
opensanctions_version(const char *s, size_t len)
{
	char	iso[32], out[PERIOD_MAX_LEN];
	size_t	k;

	if (len < 14 || len >= 32 || strspn(s, "0123456789") < 14)
		return (0);
	if (len > 14) {
		if (s[14] != '-' || len == 15)
			return (0);
		for (k = 15; k < len; k++) {
			if (!((s[k] >= 'a' && s[k] <= 'z') ||
			    (s[k] >= '0' && s[k] <= '9')))
				return (0);
		}
	}
	snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", s, s + 4,
	    s + 6, s + 8, s + 10, s + 12);
	return (period_normalize(iso, out, sizeof(out), NULL, 0) == 0);
}

/*
 * Finds the version segment of url ("/20240528134729-3iv/") and the
 * collection segment before it; each empty if there is none.
 */
static void
opensanctions_url_parts(const char *url, char *version, size_t vlen,
    char *collection, size_t clen)
{
	const char	*p = strstr(url, "://"), *seg, *prev = NULL, *end;
	size_t		 n, pn = 0;

	version[0] = collection[0] = '\0';
	if (p == NULL)
		return;
	p = strchr(p + 3, '/');
	while (p != NULL && *p == '/') {
		seg = p + 1;
		end = seg + strcspn(seg, "/?#");
		n = (size_t)(end - seg);
		if (*end == '/' && opensanctions_version(seg, n) && n < vlen) {
			memcpy(version, seg, n);
			version[n] = '\0';
			if (prev != NULL && pn > 0 && pn < clen &&
			    strspn(prev, "abcdefghijklmnopqrstuvwxyz0123456789"
			    "_") >= pn) {
				memcpy(collection, prev, pn);
				collection[pn] = '\0';
			}
			return;
		}
		prev = seg;
		pn = n;
		p = end;
	}
}

/* 1 if the daemon may follow url from the feed at feed_url. */
static int
opensanctions_followable(const char *feed_url, const char *url)
{
	const char	*h;
	size_t		 n;

	if (strncmp(feed_url, "file://", 7) == 0)
		return (strncmp(url, "file://", 7) == 0);
	if (strncmp(url, OPENSANCTIONS_HOST, strlen(OPENSANCTIONS_HOST)) == 0)
		return (1);
	if ((h = strstr(feed_url, "://")) == NULL)
		return (0);
	n = (size_t)(h + 3 - feed_url);
	n += strcspn(feed_url + n, "/?#");
	return (strncmp(url, feed_url, n) == 0 && url[n] == '/');
}

static int
opensanctions_pending_cmp(const void *a, const void *b)
{
	const struct opensanctions_pending	*x = a, *y = b;

	return (strcmp(x->version, y->version));
}

/* Queues the delta files of an index; 0 or -1. */
static int
opensanctions_index(const struct feed *f, struct opensanctions_feed *os,
    const cJSON *versions, int64_t now, char *err, size_t errlen)
{
	struct opensanctions_pending	 p;
	const cJSON			*v;
	const char			*feed_url = *f->url != '\0' ? f->url :
					    OPENSANCTIONS_DEFAULT_URL;
	char				 iso[32], q[PARSE_QUOTE_BUFLEN];
	char				 ver[32], coll[64];
	size_t				 keep;
	int64_t				 secs;

	if (!cJSON_IsObject(versions)) {
		snprintf(err, errlen, "versions: expected an object, got %s",
		    feedjson_type(versions));
		return (-1);
	}
	opensanctions_pending_clear(os);
	cJSON_ArrayForEach(v, versions) {
		parse_quote(v->string, strlen(v->string), q, sizeof(q));
		if (!opensanctions_version(v->string, strlen(v->string))) {
			snprintf(err, errlen, "versions: expected versions "
			    "such as \"20240528134729-3iv\", got \"%s\"", q);
			return (-1);
		}
		if (!cJSON_IsString(v)) {
			snprintf(err, errlen, "versions[\"%s\"]: expected a "
			    "URL, got %s", q, feedjson_type(v));
			return (-1);
		}
		snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ",
		    v->string, v->string + 4, v->string + 6, v->string + 8,
		    v->string + 10, v->string + 12);
		if (period_to_unix(iso, &secs) == -1 ||
		    secs * INT64_C(1000000) <= now - os->window)
			continue;
		/* A replay stays offline; elsewhere, only trusted hosts. */
		if (strncmp(feed_url, "file://", 7) == 0 &&
		    strncmp(v->valuestring, "file://", 7) != 0)
			continue;
		if (!opensanctions_followable(feed_url, v->valuestring)) {
			snprintf(err, errlen, "versions[\"%s\"]: not on %s or "
			    "the feed's host, refusing to follow it", q,
			    OPENSANCTIONS_HOST);
			return (-1);
		}
		memset(&p, 0, sizeof(p));
		p.url = xstrdup(v->valuestring);
		snprintf(p.version, sizeof(p.version), "%s", v->string);
		opensanctions_url_parts(p.url, ver, sizeof(ver), coll,
		    sizeof(coll));
		snprintf(p.collection, sizeof(p.collection), "%s", coll);
		os->pending = xreallocarray(os->pending, os->npending + 1,
		    sizeof(*os->pending));
		os->pending[os->npending++] = p;
	}
	if (os->npending > 1)
		qsort(os->pending, os->npending, sizeof(*os->pending),
		    opensanctions_pending_cmp);
	/* The newest max_deltas, oldest first. */
	keep = (size_t)os->max_deltas;
	while (os->npending > keep) {
		free(os->pending[0].url);
		memmove(&os->pending[0], &os->pending[1], (os->npending - 1) *
		    sizeof(*os->pending));
		os->npending--;
	}
	return (0);
}

/* One JSON object of a body; 0 or -1. */
static int
opensanctions_object(const struct feed *f, struct opensanctions_feed *os,
    const struct opensanctions_ctx *ctx, const cJSON *o, const char *where,
    int64_t now, struct collector_result *res, char *err, size_t errlen)
{
	static const char *const ops[] = { "ADD", "MOD", "DEL" };
	static const enum opensanctions_op opv[] = { OPENSANCTIONS_ADD,
	    OPENSANCTIONS_MOD, OPENSANCTIONS_DEL };
	const cJSON	*n, *e;
	char		 w[96], q[PARSE_QUOTE_BUFLEN];
	size_t		 i;

	if (!cJSON_IsObject(o)) {
		snprintf(err, errlen, "%s%sexpected an object, got %s", where,
		    *where != '\0' ? ": " : "", feedjson_type(o));
		return (-1);
	}
	if ((n = feedjson_get(o, "versions")) != NULL)
		return (opensanctions_index(f, os, n, now, err, errlen));
	if ((n = feedjson_get(o, "op")) != NULL) {
		for (i = 0; i < 3 && (!cJSON_IsString(n) ||
		    strcmp(n->valuestring, ops[i]) != 0); i++)
			;
		if (i == 3) {
			if (cJSON_IsString(n))
				parse_quote(n->valuestring,
				    strlen(n->valuestring), q, sizeof(q));
			snprintf(err, errlen, "%s%sop: expected \"ADD\", "
			    "\"MOD\" or \"DEL\", got %s%s%s", where,
			    *where != '\0' ? ": " : "", cJSON_IsString(n) ?
			    "\"" : "", cJSON_IsString(n) ? q :
			    feedjson_type(n), cJSON_IsString(n) ? "\"" : "");
			return (-1);
		}
		e = feedjson_get(o, "entity");
		snprintf(w, sizeof(w), "%s%sentity", where, *where != '\0' ?
		    ": " : "");
		return (opensanctions_entity(os, ctx, opv[i], e, w, res, err,
		    errlen));
	}
	if ((n = feedjson_get(o, "results")) != NULL) {
		if (!cJSON_IsArray(n)) {
			snprintf(err, errlen, "%s%sresults: expected an array, "
			    "got %s", where, *where != '\0' ? ": " : "",
			    feedjson_type(n));
			return (-1);
		}
		i = 0;
		cJSON_ArrayForEach(e, n) {
			snprintf(w, sizeof(w), "%s%sresults[%zu]", where,
			    *where != '\0' ? ": " : "", i++);
			if (opensanctions_entity(os, ctx,
			    OPENSANCTIONS_SNAPSHOT, e, w, res, err,
			    errlen) == -1)
				return (-1);
		}
		return (0);
	}
	if (feedjson_get(o, "id") != NULL) {
		snprintf(w, sizeof(w), "%s%sentity", where, *where != '\0' ?
		    ": " : "");
		return (opensanctions_entity(os, ctx, OPENSANCTIONS_SNAPSHOT, o,
		    w, res, err, errlen));
	}
	snprintf(err, errlen, "%s%sexpected an entity, a delta operation or "
	    "a delta index (no \"id\", \"op\" or \"versions\")", where,
	    *where != '\0' ? ": " : "");
	return (-1);
}

/* The end of the line starting at p: its '\n' or end. */
static const char *
opensanctions_eol(const char *p, const char *end)
{
	const char	*nl = memchr(p, '\n', (size_t)(end - p));

	return (nl != NULL ? nl : end);
}

/* Parses body line by line; 0 or -1. */
static int
opensanctions_lines(const struct feed *f, struct opensanctions_feed *os,
    const struct opensanctions_ctx *ctx, const char *p, const char *end,
    size_t lineno, int64_t now, struct collector_result *res, char *err,
    size_t errlen)
{
	struct feedjson	 fj;
	const char	*eol, *e;
	char		*line, where[32], msg[512];
	int		 rc;

	for (; p < end; p = eol + 1, lineno++) {
		eol = opensanctions_eol(p, end);
		e = eol;
		if (e > p && e[-1] == '\r')
			e--;
		if (p + strspn(p, " \t\r") >= e)
			continue;
		line = xstrndup(p, (size_t)(e - p));
		snprintf(where, sizeof(where), "line %zu", lineno);
		if (memchr(p, '\0', (size_t)(e - p)) != NULL) {
			snprintf(err, errlen, "%s: not JSON: NUL byte at byte "
			    "%zu", where, (size_t)((const char *)memchr(p,
			    '\0', (size_t)(e - p)) - p));
			free(line);
			return (-1);
		}
		if (feedjson_parse(&fj, line, (size_t)(e - p), msg,
		    sizeof(msg)) == -1) {
			snprintf(err, errlen, "%s: %s", where, msg);
			free(line);
			return (-1);
		}
		rc = opensanctions_object(f, os, ctx, fj.root, where, now, res,
		    err, errlen);
		feedjson_free(&fj);
		free(line);
		if (rc == -1)
			return (-1);
		if (eol == end)
			break;
	}
	return (0);
}

/* 1 if the first non-blank line of body[start..len) is JSON by itself. */
static int
opensanctions_is_ndjson(const char *body, size_t len, size_t start)
{
	struct feedjson	 fj;
	const char	*p = body + start, *end = body + len, *eol, *e = p;
	char		*line;
	int		 ok;

	for (; p < end; p = eol + 1) {
		eol = opensanctions_eol(p, end);
		e = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
		if (p + strspn(p, " \t\r") < e)
			break;
		if (eol == end)
			return (0);
	}
	if (p >= end)
		return (0);
	line = xstrndup(p, (size_t)(e - p));
	ok = memchr(p, '\0', (size_t)(e - p)) == NULL &&
	    feedjson_parse(&fj, line, strlen(line), NULL, 0) == 0;
	if (ok)
		feedjson_free(&fj);
	free(line);
	return (ok);
}

static int
opensanctions_parse(const struct feed *f, void *data, const char *body,
    size_t len, int64_t now, struct collector_result *res, char *err,
    size_t errlen)
{
	struct opensanctions_feed	*os = data;
	struct opensanctions_ctx	 ctx;
	struct opensanctions_pending	 cur;
	struct feedjson			 fj;
	char				 ts[PERIOD_MAX_LEN], ver[32];
	char				 coll[64];
	size_t				 start = 0, bad;
	int				 rc = -1;

	if (!os->staging) {
		opensanctions_entity_memory_copy(&os->stage, &os->memory);
		os->staging = 1;
	}
	/* The body is the page asked for last, or the feed's own URL. */
	memset(&ctx, 0, sizeof(ctx));
	cur = os->expect;
	memset(&os->expect, 0, sizeof(os->expect));
	if (cur.url == NULL)
		opensanctions_url_parts(f->url, ver, sizeof(ver), coll,
		    sizeof(coll));
	else {
		snprintf(ver, sizeof(ver), "%s", cur.version);
		snprintf(coll, sizeof(coll), "%s", cur.collection);
	}
	ctx.version = ver[0] != '\0' ? ver : NULL;
	ctx.collection = coll[0] != '\0' ? coll : NULL;
	if (period_from_unix(now / 1000000, ts, sizeof(ts)) == -1)
		snprintf(ts, sizeof(ts), "1970-01-01");
	memcpy(ctx.today, ts, 10);
	ctx.today[10] = '\0';

	if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
		start = 3;
	/* A delta file may hold no operation at all. */
	if (cur.url != NULL && strspn(body + start, " \t\r\n") == len - start)
		;
	else if (opensanctions_is_ndjson(body, len, start)) {
		if ((bad = generic_utf8_bad(body, len)) != len) {
			snprintf(err, errlen, "not JSON: invalid UTF-8 at byte "
			    "%zu (JSON must be UTF-8)", bad);
			goto out;
		}
		if (opensanctions_lines(f, os, &ctx, body + start, body + len,
		    1, now, res, err, errlen) == -1)
			goto out;
	} else {
		if (feedjson_parse(&fj, body, len, err, errlen) == -1)
			goto out;
		rc = opensanctions_object(f, os, &ctx, fj.root, "", now, res,
		    err, errlen);
		feedjson_free(&fj);
		if (rc == -1)
			goto out;
	}
	if (os->npending > 0) {
		/* The next delta file; its version dates its DELs. */
		os->expect = os->pending[0];
		memmove(&os->pending[0], &os->pending[1], (os->npending - 1) *
		    sizeof(*os->pending));
		os->npending--;
		res->next_url = xstrdup(os->expect.url);
	} else {
		/* The run's last page: what it learnt becomes memory. */
		opensanctions_entity_memory_copy(&os->memory, &os->stage);
		opensanctions_entity_memory_clear(&os->stage);
		os->staging = 0;
	}
	rc = 0;
out:
	free(cur.url);
	if (rc == -1) {
		opensanctions_pending_clear(os);
		opensanctions_entity_memory_clear(&os->stage);
		os->staging = 0;
	}
	return (rc);
}

const struct collector_ops collector_ops_opensanctions = {
	.name = "opensanctions",
	.default_url = OPENSANCTIONS_DEFAULT_URL,
	.options = opensanctions_options,
	.noptions = sizeof(opensanctions_options) /
	    sizeof(opensanctions_options[0]),
	.configure = opensanctions_configure,
	.free = opensanctions_free,
	.request = opensanctions_request,
	.parse = opensanctions_parse,
};
