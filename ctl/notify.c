/* SPDX-License-Identifier: ISC */
/*
 * notify: "potashctl notifications", "test-notify" and "redeliver", the
 * operator's view of the outbox (schema/0011_notifications.sql).
 *
 * potashctl never sends anything itself: test-notify queues a clearly
 * marked test notification with potash.notification_test() and waits for
 * the running daemon to deliver it through the real path (render, sign,
 * send, record), then prints what the attempts table says.  redeliver
 * puts a sent, dead or cancelled notification back in the queue with the
 * same body and idempotency key.  Every value goes to the server as a
 * parameter.
 */
#include <getopt.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "ctl/ctl.h"
#include "util/parse.h"

#define NOTIFY_STATUSES	"pending|sending|retry|sent|dead|cancelled"

enum notify_col {
	NC_ID, NC_CHANNEL, NC_REASON, NC_STATUS, NC_ATTEMPTS, NC_CREATED,
	NC_NEXT, NC_SENT, NC_ALERTS, NC_ERROR, NC_KEY, NC_JSON,
};

static const char notify_list_sql[] =
    "SELECT n.id, n.channel, n.reason, n.status, n.attempts, "
    DB_USEC("n.created_at") ", " DB_USEC("n.next_attempt_at") ", "
    DB_USEC("n.sent_at") ", "
    "       COALESCE(jsonb_array_length(n.doc->'alerts'), "
    "                jsonb_array_length(n.members)), "
    "       n.last_error, n.idempotency_key, "
    "       jsonb_build_object('id', n.id, 'channel', n.channel, "
    "           'reason', n.reason, 'status', n.status, "
    "           'attempts', n.attempts, 'created_at', n.created_at, "
    "           'next_attempt_at', n.next_attempt_at, "
    "           'sent_at', n.sent_at, 'dead_at', n.dead_at, "
    "           'idempotency_key', n.idempotency_key, "
    "           'last_error', n.last_error, 'members', n.members, "
    "           'attempt_log', (SELECT COALESCE(jsonb_agg(jsonb_build_object("
    "               'attempt', a.attempt, 'started_at', a.started_at, "
    "               'duration_ms', a.duration_ms, 'outcome', a.outcome, "
    "               'status_code', a.status_code, 'error', a.error) "
    "               ORDER BY a.attempt), '[]') "
    "             FROM potash.notification_attempts a "
    "            WHERE a.notification_id = n.id))::text "
    "  FROM potash.notifications n "
    " WHERE ($1::text IS NULL OR n.status = $1) "
    "   AND ($2::text IS NULL OR n.channel = $2) "
    " ORDER BY n.id DESC LIMIT $3::int";

static int
notify_usage(const char *what)
{
	fprintf(stderr, "usage: potashctl %s\n", what);
	return (2);
}

