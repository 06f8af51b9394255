/* SPDX-License-Identifier: ISC */
/*
 * yahoo: daily share prices of the listed potash producers (Nutrien NTR,
 * Mosaic MOS, ICL, K+S SDF.DE) from Yahoo Finance's chart API, v8:
 * GET .../v8/finance/chart/<SYMBOL>?interval=1d&range=1mo.  Owns the
 * per-feed options (struct yahoo_feed), the request and the reading of
 * {"chart": {"result": [{"meta", "timestamp", "indicators"}], "error"}}.
 *
 * Each bar gives two series: yahoo/<SYMBOL>/close (the close) and
 * yahoo/<SYMBOL>/adjclose (adjusted for splits and dividends; Yahoo
 * sends it for daily and longer bars only), in meta.currency ("USD",
 * "EUR"; London prices come in "GBp", pence).
 *
 * Choices, and the quirks they answer:
 *  - Values are JSON numbers that Yahoo stores as 32-bit floats and
 *    sends widened to doubles: 34.45000076293945 is the float nearest
 *    34.45.  A value that is exactly a float is written as the shortest
 *    decimal that reads back to that float ("34.45"); any other double
 *    as the shortest that reads back to the double.  Either way the
 *    text names the number Yahoo holds, without the widening noise.
 *    The token is checked as a decimal first, so 1e400 is an error.
 *    A decimal string is taken digit for digit.
 *  - Periods: a daily (or longer) bar is a trading day, stored as its
 *    date in the exchange's time.  Its timestamp is the session's start
 *    as a Unix time, so the date is that of timestamp + meta.gmtoffset.
 *    gmtoffset is today's offset, which an hour of daylight saving time
 *    may separate from the bar's; two hours are added before the date
 *    is taken, so a session starting at local midnight (currencies)
 *    still lands on its own day, and no exchange opens within two hours
 *    of midnight.  An intraday bar is its exact instant.
 *  - The bar of a session still in progress (now before
 *    meta.currentTradingPeriod.regular.end, timestamp at or after its
 *    start) holds the last trade, not a close: skipped, for daily and
 *    longer bars, until a run after the close.
 *  - null in close or adjclose (a halted or missing day) is skipped,
 *    never stored as 0.  When two bars fall on one day (Yahoo repeats
 *    the latest day), the later value wins.
 *  - No "timestamp" (a range with no trading) is an empty run.
 *  - {"chart": {"result": null, "error": {"code", "description"}}}
 *    and {"finance": {"error": ...}} are errors quoting Yahoo's text.
 *  - meta.symbol must be the feed's symbol (case aside).
 *  - Bodies: BOM skipped, invalid UTF-8, NUL and nesting deeper than
 *    1000 levels refused (feedjson.h).
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

#define YAHOO_DEFAULT_URL	\
	"https://query2.finance.yahoo.com/v8/finance/chart"
#define YAHOO_SYMBOL_MAX	32
#define YAHOO_RANGES		"1d|5d|1mo|3mo|6mo|1y|2y|5y|10y|ytd|max"
#define YAHOO_GRANULARITIES	"1m|2m|5m|15m|30m|60m|90m|1h|1d|5d|1wk|1mo|3mo"
/* Seconds added before a daily bar's date is taken (see above). */
#define YAHOO_DST_SLACK		7200
#define YAHOO_RESULT		"chart.result[0]"

struct yahoo_feed {
	char	*symbol;	/* upper case */
	char	*range;
	char	*granularity;
	int	 intraday;
};

