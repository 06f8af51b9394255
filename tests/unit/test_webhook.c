/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for notify/webhook: the Standard Webhooks published test
 * vector (the independent check of the signing), signatures under two
 * secrets checked against values computed with Python's hmac module,
 * verification of tampered messages, secrets files with every rejection
 * and its message, the request headers, the Alertmanager v4 body of a
 * realistic notification (a since_event alert on fred/PPOTASHUSDM after
 * the US easing of 13 December 2025 and a resolved threshold alert)
 * read back field by field, the json format, malformed documents, and
 * the verdict and backoff tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "notify/webhook.h"
#include "testproc.h"
#include "util/xmalloc.h"

#define USEC		UINT64_C(1000000)
#define EXAMPLE		"expected a secret such as " \
			"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

/* From the Standard Webhooks reference libraries' signing test. */
#define SW_SECRET	"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SW_ID		"msg_p5jXN8AQM9LWM0D4loKWxJek"
#define SW_TS		INT64_C(1614265330)
#define SW_PAYLOAD	"{\"test\": 2432232314}"
#define SW_SIGNATURE	"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
#define SW_WRONG	"v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="

/* 32 bytes: "potashd-webhook-test-key-two-32b". */
#define SECRET2		"whsec_cG90YXNoZC13ZWJob29rLXRlc3Qta2V5LXR3by0zMmI="
#define KEY2		"potashd-webhook-test-key-two-32b"

static const char *const doc_text =
"{"
"\"id\": 42,"
"\"key\": \"5f0c3a9e1d7b4c2a8e6f0b1d3c5a7e9f2b4d6f8a0c1e3b5d7f9a2c4e6b8d0f13\","
"\"channel\": \"ops\","
"\"reason\": \"new\","
"\"status\": \"firing\","
"\"group_key\": \"{}:{topic=\\\"price\\\"}\","
"\"group_labels\": {\"topic\": \"price\"},"
"\"group_id\": \"9c4e1a7b3d5f6028\","
"\"group_seq\": 3,"
"\"truncated\": 2,"
"\"external_url\": \"http://127.0.0.1:9464/\","
"\"created_at\": \"2025-12-15T21:00:00Z\","
"\"alerts\": [{"
  "\"fingerprint\": \"a1b2c3d4e5f60718\","
  "\"rule\": \"potash-since-us-easing\","
  "\"series\": \"fred/PPOTASHUSDM\","
  "\"kind\": \"since_event\","
  "\"severity\": \"warning\","
  "\"status\": \"firing\","
  "\"labels\": {\"alertname\": \"potash-since-us-easing\","
    "\"series\": \"fred/PPOTASHUSDM\", \"severity\": \"warning\","
    "\"topic\": \"price\", \"team\": \"fertilizer\"},"
  "\"annotations\": {\"summary\": \"Potash up 17.2% since the US easing\","
    "\"description\": \"412.5 USD/t against 352 before OFAC GL 13\","
    "\"runbook\": \"https://wiki.example/potash\"},"
  "\"starts_at\": \"2025-12-15T20:55:00Z\","
  "\"ends_at\": null,"
  "\"value\": 412.5, \"metric\": 17.2, \"threshold\": 10, \"unit\": \"USD/t\","
  "\"baseline\": {\"value\": 352, \"from\": \"2025-11-13T00:00:00Z\","
    "\"to\": \"2025-12-13T00:00:00Z\", \"n\": 3},"
  "\"observations\": [{\"series\": \"fred/PPOTASHUSDM\","
    "\"period\": \"2025-12-01\", \"value\": 412.5, \"unit\": \"USD/t\","
    "\"known_at\": \"2025-12-15T20:50:00Z\","
    "\"fetched_at\": \"2025-12-15T20:50:03Z\","
    "\"source_url\": \"https://fred.stlouisfed.org/series/PPOTASHUSDM\"}],"
  "\"event\": {\"id\": 7, \"jurisdiction\": \"US\", \"action\": \"ease\","
    "\"instrument\": \"OFAC GL 13\", \"direction\": -1,"
    "\"announced_on\": \"2025-12-13\", \"effective_on\": \"2025-12-15\","
    "\"title\": \"Belarus potash: general license 13\","
    "\"source_url\": \"https://ofac.treasury.gov/recent-actions/20251213\"}"
"}, {"
  "\"fingerprint\": \"0f1e2d3c4b5a6978\","
  "\"rule\": \"potash-price-high\","
  "\"series\": \"fred/PPOTASHUSDM\","
  "\"kind\": \"threshold\","
  "\"severity\": \"critical\","
  "\"status\": \"resolved\","
  "\"labels\": {\"alertname\": \"potash-price-high\","
    "\"series\": \"fred/PPOTASHUSDM\", \"severity\": \"critical\","
    "\"topic\": \"price\", \"team\": \"fertilizer\"},"
  "\"annotations\": {\"summary\": \"Potash above 400 USD/t\","
    "\"description\": \"398 USD/t, back under 400\","
    "\"runbook\": \"https://wiki.example/potash\"},"
  "\"starts_at\": \"2025-12-10T08:00:00Z\","
  "\"ends_at\": \"2025-12-15T20:55:00Z\","
  "\"value\": 398, \"metric\": null, \"threshold\": 400, \"unit\": \"USD/t\","
  "\"baseline\": null,"
  "\"observations\": [{\"series\": \"fred/PPOTASHUSDM\","
    "\"period\": \"2025-11-01\", \"value\": 398, \"unit\": \"USD/t\","
    "\"known_at\": \"2025-12-10T08:00:00Z\", \"fetched_at\": null,"
    "\"source_url\": null}],"
  "\"event\": null"
"}]"
"}";

