package io.pocketgrid.portal.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.account.Role;
import io.pocketgrid.portal.ledger.EpochJob;
import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.ApiClient.Response;
import io.pocketgrid.portal.support.DemoMlp;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.Scrape;
import io.pocketgrid.portal.support.TempDirs;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Health and metrics on a running portal (H2, its own local anvil): the meters an operator watches
 * move with real leases, results, validations, refusals and epoch commits; health and its probes
 * report the database, the chain and the epoch lag; only operators and admins read the details.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MonitoringH2IT {

    static final String OPERATOR_TOKEN = "test-operator-token-0123456789abcdefghijklmnop";

    @Value("${local.server.port}")
    int port;

    @Autowired
    EpochJob epochs;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    AccountService accounts;

    ApiClient api;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        PortalProperties.dataDir(registry, TempDirs.create("pocketgrid-monitoring-it"));
        PortalProperties.noDemoProject(registry);
        registry.add("pocketgrid.max-open-leases", () -> "1");
        registry.add("pocketgrid.operator.token", () -> OPERATOR_TOKEN);
        PortalProperties.fastChain(registry);
    }

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    @Test
    void metersMoveWithLeasesResultsValidationsRefusalsAndCommits() throws Exception {
        Scrape before = scrape();
        createProject();
        String a = api.registerVolunteer();
        String b = api.registerVolunteer();
        String c = api.registerVolunteer();

        JsonNode leaseA = lease(a);
        Scrape oneOut = scrape();
        assertThat(oneOut.value("pocketgrid_feeder_queued")).as("the task's second replica waits in memory").isEqualTo(1);
        assertThat(oneOut.value("pocketgrid_leases_open")).isEqualTo(1);
        assertThat(api.postJson("/api/v1/work/lease", a, "{}").status()).as("one open lease each").isEqualTo(429);
        JsonNode leaseB = lease(b);
        assertThat(leaseB.get("taskId").asLong()).isEqualTo(leaseA.get("taskId").asLong());
        Scrape twoOut = scrape();
        assertThat(twoOut.value("pocketgrid_feeder_queued")).isZero();
        assertThat(twoOut.value("pocketgrid_leases_open")).isEqualTo(2);

        float[] right = compute(leaseA, a);
        float[] wrong = new float[right.length];
        Arrays.fill(wrong, 0.5f);
        assertThat(submit(leaseA, a, right)).isEqualTo("PENDING");
        assertThat(submit(leaseB, b, wrong)).as("two replicas, no quorum").isEqualTo("PENDING");
        JsonNode leaseC = lease(c);
        assertThat(leaseC.get("taskId").asLong()).as("a third opinion").isEqualTo(leaseA.get("taskId").asLong());
        assertThat(submit(leaseC, c, compute(leaseC, c))).isEqualTo("VALID");
        assertThat(api.postJson("/api/v1/work/lease", api.registerVolunteer(), "{}").status()).isEqualTo(204);

        Scrape after = scrape();
        assertThat(rise(before, after, "pocketgrid_leases_total", "outcome=issued")).isEqualTo(3);
        assertThat(rise(before, after, "pocketgrid_leases_total", "outcome=no_work")).isEqualTo(1);
        assertThat(rise(before, after, "pocketgrid_results_total", "status=PENDING")).isEqualTo(2);
        assertThat(rise(before, after, "pocketgrid_results_total", "status=VALID")).isEqualTo(1);
        assertThat(rise(before, after, "pocketgrid_validations_total", "outcome=valid")).isEqualTo(2);
        assertThat(rise(before, after, "pocketgrid_validations_total", "outcome=invalid")).isEqualTo(1);
        assertThat(rise(before, after, "pocketgrid_validations_total", "outcome=inconclusive")).isEqualTo(1);
        assertThat(rise(before, after, "pocketgrid_api_refusals_total", "code=RATE_LIMITED", "status=429")).isEqualTo(1);
        assertThat(rise(before, after, "pocketgrid_writer_batch_size_sum", "writer=lease-writes")).isEqualTo(3);
        assertThat(rise(before, after, "pocketgrid_writer_batch_size_sum", "writer=result-writes")).isEqualTo(3);
        assertThat(rise(before, after, "pocketgrid_writer_batch_duration_seconds_count", "writer=result-writes"))
                .isBetween(1.0, 3.0);
        assertThat(after.value("pocketgrid_leases_open")).as("every lease came back").isZero();
        assertThat(after.value("pocketgrid_spot_checks_total", "outcome=disagreed")).isZero();
        // the worker calls are timed by the work API's own timer, not by Spring's per-request observation
        assertThat(rise(before, after, "pocketgrid_work_calls_seconds_count", "call=lease")).isEqualTo(5);
        assertThat(rise(before, after, "pocketgrid_work_calls_seconds_count", "call=result")).isEqualTo(3);
        assertThat(after.lines()).noneMatch(l -> l.contains("uri=\"/api/v1/work") || l.contains("uri=\"/api/v1/tasks"))
                .anyMatch(l -> l.startsWith("http_server_requests_seconds_count"));
        Scrape online = until(s -> s.value("pocketgrid_volunteers_online") >= 3);
        assertThat(online.value("pocketgrid_credits_granted")).isPositive();
        // credit waits for an epoch (the gauge is read through a 5 s cache)
        until(s -> s.value("pocketgrid_ledger_commit_lag_seconds") > 0 && s.value("pocketgrid_ledger_commit_lag_seconds") < 600);

        EpochJob.Run run = epochs.runOnce();
        assertThat(run.status()).as(run.toString()).isEqualTo(EpochJob.Status.COMMITTED);
        Scrape committed = until(s -> s.value("pocketgrid_ledger_commit_lag_seconds") == 0);
        assertThat(rise(before, committed, "pocketgrid_ledger_commits_total", "outcome=committed")).isEqualTo(1);
        assertThat(rise(before, committed, "pocketgrid_ledger_gas_used_total")).as("commitEpoch costs ~60-100 k gas")
                .isBetween(30_000.0, 500_000.0);
        assertThat(committed.value("pocketgrid_ledger_epoch_committed")).isEqualTo(run.closed().doubleValue());
        assertThat(committed.has("jvm_memory_used_bytes")).as("the JVM's own meters too").isTrue();
    }

    @Test
    void probesArePublicAndDetailsReportDatabaseChainAndEpochLag() {
        Response readiness = api.get("/actuator/health/readiness", null);
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.json().get("status").asString()).isEqualTo("UP");
        assertThat(readiness.json().has("components")).as("no details for the public").isFalse();
        assertThat(api.get("/actuator/health/liveness", null).json().get("status").asString()).isEqualTo("UP");

        JsonNode health = api.get("/actuator/health", OPERATOR_TOKEN).json();
        assertThat(health.get("status").asString()).isEqualTo("UP");
        JsonNode components = health.get("components");
        assertThat(components.get("db").get("status").asString()).isEqualTo("UP");
        assertThat(components.get("chain").get("status").asString()).isEqualTo("UP");
        assertThat(components.get("chain").get("details").get("chainId").asLong()).isEqualTo(31337);
        assertThat(components.get("chain").get("details").get("block").asLong()).isPositive();
        assertThat(components.get("epochs").get("status").asString()).isEqualTo("UP");
        assertThat(api.get("/actuator/health/ledger", OPERATOR_TOKEN).json().get("components").has("chain")).isTrue();
        assertThat(api.get("/actuator/health/readiness", OPERATOR_TOKEN).json().get("components").has("db")).isTrue();
    }

    @Test
    void creditWaitingLongerThanThreeEpochsIsDownWithoutTakingTheInstanceOutOfTheBalancer() {
        try {
            // the newest committed epoch closed four hours ago (the interval is an hour) and credit came after it
            jdbc.update("INSERT INTO ledger_epoch (epoch, root, total, leaf_count, export_hash, status, created_at)"
                    + " VALUES (999999, '0x00', 0, 1, '0x00', 'COMMITTED', ?)", OffsetDateTime.now(ZoneOffset.UTC).minusHours(4));
            jdbc.update("INSERT INTO volunteer (public_id, token_sha256, created_at, total_micro_credits)"
                    + " VALUES ('late-credit', 'late-credit', ?, 1)", OffsetDateTime.now(ZoneOffset.UTC));
            JsonNode epochsHealth = untilJson("/actuator/health/ledger",
                    h -> h.get("status").asString().equals("DOWN"));
            assertThat(epochsHealth.get("components").get("epochs").get("details").get("commitLag").asString())
                    .startsWith("PT4H");
            assertThat(api.get("/actuator/health/ledger", null).status()).isEqualTo(503);
            assertThat(api.get("/actuator/health/readiness", null).status()).as("volunteers are still served")
                    .isEqualTo(200);
        } finally {
            jdbc.update("DELETE FROM volunteer WHERE public_id = 'late-credit'");
            jdbc.update("DELETE FROM ledger_epoch WHERE epoch = 999999");
        }
    }

    @Test
    void onlyOperatorsAndAdminsReadMetrics() {
        Response anonymous = api.get("/actuator/prometheus", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.error()).isEqualTo("UNAUTHORIZED");
        assertThat(anonymous.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(api.get("/actuator/prometheus", "pgo_not-a-token").status()).isEqualTo(401);
        assertThat(api.get("/actuator/prometheus", OPERATOR_TOKEN + "x").status()).isEqualTo(401);

        Response owner = api.get("/actuator/metrics", api.ownerToken("metricsowner"));
        assertThat(owner.status()).isEqualTo(403);
        assertThat(owner.error()).isEqualTo("FORBIDDEN");

        String opsadmin = api.ownerToken("opsadmin");
        accounts.grantRole("opsadmin", Role.ADMIN, null); // as pocketgrid.admin-usernames does at start-up
        Response admin = api.get("/actuator/prometheus", opsadmin);
        assertThat(admin.status()).isEqualTo(200);
        assertThat(new String(admin.body(), StandardCharsets.UTF_8)).contains("pocketgrid_leases_total");
        assertThat(api.get("/actuator/health", null).json().has("components")).isFalse();
    }

    private Scrape scrape() {
        Response r = api.get("/actuator/prometheus", OPERATOR_TOKEN);
        assertThat(r.status()).isEqualTo(200);
        return Scrape.of(new String(r.body(), StandardCharsets.UTF_8));
    }

    /** Gauges read through a short cache: the first scrape within ten seconds that satisfies {@code test}. */
    private Scrape until(Predicate<Scrape> test) {
        long end = System.nanoTime() + 10_000_000_000L;
        Scrape s = scrape();
        while (!test.test(s) && System.nanoTime() < end) {
            sleep();
            s = scrape();
        }
        assertThat(test.test(s)).as("a scrape within ten seconds").isTrue();
        return s;
    }

    private JsonNode untilJson(String path, Predicate<JsonNode> test) {
        long end = System.nanoTime() + 10_000_000_000L;
        JsonNode n = api.get(path, OPERATOR_TOKEN).json();
        while (!test.test(n) && System.nanoTime() < end) {
            sleep();
            n = api.get(path, OPERATOR_TOKEN).json();
        }
        assertThat(test.test(n)).as(n.toString()).isTrue();
        return n;
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double rise(Scrape before, Scrape after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    /** One task of ten images, two replicas that must agree. */
    private void createProject() {
        DemoMlp.post(api, api.ownerToken("monitor" + System.nanoTime() % 1_000_000L), 10, 10, 2, 2);
    }

    private JsonNode lease(String token) {
        Response r = api.postJson("/api/v1/work/lease", token, "{}");
        assertThat(r.status()).as("a task to lease").isEqualTo(200);
        return r.json();
    }

    private float[] compute(JsonNode lease, String token) {
        float[] in = ApiClient.floats(api.get(lease.get("inputUrl").asString(), token).body());
        return DemoMlp.logits(lease, in).floats();
    }

    private String submit(JsonNode lease, String token, float[] outputs) {
        Response sent = api.send("POST", "/api/v1/work/" + lease.get("leaseId").asLong() + "/result", Map.of(
                "Authorization", "Bearer " + token, "X-Lease-Token", lease.get("leaseToken").asString(),
                "X-Tensor-Dims", (outputs.length / 10) + ",10", "Content-Type", "application/octet-stream"),
                ApiClient.floats(outputs));
        assertThat(sent.status()).as(new String(sent.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return sent.json().get("status").asString();
    }
}
