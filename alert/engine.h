/* SPDX-License-Identifier: ISC */
/*
 * engine: the pure alert engine.  Observations, sanctions events, saved
 * state and the time go in; state transitions come out.  No I/O, no
 * logging, no globals, no clock: every time is an argument, in unix
 * microseconds, and periods too (the start of the period, as
 * period_to_unix gives it, times 1000000).
 *
 * Instances.  One instance per (rule, series): created, inactive, when a
 * series key is first seen (or, for a rule whose series is a plain key,
 * when the engine is made), for every rule whose series matches it.  A
 * sanctions rule has one instance per event, with series "event/ID".
 *
 * States.  inactive -> pending -> firing -> resolved.  The condition
 * true makes an inactive or resolved instance pending, or firing at once
 * when the rule has no `for`; pending becomes firing when the condition
 * has held for `for` (time since it became pending) and over `for N
 * observations` (distinct periods, the first included), both if both are
 * given; a pending instance whose condition turns false goes back to
 * inactive.  A firing instance whose condition turns false is resolved,
 * or after keep_firing_for if the condition stays false that long.  Only
 * an observation can turn a condition false: missing data never resolves
 * a firing alert (it stays firing until data says otherwise; a `stale`
 * rule is what reports missing data).  Resolved behaves like inactive
 * and stays until the condition holds again.
 * One-shot kinds (sanctions, revision, threshold crosses_*) go straight
 * to firing on their trigger and are resolved keep_firing_for (default
 * 1d) after the last trigger; a trigger while firing is reported as a
 * firing -> firing transition with reason RETRIGGER.
 *
 * Hysteresis.  For `above = L, clear = C` (C <= L) the condition becomes
 * true when value > L and, once pending or firing, stays true until value
 * <= C.  For `below = L, clear = C` (C >= L): true when value < L, until
 * value >= C.  Without clear, C = L.  crosses_above = L fires when the
 * value goes above L after an observation at or below C; the first
 * observation never fires (no crossing was seen).
 *
 * Backfill.  An observation fires nothing "as if new" unless it is fresh
 * for the instance.  It is fresh when all of these hold:
 *  1. it is not flagged ENGINE_OBS_HISTORY;
 *  2. its period is not older than the newest period of its series that
 *     the engine has been fed (a revision of the newest period is fresh);
 *  3. known_at - (period + step) <= max_age, where step is the series'
 *     period length (the smallest gap seen between successive newest
 *     periods) and max_age the rule's: a duration, or N periods meaning
 *     N * step but at least ENGINE_MAX_AGE_FLOOR.  The default is 2
 *     periods.  Before two periods step is unknown: a lone first
 *     observation of a series passes (nothing tells its age), a
 *     superseded one (rule 4) does not;
 *  4. it is not flagged ENGINE_OBS_SUPERSEDED.  Several periods of one
 *     series that become known at once (the same known_at: a feed run
 *     that brings a backlog, or the whole history of a new series) are
 *     fed oldest first, each but the newest flagged (engine_obs_superseded
 *     tells).  Only the newest says what is new; the older ones are
 *     history, and the step learnt from them judges the newest by rule 3,
 *     so a backfill fires on its newest point or not at all.  A
 *     superseded observation that passes rules 1 to 3 still arms a
 *     crosses_* latch: a crossing between it and the newest fires, on
 *     the newest.
 * Every observation, fresh or not, goes into the series' history (so
 * windows and baselines are right); a stale rule counts any period it
 * sees; a revision rule looks at every revision that is not history
 * (superseded ones included: a revised past value is news).  `for N
 * observations` counts fresh periods, so a batch counts once.
 *
 * since_event.  A matching event arms every instance of the rule (every
 * series matching it that the engine has seen): the baseline is the mean
 * of the series' points with period in [event - baseline, event) (or the
 * last N periods before the event) that were known by the event's
 * known_at, computed once, when the event is fed, and never recomputed
 * (later data, even about earlier periods, does not change it).  With no
 * such point the instance is not armed.  Fresh observations with period
 * in [event, event + within) are compared with the baseline.  The
 * episode ends (firing -> resolved, pending -> inactive, reason
 * WINDOW_CLOSED) at event + within + max_age, or when a later matching
 * event re-arms the instance (that transition still carries the ending
 * episode's event and baseline).  An event whose episode would already be
 * over when it is fed arms nothing.
 *
 * Sanctions events.  An event id fed for the first time is new; fed
 * again with other fields (dates, jurisdiction, action, instrument,
 * entities, direction) it is changed; fed unchanged it is ignored.  A new
 * or changed event matching a sanctions rule fires that rule's "event/ID"
 * instance, unless its origin is "seed" or it is flagged
 * ENGINE_EVENT_KNOWN; since_event rules are armed by any matching event,
 * seeded and known ones included.  Filters: jurisdiction and action equal
 * to one listed (ASCII case-insensitive), entity: a listed text inside
 * any of the event's entities, direction equal; the event's time is its
 * announcement date, or its effective date with event.date = effective.
 *
 * stale.  At each due instant of the schedule the series must hold a
 * period at or after the expected one (schedule.h); if not the condition
 * is true from the due instant until such a period arrives.
 *
 * Flapping.  A flip is entering firing or leaving it for resolved.  When
 * an instance flips more than flap_flips times within flap_window it is
 * marked flapping: one FLAPPING_START transition (from == to) is
 * emitted, and every transition while flapping has `flapping` set so the
 * notifier can stay quiet.  After a whole flap_window without a flip a
 * FLAPPING_END transition (from == to == the settled state) is emitted.
 *
 * Time.  Each instance acts on its own deadlines (for, keep_firing_for,
 * window end, flapping end, stale due instants) at their exact times: an
 * observation at t first brings its instances up to t; engine_evaluate
 * brings every instance up to now.  Transitions carry the time they
 * logically happened, so the cadence of engine_evaluate never changes
 * the result.  Times must not go backwards; an earlier known_at is
 * treated as the latest time seen.
 *
 * Driving it.  Load: rule_new per config section, engine_new over the
 * rules.  Feed: engine_observe per committed observation, engine_event
 * per stored event, in known_at order, the observations of one series
 * and known_at by period, each flagged ENGINE_OBS_SUPERSEDED if
 * engine_obs_superseded(it, the next observation fed).  Timers:
 * engine_evaluate at engine_next_deadline.  Persist: after each batch, engine_transitions
 * (then engine_transitions_clear) and engine_save(ENGINE_SAVE_DIRTY) go
 * into one transaction.  Restart: a new engine; the history windows need
 * (ENGINE_OBS_HISTORY); known events (ENGINE_EVENT_KNOWN); engine_restore
 * for every saved instance; then observations not yet evaluated, as new.
 * Backtest: a new engine fed the stored history as it was known (each
 * value at its known_at, superseded as in the daemon, events at theirs),
 * engine_evaluate before each input and at the end; nothing is saved.
 *
 * Memory.  An instance is about 100 bytes; a series keeps history only
 * if one of its rules needs it (change, rolling_sum, since_event), for
 * the longest window of those rules, at most ENGINE_HISTORY_MAX points.
 * Observations of known series on threshold rules allocate nothing.
 */
