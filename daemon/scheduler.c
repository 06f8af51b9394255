/* SPDX-License-Identifier: ISC */
/*
 * scheduler: per-feed timers and the run pipeline (request -> transfer ->
 * parse -> batch); see scheduler.h.
 */
#include <sys/queue.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "collectors/collector.h"
#include "daemon/bodymemo.h"
#include "daemon/log.h"
#include "daemon/scheduler.h"
#include "transfer/transfer.h"
#include "util/xmalloc.h"

#define SCHED_BACKOFF_INITIAL	30000000ULL	/* usec */
#define SCHED_BACKOFF_MAX	3600000000ULL	/* usec */
#define SCHED_MAX_PAGES		10
#define SCHED_LOW_SPEED_BYTES	64		/* per second ... */
#define SCHED_LOW_SPEED_SECS	30		/* ... over this long */

struct sched_feed {
	TAILQ_ENTRY(sched_feed)		 entry;
	struct scheduler		*s;
	const struct feed		*feed;		/* in the current config */
	char				*name;
	const struct collector_ops	*ops;
	void				*data;

	struct event			*timer;
	uint64_t			 transfer_id;
	int				 running;
	int				 removed;	/* free once the run ends */
	int				 elsewhere;	/* another instance
							 * polls it */

	char				*etag;
	char				*last_modified;
	struct bodymemo			 memo;		/* body_only kinds */

	/* The run in flight. */
	struct collector_result		 acc;
	int				 pages;
	int64_t				 started;
	uint64_t			 bytes;
	long				 status;
	uint8_t				 digest[SIPHASH128_LEN];
	int				 same_body;	/* parse skipped */
	char				 url[1024];	/* redacted */

	int64_t				 last_run;
	int64_t				 last_success;
	int64_t				 next_due;
	uint64_t			 runs;
	uint64_t			 failures;
	uint64_t			 same_bodies;
	int				 consecutive;
	char				 last_error[512];
};
TAILQ_HEAD(sched_feeds, sched_feed);

struct scheduler {
	struct event_base	*base;
	struct transfer		*transfer;
	scheduler_output_cb	 output;
	void			*output_arg;
	struct sched_feeds	 feeds;
	int			 started;
	uint8_t			 key[SIPHASH_KEY_LEN];	/* for bodymemo */
};

static void	sched_fetch(struct sched_feed *, const char *);

static int64_t
sched_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

uint64_t
scheduler_backoff(int n, uint64_t cap, uint32_t rnd)
{
	uint64_t	d = SCHED_BACKOFF_INITIAL;
	int		i;

	if (cap > SCHED_BACKOFF_MAX)
		cap = SCHED_BACKOFF_MAX;
	for (i = 1; i < n && d < cap; i++)
		d *= 2;
	if (d > cap)
		d = cap;
	/* Full jitter on the upper half: between d/2 and d. */
	return (d / 2 + (uint64_t)rnd % (d / 2 + 1));
}

int64_t
scheduler_next_due(int64_t now, uint64_t interval, uint64_t align)
{
	int64_t	next;

	if (align == 0)
		return (now + (int64_t)interval);
	/* The next multiple of align since the epoch (UTC) after now. */
	next = (now / (int64_t)align + 1) * (int64_t)align;
	return (next);
}

static void
sched_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sched_feed	*sf = arg;

	sched_fetch(sf, NULL);
}

/* Arms the feed's timer for an absolute time (unix usec). */
static void
sched_arm_at(struct sched_feed *sf, int64_t when)
{
	struct timeval	tv;
	int64_t		delay = when - sched_now();

	if (sf->elsewhere) {
		sf->next_due = 0;
		return;
	}
	if (delay < 0)
		delay = 0;
	sf->next_due = when;
	tv.tv_sec = (time_t)(delay / 1000000);
	tv.tv_usec = (suseconds_t)(delay % 1000000);
	evtimer_add(sf->timer, &tv);
}

static uint64_t
sched_jitter(const struct feed *f)
{
	if (f->jitter == 0)
		return (0);
	return ((uint64_t)arc4random_uniform((uint32_t)(f->jitter / 1000 + 1))
	    * 1000);
}

