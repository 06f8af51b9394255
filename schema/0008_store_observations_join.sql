-- SPDX-License-Identifier: ISC
-- 0008_store_observations_join: store_observations() finds the current
-- values of a batch with one scan per partition instead of one lookup per
-- staged row.
--
-- Why: the lookup per row (a LATERAL subquery over the partitioned
-- observations table) revisits every partition for every row, which made
-- the comparison the writer's largest cost after the foreign keys
-- (bench/README.md).  Now the batch's series ids and period range bound
-- one index scan of observations, whose newest revision per (series,
-- period) is then hash-joined to the stage.  Results are unchanged:
-- counts, known_at rules and errors are as in 0002.

CREATE OR REPLACE FUNCTION potash.store_observations(run_id bigint)
RETURNS TABLE (stored int, unchanged int, revised int)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bad_key     bigint;
    bad_period  bigint;
    bad_value   bigint;
    missing     bigint;
    ids         bigint[];
    pmin        timestamptz;
    pmax        timestamptz;
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

    -- Values are compared as numbers (1.50 = 1.5: unchanged); a different
    -- number adds a revision; the last staged row by seq wins; known_at
    -- is the transaction time but always after the current revision.
    WITH stage AS (
        SELECT DISTINCT ON (s.series_key, s.period)
               s.series_key, s.period, s.value
          FROM pg_temp.obs_stage s
         ORDER BY s.series_key, s.period, s.seq DESC NULLS LAST
    ), cur AS (
        SELECT DISTINCT ON (o.series_id, o.period)
               o.series_id, o.period, o.value, o.known_at
          FROM potash.observations o
         WHERE o.series_id = ANY (ids)
           AND o.period BETWEEN pmin AND pmax
         ORDER BY o.series_id, o.period, o.known_at DESC
    ), cmp AS (
        SELECT x.id AS series_id, st.period, st.value,
               c.value AS cur_value, c.known_at AS cur_known_at
          FROM stage st
          LEFT JOIN potash.series x ON x.key = st.series_key
          LEFT JOIN cur c ON c.series_id = x.id AND c.period = st.period
    ), ins AS (
        INSERT INTO potash.observations (series_id, period, value, known_at, feed_run_id)
        SELECT c.series_id, c.period, c.value,
               CASE WHEN c.cur_known_at IS NULL THEN now()
                    ELSE GREATEST(now(), c.cur_known_at + INTERVAL '1 microsecond')
               END,
               run_id
          FROM cmp c
         WHERE c.series_id IS NOT NULL
           AND (c.cur_value IS NULL OR c.cur_value <> c.value)
        RETURNING 1
    )
    SELECT count(*) FILTER (WHERE c.series_id IS NOT NULL AND c.cur_value IS NULL),
           count(*) FILTER (WHERE c.cur_value = c.value),
           count(*) FILTER (WHERE c.cur_value <> c.value),
           count(*) FILTER (WHERE c.series_id IS NULL)
      INTO stored, unchanged, revised, missing
      FROM cmp c;

    IF missing > 0 THEN
        RAISE EXCEPTION 'store_observations: % staged value(s) have no visible series row', missing
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN NEXT;
END
$$;
