package io.pocketgrid.portal.project;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.JvmVolunteer;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.TempDirs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The demo never runs dry: real volunteers (the JVM engine over the REST API) work through the
 * Fashion-MNIST demo (MLP, 63 tasks a round) while the portal queues rounds. A lone volunteer, who
 * can hold one replica of each task, gets exactly {@code maxOpen} rounds and then waits; a second
 * volunteer confirms them, and new rounds follow as old ones complete.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DemoRoundsH2IT {

    private static final int MAX_OPEN = 3;
    private static final int TASKS_PER_ROUND = 63;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PortalProperties.dataDir(registry, TempDirs.create("pocketgrid-demo-rounds"));
        PortalProperties.noLedger(registry);
        PortalProperties.noDemoWorkloads(registry);
        registry.add("pocketgrid.demo-model", () -> "mlp");
        registry.add("pocketgrid.demo-rounds.enabled", () -> "true");
        registry.add("pocketgrid.demo-rounds.interval", () -> "500ms");
        registry.add("pocketgrid.demo-rounds.max-open", () -> MAX_OPEN);
        registry.add("pocketgrid.requests-per-second", () -> "100000");
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ProjectQueries queries;

    record Round(long id, int round, String name, String status, String modelSha, int tasks) {
    }

    private List<Round> rounds() {
        return jdbc.query("SELECT p.id, p.demo_round, p.name, p.status, p.model_sha256,"
                + " (SELECT COUNT(*) FROM task t WHERE t.project_id = p.id) FROM project p WHERE p.demo_key = 'fashion'"
                + " ORDER BY p.demo_round", (rs, row) -> new Round(rs.getLong(1), rs.getInt(2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getInt(6)));
    }

    /** Computes until the portal has had no work for this volunteer for 4 s (8 looks for a new round), or {@code max} tasks. */
    private static int computeUntilDry(JvmVolunteer volunteer, int max) throws InterruptedException {
        int done = 0;
        long idleSince = -1;
        while (done < max) {
            if (volunteer.computeOne() != null) {
                done++;
                idleSince = -1;
            } else if (idleSince < 0) {
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince > Duration.ofSeconds(4).toNanos()) {
                break;
            } else {
                Thread.sleep(100);
            }
        }
        return done;
    }

    @Test
    void aLoneVolunteerGetsMaxOpenRoundsThenASecondOneConfirmsThemAndNewRoundsFollow() throws Exception {
        ApiClient api = new ApiClient(port);
        List<Round> start = rounds();
        assertThat(start).as("the first start creates round 1 of the demo").hasSize(1);
        assertThat(start.getFirst().name()).isEqualTo("Fashion-MNIST demo");
        assertThat(start.getFirst().tasks()).isEqualTo(TASKS_PER_ROUND);

        // alone: one replica of every task of each round; a new round each time the newest is handed out
        int aloneDone = computeUntilDry(new JvmVolunteer(api), 10 * TASKS_PER_ROUND);
        List<Round> alone = rounds();
        assertThat(alone).extracting(Round::round).containsExactly(1, 2, 3);
        assertThat(alone).allSatisfy(r -> {
            assertThat(r.status()).as("nobody confirmed them yet").isEqualTo("RUNNING");
            assertThat(r.tasks()).isEqualTo(TASKS_PER_ROUND);
            assertThat(r.modelSha()).isEqualTo(start.getFirst().modelSha());
        });
        assertThat(alone.get(1).name()).isEqualTo("Fashion-MNIST demo — round 2");
        assertThat(jdbc.queryForObject("SELECT description FROM project WHERE id = ?", String.class, alone.get(2).id()))
                .contains("Round 3 of this demo");
        assertThat(aloneDone).as("one replica of each task of the three rounds").isEqualTo(MAX_OPEN * TASKS_PER_ROUND);

        // a second volunteer confirms the three rounds; as they complete, new rounds follow
        int secondDone = computeUntilDry(new JvmVolunteer(api), 20 * TASKS_PER_ROUND);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!rounds().subList(0, 3).stream().allMatch(r -> r.status().equals("COMPLETED")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        List<Round> after = rounds();
        assertThat(after.subList(0, 3)).extracting(Round::status).containsOnly("COMPLETED");
        assertThat(after.size()).as("rounds after the first three (second volunteer did %d tasks)", secondDone)
                .isGreaterThan(3);
        assertThat(after).extracting(Round::round).as("one project per round, numbered in order")
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, after.size()).boxed().toList());
        assertThat(after.stream().filter(r -> r.status().equals("RUNNING")).count()).isBetween(1L, (long) MAX_OPEN);
        Map<Long, String> listed = queries.listed().stream()
                .collect(java.util.stream.Collectors.toMap(ProjectProgress::id, ProjectProgress::name));
        List<Round> finished = after.stream().filter(r -> r.status().equals("COMPLETED")).toList();
        assertThat(listed).as("the public list keeps only the newest finished round")
                .containsKey(finished.getLast().id())
                .doesNotContainKeys(finished.subList(0, finished.size() - 1).stream().map(Round::id).toArray(Long[]::new));
        assertThat(listed.keySet()).as("and every running round")
                .containsAll(after.stream().filter(r -> r.status().equals("RUNNING")).map(Round::id).toList());
    }
}
