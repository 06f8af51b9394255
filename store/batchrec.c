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
#include "util/jsonstr.h"
#include "util/xmalloc.h"

/*
 * The record being written: grown by doubling, always with room for the
 * NUL that batchrec_encode's caller gets at the end.
 */
struct batchrec_w {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

/* Room for n more bytes (and a NUL); returns where they go. */
static char *
batchrec_reserve(struct batchrec_w *w, size_t n)
{
	if (n >= SIZE_MAX / 2 - w->len)
		abort();
	if (w->len + n + 1 > w->cap) {
		while (w->len + n + 1 > w->cap)
			w->cap = w->cap == 0 ? 1024 : w->cap * 2;
		w->data = xreallocarray(w->data, w->cap, 1);
	}
	return (w->data + w->len);
}

static void
batchrec_put(struct batchrec_w *w, const char *s, size_t n)
{
	memcpy(batchrec_reserve(w, n), s, n);
	w->len += n;
}

static void
batchrec_puts(struct batchrec_w *w, const char *s)
{
	batchrec_put(w, s, strlen(s));
}

/* Appends v in decimal. */
static void
batchrec_put_int(struct batchrec_w *w, int64_t v)
{
	char		 tmp[24], *p = tmp + sizeof(tmp);
	uint64_t	 u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		*--p = '-';
	batchrec_put(w, p, (size_t)(tmp + sizeof(tmp) - p));
}

static void
batchrec_put_uint(struct batchrec_w *w, uint64_t u)
{
	char	 tmp[24], *p = tmp + sizeof(tmp);

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	batchrec_put(w, p, (size_t)(tmp + sizeof(tmp) - p));
}

/*
 * Appends s as a JSON string exactly as cJSON prints one (the header was
 * once printed by cJSON, and batchrec_decode prints the series and events
 * back with it); see util/jsonstr.h.
 */
static void
batchrec_put_json(struct batchrec_w *w, const char *s)
{
	char	*o = batchrec_reserve(w, JSONSTR_MAX(strlen(s)));

	w->len += jsonstr_write(o, s);
}

/* Appends ,"name":"value" or ,"name":null. */
static void
batchrec_put_member(struct batchrec_w *w, const char *name, const char *v)
{
	batchrec_puts(w, name);
	if (v != NULL)
		batchrec_put_json(w, v);
	else
		batchrec_put(w, "null", 4);
}

/*
 * COPY text format escapes backslash, tab, newline and CR by a letter;
 * everything else goes through byte for byte.  The letter of each byte,
 * 0 for none.
 */
static const char	batchrec_copy_letter[256] = {
	['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r',
};

/* Appends s escaped for COPY text format, its length n known. */
static void
batchrec_put_copy(struct batchrec_w *w, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*o = batchrec_reserve(w, 2 * n), c;

	for (; n > 0; n--, p++) {
		if ((c = batchrec_copy_letter[*p]) == 0)
			*o++ = (char)*p;
		else {
			*o++ = '\\';
			*o++ = c;
		}
	}
	w->len = (size_t)(o - w->data);
}

void
batchrec_copy_escape(struct buf *out, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s, *run = p;
	char			 esc[2] = { '\\', 0 };

	for (; *p != '\0'; p++) {
		if ((esc[1] = batchrec_copy_letter[*p]) == 0)
			continue;
		buf_append(out, run, (size_t)(p - run));
		buf_append(out, esc, 2);
		run = p + 1;
	}
	buf_append(out, run, (size_t)(p - run));
}

static void
batchrec_new_id(char *id)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 r[16];
	size_t			 i;

	arc4random_buf(r, sizeof(r));
	for (i = 0; i < sizeof(r); i++) {
		id[2 * i] = hex[r[i] >> 4];
		id[2 * i + 1] = hex[r[i] & 0xf];
	}
	id[2 * sizeof(r)] = '\0';
}

/*
 * The series array.  Collectors hand dimensions over as JSON text;
 * anything that is not an object is dropped rather than stored, and an
 * object goes in as cJSON prints it.
 */
static void
batchrec_series(struct batchrec_w *w, const struct batch *b)
{
	cJSON	*dims;
	char	*text;
	size_t	 i;

	batchrec_put(w, "[", 1);
	for (i = 0; i < b->nseries; i++) {
		const struct series_info *si = &b->series[i];

		batchrec_puts(w, i > 0 ? ",{\"key\":" : "{\"key\":");
		batchrec_put_json(w, si->key);
		batchrec_put_member(w, ",\"name\":", si->name);
		batchrec_put_member(w, ",\"unit\":", si->unit);
		batchrec_put_member(w, ",\"frequency\":", si->frequency);
		dims = si->dimensions != NULL ? cJSON_Parse(si->dimensions) :
		    NULL;
		if (dims != NULL && cJSON_IsObject(dims)) {
			if ((text = cJSON_PrintUnformatted(dims)) == NULL)
				abort();
			batchrec_puts(w, ",\"dimensions\":");
			batchrec_puts(w, text);
			cJSON_free(text);
		}
		cJSON_Delete(dims);
		batchrec_put(w, "}", 1);
	}
	batchrec_put(w, "]", 1);
}

static void
batchrec_events(struct batchrec_w *w, const struct batch *b)
{
	size_t	 i, j, n;

	batchrec_put(w, "[", 1);
	for (i = 0; i < b->nevents; i++) {
		const struct sanctions_event *ev = &b->events[i];

		batchrec_put_member(w, i > 0 ? ",{\"announced_on\":" :
		    "{\"announced_on\":", ev->announced_on);
		batchrec_put_member(w, ",\"effective_on\":", ev->effective_on);
		batchrec_put_member(w, ",\"wind_down_until\":",
		    ev->wind_down_until);
		batchrec_put_member(w, ",\"jurisdiction\":", ev->jurisdiction);
		batchrec_put_member(w, ",\"action\":", ev->action);
		batchrec_put_member(w, ",\"instrument\":", ev->instrument);
		batchrec_puts(w, ",\"entities\":[");
		for (j = 0, n = 0; j < ev->nentities; j++) {
			/* cJSON could not make an item of NULL. */
			if (ev->entities[j] == NULL)
				continue;
			if (n++ > 0)
				batchrec_put(w, ",", 1);
			batchrec_put_json(w, ev->entities[j]);
		}
		batchrec_puts(w, "],\"direction\":");
		batchrec_put_int(w, ev->direction);
		batchrec_put_member(w, ",\"summary\":", ev->summary);
		batchrec_put_member(w, ",\"source_url\":", ev->source_url);
		batchrec_put_member(w, ",\"verification\":", ev->verification);
		batchrec_put(w, "}", 1);
	}
	batchrec_put(w, "]", 1);
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

/*
 * The header is written as cJSON printed it before, member for member,
 * but for the numbers: integers are written as integers where cJSON
 * wrote a double ("1.7640000001234560e+15"), the same JSON number to any
 * reader, batchrec_decode included.
 */
char *
batchrec_encode(const struct batch *b, size_t *lenp, struct batchrec_meta *m)
{
	struct batchrec_w	 w;
	char			 id[40];
	size_t			 i, n, series = 0, series_end = 0;
	size_t			 events = 0, events_end = 0;
	int			 known_at = batchrec_has_known_at(b);

	memset(&w, 0, sizeof(w));
	/* About what this batch takes, to grow once at most. */
	(void)batchrec_reserve(&w, 512 + b->nobs * 64 + b->nseries * 96);
	batchrec_new_id(id);
	batchrec_puts(&w, "{\"v\":");
	batchrec_put_int(&w, BATCHREC_VERSION);
	batchrec_puts(&w, ",\"id\":\"");
	batchrec_puts(&w, id);
	batchrec_puts(&w, "\",\"feed\":");
	batchrec_put_json(&w, b->feed);
	if (b->url != NULL) {
		batchrec_puts(&w, ",\"url\":");
		batchrec_put_json(&w, b->url);
	}
	if (b->http_status != 0) {
		batchrec_puts(&w, ",\"status\":");
		batchrec_put_int(&w, b->http_status);
	}
	batchrec_puts(&w, ",\"bytes\":");
	batchrec_put_uint(&w, b->bytes);
	batchrec_puts(&w, ",\"started\":");
	batchrec_put_int(&w, b->started);
	batchrec_puts(&w, ",\"finished\":");
	batchrec_put_int(&w, b->finished);
	if (b->error != NULL) {
		batchrec_puts(&w, ",\"error\":");
		batchrec_put_json(&w, b->error);
	}
	batchrec_puts(&w, ",\"rows\":");
	batchrec_put_uint(&w, b->nobs);
	/* Only when needed, so that other records stay as before. */
	if (known_at)
		batchrec_puts(&w, ",\"known_at\":true");
	if (b->etag != NULL) {
		batchrec_puts(&w, ",\"etag\":");
		batchrec_put_json(&w, b->etag);
	}
	if (b->last_modified != NULL) {
		batchrec_puts(&w, ",\"last_modified\":");
		batchrec_put_json(&w, b->last_modified);
	}
	if (b->nseries > 0) {
		batchrec_puts(&w, ",\"series\":");
		series = w.len;
		batchrec_series(&w, b);
		series_end = w.len;
	}
	if (b->nevents > 0) {
		batchrec_puts(&w, ",\"events\":");
		events = w.len;
		batchrec_events(&w, b);
		events_end = w.len;
	}
	batchrec_put(&w, "}\n", 2);

	/* The same facts batchrec_decode would read back, without
	 * parsing the header just written. */
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
		m->series = series_end > 0 ? xstrndup(w.data + series,
		    series_end - series) : NULL;
		m->events = events_end > 0 ? xstrndup(w.data + events,
		    events_end - events) : NULL;
		m->nevents = b->nevents;
		m->etag = batchrec_dup(b->etag);
		m->last_modified = batchrec_dup(b->last_modified);
		m->rows = b->nobs;
		m->known_at = known_at;
		m->body_off = w.len;
	}

	for (i = 0; i < b->nobs; i++) {
		const struct observation *o = &b->obs[i];

		n = strlen(o->series);
		batchrec_put_copy(&w, o->series, n);
		batchrec_put(&w, "\t", 1);
		batchrec_put_copy(&w, o->period, strlen(o->period));
		batchrec_put(&w, "\t", 1);
		batchrec_put_copy(&w, o->value, strlen(o->value));
		batchrec_put(&w, "\t", 1);
		batchrec_put_copy(&w, o->unit, strlen(o->unit));
		batchrec_put(&w, "\t", 1);
		batchrec_put_uint(&w, i);
		if (known_at) {
			batchrec_put(&w, "\t", 1);
			if (o->known_at != NULL)
				batchrec_put_copy(&w, o->known_at,
				    strlen(o->known_at));
			else
				batchrec_put(&w, "\\N", 2);
		}
		batchrec_put(&w, "\n", 1);
	}
	w.data[w.len] = '\0';
	/* The writer copies the record into its own allocation, at its
	 * size: the slack goes with this buffer. */
	*lenp = w.len;
	return (w.data);
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

/*
 * The fast way to read a header: as batchrec_encode writes it, members in
 * its order, strings with nothing escaped in them, integers up to 2^53 (as
 * exact in cJSON's double), no series or events.  Anything else (an escape, a number cJSON
 * printed, an array) goes the general way, through cJSON, which reads
 * every header alike: this one only spares the writer a cJSON tree per
 * batch for the headers it wrote itself.
 */
struct batchrec_scan {
	const char	*p, *end;
};

static int
batchrec_scan_lit(struct batchrec_scan *s, const char *lit, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return (0);
	s->p += n;
	return (1);
}
#define BATCHREC_LIT(s, lit)	batchrec_scan_lit((s), (lit), sizeof(lit) - 1)

/* A string with no escape and no control character in it, copied; NULL
 * for anything else. */
static char *
batchrec_scan_str(struct batchrec_scan *s)
{
	const char	*q;
	char		*v;

	if (s->p == s->end || *s->p != '"')
		return (NULL);
	for (q = s->p + 1; q < s->end && *q != '"'; q++)
		if (*q == '\\' || (unsigned char)*q < 0x20)
			return (NULL);
	if (q == s->end)
		return (NULL);
	v = xstrndup(s->p + 1, (size_t)(q - s->p - 1));
	s->p = q + 1;
	return (v);
}

static int
batchrec_scan_int(struct batchrec_scan *s, int64_t *v)
{
	uint64_t	n = 0;
	int		neg = 0, digits = 0;

	if (s->p < s->end && *s->p == '-') {
		neg = 1;
		s->p++;
	}
	while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
		if (++digits > 18)
			return (0);
		n = n * 10 + (uint64_t)(*s->p++ - '0');
	}
	/* Past 2^53, cJSON's double would round: its way, then. */
	if (digits == 0 || n > (UINT64_C(1) << 53))
		return (0);
	*v = neg ? -(int64_t)n : (int64_t)n;
	return (1);
}

/* Reads the header [rec, nl) into m; 0, or -1 (m cleared) if it is not
 * one this reader takes on. */
static int
batchrec_decode_fast(const char *rec, const char *nl, struct batchrec_meta *m)
{
	struct batchrec_scan	 s = { rec, nl };
	int64_t			 v;
	char			*id;

	if (!BATCHREC_LIT(&s, "{\"v\":1,\"id\":") ||
	    (id = batchrec_scan_str(&s)) == NULL)
		return (-1);
	if (strlen(id) != 32) {
		free(id);
		return (-1);
	}
	memcpy(m->id, id, 33);
	free(id);
	if (!BATCHREC_LIT(&s, ",\"feed\":") ||
	    (m->feed = batchrec_scan_str(&s)) == NULL)
		goto fail;
	if (BATCHREC_LIT(&s, ",\"url\":") &&
	    (m->url = batchrec_scan_str(&s)) == NULL)
		goto fail;
	if (BATCHREC_LIT(&s, ",\"status\":")) {
		if (!batchrec_scan_int(&s, &v))
			goto fail;
		m->http_status = (int)v;
	}
	if (!BATCHREC_LIT(&s, ",\"bytes\":") ||
	    !batchrec_scan_int(&s, &m->bytes) || !BATCHREC_LIT(&s, ",\"started\":") ||
	    !batchrec_scan_int(&s, &m->started) ||
	    !BATCHREC_LIT(&s, ",\"finished\":") ||
	    !batchrec_scan_int(&s, &m->finished))
		goto fail;
	if (BATCHREC_LIT(&s, ",\"error\":") &&
	    (m->error = batchrec_scan_str(&s)) == NULL)
		goto fail;
	if (!BATCHREC_LIT(&s, ",\"rows\":") || !batchrec_scan_int(&s, &v) ||
	    v < 0)
		goto fail;
	m->rows = (size_t)v;
	if (BATCHREC_LIT(&s, ",\"known_at\":true"))
		m->known_at = 1;
	if (BATCHREC_LIT(&s, ",\"etag\":") &&
	    (m->etag = batchrec_scan_str(&s)) == NULL)
		goto fail;
	if (BATCHREC_LIT(&s, ",\"last_modified\":") &&
	    (m->last_modified = batchrec_scan_str(&s)) == NULL)
		goto fail;
	if (!BATCHREC_LIT(&s, "}") || s.p != s.end)
		goto fail;
	m->body_off = (size_t)(nl - rec) + 1;
	return (0);
fail:
	batchrec_meta_free(m);
	return (-1);
}

int
batchrec_decode(const char *rec, size_t len, struct batchrec_meta *m,
    char *err, size_t errlen)
{
	const char	*nl;

	memset(m, 0, sizeof(*m));
	if ((nl = memchr(rec, '\n', len)) != NULL &&
	    batchrec_decode_fast(rec, nl, m) == 0)
		return (0);
	/* It says what is wrong, a missing header line included. */
	return (batchrec_decode_cjson(rec, len, m, err, errlen));
}

int
batchrec_decode_cjson(const char *rec, size_t len, struct batchrec_meta *m,
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
