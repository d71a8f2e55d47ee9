-- herkomst schema, version 3: analyst annotations per device (criterion 3B of
-- letter 26643-1007 and corrections of ownership), keyed by the device key
-- ('mac:..' or 'ip:..'), not the row id, so they survive re-analysis and do
-- not depend on the devices table. One annotation per device and kind.
CREATE TABLE annotations (
  device_key TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('mitigation', 'owner', 'note')),
  value      TEXT NOT NULL,
  sufficient INTEGER,              -- mitigation: 1 sufficient, 0 not; NULL for other kinds
  created_at INTEGER NOT NULL,     -- microseconds since the Unix epoch (UTC)
  PRIMARY KEY (device_key, kind)
) WITHOUT ROWID;
