package io.pocketgrid.portal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.ApiClient.Response;
import io.pocketgrid.portal.support.ApiClient.Volunteer;
import io.pocketgrid.portal.support.DemoMlp;
import io.pocketgrid.worker.engine.Tensor;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Earns credit the way volunteers do: an owner posts the demo MLP with replication 1 and quorum 1, and
 * volunteers lease, compute with the JVM engine and submit through the REST API.
 */
final class CreditFlow {

    private final ApiClient api;

    CreditFlow(ApiClient api) {
        this.api = api;
    }

    /** Posts a project of {@code items} images in tasks of 10. */
    void project(int items) {
        DemoMlp.post(api, api.ownerToken("owner" + System.nanoTime() % 1_000_000_000L), items, 10, 1, 1);
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

    /**
     * Computes and submits {@code tasks} tasks; every result must be valid. A lone result the server picked for
     * its spot check (2 % of them) hears PENDING and turns valid once the server has recomputed it.
     */
    void compute(Volunteer volunteer, int tasks) {
        int validBefore = resultsValid(volunteer);
        for (int i = 0; i < tasks; i++) {
            Response r = api.postJson("/api/v1/work/lease", volunteer.token(), "{}");
            assertThat(r.status()).as("a task to lease").isEqualTo(200);
            JsonNode lease = r.json();
            float[] in = ApiClient.floats(api.get(lease.get("inputUrl").asString(), volunteer.token()).body());
            Tensor out = DemoMlp.logits(lease, in);
            Response sent = api.send("POST", "/api/v1/work/" + lease.get("leaseId").asLong() + "/result", Map.of(
                    "Authorization", "Bearer " + volunteer.token(), "X-Lease-Token", lease.get("leaseToken").asString(),
                    "X-Tensor-Dims", out.dims()[0] + ",10", "Content-Type", "application/octet-stream"),
                    ApiClient.floats(out.floats()));
            assertThat(sent.json().get("status").asString()).isIn("VALID", "PENDING");
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (resultsValid(volunteer) < validBefore + tasks && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        assertThat(resultsValid(volunteer)).as("valid results").isEqualTo(validBefore + tasks);
    }

    private int resultsValid(Volunteer volunteer) {
        return api.get("/api/v1/volunteers/me", volunteer.token()).json().get("resultsValid").asInt();
    }
}
