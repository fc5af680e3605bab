package io.pocketgrid.portal.sim;

import io.pocketgrid.portal.project.Dims;
import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.StoredBlobs;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What each task of one project should have produced: the JVM engine's output on the task's
 * inputs, read straight from the database and the blob store ({@link StoredBlobs}), computed once per task.
 */
final class EngineOracle {

    private final JdbcTemplate jdbc;
    private final StoredBlobs blobs;
    private final Facts facts;
    private final Model model;
    private final Map<Long, float[]> expected = new HashMap<>();

    private record Facts(String modelSha, String inputSha, long inputOffset, int[] itemDims, String inputName,
                         String outputName, double atol, double rtol, int outputItemSize) {
    }

    EngineOracle(JdbcTemplate jdbc, Path dataDir, long projectId) {
        this.jdbc = jdbc;
        this.blobs = new StoredBlobs(jdbc, dataDir);
        this.facts = jdbc.queryForObject("""
                SELECT p.model_sha256, i.blob_sha256, i.data_offset, i.item_dims, i.name, o.name, p.atol, p.rtol, o.item_dims
                FROM project p JOIN project_input i ON i.project_id = p.id AND i.ordinal = 0
                JOIN project_output o ON o.project_id = p.id AND o.ordinal = 0 WHERE p.id = ?""",
                (rs, i) -> new Facts(rs.getString(1), rs.getString(2), rs.getLong(3), Dims.parse(rs.getString(4)),
                        rs.getString(5), rs.getString(6), rs.getDouble(7), rs.getDouble(8),
                        (int) Dims.size(Dims.parse(rs.getString(9)))), projectId);
        this.model = Model.load(read(facts.modelSha()));
    }

    /** The task's inputs as stored: raw little-endian float32. */
    byte[] inputBytes(long taskId) {
        int[] range = jdbc.queryForObject("SELECT start_item, end_item FROM task WHERE id = ?",
                (rs, i) -> new int[] {rs.getInt(1), rs.getInt(2)}, taskId);
        long itemBytes = 4 * Dims.size(facts.itemDims());
        return slice(facts.inputSha(), facts.inputOffset() + range[0] * itemBytes,
                Math.toIntExact((range[1] - range[0]) * itemBytes));
    }

    /** The engine's output for the task. */
    float[] expected(long taskId) {
        return expected.computeIfAbsent(taskId, id -> {
            int[] range = jdbc.queryForObject("SELECT start_item, end_item FROM task WHERE id = ?",
                    (rs, i) -> new int[] {rs.getInt(1), rs.getInt(2)}, id);
            int items = range[1] - range[0];
            long itemBytes = 4 * Dims.size(facts.itemDims());
            float[] input = ApiClient.floats(slice(facts.inputSha(), facts.inputOffset() + range[0] * itemBytes,
                    Math.toIntExact(items * itemBytes)));
            Tensor in = Tensor.ofFloats(input, Dims.prepend(items, facts.itemDims()));
            return model.run(Map.of(facts.inputName(), in)).get(facts.outputName()).floats();
        });
    }

    /** A stored output blob. */
    float[] stored(String outputSha256) {
        return ApiClient.floats(read(outputSha256));
    }

    /** The validator's rule against the engine: every element within atol + rtol·|expected|, same argmax per item. */
    boolean agrees(long taskId, float[] outputs) {
        float[] ref = expected(taskId);
        if (ref.length != outputs.length) {
            return false;
        }
        for (int i = 0; i < ref.length; i++) {
            if (!(Math.abs(outputs[i] - ref[i]) <= facts.atol() + facts.rtol() * Math.abs(ref[i]))) {
                return false;
            }
        }
        int n = facts.outputItemSize();
        for (int start = 0; start < ref.length; start += n) {
            if (argmax(ref, start, n) != argmax(outputs, start, n)) {
                return false;
            }
        }
        return true;
    }

    private static int argmax(float[] v, int start, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (v[start + i] > v[start + best]) {
                best = i;
            }
        }
        return best;
    }

    private byte[] read(String sha) {
        return blobs.read(sha);
    }

    private byte[] slice(String sha, long offset, int length) {
        return blobs.slice(sha, offset, length);
    }
}
