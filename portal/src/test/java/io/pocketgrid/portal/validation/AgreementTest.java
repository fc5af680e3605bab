package io.pocketgrid.portal.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Output by output: floats within tolerance (and the same class per item), integers exactly. */
class AgreementTest {

    // per item: a class vector of 3 floats, then one int64 count
    private final Agreement agreement = new Agreement(1e-4, 1e-3, List.of(new Agreement.Part(3, false, true),
            new Agreement.Part(1, true, false)));

    // two items: logits of both, then counts of both
    private final float[] reference = {0.1f, 2f, -1f, 5f, 4.99f, 0f, 7, 3};

    @Test
    void closeFloatsAndEqualIntegersAgree() {
        float[] close = reference.clone();
        close[1] += 1e-4f;
        close[4] -= 2e-3f; // within atol + rtol·5
        assertThat(agreement.agree(reference, close)).isTrue();
    }

    @Test
    void anIntegerOutputMustBeExact() {
        float[] off = reference.clone();
        off[7] = 3.0001f;
        assertThat(agreement.agree(reference, off)).isFalse();
        off[7] = 4;
        assertThat(agreement.agree(reference, off)).isFalse();
    }

    @Test
    void closeLogitsThatPickAnotherClassDisagree() {
        float[] swapped = reference.clone();
        swapped[3] = 4.999f;
        swapped[4] = 5.0f; // each within tolerance of the other, but the argmax moves to class 1
        Agreement loose = new Agreement(2e-2, 0, agreement.parts());
        assertThat(loose.agree(reference, swapped)).isFalse();
        Agreement noClasses = new Agreement(2e-2, 0, List.of(new Agreement.Part(3, false, false),
                new Agreement.Part(1, true, false)));
        assertThat(noClasses.agree(reference, swapped)).isTrue();
    }

    @Test
    void resultsOfAnotherLengthDisagree() {
        assertThat(agreement.agree(reference, java.util.Arrays.copyOf(reference, 4))).isFalse();
    }
}
