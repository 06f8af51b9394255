/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of potashd's HTTP server (web/), over loopback with
 * libcurl's easy API (blocking is fine here: the test is not the
 * daemon).  potashd polls a price feed on the loopback fake server into
 * the throwaway PostgreSQL and fires a threshold rule, then:
 *
 * - /healthz, /readyz, HEAD, 404, 405 on POST and PUT, 400 with a JSON
 *   body naming the parameter (bad from, limit, cursor, unknown name),
 *   and the security headers on every answer;
 * - /metrics passes `promtool check metrics` (skipped with a message if
 *   promtool is not installed) and shows the feed, the writer and the
 *   alert counted in SQL;
 * - /api/series, /api/series/{key}/observations (key with '/' as is and
 *   as %2F), /api/events and /api/alerts equal the database, page by
 *   page, with values as the stored decimal text; the dashboard and a
 *   chart are served as HTML and SVG;
 * - /alerts/{fingerprint} (the notifications' link, and each row of the
 *   dashboard's alert table) shows the firing alert with its summary,
 *   threshold, evidence, transitions and rule as stored; 404 page for an
 *   unknown fingerprint, 400 page for a malformed or hostile one;
 * - /readyz turns 503 while PostgreSQL is stopped (API 503, /metrics
 *   still served) and 200 again once it is back;
 * - with http.token_file, 401 without or with a wrong token, 200 with
 *   it (/healthz needs none); a listen address off loopback without a
 *   token is a config error with FILE:LINE.  An alert's page also opens
 *   with its link signature (?sig=, GET and HEAD), not with a wrong,
 *   truncated or another alert's one, and a signature opens no other
 *   path.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "fakes/httpd.h"
#include "testdaemon.h"
#include "testpg.h"
#include "testproc.h"
#include "util/linksig.h"
#include "util/xmalloc.h"

#define TOKEN		"s3cr3t-t0ken-for-the-web-test-0123"
#define CSP_DATA	"default-src 'none'"
#define CSP_PAGE	"default-src 'none'; style-src 'unsafe-inline'; " \
			"img-src 'self' data:"

struct fx {
	struct testd	 d;
	PGconn		*conn;
	const char	*db;
	int		 port;
	int		 cluster_stopped;
};

struct resp {
	long	 status;
	char	*body;
	size_t	 len;
	char	*headers;
	size_t	 hlen;
};

struct sink {
	char	*buf;
	size_t	 len;
};

/* The fixture of the running test (global: a failed assertion leaves
 * the test's frame, and teardown still needs it). */
static struct fx	 fixture;
static struct fx	*current;

static size_t
collect_cb(char *data, size_t size, size_t n, void *arg)
{
	struct sink	*k = arg;

	k->buf = xreallocarray(k->buf, k->len + size * n + 1, 1);
	memcpy(k->buf + k->len, data, size * n);
	k->len += size * n;
	k->buf[k->len] = '\0';
	return (size * n);
}

static void
resp_free(struct resp *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof(*r));
}

/* method "GET", "HEAD", "POST", ...; auth: a whole header or NULL. */
static struct resp
fetch_as(struct fx *f, const char *method, const char *path, const char *auth)
{
	struct resp		 r;
	struct curl_slist	*h = NULL;
	CURL			*c;
	char			*url;
	struct sink		 body = { NULL, 0 }, hdr = { NULL, 0 };
	CURLcode		 rc;

	memset(&r, 0, sizeof(r));
	url = xasprintf("http://127.0.0.1:%d%s", f->port, path);
	assert_non_null(c = curl_easy_init());
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &hdr);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "POST") == 0)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "x=1");
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (auth != NULL) {
		h = curl_slist_append(h, auth);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	}
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	free(url);
	r.body = body.buf != NULL ? body.buf : xstrdup("");
	r.len = body.len;
	r.headers = hdr.buf != NULL ? hdr.buf : xstrdup("");
	r.hlen = hdr.len;
	return (r);
}

/* Whether GET /healthz on port answers 200 (0 if nothing listens). */
static int
healthy(int port)
{
	CURL	*c;
	char	*url;
	long	 status = 0;
	int	 ok;

	url = xasprintf("http://127.0.0.1:%d/healthz", port);
	assert_non_null(c = curl_easy_init());
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	ok = curl_easy_perform(c) == CURLE_OK &&
	    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
	    status == 200;
	curl_easy_cleanup(c);
	free(url);
	return (ok);
}

static struct resp
fetch(struct fx *f, const char *path)
{
	return (fetch_as(f, "GET", path, NULL));
}

/* The value of header name (case-insensitive), malloc'd, or NULL. */
static char *
header(const struct resp *r, const char *name)
{
	const char	*p = r->headers, *eol;
	size_t		 n = strlen(name);

	for (; *p != '\0'; p = *eol != '\0' ? eol + 1 : eol) {
		eol = p + strcspn(p, "\n");
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			return (xstrndup(p, strcspn(p, "\r\n")));
		}
	}
	return (NULL);
}

static void
expect_header(const struct resp *r, const char *name, const char *want)
{
	char	*v = header(r, name);

	if (v == NULL)
		fail_msg("no %s header in:\n%s", name, r->headers);
	assert_string_equal(v, want);
	free(v);
}

/* The headers every answer carries; html: the page policy. */
static void
expect_security(const struct resp *r, int html)
{
	expect_header(r, "Content-Security-Policy", html ? CSP_PAGE :
	    CSP_DATA);
	expect_header(r, "X-Content-Type-Options", "nosniff");
	expect_header(r, "Cache-Control", "no-store");
	expect_header(r, "Referrer-Policy", "no-referrer");
}

