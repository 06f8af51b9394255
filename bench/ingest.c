/* SPDX-License-Identifier: ISC */
/*
 * ingest: how fast the writer stores observations, against the raw
 * ceiling of the same database.
 *
 * Each run (so many series times so many monthly periods) gets a fresh,
 * migrated database and times:
 *   - the writer storing every row as new data, then the same rows again
 *     (all unchanged), then with other values (all revised): batches go
 *     through writer_submit in a private event loop, timed from the first
 *     submit until the writer is idle;
 *   - the ceiling: one libpq COPY ... FROM STDIN (FORMAT binary) of the
 *     same rows into a plain table of the same shape (primary key; no
 *     foreign keys, partitions or comparison), from the COPY to its result;
 *   - the same COPY into potash.observations itself, rolled back: what the
 *     schema costs before the writer does anything.
 * Batches are built while the writer works, a few ahead, so memory stays
 * small and the writer never spools.  The binary COPY encoder is checked
 * against the server before anything is timed, and the ceiling's rows
 * against the writer's afterwards.
 *
 * A benchmark: it prints figures and asserts nothing.  It is not a test
 * and the test suite never runs it.  Blocking libpq is fine here.
 */
#include <sys/resource.h>
#include <sys/time.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "bench/benchdb.h"
#include "bench/benchutil.h"
#include "bench/pgcopy.h"
#include "collectors/observation.h"
#include "daemon/log.h"
#include "store/writer.h"
#include "util/buf.h"
#include "util/xmalloc.h"

#define INGEST_DB		"bench_ingest"
#define INGEST_ROWS		1000000
#define INGEST_BATCH		10000
#define INGEST_MAX_SERIES	99999	/* keys are bench/sNNNNN */
#define INGEST_MAX_RUNS		16
#define INGEST_AHEAD		3	/* batches submitted, not committed */
#define INGEST_STALL		120	/* seconds without a commit: give up */
#define INGEST_CHUNK		(256 * 1024)	/* COPY data per call */

struct ingest_figure {
	const char	*name;
	uint64_t	 rows;
	double		 secs;
	double		 cpu_client;	/* this process, user + sys */
	double		 cpu_backend;	/* the server backend; < 0 unknown */
	double		 wal_mb;	/* < 0 unknown */
};

enum ingest_phase {
	INGEST_CEILING,
	INGEST_SCHEMA,		/* the same COPY into potash.observations */
	INGEST_NEW,
	INGEST_UNCHANGED,
	INGEST_REVISED,
	INGEST_NPHASES,
};

static const char *const	ingest_phase_names[INGEST_NPHASES] = {
	"ceiling COPY BINARY", "COPY to observations", "writer new",
	"writer unchanged", "writer revised",
};

struct ingest_run {
	uint64_t		 series;
	uint64_t		 periods;
	uint64_t		 rows;		/* series * periods */
	uint64_t		 batch;
	uint64_t		 nbatches;
	int			 by_period;	/* row order: see ingest_row */

	PGconn			*conn;		/* blocking, same database */
	struct event_base	*base;
	struct benchdb_writer	 bw;
	struct event		*ev_tick;
	char			*dir;		/* holds the writer's spool */
	int			 stalled;
	uint64_t		 last_done;
	time_t			 last_progress;

	struct ingest_figure	 fig[INGEST_NPHASES];
	struct writer_stats	 delta[INGEST_NPHASES];
	char			 check[256];
};

static void	ingest_usage(int) __attribute__((noreturn));

static void
ingest_usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: ingest [--rows N] [--series N[,N...]] [--batch N]\n"
	    "              [--order series|period] [--keep]\n"
	    "  --rows N     observations per run (default %d)\n"
	    "  --series L   one run per series count; periods = rows / series\n"
	    "               (default: 1000 by series, 10000 by period)\n"
	    "  --batch N    observations per writer batch and transaction "
	    "(default %d)\n"
	    "  --order O    series: one series' history after another (a "
	    "backfill);\n"
	    "               period: every series for one period after "
	    "another (a spread)\n"
	    "  --keep       leave database " INGEST_DB " of the last run\n"
	    "Connects through libpq's environment (PGHOST, PGPORT, PGUSER) "
	    "as a superuser.\n", INGEST_ROWS, INGEST_BATCH);
	exit(status);
}

