package io.pocketgrid.portal.project;

import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.portal.project.ProjectTasks.Canonical;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Read side of projects: progress, accuracy and the results file. */
@Service
public class ProjectQueries {

    private static final Duration THROUGHPUT_WINDOW = Duration.ofMinutes(10);

    private final ProjectRepository projects;
    private final ProjectTasks tasks;
    private final ProjectRows rows;
    private final BlobStore blobs;
    private final Clock clock;

    ProjectQueries(ProjectRepository projects, ProjectTasks tasks, ProjectRows rows, BlobStore blobs, Clock clock) {
        this.projects = projects;
        this.tasks = tasks;
        this.rows = rows;
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
        Set<Long> hidden = rows.supersededDemoRounds();
        return projects.findAll().stream().filter(p -> !hidden.contains(p.getId())).map(this::progress).toList();
    }

    @Transactional(readOnly = true)
    public List<ProjectProgress> ownedBy(long accountId) {
        return projects.findAll().stream().filter(p -> p.getOwnerId() != null && p.getOwnerId() == accountId)
                .map(this::progress).toList();
    }

    /** A running project and its share of the work (a project of priority p is offered p times as often). */
    public record Running(long id, int priority) {
    }

    /** The running projects: the feeder's list, read about once a second. */
    @Transactional(readOnly = true)
    public List<Running> running() {
        return rows.running();
    }

    /** A project as a volunteer's panel names it: what the task belongs to. */
    public record Named(long id, String name, String description) {
    }

    /** The project a task belongs to (one light query: the contribute panel asks once per project it meets). */
    @Transactional(readOnly = true)
    public java.util.Optional<Named> projectOfTask(long taskId) {
        return tasks.range(taskId).flatMap(r -> projects.findById(r.projectId()))
                .map(p -> new Named(p.getId(), p.getName(), p.getDescription()));
    }

    @Transactional(readOnly = true)
    public ProjectProgress progress(long projectId) {
        return progress(projects.findById(projectId).orElseThrow(() -> ProjectService.notFound(projectId)));
    }

    private ProjectProgress progress(Project p) {
        // tasks may be split for slow devices: count them, and measure progress in items
        ProjectTasks.Counts c = tasks.counts(p.getId(), clock.instant().minus(THROUGHPUT_WINDOW));
        int[] accuracy = accuracy(p);
        return new ProjectProgress(p.getId(), p.getName(), p.getDescription(), p.getStatus(), p.getItemCount(),
                p.getInputsPerTask(), c.tasks(), c.validated(), c.failed(), c.open(), c.received(),
                (double) c.itemsValidated() / p.getItemCount(), c.recentItems() / (double) THROUGHPUT_WINDOW.toSeconds(),
                accuracy == null || accuracy[1] == 0 ? null : (double) accuracy[0] / accuracy[1],
                accuracy == null ? 0 : accuracy[1], p.getFlopsPerItem(), p.getReplication(), p.getQuorum(),
                p.getPriority(), p.getCreatedAt(), p.getCompletedAt(), c.firstFailed(), (int) c.itemsFailed(),
                ProjectProgress.note(p.getStatus(), p.getItemCount(), (int) c.itemsFailed(), c.failed()),
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
        for (ProjectTasks.Validated v : tasks.validatedSince(projectId, from)) {
            int bucket = (int) Duration.between(from, v.at()).toMinutes();
            if (bucket >= 0 && bucket < minutes) {
                buckets[bucket] += v.items();
            }
        }
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
            List<Canonical> slices = canonical(p);
            for (List<Canonical> group : groups(slices)) {
                Map<String, byte[]> outputs = blobs.readAll(group.stream().map(Canonical::outputSha256).toList());
                for (Canonical slice : group) {
                    // the first output's values come first
                    float[] out = layout.values(outputs.get(slice.outputSha256()), slice.end() - slice.start(), false);
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
        List<Canonical> slices = canonical(p);
        List<int[]> missing = new ArrayList<>();
        int next = 0;
        for (Canonical s : slices) {
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
        private final List<Canonical> slices;
        private final List<int[]> missing;

        ResultsFile(Project project, List<Canonical> slices, List<int[]> missing) {
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
            for (List<Canonical> group : groups(slices)) {
                Map<String, byte[]> stored = blobs.readAll(group.stream().map(Canonical::outputSha256).toList());
                for (Canonical s : group) {
                    for (; next < s.start(); next++) {
                        out.write(missingRow);
                    }
                    int items = s.end() - s.start();
                    long offset = 0;
                    for (int j = 0; j < k; j++) {
                        offset += items * outputs.get(j).itemBytes();
                    }
                    byte[] bytes = stored.get(s.outputSha256());
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

    private List<Canonical> canonical(Project p) {
        return tasks.canonical(p.getId());
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

    /** Slices in groups whose outputs are read with one query. */
    private static List<List<Canonical>> groups(List<Canonical> slices) {
        List<List<Canonical>> groups = new ArrayList<>();
        for (int i = 0; i < slices.size(); i += 256) {
            groups.add(slices.subList(i, Math.min(slices.size(), i + 256)));
        }
        return groups;
    }

    static String ranges(List<int[]> missing) {
        return String.join(",", missing.stream().map(r -> r[0] + "-" + r[1]).toList());
    }
}