static const struct config_option yahoo_options[] = {
	{ "feed", "symbol", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "Yahoo Finance ticker, e.g. \"NTR\" (Nutrien), \"MOS\" (Mosaic), "
	  "\"ICL\" (ICL Group), \"SDF.DE\" (K+S on XETRA).  Series keys are "
	  "yahoo/<SYMBOL>/close and yahoo/<SYMBOL>/adjclose.  Required." },
	{ "feed", "range", CONFIG_ENUM, "1mo", 0, 0, YAHOO_RANGES, 0,
	  "How far back each run reads (Yahoo's range=).  A daily poll "
	  "needs little; a longer range once fills the history, and "
	  "values already stored are not stored again." },
	{ "feed", "granularity", CONFIG_ENUM, "1d", 0, 0, YAHOO_GRANULARITIES,
	  0,
	  "Bar length (Yahoo's interval=; named so because interval is how "
	  "often a feed runs).  Daily and longer bars are stored by date; "
	  "intraday bars (1m to 1h) by instant." },
};

static void
yahoo_free(void *data)
{
	struct yahoo_feed	*yf = data;

	if (yf == NULL)
		return;
	free(yf->symbol);
	free(yf->range);
	free(yf->granularity);
	free(yf);
}

/* 1 if s is one of the '|'-separated choices. */
static int
yahoo_choice(const char *s, const char *choices)
{
	size_t	n = strlen(s);
	const char *p = choices, *e;

	for (;;) {
		e = strchr(p, '|');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == n && n > 0 && memcmp(p, s, n) == 0)
			return (1);
		if (*e == '\0')
			return (0);
		p = e + 1;
	}
}

/* Reads an enum option into *out (copied); 0 or -1. */
static int
yahoo_enum(const struct feed *f, const char *name, const char *def,
    const char *choices, char **out, char *err, size_t errlen)
{
	const char	*s = feed_get(f, name);
	char		 q[PARSE_QUOTE_BUFLEN];

	if (s == NULL)
		s = def;
	if (!yahoo_choice(s, choices)) {
		parse_quote(s, strlen(s), q, sizeof(q));
		snprintf(err, errlen, "%s: expected one of %s, got \"%s\"",
		    name, choices, q);
		return (-1);
	}
	*out = xstrdup(s);
	return (0);
}

static int
yahoo_configure(const struct feed *f, void **datap, char *err, size_t errlen)
{
	struct yahoo_feed	*yf;
	const char		*s;
	char			 q[PARSE_QUOTE_BUFLEN];
	size_t			 n, i;

	*datap = NULL;
	yf = xcalloc(1, sizeof(*yf));
	if ((s = feed_get(f, "symbol")) == NULL || *s == '\0') {
		snprintf(err, errlen, "symbol: missing: name a Yahoo Finance "
		    "ticker, e.g. \"NTR\" (Nutrien) or \"SDF.DE\" (K+S)");
		goto fail;
	}
	n = strlen(s);
	for (i = 0; i < n; i++) {
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr(".-^=_", s[i]) != NULL))
			break;
	}
	if (i < n || n > YAHOO_SYMBOL_MAX) {
		parse_quote(s, n, q, sizeof(q));
		snprintf(err, errlen, "symbol: expected a Yahoo Finance ticker "
		    "(letters, digits and . - ^ = _, e.g. \"SDF.DE\"), got "
		    "\"%s\"", q);
		goto fail;
	}
	yf->symbol = xstrdup(s);
	for (i = 0; i < n; i++) {
		if (yf->symbol[i] >= 'a' && yf->symbol[i] <= 'z')
			yf->symbol[i] = (char)(yf->symbol[i] - 'a' + 'A');
	}
	if (yahoo_enum(f, "range", "1mo", YAHOO_RANGES, &yf->range, err,
	    errlen) == -1 || yahoo_enum(f, "granularity", "1d",
	    YAHOO_GRANULARITIES, &yf->granularity, err, errlen) == -1)
		goto fail;
	n = strlen(yf->granularity);
	yf->intraday = yf->granularity[n - 1] == 'm' ||
	    yf->granularity[n - 1] == 'h';
	if (strcmp(yf->granularity, "1mo") == 0 ||
	    strcmp(yf->granularity, "3mo") == 0)
		yf->intraday = 0;
	*datap = yf;
	return (0);
fail:
	yahoo_free(yf);
	return (-1);
}