/* Bytes of WAL inserted so far; -1 if unknown. */
static double
ingest_wal(PGconn *conn)
{
	char	v[64];

	if (benchdb_value1(conn, "SELECT pg_wal_lsn_diff("
	    "pg_current_wal_insert_lsn(), '0/0')", v, sizeof(v)) == -1 ||
	    v[0] == '\0')
		return (-1);
	return (strtod(v, NULL));
}

/*
 * Row i of a run is period p of series s (both 0-based).  By series (a
 * backfill: one series' whole history after another) or by period (a
 * spread: every series for one period, then the next period).
 */
static void
ingest_row(const struct ingest_run *r, uint64_t i, uint64_t *s, uint64_t *p)
{
	*s = r->by_period ? i % r->series : i / r->periods;
	*p = r->by_period ? i / r->series : i % r->periods;
}

/* Series s is key "bench/sNNNNN" with NNNNN = s + 1, and gets id s + 1. */
static void
ingest_key(char *buf, size_t len, uint64_t s)
{
	snprintf(buf, len, "bench/s%05" PRIu64, s + 1);
}

/* Period p is the month p months after January 1950. */
static void
ingest_period(char *buf, size_t len, uint64_t p)
{
	snprintf(buf, len, "%04d-%02d-01", (int)(1950 + p / 12),
	    (int)(p % 12 + 1));
}

/* Two decimals, 0.00 to 100000.99; a revision adds 1.00, so it differs. */
static void
ingest_value(char *buf, size_t len, uint64_t s, uint64_t p, int revised)
{
	uint64_t	c = (s * 2654435761u + p * 40503u) % 10000000u;

	if (revised)
		c += 100;
	snprintf(buf, len, "%" PRIu64 ".%02" PRIu64, c / 100, c % 100);
}

/* Batch k of a run: rows [k * batch, (k + 1) * batch). */
static struct batch *
ingest_batch(const struct ingest_run *r, uint64_t k, int revised)
{
	struct batch	*b = batch_new("bench");
	char		 url[64], key[32], period[16], value[32];
	uint64_t	 i, end, s, p;
	struct timespec	 ts;

	snprintf(url, sizeof(url), "bench://ingest/%" PRIu64, k);
	batch_set_url(b, url);
	b->http_status = 200;
	clock_gettime(CLOCK_REALTIME, &ts);
	b->started = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	b->finished = b->started;
	end = (k + 1) * r->batch < r->rows ? (k + 1) * r->batch : r->rows;
	for (i = k * r->batch; i < end; i++) {
		ingest_row(r, i, &s, &p);
		ingest_key(key, sizeof(key), s);
		ingest_period(period, sizeof(period), p);
		ingest_value(value, sizeof(value), s, p, revised);
		batch_add(b, key, period, value, "USD/t");
		b->bytes += strlen(key) + strlen(period) + strlen(value) + 9;
	}
	return (b);
}

static void
ingest_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ingest_run	*r = arg;
	uint64_t		 done = benchdb_writer_done(&r->bw);
	time_t			 now = time(NULL);

	if (done != r->last_done || r->last_progress == 0) {
		r->last_done = done;
		r->last_progress = now;
	} else if (now - r->last_progress > INGEST_STALL) {
		fprintf(stderr, "ingest: no commit for %d seconds; giving up\n",
		    INGEST_STALL);
		r->stalled = 1;
		event_base_loopbreak(r->base);
	}
}

/*
 * Opens the event loop, the spool's directory and the writer (through
 * bench/benchdb), with the stall watchdog; waits until usable.
 */
