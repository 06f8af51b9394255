/* SPDX-License-Identifier: ISC */
/*
 * web: the HTTP server, its routes, the token check and the health
 * endpoints; see web.h.
 *
 * The listening socket is made here (so that errors name the address
 * and errno) and handed to evhttp.  A request becomes a struct reply,
 * goes through the token check, the method check, the route table and
 * the route's parameter list, and reaches its handler only when all of
 * them passed; a route that needs SQL is also refused (503) while the
 * database is not connected or its schema not yet checked.  The token
 * check lets one thing through without the token: a GET or HEAD of
 * /alerts/FP whose ?sig= is that path's link signature (util/linksig.h),
 * as notifications send them.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "collectors/collector.h"
#include "daemon/config.h"
#include "daemon/log.h"
#include "daemon/scheduler.h"
#include "store/pg.h"
#include "util/linksig.h"
#include "util/parse.h"
#include "util/xmalloc.h"
#include "web/api.h"
#include "web/dashboard.h"
#include "web/metrics.h"
#include "web/page.h"
#include "web/reply.h"
#include "web/web.h"

#define WEB_RETRY_SECONDS	5
#define WEB_QUERY_TIMEOUT_USEC	UINT64_C(10000000)
#define WEB_IDLE_TIMEOUT	60		/* seconds per connection */
#define WEB_MAX_HEADERS		16384
#define WEB_MAX_BODY		4096
#define WEB_KEY_MAX		256
#define WEB_HOST_MAX		64

struct web {
	struct event_base		*base;
	struct web_sources		 src;
	const struct config		*config;	/* borrowed */
	struct evhttp			*http;
	struct evhttp_bound_socket	*bound;
	char				 bound_host[WEB_HOST_MAX];
	uint16_t			 bound_port;
	char				*bound_listen;	/* as configured */
	char				*want;		/* listen to bind */
	struct event			*retry;
	unsigned char			 token[SHA256_DIGEST_LENGTH];
	int				 has_token;
	uint8_t				 linkkey[LINKSIG_KEY_LEN];
	struct reply_pool		*pool;
	struct metrics			*metrics;
	int				 schema;
	int				 stopped;
	int64_t				 started;	/* unix usec */
};

enum web_route_kind {
	WEB_HEALTHZ,
	WEB_READYZ,
	WEB_METRICS,
	WEB_INDEX,
	WEB_CHART,
	WEB_SERIES,
	WEB_OBSERVATIONS,
	WEB_EVENTS,
	WEB_ALERTS,
	WEB_ALERT,
};

struct web_route {
	enum web_route_kind	 kind;
	const char		*prefix;	/* the whole path if no suffix */
	const char		*suffix;	/* NULL: exact; "": any rest */
	int			 db;		/* needs the database */
	const char *const	*params;
};

static const char *const web_no_params[] = { NULL };
static const char *const web_page_params[] = { "limit", "cursor", NULL };
static const char *const web_range_params[] = { "from", "to", "limit",
	"cursor", NULL };
static const char *const web_alert_params[] = { "state", "limit", "cursor",
	NULL };
/* sig: a signed link (web_signed); ignored once the token let it in. */
static const char *const web_page_alert_params[] = { "sig", NULL };

static const struct web_route web_routes[] = {
	{ WEB_HEALTHZ, "/healthz", NULL, 0, web_no_params },
	{ WEB_READYZ, "/readyz", NULL, 0, web_no_params },
	{ WEB_METRICS, "/metrics", NULL, 0, web_no_params },
	{ WEB_INDEX, "/", NULL, 1, web_no_params },
	{ WEB_SERIES, "/api/series", NULL, 1, web_page_params },
	{ WEB_EVENTS, "/api/events", NULL, 1, web_range_params },
	{ WEB_ALERTS, "/api/alerts", NULL, 1, web_alert_params },
	{ WEB_OBSERVATIONS, "/api/series/", "/observations", 1,
	  web_range_params },
	{ WEB_CHART, "/chart/", ".svg", 1, web_no_params },
	{ WEB_ALERT, "/alerts/", "", 1, web_page_alert_params },
};

static void	web_bind(struct web *);

static int64_t
web_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

