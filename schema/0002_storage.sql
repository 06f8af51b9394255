-- SPDX-License-Identifier: ISC
-- 0002_storage: what the daemon collects, and how it writes it.
--
-- Creates, in schema potash:
--   feed_runs            one row per poll of a feed (status, bytes, counts, error)
--   feed_state           per-feed ETag / Last-Modified for conditional GET
--   series               one row per time series, addressed by its text key
--   observations         every value ever seen, one row per change, partitioned
--                        BY RANGE (period) into UTC years plus a DEFAULT partition
--   ensure_partitions()  creates yearly partitions, moving rows out of DEFAULT
--   observations_current view: the latest value per (series, period)
--   as_of(ts)            what was known at ts
--   store_observations() set-based store of a staged batch (pg_temp.obs_stage)
--   sanctions_events     legal acts and announcements (seeded by 0003)
-- and grants them to potash_writer / potash_reader.
--
-- Applied by the daemon's migrator in one transaction as a multi-statement
-- simple query: no BEGIN/COMMIT, no CONCURRENTLY, no psql meta-commands.

-- ---------------------------------------------------------------------------
-- Feed bookkeeping
-- ---------------------------------------------------------------------------

CREATE TABLE potash.feed_runs (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    feed                    text NOT NULL CHECK (feed <> ''),
    started_at              timestamptz NOT NULL DEFAULT now(),
    finished_at             timestamptz,
    url                     text,
    http_status             int,
    bytes                   bigint CHECK (bytes >= 0),
    observations_stored     int NOT NULL DEFAULT 0 CHECK (observations_stored >= 0),
    observations_unchanged  int NOT NULL DEFAULT 0 CHECK (observations_unchanged >= 0),
    observations_revised    int NOT NULL DEFAULT 0 CHECK (observations_revised >= 0),
    error                   text
);
CREATE INDEX feed_runs_feed_started_idx ON potash.feed_runs (feed, started_at DESC);

COMMENT ON TABLE potash.feed_runs IS
    'One row per poll of a feed: timing, HTTP outcome, size, what was stored, error';
COMMENT ON COLUMN potash.feed_runs.feed IS 'Feed name from the configuration';
COMMENT ON COLUMN potash.feed_runs.url IS 'Requested URL, secrets (API keys) redacted by the daemon';
COMMENT ON COLUMN potash.feed_runs.http_status IS 'HTTP status; NULL if no response (network error, file://)';
COMMENT ON COLUMN potash.feed_runs.bytes IS 'Size of the response body';
COMMENT ON COLUMN potash.feed_runs.observations_stored IS
    'Values stored for a (series, period) that had none before';
COMMENT ON COLUMN potash.feed_runs.observations_unchanged IS
    'Values equal to the current one: nothing written';
COMMENT ON COLUMN potash.feed_runs.observations_revised IS
    'Values that differ from the current one: a revision row was added';
COMMENT ON COLUMN potash.feed_runs.error IS 'NULL on success, else the error the daemon logged';

