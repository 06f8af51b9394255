/* SPDX-License-Identifier: ISC */
/*
 * txbuild: the text of a writer transaction; see txbuild.h.
 *
 * The JSON goes to jsonb parameters, so only its meaning counts there:
 * strings are escaped by util/jsonstr, series descriptions are re-printed
 * by cJSON from the record's header, and the events array goes as the
 * record has it.  Row fields stay in COPY text format as batchrec wrote
 * them; only a series key with an escape is unescaped, to look it up.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "store/batchrec.h"
#include "store/seriescache.h"
#include "store/txbuild.h"
#include "store/valcache.h"
#include "util/buf.h"
#include "util/jsonstr.h"
#include "util/xmalloc.h"

/* Formats unix usec as a timestamptz literal, or NULL for 0. */
static const char *
txbuild_ts(int64_t usec, char *buf, size_t len)
{
	time_t		secs;
	struct tm	tm;

	if (usec <= 0)
		return (NULL);
	secs = (time_t)(usec / 1000000);
	gmtime_r(&secs, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(usec % 1000000));
	return (buf);
}

/* Appends ,"name": value (null for NULL), for p_batches. */
static void
txbuild_json_member(struct buf *out, const char *name, const char *v)
{
	buf_printf(out, ",\"%s\":", name);
	if (v != NULL)
		jsonstr_append(out, v);
	else
		buf_append(out, "null", 4);
}

void
txbuild_batch_json(struct buf *out, const struct batchrec_meta *m,
    size_t known)
{
	char	ts[80];

	buf_append(out, "{\"id\":", 6);
	jsonstr_append(out, m->id);
	txbuild_json_member(out, "feed", m->feed);
	txbuild_json_member(out, "url", m->url);
	if (m->http_status != 0)
		buf_printf(out, ",\"status\":%d", m->http_status);
	if (m->bytes >= 0)
		buf_printf(out, ",\"bytes\":%" PRId64, m->bytes);
	txbuild_json_member(out, "started",
	    txbuild_ts(m->started, ts, sizeof(ts)));
	txbuild_json_member(out, "finished",
	    txbuild_ts(m->finished, ts, sizeof(ts)));
	txbuild_json_member(out, "error", m->error);
	txbuild_json_member(out, "etag", m->etag);
	txbuild_json_member(out, "last_modified", m->last_modified);
	if (known > 0)
		buf_printf(out, ",\"known_unchanged\":%zu", known);
	/* Already JSON: the array batchrec printed. */
	if (m->events != NULL) {
		buf_append(out, ",\"events\":", 10);
		buf_append(out, m->events, strlen(m->events));
	}
	buf_append(out, "}", 1);
}

/*
 * The descriptions the database may not have are those whose key has no
 * description written, or another one.  A whole array that a committed
 * transaction wrote is skipped unread.
 */
void
txbuild_batch_series(struct buf *out, struct seriescache *cache,
    const struct batchrec_meta *m, const uint64_t *raw, size_t nraw)
{
	cJSON		*arr, *item, *key;
	char		*text;
	uint64_t	 set, h;
	size_t		 j = 0, idx;

	if (m->series == NULL)
		return;
	set = seriescache_hash(m->series, strlen(m->series));
	/* Unless there is a collector's form of them to learn. */
	if (seriescache_tx_set(cache, set, raw != NULL))
		return;
	if ((arr = cJSON_Parse(m->series)) == NULL)
		return;
	cJSON_ArrayForEach(item, arr) {
		idx = j++;
		key = cJSON_GetObjectItemCaseSensitive(item, "key");
		if (!cJSON_IsString(key) || *key->valuestring == '\0')
			continue;
		if ((text = cJSON_PrintUnformatted(item)) == NULL)
			abort();
		h = raw != NULL && idx < nraw ? raw[idx] : 0;
		if (seriescache_tx_describe(cache, key->valuestring,
		    strlen(key->valuestring), seriescache_hash(text,
		    strlen(text)), h)) {
			buf_append(out, out->len > 1 ? "," : "", out->len > 1);
			buf_append(out, text, strlen(text));
		}
		free(text);
	}
	cJSON_Delete(arr);
}

/* Unescapes a COPY text field into a NUL-terminated copy. */
static char *
txbuild_copy_unescape(const char *s, size_t len)
{
	char	*out = xmalloc(len + 1), *o = out;
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] != '\\' || i + 1 == len) {
			*o++ = s[i];
			continue;
		}
		switch (s[++i]) {
		case 't':	*o++ = '\t'; break;
		case 'n':	*o++ = '\n'; break;
		case 'r':	*o++ = '\r'; break;
		default:	*o++ = s[i]; break;
		}
	}
	*o = '\0';
	return (out);
}

/*
 * Each row goes as b, series_id, series_key, period, value, unit, seq,
 * known_at: the id when the cache knows the key, else the key.  A row the
 * value cache knows unchanged does not go: it is counted in *known.
 */
int
txbuild_batch_rows(struct buf *out, struct seriescache *cache,
    struct valcache *vc, size_t b, const struct batchrec_meta *m,
    const char *body, size_t len, int *used, size_t *known)
{
	const char	*p = body, *end = body + len, *nl, *tab, *pend, *vend;
	char		 num[32], *key;
	size_t		 klen;
	int64_t		 id;
	int		 n, superseded;

	*known = 0;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((tab = memchr(p, '\t', (size_t)(nl - p))) == NULL ||
		    (pend = memchr(tab + 1, '\t', (size_t)(nl - tab - 1))) ==
		    NULL || (vend = memchr(pend + 1, '\t', (size_t)(nl - pend -
		    1))) == NULL)
			return (-1);
		if (vc != NULL && m->known_at)
			valcache_tx_forget(vc, p, (size_t)(pend - p));
		else if (vc != NULL) {
			n = valcache_tx_row(vc, b, p, (size_t)(pend - p),
			    pend + 1, (size_t)(vend - pend - 1), &superseded);
			*known -= (size_t)superseded;
			if (n) {
				(*known)++;
				p = nl + 1;
				continue;
			}
		}
		n = snprintf(num, sizeof(num), "%zu\t", b);
		buf_append(out, num, (size_t)n);
		klen = (size_t)(tab - p);
		key = memchr(p, '\\', klen) != NULL ?
		    txbuild_copy_unescape(p, klen) : NULL;
		id = seriescache_id(cache, key != NULL ? key : p,
		    key != NULL ? strlen(key) : klen);
		if (id != 0) {
			n = snprintf(num, sizeof(num), "%" PRId64 "\t\\N",
			    id);
			buf_append(out, num, (size_t)n);
			*used = 1;
		} else {
			buf_append(out, "\\N\t", 3);
			buf_append(out, p, klen);
		}
		free(key);
		/* period, value, unit, seq [, known_at] */
		buf_append(out, tab, (size_t)(nl - tab));
		if (!m->known_at)
			buf_append(out, "\t\\N", 3);
		buf_append(out, "\n", 1);
		p = nl + 1;
	}
	return (0);
}
