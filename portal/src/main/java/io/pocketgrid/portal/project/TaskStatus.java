package io.pocketgrid.portal.project;

/** Where a task stands ({@code task.status}, checked by the database). */
public enum TaskStatus {
    /** Wants results (or waits for them). */
    OPEN,
    /** Has a canonical result. */
    VALIDATED,
    /** Gave up: volunteers with a good record kept disagreeing, or too many results without a quorum. */
    FAILED,
    /** Its project was cancelled. */
    CANCELLED
}
