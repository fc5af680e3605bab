package io.pocketgrid.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.worker.loop.Lease;
import org.junit.jupiter.api.Test;

class TamperTest {

    static final String TOKEN = "41.7.1767225600.q1w2e3r4t5y6u7i8o9p0asdfghjklzxcvbnmQWERTYU";
    static final Lease LEASE = new Lease(41, TOKEN, 3, "ab", "/m", "/i", "input", "logits",
            new int[] {2, 1, 28, 28}, new int[] {2, 10}, 0);

    @Test
    void forgedTokenKeepsClaimsAndChangesTheSignature() {
        String forged = Tamper.forge(TOKEN);
        assertThat(forged).hasSameSizeAs(TOKEN).isNotEqualTo(TOKEN).startsWith("41.7.1767225600.");
        assertThat(Tamper.forge(forged)).isNotEqualTo(forged);
    }

    @Test
    void extendedExpiryKeepsTheSignature() {
        assertThat(Tamper.extendExpiry(TOKEN, 86_400))
                .isEqualTo("41.7.1767312000.q1w2e3r4t5y6u7i8o9p0asdfghjklzxcvbnmQWERTYU");
    }

    @Test
    void everyTamperChangesWhatItSaysAndNothingElse() {
        float[] outputs = new float[20];
        Submission honest = Submission.of(LEASE, outputs, LEASE.outputDims(), 1);
        for (Tamper t : Tamper.values()) {
            Submission s = t.apply(LEASE, outputs);
            switch (t) {
                case FORGED_TOKEN, EXTENDED_EXPIRY -> assertThat(s.leaseToken()).isNotEqualTo(TOKEN);
                case MISSING_TOKEN -> assertThat(s.leaseToken()).isNull();
                case WRONG_SHAPE -> assertThat(s.dims()).isEqualTo("2,11");
                case MALFORMED_DIMS -> assertThat(s.dims()).isNotEqualTo("2,10");
                case SHORT_BODY -> assertThat(s.body()).hasSize(76);
                case LONG_BODY -> assertThat(s.body()).hasSize(84);
                case NAN -> assertThat(Floats.fromBytes(s.body())).contains(Float.NaN);
                case INFINITY -> assertThat(Floats.fromBytes(s.body())).contains(Float.POSITIVE_INFINITY);
                case UNKNOWN_LEASE -> assertThat(s.leaseId()).isNotEqualTo(LEASE.leaseId());
                case REPLAY -> assertThat(s.body()).isEqualTo(honest.body());
            }
            assertThat(t.status()).isBetween(400, 499);
        }
        assertThat(outputs).containsOnly(0f);
    }

    @Test
    void floatsRoundTripLittleEndian() {
        byte[] b = Floats.toBytes(new float[] {1f, -2.5f});
        assertThat(b).startsWith(0, 0, (byte) 0x80, 0x3f);
        assertThat(Floats.fromBytes(b)).containsExactly(1f, -2.5f);
        assertThat(Floats.dims(new int[] {32, 1, 28, 28})).isEqualTo("32,1,28,28");
    }
}