static int
yahoo_request(const struct feed *f, void *data, int64_t now,
    struct collector_request *req, char *err, size_t errlen)
{
	const struct yahoo_feed	*yf = data;
	const char		*url = f->url;
	struct buf		 b;
	size_t			 len;

	if (*url == '\0')
		url = YAHOO_DEFAULT_URL;
	/* A replayed body, or a url with a query: the whole request. */
	if (strncmp(url, "file://", 7) == 0 || strchr(url, '?') != NULL) {
		req->url = xstrdup(url);
		return (0);
	}
	buf_init(&b, 0);
	len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		len--;
	buf_append(&b, url, len);
	buf_append(&b, "/", 1);
	feedtext_urlenc(&b, yf->symbol);
	buf_printf(&b, "?interval=%s&range=%s", yf->granularity, yf->range);
	req->url = buf_steal(&b, NULL);
	req->headers[0] = xstrdup("Accept: application/json");
	return (0);
}

/*
 * Writes "%.*e" text e ("-3.445e+01", any radix character) as a plain
 * decimal ("-34.45") into out (DECIMAL_MAX_LEN bytes).
 */
static void
yahoo_plain(const char *e, char *out)
{
	char	digits[32];
	size_t	nd = 0, o = 0;
	long	x, k, i;

	if (*e == '-')
		out[o++] = *e++;
	for (; *e != '\0' && *e != 'e'; e++) {
		if (*e >= '0' && *e <= '9' && nd < sizeof(digits))
			digits[nd++] = *e;
	}
	x = *e == 'e' ? strtol(e + 1, NULL, 10) : 0;
	/* The digits are d.ddd times 10^x: k of them before the point. */
	k = x + 1;
	if (k <= 0) {
		out[o++] = '0';
		out[o++] = '.';
		for (i = 0; i < -k; i++)
			out[o++] = '0';
		for (i = 0; i < (long)nd; i++)
			out[o++] = digits[i];
	} else {
		for (i = 0; i < k || i < (long)nd; i++) {
			if (i == k)
				out[o++] = '.';
			out[o++] = i < (long)nd ? digits[i] : '0';
		}
	}
	out[o] = '\0';
}

/*
 * The shortest decimal naming d (see above) into out (DECIMAL_MAX_LEN
 * bytes); d is finite and within decimal.h's range.  0 or -1.
 */
static int
yahoo_shortest(double d, char *out)
{
	char	 e[48];
	double	 back;
	float	 fl = 0;
	int	 p, isf;

	isf = fabs(d) <= (double)FLT_MAX && (double)(fl = (float)d) == d;
	for (p = 1; p <= (isf ? 9 : 17); p++) {
		snprintf(e, sizeof(e), "%.*e", p - 1, d);
		yahoo_plain(e, out);
		if (decimal_to_double(out, &back) == -1)
			return (-1);
		if (isf ? fabs(back) <= (double)FLT_MAX && (float)back == fl :
		    back == d)
			return (0);
	}
	return (0);
}

/*
 * The value of node n (a number, a decimal string or null) into out
 * (DECIMAL_MAX_LEN bytes).  1: a value, 0: null, -1: error (path names
 * the node in the message).
 */
static int
yahoo_value(const struct feedjson *fj, const cJSON *n, const char *path,
    size_t i, char *out, char *err, size_t errlen)
{
	char		 num[FEEDJSON_NUM_LEN], msg[384], tmp[DECIMAL_MAX_LEN];
	const char	*s;
	double		 d;
	int		 isnum;

	if (cJSON_IsNull(n))
		return (0);
	if ((s = feedjson_text(fj, n, num, sizeof(num), &isnum)) == NULL) {
		snprintf(err, errlen, "%s[%zu]: expected a number or null, got "
		    "%s", path, i, feedjson_type(n));
		return (-1);
	}
	if (decimal_normalize(s, strlen(s), 0, out, DECIMAL_MAX_LEN, msg,
	    sizeof(msg)) == -1) {
		snprintf(err, errlen, "%s[%zu]: %s", path, i, msg);
		return (-1);
	}
	if (!isnum)
		return (1);
	if (decimal_to_double(out, &d) == -1 || yahoo_shortest(d, tmp) == -1 ||
	    decimal_normalize(tmp, strlen(tmp), 0, out, DECIMAL_MAX_LEN, msg,
	    sizeof(msg)) == -1) {
		snprintf(err, errlen, "%s[%zu]: cannot write %s as a decimal",
		    path, i, s);
		return (-1);
	}
	return (1);
}

