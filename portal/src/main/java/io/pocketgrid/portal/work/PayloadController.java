package io.pocketgrid.portal.work;

import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.project.Dims;
import io.pocketgrid.portal.project.Project;
import io.pocketgrid.portal.project.ProjectService;
import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.portal.volunteer.VolunteerService;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.time.Duration;
import java.util.List;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** The heavy, binary side of the protocol: model files and task inputs. */
@RestController
class PayloadController {

    private final ProjectService projects;
    private final BlobStore blobs;
    private final VolunteerService volunteers;
    private final JdbcTemplate jdbc;

    PayloadController(ProjectService projects, BlobStore blobs, VolunteerService volunteers, JdbcTemplate jdbc) {
        this.projects = projects;
        this.blobs = blobs;
        this.volunteers = volunteers;
        this.jdbc = jdbc;
    }

    /** A project's ONNX file; named by its hash, so it never changes and may be cached forever. */
    @GetMapping("/api/v1/models/{sha256}")
    ResponseEntity<Resource> model(@PathVariable String sha256) {
        if (!projects.isModel(sha256)) {
            throw new ApiException(HttpStatus.NOT_FOUND, "UNKNOWN_MODEL", "there is no model " + sha256);
        }
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable())
                .eTag("\"" + sha256 + "\"")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(new FileSystemResource(blobs.require(sha256)));
    }

    /** A task's slice of the inputs: raw little-endian float32, dims in {@code X-Tensor-Dims}. */
    @GetMapping("/api/v1/tasks/{taskId}/input")
    ResponseEntity<byte[]> input(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth,
                                 @PathVariable long taskId) throws IOException {
        volunteers.authenticate(auth);
        List<long[]> rows = jdbc.query("SELECT project_id, start_item, end_item FROM task WHERE id = ?",
                (rs, i) -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}, taskId);
        if (rows.isEmpty()) {
            throw new ApiException(HttpStatus.NOT_FOUND, "UNKNOWN_TASK", "there is no task " + taskId);
        }
        long[] task = rows.get(0);
        Project project = projects.find(task[0]).orElseThrow();
        int[] itemDims = project.getItemDims();
        long itemBytes = 4 * Dims.size(itemDims);
        byte[] bytes = new byte[Math.toIntExact((task[2] - task[1]) * itemBytes)];
        try (RandomAccessFile file = new RandomAccessFile(blobs.require(project.getInputSha256()).toFile(), "r")) {
            file.seek(project.getInputOffset() + task[1] * itemBytes);
            file.readFully(bytes);
        }
        return ResponseEntity.ok()
                .header("X-Tensor-Dims", Dims.format(Dims.prepend((int) (task[2] - task[1]), itemDims)))
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(bytes);
    }
}
