/* SPDX-License-Identifier: ISC */
/*
 * generic: what the generic kinds json and csv share.  Both read a table
 * of rows, one period and any number of values per row; what differs is
 * how a row and its fields are found.  This module owns the options they
 * have in common (period_format and timezone in generic_period.c; values,
 * skip_values,
 * decimal_comma, thousands_comma, secret_query, secret_header), turns a
 * field's text into a canonical period or value, builds the request, and
 * collects observations while checking that no (series, period) comes
 * twice from one body.  Pure, like every collector: no I/O, no logging.
 */
#ifndef COLLECTORS_GENERIC_H
#define COLLECTORS_GENERIC_H

#include <stddef.h>

#include "collectors/collector.h"
#include "util/parse.h"

enum generic_pformat {
	GENERIC_PF_ISO,		/* period_normalize */
	GENERIC_PF_UNIX,	/* seconds since the epoch */
	GENERIC_PF_UNIX_MS,	/* milliseconds since the epoch */
	GENERIC_PF_YYYYMM,	/* 202512 */
	GENERIC_PF_STRP,	/* a format with % directives */
};

/* One "field=>series_key[:unit]" entry of the values option. */
struct generic_map {
	char	*field;		/* field path (json) or column (csv) */
	char	*key;
	char	*unit;		/* NULL if none was given */
};

struct tzfile;

struct generic_opts {
	enum generic_pformat	 pformat;
	char			*pfmt;		/* GENERIC_PF_STRP only */
	int			 tz_offset;	/* minutes east; 0: UTC */
	struct tzfile		*tz;		/* a named zone, or NULL */
	char			**skip;		/* missing markers, trimmed */
	size_t			 nskip;
	int			 decimal_flags;	/* DECIMAL_* for strings */
	struct generic_map	*maps;
	size_t			 nmaps;
	char			*secret_query;	/* parameter name, or NULL */
	char			*secret_header;	/* "Name: [prefix ]" */
};

/*
 * Reads the shared options of feed f into g (zeroed first).  Returns 0,
 * or -1 with a message naming the option; g is then released.
 */
int	generic_configure(const struct feed *, struct generic_opts *, char *,
	    size_t);
void	generic_deinit(struct generic_opts *);

/*
 * Reads the boolean option name ("true"/"yes"/"on", "false"/"no"/"off")
 * into *out, def if unset.  Returns 0, or -1 with a message.
 */
int	generic_bool(const struct feed *, const char *, int, int *, char *,
	    size_t);

/*
 * Builds the request: the feed's URL with the secret as a query parameter
 * if secret_query says so, an Accept header, and the secret header if
 * secret_header says so.  Returns 0, or -1 with a message (never holding
 * the secret).
 */
int	generic_request(const struct feed *, const struct generic_opts *,
	    const char *, struct collector_request *, char *, size_t);

/*
 * Reads period_format and timezone into g (generic_period.c).  Returns 0,
 * or -1 with a message naming the option.
 */
int	generic_period_configure(const struct feed *, struct generic_opts *,
	    char *, size_t);

/*
 * Turns the text s (a field's text, or a JSON number's exact text) into a
 * canonical period in out (PERIOD_MAX_LEN bytes) as period_format and
 * timezone say.  Returns 0, or -1 with 'expected ..., got "..."' in err.
 */
int	generic_period(const struct generic_opts *, const char *, char *,
	    size_t, char *, size_t);

/*
 * Turns the text s into canonical decimal text in out (DECIMAL_MAX_LEN
 * bytes).  number says s is a JSON number's text: no missing markers and
 * no separator flags then.  Returns 1 with out set, 0 if s is a missing
 * marker, or -1 with 'expected ..., got "..."' in err.
 */
int	generic_value(const struct generic_opts *, const char *, int, char *,
	    size_t, char *, size_t);

/* Describes each mapped series in b; names[i] (may be NULL, as may names)
 * is a human name for map i. */
void	generic_describe(const struct generic_opts *, struct batch *,
	    const char *const *);

/* Trims ASCII white space off both ends of s[0..*len); returns the start. */
const char	*generic_trim(const char *, size_t *);

/* The offset of the first byte that is not well-formed UTF-8, or len. */
size_t	generic_utf8_bad(const char *, size_t);

/*
 * Observations of one parse, in document order, each with a tag saying
 * where it came from (a line, a row number) for error messages.
 */
struct generic_out {
	struct batch	*batch;
	size_t		 first;		/* batch->nobs at init */
	size_t		*tags;
	size_t		 ntags;
	size_t		 cap;
};

void	generic_out_init(struct generic_out *, struct batch *);
void	generic_out_deinit(struct generic_out *);
/* Adds an observation (strings copied) tagged tag. */
void	generic_out_add(struct generic_out *, const char *, const char *,
	    const char *, const char *, size_t);
/*
 * Looks for a series given two values for one period.  Returns 0 if there
 * is none, else 1 with the tags of the first two occurrences (of the pair
 * whose second occurrence comes first) and the index in batch->obs of
 * the second.
 */
int	generic_out_dup(const struct generic_out *, size_t *, size_t *,
	    size_t *);

#endif
