/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for transfer/: the curl multi engine against the loopback
 * fake_httpd on the same event loop (statuses, conditional GET,
 * Retry-After, redirects, low-speed cut-off, truncation, size caps,
 * timeouts, file://, cancel, shutdown, concurrency, gzip), and the pure
 * helpers (URL redaction, Retry-After parsing).  Every transfer must end
 * in exactly one callback: each case counts them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>
#include <netinet/in.h>

#include <curl/curl.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "fakes/httpd.h"
#include "testproc.h"
#include "transfer/transfer.h"
#include "util/buf.h"
#include "util/xmalloc.h"

/* A result, copied out of the callback (its pointers die with it). */
struct test_got {
	int			 calls;
	enum transfer_outcome	 outcome;
	long			 status;
	char			*body;
	size_t			 len;
	int			 truncated;
	char			*etag;
	char			*last_modified;
	int64_t			 retry_after;
	char			*error;
	int			 curl_code;
	uint64_t		 at_ms;		/* when the callback ran */
	/* For the re-entrancy cases. */
	struct test_ctx		*ctx;
	int			 action;
};

struct test_ctx {
	struct event_base	*base;
	struct fake_httpd	*fh;
	struct transfer		*t;
	char			 url[256];
};

enum {
	TEST_ACTION_NONE,
	TEST_ACTION_FREE,	/* transfer_free from the callback */
	TEST_ACTION_START,	/* start another transfer from it */
};

static const unsigned char test_gz[] = {
	0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff,
	0x55, 0xce, 0x4b, 0x4a, 0x04, 0x50, 0x0c, 0x05, 0xd1, 0xb9,
	0x6b, 0x69, 0x9b, 0xe4, 0x26, 0x79, 0x9f, 0xe5, 0x88, 0x08,
	0x3a, 0xea, 0x46, 0xdd, 0x3f, 0x46, 0x11, 0x9f, 0x35, 0x2c,
	0x6a, 0x72, 0xee, 0xb7, 0xcf, 0xa7, 0x8f, 0xd7, 0xcb, 0xfd,
	0xfd, 0xed, 0xf9, 0xe5, 0x41, 0xa6, 0x7c, 0x34, 0xbf, 0x84,
	0xd9, 0xb5, 0xec, 0x37, 0xd5, 0xe9, 0x27, 0xa3, 0x53, 0x27,
	0xb3, 0x33, 0x4e, 0x56, 0x67, 0x9e, 0x1c, 0x9d, 0x75, 0x72,
	0x76, 0x8e, 0x93, 0xab, 0x73, 0x9e, 0xdc, 0x9d, 0xeb, 0x2f,
	0xdd, 0x3a, 0xf7, 0xc9, 0x56, 0xf9, 0x51, 0x79, 0xab, 0xfc,
	0x9f, 0xea, 0xfb, 0x0a, 0x66, 0x0f, 0x98, 0x3d, 0x61, 0xf6,
	0x82, 0xd9, 0x07, 0xcc, 0x3e, 0x61, 0xf6, 0x05, 0xb3, 0x6f,
	0x98, 0x65, 0x30, 0xcb, 0x61, 0x96, 0x60, 0x56, 0xc0, 0xac,
	0x84, 0x59, 0x05, 0xb3, 0x06, 0xcc, 0x9a, 0x30, 0x6b, 0xc1,
	0xac, 0x0d, 0x73, 0x18, 0xcc, 0xe1, 0x30, 0x87, 0x60, 0x8e,
	0x80, 0x39, 0x12, 0xe6, 0x28, 0x98, 0x63, 0xc0, 0x1c, 0x13,
	0xe6, 0x58, 0x30, 0xc7, 0x86, 0x39, 0x0d, 0xe6, 0x74, 0x98,
	0x53, 0x30, 0x67, 0xc0, 0x9c, 0x09, 0x73, 0x16, 0xcc, 0x39,
	0x60, 0xce, 0x09, 0x73, 0x2e, 0x98, 0x73, 0xc3, 0x5c, 0x06,
	0x73, 0x39, 0xcc, 0x25, 0x98, 0x2b, 0x60, 0xae, 0x84, 0xb9,
	0x0a, 0xe6, 0x1a, 0x30, 0xd7, 0x84, 0xb9, 0x16, 0xcc, 0xf5,
	0xa3, 0xfa, 0x02, 0xce, 0x59, 0x53, 0x70, 0x91, 0x03, 0x00, 0x00
};

static uint64_t
test_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

static char *
test_dup(const char *s)
{
	return (s != NULL ? xstrdup(s) : NULL);
}

static void
test_got_reset(struct test_got *g)
{
	free(g->body);
	free(g->etag);
	free(g->last_modified);
	free(g->error);
	memset(g, 0, sizeof(*g));
}

static void test_done_cb(const struct transfer_result *, void *);

static void
test_done_cb(const struct transfer_result *r, void *arg)
{
	struct test_got		*g = arg;
	struct transfer_request	 req;

	g->calls++;
	if (g->calls > 1)
		return;		/* asserted by the caller */
	g->outcome = r->outcome;
	g->status = r->status;
	assert_non_null(r->body);
	assert_int_equal(r->body[r->len], '\0');
	g->body = xmalloc(r->len + 1);
	memcpy(g->body, r->body, r->len + 1);
	g->len = r->len;
	g->truncated = r->truncated;
	g->etag = test_dup(r->etag);
	g->last_modified = test_dup(r->last_modified);
	g->retry_after = r->retry_after_sec;
	g->error = test_dup(r->error);
	g->curl_code = r->curl_code;
	g->at_ms = test_now_ms();
	if (getenv("TEST_VERBOSE") != NULL)
		fprintf(stderr, "# outcome %d status %ld len %zu error %s\n",
		    (int)r->outcome, r->status, r->len,
		    r->error != NULL ? r->error : "-");
	if (r->outcome == TRANSFER_OK)
		assert_null(r->error);
	else
		assert_non_null(r->error);

	switch (g->action) {
	case TEST_ACTION_FREE:
		transfer_free(g->ctx->t);
		g->ctx->t = NULL;
		break;
	case TEST_ACTION_START:
		memset(&req, 0, sizeof(req));
		snprintf(g->ctx->url, sizeof(g->ctx->url), "%s/ok",
		    fake_httpd_url(g->ctx->fh));
		req.url = g->ctx->url;
		/* g + 1: the next recorder in the caller's array. */
		assert_true(transfer_start(g->ctx->t, &req, test_done_cb,
		    g + 1) != 0);
		break;
	default:
		break;
	}
}

static void
test_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	*(int *)arg = 1;
}

