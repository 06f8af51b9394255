/* SPDX-License-Identifier: ISC */
/*
 * email: the message an email channel sends, and the checks of the
 * channel's addresses and subject template.  Pure: no I/O, no clock (the
 * date is a parameter), no randomness (the MIME boundary comes from a
 * seed), no logging.
 *
 * - The message: a notification document (built by SQL, see
 *   schema/0011_notifications.sql) rendered once as an RFC 5322 message,
 *   CRLF line ends, what libcurl uploads after MAIL FROM and RCPT TO.
 *   Every attempt sends exactly these bytes, so the Message-ID of a
 *   retry is the one of the first attempt and receivers can de-duplicate.
 * - Threading: all notifications of one alert group form one thread.
 *   The group's first (group_seq 1) is the root, <g.GROUP_ID@HOST>; every
 *   later one (and one without group_seq) is <n.KEY@HOST> with
 *   In-Reply-To and References naming the root.  HOST is the hostname
 *   parameter or the domain of From.
 * - The body: multipart/alternative, a text/plain and a text/html part,
 *   both UTF-8 in quoted-printable, telling the same evidence (value,
 *   threshold, baseline, linked sanctions event, observations).
 */
#ifndef NOTIFY_EMAIL_H
#define NOTIFY_EMAIL_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* The longest subject template and rendered subject, in bytes. */
#define EMAIL_SUBJECT_MAX	400

/* The subject template used when a channel sets none. */
#define EMAIL_SUBJECT_DEFAULT	"[potashd] {{status}}: {{summary}}"

/*
 * What email_message needs besides the document.  All strings are
 * borrowed for the duration of the call.
 */
struct email_params {
	const char		*from;		/* as configured */
	const char *const	*to;		/* nto of them, as configured */
	size_t			 nto;
	const char		*subject;	/* template; NULL: default */
	const char		*hostname;	/* NULL: the domain of from */
	int64_t			 date;		/* unix seconds, for Date */
	uint32_t		 seed;		/* picks the MIME boundary */
};

/*
 * Renders doc (a notification document) as a message for p.  Returns
 * the message, NUL-terminated and *len bytes long, which the caller
 * frees; or NULL with err naming the fault ("notification document:
 * \"group_id\": expected a string", "from: ...").  doc is only read.
 */
char	*email_message(const cJSON *, const struct email_params *, size_t *,
	    char *, size_t);

/*
 * Checks one configured address: an addr-spec ("alerts@example.org") or
 * a display name and an addr-spec in angle brackets ("potashd
 * <alerts@example.org>", "\"Desk, Potash\" <desk@example.org>"); the
 * display name may be UTF-8, the addr-spec must be ASCII.  Returns 0, or
 * -1 with err saying what is wrong (without a "from: " prefix).
 */
int	 email_check_address(const char *, char *, size_t);

/*
 * Checks a subject template: valid UTF-8 without control characters, at
 * most EMAIL_SUBJECT_MAX bytes, with placeholders (spaces inside the
 * braces allowed) among
 *	{{status}}	FIRING or RESOLVED
 *	{{reason}}	new, repeat, resolved, test, ...
 *	{{channel}}	the channel's name
 *	{{count}}	the group's alerts, those left out by max_alerts too
 *	{{alertname}}	the first alert's alertname label, else its rule
 *	{{series}}	of the first alert
 *	{{summary}}	of the first alert, or "ALERTNAME on SERIES"
 *	{{group}}	the group labels, "k=v, k=v"
 * Substituted values lose control characters (each run of them and of
 * spaces becomes one space); a test notification's subject gets "[TEST] "
 * in front.  Returns 0, or -1 with err set ("unknown variable {{foo}};
 * expected one of ...", without a "subject: " prefix).
 */
int	 email_subject_check(const char *, char *, size_t);

#endif
