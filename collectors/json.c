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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collectors/collector.h"
#include "collectors/generic.h"
#include "collectors/json_path.h"
#include "util/decimal.h"
#include "util/period.h"
#include "util/xmalloc.h"

/* cJSON's CJSON_NESTING_LIMIT: its parser refuses anything deeper. */
#define JSON_DEPTH_MAX	1000

struct json_feed {
	struct generic_opts	 g;
	struct json_path	 rows;
	struct json_path	 period;
	struct json_path	*fields;	/* one per g.maps[] */
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
	  "Zone of times written without an offset: \"UTC\" or a fixed "
	  "offset such as \"+03:00\" (named zones are not supported yet).  "
	  "Dates without a time and Unix times are never shifted." },
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

/*
 * Checks the body before cJSON sees it: no NUL, valid UTF-8, no
 * "\u0000", nesting within JSON_DEPTH_MAX.  *open_string is set to 1 +
 * the offset of a string still open at the end (0 if none), to tell a
 * truncated body apart.  Returns 0 or -1.
 */
static int
json_scan(const char *body, size_t len, size_t start, size_t *open_string,
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
			if (++depth > JSON_DEPTH_MAX) {
				snprintf(err, errlen, "not JSON we accept: "
				    "nested deeper than %d levels at byte %zu",
				    JSON_DEPTH_MAX, i);
				return (-1);
			}
		} else if ((body[i] == ']' || body[i] == '}') && depth > 0)
			depth--;
	}
	*open_string = in_str ? str + 1 : 0;
	return (0);
}

static int
json_numchar(char c)
{
	return ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
	    c == 'e' || c == 'E');
}

/* Finds the next number token at or after *pos, outside strings. */
static int
json_next_number(const char *body, size_t len, size_t *pos, size_t *off)
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
			while (i < len && json_numchar(body[i]))
				i++;
			*pos = i;
			return (0);
		} else
			i++;
	}
	return (-1);
}

/*
 * Stores in each number node's valueint the offset of its text: cJSON
 * builds the tree in document order, so a pre-order walk meets the
 * numbers in the order the scan finds their tokens.
 */
static int
json_number_map(cJSON *node, const char *body, size_t len, size_t *pos)
{
	size_t	off;

	for (; node != NULL; node = node->next) {
		if (cJSON_IsNumber(node)) {
			if (json_next_number(body, len, pos, &off) == -1 ||
			    off > INT_MAX)
				return (-1);
			node->valueint = (int)off;
		} else if (node->child != NULL &&
		    json_number_map(node->child, body, len, pos) == -1)
			return (-1);
	}
	return (0);
}

/* Copies the exact text of number node n into out; 0 or -1. */
static int
json_number_text(const char *body, size_t len, const cJSON *n, char *out,
    size_t outlen)
{
	size_t	off = (size_t)n->valueint, e;

	if (n->valueint < 0 || off >= len)
		return (-1);
	for (e = off; e < len && json_numchar(body[e]); e++)
		;
	if (e - off >= outlen)
		return (-1);
	memcpy(out, body + off, e - off);
	out[e - off] = '\0';
	return (0);
}

static void
json_syntax_error(const char *body, size_t len, size_t start,
    const char *end, size_t open_string, char *err, size_t errlen)
{
	size_t	pos = end != NULL ? (size_t)(end - body) : 0, i;
	char	q[GENERIC_QUOTE_LEN];

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
		generic_quote(body + pos, 1, q, sizeof(q));
		snprintf(err, errlen, "not JSON: unexpected \"%s\" at byte "
		    "%zu%s", q, pos, i < len && body[i] == '<' ?
		    " (an HTML error page?)" : "");
	}
}

/* The text of a period or value node: string, number or @key. */
static const char *
json_node_text(const char *body, size_t len, const cJSON *n,
    const char *keytext, char *num, size_t numlen, int *isnum)
{
	*isnum = 0;
	if (keytext != NULL)
		return (keytext);
	if (cJSON_IsString(n))
		return (n->valuestring);
	if (cJSON_IsNumber(n) && json_number_text(body, len, n, num,
	    numlen) == 0) {
		*isnum = 1;
		return (num);
	}
	return (NULL);
}

