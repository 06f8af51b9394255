/* SPDX-License-Identifier: ISC */
/*
 * linksig: signed links to the dashboard's alert pages, so that a person
 * who follows a notification's link can read the page of that one alert
 * without the HTTP bearer token a browser cannot send.
 *
 * The key is HMAC-SHA256(http token, "potashd alert link v1"): the token
 * never appears in a link, and a new token voids every link signed under
 * the old one.  A link's signature is HMAC-SHA256(key, path), the path as
 * the server routes it ("/alerts/0123456789abcdef", no query), written in
 * base64url without padding (RFC 4648 section 5; 43 characters) and sent
 * as "?sig=".  The notifier signs (daemon/notifier.c), the server checks
 * (web/web.c).  Pure: no I/O, no allocation, no logging.
 */
#ifndef UTIL_LINKSIG_H
#define UTIL_LINKSIG_H

#include <stdint.h>

#define LINKSIG_KEY_LEN	32
#define LINKSIG_CHARS	43
#define LINKSIG_LEN	(LINKSIG_CHARS + 1)	/* with the NUL */

/* Derives the link key from the HTTP token.  Returns 0, or -1 if token
 * is NULL or empty (key zeroed). */
int	linksig_key(const char *, uint8_t [LINKSIG_KEY_LEN]);
/* Writes the signature of path under key into out.  Returns 0 or -1. */
int	linksig_sign(const uint8_t [LINKSIG_KEY_LEN], const char *,
	    char [LINKSIG_LEN]);
/* Whether sig is the signature of path under key: 1 or 0.  The result
 * takes the same time whatever the first wrong character. */
int	linksig_verify(const uint8_t [LINKSIG_KEY_LEN], const char *,
	    const char *);
/* Whether s has the shape of a signature (43 base64url characters), so
 * that it may go into a URL as it is: 1 or 0.  NULL is not. */
int	linksig_ok(const char *);

#endif
