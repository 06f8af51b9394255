/* SPDX-License-Identifier: ISC */
/*
 * feedjson: one JSON document of a source API, checked before cJSON sees
 * it and with the exact text of its numbers kept; see feedjson.h.
 *
 * The fast path, jsontree, takes on a body only if the slow one (the
 * checks of feedjson_scan, cJSON, the number map) would accept it and
 * build the same tree; on anything else it gives up and the slow path
 * runs from the start, so errors are found and named in one place.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collectors/feedjson.h"
#include "collectors/generic.h"
#include "collectors/jsontree.h"
#include "util/parse.h"

/* The most one parse's arena takes at first. */
#define FEEDJSON_ARENA_MAX	(1024 * 1024)
/* The biggest arena block kept from one parse for the next. */
#define FEEDJSON_SPARE_MAX	(64 * 1024)

/*
 * The arena of the last parse, emptied down to one block of at most
 * FEEDJSON_SPARE_MAX bytes, for the next: a feed polled again and again
 * then reads its body into memory already there instead of a malloc
 * and a free of the same blocks each time.  A parse takes it only if it
 * holds the parse's first estimate; one in use (two trees alive at
 * once) leaves the other parse a fresh arena.
 */
static struct arena	feedjson_spare;

/* An emptied arena for a body of len bytes into a. */
static void
feedjson_arena_take(struct arena *a, size_t len)
{
	size_t	size;

	/* Nodes and strings take about twice the text; more blocks follow
	 * if not. */
	size = len < FEEDJSON_ARENA_MAX / 2 ? 2 * len + 1024 :
	    FEEDJSON_ARENA_MAX;
	if (feedjson_spare.blocks != NULL && feedjson_spare.left >= size) {
		*a = feedjson_spare;
		memset(&feedjson_spare, 0, sizeof(feedjson_spare));
		return;
	}
	arena_init(a, size);
}

/* Gives a's memory back: kept as the spare, or freed. */
static void
feedjson_arena_give(struct arena *a)
{
	arena_empty(a, FEEDJSON_SPARE_MAX);
	if (a->blocks != NULL && (feedjson_spare.blocks == NULL ||
	    feedjson_spare.left < a->left)) {
		arena_deinit(&feedjson_spare);
		feedjson_spare = *a;
		memset(a, 0, sizeof(*a));
	} else
		arena_deinit(a);
}

/*
 * Checks what cJSON does not: no NUL, valid UTF-8, no "\u0000", nesting
 * within FEEDJSON_DEPTH_MAX.  *open_string is set to 1 + the offset of a
 * string still open at the end (0 if none), to tell a truncated body
 * apart.  Returns 0 or -1.
 */
static int
feedjson_scan(const char *body, size_t len, size_t start, size_t *open_string,
    char *err, size_t errlen)
{
	const char	*nul;
	size_t		 i, depth = 0, str = 0, bad;
	int		 in_str = 0;

	if ((nul = memchr(body, '\0', len)) != NULL) {
		snprintf(err, errlen, "not JSON: NUL byte at byte %zu",
		    (size_t)(nul - body));
		return (-1);
	}
	if ((bad = generic_utf8_bad(body, len)) != len) {
		snprintf(err, errlen, "not JSON: invalid UTF-8 at byte %zu "
		    "(JSON must be UTF-8)", bad);
		return (-1);
	}
	for (i = start; i < len; i++) {
		if (in_str) {
			if (body[i] == '\\') {
				if (i + 5 < len && body[i + 1] == 'u' &&
				    memcmp(body + i + 2, "0000", 4) == 0) {
					snprintf(err, errlen, "\"\\u0000\" at "
					    "byte %zu: NUL characters in "
					    "strings are not supported", i);
					return (-1);
				}
				i++;
			} else if (body[i] == '"')
				in_str = 0;
			continue;
		}
		if (body[i] == '"') {
			in_str = 1;
			str = i;
		} else if (body[i] == '[' || body[i] == '{') {
			if (++depth > FEEDJSON_DEPTH_MAX) {
				snprintf(err, errlen, "not JSON we accept: "
				    "nested deeper than %d levels at byte %zu",
				    FEEDJSON_DEPTH_MAX, i);
				return (-1);
			}
		} else if ((body[i] == ']' || body[i] == '}') && depth > 0)
			depth--;
	}
	*open_string = in_str ? str + 1 : 0;
	return (0);
}

static int
feedjson_numchar(char c)
{
	return ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
	    c == 'e' || c == 'E');
}

/* Finds the next number token at or after *pos, outside strings. */
static int
feedjson_next_number(const char *body, size_t len, size_t *pos, size_t *off)
{
	size_t	i = *pos;

	while (i < len) {
		if (body[i] == '"') {
			for (i++; i < len && body[i] != '"'; i++) {
				if (body[i] == '\\')
					i++;
			}
			i++;
		} else if (body[i] == '-' || (body[i] >= '0' &&
		    body[i] <= '9')) {
			*off = i;
			while (i < len && feedjson_numchar(body[i]))
				i++;
			*pos = i;
			return (0);
		} else
			i++;
	}
	return (-1);
}

/*
 * Stores in each number node's valueint the offset of its token: cJSON
 * builds the tree in document order, so a pre-order walk meets the
 * numbers in the order the scan finds their tokens.  The recursion is
 * as deep as the tree, which feedjson_scan bounded.
 */
