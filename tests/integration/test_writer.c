/* SPDX-License-Identifier: ISC */
/*
 * Integration tests for store/writer on the real PostgreSQL: exact
 * values, known_at given with the values (from memory and from the
 * spool), a database outage in the middle of a stream, kill -9 with data
 * in the spool, a replay of batches already stored, and a torn spool tail;
 * store_batches() with several batches, one of them stored before; the
 * series cache across a reconnect, a series deleted behind the writer's
 * back, and one created by another connection; values known unchanged,
 * left out, and sent again when another connection changed observations.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "collectors/observation.h"
#include "store/pg.h"
#include "store/writer.h"
#include "testdaemon.h"
#include "testpg.h"
#include "testproc.h"
#include "util/xmalloc.h"

#define ROWS	10
#define QUIET_MS 1000	/* value_cache_quiet of the writers here */

struct harness {
	const char		*db;
	char			*dir;
	char			*spool;
	struct event_base	*base;
	struct pg		*pg;
	struct writer		*w;
	int			 lost;
};

static void
h_state_cb(struct pg *pg, enum pg_state state, const char *why, void *arg)
{
	struct harness	*h = arg;

	if (state == PG_CONNECTED)
		writer_pg_ready(h->w);
	else if (state == PG_DISCONNECTED) {
		h->lost++;
		writer_pg_lost(h->w);
	}
}

static void	h_open_capped(struct harness *, const char *, const char *,
		    int, uint64_t);

static void
h_open(struct harness *h, const char *db, const char *dir, int connect)
{
	h_open_capped(h, db, dir, connect, 64u * 1024 * 1024);
}

static void	h_open_batch(struct harness *, const char *, const char *,
		    int, uint64_t, size_t);

static void
h_open_capped(struct harness *h, const char *db, const char *dir,
    int connect, uint64_t cap)
{
	h_open_batch(h, db, dir, connect, cap, 35);
}

static void
h_open_batch(struct harness *h, const char *db, const char *dir,
    int connect, uint64_t cap, size_t batch_max)
{
	struct pg_params	 p;
	struct writer_params	 wp;
	char			*ci, err[512];

	memset(h, 0, sizeof(*h));
	h->db = db;
	h->dir = xstrdup(dir);
	h->spool = xasprintf("%s/spool", dir);
	h->base = event_base_new();
	ci = testpg_conninfo(db);
	memset(&p, 0, sizeof(p));
	p.conninfo = ci;
	p.connect_timeout = 5000000;
	p.retry_initial = 100000;
	p.retry_max = 400000;
	h->pg = pg_new(h->base, &p, h_state_cb, h);
	free(ci);
	memset(&wp, 0, sizeof(wp));
	wp.spool_path = h->spool;
	wp.spool_max = cap;
	wp.batch_max = batch_max;
	wp.batch_delay = 5000;
	wp.value_cache_quiet = QUIET_MS * 1000;
	h->w = writer_new(h->base, h->pg, &wp, err, sizeof(err));
	if (h->w == NULL)
		fail_msg("writer_new: %s", err);
	if (connect)
		pg_start(h->pg);
}

static void
h_close(struct harness *h)
{
	pg_free(h->pg);
	writer_free(h->w);
	event_base_free(h->base);
	free(h->spool);
	free(h->dir);
}

/* Runs until the writer is idle; fails after ms. */
static void
h_until_idle(struct harness *h, int ms)
{
	int	waited;

	for (waited = 0; waited < ms; waited += 20) {
		testd_loop(h->base, 20);
		if (pg_state(h->pg) == PG_CONNECTED && writer_idle(h->w))
			return;
	}
	fail_msg("writer not idle after %d ms (spool pending %llu)", ms,
	    (unsigned long long)writer_stats(h->w)->spool_pending);
}

/* Batch n: ROWS series, one period per batch, values "n.j". */
static struct batch *
make_batch(int n)
{
	struct batch	*b = batch_new("test");
	char		 url[64], series[32], period[32], value[32];
	int		 j;

	snprintf(url, sizeof(url), "test://batch/%04d", n);
	batch_set_url(b, url);
	b->http_status = 200;
	b->bytes = 100 + n;
	for (j = 0; j < ROWS; j++) {
		snprintf(series, sizeof(series), "test/s%d", j);
		snprintf(period, sizeof(period), "%04d-%02d-01",
		    2000 + n / 12, n % 12 + 1);
		snprintf(value, sizeof(value), "%d.%d", n, j);
		batch_add(b, series, period, value, "t");
	}
	return (b);
}

static void
submit(struct harness *h, int n)
{
	struct batch	*b = make_batch(n);

	assert_int_equal(writer_submit(h->w, b), WRITER_ACCEPTED);
	batch_free(b);
}

/* Asserts batches [0, n) are stored exactly once each, in order. */
static void
check_batches(PGconn *conn, int n)
{
	char	*v, *want;
	int	 i;

	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.observations"), (long)n * ROWS);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM (SELECT "
	    "series_id, period FROM potash.observations GROUP BY 1, 2 HAVING "
	    "count(*) > 1) d"), 0);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.feed_runs"), n);
	/* Arrival order: feed runs were written in the order submitted. */
	v = testpg_value(conn, "SELECT string_agg(substr(url, 14), ',' ORDER "
	    "BY id) FROM potash.feed_runs");
	want = xstrdup("");
	for (i = 0; i < n; i++) {
		char *next = xasprintf("%s%s%04d", want, i > 0 ? "," : "", i);

		free(want);
		want = next;
	}
	assert_string_equal(v, want);
	free(v);
	free(want);
}

