/* SPDX-License-Identifier: ISC */
/*
 * comtrade_row: the rows of a UN Comtrade v1 response
 * ({"elapsedTime", "count": N, "data": [{...}], "error": ""}) as
 * observations; series keys and dimensions are described in comtrade.c.
 *
 * Quirks handled:
 *  - netWgt is in kg: stored as tonnes by moving the decimal point
 *    (decimal_shift by -3), never through a double: 95000000 kg is
 *    "95000.000" t.  Numbers keep their exact text (feedjson), so
 *    primaryValue 6804128143.0 is stored as "6804128143.0".
 *  - null or an absent member is missing and skipped; a string holding
 *    a decimal is accepted; true, objects and garbage are errors (a
 *    missing value is never stored as 0).
 *  - isNetWgtEstimated true (e.g. the 0 kg UN Comtrade puts on
 *    aggregates) sends the weight to the series netwgt_est instead of a
 *    dimension: dimensions describe a whole series and cannot mark one
 *    observation, and an estimated 0 among reported weights would read
 *    as a collapse of the flow.  The value is kept, and that series has
 *    the dimension "estimated": true.
 *  - Rows broken down by second partner, mode of transport, mode of
 *    supply or customs procedure (partner2Code, motCode, mosCode other
 *    than 0, customsCode other than C00) are skipped: the request asks
 *    for the totals, and a breakdown would repeat a total's series and
 *    period.
 *  - period is "202401" (freqCode M) or "2024" (A), a string or a
 *    number; it must agree with freqCode.  Codes may be numbers or
 *    strings of digits.
 *  - Error bodies: {"statusCode": 401, "message": "..."} and a non-empty
 *    "error" string are errors quoting the source's text; a missing
 *    "data" is an error, "data": null or [] (count 0) an empty run.
 *  - One series given two values for one period in one body is an error
 *    naming both rows.
 *  - Bodies: BOM skipped, invalid UTF-8, NUL and nesting deeper than
 *    1000 levels refused (feedjson.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collectors/collector.h"
#include "collectors/comtrade.h"
#include "collectors/feedjson.h"
#include "collectors/generic.h"
#include "util/decimal.h"
#include "util/parse.h"
#include "util/period.h"
#include "util/xmalloc.h"

int
comtrade_row_digits(const char *s, size_t min, size_t max)
{
	size_t	n = strlen(s);

	return (n >= min && n <= max && strspn(s, "0123456789") == n);
}

/* M49 codes UN Comtrade uses, for ISO3 dimensions when a row has none. */
static const struct comtrade_row_iso {
	const char	*code;
	const char	*iso3;
} comtrade_row_isos[] = {
	{ "0", "W00" }, { "32", "ARG" }, { "36", "AUS" }, { "50", "BGD" },
	{ "56", "BEL" }, { "76", "BRA" }, { "112", "BLR" }, { "124", "CAN" },
	{ "144", "LKA" }, { "156", "CHN" }, { "251", "FRA" },
	{ "276", "DEU" }, { "360", "IDN" }, { "380", "ITA" },
	{ "392", "JPN" }, { "410", "KOR" }, { "428", "LVA" },
	{ "440", "LTU" }, { "458", "MYS" }, { "528", "NLD" },
	{ "579", "NOR" }, { "586", "PAK" }, { "608", "PHL" },
	{ "616", "POL" }, { "643", "RUS" }, { "699", "IND" },
	{ "704", "VNM" }, { "724", "ESP" }, { "757", "CHE" },
	{ "764", "THA" }, { "792", "TUR" }, { "804", "UKR" },
	{ "826", "GBR" }, { "842", "USA" },
};

/* What identifies one row's series and period. */
struct comtrade_row {
	char		 reporter[COMTRADE_CODE_MAX + 1];
	char		 partner[COMTRADE_CODE_MAX + 1];
	char		 cmd[16];
	char		 flow[8];
	char		 freq[2];
	char		 period[PERIOD_MAX_LEN];
	const cJSON	*o;
};

/* An observation of this parse, for the duplicate check. */
struct comtrade_row_seen {
	const char	*series;
	const char	*period;
	size_t		 row;
};

static void
comtrade_row_where(char *err, size_t errlen, size_t i, const char *name,
    const char *msg)
{
	snprintf(err, errlen, "data[%zu].%s: %s", i, name, msg);
}

