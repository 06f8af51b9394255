/* SPDX-License-Identifier: ISC */
/*
 * imf_sdmx_sdmx: the dataSets of an SDMX-JSON data message (1.0 or 2.0) as
 * observations, for the imf kind; imf.c describes the keys, formats and
 * quirks.  Each dataSet is read with its structure: the dimensions in
 * key order (series, then observation), TIME_PERIOD's values normalized
 * once, the series attribute UNIT_MULT.  Every observation's series key
 * comes from its dimensions' codes, and each new key is described.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collectors/feedjson.h"
#include "collectors/feedtext.h"
#include "collectors/generic.h"
#include "collectors/imf.h"
#include "util/buf.h"
#include "util/decimal.h"
#include "util/parse.h"
#include "util/period.h"
#include "util/xmalloc.h"

#define IMF_ID_MAX		64
#define IMF_DIMS_MAX		32
#define IMF_KEY_LEN		512

/* 1 if s is an SDMX code: letters, digits, _ @ $ -. */
static int
imf_sdmx_code_ok(const char *s)
{
	size_t	n = strlen(s), i;

	if (n == 0 || n > IMF_ID_MAX)
		return (0);
	for (i = 0; i < n; i++) {
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    strchr("_@$-", s[i]) != NULL))
			return (0);
	}
	return (1);
}

/* One dimension of a structure. */
struct imf_sdmx_dim {
	const char	*id;
	const cJSON	**values;	/* value objects, nvalues of them */
	size_t		  nvalues;
};

/* What one dataSet is read with. */
struct imf_sdmx_ctx {
	const struct imf_feed	*ff;
	const struct feedjson	*fj;
	/* The dimensions in key order: the series', then the obs'. */
	struct imf_sdmx_dim	 dims[IMF_DIMS_MAX];
	size_t			 ns, no;
	size_t			 time;		/* TIME_PERIOD's index */
	char			(*periods)[PERIOD_MAX_LEN];
	const cJSON		*mult;		/* UNIT_MULT's values */
	size_t			 mult_at;	/* its series attribute index */
	struct generic_out	 out;
	/* Where observation tag i was, for messages. */
	char			**where;
	size_t			  nwhere;
	char			  last[IMF_KEY_LEN];	/* last described */
};

/* The "id" of value object v, or NULL. */
static const char *
imf_sdmx_vid(const cJSON *v)
{
	const cJSON	*id = feedjson_get(v, "id");

	return (cJSON_IsString(id) ? id->valuestring : NULL);
}

/* The English name of value object v, or NULL. */
static const char *
imf_sdmx_vname(const cJSON *v)
{
	const cJSON	*n = feedjson_get(v, "name");

	if (!cJSON_IsString(n))
		n = feedjson_get(feedjson_get(v, "names"), "en");
	return (cJSON_IsString(n) && *n->valuestring != '\0' ?
	    n->valuestring : NULL);
}

