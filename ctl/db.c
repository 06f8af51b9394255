/* SPDX-License-Identifier: ISC */
/*
 * db: the blocking database access of potashctl's query commands
 * (alerts, rules, silence, backtest), and the few formatting helpers
 * their output shares.
 *
 * A command is a short-lived client, so plain PQconnectdbParams and
 * PQexecParams are fine here (the daemon never links this path).  Every
 * value goes to the server as a parameter, never inside the SQL text.
 * The session time zone is UTC and times travel as unix microseconds
 * (DB_USEC), so what is printed does not depend on the server's or the
 * user's settings.  Errors are printed once, here, as
 * "potashctl: CMD: message".
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "alert/alertjson.h"
#include "alert/render.h"
#include "ctl/ctl.h"
#include "daemon/daemon.h"
#include "store/pg.h"

/* One line of a libpq message: drop the trailing newline(s). */
static void
db_error(const char *cmd, const char *what, const char *msg)
{
	size_t	n = strlen(msg);

	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	fprintf(stderr, "potashctl: %s: %s%.*s\n", cmd, what, (int)n, msg);
}

PGconn *
db_connect(const struct config *config, const char *cmd)
{
	struct pg_params	 params;
	const char		*keys[5], *vals[5];
	char			 timeout[32];
	PGconn			*conn;
	PGresult		*res;
	int			 n = 0;

	daemon_pg_params(config, &params);
	/* Before dbname: a connect_timeout in the conninfo wins. */
	snprintf(timeout, sizeof(timeout), "%" PRIu64,
	    params.connect_timeout / 1000000 < 2 ? 2 :
	    params.connect_timeout / 1000000);
	keys[n] = "connect_timeout";
	vals[n++] = timeout;
	if (params.conninfo != NULL && *params.conninfo != '\0') {
		keys[n] = "dbname";
		vals[n++] = params.conninfo;
	}
	if (params.password != NULL) {
		keys[n] = "password";
		vals[n++] = params.password;
	}
	keys[n] = "fallback_application_name";
	vals[n++] = "potashctl";
	keys[n] = NULL;
	vals[n] = NULL;

	conn = PQconnectdbParams(keys, vals, 1);
	if (conn == NULL) {
		fprintf(stderr, "potashctl: %s: out of memory\n", cmd);
		return (NULL);
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		db_error(cmd, "cannot connect to the database: ",
		    PQerrorMessage(conn));
		PQfinish(conn);
		return (NULL);
	}
	res = db_exec(conn, cmd, "SET TIME ZONE 'UTC'", 0, NULL);
	if (res == NULL) {
		PQfinish(conn);
		return (NULL);
	}
	PQclear(res);
	return (conn);
}

PGresult *
db_exec(PGconn *conn, const char *cmd, const char *sql, int n,
    const char *const *params)
{
	PGresult	*res;

	res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	if (res == NULL) {
		db_error(cmd, "", PQerrorMessage(conn));
		return (NULL);
	}
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		db_result_error(cmd, res);
		PQclear(res);
		return (NULL);
	}
	return (res);
}

void
db_result_error(const char *cmd, const PGresult *res)
{
	const char	*msg;

	/* The server's sentence, without "ERROR:  " in front. */
	msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	db_error(cmd, "", msg != NULL ? msg : PQresultErrorMessage(res));
}

int
db_command(PGconn *conn, const char *cmd, const char *sql, int n,
    const char *const *params)
{
	PGresult	*res;

	if ((res = db_exec(conn, cmd, sql, n, params)) == NULL)
		return (-1);
	PQclear(res);
	return (0);
}

const char *
db_text(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return (NULL);
	return (PQgetvalue(res, row, col));
}

int64_t
db_usec(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return (0);
	return (strtoll(PQgetvalue(res, row, col), NULL, 10));
}

double
db_double(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return (NAN);
	return (strtod(PQgetvalue(res, row, col), NULL));
}

void
db_time_human(int64_t usec, char *buf, size_t len)
{
	char	iso[64];

	/* "2025-12-15T00:00:00.000000Z" -> "2025-12-15 00:00:00". */
	alertjson_time(usec, iso, sizeof(iso));
	if (iso[0] == '\0' || strlen(iso) < 19) {
		snprintf(buf, len, "-");
		return;
	}
	iso[10] = ' ';
	iso[19] = '\0';
	snprintf(buf, len, "%s", iso);
}

void
db_number_human(double v, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else
		render_number(v, buf, len);
}

void
db_baseline_human(double baseline, int64_t from, int64_t to, uint32_t n,
    char *buf, size_t len)
{
	char	num[64], a[32], b[32];

	db_number_human(baseline, num, sizeof(num));
	if (!isfinite(baseline) || from == 0 || to == 0) {
		snprintf(buf, len, "%s", num);
		return;
	}
	db_time_human(from, a, sizeof(a));
	db_time_human(to, b, sizeof(b));
	/* Periods are mostly days: drop a midnight. */
	if (strcmp(a + 10, " 00:00:00") == 0 &&
	    strcmp(b + 10, " 00:00:00") == 0) {
		a[10] = '\0';
		b[10] = '\0';
	}
	if (n != 0)
		snprintf(buf, len, "%s [%s, %s) n=%" PRIu32, num, a, b, n);
	else
		snprintf(buf, len, "%s [%s, %s]", num, a, b);
}

int64_t
db_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}
