package io.pocketgrid.portal.validation;

/**
 * Where a result stands ({@code result.status}); the worker hears it back in its receipt.
 * {@link #UNSEEN} never reaches the database: it is a result of the batch being judged whose turn has
 * not come yet, so the results before it are judged as if it had not arrived.
 */
public enum ResultStatus {
    /** Waiting for other replicas; credit follows if it agrees. */
    PENDING,
    /** In the quorum (or confirmed by the server): credited. */
    VALID,
    /** Outside the quorum or refuted by a spot check: no credit, charged to its volunteer. */
    INVALID,
    /** Its task had ended (failed or cancelled) when it came: no credit, no blame. */
    DISCARDED,
    /** In memory only: a result of this batch not judged yet. */
    UNSEEN
}