int
ctl_notifications(struct config *config, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "status",	required_argument,	NULL,	's' },
		{ "channel",	required_argument,	NULL,	'c' },
		{ "limit",	required_argument,	NULL,	'n' },
		{ "json",	no_argument,		NULL,	'j' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const header[] = { "ID", "CHANNEL", "REASON",
	    "STATUS", "ATTEMPTS", "CREATED", "NEXT/SENT", "ALERTS",
	    "LAST ERROR" };
	const char	*status = NULL, *channel = NULL, *p[3], *cells[9];
	const char	*s;
	char		 limit[32] = "50", created[64], when[64], err[256];
	struct table	*t;
	PGconn		*conn;
	PGresult	*res;
	int64_t		 v;
	int		 ch, json = 0, i;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			status = optarg;
			if (strstr("|" NOTIFY_STATUSES "|", status) == NULL ||
			    strchr(status, '|') != NULL || *status == '\0') {
				fprintf(stderr, "potashctl: notifications: "
				    "--status: expected one of "
				    NOTIFY_STATUSES ", got \"%s\"\n", status);
				return (1);
			}
			break;
		case 'c':
			channel = optarg;
			break;
		case 'n':
			if (parse_int64(optarg, 1, 100000, &v, err,
			    sizeof(err)) == -1) {
				fprintf(stderr, "potashctl: notifications: "
				    "--limit: %s\n", err);
				return (1);
			}
			snprintf(limit, sizeof(limit), "%" PRId64, v);
			break;
		case 'j':
			json = 1;
			break;
		default:
			return (notify_usage("notifications [--status "
			    NOTIFY_STATUSES "] [--channel NAME] [--limit N] "
			    "[--json]"));
		}
	}
	if (optind != argc)
		return (notify_usage("notifications [--status "
		    NOTIFY_STATUSES "] [--channel NAME] [--limit N] "
		    "[--json]"));
	if ((conn = db_connect(config, "notifications")) == NULL)
		return (1);
	p[0] = status;
	p[1] = channel;
	p[2] = limit;
	if ((res = db_exec(conn, "notifications", notify_list_sql, 3,
	    p)) == NULL) {
		PQfinish(conn);
		return (1);
	}
	if (json) {
		for (i = 0; i < PQntuples(res); i++)
			printf("%s\n", db_text(res, i, NC_JSON));
	} else {
		t = table_new(header, 9);
		for (i = 0; i < PQntuples(res); i++) {
			db_time_human(db_usec(res, i, NC_CREATED), created,
			    sizeof(created));
			s = db_text(res, i, NC_STATUS);
			db_time_human(db_usec(res, i, strcmp(s, "sent") == 0 ?
			    NC_SENT : NC_NEXT), when, sizeof(when));
			if (strcmp(s, "dead") == 0 ||
			    strcmp(s, "cancelled") == 0)
				snprintf(when, sizeof(when), "-");
			cells[0] = db_text(res, i, NC_ID);
			cells[1] = db_text(res, i, NC_CHANNEL);
			cells[2] = db_text(res, i, NC_REASON);
			cells[3] = s;
			cells[4] = db_text(res, i, NC_ATTEMPTS);
			cells[5] = created;
			cells[6] = when;
			cells[7] = db_text(res, i, NC_ALERTS);
			cells[8] = db_text(res, i, NC_ERROR);
			table_add(t, cells);
		}
		if (table_rows(t) > 0)
			table_print(t, stdout);
		else
			printf("no notifications%s%s\n", status != NULL ?
			    " with status " : "", status != NULL ? status :
			    "");
		table_free(t);
	}
	PQclear(res);
	PQfinish(conn);
	return (0);
}

static const char *
notify_author(void)
{
	const char	*s;
	struct passwd	*pw;

	if ((s = getenv("USER")) != NULL && *s != '\0')
		return (s);
	if ((pw = getpwuid(getuid())) != NULL && *pw->pw_name != '\0')
		return (pw->pw_name);
	return ("potashctl");
}

/* The last attempt of notification id, printed in one line. */
static void
notify_print_attempt(PGconn *conn, const char *id)
{
	const char	*p[1] = { id };
	PGresult	*res;

	res = db_exec(conn, "test-notify", "SELECT attempt, outcome, "
	    "status_code, round(duration_ms::numeric, 1), error, response "
	    "FROM potash.notification_attempts WHERE notification_id = "
	    "$1::int8 ORDER BY attempt DESC LIMIT 1", 1, p);
	if (res == NULL)
		return;
	if (PQntuples(res) == 1)
		printf("  attempt %s: %s, status %s, %s ms%s%s%s%s\n",
		    db_text(res, 0, 0), db_text(res, 0, 1),
		    db_text(res, 0, 2) != NULL ? db_text(res, 0, 2) : "-",
		    db_text(res, 0, 3),
		    db_text(res, 0, 4) != NULL ? ", " : "",
		    db_text(res, 0, 4) != NULL ? db_text(res, 0, 4) : "",
		    db_text(res, 0, 5) != NULL ? "; response: " : "",
		    db_text(res, 0, 5) != NULL ? db_text(res, 0, 5) : "");
	PQclear(res);
}

