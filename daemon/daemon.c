/* SPDX-License-Identifier: ISC */
/*
 * daemon: the process context, start-up and shutdown order, signals,
 * reload and the systemd notify/watchdog conversation; see daemon.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "potashd-config.h"
#include "daemon/alerting.h"
#include "daemon/config_channel.h"
#include "daemon/feedlock.h"
#include "daemon/notifier.h"
#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/scheduler.h"
#include "daemon/sdnotify.h"
#include "store/migrate.h"
#include "store/writer.h"
#include "transfer/transfer.h"
#include "util/parse.h"
#include "util/xmalloc.h"
#include "web/web.h"

#define DAEMON_DRAIN_USEC	5000000
#define DAEMON_ALERT_CHANNEL	"potash_alert_queue"	/* schema 0017 */

struct daemon {
	struct event_base	*base;
	struct config		*config;
	int			 verbosity;
	struct sdnotify		*notify;

	struct event		*ev_sigterm;
	struct event		*ev_sigint;
	struct event		*ev_sighup;
	struct event		*ev_watchdog;
	uint64_t		 watchdog_usec;

	struct pg		*pg;
	struct migrate		*migrate;
	struct writer		*writer;
	struct alerting		*alerting;
	struct notifier		*notifier;
	struct transfer		*transfer;
	struct scheduler	*scheduler;
	struct feedlock		*feedlock;
	struct web		*web;
	int			 validators;	/* feed_state was read */
	int			 polling;	/* scheduler started */
	int			 schema_current;
	int			 ready;		/* READY=1 was sent */
	int			 stopping;
	int			 exit_code;
};

static const char *const daemon_log_levels[] = {
	/* The order of config_options' log.level choices. */
	"debug", "info", "notice", "warning", "error",
};

void
daemon_pg_params(const struct config *c, struct pg_params *p)
{
	memset(p, 0, sizeof(*p));
	p->conninfo = c->database.conninfo;
	p->password = c->database.password;
	p->application_name = c->database.application_name;
	p->connect_timeout = c->database.connect_timeout;
	p->retry_initial = c->database.retry_initial;
	p->retry_max = c->database.retry_max;
}

int
daemon_log_level(const struct config *c, int verbosity)
{
	int	level;

	level = log_level_from_name(daemon_log_levels[c->log.level]);
	level += verbosity;
	return (level > LOG_DEBUG ? LOG_DEBUG : level);
}

static void
daemon_ready(struct daemon *d)
{
	d->ready = 1;
	sdnotify_send(d->notify, "READY=1");
	sdnotify_status(d->notify, "ready: database connected, schema current");
	log_info("ready");
}

static void
daemon_output_cb(const struct batch *b, void *arg)
{
	struct daemon	*d = arg;

	/* Dropping (spool full) is counted and logged by the writer. */
	writer_submit(d->writer, b);
}

static void
daemon_commit_cb(const struct batchrec_meta *m, const struct writer_counts *n,
    void *arg)
{
	struct daemon	*d = arg;

	web_batch_latency(d->web, writer_stats(d->writer)->last_latency_usec);
	if (d->scheduler != NULL)
		scheduler_stored(d->scheduler, m->feed, m->started);
	/* Only what changed the stored data can change an alert. */
	if (n->stored + n->revised + n->events_new > 0)
		alerting_kick(d->alerting);
}

static void
daemon_stored_cb(void *arg)
{
	struct daemon	*d = arg;

	notifier_kick(d->notifier);
}

static void
daemon_validators_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct daemon	*d = arg;
	int		 i;

	if (!pg_result_ok(res)) {
		/* Without validators the first runs are unconditional:
		 * harmless, so start anyway. */
		if (res != NULL)
			log_warnx("feed state: %s", pg_result_error(res));
	} else {
		for (i = 0; i < PQntuples(res); i++)
			scheduler_set_validators(d->scheduler,
			    PQgetvalue(res, i, 0),
			    PQgetisnull(res, i, 1) ? NULL :
			    PQgetvalue(res, i, 1),
			    PQgetisnull(res, i, 2) ? NULL :
			    PQgetvalue(res, i, 2));
	}
	/* Feeds start once we know which are ours. */
	d->validators = 1;
	feedlock_pg_ready(d->feedlock);
}

static void
daemon_feed_owned_cb(const char *feed, int owned, void *arg)
{
	struct daemon	*d = arg;

	if (feed != NULL)
		scheduler_set_owned(d->scheduler, feed, owned);
	else if (owned)
		alerting_pg_ready(d->alerting);
	else
		alerting_pg_lost(d->alerting);
}

