/* SPDX-License-Identifier: ISC */
/*
 * imf: IMF data through its SDMX 2.1 REST API (api.imf.org), above all
 * the Primary Commodity Price System (dataflow IMF.RES,PCPS), whose
 * PPOTASH is the world potash price: GET <base>/data/<dataflow>/<key>
 * with Accept: SDMX-JSON.  Owns the per-feed options (struct imf_feed),
 * the request and the reading of SDMX-JSON data messages.
 *
 * The PCPS key is COUNTRY.INDICATOR.DATA_TRANSFORMATION.FREQUENCY, e.g.
 * G001.PPOTASH.USD.M: G001 the world (the PCPS code list's only area,
 * not the W00 other IMF flows use), USD the price in US dollars (INDEX
 * the index, 2016 = 100), M monthly; "+" joins several codes and an
 * empty part means all.  Series keys are imf/<INDICATOR>, followed by
 * /<DATA_TRANSFORMATION> unless it is USD, /<FREQUENCY> unless M and
 * /<COUNTRY> unless G001: imf/PPOTASH, imf/PPOTASH/INDEX.  Another
 * dataflow's series are imf/<DATAFLOW ID>/<every dimension's code>, e.g.
 * imf/CPI/USA/CPI/_T/IX/M.
 *
 * Formats and quirks handled, here and in imf_sdmx.c (no body was
 * captured: the fixtures follow the published SDMX-JSON 1.0 and 2.0
 * structures):
 *  - SDMX-JSON 1.0 ({"dataSets", "structure"} at the top) and 2.0
 *    ({"data": {"dataSets", "structures"}}); series-keyed dataSets
 *    ("series": {"0:0:0:0": {"observations": {"5": [...]}}}) and flat
 *    ones (dimensionAtObservation=AllDimensions: "observations":
 *    {"0:0:0:0:5": [...]}).  Key positions index structure.dimensions.
 *    series and .observation in order; TIME_PERIOD ("2024-M01",
 *    "2024-01", "2024-Q1", "2024") may be in either.
 *  - An observation is normally [value, attribute indices...]; a bare
 *    value, or an object with OBS_VALUE, is read the same way.  Values
 *    are strings ("245.5", kept digit for digit) or numbers (their
 *    exact text); null and "NaN", SDMX's missing value, are skipped,
 *    never stored as 0; anything else is an error.
 *  - A series attribute UNIT_MULT (values in 10^n units) is applied by
 *    moving the decimal point, never through a double.
 *  - Error messages ({"errors": [{"code", "title"}]}, the API gateway's
 *    {"statusCode", "message"}) are errors quoting the source's text.
 *  - One series given two values for one period is an error.
 *  - Bodies: BOM skipped, invalid UTF-8, NUL and nesting deeper than
 *    1000 levels refused (feedjson.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collectors/collector.h"
#include "collectors/feedjson.h"
#include "collectors/imf.h"
#include "util/buf.h"
#include "util/parse.h"
#include "util/xmalloc.h"

#define IMF_DEFAULT_URL		"https://api.imf.org/external/sdmx/2.1"
#define IMF_ACCEPT		"Accept: application/vnd.sdmx.data+json;" \
				"version=1.0.0, application/json;q=0.9"
#define IMF_CODES_MAX		512	/* a key, a dataflow */

static const struct config_option imf_options[] = {
	{ "feed", "dataflow", CONFIG_STRING, "IMF.RES,PCPS", 0, 0, NULL, 0,
	  "SDMX dataflow as AGENCY,ID[,VERSION]: IMF.RES,PCPS is the "
	  "Primary Commodity Price System (monthly world prices, PPOTASH "
	  "among them)." },
	{ "feed", "key", CONFIG_STRING, "G001.PPOTASH.USD.M", 0, 0, NULL, 0,
	  "SDMX series key.  For PCPS: COUNTRY.INDICATOR.DATA_TRANSFORMATION"
	  ".FREQUENCY, e.g. \"G001.PPOTASH.USD.M\" (world, potash, USD, "
	  "monthly) or \"G001.PPOTASH+PUREA.USD+INDEX.M\"; an empty part "
	  "means every code.  Series keys are imf/<INDICATOR> "
	  "(imf/PPOTASH), with /<DATA_TRANSFORMATION>, /<FREQUENCY> and "
	  "/<COUNTRY> added when they are not USD, M and G001." },
	{ "feed", "unit", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "Unit of the values, e.g. \"USD/t\" for PPOTASH in USD; it "
	  "applies to every series of the feed.  Empty: the series' "
	  "DATA_TRANSFORMATION code (\"USD\", \"INDEX\")." },
};

