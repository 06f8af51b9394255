/* SPDX-License-Identifier: ISC */
/*
 * engine: the alert engine's tables and public API; semantics in
 * engine.h, internals in instance.h.
 *
 * Owns: the series (an open-addressing table by key for data series, and
 * a list of all series, data and event ones, in creation order), the
 * transitions produced since the last clear, and the list of dirty
 * instances.  Sanctions events are engine_event.c's.  Rules are borrowed.
 *
 * The hot path, engine_observe on a known series, hashes the key, finds
 * the series, records the point and runs each of its instances; it
 * allocates only when a history array grows, a transition is produced
 * or an instance is first marked dirty.
 *
 * Deadlines: each time an instance's deadline changes, (time, instance)
 * goes into a min-heap, so engine_evaluate visits only the instances due
 * instead of every one.  Entries are never removed but when they reach
 * the top: one whose time is no longer the instance's deadline is stale
 * and dropped.  When stale entries outnumber the instances, the heap is
 * rebuilt from the instances.  next_deadline is the heap's top: a lower
 * bound of every deadline.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/engine.h"
#include "alert/instance.h"
#include "util/xmalloc.h"

static const char *const engine_state_names[] = {
	"inactive", "pending", "firing", "resolved",
};

static const char *const engine_reason_names[] = {
	"condition", "for", "cleared", "keep_expired", "window_closed",
	"trigger", "retrigger", "flapping_start", "flapping_end",
};

const char *
engine_state_name(enum engine_state s)
{
	if ((size_t)s < sizeof(engine_state_names) /
	    sizeof(engine_state_names[0]))
		return (engine_state_names[s]);
	return ("?");
}

const char *
engine_reason_name(enum engine_reason r)
{
	if ((size_t)r < sizeof(engine_reason_names) /
	    sizeof(engine_reason_names[0]))
		return (engine_reason_names[r]);
	return ("?");
}

uint64_t
engine_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char	*b = p;
	size_t			 i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= ENGINE_FNV_PRIME;
	}
	return (h);
}

/* Hashes s and its NUL. */
uint64_t
engine_fnv_str(uint64_t h, const char *s)
{
	return (engine_fnv(h, s != NULL ? s : "", strlen(s != NULL ? s : "") +
	    1));
}

static uint64_t
engine_fp(const struct rule *r, const char *series)
{
	uint64_t	h = ENGINE_FNV_OFFSET;
	size_t		i;

	h = engine_fnv_str(h, r->name);
	h = engine_fnv_str(h, series);
	for (i = 0; i < r->nlabels; i++) {
		h = engine_fnv_str(h, r->labels[i].name);
		h = engine_fnv_str(h, r->labels[i].value);
	}
	return (h);
}

static void
engine_fp_hex(uint64_t fp, char out[ENGINE_FINGERPRINT_LEN])
{
	snprintf(out, ENGINE_FINGERPRINT_LEN, "%016" PRIx64, fp);
}

void
engine_fingerprint(const struct rule *r, const char *series,
    char out[ENGINE_FINGERPRINT_LEN])
{
	engine_fp_hex(engine_fp(r, series), out);
}

static void
engine_due_up(struct engine_due *h, size_t i)
{
	struct engine_due	x = h[i];

	while (i > 0 && h[(i - 1) / 2].at > x.at) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = x;
}

static void
engine_due_down(struct engine_due *h, size_t n, size_t i)
{
	struct engine_due	x = h[i];
	size_t			c;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && h[c + 1].at < h[c].at)
			c++;
		if (h[c].at >= x.at)
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
}

static void
engine_due_pop(struct engine *e)
{
	if (--e->ndue > 0) {
		e->due[0] = e->due[e->ndue];
		engine_due_down(e->due, e->ndue, 0);
	}
}

/* Drops stale entries from the top; next_deadline is then exact. */
static void
engine_due_clean(struct engine *e)
{
	while (e->ndue > 0 && e->due[0].in->deadline != e->due[0].at)
		engine_due_pop(e);
	e->next_deadline = e->ndue > 0 ? e->due[0].at : INT64_MAX;
}

