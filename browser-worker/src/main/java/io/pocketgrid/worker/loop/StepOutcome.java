package io.pocketgrid.worker.loop;

/** What one turn of the worker loop did. */
public enum StepOutcome {
    /** A task was computed and its result accepted. */
    COMPLETED,
    /** The server had no work; ask again later. */
    NO_WORK,
    /**
     * A lease is held but its model is not here yet: the host fetches it (asynchronously, e.g. from
     * a cache) and calls again; the loop keeps the lease meanwhile.
     */
    NEEDS_MODEL,
    /** The held lease could not be finished before its deadline and was given back to the server. */
    GAVE_BACK
}