static void
sched_arm_next(struct sched_feed *sf, int64_t retry_after_usec)
{
	const struct feed	*f = sf->feed;
	int64_t			 now = sched_now(), when;
	uint64_t		 back;

	if (!sf->s->started || !f->enabled)
		return;
	if (sf->consecutive > 0) {
		back = scheduler_backoff(sf->consecutive, f->interval,
		    arc4random());
		when = now + (int64_t)back;
		if (retry_after_usec > 0 && now + retry_after_usec > when)
			when = now + retry_after_usec;
	} else
		when = scheduler_next_due(now, f->interval, f->align) +
		    (int64_t)sched_jitter(f);
	sched_arm_at(sf, when);
}

static void
sched_feed_free(struct sched_feed *sf)
{
	if (sf->ops != NULL && sf->ops->free != NULL)
		sf->ops->free(sf->data);
	collector_result_clear(&sf->acc);
	event_free(sf->timer);
	free(sf->etag);
	free(sf->last_modified);
	free(sf->name);
	free(sf);
}

/* Hands the run's batch to the output and schedules the next run. */
static void
sched_finish(struct sched_feed *sf, const char *error,
    int64_t retry_after_usec, const struct transfer_result *tr)
{
	struct scheduler	*s = sf->s;
	struct batch		*b;
	size_t			 i;

	sf->running = 0;
	sf->transfer_id = 0;
	sf->runs++;
	sf->last_run = sf->started;
	/* A failed run keeps nothing it parsed: no half runs. */
	if (error == NULL && sf->acc.batch != NULL) {
		b = sf->acc.batch;
		sf->acc.batch = NULL;
	} else
		b = batch_new(sf->name);
	batch_set_url(b, sf->url);
	b->http_status = (int)sf->status;
	b->bytes = sf->bytes;
	b->started = sf->started;
	b->finished = sched_now();
	if (error != NULL) {
		batch_set_error(b, error);
		sf->failures++;
		sf->consecutive++;
		snprintf(sf->last_error, sizeof(sf->last_error), "%s", error);
		log_warnx("feed %s: %s (failure %d in a row)", sf->name, error,
		    sf->consecutive);
	} else {
		for (i = 0; i < sf->acc.nevents; i++)
			batch_add_event(b, &sf->acc.events[i]);
		/* What the batch stores comes from the one body digested, or
		 * from pages the memo cannot tell apart; 304s and known
		 * bodies store nothing. */
		if (sf->ops->body_only && sf->status != 304 && !sf->same_body)
			bodymemo_handed(&sf->memo, sf->pages == 0 ?
			    sf->digest : NULL, sf->started);
		if (tr != NULL && tr->status != 304) {
			b->etag = tr->etag != NULL ? xstrdup(tr->etag) : NULL;
			b->last_modified = tr->last_modified != NULL ?
			    xstrdup(tr->last_modified) : NULL;
			free(sf->etag);
			free(sf->last_modified);
			sf->etag = b->etag != NULL ? xstrdup(b->etag) : NULL;
			sf->last_modified = b->last_modified != NULL ?
			    xstrdup(b->last_modified) : NULL;
		}
		sf->consecutive = 0;
		sf->last_success = b->finished;
		sf->last_error[0] = '\0';
		if (sf->status == 304)
			log_info("feed %s: not modified", sf->name);
		else if (sf->same_body) {
			sf->same_bodies++;
			log_info("feed %s: the body stored last, %" PRIu64
			    " bytes, not parsed again", sf->name, sf->bytes);
		} else
			log_info("feed %s: %zu observation%s, %zu event%s, "
			    "%" PRIu64 " bytes", sf->name, b->nobs,
			    b->nobs == 1 ? "" : "s", b->nevents,
			    b->nevents == 1 ? "" : "s", sf->bytes);
	}
	collector_result_clear(&sf->acc);
	if (s->output != NULL)
		s->output(b, s->output_arg);
	batch_free(b);
	if (sf->removed) {
		TAILQ_REMOVE(&s->feeds, sf, entry);
		sched_feed_free(sf);
		return;
	}
	sched_arm_next(sf, retry_after_usec);
}

/* A short, printable excerpt of an error body for the run's error. */
static void
sched_excerpt(const char *body, size_t len, char *out, size_t outlen)
{
	size_t	i, n = 0;

	for (i = 0; i < len && n + 1 < outlen && n < 160; i++) {
		unsigned char c = (unsigned char)body[i];

		out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : ' ';
	}
	out[n] = '\0';
}

