/* SPDX-License-Identifier: ISC */
/*
 * sdnotify: systemd's notify protocol on a datagram socket; see sdnotify.h.
 * Owns the notify socket.  Messages are sent with MSG_NOSIGNAL and never
 * block: a full socket buffer drops a status update rather than stalling
 * the loop.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/sdnotify.h"
#include "util/xmalloc.h"

struct sdnotify {
	int			fd;
	struct sockaddr_un	sun;
	socklen_t		sunlen;
};

struct sdnotify *
sdnotify_open(const char *path)
{
	struct sdnotify	*sn;
	size_t		 len;

	sn = xcalloc(1, sizeof(*sn));
	sn->fd = -1;
	if (path == NULL || *path == '\0')
		return (sn);

	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') ||
	    len >= sizeof(sn->sun.sun_path)) {
		free(sn);
		errno = EINVAL;
		return (NULL);
	}
	sn->sun.sun_family = AF_UNIX;
	memcpy(sn->sun.sun_path, path, len);
	/* '@' names a socket in the abstract namespace: a leading NUL, and
	 * the address length must not count a terminator. */
	if (path[0] == '@')
		sn->sun.sun_path[0] = '\0';
	sn->sunlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);

	sn->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sn->fd == -1) {
		free(sn);
		return (NULL);
	}
	return (sn);
}

void
sdnotify_free(struct sdnotify *sn)
{
	if (sn == NULL)
		return;
	if (sn->fd != -1)
		close(sn->fd);
	free(sn);
}

int
sdnotify_send(struct sdnotify *sn, const char *msg)
{
	ssize_t	n;

	if (sn == NULL || sn->fd == -1)
		return (0);
	n = sendto(sn->fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sn->sun, sn->sunlen);
	if (n == -1)
		return (-1);
	return (0);
}

int
sdnotify_sendf(struct sdnotify *sn, const char *fmt, ...)
{
	char	msg[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return (sdnotify_send(sn, msg));
}

void
sdnotify_format_status(char *buf, size_t len, const char *text)
{
	char	*p;

	snprintf(buf, len, "STATUS=%s", text);
	/* A newline would start a new KEY=VALUE assignment. */
	for (p = buf; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
}

int
sdnotify_status(struct sdnotify *sn, const char *fmt, ...)
{
	char	text[900], msg[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sdnotify_format_status(msg, sizeof(msg), text);
	return (sdnotify_send(sn, msg));
}

void
sdnotify_format_reloading(char *buf, size_t len, uint64_t usec)
{
	snprintf(buf, len, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64, usec);
}

int
sdnotify_reloading(struct sdnotify *sn)
{
	struct timespec	ts;
	char		msg[128];
	uint64_t	usec;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	usec = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	sdnotify_format_reloading(msg, sizeof(msg), usec);
	return (sdnotify_send(sn, msg));
}

uint64_t
sdnotify_watchdog_usec(const char *usec_env, const char *pid_env, pid_t self)
{
	unsigned long long	 v;
	char			*end;

	if (usec_env == NULL || *usec_env == '\0')
		return (0);
	if (pid_env != NULL && *pid_env != '\0') {
		errno = 0;
		v = strtoull(pid_env, &end, 10);
		if (errno != 0 || *end != '\0' || v != (unsigned long long)self)
			return (0);
	}
	errno = 0;
	v = strtoull(usec_env, &end, 10);
	if (errno != 0 || *end != '\0' || usec_env[0] == '-')
		return (0);
	return ((uint64_t)v);
}