/* Reads the dimension list a ("series" or "observation"); 0 or -1. */
static int
imf_sdmx_dims(struct imf_sdmx_ctx *c, const cJSON *a, const char *what,
    char *err, size_t errlen)
{
	const cJSON		*d, *vals, *v;
	struct imf_sdmx_dim	*dim;
	const char		*id;
	char			 q[PARSE_QUOTE_BUFLEN];
	size_t			 i, j;

	if (a == NULL)
		return (0);
	if (!cJSON_IsArray(a)) {
		snprintf(err, errlen, "structure.dimensions.%s: expected an "
		    "array, got %s", what, feedjson_type(a));
		return (-1);
	}
	for (i = 0, d = a->child; d != NULL; d = d->next, i++) {
		if (c->ns + c->no == IMF_DIMS_MAX) {
			snprintf(err, errlen, "structure.dimensions: more than "
			    "%d dimensions", IMF_DIMS_MAX);
			return (-1);
		}
		id = imf_sdmx_vid(d);
		vals = feedjson_get(d, "values");
		if (id == NULL || !imf_sdmx_code_ok(id) ||
		    !cJSON_IsArray(vals)) {
			snprintf(err, errlen, "structure.dimensions.%s[%zu]: "
			    "expected {\"id\", \"values\": [...]}", what, i);
			return (-1);
		}
		dim = &c->dims[c->ns + c->no];
		dim->id = id;
		dim->nvalues = (size_t)cJSON_GetArraySize(vals);
		dim->values = xcalloc(dim->nvalues + 1, sizeof(*dim->values));
		if (strcmp(what, "series") == 0)
			c->ns++;
		else
			c->no++;
		for (j = 0, v = vals->child; v != NULL; v = v->next, j++) {
			dim->values[j] = v;
			if ((id = imf_sdmx_vid(v)) == NULL) {
				snprintf(err, errlen, "structure.dimensions.%s"
				    "[%zu].values[%zu]: no \"id\"", what, i, j);
				return (-1);
			}
			if (strcmp(dim->id, "TIME_PERIOD") != 0 &&
			    !imf_sdmx_code_ok(id)) {
				parse_quote(id, strlen(id), q, sizeof(q));
				snprintf(err, errlen, "structure.dimensions.%s"
				    "[%zu].values[%zu].id: expected an SDMX "
				    "code (letters, digits, _ @ $ -), got "
				    "\"%s\"", what, i, j, q);
				return (-1);
			}
		}
	}
	return (0);
}

/* Finds TIME_PERIOD and normalizes its values; 0 or -1. */
static int
imf_sdmx_time(struct imf_sdmx_ctx *c, char *err, size_t errlen)
{
	struct imf_sdmx_dim	*t;
	char			 msg[384];
	size_t			 i;

	for (c->time = 0; c->time < c->ns + c->no; c->time++) {
		if (strcmp(c->dims[c->time].id, "TIME_PERIOD") == 0)
			break;
	}
	if (c->time == c->ns + c->no) {
		snprintf(err, errlen, "structure.dimensions: no TIME_PERIOD "
		    "dimension");
		return (-1);
	}
	t = &c->dims[c->time];
	c->periods = xcalloc(t->nvalues + 1, sizeof(*c->periods));
	for (i = 0; i < t->nvalues; i++) {
		if (period_normalize(imf_sdmx_vid(t->values[i]), c->periods[i],
		    PERIOD_MAX_LEN, msg, sizeof(msg)) == -1) {
			snprintf(err, errlen, "TIME_PERIOD value %zu: %s", i,
			    msg);
			return (-1);
		}
	}
	return (0);
}

/* Finds the series attribute UNIT_MULT, if any. */
static void
imf_sdmx_mult_attr(struct imf_sdmx_ctx *c, const cJSON *st)
{
	const cJSON	*a, *x;
	size_t		 i;

	a = feedjson_get(feedjson_get(st, "attributes"), "series");
	for (i = 0, x = cJSON_IsArray(a) ? a->child : NULL; x != NULL;
	    x = x->next, i++) {
		if (imf_sdmx_vid(x) != NULL && strcmp(imf_sdmx_vid(x),
		    "UNIT_MULT") == 0 && cJSON_IsArray(feedjson_get(x,
		    "values"))) {
			c->mult = feedjson_get(x, "values");
			c->mult_at = i;
		}
	}
}

/*
 * Parses "i:j:k" into n indices of dims first...; 0, or -1 with a
 * message (what names the dimensions: "series", "observation").
 */
