/* SPDX-License-Identifier: ISC */
/*
 * transfer_job: a transfer's easy handle, its options and curl's
 * per-transfer callbacks; see transfer_job.h.
 *
 * The write callback enforces the body cap (a short count makes curl stop
 * with CURLE_WRITE_ERROR, so no more than max_bytes is ever held; with
 * truncate_body it keeps what fits and drops the rest instead); the
 * header callback keeps ETag, Last-Modified and Retry-After of the last
 * response only.  Nothing here logs: URLs may hold secrets.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "transfer/transfer.h"
#include "transfer/transfer_job.h"
#include "util/buf.h"
#include "util/xmalloc.h"

/* Captured response header values longer than this are ignored. */
#define TRANSFER_HEADER_MAX	1024

static long
transfer_job_ms_long(uint64_t ms)
{
	return (ms > LONG_MAX ? LONG_MAX : (long)ms);
}

struct transfer_job *
transfer_job_new(struct transfer *t, transfer_done_cb cb, void *arg)
{
	struct transfer_job	*job;

	job = xcalloc(1, sizeof(*job));
	job->t = t;
	job->cb = cb;
	job->arg = arg;
	job->max_bytes = TRANSFER_MAX_BYTES_DEFAULT;
	buf_init(&job->body, job->max_bytes);
	return (job);
}

/*
 * Error text for a transfer curl failed: what went wrong in our terms,
 * then curl's own words (which name hosts, never the URL's secrets).
 */
