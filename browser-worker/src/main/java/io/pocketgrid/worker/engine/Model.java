package io.pocketgrid.worker.engine;

import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.onnx.OnnxGraph;
import io.pocketgrid.worker.engine.onnx.OnnxParser;
import io.pocketgrid.worker.engine.onnx.OnnxValue;
import io.pocketgrid.worker.engine.ops.Op;
import io.pocketgrid.worker.engine.ops.Ops;
import io.pocketgrid.worker.engine.plan.Bound;
import io.pocketgrid.worker.engine.plan.Plan;
import io.pocketgrid.worker.engine.plan.PlanException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An ONNX model ready to run on the pure-Java engine. Loading parses the file and makes every
 * node's op, so an unsupported op fails at {@link #load}, never halfway through a run.
 * {@link #run} may be called again and again, from one thread at a time (op objects and the
 * accelerated plan's memory are shared).
 *
 * <p>Loaded with a {@link GemmBackend}, a model whose graph fits {@link Plan} runs there
 * (packed weights, fused kernels, NHWC); everything else, and every shape the plan refuses, runs
 * on the generic ops, which are the reference.
 */
public final class Model {

    /** Newest default-domain opset whose semantics this engine implements. */
    public static final int MAX_OPSET = 22;
    /** Oldest default-domain opset accepted (earlier ones had other broadcasting rules). */
    public static final int MIN_OPSET = 1;

    private final OnnxGraph graph;
    private final List<Node> nodes;
    private final Op[] ops;
    private final int[][] freeAfter;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final Map<String, OnnxValue> inputDecls = new HashMap<>();
    private long flopsPerItem = -1;
    private Plan plan;
    private String planNote = "no accelerator";

    private Model(OnnxGraph graph) {
        this.graph = graph;
        int opset = graph.onnxOpset();
        if (opset > MAX_OPSET) {
            throw new EngineException("model uses ONNX opset " + opset + "; this engine knows opsets "
                    + MIN_OPSET + " to " + MAX_OPSET);
        }
        if (opset < MIN_OPSET) {
            throw new EngineException("model uses ONNX opset " + opset + "; this engine knows opsets "
                    + MIN_OPSET + " to " + MAX_OPSET + " (convert it with onnx.version_converter)");
        }
        List<ValueInfo> ins = new ArrayList<>();
        for (OnnxValue v : graph.inputs()) {
            if (!graph.initializers().containsKey(v.name())) {
                checkElemType(v);
                ins.add(new ValueInfo(v.name(), v.dims()));
                inputDecls.put(v.name(), v);
            }
        }
        List<ValueInfo> outs = new ArrayList<>();
        for (OnnxValue v : graph.outputs()) {
            checkElemType(v);
            outs.add(new ValueInfo(v.name(), v.dims()));
        }
        this.inputs = Collections.unmodifiableList(ins);
        this.outputs = Collections.unmodifiableList(outs);
        this.nodes = sortNodes(graph);
        this.ops = new Op[nodes.size()];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = Ops.create(nodes.get(i), opset);
        }
        this.freeAfter = lastUses();
    }

    /**
     * Parses and prepares a model.
     *
     * @throws UnsupportedOpException naming the first node the engine cannot run
     * @throws EngineException when the file is not a valid ONNX model
     */
    public static Model load(byte[] onnxBytes) {
        return new Model(OnnxParser.parseModel(onnxBytes));
    }

    /** A model from an already parsed (possibly rewritten) graph; {@code backend} may be null. */
    public static Model of(OnnxGraph graph, GemmBackend backend) {
        Model m = new Model(graph);
        if (backend != null) {
            m.accelerate(backend);
        }
        return m;
    }

    /**
     * As {@link #load(byte[])}, running on {@code backend} (may be null: none) when the graph fits
     * the accelerated plan; the model owns the backend from now on ({@link #close}).
     */
    public static Model load(byte[] onnxBytes, GemmBackend backend) {
        return of(OnnxParser.parseModel(onnxBytes), backend);
    }

    private void accelerate(GemmBackend backend) {
        Map<String, Tensor.Type> ins = new LinkedHashMap<>();
        inputs.forEach(v -> ins.put(v.name(), inputType(v.name())));
        List<String> outs = new ArrayList<>();
        outputs.forEach(v -> outs.add(v.name()));
        try {
            plan = Plan.compile(graph, nodes, ops, ins, outs, backend);
            planNote = backend.name();
        } catch (RuntimeException e) {
            backend.close();
            planNote = "generic: " + e.getMessage();
        }
    }

    /** The accelerated plan, or null when this model runs on the generic ops only. */
    public Plan plan() {
        return plan;
    }

    /**
     * The accelerated plan lowered for inputs of {@code dims} (by name, every input), for hosts that
     * write inputs straight into the backend's memory; null when this model or these shapes run on
     * the generic ops.
     *
     * @throws EngineException when an input does not match the model's declaration
     */
    public Bound accelerated(Map<String, int[]> dims) {
        if (plan == null || !dims.keySet().equals(plan.inputTypes().keySet())) {
            return null;
        }
        dims.forEach(this::checkDims);
        try {
            return plan.bind(dims);
        } catch (PlanException e) {
            return null;
        }
    }

    /** The backend's name when accelerated, else why not (for reports). */
    public String accelerationNote() {
        return planNote;
    }

    /** Releases the accelerator's memory; the model keeps working on the generic ops. */
    public void close() {
        if (plan != null) {
            plan.close();
            plan.backend().close();
            plan = null;
            planNote = "closed";
        }
    }

    /**
     * Every node of a model that this engine cannot run, in graph order, without failing on the
     * first (for {@code check}). Throws only when the file itself cannot be read.
     */
    public static List<UnsupportedOpException> unsupportedNodes(byte[] onnxBytes) {
        OnnxGraph g = OnnxParser.parseModel(onnxBytes);
        List<UnsupportedOpException> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            try {
                Ops.create(n, g.onnxOpset());
            } catch (UnsupportedOpException e) {
                out.add(e);
            }
        }
        return out;
    }

    /** Op types this engine runs, sorted. */
    public static List<String> supportedOps() {
        return Ops.supported();
    }

    /** Graph inputs that are not initializers, in graph order. */
    public List<ValueInfo> inputs() {
        return inputs;
    }

    public List<ValueInfo> outputs() {
        return outputs;
    }

    /** The declared element type of an input (FLOAT when the model does not say). */
    public Tensor.Type inputType(String name) {
        OnnxValue v = inputDecls.get(name);
        if (v == null) {
            throw new EngineException("model has no input '" + name + "'");
        }
        Tensor.Type t = Tensor.Type.fromOnnx(v.elemType());
        return t == null ? Tensor.Type.FLOAT : t;
    }

    /** The default-domain opset the model imports. */
    public int opset() {
        return graph.onnxOpset();
    }

    /** Node count per op type, sorted by op type. */
    public Map<String, Integer> opCounts() {
        return opCounts(graph);
    }

    /** Node count per op type of a parsed graph, sorted by op type: also for a model this engine cannot run. */
    public static Map<String, Integer> opCounts(OnnxGraph graph) {
        Map<String, Integer> m = new TreeMap<>();
        for (Node n : graph.nodes()) {
            m.merge(n.opType(), 1, Integer::sum);
        }
        return m;
    }

    /** Number of elements in all initializers (the model's parameters). */
    public long parameterCount() {
        return parameterCount(graph);
    }

    /** Number of elements in a parsed graph's initializers: also for a model this engine cannot run. */
    public static long parameterCount(OnnxGraph graph) {
        long n = 0;
        for (Tensor t : graph.initializers().values()) {
            n += t.size();
        }
        return n;
    }

    /**
     * Runs the model. Every input must be given with dims matching the declared ones (any value
     * for a -1 dim); outputs come back in graph order.
     */
    public Map<String, Tensor> run(Map<String, Tensor> feeds) {
        if (plan != null && feeds.keySet().equals(plan.inputTypes().keySet())) {
            feeds.forEach(this::checkFeed);
            try {
                return plan.run(feeds);
            } catch (PlanException e) {
                // these shapes do not fit the plan: the generic ops handle them (or say why not)
            }
        }
        return execute(feeds, null);
    }

    /**
     * Floating-point operations for one item of the batch axis: 2 per multiply-add for
     * Gemm/MatMul/Conv, 1 per output element for elementwise ops, 0 for pure data movement.
     * Measured once by running the model on zeros with every unknown dim set to 1.
     */
    public long flopsPerItem() {
        if (flopsPerItem < 0) {
            Map<String, Tensor> feeds = new HashMap<>();
            int batch = 1;
            for (int i = 0; i < inputs.size(); i++) {
                ValueInfo v = inputs.get(i);
                if (v.dims() == null) {
                    throw new EngineException("input '" + v.name() + "' has no declared shape; FLOPs unknown");
                }
                int[] d = v.dims().clone();
                for (int j = 0; j < d.length; j++) {
                    if (d[j] < 0) {
                        d[j] = 1;
                    }
                }
                if (i == 0 && d.length > 0 && v.dims()[0] > 1) {
                    batch = d[0];
                }
                feeds.put(v.name(), Tensor.zeros(inputType(v.name()), d));
            }
            long[] perNode = new long[nodes.size()];
            execute(feeds, perNode);
            long total = 0;
            for (long f : perNode) {
                total += f;
            }
            flopsPerItem = total / batch;
        }
        return flopsPerItem;
    }

    /** FLOPs per op type for one run on the given inputs (for reports). */
    public Map<String, Long> flopsByOpType(Map<String, Tensor> feeds) {
        long[] perNode = new long[nodes.size()];
        execute(feeds, perNode);
        Map<String, Long> m = new TreeMap<>();
        for (int i = 0; i < perNode.length; i++) {
            m.merge(nodes.get(i).opType(), perNode[i], Long::sum);
        }
        return m;
    }

    private Map<String, Tensor> execute(Map<String, Tensor> feeds, long[] flops) {
        Map<String, Tensor> values = new HashMap<>(graph.initializers());
        for (Map.Entry<String, Tensor> e : feeds.entrySet()) {
            checkFeed(e.getKey(), e.getValue());
            values.put(e.getKey(), e.getValue());
        }
        for (ValueInfo v : inputs) {
            if (!feeds.containsKey(v.name())) {
                throw new EngineException("missing input '" + v.name() + "'");
            }
        }
        for (int i = 0; i < ops.length; i++) {
            Node node = nodes.get(i);
            Tensor[] in = new Tensor[node.inputs().size()];
            for (int j = 0; j < in.length; j++) {
                String name = node.inputs().get(j);
                if (!name.isEmpty()) {
                    in[j] = values.get(name);
                    if (in[j] == null) {
                        throw new EngineException("node " + node.name() + ": input '" + name + "' has no value");
                    }
                }
            }
            Tensor[] out;
            try {
                out = ops[i].run(in);
            } catch (EngineException e) {
                throw e.getMessage().contains(node.name()) ? e
                        : new EngineException(node.opType() + " " + node.name() + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new EngineException(node.opType() + " " + node.name() + " failed: " + e, e);
            }
            for (int j = 0; j < node.outputs().size(); j++) {
                String name = node.outputs().get(j);
                if (name.isEmpty()) {
                    continue;
                }
                if (j >= out.length || out[j] == null) {
                    throw new EngineException("node " + node.name() + " did not produce output '" + name + "'");
                }
                values.put(name, out[j]);
            }
            if (flops != null) {
                flops[i] = ops[i].flops(in, out);
            }
            for (int idx : freeAfter[i]) {
                values.remove(node.inputs().get(idx));
            }
        }
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (ValueInfo v : outputs) {
            Tensor t = values.get(v.name());
            if (t == null) {
                throw new EngineException("output '" + v.name() + "' was never computed");
            }
            result.put(v.name(), t);
        }
        return result;
    }

    private void checkFeed(String name, Tensor t) {
        OnnxValue decl = inputDecls.get(name);
        if (decl == null) {
            if (graph.initializers().containsKey(name)) {
                return; // ONNX lets a caller override an initializer that is also a graph input
            }
            throw new EngineException("model has no input '" + name + "'; inputs are " + inputs);
        }
        Tensor.Type want = Tensor.Type.fromOnnx(decl.elemType());
        if (want != null && want != t.type()) {
            throw new EngineException("input '" + name + "' must be " + want + ", got " + t.type());
        }
        checkDims(name, t.dims());
    }

    private void checkDims(String name, int[] have) {
        OnnxValue decl = inputDecls.get(name);
        int[] d = decl == null ? null : decl.dims();
        if (d != null) {
            boolean ok = d.length == have.length;
            for (int i = 0; ok && i < d.length; i++) {
                ok = d[i] < 0 || d[i] == have[i];
            }
            if (!ok) {
                throw new EngineException("input '" + name + "' must have dims " + Arrays.toString(d)
                        + " (-1 = any), got " + Arrays.toString(have));
            }
        }
    }

    private static void checkElemType(OnnxValue v) {
        if (v.elemType() != 0 && Tensor.Type.fromOnnx(v.elemType()) == null) {
            throw new EngineException("graph value '" + v.name() + "' has element type "
                    + OnnxParser.typeName(v.elemType()) + ", which this engine does not support");
        }
    }

    /** Nodes in a dependency order (files should already be sorted, but not all are). */
    private static List<Node> sortNodes(OnnxGraph g) {
        List<Node> all = g.nodes();
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            for (String o : all.get(i).outputs()) {
                if (!o.isEmpty()) {
                    producer.put(o, i);
                }
            }
        }
        Set<String> available = new HashSet<>(g.initializers().keySet());
        for (OnnxValue v : g.inputs()) {
            available.add(v.name());
        }
        int[] pending = new int[all.size()];
        List<List<Integer>> users = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            users.add(new ArrayList<>());
        }
        for (int i = 0; i < all.size(); i++) {
            for (String in : all.get(i).inputs()) {
                if (in.isEmpty() || (available.contains(in) && !producer.containsKey(in))) {
                    continue;
                }
                Integer p = producer.get(in);
                if (p == null) {
                    throw new EngineException("node " + all.get(i).name() + " reads '" + in
                            + "', which no node, input or initializer provides");
                }
                pending[i]++;
                users.get(p).add(i);
            }
        }
        Deque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < all.size(); i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> sorted = new ArrayList<>(all.size());
        while (!ready.isEmpty()) {
            int i = ready.poll();
            sorted.add(all.get(i));
            for (int u : users.get(i)) {
                if (--pending[u] == 0) {
                    ready.add(u);
                }
            }
        }
        if (sorted.size() != all.size()) {
            throw new EngineException("graph has a cycle");
        }
        for (OnnxValue out : g.outputs()) {
            if (!producer.containsKey(out.name()) && !available.contains(out.name())) {
                throw new EngineException("graph output '" + out.name() + "' is never produced");
            }
        }
        return Collections.unmodifiableList(sorted);
    }

    /** For each node, the input positions whose values are dead after it runs. */
    private int[][] lastUses() {
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                if (!in.isEmpty()) {
                    last.put(in, i);
                }
            }
        }
        Set<String> keep = new HashSet<>(graph.initializers().keySet());
        for (ValueInfo v : outputs) {
            keep.add(v.name());
        }
        int[][] free = new int[nodes.size()][];
        for (int i = 0; i < nodes.size(); i++) {
            List<String> in = nodes.get(i).inputs();
            int[] idx = new int[in.size()];
            int n = 0;
            Set<String> seen = new HashSet<>();
            for (int j = 0; j < in.size(); j++) {
                String name = in.get(j);
                if (!name.isEmpty() && !keep.contains(name) && last.get(name) == i && seen.add(name)) {
                    idx[n++] = j;
                }
            }
            free[i] = Arrays.copyOf(idx, n);
        }
        return free;
    }
}
