/* SPDX-License-Identifier: ISC */
/*
 * json_path: the path syntax of the json kind, for collectors/json.c.
 *
 * A path is member names separated by dots ("data.items"), [N] for
 * element N (from 0; [-1] is the last), [*] or .* for every element of
 * an array or every member of an object, with a leading "$" or "$."
 * allowed and ignored.  A name holding dots, brackets or quotes is
 * quoted: 'a.b', "a.b" or ["a.b"] (a backslash escapes the next
 * character).  In a field path (relative to a row) [*] is refused and
 * the whole path "@key" names the member under which a [*] over an
 * object found the row.
 */
#ifndef COLLECTORS_JSON_PATH_H
#define COLLECTORS_JSON_PATH_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct json_path_seg;

struct json_path {
	struct json_path_seg	*segs;
	size_t			 nsegs;
};

/* A growable string: the concrete path a message names. */
struct json_path_text {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

/* A row found by a rows path. */
struct json_path_row {
	const cJSON	*node;
	char		*path;		/* "data.items[3]"; "" for the top */
	const char	*key;		/* member name for @key, or NULL */
};

struct json_path_rows {
	struct json_path_row	*v;
	size_t			 n;
	size_t			 cap;
};

/*
 * Parses text into p (field: a path relative to a row).  Returns 0, or
 * -1 with "what: expected a path ..., got ... (why)" in err.
 */
int	json_path_parse(const char *, int, const char *, struct json_path *,
	    char *, size_t);
void	json_path_free(struct json_path *);

/*
 * Finds the rows p leads to from root: the elements of an array it ends
 * on, the object it ends on, or whatever a final [*] reaches.  Returns 0
 * with rows filled (free with json_path_rows_free; they point into
 * root), or -1 with a message such as 'data has no "items" member'.
 */
int	json_path_rows(const cJSON *, const struct json_path *,
	    struct json_path_rows *, char *, size_t);
void	json_path_rows_free(struct json_path_rows *);

/*
 * Finds field path p in row r.  Returns 1 with *out set (or *keytext,
 * for "@key"), 0 if a member or element on the way is absent or null (a
 * message in err), or -1 with a message if a step meets the wrong type.
 * t is left holding the concrete path the message names; on success it
 * is not touched (json_path_trace gives the path then).
 */
int	json_path_get(const struct json_path_row *, const struct json_path *,
	    const cJSON **, const char **, struct json_path_text *, char *,
	    size_t);
/*
 * The member name field path p starts with ("close" in "close.last"), or
 * NULL if it starts with an index or is "@key".  A caller that looks
 * that member up in an object row itself (the first member of that name,
 * as json_path_get would) and finds it continues with
 * json_path_get_after.
 */
const char	*json_path_first_member(const struct json_path *);
/*
 * As json_path_get, with first the member of object row r named by
 * json_path_first_member(p) (never NULL): the rest of p from there.
 */
int	json_path_get_after(const struct json_path_row *,
	    const struct json_path *, const cJSON *, const cJSON **,
	    const char **, struct json_path_text *, char *, size_t);
/* Sets t to the concrete path of field path p in row r: "data[3].close". */
void	json_path_trace(const struct json_path_row *, const struct json_path *,
	    struct json_path_text *);

/* The concrete path in t, or "response" when it is the top. */
const char	*json_path_where(const struct json_path_text *);
/* "null", "true", "a number", "an array", ... for messages. */
const char	*json_path_type(const cJSON *);

#endif
