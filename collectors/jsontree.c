/* SPDX-License-Identifier: ISC */
/*
 * jsontree: strict JSON into cJSON-shaped nodes in an arena; see
 * jsontree.h.
 *
 * The tree matches cJSON's: an array's or object's children are a list
 * through next and prev whose head's prev is the last child, a member's
 * name is in string, true has valueint 1, strings are NUL-terminated
 * copies with the escapes resolved.  Any failure returns -1 at once
 * and the caller gives up: the error is cJSON's to find and feedjson's
 * to name.  Recursion is one level per nesting level, at most
 * FEEDJSON_DEPTH_MAX.
 */
#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collectors/feedjson.h"
#include "collectors/jsontree.h"
#include "util/arena.h"

/* cJSON copies at most this many bytes of a number for strtod. */
#define JSONTREE_NUM_MAX	63
/* Digits an IEEE double holds exactly, and exact powers of ten. */
#define JSONTREE_EXACT_DIGITS	15
#define JSONTREE_EXACT_POW10	22

struct jsontree {
	const unsigned char	*s;
	size_t			 len;
	size_t			 i;
	size_t			 depth;
	struct arena		*a;
	char			 dp;	/* the locale's decimal point */
};

static const double	jsontree_pow10[JSONTREE_EXACT_POW10 + 1] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static int	jsontree_value(struct jsontree *, cJSON *);


static void
jsontree_ws(struct jsontree *jt)
{
	unsigned char	c;

	while (jt->i < jt->len && ((c = jt->s[jt->i]) == ' ' || c == '\n' ||
	    c == '\r' || c == '\t'))
		jt->i++;
}

static cJSON *
jsontree_node(struct jsontree *jt)
{
	cJSON	*n = arena_alloc(jt->a, sizeof(*n));

	memset(n, 0, sizeof(*n));
	return (n);
}

/* The length of the UTF-8 sequence at p (lead byte >= 0x80), or 0. */
static size_t
jsontree_utf8(const unsigned char *p, size_t left)
{
	unsigned char	lo = 0x80, hi = 0xbf;
	size_t		n, k;

	/* The rules of generic_utf8_bad. */
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 1;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 2;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 3;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else
		return (0);
	if (left <= n)
		return (0);
	for (k = 1; k <= n; k++) {
		if (p[k] < (k == 1 ? lo : 0x80) || p[k] > (k == 1 ? hi : 0xbf))
			return (0);
	}
	return (n + 1);
}

/*
 * Whether the 8 bytes at p are all plain: printable ASCII, neither '"'
 * nor '\\'.  Word at a time: a byte is below 0x20 (or zero, for the
 * two bytes compared) when subtracting from it borrows into its top bit.
 */
static int
jsontree_plain8(const unsigned char *p)
{
	const uint64_t	 ones = 0x0101010101010101ULL;
	const uint64_t	 tops = 0x8080808080808080ULL;
	uint64_t	 x, q, b;

	memcpy(&x, p, sizeof(x));
	q = x ^ (ones * '"');
	b = x ^ (ones * '\\');
	return ((x | ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) |
	    ((b - ones) & ~b)) & tops) == 0;
}

