/* SPDX-License-Identifier: ISC */
/*
 * jsonstr: the JSON string escaper of cJSON 1.7.15 (print_string_ptr);
 * see jsonstr.h.
 *
 * jsonstr_escape is the only code that knows the rules; jsonstr_append
 * runs it on pieces of the string through a small buffer on the stack,
 * so that struct buf needs no interface beyond buf_append.
 */
#include <string.h>

#include "util/buf.h"
#include "util/jsonstr.h"

/* Bytes of the string escaped at a time by jsonstr_append. */
#define JSONSTR_PIECE	256

/*
 * The escape of each byte: 0 for none, the letter after the backslash,
 * or 'u' for \u00xx.
 */
static const char	jsonstr_letter[256] = {
	['"'] = '"', ['\\'] = '\\', ['\b'] = 'b', ['\f'] = 'f',
	['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
	[0x00] = 'u', [0x01] = 'u', [0x02] = 'u', [0x03] = 'u',
	[0x04] = 'u', [0x05] = 'u', [0x06] = 'u', [0x07] = 'u',
	[0x0b] = 'u', [0x0e] = 'u', [0x0f] = 'u',
	[0x10] = 'u', [0x11] = 'u', [0x12] = 'u', [0x13] = 'u',
	[0x14] = 'u', [0x15] = 'u', [0x16] = 'u', [0x17] = 'u',
	[0x18] = 'u', [0x19] = 'u', [0x1a] = 'u', [0x1b] = 'u',
	[0x1c] = 'u', [0x1d] = 'u', [0x1e] = 'u', [0x1f] = 'u',
};

/*
 * Writes the n bytes at s escaped (no quotes) to o, which has room for
 * 6 * n bytes.  Returns where the output ends.
 */
static char *
jsonstr_escape(char *o, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	char			 c;

	for (; n > 0; n--, p++) {
		if ((c = jsonstr_letter[*p]) == 0) {
			*o++ = (char)*p;
			continue;
		}
		*o++ = '\\';
		if (c != 'u') {
			*o++ = c;
			continue;
		}
		memcpy(o, "u00", 3);
		o[3] = hex[*p >> 4];
		o[4] = hex[*p & 0xf];
		o += 5;
	}
	return (o);
}

size_t
jsonstr_write(char *out, const char *s)
{
	char	*o = out;

	*o++ = '"';
	o = jsonstr_escape(o, s, strlen(s));
	*o++ = '"';
	return ((size_t)(o - out));
}

void
jsonstr_append(struct buf *out, const char *s)
{
	char	 tmp[6 * JSONSTR_PIECE], *end;
	size_t	 n = strlen(s), k;

	buf_append(out, "\"", 1);
	while (n > 0) {
		k = n < JSONSTR_PIECE ? n : JSONSTR_PIECE;
		end = jsonstr_escape(tmp, s, k);
		buf_append(out, tmp, (size_t)(end - tmp));
		s += k;
		n -= k;
	}
	buf_append(out, "\"", 1);
}