/* An integer number node into *out; 0, or -1 if n is not one. */
static int
yahoo_int(const struct feedjson *fj, const cJSON *n, int64_t min, int64_t max,
    int64_t *out)
{
	char	num[FEEDJSON_NUM_LEN];

	if (feedjson_number(fj, n, num, sizeof(num)) == -1)
		return (-1);
	return (parse_int64(num, min, max, out, NULL, 0));
}

/* A Yahoo {"code", "description"} error object: 1 with err set, else 0. */
static int
yahoo_api_error(const cJSON *e, char *err, size_t errlen)
{
	const cJSON	*code, *desc;
	char		 c[68], d[260];

	if (e == NULL || cJSON_IsNull(e))
		return (0);
	code = feedjson_get(e, "code");
	desc = feedjson_get(e, "description");
	feedjson_excerpt(cJSON_IsString(code) ? code->valuestring : "", 64,
	    c, sizeof(c));
	feedjson_excerpt(cJSON_IsString(desc) ? desc->valuestring : "", 256,
	    d, sizeof(d));
	snprintf(err, errlen, "Yahoo error%s%s%s%s", *c != '\0' ? ": " : "",
	    c, *d != '\0' ? ": " : "", d);
	return (1);
}

/* What a parse reads from one result. */
struct yahoo_chart {
	const struct feedjson	*fj;
	const cJSON		*meta;
	const cJSON		**close;	/* one node per bar, or NULL */
	const cJSON		**adjclose;
	size_t			  n;		/* bars */
	char			(*periods)[PERIOD_MAX_LEN];
	char			 *live;		/* 1: session in progress */
};

/* Finds the chart's one result; 0 or -1. */
static int
yahoo_result(const cJSON *root, const cJSON **r, char *err, size_t errlen)
{
	const cJSON	*chart, *res, *fin;

	if (!cJSON_IsObject(root)) {
		snprintf(err, errlen, "expected a JSON object at the top, got "
		    "%s", feedjson_type(root));
		return (-1);
	}
	if ((fin = feedjson_get(root, "finance")) != NULL &&
	    yahoo_api_error(feedjson_get(fin, "error"), err, errlen))
		return (-1);
	if (!cJSON_IsObject(chart = feedjson_get(root, "chart"))) {
		snprintf(err, errlen, "response has no \"chart\" object");
		return (-1);
	}
	if (yahoo_api_error(feedjson_get(chart, "error"), err, errlen))
		return (-1);
	res = feedjson_get(chart, "result");
	if (!cJSON_IsArray(res) || res->child == NULL) {
		snprintf(err, errlen, "chart.result: expected an array with "
		    "one result, got %s", cJSON_IsArray(res) ?
		    "an empty array" : feedjson_type(res));
		return (-1);
	}
	if (!cJSON_IsObject(*r = res->child)) {
		snprintf(err, errlen, YAHOO_RESULT ": expected an object, got "
		    "%s", feedjson_type(*r));
		return (-1);
	}
	return (0);
}