static void
test_exact_values(void **state)
{
	const char	*db = "t_writer_exact";
	struct harness	 h;
	struct batch	*b;
	PGconn		*conn;
	char		*dir = testproc_tmpdir(), *v;

	(void)state;
	conn = testpg_fresh(db);
	h_open(&h, db, dir, 1);
	b = batch_new("exact");
	batch_add(b, "test/exact", "2025-12-01", "1234.5678901234567890",
	    "USD/t");
	batch_add(b, "test/exact", "2026-01-01", "-0.000000000000000001",
	    "USD/t");
	assert_int_equal(writer_submit(h.w, b), WRITER_ACCEPTED);
	assert_int_equal(writer_submit(h.w, b), WRITER_ACCEPTED);
	batch_free(b);
	h_until_idle(&h, 20000);
	v = testpg_value(conn, "SELECT string_agg(o.value::text, ' ' ORDER BY "
	    "period) FROM potash.observations o JOIN potash.series s ON "
	    "s.id = o.series_id WHERE s.key = 'test/exact'");
	assert_string_equal(v, "1234.5678901234567890 -0.000000000000000001");
	free(v);
	/* The second, identical batch stored nothing new. */
	assert_int_equal(writer_stats(h.w)->obs_stored, 2);
	assert_int_equal(writer_stats(h.w)->obs_unchanged, 2);
	v = testpg_value(conn, "SELECT unit || ' ' || source FROM "
	    "potash.series WHERE key = 'test/exact'");
	assert_string_equal(v, "USD/t test");
	free(v);
	h_close(&h);
	testd_rmdir(dir);
	free(dir);
	testpg_drop(conn, db);
}

static struct batch *
known_at_batch(void)
{
	struct batch	*b = batch_new("import");

	batch_add_known(b, "test/k", "2021-07-01", "280", "USD/t",
	    "2021-08-20T15:00:00Z");
	batch_add(b, "test/k", "2021-08-01", "300", "USD/t");
	batch_add_known(b, "test/k", "2021-09-01", "310", "USD/t",
	    "2100-01-01T00:00:00Z");
	batch_add_known(b, "test/v", "2021-07-01", "1", "t", "2021-08-20");
	return (b);
}

static void
test_known_at(void **state)
{
	const char	*db = "t_writer_known";
	struct harness	 h;
	struct batch	*b;
	PGconn		*conn;
	char		*dir = testproc_tmpdir(), *v, *t0;

	(void)state;
	conn = testpg_fresh(db);
	t0 = testpg_value(conn, "SELECT now()::text");
	h_open(&h, db, dir, 1);
	b = known_at_batch();
	assert_int_equal(writer_submit(h.w, b), WRITER_ACCEPTED);
	h_until_idle(&h, 20000);
	assert_int_equal(writer_stats(h.w)->obs_stored, 4);

	/* Given: stored as given. */
	v = testd_history(conn, "test/k", "2021-07-01");
	assert_string_equal(v, "280@2021-08-20 15:00:00.000000");
	free(v);
	v = testd_history(conn, "test/v", "2021-07-01");
	assert_string_equal(v, "1@2021-08-20 00:00:00.000000");
	free(v);
	/* None, or in the future: the transaction's time. */
	{
		char *sql = xasprintf("SELECT count(DISTINCT o.known_at) || "
		    "' ' || bool_and(o.known_at >= '%s'::timestamptz AND "
		    "o.known_at <= now()) FROM potash.observations o WHERE "
		    "o.period IN ('2021-08-01', '2021-09-01')", t0);

		v = testpg_value(conn, sql);
		assert_string_equal(v, "1 true");
		free(v);
		free(sql);
	}
	/* What the backtest reads: as known at the time. */
	v = testpg_value(conn, "SELECT string_agg(a.value::text, ',') FROM "
	    "potash.as_of('2021-08-25') a JOIN potash.series s ON "
	    "s.id = a.series_id WHERE s.key = 'test/k'");
	assert_string_equal(v, "280");
	free(v);

	/* The same values again: unchanged, nothing written. */
	assert_int_equal(writer_submit(h.w, b), WRITER_ACCEPTED);
	batch_free(b);
	h_until_idle(&h, 20000);
	assert_int_equal(writer_stats(h.w)->obs_unchanged, 4);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.observations"), 4);
	h_close(&h);

	/* Revisions, through the spool: one known before the current
	 * revision (it follows it by a microsecond), one after it. */
	h_open(&h, db, dir, 0);
	b = batch_new("import");
	batch_add_known(b, "test/k", "2021-07-01", "285", "USD/t",
	    "2021-08-01T00:00:00Z");
	batch_add_known(b, "test/v", "2021-07-01", "2", "t",
	    "2021-09-20T15:00:00+02:00");
	assert_int_equal(writer_submit(h.w, b), WRITER_ACCEPTED);
	batch_free(b);
	assert_int_equal(writer_stats(h.w)->batches_spooled, 1);
	h_close(&h);
	h_open(&h, db, dir, 1);
	h_until_idle(&h, 20000);
	assert_int_equal(writer_stats(h.w)->batches_replayed, 1);
	assert_int_equal(writer_stats(h.w)->obs_revised, 2);
	v = testd_history(conn, "test/k", "2021-07-01");
	assert_string_equal(v, "280@2021-08-20 15:00:00.000000,"
	    "285@2021-08-20 15:00:00.000001");
	free(v);
	v = testd_history(conn, "test/v", "2021-07-01");
	assert_string_equal(v, "1@2021-08-20 00:00:00.000000,"
	    "2@2021-09-20 13:00:00.000000");
	free(v);

	/* An older vintage again, known when it was: already stored, so
	 * unchanged, not appended as the newest. */
	b = batch_new("import");
	batch_add_known(b, "test/v", "2021-07-01", "1", "t", "2021-08-20");
	assert_int_equal(writer_submit(h.w, b), WRITER_ACCEPTED);
	batch_free(b);
	h_until_idle(&h, 20000);
	assert_int_equal(writer_stats(h.w)->obs_unchanged, 1);
	assert_int_equal(writer_stats(h.w)->obs_revised, 2);
	v = testd_history(conn, "test/v", "2021-07-01");
	assert_string_equal(v, "1@2021-08-20 00:00:00.000000,"
	    "2@2021-09-20 13:00:00.000000");
	free(v);
	h_close(&h);
	free(t0);
	testd_rmdir(dir);
	free(dir);
	testpg_drop(conn, db);
}

