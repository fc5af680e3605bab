package io.pocketgrid.ledger.chain;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * Retries an operation that failed because the node could not be reached ({@link IOException}), with
 * exponential back-off, until {@code giveUpAfter} has passed.
 *
 * @param initialBackoff wait after the first failure
 * @param maxBackoff longest wait between two attempts
 * @param giveUpAfter time after the first failure when the last exception is thrown
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, Duration giveUpAfter) {

    /** 250 ms, doubling up to 10 s, for at most 5 minutes. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMillis(250), Duration.ofSeconds(10),
            Duration.ofMinutes(5));

    /** No retry at all. */
    public static final RetryPolicy NONE = new RetryPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff);
        Objects.requireNonNull(maxBackoff);
        Objects.requireNonNull(giveUpAfter);
    }

    /** An operation talking to the node. */
    @FunctionalInterface
    public interface IoOperation<T> {
        T run() throws IOException;
    }

    /** Observes failed attempts, e.g. to log them. */
    @FunctionalInterface
    public interface Listener {
        void retrying(String what, int attempt, Duration wait, IOException cause);
    }

    /**
     * Runs {@code operation}, retrying on {@link IOException}.
     *
     * @throws ChainUnavailableException when the node stayed unreachable for {@link #giveUpAfter()}
     */
    public <T> T run(String what, IoOperation<T> operation, Listener listener) {
        long deadline = 0;
        Duration wait = initialBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                return operation.run();
            } catch (IOException e) {
                long now = System.nanoTime();
                if (attempt == 1) {
                    deadline = now + giveUpAfter.toNanos();
                }
                if (now + wait.toNanos() > deadline) {
                    throw new ChainUnavailableException(what + " failed after " + attempt + " attempts: " + e.getMessage(), e);
                }
                listener.retrying(what, attempt, wait, e);
                sleep(wait);
                wait = min(wait.multipliedBy(2), maxBackoff);
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChainUnavailableException("interrupted while waiting to retry", e);
        }
    }
}
