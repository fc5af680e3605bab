package io.pocketgrid.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(5));

    @Test
    void retriesIoFailuresWithDoublingCappedBackoff() {
        List<Duration> waits = new ArrayList<>();
        int[] calls = {0};
        String result = policy.run("op", () -> {
            if (++calls[0] < 5) {
                throw new IOException("connection refused");
            }
            return "ok";
        }, (what, attempt, wait, cause) -> waits.add(wait));
        assertThat(result).isEqualTo("ok");
        assertThat(waits).containsExactly(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20),
                Duration.ofMillis(20));
    }

    @Test
    void givesUpAfterTheConfiguredTime() {
        RetryPolicy short_ = new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(50));
        assertThatThrownBy(() -> short_.run("eth_call", () -> {
            throw new IOException("down");
        }, (w, a, d, c) -> { })).isInstanceOf(ChainUnavailableException.class).hasMessageContaining("eth_call");
    }

    @Test
    void doesNotRetryOtherFailures() {
        int[] calls = {0};
        assertThatThrownBy(() -> policy.run("op", () -> {
            calls[0]++;
            throw new IllegalStateException("revert");
        }, (w, a, d, c) -> { })).isInstanceOf(IllegalStateException.class);
        assertThat(calls[0]).isEqualTo(1);
    }

    @Test
    void tellsTheListenerEachAttemptAndItsCause() {
        List<String> seen = new ArrayList<>();
        int[] calls = {0};
        policy.run("eth_blockNumber", () -> {
            if (++calls[0] < 3) {
                throw new IOException("refused " + calls[0]);
            }
            return 1L;
        }, (what, attempt, wait, cause) -> seen.add(what + " " + attempt + " " + cause.getMessage()));
        assertThat(seen).containsExactly("eth_blockNumber 1 refused 1", "eth_blockNumber 2 refused 2");
    }

    @Test
    void countsTheTimeSinceTheFirstFailureNotTheAttempts() {
        // slow failures (a node timing out) use up the budget with few attempts
        RetryPolicy tight = new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(100));
        int[] calls = {0};
        assertThatThrownBy(() -> tight.run("eth_call", () -> {
            calls[0]++;
            LockSupport.parkNanos(30_000_000);
            throw new IOException("timeout");
        }, (w, a, d, c) -> { })).isInstanceOf(ChainUnavailableException.class)
                .hasMessageMatching("eth_call failed after \\d+ attempts: timeout").hasCauseInstanceOf(IOException.class);
        assertThat(calls[0]).isBetween(2, 5);
    }

    @Test
    void anInterruptedWaitEndsTheCallAndKeepsTheInterrupt() {
        RetryPolicy slow = new RetryPolicy(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMinutes(1));
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> slow.run("op", () -> {
                throw new IOException("down");
            }, (w, a, d, c) -> { })).isInstanceOf(ChainUnavailableException.class).hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
