package io.pocketgrid.portal.project;

import io.pocketgrid.portal.api.ApiException;
import io.pocketgrid.portal.storage.BlobStore;
import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.ValueInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    ProjectService(ProjectRepository projects, BlobStore blobs, JdbcTemplate jdbc, Clock clock) {
        this.projects = projects;
        this.blobs = blobs;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Checks the model with the engine, stores model and inputs content-addressed, and creates the
     * project RUNNING with its tasks. Nothing is created when a check fails.
     */
    @Transactional
    public Project create(String name, String description, byte[] onnx, InputStream inputsNpy,
                          ProjectSettings settings) {
        Model model = load(onnx);
        String inputsSha = blobs.put(inputsNpy);
        InputFacts input = inputFacts(inputsSha);
        ValueInfo modelInput = model.inputs().get(0);
        checkItemDims(modelInput, input.itemDims());
        ValueInfo modelOutput = model.outputs().get(0);
        int[] outputItemDims = outputItemDims(model, modelInput.name(), modelOutput.name(), input.itemDims());
        ModelFacts facts = new ModelFacts(blobs.put(onnx), modelInput.name(), modelOutput.name(), outputItemDims,
                model.flopsPerItem());
        Project project = projects.save(new Project(name, description, facts, input, settings, clock.instant()));
        createTasks(project);
        return project;
    }

    @Transactional(readOnly = true)
    public List<Project> all() {
        return projects.findAll();
    }

    @Transactional(readOnly = true)
    public Optional<Project> find(long id) {
        return projects.findById(id);
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
        Path file = blobs.require(sha);
        try (InputStream in = Files.newInputStream(file)) {
            NpyHeader header = NpyHeader.read(in).requireFloat32Items();
            int[] itemDims = Arrays.copyOfRange(header.shape(), 1, header.shape().length);
            long expected = header.dataOffset() + 4L * header.shape()[0] * Dims.size(itemDims);
            if (Files.size(file) != expected) {
                throw ApiException.badRequest("BAD_NPY", "the inputs file should have " + expected
                        + " bytes for its shape but has " + Files.size(file));
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
