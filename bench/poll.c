/* SPDX-License-Identifier: ISC */
/*
 * poll: how fast potashd polls, against curl fetching the same URLs.
 *
 * A child process (bench/pollserve) serves a fixed JSON body of 2 KB at
 * /feed/<n> (evhttp on 127.0.0.1:0, keep-alive), so its CPU is never
 * counted against the poller's (it is read from /proc and shown apart).
 * The parent makes so many polls (10,000), so many at a time (100), of
 * distinct URLs /feed/0 ... /feed/N-1:
 *   - curl --parallel fetching them from a config file: the reference;
 *   - potashd's own path, as far as each line says: the transfer engine
 *     only; then also the json collector (a struct feed built here as the
 *     config loader builds one); then also the writer, each poll's batch
 *     handed to writer_submit as the scheduler's output does, into a
 *     fresh, migrated database, with the daemon's default writer settings,
 *     once with a body that differs at every poll (in a note nothing
 *     maps: each is parsed, its values all known), once with the same
 *     body (daemon/bodymemo: parsed until its batch is stored, then not).
 * A line is timed from the first request until the last response has
 * been handled; for the writer's, the time it then needs to become idle
 * is reported apart.
 *
 * A benchmark: it prints figures and asserts nothing.  It is not a test
 * and the test suite never runs it.  Blocking libpq is fine here.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <libpq-fe.h>

#include "bench/benchdb.h"
#include "bench/benchutil.h"
#include "bench/pollserve.h"
#include "collectors/collector.h"
#include "daemon/bodymemo.h"
#include "daemon/log.h"
#include "store/writer.h"
#include "transfer/transfer.h"
#include "util/xmalloc.h"

#define POLL_DB		"bench_poll"
#define POLL_POLLS	10000
#define POLL_PARALLEL	100

/* The lines of the table; each potashd line goes one step further. */
enum poll_line {
	POLL_CURL,		/* the reference */
	POLL_TRANSFER,		/* the response is received */
	POLL_PARSE,		/* ... and parsed into a batch */
	POLL_WRITE,		/* ... and the batch handed to the writer */
	POLL_SAME,		/* the same, the body the same every poll */
	POLL_NLINES,
};

static const char *const	poll_line_names[POLL_NLINES] = {
	"curl --parallel", "potashd transfer", "potashd + json parse",
	"potashd + parse + writer", "potashd, the same body",
};

/* The writer's figures, for each of the two lines that have one. */
struct poll_writer_figure {
	struct writer_stats	 w0, w1;	/* before and once idle */
	uint64_t		 backlog_max;	/* batches in the writer */
	uint64_t		 parsed;	/* bodies parsed */
	double			 backend_polls;	/* < 0 unknown */
	double			 backend_drain;
	double			 drain_secs, drain_cpu;
};

struct poll_figure {
	uint64_t	 polls;		/* completed (curl: asked for) */
	uint64_t	 failed;
	double		 secs;
	double		 cpu;		/* the poller, user + sys */
	double		 cpu_server;
	long		 rss_kb;	/* the poller's peak; < 0 unknown */
};

/* One of the transfers kept in flight, reused poll after poll. */
struct poll_slot {
	struct poll_bench	*pb;
	int64_t			 started;	/* unix usec */
	char			 url[128];
	char			 redacted[128];
};

struct poll_bench {
	uint64_t		 polls;
	uint64_t		 parallel;
	struct pollserve	*server;
	char			*prefix;	/* of the URL list, the spool */

	struct event_base	*base;
	struct transfer		*transfer;
	struct feed		 feed;
	const struct collector_ops *ops;
	void			*data;
	struct benchdb_writer	 bw;
	struct bodymemo		 memo;		/* as a sched_feed's */
	uint8_t			 key[SIPHASH_KEY_LEN];

	/* The line in progress. */
	enum poll_line		 line;
	struct poll_slot	*slots;
	uint64_t		 next, done, failed, submitted;
	uint64_t		 done0;		/* the writer's, at the start */
	struct poll_writer_figure *wf;		/* NULL: no writer */
	char			 error[768];	/* the first failure */

	struct poll_figure	 fig[POLL_NLINES];
	struct poll_writer_figure wfig[2];	/* POLL_WRITE, POLL_SAME */
};