/* A JSON answer: status, headers, parsed body (caller deletes). */
static cJSON *
json(struct fx *f, const char *path, long status)
{
	struct resp	 r = fetch(f, path);
	cJSON		*j;

	if (r.status != status)
		fail_msg("GET %s: status %ld, want %ld: %s", path, r.status,
		    status, r.body);
	expect_security(&r, 0);
	expect_header(&r, "Content-Type", "application/json");
	if ((j = cJSON_Parse(r.body)) == NULL)
		fail_msg("GET %s: not JSON: %s", path, r.body);
	resp_free(&r);
	return (j);
}

/* A 400 naming param. */
static void
expect_400(struct fx *f, const char *path, const char *param)
{
	cJSON	*j = json(f, path, 400);

	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j,
	    "parameter")), param);
	assert_non_null(cJSON_GetStringValue(cJSON_GetObjectItem(j, "error")));
	cJSON_Delete(j);
}

static void
write_conf(struct fx *f, const char *http)
{
	char	*text;

	text = xasprintf("state_directory = \"%s\"\n"
	    "database {\n  conninfo = \"dbname=%s\"\n  batch_delay = 10ms\n"
	    "  retry_initial = 200ms\n  retry_max = 1s\n}\n"
	    "%s"
	    "log { level = debug }\n"
	    "feed \"prices\" {\n  kind = \"json\"\n"
	    "  url = \"%s/prices\"\n  interval = 1s\n  jitter = 0s\n"
	    "  rows = \"data\"\n  period_field = \"date\"\n"
	    "  values = {\"price=>test/potash:USD/t\"}\n}\n"
	    "rule \"high\" {\n  kind = threshold\n"
	    "  series = \"test/*\"\n  above = 400\n  clear = 380\n"
	    "  severity = critical\n"
	    "  annotations { summary = \"potash {{value}} above "
	    "{{threshold}}\" }\n}\n",
	    f->d.dir, f->db, http, fake_httpd_url(f->d.http));
	testproc_write(f->d.conf, text);
	free(text);
}

/* Starts potashd on a fresh database, with a token file if not NULL,
 * and waits for the feed's data and the alert it fires. */
static struct fx *
start(const char *db, const char *token_file)
{
	struct fx	*f = &fixture;
	const char	*values[] = { "350.25", "372", "399.999", "401.50",
	    "1234.5678901234567890", "390" };
	const char	*dates[6];
	char		 day[6][16], *http;
	int		 k;

	memset(f, 0, sizeof(*f));
	current = f;
	f->db = db;
	f->conn = testpg_fresh(db);
	testd_init(&f->d);
	for (k = 0; k < 6; k++) {
		testd_day(5 - k, day[k]);
		dates[k] = day[k];
	}
	/* The crossing comes in a poll of its own: of several days stored
	 * at once only the newest can fire (alert/engine.h, Backfill). */
	testd_prices(&f->d, "/prices", dates, values, 4);
	f->port = testd_free_port();
	http = xasprintf("http {\n  listen = \"127.0.0.1:%d\"\n%s%s%s}\n",
	    f->port, token_file != NULL ? "  token_file = \"" : "",
	    token_file != NULL ? token_file : "",
	    token_file != NULL ? "\"\n" : "");
	write_conf(f, http);
	free(http);
	testd_start(&f->d);
	assert_true(testnotify_wait(f->d.tn, "READY=1", 20000));
	testd_wait_count(&f->d, f->conn, "SELECT count(*) FROM potash.alerts "
	    "WHERE state = 'firing'", 1, 20000);
	/* Then two more days, the newest above the clear level: it keeps
	 * firing. */
	testd_prices(&f->d, "/prices", dates, values, 6);
	testd_wait_count(&f->d, f->conn, "SELECT count(*) FROM "
	    "potash.observations", 6, 20000);
	testd_wait_count(&f->d, f->conn, "SELECT (count(*) = 0)::int FROM "
	    "potash.alert_pending_runs p WHERE EXISTS (SELECT 1 FROM "
	    "potash.observations o WHERE o.feed_run_id = p.feed_run_id)", 1,
	    20000);
	return (f);
}

static void
finish(struct fx *f)
{
	testd_stop(&f->d, SIGTERM);
	testd_free(&f->d);
	testpg_drop(f->conn, f->db);
	current = NULL;
}

/* After a failure: the daemon's log, then clean up what finish would. */
static int
teardown(void **state)
{
	char	*log;

	(void)testd_teardown(state);
	if (current != NULL) {
		if (current->cluster_stopped)
			testpg_cluster("start");
		if ((log = testproc_read(current->d.log)) != NULL) {
			fprintf(stderr, "--- potashd log ---\n%s--- end ---\n",
			    log);
			free(log);
		}
		testd_free(&current->d);
		PQfinish(current->conn);
		current = NULL;
	}
	return (0);
}

