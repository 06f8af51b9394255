/* SPDX-License-Identifier: ISC */
/*
 * json_path: the paths of the json kind (see json_path.h): parsing them,
 * finding the rows of a cJSON tree and the fields of a row, and the text
 * of the concrete path ("data.items[3].close") every message starts
 * with.  Walks recurse once per path segment, never per JSON level.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collectors/json_path.h"
#include "util/xmalloc.h"

#define JSON_PATH_EXPECTED \
	"a path such as \"data.items\", \"$.data[*]\" or \"rates[*]\""

enum json_path_seg_type {
	JSON_PATH_MEMBER,
	JSON_PATH_INDEX,
	JSON_PATH_ALL,
	JSON_PATH_KEY,
};

struct json_path_seg {
	enum json_path_seg_type	 type;
	char			*name;		/* JSON_PATH_MEMBER */
	long			 index;		/* JSON_PATH_INDEX */
};
static void
json_path_text_add(struct json_path_text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		while (t->len + n + 1 > t->cap)
			t->cap = t->cap == 0 ? 64 : t->cap * 2;
		t->s = xreallocarray(t->s, t->cap, 1);
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void
json_path_text_cut(struct json_path_text *t, size_t len)
{
	t->len = len;
	if (t->s != NULL)
		t->s[len] = '\0';
}

static void
json_path_text_set(struct json_path_text *t, const char *s)
{
	json_path_text_cut(t, 0);
	json_path_text_add(t, s, strlen(s));
}

/* Appends a member name as ".name", or ["name"] when it needs quotes. */
static void
json_path_text_name(struct json_path_text *t, const char *name)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p;
	char			 esc[6];
	size_t			 n;

	n = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_");
	if (n > 0 && name[n] == '\0' && !(name[0] >= '0' && name[0] <= '9')) {
		if (t->len > 0)
			json_path_text_add(t, ".", 1);
		json_path_text_add(t, name, n);
		return;
	}
	json_path_text_add(t, "[\"", 2);
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			json_path_text_add(t, esc, 2);
		} else if (*p < 0x20) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 0xf];
			json_path_text_add(t, esc, 6);
		} else
			json_path_text_add(t, (const char *)p, 1);
	}
	json_path_text_add(t, "\"]", 2);
}

/* Appends "[i]"; by hand, as every row's path has one. */
static void
json_path_text_index(struct json_path_text *t, long i)
{
	char		 buf[32], *p = buf + sizeof(buf);
	unsigned long	 u = i < 0 ? -(unsigned long)i : (unsigned long)i;

	*--p = ']';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (i < 0)
		*--p = '-';
	*--p = '[';
	json_path_text_add(t, p, (size_t)(buf + sizeof(buf) - p));
}

/* Where a path points, for messages. */
const char *
json_path_where(const struct json_path_text *t)
{
	return (t->len > 0 ? t->s : "response");
}

const char *
json_path_type(const cJSON *n)
{
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
	return ("an object");
}

void
json_path_free(struct json_path *p)
{
	size_t	i;

	for (i = 0; i < p->nsegs; i++)
		free(p->segs[i].name);
	free(p->segs);
	memset(p, 0, sizeof(*p));
}

static struct json_path_seg *
json_path_add(struct json_path *p, enum json_path_seg_type type)
{
	struct json_path_seg	*s;

	p->segs = xreallocarray(p->segs, p->nsegs + 1, sizeof(*p->segs));
	s = &p->segs[p->nsegs++];
	memset(s, 0, sizeof(*s));
	s->type = type;
	return (s);
}

/* Reads a quoted name at *sp (on its quote); returns it, or NULL. */
static char *
json_path_quoted(const char **sp)
{
	const char	*s = *sp;
	char		 q = *s++, *name, *o;

	name = o = xmalloc(strlen(s) + 1);
	while (*s != q) {
		if (*s == '\0') {
			free(name);
			return (NULL);
		}
		if (*s == '\\' && s[1] != '\0')
			s++;
		*o++ = *s++;
	}
	*o = '\0';
	*sp = s + 1;
	return (name);
}

