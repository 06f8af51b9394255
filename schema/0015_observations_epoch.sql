-- SPDX-License-Identifier: ISC
-- 0015_observations_epoch: a counter of changes to potash.observations,
-- so that a writer may remember the values it stored and count a value
-- polled again unchanged without sending it.
--
-- Why: a feed polled every few minutes mostly brings back what it brought
-- before.  Comparing each of those values in the database costs a stage
-- row, a lookup and a count (bench/poll: about 0.2 ms of backend time per
-- small batch, so the writer fell behind the polls).  The writer now keeps
-- the values its committed transactions left current (store/valcache.c)
-- and sends only what differs from them; a value it leaves out is counted
-- as unchanged in that batch's feed_runs row all the same.  That is right
-- only while nobody else changed observations since, which this migration
-- makes visible:
--
--   observations_epoch    a sequence, advanced after every statement that
--                         changes potash.observations (a statement trigger
--                         for INSERT, UPDATE, DELETE and TRUNCATE), whose
--                         transaction also holds advisory lock (1886352483,
--                         0) shared until it ends: "writing observations"
--   observations_epoch_hold()
--                         for the writer's transaction: if no other
--                         transaction is writing observations, takes that
--                         lock exclusively (until the transaction ends:
--                         others wait to write, never the other way round)
--                         and answers the next epoch; else takes it shared,
--                         like any writer, and answers 0: nothing can be
--                         relied on, since what the others write is not
--                         visible yet
--   store_batches(p_batches, p_series, p_epoch, p_obs_epoch)
--                         0013's store_batches() after observations_epoch_
--                         hold(): fails with SQLSTATE PW002 if p_obs_epoch
--                         is given and the epoch before ours was not
--                         p_obs_epoch (or unknown), stores as 0013 does (its
--                         own statements then leave the epoch alone), adds
--                         each batch's known_unchanged (an element of
--                         p_batches: values the writer left out) to that
--                         batch's unchanged count, and answers the epoch
--                         (0 if none) with every row.
--
-- A writer answered epoch E knows that the values it sent are current, and
-- that those it remembered from before are still current if E - 1 is the
-- epoch its previous call answered: while it held the lock no other writer
-- was half-way, and nobody changed observations in between.  Writes made
-- straight into a yearly partition (only the schema owner may) are not
-- numbered.

CREATE SEQUENCE potash.observations_epoch;
COMMENT ON SEQUENCE potash.observations_epoch IS
    'Advanced after every statement that changes potash.observations and by every store_batches() call: '
    'writers that remember the values they stored compare it';

