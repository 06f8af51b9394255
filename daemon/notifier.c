/* SPDX-License-Identifier: ISC */
/*
 * notifier: claims, renders, sends and records notifications; see
 * notifier.h.
 *
 * One claim is in flight at a time (busy); each claimed row becomes a
 * delivery that lives until its result is recorded or the result cannot
 * be (no connection: the row is claimed again later).  A delivery whose
 * body is new stores it first (UPDATE ... WHERE body IS NULL) and sends
 * after that commits, so that a retry after a crash sends the same bytes.
 */
#include <sys/queue.h>
#include <sys/time.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <event2/event.h>
#include <libpq-fe.h>
#include <openssl/crypto.h>

#include "daemon/config_channel.h"
#include "daemon/log.h"
#include "daemon/notifier.h"
#include "notify/email.h"
#include "notify/webhook.h"
#include "store/pg.h"
#include "transfer/transfer.h"
#include "util/linksig.h"
#include "util/xmalloc.h"

#define NOTIFIER_POLL_USEC	INT64_C(1000000)
#define NOTIFIER_REPEAT_USEC	INT64_C(60000000)
#define NOTIFIER_MAX_INFLIGHT	16
#define NOTIFIER_EXCERPT	512
#define NOTIFIER_MAX_HEADERS	(4 + 32)

struct delivery {
	TAILQ_ENTRY(delivery)	 entry;
	struct notifier		*n;
	int64_t			 id;
	int			 attempt;
	char			*channel;
	char			*key;
	char			*body;
	size_t			 len;
	int64_t			 started;	/* realtime usec */
	uint64_t		 xfer;		/* transfer id, 0: none */
};
TAILQ_HEAD(deliveries, delivery);

struct notifier {
	struct event_base	*base;
	struct pg		*pg;
	struct transfer		*transfer;
	const struct channel	*channels;
	size_t			 nchannels;
	struct event		*timer;

	int			 ready;		/* schema current */
	int			 loaded;	/* channels mirrored */
	int			 loading;
	int			 busy;		/* a claim in flight */
	int			 stopped;
	int64_t			 last_repeat;

	char			*external_url;	/* or NULL */
	/* Signs the links to alert pages when the dashboard wants a token
	 * (util/linksig.h). */
	uint8_t			 linkkey[LINKSIG_KEY_LEN];
	int			 has_linkkey;
	struct deliveries	 inflight;
	size_t			 ninflight;
	struct notifier_stats	 st;
};

static void	notifier_poll(struct notifier *);

static int64_t
notifier_now(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return ((int64_t)tv.tv_sec * 1000000 + tv.tv_usec);
}

static void
notifier_arm(struct notifier *n, int64_t usec)
{
	struct timeval	tv;

	if (n->timer == NULL || n->stopped)
		return;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	evtimer_add(n->timer, &tv);
}

static const struct channel *
notifier_channel(const struct notifier *n, const char *name)
{
	size_t	i;

	for (i = 0; i < n->nchannels; i++) {
		if (strcmp(n->channels[i].name, name) == 0)
			return (&n->channels[i]);
	}
	return (NULL);
}

static void
notifier_delivery_free(struct delivery *d)
{
	struct notifier	*n = d->n;

	TAILQ_REMOVE(&n->inflight, d, entry);
	n->ninflight--;
	free(d->channel);
	free(d->key);
	free(d->body);
	free(d);
}

/* Where a channel delivers, without secrets: for potash.channels. */
static char *
notifier_target(const struct channel *ch)
{
	char	url[1024], *s, *tmp;
	size_t	i;

	if (transfer_redact_url(ch->url, url, sizeof(url)) == -1)
		snprintf(url, sizeof(url), "(URL too long)");
	if (ch->type == CHANNEL_WEBHOOK)
		return (xstrdup(url));
	s = xasprintf("%s to", url);
	for (i = 0; i < ch->nto; i++) {
		tmp = xasprintf("%s%s %s", s, i > 0 ? "," : "", ch->to[i]);
		free(s);
		s = tmp;
	}
	return (s);
}

