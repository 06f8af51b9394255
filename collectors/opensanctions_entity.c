/* SPDX-License-Identifier: ISC */
/*
 * opensanctions_entity: one FollowTheMoney entity, or one delta
 * operation on it, as sanctions events for the watched entities; see
 * opensanctions.c for the bodies around it.
 *
 * Watched: an entity whose id or one of whose referents is in entity_ids,
 * one already known from an earlier body of this feed (its id is then
 * remembered, which is how a DEL, carrying only an id, is recognised),
 * or one with a caption, properties.name, alias, weakAlias or
 * previousName equal to one of names (ASCII case and runs of white
 * space ignored; equality, not substring, so "Belaruskali OAO" does not
 * also catch "Belaruskali Trade House").
 *
 * Listed on: the entity's datasets while properties.topics holds
 * "sanction" (only those in the datasets option if it is set); none
 * otherwise.  Events compare that set with what was known before (the
 * memory of this feed, else the datasets option as the lists the
 * entity is expected on, else nothing):
 *	ADD		"listed" (+1) on each dataset
 *	MOD		"listed" on each dataset gained, "delisted" (-1) on
 *			each lost; with nothing known, only a loss of the
 *			sanction topic says something: "delisted" from the
 *			collection the delta belongs to
 *	entity		(an export line, an API entity): as MOD when
 *			something is known, else "listed" on each dataset
 *	DEL		"delisted" from each dataset known, else from the
 *			collection
 * A MOD cannot say what an entity was listed on before, only what it is
 * listed on now: that limit is why the memory exists.  The memory lives
 * as long as the feed's configuration (a restart or reload forgets it),
 * and a first body after it compares against the datasets option.
 *
 * Each event: jurisdiction from the dataset (us_ofac_sdn US, eu_fsf EU,
 * gb_hmt_sanctions UK, ...; an unknown dataset is its own name),
 * instrument "OpenSanctions <dataset> <entity id>" (the id keeps two
 * entities delisted on one day apart under the table's uniqueness of
 * jurisdiction, instrument and date), announced_on the entity's
 * last_change date (first_seen for a first listing seen in an export;
 * for a DEL, which has no dates, the delta version's date, else the
 * run's), entities the caption, source_url
 * https://www.opensanctions.org/entities/<id>/, verification "DETECTED
 * (opensanctions)".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collectors/collector.h"
#include "collectors/feedjson.h"
#include "collectors/opensanctions.h"
#include "util/parse.h"
#include "util/period.h"
#include "util/xmalloc.h"

#define OPENSANCTIONS_ENTITY_ID_MAX	200

/* Official lists OpenSanctions republishes, and whose they are. */
static const struct opensanctions_entity_jur {
	const char	*dataset;
	const char	*jurisdiction;
} opensanctions_entity_jurs[] = {
	{ "au_dfat_sanctions", "AU" },
	{ "ca_dfatd_sema_sanctions", "CA" },
	{ "ch_seco_sanctions", "CH" },
	{ "eu_fsf", "EU" },
	{ "eu_journal_sanctions", "EU" },
	{ "eu_sanctions_map", "EU" },
	{ "fr_tresor_gels_avoir", "FR" },
	{ "gb_fcdo_sanctions", "UK" },
	{ "gb_hmt_sanctions", "UK" },
	{ "jp_mof_sanctions", "JP" },
	{ "nz_russia_sanctions", "NZ" },
	{ "pl_mswia_sanctions", "PL" },
	{ "ua_nsdc_sanctions", "UA" },
	{ "un_sc_sanctions", "UN" },
	{ "us_ofac_cons", "US" },
	{ "us_ofac_sdn", "US" },
	{ "us_trade_csl", "US" },
};

/* The entity as read, with borrowed strings. */
struct opensanctions_entity_view {
	const char	 *id;
	const char	 *caption;
	const char	 *last_change;
	const char	 *first_seen;
	const char	**datasets;	/* listed on now, sorted; owned */
	size_t		  ndatasets;
	int		  watched;
};

char *
opensanctions_entity_fold(const char *s)
{
	char	*out = xmalloc(strlen(s) + 1);
	size_t	 n = 0;
	int	 space = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
			space = 1;
			continue;
		}
		if (space && n > 0)
			out[n++] = ' ';
		space = 0;
		out[n++] = *s >= 'A' && *s <= 'Z' ? (char)(*s + ('a' - 'A')) :
		    *s;
	}
	out[n] = '\0';
	return (out);
}

