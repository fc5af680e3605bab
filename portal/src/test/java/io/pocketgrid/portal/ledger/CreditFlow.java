package io.pocketgrid.portal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.ApiClient.Part;
import io.pocketgrid.portal.support.ApiClient.Response;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Npy;
import io.pocketgrid.worker.engine.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;

/**
 * Earns credit the way volunteers do: an owner posts the demo MLP with replication 1 and quorum 1, and
 * volunteers lease, compute with the JVM engine and submit through the REST API.
 */
final class CreditFlow {

    private static final byte[] MODEL = resource("demo/mlp.onnx");
    private static final Model ENGINE = Model.load(MODEL);

    private final ApiClient api;

    CreditFlow(ApiClient api) {
        this.api = api;
    }

    /** A registered volunteer. */
    record Volunteer(String id, String token) {
    }

    /** Posts a project of {@code items} images in tasks of 10. */
    void project(int items) {
        Tensor all = Npy.read(resource("demo/inputs.npy"));
        Tensor inputs = Tensor.ofFloats(Arrays.copyOf(all.floats(), items * 28 * 28), items, 1, 28, 28);
        String owner = api.ownerToken("owner" + System.nanoTime() % 1_000_000_000L);
        Response created = api.multipart("/api/v1/projects", owner, List.of(
                new Part("model", "mlp.onnx", null, MODEL),
                new Part("inputs", "inputs.npy", null, Npy.write(inputs)),
                new Part("settings", null, "application/json",
                        "{\"inputsPerTask\":10,\"replication\":1,\"quorum\":1}".getBytes())));
        assertThat(created.status()).isEqualTo(201);
    }

    Volunteer volunteer() {
        JsonNode v = api.postJson("/api/v1/volunteers", null, null).json();
        return new Volunteer(v.get("volunteerId").asString(), v.get("token").asString());
    }

    /** Signs up an account with a payout address and links the volunteer to it (no API for that yet). */
    long linkToAccount(Volunteer volunteer, String payout, org.springframework.jdbc.core.JdbcTemplate jdbc) {
        String name = "payee" + System.nanoTime() % 1_000_000_000L;
        long account = api.postJson("/api/v1/accounts", null, "{\"username\":\"" + name
                + "\",\"password\":\"correct horse battery\"}").json().get("accountId").asLong();
        jdbc.update("UPDATE account SET payout_address = ? WHERE id = ?", payout, account);
        jdbc.update("UPDATE volunteer SET account_id = ? WHERE public_id = ?", account, volunteer.id());
        return account;
    }

    /** Computes and submits {@code tasks} tasks; every result must be valid. */
    void compute(Volunteer volunteer, int tasks) {
        for (int i = 0; i < tasks; i++) {
            Response r = api.postJson("/api/v1/work/lease", volunteer.token(), "{}");
            assertThat(r.status()).as("a task to lease").isEqualTo(200);
            JsonNode lease = r.json();
            int[] dims = new int[lease.get("inputDims").size()];
            Arrays.setAll(dims, k -> lease.get("inputDims").get(k).asInt());
            float[] in = ApiClient.floats(api.get(lease.get("inputUrl").asString(), volunteer.token()).body());
            Tensor out = ENGINE.run(Map.of("input", Tensor.ofFloats(in, dims))).get("logits");
            Response sent = api.send("POST", "/api/v1/work/" + lease.get("leaseId").asLong() + "/result", Map.of(
                    "Authorization", "Bearer " + volunteer.token(), "X-Lease-Token", lease.get("leaseToken").asString(),
                    "X-Tensor-Dims", out.dims()[0] + ",10", "Content-Type", "application/octet-stream"),
                    ApiClient.floats(out.floats()));
            assertThat(sent.json().get("status").asString()).isEqualTo("VALID");
        }
    }

    private static byte[] resource(String name) {
        try {
            return new ClassPathResource(name).getContentAsByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
