/* SPDX-License-Identifier: ISC */
/*
 * Integration test of webhook notifications: potashd polls the loopback
 * fake HTTP server, stores into the real PostgreSQL, fires a rule and
 * delivers its notifications to the same fake server's receiver paths.
 *
 * - Delivery: retries on 500, on 429 (Retry-After honoured) and on a
 *   dropped connection, then 204; every attempt carries the same
 *   webhook-id and the same body bytes, signed for both configured
 *   secrets (checked by tests/tools/webhook-verify.py, an independent
 *   implementation); the body is an Alertmanager v4 payload with the
 *   evidence and the alert's link signed for the dashboard's token; every
 *   attempt is in potash.notification_attempts.
 * - The resolution is notified; 410 disables the channel and the other
 *   channel is told, with a dead-letter report too.
 * - Durability: kill -9 between the transition's commit and the send, and
 *   again mid-retry; after a restart everything due arrives, duplicates
 *   only with the same webhook-id.  A long outage (compressed by config):
 *   both notifications of one group arrive after it, in order.  An alert
 *   raised while PostgreSQL is down is notified once it is back.
 */
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <event2/event.h>

#include "fakes/httpd.h"
#include "testdaemon.h"
#include "testpg.h"
#include "testproc.h"
#include "util/linksig.h"
#include "util/xmalloc.h"

#define SECRET1	"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SECRET2	"whsec_cG90YXNoZC10ZXN0LXNlY29uZC1zZWNyZXQ="
/* The dashboard wants a token: the links to alert pages are signed. */
#define HTTP_TOKEN	"potashd-test-http-token-0123"
#define EXTERNAL_URL	"https://potash.example/desk/"

struct fx {
	struct testd	d;
	char		day[6][16];	/* day[k]: today - k days */
};

/* Requests received on path. */
static size_t
received(struct fx *f, const char *path)
{
	size_t	i, n = 0;

	for (i = 0; i < fake_httpd_count(f->d.http); i++) {
		if (strcmp(fake_httpd_request(f->d.http, i)->uri, path) == 0)
			n++;
	}
	return (n);
}

/* The k-th request on path (0-based). */
static const struct fake_httpd_request *
nth(struct fx *f, const char *path, size_t k)
{
	const struct fake_httpd_request	*r;
	size_t				 i;

	for (i = 0; i < fake_httpd_count(f->d.http); i++) {
		r = fake_httpd_request(f->d.http, i);
		if (r != NULL && strcmp(r->uri, path) == 0 && k-- == 0)
			return (r);
	}
	fail_msg("no request %zu on %s", k, path);
	abort();	/* fail_msg does not return */
}

static void
wait_received(struct fx *f, const char *path, size_t want, int ms)
{
	int	waited;

	for (waited = 0; waited < ms; waited += 50) {
		if (received(f, path) >= want)
			return;
		testd_serve(&f->d, 50);
	}
	fail_msg("timed out waiting for %zu requests on %s (got %zu)", want,
	    path, received(f, path));
}

static void
route(struct fx *f, const char *path, int status, const char *header,
    int drop)
{
	struct fake_httpd_route	 r;
	const char		*headers[2] = { header, NULL };

	memset(&r, 0, sizeof(r));
	r.path = path;
	r.status = status;
	r.headers = header != NULL ? headers : NULL;
	r.body = drop ? "partial" : "ok";
	r.truncate = drop ? 100 : 0;
	fake_httpd_route(f->d.http, &r);
}

/* Serves the price feed: values for today - 5 .. today - 5 + n - 1. */
static void
serve_prices(struct fx *f, const char *const *values, size_t n)
{
	const char	*dates[6];
	size_t		 i;

	for (i = 0; i < n; i++)
		dates[i] = f->day[5 - i];
	testd_prices(&f->d, "/prices", dates, values, n);
}

/* Checks the signature of r with webhook-verify.py under secret. */
static int
verify(struct fx *f, const struct fake_httpd_request *r, const char *secret)
{
	char	*path, *cmd, *cmd2, *q;
	int	 rc;

	path = xasprintf("%s/body", f->d.dir);
	{
		FILE	*fp = fopen(path, "wb");

		assert_non_null(fp);
		assert_int_equal(fwrite(r->body, 1, r->body_len, fp),
		    r->body_len);
		fclose(fp);
	}
	/* Header values are ASCII without quotes (base64, digits, hex). */
	q = xasprintf("%s", fake_httpd_header(r, "webhook-signature"));
	assert_null(strchr(q, '\''));
	cmd = xasprintf("/usr/bin/python3 '%s/tests/tools/webhook-verify.py' "
	    "'%s' '%s' '%s' '%s' '%s'", getenv("POTASH_SOURCE_ROOT"), secret,
	    fake_httpd_header(r, "webhook-id"),
	    fake_httpd_header(r, "webhook-timestamp"), path, q);
	/* Quiet: the test also expects it to refuse a wrong secret. */
	cmd2 = xasprintf("%s 2>/dev/null", cmd);
	rc = system(cmd2);
	free(cmd2);
	free(cmd);
	free(q);
	free(path);
	return (rc);
}