static int
imf_sdmx_indices(const struct imf_sdmx_ctx *c, const char *s, size_t first,
    size_t n, const char *what, size_t *idx, char *msg, size_t msglen)
{
	const struct imf_sdmx_dim	*d;
	size_t				 i;
	char				*end;

	for (i = 0; i < n; i++) {
		if (*s < '0' || *s > '9')
			break;
		d = &c->dims[first + i];
		idx[first + i] = (size_t)strtoul(s, &end, 10);
		if (idx[first + i] >= d->nvalues) {
			snprintf(msg, msglen, "index %zu of %s is out of range "
			    "(%zu values)", idx[first + i], d->id, d->nvalues);
			return (-1);
		}
		s = end;
		if (i + 1 < n && *s++ != ':')
			break;
	}
	if (i == n && *s == '\0')
		return (0);
	snprintf(msg, msglen, "expected %zu indices into the %s dimensions",
	    n, what);
	return (-1);
}

/* 1 if code v of dimension id is one PCPS keys leave out. */
static int
imf_sdmx_pcps_default(const char *id, const char *v)
{
	return ((strcmp(id, "DATA_TRANSFORMATION") == 0 &&
	    strcmp(v, "USD") == 0) || ((strcmp(id, "FREQUENCY") == 0 ||
	    strcmp(id, "FREQ") == 0) && strcmp(v, "M") == 0) ||
	    (strcmp(id, "COUNTRY") == 0 && strcmp(v, "G001") == 0));
}

/* The code of dimension id at idx, or NULL. */
static const char *
imf_sdmx_code(const struct imf_sdmx_ctx *c, const size_t *idx, const char *id)
{
	size_t	i;

	for (i = 0; i < c->ns + c->no; i++) {
		if (i != c->time && strcmp(c->dims[i].id, id) == 0)
			return (imf_sdmx_vid(c->dims[i].values[idx[i]]));
	}
	return (NULL);
}

/* Describes the series key at idx. */
static void
imf_sdmx_describe(struct imf_sdmx_ctx *c, const size_t *idx, const char *key)
{
	struct feedtext_dims	 d;
	struct buf		 name;
	const char		*v, *unit = c->ff->unit, *freq;
	char			 lower[IMF_ID_MAX + 1], *dims, *nm;
	size_t			 i, j;

	feedtext_dims_init(&d);
	feedtext_dims_add(&d, "dataflow", c->ff->dataflow);
	buf_init(&name, 0);
	for (i = 0; i < c->ns + c->no; i++) {
		if (i == c->time)
			continue;
		for (j = 0; c->dims[i].id[j] != '\0'; j++)
			lower[j] = c->dims[i].id[j] >= 'A' &&
			    c->dims[i].id[j] <= 'Z' ? (char)(c->dims[i].id[j] +
			    32) : c->dims[i].id[j];
		lower[j] = '\0';
		feedtext_dims_add(&d, lower,
		    imf_sdmx_vid(c->dims[i].values[idx[i]]));
		if ((v = imf_sdmx_vname(c->dims[i].values[idx[i]])) != NULL)
			buf_printf(&name, "%s%s", name.len > 0 ? ", " : "", v);
	}
	v = imf_sdmx_code(c, idx, "DATA_TRANSFORMATION");
	if (v != NULL && strcmp(v, "USD") == 0)
		feedtext_dims_add(&d, "currency", "USD");
	dims = feedtext_dims_finish(&d);
	if (unit == NULL)
		unit = v;
	if ((freq = imf_sdmx_code(c, idx, "FREQUENCY")) == NULL)
		freq = imf_sdmx_code(c, idx, "FREQ");
	if (freq != NULL && (strlen(freq) != 1 || strchr("AQMWD", *freq) ==
	    NULL))
		freq = NULL;
	nm = name.len > 0 ? buf_steal(&name, NULL) : NULL;
	batch_describe(c->out.batch, key, nm, unit, freq, dims);
	buf_deinit(&name);
	free(nm);
	free(dims);
}

