package io.pocketgrid.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MixTest {

    @Test
    void givesEachBehaviourItsShare() {
        List<Behaviour> all = Mix.parse("honest=80,random=10,crashing=10").assign(20, 1);
        assertThat(all).hasSize(20);
        assertThat(all.stream().filter(b -> b == Behaviour.HONEST)).hasSize(16);
        assertThat(all.stream().filter(b -> b == Behaviour.RANDOM_OUTPUTS)).hasSize(2);
        assertThat(all.stream().filter(b -> b == Behaviour.CRASHING)).hasSize(2);
    }

    @Test
    void roundsByLargestRemainder() {
        List<Behaviour> all = Mix.parse("honest=50,nan=25,shape=25").assign(3, 7);
        assertThat(all).hasSize(3).containsOnlyOnce(Behaviour.HONEST);
        List<Behaviour> seven = Mix.parse("honest=70,forged=30").assign(7, 7);
        assertThat(seven.stream().filter(b -> b == Behaviour.HONEST)).hasSize(5);
    }

    @Test
    void sameSeedSameOrder() {
        Mix mix = Mix.parse("honest=60,copy=20,replay=20");
        assertThat(mix.assign(10, 3)).isEqualTo(mix.assign(10, 3));
    }

    @Test
    void acceptsShortAndConstantNames() {
        assertThat(Mix.parse("RANDOM_OUTPUTS=50, expired=50").assign(2, 1))
                .containsExactlyInAnyOrder(Behaviour.RANDOM_OUTPUTS, Behaviour.EXPIRED_TOKEN);
    }

    @Test
    void refusesMixesThatDoNotAddUpOrDoNotParse() {
        assertThatThrownBy(() -> Mix.parse("honest=80,random=10")).hasMessageContaining("90%");
        assertThatThrownBy(() -> Mix.parse("honest=100,lazy=0")).hasMessageContaining("unknown behaviour 'lazy'");
        assertThatThrownBy(() -> Mix.parse("honest")).hasMessageContaining("name=percent");
        assertThatThrownBy(() -> Mix.parse("honest=lots")).hasMessageContaining("whole percentage");
    }
}
