package io.pocketgrid.portal.sim;

import static io.pocketgrid.sim.Behaviour.HONEST;
import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.PortalApplication;
import io.pocketgrid.portal.support.PostgresSchema;
import io.pocketgrid.sim.SimulationResult;
import io.pocketgrid.sim.SimulationSettings;
import io.pocketgrid.sim.VolunteerSimulator;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Two portal instances on one PostgreSQL schema and one data directory, as a scaled-out
 * deployment runs them, with simulated volunteers working through the demo project on both at
 * once. Each instance hands out replicas from its own feeder; the claims in the database must keep
 * them from handing out more replicas of a task than it wants, and credit must be granted once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
@Import(PostgresSchema.CleanThenMigrate.class)
class TwoPortalsPostgresIT {

    private static final String SCHEMA = "pocketgrid_two_portals_it";
    private static final Path DATA_DIR = tempDir();

    @Value("${local.server.port}")
    int port;

    @Value("${spring.datasource.url}")
    String databaseUrl;

    @Autowired
    JdbcTemplate jdbc;

    private ConfigurableApplicationContext second;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PostgresSchema.register(registry, SCHEMA);
        registry.add("pocketgrid.data-dir", DATA_DIR::toString);
        registry.add("pocketgrid.lease-duration", () -> SimulationContract.LEASE_DURATION);
        registry.add("pocketgrid.ledger.enabled", () -> "false");
    }

    @BeforeEach
    void startSecondInstance() {
        second = new SpringApplicationBuilder(PortalApplication.class).profiles("postgres").run(
                "--server.port=0", "--spring.datasource.url=" + databaseUrl,
                "--spring.datasource.username=" + System.getProperty("pocketgrid.pg.user", "postgres"),
                "--spring.flyway.schemas=" + SCHEMA, "--pocketgrid.data-dir=" + DATA_DIR,
                "--pocketgrid.lease-duration=" + SimulationContract.LEASE_DURATION,
                "--pocketgrid.ledger.enabled=false", "--pocketgrid.demo-project=false",
                // the data directory is shared (the lease key), so the instance id must be set apart
                "--pocketgrid.instance-id=second-portal");
    }

    @AfterEach
    void stopSecondInstance() {
        second.close();
    }

    @Test
    void twoInstancesNeverHandOutAReplicaTwiceNorCreditTwice() throws Exception {
        long projectId = jdbc.queryForObject("SELECT id FROM project WHERE status = 'RUNNING'", Long.class);
        GridState grid = new GridState(jdbc, projectId);
        EngineOracle oracle = new EngineOracle(jdbc, DATA_DIR, projectId);
        int secondPort = Integer.parseInt(second.getEnvironment().getProperty("local.server.port"));

        SimulationResult first;
        SimulationResult other;
        // both at the same time: the common pool may have a single thread on a two-core machine
        try (ExecutorService both = Executors.newFixedThreadPool(2)) {
            Future<SimulationResult> onFirst = both.submit(() -> simulate(port, grid));
            Future<SimulationResult> onSecond = both.submit(() -> simulate(secondPort, grid));
            first = onFirst.get();
            other = onSecond.get();
        }

        assertThat(grid.projectStatus()).isEqualTo("COMPLETED");
        assertThat(first.report().failures()).as("5xx answers and unreachable calls, first instance").isEmpty();
        assertThat(other.report().failures()).as("5xx answers and unreachable calls, second instance").isEmpty();
        assertThat(returnedResults(first)).as("results the first instance took").isPositive();
        assertThat(returnedResults(other)).as("results the second instance took").isPositive();
        assertThat(jdbc.queryForObject("""
                SELECT COUNT(*) FROM task t WHERE t.project_id = ? AND t.target_replicas < (SELECT COUNT(*)
                  FROM assignment a WHERE a.task_id = t.id AND a.status IN ('LEASED', 'RETURNED'))""",
                Integer.class, projectId)).as("tasks with more live or returned replicas than they want").isZero();
        for (GridState.Canonical c : grid.canonical()) {
            assertThat(oracle.stored(c.outputSha256())).as("task " + c.taskId()).containsExactly(oracle.expected(c.taskId()));
        }
        assertThat(grid.inconsistentCredits()).as("credit rows for non-VALID results or of the wrong amount").isZero();
        assertThat(grid.validResultsWithoutOneCredit()).as("VALID results without exactly one credit row").isZero();
        assertThat(grid.volunteersWithWrongTotals()).as("volunteer totals that differ from their credit rows").isZero();
    }

    private static int returnedResults(SimulationResult run) {
        return run.report().receipts("VALID") + run.report().receipts("PENDING");
    }

    private static SimulationResult simulate(int port, GridState grid) {
        SimulationSettings settings = SimulationSettings.of(URI.create("http://localhost:" + port),
                        Collections.nCopies(6, HONEST))
                .withPrecomputed(true).withDuration(Duration.ofMinutes(3)).withUntilIdle(Duration.ofSeconds(20))
                .withIdlePoll(Duration.ofMillis(200)).withStopWhen(() -> grid.projectStatus().equals("COMPLETED"));
        SimulationResult run = new VolunteerSimulator(settings).run();
        System.out.print(run.report().format());
        return run;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("pocketgrid-two-portals-it");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