static void	poll_usage(int) __attribute__((noreturn));
static void	poll_start(struct poll_slot *);

static void
poll_usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: poll [--polls N] [--parallel N]\n"
	    "  --polls N     polls per line, of distinct URLs (default %d)\n"
	    "  --parallel N  transfers in flight (default %d)\n"
	    "Needs curl.  Connects through libpq's environment (PGHOST, "
	    "PGPORT, PGUSER) as\na superuser, and leaves database " POLL_DB
	    " behind.\n", POLL_POLLS, POLL_PARALLEL);
	exit(status);
}

/* Unix time: in usec for batches, in seconds for the figures. */
static int64_t
poll_unix_usec(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

static double
poll_secs(void)
{
	return ((double)poll_unix_usec() / 1e6);
}

/*
 * The reference: curl --parallel fetching the same URLs, listed in a
 * config file as url/output pairs.  CPU and peak RSS come from wait4 (the
 * peak also counts the child before exec, a fork of this process that
 * holds about 3 MiB: less than curl's own).  Returns 0 or -1.
 */
static int
poll_curl(struct poll_bench *pb, struct poll_figure *f)
{
	struct rusage		 ru;
	char			*path, par[24];
	FILE			*fp;
	uint64_t		 i;
	double			 t0, s0;
	pid_t			 pid;
	int			 status, fd, rv = -1;

	s0 = bench_cpu_pid(pollserve_pid(pb->server), "poll");
	path = xasprintf("%s.urls", pb->prefix);
	if ((fp = fopen(path, "w")) == NULL) {
		fprintf(stderr, "poll: %s: %s\n", path, strerror(errno));
		free(path);
		return (-1);
	}
	for (i = 0; i < pb->polls; i++)
		fprintf(fp, "url = \"http://127.0.0.1:%u/feed/%" PRIu64 "\"\n"
		    "output = \"/dev/null\"\n", pollserve_port(pb->server), i);
	snprintf(par, sizeof(par), "%" PRIu64, pb->parallel);
	if (fclose(fp) == EOF)
		goto out;
	fflush(stdout);
	fflush(stderr);
	t0 = poll_secs();
	if ((pid = fork()) == -1)
		goto out;
	if (pid == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) != -1)
			dup2(fd, STDOUT_FILENO);
		/* --no-progress-meter: curl 7.88.1 draws the parallel
		 * meter despite -s (curl issue 10573). */
		execlp("curl", "curl", "--parallel", "--parallel-max", par,
		    "-sS", "--no-progress-meter", "--config", path,
		    (char *)NULL);
		fprintf(stderr, "poll: cannot run curl: %s\n", strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) == -1)
		if (errno != EINTR)
			goto out;
	f->secs = poll_secs() - t0;
	f->cpu_server = bench_cpu_pid(pollserve_pid(pb->server), "poll") - s0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
		fprintf(stderr, "poll: curl did not run (status %d)\n", status);
		goto out;
	}
	/* With --parallel, curl reports the last failure only. */
	if (WEXITSTATUS(status) != 0)
		fprintf(stderr, "poll: curl exited with %d\n",
		    WEXITSTATUS(status));
	f->polls = pb->polls;
	f->failed = WEXITSTATUS(status) != 0;
	f->cpu = bench_cpu_rusage(&ru);
	f->rss_kb = ru.ru_maxrss;
	rv = 0;
out:
	unlink(path);
	free(path);
	return (rv);
}

/* The feed, as the config loader would build it for kind json. */
static int
poll_feed_open(struct poll_bench *pb)
{
	static const char *const	 names[] = { "rows", "period_field",
	    "values" };
	struct feed_option		*o;
	char				 err[512];
	size_t				 i;

	pb->feed.name = xstrdup("bench-poll");
	pb->feed.kind = xstrdup("json");
	pb->feed.enabled = 1;
	pb->feed.opts = xcalloc(3, sizeof(*pb->feed.opts));
	pb->feed.nopts = 3;
	for (i = 0; i < 3; i++) {
		o = &pb->feed.opts[i];
		o->name = xstrdup(names[i]);
		o->nvalues = i < 2 ? 1 : POLLSERVE_SERIES;
		o->values = xcalloc(o->nvalues, sizeof(*o->values));
		o->line = (int)i + 1;
	}
	pb->feed.opts[0].values[0] = xstrdup("data");
	pb->feed.opts[1].values[0] = xstrdup("date");
	for (i = 0; i < POLLSERVE_SERIES; i++)
		pb->feed.opts[2].values[i] = xasprintf("potash_price_"
		    "assessment_%02zu=>bench/potash_%02zu:USD/t", i, i);
	pb->ops = collector_find("json");
	if (pb->ops->configure(&pb->feed, &pb->data, err, sizeof(err)) == -1) {
		fprintf(stderr, "poll: feed: %s\n", err);
		return (-1);
	}
	return (0);
}