static void
test_basics(void **state)
{
	struct fx	*f;
	struct resp	 r;
	cJSON		*j, *c;
	char		*v;
	int		 i, feed = 0;

	(void)state;
	f = start("t_web_basics", NULL);

	j = json(f, "/healthz", 200);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j,
	    "status")), "ok");
	cJSON_Delete(j);

	r = fetch_as(f, "HEAD", "/healthz", NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 0);
	expect_header(&r, "Content-Length", "15");
	expect_security(&r, 0);
	resp_free(&r);

	j = json(f, "/readyz", 200);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j,
	    "status")), "ready");
	for (i = 0; i < cJSON_GetArraySize(cJSON_GetObjectItem(j, "checks"));
	    i++) {
		c = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "checks"), i);
		assert_true(cJSON_IsTrue(cJSON_GetObjectItem(c, "ok")));
		assert_non_null(cJSON_GetStringValue(cJSON_GetObjectItem(c,
		    "why")));
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(c,
		    "name")), "feed prices") == 0)
			feed = 1;
	}
	assert_true(feed);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "checks")),
	    3);
	cJSON_Delete(j);

	/* Read-only: 405 with Allow, and our headers. */
	r = fetch_as(f, "POST", "/metrics", NULL);
	assert_int_equal(r.status, 405);
	expect_header(&r, "Allow", "GET, HEAD");
	expect_security(&r, 0);
	assert_non_null(strstr(r.body, "\"error\""));
	resp_free(&r);
	r = fetch_as(f, "PUT", "/api/series", NULL);
	assert_int_equal(r.status, 405);
	expect_security(&r, 0);
	resp_free(&r);
	r = fetch_as(f, "DELETE", "/", NULL);
	assert_int_equal(r.status, 405);
	resp_free(&r);

	j = json(f, "/no/such/page", 404);
	cJSON_Delete(j);
	j = json(f, "/api/series/test%2Fnone/observations", 404);
	cJSON_Delete(j);

	/* Bounded, checked parameters. */
	expect_400(f, "/api/series/test/potash/observations?from=yesterday",
	    "from");
	expect_400(f, "/api/series/test/potash/observations?to=2025-13-01",
	    "to");
	expect_400(f, "/api/events?from=2025-02-30", "from");
	expect_400(f, "/api/events?limit=0", "limit");
	expect_400(f, "/api/events?limit=ten", "limit");
	expect_400(f, "/api/events?cursor=nonsense", "cursor");
	expect_400(f, "/api/series?cursor=zz", "cursor");
	expect_400(f, "/api/alerts?state=burning", "state");
	expect_400(f, "/api/alerts?sort=id", "sort");
	expect_400(f, "/api/events?limit=1&limit=2", "limit");
	v = xasprintf("/api/events?from=%01000d", 0);
	expect_400(f, v, "from");
	free(v);
	j = json(f, "/metrics?x=1", 400);
	cJSON_Delete(j);

	/* The page and a chart: HTML and SVG under the page policy. */
	r = fetch(f, "/");
	assert_int_equal(r.status, 200);
	expect_header(&r, "Content-Type", "text/html; charset=utf-8");
	expect_security(&r, 1);
	assert_non_null(strstr(r.body, "test/potash"));
	/* The firing alert, with its summary, and the seeded events. */
	assert_non_null(strstr(r.body, "potash 401.5 above 400"));
	assert_non_null(strstr(r.body, "EO 14038"));
	resp_free(&r);
	r = fetch(f, "/chart/test%2Fpotash.svg");
	assert_int_equal(r.status, 200);
	expect_header(&r, "Content-Type", "image/svg+xml");
	expect_security(&r, 1);
	assert_non_null(strstr(r.body, "<svg"));
	resp_free(&r);
	r = fetch(f, "/chart/test/potash.svg");
	assert_int_equal(r.status, 200);
	resp_free(&r);
	j = json(f, "/chart/test%2Fnone.svg", 404);
	cJSON_Delete(j);

	finish(f);
}

/* The value of the sample line that starts with prefix ("name{...} "). */
static char *
sample(const char *text, const char *prefix)
{
	const char	*p = text;
	size_t		 n = strlen(prefix);

	for (; *p != '\0'; p += strcspn(p, "\n"), p += *p == '\n') {
		if (strncmp(p, prefix, n) == 0)
			return (xstrndup(p + n, strcspn(p + n, "\n")));
	}
	fail_msg("no sample %s in the metrics", prefix);
	return (NULL);
}

static void
expect_sample(const char *text, const char *prefix, const char *want)
{
	char	*v = sample(text, prefix);

	assert_string_equal(v, want);
	free(v);
}

/* promtool check metrics on the text: 0 ok, 77 no promtool. */
static int
promtool(struct fx *f, const char *text)
{
	char	*path, *cmd;
	int	 rc;

	if (system("command -v promtool >/dev/null 2>&1") != 0)
		return (77);
	path = xasprintf("%s/metrics.txt", f->d.dir);
	testproc_write(path, text);
	cmd = xasprintf("promtool check metrics < '%s'", path);
	rc = system(cmd);
	free(cmd);
	free(path);
	return (rc);
}

