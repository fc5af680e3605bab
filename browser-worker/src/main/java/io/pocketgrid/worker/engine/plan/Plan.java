package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.onnx.OnnxGraph;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The accelerated path for the graphs most volunteer work uses (Conv/MaxPool/Gemm/MatMul
 * networks with Relu, Flatten, Reshape): weights packed once into a {@link GemmBackend}'s memory,
 * bias and Relu fused into the GEMM, every intermediate tensor placed in one region per input
 * shape, nothing allocated while running. Graphs outside that subset are refused at
 * {@link #compile}; the generic engine stays the reference for all of them.
 */
public final class Plan {

    /** Op types a plan may contain (Add only as a bias fused into the Gemm/MatMul before it). */
    public static final Set<String> OPS = Set.of("Conv", "Gemm", "MatMul", "Add", "MaxPool", "Relu", "Flatten",
            "Reshape", "Identity");

    private final GemmBackend backend;
    private final List<Layer> layers;
    private final List<Integer> weights;
    private final String inputName;
    private final List<String> outputNames;
    private Bound bound;

    private Plan(GemmBackend backend, List<Layer> layers, List<Integer> weights, String inputName,
            List<String> outputNames) {
        this.backend = backend;
        this.layers = layers;
        this.weights = weights;
        this.inputName = inputName;
        this.outputNames = outputNames;
    }

    /**
     * Compiles {@code nodes} (in dependency order) of a graph with exactly one non-constant float
     * input; uploads its weights into {@code backend}.
     *
     * @throws PlanException when the graph is outside the subset (nothing stays allocated then)
     */
    public static Plan compile(OnnxGraph graph, List<Node> nodes, List<String> inputNames, List<String> outputNames,
            GemmBackend backend) throws PlanException {
        if (inputNames.size() != 1) {
            throw new PlanException(inputNames.size() + " inputs");
        }
        PlanCompiler compiler = new PlanCompiler(graph, nodes, backend);
        try {
            return new Plan(backend, List.copyOf(compiler.compile()), compiler.weights, inputNames.get(0),
                    List.copyOf(outputNames));
        } catch (PlanException | RuntimeException e) {
            compiler.weights.forEach(backend::free);
            throw e;
        }
    }

    public GemmBackend backend() {
        return backend;
    }

    public String inputName() {
        return inputName;
    }

    /**
     * The plan lowered for an input of {@code dims}; the last one is kept, so calling again with
     * the same dims costs nothing.
     *
     * @throws PlanException when this shape does not fit (the caller then runs the generic path)
     */
    public Bound bind(int[] dims) throws PlanException {
        if (bound != null && Arrays.equals(bound.inputDims(), dims)) {
            return bound;
        }
        if (bound != null) {
            bound.free();
            bound = null;
        }
        bound = new Bound(backend, layers, inputName, dims, outputNames);
        return bound;
    }

    /** Runs the plan on one float input through Java arrays (hosts with direct memory access use {@link #bind}). */
    public Map<String, Tensor> run(Tensor input) throws PlanException {
        Bound b = bind(input.dims());
        backend.write(b.inputAddress(), input.floats(), 0, input.size());
        b.execute();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Bound.Output o : b.outputs()) {
            float[] data = new float[o.size()];
            backend.read(o.address(), data, 0, o.size());
            out.put(o.name(), Tensor.ofFloats(data, o.dims()));
        }
        return out;
    }

    /** Frees every region of the backend this plan holds. */
    public void close() {
        if (bound != null) {
            bound.free();
            bound = null;
        }
        weights.forEach(backend::free);
        weights.clear();
    }
}
