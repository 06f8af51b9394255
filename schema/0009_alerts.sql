-- SPDX-License-Identifier: ISC
-- 0009_alerts: the alert engine's durable state (alert/engine.h).
--
-- Creates, in schema potash:
--   rules              the rules as the daemon last loaded them
--   alerts             current state per (rule, series) instance
--   alert_transitions  every state change, with its evidence
--   silences           matchers that mark alerts silenced for a time
--   alert_cursor       how far the stored history has been evaluated
--   glob_match()       the rules' series glob ('*', '?': not across '/')
--   silenced_by()      the silences matching an alert at a time
--   alerts_now         view: alerts with their rule and silences now
--   alert_inputs()     observations stored after a feed run, for the engine
--   rules_load()       mirrors the loaded rules (one call per load)
--   alert_apply()      stores a pass's transitions and states atomically
--
-- The daemon evaluates only what is committed: after each batch it reads
-- the observations of runs after alert_cursor.feed_run_id and the events
-- after alert_cursor.event_id, feeds them to the engine, and stores the
-- resulting transitions, the changed instances and the new cursor with one
-- alert_apply() call.  A crash between the batch and alert_apply() leaves
-- the cursor behind, so the same inputs are evaluated again at start.

-- Evaluation reads observations by the run that stored them.
CREATE INDEX observations_feed_run_idx ON potash.observations (feed_run_id);

CREATE TABLE potash.rules (
    name               text PRIMARY KEY CHECK (name <> ''),
    kind               text NOT NULL,
    series             text,
    severity           text NOT NULL,
    labels             jsonb NOT NULL DEFAULT '{}',
    annotations        jsonb NOT NULL DEFAULT '{}',
    notify             text[] NOT NULL DEFAULT '{}',
    definition         jsonb NOT NULL DEFAULT '{}',
    active             boolean NOT NULL DEFAULT true,
    loaded_at          timestamptz NOT NULL DEFAULT now(),
    last_evaluated_at  timestamptz
);
COMMENT ON TABLE potash.rules IS
    'Alert rules as the daemon last loaded them from its config; a rule no longer configured stays with active = false';
COMMENT ON COLUMN potash.rules.series IS 'Series key or glob (* and ? do not cross /); NULL for sanctions rules';
COMMENT ON COLUMN potash.rules.definition IS 'Every option of the rule as written in the config (jsonb object)';
COMMENT ON COLUMN potash.rules.last_evaluated_at IS 'When the daemon last evaluated rules and stored the result';

