package io.pocketgrid.portal.project;

import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.ValueInfo;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creates projects from a model and an inputs file, and cuts them into tasks. */
@Service
public class ProjectService {

    private final ProjectRepository projects;
    private final BlobStore blobs;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final java.util.Map<Long, Project> factsCache = new java.util.concurrent.ConcurrentHashMap<>();

    ProjectService(ProjectRepository projects, BlobStore blobs, JdbcTemplate jdbc, Clock clock,
                   ApplicationEventPublisher events) {
        this.events = events;
        this.projects = projects;
        this.blobs = blobs;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** What an upload consists of; the streams are read once, straight into the blob store. */
    public record Upload(Long ownerId, String name, String description, InputStream model, InputStream inputs,
                         InputStream labels, ProjectSettings settings) {
    }

    /**
     * Checks the model with the engine, stores model, inputs and labels content-addressed, and
     * creates the project RUNNING with its tasks. When a check fails nothing is created, and the
     * files this upload stored are removed again unless another project uses them.
     */
    @Transactional
    public Project create(Upload upload) {
        ProjectSettings settings = upload.settings() == null ? ProjectSettings.defaults() : upload.settings().resolved();
        String name = upload.name() == null || upload.name().isBlank() ? "Untitled project" : upload.name().strip();
        if (name.length() > 200 || (upload.description() != null && upload.description().length() > 4000)) {
            throw ApiException.badRequest("BAD_SETTINGS", "a name has at most 200 characters, a description 4000");
        }
        List<String> stored = new ArrayList<>();
        try {
            String modelSha = store(upload.model(), stored);
            Model model = load(blobs.readAll(modelSha));
            InputFacts input = inputFacts(store(upload.inputs(), stored));
            ValueInfo modelInput = model.inputs().get(0);
            checkItemDims(modelInput, input.itemDims());
            ValueInfo modelOutput = model.outputs().get(0);
            int[] outputItemDims = outputItemDims(model, modelInput.name(), modelOutput.name(), input.itemDims());
            LabelFacts labels = upload.labels() == null ? null : labelFacts(store(upload.labels(), stored), input.itemCount());
            ModelFacts facts = new ModelFacts(modelSha, modelInput.name(), modelOutput.name(), outputItemDims,
                    flops(model, input.itemDims()));
            Project project = projects.save(new Project(upload.ownerId(), name,
                    upload.description() == null ? "" : upload.description().strip(), facts, input, labels, settings,
                    clock.instant()));
            createTasks(project);
            events.publishEvent(new ProjectStatusChanged(project.getId()));
            return project;
        } catch (RuntimeException e) {
            stored.forEach(this::removeIfUnused);
            throw e;
        }
    }

    /** Pauses, resumes or cancels a project; only its owner or an admin may. */
    @Transactional
    public Project changeStatus(long projectId, long accountId, boolean admin, ProjectStatus target) {
        requireOwner(projectId, accountId, admin);
        Project p = projects.findById(projectId).orElseThrow();
        ProjectStatus from = p.getStatus();
        boolean allowed = switch (target) {
            case PAUSED -> from == ProjectStatus.RUNNING;
            case RUNNING -> from == ProjectStatus.PAUSED || from == ProjectStatus.INCOMPLETE;
            case CANCELLED -> from == ProjectStatus.RUNNING || from == ProjectStatus.PAUSED || from == ProjectStatus.DRAFT;
            default -> false;
        };
        if (!allowed) {
            throw new ApiException(HttpStatus.CONFLICT, "BAD_STATE", "a " + from + " project cannot become " + target);
        }
        p.setStatus(target);
        if (from == ProjectStatus.INCOMPLETE) {
            retryFailedTasks(p);
        }
        if (target == ProjectStatus.CANCELLED) {
            jdbc.update("UPDATE task SET status = 'CANCELLED' WHERE project_id = ? AND status = 'OPEN'", projectId);
        }
        events.publishEvent(new ProjectStatusChanged(projectId));
        return p;
    }

    /**
     * Opens the FAILED tasks of an INCOMPLETE project again, each wanting a full replication more than
     * the replicas it had (its earlier volunteers never get it again, and their results stay invalid).
     */
    private void retryFailedTasks(Project p) {
        p.setCompletedAt(null);
        jdbc.update("""
                UPDATE task SET status = 'OPEN', error_count = 0, wanted = TRUE, quorum = ?, claimed_by = NULL,
                       claimed_until = NULL, target_replicas = ? + (SELECT COUNT(*) FROM assignment a
                         WHERE a.task_id = task.id AND a.status = 'RETURNED')
                WHERE project_id = ? AND status = 'FAILED'""", p.getQuorum(), p.getReplication(), p.getId());
    }

    /** 404 for an unknown project, 403 unless the account owns it or is an admin. */
    @Transactional(readOnly = true)
    public void requireOwner(long projectId, long accountId, boolean admin) {
        Project p = projects.findById(projectId).orElseThrow(() -> notFound(projectId));
        if (!admin && (p.getOwnerId() == null || p.getOwnerId() != accountId)) {
            throw new ApiException(HttpStatus.FORBIDDEN, "NOT_YOUR_PROJECT", "only the project's owner may do this");
        }
    }

    static ApiException notFound(long projectId) {
        return new ApiException(HttpStatus.NOT_FOUND, "UNKNOWN_PROJECT", "there is no project " + projectId);
    }

    private String store(InputStream in, List<String> stored) {
        String sha = blobs.put(in);
        stored.add(sha);
        return sha;
    }

    private void removeIfUnused(String sha) {
        Integer uses = jdbc.queryForObject("SELECT COUNT(*) FROM project WHERE model_sha256 = ? OR input_sha256 = ?"
                + " OR labels_sha256 = ?", Integer.class, sha, sha, sha);
        if (uses != null && uses == 0) {
            blobs.delete(sha);
        }
    }

    /** FLOPs per item, counted on the item shape the project really uses. */
    private static long flops(Model model, int[] itemDims) {
        try {
            return model.flopsPerItem();
        } catch (EngineException e) {
            throw ApiException.badRequest("BAD_MODEL", "cannot count the model's FLOPs: " + e.getMessage());
        }
    }

    private LabelFacts labelFacts(String sha, int itemCount) {
        try (InputStream in = blobs.open(sha)) {
            NpyHeader header = NpyHeader.read(in);
            int width = switch (header.descr()) {
                case "<i8" -> 8;
                case "<i4" -> 4;
                default -> throw ApiException.badRequest("BAD_NPY", "labels must be int64 or int32, this file has '"
                        + header.descr() + "'");
            };
            if (header.shape().length != 1 || header.shape()[0] != itemCount) {
                throw ApiException.badRequest("INPUT_MISMATCH", "labels need shape (" + itemCount + ",) to match the inputs, not "
                        + Arrays.toString(header.shape()));
            }
            if (blobs.size(sha) != header.dataOffset() + (long) width * itemCount) {
                throw ApiException.badRequest("BAD_NPY", "the labels file is truncated");
            }
            return new LabelFacts(sha, header.dataOffset());
        } catch (IOException e) {
            throw ApiException.badRequest("BAD_NPY", "the labels file is truncated or unreadable");
        }
    }

    @Transactional(readOnly = true)
    public List<Project> all() {
        return projects.findAll();
    }

    @Transactional(readOnly = true)
    public Optional<Project> find(long id) {
        return projects.findById(id);
    }

    /**
     * A project for its fixed facts (model, dims, names, settings), remembered after the first read
     * so the worker calls skip the database. Its status may be stale: never decide by it.
     */
    public Project facts(long id) {
        Project p = factsCache.get(id);
        if (p == null) {
            p = projects.findById(id).orElseThrow(() -> notFound(id));
            factsCache.put(id, p);
        }
        return p;
    }

    @Transactional(readOnly = true)
    public boolean isModel(String sha256) {
        return projects.existsByModelSha256(sha256);
    }

    private static Model load(byte[] onnx) {
        try {
            Model model = Model.load(onnx);
            if (model.inputs().isEmpty() || model.outputs().isEmpty()) {
                throw ApiException.badRequest("BAD_MODEL", "the model needs at least one input and one output");
            }
            return model;
        } catch (io.pocketgrid.worker.engine.UnsupportedOpException e) {
            throw ApiException.badRequest("UNSUPPORTED_OP", e.getMessage());
        } catch (EngineException e) {
            throw ApiException.badRequest("BAD_MODEL", e.getMessage());
        }
    }

    private InputFacts inputFacts(String sha) {
        long size = blobs.size(sha);
        try (InputStream in = blobs.open(sha)) {
            NpyHeader header = NpyHeader.read(in).requireFloat32Items();
            int[] itemDims = Arrays.copyOfRange(header.shape(), 1, header.shape().length);
            long expected = header.dataOffset() + 4L * header.shape()[0] * Dims.size(itemDims);
            if (size != expected) {
                throw ApiException.badRequest("BAD_NPY", "the inputs file should have " + expected
                        + " bytes for its shape but has " + size);
            }
            long bad = NonFinite.firstItem(in, Dims.size(itemDims), header.shape()[0]);
            if (bad >= 0) {
                throw ApiException.badRequest("NON_FINITE", "input item " + bad + " holds NaN or an infinity;"
                        + " every input must be a finite number (no result for such an item could be accepted)");
            }
            return new InputFacts(sha, header.dataOffset(), header.shape()[0], itemDims);
        } catch (IOException e) {
            throw ApiException.badRequest("BAD_NPY", "the inputs file is truncated or unreadable");
        }
    }

    private static void checkItemDims(ValueInfo modelInput, int[] itemDims) {
        int[] dims = modelInput.dims();
        boolean matches = dims.length == itemDims.length + 1;
        for (int i = 1; matches && i < dims.length; i++) {
            matches = dims[i] < 0 || dims[i] == itemDims[i - 1];
        }
        if (!matches) {
            throw ApiException.badRequest("INPUT_MISMATCH", "the model's input " + modelInput.name() + " has dims "
                    + Arrays.toString(dims) + " but the inputs have items of " + Arrays.toString(itemDims));
        }
    }

    /** Runs the model once on a zero item: proves it runs and tells the shape of one output item. */
    private static int[] outputItemDims(Model model, String inputName, String outputName, int[] itemDims) {
        int[] dims = Dims.prepend(1, itemDims);
        Tensor probe = Tensor.ofFloats(new float[(int) Dims.size(dims)], dims);
        try {
            Tensor out = model.run(Map.of(inputName, probe)).get(outputName);
            return Arrays.copyOfRange(out.dims(), 1, out.dims().length);
        } catch (EngineException e) {
            throw ApiException.badRequest("BAD_MODEL", "the model does not run on one item: " + e.getMessage());
        }
    }

    private void createTasks(Project project) {
        List<Object[]> rows = new ArrayList<>();
        for (int start = 0; start < project.getItemCount(); start += project.getInputsPerTask()) {
            int end = Math.min(start + project.getInputsPerTask(), project.getItemCount());
            rows.add(new Object[] {project.getId(), start, end, project.getQuorum(), project.getReplication()});
        }
        jdbc.batchUpdate("INSERT INTO task (project_id, start_item, end_item, status, quorum, target_replicas)"
                + " VALUES (?, ?, ?, 'OPEN', ?, ?)", rows);
    }

}