/* Runs the loop until *count reaches want or ms pass. */
static void
test_run_until(struct event_base *base, const int *count, int want, int ms)
{
	struct event	*deadline;
	struct timeval	 tv;
	int		 expired = 0;

	deadline = evtimer_new(base, test_deadline_cb, &expired);
	assert_non_null(deadline);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(deadline, &tv);
	while ((count == NULL || *count < want) && !expired)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(deadline);
}

static void
test_run_for(struct event_base *base, int ms)
{
	test_run_until(base, NULL, 0, ms);
}

/* Runs until the fake server has seen n requests. */
static void
test_run_requests(struct test_ctx *c, size_t n)
{
	uint64_t	end = test_now_ms() + 5000;

	while (fake_httpd_count(c->fh) < n && test_now_ms() < end)
		test_run_for(c->base, 10);
	assert_int_equal(fake_httpd_count(c->fh), n);
}

static int
test_setup(void **state)
{
	struct test_ctx		*c;
	struct transfer_params	 p;

	/* Loopback only, whatever the environment says. */
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	c = xcalloc(1, sizeof(*c));
	c->base = event_base_new();
	assert_non_null(c->base);
	c->fh = fake_httpd_new(c->base);
	assert_non_null(c->fh);
	memset(&p, 0, sizeof(p));
	p.max_host_connections = 4;
	c->t = transfer_new(c->base, &p);
	assert_non_null(c->t);
	*state = c;
	return (0);
}

static int
test_teardown(void **state)
{
	struct test_ctx	*c = *state;

	transfer_free(c->t);
	fake_httpd_free(c->fh);
	event_base_free(c->base);
	free(c);
	return (0);
}

static const char *
test_url(struct test_ctx *c, const char *path)
{
	snprintf(c->url, sizeof(c->url), "%s%s", fake_httpd_url(c->fh), path);
	return (c->url);
}

/* Starts one GET of path with req's other fields and waits for the end. */
static void
test_fetch(struct test_ctx *c, const char *path, struct transfer_request *req,
    struct test_got *g, int ms)
{
	uint64_t	id;

	req->url = test_url(c, path);
	id = transfer_start(c->t, req, test_done_cb, g);
	assert_true(id != 0);
	assert_int_equal(g->calls, 0);
	test_run_until(c->base, &g->calls, 1, ms);
	assert_int_equal(g->calls, 1);
	/* No second callback turns up later. */
	test_run_for(c->base, 20);
	assert_int_equal(g->calls, 1);
	assert_int_equal(transfer_active(c->t), 0);
}

static void
test_transfer_ok(void **state)
{
	struct test_ctx			*c = *state;
	static const char *const	 rh[] = {
		"ETag: \"v1\"", "Last-Modified: Tue, 01 Jul 2025 00:00:00 GMT",
		"Content-Type: text/csv", NULL,
	};
	static const char *const	 qh[] = { "X-Test: yes", NULL };
	struct fake_httpd_route		 r = {
		.path = "/ok", .headers = rh, .body = "hello, potash\n",
	};
	struct transfer_request		 req = { .headers = qh };
	struct test_got			 g = { 0 };
	const struct fake_httpd_request	*fr;

	fake_httpd_route(c->fh, &r);
	test_fetch(c, "/ok?series=MOP&api_key=s3cret", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_OK);
	assert_int_equal(g.status, 200);
	assert_string_equal(g.body, "hello, potash\n");
	assert_int_equal(g.len, 14);
	assert_string_equal(g.etag, "\"v1\"");
	assert_string_equal(g.last_modified, "Tue, 01 Jul 2025 00:00:00 GMT");
	assert_int_equal(g.retry_after, -1);
	assert_null(g.error);

	assert_int_equal(fake_httpd_count(c->fh), 1);
	fr = fake_httpd_request(c->fh, 0);
	assert_string_equal(fr->method, "GET");
	assert_string_equal(fr->uri, "/ok?series=MOP&api_key=s3cret");
	assert_string_equal(fake_httpd_header(fr, "X-Test"), "yes");
	assert_non_null(strstr(fake_httpd_header(fr, "User-Agent"),
	    "potashd/"));
	assert_non_null(strstr(fake_httpd_header(fr, "Accept-Encoding"),
	    "gzip"));
	assert_null(fake_httpd_header(fr, "If-None-Match"));
	test_got_reset(&g);
}

