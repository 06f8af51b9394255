/* SPDX-License-Identifier: ISC */
/*
 * generic: the options, value conversion, request building and
 * duplicate checks shared by the json and csv kinds; see generic.h
 * (periods are in generic_period.c).
 *
 * Values.  Text is trimmed, compared with the missing markers
 * (skip_values, default: the empty string), then checked and made
 * canonical by decimal_normalize, so garbage is an error and never a 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/generic.h"
#include "util/tzfile.h"
#include "util/decimal.h"
#include "util/xmalloc.h"

#define GENERIC_ALNUM \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

static int
generic_isspace(char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r');
}

const char *
generic_trim(const char *s, size_t *len)
{
	while (*len > 0 && generic_isspace(*s)) {
		s++;
		(*len)--;
	}
	while (*len > 0 && generic_isspace(s[*len - 1]))
		(*len)--;
	return (s);
}

size_t
generic_utf8_bad(const char *in, size_t len)
{
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 i = 0, n, k;
	unsigned char		 lo, hi;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			n = 1;
		else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			n = 2;
			if (p[i] == 0xe0)
				lo = 0xa0;	/* overlong */
			else if (p[i] == 0xed)
				hi = 0x9f;	/* surrogates */
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 3;
			if (p[i] == 0xf0)
				lo = 0x90;	/* overlong */
			else if (p[i] == 0xf4)
				hi = 0x8f;	/* past U+10FFFF */
		} else
			return (i);
		if (len - i <= n)
			return (i);
		for (k = 1; k <= n; k++) {
			if (p[i + k] < (k == 1 ? lo : 0x80) ||
			    p[i + k] > (k == 1 ? hi : 0xbf))
				return (i);
		}
		i += n + 1;
	}
	return (len);
}

int
generic_bool(const struct feed *f, const char *name, int def, int *out,
    char *err, size_t errlen)
{
	const char	*v = feed_get(f, name);

	*out = def;
	if (v == NULL)
		return (0);
	if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
	    strcmp(v, "on") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 ||
	    strcmp(v, "off") == 0)
		*out = 0;
	else {
		snprintf(err, errlen, "%s: expected true or false, got \"%s\"",
		    name, v);
		return (-1);
	}
	return (0);
}

/* A series key is printable ASCII without spaces, with an inner '/'. */
static int
generic_key_ok(const char *k, size_t len)
{
	size_t	i;

	if (len < 3 || k[0] == '/' || k[len - 1] == '/' ||
	    memchr(k, '/', len) == NULL)
		return (0);
	for (i = 0; i < len; i++) {
		if (k[i] <= ' ' || k[i] >= 0x7f)
			return (0);
	}
	return (1);
}

/* Parses one "field=>series_key[:unit]" entry into m; 0 or -1. */
static int
generic_map_parse(const char *v, struct generic_map *m, char *err,
    size_t errlen)
{
	const char	*arrow = NULL, *p, *field, *key, *colon;
	size_t		 flen, klen, ulen = 0;
	char		 q[PARSE_QUOTE_BUFLEN], kq[PARSE_QUOTE_BUFLEN];

	parse_quote(v, strlen(v), q, sizeof(q));
	for (p = strstr(v, "=>"); p != NULL; p = strstr(p + 1, "=>"))
		arrow = p;
	if (arrow == NULL) {
		snprintf(err, errlen, "values: expected \"field=>series_key"
		    "[:unit]\" such as \"close=>acme/potash/close:USD/t\", "
		    "got \"%s\"", q);
		return (-1);
	}
	flen = (size_t)(arrow - v);
	field = generic_trim(v, &flen);
	if (flen == 0) {
		snprintf(err, errlen, "values: \"%s\": no field before "
		    "\"=>\"", q);
		return (-1);
	}
	key = arrow + 2;
	klen = strlen(key);
	key = generic_trim(key, &klen);
	if ((colon = memchr(key, ':', klen)) != NULL) {
		ulen = klen - (size_t)(colon - key) - 1;
		klen = (size_t)(colon - key);
		while (klen > 0 && generic_isspace(key[klen - 1]))
			klen--;
	}
	if (!generic_key_ok(key, klen)) {
		parse_quote(key, klen, kq, sizeof(kq));
		snprintf(err, errlen, "values: \"%s\": expected a series key "
		    "such as \"acme/potash/close\" (printable ASCII, no "
		    "spaces, a \"/\" after the source name), got \"%s\"", q,
		    kq);
		return (-1);
	}
	m->field = xstrndup(field, flen);
	m->key = xstrndup(key, klen);
	if (colon != NULL) {
		p = generic_trim(colon + 1, &ulen);
		if (ulen == 0 || generic_utf8_bad(p, ulen) != ulen) {
			snprintf(err, errlen, "values: \"%s\": expected a unit "
			    "such as \"USD/t\" after \":\"", q);
			return (-1);
		}
		for (klen = 0; klen < ulen; klen++) {
			if ((unsigned char)p[klen] < 0x20 || p[klen] == 0x7f) {
				snprintf(err, errlen, "values: \"%s\": control "
				    "character in the unit", q);
				return (-1);
			}
		}
		m->unit = xstrndup(p, ulen);
	}
	return (0);
}