static char *
notifier_channels_json(const struct notifier *n)
{
	const struct channel	*ch;
	cJSON			*arr = cJSON_CreateArray(), *o, *gb;
	char			*s, *target;
	size_t			 i, j;

	for (i = 0; i < n->nchannels; i++) {
		ch = &n->channels[i];
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", ch->name);
		cJSON_AddStringToObject(o, "type", ch->type == CHANNEL_WEBHOOK ?
		    "webhook" : "email");
		target = notifier_target(ch);
		cJSON_AddStringToObject(o, "target", target);
		free(target);
		gb = cJSON_AddArrayToObject(o, "group_by");
		for (j = 0; j < ch->ngroup_by; j++)
			cJSON_AddItemToArray(gb,
			    cJSON_CreateString(ch->group_by[j]));
		cJSON_AddNumberToObject(o, "group_wait",
		    (double)ch->group_wait / 1e6);
		cJSON_AddNumberToObject(o, "group_interval",
		    (double)ch->group_interval / 1e6);
		cJSON_AddNumberToObject(o, "repeat_interval",
		    (double)ch->repeat_interval / 1e6);
		cJSON_AddBoolToObject(o, "send_resolved", ch->send_resolved);
		cJSON_AddNumberToObject(o, "max_attempts",
		    (double)ch->max_attempts);
		cJSON_AddNumberToObject(o, "max_age",
		    (double)ch->max_age / 1e6);
		cJSON_AddNumberToObject(o, "max_alerts",
		    (double)ch->max_alerts);
		cJSON_AddItemToArray(arr, o);
	}
	s = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	return (s);
}

/* The outcome of an attempt, as potash.notification_result takes it. */
struct notifier_outcome {
	const char	*verdict;	/* sent, retry, permanent, disabled */
	long		 status;	/* HTTP status or SMTP code, 0: none */
	const char	*response;	/* excerpt, or NULL */
	const char	*error;		/* or NULL */
	int64_t		 retry_after;	/* seconds, -1: none */
};

static void
notifier_result_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct delivery	*d = arg;
	struct notifier	*n = d->n;
	const char	*st;

	if (!pg_result_ok(res)) {
		n->st.db_errors++;
		log_warnx("notify %" PRId64 " (%s): recording the attempt: %s; "
		    "it is sent again later", d->id, d->channel,
		    res != NULL ? pg_result_error(res) :
		    "database connection lost");
	} else {
		st = PQgetvalue(res, 0, 0);
		n->st.attempts++;
		if (strcmp(st, "sent") == 0)
			n->st.sent++;
		else if (strcmp(st, "retry") == 0)
			n->st.retried++;
		else if (strcmp(st, "dead") == 0) {
			n->st.dead++;
			log_warnx("notify %" PRId64 " (%s): dead-lettered "
			    "after %d attempt%s", d->id, d->channel,
			    d->attempt, d->attempt == 1 ? "" : "s");
		}
	}
	notifier_delivery_free(d);
	/* A free slot, or a dead letter queued for the other channels. */
	notifier_arm(n, 0);
}

static void
notifier_record(struct delivery *d, const struct notifier_outcome *o,
    uint64_t delay)
{
	struct notifier	*n = d->n;
	const char	*p[10];
	char		 id[32], att[32], started[64], dur[32], code[32];
	char		 ra[32], dl[32];
	struct tm	 tm;
	time_t		 t;
	int64_t		 now = notifier_now();

	t = (time_t)(d->started / 1000000);
	gmtime_r(&t, &tm);
	strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(started + strlen(started), sizeof(started) - strlen(started),
	    ".%06dZ", (int)(d->started % 1000000));
	snprintf(id, sizeof(id), "%" PRId64, d->id);
	snprintf(att, sizeof(att), "%d", d->attempt);
	snprintf(dur, sizeof(dur), "%.3f", d->started > 0 ?
	    (double)(now - d->started) / 1000.0 : 0.0);
	snprintf(code, sizeof(code), "%ld", o->status);
	snprintf(ra, sizeof(ra), "%" PRId64, o->retry_after);
	snprintf(dl, sizeof(dl), "%.6f", (double)delay / 1e6);
	if (d->started > 0)
		n->st.attempt_seconds += (double)(now - d->started) / 1e6;
	p[0] = id;
	p[1] = att;
	p[2] = started;
	p[3] = dur;
	p[4] = o->verdict;
	p[5] = o->status > 0 ? code : NULL;
	p[6] = o->response;
	p[7] = o->error;
	p[8] = o->retry_after >= 0 ? ra : NULL;
	p[9] = dl;
	if (pg_query(n->pg, "SELECT potash.notification_result($1::int8, "
	    "$2::int4, $3::timestamptz, $4::float8, $5, $6::int4, $7, $8, "
	    "$9::float8, $10::float8)", 10, p, notifier_result_cb, d) == -1) {
		log_warnx("notify %" PRId64 " (%s): database connection lost "
		    "before the attempt was recorded; it is sent again later",
		    d->id, d->channel);
		notifier_delivery_free(d);
	}
}