/* Tells the scheduler which feeds are ours, as far as is known. */
static void
daemon_feeds_owned(struct daemon *d)
{
	size_t	i;

	for (i = 0; i < d->config->nfeeds; i++)
		scheduler_set_owned(d->scheduler, d->config->feeds[i].name,
		    feedlock_owned(d->feedlock, d->config->feeds[i].name));
}

static void
daemon_feeds_known_cb(void *arg)
{
	struct daemon	*d = arg;
	size_t		 i, mine = 0;

	if (d->polling || d->stopping || !d->validators)
		return;
	d->polling = 1;
	scheduler_start(d->scheduler);
	for (i = 0; i < d->config->nfeeds; i++)
		mine += feedlock_owned(d->feedlock, d->config->feeds[i].name);
	if (mine == d->config->nfeeds)
		log_info("polling %zu feed%s", mine, mine == 1 ? "" : "s");
	else
		log_info("polling %zu of %zu feeds (the others are polled by "
		    "another potashd on this database)", mine,
		    d->config->nfeeds);
}

static void
daemon_drained_cb(void *arg)
{
	struct daemon	*d = arg;

	if (!writer_idle(d->writer))
		log_warnx("stopping with %" PRIu64 " batch(es) in the spool; "
		    "they are written at the next start",
		    writer_stats(d->writer)->spool_pending);
	event_base_loopexit(d->base, NULL);
}

static void
daemon_stop(struct daemon *d, int code)
{
	if (d->stopping)
		return;
	d->stopping = 1;
	d->exit_code = code;
	sdnotify_send(d->notify, "STOPPING=1");
	sdnotify_status(d->notify, "stopping");
	log_info("stopping");

	/* Timers off now; the writer gets a few seconds to commit what it
	 * holds (the rest goes to the spool), then the loop ends and
	 * daemon_free closes the database, in the reverse order of
	 * start-up.  The watchdog keeps pinging while we drain. */
	if (d->scheduler != NULL)
		scheduler_stop(d->scheduler);
	if (d->notifier != NULL)
		notifier_stop(d->notifier);
	/* No new HTTP connections; requests in flight are answered. */
	if (d->web != NULL)
		web_stop(d->web);
	if (d->writer != NULL)
		writer_drain(d->writer, DAEMON_DRAIN_USEC, daemon_drained_cb,
		    d);
	else
		event_base_loopexit(d->base, NULL);
}

/*
 * Another writer committed runs or events for the alert engine.  Our own
 * writer's commits notify this very session too: those are ignored, as
 * daemon_commit_cb already kicks the engine for the ones that stored
 * something (a poll of known values would cost a pass for nothing).
 */
static void
daemon_pg_notify_cb(struct pg *pg, const char *channel, int self, void *arg)
{
	struct daemon	*d = arg;

	if (!self && strcmp(channel, DAEMON_ALERT_CHANNEL) == 0 &&
	    d->alerting != NULL)
		alerting_kick(d->alerting);
}

static void
daemon_migrate_done_cb(int ok, int applied, const char *msg, void *arg)
{
	struct daemon	*d = arg;

	if (ok) {
		d->schema_current = 1;
		web_set_schema(d->web, 1);
		if (applied > 0)
			log_info("schema: applied %d migration%s, now current",
			    applied, applied == 1 ? "" : "s");
		else
			log_info("schema: current");
		writer_pg_ready(d->writer);
		/* Runs and events other writers queue for the alert engine
		 * are announced at their commit (schema 0017). */
		if (pg_query_simple(d->pg, "LISTEN " DAEMON_ALERT_CHANNEL,
		    NULL, NULL) == -1)
			log_warnx("alerts: database connection lost");
		/* Alerting starts once its lock is ours (feedlock). */
		notifier_pg_ready(d->notifier);
		/* Feeds start once their validators are known; after a
		 * reconnect, the session's feed locks are taken again. */
		if (d->validators)
			feedlock_pg_ready(d->feedlock);
		else if (pg_query(d->pg, "SELECT feed, etag, "
		    "last_modified FROM potash.feed_state", 0, NULL,
		    daemon_validators_cb, d) == -1)
			log_warnx("feed state: database connection lost");
		if (!d->ready)
			daemon_ready(d);
		return;
	}
	/* A lost connection is an outage: the state callback retries. */
	if (d->pg != NULL && pg_state(d->pg) != PG_CONNECTED) {
		log_warnx("schema: %s; will retry", msg);
		return;
	}
	log_warnx("schema: %s", msg);
	sdnotify_status(d->notify, "failed: schema: %s", msg);
	daemon_stop(d, 1);
}

