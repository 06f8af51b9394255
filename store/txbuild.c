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

#include <cjson/cJSON.h>

#include "store/batchrec.h"
#include "store/seriescache.h"
#include "store/txbuild.h"
#include "store/valcache.h"
#include "util/buf.h"
#include "util/civil.h"
#include "util/jsonstr.h"
#include "util/xmalloc.h"

#define TXBUILD_TS_LEN	27	/* 2026-11-29T12:34:56.123456Z */

/* Writes n's decimal digits, at least width of them, ending at end;
 * returns where they start. */
static char *
txbuild_digits(char *end, uint64_t n, int width)
{
	do {
		*--end = (char)('0' + n % 10);
		n /= 10;
		width--;
	} while (n > 0 || width > 0);
	return (end);
}

/*
 * Formats unix usec as a timestamptz literal (YYYY-MM-DDTHH:MM:SS.ffffffZ,
 * years 1970 to 9999), or NULL for 0 or out of range.  By hand: this runs
 * twice for every batch, and gmtime_r and snprintf cost more than all the
 * rest of its element.
 */
static const char *
txbuild_ts(int64_t usec, char *buf)
{
	int64_t	secs, days, y;
	int	mo, d, sod;
	char	*e = buf + TXBUILD_TS_LEN;

	if (usec <= 0 || usec >= INT64_C(253402300800000000))
		return (NULL);
	secs = usec / 1000000;
	days = secs / 86400;
	sod = (int)(secs % 86400);
	civil_date(days, &y, &mo, &d);
	*e = '\0';
	*--e = 'Z';
	e = txbuild_digits(e, (uint64_t)(usec % 1000000), 6);
	*--e = '.';
	e = txbuild_digits(e, (uint64_t)(sod % 60), 2);
	*--e = ':';
	e = txbuild_digits(e, (uint64_t)(sod / 60 % 60), 2);
	*--e = ':';
	e = txbuild_digits(e, (uint64_t)(sod / 3600), 2);
	*--e = 'T';
	e = txbuild_digits(e, (uint64_t)d, 2);
	*--e = '-';
	e = txbuild_digits(e, (uint64_t)mo, 2);
	*--e = '-';
	(void)txbuild_digits(e, (uint64_t)y, 4);
	return (buf);
}

/* Appends ,"name": (name plain: no escapes needed). */
static void
txbuild_json_name(struct buf *out, const char *name)
{
	size_t	n = strlen(name);
	char	tmp[32];

	tmp[0] = ',';
	tmp[1] = '"';
	memcpy(tmp + 2, name, n);
	tmp[n + 2] = '"';
	tmp[n + 3] = ':';
	buf_append(out, tmp, n + 4);
}

/* Appends ,"name": value (null for NULL), for p_batches. */
static void
txbuild_json_member(struct buf *out, const char *name, const char *v)
{
	txbuild_json_name(out, name);
	if (v != NULL)
		jsonstr_append(out, v);
	else
		buf_append(out, "null", 4);
}

/* Appends ,"name": n. */
static void
txbuild_json_int(struct buf *out, const char *name, int64_t n)
{
	char	tmp[24], *e = tmp + sizeof(tmp), *p;

	txbuild_json_name(out, name);
	p = txbuild_digits(e, n < 0 ? 0 - (uint64_t)n : (uint64_t)n, 1);
	if (n < 0)
		*--p = '-';
	buf_append(out, p, (size_t)(e - p));
}

void
txbuild_batch_json(struct buf *out, const struct batchrec_meta *m,
    size_t known)
{
	char	ts[TXBUILD_TS_LEN + 1];

	buf_append(out, "{\"id\":", 6);
	jsonstr_append(out, m->id);
	txbuild_json_member(out, "feed", m->feed);
	txbuild_json_member(out, "url", m->url);
	if (m->http_status != 0)
		txbuild_json_int(out, "status", m->http_status);
	if (m->bytes >= 0)
		txbuild_json_int(out, "bytes", m->bytes);
	txbuild_json_member(out, "started", txbuild_ts(m->started, ts));
	txbuild_json_member(out, "finished", txbuild_ts(m->finished, ts));
	txbuild_json_member(out, "error", m->error);
	txbuild_json_member(out, "etag", m->etag);
	txbuild_json_member(out, "last_modified", m->last_modified);
	if (known > 0)
		txbuild_json_int(out, "known_unchanged", (int64_t)known);
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