static struct batch *
metadata_batch(void)
{
	struct batch		*b = batch_new("fedreg-test");
	struct sanctions_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.announced_on = xstrdup("2025-12-15");
	ev.effective_on = xstrdup("2025-12-15");
	ev.jurisdiction = xstrdup("US");
	ev.action = xstrdup("general_license");
	ev.instrument = xstrdup("FR Doc 2025-99999");
	ev.entities = xcalloc(2, sizeof(char *));
	ev.entities[0] = xstrdup("Belaruskali OAO");
	ev.entities[1] = xstrdup("Agrorozkvit LLC");
	ev.nentities = 2;
	ev.direction = -1;
	ev.summary = xstrdup("General license: potash");
	ev.source_url = xstrdup("https://www.federalregister.gov/d/2025-99999");
	ev.verification = xstrdup("DETECTED (fedreg)");
	batch_add_event(b, &ev);
	batch_add(b, "test/meta", "2025-12-01", "361.5", "USD/t");
	batch_describe(b, "test/meta", "Potash, test", "USD/t", "M",
	    "{\"origin\": \"BLR\", \"product\": \"310420\"}");
	b->etag = xstrdup("\"abc123\"");
	b->last_modified = xstrdup("Mon, 15 Dec 2025 10:00:00 GMT");
	return (b);
}

static void
test_metadata(void **state)
{
	const char	*db = "t_writer_meta";
	struct harness	 h;
	struct batch	*b;
	PGconn		*conn;
	char		*dir = testproc_tmpdir(), *v;

	(void)state;
	conn = testpg_fresh(db);
	h_open(&h, db, dir, 1);
	h_until_idle(&h, 10000);
	b = metadata_batch();
	assert_int_equal(writer_submit(h.w, b), WRITER_ACCEPTED);
	assert_int_equal(writer_submit(h.w, b), WRITER_ACCEPTED);
	batch_free(b);
	h_until_idle(&h, 20000);
	v = testpg_value(conn, "SELECT name || '|' || unit || '|' || "
	    "frequency || '|' || (dimensions->>'origin') FROM potash.series "
	    "WHERE key = 'test/meta'");
	assert_string_equal(v, "Potash, test|USD/t|M|BLR");
	free(v);
	/* The same event twice: stored once, attributed to the feed. */
	v = testpg_value(conn, "SELECT count(*) || '|' || min(origin) || '|' "
	    "|| min(direction) || '|' || min(array_to_string(entities, ';')) "
	    "FROM potash.sanctions_events WHERE instrument = "
	    "'FR Doc 2025-99999'");
	assert_string_equal(v, "1|fedreg-test|-1|Belaruskali OAO;Agrorozkvit "
	    "LLC");
	free(v);
	v = testpg_value(conn, "SELECT etag || '|' || last_modified FROM "
	    "potash.feed_state WHERE feed = 'fedreg-test'");
	assert_string_equal(v, "\"abc123\"|Mon, 15 Dec 2025 10:00:00 GMT");
	free(v);
	h_close(&h);
	testd_rmdir(dir);
	free(dir);
	testpg_drop(conn, db);
}

static void
test_outage_mid_stream(void **state)
{
	const char	*db = "t_writer_outage";
	struct harness	 h;
	PGconn		*conn;
	char		*dir = testproc_tmpdir();
	int		 i;

	(void)state;
	conn = testpg_fresh(db);
	PQfinish(conn);
	h_open(&h, db, dir, 1);
	h_until_idle(&h, 10000);
	for (i = 0; i < 60; i++) {
		if (i == 20)
			testpg_cluster("stop");
		if (i == 40)
			testpg_cluster("start");
		submit(&h, i);
		testd_loop(h.base, 15);
	}
	h_until_idle(&h, 30000);
	assert_true(h.lost >= 1);
	assert_true(writer_stats(h.w)->batches_spooled >= 20);
	assert_int_equal(writer_stats(h.w)->batches_dropped, 0);
	conn = PQconnectdb("dbname=t_writer_outage");
	check_batches(conn, 60);
	h_close(&h);
	testd_rmdir(dir);
	free(dir);
	testpg_drop(conn, db);
}

static void
test_kill9_with_spool(void **state)
{
	const char	*db = "t_writer_kill";
	struct harness	 h;
	PGconn		*conn;
	char		*dir = testproc_tmpdir();
	int		 fds[2], acked = 0, n;
	pid_t		 pid;

	(void)state;
	conn = testpg_fresh(db);
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		/* Never connected: every batch goes to the spool and is
		 * acknowledged (written to the pipe) once it is on disk. */
		close(fds[0]);
		h_open(&h, db, dir, 0);
		for (n = 0; ; n++) {
			submit(&h, n);
			if (write(fds[1], &n, sizeof(n)) != sizeof(n))
				_exit(1);
		}
	}
	close(fds[1]);
	while (acked < 25 && read(fds[0], &n, sizeof(n)) == sizeof(n))
		acked = n + 1;
	kill(pid, SIGKILL);
	/* Acknowledgements already in the pipe count too. */
	while (read(fds[0], &n, sizeof(n)) == sizeof(n))
		acked = n + 1;
	close(fds[0]);
	assert_int_equal(testproc_wait(pid, 5000), 128 + SIGKILL);

	h_open(&h, db, dir, 1);
	h_until_idle(&h, 30000);
	/* Every acknowledged batch, maybe one more that reached the disk
	 * but not the pipe; none twice. */
	n = (int)testd_count(conn, "SELECT count(*) FROM potash.feed_runs");
	assert_true(n == acked || n == acked + 1);
	check_batches(conn, n);
	h_close(&h);
	testd_rmdir(dir);
	free(dir);
	testpg_drop(conn, db);
}

