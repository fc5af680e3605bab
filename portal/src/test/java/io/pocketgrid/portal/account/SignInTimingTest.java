package io.pocketgrid.portal.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.api.LimitsProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * An unknown username costs the same BCrypt check as a wrong password, so how fast the answer
 * comes does not tell which names exist (counted, not timed).
 */
class SignInTimingTest {

    private final AtomicInteger checks = new AtomicInteger();
    private final PasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
    private final PasswordEncoder encoder = new PasswordEncoder() {
        @Override
        public String encode(CharSequence raw) {
            return bcrypt.encode(raw);
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            checks.incrementAndGet();
            return bcrypt.matches(raw, encoded);
        }
    };

    @Test
    void anUnknownNameIsCheckedAgainstAHashLikeAKnownOne() {
        AccountRepository repository = mock(AccountRepository.class);
        when(repository.findByUsernameIgnoreCase("nobody")).thenReturn(Optional.empty());
        LimitsProperties limits = new LimitsProperties(List.of(), List.of(), 20, 6, 400, 20, 5, 20,
                Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(15));
        AccountService accounts = new AccountService(repository, null, encoder, Clock.systemUTC(),
                new SignInThrottle(limits), null);

        checks.set(0);
        assertThatThrownBy(() -> accounts.signIn("nobody", "some password", "198.51.100.1"))
                .isInstanceOf(ApiException.class).hasMessageContaining("unknown username or wrong password");
        assertThat(checks).hasValue(1);
        assertThatThrownBy(() -> accounts.signIn("nobody", null, "198.51.100.1")).isInstanceOf(ApiException.class);
        assertThat(checks).hasValue(2);
    }
}
