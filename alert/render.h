/* SPDX-License-Identifier: ISC */
/*
 * render: the annotation templates of alert rules.
 *
 * A template is text with placeholders {{name}} (spaces inside the braces
 * allowed): value, metric, threshold, baseline, series, event, for, rule,
 * severity, state.  Numbers are written for humans ("412.5", "10500000",
 * "n/a" when unknown); metric and threshold get a "%" on percent rules;
 * for is the rule's `for` in words ("1 day and 3 observations").
 * Pure: no allocation, no locale beyond snprintf's "C" digits.
 */
#ifndef ALERT_RENDER_H
#define ALERT_RENDER_H

#include <stddef.h>

#include "alert/engine.h"

/* Checks a template.  Returns 0, or -1 with err naming the problem. */
int	render_check(const char *, char *, size_t);

/*
 * Expands a template checked by render_check for transition t into buf
 * (always NUL-terminated when len > 0).  Returns 0, or -1 if the text
 * was cut to fit.
 */
int	render_template(const char *, const struct engine_transition *,
	    char *, size_t);

/* Formats a number as templates do. */
void	render_number(double, char *, size_t);

/*
 * Finds the next placeholder at or after *p: sets *start to its "{{",
 * *name and *nlen to its trimmed name and *p past its "}}".  Returns 1 if
 * one was found, 0 at the end, -1 for "{{" without "}}".  Shared with
 * the email subject templates, which use the same syntax.
 */
int	render_next(const char **, const char **, const char **, size_t *);

#endif