CREATE FUNCTION potash.observations_epoch_advance()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- store_batches() holds the epoch already for this transaction.
    IF current_setting('potash.observations_epoch_held', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(1886352483, 0);
    PERFORM nextval('potash.observations_epoch');
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION potash.observations_epoch_advance() IS
    'Trigger: advances potash.observations_epoch and marks the transaction as writing observations '
    '(advisory lock 1886352483, 0 shared), unless store_batches() holds the epoch for it';
REVOKE ALL ON FUNCTION potash.observations_epoch_advance() FROM PUBLIC;

CREATE TRIGGER observations_epoch
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON potash.observations
    FOR EACH STATEMENT EXECUTE FUNCTION potash.observations_epoch_advance();

CREATE FUNCTION potash.observations_epoch_hold()
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    e  bigint;
BEGIN
    IF pg_try_advisory_xact_lock(1886352483, 0) THEN
        e := nextval('potash.observations_epoch');
    ELSE
        PERFORM pg_advisory_xact_lock_shared(1886352483, 0);
        PERFORM nextval('potash.observations_epoch');
        e := 0;
    END IF;
    PERFORM set_config('potash.observations_epoch_held', 'on', true);
    RETURN e;
END
$$;
COMMENT ON FUNCTION potash.observations_epoch_hold() IS
    'For store_batches(): advances potash.observations_epoch once for this transaction and answers it, '
    'holding advisory lock (1886352483, 0) exclusively; or, if another transaction is writing '
    'observations, holds it shared and answers 0 (runs as the schema owner)';
REVOKE ALL ON FUNCTION potash.observations_epoch_hold() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION potash.observations_epoch_hold() TO potash_writer;

CREATE FUNCTION potash.store_batches_known(p_batches jsonb, p_epoch bigint, p_obs_epoch bigint)
RETURNS TABLE (batch int, feed_run_id bigint, stored int, unchanged int,
               revised int, duplicate boolean, events_new int,
               series_key text, series_id bigint, epoch bigint, obs_epoch bigint)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    cur_epoch  bigint;
    dups       int[];
    n_b        int[];
    n_id       bigint[];
    n_known    int[];
BEGIN
    SELECT e.last_value INTO cur_epoch FROM potash.series_epoch e;
    IF p_epoch IS NOT NULL AND p_epoch <> cur_epoch THEN
        RAISE EXCEPTION 'store_batches: series were deleted or re-keyed since the writer cached their ids (epoch % -> %)',
            p_epoch, cur_epoch
            USING ERRCODE = 'PW001';
    END IF;

    SELECT COALESCE(array_agg(e.ord::int), '{}')
      INTO dups
      FROM jsonb_array_elements(p_batches) WITH ORDINALITY AS e(doc, ord)
      JOIN potash.feed_runs r ON r.batch_id = e.doc->>'id';

    WITH bt AS (
        SELECT e.ord::int AS b, d.*
          FROM jsonb_array_elements(p_batches) WITH ORDINALITY AS e(doc, ord),
               jsonb_to_record(e.doc)
                   AS d(id text, feed text, url text, status int, bytes bigint,
                        started timestamptz, finished timestamptz, error text,
                        known_unchanged int)
         WHERE e.ord::int <> ALL (dups)
    ), runs AS (
        INSERT INTO potash.feed_runs AS r
               (batch_id, feed, url, http_status, bytes, started_at, finished_at,
                error, observations_stored, observations_unchanged,
                observations_revised)
        SELECT bt.id, bt.feed, bt.url, bt.status, bt.bytes,
               COALESCE(bt.started, now()), bt.finished, bt.error,
               0, COALESCE(bt.known_unchanged, 0), 0
          FROM bt
         ORDER BY bt.b
        RETURNING r.id, r.batch_id, r.observations_unchanged
    )
    SELECT array_agg(bt.b ORDER BY bt.b), array_agg(runs.id ORDER BY bt.b),
           array_agg(runs.observations_unchanged ORDER BY bt.b)
      INTO n_b, n_id, n_known
      FROM runs
      JOIN bt ON bt.id = runs.batch_id;

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
    SELECT u.b, u.id, 0, u.known, 0, false, 0, NULL::text, NULL::bigint,
           cur_epoch, p_obs_epoch
      FROM unnest(COALESCE(n_b, '{}'), COALESCE(n_id, '{}'),
                  COALESCE(n_known, '{}')) AS u(b, id, known)
    UNION ALL
    SELECT e.ord::int, r.id, r.observations_stored, r.observations_unchanged,
           r.observations_revised, true, 0, NULL::text, NULL::bigint,
           cur_epoch, p_obs_epoch
      FROM jsonb_array_elements(p_batches) WITH ORDINALITY AS e(doc, ord)
      JOIN potash.feed_runs r ON r.batch_id = e.doc->>'id'
     WHERE e.ord::int = ANY (dups);
END
$$;
COMMENT ON FUNCTION potash.store_batches_known(jsonb, bigint, bigint) IS
    'store_batches() when nothing is staged, described or detected: the feed runs (each once per batch id) '
    'with their known_unchanged counts and the validators; answers as store_batches() does, obs_epoch being '
    'p_obs_epoch. Called by store_batches(jsonb, jsonb, bigint, bigint) only.';
REVOKE ALL ON FUNCTION potash.store_batches_known(jsonb, bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION potash.store_batches_known(jsonb, bigint, bigint) TO potash_writer;

CREATE FUNCTION potash.store_batches(p_batches jsonb, p_series jsonb, p_epoch bigint,
                                     p_obs_epoch bigint)
RETURNS TABLE (batch int, feed_run_id bigint, stored int, unchanged int,
               revised int, duplicate boolean, events_new int,
               series_key text, series_id bigint, epoch bigint, obs_epoch bigint)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_after   bigint;
    v_all     int[];
    v_known   int;
    v_runs    bigint[] := '{}';
    v_counts  int[] := '{}';
    r         record;
BEGIN
    v_after := potash.observations_epoch_hold();
    IF p_obs_epoch IS NOT NULL AND p_obs_epoch <> v_after - 1 THEN
        RAISE EXCEPTION 'store_batches: observations changed since the writer learned its values (epoch %, now %)',
            p_obs_epoch, CASE WHEN v_after = 0 THEN 'being written by another transaction'
                              ELSE (v_after - 1)::text END
            USING ERRCODE = 'PW002';
    END IF;

    -- Nothing staged, described or detected (every value was known
    -- unchanged: a feed polled again): only the feed runs, with their
    -- counts, and the validators, as 0013 writes them.
    IF COALESCE(jsonb_array_length(p_series), 0) = 0
       AND NOT EXISTS (SELECT 1 FROM pg_temp.writer_stage)
       AND NOT jsonb_path_exists(p_batches, '$[*].events[0]') THEN
        RETURN QUERY SELECT * FROM potash.store_batches_known(p_batches, p_epoch, v_after);
        RETURN;
    END IF;

    -- Read once: p_batches is large, and each -> on it would unpack it.
    v_all := ARRAY(SELECT COALESCE((e.doc->>'known_unchanged')::int, 0)
                     FROM jsonb_array_elements(p_batches) WITH ORDINALITY AS e(doc, ord)
                    ORDER BY e.ord);
    IF 0 > ANY (v_all) THEN
        RAISE EXCEPTION 'store_batches: a batch has a negative known_unchanged'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    FOR r IN
        SELECT * FROM potash.store_batches(p_batches, p_series, p_epoch)
    LOOP
        v_known := 0;
        IF r.batch IS NOT NULL AND NOT r.duplicate THEN
            v_known := COALESCE(v_all[r.batch], 0);
            IF v_known > 0 THEN
                v_runs := v_runs || r.feed_run_id;
                v_counts := v_counts || v_known;
            END IF;
        END IF;
        batch := r.batch;
        feed_run_id := r.feed_run_id;
        stored := r.stored;
        unchanged := r.unchanged + v_known;
        revised := r.revised;
        duplicate := r.duplicate;
        events_new := r.events_new;
        series_key := r.series_key;
        series_id := r.series_id;
        epoch := r.epoch;
        obs_epoch := v_after;
        RETURN NEXT;
    END LOOP;

    UPDATE potash.feed_runs f
       SET observations_unchanged = f.observations_unchanged + u.n
      FROM unnest(v_runs, v_counts) AS u(id, n)
     WHERE f.id = u.id;
END
$$;
COMMENT ON FUNCTION potash.store_batches(jsonb, jsonb, bigint, bigint) IS
    'store_batches(p_batches, p_series, p_epoch) with potash.observations_epoch: holds it for the '
    'transaction, fails with SQLSTATE PW002 if p_obs_epoch is given and the epoch before was another '
    'or unknown, adds each batch''s known_unchanged (values the writer left out as unchanged) to its '
    'counts, and answers the epoch (0: unknown, another transaction is writing) as obs_epoch on every row.';

REVOKE ALL ON FUNCTION potash.store_batches(jsonb, jsonb, bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION potash.store_batches(jsonb, jsonb, bigint, bigint) TO potash_writer;
