/* SPDX-License-Identifier: ISC */
/*
 * config_rule: the `rule "name" { }` sections of the config file, for
 * config.c only.  Owns the libconfuse schema of a rule section (built
 * from rule_options[] in alert/rule.c, with the free-form labels and
 * annotations blocks and the event filter block), the line numbers seen
 * while parsing, and turning each section into a struct rule through
 * rule_new, whose message it prefixes with FILE:LINE: rule "NAME":.
 */
#ifndef DAEMON_CONFIG_RULE_H
#define DAEMON_CONFIG_RULE_H

#include <stdio.h>

#include <confuse.h>

#include "daemon/config.h"

/* The libconfuse options of a rule section (malloc'd, CFG_END-ended);
 * free with config_rule_free_opts. */
cfg_opt_t	*config_rule_build_opts(void);
void		 config_rule_free_opts(cfg_opt_t *);
/* Sets the validators that note where each rule option was set. */
void		 config_rule_set_validators(cfg_t *);
/* The validator for rule options; called from config.c's callback with
 * the section the option is in.  Returns 0. */
int		 config_rule_note(cfg_t *, cfg_opt_t *);
void		 config_rule_reset_lines(void);
/* Builds c->rules from the parsed sections; 0 or -1 (errors added). */
int		 config_rule_load(struct config *, cfg_t *);
void		 config_rule_free(struct rule **, size_t);
/* Writes every rule option like config_dump_options. */
void		 config_rule_dump(FILE *);

#endif
