-- herkomst schema, version 1: captures, devices and the evidence behind them.
-- Times are microseconds since the Unix epoch (UTC).

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE captures (
  id          INTEGER PRIMARY KEY,
  path        TEXT NOT NULL,
  format      TEXT,              -- pcap | pcapng
  linktype    TEXT,
  size        INTEGER,           -- bytes of the file (NULL for a pipe)
  packets     INTEGER NOT NULL DEFAULT 0,
  bytes       INTEGER NOT NULL DEFAULT 0,
  first_seen  INTEGER,
  last_seen   INTEGER,
  truncated   INTEGER NOT NULL DEFAULT 0,
  analyzed_at INTEGER NOT NULL
);

CREATE TABLE devices (
  id             INTEGER PRIMARY KEY,
  key            TEXT NOT NULL UNIQUE,  -- 'mac:aa:bb:..' or 'ip:10.0.0.1'
  mac            TEXT,
  ip             TEXT,                  -- the key address of an IP-only device
  via_mac        TEXT,                  -- the gateway an IP-only device was seen behind
  oui_state      TEXT NOT NULL,         -- none | registered | local | unregistered
  oui_prefix     TEXT,
  oui_registry   TEXT,
  oui_registrant TEXT,
  oui_country    TEXT,
  -- resolved from evidence at every merge; cached here for queries
  manufacturer   TEXT,
  model          TEXT,
  firmware       TEXT,
  serial         TEXT,
  role           TEXT,
  first_seen     INTEGER NOT NULL,
  last_seen      INTEGER NOT NULL,
  packets        INTEGER NOT NULL DEFAULT 0,
  bytes          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX devices_mac ON devices(mac);
CREATE INDEX devices_seen ON devices(first_seen);

CREATE TABLE evidence (
  device_id  INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  attribute  TEXT NOT NULL,
  value      TEXT NOT NULL,
  source     TEXT NOT NULL,
  confidence INTEGER NOT NULL,
  first_seen INTEGER,
  last_seen  INTEGER,
  count      INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (device_id, attribute, value, source)
) WITHOUT ROWID;
CREATE INDEX evidence_attr ON evidence(attribute, value);
