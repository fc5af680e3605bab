-- The feeder: a portal instance claims a batch of tasks that want replicas and hands those
-- replicas out from memory. Only the claiming instance leases a claimed task, so replicas are
-- never over-issued, even with several instances on one database. A claim lapses at
-- claimed_until, so the tasks of an instance that died go back to everyone.
ALTER TABLE task ADD COLUMN claimed_by VARCHAR(64);
ALTER TABLE task ADD COLUMN claimed_until TIMESTAMP WITH TIME ZONE;
