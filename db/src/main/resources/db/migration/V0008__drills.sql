-- Fixes from the fault and abuse drills (issue 17).

-- Which portal instance issued a lease: an instance restarted after a crash expires its own open
-- leases at once (their holders' results would be lost anyway), instead of waiting out the deadline.
ALTER TABLE assignment ADD COLUMN issued_by VARCHAR(36);

-- A volunteer's record, for charging disagreements to whoever caused them rather than to the task:
-- results that agreed with a quorum (valid) and results a quorum or a spot check proved wrong.
-- A volunteer whose results keep disagreeing is throttled, then gets no more work.
ALTER TABLE volunteer ADD COLUMN valid_results INTEGER NOT NULL DEFAULT 0;
ALTER TABLE volunteer ADD COLUMN invalid_results INTEGER NOT NULL DEFAULT 0;
UPDATE volunteer SET valid_results = (SELECT COUNT(*) FROM result r WHERE r.volunteer_id = volunteer.id
                                      AND r.status = 'VALID');

-- A project whose tasks are all done but some FAILED is INCOMPLETE, not COMPLETED: its page says
-- which items are missing, and its owner may run the failed tasks again.
ALTER TABLE project DROP CONSTRAINT project_status_ck;
ALTER TABLE project ADD CONSTRAINT project_status_ck
    CHECK (status IN ('DRAFT', 'RUNNING', 'PAUSED', 'COMPLETED', 'INCOMPLETE', 'CANCELLED'));
