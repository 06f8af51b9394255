-- SPDX-License-Identifier: ISC
-- 0011_notifications: the notification outbox.
--
-- Creates, in schema potash:
--   channels                 the channels as the daemon last loaded them
--   notification_groups      one per (channel, group key): thread and timing
--   notifications            the outbox: one row per message to deliver
--   notification_attempts    every delivery attempt, with its outcome
--   notify_labels()          an alert's labels as notified (alertname, ...)
--   notify_group_key()       the group key of labels under a channel's group_by
--   channels_load()          mirrors the configured channels
--   notify_enqueue()         outbox rows for stored transitions
--   alert_apply()            0009's, plus notify_enqueue in the same transaction
--   notification_doc()       the document a notification is rendered from
--   notification_claim()     due rows for a sender (FOR UPDATE SKIP LOCKED)
--   notification_result()   records an attempt and what follows from it
--   notification_repeats()   repeat notifications for groups still firing
--   notification_test()      a test notification through the real path
--   notification_redeliver() sends a sent or dead notification again
--
-- Grouping follows Alertmanager: the alerts a channel receives are grouped
-- by the values of its group_by labels.  A group's first notification waits
-- group_wait, so that alerts firing together arrive together; later ones
-- wait until group_interval after the previous one; while alerts stay
-- firing the group is notified again every repeat_interval.  A transition
-- that arrives while its group has a notification not yet attempted joins
-- it.  The document of a notification (notification_doc) is frozen at its
-- first claim: the group's firing alerts and the members that resolved, as
-- they are then.  The sender serializes it once, stores the body and sends
-- the same bytes on every retry, under the same idempotency key.
--
-- Claims: a row being sent is status 'sending' with the backend pid of the
-- connection that claimed it.  A claim is valid while that backend lives:
-- if the daemon dies, its connection ends and the row is claimable again,
-- so a notification that was due is delivered after a restart (at least
-- once; receivers de-duplicate on the idempotency key).

CREATE TABLE potash.channels (
    name             text PRIMARY KEY CHECK (name <> ''),
    type             text NOT NULL CHECK (type IN ('webhook', 'email')),
    target           text NOT NULL,
    group_by         text[] NOT NULL DEFAULT '{alertname}',
    group_wait       interval NOT NULL,
    group_interval   interval NOT NULL,
    repeat_interval  interval NOT NULL,
    send_resolved    boolean NOT NULL DEFAULT true,
    max_attempts     integer NOT NULL CHECK (max_attempts > 0),
    max_age          interval NOT NULL,
    max_alerts       integer NOT NULL DEFAULT 0 CHECK (max_alerts >= 0),
    active           boolean NOT NULL DEFAULT true,
    disabled_at      timestamptz,
    disabled_reason  text,
    loaded_at        timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE potash.channels IS
    'Notification channels as the daemon last loaded them (no secrets); a channel no longer configured stays with active = false';
COMMENT ON COLUMN potash.channels.target IS 'Where it delivers: the webhook URL (secrets redacted) or the mail server and recipients';
COMMENT ON COLUMN potash.channels.group_by IS 'Labels whose values form the group key; {...} groups by every label (one group per alert)';
COMMENT ON COLUMN potash.channels.disabled_at IS
    'Set when the receiver answered 410 Gone: nothing more is sent until the daemon loads the channel again';

CREATE TABLE potash.notification_groups (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel           text NOT NULL REFERENCES potash.channels (name),
    group_key         text NOT NULL,
    group_labels      jsonb NOT NULL DEFAULT '{}',
    group_id          text NOT NULL CHECK (group_id ~ '^[0-9a-f]{16}$'),
    seq               integer NOT NULL DEFAULT 0,
    last_notified_at  timestamptz,
    UNIQUE (channel, group_key)
);
COMMENT ON TABLE potash.notification_groups IS
    'One row per (channel, group key): how many notifications it had (seq) and when one was last delivered';
COMMENT ON COLUMN potash.notification_groups.group_id IS 'Stable id of the group: the root of its email thread';

CREATE TABLE potash.notifications (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_ref        bigint REFERENCES potash.notification_groups (id),
    channel          text NOT NULL REFERENCES potash.channels (name),
    reason           text NOT NULL CHECK (reason IN ('new', 'repeat', 'resolved', 'test',
                                                     'notification_dead', 'channel_disabled')),
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'retry', 'sent', 'dead', 'cancelled')),
    idempotency_key  text NOT NULL UNIQUE CHECK (idempotency_key ~ '^[0-9a-f]{64}$'),
    group_seq        integer NOT NULL DEFAULT 1,
    members          jsonb NOT NULL DEFAULT '[]',
    synthetic        jsonb,
    doc              jsonb,
    body             text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    attempts         integer NOT NULL DEFAULT 0,
    claimed_pid      integer,
    claimed_at       timestamptz,
    sent_at          timestamptz,
    dead_at          timestamptz,
    last_error       text
);
CREATE INDEX notifications_due_idx ON potash.notifications (next_attempt_at)
    WHERE status IN ('pending', 'sending', 'retry');
