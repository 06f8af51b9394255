/* SPDX-License-Identifier: ISC */
/*
 * webhook: bodies, Standard Webhooks signatures, verdicts and backoff for
 * webhook channels; see webhook.h.
 *
 * The notification document is input, read through doc.h: every member
 * is type-checked before use, and a missing or wrong-typed optional
 * member reads as null (or as an empty object for labels).  Only "key",
 * "channel", "status" and "alerts" are required.  The Alertmanager body
 * is built as a fresh cJSON tree that owns copies of what it takes from
 * the document, printed once and deleted before returning.
 *
 * Secrets are held decoded in struct webhook_secrets and nowhere else:
 * parsing decodes into a local that is wiped, the file's text is wiped
 * after parsing, and no message quotes more of a line than "whsec_".
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "notify/doc.h"
#include "notify/webhook.h"
#include "util/linksig.h"
#include "util/xmalloc.h"

#define WEBHOOK_PREFIX		"whsec_"
#define WEBHOOK_EXAMPLE		"expected a secret such as " \
				"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
/* What Alertmanager sends as endsAt of a firing alert with no end. */
#define WEBHOOK_ZERO_TIME	"0001-01-01T00:00:00Z"
#define WEBHOOK_MAC_B64		44	/* base64 of a SHA-256 HMAC */

