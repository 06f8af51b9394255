/* SPDX-License-Identifier: ISC */
/*
 * imf: what the two halves of the IMF kind share: imf.c (options,
 * request, a message's envelope and errors) and imf_sdmx.c (the
 * dataSets of an SDMX-JSON data message as observations).  Not for
 * other modules.
 */
#ifndef COLLECTORS_IMF_H
#define COLLECTORS_IMF_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "collectors/feedjson.h"
#include "collectors/observation.h"

/* A feed's options, checked. */
struct imf_feed {
	char	*dataflow;	/* "IMF.RES,PCPS" */
	char	*flow;		/* its id: "PCPS" */
	char	*key;
	char	*unit;		/* NULL: from the series */
	int	 pcps;
};

/*
 * Reads every dataSet of the message root (the object holding
 * "dataSets" and "structure" or "structures") of fj into b, and
 * describes its series.  Returns 0, or -1 with a message in err.
 */
int	imf_sdmx_read(const struct imf_feed *, const struct feedjson *,
	    const cJSON *, struct batch *, char *, size_t);

#endif
