-- SPDX-License-Identifier: ISC
-- 0013_store_batches: one set-based call stores all the batches of the
-- writer's transaction.
--
-- Why: with store_batch() (0006) every batch was its own COPY and call,
-- each call about 1.5 ms of backend CPU whatever its size (the comparison
-- re-planned through EXECUTE, the series descriptions rewritten, the
-- stage truncated), so a daemon polling many small feeds could not keep
-- up (bench/README.md, bench/poll).  Now the writer stages the rows of
-- every batch of a transaction with one COPY into
--
--   pg_temp.writer_stage (b int NOT NULL, series_id bigint, series_key text,
--       period timestamptz NOT NULL, value numeric NOT NULL, unit text,
--       seq int, known_at timestamptz)  -- ON COMMIT DELETE ROWS
--
-- where b is the batch's place in the transaction (1, 2, ...) and each row
-- names its series either by id (series_id, from the writer's cache of
-- ids this database gave it) or by key (series_key); and calls
--
--   potash.store_batches(p_batches jsonb, p_series jsonb, p_epoch bigint)
--
-- once, in the same transaction:
--   p_batches  array, in arrival order, of {id, feed, url, status, bytes,
--              started, finished, error, events, etag, last_modified}: what
--              store_batch() took as parameters; element n is batch b = n
--   p_series   array of {key, name, unit, frequency, dimensions}: series
--              descriptions (as in 0006; the last one of a key wins); a
--              series whose description is unchanged is not rewritten
--   p_epoch    the value of potash.series_epoch when the writer learned
--              the ids it staged (NULL if it staged none).  Deleting,
--              truncating or re-keying series advances the sequence (a
--              trigger below); if it moved, nothing is stored and the call
--              fails with SQLSTATE PW001 so that the writer forgets its
--              cache and stages keys again.  One comparison per call
--              instead of a lookup per cached id; a change made while the
--              call runs is not seen (as with any check without locks).
--
-- Each batch is stored exactly once by its id, as with store_batch(): a
-- batch id already in feed_runs stores nothing and reports the counts it
-- stored then (duplicate).  The others get their feed_runs row (ids in
-- arrival order) with their counts, and their values are compared and
-- appended as if the batches had been stored one after the other:
-- within a batch the last staged row of a (series, period) by seq wins;
-- across batches each value is compared with the one before it (the
-- current value for the first), so a value repeated by later batches is
-- unchanged and a change adds one revision, known after the one before it.
-- known_at rules are 0010's.  One difference from calling store_batch()
-- batch by batch, for imports only: a staged known_at is checked against
-- the history as it was before the transaction ("that vintage is already
-- stored"), not against rows an earlier batch of the same transaction
-- wrote.
--
-- Returns one row per batch (batch = b; series_key and series_id NULL),
-- then one row per series staged by key or described (batch NULL): the
-- ids the writer may cache; epoch on every row is the series_epoch that
-- they are valid for.  One call per transaction: the stage empties
-- at commit, not here.
--
-- The writer's rows go to observations ordered by period, so that rows of
-- one yearly partition arrive together.

CREATE SEQUENCE potash.series_epoch;
-- Called once, so that the first change moves last_value (1 -> 2).
SELECT nextval('potash.series_epoch');
COMMENT ON SEQUENCE potash.series_epoch IS
    'Advanced whenever series rows are deleted or change key: writers that cache series ids compare it';

CREATE FUNCTION potash.series_epoch_advance()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM nextval('potash.series_epoch');
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION potash.series_epoch_advance() IS
    'Trigger: advances potash.series_epoch (runs as the schema owner, so whoever may change series may fire it)';
REVOKE ALL ON FUNCTION potash.series_epoch_advance() FROM PUBLIC;

CREATE TRIGGER series_epoch_delete AFTER DELETE ON potash.series
    FOR EACH STATEMENT EXECUTE FUNCTION potash.series_epoch_advance();
CREATE TRIGGER series_epoch_key AFTER UPDATE OF key ON potash.series
    FOR EACH STATEMENT EXECUTE FUNCTION potash.series_epoch_advance();
CREATE TRIGGER series_epoch_truncate AFTER TRUNCATE ON potash.series
    FOR EACH STATEMENT EXECUTE FUNCTION potash.series_epoch_advance();
GRANT SELECT ON SEQUENCE potash.series_epoch TO potash_writer;

CREATE FUNCTION potash.store_batches(p_batches jsonb, p_series jsonb, p_epoch bigint)
RETURNS TABLE (batch int, feed_run_id bigint, stored int, unchanged int,
               revised int, duplicate boolean, events_new int,
               series_key text, series_id bigint, epoch bigint)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    dups       int[];
    cur_epoch  bigint;
    missing    bigint;
    ids        bigint[];
    pmin       timestamptz;
    pmax       timestamptz;
    y0         int;
    y1         int;
    r_b        int[];
    r_id       bigint[];
    r_stored   int[];
    r_unch     int[];
    r_rev      int[];
    ev_b       int[];
    ev_n       int[];
    ev         record;
    n          int;
BEGIN
    -- Ids from the writer's cache must still name the series they named:
    -- no series was deleted or re-keyed since it learned them.
    SELECT e.last_value INTO cur_epoch FROM potash.series_epoch e;
    IF p_epoch IS NOT NULL AND p_epoch <> cur_epoch THEN
        RAISE EXCEPTION 'store_batches: series were deleted or re-keyed since the writer cached their ids (epoch % -> %)',
            p_epoch, cur_epoch
            USING ERRCODE = 'PW001';
    END IF;

    -- Batches stored before (a replay after a crash or a lost COMMIT
    -- reply) store nothing now.
    SELECT COALESCE(array_agg(e.ord::int), '{}')
      INTO dups
      FROM jsonb_array_elements(p_batches) WITH ORDINALITY AS e(doc, ord)
      JOIN potash.feed_runs r ON r.batch_id = e.doc->>'id';

    -- Series descriptions first, so that a new series gets its own
    -- (name, frequency and dimensions refreshed; a unit, once known, is
    -- kept); unchanged rows are left alone.
    INSERT INTO potash.series AS x (key, source, name, unit, frequency, dimensions)
    SELECT DISTINCT ON (d.key)
           d.key, split_part(d.key, '/', 1), COALESCE(d.name, d.key), d.unit,
           d.frequency, COALESCE(d.dimensions, '{}'::jsonb)
      FROM jsonb_array_elements(COALESCE(p_series, '[]'::jsonb)) WITH ORDINALITY AS e(doc, ord),
           jsonb_to_record(e.doc)
               AS d(key text, name text, unit text, frequency text, dimensions jsonb)
     WHERE d.key IS NOT NULL AND d.key <> ''
     ORDER BY d.key, e.ord DESC
    ON CONFLICT (key) DO UPDATE
       SET name = EXCLUDED.name,
           unit = COALESCE(x.unit, EXCLUDED.unit),
           frequency = COALESCE(EXCLUDED.frequency, x.frequency),
           dimensions = CASE WHEN EXCLUDED.dimensions = '{}'::jsonb
                             THEN x.dimensions ELSE EXCLUDED.dimensions END
     WHERE (x.name, x.unit, x.frequency, x.dimensions) IS DISTINCT FROM
           (EXCLUDED.name, COALESCE(x.unit, EXCLUDED.unit),
            COALESCE(EXCLUDED.frequency, x.frequency),
            CASE WHEN EXCLUDED.dimensions = '{}'::jsonb
                 THEN x.dimensions ELSE EXCLUDED.dimensions END);

    -- Rows staged by key: new series (source is the key up to its first
    -- '/', the name the key, the unit that of the last staged row), then
    -- every such row gets its id.  Nothing to do when the writer knew
    -- every id.
    INSERT INTO potash.series (key, source, name, unit)
    SELECT DISTINCT ON (s.series_key)
           s.series_key, split_part(s.series_key, '/', 1), s.series_key, s.unit
      FROM pg_temp.writer_stage s
     WHERE s.series_id IS NULL
       AND s.b <> ALL (dups)
       AND NOT EXISTS (SELECT 1 FROM potash.series x WHERE x.key = s.series_key)
     ORDER BY s.series_key, s.b DESC, s.seq DESC NULLS LAST
    ON CONFLICT (key) DO NOTHING;
    UPDATE pg_temp.writer_stage s
       SET series_id = x.id
      FROM potash.series x
     WHERE s.series_id IS NULL
       AND x.key = s.series_key;

    SELECT array_agg(DISTINCT s.series_id), min(s.period), max(s.period),
           count(*) FILTER (WHERE s.series_id IS NULL)
      INTO ids, pmin, pmax, missing
      FROM pg_temp.writer_stage s
     WHERE s.b <> ALL (dups);
    -- Only possible if a concurrent transaction inserted the series and
    -- our snapshot cannot see it: fail loudly rather than drop values.
    IF missing > 0 THEN
        RAISE EXCEPTION 'store_batches: % staged value(s) have no visible series row', missing
            USING ERRCODE = 'serialization_failure';
    END IF;

    -- Every staged year gets its own partition before the rows arrive.
    y0 := extract(year FROM pmin AT TIME ZONE 'UTC')::int;
    y1 := extract(year FROM pmax AT TIME ZONE 'UTC')::int;
    WHILE y0 IS NOT NULL AND y0 <= y1 LOOP
        PERFORM potash.ensure_partitions(y0, LEAST(y0 + 200, y1));
        y0 := y0 + 201;
    END LOOP;

    -- The comparison, the feed runs with their counts and the new rows in
    -- one statement.  one: a row per (series, period, batch), the last by
    -- seq.  chain: the rows not already stored as that vintage, each with
    -- the value before it (the previous batch's, or the current one).
    -- wr: the rows that change the value, numbered in their chain; known_at
    -- of the k-th is the greatest of (its own known_at, clamped to now()
    -- and after the current revision) minus k microseconds over the chain
    -- so far, plus k microseconds: after the one before it, and never
    -- earlier than it has to be.  ins is read by nothing: PostgreSQL runs
    -- every data-modifying WITH to completion all the same.
    WITH bt AS (
        SELECT e.ord::int AS b, d.*
          FROM jsonb_array_elements(p_batches) WITH ORDINALITY AS e(doc, ord),
               jsonb_to_record(e.doc)
                   AS d(id text, feed text, url text, status int, bytes bigint,
                        started timestamptz, finished timestamptz, error text)
         WHERE e.ord::int <> ALL (dups)
    ), one AS (
        SELECT DISTINCT ON (s.series_id, s.period, s.b)
               s.series_id AS sid, s.period, s.b, s.value, s.known_at
          FROM pg_temp.writer_stage s
         WHERE s.b <> ALL (dups)
         ORDER BY s.series_id, s.period, s.b, s.seq DESC NULLS LAST
    ), cur AS (
        SELECT DISTINCT ON (o.series_id, o.period)
               o.series_id, o.period, o.value, o.known_at
          FROM potash.observations o
         WHERE o.series_id = ANY (ids)
           AND o.period BETWEEN pmin AND pmax
         ORDER BY o.series_id, o.period, o.known_at DESC
    ), chk AS MATERIALIZED (
        SELECT one.sid, one.period, one.b, one.value, one.known_at,
               c.value AS cur_value, c.known_at AS cur_known_at,
               one.known_at IS NOT NULL AND EXISTS (
                    SELECT 1
                      FROM potash.observations v
                     WHERE v.series_id = one.sid
                       AND v.period = one.period
                       AND v.known_at = one.known_at
                       AND v.value = one.value) AS seen
          FROM one
          LEFT JOIN cur c ON c.series_id = one.sid AND c.period = one.period
    ), chain AS MATERIALIZED (
        SELECT h.sid, h.period, h.b, h.value, h.known_at, h.cur_known_at,
               COALESCE(lag(h.value) OVER w, h.cur_value) AS prev
          FROM chk h
         WHERE NOT h.seen
        WINDOW w AS (PARTITION BY h.sid, h.period ORDER BY h.b)
    ), cnt AS (
        SELECT x.b,
               count(*) FILTER (WHERE NOT x.seen AND x.prev IS NULL)::int AS stored,
               count(*) FILTER (WHERE x.seen OR x.prev = x.value)::int AS unchanged,
               count(*) FILTER (WHERE NOT x.seen AND x.prev <> x.value)::int AS revised
          FROM (SELECT h.b, true AS seen, NULL::numeric AS prev, NULL::numeric AS value
                  FROM chk h WHERE h.seen
                UNION ALL
                SELECT ch.b, false, ch.prev, ch.value FROM chain ch) x
         GROUP BY x.b
    ), runs AS (
        INSERT INTO potash.feed_runs AS r
               (batch_id, feed, url, http_status, bytes, started_at, finished_at,
                error, observations_stored, observations_unchanged,
                observations_revised)
        SELECT bt.id, bt.feed, bt.url, bt.status, bt.bytes,
               COALESCE(bt.started, now()), bt.finished, bt.error,
               COALESCE(c.stored, 0), COALESCE(c.unchanged, 0),
               COALESCE(c.revised, 0)
          FROM bt
          LEFT JOIN cnt c ON c.b = bt.b
         ORDER BY bt.b
        RETURNING r.id, r.batch_id, r.observations_stored,
                  r.observations_unchanged, r.observations_revised
    ), rb AS (
        SELECT bt.b, runs.id, runs.observations_stored AS stored,
               runs.observations_unchanged AS unchanged,
               runs.observations_revised AS revised
          FROM runs
          JOIN bt ON bt.id = runs.batch_id
    ), wr AS (
        SELECT ch.sid, ch.period, ch.b, ch.value,
               GREATEST(LEAST(ch.known_at, now()),
                        ch.cur_known_at + INTERVAL '1 microsecond')
                 - INTERVAL '1 microsecond' * (row_number() OVER w - 1) AS base,
               row_number() OVER w - 1 AS k
          FROM chain ch
         WHERE ch.prev IS NULL OR ch.prev <> ch.value
        WINDOW w AS (PARTITION BY ch.sid, ch.period ORDER BY ch.b)
    ), ins AS (
        INSERT INTO potash.observations (series_id, period, value, known_at, feed_run_id)
        SELECT q.sid, q.period, q.value,
               q.known_at + INTERVAL '1 microsecond' * q.k, rb.id
          FROM (SELECT wr.sid, wr.period, wr.b, wr.value, wr.k,
                       max(wr.base) OVER (PARTITION BY wr.sid, wr.period
                                          ORDER BY wr.b) AS known_at
                  FROM wr) q
          JOIN rb ON rb.b = q.b
         ORDER BY q.period, q.sid
        RETURNING 1
    )
    SELECT array_agg(rb.b ORDER BY rb.b), array_agg(rb.id ORDER BY rb.b),
           array_agg(rb.stored ORDER BY rb.b),
           array_agg(rb.unchanged ORDER BY rb.b),
           array_agg(rb.revised ORDER BY rb.b)
      INTO r_b, r_id, r_stored, r_unch, r_rev
      FROM rb;

    -- Detected sanctions events, batch by batch (rare): an event already
    -- stored is not stored again, and counts for the first batch with it.
    ev_b := '{}';
    ev_n := '{}';
    FOR ev IN
        SELECT e.ord::int AS b, e.doc->'events' AS events, e.doc->>'feed' AS feed
          FROM jsonb_array_elements(p_batches) WITH ORDINALITY AS e(doc, ord)
         WHERE e.ord::int <> ALL (dups)
           AND jsonb_typeof(e.doc->'events') = 'array'
           AND jsonb_array_length(e.doc->'events') > 0
         ORDER BY e.ord
    LOOP
        INSERT INTO potash.sanctions_events
               (announced_on, effective_on, wind_down_until, jurisdiction, action,
                instrument, entities, direction, summary, source_url,
                verification, origin)
        SELECT x.announced_on, x.effective_on, x.wind_down_until, x.jurisdiction,
               x.action, x.instrument, COALESCE(x.entities, '{}'), x.direction,
               x.summary, x.source_url, x.verification, ev.feed
          FROM jsonb_to_recordset(ev.events)
               AS x(announced_on date, effective_on date, wind_down_until date,
                    jurisdiction text, action text, instrument text,
                    entities text[], direction smallint, summary text,
                    source_url text, verification text)
        ON CONFLICT ON CONSTRAINT sanctions_events_once DO NOTHING;
        GET DIAGNOSTICS n = ROW_COUNT;
        ev_b := ev_b || ev.b;
        ev_n := ev_n || n;
    END LOOP;

    -- Validators for the next conditional GET: the last batch of a feed
    -- that has any wins.
    INSERT INTO potash.feed_state AS f (feed, etag, last_modified, updated_at)
    SELECT DISTINCT ON (e.doc->>'feed')
           e.doc->>'feed', e.doc->>'etag', e.doc->>'last_modified', now()
      FROM jsonb_array_elements(p_batches) WITH ORDINALITY AS e(doc, ord)
     WHERE e.ord::int <> ALL (dups)
       AND (e.doc->>'etag' IS NOT NULL OR e.doc->>'last_modified' IS NOT NULL)
     ORDER BY e.doc->>'feed', e.ord DESC
    ON CONFLICT (feed) DO UPDATE
       SET etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified,
           updated_at = now();

    RETURN QUERY
    SELECT u.b, u.id, u.stored, u.unchanged, u.revised, false,
           COALESCE((SELECT v.n FROM unnest(ev_b, ev_n) AS v(b, n) WHERE v.b = u.b), 0),
           NULL::text, NULL::bigint, cur_epoch
      FROM unnest(COALESCE(r_b, '{}'), COALESCE(r_id, '{}'),
                  COALESCE(r_stored, '{}'), COALESCE(r_unch, '{}'),
                  COALESCE(r_rev, '{}'))
           AS u(b, id, stored, unchanged, revised)
    UNION ALL
    SELECT e.ord::int, r.id, r.observations_stored, r.observations_unchanged,
           r.observations_revised, true, 0, NULL::text, NULL::bigint, cur_epoch
      FROM jsonb_array_elements(p_batches) WITH ORDINALITY AS e(doc, ord)
      JOIN potash.feed_runs r ON r.batch_id = e.doc->>'id'
     WHERE e.ord::int = ANY (dups);

    RETURN QUERY
    SELECT NULL::int, NULL::bigint, NULL::int, NULL::int, NULL::int,
           NULL::boolean, NULL::int, x.key, x.id, cur_epoch
      FROM potash.series x
     WHERE x.key IN (SELECT s.series_key
                       FROM pg_temp.writer_stage s
                      WHERE s.series_key IS NOT NULL
                     UNION
                     SELECT d.key
                       FROM jsonb_to_recordset(COALESCE(p_series, '[]'::jsonb))
                            AS d(key text));
END
$$;
COMMENT ON FUNCTION potash.store_batches(jsonb, jsonb, bigint) IS
    'Stores the batches staged in pg_temp.writer_stage (b, series_id or series_key, period, value, unit, '
    'seq, known_at), described by p_batches (arrival order), each once per batch id, as if stored one '
    'after the other: feed_runs rows with counts, new and changed values, p_series descriptions '
    '(unchanged ones not rewritten), detected sanctions events, validators. Fails with SQLSTATE PW001 '
    'if potash.series_epoch is no longer p_epoch. Returns a row per batch, then (batch NULL) the id '
    'of every series staged by key or described, each row with the current series_epoch. One call '
    'per transaction.';

REVOKE ALL ON FUNCTION potash.store_batches(jsonb, jsonb, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION potash.store_batches(jsonb, jsonb, bigint) TO potash_writer;
