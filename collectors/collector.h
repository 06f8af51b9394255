/* SPDX-License-Identifier: ISC */
/*
 * collector: the interface every feed kind implements, and the feed
 * configuration it reads.
 *
 * A collector is pure: given a feed's configuration (and the time, as an
 * argument) it builds the request; given the response body it produces a
 * batch of observations and/or sanctions events, or a precise error.  It
 * does no I/O, keeps no global state and never logs: errors go into the
 * caller's buffer as "field \"value\": expected a decimal string, got
 * \"n/a\"", so the caller can prefix the feed name, or FILE:LINE.
 *
 * Kinds are found by name in the registry (collectors/registry.c).  Each
 * declares its own config options (config_option entries with section
 * "feed"); the config loader accepts them inside `feed "name" { }`
 * sections, refuses an option that the feed's kind does not declare, and
 * then calls the kind's configure() so it can check what it needs.
 */
#ifndef COLLECTORS_COLLECTOR_H
#define COLLECTORS_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "collectors/event.h"
#include "collectors/observation.h"
#include "daemon/config.h"

/* One kind-specific option of a feed, as written in the config file. */
struct feed_option {
	char	*name;
	char	**values;	/* one for a scalar, any number for a list */
	size_t	 nvalues;
	int	 line;		/* where it was set */
};

/* A feed as configured; owned by struct config. */
struct feed {
	char			*name;
	char			*kind;
	char			*url;		/* "" means the kind's default */
	uint64_t		 interval;	/* usec */
	uint64_t		 jitter;	/* usec, random in [0, jitter] */
	uint64_t		 align;		/* usec; 0: none */
	uint64_t		 timeout;	/* usec, whole transfer */
	uint64_t		 connect_timeout;
	uint64_t		 max_bytes;
	int			 enabled;
	char			*secret;	/* API key from secret_file or
						 * $CREDENTIALS_DIRECTORY/feed-NAME;
						 * NULL if none.  Never logged. */
	struct feed_option	*opts;
	size_t			 nopts;
	int			 line;		/* where the section starts */
};

/* The first value of a kind option, or NULL if it is not set. */
const char	*feed_get(const struct feed *, const char *);
/* All values of a kind option (count in *n; NULL and 0 if not set). */
char *const	*feed_get_list(const struct feed *, const char *, size_t *);

/* A request a collector wants made. */
struct collector_request {
	char	*url;		/* may hold secrets: never log it */
	char	*headers[8];	/* "Name: value", NULL-terminated */
};
void	collector_request_clear(struct collector_request *);

/* What a parse produced.  The caller owns and frees it. */
struct collector_result {
	struct batch		*batch;		/* observations */
	struct sanctions_event	*events;
	size_t			 nevents;
	char			*next_url;	/* another page to fetch, or NULL */
};
void	collector_result_clear(struct collector_result *);
/* Appends an event (takes ownership of its strings; ev is zeroed). */
void	collector_result_add_event(struct collector_result *,
	    struct sanctions_event *);

struct collector_ops {
	const char			*name;		/* the feed's kind */
	const char			*default_url;	/* NULL: url required */
	const struct config_option	*options;	/* section "feed" */
	size_t				 noptions;
	/*
	 * Checks the feed's options and prepares per-feed state in *data
	 * (may stay NULL).  Returns 0, or -1 with a message in err.
	 */
	int	(*configure)(const struct feed *, void **, char *, size_t);
	void	(*free)(void *);
	/*
	 * Builds the request for a run at now (unix usec) into req.
	 * Returns 0, or -1 with a message.
	 */
	int	(*request)(const struct feed *, void *, int64_t,
		    struct collector_request *, char *, size_t);
	/*
	 * Parses a body of len bytes (NUL-terminated at body[len]) fetched
	 * at now into res->batch (already created, named after the feed)
	 * and res->events.  Returns 0, or -1 with a precise message; on
	 * error res may hold partial output, which the caller discards.
	 */
	int	(*parse)(const struct feed *, void *, const char *, size_t,
		    int64_t, struct collector_result *, char *, size_t);
	/*
	 * Set when parse reads nothing but the body and the feed's options
	 * (not the time): the same bytes then always give the same batch,
	 * so the scheduler need not parse a body it parsed last time.
	 */
	int	  body_only;
};

/* The kind named name, or NULL. */
const struct collector_ops	*collector_find(const char *);
/* All kinds, for the config loader and the documentation. */
const struct collector_ops *const *collector_all(size_t *);

#endif
