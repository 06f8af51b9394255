/* SPDX-License-Identifier: ISC */
/*
 * fedreg: Federal Register documents about watched entities, as sanctions
 * events.  Reads the search API (api/v1/documents.json: {"count",
 * "total_pages", "next_page_url", "results": [{document_number, title,
 * type, abstract, action, excerpts, publication_date, effective_on,
 * html_url, agencies}]}) and turns each document that names a watched
 * entity into one event: jurisdiction "US", instrument "FR Doc <number>",
 * announced_on the publication date, effective_on as published, summary
 * the title, source_url the html_url, entities the watched names found,
 * verification "DETECTED (fedreg)".  Owns the per-feed options (struct
 * fedreg_feed), the search URL and paging.
 *
 * Matching: a watched name (option entities) matches when it occurs,
 * ASCII case-insensitively and with runs of white space taken as one
 * space, in the title, the abstract or the excerpts (the search's
 * highlighted snippets, HTML tags removed: OFAC notices name the persons
 * in their body, which only the excerpts show).  Documents naming no
 * watched entity are skipped.
 *
 * Classification, on the title, action and abstract (lower-cased), with
 * keywords that must start a word ("terminat" does not match
 * "determination"); easing is tested first, so a notice that removes and
 * adds persons counts as easing:
 *	"general license"				general_license, -1
 *	"unblock", "delist", "removal", "removed from", "removing",
 *	"rescission", "rescind", "revocation", "revoking", "termination of",
 *	"terminating", "lifting", "lifted"		delisting, -1
 *	"designat", "blocking", "blocked", "additions", "added to",
 *	"placed on", "identification of", "sanctions action"
 *							sdn_designation, +1
 * A document of type "Presidential Document" is always kept, as
 * executive_order, with -1 if an easing keyword occurs and +1 otherwise.
 * Any other document is unclassified: skipped (no event), or with
 * unclassified = notice kept as action "notice", direction +1.
 *
 * Paging: next_page_url is followed (res->next_url) while its page=N is
 * at most max_pages, only to www.federalregister.gov or the feed's own
 * scheme and host, and never from a file:// replay.  A document already
 * seen in this run (same instrument) is not added twice.
 *
 * Quirks handled: a response without "results" (or with null) has no
 * documents (count 0); an "errors" member is an error; title, abstract,
 * action, excerpts, effective_on and html_url may be null or absent;
 * publication_date and effective_on must be YYYY-MM-DD; document_number
 * must be a plain id.  Bodies: BOM skipped, invalid UTF-8, NUL and
 * nesting deeper than 1000 levels refused (feedjson.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "collectors/collector.h"
#include "collectors/feedjson.h"
#include "util/buf.h"
#include "util/parse.h"
#include "util/period.h"
#include "util/xmalloc.h"

#define FEDREG_DEFAULT_URL	\
	"https://www.federalregister.gov/api/v1/documents.json"
#define FEDREG_HOST		"https://www.federalregister.gov/"
#define FEDREG_PAGES_MAX	10

struct fedreg_feed {
	char	**entities;
	size_t	  nentities;
	char	**needles;		/* entities, folded */
	char	 *term;
	int	  max_pages;
	int	  per_page;
	int	  notice;		/* keep unclassified documents */
};

static const struct config_option fedreg_options[] = {
	{ "feed", "entities", CONFIG_LIST,
	  "{\"Belaruskali\", \"Belarusian Potash Company\", \"Agrorozkvit\"}",
	  0, 0, NULL, 0,
	  "Names to watch for, matched case-insensitively in each "
	  "document's title, abstract and search excerpts; a document "
	  "naming none of them is skipped.  The event lists the names "
	  "found." },
	{ "feed", "term", CONFIG_STRING, "", 0, 0, NULL, 0,
	  "Full-text search sent as conditions[term].  Empty: the entities "
	  "joined with \" | \" (OR), names with spaces in double quotes: "
	  "Belaruskali | \"Belarusian Potash Company\" | Agrorozkvit." },
	{ "feed", "max_pages", CONFIG_INT, "3", 1, FEDREG_PAGES_MAX, NULL, 0,
	  "Result pages to read per run, newest documents first "
	  "(next_page_url is followed while its page number is at most "
	  "this)." },
	{ "feed", "per_page", CONFIG_INT, "20", 1, 1000, NULL, 0,
	  "Documents per result page." },
	{ "feed", "unclassified", CONFIG_ENUM, "skip", 0, 0, "skip|notice", 0,
	  "What to do with a matching document the keywords of its title, "
	  "action and abstract do not classify: skip it, or store it as "
	  "action \"notice\" with direction +1.  The keywords, easing "
	  "first: \"general license\" (general_license, -1); unblock, "
	  "delist, removal, \"removed from\", removing, rescind, "
	  "rescission, revocation, revoking, \"termination of\", "
	  "terminating, lifting, lifted (delisting, -1); designat..., "
	  "blocking, blocked, additions, \"added to\", \"placed on\", "
	  "\"identification of\", \"sanctions action\" (sdn_designation, "
	  "+1).  A Presidential Document is always kept, as "
	  "executive_order." },
};

