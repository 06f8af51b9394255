/* SPDX-License-Identifier: ISC */
/*
 * comtrade: UN Comtrade v1 trade flows (data/v1/get with a subscription
 * key, public/v1/preview without), read as two series per flow: net
 * weight in tonnes and trade value in USD.  Owns the per-feed options
 * (struct comtrade_feed), the request URL and the reading of the
 * {"count": N, "data": [...], "error": ""} envelope.
 *
 * Belarus stopped reporting in 2021, so the usual feed reads MIRROR
 * flows: other countries (China 156, India 699, Brazil 76...) reporting
 * imports of HS 310420 from Belarus (112).  Series keys are
 *	comtrade/<reporter>/<partner>/<cmd>/<freq>/<measure>
 * with measure "netwgt" (t), "netwgt_est" (t, weights UN Comtrade
 * estimated) or "primaryvalue" (USD); a flow other than M (imports)
 * prefixes the measure with its code: "x_netwgt" for exports.  Each
 * series is described with dimensions product, origin/destination (ISO3,
 * what the SQL views match against BY/BLR/112), origin_code and
 * destination_code (M49), flow, reporter, partner, measure, currency
 * (values) and estimated (netwgt_est).
 *
 * Rows are read in comtrade_row.c, which lists the format's quirks.
 * Requests: the feed's url is the API root (default
 * https://comtradeapi.un.org): with a secret, GET data/v1/get/C/<freq>/HS
 * with the key in the Ocp-Apim-Subscription-Key header; without one (or
 * with preview = true), the keyless public/v1/preview/C/<freq>/HS.  The
 * query asks for the totals (partner2Code=0, customsCode=C00, motCode=0)
 * of the configured reporters, partners, commodity, flow and periods; a
 * url with a path is taken as the endpoint, one with a query as the
 * whole request, a file:// url is replayed as is (and gets no key).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collectors/collector.h"
#include "collectors/comtrade.h"
#include "collectors/generic.h"
#include "util/buf.h"
#include "util/parse.h"
#include "util/period.h"
#include "util/xmalloc.h"

#define COMTRADE_DEFAULT_URL	"https://comtradeapi.un.org"
#define COMTRADE_PERIODS_MAX	12

struct comtrade_feed {
	char	**reporters;
	size_t	  nreporters;
	char	**partners;
	size_t	  npartners;
	char	 *cmd;
	char	  flow[2];
	char	  freq[2];
	char	**periods;		/* as the API writes them */
	size_t	  nperiods;
	int	  lookback;		/* periods before the run's */
	int	  preview;
};

static const struct config_option comtrade_options[] = {
	{ "feed", "reporters", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "M49 codes of the reporting countries, e.g. {\"156\", \"699\", "
	  "\"76\"} (China, India, Brazil).  Belarus (112) stopped reporting "
	  "in 2021, so its trade is read from its partners' side: mirror "
	  "flows.  Required." },
	{ "feed", "partners", CONFIG_LIST, "{\"112\"}", 0, 0, NULL, 0,
	  "M49 codes of the partner countries, e.g. {\"112\"} for Belarus, "
	  "\"0\" for the world." },
	{ "feed", "cmd", CONFIG_STRING, "310420", 0, 0, NULL, 0,
	  "HS commodity code: 2, 4 or 6 digits, or TOTAL.  310420 is "
	  "potassium chloride (muriate of potash)." },
	{ "feed", "flow", CONFIG_ENUM, "M", 0, 0, "M|X", 0,
	  "Trade flow as the reporters see it: M (imports, the mirror of "
	  "Belarus's exports) or X (exports).  Series of flows other than "
	  "M carry the flow in the measure: x_netwgt." },
	{ "feed", "frequency", CONFIG_ENUM, "M", 0, 0, "M|A", 0,
	  "M for monthly data (periods 202401), A for annual (2024)." },
	{ "feed", "periods", CONFIG_LIST, "", 0, 0, NULL, 0,
	  "Periods to ask for, as the API writes them: \"202401\" for "
	  "monthly data, \"2024\" for annual; at most 12.  Unset: the "
	  "lookback periods before the run's." },
	{ "feed", "lookback", CONFIG_INT, "12", 1, COMTRADE_PERIODS_MAX, NULL,
	  0,
	  "Without periods, ask for this many months (or years) before "
	  "the month (year) of each run: a daily poll on 2026-11-28 with "
	  "lookback 3 asks for 202608, 202609, 202610.  Reporters publish "
	  "months late and revise them, so a year is a sensible window." },
	{ "feed", "preview", CONFIG_BOOL, "false", 0, 0, NULL, 0,
	  "Use the keyless public/v1/preview endpoint even when the feed "
	  "has a secret.  Without a secret (secret_file) it is always "
	  "used; with one, data/v1/get is called with the key in the "
	  "Ocp-Apim-Subscription-Key header." },
};

