/* SPDX-License-Identifier: ISC */
/*
 * csv: the generic CSV kind (RFC 4180), for sources without a kind of
 * their own: spreadsheet exports, statistics offices' downloads.  A
 * column (period_column) holds each row's period and mapped columns
 * (values, "column=>series_key[:unit]") its values.  Owns the CSV reader
 * and the per-feed state (struct csv_feed); the shared options live in
 * generic.c.
 *
 * Format and quirks handled:
 *  - Fields are separated by delimiter (",", ";", "tab", ...); a field
 *    in double quotes may hold delimiters, CR, LF and doubled quotes
 *    (""); a quote inside an unquoted field is taken literally.  Records
 *    end with CRLF, LF or a lone CR; the last one may lack it.
 *  - A UTF-8 byte order mark at the very start is skipped: spreadsheets
 *    write one, and it would otherwise stick to the first header name.
 *  - skip_rows physical lines are dropped first (titles and notes above
 *    the table), quotes in them notwithstanding.
 *  - Lines that are empty or hold only delimiters and white space (what
 *    spreadsheets write for empty rows) are skipped.
 *  - With a header, every row must have as many fields as the header;
 *    without one, as many as the first row.  A ragged row is an error
 *    naming its line.  Columns are found by header name (trimmed, exact
 *    case) or by number from 1.  A mapped column missing from the header
 *    is an error that lists the header.
 *  - Line numbers are physical lines of the body (the BOM and skipped
 *    lines count), so an editor finds them; a record's line is where it
 *    starts.
 *  - A NUL byte anywhere is an error.  Bytes are otherwise not
 *    interpreted outside the cells used: invalid UTF-8 in a used cell is
 *    an error (decimal_normalize and the period checks say so), in an
 *    unused column it is left alone, so one Latin-1 comment column does
 *    not stop a feed.
 *  - Empty cells and the skip_values markers are missing values; any
 *    other text that is not a number is an error, never a 0.
 *  - A series given two values for one period in one body is an error.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/collector.h"
#include "collectors/generic.h"
#include "util/buf.h"
#include "util/decimal.h"
#include "util/parse.h"
#include "util/period.h"
#include "util/xmalloc.h"

/* A column as configured: by header name, by number, or either. */
struct csv_colref {
	char	*name;		/* as configured, trimmed */
	long	 number;	/* 1-based if name is all digits, else 0 */
};

struct csv_feed {
	struct generic_opts	 g;
	char			 delim;
	int			 header;
	int64_t			 skip_rows;
	struct csv_colref	 period;
	struct csv_colref	*cols;		/* one per g.maps[] */
};

/* The fields of one record, each NUL-terminated in data. */
struct csv_reader {
	const char	*p;
	const char	*end;
	size_t		 line;		/* physical line at p, from 1 */
	char		 delim;
	struct buf	 data;
	size_t		*offs;		/* field starts in data */
	size_t		 nf;
	size_t		 cap;
};

static const struct config_option csv_options[] = {
	{ "feed", "delimiter", CONFIG_STRING, ",", 0, 0, NULL, 0,
	  "Field separator: one character such as \",\" or \";\", or "
	  "\"tab\"." },
	{ "feed", "header", CONFIG_BOOL, "true", 0, 0, NULL, 0,
	  "Whether the first line (after skip_rows) names the columns.  "
	  "false: columns are given by number, from 1." },
	{ "feed", "skip_rows", CONFIG_INT, "0", 0, 1000000, NULL, 0,
	  "Lines to drop before the header (titles, notes, units above "
	  "the table).  A byte order mark at the start is always skipped." },
	{ "feed", "period_column", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "Column of each row's period: a header name (trimmed, exact "
	  "case), or a number from 1 (used when no column has that name).  "
	  "Required." },
	{ "feed", "period_format", CONFIG_STRING, "iso", 0, 0, NULL, 0,
	  "How periods are written: iso (2025-12-01, 2025-12, 2024-Q3, "
	  "2025-12-15T21:00:00Z, ...), unix (seconds), unix_ms "
	  "(milliseconds), yyyymm (202512), or a format with %Y %y %m %b %d "
	  "%H %M %S %f %z %q %F %T directives such as \"%d/%m/%Y\" or "
	  "\"%YM%m\" (the World Bank's 2025M01)." },
	{ "feed", "timezone", CONFIG_STRING, "UTC", 0, 0, NULL, 0,
	  "Zone of times written without an offset: \"UTC\", a fixed "
	  "offset such as \"+03:00\", or a zone of the tz database such as "
	  "\"America/New_York\" (its offset on that date, daylight saving "
	  "followed).  Dates without a time and Unix times are never "
	  "shifted." },
	{ "feed", "values", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "What to store, as \"column=>series_key[:unit]\" entries, e.g. "
	  "{\"Potassium chloride ($/mt)=>worldbank-pinksheet/potash:USD/t\"}; "
	  "column is a header name or a number from 1.  Keys are stored "
	  "verbatim and must contain a \"/\".  Required." },
	{ "feed", "skip_values", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "Cell texts that mean \"no value\" (compared after trimming "
	  "spaces), e.g. {\".\", \"\", \"n/a\", \"..\"}.  Unset: only the "
	  "empty cell." },
	{ "feed", "decimal_comma", CONFIG_BOOL, "false", 0, 0, NULL, 0,
	  "Values use a decimal comma and may group thousands with dots or "
	  "spaces, \"1.234,56\", as European spreadsheets write them "
	  "(usually with delimiter \";\")." },
	{ "feed", "thousands_comma", CONFIG_BOOL, "false", 0, 0, NULL, 0,
	  "Values may group thousands with commas: \"1,234.56\"." },
	{ "feed", "secret_query", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "Query parameter that carries the feed's secret (secret_file), "
	  "percent-encoded, e.g. \"api_key\".  Empty: not sent that way." },
	{ "feed", "secret_header", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "HTTP header that carries the feed's secret: \"X-API-Key\" sends "
	  "\"X-API-Key: SECRET\", \"Authorization: Bearer\" sends "
	  "\"Authorization: Bearer SECRET\".  Empty: not sent that way." },
};