static const char *
opensanctions_entity_jurisdiction(const char *dataset)
{
	size_t	i;

	for (i = 0; i < sizeof(opensanctions_entity_jurs) /
	    sizeof(opensanctions_entity_jurs[0]); i++) {
		if (strcmp(opensanctions_entity_jurs[i].dataset, dataset) == 0)
			return (opensanctions_entity_jurs[i].jurisdiction);
	}
	return (dataset);
}

static void
opensanctions_entity_known_clear(struct opensanctions_known *k)
{
	size_t	j;

	free(k->id);
	free(k->caption);
	for (j = 0; j < k->ndatasets; j++)
		free(k->datasets[j]);
	free(k->datasets);
	memset(k, 0, sizeof(*k));
}

void
opensanctions_entity_memory_clear(struct opensanctions_memory *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++)
		opensanctions_entity_known_clear(&m->v[i]);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static void
opensanctions_entity_known_set(struct opensanctions_known *k,
    const char *id, const char *caption, const char *const *datasets,
    size_t n)
{
	size_t	j;

	k->id = xstrdup(id);
	k->caption = caption != NULL ? xstrdup(caption) : NULL;
	k->datasets = xcalloc(n + 1, sizeof(*k->datasets));
	for (j = 0; j < n; j++)
		k->datasets[j] = xstrdup(datasets[j]);
	k->ndatasets = n;
}

void
opensanctions_entity_memory_copy(struct opensanctions_memory *dst,
    const struct opensanctions_memory *src)
{
	size_t	i;

	opensanctions_entity_memory_clear(dst);
	dst->v = xcalloc(src->n + 1, sizeof(*dst->v));
	for (i = 0; i < src->n; i++)
		opensanctions_entity_known_set(&dst->v[i], src->v[i].id,
		    src->v[i].caption,
		    (const char *const *)src->v[i].datasets,
		    src->v[i].ndatasets);
	dst->n = src->n;
}

static struct opensanctions_known *
opensanctions_entity_known(struct opensanctions_memory *m, const char *id)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->v[i].id, id) == 0)
			return (&m->v[i]);
	}
	return (NULL);
}

/* Remembers what the entity is listed on now (replacing the old). */
static void
opensanctions_entity_remember(struct opensanctions_memory *m,
    const struct opensanctions_entity_view *v)
{
	struct opensanctions_known	*k;
	char				*caption;

	caption = v->caption != NULL ? xstrdup(v->caption) : NULL;
	if ((k = opensanctions_entity_known(m, v->id)) == NULL) {
		m->v = xreallocarray(m->v, m->n + 1, sizeof(*m->v));
		k = &m->v[m->n++];
		memset(k, 0, sizeof(*k));
	} else {
		if (caption == NULL && k->caption != NULL)
			caption = xstrdup(k->caption);
		opensanctions_entity_known_clear(k);
	}
	opensanctions_entity_known_set(k, v->id, caption, v->datasets,
	    v->ndatasets);
	free(caption);
}

static int
opensanctions_entity_strcmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

/* 1 if s is in the sorted list v of n, else 0. */
static int
opensanctions_entity_in(const char *s, const char *const *v, size_t n)
{
	return (n > 0 && bsearch(&s, v, n, sizeof(*v),
	    opensanctions_entity_strcmp) != NULL);
}

/* Member name of o as an array of strings: 0 (*arr NULL if absent). */
static int
opensanctions_entity_strings(const cJSON *o, const char *name,
    const char *where, const cJSON **arr, char *err, size_t errlen)
{
	const cJSON	*n = feedjson_get(o, name), *s;

	*arr = NULL;
	if (n == NULL || cJSON_IsNull(n))
		return (0);
	if (!cJSON_IsArray(n)) {
		snprintf(err, errlen, "%s.%s: expected an array of strings, "
		    "got %s", where, name, feedjson_type(n));
		return (-1);
	}
	cJSON_ArrayForEach(s, n) {
		if (!cJSON_IsString(s)) {
			snprintf(err, errlen, "%s.%s: expected an array of "
			    "strings, got %s in it", where, name,
			    feedjson_type(s));
			return (-1);
		}
	}
	*arr = n;
	return (0);
}

