/* SPDX-License-Identifier: ISC */
/*
 * pollserve: the server bench/poll polls, in a forked child.
 *
 * The parent's struct pollserve owns the body (the child serves its
 * copy-on-write twin by reference, so serving costs as little as it can),
 * its end of a socketpair and the child's pid.  The child sends its port
 * over the socketpair (0: it failed), serves until EOF on it, and exits
 * without freeing.  Closing the parent's end is the only way to stop it.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "bench/pollserve.h"
#include "util/buf.h"
#include "util/xmalloc.h"

struct pollserve {
	pid_t			 pid;
	int			 ctl;	/* our end: EOF stops it */
	unsigned		 port;
	char			*body;
	size_t			 body_len;
	size_t			 note_at;	/* the note's text, in body */
	struct event_base	*base;	/* the child's */
};

/*
 * The body every URL gets: POLLSERVE_ROWS monthly rows of
 * POLLSERVE_SERIES prices and a few fields nothing maps, as market APIs
 * send, padded to exactly POLLSERVE_BODY_LEN bytes by a note.
 */
char *
pollserve_body(size_t *lenp)
{
	struct buf	b, rows;
	size_t		r, i, pad;
	int		c;

	buf_init(&rows, 0);
	for (r = 0; r < POLLSERVE_ROWS; r++) {
		buf_printf(&rows, "%s{\"date\":\"2025-%02zu-01\",\"currency\":"
		    "\"USD\",\"unit\":\"t\",\"basis\":\"assessment midpoint\"",
		    r > 0 ? "," : "", 9 + r);
		for (i = 0; i < POLLSERVE_SERIES; i++) {
			c = 30000 + (int)i * 725 + (int)r * 150;
			buf_printf(&rows, ",\"potash_price_assessment_%02zu\":"
			    "%d.%02d", i, c / 100, c % 100);
		}
		buf_printf(&rows, "}");
	}
	buf_init(&b, 0);
	buf_printf(&b, "{\"meta\":{\"source\":\"potashd bench\",\"note\":\"");
	pad = POLLSERVE_BODY_LEN - b.len - rows.len -
	    strlen("\"},\"data\":[]}");
	for (i = 0; i < pad && b.len + rows.len < POLLSERVE_BODY_LEN; i++)
		buf_append(&b, i % 8 == 7 ? " " : "x", 1);
	buf_printf(&b, "\"},\"data\":[%s]}", buf_cstr(&rows));
	buf_deinit(&rows);
	return (buf_steal(&b, lenp));
}

static void
pollserve_request_cb(struct evhttp_request *req, void *arg)
{
	struct pollserve	*ps = arg;
	struct evbuffer		*out = evhttp_request_get_output_buffer(req);
	const char		*uri = evhttp_request_get_uri(req);
	size_t			 n, at = ps->note_at;

	if (strncmp(uri, "/feed/", 6) != 0 && strncmp(uri, "/vary/", 6) != 0) {
		evhttp_send_error(req, HTTP_NOTFOUND, NULL);
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	if (uri[1] == 'f') {
		/* By reference: the server should cost as little as it
		 * can. */
		evbuffer_add_reference(out, ps->body, ps->body_len, NULL,
		    NULL);
	} else {
		/* The body with what follows /vary/ at the start of the
		 * note: another body for every URL, the same values. */
		n = strspn(uri + 6, "0123456789");
		if (n > 20)
			n = 20;
		evbuffer_add(out, ps->body, at);
		evbuffer_add(out, uri + 6, n);
		evbuffer_add(out, ps->body + at + n, ps->body_len - at - n);
	}
	evhttp_send_reply(req, HTTP_OK, "OK", NULL);
}

/* EOF on the socketpair: the parent is done or gone. */
static void
pollserve_ctl_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pollserve	*ps = arg;
	char			 c;

	if (read(fd, &c, 1) != -1 || errno != EINTR)
		event_base_loopbreak(ps->base);
}

/* The child: serves on sp until EOF there; never returns. */
static void __attribute__((noreturn))
pollserve_child(struct pollserve *ps, int sp)
{
	struct evhttp			*http;
	struct evhttp_bound_socket	*bound;
	struct event			*ev;
	struct sockaddr_in		 sin;
	socklen_t			 slen = sizeof(sin);
	uint16_t			 port = 0;

	if ((ps->base = event_base_new()) != NULL &&
	    (http = evhttp_new(ps->base)) != NULL &&
	    (bound = evhttp_bind_socket_with_handle(http, "127.0.0.1",
	    0)) != NULL && getsockname(evhttp_bound_socket_get_fd(bound),
	    (struct sockaddr *)&sin, &slen) == 0 &&
	    (ev = event_new(ps->base, sp, EV_READ | EV_PERSIST,
	    pollserve_ctl_cb, ps)) != NULL &&
	    event_add(ev, NULL) == 0) {
		evhttp_set_gencb(http, pollserve_request_cb, ps);
		port = ntohs(sin.sin_port);
	}
	/* Two bytes on a socketpair: one write, one read. */
	if (write(sp, &port, sizeof(port)) == sizeof(port) && port != 0)
		event_base_dispatch(ps->base);
	_exit(port == 0);
}

struct pollserve *
pollserve_new(void)
{
	struct pollserve	*ps;
	uint16_t		 port = 0;
	int			 sp[2];

	ps = xcalloc(1, sizeof(*ps));
	ps->ctl = -1;
	ps->body = pollserve_body(&ps->body_len);
	ps->note_at = (size_t)(strstr(ps->body, "\"note\":\"") - ps->body) + 8;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1) {
		fprintf(stderr, "%s: server: %s\n",
		    program_invocation_short_name, strerror(errno));
		pollserve_free(ps);
		return (NULL);
	}
	if ((ps->pid = fork()) == -1) {
		fprintf(stderr, "%s: server: %s\n",
		    program_invocation_short_name, strerror(errno));
		close(sp[0]);
		close(sp[1]);
		pollserve_free(ps);
		return (NULL);
	}
	if (ps->pid == 0) {
		close(sp[0]);
		pollserve_child(ps, sp[1]);
	}
	close(sp[1]);
	ps->ctl = sp[0];
	if (read(ps->ctl, &port, sizeof(port)) != sizeof(port) ||
	    port == 0) {
		fprintf(stderr, "%s: the server did not start\n",
		    program_invocation_short_name);
		pollserve_free(ps);
		return (NULL);
	}
	ps->port = port;
	return (ps);
}

void
pollserve_free(struct pollserve *ps)
{
	if (ps == NULL)
		return;
	if (ps->ctl != -1)
		close(ps->ctl);
	if (ps->pid > 0)
		waitpid(ps->pid, NULL, 0);
	free(ps->body);
	free(ps);
}

pid_t
pollserve_pid(const struct pollserve *ps)
{
	return (ps->pid);
}

unsigned
pollserve_port(const struct pollserve *ps)
{
	return (ps->port);
}

size_t
pollserve_body_len(const struct pollserve *ps)
{
	return (ps->body_len);
}
