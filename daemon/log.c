/* SPDX-License-Identifier: ISC */
/*
 * log: leveled lines on stderr, with journald priority prefixes under
 * systemd.  Owns the process-wide log level and style; see log.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"

static void	log_logf(int, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int		 log_level = LOG_INFO;
static enum log_style	 log_style = LOG_STYLE_STAMPED;
static FILE		*log_out;

static const struct {
	const char	*name;
	int		 level;
} log_levels[] = {
	{ "debug",	LOG_DEBUG },
	{ "info",	LOG_INFO },
	{ "notice",	LOG_NOTICE },
	{ "warning",	LOG_WARNING },
	{ "error",	LOG_ERR },
	{ "critical",	LOG_CRIT },
};

int
log_journal_stream_matches(const char *env, int fd)
{
	struct stat		 st;
	unsigned long long	 dev, ino;
	char			 tail;

	/* systemd sets JOURNAL_STREAM to "DEV:INODE" of the stream it
	 * connected; only trust it if that is still our stderr (a child
	 * whose stderr was redirected inherits the variable). */
	if (env == NULL || sscanf(env, "%llu:%llu%c", &dev, &ino, &tail) != 2)
		return (0);
	if (fstat(fd, &st) == -1)
		return (0);
	return ((unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino);
}

void
log_init(int foreground, int level)
{
	log_level = level;
	if (foreground)
		log_style = LOG_STYLE_PLAIN;
	else if (log_journal_stream_matches(getenv("JOURNAL_STREAM"),
	    STDERR_FILENO))
		log_style = LOG_STYLE_JOURNAL;
	else
		log_style = LOG_STYLE_STAMPED;
}

void
log_set_level(int level)
{
	log_level = level;
}

int
log_get_level(void)
{
	return (log_level);
}

void
log_set_style(enum log_style style)
{
	log_style = style;
}

enum log_style
log_get_style(void)
{
	return (log_style);
}

void
log_set_output(FILE *f)
{
	log_out = f;
}

int
log_level_from_name(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++) {
		if (strcmp(name, log_levels[i].name) == 0)
			return (log_levels[i].level);
	}
	return (-1);
}

const char *
log_level_name(int level)
{
	size_t	i;

	for (i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++) {
		if (log_levels[i].level == level)
			return (log_levels[i].name);
	}
	return ("unknown");
}

void
log_format(char *buf, size_t len, enum log_style style, int prio,
    const char *fmt, va_list ap)
{
	struct timespec	 ts;
	struct tm	 tm;
	size_t		 off = 0;
	int		 n;

	if (len == 0)
		return;
	buf[0] = '\0';
	switch (style) {
	case LOG_STYLE_JOURNAL:
		n = snprintf(buf, len, "<%d>", prio);
		break;
	case LOG_STYLE_STAMPED:
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		n = snprintf(buf, len,
		    "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s: ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
		    log_level_name(prio));
		break;
	case LOG_STYLE_PLAIN:
	default:
		n = 0;
		break;
	}
	if (n < 0)
		n = 0;
	off = (size_t)n < len ? (size_t)n : len - 1;
	vsnprintf(buf + off, len - off, fmt, ap);
	/* One event, one line: journald would split embedded newlines
	 * into separate entries without the priority prefix. */
	for (char *p = buf; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
}

static void __attribute__((format(printf, 2, 0)))
log_vlog(int prio, const char *fmt, va_list ap)
{
	char	 line[4096];
	FILE	*out = log_out != NULL ? log_out : stderr;

	if (prio > log_level)
		return;
	log_format(line, sizeof(line), log_style, prio, fmt, ap);
	fprintf(out, "%s\n", line);
	fflush(out);
}

static void __attribute__((format(printf, 2, 0)))
log_verr(int prio, const char *fmt, va_list ap)
{
	char	 msg[3072];
	int	 saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_logf(prio, "%s: %s", msg, strerror(saved));
	errno = saved;
}

static void
log_logf(int prio, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog(prio, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_verr(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_notice(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog(LOG_NOTICE, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_verr(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}