/*
 * Full jitter over an exponential backoff up to retry_max; a receiver's
 * Retry-After wins when longer, even beyond retry_max (it asked), but
 * never beyond the channel's max_age.
 */
static uint64_t
notifier_delay(const struct channel *ch, int attempt, int64_t retry_after)
{
	uint64_t	d, ra;

	d = webhook_backoff((unsigned)attempt, ch->retry_initial,
	    ch->retry_max, -1, arc4random());
	if (retry_after >= 0) {
		ra = (uint64_t)retry_after * 1000000;
		if (ra > ch->max_age)
			ra = ch->max_age;
		if (ra > d)
			d = ra;
	}
	return (d);
}

static void
notifier_excerpt(const char *body, size_t len, char *out, size_t outlen)
{
	size_t	i, j = 0;

	for (i = 0; i < len && j + 1 < outlen && i < NOTIFIER_EXCERPT; i++) {
		unsigned char c = (unsigned char)body[i];

		out[j++] = (c < ' ' && c != '\t') || c == 0x7f ? ' ' :
		    (char)c;
	}
	out[j] = '\0';
}

static void
notifier_done_cb(const struct transfer_result *r, void *arg)
{
	struct delivery		*d = arg;
	struct notifier		*n = d->n;
	const struct channel	*ch;
	struct notifier_outcome	 o;
	char			 excerpt[NOTIFIER_EXCERPT + 1] = "";
	uint64_t		 delay = 0;

	d->xfer = 0;
	memset(&o, 0, sizeof(o));
	o.status = r->status;
	o.retry_after = r->retry_after_sec;
	if (r->outcome == TRANSFER_CANCELLED) {
		/* Shutting down: the claim dies with the connection. */
		notifier_delivery_free(d);
		return;
	}
	ch = notifier_channel(n, d->channel);
	if (r->outcome == TRANSFER_OK && r->len > 0) {
		notifier_excerpt(r->body, r->len, excerpt, sizeof(excerpt));
		o.response = excerpt;
	}
	if (r->outcome == TRANSFER_ERROR)
		o.error = r->error;
	if (ch != NULL && ch->type == CHANNEL_EMAIL) {
		/* curl ends an SMTP transfer well only after 250. */
		if (r->outcome == TRANSFER_OK)
			o.verdict = "sent";
		else if (r->status >= 500 && r->status < 600)
			o.verdict = "permanent";
		else
			o.verdict = "retry";
	} else {
		switch (webhook_classify(r->outcome == TRANSFER_OK,
		    r->status)) {
		case WEBHOOK_SENT:
			o.verdict = "sent";
			break;
		case WEBHOOK_RETRY:
			o.verdict = "retry";
			break;
		case WEBHOOK_DISABLE:
			o.verdict = "disabled";
			break;
		case WEBHOOK_PERMANENT:
		default:
			o.verdict = "permanent";
			break;
		}
	}
	if (strcmp(o.verdict, "retry") == 0 && ch != NULL)
		delay = notifier_delay(ch, d->attempt, o.retry_after);
	if (strcmp(o.verdict, "sent") == 0)
		log_info("notify %" PRId64 " (%s): delivered, attempt %d, "
		    "status %ld", d->id, d->channel, d->attempt, r->status);
	else
		log_warnx("notify %" PRId64 " (%s): attempt %d failed: %s, "
		    "status %ld (%s)", d->id, d->channel, d->attempt,
		    o.error != NULL ? o.error : "no error text", r->status,
		    o.verdict);
	notifier_record(d, &o, delay);
}

/* The addr-spec of "Name <addr>" or "addr", for the SMTP envelope. */
static char *
notifier_addr_spec(const char *s)
{
	const char	*lt = strrchr(s, '<'), *gt;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
		return (xstrndup(lt + 1, (size_t)(gt - lt - 1)));
	while (*s == ' ' || *s == '\t')
		s++;
	return (xstrndup(s, strcspn(s, " \t")));
}

