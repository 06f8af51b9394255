/* SPDX-License-Identifier: ISC */
/*
 * bodymemo: whether a feed's response body is the one whose batch was
 * stored last, so that the scheduler need not parse it again.
 *
 * Plain data, one per feed, owned by its holder (the scheduler's feed
 * record).  It keeps a keyed digest (util/siphash) of the newest body
 * handed on, the start of the first run that handed that body, and
 * whether one of those runs has been stored since.  The writer stores a
 * feed's batches in the order they were handed on, so a stored run that
 * started no earlier than that first run carried that same body.  A body
 * counts as known only once its batch is stored (never while it waits in
 * the writer, is spooled, or was refused); a run whose body is not known
 * (several pages, say) or another instance polling the feed forgets it.
 */
#ifndef DAEMON_BODYMEMO_H
#define DAEMON_BODYMEMO_H

#include <stddef.h>
#include <stdint.h>

#include "util/siphash.h"

struct bodymemo {
	uint8_t	 last[SIPHASH128_LEN];	/* the newest body handed on */
	int64_t	 first;			/* the first run handing it on */
	int	 have;			/* last and first are set */
	int	 stored;		/* a run with that body is stored */
};

/* The digest of a body under key (SIPHASH_KEY_LEN bytes). */
void	bodymemo_digest(const uint8_t *key, const char *, size_t,
	    uint8_t *out);
/* True if digest d is the body last handed on and it is stored. */
int	bodymemo_known(const struct bodymemo *, const uint8_t *d);
/* The run that started at started hands on a batch parsed from the body
 * whose digest is d, or from bodies it cannot tell (d NULL). */
void	bodymemo_handed(struct bodymemo *, const uint8_t *d, int64_t started);
/* The batch of the run that started at started is stored. */
void	bodymemo_stored(struct bodymemo *, int64_t started);
/* Forgets everything: the next body is parsed whatever it is. */
void	bodymemo_forget(struct bodymemo *);

#endif
