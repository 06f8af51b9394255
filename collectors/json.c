/* SPDX-License-Identifier: ISC */
/*
 * json: the generic JSON kind, for sources without a kind of their own.
 * A path (the rows option) finds the rows in the response; in each row,
 * relative paths find the period (period_field) and the values (values,
 * "field=>series_key[:unit]").  Owns the per-feed state (struct
 * json_feed) and the reading of the body; paths are json_path.c's, the
 * shared options generic.c's.
 *
 * The path syntax is in json_path.h.  A rows path that ends on an array
 * makes each element a row; one that ends on an object makes that
 * object the only row; one that ends in [*] makes whatever it reached a
 * row.  "@key" as a field is the member name under which a [*] over an
 * object found the row (rows = "rates[*]" over {"rates": {"2025-01-02":
 * {...}}}).
 *
 * A row's fields are found through an index of its members (struct
 * json_index, part of the feed's state), reused while the rows keep the
 * same members in the same order, from row to row and from one poll to
 * the next, instead of a search per field.
 *
 * Quirks handled:
 *  - JSON numbers keep their exact text: cJSON keeps only a double, so
 *    after parsing, the tree is walked in document order next to a scan
 *    of the body's number tokens, and each number node's valueint (which
 *    nothing else reads) is set to its token's byte offset.  A value
 *    never goes through a double; "1e400" is refused by decimal_normalize,
 *    not stored as inf.
 *  - A UTF-8 byte order mark at the start is skipped (cJSON would too).
 *  - NUL bytes, invalid UTF-8 anywhere, and "\u0000" in a string (cJSON
 *    would cut the string there, silently) are errors, named by byte.
 *  - Nesting deeper than 1000 (cJSON's limit) is an error before cJSON
 *    sees it; 1000 itself is accepted.  Every walk recurses at most
 *    that deep.
 *  - null, an absent member and the skip_values markers are missing
 *    values; any other non-number is an error, never a 0.  A mapped
 *    field absent from every one of two or more rows is an error (a
 *    typo in values, most likely).
 *  - A series given two values for one period in one body is an error.
 *  - Duplicate member names: the first one is used.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collectors/collector.h"
#include "collectors/feedjson.h"
#include "collectors/generic.h"
#include "collectors/json_path.h"
#include "util/arena.h"
#include "util/decimal.h"
#include "util/period.h"
#include "util/xmalloc.h"

/* The most the index keeps for the member names of a row between rows. */
#define JSON_INDEX_STRINGS_MAX	(16 * 1024)

/*
 * Where each field's first member is in a row.  Rows of an API nearly
 * always have the same members in the same order, poll after poll: a row
 * whose member names are those of the row indexed before, in order, has
 * its fields' first members at the same positions, which a strcmp per
 * member proves; only a row laid out otherwise is searched field by
 * field, and its names copied for the rows that follow.  Field i is
 * jf->fields[i], field nmaps the period.
 */
struct json_index {
	const cJSON	**members;	/* of the row at hand */
	char		**names;	/* of the row indexed last, in strings */
	size_t		  nmembers;
	size_t		  nnames;
	size_t		  cap;
	size_t		 *pos;		/* per field: member, or SIZE_MAX */
	int		  valid;	/* names and pos are set */
	struct arena	  strings;
};

struct json_feed {
	struct generic_opts	 g;
	struct json_path	 rows;
	struct json_path	 period;
	struct json_path	*fields;	/* one per g.maps[] */
	struct json_index	 index;		/* kept from parse to parse */
};

