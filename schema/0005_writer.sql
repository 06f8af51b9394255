-- SPDX-License-Identifier: ISC
-- 0005_writer: what potashd's writer needs to store a batch exactly once.
--
--   feed_runs.batch_id  the writer's id for the batch (unique): a batch
--                       replayed after a crash or a lost COMMIT reply is
--                       recognised and skipped, never applied twice.
--   store_batch()       one call per staged batch: the yearly partitions
--                       it needs, the feed_runs row, the observations
--                       (through store_observations) and the counts, in
--                       the caller's transaction.

ALTER TABLE potash.feed_runs ADD COLUMN batch_id text UNIQUE;
COMMENT ON COLUMN potash.feed_runs.batch_id IS
    'The writer''s id of the batch this run stored; NULL for runs written by other tools';

CREATE FUNCTION potash.store_batch(
    p_batch_id     text,
    p_feed         text,
    p_url          text,
    p_http_status  int,
    p_bytes        bigint,
    p_started_at   timestamptz,
    p_finished_at  timestamptz,
    p_error        text)
RETURNS TABLE (feed_run_id bigint, stored int, unchanged int, revised int,
               duplicate boolean)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    y0  int;
    y1  int;
BEGIN
    -- Every staged year gets its own partition before the rows arrive, so
    -- nothing lands in observations_default (ensure_partitions is cheap
    -- for years that exist; it takes at most 201 years per call).
    SELECT extract(year FROM min(s.period) AT TIME ZONE 'UTC')::int,
           extract(year FROM max(s.period) AT TIME ZONE 'UTC')::int
      INTO y0, y1
      FROM pg_temp.obs_stage s;
    WHILE y0 IS NOT NULL AND y0 <= y1 LOOP
        PERFORM potash.ensure_partitions(y0, LEAST(y0 + 200, y1));
        y0 := y0 + 201;
    END LOOP;

    INSERT INTO potash.feed_runs AS r
           (batch_id, feed, url, http_status, bytes, started_at, finished_at, error)
    VALUES (p_batch_id, p_feed, p_url, p_http_status, p_bytes,
            COALESCE(p_started_at, now()), p_finished_at, p_error)
    ON CONFLICT (batch_id) DO NOTHING
    RETURNING r.id INTO feed_run_id;

    IF feed_run_id IS NULL THEN
        -- Stored before (replay after a crash, or a COMMIT whose reply
        -- was lost): report what it stored then, write nothing now.
        SELECT r.id, r.observations_stored, r.observations_unchanged,
               r.observations_revised, true
          INTO feed_run_id, stored, unchanged, revised, duplicate
          FROM potash.feed_runs r
         WHERE r.batch_id = p_batch_id;
    ELSE
        SELECT s.stored, s.unchanged, s.revised, false
          INTO stored, unchanged, revised, duplicate
          FROM potash.store_observations(feed_run_id) s;
        UPDATE potash.feed_runs r
           SET observations_stored = store_batch.stored,
               observations_unchanged = store_batch.unchanged,
               observations_revised = store_batch.revised
         WHERE r.id = feed_run_id;
    END IF;
    -- The stage is per batch; several batches may share a transaction.
    TRUNCATE pg_temp.obs_stage;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION potash.store_batch(text, text, text, int, bigint, timestamptz, timestamptz, text) IS
    'Stores the batch staged in pg_temp.obs_stage with its feed_runs row, once per batch_id; '
    'returns the run id, the counts, and whether the batch had been stored before';

REVOKE ALL ON FUNCTION potash.store_batch(text, text, text, int, bigint, timestamptz, timestamptz, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION potash.store_batch(text, text, text, int, bigint, timestamptz, timestamptz, text) TO potash_writer;