static int
generic_configure_values(const struct feed *f, struct generic_opts *g,
    char *err, size_t errlen)
{
	char *const	*v;
	size_t		 n, i, j;

	v = feed_get_list(f, "values", &n);
	if (n == 0) {
		snprintf(err, errlen, "values: missing: map at least one field "
		    "to a series, e.g. \"close=>acme/potash/close:USD/t\"");
		return (-1);
	}
	g->maps = xcalloc(n, sizeof(*g->maps));
	for (i = 0; i < n; i++) {
		g->nmaps = i + 1;
		if (generic_map_parse(v[i], &g->maps[i], err, errlen) == -1)
			return (-1);
		for (j = 0; j < i; j++) {
			if (strcmp(g->maps[j].key, g->maps[i].key) == 0) {
				snprintf(err, errlen, "values: series \"%s\" "
				    "is mapped twice (from \"%s\" and \"%s\")",
				    g->maps[i].key, g->maps[j].field,
				    g->maps[i].field);
				return (-1);
			}
		}
	}
	return (0);
}

/*
 * Checks "Name" or "Name: prefix" (RFC 9110 token, printable prefix);
 * sets *nlen and *prefix.  Returns 0 or -1.
 */
static int
generic_header_ok(const char *h, size_t *nlen, const char **prefix)
{
	const char	*colon = strchr(h, ':'), *p;

	*nlen = colon != NULL ? (size_t)(colon - h) : strlen(h);
	if (*nlen == 0 || strspn(h, GENERIC_ALNUM "!#$%&'*+-.^_`|~") != *nlen)
		return (-1);
	p = colon != NULL ? colon + 1 : "";
	while (*p == ' ')
		p++;
	*prefix = p;
	for (; *p != '\0'; p++) {
		if (*p < ' ' || *p > '~')
			return (-1);
	}
	return (0);
}

static int
generic_configure_secret(const struct feed *f, struct generic_opts *g,
    char *err, size_t errlen)
{
	const char	*qn = feed_get(f, "secret_query");
	const char	*hn = feed_get(f, "secret_header");
	const char	*prefix, *p;
	size_t		 nlen;

	if (qn != NULL && *qn == '\0')
		qn = NULL;
	if (hn != NULL && *hn == '\0')
		hn = NULL;
	if (qn == NULL && hn == NULL && f->secret != NULL) {
		snprintf(err, errlen, "the feed has a secret (secret_file or a "
		    "credential) but neither secret_query nor secret_header "
		    "says where to send it");
		return (-1);
	}
	if (qn == NULL && hn == NULL)
		return (0);
	if (f->secret == NULL) {
		snprintf(err, errlen, "%s: set, but the feed has no secret: "
		    "set secret_file or provide the credential feed-%s",
		    qn != NULL ? "secret_query" : "secret_header", f->name);
		return (-1);
	}
	if (qn != NULL && strspn(qn, GENERIC_ALNUM "-._~[]") != strlen(qn)) {
		snprintf(err, errlen, "secret_query: expected a query "
		    "parameter name such as \"api_key\", got \"%s\"", qn);
		return (-1);
	}
	if (hn != NULL && generic_header_ok(hn, &nlen, &prefix) == -1) {
		snprintf(err, errlen, "secret_header: expected a header name "
		    "such as \"X-API-Key\", or a name and a prefix such as "
		    "\"Authorization: Bearer\", got \"%s\"", hn);
		return (-1);
	}
	for (p = f->secret; hn != NULL && *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			snprintf(err, errlen, "secret_header: the secret holds "
			    "a control character, which a header cannot "
			    "carry");
			return (-1);
		}
	}
	if (qn != NULL)
		g->secret_query = xstrdup(qn);
	if (hn != NULL)
		g->secret_header = xasprintf("%.*s: %s%s", (int)nlen, hn,
		    prefix, *prefix != '\0' ? " " : "");
	return (0);
}

