/* SPDX-License-Identifier: ISC */
/*
 * observation: the plain data a collector produces and the writer stores.
 *
 * An observation is one value of one series for one period, carried as
 * the source's own decimal text so nothing is rounded on the way into
 * PostgreSQL's numeric.  A batch is what one feed run produced, with what
 * is known about the run (URL with secrets removed, HTTP status, bytes,
 * times, error).  A batch owns every string in it: those of its
 * observations and series descriptions sit in its arena (one allocation
 * for many, all freed by batch_free), the others are malloc'd.
 *
 * known_at is when the value became known, for imports of past vintages;
 * collectors leave it NULL, which means "now" (the storing transaction's
 * time).
 */
#ifndef COLLECTORS_OBSERVATION_H
#define COLLECTORS_OBSERVATION_H

#include <stddef.h>
#include <stdint.h>

#include "collectors/event.h"
#include "util/arena.h"

struct observation {
	char	*series;	/* key: "fred/PPOTASHUSDM" */
	char	*period;	/* ISO 8601: "2025-12-01", "2025-12-15T21:00:00Z" */
	char	*value;		/* decimal text, as the source wrote it */
	char	*unit;		/* "USD/t", "t", "USD" */
	char	*known_at;	/* ISO 8601 instant or date, NULL: now */
};

/* What a collector knows about a series beyond its key. */
struct series_info {
	char	*key;
	char	*name;		/* human name: "Potash, USD per metric ton" */
	char	*unit;
	char	*frequency;	/* "D", "W", "M", "Q", "A" */
	char	*dimensions;	/* a JSON object: {"product": "310420",
				 * "origin": "BLR", "destination": "CHN",
				 * "currency": "USD", ...}; NULL: {} */
};

struct batch {
	char			*feed;		/* feed name, or "import" */
	char			*url;		/* redacted */
	int			 http_status;	/* 0 if none */
	uint64_t		 bytes;
	int64_t			 started;	/* unix usec */
	int64_t			 finished;	/* unix usec */
	char			*error;		/* NULL if the run succeeded */

	struct observation	*obs;
	size_t			 nobs;
	size_t			 cap;

	struct series_info	*series;
	size_t			 nseries;
	size_t			 series_cap;

	struct sanctions_event	*events;	/* detected by the run */
	size_t			 nevents;

	char			*etag;		/* for the next conditional */
	char			*last_modified;	/* GET; NULL if none */

	struct arena		 strings;	/* of obs and series */
};

/* A new, empty batch for feed (copied). */
struct batch	*batch_new(const char *);
void		 batch_free(struct batch *);
/* Appends copies of the four strings; known_at is NULL. */
void		 batch_add(struct batch *, const char *, const char *,
		    const char *, const char *);
/* As batch_add, with a copy of known_at (NULL: now). */
void		 batch_add_known(struct batch *, const char *, const char *,
		    const char *, const char *, const char *);
/*
 * Describes a series (all strings copied; NULL for unknown).  Describing a
 * key twice replaces the first description.  dimensions must be a JSON
 * object text.
 */
void		 batch_describe(struct batch *, const char *, const char *,
		    const char *, const char *, const char *);
/*
 * As batch_describe for a key b has not described yet, without looking:
 * the caller knows (the keys of one configuration, distinct, into a batch
 * that describes none yet).
 */
void		 batch_describe_new(struct batch *, const char *, const char *,
		    const char *, const char *, const char *);
/* Appends an event, taking its strings (ev is zeroed). */
void		 batch_add_event(struct batch *, struct sanctions_event *);
/* Sets the run's URL, or its error text (copied; NULL clears). */
void		 batch_set_url(struct batch *, const char *);
void		 batch_set_error(struct batch *, const char *);

#endif
