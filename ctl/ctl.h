/* SPDX-License-Identifier: ISC */
/*
 * ctl: potashctl's commands, one function each, sharing the loaded config.
 * Each returns the process exit code and prints its own errors.  Also the
 * helpers the query commands share: db (blocking libpq, UTC session,
 * times as unix microseconds) and table (aligned text output).
 */
#ifndef CTL_CTL_H
#define CTL_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "collectors/observation.h"
#include "daemon/config.h"

/* potashctl import FILE: argv[0] is "import". */
int	ctl_import(struct config *, int, char **);

/* potashctl parse KIND FILE [-o name=value]...: argv[0] is "parse". */
int	ctl_parse(int, char **);

/* potashctl fetch FEED [--dry-run]: argv[0] is "fetch". */
int	ctl_fetch(struct config *, int, char **);
/* Prints observations and events as JSON lines on stdout. */
void	ctl_print_batch(const struct batch *, const struct sanctions_event *,
	    size_t);

/* potashctl alerts [--state STATE] [--json]: argv[0] is "alerts". */
int	ctl_alerts(struct config *, int, char **);
/* potashctl rules [--json]: argv[0] is "rules". */
int	ctl_rules(struct config *, int, char **);
/* potashctl silence add|list|expire ...: argv[0] is "silence". */
int	ctl_silence(struct config *, int, char **);
/* potashctl backtest [--rule NAME]... --from DATE --to DATE [--json]:
 * argv[0] is "backtest". */
int	ctl_backtest(struct config *, int, char **);
/* potashctl notifications [--status S] [--channel C] [--limit N] [--json],
 * test-notify CHANNEL [--wait D], redeliver ID: argv[0] is the command. */
int	ctl_notifications(struct config *, int, char **);
int	ctl_test_notify(struct config *, int, char **);
int	ctl_redeliver(struct config *, int, char **);

/* A timestamptz expression as unix microseconds (a bigint column). */
#define DB_USEC(x)	"(extract(epoch FROM " x ") * 1000000)::bigint"

/*
 * Connects with the config's database settings and sets the session time
 * zone to UTC.  Returns the connection (PQfinish it), or NULL after
 * printing "potashctl: CMD: cannot connect ...".
 */
PGconn		*db_connect(const struct config *, const char *);
/*
 * Runs sql with n text parameters (NULL is SQL NULL).  Returns the
 * result (PQclear it), or NULL after printing the server's error.
 */
PGresult	*db_exec(PGconn *, const char *, const char *, int,
		    const char *const *);
/* Prints the error of a failed result as "potashctl: CMD: message". */
void		 db_result_error(const char *, const PGresult *);
/* db_exec for a statement whose result is not needed: 0 or -1. */
int		 db_command(PGconn *, const char *, const char *, int,
		    const char *const *);
/* A cell: text (NULL for SQL NULL), DB_USEC (0 for NULL), a number (NAN
 * for NULL). */
const char	*db_text(const PGresult *, int, int);
int64_t		 db_usec(const PGresult *, int, int);
double		 db_double(const PGresult *, int, int);
/* "2025-12-15 00:00:00" (UTC) or "-" for 0. */
void		 db_time_human(int64_t, char *, size_t);
/* A number as alert templates write it, or "-" for NAN. */
void		 db_number_human(double, char *, size_t);
/* A baseline with its window: "300 [2025-09-16, 2025-12-15) n=90";
 * just the number without a window. */
void		 db_baseline_human(double, int64_t, int64_t, uint32_t,
		    char *, size_t);
/* The current time, unix microseconds. */
int64_t		 db_now(void);

struct table;

/* A table with ncols columns and this header (copied). */
struct table	*table_new(const char *const *, size_t);
void		 table_free(struct table *);
/* Adds a row of ncols cells (copied; NULL or "" prints as "-"). */
void		 table_add(struct table *, const char *const *);
/* Rows added, the header not counted. */
size_t		 table_rows(const struct table *);
void		 table_print(const struct table *, FILE *);

#endif
