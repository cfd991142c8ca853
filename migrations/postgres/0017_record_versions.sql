-- Optimistic concurrency for records: an update names the version it was based on, and one
-- based on an older version is refused instead of overwriting someone else's change.
ALTER TABLE customers ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
