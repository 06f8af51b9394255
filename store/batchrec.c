/* SPDX-License-Identifier: ISC */
/*
 * batchrec: encodes batches into records and decodes their headers; see
 * batchrec.h.  Owns nothing beyond the buffers it returns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "store/batchrec.h"
#include "util/buf.h"
#include "util/xmalloc.h"

void
batchrec_copy_escape(struct buf *out, const char *s)
{
	const char	*run = s;

	/* COPY text format: backslash, tab, newline and CR are escaped;
	 * everything else goes through byte for byte. */
	for (; *s != '\0'; s++) {
		const char	*esc;

		switch (*s) {
		case '\\':	esc = "\\\\"; break;
		case '\t':	esc = "\\t"; break;
		case '\n':	esc = "\\n"; break;
		case '\r':	esc = "\\r"; break;
		default:	continue;
		}
		buf_append(out, run, (size_t)(s - run));
		buf_append(out, esc, 2);
		run = s + 1;
	}
	buf_append(out, run, (size_t)(s - run));
}

static void
batchrec_new_id(char *id, size_t len)
{
	uint32_t	r[4];

	arc4random_buf(r, sizeof(r));
	snprintf(id, len, "%08x%08x%08x%08x", r[0], r[1], r[2], r[3]);
}

static void
batchrec_add_str(cJSON *o, const char *name, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static cJSON *
batchrec_series(const struct batch *b)
{
	cJSON	*arr = cJSON_CreateArray(), *o, *dims;
	size_t	 i;

	for (i = 0; i < b->nseries; i++) {
		const struct series_info *si = &b->series[i];

		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "key", si->key);
		batchrec_add_str(o, "name", si->name);
		batchrec_add_str(o, "unit", si->unit);
		batchrec_add_str(o, "frequency", si->frequency);
		/* Collectors hand dimensions over as JSON text; anything
		 * that is not an object is dropped rather than stored. */
		dims = si->dimensions != NULL ? cJSON_Parse(si->dimensions) :
		    NULL;
		if (dims != NULL && cJSON_IsObject(dims))
			cJSON_AddItemToObject(o, "dimensions", dims);
		else
			cJSON_Delete(dims);
		cJSON_AddItemToArray(arr, o);
	}
	return (arr);
}

static cJSON *
batchrec_events(const struct batch *b)
{
	cJSON	*arr = cJSON_CreateArray(), *o, *ents;
	size_t	 i, j;

	for (i = 0; i < b->nevents; i++) {
		const struct sanctions_event *ev = &b->events[i];

		o = cJSON_CreateObject();
		batchrec_add_str(o, "announced_on", ev->announced_on);
		batchrec_add_str(o, "effective_on", ev->effective_on);
		batchrec_add_str(o, "wind_down_until", ev->wind_down_until);
		batchrec_add_str(o, "jurisdiction", ev->jurisdiction);
		batchrec_add_str(o, "action", ev->action);
		batchrec_add_str(o, "instrument", ev->instrument);
		ents = cJSON_CreateArray();
		for (j = 0; j < ev->nentities; j++)
			cJSON_AddItemToArray(ents,
			    cJSON_CreateString(ev->entities[j]));
		cJSON_AddItemToObject(o, "entities", ents);
		cJSON_AddNumberToObject(o, "direction", ev->direction);
		batchrec_add_str(o, "summary", ev->summary);
		batchrec_add_str(o, "source_url", ev->source_url);
		batchrec_add_str(o, "verification", ev->verification);
		cJSON_AddItemToArray(arr, o);
	}
	return (arr);
}

static char *
batchrec_print(const cJSON *item)
{
	char	*text;

	if ((text = cJSON_PrintUnformatted(item)) == NULL)
		abort();
	return (text);
}

static char *
batchrec_dup(const char *s)
{
	return (s != NULL ? xstrdup(s) : NULL);
}

/* Whether any observation of b has a known_at: the body needs it. */
static int
batchrec_has_known_at(const struct batch *b)
{
	size_t	i;

	for (i = 0; i < b->nobs; i++)
		if (b->obs[i].known_at != NULL)
			return (1);
	return (0);
}