int
ctl_test_notify(struct config *config, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "wait",	required_argument,	NULL,	'w' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*p[2], *st = NULL, *usage = "test-notify CHANNEL "
	    "[--wait DURATION]";
	char		 err[256], id[32], last[32] = "";
	uint64_t	 wait = UINT64_C(60000000), waited = 0;
	struct timespec	 ts = { 0, 250000000 };
	PGconn		*conn;
	PGresult	*res;
	int		 ch, code = 1;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'w':
			if (parse_duration(optarg, &wait, err,
			    sizeof(err)) == -1) {
				fprintf(stderr, "potashctl: test-notify: "
				    "--wait: %s\n", err);
				return (1);
			}
			break;
		default:
			return (notify_usage(usage));
		}
	}
	if (optind + 1 != argc)
		return (notify_usage(usage));
	if ((conn = db_connect(config, "test-notify")) == NULL)
		return (1);
	p[0] = argv[optind];
	p[1] = notify_author();
	if ((res = db_exec(conn, "test-notify", "SELECT "
	    "potash.notification_test($1, $2)", 2, p)) == NULL)
		goto out;
	snprintf(id, sizeof(id), "%s", db_text(res, 0, 0));
	PQclear(res);
	printf("queued test notification %s to channel %s; waiting for "
	    "potashd to deliver it\n", id, argv[optind]);
	fflush(stdout);

	p[0] = id;
	for (;;) {
		if ((res = db_exec(conn, "test-notify", "SELECT status, "
		    "attempts FROM potash.notifications WHERE id = $1::int8",
		    1, p)) == NULL)
			goto out;
		if ((st = db_text(res, 0, 0)) == NULL)
			st = "?";
		if (strcmp(db_text(res, 0, 1), last) != 0 &&
		    strcmp(db_text(res, 0, 1), "0") != 0) {
			snprintf(last, sizeof(last), "%s",
			    db_text(res, 0, 1));
			notify_print_attempt(conn, id);
		}
		if (strcmp(st, "sent") == 0 || strcmp(st, "dead") == 0 ||
		    strcmp(st, "cancelled") == 0) {
			printf("notification %s: %s\n", id, st);
			code = strcmp(st, "sent") == 0 ? 0 : 1;
			PQclear(res);
			break;
		}
		PQclear(res);
		if (waited >= wait) {
			fprintf(stderr, "potashctl: test-notify: notification "
			    "%s is still %s; is potashd running with this "
			    "channel configured? (it stays queued)\n", id,
			    strcmp(last, "") == 0 ? "waiting for its first "
			    "attempt" : "being retried");
			break;
		}
		nanosleep(&ts, NULL);
		waited += 250000;
	}
out:
	PQfinish(conn);
	return (code);
}

int
ctl_redeliver(struct config *config, int argc, char **argv)
{
	const char	*p[1];
	char		 err[256];
	int64_t		 v;
	PGconn		*conn;
	PGresult	*res;

	if (argc != 2)
		return (notify_usage("redeliver ID"));
	if (parse_int64(argv[1], 1, INT64_MAX, &v, err, sizeof(err)) == -1) {
		fprintf(stderr, "potashctl: redeliver: ID: %s\n", err);
		return (1);
	}
	if ((conn = db_connect(config, "redeliver")) == NULL)
		return (1);
	p[0] = argv[1];
	if ((res = db_exec(conn, "redeliver", "SELECT "
	    "potash.notification_redeliver($1::int8)", 1, p)) == NULL) {
		PQfinish(conn);
		return (1);
	}
	printf("notification %s queued again (same body and idempotency "
	    "key); potashd sends it at its next look\n", argv[1]);
	PQclear(res);
	PQfinish(conn);
	return (0);
}
