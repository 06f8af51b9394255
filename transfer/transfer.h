/* SPDX-License-Identifier: ISC */
/*
 * transfer: every HTTP(S), file:// and SMTP(S) transfer of the daemon, run
 * by one libcurl multi handle on the caller's event loop.
 *
 * An engine (transfer_new) owns one CURLM, the libevent events for curl's
 * sockets and timer, and every transfer in flight.  transfer_start copies
 * what it needs from the request and returns an id; the engine then calls
 * the completion callback exactly once per transfer, whatever happens:
 * a response (TRANSFER_OK, any HTTP status), a failure (TRANSFER_ERROR:
 * network, timeout, too big, refused protocol ...), or a cancel
 * (TRANSFER_CANCELLED, from transfer_cancel or transfer_free).  Callbacks
 * run from the event loop, never from inside transfer_start; the only
 * synchronous ones are those of transfer_cancel and transfer_free, which
 * run before these return.  A callback may start, cancel, or free the
 * engine (transfer_free from a callback is deferred until it returns).
 *
 * The response body is capped (max_bytes, 32 MiB by default): a larger one
 * fails the transfer and never holds more than the cap in memory, unless
 * the request asks for the head only (truncate_body: the rest is read and
 * discarded, and the response is a success marked truncated).  TLS
 * peers and host names are always verified.  URLs may carry secrets
 * (API keys in the query): the engine never logs them, and
 * transfer_redact_url makes them fit for logs and feed_runs rows.
 *
 * Two things curl does synchronously, on the loop: reading a file:// URL
 * (configured local files only; a FIFO would block), and, for SMTP, waiting
 * for the server's reply to the end of the message (curl 7.88 smtp_done),
 * which can hold the loop for up to total_timeout_ms: give SMTP transfers
 * a short one, or relay through a local MTA.
 */
#ifndef TRANSFER_TRANSFER_H
#define TRANSFER_TRANSFER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct event_base;
struct transfer;

/* The response body cap when a request leaves max_bytes at 0. */
#define TRANSFER_MAX_BYTES_DEFAULT	(32u * 1024 * 1024)
/* Defaults for a request that leaves its timeouts at 0. */
#define TRANSFER_CONNECT_TIMEOUT_DEFAULT	10000	/* ms */
#define TRANSFER_TOTAL_TIMEOUT_DEFAULT		120000	/* ms */
/* Redirects followed at most; one more fails the transfer. */
#define TRANSFER_MAX_REDIRS	5

struct transfer_params {
	const char	*user_agent;		/* NULL: "potashd/<version>" */
	long		 max_host_connections;	/* 0: 4 per host */
	long		 max_total_connections;	/* 0: no limit */
};

enum transfer_ssl {
	TRANSFER_SSL_REQUIRED = 0,	/* SMTP: STARTTLS or fail (default) */
	TRANSFER_SSL_TRY,		/* SMTP: STARTTLS if offered */
	TRANSFER_SSL_NONE,		/* SMTP: plain text (loopback only) */
};

/*
 * What to fetch or send.  Every pointer is borrowed for the duration of
 * transfer_start only: the engine copies what it keeps.  Zero fields take
 * the defaults above.  Setting mail_from or mail_rcpt makes it an SMTP
 * transfer (smtp:// or smtps:// URL, upload is the RFC 5322 message);
 * otherwise it is an HTTP(S) GET, or a POST of upload when upload is set.
 */
struct transfer_request {
	const char		*url;		/* may hold secrets: never logged */
	const char *const	*headers;	/* "Name: value", NULL-terminated */
	uint64_t		 connect_timeout_ms;
	uint64_t		 total_timeout_ms;
	long			 low_speed_limit; /* bytes/s, 0: no check */
	long			 low_speed_time;  /* s below the limit to fail */
	size_t			 max_bytes;	/* body cap, 0: 32 MiB */
	int			 truncate_body;	/* past the cap: keep the first
						 * max_bytes, read and drop the
						 * rest, not an error */
	int			 allow_file;	/* permit file:// (never on redirects) */
	int			 no_redirects;	/* a 3xx is the response */
	const char		*etag;		/* If-None-Match, or NULL */
	const char		*last_modified;	/* If-Modified-Since, or NULL */

