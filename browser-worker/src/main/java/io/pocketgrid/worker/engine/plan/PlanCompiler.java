package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.kernel.PackedB;
import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.onnx.OnnxGraph;
import io.pocketgrid.worker.engine.ops.Op;
import io.pocketgrid.worker.engine.ops.Window;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a sorted node list into {@link Layer}s, node by node: constant sub-graphs are folded
 * first; then each node becomes a kernel layer when one fits (weights packed into the backend as
 * it goes, batch norms, biases, residual adds and activations fused into the conv or dense layer
 * before them when nothing else reads the intermediate value), else a {@link Layer.Generic} that
 * runs the node's own op. Nothing here depends on the input shapes; {@link Binder} decides those
 * questions, and may still run a kernel layer generically.
 */
final class PlanCompiler {

    /** Ops whose results differ from run to run: never folded. */
    private static final Set<String> RANDOM = Set.of("RandomNormal", "RandomUniform", "RandomNormalLike",
            "RandomUniformLike", "Multinomial", "Bernoulli");
    /** Folding stops at results larger than this (a ConstantOfShape could be huge). */
    private static final int MAX_FOLDED = 1 << 22;
    private static final float INF = Float.POSITIVE_INFINITY;

    private final OnnxGraph graph;
    private final List<Node> nodes;
    private final Op[] ops;
    private final GemmBackend backend;
    private final int opset;
    private final Map<String, Integer> uses = new HashMap<>();
    private final Map<String, Integer> consumer = new HashMap<>();
    private final Map<String, Integer> producer = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Set<Integer> done = new HashSet<>();
    /** Initializers and every value folded at load. */
    final Map<String, Tensor> constants;
    final List<Integer> weights = new ArrayList<>();
    /** Nodes folded at load, for reports. */
    final List<Node> folded = new ArrayList<>();

    PlanCompiler(OnnxGraph graph, List<Node> nodes, Op[] ops, GemmBackend backend) {
        this.graph = graph;
        this.nodes = nodes;
        this.ops = ops;
        this.backend = backend;
        this.opset = graph.onnxOpset();
        this.constants = new HashMap<>(graph.initializers());
        graph.outputs().forEach(o -> graphOutputs.add(o.name()));
    }

    List<Layer> compile() {
        fold();
        for (int i = 0; i < nodes.size(); i++) {
            if (done.contains(i)) {
                continue;
            }
            for (String in : nodes.get(i).inputs()) {
                if (!in.isEmpty()) {
                    uses.merge(in, 1, Integer::sum);
                    consumer.put(in, i);
                }
            }
            for (String out : nodes.get(i).outputs()) {
                producer.put(out, i);
            }
        }
        // A fused layer runs where its last node was: a residual may be computed after the conv it joins.
        Layer[] at = new Layer[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            if (!done.contains(i)) {
                done.add(i);
                Layer l = layer(i);
                at[indexOf(l.nodes().get(l.nodes().size() - 1), i)] = l;
            }
        }
        List<Layer> layers = new ArrayList<>();
        for (Layer l : at) {
            if (l != null) {
                layers.add(l);
            }
        }
        return layers;
    }

    private int indexOf(Node node, int from) {
        for (int j = from; j < nodes.size(); j++) {
            if (nodes.get(j) == node) {
                return j;
            }
        }
        throw new IllegalStateException("fused node " + node.name() + " precedes its layer");
    }

