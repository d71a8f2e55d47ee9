-- herkomst schema, version 2: a digest of each capture (SHA-256 of its size and
-- first MiB), so that merging the same file into a database twice is noticed
-- instead of doubling its counters.
ALTER TABLE captures ADD COLUMN digest TEXT;
CREATE INDEX captures_digest ON captures(digest);
