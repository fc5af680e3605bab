package io.pocketgrid.portal.project;

import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.portal.storage.Utc;
import io.pocketgrid.worker.engine.Npy;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.TensorBytes;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Read side of projects: progress, accuracy and the results file. */
@Service
public class ProjectQueries {

    private static final Duration THROUGHPUT_WINDOW = Duration.ofMinutes(10);

    private final ProjectRepository projects;
    private final JdbcTemplate jdbc;
    private final BlobStore blobs;
    private final Clock clock;

    ProjectQueries(ProjectRepository projects, JdbcTemplate jdbc, BlobStore blobs, Clock clock) {
        this.projects = projects;
        this.jdbc = jdbc;
        this.blobs = blobs;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public List<ProjectProgress> all() {
        return projects.findAll().stream().map(this::progress).toList();
    }

    /**
     * The projects the public list shows: all of them except demo rounds that finished before a later
     * round of their demo finished (their pages stay reachable), so the list does not fill up with
     * rounds while the demo keeps volunteers busy.
     */
    @Transactional(readOnly = true)
    public List<ProjectProgress> listed() {
        Set<Long> hidden = new HashSet<>(jdbc.queryForList("SELECT p.id FROM project p WHERE p.demo_key IS NOT NULL"
                + " AND p.status IN ('COMPLETED', 'INCOMPLETE') AND EXISTS (SELECT 1 FROM project q"
                + " WHERE q.demo_key = p.demo_key AND q.demo_round > p.demo_round AND q.status IN ('COMPLETED', 'INCOMPLETE'))",
                Long.class));
        return projects.findAll().stream().filter(p -> !hidden.contains(p.getId())).map(this::progress).toList();
    }

    @Transactional(readOnly = true)
    public List<ProjectProgress> ownedBy(long accountId) {
        return projects.findAll().stream().filter(p -> p.getOwnerId() != null && p.getOwnerId() == accountId)
                .map(this::progress).toList();
    }

    /** A project as a volunteer's panel names it: what the task belongs to. */
    public record Named(long id, String name, String description) {
    }

    /** The project a task belongs to (one light query: the contribute panel asks once per project it meets). */
    @Transactional(readOnly = true)
    public java.util.Optional<Named> projectOfTask(long taskId) {
        return jdbc.query("SELECT p.id, p.name, p.description FROM task t JOIN project p ON p.id = t.project_id"
                        + " WHERE t.id = ?", (rs, i) -> new Named(rs.getLong(1), rs.getString(2), rs.getString(3)), taskId)
                .stream().findFirst();
    }

    @Transactional(readOnly = true)
    public ProjectProgress progress(long projectId) {
        return progress(projects.findById(projectId).orElseThrow(() -> ProjectService.notFound(projectId)));
    }

    private ProjectProgress progress(Project p) {
        int[] counts = new int[3];
        jdbc.query("SELECT status, COUNT(*) FROM task WHERE project_id = ? GROUP BY status", rs -> {
            switch (rs.getString(1)) {
                case "VALIDATED" -> counts[0] = rs.getInt(2);
                case "FAILED" -> counts[1] = rs.getInt(2);
                case "OPEN" -> counts[2] = rs.getInt(2);
                default -> { }
            }
        }, p.getId());
        // tasks may be split for slow devices: count them, and measure progress in items
        int tasks = jdbc.queryForObject("SELECT COUNT(*) FROM task WHERE project_id = ?", Integer.class, p.getId());
        long itemsValidated = jdbc.queryForObject("SELECT COALESCE(SUM(end_item - start_item), 0) FROM task"
                + " WHERE project_id = ? AND status = 'VALIDATED'", Long.class, p.getId());
        Integer received = jdbc.queryForObject("SELECT COUNT(*) FROM result r JOIN task t ON t.id = r.task_id"
                + " WHERE t.project_id = ?", Integer.class, p.getId());
        Long recentItems = jdbc.queryForObject("SELECT COALESCE(SUM(end_item - start_item), 0) FROM task"
                + " WHERE project_id = ? AND validated_at > ?", Long.class, p.getId(),
                Utc.at(clock.instant().minus(THROUGHPUT_WINDOW)));
        List<Long> failed = jdbc.queryForList("SELECT id FROM task WHERE project_id = ? AND status = 'FAILED'"
                + " ORDER BY id FETCH FIRST 100 ROWS ONLY", Long.class, p.getId());
        long itemsFailed = jdbc.queryForObject("SELECT COALESCE(SUM(end_item - start_item), 0) FROM task"
                + " WHERE project_id = ? AND status = 'FAILED'", Long.class, p.getId());
        int[] accuracy = accuracy(p);
        return new ProjectProgress(p.getId(), p.getName(), p.getDescription(), p.getStatus(), p.getItemCount(),
                p.getInputsPerTask(), tasks, counts[0], counts[1], counts[2], received == null ? 0 : received,
                (double) itemsValidated / p.getItemCount(), recentItems / (double) THROUGHPUT_WINDOW.toSeconds(),
                accuracy == null || accuracy[1] == 0 ? null : (double) accuracy[0] / accuracy[1],
                accuracy == null ? 0 : accuracy[1], p.getFlopsPerItem(), p.getReplication(), p.getQuorum(),
                p.getPriority(), p.getCreatedAt(), p.getCompletedAt(), failed, (int) itemsFailed,
                ProjectProgress.note(p.getStatus(), p.getItemCount(), (int) itemsFailed, counts[1]),
                p.getInputs().stream().map(i -> ProjectProgress.Tensor.of(i.tensor())).toList(),
                p.getOutputs().stream().map(ProjectProgress.Tensor::of).toList(), blobs.size(p.getModelSha256()),
                p.getLabelsSha256() != null);
    }

    /** Items validated in each of the last {@code minutes} minutes, oldest first: progress over time. */
    @Transactional(readOnly = true)
    public long[] itemsValidatedPerMinute(long projectId, int minutes) {
        java.time.Instant now = clock.instant();
        java.time.Instant from = now.minus(Duration.ofMinutes(minutes));
        long[] buckets = new long[minutes];
        jdbc.query("SELECT validated_at, end_item - start_item FROM task WHERE project_id = ? AND validated_at > ?",
                rs -> {
                    java.time.Instant at = rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
                    int bucket = (int) Duration.between(from, at).toMinutes();
                    if (bucket >= 0 && bucket < minutes) {
                        buckets[bucket] += rs.getInt(2);
                    }
                }, projectId, Utc.at(from));
        return buckets;
    }

    /** {correct, counted} over validated tasks, or null when the project has no labels. */
    private int[] accuracy(Project p) {
        if (p.getLabelsSha256() == null) {
            return null;
        }
        ProjectTensor first = p.getOutputs().get(0);
        int itemSize = (int) Dims.size(first.itemDims());
        if (itemSize < 2 || !first.type().isFloating()) {
            return null;
        }
        OutputLayout layout = new OutputLayout(p.getOutputs());
        int[] tally = new int[2];
        int width = (int) ((blobs.size(p.getLabelsSha256()) - p.getLabelsOffset()) / p.getItemCount());
        // the labels are read forward once (slices come in input order), the outputs a group at a time
        try (DataInputStream labels = new DataInputStream(new BufferedInputStream(blobs.open(p.getLabelsSha256())))) {
            labels.skipNBytes(p.getLabelsOffset());
            long at = 0;
            List<CanonicalSlice> slices = canonical(p);
            for (List<CanonicalSlice> group : groups(slices)) {
                Map<String, byte[]> outputs = blobs.readAll(group.stream().map(CanonicalSlice::sha256).toList());
                for (CanonicalSlice slice : group) {
                    // the first output's values come first
                    float[] out = layout.values(outputs.get(slice.sha256()), slice.end() - slice.start(), false);
                    labels.skipNBytes((slice.start() - at) * width);
                    for (int i = 0; i < slice.end() - slice.start(); i++) {
                        long label = width == 8 ? Long.reverseBytes(labels.readLong()) : Integer.reverseBytes(labels.readInt());
                        if (OutputLayout.argmax(out, i * itemSize, itemSize) == label) {
                            tally[0]++;
                        }
                        tally[1]++;
                    }
                    at = slice.end();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tally;
    }

    /**
     * The project's outputs in input order: one {@code .npy} for a single output, else an {@code .npz}
     * of one array per output. Rows of tasks not yet validated are NaN (0 in integer outputs); the
     * file's {@link ResultsFile#missing} names them as {@code [start, end)} ranges.
     */
    @Transactional(readOnly = true)
    public ResultsFile results(long projectId) {
        Project p = projects.findById(projectId).orElseThrow(() -> ProjectService.notFound(projectId));
        List<CanonicalSlice> slices = canonical(p);
        List<int[]> missing = new ArrayList<>();
        int next = 0;
        for (CanonicalSlice s : slices) {
            if (s.start() > next) {
                missing.add(new int[] {next, s.start()});
            }
            next = s.end();
        }
        if (next < p.getItemCount()) {
            missing.add(new int[] {next, p.getItemCount()});
        }
        return new ResultsFile(p, slices, missing);
    }

    /** A results download ready to stream. */
    public final class ResultsFile {
        private final Project project;
        private final List<CanonicalSlice> slices;
        private final List<int[]> missing;

        ResultsFile(Project project, List<CanonicalSlice> slices, List<int[]> missing) {
            this.project = project;
            this.slices = slices;
            this.missing = missing;
        }

        public List<int[]> missing() {
            return missing;
        }

        public String fileName() {
            List<ProjectTensor> outputs = project.getOutputs();
            return "project-" + project.getId()
                    + (outputs.size() == 1 ? "-" + outputs.get(0).name().replaceAll("[^A-Za-z0-9_.-]", "_") + ".npy" : "-results.npz");
        }

        public void writeTo(OutputStream out) throws IOException {
            List<ProjectTensor> outputs = project.getOutputs();
            if (outputs.size() == 1) {
                writeNpy(out, 0);
                return;
            }
            // one deflated entry per output, as numpy.savez_compressed writes them; np.load reads it lazily
            java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out);
            zip.setLevel(java.util.zip.Deflater.BEST_SPEED);
            for (int k = 0; k < outputs.size(); k++) {
                zip.putNextEntry(new java.util.zip.ZipEntry(outputs.get(k).name() + ".npy"));
                writeNpy(zip, k);
                zip.closeEntry();
            }
            zip.finish();
        }

        /** Output {@code k} of every item as one .npy: the k-th part of each canonical result, missing rows filled. */
        private void writeNpy(OutputStream out, int k) throws IOException {
            List<ProjectTensor> outputs = project.getOutputs();
            ProjectTensor output = outputs.get(k);
            int itemBytes = (int) output.itemBytes();
            Tensor.Type type = output.type() == Tensor.Type.BFLOAT16 ? Tensor.Type.FLOAT : output.type();
            out.write(Npy.header(TensorBytes.npyDescr(type), Dims.prepend(project.getItemCount(), output.itemDims())));
            byte[] missingRow = missingRow(output);
            int next = 0;
            for (List<CanonicalSlice> group : groups(slices)) {
                Map<String, byte[]> stored = blobs.readAll(group.stream().map(CanonicalSlice::sha256).toList());
                for (CanonicalSlice s : group) {
                    for (; next < s.start(); next++) {
                        out.write(missingRow);
                    }
                    int items = s.end() - s.start();
                    long offset = 0;
                    for (int j = 0; j < k; j++) {
                        offset += items * outputs.get(j).itemBytes();
                    }
                    byte[] bytes = stored.get(s.sha256());
                    if (output.type() == Tensor.Type.BFLOAT16) {
                        Tensor t = TensorBytes.decode(output.type(), Dims.prepend(items, output.itemDims()), bytes, (int) offset);
                        out.write(TensorBytes.encode(Tensor.ofFloats(t.floats(), t.dims())));
                    } else {
                        out.write(bytes, (int) offset, items * itemBytes);
                    }
                    next = s.end();
                }
            }
            for (; next < project.getItemCount(); next++) {
                out.write(missingRow);
            }
        }
    }

    private List<CanonicalSlice> canonical(Project p) {
        return jdbc.query("SELECT t.start_item, t.end_item, r.output_sha256 FROM task t JOIN result r"
                        + " ON r.id = t.canonical_result_id WHERE t.project_id = ? AND t.status = 'VALIDATED'"
                        + " ORDER BY t.start_item",
                (rs, i) -> new CanonicalSlice(rs.getInt(1), rs.getInt(2), rs.getString(3)), p.getId());
    }

    /** A row of one item of {@code output} for an item with no result: NaN for floating-point types, else 0. */
    private static byte[] missingRow(ProjectTensor output) {
        int n = (int) Dims.size(output.itemDims());
        Tensor.Type type = output.type() == Tensor.Type.BFLOAT16 ? Tensor.Type.FLOAT : output.type();
        Tensor row = type.isFloating() ? Tensor.ofFloats(type, filled(n), n) : Tensor.zeros(type, n);
        return TensorBytes.encode(row);
    }

    private static float[] filled(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, Float.NaN);
        return v;
    }

    private record CanonicalSlice(int start, int end, String sha256) {
    }

    /** Slices in groups whose outputs are read with one query. */
    private static List<List<CanonicalSlice>> groups(List<CanonicalSlice> slices) {
        List<List<CanonicalSlice>> groups = new ArrayList<>();
        for (int i = 0; i < slices.size(); i += 256) {
            groups.add(slices.subList(i, Math.min(slices.size(), i + 256)));
        }
        return groups;
    }

    static String ranges(List<int[]> missing) {
        return String.join(",", missing.stream().map(r -> r[0] + "-" + r[1]).toList());
    }
}