static const uint8_t *
key_of(const char *s)
{
	return ((const uint8_t *)s);
}

/* Parses text as a secrets file, failing the test on error. */
static void
secrets(const char *text, struct webhook_secrets *s)
{
	char	err[512] = "";

	if (webhook_secrets_parse(text, "t.secret", s, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

static void
test_sign_vector(void **state)
{
	struct webhook_secrets	s;
	char			sig[WEBHOOK_SIGNATURE_MAX], hdr[256];
	size_t			len = strlen(SW_PAYLOAD);

	(void)state;
	secrets(SW_SECRET "\n", &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.keys[0].len, 24);
	assert_int_equal(webhook_sign(&s, SW_ID, SW_TS, SW_PAYLOAD, len, sig,
	    sizeof(sig)), 0);
	assert_string_equal(sig, SW_SIGNATURE);

	assert_int_equal(webhook_verify(SW_SIGNATURE, s.keys[0].key,
	    s.keys[0].len, SW_ID, SW_TS, SW_PAYLOAD, len), 1);
	assert_int_equal(webhook_verify(SW_WRONG, s.keys[0].key,
	    s.keys[0].len, SW_ID, SW_TS, SW_PAYLOAD, len), 0);
	/* The reference tests' "valid multi sig": v2 entries are ignored. */
	snprintf(hdr, sizeof(hdr), "%s v2,%s %s %s", SW_WRONG, SW_SIGNATURE + 3,
	    SW_SIGNATURE, SW_WRONG);
	assert_int_equal(webhook_verify(hdr, s.keys[0].key, s.keys[0].len,
	    SW_ID, SW_TS, SW_PAYLOAD, len), 1);
	snprintf(hdr, sizeof(hdr), "v2,%s", SW_SIGNATURE + 3);
	assert_int_equal(webhook_verify(hdr, s.keys[0].key, s.keys[0].len,
	    SW_ID, SW_TS, SW_PAYLOAD, len), 0);
	/* A truncated or empty entry never matches. */
	snprintf(hdr, sizeof(hdr), "%.46s", SW_SIGNATURE);
	assert_int_equal(webhook_verify(hdr, s.keys[0].key, s.keys[0].len,
	    SW_ID, SW_TS, SW_PAYLOAD, len), 0);
	assert_int_equal(webhook_verify("", s.keys[0].key, s.keys[0].len,
	    SW_ID, SW_TS, SW_PAYLOAD, len), 0);
	assert_int_equal(webhook_verify(NULL, s.keys[0].key, s.keys[0].len,
	    SW_ID, SW_TS, SW_PAYLOAD, len), 0);

	webhook_secrets_clear(&s);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.keys[0].len, 0);
	assert_int_equal(s.keys[0].key[0], 0);
	webhook_secrets_clear(NULL);
}

static void
test_sign_two(void **state)
{
	/* Expected values from Python: base64(hmac.new(key, msg, sha256)). */
	static const char	*want =
	    "v1,6KwAal+Yr1S9dwY79wtKqRWdmvf/SO4cfvEqPund8pg= "
	    "v1,BrXMG3Yjf28meO2C1R+tkbsbCJQn+S5OAEtORkTcw5g=";
	static const char	*body = "{\"status\":\"firing\"}";
	const char		*id = "9b1f3c7e";
	const int64_t		 ts = INT64_C(1765832400);
	struct webhook_secrets	 s, none;
	char			 sig[WEBHOOK_SIGNATURE_MAX], small[60];
	size_t			 len = strlen(body), k;

	(void)state;
	secrets("# rotated on 2025-12-01\n\n  " SW_SECRET "  \r\n"
	    "\t# the new one\n" SECRET2 "\n", &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.keys[1].len, 32);
	assert_memory_equal(s.keys[1].key, KEY2, 32);
	assert_int_equal(webhook_sign(&s, id, ts, body, len, sig,
	    sizeof(sig)), 0);
	assert_string_equal(sig, want);

	for (k = 0; k < 2; k++) {
		const uint8_t	*key = s.keys[k].key;
		size_t		 kl = s.keys[k].len;

		assert_int_equal(webhook_verify(sig, key, kl, id, ts, body,
		    len), 1);
		assert_int_equal(webhook_verify(sig, key, kl, id, ts,
		    "{\"status\":\"firinG\"}", len), 0);
		assert_int_equal(webhook_verify(sig, key, kl, id, ts, body,
		    len - 1), 0);
		assert_int_equal(webhook_verify(sig, key, kl, id, ts + 1, body,
		    len), 0);
		assert_int_equal(webhook_verify(sig, key, kl, "9b1f3c7f", ts,
		    body, len), 0);
		/* The dots keep id and timestamp apart. */
		assert_int_equal(webhook_verify(sig, key, kl, "9b1f3c7e.1", ts,
		    body, len), 0);
	}
	assert_int_equal(webhook_verify(sig, key_of("another key, 24 b"), 16,
	    id, ts, body, len), 0);

	/* Room for one entry only: refused, nothing half written. */
	assert_int_equal(webhook_sign(&s, id, ts, body, len, small,
	    sizeof(small)), -1);
	assert_string_equal(small, "");
	/* Two entries of 47, a space and the NUL: 96 bytes exactly. */
	assert_int_equal(strlen(want), 95);
	assert_int_equal(webhook_sign(&s, id, ts, body, len, sig, 95), -1);
	assert_int_equal(webhook_sign(&s, id, ts, body, len, sig, 96), 0);
	assert_string_equal(sig, want);
	memset(&none, 0, sizeof(none));
	assert_int_equal(webhook_sign(&none, id, ts, body, len, sig,
	    sizeof(sig)), -1);
	assert_int_equal(webhook_sign(NULL, id, ts, body, len, sig,
	    sizeof(sig)), -1);
	/* An empty body is signed like any other. */
	assert_int_equal(webhook_sign(&s, id, ts, NULL, 0, sig,
	    sizeof(sig)), 0);
	assert_int_equal(webhook_verify(sig, s.keys[1].key, s.keys[1].len, id,
	    ts, "", 0), 1);
	webhook_secrets_clear(&s);
}

static void
test_secrets_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*err;
	} cases[] = {
		{ SECRET2 "\ncG90YXNoZC13ZWJob29rLXRlc3Qta2V5LXR3by0zMmI=\n",
		  "t.secret:2: " EXAMPLE ", got a line without the \"whsec_\" "
		  "prefix" },
		{ "whsec", "t.secret:1: " EXAMPLE ", got a line without the "
		  "\"whsec_\" prefix" },
		{ "# c\n\n  whsec_cG90YXNoZC13ZWJob29r!XRlc3Qta2V5LXR3by0zMmI="
		  "\n",
		  "t.secret:3: " EXAMPLE ", got \"whsec_\" and a character "
		  "that is not base64 at column 29" },
		{ "whsec_cG90YXNoZC13ZWJob29rLXRlc3Qta2V5 LXR3by0zMmI=\n",
		  "t.secret:1: " EXAMPLE ", got \"whsec_\" and a character "
		  "that is not base64 at column 39" },
		{ "whsec_cG90YXNoZC13ZWJob29rLXRlc3Qta2V5LXR3by0zMm=I\n",
		  "t.secret:1: " EXAMPLE ", got \"whsec_\" and a character "
		  "that is not base64 at column 50" },
		{ "whsec_c2l4dGVlbi1ieXRlLWtleQ======\n",
		  "t.secret:1: " EXAMPLE ", got \"whsec_\" and a character "
		  "that is not base64 at column 29" },
		{ "whsec_cG90YXNoZC13ZWJob29rLXRlc3Qta2V5LXR3by0zMmI\n",
		  "t.secret:1: " EXAMPLE ", got \"whsec_\" and 43 base64 "
		  "characters, not a multiple of 4 (is the padding missing?)" },
		{ "\n\nwhsec_c2hvcnQ=\n",
		  "t.secret:3: " EXAMPLE ", got \"whsec_\" and a key of 5 "
		  "bytes; a key is 16 to 64 bytes" },
		{ "whsec_\n", "t.secret:1: " EXAMPLE ", got \"whsec_\" and a "
		  "key of 0 bytes; a key is 16 to 64 bytes" },
		{ "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUm"
		  "JygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=\n",
		  "t.secret:1: " EXAMPLE ", got \"whsec_\" and a key of 65 "
		  "bytes; a key is 16 to 64 bytes" },
		{ SECRET2 "\n" SECRET2 "\n" SECRET2 "\n" SECRET2 "\n"
		  SECRET2 "\n" SECRET2 "\n" SECRET2 "\n" "# ninth:\n"
		  SECRET2 "\n" SECRET2 "\n",
		  "t.secret:10: more than 8 secrets; remove the oldest" },
		{ "", "t.secret: no secret in the file; expected lines such as "
		  "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
		{ "# nothing yet\n \n", "t.secret: no secret in the file; "
		  "expected lines such as "
		  "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
	};
	struct webhook_secrets	s;
	char			err[512];
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&s, 0xa5, sizeof(s));
		err[0] = '\0';
		assert_int_equal(webhook_secrets_parse(cases[i].text,
		    "t.secret", &s, err, sizeof(err)), -1);
		assert_string_equal(err, cases[i].err);
		/* Nothing of the secrets after "whsec_" is ever quoted. */
		assert_null(strstr(err, "cG90YXNo"));
		assert_null(strstr(err, "c2hvcnQ"));
		assert_int_equal(s.n, 0);
		assert_int_equal(s.keys[0].key[0], 0);
	}

	/* Exactly eight, the smallest and the largest keys are fine. */
	secrets(SECRET2 "\n" SECRET2 "\n" SECRET2 "\n" SECRET2 "\n"
	    SECRET2 "\n" SECRET2 "\n" SECRET2 "\n" SECRET2, &s);
	assert_int_equal(s.n, 8);
	secrets("whsec_c2l4dGVlbi1ieXRlLWtleQ==\r\n", &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.keys[0].len, 16);
	assert_memory_equal(s.keys[0].key, "sixteen-byte-key", 16);
	secrets("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUm"
	    "JygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==", &s);
	assert_int_equal(s.keys[0].len, 64);
	assert_int_equal(s.keys[0].key[63], 63);
	webhook_secrets_clear(&s);
}

