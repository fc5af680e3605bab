package io.pocketgrid.portal.support;

import io.pocketgrid.portal.project.Dims;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.TensorBytes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

    /** Results stored for the project of this name. */
    public int countFor(String projectName) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM result r JOIN task t ON t.id = r.task_id"
                + " JOIN project p ON p.id = t.project_id WHERE p.name = ?", Integer.class, projectName);
    }

    /** A tensor of every item of a project: graph name, element type, dims of one item; for an input, where its items are. */
    private record Column(String name, Tensor.Type type, int[] itemDims, String sha, long offset) {
        long itemBytes() {
            return Dims.size(itemDims) * TensorBytes.width(type);
        }
    }

    /**
     * Every stored result beside the engine's own outputs on the task's inputs (every input of the
     * project, of its type): all the project's outputs, in order, as one float array each side.
     */
    public List<Checked> recomputeAll() {
        Map<String, Model> models = new HashMap<>();
        return jdbc.query("""
                SELECT r.id, r.output_sha256, t.start_item, t.end_item, p.model_sha256, p.id
                FROM result r JOIN assignment a ON a.id = r.assignment_id JOIN task t ON t.id = a.task_id
                JOIN project p ON p.id = t.project_id ORDER BY r.id""", (rs, i) -> {
            int start = rs.getInt(3);
            int items = rs.getInt(4) - start;
            List<Column> inputs = columns("project_input", rs.getLong(6));
            List<Column> outputs = columns("project_output", rs.getLong(6));
            Map<String, Tensor> feeds = new LinkedHashMap<>();
            for (Column in : inputs) {
                byte[] bytes = slice(in.sha(), in.offset() + start * in.itemBytes(), (int) (items * in.itemBytes()));
                feeds.put(in.name(), TensorBytes.decode(in.type(), Dims.prepend(items, in.itemDims()), bytes, 0));
            }
            Map<String, Tensor> out = models.computeIfAbsent(rs.getString(5), sha -> Model.load(read(sha))).run(feeds);
            byte[] stored = read(rs.getString(2));
            List<Float> expected = new ArrayList<>();
            List<Float> got = new ArrayList<>();
            int offset = 0;
            for (Column o : outputs) {
                Tensor want = out.get(o.name());
                Tensor have = TensorBytes.decode(o.type(), Dims.prepend(items, o.itemDims()), stored, offset);
                offset += have.size() * TensorBytes.width(o.type());
                for (int k = 0; k < want.size(); k++) {
                    expected.add((float) want.getDouble(k));
                    got.add((float) have.getDouble(k));
                }
            }
            return new Checked(rs.getLong(1), floats(got), floats(expected));
        });
    }

    private List<Column> columns(String table, long projectId) {
        boolean input = table.equals("project_input");
        return jdbc.query("SELECT name, dtype, item_dims" + (input ? ", blob_sha256, data_offset" : "") + " FROM " + table
                + " WHERE project_id = ? ORDER BY ordinal", (rs, i) -> new Column(rs.getString(1),
                TensorBytes.fromName(rs.getString(2)), Dims.parse(rs.getString(3)), input ? rs.getString(4) : null,
                input ? rs.getLong(5) : 0), projectId);
    }

    private static float[] floats(List<Float> values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = values.get(i);
        }
        return f;
    }

    private byte[] read(String sha) {
        return blobs.read(sha);
    }

    private byte[] slice(String sha, long offset, int length) {
        return blobs.slice(sha, offset, length);
    }
}