/*
 * Folds runs of white space into one space and trims the ends; removes
 * HTML tags if strip_tags, lower-cases ASCII if lower.
 */
static char *
fedreg_fold(const char *s, int strip_tags, int lower)
{
	char	*out = xmalloc(strlen(s) + 1);
	size_t	 n = 0;
	int	 space = 0, tag = 0;

	for (; *s != '\0'; s++) {
		if (strip_tags && *s == '<') {
			tag = 1;
			continue;
		}
		if (tag) {
			if (*s == '>')
				tag = 0;
			continue;
		}
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
			space = 1;
			continue;
		}
		if (space && n > 0)
			out[n++] = ' ';
		space = 0;
		out[n++] = lower && *s >= 'A' && *s <= 'Z' ?
		    (char)(*s + ('a' - 'A')) : *s;
	}
	out[n] = '\0';
	return (out);
}

static void
fedreg_free(void *data)
{
	struct fedreg_feed	*ff = data;
	size_t			 i;

	if (ff == NULL)
		return;
	for (i = 0; i < ff->nentities; i++) {
		free(ff->entities[i]);
		free(ff->needles[i]);
	}
	free(ff->entities);
	free(ff->needles);
	free(ff->term);
	free(ff);
}

static int
fedreg_int(const struct feed *f, const char *name, int def, int64_t min,
    int64_t max, int *out, char *err, size_t errlen)
{
	const char	*v = feed_get(f, name);
	char		 msg[256];
	int64_t		 x;

	*out = def;
	if (v == NULL)
		return (0);
	if (parse_int64(v, min, max, &x, msg, sizeof(msg)) == -1) {
		snprintf(err, errlen, "%s: %s", name, msg);
		return (-1);
	}
	*out = (int)x;
	return (0);
}

/* The default search: the entities OR'ed, phrases quoted. */
static char *
fedreg_default_term(const struct fedreg_feed *ff)
{
	struct buf	b;
	size_t		i;

	buf_init(&b, 0);
	for (i = 0; i < ff->nentities; i++) {
		buf_printf(&b, "%s%s%s%s", i > 0 ? " | " : "",
		    strchr(ff->entities[i], ' ') != NULL ? "\"" : "",
		    ff->entities[i],
		    strchr(ff->entities[i], ' ') != NULL ? "\"" : "");
	}
	return (buf_steal(&b, NULL));
}