static void
poll_feed_close(struct poll_bench *pb)
{
	struct feed_option	*o;

	if (pb->ops != NULL)
		pb->ops->free(pb->data);
	for (o = pb->feed.opts; o < pb->feed.opts + pb->feed.nopts; o++) {
		while (o->nvalues > 0)
			free(o->values[--o->nvalues]);
		free(o->values);
		free(o->name);
	}
	free(pb->feed.opts);
	free(pb->feed.name);
	free(pb->feed.kind);
}

static void
poll_fail(struct poll_bench *pb, const char *what, const char *why)
{
	pb->failed++;
	if (pb->error[0] == '\0')
		snprintf(pb->error, sizeof(pb->error), "%s: %s", what, why);
}

/*
 * A poll's end, handled as the scheduler's sched_done_cb and
 * sched_finish do, as far as the line goes; then the slot's next poll.
 */
static void
poll_done_cb(const struct transfer_result *tr, void *arg)
{
	struct poll_slot	*s = arg;
	struct poll_bench	*pb = s->pb;
	struct collector_result	 res;
	char			 err[512];
	uint8_t			 d[SIPHASH128_LEN];
	uint64_t		 backlog;
	int			 ok, same = 0;

	if (tr->outcome == TRANSFER_CANCELLED)
		return;
	pb->done++;
	if (tr->outcome != TRANSFER_OK)
		poll_fail(pb, "fetch", tr->error != NULL ? tr->error : "?");
	else if (tr->status != 200)
		poll_fail(pb, "fetch", "HTTP status not 200");
	else if (pb->line >= POLL_PARSE) {
		memset(&res, 0, sizeof(res));
		res.batch = batch_new(pb->feed.name);
		err[0] = '\0';
		/* The body stored last is not parsed again. */
		if (pb->wf != NULL) {
			bodymemo_digest(pb->key, tr->body, tr->len, d);
			same = bodymemo_known(&pb->memo, d);
		}
		if (same)
			ok = 1;
		else {
			ok = pb->ops->parse(&pb->feed, pb->data, tr->body,
			    tr->len, poll_unix_usec(), &res, err,
			    sizeof(err)) == 0;
			if (ok && pb->wf != NULL) {
				pb->wf->parsed++;
				bodymemo_handed(&pb->memo, d, s->started);
			}
		}
		if (!ok)
			poll_fail(pb, "parse", err);
		else {
			batch_set_url(res.batch, s->redacted);
			res.batch->http_status = (int)tr->status;
			res.batch->bytes = tr->len;
			res.batch->started = s->started;
			res.batch->finished = poll_unix_usec();
		}
		if (ok && pb->wf != NULL) {
			if (writer_submit(pb->bw.w, res.batch) !=
			    WRITER_ACCEPTED)
				poll_fail(pb, "writer", "batch dropped");
			backlog = ++pb->submitted -
			    (benchdb_writer_done(&pb->bw) - pb->done0);
			if (backlog > pb->wf->backlog_max)
				pb->wf->backlog_max = backlog;
		}
		collector_result_clear(&res);
	}
	if (pb->next < pb->polls)
		poll_start(s);
}

