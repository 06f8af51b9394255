-- SPDX-License-Identifier: ISC
-- 0010_known_at: a staged value may say when it became known.
--
-- Why: an analyst loading an archive of past vintages, and the alert
-- backtest that replays values as they were known at each time, need the
-- real publication time, not the time of the import.  The writer's stage
-- gains a nullable column, pg_temp.obs_stage.known_at (potashctl import
-- fills it from the "known_at" of each line; collectors never do), and
-- store_observations() uses it:
--
--   known_at = LEAST(staged known_at, now())   when one is staged
--            = now()                           when none is
--   and in every case strictly after the current revision's known_at
--   (GREATEST(..., current known_at + 1 microsecond)), so history stays
--   append-only and ordered: a revision staged with an older known_at
--   than the current one is known just after it, and a known_at in the
--   future is clamped to now().
--
-- "Unchanged" (nothing written) is as before -- the value equals the
-- current one, whatever its known_at -- and also a value staged with a
-- known_at at which exactly that value is already stored: that vintage
-- was imported before.  So re-importing an archive of several vintages
-- of a period writes nothing, where comparing the older vintages with
-- the current value alone would append them again, as the newest.
--
-- Counts and errors are as in 0008.  A caller that stages only the five
-- columns of 0002 still works: its rows are known now.  The body is
-- 0008's, changed only where known_at is read, chosen and compared; 0008
-- stays as applied (migrations are forward-only).

CREATE OR REPLACE FUNCTION potash.store_observations(run_id bigint)
RETURNS TABLE (stored int, unchanged int, revised int)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bad_key       bigint;
    bad_period    bigint;
    bad_value     bigint;
    missing       bigint;
    ids           bigint[];
    pmin          timestamptz;
    pmax          timestamptz;
    staged_known  text;
BEGIN
    SELECT count(*) FILTER (WHERE s.series_key IS NULL OR s.series_key = ''),
           count(*) FILTER (WHERE s.period IS NULL),
           count(*) FILTER (WHERE s.value IS NULL),
           min(s.period), max(s.period)
      INTO bad_key, bad_period, bad_value, pmin, pmax
      FROM pg_temp.obs_stage s;
    IF bad_key + bad_period + bad_value > 0 THEN
        RAISE EXCEPTION 'store_observations: staged batch has % row(s) without series_key, % without period, % without value',
            bad_key, bad_period, bad_value;
    END IF;

    INSERT INTO potash.series (key, source, name, unit)
    SELECT DISTINCT ON (s.series_key)
           s.series_key, split_part(s.series_key, '/', 1), s.series_key, s.unit
      FROM pg_temp.obs_stage s
     WHERE NOT EXISTS (SELECT 1 FROM potash.series x WHERE x.key = s.series_key)
     ORDER BY s.series_key, s.seq DESC NULLS LAST
    ON CONFLICT (key) DO NOTHING;

    SELECT array_agg(x.id)
      INTO ids
      FROM potash.series x
     WHERE x.key IN (SELECT DISTINCT s.series_key FROM pg_temp.obs_stage s);

    -- A stage created before this migration (or by a caller that stages
    -- the five columns of 0002) has no known_at column, and a column can
    -- only be named where it exists: hence EXECUTE, with NULL (now) for
    -- such a stage.
    staged_known := CASE WHEN EXISTS (
            SELECT 1
              FROM pg_attribute a
             WHERE a.attrelid = 'pg_temp.obs_stage'::regclass
               AND a.attname = 'known_at'
               AND NOT a.attisdropped)
        THEN 's.known_at' ELSE 'NULL::timestamptz' END;

    -- Values are compared as numbers (1.50 = 1.5: unchanged); a different
    -- number adds a revision unless that vintage is already stored (seen);
    -- the last staged row by seq wins, with its known_at.  known_at: the
    -- staged one but never in the future, else the transaction time;
    -- always after the current revision.  LEAST and GREATEST skip NULLs:
    -- no staged known_at gives now(), no current revision leaves the
    -- first argument.
    EXECUTE format($q$
    WITH stage AS (
        SELECT DISTINCT ON (s.series_key, s.period)
               s.series_key, s.period, s.value, %s AS known_at
          FROM pg_temp.obs_stage s
         ORDER BY s.series_key, s.period, s.seq DESC NULLS LAST
    ), cur AS (
        SELECT DISTINCT ON (o.series_id, o.period)
               o.series_id, o.period, o.value, o.known_at
          FROM potash.observations o
         WHERE o.series_id = ANY ($2)
           AND o.period BETWEEN $3 AND $4
         ORDER BY o.series_id, o.period, o.known_at DESC
    ), cmp AS (
        SELECT x.id AS series_id, st.period, st.value, st.known_at,
               c.value AS cur_value, c.known_at AS cur_known_at,
               CASE WHEN st.known_at IS NULL THEN false
                    ELSE EXISTS (
                        SELECT 1
                          FROM potash.observations v
                         WHERE v.series_id = x.id
                           AND v.period = st.period
                           AND v.known_at = st.known_at
                           AND v.value = st.value)
               END AS seen
          FROM stage st
          LEFT JOIN potash.series x ON x.key = st.series_key
          LEFT JOIN cur c ON c.series_id = x.id AND c.period = st.period
    ), ins AS (
        INSERT INTO potash.observations (series_id, period, value, known_at, feed_run_id)
        SELECT c.series_id, c.period, c.value,
               GREATEST(LEAST(c.known_at, now()),
                        c.cur_known_at + INTERVAL '1 microsecond'),
               $1
          FROM cmp c
         WHERE c.series_id IS NOT NULL
           AND (c.cur_value IS NULL OR (c.cur_value <> c.value AND NOT c.seen))
        RETURNING 1
    )
    SELECT count(*) FILTER (WHERE c.series_id IS NOT NULL AND c.cur_value IS NULL),
           count(*) FILTER (WHERE c.cur_value = c.value OR c.seen),
           count(*) FILTER (WHERE c.cur_value <> c.value AND NOT c.seen),
           count(*) FILTER (WHERE c.series_id IS NULL)
      FROM cmp c
    $q$, staged_known)
      INTO stored, unchanged, revised, missing
      USING run_id, ids, pmin, pmax;

    IF missing > 0 THEN
        RAISE EXCEPTION 'store_observations: % staged value(s) have no visible series row', missing
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION potash.store_observations(bigint) IS
    'Stores the batch staged in the session''s pg_temp.obs_stage(series_key, period, value, unit, seq '
    '[, known_at]): creates missing series, appends new and changed values with feed_run_id = run_id '
    '(may be NULL). Duplicates of a (series_key, period) in the stage: the highest seq wins. Numerically '
    'equal values (1.5 vs 1.50) count as unchanged and write nothing, as does a value staged with a '
    'known_at at which the same value is already stored. known_at of an appended row: the '
    'staged known_at, clamped to now(), or now() if none is staged; always at least 1 microsecond after '
    'the current revision''s known_at. Returns stored (new periods), unchanged, revised; the three add up '
    'to the number of distinct (series_key, period) staged. Does not touch feed_runs.';
COMMENT ON COLUMN potash.observations.known_at IS
    'When this value became known: the storing transaction''s time, or for imports of past vintages the '
    'publication time given (never in the future); always after the previous revision''s known_at';