static void
test_transfer_not_modified(void **state)
{
	struct test_ctx			*c = *state;
	static const char *const	 rh[] = { "ETag: \"v2\"", NULL };
	struct fake_httpd_route		 r = {
		.path = "/cond", .status = 304, .headers = rh,
	};
	struct transfer_request		 req = {
		.etag = "\"v2\"",
		.last_modified = "Tue, 01 Jul 2025 00:00:00 GMT",
	};
	struct test_got			 g = { 0 };
	const struct fake_httpd_request	*fr;

	fake_httpd_route(c->fh, &r);
	test_fetch(c, "/cond", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_OK);
	assert_int_equal(g.status, 304);
	assert_int_equal(g.len, 0);
	assert_string_equal(g.body, "");
	assert_string_equal(g.etag, "\"v2\"");
	fr = fake_httpd_request(c->fh, 0);
	assert_string_equal(fake_httpd_header(fr, "If-None-Match"), "\"v2\"");
	assert_string_equal(fake_httpd_header(fr, "If-Modified-Since"),
	    "Tue, 01 Jul 2025 00:00:00 GMT");
	test_got_reset(&g);
}

static void
test_transfer_retry_after(void **state)
{
	struct test_ctx			*c = *state;
	static const char *const	 rh[] = { "Retry-After: 7", NULL };
	struct fake_httpd_route		 r = {
		.path = "/busy", .status = 429, .headers = rh,
		.body = "slow down",
	};
	struct transfer_request		 req = { 0 };
	struct test_got			 g = { 0 };

	fake_httpd_route(c->fh, &r);
	test_fetch(c, "/busy", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_OK);
	assert_int_equal(g.status, 429);
	assert_int_equal(g.retry_after, 7);
	assert_string_equal(g.body, "slow down");
	test_got_reset(&g);
}

static void
test_transfer_server_error(void **state)
{
	struct test_ctx		*c = *state;
	struct fake_httpd_route	 r = {
		.path = "/err", .status = 500, .body = "oops",
	};
	struct transfer_request	 req = { 0 };
	struct test_got		 g = { 0 };

	fake_httpd_route(c->fh, &r);
	test_fetch(c, "/err", &req, &g, 5000);
	/* A response is a response: the caller judges the status. */
	assert_int_equal(g.outcome, TRANSFER_OK);
	assert_int_equal(g.status, 500);
	assert_string_equal(g.body, "oops");
	test_got_reset(&g);
}

static void
test_transfer_redirect_loop(void **state)
{
	struct test_ctx		*c = *state;
	struct fake_httpd_route	 r = { .path = "/loop", .redirect_self = 1 };
	struct transfer_request	 req = { 0 };
	struct test_got		 g = { 0 };

	fake_httpd_route(c->fh, &r);
	test_fetch(c, "/loop", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_ERROR);
	assert_int_equal(g.curl_code, CURLE_TOO_MANY_REDIRECTS);
	assert_non_null(strstr(g.error, "too many redirects (5)"));
	/* The first request and five redirects followed. */
	assert_int_equal(fake_httpd_count(c->fh), TRANSFER_MAX_REDIRS + 1);
	assert_int_equal(g.len, 0);
	test_got_reset(&g);
}

static void
test_transfer_redirect(void **state)
{
	struct test_ctx			*c = *state;
	char				 loc[300];
	const char			*rh[] = {
		loc, "ETag: \"moved\"", "Retry-After: 9", NULL,
	};
	static const char *const	 fh[] = { "ETag: \"final\"", NULL };
	struct fake_httpd_route		 r1 = {
		.path = "/moved", .status = 301, .headers = rh,
		.body = "moved body",
	};
	struct fake_httpd_route		 r2 = {
		.path = "/final", .headers = fh, .body = "final body",
	};
	struct transfer_request		 req = { 0 };
	struct test_got			 g = { 0 };

	snprintf(loc, sizeof(loc), "Location: %s/final",
	    fake_httpd_url(c->fh));
	fake_httpd_route(c->fh, &r1);
	fake_httpd_route(c->fh, &r2);
	test_fetch(c, "/moved", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_OK);
	assert_int_equal(g.status, 200);
	/* Only the final response's body and headers count. */
	assert_string_equal(g.body, "final body");
	assert_string_equal(g.etag, "\"final\"");
	assert_int_equal(g.retry_after, -1);
	test_got_reset(&g);
}

static void
test_transfer_drip(void **state)
{
	struct test_ctx		*c = *state;
	struct fake_httpd_route	 r = {
		.path = "/drip", .drip_ms = 300,
		.body = "0123456789012345678901234567890123456789",
	};
	struct transfer_request	 req = {
		.low_speed_limit = 100, .low_speed_time = 1,
		.total_timeout_ms = 8000,
	};
	struct test_got		 g = { 0 };
	uint64_t		 t0 = test_now_ms();

	fake_httpd_route(c->fh, &r);
	test_fetch(c, "/drip", &req, &g, 10000);
	assert_int_equal(g.outcome, TRANSFER_ERROR);
	assert_int_equal(g.curl_code, CURLE_OPERATION_TIMEDOUT);
	assert_non_null(strstr(g.error,
	    "too slow: less than 100 bytes/s for 1 s"));
	assert_true(g.at_ms - t0 < 5000);
	assert_int_equal(g.len, 0);
	test_got_reset(&g);
}

static void
test_transfer_truncated(void **state)
{
	struct test_ctx		*c = *state;
	struct fake_httpd_route	 r = {
		.path = "/trunc", .body = "the first part", .truncate = 100,
	};
	struct transfer_request	 req = { 0 };
	struct test_got		 g = { 0 };

	fake_httpd_route(c->fh, &r);
	test_fetch(c, "/trunc", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_ERROR);
	assert_int_equal(g.curl_code, CURLE_PARTIAL_FILE);
	assert_non_null(strstr(g.error, "truncated response"));
	assert_int_equal(g.status, 200);
	assert_int_equal(g.len, 0);
	test_got_reset(&g);
}