/* A code member: a number or a string of digits; 0 or -1. */
static int
comtrade_row_code(const struct feedjson *fj, const struct comtrade_row *r,
    size_t i, const char *name, char *out, size_t outlen, char *err,
    size_t errlen)
{
	const cJSON	*n = feedjson_get(r->o, name);
	const char	*s;
	char		 num[FEEDJSON_NUM_LEN], q[PARSE_QUOTE_BUFLEN];
	char		 msg[300];
	int		 isnum;

	if ((s = feedjson_text(fj, n, num, sizeof(num), &isnum)) == NULL) {
		snprintf(msg, sizeof(msg), "expected an M49 code, got %s",
		    feedjson_type(n));
		comtrade_row_where(err, errlen, i, name, msg);
		return (-1);
	}
	if (!comtrade_row_digits(s, 1, outlen - 1)) {
		parse_quote(s, strlen(s), q, sizeof(q));
		snprintf(msg, sizeof(msg), "expected an M49 code (1 to %zu "
		    "digits), got \"%s\"", outlen - 1, q);
		comtrade_row_where(err, errlen, i, name, msg);
		return (-1);
	}
	memcpy(out, s, strlen(s) + 1);
	return (0);
}

/* A short string member of letters and digits; 0 or -1. */
static int
comtrade_row_word(const struct comtrade_row *r, size_t i, const char *name,
    const char *expected, char *out, size_t outlen, char *err, size_t errlen)
{
	const cJSON	*n = feedjson_get(r->o, name);
	char		 q[PARSE_QUOTE_BUFLEN], msg[300];
	size_t		 len;

	if (!cJSON_IsString(n)) {
		snprintf(msg, sizeof(msg), "expected %s, got %s", expected,
		    feedjson_type(n));
		comtrade_row_where(err, errlen, i, name, msg);
		return (-1);
	}
	len = strlen(n->valuestring);
	if (len == 0 || len >= outlen || strspn(n->valuestring,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789") != len) {
		parse_quote(n->valuestring, len, q, sizeof(q));
		snprintf(msg, sizeof(msg), "expected %s, got \"%s\"",
		    expected, q);
		comtrade_row_where(err, errlen, i, name, msg);
		return (-1);
	}
	memcpy(out, n->valuestring, len + 1);
	return (0);
}

/* 1 if member name is absent, null or the code of the total. */
static int
comtrade_row_total(const struct feedjson *fj, const cJSON *o,
    const char *name, const char *total)
{
	const cJSON	*n = feedjson_get(o, name);
	const char	*s;
	char		 num[FEEDJSON_NUM_LEN];
	int		 isnum;

	if (n == NULL || cJSON_IsNull(n))
		return (1);
	s = feedjson_text(fj, n, num, sizeof(num), &isnum);
	return (s != NULL && strcmp(s, total) == 0);
}

static int
comtrade_row_read(const struct feedjson *fj, struct comtrade_row *r,
    size_t i, char *err, size_t errlen)
{
	const cJSON	*n;
	const char	*s;
	char		 num[FEEDJSON_NUM_LEN], q[PARSE_QUOTE_BUFLEN];
	char		 msg[400], why[300];
	size_t		 want;
	int		 isnum;

	if (comtrade_row_code(fj, r, i, "reporterCode", r->reporter,
	    sizeof(r->reporter), err, errlen) == -1 ||
	    comtrade_row_code(fj, r, i, "partnerCode", r->partner,
	    sizeof(r->partner), err, errlen) == -1 ||
	    comtrade_row_word(r, i, "cmdCode", "an HS code such as "
	    "\"310420\"", r->cmd, sizeof(r->cmd), err, errlen) == -1 ||
	    comtrade_row_word(r, i, "flowCode", "a flow code such as \"M\"",
	    r->flow, sizeof(r->flow), err, errlen) == -1 ||
	    comtrade_row_word(r, i, "freqCode", "\"M\" or \"A\"", r->freq,
	    sizeof(r->freq), err, errlen) == -1)
		return (-1);
	if (strcmp(r->freq, "M") != 0 && strcmp(r->freq, "A") != 0) {
		snprintf(msg, sizeof(msg), "expected \"M\" or \"A\", got "
		    "\"%s\"", r->freq);
		comtrade_row_where(err, errlen, i, "freqCode", msg);
		return (-1);
	}
	n = feedjson_get(r->o, "period");
	if ((s = feedjson_text(fj, n, num, sizeof(num), &isnum)) == NULL) {
		snprintf(msg, sizeof(msg), "expected a period such as "
		    "\"202401\", got %s", feedjson_type(n));
		comtrade_row_where(err, errlen, i, "period", msg);
		return (-1);
	}
	want = r->freq[0] == 'M' ? 6 : 4;
	if (!comtrade_row_digits(s, want, want)) {
		parse_quote(s, strlen(s), q, sizeof(q));
		snprintf(msg, sizeof(msg), "expected %s (freqCode %s), got "
		    "\"%s\"", want == 6 ? "YYYYMM" : "YYYY", r->freq, q);
		comtrade_row_where(err, errlen, i, "period", msg);
		return (-1);
	}
	if (period_normalize(s, r->period, sizeof(r->period), why,
	    sizeof(why)) == -1) {
		comtrade_row_where(err, errlen, i, "period", why);
		return (-1);
	}
	return (0);
}

/*
 * A value member: 1 with canonical decimal text in out, 0 if missing
 * (absent or null), -1 on error.
 */
static int
comtrade_row_value(const struct feedjson *fj, const cJSON *o, size_t i,
    const char *name, char *out, size_t outlen, char *err, size_t errlen)
{
	const cJSON	*n = feedjson_get(o, name);
	const char	*s;
	char		 num[FEEDJSON_NUM_LEN], msg[600], why[400];
	int		 isnum;

	if (n == NULL || cJSON_IsNull(n))
		return (0);
	if ((s = feedjson_text(fj, n, num, sizeof(num), &isnum)) == NULL) {
		snprintf(msg, sizeof(msg), "expected a number, got %s",
		    feedjson_type(n));
		comtrade_row_where(err, errlen, i, name, msg);
		return (-1);
	}
	if (decimal_normalize(s, strlen(s), 0, out, outlen, why,
	    sizeof(why)) == -1) {
		comtrade_row_where(err, errlen, i, name, why);
		return (-1);
	}
	return (1);
}

/* isNetWgtEstimated: 1, 0, or -1 if it is not a boolean. */
static int
comtrade_row_estimated(const cJSON *o, size_t i, char *err, size_t errlen)
{
	const cJSON	*n = feedjson_get(o, "isNetWgtEstimated");
	char		 msg[200];

	if (n == NULL || cJSON_IsNull(n) || cJSON_IsFalse(n))
		return (0);
	if (cJSON_IsTrue(n))
		return (1);
	snprintf(msg, sizeof(msg), "expected true or false, got %s",
	    feedjson_type(n));
	comtrade_row_where(err, errlen, i, "isNetWgtEstimated", msg);
	return (-1);
}

/* A printable ISO3-like string member, or NULL. */
static const char *
comtrade_row_iso(const cJSON *o, const char *name)
{
	const cJSON	*n = feedjson_get(o, name);
	size_t		 len;

	if (!cJSON_IsString(n))
		return (NULL);
	len = strlen(n->valuestring);
	if (len == 0 || len > 8 || strspn(n->valuestring,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != len)
		return (NULL);
	return (n->valuestring);
}

static const char *
comtrade_row_iso3(const cJSON *o, const char *member, const char *code)
{
	const char	*s;
	size_t		 i;

	if ((s = comtrade_row_iso(o, member)) != NULL)
		return (s);
	for (i = 0; i < sizeof(comtrade_row_isos) /
	    sizeof(comtrade_row_isos[0]); i++) {
		if (strcmp(comtrade_row_isos[i].code, code) == 0)
			return (comtrade_row_isos[i].iso3);
	}
	return (code);
}

/* A country's name for series names: its description, ISO3 or code. */
static const char *
comtrade_row_country(const cJSON *o, const char *desc, const char *iso)
{
	const cJSON	*n = feedjson_get(o, desc);

	if (cJSON_IsString(n) && n->valuestring[0] != '\0' &&
	    strlen(n->valuestring) < 80 &&
	    generic_utf8_bad(n->valuestring, strlen(n->valuestring)) ==
	    strlen(n->valuestring))
		return (n->valuestring);
	return (iso);
}

/* Describes series key, unless this batch already has. */
static void
comtrade_row_describe(struct batch *b, const struct comtrade_row *r,
    const char *key, const char *measure, const char *unit)
{
	const char	*r_iso, *p_iso, *origin, *dest, *ocode, *dcode;
	char		 name[512];
	char		*dims;
	cJSON		*d;
	size_t		 i;
	int		 exports;

	for (i = 0; i < b->nseries; i++) {
		if (strcmp(b->series[i].key, key) == 0)
			return;
	}
	r_iso = comtrade_row_iso3(r->o, "reporterISO", r->reporter);
	p_iso = comtrade_row_iso3(r->o, "partnerISO", r->partner);
	/* X, RX, DX: the reporter ships; M, RM, FM: the partner does. */
	exports = strchr(r->flow, 'X') != NULL;
	origin = exports ? r_iso : p_iso;
	dest = exports ? p_iso : r_iso;
	ocode = exports ? r->reporter : r->partner;
	dcode = exports ? r->partner : r->reporter;
	snprintf(name, sizeof(name), "%s %s of HS %s %s %s: %s",
	    comtrade_row_country(r->o, "reporterDesc", r_iso),
	    strcmp(r->flow, "M") == 0 ? "imports" : strcmp(r->flow, "X") ==
	    0 ? "exports" : r->flow, r->cmd, exports ? "to" : "from",
	    comtrade_row_country(r->o, "partnerDesc", p_iso),
	    strcmp(measure, "primaryvalue") == 0 ? "trade value (USD)" :
	    strcmp(measure, "netwgt") == 0 ? "net weight (t)" :
	    "net weight estimated by UN Comtrade (t)");
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "product", r->cmd);
	cJSON_AddStringToObject(d, "origin", origin);
	cJSON_AddStringToObject(d, "origin_code", ocode);
	cJSON_AddStringToObject(d, "destination", dest);
	cJSON_AddStringToObject(d, "destination_code", dcode);
	cJSON_AddStringToObject(d, "flow", r->flow);
	cJSON_AddStringToObject(d, "reporter", r->reporter);
	cJSON_AddStringToObject(d, "partner", r->partner);
	cJSON_AddStringToObject(d, "measure", measure);
	if (strcmp(unit, "USD") == 0)
		cJSON_AddStringToObject(d, "currency", "USD");
	if (strcmp(measure, "netwgt_est") == 0)
		cJSON_AddTrueToObject(d, "estimated");
	dims = cJSON_PrintUnformatted(d);
	cJSON_Delete(d);
	batch_describe(b, key, name, unit, r->freq, dims);
	cJSON_free(dims);
}

/* Adds one measure of row r; the caller checked the value. */
static void
comtrade_row_add(struct batch *b, const struct comtrade_row *r,
    const char *measure, const char *value, const char *unit)
{
	char	key[128], flow[16];
	size_t	i;

	flow[0] = '\0';
	if (strcmp(r->flow, "M") != 0) {
		for (i = 0; r->flow[i] != '\0'; i++)
			flow[i] = (char)(r->flow[i] | 0x20);
		flow[i++] = '_';
		flow[i] = '\0';
	}
	snprintf(key, sizeof(key), "comtrade/%s/%s/%s/%s/%s%s", r->reporter,
	    r->partner, r->cmd, r->freq, flow, measure);
	batch_add(b, key, r->period, value, unit);
	comtrade_row_describe(b, r, key, measure, unit);
}

/* Turns row i into observations; 0 or -1. */
static int
comtrade_row_one(const struct feedjson *fj, const cJSON *o, size_t i,
    struct batch *b, char *err, size_t errlen)
{
	struct comtrade_row	 r;
	char			 v[DECIMAL_MAX_LEN], t[DECIMAL_MAX_LEN];
	char			 msg[DECIMAL_MAX_LEN + 64];
	int			 rc, est;

	if (!cJSON_IsObject(o)) {
		snprintf(err, errlen, "data[%zu]: expected an object, got %s",
		    i, feedjson_type(o));
		return (-1);
	}
	memset(&r, 0, sizeof(r));
	r.o = o;
	if (!comtrade_row_total(fj, o, "partner2Code", "0") ||
	    !comtrade_row_total(fj, o, "motCode", "0") ||
	    !comtrade_row_total(fj, o, "mosCode", "0") ||
	    !comtrade_row_total(fj, o, "customsCode", "C00"))
		return (0);
	if (comtrade_row_read(fj, &r, i, err, errlen) == -1)
		return (-1);
	rc = comtrade_row_value(fj, o, i, "netWgt", v, sizeof(v), err,
	    errlen);
	if (rc == -1 || (est = comtrade_row_estimated(o, i, err,
	    errlen)) == -1)
		return (-1);
	if (rc == 1) {
		if (decimal_shift(v, -3, t, sizeof(t)) == -1) {
			snprintf(msg, sizeof(msg), "%s kg is out of range in "
			    "tonnes", v);
			comtrade_row_where(err, errlen, i, "netWgt", msg);
			return (-1);
		}
		comtrade_row_add(b, &r, est ? "netwgt_est" : "netwgt", t, "t");
	}
	rc = comtrade_row_value(fj, o, i, "primaryValue", v, sizeof(v), err,
	    errlen);
	if (rc == -1)
		return (-1);
	if (rc == 1)
		comtrade_row_add(b, &r, "primaryvalue", v, "USD");
	return (0);
}

static int
comtrade_row_seen_cmp(const void *a, const void *b)
{
	const struct comtrade_row_seen	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->series, y->series)) != 0)
		return (c);
	if ((c = strcmp(x->period, y->period)) != 0)
		return (c);
	return (x->row < y->row ? -1 : x->row > y->row);
}