static void
copy_file(const char *from, const char *to)
{
	char	*cmd = xasprintf("cp '%s' '%s'", from, to);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void
test_replay_twice_is_once(void **state)
{
	const char	*db = "t_writer_twice";
	struct harness	 h;
	PGconn		*conn;
	char		*dir = testproc_tmpdir(), *saved, *spool;
	int		 i;

	(void)state;
	conn = testpg_fresh(db);
	saved = xasprintf("%s/saved", dir);
	spool = xasprintf("%s/spool", dir);
	h_open(&h, db, dir, 0);
	for (i = 0; i < 8; i++)
		submit(&h, i);
	h_close(&h);
	/* As if the process died after COMMIT but before the spool knew. */
	copy_file(spool, saved);

	h_open(&h, db, dir, 1);
	h_until_idle(&h, 20000);
	assert_int_equal(writer_stats(h.w)->batches_replayed, 8);
	h_close(&h);
	copy_file(saved, spool);

	h_open(&h, db, dir, 1);
	h_until_idle(&h, 20000);
	assert_int_equal(writer_stats(h.w)->batches_replayed, 8);
	assert_int_equal(writer_stats(h.w)->batches_duplicate, 8);
	assert_int_equal(writer_stats(h.w)->obs_stored, 0);
	h_close(&h);
	check_batches(conn, 8);
	unlink(saved);
	unlink(spool);
	free(saved);
	free(spool);
	testd_rmdir(dir);
	free(dir);
	testpg_drop(conn, db);
}

static void
test_spool_cap_drops_newest(void **state)
{
	const char	*db = "t_writer_cap";
	struct harness	 h;
	struct batch	*b;
	PGconn		*conn;
	char		*dir = testproc_tmpdir();
	int		 i, accepted = 0;

	(void)state;
	conn = testpg_fresh(db);
	/* About five batches fit; the database is not reachable yet. */
	h_open_capped(&h, db, dir, 0, 2600);
	for (i = 0; i < 12; i++) {
		b = make_batch(i);
		if (writer_submit(h.w, b) == WRITER_ACCEPTED) {
			/* Once one is dropped, every later one is too: the
			 * newest data goes, the oldest stays. */
			assert_int_equal(accepted, i);
			accepted++;
		}
		batch_free(b);
	}
	assert_true(accepted >= 3 && accepted < 12);
	assert_int_equal(writer_stats(h.w)->batches_dropped, 12 - accepted);
	assert_int_equal(writer_stats(h.w)->obs_dropped,
	    (uint64_t)(12 - accepted) * ROWS);
	h_close(&h);

	h_open_capped(&h, db, dir, 1, 2600);
	h_until_idle(&h, 20000);
	h_close(&h);
	check_batches(conn, accepted);
	testd_rmdir(dir);
	free(dir);
	testpg_drop(conn, db);
}

static void
test_torn_spool_tail(void **state)
{
	const char	*db = "t_writer_torn";
	struct harness	 h;
	struct stat	 st;
	PGconn		*conn;
	char		*dir = testproc_tmpdir();
	int		 i;

	(void)state;
	conn = testpg_fresh(db);
	h_open(&h, db, dir, 0);
	for (i = 0; i < 5; i++)
		submit(&h, i);
	h_close(&h);
	/* Power loss in the middle of the last append. */
	{
		char *spool = xasprintf("%s/spool", dir);

		assert_int_equal(stat(spool, &st), 0);
		assert_int_equal(truncate(spool, st.st_size - 7), 0);
		free(spool);
	}

	h_open(&h, db, dir, 1);
	h_until_idle(&h, 20000);
	assert_int_equal(writer_stats(h.w)->batches_replayed, 4);
	h_close(&h);
	check_batches(conn, 4);
	testd_rmdir(dir);
	free(dir);
	testpg_drop(conn, db);
}

/*
 * store_batches() directly: three batches in one transaction, the second
 * stored before.  The others store once each, in order, as if one after
 * the other: the third repeats the first's value (unchanged) and revises
 * another (one revision, known after the first's row).
 */
static void
test_store_batches_duplicate(void **state)
{
	const char	*db = "t_writer_sb";
	PGconn		*conn;
	char		*v;

	(void)state;
	conn = testpg_fresh(db);
	testpg_exec(conn, "INSERT INTO potash.feed_runs (batch_id, feed, "
	    "observations_stored) VALUES ('b2', 'f', 7)");
	testpg_exec(conn, "BEGIN");
	testpg_exec(conn, "CREATE TEMP TABLE writer_stage (b int NOT NULL, "
	    "series_id bigint, series_key text, period timestamptz NOT NULL, "
	    "value numeric NOT NULL, unit text, seq int, known_at timestamptz) "
	    "ON COMMIT DELETE ROWS");
	testpg_exec(conn, "INSERT INTO writer_stage (b, series_key, period, "
	    "value, unit, seq) VALUES "
	    "(1, 'sb/a', '2025-01-01Z', 1.50, 't', 0),"
	    "(1, 'sb/b', '2025-01-01Z', 9, 't', 1),"
	    "(1, 'sb/b', '2025-01-01Z', 10, 't', 2),"
	    "(2, 'sb/a', '2025-01-01Z', 99, 't', 0),"
	    "(3, 'sb/a', '2025-01-01Z', 1.5, 't', 0),"
	    "(3, 'sb/b', '2025-01-01Z', 11, 't', 1)");
	v = testpg_value(conn, "SELECT string_agg(concat_ws(':', batch, "
	    "stored, unchanged, revised, duplicate), ' ' ORDER BY batch) FROM "
	    "potash.store_batches('[{\"id\":\"b1\",\"feed\":\"f\"},"
	    "{\"id\":\"b2\",\"feed\":\"f\"},{\"id\":\"b3\",\"feed\":\"f\"}]', "
	    "'[]', NULL) WHERE batch IS NOT NULL");
	assert_string_equal(v, "1:2:0:0:f 2:7:0:0:t 3:0:1:1:f");
	free(v);
	testpg_exec(conn, "COMMIT");
	/* Feed runs in arrival order, with their counts. */
	v = testpg_value(conn, "SELECT string_agg(batch_id || '=' || "
	    "observations_stored || '/' || observations_unchanged || '/' || "
	    "observations_revised, ' ' ORDER BY id) FROM potash.feed_runs");
	assert_string_equal(v, "b2=7/0/0 b1=2/0/0 b3=0/1/1");
	free(v);
	/* The stored batch's 99 is not there; 1.50 keeps its text. */
	v = testd_history(conn, "sb/a", "2025-01-01");
	assert_non_null(strstr(v, "1.50@"));
	assert_null(strchr(v, ','));
	free(v);
	/* 9 lost to 10 within batch 1; 11 a revision known after it. */
	v = testpg_value(conn, "SELECT string_agg(o.value::text || ':' || "
	    "r.batch_id, ',' ORDER BY o.known_at) || ' ' || "
	    "(max(o.known_at) > min(o.known_at)) FROM potash.observations o "
	    "JOIN potash.series s ON s.id = o.series_id JOIN potash.feed_runs "
	    "r ON r.id = o.feed_run_id WHERE s.key = 'sb/b'");
	assert_string_equal(v, "10:b1,11:b3 true");
	free(v);
	testpg_drop(conn, db);
}

/* One store_batches() call on the stage rows given; its batch rows as
 * "batch:stored:unchanged:revised:duplicate ...". */
static char *
sb_call(PGconn *conn, const char *rows, const char *batches,
    const char *epoch)
{
	char	*sql, *v;

	testpg_exec(conn, "BEGIN");
	sql = xasprintf("INSERT INTO writer_stage (b, series_id, series_key, "
	    "period, value, unit, seq, known_at) VALUES %s", rows);
	testpg_exec(conn, sql);
	free(sql);
	sql = xasprintf("SELECT string_agg(concat_ws(':', batch, stored, "
	    "unchanged, revised, duplicate), ' ' ORDER BY batch) FROM "
	    "potash.store_batches('%s', '[]', %s) WHERE batch IS NOT NULL",
	    batches, epoch);
	v = testpg_value(conn, sql);
	free(sql);
	testpg_exec(conn, "COMMIT");
	return (v);
}

/*
 * store_batches() when no (series, period) is staged twice (0014: each
 * value compared with the current one only): counts, known_at rules,
 * batches stored before, new series with the unit of their last row,
 * rows staged by id, for one batch and for several.
 */
static void
test_store_batches_distinct(void **state)
{
	const char	*db = "t_writer_sbd";
	PGconn		*conn;
	char		*v, *rows, *id, *epoch;

	(void)state;
	conn = testpg_fresh(db);
	testpg_exec(conn, "CREATE TEMP TABLE writer_stage (b int NOT NULL, "
	    "series_id bigint, series_key text, period timestamptz NOT NULL, "
	    "value numeric NOT NULL, unit text, seq int, known_at timestamptz) "
	    "ON COMMIT DELETE ROWS");
	v = sb_call(conn,
	    "(1, NULL, 'fa/a', '2025-02-01Z', 2, 'kg', 1, NULL),"
	    "(1, NULL, 'fa/a', '2025-01-01Z', 1.50, 't', 0, NULL),"
	    "(1, NULL, 'fa/b', '2025-01-01Z', 5, 't', 2, NULL)",
	    "[{\"id\":\"f1\",\"feed\":\"f\"}]", "NULL");
	assert_string_equal(v, "1:3:0:0:f");
	free(v);
	/* The unit of the last row by seq. */
	v = testpg_value(conn, "SELECT string_agg(key || '=' || unit, ' ' "
	    "ORDER BY key) FROM potash.series");
	assert_string_equal(v, "fa/a=kg fa/b=t");
	free(v);

	/* Two batches, and one stored before: unchanged (1.5 = 1.50),
	 * revised, new, an import known in 2020. */
	v = sb_call(conn,
	    "(1, NULL, 'fa/a', '2025-01-01Z', 1.5, 't', 0, NULL),"
	    "(1, NULL, 'fa/b', '2025-01-01Z', 6, 't', 1, NULL),"
	    "(2, NULL, 'fa/a', '2025-02-01Z', 2.00, 'kg', 0, NULL),"
	    "(2, NULL, 'fa/a', '2025-03-01Z', 3, 'kg', 1, NULL),"
	    "(2, NULL, 'fa/b', '2024-12-01Z', 4, 't', 2, '2020-01-01Z'),"
	    "(3, NULL, 'fa/b', '2025-01-01Z', 99, 't', 0, NULL)",
	    "[{\"id\":\"f2\",\"feed\":\"f\"},{\"id\":\"f3\",\"feed\":\"f\"},"
	    "{\"id\":\"f1\",\"feed\":\"f\"}]", "NULL");
	assert_string_equal(v, "1:0:1:1:f 2:2:1:0:f 3:3:0:0:t");
	free(v);
	v = testd_history(conn, "fa/b", "2024-12-01");
	assert_string_equal(v, "4@2020-01-01 00:00:00.000000");
	free(v);

	/* That vintage again: unchanged; an older known_at than the current
	 * revision's: known after it. */
	v = sb_call(conn,
	    "(1, NULL, 'fa/b', '2024-12-01Z', 4.0, 't', 0, '2020-01-01Z'),"
	    "(1, NULL, 'fa/b', '2025-01-01Z', 7, 't', 1, '2000-01-01Z')",
	    "[{\"id\":\"f4\",\"feed\":\"f\"}]", "NULL");
	assert_string_equal(v, "1:0:1:1:f");
	free(v);
	v = testpg_value(conn, "SELECT string_agg(o.value::text, ',' ORDER BY "
	    "o.known_at) || ' ' || bool_and(o.known_at > '2020-01-01Z') FROM "
	    "potash.observations o JOIN potash.series s ON s.id = o.series_id "
	    "WHERE s.key = 'fa/b' AND o.period = '2025-01-01Z'");
	assert_string_equal(v, "5,6,7 true");
	free(v);

	/* Rows staged by id, with the epoch the id belongs to. */
	id = testpg_value(conn, "SELECT id FROM potash.series WHERE key = "
	    "'fa/a'");
	epoch = testpg_value(conn, "SELECT last_value FROM "
	    "potash.series_epoch");
	rows = xasprintf("(1, %s, NULL, '2025-04-01Z', 4, 'kg', 0, NULL),"
	    "(1, %s, NULL, '2025-03-01Z', 3.5, 'kg', 1, NULL)", id, id);
	v = sb_call(conn, rows, "[{\"id\":\"f5\",\"feed\":\"f\"}]", epoch);
	assert_string_equal(v, "1:1:0:1:f");
	free(v);
	free(rows);
	free(id);
	free(epoch);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.observations"), 9);
	v = testpg_value(conn, "SELECT string_agg(batch_id || '=' || "
	    "observations_stored || '/' || observations_unchanged || '/' || "
	    "observations_revised, ' ' ORDER BY id) FROM potash.feed_runs");
	assert_string_equal(v, "f1=3/0/0 f2=0/1/1 f3=2/1/0 f4=0/1/1 "
	    "f5=1/0/1");
	free(v);
	testpg_drop(conn, db);
}

/* Runs until the writer committed n batches in all; fails after ms. */
static void
h_until_committed(struct harness *h, uint64_t n, int ms)
{
	int	waited;

	for (waited = 0; waited < ms; waited += 20) {
		testd_loop(h->base, 20);
		if (writer_stats(h->w)->batches_committed >= n &&
		    writer_idle(h->w))
			return;
	}
	fail_msg("writer committed %llu of %llu batches after %d ms",
	    (unsigned long long)writer_stats(h->w)->batches_committed,
	    (unsigned long long)n, ms);
}

static void
submit_one(struct harness *h, const char *series, const char *period,
    const char *value, const char *describe)
{
	struct batch	*b = batch_new("cache");

	batch_add(b, series, period, value, "t");
	if (describe != NULL)
		batch_describe(b, describe, "Described", "t", "M",
		    "{\"origin\": \"BLR\"}");
	assert_int_equal(writer_submit(h->w, b), WRITER_ACCEPTED);
	batch_free(b);
}

/*
 * The writer's series cache: an unchanged description is not rewritten;
 * a series deleted behind its back (the epoch moves) is found again by
 * key; ids stay right across a reconnect.
 */
static void
test_series_cache(void **state)
{
	const char	*db = "t_writer_cache";
	struct harness	 h;
	PGconn		*conn;
	char		*dir = testproc_tmpdir(), *v, *xmin;

	(void)state;
	conn = testpg_fresh(db);
	h_open(&h, db, dir, 1);
	h_until_idle(&h, 10000);
	submit_one(&h, "cache/a", "2025-01-01", "1", "cache/gone");
	h_until_committed(&h, 1, 20000);
	xmin = testpg_value(conn, "SELECT xmin::text FROM potash.series "
	    "WHERE key = 'cache/gone'");
	/* The same description again: the row is left alone. */
	submit_one(&h, "cache/a", "2025-02-01", "2", "cache/gone");
	h_until_committed(&h, 2, 20000);
	v = testpg_value(conn, "SELECT xmin::text FROM potash.series WHERE "
	    "key = 'cache/gone'");
	assert_string_equal(v, xmin);
	free(v);
	free(xmin);

	/* Deleted behind our back (it has no observations), then values
	 * for it: a new row, and the values under it. */
	testpg_exec(conn, "DELETE FROM potash.series WHERE key = "
	    "'cache/gone'");
	submit_one(&h, "cache/gone", "2025-01-01", "5", NULL);
	submit_one(&h, "cache/a", "2025-03-01", "3", NULL);
	h_until_committed(&h, 4, 20000);
	assert_int_equal(writer_stats(h.w)->batches_rejected, 0);

	/* A reconnect: the cache is forgotten and learned again. */
	PQfinish(conn);
	testpg_cluster("stop");
	testd_loop(h.base, 200);
	testpg_cluster("start");
	h_until_idle(&h, 20000);
	submit_one(&h, "cache/a", "2025-04-01", "4", NULL);
	submit_one(&h, "cache/gone", "2025-02-01", "6", NULL);
	h_until_committed(&h, 6, 20000);
	conn = PQconnectdb("dbname=t_writer_cache");
	v = testpg_value(conn, "SELECT string_agg(s.key || '=' || "
	    "o.value::text, ',' ORDER BY s.key, o.period) FROM "
	    "potash.observations o JOIN potash.series s ON s.id = "
	    "o.series_id");
	assert_string_equal(v, "cache/a=1,cache/a=2,cache/a=3,cache/a=4,"
	    "cache/gone=5,cache/gone=6");
	free(v);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.observations o WHERE NOT EXISTS (SELECT 1 FROM "
	    "potash.series s WHERE s.id = o.series_id)"), 0);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.series"), 2);
	h_close(&h);
	testd_rmdir(dir);
	free(dir);
	testpg_drop(conn, db);
}

