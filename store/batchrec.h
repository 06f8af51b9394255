/* SPDX-License-Identifier: ISC */
/*
 * batchrec: a batch as bytes — the one form the writer queues, spools and
 * sends.
 *
 * A record is one header line of JSON (format version, batch id, the feed
 * run's facts, the number of rows), a newline, then the observations in
 * PostgreSQL's COPY text format (series_key, period, value, unit, seq), so
 * the body goes to "COPY obs_stage FROM STDIN" as it is, from memory or
 * from the disk spool alike.  Encoding happens once, when a batch is
 * accepted.
 *
 * When some observation of the batch has a known_at, the header says
 * "known_at": true and every row has a sixth column, known_at, \N where
 * the observation has none.  Without the key the body has the five
 * columns above: records written before the column existed (old spools)
 * decode and store as they always did, so the version stays 1.
 */
#ifndef STORE_BATCHREC_H
#define STORE_BATCHREC_H

#include <stddef.h>
#include <stdint.h>

#include "collectors/observation.h"
#include "util/buf.h"

#define BATCHREC_VERSION	1

/* What the header says; strings point into the decoded header's memory. */
struct batchrec_meta {
	char		 id[40];	/* 32 hex digits */
	char		*feed;
	char		*url;		/* NULL if none */
	int		 http_status;	/* 0 if none */
	int64_t		 bytes;		/* -1 if unknown */
	int64_t		 started;	/* unix usec, 0 if unknown */
	int64_t		 finished;	/* unix usec, 0 if unknown */
	char		*error;		/* NULL if none */
	char		*series;	/* JSON array text, NULL if none */
	char		*events;	/* JSON array text, NULL if none */
	size_t		 nevents;
	char		*etag;
	char		*last_modified;
	size_t		 rows;
	int		 known_at;	/* the body has a known_at column */
	size_t		 body_off;	/* where the COPY body starts */
};

/*
 * Encodes b under a fresh random id.  Returns a malloc'd record (NUL
 * after its len bytes, in a buffer that may be larger) and its length in
 * *len; the caller frees it.  If m is not NULL it is filled as
 * batchrec_decode would fill it (free with batchrec_meta_free).
 */
char	*batchrec_encode(const struct batch *, size_t *,
	    struct batchrec_meta *);
/*
 * Decodes the header of rec into m, whose strings are malloc'd (free them
 * with batchrec_meta_free).  Returns 0, or -1 with a message in err.
 */
int	 batchrec_decode(const char *, size_t, struct batchrec_meta *, char *,
	    size_t);
/* The same, always through cJSON (batchrec_decode reads the headers it
 * wrote itself without): for tests. */
int	 batchrec_decode_cjson(const char *, size_t, struct batchrec_meta *,
	    char *, size_t);
void	 batchrec_meta_free(struct batchrec_meta *);
/* Appends s to out escaped for COPY text format. */
void	 batchrec_copy_escape(struct buf *, const char *);

#endif
