-- SPDX-License-Identifier: ISC
-- 0006_batch_metadata: store_batch() also takes what a feed run learned
-- besides values, in the same transaction as the values:
--
--   p_series   jsonb array of {key, name, unit, frequency, dimensions}:
--              series descriptions from the collector (name, frequency and
--              dimensions are refreshed; a unit, once known, is kept)
--   p_events   jsonb array of detected sanctions events; an event already
--              stored (same jurisdiction, instrument, announced_on) is not
--              stored again
--   p_etag, p_last_modified
--              the validators for the feed's next conditional GET, kept in
--              feed_state only once the run's data is committed

DROP FUNCTION potash.store_batch(text, text, text, int, bigint, timestamptz, timestamptz, text);

CREATE FUNCTION potash.store_batch(
    p_batch_id       text,
    p_feed           text,
    p_url            text,
    p_http_status    int,
    p_bytes          bigint,
    p_started_at     timestamptz,
    p_finished_at    timestamptz,
    p_error          text,
    p_series         jsonb,
    p_events         jsonb,
    p_etag           text,
    p_last_modified  text)
RETURNS TABLE (feed_run_id bigint, stored int, unchanged int, revised int,
               duplicate boolean, events_new int)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    y0  int;
    y1  int;
BEGIN
    events_new := 0;
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
        TRUNCATE pg_temp.obs_stage;
        RETURN NEXT;
        RETURN;
    END IF;

    IF p_series IS NOT NULL AND jsonb_array_length(p_series) > 0 THEN
        INSERT INTO potash.series AS x (key, source, name, unit, frequency, dimensions)
        SELECT d.key, split_part(d.key, '/', 1), COALESCE(d.name, d.key), d.unit,
               d.frequency, COALESCE(d.dimensions, '{}'::jsonb)
          FROM jsonb_to_recordset(p_series)
               AS d(key text, name text, unit text, frequency text, dimensions jsonb)
         WHERE d.key IS NOT NULL AND d.key <> ''
        ON CONFLICT (key) DO UPDATE
           SET name = COALESCE(EXCLUDED.name, x.name),
               unit = COALESCE(x.unit, EXCLUDED.unit),
               frequency = COALESCE(EXCLUDED.frequency, x.frequency),
               dimensions = CASE WHEN EXCLUDED.dimensions = '{}'::jsonb
                                 THEN x.dimensions ELSE EXCLUDED.dimensions END;
    END IF;

    -- Every staged year gets its own partition before the rows arrive.
    SELECT extract(year FROM min(s.period) AT TIME ZONE 'UTC')::int,
           extract(year FROM max(s.period) AT TIME ZONE 'UTC')::int
      INTO y0, y1
      FROM pg_temp.obs_stage s;
    WHILE y0 IS NOT NULL AND y0 <= y1 LOOP
        PERFORM potash.ensure_partitions(y0, LEAST(y0 + 200, y1));
        y0 := y0 + 201;
    END LOOP;

    SELECT s.stored, s.unchanged, s.revised, false
      INTO stored, unchanged, revised, duplicate
      FROM potash.store_observations(feed_run_id) s;
    UPDATE potash.feed_runs r
       SET observations_stored = store_batch.stored,
           observations_unchanged = store_batch.unchanged,
           observations_revised = store_batch.revised
     WHERE r.id = feed_run_id;

    IF p_events IS NOT NULL AND jsonb_array_length(p_events) > 0 THEN
        INSERT INTO potash.sanctions_events
               (announced_on, effective_on, wind_down_until, jurisdiction, action,
                instrument, entities, direction, summary, source_url,
                verification, origin)
        SELECT e.announced_on, e.effective_on, e.wind_down_until, e.jurisdiction,
               e.action, e.instrument, COALESCE(e.entities, '{}'), e.direction,
               e.summary, e.source_url, e.verification, p_feed
          FROM jsonb_to_recordset(p_events)
               AS e(announced_on date, effective_on date, wind_down_until date,
                    jurisdiction text, action text, instrument text,
                    entities text[], direction smallint, summary text,
                    source_url text, verification text)
        ON CONFLICT ON CONSTRAINT sanctions_events_once DO NOTHING;
        GET DIAGNOSTICS events_new = ROW_COUNT;
    END IF;

    IF p_etag IS NOT NULL OR p_last_modified IS NOT NULL THEN
        INSERT INTO potash.feed_state AS f (feed, etag, last_modified, updated_at)
        VALUES (p_feed, p_etag, p_last_modified, now())
        ON CONFLICT (feed) DO UPDATE
           SET etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified,
               updated_at = now();
    END IF;

    TRUNCATE pg_temp.obs_stage;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION potash.store_batch(text, text, text, int, bigint, timestamptz, timestamptz, text, jsonb, jsonb, text, text) IS
    'Stores the batch staged in pg_temp.obs_stage with its feed_runs row, series descriptions, '
    'detected sanctions events and conditional-GET validators, once per batch_id; returns the run id, '
    'the counts, whether the batch had been stored before, and how many events were new';

REVOKE ALL ON FUNCTION potash.store_batch(text, text, text, int, bigint, timestamptz, timestamptz, text, jsonb, jsonb, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION potash.store_batch(text, text, text, int, bigint, timestamptz, timestamptz, text, jsonb, jsonb, text, text) TO potash_writer;
