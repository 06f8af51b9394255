/* SPDX-License-Identifier: ISC */
/*
 * migrate: the schema migrator as a chain of asynchronous queries; see
 * migrate.h.  Owns its progress and error text, never the pg.
 *
 * Steps: lock -> ledger exists? -> read ledger and check checksums ->
 * per pending file: BEGIN, the file's SQL, ledger row, COMMIT -> unlock.
 * On an error inside a transaction it rolls back and unlocks before
 * reporting.  A lost connection ends the run at once: PostgreSQL releases
 * the session's advisory lock and rolls back the open transaction itself.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "daemon/log.h"
#include "store/migrate.h"
#include "util/xmalloc.h"

enum migrate_step {
	MIGRATE_LOCK,
	MIGRATE_LEDGER,
	MIGRATE_APPLIED,
	MIGRATE_BEGIN,
	MIGRATE_BODY,
	MIGRATE_RECORD,
	MIGRATE_COMMIT,
	MIGRATE_ROLLBACK,
	MIGRATE_UNLOCK,
};

struct migrate {
	struct pg			*pg;
	const struct migration_file	*files;
	size_t				 nfiles;
	migrate_done_cb			 cb;
	void				*arg;

	enum migrate_step		 step;
	unsigned char			*applied;	/* per file: in ledger */
	size_t				 next;		/* file being applied */
	int				 napplied;
	int				 failed;
	char				 error[1024];
};

static void	migrate_result_cb(struct pg *, PGresult *, void *);

static void
migrate_send(struct migrate *m, enum migrate_step step, const char *sql,
    int nparams, const char *const *params)
{
	int	rv;

	m->step = step;
	if (step == MIGRATE_BODY)
		rv = pg_query_simple(m->pg, sql, migrate_result_cb, m);
	else
		rv = pg_query(m->pg, sql, nparams, params, migrate_result_cb,
		    m);
	if (rv == -1) {
		snprintf(m->error, sizeof(m->error),
		    "database connection lost during migration");
		m->cb(0, m->napplied, m->error, m->arg);
	}
}

static void
migrate_unlock(struct migrate *m)
{
	const char	*params[] = { MIGRATE_LOCK_KEY };

	migrate_send(m, MIGRATE_UNLOCK, "SELECT pg_advisory_unlock($1)", 1,
	    params);
}

static void
migrate_fail(struct migrate *m, int in_tx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
migrate_fail(struct migrate *m, int in_tx, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(m->error, sizeof(m->error), fmt, ap);
	va_end(ap);
	m->failed = 1;
	if (in_tx)
		migrate_send(m, MIGRATE_ROLLBACK, "ROLLBACK", 0, NULL);
	else
		migrate_unlock(m);
}

/* Starts the next pending file, or unlocks when none is left. */
static void
migrate_next(struct migrate *m)
{
	while (m->next < m->nfiles && m->applied[m->next])
		m->next++;
	if (m->next == m->nfiles) {
		migrate_unlock(m);
		return;
	}
	migrate_send(m, MIGRATE_BEGIN, "BEGIN", 0, NULL);
}

static int
migrate_check_ledger(struct migrate *m, const PGresult *res)
{
	int	i, rows = PQntuples(res);
	size_t	j;

	for (i = 0; i < rows; i++) {
		const char	*name = PQgetvalue(res, i, 0);
		const char	*sum = PQgetvalue(res, i, 1);

		for (j = 0; j < m->nfiles; j++) {
			if (strcmp(m->files[j].name, name) == 0)
				break;
		}
		if (j == m->nfiles) {
			migrate_fail(m, 0, "database has migration %s, which "
			    "this potashd does not know: it was migrated by "
			    "a newer version", name);
			return (-1);
		}
		if (strcmp(m->files[j].checksum, sum) != 0) {
			migrate_fail(m, 0, "migration %s was changed after "
			    "it was applied (applied checksum %.12s, file "
			    "%.12s): migrations are forward-only; restore the "
			    "file and add a new migration instead", name, sum,
			    m->files[j].checksum);
			return (-1);
		}
		m->applied[j] = 1;
	}
	return (0);
}

static void
migrate_result_cb(struct pg *pg, PGresult *res, void *arg)
{
	struct migrate		*m = arg;
	const struct migration_file *f;
	const char		*params[2];

	if (res == NULL) {
		snprintf(m->error, sizeof(m->error), "database connection "
		    "lost during migration");
		m->cb(0, m->napplied, m->error, m->arg);
		return;
	}
	if (!pg_result_ok(res)) {
		switch (m->step) {
		case MIGRATE_BEGIN:
		case MIGRATE_BODY:
		case MIGRATE_RECORD:
		case MIGRATE_COMMIT:
			f = &m->files[m->next];
			migrate_fail(m, 1, "migration %s failed: %s", f->name,
			    pg_result_error(res));
			return;
		case MIGRATE_LOCK:
		case MIGRATE_LEDGER:
		case MIGRATE_APPLIED:
			migrate_fail(m, 0, "migration: %s",
			    pg_result_error(res));
			return;
		case MIGRATE_ROLLBACK:
		case MIGRATE_UNLOCK:
			/* Report the first error; the session's end
			 * releases whatever is left. */
			m->cb(0, m->napplied, m->failed ? m->error :
			    pg_result_error(res), m->arg);
			return;
		}
	}

	switch (m->step) {
	case MIGRATE_LOCK:
		migrate_send(m, MIGRATE_LEDGER, "SELECT to_regclass("
		    "'potash.schema_migrations') IS NOT NULL", 0, NULL);
		break;
	case MIGRATE_LEDGER:
		if (strcmp(PQgetvalue(res, 0, 0), "t") == 0)
			migrate_send(m, MIGRATE_APPLIED, "SELECT name, checksum "
			    "FROM potash.schema_migrations ORDER BY name", 0,
			    NULL);
		else
			migrate_next(m);
		break;
	case MIGRATE_APPLIED:
		if (migrate_check_ledger(m, res) == 0)
			migrate_next(m);
		break;
	case MIGRATE_BEGIN:
		f = &m->files[m->next];
		log_info("schema: applying %s", f->name);
		migrate_send(m, MIGRATE_BODY, f->sql, 0, NULL);
		break;
	case MIGRATE_BODY:
		f = &m->files[m->next];
		params[0] = f->name;
		params[1] = f->checksum;
		migrate_send(m, MIGRATE_RECORD, "INSERT INTO "
		    "potash.schema_migrations (name, checksum) "
		    "VALUES ($1, $2)", 2, params);
		break;
	case MIGRATE_RECORD:
		migrate_send(m, MIGRATE_COMMIT, "COMMIT", 0, NULL);
		break;
	case MIGRATE_COMMIT:
		/* COMMIT of an aborted transaction reports ROLLBACK. */
		if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
			migrate_fail(m, 0, "migration %s was rolled back",
			    m->files[m->next].name);
			break;
		}
		m->applied[m->next] = 1;
		m->napplied++;
		migrate_next(m);
		break;
	case MIGRATE_ROLLBACK:
		migrate_unlock(m);
		break;
	case MIGRATE_UNLOCK:
		if (m->failed)
			m->cb(0, m->napplied, m->error, m->arg);
		else
			m->cb(1, m->napplied, NULL, m->arg);
		break;
	}
}