/* The nodes of the array at indicators.<name>[0].<name>, or NULL. */
static int
yahoo_column(const cJSON *ind, const char *outer, const char *name,
    size_t n, const cJSON ***out, char *err, size_t errlen)
{
	const cJSON	*o, *a, *x;
	size_t		 i;

	*out = NULL;
	if ((o = feedjson_get(ind, outer)) == NULL)
		return (0);
	if (!cJSON_IsArray(o) || !cJSON_IsObject(o->child)) {
		snprintf(err, errlen, YAHOO_RESULT ".indicators.%s: expected "
		    "an array of one object, got %s", outer, feedjson_type(o));
		return (-1);
	}
	if ((a = feedjson_get(o->child, name)) == NULL)
		return (0);
	if (!cJSON_IsArray(a)) {
		snprintf(err, errlen, YAHOO_RESULT ".indicators.%s[0].%s: "
		    "expected an array, got %s", outer, name, feedjson_type(a));
		return (-1);
	}
	*out = xcalloc(n + 1, sizeof(**out));
	for (i = 0, x = a->child; x != NULL && i < n; x = x->next, i++)
		(*out)[i] = x;
	if (i != n || x != NULL) {
		snprintf(err, errlen, YAHOO_RESULT ".indicators.%s[0].%s: %zu "
		    "values for %zu timestamps", outer, name,
		    (size_t)cJSON_GetArraySize(a), n);
		return (-1);
	}
	return (0);
}

/* Timestamps into periods, sessions in progress marked; 0 or -1. */
static int
yahoo_bars(const struct yahoo_feed *yf, struct yahoo_chart *c,
    const cJSON *ts, int64_t now, char *err, size_t errlen)
{
	const cJSON	*reg, *x;
	int64_t		 off = 0, start = 0, end = 0, t;
	size_t		 i;
	char		 num[FEEDJSON_NUM_LEN], q[PARSE_QUOTE_BUFLEN];
	int		 live;

	x = feedjson_get(c->meta, "gmtoffset");
	if (x != NULL && !cJSON_IsNull(x) && yahoo_int(c->fj, x, -86400,
	    86400, &off) == -1) {
		snprintf(err, errlen, YAHOO_RESULT ".meta.gmtoffset: expected "
		    "seconds east of UTC, got %s", feedjson_type(x));
		return (-1);
	}
	reg = feedjson_get(feedjson_get(c->meta, "currentTradingPeriod"),
	    "regular");
	live = !yf->intraday && yahoo_int(c->fj, feedjson_get(reg, "start"),
	    0, INT64_MAX, &start) == 0 && yahoo_int(c->fj,
	    feedjson_get(reg, "end"), 0, INT64_MAX, &end) == 0 &&
	    now / 1000000 < end;
	c->periods = xcalloc(c->n + 1, sizeof(*c->periods));
	c->live = xcalloc(c->n + 1, 1);
	for (i = 0, x = ts->child; x != NULL; x = x->next, i++) {
		if (yahoo_int(c->fj, x, 0, INT64_C(1) << 40, &t) == -1) {
			if (feedjson_number(c->fj, x, num, sizeof(num)) == -1)
				snprintf(err, errlen, YAHOO_RESULT ".timestamp"
				    "[%zu]: expected Unix seconds, got %s", i,
				    feedjson_type(x));
			else {
				parse_quote(num, strlen(num), q, sizeof(q));
				snprintf(err, errlen, YAHOO_RESULT ".timestamp"
				    "[%zu]: expected Unix seconds, got \"%s\"",
				    i, q);
			}
			return (-1);
		}
		c->live[i] = live && t >= start;
		if (!yf->intraday) {
			/* Midnight of the local day, rounding down. */
			t += off + YAHOO_DST_SLACK;
			t = (t >= 0 ? t / 86400 : -((-t + 86399) / 86400)) *
			    86400;
		}
		if (period_from_unix(t, c->periods[i], PERIOD_MAX_LEN) == -1) {
			snprintf(err, errlen, YAHOO_RESULT ".timestamp[%zu]: "
			    "out of range", i);
			return (-1);
		}
		if (!yf->intraday)
			c->periods[i][10] = '\0';
	}
	return (0);
}

