package io.pocketgrid.portal.support;

import io.pocketgrid.portal.project.Dims;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads what the portal stored (results, their tasks' inputs, the model) straight from the database
 * and the blob store ({@link StoredBlobs}), and recomputes each result with the JVM engine.
 */
public final class StoredResults {

    private final JdbcTemplate jdbc;
    private final StoredBlobs blobs;

    public StoredResults(JdbcTemplate jdbc, Path dataDir) {
        this.jdbc = jdbc;
        this.blobs = new StoredBlobs(jdbc, dataDir);
    }

    public int count() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM result", Integer.class);
    }

    /** One stored result beside the engine's own computation of the same task. */
    public record Checked(long resultId, float[] stored, float[] expected) {

        /** Largest |stored − expected| − (atol + rtol·|expected|); ≤ 0 means within tolerance everywhere. */
        public double worstExcess(double atol, double rtol) {
            double worst = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(stored[i] - expected[i]) - (atol + rtol * Math.abs(expected[i])));
            }
            return worst;
        }
    }

    public List<Checked> recomputeAll() {
        return jdbc.query("""
                SELECT r.id, r.output_sha256, t.start_item, t.end_item, p.model_sha256, p.input_sha256, p.input_offset,
                       p.item_dims, p.input_name, p.output_name
                FROM result r JOIN assignment a ON a.id = r.assignment_id JOIN task t ON t.id = a.task_id
                JOIN project p ON p.id = t.project_id ORDER BY r.id""", (rs, i) -> {
            int start = rs.getInt(3);
            int items = rs.getInt(4) - start;
            int[] itemDims = Dims.parse(rs.getString(8));
            float[] input = ApiClient.floats(slice(rs.getString(6), rs.getLong(7) + 4L * start * Dims.size(itemDims),
                    (int) (4L * items * Dims.size(itemDims))));
            Model model = Model.load(read(rs.getString(5)));
            Tensor out = model.run(Map.of(rs.getString(9), Tensor.ofFloats(input, Dims.prepend(items, itemDims))))
                    .get(rs.getString(10));
            return new Checked(rs.getLong(1), ApiClient.floats(read(rs.getString(2))), out.floats());
        });
    }

    private byte[] read(String sha) {
        return blobs.read(sha);
    }

    private byte[] slice(String sha, long offset, int length) {
        return blobs.slice(sha, offset, length);
    }
}