#ifndef ALERT_ENGINE_H
#define ALERT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "alert/rule.h"
#include "collectors/event.h"

/* 16 lower-case hex digits and a NUL. */
#define ENGINE_FINGERPRINT_LEN	17
/* Most evidence observations carried by one transition (the newest). */
#define ENGINE_EVIDENCE_MAX	16
#define ENGINE_HISTORY_MAX	65536
#define ENGINE_MAX_AGE_FLOOR	(INT64_C(4) * 86400 * 1000000)

enum engine_state {
	ENGINE_INACTIVE,
	ENGINE_PENDING,
	ENGINE_FIRING,
	ENGINE_RESOLVED,
};

enum engine_reason {
	ENGINE_REASON_CONDITION,	/* condition became true */
	ENGINE_REASON_FOR,		/* held for `for` */
	ENGINE_REASON_CLEARED,		/* condition became false */
	ENGINE_REASON_KEEP_EXPIRED,	/* keep_firing_for ran out */
	ENGINE_REASON_WINDOW_CLOSED,	/* since_event episode ended */
	ENGINE_REASON_TRIGGER,		/* one-shot fired */
	ENGINE_REASON_RETRIGGER,	/* one-shot fired again while firing */
	ENGINE_REASON_FLAPPING_START,
	ENGINE_REASON_FLAPPING_END,
};

