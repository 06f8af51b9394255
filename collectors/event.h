/* SPDX-License-Identifier: ISC */
/*
 * event: a sanctions event as a collector detects it (Federal Register,
 * OpenSanctions) and as potash.sanctions_events stores it.  Plain data; an
 * event owns its strings.  Dates are "YYYY-MM-DD" or NULL.
 */
#ifndef COLLECTORS_EVENT_H
#define COLLECTORS_EVENT_H

#include <stddef.h>

struct sanctions_event {
	char	*announced_on;		/* required */
	char	*effective_on;
	char	*wind_down_until;
	char	*jurisdiction;		/* "US", "EU", "UK", "LT", ... */
	char	*action;		/* "sdn_designation", "general_license", ... */
	char	*instrument;		/* "OFAC Belarus GL 13", "2025-22871" */
	char	**entities;
	size_t	 nentities;
	int	 direction;		/* +1 tightens, -1 eases */
	char	*summary;
	char	*source_url;
	char	*verification;		/* e.g. "DETECTED (fedreg)" */
};

void	sanctions_event_free(struct sanctions_event *);

#endif