static void
test_metrics(void **state)
{
	struct fx	*f;
	struct resp	 r;
	char		*v, *v2;
	long		 passes, runs;
	int		 rc;

	(void)state;
	f = start("t_web_metrics", NULL);
	r = fetch(f, "/metrics");
	assert_int_equal(r.status, 200);
	expect_header(&r, "Content-Type",
	    "text/plain; version=0.0.4; charset=utf-8");
	expect_security(&r, 0);

	rc = promtool(f, r.body);
	if (rc == 77)
		fprintf(stderr, "SKIPPED: promtool is not installed (Debian "
		    "package prometheus; scripts/test installs it): the "
		    "exposition format was not checked\n");
	else
		assert_int_equal(rc, 0);

	expect_sample(r.body, "potashd_build_info{version=\"0.1.0\"} ", "1");
	expect_sample(r.body, "potashd_database_up ", "1");
	expect_sample(r.body, "potashd_alerts{state=\"firing\"} ", "1");
	expect_sample(r.body, "potashd_observations_total"
	    "{outcome=\"stored\"} ", "6");
	expect_sample(r.body, "potashd_feed_consecutive_failures"
	    "{feed=\"prices\"} ", "0");
	/* Alone on its database: it polls every feed and evaluates. */
	expect_sample(r.body, "potashd_feed_polled_here{feed=\"prices\"} ",
	    "1");
	expect_sample(r.body, "potashd_alerting_active ", "1");
	v = sample(r.body, "potashd_feed_runs_total{feed=\"prices\"} ");
	assert_true(atoi(v) >= 1);
	/* Runs not parsed again: a sample per feed, at most its runs. */
	v2 = sample(r.body, "potashd_feed_same_body_runs_total"
	    "{feed=\"prices\"} ");
	assert_true(atoi(v2) <= atoi(v));
	free(v2);
	free(v);
	v = sample(r.body, "potashd_feed_last_success_timestamp_seconds"
	    "{feed=\"prices\"} ");
	assert_true(atof(v) > 1.7e9);
	free(v);
	v = sample(r.body, "potashd_writer_batch_latency_seconds_count ");
	assert_true(atoi(v) >= 1);
	free(v);
	assert_non_null(strstr(r.body, "# TYPE potashd_event_loop_lag_seconds "
	    "gauge\n"));
	assert_non_null(strstr(r.body, "potashd_spool_bytes "));
	assert_non_null(strstr(r.body, "potashd_writer_known_values "));
	v = sample(r.body, "potashd_writer_known_values_bytes ");
	assert_true(atof(v) > 0);
	free(v);
	assert_non_null(strstr(r.body,
	    "potashd_observations_known_unchanged_total "));
	assert_non_null(strstr(r.body, "potashd_database_reconnects_total "));
	assert_non_null(strstr(r.body, "potashd_notification_attempts_total "));
	assert_non_null(strstr(r.body, "potashd_start_time_seconds "));
	v = sample(r.body, "potashd_alert_evaluations_total ");
	passes = atol(v);
	free(v);
	resp_free(&r);

	/*
	 * Four more polls, all of known values: their commits notify
	 * potash_alert_queue on the daemon's own session, which it ignores
	 * (nothing they stored can change an alert), so they cost no alert
	 * pass each (the engine's own 30 s look may come once).
	 */
	runs = testd_count(f->conn, "SELECT count(*) FROM potash.feed_runs");
	testd_wait_count(&f->d, f->conn, "SELECT count(*) FROM "
	    "potash.feed_runs", runs + 4, 20000);
	r = fetch(f, "/metrics");
	assert_int_equal(r.status, 200);
	v = sample(r.body, "potashd_alert_evaluations_total ");
	assert_true(atol(v) - passes <= 1);
	free(v);
	resp_free(&r);

	/* HEAD: the length of GET, no body. */
	r = fetch_as(f, "HEAD", "/metrics", NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 0);
	resp_free(&r);
	finish(f);
}

/* The first cell of sql (no parameters), malloc'd ("" for NULL). */
static char *
db(struct fx *f, const char *sql)
{
	char	*v = testpg_value(f->conn, sql);

	return (v != NULL ? v : xstrdup(""));
}

/* Follows "next" through every page of path (which has "?limit=N"),
 * joining field of each item of array with ','. */
static char *
walk(struct fx *f, const char *path, const char *array, const char *field)
{
	cJSON		*j, *it;
	const char	*next;
	char		*all = xstrdup(""), *tmp, *url, *cur = NULL, num[32];
	int		 i, pages = 0;

	for (;;) {
		url = cur == NULL ? xstrdup(path) :
		    xasprintf("%s&cursor=%s", path, cur);
		j = json(f, url, 200);
		free(url);
		for (i = 0; i < cJSON_GetArraySize(cJSON_GetObjectItem(j,
		    array)); i++) {
			it = cJSON_GetObjectItem(cJSON_GetArrayItem(
			    cJSON_GetObjectItem(j, array), i), field);
			if (cJSON_IsNumber(it))
				snprintf(num, sizeof(num), "%.0f",
				    cJSON_GetNumberValue(it));
			tmp = xasprintf("%s%s%s", all, *all != '\0' ? "," : "",
			    cJSON_IsNumber(it) ? num :
			    cJSON_GetStringValue(it));
			free(all);
			all = tmp;
		}
		next = cJSON_GetStringValue(cJSON_GetObjectItem(j, "next"));
		free(cur);
		cur = next != NULL ? xstrdup(next) : NULL;
		cJSON_Delete(j);
		assert_true(++pages < 100);
		if (cur == NULL)
			break;
	}
	return (all);
}

static void
expect_walk(struct fx *f, const char *path, const char *array,
    const char *field, const char *sql)
{
	char	*got = walk(f, path, array, field), *want = db(f, sql);

	if (strcmp(got, want) != 0)
		fail_msg("%s: got %s, want %s", path, got, want);
	free(got);
	free(want);
}

#define OBS_SQL(extra) \
	"SELECT string_agg(c.value::text, ',' ORDER BY c.period) FROM " \
	"potash.observations_current c JOIN potash.series s ON s.id = " \
	"c.series_id WHERE s.key = 'test/potash'" extra