/* The input is already known (start-up warm-up): record it only. */
#define ENGINE_OBS_HISTORY	0x1
/* A later period of the same series follows with the same known_at: the
 * observation is history for every rule but revision and stale (engine.h,
 * Backfill, rule 4). */
#define ENGINE_OBS_SUPERSEDED	0x2

/* One observation, borrowed for the call. */
struct engine_obs {
	const char	*series;
	int64_t		 period;	/* unix usec: period start */
	double		 value;		/* finite */
	int64_t		 known_at;	/* unix usec */
	/* The value it revises if the caller knows it, else NAN. */
	double		 prev;
	unsigned	 flags;		/* ENGINE_OBS_* */
};

/* The event was known before (start-up): record it, fire nothing. */
#define ENGINE_EVENT_KNOWN	0x1

/* A sanctions event, borrowed for the call.  Times in unix usec. */
struct engine_event {
	int64_t			 id;		/* > 0 */
	int64_t			 announced;	/* midnight UTC */
	int64_t			 effective;	/* INT64_MIN: none */
	int64_t			 known_at;
	const char		*jurisdiction;
	const char		*action;
	const char		*instrument;
	const char *const	*entities;
	size_t			 nentities;
	int			 direction;	/* +1 tighten, -1 ease */
	const char		*origin;	/* "seed" never fires */
	unsigned		 flags;		/* ENGINE_EVENT_* */
};

struct engine_evidence {
	int64_t	period;
	int64_t	known_at;
	double	value;
};

/*
 * A state change.  Pointers (rule, series, event) stay valid as long as
 * the engine and its rules live.  Numbers are NAN and times 0 where they
 * do not apply.
 */
struct engine_transition {
	const struct rule	*rule;
	const char		*series;
	char			 fingerprint[ENGINE_FINGERPRINT_LEN];
	enum engine_state	 from, to;
	enum engine_reason	 reason;
	/* The instance is flapping: the notifier stays quiet. */
	int			 flapping;
	int64_t			 at;		/* unix usec */
	/* The latest value of the series. */
	double			 value;
	/* What was compared: the value, the change, the sum or the
	 * revision. */
	double			 metric;
	/* The level compared with (the clear level when resolving). */
	double			 threshold;
	/* since_event: the frozen mean; change: the window's first
	 * value.  The window: baseline periods [from, to) for
	 * since_event, the window's first and last periods for change
	 * and rolling_sum. */
	double			 baseline;
	int64_t			 baseline_from, baseline_to;
	uint32_t		 baseline_n;	/* points in the mean */
	int64_t			 event_id;	/* 0 if none */
	/* "US general_license OFAC Belarus GL 13 (2025-12-15)" */
	const char		*event;
	/* stale: the due instant and the period expected by then. */
	int64_t			 due, expected;
	/* The inputs, oldest first; the newest ENGINE_EVIDENCE_MAX of
	 * ninputs. */
	struct engine_evidence	 evidence[ENGINE_EVIDENCE_MAX];
	size_t			 nevidence;
	size_t			 ninputs;
};

/*
 * What an instance needs to continue after a restart, as plain data.  The
 * daemon stores it (the `alerts` row) in the transaction of the batch
 * that changed it, and hands it back to engine_restore at start.
 */