static void
daemon_pg_state_cb(struct pg *pg, enum pg_state state, const char *why,
    void *arg)
{
	struct daemon	*d = arg;
	char		 delay[32];

	switch (state) {
	case PG_CONNECTING:
		log_debug("database: connecting");
		break;
	case PG_CONNECTED:
		log_info("database: connected");
		web_set_schema(d->web, 0);
		if (!d->ready)
			sdnotify_status(d->notify,
			    "database connected; checking schema");
		/* Check on every connection: the server may have been
		 * restored from a backup or replaced meanwhile. */
		migrate_free(d->migrate);
		d->migrate = migrate_start(pg, migration_files,
		    migration_nfiles, daemon_migrate_done_cb, d);
		break;
	case PG_DISCONNECTED:
		if (d->writer != NULL)
			writer_pg_lost(d->writer);
		if (d->alerting != NULL)
			alerting_pg_lost(d->alerting);
		if (d->notifier != NULL)
			notifier_pg_lost(d->notifier);
		if (d->feedlock != NULL)
			feedlock_pg_lost(d->feedlock);
		parse_duration_format(pg_retry_delay(pg), delay, sizeof(delay));
		log_warnx("database: %s; retrying in about %s", why, delay);
		sdnotify_status(d->notify, "waiting for database: %s "
		    "(retrying in about %s)", why, delay);
		break;
	}
}

static void
daemon_reload(struct daemon *d)
{
	struct config	*c;
	struct pg_params params;
	char		*errors, *line, *save = NULL, err[512];

	sdnotify_reloading(d->notify);
	sdnotify_status(d->notify, "reloading %s", d->config->path);
	log_info("reloading %s", d->config->path);

	if ((c = config_load(d->config->path, &errors)) == NULL) {
		for (line = strtok_r(errors, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			log_warnx("reload: %s", line);
		log_warnx("reload: keeping the running configuration");
		free(errors);
	} else if (scheduler_configure(d->scheduler, c, err,
	    sizeof(err)) == -1) {
		log_warnx("reload: %s; keeping the running configuration",
		    err);
		config_free(c);
	} else {
		/* The engine borrows the rules: switch before freeing. */
		alerting_configure(d->alerting, c->rules, c->nrules);
		notifier_configure(d->notifier, c->channels, c->nchannels);
		notifier_set_external_url(d->notifier, c->http.external_url);
		notifier_set_link_token(d->notifier, c->http.token);
		/* The server borrows the feeds and may move to a new address
		 * (if binding fails it keeps the old one and retries). */
		web_configure(d->web, c);
		config_free(d->config);
		d->config = c;
		/* New feeds wait for their locks; gone ones are released. */
		feedlock_configure(d->feedlock, c);
		daemon_feeds_owned(d);
		log_set_level(daemon_log_level(c, d->verbosity));
		daemon_pg_params(c, &params);
		pg_reconfigure(d->pg, &params);
		log_info("reload: configuration applied");
	}
	if (d->ready) {
		sdnotify_send(d->notify, "READY=1");
		sdnotify_status(d->notify,
		    "ready: database connected, schema current");
	}
}

static void
daemon_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon	*d = arg;

	switch (sig) {
	case SIGHUP:
		if (!d->stopping)
			daemon_reload(d);
		break;
	case SIGTERM:
	case SIGINT:
		log_info("received %s", sig == SIGTERM ? "SIGTERM" : "SIGINT");
		daemon_stop(d, 0);
		break;
	default:
		break;
	}
}

static void
daemon_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon	*d = arg;

	/* Sent from the loop itself: a stuck loop stops the pings. */
	sdnotify_send(d->notify, "WATCHDOG=1");
}

void
daemon_writer_params(const struct config *c, const char *spool_path,
    struct writer_params *wp)
{
	memset(wp, 0, sizeof(*wp));
	wp->spool_path = spool_path;
	wp->spool_max = c->database.spool_max_size;
	wp->value_cache_max = (size_t)c->database.value_cache_size;
	wp->value_cache_off = c->database.value_cache_size == 0;
	wp->batch_max = (size_t)c->database.batch_size;
	wp->batch_delay = c->database.batch_delay;
}