static const char *
csv_field(const struct csv_reader *r, size_t i)
{
	return (r->data.data + r->offs[i]);
}

static void
csv_push(struct csv_reader *r)
{
	if (r->nf == r->cap) {
		r->cap = r->cap == 0 ? 16 : r->cap * 2;
		r->offs = xreallocarray(r->offs, r->cap, sizeof(*r->offs));
	}
	r->offs[r->nf++] = r->data.len;
}

/* Counts the line breaks (LF, CRLF, lone CR) in p[0..n). */
static size_t
csv_lines(const char *p, size_t n)
{
	size_t	i, k = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n' || (p[i] == '\r' && (i + 1 == n ||
		    p[i + 1] != '\n')))
			k++;
	}
	return (k);
}

static int
csv_blank(const char *s)
{
	return (s[strspn(s, " \t")] == '\0');
}

/*
 * Reads the next record that is not blank.  Returns 1 with the fields in
 * r and its first line in *line, 0 at the end, or -1 with a message.
 */
static int
csv_record(struct csv_reader *r, size_t *line, char *err, size_t errlen)
{
	const char	*q, *s;
	size_t		 i, qline;
	int		 quoted;
	char		 c[PARSE_QUOTE_BUFLEN];

again:
	if (r->p >= r->end)
		return (0);
	buf_reset(&r->data);
	r->nf = 0;
	*line = r->line;
	quoted = 0;
	for (;;) {
		csv_push(r);
		if (r->p < r->end && *r->p == '"') {
			quoted = 1;
			qline = r->line;
			r->p++;
			for (;;) {
				q = memchr(r->p, '"', (size_t)(r->end - r->p));
				if (q == NULL) {
					snprintf(err, errlen, "line %zu, field "
					    "%zu: the quoted field never ends "
					    "(truncated?)", qline, r->nf);
					return (-1);
				}
				r->line += csv_lines(r->p, (size_t)(q - r->p));
				buf_append(&r->data, r->p, (size_t)(q - r->p));
				r->p = q + 1;
				if (r->p < r->end && *r->p == '"') {
					buf_append(&r->data, "\"", 1);
					r->p++;
					continue;
				}
				break;
			}
			if (r->p < r->end && *r->p != r->delim &&
			    *r->p != '\r' && *r->p != '\n') {
				parse_quote(r->p, 1, c, sizeof(c));
				snprintf(err, errlen, "line %zu, field %zu: "
				    "unexpected \"%s\" after the closing quote "
				    "(a quote inside a quoted field is written "
				    "twice)", r->line, r->nf, c);
				return (-1);
			}
		} else {
			for (s = r->p; s < r->end && *s != r->delim &&
			    *s != '\r' && *s != '\n'; s++)
				;
			buf_append(&r->data, r->p, (size_t)(s - r->p));
			r->p = s;
		}
		buf_append(&r->data, "", 1);
		if (r->p < r->end && *r->p == r->delim) {
			r->p++;
			continue;
		}
		if (r->p < r->end) {
			if (*r->p == '\r' && r->p + 1 < r->end &&
			    r->p[1] == '\n')
				r->p++;
			r->p++;
			r->line++;
		}
		break;
	}
	if (!quoted) {
		for (i = 0; i < r->nf && csv_blank(csv_field(r, i)); i++)
			;
		if (i == r->nf)
			goto again;
	}
	return (1);
}