CREATE INDEX notifications_group_idx ON potash.notifications (group_ref, id);
COMMENT ON TABLE potash.notifications IS
    'The outbox: one row per message to deliver, written in the transaction of the transitions that cause it';
COMMENT ON COLUMN potash.notifications.idempotency_key IS
    'Stable over retries: the webhook-id header and the email Message-ID; sha256 over channel, group, member fingerprints and transition sequences';
COMMENT ON COLUMN potash.notifications.members IS
    'The transitions that caused it: [{"fingerprint", "seq", "transition_id", "to"}]';
COMMENT ON COLUMN potash.notifications.synthetic IS 'For notification_dead and channel_disabled: the alert objects it reports';
COMMENT ON COLUMN potash.notifications.doc IS 'What is rendered, frozen at the first claim (notification_doc)';
COMMENT ON COLUMN potash.notifications.body IS 'The bytes sent: serialized once, the same on every retry';
COMMENT ON COLUMN potash.notifications.next_attempt_at IS 'When it is due: group_wait or group_interval first, then the retry backoff';

CREATE TABLE potash.notification_attempts (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id  bigint NOT NULL REFERENCES potash.notifications (id),
    attempt          integer NOT NULL CHECK (attempt > 0),
    started_at       timestamptz NOT NULL,
    duration_ms      double precision NOT NULL CHECK (duration_ms >= 0),
    outcome          text NOT NULL CHECK (outcome IN ('sent', 'retry', 'permanent', 'disabled')),
    status_code      integer,
    response         text,
    error            text,
    retry_after      interval,
    UNIQUE (notification_id, attempt)
);
COMMENT ON TABLE potash.notification_attempts IS
    'Every delivery attempt: when, how long, the HTTP status or SMTP reply code, a response excerpt, the error';
COMMENT ON COLUMN potash.notification_attempts.outcome IS
    'sent; retry (network error, timeout, 408, 425, 429, 5xx, SMTP 4xx); permanent (other 4xx, SMTP 5xx); disabled (410)';

CREATE FUNCTION potash.notify_labels(p_labels jsonb, p_rule text, p_series text, p_severity text)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog
AS $$
    SELECT jsonb_build_object('alertname', p_rule, 'series', p_series,
                              'severity', p_severity)
           || COALESCE(p_labels, '{}')
$$;
COMMENT ON FUNCTION potash.notify_labels(jsonb, text, text, text) IS
    'The labels an alert is notified with: alertname (the rule), series and severity, then the rule''s labels';

CREATE FUNCTION potash.notify_group_key(p_group_by text[], p_labels jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog
AS $$
    SELECT CASE WHEN p_group_by = '{...}' THEN p_labels
                ELSE COALESCE((SELECT jsonb_object_agg(k, p_labels->>k)
                                 FROM unnest(p_group_by) AS k
                                WHERE p_labels ? k), '{}') END
$$;
COMMENT ON FUNCTION potash.notify_group_key(text[], jsonb) IS
    'The group labels of an alert under a channel''s group_by: the named labels it has ({...}: all of them)';

CREATE FUNCTION potash.notify_group_text(p_group jsonb)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog
AS $$
    SELECT '{}:{' || COALESCE(string_agg(format('%s=%s', k, to_jsonb(v)::text), ', ' ORDER BY k), '') || '}'
      FROM jsonb_each_text(p_group) AS e(k, v)
$$;
COMMENT ON FUNCTION potash.notify_group_text(jsonb) IS
    'A group key as Alertmanager spells it: {}:{name="value", ...}, names sorted';

CREATE FUNCTION potash.channels_load(p_channels jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
    INSERT INTO potash.channels AS c
           (name, type, target, group_by, group_wait, group_interval,
            repeat_interval, send_resolved, max_attempts, max_age, max_alerts,
            active, disabled_at, disabled_reason, loaded_at)
    SELECT x.name, x.type, x.target, x.group_by,
           make_interval(secs => x.group_wait), make_interval(secs => x.group_interval),
           make_interval(secs => x.repeat_interval), x.send_resolved,
           x.max_attempts, make_interval(secs => x.max_age), x.max_alerts,
           true, NULL, NULL, now()
      FROM jsonb_to_recordset(p_channels)
           AS x(name text, type text, target text, group_by text[],
                group_wait double precision, group_interval double precision,
                repeat_interval double precision, send_resolved boolean,
                max_attempts integer, max_age double precision, max_alerts integer)
    ON CONFLICT (name) DO UPDATE
       SET type = EXCLUDED.type, target = EXCLUDED.target,
           group_by = EXCLUDED.group_by, group_wait = EXCLUDED.group_wait,
           group_interval = EXCLUDED.group_interval,
           repeat_interval = EXCLUDED.repeat_interval,
           send_resolved = EXCLUDED.send_resolved,
           max_attempts = EXCLUDED.max_attempts, max_age = EXCLUDED.max_age,
           max_alerts = EXCLUDED.max_alerts, active = true,
           disabled_at = NULL, disabled_reason = NULL, loaded_at = now();
    UPDATE potash.channels c
       SET active = false
     WHERE c.active
       AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_channels) j
                        WHERE j->>'name' = c.name);
    -- What a channel no longer configured would have sent stays, cancelled.
    UPDATE potash.notifications n
       SET status = 'cancelled', last_error = 'channel no longer configured'
     WHERE n.status IN ('pending', 'retry')
       AND n.channel IN (SELECT name FROM potash.channels WHERE NOT active);