static void
test_transfer_oversize(void **state)
{
	struct test_ctx		*c = *state;
	struct fake_httpd_route	 big = {
		.path = "/big", .oversize = 1024 * 1024,
	};
	struct fake_httpd_route	 bigc = {
		.path = "/bigc", .oversize = 1024 * 1024, .chunked = 1,
	};
	struct fake_httpd_route	 edge = {
		.path = "/edge", .oversize = 100000, .chunked = 1,
	};
	struct transfer_request	 req = { .max_bytes = 100000 };
	struct test_got		 g = { 0 };

	fake_httpd_route(c->fh, &big);
	fake_httpd_route(c->fh, &bigc);
	fake_httpd_route(c->fh, &edge);

	/* Content-Length says too much: refused before the body. */
	test_fetch(c, "/big", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_ERROR);
	assert_int_equal(g.curl_code, CURLE_FILESIZE_EXCEEDED);
	assert_string_equal(g.error, "response larger than 100000 bytes");
	test_got_reset(&g);

	/* Chunked, no length: cut off by the write callback at the cap. */
	test_fetch(c, "/bigc", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_ERROR);
	assert_int_equal(g.curl_code, CURLE_WRITE_ERROR);
	assert_string_equal(g.error, "response larger than 100000 bytes");
	test_got_reset(&g);

	/* Exactly at the cap is fine. */
	test_fetch(c, "/edge", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_OK);
	assert_int_equal(g.len, 100000);
	assert_int_equal(g.body[99999], 'x');
	assert_int_equal(g.truncated, 0);
	test_got_reset(&g);

	/* Head only: both forms read to the end, keep the cap, succeed. */
	req.truncate_body = 1;
	test_fetch(c, "/big", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_OK);
	assert_int_equal(g.status, 200);
	assert_int_equal(g.len, 100000);
	assert_int_equal(g.truncated, 1);
	test_got_reset(&g);
	test_fetch(c, "/bigc", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_OK);
	assert_int_equal(g.len, 100000);
	assert_int_equal(g.body[99999], 'x');
	assert_int_equal(g.truncated, 1);
	test_got_reset(&g);
	test_fetch(c, "/edge", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_OK);
	assert_int_equal(g.len, 100000);
	assert_int_equal(g.truncated, 0);
	test_got_reset(&g);

	/* The server side of the aborted streams is gone too. */
	test_run_for(c->base, 50);
	assert_int_equal(fake_httpd_pending(c->fh), 0);
}

static void
test_transfer_hang(void **state)
{
	struct test_ctx		*c = *state;
	struct fake_httpd_route	 r = { .path = "/hang", .hang = 1 };
	struct transfer_request	 req = { .total_timeout_ms = 500 };
	struct test_got		 g = { 0 };
	uint64_t		 t0 = test_now_ms();

	fake_httpd_route(c->fh, &r);
	test_fetch(c, "/hang", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_ERROR);
	assert_int_equal(g.curl_code, CURLE_OPERATION_TIMEDOUT);
	assert_non_null(strstr(g.error, "timed out after 500 ms"));
	assert_true(g.at_ms - t0 >= 450);
	assert_true(g.at_ms - t0 < 500 + 2500);
	test_got_reset(&g);
}

static void
test_transfer_refused(void **state)
{
	struct test_ctx		*c = *state;
	struct transfer_request	 req = { .url = "http://127.0.0.1:1/x" };
	struct test_got		 g = { 0 };

	assert_true(transfer_start(c->t, &req, test_done_cb, &g) != 0);
	test_run_until(c->base, &g.calls, 1, 5000);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.outcome, TRANSFER_ERROR);
	assert_int_equal(g.curl_code, CURLE_COULDNT_CONNECT);
	assert_int_equal(g.status, 0);
	test_got_reset(&g);
}

static void
test_transfer_file(void **state)
{
	struct test_ctx		*c = *state;
	struct transfer_request	 req = { 0 };
	struct test_got		 g = { 0 };
	char			*dir, path[512], url[600], loc[700];
	const char		*rh[] = { loc, NULL };
	struct fake_httpd_route	 r = {
		.path = "/tofile", .status = 302, .headers = rh,
	};

	dir = testproc_tmpdir();
	snprintf(path, sizeof(path), "%s/feed.csv", dir);
	testproc_write(path, "period,value\n2024-01,300\n");
	snprintf(url, sizeof(url), "file://%s", path);

	/* Allowed. */
	req.url = url;
	req.allow_file = 1;
	assert_true(transfer_start(c->t, &req, test_done_cb, &g) != 0);
	test_run_until(c->base, &g.calls, 1, 5000);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.outcome, TRANSFER_OK);
	assert_int_equal(g.status, 200);
	assert_string_equal(g.body, "period,value\n2024-01,300\n");
	test_got_reset(&g);

	/* Not allowed: refused by curl, reported once. */
	req.allow_file = 0;
	assert_true(transfer_start(c->t, &req, test_done_cb, &g) != 0);
	test_run_until(c->base, &g.calls, 1, 5000);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.outcome, TRANSFER_ERROR);
	assert_int_equal(g.curl_code, CURLE_UNSUPPORTED_PROTOCOL);
	assert_non_null(strstr(g.error, "protocol not allowed"));
	test_got_reset(&g);

	/* Never through a redirect, even when file:// itself is allowed. */
	snprintf(loc, sizeof(loc), "Location: %s", url);
	fake_httpd_route(c->fh, &r);
	req.allow_file = 1;
	test_fetch(c, "/tofile", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_ERROR);
	assert_int_equal(g.curl_code, CURLE_UNSUPPORTED_PROTOCOL);
	assert_non_null(strstr(g.error, "redirect to a protocol not allowed"));
	test_got_reset(&g);

	unlink(path);
	rmdir(dir);
	free(dir);
}