/* A series another connection created (and named) is used as it is. */
static void
test_series_from_elsewhere(void **state)
{
	const char	*db = "t_writer_other";
	struct harness	 h;
	PGconn		*conn;
	char		*dir = testproc_tmpdir(), *v;

	(void)state;
	conn = testpg_fresh(db);
	h_open(&h, db, dir, 1);
	h_until_idle(&h, 10000);
	submit_one(&h, "other/a", "2025-01-01", "1", NULL);
	h_until_committed(&h, 1, 20000);
	testpg_exec(conn, "INSERT INTO potash.series (key, source, name, "
	    "unit) VALUES ('other/b', 'other', 'Made elsewhere', 'USD/t')");
	submit_one(&h, "other/b", "2025-01-01", "2", NULL);
	submit_one(&h, "other/a", "2025-02-01", "3", NULL);
	h_until_committed(&h, 3, 20000);
	v = testpg_value(conn, "SELECT s.name || '|' || s.unit || '|' || "
	    "o.value::text FROM potash.observations o JOIN potash.series s "
	    "ON s.id = o.series_id WHERE s.key = 'other/b'");
	assert_string_equal(v, "Made elsewhere|USD/t|2");
	free(v);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.series"), 2);
	h_close(&h);
	testd_rmdir(dir);
	free(dir);
	testpg_drop(conn, db);
}