static void
comtrade_free(void *data)
{
	struct comtrade_feed	*cf = data;
	size_t			 i;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->nreporters; i++)
		free(cf->reporters[i]);
	free(cf->reporters);
	for (i = 0; i < cf->npartners; i++)
		free(cf->partners[i]);
	free(cf->partners);
	for (i = 0; i < cf->nperiods; i++)
		free(cf->periods[i]);
	free(cf->periods);
	free(cf->cmd);
	free(cf);
}

/* Copies a list of M49 codes; 0 or -1. */
static int
comtrade_codes(const struct feed *f, const char *name, const char *def,
    char ***out, size_t *nout, char *err, size_t errlen)
{
	char *const	*v;
	char		 q[PARSE_QUOTE_BUFLEN];
	size_t		 n, i;

	v = feed_get_list(f, name, &n);
	if (n == 0 && def == NULL) {
		snprintf(err, errlen, "%s: missing: name at least one M49 "
		    "code, e.g. {\"156\", \"699\"} (China, India)", name);
		return (-1);
	}
	*out = xcalloc(n > 0 ? n : 1, sizeof(**out));
	if (n == 0) {
		(*out)[0] = xstrdup(def);
		*nout = 1;
		return (0);
	}
	for (i = 0; i < n; i++) {
		if (!comtrade_row_digits(v[i], 1, COMTRADE_CODE_MAX)) {
			parse_quote(v[i], strlen(v[i]), q, sizeof(q));
			snprintf(err, errlen, "%s: expected M49 codes (1 to "
			    "%d digits, e.g. \"112\"), got \"%s\"", name,
			    COMTRADE_CODE_MAX, q);
			return (-1);
		}
		(*out)[(*nout)++] = xstrdup(v[i]);
	}
	return (0);
}

/* Reads an M|X or M|A option into out; 0 or -1. */
static int
comtrade_letter(const struct feed *f, const char *name, const char *choices,
    char *out, char *err, size_t errlen)
{
	const char	*v = feed_get(f, name);
	char		 q[PARSE_QUOTE_BUFLEN];

	out[0] = choices[0];
	out[1] = '\0';
	if (v == NULL)
		return (0);
	if (strlen(v) != 1 || strchr(choices, v[0]) == NULL || v[0] == '|') {
		parse_quote(v, strlen(v), q, sizeof(q));
		snprintf(err, errlen, "%s: expected one of %s, got \"%s\"",
		    name, choices, q);
		return (-1);
	}
	out[0] = v[0];
	return (0);
}

static int
comtrade_configure_periods(const struct feed *f, struct comtrade_feed *cf,
    char *err, size_t errlen)
{
	char *const	*v;
	const char	*lb;
	char		 q[PARSE_QUOTE_BUFLEN], out[PERIOD_MAX_LEN];
	size_t		 n, i, want = cf->freq[0] == 'M' ? 6 : 4;
	int64_t		 x;

	v = feed_get_list(f, "periods", &n);
	lb = feed_get(f, "lookback");
	if (n > 0 && lb != NULL) {
		snprintf(err, errlen, "lookback: cannot be combined with "
		    "periods (set one of them)");
		return (-1);
	}
	if (n > COMTRADE_PERIODS_MAX) {
		snprintf(err, errlen, "periods: at most %d per request, got "
		    "%zu", COMTRADE_PERIODS_MAX, n);
		return (-1);
	}
	cf->periods = xcalloc(n + 1, sizeof(*cf->periods));
	for (i = 0; i < n; i++) {
		if (!comtrade_row_digits(v[i], want, want) ||
		    period_normalize(v[i], out, sizeof(out), NULL, 0) == -1) {
			parse_quote(v[i], strlen(v[i]), q, sizeof(q));
			snprintf(err, errlen, "periods: expected %s, got "
			    "\"%s\"", want == 6 ? "a month as YYYYMM "
			    "(frequency M), e.g. \"202401\"" : "a year as "
			    "YYYY (frequency A), e.g. \"2024\"", q);
			return (-1);
		}
		cf->periods[cf->nperiods++] = xstrdup(v[i]);
	}
	if (n > 0)
		return (0);
	cf->lookback = 12;
	if (lb != NULL) {
		if (parse_int64(lb, 1, COMTRADE_PERIODS_MAX, &x, q,
		    sizeof(q)) == -1) {
			snprintf(err, errlen, "lookback: %s", q);
			return (-1);
		}
		cf->lookback = (int)x;
	}
	return (0);
}