static void
fixture(struct fx *f, const char *db, const char *extra)
{
	char		*text, *secrets, *token;
	int		 k;

	memset(f, 0, sizeof(*f));
	for (k = 0; k < 6; k++)
		testd_day(k, f->day[k]);
	testd_init(&f->d);
	secrets = xasprintf("%s/hook.secrets", f->d.dir);
	testproc_write(secrets, "# two secrets while rotating\n" SECRET1 "\n"
	    "\n" SECRET2 "\n");
	token = xasprintf("%s/http.token", f->d.dir);
	testproc_write(token, HTTP_TOKEN "\n");
	text = xasprintf("state_directory = \"%s\"\n"
	    "database {\n  conninfo = \"dbname=%s\"\n  batch_delay = 10ms\n}\n"
	    "http {\n  listen = \"\"\n  external_url = \"" EXTERNAL_URL "\"\n"
	    "  token_file = \"%s\"\n}\n"
	    "log { level = debug }\n"
	    "feed \"prices\" {\n  kind = \"json\"\n"
	    "  url = \"%s/prices\"\n  interval = 1s\n  jitter = 0s\n"
	    "  rows = \"data\"\n  period_field = \"date\"\n"
	    "  values = {\"price=>test/potash:USD/t\"}\n}\n"
	    "channel \"hook\" {\n  type = webhook\n  url = \"%s/hook\"\n"
	    "  secret_file = \"%s\"\n"
	    "  headers = {\"X-Team: desk\"}\n"
	    "  group_by = {\"alertname\"}\n"
	    "%s"
	    "  retry_initial = 100ms\n  retry_max = 300ms\n"
	    "  max_attempts = 50\n  timeout = 2s\n}\n"
	    "channel \"other\" {\n  type = webhook\n  url = \"%s/other\"\n"
	    "  group_wait = 0s\n  group_interval = 0s\n"
	    "  retry_initial = 100ms\n  retry_max = 300ms\n}\n"
	    "rule \"high\" {\n  kind = threshold\n"
	    "  series = \"test/*\"\n  above = 400\n  clear = 380\n"
	    "  severity = critical\n"
	    "  labels { team = \"desk\" }\n"
	    "  annotations { summary = \"potash {{value}} above "
	    "{{threshold}}\" }\n"
	    "  notify = {\"hook\"}\n}\n",
	    f->d.dir, db, token, fake_httpd_url(f->d.http),
	    fake_httpd_url(f->d.http), secrets, extra,
	    fake_httpd_url(f->d.http));
	testproc_write(f->d.conf, text);
	free(text);
	free(secrets);
	free(token);
}

static const char *
str(const cJSON *o, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (!cJSON_IsString(v))
		fail_msg("member \"%s\" is not a string", name);
	return (v->valuestring);
}