/* The heap anew from every instance with a deadline. */
static void
engine_due_rebuild(struct engine *e)
{
	size_t	i, j;

	e->ndue = 0;
	for (i = 0; i < e->nall; i++) {
		struct series	*s = e->all[i];

		for (j = 0; j < s->ninsts; j++) {
			if (s->insts[j].deadline == INT64_MAX)
				continue;
			e->due[e->ndue].at = s->insts[j].deadline;
			e->due[e->ndue++].in = &s->insts[j];
		}
	}
	for (i = e->ndue / 2; i-- > 0;)
		engine_due_down(e->due, e->ndue, i);
	engine_due_clean(e);
}

void
engine_note_deadline(struct engine *e, struct instance *in)
{
	if (in->deadline == INT64_MAX)
		return;
	if (e->ndue == e->duecap) {
		if (e->ndue > 2 * e->ninstances + 64) {
			engine_due_rebuild(e);
			if (e->ndue < e->duecap)
				goto push;
		}
		e->duecap = e->duecap == 0 ? 64 : e->duecap * 2;
		e->due = xreallocarray(e->due, e->duecap, sizeof(*e->due));
	}
push:
	e->due[e->ndue].at = in->deadline;
	e->due[e->ndue].in = in;
	engine_due_up(e->due, e->ndue++);
	if (in->deadline < e->next_deadline)
		e->next_deadline = in->deadline;
}

void
engine_mark_dirty(struct engine *e, struct instance *in)
{
	if (in->dirty)
		return;
	in->dirty = 1;
	if (e->ndirty == e->dirtycap) {
		e->dirtycap = e->dirtycap == 0 ? 64 : e->dirtycap * 2;
		e->dirty = xreallocarray(e->dirty, e->dirtycap,
		    sizeof(*e->dirty));
	}
	e->dirty[e->ndirty++] = in;
}

/* Copies the evidence of inp (loose points, then the newest of range). */
static void
engine_evidence(struct engine_transition *t, const struct instance_input *inp)
{
	const struct series_point	*pt;
	size_t				 i, skip = 0, n;

	n = inp->nloose + inp->nrange;
	t->ninputs = n;
	if (n > ENGINE_EVIDENCE_MAX)
		skip = n - ENGINE_EVIDENCE_MAX;
	for (i = skip; i < n; i++) {
		pt = i < inp->nloose ? &inp->loose[i] :
		    &inp->range[i - inp->nloose];
		t->evidence[t->nevidence].period = pt->period;
		t->evidence[t->nevidence].known_at = pt->known_at;
		t->evidence[t->nevidence].value = pt->value;
		t->nevidence++;
	}
}

void
engine_emit(struct engine *e, const struct instance *in,
    enum engine_state from, enum engine_reason reason, int64_t at,
    const struct instance_input *inp)
{
	struct engine_transition	*t;
	struct instance_input		 none;
	const struct series		*s = in->series;
	const struct engine_evrec	*ev = NULL;

	if (e->ntr == e->trcap) {
		e->trcap = e->trcap == 0 ? 16 : e->trcap * 2;
		e->tr = xreallocarray(e->tr, e->trcap, sizeof(*e->tr));
	}
	t = &e->tr[e->ntr++];
	memset(t, 0, sizeof(*t));
	if (inp == NULL) {
		/* A deadline: the latest the instance knows. */
		instance_input_init(&none);
		none.value = in->value;
		none.metric = in->metric;
		none.threshold = in->threshold;
		if (s->has_last) {
			none.loose[0] = s->last;
			none.nloose = 1;
		}
		inp = &none;
	}
	t->rule = in->rule;
	t->series = s->key;
	engine_fp_hex(engine_fp(in->rule, s->key), t->fingerprint);
	t->from = from;
	t->to = (enum engine_state)in->state;
	t->reason = reason;
	t->flapping = in->flapping;
	t->at = at;
	t->value = inp->value;
	t->metric = inp->metric;
	t->threshold = inp->threshold;
	t->baseline = inp->baseline;
	t->baseline_from = inp->baseline_from;
	t->baseline_to = inp->baseline_to;
	t->due = inp->due;
	t->expected = inp->expected;
	if (in->arm != NULL) {
		t->baseline = in->arm->baseline;
		t->baseline_from = in->arm->from;
		t->baseline_to = in->arm->to;
		t->baseline_n = in->arm->n;
		t->event_id = in->arm->event_id;
	} else if (s->event_id != 0)
		t->event_id = s->event_id;
	if (t->event_id != 0 &&
	    (ev = engine_event_find(e, t->event_id)) != NULL)
		t->event = ev->desc;
	engine_evidence(t, inp);
}

