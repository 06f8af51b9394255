/* SPDX-License-Identifier: ISC */
/*
 * fred: series of FRED, the St. Louis Fed's economic data service, e.g.
 * PPOTASHUSDM (potash, USD per metric ton, monthly, which FRED
 * republishes from the IMF).  Owns the per-feed options (struct
 * fred_feed), the request and the reading of both of FRED's forms:
 *
 *  - format = "json": the API, fred/series/observations?series_id=ID
 *    &api_key=KEY&file_type=json, with the key (secret_file) as api_key.
 *    The body does not name its series, so a request reads exactly one
 *    series and a feed names exactly one: one feed per series.
 *  - format = "csv": the keyless download fredgraph.csv?id=A,B, one
 *    column per series after a date column headed "observation_date"
 *    (since 2024) or "DATE" (before); several series per feed.
 *
 * Series keys are fred/<ID> (the id in upper case, as FRED spells it);
 * when the API's "units" says the values are transformed (a units= in
 * the url, e.g. "pch"), fred/<ID>/<units>, so a transformation never
 * mixes with the levels.  The unit and frequency are the feed's options:
 * observations carry neither.
 *
 * Quirks handled:
 *  - "." is FRED's missing value (a month not yet published, a holiday):
 *    skipped, never stored as 0; fredgraph.csv also writes an empty
 *    cell.  Any other text that is not a decimal is an error.
 *  - "count" may not match the array (trimmed or paged bodies): the
 *    array is what is read.  realtime_start/realtime_end are ignored,
 *    but a date given twice (a real-time range asks for one row per
 *    vintage) is an error: potashd keeps one value per period.
 *    output_type other than 1 (vintage columns) is refused.
 *  - Values arrive as strings ("0.80", kept digit for digit); a JSON
 *    number is accepted with its exact text.  Dates "YYYY-MM-DD".
 *  - Error bodies {"error_code": 400, "error_message": "..."} become
 *    "FRED error 400: ...".
 *  - JSON bodies: BOM skipped, invalid UTF-8, NUL and nesting deeper
 *    than 1000 levels refused (feedjson.h).  CSV bodies: BOM skipped,
 *    NUL and invalid UTF-8 refused, CRLF or LF, a field may be quoted;
 *    an HTML page or a JSON body is named as such.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collectors/collector.h"
#include "collectors/feedjson.h"
#include "collectors/feedtext.h"
#include "collectors/generic.h"
#include "util/buf.h"
#include "util/decimal.h"
#include "util/parse.h"
#include "util/period.h"
#include "util/xmalloc.h"

#define FRED_API_URL	"https://api.stlouisfed.org/fred/series/observations"
#define FRED_GRAPH_URL	"https://fred.stlouisfed.org/graph/fredgraph.csv"
#define FRED_ID_MAX	32	/* FRED's ids are at most 25 characters */
#define FRED_UNITS_MAX	8	/* "lin", "chg", "pc1", "cca", "log" ... */
#define FRED_KEY_LEN	(5 + FRED_ID_MAX + 1 + FRED_UNITS_MAX + 1)

struct fred_feed {
	char	**series;	/* upper case */
	size_t	  nseries;
	int	  csv;		/* format = "csv" */
	char	 *unit;		/* NULL: none given */
	char	  freq[2];
};

static const struct config_option fred_options[] = {
	{ "feed", "series", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "FRED series ids, e.g. {\"PPOTASHUSDM\"} (potash, USD per metric "
	  "ton, monthly).  Series keys are fred/<ID>.  The JSON API reads "
	  "one series per request, so with format = \"json\" name exactly "
	  "one (one feed per series); fredgraph.csv reads several.  "
	  "Required." },
	{ "feed", "format", CONFIG_ENUM, "json", 0, 0, "json|csv", 0,
	  "json: the API (fred/series/observations), which needs an API key "
	  "in secret_file, sent as api_key=; csv: the keyless download "
	  "fredgraph.csv?id=..., for which an unset url means "
	  "https://fred.stlouisfed.org/graph/fredgraph.csv.  Query "
	  "parameters in url (e.g. ?observation_start=2019-01-01) are "
	  "kept." },
	{ "feed", "unit", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "Unit of the values, e.g. \"USD/t\" for PPOTASHUSDM: FRED's "
	  "observations do not carry it (the series' page does), so name "
	  "it here.  It applies to every series of the feed.  Empty: no "
	  "unit is recorded." },
	{ "feed", "frequency", CONFIG_ENUM, "M", 0, 0, "D|W|M|Q|A", 0,
	  "The series' frequency, recorded in its description.  It is not "
	  "sent to FRED, which would aggregate the series to it." },
};