static void
test_secrets_load(void **state)
{
	struct webhook_secrets	 s;
	char			*dir, *path, *big, *missing, err[512], *want;
	size_t			 i;

	(void)state;
	dir = testproc_tmpdir();
	path = xasprintf("%s/hook.secret", dir);
	missing = xasprintf("%s/missing.secret", dir);

	testproc_write(path, "# potashd webhook secrets\n" SECRET2 "\n");
	assert_int_equal(webhook_secrets_load(path, &s, err, sizeof(err)), 0);
	assert_int_equal(s.n, 1);
	assert_memory_equal(s.keys[0].key, KEY2, 32);
	webhook_secrets_clear(&s);

	testproc_write(path, SECRET2 "\nnot a secret\n");
	assert_int_equal(webhook_secrets_load(path, &s, err, sizeof(err)), -1);
	want = xasprintf("%s:2: " EXAMPLE ", got a line without the "
	    "\"whsec_\" prefix", path);
	assert_string_equal(err, want);
	free(want);
	assert_int_equal(s.n, 0);

	assert_int_equal(webhook_secrets_load(missing, &s, err, sizeof(err)),
	    -1);
	want = xasprintf("%s: No such file or directory", missing);
	assert_string_equal(err, want);
	free(want);

	assert_int_equal(webhook_secrets_load(dir, &s, err, sizeof(err)), -1);
	want = xasprintf("%s: not a regular file", dir);
	assert_string_equal(err, want);
	free(want);

	/* 64 KiB of comments is the most a file may hold. */
	big = xmalloc(WEBHOOK_SECRETS_FILE_MAX + 2);
	memset(big, '#', WEBHOOK_SECRETS_FILE_MAX + 1);
	for (i = 0; i < WEBHOOK_SECRETS_FILE_MAX; i += 64)
		big[i] = '\n';
	memcpy(big, SECRET2 "\n", strlen(SECRET2) + 1);
	big[WEBHOOK_SECRETS_FILE_MAX] = '\0';
	testproc_write(path, big);
	assert_int_equal(webhook_secrets_load(path, &s, err, sizeof(err)), 0);
	assert_int_equal(s.n, 1);
	webhook_secrets_clear(&s);
	big[WEBHOOK_SECRETS_FILE_MAX] = '#';
	big[WEBHOOK_SECRETS_FILE_MAX + 1] = '\0';
	testproc_write(path, big);
	assert_int_equal(webhook_secrets_load(path, &s, err, sizeof(err)), -1);
	want = xasprintf("%s: larger than 65536 bytes; expected a few whsec_ "
	    "lines", path);
	assert_string_equal(err, want);
	free(want);
	free(big);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	free(path);
	free(missing);
	free(dir);
}

