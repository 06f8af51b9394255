/* SPDX-License-Identifier: ISC */
/*
 * doc: reading the notification document, the cJSON tree that webhook
 * and email channels render.  Pure: no I/O, no allocation, no logging.
 *
 * The document is built by SQL (potash.notification_doc in
 * schema/0011_notifications.sql) and the notifier adds external_url
 * and, when the dashboard wants a token, each alert's link_sig:
 *	id, key			the notification and its idempotency key
 *	channel			the channel's name
 *	reason			"new", "repeat", "resolved", "test", ...
 *	status			"firing" or "resolved"
 *	group_key, group_labels	the alert group, and its labels as an object
 *	group_id, group_seq	the group's id, and the notification's place
 *				in it (1 for the first)
 *	truncated		alerts left out by the channel's max_alerts
 *	external_url		the configured http external_url, or null
 *	created_at		UTC, "YYYY-MM-DDTHH:MM:SSZ"
 *	alerts			one object per alert (notify_alert_doc):
 *	    fingerprint, rule, series, kind, severity, status, labels,
 *	    annotations, starts_at, ends_at, value, metric, threshold, unit,
 *	    link_sig (the signature of "/alerts/FINGERPRINT", appended to
 *	    the link as ?sig=; util/linksig.h),
 *	    baseline { value, from, to, n },
 *	    observations [ { series, period, value, unit, known_at,
 *	        fetched_at, source_url } ],
 *	    event { id, jurisdiction, action, instrument, direction,
 *	        announced_on, effective_on, title, source_url }
 *
 * The document is input, and input can be anything: every accessor takes
 * any node (NULL, a non-object) and answers with the typed value or
 * NULL/0, so a missing or wrong-typed member reads as absent.  Only what
 * doc_check checks may be taken for granted.  Values are borrowed from
 * the tree and live as long as it does.
 */
#ifndef NOTIFY_DOC_H
#define NOTIFY_DOC_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* What every message about the document starts with. */
#define DOC_PREFIX	"notification document: "

/*
 * Checks one required string member of the document: name, its value s
 * (never NULL).  Returns 0, or -1 with err set (starting DOC_PREFIX).
 */
typedef int	(*doc_string_fn)(const char *, const char *, char *, size_t);

/* Member name of o, of any type; NULL if o is not an object or lacks it. */
const cJSON	*doc_member(const cJSON *, const char *);

/* The string value of member name of o, or NULL. */
const char	*doc_str(const cJSON *, const char *);

/* Like doc_str, but "" for a missing or non-string member. */
const char	*doc_estr(const cJSON *, const char *);

/* Sets *d to the number value of member name of o: 1, or 0 if none. */
int		 doc_number(const cJSON *, const char *, double *);

/*
 * Checks what every rendering needs, in this order: doc is an object;
 * each of the n members names[] is a string that check (if not NULL)
 * accepts; "status" is "firing" or "resolved"; "alerts" is an array of
 * objects.  Returns 0, or -1 with err naming the first fault
 * ("notification document: \"alerts\": expected an array").
 */
int		 doc_check(const cJSON *, const char *const *, size_t,
		    doc_string_fn, char *, size_t);

/* A doc_string_fn that accepts a non-empty string, as a present one. */
int		 doc_nonempty(const char *, const char *, char *, size_t);

#endif