static void
fred_free(void *data)
{
	struct fred_feed	*ff = data;
	size_t			 i;

	if (ff == NULL)
		return;
	for (i = 0; i < ff->nseries; i++)
		free(ff->series[i]);
	free(ff->series);
	free(ff->unit);
	free(ff);
}

/* 1 if s is a plausible FRED series id: letters, digits and '_'. */
static int
fred_id_ok(const char *s)
{
	size_t	n = strlen(s), i;

	if (n == 0 || n > FRED_ID_MAX)
		return (0);
	for (i = 0; i < n; i++) {
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_'))
			return (0);
	}
	return (1);
}

static char *
fred_upper(const char *s)
{
	char	*u = xstrdup(s), *p;

	for (p = u; *p != '\0'; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	}
	return (u);
}

static int
fred_configure(const struct feed *f, void **datap, char *err, size_t errlen)
{
	struct fred_feed	*ff;
	char *const		*v;
	const char		*s;
	char			 q[PARSE_QUOTE_BUFLEN];
	size_t			 n, i, j;

	*datap = NULL;
	ff = xcalloc(1, sizeof(*ff));
	v = feed_get_list(f, "series", &n);
	if (n == 0) {
		snprintf(err, errlen, "series: missing: name at least one FRED "
		    "series id, e.g. \"PPOTASHUSDM\"");
		goto fail;
	}
	ff->series = xcalloc(n, sizeof(*ff->series));
	for (i = 0; i < n; i++) {
		if (!fred_id_ok(v[i])) {
			parse_quote(v[i], strlen(v[i]), q, sizeof(q));
			snprintf(err, errlen, "series: expected a FRED series "
			    "id (letters, digits and \"_\", e.g. "
			    "\"PPOTASHUSDM\"), got \"%s\"", q);
			goto fail;
		}
		ff->series[ff->nseries++] = fred_upper(v[i]);
		for (j = 0; j < i; j++) {
			if (strcmp(ff->series[j], ff->series[i]) == 0) {
				snprintf(err, errlen, "series: \"%s\" is named "
				    "twice", ff->series[i]);
				goto fail;
			}
		}
	}
	if ((s = feed_get(f, "format")) == NULL || strcmp(s, "json") == 0)
		ff->csv = 0;
	else if (strcmp(s, "csv") == 0)
		ff->csv = 1;
	else {
		parse_quote(s, strlen(s), q, sizeof(q));
		snprintf(err, errlen, "format: expected json or csv, got "
		    "\"%s\"", q);
		goto fail;
	}
	if (!ff->csv && ff->nseries > 1) {
		snprintf(err, errlen, "series: the JSON API reads one series "
		    "per request, got %zu: use one feed per series, or format "
		    "= \"csv\" (fredgraph.csv reads several)", ff->nseries);
		goto fail;
	}
	/* A replayed body needs no key. */
	if (!ff->csv && f->secret == NULL &&
	    strncmp(f->url, "file://", 7) != 0) {
		snprintf(err, errlen, "secret_file: missing: FRED's JSON API "
		    "needs an API key (free, from fredaccount.stlouisfed.org); "
		    "or use format = \"csv\", which needs none");
		goto fail;
	}
	if ((s = feed_get(f, "frequency")) == NULL)
		s = "M";
	if (strlen(s) != 1 || strchr("DWMQA", s[0]) == NULL) {
		parse_quote(s, strlen(s), q, sizeof(q));
		snprintf(err, errlen, "frequency: expected one of D|W|M|Q|A, "
		    "got \"%s\"", q);
		goto fail;
	}
	ff->freq[0] = s[0];
	if ((s = feed_get(f, "unit")) != NULL && *s != '\0')
		ff->unit = xstrdup(s);
	*datap = ff;
	return (0);
fail:
	fred_free(ff);
	return (-1);
}