/* An optional string member: 0 (*out NULL if absent or null) or -1. */
static int
opensanctions_entity_string(const cJSON *o, const char *name,
    const char *where, const char **out, char *err, size_t errlen)
{
	const cJSON	*n = feedjson_get(o, name);

	*out = NULL;
	if (n == NULL || cJSON_IsNull(n))
		return (0);
	if (!cJSON_IsString(n)) {
		snprintf(err, errlen, "%s.%s: expected a string, got %s", where,
		    name, feedjson_type(n));
		return (-1);
	}
	*out = n->valuestring;
	return (0);
}

static int
opensanctions_entity_id(const cJSON *e, const char *where, const char **id,
    char *err, size_t errlen)
{
	char	q[PARSE_QUOTE_BUFLEN];
	size_t	len;

	if (opensanctions_entity_string(e, "id", where, id, err, errlen) == -1)
		return (-1);
	len = *id != NULL ? strlen(*id) : 0;
	if (len > 0 && len <= OPENSANCTIONS_ENTITY_ID_MAX &&
	    strspn(*id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_.") == len)
		return (0);
	if (*id == NULL)
		snprintf(err, errlen, "%s.id: missing", where);
	else {
		parse_quote(*id, len, q, sizeof(q));
		snprintf(err, errlen, "%s.id: expected an entity id such as "
		    "\"NK-2GdmHtZTeNXjNVrBGEXZNj\", got \"%s\"", where, q);
	}
	return (-1);
}

/* 1 if name equals one of the watched names. */
static int
opensanctions_entity_name_hit(const struct opensanctions_feed *os,
    const char *name)
{
	char	*f = opensanctions_entity_fold(name);
	size_t	 k;
	int	 hit = 0;

	for (k = 0; k < os->nnames && !hit; k++)
		hit = strcmp(f, os->names[k]) == 0;
	free(f);
	return (hit);
}

/* 1 if the caption or a name in one of the lists is watched. */
static int
opensanctions_entity_named(const struct opensanctions_feed *os,
    const cJSON *const *lists, size_t nlists, const char *caption)
{
	const cJSON	*s;
	size_t		 i;

	if (caption != NULL && opensanctions_entity_name_hit(os, caption))
		return (1);
	for (i = 0; i < nlists; i++) {
		cJSON_ArrayForEach(s, lists[i]) {
			if (opensanctions_entity_name_hit(os, s->valuestring))
				return (1);
		}
	}
	return (0);
}

/* 1 if s is one of the n strings of v (unsorted). */
static int
opensanctions_entity_listed(const char *s, char *const *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(s, v[i]) == 0)
			return (1);
	}
	return (0);
}

/* A timestamp member's date part (YYYY-MM-DD) into out; 0 or -1. */
static int
opensanctions_entity_date(const char *s, const char *where, const char *name,
    char *out, char *err, size_t errlen)
{
	char	buf[PERIOD_MAX_LEN], q[PARSE_QUOTE_BUFLEN];

	if (strlen(s) >= 10) {
		memcpy(out, s, 10);
		out[10] = '\0';
		if ((s[10] == '\0' || s[10] == 'T' || s[10] == ' ') &&
		    period_normalize(out, buf, sizeof(buf), NULL, 0) == 0 &&
		    strcmp(buf, out) == 0)
			return (0);
	}
	parse_quote(s, strlen(s), q, sizeof(q));
	snprintf(err, errlen, "%s.%s: expected a timestamp such as "
	    "\"2023-07-14T20:00:27\", got \"%s\"", where, name, q);
	return (-1);
}

/*
 * Reads e into v (v->datasets allocated; the caller frees it).  Only the
 * id is read for a DEL.  Returns 0 or -1.
 */
static int
opensanctions_entity_read(const struct opensanctions_feed *os,
    enum opensanctions_op op, const cJSON *e, const char *where,
    struct opensanctions_entity_view *v, char *err, size_t errlen)
{
	const cJSON	*props, *topics, *datasets, *refs, *s, *names[4];
	const char	*what[4] = { "name", "alias", "weakAlias",
			    "previousName" };
	char		 pwhere[256], date[11];
	size_t		 i;
	int		 sanctioned = 0;