/* The series key at idx into key (IMF_KEY_LEN bytes); 0 or -1. */
static int
imf_sdmx_key(const struct imf_sdmx_ctx *c, const size_t *idx, char *key,
    char *err, size_t errlen)
{
	const char	*ind = NULL, *v;
	struct buf	 b;
	size_t		 i;
	int		 rc = 0;

	buf_init(&b, IMF_KEY_LEN - 1);
	if (c->ff->pcps) {
		if ((ind = imf_sdmx_code(c, idx, "INDICATOR")) == NULL) {
			snprintf(err, errlen, "structure.dimensions: no "
			    "INDICATOR dimension (PCPS keys are "
			    "imf/<INDICATOR>)");
			buf_deinit(&b);
			return (-1);
		}
		rc |= buf_printf(&b, "imf/%s", ind);
	} else
		rc |= buf_printf(&b, "imf/%s", c->ff->flow);
	for (i = 0; i < c->ns + c->no; i++) {
		v = imf_sdmx_vid(c->dims[i].values[idx[i]]);
		if (i == c->time || (c->ff->pcps &&
		    (strcmp(c->dims[i].id, "INDICATOR") == 0 ||
		    imf_sdmx_pcps_default(c->dims[i].id, v))))
			continue;
		rc |= buf_printf(&b, "/%s", v);
	}
	if (rc != 0) {
		snprintf(err, errlen, "a series key longer than %d bytes",
		    IMF_KEY_LEN - 1);
		buf_deinit(&b);
		return (-1);
	}
	memcpy(key, buf_cstr(&b), b.len + 1);
	buf_deinit(&b);
	return (0);
}

/* The value of observation o into out: 1, 0 if missing, -1 error. */
static int
imf_sdmx_value(const struct imf_sdmx_ctx *c, const cJSON *o,
    const cJSON *sattrs, char *out, char *msg, size_t msglen)
{
	const cJSON	*v = o, *m;
	const char	*s;
	char		 num[FEEDJSON_NUM_LEN], tmp[DECIMAL_MAX_LEN];
	int64_t		 mult = 0;
	int		 isnum;

	if (cJSON_IsArray(o))
		v = o->child;
	else if (cJSON_IsObject(o))
		v = feedjson_get(o, "OBS_VALUE");
	if (v == NULL || cJSON_IsNull(v)) {
		if (v == NULL && !cJSON_IsNull(o)) {
			snprintf(msg, msglen, "expected [value, ...], got %s "
			    "with no value", feedjson_type(o));
			return (-1);
		}
		return (0);
	}
	if ((s = feedjson_text(c->fj, v, num, sizeof(num), &isnum)) == NULL) {
		snprintf(msg, msglen, "expected a decimal string, a number or "
		    "null, got %s", feedjson_type(v));
		return (-1);
	}
	if (!isnum && strcmp(s, "NaN") == 0)
		return (0);
	if (decimal_normalize(s, strlen(s), 0, out, DECIMAL_MAX_LEN, msg,
	    msglen) == -1)
		return (-1);
	if (c->mult == NULL || !cJSON_IsArray(sattrs))
		return (1);
	m = cJSON_GetArrayItem(sattrs, (int)c->mult_at);
	if (m == NULL || cJSON_IsNull(m))
		return (1);
	if (feedjson_number(c->fj, m, num, sizeof(num)) == -1 ||
	    parse_int64(num, 0, INT32_MAX, &mult, NULL, 0) == -1 ||
	    (m = cJSON_GetArrayItem(c->mult, (int)mult)) == NULL ||
	    imf_sdmx_vid(m) == NULL || parse_int64(imf_sdmx_vid(m), -30, 30,
	    &mult, NULL, 0) == -1) {
		snprintf(msg, msglen, "the series' UNIT_MULT is not a power "
		    "of ten from -30 to 30");
		return (-1);
	}
	if (mult != 0) {
		if (decimal_shift(out, (int)mult, tmp, sizeof(tmp)) == -1) {
			snprintf(msg, msglen, "%s times 10^%d is out of range",
			    out, (int)mult);
			return (-1);
		}
		memcpy(out, tmp, strlen(tmp) + 1);
	}
	return (1);
}