/* Adds the values of one column; 0 or -1. */
static int
yahoo_add(const struct yahoo_chart *c, const cJSON **col, const char *path,
    const char *key, const char *unit, struct generic_out *out, char *err,
    size_t errlen)
{
	char	value[DECIMAL_MAX_LEN];
	size_t	i, j;
	int	rc, later;

	for (i = 0; i < c->n; i++) {
		if (c->live[i])
			continue;
		if ((rc = yahoo_value(c->fj, col[i], path, i, value, err,
		    errlen)) == -1)
			return (-1);
		if (rc == 0)
			continue;
		/* A later bar of the same day with a value replaces this. */
		later = 0;
		for (j = i + 1; j < c->n && strcmp(c->periods[j],
		    c->periods[i]) == 0; j++) {
			if (!c->live[j] && !cJSON_IsNull(col[j]))
				later = 1;
		}
		if (!later)
			generic_out_add(out, key, c->periods[i], value, unit,
			    i);
	}
	return (0);
}

/* Describes yahoo/<SYMBOL>/<measure>. */
static void
yahoo_describe(const struct yahoo_feed *yf, const struct yahoo_chart *c,
    struct batch *bt, const char *key, const char *measure,
    const char *unit)
{
	struct feedtext_dims	 d;
	const cJSON		*ln = feedjson_get(c->meta, "longName");
	const cJSON		*ex = feedjson_get(c->meta, "exchangeName");
	const cJSON		*tz = feedjson_get(c->meta,
				    "exchangeTimezoneName");
	const char		*who, *freq = NULL;
	char			*dims, *name;

	who = cJSON_IsString(ln) && *ln->valuestring != '\0' ?
	    ln->valuestring : NULL;
	feedtext_dims_init(&d);
	feedtext_dims_add(&d, "symbol", yf->symbol);
	feedtext_dims_add(&d, "measure", measure);
	feedtext_dims_add(&d, "currency", unit);
	feedtext_dims_add(&d, "exchange", cJSON_IsString(ex) ?
	    ex->valuestring : NULL);
	feedtext_dims_add(&d, "timezone", cJSON_IsString(tz) ?
	    tz->valuestring : NULL);
	feedtext_dims_add(&d, "entity", who);
	dims = feedtext_dims_finish(&d);
	if (strcmp(yf->granularity, "1d") == 0)
		freq = "D";
	else if (strcmp(yf->granularity, "1wk") == 0)
		freq = "W";
	else if (strcmp(yf->granularity, "1mo") == 0)
		freq = "M";
	else if (strcmp(yf->granularity, "3mo") == 0)
		freq = "Q";
	name = xasprintf("%s%s%s%s: %s", who != NULL ? who : "",
	    who != NULL ? " (" : "", yf->symbol, who != NULL ? ")" : "",
	    strcmp(measure, "close") == 0 ? "close" : "adjusted close");
	batch_describe(bt, key, name, unit, freq, dims);
	free(name);
	free(dims);
}

/* Checks meta and finds the columns; 0 or -1. */
static int
yahoo_meta(const struct yahoo_feed *yf, const cJSON *r, struct yahoo_chart *c,
    const cJSON **ts, const char **unit, char *err, size_t errlen)
{
	const cJSON	*sym, *cur, *ind;
	char		 q[PARSE_QUOTE_BUFLEN];

	if (!cJSON_IsObject(c->meta = feedjson_get(r, "meta"))) {
		snprintf(err, errlen, YAHOO_RESULT ": no \"meta\" object");
		return (-1);
	}
	sym = feedjson_get(c->meta, "symbol");
	if (cJSON_IsString(sym) && strcasecmp(sym->valuestring,
	    yf->symbol) != 0) {
		parse_quote(sym->valuestring, strlen(sym->valuestring), q,
		    sizeof(q));
		snprintf(err, errlen, YAHOO_RESULT ".meta.symbol: expected "
		    "\"%s\" (the feed's symbol), got \"%s\"", yf->symbol, q);
		return (-1);
	}
	cur = feedjson_get(c->meta, "currency");
	*unit = cJSON_IsString(cur) && *cur->valuestring != '\0' ?
	    cur->valuestring : NULL;
	if ((*ts = feedjson_get(r, "timestamp")) == NULL)
		return (0);
	if (!cJSON_IsArray(*ts)) {
		snprintf(err, errlen, YAHOO_RESULT ".timestamp: expected an "
		    "array, got %s", feedjson_type(*ts));
		return (-1);
	}
	c->n = (size_t)cJSON_GetArraySize(*ts);
	if (!cJSON_IsObject(ind = feedjson_get(r, "indicators"))) {
		snprintf(err, errlen, YAHOO_RESULT ": no \"indicators\" "
		    "object");
		return (-1);
	}
	if (yahoo_column(ind, "quote", "close", c->n, &c->close, err,
	    errlen) == -1 || yahoo_column(ind, "adjclose", "adjclose", c->n,
	    &c->adjclose, err, errlen) == -1)
		return (-1);
	if (c->close == NULL && c->n > 0) {
		snprintf(err, errlen, YAHOO_RESULT ".indicators.quote[0]: no "
		    "\"close\" array");
		return (-1);
	}
	return (0);
}

