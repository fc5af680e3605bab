package io.pocketgrid.portal.work;

import io.pocketgrid.portal.api.ApiException.Kind;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.project.ProjectService;
import io.pocketgrid.portal.storage.BlobStore;
import java.time.Duration;
import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Model files, named by their hash (task inputs are served by {@link WorkApiFilter}). */
@RestController
class PayloadController {

    private final ProjectService projects;
    private final BlobStore blobs;

    PayloadController(ProjectService projects, BlobStore blobs) {
        this.projects = projects;
        this.blobs = blobs;
    }

    /**
     * A project's ONNX file, streamed from the blob store; named by its hash, so it never changes and
     * may be cached forever.
     */
    @GetMapping("/api/v1/models/{sha256}")
    ResponseEntity<Resource> model(@PathVariable String sha256) {
        if (!projects.isModel(sha256)) {
            throw new ApiException(Kind.NOT_FOUND, "UNKNOWN_MODEL", "there is no model " + sha256);
        }
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable())
                .eTag("\"" + sha256 + "\"")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .contentLength(blobs.size(sha256))
                .body(new InputStreamResource(blobs.open(sha256)));
    }
}
