/* SPDX-License-Identifier: ISC */
/*
 * metrics: Prometheus text exposition of potashd's state; see metrics.h.
 *
 * Every family has # HELP and # TYPE lines, counters end in _total,
 * times are seconds and sizes bytes.  Label values are escaped as the
 * format wants (backslash, double quote, newline).  The page is built in
 * one buffer after the SQL part came back (or failed, or timed out), so
 * that the in-process values are read at the same moment.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "potashd-config.h"
#include "daemon/alerting.h"
#include "daemon/log.h"
#include "daemon/notifier.h"
#include "daemon/scheduler.h"
#include "store/pg.h"
#include "store/writer.h"
#include "util/buf.h"
#include "util/xmalloc.h"
#include "web/metrics.h"
#include "web/reply.h"
#include "web/web.h"

#define METRICS_LAG_PERIOD_USEC	INT64_C(1000000)
#define METRICS_MAX_BYTES	(16 * 1024 * 1024)

/* Upper bounds of the batch latency buckets, in seconds (+Inf last). */
static const double metrics_latency_bounds[] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
	300,
};
#define METRICS_NBUCKETS \
	(sizeof(metrics_latency_bounds) / sizeof(metrics_latency_bounds[0]))

/* HTTP statuses counted by code; others count as "other". */
static const int metrics_codes[] = { 200, 400, 401, 404, 405, 500, 503 };
#define METRICS_NCODES	(sizeof(metrics_codes) / sizeof(metrics_codes[0]))

/* The states and statuses the schema allows, shown even at zero. */
static const char *const metrics_alert_states[] = {
	"inactive", "pending", "firing", "resolved",
};
static const char *const metrics_notification_statuses[] = {
	"pending", "sending", "retry", "sent", "dead", "cancelled",
};
#define METRICS_NSTATES	4
#define METRICS_NSTATUSES 6

struct metrics {
	struct event	*lag_timer;
	int64_t		 lag_expected;	/* monotonic usec */
	int64_t		 lag_last;	/* usec */
	int64_t		 lag_max;
	int64_t		 started;	/* unix usec */

	uint64_t	 responses[METRICS_NCODES + 1];
	uint64_t	 latency_buckets[METRICS_NBUCKETS];
	uint64_t	 latency_count;
	double		 latency_sum;	/* seconds */
};

/* One /metrics request: what SQL said, and what to read the rest from. */
struct metrics_req {
	struct metrics			*m;
	const struct web_sources	*src;
	int				 schema;
	int				 have_sql;
	int64_t				 alerts[METRICS_NSTATES];
	int64_t				 notifications[METRICS_NSTATUSES];
};