/* Adds the value of map i in row r, if it has one; 0 or -1. */
static int
json_value(const struct json_feed *jf, const char *body, size_t len,
    const struct json_path_row *r, size_t i, const char *period,
    size_t tag, struct generic_out *out, char *seen,
    struct json_path_text *t, char *err, size_t errlen)
{
	const struct generic_map	*m = &jf->g.maps[i];
	const cJSON			*n = NULL;
	const char			*keytext, *text;
	char				 value[DECIMAL_MAX_LEN], num[128];
	char				 msg[512];
	int				 rc, isnum;

	rc = json_path_get(r, &jf->fields[i], &n, &keytext, t, err, errlen);
	if (rc != 1)
		return (rc);
	seen[i] = 1;
	if (keytext == NULL && cJSON_IsNull(n))
		return (0);
	text = json_node_text(body, len, n, keytext, num, sizeof(num), &isnum);
	if (text == NULL) {
		snprintf(err, errlen, "%s: expected a number or a string, got "
		    "%s", json_path_where(t), json_path_type(n));
		return (-1);
	}
	rc = generic_value(&jf->g, text, isnum, value, sizeof(value), msg,
	    sizeof(msg));
	if (rc == -1) {
		snprintf(err, errlen, "%s: %s", json_path_where(t), msg);
		return (-1);
	}
	if (rc == 1)
		generic_out_add(out, m->key, period, value, m->unit, tag);
	return (0);
}

/* Turns one row into observations; 0 or -1. */
static int
json_row(const struct json_feed *jf, const char *body, size_t len,
    const struct json_path_row *r, size_t tag, struct generic_out *out,
    char *seen, struct json_path_text *t, char *err, size_t errlen)
{
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
	if (json_path_get(r, &jf->period, &n, &keytext, t, err, errlen) != 1)
		return (-1);
	text = json_node_text(body, len, n, keytext, num, sizeof(num), &isnum);
	if (text == NULL) {
		snprintf(err, errlen, "%s: expected a period (a string or a "
		    "number), got %s", json_path_where(t), json_path_type(n));
		return (-1);
	}
	if (generic_period(&jf->g, text, period, sizeof(period), msg,
	    sizeof(msg)) == -1) {
		snprintf(err, errlen, "%s: %s", json_path_where(t), msg);
		return (-1);
	}
	for (i = 0; i < jf->g.nmaps; i++) {
		if (json_value(jf, body, len, r, i, period, tag, out, seen, t,
		    err, errlen) == -1)
			return (-1);
	}
	return (0);
}

static int
json_parse(const struct feed *f, void *data, const char *body, size_t len,
    int64_t now, struct collector_result *res, char *err, size_t errlen)
{
	const struct json_feed	*jf = data;
	struct json_path_rows	 rows;
	struct json_path_text	 t;
	struct generic_out	 out;
	cJSON			*root = NULL;
	const char		*end = NULL;
	char			*seen = NULL;
	size_t			 start = 0, open_string, pos, i, t1, t2, obs;
	int			 rc = -1;

	memset(&rows, 0, sizeof(rows));
	memset(&t, 0, sizeof(t));
	generic_out_init(&out, res->batch);
	if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
		start = 3;
	for (i = start; i < len && strchr(" \t\r\n", body[i]) != NULL; i++)
		;
	if (i == len) {
		snprintf(err, errlen, "empty body (expected JSON)");
		goto out;
	}
	if (json_scan(body, len, start, &open_string, err, errlen) == -1)
		goto out;
	/* The length counts body[len], the NUL, as cJSON_ParseWithOpts
	 * does: an early end then shows as an error at len. */
	root = cJSON_ParseWithLengthOpts(body + start, len - start + 1, &end,
	    1);
	if (root == NULL) {
		json_syntax_error(body, len, start, end, open_string, err,
		    errlen);
		goto out;
	}
	pos = start;
	if (json_number_map(root, body, len, &pos) == -1) {
		snprintf(err, errlen, "internal error: the numbers of the "
		    "body and of cJSON's tree differ");
		goto out;
	}
	if (json_path_rows(root, &jf->rows, &rows, err, errlen) == -1)
		goto out;
	seen = xcalloc(jf->g.nmaps + 1, 1);
	for (i = 0; i < rows.n; i++) {
		if (json_row(jf, body, len, &rows.v[i], i, &out, seen, &t, err,
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
	cJSON_Delete(root);
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
};
