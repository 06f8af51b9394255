/* SPDX-License-Identifier: ISC */
/*
 * jsontree: a fast reader of strict JSON for feedjson, building the very
 * tree cJSON 1.7.15 would build, node for node, but in an arena: one
 * allocation per parse instead of two or three per value.
 *
 * It takes on only text that both it and cJSON read the same way, and
 * says "not mine" for anything else, so feedjson then hands the body to
 * cJSON and its own checks, which find the error (if any) and name it
 * exactly as before.  Not its own: a syntax error, any byte that is not
 * JSON's own white space between tokens, a control character or invalid
 * UTF-8 in a string, "\u" escapes, numbers longer than cJSON reads
 * (63 bytes) or with a trailing digit or sign it would take (cJSON reads
 * "01" as 1), nesting deeper than FEEDJSON_DEPTH_MAX, and a body longer
 * than INT_MAX.
 *
 * Each number node's valueint is its token's byte offset, as feedjson
 * sets it; valuedouble is what cJSON's strtod gives.
 */
#ifndef COLLECTORS_JSONTREE_H
#define COLLECTORS_JSONTREE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/arena.h"

/*
 * Reads the JSON value in s[start..len) (s NUL-terminated at s[len]) into
 * nodes and strings allocated from a.  Returns the root, or NULL if the
 * text is not one this reader takes on (a may then hold garbage: free it).
 * Never call cJSON_Delete on the tree: arena_deinit frees it.
 */
cJSON	*jsontree_parse(const char *, size_t, size_t, struct arena *);

#endif