static struct writer *
daemon_writer_new(struct daemon *d)
{
	struct writer_params	 wp;
	struct writer		*w;
	char			*path, err[1024];

	/* systemd's StateDirectory= creates it; elsewhere we do. */
	if (mkdir(d->config->state_directory, 0700) == -1 && errno != EEXIST)
		fatal("state directory %s", d->config->state_directory);
	path = xasprintf("%s/spool", d->config->state_directory);
	daemon_writer_params(d->config, path, &wp);
	if ((w = writer_new(d->base, d->pg, &wp, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	free(path);
	return (w);
}

struct daemon *
daemon_new(struct config *config, int verbosity)
{
	struct daemon	*d;
	struct pg_params params;
	struct web_sources sources;
	char		 err[512];

	d = xcalloc(1, sizeof(*d));
	d->config = config;
	d->verbosity = verbosity;
	if ((d->base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");

	d->notify = sdnotify_open(getenv("NOTIFY_SOCKET"));
	if (d->notify == NULL)
		fatal("NOTIFY_SOCKET %s", getenv("NOTIFY_SOCKET"));
	/* Children (none yet) must not talk to systemd as us. */
	unsetenv("NOTIFY_SOCKET");

	signal(SIGPIPE, SIG_IGN);
	d->ev_sigterm = evsignal_new(d->base, SIGTERM, daemon_signal_cb, d);
	d->ev_sigint = evsignal_new(d->base, SIGINT, daemon_signal_cb, d);
	d->ev_sighup = evsignal_new(d->base, SIGHUP, daemon_signal_cb, d);
	evsignal_add(d->ev_sigterm, NULL);
	evsignal_add(d->ev_sigint, NULL);
	evsignal_add(d->ev_sighup, NULL);

	d->watchdog_usec = sdnotify_watchdog_usec(getenv("WATCHDOG_USEC"),
	    getenv("WATCHDOG_PID"), getpid());
	if (d->watchdog_usec > 0) {
		struct timeval tv;

		tv.tv_sec = (time_t)(d->watchdog_usec / 2 / 1000000);
		tv.tv_usec = (suseconds_t)(d->watchdog_usec / 2 % 1000000);
		d->ev_watchdog = event_new(d->base, -1, EV_PERSIST,
		    daemon_watchdog_cb, d);
		event_add(d->ev_watchdog, &tv);
	}

	daemon_pg_params(config, &params);
	d->pg = pg_new(d->base, &params, daemon_pg_state_cb, d);
	pg_set_notify(d->pg, daemon_pg_notify_cb, d);
	d->writer = daemon_writer_new(d);
	d->alerting = alerting_new(d->base, d->pg, config->rules,
	    config->nrules);
	writer_set_commit_hook(d->writer, daemon_commit_cb, d);
	d->transfer = transfer_new(d->base, NULL);
	if (d->transfer == NULL)
		fatalx("cannot set up libcurl");
	d->scheduler = scheduler_new(d->base, d->transfer, daemon_output_cb,
	    d);
	d->notifier = notifier_new(d->base, d->pg, d->transfer,
	    config->channels, config->nchannels);
	notifier_set_external_url(d->notifier, config->http.external_url);
	notifier_set_link_token(d->notifier, config->http.token);
	alerting_set_stored_hook(d->alerting, daemon_stored_cb, d);
	if (scheduler_configure(d->scheduler, config, err, sizeof(err)) == -1)
		fatalx("%s", err);
	d->feedlock = feedlock_new(d->base, d->pg, daemon_feed_owned_cb,
	    daemon_feeds_known_cb, d);
	feedlock_configure(d->feedlock, config);
	daemon_feeds_owned(d);
	sources.pg = d->pg;
	sources.writer = d->writer;
	sources.scheduler = d->scheduler;
	sources.alerting = d->alerting;
	sources.notifier = d->notifier;
	d->web = web_new(d->base, &sources);
	return (d);
}

int
daemon_run(struct daemon *d)
{
	log_info("potashd %s starting with %s", POTASHD_VERSION,
	    d->config->path);
	sdnotify_status(d->notify, "connecting to database");
	/* Listening before the database is up: /healthz and /readyz tell
	 * what we wait for. */
	web_configure(d->web, d->config);
	pg_start(d->pg);
	event_base_dispatch(d->base);
	return (d->exit_code);
}

void
daemon_free(struct daemon *d)
{
	if (d == NULL)
		return;
	migrate_free(d->migrate);
	/* Transfers first (their callbacks reach the scheduler), then the
	 * scheduler; pg before the writer: it fails the writer's queries
	 * while the writer lives. */
	if (d->scheduler != NULL)
		scheduler_stop(d->scheduler);
	transfer_free(d->transfer);
	scheduler_free(d->scheduler);
	d->scheduler = NULL;	/* the writer's commit hook reaches it */
	/* pg fails the web's queued queries (answered 503) while the
	 * server still holds their connections. */
	pg_free(d->pg);
	feedlock_free(d->feedlock);
	web_free(d->web);
	notifier_free(d->notifier);
	alerting_free(d->alerting);
	writer_free(d->writer);
	if (d->ev_watchdog != NULL)
		event_free(d->ev_watchdog);
	event_free(d->ev_sigterm);
	event_free(d->ev_sigint);
	event_free(d->ev_sighup);
	sdnotify_free(d->notify);
	config_free(d->config);
	event_base_free(d->base);
	free(d);
}