    /** Runs every node whose inputs are all constants, once, at load. */
    private void fold() {
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            if (RANDOM.contains(node.opType()) || !node.domain().isEmpty() && !node.domain().equals("ai.onnx")) {
                continue;
            }
            Tensor[] in = new Tensor[node.inputs().size()];
            boolean constant = true;
            for (int j = 0; j < in.length && constant; j++) {
                String name = node.input(j);
                in[j] = name.isEmpty() ? null : constants.get(name);
                constant = name.isEmpty() || in[j] != null;
            }
            if (!constant) {
                continue;
            }
            Tensor[] out;
            try {
                out = ops[i].run(in);
            } catch (RuntimeException e) {
                continue; // the node then fails at run time, where its error belongs
            }
            boolean small = true;
            for (int j = 0; j < node.outputs().size(); j++) {
                small &= j >= out.length || out[j] == null || out[j].size() <= MAX_FOLDED;
            }
            if (!small) {
                continue;
            }
            for (int j = 0; j < node.outputs().size(); j++) {
                if (!node.outputs().get(j).isEmpty() && j < out.length && out[j] != null) {
                    constants.put(node.outputs().get(j), out[j]);
                }
            }
            done.add(i);
            folded.add(node);
        }
    }

    private Layer layer(int i) {
        Node node = nodes.get(i);
        if (!singleOutput(node) || !node.domain().isEmpty() && !node.domain().equals("ai.onnx")) {
            return generic(i);
        }
        Layer l = switch (node.opType()) {
            case "Conv" -> conv(i);
            case "Gemm" -> gemm(i);
            case "MatMul" -> matMul(i);
            case "MaxPool", "AveragePool" -> pool(i);
            case "GlobalAveragePool" -> computed(node.input(0))
                    ? new Layer.GlobalAvg(List.of(node), node.input(0), out(node)) : null;
            case "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Exp", "Erf", "Gelu" ->
                unary(i);
            case "Add", "Sub", "Mul", "Div" -> binary(i);
            case "BatchNormalization" -> batchNorm(i);
            case "Softmax" -> softmax(node);
            case "LayerNormalization" -> layerNorm(node);
            case "Transpose" -> transpose(node);
            case "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout" ->
                computed(node.input(0)) ? new Layer.View(List.of(node), node.input(0), out(node)) : null;
            default -> null;
        };
        return l != null ? l : generic(i);
    }

    private Layer generic(int i) {
        Node node = nodes.get(i);
        return new Layer.Generic(List.of(node), node.outputs().isEmpty() ? "" : node.outputs().get(0));
    }

    // ---- convolutions --------------------------------------------------------------------------

    private Layer conv(int i) {
        Node node = nodes.get(i);
        Tensor w = constants.get(node.input(1));
        if (!computed(node.input(0)) || w == null || !w.type().isFloat() || (w.rank() != 3 && w.rank() != 4)
                || node.hasInput(2) && floatConstant(node.input(2)) == null) {
            return null;
        }
        int spatial = w.rank() - 2;
        int m = w.dim(0);
        int cg = w.dim(1);
        int kh = spatial == 2 ? w.dim(2) : 1;
        int kw = w.dim(w.rank() - 1);
        long group = node.getInt("group", 1);
        Window win;
        try {
            win = new Window(node);
            int[] k = win.kernel(spatial, spatial == 2 ? new int[] {kh, kw} : new int[] {kw});
            if (k[0] != (spatial == 2 ? kh : kw) || k[spatial - 1] != kw) {
                return null;
            }
        } catch (RuntimeException e) {
            return null;
        }
        if (group != 1 && !(cg == 1 && group == m)) {
            return null;
        }
        float[] wv = w.floats().clone();
        float[] bias = new float[m];
        if (node.hasInput(2)) {
            float[] b = floatConstant(node.input(2)).floats();
            if (b.length != m) {
                return null;
            }
            System.arraycopy(b, 0, bias, 0, m);
        }
        List<Node> fusedNodes = new ArrayList<>(List.of(node));
        String out = out(node);
        int bn = foldableBatchNorm(out, m);
        if (bn >= 0) {
            Node b = nodes.get(bn);
            float[][] st = batchNormScaleShift(b);
            int per = wv.length / m;
            for (int oc = 0; oc < m; oc++) {
                for (int t = 0; t < per; t++) {
                    wv[oc * per + t] *= st[0][oc];
                }
                bias[oc] = bias[oc] * st[0][oc] + st[1][oc];
            }
            done.add(bn);
            fusedNodes.add(b);
            out = out(b);
        }
        if (group != 1) {
            Epilogue e = epilogue(out, false);
            fusedNodes.addAll(e.nodes);
            // weights[(ky·kw + kx)·cp + ch] = W[ch][0][ky][kx]
            int cp = (m + 3) & ~3;
            float[] dw = new float[kh * kw * cp];
            for (int ch = 0; ch < m; ch++) {
                for (int t = 0; t < kh * kw; t++) {
                    dw[t * cp + ch] = wv[ch * kh * kw + t];
                }
            }
            return new Layer.Depthwise(fusedNodes, node.input(0), e.out, win, spatial, m, kh, kw, upload(dw),
                    upload(Arrays.copyOf(bias, cp)), e.lo, e.hi);
        }
        Epilogue e = epilogue(out, true);
        fusedNodes.addAll(e.nodes);
        // B[(ky·kw + kx)·c + ch][oc] = W[oc][ch][ky][kx]: the tap order of the NHWC convolution kernels.
        int k = kh * kw * cg;
        float[] rows = new float[m * k];
        for (int oc = 0; oc < m; oc++) {
            for (int ch = 0; ch < cg; ch++) {
                for (int t = 0; t < kh * kw; t++) {
                    rows[oc * k + t * cg + ch] = wv[((oc * cg) + ch) * kh * kw + t];
                }
            }
        }
        int packed = upload(PackedB.pack(rows, 0, k, m, true, 1f));
        return new Layer.Conv(fusedNodes, node.input(0), e.out, win, spatial, cg, m, kh, kw, packed,
                upload(padded(bias)), e.residual, e.lo, e.hi);
    }

    /** The BatchNormalization (inference, constant parameters) that alone reads {@code value}, or -1. */
    private int foldableBatchNorm(String value, int channels) {
        Integer at = soleConsumerIndex(value);
        if (at == null || opset < 9) {
            return -1;
        }
        Node b = nodes.get(at);
        if (!b.opType().equals("BatchNormalization") || !b.input(0).equals(value) || !singleOutput(b)
                || b.getInt("training_mode", 0) != 0) {
            return -1;
        }
        for (int j = 1; j <= 4; j++) {
            Tensor t = floatConstant(b.input(j));
            if (t == null || t.size() != channels) {
                return -1;
            }
        }
        return at;
    }

    /** {@code y = x·scale + shift} per channel for an inference BatchNormalization. */
    private float[][] batchNormScaleShift(Node b) {
        float[] gamma = constants.get(b.input(1)).floats();
        float[] beta = constants.get(b.input(2)).floats();
        float[] mean = constants.get(b.input(3)).floats();
        float[] var = constants.get(b.input(4)).floats();
        float eps = b.getFloat("epsilon", 1e-5f);
        float[] scale = new float[gamma.length];
        float[] shift = new float[gamma.length];
        for (int c = 0; c < gamma.length; c++) {
            scale[c] = (float) (gamma[c] / Math.sqrt(var[c] + (double) eps));
            shift[c] = beta[c] - mean[c] * scale[c];
        }
        return new float[][] {scale, shift};
    }

    private Layer batchNorm(int i) {
        Node b = nodes.get(i);
        if (opset < 9 || !computed(b.input(0)) || b.getInt("training_mode", 0) != 0) {
            return null;
        }
        Tensor g = floatConstant(b.input(1));
        if (g == null) {
            return null;
        }
        for (int j = 2; j <= 4; j++) {
            Tensor t = floatConstant(b.input(j));
            if (t == null || t.size() != g.size()) {
                return null;
            }
        }
        float[][] st = batchNormScaleShift(b);
        return new Layer.ChannelAffine(List.of(b), b.input(0), out(b), g.size(), upload(padded(st[0])),
                upload(padded(st[1])));
    }

    private Layer pool(int i) {
        Node node = nodes.get(i);
        long[] ks = node.getInts("kernel_shape", null);
        boolean average = node.opType().equals("AveragePool");
        if (!computed(node.input(0)) || ks == null || ks.length < 1 || ks.length > 2
                || node.getInt("storage_order", 0) != 0 || average && node.getInt("ceil_mode", 0) != 0) {
            return null;
        }
        try {
            return new Layer.Pool(List.of(node), node.input(0), out(node), new Window(node), ks.length,
                    ks.length == 2 ? (int) ks[0] : 1, (int) ks[ks.length - 1], average,
                    node.getInt("count_include_pad", 0) != 0);
        } catch (RuntimeException e) {
            return null;
        }
    }

    // ---- dense layers --------------------------------------------------------------------------

    private Layer gemm(int i) {
        Node node = nodes.get(i);
        Tensor b = floatConstant(node.input(1));
        if (node.getInt("transA", 0) != 0 || !computed(node.input(0)) || b == null || b.rank() != 2
                || node.has("broadcast")) {
            return null;
        }
        boolean tb = node.getInt("transB", 0) != 0;
        int k = tb ? b.dim(1) : b.dim(0);
        int n = tb ? b.dim(0) : b.dim(1);
        float beta = node.getFloat("beta", 1f);
        float[] bias = null;
        if (node.hasInput(2) && beta != 0f) {
            Tensor c = floatConstant(node.input(2));
            bias = c == null ? null : rowBias(c, n, beta);
            if (bias == null) {
                return null;
            }
        }
        return dense(node, k, n, upload(PackedB.pack(b.floats(), 0, k, n, tb, node.getFloat("alpha", 1f))), bias);
    }

    private Layer matMul(int i) {
        Node node = nodes.get(i);
        if (!computed(node.input(0))) {
            return null;
        }
        if (computed(node.input(1))) {
            return new Layer.BatchedMatMul(List.of(node), node.input(0), node.input(1), out(node));
        }
        Tensor b = floatConstant(node.input(1));
        if (b == null || b.rank() != 2) {
            return null;
        }
        int k = b.dim(0);
        int n = b.dim(1);
        return dense(node, k, n, upload(PackedB.pack(b.floats(), 0, k, n, false, 1f)), null);
    }

    /** A Dense layer; a following Add of a constant row becomes its bias when it has none. */
    private Layer dense(Node node, int k, int n, int packed, float[] bias) {
        List<Node> fusedNodes = new ArrayList<>(List.of(node));
        String out = out(node);
        Integer next = soleConsumerIndex(out);
        if (bias == null && next != null && nodes.get(next).opType().equals("Add") && opset >= 7) {
            Node add = nodes.get(next);
            String other = add.input(0).equals(out) ? add.input(1) : add.input(0);
            Tensor c = other.equals(out) ? null : floatConstant(other);
            float[] row = c == null || c.rank() > 2 || c.rank() == 2 && c.dim(0) != 1 ? null : rowBias(c, n, 1f);
            if (row != null) {
                bias = row;
                done.add(next);
                fusedNodes.add(add);
                out = out(add);
            }
        }
        Epilogue e = epilogue(out, true);
        fusedNodes.addAll(e.nodes);
        return new Layer.Dense(fusedNodes, node.input(0), e.out, k, n, packed, bias == null ? -1 : upload(padded(bias)),
                e.residual, e.lo, e.hi);
    }

    private static float[] rowBias(Tensor c, int n, float scale) {
        if (!c.type().isFloat() || (c.size() != n && c.size() != 1)) {
            return null;
        }
        float[] v = new float[n];
        for (int j = 0; j < n; j++) {
            v[j] = scale * c.floats()[c.size() == 1 ? 0 : j];
        }
        return v;
    }

    // ---- epilogues -----------------------------------------------------------------------------

    /** What follows a conv or dense layer and is fused into it: a residual Add, then a clamp. */
    private record Epilogue(String out, String residual, float lo, float hi, List<Node> nodes) {
    }

    private Epilogue epilogue(String out, boolean residualAllowed) {
        List<Node> fusedNodes = new ArrayList<>();
        String residual = null;
        Integer next = soleConsumerIndex(out);
        if (residualAllowed && next != null && opset >= 7 && nodes.get(next).opType().equals("Add")) {
            Node add = nodes.get(next);
            String other = add.input(0).equals(out) ? add.input(1) : add.input(0);
            if (!other.equals(out) && computed(other)) {
                residual = other;
                done.add(next);
                fusedNodes.add(add);
                out = out(add);
                next = soleConsumerIndex(out);
            }
        }
        float[] clamp = next == null ? null : clampOf(nodes.get(next));
        if (clamp != null) {
            done.add(next);
            fusedNodes.add(nodes.get(next));
            out = out(nodes.get(next));
        }
        return new Epilogue(out, residual, clamp == null ? -INF : clamp[0], clamp == null ? INF : clamp[1],
                fusedNodes);
    }

    /** {lo, hi} when {@code node} is a Relu or a Clip with constant bounds, else null. */
    private float[] clampOf(Node node) {
        if (node.opType().equals("Relu")) {
            return new float[] {0f, INF};
        }
        if (!node.opType().equals("Clip")) {
            return null;
        }
        if (opset < 11) {
            return new float[] {node.getFloat("min", -INF), node.getFloat("max", INF)};
        }
        float[] b = {-INF, INF};
        for (int j = 1; j <= 2; j++) {
            if (node.hasInput(j)) {
                Tensor t = floatConstant(node.input(j));
                if (t == null || t.size() != 1) {
                    return null;
                }
                b[j - 1] = t.floats()[0];
            }
        }
        return b;
    }

    // ---- elementwise ---------------------------------------------------------------------------

    private Layer unary(int i) {
        Node node = nodes.get(i);
        String x = node.input(0);
        if (!computed(x)) {
            return null;
        }
        float[] clamp = clampOf(node);
        if (clamp != null) {
            return new Layer.Unary(List.of(node), x, out(node), Layer.Unary.CLAMP, clamp[0], clamp[1]);
        }
        return switch (node.opType()) {
            case "LeakyRelu" -> new Layer.Unary(List.of(node), x, out(node), GemmBackend.LEAKY_RELU,
                    node.getFloat("alpha", 0.01f), 0f);
            case "Sigmoid" -> silu(i);
            case "HardSigmoid" -> new Layer.Unary(List.of(node), x, out(node), GemmBackend.HARD_SIGMOID,
                    node.getFloat("alpha", 0.2f), node.getFloat("beta", 0.5f));
            case "HardSwish" -> new Layer.Unary(List.of(node), x, out(node), GemmBackend.HARD_SWISH, 1f / 6, 0.5f);
            case "Tanh" -> new Layer.Unary(List.of(node), x, out(node), GemmBackend.TANH, 0f, 0f);
            case "Exp" -> new Layer.Unary(List.of(node), x, out(node), GemmBackend.EXP, 0f, 0f);
            case "Erf" -> new Layer.Unary(List.of(node), x, out(node), GemmBackend.ERF, 0f, 0f);
            case "Gelu" -> node.getString("approximate", "none").equals("none")
                    ? new Layer.Unary(List.of(node), x, out(node), GemmBackend.GELU, 0f, 0f) : null;
            default -> null;
        };
    }

    /** Sigmoid(x), and x·Sigmoid(x) as one SiLU when the Mul alone reads the sigmoid. */
    private Layer silu(int i) {
        Node sig = nodes.get(i);
        String x = sig.input(0);
        Integer m = soleConsumerIndex(out(sig));
        if (m != null && opset >= 7) {
            Node mul = nodes.get(m);
            if (mul.opType().equals("Mul") && (mul.input(0).equals(x) || mul.input(1).equals(x))
                    && !mul.input(0).equals(mul.input(1))) {
                done.add(m);
                return new Layer.Unary(List.of(sig, mul), x, out(mul), GemmBackend.SILU, 0f, 0f);
            }
        }
        return new Layer.Unary(List.of(sig), x, out(sig), GemmBackend.SIGMOID, 0f, 0f);
    }

    /**
     * The exact GELU PyTorch exports before opset 20 — {@code x/√2 → Erf → +1 → ·x → ·0.5} (the two
     * products in either order) — as one layer, found from its first node; null when {@code i} does
     * not start one.
     */
    private Layer gelu(int i) {
        Node div = nodes.get(i);
        if (!geluScale(div) || !computed(div.input(0))) {
            return null;
        }
        String x = div.input(0);
        Integer e = soleConsumerIndex(out(div));
        if (e == null || !nodes.get(e).opType().equals("Erf")) {
            return null;
        }
        Node erf = nodes.get(e);
        Integer a = soleConsumerIndex(out(erf));
        if (a == null || !isAddOf(nodes.get(a), out(erf), 1f)) {
            return null;
        }
        Integer m1 = soleConsumerIndex(out(nodes.get(a)));
        if (m1 == null || !nodes.get(m1).opType().equals("Mul")) {
            return null;
        }
        Node first = nodes.get(m1);
        String other = first.input(0).equals(out(nodes.get(a))) ? first.input(1) : first.input(0);
        Integer m2 = soleConsumerIndex(out(first));
        if (m2 == null || !nodes.get(m2).opType().equals("Mul")) {
            return null;
        }
        Node second = nodes.get(m2);
        String last = second.input(0).equals(out(first)) ? second.input(1) : second.input(0);
        if (!(other.equals(x) && isScalar(last, 0.5f) || isScalar(other, 0.5f) && last.equals(x))) {
            return null;
        }
        done.addAll(List.of(e, a, m1, m2));
        return new Layer.Unary(List.of(div, erf, nodes.get(a), first, second), x, out(second), GemmBackend.GELU, 0f,
                0f);
    }

    private boolean geluScale(Node n) {
        if (n.opType().equals("Div")) {
            return isScalar(n.input(1), (float) Math.sqrt(2));
        }
        return n.opType().equals("Mul") && isScalar(n.input(1), (float) (1 / Math.sqrt(2)));
    }

    private boolean isAddOf(Node n, String value, float c) {
        return n.opType().equals("Add") && (n.input(0).equals(value) && isScalar(n.input(1), c)
                || n.input(1).equals(value) && isScalar(n.input(0), c));
    }

    private boolean isScalar(String name, float v) {
        Tensor t = floatConstant(name);
        return t != null && t.size() == 1 && Math.abs(t.floats()[0] - v) <= 1e-6f * Math.abs(v);
    }

    private Layer binary(int i) {
        Node node = nodes.get(i);
        if (opset < 7) {
            return null;
        }
        Layer g = gelu(i);
        if (g != null) {
            return g;
        }
        String a = node.input(0);
        String b = node.input(1);
        String op = node.opType();
        boolean mul = op.equals("Mul") || op.equals("Div");
        if (computed(a) && computed(b)) {
            return op.equals("Add") || op.equals("Mul")
                    ? new Layer.Binary(List.of(node), a, b, out(node), mul, -1) : null;
        }
        if (!computed(a) && (op.equals("Sub") || op.equals("Div"))) {
            Tensor c = floatConstant(a);
            if (op.equals("Sub") && c != null && c.size() == 1) {
                return new Layer.Unary(List.of(node), b, out(node), Layer.Unary.AFFINE, -1f, c.floats()[0]);
            }
            return null;
        }
        String x = computed(a) ? a : b;
        Tensor c = floatConstant(computed(a) ? b : a);
        if (c == null) {
            return null;
        }
        float[] v = c.floats().clone();
        for (int j = 0; j < v.length; j++) {
            v[j] = switch (op) {
                case "Sub" -> -v[j];
                case "Div" -> 1f / v[j];
                default -> v[j];
            };
        }
        if (v.length == 1) {
            return new Layer.Unary(List.of(node), x, out(node), Layer.Unary.AFFINE, mul ? v[0] : 1f, mul ? 0f : v[0]);
        }
        return new Layer.Binary(List.of(node), x, computed(a) ? b : a, out(node), mul, upload(v));
    }

    // ---- the rest ------------------------------------------------------------------------------

    private Layer softmax(Node node) {
        if (!computed(node.input(0))) {
            return null;
        }
        boolean old = opset < 13;
        return new Layer.Softmax(List.of(node), node.input(0), out(node), (int) node.getInt("axis", old ? 1 : -1), old);
    }

    private Layer layerNorm(Node node) {
        if (!computed(node.input(0))) {
            return null;
        }
        Tensor g = floatConstant(node.input(1));
        Tensor b = node.hasInput(2) ? floatConstant(node.input(2)) : null;
        if (g == null || node.hasInput(2) && (b == null || b.size() != g.size())) {
            return null;
        }
        return new Layer.LayerNorm(List.of(node), node.input(0), out(node), (int) node.getInt("axis", -1),
                upload(g.floats()), b == null ? -1 : upload(b.floats()), node.getFloat("epsilon", 1e-5f));
    }

    private Layer transpose(Node node) {
        if (!computed(node.input(0))) {
            return null;
        }
        long[] p = node.getInts("perm", null);
        int[] perm = p == null ? null : new int[p.length];
        for (int j = 0; perm != null && j < p.length; j++) {
            perm[j] = (int) p[j];
        }
        return new Layer.Transpose(List.of(node), node.input(0), out(node), perm);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** True when {@code value} is computed at run time (an input or a node's output, not a constant). */
    private boolean computed(String value) {
        return !value.isEmpty() && !constants.containsKey(value);
    }

    private Tensor floatConstant(String name) {
        Tensor t = name.isEmpty() ? null : constants.get(name);
        return t != null && t.type().isFloat() ? t : null;
    }

    /** A node with one output that anything reads (Dropout's and MaxPool's unread extras allowed). */
    private boolean singleOutput(Node node) {
        if (node.outputs().isEmpty()) {
            return false;
        }
        for (int j = 1; j < node.outputs().size(); j++) {
            String o = node.outputs().get(j);
            if (!o.isEmpty() && (uses.containsKey(o) || graphOutputs.contains(o))) {
                return false;
            }
        }
        return true;
    }

    private static String out(Node node) {
        return node.outputs().get(0);
    }

    /** The index of the one pending node reading {@code value}, when nothing else (no graph output) does. */
    private Integer soleConsumerIndex(String value) {
        if (graphOutputs.contains(value) || uses.getOrDefault(value, 0) != 1) {
            return null;
        }
        Integer at = consumer.get(value);
        return at == null || done.contains(at) ? null : at;
    }

    private int upload(float[] data) {
        int at = backend.alloc(Math.max(data.length, 1));
        backend.write(at, data, 0, data.length);
        weights.add(at);
        return at;
    }

    /** A vector padded with zeros to whole panels: kernels read biases eight floats at a time. */
    private static float[] padded(float[] v) {
        return Arrays.copyOf(v, PackedB.panels(v.length) * PackedB.PANEL);
    }
}