static int
yahoo_parse(const struct feed *f, void *data, const char *body, size_t len,
    int64_t now, struct collector_result *res, char *err, size_t errlen)
{
	const struct yahoo_feed	*yf = data;
	struct feedjson		 fj;
	struct yahoo_chart	 c;
	struct generic_out	 out;
	const cJSON		*r, *ts = NULL;
	const char		*unit = NULL;
	char			 kc[YAHOO_SYMBOL_MAX + 16];
	char			 ka[YAHOO_SYMBOL_MAX + 16];
	size_t			 t1, t2, at;
	int			 rc = -1;

	if (feedjson_parse(&fj, body, len, err, errlen) == -1)
		return (-1);
	memset(&c, 0, sizeof(c));
	c.fj = &fj;
	generic_out_init(&out, res->batch);
	if (yahoo_result(fj.root, &r, err, errlen) == -1 ||
	    yahoo_meta(yf, r, &c, &ts, &unit, err, errlen) == -1)
		goto out;
	if (ts == NULL || c.n == 0) {
		rc = 0;
		goto out;
	}
	if (yahoo_bars(yf, &c, ts, now, err, errlen) == -1)
		goto out;
	snprintf(kc, sizeof(kc), "yahoo/%s/close", yf->symbol);
	snprintf(ka, sizeof(ka), "yahoo/%s/adjclose", yf->symbol);
	if (yahoo_add(&c, c.close, YAHOO_RESULT ".indicators.quote[0].close",
	    kc, unit, &out, err, errlen) == -1 || (c.adjclose != NULL &&
	    yahoo_add(&c, c.adjclose, YAHOO_RESULT
	    ".indicators.adjclose[0].adjclose", ka, unit, &out, err,
	    errlen) == -1))
		goto out;
	if (generic_out_dup(&out, &t1, &t2, &at)) {
		snprintf(err, errlen, YAHOO_RESULT ".timestamp[%zu]: a second "
		    "bar for %s (the first is timestamp[%zu])", t2,
		    res->batch->obs[at].period, t1);
		goto out;
	}
	yahoo_describe(yf, &c, res->batch, kc, "close", unit);
	if (c.adjclose != NULL)
		yahoo_describe(yf, &c, res->batch, ka, "adjclose", unit);
	rc = 0;
out:
	free(c.close);
	free(c.adjclose);
	free(c.periods);
	free(c.live);
	generic_out_deinit(&out);
	feedjson_free(&fj);
	return (rc);
}

const struct collector_ops collector_ops_yahoo = {
	.name = "yahoo",
	.default_url = YAHOO_DEFAULT_URL,
	.options = yahoo_options,
	.noptions = sizeof(yahoo_options) / sizeof(yahoo_options[0]),
	.configure = yahoo_configure,
	.free = yahoo_free,
	.request = yahoo_request,
	.parse = yahoo_parse,
};
