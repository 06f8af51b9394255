-- SPDX-License-Identifier: ISC
-- 0018_series_rekey_epoch: deleting, truncating or re-keying series also
-- advances potash.observations_epoch.
--
-- Why: a writer remembers values by series key (0015).  Renaming a series
-- changes no observation, so it did not advance observations_epoch, and a
-- writer that remembered values under the old key took a poll of that key
-- as unchanged: nothing was stored under it, while the database no longer
-- had a series of that key.  The trigger that advances series_epoch on
-- such changes (0013) now advances observations_epoch too, as a writer of
-- observations does (advisory lock (1886352483, 0) shared until the
-- transaction ends), so that writers forget what they remembered.

CREATE OR REPLACE FUNCTION potash.series_epoch_advance()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM nextval('potash.series_epoch');
    PERFORM pg_advisory_xact_lock_shared(1886352483, 0);
    PERFORM nextval('potash.observations_epoch');
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION potash.series_epoch_advance() IS
    'Trigger: advances potash.series_epoch and potash.observations_epoch (runs as the schema owner, so whoever '
    'may change series may fire it)';
