package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.kernel.PackedB;
import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.onnx.OnnxGraph;
import io.pocketgrid.worker.engine.ops.Window;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a sorted node list into {@link Layer}s, packing weights into the backend as it goes and
 * fusing Add (a constant bias) and Relu into the Conv/Gemm/MatMul before them when nothing else
 * reads the intermediate value. Any node outside that subset rejects the whole graph.
 */
final class PlanCompiler {

    private final OnnxGraph graph;
    private final List<Node> nodes;
    private final GemmBackend backend;
    private final Map<String, Integer> uses = new HashMap<>();
    private final Map<String, Integer> consumer = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private final Set<Integer> fused = new HashSet<>();
    final List<Integer> weights = new ArrayList<>();

    PlanCompiler(OnnxGraph graph, List<Node> nodes, GemmBackend backend) {
        this.graph = graph;
        this.nodes = nodes;
        this.backend = backend;
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                if (!in.isEmpty()) {
                    uses.merge(in, 1, Integer::sum);
                    consumer.put(in, i);
                }
            }
        }
        graph.outputs().forEach(o -> graphOutputs.add(o.name()));
    }

    List<Layer> compile() throws PlanException {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!fused.contains(i)) {
                layers.add(layer(nodes.get(i)));
            }
        }
        return layers;
    }

    private Layer layer(Node node) throws PlanException {
        if (node.outputs().size() != 1 && !node.opType().equals("MaxPool")) {
            throw new PlanException(node.opType() + " with " + node.outputs().size() + " outputs");
        }
        String x = activation(node, 0);
        return switch (node.opType()) {
            case "Conv" -> conv(node, x);
            case "Gemm" -> gemm(node, x);
            case "MatMul" -> matMul(node, x);
            case "MaxPool" -> pool(node, x);
            case "Relu" -> new Layer.Relu(x, node.outputs().get(0));
            case "Identity" -> new Layer.View(x, node.outputs().get(0), null, null, false);
            case "Flatten" -> new Layer.View(x, node.outputs().get(0), node.getInt("axis", 1), null, false);
            case "Reshape" -> reshape(node, x);
            default -> throw new PlanException("op " + node.opType());
        };
    }

    private Layer conv(Node node, String x) throws PlanException {
        Tensor w = constant(node, 1);
        if (w.rank() != 4 || node.getInt("group", 1) != 1) {
            throw new PlanException("Conv other than 2-D with group 1");
        }
        int m = w.dim(0);
        int c = w.dim(1);
        int kh = w.dim(2);
        int kw = w.dim(3);
        Window win = new Window(node);
        int[] kernel = win.kernel(2, new int[] {kh, kw});
        if (kernel[0] != kh || kernel[1] != kw) {
            throw new PlanException("Conv kernel_shape differs from W");
        }
        // B[(ky·kw + kx)·c + ch][oc] = W[oc][ch][ky][kx]: the tap order of the NHWC convolution kernels.
        int k = kh * kw * c;
        float[] wv = w.floats();
        float[] rows = new float[m * k];
        for (int oc = 0; oc < m; oc++) {
            for (int ch = 0; ch < c; ch++) {
                for (int t = 0; t < kh * kw; t++) {
                    rows[oc * k + t * c + ch] = wv[((oc * c) + ch) * kh * kw + t];
                }
            }
        }
        int packed = upload(PackedB.pack(rows, 0, k, m, true, 1f));
        int bias = -1;
        if (node.hasInput(2)) {
            Tensor b = constant(node, 2);
            if (!b.type().isFloat() || b.size() != m) {
                throw new PlanException("Conv bias of " + b.size() + " for " + m + " channels");
            }
            bias = upload(padded(b.floats()));
        }
        String out = node.outputs().get(0);
        boolean relu = fuseRelu(out);
        return new Layer.Conv(x, relu ? nodes.get(consumer.get(out)).outputs().get(0) : out, win, c, m, kh, kw,
                packed, bias, relu);
    }

    private Layer gemm(Node node, String x) throws PlanException {
        if (node.getInt("transA", 0) != 0) {
            throw new PlanException("Gemm with transA");
        }
        Tensor b = constant(node, 1);
        if (b.rank() != 2) {
            throw new PlanException("Gemm B of rank " + b.rank());
        }
        boolean tb = node.getInt("transB", 0) != 0;
        int k = tb ? b.dim(1) : b.dim(0);
        int n = tb ? b.dim(0) : b.dim(1);
        int packed = upload(PackedB.pack(b.floats(), 0, k, n, tb, node.getFloat("alpha", 1f)));
        float beta = node.getFloat("beta", 1f);
        float[] bias = node.hasInput(2) && beta != 0f ? rowBias(constant(node, 2), n, beta) : null;
        return dense(node, x, k, n, packed, bias);
    }

    private Layer matMul(Node node, String x) throws PlanException {
        Tensor b = constant(node, 1);
        if (b.rank() != 2) {
            throw new PlanException("MatMul B of rank " + b.rank());
        }
        int k = b.dim(0);
        int n = b.dim(1);
        return dense(node, x, k, n, upload(PackedB.pack(b.floats(), 0, k, n, false, 1f)), null);
    }

    /** A Dense layer; a following Add of a constant row becomes its bias when it has none. */
    private Layer dense(Node node, String x, int k, int n, int packed, float[] bias) throws PlanException {
        String out = node.outputs().get(0);
        Node next = soleConsumer(out);
        if (bias == null && next != null && next.opType().equals("Add")) {
            String other = next.input(0).equals(out) ? next.input(1) : next.input(0);
            Tensor c = graph.initializers().get(other);
            if (c != null && c.type().isFloat() && !other.equals(out) && (c.size() == n || c.size() == 1)
                    && c.rank() <= 2 && (c.rank() < 2 || c.dim(0) == 1)) {
                bias = rowBias(c, n, 1f);
                fused.add(consumer.get(out));
                out = next.outputs().get(0);
            }
        }
        int biasAt = bias == null ? -1 : upload(padded(bias));
        boolean relu = fuseRelu(out);
        return new Layer.Dense(x, relu ? nodes.get(consumer.get(out)).outputs().get(0) : out, k, n, packed, biasAt,
                relu);
    }

    private Layer pool(Node node, String x) throws PlanException {
        if (node.outputs().size() > 1 && !node.outputs().get(1).isEmpty()) {
            throw new PlanException("MaxPool with Indices");
        }
        long[] ks = node.getInts("kernel_shape", null);
        if (ks == null || ks.length != 2) {
            throw new PlanException("MaxPool other than 2-D");
        }
        return new Layer.Pool(x, node.outputs().get(0), new Window(node), (int) ks[0], (int) ks[1]);
    }

    private Layer reshape(Node node, String x) throws PlanException {
        long[] shape = node.getInts("shape", null);
        if (node.hasInput(1)) {
            Tensor s = constant(node, 1);
            if (s.type().isFloat()) {
                throw new PlanException("Reshape with a float shape");
            }
            shape = s.longs();
        }
        if (shape == null) {
            throw new PlanException("Reshape without a shape");
        }
        return new Layer.View(x, node.outputs().get(0), null, shape, node.getInt("allowzero", 0) != 0);
    }

    private boolean fuseRelu(String out) {
        Node next = soleConsumer(out);
        if (next != null && next.opType().equals("Relu")) {
            fused.add(consumer.get(out));
            return true;
        }
        return false;
    }

    /** The one node reading {@code value}, when nothing else (no graph output either) does. */
    private Node soleConsumer(String value) {
        if (graphOutputs.contains(value) || uses.getOrDefault(value, 0) != 1) {
            return null;
        }
        return nodes.get(consumer.get(value));
    }

    private static float[] rowBias(Tensor c, int n, float scale) throws PlanException {
        if (!c.type().isFloat() || (c.size() != n && c.size() != 1) || (c.rank() == 2 && c.dim(0) != 1)
                || c.rank() > 2) {
            throw new PlanException("bias of dims other than [n] or [1, n]");
        }
        float[] v = new float[n];
        for (int j = 0; j < n; j++) {
            v[j] = scale * c.floats()[c.size() == 1 ? 0 : j];
        }
        return v;
    }

    private String activation(Node node, int i) throws PlanException {
        String name = node.input(i);
        if (name.isEmpty() || graph.initializers().containsKey(name)) {
            throw new PlanException(node.opType() + " on a constant");
        }
        for (int j = 1; j < node.inputs().size(); j++) {
            String other = node.input(j);
            if (!other.isEmpty() && !graph.initializers().containsKey(other)) {
                throw new PlanException(node.opType() + " with computed input " + other);
            }
        }
        return name;
    }

    private Tensor constant(Node node, int i) throws PlanException {
        Tensor t = graph.initializers().get(node.input(i));
        if (t == null) {
            throw new PlanException(node.opType() + " input " + i + " is not a constant");
        }
        if (i < 2 && !node.opType().equals("Reshape") && !t.type().isFloat()) {
            throw new PlanException(node.opType() + " on " + t.type());
        }
        return t;
    }

    /** A bias row padded with zeros to whole panels: kernels read it eight floats at a time. */
    private static float[] padded(float[] bias) {
        return Arrays.copyOf(bias, PackedB.panels(bias.length) * PackedB.PANEL);
    }

    private int upload(float[] data) {
        int at = backend.alloc(data.length);
        backend.write(at, data, 0, data.length);
        weights.add(at);
        return at;
    }
}