static void
notifier_send(struct delivery *d)
{
	struct notifier		*n = d->n;
	const struct channel	*ch = notifier_channel(n, d->channel);
	struct transfer_request	 req;
	struct notifier_outcome	 o;
	struct webhook_headers	 wh;
	const char		*headers[NOTIFIER_MAX_HEADERS + 1];
	char			*from = NULL, **rcpt = NULL;
	size_t			 nh = 0, i;
	int64_t			 ts;

	if (ch == NULL) {
		memset(&o, 0, sizeof(o));
		o.verdict = "permanent";
		o.error = "channel no longer configured";
		o.retry_after = -1;
		notifier_record(d, &o, 0);
		return;
	}
	memset(&req, 0, sizeof(req));
	req.url = ch->url;
	req.connect_timeout_ms = ch->connect_timeout / 1000;
	req.total_timeout_ms = ch->timeout / 1000;
	/* Only an excerpt of the answer is kept: read the head, drop the
	 * rest, so a 2xx with a long body is still a delivery. */
	req.max_bytes = 4 * NOTIFIER_EXCERPT;
	req.truncate_body = 1;
	req.upload = d->body;
	req.upload_len = d->len;
	req.ca_file = ch->ca_file;
	d->started = notifier_now();
	if (ch->type == CHANNEL_WEBHOOK) {
		ts = d->started / 1000000;
		if (webhook_headers(&wh, ch->secrets.n > 0 ? &ch->secrets :
		    NULL, d->key, ts, d->body, d->len) == -1) {
			memset(&o, 0, sizeof(o));
			o.verdict = "permanent";
			o.error = "cannot sign the request";
			o.retry_after = -1;
			notifier_record(d, &o, 0);
			return;
		}
		for (i = 0; wh.v[i] != NULL; i++)
			headers[nh++] = wh.v[i];
		for (i = 0; i < ch->nheaders && nh < NOTIFIER_MAX_HEADERS; i++)
			headers[nh++] = ch->headers[i];
		headers[nh] = NULL;
		req.headers = headers;
		req.no_redirects = 1;
	} else {
		from = notifier_addr_spec(ch->from);
		rcpt = xcalloc(ch->nto + 1, sizeof(*rcpt));
		for (i = 0; i < ch->nto; i++)
			rcpt[i] = notifier_addr_spec(ch->to[i]);
		req.mail_from = from;
		req.mail_rcpt = (const char *const *)rcpt;
		if (*ch->username != '\0') {
			req.username = ch->username;
			req.password = ch->password != NULL ? ch->password :
			    "";
		}
		req.use_ssl = ch->tls == CHANNEL_TLS_OFF ? TRANSFER_SSL_NONE :
		    TRANSFER_SSL_REQUIRED;
	}
	d->xfer = transfer_start(n->transfer, &req, notifier_done_cb, d);
	free(from);
	for (i = 0; rcpt != NULL && rcpt[i] != NULL; i++)
		free(rcpt[i]);
	free(rcpt);
}

static void
notifier_stored_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct delivery	*d = arg;

	if (!pg_result_ok(res)) {
		d->n->st.db_errors++;
		log_warnx("notify %" PRId64 " (%s): storing the body: %s; "
		    "sending later", d->id, d->channel, res != NULL ?
		    pg_result_error(res) : "database connection lost");
		notifier_delivery_free(d);
		return;
	}
	notifier_send(d);
}

/* Renders the document for ch: the body that every attempt sends. */
/* Adds link_sig to each alert of doc that has a fingerprint (doc.h). */
static void
notifier_sign_links(const struct notifier *n, cJSON *doc)
{
	cJSON		*a, *fp;
	char		*path, sig[LINKSIG_LEN];

	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(doc,
	    "alerts")) {
		fp = cJSON_GetObjectItemCaseSensitive(a, "fingerprint");
		if (!cJSON_IsObject(a) || !cJSON_IsString(fp))
			continue;
		path = xasprintf("/alerts/%s", fp->valuestring);
		if (linksig_sign(n->linkkey, path, sig) == 0) {
			cJSON_DeleteItemFromObjectCaseSensitive(a,
			    "link_sig");
			cJSON_AddStringToObject(a, "link_sig", sig);
		}
		free(path);
	}
}

