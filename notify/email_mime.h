/* SPDX-License-Identifier: ISC */
/*
 * email_mime: the encodings between untrusted text and the bytes of an
 * email message, private to email.c.  Pure: no I/O, no logging.
 *
 * - Text: email_mime_clean makes any string safe text (valid UTF-8,
 *   control characters turned into spaces); email_mime_html escapes it
 *   for the HTML part and links only http(s) URLs.
 * - Bodies: quoted-printable with lines of at most 76 characters.
 * - Headers: folding at whitespace to 78 columns, non-ASCII text as
 *   RFC 2047 Q encoded-words, addresses as "addr" or "Name <addr>".
 * - Addresses: parsing and checking a configured address into a struct
 *   email_mime_addr.
 *
 * It owns nothing beyond its callers' calls: output goes to a struct buf
 * the caller owns, and strings are borrowed.  The two structs are plain
 * data so that callers can keep them on the stack.
 */
#ifndef NOTIFY_EMAIL_MIME_H
#define NOTIFY_EMAIL_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define EMAIL_MIME_LOCAL_MAX	64	/* RFC 5321 4.5.3.1.1 */
#define EMAIL_MIME_DOMAIN_MAX	253
#define EMAIL_MIME_SPEC_MAX	(EMAIL_MIME_LOCAL_MAX + 1 + \
				    EMAIL_MIME_DOMAIN_MAX)
#define EMAIL_MIME_NAME_MAX	256	/* of a display name */

/* email_mime_clean flags. */
#define EMAIL_MIME_CLEAN_NL	 0x1	/* keep line breaks, as "\n" */
#define EMAIL_MIME_CLEAN_SQUEEZE 0x2	/* one space for each run, trimmed */

/* A configured address, taken apart. */
struct email_mime_addr {
	char	name[EMAIL_MIME_NAME_MAX + 1];	/* display name, unquoted */
	char	spec[EMAIL_MIME_SPEC_MAX + 1];	/* addr-spec */
	size_t	at;				/* of the '@' in spec */
};

/* A header being written: where its current line stands. */
struct email_mime_fold {
	struct buf	*b;
	size_t		 col;
	int		 empty;		/* nothing after the name yet */
};

/*
 * The length of the valid UTF-8 sequence at s (1..4, with its code point
 * in *cp), or 0 if s does not start one.
 */
size_t	 email_mime_utf8(const char *, uint32_t *);
/* Whether code point c is a C0 or C1 control character (or DEL). */
int	 email_mime_control(uint32_t);

/*
 * Appends s (NULL: nothing) to b as safe text: invalid UTF-8 becomes
 * U+FFFD, control characters become spaces; with EMAIL_MIME_CLEAN_NL
 * line breaks (LF, CRLF or CR) stay, as "\n"; with
 * EMAIL_MIME_CLEAN_SQUEEZE runs of spaces are one.
 */
void	 email_mime_clean(struct buf *, const char *, int);
/* Appends s cleaned and HTML-escaped; line breaks become <br>. */
void	 email_mime_html(struct buf *, const char *);
/* Appends url as a link if it is http(s), else as escaped text. */
void	 email_mime_html_link(struct buf *, const char *);

/*
 * Appends s[0..n) quoted-printable: "\n" is a hard line break (CRLF),
 * lines get soft breaks to stay within 76 characters, and a line's
 * leading "." or "From " is encoded for the sake of SMTP and mbox.
 */
void	 email_mime_qp(struct buf *, const char *, size_t);

/* Starts header name in b ("Name:"); f tracks its line. */
void	 email_mime_fold_start(struct email_mime_fold *, struct buf *,
	    const char *);
/* Ends the header with CRLF. */
void	 email_mime_fold_end(struct email_mime_fold *);
/*
 * Adds s (clean, single spaces) as unstructured text: plain words as
 * they are, each run of other words as encoded-words.
 */
void	 email_mime_fold_unstructured(struct email_mime_fold *, const char *);
/*
 * Adds an address: "addr", "Name <addr>", "\"N, ame\" <addr>" or the
 * name as encoded-words; a "," after it if comma is set.
 */
void	 email_mime_fold_addr(struct email_mime_fold *,
	    const struct email_mime_addr *, int);

/*
 * Takes configured address s apart into *a, checking it as
 * email_check_address documents.  Returns 0, or -1 with err set
 * (without a "from: " prefix).
 */
int	 email_mime_addr_parse(const char *, struct email_mime_addr *, char *,
	    size_t);

#endif