static void
imf_free(void *data)
{
	struct imf_feed	*ff = data;

	if (ff == NULL)
		return;
	free(ff->dataflow);
	free(ff->flow);
	free(ff->key);
	free(ff->unit);
	free(ff);
}

/* 1 if s[0..n) has only SDMX id characters (and extra), n >= min. */
static int
imf_idchars(const char *s, size_t n, size_t min, const char *extra)
{
	size_t	i;

	if (n < min || n > IMF_CODES_MAX)
		return (0);
	for (i = 0; i < n; i++) {
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr("_@$-", s[i]) != NULL || (extra != NULL &&
		    strchr(extra, s[i]) != NULL)))
			return (0);
	}
	return (1);
}

/* Checks dataflow and sets ff->flow; 0 or -1. */
static int
imf_configure_flow(struct imf_feed *ff, char *err, size_t errlen)
{
	const char	*p = ff->dataflow, *c;
	char		 q[PARSE_QUOTE_BUFLEN];
	size_t		 nparts = 0, n;

	for (;;) {
		c = strchr(p, ',');
		n = c != NULL ? (size_t)(c - p) : strlen(p);
		if (!imf_idchars(p, n, 1, ".~") || ++nparts > 3)
			break;
		if (nparts <= 2) {
			free(ff->flow);
			ff->flow = xstrndup(p, n);
		}
		if (c == NULL)
			return (0);
		p = c + 1;
	}
	parse_quote(ff->dataflow, strlen(ff->dataflow), q, sizeof(q));
	snprintf(err, errlen, "dataflow: expected AGENCY,ID[,VERSION] (e.g. "
	    "\"IMF.RES,PCPS\"), got \"%s\"", q);
	return (-1);
}

static int
imf_configure(const struct feed *f, void **datap, char *err, size_t errlen)
{
	struct imf_feed	*ff;
	const char	*s;
	char		 q[PARSE_QUOTE_BUFLEN];
	size_t		 i, dots = 0;

	*datap = NULL;
	ff = xcalloc(1, sizeof(*ff));
	s = feed_get(f, "dataflow");
	ff->dataflow = xstrdup(s != NULL ? s : "IMF.RES,PCPS");
	if (imf_configure_flow(ff, err, errlen) == -1)
		goto fail;
	/* With one part, the dataflow is the id (any agency). */
	ff->pcps = strcmp(ff->flow, "PCPS") == 0;
	s = feed_get(f, "key");
	ff->key = xstrdup(s != NULL ? s : "G001.PPOTASH.USD.M");
	for (i = 0; ff->key[i] != '\0'; i++)
		dots += ff->key[i] == '.';
	if (!imf_idchars(ff->key, strlen(ff->key), 0, ".+") ||
	    (ff->pcps && dots != 3)) {
		parse_quote(ff->key, strlen(ff->key), q, sizeof(q));
		if (ff->pcps)
			snprintf(err, errlen, "key: expected COUNTRY.INDICATOR."
			    "DATA_TRANSFORMATION.FREQUENCY for PCPS (e.g. "
			    "\"G001.PPOTASH.USD.M\"), got \"%s\"", q);
		else
			snprintf(err, errlen, "key: expected an SDMX key "
			    "(codes joined by \".\" and \"+\"), got \"%s\"", q);
		goto fail;
	}
	if ((s = feed_get(f, "unit")) != NULL && *s != '\0')
		ff->unit = xstrdup(s);
	*datap = ff;
	return (0);
fail:
	imf_free(ff);
	return (-1);
}

static int
imf_request(const struct feed *f, void *data, int64_t now,
    struct collector_request *req, char *err, size_t errlen)
{
	const struct imf_feed	*ff = data;
	const char		*url = f->url;
	struct buf		 b;
	size_t			 len;

