/* SPDX-License-Identifier: ISC */
/*
 * testproc: fake NOTIFY_SOCKET and child processes for tests; see
 * testproc.h.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testproc.h"
#include "util/xmalloc.h"

struct testnotify {
	int	 fd;
	char	*dir;
	char	 path[108];
	char	*log;
};

struct testnotify *
testnotify_open(int abstract)
{
	struct testnotify	*tn;
	struct sockaddr_un	 sun;
	socklen_t		 len;
	static unsigned		 seq;

	tn = xcalloc(1, sizeof(*tn));
	tn->log = xstrdup("");
	tn->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (tn->fd == -1)
		fail_msg("socket: %s", strerror(errno));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (abstract) {
		snprintf(tn->path, sizeof(tn->path), "@potashd-test-%d-%u",
		    (int)getpid(), seq++);
		memcpy(sun.sun_path, tn->path, strlen(tn->path));
		sun.sun_path[0] = '\0';
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    strlen(tn->path));
	} else {
		tn->dir = testproc_tmpdir();
		snprintf(tn->path, sizeof(tn->path), "%s/notify", tn->dir);
		memcpy(sun.sun_path, tn->path, strlen(tn->path) + 1);
		len = sizeof(sun);
	}
	if (bind(tn->fd, (struct sockaddr *)&sun, len) == -1)
		fail_msg("bind %s: %s", tn->path, strerror(errno));
	return (tn);
}

void
testnotify_free(struct testnotify *tn)
{
	if (tn == NULL)
		return;
	close(tn->fd);
	if (tn->dir != NULL) {
		unlink(tn->path);
		rmdir(tn->dir);
		free(tn->dir);
	}
	free(tn->log);
	free(tn);
}

const char *
testnotify_path(const struct testnotify *tn)
{
	return (tn->path);
}

const char *
testnotify_log(const struct testnotify *tn)
{
	return (tn->log);
}

void
testnotify_clear(struct testnotify *tn)
{
	free(tn->log);
	tn->log = xstrdup("");
}

static int64_t
testproc_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* True if msg has want as one of its newline-separated lines. */
static int
testnotify_has_line(const char *msg, const char *want)
{
	size_t		 wl = strlen(want);
	const char	*p = msg;

	while (*p != '\0') {
		size_t	ll = strcspn(p, "\n");

		if (ll == wl && strncmp(p, want, wl) == 0)
			return (1);
		p += ll;
		if (*p == '\n')
			p++;
	}
	return (0);
}

int
testnotify_wait(struct testnotify *tn, const char *want, int ms)
{
	struct pollfd	 pfd;
	char		 buf[4096], *log;
	int64_t		 deadline = testproc_now_ms() + ms, left;
	ssize_t		 n;

	for (;;) {
		left = deadline - testproc_now_ms();
		if (left <= 0)
			return (0);
		pfd.fd = tn->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = recv(tn->fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		log = xasprintf("%s%s\n", tn->log, buf);
		free(tn->log);
		tn->log = log;
		/* Watchdog pings are noise for order checks. */
		if (testnotify_has_line(buf, want))
			return (1);
	}
}

pid_t
testproc_spawn(const char *const argv[], const char *const env[],
    const char *logpath)
{
	pid_t	 pid;
	int	 fd, i;
	char	*k;

	if ((pid = fork()) == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		for (i = 0; env != NULL && env[i] != NULL; i++) {
			k = xstrdup(env[i]);
			k[strcspn(k, "=")] = '\0';
			setenv(k, env[i] + strlen(k) + 1, 1);
			free(k);
		}
		if (logpath != NULL) {
			fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
			if (fd != -1) {
				dup2(fd, STDOUT_FILENO);
				dup2(fd, STDERR_FILENO);
				close(fd);
			}
		}
		/* execv's prototype predates const; it does not write. */
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	return (pid);
}

int
testproc_wait(pid_t pid, int ms)
{
	int64_t	deadline = testproc_now_ms() + ms;
	int	status;
	pid_t	r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (testproc_now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return (-1);
		}
		usleep(10000);
	}
	if (WIFEXITED(status))
		return (WEXITSTATUS(status));
	return (128 + WTERMSIG(status));
}

char *
testproc_tmpdir(void)
{
	char	tmpl[] = "/tmp/potashd-test.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		fail_msg("mkdtemp: %s", strerror(errno));
	return (xstrdup(tmpl));
}

void
testproc_write(const char *path, const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

char *
testproc_read(const char *path)
{
	FILE	*f;
	char	*buf;
	long	 len;

	if ((f = fopen(path, "r")) == NULL)
		return (NULL);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)len + 1);
	len = (long)fread(buf, 1, (size_t)len, f);
	buf[len] = '\0';
	fclose(f);
	return (buf);
}
