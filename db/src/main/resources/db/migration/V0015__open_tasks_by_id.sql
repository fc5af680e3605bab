-- "Does this project still have an OPEN task?" is asked after every result batch that ends a task. With
-- (project_id, status) PostgreSQL answered it with a sequential scan of the task table from its start,
-- stepping over every task already done: 2.4 ms a batch in the throughput bench at 75,000 tasks, and
-- growing with the project. With id last, the question is "the OPEN task of lowest id", one index probe.
DROP INDEX task_project_status_ix;
CREATE INDEX task_project_status_ix ON task (project_id, status, id);