static void
test_transfer_cancel(void **state)
{
	struct test_ctx		*c = *state;
	struct fake_httpd_route	 r = { .path = "/hang", .hang = 1 };
	struct transfer_request	 req = { 0 };
	struct test_got		 g = { 0 };
	uint64_t		 id;

	fake_httpd_route(c->fh, &r);
	req.url = test_url(c, "/hang");
	id = transfer_start(c->t, &req, test_done_cb, &g);
	assert_true(id != 0);
	assert_int_equal(transfer_active(c->t), 1);
	test_run_requests(c, 1);
	assert_int_equal(g.calls, 0);

	/* Synchronous: the callback has run when cancel returns. */
	transfer_cancel(c->t, id);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.outcome, TRANSFER_CANCELLED);
	assert_int_equal(transfer_active(c->t), 0);
	/* Again, or an id never issued: nothing happens. */
	transfer_cancel(c->t, id);
	transfer_cancel(c->t, 0);
	transfer_cancel(c->t, 12345);
	test_run_for(c->base, 100);
	assert_int_equal(g.calls, 1);
	test_got_reset(&g);
}

static void
test_transfer_free_in_flight(void **state)
{
	struct test_ctx		*c = *state;
	struct fake_httpd_route	 r = { .path = "/hang", .hang = 1 };
	struct transfer_request	 req = { 0 };
	struct transfer_request	 bad = { .url = NULL };
	struct test_got		 g[4];
	int			 i;

	memset(g, 0, sizeof(g));
	fake_httpd_route(c->fh, &r);
	req.url = test_url(c, "/hang");
	for (i = 0; i < 3; i++)
		assert_true(transfer_start(c->t, &req, test_done_cb, &g[i])
		    != 0);
	/* One that failed to start and is still waiting to be told. */
	assert_int_equal(transfer_start(c->t, &bad, test_done_cb, &g[3]), 0);
	test_run_requests(c, 3);
	assert_int_equal(g[3].calls, 1);

	transfer_free(c->t);
	c->t = NULL;
	for (i = 0; i < 3; i++) {
		assert_int_equal(g[i].calls, 1);
		assert_int_equal(g[i].outcome, TRANSFER_CANCELLED);
	}
	assert_int_equal(g[3].outcome, TRANSFER_ERROR);
	test_run_for(c->base, 50);
	for (i = 0; i < 4; i++) {
		assert_int_equal(g[i].calls, 1);
		test_got_reset(&g[i]);
	}
}

static void
test_transfer_free_deferred(void **state)
{
	struct test_ctx		*c = *state;
	struct transfer_request	 bad = { .url = "" };
	struct test_got		 g = { 0 };

	/* Freed before the loop delivered the failure: cancelled once. */
	assert_int_equal(transfer_start(c->t, &bad, test_done_cb, &g), 0);
	assert_int_equal(g.calls, 0);
	transfer_free(c->t);
	c->t = NULL;
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.outcome, TRANSFER_CANCELLED);
	test_run_for(c->base, 20);
	assert_int_equal(g.calls, 1);
	test_got_reset(&g);
}

static void
test_transfer_immediate_error(void **state)
{
	struct test_ctx			*c = *state;
	static const char *const	 qh[] = { "X-Evil: a\r\nX-Injected: b",
		NULL };
	struct transfer_request		 req = { .headers = qh };
	struct test_got			 g = { 0 };

	req.url = test_url(c, "/ok");
	/* Not from inside transfer_start: from the loop, once. */
	assert_int_equal(transfer_start(c->t, &req, test_done_cb, &g), 0);
	assert_int_equal(g.calls, 0);
	assert_int_equal(transfer_active(c->t), 1);
	test_run_until(c->base, &g.calls, 1, 1000);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.outcome, TRANSFER_ERROR);
	assert_string_equal(g.error, "request header contains a line break");
	assert_int_equal(transfer_active(c->t), 0);
	test_run_for(c->base, 20);
	assert_int_equal(g.calls, 1);
	assert_int_equal(fake_httpd_count(c->fh), 0);
	test_got_reset(&g);

	assert_int_equal(transfer_start(c->t, NULL, test_done_cb, &g), 0);
	test_run_until(c->base, &g.calls, 1, 1000);
	assert_int_equal(g.calls, 1);
	assert_string_equal(g.error, "no request");
	test_got_reset(&g);
}

static void
test_transfer_concurrent(void **state)
{
	struct test_ctx		*c = *state;
	struct fake_httpd_route	 r = {
		.path = "/many", .body = "same body", .delay_ms = 20,
	};
	struct transfer_request	 req = { 0 };
	struct test_got		*g;
	int			 i, done = 0;
	const int		 n = 50;
	uint64_t		 end;

	g = xcalloc((size_t)n, sizeof(*g));
	fake_httpd_route(c->fh, &r);
	req.url = test_url(c, "/many");
	for (i = 0; i < n; i++)
		assert_true(transfer_start(c->t, &req, test_done_cb, &g[i])
		    != 0);
	assert_int_equal(transfer_active(c->t), (size_t)n);
	end = test_now_ms() + 10000;
	while (done < n && test_now_ms() < end) {
		test_run_for(c->base, 20);
		for (done = 0, i = 0; i < n; i++)
			done += g[i].calls;
	}
	for (i = 0; i < n; i++) {
		assert_int_equal(g[i].calls, 1);
		assert_int_equal(g[i].outcome, TRANSFER_OK);
		assert_int_equal(g[i].status, 200);
		assert_string_equal(g[i].body, "same body");
		test_got_reset(&g[i]);
	}
	assert_int_equal(fake_httpd_count(c->fh), (size_t)n);
	assert_int_equal(transfer_active(c->t), 0);
	free(g);
}