static int
ingest_writer_open(struct ingest_run *r)
{
	struct writer_params	 wp;
	struct timeval		 tick = { 1, 0 };
	const char		*tmp = getenv("TMPDIR");
	char			*spool;
	int			 rv;

	r->dir = xasprintf("%s/potashd-bench.XXXXXX", tmp != NULL &&
	    *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(r->dir) == NULL) {
		fprintf(stderr, "ingest: mkdtemp %s: %s\n", r->dir,
		    strerror(errno));
		free(r->dir);
		r->dir = NULL;
		return (-1);
	}
	r->base = event_base_new();
	r->ev_tick = event_new(r->base, -1, EV_PERSIST, ingest_tick_cb, r);
	event_add(r->ev_tick, &tick);
	spool = xasprintf("%s/spool", r->dir);
	memset(&wp, 0, sizeof(wp));
	wp.spool_path = spool;
	wp.batch_max = r->batch;
	wp.batch_delay = 1000;
	/* Far above the few batches kept in flight: the writer must never
	 * spool here, or the figure would be the disk's. */
	wp.memory_max = 1024u * 1024 * 1024;
	rv = benchdb_writer_open(&r->bw, r->base, "dbname=" INGEST_DB, &wp);
	free(spool);
	return (rv);
}

/* Removes dir and the files in it (the spool and its helpers). */
static void
ingest_rmdir(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		*path;

	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			path = xasprintf("%s/%s", dir, e->d_name);
			unlink(path);
			free(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

static void
ingest_writer_close(struct ingest_run *r)
{
	if (r->ev_tick != NULL)
		event_free(r->ev_tick);
	benchdb_writer_close(&r->bw);
	if (r->base != NULL)
		event_base_free(r->base);
	if (r->dir != NULL)
		ingest_rmdir(r->dir);
	free(r->dir);
	r->ev_tick = NULL;
	r->base = NULL;
	r->dir = NULL;
}

/* Starts measuring a phase; ingest_end fills its figure. */
static void
ingest_begin(struct ingest_run *r, long pid, double m[4])
{
	m[0] = ingest_wal(r->conn);
	m[1] = bench_cpu_pid(pid, "postgres");
	m[2] = bench_cpu_pid(0, NULL);
	m[3] = bench_now();
}

static void
ingest_end(struct ingest_run *r, enum ingest_phase ph, long pid,
    const double m[4])
{
	struct ingest_figure	*f = &r->fig[ph];
	double			 b;

	f->secs = bench_now() - m[3];
	f->cpu_client = bench_cpu_pid(0, NULL) - m[2];
	b = bench_cpu_pid(pid, "postgres");
	f->cpu_backend = m[1] < 0 || b < 0 ? -1 : b - m[1];
	f->wal_mb = m[0] < 0 ? -1 : (ingest_wal(r->conn) - m[0]) / 1048576;
	f->rows = r->rows;
}

/*
 * Times the writer storing every row of the run (revised: other values),
 * from the first submit until it is idle.  Returns 0 or -1.
 */
static int
ingest_writer_phase(struct ingest_run *r, enum ingest_phase ph)
{
	const struct writer_stats	*st;
	struct writer_stats		 a, *d = &r->delta[ph];
	struct batch			*b;
	uint64_t			 next = 0, done0;
	double				 m[4];

	a = *writer_stats(r->bw.w);
	done0 = benchdb_writer_done(&r->bw);
	r->last_progress = 0;
	ingest_begin(r, r->bw.backend_pid, m);
	for (;;) {
		/* A few batches ahead of the database, so it never waits
		 * for us and our memory stays small. */
		while (next < r->nbatches &&
		    next - (benchdb_writer_done(&r->bw) - done0) <
		    INGEST_AHEAD) {
			b = ingest_batch(r, next++, ph == INGEST_REVISED);
			writer_submit(r->bw.w, b);
			batch_free(b);
		}
		if (next == r->nbatches && writer_idle(r->bw.w))
			break;
		if (r->bw.lost || r->stalled)
			return (-1);
		event_base_loop(r->base, EVLOOP_ONCE);
	}
	ingest_end(r, ph, r->bw.backend_pid, m);
	st = writer_stats(r->bw.w);
	d->transactions = st->transactions - a.transactions;
	d->transactions_failed = st->transactions_failed -
	    a.transactions_failed;
	d->batches_committed = st->batches_committed - a.batches_committed;
	d->batches_spooled = st->batches_spooled - a.batches_spooled;
	d->obs_stored = st->obs_stored - a.obs_stored;
	d->obs_unchanged = st->obs_unchanged - a.obs_unchanged;
	d->obs_revised = st->obs_revised - a.obs_revised;
	return (0);
}

/*
 * Times one COPY BINARY of the run's rows as new data (series ids 1..N,
 * one feed run id per batch) into table, encoded while it streams.
 */
static int
ingest_copy(struct ingest_run *r, enum ingest_phase ph, const char *table)
{
	struct buf	 out;
	struct timespec	 ts;
	char		 value[32];
	uint64_t	 i, s, p;
	int64_t		 known;
	double		 m[4];
	int		 rv = -1;

	if (benchdb_exec(r->conn, "CHECKPOINT") == -1)
		return (-1);
	/* Like now() in the writer's transaction: one time for all. */
	clock_gettime(CLOCK_REALTIME, &ts);
	known = pgcopy_pgtime(1970, 1, 1) + (int64_t)ts.tv_sec * 1000000 +
	    ts.tv_nsec / 1000;
	buf_init(&out, 0);
	ingest_begin(r, PQbackendPID(r->conn), m);
	if (pgcopy_copy_start(r->conn, table, &out) == -1)
		goto out;
	for (i = 0; i < r->rows; i++) {
		ingest_row(r, i, &s, &p);
		ingest_value(value, sizeof(value), s, p, 0);
		pgcopy_put(&out, 5, 2);
		pgcopy_put_int8(&out, (int64_t)s + 1);
		pgcopy_put_int8(&out, pgcopy_pgtime(1950 + (int64_t)p / 12,
		    (int64_t)p % 12 + 1, 1));
		if (pgcopy_put_numeric(&out, value) == -1)
			abort();
		pgcopy_put_int8(&out, known);
		pgcopy_put_int8(&out, (int64_t)(i / r->batch) + 1);
		if (out.len >= INGEST_CHUNK &&
		    pgcopy_copy_flush(r->conn, &out) == -1)
			break;
	}
	if (pgcopy_copy_end(r->conn, &out, i < r->rows) == -1)
		goto out;
	ingest_end(r, ph, PQbackendPID(r->conn), m);
	rv = 0;
out:
	buf_deinit(&out);
	return (rv);
}

/*
 * Reads a few ceiling rows back as text, then looks for every ceiling row
 * among the writer's by series key, period and value text.  Fills
 * r->check; differences are printed, never fatal.
 */
static void
ingest_verify(struct ingest_run *r)
{
	const uint64_t	 rows[] = { 0, r->rows / 2, r->rows - 1 };
	char		 sql[512], got[64], want[32], period[16];
	uint64_t	 s, p;
	size_t		 i;
	int		 bad = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ingest_row(r, rows[i], &s, &p);
		ingest_period(period, sizeof(period), p);
		ingest_value(want, sizeof(want), s, p, 0);
		snprintf(sql, sizeof(sql), "SELECT value::text FROM bench_raw "
		    "WHERE series_id = %" PRIu64 " AND period = '%s "
		    "00:00:00+00'", s + 1, period);
		if (benchdb_value1(r->conn, sql, got, sizeof(got)) == -1 ||
		    strcmp(got, want) != 0) {
			fprintf(stderr, "ingest: ceiling row %" PRIu64 ": "
			    "value \"%s\", meant \"%s\"\n", rows[i], got, want);
			bad++;
		}
	}
	if (benchdb_value1(r->conn, "SELECT count(*) FROM (SELECT 'bench/s' || "
	    "to_char(r.series_id, 'FM00000'), r.period, r.value::text FROM "
	    "bench_raw r EXCEPT ALL SELECT s.key, o.period, o.value::text FROM "
	    "potash.observations o JOIN potash.series s ON s.id = o.series_id) "
	    "d", got, sizeof(got)) == -1)
		snprintf(got, sizeof(got), "?");
	snprintf(r->check, sizeof(r->check), "%s; %s of %" PRIu64 " ceiling "
	    "rows missing from the writer's", bad == 0 ? "ceiling values "
	    "read back as meant" : "CEILING VALUES DIFFER", got, r->rows);
}

/* One run: a fresh database, the writer's three phases, the COPYs. */
static int
ingest_run_one(struct ingest_run *r)
{
	int	ph, rv = -1;

	if (benchdb_fresh(INGEST_DB) == -1)
		return (-1);
	if ((r->conn = benchdb_connect(INGEST_DB)) == NULL ||
	    ingest_writer_open(r) == -1)
		goto out;
	for (ph = INGEST_NEW; ph <= INGEST_REVISED; ph++) {
		fprintf(stderr, "ingest: %" PRIu64 " series x %" PRIu64
		    ": %s\n", r->series, r->periods, ingest_phase_names[ph]);
		/* No phase pays for an earlier one's dirty pages. */
		if (benchdb_exec(r->conn, "CHECKPOINT") == -1 ||
		    ingest_writer_phase(r, (enum ingest_phase)ph) == -1)
			goto out;
	}
	ingest_writer_close(r);
	fprintf(stderr, "ingest: %" PRIu64 " series x %" PRIu64 ": ceiling\n",
	    r->series, r->periods);
	if (benchdb_exec(r->conn, "CREATE TABLE bench_raw (series_id bigint, "
	    "period timestamptz, value numeric, known_at timestamptz, "
	    "feed_run_id bigint, PRIMARY KEY (series_id, period, known_at))")
	    == -1 || ingest_copy(r, INGEST_CEILING, "bench_raw") == -1)
		goto out;
	ingest_verify(r);
	/* What the schema itself costs: the same COPY into the writer's
	 * table, whose series and feed runs exist by now.  Rolled back, so
	 * the table keeps only the writer's rows. */
	fprintf(stderr, "ingest: %" PRIu64 " series x %" PRIu64 ": COPY into "
	    "potash.observations\n", r->series, r->periods);
	if (benchdb_exec(r->conn, "BEGIN") == -1)
		goto out;
	ph = ingest_copy(r, INGEST_SCHEMA, "potash.observations");
	if (benchdb_exec(r->conn, "ROLLBACK") == -1 || ph == -1)
		goto out;
	rv = 0;
out:
	ingest_writer_close(r);
	PQfinish(r->conn);
	r->conn = NULL;
	return (rv);
}

static void
ingest_print_run(const struct ingest_run *r)
{
	const struct ingest_figure	*f, *c = &r->fig[INGEST_CEILING];
	const struct writer_stats	*d;
	char				 cb[16], wal[16];
	int				 ph;

	printf("%" PRIu64 " series x %" PRIu64 ", by %s\n", r->series,
	    r->periods, r->by_period ? "period" : "series");
	for (ph = 0; ph < INGEST_NPHASES; ph++) {
		f = &r->fig[ph];
		snprintf(cb, sizeof(cb), "%.2f", f->cpu_backend);
		snprintf(wal, sizeof(wal), "%.0f", f->wal_mb);
		printf("  %-20s %9" PRIu64 " %8.2f %9.0f %10.2f %10.2f %11s "
		    "%7s\n", ingest_phase_names[ph], f->rows, f->secs,
		    (double)f->rows / f->secs, c->secs / f->secs,
		    f->cpu_client, f->cpu_backend < 0 ? "-" : cb,
		    f->wal_mb < 0 ? "-" : wal);
	}
	for (ph = INGEST_NEW; ph <= INGEST_REVISED; ph++) {
		d = &r->delta[ph];
		printf("    %-9s %" PRIu64 " transactions (%" PRIu64 " failed)"
		    ", %" PRIu64 " batches (%" PRIu64 " spooled); stored %"
		    PRIu64 ", unchanged %" PRIu64 ", revised %" PRIu64 "\n",
		    ingest_phase_names[ph] + 7, d->transactions,
		    d->transactions_failed, d->batches_committed,
		    d->batches_spooled, d->obs_stored, d->obs_unchanged,
		    d->obs_revised);
	}
	printf("    unchanged took %.2f of the time of new; %s\n",
	    r->fig[INGEST_UNCHANGED].secs / r->fig[INGEST_NEW].secs, r->check);
}

static void
ingest_print_machine(PGconn *conn)
{
	static const char *const	settings[] = { "server_version",
	    "shared_buffers", "max_wal_size", "fsync", "synchronous_commit" };
	char				v[128], sql[64];
	size_t				i;

	printf("machine: %ld CPUs online, %.1f GiB RAM\n",
	    sysconf(_SC_NPROCESSORS_ONLN), (double)sysconf(_SC_PHYS_PAGES) *
	    (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024 * 1024));
	printf("server:");
	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		snprintf(sql, sizeof(sql), "SHOW %s", settings[i]);
		if (benchdb_value1(conn, sql, v, sizeof(v)) == 0)
			printf("%s %s %s", i > 0 ? "," : "", i == 0 ?
			    "PostgreSQL" : settings[i], v);
	}
	printf("\n");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "rows",	required_argument,	NULL, 'r' },
		{ "series",	required_argument,	NULL, 's' },
		{ "batch",	required_argument,	NULL, 'b' },
		{ "order",	required_argument,	NULL, 'o' },
		{ "keep",	no_argument,		NULL, 'k' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 },
	};
	/* The built-in runs: a backfill of 1,000 series, and a spread of
	 * 10,000 series where every batch touches every series. */
	uint64_t		 series[INGEST_MAX_RUNS] = { 1000, 10000 };
	int			 order[INGEST_MAX_RUNS] = { 0, 1 };
	uint64_t		 rows = INGEST_ROWS, batch = INGEST_BATCH;
	size_t			 nruns = 2, i;
	struct ingest_run	*runs, *r;
	struct rusage		 ru;
	const char		*p;
	PGconn			*conn;
	int			 ch, keep = 0, failed = 0, by_period = -1;
	int			 nnum, ndate;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (bench_number(optarg, 1, INT32_MAX, &rows,
			    NULL) == -1)
				ingest_usage(2);
			break;
		case 'b':
			if (bench_number(optarg, 1, 10000000, &batch,
			    NULL) == -1)
				ingest_usage(2);
			break;
		case 's':
			for (nruns = 0, p = optarg;; p++) {
				if (nruns == INGEST_MAX_RUNS ||
				    bench_number(p, 1, INGEST_MAX_SERIES,
				    &series[nruns], &p) == -1)
					ingest_usage(2);
				order[nruns++] = 0;
				if (*p != ',')
					break;
			}
			if (*p != '\0')
				ingest_usage(2);
			break;
		case 'o':
			if (strcmp(optarg, "series") != 0 &&
			    strcmp(optarg, "period") != 0)
				ingest_usage(2);
			by_period = strcmp(optarg, "period") == 0;
			break;
		case 'k':
			keep = 1;
			break;
		case 'h':
			ingest_usage(0);
		default:
			ingest_usage(2);
		}
	}
	if (optind != argc)
		ingest_usage(2);
	for (i = 0; i < nruns; i++)
		if (series[i] > rows) {
			fprintf(stderr, "ingest: %" PRIu64 " series need at "
			    "least as many rows\n", series[i]);
			return (2);
		}
	/* The writer's own warnings (spool, reconnects) still show. */
	log_init(1, LOG_WARNING);

	if ((conn = benchdb_connect("postgres")) == NULL)
		return (1);
	ingest_print_machine(conn);
	if (pgcopy_selftest(conn, &nnum, &ndate) == -1) {
		PQfinish(conn);
		return (1);
	}
	printf("encoder check: %d numerics and %d timestamps read back as "
	    "meant\n", nnum, ndate);
	PQfinish(conn);
	printf("batch: %" PRIu64 " observations per writer batch and "
	    "transaction; periods monthly from 1950-01\n\n", batch);
	printf("%-22s %9s %8s %9s %10s %10s %11s %7s\n", "run", "rows",
	    "seconds", "rows/s", "vs ceiling", "client cpu", "backend cpu",
	    "WAL MB");
	fflush(stdout);

	runs = xcalloc(nruns, sizeof(*runs));
	for (i = 0; i < nruns && !failed; i++) {
		r = &runs[i];
		r->series = series[i];
		r->periods = rows / series[i];
		r->rows = r->series * r->periods;
		r->batch = batch;
		r->nbatches = (r->rows + batch - 1) / batch;
		r->by_period = by_period >= 0 ? by_period : order[i];
		if (ingest_run_one(r) == -1) {
			fprintf(stderr, "ingest: run %" PRIu64 " series x %"
			    PRIu64 " failed\n", r->series, r->periods);
			failed = 1;
			break;
		}
		ingest_print_run(r);
		fflush(stdout);
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("\npeak RSS of this process: %.1f MiB\n",
	    (double)ru.ru_maxrss / 1024);
	if (!keep || failed)
		benchdb_drop(INGEST_DB);
	free(runs);
	return (failed);
}
