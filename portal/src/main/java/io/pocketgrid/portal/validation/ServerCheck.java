package io.pocketgrid.portal.validation;

import io.pocketgrid.portal.config.PocketGridProperties;
import io.pocketgrid.portal.project.Project;
import io.pocketgrid.portal.project.TaskInputs;
import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.worker.cli.OrtReference;
import io.pocketgrid.worker.engine.Tensor;
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

    ServerCheck(TaskInputs inputs, BlobStore blobs, PocketGridProperties properties) {
        this.inputs = inputs;
        this.blobs = blobs;
        this.modelDir = properties.dataDir().toAbsolutePath().normalize().resolve("reference-models");
    }

    /** The reference outputs of one task, as float32. */
    float[] recompute(long taskId) {
        TaskInputs.Slice slice = inputs.read(taskId).orElseThrow();
        Project p = slice.project();
        float[] in = BlobStore.floats(slice.bytes());
        OrtReference model = models.computeIfAbsent(p.getModelSha256(), this::load);
        Tensor out = model.run(List.of(Map.entry(p.getInputName(), Tensor.ofFloats(in, slice.dims()))),
                List.of(p.getOutputName())).get(p.getOutputName());
        return out.floats();
    }

    /** OnnxRuntime wants a file named *.onnx; the blob store names files by hash only. */
    private OrtReference load(String sha) {
        try {
            Files.createDirectories(modelDir);
            Path file = modelDir.resolve(sha + ".onnx");
            if (!Files.exists(file)) {
                Files.copy(blobs.require(sha), file, StandardCopyOption.REPLACE_EXISTING);
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
