package io.pocketgrid.portal.work;

import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.project.Dims;
import io.pocketgrid.portal.project.ProjectService;
import io.pocketgrid.portal.project.TaskInputs;
import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.portal.volunteer.VolunteerService;
import java.time.Duration;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
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
    private final TaskInputs inputs;

    PayloadController(ProjectService projects, BlobStore blobs, VolunteerService volunteers, TaskInputs inputs) {
        this.projects = projects;
        this.blobs = blobs;
        this.volunteers = volunteers;
        this.inputs = inputs;
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
                                 @PathVariable long taskId) {
        volunteers.authenticate(auth);
        TaskInputs.Slice slice = inputs.read(taskId).orElseThrow(() ->
                new ApiException(HttpStatus.NOT_FOUND, "UNKNOWN_TASK", "there is no task " + taskId));
        return ResponseEntity.ok()
                .header("X-Tensor-Dims", Dims.format(slice.dims()))
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(slice.bytes());
    }
}