/* Refuses a series given two values for one period; 0 or -1. */
static int
comtrade_row_dups(const struct batch *b, size_t first, const size_t *rows,
    char *err, size_t errlen)
{
	struct comtrade_row_seen	*s;
	size_t			 n = b->nobs - first, i, best = 0;
	int			 found = 0;

	if (n < 2)
		return (0);
	s = xcalloc(n, sizeof(*s));
	for (i = 0; i < n; i++) {
		s[i].series = b->obs[first + i].series;
		s[i].period = b->obs[first + i].period;
		s[i].row = rows[i];
	}
	qsort(s, n, sizeof(*s), comtrade_row_seen_cmp);
	/* Report the pair whose second row comes first in the body. */
	for (i = 1; i < n; i++) {
		if (strcmp(s[i].series, s[i - 1].series) == 0 &&
		    strcmp(s[i].period, s[i - 1].period) == 0 &&
		    (!found || s[i].row < s[best].row)) {
			best = i;
			found = 1;
		}
	}
	if (found)
		snprintf(err, errlen, "data[%zu]: a second value of \"%s\" "
		    "for %s (the first is in data[%zu])", s[best].row,
		    s[best].series, s[best].period, s[best - 1].row);
	free(s);
	return (found ? -1 : 0);
}

/* Error envelopes; 1 with err set if the body is one, else 0. */
static int
comtrade_row_error_body(const struct feedjson *fj, char *err, size_t errlen)
{
	const cJSON	*code, *msg, *e;
	char		 num[FEEDJSON_NUM_LEN], text[256];
	int		 isnum;

	code = feedjson_get(fj->root, "statusCode");
	msg = feedjson_get(fj->root, "message");
	if (code != NULL && cJSON_IsString(msg)) {
		feedjson_excerpt(msg->valuestring, 200, text, sizeof(text));
		snprintf(err, errlen, "UN Comtrade error %s: %s",
		    feedjson_text(fj, code, num, sizeof(num), &isnum) != NULL ?
		    feedjson_text(fj, code, num, sizeof(num), &isnum) : "?",
		    text);
		return (1);
	}
	e = feedjson_get(fj->root, "error");
	if (cJSON_IsString(e) && e->valuestring[0] != '\0') {
		feedjson_excerpt(e->valuestring, 200, text, sizeof(text));
		snprintf(err, errlen, "UN Comtrade error: %s", text);
		return (1);
	}
	return (0);
}

