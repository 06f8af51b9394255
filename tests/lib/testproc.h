/* SPDX-License-Identifier: ISC */
/*
 * testproc: run potashd under a fake systemd in integration tests.
 *
 * testnotify binds a datagram socket in a temp dir (what systemd's
 * NOTIFY_SOCKET is) and reads the daemon's messages with a deadline;
 * testproc spawns a program with extra environment and signals it.
 */
#ifndef TESTS_TESTPROC_H
#define TESTS_TESTPROC_H

#include <sys/types.h>

struct testnotify;

/* Binds a fresh socket; abstract selects an '@' name. */
struct testnotify *testnotify_open(int);
void		 testnotify_free(struct testnotify *);
/* The NOTIFY_SOCKET value for the daemon. */
const char	*testnotify_path(const struct testnotify *);
/*
 * Waits up to ms for a datagram containing the line want ("READY=1");
 * returns 1 if seen.  Every datagram read is appended to the log, so a
 * later check can look at the order (testnotify_log).
 */
int		 testnotify_wait(struct testnotify *, const char *, int);
const char	*testnotify_log(const struct testnotify *);
void		 testnotify_clear(struct testnotify *);

/* Spawns argv with the extra "K=V" strings in env (NULL-terminated);
 * stdout and stderr go to logpath (appended) if not NULL. */
pid_t		 testproc_spawn(const char *const [], const char *const [],
		    const char *);
/* Waits up to ms for pid; returns its exit status (WEXITSTATUS), 128+sig
 * if killed, or -1 on timeout (the process is then SIGKILLed). */
int		 testproc_wait(pid_t, int);
/* A temp directory (mkdtemp under /tmp), malloc'd path. */
char		*testproc_tmpdir(void);
/* Writes text to path, failing the test on error. */
void		 testproc_write(const char *, const char *);
/* Whole file as a malloc'd string, or NULL. */
char		*testproc_read(const char *);

#endif
