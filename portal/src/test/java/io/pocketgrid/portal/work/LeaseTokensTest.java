package io.pocketgrid.portal.work;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.config.PocketGridProperties;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Lease tokens prove one lease for one volunteer, signed with the instance-shared key; nothing else passes. */
class LeaseTokensTest {

    private static LeaseTokens withKey(String key) {
        // a configured key: the shared-secret store (the database) is never asked
        return new LeaseTokens(new WorkProperties(key, Duration.ofMinutes(10), 8, 50),
                new PocketGridProperties(Path.of("unused"), "files", 65536, 1 << 26), null);
    }

    @Test
    void aTokenVerifiesForItsOwnLeaseAndVolunteerOnly() {
        LeaseTokens tokens = withKey("a key of the test, long enough to be a key");
        String token = tokens.issue(42, 7, 1_800_000_000L);
        assertThat(token).startsWith("42.7.1800000000.");
        assertThat(tokens.verify(token, 42, 7)).isTrue();
        assertThat(tokens.verify(token, 43, 7)).as("another lease").isFalse();
        assertThat(tokens.verify(token, 42, 8)).as("another volunteer").isFalse();
        assertThat(tokens.verify(token.replace(".1800000000.", ".1900000000."), 42, 7)).as("a later expiry written in")
                .isFalse();
        char last = token.charAt(token.length() - 1);
        assertThat(tokens.verify(token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A'), 42, 7))
                .as("a changed signature").isFalse();
    }

    @Test
    void aTokenOfAnotherKeyOrOfNoShapeIsRefused() {
        LeaseTokens ours = withKey("a key of the test, long enough to be a key");
        LeaseTokens theirs = withKey("another instance's key that nobody shared");
        assertThat(ours.verify(theirs.issue(42, 7, 1_800_000_000L), 42, 7)).isFalse();
        assertThat(ours.issue(42, 7, 1_800_000_000L)).as("the same claims signed the same way every time")
                .isEqualTo(ours.issue(42, 7, 1_800_000_000L)).isNotEqualTo(theirs.issue(42, 7, 1_800_000_000L));
        assertThat(ours.verify(null, 42, 7)).isFalse();
        assertThat(ours.verify("", 42, 7)).isFalse();
        assertThat(ours.verify("42.7", 42, 7)).isFalse();
        assertThat(ours.verify("42.7.1.2.3", 42, 7)).isFalse();
        assertThat(ours.verify("42.7.1800000000." + "x".repeat(200), 42, 7)).as("over the length bound").isFalse();
    }
}