/* Starts the next poll on slot s, as the scheduler's sched_fetch does. */
static void
poll_start(struct poll_slot *s)
{
	struct poll_bench		*pb = s->pb;
	struct collector_request	 req;
	struct transfer_request		 treq;
	char				 err[512];

	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u/%s/%" PRIu64,
	    pollserve_port(pb->server), pb->line == POLL_WRITE ? "vary" :
	    "feed", pb->next++);
	pb->feed.url = s->url;
	s->started = poll_unix_usec();
	memset(&req, 0, sizeof(req));
	if (pb->ops->request(&pb->feed, pb->data, s->started, &req, err,
	    sizeof(err)) == -1) {
		poll_fail(pb, "request", err);
		pb->done++;
		return;
	}
	transfer_redact_url(req.url, s->redacted, sizeof(s->redacted));
	memset(&treq, 0, sizeof(treq));
	treq.url = req.url;
	treq.headers = (const char *const *)req.headers;
	treq.low_speed_limit = 64;	/* the scheduler's */
	treq.low_speed_time = 30;
	transfer_start(pb->transfer, &treq, poll_done_cb, s);
	collector_request_clear(&req);
}

/* The writer stored a batch: the scheduler's daemon_commit_cb. */
static void
poll_commit_cb(const struct batchrec_meta *m, const struct writer_counts *n,
    void *arg)
{
	struct poll_bench	*pb = arg;

	bodymemo_stored(&pb->memo, m->started);
}

/*
 * One potashd line, through a fresh transfer engine (no cached
 * connections: curl starts without any either); for POLL_WRITE, then
 * until the writer is idle.  Returns 0 or -1.
 */
static int
poll_run(struct poll_bench *pb, enum poll_line line)
{
	struct poll_figure	*f = &pb->fig[line];
	struct transfer_params	 tp;
	double			 t0, c0, s0, b0, b1 = -1, b2;
	uint64_t		 i;

	memset(&tp, 0, sizeof(tp));
	tp.max_host_connections = (long)pb->parallel;
	if ((pb->transfer = transfer_new(pb->base, &tp)) == NULL)
		return (-1);
	pb->line = line;
	pb->next = pb->done = pb->failed = pb->submitted = 0;
	pb->error[0] = '\0';
	pb->wf = line >= POLL_WRITE ? &pb->wfig[line - POLL_WRITE] : NULL;
	bodymemo_forget(&pb->memo);
	if (pb->wf != NULL) {
		pb->wf->w0 = *writer_stats(pb->bw.w);
		pb->done0 = benchdb_writer_done(&pb->bw);
	}
	bench_rss_reset();
	b0 = bench_cpu_pid(pb->bw.backend_pid, "postgres");
	s0 = bench_cpu_pid(pollserve_pid(pb->server), "poll");
	c0 = bench_cpu_pid(0, NULL);
	t0 = poll_secs();
	for (i = 0; i < pb->parallel && pb->next < pb->polls; i++)
		poll_start(&pb->slots[i]);
	while (pb->done < pb->polls && !pb->bw.lost)
		event_base_loop(pb->base, EVLOOP_ONCE);
	f->secs = poll_secs() - t0;
	f->cpu = bench_cpu_pid(0, NULL) - c0;
	f->cpu_server = bench_cpu_pid(pollserve_pid(pb->server), "poll") - s0;
	f->rss_kb = bench_status_kb("VmHWM:");
	if (pb->wf != NULL) {
		b1 = bench_cpu_pid(pb->bw.backend_pid, "postgres");
		pb->wf->backend_polls = b0 < 0 || b1 < 0 ? -1 : b1 - b0;
	}
	f->polls = pb->done;
	f->failed = pb->failed;
	/* Its connections close outside the figures. */
	transfer_free(pb->transfer);
	pb->transfer = NULL;
	if (pb->wf != NULL) {
		c0 = bench_cpu_pid(0, NULL);
		t0 = poll_secs();
		while (!writer_idle(pb->bw.w) && !pb->bw.lost)
			event_base_loop(pb->base, EVLOOP_ONCE);
		pb->wf->drain_secs = poll_secs() - t0;
		pb->wf->drain_cpu = bench_cpu_pid(0, NULL) - c0;
		b2 = bench_cpu_pid(pb->bw.backend_pid, "postgres");
		pb->wf->backend_drain = b1 < 0 || b2 < 0 ? -1 : b2 - b1;
		pb->wf->w1 = *writer_stats(pb->bw.w);
	}
	if (pb->error[0] != '\0')
		fprintf(stderr, "poll: %s: %" PRIu64 " failed; the first: %s\n",
		    poll_line_names[line], pb->failed, pb->error);
	return (pb->bw.lost ? -1 : 0);
}