/* Batch of the known-values test: two series, two periods. */
static void
submit_known(struct harness *h, const char *a1)
{
	struct batch	*b = batch_new("known");

	batch_add(b, "known/a", "2025-01-01", a1, "t");
	batch_add(b, "known/a", "2025-02-01", "2", "t");
	batch_add(b, "known/b", "2025-01-01", "3", "t");
	batch_add(b, "known/b", "2025-02-01", "4.50", "t");
	assert_int_equal(writer_submit(h->w, b), WRITER_ACCEPTED);
	batch_free(b);
}

/*
 * Values the writer knows unchanged are counted without being sent; when
 * another connection changed observations meanwhile, the database refuses
 * what relied on them (PW002) and the writer sends everything again, so
 * the change back to the polled value is a revision, not "unchanged"; it
 * then relies on nothing it remembers for value_cache_quiet.
 */
static void
test_known_values(void **state)
{
	const char	*db = "t_writer_known";
	struct harness	 h;
	PGconn		*conn, *other;
	char		*dir = testproc_tmpdir(), *v;
	uint64_t	 failed;

	(void)state;
	conn = testpg_fresh(db);
	h_open(&h, db, dir, 1);
	h_until_idle(&h, 10000);
	/* Values are remembered the second time they come. */
	submit_known(&h, "1");
	h_until_committed(&h, 1, 20000);
	submit_known(&h, "1");
	h_until_committed(&h, 2, 20000);
	assert_int_equal(writer_stats(h.w)->obs_known_unchanged, 0);

	/* Polled a third time: all four known, none sent, all counted. */
	submit_known(&h, "1");
	h_until_committed(&h, 3, 20000);
	assert_int_equal(writer_stats(h.w)->obs_known_unchanged, 4);
	assert_int_equal(writer_stats(h.w)->obs_unchanged, 8);
	v = testpg_value(conn, "SELECT string_agg(observations_stored || '/' "
	    "|| observations_unchanged || '/' || observations_revised, ',' "
	    "ORDER BY id) FROM potash.feed_runs");
	assert_string_equal(v, "4/0/0,0/4/0,0/4/0");
	free(v);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.observations"), 4);

	/* Someone else revises known/a for January. */
	testpg_exec(conn, "INSERT INTO potash.observations (series_id, "
	    "period, value) SELECT id, '2025-01-01', 99 FROM potash.series "
	    "WHERE key = 'known/a'");
	failed = writer_stats(h.w)->transactions_failed;
	submit_known(&h, "1");
	h_until_committed(&h, 4, 20000);
	assert_int_equal(writer_stats(h.w)->transactions_failed, failed + 1);
	assert_int_equal(writer_stats(h.w)->batches_rejected, 0);
	assert_int_equal(writer_stats(h.w)->obs_known_unchanged, 4);
	v = testpg_value(conn, "SELECT observations_stored || '/' || "
	    "observations_unchanged || '/' || observations_revised FROM "
	    "potash.feed_runs ORDER BY id DESC LIMIT 1");
	assert_string_equal(v, "0/3/1");
	free(v);
	v = testpg_value(conn, "SELECT string_agg(o.value::text, ',' ORDER "
	    "BY o.known_at) FROM potash.observations o JOIN potash.series s "
	    "ON s.id = o.series_id WHERE s.key = 'known/a' AND o.period = "
	    "'2025-01-01'");
	assert_string_equal(v, "1,99,1");
	free(v);

	/* For a while after that, what the writer remembers is learned but
	 * not relied on: the same values go to the database again, and no
	 * transaction fails for them. */
	submit_known(&h, "1");
	h_until_committed(&h, 5, 20000);
	assert_int_equal(writer_stats(h.w)->obs_known_unchanged, 4);
	assert_int_equal(writer_stats(h.w)->transactions_failed, failed + 1);
	v = testpg_value(conn, "SELECT observations_unchanged::text FROM "
	    "potash.feed_runs ORDER BY id DESC LIMIT 1");
	assert_string_equal(v, "4");
	free(v);

	/* Then it is again; a changed value goes, the others are known. */
	testd_loop(h.base, QUIET_MS + 200);
	submit_known(&h, "1");
	submit_known(&h, "5");
	h_until_committed(&h, 7, 20000);
	assert_int_equal(writer_stats(h.w)->obs_known_unchanged, 4 + 4 + 3);
	v = testpg_value(conn, "SELECT string_agg(observations_stored || '/' "
	    "|| observations_unchanged || '/' || observations_revised, ',' "
	    "ORDER BY id) FROM potash.feed_runs WHERE id > (SELECT min(id) + "
	    "4 FROM potash.feed_runs)");
	assert_string_equal(v, "0/4/0,0/3/1");
	free(v);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.observations"), 7);

	/* Another transaction is half-way through writing observations:
	 * the writer neither waits for it nor relies on what it knew. */
	other = PQconnectdb("dbname=t_writer_known");
	assert_int_equal(PQstatus(other), CONNECTION_OK);
	testpg_exec(other, "BEGIN");
	testpg_exec(other, "INSERT INTO potash.observations (series_id, "
	    "period, value) SELECT id, '2025-03-01', 7 FROM potash.series "
	    "WHERE key = 'known/b'");
	submit_known(&h, "5");
	h_until_committed(&h, 8, 20000);
	assert_int_equal(writer_stats(h.w)->obs_known_unchanged, 4 + 4 + 3);
	v = testpg_value(conn, "SELECT observations_unchanged::text FROM "
	    "potash.feed_runs ORDER BY id DESC LIMIT 1");
	assert_string_equal(v, "4");
	free(v);
	testpg_exec(other, "COMMIT");
	PQfinish(other);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.observations"), 8);
	h_close(&h);
	testd_rmdir(dir);
	free(dir);
	testpg_drop(conn, db);
}