static void
test_api(void **state)
{
	struct fx	*f;
	cJSON		*j, *o;
	char		*v, *path, day[16];

	(void)state;
	f = start("t_web_api", NULL);

	/* Series, one per page. */
	testpg_exec(f->conn, "INSERT INTO potash.series (key, source, name, "
	    "unit, dimensions) VALUES ('fred/PPOTASHUSDM', 'fred', 'Potash', "
	    "'USD/t', '{\"product\": \"potash\"}'), ('a/b', 'a', 'a/b', NULL, "
	    "'{}')");
	expect_walk(f, "/api/series?limit=1", "series", "key",
	    "SELECT string_agg(key, ',' ORDER BY key) FROM potash.series");
	j = json(f, "/api/series", 200);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "next")));
	o = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "series"), 1);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(o,
	    "key")), "fred/PPOTASHUSDM");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(o, "dimensions"), "product")), "potash");
	cJSON_Delete(j);

	/* Observations: exact text, both spellings of the key, pages. */
	expect_walk(f, "/api/series/test/potash/observations?limit=2",
	    "observations", "value", OBS_SQL(""));
	expect_walk(f, "/api/series/test%2Fpotash/observations?limit=1000",
	    "observations", "value", OBS_SQL(""));
	expect_walk(f, "/api/series/test%2fpotash/observations?limit=5000",
	    "observations", "value", OBS_SQL(""));
	v = db(f, OBS_SQL(""));
	assert_non_null(strstr(v, "1234.5678901234567890"));
	assert_non_null(strstr(v, "401.50"));
	free(v);
	testd_day(3, day);
	path = xasprintf("/api/series/test/potash/observations?limit=1&"
	    "from=%s&to=%sT00:00:00Z", day, day);
	v = xasprintf(OBS_SQL(" AND c.period = '%s'"), day);
	expect_walk(f, path, "observations", "value", v);
	free(v);
	free(path);
	j = json(f, "/api/series/test/potash/observations?limit=1", 200);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j,
	    "series")), "test/potash");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j,
	    "unit")), "USD/t");
	o = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "observations"), 0);
	testd_day(5, day);
	v = xasprintf("%sT00:00:00Z", day);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(o,
	    "period")), v);
	free(v);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(o,
	    "value")), "350.25");
	v = cJSON_GetStringValue(cJSON_GetObjectItem(o, "known_at"));
	assert_true(strlen(v) >= 20 && v[10] == 'T' && v[strlen(v) - 1] ==
	    'Z');
	cJSON_Delete(j);
	j = json(f, "/api/series/a%2Fb/observations", 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j,
	    "observations")), 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "unit")));
	cJSON_Delete(j);

	/* Events: the seeded timeline in date order, 3 per page. */
	expect_walk(f, "/api/events?limit=3", "events", "id",
	    "SELECT string_agg(id::text, ',' ORDER BY COALESCE(effective_on, "
	    "announced_on), id) FROM potash.sanctions_events");
	expect_walk(f, "/api/events?limit=2&from=2022-01-01&to=2024-12-31",
	    "events", "date", "SELECT string_agg(COALESCE(effective_on, "
	    "announced_on)::text, ',' ORDER BY COALESCE(effective_on, "
	    "announced_on), id) FROM potash.sanctions_events WHERE "
	    "COALESCE(effective_on, announced_on) BETWEEN '2022-01-01' AND "
	    "'2024-12-31'");
	j = json(f, "/api/events?limit=1", 200);
	o = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "events"), 0);
	v = db(f, "SELECT instrument FROM potash.sanctions_events ORDER BY "
	    "COALESCE(effective_on, announced_on), id LIMIT 1");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(o,
	    "instrument")), v);
	free(v);
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(o, "entities")));
	cJSON_Delete(j);

	/* Alerts. */
	expect_walk(f, "/api/alerts?limit=1", "alerts", "rule",
	    "SELECT string_agg(rule, ',' ORDER BY id) FROM potash.alerts");
	expect_walk(f, "/api/alerts?limit=10&state=firing", "alerts",
	    "series", "SELECT string_agg(series, ',' ORDER BY id) FROM "
	    "potash.alerts WHERE state = 'firing'");
	j = json(f, "/api/alerts?state=firing", 200);
	o = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "alerts"), 0);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(o,
	    "state")), "firing");
	v = db(f, "SELECT value FROM potash.alerts WHERE state = 'firing'");
	assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(o, "value")) ==
	    strtod(v, NULL));
	free(v);
	v = db(f, "SELECT threshold FROM potash.alerts WHERE state = "
	    "'firing'");
	assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(o,
	    "threshold")) == strtod(v, NULL));
	free(v);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "baseline")));
	v = db(f, "SELECT annotations->>'summary' FROM potash.alerts WHERE "
	    "state = 'firing'");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(o, "annotations"), "summary")), v);
	free(v);
	cJSON_Delete(j);
	j = json(f, "/api/alerts?state=resolved", 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "alerts")),
	    testd_count(f->conn, "SELECT count(*) FROM potash.alerts WHERE "
	    "state = 'resolved'"));
	cJSON_Delete(j);

	finish(f);
}

/* Polls path until it answers want, serving the fake feed meanwhile. */
static void
wait_status(struct fx *f, const char *path, long want, int ms)
{
	struct resp	r;
	int		waited;

	for (waited = 0; waited < ms; waited += 200) {
		r = fetch(f, path);
		if (r.status == want) {
			resp_free(&r);
			return;
		}
		resp_free(&r);
		testd_serve(&f->d, 200);
	}
	fail_msg("GET %s did not answer %ld within %d ms", path, want, ms);
}

static void
test_outage(void **state)
{
	struct fx	*f;
	struct resp	 r;
	cJSON		*j, *c;
	int		 i, down = 0;

	(void)state;
	f = start("t_web_outage", NULL);
	j = json(f, "/readyz", 200);
	cJSON_Delete(j);

	testpg_cluster("stop");
	f->cluster_stopped = 1;
	wait_status(f, "/readyz", 503, 20000);
	j = json(f, "/readyz", 503);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j,
	    "status")), "not ready");
	for (i = 0; i < cJSON_GetArraySize(cJSON_GetObjectItem(j, "checks"));
	    i++) {
		c = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "checks"), i);
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(c,
		    "name")), "database") == 0) {
			assert_true(cJSON_IsFalse(cJSON_GetObjectItem(c,
			    "ok")));
			down = 1;
		}
	}
	assert_true(down);
	cJSON_Delete(j);
	j = json(f, "/api/series", 503);
	assert_non_null(cJSON_GetStringValue(cJSON_GetObjectItem(j, "error")));
	cJSON_Delete(j);
	r = fetch(f, "/");
	assert_int_equal(r.status, 503);
	expect_security(&r, 0);
	resp_free(&r);
	/* Alive, and still measured. */
	j = json(f, "/healthz", 200);
	cJSON_Delete(j);
	r = fetch(f, "/metrics");
	assert_int_equal(r.status, 200);
	expect_sample(r.body, "potashd_database_up ", "0");
	assert_null(strstr(r.body, "potashd_alerts{"));
	if (promtool(f, r.body) != 77)
		assert_int_equal(promtool(f, r.body), 0);
	resp_free(&r);

	testpg_cluster("start");
	f->cluster_stopped = 0;
	PQreset(f->conn);
	assert_int_equal(PQstatus(f->conn), CONNECTION_OK);
	wait_status(f, "/readyz", 200, 30000);
	j = json(f, "/api/series", 200);
	cJSON_Delete(j);
	r = fetch(f, "/metrics");
	assert_int_equal(r.status, 200);
	expect_sample(r.body, "potashd_database_up ", "1");
	expect_sample(r.body, "potashd_database_reconnects_total ", "1");
	resp_free(&r);
	finish(f);
}