int
generic_configure(const struct feed *f, struct generic_opts *g, char *err,
    size_t errlen)
{
	char *const	*v;
	size_t		 n, i, len;
	const char	*s;
	int		 dc, tc;

	memset(g, 0, sizeof(*g));
	if (generic_configure_values(f, g, err, errlen) == -1 ||
	    generic_period_configure(f, g, err, errlen) == -1 ||
	    generic_bool(f, "decimal_comma", 0, &dc, err, errlen) == -1 ||
	    generic_bool(f, "thousands_comma", 0, &tc, err, errlen) == -1 ||
	    generic_configure_secret(f, g, err, errlen) == -1)
		goto fail;
	if (dc && tc) {
		snprintf(err, errlen, "decimal_comma and thousands_comma: set "
		    "at most one");
		goto fail;
	}
	g->decimal_flags = dc ? DECIMAL_COMMA : tc ? DECIMAL_THOUSANDS_COMMA :
	    0;
	v = feed_get_list(f, "skip_values", &n);
	if (v == NULL) {
		g->skip = xcalloc(1, sizeof(*g->skip));
		g->skip[0] = xstrdup("");
		g->nskip = 1;
	} else {
		g->skip = xcalloc(n + 1, sizeof(*g->skip));
		for (i = 0; i < n; i++) {
			len = strlen(v[i]);
			s = generic_trim(v[i], &len);
			g->skip[i] = xstrndup(s, len);
		}
		g->nskip = n;
	}
	return (0);

fail:
	generic_deinit(g);
	return (-1);
}

void
generic_deinit(struct generic_opts *g)
{
	size_t	i;

	free(g->pfmt);
	tzfile_free(g->tz);
	for (i = 0; i < g->nskip; i++)
		free(g->skip[i]);
	free(g->skip);
	for (i = 0; i < g->nmaps; i++) {
		free(g->maps[i].field);
		free(g->maps[i].key);
		free(g->maps[i].unit);
	}
	free(g->maps);
	free(g->secret_query);
	free(g->secret_header);
	memset(g, 0, sizeof(*g));
}

int
generic_request(const struct feed *f, const struct generic_opts *g,
    const char *accept, struct collector_request *req, char *err,
    size_t errlen)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*s;
	const char		*url = f->url, *frag;
	char			*enc, *e, sep;
	size_t			 blen, h = 0;

	memset(req, 0, sizeof(*req));
	if (g->secret_query != NULL) {
		if (f->secret == NULL) {
			snprintf(err, errlen, "secret_query: the feed has no "
			    "secret");
			return (-1);
		}
		enc = e = xmalloc(strlen(f->secret) * 3 + 1);
		for (s = (const unsigned char *)f->secret; *s != '\0'; s++) {
			if (strchr(GENERIC_ALNUM "-._~", *s) != NULL)
				*e++ = (char)*s;
			else {
				*e++ = '%';
				*e++ = hex[*s >> 4];
				*e++ = hex[*s & 0xf];
			}
		}
		*e = '\0';
		/* The parameter goes before a fragment, if any. */
		frag = strchr(url, '#');
		blen = frag != NULL ? (size_t)(frag - url) : strlen(url);
		if (memchr(url, '?', blen) == NULL)
			sep = '?';
		else if (url[blen - 1] == '?' || url[blen - 1] == '&')
			sep = '\0';
		else
			sep = '&';
		req->url = xasprintf("%.*s%s%s=%s%s", (int)blen, url,
		    sep == '?' ? "?" : sep == '&' ? "&" : "", g->secret_query,
		    enc, frag != NULL ? frag : "");
		explicit_bzero(enc, strlen(enc));
		free(enc);
	} else
		req->url = xstrdup(url);
	req->headers[h++] = xasprintf("Accept: %s", accept);
	if (g->secret_header != NULL && f->secret != NULL)
		req->headers[h++] = xasprintf("%s%s", g->secret_header,
		    f->secret);
	return (0);
}

int
generic_value(const struct generic_opts *g, const char *in, int number,
    char *out, size_t outlen, char *err, size_t errlen)
{
	const char	*s;
	size_t		 inlen = strlen(in), len = inlen, i;

	if (!number) {
		s = generic_trim(in, &len);
		for (i = 0; i < g->nskip; i++) {
			if (strlen(g->skip[i]) == len &&
			    memcmp(g->skip[i], s, len) == 0)
				return (0);
		}
	}
	if (decimal_normalize(in, inlen, number ? 0 : g->decimal_flags,
	    out, outlen, err, errlen) == -1)
		return (-1);
	return (1);
}