static char *
notifier_render(const struct channel *ch, const cJSON *doc, size_t *len,
    char *err, size_t errlen)
{
	struct email_params	 p;

	if (ch->type == CHANNEL_WEBHOOK)
		return (webhook_body(doc, ch->format, len, err, errlen));
	memset(&p, 0, sizeof(p));
	p.from = ch->from;
	p.to = (const char *const *)ch->to;
	p.nto = ch->nto;
	p.subject = *ch->subject != '\0' ? ch->subject : NULL;
	p.hostname = NULL;
	p.date = notifier_now() / 1000000;
	p.seed = arc4random();
	return (email_message(doc, &p, len, err, errlen));
}

static void
notifier_start_delivery(struct notifier *n, const PGresult *res, int row)
{
	struct delivery		*d;
	const struct channel	*ch;
	struct notifier_outcome	 o;
	cJSON			*doc;
	const char		*p[2];
	char			 err[512], id[32];

	d = xcalloc(1, sizeof(*d));
	d->n = n;
	d->id = strtoll(PQgetvalue(res, row, 0), NULL, 10);
	d->channel = xstrdup(PQgetvalue(res, row, 1));
	d->key = xstrdup(PQgetvalue(res, row, 2));
	d->attempt = (int)strtol(PQgetvalue(res, row, 3), NULL, 10);
	TAILQ_INSERT_TAIL(&n->inflight, d, entry);
	n->ninflight++;
	n->st.claimed++;

	memset(&o, 0, sizeof(o));
	o.retry_after = -1;
	if (!PQgetisnull(res, row, 5)) {
		d->body = xstrdup(PQgetvalue(res, row, 5));
		d->len = strlen(d->body);
		notifier_send(d);
		return;
	}
	if ((ch = notifier_channel(n, d->channel)) == NULL) {
		o.verdict = "permanent";
		o.error = "channel no longer configured";
		notifier_record(d, &o, 0);
		return;
	}
	err[0] = '\0';
	doc = cJSON_Parse(PQgetvalue(res, row, 4));
	if (doc == NULL)
		snprintf(err, sizeof(err), "the notification document is "
		    "not JSON");
	else {
		if (n->external_url != NULL)
			cJSON_ReplaceItemInObjectCaseSensitive(doc,
			    "external_url",
			    cJSON_CreateString(n->external_url));
		if (n->external_url != NULL && n->has_linkkey)
			notifier_sign_links(n, doc);
		d->body = notifier_render(ch, doc, &d->len, err, sizeof(err));
	}
	cJSON_Delete(doc);
	if (d->body == NULL) {
		n->st.render_errors++;
		log_warnx("notify %" PRId64 " (%s): cannot render: %s", d->id,
		    d->channel, err);
		o.verdict = "permanent";
		o.error = err;
		notifier_record(d, &o, 0);
		return;
	}
	snprintf(id, sizeof(id), "%" PRId64, d->id);
	p[0] = id;
	p[1] = d->body;
	if (pg_query(n->pg, "UPDATE potash.notifications SET body = $2 "
	    "WHERE id = $1::int8 AND body IS NULL", 2, p, notifier_stored_cb,
	    d) == -1)
		notifier_delivery_free(d);
}

static void
notifier_claim_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct notifier	*n = arg;
	int		 i, rows = 0;

	n->busy = 0;
	if (!pg_result_ok(res)) {
		n->st.db_errors++;
		if (res != NULL)
			log_warnx("notify: claiming due notifications: %s",
			    pg_result_error(res));
	} else if (!n->stopped) {
		rows = PQntuples(res);
		for (i = 0; i < rows; i++)
			notifier_start_delivery(n, res, i);
	}
	/* A full claim may leave more due rows: look again at once. */
	notifier_arm(n, rows > 0 && n->ninflight < NOTIFIER_MAX_INFLIGHT ?
	    0 : NOTIFIER_POLL_USEC);
}

static void
notifier_repeats_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct notifier	*n = arg;

	if (!pg_result_ok(res)) {
		n->st.db_errors++;
		if (res != NULL)
			log_warnx("notify: queueing repeats: %s",
			    pg_result_error(res));
	}
}

