package io.pocketgrid.portal.support;

import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.loop.TensorFrames;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A volunteer in the test JVM: leases over the REST API, computes with the JVM engine (the
 * reference the browser builds must agree with) and submits in tensor frames, one task per call.
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
        Map<String, Tensor> in = TensorFrames.decode(api.send("GET", lease.get("inputUrl").asString(),
                Map.of("Authorization", "Bearer " + token, "Accept", TensorFrames.MEDIA_TYPE), null).body());
        Map<String, Tensor> all = model.run(in);
        Map<String, Tensor> out = new LinkedHashMap<>();
        lease.get("outputs").forEach(o -> out.put(o.get("name").asString(), all.get(o.get("name").asString())));
        return api.send("POST", "/api/v1/work/" + lease.get("leaseId").asLong() + "/result", Map.of(
                "Authorization", "Bearer " + token, "X-Lease-Token", lease.get("leaseToken").asString(),
                "Content-Type", TensorFrames.MEDIA_TYPE), TensorFrames.encode(out)).json();
    }
}
