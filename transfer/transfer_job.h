/* SPDX-License-Identifier: ISC */
/*
 * transfer_job: one transfer of the engine, private to transfer/.
 *
 * A job owns its curl easy handle, the request lists and copies curl
 * reads from (headers, recipients, upload), and what the response leaves
 * behind (body, captured headers, error text).  transfer.c moves jobs
 * between its lists and calls back; transfer_job.c builds the easy handle
 * and holds curl's per-transfer callbacks, none of which calls back into
 * the engine or the user.
 */
#ifndef TRANSFER_TRANSFER_JOB_H
#define TRANSFER_TRANSFER_JOB_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "transfer/transfer.h"
#include "util/buf.h"

enum transfer_where {
	TRANSFER_ACTIVE,
	TRANSFER_DEFERRED,
};

struct transfer_job {
	TAILQ_ENTRY(transfer_job) entry;
	struct transfer		*t;
	enum transfer_where	 where;
	uint64_t		 id;
	CURL			*easy;
	int			 in_multi;
	transfer_done_cb	 cb;
	void			*arg;

	struct curl_slist	*headers;
	struct curl_slist	*rcpt;
	char			*upload;
	size_t			 upload_len;
	size_t			 upload_off;
	int			 smtp;

	uint64_t		 connect_ms;
	uint64_t		 total_ms;
	long			 low_speed_limit;
	long			 low_speed_time;
	size_t			 max_bytes;
	int			 truncate_body;

	struct buf		 body;
	int			 too_big;
	int			 truncated;	/* truncate_body dropped bytes */
	char			*etag;
	char			*last_modified;
	char			*retry_after;

	/* A deferred job's outcome and reason. */
	enum transfer_outcome	 outcome;
	int			 curl_code;
	char			 reason[256];

	char			 errbuf[CURL_ERROR_SIZE];
	char			 error[CURL_ERROR_SIZE + 320];
};
TAILQ_HEAD(transfer_jobs, transfer_job);

/* A zeroed job with an empty body (cap: the default); never NULL. */
struct transfer_job	*transfer_job_new(struct transfer *, transfer_done_cb,
			    void *);
void			 transfer_job_free(struct transfer_job *);
/*
 * Copies the limits, headers, recipients and upload of req into job.
 * Returns NULL, or why the request cannot be made (a static string).
 */
const char		*transfer_job_prepare(struct transfer_job *,
			    const struct transfer_request *);
/*
 * Creates the easy handle and sets every option.  Returns CURLE_OK, or
 * the first failure with the option's name in *what.  user_agent is
 * copied by curl.
 */
CURLcode		 transfer_job_setopt(struct transfer_job *,
			    const struct transfer_request *, const char *,
			    const char **);
/* Fills job->error for a transfer that curl finished with rc. */
void			 transfer_job_error(struct transfer_job *, CURLcode);

#endif