CREATE TABLE potash.alerts (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fingerprint    text NOT NULL UNIQUE CHECK (fingerprint ~ '^[0-9a-f]{16}$'),
    rule           text NOT NULL,
    series         text NOT NULL,
    kind           text NOT NULL,
    severity       text NOT NULL,
    labels         jsonb NOT NULL DEFAULT '{}',
    state          text NOT NULL CHECK (state IN ('inactive', 'pending', 'firing', 'resolved')),
    since          timestamptz NOT NULL,
    value          double precision,
    metric         double precision,
    threshold      double precision,
    baseline       double precision,
    baseline_from  timestamptz,
    baseline_to    timestamptz,
    baseline_n     integer,
    event_id       bigint REFERENCES potash.sanctions_events (id),
    flapping       boolean NOT NULL DEFAULT false,
    annotations    jsonb NOT NULL DEFAULT '{}',
    saved          jsonb NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_state_idx ON potash.alerts (state);
COMMENT ON TABLE potash.alerts IS
    'Current state of each alert instance: one row per (rule, series), identified by a fingerprint over rule, series and labels';
COMMENT ON COLUMN potash.alerts.since IS 'When the instance entered its state';
COMMENT ON COLUMN potash.alerts.metric IS
    'What the rule compared: the value, a change (percent on percent rules), a sum or a revision';
COMMENT ON COLUMN potash.alerts.baseline IS
    'since_event: the mean frozen before the event; change: the window''s first value';
COMMENT ON COLUMN potash.alerts.event_id IS 'The sanctions event the alert is tied to, if any';
COMMENT ON COLUMN potash.alerts.annotations IS 'The rule''s annotations rendered for the latest transition';
COMMENT ON COLUMN potash.alerts.saved IS 'The engine''s state of the instance, reloaded at start';

CREATE TABLE potash.alert_transitions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id       bigint NOT NULL REFERENCES potash.alerts (id),
    seq            integer NOT NULL CHECK (seq > 0),
    fingerprint    text NOT NULL,
    rule           text NOT NULL,
    series         text NOT NULL,
    severity       text NOT NULL,
    at             timestamptz NOT NULL,
    from_state     text NOT NULL,
    to_state       text NOT NULL,
    reason         text NOT NULL,
    flapping       boolean NOT NULL DEFAULT false,
    silenced       boolean NOT NULL DEFAULT false,
    silence_ids    bigint[] NOT NULL DEFAULT '{}',
    value          double precision,
    metric         double precision,
    threshold      double precision,
    baseline       double precision,
    baseline_from  timestamptz,
    baseline_to    timestamptz,
    baseline_n     integer,
    event_id       bigint REFERENCES potash.sanctions_events (id),
    event          text,
    due            timestamptz,
    expected       timestamptz,
    evidence       jsonb NOT NULL DEFAULT '[]',
    inputs         integer NOT NULL DEFAULT 0,
    annotations    jsonb NOT NULL DEFAULT '{}',
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (alert_id, seq)
);
CREATE INDEX alert_transitions_at_idx ON potash.alert_transitions (at);
COMMENT ON TABLE potash.alert_transitions IS
    'Every state change of every alert, in order (seq per alert), with the evidence that caused it';
COMMENT ON COLUMN potash.alert_transitions.at IS
    'When the change logically happened (an observation''s known_at, or the deadline that passed)';
COMMENT ON COLUMN potash.alert_transitions.reason IS
    'condition, for, cleared, keep_expired, window_closed, trigger, retrigger, flapping_start, flapping_end';
COMMENT ON COLUMN potash.alert_transitions.silenced IS 'A silence matched the alert when the change was recorded';
COMMENT ON COLUMN potash.alert_transitions.evidence IS
    'The observations compared, oldest first: [{"period", "value", "known_at"}] (the newest 16 of "inputs")';
COMMENT ON COLUMN potash.alert_transitions.due IS 'stale: when the data was due';
COMMENT ON COLUMN potash.alert_transitions.expected IS 'stale: the period expected by then';

CREATE TABLE potash.silences (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule        text,
    series      text,
    labels      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(labels) = 'object'),
    starts_at   timestamptz NOT NULL DEFAULT now(),
    ends_at     timestamptz NOT NULL,
    reason      text NOT NULL CHECK (reason <> ''),
    author      text NOT NULL CHECK (author <> ''),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
COMMENT ON TABLE potash.silences IS
    'While now() is in [starts_at, ends_at) an alert matching rule (NULL: any), series (a glob; NULL: any) '
    'and every label given is silenced: it still changes state and is recorded, marked silenced, and is not notified';

