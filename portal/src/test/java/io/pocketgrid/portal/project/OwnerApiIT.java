package io.pocketgrid.portal.project;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.account.Role;
import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.ApiClient.Part;
import io.pocketgrid.portal.support.ApiClient.Response;
import io.pocketgrid.portal.support.DemoMlp;
import io.pocketgrid.portal.support.JvmVolunteer;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.TempDirs;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Npy;
import io.pocketgrid.worker.engine.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The owner REST API on a real portal (H2): sign up, upload a model with inputs and labels,
 * follow progress while volunteers compute, download results in input order, steer the project;
 * and every bad upload refused with its code, leaving no project and no file behind.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OwnerApiIT {

    private static final int ITEMS = 100;
    private static final Path DATA_DIR = TempDirs.create("pocketgrid-owner-it");
    private static byte[] model;
    private static Tensor inputs;
    private static long[] labels;

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    AccountService accounts;

    ApiClient api;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PortalProperties.noDemoNoLedger(registry, DATA_DIR);
        // every single-replica result is recomputed on OnnxRuntime: the honest ones here must pass
        registry.add("pocketgrid.validation.server-check-rate", () -> "1.0");
    }

    @BeforeAll
    static void demoData() throws IOException {
        model = DemoMlp.model();
        inputs = DemoMlp.images(ITEMS);
        labels = Arrays.copyOf(Npy.read(new ClassPathResource("demo/labels.npy").getContentAsByteArray()).longs(), ITEMS);
    }

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    /** Each test's volunteers must only find that test's project. */
    @AfterEach
    void stopProjects() {
        jdbc.update("UPDATE project SET status = 'CANCELLED' WHERE status IN ('RUNNING', 'PAUSED')");
    }

    @Test
    void ownerUploadsFollowsAndDownloadsResultsInInputOrder() {
        String owner = api.ownerToken("ada" + System.nanoTime() % 100000);
        Response created = upload(owner, model, Npy.write(inputs), Npy.write(Tensor.ofLongs(labels, ITEMS)),
                "{\"name\":\"Shirts\",\"inputsPerTask\":10,\"replication\":1,\"quorum\":1}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode project = created.json();
        long id = project.get("id").asLong();
        assertThat(project.get("tasks").asInt()).isEqualTo(10);
        assertThat(project.get("status").asString()).isEqualTo("RUNNING");
        assertThat(project.get("flopsPerItem").asLong()).isEqualTo(Model.load(model).flopsPerItem());

        String volunteer = api.registerVolunteer();
        computeTasks(volunteer, 4);
        Response partial = api.get("/api/v1/projects/" + id + "/results", owner);
        assertThat(partial.status()).isEqualTo(200);
        Tensor partialOut = Npy.read(partial.body());
        assertThat(partialOut.dims()).containsExactly(ITEMS, 10);
        assertThat(partial.missingRows()).isEqualTo("40-100");
        assertThat(partialOut.floats()[40 * 10]).isNaN();

        computeTasks(volunteer, 100);
        JsonNode done = api.get("/api/v1/projects/" + id, null).json();
        assertThat(done.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(done.get("tasksValidated").asInt()).isEqualTo(10);
        assertThat(done.get("progress").asDouble()).isEqualTo(1.0);

        Response results = api.get("/api/v1/projects/" + id + "/results", owner);
        assertThat(results.missingRows()).isEmpty();
        float[] expected = Model.load(model).run(Map.of("input", inputs)).get("logits").floats();
        assertThat(Npy.read(results.body()).floats()).containsExactly(expected);

        int correct = 0;
        for (int i = 0; i < ITEMS; i++) {
            int best = 0;
            for (int c = 1; c < 10; c++) {
                best = expected[i * 10 + c] > expected[i * 10 + best] ? c : best;
            }
            correct += best == labels[i] ? 1 : 0;
        }
        assertThat(done.get("accuracy").asDouble()).isEqualTo(correct / (double) ITEMS);
        assertThat(done.get("accuracyItems").asInt()).isEqualTo(ITEMS);

        // exact credit: flopsPerItem × items / 1e9 credits, as micro-credits, for 10 single-replica tasks
        long flops = project.get("flopsPerItem").asLong();
        long expectedMicro = 10 * (flops * 10 / 1000);
        JsonNode me = api.get("/api/v1/volunteers/me", volunteer).json();
        assertThat(me.get("microCredits").asLong()).isEqualTo(expectedMicro);
        assertThat(me.get("resultsValid").asInt()).isEqualTo(10);
        JsonNode board = api.get("/api/v1/leaderboard?by=volunteer&period=24h", null).json();
        String myId = me.get("volunteerId").asString();
        JsonNode mine = null;
        for (JsonNode row : board) {
            mine = row.get("id").asString().equals(myId) ? row : mine;
        }
        assertThat(mine).as("the volunteer is on the 24 h leaderboard").isNotNull();
        assertThat(mine.get("microCredits").asLong()).isEqualTo(expectedMicro);
        assertThat(api.get("/api/v1/leaderboard?by=planet", null).error()).isEqualTo("BAD_PARAMETER");
    }

    @Test
    void pausedProjectsLeaseNothingAndOnlyTheirOwnerMaySteerThem() {
        String owner = api.ownerToken("grace" + System.nanoTime() % 100000);
        String other = api.ownerToken("mallory" + System.nanoTime() % 100000);
        long id = upload(owner, model, Npy.write(inputs), null, "{\"inputsPerTask\":50}").json().get("id").asLong();

        assertThat(api.postJson("/api/v1/projects/" + id + "/pause", other, null).error()).isEqualTo("NOT_YOUR_PROJECT");
        assertThat(api.postJson("/api/v1/projects/" + id + "/pause", null, null).status()).isEqualTo(401);
        assertThat(api.postJson("/api/v1/projects/" + id + "/pause", owner, null).json().get("status").asString())
                .isEqualTo("PAUSED");
        String volunteer = api.registerVolunteer();
        assertThat(api.postJson("/api/v1/work/lease", volunteer, "{}").status()).isEqualTo(204);
        assertThat(api.postJson("/api/v1/projects/" + id + "/resume", owner, null).json().get("status").asString())
                .isEqualTo("RUNNING");
        assertThat(api.postJson("/api/v1/work/lease", volunteer, "{}").status()).isEqualTo(200);
        assertThat(api.postJson("/api/v1/projects/" + id + "/cancel", owner, null).json().get("status").asString())
                .isEqualTo("CANCELLED");
        assertThat(api.postJson("/api/v1/projects/" + id + "/resume", owner, null).error()).isEqualTo("BAD_STATE");
        assertThat(api.get("/api/v1/projects/" + id + "/results", other).error()).isEqualTo("NOT_YOUR_PROJECT");
    }

    @Test
    void aLoneWrongResultFailsTheServerSpotCheckAndEarnsNothing() {
        String owner = api.ownerToken("hopper" + System.nanoTime() % 100000);
        long id = upload(owner, model, Npy.write(inputs), null,
                "{\"inputsPerTask\":25,\"replication\":1,\"quorum\":1}").json().get("id").asLong();
        String liar = api.registerVolunteer();
        JsonNode lease = api.postJson("/api/v1/work/lease", liar, "{}").json();
        int credits = jdbc.queryForObject("SELECT COUNT(*) FROM credit", Integer.class);
        float[] wrong = new float[25 * 10];
        Arrays.fill(wrong, 0.5f);
        Response sent = api.send("POST", "/api/v1/work/" + lease.get("leaseId").asLong() + "/result", Map.of(
                "Authorization", "Bearer " + liar, "X-Lease-Token", lease.get("leaseToken").asString(),
                "X-Tensor-Dims", "25,10", "Content-Type", "application/octet-stream"), ApiClient.floats(wrong));
        assertThat(sent.status()).isEqualTo(200);
        // the server recomputes the task off the request path: the receipt says PENDING, the verdict follows
        assertThat(sent.json().get("status").asString()).isEqualTo("PENDING");
        awaitSpotChecks();
        assertThat(jdbc.queryForObject("SELECT status FROM result WHERE assignment_id = ?", String.class,
                lease.get("leaseId").asLong())).isEqualTo("INVALID");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM credit", Integer.class)).isEqualTo(credits);
        assertThat(jdbc.queryForObject("SELECT status FROM task WHERE id = ?", String.class,
                lease.get("taskId").asLong())).isEqualTo("OPEN");
        assertThat(api.get("/api/v1/projects/" + id, null).json().get("tasksValidated").asInt()).isZero();

        // the refuted task is not stuck on its spent replica: an honest volunteer gets it and it validates
        long taskId = lease.get("taskId").asLong();
        JvmVolunteer honest = new JvmVolunteer(api);
        // the project's four tasks at most: the three the liar did not lease, and the refuted one again
        int computed = 0;
        while (computed < 4 && honest.computeOne() != null) {
            computed++;
        }
        awaitSpotChecks();
        assertThat(jdbc.queryForObject("SELECT status FROM task WHERE id = ?", String.class, taskId)).isEqualTo("VALIDATED");
        assertThat(jdbc.queryForObject("SELECT r.volunteer_id FROM task t JOIN result r ON r.id = t.canonical_result_id"
                + " WHERE t.id = ?", Long.class, taskId))
                .isNotEqualTo(jdbc.queryForObject("SELECT volunteer_id FROM assignment WHERE id = ?", Long.class,
                        lease.get("leaseId").asLong()));
    }

    /**
     * A project is COMPLETED only when every item is done: a task no quorum formed on leaves it INCOMPLETE,
     * saying what is missing, until its owner runs the failed tasks again (issue 17, defect 2).
     */
    @Test
    void aTaskWithoutAQuorumLeavesTheProjectIncompleteUntilItsOwnerRunsItAgain() throws InterruptedException {
        String owner = api.ownerToken("noether" + System.nanoTime() % 100000);
        long id = upload(owner, model, Npy.write(inputs), null,
                "{\"inputsPerTask\":100,\"replication\":2,\"quorum\":2,\"maxErrors\":1}").json().get("id").asLong();
        int chargedBefore = jdbc.queryForObject("SELECT COUNT(*) FROM volunteer WHERE invalid_results > 0", Integer.class);
        // replication + 2 × maxErrors = 4 results that all disagree, each from a volunteer with no record
        for (int i = 1; i <= 4; i++) {
            String garbage = api.registerVolunteer();
            JsonNode lease = leaseWithin(garbage);
            float[] wrong = new float[ITEMS * 10];
            Arrays.fill(wrong, 0.1f * i);
            Response sent = api.send("POST", "/api/v1/work/" + lease.get("leaseId").asLong() + "/result", Map.of(
                    "Authorization", "Bearer " + garbage, "X-Lease-Token", lease.get("leaseToken").asString(),
                    "X-Tensor-Dims", ITEMS + ",10", "Content-Type", "application/octet-stream"), ApiClient.floats(wrong));
            assertThat(sent.status()).isEqualTo(200);
            assertThat(sent.json().get("status").asString()).as("result " + i).isEqualTo(i < 4 ? "PENDING" : "INVALID");
        }
        JsonNode incomplete = api.get("/api/v1/projects/" + id, null).json();
        assertThat(incomplete.get("status").asString()).isEqualTo("INCOMPLETE");
        assertThat(incomplete.get("tasksFailed").asInt()).isEqualTo(1);
        assertThat(incomplete.get("itemsFailed").asInt()).isEqualTo(ITEMS);
        assertThat(incomplete.get("statusNote").asString()).contains(ITEMS + " of " + ITEMS + " items are missing");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM volunteer WHERE invalid_results > 0", Integer.class))
                .as("nobody is charged for a disagreement no quorum settled").isEqualTo(chargedBefore);

        assertThat(api.postJson("/api/v1/projects/" + id + "/resume", owner, null).json().get("status").asString())
                .isEqualTo("RUNNING");
        JvmVolunteer first = new JvmVolunteer(api);
        JvmVolunteer second = new JvmVolunteer(api);
        assertThat(first.computeOne().get("status").asString()).isEqualTo("PENDING");
        assertThat(second.computeOne().get("status").asString()).isEqualTo("VALID");
        JsonNode done = api.get("/api/v1/projects/" + id, null).json();
        assertThat(done.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(done.get("statusNote").asString()).isEmpty();
        assertThat(done.get("progress").asDouble()).isEqualTo(1.0);
    }

    /** A lease for this volunteer; a task that wants another replica is offered again within a second or so. */
    private JsonNode leaseWithin(String volunteer) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            Response r = api.postJson("/api/v1/work/lease", volunteer, "{}");
            if (r.status() == 200) {
                return r.json();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no lease within 5 s");
    }

    @Test
    void anAdminBansAVolunteerWhosePendingResultsAreDiscardedAndWhoGetsNoMoreWork() {
        String owner = api.ownerToken("knuth" + System.nanoTime() % 100000);
        api.ownerToken("root");
        accounts.grantRole("root", Role.ADMIN, null); // as the operator's pocketgrid.admin-usernames does at start-up
        String admin = api.signIn("root");
        upload(owner, model, Npy.write(inputs), null, "{\"inputsPerTask\":25}");
        String cheat = api.registerVolunteer();
        JsonNode lease = api.postJson("/api/v1/work/lease", cheat, "{}").json();
        Response sent = api.send("POST", "/api/v1/work/" + lease.get("leaseId").asLong() + "/result", Map.of(
                "Authorization", "Bearer " + cheat, "X-Lease-Token", lease.get("leaseToken").asString(),
                "X-Tensor-Dims", "25,10", "Content-Type", "application/octet-stream"), ApiClient.floats(new float[250]));
        assertThat(sent.json().get("status").asString()).isEqualTo("PENDING");
        String cheatId = api.get("/api/v1/volunteers/me", cheat).json().get("volunteerId").asString();

        assertThat(api.postJson("/api/v1/admin/volunteers/" + cheatId + "/ban", owner, null).error()).isEqualTo("NOT_ADMIN");
        JsonNode ban = api.postJson("/api/v1/admin/volunteers/" + cheatId + "/ban", admin, null).json();
        assertThat(ban.get("resultsDiscarded").asInt()).isEqualTo(1);
        assertThat(api.postJson("/api/v1/work/lease", cheat, "{}").error()).isEqualTo("BANNED");
        // the discarded replica no longer counts: the task goes to an honest volunteer
        String honest = api.registerVolunteer();
        assertThat(api.postJson("/api/v1/work/lease", honest, "{}").json().get("taskId").asLong())
                .isEqualTo(lease.get("taskId").asLong());
    }

    @Test
    void badUploadsAreRefusedByNameAndLeaveNothingBehind() throws IOException {
        String owner = api.ownerToken("turing" + System.nanoTime() % 100000);
        byte[] goodInputs = Npy.write(inputs);
        int projects = jdbc.queryForObject("SELECT COUNT(*) FROM project", Integer.class);
        long files = blobCount();

        assertThat(upload(null, model, goodInputs, null, null).error()).isEqualTo("UNAUTHORIZED");
        Response unsupported = upload(owner, Files.readAllBytes(
                Path.of("/usr/share/libonnx-testdata/data/node/test_gru_defaults/model.onnx")), goodInputs, null, null);
        assertThat(unsupported.error()).isEqualTo("UNSUPPORTED_OP");
        assertThat(unsupported.json().get("message").asString()).contains("GRU");
        Response notOnnx = upload(owner, "not an onnx file".getBytes(), goodInputs, null, null);
        assertThat(notOnnx.error()).isEqualTo("BAD_MODEL");
        assertThat(notOnnx.json().get("message").asString()).startsWith("not an ONNX model");
        assertThat(upload(owner, model, Npy.write(Tensor.ofFloats(new float[ITEMS * 27 * 28], ITEMS, 1, 27, 28)), null,
                null).error()).isEqualTo("INPUT_MISMATCH");
        assertThat(upload(owner, model, Arrays.copyOf(goodInputs, goodInputs.length - 100), null, null).error())
                .isEqualTo("BAD_NPY");
        assertThat(upload(owner, model, "garbage".getBytes(), null, null).error()).isEqualTo("BAD_NPY");
        float[] withNaN = inputs.floats().clone();
        int itemSize = withNaN.length / ITEMS;
        withNaN[7 * itemSize + 100] = Float.NaN;
        withNaN[9 * itemSize] = Float.POSITIVE_INFINITY;
        Response nonFinite = upload(owner, model, Npy.write(Tensor.ofFloats(withNaN, inputs.dims())), null, null);
        assertThat(nonFinite.error()).isEqualTo("NON_FINITE");
        assertThat(nonFinite.json().get("message").asString()).as("names the first bad item").contains("item 7 ");
        assertThat(upload(owner, model, goodInputs, Npy.write(Tensor.ofLongs(new long[7], 7)), null).error())
                .isEqualTo("INPUT_MISMATCH");
        assertThat(upload(owner, model, goodInputs, null, "{\"quorum\":3,\"replication\":2}").error())
                .isEqualTo("BAD_SETTINGS");
        assertThat(api.multipart("/api/v1/projects", owner, List.of(new Part("model", "m.onnx", null, model))).error())
                .isEqualTo("MISSING_PART");

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM project", Integer.class)).isEqualTo(projects);
        assertThat(blobCount()).isEqualTo(files);
    }

    private Response upload(String token, byte[] model, byte[] inputs, byte[] labels, String settings) {
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("model", "model.onnx", null, model));
        parts.add(new Part("inputs", "inputs.npy", null, inputs));
        if (labels != null) {
            parts.add(new Part("labels", "labels.npy", null, labels));
        }
        if (settings != null) {
            parts.add(new Part("settings", null, "application/json", settings.getBytes()));
        }
        return api.multipart("/api/v1/projects", token, parts);
    }

    /**
     * Leases, computes with the JVM engine and submits up to {@code max} tasks of a single-replica project; each
     * waits for the server's spot check (PENDING) and passes it once the server has recomputed it.
     */
    private void computeTasks(String volunteer, int max) {
        JvmVolunteer jvm = new JvmVolunteer(api, volunteer);
        int validBefore = api.get("/api/v1/volunteers/me", volunteer).json().get("resultsValid").asInt();
        int sent = 0;
        for (; sent < max; sent++) {
            JsonNode receipt = jvm.computeOne();
            if (receipt == null) {
                break;
            }
            assertThat(receipt.get("status").asString()).isEqualTo("PENDING");
        }
        awaitSpotChecks();
        assertThat(api.get("/api/v1/volunteers/me", volunteer).json().get("resultsValid").asInt())
                .as("valid after the server's checks").isEqualTo(validBefore + sent);
    }

    /** Waits (up to a minute) until the server has judged every result it picked for a spot check. */
    private void awaitSpotChecks() {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (jdbc.queryForObject("SELECT COUNT(*) FROM spot_check", Integer.class) > 0) {
            assertThat(System.nanoTime()).as("spot checks still queued after a minute").isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static long blobCount() throws IOException {
        Path blobs = DATA_DIR.resolve("blobs");
        try (Stream<Path> files = Files.walk(blobs)) {
            return files.filter(Files::isRegularFile).filter(p -> !blobs.relativize(p).startsWith("tmp")).count();
        }
    }
}
