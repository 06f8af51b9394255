/* SPDX-License-Identifier: ISC */
/*
 * log: the daemon's one way to say things.
 *
 * Lines go to stderr.  Under systemd (JOURNAL_STREAM names our stderr) each
 * line starts with a "<N>" syslog priority that journald turns into the
 * entry's priority; in the foreground (-d) lines are plain and carry no
 * prefix.  Otherwise a line starts with an ISO 8601 UTC timestamp.
 * log_warn appends strerror(errno) and keeps errno; fatal/fatalx log at
 * LOG_CRIT and exit(1): for start-up errors and broken invariants only.
 */
#ifndef DAEMON_LOG_H
#define DAEMON_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <syslog.h>

enum log_style {
	LOG_STYLE_PLAIN,	/* -d: the terminal, no prefix */
	LOG_STYLE_JOURNAL,	/* "<N>" priority prefix for journald */
	LOG_STYLE_STAMPED,	/* timestamp prefix, e.g. a redirected file */
};

/* Chooses the style: foreground forces plain; else journald if detected. */
void		 log_init(int foreground, int level);
void		 log_set_level(int);
int		 log_get_level(void);
void		 log_set_style(enum log_style);
enum log_style	 log_get_style(void);
/* Redirects output (tests); NULL means stderr. */
void		 log_set_output(FILE *);
/* Maps "debug", "info", "notice", "warning", "error" to LOG_*; -1 if none. */
int		 log_level_from_name(const char *);
const char	*log_level_name(int);
/* True if JOURNAL_STREAM names the device and inode of fd. */
int		 log_journal_stream_matches(const char *, int);

/* Formats one line (without newline) as it would be written; for tests. */
void		 log_format(char *, size_t, enum log_style, int, const char *,
		    va_list) __attribute__((format(printf, 5, 0)));

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_notice(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
