package io.pocketgrid.portal.volunteer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient.Response;
import io.pocketgrid.portal.support.DrillPortal;
import org.junit.jupiter.api.Test;

/** Drill: a script minting volunteers from one address is held back after a burst; others are not. */
class RegistrationLimitIT extends DrillPortal {

    @Test
    void registrationsFromOneAddressAreRefusedAfterABurstWithRetryAfter() {
        int created = 0;
        Response refused = null;
        for (int i = 0; i < 60; i++) {
            Response r = postFrom("203.0.113.10", "/api/v1/volunteers", null, null);
            if (r.status() == 201) {
                created++;
            } else {
                refused = r;
            }
        }
        // the default burst of 20; a refill of 6 a minute may add one while the loop runs
        assertThat(created).isBetween(20, 21);
        assertThat(refused).isNotNull();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.error()).isEqualTo("RATE_LIMITED");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();

        // a neighbour with an address of its own, and the exempt loopback, still register
        assertThat(postFrom("203.0.113.11", "/api/v1/volunteers", null, null).status()).isEqualTo(201);
        assertThat(api.postJson("/api/v1/volunteers", null, null).status()).isEqualTo(201);
    }

    @Test
    void aClientCannotEscapeTheLimitByWritingItsOwnForwardedFor() {
        // a client's own X-Forwarded-For entry comes first; the trusted proxy appends the real address
        int created = 0;
        for (int i = 0; i < 30; i++) {
            created += postFrom("10.9.8." + i + ", 198.51.100.20", "/api/v1/volunteers", null, null).status() == 201
                    ? 1 : 0;
        }
        assertThat(created).isBetween(20, 21);
    }
}