static struct engine_rule *
engine_rule_find(const struct engine *e, const char *name)
{
	size_t	lo = 0, hi = e->nrules, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, e->byname[mid]->rule->name);
		if (c == 0)
			return (e->byname[mid]);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (NULL);
}

void
engine_instance_init(struct engine *e, struct engine_rule *er, struct series *s,
    struct instance *in)
{
	memset(in, 0, sizeof(*in));
	in->rule = er->rule;
	in->series = s;
	in->checked = INT64_MIN;
	in->value = in->metric = in->threshold = NAN;
	if (er->ninsts == er->cap) {
		er->cap = er->cap == 0 ? 16 : er->cap * 2;
		er->insts = xreallocarray(er->insts, er->cap,
		    sizeof(*er->insts));
	}
	er->insts[er->ninsts++] = in;
	e->ninstances++;
	in->deadline = INT64_MAX;
	instance_reschedule(e, in);
}

void
engine_series_add(struct engine *e, struct series *s)
{
	if (e->nall == e->allcap) {
		e->allcap = e->allcap == 0 ? 64 : e->allcap * 2;
		e->all = xreallocarray(e->all, e->allcap, sizeof(*e->all));
	}
	e->all[e->nall++] = s;
}

static void
engine_tab_insert(struct series **tab, size_t cap, struct series *s)
{
	size_t	i = (size_t)s->hash & (cap - 1);

	while (tab[i] != NULL)
		i = (i + 1) & (cap - 1);
	tab[i] = s;
}

/* The data series key (hash h), created with its instances if new. */
static struct series *
engine_series(struct engine *e, const char *key, uint64_t h)
{
	struct series	**tab, *s;
	size_t		  i, n, k;

	for (i = (size_t)h & (e->tabcap - 1); (s = e->tab[i]) != NULL;
	    i = (i + 1) & (e->tabcap - 1)) {
		if (s->hash == h && strcmp(s->key, key) == 0)
			return (s);
	}
	if ((e->ntab + 1) * 2 > e->tabcap) {
		tab = xcalloc(e->tabcap * 2, sizeof(*tab));
		for (k = 0; k < e->tabcap; k++) {
			if (e->tab[k] != NULL)
				engine_tab_insert(tab, e->tabcap * 2,
				    e->tab[k]);
		}
		free(e->tab);
		e->tab = tab;
		e->tabcap *= 2;
	}
	s = series_new(key, h);
	engine_tab_insert(e->tab, e->tabcap, s);
	e->ntab++;
	engine_series_add(e, s);

	for (k = n = 0; k < e->nrules; k++) {
		const struct rule *r = e->rules[k].rule;

		if (r->kind != RULE_SANCTIONS &&
		    rule_glob_match(r->series, key))
			n++;
	}
	if (n == 0)
		return (s);
	s->insts = xcalloc(n, sizeof(*s->insts));
	for (k = 0; k < e->nrules; k++) {
		const struct rule *r = e->rules[k].rule;

		if (r->kind == RULE_SANCTIONS ||
		    !rule_glob_match(r->series, key))
			continue;
		series_need(s, r);
		engine_instance_init(e, &e->rules[k], s,
		    &s->insts[s->ninsts++]);
	}
	return (s);
}

