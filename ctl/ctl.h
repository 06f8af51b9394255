/* SPDX-License-Identifier: ISC */
/*
 * ctl: potashctl's commands, one function each, sharing the loaded config.
 * Each returns the process exit code and prints its own errors.
 */
#ifndef CTL_CTL_H
#define CTL_CTL_H

#include "daemon/config.h"

/* potashctl import FILE: argv[0] is "import". */
int	ctl_import(struct config *, int, char **);

/* potashctl parse KIND FILE [-o name=value]...: argv[0] is "parse". */
int	ctl_parse(int, char **);

#endif
