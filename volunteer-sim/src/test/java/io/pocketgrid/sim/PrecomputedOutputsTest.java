package io.pocketgrid.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrecomputedOutputsTest {

    @Test
    void theFingerprintTellsApartInputsThatDifferInOneValueOrInOrder() {
        Random random = new Random(7);
        float[] input = new float[25_088];
        for (int i = 0; i < input.length; i++) {
            input[i] = random.nextFloat();
        }
        Set<String> seen = new HashSet<>();
        seen.add(PrecomputedOutputs.fingerprint(input));
        assertThat(PrecomputedOutputs.fingerprint(input.clone())).as("same values, same key").isIn(seen);

        for (int at = 0; at < input.length; at += 25) {
            float[] changed = input.clone();
            changed[at] = Math.nextUp(changed[at]);
            assertThat(seen.add(PrecomputedOutputs.fingerprint(changed))).as("one value one ulp up at " + at).isTrue();
        }
        float[] swapped = input.clone();
        swapped[0] = input[1];
        swapped[1] = input[0];
        assertThat(seen.add(PrecomputedOutputs.fingerprint(swapped))).as("two values swapped").isTrue();
        assertThat(seen.add(PrecomputedOutputs.fingerprint(new float[] {0f}))).isTrue();
        assertThat(seen.add(PrecomputedOutputs.fingerprint(new float[] {0f, 0f}))).as("length counts").isTrue();
    }
}
