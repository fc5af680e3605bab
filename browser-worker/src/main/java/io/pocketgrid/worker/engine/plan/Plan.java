package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.onnx.OnnxGraph;
import io.pocketgrid.worker.engine.ops.Op;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The accelerated path: the graph compiled node by node into kernel layers over a
 * {@link GemmBackend}'s memory (weights packed once, batch norms, biases, residual adds and
 * activations fused, constant and shape sub-graphs folded, every intermediate tensor placed in
 * one region per input shape, nothing allocated while running). A node no kernel takes runs on
 * its generic op inside the plan, its inputs and outputs moved between the plan's memory and
 * tensors: only that node is slow, never the whole model. The generic engine stays the
 * reference for all of them.
 */
public final class Plan {

    /** Op types that have kernels of their own (others run on their generic op inside the plan). */
    public static final Set<String> KERNEL_OPS = Set.of("Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div",
            "MaxPool", "AveragePool", "GlobalAveragePool", "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid",
            "HardSwish", "Tanh", "Exp", "Erf", "Gelu", "BatchNormalization", "Softmax", "LayerNormalization",
            "Transpose", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Identity", "Dropout");

    private final GemmBackend backend;
    private final List<Layer> layers;
    private final PlanCompiler compiled;
    private final Map<Node, Op> ops;
    private final Map<String, Tensor.Type> inputTypes;
    private final List<String> outputNames;
    private Bound bound;
    private boolean dataDependent;

    private Plan(GemmBackend backend, List<Layer> layers, PlanCompiler compiled, Map<Node, Op> ops,
            Map<String, Tensor.Type> inputTypes, List<String> outputNames) {
        this.backend = backend;
        this.layers = layers;
        this.compiled = compiled;
        this.ops = ops;
        this.inputTypes = inputTypes;
        this.outputNames = outputNames;
    }

    /**
     * Compiles {@code nodes} (in dependency order, {@code ops[i]} made for {@code nodes[i]}) for
     * the graph inputs {@code inputTypes} (in graph order); uploads weights into {@code backend}.
     */
    public static Plan compile(OnnxGraph graph, List<Node> nodes, Op[] ops, Map<String, Tensor.Type> inputTypes,
            List<String> outputNames, GemmBackend backend) {
        PlanCompiler compiler = new PlanCompiler(graph, nodes, ops, backend);
        try {
            List<Layer> layers = List.copyOf(compiler.compile());
            Map<Node, Op> byNode = new IdentityHashMap<>();
            for (int i = 0; i < nodes.size(); i++) {
                byNode.put(nodes.get(i), ops[i]);
            }
            return new Plan(backend, layers, compiler, byNode, new LinkedHashMap<>(inputTypes),
                    List.copyOf(outputNames));
        } catch (RuntimeException e) {
            compiler.weights.forEach(backend::free);
            throw e;
        }
    }

    public GemmBackend backend() {
        return backend;
    }

    /** The graph inputs this plan is fed, with their element types, in graph order. */
    public Map<String, Tensor.Type> inputTypes() {
        return inputTypes;
    }

    /**
     * The plan lowered for inputs of {@code dims} (by input name); the last one is kept, so
     * calling again with the same dims costs nothing.
     *
     * @throws PlanException when these shapes cannot be planned (the caller then runs the generic path)
     */
    public Bound bind(Map<String, int[]> dims) throws PlanException {
        if (bound != null && sameDims(bound.inputDims(), dims)) {
            if (dataDependent) {
                throw new PlanException("a result's shape depends on the data");
            }
            return bound;
        }
        if (bound != null) {
            bound.free();
            bound = null;
        }
        dataDependent = false;
        bound = Binder.bind(backend, layers, compiled.constants, ops, dims, inputTypes, outputNames, compiled.folded);
        return bound;
    }

    /** The binding of the last {@link #bind}, or null. */
    public Bound bound() {
        return bound;
    }

    /** Marks the bound shapes as unplannable: a generic step's result changed shape with the data. */
    public void shapeChanged() {
        dataDependent = true;
    }

    private static boolean sameDims(Map<String, int[]> a, Map<String, int[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<String, int[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs the plan on tensors (hosts with direct memory access use {@link #bind}).
     *
     * @throws PlanException when these shapes do not fit, or turned out to depend on the data
     */
    public Map<String, Tensor> run(Map<String, Tensor> feeds) throws PlanException {
        Map<String, int[]> dims = new LinkedHashMap<>();
        for (String name : inputTypes.keySet()) {
            Tensor t = feeds.get(name);
            if (t == null || t.type() != inputTypes.get(name)) {
                throw new PlanException("input " + name + " missing or of another type");
            }
            dims.put(name, t.dims());
        }
        Bound b = bind(dims);
        for (Bound.Input in : b.inputs()) {
            Tensor t = feeds.get(in.name());
            if (in.address() >= 0) {
                backend.write(in.address(), t.floats(), 0, t.size());
            } else {
                b.setHost(in.name(), t);
            }
        }
        try {
            b.execute();
        } catch (Bound.ShapeChanged e) {
            shapeChanged();
            throw new PlanException(e.getMessage());
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Bound.Output o : b.outputs()) {
            if (o.address() < 0) {
                out.put(o.name(), b.host(o.name()));
            } else {
                float[] data = new float[o.size()];
                backend.read(o.address(), data, 0, o.size());
                out.put(o.name(), Tensor.ofFloats(data, o.dims()));
            }
        }
        return out;
    }

    /** Frees every region of the backend this plan holds. */
    public void close() {
        if (bound != null) {
            bound.free();
            bound = null;
        }
        compiled.weights.forEach(backend::free);
        compiled.weights.clear();
    }
}
