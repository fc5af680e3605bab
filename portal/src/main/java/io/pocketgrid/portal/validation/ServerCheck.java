package io.pocketgrid.portal.validation;

import io.pocketgrid.portal.config.PocketGridProperties;
import io.pocketgrid.portal.project.OutputLayout;
import io.pocketgrid.portal.project.Project;
import io.pocketgrid.portal.project.ProjectTensor;
import io.pocketgrid.portal.project.TaskInputs;
import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.worker.reference.OrtReference;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.ValueInfo;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The server's own opinion: recomputes a task on DJL + OnnxRuntime, an engine independent of the
 * one volunteers run, so a spot check catches both a lying volunteer and a wrong browser engine.
 * Models are loaded once per SHA-256 and kept.
 */
@Component
class ServerCheck {

    private final TaskInputs inputs;
    private final BlobStore blobs;
    private final Path modelDir;
    private final Map<String, OrtReference> models = new ConcurrentHashMap<>();
    private final Map<String, List<String>> outputNames = new ConcurrentHashMap<>();

    ServerCheck(TaskInputs inputs, BlobStore blobs, PocketGridProperties properties) {
        this.inputs = inputs;
        this.blobs = blobs;
        this.modelDir = properties.dataDir().toAbsolutePath().normalize().resolve("reference-models");
    }

    /** The reference outputs of one task, all of the project's outputs as one float array ({@link OutputLayout#values}). */
    float[] recompute(long taskId) {
        TaskInputs.Slice slice = inputs.read(taskId).orElseThrow();
        Project p = slice.project();
        OrtReference model = models.computeIfAbsent(p.getModelSha256(), this::load);
        // OnnxRuntime gives every graph output, in graph order
        List<String> graphOutputs = outputNames.computeIfAbsent(p.getModelSha256(),
                sha -> Model.load(blobs.readAll(sha)).outputs().stream().map(ValueInfo::name).toList());
        Map<String, Tensor> out = model.run(List.copyOf(slice.tensors().entrySet()), graphOutputs);
        OutputLayout layout = new OutputLayout(p.getOutputs());
        float[] values = new float[Math.toIntExact(layout.elements(slice.items()))];
        int at = 0;
        for (ProjectTensor o : p.getOutputs()) {
            Tensor t = out.get(o.name());
            for (int i = 0; i < t.size(); i++) {
                values[at++] = (float) t.getDouble(i);
            }
        }
        return values;
    }

    /**
     * OnnxRuntime wants a file named *.onnx: a read-through copy of the blob in this instance's own
     * data directory (written under a temporary name first, so a crash never leaves half a model).
     */
    private OrtReference load(String sha) {
        try {
            Files.createDirectories(modelDir);
            Path file = modelDir.resolve(sha + ".onnx");
            if (!Files.exists(file)) {
                Path tmp = Files.createTempFile(modelDir, sha, ".part");
                try (java.io.InputStream in = blobs.open(sha)) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return new OrtReference(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @PreDestroy
    void close() {
        models.values().forEach(OrtReference::close);
    }
}
