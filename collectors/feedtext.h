/* SPDX-License-Identifier: ISC */
/*
 * feedtext: text the source kinds fred, yahoo and imf build for others to
 * read: percent-encoded URL parts, and the JSON object text of a series'
 * dimensions (series_info.dimensions).  Pure; owns nothing past a call
 * except what it hands over.
 */
#ifndef COLLECTORS_FEEDTEXT_H
#define COLLECTORS_FEEDTEXT_H

#include "util/buf.h"

/*
 * Appends s percent-encoded: RFC 3986 unreserved bytes stay, every other
 * byte becomes %XX, so the result is safe in a path segment or a query
 * value.
 */
void	 feedtext_urlenc(struct buf *, const char *);

/*
 * A JSON object built member by member: feedtext_dims_init, any number of
 * feedtext_dims_add, then feedtext_dims_finish.
 */
struct feedtext_dims {
	struct buf	b;
	int		n;
};

void	 feedtext_dims_init(struct feedtext_dims *);
/* Adds "name": "value" (both escaped as JSON strings); NULL value: skip. */
void	 feedtext_dims_add(struct feedtext_dims *, const char *, const char *);
/* Closes the object and returns its text; the caller frees it. */
char	*feedtext_dims_finish(struct feedtext_dims *);

#endif