/*
 * The observations of one object obs, whose keys hold the indices of
 * the observation dimensions (after the series' in idx); where names it
 * ("dataSets[0].series[\"0:0\"]").  0 or -1.
 */
static int
imf_sdmx_observations(struct imf_sdmx_ctx *c, const cJSON *obs,
    const cJSON *sattrs, size_t *idx, const char *where, char *err,
    size_t errlen)
{
	const cJSON	*o;
	char		 key[IMF_KEY_LEN], value[DECIMAL_MAX_LEN], msg[384];
	char		 q[PARSE_QUOTE_BUFLEN];
	int		 rc;

	if (obs == NULL)
		return (0);
	if (!cJSON_IsObject(obs)) {
		snprintf(err, errlen, "%s.observations: expected an object, "
		    "got %s", where, feedjson_type(obs));
		return (-1);
	}
	for (o = obs->child; o != NULL; o = o->next) {
		parse_quote(o->string, strlen(o->string), q, sizeof(q));
		if (imf_sdmx_indices(c, o->string, c->ns, c->no,
		    "observation", idx, msg, sizeof(msg)) == -1) {
			snprintf(err, errlen, "%s.observations[\"%s\"]: %s",
			    where, q, msg);
			return (-1);
		}
		if ((rc = imf_sdmx_value(c, o, sattrs, value, msg,
		    sizeof(msg))) == -1) {
			snprintf(err, errlen, "%s.observations[\"%s\"]: %s",
			    where, q, msg);
			return (-1);
		}
		if (rc == 0)
			continue;
		if (imf_sdmx_key(c, idx, key, err, errlen) == -1)
			return (-1);
		if (strcmp(key, c->last) != 0) {
			imf_sdmx_describe(c, idx, key);
			memcpy(c->last, key, sizeof(key));
		}
		c->where = xreallocarray(c->where, c->nwhere + 1,
		    sizeof(*c->where));
		c->where[c->nwhere] = xasprintf("%s.observations[\"%s\"]",
		    where, q);
		generic_out_add(&c->out, key, c->periods[idx[c->time]], value,
		    c->ff->unit != NULL ? c->ff->unit :
		    imf_sdmx_code(c, idx, "DATA_TRANSFORMATION"), c->nwhere++);
	}
	return (0);
}

/* One dataSet (number k) read with structure st; 0 or -1. */
static int
imf_sdmx_dataset(struct imf_sdmx_ctx *c, const cJSON *ds, size_t k,
    const cJSON *st, char *err, size_t errlen)
{
	const cJSON	*dims, *series, *s;
	size_t		 idx[IMF_DIMS_MAX];
	char		 where[PARSE_QUOTE_BUFLEN + 48];
	char		 q[PARSE_QUOTE_BUFLEN], msg[128];

	if (!cJSON_IsObject(ds)) {
		snprintf(err, errlen, "dataSets[%zu]: expected an object, got "
		    "%s", k, feedjson_type(ds));
		return (-1);
	}
	if (!cJSON_IsObject(st) || !cJSON_IsObject(dims = feedjson_get(st,
	    "dimensions"))) {
		snprintf(err, errlen, "response has no structure.dimensions "
		    "(expected SDMX-JSON)");
		return (-1);
	}
	if (imf_sdmx_dims(c, feedjson_get(dims, "series"), "series", err,
	    errlen) == -1 || imf_sdmx_dims(c, feedjson_get(dims, "observation"),
	    "observation", err, errlen) == -1 ||
	    imf_sdmx_time(c, err, errlen) == -1)
		return (-1);
	imf_sdmx_mult_attr(c, st);
	if ((series = feedjson_get(ds, "series")) == NULL) {
		/* Flat: every dimension is at the observation. */
		if (c->ns > 0 && feedjson_get(ds, "observations") != NULL) {
			snprintf(err, errlen, "dataSets[%zu]: observations "
			    "without series, but %zu series dimensions", k,
			    c->ns);
			return (-1);
		}
		snprintf(where, sizeof(where), "dataSets[%zu]", k);
		return (imf_sdmx_observations(c, feedjson_get(ds,
		    "observations"), NULL, idx, where, err, errlen));
	}
	if (!cJSON_IsObject(series)) {
		snprintf(err, errlen, "dataSets[%zu].series: expected an "
		    "object, got %s", k, feedjson_type(series));
		return (-1);
	}
	for (s = series->child; s != NULL; s = s->next) {
		parse_quote(s->string, strlen(s->string), q, sizeof(q));
		snprintf(where, sizeof(where), "dataSets[%zu].series[\"%s\"]",
		    k, q);
		if (imf_sdmx_indices(c, s->string, 0, c->ns, "series", idx, msg,
		    sizeof(msg)) == -1) {
			snprintf(err, errlen, "%s: %s", where, msg);
			return (-1);
		}
		if (!cJSON_IsObject(s)) {
			snprintf(err, errlen, "%s: expected an object, got %s",
			    where, feedjson_type(s));
			return (-1);
		}
		if (imf_sdmx_observations(c, feedjson_get(s, "observations"),
		    feedjson_get(s, "attributes"), idx, where, err,
		    errlen) == -1)
			return (-1);
	}
	return (0);
}

