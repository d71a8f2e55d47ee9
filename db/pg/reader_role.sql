-- The read-only role of a dashboard or a report (herkomst serve --pg,
-- herkomst report --pg; docs/fleet.md, "Reading the fleet"). Not a
-- migration: run it as the central database's owner, once per reader, after
-- `herkomst fleet migrate`:
--
--   psql -d herkomst -v role=dashboard -f reader_role.sql
--   psql -d herkomst -c "ALTER ROLE dashboard PASSWORD '...'"   (or \password)
--
-- A reader checks the schema version (hk_meta) and reads the sensors'
-- rows; it may change nothing. herkomst also makes its own sessions
-- read-only, whatever the role may do; the role setting below holds for any
-- other client that logs in with it.
CREATE ROLE :"role" LOGIN NOINHERIT;
ALTER ROLE :"role" SET default_transaction_read_only = on;
GRANT USAGE ON SCHEMA public TO :"role";
GRANT SELECT ON hk_meta, sensors, devices, device_sightings, evidence, annotations TO :"role";