static const struct config_option json_options[] = {
	{ "feed", "rows", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "Where the rows are, as a path from the top of the response: "
	  "member names separated by dots, [N] for element N (from 0, [-1] "
	  "the last), [*] for every element of an array or member of an "
	  "object, names with dots quoted ('a.b' or [\"a.b\"]); e.g. "
	  "\"data.items\", \"$.data[*]\", \"rates[*]\".  A path ending on an "
	  "array makes each element a row, one ending on an object makes it "
	  "the only row.  Empty: the whole response." },
	{ "feed", "period_field", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "Path, relative to a row, of the row's period: e.g. \"date\", "
	  "\"[0]\" for [time, value] rows, or \"@key\" for the member name "
	  "a [*] over an object found the row under.  Required." },
	{ "feed", "period_format", CONFIG_STRING, "iso", 0, 0, NULL, 0,
	  "How periods are written: iso (2025-12-01, 2025-12, 2024-Q3, "
	  "2025-12-15T21:00:00Z, ...), unix (seconds), unix_ms "
	  "(milliseconds), yyyymm (202512), or a format with %Y %y %m %b %d "
	  "%H %M %S %f %z %q %F %T directives such as \"%d/%m/%Y\".  JSON "
	  "numbers are read by their exact text." },
	{ "feed", "timezone", CONFIG_STRING, "UTC", 0, 0, NULL, 0,
	  "Zone of times written without an offset: \"UTC\", a fixed "
	  "offset such as \"+03:00\", or a zone of the tz database such as "
	  "\"America/New_York\" (its offset on that date, daylight saving "
	  "followed).  Dates without a time and Unix times are never "
	  "shifted." },
	{ "feed", "values", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "What to store, as \"field=>series_key[:unit]\" entries, e.g. "
	  "{\"close=>acme/potash/close:USD/t\", \"volume=>acme/potash/"
	  "volume:t\"}; field is a path relative to the row.  Keys are "
	  "stored verbatim and must contain a \"/\".  Values may be JSON "
	  "numbers (exact text kept) or strings; null, absent members and "
	  "skip_values are missing, anything else is an error.  Required." },
	{ "feed", "skip_values", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "Strings that mean \"no value\" (compared after trimming spaces), "
	  "e.g. {\".\", \"\", \"n/a\"}.  Unset: only the empty string." },
	{ "feed", "decimal_comma", CONFIG_BOOL, "false", 0, 0, NULL, 0,
	  "Values in strings use a decimal comma and may group thousands "
	  "with dots or spaces: \"1.234,56\".  JSON numbers are not "
	  "affected." },
	{ "feed", "thousands_comma", CONFIG_BOOL, "false", 0, 0, NULL, 0,
	  "Values in strings may group thousands with commas: "
	  "\"1,234.56\"." },
	{ "feed", "secret_query", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "Query parameter that carries the feed's secret (secret_file), "
	  "percent-encoded, e.g. \"api_key\".  Empty: not sent that way." },
	{ "feed", "secret_header", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "HTTP header that carries the feed's secret: \"X-API-Key\" sends "
	  "\"X-API-Key: SECRET\", \"Authorization: Bearer\" sends "
	  "\"Authorization: Bearer SECRET\".  Empty: not sent that way." },
};

static void
json_index_free(struct json_index *x)
{
	free(x->members);
	free(x->names);
	free(x->pos);
	arena_deinit(&x->strings);
	memset(x, 0, sizeof(*x));
}

/* The first member of the row named name, as json_path_member finds it. */
static size_t
json_index_find(const struct json_index *x, const char *name)
{
	size_t	k;

	for (k = 0; k < x->nmembers; k++) {
		if (x->members[k]->string != NULL &&
		    strcmp(x->members[k]->string, name) == 0)
			return (k);
	}
	return (SIZE_MAX);
}

/* Indexes the members of object row; the fields' positions in x->pos. */
static void
json_index_row(struct json_feed *jf, const cJSON *row)
{
	struct json_index	*x = &jf->index;
	const cJSON	*c;
	const char	*name;
	size_t		 n = 0, i;
	int		 same;

	if (x->pos == NULL)
		x->pos = xcalloc(jf->g.nmaps + 1, sizeof(*x->pos));
	for (c = row->child; c != NULL; c = c->next) {
		if (n == x->cap) {
			x->cap = x->cap == 0 ? 32 : x->cap * 2;
			x->members = xreallocarray(x->members, x->cap,
			    sizeof(*x->members));
			x->names = xreallocarray(x->names, x->cap,
			    sizeof(*x->names));
		}
		x->members[n++] = c;
	}
	x->nmembers = n;
	same = x->valid && x->nnames == n;
	for (i = 0; same && i < n; i++) {
		if (x->members[i]->string == NULL || x->names[i] == NULL)
			same = x->members[i]->string == x->names[i];
		else
			same = strcmp(x->members[i]->string, x->names[i]) == 0;
	}
	if (same)
		return;
	arena_empty(&x->strings, JSON_INDEX_STRINGS_MAX);
	for (i = 0; i < n; i++)
		x->names[i] = x->members[i]->string == NULL ? NULL :
		    arena_strdup(&x->strings, x->members[i]->string);
	x->nnames = n;
	for (i = 0; i <= jf->g.nmaps; i++) {
		name = json_path_first_member(i < jf->g.nmaps ? &jf->fields[i] :
		    &jf->period);
		x->pos[i] = name != NULL ? json_index_find(x, name) : SIZE_MAX;
	}
	x->valid = 1;
}

/*
 * json_path_get for field i of row r (jf->nmaps: the period), through x
 * when r is an object it indexed and the field's first member is there.
 */
