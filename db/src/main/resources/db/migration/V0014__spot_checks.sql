-- Lone results waiting for the server's own recomputation (a spot check). The volunteer's receipt
-- says PENDING at once and the server runs the model off the request path; the result is judged when
-- that is done and its row here is deleted in the same transaction, so it is judged once. A row older
-- than a few minutes is taken up again by any instance: the one that queued it may have crashed.
CREATE TABLE spot_check (
    result_id  BIGINT PRIMARY KEY REFERENCES result (id),
    task_id    BIGINT NOT NULL,
    queued_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX spot_check_queued_ix ON spot_check (queued_at);
