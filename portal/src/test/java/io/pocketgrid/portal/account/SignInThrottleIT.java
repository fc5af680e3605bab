package io.pocketgrid.portal.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient.Response;
import io.pocketgrid.portal.support.DrillPortal;
import org.junit.jupiter.api.Test;

/**
 * Drill: password guessing on the API's token call is throttled per username and per address,
 * only for a while; and weak passwords are refused at sign-up. (Sign-ins here lock for 2 s, at
 * most 4 s; the defaults are 30 s and 5 min.)
 */
class SignInThrottleIT extends DrillPortal {

    private static final String PASSWORD = "correct horse battery";

    @Test
    void fiveWrongPasswordsLockTheNameForAWhileAndThenTheRightOneWorks() throws InterruptedException {
        String user = signUp("hopper");
        for (int i = 0; i < 5; i++) {
            assertThat(token("203.0.113.40", user, "wrong password " + i).error()).isEqualTo("BAD_CREDENTIALS");
        }
        Response locked = token("203.0.113.40", user, PASSWORD);
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.error()).isEqualTo("RATE_LIMITED");
        long retryAfter = Long.parseLong(locked.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 4L);
        // the name is locked wherever the guesses come from, unless that address signed in as it before
        assertThat(token("203.0.113.41", user, PASSWORD).status()).isEqualTo(429);

        Thread.sleep(retryAfter * 1000 + 200);
        assertThat(token("203.0.113.40", user, PASSWORD).status()).isEqualTo(201);
    }

    @Test
    void aGuesserElsewhereDoesNotLockOutAnAddressThatSignedInBefore() {
        String user = signUp("liskov");
        assertThat(token("203.0.113.50", user, PASSWORD).status()).isEqualTo(201);
        for (int i = 0; i < 7; i++) {
            token("198.51.100.50", user, "guess " + i);
        }
        assertThat(token("198.51.100.50", user, PASSWORD).status()).isEqualTo(429);
        assertThat(token("203.0.113.50", user, PASSWORD).status()).isEqualTo(201);
    }

    @Test
    void anAddressTryingManyNamesIsLocked() {
        String user = signUp("dijkstra");
        for (int i = 0; i < 20; i++) {
            assertThat(token("203.0.113.60", "nobody" + i, "guess").status()).isEqualTo(401);
        }
        Response locked = token("203.0.113.60", user, PASSWORD);
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.error()).isEqualTo("RATE_LIMITED");
    }

    @Test
    void commonAndTrivialPasswordsAreRefusedAtSignUp() {
        String name = "weak" + System.nanoTime() % 100000;
        for (String weak : new String[] {"password", "12345678", "Password2024!", "qwertyuiop", "aaaaaaaaaa",
                "abcdefghij", "87654321", name + "!!", "xx" + name.toUpperCase()}) {
            Response r = api.postJson("/api/v1/accounts", null,
                    "{\"username\":\"" + name + "\",\"password\":\"" + weak + "\"}");
            assertThat(r.status()).as(weak).isEqualTo(400);
            assertThat(r.error()).as(weak).isEqualTo("BAD_PASSWORD");
        }
        assertThat(api.postJson("/api/v1/accounts", null,
                "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}").status()).isEqualTo(201);
    }

    private String signUp(String prefix) {
        String user = prefix + System.nanoTime() % 100000;
        assertThat(api.postJson("/api/v1/accounts", null,
                "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}").status()).isEqualTo(201);
        return user;
    }

    private Response token(String client, String user, String password) {
        return postFrom(client, "/api/v1/auth/tokens", null,
                "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
    }
}
