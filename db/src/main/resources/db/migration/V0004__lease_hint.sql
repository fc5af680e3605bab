-- Leasing used to count each open task's replicas in a subquery, row by row, until it found one
-- with room: as the front of the task list filled up, every lease walked past more full tasks.
-- "wanted" is a hint kept by the application: TRUE when the task may need another replica. The
-- lease reads only wanted tasks through this index and re-checks the exact count under the task's
-- row lock, clearing the hint when the task is full; give-back, expiry, reissue and bans set it.
ALTER TABLE task ADD COLUMN wanted BOOLEAN NOT NULL DEFAULT TRUE;
CREATE INDEX task_wanted_ix ON task (project_id, wanted, status, id);