static void
webhook_add_string(cJSON *o, const char *name, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static void
webhook_add_number(cJSON *o, const char *name, const cJSON *v)
{
	if (cJSON_IsNumber(v))
		cJSON_AddNumberToObject(o, name, v->valuedouble);
	else
		cJSON_AddNullToObject(o, name);
}

/* A copy of v if it is an object, else null. */
static void
webhook_add_object(cJSON *o, const char *name, const cJSON *v)
{
	if (cJSON_IsObject(v))
		cJSON_AddItemToObject(o, name, cJSON_Duplicate(v, 1));
	else
		cJSON_AddNullToObject(o, name);
}

/* The string members of o (labels, annotations) as a new object. */
static cJSON *
webhook_strings(const cJSON *o)
{
	const cJSON	*m;
	cJSON		*out = cJSON_CreateObject();

	if (!cJSON_IsObject(o))
		return (out);
	cJSON_ArrayForEach(m, o) {
		if (m->string == NULL || !cJSON_IsString(m) ||
		    cJSON_GetObjectItemCaseSensitive(out, m->string) != NULL)
			continue;
		cJSON_AddStringToObject(out, m->string, m->valuestring);
	}
	return (out);
}

/*
 * The members of each alert's `member` object (labels or annotations)
 * that have the same string value in every alert, as Alertmanager's
 * commonLabels and commonAnnotations.  No alerts: an empty object.
 */
static cJSON *
webhook_common(const cJSON *alerts, const char *member)
{
	const cJSON	*first = cJSON_GetArrayItem(alerts, 0), *m, *a;
	const char	*v;
	cJSON		*out = cJSON_CreateObject();

	if (first == NULL || !cJSON_IsObject(doc_member(first, member)))
		return (out);
	cJSON_ArrayForEach(m, doc_member(first, member)) {
		if (m->string == NULL || !cJSON_IsString(m) ||
		    cJSON_GetObjectItemCaseSensitive(out, m->string) != NULL)
			continue;
		cJSON_ArrayForEach(a, alerts) {
			v = doc_str(doc_member(a, member), m->string);
			if (v == NULL || strcmp(v, m->valuestring) != 0)
				break;
		}
		if (a == NULL)
			cJSON_AddStringToObject(out, m->string, m->valuestring);
	}
	return (out);
}

/* Checks the members every format needs. */
static int
webhook_check(const cJSON *doc, char *err, size_t errlen)
{
	static const char *const required[] = { "key", "channel" };

	return (doc_check(doc, required, sizeof(required) /
	    sizeof(required[0]), doc_nonempty, err, errlen));
}

/* potashd's evidence for one alert, keyed by fingerprint in the body. */
static cJSON *
webhook_evidence(const cJSON *a)
{
	const cJSON	*obs = doc_member(a, "observations");
	cJSON		*e = cJSON_CreateObject();

	webhook_add_string(e, "rule", doc_str(a, "rule"));
	webhook_add_string(e, "series", doc_str(a, "series"));
	webhook_add_string(e, "unit", doc_str(a, "unit"));
	webhook_add_number(e, "value", doc_member(a, "value"));
	webhook_add_number(e, "metric", doc_member(a, "metric"));
	webhook_add_number(e, "threshold", doc_member(a, "threshold"));
	cJSON_AddItemToObject(e, "observations", cJSON_IsArray(obs) ?
	    cJSON_Duplicate(obs, 1) : cJSON_CreateArray());
	webhook_add_object(e, "baseline", doc_member(a, "baseline"));
	webhook_add_object(e, "event", doc_member(a, "event"));
	return (e);
}

/* One element of the Alertmanager "alerts" array. */
static cJSON *
webhook_am_alert(const cJSON *a, const char *docstatus, const char *ext,
    size_t extlen)
{
	const char	*fp = doc_str(a, "fingerprint"), *s;
	cJSON		*o = cJSON_CreateObject();
	char		*url;

	s = doc_str(a, "status");
	cJSON_AddStringToObject(o, "status", s != NULL ? s : docstatus);
	cJSON_AddItemToObject(o, "labels",
	    webhook_strings(doc_member(a, "labels")));
	cJSON_AddItemToObject(o, "annotations",
	    webhook_strings(doc_member(a, "annotations")));
	s = doc_str(a, "starts_at");
	cJSON_AddStringToObject(o, "startsAt", s != NULL ? s :
	    WEBHOOK_ZERO_TIME);
	s = doc_str(a, "ends_at");
	cJSON_AddStringToObject(o, "endsAt", s != NULL ? s :
	    WEBHOOK_ZERO_TIME);
	if (ext != NULL && fp != NULL && *fp != '\0') {
		/* Signed when the dashboard wants a token (doc.h). */
		s = doc_str(a, "link_sig");
		url = xasprintf("%.*s/alerts/%s%s%s", (int)extlen, ext, fp,
		    linksig_ok(s) ? "?sig=" : "", linksig_ok(s) ? s : "");
		cJSON_AddStringToObject(o, "generatorURL", url);
		free(url);
	} else
		cJSON_AddStringToObject(o, "generatorURL", "");
	cJSON_AddStringToObject(o, "fingerprint", fp != NULL ? fp : "");
	return (o);
}

/* The Alertmanager webhook v4 body with potashd's additions. */
static cJSON *
webhook_alertmanager(const cJSON *doc)
{
	const cJSON	*alerts = doc_member(doc, "alerts"), *a;
	const char	*status = doc_str(doc, "status"), *ext, *fp, *s;
	cJSON		*o, *arr, *evidence;
	size_t		 extlen = 0;
	double		 trunc = 0, d;

	/* "http://host:9464/" and "http://host:9464" give the same URLs. */
	if ((ext = doc_str(doc, "external_url")) != NULL &&
	    *ext != '\0') {
		extlen = strlen(ext);
		while (extlen > 0 && ext[extlen - 1] == '/')
			extlen--;
	} else
		ext = NULL;
	if (doc_number(doc, "truncated", &d) && d > 0)
		trunc = d < INT_MAX ? (double)(int)d : INT_MAX;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "version", "4");
	s = doc_str(doc, "group_key");
	cJSON_AddStringToObject(o, "groupKey", s != NULL ? s : "");
	cJSON_AddNumberToObject(o, "truncatedAlerts", trunc);
	cJSON_AddStringToObject(o, "status", status);
	cJSON_AddStringToObject(o, "receiver", doc_str(doc, "channel"));
	cJSON_AddItemToObject(o, "groupLabels",
	    webhook_strings(doc_member(doc, "group_labels")));
	cJSON_AddItemToObject(o, "commonLabels",
	    webhook_common(alerts, "labels"));
	cJSON_AddItemToObject(o, "commonAnnotations",
	    webhook_common(alerts, "annotations"));
	s = doc_str(doc, "external_url");
	cJSON_AddStringToObject(o, "externalURL", s != NULL ? s : "");
	arr = cJSON_AddArrayToObject(o, "alerts");
	cJSON_ArrayForEach(a, alerts)
		cJSON_AddItemToArray(arr, webhook_am_alert(a, status, ext,
		    extlen));
	webhook_add_string(o, "notification_reason",
	    doc_str(doc, "reason"));
	evidence = cJSON_AddObjectToObject(o, "evidence");
	cJSON_ArrayForEach(a, alerts) {
		fp = doc_str(a, "fingerprint");
		/* Keys must be unique: the first alert with one wins. */
		if (fp == NULL || *fp == '\0' ||
		    cJSON_GetObjectItemCaseSensitive(evidence, fp) != NULL)
			continue;
		cJSON_AddItemToObject(evidence, fp, webhook_evidence(a));
	}
	return (o);
}

