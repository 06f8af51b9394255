/* SPDX-License-Identifier: ISC */
/*
 * webhook: what a webhook channel sends, and what to do with the answer.
 * Pure: no I/O except webhook_secrets_load, no clock, no logging.
 *
 * - The body: a notification document (built by SQL, see
 *   schema/0011_notifications.sql) rendered once as the Alertmanager
 *   webhook v4 JSON, with potashd's evidence added, or as the document
 *   itself.  Every attempt sends exactly these bytes.
 * - Standard Webhooks signing (https://www.standardwebhooks.com/):
 *   webhook-id is the notification's idempotency key, the same on every
 *   retry; webhook-timestamp is per attempt; webhook-signature holds one
 *   "v1,<base64 HMAC-SHA256 of id.timestamp.body>" per secret, so a
 *   receiver can rotate secrets without missing a delivery.
 * - The verdict on an attempt's result and the delay before the next one.
 */
#ifndef NOTIFY_WEBHOOK_H
#define NOTIFY_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* Body formats, in the order of the config's "alertmanager|json". */
enum webhook_format {
	WEBHOOK_FORMAT_ALERTMANAGER = 0,
	WEBHOOK_FORMAT_JSON = 1,
};

#define WEBHOOK_MAX_SECRETS	8
#define WEBHOOK_KEY_MIN		16	/* bytes of a decoded secret */
#define WEBHOOK_KEY_MAX		64
#define WEBHOOK_SECRETS_FILE_MAX (64 * 1024)
/* One "v1,<44 base64>" entry and its separator, per secret, and a NUL. */
#define WEBHOOK_SIGNATURE_MAX	(WEBHOOK_MAX_SECRETS * 48 + 1)

/*
 * Signing keys, decoded from "whsec_<base64>" lines.  Plain data, so a
 * channel can embed it; a zeroed struct holds no keys.  The keys are
 * secrets: webhook_secrets_clear wipes them.
 */
struct webhook_secrets {
	size_t	n;
	struct {
		uint8_t	key[WEBHOOK_KEY_MAX];
		size_t	len;
	} keys[WEBHOOK_MAX_SECRETS];
};

/*
 * Renders doc (a notification document) in format.  Returns the body,
 * NUL-terminated and *len bytes long, which the caller frees; or NULL
 * with err naming the member at fault ("notification document:
 * \"alerts\": expected an array").  doc is only read.
 */
char	*webhook_body(const cJSON *, int, size_t *, char *, size_t);

/*
 * Parses a secrets file's text: one whsec_<base64> per line, each
 * decoding to WEBHOOK_KEY_MIN..WEBHOOK_KEY_MAX bytes, at most
 * WEBHOOK_MAX_SECRETS; blank lines and lines starting with '#' are
 * skipped.  filename is for messages only.  Returns 0 with *s filled
 * (overwritten, not cleared first), or -1 with *s zeroed and err set to
 * "FILE:LINE: ...", which never quotes a secret.
 */
int	 webhook_secrets_parse(const char *, const char *,
	    struct webhook_secrets *, char *, size_t);
/* Reads and parses the file at path (a regular file of at most
 * WEBHOOK_SECRETS_FILE_MAX bytes, wiped from memory once parsed).
 * 0, or -1 with *s zeroed and err set ("PATH: ..." or "PATH:LINE: ..."). */
int	 webhook_secrets_load(const char *, struct webhook_secrets *, char *,
	    size_t);
/* Wipes the keys (OPENSSL_cleanse) and leaves no secret; NULL is fine. */
void	 webhook_secrets_clear(struct webhook_secrets *);

/*
 * Writes the webhook-signature value for message id, unix time ts and
 * the body: "v1,<base64>" per secret, space-separated, in file order.
 * Returns 0, or -1 if there is no secret, out is too small
 * (WEBHOOK_SIGNATURE_MAX always suffices) or HMAC fails.
 */
int	 webhook_sign(const struct webhook_secrets *, const char *, int64_t,
	    const void *, size_t, char *, size_t);
/*
 * Checks a webhook-signature value against one raw key: returns 1 if
 * any "v1," entry is the signature of id, ts and the body (compared in
 * constant time), else 0.  Other versions and malformed entries are
 * ignored.  The timestamp's age is the caller's business.
 */
int	 webhook_verify(const char *, const uint8_t *, size_t, const char *,
	    int64_t, const void *, size_t);

/*
 * The request headers of one attempt, as "Name: value" strings held in
 * the struct itself: v[] points into it and ends with NULL.  No heap;
 * the struct is the caller's (a local will do) and lives as long as the
 * request needs v.  User-Agent and configured headers are added elsewhere.
 */
struct webhook_headers {
	const char	*v[5];
	char		 content_type[40];
	char		 id[300];
	char		 timestamp[48];
	char		 signature[32 + WEBHOOK_SIGNATURE_MAX];
};
/*
 * Fills h for message id at unix time ts: Content-Type, webhook-id,
 * webhook-timestamp and, if s holds a secret, webhook-signature.  s may
 * be NULL.  Returns 0, or -1 if id is empty, longer than 255 bytes or
 * holds a character that has no place in a header, or signing fails.
 */
int	 webhook_headers(struct webhook_headers *,
	    const struct webhook_secrets *, const char *, int64_t,
	    const void *, size_t);

enum webhook_verdict {
	WEBHOOK_SENT,		/* 2xx */
	WEBHOOK_RETRY,		/* no response, 408, 425, 429, 5xx */
	WEBHOOK_DISABLE,	/* 410 Gone: the receiver is no more */
	WEBHOOK_PERMANENT,	/* 1xx, 3xx, other 4xx: retrying won't help */
};

/*
 * Classifies an attempt: transfer_ok is 0 when no response arrived
 * (connection error, timeout), status the HTTP status otherwise.
 * Redirects are not followed, so a 3xx is permanent.  Retry-After does
 * not change the verdict; webhook_backoff honours it.
 */
enum webhook_verdict webhook_classify(int, long);

/*
 * The delay in usec before the next attempt, after attempt number
 * `attempt` (1 for the first; 0 counts as 1) failed: full jitter, i.e.
 * uniform in [0, min(max, base * 2^(attempt-1))), drawn from random
 * (uniform over 32 bits) so that it is deterministic given random.  A
 * Retry-After of retry_after_sec seconds (-1: none) wins when larger;
 * the result never exceeds max.
 */
uint64_t webhook_backoff(unsigned, uint64_t, uint64_t, int64_t, uint32_t);

#endif
