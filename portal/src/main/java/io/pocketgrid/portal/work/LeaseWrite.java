package io.pocketgrid.portal.work;

import java.time.Instant;

/** A replica taken from the feeder, to be stored as an assignment; the outcome is its id. */
final class LeaseWrite extends GroupCommit.Write<Long> {
    final Feeder.Pick pick;
    final long volunteerId;
    final Instant issuedAt;
    final Instant expiresAt;

    LeaseWrite(Feeder.Pick pick, long volunteerId, Instant issuedAt, Instant expiresAt) {
        this.pick = pick;
        this.volunteerId = volunteerId;
        this.issuedAt = issuedAt;
        this.expiresAt = expiresAt;
    }

    long taskId() {
        return pick.slot().taskId;
    }
}
