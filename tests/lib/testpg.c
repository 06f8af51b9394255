/* SPDX-License-Identifier: ISC */
/*
 * testpg: test databases on the throwaway cluster; see testpg.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "store/migrate.h"
#include "store/pg.h"
#include "testpg.h"
#include "util/xmalloc.h"

char *
testpg_conninfo(const char *dbname)
{
	return (xasprintf("dbname=%s", dbname));
}

static PGconn *
testpg_connect(const char *dbname)
{
	PGconn	*conn;
	char	*ci = testpg_conninfo(dbname);

	conn = PQconnectdb(ci);
	free(ci);
	if (PQstatus(conn) != CONNECTION_OK)
		fail_msg("connect to %s: %s", dbname, PQerrorMessage(conn));
	return (conn);
}

int
testpg_available(void)
{
	PGconn	*conn;
	int	 ok;

	conn = PQconnectdb("dbname=postgres");
	ok = PQstatus(conn) == CONNECTION_OK;
	PQfinish(conn);
	return (ok);
}

void
testpg_exec(PGconn *conn, const char *sql)
{
	PGresult	*res;
	ExecStatusType	 st;

	res = PQexec(conn, sql);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		fail_msg("%s: %s", sql, PQerrorMessage(conn));
	}
	PQclear(res);
}

char *
testpg_value(PGconn *conn, const char *sql)
{
	PGresult	*res;
	char		*v = NULL;

	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(conn));
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		v = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (v);
}

PGconn *
testpg_empty(const char *dbname)
{
	PGconn	*admin;
	char	*sql, *quoted;

	admin = testpg_connect("postgres");
	testpg_exec(admin, "SET client_min_messages = warning");
	quoted = PQescapeIdentifier(admin, dbname, strlen(dbname));
	sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", quoted);
	testpg_exec(admin, sql);
	free(sql);
	sql = xasprintf("CREATE DATABASE %s", quoted);
	testpg_exec(admin, sql);
	free(sql);
	PQfreemem(quoted);
	PQfinish(admin);
	return (testpg_connect(dbname));
}

PGconn *
testpg_fresh(const char *dbname)
{
	PGconn			*conn;
	struct pg_params	 params;
	char			 err[1024], *ci;
	int			 n;

	conn = testpg_empty(dbname);
	ci = testpg_conninfo(dbname);
	memset(&params, 0, sizeof(params));
	params.conninfo = ci;
	params.application_name = "potashd-test";
	params.connect_timeout = 10000000;
	params.retry_initial = 100000;
	params.retry_max = 1000000;
	n = migrate_run(&params, migration_files, migration_nfiles, err,
	    sizeof(err));
	free(ci);
	if (n == -1)
		fail_msg("migrate %s: %s", dbname, err);
	return (conn);
}

void
testpg_drop(PGconn *conn, const char *dbname)
{
	PGconn	*admin;
	char	*sql, *quoted;

	if (conn != NULL)
		PQfinish(conn);
	admin = testpg_connect("postgres");
	testpg_exec(admin, "SET client_min_messages = warning");
	quoted = PQescapeIdentifier(admin, dbname, strlen(dbname));
	sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", quoted);
	testpg_exec(admin, sql);
	free(sql);
	PQfreemem(quoted);
	PQfinish(admin);
}

void
testpg_cluster(const char *action)
{
	const char	*tool = getenv("POTASH_PGTMP");
	const char	*dir = getenv("POTASH_PGTMP_DIR");
	char		*cmd;
	int		 rv;

	if (tool == NULL || dir == NULL)
		fail_msg("POTASH_PGTMP and POTASH_PGTMP_DIR must be set "
		    "(scripts/test sets them)");
	cmd = xasprintf("'%s' %s '%s' >/dev/null", tool, action, dir);
	rv = system(cmd);
	free(cmd);
	if (rv != 0)
		fail_msg("pg-tmp %s failed (%d)", action, rv);
}