static void
test_headers(void **state)
{
	struct webhook_secrets	s;
	struct webhook_headers	h;
	const char		*body = SW_PAYLOAD;

	(void)state;
	secrets(SW_SECRET "\n", &s);
	assert_int_equal(webhook_headers(&h, &s, SW_ID, SW_TS, body,
	    strlen(body)), 0);
	assert_string_equal(h.v[0], "Content-Type: application/json");
	assert_string_equal(h.v[1], "webhook-id: " SW_ID);
	assert_string_equal(h.v[2], "webhook-timestamp: 1614265330");
	assert_string_equal(h.v[3], "webhook-signature: " SW_SIGNATURE);
	assert_null(h.v[4]);

	assert_int_equal(webhook_headers(&h, NULL, SW_ID, SW_TS, body,
	    strlen(body)), 0);
	assert_string_equal(h.v[2], "webhook-timestamp: 1614265330");
	assert_null(h.v[3]);

	/* An id that would break the header block is refused. */
	assert_int_equal(webhook_headers(&h, &s, "a\r\nX-Evil: 1", SW_TS,
	    body, strlen(body)), -1);
	assert_null(h.v[0]);
	assert_int_equal(webhook_headers(&h, &s, "", SW_TS, body,
	    strlen(body)), -1);
	assert_int_equal(webhook_headers(&h, &s, "a b", SW_TS, body,
	    strlen(body)), -1);
	webhook_secrets_clear(&s);
}

static const cJSON *
get(const cJSON *o, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (v == NULL)
		fail_msg("member \"%s\" missing", name);
	return (v);
}

static const char *
str(const cJSON *o, const char *name)
{
	const cJSON	*v = get(o, name);

	if (!cJSON_IsString(v))
		fail_msg("member \"%s\" is not a string", name);
	return (v->valuestring);
}

static double
num(const cJSON *o, const char *name)
{
	const cJSON	*v = get(o, name);

	if (!cJSON_IsNumber(v))
		fail_msg("member \"%s\" is not a number", name);
	return (v->valuedouble);
}

/* The member names of o, comma-separated, in order. */
static void
names(const cJSON *o, char *buf, size_t len)
{
	const cJSON	*m;
	size_t		 off = 0;

	buf[0] = '\0';
	cJSON_ArrayForEach(m, o)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    off > 0 ? "," : "", m->string);
}

static char *
render(const char *text, int format, size_t *len)
{
	cJSON	*doc = cJSON_Parse(text);
	char	*body, err[256] = "";

	assert_non_null(doc);
	body = webhook_body(doc, format, len, err, sizeof(err));
	if (body == NULL)
		fail_msg("%s", err);
	cJSON_Delete(doc);
	assert_int_equal(strlen(body), *len);
	return (body);
}

