-- SPDX-License-Identifier: ISC
-- 0007_observation_references: the references from observations to series
-- and feed_runs are kept by triggers on the referenced side instead of
-- foreign keys.
--
-- Why: a foreign key checks every inserted observation row (on a
-- partitioned table, one lookup per row), which made about half of the
-- writer's cost (bench/README.md).  The writer only ever inserts
-- observations with a series_id it has just looked up and a feed_run_id
-- it has just inserted, in the same transaction, so the per-row check
-- protects nothing on that path.  What the foreign keys also guarded --
-- deleting a series or a run that observations still point to -- is
-- refused by the triggers below (and potash_writer has no DELETE at all).

ALTER TABLE potash.observations DROP CONSTRAINT observations_series_id_fkey;
ALTER TABLE potash.observations DROP CONSTRAINT observations_feed_run_id_fkey;

CREATE FUNCTION potash.refuse_referenced_delete()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_TABLE_NAME = 'series' AND EXISTS (
            SELECT 1 FROM potash.observations o WHERE o.series_id = OLD.id) THEN
        RAISE EXCEPTION 'series % (%) still has observations', OLD.id, OLD.key
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF TG_TABLE_NAME = 'feed_runs' AND EXISTS (
            SELECT 1 FROM potash.observations o WHERE o.feed_run_id = OLD.id) THEN
        RAISE EXCEPTION 'feed run % still has observations', OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END
$$;
COMMENT ON FUNCTION potash.refuse_referenced_delete() IS
    'Trigger: refuses to delete a series or feed run that observations still reference';

CREATE TRIGGER series_referenced BEFORE DELETE ON potash.series
    FOR EACH ROW EXECUTE FUNCTION potash.refuse_referenced_delete();
CREATE TRIGGER feed_runs_referenced BEFORE DELETE ON potash.feed_runs
    FOR EACH ROW EXECUTE FUNCTION potash.refuse_referenced_delete();
-- No index on observations.feed_run_id: deleting a run is rare and may
-- scan; every insert would pay for the index.

REVOKE ALL ON FUNCTION potash.refuse_referenced_delete() FROM PUBLIC;