/*
 * A series re-keyed behind the writer's back: values it remembers under
 * the old key are not taken as stored under it (the rename is a change
 * of observations' meaning, schema 0018), so the next poll stores them
 * under a new series with that key.
 */
static void
test_known_values_rekey(void **state)
{
	const char	*db = "t_writer_rekey";
	struct harness	 h;
	PGconn		*conn;
	char		*dir = testproc_tmpdir(), *v;
	int		 i;

	(void)state;
	conn = testpg_fresh(db);
	h_open(&h, db, dir, 1);
	h_until_idle(&h, 10000);
	for (i = 1; i <= 3; i++) {
		submit_known(&h, "1");
		h_until_committed(&h, (uint64_t)i, 20000);
	}
	assert_int_equal(writer_stats(h.w)->obs_known_unchanged, 4);
	testpg_exec(conn, "UPDATE potash.series SET key = 'known/renamed' "
	    "WHERE key = 'known/a'");
	submit_known(&h, "1");
	h_until_committed(&h, 4, 20000);
	assert_int_equal(writer_stats(h.w)->batches_rejected, 0);
	v = testpg_value(conn, "SELECT string_agg(s.key || '=' || n, ',' "
	    "ORDER BY s.key) FROM (SELECT series_id, count(*) AS n FROM "
	    "potash.observations GROUP BY 1) o JOIN potash.series s ON s.id "
	    "= o.series_id");
	assert_string_equal(v, "known/a=2,known/b=2,known/renamed=2");
	free(v);
	h_close(&h);
	testd_rmdir(dir);
	free(dir);
	testpg_drop(conn, db);
}

