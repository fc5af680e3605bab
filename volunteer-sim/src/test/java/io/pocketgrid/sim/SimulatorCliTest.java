package io.pocketgrid.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatorCliTest {

    @Test
    void readsTheDocumentedOptions() {
        SimulationSettings s = SimulatorCli.parse(new String[] {"--url", "http://127.0.0.1:9090", "--volunteers", "20",
            "--mix", "honest=80,random=10,crashing=10", "--duration", "60s", "--precomputed", "--until-idle", "10s",
            "--warmup", "1.5s", "--tasks", "500"});
        assertThat(s.portal()).hasToString("http://127.0.0.1:9090");
        assertThat(s.volunteers()).hasSize(20).containsOnly(Behaviour.HONEST, Behaviour.RANDOM_OUTPUTS, Behaviour.CRASHING);
        assertThat(s.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.warmup()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.untilIdle()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.precomputed()).isTrue();
        assertThat(s.maxTasks()).isEqualTo(500);
    }

    @Test
    void defaultsToTwentyHonestVolunteersForAMinute() {
        SimulationSettings s = SimulatorCli.parse(new String[0]);
        assertThat(s.volunteers()).hasSize(20).containsOnly(Behaviour.HONEST);
        assertThat(s.duration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.untilIdle()).isNull();
        assertThat(SimulatorCli.parse(new String[] {"--help"})).isNull();
    }

    @Test
    void readsDurations() {
        assertThat(SimulatorCli.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(SimulatorCli.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(SimulatorCli.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(SimulatorCli.duration("90")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesWhatItCannotRead() {
        assertThatThrownBy(() -> SimulatorCli.parse(new String[] {"--volunteers", "0"})).hasMessageContaining("positive");
        assertThatThrownBy(() -> SimulatorCli.parse(new String[] {"--duration", "soon"})).hasMessageContaining("duration");
        assertThatThrownBy(() -> SimulatorCli.parse(new String[] {"--url"})).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> SimulatorCli.parse(new String[] {"--fast"})).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> SimulatorCli.parse(new String[] {"--url", "localhost"})).hasMessageContaining("absolute");
    }
}
