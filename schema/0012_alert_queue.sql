-- SPDX-License-Identifier: ISC
--
-- 0012: what the alert engine has not evaluated yet, as a queue.
--
-- Until now a pass read the feed runs and sanctions events after
-- alert_cursor and moved the cursor past them.  A run's id is taken when
-- its writer inserts it and becomes visible when that writer commits: with
-- two writers (two potashd on one database, or potashctl import beside the
-- daemon) a run with a lower id can commit after a higher one was
-- evaluated, and the cursor had already moved past it: its observations
-- were never evaluated.  Now every feed run and event is queued by a
-- trigger, in the transaction that writes it, and a pass removes exactly
-- the entries it evaluated, whatever order they committed in.
-- alert_cursor stays, kept up to date for information.
--
--   alert_pending_runs      feed runs not evaluated yet
--   alert_pending_events    sanctions events not evaluated yet
--   alert_queue_run()       the triggers that queue them
--   alert_queue_event()
--   alert_pending_inputs()  the next queued runs and their observations
--   alert_apply_pending()   alert_apply, then the evaluated entries dequeued

CREATE TABLE potash.alert_pending_runs (
    feed_run_id  bigint PRIMARY KEY,
    queued_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE potash.alert_pending_runs IS
    'Feed runs whose observations the alert engine has not evaluated yet (queued by a trigger on feed_runs)';

CREATE TABLE potash.alert_pending_events (
    event_id     bigint PRIMARY KEY,
    queued_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE potash.alert_pending_events IS
    'Sanctions events the alert engine has not evaluated yet (queued by a trigger on sanctions_events)';

CREATE FUNCTION potash.alert_queue_run()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
    INSERT INTO potash.alert_pending_runs (feed_run_id) VALUES (NEW.id)
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION potash.alert_queue_run() IS
    'Trigger: queues each new feed run for the alert engine';

CREATE FUNCTION potash.alert_queue_event()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
    INSERT INTO potash.alert_pending_events (event_id) VALUES (NEW.id)
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION potash.alert_queue_event() IS
    'Trigger: queues each new sanctions event for the alert engine';

CREATE TRIGGER alert_queue AFTER INSERT ON potash.feed_runs
    FOR EACH ROW EXECUTE FUNCTION potash.alert_queue_run();
CREATE TRIGGER alert_queue AFTER INSERT ON potash.sanctions_events
    FOR EACH ROW EXECUTE FUNCTION potash.alert_queue_event();

-- What the cursor had not reached is still to be evaluated.
INSERT INTO potash.alert_pending_runs (feed_run_id)
SELECT r.id FROM potash.feed_runs r
 WHERE r.id > (SELECT c.feed_run_id FROM potash.alert_cursor c);
INSERT INTO potash.alert_pending_events (event_id)
SELECT e.id FROM potash.sanctions_events e
 WHERE e.id > (SELECT c.event_id FROM potash.alert_cursor c);

-- The next max_runs queued runs, oldest id first: a row of kind 'r' for
-- each (so that runs without observations are dequeued too), and a row of
-- kind 'o' for each of their observations, with the value it revises.
CREATE FUNCTION potash.alert_pending_inputs(max_runs integer)
RETURNS TABLE (kind "char", feed_run_id bigint, series text,
               period timestamptz, value double precision,
               known_at timestamptz, prev double precision)
LANGUAGE sql STABLE
SET search_path = pg_catalog
AS $$
    WITH next AS (
        SELECT p.feed_run_id FROM potash.alert_pending_runs p
         ORDER BY p.feed_run_id
         LIMIT max_runs)
    SELECT 'r'::"char", n.feed_run_id, NULL::text, NULL::timestamptz,
           NULL::double precision, NULL::timestamptz, NULL::double precision
      FROM next n
    UNION ALL
    SELECT 'o'::"char", o.feed_run_id, s.key, o.period,
           o.value::double precision, o.known_at,
           (SELECT p.value::double precision
              FROM potash.observations p
             WHERE p.series_id = o.series_id AND p.period = o.period
               AND p.known_at < o.known_at
             ORDER BY p.known_at DESC
             LIMIT 1)
      FROM potash.observations o
      JOIN potash.series s ON s.id = o.series_id
     WHERE o.feed_run_id IN (SELECT n.feed_run_id FROM next n)
$$;
COMMENT ON FUNCTION potash.alert_pending_inputs(integer) IS
    'The next max_runs feed runs queued for the alert engine (kind r) and their observations (kind o), '
    'each with the value it revises (NULL for a first value)';

CREATE FUNCTION potash.alert_apply_pending(p_transitions jsonb, p_alerts jsonb,
                                           p_runs jsonb, p_events jsonb)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
    n integer;
    max_run bigint;
    max_event bigint;
BEGIN
    SELECT max(x::bigint) INTO max_run
      FROM jsonb_array_elements_text(COALESCE(p_runs, '[]')) AS x;
    SELECT max(x::bigint) INTO max_event
      FROM jsonb_array_elements_text(COALESCE(p_events, '[]')) AS x;
    n := potash.alert_apply(p_transitions, p_alerts, max_run, max_event);
    DELETE FROM potash.alert_pending_runs p
     WHERE p.feed_run_id IN (SELECT x::bigint
                               FROM jsonb_array_elements_text(COALESCE(p_runs, '[]')) AS x);
    DELETE FROM potash.alert_pending_events p
     WHERE p.event_id IN (SELECT x::bigint
                            FROM jsonb_array_elements_text(COALESCE(p_events, '[]')) AS x);
    RETURN n;
END
$$;
COMMENT ON FUNCTION potash.alert_apply_pending(jsonb, jsonb, jsonb, jsonb) IS
    'Stores one evaluation pass (alert_apply: transitions, alerts, notifications) and dequeues the feed runs '
    'and sanctions events it evaluated, in one transaction';

REVOKE EXECUTE ON FUNCTION potash.alert_queue_run(), potash.alert_queue_event(),
    potash.alert_pending_inputs(integer),
    potash.alert_apply_pending(jsonb, jsonb, jsonb, jsonb) FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON potash.alert_pending_runs,
    potash.alert_pending_events TO potash_writer;
GRANT SELECT ON potash.alert_pending_runs, potash.alert_pending_events
    TO potash_reader;
GRANT EXECUTE ON FUNCTION potash.alert_queue_run(), potash.alert_queue_event()
    TO potash_writer;
GRANT EXECUTE ON FUNCTION potash.alert_pending_inputs(integer)
    TO potash_writer, potash_reader;
GRANT EXECUTE ON FUNCTION potash.alert_apply_pending(jsonb, jsonb, jsonb, jsonb)
    TO potash_writer;
