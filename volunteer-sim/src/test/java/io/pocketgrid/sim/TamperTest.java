package io.pocketgrid.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.TensorFrames;
import io.pocketgrid.worker.loop.TensorSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TamperTest {

    static final String TOKEN = "41.7.1767225600.q1w2e3r4t5y6u7i8o9p0asdfghjklzxcvbnmQWERTYU";
    static final Lease LEASE = new Lease(41, TOKEN, 3, "ab", "/m", "/i",
            List.of(new TensorSpec("input", Tensor.Type.FLOAT, new int[] {2, 1, 28, 28})),
            List.of(new TensorSpec("logits", Tensor.Type.FLOAT, new int[] {2, 10})), 0);

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
        float[] values = new float[20];
        Map<String, Tensor> outputs = Map.of("logits", Tensor.ofFloats(values, 2, 10));
        Submission honest = Submission.of(LEASE, outputs, 1);
        for (Tamper t : Tamper.values()) {
            Submission s = t.apply(LEASE, outputs);
            switch (t) {
                case FORGED_TOKEN, EXTENDED_EXPIRY -> assertThat(s.leaseToken()).isNotEqualTo(TOKEN);
                case MISSING_TOKEN -> assertThat(s.leaseToken()).isNull();
                case WRONG_SHAPE -> assertThat(TensorFrames.decode(s.body()).get("logits").dims()).containsExactly(2, 11);
                case MALFORMED_FRAME -> assertThatThrownBy(() -> TensorFrames.parts(s.body())).hasMessageContaining("PGT1");
                case SHORT_BODY -> assertThat(s.body()).hasSize(honest.body().length - 4);
                case LONG_BODY -> assertThat(s.body()).hasSize(honest.body().length + 4);
                case NAN -> assertThat(TensorFrames.decode(s.body()).get("logits").floats()).contains(Float.NaN);
                case INFINITY -> assertThat(TensorFrames.decode(s.body()).get("logits").floats())
                        .contains(Float.POSITIVE_INFINITY);
                case UNKNOWN_LEASE -> assertThat(s.leaseId()).isNotEqualTo(LEASE.leaseId());
                case REPLAY -> assertThat(s.body()).isEqualTo(honest.body());
            }
            assertThat(t.status()).isBetween(400, 499);
        }
        assertThat(values).containsOnly(0f);
    }
}