char *
batchrec_encode(const struct batch *b, size_t *lenp, struct batchrec_meta *m)
{
	struct buf	 out;
	cJSON		*h, *series = NULL, *events = NULL;
	char		*line, id[40], seq[24];
	size_t		 i;
	int		 known_at = batchrec_has_known_at(b);

	batchrec_new_id(id, sizeof(id));
	h = cJSON_CreateObject();
	cJSON_AddNumberToObject(h, "v", BATCHREC_VERSION);
	cJSON_AddStringToObject(h, "id", id);
	cJSON_AddStringToObject(h, "feed", b->feed);
	if (b->url != NULL)
		cJSON_AddStringToObject(h, "url", b->url);
	if (b->http_status != 0)
		cJSON_AddNumberToObject(h, "status", b->http_status);
	/* Integers up to 2^53 survive a double exactly; usec since 1970
	 * stay below that until the year 2255. */
	cJSON_AddNumberToObject(h, "bytes", (double)b->bytes);
	cJSON_AddNumberToObject(h, "started", (double)b->started);
	cJSON_AddNumberToObject(h, "finished", (double)b->finished);
	if (b->error != NULL)
		cJSON_AddStringToObject(h, "error", b->error);
	cJSON_AddNumberToObject(h, "rows", (double)b->nobs);
	/* Only when needed, so that other records stay as before. */
	if (known_at)
		cJSON_AddTrueToObject(h, "known_at");
	if (b->etag != NULL)
		cJSON_AddStringToObject(h, "etag", b->etag);
	if (b->last_modified != NULL)
		cJSON_AddStringToObject(h, "last_modified", b->last_modified);
	if (b->nseries > 0) {
		series = batchrec_series(b);
		cJSON_AddItemToObject(h, "series", series);
	}
	if (b->nevents > 0) {
		events = batchrec_events(b);
		cJSON_AddItemToObject(h, "events", events);
	}
	line = batchrec_print(h);

	/* The same facts batchrec_decode would read back, without
	 * parsing the header just printed. */
	if (m != NULL) {
		memset(m, 0, sizeof(*m));
		memcpy(m->id, id, sizeof(m->id));
		m->feed = xstrdup(b->feed);
		m->url = batchrec_dup(b->url);
		m->http_status = b->http_status;
		m->bytes = (int64_t)b->bytes;
		m->started = b->started;
		m->finished = b->finished;
		m->error = batchrec_dup(b->error);
		m->series = series != NULL ? batchrec_print(series) : NULL;
		m->events = events != NULL ? batchrec_print(events) : NULL;
		m->nevents = b->nevents;
		m->etag = batchrec_dup(b->etag);
		m->last_modified = batchrec_dup(b->last_modified);
		m->rows = b->nobs;
		m->known_at = known_at;
		m->body_off = strlen(line) + 1;
	}
	cJSON_Delete(h);

	buf_init(&out, 0);
	buf_append(&out, line, strlen(line));
	buf_append(&out, "\n", 1);
	free(line);
	for (i = 0; i < b->nobs; i++) {
		const struct observation *o = &b->obs[i];

		batchrec_copy_escape(&out, o->series);
		buf_append(&out, "\t", 1);
		batchrec_copy_escape(&out, o->period);
		buf_append(&out, "\t", 1);
		batchrec_copy_escape(&out, o->value);
		buf_append(&out, "\t", 1);
		batchrec_copy_escape(&out, o->unit);
		snprintf(seq, sizeof(seq), "\t%zu", i);
		buf_append(&out, seq, strlen(seq));
		if (known_at) {
			buf_append(&out, "\t", 1);
			if (o->known_at != NULL)
				batchrec_copy_escape(&out, o->known_at);
			else
				buf_append(&out, "\\N", 2);
		}
		buf_append(&out, "\n", 1);
	}
	return (buf_steal(&out, lenp));
}

static char *
batchrec_str(const cJSON *h, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(h, name);

	if (!cJSON_IsString(v))
		return (NULL);
	return (xstrdup(v->valuestring));
}

static int64_t
batchrec_num(const cJSON *h, const char *name, int64_t def)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(h, name);

	if (!cJSON_IsNumber(v))
		return (def);
	return ((int64_t)v->valuedouble);
}

/* The array member name re-printed as JSON text, or NULL. */
static char *
batchrec_json(const cJSON *h, const char *name, size_t *n)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(h, name);
	char		*text;

	if (n != NULL)
		*n = 0;
	if (!cJSON_IsArray(v))
		return (NULL);
	if (n != NULL)
		*n = (size_t)cJSON_GetArraySize(v);
	if ((text = cJSON_PrintUnformatted(v)) == NULL)
		abort();
	return (text);
}

int
batchrec_decode(const char *rec, size_t len, struct batchrec_meta *m,
    char *err, size_t errlen)
{
	const char	*nl;
	const cJSON	*id;
	cJSON		*h;
	char		*line;

	memset(m, 0, sizeof(*m));
	if ((nl = memchr(rec, '\n', len)) == NULL) {
		snprintf(err, errlen, "record has no header line");
		return (-1);
	}
	/* cJSON reads past an unterminated buffer: parse a copy. */
	line = xstrndup(rec, (size_t)(nl - rec));
	h = cJSON_Parse(line);
	free(line);
	if (h == NULL) {
		snprintf(err, errlen, "record header is not JSON");
		return (-1);
	}
	if (batchrec_num(h, "v", 0) != BATCHREC_VERSION) {
		snprintf(err, errlen, "record version %lld, expected %d",
		    (long long)batchrec_num(h, "v", 0), BATCHREC_VERSION);
		cJSON_Delete(h);
		return (-1);
	}
	id = cJSON_GetObjectItemCaseSensitive(h, "id");
	if (!cJSON_IsString(id) || strlen(id->valuestring) != 32) {
		snprintf(err, errlen, "record header has no valid id");
		cJSON_Delete(h);
		return (-1);
	}
	memcpy(m->id, id->valuestring, 33);
	m->feed = batchrec_str(h, "feed");
	if (m->feed == NULL) {
		snprintf(err, errlen, "record header has no feed");
		cJSON_Delete(h);
		return (-1);
	}
	m->url = batchrec_str(h, "url");
	m->error = batchrec_str(h, "error");
	m->http_status = (int)batchrec_num(h, "status", 0);
	m->bytes = batchrec_num(h, "bytes", -1);
	m->started = batchrec_num(h, "started", 0);
	m->finished = batchrec_num(h, "finished", 0);
	m->rows = (size_t)batchrec_num(h, "rows", 0);
	m->known_at = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(h,
	    "known_at"));
	m->etag = batchrec_str(h, "etag");
	m->last_modified = batchrec_str(h, "last_modified");
	m->series = batchrec_json(h, "series", NULL);
	m->events = batchrec_json(h, "events", &m->nevents);
	m->body_off = (size_t)(nl - rec) + 1;
	cJSON_Delete(h);
	return (0);
}

void
batchrec_meta_free(struct batchrec_meta *m)
{
	free(m->feed);
	free(m->url);
	free(m->error);
	/* cJSON allocated these with malloc (its default hooks). */
	free(m->series);
	free(m->events);
	free(m->etag);
	free(m->last_modified);
	memset(m, 0, sizeof(*m));
}