END
$$;
COMMENT ON FUNCTION potash.channels_load(jsonb) IS
    'Mirrors the channels the daemon loaded (a jsonb array); absent ones become inactive and their queued notifications cancelled; '
    'loading a channel again re-enables it after a 410';

-- The group row of (channel, group labels), created on first use.
CREATE FUNCTION potash.notify_group(p_channel text, p_group jsonb)
RETURNS potash.notification_groups
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
    g potash.notification_groups;
    k text := potash.notify_group_text(p_group);
BEGIN
    INSERT INTO potash.notification_groups (channel, group_key, group_labels, group_id)
    VALUES (p_channel, k, p_group, left(md5(p_channel || chr(10) || k), 16))
    ON CONFLICT (channel, group_key) DO NOTHING;
    SELECT * INTO g FROM potash.notification_groups
     WHERE channel = p_channel AND group_key = k;
    RETURN g;
END
$$;
COMMENT ON FUNCTION potash.notify_group(text, jsonb) IS
    'The notification_groups row of (channel, group labels), created on first use';

-- The idempotency key of a notification from its channel, group and members.
CREATE FUNCTION potash.notify_key(p_channel text, p_group_key text, p_seq integer,
                                  p_reason text, p_members jsonb)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog
AS $$
    SELECT encode(sha256(convert_to(concat_ws(chr(10), p_channel, p_group_key,
               p_seq::text, p_reason,
               (SELECT string_agg((m->>'fingerprint') || ':' || (m->>'seq'), ','
                                  ORDER BY m->>'fingerprint', (m->>'seq')::int)
                  FROM jsonb_array_elements(p_members) m)), 'UTF8')), 'hex')
$$;
COMMENT ON FUNCTION potash.notify_key(text, text, integer, text, jsonb) IS
    'The idempotency key of a notification: sha256 over channel, group key, group sequence, reason and member fingerprints:sequences';

-- Queues the notifications of the transitions with id > p_after: firing
-- ones and, where the channel sends them, resolutions; not silenced ones.
CREATE FUNCTION potash.notify_enqueue(p_after bigint)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
    t record;
    g potash.notification_groups;
    n potash.notifications;
    member jsonb;
    queued integer := 0;
BEGIN
    FOR t IN
        SELECT tr.id, tr.fingerprint, tr.seq, tr.to_state, c.name AS channel,
               c.group_by, c.group_wait, c.group_interval, c.send_resolved,
               potash.notify_labels(a.labels, a.rule, a.series, a.severity) AS labels
          FROM potash.alert_transitions tr
          JOIN potash.alerts a ON a.id = tr.alert_id
          JOIN potash.rules r ON r.name = tr.rule
          JOIN potash.channels c ON c.name = ANY (r.notify)
         WHERE tr.id > p_after
           AND NOT tr.silenced
           AND c.active AND c.disabled_at IS NULL
           AND (tr.to_state = 'firing'
                OR (tr.to_state = 'resolved' AND tr.from_state = 'firing'))
         ORDER BY tr.id, c.name
    LOOP
        IF t.to_state = 'resolved' AND NOT t.send_resolved THEN
            CONTINUE;
        END IF;
        g := potash.notify_group(t.channel, potash.notify_group_key(t.group_by, t.labels));
        member := jsonb_build_object('fingerprint', t.fingerprint, 'seq', t.seq,
                                     'transition_id', t.id, 'to', t.to_state);
        -- Join the group's notification that no attempt has frozen yet.
        SELECT * INTO n FROM potash.notifications
         WHERE group_ref = g.id AND status = 'pending' AND attempts = 0
           AND doc IS NULL
         ORDER BY id DESC LIMIT 1
           FOR UPDATE;
        IF FOUND THEN
            UPDATE potash.notifications
               SET members = members || member,
                   reason = CASE WHEN t.to_state = 'firing' THEN 'new' ELSE reason END,
                   idempotency_key = potash.notify_key(channel, g.group_key, group_seq,
                       CASE WHEN t.to_state = 'firing' THEN 'new' ELSE reason END,
                       members || member)
             WHERE id = n.id;
        ELSE
            UPDATE potash.notification_groups SET seq = seq + 1 WHERE id = g.id
                RETURNING * INTO g;
            INSERT INTO potash.notifications
                   (group_ref, channel, reason, idempotency_key, group_seq, members,
                    next_attempt_at)
            VALUES (g.id, t.channel,
                    CASE WHEN t.to_state = 'firing' THEN 'new' ELSE 'resolved' END,
                    potash.notify_key(t.channel, g.group_key, g.seq,
                        CASE WHEN t.to_state = 'firing' THEN 'new' ELSE 'resolved' END,
                        jsonb_build_array(member)),
                    g.seq, jsonb_build_array(member),
                    CASE WHEN g.last_notified_at IS NULL AND g.seq = 1
                         THEN now() + t.group_wait
                         ELSE GREATEST(now() + t.group_wait,
                                       COALESCE(g.last_notified_at, now()) + t.group_interval) END);
        END IF;
        queued := queued + 1;
    END LOOP;
    RETURN queued;