CREATE TABLE potash.feed_state (
    feed           text PRIMARY KEY CHECK (feed <> ''),
    etag           text,
    last_modified  text,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE potash.feed_state IS
    'Per-feed validators for conditional GET (If-None-Match / If-Modified-Since)';
COMMENT ON COLUMN potash.feed_state.etag IS 'ETag header of the last 200 response, verbatim';
COMMENT ON COLUMN potash.feed_state.last_modified IS 'Last-Modified header of the last 200 response, verbatim';

-- ---------------------------------------------------------------------------
-- Series and observations
-- ---------------------------------------------------------------------------

CREATE TABLE potash.series (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key         text NOT NULL UNIQUE CHECK (key <> ''),
    source      text NOT NULL CHECK (source <> ''),
    name        text NOT NULL,
    unit        text,
    frequency   text,
    dimensions  jsonb NOT NULL DEFAULT '{}'::jsonb
                CHECK (jsonb_typeof(dimensions) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE potash.series IS
    'One row per time series; key is the stable address used by feeds, rules and analysts';
COMMENT ON COLUMN potash.series.key IS
    'Stable text key, source first: fred/PPOTASHUSDM, comtrade/156/112/310420/M/netwgt';
COMMENT ON COLUMN potash.series.source IS 'Source kind: the part of key before the first /';
COMMENT ON COLUMN potash.series.unit IS 'Unit of every value: USD/t, t, USD, ...; NULL if unknown';
COMMENT ON COLUMN potash.series.frequency IS 'Publication frequency (D, W, M, Q, A); NULL if unknown';
COMMENT ON COLUMN potash.series.dimensions IS
    'jsonb object: product, origin, destination, incoterm, currency (and entity where relevant)';

CREATE TABLE potash.observations (
    series_id    bigint NOT NULL REFERENCES potash.series (id),
    period       timestamptz NOT NULL,
    value        numeric NOT NULL
                 CHECK (value NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)),
    known_at     timestamptz NOT NULL DEFAULT now(),
    feed_run_id  bigint REFERENCES potash.feed_runs (id),
    -- The primary key also serves "latest per (series, period)": a backward
    -- scan of (series_id, period, known_at) reads the newest revision first.
    PRIMARY KEY (series_id, period, known_at)
) PARTITION BY RANGE (period);

COMMENT ON TABLE potash.observations IS
    'Append-only history: one row per change of a value of a (series, period); never updated or deleted';
COMMENT ON COLUMN potash.observations.period IS
    'Start of the period the value is for (a monthly value of Dec 2025 has 2025-12-01 00:00 UTC)';
COMMENT ON COLUMN potash.observations.value IS
    'Exact decimal as the source printed it (numeric keeps the scale: 1.50 stays 1.50); finite';
COMMENT ON COLUMN potash.observations.known_at IS
    'When this value became known here (the storing transaction''s time)';
COMMENT ON COLUMN potash.observations.feed_run_id IS
    'The feed run that brought the value; NULL for backfills and replays without a run';

CREATE TABLE potash.observations_default PARTITION OF potash.observations DEFAULT;
COMMENT ON TABLE potash.observations_default IS
    'Observations whose year has no partition yet; potash.ensure_partitions() moves them out';

CREATE FUNCTION potash.ensure_partitions(from_year int, to_year int)
RETURNS int
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    y        int;
    part     text;
    lo       timestamptz;
    hi       timestamptz;
    moved    bigint;
    created  int := 0;
BEGIN
    IF from_year IS NULL OR to_year IS NULL OR from_year > to_year THEN
        RAISE EXCEPTION 'ensure_partitions: bad year range % .. %', from_year, to_year;
    END IF;
    IF from_year < 1 OR to_year > 9998 OR to_year - from_year > 200 THEN
        RAISE EXCEPTION 'ensure_partitions: year range % .. % out of bounds (1..9998, at most 201 years per call)',
            from_year, to_year;
    END IF;

    FOR y IN from_year .. to_year LOOP
        part := 'observations_' || y;
        CONTINUE WHEN to_regclass(format('potash.%I', part)) IS NOT NULL;

        lo := make_timestamptz(y, 1, 1, 0, 0, 0, 'UTC');
        hi := make_timestamptz(y + 1, 1, 1, 0, 0, 0, 'UTC');

        -- A partition cannot be created while DEFAULT holds rows of its
        -- range: park them in a temporary table, create, put them back.
        IF to_regclass('pg_temp.ensure_partitions_move') IS NULL THEN
            CREATE TEMP TABLE ensure_partitions_move
                (LIKE potash.observations) ON COMMIT DROP;
        END IF;
        WITH gone AS (
            DELETE FROM potash.observations_default
             WHERE period >= lo AND period < hi
            RETURNING *
        )
        INSERT INTO pg_temp.ensure_partitions_move SELECT * FROM gone;
        GET DIAGNOSTICS moved = ROW_COUNT;

        EXECUTE format(
            'CREATE TABLE potash.%I PARTITION OF potash.observations FOR VALUES FROM (%L) TO (%L)',
            part, lo, hi);
        EXECUTE format('COMMENT ON TABLE potash.%I IS %L', part,
            format('Observations with period in UTC year %s', y));

        IF moved > 0 THEN
            INSERT INTO potash.observations SELECT * FROM pg_temp.ensure_partitions_move;
            TRUNCATE pg_temp.ensure_partitions_move;
            RAISE NOTICE 'ensure_partitions: moved % row(s) from observations_default to %', moved, part;
        END IF;
        created := created + 1;
    END LOOP;
    RETURN created;
END
$$;
COMMENT ON FUNCTION potash.ensure_partitions(int, int) IS
    'Creates the missing yearly partitions potash.observations_YYYY (UTC years) for from_year..to_year, '
    'moving any rows of those years out of observations_default. Returns how many it created. '
    'Runs as the schema owner (SECURITY DEFINER), so potash_writer may call it.';

DO $$
BEGIN
    PERFORM potash.ensure_partitions(2000, 2030);
END
$$;

CREATE VIEW potash.observations_current AS
SELECT o.series_id, o.period, o.value, o.known_at
  FROM potash.observations o
 WHERE NOT EXISTS (
        SELECT 1
          FROM potash.observations n
         WHERE n.series_id = o.series_id
           AND n.period = o.period
           AND n.known_at > o.known_at);
-- Written as an anti-join rather than DISTINCT ON so that the planner can
-- flatten it into the caller: a filter on series_id then reaches the index.
COMMENT ON VIEW potash.observations_current IS
    'The current (latest known) value of every (series, period)';

CREATE FUNCTION potash.as_of(ts timestamptz)
RETURNS TABLE (series_id bigint, period timestamptz, value numeric, known_at timestamptz)
LANGUAGE sql
STABLE
AS $$
    SELECT o.series_id, o.period, o.value, o.known_at
      FROM potash.observations o
     WHERE o.known_at <= ts
       AND NOT EXISTS (
            SELECT 1
              FROM potash.observations n
             WHERE n.series_id = o.series_id
               AND n.period = o.period
               AND n.known_at > o.known_at
               AND n.known_at <= ts)
$$;
COMMENT ON FUNCTION potash.as_of(timestamptz) IS
    'The value of every (series, period) as it was known at ts (latest revision with known_at <= ts); '
    'periods first seen after ts are absent';

-- ---------------------------------------------------------------------------
-- Storing a batch
-- ---------------------------------------------------------------------------

CREATE FUNCTION potash.store_observations(run_id bigint)
RETURNS TABLE (stored int, unchanged int, revised int)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bad_key     bigint;
    bad_period  bigint;
    bad_value   bigint;
    missing     bigint;
BEGIN
    -- The caller stages the batch with
    --   CREATE TEMP TABLE obs_stage (series_key text, period timestamptz,
    --       value numeric, unit text, seq int);
    --   COPY obs_stage FROM STDIN;
    -- and calls this in the same session.  Everything below is set-based.
    SELECT count(*) FILTER (WHERE s.series_key IS NULL OR s.series_key = ''),
           count(*) FILTER (WHERE s.period IS NULL),
           count(*) FILTER (WHERE s.value IS NULL)
      INTO bad_key, bad_period, bad_value
      FROM pg_temp.obs_stage s;
    IF bad_key + bad_period + bad_value > 0 THEN
        RAISE EXCEPTION 'store_observations: staged batch has % row(s) without series_key, % without period, % without value',
            bad_key, bad_period, bad_value;
    END IF;

    -- New series: source is the key up to its first '/', the name is the
    -- key until someone names it, the unit is that of the last staged row.
    -- The unit of an existing series is never changed here.
    INSERT INTO potash.series (key, source, name, unit)
    SELECT DISTINCT ON (s.series_key)
           s.series_key, split_part(s.series_key, '/', 1), s.series_key, s.unit
      FROM pg_temp.obs_stage s
     WHERE NOT EXISTS (SELECT 1 FROM potash.series x WHERE x.key = s.series_key)
     ORDER BY s.series_key, s.seq DESC NULLS LAST
    ON CONFLICT (key) DO NOTHING;

    -- Values are compared as numbers: 1.50 and 1.5 are equal, so a source
    -- that reprints a value with another scale is "unchanged" and the text
    -- first stored is kept.  A different number adds a revision row; the
    -- old rows stay.  Within the batch the last row by seq wins.
    --
    -- known_at is the transaction time, but never earlier than just after
    -- the current revision: a second call in the same transaction (or a
    -- clock that stepped back) still yields a newer, unique known_at.
    WITH stage AS (
        SELECT DISTINCT ON (s.series_key, s.period)
               s.series_key, s.period, s.value
          FROM pg_temp.obs_stage s
         ORDER BY s.series_key, s.period, s.seq DESC NULLS LAST
    ), cmp AS (
        SELECT x.id AS series_id, st.period, st.value,
               cur.value AS cur_value, cur.known_at AS cur_known_at
          FROM stage st
          LEFT JOIN potash.series x ON x.key = st.series_key
          LEFT JOIN LATERAL (
                SELECT o.value, o.known_at
                  FROM potash.observations o
                 WHERE o.series_id = x.id
                   AND o.period = st.period
                 ORDER BY o.known_at DESC
                 LIMIT 1) cur ON TRUE
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

    -- Only possible if a concurrent transaction inserted the series and
    -- our snapshot cannot see it (REPEATABLE READ): fail loudly rather than
    -- drop values.
    IF missing > 0 THEN
        RAISE EXCEPTION 'store_observations: % staged value(s) have no visible series row', missing
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION potash.store_observations(bigint) IS
    'Stores the batch staged in the session''s pg_temp.obs_stage(series_key, period, value, unit, seq): '
    'creates missing series, appends new and changed values with feed_run_id = run_id (may be NULL). '
    'Duplicates of a (series_key, period) in the stage: the highest seq wins. Numerically equal values '
    '(1.5 vs 1.50) count as unchanged. Returns stored (new periods), unchanged, revised; the three add up '
    'to the number of distinct (series_key, period) staged. Does not touch feed_runs.';

-- ---------------------------------------------------------------------------
-- Sanctions events
-- ---------------------------------------------------------------------------

CREATE TABLE potash.sanctions_events (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    announced_on     date NOT NULL,
    effective_on     date,
    wind_down_until  date,
    jurisdiction     text NOT NULL CHECK (jurisdiction <> ''),
    action           text NOT NULL CHECK (action <> ''),
    instrument       text NOT NULL CHECK (instrument <> ''),
    entities         text[] NOT NULL DEFAULT '{}',
    direction        smallint NOT NULL CHECK (direction IN (-1, 1)),
    summary          text,
    source_url       text,
    verification     text NOT NULL CHECK (verification <> ''),
    origin           text NOT NULL CHECK (origin <> ''),
    detected_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sanctions_events_once UNIQUE (jurisdiction, instrument, announced_on)
);
CREATE INDEX sanctions_events_date_idx
    ON potash.sanctions_events ((COALESCE(effective_on, announced_on)));

COMMENT ON TABLE potash.sanctions_events IS
    'Sanctions acts and announcements touching Belarusian potash; one row per (jurisdiction, instrument, announced_on)';
COMMENT ON COLUMN potash.sanctions_events.effective_on IS 'Date the measure takes effect; NULL if not known or not applicable';
COMMENT ON COLUMN potash.sanctions_events.wind_down_until IS 'End of a wind-down period, if any';
COMMENT ON COLUMN potash.sanctions_events.jurisdiction IS 'US, EU, UK, LT, ...';
COMMENT ON COLUMN potash.sanctions_events.action IS
    'What happened: sectoral_ban, sdn_designation, general_license, delisting, announcement, ...';
COMMENT ON COLUMN potash.sanctions_events.instrument IS 'The legal instrument: EO 14038, Reg (EU) 2022/355, OFAC Belarus GL 13, ...';
COMMENT ON COLUMN potash.sanctions_events.entities IS 'Entities or goods concerned, one per element';
COMMENT ON COLUMN potash.sanctions_events.direction IS '+1 tightens, -1 eases';
COMMENT ON COLUMN potash.sanctions_events.source_url IS 'A URL, or a citation where only the outlet and date are known';
COMMENT ON COLUMN potash.sanctions_events.verification IS
    'VERIFIED-P (primary text checked), VERIFIED-S (secondary sources only) or a mix; show it to users';
COMMENT ON COLUMN potash.sanctions_events.origin IS '''seed'' (migration 0003) or the name of the feed that detected the event';

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------

-- The writer appends to observations: no UPDATE, no DELETE there.
GRANT SELECT, INSERT, UPDATE ON
    potash.series, potash.feed_runs, potash.feed_state, potash.sanctions_events
    TO potash_writer;
GRANT SELECT, INSERT ON potash.observations TO potash_writer;
GRANT SELECT ON potash.observations_current TO potash_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA potash TO potash_writer;

GRANT SELECT ON
    potash.series, potash.observations, potash.observations_current,
    potash.feed_runs, potash.sanctions_events
    TO potash_reader;

REVOKE EXECUTE ON FUNCTION
    potash.ensure_partitions(int, int),
    potash.as_of(timestamptz),
    potash.store_observations(bigint)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION potash.ensure_partitions(int, int) TO potash_writer;
GRANT EXECUTE ON FUNCTION potash.store_observations(bigint) TO potash_writer;
GRANT EXECUTE ON FUNCTION potash.as_of(timestamptz) TO potash_writer, potash_reader;