static int
fred_request(const struct feed *f, void *data, int64_t now,
    struct collector_request *req, char *err, size_t errlen)
{
	const struct fred_feed	*ff = data;
	const char		*url = f->url;
	struct buf		 b;
	size_t			 i, len;

	if (*url == '\0')
		url = FRED_API_URL;
	/* A replayed body (file://) is read as it is, and gets no key. */
	if (strncmp(url, "file://", 7) == 0) {
		req->url = xstrdup(url);
		return (0);
	}
	if (!ff->csv && f->secret == NULL) {
		snprintf(err, errlen, "secret_file: missing: FRED's JSON API "
		    "needs an API key");
		return (-1);
	}
	if (ff->csv && strcmp(url, FRED_API_URL) == 0)
		url = FRED_GRAPH_URL;
	buf_init(&b, 0);
	len = strlen(url);
	buf_append(&b, url, len);
	if (strchr(url, '?') == NULL)
		buf_append(&b, "?", 1);
	else if (url[len - 1] != '?' && url[len - 1] != '&')
		buf_append(&b, "&", 1);
	if (ff->csv) {
		/* The key is never sent to the graph host. */
		buf_printf(&b, "id=");
		for (i = 0; i < ff->nseries; i++) {
			if (i > 0)
				buf_append(&b, ",", 1);
			feedtext_urlenc(&b, ff->series[i]);
		}
		req->headers[0] = xstrdup("Accept: text/csv");
	} else {
		buf_printf(&b, "series_id=");
		feedtext_urlenc(&b, ff->series[0]);
		buf_printf(&b, "&api_key=");
		feedtext_urlenc(&b, f->secret);
		buf_printf(&b, "&file_type=json");
		req->headers[0] = xstrdup("Accept: application/json");
	}
	req->url = buf_steal(&b, NULL);
	return (0);
}

/* Describes the series key of id. */
static void
fred_describe(const struct fred_feed *ff, struct batch *bt, const char *key,
    const char *id, const char *units)
{
	struct feedtext_dims	 d;
	char			*dims;

	feedtext_dims_init(&d);
	feedtext_dims_add(&d, "series_id", id);
	feedtext_dims_add(&d, "units", units);
	dims = feedtext_dims_finish(&d);
	batch_describe(bt, key, NULL, ff->unit, ff->freq, dims);
	free(dims);
}

/* An {"error_code", "error_message"} body: 1 with err set, else 0. */
static int
fred_api_error(const struct feedjson *fj, char *err, size_t errlen)
{
	const cJSON	*msg = feedjson_get(fj->root, "error_message");
	const cJSON	*code = feedjson_get(fj->root, "error_code");
	char		 text[260], num[FEEDJSON_NUM_LEN], c[24];

	if (!cJSON_IsString(msg))
		return (0);
	feedjson_excerpt(msg->valuestring, 256, text, sizeof(text));
	if (feedjson_number(fj, code, num, sizeof(num)) == 0) {
		feedjson_excerpt(num, 16, c, sizeof(c));
		snprintf(err, errlen, "FRED error %s: %s", c, text);
	} else
		snprintf(err, errlen, "FRED error: %s", text);
	return (1);
}

/* The units of the response: "lin" if absent.  0 or -1. */
static int
fred_units(const cJSON *root, const char **units, char *err, size_t errlen)
{
	const cJSON	*n = feedjson_get(root, "units"), *ot;
	const char	*s;
	char		 q[PARSE_QUOTE_BUFLEN];
	size_t		 len, i;

	ot = feedjson_get(root, "output_type");
	if (ot != NULL && !(cJSON_IsNumber(ot) && ot->valuedouble == 1.0)) {
		snprintf(err, errlen, "\"output_type\": only 1 (one row per "
		    "observation and real-time period) is read, got %s",
		    cJSON_IsNumber(ot) ? "another number" : feedjson_type(ot));
		return (-1);
	}
	*units = "lin";
	if (n == NULL)
		return (0);
	if (!cJSON_IsString(n)) {
		snprintf(err, errlen, "\"units\": expected a string such as "
		    "\"lin\", got %s", feedjson_type(n));
		return (-1);
	}
	s = n->valuestring;
	len = strlen(s);
	for (i = 0; i < len && s[i] >= 'a' && s[i] <= 'z'; i++)
		;
	if (len == 0 || len > FRED_UNITS_MAX || i != len) {
		parse_quote(s, len, q, sizeof(q));
		snprintf(err, errlen, "\"units\": expected a FRED units code "
		    "such as \"lin\" or \"pch\", got \"%s\"", q);
		return (-1);
	}
	*units = s;
	return (0);
}