int
web_parse_listen(const char *s, char *host, size_t hostlen, uint16_t *port,
    int *loopback, char *err, size_t errlen)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	const char	*colon, *h;
	char		 buf[WEB_HOST_MAX], shown[PARSE_QUOTE_BUFLEN];
	size_t		 len;
	int64_t		 p;

	parse_quote(s, strlen(s), shown, sizeof(shown));
	if ((colon = strrchr(s, ':')) == NULL) {
		snprintf(err, errlen, "expected HOST:PORT (127.0.0.1:9464, "
		    "[::1]:9464), got \"%s\"", shown);
		return (-1);
	}
	h = s;
	len = (size_t)(colon - s);
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		h++;
		len -= 2;
	}
	if (len == 0 || len >= sizeof(buf) || len >= hostlen) {
		snprintf(err, errlen, "expected HOST:PORT with an address as "
		    "HOST, got \"%s\"", shown);
		return (-1);
	}
	memcpy(buf, h, len);
	buf[len] = '\0';
	if (parse_int64(colon + 1, 1, 65535, &p, NULL, 0) == -1) {
		snprintf(err, errlen, "expected a port from 1 to 65535 after "
		    "the last ':', got \"%s\"", shown);
		return (-1);
	}
	if (strcmp(buf, "localhost") == 0)
		snprintf(buf, sizeof(buf), "127.0.0.1");
	if (inet_pton(AF_INET, buf, &a4) == 1)
		*loopback = (ntohl(a4.s_addr) >> 24) == 127;
	else if (h != s && inet_pton(AF_INET6, buf, &a6) == 1)
		*loopback = IN6_IS_ADDR_LOOPBACK(&a6);
	else {
		snprintf(err, errlen, "expected an IPv4 address, an IPv6 "
		    "address in brackets or localhost before the port (no "
		    "host names), got \"%s\"", shown);
		return (-1);
	}
	snprintf(host, hostlen, "%s", buf);
	*port = (uint16_t)p;
	return (0);
}

/* A listening socket on host:port, or -1 with a message in err. */
static int
web_listen_socket(const char *host, uint16_t port, char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 sslen;
	int			 fd, on = 1;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sslen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sslen = sizeof(*sin6);
	} else {
		snprintf(err, errlen, "bad address %s", host);
		return (-1);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return (-1);
	}
	/* A restart must not wait for the old connections' TIME_WAIT. */
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ss.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on));
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1 ||
	    listen(fd, 64) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		close(fd);
		return (-1);
	}
	return (fd);
}

static void
web_unbind(struct web *w)
{
	if (w->bound == NULL)
		return;
	/* evhttp's listener closes the socket. */
	evhttp_del_accept_socket(w->http, w->bound);
	w->bound = NULL;
	log_info("http: no longer listening on %s", w->bound_listen);
	free(w->bound_listen);
	w->bound_listen = NULL;
	w->bound_host[0] = '\0';
	w->bound_port = 0;
}

static void
web_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	web_bind(arg);
}

/* Binds w->want unless it is bound already; retries later on failure. */
static void
web_bind(struct web *w)
{
	struct evhttp_bound_socket	*b;
	struct timeval			 tv = { WEB_RETRY_SECONDS, 0 };
	char				 host[WEB_HOST_MAX], err[256];
	uint16_t			 port;
	int				 fd, loopback;

	evtimer_del(w->retry);
	if (w->stopped)
		return;
	if (w->want == NULL || *w->want == '\0') {
		web_unbind(w);
		return;
	}
	if (web_parse_listen(w->want, host, sizeof(host), &port, &loopback,
	    err, sizeof(err)) == -1) {
		/* config_load checked it: a broken invariant. */
		log_warnx("http: listen: %s", err);
		return;
	}
	if (w->bound != NULL && strcmp(host, w->bound_host) == 0 &&
	    port == w->bound_port)
		return;
	if ((fd = web_listen_socket(host, port, err, sizeof(err))) == -1 ||
	    (b = evhttp_accept_socket_with_handle(w->http, fd)) == NULL) {
		if (fd != -1) {
			snprintf(err, sizeof(err), "cannot accept");
			close(fd);
		}
		log_warnx("http: cannot listen on %s: %s; retrying every %ds",
		    w->want, err, WEB_RETRY_SECONDS);
		evtimer_add(w->retry, &tv);
		return;
	}
	/* The old socket served until the new one was ready. */
	web_unbind(w);
	w->bound = b;
	snprintf(w->bound_host, sizeof(w->bound_host), "%s", host);
	w->bound_port = port;
	w->bound_listen = xstrdup(w->want);
	log_info("http: listening on %s", w->want);
}

