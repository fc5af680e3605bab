package io.pocketgrid.sim;

/**
 * The portal's answer to an accepted result: {@code PENDING} (waiting for other replicas),
 * {@code VALID} (credited now), {@code INVALID} or {@code DISCARDED} (no credit).
 */
public record Receipt(String status, boolean creditPending, long microCredits) {
}