/* One observation: 1 added, 0 missing ("."), -1 error. */
static int
fred_json_obs(const struct feedjson *fj, const cJSON *o, size_t i,
    const char *key, const struct fred_feed *ff, struct generic_out *out,
    char *err, size_t errlen)
{
	const cJSON	*date, *val;
	const char	*s;
	char		 period[PERIOD_MAX_LEN], value[DECIMAL_MAX_LEN];
	char		 num[FEEDJSON_NUM_LEN], msg[384];
	int		 isnum;

	if (!cJSON_IsObject(o)) {
		snprintf(err, errlen, "observations[%zu]: expected an object, "
		    "got %s", i, feedjson_type(o));
		return (-1);
	}
	if ((date = feedjson_get(o, "date")) == NULL ||
	    (val = feedjson_get(o, "value")) == NULL) {
		snprintf(err, errlen, "observations[%zu]: no \"%s\"", i,
		    date == NULL ? "date" : "value");
		return (-1);
	}
	if (!cJSON_IsString(date)) {
		snprintf(err, errlen, "observations[%zu].date: expected a date "
		    "string such as \"2025-12-01\", got %s", i,
		    feedjson_type(date));
		return (-1);
	}
	if (period_normalize(date->valuestring, period, sizeof(period), msg,
	    sizeof(msg)) == -1) {
		snprintf(err, errlen, "observations[%zu].date: %s", i, msg);
		return (-1);
	}
	if ((s = feedjson_text(fj, val, num, sizeof(num), &isnum)) == NULL) {
		snprintf(err, errlen, "observations[%zu].value: expected a "
		    "decimal string or \".\", got %s", i, feedjson_type(val));
		return (-1);
	}
	if (!isnum && strcmp(s, ".") == 0)
		return (0);
	if (decimal_normalize(s, strlen(s), 0, value, sizeof(value), msg,
	    sizeof(msg)) == -1) {
		snprintf(err, errlen, "observations[%zu].value: %s", i, msg);
		return (-1);
	}
	generic_out_add(out, key, period, value, ff->unit, i);
	return (1);
}

static int
fred_parse_json(const struct fred_feed *ff, const char *body, size_t len,
    struct batch *bt, char *err, size_t errlen)
{
	struct feedjson		 fj;
	struct generic_out	 out;
	const cJSON		*obs, *o;
	const char		*units;
	char			 key[FRED_KEY_LEN];
	size_t			 i, t1, t2, at;
	int			 rc = -1;

	if (feedjson_parse(&fj, body, len, err, errlen) == -1)
		return (-1);
	generic_out_init(&out, bt);
	if (!cJSON_IsObject(fj.root)) {
		snprintf(err, errlen, "expected a JSON object at the top, got "
		    "%s", feedjson_type(fj.root));
		goto out;
	}
	if (fred_api_error(&fj, err, errlen) ||
	    fred_units(fj.root, &units, err, errlen) == -1)
		goto out;
	if ((obs = feedjson_get(fj.root, "observations")) == NULL) {
		snprintf(err, errlen, "response has no \"observations\" array");
		goto out;
	}
	if (!cJSON_IsArray(obs)) {
		snprintf(err, errlen, "\"observations\": expected an array, "
		    "got %s", feedjson_type(obs));
		goto out;
	}
	if (strcmp(units, "lin") == 0)
		snprintf(key, sizeof(key), "fred/%s", ff->series[0]);
	else
		snprintf(key, sizeof(key), "fred/%s/%s", ff->series[0], units);
	for (i = 0, o = obs->child; o != NULL; o = o->next, i++) {
		if (fred_json_obs(&fj, o, i, key, ff, &out, err, errlen) == -1)
			goto out;
	}
	if (generic_out_dup(&out, &t1, &t2, &at)) {
		snprintf(err, errlen, "observations[%zu]: a second value of "
		    "\"%s\" for %s (the first is in observations[%zu]; a "
		    "real-time range gives one row per vintage, and potashd "
		    "keeps one value per period)", t2, key, bt->obs[at].period,
		    t1);
		goto out;
	}
	fred_describe(ff, bt, key, ff->series[0], units);
	rc = 0;
out:
	generic_out_deinit(&out);
	feedjson_free(&fj);
	return (rc);
}

