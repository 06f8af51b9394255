-- SPDX-License-Identifier: ISC
-- 0004_analyst_views: the SQL surface for analysts and dashboards (SQL.md).
--
-- Creates, in schema potash:
--   latest          view: one row per series with its latest period and value
--   monthly         view: calendar-month (UTC) avg/min/max/last/n per series
--   yoy             view: year-on-year change of the month's last value
--   event_window()  event study: values around a sanctions event vs baselines
--   events_for()    sanctions events naming an entity (case-insensitive)
--   event_series    view: which series each sanctions event touches
-- and grants them to potash_reader (and potash_writer, whose rules read them).
--
-- Everything reads current values (potash.observations_current), never
-- superseded revisions; potash.as_of() is the way to look back in time.
-- Calendar arithmetic is done in UTC, so results do not depend on the
-- session's TimeZone.  Derived ratios and means go through trim_scale():
-- no trailing zeros, no rounding.

CREATE VIEW potash.latest AS
SELECT s.id AS series_id,
       s.key,
       s.name,
       s.unit,
       c.value,
       c.period,
       c.known_at,
       now() - c.period AS age
  FROM potash.series s
  LEFT JOIN LATERAL (
        SELECT oc.period, oc.value, oc.known_at
          FROM potash.observations_current oc
         WHERE oc.series_id = s.id
         ORDER BY oc.period DESC
         LIMIT 1) c ON TRUE;
COMMENT ON VIEW potash.latest IS
    'One row per series: the current value of its latest period, when it became known, '
    'and age = now() - period. Series without observations have NULLs.';

CREATE VIEW potash.monthly AS
SELECT s.id AS series_id,
       s.key,
       s.unit,
       date_trunc('month', c.period AT TIME ZONE 'UTC')::date AS month,
       trim_scale(avg(c.value)) AS avg,
       min(c.value) AS min,
       max(c.value) AS max,
       (array_agg(c.value ORDER BY c.period DESC))[1] AS last,
       count(*) AS n
  FROM potash.observations_current c
  JOIN potash.series s ON s.id = c.series_id
 GROUP BY s.id, s.key, s.unit, date_trunc('month', c.period AT TIME ZONE 'UTC');
COMMENT ON VIEW potash.monthly IS
    'Per series and calendar month (UTC; month = first day): avg, min, max, last (value of the '
    'latest period in the month) and n (number of periods) of the current values';

CREATE VIEW potash.yoy AS
SELECT w.series_id,
       w.key,
       w.unit,
       w.month,
       w.value,
       w.value_year_ago,
       w.value - w.value_year_ago AS abs_change,
       trim_scale(100 * (w.value - w.value_year_ago) / NULLIF(w.value_year_ago, 0)) AS pct_change
  FROM (SELECT m.series_id, m.key, m.unit, m.month, m.last AS value,
               first_value(m.last) OVER (
                   PARTITION BY m.series_id, m.key, m.unit
                   ORDER BY m.month
                   RANGE BETWEEN INTERVAL '1 year' PRECEDING
                             AND INTERVAL '1 year' PRECEDING) AS value_year_ago
          FROM potash.monthly m) w;
COMMENT ON VIEW potash.yoy IS
    'Year-on-year change per series and month, on the month''s last value (potash.monthly.last): '
    'value, value_year_ago (same month a year earlier, NULL if absent), abs_change, pct_change (percent)';

CREATE FUNCTION potash.event_window(series_key text, event_id bigint,
    before interval DEFAULT INTERVAL '6 months',
    after interval DEFAULT INTERVAL '6 months')
RETURNS TABLE (period timestamptz, value numeric,
    baseline_mean numeric, baseline_last numeric,
    change_vs_mean numeric, pct_vs_mean numeric,
    change_vs_last numeric, pct_vs_last numeric,
    days_from_event int)
LANGUAGE plpgsql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    sid     bigint;
    ev_day  date;
    ev_at   timestamptz;
    lo      timestamptz;
    hi      timestamptz;
    b_mean  numeric;
    b_last  numeric;