void
transfer_job_error(struct transfer_job *job, CURLcode rc)
{
	char		 what[256];
	const char	*eb = job->errbuf;
	size_t		 len;
	long		 status = 0;

	if (job->easy == NULL || curl_easy_getinfo(job->easy,
	    CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		status = 0;

	len = strlen(job->errbuf);
	while (len > 0 && (job->errbuf[len - 1] == '\n' ||
	    job->errbuf[len - 1] == ' '))
		job->errbuf[--len] = '\0';

	if (job->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(what, sizeof(what), "response larger than %zu bytes",
		    job->max_bytes);
	else if (rc == CURLE_OPERATION_TIMEDOUT) {
		if (strncmp(eb, "Operation too slow", 18) == 0)
			snprintf(what, sizeof(what),
			    "too slow: less than %ld bytes/s for %ld s",
			    job->low_speed_limit, job->low_speed_time);
		else if (strncmp(eb, "Connection timed out", 20) == 0 ||
		    strncmp(eb, "Resolving timed out", 19) == 0)
			snprintf(what, sizeof(what),
			    "connect timed out after %llu ms",
			    (unsigned long long)job->connect_ms);
		else
			snprintf(what, sizeof(what), "timed out after %llu ms",
			    (unsigned long long)job->total_ms);
	} else if (rc == CURLE_TOO_MANY_REDIRECTS)
		snprintf(what, sizeof(what), "too many redirects (%d)",
		    TRANSFER_MAX_REDIRS);
	else if (rc == CURLE_UNSUPPORTED_PROTOCOL)
		snprintf(what, sizeof(what), "%sprotocol not allowed",
		    status >= 300 && status < 400 ? "redirect to a " : "");
	else if (rc == CURLE_PARTIAL_FILE)
		snprintf(what, sizeof(what), "truncated response");
	else
		snprintf(what, sizeof(what), "%s", curl_easy_strerror(rc));

	/* curl's words add nothing to an exceeded cap. */
	if (*eb != '\0' && !job->too_big && rc != CURLE_FILESIZE_EXCEEDED)
		snprintf(job->error, sizeof(job->error), "%s: %s", what, eb);
	else
		snprintf(job->error, sizeof(job->error), "%s", what);
}

void
transfer_job_free(struct transfer_job *job)
{
	if (job->easy != NULL)
		curl_easy_cleanup(job->easy);
	curl_slist_free_all(job->headers);
	curl_slist_free_all(job->rcpt);
	free(job->upload);
	buf_deinit(&job->body);
	free(job->etag);
	free(job->last_modified);
	free(job->retry_after);
	free(job);
}

static size_t
transfer_job_write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct transfer_job	*job = arg;
	size_t			 n = size * nmemb, room;

	if (job->truncate_body && job->body.len + n > job->max_bytes) {
		room = job->max_bytes - job->body.len;
		if (room > 0 && buf_append(&job->body, ptr, room) == -1)
			return (0);
		job->truncated = 1;
		return (n);
	}
	/* Short count: curl stops with CURLE_WRITE_ERROR. */
	if (buf_append(&job->body, ptr, n) == -1) {
		job->too_big = 1;
		return (0);
	}
	return (n);
}

static void
transfer_job_header_set(char **slot, const char *v, size_t len)
{
	free(*slot);
	*slot = xstrndup(v, len);
}

/*
 * Captures ETag, Last-Modified and Retry-After of the last response: a
 * status line (the next response of a redirect chain) starts afresh.
 */
static size_t
transfer_job_header_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct transfer_job	*job = arg;
	size_t			 n = size * nmemb, namelen, vlen;
	const char		*colon, *v;

	if (n >= 5 && memcmp(ptr, "HTTP/", 5) == 0) {
		free(job->etag);
		free(job->last_modified);
		free(job->retry_after);
		job->etag = job->last_modified = job->retry_after = NULL;
		buf_reset(&job->body);
		return (n);
	}
	if ((colon = memchr(ptr, ':', n)) == NULL)
		return (n);
	namelen = (size_t)(colon - ptr);
	v = colon + 1;
	vlen = n - namelen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' ||
	    v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (vlen == 0 || vlen > TRANSFER_HEADER_MAX ||
	    memchr(v, '\r', vlen) != NULL || memchr(v, '\n', vlen) != NULL)
		return (n);
	if (namelen == 4 && strncasecmp(ptr, "etag", 4) == 0)
		transfer_job_header_set(&job->etag, v, vlen);
	else if (namelen == 13 && strncasecmp(ptr, "last-modified", 13) == 0)
		transfer_job_header_set(&job->last_modified, v, vlen);
	else if (namelen == 11 && strncasecmp(ptr, "retry-after", 11) == 0)
		transfer_job_header_set(&job->retry_after, v, vlen);
	return (n);
}

static size_t
transfer_job_read_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct transfer_job	*job = arg;
	size_t			 n = size * nmemb;

	if (n > job->upload_len - job->upload_off)
		n = job->upload_len - job->upload_off;
	if (n > 0)
		memcpy(ptr, job->upload + job->upload_off, n);
	job->upload_off += n;
	return (n);
}

/* A header we send: no line breaks, so nothing can be smuggled in. */
static int
transfer_job_header_ok(const char *s)
{
	return (strpbrk(s, "\r\n") == NULL);
}

static int
transfer_job_add_header(struct curl_slist **list, const char *name,
    const char *value)
{
	struct curl_slist	*l;
	char			*line;

	if (name != NULL)
		line = xasprintf("%s: %s", name, value);
	else
		line = xstrdup(value);
	l = curl_slist_append(*list, line);
	free(line);
	if (l == NULL)
		return (-1);
	*list = l;
	return (0);
}

/*
 * Builds the request's lists and copies; returns NULL, or why the request
 * cannot be made.
 */