/* Skips n physical lines; returns 0, or -1 if the body has fewer. */
static int
csv_skip_lines(struct csv_reader *r, int64_t n)
{
	for (; n > 0; n--) {
		while (r->p < r->end && *r->p != '\n' && *r->p != '\r')
			r->p++;
		if (r->p == r->end)
			return (-1);
		if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n')
			r->p++;
		r->p++;
		r->line++;
	}
	return (0);
}

/* Describes column i for messages: 'column "Month"' or 'column 3'. */
static void
csv_label(const struct csv_feed *cf, char *const *names, size_t i,
    char *out, size_t outlen)
{
	char	q[PARSE_QUOTE_BUFLEN];

	if (cf->header) {
		parse_quote(names[i], strlen(names[i]), q, sizeof(q));
		snprintf(out, outlen, "column \"%s\"", q);
	} else
		snprintf(out, outlen, "column %zu", i + 1);
}

/*
 * Finds ref among the header names (NULL without a header; nf fields).
 * Returns the 0-based index, or -1 with a message.
 */
static long
csv_resolve(const struct csv_feed *cf, const struct csv_colref *ref,
    char *const *names, size_t nf, size_t hline, int html, char *err,
    size_t errlen)
{
	size_t	i, len, off = 0;
	long	found = -1;
	char	q[PARSE_QUOTE_BUFLEN];
	int	n;

	for (i = 0; names != NULL && i < nf; i++) {
		if (strcmp(names[i], ref->name) != 0)
			continue;
		if (found >= 0) {
			snprintf(err, errlen, "column \"%s\" is in the header "
			    "(line %zu) twice: columns %ld and %zu", ref->name,
			    hline, found + 1, i + 1);
			return (-1);
		}
		found = (long)i;
	}
	if (found >= 0)
		return (found);
	if (ref->number > 0 && (size_t)ref->number <= nf)
		return (ref->number - 1);
	if (ref->number > 0) {
		snprintf(err, errlen, "column %ld does not exist: line %zu has "
		    "%zu field%s", ref->number, hline, nf, nf == 1 ? "" : "s");
		return (-1);
	}
	n = snprintf(err, errlen, "column \"%s\" is not in the header (line "
	    "%zu%s):", ref->name, hline, html ? ", an HTML error page?" : "");
	if (n > 0)
		off = (size_t)n;
	for (i = 0; i < nf && off < errlen; i++) {
		len = strlen(names[i]);
		parse_quote(names[i], len, q, sizeof(q));
		n = snprintf(err + off, errlen - off, "%s \"%s\"",
		    i > 0 ? "," : "", q);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return (-1);
}

/* Turns one record into observations; 0 or -1. */
static int
csv_row(const struct csv_feed *cf, const struct csv_reader *r, size_t line,
    const long *idx, char *const *names, struct generic_out *out, char *err,
    size_t errlen)
{
	const struct generic_map	*m;
	char				 period[PERIOD_MAX_LEN];
	char				 value[DECIMAL_MAX_LEN];
	char				 msg[512];
	char				 label[PARSE_QUOTE_BUFLEN + 16];
	size_t				 i;
	int				 rc;

	if (generic_period(&cf->g, csv_field(r, (size_t)idx[0]), period,
	    sizeof(period), msg, sizeof(msg)) == -1) {
		csv_label(cf, names, (size_t)idx[0], label, sizeof(label));
		snprintf(err, errlen, "line %zu, %s: %s", line, label, msg);
		return (-1);
	}
	for (i = 0; i < cf->g.nmaps; i++) {
		m = &cf->g.maps[i];
		rc = generic_value(&cf->g, csv_field(r, (size_t)idx[i + 1]), 0,
		    value, sizeof(value), msg, sizeof(msg));
		if (rc == -1) {
			csv_label(cf, names, (size_t)idx[i + 1], label,
			    sizeof(label));
			snprintf(err, errlen, "line %zu, %s: %s", line, label,
			    msg);
			return (-1);
		}
		if (rc == 1)
			generic_out_add(out, m->key, period, value, m->unit,
			    line);
	}
	return (0);
}

/* Checks the body and skips the BOM and skip_rows; 0 or -1. */
static int
csv_start(const struct csv_feed *cf, const char *body, size_t len,
    struct csv_reader *r, char *err, size_t errlen)
{
	const char	*nul;
	size_t		 n;

	r->p = body;
	r->end = body + len;
	r->line = 1;
	r->delim = cf->delim;
	if (len == 0) {
		snprintf(err, errlen, "empty body (expected CSV)");
		return (-1);
	}
	if ((nul = memchr(body, '\0', len)) != NULL) {
		n = (size_t)(nul - body);
		snprintf(err, errlen, "line %zu: NUL byte at byte %zu (not a "
		    "text file?)", 1 + csv_lines(body, n), n);
		return (-1);
	}
	if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
		r->p += 3;
	if (csv_skip_lines(r, cf->skip_rows) == -1) {
		/* A last line without its line break counts too. */
		n = csv_lines(body, len) + (body[len - 1] != '\n' &&
		    body[len - 1] != '\r');
		snprintf(err, errlen, "skip_rows = %lld, but the body has only "
		    "%zu line%s", (long long)cf->skip_rows, n, n == 1 ? "" :
		    "s");
		return (-1);
	}
	return (0);
}

/*
 * Takes the header names (if any) from the first record, on line hline,
 * and finds the period column and the mapped ones: idx[0] and idx[1..].
 * Returns 0, or -1 with a message.
 */
static int
csv_columns(const struct csv_feed *cf, const struct csv_reader *r,
    size_t hline, int html, char ***namesp, long *idx, char *err,
    size_t errlen)
{
	const struct csv_colref	*ref;
	const char		*name;
	char			**names = NULL;
	size_t			 i, n;

	if (cf->header) {
		names = xcalloc(r->nf + 1, sizeof(*names));
		for (i = 0; i < r->nf; i++) {
			n = strlen(csv_field(r, i));
			name = generic_trim(csv_field(r, i), &n);
			names[i] = xstrndup(name, n);
		}
	}
	*namesp = names;
	for (i = 0; i <= cf->g.nmaps; i++) {
		ref = i == 0 ? &cf->period : &cf->cols[i - 1];
		idx[i] = csv_resolve(cf, ref, names, r->nf, hline, html, err,
		    errlen);
		if (idx[i] == -1)
			return (-1);
	}
	return (0);
}

static int
csv_parse(const struct feed *f, void *data, const char *body, size_t len,
    int64_t now, struct collector_result *res, char *err, size_t errlen)
{
	const struct csv_feed	*cf = data;
	struct csv_reader	 r;
	struct generic_out	 out;
	char			**names = NULL;
	const char		**hnames = NULL;
	long			*idx = NULL;
	size_t			 nf = 0, line, hline, i, t1, t2, obs;
	int			 rc = -1, got, html;

	memset(&r, 0, sizeof(r));
	buf_init(&r.data, 0);
	generic_out_init(&out, res->batch);
	if (csv_start(cf, body, len, &r, err, errlen) == -1)
		goto out;
	html = r.p[strspn(r.p, " \t\r\n")] == '<';
	if ((got = csv_record(&r, &hline, err, errlen)) == -1)
		goto out;
	if (got == 0 && cf->header) {
		snprintf(err, errlen, "no header line%s", cf->skip_rows > 0 ?
		    " after skip_rows" : "");
		goto out;
	}
	if (got == 0)
		goto done;
	nf = r.nf;
	idx = xcalloc(cf->g.nmaps + 1, sizeof(*idx));
	if (csv_columns(cf, &r, hline, html, &names, idx, err, errlen) == -1)
		goto out;
	/* Without a header, the first record was a row already. */
	if (cf->header) {
		hnames = xcalloc(cf->g.nmaps + 1, sizeof(*hnames));
		for (i = 0; i < cf->g.nmaps; i++)
			hnames[i] = names[idx[i + 1]];
	} else if (csv_row(cf, &r, hline, idx, names, &out, err,
	    errlen) == -1)
		goto out;
	while ((got = csv_record(&r, &line, err, errlen)) == 1) {
		if (r.nf != nf) {
			snprintf(err, errlen, "line %zu: expected %zu fields "
			    "as %s line %zu, got %zu", line, nf, cf->header ?
			    "in the header on" : "on", hline, r.nf);
			goto out;
		}
		if (csv_row(cf, &r, line, idx, names, &out, err, errlen) == -1)
			goto out;
	}
	if (got == -1)
		goto out;
	if (generic_out_dup(&out, &t1, &t2, &obs)) {
		snprintf(err, errlen, "line %zu: a second value of \"%s\" for "
		    "%s (the first is on line %zu)", t2,
		    res->batch->obs[obs].series, res->batch->obs[obs].period,
		    t1);
		goto out;
	}
done:
	generic_describe(&cf->g, res->batch, hnames);
	rc = 0;
out:
	for (i = 0; names != NULL && i < nf; i++)
		free(names[i]);
	free(names);
	free(hnames);
	free(idx);
	free(r.offs);
	buf_deinit(&r.data);
	generic_out_deinit(&out);
	return (rc);
}

static void
csv_free(void *data)
{
	struct csv_feed	*cf = data;
	size_t		 i;

	if (cf == NULL)
		return;
	free(cf->period.name);
	for (i = 0; cf->cols != NULL && i < cf->g.nmaps; i++)
		free(cf->cols[i].name);
	free(cf->cols);
	generic_deinit(&cf->g);
	free(cf);
}

/* Reads a column reference; 0 or -1 with a message. */
static int
csv_colref(const struct csv_feed *cf, const char *what, const char *v,
    struct csv_colref *ref, char *err, size_t errlen)
{
	const char	*s;
	size_t		 len = strlen(v);
	int64_t		 n;

	s = generic_trim(v, &len);
	ref->name = xstrndup(s, len);
	ref->number = 0;
	v = ref->name;
	if (v[0] != '\0' && strspn(v, "0123456789") == strlen(v)) {
		if (parse_int64(v, 1, INT_MAX, &n, NULL, 0) == -1) {
			snprintf(err, errlen, "%s: expected a column number "
			    "from 1, got \"%s\"", what, v);
			return (-1);
		}
		ref->number = (long)n;
	} else if (!cf->header) {
		snprintf(err, errlen, "%s: expected a column number from 1 "
		    "(header = false), got \"%s\"", what, v);
		return (-1);
	}
	return (0);
}

static int
csv_configure(const struct feed *f, void **datap, char *err, size_t errlen)
{
	struct csv_feed	*cf;
	const char	*v;
	char		 what[256];
	size_t		 i;

	*datap = NULL;
	cf = xcalloc(1, sizeof(*cf));
	if (generic_configure(f, &cf->g, err, errlen) == -1) {
		free(cf);
		return (-1);
	}
	if (generic_bool(f, "header", 1, &cf->header, err, errlen) == -1)
		goto fail;
	v = feed_get(f, "delimiter");
	if (v == NULL)
		cf->delim = ',';
	else if (strcmp(v, "tab") == 0 || strcmp(v, "\t") == 0)
		cf->delim = '\t';
	else if (strlen(v) == 1 && v[0] > ' ' && v[0] < 0x7f && v[0] != '"')
		cf->delim = v[0];
	else {
		snprintf(err, errlen, "delimiter: expected one character such "
		    "as \",\" or \";\", or \"tab\", got \"%s\"", v);
		goto fail;
	}
	if ((v = feed_get(f, "skip_rows")) != NULL &&
	    parse_int64(v, 0, 1000000, &cf->skip_rows, what,
	    sizeof(what)) == -1) {
		snprintf(err, errlen, "skip_rows: %s", what);
		goto fail;
	}
	if ((v = feed_get(f, "period_column")) == NULL || *v == '\0') {
		snprintf(err, errlen, "period_column: missing: name the column "
		    "holding each row's period, e.g. \"Month\" or \"1\"");
		goto fail;
	}
	if (csv_colref(cf, "period_column", v, &cf->period, err,
	    errlen) == -1)
		goto fail;
	cf->cols = xcalloc(cf->g.nmaps, sizeof(*cf->cols));
	for (i = 0; i < cf->g.nmaps; i++) {
		snprintf(what, sizeof(what), "values: \"%s=>%s\"",
		    cf->g.maps[i].field, cf->g.maps[i].key);
		if (csv_colref(cf, what, cf->g.maps[i].field, &cf->cols[i],
		    err, errlen) == -1)
			goto fail;
	}
	*datap = cf;
	return (0);
fail:
	csv_free(cf);
	return (-1);
}

static int
csv_request(const struct feed *f, void *data, int64_t now,
    struct collector_request *req, char *err, size_t errlen)
{
	const struct csv_feed	*cf = data;

	return (generic_request(f, &cf->g, "text/csv, text/plain;q=0.5, "
	    "*/*;q=0.1", req, err, errlen));
}

const struct collector_ops collector_ops_csv = {
	.name = "csv",
	.default_url = NULL,
	.options = csv_options,
	.noptions = sizeof(csv_options) / sizeof(csv_options[0]),
	.configure = csv_configure,
	.free = csv_free,
	.request = csv_request,
	.parse = csv_parse,
	.body_only = 1,
};
