package io.pocketgrid.portal.project;

import io.pocketgrid.portal.storage.BlobStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** A task's slice of its project's inputs, read straight from the content-addressed .npy file. */
@Component
public class TaskInputs {

    private final JdbcTemplate jdbc;
    private final ProjectService projects;
    private final BlobStore blobs;

    TaskInputs(JdbcTemplate jdbc, ProjectService projects, BlobStore blobs) {
        this.jdbc = jdbc;
        this.projects = projects;
        this.blobs = blobs;
    }

    /** The raw little-endian float32 bytes and dims of one task's inputs. */
    public record Slice(Project project, int[] dims, byte[] bytes) {
    }

    public java.util.Optional<Slice> read(long taskId) {
        List<int[]> rows = jdbc.query("SELECT project_id, start_item, end_item FROM task WHERE id = ?",
                (rs, i) -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)}, taskId);
        if (rows.isEmpty()) {
            return java.util.Optional.empty();
        }
        int[] task = rows.get(0);
        Project project = projects.facts(task[0]);
        int[] itemDims = project.getItemDims();
        long itemBytes = 4 * Dims.size(itemDims);
        byte[] bytes = new byte[Math.toIntExact((task[2] - task[1]) * itemBytes)];
        try (RandomAccessFile file = new RandomAccessFile(blobs.require(project.getInputSha256()).toFile(), "r")) {
            file.seek(project.getInputOffset() + task[1] * itemBytes);
            file.readFully(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return java.util.Optional.of(new Slice(project, Dims.prepend(task[2] - task[1], itemDims), bytes));
    }
}