const char *
transfer_job_prepare(struct transfer_job *job,
    const struct transfer_request *req)
{
	const char *const	*h;

	job->connect_ms = req->connect_timeout_ms != 0 ?
	    req->connect_timeout_ms : TRANSFER_CONNECT_TIMEOUT_DEFAULT;
	job->total_ms = req->total_timeout_ms != 0 ?
	    req->total_timeout_ms : TRANSFER_TOTAL_TIMEOUT_DEFAULT;
	job->low_speed_limit = req->low_speed_limit > 0 ?
	    req->low_speed_limit : 0;
	job->low_speed_time = req->low_speed_time > 0 ?
	    req->low_speed_time : 0;
	job->max_bytes = req->max_bytes != 0 ? req->max_bytes :
	    TRANSFER_MAX_BYTES_DEFAULT;
	job->truncate_body = req->truncate_body != 0;
	job->truncated = 0;
	buf_deinit(&job->body);
	buf_init(&job->body, job->max_bytes);

	if (req->url == NULL || *req->url == '\0')
		return ("no URL");
	job->smtp = req->mail_from != NULL || req->mail_rcpt != NULL;
	for (h = req->headers; h != NULL && *h != NULL; h++) {
		if (!transfer_job_header_ok(*h))
			return ("request header contains a line break");
		if (transfer_job_add_header(&job->headers, NULL, *h) == -1)
			return ("out of memory");
	}
	if (req->etag != NULL && *req->etag != '\0') {
		if (!transfer_job_header_ok(req->etag))
			return ("ETag contains a line break");
		if (transfer_job_add_header(&job->headers, "If-None-Match",
		    req->etag) == -1)
			return ("out of memory");
	}
	if (req->last_modified != NULL && *req->last_modified != '\0') {
		if (!transfer_job_header_ok(req->last_modified))
			return ("Last-Modified contains a line break");
		if (transfer_job_add_header(&job->headers, "If-Modified-Since",
		    req->last_modified) == -1)
			return ("out of memory");
	}
	/* No 100-continue round trip before a POST body. */
	if (!job->smtp && req->upload != NULL &&
	    transfer_job_add_header(&job->headers, NULL, "Expect:") == -1)
		return ("out of memory");
	for (h = req->mail_rcpt; h != NULL && *h != NULL; h++) {
		if (!transfer_job_header_ok(*h))
			return ("mail recipient contains a line break");
		if (transfer_job_add_header(&job->rcpt, NULL, *h) == -1)
			return ("out of memory");
	}
	if (job->smtp && job->rcpt == NULL)
		return ("no mail recipient");
	if (req->upload != NULL) {
		job->upload = xmalloc(req->upload_len + 1);
		memcpy(job->upload, req->upload, req->upload_len);
		job->upload[req->upload_len] = '\0';
		job->upload_len = req->upload_len;
	}
	return (NULL);
}

/*
 * Sets every option; returns CURLE_OK or the first failure, naming the
 * option in *what.
 */
