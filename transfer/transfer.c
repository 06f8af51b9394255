/* SPDX-License-Identifier: ISC */
/*
 * transfer: one libcurl multi handle driven by libevent; see transfer.h.
 *
 * The shape is curl's hiperfifo.c: curl tells us through the socket
 * callback which sockets to watch and through the timer callback when to
 * call it back; libevent events call curl_multi_socket_action, after which
 * curl_multi_info_read collects the finished transfers.
 *
 * A job is in exactly one of two lists until its callback has run:
 * "active" (its easy handle is in the multi handle) or "deferred" (it
 * could not start, or was refused; a zero-timeout event delivers it from
 * the loop so that transfer_start never calls back).  transfer_finish
 * takes it off its list, calls back once and frees it: that is the only
 * way out, hence exactly one callback.  transfer_job.c builds the easy
 * handles; this file runs the multi handle, the lists and the callbacks.
 *
 * Re-entrancy: user callbacks may call transfer_start, transfer_cancel or
 * transfer_free.  The engine counts how deep it is in code that calls
 * back (busy); transfer_free then only cancels and marks the engine dead,
 * and the outermost frame destroys it.  curl itself is never re-entered:
 * completions are delivered after curl_multi_socket_action returns, never
 * from curl's callbacks.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "potashd-config.h"
#include "daemon/log.h"
#include "transfer/transfer.h"
#include "transfer/transfer_job.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define TRANSFER_HOST_CONNECTIONS_DEFAULT	4

struct transfer_sock {
	LIST_ENTRY(transfer_sock) entry;
	struct transfer		*t;
	curl_socket_t		 fd;
	struct event		*ev;
};
LIST_HEAD(transfer_socks, transfer_sock);

struct transfer {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*ev_timer;	/* curl's timer */
	struct event		*ev_defer;	/* delivers deferred jobs */
	struct transfer_jobs	 active;
	struct transfer_jobs	 deferred;
	struct transfer_socks	 socks;
	size_t			 njobs;
	uint64_t		 next_id;
	char			*user_agent;
	int			 busy;		/* frames that may call back */
	int			 dead;		/* transfer_free was called */
};

static void	transfer_destroy(struct transfer *);

static struct timeval
transfer_tv(long ms)
{
	struct timeval	tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	return (tv);
}

/* Leaves a frame that may have called back; destroys a dead engine. */
static void
transfer_leave(struct transfer *t)
{
	if (--t->busy == 0 && t->dead)
		transfer_destroy(t);
}

/*
 * The only way a job ends: off its list, out of the multi handle, one
 * callback, freed.  rc is curl's result for TRANSFER_OK/ERROR from curl.
 */
static void
transfer_finish(struct transfer_job *job, enum transfer_outcome outcome,
    CURLcode rc, const char *reason)
{
	struct transfer		*t = job->t;
	struct transfer_result	 res;
	struct transfer_jobs	*list;
	char			*s;
	long			 status = 0;
	double			 total = 0;

	list = job->where == TRANSFER_ACTIVE ? &t->active : &t->deferred;
	TAILQ_REMOVE(list, job, entry);
	t->njobs--;
	if (job->in_multi) {
		curl_multi_remove_handle(t->multi, job->easy);
		job->in_multi = 0;
	}

	memset(&res, 0, sizeof(res));
	res.outcome = outcome;
	res.retry_after_sec = -1;
	res.body = "";
	if (job->easy != NULL) {
		if (curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE,
		    &status) == CURLE_OK)
			res.status = status;
		if (curl_easy_getinfo(job->easy, CURLINFO_TOTAL_TIME,
		    &total) == CURLE_OK)
			res.total_time = total;
		s = NULL;
		if (curl_easy_getinfo(job->easy, CURLINFO_EFFECTIVE_URL,
		    &s) == CURLE_OK)
			res.effective_url = s;
	}
	switch (outcome) {
	case TRANSFER_OK:
		res.body = buf_cstr(&job->body);
		res.len = job->body.len;
		res.truncated = job->truncated;
		res.etag = job->etag;
		res.last_modified = job->last_modified;
		if (job->retry_after != NULL &&
		    transfer_parse_retry_after(job->retry_after, time(NULL),
		    &res.retry_after_sec) == -1)
			res.retry_after_sec = -1;
		/* file:// has no status line; a read file is a 200. */
		s = NULL;
		if (res.status == 0 && job->easy != NULL &&
		    curl_easy_getinfo(job->easy, CURLINFO_SCHEME, &s) ==
		    CURLE_OK && s != NULL && strcasecmp(s, "file") == 0)
			res.status = 200;
		break;
	case TRANSFER_ERROR:
		if (reason != NULL)
			snprintf(job->error, sizeof(job->error), "%s", reason);
		else
			transfer_job_error(job, rc);
		res.error = job->error;
		res.curl_code = (int)rc;
		break;
	case TRANSFER_CANCELLED:
		res.error = reason != NULL ? reason : "cancelled";
		break;
	}

	if (job->cb != NULL) {
		t->busy++;
		job->cb(&res, job->arg);
		t->busy--;
	}
	transfer_job_free(job);
}