int
comtrade_row_parse(const struct feed *f, void *data, const char *body,
    size_t len, int64_t now, struct collector_result *res, char *err,
    size_t errlen)
{
	struct feedjson	 fj;
	const cJSON	*rows, *o;
	size_t		*tags = NULL, first = res->batch->nobs;
	size_t		 i, k, n = 0;
	int		 rc = -1;

	(void)f;
	(void)data;
	(void)now;
	if (feedjson_parse(&fj, body, len, err, errlen) == -1)
		return (-1);
	if (!cJSON_IsObject(fj.root)) {
		snprintf(err, errlen, "expected a JSON object at the top, got "
		    "%s", feedjson_type(fj.root));
		goto out;
	}
	if (comtrade_row_error_body(&fj, err, errlen))
		goto out;
	rows = feedjson_get(fj.root, "data");
	if (rows == NULL) {
		snprintf(err, errlen, "response has no \"data\" array");
		goto out;
	}
	if (!cJSON_IsNull(rows) && !cJSON_IsArray(rows)) {
		snprintf(err, errlen, "\"data\": expected an array, got %s",
		    feedjson_type(rows));
		goto out;
	}
	i = 0;
	cJSON_ArrayForEach(o, rows) {
		k = res->batch->nobs;
		if (comtrade_row_one(&fj, o, i, res->batch, err, errlen) == -1)
			goto out;
		tags = xreallocarray(tags, n + (res->batch->nobs - k) + 1,
		    sizeof(*tags));
		for (; k < res->batch->nobs; k++)
			tags[n++] = i;
		i++;
	}
	if (comtrade_row_dups(res->batch, first, tags, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	free(tags);
	feedjson_free(&fj);
	return (rc);
}

