-- SPDX-License-Identifier: ISC
-- 0001_init: the potash schema, the two group roles and the migration ledger.
--
-- Roles (NOLOGIN groups; grant them to login roles):
--   potash_writer  the daemon: writes what it collects, its alert state and outbox.
--   potash_reader  analysts and dashboards: SELECT on what they need, nothing else.
-- Later migrations grant table privileges to these roles as they add tables.

CREATE SCHEMA IF NOT EXISTS potash;
COMMENT ON SCHEMA potash IS
    'potashd: potash prices, trade flows, sanctions events, alerts';

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'potash_writer') THEN
        CREATE ROLE potash_writer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'potash_reader') THEN
        CREATE ROLE potash_reader NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA potash TO potash_writer, potash_reader;

CREATE TABLE potash.schema_migrations (
    name        text PRIMARY KEY,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE potash.schema_migrations IS
    'One row per applied migration file (schema/NNNN_name.sql): name and SHA-256 of its text';

GRANT SELECT ON potash.schema_migrations TO potash_writer, potash_reader;