void
generic_describe(const struct generic_opts *g, struct batch *b,
    const char *const *names)
{
	size_t	i;
	int	fresh = b->nseries == 0;

	/* The keys of g->maps are distinct (generic_configure_values). */
	for (i = 0; i < g->nmaps; i++) {
		if (fresh)
			batch_describe_new(b, g->maps[i].key, names != NULL ?
			    names[i] : NULL, g->maps[i].unit, NULL, NULL);
		else
			batch_describe(b, g->maps[i].key, names != NULL ?
			    names[i] : NULL, g->maps[i].unit, NULL, NULL);
	}
}

void
generic_out_init(struct generic_out *o, struct batch *b)
{
	memset(o, 0, sizeof(*o));
	o->batch = b;
	o->first = b->nobs;
}

void
generic_out_deinit(struct generic_out *o)
{
	free(o->tags);
	memset(o, 0, sizeof(*o));
}

void
generic_out_add(struct generic_out *o, const char *key, const char *period,
    const char *value, const char *unit, size_t tag)
{
	if (o->ntags == o->cap) {
		o->cap = o->cap == 0 ? 64 : o->cap * 2;
		o->tags = xreallocarray(o->tags, o->cap, sizeof(*o->tags));
	}
	o->tags[o->ntags++] = tag;
	batch_add(o->batch, key, period, value, unit);
}

/*
 * Folds the string s into h eight bytes at a time: the set below only
 * needs pairs spread over its slots (equal pairs are found by strcmp),
 * and a byte at a time is a multiply's latency per byte.  The last eight
 * bytes of a string that long are read as one word, overlapping the word
 * before; a shorter string is assembled in a register.
 */
static uint64_t
generic_dup_mix(uint64_t h, const char *s)
{
	const uint64_t	k = 0x9e3779b97f4a7c15ULL;
	size_t		len = strlen(s), n, i;
	uint64_t	w = 0;

	h ^= len;
	for (n = len; n > sizeof(w); s += sizeof(w), n -= sizeof(w)) {
		memcpy(&w, s, sizeof(w));
		h = (h ^ w) * k;
		h ^= h >> 32;
	}
	if (len >= sizeof(w))
		memcpy(&w, s + n - sizeof(w), sizeof(w));
	else {
		for (i = 0; i < n; i++)
			w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	}
	h = (h ^ w) * k;
	return (h ^ (h >> 32));
}

/* The hash of a (series, period) pair. */
static uint64_t
generic_dup_hash(const char *series, const char *period)
{
	uint64_t	h;

	h = generic_dup_mix(0xcbf29ce484222325ULL, series);
	h = generic_dup_mix(h * 0x100000001b3ULL, period);
	return (h ^ (h >> 29));
}

/*
 * One pass in document order through an open-addressing set of the pairs
 * seen: the first observation whose pair is already there is the second
 * occurrence that comes first, and the set holds its first occurrence.
 */
int
generic_out_dup(const struct generic_out *o, size_t *tag1, size_t *tag2,
    size_t *obs)
{
	const struct observation	*ob = o->batch->obs + o->first, *x;
	size_t				 small[256], *set = small;
	size_t				 cap = 16, mask, i, k;
	int				 rc = 0;

	if (o->ntags < 2)
		return (0);
	while (cap < 2 * o->ntags)
		cap *= 2;
	if (cap > sizeof(small) / sizeof(small[0]))
		set = xreallocarray(NULL, cap, sizeof(*set));
	memset(set, 0xff, cap * sizeof(*set));
	mask = cap - 1;
	for (i = 0; i < o->ntags && rc == 0; i++) {
		k = (size_t)generic_dup_hash(ob[i].series, ob[i].period) & mask;
		for (; set[k] != SIZE_MAX; k = (k + 1) & mask) {
			x = &ob[set[k]];
			if (strcmp(x->series, ob[i].series) == 0 &&
			    strcmp(x->period, ob[i].period) == 0) {
				*tag1 = o->tags[set[k]];
				*tag2 = o->tags[i];
				*obs = o->first + i;
				rc = 1;
				break;
			}
		}
		if (rc == 0)
			set[k] = i;
	}
	if (set != small)
		free(set);
	return (rc);
}