static void
notifier_poll(struct notifier *n)
{
	struct delivery	*d;
	const char	*p[2];
	char		 lim[16], *busy, *tmp;
	int64_t		 now = notifier_now();

	if (!n->ready || !n->loaded || n->busy || n->stopped)
		return;
	if (n->ninflight >= NOTIFIER_MAX_INFLIGHT)
		return;
	if (now - n->last_repeat >= NOTIFIER_REPEAT_USEC) {
		n->last_repeat = now;
		(void)pg_query(n->pg, "SELECT potash.notification_repeats()",
		    0, NULL, notifier_repeats_cb, n);
	}
	busy = xstrdup("{");
	TAILQ_FOREACH(d, &n->inflight, entry) {
		tmp = xasprintf("%s%s%" PRId64, busy, busy[1] != '\0' ? "," :
		    "", d->id);
		free(busy);
		busy = tmp;
	}
	tmp = xasprintf("%s}", busy);
	free(busy);
	busy = tmp;
	snprintf(lim, sizeof(lim), "%zu", NOTIFIER_MAX_INFLIGHT -
	    n->ninflight);
	p[0] = lim;
	p[1] = busy;
	if (pg_query(n->pg, "SELECT id, channel, idempotency_key, attempt, "
	    "doc::text, body FROM potash.notification_claim($1::int4, "
	    "$2::int8[])", 2, p, notifier_claim_cb, n) == 0)
		n->busy = 1;
	free(busy);
}

static void
notifier_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct notifier	*n = arg;

	notifier_poll(n);
	if (!n->busy)
		notifier_arm(n, NOTIFIER_POLL_USEC);
}

static void
notifier_loaded_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct notifier	*n = arg;

	n->loading = 0;
	if (!pg_result_ok(res)) {
		n->st.db_errors++;
		if (res != NULL)
			log_warnx("notify: storing the channels: %s",
			    pg_result_error(res));
		return;
	}
	n->loaded = 1;
	log_info("notify: %zu channel%s", n->nchannels,
	    n->nchannels == 1 ? "" : "s");
	notifier_arm(n, 0);
}

static void
notifier_load(struct notifier *n)
{
	const char	*p[1];
	char		*json;

	if (!n->ready || n->loading || n->stopped)
		return;
	json = notifier_channels_json(n);
	p[0] = json;
	if (pg_query(n->pg, "SELECT potash.channels_load($1::jsonb)", 1, p,
	    notifier_loaded_cb, n) == 0)
		n->loading = 1;
	free(json);
}

struct notifier *
notifier_new(struct event_base *base, struct pg *pg, struct transfer *t,
    const struct channel *chs, size_t nchs)
{
	struct notifier	*n;

	n = xcalloc(1, sizeof(*n));
	n->base = base;
	n->pg = pg;
	n->transfer = t;
	n->channels = chs;
	n->nchannels = nchs;
	TAILQ_INIT(&n->inflight);
	n->timer = evtimer_new(base, notifier_timer_cb, n);
	return (n);
}

void
notifier_stop(struct notifier *n)
{
	n->stopped = 1;
	if (n->timer != NULL)
		evtimer_del(n->timer);
}

void
notifier_free(struct notifier *n)
{
	struct delivery	*d;

	if (n == NULL)
		return;
	/* After transfer_free and pg_free, whose callbacks have freed
	 * every delivery waiting on them; anything left is dropped. */
	while ((d = TAILQ_FIRST(&n->inflight)) != NULL)
		notifier_delivery_free(d);
	if (n->timer != NULL)
		event_free(n->timer);
	free(n->external_url);
	OPENSSL_cleanse(n->linkkey, sizeof(n->linkkey));
	free(n);
}

void
notifier_set_external_url(struct notifier *n, const char *url)
{
	free(n->external_url);
	n->external_url = url != NULL && *url != '\0' ? xstrdup(url) : NULL;
}

void
notifier_set_link_token(struct notifier *n, const char *token)
{
	n->has_linkkey = linksig_key(token, n->linkkey) == 0;
}

void
notifier_configure(struct notifier *n, const struct channel *chs,
    size_t nchs)
{
	n->channels = chs;
	n->nchannels = nchs;
	n->loaded = 0;
	notifier_load(n);
}

void
notifier_pg_ready(struct notifier *n)
{
	n->ready = 1;
	n->loaded = 0;
	notifier_load(n);
}

void
notifier_pg_lost(struct notifier *n)
{
	n->ready = 0;
	n->loaded = 0;
	n->loading = 0;
	n->busy = 0;
}

void
notifier_kick(struct notifier *n)
{
	notifier_poll(n);
}

const struct notifier_stats *
notifier_stats(const struct notifier *n)
{
	return (&n->st);
}