/* The Alertmanager v4 payload of a firing "high" notification. */
static void
check_payload(const struct fake_httpd_request *r, const char *status,
    const char *reason)
{
	cJSON		*j, *alerts, *a, *labels, *ev, *obs;
	const char	*fp;
	uint8_t		 key[LINKSIG_KEY_LEN];
	char		 sig[LINKSIG_LEN], *path, *want;

	assert_non_null(j = cJSON_ParseWithLength(r->body, r->body_len));
	assert_string_equal(str(j, "version"), "4");
	assert_string_equal(str(j, "status"), status);
	assert_string_equal(str(j, "receiver"), "hook");
	assert_string_equal(str(j, "groupKey"), "{}:{alertname=\"high\"}");
	assert_string_equal(str(j, "notification_reason"), reason);
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(j, "truncatedAlerts")));
	assert_string_equal(str(cJSON_GetObjectItem(j, "groupLabels"),
	    "alertname"), "high");
	assert_string_equal(str(cJSON_GetObjectItem(j, "commonLabels"),
	    "team"), "desk");
	alerts = cJSON_GetObjectItem(j, "alerts");
	assert_int_equal(cJSON_GetArraySize(alerts), 1);
	a = cJSON_GetArrayItem(alerts, 0);
	assert_string_equal(str(a, "status"), status);
	labels = cJSON_GetObjectItem(a, "labels");
	assert_string_equal(str(labels, "alertname"), "high");
	assert_string_equal(str(labels, "series"), "test/potash");
	assert_string_equal(str(labels, "severity"), "critical");
	assert_string_equal(str(labels, "team"), "desk");
	assert_non_null(strstr(str(cJSON_GetObjectItem(a, "annotations"),
	    "summary"), strcmp(status, "firing") == 0 ? "above 400" :
	    "above 380"));
	fp = str(a, "fingerprint");
	assert_int_equal(strlen(fp), 16);
	assert_non_null(strchr(str(a, "startsAt"), 'T'));
	if (strcmp(status, "firing") == 0)
		assert_string_equal(str(a, "endsAt"), "0001-01-01T00:00:00Z");
	else
		assert_string_not_equal(str(a, "endsAt"),
		    "0001-01-01T00:00:00Z");
	/* The alert page's link, signed with the key of the token. */
	assert_string_equal(str(j, "externalURL"), EXTERNAL_URL);
	path = xasprintf("/alerts/%s", fp);
	assert_int_equal(linksig_key(HTTP_TOKEN, key), 0);
	assert_int_equal(linksig_sign(key, path, sig), 0);
	want = xasprintf(EXTERNAL_URL "alerts/%s?sig=%s", fp, sig);
	assert_string_equal(str(a, "generatorURL"), want);
	assert_int_equal(linksig_verify(key, path, strstr(str(a,
	    "generatorURL"), "?sig=") + 5), 1);
	free(want);
	free(path);
	ev = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "evidence"), fp);
	assert_non_null(ev);
	obs = cJSON_GetObjectItem(ev, "observations");
	assert_true(cJSON_GetArraySize(obs) >= 1);
	assert_string_equal(str(cJSON_GetArrayItem(obs,
	    cJSON_GetArraySize(obs) - 1), "unit"), "USD/t");
	cJSON_Delete(j);
}