/* Reads the string at s[i] (on its quote) into a NUL-terminated copy. */
static int
jsontree_string(struct jsontree *jt, char **out)
{
	const unsigned char	*s = jt->s;
	size_t			 i = jt->i + 1, start = i, esc = 0, n;
	char			*o;

	for (;;) {
		/* Plain ASCII; s[len] is a NUL, which stops this too. */
		while (i + 8 <= jt->len && jsontree_plain8(s + i))
			i += 8;
		while ((unsigned char)(s[i] - 0x20) < 0x60 && s[i] != '"' &&
		    s[i] != '\\')
			i++;
		if (i >= jt->len)
			return (-1);
		if (s[i] == '"')
			break;
		if (s[i] == '\\') {
			if (i + 1 >= jt->len || strchr("bfnrt\"\\/",
			    s[i + 1]) == NULL || s[i + 1] == '\0')
				return (-1);
			esc++;
			i += 2;
		} else if (s[i] < 0x20)
			return (-1);
		else if (s[i] < 0x80)
			i++;
		else if ((n = jsontree_utf8(s + i, jt->len - i)) == 0)
			return (-1);
		else
			i += n;
	}
	*out = o = arena_alloc_text(jt->a, i - start - esc + 1);
	if (esc == 0)
		memcpy(o, s + start, i - start);
	else {
		for (n = start; n < i; n++) {
			if (s[n] != '\\') {
				*o++ = (char)s[n];
				continue;
			}
			switch (s[++n]) {
			case 'b':
				*o++ = '\b';
				break;
			case 'f':
				*o++ = '\f';
				break;
			case 'n':
				*o++ = '\n';
				break;
			case 'r':
				*o++ = '\r';
				break;
			case 't':
				*o++ = '\t';
				break;
			default:
				*o++ = (char)s[n];
				break;
			}
		}
	}
	(*out)[i - start - esc] = '\0';
	jt->i = i + 1;
	return (0);
}

static int
jsontree_digit(unsigned char c)
{
	return (c >= '0' && c <= '9');
}

/*
 * Reads a number token by JSON's grammar and its value as cJSON does:
 * strtod over the token with '.' made the locale's decimal point.  A
 * short token without exponent is computed exactly instead, which gives
 * the same double: m / 10^k with both exact is correctly rounded, as
 * strtod is.
 */
static int
jsontree_number(struct jsontree *jt, cJSON *n)
{
	const unsigned char	*s = jt->s;
	size_t			 i = jt->i, start = i, digits = 0, frac = 0;
	uint64_t		 m = 0;
	int			 neg = 0, expo = 0;
	char			 buf[JSONTREE_NUM_MAX + 1], *end;

	if (s[i] == '-') {
		neg = 1;
		i++;
	}
	if (i >= jt->len || !jsontree_digit(s[i]))
		return (-1);
	if (s[i] == '0')
		i++;
	else {
		for (; i < jt->len && jsontree_digit(s[i]); i++, digits++) {
			if (digits < JSONTREE_EXACT_DIGITS)
				m = m * 10 + (uint64_t)(s[i] - '0');
		}
	}
	if (i < jt->len && s[i] == '.') {
		i++;
		if (i >= jt->len || !jsontree_digit(s[i]))
			return (-1);
		for (; i < jt->len && jsontree_digit(s[i]); i++, frac++) {
			if (digits + frac < JSONTREE_EXACT_DIGITS)
				m = m * 10 + (uint64_t)(s[i] - '0');
		}
	}
	if (i < jt->len && (s[i] == 'e' || s[i] == 'E')) {
		expo = 1;
		i++;
		if (i < jt->len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= jt->len || !jsontree_digit(s[i]))
			return (-1);
		while (i < jt->len && jsontree_digit(s[i]))
			i++;
	}
	/* What cJSON would read differently, or not at all. */
	if (i - start > JSONTREE_NUM_MAX || (i < jt->len && (s[i] == '.' ||
	    s[i] == '+' || s[i] == '-' || s[i] == 'e' || s[i] == 'E' ||
	    jsontree_digit(s[i]))))
		return (-1);
	if (!expo && digits + frac <= JSONTREE_EXACT_DIGITS &&
	    frac <= JSONTREE_EXACT_POW10) {
		n->valuedouble = (double)m / jsontree_pow10[frac];
		if (neg)
			n->valuedouble = -n->valuedouble;
	} else {
		memcpy(buf, s + start, i - start);
		buf[i - start] = '\0';
		if (jt->dp != '.' && (end = strchr(buf, '.')) != NULL)
			*end = jt->dp;
		n->valuedouble = strtod(buf, &end);
		if (end != buf + (i - start))
			return (-1);
	}
	n->type = cJSON_Number;
	n->valueint = (int)start;
	jt->i = i;
	return (0);
}

