/* SPDX-License-Identifier: ISC */
/*
 * benchdb: PostgreSQL for bench/ingest and bench/poll.
 *
 * Set-up and checks use blocking libpq (fine in a benchmark, never in
 * the daemon) and own no state.  A struct benchdb_writer owns the writer
 * and its struct pg, not their event base; its callbacks do what
 * potashd's do on a connection's change of state, and record the
 * writer's backend pid so that its CPU can be read from /proc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "bench/benchdb.h"
#include "bench/benchutil.h"
#include "store/migrate.h"
#include "store/pg.h"
#include "store/writer.h"

#define BENCHDB_WAIT	30	/* seconds for the writer to be ready */

int
benchdb_exec(PGconn *conn, const char *sql)
{
	PGresult	*res = PQexec(conn, sql);
	int		 ok;

	ok = PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "%s: %s: %s", program_invocation_short_name,
		    sql, PQerrorMessage(conn));
	PQclear(res);
	return (ok ? 0 : -1);
}

int
benchdb_value1(PGconn *conn, const char *sql, char *buf, size_t len)
{
	PGresult	*res = PQexec(conn, sql);
	int		 ok = PQresultStatus(res) == PGRES_TUPLES_OK;

	buf[0] = '\0';
	if (!ok)
		fprintf(stderr, "%s: %s: %s", program_invocation_short_name,
		    sql, PQerrorMessage(conn));
	else if (PQntuples(res) > 0 && PQnfields(res) > 0)
		snprintf(buf, len, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return (ok ? 0 : -1);
}

PGconn *
benchdb_connect(const char *dbname)
{
	const char	*keys[] = { "dbname", "application_name", NULL };
	const char	*vals[] = { dbname, "potashd-bench", NULL };
	PGconn		*conn;

	conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "%s: connecting to %s: %s",
		    program_invocation_short_name, dbname,
		    PQerrorMessage(conn));
		PQfinish(conn);
		return (NULL);
	}
	if (benchdb_exec(conn, "SET client_min_messages = warning") == -1 ||
	    benchdb_exec(conn, "SET TIME ZONE 'UTC'") == -1) {
		PQfinish(conn);
		return (NULL);
	}
	return (conn);
}

/* Drops dbname and, with create, creates it empty. */
static int
benchdb_recreate(const char *dbname, int create)
{
	PGconn	*admin = benchdb_connect("postgres");
	char	 sql[256];
	int	 rv = -1;

	if (admin == NULL)
		return (-1);
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
	    dbname);
	if (benchdb_exec(admin, sql) == 0) {
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", dbname);
		if (!create || benchdb_exec(admin, sql) == 0)
			rv = 0;
	}
	PQfinish(admin);
	return (rv);
}

int
benchdb_drop(const char *dbname)
{
	return (benchdb_recreate(dbname, 0));
}

int
benchdb_fresh(const char *dbname)
{
	struct pg_params	 p;
	char			 conninfo[256], err[1024];

	if (benchdb_recreate(dbname, 1) == -1)
		return (-1);
	snprintf(conninfo, sizeof(conninfo), "dbname=%s", dbname);
	memset(&p, 0, sizeof(p));
	p.conninfo = conninfo;
	p.application_name = "potashd-bench";
	p.connect_timeout = 10000000;
	p.retry_initial = 100000;
	p.retry_max = 1000000;
	if (migrate_run(&p, migration_files, migration_nfiles, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "%s: migrate: %s\n",
		    program_invocation_short_name, err);
		return (-1);
	}
	return (0);
}

static void
benchdb_ready_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct benchdb_writer	*bw = arg;

	/* Queued right after the writer's session set-up, so that has
	 * finished too when this answers. */
	if (pg_result_ok(res) && PQntuples(res) == 1) {
		bw->backend_pid = strtol(PQgetvalue(res, 0, 0), NULL, 10);
		bw->ready = 1;
	}
}

static void
benchdb_state_cb(struct pg *pg, enum pg_state state, const char *why,
    void *arg)
{
	struct benchdb_writer	*bw = arg;

	if (state == PG_CONNECTED) {
		writer_pg_ready(bw->w);
		pg_query_simple(pg, "SELECT pg_backend_pid()",
		    benchdb_ready_cb, bw);
	} else if (state == PG_DISCONNECTED) {
		fprintf(stderr, "%s: the writer's connection: %s\n",
		    program_invocation_short_name, why != NULL ? why : "lost");
		bw->lost = 1;
		bw->ready = 0;
		writer_pg_lost(bw->w);
		event_base_loopbreak(bw->base);
	}
}

int
benchdb_writer_open(struct benchdb_writer *bw, struct event_base *base,
    const char *conninfo, const struct writer_params *wp)
{
	struct pg_params	 p;
	char			 err[512];
	double			 t0;

	memset(bw, 0, sizeof(*bw));
	bw->base = base;
	memset(&p, 0, sizeof(p));
	p.conninfo = conninfo;
	p.application_name = "potashd-bench-writer";
	p.connect_timeout = 10000000;
	p.retry_initial = 100000;
	p.retry_max = 1000000;
	bw->pg = pg_new(base, &p, benchdb_state_cb, bw);
	if ((bw->w = writer_new(base, bw->pg, wp, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s: writer: %s\n",
		    program_invocation_short_name, err);
		return (-1);
	}
	pg_start(bw->pg);
	for (t0 = bench_now(); !bw->ready && bench_now() - t0 < BENCHDB_WAIT;)
		event_base_loop(base, EVLOOP_ONCE);
	if (!bw->ready) {
		fprintf(stderr, "%s: the writer's connection is not ready "
		    "after %d s\n", program_invocation_short_name,
		    BENCHDB_WAIT);
		return (-1);
	}
	/* A connection lost before it was ready is no failure. */
	bw->lost = 0;
	return (0);
}

uint64_t
benchdb_writer_done(const struct benchdb_writer *bw)
{
	const struct writer_stats	*st = writer_stats(bw->w);

	return (st->batches_committed + st->batches_dropped +
	    st->batches_rejected);
}

void
benchdb_writer_close(struct benchdb_writer *bw)
{
	pg_free(bw->pg);
	writer_free(bw->w);
	memset(bw, 0, sizeof(*bw));
}