	if (*url == '\0')
		url = IMF_DEFAULT_URL;
	if (strncmp(url, "file://", 7) == 0) {
		req->url = xstrdup(url);
		return (0);
	}
	if (f->secret != NULL && strpbrk(f->secret, "\r\n") != NULL) {
		snprintf(err, errlen, "secret: contains a line break");
		return (-1);
	}
	req->headers[0] = xstrdup(IMF_ACCEPT);
	if (f->secret != NULL)
		req->headers[1] = xasprintf("Ocp-Apim-Subscription-Key: %s",
		    f->secret);
	/* A url naming the data path is the whole request. */
	if (strstr(url, "/data/") != NULL) {
		req->url = xstrdup(url);
		return (0);
	}
	buf_init(&b, 0);
	len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		len--;
	buf_append(&b, url, len);
	buf_printf(&b, "/data/%s/%s", ff->dataflow, ff->key);
	req->url = buf_steal(&b, NULL);
	return (0);
}

/* An error message body: 1 with err set, else 0. */
static int
imf_api_error(const struct feedjson *fj, char *err, size_t errlen)
{
	const cJSON	*e = feedjson_get(fj->root, "errors"), *code, *t;
	char		 num[FEEDJSON_NUM_LEN], c[24], text[260];

	code = feedjson_get(fj->root, "statusCode");
	if (code != NULL && cJSON_IsString(t = feedjson_get(fj->root,
	    "message"))) {
		if (feedjson_number(fj, code, num, sizeof(num)) == -1)
			snprintf(num, sizeof(num), "?");
		feedjson_excerpt(num, 16, c, sizeof(c));
		feedjson_excerpt(t->valuestring, 256, text, sizeof(text));
		snprintf(err, errlen, "IMF API error %s: %s", c, text);
		return (1);
	}
	if (!cJSON_IsArray(e) || e->child == NULL)
		return (0);
	e = e->child;
	code = feedjson_get(e, "code");
	if ((t = feedjson_get(e, "title")) == NULL &&
	    (t = feedjson_get(e, "detail")) == NULL)
		t = feedjson_get(e, "message");
	if (cJSON_IsArray(t))
		t = t->child;
	if (cJSON_IsString(e))
		t = e;
	feedjson_excerpt(cJSON_IsString(t) ? t->valuestring : "(no text)",
	    256, text, sizeof(text));
	if (feedjson_number(fj, code, num, sizeof(num)) == 0)
		feedjson_excerpt(num, 16, c, sizeof(c));
	else if (cJSON_IsString(code))
		feedjson_excerpt(code->valuestring, 16, c, sizeof(c));
	else
		c[0] = '\0';
	snprintf(err, errlen, "IMF error%s%s: %s", c[0] != '\0' ? " " : "", c,
	    text);
	return (1);
}

static int
imf_parse(const struct feed *f, void *data, const char *body, size_t len,
    int64_t now, struct collector_result *res, char *err, size_t errlen)
{
	struct feedjson	 fj;
	const cJSON	*root;
	int		 rc = -1;

	if (feedjson_parse(&fj, body, len, err, errlen) == -1)
		return (-1);
	if (!cJSON_IsObject(fj.root)) {
		snprintf(err, errlen, "expected a JSON object at the top, got "
		    "%s", feedjson_type(fj.root));
		goto out;
	}
	if (imf_api_error(&fj, err, errlen))
		goto out;
	/* SDMX-JSON 2.0 puts the message under "data". */
	root = cJSON_IsObject(feedjson_get(fj.root, "data")) ?
	    feedjson_get(fj.root, "data") : fj.root;
	rc = imf_sdmx_read(data, &fj, root, res->batch, err, errlen);
out:
	feedjson_free(&fj);
	return (rc);
}

const struct collector_ops collector_ops_imf = {
	.name = "imf",
	.default_url = IMF_DEFAULT_URL,
	.options = imf_options,
	.noptions = sizeof(imf_options) / sizeof(imf_options[0]),
	.configure = imf_configure,
	.free = imf_free,
	.request = imf_request,
	.parse = imf_parse,
	.body_only = 1,
};