static int
fedreg_configure(const struct feed *f, void **datap, char *err, size_t errlen)
{
	static const char *const defaults[] = { "Belaruskali",
	    "Belarusian Potash Company", "Agrorozkvit" };
	struct fedreg_feed	*ff;
	char *const		*v;
	const char		*s, *name;
	char			 q[PARSE_QUOTE_BUFLEN];
	size_t			 n, i;

	*datap = NULL;
	ff = xcalloc(1, sizeof(*ff));
	v = feed_get_list(f, "entities", &n);
	if (v == NULL)
		n = sizeof(defaults) / sizeof(defaults[0]);
	if (n == 0) {
		snprintf(err, errlen, "entities: missing: name at least one "
		    "entity to watch for, e.g. {\"Belaruskali\"}");
		goto fail;
	}
	ff->entities = xcalloc(n, sizeof(*ff->entities));
	ff->needles = xcalloc(n, sizeof(*ff->needles));
	for (i = 0; i < n; i++) {
		name = v != NULL ? v[i] : defaults[i];
		ff->entities[i] = xstrdup(name);
		ff->needles[i] = fedreg_fold(name, 0, 1);
		ff->nentities++;
		if (strlen(ff->needles[i]) < 3 || strpbrk(name, "\"<>") !=
		    NULL) {
			parse_quote(name, strlen(name), q, sizeof(q));
			snprintf(err, errlen, "entities: expected names of at "
			    "least 3 characters without '\"', '<' or '>', got "
			    "\"%s\"", q);
			goto fail;
		}
	}
	if ((s = feed_get(f, "term")) != NULL && *s != '\0')
		ff->term = xstrdup(s);
	else
		ff->term = fedreg_default_term(ff);
	if (fedreg_int(f, "max_pages", 3, 1, FEDREG_PAGES_MAX,
	    &ff->max_pages, err, errlen) == -1 ||
	    fedreg_int(f, "per_page", 20, 1, 1000, &ff->per_page, err,
	    errlen) == -1)
		goto fail;
	if ((s = feed_get(f, "unclassified")) != NULL) {
		if (strcmp(s, "notice") == 0)
			ff->notice = 1;
		else if (strcmp(s, "skip") != 0) {
			parse_quote(s, strlen(s), q, sizeof(q));
			snprintf(err, errlen, "unclassified: expected one of "
			    "skip|notice, got \"%s\"", q);
			goto fail;
		}
	}
	*datap = ff;
	return (0);
fail:
	fedreg_free(ff);
	return (-1);
}

/* Appends s percent-encoded (RFC 3986 unreserved bytes stay). */
static void
fedreg_enc(struct buf *b, const char *s)
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

static int
fedreg_request(const struct feed *f, void *data, int64_t now,
    struct collector_request *req, char *err, size_t errlen)
{
	static const char *const fields[] = { "abstract", "action",
	    "agencies", "document_number", "effective_on", "excerpts",
	    "html_url", "publication_date", "title", "type" };
	const struct fedreg_feed	*ff = data;
	const char			*url = f->url;
	struct buf			 b;
	size_t				 i;

	if (*url == '\0')
		url = FEDREG_DEFAULT_URL;
	/* A replay, or a query written out in full, is used as it is. */
	if (strncmp(url, "file://", 7) == 0 || strchr(url, '?') != NULL) {
		req->url = xstrdup(url);
		return (0);
	}
	buf_init(&b, 0);
	buf_printf(&b, "%s?conditions%%5Bterm%%5D=", url);
	fedreg_enc(&b, ff->term);
	buf_printf(&b, "&order=newest&per_page=%d", ff->per_page);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		buf_printf(&b, "&fields%%5B%%5D=%s", fields[i]);
	req->url = buf_steal(&b, NULL);
	req->headers[0] = xstrdup("Accept: application/json");
	return (0);
}


/* Keywords of the classification (see the top of this file). */
static const char *const fedreg_easing[] = { "general license", "unblock",
	"delist", "removal", "removed from", "removing", "rescission",
	"rescind", "revocation", "revoking", "termination of", "terminating",
	"lifting", "lifted", NULL };
static const char *const fedreg_tightening[] = { "designat", "blocking",
	"blocked", "additions", "added to", "placed on", "identification of",
	"sanctions action", NULL };

/* One document's members, borrowed from the tree (NULL: null/absent). */
struct fedreg_doc {
	const char	*number;
	const char	*title;
	const char	*type;
	const char	*abstract;
	const char	*action;
	const char	*excerpts;
	const char	*published;
	const char	*effective;
	const char	*url;
};

static int
fedreg_alnum(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'));
}

/* 1 if kw occurs in hay where a word starts. */
static int
fedreg_word(const char *hay, const char *kw)
{
	const char	*p = hay;

	while ((p = strstr(p, kw)) != NULL) {
		if (p == hay || !fedreg_alnum(p[-1]))
			return (1);
		p++;
	}
	return (0);
}

/* The first keyword of list in hay, or NULL. */
static const char *
fedreg_keyword(const char *hay, const char *const *list)
{
	size_t	i;

	for (i = 0; list[i] != NULL; i++) {
		if (fedreg_word(hay, list[i]))
			return (list[i]);
	}
	return (NULL);
}