/* The fields of one CSV line, quotes removed. */
struct fred_fields {
	const char	**s;
	size_t		 *len;
	size_t		  n;
	size_t		  cap;
};

/* Splits line[0..len) at commas into fs; a field may be quoted. */
static void
fred_split(const char *line, size_t len, struct fred_fields *fs)
{
	size_t	i = 0, start, n;

	fs->n = 0;
	for (;;) {
		start = i;
		while (i < len && line[i] != ',')
			i++;
		n = i - start;
		if (fs->n == fs->cap) {
			fs->cap = fs->cap == 0 ? 8 : fs->cap * 2;
			fs->s = xreallocarray(fs->s, fs->cap, sizeof(*fs->s));
			fs->len = xreallocarray(fs->len, fs->cap,
			    sizeof(*fs->len));
		}
		if (n >= 2 && line[start] == '"' && line[i - 1] == '"') {
			start++;
			n -= 2;
		}
		fs->s[fs->n] = line + start;
		fs->len[fs->n++] = n;
		if (i >= len)
			break;
		i++;
	}
}

/* 1 if s[0..n) equals the NUL-terminated word w, ignoring ASCII case. */
static int
fred_same(const char *s, size_t n, const char *w)
{
	size_t	i;
	char	a, b;

	if (strlen(w) != n)
		return (0);
	for (i = 0; i < n; i++) {
		a = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
		b = w[i] >= 'a' && w[i] <= 'z' ? (char)(w[i] - 32) : w[i];
		if (a != b)
			return (0);
	}
	return (1);
}

/* Checks the body as text before reading lines; 0 or -1. */
static int
fred_csv_check(const char *body, size_t len, size_t *start, char *err,
    size_t errlen)
{
	const char	*nul;
	size_t		 bad, i;
	char		 q[PARSE_QUOTE_BUFLEN];

	*start = len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	if ((nul = memchr(body, '\0', len)) != NULL) {
		snprintf(err, errlen, "not CSV: NUL byte at byte %zu",
		    (size_t)(nul - body));
		return (-1);
	}
	if ((bad = generic_utf8_bad(body, len)) != len) {
		snprintf(err, errlen, "not CSV: invalid UTF-8 at byte %zu",
		    bad);
		return (-1);
	}
	for (i = *start; i < len && strchr(" \t\r\n", body[i]) != NULL; i++)
		;
	if (i == len) {
		snprintf(err, errlen, "empty body (expected fredgraph.csv)");
		return (-1);
	}
	if (body[i] == '<' || body[i] == '{' || body[i] == '[') {
		parse_quote(body + i, 1, q, sizeof(q));
		snprintf(err, errlen, "not fredgraph.csv: unexpected \"%s\" at "
		    "byte %zu (%s)", q, i, body[i] == '<' ? "an HTML error "
		    "page?" : "JSON? format = \"json\" reads the API");
		return (-1);
	}
	return (0);
}

/* Maps each series to its column of the header fs; 0 or -1. */
static int
fred_csv_header(const struct fred_feed *ff, const struct fred_fields *fs,
    const char *line, size_t len, size_t lineno, size_t *cols, char *err,
    size_t errlen)
{
	char	q[PARSE_QUOTE_BUFLEN];
	size_t	i, j;

	if (!fred_same(fs->s[0], fs->len[0], "observation_date") &&
	    !fred_same(fs->s[0], fs->len[0], "DATE")) {
		parse_quote(fs->s[0], fs->len[0], q, sizeof(q));
		snprintf(err, errlen, "line %zu: expected a header starting "
		    "with \"observation_date\" or \"DATE\", got \"%s\"", lineno,
		    q);
		return (-1);
	}
	for (i = 0; i < ff->nseries; i++) {
		for (j = 1; j < fs->n; j++) {
			if (fred_same(fs->s[j], fs->len[j], ff->series[i]))
				break;
		}
		if (j == fs->n) {
			parse_quote(line, len, q, sizeof(q));
			snprintf(err, errlen, "line %zu: no column \"%s\" (the "
			    "header is \"%s\")", lineno, ff->series[i], q);
			return (-1);
		}
		cols[i] = j;
	}
	return (0);
}