static void
test_transfer_gzip(void **state)
{
	struct test_ctx			*c = *state;
	static const char *const	 rh[] = {
		"Content-Encoding: gzip", "Content-Type: text/csv", NULL,
	};
	struct fake_httpd_route		 r = {
		.path = "/gz", .headers = rh, .body = test_gz,
		.body_len = sizeof(test_gz),
	};
	struct transfer_request		 req = { 0 };
	struct test_got			 g = { 0 };
	struct buf			 want;
	int				 m;

	buf_init(&want, 0);
	buf_printf(&want, "potash,price\n");
	for (m = 0; m < 60; m++)
		buf_printf(&want, "2024-%02d,%d.50\n", m % 12 + 1, 300 + m);
	fake_httpd_route(c->fh, &r);
	test_fetch(c, "/gz", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_OK);
	assert_int_equal(g.len, want.len);
	assert_string_equal(g.body, buf_cstr(&want));
	buf_deinit(&want);
	test_got_reset(&g);
}

static void
test_transfer_post(void **state)
{
	struct test_ctx			*c = *state;
	static const char *const	 qh[] = {
		"Content-Type: application/json", NULL,
	};
	static const char		 body[] = "{\"alert\":\"potash\"}";
	struct fake_httpd_route		 r = {
		.path = "/hook", .status = 204,
	};
	struct transfer_request		 req = {
		.headers = qh, .upload = body, .upload_len = sizeof(body) - 1,
	};
	struct test_got			 g = { 0 };
	const struct fake_httpd_request	*fr;

	fake_httpd_route(c->fh, &r);
	test_fetch(c, "/hook", &req, &g, 5000);
	assert_int_equal(g.outcome, TRANSFER_OK);
	assert_int_equal(g.status, 204);
	fr = fake_httpd_request(c->fh, 0);
	assert_string_equal(fr->method, "POST");
	assert_string_equal(fr->body, body);
	assert_string_equal(fake_httpd_header(fr, "Content-Type"),
	    "application/json");
	assert_null(fake_httpd_header(fr, "Expect"));
	test_got_reset(&g);
}

static void
test_transfer_free_from_callback(void **state)
{
	struct test_ctx		*c = *state;
	struct fake_httpd_route	 ok = { .path = "/ok", .body = "fine" };
	struct fake_httpd_route	 hang = { .path = "/hang", .hang = 1 };
	struct transfer_request	 req = { 0 };
	struct test_got		 a = { 0 }, b = { 0 };
	char			 url[256];

	fake_httpd_route(c->fh, &ok);
	fake_httpd_route(c->fh, &hang);
	req.url = test_url(c, "/hang");
	assert_true(transfer_start(c->t, &req, test_done_cb, &b) != 0);
	test_run_requests(c, 1);
	snprintf(url, sizeof(url), "%s/ok", fake_httpd_url(c->fh));
	req.url = url;
	a.ctx = c;
	a.action = TEST_ACTION_FREE;
	assert_true(transfer_start(c->t, &req, test_done_cb, &a) != 0);
	test_run_until(c->base, &a.calls, 1, 5000);
	assert_null(c->t);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.outcome, TRANSFER_OK);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.outcome, TRANSFER_CANCELLED);
	test_run_for(c->base, 20);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	test_got_reset(&a);
	test_got_reset(&b);
}

static void
test_transfer_start_from_callback(void **state)
{
	struct test_ctx		*c = *state;
	struct fake_httpd_route	 ok = { .path = "/ok", .body = "fine" };
	struct transfer_request	 req = { 0 };
	struct test_got		 g[2];

	memset(g, 0, sizeof(g));
	fake_httpd_route(c->fh, &ok);
	g[0].ctx = c;
	g[0].action = TEST_ACTION_START;
	test_fetch(c, "/ok", &req, &g[0], 5000);
	test_run_until(c->base, &g[1].calls, 1, 5000);
	assert_int_equal(g[0].calls, 1);
	assert_int_equal(g[1].calls, 1);
	assert_int_equal(g[1].outcome, TRANSFER_OK);
	assert_string_equal(g[1].body, "fine");
	test_got_reset(&g[0]);
	test_got_reset(&g[1]);
}

/*
 * A minimal SMTP responder for the SMTP cases, in a child process with its
 * own loop: curl (7.88) waits for the reply to the end of the message
 * synchronously (smtp_done), so a responder on our own loop could never
 * answer.  No STARTTLS is offered; recipients containing "reject" are
 * refused.  Every line received goes to a log file before the reply, so
 * the parent can read it as soon as its callback runs.
 */
struct test_smtp {
	pid_t	 pid;
	char	 url[64];
	char	*dir;
	char	 log[512];
};

struct test_smtp_conn {
	FILE	*log;
	int	 in_data;
	int	 quit;
};

static void
test_smtp_event_cb(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		bufferevent_free(bev);
		free(arg);
	}
}

static void
test_smtp_write_cb(struct bufferevent *bev, void *arg)
{
	struct test_smtp_conn	*sc = arg;

	if (sc->quit) {
		bufferevent_free(bev);
		free(sc);
	}
}