static void
test_body_alertmanager(void **state)
{
	const cJSON	*alerts, *a, *b, *ev, *e, *o;
	cJSON		*out;
	char		*body, buf[512];
	size_t		 len;

	(void)state;
	body = render(doc_text, WEBHOOK_FORMAT_ALERTMANAGER, &len);
	/* Unformatted, in the documented order. */
	assert_null(strchr(body, '\n'));
	assert_memory_equal(body, "{\"version\":\"4\",\"groupKey\":", 26);
	out = cJSON_ParseWithLength(body, len);
	assert_non_null(out);
	names(out, buf, sizeof(buf));
	assert_string_equal(buf, "version,groupKey,truncatedAlerts,status,"
	    "receiver,groupLabels,commonLabels,commonAnnotations,externalURL,"
	    "alerts,notification_reason,evidence");

	assert_string_equal(str(out, "version"), "4");
	assert_string_equal(str(out, "groupKey"), "{}:{topic=\"price\"}");
	assert_true(num(out, "truncatedAlerts") == 2);
	assert_string_equal(str(out, "status"), "firing");
	assert_string_equal(str(out, "receiver"), "ops");
	names(get(out, "groupLabels"), buf, sizeof(buf));
	assert_string_equal(buf, "topic");
	assert_string_equal(str(get(out, "groupLabels"), "topic"), "price");

	/* alertname and severity differ; the rest is common. */
	o = get(out, "commonLabels");
	names(o, buf, sizeof(buf));
	assert_string_equal(buf, "series,topic,team");
	assert_string_equal(str(o, "series"), "fred/PPOTASHUSDM");
	assert_string_equal(str(o, "team"), "fertilizer");
	o = get(out, "commonAnnotations");
	names(o, buf, sizeof(buf));
	assert_string_equal(buf, "runbook");
	assert_string_equal(str(o, "runbook"), "https://wiki.example/potash");
	assert_string_equal(str(out, "externalURL"),
	    "http://127.0.0.1:9464/");
	assert_string_equal(str(out, "notification_reason"), "new");

	alerts = get(out, "alerts");
	assert_int_equal(cJSON_GetArraySize(alerts), 2);
	a = cJSON_GetArrayItem(alerts, 0);
	names(a, buf, sizeof(buf));
	assert_string_equal(buf, "status,labels,annotations,startsAt,endsAt,"
	    "generatorURL,fingerprint");
	assert_string_equal(str(a, "status"), "firing");
	assert_string_equal(str(get(a, "labels"), "alertname"),
	    "potash-since-us-easing");
	assert_int_equal(cJSON_GetArraySize(get(a, "labels")), 5);
	assert_string_equal(str(get(a, "annotations"), "summary"),
	    "Potash up 17.2% since the US easing");
	assert_string_equal(str(a, "startsAt"), "2025-12-15T20:55:00Z");
	assert_string_equal(str(a, "endsAt"), "0001-01-01T00:00:00Z");
	assert_string_equal(str(a, "generatorURL"),
	    "http://127.0.0.1:9464/alerts/a1b2c3d4e5f60718");
	assert_string_equal(str(a, "fingerprint"), "a1b2c3d4e5f60718");
	b = cJSON_GetArrayItem(alerts, 1);
	assert_string_equal(str(b, "status"), "resolved");
	assert_string_equal(str(get(b, "labels"), "severity"), "critical");
	assert_string_equal(str(b, "startsAt"), "2025-12-10T08:00:00Z");
	assert_string_equal(str(b, "endsAt"), "2025-12-15T20:55:00Z");
	assert_string_equal(str(b, "generatorURL"),
	    "http://127.0.0.1:9464/alerts/0f1e2d3c4b5a6978");

	ev = get(out, "evidence");
	names(ev, buf, sizeof(buf));
	assert_string_equal(buf, "a1b2c3d4e5f60718,0f1e2d3c4b5a6978");
	e = get(ev, "a1b2c3d4e5f60718");
	names(e, buf, sizeof(buf));
	assert_string_equal(buf, "rule,series,unit,value,metric,threshold,"
	    "observations,baseline,event");
	assert_string_equal(str(e, "rule"), "potash-since-us-easing");
	assert_string_equal(str(e, "series"), "fred/PPOTASHUSDM");
	assert_string_equal(str(e, "unit"), "USD/t");
	assert_true(num(e, "value") == 412.5);
	assert_true(num(e, "metric") == 17.2);
	assert_true(num(e, "threshold") == 10);
	o = cJSON_GetArrayItem(get(e, "observations"), 0);
	assert_int_equal(cJSON_GetArraySize(get(e, "observations")), 1);
	assert_string_equal(str(o, "period"), "2025-12-01");
	assert_true(num(o, "value") == 412.5);
	assert_string_equal(str(o, "known_at"), "2025-12-15T20:50:00Z");
	assert_string_equal(str(o, "source_url"),
	    "https://fred.stlouisfed.org/series/PPOTASHUSDM");
	o = get(e, "baseline");
	assert_true(num(o, "value") == 352);
	assert_string_equal(str(o, "to"), "2025-12-13T00:00:00Z");
	assert_true(num(o, "n") == 3);
	o = get(e, "event");
	assert_true(num(o, "id") == 7);
	assert_string_equal(str(o, "jurisdiction"), "US");
	assert_string_equal(str(o, "action"), "ease");
	assert_string_equal(str(o, "instrument"), "OFAC GL 13");
	assert_true(num(o, "direction") == -1);
	assert_string_equal(str(o, "announced_on"), "2025-12-13");
	assert_string_equal(str(o, "effective_on"), "2025-12-15");

	e = get(ev, "0f1e2d3c4b5a6978");
	assert_string_equal(str(e, "rule"), "potash-price-high");
	assert_true(num(e, "value") == 398);
	assert_true(cJSON_IsNull(get(e, "metric")));
	assert_true(num(e, "threshold") == 400);
	assert_true(cJSON_IsNull(get(e, "baseline")));
	assert_true(cJSON_IsNull(get(e, "event")));
	o = cJSON_GetArrayItem(get(e, "observations"), 0);
	assert_true(cJSON_IsNull(get(o, "fetched_at")));
	assert_true(cJSON_IsNull(get(o, "source_url")));
	cJSON_Delete(out);
	free(body);
}