	const void		*upload;	/* POST body / SMTP message */
	size_t			 upload_len;
	const char		*mail_from;	/* SMTP envelope sender */
	const char *const	*mail_rcpt;	/* SMTP recipients, NULL-terminated */
	const char		*username;	/* SMTP AUTH */
	const char		*password;
	enum transfer_ssl	 use_ssl;
	const char		*ca_file;	/* PEM CAs to verify the peer
						 * against instead of the
						 * system's; NULL or "": system */
};

enum transfer_outcome {
	TRANSFER_OK = 0,	/* a response arrived, whatever its status */
	TRANSFER_ERROR,		/* no (complete) response; see error */
	TRANSFER_CANCELLED,	/* transfer_cancel or transfer_free */
};

/*
 * Handed to the completion callback; every pointer is owned by the engine
 * and valid during the callback only.
 */
struct transfer_result {
	enum transfer_outcome	 outcome;
	long		 status;	/* HTTP/SMTP code, 0 if none; file:// 200 */
	const char	*body;		/* NUL-terminated; "" unless TRANSFER_OK */
	size_t		 len;
	int		 truncated;	/* truncate_body cut the body */
	const char	*etag;		/* of the final response, or NULL */
	const char	*last_modified;	/* of the final response, or NULL */
	int64_t		 retry_after_sec; /* Retry-After from now, -1 if none */
	const char	*error;		/* NULL if TRANSFER_OK, else what failed */
	int		 curl_code;	/* CURLcode, 0 unless curl failed */
	double		 total_time;	/* seconds */
	const char	*effective_url;	/* may hold secrets; NULL if unknown */
};

typedef void	(*transfer_done_cb)(const struct transfer_result *, void *);

/*
 * Creates an engine on base (borrowed: it must outlive the engine).
 * params may be NULL.  Returns NULL if curl or libevent cannot be set up.
 */
struct transfer	*transfer_new(struct event_base *,
		    const struct transfer_params *);

/*
 * Cancels every transfer in flight (each callback runs once, with
 * TRANSFER_CANCELLED, before this returns) and frees the engine.
 * NULL is a no-op.  From inside a callback the engine is freed as soon as
 * that callback returns; it must not be used after this call either way.
 */
void		 transfer_free(struct transfer *);

/*
 * Starts a transfer; cb(result, arg) runs exactly once, later, from the
 * event loop.  Returns the transfer's id (never 0), or 0 if it could not
 * start: the callback then still runs once from the loop with
 * TRANSFER_ERROR and the reason.
 */
uint64_t	 transfer_start(struct transfer *,
		    const struct transfer_request *, transfer_done_cb, void *);

/*
 * Cancels transfer id: its callback runs with TRANSFER_CANCELLED before
 * this returns.  Unknown or finished ids (and 0) are ignored.
 */
void		 transfer_cancel(struct transfer *, uint64_t);

/* Transfers whose callback has not run yet. */
size_t		 transfer_active(const struct transfer *);

/*
 * Copies url to out (outlen bytes) with secrets replaced by "REDACTED":
 * the password of the userinfo, and the values of query (and fragment)
 * parameters whose names look secret: api_key, apikey, key, token,
 * access_token, subscription-key, password, secret, sig, signature, and
 * names ending in _key, -key, token, secret, password or signature
 * (case-insensitive, after percent-decoding).  Returns 0, or -1 if out was
 * too small: out then holds a truncated, still redacted, prefix.
 */
int		 transfer_redact_url(const char *, char *, size_t);

/*
 * Parses a Retry-After value: delta-seconds or an HTTP-date (IMF-fixdate,
 * or the obsolete RFC 850 and asctime forms), relative to now.  Stores the
 * seconds to wait (0 for a date in the past) and returns 0, or -1 if the
 * value is malformed.
 */
int		 transfer_parse_retry_after(const char *, time_t, int64_t *);

#endif