/* Reads "[...]" at *sp (past the '['); returns NULL or why not. */
static const char *
json_path_bracket(const char **sp, struct json_path *p)
{
	const char		*s = *sp;
	char			*end;
	struct json_path_seg	*seg;

	if (s[0] == '*' && s[1] == ']') {
		json_path_add(p, JSON_PATH_ALL);
		*sp = s + 2;
	} else if (*s == '"' || *s == '\'') {
		seg = json_path_add(p, JSON_PATH_MEMBER);
		if ((seg->name = json_path_quoted(&s)) == NULL)
			return ("a quoted name never ends");
		if (*s != ']')
			return ("expected \"]\" after a quoted name");
		*sp = s + 1;
	} else if (*s == '-' || (*s >= '0' && *s <= '9')) {
		seg = json_path_add(p, JSON_PATH_INDEX);
		seg->index = strtol(s, &end, 10);
		if (end == s || *end != ']' || seg->index == LONG_MIN ||
		    seg->index == LONG_MAX)
			return ("expected an index such as [0]");
		*sp = end + 1;
	} else
		return ("expected a number, * or a quoted name after \"[\"");
	return (NULL);
}

/* Reads a name, quoted name or * at *sp; returns NULL or why not. */
static const char *
json_path_name(const char **sp, struct json_path *p)
{
	const char		*s = *sp, *e;
	struct json_path_seg	*seg;

	if (s[0] == '*' && (s[1] == '\0' || s[1] == '.' || s[1] == '[')) {
		json_path_add(p, JSON_PATH_ALL);
		*sp = s + 1;
		return (NULL);
	}
	seg = json_path_add(p, JSON_PATH_MEMBER);
	if (*s == '"' || *s == '\'') {
		if ((seg->name = json_path_quoted(sp)) == NULL)
			return ("a quoted name never ends");
		return (NULL);
	}
	e = s + strcspn(s, ".[]");
	if (*e == ']')
		return ("unexpected \"]\"");
	if (e == s)
		return ("empty name");
	seg->name = xstrndup(s, (size_t)(e - s));
	*sp = e;
	return (NULL);
}

/*
 * Parses text into p.  field: a path relative to a row, where "@key" is
 * allowed and [*] is not.  Returns 0, or -1 with "what: ..." in err.
 */
int
json_path_parse(const char *text, int field, const char *what,
    struct json_path *p, char *err, size_t errlen)
{
	const char	*s = text, *why = NULL;
	size_t		 i;

	memset(p, 0, sizeof(*p));
	if (field && strcmp(text, "@key") == 0) {
		json_path_add(p, JSON_PATH_KEY);
		return (0);
	}
	if (s[0] == '$' && (s[1] == '\0' || s[1] == '.' || s[1] == '['))
		s++;
	while (*s != '\0' && why == NULL) {
		if (*s == '[') {
			s++;
			why = json_path_bracket(&s, p);
			continue;
		}
		/* Names are separated by dots; the first needs none. */
		if (*s == '.')
			s++;
		else if (s != text && !(s == text + 1 && *text == '$')) {
			why = "expected \".\" or \"[\" between names";
			break;
		}
		why = json_path_name(&s, p);
	}
	for (i = 0; why == NULL && field && i < p->nsegs; i++) {
		if (p->segs[i].type == JSON_PATH_ALL)
			why = "[*] is only for the rows path";
	}
	if (why == NULL)
		return (0);
	snprintf(err, errlen, "%s: expected %s, got \"%s\" (%s)", what,
	    JSON_PATH_EXPECTED, text, why);
	json_path_free(p);
	return (-1);
}

static const cJSON *
json_path_member(const cJSON *obj, const char *name)
{
	const cJSON	*c;

	for (c = obj->child; c != NULL; c = c->next) {
		if (c->string != NULL && strcmp(c->string, name) == 0)
			return (c);
	}
	return (NULL);
}

/* Element i of arr (negative: from the end), or NULL; *n its size. */
static const cJSON *
json_path_element(const cJSON *arr, long i, long *n)
{
	const cJSON	*c;
	long		 k;

	*n = cJSON_GetArraySize(arr);
	if (i < 0)
		i += *n;
	if (i < 0 || i >= *n)
		return (NULL);
	for (c = arr->child, k = 0; c != NULL && k < i; c = c->next, k++)
		;
	return (c);
}

static void
json_path_rows_add(struct json_path_rows *rows, const cJSON *node,
    const char *path, const char *key)
{
	if (rows->n == rows->cap) {
		rows->cap = rows->cap == 0 ? 64 : rows->cap * 2;
		rows->v = xreallocarray(rows->v, rows->cap, sizeof(*rows->v));
	}
	rows->v[rows->n].node = node;
	rows->v[rows->n].path = xstrdup(path);
	rows->v[rows->n].key = key;
	rows->n++;
}