/* A minimal document, and one with every optional member wrong. */
static void
test_body_sparse(void **state)
{
	const cJSON	*a, *e;
	cJSON		*out;
	char		*body, buf[256];
	size_t		 len;

	(void)state;
	body = render("{\"key\":\"k\",\"channel\":\"c\","
	    "\"status\":\"resolved\",\"alerts\":[]}",
	    WEBHOOK_FORMAT_ALERTMANAGER, &len);
	assert_string_equal(body, "{\"version\":\"4\",\"groupKey\":\"\","
	    "\"truncatedAlerts\":0,\"status\":\"resolved\",\"receiver\":\"c\","
	    "\"groupLabels\":{},\"commonLabels\":{},\"commonAnnotations\":{},"
	    "\"externalURL\":\"\",\"alerts\":[],\"notification_reason\":null,"
	    "\"evidence\":{}}");
	free(body);

	body = render("{\"key\":\"k\",\"channel\":\"c\",\"status\":\"firing\","
	    "\"group_key\":5,\"group_labels\":[\"x\"],\"truncated\":\"2\","
	    "\"external_url\":null,\"reason\":7,\"alerts\":[{"
	    "\"fingerprint\":\"ff00\",\"status\":1,\"labels\":{\"a\":\"1\","
	    "\"n\":2},\"annotations\":\"x\",\"starts_at\":null,"
	    "\"value\":\"n/a\",\"unit\":3,\"observations\":{},"
	    "\"baseline\":5,\"event\":\"x\"},{\"labels\":{\"a\":\"1\"}},"
	    "{\"fingerprint\":\"ff00\",\"rule\":\"dup\"}]}",
	    WEBHOOK_FORMAT_ALERTMANAGER, &len);
	out = cJSON_Parse(body);
	assert_non_null(out);
	assert_string_equal(str(out, "groupKey"), "");
	assert_true(num(out, "truncatedAlerts") == 0);
	assert_int_equal(cJSON_GetArraySize(get(out, "groupLabels")), 0);
	assert_string_equal(str(out, "externalURL"), "");
	assert_true(cJSON_IsNull(get(out, "notification_reason")));
	/* The third alert has no labels, so nothing is common. */
	assert_int_equal(cJSON_GetArraySize(get(out, "commonLabels")), 0);
	a = cJSON_GetArrayItem(get(out, "alerts"), 0);
	assert_string_equal(str(a, "status"), "firing");
	assert_int_equal(cJSON_GetArraySize(get(a, "labels")), 1);
	assert_int_equal(cJSON_GetArraySize(get(a, "annotations")), 0);
	assert_string_equal(str(a, "startsAt"), "0001-01-01T00:00:00Z");
	assert_string_equal(str(a, "generatorURL"), "");
	a = cJSON_GetArrayItem(get(out, "alerts"), 1);
	assert_string_equal(str(a, "fingerprint"), "");
	/* One evidence entry: no fingerprint, then a duplicate one. */
	assert_int_equal(cJSON_GetArraySize(get(out, "evidence")), 1);
	e = get(get(out, "evidence"), "ff00");
	assert_true(cJSON_IsNull(get(e, "rule")));
	assert_true(cJSON_IsNull(get(e, "value")));
	assert_true(cJSON_IsNull(get(e, "unit")));
	assert_true(cJSON_IsArray(get(e, "observations")));
	assert_int_equal(cJSON_GetArraySize(get(e, "observations")), 0);
	assert_true(cJSON_IsNull(get(e, "baseline")));
	assert_true(cJSON_IsNull(get(e, "event")));
	cJSON_Delete(out);
	free(body);

	/* A common label must match in every alert, not only the first. */
	body = render("{\"key\":\"k\",\"channel\":\"c\",\"status\":\"firing\","
	    "\"external_url\":\"https://potash.example\",\"alerts\":["
	    "{\"fingerprint\":\"01\",\"labels\":{\"a\":\"1\",\"b\":\"2\","
	    "\"A\":\"x\"}},"
	    "{\"fingerprint\":\"02\",\"labels\":{\"A\":\"x\",\"b\":\"2\","
	    "\"a\":\"1\"}},"
	    "{\"fingerprint\":\"03\",\"labels\":{\"a\":\"1\",\"b\":\"3\","
	    "\"A\":\"x\"}},"
	    "{\"fingerprint\":\"03\",\"labels\":{\"a\":\"1\",\"A\":\"x\"}},"
	    "{\"fingerprint\":\"0A\",\"labels\":{\"a\":\"1\",\"A\":\"x\"}},"
	    "{\"fingerprint\":\"0a\",\"labels\":{\"a\":\"1\",\"A\":\"x\"}}]}",
	    WEBHOOK_FORMAT_ALERTMANAGER, &len);
	out = cJSON_Parse(body);
	assert_non_null(out);
	/* Label names are case-sensitive, as in Alertmanager. */
	names(get(out, "commonLabels"), buf, sizeof(buf));
	assert_string_equal(buf, "a,A");
	assert_string_equal(str(get(out, "commonLabels"), "A"), "x");
	names(get(out, "evidence"), buf, sizeof(buf));
	assert_string_equal(buf, "01,02,03,0A,0a");
	a = cJSON_GetArrayItem(get(out, "alerts"), 2);
	assert_string_equal(str(a, "generatorURL"),
	    "https://potash.example/alerts/03");
	cJSON_Delete(out);
	free(body);
}

/* The notifier's link_sig makes generatorURL a signed link; anything
 * that is not a signature's shape is left out. */
