-- SPDX-License-Identifier: ISC
-- 0017_alert_queue_notify: queuing a feed run or a sanctions event for the
-- alert engine also notifies channel potash_alert_queue.
--
-- Why: a run queued by another writer (potashctl import, another potashd
-- on the database) was evaluated only when the daemon next looked at its
-- queue, every 30 s (or at its own next commit).  The daemon now LISTENs on
-- potash_alert_queue, and PostgreSQL delivers the notification when the
-- queuing transaction commits: the run is evaluated at once.  The 30 s
-- look stays, for a daemon that was not connected when the notification
-- went.  One notification per transaction (identical ones are folded).

CREATE OR REPLACE FUNCTION potash.alert_queue_run()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
    INSERT INTO potash.alert_pending_runs (feed_run_id)
    SELECT n.id FROM new_rows n
        ON CONFLICT DO NOTHING;
    PERFORM pg_notify('potash_alert_queue', '');
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION potash.alert_queue_run() IS
    'Trigger: queues the feed runs a statement inserted for the alert engine and notifies potash_alert_queue';

CREATE OR REPLACE FUNCTION potash.alert_queue_event()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
    INSERT INTO potash.alert_pending_events (event_id)
    SELECT n.id FROM new_rows n
        ON CONFLICT DO NOTHING;
    PERFORM pg_notify('potash_alert_queue', '');
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION potash.alert_queue_event() IS
    'Trigger: queues the sanctions events a statement inserted for the alert engine and notifies potash_alert_queue';