char *
webhook_body(const cJSON *doc, int format, size_t *len, char *err,
    size_t errlen)
{
	cJSON	*o = NULL;
	char	*body;

	if (format != WEBHOOK_FORMAT_ALERTMANAGER &&
	    format != WEBHOOK_FORMAT_JSON) {
		snprintf(err, errlen, "unknown webhook format %d", format);
		return (NULL);
	}
	if (webhook_check(doc, err, errlen) == -1)
		return (NULL);
	if (format == WEBHOOK_FORMAT_JSON)
		body = cJSON_PrintUnformatted(doc);
	else {
		o = webhook_alertmanager(doc);
		body = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
	}
	if (body == NULL) {
		snprintf(err, errlen, "notification document: out of memory "
		    "while printing the body");
		return (NULL);
	}
	*len = strlen(body);
	return (body);
}

/*
 * Decodes n characters of padded standard base64 (RFC 4648 section 4),
 * refusing anything else, into out (WEBHOOK_KEY_MAX bytes).  Returns 0;
 * -1 with *col (0-based) at the first bad character; -2 if n is not a
 * multiple of 4; -3 with *outlen set if the key's size is out of range.
 */
static int
webhook_b64_key(const char *s, size_t n, uint8_t *out, size_t *outlen,
    size_t *col)
{
	unsigned char	 buf[WEBHOOK_KEY_MAX + 3];
	size_t		 i, pad = 0;
	int		 r;
	char		 c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/') {
			if (pad == 0)
				continue;
		} else if (c == '=' && i + 2 >= n && i >= 2) {
			pad++;
			continue;
		}
		*col = i;
		return (-1);
	}
	if (n % 4 != 0)
		return (-2);
	*outlen = n / 4 * 3 - pad;
	if (*outlen < WEBHOOK_KEY_MIN || *outlen > WEBHOOK_KEY_MAX)
		return (-3);
	/* DecodeBlock counts the padding as zero bytes: take them off. */
	r = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)n);
	if (r < 0 || (size_t)r != n / 4 * 3) {
		OPENSSL_cleanse(buf, sizeof(buf));
		*col = 0;
		return (-1);
	}
	memcpy(out, buf, *outlen);
	OPENSSL_cleanse(buf, sizeof(buf));
	return (0);
}

int
webhook_secrets_parse(const char *text, const char *filename,
    struct webhook_secrets *out, char *err, size_t errlen)
{
	struct webhook_secrets	 s;
	const char		*line = text, *end, *p, *q;
	size_t			 col = 0, keylen = 0;
	size_t			 plen = strlen(WEBHOOK_PREFIX);
	int			 lineno = 0, rc = -1;

