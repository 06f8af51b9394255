/* SPDX-License-Identifier: ISC */
/*
 * url: the one check of whether a URL may become a link in what potashd
 * writes for people (the dashboard, notification emails).
 *
 * Pure; no parsing beyond what the check needs.
 */
#ifndef UTIL_URL_H
#define UTIL_URL_H

/*
 * Whether u is an http:// or https:// URL (scheme in any case) with a
 * host, and without spaces or control characters.  NULL is not.
 */
int	url_is_http(const char *);

#endif
