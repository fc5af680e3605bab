-- The lease sweep (every few seconds on every instance) looks for open leases past their expiry.
CREATE INDEX assignment_expiry_ix ON assignment (status, expires_at);