/*
 * A fresh, migrated database (its server's version in version) and the
 * writer on it, set as potashd.conf's defaults set it; waits until it is
 * usable.  Returns 0 or -1.
 */
static int
poll_writer_open(struct poll_bench *pb, char *version, size_t vlen)
{
	struct writer_params	 wp;
	PGconn			*conn;
	char			*spool;
	int			 rv;

	if ((conn = benchdb_connect("postgres")) == NULL)
		return (-1);
	snprintf(version, vlen, "%s", PQparameterStatus(conn,
	    "server_version"));
	PQfinish(conn);
	if (benchdb_fresh(POLL_DB) == -1)
		return (-1);
	spool = xasprintf("%s.spool", pb->prefix);
	memset(&wp, 0, sizeof(wp));
	wp.spool_path = spool;
	wp.spool_max = 256u * 1024 * 1024;	/* spool_max_size */
	wp.batch_max = 10000;			/* batch_size */
	wp.batch_delay = 100000;		/* batch_delay */
	/* value_cache_size: the default, 8 MiB (value_cache_max 0) */
	rv = benchdb_writer_open(&pb->bw, pb->base, "dbname=" POLL_DB, &wp);
	free(spool);
	if (rv == 0)
		writer_set_commit_hook(pb->bw.w, poll_commit_cb, pb);
	return (rv);
}

/* Under a writer line: its writer's figures. */
static void
poll_print_writer(const struct poll_figure *f,
    const struct poll_writer_figure *wf)
{
	const struct writer_stats	*a = &wf->w0, *d = &wf->w1;
	char				 b1[16], b2[16];

	snprintf(b1, sizeof(b1), "%.2f", wf->backend_polls);
	snprintf(b2, sizeof(b2), "%.2f", wf->backend_drain);
	printf("    writer: idle %.2f s after the last poll (client cpu %.2f "
	    "s); backend cpu %s s during the polls, %s s after\n",
	    wf->drain_secs, wf->drain_cpu, wf->backend_polls < 0 ? "-" : b1,
	    wf->backend_drain < 0 ? "-" : b2);
	printf("    writer: %" PRIu64 " transactions (%" PRIu64 " failed), %"
	    PRIu64 " batches (%" PRIu64 " spooled, %" PRIu64 " dropped); "
	    "stored %" PRIu64 ", unchanged %" PRIu64 ", revised %" PRIu64 "\n",
	    d->transactions - a->transactions, d->transactions_failed -
	    a->transactions_failed, d->batches_committed - a->batches_committed,
	    d->batches_spooled - a->batches_spooled, d->batches_dropped -
	    a->batches_dropped, d->obs_stored - a->obs_stored,
	    d->obs_unchanged - a->obs_unchanged, d->obs_revised -
	    a->obs_revised);
	printf("    writer: at most %" PRIu64 " batches waiting in it; "
	    "%.2f s from the first poll to all stored (%.0f polls/s); %"
	    PRIu64 " bodies parsed\n", wf->backlog_max, f->secs +
	    wf->drain_secs, (double)f->polls / (f->secs + wf->drain_secs),
	    wf->parsed);
}

static void
poll_print(const struct poll_bench *pb)
{
	const struct poll_figure	*f, *c = &pb->fig[POLL_CURL];
	char				 rss[16];
	int				 i;

	printf("%-26s %6s %6s %7s %8s %7s %10s %10s %8s\n", "run", "polls",
	    "failed", "seconds", "polls/s", "vs curl", "cpu s/1000",
	    "server cpu", "RSS MiB");
	for (i = 0; i < POLL_NLINES; i++) {
		f = &pb->fig[i];
		snprintf(rss, sizeof(rss), "%.1f", (double)f->rss_kb / 1024);
		printf("%-26s %6" PRIu64 " %6" PRIu64 " %7.2f %8.0f %7.2f "
		    "%10.3f %10.2f %8s\n", poll_line_names[i], f->polls,
		    f->failed, f->secs, (double)f->polls / f->secs,
		    ((double)f->polls / f->secs) / ((double)c->polls /
		    c->secs), f->cpu * 1000 / (double)(f->polls > 0 ?
		    f->polls : 1), f->cpu_server, f->rss_kb < 0 ? "-" : rss);
		if (i >= POLL_WRITE)
			poll_print_writer(f, &pb->wfig[i - POLL_WRITE]);
	}
}

