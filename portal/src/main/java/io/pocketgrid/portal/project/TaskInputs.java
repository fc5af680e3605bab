package io.pocketgrid.portal.project;

import io.pocketgrid.portal.storage.BlobStore;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** A task's slice of its project's inputs, read straight from the content-addressed .npy blob (one range read). */
@Component
public class TaskInputs {

    private final JdbcTemplate jdbc;
    private final ProjectService projects;
    private final BlobStore blobs;
    private final java.util.Map<Long, long[]> ranges = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_RANGES = 200_000;

    TaskInputs(JdbcTemplate jdbc, ProjectService projects, BlobStore blobs) {
        this.jdbc = jdbc;
        this.projects = projects;
        this.blobs = blobs;
    }

    /** The raw little-endian float32 bytes and dims of one task's inputs. */
    public record Slice(Project project, int[] dims, byte[] bytes) {
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
            List<long[]> rows = jdbc.query("SELECT project_id, start_item, end_item FROM task WHERE id = ?",
                    (rs, i) -> new long[] {rs.getLong(1), rs.getInt(2), rs.getInt(3)}, taskId);
            if (rows.isEmpty()) {
                return java.util.Optional.empty();
            }
            task = rows.get(0);
        }
        Project project = projects.facts(task[0]);
        int[] itemDims = project.getItemDims();
        long itemBytes = 4 * Dims.size(itemDims);
        int items = (int) (task[2] - task[1]);
        byte[] bytes = blobs.read(project.getInputSha256(), project.getInputOffset() + task[1] * itemBytes,
                Math.toIntExact(items * itemBytes));
        return java.util.Optional.of(new Slice(project, Dims.prepend(items, itemDims), bytes));
    }
}