/* A socket listening on 127.0.0.1:port, to make the port busy. */
static int
occupy(int port)
{
	struct sockaddr_in	sin;
	int			fd, on = 1;

	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 1), 0);
	return (fd);
}

static void
reload_listen(struct fx *f, const char *listen)
{
	char	*http;

	http = xasprintf("http {\n  listen = \"%s\"\n}\n", listen);
	write_conf(f, http);
	free(http);
	assert_int_equal(kill(f->d.pid, SIGHUP), 0);
}

/* Serves the loop until healthy(port) is want; fails after 10 s. */
static void
wait_healthy(struct fx *f, int port, int want)
{
	int	waited;

	for (waited = 0; waited < 10000; waited += 100) {
		if (healthy(port) == want)
			return;
		testd_serve(&f->d, 100);
	}
	fail_msg("port %d: %s after 10 s", port, want ? "not serving" :
	    "still serving");
}

/*
 * SIGHUP with a new listen address: the server moves.  While the new
 * port is taken the old one keeps serving, and the new one is bound
 * once it is free; "" closes the server.
 */
static void
test_reload(void **state)
{
	struct fx	*f;
	char		 addr[64], *log, *want;
	int		 a, b, c, fd, n;

	(void)state;
	f = start("t_web_reload", NULL);
	a = f->port;
	assert_true(healthy(a));
	while ((b = testd_free_port()) == a)
		;
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", b);
	reload_listen(f, addr);
	wait_healthy(f, b, 1);
	wait_healthy(f, a, 0);

	while ((c = testd_free_port()) == b)
		;
	fd = occupy(c);
	snprintf(addr, sizeof(addr), "localhost:%d", c);
	reload_listen(f, addr);
	want = xasprintf("http: cannot listen on localhost:%d: Address "
	    "already in use", c);
	for (log = NULL, n = 0; log == NULL || strstr(log, want) == NULL;
	    n++) {
		if (n == 100)
			fail_msg("no \"%s\" in the log after 10 s", want);
		free(log);
		testd_serve(&f->d, 100);
		log = testproc_read(f->d.log);
	}
	free(log);
	free(want);
	assert_true(healthy(b));
	close(fd);
	wait_healthy(f, c, 1);
	wait_healthy(f, b, 0);

	reload_listen(f, "");
	wait_healthy(f, c, 0);
	f->port = c;
	finish(f);
}

/* method path without the token: want the status. */
static void
expect_status(struct fx *f, const char *method, const char *path,
    long want)
{
	struct resp	r = fetch_as(f, method, path, NULL);

	if (r.status != want)
		fail_msg("%s %s: status %ld, want %ld", method, path,
		    r.status, want);
	resp_free(&r);
}

/* Signed links to alert pages, with a token configured. */
static void
check_signed(struct fx *f)
{
	uint8_t		 key[LINKSIG_KEY_LEN];
	char		 sig[LINKSIG_LEN], bad[LINKSIG_LEN], *fp, *path, *url;
	struct resp	 r;

	fp = db(f, "SELECT fingerprint FROM potash.alerts WHERE state = "
	    "'firing'");
	assert_int_equal(strlen(fp), 16);
	path = xasprintf("/alerts/%s", fp);
	assert_int_equal(linksig_key(TOKEN, key), 0);
	assert_int_equal(linksig_sign(key, path, sig), 0);

	/* No token, no signature: 401. */
	expect_status(f, "GET", path, 401);
	/* The link as notifications send it: the page, GET and HEAD. */
	url = xasprintf("%s?sig=%s", path, sig);
	r = fetch(f, url);
	assert_int_equal(r.status, 200);
	expect_security(&r, 1);
	assert_non_null(strstr(r.body, "<h1>high</h1>"));
	resp_free(&r);
	expect_status(f, "HEAD", url, 200);
	/* Only GET and HEAD. */
	expect_status(f, "POST", url, 401);
	expect_status(f, "DELETE", url, 401);
	/* With the token too: the parameter is allowed, and ignored. */
	r = fetch_as(f, "GET", url, "Authorization: Bearer " TOKEN);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	free(url);
	/* The percent-encoded spelling of the same fingerprint. */
	url = xasprintf("/alerts/%%%02x%s?sig=%s", fp[0], fp + 1, sig);
	expect_status(f, "GET", url, 200);
	free(url);

	/* A wrong signature, truncated, empty, twice, another alert's. */
	snprintf(bad, sizeof(bad), "%s", sig);
	bad[0] = bad[0] == 'A' ? 'B' : 'A';
	url = xasprintf("%s?sig=%s", path, bad);
	expect_status(f, "GET", url, 401);
	free(url);
	url = xasprintf("%s?sig=%.42s", path, sig);
	expect_status(f, "GET", url, 401);
	free(url);
	url = xasprintf("%s?sig=", path);
	expect_status(f, "GET", url, 401);
	free(url);
	url = xasprintf("%s?sig=%s&sig=%s", path, bad, sig);
	expect_status(f, "GET", url, 401);
	free(url);
	url = xasprintf("/alerts/0123456789abcdef?sig=%s", sig);
	expect_status(f, "GET", url, 401);
	free(url);
	url = xasprintf("%s/x?sig=%s", path, sig);
	expect_status(f, "GET", url, 401);
	free(url);

	/* The signature opens no other path, even one signed for it. */
	url = xasprintf("/?sig=%s", sig);
	expect_status(f, "GET", url, 401);
	free(url);
	url = xasprintf("/api/alerts?sig=%s", sig);
	expect_status(f, "GET", url, 401);
	free(url);
	url = xasprintf("/metrics?sig=%s", sig);
	expect_status(f, "GET", url, 401);
	free(url);
	assert_int_equal(linksig_sign(key, "/api/alerts", bad), 0);
	url = xasprintf("/api/alerts?sig=%s", bad);
	expect_status(f, "GET", url, 401);
	free(url);
	assert_int_equal(linksig_sign(key, "/chart/test%2Fpotash.svg", bad),
	    0);
	url = xasprintf("/chart/test%%2Fpotash.svg?sig=%s", bad);
	expect_status(f, "GET", url, 401);
	free(url);

	/* A key made from another token is refused. */
	assert_int_equal(linksig_key(TOKEN "x", key), 0);
	assert_int_equal(linksig_sign(key, path, bad), 0);
	url = xasprintf("%s?sig=%s", path, bad);
	expect_status(f, "GET", url, 401);
	free(url);
	free(path);
	free(fp);
}

