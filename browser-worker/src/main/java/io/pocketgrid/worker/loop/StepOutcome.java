package io.pocketgrid.worker.loop;

/** What one turn of the worker loop did. */
public enum StepOutcome {
    /** A task was computed and its result accepted. */
    COMPLETED,
    /** The server had no work; ask again later. */
    NO_WORK
}