/*
 * Takes one member or index step from node, appending it to t.  Returns
 * 1 with *child set, 0 if the member or element is absent, or -1 if
 * node has the wrong type; both with a message.
 */
static int
json_path_step(const cJSON *node, const struct json_path_seg *seg,
    struct json_path_text *t, const cJSON **child, char *err, size_t errlen)
{
	long	n;

	if (seg->type == JSON_PATH_MEMBER) {
		if (!cJSON_IsObject(node)) {
			snprintf(err, errlen, "%s: expected an object with "
			    "\"%s\", got %s", json_path_where(t), seg->name,
			    json_path_type(node));
			return (-1);
		}
		if ((*child = json_path_member(node, seg->name)) == NULL) {
			snprintf(err, errlen, "%s has no \"%s\" member",
			    json_path_where(t), seg->name);
			return (0);
		}
		json_path_text_name(t, seg->name);
		return (1);
	}
	if (!cJSON_IsArray(node)) {
		snprintf(err, errlen, "%s: expected an array for [%ld], got %s",
		    json_path_where(t), seg->index, json_path_type(node));
		return (-1);
	}
	if ((*child = json_path_element(node, seg->index, &n)) == NULL) {
		snprintf(err, errlen, "%s has no element [%ld] (it has %ld)",
		    json_path_where(t), seg->index, n);
		return (0);
	}
	json_path_text_index(t, seg->index);
	return (1);
}

/* Where a rows path ends: the node's rows. */
static int
json_path_rows_end(const cJSON *node, const struct json_path *p,
    struct json_path_text *t, const char *key, struct json_path_rows *rows,
    char *err, size_t errlen)
{
	const cJSON	*c;
	size_t		 mark = t->len;
	long		 k;

	if ((p->nsegs > 0 && p->segs[p->nsegs - 1].type == JSON_PATH_ALL) ||
	    cJSON_IsObject(node)) {
		json_path_rows_add(rows, node, t->len > 0 ? t->s : "", key);
		return (0);
	}
	if (!cJSON_IsArray(node)) {
		snprintf(err, errlen, "%s: expected an array or an object of "
		    "rows, got %s", json_path_where(t), json_path_type(node));
		return (-1);
	}
	for (c = node->child, k = 0; c != NULL; c = c->next, k++) {
		json_path_text_index(t, k);
		json_path_rows_add(rows, c, t->s, key);
		json_path_text_cut(t, mark);
	}
	return (0);
}

/* Follows the rows path from segment i at node; 0 or -1. */
static int
json_path_rows_walk(const cJSON *node, const struct json_path *p,
    size_t i, struct json_path_text *t, const char *key,
    struct json_path_rows *rows, char *err, size_t errlen)
{
	const struct json_path_seg	*seg;
	const cJSON			*c = NULL;
	size_t				 mark = t->len;
	long				 k;
	int				 obj;

	if (i == p->nsegs)
		return (json_path_rows_end(node, p, t, key, rows, err, errlen));
	seg = &p->segs[i];
	switch (seg->type) {
	case JSON_PATH_MEMBER:
	case JSON_PATH_INDEX:
		if (json_path_step(node, seg, t, &c, err, errlen) != 1)
			return (-1);
		if (json_path_rows_walk(c, p, i + 1, t, key, rows, err,
		    errlen) == -1)
			return (-1);
		break;
	case JSON_PATH_ALL:
		obj = cJSON_IsObject(node);
		if (!obj && !cJSON_IsArray(node)) {
			snprintf(err, errlen, "%s: expected an array or an "
			    "object for [*], got %s", json_path_where(t),
			    json_path_type(node));
			return (-1);
		}
		for (c = node->child, k = 0; c != NULL; c = c->next, k++) {
			if (obj)
				json_path_text_name(t, c->string);
			else
				json_path_text_index(t, k);
			if (json_path_rows_walk(c, p, i + 1, t, obj ?
			    c->string : key, rows, err, errlen) == -1)
				return (-1);
			json_path_text_cut(t, mark);
		}
		break;
	case JSON_PATH_KEY:
	default:
		snprintf(err, errlen, "@key is not a rows path");
		return (-1);
	}
	json_path_text_cut(t, mark);
	return (0);
}