static void
test_token(void **state)
{
	struct fx	*f;
	struct resp	 r;
	char		*dir, *tokfile, *conf, *log, *text, *want;
	const char	*argv[5];
	int		 line;

	(void)state;
	/* Off loopback without a token: refused, naming the line. */
	dir = testproc_tmpdir();
	conf = xasprintf("%s/potashd.conf", dir);
	log = xasprintf("%s/out", dir);
	tokfile = xasprintf("%s/token", dir);
	testproc_write(conf, "# web\nhttp {\n  listen = \"0.0.0.0:9464\"\n}\n");
	argv[0] = getenv("POTASHD");
	argv[1] = "-n";
	argv[2] = "-c";
	argv[3] = conf;
	argv[4] = NULL;
	assert_int_equal(testproc_wait(testproc_spawn(argv, NULL, log), 10000),
	    1);
	text = testproc_read(log);
	line = 3;
	want = xasprintf("%s:%d: http.listen: 0.0.0.0:9464 is not a loopback "
	    "address", conf, line);
	if (strstr(text, want) == NULL)
		fail_msg("want \"%s\" in: %s", want, text);
	free(want);
	free(text);
	/* A short token is refused too; a good one makes it valid. */
	testproc_write(tokfile, "short\n");
	text = xasprintf("http {\n  listen = \"0.0.0.0:9464\"\n"
	    "  token_file = \"%s\"\n}\n", tokfile);
	testproc_write(conf, text);
	free(text);
	unlink(log);
	assert_int_equal(testproc_wait(testproc_spawn(argv, NULL, log), 10000),
	    1);
	text = testproc_read(log);
	assert_non_null(strstr(text, ":3: http.token_file: the token in"));
	free(text);
	testproc_write(tokfile, TOKEN "\n");
	unlink(log);
	assert_int_equal(testproc_wait(testproc_spawn(argv, NULL, log), 10000),
	    0);
	testproc_write(conf, "http {\n  listen = \"example.org:80\"\n}\n");
	unlink(log);
	assert_int_equal(testproc_wait(testproc_spawn(argv, NULL, log), 10000),
	    1);
	text = testproc_read(log);
	assert_non_null(strstr(text, ":2: http.listen: expected an IPv4"));
	free(text);

	f = start("t_web_token", tokfile);
	r = fetch(f, "/metrics");
	assert_int_equal(r.status, 401);
	expect_header(&r, "WWW-Authenticate", "Bearer realm=\"potashd\"");
	expect_security(&r, 0);
	resp_free(&r);
	r = fetch_as(f, "GET", "/api/series", "Authorization: Bearer "
	    TOKEN "x");
	assert_int_equal(r.status, 401);
	resp_free(&r);
	r = fetch_as(f, "GET", "/api/series", "Authorization: Basic "
	    TOKEN);
	assert_int_equal(r.status, 401);
	resp_free(&r);
	r = fetch_as(f, "POST", "/api/series", NULL);
	assert_int_equal(r.status, 401);
	resp_free(&r);
	r = fetch_as(f, "GET", "/metrics", "Authorization: Bearer " TOKEN);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	r = fetch_as(f, "GET", "/api/series", "Authorization: bearer " TOKEN);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	r = fetch(f, "/healthz");
	assert_int_equal(r.status, 200);
	resp_free(&r);
	check_signed(f);
	finish(f);

	testd_rmdir(dir);
	free(tokfile);
	free(log);
	free(conf);
	free(dir);
}

