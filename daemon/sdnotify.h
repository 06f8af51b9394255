/* SPDX-License-Identifier: ISC */
/*
 * sdnotify: the systemd notify protocol, spoken directly on $NOTIFY_SOCKET.
 *
 * No libsystemd: one AF_UNIX datagram socket, connected to the path (or the
 * abstract name, when NOTIFY_SOCKET starts with '@') systemd gave us.  When
 * NOTIFY_SOCKET is unset every call is a successful no-op, so the daemon runs
 * the same in a terminal.  Also reads WATCHDOG_USEC/WATCHDOG_PID.
 */
#ifndef DAEMON_SDNOTIFY_H
#define DAEMON_SDNOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sdnotify;

/* Opens $NOTIFY_SOCKET (NULL env: a no-op handle); NULL + errno on error. */
struct sdnotify	*sdnotify_open(const char *);
void		 sdnotify_free(struct sdnotify *);
/* Sends one datagram of "KEY=VALUE\n..." lines; 0 or -1 with errno. */
int		 sdnotify_send(struct sdnotify *, const char *);
int		 sdnotify_sendf(struct sdnotify *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* Sends STATUS=<text>; newlines in the text become spaces. */
int		 sdnotify_status(struct sdnotify *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* Sends RELOADING=1 with MONOTONIC_USEC= of now, as systemd 253+ wants. */
int		 sdnotify_reloading(struct sdnotify *);

/* Formats the STATUS= message into buf; for tests and sdnotify_status. */
void		 sdnotify_format_status(char *, size_t, const char *);
/* Formats "RELOADING=1\nMONOTONIC_USEC=<usec>". */
void		 sdnotify_format_reloading(char *, size_t, uint64_t);
/*
 * The watchdog interval in usec from WATCHDOG_USEC (0 if none, or if
 * WATCHDOG_PID names another process).  Arguments are the two values as
 * strings (NULL if unset) and our pid.
 */
uint64_t	 sdnotify_watchdog_usec(const char *, const char *, pid_t);

#endif