static void
test_smtp_read_cb(struct bufferevent *bev, void *arg)
{
	struct test_smtp_conn	*sc = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer		*out = bufferevent_get_output(bev);
	char			*line;
	size_t			 n;

	while ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF)) != NULL) {
		fprintf(sc->log, "%s%s\n", sc->in_data ? "| " : "", line);
		fflush(sc->log);
		if (sc->in_data) {
			if (strcmp(line, ".") == 0) {
				sc->in_data = 0;
				evbuffer_add_printf(out, "250 queued\r\n");
			}
		} else if (strncmp(line, "EHLO", 4) == 0)
			evbuffer_add_printf(out, "250-fake\r\n250 8BITMIME\r\n");
		else if (strncmp(line, "RCPT", 4) == 0 &&
		    strstr(line, "reject") != NULL)
			evbuffer_add_printf(out, "550 no such user\r\n");
		else if (strncmp(line, "DATA", 4) == 0) {
			sc->in_data = 1;
			evbuffer_add_printf(out, "354 go ahead\r\n");
		} else if (strncmp(line, "QUIT", 4) == 0) {
			sc->quit = 1;
			evbuffer_add_printf(out, "221 bye\r\n");
		} else
			evbuffer_add_printf(out, "250 ok\r\n");
		free(line);
	}
}

static void
test_smtp_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct test_smtp_conn	*sc;
	struct bufferevent	*bev;

	sc = xcalloc(1, sizeof(*sc));
	sc->log = arg;
	bev = bufferevent_socket_new(evconnlistener_get_base(l), fd,
	    BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		_exit(2);
	bufferevent_setcb(bev, test_smtp_read_cb, test_smtp_write_cb,
	    test_smtp_event_cb, sc);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	evbuffer_add_printf(bufferevent_get_output(bev), "220 fake ESMTP\r\n");
}

static void
test_smtp_start(struct test_smtp *sm)
{
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	struct event_base	*base;
	FILE			*log;
	int			 fd;

	memset(sm, 0, sizeof(*sm));
	sm->dir = testproc_tmpdir();
	snprintf(sm->log, sizeof(sm->log), "%s/smtp.log", sm->dir);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &slen), 0);
	snprintf(sm->url, sizeof(sm->url), "smtp://127.0.0.1:%u/potash.test",
	    (unsigned)ntohs(sin.sin_port));

	sm->pid = fork();
	assert_true(sm->pid != -1);
	if (sm->pid == 0) {
		/* The child never returns into the test: SIGTERM ends it. */
		if ((log = fopen(sm->log, "a")) == NULL ||
		    (base = event_base_new()) == NULL ||
		    evutil_make_socket_nonblocking(fd) == -1 ||
		    evconnlistener_new(base, test_smtp_accept_cb, log,
		    LEV_OPT_CLOSE_ON_FREE, -1, fd) == NULL)
			_exit(2);
		event_base_dispatch(base);
		_exit(0);
	}
	close(fd);
}

static void
test_smtp_stop(struct test_smtp *sm)
{
	kill(sm->pid, SIGTERM);
	assert_int_equal(testproc_wait(sm->pid, 5000), 128 + SIGTERM);
	unlink(sm->log);
	rmdir(sm->dir);
	free(sm->dir);
}

static void
test_transfer_smtp(void **state)
{
	struct test_ctx			*c = *state;
	static const char *const	 rcpt[] = { "<ops@potash.test>", NULL };
	static const char *const	 bad[] = { "<reject@potash.test>", NULL };
	static const char		 msg[] = "Subject: potash alert\r\n"
	    "Auto-Submitted: auto-generated\r\n\r\nMOP above 400\r\n";
	struct transfer_request		 req = {
		.mail_from = "<alerts@potash.test>", .mail_rcpt = rcpt,
		.upload = msg, .upload_len = sizeof(msg) - 1,
		.use_ssl = TRANSFER_SSL_NONE,
	};
	struct test_got			 g = { 0 };
	struct test_smtp		 sm;
	char				*log;

	test_smtp_start(&sm);
	req.url = sm.url;
	assert_true(transfer_start(c->t, &req, test_done_cb, &g) != 0);
	test_run_until(c->base, &g.calls, 1, 5000);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.outcome, TRANSFER_OK);
	assert_int_equal(g.status, 250);
	log = testproc_read(sm.log);
	assert_non_null(log);
	assert_non_null(strstr(log, "MAIL FROM:<alerts@potash.test>"));
	assert_non_null(strstr(log, "RCPT TO:<ops@potash.test>\nDATA\n"
	    "| Subject: potash alert\n| Auto-Submitted: auto-generated\n"
	    "| \n| MOP above 400\n| .\n"));
	free(log);
	test_got_reset(&g);

	/* A refused recipient fails the transfer, with the server's code. */
	req.mail_rcpt = bad;
	assert_true(transfer_start(c->t, &req, test_done_cb, &g) != 0);
	test_run_until(c->base, &g.calls, 1, 5000);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.outcome, TRANSFER_ERROR);
	assert_int_equal(g.status, 550);
	test_got_reset(&g);

	/* TLS is required by default: a server without STARTTLS fails. */
	req.mail_rcpt = rcpt;
	req.use_ssl = TRANSFER_SSL_REQUIRED;
	assert_true(transfer_start(c->t, &req, test_done_cb, &g) != 0);
	test_run_until(c->base, &g.calls, 1, 5000);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.outcome, TRANSFER_ERROR);
	assert_int_equal(g.curl_code, CURLE_USE_SSL_FAILED);
	test_got_reset(&g);

	/* No recipient: refused before curl. */
	req.mail_rcpt = NULL;
	assert_int_equal(transfer_start(c->t, &req, test_done_cb, &g), 0);
	test_run_until(c->base, &g.calls, 1, 5000);
	assert_int_equal(g.calls, 1);
	assert_string_equal(g.error, "no mail recipient");
	test_got_reset(&g);

	test_smtp_stop(&sm);
}