static void
test_webhook(void **state)
{
	const char	*db = "t_notify_webhook";
	const char	*v1[] = { "350", "410" };
	const char	*v2[] = { "350", "410", "370" };
	const char	*v3[] = { "350", "410", "370", "420" };
	const struct fake_httpd_request	*r, *first;
	struct fx	 f;
	PGconn		*conn;
	char		*v, *id;
	size_t		 i, n;

	(void)state;
	conn = testpg_fresh(db);
	fixture(&f, db, "  group_wait = 0s\n  group_interval = 1s\n");
	route(&f, "/hook", 500, NULL, 0);
	{
		/* A receiver that answers 200 with a long body: sent (the
		 * notifier keeps the head of the answer only). */
		struct fake_httpd_route	big;

		memset(&big, 0, sizeof(big));
		big.path = "/other";
		big.oversize = 1024 * 1024;
		fake_httpd_route(f.d.http, &big);
	}
	serve_prices(&f, v1, 2);
	testd_start(&f.d);

	/* 500 twice, then 429 with Retry-After: 1, then a dropped
	 * connection, then 204. */
	wait_received(&f, "/hook", 2, 20000);
	route(&f, "/hook", 429, "Retry-After: 1", 0);
	n = received(&f, "/hook");
	wait_received(&f, "/hook", n + 1, 5000);
	route(&f, "/hook", 200, NULL, 1);
	wait_received(&f, "/hook", n + 2, 5000);
	route(&f, "/hook", 204, NULL, 0);
	testd_wait_count(&f.d, conn, "SELECT count(*) FROM potash.notifications "
	    "WHERE channel = 'hook' AND status = 'sent'", 1, 10000);

	/* One notification; every attempt the same id and bytes, signed
	 * for both secrets. */
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.notifications WHERE channel = 'hook'"), 1);
	n = received(&f, "/hook");
	first = nth(&f, "/hook", 0);
	assert_int_equal(strlen(fake_httpd_header(first, "webhook-id")), 64);
	for (i = 0; i < n; i++) {
		r = nth(&f, "/hook", i);
		assert_string_equal(r->method, "POST");
		assert_string_equal(fake_httpd_header(r, "webhook-id"),
		    fake_httpd_header(first, "webhook-id"));
		assert_int_equal(r->body_len, first->body_len);
		assert_memory_equal(r->body, first->body, r->body_len);
		assert_string_equal(fake_httpd_header(r, "Content-Type"),
		    "application/json");
		assert_string_equal(fake_httpd_header(r, "X-Team"), "desk");
		assert_int_equal(verify(&f, r, SECRET1), 0);
		assert_int_equal(verify(&f, r, SECRET2), 0);
		assert_int_not_equal(verify(&f, r,
		    "whsec_c29tZS1vdGhlci1zZWNyZXQtbm90LXVzZWQtaGVyZQ=="), 0);
	}
	check_payload(first, "firing", "new");

	/* Every attempt recorded, in order, with its outcome. */
	v = testd_value(conn, "SELECT string_agg(a.outcome || ':' || "
	    "COALESCE(a.status_code::text, 'none'), ' ' ORDER BY a.attempt) "
	    "FROM potash.notification_attempts a JOIN potash.notifications n "
	    "ON n.id = a.notification_id WHERE n.channel = 'hook'");
	assert_non_null(strstr(v, "retry:500 retry:500"));
	assert_non_null(strstr(v, "retry:429 retry:"));
	assert_non_null(strstr(v, " sent:204"));
	free(v);
	/* Retry-After: the attempt after the 429 came a second later. */
	v = testd_value(conn, "SELECT (b.started_at - a.started_at >= "
	    "interval '1 second')::text FROM potash.notification_attempts a "
	    "JOIN potash.notification_attempts b ON b.notification_id = "
	    "a.notification_id AND b.attempt = a.attempt + 1 "
	    "WHERE a.status_code = 429");
	assert_string_equal(v, "true");
	free(v);
	v = testd_value(conn, "SELECT error FROM potash.notification_attempts "
	    "WHERE outcome = 'retry' AND status_code IS DISTINCT FROM 500 "
	    "AND status_code IS DISTINCT FROM 429 ORDER BY id LIMIT 1");
	assert_true(strlen(v) > 0);
	free(v);

	/* The resolution: a new notification, a new id.  (Requests are
	 * re-read after serving: the server's array may have moved.) */
	id = xstrdup(fake_httpd_header(first, "webhook-id"));
	n = received(&f, "/hook");
	serve_prices(&f, v2, 3);
	wait_received(&f, "/hook", n + 1, 20000);
	r = nth(&f, "/hook", n);
	check_payload(r, "resolved", "resolved");
	assert_string_not_equal(fake_httpd_header(r, "webhook-id"), id);
	free(id);

	/* 410 Gone: dead, the channel disabled, the other channel told. */
	testd_wait_count(&f.d, conn, "SELECT count(*) FROM potash.notifications "
	    "WHERE channel = 'hook' AND status = 'sent'", 2, 10000);
	route(&f, "/hook", 410, NULL, 0);
	serve_prices(&f, v3, 4);
	testd_wait_count(&f.d, conn, "SELECT count(*) FROM potash.channels WHERE "
	    "name = 'hook' AND disabled_at IS NOT NULL", 1, 20000);
	wait_received(&f, "/other", 2, 10000);
	/* Its answers are 1 MiB long: the requests arrive before the
	 * outcomes are stored. */
	testd_wait_count(&f.d, conn, "SELECT count(*) FROM potash.notifications "
	    "WHERE channel = 'other' AND status = 'sent'", 2, 10000);
	v = testd_value(conn, "SELECT string_agg(reason || ':' || status, ' ' "
	    "ORDER BY reason) FROM potash.notifications WHERE channel = "
	    "'other'");
	assert_string_equal(v, "channel_disabled:sent notification_dead:sent");
	free(v);
	v = testd_value(conn, "SELECT status || ' ' || attempts || ' ' || "
	    "last_error FROM potash.notifications WHERE channel = 'hook' "
	    "ORDER BY id DESC LIMIT 1");
	assert_string_equal(v, "dead 1 status 410");
	free(v);
	r = nth(&f, "/other", 0);
	assert_non_null(strstr(r->body, "hook"));
	testd_stop(&f.d, SIGTERM);

	testd_free(&f.d);
	testpg_drop(conn, db);
}