CURLcode
transfer_job_setopt(struct transfer_job *job,
    const struct transfer_request *req, const char *user_agent,
    const char **what)
{
	CURL		*e;
	CURLcode	 rc;
	const char	*protos;
	long		 ssl, mask;

#define TRANSFER_SETOPT(opt, val) do {					\
	if ((rc = curl_easy_setopt(e, opt, val)) != CURLE_OK) {		\
		*what = #opt;						\
		return (rc);						\
	}								\
} while (0)

	if ((e = job->easy = curl_easy_init()) == NULL) {
		*what = "curl_easy_init";
		return (CURLE_OUT_OF_MEMORY);
	}
	if (job->smtp) {
		protos = "smtp,smtps";
		mask = CURLPROTO_SMTP | CURLPROTO_SMTPS;
	} else if (req->allow_file) {
		protos = "http,https,file";
		mask = CURLPROTO_HTTP | CURLPROTO_HTTPS | CURLPROTO_FILE;
	} else {
		protos = "http,https";
		mask = CURLPROTO_HTTP | CURLPROTO_HTTPS;
	}
	TRANSFER_SETOPT(CURLOPT_URL, req->url);
	TRANSFER_SETOPT(CURLOPT_PRIVATE, (void *)job);
	TRANSFER_SETOPT(CURLOPT_ERRORBUFFER, job->errbuf);
	TRANSFER_SETOPT(CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	(void)mask;
	TRANSFER_SETOPT(CURLOPT_PROTOCOLS_STR, protos);
#else
	(void)protos;
	TRANSFER_SETOPT(CURLOPT_PROTOCOLS, mask);
#endif
	TRANSFER_SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
	TRANSFER_SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
	if (req->ca_file != NULL && *req->ca_file != '\0')
		TRANSFER_SETOPT(CURLOPT_CAINFO, req->ca_file);
	TRANSFER_SETOPT(CURLOPT_CONNECTTIMEOUT_MS,
	    transfer_job_ms_long(job->connect_ms));
	TRANSFER_SETOPT(CURLOPT_TIMEOUT_MS, transfer_job_ms_long(job->total_ms));
	TRANSFER_SETOPT(CURLOPT_LOW_SPEED_LIMIT, job->low_speed_limit);
	TRANSFER_SETOPT(CURLOPT_LOW_SPEED_TIME, job->low_speed_time);
	TRANSFER_SETOPT(CURLOPT_TCP_KEEPALIVE, 1L);
	TRANSFER_SETOPT(CURLOPT_USERAGENT, user_agent);
	if (job->headers != NULL)
		TRANSFER_SETOPT(CURLOPT_HTTPHEADER, job->headers);
	TRANSFER_SETOPT(CURLOPT_WRITEFUNCTION, transfer_job_write_cb);
	TRANSFER_SETOPT(CURLOPT_WRITEDATA, (void *)job);
	TRANSFER_SETOPT(CURLOPT_HEADERFUNCTION, transfer_job_header_cb);
	TRANSFER_SETOPT(CURLOPT_HEADERDATA, (void *)job);
	/* A first line of defence: refuses a too long Content-Length. */
	if (!job->truncate_body && job->max_bytes <= (uint64_t)INT64_MAX)
		TRANSFER_SETOPT(CURLOPT_MAXFILESIZE_LARGE,
		    (curl_off_t)job->max_bytes);
	if (req->username != NULL)
		TRANSFER_SETOPT(CURLOPT_USERNAME, req->username);
	if (req->password != NULL)
		TRANSFER_SETOPT(CURLOPT_PASSWORD, req->password);

	if (job->smtp) {
		switch (req->use_ssl) {
		case TRANSFER_SSL_TRY:
			ssl = (long)CURLUSESSL_TRY;
			break;
		case TRANSFER_SSL_NONE:
			ssl = (long)CURLUSESSL_NONE;
			break;
		case TRANSFER_SSL_REQUIRED:
		default:
			ssl = (long)CURLUSESSL_ALL;
			break;
		}
		TRANSFER_SETOPT(CURLOPT_USE_SSL, ssl);
		if (req->mail_from != NULL)
			TRANSFER_SETOPT(CURLOPT_MAIL_FROM, req->mail_from);
		TRANSFER_SETOPT(CURLOPT_MAIL_RCPT, job->rcpt);
		TRANSFER_SETOPT(CURLOPT_UPLOAD, 1L);
		TRANSFER_SETOPT(CURLOPT_READFUNCTION, transfer_job_read_cb);
		TRANSFER_SETOPT(CURLOPT_READDATA, (void *)job);
		TRANSFER_SETOPT(CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)job->upload_len);
	} else {
		TRANSFER_SETOPT(CURLOPT_FOLLOWLOCATION,
		    req->no_redirects ? 0L : 1L);
		TRANSFER_SETOPT(CURLOPT_MAXREDIRS, (long)TRANSFER_MAX_REDIRS);
		/* Never file:// (nor anything else) through a redirect. */
#if LIBCURL_VERSION_NUM >= 0x075500
		TRANSFER_SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
		TRANSFER_SETOPT(CURLOPT_REDIR_PROTOCOLS,
		    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
		/* "": every encoding curl can decode; the cap counts
		 * decoded bytes, so a compression bomb stops there. */
		TRANSFER_SETOPT(CURLOPT_ACCEPT_ENCODING, "");
		if (job->upload != NULL) {
			TRANSFER_SETOPT(CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)job->upload_len);
			TRANSFER_SETOPT(CURLOPT_POSTFIELDS, job->upload);
		}
	}
#undef TRANSFER_SETOPT
	return (CURLE_OK);
}
