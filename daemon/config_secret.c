/* SPDX-License-Identifier: ISC */
/*
 * config_secret: secret files and systemd credentials; see
 * config_secret.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config_secret.h"
#include "util/xmalloc.h"

char *
config_read_secret(const char *path, char *err, size_t errlen)
{
	char	 buf[4096];
	ssize_t	 n;
	size_t	 len;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    strerror(errno));
		return (NULL);
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		return (NULL);
	}
	buf[n] = '\0';
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	return (xstrdup(buf));
}

char *
config_credential(const char *fmt, ...)
{
	const char	*creds = getenv("CREDENTIALS_DIRECTORY");
	char		*name, *path;
	va_list		 ap;

	if (creds == NULL || *creds == '\0')
		return (NULL);
	va_start(ap, fmt);
	if (vasprintf(&name, fmt, ap) == -1)
		abort();
	va_end(ap);
	path = xasprintf("%s/%s", creds, name);
	free(name);
	if (access(path, F_OK) != 0) {
		free(path);
		return (NULL);
	}
	return (path);
}