END
$$;
COMMENT ON FUNCTION potash.notify_enqueue(bigint) IS
    'Queues notifications for the transitions stored after transition id p_after (called by alert_apply in its transaction)';

-- 0009's alert_apply stays as it is, under another name; the new one
-- queues the notifications in the same transaction.
ALTER FUNCTION potash.alert_apply(jsonb, jsonb, bigint, bigint)
    RENAME TO alert_apply_store;

CREATE FUNCTION potash.alert_apply(p_transitions jsonb, p_alerts jsonb,
                                   p_feed_run bigint, p_event bigint)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
    last_id bigint;
    n integer;
BEGIN
    SELECT COALESCE(max(id), 0) INTO last_id FROM potash.alert_transitions;
    n := potash.alert_apply_store(p_transitions, p_alerts, p_feed_run, p_event);
    IF n > 0 THEN
        PERFORM potash.notify_enqueue(last_id);
    END IF;
    RETURN n;
END
$$;
COMMENT ON FUNCTION potash.alert_apply(jsonb, jsonb, bigint, bigint) IS
    'Stores one evaluation pass atomically (alert_apply_store) and queues its notifications in the same transaction';

-- One alert of a document: its state now, its evidence and its event.
CREATE FUNCTION potash.notify_alert_doc(p_alert_id bigint, p_status text)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog
AS $$
    SELECT jsonb_build_object(
        'fingerprint', a.fingerprint, 'rule', a.rule, 'series', a.series,
        'kind', a.kind, 'severity', a.severity, 'status', p_status,
        'labels', potash.notify_labels(a.labels, a.rule, a.series, a.severity),
        'annotations', a.annotations,
        'starts_at', to_char(COALESCE(f.at, a.since) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'ends_at', CASE WHEN p_status = 'resolved'
                        THEN to_char(a.since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END,
        'value', a.value, 'metric', a.metric, 'threshold', a.threshold,
        'unit', s.unit,
        'baseline', CASE WHEN a.baseline IS NOT NULL THEN jsonb_build_object(
                'value', a.baseline,
                'from', to_char(a.baseline_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                'to', to_char(a.baseline_to AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                'n', a.baseline_n) END,
        'observations', COALESCE((
            SELECT jsonb_agg(jsonb_build_object(
                       'series', a.series, 'period', ev->>'period',
                       'value', ev->'value', 'unit', s.unit,
                       'known_at', ev->>'known_at',
                       'fetched_at', to_char(fr.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                       'source_url', fr.url) ORDER BY ord)
              FROM jsonb_array_elements(lt.evidence) WITH ORDINALITY AS x(ev, ord)
              LEFT JOIN LATERAL (
                    SELECT r.finished_at, r.url
                      FROM potash.observations o
                      JOIN potash.feed_runs r ON r.id = o.feed_run_id
                     WHERE o.series_id = s.id
                       AND o.period = (ev->>'period')::timestamptz
                     ORDER BY abs(extract(epoch FROM o.known_at
                                  - (ev->>'known_at')::timestamptz))
                     LIMIT 1) fr ON true), '[]'),
        'event', (SELECT jsonb_build_object(
                      'id', e.id, 'jurisdiction', e.jurisdiction, 'action', e.action,
                      'instrument', e.instrument, 'direction', e.direction,
                      'announced_on', e.announced_on, 'effective_on', e.effective_on,
                      'title', e.summary, 'source_url', e.source_url)
                    FROM potash.sanctions_events e
                   WHERE e.id = COALESCE(a.event_id, lt.event_id)))
      FROM potash.alerts a
      LEFT JOIN potash.series s ON s.key = a.series
      LEFT JOIN LATERAL (
            SELECT z.evidence, z.event_id FROM potash.alert_transitions z
             WHERE z.alert_id = a.id ORDER BY z.seq DESC LIMIT 1) lt ON true
      LEFT JOIN LATERAL (
            SELECT z.at FROM potash.alert_transitions z
             WHERE z.alert_id = a.id AND z.to_state = 'firing'
             ORDER BY z.seq DESC LIMIT 1) f ON true
     WHERE a.id = p_alert_id
$$;
COMMENT ON FUNCTION potash.notify_alert_doc(bigint, text) IS
    'One alert of a notification document: its state, labels, annotations, values, baseline, evidence with sources and linked event';

-- The document of notification p_id (see notify/webhook.h): the group's
-- alerts firing now, and the members that resolved.
CREATE FUNCTION potash.notification_doc(p_id bigint)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog
AS $$
#variable_conflict use_column
DECLARE
    n potash.notifications;
    g potash.notification_groups;
    c potash.channels;
    v_alerts jsonb;
    v_total integer;
BEGIN
    SELECT * INTO n FROM potash.notifications WHERE id = p_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT * INTO c FROM potash.channels WHERE name = n.channel;
    SELECT * INTO g FROM potash.notification_groups WHERE id = n.group_ref;
    IF n.synthetic IS NOT NULL THEN
        v_alerts := n.synthetic;
    ELSE
        WITH grp AS (
            SELECT a.id, 'firing' AS status, a.since
              FROM potash.alerts a
              JOIN potash.rules r ON r.name = a.rule AND c.name = ANY (r.notify)
             WHERE a.state = 'firing'
               AND potash.notify_group_key(c.group_by,
                       potash.notify_labels(a.labels, a.rule, a.series, a.severity))
                   = g.group_labels
               AND cardinality(potash.silenced_by(a.rule, a.series, a.labels, now())) = 0
            UNION
            SELECT a.id, 'resolved', a.since
              FROM jsonb_array_elements(n.members) m
              JOIN potash.alerts a ON a.fingerprint = m->>'fingerprint'
             WHERE a.state <> 'firing' AND c.send_resolved
        ), limited AS (
            SELECT grp.*, count(*) OVER () AS total,
                   row_number() OVER (ORDER BY status, since, id) AS rn
              FROM grp
        )
        SELECT COALESCE(jsonb_agg(potash.notify_alert_doc(l.id, l.status) ORDER BY l.rn), '[]'),
               COALESCE(max(l.total), 0)
          INTO v_alerts, v_total
          FROM limited l
         WHERE c.max_alerts = 0 OR l.rn <= c.max_alerts;
    END IF;
    RETURN jsonb_build_object(
        'id', n.id, 'key', n.idempotency_key, 'channel', n.channel,
        'reason', n.reason,
        'status', CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(v_alerts) x
                                     WHERE x->>'status' = 'firing')
                       THEN 'firing' ELSE 'resolved' END,
        'group_key', COALESCE(g.group_key, '{}:{}'),
        'group_labels', COALESCE(g.group_labels, '{}'),
        'group_id', COALESCE(g.group_id, left(md5(n.channel), 16)),
        'group_seq', n.group_seq,
        'truncated', GREATEST(COALESCE(v_total, 0) - jsonb_array_length(v_alerts), 0),
        'external_url', NULL,
        'created_at', to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'alerts', v_alerts);
END
$$;
COMMENT ON FUNCTION potash.notification_doc(bigint) IS
    'The document a notification is rendered from: group, reason, and its alerts with evidence and linked event';

-- Due notifications for a sender: at most p_limit, none of p_busy (ids the
-- caller has in flight), and only the oldest unfinished one of each group,
-- so that a group's notifications arrive in order.
CREATE FUNCTION potash.notification_claim(p_limit integer, p_busy bigint[])
RETURNS TABLE (id bigint, channel text, idempotency_key text, attempt integer,
               doc jsonb, body text)
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
#variable_conflict use_column
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT n.id
          FROM potash.notifications n
          JOIN potash.channels c ON c.name = n.channel
         WHERE n.next_attempt_at <= now()
           AND (n.status IN ('pending', 'retry')
                OR (n.status = 'sending'
                    AND NOT EXISTS (SELECT 1 FROM pg_stat_activity p
                                     WHERE p.pid = n.claimed_pid)))
           AND NOT (n.id = ANY (COALESCE(p_busy, '{}')))
           AND c.active AND c.disabled_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM potash.notifications o
                            WHERE o.group_ref = n.group_ref AND o.id < n.id
                              AND o.status IN ('pending', 'sending', 'retry'))
         ORDER BY n.next_attempt_at, n.id
         LIMIT p_limit
           FOR UPDATE OF n SKIP LOCKED
    LOOP
        UPDATE potash.notifications n
           SET doc = COALESCE(n.doc, potash.notification_doc(n.id))
         WHERE n.id = r.id;
        -- Nothing left to say (resolved before it went out, not sent).
        IF EXISTS (SELECT 1 FROM potash.notifications n
                    WHERE n.id = r.id AND jsonb_array_length(n.doc->'alerts') = 0) THEN
            UPDATE potash.notifications n
               SET status = 'cancelled', last_error = 'no alerts left to notify'
             WHERE n.id = r.id;
            CONTINUE;
        END IF;
        RETURN QUERY
        UPDATE potash.notifications n
           SET status = 'sending', claimed_pid = pg_backend_pid(),
               claimed_at = now(), attempts = n.attempts + 1
         WHERE n.id = r.id
        RETURNING n.id, n.channel, n.idempotency_key, n.attempts, n.doc, n.body;
    END LOOP;
END
$$;
COMMENT ON FUNCTION potash.notification_claim(integer, bigint[]) IS
    'Claims due notifications for sending (FOR UPDATE SKIP LOCKED; a claim lasts while the claiming backend lives), '
    'freezing each one''s document at its first claim';

-- Queues a system notification (a dead letter, a disabled channel) to every
-- other channel that works.
CREATE FUNCTION potash.notify_system(p_reason text, p_from_channel text, p_alert jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
    c record;
    g potash.notification_groups;
BEGIN
    FOR c IN SELECT * FROM potash.channels
              WHERE active AND disabled_at IS NULL AND name <> p_from_channel
              ORDER BY name
    LOOP
        g := potash.notify_group(c.name, jsonb_build_object('alertname', p_reason));
        UPDATE potash.notification_groups SET seq = seq + 1 WHERE id = g.id
            RETURNING * INTO g;
        INSERT INTO potash.notifications
               (group_ref, channel, reason, idempotency_key, group_seq, synthetic)
        VALUES (g.id, c.name, p_reason,
                encode(sha256(convert_to(concat_ws(chr(10), c.name, g.group_key,
                    g.seq::text, p_reason, p_alert::text), 'UTF8')), 'hex'),
                g.seq, jsonb_build_array(p_alert));
    END LOOP;
END
$$;
COMMENT ON FUNCTION potash.notify_system(text, text, jsonb) IS
    'Queues a system notification (notification_dead, channel_disabled) to every working channel but the one it is about';

-- Records attempt p_attempt of notification p_id and what follows:
--   sent       delivered
--   retry      again after p_delay (the caller's backoff, Retry-After
--              included), unless the attempts or the age are used up
--   permanent  dead now
--   disabled   dead, and the channel disabled (410 Gone)
-- A notification that dies is reported to the other channels, except a
-- report that dies itself.  Returns the new status.
CREATE FUNCTION potash.notification_result(
    p_id bigint, p_attempt integer, p_started timestamptz, p_duration_ms double precision,
    p_outcome text, p_status_code integer, p_response text, p_error text,
    p_retry_after double precision, p_delay double precision)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
    n potash.notifications;
    c potash.channels;
    st text;
    why text;
BEGIN
    SELECT * INTO n FROM potash.notifications WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'notification_result: no notification %', p_id;
    END IF;
    SELECT * INTO c FROM potash.channels WHERE name = n.channel;
    INSERT INTO potash.notification_attempts
           (notification_id, attempt, started_at, duration_ms, outcome,
            status_code, response, error, retry_after)
    VALUES (p_id, p_attempt, p_started, GREATEST(p_duration_ms, 0), p_outcome,
            p_status_code, left(p_response, 1024), p_error,
            CASE WHEN p_retry_after IS NOT NULL AND p_retry_after >= 0
                 THEN make_interval(secs => p_retry_after) END)
    ON CONFLICT (notification_id, attempt) DO NOTHING;

    why := COALESCE(p_error, CASE WHEN p_status_code IS NOT NULL
                                  THEN 'status ' || p_status_code END);
    IF p_outcome = 'sent' THEN
        st := 'sent';
        UPDATE potash.notifications
           SET status = st, sent_at = now(), claimed_pid = NULL, last_error = NULL
         WHERE id = p_id;
        UPDATE potash.notification_groups SET last_notified_at = now()
         WHERE id = n.group_ref;
        RETURN st;
    END IF;
    IF p_outcome = 'retry'
       AND n.attempts < c.max_attempts
       AND now() + make_interval(secs => p_delay) < n.created_at + c.max_age THEN
        st := 'retry';
        UPDATE potash.notifications
           SET status = st, claimed_pid = NULL, last_error = why,
               next_attempt_at = now() + make_interval(secs => p_delay)
         WHERE id = p_id;
        RETURN st;
    END IF;
    st := 'dead';
    IF p_outcome = 'retry' THEN
        why := why || format(' (gave up after %s attempt%s over %s)', n.attempts,
                             CASE WHEN n.attempts = 1 THEN '' ELSE 's' END,
                             date_trunc('second', now() - n.created_at));
    END IF;
    UPDATE potash.notifications
       SET status = st, dead_at = now(), claimed_pid = NULL, last_error = why
     WHERE id = p_id;
    IF p_outcome = 'disabled' THEN
        UPDATE potash.channels
           SET disabled_at = now(),
               disabled_reason = format('receiver answered %s to notification %s', p_status_code, p_id)
         WHERE name = n.channel;
        PERFORM potash.notify_system('channel_disabled', n.channel, jsonb_build_object(
            'fingerprint', left(md5('channel_disabled' || n.channel), 16),
            'rule', 'channel_disabled', 'series', 'channel/' || n.channel,
            'kind', 'system', 'severity', 'critical', 'status', 'firing',
            'labels', jsonb_build_object('alertname', 'channel_disabled',
                                         'channel', n.channel, 'severity', 'critical'),
            'annotations', jsonb_build_object('summary',
                format('Channel %s disabled: its receiver answered %s Gone', n.channel, p_status_code)),
            'starts_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'ends_at', NULL, 'observations', '[]'::jsonb, 'event', NULL));
    END IF;
    IF n.reason NOT IN ('notification_dead', 'channel_disabled') THEN
        PERFORM potash.notify_system('notification_dead', n.channel, jsonb_build_object(
            'fingerprint', left(md5('notification_dead' || n.id), 16),
            'rule', 'notification_dead', 'series', 'channel/' || n.channel,
            'kind', 'system', 'severity', 'critical', 'status', 'firing',
            'labels', jsonb_build_object('alertname', 'notification_dead',
                                         'channel', n.channel, 'severity', 'critical',
                                         'notification', n.id::text),
            'annotations', jsonb_build_object('summary',
                format('Notification %s to channel %s could not be delivered: %s', n.id, n.channel, why)),
            'starts_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'ends_at', NULL, 'observations', '[]'::jsonb, 'event', NULL));
    END IF;
    RETURN st;
END
$$;
COMMENT ON FUNCTION potash.notification_result(bigint, integer, timestamptz, double precision, text, integer, text, text, double precision, double precision) IS
    'Records a delivery attempt and moves the notification on: sent, retry after a delay, or dead '
    '(then reported to the other channels; a 410 also disables the channel)';

-- Repeat notifications: groups with alerts firing, last notified at least
-- repeat_interval ago, with nothing queued.
CREATE FUNCTION potash.notification_repeats()
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
    g record;
    k integer := 0;
BEGIN
    FOR g IN
        SELECT ng.*
          FROM potash.notification_groups ng
          JOIN potash.channels c ON c.name = ng.channel
         WHERE c.active AND c.disabled_at IS NULL
           AND ng.last_notified_at IS NOT NULL
           AND ng.last_notified_at + c.repeat_interval <= now()
           AND NOT EXISTS (SELECT 1 FROM potash.notifications n
                            WHERE n.group_ref = ng.id
                              AND n.status IN ('pending', 'sending', 'retry'))
           AND EXISTS (SELECT 1
                         FROM potash.alerts a
                         JOIN potash.rules r ON r.name = a.rule AND c.name = ANY (r.notify)
                        WHERE a.state = 'firing'
                          AND potash.notify_group_key(c.group_by,
                                  potash.notify_labels(a.labels, a.rule, a.series, a.severity))
                              = ng.group_labels)
           FOR UPDATE OF ng SKIP LOCKED
    LOOP
        UPDATE potash.notification_groups SET seq = seq + 1 WHERE id = g.id;
        INSERT INTO potash.notifications
               (group_ref, channel, reason, idempotency_key, group_seq)
        VALUES (g.id, g.channel, 'repeat',
                potash.notify_key(g.channel, g.group_key, g.seq + 1, 'repeat', '[]'),
                g.seq + 1);
        k := k + 1;
    END LOOP;
    RETURN k;
END
$$;
COMMENT ON FUNCTION potash.notification_repeats() IS
    'Queues a repeat notification for each group still firing that was last notified repeat_interval ago or more';

CREATE FUNCTION potash.notification_test(p_channel text, p_author text)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
    g potash.notification_groups;
    c potash.channels;
    v_id bigint;
BEGIN
    SELECT * INTO c FROM potash.channels WHERE name = p_channel;
    IF NOT FOUND OR NOT c.active THEN
        RAISE EXCEPTION 'no channel "%" is configured (see potashctl notifications or the daemon''s config)', p_channel;
    END IF;
    g := potash.notify_group(p_channel, jsonb_build_object('alertname', 'potashd_test'));
    UPDATE potash.notification_groups SET seq = seq + 1 WHERE notification_groups.id = g.id
        RETURNING * INTO g;
    INSERT INTO potash.notifications
           (group_ref, channel, reason, idempotency_key, group_seq, synthetic)
    VALUES (g.id, p_channel, 'test',
            encode(sha256(convert_to(concat_ws(chr(10), p_channel, 'test', g.seq::text,
                clock_timestamp()::text), 'UTF8')), 'hex'),
            g.seq,
            jsonb_build_array(jsonb_build_object(
                'fingerprint', left(md5('potashd_test' || p_channel), 16),
                'rule', 'potashd_test', 'series', 'channel/' || p_channel,
                'kind', 'test', 'severity', 'info', 'status', 'firing',
                'labels', jsonb_build_object('alertname', 'potashd_test',
                                             'channel', p_channel, 'severity', 'info'),
                'annotations', jsonb_build_object('summary',
                    format('Test notification to channel %s, requested by %s; no action needed',
                           p_channel, p_author)),
                'starts_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                'ends_at', NULL, 'observations', '[]'::jsonb, 'event', NULL)))
    RETURNING notifications.id INTO v_id;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION potash.notification_test(text, text) IS
    'Queues a clearly marked test notification to a channel; the daemon sends it through the real path';

CREATE FUNCTION potash.notification_redeliver(p_id bigint)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
    st text;
BEGIN
    UPDATE potash.notifications
       SET status = 'retry', next_attempt_at = now(), dead_at = NULL,
           created_at = now(), last_error = NULL, claimed_pid = NULL
     WHERE id = p_id AND status IN ('sent', 'dead', 'cancelled')
    RETURNING status INTO st;
    IF NOT FOUND THEN
        SELECT status INTO st FROM potash.notifications WHERE id = p_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no notification %', p_id;
        END IF;
        RAISE EXCEPTION 'notification % is %: only sent, dead or cancelled ones can be redelivered', p_id, st;
    END IF;
    RETURN st;
END
$$;
COMMENT ON FUNCTION potash.notification_redeliver(bigint) IS
    'Sends a sent, dead or cancelled notification again: same body and idempotency key, attempts counted on';

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------

GRANT SELECT, INSERT, UPDATE ON
    potash.channels, potash.notification_groups, potash.notifications
    TO potash_writer;
GRANT SELECT, INSERT ON potash.notification_attempts TO potash_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA potash TO potash_writer;
GRANT SELECT ON
    potash.channels, potash.notification_groups, potash.notifications,
    potash.notification_attempts
    TO potash_reader, potash_writer;

REVOKE EXECUTE ON FUNCTION
    potash.notify_labels(jsonb, text, text, text),
    potash.notify_group_key(text[], jsonb),
    potash.notify_group_text(jsonb),
    potash.channels_load(jsonb),
    potash.notify_group(text, jsonb),
    potash.notify_key(text, text, integer, text, jsonb),
    potash.notify_enqueue(bigint),
    potash.alert_apply(jsonb, jsonb, bigint, bigint),
    potash.notify_alert_doc(bigint, text),
    potash.notification_doc(bigint),
    potash.notification_claim(integer, bigint[]),
    potash.notify_system(text, text, jsonb),
    potash.notification_result(bigint, integer, timestamptz, double precision, text, integer, text, text, double precision, double precision),
    potash.notification_repeats(),
    potash.notification_test(text, text),
    potash.notification_redeliver(bigint)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    potash.notify_labels(jsonb, text, text, text),
    potash.notify_group_key(text[], jsonb),
    potash.notify_group_text(jsonb),
    potash.notify_alert_doc(bigint, text),
    potash.notification_doc(bigint)
    TO potash_writer, potash_reader;
GRANT EXECUTE ON FUNCTION
    potash.channels_load(jsonb),
    potash.notify_group(text, jsonb),
    potash.notify_key(text, text, integer, text, jsonb),
    potash.notify_enqueue(bigint),
    potash.alert_apply(jsonb, jsonb, bigint, bigint),
    potash.notification_claim(integer, bigint[]),
    potash.notify_system(text, text, jsonb),
    potash.notification_result(bigint, integer, timestamptz, double precision, text, integer, text, text, double precision, double precision),
    potash.notification_repeats(),
    potash.notification_test(text, text),
    potash.notification_redeliver(bigint)
    TO potash_writer;
