package io.pocketgrid.portal.project;

import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.TensorBytes;
import io.pocketgrid.worker.loop.TensorFrames;
import java.util.List;
import org.springframework.stereotype.Component;

/** A task's slice of its project's inputs, read straight from the content-addressed .npy blobs (one range read each). */
@Component
public class TaskInputs {

    private final ProjectTasks tasks;
    private final ProjectService projects;
    private final BlobStore blobs;
    private final java.util.Map<Long, long[]> ranges = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_RANGES = 200_000;

    TaskInputs(ProjectTasks tasks, ProjectService projects, BlobStore blobs) {
        this.tasks = tasks;
        this.projects = projects;
        this.blobs = blobs;
    }

    /** One task's inputs: the items of each of its project's inputs, as little-endian bytes of its type. */
    public record Slice(Project project, int items, List<byte[]> bytes) {

        /** The dims of input {@code i} for this task, item axis first. */
        public int[] dims(int i) {
            return Dims.prepend(items, project.getInputs().get(i).tensor().itemDims());
        }

        /**
         * The inputs as one tensor frame, in the project's order (docs/protocol.md): the pieces to send one
         * after the other (the frame's start, then each input's header and data), so a task's inputs are
         * not copied into one more array per request.
         */
        public List<byte[]> frame() {
            List<ProjectInput> inputs = project.getInputs();
            List<byte[]> pieces = new java.util.ArrayList<>(1 + 2 * inputs.size());
            pieces.add(TensorFrames.start(inputs.size()));
            for (int i = 0; i < inputs.size(); i++) {
                pieces.add(TensorFrames.header(inputs.get(i).name(), inputs.get(i).tensor().type(), dims(i)));
                pieces.add(bytes.get(i));
            }
            return pieces;
        }

        /** The inputs as tensors by graph input name, in the project's order. */
        public java.util.Map<String, Tensor> tensors() {
            java.util.Map<String, Tensor> tensors = new java.util.LinkedHashMap<>();
            List<ProjectInput> inputs = project.getInputs();
            for (int i = 0; i < inputs.size(); i++) {
                tensors.put(inputs.get(i).name(), TensorBytes.decode(inputs.get(i).tensor().type(), dims(i), bytes.get(i), 0));
            }
            return tensors;
        }
    }

    /** Notes a task's range (which never changes), so reading its inputs needs no query. */
    public void remember(long taskId, long projectId, int start, int end) {
        if (ranges.size() >= MAX_RANGES) {
            ranges.clear();
        }
        ranges.put(taskId, new long[] {projectId, start, end});
    }

    public java.util.Optional<Slice> read(long taskId) {
        long[] task = ranges.get(taskId);
        if (task == null) {
            java.util.Optional<ProjectTasks.Range> range = tasks.range(taskId);
            if (range.isEmpty()) {
                return java.util.Optional.empty();
            }
            task = new long[] {range.get().projectId(), range.get().start(), range.get().end()};
        }
        Project project = projects.facts(task[0]);
        int items = (int) (task[2] - task[1]);
        List<byte[]> bytes = new java.util.ArrayList<>();
        for (ProjectInput input : project.getInputs()) {
            long itemBytes = input.tensor().itemBytes();
            bytes.add(blobs.read(input.blobSha256(), input.dataOffset() + task[1] * itemBytes,
                    Math.toIntExact(items * itemBytes)));
        }
        return java.util.Optional.of(new Slice(project, items, bytes));
    }
}
