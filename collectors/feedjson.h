/* SPDX-License-Identifier: ISC */
/*
 * feedjson: reading one JSON document of a source API (UN Comtrade, the
 * Federal Register, OpenSanctions) safely with cJSON 1.7.15, for the kinds
 * that know their source's format.  Owns the checks cJSON does not make
 * and the exact text of JSON numbers, which cJSON keeps only as a double.
 *
 * What a parse accepts and refuses, with messages that name the byte:
 *  - a UTF-8 byte order mark at the start is skipped (offsets in messages
 *    still count it);
 *  - an empty or all-blank body, a NUL byte, invalid UTF-8 anywhere,
 *    "\u0000" in a string (cJSON would silently cut the string there),
 *    nesting deeper than 1000 levels (cJSON's CJSON_NESTING_LIMIT; 1000
 *    itself is accepted, and is refused here before cJSON recurses) and
 *    any syntax error are errors;
 *  - a body whose first non-blank byte is '<' is named as a likely HTML
 *    error page.
 * Each number node's valueint is overwritten with the byte offset of its
 * token (nothing else reads valueint), so feedjson_number gives back the
 * token digit for digit: a value never goes through a double.
 *
 * Strict JSON, what sources send, is read in one pass by jsontree into an
 * arena; anything else (errors included) goes through the checks above
 * and cJSON, so what is accepted, the tree and every message stay
 * cJSON's.  Either way the tree is read-only and lives until
 * feedjson_free, which keeps the arena's last block (up to 64 KB) for
 * the next parse.
 */
#ifndef COLLECTORS_FEEDJSON_H
#define COLLECTORS_FEEDJSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/arena.h"

/* cJSON's CJSON_NESTING_LIMIT: its parser refuses anything deeper. */
#define FEEDJSON_DEPTH_MAX	1000
/* Holds the text of any number feedjson_number accepts. */
#define FEEDJSON_NUM_LEN	1100

struct feedjson {
	const char	*body;		/* borrowed: the whole body */
	size_t		 len;
	cJSON		*root;		/* owned */
	int		 cjson;		/* root is cJSON's, not in arena */
	struct arena	 arena;		/* jsontree's nodes and strings */
};

/*
 * Parses body[0..len), which must be NUL-terminated at body[len], into
 * fj->root; fj borrows body until feedjson_free.  Returns 0, or -1 with
 * a message in err ("not JSON: unexpected \"<\" at byte 0 (an HTML error
 * page?)") and fj->root NULL.
 */
int		 feedjson_parse(struct feedjson *, const char *, size_t,
		    char *, size_t);
void		 feedjson_free(struct feedjson *);

/*
 * Copies the exact text of the number node n (FEEDJSON_NUM_LEN bytes
 * suffice) into out.  Returns 0, or -1 if n is not a number of fj.
 */
int		 feedjson_number(const struct feedjson *, const cJSON *,
		    char *, size_t);

/*
 * The text of n if it is a string (its value) or a number (its exact
 * text, copied into num, which holds FEEDJSON_NUM_LEN bytes); NULL for
 * any other type.  *isnum tells which.
 */
const char	*feedjson_text(const struct feedjson *, const cJSON *, char *,
		    size_t, int *);

/* What n is, for messages: "null", "true", "a number", "an object"... */
const char	*feedjson_type(const cJSON *);

/*
 * Copies at most max bytes of the source's text s into out for an error
 * message: control characters become spaces, a cut falls between UTF-8
 * characters and is marked "...".  out must hold max + 4 bytes.
 */
void		 feedjson_excerpt(const char *, size_t, char *, size_t);

/* The member name of object o (first one if repeated), or NULL. */
const cJSON	*feedjson_get(const cJSON *, const char *);

#endif
