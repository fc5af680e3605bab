package io.pocketgrid.portal.work;

/**
 * What the worker hears back for a result: {@code PENDING} (waiting for other replicas; credit follows
 * if it agrees), {@code VALID} (credited now), {@code INVALID} or {@code DISCARDED} (no credit).
 */
public record Receipt(String status, boolean creditPending, long microCredits) {
}