/* Whether the request carries the configured token (or none is set). */
static int
web_authorized(const struct web *w, struct evhttp_request *req)
{
	unsigned char	 got[SHA256_DIGEST_LENGTH];
	const char	*h;

	if (!w->has_token)
		return (1);
	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return (0);
	h += 7;
	while (*h == ' ')
		h++;
	/* Hashing first makes the comparison independent of the lengths;
	 * CRYPTO_memcmp takes the same time whatever differs. */
	SHA256((const unsigned char *)h, strlen(h), got);
	return (CRYPTO_memcmp(got, w->token, sizeof(got)) == 0);
}

/*
 * Whether the request is a GET or HEAD of an alert's page with a valid
 * link signature, when a token is set.  The signature covers the path
 * as the notifier wrote it, "/alerts/" and the fingerprint, so the one
 * fingerprint decoded from the request is what is checked.
 */
static int
web_signed(const struct web *w, const struct web_route *rt,
    struct evhttp_request *req, const char *path)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);
	struct evkeyvalq	 q;
	const char		*query, *sig;
	char			*fp, *canon;
	int			 ok = 0;

	if (!w->has_token || rt == NULL || rt->kind != WEB_ALERT ||
	    (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) || uri == NULL ||
	    (query = evhttp_uri_get_query(uri)) == NULL)
		return (0);
	TAILQ_INIT(&q);
	if (evhttp_parse_query_str(query, &q) == -1) {
		evhttp_clear_headers(&q);
		return (0);
	}
	fp = reply_decode(path + strlen(rt->prefix),
	    strlen(path + strlen(rt->prefix)), 0);
	if (fp != NULL && dashboard_fingerprint_ok(fp) &&
	    (sig = evhttp_find_header(&q, "sig")) != NULL) {
		canon = xasprintf("%s%s", rt->prefix, fp);
		ok = linksig_verify(w->linkkey, canon, sig);
		free(canon);
	}
	free(fp);
	evhttp_clear_headers(&q);
	return (ok);
}

static void
web_healthz(struct reply *r)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "status", "ok");
	reply_json(r, 200, o);
}