static struct series *
engine_series_get(struct engine *e, const char *key)
{
	return (engine_series(e, key, engine_fnv_str(ENGINE_FNV_OFFSET, key)));
}

static int
engine_byname_cmp(const void *a, const void *b)
{
	const struct engine_rule	*const *ra = a, *const *rb = b;

	return (strcmp((*ra)->rule->name, (*rb)->rule->name));
}

struct engine *
engine_new(const struct rule *const *rules, size_t nrules, char *err,
    size_t errlen)
{
	struct engine	*e;
	size_t		 i;

	e = xcalloc(1, sizeof(*e));
	e->clock = INT64_MIN;
	e->next_deadline = INT64_MAX;
	e->tabcap = 64;
	e->tab = xcalloc(e->tabcap, sizeof(*e->tab));
	e->nrules = nrules;
	e->rules = xcalloc(nrules + 1, sizeof(*e->rules));
	e->byname = xcalloc(nrules + 1, sizeof(*e->byname));
	for (i = 0; i < nrules; i++) {
		e->rules[i].rule = rules[i];
		e->byname[i] = &e->rules[i];
		if (rules[i]->kind == RULE_SANCTIONS)
			e->nsanctions++;
	}
	qsort(e->byname, nrules, sizeof(*e->byname), engine_byname_cmp);
	for (i = 1; i < nrules; i++) {
		if (strcmp(e->byname[i - 1]->rule->name,
		    e->byname[i]->rule->name) == 0) {
			snprintf(err, errlen, "rule \"%s\" defined twice",
			    e->byname[i]->rule->name);
			engine_free(e);
			return (NULL);
		}
	}
	/* A plain key is watched before any data arrives (stale). */
	for (i = 0; i < nrules; i++) {
		if (rules[i]->series != NULL && !rules[i]->glob)
			(void)engine_series_get(e, rules[i]->series);
	}
	return (e);
}

void
engine_free(struct engine *e)
{
	size_t	i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nall; i++)
		series_free(e->all[i]);
	for (i = 0; i < e->nevents; i++) {
		free(e->events[i]->desc);
		free(e->events[i]);
	}
	for (i = 0; i < e->nrules; i++)
		free(e->rules[i].insts);
	free(e->rules);
	free(e->byname);
	free(e->tab);
	free(e->all);
	free(e->events);
	free(e->tr);
	free(e->dirty);
	free(e->due);
	free(e);
}

int
engine_observe(struct engine *e, const struct engine_obs *o)
{
	struct series		*s;
	struct series_point	 pt;
	double			 prev;
	int64_t			 t;
	int			 fresh, newperiod, superseded;
	size_t			 i;

	if (!isfinite(o->value))
		return (-1);
	e->nobs++;
	s = engine_series_get(e, o->series);
	pt.period = o->period;
	pt.known_at = o->known_at;
	pt.value = o->value;
	newperiod = o->period > s->newest;
	fresh = !(o->flags & ENGINE_OBS_HISTORY) && o->period >= s->newest;
	superseded = (o->flags & ENGINE_OBS_SUPERSEDED) != 0;
	prev = series_put(s, &pt);
	if (!isnan(o->prev))
		prev = o->prev;
	if (o->flags & ENGINE_OBS_HISTORY)
		return (0);
	t = o->known_at > e->clock ? o->known_at : e->clock;
	e->clock = t;
	for (i = 0; i < s->ninsts; i++) {
		struct instance	*in = &s->insts[i];

		if (in->deadline <= t)
			instance_tick(e, in, t);
		kind_observe(e, in, &pt, t, fresh, superseded, newperiod,
		    prev);
	}
	return (0);
}

int
engine_obs_superseded(const struct engine_obs *o,
    const struct engine_obs *next)
{
	return (next != NULL && next->known_at == o->known_at &&
	    next->period > o->period && o->series != NULL &&
	    next->series != NULL && strcmp(next->series, o->series) == 0);
}