static void
sched_done_cb(const struct transfer_result *tr, void *arg)
{
	struct sched_feed	*sf = arg;
	char			 err[768], perr[512], excerpt[200];
	int64_t			 retry = 0;
	char			*next;

	sf->transfer_id = 0;
	if (tr->outcome == TRANSFER_CANCELLED) {
		sf->running = 0;
		collector_result_clear(&sf->acc);
		if (sf->removed) {
			TAILQ_REMOVE(&sf->s->feeds, sf, entry);
			sched_feed_free(sf);
		}
		return;
	}
	sf->status = tr->status;
	sf->bytes += tr->len;
	if (tr->outcome != TRANSFER_OK) {
		snprintf(err, sizeof(err), "fetch: %s", tr->error != NULL ?
		    tr->error : "failed");
		sched_finish(sf, err, 0, tr);
		return;
	}
	if (tr->status == 304) {
		sched_finish(sf, NULL, 0, tr);
		return;
	}
	if (tr->status == 429 || tr->status == 503) {
		retry = tr->retry_after_sec > 0 ?
		    tr->retry_after_sec * 1000000 : 0;
		snprintf(err, sizeof(err), "HTTP %ld%s", tr->status,
		    retry > 0 ? " (honouring Retry-After)" : "");
		sched_finish(sf, err, retry, tr);
		return;
	}
	/* file:// transfers report no status. */
	if (tr->status != 0 && (tr->status < 200 || tr->status > 299)) {
		sched_excerpt(tr->body, tr->len, excerpt, sizeof(excerpt));
		snprintf(err, sizeof(err), "HTTP %ld: %s", tr->status, excerpt);
		sched_finish(sf, err, 0, tr);
		return;
	}
	/* A kind whose parse reads only the body gives the same batch for
	 * the body it parsed last: once that batch is stored, the run stores
	 * nothing new, as if the server had answered 304. */
	if (sf->ops->body_only && sf->pages == 0) {
		bodymemo_digest(sf->s->key, tr->body, tr->len, sf->digest);
		if (bodymemo_known(&sf->memo, sf->digest)) {
			sf->same_body = 1;
			sched_finish(sf, NULL, 0, tr);
			return;
		}
	}
	if (sf->acc.batch == NULL)
		sf->acc.batch = batch_new(sf->name);
	free(sf->acc.next_url);
	sf->acc.next_url = NULL;
	perr[0] = '\0';
	if (sf->ops->parse(sf->feed, sf->data, tr->body, tr->len, sched_now(),
	    &sf->acc, perr, sizeof(perr)) == -1) {
		snprintf(err, sizeof(err), "parse: %s", perr);
		sched_finish(sf, err, 0, tr);
		return;
	}
	if (sf->acc.next_url != NULL) {
		if (++sf->pages >= SCHED_MAX_PAGES) {
			log_warnx("feed %s: stopping after %d pages",
			    sf->name, sf->pages);
		} else {
			next = sf->acc.next_url;
			sf->acc.next_url = NULL;
			sched_fetch(sf, next);
			free(next);
			return;
		}
	}
	sched_finish(sf, NULL, 0, tr);
}

