-- herkomst schema, version 4: change tracking for shipping to a central
-- PostgreSQL (docs/fleet.md). Every write that changes a device or its
-- annotations gives the device key the next number of one sequence
-- (meta 'rev'); a shipper remembers, per central target, the highest number
-- it has shipped and committed (its watermark), and ships the keys above it.
-- One row per key: a device that changed a hundred times during an outage is
-- shipped once, so what is not yet shipped is bounded by the number of
-- devices.
CREATE TABLE changes (
  device_key TEXT PRIMARY KEY,       -- 'mac:..' or 'ip:..', as devices.key
  rev        INTEGER NOT NULL UNIQUE -- the sequence number of its last change
) WITHOUT ROWID;

CREATE TABLE ship_targets (
  target      TEXT PRIMARY KEY,      -- '<sensor_id>/<site>'
  database_id TEXT,                  -- the central database's hk_meta database_id: another
                                     -- database (new, rebuilt) gets everything again
  watermark   INTEGER NOT NULL DEFAULT 0,
  shipped_at  INTEGER,               -- microseconds since the Unix epoch (UTC)
  rows        INTEGER NOT NULL DEFAULT 0  -- rows written centrally, in all
);

-- What is already in the store is a change not yet shipped anywhere.
INSERT INTO changes (device_key, rev) SELECT key, id FROM devices;
INSERT INTO changes (device_key, rev)
  SELECT device_key, (SELECT coalesce(max(id), 0) FROM devices) + row_number() OVER (ORDER BY device_key)
  FROM (SELECT DISTINCT device_key FROM annotations WHERE device_key NOT IN (SELECT key FROM devices));
INSERT OR REPLACE INTO meta (key, value) VALUES ('rev', (SELECT coalesce(max(rev), 0) FROM changes));
