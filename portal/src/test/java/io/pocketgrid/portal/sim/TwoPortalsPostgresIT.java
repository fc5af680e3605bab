package io.pocketgrid.portal.sim;

import static io.pocketgrid.sim.Behaviour.HONEST;
import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.ledger.LeafExport;
import io.pocketgrid.ledger.merkle.Bytes32;
import io.pocketgrid.ledger.merkle.Leaf;
import io.pocketgrid.portal.PortalApplication;
import io.pocketgrid.portal.ledger.AccountIds;
import io.pocketgrid.portal.ledger.EpochJob;
import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.PostgresSchema;
import io.pocketgrid.portal.support.TempDirs;
import io.pocketgrid.sim.SimulationResult;
import io.pocketgrid.sim.SimulationSettings;
import io.pocketgrid.sim.VolunteerSimulator;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Two portal instances on one PostgreSQL schema and nothing else — each with a data directory of its
 * own, as a scaled-out deployment runs them — with simulated volunteers working through the demo
 * project on both at once. The second instance never saw the upload: it serves the model and the
 * inputs from the database and signs leases with the key the database holds. Each instance hands out
 * replicas from its own feeder; the claims in the database must keep them from handing out more
 * replicas of a task than it wants, credit must be granted once, and the epoch committed afterwards
 * must hold exactly that credit. (Two instances committing epochs at once: {@code LedgerPostgresIT}.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
@Import(PostgresSchema.CleanThenMigrate.class)
class TwoPortalsPostgresIT {

    private static final String SCHEMA = "pocketgrid_two_portals_it";
    private static final Path DATA_DIR = TempDirs.create("pocketgrid-two-portals-it");
    private static final Path SECOND_DATA_DIR = TempDirs.create("pocketgrid-two-portals-it");

    @Value("${local.server.port}")
    int port;

    @Value("${spring.datasource.url}")
    String databaseUrl;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    EpochJob epochs;

    private ConfigurableApplicationContext second;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PostgresSchema.register(registry, SCHEMA);
        PortalProperties.dataDir(registry, DATA_DIR);
        PortalProperties.noDemoRounds(registry);
        PortalProperties.noDemoWorkloads(registry);
        registry.add("pocketgrid.lease-duration", () -> SimulationContract.LEASE_DURATION);
        // the local chain; epochs only when the test runs the job
        registry.add("pocketgrid.ledger.epoch-interval", () -> "1h");
        registry.add("pocketgrid.ledger.poll-interval", () -> "50ms");
    }

    @BeforeEach
    void startSecondInstance() {
        second = new SpringApplicationBuilder(PortalApplication.class).profiles("postgres").run(
                "--server.port=0", "--spring.datasource.url=" + databaseUrl,
                "--spring.datasource.username=" + System.getProperty("pocketgrid.pg.user", "postgres"),
                "--spring.flyway.schemas=" + SCHEMA, "--pocketgrid.data-dir=" + SECOND_DATA_DIR,
                "--pocketgrid.lease-duration=" + SimulationContract.LEASE_DURATION,
                // it serves work only: the first instance's local chain takes the epoch
                "--pocketgrid.ledger.enabled=false", "--pocketgrid.demo-project=false");
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

        assertALeaseFromOneInstanceIsGoodOnTheOther(new ApiClient(port), new ApiClient(secondPort), oracle);

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

        assertThat(sharedNothingButTheDatabase()).as("files under either data directory").isEmpty();
        String model = jdbc.queryForObject("SELECT model_sha256 FROM project WHERE id = ?", String.class, projectId);
        ApiClient.Response served = new ApiClient(secondPort).get("/api/v1/models/" + model, null);
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.body()).as("the model as the instance that never saw the upload serves it")
                .isEqualTo(new ClassPathResource("demo/cnn.onnx").getContentAsByteArray());
        assertThat(epochs.runOnce().committed()).containsExactly(1L);
        assertEpochHoldsEveryCreditOnce(new ApiClient(port));
    }

    /**
     * One key signs leases everywhere (the database's): the other instance serves a lease's inputs
     * from the database and takes it back with its token, and refuses a forged token.
     */
    private void assertALeaseFromOneInstanceIsGoodOnTheOther(ApiClient first, ApiClient second, EngineOracle oracle) {
        String volunteer = first.registerVolunteer();
        ApiClient.Response leased = first.postJson("/api/v1/work/lease", volunteer, "{\"cores\": 2}");
        assertThat(leased.status()).isEqualTo(200);
        JsonNode lease = leased.json();
        ApiClient.Response input = second.get(lease.get("inputUrl").asString(), volunteer);
        assertThat(input.status()).isEqualTo(200);
        assertThat(input.body()).as("the task's inputs as the second instance reads them from the database")
                .isEqualTo(oracle.inputBytes(lease.get("taskId").asLong()));
        String path = "/api/v1/work/" + lease.get("leaseId").asLong() + "/release";
        String token = lease.get("leaseToken").asString();
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "A".repeat(43);
        assertThat(second.send("POST", path, Map.of("Authorization", "Bearer " + volunteer, "X-Lease-Token", forged), null)
                .status()).as("a forged token").isEqualTo(403);
        assertThat(second.send("POST", path, Map.of("Authorization", "Bearer " + volunteer, "X-Lease-Token", token), null)
                .status()).as("the first instance's token on the second").isEqualTo(204);
    }

    /** The leaves of epoch 1 are the volunteers' totals, which are the sums of their credit rows. */
    private void assertEpochHoldsEveryCreditOnce(ApiClient api) {
        ApiClient.Response csv = api.get("/api/v1/epochs/1/leaves", null);
        assertThat(csv.status()).isEqualTo(200);
        Map<Bytes32, BigInteger> leaves = LeafExport.parse(new String(csv.body(), StandardCharsets.US_ASCII)).stream()
                .collect(Collectors.toMap(Leaf::accountId, Leaf::amount));
        Map<Bytes32, BigInteger> credited = new HashMap<>();
        jdbc.query("""
                SELECT v.public_id, SUM(c.micro_credits) FROM credit c JOIN volunteer v ON v.id = c.volunteer_id
                GROUP BY v.public_id HAVING SUM(c.micro_credits) > 0""", rs -> {
            credited.put(AccountIds.ofVolunteer(rs.getString(1)), BigInteger.valueOf(rs.getLong(2)));
        });
        assertThat(credited).as("credit rows").isNotEmpty();
        assertThat(leaves).as("epoch 1's leaves against the credit rows").isEqualTo(credited);
        assertThat(api.get("/api/v1/epochs/1", null).json().get("status").asString()).isEqualTo("COMMITTED");
    }

    /**
     * What either instance keeps in its data directory besides its own id, its database-free caches and
     * the local chain: nothing (no blobs, no lease key).
     */
    private static List<Path> sharedNothingButTheDatabase() throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path dir : List.of(DATA_DIR, SECOND_DATA_DIR)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(Files::isRegularFile).map(dir::relativize)
                        .filter(f -> !f.toString().equals("instance-id") && !f.startsWith("reference-models")
                                && !f.startsWith("anvil"))
                        .forEach(found::add);
            }
        }
        return found;
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
}