static int
comtrade_configure(const struct feed *f, void **datap, char *err,
    size_t errlen)
{
	struct comtrade_feed	*cf;
	const char		*cmd;
	char			 q[PARSE_QUOTE_BUFLEN];

	*datap = NULL;
	cf = xcalloc(1, sizeof(*cf));
	if (comtrade_codes(f, "reporters", NULL, &cf->reporters,
	    &cf->nreporters, err, errlen) == -1 ||
	    comtrade_codes(f, "partners", "112", &cf->partners,
	    &cf->npartners, err, errlen) == -1)
		goto fail;
	if ((cmd = feed_get(f, "cmd")) == NULL)
		cmd = "310420";
	if (strcmp(cmd, "TOTAL") != 0 && (!comtrade_row_digits(cmd, 2, 6) ||
	    strlen(cmd) % 2 != 0)) {
		parse_quote(cmd, strlen(cmd), q, sizeof(q));
		snprintf(err, errlen, "cmd: expected an HS code of 2, 4 or 6 "
		    "digits (e.g. \"310420\") or TOTAL, got \"%s\"", q);
		goto fail;
	}
	cf->cmd = xstrdup(cmd);
	if (comtrade_letter(f, "flow", "M|X", cf->flow, err, errlen) == -1 ||
	    comtrade_letter(f, "frequency", "M|A", cf->freq, err,
	    errlen) == -1 ||
	    generic_bool(f, "preview", 0, &cf->preview, err, errlen) == -1 ||
	    comtrade_configure_periods(f, cf, err, errlen) == -1)
		goto fail;
	*datap = cf;
	return (0);
fail:
	comtrade_free(cf);
	return (-1);
}

/* Appends s percent-encoded (RFC 3986 unreserved bytes stay). */
static void
comtrade_enc(struct buf *b, const char *s)
{
	static const char	hex[] = "0123456789ABCDEF";
	unsigned char		c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL)
			buf_printf(b, "%c", c);
		else
			buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 0xf]);
	}
}

/* Appends "name=v0,v1,..."; name carries its '?' or '&'. */
static void
comtrade_enc_list(struct buf *b, const char *name, char *const *v, size_t n)
{
	size_t	i;

	buf_printf(b, "%s=", name);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_printf(b, ",");
		comtrade_enc(b, v[i]);
	}
}

/* The lookback periods before the one now falls in, oldest first. */
static void
comtrade_lookback(const struct comtrade_feed *cf, int64_t now, struct buf *b)
{
	struct tm	tm;
	time_t		t = (time_t)(now / 1000000);
	int		y, m, i, k;

	memset(&tm, 0, sizeof(tm));
	gmtime_r(&t, &tm);
	buf_printf(b, "&period=");
	for (i = cf->lookback; i >= 1; i--) {
		if (i < cf->lookback)
			buf_printf(b, ",");
		if (cf->freq[0] == 'A') {
			buf_printf(b, "%04d", tm.tm_year + 1900 - i);
			continue;
		}
		k = tm.tm_year * 12 + tm.tm_mon - i;
		y = k / 12 + 1900;
		m = k % 12 + 1;
		buf_printf(b, "%04d%02d", y, m);
	}
}

static int
comtrade_request(const struct feed *f, void *data, int64_t now,
    struct collector_request *req, char *err, size_t errlen)
{
	const struct comtrade_feed	*cf = data;
	const char			*url = f->url, *host;
	struct buf			 b;
	size_t				 len;
	int				 keyed;

	if (*url == '\0')
		url = COMTRADE_DEFAULT_URL;
	keyed = f->secret != NULL && !cf->preview;
	if (keyed && strpbrk(f->secret, "\r\n") != NULL) {
		snprintf(err, errlen, "secret: contains a line break");
		return (-1);
	}
	/* A replayed body (file://) is read as it is, and gets no key. */
	if (strncmp(url, "file://", 7) == 0) {
		req->url = xstrdup(url);
		return (0);
	}
	if (keyed)
		req->headers[0] = xasprintf("Ocp-Apim-Subscription-Key: %s",
		    f->secret);
	/* A URL with a query is the whole request, as the user wrote it. */
	if (strchr(url, '?') != NULL) {
		req->url = xstrdup(url);
		return (0);
	}
	buf_init(&b, 0);
	len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		len--;
	buf_append(&b, url, len);
	/* Only a scheme and host: add the endpoint's path. */
	host = strstr(url, "://");
	host = host != NULL ? host + 3 : url;
	if (strchr(host, '/') == NULL || (size_t)(strchr(host, '/') - url) >=
	    len)
		buf_printf(&b, "%s/C/%s/HS", keyed ? "/data/v1/get" :
		    "/public/v1/preview", cf->freq);
	comtrade_enc_list(&b, "?reporterCode", cf->reporters, cf->nreporters);
	comtrade_enc_list(&b, "&partnerCode", cf->partners, cf->npartners);
	buf_printf(&b, "&cmdCode=");
	comtrade_enc(&b, cf->cmd);
	buf_printf(&b, "&flowCode=%s", cf->flow);
	if (cf->nperiods > 0)
		comtrade_enc_list(&b, "&period", cf->periods, cf->nperiods);
	else
		comtrade_lookback(cf, now, &b);
	buf_printf(&b, "&partner2Code=0&customsCode=C00&motCode=0"
	    "&includeDesc=true");
	req->url = buf_steal(&b, NULL);
	return (0);
}

const struct collector_ops collector_ops_comtrade = {
	.name = "comtrade",
	.default_url = COMTRADE_DEFAULT_URL,
	.options = comtrade_options,
	.noptions = sizeof(comtrade_options) / sizeof(comtrade_options[0]),
	.configure = comtrade_configure,
	.free = comtrade_free,
	.request = comtrade_request,
	.parse = comtrade_row_parse,
	.body_only = 1,
};
