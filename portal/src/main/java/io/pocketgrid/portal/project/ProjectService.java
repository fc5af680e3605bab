package io.pocketgrid.portal.project;

import io.pocketgrid.portal.api.ApiException.Kind;
import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Npy;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.TensorBytes;
import io.pocketgrid.worker.engine.ValueInfo;
import io.pocketgrid.worker.loop.TensorFrames;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Creates projects from a model and an inputs file, and cuts them into tasks. */
@Service
public class ProjectService {

    private static final Logger log = LoggerFactory.getLogger(ProjectService.class);

    private final ProjectRepository projects;
    private final BlobStore blobs;
    private final ProjectRows rows;
    private final ProjectTasks tasks;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final java.util.Map<Long, Project> factsCache = new java.util.concurrent.ConcurrentHashMap<>();

    ProjectService(ProjectRepository projects, ProjectTasks tasks, BlobStore blobs, ProjectRows rows, Clock clock,
                   ApplicationEventPublisher events) {
        this.tasks = tasks;
        this.events = events;
        this.projects = projects;
        this.blobs = blobs;
        this.rows = rows;
        this.clock = clock;
    }

    /**
     * What an upload consists of; the streams are read once, straight into the blob store.
     *
     * @param inputs  one {@code .npy} per graph input ({@link InputPart#name} set), or one part with a
     *                null name: an {@code .npz} archive of one array per graph input name, or an
     *                {@code .npy} for a model with a single input
     * @param outputs the graph outputs to collect, in order; null or empty: all of them
     */
    public record Upload(Long ownerId, String name, String description, InputStream model, List<InputPart> inputs,
                         InputStream labels, ProjectSettings settings, List<String> outputs) {

        /** A model with one input, fed by one {@code .npy} or {@code .npz}, collecting all outputs. */
        public Upload(Long ownerId, String name, String description, InputStream model, InputStream inputs,
                      InputStream labels, ProjectSettings settings) {
            this(ownerId, name, description, model, List.of(new InputPart(null, inputs)), labels, settings, null);
        }
    }

    /** An uploaded inputs file: for the graph input {@code name}, or (null) the whole {@code inputs} part. */
    public record InputPart(String name, InputStream data) {
    }