BEGIN
    IF before IS NULL OR after IS NULL
       OR before < INTERVAL '0' OR after < INTERVAL '0' THEN
        RAISE EXCEPTION 'event_window: before and after must be non-negative intervals';
    END IF;

    SELECT s.id INTO sid FROM potash.series s WHERE s.key = event_window.series_key;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'event_window: no series with key %', event_window.series_key
            USING ERRCODE = 'no_data_found';
    END IF;
    SELECT COALESCE(e.effective_on, e.announced_on) INTO ev_day
      FROM potash.sanctions_events e WHERE e.id = event_window.event_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'event_window: no sanctions event with id %', event_window.event_id
            USING ERRCODE = 'no_data_found';
    END IF;

    -- The event is at 00:00 UTC of its day; the window bounds are computed
    -- on timestamp (not timestamptz) so that '3 months' means calendar
    -- months in UTC whatever the session's TimeZone.
    ev_at := ev_day::timestamp AT TIME ZONE 'UTC';
    lo := (ev_day::timestamp - before) AT TIME ZONE 'UTC';
    hi := (ev_day::timestamp + after) AT TIME ZONE 'UTC';

    SELECT trim_scale(avg(c.value)) INTO b_mean
      FROM potash.observations_current c
     WHERE c.series_id = sid AND c.period >= lo AND c.period < ev_at;
    SELECT c.value INTO b_last
      FROM potash.observations_current c
     WHERE c.series_id = sid AND c.period < ev_at
     ORDER BY c.period DESC
     LIMIT 1;

    RETURN QUERY
    SELECT c.period,
           c.value,
           b_mean,
           b_last,
           c.value - b_mean,
           trim_scale(100 * (c.value - b_mean) / NULLIF(b_mean, 0)),
           c.value - b_last,
           trim_scale(100 * (c.value - b_last) / NULLIF(b_last, 0)),
           (c.period AT TIME ZONE 'UTC')::date - ev_day
      FROM potash.observations_current c
     WHERE c.series_id = sid AND c.period >= lo AND c.period <= hi
     ORDER BY c.period;
END
$$;
COMMENT ON FUNCTION potash.event_window(text, bigint, interval, interval) IS
    'Event study. Event date = COALESCE(effective_on, announced_on) at 00:00 UTC. Returns every current '
    'observation of the series with period in [event - before, event + after], with baseline_mean = mean '
    'of the values with period in [event - before, event), baseline_last = the last value with period '
    'before the event (not limited to the window), their differences and percent changes (NULL when the '
    'baseline is NULL or 0) and days_from_event = period''s UTC date - event date. A period is compared '
    'by its start: the monthly value of the event''s own month counts as before a mid-month event. '
    'Unknown series key or event id raise no_data_found.';

CREATE FUNCTION potash.events_for(entity text)
RETURNS SETOF potash.sanctions_events
LANGUAGE sql
STABLE
AS $$
    SELECT e.*
      FROM potash.sanctions_events e
     WHERE EXISTS (
            SELECT 1
              FROM unnest(e.entities) AS x (name)
             WHERE strpos(lower(x.name), lower(events_for.entity)) > 0)
     ORDER BY COALESCE(e.effective_on, e.announced_on), e.id
$$;
COMMENT ON FUNCTION potash.events_for(text) IS
    'Sanctions events with an entity that contains the given text, case-insensitively '
    '(events_for(''belaruskali'') finds ''OJSC Belaruskali''), oldest first';

CREATE VIEW potash.event_series AS
SELECT e.id AS event_id,
       COALESCE(e.effective_on, e.announced_on) AS event_date,
       e.jurisdiction,
       e.action,
       e.instrument,
       e.direction,
       e.verification,
       s.id AS series_id,
       s.key,
       s.name,
       s.unit,
       m.by_origin,
       m.by_entity
  FROM potash.sanctions_events e
 CROSS JOIN potash.series s
 CROSS JOIN LATERAL (
        SELECT COALESCE(upper(s.dimensions ->> 'origin') IN ('BY', 'BLR', '112'), FALSE)
                   AS by_origin,
               COALESCE(length(btrim(s.dimensions ->> 'entity')) >= 3
                   AND EXISTS (
                        SELECT 1
                          FROM unnest(e.entities) AS x (name)
                         WHERE strpos(lower(x.name), lower(btrim(s.dimensions ->> 'entity'))) > 0
                            OR strpos(lower(btrim(s.dimensions ->> 'entity')), lower(x.name)) > 0),
                   FALSE) AS by_entity) m
 WHERE m.by_origin OR m.by_entity;
COMMENT ON VIEW potash.event_series IS
    'Pairs of (sanctions event, series) the event touches. by_origin: the series'' dimensions->>''origin'' '
    'is a Belarus code (BY, BLR or 112, case-insensitive); such a series is paired with every event. '
    'by_entity: dimensions->>''entity'' (at least 3 characters, trimmed) and one of the event''s entities '
    'contain one another, case-insensitively.';

REVOKE EXECUTE ON FUNCTION
    potash.event_window(text, bigint, interval, interval),
    potash.events_for(text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    potash.event_window(text, bigint, interval, interval),
    potash.events_for(text)
    TO potash_reader, potash_writer;
GRANT SELECT ON potash.latest, potash.monthly, potash.yoy, potash.event_series
    TO potash_reader, potash_writer;
