package io.pocketgrid.portal.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient.Part;
import io.pocketgrid.portal.support.ApiClient.Response;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Npy;
import io.pocketgrid.worker.engine.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;

/**
 * The bundled demo MLP ({@code demo/mlp.onnx}) over the bundled Fashion-MNIST images: posted as a project
 * of a test's own, and computed with the JVM engine, the reference a volunteer's results must match.
 */
public final class DemoMlp {

    private static final byte[] MODEL = resource("demo/mlp.onnx");
    private static final Model ENGINE = Model.load(MODEL);

    private DemoMlp() {
    }

    /** The model's ONNX bytes (a copy). */
    public static byte[] model() {
        return MODEL.clone();
    }

    /** The first {@code items} demo images, shaped as the model takes them: {@code [items, 1, 28, 28]}. */
    public static Tensor images(int items) {
        Tensor all = Npy.read(resource("demo/inputs.npy"));
        return Tensor.ofFloats(Arrays.copyOf(all.floats(), items * 28 * 28), items, 1, 28, 28);
    }

    /**
     * Posts a project of the model over the first {@code items} demo images, as the owner whose API token is
     * given, in tasks of {@code perTask} images; it must be created. Returns its id.
     */
    public static long post(ApiClient api, String ownerToken, int items, int perTask, int replication, int quorum) {
        Tensor inputs = images(items);
        String settings = "{\"inputsPerTask\":" + perTask + ",\"replication\":" + replication + ",\"quorum\":" + quorum
                + "}";
        Response created = api.multipart("/api/v1/projects", ownerToken, List.of(
                new Part("model", "mlp.onnx", null, MODEL),
                new Part("inputs", "inputs.npy", null, Npy.write(inputs)),
                new Part("settings", null, "application/json", settings.getBytes(StandardCharsets.UTF_8))));
        assertThat(created.status()).as("project created: %s", new String(created.body(), StandardCharsets.UTF_8))
                .isEqualTo(201);
        return created.json().get("id").asLong();
    }

    /** The model's logits for a leased task's input, in the lease's input dims. */
    public static Tensor logits(JsonNode lease, float[] input) {
        int[] dims = new int[lease.get("inputDims").size()];
        Arrays.setAll(dims, k -> lease.get("inputDims").get(k).asInt());
        return ENGINE.run(Map.of("input", Tensor.ofFloats(input, dims))).get("logits");
    }

    private static byte[] resource(String name) {
        try {
            return new ClassPathResource(name).getContentAsByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
