package io.pocketgrid.portal.account;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pocketgrid.portal.api.LimitsProperties;
import io.pocketgrid.portal.api.RateLimitedException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {

    private final SignInThrottle throttle = new SignInThrottle(new LimitsProperties(List.of(), List.of(), 20, 6, 400, 20,
            5, 20, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(15)));

    @Test
    void theFifthFailureLocksTheNameButNotAnAddressWhereItSignedInBefore() {
        throttle.succeeded("ada", "198.51.100.1");
        for (int i = 0; i < 4; i++) {
            throttle.failed("Ada", "203.0.113.9");
            assertThatCode(() -> throttle.check("ada", "203.0.113.9")).doesNotThrowAnyException();
        }
        throttle.failed("ada", "203.0.113.9");
        assertThatThrownBy(() -> throttle.check("ADA", "203.0.113.8")).isInstanceOf(RateLimitedException.class);
        assertThatCode(() -> throttle.check("ada", "198.51.100.1")).doesNotThrowAnyException();
    }

    @Test
    void anAddressIsLockedAfterItsOwnThreshold() {
        for (int i = 0; i < 20; i++) {
            throttle.failed("name" + i, "203.0.113.7");
        }
        assertThatThrownBy(() -> throttle.check("someone", "203.0.113.7")).isInstanceOf(RateLimitedException.class);
    }
}