/* How many times needle occurs in hay (NULL: 0). */
static long
occurrences(const char *hay, const char *needle)
{
	long	n = 0;

	while (hay != NULL && (hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return (n);
}

/* Fails with the page unless it holds want. */
static void
expect_in(const char *body, const char *want)
{
	if (strstr(body, want) == NULL) {
		/* cmocka cuts long messages. */
		fprintf(stderr, "--- page ---\n%s\n--- end ---\n", body);
		fail_msg("no \"%s\" in the page above", want);
	}
}

/* GET path: an HTML page with status, the page policy and the text. */
static char *
page(struct fx *f, const char *path, long status)
{
	struct resp	 r = fetch(f, path);
	char		*body;

	if (r.status != status)
		fail_msg("GET %s: status %ld, want %ld: %s", path, r.status,
		    status, r.body);
	expect_header(&r, "Content-Type", "text/html; charset=utf-8");
	expect_security(&r, 1);
	assert_null(strstr(r.body, "<script"));
	body = r.body;
	r.body = NULL;
	resp_free(&r);
	return (body);
}

/*
 * /alerts/{fingerprint}, the link of the notifications: the firing
 * alert's page with its facts, evidence and history as stored; the
 * dashboard's row links to it; 404 and 400 pages; HEAD.
 */
static void
test_alert_page(void **state)
{
	struct fx	*f;
	struct resp	 r;
	char		*fp, *path, *body, *want, *v;
	long		 n;

	(void)state;
	f = start("t_web_alert", NULL);
	fp = db(f, "SELECT fingerprint FROM potash.alerts WHERE state = "
	    "'firing'");
	assert_int_equal(strlen(fp), 16);

	/* The dashboard's alert table links to the page. */
	body = page(f, "/", 200);
	want = xasprintf("<a class=\"alert-link\" href=\"alerts/%s\">high</a>",
	    fp);
	if (strstr(body, want) == NULL)
		fail_msg("no %s in the dashboard", want);
	free(want);
	free(body);

	path = xasprintf("/alerts/%s", fp);
	body = page(f, path, 200);
	expect_in(body, "<h1>high</h1>");
	expect_in(body, "<a href=\"../\">");
	expect_in(body, "<span class=\"badge sev-critical "
	    "st-firing\">firing</span> critical on <code>test/potash</code>");
	expect_in(body, "<th scope=\"row\">Summary</th><td>potash "
	    "401.5 above 400</td>");
	expect_in(body, "<b>high</b> <span class=\"none\">"
	    "(threshold)</span>");
	/* The stored state: past the crossing, the clear level holds. */
	v = db(f, "SELECT value || ' USD/t</span></td></tr>\n<tr><th "
	    "scope=\"row\">Threshold</th><td><span class=\"num\">' || "
	    "threshold || ' USD/t' FROM potash.alerts WHERE state = "
	    "'firing'");
	expect_in(body, v);
	free(v);
	want = xasprintf("<code>%s</code>", fp);
	expect_in(body, want);
	free(want);
	/* Its chart, and each stored transition, newest first. */
	assert_int_equal(occurrences(body, "<svg "), 1);
	n = testd_count(f->conn, "SELECT count(*) FROM "
	    "potash.alert_transitions t JOIN potash.alerts a ON a.id = "
	    "t.alert_id WHERE a.state = 'firing'");
	assert_true(n >= 1);
	assert_int_equal(occurrences(strstr(body, "<section id=\"history\">"),
	    "<td class=\"num\">"), n);
	expect_in(body, "inactive \xe2\x86\x92 <span class=\""
	    "badge sev-critical st-firing\">firing</span></td><td>condition"
	    "</td>");
	/* The evidence: the observations that crossed, as stored. */
	v = db(f, "SELECT jsonb_array_length(evidence) FROM "
	    "potash.alert_transitions t JOIN potash.alerts a ON a.id = "
	    "t.alert_id WHERE a.state = 'firing' AND t.to_state = 'firing'");
	want = xasprintf("The %s observation%s compared by change", v,
	    strcmp(v, "1") == 0 ? "" : "s");
	expect_in(body, want);
	free(want);
	free(v);
	assert_non_null(strstr(strstr(body, "<section id=\"evidence\">"),
	    "401.5 USD/t"));
	/* The rule as loaded, and its annotations. */
	expect_in(body, "<code>above</code></td><td>400</td>");
	expect_in(body, "<code>summary</code></td><td>potash "
	    "401.5 above 400</td>");
	free(body);

	r = fetch_as(f, "HEAD", path, NULL);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 0);
	expect_security(&r, 1);
	resp_free(&r);
	free(path);

	/* Unknown: 404; not a fingerprint: 400; both pages, escaped. */
	body = page(f, "/alerts/0123456789abcdef", 404);
	expect_in(body, "<h1>404</h1>");
	expect_in(body, "<code>0123456789abcdef</code>");
	free(body);
	body = page(f, "/alerts/0123456789ABCDEF", 400);
	expect_in(body, "<h1>400</h1>");
	free(body);
	body = page(f, "/alerts/123", 400);
	free(body);
	path = xasprintf("/alerts/%s/x", fp);
	body = page(f, path, 400);
	free(body);
	free(path);
	body = page(f, "/alerts/%3Cscript%3Ealert(1)%3C%2Fscript%3E", 400);
	expect_in(body, "<code>&lt;script&gt;alert(1)&lt;/script"
	    "&gt;</code>");
	free(body);
	body = page(f, "/alerts/%zz", 400);
	free(body);
	body = page(f, "/alerts/'%20OR%20'1'='1", 400);
	free(body);
	/* A fingerprint is matched as a value, never pasted into SQL. */
	assert_int_equal(testd_count(f->conn, "SELECT count(*) FROM "
	    "potash.alerts"), testd_count(f->conn, "SELECT count(*) FROM "
	    "potash.alerts WHERE fingerprint ~ '^[0-9a-f]{16}$'"));
	/* The percent-encoded spelling of a fingerprint is the same page. */
	path = xasprintf("/alerts/%%%02x%s", fp[0], fp + 1);
	body = page(f, path, 200);
	free(body);
	free(path);
	r = fetch(f, "/alerts/");
	assert_int_equal(r.status, 404);
	resp_free(&r);
	expect_400(f, "/alerts/0123456789abcdef?x=1", "x");
	free(fp);
	finish(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_basics, teardown),
		cmocka_unit_test_teardown(test_metrics, teardown),
		cmocka_unit_test_teardown(test_api, teardown),
		cmocka_unit_test_teardown(test_alert_page, teardown),
		cmocka_unit_test_teardown(test_outage, teardown),
		cmocka_unit_test_teardown(test_reload, teardown),
		cmocka_unit_test_teardown(test_token, teardown),
	};
	int	rc;

	if ((rc = testd_pg_missing()) != 0)
		return (rc);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return (rc);
}