static int
json_get(const struct json_feed *jf, const struct json_index *x,
    const struct json_path_row *r, size_t i, const cJSON **n,
    const char **keytext, struct json_path_text *t, char *err, size_t errlen)
{
	const struct json_path	*p = i < jf->g.nmaps ? &jf->fields[i] :
	    &jf->period;

	if (x != NULL && x->pos[i] != SIZE_MAX)
		return (json_path_get_after(r, p, x->members[x->pos[i]], n,
		    keytext, t, err, errlen));
	return (json_path_get(r, p, n, keytext, t, err, errlen));
}

/* The text of a period or value node: string, number or @key. */
static const char *
json_node_text(const struct feedjson *fj, const cJSON *n,
    const char *keytext, char *num, size_t numlen, int *isnum)
{
	*isnum = 0;
	if (keytext != NULL)
		return (keytext);
	if (cJSON_IsString(n))
		return (n->valuestring);
	if (cJSON_IsNumber(n) && feedjson_number(fj, n, num, numlen) == 0) {
		*isnum = 1;
		return (num);
	}
	return (NULL);
}

/* Adds the value of map i in row r, if it has one; 0 or -1. */
static int
json_value(const struct json_feed *jf, const struct feedjson *fj,
    const struct json_index *x, const struct json_path_row *r, size_t i,
    const char *period, size_t tag, struct generic_out *out, char *seen,
    struct json_path_text *t, char *err, size_t errlen)
{
	const struct generic_map	*m = &jf->g.maps[i];
	const cJSON			*n = NULL;
	const char			*keytext, *text;
	char				 value[DECIMAL_MAX_LEN], num[128];
	char				 msg[512];
	int				 rc, isnum;

	rc = json_get(jf, x, r, i, &n, &keytext, t, err, errlen);
	if (rc != 1)
		return (rc);
	seen[i] = 1;
	if (keytext == NULL && cJSON_IsNull(n))
		return (0);
	text = json_node_text(fj, n, keytext, num, sizeof(num), &isnum);
	if (text == NULL) {
		json_path_trace(r, &jf->fields[i], t);
		snprintf(err, errlen, "%s: expected a number or a string, got "
		    "%s", json_path_where(t), json_path_type(n));
		return (-1);
	}
	rc = generic_value(&jf->g, text, isnum, value, sizeof(value), msg,
	    sizeof(msg));
	if (rc == -1) {
		json_path_trace(r, &jf->fields[i], t);
		snprintf(err, errlen, "%s: %s", json_path_where(t), msg);
		return (-1);
	}
	if (rc == 1)
		generic_out_add(out, m->key, period, value, m->unit, tag);
	return (0);
}

/* Turns one row into observations; 0 or -1. */
static int
json_row(struct json_feed *jf, const struct feedjson *fj,
    const struct json_path_row *r, size_t tag, struct generic_out *out,
    char *seen, struct json_path_text *t, char *err, size_t errlen)
{
	const struct json_index *x = NULL;
	const cJSON	*n = NULL;
	const char	*keytext, *text;
	char		 period[PERIOD_MAX_LEN], num[128], msg[512];
	size_t		 i;
	int		 isnum;

	if (!cJSON_IsObject(r->node) && !cJSON_IsArray(r->node)) {
		snprintf(err, errlen, "%s: expected a row (an object or an "
		    "array), got %s", r->path[0] != '\0' ? r->path :
		    "response", json_path_type(r->node));
		return (-1);
	}
	if (cJSON_IsObject(r->node)) {
		json_index_row(jf, r->node);
		x = &jf->index;
	}
	if (json_get(jf, x, r, jf->g.nmaps, &n, &keytext, t, err,
	    errlen) != 1)
		return (-1);
	text = json_node_text(fj, n, keytext, num, sizeof(num), &isnum);
	if (text == NULL) {
		json_path_trace(r, &jf->period, t);
		snprintf(err, errlen, "%s: expected a period (a string or a "
		    "number), got %s", json_path_where(t), json_path_type(n));
		return (-1);
	}
	if (generic_period(&jf->g, text, period, sizeof(period), msg,
	    sizeof(msg)) == -1) {
		json_path_trace(r, &jf->period, t);
		snprintf(err, errlen, "%s: %s", json_path_where(t), msg);
		return (-1);
	}
	for (i = 0; i < jf->g.nmaps; i++) {
		if (json_value(jf, fj, x, r, i, period, tag, out, seen, t,
		    err, errlen) == -1)
			return (-1);
	}
	return (0);
}

