-- SPDX-License-Identifier: ISC
-- 0016_alert_queue_statement: 0012's queue triggers once per statement.
--
-- Why: 0012 queued each new feed run and sanctions event with a row
-- trigger, a PL/pgSQL INSERT per row: about 8 us of backend time per feed
-- run, a third of what a poll whose values were all known unchanged costs
-- the database now (0015).  The same triggers now run once per statement
-- that inserts into feed_runs or sanctions_events, and queue all of its
-- new rows (its transition table) with one INSERT.  What is queued, and
-- in which transaction, is unchanged.

CREATE OR REPLACE FUNCTION potash.alert_queue_run()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
    INSERT INTO potash.alert_pending_runs (feed_run_id)
    SELECT n.id FROM new_rows n
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION potash.alert_queue_run() IS
    'Trigger: queues the feed runs a statement inserted for the alert engine';

CREATE OR REPLACE FUNCTION potash.alert_queue_event()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
    INSERT INTO potash.alert_pending_events (event_id)
    SELECT n.id FROM new_rows n
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION potash.alert_queue_event() IS
    'Trigger: queues the sanctions events a statement inserted for the alert engine';

DROP TRIGGER alert_queue ON potash.feed_runs;
DROP TRIGGER alert_queue ON potash.sanctions_events;
CREATE TRIGGER alert_queue AFTER INSERT ON potash.feed_runs
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION potash.alert_queue_run();
CREATE TRIGGER alert_queue AFTER INSERT ON potash.sanctions_events
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION potash.alert_queue_event();