    /** The element types an owner's inputs may have (each as the graph input declares it). */
    private static final Set<Tensor.Type> INPUT_TYPES = Set.of(Tensor.Type.FLOAT, Tensor.Type.FLOAT16,
            Tensor.Type.INT64, Tensor.Type.INT32, Tensor.Type.INT8, Tensor.Type.UINT8, Tensor.Type.BOOL);

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
            Map<String, String> files = inputFiles(model, upload.inputs(), stored);
            List<ProjectInput> inputs = new ArrayList<>();
            int items = -1;
            String firstInput = null;
            for (ValueInfo graphInput : model.inputs()) {
                ProjectInput input = input(model, graphInput, files.get(graphInput.name()));
                int count = itemCount(input);
                if (items >= 0 && count != items) {
                    throw ApiException.badRequest("INPUT_MISMATCH", "input " + graphInput.name() + " has " + count
                            + " items but " + firstInput + " has " + items + "; every input needs the same number");
                }
                items = count;
                firstInput = graphInput.name();
                inputs.add(input);
            }
            LabelFacts labels = upload.labels() == null ? null : labelFacts(store(upload.labels(), stored), items);
            List<ProjectTensor> outputs = outputs(model, inputs, upload.outputs());
            ModelFacts facts = new ModelFacts(modelSha, outputs, flops(model));
            Project project = projects.save(new Project(upload.ownerId(), name,
                    upload.description() == null ? "" : upload.description().strip(), facts, inputs, items, labels,
                    settings, clock.instant()));
            tasks.create(project.getId(), project.getItemCount(), project.getInputsPerTask(), project.getQuorum(),
                    project.getReplication());
            events.publishEvent(new ProjectStatusChanged(project.getId()));
            return project;
        } catch (RuntimeException e) {
            stored.forEach(this::removeIfUnused);
            throw e;
        }
    }

    /**
     * The stored {@code .npy} blob of each graph input: from parts named by input, or from one
     * {@code .npz} archive, or one {@code .npy} for a single-input model. Missing and unknown names
     * are refused, naming them.
     */
    private Map<String, String> inputFiles(Model model, List<InputPart> parts, List<String> stored) {
        List<String> wanted = model.inputs().stream().map(ValueInfo::name).toList();
        Map<String, String> files = new LinkedHashMap<>();
        for (InputPart part : parts) {
            if (part.name() != null) {
                if (files.put(part.name(), store(part.data(), stored)) != null) {
                    throw ApiException.badRequest("BAD_INPUTS", "input " + part.name() + " is given twice");
                }
                continue;
            }
            String sha = store(part.data(), stored);
            if (isZip(sha)) {
                files.putAll(npzEntries(sha, stored));
            } else if (wanted.size() == 1) {
                files.put(wanted.get(0), sha);
            } else {
                throw ApiException.badRequest("MISSING_INPUT", "the model has " + wanted.size() + " inputs " + wanted
                        + ": upload one .npy per input (parts input:<name>) or an .npz with an array per input name");
            }
        }
        for (String given : files.keySet()) {
            if (!wanted.contains(given)) {
                throw ApiException.badRequest("UNKNOWN_INPUT", "the model has no input named " + given
                        + "; its inputs are " + wanted);
            }
        }
        for (String w : wanted) {
            if (!files.containsKey(w)) {
                throw ApiException.badRequest("MISSING_INPUT", "no data for the model's input " + w
                        + " (its inputs are " + wanted + ")");
            }
        }
        return files;
    }

    private boolean isZip(String sha) {
        try (InputStream in = blobs.open(sha)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Each {@code <name>.npy} of an {@code .npz} archive (stored or deflated), streamed into its own blob. */
    private Map<String, String> npzEntries(String sha, List<String> stored) {
        Map<String, String> files = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(blobs.open(sha))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.isDirectory()) {
                    continue;
                }
                if (!e.getName().endsWith(".npy") || files.size() >= TensorFrames.MAX_TENSORS) {
                    throw ApiException.badRequest("BAD_NPZ", "an .npz holds only <input name>.npy arrays (at most "
                            + TensorFrames.MAX_TENSORS + "), not " + e.getName());
                }
                String input = e.getName().substring(0, e.getName().length() - 4);
                files.put(input, store(new NonClosing(zip), stored));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw ApiException.badRequest("BAD_NPZ", "the .npz archive cannot be read: " + e.getMessage());
        }
        removeIfUnused(sha);
        return files;
    }

    /** A stream the blob store may close without closing the zip archive under it. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the archive goes on with its next entry
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
            throw new ApiException(Kind.CONFLICT, "BAD_STATE", "a " + from + " project cannot become " + target);
        }
        p.setStatus(target);
        if (from == ProjectStatus.INCOMPLETE) {
            p.setCompletedAt(null);
            tasks.retryFailed(p.getId(), p.getQuorum(), p.getReplication());
        }
        if (target == ProjectStatus.CANCELLED) {
            tasks.cancelOpen(projectId);
        }
        events.publishEvent(new ProjectStatusChanged(projectId));
        return p;
    }

    /**
     * Ends the RUNNING projects among these that have no OPEN task left: COMPLETED, or INCOMPLETE when a
     * task failed. Called by validation, in its transaction, for the projects whose tasks it just finished.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void completeIfDone(java.util.Collection<Long> projectIds, Instant at) {
        if (projectIds.isEmpty()) {
            return;
        }
        rows.completeIfDone(projectIds, at);
    }

    /**
     * Every {@code pocketgrid.project-sweep-interval} (30 s) on every instance: ends the running projects whose
     * tasks are all done but that no result batch ended (two instances finished their last tasks at once).
     */
    @Scheduled(fixedDelayString = "${pocketgrid.project-sweep-interval:30s}",
            initialDelayString = "${pocketgrid.project-sweep-interval:30s}")
    @Transactional
    public void endFinishedProjects() {
        int ended = rows.completeFinished(clock.instant());
        if (ended > 0) {
            log.info("Ended {} running project(s) whose tasks were all done", ended);
        }
    }

    /** 404 for an unknown project, 403 unless the account owns it or is an admin. */
    @Transactional(readOnly = true)
    public void requireOwner(long projectId, long accountId, boolean admin) {
        Project p = projects.findById(projectId).orElseThrow(() -> notFound(projectId));
        if (!admin && (p.getOwnerId() == null || p.getOwnerId() != accountId)) {
            throw new ApiException(Kind.FORBIDDEN, "NOT_YOUR_PROJECT", "only the project's owner may do this");
        }
    }

    static ApiException notFound(long projectId) {
        return new ApiException(Kind.NOT_FOUND, "UNKNOWN_PROJECT", "there is no project " + projectId);
    }

    private String store(InputStream in, List<String> stored) {
        String sha = blobs.put(in);
        stored.add(sha);
        return sha;
    }

    private void removeIfUnused(String sha) {
        if (rows.uses(sha) == 0) {
            blobs.delete(sha);
        }
    }

    /** FLOPs per item. */
    private static long flops(Model model) {
        try {
            return model.flopsPerItem();
        } catch (EngineException e) {
            throw ApiException.badRequest("BAD_MODEL", "cannot count the model's FLOPs: " + e.getMessage());
        }
    }

    /** The header of an uploaded {@code .npy}; a file that is none is refused as {@code BAD_NPY}. */
    private static Npy.Header npyHeader(InputStream in) throws IOException {
        try {
            return Npy.readHeader(in);
        } catch (EngineException e) {
            throw ApiException.badRequest("BAD_NPY", e.getMessage());
        }
    }

    private LabelFacts labelFacts(String sha, int itemCount) {
        try (InputStream in = blobs.open(sha)) {
            Npy.Header header = npyHeader(in);
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
            // a parse failure says so first; the protobuf detail is for those who want it
            String detail = e.getMessage() == null ? "" : e.getMessage();
            throw ApiException.badRequest("BAD_MODEL", detail.startsWith("protobuf:") || detail.startsWith("empty ONNX")
                    ? "not an ONNX model (" + detail + ")" : detail);
        }
    }

    /**
     * One graph input's {@code .npy}: its dtype must be the input's element type, its item dims the
     * input's fixed dims, its bytes exactly what its header says, its floats finite.
     */
    private ProjectInput input(Model model, ValueInfo graphInput, String sha) {
        String name = graphInput.name();
        long size = blobs.size(sha);
        try (InputStream in = blobs.open(sha)) {
            Npy.Header header = npyHeader(in);
            Tensor.Type type = TensorBytes.fromNpyDescr(header.descr());
            Tensor.Type wanted = model.inputType(name);
            if (type == null || !INPUT_TYPES.contains(type)) {
                throw ApiException.badRequest("BAD_NPY", "input " + name + ": dtype '" + header.descr() + "' is not one of "
                        + "float32, float16, int64, int32, int8, uint8, bool (little-endian)");
            }
            if (type != wanted) {
                throw ApiException.badRequest("INPUT_MISMATCH", "input " + name + " is " + TensorBytes.name(wanted)
                        + " in the model but the file holds " + TensorBytes.name(type));
            }
            if (header.fortranOrder()) {
                throw ApiException.badRequest("BAD_NPY", "input " + name + " is in Fortran order; save it in C order");
            }
            if (header.shape().length < 1 || header.shape()[0] < 1) {
                throw ApiException.badRequest("BAD_NPY", "input " + name + " needs an item axis with at least one item");
            }
            int[] itemDims = Arrays.copyOfRange(header.shape(), 1, header.shape().length);
            checkItemDims(graphInput, itemDims);
            long expected = header.dataOffset() + TensorBytes.width(type) * header.shape()[0] * Dims.size(itemDims);
            if (size != expected) {
                throw ApiException.badRequest("BAD_NPY", "input " + name + " should have " + expected
                        + " bytes for its shape but has " + size);
            }
            if (type == Tensor.Type.FLOAT || type == Tensor.Type.FLOAT16) {
                long bad = NonFinite.firstItem(TensorBytes.width(type), in, Dims.size(itemDims), header.shape()[0]);
                if (bad >= 0) {
                    throw ApiException.badRequest("NON_FINITE", "item " + bad + " of input " + name + " holds NaN or an"
                            + " infinity; every input must be a finite number (no result for such an item could be accepted)");
                }
            }
            return new ProjectInput(new ProjectTensor(name, type, itemDims), sha, header.dataOffset());
        } catch (IOException e) {
            throw ApiException.badRequest("BAD_NPY", "input " + name + ": the file is truncated or unreadable");
        }
    }

    private int itemCount(ProjectInput input) {
        return Math.toIntExact((blobs.size(input.blobSha256()) - input.dataOffset()) / input.tensor().itemBytes());
    }

    private static void checkItemDims(ValueInfo modelInput, int[] itemDims) {
        int[] dims = modelInput.dims();
        boolean matches = dims == null || dims.length == itemDims.length + 1;
        for (int i = 1; matches && dims != null && i < dims.length; i++) {
            matches = dims[i] < 0 || dims[i] == itemDims[i - 1];
        }
        if (!matches) {
            throw ApiException.badRequest("INPUT_MISMATCH", "the model's input " + modelInput.name() + " has dims "
                    + Arrays.toString(dims) + " but the file has items of " + Arrays.toString(itemDims));
        }
    }

    /**
     * The graph outputs to collect ({@code chosen}, or all), each with its element type and the dims
     * of one item, learned by running the model once on a zero item: this also proves it runs.
     */
    private static List<ProjectTensor> outputs(Model model, List<ProjectInput> inputs, List<String> chosen) {
        List<String> all = model.outputs().stream().map(ValueInfo::name).toList();
        List<String> names = chosen == null || chosen.isEmpty() ? all : chosen;
        for (String n : names) {
            if (!all.contains(n)) {
                throw ApiException.badRequest("UNKNOWN_OUTPUT", "the model has no output named " + n + "; its outputs are " + all);
            }
        }
        if (new java.util.HashSet<>(names).size() != names.size() || names.size() > TensorFrames.MAX_TENSORS) {
            throw ApiException.badRequest("BAD_SETTINGS", "outputs lists each output once, at most "
                    + TensorFrames.MAX_TENSORS);
        }
        Map<String, Tensor> probe = new LinkedHashMap<>();
        for (ProjectInput input : inputs) {
            probe.put(input.name(), Tensor.zeros(input.tensor().type(), Dims.prepend(1, input.tensor().itemDims())));
        }
        Map<String, Tensor> out;
        try {
            out = model.run(probe);
        } catch (EngineException e) {
            throw ApiException.badRequest("BAD_MODEL", "the model does not run on one item: " + e.getMessage());
        }
        List<ProjectTensor> outputs = new ArrayList<>();
        for (String n : names) {
            Tensor t = out.get(n);
            if (t.rank() < 1 || t.dim(0) != 1) {
                throw ApiException.badRequest("BAD_MODEL", "output " + n + " has no item axis first (dims "
                        + Arrays.toString(t.dims()) + " for one item)");
            }
            outputs.add(new ProjectTensor(n, t.type(), Arrays.copyOfRange(t.dims(), 1, t.rank())));
        }
        return outputs;
    }

}