	memset(&s, 0, sizeof(s));
	for (; *line != '\0'; line = *end == '\n' ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		lineno++;
		for (p = line; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		for (q = end; q > p && (q[-1] == ' ' || q[-1] == '\t' ||
		    q[-1] == '\r'); q--)
			;
		if (p == q || *p == '#')
			continue;
		if ((size_t)(q - p) < plen ||
		    strncmp(p, WEBHOOK_PREFIX, plen) != 0) {
			snprintf(err, errlen, "%s:%d: " WEBHOOK_EXAMPLE ", got "
			    "a line without the \"whsec_\" prefix", filename,
			    lineno);
			goto out;
		}
		if (s.n == WEBHOOK_MAX_SECRETS) {
			snprintf(err, errlen, "%s:%d: more than %d secrets; "
			    "remove the oldest", filename, lineno,
			    WEBHOOK_MAX_SECRETS);
			goto out;
		}
		p += plen;
		switch (webhook_b64_key(p, (size_t)(q - p), s.keys[s.n].key,
		    &keylen, &col)) {
		case 0:
			s.keys[s.n++].len = keylen;
			break;
		case -1:
			snprintf(err, errlen, "%s:%d: " WEBHOOK_EXAMPLE ", got "
			    "\"whsec_\" and a character that is not base64 at "
			    "column %zu", filename, lineno,
			    (size_t)(p - line) + col + 1);
			goto out;
		case -2:
			snprintf(err, errlen, "%s:%d: " WEBHOOK_EXAMPLE ", got "
			    "\"whsec_\" and %zu base64 characters, not a "
			    "multiple of 4 (is the padding missing?)", filename,
			    lineno, (size_t)(q - p));
			goto out;
		default:
			snprintf(err, errlen, "%s:%d: " WEBHOOK_EXAMPLE ", got "
			    "\"whsec_\" and a key of %zu bytes; a key is %d to "
			    "%d bytes", filename, lineno, keylen,
			    WEBHOOK_KEY_MIN, WEBHOOK_KEY_MAX);
			goto out;
		}
	}
	if (s.n == 0) {
		snprintf(err, errlen, "%s: no secret in the file; expected "
		    "lines such as whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		    filename);
		goto out;
	}
	memcpy(out, &s, sizeof(*out));
	rc = 0;
out:
	if (rc == -1)
		memset(out, 0, sizeof(*out));
	OPENSSL_cleanse(&s, sizeof(s));
	return (rc);
}

int
webhook_secrets_load(const char *path, struct webhook_secrets *s, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd, rc = -1;

	memset(s, 0, sizeof(*s));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	/* Read one byte more than allowed: the file may have grown. */
	buf = xmalloc(WEBHOOK_SECRETS_FILE_MAX + 2);
	while (n <= WEBHOOK_SECRETS_FILE_MAX) {
		r = read(fd, buf + n, WEBHOOK_SECRETS_FILE_MAX + 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > WEBHOOK_SECRETS_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes; expected a "
		    "few whsec_ lines", path, WEBHOOK_SECRETS_FILE_MAX);
		goto out;
	}
	buf[n] = '\0';
	if (memchr(buf, '\0', n) != NULL) {
		snprintf(err, errlen, "%s: holds a NUL byte; expected text",
		    path);
		goto out;
	}
	rc = webhook_secrets_parse(buf, path, s, err, errlen);
out:
	if (buf != NULL) {
		OPENSSL_cleanse(buf, n);
		free(buf);
	}
	close(fd);
	return (rc);
}

void
webhook_secrets_clear(struct webhook_secrets *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s, sizeof(*s));
	s->n = 0;
}

/* "id.ts.body": what is signed.  The caller frees it. */
static unsigned char *
webhook_message(const char *id, int64_t ts, const void *body, size_t len,
    size_t *msglen)
{
	unsigned char	*msg;
	char		*head;
	size_t		 hlen;

	head = xasprintf("%s.%" PRId64 ".", id, ts);
	hlen = strlen(head);
	if (len > SIZE_MAX - hlen - 1) {
		free(head);
		return (NULL);
	}
	msg = xmalloc(hlen + len + 1);
	memcpy(msg, head, hlen);
	if (len > 0)
		memcpy(msg + hlen, body, len);
	free(head);
	*msglen = hlen + len;
	return (msg);
}

/* The base64 HMAC-SHA256 of msg under key, in out; 0 or -1. */
static int
webhook_mac(const uint8_t *key, size_t keylen, const unsigned char *msg,
    size_t msglen, char out[WEBHOOK_MAC_B64 + 1])
{
	unsigned char	mac[EVP_MAX_MD_SIZE];
	unsigned int	maclen = 0;

	if (keylen == 0 || keylen > INT_MAX || HMAC(EVP_sha256(), key,
	    (int)keylen, msg, msglen, mac, &maclen) == NULL || maclen != 32)
		return (-1);
	if (EVP_EncodeBlock((unsigned char *)out, mac, (int)maclen) !=
	    WEBHOOK_MAC_B64)
		return (-1);
	OPENSSL_cleanse(mac, sizeof(mac));
	return (0);
}

int
webhook_sign(const struct webhook_secrets *s, const char *id, int64_t ts,
    const void *body, size_t len, char *out, size_t outlen)
{
	unsigned char	*msg;
	char		 b64[WEBHOOK_MAC_B64 + 1];
	size_t		 msglen, i, off = 0;
	int		 rc = -1;

	if (s == NULL || s->n == 0 || s->n > WEBHOOK_MAX_SECRETS ||
	    outlen == 0)
		return (-1);
	out[0] = '\0';
	if ((msg = webhook_message(id, ts, body, len, &msglen)) == NULL)
		return (-1);
	for (i = 0; i < s->n; i++) {
		if (webhook_mac(s->keys[i].key, s->keys[i].len, msg, msglen,
		    b64) == -1)
			goto out;
		/* " v1," (or "v1,"), the MAC and the NUL. */
		if (outlen - off < (i > 0 ? 4 : 3) + WEBHOOK_MAC_B64 + 1)
			goto out;
		off += (size_t)snprintf(out + off, outlen - off, "%sv1,%s",
		    i > 0 ? " " : "", b64);
	}
	rc = 0;
out:
	if (rc == -1)
		out[0] = '\0';
	free(msg);
	return (rc);
}

int
webhook_verify(const char *header, const uint8_t *key, size_t keylen,
    const char *id, int64_t ts, const void *body, size_t len)
{
	unsigned char	*msg;
	const char	*p, *e;
	char		 want[WEBHOOK_MAC_B64 + 1];
	size_t		 msglen;
	int		 found = 0, ok;

	if (header == NULL || key == NULL || id == NULL)
		return (0);
	if ((msg = webhook_message(id, ts, body, len, &msglen)) == NULL)
		return (0);
	ok = webhook_mac(key, keylen, msg, msglen, want) == 0;
	free(msg);
	if (!ok)
		return (0);
	for (p = header; *p != '\0'; p = e) {
		p += strspn(p, " \t");
		e = p + strcspn(p, " \t");
		if (e - p == 3 + WEBHOOK_MAC_B64 && strncmp(p, "v1,", 3) == 0 &&
		    CRYPTO_memcmp(p + 3, want, WEBHOOK_MAC_B64) == 0)
			found = 1;
	}
	return (found);
}

int
webhook_headers(struct webhook_headers *h, const struct webhook_secrets *s,
    const char *id, int64_t ts, const void *body, size_t len)
{
	char	sig[WEBHOOK_SIGNATURE_MAX];
	size_t	i, n = 0;

	memset(h, 0, sizeof(*h));
	/* The id goes into a header line: visible ASCII only. */
	if (id == NULL || *id == '\0' || strlen(id) > 255)
		return (-1);
	for (i = 0; id[i] != '\0'; i++) {
		if (id[i] <= ' ' || id[i] >= 0x7f)
			return (-1);
	}
	snprintf(h->content_type, sizeof(h->content_type),
	    "Content-Type: application/json");
	h->v[n++] = h->content_type;
	snprintf(h->id, sizeof(h->id), "webhook-id: %s", id);
	h->v[n++] = h->id;
	snprintf(h->timestamp, sizeof(h->timestamp), "webhook-timestamp: %"
	    PRId64, ts);
	h->v[n++] = h->timestamp;
	if (s != NULL && s->n > 0) {
		if (webhook_sign(s, id, ts, body, len, sig,
		    sizeof(sig)) == -1) {
			memset(h, 0, sizeof(*h));
			return (-1);
		}
		snprintf(h->signature, sizeof(h->signature),
		    "webhook-signature: %s", sig);
		h->v[n++] = h->signature;
	}
	h->v[n] = NULL;
	return (0);
}

enum webhook_verdict
webhook_classify(int transfer_ok, long status)
{
	if (!transfer_ok)
		return (WEBHOOK_RETRY);
	if (status >= 200 && status < 300)
		return (WEBHOOK_SENT);
	if (status == 408 || status == 425 || status == 429 ||
	    (status >= 500 && status < 600))
		return (WEBHOOK_RETRY);
	if (status == 410)
		return (WEBHOOK_DISABLE);
	return (WEBHOOK_PERMANENT);
}

uint64_t
webhook_backoff(unsigned attempt, uint64_t base, uint64_t max,
    int64_t retry_after_sec, uint32_t random)
{
	uint64_t	ceiling, delay, ra;
	unsigned	shift = attempt > 0 ? attempt - 1 : 0;

	if (base == 0)
		ceiling = 0;
	else if (shift >= 64 || base > (max >> shift))
		ceiling = max;
	else
		ceiling = base << shift;
	/* floor(ceiling * random / 2^32), in two halves to stay in 64 bits. */
	delay = (ceiling >> 32) * random +
	    (((ceiling & UINT32_MAX) * random) >> 32);
	if (retry_after_sec >= 0) {
		if ((uint64_t)retry_after_sec > max / 1000000)
			ra = max;
		else
			ra = (uint64_t)retry_after_sec * 1000000;
		if (ra > delay)
			delay = ra;
	}
	return (delay);
}
