/* SPDX-License-Identifier: ISC */
/*
 * rule_read: reading the options of a rule section, one function per
 * option, for rule.c only.  rule_read_find gives an option's entry: the
 * kinds that accept it, whether it takes a list, and its reader.  A
 * reader checks one value and stores it in the rule; checks across
 * options are rule.c's.  Errors go to err without the option name (the
 * caller prefixes it).
 */
#ifndef ALERT_RULE_READ_H
#define ALERT_RULE_READ_H

#include <stddef.h>

#include "alert/rule.h"

/* What rule_new has seen so far, for the checks across options. */
struct rule_read_ctx {
	struct rule		*r;
	const struct rule_kv	*above, *below, *clear, *crosses;
	const struct rule_kv	*forkv;
	int			 keep_set;
	int			 clear_pct, above_pct, below_pct;
};

typedef int	(*rule_read_fn)(struct rule_read_ctx *, const struct rule_kv *,
		    char *, size_t);

struct rule_read_opt {
	const char	*name;		/* "labels." ends in a dot: a block */
	unsigned	 kinds;
	int		 list;
	rule_read_fn	 read;
};

/* The entry of option name ("labels.x" finds "labels."), or NULL. */
const struct rule_read_opt *rule_read_find(const char *);
void	rule_read_strv_free(char **, size_t);

#endif
