/* SPDX-License-Identifier: ISC */
/*
 * ctl: potashctl's commands, one function each, sharing the loaded config.
 * Each returns the process exit code and prints its own errors.
 */
#ifndef CTL_CTL_H
#define CTL_CTL_H

#include "collectors/observation.h"
#include "daemon/config.h"

/* potashctl import FILE: argv[0] is "import". */
int	ctl_import(struct config *, int, char **);

/* potashctl parse KIND FILE [-o name=value]...: argv[0] is "parse". */
int	ctl_parse(int, char **);

/* potashctl fetch FEED [--dry-run]: argv[0] is "fetch". */
int	ctl_fetch(struct config *, int, char **);
/* Prints observations and events as JSON lines on stdout. */
void	ctl_print_batch(const struct batch *, const struct sanctions_event *,
	    size_t);

#endif
