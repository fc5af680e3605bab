package io.pocketgrid.worker.engine;

/**
 * The one rule by which two computations of a number agree: {@code |candidate − reference| ≤ atol +
 * rtol·|reference|}. The conformance suite, the {@code check} command (engine against OnnxRuntime) and
 * the portal's validation (a replica against the canonical result) all judge with it; each chooses its
 * own atol and rtol and what a NaN means.
 */
public final class Tolerance {

    private Tolerance() {
    }

    /** Whether {@code candidate} agrees with {@code reference}; false when either is NaN. */
    public static boolean within(double atol, double rtol, double reference, double candidate) {
        return Math.abs(candidate - reference) <= atol + rtol * Math.abs(reference);
    }

    /** As {@link #within(double, double, double, double)}, the difference taken in float as the values are stored. */
    public static boolean within(double atol, double rtol, float reference, float candidate) {
        return Math.abs(candidate - reference) <= atol + rtol * Math.abs(reference);
    }
}
