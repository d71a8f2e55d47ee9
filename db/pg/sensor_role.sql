-- The least-privilege role of one sensor (docs/fleet.md). Not a migration:
-- run it as the central database's owner, once per sensor, after
-- `herkomst fleet migrate`:
--
--   psql -d herkomst -v role=sensor_north -f sensor_role.sql
--   psql -d herkomst -c "ALTER ROLE sensor_north PASSWORD '...'"   (or \password)
--
-- A sensor reads the schema version and its database id (hk_meta), adds
-- devices it has not seen before, and inserts or updates its own rows. It
-- may not create, alter or drop anything, and may delete nothing but the
-- annotations an analyst removed on the sensor.
CREATE ROLE :"role" LOGIN NOINHERIT;
GRANT USAGE ON SCHEMA public TO :"role";
GRANT SELECT ON hk_meta TO :"role";
GRANT SELECT, INSERT ON devices TO :"role";
GRANT USAGE ON SEQUENCE devices_id_seq TO :"role";
GRANT SELECT, INSERT, UPDATE ON sensors, device_sightings, evidence, assessments TO :"role";
GRANT SELECT, INSERT, UPDATE, DELETE ON annotations TO :"role";