static void
test_transfer_redact(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "https://api.example.com/v1?api_key=abc123&series=X",
		  "https://api.example.com/v1?api_key=REDACTED&series=X" },
		{ "https://user:pa55@host:8080/p?x=1",
		  "https://user:REDACTED@host:8080/p?x=1" },
		{ "https://user@host/p", "https://user@host/p" },
		{ "https://host/p@th?x=1", "https://host/p@th?x=1" },
		{ "https://h/?API_KEY=1&Token=2&subscription-key=3&sig=4",
		  "https://h/?API_KEY=REDACTED&Token=REDACTED&"
		  "subscription-key=REDACTED&sig=REDACTED" },
		{ "https://h/?Signature=5&password=6&secret=7&key=8",
		  "https://h/?Signature=REDACTED&password=REDACTED&"
		  "secret=REDACTED&key=REDACTED" },
		{ "https://h/?apikey=9&access_token=10",
		  "https://h/?apikey=REDACTED&access_token=REDACTED" },
		{ "https://h/?client_secret=z&auth_token=y&x-api-key=k",
		  "https://h/?client_secret=REDACTED&auth_token=REDACTED&"
		  "x-api-key=REDACTED" },
		{ "https://h/?monkey=1&keyword=2&tokens=3&series=4",
		  "https://h/?monkey=1&keyword=2&tokens=3&series=4" },
		{ "https://h/?api%5Fkey=abc&api%5fKEY=d",
		  "https://h/?api%5Fkey=REDACTED&api%5fKEY=REDACTED" },
		{ "https://h/?token=&token", "https://h/?token=REDACTED&token" },
		{ "https://h/cb#access_token=abc&state=1",
		  "https://h/cb#access_token=REDACTED&state=1" },
		{ "https://h/?a=1&&b=2&", "https://h/?a=1&&b=2&" },
		{ "file:///var/lib/potashd/feed.csv",
		  "file:///var/lib/potashd/feed.csv" },
		{ "", "" },
		{ "https://u:p@h?key=1#x", "https://u:REDACTED@h?key=REDACTED#x" },
	};
	char	out[256];
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(transfer_redact_url(cases[i].in, out,
		    sizeof(out)), 0);
		assert_string_equal(out, cases[i].out);
	}
	/* Too small: a prefix of the redacted text, never of the secret. */
	assert_int_equal(transfer_redact_url(
	    "https://h/?token=SECRETSECRET", out, 20), -1);
	assert_string_equal(out, "https://h/?token=RE");
	assert_null(strstr(out, "SECRET"));
	assert_int_equal(transfer_redact_url("https://u:SECRET@h/", out, 12),
	    -1);
	assert_string_equal(out, "https://u:R");
	assert_int_equal(transfer_redact_url("x", out, 0), -1);
}

static void
test_transfer_retry_after_parse(void **state)
{
	/* RFC 9110's example date is 784111777. */
	const time_t	 t0 = 784111777;
	int64_t		 s;

	assert_int_equal(transfer_parse_retry_after("7", t0, &s), 0);
	assert_int_equal(s, 7);
	assert_int_equal(transfer_parse_retry_after(" 120 \r\n", t0, &s), 0);
	assert_int_equal(s, 120);
	assert_int_equal(transfer_parse_retry_after("0", t0, &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(transfer_parse_retry_after("", t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after("  ", t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after(NULL, t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after("-5", t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after("1.5", t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after("7 s", t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after("abc", t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after(
	    "99999999999999999999", t0, &s), -1);

	/* The three HTTP-date forms, 30 s ahead. */
	assert_int_equal(transfer_parse_retry_after(
	    "Sun, 06 Nov 1994 08:49:37 GMT", t0 - 30, &s), 0);
	assert_int_equal(s, 30);
	assert_int_equal(transfer_parse_retry_after(
	    "Sunday, 06-Nov-94 08:49:37 GMT", t0 - 30, &s), 0);
	assert_int_equal(s, 30);
	assert_int_equal(transfer_parse_retry_after(
	    "Sun Nov  6 08:49:37 1994", t0 - 30, &s), 0);
	assert_int_equal(s, 30);
	/* In the past: retry now. */
	assert_int_equal(transfer_parse_retry_after(
	    "Sun, 06 Nov 1994 08:49:37 GMT", t0 + 3600, &s), 0);
	assert_int_equal(s, 0);
	/* Leap day. */
	assert_int_equal(transfer_parse_retry_after(
	    "Thu, 29 Feb 2024 00:00:00 GMT", 1709164800 - 5, &s), 0);
	assert_int_equal(s, 5);

	assert_int_equal(transfer_parse_retry_after(
	    "Thu, 29 Feb 2023 00:00:00 GMT", t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after(
	    "Sun, 06 Nov 1994 25:49:37 GMT", t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after(
	    "Sun, 06 Nov 1994 08:49:37 UTC", t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after(
	    "sun, 06 Nov 1994 08:49:37 GMT", t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after(
	    "Sun, 6 Nov 1994 08:49:37 GMT", t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after(
	    "Sun, 06 Nov 1994 08:49:37 GMT junk", t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after(
	    "Sun, 06 Xyz 1994 08:49:37 GMT", t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after(
	    "Sunday, 06-Nov-1994 08:49:37 GMT", t0, &s), -1);
	assert_int_equal(transfer_parse_retry_after(
	    "Sun, 00 Nov 1994 08:49:37 GMT", t0, &s), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_transfer_ok,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_not_modified,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_retry_after,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_server_error,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_redirect,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_redirect_loop,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_drip,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_truncated,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_oversize,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_hang,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_refused,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_file,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_cancel,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_free_in_flight,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_free_deferred,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_immediate_error,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_concurrent,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_gzip,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_post,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_transfer_free_from_callback, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_transfer_start_from_callback, test_setup,
		    test_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_smtp,
		    test_setup, test_teardown),
		cmocka_unit_test(test_transfer_redact),
		cmocka_unit_test(test_transfer_retry_after_parse),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
