package io.pocketgrid.portal.project;

import io.pocketgrid.portal.account.Account;
import io.pocketgrid.portal.account.AccountService;
import io.pocketgrid.portal.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.springframework.web.multipart.MultipartHttpServletRequest;
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
                          Double atol, Double rtol, Integer deadlineSeconds, Integer maxErrors, Integer priority,
                          List<String> outputs) {
        ProjectSettings settings() {
            return new ProjectSettings(inputsPerTask, replication, quorum, atol, rtol, deadlineSeconds, maxErrors, priority);
        }
    }

    /**
     * A new project: the model, its inputs as one {@code .npy} per graph input (parts
     * {@code input:<name>}) or one {@code inputs} part ({@code .npz} with an array per input name, or
     * an {@code .npy} for a single-input model), optional labels and settings.
     */
    @PostMapping(value = "/api/v1/projects", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<ProjectProgress> create(@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String auth,
                                           @RequestPart("model") MultipartFile model,
                                           @RequestPart(value = "inputs", required = false) MultipartFile inputs,
                                           @RequestPart(value = "labels", required = false) MultipartFile labels,
                                           @RequestPart(value = "settings", required = false) CreateSettings settings,
                                           MultipartHttpServletRequest request)
            throws IOException {
        Account owner = accounts.authenticate(auth);
        limit("model", model, limits.maxModelBytes());
        Map<String, MultipartFile> named = new LinkedHashMap<>();
        long inputBytes = 0;
        for (Map.Entry<String, MultipartFile> part : request.getFileMap().entrySet()) {
            if (part.getKey().startsWith(INPUT_PART)) {
                String input = part.getKey().substring(INPUT_PART.length());
                limit("input " + input, part.getValue(), limits.maxInputBytes());
                named.put(input, part.getValue());
                inputBytes += part.getValue().getSize();
            }
        }
        if (inputs != null) {
            limit("inputs", inputs, limits.maxInputBytes());
            inputBytes += inputs.getSize();
        }
        if (inputBytes > limits.maxInputBytes()) {
            throw ApiException.tooLarge("the inputs have " + inputBytes + " bytes together; at most "
                    + limits.maxInputBytes() + " are accepted");
        }
        if (inputs == null && named.isEmpty()) {
            throw ApiException.badRequest("MISSING_PART", "no inputs: send an 'inputs' part (.npy or .npz) or one"
                    + " 'input:<graph input name>' part per input");
        }
        if (labels != null) {
            limit("labels", labels, limits.maxInputBytes());
        }
        CreateSettings s = settings == null
                ? new CreateSettings(null, null, null, null, null, null, null, null, null, null, null) : settings;
        List<InputStream> opened = new ArrayList<>();
        try (InputStream m = model.getInputStream(); InputStream l = labels == null ? null : labels.getInputStream()) {
            List<ProjectService.InputPart> parts = new ArrayList<>();
            if (inputs != null) {
                parts.add(new ProjectService.InputPart(null, open(inputs, opened)));
            }
            for (Map.Entry<String, MultipartFile> e : named.entrySet()) {
                parts.add(new ProjectService.InputPart(e.getKey(), open(e.getValue(), opened)));
            }
            Project p = projects.create(new ProjectService.Upload(owner.getId(), s.name(), s.description(), m, parts, l,
                    s.settings(), s.outputs()));
            return ResponseEntity.status(HttpStatus.CREATED).body(queries.progress(p.getId()));
        } finally {
            for (InputStream in : opened) {
                in.close();
            }
        }
    }

    private static final String INPUT_PART = "input:";

    private static InputStream open(MultipartFile file, List<InputStream> opened) throws IOException {
        InputStream in = file.getInputStream();
        opened.add(in);
        return in;
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
     * The outputs in input order, streamed; also while the project runs: one {@code .npy} for a
     * single-output project, else an {@code .npz} with one array per output. Rows not validated yet
     * are NaN (0 in integer outputs) and listed in {@code X-Missing-Rows} as {@code start-end} ranges.
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
