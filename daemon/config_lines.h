/* SPDX-License-Identifier: ISC */
/*
 * config_lines: where each option of each titled section was set, noted
 * by libconfuse validators while a file is parsed, so that checks made
 * after parsing still name FILE:LINE.
 *
 * A store is a plain struct the caller owns (one per section kind, reset
 * after each load).  Used by config_channel; config_feed and config_rule
 * keep older copies of the same idea.
 */
#ifndef DAEMON_CONFIG_LINES_H
#define DAEMON_CONFIG_LINES_H

#include <stddef.h>

struct config_line {
	char	*title;
	char	*name;
	int	 line;
};

struct config_lines {
	struct config_line	*v;
	size_t			 n;
};

void	config_lines_add(struct config_lines *, const char *, const char *,
	    int);
/* Where section title set name (the last time), or 0. */
int	config_lines_get(const struct config_lines *, const char *,
	    const char *);
/* The first line noted for section title, or 0. */
int	config_lines_first(const struct config_lines *, const char *);
void	config_lines_reset(struct config_lines *);

#endif