/*
 * What the document does: sets *action (static text) and *direction and
 * returns 1, or returns 0 if it is unclassified.
 */
static int
fedreg_classify(const struct fedreg_doc *d, const char **action,
    int *direction)
{
	const char	*kw;
	char		*hay, *t, *a, *ab;
	int		 rc = 1;

	t = fedreg_fold(d->title != NULL ? d->title : "", 0, 1);
	a = fedreg_fold(d->action != NULL ? d->action : "", 0, 1);
	ab = fedreg_fold(d->abstract != NULL ? d->abstract : "", 0, 1);
	hay = xasprintf("%s\n%s\n%s", t, a, ab);
	if ((kw = fedreg_keyword(hay, fedreg_easing)) != NULL) {
		*action = strcmp(kw, "general license") == 0 ?
		    "general_license" : "delisting";
		*direction = -1;
	} else if (fedreg_keyword(hay, fedreg_tightening) != NULL) {
		*action = "sdn_designation";
		*direction = 1;
	} else
		rc = 0;
	if (d->type != NULL && strcmp(d->type, "Presidential Document") == 0) {
		*action = "executive_order";
		*direction = kw != NULL ? -1 : 1;
		rc = 1;
	}
	free(hay);
	free(t);
	free(a);
	free(ab);
	return (rc);
}

/* A string member: 0 (*out NULL if null or absent) or -1. */
static int
fedreg_member(const cJSON *o, size_t i, const char *name, const char **out,
    char *err, size_t errlen)
{
	const cJSON	*n = feedjson_get(o, name);

	*out = NULL;
	if (n == NULL || cJSON_IsNull(n))
		return (0);
	if (!cJSON_IsString(n)) {
		snprintf(err, errlen, "results[%zu].%s: expected a string, "
		    "got %s", i, name, feedjson_type(n));
		return (-1);
	}
	*out = n->valuestring;
	return (0);
}

/* A date member: YYYY-MM-DD exactly, or NULL if allowed; 0 or -1. */
static int
fedreg_date(size_t i, const char *name, const char *s, int required,
    char *err, size_t errlen)
{
	char	out[PERIOD_MAX_LEN], q[PARSE_QUOTE_BUFLEN];

	if (s == NULL && !required)
		return (0);
	if (s != NULL && strlen(s) == 10 && period_normalize(s, out,
	    sizeof(out), NULL, 0) == 0 && strcmp(out, s) == 0)
		return (0);
	if (s == NULL)
		snprintf(err, errlen, "results[%zu].%s: missing (expected a "
		    "date YYYY-MM-DD)", i, name);
	else {
		parse_quote(s, strlen(s), q, sizeof(q));
		snprintf(err, errlen, "results[%zu].%s: expected a date "
		    "YYYY-MM-DD, got \"%s\"", i, name, q);
	}
	return (-1);
}

static int
fedreg_doc_read(const cJSON *o, size_t i, struct fedreg_doc *d, char *err,
    size_t errlen)
{
	memset(d, 0, sizeof(*d));
	if (!cJSON_IsObject(o)) {
		snprintf(err, errlen, "results[%zu]: expected an object, got "
		    "%s", i, feedjson_type(o));
		return (-1);
	}
	if (fedreg_member(o, i, "document_number", &d->number, err,
	    errlen) == -1 ||
	    fedreg_member(o, i, "title", &d->title, err, errlen) == -1 ||
	    fedreg_member(o, i, "type", &d->type, err, errlen) == -1 ||
	    fedreg_member(o, i, "abstract", &d->abstract, err, errlen) == -1 ||
	    fedreg_member(o, i, "action", &d->action, err, errlen) == -1 ||
	    fedreg_member(o, i, "excerpts", &d->excerpts, err, errlen) == -1 ||
	    fedreg_member(o, i, "publication_date", &d->published, err,
	    errlen) == -1 ||
	    fedreg_member(o, i, "effective_on", &d->effective, err,
	    errlen) == -1 ||
	    fedreg_member(o, i, "html_url", &d->url, err, errlen) == -1)
		return (-1);
	return (0);
}