void
engine_evaluate(struct engine *e, int64_t now)
{
	struct instance	**due = NULL;
	size_t		  n = 0, cap = 0, i;

	if (now > e->clock)
		e->clock = now;
	if (now < e->next_deadline)
		return;
	/* Take every instance due first: each ticks once per call, as a
	 * tick may leave work for the next one. */
	while (e->ndue > 0 && e->due[0].at <= now) {
		struct instance	*in = e->due[0].in;

		if (in->deadline == e->due[0].at) {
			if (n == cap) {
				cap = cap == 0 ? 64 : cap * 2;
				due = xreallocarray(due, cap, sizeof(*due));
			}
			due[n++] = in;
		}
		engine_due_pop(e);
	}
	for (i = 0; i < n; i++) {
		/* Its deadline stays in the heap until it changes. */
		if (due[i]->deadline <= now) {
			int64_t	d = due[i]->deadline;

			instance_tick(e, due[i], now);
			if (due[i]->deadline == d)
				engine_note_deadline(e, due[i]);
		}
	}
	free(due);
	engine_due_clean(e);
}

int64_t
engine_next_deadline(const struct engine *e)
{
	return (e->next_deadline);
}

const struct engine_transition *
engine_transitions(const struct engine *e, size_t *n)
{
	*n = e->ntr;
	return (e->tr);
}

void
engine_transitions_clear(struct engine *e)
{
	e->ntr = 0;
}

static void
engine_saved_fill(const struct instance *in, struct engine_saved *sv)
{
	const struct instance_arm	*a = in->arm;

	memset(sv, 0, sizeof(*sv));
	sv->rule = in->rule->name;
	sv->series = in->series->key;
	engine_fp_hex(engine_fp(in->rule, in->series->key), sv->fingerprint);
	sv->kind = in->rule->kind;
	sv->state = (enum engine_state)in->state;
	sv->since = in->since;
	sv->count = in->count;
	sv->until = in->until;
	sv->checked = in->checked;
	sv->latch = in->latch;
	sv->flapping = in->flapping;
	if (in->flips != NULL)
		memcpy(sv->flips, in->flips, sizeof(sv->flips));
	sv->nflips = in->nflips;
	sv->value = in->value;
	sv->metric = in->metric;
	sv->threshold = in->threshold;
	sv->baseline = NAN;
	if (a == NULL)
		return;
	sv->event_id = a->event_id;
	sv->event_at = a->event_at;
	sv->event_known = a->event_known;
	sv->baseline = a->baseline;
	sv->baseline_from = a->from;
	sv->baseline_to = a->to;
	sv->baseline_n = a->n;
	sv->window_end = a->window_end;
	sv->disarm_at = a->disarm_at;
	sv->closed = a->closed;
}

void
engine_save(struct engine *e, int flags,
    void (*cb)(const struct engine_saved *, void *), void *arg)
{
	struct engine_saved	sv;
	size_t			i, j;

	if (flags & ENGINE_SAVE_DIRTY) {
		for (i = 0; i < e->ndirty; i++) {
			engine_saved_fill(e->dirty[i], &sv);
			e->dirty[i]->dirty = 0;
			cb(&sv, arg);
		}
		e->ndirty = 0;
		return;
	}
	for (i = 0; i < e->nall; i++) {
		for (j = 0; j < e->all[i]->ninsts; j++) {
			engine_saved_fill(&e->all[i]->insts[j], &sv);
			cb(&sv, arg);
		}
	}
}