static void
test_durability(void **state)
{
	const char	*db = "t_notify_durable";
	const char	*v1[] = { "350", "410" };
	const char	*v2[] = { "350", "410", "370" };
	const char	*v3[] = { "350", "410", "370", "420" };
	const char	*v4[] = { "350", "410", "370", "420", "360" };
	const char	*v5[] = { "350", "410", "370", "420", "360", "430" };
	const struct fake_httpd_request	*r;
	struct fx	 f;
	PGconn		*conn;
	char		*v, *id;
	size_t		 i, n;

	(void)state;
	conn = testpg_fresh(db);
	fixture(&f, db, "  group_wait = 2s\n  group_interval = 0s\n");
	route(&f, "/hook", 204, NULL, 0);
	route(&f, "/other", 204, NULL, 0);
	serve_prices(&f, v1, 2);
	testd_start(&f.d);

	/* kill -9 after the transition committed, before the send. */
	testd_wait_count(&f.d, conn, "SELECT count(*) FROM potash.notifications "
	    "WHERE status = 'pending'", 1, 20000);
	assert_int_equal(received(&f, "/hook"), 0);
	testd_stop(&f.d, SIGKILL);
	testd_start(&f.d);
	testd_wait_count(&f.d, conn, "SELECT count(*) FROM potash.notifications "
	    "WHERE status = 'sent'", 1, 20000);
	assert_int_equal(received(&f, "/hook"), 1);
	check_payload(nth(&f, "/hook", 0), "firing", "new");

	/* kill -9 mid-retry: same id after the restart. */
	route(&f, "/hook", 500, NULL, 0);
	serve_prices(&f, v2, 3);
	wait_received(&f, "/hook", 3, 20000);
	testd_stop(&f.d, SIGKILL);
	route(&f, "/hook", 204, NULL, 0);
	n = received(&f, "/hook");
	testd_start(&f.d);
	testd_wait_count(&f.d, conn, "SELECT count(*) FROM potash.notifications "
	    "WHERE status = 'sent'", 2, 20000);
	assert_true(received(&f, "/hook") > n);
	id = xstrdup(fake_httpd_header(nth(&f, "/hook", 1), "webhook-id"));
	for (i = 1; i < received(&f, "/hook"); i++)
		assert_string_equal(fake_httpd_header(nth(&f, "/hook", i),
		    "webhook-id"), id);
	check_payload(nth(&f, "/hook", received(&f, "/hook") - 1),
	    "resolved", "resolved");
	free(id);

	/* A long outage (many attempts, compressed by retry_max): the
	 * next firing and its resolution queue behind each other and
	 * both arrive after it, in order. */
	route(&f, "/hook", 503, NULL, 0);
	n = received(&f, "/hook");
	serve_prices(&f, v3, 4);
	wait_received(&f, "/hook", n + 4, 20000);
	serve_prices(&f, v4, 5);
	testd_wait_count(&f.d, conn, "SELECT count(*) FROM potash.notifications "
	    "WHERE channel = 'hook' AND status <> 'sent'", 2, 20000);
	wait_received(&f, "/hook", n + 10, 20000);
	/* Only the older one is attempted while it fails. */
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.notifications WHERE channel = 'hook' AND status <> "
	    "'sent' AND attempts = 0"), 1);
	route(&f, "/hook", 204, NULL, 0);
	testd_wait_count(&f.d, conn, "SELECT count(*) FROM potash.notifications "
	    "WHERE status = 'sent' AND channel = 'hook'", 4, 20000);
	n = received(&f, "/hook");
	check_payload(nth(&f, "/hook", n - 2), "firing", "new");
	check_payload(nth(&f, "/hook", n - 1), "resolved", "resolved");
	v = testd_value(conn, "SELECT string_agg(status, ' ' ORDER BY id) FROM "
	    "potash.notifications WHERE channel = 'hook'");
	assert_string_equal(v, "sent sent sent sent");
	free(v);

	/* Raised while PostgreSQL is down: the data waits in the spool,
	 * and once it is stored the alert fires and is notified. */
	n = received(&f, "/hook");
	testpg_cluster("stop");
	serve_prices(&f, v5, 6);
	testd_serve(&f.d, 3000);
	assert_int_equal(received(&f, "/hook"), n);
	testpg_cluster("start");
	PQreset(conn);
	assert_int_equal(PQstatus(conn), CONNECTION_OK);
	testd_wait_count(&f.d, conn, "SELECT count(*) FROM "
	    "potash.notifications WHERE status = 'sent' AND channel = 'hook'",
	    5, 60000);
	r = nth(&f, "/hook", received(&f, "/hook") - 1);
	check_payload(r, "firing", "new");
	assert_non_null(strstr(r->body, "\"value\":430"));
	testd_stop(&f.d, SIGTERM);

	testd_free(&f.d);
	testpg_drop(conn, db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_webhook, testd_teardown),
		cmocka_unit_test_teardown(test_durability, testd_teardown),
	};
	int	rc;

	if ((rc = testd_pg_missing()) != 0)
		return (rc);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