/* Starts a run (url NULL) or fetches its next page (url given). */
static void
sched_fetch(struct sched_feed *sf, const char *url)
{
	struct collector_request	 req;
	struct transfer_request		 treq;
	const struct feed		*f = sf->feed;
	char				 err[512], msg[600];

	memset(&req, 0, sizeof(req));
	if (url == NULL) {
		if (sf->running)
			return;		/* never overlaps itself */
		sf->running = 1;
		sf->pages = 0;
		sf->bytes = 0;
		sf->status = 0;
		sf->same_body = 0;
		sf->started = sched_now();
		collector_result_clear(&sf->acc);
		err[0] = '\0';
		if (sf->ops->request(f, sf->data, sf->started, &req, err,
		    sizeof(err)) == -1) {
			snprintf(sf->url, sizeof(sf->url), "%s", f->url);
			snprintf(msg, sizeof(msg), "request: %s", err);
			sched_finish(sf, msg, 0, NULL);
			return;
		}
	} else
		req.url = xstrdup(url);

	transfer_redact_url(req.url, sf->url, sizeof(sf->url));
	memset(&treq, 0, sizeof(treq));
	treq.url = req.url;
	treq.headers = (const char *const *)req.headers;
	treq.connect_timeout_ms = f->connect_timeout / 1000;
	treq.total_timeout_ms = f->timeout / 1000;
	treq.low_speed_limit = SCHED_LOW_SPEED_BYTES;
	treq.low_speed_time = SCHED_LOW_SPEED_SECS;
	treq.max_bytes = (size_t)f->max_bytes;
	/* file:// only for feeds configured with it, never by redirect. */
	treq.allow_file = strncmp(f->url, "file://", 7) == 0;
	if (url == NULL) {
		treq.etag = sf->etag;
		treq.last_modified = sf->last_modified;
	}
	log_debug("feed %s: fetching %s", sf->name, sf->url);
	sf->transfer_id = transfer_start(sf->s->transfer, &treq, sched_done_cb,
	    sf);
	collector_request_clear(&req);
}

struct scheduler *
scheduler_new(struct event_base *base, struct transfer *transfer,
    scheduler_output_cb output, void *arg)
{
	struct scheduler	*s;

	s = xcalloc(1, sizeof(*s));
	s->base = base;
	s->transfer = transfer;
	s->output = output;
	s->output_arg = arg;
	TAILQ_INIT(&s->feeds);
	arc4random_buf(s->key, sizeof(s->key));
	return (s);
}

static struct sched_feed *
sched_find(const struct scheduler *s, const char *name)
{
	struct sched_feed	*sf;

	TAILQ_FOREACH(sf, &s->feeds, entry) {
		if (!sf->removed && strcmp(sf->name, name) == 0)
			return (sf);
	}
	return (NULL);
}

int
scheduler_configure(struct scheduler *s, const struct config *c, char *err,
    size_t errlen)
{
	struct sched_feed		*sf, *next;
	const struct collector_ops	*ops;
	void				*data;
	char				 msg[512];
	size_t				 i;

	/* Check every feed first: a refused config changes nothing. */
	for (i = 0; i < c->nfeeds; i++) {
		if (collector_find(c->feeds[i].kind) == NULL) {
			snprintf(err, errlen, "feed %s: unknown kind %s",
			    c->feeds[i].name, c->feeds[i].kind);
			return (-1);
		}
	}
	TAILQ_FOREACH(sf, &s->feeds, entry)
		sf->feed = NULL;
	for (i = 0; i < c->nfeeds; i++) {
		const struct feed *f = &c->feeds[i];

		ops = collector_find(f->kind);
		data = NULL;
		msg[0] = '\0';
		if (ops->configure != NULL &&
		    ops->configure(f, &data, msg, sizeof(msg)) == -1) {
			/* config_load ran the same check; keep going. */
			log_warnx("feed %s: %s", f->name, msg);
			continue;
		}
		if ((sf = sched_find(s, f->name)) != NULL &&
		    sf->ops == ops) {
			if (sf->ops->free != NULL)
				sf->ops->free(sf->data);
			sf->data = data;
			sf->feed = f;
			/* Its options may have changed what a body gives. */
			bodymemo_forget(&sf->memo);
			if (s->started && !sf->running) {
				evtimer_del(sf->timer);
				if (f->enabled)
					sched_arm_next(sf, 0);
			}
			continue;
		}
		if (sf != NULL) {
			/* Same name, other kind: a new feed. */
			sf->feed = NULL;
		}
		sf = xcalloc(1, sizeof(*sf));
		sf->s = s;
		sf->feed = f;
		sf->name = xstrdup(f->name);
		sf->ops = ops;
		sf->data = data;
		sf->timer = evtimer_new(s->base, sched_timer_cb, sf);
		TAILQ_INSERT_TAIL(&s->feeds, sf, entry);
		if (s->started && f->enabled)
			sched_arm_at(sf, sched_now() + (int64_t)sched_jitter(f));
	}
	for (sf = TAILQ_FIRST(&s->feeds); sf != NULL; sf = next) {
		next = TAILQ_NEXT(sf, entry);
		if (sf->feed != NULL)
			continue;
		evtimer_del(sf->timer);
		if (sf->running) {
			/* The cancel callback frees it. */
			sf->removed = 1;
			transfer_cancel(s->transfer, sf->transfer_id);
			continue;
		}
		TAILQ_REMOVE(&s->feeds, sf, entry);
		sched_feed_free(sf);
	}
	return (0);
}

