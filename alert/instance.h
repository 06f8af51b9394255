/* SPDX-License-Identifier: ISC */
/*
 * instance: internals of the alert engine, shared by its files and by
 * nothing else (other modules use engine.h).
 *
 *	engine.c	tables (series by key, rules), the public API,
 *			transitions out, save and restore
 *	engine_event.c	sanctions events: records, filters, engine_event
 *	instance.c	the state machine of one instance and its deadlines
 *	kind.c		what each rule kind computes from an observation,
 *			an event or a due instant
 *	series.c	per-series history and the windows over it
 *
 * Ownership: the engine owns every series; a series owns its key, its
 * history and its block of instances (allocated once, so instance
 * pointers are stable); an instance owns its since_event arming.
 */
#ifndef ALERT_INSTANCE_H
#define ALERT_INSTANCE_H

#include <stddef.h>
#include <stdint.h>

#include "alert/engine.h"
#include "alert/rule.h"

/* FNV-1a 64 (fingerprints, series keys, event signatures). */
#define ENGINE_FNV_OFFSET	UINT64_C(0xcbf29ce484222325)
#define ENGINE_FNV_PRIME	UINT64_C(0x100000001b3)

struct series_point {
	int64_t	period;
	int64_t	known_at;
	double	value;
};

struct series {
	char			*key;
	uint64_t		 hash;
	int64_t			 newest;	/* greatest period; INT64_MIN */
	int64_t			 step;		/* period length; 0 unknown */
	struct series_point	 last;		/* the newest period's point */
	int			 has_last;
	int64_t			 event_id;	/* "event/ID" of a sanctions
						 * event; 0 for data series */
	/* History, sorted by period, in hist[start .. start + n). */
	struct series_point	*hist;
	size_t			 start, n, cap;
	int64_t			 keep_usec;	/* 0 and 0: no history */
	uint32_t		 keep_count;
	struct instance		*insts;
	size_t			 ninsts;
};

/* A since_event episode. */
struct instance_arm {
	int64_t		event_id;
	int64_t		event_at;
	int64_t		event_known;
	double		baseline;
	int64_t		from, to;	/* baseline periods [from, to) */
	uint32_t	n;		/* 0: no baseline, nothing compared */
	int64_t		window_end;	/* periods compared: [event_at, this) */
	int64_t		disarm_at;
	int		closed;
};

/*
 * Kept small (two cache lines) and hot fields first: an observation
 * reads deadline, rule and state of every instance of its series.  The
 * fingerprint is computed when needed, the flip times are allocated at
 * the first flip.
 */
struct instance {
	int64_t			 deadline;	/* INT64_MAX: none */
	const struct rule	*rule;
	uint8_t			 state;		/* enum engine_state */
	uint8_t			 nflips;
	uint8_t			 latch;
	uint8_t			 flapping;
	uint8_t			 dirty;
	uint32_t		 count;
	double			 value, metric, threshold;
	struct series		*series;
	int64_t			 since;
	int64_t			 until;		/* see engine_saved */
	int64_t			 checked;	/* stale */
	struct instance_arm	*arm;
	int64_t			*flips;		/* RULE_FLIPS_MAX, oldest
						 * first; NULL before the
						 * first flip */
};

/* What an evaluation found, for the transition it may cause. */
struct instance_input {
	double				 value, metric, threshold, baseline;
	int64_t				 baseline_from, baseline_to;
	int64_t				 due, expected;
	struct series_point		 loose[2];	/* before range */
	size_t				 nloose;
	const struct series_point	*range;
	size_t				 nrange;
};

/* The engine's tables; see engine.c. */
struct engine_rule {
	const struct rule	 *rule;
	struct instance		**insts;
	size_t			  ninsts, cap;
};

struct engine_evrec {
	int64_t		 id;
	uint64_t	 sig;		/* 0: restored, not fed yet */
	char		*desc;
	struct series	*series;	/* "event/ID"; NULL until needed */
};

struct engine_due {
	int64_t			 at;
	struct instance		*in;
};

struct engine {
	struct engine_rule	 *rules;
	size_t			  nrules;
	struct engine_rule	**byname;
	size_t			  nsanctions;	/* rules of kind sanctions */

	struct series		**tab;		/* data series by key */
	size_t			  tabcap;	/* power of 2 */
	size_t			  ntab;
	struct series		**all;		/* every series */
	size_t			  nall, allcap;

	struct engine_evrec	**events;
	size_t			  nevents, evcap;

	struct engine_transition *tr;
	size_t			  ntr, trcap;
	struct instance		**dirty;
	size_t			  ndirty, dirtycap;

	int64_t			  clock;	/* latest time seen */
	int64_t			  next_deadline;
	/* Deadlines as set, a min-heap by time; an entry whose time is no
	 * longer its instance's deadline is stale and skipped. */
	struct engine_due	 *due;
	size_t			  ndue, duecap;
	size_t			  ninstances;
	uint64_t		  nobs;
};


/* engine.c */
void	engine_emit(struct engine *, const struct instance *,
	    enum engine_state, enum engine_reason, int64_t,
	    const struct instance_input *);
void	engine_mark_dirty(struct engine *, struct instance *);
void	engine_note_deadline(struct engine *, struct instance *);
void	engine_series_add(struct engine *, struct series *);
void	engine_instance_init(struct engine *, struct engine_rule *,
	    struct series *, struct instance *);
uint64_t engine_fnv(uint64_t, const void *, size_t);
uint64_t engine_fnv_str(uint64_t, const char *);

/* engine_event.c */
struct engine_evrec *engine_event_find(const struct engine *, int64_t);
struct engine_evrec *engine_event_add(struct engine *, int64_t);
struct series	*engine_event_series(struct engine *, struct engine_evrec *);

/* instance.c */
int	instance_is_oneshot(const struct rule *);
void	instance_input_init(struct instance_input *);
void	instance_cond(struct engine *, struct instance *, int, int64_t, int,
	    const struct instance_input *);
void	instance_trigger(struct engine *, struct instance *, int64_t,
	    const struct instance_input *);
void	instance_end_episode(struct engine *, struct instance *, int64_t);
void	instance_tick(struct engine *, struct instance *, int64_t);
void	instance_reschedule(struct engine *, struct instance *);

/* kind.c */
void	kind_observe(struct engine *, struct instance *,
	    const struct series_point *, int64_t, int, int, int, double);
void	kind_stale_tick(struct engine *, struct instance *, int64_t);
void	kind_arm(struct engine *, struct instance *, int64_t, int64_t,
	    int64_t, int64_t);
int64_t	kind_max_age(const struct rule *, const struct series *);

/* series.c */
struct series	*series_new(const char *, uint64_t);
void		 series_free(struct series *);
void		 series_need(struct series *, const struct rule *);
double		 series_put(struct series *, const struct series_point *);
const struct series_point *series_change_base(const struct series *,
		    const struct rule_window *, int64_t);
int		 series_sum(const struct series *, const struct rule_window *,
		    int64_t, double *, const struct series_point **, size_t *);
int		 series_baseline(const struct series *,
		    const struct rule_window *, int64_t, int64_t, double *,
		    uint32_t *, int64_t *);
size_t		 series_bytes(const struct series *);

#endif
