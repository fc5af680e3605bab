-- The home page's figures read recent rows by time (volunteers online, inferences per second,
-- tasks validated today): without these indexes each refresh scanned the whole table.
CREATE INDEX assignment_issued_ix ON assignment (issued_at);
CREATE INDEX result_received_ix ON result (received_at);
CREATE INDEX task_validated_ix ON task (validated_at);