void
scheduler_set_validators(struct scheduler *s, const char *name,
    const char *etag, const char *last_modified)
{
	struct sched_feed	*sf;

	if ((sf = sched_find(s, name)) == NULL)
		return;
	free(sf->etag);
	free(sf->last_modified);
	sf->etag = etag != NULL && *etag != '\0' ? xstrdup(etag) : NULL;
	sf->last_modified = last_modified != NULL && *last_modified != '\0' ?
	    xstrdup(last_modified) : NULL;
}

void
scheduler_start(struct scheduler *s)
{
	struct sched_feed	*sf;

	if (s->started)
		return;
	s->started = 1;
	TAILQ_FOREACH(sf, &s->feeds, entry) {
		if (sf->feed->enabled && !sf->running)
			sched_arm_at(sf, sched_now() +
			    (int64_t)sched_jitter(sf->feed));
	}
}

void
scheduler_stop(struct scheduler *s)
{
	struct sched_feed	*sf;

	s->started = 0;
	TAILQ_FOREACH(sf, &s->feeds, entry) {
		evtimer_del(sf->timer);
		sf->next_due = 0;
	}
	TAILQ_FOREACH(sf, &s->feeds, entry) {
		if (sf->running && sf->transfer_id != 0)
			transfer_cancel(s->transfer, sf->transfer_id);
	}
}

void
scheduler_set_owned(struct scheduler *s, const char *name, int owned)
{
	struct sched_feed	*sf;

	if ((sf = sched_find(s, name)) == NULL || sf->elsewhere == !owned)
		return;
	sf->elsewhere = !owned;
	/* The other instance may store other bodies meanwhile. */
	bodymemo_forget(&sf->memo);
	if (sf->elsewhere) {
		/* A run in flight ends normally. */
		evtimer_del(sf->timer);
		sf->next_due = 0;
	} else if (s->started && sf->feed->enabled && !sf->running)
		sched_arm_at(sf, sched_now() + (int64_t)sched_jitter(sf->feed));
}

void
scheduler_stored(struct scheduler *s, const char *name, int64_t started)
{
	struct sched_feed	*sf;

	if ((sf = sched_find(s, name)) != NULL)
		bodymemo_stored(&sf->memo, started);
}

int
scheduler_run_now(struct scheduler *s, const char *name)
{
	struct sched_feed	*sf;

	if ((sf = sched_find(s, name)) == NULL)
		return (-1);
	evtimer_del(sf->timer);
	sched_fetch(sf, NULL);
	return (0);
}

int
scheduler_running(const struct scheduler *s)
{
	struct sched_feed	*sf;
	int			 n = 0;

	TAILQ_FOREACH(sf, &s->feeds, entry)
		n += sf->running;
	return (n);
}

int
scheduler_feed_status(const struct scheduler *s, size_t i,
    struct scheduler_feed_status *st)
{
	struct sched_feed	*sf;

	TAILQ_FOREACH(sf, &s->feeds, entry) {
		if (sf->removed)
			continue;
		if (i-- > 0)
			continue;
		st->name = sf->name;
		st->kind = sf->ops->name;
		st->last_run = sf->last_run;
		st->last_success = sf->last_success;
		st->next_due = sf->next_due;
		st->runs = sf->runs;
		st->failures = sf->failures;
		st->same_bodies = sf->same_bodies;
		st->consecutive_failures = sf->consecutive;
		st->last_error = sf->last_error;
		st->elsewhere = sf->elsewhere;
		return (0);
	}
	return (-1);
}

void
scheduler_free(struct scheduler *s)
{
	struct sched_feed	*sf;

	if (s == NULL)
		return;
	/* Cancel callbacks must not free: detach first. */
	TAILQ_FOREACH(sf, &s->feeds, entry)
		sf->removed = 0;
	scheduler_stop(s);
	while ((sf = TAILQ_FIRST(&s->feeds)) != NULL) {
		TAILQ_REMOVE(&s->feeds, sf, entry);
		sched_feed_free(sf);
	}
	free(s);
}