static void
web_check(cJSON *checks, const char *name, int ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
web_check(cJSON *checks, const char *name, int ok, const char *fmt, ...)
{
	cJSON	*c = cJSON_CreateObject();
	char	 why[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(c, "name", name);
	cJSON_AddBoolToObject(c, "ok", ok);
	cJSON_AddStringToObject(c, "why", why);
	cJSON_AddItemToArray(checks, c);
}

/* Checks one feed against its schedule; returns whether it is fresh. */
static int
web_check_feed(const struct web *w, cJSON *checks, const struct feed *f,
    int64_t now)
{
	struct scheduler_feed_status	 st;
	char				 name[300], age[32], limit[32];
	uint64_t			 period, allowed;
	int64_t				 since;
	size_t				 i;
	int				 found;

	snprintf(name, sizeof(name), "feed %s", f->name);
	if (!f->enabled) {
		web_check(checks, name, 1, "disabled");
		return (1);
	}
	for (i = 0, found = 0; !found &&
	    scheduler_feed_status(w->src.scheduler, i, &st) == 0; i++)
		found = strcmp(st.name, f->name) == 0;
	if (!found) {
		web_check(checks, name, 1, "not scheduled yet");
		return (1);
	}
	/* Stale: no success for two periods, its jitter and one whole
	 * transfer, counted from the start when it never succeeded. */
	period = f->interval > f->align ? f->interval : f->align;
	allowed = 2 * period + f->jitter + f->timeout;
	since = st.last_success > 0 ? st.last_success : w->started;
	parse_duration_format(now > since ? (uint64_t)(now - since) : 0, age,
	    sizeof(age));
	parse_duration_format(allowed, limit, sizeof(limit));
	if (now - since > (int64_t)allowed) {
		web_check(checks, name, 0, "no successful run for %s (allowed "
		    "%s)%s%s", age, limit, *st.last_error != '\0' ?
		    "; last error: " : "", st.last_error);
		return (0);
	}
	if (st.last_success > 0)
		web_check(checks, name, 1, "last success %s ago", age);
	else
		web_check(checks, name, 1, "no run yet, started %s ago", age);
	return (1);
}

static void
web_readyz(struct web *w, struct reply *r)
{
	cJSON		*o, *checks;
	enum pg_state	 st = pg_state(w->src.pg);
	int64_t		 now = web_now();
	size_t		 i;
	int		 ready = 1;

	o = cJSON_CreateObject();
	checks = cJSON_CreateArray();
	if (st == PG_CONNECTED)
		web_check(checks, "database", 1, "connected");
	else {
		const char *e = pg_last_error(w->src.pg);

		ready = 0;
		web_check(checks, "database", 0, "%s%s%s",
		    st == PG_CONNECTING ? "connecting" : "not connected",
		    e != NULL && *e != '\0' ? ": " : "", e != NULL ? e : "");
	}
	if (st == PG_CONNECTED && w->schema)
		web_check(checks, "schema", 1, "current");
	else {
		ready = 0;
		web_check(checks, "schema", 0, "%s", st == PG_CONNECTED ?
		    "being checked" : "unknown without a database connection");
	}
	for (i = 0; w->config != NULL && i < w->config->nfeeds; i++) {
		if (!web_check_feed(w, checks, &w->config->feeds[i], now))
			ready = 0;
	}
	cJSON_AddStringToObject(o, "status", ready ? "ready" : "not ready");
	cJSON_AddItemToObject(o, "checks", checks);
	reply_json(r, ready ? 200 : 503, o);
}

/* The decoded {key} of a route with prefix and suffix, or NULL after
 * answering 400/404. */
static char *
web_route_key(struct reply *r, const struct web_route *rt, const char *path)
{
	size_t	plen = strlen(rt->prefix), slen = strlen(rt->suffix);
	size_t	len = strlen(path) - plen - slen;
	char	*key;

	if (len == 0 || len > WEB_KEY_MAX * 3) {
		reply_error(r, 404, NULL, "not found");
		return (NULL);
	}
	if ((key = reply_decode(path + plen, len, 0)) == NULL ||
	    strlen(key) > WEB_KEY_MAX) {
		free(key);
		reply_error(r, 400, NULL, "malformed series key in the path");
		return (NULL);
	}
	return (key);
}

static const struct web_route *
web_route_find(const char *path)
{
	const struct web_route	*rt;
	size_t			 i, len = strlen(path), plen, slen;

	for (i = 0; i < sizeof(web_routes) / sizeof(web_routes[0]); i++) {
		rt = &web_routes[i];
		if (rt->suffix == NULL) {
			if (strcmp(path, rt->prefix) == 0)
				return (rt);
			continue;
		}
		plen = strlen(rt->prefix);
		slen = strlen(rt->suffix);
		if (len > plen + slen && strncmp(path, rt->prefix, plen) == 0 &&
		    strcmp(path + len - slen, rt->suffix) == 0)
			return (rt);
	}
	return (NULL);
}

static void
web_dispatch(struct web *w, struct reply *r, struct evhttp_request *req)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const struct web_route	*rt;
	const char		*path = NULL;
	char			*key = NULL;
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);

	if (uri != NULL)
		path = evhttp_uri_get_path(uri);
	if (path == NULL || *path == '\0')
		path = "/";
	rt = web_route_find(path);
	/* Only "process up" needs no token: it tells nothing else. */
	if ((rt == NULL || rt->kind != WEB_HEALTHZ) &&
	    !web_authorized(w, req) && !web_signed(w, rt, req, path)) {
		reply_header(r, "WWW-Authenticate", "Bearer realm=\"potashd\"");
		reply_error(r, 401, NULL, "this server wants "
		    "\"Authorization: Bearer <token>\" with its token");
		return;
	}
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		reply_header(r, "Allow", "GET, HEAD");
		reply_error(r, 405, NULL, "read-only server: only GET and "
		    "HEAD are allowed");
		return;
	}
	if (rt == NULL) {
		reply_error(r, 404, NULL, "not found");
		return;
	}
	if (reply_parse_params(r, rt->params) == -1)
		return;
	/* An alert's page answers its own 400, in HTML: people follow
	 * these links from their mail. */
	if (rt->kind == WEB_ALERT) {
		if ((key = page_alert_key(r, path + strlen(rt->prefix))) ==
		    NULL)
			return;
	} else if (rt->suffix != NULL &&
	    (key = web_route_key(r, rt, path)) == NULL)
		return;
	if (rt->db && pg_state(w->src.pg) != PG_CONNECTED)
		reply_error(r, 503, NULL, "database not connected");
	else if (rt->db && !w->schema)
		reply_error(r, 503, NULL, "database schema not checked yet");
	else {
		switch (rt->kind) {
		case WEB_HEALTHZ:
			web_healthz(r);
			break;
		case WEB_READYZ:
			web_readyz(w, r);
			break;
		case WEB_METRICS:
			metrics_serve(w->metrics, r, &w->src, w->schema);
			break;
		case WEB_INDEX:
			page_index(r, &w->src, w->config);
			break;
		case WEB_CHART:
			page_chart(r, key);
			break;
		case WEB_SERIES:
			api_series(r);
			break;
		case WEB_OBSERVATIONS:
			api_observations(r, key);
			break;
		case WEB_EVENTS:
			api_events(r);
			break;
		case WEB_ALERTS:
			api_alerts(r);
			break;
		case WEB_ALERT:
			page_alert(r, key);
			break;
		}
	}
	free(key);
}