struct engine_saved {
	const char		*rule;
	const char		*series;
	char			 fingerprint[ENGINE_FINGERPRINT_LEN];
	enum rule_kind		 kind;
	enum engine_state	 state;
	int64_t			 since;		/* state entered */
	uint32_t		 count;		/* pending: periods */
	/* Firing: since when the condition is false (keep_firing_for),
	 * or, one-shot kinds, until when it fires; else 0. */
	int64_t			 until;
	/* stale: the last due instant checked; INT64_MIN: never. */
	int64_t			 checked;
	int			 latch;		/* crosses_*: armed */
	int			 flapping;
	/* Flip times, oldest first. */
	int64_t			 flips[RULE_FLIPS_MAX];
	size_t			 nflips;
	/* As last computed. */
	double			 value, metric, threshold;
	/* since_event: the episode; event_id 0 if never armed. */
	int64_t			 event_id;
	int64_t			 event_at;
	int64_t			 event_known;
	double			 baseline;
	int64_t			 baseline_from, baseline_to;
	uint32_t		 baseline_n;
	int64_t			 window_end;	/* period limit */
	int64_t			 disarm_at;	/* episode end */
	int			 closed;	/* episode over */
};

struct engine_stats {
	size_t		series;
	size_t		instances;
	size_t		points;		/* history points held */
	size_t		events;
	size_t		bytes;		/* approximate heap use */
	uint64_t	observations;	/* fed so far */
};

struct engine;

/*
 * A new engine for nrules rules, which it borrows: they must outlive it.
 * Returns NULL with err set if two rules share a name.
 */
struct engine	*engine_new(const struct rule *const *, size_t, char *,
		    size_t);
void		 engine_free(struct engine *);

/* Feeds one observation.  Returns 0, or -1 if value is not finite. */
int		 engine_observe(struct engine *, const struct engine_obs *);
/* Whether o must be flagged ENGINE_OBS_SUPERSEDED given next, the
 * observation fed after it (NULL: none): 1 if next is of the same series
 * and known_at and of a later period, else 0. */
int		 engine_obs_superseded(const struct engine_obs *,
		    const struct engine_obs *);
/* Feeds one sanctions event (new, changed or known).  Returns 0, or -1
 * if id is not positive. */
int		 engine_event(struct engine *, const struct engine_event *);
/* Fills ev from a collector event (strings borrowed from it). */
void		 engine_event_from(struct engine_event *,
		    const struct sanctions_event *, int64_t, const char *,
		    int64_t);
/* Brings every instance up to now: for, keep_firing_for, stale, window
 * ends, flapping ends.  Cheap when nothing is due before now. */
void		 engine_evaluate(struct engine *, int64_t);
/* No instance changes by time alone before this (INT64_MAX: never); the
 * daemon arms its timer for it. */
int64_t		 engine_next_deadline(const struct engine *);

/*
 * Transitions since the last clear, in the order they were produced:
 * each instance's in time order, but a deadline reached in one call may
 * carry an earlier time than another instance's transition already
 * listed (sort by `at` for a timeline).
 */
const struct engine_transition *engine_transitions(const struct engine *,
		    size_t *);
void		 engine_transitions_clear(struct engine *);

#define ENGINE_SAVE_DIRTY	0x1	/* only instances changed since the
					 * last ENGINE_SAVE_DIRTY save */
/* Calls cb for instances (all, or the changed ones). */
void		 engine_save(struct engine *, int,
		    void (*)(const struct engine_saved *, void *), void *);
/*
 * Restores one instance before any observation is fed.  Returns 0, or -1
 * with err set if its rule is gone, changed kind, or no longer matches
 * the series (the caller decides what to do with the alert).
 */
int		 engine_restore(struct engine *, const struct engine_saved *,
		    char *, size_t);

/* The fingerprint of (rule, series): FNV-1a 64 over the rule name, NUL,
 * the series, NUL, then each label (sorted) as name NUL value NUL,
 * written as 16 lower-case hex digits. */
void		 engine_fingerprint(const struct rule *, const char *,
		    char [ENGINE_FINGERPRINT_LEN]);

void		 engine_get_stats(const struct engine *,
		    struct engine_stats *);
const char	*engine_state_name(enum engine_state);
const char	*engine_reason_name(enum engine_reason);

#endif