/* The structure dataSet ds is read with (SDMX-JSON 1.0 or 2.0). */
static const cJSON *
imf_sdmx_structure(const cJSON *data, const cJSON *ds)
{
	const cJSON	*sts = feedjson_get(data, "structures"), *i;
	int		 n = 0;

	if (!cJSON_IsArray(sts))
		return (feedjson_get(data, "structure"));
	i = feedjson_get(ds, "structure");
	if (cJSON_IsNumber(i) && i->valuedouble >= 0 && i->valuedouble <
	    cJSON_GetArraySize(sts))
		n = (int)i->valuedouble;
	return (cJSON_GetArrayItem(sts, n));
}

static void
imf_sdmx_ctx_reset(struct imf_sdmx_ctx *c)
{
	size_t	i;

	for (i = 0; i < c->ns + c->no; i++)
		free(c->dims[i].values);
	c->ns = c->no = 0;
	free(c->periods);
	c->periods = NULL;
	c->mult = NULL;
}

int
imf_sdmx_read(const struct imf_feed *ff, const struct feedjson *fj,
    const cJSON *root, struct batch *b, char *err, size_t errlen)
{
	struct imf_sdmx_ctx	 c;
	const cJSON		*sets, *ds;
	size_t			 k, t1, t2, at;
	int			 rc = -1;

	memset(&c, 0, sizeof(c));
	c.ff = ff;
	c.fj = fj;
	generic_out_init(&c.out, b);
	if (!cJSON_IsArray(sets = feedjson_get(root, "dataSets"))) {
		snprintf(err, errlen, "response has no \"dataSets\" array "
		    "(expected SDMX-JSON)");
		goto out;
	}
	for (k = 0, ds = sets->child; ds != NULL; ds = ds->next, k++) {
		if (imf_sdmx_dataset(&c, ds, k, imf_sdmx_structure(root, ds),
		    err, errlen) == -1)
			goto out;
		imf_sdmx_ctx_reset(&c);
	}
	if (generic_out_dup(&c.out, &t1, &t2, &at)) {
		snprintf(err, errlen, "%s: a second value of \"%s\" for %s "
		    "(the first is %s)", c.where[t2], b->obs[at].series,
		    b->obs[at].period, c.where[t1]);
		goto out;
	}
	rc = 0;
out:
	imf_sdmx_ctx_reset(&c);
	for (k = 0; k < c.nwhere; k++)
		free(c.where[k]);
	free(c.where);
	generic_out_deinit(&c.out);
	return (rc);
}
