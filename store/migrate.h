/* SPDX-License-Identifier: ISC */
/*
 * migrate: brings the database schema up to date from schema/NNNN_*.sql.
 *
 * The files are embedded at build time (migration_files[]).  Under a
 * PostgreSQL advisory lock, so two instances never race, the migrator reads
 * potash.schema_migrations, refuses an applied file whose checksum changed
 * (or an applied name this build does not know), then applies each pending
 * file in order, each in its own transaction together with its ledger row.
 * Runs asynchronously on a struct pg; migrate_run wraps it in a private
 * event loop for potashctl and tests.
 */
#ifndef STORE_MIGRATE_H
#define STORE_MIGRATE_H

#include <stddef.h>

#include "store/pg.h"

struct migration_file {
	const char	*name;		/* "0001_init.sql" */
	const char	*sql;
	const char	*checksum;	/* SHA-256 of the file, hex */
};

extern const struct migration_file	migration_files[];
extern const size_t			migration_nfiles;

/* The advisory lock key: "potashd" in ASCII. */
#define MIGRATE_LOCK_KEY	"31647743033436260"

struct migrate;

/*
 * Called once when done: ok is 1 on success (applied says how many files
 * were applied), 0 with a message otherwise.  Not called after
 * migrate_free.
 */
typedef void	(*migrate_done_cb)(int, int, const char *, void *);

/* Starts migrating on a connected pg with the given files (borrowed). */
struct migrate	*migrate_start(struct pg *, const struct migration_file *,
		    size_t, migrate_done_cb, void *);
/* Frees; a migration in flight is abandoned without its callback. */
void		 migrate_free(struct migrate *);

/*
 * Connects with params, migrates with files and disconnects, running its
 * own event loop.  Returns the number of files applied, or -1 with a
 * message in err.
 */
int		 migrate_run(const struct pg_params *,
		    const struct migration_file *, size_t, char *, size_t);

#endif