/*
 * Thousands of batches with nothing to stage (runs only, as polls of
 * known values) waiting at once go into transactions of at most 500
 * batches (WRITER_TX_BATCHES), though batch_max would take them all; all
 * stored once, in order.
 */
static void
test_many_runs(void **state)
{
	struct harness	 h;
	struct batch	*b;
	PGconn		*conn;
	char		 url[64], *dir;
	uint64_t	 tx0;
	int		 i;

	(void)state;
	conn = testpg_fresh("t_writer_runs");
	dir = testproc_tmpdir();
	h_open_batch(&h, "t_writer_runs", dir, 1, 64u * 1024 * 1024, 100000);
	h_until_idle(&h, 10000);
	tx0 = writer_stats(h.w)->transactions;
	for (i = 0; i < 2500; i++) {
		b = batch_new("test");
		snprintf(url, sizeof(url), "test://batch/%04d", i);
		batch_set_url(b, url);
		b->http_status = 304;
		assert_int_equal(writer_submit(h.w, b), WRITER_ACCEPTED);
		batch_free(b);
	}
	h_until_idle(&h, 20000);
	assert_int_equal(writer_stats(h.w)->transactions - tx0, 5);
	assert_int_equal(writer_stats(h.w)->transactions_failed, 0);
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM "
	    "potash.feed_runs"), 2500);
	assert_int_equal(testd_count(conn, "SELECT count(DISTINCT batch_id) "
	    "FROM potash.feed_runs"), 2500);
	/* In the order submitted. */
	assert_int_equal(testd_count(conn, "SELECT count(*) FROM (SELECT "
	    "url, lag(url) OVER (ORDER BY id) AS prev FROM potash.feed_runs) "
	    "r WHERE prev >= url"), 0);
	h_close(&h);
	testd_rmdir(dir);
	free(dir);
	testpg_drop(conn, "t_writer_runs");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_values),
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_known_at),
		cmocka_unit_test(test_outage_mid_stream),
		cmocka_unit_test(test_kill9_with_spool),
		cmocka_unit_test(test_replay_twice_is_once),
		cmocka_unit_test(test_spool_cap_drops_newest),
		cmocka_unit_test(test_torn_spool_tail),
		cmocka_unit_test(test_store_batches_duplicate),
		cmocka_unit_test(test_store_batches_distinct),
		cmocka_unit_test(test_series_cache),
		cmocka_unit_test(test_series_from_elsewhere),
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_known_values_rekey),
		cmocka_unit_test(test_many_runs),
	};
	int	rc;

	if ((rc = testd_pg_missing()) != 0)
		return (rc);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