/* Fails every active job: for a multi handle that stopped working. */
static void
transfer_fail_all(struct transfer *t, const char *why)
{
	struct transfer_job	*job;
	size_t			 n = t->njobs;

	while (n-- > 0 && !t->dead && (job = TAILQ_FIRST(&t->active)) != NULL)
		transfer_finish(job, TRANSFER_ERROR, CURLE_OK, why);
}

/* Delivers what curl has finished. */
static void
transfer_check_done(struct transfer *t)
{
	struct transfer_job	*job;
	CURLMsg			*msg;
	CURL			*easy;
	CURLcode		 rc;
	void			*p;
	int			 left;

	while (!t->dead &&
	    (msg = curl_multi_info_read(t->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		/* msg dies with the handle's removal: copy first. */
		easy = msg->easy_handle;
		rc = msg->data.result;
		p = NULL;
		if (curl_easy_getinfo(easy, CURLINFO_PRIVATE, &p) != CURLE_OK ||
		    p == NULL) {
			log_warnx("transfer: finished handle without a job");
			curl_multi_remove_handle(t->multi, easy);
			continue;
		}
		job = p;
		transfer_finish(job, rc == CURLE_OK ? TRANSFER_OK :
		    TRANSFER_ERROR, rc, NULL);
	}
}

/* Tells curl about a socket event or its timer, then reaps. */
static void
transfer_action(struct transfer *t, curl_socket_t fd, int action)
{
	CURLMcode	mc;
	int		running;
	char		why[128];

	t->busy++;
	mc = curl_multi_socket_action(t->multi, fd, action, &running);
	transfer_check_done(t);
	if (mc != CURLM_OK && !t->dead) {
		/*
		 * A broken multi handle, or one of our callbacks could not
		 * watch a socket or arm the timer (out of memory): whatever
		 * curl did not finish above might never finish.
		 */
		snprintf(why, sizeof(why), "curl multi error: %s",
		    curl_multi_strerror(mc));
		log_warnx("transfer: %s", why);
		transfer_fail_all(t, why);
	}
	transfer_leave(t);
}

static void
transfer_event_cb(evutil_socket_t fd, short events, void *arg)
{
	struct transfer_sock	*s = arg;
	int			 action = 0;

	if (events & EV_READ)
		action |= CURL_CSELECT_IN;
	if (events & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	/* s may be freed by curl's socket callback during the action. */
	transfer_action(s->t, fd, action);
}

static void
transfer_timeout_cb(evutil_socket_t fd, short events, void *arg)
{
	transfer_action(arg, CURL_SOCKET_TIMEOUT, 0);
}

static void
transfer_sock_free(struct transfer_sock *s)
{
	LIST_REMOVE(s, entry);
	event_free(s->ev);
	free(s);
}

/* CURLMOPT_SOCKETFUNCTION: watch fd for what curl asks, or forget it. */
static int
transfer_socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp,
    void *sockp)
{
	struct transfer		*t = userp;
	struct transfer_sock	*s = sockp;
	short			 kind = EV_PERSIST;

	if (what == CURL_POLL_REMOVE) {
		if (s != NULL)
			transfer_sock_free(s);
		return (0);
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (s == NULL) {
		s = xcalloc(1, sizeof(*s));
		s->t = t;
		s->fd = fd;
		s->ev = event_new(t->base, fd, kind, transfer_event_cb, s);
		if (s->ev == NULL) {
			free(s);
			/* curl then fails every transfer, which we reap. */
			return (-1);
		}
		LIST_INSERT_HEAD(&t->socks, s, entry);
		if (curl_multi_assign(t->multi, fd, s) != CURLM_OK) {
			transfer_sock_free(s);
			return (-1);
		}
	} else {
		event_del(s->ev);
		if (event_assign(s->ev, t->base, fd, kind, transfer_event_cb,
		    s) == -1)
			return (-1);
	}
	if ((kind & (EV_READ | EV_WRITE)) != 0 && event_add(s->ev, NULL) == -1)
		return (-1);
	return (0);
}

/*
 * CURLMOPT_TIMERFUNCTION: -1 stops the timer; 0 means "soon", which a
 * zero timeout does from the loop, never by calling curl back from here.
 */
static int
transfer_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct transfer	*t = userp;
	struct timeval	 tv;

	if (timeout_ms < 0) {
		evtimer_del(t->ev_timer);
		return (0);
	}
	tv = transfer_tv(timeout_ms);
	return (evtimer_add(t->ev_timer, &tv) == -1 ? -1 : 0);
}

static void
transfer_defer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct transfer		*t = arg;
	struct transfer_job	*job;
	size_t			 n = 0;

	/* Only those queued before now: callbacks may queue more. */
	TAILQ_FOREACH(job, &t->deferred, entry)
		n++;
	t->busy++;
	while (n-- > 0 && !t->dead &&
	    (job = TAILQ_FIRST(&t->deferred)) != NULL)
		transfer_finish(job, job->outcome,
		    (CURLcode)job->curl_code, job->reason);
	transfer_leave(t);
}

struct transfer *
transfer_new(struct event_base *base, const struct transfer_params *params)
{
	struct transfer	*t;
	long		 host_max = TRANSFER_HOST_CONNECTIONS_DEFAULT;
	long		 total_max = 0;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return (NULL);
	t = xcalloc(1, sizeof(*t));
	t->base = base;
	TAILQ_INIT(&t->active);
	TAILQ_INIT(&t->deferred);
	LIST_INIT(&t->socks);
	t->next_id = 1;
	if (params != NULL && params->user_agent != NULL)
		t->user_agent = xstrdup(params->user_agent);
	else
		t->user_agent = xstrdup("potashd/" POTASHD_VERSION);
	if (params != NULL && params->max_host_connections > 0)
		host_max = params->max_host_connections;
	if (params != NULL && params->max_total_connections > 0)
		total_max = params->max_total_connections;

	if ((t->ev_timer = evtimer_new(base, transfer_timeout_cb, t)) == NULL ||
	    (t->ev_defer = evtimer_new(base, transfer_defer_cb, t)) == NULL ||
	    (t->multi = curl_multi_init()) == NULL)
		goto fail;
	if (curl_multi_setopt(t->multi, CURLMOPT_SOCKETFUNCTION,
	    transfer_socket_cb) != CURLM_OK ||
	    curl_multi_setopt(t->multi, CURLMOPT_SOCKETDATA, t) != CURLM_OK ||
	    curl_multi_setopt(t->multi, CURLMOPT_TIMERFUNCTION,
	    transfer_timer_cb) != CURLM_OK ||
	    curl_multi_setopt(t->multi, CURLMOPT_TIMERDATA, t) != CURLM_OK ||
	    curl_multi_setopt(t->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    host_max) != CURLM_OK ||
	    curl_multi_setopt(t->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    total_max) != CURLM_OK)
		goto fail;
	return (t);

fail:
	transfer_destroy(t);
	return (NULL);
}

static void
transfer_destroy(struct transfer *t)
{
	struct transfer_sock	*s;

	/* Closing cached connections may still call the socket callback. */
	if (t->multi != NULL)
		curl_multi_cleanup(t->multi);
	while ((s = LIST_FIRST(&t->socks)) != NULL)
		transfer_sock_free(s);
	if (t->ev_timer != NULL)
		event_free(t->ev_timer);
	if (t->ev_defer != NULL)
		event_free(t->ev_defer);
	free(t->user_agent);
	free(t);
	curl_global_cleanup();
}

void
transfer_free(struct transfer *t)
{
	struct transfer_job	*job;

	if (t == NULL || t->dead)
		return;
	t->dead = 1;
	t->busy++;
	/* Callbacks may start transfers: those are refused into deferred. */
	for (;;) {
		if ((job = TAILQ_FIRST(&t->active)) == NULL &&
		    (job = TAILQ_FIRST(&t->deferred)) == NULL)
			break;
		transfer_finish(job, TRANSFER_CANCELLED, CURLE_OK,
		    "cancelled: transfer engine shut down");
	}
	transfer_leave(t);
}

void
transfer_cancel(struct transfer *t, uint64_t id)
{
	struct transfer_job	*job;

	if (t == NULL || t->dead || id == 0)
		return;
	TAILQ_FOREACH(job, &t->active, entry) {
		if (job->id == id)
			break;
	}
	if (job == NULL)
		return;
	t->busy++;
	transfer_finish(job, TRANSFER_CANCELLED, CURLE_OK, NULL);
	transfer_leave(t);
}

size_t
transfer_active(const struct transfer *t)
{
	return (t->njobs);
}

/* Queues job for delivery from the loop with outcome and reason. */
static void
transfer_defer(struct transfer_job *job, enum transfer_outcome outcome,
    int curl_code, const char *reason)
{
	struct transfer	*t = job->t;
	struct timeval	 tv = { 0, 0 };

	job->where = TRANSFER_DEFERRED;
	job->outcome = outcome;
	job->curl_code = curl_code;
	snprintf(job->reason, sizeof(job->reason), "%s", reason);
	TAILQ_INSERT_TAIL(&t->deferred, job, entry);
	t->njobs++;
	/*
	 * A dead engine's transfer_free loop picks it up; otherwise this
	 * cannot fail for a valid timer, and if it did the job would wait
	 * for the next deferral or for transfer_free.
	 */
	if (!t->dead && evtimer_add(t->ev_defer, &tv) == -1)
		log_warnx("transfer: cannot schedule a deferred callback");
}

uint64_t
transfer_start(struct transfer *t, const struct transfer_request *req,
    transfer_done_cb cb, void *arg)
{
	struct transfer_job	*job;
	const char		*why, *what = "";
	char			 msg[256];
	CURLcode		 rc;
	CURLMcode		 mc;

	job = transfer_job_new(t, cb, arg);
	if (t->dead) {
		transfer_defer(job, TRANSFER_CANCELLED, 0,
		    "cancelled: transfer engine shut down");
		return (0);
	}
	if (req == NULL) {
		transfer_defer(job, TRANSFER_ERROR, 0, "no request");
		return (0);
	}
	if ((why = transfer_job_prepare(job, req)) != NULL) {
		transfer_defer(job, TRANSFER_ERROR, 0, why);
		return (0);
	}
	if ((rc = transfer_job_setopt(job, req, t->user_agent, &what)) !=
	    CURLE_OK) {
		snprintf(msg, sizeof(msg), "%s: %s", what,
		    curl_easy_strerror(rc));
		transfer_defer(job, TRANSFER_ERROR, (int)rc, msg);
		return (0);
	}
	/* This arms curl's timer; the transfer starts from the loop. */
	if ((mc = curl_multi_add_handle(t->multi, job->easy)) != CURLM_OK) {
		snprintf(msg, sizeof(msg), "curl_multi_add_handle: %s",
		    curl_multi_strerror(mc));
		transfer_defer(job, TRANSFER_ERROR, 0, msg);
		return (0);
	}
	job->in_multi = 1;
	job->where = TRANSFER_ACTIVE;
	job->id = t->next_id++;
	TAILQ_INSERT_TAIL(&t->active, job, entry);
	t->njobs++;
	return (job->id);
}