/* json_path_step without the text or a message: 1, 0 or -1 as it. */
static int
json_path_step_quiet(const cJSON *node, const struct json_path_seg *seg,
    const cJSON **child)
{
	long	n;

	if (seg->type == JSON_PATH_MEMBER) {
		if (!cJSON_IsObject(node))
			return (-1);
		return ((*child = json_path_member(node, seg->name)) != NULL);
	}
	if (!cJSON_IsArray(node))
		return (-1);
	return ((*child = json_path_element(node, seg->index, &n)) != NULL);
}

/* Sets t to the concrete path of p's first n segments from row r. */
static void
json_path_text_prefix(struct json_path_text *t, const struct json_path_row *r,
    const struct json_path *p, size_t n)
{
	size_t	i;

	json_path_text_set(t, r->path);
	for (i = 0; i < n; i++) {
		if (p->segs[i].type == JSON_PATH_MEMBER)
			json_path_text_name(t, p->segs[i].name);
		else if (p->segs[i].type == JSON_PATH_INDEX)
			json_path_text_index(t, p->segs[i].index);
	}
}

void
json_path_trace(const struct json_path_row *r, const struct json_path *p,
    struct json_path_text *t)
{
	json_path_text_prefix(t, r, p, p->nsegs);
}

/*
 * Follows p from segment i0 at node, which segment i0 - 1 reached (r's
 * node if i0 is 0).  The text of the path is built only for a message:
 * a step that fails is taken again by json_path_step, which names it.
 */
static int
json_path_get_at(const struct json_path_row *r, const struct json_path *p,
    size_t i0, const cJSON *node, const cJSON **out, const char **keytext,
    struct json_path_text *t, char *err, size_t errlen)
{
	const cJSON	*c = NULL;
	size_t		 i;

	*keytext = NULL;
	for (i = i0; i < p->nsegs; i++) {
		if (i > 0 && cJSON_IsNull(node)) {
			json_path_text_prefix(t, r, p, i);
			snprintf(err, errlen, "%s is null", json_path_where(t));
			return (0);
		}
		switch (p->segs[i].type) {
		case JSON_PATH_KEY:
			if (r->key == NULL) {
				json_path_text_prefix(t, r, p, i);
				snprintf(err, errlen, "%s: @key: this row was "
				    "not found under a member name (@key needs "
				    "rows ending in [*] over an object)",
				    json_path_where(t));
				return (-1);
			}
			*keytext = r->key;
			return (1);
		case JSON_PATH_MEMBER:
		case JSON_PATH_INDEX:
			if (json_path_step_quiet(node, &p->segs[i], &c) != 1) {
				json_path_text_prefix(t, r, p, i);
				return (json_path_step(node, &p->segs[i], t, &c,
				    err, errlen));
			}
			break;
		case JSON_PATH_ALL:
		default:
			json_path_text_prefix(t, r, p, i);
			snprintf(err, errlen, "[*] in a field path");
			return (-1);
		}
		node = c;
	}
	*out = node;
	return (1);
}

int
json_path_get(const struct json_path_row *r, const struct json_path *p,
    const cJSON **out, const char **keytext, struct json_path_text *t,
    char *err, size_t errlen)
{
	return (json_path_get_at(r, p, 0, r->node, out, keytext, t, err,
	    errlen));
}

const char *
json_path_first_member(const struct json_path *p)
{
	if (p->nsegs == 0 || p->segs[0].type != JSON_PATH_MEMBER)
		return (NULL);
	return (p->segs[0].name);
}

int
json_path_get_after(const struct json_path_row *r, const struct json_path *p,
    const cJSON *first, const cJSON **out, const char **keytext,
    struct json_path_text *t, char *err, size_t errlen)
{
	return (json_path_get_at(r, p, 1, first, out, keytext, t, err,
	    errlen));
}

int
json_path_rows(const cJSON *root, const struct json_path *p,
    struct json_path_rows *rows, char *err, size_t errlen)
{
	struct json_path_text	t;
	int			rc;

	memset(&t, 0, sizeof(t));
	memset(rows, 0, sizeof(*rows));
	rc = json_path_rows_walk(root, p, 0, &t, NULL, rows, err, errlen);
	free(t.s);
	return (rc);
}

void
json_path_rows_free(struct json_path_rows *rows)
{
	size_t	i;

	for (i = 0; i < rows->n; i++)
		free(rows->v[i].path);
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}