struct migrate *
migrate_start(struct pg *pg, const struct migration_file *files,
    size_t nfiles, migrate_done_cb cb, void *arg)
{
	struct migrate	*m;
	const char	*params[] = { MIGRATE_LOCK_KEY };

	m = xcalloc(1, sizeof(*m));
	m->pg = pg;
	m->files = files;
	m->nfiles = nfiles;
	m->cb = cb;
	m->arg = arg;
	m->applied = xcalloc(nfiles + 1, 1);
	/* Waits while another instance migrates; that is the point. */
	migrate_send(m, MIGRATE_LOCK, "SELECT pg_advisory_lock($1)", 1,
	    params);
	return (m);
}

void
migrate_free(struct migrate *m)
{
	if (m == NULL)
		return;
	free(m->applied);
	free(m);
}

struct migrate_run_ctx {
	struct event_base	*base;
	const struct migration_file *files;
	size_t			 nfiles;
	struct migrate		*m;
	int			 done;
	int			 result;
	char			*err;
	size_t			 errlen;
};

static void
migrate_run_done_cb(int ok, int applied, const char *msg, void *arg)
{
	struct migrate_run_ctx	*ctx = arg;

	ctx->done = 1;
	ctx->result = ok ? applied : -1;
	if (!ok)
		snprintf(ctx->err, ctx->errlen, "%s", msg);
	event_base_loopbreak(ctx->base);
}

static void
migrate_run_state_cb(struct pg *pg, enum pg_state state, const char *why,
    void *arg)
{
	struct migrate_run_ctx	*ctx = arg;

	if (ctx->done)
		return;
	if (state == PG_CONNECTED && ctx->m == NULL)
		ctx->m = migrate_start(pg, ctx->files, ctx->nfiles,
		    migrate_run_done_cb, ctx);
	else if (state == PG_DISCONNECTED && ctx->m == NULL) {
		/* A one-shot tool does not wait for the database. */
		ctx->done = 1;
		ctx->result = -1;
		snprintf(ctx->err, ctx->errlen, "cannot connect to the "
		    "database: %s", why != NULL ? why : "unknown error");
		event_base_loopbreak(ctx->base);
	}
}

int
migrate_run(const struct pg_params *params, const struct migration_file *files,
    size_t nfiles, char *err, size_t errlen)
{
	struct migrate_run_ctx	 ctx;
	struct pg		*pg;

	memset(&ctx, 0, sizeof(ctx));
	ctx.files = files;
	ctx.nfiles = nfiles;
	ctx.err = err;
	ctx.errlen = errlen;
	ctx.result = -1;
	if ((ctx.base = event_base_new()) == NULL) {
		snprintf(err, errlen, "cannot create an event loop");
		return (-1);
	}
	pg = pg_new(ctx.base, params, migrate_run_state_cb, &ctx);
	pg_start(pg);
	while (!ctx.done)
		event_base_loop(ctx.base, EVLOOP_ONCE);
	pg_free(pg);
	migrate_free(ctx.m);
	event_base_free(ctx.base);
	return (ctx.result);
}
