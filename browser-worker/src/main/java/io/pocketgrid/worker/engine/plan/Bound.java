package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.Broadcast;
import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.kernel.PackedB;
import io.pocketgrid.worker.engine.kernel.Window2d;
import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.ops.Op;
import io.pocketgrid.worker.engine.ops.Window;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan lowered for one set of input shapes: every float tensor a kernel touches has its place
 * in one backend region (places reused once a tensor is dead), other values live in host slots,
 * and {@link #execute} is a list of steps with nothing left to decide or allocate. Shape
 * sub-graphs (Shape → Gather → Concat → Reshape, …) are folded here, once. Maps of 1-D and 2-D
 * convolutions are channels-last inside; transposes are added where a consumer needs C order.
 * A layer whose kernel does not fit these shapes runs its nodes' generic ops instead.
 */
public final class Bound {

    /** A graph input: float ones are written at {@code address} before {@link #execute}, others set with {@link #setHost}. */
    public record Input(String name, int[] dims, Tensor.Type type, int address) {
    }

    /** A graph output: in C order at {@code address}, or (address -1) a host tensor from {@link #host}. */
    public record Output(String name, int[] dims, int address, int size) {
    }

    /** Which path one graph node takes: {@code kernel}, {@code fused}, {@code view}, {@code generic} or {@code folded}. */
    public record NodePath(String node, String opType, String path, long flops) {
    }

    /** A run whose generic step produced another shape than the one bound: the caller runs generically. */
    public static final class ShapeChanged extends EngineException {
        private static final long serialVersionUID = 1L;

        ShapeChanged(String message) {
            super(message);
        }
    }

    private static final float INF = Float.POSITIVE_INFINITY;

    /** A place in the region: {@code floats} long, live from step {@code first} to {@code last}. */
    private static final class Buf {
        final int floats;
        int address;
        int first = Integer.MAX_VALUE;
        int last = -1;
        float[] pinned;

        Buf(int floats) {
            this.floats = floats;
        }
    }

    /** A value during lowering: its dims and type, and where it can be found (one or more places). */
    private static final class Val {
        final int[] dims;
        final Tensor.Type type;
        Tensor constant;
        int slot = -1;
        Buf buf;
        boolean cl;
        Buf plain;
        Buf channelsLast;

        Val(int[] dims, Tensor.Type type) {
            this.dims = dims;
            this.type = type;
        }

        int size() {
            return Tensor.sizeOf(dims);
        }

        boolean isFloat() {
            return type.isFloat();
        }
    }

    private interface Step {
        void run();
    }

    private final GemmBackend backend;
    private final Map<String, Tensor> constants;
    private final Map<Node, Op> ops;
    private final List<Buf> bufs = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    /** What each step does, for {@link #profile}: the op type of the layer it belongs to, or the movement. */
    private final List<String> labels = new ArrayList<>();
    private String label = "input";
    private final Map<String, Val> values = new HashMap<>();
    private final Map<String, int[]> inputDims;
    private final List<Input> inputs = new ArrayList<>();
    private final Map<String, Integer> inputSlots = new HashMap<>();
    private final Map<String, Integer> outputSlots = new HashMap<>();
    private final Map<String, Tensor> outputConstants = new HashMap<>();
    private final List<Output> outputs = new ArrayList<>();
    private final List<NodePath> report = new ArrayList<>();
    private final List<Tensor> slots = new ArrayList<>();
    private long kernelFlops;
    private int regionFloats;
    private long genericFlops;
    private int region = -1;

    Bound(GemmBackend backend, List<Layer> layers, Map<String, Tensor> constants, Map<Node, Op> ops,
            Map<String, int[]> inputDims, Map<String, Tensor.Type> inputTypes, List<String> outputNames,
            List<Node> foldedAtLoad) throws PlanException {
        this.backend = backend;
        this.constants = constants;
        this.ops = ops;
        this.inputDims = new HashMap<>();
        foldedAtLoad.forEach(n -> report.add(new NodePath(n.name(), n.opType(), "folded", 0)));
        List<Buf> inputBufs = new ArrayList<>();
        for (Map.Entry<String, Tensor.Type> in : inputTypes.entrySet()) {
            int[] d = inputDims.get(in.getKey());
            if (d == null) {
                throw new PlanException("no dims for input " + in.getKey());
            }
            this.inputDims.put(in.getKey(), d.clone());
            Val v = new Val(d.clone(), in.getValue());
            if (v.isFloat()) {
                v.buf = buf(v.size());
                v.buf.first = -1;
                inputBufs.add(v.buf);
            } else {
                v.slot = slot();
                inputSlots.put(in.getKey(), v.slot);
            }
            values.put(in.getKey(), v);
        }
        try {
            for (Layer layer : layers) {
                label = layer.nodes().get(0).opType();
                if (!kernel(layer)) {
                    for (Node n : layer.nodes()) {
                        label = n.opType() + " (generic)";
                        generic(n);
                    }
                }
            }
            label = "output";
            List<Object> places = new ArrayList<>();
            for (String name : outputNames) {
                Val v = value(name);
                if (v == null) {
                    throw new PlanException("output " + name + " is not computed");
                }
                if (v.constant != null) {
                    outputConstants.put(name, v.constant);
                    places.add(v);
                } else if (v.buf == null && v.slot >= 0) {
                    outputSlots.put(name, v.slot);
                    places.add(v);
                } else {
                    Buf b = plain(v);
                    b.last = Integer.MAX_VALUE;
                    places.add(b);
                }
            }
            allocate();
            for (int i = 0; i < outputNames.size(); i++) {
                Val v = value(outputNames.get(i));
                Object p = places.get(i);
                outputs.add(new Output(outputNames.get(i), v.dims.clone(), p instanceof Buf b ? b.address : -1,
                        v.size()));
            }
        } catch (EngineException e) {
            free();
            throw new PlanException(e.getMessage());
        }
        int k = 0;
        for (Map.Entry<String, Tensor.Type> in : inputTypes.entrySet()) {
            Val v = values.get(in.getKey());
            inputs.add(new Input(in.getKey(), v.dims.clone(), v.type, v.isFloat() ? inputBufs.get(k++).address : -1));
        }
    }

    /** The input shapes this lowering is for. */
    public Map<String, int[]> inputDims() {
        return Collections.unmodifiableMap(inputDims);
    }

    public List<Input> inputs() {
        return inputs;
    }

    /** Sets a non-float input (or one the caller has as a tensor) before {@link #execute}. */
    public void setHost(String name, Tensor t) {
        Integer s = inputSlots.get(name);
        if (s == null) {
            throw new EngineException("input '" + name + "' is written to memory, not set as a tensor");
        }
        slots.set(s, t);
    }

    /** Where the outputs are after {@link #execute}. */
    public List<Output> outputs() {
        return outputs;
    }

    /** An output kept as a tensor (address -1), after {@link #execute}. */
    public Tensor host(String name) {
        Tensor c = outputConstants.get(name);
        return c != null ? c : slots.get(outputSlots.get(name));
    }

    /** Per graph node, the path it takes and its FLOPs per run at these shapes. */
    public List<NodePath> report() {
        return Collections.unmodifiableList(report);
    }

    /** Bytes of backend memory this binding's tensors take (weights not included). */
    public long memoryBytes() {
        return 4L * regionFloats;
    }

    /** The share of a run's FLOPs spent in the backend's kernels (the rest runs on generic ops). */
    public double kernelShare() {
        long all = kernelFlops + genericFlops;
        return all == 0 ? 1.0 : (double) kernelFlops / all;
    }

    /**
     * Runs every step once.
     *
     * @throws ShapeChanged when a generic step's result has another shape than at binding (its
     *     shape depended on data); the caller then runs the model generically
     */
    public void execute() {
        for (Step s : steps) {
            s.run();
        }
    }

    /**
     * Runs {@link #execute} {@code runs} times timing every step; milliseconds per run by step
     * label (the op type of the layer a step belongs to, "(generic)" for generic ops, and
     * "transpose"/"upload"/"download"/"pad" for data movement), largest first.
     */
    public Map<String, Double> profile(int runs, java.util.function.LongSupplier nanoTime) {
        double[] spent = new double[steps.size()];
        for (int r = 0; r < runs; r++) {
            for (int i = 0; i < steps.size(); i++) {
                long t0 = nanoTime.getAsLong();
                steps.get(i).run();
                spent[i] += nanoTime.getAsLong() - t0;
            }
        }
        Map<String, Double> byLabel = new HashMap<>();
        for (int i = 0; i < spent.length; i++) {
            byLabel.merge(labels.get(i), spent[i] / 1e6 / runs, Double::sum);
        }
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(byLabel.entrySet());
        sorted.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        sorted.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    void free() {
        if (region >= 0) {
            backend.free(region);
            region = -1;
        }
    }

    // ---- kernel layers -------------------------------------------------------------------------

    /** Lowers {@code layer} onto kernels; false (and nothing emitted) when these shapes do not fit. */
    private boolean kernel(Layer layer) {
        return switch (layer) {
            case Layer.Conv c -> conv(c);
            case Layer.Depthwise d -> depthwise(d);
            case Layer.Pool p -> pool(p);
            case Layer.GlobalAvg g -> globalAvg(g);
            case Layer.Dense d -> dense(d);
            case Layer.BatchedMatMul m -> batchedMatMul(m);
            case Layer.Unary u -> unary(u);
            case Layer.Binary b -> binary(b);
            case Layer.ChannelAffine a -> channelAffine(a);
            case Layer.Softmax s -> softmax(s);
            case Layer.LayerNorm l -> layerNorm(l);
            case Layer.Transpose t -> transpose(t);
            case Layer.View v -> view(v);
            case Layer.Generic g -> false;
        };
    }

    private boolean conv(Layer.Conv c) {
        Val x = value(c.input());
        Window2d w = window(c.window(), x, c.spatial(), c.kh(), c.kw());
        if (w == null || w.c() != c.inChannels()) {
            return false;
        }
        int n = x.dims[0];
        int[] od = outDims(x, c.outChannels(), w);
        Val r = c.residual() == null ? null : value(c.residual());
        if (r != null && !(r.isFloat() && Arrays.equals(r.dims, od))) {
            return false;
        }
        Buf res = r == null ? null : channelsLast(r);
        Buf y = buf(Tensor.sizeOf(od));
        float lo = c.lo();
        float hi = c.hi();
        if (pointwise(w)) {
            label = "Conv 1x1";
            // A 1×1 convolution with stride 1 over channels-last pixels is one GEMM: rows are pixels.
            Buf in = channelsLast(x);
            int rows = n * w.h() * w.w();
            step(() -> backend.gemm(rows, c.outChannels(), w.c(), in.address, w.c(), c.packed(), c.bias(),
                    res == null ? -1 : res.address, lo, hi, y.address, c.outChannels()), y, in, res);
            define(c.output(), od, y, true);
            reportKernel(c, 2L * rows * c.outChannels() * w.c());
            return true;
        }
        Buf xp = padded(channelsLast(x), n, w);
        int hp = hp(w);
        int wp = wp(w);
        step(() -> backend.conv(xp.address, n, hp, wp, w, c.packed(), c.bias(), res == null ? -1 : res.address, lo,
                hi, y.address, c.outChannels()), y, xp, res);
        define(c.output(), od, y, true);
        reportKernel(c, 2L * n * w.outPositions() * c.outChannels() * w.patch());
        return true;
    }

    private static boolean pointwise(Window2d w) {
        return w.kh() == 1 && w.kw() == 1 && w.sh() == 1 && w.sw() == 1 && w.padTop() == 0 && w.padLeft() == 0
                && w.oh() == w.h() && w.ow() == w.w();
    }

    private boolean depthwise(Layer.Depthwise d) {
        Val x = value(d.input());
        Window2d w = window(d.window(), x, d.spatial(), d.kh(), d.kw());
        if (w == null || w.c() != d.channels()) {
            return false;
        }
        int n = x.dims[0];
        int[] od = outDims(x, d.channels(), w);
        label = "Conv depthwise";
        Buf xp = padded(channelsLast(x), n, w);
        Buf y = buf(Tensor.sizeOf(od));
        int hp = hp(w);
        int wp = wp(w);
        step(() -> backend.depthwise(xp.address, n, hp, wp, w, d.weights(), d.bias(), d.lo(), d.hi(), y.address), y,
                xp);
        define(d.output(), od, y, true);
        reportKernel(d, 2L * n * w.outPositions() * d.channels() * d.kh() * d.kw());
        return true;
    }

    private boolean pool(Layer.Pool p) {
        Val x = value(p.input());
        Window2d w = window(p.window(), x, p.spatial(), p.kh(), p.kw());
        if (w == null) {
            return false;
        }
        int n = x.dims[0];
        int[] od = outDims(x, w.c(), w);
        if (p.average()) {
            return averagePool(p, x, w, od);
        }
        Buf in = channelsLast(x);
        Buf y = buf(Tensor.sizeOf(od));
        step(() -> backend.maxPool(in.address, n, w, y.address), y, in);
        define(p.output(), od, y, true);
        reportKernel(p, (long) Tensor.sizeOf(od) * p.kh() * p.kw());
        return true;
    }

    /** AveragePool as a depthwise conv whose weights are all 1/(kh·kw), pinned for this binding. */
    private boolean averagePool(Layer.Pool p, Val x, Window2d w, int[] od) {
        boolean padded = hp(w) != w.h() || wp(w) != w.w() || w.padTop() != 0 || w.padLeft() != 0;
        if (padded && !p.countIncludePad()) {
            return false; // the divisor would change at the borders
        }
        int cp = (w.c() + 3) & ~3;
        float[] weights = new float[w.kh() * w.kw() * cp];
        java.util.Arrays.fill(weights, 1f / (w.kh() * w.kw()));
        Buf wts = buf(weights.length);
        wts.pinned = weights;
        wts.first = -1;
        wts.last = Integer.MAX_VALUE;
        int n = x.dims[0];
        label = "AveragePool";
        Buf xp = padded(channelsLast(x), n, w);
        Buf y = buf(Tensor.sizeOf(od));
        int hp = hp(w);
        int wp = wp(w);
        step(() -> backend.depthwise(xp.address, n, hp, wp, w, wts.address, -1, Float.NEGATIVE_INFINITY, INF,
                y.address), y, xp);
        define(p.output(), od, y, true);
        reportKernel(p, (long) Tensor.sizeOf(od) * w.kh() * w.kw());
        return true;
    }

    private boolean globalAvg(Layer.GlobalAvg g) {
        Val x = value(g.input());
        if (!x.isFloat() || x.dims.length < 3 || x.size() == 0) {
            return false;
        }
        int n = x.dims[0];
        int c = x.dims[1];
        int hw = x.size() / (n * c);
        int[] od = new int[x.dims.length];
        Arrays.fill(od, 1);
        od[0] = n;
        od[1] = c;
        Buf in = channelsLast(x);
        Buf y = buf(n * c);
        step(() -> backend.globalAvgPool(in.address, n, hw, c, y.address), y, in);
        define(g.output(), od, y, false);
        reportKernel(g, x.size());
        return true;
    }

    private boolean dense(Layer.Dense d) {
        Val x = value(d.input());
        boolean gemm = d.nodes().get(0).opType().equals("Gemm");
        if (!x.isFloat() || x.dims.length < 2 || gemm && x.dims.length != 2 || x.dims[x.dims.length - 1] != d.k()
                || x.size() == 0) {
            return false;
        }
        int m = x.size() / d.k();
        int[] od = x.dims.clone();
        od[od.length - 1] = d.n();
        Val r = d.residual() == null ? null : value(d.residual());
        if (r != null && !(r.isFloat() && Arrays.equals(r.dims, od))) {
            return false;
        }
        Buf a = plain(x);
        Buf res = r == null ? null : plain(r);
        Buf y = buf(m * d.n());
        step(() -> backend.gemm(m, d.n(), d.k(), a.address, d.k(), d.packed(), d.bias(),
                res == null ? -1 : res.address, d.lo(), d.hi(), y.address, d.n()), y, a, res);
        define(d.output(), od, y, false);
        reportKernel(d, 2L * m * d.n() * d.k());
        return true;
    }

    private boolean batchedMatMul(Layer.BatchedMatMul mm) {
        Val a = value(mm.a());
        Val b = value(mm.b());
        if (!a.isFloat() || !b.isFloat() || a.dims.length < 2 || b.dims.length < 2 || a.size() == 0
                || b.size() == 0) {
            return false;
        }
        int ra = a.dims.length;
        int rb = b.dims.length;
        int m = a.dims[ra - 2];
        int k = a.dims[ra - 1];
        int n = b.dims[rb - 1];
        if (b.dims[rb - 2] != k) {
            return false;
        }
        int[] lead;
        boolean sharedA = false;
        boolean sharedB = false;
        if (rb == 2) {
            lead = Arrays.copyOf(a.dims, ra - 2);
            sharedB = true;
        } else if (ra == 2) {
            lead = Arrays.copyOf(b.dims, rb - 2);
            sharedA = true;
        } else if (Arrays.equals(Arrays.copyOf(a.dims, ra - 2), Arrays.copyOf(b.dims, rb - 2))) {
            lead = Arrays.copyOf(a.dims, ra - 2);
        } else {
            return false;
        }
        int batch = Tensor.sizeOf(lead);
        int[] od = Arrays.copyOf(lead, lead.length + 2);
        od[lead.length] = m;
        od[lead.length + 1] = n;
        label = "MatMul batched";
        Buf ab = plain(a);
        Buf bb = plain(b);
        Buf packed = buf(PackedB.size(k, n));
        Buf y = buf(batch * m * n);
        boolean oneA = sharedA;
        boolean oneB = sharedB;
        step(() -> {
            for (int i = 0; i < batch; i++) {
                if (i == 0 || !oneB) {
                    backend.packB(bb.address + (oneB ? 0 : i * k * n), k, n, n, 1, packed.address);
                }
                backend.gemm(m, n, k, ab.address + (oneA ? 0 : i * m * k), k, packed.address, -1, -1, -INF, INF,
                        y.address + i * m * n, n);
            }
        }, y, ab, bb, packed);
        define(mm.output(), od, y, false);
        reportKernel(mm, 2L * batch * m * n * k);
        return true;
    }

    private boolean unary(Layer.Unary u) {
        Val x = value(u.input());
        if (!x.isFloat()) {
            return false;
        }
        boolean cl = x.buf != null && x.cl;
        Buf in = cl ? x.buf : plain(x);
        Buf y = buf(x.size());
        int len = x.size();
        float alpha = u.alpha();
        float beta = u.beta();
        int op = u.op();
        step(switch (op) {
            case Layer.Unary.CLAMP -> () -> backend.clamp(in.address, len, alpha, beta, y.address);
            case Layer.Unary.AFFINE -> () -> backend.affine(in.address, len, alpha, beta, y.address);
            default -> () -> backend.unary(op, in.address, len, alpha, beta, y.address);
        }, y, in);
        define(u.output(), x.dims, y, cl);
        reportKernel(u, (long) len * u.nodes().size());
        return true;
    }

    private boolean binary(Layer.Binary bl) {
        Val a = value(bl.a());
        Val b = bl.constant() >= 0 ? null : value(bl.b());
        int[] bd = b != null ? b.dims : constants.get(bl.b()).dims();
        if (!a.isFloat() || b != null && !b.isFloat()) {
            return false;
        }
        int[] od;
        try {
            od = Broadcast.dims(a.dims, bd);
        } catch (EngineException e) {
            return false;
        }
        if (!Arrays.equals(od, a.dims) && b != null && Arrays.equals(od, b.dims)) {
            Val t = a;
            a = b;
            b = t;
            bd = b.dims;
        }
        if (!Arrays.equals(od, a.dims) || a.size() == 0) {
            return false;
        }
        int len = a.size();
        int yLen;
        boolean cl;
        int bSize = Tensor.sizeOf(bd);
        int batches = 1;
        if (Arrays.equals(bd, a.dims)) {
            cl = a.buf != null && a.cl && (b == null ? trivial(a) : b.buf != null && b.cl);
            yLen = len;
        } else if (a.dims.length >= 3 && perChannel(bd, a.dims) && (a.buf != null && a.cl || !suffix(bd, a.dims))) {
            cl = true;
            yLen = a.dims[1];
        } else if (suffix(bd, a.dims)) {
            cl = false;
            yLen = bSize;
        } else if (bd.length == a.dims.length && bd[0] == a.dims[0]
                && suffix(Arrays.copyOfRange(bd, 1, bd.length), Arrays.copyOfRange(a.dims, 1, a.dims.length))) {
            // One b per item, repeated over the item's tail (an attention mask [n, 1, 1, s] over scores).
            cl = false;
            batches = a.dims[0];
            yLen = bSize / batches;
        } else {
            return false;
        }
        Buf in = cl ? channelsLast(a) : plain(a);
        Buf other = b == null ? null : cl ? channelsLast(b) : plain(b);
        int constAt = bl.constant();
        Buf y = buf(len);
        boolean mul = bl.mul();
        int ylen = yLen;
        int items = batches;
        int per = len / items;
        step(() -> {
            int at = other == null ? constAt : other.address;
            for (int i = 0; i < items; i++) {
                if (mul) {
                    backend.mul(in.address + i * per, at + i * ylen, per, ylen, y.address + i * per);
                } else {
                    backend.add(in.address + i * per, at + i * ylen, per, ylen, y.address + i * per);
                }
            }
        }, y, in, other);
        define(bl.output(), od, y, cl);
        reportKernel(bl, len);
        return true;
    }

    /** True when {@code b} broadcast over {@code a} is one value per channel (axis 1) of a. */
    private static boolean perChannel(int[] b, int[] a) {
        int off = a.length - b.length;
        for (int i = 0; i < b.length; i++) {
            int axis = i + off;
            if (b[i] != (axis == 1 ? a[1] : 1)) {
                return false;
            }
        }
        return off <= 1;
    }

    /** True when {@code b}, leading ones dropped, equals the trailing dims of {@code a}. */
    private static boolean suffix(int[] b, int[] a) {
        int from = 0;
        while (from < b.length && b[from] == 1) {
            from++;
        }
        int len = b.length - from;
        if (len > a.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[from + i] != a[a.length - len + i]) {
                return false;
            }
        }
        return true;
    }

    private boolean channelAffine(Layer.ChannelAffine ca) {
        Val x = value(ca.input());
        if (!x.isFloat() || x.dims.length < 2 || x.dims[1] != ca.channels() || x.size() == 0) {
            return false;
        }
        boolean cl = x.dims.length >= 3;
        Buf in = cl ? channelsLast(x) : plain(x);
        int cols = ca.channels();
        int rows = x.size() / cols;
        Buf y = buf(x.size());
        step(() -> backend.channelAffine(in.address, rows, cols, ca.scale(), ca.shift(), y.address), y, in);
        define(ca.output(), x.dims, y, cl);
        reportKernel(ca, 2L * x.size());
        return true;
    }

    private boolean softmax(Layer.Softmax s) {
        Val x = value(s.input());
        int r = x.dims.length;
        int axis = s.axis() < 0 ? s.axis() + r : s.axis();
        if (!x.isFloat() || r == 0 || axis < 0 || axis >= r || !s.flattenTail() && axis != r - 1 || x.size() == 0) {
            return false;
        }
        int cols = Tensor.sizeOf(Arrays.copyOfRange(x.dims, axis, r));
        int rows = x.size() / cols;
        Buf in = plain(x);
        Buf y = buf(x.size());
        step(() -> backend.softmax(in.address, rows, cols, y.address), y, in);
        define(s.output(), x.dims, y, false);
        reportKernel(s, 3L * x.size());
        return true;
    }

    private boolean layerNorm(Layer.LayerNorm l) {
        Val x = value(l.input());
        int r = x.dims.length;
        int axis = l.axis() < 0 ? l.axis() + r : l.axis();
        if (!x.isFloat() || axis < 0 || axis >= r || x.size() == 0) {
            return false;
        }
        int cols = Tensor.sizeOf(Arrays.copyOfRange(x.dims, axis, r));
        if (constants.get(l.nodes().get(0).input(1)).size() != cols) {
            return false;
        }
        int rows = x.size() / cols;
        Buf in = plain(x);
        Buf y = buf(x.size());
        step(() -> backend.layerNorm(in.address, rows, cols, l.gamma(), l.beta(), l.eps(), y.address), y, in);
        define(l.output(), x.dims, y, false);
        reportKernel(l, 5L * x.size());
        return true;
    }

    private boolean transpose(Layer.Transpose t) {
        Val x = value(t.input());
        int r = x.dims.length;
        int[] perm = t.perm();
        if (perm == null) {
            perm = new int[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        if (!x.isFloat() || perm.length != r || x.size() == 0) {
            return false;
        }
        int[] od = new int[r];
        for (int i = 0; i < r; i++) {
            if (perm[i] < 0 || perm[i] >= r) {
                return false;
            }
            od[i] = x.dims[perm[i]];
        }
        int[] split = blockSwap(perm);
        if (split == null) {
            return false;
        }
        Buf in = plain(x);
        if (split.length == 0) {
            define(t.output(), od, in, false);
            reportView(t);
            return true;
        }
        int batch = Tensor.sizeOf(Arrays.copyOfRange(x.dims, 0, split[0]));
        int rows = Tensor.sizeOf(Arrays.copyOfRange(x.dims, split[0], split[1]));
        int cols = Tensor.sizeOf(Arrays.copyOfRange(x.dims, split[1], split[2]));
        int blk = Tensor.sizeOf(Arrays.copyOfRange(x.dims, split[2], r));
        Buf y = buf(x.size());
        step(() -> backend.transpose(in.address, batch, rows, cols, blk, y.address), y, in);
        define(t.output(), od, y, false);
        reportKernel(t, 0);
        return true;
    }

    /**
     * {a, b, c} when {@code perm} is [0..a) [b..c) [a..b) [c..r): a swap of two adjacent groups
     * of axes, i.e. a batched block transpose; {} for the identity; null otherwise.
     */
    static int[] blockSwap(int[] perm) {
        int r = perm.length;
        int a = 0;
        while (a < r && perm[a] == a) {
            a++;
        }
        if (a == r) {
            return new int[0];
        }
        int b = perm[a];
        int len1 = 0;
        while (a + len1 < r && perm[a + len1] == b + len1) {
            len1++;
        }
        int c = b + len1;
        for (int i = 0; i < b - a; i++) {
            if (a + len1 + i >= r || perm[a + len1 + i] != a + i) {
                return null;
            }
        }
        for (int i = c; i < r; i++) {
            if (perm[i] != i) {
                return null;
            }
        }
        return new int[] {a, b, c};
    }

    private boolean view(Layer.View v) {
        Val x = value(v.input());
        Node node = v.nodes().get(0);
        if (!x.isFloat() || x.constant != null || x.buf == null && x.slot >= 0) {
            return false;
        }
        Tensor[] probe = new Tensor[node.inputs().size()];
        probe[0] = Tensor.zeros(x.type, x.dims);
        for (int j = 1; j < probe.length; j++) {
            if (node.hasInput(j)) {
                Val c = value(node.input(j));
                if (c.constant == null) {
                    return false;
                }
                probe[j] = c.constant;
            }
        }
        Tensor[] out = ops.get(node).run(probe);
        define(v.output(), out[0].dims(), plain(x), false);
        reportView(v);
        return true;
    }

    // ---- generic nodes -------------------------------------------------------------------------

    /** Runs {@code node}'s own op: folded now when its inputs are known, else a step on tensors. */
    private void generic(Node node) {
        Op op = ops.get(node);
        int n = node.inputs().size();
        Val[] in = new Val[n];
        boolean known = true;
        for (int j = 0; j < n; j++) {
            if (node.hasInput(j)) {
                in[j] = value(node.input(j));
                if (in[j] == null) {
                    throw new EngineException("node " + node.name() + ": input '" + node.input(j) + "' has no value");
                }
                known &= in[j].constant != null || j == 0 && shapeOnly(node);
            }
        }
        Tensor[] probe = new Tensor[n];
        for (int j = 0; j < n; j++) {
            if (in[j] != null) {
                probe[j] = in[j].constant != null ? in[j].constant : Tensor.zeros(in[j].type, in[j].dims);
            }
        }
        Tensor[] out;
        try {
            out = op.run(probe);
        } catch (EngineException e) {
            throw e.getMessage().contains(node.name()) ? e
                    : new EngineException(node.opType() + " " + node.name() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EngineException(node.opType() + " " + node.name() + " failed: " + e, e);
        }
        if (known) {
            for (int j = 0; j < node.outputs().size(); j++) {
                String name = node.outputs().get(j);
                if (!name.isEmpty() && j < out.length && out[j] != null) {
                    Val v = new Val(out[j].dims(), out[j].type());
                    v.constant = out[j];
                    values.put(name, v);
                }
            }
            report.add(new NodePath(node.name(), node.opType(), "folded", 0));
            return;
        }
        int[] inSlots = new int[n];
        Tensor[] fixed = new Tensor[n];
        for (int j = 0; j < n; j++) {
            inSlots[j] = -1;
            if (in[j] != null) {
                if (in[j].constant != null) {
                    fixed[j] = in[j].constant;
                } else {
                    inSlots[j] = hostSlot(in[j]);
                }
            }
        }
        int outs = node.outputs().size();
        int[] outSlots = new int[outs];
        int[][] outDims = new int[outs][];
        for (int j = 0; j < outs; j++) {
            outSlots[j] = -1;
            String name = node.outputs().get(j);
            if (!name.isEmpty() && j < out.length && out[j] != null) {
                outSlots[j] = slot();
                outDims[j] = out[j].dims();
                Val v = new Val(out[j].dims(), out[j].type());
                v.slot = outSlots[j];
                values.put(name, v);
            }
        }
        String label = node.opType() + " " + node.name();
        step(() -> {
            Tensor[] args = fixed.clone();
            for (int j = 0; j < args.length; j++) {
                if (inSlots[j] >= 0) {
                    args[j] = slots.get(inSlots[j]);
                }
            }
            Tensor[] res;
            try {
                res = op.run(args);
            } catch (EngineException e) {
                throw e.getMessage().contains(node.name()) ? e : new EngineException(label + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new EngineException(label + " failed: " + e, e);
            }
            for (int j = 0; j < outSlots.length; j++) {
                if (outSlots[j] >= 0) {
                    if (j >= res.length || res[j] == null || !Arrays.equals(res[j].dims(), outDims[j])) {
                        throw new ShapeChanged(label + " gave another shape than at binding");
                    }
                    slots.set(outSlots[j], res[j]);
                }
            }
        });
        long flops = op.flops(probe, out);
        genericFlops += flops;
        report.add(new NodePath(node.name(), node.opType(), "generic", flops));
    }

    /** Ops that read only their first input's shape. */
    private static boolean shapeOnly(Node node) {
        return node.opType().equals("Shape") || node.opType().equals("Size");
    }

    // ---- values and their places ---------------------------------------------------------------

    private Val value(String name) {
        Val v = values.get(name);
        if (v == null) {
            Tensor c = constants.get(name);
            if (c != null) {
                v = new Val(c.dims(), c.type());
                v.constant = c;
                values.put(name, v);
            }
        }
        return v;
    }

    private void define(String name, int[] dims, Buf buf, boolean cl) {
        Val v = new Val(dims.clone(), Tensor.Type.FLOAT);
        v.buf = buf;
        v.cl = cl && !trivial(v);
        values.put(name, v);
    }

    /** {@code v} in C order in memory (a transposed, uploaded or pinned copy made once when needed). */
    private Buf plain(Val v) {
        if (v.buf != null && (!v.cl || trivial(v))) {
            return v.buf;
        }
        if (v.plain == null) {
            if (v.buf != null) {
                v.plain = transposed(v.buf, v.dims[0], spatial(v), v.dims[1]);
            } else if (v.constant != null) {
                v.plain = buf(v.size());
                v.plain.pinned = v.constant.floats();
                v.plain.first = -1;
                v.plain.last = Integer.MAX_VALUE;
            } else {
                Buf y = buf(v.size());
                int s = v.slot;
                moving("upload");
                step(() -> {
                    Tensor t = slots.get(s);
                    backend.write(y.address, t.floats(), 0, t.size());
                }, y);
                v.plain = y;
            }
        }
        return v.plain;
    }

    /** {@code v} channels-last ([N, spatial…, C]) in memory. */
    private Buf channelsLast(Val v) {
        if (v.buf != null && (v.cl || trivial(v))) {
            return v.buf;
        }
        if (trivial(v)) {
            return plain(v);
        }
        if (v.channelsLast == null) {
            v.channelsLast = transposed(plain(v), v.dims[0], v.dims[1], spatial(v));
        }
        return v.channelsLast;
    }

    /** A host slot holding {@code v} at run time (read back from memory once when needed). */
    private int hostSlot(Val v) {
        if (v.slot >= 0) {
            return v.slot;
        }
        Buf from = plain(v);
        int s = slot();
        int[] dims = v.dims;
        moving("download");
        step(() -> {
            float[] data = new float[Tensor.sizeOf(dims)];
            backend.read(from.address, data, 0, data.length);
            slots.set(s, Tensor.ofFloats(data, dims));
        }, null, from);
        v.slot = s;
        return s;
    }

    private Buf transposed(Buf from, int batch, int rows, int cols) {
        Buf y = buf(from.floats);
        moving("layout transpose");
        step(() -> backend.transpose(from.address, batch, rows, cols, 1, y.address), y, from);
        return y;
    }

    /** With one channel or one pixel (or rank under 3), C order and channels-last are the same bytes. */
    private static boolean trivial(Val v) {
        return v.dims.length < 3 || v.dims[1] == 1 || spatial(v) == 1;
    }

    private static int spatial(Val v) {
        int s = 1;
        for (int i = 2; i < v.dims.length; i++) {
            s *= v.dims[i];
        }
        return s;
    }

    // ---- windows -------------------------------------------------------------------------------

    /** The 2-D window (1-D maps as height 1) of a conv or pool over {@code x}, or null when it does not apply. */
    private static Window2d window(Window win, Val x, int spatial, int kh, int kw) {
        if (!x.isFloat() || x.dims.length != spatial + 2 || x.size() == 0) {
            return null;
        }
        Window.Geometry g;
        try {
            g = spatial == 2 ? win.forward(new int[] {x.dims[2], x.dims[3]}, new int[] {kh, kw})
                    : win.forward(new int[] {x.dims[2]}, new int[] {kw});
        } catch (EngineException e) {
            return null;
        }
        for (int o : g.out()) {
            if (o <= 0) {
                return null;
            }
        }
        if (spatial == 1) {
            return new Window2d(1, x.dims[2], x.dims[1], 1, kw, 1, g.strides()[0], 0, g.padBegin()[0], 1,
                    g.dilations()[0], 1, g.out()[0]);
        }
        return new Window2d(x.dims[2], x.dims[3], x.dims[1], kh, kw, g.strides()[0], g.strides()[1], g.padBegin()[0],
                g.padBegin()[1], g.dilations()[0], g.dilations()[1], g.out()[0], g.out()[1]);
    }

    private static int[] outDims(Val x, int channels, Window2d w) {
        return x.dims.length == 3 ? new int[] {x.dims[0], channels, w.ow()}
                : new int[] {x.dims[0], channels, w.oh(), w.ow()};
    }

    /** Rows of the padded input: every window position inside, so the kernels need no bounds checks. */
    private static int hp(Window2d w) {
        return Math.max(w.padTop() + w.h(), (w.oh() - 1) * w.sh() + (w.kh() - 1) * w.dh() + 1);
    }

    private static int wp(Window2d w) {
        return Math.max(w.padLeft() + w.w(), (w.ow() - 1) * w.sw() + (w.kw() - 1) * w.dw() + 1);
    }

    /** {@code in} (channels-last) copied into a zero-padded buffer when the window needs padding. */
    private Buf padded(Buf in, int n, Window2d w) {
        int hp = hp(w);
        int wp = wp(w);
        if (hp == w.h() && wp == w.w() && w.padTop() == 0 && w.padLeft() == 0) {
            return in;
        }
        Buf xp = buf(n * hp * wp * w.c());
        moving("pad");
        step(() -> backend.pad(in.address, n, w.h(), w.w(), w.c(), w.padTop(), w.padLeft(), hp, wp, xp.address), xp,
                in);
        return xp;
    }

    // ---- steps, places and reports -------------------------------------------------------------

    private Buf buf(int floats) {
        Buf b = new Buf(floats);
        bufs.add(b);
        return b;
    }

    private int slot() {
        slots.add(null);
        return slots.size() - 1;
    }

    /** Adds a step that writes {@code out} (may be null) and reads {@code in} (nulls skipped). */
    /** Labels the next step as data movement, then goes back to the layer's label. */
    private void moving(String what) {
        pendingLabel = what;
    }

    private String pendingLabel;

    private void step(Step s, Buf out, Buf... in) {
        int at = steps.size();
        if (out != null) {
            out.first = Math.min(out.first, at);
            out.last = Math.max(out.last, at);
        }
        for (Buf b : in) {
            if (b != null) {
                b.last = Math.max(b.last, at);
            }
        }
        addStep(s);
    }

    private void step(Step s) {
        addStep(s);
    }

    private void addStep(Step s) {
        steps.add(s);
        labels.add(pendingLabel != null ? pendingLabel : label);
        pendingLabel = null;
    }

    /**
     * Gives every place an address in one region: places live at the same time never overlap,
     * the others share memory (largest first, each at the lowest offset free for its lifetime).
     */
    private void allocate() {
        List<Buf> order = new ArrayList<>(bufs);
        order.sort((p, q) -> Integer.compare(q.floats, p.floats));
        List<Buf> placed = new ArrayList<>();
        int total = 0;
        for (Buf b : order) {
            int size = (b.floats + 3) & ~3;
            int first = Math.min(b.first, b.last);
            List<int[]> taken = new ArrayList<>();
            for (Buf p : placed) {
                if (Math.min(p.first, p.last) <= b.last && first <= p.last) {
                    taken.add(new int[] {p.address, p.address + ((p.floats + 3) & ~3)});
                }
            }
            taken.sort((u, w) -> Integer.compare(u[0], w[0]));
            int at = 0;
            for (int[] t : taken) {
                if (at + size <= t[0]) {
                    break;
                }
                at = Math.max(at, t[1]);
            }
            b.address = at;
            total = Math.max(total, at + size);
            placed.add(b);
        }
        regionFloats = Math.max(total, 4);
        region = backend.alloc(regionFloats);
        for (Buf b : bufs) {
            b.address += region;
            if (b.pinned != null) {
                backend.write(b.address, b.pinned, 0, b.pinned.length);
            }
        }
    }

    private void reportKernel(Layer layer, long flops) {
        kernelFlops += flops;
        List<Node> ns = layer.nodes();
        report.add(new NodePath(ns.get(0).name(), ns.get(0).opType(), "kernel", flops));
        for (int i = 1; i < ns.size(); i++) {
            report.add(new NodePath(ns.get(i).name(), ns.get(i).opType(), "fused", 0));
        }
    }

    private void reportView(Layer layer) {
        Node n = layer.nodes().get(0);
        report.add(new NodePath(n.name(), n.opType(), "view", 0));
    }
}