/* Checks what an event of a matching document needs; 0 or -1. */
static int
fedreg_doc_check(const struct fedreg_doc *d, size_t i, char *err,
    size_t errlen)
{
	char	q[PARSE_QUOTE_BUFLEN];
	size_t	len;

	len = d->number != NULL ? strlen(d->number) : 0;
	if (len == 0 || len > 32 || strspn(d->number, "0123456789-"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != len) {
		parse_quote(d->number != NULL ? d->number : "", len, q,
		    sizeof(q));
		snprintf(err, errlen, "results[%zu].document_number: expected "
		    "a document number such as \"2025-22871\", got %s%s%s", i,
		    d->number != NULL ? "\"" : "", d->number != NULL ? q :
		    "nothing", d->number != NULL ? "\"" : "");
		return (-1);
	}
	if (fedreg_date(i, "publication_date", d->published, 1, err,
	    errlen) == -1 ||
	    fedreg_date(i, "effective_on", d->effective, 0, err,
	    errlen) == -1)
		return (-1);
	return (0);
}

/* Builds the event of a matching document into res, if new. */
static void
fedreg_doc_event(const struct fedreg_feed *ff, const struct fedreg_doc *d,
    const char *action, int direction, const char *hay,
    struct collector_result *res)
{
	struct sanctions_event	 ev;
	char			*instrument;
	size_t			 i;

	instrument = xasprintf("FR Doc %s", d->number);
	for (i = 0; i < res->nevents; i++) {
		if (strcmp(res->events[i].instrument, instrument) == 0) {
			free(instrument);
			return;
		}
	}
	memset(&ev, 0, sizeof(ev));
	ev.announced_on = xstrdup(d->published);
	ev.effective_on = d->effective != NULL ? xstrdup(d->effective) : NULL;
	ev.jurisdiction = xstrdup("US");
	ev.action = xstrdup(action);
	ev.instrument = instrument;
	ev.entities = xcalloc(ff->nentities, sizeof(*ev.entities));
	for (i = 0; i < ff->nentities; i++) {
		if (strstr(hay, ff->needles[i]) != NULL)
			ev.entities[ev.nentities++] = xstrdup(ff->entities[i]);
	}
	ev.direction = direction;
	if (d->title != NULL && *d->title != '\0')
		ev.summary = fedreg_fold(d->title, 0, 0);
	else
		ev.summary = xasprintf("Federal Register document %s",
		    d->number);
	if (d->url != NULL && (strncmp(d->url, "https://", 8) == 0 ||
	    strncmp(d->url, "http://", 7) == 0))
		ev.source_url = xstrdup(d->url);
	ev.verification = xstrdup("DETECTED (fedreg)");
	collector_result_add_event(res, &ev);
}

/* Turns result i into an event if it names a watched entity; 0 or -1. */
static int
fedreg_doc(const struct fedreg_feed *ff, const cJSON *o, size_t i,
    struct collector_result *res, char *err, size_t errlen)
{
	struct fedreg_doc	 d;
	const char		*action = NULL;
	char			*t, *ab, *ex, *hay;
	size_t			 k;
	int			 direction = 0, found = 0, rc = 0;

	if (fedreg_doc_read(o, i, &d, err, errlen) == -1)
		return (-1);
	t = fedreg_fold(d.title != NULL ? d.title : "", 0, 1);
	ab = fedreg_fold(d.abstract != NULL ? d.abstract : "", 0, 1);
	ex = fedreg_fold(d.excerpts != NULL ? d.excerpts : "", 1, 1);
	hay = xasprintf("%s\n%s\n%s", t, ab, ex);
	for (k = 0; k < ff->nentities && !found; k++)
		found = strstr(hay, ff->needles[k]) != NULL;
	if (found && !fedreg_classify(&d, &action, &direction) &&
	    ff->notice) {
		action = "notice";
		direction = 1;
	}
	if (found && action != NULL) {
		if ((rc = fedreg_doc_check(&d, i, err, errlen)) == 0)
			fedreg_doc_event(ff, &d, action, direction, hay, res);
	}
	free(t);
	free(ab);
	free(ex);
	free(hay);
	return (rc);
}

/* The N of "page=N" in url's query, or -1. */
static long
fedreg_page(const char *url)
{
	const char	*p = strchr(url, '?');
	long		 n = 0;

	while (p != NULL) {
		p++;
		if (strncmp(p, "page=", 5) == 0) {
			p += 5;
			if (*p < '0' || *p > '9')
				return (-1);
			for (; *p >= '0' && *p <= '9' && n < 100000; p++)
				n = n * 10 + (*p - '0');
			return (n);
		}
		p = strchr(p, '&');
	}
	return (-1);
}

/* 1 if next is on the Federal Register or the feed's own host. */
static int
fedreg_same_site(const char *feed_url, const char *next)
{
	const char	*h;
	size_t		 n;

	if (strncmp(next, FEDREG_HOST, strlen(FEDREG_HOST)) == 0)
		return (1);
	if ((h = strstr(feed_url, "://")) == NULL)
		return (0);
	n = (size_t)(h + 3 - feed_url);
	n += strcspn(feed_url + n, "/?#");
	return (strncmp(next, feed_url, n) == 0 && (next[n] == '/' ||
	    next[n] == '?'));
}

/* Sets res->next_url from next_page_url if it is to be followed. */
static int
fedreg_next(const struct feed *f, const struct fedreg_feed *ff,
    const cJSON *root, struct collector_result *res, char *err,
    size_t errlen)
{
	const cJSON	*n = feedjson_get(root, "next_page_url");
	char		 q[PARSE_QUOTE_BUFLEN];
	long		 page;

	if (n == NULL || cJSON_IsNull(n))
		return (0);
	if (!cJSON_IsString(n)) {
		snprintf(err, errlen, "next_page_url: expected a string, got "
		    "%s", feedjson_type(n));
		return (-1);
	}
	/* A replayed body must not send the daemon onto the network. */
	if (n->valuestring[0] == '\0' || strncmp(f->url, "file://", 7) == 0)
		return (0);
	if (!fedreg_same_site(*f->url != '\0' ? f->url : FEDREG_DEFAULT_URL,
	    n->valuestring)) {
		parse_quote(n->valuestring, strlen(n->valuestring), q,
		    sizeof(q));
		snprintf(err, errlen, "next_page_url: not on %s or the feed's "
		    "host, refusing to follow \"%s\"", FEDREG_HOST, q);
		return (-1);
	}
	page = fedreg_page(n->valuestring);
	if (page == -1 || page <= ff->max_pages)
		res->next_url = xstrdup(n->valuestring);
	return (0);
}

static int
fedreg_parse(const struct feed *f, void *data, const char *body, size_t len,
    int64_t now, struct collector_result *res, char *err, size_t errlen)
{
	const struct fedreg_feed	*ff = data;
	struct feedjson			 fj;
	const cJSON			*results, *o, *e;
	char				*text, msg[256];
	size_t				 i = 0;
	int				 rc = -1;

	if (feedjson_parse(&fj, body, len, err, errlen) == -1)
		return (-1);
	if (!cJSON_IsObject(fj.root)) {
		snprintf(err, errlen, "expected a JSON object at the top, got "
		    "%s", feedjson_type(fj.root));
		goto out;
	}
	if ((e = feedjson_get(fj.root, "errors")) != NULL &&
	    !cJSON_IsNull(e)) {
		text = cJSON_PrintUnformatted(e);
		feedjson_excerpt(text != NULL ? text : "?", 200, msg,
		    sizeof(msg));
		snprintf(err, errlen, "Federal Register error: %s", msg);
		cJSON_free(text);
		goto out;
	}
	results = feedjson_get(fj.root, "results");
	if (results != NULL && !cJSON_IsNull(results) &&
	    !cJSON_IsArray(results)) {
		snprintf(err, errlen, "\"results\": expected an array, got %s",
		    feedjson_type(results));
		goto out;
	}
	cJSON_ArrayForEach(o, results) {
		if (fedreg_doc(ff, o, i++, res, err, errlen) == -1)
			goto out;
	}
	if (fedreg_next(f, ff, fj.root, res, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	feedjson_free(&fj);
	return (rc);
}

const struct collector_ops collector_ops_fedreg = {
	.name = "fedreg",
	.default_url = FEDREG_DEFAULT_URL,
	.options = fedreg_options,
	.noptions = sizeof(fedreg_options) / sizeof(fedreg_options[0]),
	.configure = fedreg_configure,
	.free = fedreg_free,
	.request = fedreg_request,
	.parse = fedreg_parse,
	.body_only = 1,
};
