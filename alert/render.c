/* SPDX-License-Identifier: ISC */
/*
 * render: checking and expanding annotation templates; see render.h.
 * One scanner (render_next) finds each placeholder for both the check at
 * config time and the expansion at transition time, so a template that
 * passed the check always expands.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alert/render.h"
#include "util/parse.h"

#define RENDER_NAMES \
	"value, metric, threshold, baseline, series, event, for, rule, " \
	"severity, state"

static const char *const render_names[] = {
	"value", "metric", "threshold", "baseline", "series", "event", "for",
	"rule", "severity", "state",
};

struct render_out {
	char	*buf;
	size_t	 len, off;
	int	 cut;
};

int
render_next(const char **p, const char **start, const char **name,
    size_t *nlen)
{
	const char	*open, *close, *b, *e;

	if ((open = strstr(*p, "{{")) == NULL)
		return (0);
	if ((close = strstr(open + 2, "}}")) == NULL)
		return (-1);
	for (b = open + 2; b < close && *b == ' '; b++)
		;
	for (e = close; e > b && e[-1] == ' '; e--)
		;
	*start = open;
	*name = b;
	*nlen = (size_t)(e - b);
	*p = close + 2;
	return (1);
}

static int
render_index(const char *name, size_t n)
{
	size_t	i;

	for (i = 0; i < sizeof(render_names) / sizeof(render_names[0]); i++) {
		if (strlen(render_names[i]) == n &&
		    memcmp(render_names[i], name, n) == 0)
			return ((int)i);
	}
	return (-1);
}

int
render_check(const char *tmpl, char *err, size_t errlen)
{
	const char	*p = tmpl, *start, *name;
	char		 q[PARSE_QUOTE_BUFLEN];
	size_t		 n;
	int		 rc;

	while ((rc = render_next(&p, &start, &name, &n)) == 1) {
		if (render_index(name, n) < 0) {
			parse_quote(name, n, q, sizeof(q));
			snprintf(err, errlen, "unknown placeholder {{%s}}; "
			    "expected one of " RENDER_NAMES, q);
			return (-1);
		}
	}
	if (rc == -1) {
		snprintf(err, errlen, "\"{{\" at offset %zu has no \"}}\"",
		    (size_t)(strstr(p, "{{") - tmpl));
		return (-1);
	}
	return (0);
}

void
render_number(double v, char *buf, size_t len)
{
	size_t	n;

	if (isnan(v) || isinf(v)) {
		snprintf(buf, len, "n/a");
		return;
	}
	if (v == 0)
		v = 0;		/* no "-0" */
	if (fabs(v) >= 1e15 || (v != 0 && fabs(v) < 1e-4)) {
		snprintf(buf, len, "%.6g", v);
		return;
	}
	if (v == floor(v)) {
		snprintf(buf, len, "%.0f", v);
		return;
	}
	snprintf(buf, len, "%.4f", v);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	if (strcmp(buf, "-0") == 0)
		snprintf(buf, len, "0");
}

static void
render_put(struct render_out *o, const char *s, size_t n)
{
	size_t	room;

	if (o->len == 0) {
		o->cut = 1;
		return;
	}
	room = o->len - 1 - o->off;
	if (n > room) {
		n = room;
		o->cut = 1;
	}
	memcpy(o->buf + o->off, s, n);
	o->off += n;
	o->buf[o->off] = '\0';
}

static void
render_puts(struct render_out *o, const char *s)
{
	render_put(o, s, strlen(s));
}

static void
render_put_number(struct render_out *o, double v, int pct)
{
	char	buf[64];

	render_number(v, buf, sizeof(buf));
	render_puts(o, buf);
	if (pct && !isnan(v))
		render_puts(o, "%");
}

static void
render_put_for(struct render_out *o, const struct rule *r)
{
	char	buf[PARSE_DURATION_WORDS_LEN + 64];
	size_t	n;

	buf[0] = '\0';
	if (r->for_usec > 0 || r->for_count == 0)
		parse_duration_words(r->for_usec, buf, sizeof(buf));
	if (r->for_count > 0) {
		n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, "%s%u observation%s",
		    n > 0 ? " and " : "", r->for_count,
		    r->for_count == 1 ? "" : "s");
	}
	render_puts(o, buf);
}

int
render_template(const char *tmpl, const struct engine_transition *t,
    char *buf, size_t len)
{
	struct render_out	 o = { buf, len, 0, 0 };
	const char		*p = tmpl, *start, *name;
	size_t			 n;
	int			 pct = t->rule->unit == RULE_PERCENT;

	if (len > 0)
		buf[0] = '\0';
	for (;;) {
		const char	*before = p;

		if (render_next(&p, &start, &name, &n) != 1) {
			render_puts(&o, before);
			break;
		}
		render_put(&o, before, (size_t)(start - before));
		switch (render_index(name, n)) {
		case 0:
			render_put_number(&o, t->value, 0);
			break;
		case 1:
			render_put_number(&o, t->metric, pct);
			break;
		case 2:
			render_put_number(&o, t->threshold, pct);
			break;
		case 3:
			render_put_number(&o, t->baseline, 0);
			break;
		case 4:
			render_puts(&o, t->series);
			break;
		case 5:
			render_puts(&o, t->event != NULL ? t->event : "n/a");
			break;
		case 6:
			render_put_for(&o, t->rule);
			break;
		case 7:
			render_puts(&o, t->rule->name);
			break;
		case 8:
			render_puts(&o, rule_severity_name(t->rule->severity));
			break;
		case 9:
			render_puts(&o, engine_state_name(t->to));
			break;
		default:
			/* render_check refused it; keep the text. */
			render_put(&o, start, (size_t)(p - start));
			break;
		}
	}
	return (o.cut ? -1 : 0);
}