/* Links child c after *last under parent p. */
static void
jsontree_link(cJSON *p, cJSON **last, cJSON *c)
{
	if (*last == NULL)
		p->child = c;
	else {
		(*last)->next = c;
		c->prev = *last;
	}
	*last = c;
}

/*
 * Reads an array (type cJSON_Array, closed by ']') or an object
 * (cJSON_Object, '}', each member a name, ':' and a value) at s[i].
 */
static int
jsontree_container(struct jsontree *jt, cJSON *n, int type, char close)
{
	cJSON	*c, *last = NULL;

	n->type = type;
	if (++jt->depth > FEEDJSON_DEPTH_MAX)
		return (-1);
	jt->i++;
	jsontree_ws(jt);
	if (jt->i < jt->len && jt->s[jt->i] == close)
		goto end;
	for (;;) {
		if (type == cJSON_Object &&
		    (jt->i >= jt->len || jt->s[jt->i] != '"'))
			return (-1);
		c = jsontree_node(jt);
		if (type == cJSON_Object) {
			if (jsontree_string(jt, &c->string) == -1)
				return (-1);
			jsontree_ws(jt);
			if (jt->i >= jt->len || jt->s[jt->i] != ':')
				return (-1);
			jt->i++;
			jsontree_ws(jt);
		}
		if (jsontree_value(jt, c) == -1)
			return (-1);
		jsontree_link(n, &last, c);
		jsontree_ws(jt);
		if (jt->i >= jt->len)
			return (-1);
		if (jt->s[jt->i] == close)
			break;
		if (jt->s[jt->i] != ',')
			return (-1);
		jt->i++;
		jsontree_ws(jt);
	}
end:
	if (n->child != NULL)
		n->child->prev = last;
	jt->i++;
	jt->depth--;
	return (0);
}

/* Reads the value at s[i]; white space before it is already skipped. */
static int
jsontree_value(struct jsontree *jt, cJSON *n)
{
	const unsigned char	*p = jt->s + jt->i;
	size_t			 left = jt->len - jt->i;

	if (left == 0)
		return (-1);
	switch (p[0]) {
	case '"':
		n->type = cJSON_String;
		return (jsontree_string(jt, &n->valuestring));
	case '{':
		return (jsontree_container(jt, n, cJSON_Object, '}'));
	case '[':
		return (jsontree_container(jt, n, cJSON_Array, ']'));
	case 't':
		if (left < 4 || memcmp(p, "true", 4) != 0)
			return (-1);
		n->type = cJSON_True;
		n->valueint = 1;
		jt->i += 4;
		return (0);
	case 'f':
		if (left < 5 || memcmp(p, "false", 5) != 0)
			return (-1);
		n->type = cJSON_False;
		jt->i += 5;
		return (0);
	case 'n':
		if (left < 4 || memcmp(p, "null", 4) != 0)
			return (-1);
		n->type = cJSON_NULL;
		jt->i += 4;
		return (0);
	default:
		return (jsontree_number(jt, n));
	}
}

cJSON *
jsontree_parse(const char *s, size_t len, size_t start, struct arena *a)
{
	struct jsontree	 jt;
	cJSON		*root;

	if (len > INT_MAX)
		return (NULL);
	memset(&jt, 0, sizeof(jt));
	jt.s = (const unsigned char *)s;
	jt.len = len;
	jt.i = start;
	jt.a = a;
	jt.dp = *localeconv()->decimal_point;
	jsontree_ws(&jt);
	root = jsontree_node(&jt);
	if (jsontree_value(&jt, root) == -1)
		return (NULL);
	jsontree_ws(&jt);
	if (jt.i != len)
		return (NULL);
	return (root);
}
