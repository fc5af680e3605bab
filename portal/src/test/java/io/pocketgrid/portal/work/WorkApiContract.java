package io.pocketgrid.portal.work;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.storage.Utc;
import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.ApiClient.Response;
import io.pocketgrid.portal.support.StoredBlobs;
import io.pocketgrid.portal.support.StoredResults;
import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The worker protocol against a running portal with a real database: the whole loop, then every
 * kind of bad request, each answered with its 4xx and leaving the stored state as it was.
 * Subclasses choose the database.
 */
abstract class WorkApiContract {

    static final long MAX_RESULT_BYTES = 1 << 20;
    static final int MAX_OPEN_LEASES = 3;

    @Value("${local.server.port}")
    int port;

    @Value("${pocketgrid.data-dir}")
    Path dataDir;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    LeaseService leases;

    @Autowired
    ResultBatch resultBatch;

    @Autowired
    BlobStore blobs;

    @Autowired
    PlatformTransactionManager transactions;

    ApiClient api;
    StoredResults stored;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        stored = new StoredResults(jdbc, dataDir);
    }

    @Test
    void leaseComputeSubmitStoresTheEngineOutput() {
        String token = api.registerVolunteer();
        JsonNode lease = lease(token);

        Response model = api.get(lease.get("modelUrl").asString(), null);
        assertThat(model.status()).isEqualTo(200);
        assertThat(BlobStore.sha256Hex(model.body())).isEqualTo(lease.get("modelSha256").asString());

        Response input = api.get(lease.get("inputUrl").asString(), token);
        assertThat(input.status()).isEqualTo(200);
        int[] inputDims = ints(lease.get("inputDims"));
        assertThat(input.tensorDims()).isEqualTo(csv(inputDims));
        assertThat(input.body()).hasSize(4 * Tensor.sizeOf(inputDims));

        Tensor out = Model.load(model.body()).run(Map.of(lease.get("inputName").asString(),
                Tensor.ofFloats(ApiClient.floats(input.body()), inputDims))).get(lease.get("outputName").asString());
        assertThat(out.dims()).containsExactly(ints(lease.get("outputDims")));

        int before = stored.count();
        Response r = submit(token, lease, out.dims(), ApiClient.floats(out.floats()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asString()).isEqualTo("PENDING");
        assertThat(r.json().get("creditPending").asBoolean()).isTrue();
        assertThat(stored.count()).isEqualTo(before + 1);
        StoredResults.Checked last = stored.recomputeAll().getLast();
        assertThat(last.stored()).containsExactly(out.floats());
        assertThat(last.worstExcess(0, 0)).isLessThanOrEqualTo(0);

        JsonNode next = lease(token);
        assertThat(next.get("taskId").asLong()).isNotEqualTo(lease.get("taskId").asLong());
    }

    /** A task of two replicas nobody has claimed or leased: its id and its item count. */
    private long[] freshPairTask() {
        return jdbc.queryForObject("""
                SELECT id, end_item - start_item FROM task t WHERE status = 'OPEN' AND target_replicas = 2 AND quorum = 2
                  AND claimed_by IS NULL AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.task_id = t.id)
                ORDER BY id DESC FETCH FIRST 1 ROWS ONLY""", (rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)});
    }

    /** A lease of the task held by the volunteer since {@code now}, for ten minutes; its id. */
    private long insertLease(long taskId, long volunteerId, java.time.Instant now) {
        jdbc.update("INSERT INTO assignment (task_id, volunteer_id, status, issued_at, expires_at) VALUES (?, ?, 'LEASED', ?, ?)",
                taskId, volunteerId, Utc.at(now), Utc.at(now.plusSeconds(600)));
        return jdbc.queryForObject("SELECT id FROM assignment WHERE task_id = ? AND volunteer_id = ?", Long.class,
                taskId, volunteerId);
    }

    /**
     * Both replicas of a task arriving in one writer batch: judged one after the other, so the task
     * is validated once and each replica credited once (the unique key on credit would otherwise
     * fail the whole batch).
     */
    @Test
    void bothReplicasOfATaskInOneBatchAreCreditedOnceEach() {
        long[] task = freshPairTask();
        float[] outputs = new float[(int) task[1] * 10];
        Arrays.fill(outputs, 0.25f);
        // not stored before the batch: both replicas carry the same outputs, which the batch stores once
        BlobStore.Small sha = blobs.small(ApiClient.floats(outputs));
        java.time.Instant now = java.time.Instant.now();
        java.util.List<ResultWrite> ops = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            long volunteer = insertVolunteer();
            long leaseId = insertLease(task[0], volunteer, now);
            ops.add(new ResultWrite(leaseId, task[0], volunteer, sha, task[1] + ",10", 5L, now, outputs, false));
        }

        new TransactionTemplate(transactions).executeWithoutResult(s -> resultBatch.write(ops));

        // as if they had come one by one: the first waits for a second opinion, the second settles both
        assertThat(ops.get(0).outcome.status()).isEqualTo("PENDING");
        assertThat(ops.get(1).outcome.status()).isEqualTo("VALID");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM result WHERE task_id = ? AND status = 'VALID'", Integer.class,
                task[0])).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT status FROM task WHERE id = ?", String.class, task[0])).isEqualTo("VALIDATED");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM credit c JOIN result r ON r.id = c.result_id WHERE r.task_id = ?",
                Integer.class, task[0])).isEqualTo(2);
        assertThat(BlobStore.floats(new StoredBlobs(jdbc, dataDir).read(sha.sha256()))).containsExactly(outputs);
    }

    /**
     * Two results for one lease in one writer batch (a client that sent twice at once): the first is
     * stored, the second refused as already submitted, and the batch goes through without a retry.
     */
    @Test
    void twoResultsForOneLeaseInOneBatchStoreOneAndRefuseTheOther() {
        long[] task = freshPairTask();
        float[] outputs = new float[(int) task[1] * 10];
        Arrays.fill(outputs, 0.75f);
        BlobStore.Small sha = blobs.small(ApiClient.floats(outputs));
        java.time.Instant now = java.time.Instant.now();
        long volunteer = insertVolunteer();
        long leaseId = insertLease(task[0], volunteer, now);
        java.util.List<ResultWrite> ops = java.util.List.of(
                new ResultWrite(leaseId, task[0], volunteer, sha, task[1] + ",10", 5L, now, outputs, false),
                new ResultWrite(leaseId, task[0], volunteer, sha, task[1] + ",10", 5L, now, outputs, false));

        new TransactionTemplate(transactions).executeWithoutResult(s -> resultBatch.write(ops));

        assertThat(ops.get(0).refusal).isNull();
        assertThat(ops.get(0).outcome.status()).isEqualTo("PENDING");
        assertThat(ops.get(1).refusal).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo("ALREADY_SUBMITTED"));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM result WHERE assignment_id = ?", Integer.class, leaseId))
                .isEqualTo(1);
    }

    /**
     * A device whose benchmark says it computes only four items a minute gets a task of four items:
     * the fresh task it drew is cut, and the rest becomes a task of its own, so the project's tasks
     * still cover every item exactly once.
     */
    @Test
    void aSlowDeviceGetsATaskItFinishesInAboutAMinute() {
        long flopsPerItem = jdbc.queryForObject("SELECT MAX(flops_per_item) FROM project", Long.class);
        double gflops = 4.5 * flopsPerItem / (LeaseService.TASK_SECONDS * LeaseService.PEAK_SHARE * 1e9);
        JsonNode small = null;
        for (int i = 0; i < 6 && small == null; i++) {
            // a fresh volunteer draws the first task it never held; only a task nobody leased is cut
            Response r = api.postJson("/api/v1/work/lease", api.registerVolunteer(), "{\"cores\": 1, \"gflops\": " + gflops + "}");
            assertThat(r.status()).isEqualTo(200);
            if (ints(r.json().get("inputDims"))[0] == 4) {
                small = r.json();
            }
        }
        assertThat(small).as("a lease of four items").isNotNull();
        long taskId = small.get("taskId").asLong();
        int[] range = jdbc.queryForObject("SELECT start_item, end_item, project_id FROM task WHERE id = ?",
                (rs, i) -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)}, taskId);
        assertThat(range[1] - range[0]).isEqualTo(4);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task WHERE project_id = ? AND start_item = ? AND status = 'OPEN'",
                Integer.class, range[2], range[1])).as("the rest of the cut task, on offer").isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT SUM(end_item - start_item) - MAX(p.item_count) FROM task t JOIN project p"
                + " ON p.id = t.project_id WHERE p.id = ?", Long.class, range[2])).as("items covered twice or not at all")
                .isZero();
        assertThat(jdbc.queryForObject("""
                SELECT COUNT(*) FROM task a JOIN task b ON a.project_id = b.project_id AND a.id < b.id
                  AND a.start_item < b.end_item AND b.start_item < a.end_item WHERE a.project_id = ?""",
                Integer.class, range[2])).as("overlapping tasks").isZero();
    }

    private long insertVolunteer() {
        String publicId = java.util.UUID.randomUUID().toString();
        jdbc.update("INSERT INTO volunteer (public_id, token_sha256, created_at) VALUES (?, ?, ?)", publicId,
                BlobStore.sha256Hex(publicId.getBytes(StandardCharsets.UTF_8)), Utc.at(java.time.Instant.now()));
        return jdbc.queryForObject("SELECT id FROM volunteer WHERE public_id = ?", Long.class, publicId);
    }

    @Test
    void malformedJsonIsRefusedAndLeasesNothing() {
        String token = api.registerVolunteer();
        int assignments = assignments();
        Response r = api.postJson("/api/v1/work/lease", token, "{\"cores\": 4,");
        assertError(r, 400, "INVALID_JSON");
        assertThat(assignments()).isEqualTo(assignments);
    }

    @Test
    void callsWithoutAVolunteerTokenAreRefused() {
        assertError(api.postJson("/api/v1/work/lease", null, "{}"), 401, "UNAUTHORIZED");
        assertError(api.postJson("/api/v1/work/lease", "not-a-token", "{}"), 401, "UNAUTHORIZED");
    }

    @Test
    void oversizedBodiesAreRefusedBeforeAnythingIsStored() {
        String token = api.registerVolunteer();
        JsonNode lease = lease(token);
        int results = stored.count();
        byte[] huge = new byte[(int) MAX_RESULT_BYTES + 4];
        assertError(api.send("POST", "/api/v1/work/" + lease.get("leaseId").asLong() + "/result",
                headers(token, lease, "" + huge.length / 4), huge), 413, "TOO_LARGE");
        byte[] bigJson = ("{\"pad\":\"" + "x".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertError(api.send("POST", "/api/v1/work/lease", Map.of("Authorization", "Bearer " + token,
                "Content-Type", "application/json"), bigJson), 413, "TOO_LARGE");
        assertThat(stored.count()).isEqualTo(results);
    }

    @Test
    void unknownForgedForeignAndMalformedResultsChangeNothing() {
        String token = api.registerVolunteer();
        JsonNode lease = lease(token);
        int[] dims = ints(lease.get("outputDims"));
        byte[] good = ApiClient.floats(new float[Tensor.sizeOf(dims)]);
        int results = stored.count();

        assertError(api.send("POST", "/api/v1/work/987654321/result", headers(token, lease, csv(dims)), good),
                404, "UNKNOWN_LEASE");

        Map<String, String> forged = headers(token, lease, csv(dims));
        String real = forged.get("X-Lease-Token");
        forged.put("X-Lease-Token", real.substring(0, real.length() - 4) + "AAAA");
        assertError(api.send("POST", resultPath(lease), forged, good), 403, "BAD_LEASE_TOKEN");

        String stranger = api.registerVolunteer();
        assertError(api.send("POST", resultPath(lease), headers(stranger, lease, csv(dims)), good), 403, "NOT_YOUR_LEASE");

        int[] wrong = dims.clone();
        wrong[wrong.length - 1] += 1;
        assertError(api.send("POST", resultPath(lease), headers(token, lease, csv(wrong)),
                ApiClient.floats(new float[Tensor.sizeOf(wrong)])), 400, "SHAPE_MISMATCH");
        assertError(api.send("POST", resultPath(lease), headers(token, lease, csv(dims)),
                Arrays.copyOf(good, good.length - 4)), 400, "SHAPE_MISMATCH");

        float[] nan = new float[Tensor.sizeOf(dims)];
        nan[3] = Float.NaN;
        assertError(api.send("POST", resultPath(lease), headers(token, lease, csv(dims)), ApiClient.floats(nan)),
                400, "NON_FINITE");
        assertThat(stored.count()).isEqualTo(results);

        // nothing above spoiled the lease: the real result is still accepted, once
        assertThat(api.send("POST", resultPath(lease), headers(token, lease, csv(dims)), good).status()).isEqualTo(200);
        assertError(api.send("POST", resultPath(lease), headers(token, lease, csv(dims)), good), 409, "ALREADY_SUBMITTED");
        assertThat(stored.count()).isEqualTo(results + 1);
    }

    @Test
    void aVolunteerHoldsAtMostItsCapOfOpenLeasesAndMayGiveOneBack() {
        String token = api.registerVolunteer();
        JsonNode first = lease(token);
        for (int i = 1; i < MAX_OPEN_LEASES; i++) {
            lease(token);
        }
        int assignments = assignments();
        assertError(api.postJson("/api/v1/work/lease", token, "{}"), 429, "RATE_LIMITED");
        assertThat(assignments()).isEqualTo(assignments);

        Map<String, String> release = Map.of("Authorization", "Bearer " + token,
                "X-Lease-Token", first.get("leaseToken").asString());
        assertThat(api.send("POST", "/api/v1/work/" + first.get("leaseId").asLong() + "/release", release, null).status())
                .isEqualTo(204);
        assertThat(jdbc.queryForObject("SELECT status FROM assignment WHERE id = ?", String.class,
                first.get("leaseId").asLong())).isEqualTo("GIVEN_BACK");
        JsonNode next = lease(token);
        assertThat(next.get("taskId").asLong()).isNotEqualTo(first.get("taskId").asLong());
    }

    /**
     * The {@code wanted} hint can be lost when a lease and the sweep race on one task (each writes it
     * from its own snapshot); the sweep recomputes it from the assignments, so such a task is
     * offered again instead of waiting for ever.
     */
    @Test
    void theSweepOffersAgainATaskWhoseOfferWasLostInARace() {
        String token = api.registerVolunteer();
        JsonNode given = lease(token);
        long taskId = given.get("taskId").asLong();
        api.send("POST", "/api/v1/work/" + given.get("leaseId").asLong() + "/release",
                Map.of("Authorization", "Bearer " + token, "X-Lease-Token", given.get("leaseToken").asString()), null);
        jdbc.update("UPDATE task SET wanted = FALSE WHERE id = ?", taskId); // as if a racing lease had written last

        leases.sweepExpired();

        assertThat(jdbc.queryForObject("SELECT wanted FROM task WHERE id = ?", Boolean.class, taskId)).isTrue();
        // a full task is left alone: its hint stays off
        jdbc.update("UPDATE task SET wanted = FALSE WHERE id <> ? AND status = 'OPEN'", taskId);
        long full = jdbc.queryForObject("SELECT MIN(id) FROM task t WHERE status = 'OPEN'"
                + " AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.task_id = t.id)", Long.class);
        int target = jdbc.queryForObject("SELECT target_replicas FROM task WHERE id = ?", Integer.class, full);
        for (int i = 0; i < target; i++) {
            api.registerVolunteer();
            jdbc.update("INSERT INTO assignment (task_id, volunteer_id, status, issued_at, expires_at)"
                    + " SELECT ?, id, 'RETURNED', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM volunteer"
                    + " ORDER BY id OFFSET ? ROWS FETCH FIRST 1 ROWS ONLY", full, i);
        }
        leases.sweepExpired();
        assertThat(jdbc.queryForObject("SELECT wanted FROM task WHERE id = ?", Boolean.class, full)).isFalse();
    }

    private JsonNode lease(String token) {
        Response r = api.postJson("/api/v1/work/lease", token, "{\"cores\": 2}");
        assertThat(r.status()).as("lease status").isEqualTo(200);
        return r.json();
    }

    private Response submit(String token, JsonNode lease, int[] dims, byte[] body) {
        return api.send("POST", resultPath(lease), headers(token, lease, csv(dims)), body);
    }

    private static String resultPath(JsonNode lease) {
        return "/api/v1/work/" + lease.get("leaseId").asLong() + "/result";
    }

    private static Map<String, String> headers(String token, JsonNode lease, String dims) {
        Map<String, String> h = new HashMap<>();
        h.put("Authorization", "Bearer " + token);
        h.put("Content-Type", "application/octet-stream");
        h.put("X-Lease-Token", lease.get("leaseToken").asString());
        h.put("X-Tensor-Dims", dims);
        h.put("X-Elapsed-Ms", "12");
        return h;
    }

    private int assignments() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM assignment", Integer.class);
    }

    private static void assertError(Response r, int status, String code) {
        assertThat(r.status()).as("HTTP status").isEqualTo(status);
        assertThat(r.error()).isEqualTo(code);
        assertThat(r.json().get("message").asString()).isNotBlank();
    }

    private static int[] ints(JsonNode array) {
        int[] v = new int[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asInt();
        }
        return v;
    }

    private static String csv(int[] dims) {
        return String.join(",", Arrays.stream(dims).mapToObj(Integer::toString).toList());
    }
}