static uint64_t
poll_number(const char *s, uint64_t max)
{
	uint64_t	n;

	if (bench_number(s, 1, max, &n, NULL) == -1)
		poll_usage(2);
	return (n);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "polls",	required_argument,	NULL, 'n' },
		{ "parallel",	required_argument,	NULL, 'p' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	struct poll_bench	 pb;
	const char		*tmp = getenv("TMPDIR");
	char			 version[64] = "?", *spool;
	uint64_t		 i;
	long			 rss;
	int			 ch, failed = 1;
	int			 line;

	memset(&pb, 0, sizeof(pb));
	pb.polls = POLL_POLLS;
	pb.parallel = POLL_PARALLEL;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'n')
			pb.polls = poll_number(optarg, 10000000);
		else if (ch == 'p')
			pb.parallel = poll_number(optarg, 1000);
		else
			poll_usage(ch == 'h' ? 0 : 2);
	}
	if (optind != argc)
		poll_usage(2);
	/* The writer's own warnings (spool, reconnects) still show. */
	log_init(1, LOG_WARNING);
	signal(SIGPIPE, SIG_IGN);

	pb.prefix = xasprintf("%s/potashd-bench-poll.%ld", tmp != NULL &&
	    *tmp != '\0' ? tmp : "/tmp", (long)getpid());
	fflush(stdout);
	if ((pb.server = pollserve_new()) == NULL)
		goto out;
	pb.base = event_base_new();
	arc4random_buf(pb.key, sizeof(pb.key));
	pb.slots = xcalloc(pb.parallel, sizeof(*pb.slots));
	for (i = 0; i < pb.parallel; i++)
		pb.slots[i].pb = &pb;
	if (poll_feed_open(&pb) == -1 ||
	    poll_writer_open(&pb, version, sizeof(version)) == -1)
		goto out;

	printf("machine: %ld CPUs online; libcurl %s, libevent %s, "
	    "PostgreSQL %s\n", sysconf(_SC_NPROCESSORS_ONLN),
	    curl_version_info(CURLVERSION_NOW)->version, event_get_version(),
	    version);
	printf("polls: %" PRIu64 ", %" PRIu64 " at a time, of distinct URLs "
	    "on 127.0.0.1 (keep-alive; the server in a process of its own)\n"
	    "body: %zu bytes of JSON, %d observations (%d series x %d "
	    "periods), the same every poll but on the first writer line "
	    "(a note differs)\n\n", pb.polls, pb.parallel,
	    pollserve_body_len(pb.server), POLLSERVE_SERIES * POLLSERVE_ROWS,
	    POLLSERVE_SERIES, POLLSERVE_ROWS);
	fflush(stdout);
	rss = bench_status_kb("VmRSS:");

	fprintf(stderr, "poll: curl --parallel --parallel-max %" PRIu64 "\n",
	    pb.parallel);
	if (poll_curl(&pb, &pb.fig[POLL_CURL]) == -1)
		goto out;
	for (line = POLL_TRANSFER; line < POLL_NLINES; line++) {
		fprintf(stderr, "poll: %s\n", poll_line_names[line]);
		if (poll_run(&pb, (enum poll_line)line) == -1)
			goto out;
	}
	poll_print(&pb);
	printf("\nthis process: RSS %.1f MiB before the first poll; %.1f MiB "
	    "of mapped files (shared libraries) at the end\n",
	    (double)rss / 1024, (double)bench_status_kb("RssFile:") / 1024);
	failed = 0;
out:
	if (failed)
		fprintf(stderr, "poll: failed\n");
	benchdb_writer_close(&pb.bw);
	poll_feed_close(&pb);
	if (pb.base != NULL)
		event_base_free(pb.base);
	pollserve_free(pb.server);
	/* The spool and its compaction file. */
	for (line = 0; line < 2; line++) {
		spool = xasprintf("%s.spool%s", pb.prefix, line ? ".tmp" : "");
		unlink(spool);
		free(spool);
	}
	free(pb.slots);
	free(pb.prefix);
	return (failed);
}