static void
test_body_link_sig(void **state)
{
	cJSON		*out;
	const cJSON	*alerts;
	char		*body;
	size_t		 len;

	(void)state;
	body = render("{\"key\":\"k\",\"channel\":\"c\",\"status\":\"firing\","
	    "\"external_url\":\"https://potash.example/\",\"alerts\":["
	    "{\"fingerprint\":\"0123456789abcdef\",\"link_sig\":"
	    "\"onk1AjRb3yV9llne8pD4uAUPwdLJatc-L521VJCPtr4\"},"
	    "{\"fingerprint\":\"fedcba9876543210\",\"link_sig\":"
	    "\"onk1AjRb3yV9llne8pD4uAUPwdLJatc&L521VJCPtr4\"},"
	    "{\"fingerprint\":\"fedcba9876543211\",\"link_sig\":\"abc\"},"
	    "{\"fingerprint\":\"fedcba9876543212\",\"link_sig\":7},"
	    "{\"fingerprint\":\"fedcba9876543213\"}]}",
	    WEBHOOK_FORMAT_ALERTMANAGER, &len);
	out = cJSON_Parse(body);
	assert_non_null(out);
	alerts = get(out, "alerts");
	assert_string_equal(str(cJSON_GetArrayItem(alerts, 0),
	    "generatorURL"), "https://potash.example/alerts/0123456789abcdef"
	    "?sig=onk1AjRb3yV9llne8pD4uAUPwdLJatc-L521VJCPtr4");
	assert_string_equal(str(cJSON_GetArrayItem(alerts, 1),
	    "generatorURL"), "https://potash.example/alerts/fedcba9876543210");
	assert_string_equal(str(cJSON_GetArrayItem(alerts, 2),
	    "generatorURL"), "https://potash.example/alerts/fedcba9876543211");
	assert_string_equal(str(cJSON_GetArrayItem(alerts, 3),
	    "generatorURL"), "https://potash.example/alerts/fedcba9876543212");
	assert_string_equal(str(cJSON_GetArrayItem(alerts, 4),
	    "generatorURL"), "https://potash.example/alerts/fedcba9876543213");
	cJSON_Delete(out);
	free(body);
}

static void
test_body_json(void **state)
{
	cJSON	*doc, *back;
	char	*body, *want, err[256];
	size_t	 len;

	(void)state;
	doc = cJSON_Parse(doc_text);
	assert_non_null(doc);
	body = webhook_body(doc, WEBHOOK_FORMAT_JSON, &len, err, sizeof(err));
	assert_non_null(body);
	assert_int_equal(strlen(body), len);
	want = cJSON_PrintUnformatted(doc);
	assert_string_equal(body, want);
	back = cJSON_ParseWithLength(body, len);
	assert_non_null(back);
	assert_true(cJSON_Compare(doc, back, 1));
	cJSON_Delete(back);
	free(want);
	free(body);
	cJSON_Delete(doc);
}

static void
test_body_errors(void **state)
{
	static const struct {
		const char	*text;
		int		 format;
		const char	*err;
	} cases[] = {
		{ "{\"key\":\"k\",\"channel\":\"c\",\"status\":\"firing\"}", 0,
		  "notification document: \"alerts\": expected an array" },
		{ "{\"key\":\"k\",\"channel\":\"c\",\"status\":\"firing\","
		  "\"alerts\":{}}", 1,
		  "notification document: \"alerts\": expected an array" },
		{ "{\"key\":\"k\",\"channel\":\"c\",\"status\":\"firing\","
		  "\"alerts\":[{},3]}", 0,
		  "notification document: \"alerts\"[1]: expected an object" },
		{ "{\"channel\":\"c\",\"status\":\"firing\",\"alerts\":[]}", 0,
		  "notification document: \"key\": expected a string" },
		{ "{\"key\":42,\"channel\":\"c\",\"status\":\"firing\","
		  "\"alerts\":[]}", 1,
		  "notification document: \"key\": expected a string" },
		{ "{\"key\":\"k\",\"channel\":null,\"status\":\"firing\","
		  "\"alerts\":[]}", 0,
		  "notification document: \"channel\": expected a string" },
		{ "{\"key\":\"k\",\"channel\":\"c\",\"alerts\":[]}", 0,
		  "notification document: \"status\": expected \"firing\" or "
		  "\"resolved\"" },
		{ "{\"key\":\"k\",\"channel\":\"c\",\"status\":\"pending\","
		  "\"alerts\":[]}", 0,
		  "notification document: \"status\": expected \"firing\" or "
		  "\"resolved\"" },
		{ "[1]", 0, "notification document: expected an object" },
		{ "{\"key\":\"k\",\"channel\":\"c\",\"status\":\"firing\","
		  "\"alerts\":[]}", 7, "unknown webhook format 7" },
	};
	cJSON	*doc;
	char	 err[256];
	size_t	 i, len = 12345;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		doc = cJSON_Parse(cases[i].text);
		assert_non_null(doc);
		err[0] = '\0';
		assert_null(webhook_body(doc, cases[i].format, &len, err,
		    sizeof(err)));
		assert_string_equal(err, cases[i].err);
		cJSON_Delete(doc);
	}
	assert_null(webhook_body(NULL, 0, &len, err, sizeof(err)));
	assert_string_equal(err, "notification document: expected an object");
	assert_int_equal(len, 12345);
}