static int
json_parse(const struct feed *f, void *data, const char *body, size_t len,
    int64_t now, struct collector_result *res, char *err, size_t errlen)
{
	struct json_feed	*jf = data;
	struct json_path_rows	 rows;
	struct json_path_text	 t;
	struct generic_out	 out;
	struct feedjson		 fj;
	char			*seen = NULL;
	size_t			 i, t1, t2, obs;
	int			 rc = -1;

	memset(&rows, 0, sizeof(rows));
	memset(&t, 0, sizeof(t));
	generic_out_init(&out, res->batch);
	if (feedjson_parse(&fj, body, len, err, errlen) == -1)
		goto out;
	if (json_path_rows(fj.root, &jf->rows, &rows, err, errlen) == -1)
		goto out;
	seen = xcalloc(jf->g.nmaps + 1, 1);
	for (i = 0; i < rows.n; i++) {
		if (json_row(jf, &fj, &rows.v[i], i, &out, seen, &t, err,
		    errlen) == -1)
			goto out;
	}
	/*
	 * A field in none of several rows is a typo in values far more
	 * often than a sparse source; one row proves too little.
	 */
	for (i = 0; rows.n > 1 && i < jf->g.nmaps; i++) {
		if (!seen[i]) {
			snprintf(err, errlen, "no row has the field \"%s\" "
			    "(values: \"%s=>%s\"; %zu row%s)",
			    jf->g.maps[i].field, jf->g.maps[i].field,
			    jf->g.maps[i].key, rows.n, rows.n == 1 ? "" : "s");
			goto out;
		}
	}
	if (generic_out_dup(&out, &t1, &t2, &obs)) {
		snprintf(err, errlen, "%s: a second value of \"%s\" for %s "
		    "(the first is in %s)", rows.v[t2].path[0] != '\0' ?
		    rows.v[t2].path : "response", res->batch->obs[obs].series,
		    res->batch->obs[obs].period, rows.v[t1].path[0] != '\0' ?
		    rows.v[t1].path : "response");
		goto out;
	}
	generic_describe(&jf->g, res->batch, NULL);
	rc = 0;
out:
	json_path_rows_free(&rows);
	feedjson_free(&fj);
	free(t.s);
	free(seen);
	generic_out_deinit(&out);
	return (rc);
}

static void
json_free(void *data)
{
	struct json_feed	*jf = data;
	size_t			 i;

	if (jf == NULL)
		return;
	json_index_free(&jf->index);
	json_path_free(&jf->rows);
	json_path_free(&jf->period);
	for (i = 0; jf->fields != NULL && i < jf->g.nmaps; i++)
		json_path_free(&jf->fields[i]);
	free(jf->fields);
	generic_deinit(&jf->g);
	free(jf);
}

static int
json_configure(const struct feed *f, void **datap, char *err, size_t errlen)
{
	struct json_feed	*jf;
	const char		*rows, *pf;
	char			 what[256];
	size_t			 i;

	*datap = NULL;
	jf = xcalloc(1, sizeof(*jf));
	if (generic_configure(f, &jf->g, err, errlen) == -1) {
		free(jf);
		return (-1);
	}
	if ((rows = feed_get(f, "rows")) == NULL)
		rows = "";
	if (json_path_parse(rows, 0, "rows", &jf->rows, err, errlen) == -1)
		goto fail;
	if ((pf = feed_get(f, "period_field")) == NULL || *pf == '\0') {
		snprintf(err, errlen, "period_field: missing: name the field "
		    "holding each row's period, e.g. \"date\", \"[0]\" or "
		    "\"@key\"");
		goto fail;
	}
	if (json_path_parse(pf, 1, "period_field", &jf->period, err,
	    errlen) == -1)
		goto fail;
	jf->fields = xcalloc(jf->g.nmaps, sizeof(*jf->fields));
	for (i = 0; i < jf->g.nmaps; i++) {
		snprintf(what, sizeof(what), "values: field \"%s\"",
		    jf->g.maps[i].field);
		if (json_path_parse(jf->g.maps[i].field, 1, what,
		    &jf->fields[i], err, errlen) == -1)
			goto fail;
	}
	*datap = jf;
	return (0);
fail:
	json_free(jf);
	return (-1);
}

static int
json_request(const struct feed *f, void *data, int64_t now,
    struct collector_request *req, char *err, size_t errlen)
{
	const struct json_feed	*jf = data;

	return (generic_request(f, &jf->g, "application/json", req, err,
	    errlen));
}

const struct collector_ops collector_ops_json = {
	.name = "json",
	.default_url = NULL,
	.options = json_options,
	.noptions = sizeof(json_options) / sizeof(json_options[0]),
	.configure = json_configure,
	.free = json_free,
	.request = json_request,
	.parse = json_parse,
	.body_only = 1,
};