static int
feedjson_number_map(cJSON *node, const char *body, size_t len, size_t *pos)
{
	size_t	off;

	for (; node != NULL; node = node->next) {
		if (cJSON_IsNumber(node)) {
			if (feedjson_next_number(body, len, pos, &off) == -1 ||
			    off > INT_MAX)
				return (-1);
			node->valueint = (int)off;
		} else if (node->child != NULL &&
		    feedjson_number_map(node->child, body, len, pos) == -1)
			return (-1);
	}
	return (0);
}

static void
feedjson_syntax_error(const char *body, size_t len, size_t start,
    const char *end, size_t open_string, char *err, size_t errlen)
{
	size_t	pos = end != NULL ? (size_t)(end - body) : 0, i;
	char	q[PARSE_QUOTE_BUFLEN];

	for (i = start; i < len && strchr(" \t\r\n", body[i]) != NULL; i++)
		;
	/* An open string at the end matters only if cJSON got that far. */
	if (open_string > 0 && pos + 1 >= open_string)
		snprintf(err, errlen, "not JSON: the string at byte %zu never "
		    "ends (truncated?)", open_string - 1);
	else if (pos >= len)
		snprintf(err, errlen, "not JSON: unexpected end at byte %zu "
		    "(truncated?)", len);
	else {
		parse_quote(body + pos, 1, q, sizeof(q));
		snprintf(err, errlen, "not JSON: unexpected \"%s\" at byte "
		    "%zu%s", q, pos, i < len && body[i] == '<' ?
		    " (an HTML error page?)" : "");
	}
}

int
feedjson_parse(struct feedjson *fj, const char *body, size_t len, char *err,
    size_t errlen)
{
	const char	*end = NULL;
	size_t		 start = 0, open_string, i, pos;

	memset(fj, 0, sizeof(*fj));
	fj->body = body;
	fj->len = len;
	if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
		start = 3;
	for (i = start; i < len && strchr(" \t\r\n", body[i]) != NULL; i++)
		;
	if (i == len) {
		snprintf(err, errlen, "empty body (expected JSON)");
		return (-1);
	}
	feedjson_arena_take(&fj->arena, len);
	if ((fj->root = jsontree_parse(body, len, start, &fj->arena)) != NULL)
		return (0);
	feedjson_arena_give(&fj->arena);
	fj->cjson = 1;
	if (feedjson_scan(body, len, start, &open_string, err, errlen) == -1)
		return (-1);
	/*
	 * The length counts body[len], the NUL, as cJSON_ParseWithOpts
	 * does: an early end then shows as an error at len, and cJSON
	 * never reads past the buffer.
	 */
	fj->root = cJSON_ParseWithLengthOpts(body + start, len - start + 1,
	    &end, 1);
	if (fj->root == NULL) {
		feedjson_syntax_error(body, len, start, end, open_string, err,
		    errlen);
		return (-1);
	}
	pos = start;
	if (feedjson_number_map(fj->root, body, len, &pos) == -1) {
		snprintf(err, errlen, "internal error: the numbers of the "
		    "body and of cJSON's tree differ");
		feedjson_free(fj);
		return (-1);
	}
	return (0);
}

void
feedjson_free(struct feedjson *fj)
{
	if (fj->cjson)
		cJSON_Delete(fj->root);
	feedjson_arena_give(&fj->arena);
	fj->root = NULL;
	fj->cjson = 0;
}

int
feedjson_number(const struct feedjson *fj, const cJSON *n, char *out,
    size_t outlen)
{
	size_t	off, e;

	if (!cJSON_IsNumber(n) || n->valueint < 0)
		return (-1);
	off = (size_t)n->valueint;
	if (off >= fj->len)
		return (-1);
	for (e = off; e < fj->len && feedjson_numchar(fj->body[e]); e++)
		;
	if (e - off >= outlen)
		return (-1);
	memcpy(out, fj->body + off, e - off);
	out[e - off] = '\0';
	return (0);
}

const char *
feedjson_text(const struct feedjson *fj, const cJSON *n, char *num,
    size_t numlen, int *isnum)
{
	*isnum = 0;
	if (cJSON_IsString(n))
		return (n->valuestring);
	if (cJSON_IsNumber(n) && feedjson_number(fj, n, num, numlen) == 0) {
		*isnum = 1;
		return (num);
	}
	return (NULL);
}

const char *
feedjson_type(const cJSON *n)
{
	if (n == NULL)
		return ("nothing");
	if (cJSON_IsNull(n))
		return ("null");
	if (cJSON_IsTrue(n))
		return ("true");
	if (cJSON_IsFalse(n))
		return ("false");
	if (cJSON_IsNumber(n))
		return ("a number");
	if (cJSON_IsString(n))
		return ("a string");
	if (cJSON_IsArray(n))
		return ("an array");
	if (cJSON_IsObject(n))
		return ("an object");
	return ("an unknown value");
}

const cJSON *
feedjson_get(const cJSON *o, const char *name)
{
	if (!cJSON_IsObject(o))
		return (NULL);
	return (cJSON_GetObjectItemCaseSensitive(o, name));
}

void
feedjson_excerpt(const char *s, size_t max, char *out, size_t outlen)
{
	size_t	n = strlen(s), i;

	if (outlen < 4) {
		if (outlen > 0)
			out[0] = '\0';
		return;
	}
	if (max > outlen - 4)
		max = outlen - 4;
	if (n > max) {
		n = max;
		/* Back off to the start of a UTF-8 character. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++)
		out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? ' ' :
		    s[i];
	if (s[n] != '\0') {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}
