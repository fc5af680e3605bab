package io.pocketgrid.ledger.chain;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

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
     * Runs {@code operation}, retrying on {@link IOException}; other exceptions pass through at once. The
     * retries are resilience4j's; what it lacks is a time budget (it counts attempts), so each call gets its
     * own {@link Retry} whose exception predicate gives up once the next wait would end past
     * {@code giveUpAfter} from the first failure.
     *
     * @throws ChainUnavailableException when the node stayed unreachable for {@link #giveUpAfter()}
     */
    public <T> T run(String what, IoOperation<T> operation, Listener listener) {
        Budget budget = new Budget();
        Retry retry = Retry.of(what, RetryConfig.custom()
                .maxAttempts(Integer.MAX_VALUE)
                .intervalFunction(this::waitMillis)
                .retryOnException(budget::allowsRetry)
                .build());
        retry.getEventPublisher().onRetry(event -> listener.retrying(what, event.getNumberOfRetryAttempts(),
                event.getWaitInterval(), (IOException) event.getLastThrowable()));
        try {
            return retry.executeCheckedSupplier(operation::run);
        } catch (IOException e) {
            if (budget.spent) {
                throw new ChainUnavailableException(what + " failed after " + budget.failures + " attempts: "
                        + e.getMessage(), e);
            }
            // resilience4j rethrows the last failure when its wait is interrupted (and keeps the flag set)
            throw new ChainUnavailableException("interrupted while waiting to retry", e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("an IoOperation threw a checked exception other than IOException", e);
        }
    }

    /** The wait in ms after failed attempt {@code attempt} (1 for the first): doubling from the first, capped. */
    private long waitMillis(int attempt) {
        Duration wait = initialBackoff.multipliedBy(1L << Math.min(attempt - 1, 30));
        return (wait.compareTo(maxBackoff) <= 0 ? wait : maxBackoff).toMillis();
    }

    /** One call's time budget, started by its first failure. */
    private final class Budget {
        private int failures;
        private long deadline;
        private boolean spent;

        boolean allowsRetry(Throwable failure) {
            if (!(failure instanceof IOException)) {
                return false;
            }
            long now = System.nanoTime();
            if (++failures == 1) {
                deadline = now + giveUpAfter.toNanos();
            }
            spent = now + TimeUnit.MILLISECONDS.toNanos(waitMillis(failures)) > deadline;
            return !spent;
        }
    }
}