	memset(v, 0, sizeof(*v));
	if (!cJSON_IsObject(e)) {
		snprintf(err, errlen, "%s: expected an object, got %s", where,
		    feedjson_type(e));
		return (-1);
	}
	if (opensanctions_entity_id(e, where, &v->id, err, errlen) == -1)
		return (-1);
	v->watched = opensanctions_entity_listed(v->id, os->entity_ids,
	    os->nentity_ids);
	if (op == OPENSANCTIONS_DEL)
		return (0);
	if (opensanctions_entity_string(e, "caption", where, &v->caption, err,
	    errlen) == -1 ||
	    opensanctions_entity_string(e, "last_change", where,
	    &v->last_change, err, errlen) == -1 ||
	    opensanctions_entity_string(e, "first_seen", where,
	    &v->first_seen, err, errlen) == -1 ||
	    opensanctions_entity_strings(e, "datasets", where, &datasets, err,
	    errlen) == -1 ||
	    opensanctions_entity_strings(e, "referents", where, &refs, err,
	    errlen) == -1)
		return (-1);
	if ((v->last_change != NULL && opensanctions_entity_date(
	    v->last_change, where, "last_change", date, err, errlen) == -1) ||
	    (v->first_seen != NULL && opensanctions_entity_date(v->first_seen,
	    where, "first_seen", date, err, errlen) == -1))
		return (-1);
	props = feedjson_get(e, "properties");
	if (props != NULL && !cJSON_IsObject(props)) {
		snprintf(err, errlen, "%s.properties: expected an object, got "
		    "%s", where, feedjson_type(props));
		return (-1);
	}
	snprintf(pwhere, sizeof(pwhere), "%s.properties", where);
	if (opensanctions_entity_strings(props, "topics", pwhere, &topics,
	    err, errlen) == -1)
		return (-1);
	for (i = 0; i < 4; i++) {
		if (opensanctions_entity_strings(props, what[i], pwhere,
		    &names[i], err, errlen) == -1)
			return (-1);
	}
	cJSON_ArrayForEach(s, refs) {
		if (opensanctions_entity_listed(s->valuestring,
		    os->entity_ids, os->nentity_ids))
			v->watched = 1;
	}
	if (!v->watched)
		v->watched = opensanctions_entity_named(os, names, 4,
		    v->caption);
	cJSON_ArrayForEach(s, topics) {
		if (strcmp(s->valuestring, "sanction") == 0)
			sanctioned = 1;
	}
	v->datasets = xcalloc((size_t)cJSON_GetArraySize(datasets) + 1,
	    sizeof(*v->datasets));
	cJSON_ArrayForEach(s, datasets) {
		if (!sanctioned || s->valuestring[0] == '\0' ||
		    (os->ndatasets > 0 && !opensanctions_entity_in(
		    s->valuestring, (const char *const *)os->datasets,
		    os->ndatasets)))
			continue;
		v->datasets[v->ndatasets++] = s->valuestring;
	}
	qsort(v->datasets, v->ndatasets, sizeof(*v->datasets),
	    opensanctions_entity_strcmp);
	/* Unique, in place. */
	for (i = 1; v->ndatasets > 0 && i < v->ndatasets; i++) {
		if (strcmp(v->datasets[i], v->datasets[i - 1]) == 0) {
			memmove(&v->datasets[i], &v->datasets[i + 1],
			    (v->ndatasets - i - 1) * sizeof(*v->datasets));
			v->ndatasets--;
			i--;
		}
	}
	return (0);
}

/* The date of a change: last_change, first_seen, the version, today. */
static void
opensanctions_entity_when(const struct opensanctions_entity_view *v,
    const struct opensanctions_ctx *ctx, int first, char *out)
{
	const char	*a = first ? v->first_seen : v->last_change;
	const char	*b = first ? v->last_change : v->first_seen;

	if (a != NULL || b != NULL)
		memcpy(out, a != NULL ? a : b, 10);
	else if (ctx->version != NULL) {
		/* "20240528134729-3iv" */
		memcpy(out, ctx->version, 4);
		out[4] = '-';
		memcpy(out + 5, ctx->version + 4, 2);
		out[7] = '-';
		memcpy(out + 8, ctx->version + 6, 2);
	} else
		memcpy(out, ctx->today, 10);
	out[10] = '\0';
}

