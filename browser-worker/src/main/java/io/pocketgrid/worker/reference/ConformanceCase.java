package io.pocketgrid.worker.reference;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.HalfFloats;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.Tolerance;
import io.pocketgrid.worker.engine.UnsupportedOpException;
import io.pocketgrid.worker.engine.ValueInfo;
import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.onnx.OnnxGraph;
import io.pocketgrid.worker.engine.onnx.OnnxParser;
import io.pocketgrid.worker.engine.onnx.OnnxValue;
import io.pocketgrid.worker.engine.plan.Plan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One ONNX backend test from bytes to verdict, with no file access, so that the JVM runner
 * ({@link ConformanceRunner}) and the browser builds (through {@code PocketGridEngine}) judge
 * every test with the same code: outputs must match within {@value #RTOL} relative +
 * {@value #ATOL} absolute tolerance.
 */
public final class ConformanceCase {

    public static final double RTOL = 1e-3;
    public static final double ATOL = 1e-5;
    /**
     * Relative tolerance for BFLOAT16 outputs: one bfloat16 step (2^-7). The test data (ONNX 1.12)
     * made its bfloat16 values by truncating float32; the engine rounds to nearest even, as
     * PyTorch and onnxruntime do.
     */
    public static final double BFLOAT16_RTOL = 1.0 / 128;

    public enum Kind { PASS, FAIL, SKIP }

    /** The verdict; {@code ops} are the test's op types (the unsupported ones for a skip). */
    public record Outcome(Kind kind, List<String> ops, String message) {
    }

    /** How a test's model is loaded: {@code freeze} turns every input but the first into constants. */
    public record Loader(Function<OnnxGraph, Model> load, boolean freeze) {
    }

    /** One {@code test_data_set_N}: serialized TensorProtos, in file order. */
    public record DataSet(String name, List<byte[]> inputs, List<byte[]> outputs) {
    }

    private ConformanceCase() {
    }

    /** Loads the model with {@code loader} and checks every data set. */
    public static Outcome run(byte[] modelBytes, List<DataSet> sets, Function<OnnxGraph, Model> loader) {
        return run(modelBytes, sets, new Loader(loader, false));
    }

    /**
     * As {@link #run(byte[], List, Function)}; with {@link Loader#freeze} the test exercises the
     * accelerated plan: inputs after the first become initializers (weights, as in real models),
     * and tests outside the plan's ops, or that the plan refuses, are skipped.
     */
    public static Outcome run(byte[] modelBytes, List<DataSet> sets, Loader loader) {
        OnnxGraph graph;
        try {
            graph = OnnxParser.parseModel(modelBytes);
        } catch (EngineException e) {
            return new Outcome(Kind.SKIP, List.of("(unreadable)"), "unreadable: " + e.getMessage());
        }
        List<String> ops = new ArrayList<>(new TreeSet<>(graph.nodes().stream().map(Node::opType).toList()));
        if (loader.freeze()) {
            return frozen(graph, ops, sets, loader.load());
        }
        Model model;
        try {
            model = loader.load().apply(graph);
        } catch (UnsupportedOpException e) {
            List<String> bad = new ArrayList<>();
            for (UnsupportedOpException u : Model.unsupportedNodes(modelBytes)) {
                if (!bad.contains(u.opType())) {
                    bad.add(u.opType());
                }
            }
            return new Outcome(Kind.SKIP, bad.isEmpty() ? List.of(e.opType()) : bad, reason(e));
        } catch (EngineException e) {
            return new Outcome(Kind.SKIP, ops, reason(e));
        } catch (RuntimeException e) {
            return new Outcome(Kind.FAIL, ops, "load failed: " + e);
        }
        try {
            for (DataSet set : sets) {
                String msg = runDataSet(model, graph, set, Set.of());
                if (msg != null) {
                    return notPassed(msg, set, ops);
                }
            }
        } finally {
            model.close();
        }
        return new Outcome(Kind.PASS, ops, "");
    }

    private static Outcome frozen(OnnxGraph graph, List<String> ops, List<DataSet> sets, Function<OnnxGraph, Model> load) {
        if (ops.stream().noneMatch(Plan.KERNEL_OPS::contains)) {
            return new Outcome(Kind.SKIP, ops, "no op with a kernel of its own");
        }
        for (DataSet set : sets) {
            Map<String, Tensor> constants = new LinkedHashMap<>();
            String first = null;
            for (int k = 0; k < set.inputs().size(); k++) {
                OnnxParser.NamedTensor t;
                try {
                    t = OnnxParser.parseTensor(set.inputs().get(k));
                } catch (EngineException e) {
                    return new Outcome(Kind.SKIP, ops, reason(e));
                }
                String name = t.name().isEmpty() ? graph.inputs().get(k).name() : t.name();
                if (first == null) {
                    first = name;
                } else {
                    constants.put(name, asDeclared(t.tensor(), declaredType(graph, name)));
                }
            }
            Map<String, Tensor> inits = new LinkedHashMap<>(graph.initializers());
            inits.putAll(constants);
            List<OnnxValue> inputs = graph.inputs().stream().filter(v -> !constants.containsKey(v.name())).toList();
            OnnxGraph g = new OnnxGraph(graph.irVersion(), graph.opsets(), graph.name(), graph.nodes(), inits, inputs,
                    graph.outputs());
            Model model;
            try {
                model = load.apply(g);
            } catch (RuntimeException e) {
                return new Outcome(Kind.SKIP, ops, "load: " + String.valueOf(e.getMessage()));
            }
            try {
                if (model.plan() == null) {
                    return new Outcome(Kind.SKIP, ops, "plan refused: " + model.accelerationNote().replace("generic: ", ""));
                }
                String msg = runDataSet(model, graph, set, constants.keySet());
                if (msg != null) {
                    return notPassed(msg, set, ops);
                }
            } finally {
                model.close();
            }
        }
        return new Outcome(Kind.PASS, ops, "");
    }

    /** The outcome of a data set that did not pass: {@link #runDataSet}'s "SKIP reason" or failure. */
    private static Outcome notPassed(String msg, DataSet set, List<String> ops) {
        return msg.startsWith("SKIP ") ? new Outcome(Kind.SKIP, ops, msg.substring(5))
                : new Outcome(Kind.FAIL, ops, set.name() + ": " + msg);
    }

    /** Null when the set passes; "SKIP reason" when its data has a type we lack; else the failure. */
    private static String runDataSet(Model model, OnnxGraph graph, DataSet set, Set<String> frozen) {
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (int k = 0; k < set.inputs().size(); k++) {
            OnnxParser.NamedTensor t;
            try {
                t = OnnxParser.parseTensor(set.inputs().get(k));
            } catch (EngineException e) {
                return "SKIP " + reason(e);
            }
            // Inputs are listed in graph order, initializers included in old files.
            String name = t.name().isEmpty() ? graph.inputs().get(k).name() : t.name();
            if (!frozen.contains(name)) {
                feeds.put(name, asDeclared(t.tensor(), declaredType(graph, name)));
            }
        }
        for (ValueInfo v : model.inputs()) {
            if (!feeds.containsKey(v.name())) {
                return "input " + v.name() + " missing from test data";
            }
            if (!fits(feeds.get(v.name()).dims(), v.dims())) {
                // ONNX 1.12's castlike BFLOAT16 tests feed 'like' as [1] to a model declaring [3, 4]
                return "SKIP test data contradicts the model's input dims";
            }
        }
        Map<String, Tensor> got;
        try {
            got = model.run(feeds);
        } catch (RuntimeException e) {
            return "run failed: " + e.getMessage();
        }
        for (int k = 0; k < set.outputs().size(); k++) {
            OnnxParser.NamedTensor want;
            try {
                want = OnnxParser.parseTensor(set.outputs().get(k));
            } catch (EngineException e) {
                return "SKIP " + reason(e);
            }
            String name = want.name().isEmpty() ? model.outputs().get(k).name() : want.name();
            Tensor have = got.get(name);
            if (have == null) {
                return "no output " + name;
            }
            String diff = compare(want.tensor(), have);
            if (diff != null) {
                return "output " + name + ": " + diff;
            }
        }
        return null;
    }

    private static boolean fits(int[] have, int[] declared) {
        if (declared == null) {
            return true;
        }
        if (have.length != declared.length) {
            return false;
        }
        for (int i = 0; i < have.length; i++) {
            if (declared[i] >= 0 && declared[i] != have[i]) {
                return false;
            }
        }
        return true;
    }

    /** The element type graph value {@code name} is declared with, or null when it says none. */
    private static Tensor.Type declaredType(OnnxGraph graph, String name) {
        for (OnnxValue v : graph.inputs()) {
            if (v.name().equals(name)) {
                return Tensor.Type.fromOnnx(v.elemType());
            }
        }
        return null;
    }

    /**
     * {@code t} as a value of {@code declared}: ONNX 1.12's test data stores BFLOAT16 tensors as
     * UINT16 bit patterns (NumPy has no bfloat16), so those become BFLOAT16 values.
     */
    public static Tensor asDeclared(Tensor t, Tensor.Type declared) {
        if (declared != Tensor.Type.BFLOAT16 || t.type() != Tensor.Type.UINT16) {
            return t;
        }
        long[] bits = t.longs();
        float[] v = new float[bits.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = HalfFloats.fromBfloat16((int) bits[i]);
        }
        return Tensor.ofFloats(Tensor.Type.BFLOAT16, v, t.dims());
    }

    /** Null when equal within tolerance; else what differs. */
    public static String compare(Tensor want, Tensor have) {
        if (!Arrays.equals(want.dims(), have.dims())) {
            return "dims " + Arrays.toString(have.dims()) + ", expected " + Arrays.toString(want.dims());
        }
        want = asDeclared(want, have.type());
        if (want.type() != have.type()) {
            return "type " + have.type() + ", expected " + want.type();
        }
        double rtol = want.type() == Tensor.Type.BFLOAT16 ? BFLOAT16_RTOL : RTOL;
        for (int i = 0; i < want.size(); i++) {
            double w = want.getDouble(i);
            double h = have.getDouble(i);
            if (Double.isNaN(w) && Double.isNaN(h) || w == h) {
                continue;
            }
            if (!Tolerance.within(ATOL, rtol, w, h)) {
                return "element " + i + " is " + h + ", expected " + w;
            }
        }
        return null;
    }

    private static String reason(EngineException e) {
        if (e instanceof UnsupportedOpException u) {
            return "unsupported " + u.opType();
        }
        String m = String.valueOf(e.getMessage());
        int type = m.indexOf("element type ");
        if (type >= 0) {
            String rest = m.substring(type + 13);
            int sp = rest.indexOf(' ');
            return "type " + (sp > 0 ? rest.substring(0, sp) : rest);
        }
        return m.length() > 80 ? m.substring(0, 80) : m;
    }
}
