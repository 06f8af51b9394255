/* SPDX-License-Identifier: ISC */
/*
 * daemon: the one context of the potashd process and its lifecycle.
 *
 * Owns the event base, the loaded config, the systemd notifier, the signal
 * and watchdog events and the database connection, and holds the start and
 * stop order in one place: config -> loop -> signals -> notifier ->
 * database (with retries) -> schema migration -> READY=1; on SIGTERM:
 * STOPPING=1, timers off, database closed, loop exits.  SIGHUP reloads the
 * config and swaps it in only if all of it is valid.
 */
#ifndef DAEMON_DAEMON_H
#define DAEMON_DAEMON_H

#include "daemon/config.h"
#include "store/pg.h"
#include "store/writer.h"

struct daemon;

/* Takes ownership of config; verbosity is the number of -v flags. */
struct daemon	*daemon_new(struct config *, int);
void		 daemon_free(struct daemon *);
/* Runs the loop until shutdown; returns the process exit code. */
int		 daemon_run(struct daemon *);

/* Fills libpq parameters from a config (pointers borrowed from it). */
void		 daemon_pg_params(const struct config *, struct pg_params *);
/* Fills writer parameters from a config; spool_path is borrowed. */
void		 daemon_writer_params(const struct config *, const char *,
		    struct writer_params *);
/* The log level for a config and a number of -v flags. */
int		 daemon_log_level(const struct config *, int);

#endif