CREATE TABLE potash.alert_cursor (
    only_row     boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    feed_run_id  bigint NOT NULL DEFAULT 0,
    event_id     bigint NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO potash.alert_cursor DEFAULT VALUES;
COMMENT ON TABLE potash.alert_cursor IS
    'One row: the last feed run and sanctions event whose data the alert engine has evaluated and stored';

CREATE FUNCTION potash.glob_match(pattern text, key text)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog
AS $$
    SELECT key ~ ('^' || replace(replace(
        regexp_replace(pattern, '([.+^$()\[\]{}|\\])', '\\\1', 'g'),
        '*', '[^/]*'), '?', '[^/]') || '$')
$$;
COMMENT ON FUNCTION potash.glob_match(text, text) IS
    'Whether key matches a rule''s series glob: * is any run of characters but /, ? one character but /';

CREATE FUNCTION potash.silenced_by(p_rule text, p_series text, p_labels jsonb, p_at timestamptz)
RETURNS bigint[]
LANGUAGE sql STABLE
SET search_path = pg_catalog
AS $$
    SELECT COALESCE(array_agg(s.id ORDER BY s.id), '{}')
      FROM potash.silences s
     WHERE p_at >= s.starts_at AND p_at < s.ends_at
       AND (s.rule IS NULL OR s.rule = p_rule)
       AND (s.series IS NULL OR potash.glob_match(s.series, p_series))
       AND COALESCE(p_labels, '{}') @> s.labels
$$;
COMMENT ON FUNCTION potash.silenced_by(text, text, jsonb, timestamptz) IS
    'Ids of the silences that match an alert (rule, series, labels) at a time; empty if none';

CREATE VIEW potash.alerts_now AS
SELECT a.id, a.fingerprint, a.rule, a.series, a.kind, a.severity, a.labels,
       a.state, a.since, now() - a.since AS age,
       a.value, a.metric, a.threshold, a.baseline, a.baseline_from,
       a.baseline_to, a.baseline_n, a.event_id,
       e.jurisdiction || ' ' || e.action || ' ' || e.instrument
           || ' (' || COALESCE(e.effective_on, e.announced_on) || ')' AS event,
       e.source_url AS event_source,
       a.flapping,
       cardinality(si.ids) > 0 AS silenced,
       si.ids AS silence_ids,
       COALESCE(r.active, false) AS rule_active,
       a.annotations, a.updated_at
  FROM potash.alerts a
  LEFT JOIN potash.rules r ON r.name = a.rule
  LEFT JOIN potash.sanctions_events e ON e.id = a.event_id
  CROSS JOIN LATERAL (
        SELECT potash.silenced_by(a.rule, a.series, a.labels, now()) AS ids) si;
COMMENT ON VIEW potash.alerts_now IS
    'Alerts with their linked event, whether a silence matches them now, and whether their rule is still configured';

CREATE FUNCTION potash.alert_inputs(after_run bigint, max_runs integer)
RETURNS TABLE (feed_run_id bigint, series text, period timestamptz,
               value double precision, known_at timestamptz,
               prev double precision)
LANGUAGE sql STABLE
SET search_path = pg_catalog
AS $$
    SELECT o.feed_run_id, s.key, o.period, o.value::double precision,
           o.known_at,
           (SELECT p.value::double precision
              FROM potash.observations p
             WHERE p.series_id = o.series_id AND p.period = o.period
               AND p.known_at < o.known_at
             ORDER BY p.known_at DESC
             LIMIT 1)
      FROM potash.observations o
      JOIN potash.series s ON s.id = o.series_id
     WHERE o.feed_run_id IN (
            SELECT DISTINCT r.feed_run_id
              FROM potash.observations r
             WHERE r.feed_run_id > after_run
             ORDER BY r.feed_run_id
             LIMIT max_runs)
     ORDER BY o.feed_run_id, o.known_at, s.key, o.period
$$;
COMMENT ON FUNCTION potash.alert_inputs(bigint, integer) IS
    'Observations stored by the next max_runs feed runs after after_run, in evaluation order, '
    'with the value each one revises (NULL for a first value)';

CREATE FUNCTION potash.rules_load(p_rules jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
    INSERT INTO potash.rules AS r
           (name, kind, series, severity, labels, annotations, notify,
            definition, active, loaded_at)
    SELECT x.name, x.kind, x.series, x.severity,
           COALESCE(x.labels, '{}'), COALESCE(x.annotations, '{}'),
           COALESCE(x.notify, '{}'), COALESCE(x.definition, '{}'), true, now()
      FROM jsonb_to_recordset(p_rules)
           AS x(name text, kind text, series text, severity text, labels jsonb,
                annotations jsonb, notify text[], definition jsonb)
    ON CONFLICT (name) DO UPDATE
       SET kind = EXCLUDED.kind, series = EXCLUDED.series,
           severity = EXCLUDED.severity, labels = EXCLUDED.labels,
           annotations = EXCLUDED.annotations, notify = EXCLUDED.notify,
           definition = EXCLUDED.definition, active = true,
           loaded_at = now();
    UPDATE potash.rules r
       SET active = false
     WHERE r.active
       AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(p_rules) j
                        WHERE j->>'name' = r.name);
END
$$;
COMMENT ON FUNCTION potash.rules_load(jsonb) IS
    'Mirrors the rules the daemon loaded (a jsonb array of rule objects); rules absent from it become inactive';

CREATE FUNCTION potash.alert_apply(p_transitions jsonb, p_alerts jsonb,
                                   p_feed_run bigint, p_event bigint)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
    n integer := 0;
BEGIN
    IF p_alerts IS NOT NULL AND jsonb_array_length(p_alerts) > 0 THEN
        INSERT INTO potash.alerts AS a
               (fingerprint, rule, series, kind, severity, labels, state, since,
                value, metric, threshold, baseline, baseline_from, baseline_to,
                baseline_n, event_id, flapping, annotations, saved, updated_at)
        SELECT x.fingerprint, x.rule, x.series, x.kind, x.severity,
               COALESCE(x.labels, '{}'), x.state, x.since, x.value, x.metric,
               x.threshold, x.baseline, x.baseline_from, x.baseline_to,
               x.baseline_n, NULLIF(x.event_id, 0), COALESCE(x.flapping, false),
               COALESCE(x.annotations, '{}'), x.saved, now()
          FROM jsonb_to_recordset(p_alerts)
               AS x(fingerprint text, rule text, series text, kind text,
                    severity text, labels jsonb, state text, since timestamptz,
                    value double precision, metric double precision,
                    threshold double precision, baseline double precision,
                    baseline_from timestamptz, baseline_to timestamptz,
                    baseline_n integer, event_id bigint, flapping boolean,
                    annotations jsonb, saved jsonb)
        ON CONFLICT (fingerprint) DO UPDATE
           SET rule = EXCLUDED.rule, series = EXCLUDED.series,
               kind = EXCLUDED.kind, severity = EXCLUDED.severity,
               labels = EXCLUDED.labels, state = EXCLUDED.state,
               since = EXCLUDED.since, value = EXCLUDED.value,
               metric = EXCLUDED.metric, threshold = EXCLUDED.threshold,
               baseline = EXCLUDED.baseline,
               baseline_from = EXCLUDED.baseline_from,
               baseline_to = EXCLUDED.baseline_to,
               baseline_n = EXCLUDED.baseline_n, event_id = EXCLUDED.event_id,
               flapping = EXCLUDED.flapping,
               annotations = CASE WHEN EXCLUDED.annotations = '{}'
                                  THEN a.annotations
                                  ELSE EXCLUDED.annotations END,
               saved = EXCLUDED.saved, updated_at = now();
    END IF;

    IF p_transitions IS NOT NULL AND jsonb_array_length(p_transitions) > 0 THEN
        WITH t AS (
            SELECT x.*, j.ord
              FROM jsonb_array_elements(p_transitions) WITH ORDINALITY AS j(elem, ord)
             CROSS JOIN LATERAL jsonb_to_record(j.elem)
                   AS x(fingerprint text, rule text, series text, severity text,
                        labels jsonb, at timestamptz, from_state text,
                        to_state text, reason text, flapping boolean,
                        value double precision, metric double precision,
                        threshold double precision, baseline double precision,
                        baseline_from timestamptz, baseline_to timestamptz,
                        baseline_n integer, event_id bigint, event text,
                        due timestamptz, expected timestamptz, evidence jsonb,
                        inputs integer, annotations jsonb)
        ), numbered AS (
            SELECT t.*, a.id AS alert_id,
                   COALESCE((SELECT max(z.seq) FROM potash.alert_transitions z
                              WHERE z.alert_id = a.id), 0)
                     + row_number() OVER (PARTITION BY a.id ORDER BY t.ord) AS seq
              FROM t
              JOIN potash.alerts a ON a.fingerprint = t.fingerprint
        )
        INSERT INTO potash.alert_transitions
               (alert_id, seq, fingerprint, rule, series, severity, at,
                from_state, to_state, reason, flapping, silenced, silence_ids,
                value, metric, threshold, baseline, baseline_from, baseline_to,
                baseline_n, event_id, event, due, expected, evidence, inputs,
                annotations)
        SELECT nb.alert_id, nb.seq, nb.fingerprint, nb.rule, nb.series,
               nb.severity, nb.at, nb.from_state, nb.to_state, nb.reason,
               COALESCE(nb.flapping, false),
               cardinality(si.ids) > 0, si.ids,
               nb.value, nb.metric, nb.threshold, nb.baseline, nb.baseline_from,
               nb.baseline_to, nb.baseline_n, NULLIF(nb.event_id, 0), nb.event,
               nb.due, nb.expected, COALESCE(nb.evidence, '[]'),
               COALESCE(nb.inputs, 0), COALESCE(nb.annotations, '{}')
          FROM numbered nb
         CROSS JOIN LATERAL (
               SELECT potash.silenced_by(nb.rule, nb.series, nb.labels, now()) AS ids) si
         ORDER BY nb.ord;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n <> jsonb_array_length(p_transitions) THEN
            RAISE EXCEPTION 'alert_apply: % transition(s) name no stored alert',
                jsonb_array_length(p_transitions) - n;
        END IF;

        -- An alert shows the annotations of its latest transition, and
        -- the event that caused it when its own state names none (a
        -- sanctions alert's event is its series).
        UPDATE potash.alerts a
           SET annotations = CASE WHEN l.annotations = '{}' THEN a.annotations
                                  ELSE l.annotations END,
               event_id = COALESCE(a.event_id, NULLIF(l.event_id, 0))
          FROM (SELECT DISTINCT ON (x.fingerprint)
                       x.fingerprint, COALESCE(x.annotations, '{}') AS annotations,
                       x.event_id
                  FROM jsonb_array_elements(p_transitions) WITH ORDINALITY AS j(elem, ord)
                 CROSS JOIN LATERAL jsonb_to_record(j.elem)
                       AS x(fingerprint text, annotations jsonb, event_id bigint)
                 ORDER BY x.fingerprint, j.ord DESC) l
         WHERE a.fingerprint = l.fingerprint;
    END IF;

    UPDATE potash.alert_cursor
       SET feed_run_id = GREATEST(feed_run_id, COALESCE(p_feed_run, 0)),
           event_id = GREATEST(event_id, COALESCE(p_event, 0)),
           updated_at = now();
    UPDATE potash.rules SET last_evaluated_at = now() WHERE active;
    RETURN n;
END
$$;
COMMENT ON FUNCTION potash.alert_apply(jsonb, jsonb, bigint, bigint) IS
    'Stores one evaluation pass atomically: the changed alert instances (upsert by fingerprint), '
    'their transitions (numbered per alert, marked silenced when a silence matches now) and the new cursor; '
    'returns the number of transitions stored';

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------

GRANT SELECT, INSERT, UPDATE ON
    potash.rules, potash.alerts, potash.silences, potash.alert_cursor
    TO potash_writer;
GRANT SELECT, INSERT ON potash.alert_transitions TO potash_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA potash TO potash_writer;
GRANT SELECT ON
    potash.rules, potash.alerts, potash.alert_transitions, potash.silences,
    potash.alert_cursor, potash.alerts_now
    TO potash_reader, potash_writer;

REVOKE EXECUTE ON FUNCTION
    potash.alert_inputs(bigint, integer),
    potash.rules_load(jsonb),
    potash.alert_apply(jsonb, jsonb, bigint, bigint),
    potash.glob_match(text, text),
    potash.silenced_by(text, text, jsonb, timestamptz)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION potash.alert_inputs(bigint, integer) TO potash_writer, potash_reader;
GRANT EXECUTE ON FUNCTION potash.rules_load(jsonb) TO potash_writer;
GRANT EXECUTE ON FUNCTION potash.alert_apply(jsonb, jsonb, bigint, bigint) TO potash_writer;
GRANT EXECUTE ON FUNCTION potash.glob_match(text, text), potash.silenced_by(text, text, jsonb, timestamptz)
    TO potash_writer, potash_reader;
