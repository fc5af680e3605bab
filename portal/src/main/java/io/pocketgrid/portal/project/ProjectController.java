package io.pocketgrid.portal.project;

import io.pocketgrid.portal.account.Account;
import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The owner REST API: create projects from uploads, follow them, steer them, download results. */
@RestController
class ProjectController {

    private final ProjectService projects;
    private final ProjectQueries queries;
    private final AccountService accounts;
    private final UploadProperties limits;

    ProjectController(ProjectService projects, ProjectQueries queries, AccountService accounts, UploadProperties limits) {
        this.projects = projects;
        this.queries = queries;
        this.accounts = accounts;
        this.limits = limits;
    }

    /** Settings part of an upload: the project's name and description beside its {@link ProjectSettings}. */
    record CreateSettings(String name, String description, Integer inputsPerTask, Integer replication, Integer quorum,
                          Double atol, Double rtol, Integer deadlineSeconds, Integer maxErrors, Integer priority) {
        ProjectSettings settings() {
            return new ProjectSettings(inputsPerTask, replication, quorum, atol, rtol, deadlineSeconds, maxErrors, priority);
        }
    }

    @PostMapping(value = "/api/v1/projects", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<ProjectProgress> create(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth,
                                           @RequestPart("model") MultipartFile model,
                                           @RequestPart("inputs") MultipartFile inputs,
                                           @RequestPart(value = "labels", required = false) MultipartFile labels,
                                           @RequestPart(value = "settings", required = false) CreateSettings settings)
            throws IOException {
        Account owner = accounts.authenticate(auth);
        limit("model", model, limits.maxModelBytes());
        limit("inputs", inputs, limits.maxInputBytes());
        if (labels != null) {
            limit("labels", labels, limits.maxInputBytes());
        }
        CreateSettings s = settings == null
                ? new CreateSettings(null, null, null, null, null, null, null, null, null, null) : settings;
        try (InputStream m = model.getInputStream(); InputStream in = inputs.getInputStream();
             InputStream l = labels == null ? null : labels.getInputStream()) {
            Project p = projects.create(new ProjectService.Upload(owner.getId(), s.name(), s.description(), m, in, l,
                    s.settings()));
            return ResponseEntity.status(HttpStatus.CREATED).body(queries.progress(p.getId()));
        }
    }

    @GetMapping("/api/v1/projects")
    List<ProjectProgress> list() {
        return queries.all();
    }

    @GetMapping("/api/v1/projects/{id}")
    ProjectProgress status(@PathVariable long id) {
        return queries.progress(id);
    }

    @PostMapping("/api/v1/projects/{id}/pause")
    ProjectProgress pause(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth,
                          @PathVariable long id) {
        return change(auth, id, ProjectStatus.PAUSED);
    }

    @PostMapping("/api/v1/projects/{id}/resume")
    ProjectProgress resume(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth,
                           @PathVariable long id) {
        return change(auth, id, ProjectStatus.RUNNING);
    }

    @PostMapping("/api/v1/projects/{id}/cancel")
    ProjectProgress cancel(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth,
                           @PathVariable long id) {
        return change(auth, id, ProjectStatus.CANCELLED);
    }

    /**
     * The outputs as one {@code .npy} in input order, streamed; also while the project runs. Rows
     * not validated yet are NaN and listed in {@code X-Missing-Rows} as {@code start-end} ranges.
     */
    @GetMapping("/api/v1/projects/{id}/results")
    ResponseEntity<StreamingResponseBody> results(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false)
                                                  String auth, @PathVariable long id) {
        Account account = accounts.authenticate(auth);
        ProjectProgress p = queries.progress(id);
        projects.requireOwner(id, account.getId(), account.isAdmin());
        ProjectQueries.ResultsFile file = queries.results(id);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(file.fileName()).build().toString())
                .header("X-Missing-Rows", ProjectQueries.ranges(file.missing()))
                .header("X-Project-Status", p.status().name())
                .body(file::writeTo);
    }

    private ProjectProgress change(String auth, long id, ProjectStatus target) {
        Account account = accounts.authenticate(auth);
        projects.changeStatus(id, account.getId(), account.isAdmin(), target);
        return queries.progress(id);
    }

    private static void limit(String part, MultipartFile file, long max) {
        if (file.getSize() > max) {
            throw ApiException.tooLarge("the " + part + " file has " + file.getSize() + " bytes; at most " + max
                    + " are accepted");
        }
        if (file.isEmpty()) {
            throw ApiException.badRequest(part.equals("model") ? "BAD_MODEL" : "BAD_NPY", "the " + part + " file is empty");
        }
    }
}
