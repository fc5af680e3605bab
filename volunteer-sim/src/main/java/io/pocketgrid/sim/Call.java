package io.pocketgrid.sim;

/**
 * One HTTP request a simulated volunteer made.
 *
 * @param startNanos   {@link System#nanoTime()} when it was sent
 * @param status       the HTTP status, 0 when the portal could not be reached
 * @param outcome      the receipt status of an accepted result ({@code PENDING|VALID|INVALID|DISCARDED}),
 *                     the {@code error} code of a refusal, or null
 */
public record Call(Kind kind, long startNanos, long latencyNanos, int status, String outcome) {

    /** Which endpoint. */
    public enum Kind { REGISTER, LEASE, MODEL, INPUT, RESULT, RELEASE }

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