static void
test_classify(void **state)
{
	static const struct {
		int			ok;
		long			status;
		enum webhook_verdict	want;
	} cases[] = {
		{ 0, 0, WEBHOOK_RETRY },	/* refused, timed out */
		{ 0, 200, WEBHOOK_RETRY },	/* cut off after the status */
		{ 1, 200, WEBHOOK_SENT },
		{ 1, 201, WEBHOOK_SENT },
		{ 1, 202, WEBHOOK_SENT },
		{ 1, 204, WEBHOOK_SENT },
		{ 1, 299, WEBHOOK_SENT },
		{ 1, 100, WEBHOOK_PERMANENT },
		{ 1, 199, WEBHOOK_PERMANENT },
		{ 1, 301, WEBHOOK_PERMANENT },
		{ 1, 302, WEBHOOK_PERMANENT },
		{ 1, 307, WEBHOOK_PERMANENT },
		{ 1, 400, WEBHOOK_PERMANENT },
		{ 1, 401, WEBHOOK_PERMANENT },
		{ 1, 403, WEBHOOK_PERMANENT },
		{ 1, 404, WEBHOOK_PERMANENT },
		{ 1, 405, WEBHOOK_PERMANENT },
		{ 1, 408, WEBHOOK_RETRY },
		{ 1, 409, WEBHOOK_PERMANENT },
		{ 1, 410, WEBHOOK_DISABLE },
		{ 1, 413, WEBHOOK_PERMANENT },
		{ 1, 422, WEBHOOK_PERMANENT },
		{ 1, 425, WEBHOOK_RETRY },
		{ 1, 429, WEBHOOK_RETRY },
		{ 1, 451, WEBHOOK_PERMANENT },
		{ 1, 500, WEBHOOK_RETRY },
		{ 1, 502, WEBHOOK_RETRY },
		{ 1, 503, WEBHOOK_RETRY },
		{ 1, 504, WEBHOOK_RETRY },
		{ 1, 599, WEBHOOK_RETRY },
		{ 1, 600, WEBHOOK_PERMANENT },
		{ 1, 0, WEBHOOK_PERMANENT },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (webhook_classify(cases[i].ok, cases[i].status) !=
		    cases[i].want)
			fail_msg("ok %d status %ld: got %d, want %d",
			    cases[i].ok, cases[i].status,
			    (int)webhook_classify(cases[i].ok,
			    cases[i].status), (int)cases[i].want);
	}
}

static void
test_backoff(void **state)
{
	static const struct {
		unsigned	attempt;
		uint64_t	base, max;
		int64_t		retry_after;
		uint32_t	random;
		uint64_t	want;
	} cases[] = {
		/* Full jitter: [0, base * 2^(attempt-1)). */
		{ 1, 1 * USEC, 60 * USEC, -1, 0, 0 },
		{ 1, 1 * USEC, 60 * USEC, -1, UINT32_C(0x80000000), 500000 },
		{ 1, 1 * USEC, 60 * USEC, -1, UINT32_MAX, 999999 },
		{ 0, 1 * USEC, 60 * USEC, -1, UINT32_MAX, 999999 },
		{ 2, 1 * USEC, 60 * USEC, -1, UINT32_C(0x80000000), 1 * USEC },
		{ 3, 1 * USEC, 60 * USEC, -1, UINT32_C(0x40000000), 1 * USEC },
		{ 6, 1 * USEC, 60 * USEC, -1, UINT32_C(0x80000000), 16 * USEC },
		/* 2^6 s is past the cap: the ceiling is max. */
		{ 7, 1 * USEC, 60 * USEC, -1, UINT32_C(0x80000000), 30 * USEC },
		{ 7, 1 * USEC, 60 * USEC, -1, UINT32_MAX, 59999999 },
		{ 64, 1 * USEC, 60 * USEC, -1, UINT32_C(0x80000000),
		  30 * USEC },
		{ 65, 1 * USEC, 60 * USEC, -1, UINT32_C(0x80000000),
		  30 * USEC },
		{ UINT32_MAX, 1 * USEC, 60 * USEC, -1, UINT32_C(0x80000000),
		  30 * USEC },
		{ 3, UINT64_MAX / 2, UINT64_MAX, -1, UINT32_C(0x80000000),
		  UINT64_MAX / 2 },
		{ 1, 90 * USEC, 60 * USEC, -1, UINT32_C(0x80000000),
		  30 * USEC },
		{ 1, 0, 60 * USEC, -1, UINT32_MAX, 0 },
		/* Retry-After wins when larger, capped at max. */
		{ 1, 1 * USEC, 60 * USEC, 5, UINT32_MAX, 5 * USEC },
		{ 1, 1 * USEC, 60 * USEC, 0, UINT32_MAX, 999999 },
		{ 7, 1 * USEC, 60 * USEC, 20, UINT32_MAX, 59999999 },
		{ 7, 1 * USEC, 60 * USEC, 120, 0, 60 * USEC },
		{ 1, 1 * USEC, 60 * USEC, INT64_MAX, 0, 60 * USEC },
		{ 1, 1 * USEC, 0, 30, UINT32_MAX, 0 },
	};
	uint64_t	got, ceiling;
	uint32_t	r = 12345;
	unsigned	attempt;
	size_t		i;
	int		k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = webhook_backoff(cases[i].attempt, cases[i].base,
		    cases[i].max, cases[i].retry_after, cases[i].random);
		if (got != cases[i].want)
			fail_msg("case %zu: got %" PRIu64 ", want %" PRIu64, i,
			    got, cases[i].want);
	}

	/* Bounds over many draws; and the spread really is jittered. */
	for (attempt = 1; attempt <= 10; attempt++) {
		uint64_t	lo = UINT64_MAX, hi = 0;

		ceiling = (UINT64_C(1) << (attempt - 1)) * 250000;
		if (ceiling > 30 * USEC)
			ceiling = 30 * USEC;
		for (k = 0; k < 1000; k++) {
			r = r * 1664525 + 1013904223;
			got = webhook_backoff(attempt, 250000, 30 * USEC, -1,
			    r);
			assert_true(got < ceiling);
			lo = got < lo ? got : lo;
			hi = got > hi ? got : hi;
		}
		assert_true(lo < ceiling / 10);
		assert_true(hi > ceiling / 10 * 9);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sign_vector),
		cmocka_unit_test(test_sign_two),
		cmocka_unit_test(test_secrets_errors),
		cmocka_unit_test(test_secrets_load),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_body_alertmanager),
		cmocka_unit_test(test_body_sparse),
		cmocka_unit_test(test_body_link_sig),
		cmocka_unit_test(test_body_json),
		cmocka_unit_test(test_body_errors),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_backoff),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