static void
web_request_cb(struct evhttp_request *req, void *arg)
{
	struct web	*w = arg;
	struct reply	*r;

	r = reply_new(w->pool, req);
	web_dispatch(w, r, req);
	reply_release(r);
}

static void
web_sent_cb(int status, void *arg)
{
	struct web	*w = arg;

	metrics_response(w->metrics, status);
}

struct web *
web_new(struct event_base *base, const struct web_sources *src)
{
	struct web	*w;

	w = xcalloc(1, sizeof(*w));
	w->base = base;
	w->src = *src;
	w->started = web_now();
	if ((w->http = evhttp_new(base)) == NULL)
		fatalx("http: cannot create the server");
	/* Every method reaches us, so that refusals carry our headers. */
	evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_timeout(w->http, WEB_IDLE_TIMEOUT);
	evhttp_set_max_headers_size(w->http, WEB_MAX_HEADERS);
	evhttp_set_max_body_size(w->http, WEB_MAX_BODY);
	evhttp_set_gencb(w->http, web_request_cb, w);
	if ((w->retry = evtimer_new(base, web_retry_cb, w)) == NULL)
		fatalx("http: cannot create a timer");
	w->pool = reply_pool_new(base, src->pg, WEB_QUERY_TIMEOUT_USEC,
	    web_sent_cb, w);
	w->metrics = metrics_new(base);
	return (w);
}

void
web_free(struct web *w)
{
	if (w == NULL)
		return;
	/* Answer what waits while evhttp still holds the connections. */
	reply_pool_free(w->pool);
	evhttp_free(w->http);
	event_free(w->retry);
	metrics_free(w->metrics);
	explicit_bzero(w->token, sizeof(w->token));
	explicit_bzero(w->linkkey, sizeof(w->linkkey));
	free(w->bound_listen);
	free(w->want);
	free(w);
}

void
web_configure(struct web *w, const struct config *c)
{
	const char	*token = c->http.token;

	w->config = c;
	w->has_token = token != NULL && *token != '\0';
	if (w->has_token) {
		SHA256((const unsigned char *)token, strlen(token), w->token);
		(void)linksig_key(token, w->linkkey);
	} else
		explicit_bzero(w->linkkey, sizeof(w->linkkey));
	free(w->want);
	w->want = xstrdup(c->http.listen);
	web_bind(w);
}

void
web_stop(struct web *w)
{
	w->stopped = 1;
	evtimer_del(w->retry);
	web_unbind(w);
}

void
web_set_schema(struct web *w, int current)
{
	w->schema = current;
}

void
web_batch_latency(struct web *w, uint64_t usec)
{
	metrics_batch_latency(w->metrics, usec);
}
