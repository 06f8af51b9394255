/* SPDX-License-Identifier: ISC */
/*
 * feedtext: percent-encoding and dimension objects for the source kinds;
 * see feedtext.h.  Strings are copied byte for byte: the bodies they come
 * from were checked as UTF-8 (feedjson), so a JSON string needs only its
 * quotes, backslashes and control characters escaped.
 */
#include <string.h>

#include "collectors/feedtext.h"
#include "util/buf.h"

void
feedtext_urlenc(struct buf *b, const char *s)
{
	static const char	hex[] = "0123456789ABCDEF";
	unsigned char		c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~')
			buf_append(b, s, 1);
		else
			buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 0xf]);
	}
}

/* Appends s as a JSON string, quotes included. */
static void
feedtext_json_string(struct buf *b, const char *s)
{
	unsigned char	c;

	buf_append(b, "\"", 1);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\u%04x", c);
		else
			buf_append(b, s, 1);
	}
	buf_append(b, "\"", 1);
}

void
feedtext_dims_init(struct feedtext_dims *d)
{
	buf_init(&d->b, 0);
	buf_append(&d->b, "{", 1);
	d->n = 0;
}

void
feedtext_dims_add(struct feedtext_dims *d, const char *name,
    const char *value)
{
	if (value == NULL)
		return;
	if (d->n++ > 0)
		buf_append(&d->b, ",", 1);
	feedtext_json_string(&d->b, name);
	buf_append(&d->b, ":", 1);
	feedtext_json_string(&d->b, value);
}

char *
feedtext_dims_finish(struct feedtext_dims *d)
{
	buf_append(&d->b, "}", 1);
	return (buf_steal(&d->b, NULL));
}
