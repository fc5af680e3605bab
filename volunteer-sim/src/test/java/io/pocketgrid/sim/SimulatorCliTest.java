package io.pocketgrid.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void readsARateAndRefusesAZeroOne() {
        assertThat(SimulatorCli.parse(new String[] {"--rate", "1000"}).rate()).isEqualTo(1000);
        assertThatThrownBy(() -> SimulatorCli.parse(new String[] {"--rate", "0"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theVolunteersOfARunAreWrittenAndReadBackForTheNext(@TempDir Path dir) throws Exception {
        VolunteerLog registered = new VolunteerLog(0, Behaviour.HONEST);
        registered.registered(new HttpWorkServer.Registration("v-1", "token-1"));
        VolunteerLog failed = new VolunteerLog(1, Behaviour.HONEST);
        SimulationResult run = new SimulationResult(SimulationSettings.of(URI.create("http://localhost:1"),
                List.of(Behaviour.HONEST, Behaviour.HONEST)), List.of(registered, failed), 0, 0, 1, "duration");
        Path file = dir.resolve("volunteers");

        SimulatorCli.writeVolunteers(file, run);

        assertThat(SimulatorCli.readVolunteers(file)).containsExactly(new HttpWorkServer.Registration("v-1", "token-1"));
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