/* Adds one event, unless this result has it already. */
static void
opensanctions_entity_event(const struct opensanctions_entity_view *v,
    const char *caption, const char *dataset, int direction,
    const char *date, struct collector_result *res)
{
	struct sanctions_event	 ev;
	const char		*who = caption != NULL ? caption : v->id;
	char			*instrument;
	size_t			 i;

	instrument = xasprintf("OpenSanctions %s %s", dataset, v->id);
	for (i = 0; i < res->nevents; i++) {
		if (strcmp(res->events[i].instrument, instrument) == 0 &&
		    strcmp(res->events[i].announced_on, date) == 0 &&
		    res->events[i].direction == direction) {
			free(instrument);
			return;
		}
	}
	memset(&ev, 0, sizeof(ev));
	ev.announced_on = xstrdup(date);
	ev.jurisdiction = xstrdup(opensanctions_entity_jurisdiction(dataset));
	ev.action = xstrdup(direction > 0 ? "listed" : "delisted");
	ev.instrument = instrument;
	ev.entities = xcalloc(1, sizeof(*ev.entities));
	ev.entities[0] = xstrdup(who);
	ev.nentities = 1;
	ev.direction = direction;
	ev.summary = xasprintf("%s %s %s (OpenSanctions)", who, direction > 0 ?
	    "listed on" : "no longer on", dataset);
	ev.source_url = xasprintf("https://www.opensanctions.org/entities/%s/",
	    v->id);
	ev.verification = xstrdup("DETECTED (opensanctions)");
	collector_result_add_event(res, &ev);
}

/* Events for the difference between base and what v is listed on now. */
static void
opensanctions_entity_diff(const struct opensanctions_entity_view *v,
    const char *caption, const char *const *base, size_t nbase,
    const char *date, struct collector_result *res)
{
	size_t	i;

	for (i = 0; i < v->ndatasets; i++) {
		if (!opensanctions_entity_in(v->datasets[i], base, nbase))
			opensanctions_entity_event(v, caption,
			    v->datasets[i], 1, date, res);
	}
	for (i = 0; i < nbase; i++) {
		if (!opensanctions_entity_in(base[i], v->datasets,
		    v->ndatasets))
			opensanctions_entity_event(v, caption, base[i], -1,
			    date, res);
	}
}

int
opensanctions_entity(struct opensanctions_feed *os,
    const struct opensanctions_ctx *ctx, enum opensanctions_op op,
    const cJSON *e, const char *where, struct collector_result *res,
    char *err, size_t errlen)
{
	struct opensanctions_entity_view	 v;
	struct opensanctions_known		*k;
	const char *const			*base = NULL;
	const char				*caption, *collection;
	char					 date[11];
	size_t					 nbase = 0, i;
	int					 known;

	if (opensanctions_entity_read(os, op, e, where, &v, err,
	    errlen) == -1) {
		free(v.datasets);
		return (-1);
	}
	k = opensanctions_entity_known(&os->stage, v.id);
	if (!v.watched && k == NULL) {
		free(v.datasets);
		return (0);
	}
	known = k != NULL || os->ndatasets > 0;
	if (k != NULL) {
		base = (const char *const *)k->datasets;
		nbase = k->ndatasets;
	} else if (os->ndatasets > 0) {
		base = (const char *const *)os->datasets;
		nbase = os->ndatasets;
	}
	caption = v.caption != NULL ? v.caption : k != NULL ? k->caption :
	    NULL;
	collection = ctx->collection != NULL ? ctx->collection :
	    "opensanctions";
	switch (op) {
	case OPENSANCTIONS_ADD:
		opensanctions_entity_when(&v, ctx, 0, date);
		opensanctions_entity_diff(&v, caption, NULL, 0, date, res);
		break;
	case OPENSANCTIONS_MOD:
		opensanctions_entity_when(&v, ctx, 0, date);
		if (known)
			opensanctions_entity_diff(&v, caption, base, nbase,
			    date, res);
		else if (v.ndatasets == 0)
			opensanctions_entity_event(&v, caption, collection, -1,
			    date, res);
		break;
	case OPENSANCTIONS_SNAPSHOT:
		opensanctions_entity_when(&v, ctx, !known, date);
		opensanctions_entity_diff(&v, caption, base, nbase, date, res);
		break;
	case OPENSANCTIONS_DEL:
		opensanctions_entity_when(&v, ctx, 0, date);
		for (i = 0; i < nbase; i++)
			opensanctions_entity_event(&v, caption, base[i], -1,
			    date, res);
		if (!known)
			opensanctions_entity_event(&v, caption, collection, -1,
			    date, res);
		break;
	}
	/* Remember the entity as it is now (a DEL: listed on nothing). */
	opensanctions_entity_remember(&os->stage, &v);
	free(v.datasets);
	return (0);
}
