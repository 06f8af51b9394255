/* SPDX-License-Identifier: ISC */
/*
 * opensanctions: what the two halves of the OpenSanctions kind share:
 * opensanctions.c (options, request, bodies, the delta index and the
 * queue of delta files) and opensanctions_entity.c (one entity or delta
 * operation: matching the watched entities, what they are listed on, and
 * the events).  Not for other modules.
 */
#ifndef COLLECTORS_OPENSANCTIONS_H
#define COLLECTORS_OPENSANCTIONS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "collectors/collector.h"

/* What is known of one watched entity: the lists that name it. */
struct opensanctions_known {
	char	 *id;
	char	 *caption;
	char	**datasets;		/* sorted */
	size_t	  ndatasets;
};

struct opensanctions_memory {
	struct opensanctions_known	*v;
	size_t				 n;
};

/* A delta file the index listed, still to fetch in this run. */
struct opensanctions_pending {
	char	*url;
	char	 version[32];		/* "20240528134729-3iv" */
	char	 collection[64];	/* "sanctions", or "" */
};

struct opensanctions_feed {
	char				**entity_ids;
	size_t				  nentity_ids;
	char				**names;	/* folded */
	size_t				  nnames;
	char				**datasets;	/* sorted */
	size_t				  ndatasets;
	int64_t				  window;	/* usec */
	int				  max_deltas;

	/*
	 * Run state.  Changes to memory go into stage during a run and
	 * replace memory when its last page parsed; a failed run leaves
	 * memory as it was, so its changes are seen again next time.
	 */
	struct opensanctions_memory	  memory;
	struct opensanctions_memory	  stage;
	int				  staging;
	struct opensanctions_pending	 *pending;	/* oldest first */
	size_t				  npending;
	/* The page asked for last (url NULL: none): the next body. */
	struct opensanctions_pending	  expect;
};

/* What one body (or page) is, for dates and DEL operations. */
struct opensanctions_ctx {
	const char	*version;	/* delta version, or NULL */
	const char	*collection;	/* "sanctions", or NULL */
	char		 today[11];	/* the run's date, YYYY-MM-DD */
};

enum opensanctions_op {
	OPENSANCTIONS_SNAPSHOT,		/* an entity as it is now */
	OPENSANCTIONS_ADD,
	OPENSANCTIONS_MOD,
	OPENSANCTIONS_DEL,
};

/*
 * Handles one entity (or delta operation) e; where names the place for
 * messages ("line 3: entity", "results[2]").  Adds events to res and
 * changes os->stage.  Returns 0, or -1 with a message.
 */
int	opensanctions_entity(struct opensanctions_feed *,
	    const struct opensanctions_ctx *, enum opensanctions_op,
	    const cJSON *, const char *, struct collector_result *, char *,
	    size_t);

/* Lower-cases ASCII and folds white space runs; the caller frees. */
char	*opensanctions_entity_fold(const char *);

void	opensanctions_entity_memory_clear(struct opensanctions_memory *);
void	opensanctions_entity_memory_copy(struct opensanctions_memory *,
	    const struct opensanctions_memory *);

#endif
