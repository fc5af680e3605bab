package io.pocketgrid.ledger.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
}
