package io.pocketgrid.portal.support;

import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import java.util.Arrays;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A volunteer in the test JVM: leases over the REST API, computes with the JVM engine (the
 * reference the browser builds must agree with) and submits, one task per call.
 */
public final class JvmVolunteer {

    private final ApiClient api;
    private final String token;
    private String modelSha;
    private Model model;

    public JvmVolunteer(ApiClient api) {
        this(api, api.registerVolunteer());
    }

    public JvmVolunteer(ApiClient api, String token) {
        this.api = api;
        this.token = token;
    }

    /** Computes one task: the result's receipt ({@code status, creditPending, microCredits}), or null when there is no work. */
    public JsonNode computeOne() {
        ApiClient.Response r = api.postJson("/api/v1/work/lease", token, "{}");
        if (r.status() != 200) {
            return null;
        }
        JsonNode lease = r.json();
        if (!lease.get("modelSha256").asString().equals(modelSha)) {
            model = Model.load(api.get(lease.get("modelUrl").asString(), null).body());
            modelSha = lease.get("modelSha256").asString();
        }
        int[] dims = new int[lease.get("inputDims").size()];
        Arrays.setAll(dims, k -> lease.get("inputDims").get(k).asInt());
        float[] in = ApiClient.floats(api.get(lease.get("inputUrl").asString(), token).body());
        Tensor out = model.run(Map.of(lease.get("inputName").asString(), Tensor.ofFloats(in, dims)))
                .get(lease.get("outputName").asString());
        String outDims = String.join(",", Arrays.stream(out.dims()).mapToObj(Integer::toString).toList());
        return api.send("POST", "/api/v1/work/" + lease.get("leaseId").asLong() + "/result", Map.of(
                "Authorization", "Bearer " + token, "X-Lease-Token", lease.get("leaseToken").asString(),
                "X-Tensor-Dims", outDims, "Content-Type", "application/octet-stream"),
                ApiClient.floats(out.floats())).json();
    }
}