/* One data line already split into fs; 0 or -1. */
static int
fred_csv_row(const struct fred_feed *ff, const struct fred_fields *fs,
    size_t ncols, const size_t *cols, size_t lineno, struct generic_out *out,
    char *err, size_t errlen)
{
	char		 period[PERIOD_MAX_LEN], value[DECIMAL_MAX_LEN];
	char		 msg[384], key[FRED_KEY_LEN];
	char		*date;
	const char	*s;
	size_t		 i, n;
	int		 rc;

	if (fs->n != ncols) {
		snprintf(err, errlen, "line %zu: expected %zu fields (as in "
		    "the header), got %zu", lineno, ncols, fs->n);
		return (-1);
	}
	date = xstrndup(fs->s[0], fs->len[0]);
	rc = period_normalize(date, period, sizeof(period), msg, sizeof(msg));
	free(date);
	if (rc == -1) {
		snprintf(err, errlen, "line %zu: date: %s", lineno, msg);
		return (-1);
	}
	for (i = 0; i < ff->nseries; i++) {
		s = fs->s[cols[i]];
		n = fs->len[cols[i]];
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (decimal_normalize(s, n, 0, value, sizeof(value), msg,
		    sizeof(msg)) == -1) {
			snprintf(err, errlen, "line %zu: %s: %s", lineno,
			    ff->series[i], msg);
			return (-1);
		}
		snprintf(key, sizeof(key), "fred/%s", ff->series[i]);
		generic_out_add(out, key, period, value, ff->unit, lineno);
	}
	return (0);
}

static int
fred_parse_csv(const struct fred_feed *ff, const char *body, size_t len,
    struct batch *bt, char *err, size_t errlen)
{
	struct fred_fields	 fs;
	struct generic_out	 out;
	const char		*line, *nl;
	char			 key[FRED_KEY_LEN];
	size_t			 pos, n, lineno = 0, ncols = 0, i, t1, t2, at;
	size_t			*cols;
	int			 rc = -1;

	if (fred_csv_check(body, len, &pos, err, errlen) == -1)
		return (-1);
	memset(&fs, 0, sizeof(fs));
	generic_out_init(&out, bt);
	cols = xcalloc(ff->nseries, sizeof(*cols));
	while (pos < len) {
		line = body + pos;
		nl = memchr(line, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - line) : len - pos;
		pos += n + 1;
		lineno++;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		fred_split(line, n, &fs);
		if (ncols == 0) {
			if (fred_csv_header(ff, &fs, line, n, lineno, cols, err,
			    errlen) == -1)
				goto out;
			ncols = fs.n;
		} else if (fred_csv_row(ff, &fs, ncols, cols, lineno, &out, err,
		    errlen) == -1)
			goto out;
	}
	if (generic_out_dup(&out, &t1, &t2, &at)) {
		snprintf(err, errlen, "line %zu: a second value of \"%s\" for "
		    "%s (the first is on line %zu)", t2, bt->obs[at].series,
		    bt->obs[at].period, t1);
		goto out;
	}
	for (i = 0; i < ff->nseries; i++) {
		snprintf(key, sizeof(key), "fred/%s", ff->series[i]);
		fred_describe(ff, bt, key, ff->series[i], "lin");
	}
	rc = 0;
out:
	free(cols);
	free(fs.s);
	free(fs.len);
	generic_out_deinit(&out);
	return (rc);
}

static int
fred_parse(const struct feed *f, void *data, const char *body, size_t len,
    int64_t now, struct collector_result *res, char *err, size_t errlen)
{
	const struct fred_feed	*ff = data;

	if (ff->csv)
		return (fred_parse_csv(ff, body, len, res->batch, err, errlen));
	return (fred_parse_json(ff, body, len, res->batch, err, errlen));
}

const struct collector_ops collector_ops_fred = {
	.name = "fred",
	.default_url = FRED_API_URL,
	.options = fred_options,
	.noptions = sizeof(fred_options) / sizeof(fred_options[0]),
	.configure = fred_configure,
	.free = fred_free,
	.request = fred_request,
	.parse = fred_parse,
	.body_only = 1,
};