int
engine_restore(struct engine *e, const struct engine_saved *sv, char *err,
    size_t errlen)
{
	struct engine_rule	*er;
	struct engine_evrec	*rec;
	struct series		*s;
	struct instance		*in = NULL;
	int64_t			 id;
	char			*end;
	size_t			 i;

	if ((er = engine_rule_find(e, sv->rule)) == NULL) {
		snprintf(err, errlen, "rule \"%s\" is no longer defined",
		    sv->rule);
		return (-1);
	}
	if (er->rule->kind != sv->kind) {
		snprintf(err, errlen, "rule \"%s\" is now of kind %s, was %s",
		    sv->rule, rule_kind_name(er->rule->kind),
		    rule_kind_name(sv->kind));
		return (-1);
	}
	if (sv->kind == RULE_SANCTIONS) {
		if (strncmp(sv->series, "event/", 6) != 0 ||
		    (id = strtoll(sv->series + 6, &end, 10)) <= 0 ||
		    *end != '\0') {
			snprintf(err, errlen, "rule \"%s\": \"%s\" names no "
			    "sanctions event", sv->rule, sv->series);
			return (-1);
		}
		if ((rec = engine_event_find(e, id)) == NULL)
			rec = engine_event_add(e, id);
		s = engine_event_series(e, rec);
	} else {
		if (!rule_glob_match(er->rule->series, sv->series)) {
			snprintf(err, errlen, "rule \"%s\" no longer matches "
			    "series \"%s\"", sv->rule, sv->series);
			return (-1);
		}
		s = engine_series_get(e, sv->series);
	}
	for (i = 0; i < s->ninsts; i++) {
		if (s->insts[i].rule == er->rule)
			in = &s->insts[i];
	}
	if (in == NULL) {
		snprintf(err, errlen, "rule \"%s\": no instance for \"%s\"",
		    sv->rule, sv->series);
		return (-1);
	}
	in->state = (uint8_t)sv->state;
	in->since = sv->since;
	in->count = sv->count;
	in->until = sv->until;
	in->checked = sv->checked;
	in->latch = sv->latch != 0;
	in->flapping = sv->flapping != 0;
	in->nflips = (uint8_t)(sv->nflips > RULE_FLIPS_MAX ? RULE_FLIPS_MAX :
	    sv->nflips);
	if (in->nflips > 0) {
		if (in->flips == NULL)
			in->flips = xcalloc(RULE_FLIPS_MAX, sizeof(*in->flips));
		memcpy(in->flips, sv->flips, RULE_FLIPS_MAX *
		    sizeof(*in->flips));
	}
	in->value = sv->value;
	in->metric = sv->metric;
	in->threshold = sv->threshold;
	if (sv->event_id != 0) {
		if (in->arm == NULL)
			in->arm = xcalloc(1, sizeof(*in->arm));
		in->arm->event_id = sv->event_id;
		in->arm->event_at = sv->event_at;
		in->arm->event_known = sv->event_known;
		in->arm->baseline = sv->baseline;
		in->arm->from = sv->baseline_from;
		in->arm->to = sv->baseline_to;
		in->arm->n = sv->baseline_n;
		in->arm->window_end = sv->window_end;
		in->arm->disarm_at = sv->disarm_at;
		in->arm->closed = sv->closed;
	}
	instance_reschedule(e, in);
	return (0);
}

void
engine_get_stats(const struct engine *e, struct engine_stats *st)
{
	size_t	i;

	memset(st, 0, sizeof(*st));
	st->series = e->nall;
	st->instances = e->ninstances;
	st->events = e->nevents;
	st->observations = e->nobs;
	st->bytes = sizeof(*e) + e->nrules * (sizeof(*e->rules) +
	    sizeof(*e->byname)) + e->tabcap * sizeof(*e->tab) +
	    e->allcap * sizeof(*e->all) + e->trcap * sizeof(*e->tr) +
	    e->dirtycap * sizeof(*e->dirty);
	for (i = 0; i < e->nrules; i++)
		st->bytes += e->rules[i].cap * sizeof(*e->rules[i].insts);
	for (i = 0; i < e->nall; i++) {
		st->points += e->all[i]->n;
		st->bytes += series_bytes(e->all[i]);
	}
	for (i = 0; i < e->nevents; i++)
		st->bytes += sizeof(*e->events[i]) + (e->events[i]->desc !=
		    NULL ? strlen(e->events[i]->desc) + 1 : 0);
}