static int64_t
metrics_monotonic(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

static void
metrics_lag_arm(struct metrics *m)
{
	struct timeval	tv;

	tv.tv_sec = (time_t)(METRICS_LAG_PERIOD_USEC / 1000000);
	tv.tv_usec = (suseconds_t)(METRICS_LAG_PERIOD_USEC % 1000000);
	m->lag_expected = metrics_monotonic() + METRICS_LAG_PERIOD_USEC;
	evtimer_add(m->lag_timer, &tv);
}

static void
metrics_lag_cb(evutil_socket_t fd, short what, void *arg)
{
	struct metrics	*m = arg;
	int64_t		 lag;

	/* How late the loop ran us: work that held it up shows here. */
	lag = metrics_monotonic() - m->lag_expected;
	if (lag < 0)
		lag = 0;
	m->lag_last = lag;
	if (lag > m->lag_max)
		m->lag_max = lag;
	metrics_lag_arm(m);
}

struct metrics *
metrics_new(struct event_base *base)
{
	struct metrics	*m;
	struct timespec	 ts;

	m = xcalloc(1, sizeof(*m));
	clock_gettime(CLOCK_REALTIME, &ts);
	m->started = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	if ((m->lag_timer = evtimer_new(base, metrics_lag_cb, m)) == NULL)
		fatalx("http: cannot create the lag timer");
	metrics_lag_arm(m);
	return (m);
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	event_free(m->lag_timer);
	free(m);
}

void
metrics_response(struct metrics *m, int status)
{
	size_t	i;

	for (i = 0; i < METRICS_NCODES; i++) {
		if (metrics_codes[i] == status)
			break;
	}
	m->responses[i]++;
}

void
metrics_batch_latency(struct metrics *m, uint64_t usec)
{
	double	s = (double)usec / 1e6;
	size_t	i;

	for (i = 0; i < METRICS_NBUCKETS; i++) {
		if (s <= metrics_latency_bounds[i])
			m->latency_buckets[i]++;
	}
	m->latency_count++;
	m->latency_sum += s;
}

/* Appends to b, which never reaches its cap here (a few hundred lines
 * per feed at most); a failure would only truncate the page. */
static void __attribute__((format(printf, 2, 3)))
metrics_printf(struct buf *b, const char *fmt, ...)
{
	char	 line[1024];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	(void)buf_append(b, line, (size_t)n < sizeof(line) ? (size_t)n :
	    sizeof(line) - 1);
}

static void
metrics_family(struct buf *b, const char *name, const char *type,
    const char *help)
{
	metrics_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/* A label value with \, " and newline escaped, as the format wants. */
static void
metrics_label(char *out, size_t outlen, const char *v)
{
	size_t	o = 0;

	for (; *v != '\0' && o + 3 < outlen; v++) {
		if (*v == '\\' || *v == '"') {
			out[o++] = '\\';
			out[o++] = *v;
		} else if (*v == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else
			out[o++] = *v;
	}
	out[o] = '\0';
}

/* The shortest %g text that reads back as v. */
static const char *
metrics_num(double v, char *out, size_t outlen)
{
	snprintf(out, outlen, "%.15g", v);
	if (strtod(out, NULL) != v)
		snprintf(out, outlen, "%.17g", v);
	return (out);
}

static void
metrics_counter(struct buf *b, const char *name, const char *help,
    uint64_t v)
{
	metrics_family(b, name, "counter", help);
	metrics_printf(b, "%s %" PRIu64 "\n", name, v);
}

static void
metrics_gauge(struct buf *b, const char *name, const char *help, double v)
{
	char	n[64];

	metrics_family(b, name, "gauge", help);
	metrics_printf(b, "%s %s\n", name, metrics_num(v, n, sizeof(n)));
}

static double
metrics_seconds(int64_t usec)
{
	return ((double)usec / 1e6);
}

static void
metrics_feeds(struct buf *b, const struct scheduler *s)
{
	static const struct {
		const char	*name;
		const char	*type;
		const char	*help;
	} fam[] = {
		{ "potashd_feed_runs_total", "counter",
		  "Runs (polls) of the feed since start." },
		{ "potashd_feed_failures_total", "counter",
		  "Runs of the feed that failed since start." },
		{ "potashd_feed_consecutive_failures", "gauge",
		  "Failed runs of the feed since its last success." },
		{ "potashd_feed_last_run_timestamp_seconds", "gauge",
		  "Start of the feed's last run (unix time; 0: none since "
		  "start)." },
		{ "potashd_feed_last_success_timestamp_seconds", "gauge",
		  "End of the feed's last successful run (unix time; 0: none "
		  "since start)." },
		{ "potashd_feed_next_run_timestamp_seconds", "gauge",
		  "When the feed runs next (unix time; 0: not scheduled)." },
		{ "potashd_feed_same_body_runs_total", "counter",
		  "Runs of the feed that fetched the body stored last and "
		  "did not parse it again (kinds whose parse reads only the "
		  "body)." },
		{ "potashd_feed_polled_here", "gauge",
		  "1 if this instance polls the feed, 0 if another potashd "
		  "on the database holds its lock." },
	};
	struct scheduler_feed_status	 st;
	char				 feed[256], n[64];
	size_t				 f, i;
	double				 v;

	for (f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		metrics_family(b, fam[f].name, fam[f].type, fam[f].help);
		for (i = 0; s != NULL && scheduler_feed_status(s, i, &st) == 0;
		    i++) {
			metrics_label(feed, sizeof(feed), st.name);
			switch (f) {
			case 0:
				v = (double)st.runs;
				break;
			case 1:
				v = (double)st.failures;
				break;
			case 2:
				v = st.consecutive_failures;
				break;
			case 3:
				v = metrics_seconds(st.last_run);
				break;
			case 4:
				v = metrics_seconds(st.last_success);
				break;
			case 5:
				v = metrics_seconds(st.next_due);
				break;
			case 6:
				v = (double)st.same_bodies;
				break;
			default:
				v = st.elsewhere ? 0 : 1;
				break;
			}
			metrics_printf(b, "%s{feed=\"%s\"} %s\n",
			    fam[f].name, feed, metrics_num(v, n, sizeof(n)));
		}
	}
}

static void
metrics_writer(struct buf *b, const struct metrics *m,
    const struct writer_stats *w)
{
	char	n[64];
	size_t	i;

	metrics_family(b, "potashd_observations_total", "counter",
	    "Observations written by committed batches, by outcome: stored "
	    "(a new period), revised (a changed value), unchanged (nothing "
	    "written).");
	metrics_printf(b, "potashd_observations_total{outcome=\"stored\"} %"
	    PRIu64 "\n", w->obs_stored);
	metrics_printf(b, "potashd_observations_total{outcome=\"revised\"} %"
	    PRIu64 "\n", w->obs_revised);
	metrics_printf(b, "potashd_observations_total{outcome=\"unchanged\"} %"
	    PRIu64 "\n", w->obs_unchanged);
	metrics_counter(b, "potashd_observations_known_unchanged_total",
	    "Unchanged observations the writer knew as such and did not "
	    "send (counted in potashd_observations_total too).",
	    w->obs_known_unchanged);
	metrics_counter(b, "potashd_observations_dropped_total",
	    "Observations dropped because the spool was full.",
	    w->obs_dropped);
	metrics_counter(b, "potashd_writer_batches_committed_total",
	    "Batches (one per feed run) committed to PostgreSQL.",
	    w->batches_committed);
	metrics_counter(b, "potashd_writer_batches_duplicate_total",
	    "Committed batches that were already stored (replays).",
	    w->batches_duplicate);
	metrics_counter(b, "potashd_writer_batches_rejected_total",
	    "Batches PostgreSQL refused as data errors.",
	    w->batches_rejected);
	metrics_counter(b, "potashd_writer_transactions_total",
	    "Write transactions attempted.", w->transactions);
	metrics_counter(b, "potashd_writer_transactions_failed_total",
	    "Write transactions that failed (retried).",
	    w->transactions_failed);
	metrics_gauge(b, "potashd_writer_last_batch_latency_seconds",
	    "Time from accepting the last committed batch to its commit.",
	    metrics_seconds((int64_t)w->last_latency_usec));

	metrics_family(b, "potashd_writer_batch_latency_seconds", "histogram",
	    "Time from accepting a batch to its commit, spool included.");
	for (i = 0; i < METRICS_NBUCKETS; i++)
		metrics_printf(b, "potashd_writer_batch_latency_seconds_bucket"
		    "{le=\"%g\"} %" PRIu64 "\n", metrics_latency_bounds[i],
		    m->latency_buckets[i]);
	metrics_printf(b, "potashd_writer_batch_latency_seconds_bucket"
	    "{le=\"+Inf\"} %" PRIu64 "\n", m->latency_count);
	metrics_printf(b, "potashd_writer_batch_latency_seconds_sum %s\n",
	    metrics_num(m->latency_sum, n, sizeof(n)));
	metrics_printf(b, "potashd_writer_batch_latency_seconds_count %"
	    PRIu64 "\n", m->latency_count);

	metrics_gauge(b, "potashd_writer_known_values",
	    "Values the writer remembers as current (value_cache_size).",
	    (double)w->known_values);
	metrics_gauge(b, "potashd_writer_known_values_bytes",
	    "Memory the remembered values take, with their index and filter.",
	    (double)w->known_values_bytes);
	metrics_gauge(b, "potashd_spool_bytes",
	    "Size of the disk spool that holds batches while PostgreSQL is "
	    "unusable.", (double)w->spool_bytes);
	metrics_gauge(b, "potashd_spool_batches",
	    "Batches waiting in the spool.", (double)w->spool_pending);
	metrics_counter(b, "potashd_spool_batches_written_total",
	    "Batches written to the spool.", w->batches_spooled);
	metrics_counter(b, "potashd_spool_batches_replayed_total",
	    "Batches committed from the spool.", w->batches_replayed);
	metrics_counter(b, "potashd_spool_batches_dropped_total",
	    "Batches dropped because the spool was full or failing.",
	    w->batches_dropped);
}

static void
metrics_alerting(struct buf *b, const struct alerting_stats *a,
    const struct notifier_stats *n)
{
	char	v[64];

	metrics_counter(b, "potashd_alert_evaluations_total",
	    "Alert evaluation passes stored.", a->passes);
	metrics_counter(b, "potashd_alert_evaluation_failures_total",
	    "Alert evaluation passes not stored (the engine is then "
	    "reloaded).", a->failures);
	metrics_counter(b, "potashd_alert_inputs_total",
	    "Observations and events fed to the alert engine.", a->inputs);
	metrics_counter(b, "potashd_alert_transitions_total",
	    "Alert state transitions stored.", a->transitions);
	metrics_counter(b, "potashd_alert_engine_reloads_total",
	    "Times the alert engine was rebuilt from the database.",
	    a->reloads);
	metrics_gauge(b, "potashd_alerting_active",
	    "1 if this instance evaluates the alert rules (it holds the "
	    "alerting lock and is connected), else 0.", a->active);

	metrics_counter(b, "potashd_notification_claims_total",
	    "Notifications claimed from the outbox for an attempt.",
	    n->claimed);
	metrics_counter(b, "potashd_notification_attempts_total",
	    "Delivery attempts recorded.", n->attempts);
	metrics_family(b, "potashd_notification_attempt_seconds_total",
	    "counter", "Time spent in delivery attempts; divided by the "
	    "attempts, the mean latency.");
	metrics_printf(b, "potashd_notification_attempt_seconds_total %s\n",
	    metrics_num(n->attempt_seconds, v, sizeof(v)));
	metrics_family(b, "potashd_notification_outcomes_total", "counter",
	    "Recorded delivery attempts by outcome: sent, retry (to be "
	    "tried again), dead (given up).");
	metrics_printf(b, "potashd_notification_outcomes_total"
	    "{outcome=\"sent\"} %" PRIu64 "\n", n->sent);
	metrics_printf(b, "potashd_notification_outcomes_total"
	    "{outcome=\"retry\"} %" PRIu64 "\n", n->retried);
	metrics_printf(b, "potashd_notification_outcomes_total"
	    "{outcome=\"dead\"} %" PRIu64 "\n", n->dead);
	metrics_counter(b, "potashd_notification_render_errors_total",
	    "Notifications that could not be rendered.", n->render_errors);
	metrics_counter(b, "potashd_notification_database_errors_total",
	    "Delivery results that could not be recorded (sent again "
	    "later).", n->db_errors);
}

static void
metrics_sql(struct buf *b, const struct metrics_req *mr)
{
	size_t	i;

	metrics_family(b, "potashd_alerts", "gauge",
	    "Alert instances by state (potash.alerts).");
	for (i = 0; i < METRICS_NSTATES; i++)
		metrics_printf(b, "potashd_alerts{state=\"%s\"} %" PRId64 "\n",
		    metrics_alert_states[i], mr->alerts[i]);
	metrics_family(b, "potashd_notifications", "gauge",
	    "Notifications in the outbox by status (potash.notifications).");
	for (i = 0; i < METRICS_NSTATUSES; i++)
		metrics_printf(b, "potashd_notifications{status=\"%s\"} %"
		    PRId64 "\n", metrics_notification_statuses[i],
		    mr->notifications[i]);
}

static void
metrics_process(struct buf *b, const struct metrics *m)
{
	size_t	i;

	metrics_family(b, "potashd_build_info", "gauge",
	    "The running potashd; the value is always 1.");
	metrics_printf(b, "potashd_build_info{version=\"%s\"} 1\n",
	    POTASHD_VERSION);
	metrics_gauge(b, "potashd_start_time_seconds",
	    "When the process started (unix time).",
	    metrics_seconds(m->started));
	metrics_gauge(b, "potashd_event_loop_lag_seconds",
	    "How late the last 1 s timer of the event loop fired.",
	    metrics_seconds(m->lag_last));
	metrics_gauge(b, "potashd_event_loop_lag_max_seconds",
	    "The largest lateness of the 1 s timer since start.",
	    metrics_seconds(m->lag_max));
	metrics_family(b, "potashd_http_responses_total", "counter",
	    "HTTP answers sent by the web server, by status.");
	for (i = 0; i < METRICS_NCODES; i++)
		metrics_printf(b, "potashd_http_responses_total{code=\"%d\"} %"
		    PRIu64 "\n", metrics_codes[i], m->responses[i]);
	metrics_printf(b, "potashd_http_responses_total{code=\"other\"} %"
	    PRIu64 "\n", m->responses[METRICS_NCODES]);
}

static void
metrics_done(struct reply *r)
{
	struct metrics_req		*mr = reply_data(r);
	const struct web_sources	*src = mr->src;
	struct buf			 b;
	char				*s;
	size_t				 len;

	buf_init(&b, METRICS_MAX_BYTES);
	metrics_process(&b, mr->m);
	metrics_gauge(&b, "potashd_database_up",
	    "1 if the PostgreSQL connection is up, else 0.",
	    pg_state(src->pg) == PG_CONNECTED ? 1 : 0);
	metrics_gauge(&b, "potashd_database_schema_current",
	    "1 if the schema was found current on this connection, else 0.",
	    mr->schema && pg_state(src->pg) == PG_CONNECTED ? 1 : 0);
	metrics_counter(&b, "potashd_database_reconnects_total",
	    "Times the PostgreSQL connection was lost and made again.",
	    pg_reconnects(src->pg));
	metrics_feeds(&b, src->scheduler);
	metrics_writer(&b, mr->m, writer_stats(src->writer));
	metrics_alerting(&b, alerting_stats(src->alerting),
	    notifier_stats(src->notifier));
	if (mr->have_sql)
		metrics_sql(&b, mr);
	s = buf_steal(&b, &len);
	reply_send(r, 200, "text/plain; version=0.0.4; charset=utf-8", s, len,
	    0);
	free(s);
}

static void
metrics_counts_cb(struct reply *r, PGresult *res)
{
	struct metrics_req	*mr = reply_data(r);
	const char		*kind, *state;
	size_t			 i;
	int			 row;

	for (row = 0; row < PQntuples(res); row++) {
		kind = PQgetvalue(res, row, 0);
		state = PQgetvalue(res, row, 1);
		if (strcmp(kind, "a") == 0) {
			for (i = 0; i < METRICS_NSTATES; i++)
				if (strcmp(state, metrics_alert_states[i]) == 0)
					mr->alerts[i] = reply_int(res, row, 2);
		} else {
			for (i = 0; i < METRICS_NSTATUSES; i++)
				if (strcmp(state,
				    metrics_notification_statuses[i]) == 0)
					mr->notifications[i] =
					    reply_int(res, row, 2);
		}
	}
	mr->have_sql = 1;
}

void
metrics_serve(struct metrics *m, struct reply *r,
    const struct web_sources *src, int schema)
{
	struct metrics_req	*mr;

	mr = xcalloc(1, sizeof(*mr));
	mr->m = m;
	mr->src = src;
	mr->schema = schema;
	reply_set_data(r, mr, free);
	reply_on_done(r, metrics_done);
	if (!schema || pg_state(src->pg) != PG_CONNECTED) {
		metrics_done(r);
		return;
	}
	/* Counted by the request itself: the numbers are never stale. */
	reply_set_lenient(r);
	(void)reply_query(r, "SELECT 'a', state, count(*) FROM potash.alerts "
	    "GROUP BY state UNION ALL SELECT 'n', status, count(*) FROM "
	    "potash.notifications GROUP BY status", 0, NULL,
	    metrics_counts_cb);
}
