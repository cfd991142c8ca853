-- An export may run in the background: its file is written to file storage (an object named
-- by a random id, sealed when a key is configured), its progress is kept on the row, and only
-- the person who started it downloads it, from its own page, until it is tidied away. A
-- streamed export (the file sent while it is read) keeps status 'streamed' and no object.

ALTER TABLE data_exports ADD COLUMN status TEXT NOT NULL DEFAULT 'streamed'
    CHECK (status IN ('streamed', 'running', 'done', 'cancelled', 'failed'));
-- The rows the list had when the export started (the progress bar's end).
ALTER TABLE data_exports ADD COLUMN total_rows BIGINT;
ALTER TABLE data_exports ADD COLUMN done_rows BIGINT NOT NULL DEFAULT 0;
ALTER TABLE data_exports ADD COLUMN object_name TEXT;
ALTER TABLE data_exports ADD COLUMN sealed BIGINT NOT NULL DEFAULT 0 CHECK (sealed IN (0, 1));
ALTER TABLE data_exports ADD COLUMN size_bytes BIGINT;
ALTER TABLE data_exports ADD COLUMN cancel_requested BIGINT NOT NULL DEFAULT 0
    CHECK (cancel_requested IN (0, 1));
-- Why a run failed, in words for the person who started it.
ALTER TABLE data_exports ADD COLUMN message TEXT;
-- When the run last showed it was alive: a run silent for long was cut off by a restart.
ALTER TABLE data_exports ADD COLUMN heartbeat_at BIGINT;
