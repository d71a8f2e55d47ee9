-- herkomst central (fleet) schema, version 1, PostgreSQL >= 13.
-- Sensors keep their own SQLite store and ship into these tables; every row a
-- sensor writes carries its sensor_id, so that a replay of the same shipment
-- (an upsert keyed by the natural key) changes nothing.
-- Times are microseconds since the Unix epoch (UTC), as in the sensor store.
--
-- Identity across sites: a station seen with its MAC is one device wherever
-- it is seen (scope ''); an IP-only device (a host behind a gateway) is only
-- meaningful inside its site, because private ranges overlap between sites
-- (scope = the site name). A device's facts are kept per sensor in
-- device_sightings / evidence and combined when read.

CREATE TABLE hk_meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE sensors (
  sensor_id  text PRIMARY KEY CHECK (sensor_id <> ''),
  site       text NOT NULL CHECK (site <> ''),
  hostname   text,
  version    text,            -- herkomst --version of the sensor
  first_seen bigint NOT NULL, -- first shipment
  last_seen  bigint NOT NULL  -- last successful shipment
);

CREATE TABLE devices (
  id    bigserial PRIMARY KEY,
  scope text NOT NULL,        -- '' for a MAC device, the site for an IP-only device
  key   text NOT NULL,        -- 'mac:aa:bb:..' or 'ip:10.0.0.1', as in the sensor store
  UNIQUE (scope, key)
);

-- What one sensor knows of one device: the columns of the sensor store's
-- devices table, as the sensor last shipped them (its running totals).
CREATE TABLE device_sightings (
  device_id      bigint NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  sensor_id      text NOT NULL REFERENCES sensors(sensor_id) ON DELETE CASCADE,
  site           text NOT NULL,
  mac            text,
  ip             text,
  via_mac        text,
  oui_state      text NOT NULL,
  oui_prefix     text,
  oui_registry   text,
  oui_registrant text,
  oui_country    text,
  first_seen     bigint NOT NULL,
  last_seen      bigint NOT NULL,
  packets        bigint NOT NULL DEFAULT 0,
  bytes          bigint NOT NULL DEFAULT 0,
  shipped_at     bigint NOT NULL,
  PRIMARY KEY (device_id, sensor_id)
);
CREATE INDEX device_sightings_site ON device_sightings(site);
CREATE INDEX device_sightings_sensor ON device_sightings(sensor_id);

CREATE TABLE evidence (
  device_id  bigint NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  sensor_id  text NOT NULL REFERENCES sensors(sensor_id) ON DELETE CASCADE,
  attribute  text NOT NULL,
  value      text NOT NULL,
  source     text NOT NULL,
  confidence integer NOT NULL,
  first_seen bigint,
  last_seen  bigint,
  count      bigint NOT NULL DEFAULT 1,  -- the sensor's own total, replaced on each shipment
  PRIMARY KEY (device_id, sensor_id, attribute, value, source)
);
CREATE INDEX evidence_attr ON evidence(attribute, value);

-- Analyst annotations made on a sensor (herkomst annotate / the sensor's
-- API), keyed like the sensor's: one per device, kind and sensor.
CREATE TABLE annotations (
  device_id  bigint NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  sensor_id  text NOT NULL REFERENCES sensors(sensor_id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('mitigation', 'owner', 'note')),
  value      text NOT NULL,
  sufficient boolean,
  created_at bigint NOT NULL,
  PRIMARY KEY (device_id, sensor_id, kind)
);

-- The sensor's own verdict on a device, with the policy it used: kept for
-- the record (what the site saw and decided); the fleet API and reports
-- assess again from the evidence with the central knowledge.
CREATE TABLE assessments (
  device_id   bigint NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  sensor_id   text NOT NULL REFERENCES sensors(sensor_id) ON DELETE CASCADE,
  verdict     text NOT NULL,    -- flagged | partial | clear | unknown
  country     text,
  controller  text,
  criteria    text NOT NULL,    -- the assessment object of analyze's JSON, as text
  policy      text,             -- the policy file's name/version the sensor used
  assessed_at bigint NOT NULL,
  PRIMARY KEY (device_id, sensor_id)
);
