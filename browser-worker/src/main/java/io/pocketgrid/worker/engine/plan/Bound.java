package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.kernel.Window2d;
import io.pocketgrid.worker.engine.ops.ShapeOps;
import io.pocketgrid.worker.engine.ops.Window;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan lowered for one input shape: every tensor has its place in one backend region and
 * {@link #execute} is a list of kernel calls with nothing left to decide or allocate. Rank-4
 * activations are NHWC here; transposes are added where a graph input, a Flatten/Reshape or a
 * graph output needs C order.
 */
public final class Bound {

    /** A tensor's place: {@code floats} long, at {@code address} once the region is allocated. */
    private static final class Buf {
        int floats;
        int address;

        Buf(int floats) {
            this.floats = floats;
        }
    }

    /** A value during lowering: logical (ONNX, C-order) dims and where and how it is stored. */
    private record Val(int[] dims, Buf buf, boolean nhwc) {
    }

    /** A graph output: its name, logical dims and address. */
    public record Output(String name, int[] dims, int address, int size) {
    }

    private interface Step {
        void run(GemmBackend be);
    }

    private final GemmBackend backend;
    private final List<Buf> bufs = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, Val> values = new HashMap<>();
    private final Map<Buf, Buf> converted = new HashMap<>();
    private final int[] inputDims;
    private final Buf input;
    private final List<Output> outputs = new ArrayList<>();
    private final Buf scratch = new Buf(0);
    private final int region;

    Bound(GemmBackend backend, List<Layer> layers, String inputName, int[] inputDims, List<String> outputNames)
            throws PlanException {
        this.backend = backend;
        this.inputDims = inputDims.clone();
        this.input = buf(Tensor.sizeOf(inputDims));
        values.put(inputName, new Val(this.inputDims, input, false));
        for (Layer layer : layers) {
            Val x = values.get(layer.input());
            if (x == null) {
                throw new PlanException("value " + layer.input() + " is not computed by the plan");
            }
            values.put(layer.output(), lower(layer, x));
        }
        List<Val> outVals = new ArrayList<>();
        for (String name : outputNames) {
            Val v = values.get(name);
            if (v == null) {
                throw new PlanException("output " + name + " is not computed by the plan");
            }
            outVals.add(plain(v));
        }
        bufs.add(scratch);
        int total = 0;
        for (Buf b : bufs) {
            b.address = total;
            total += (b.floats + 3) & ~3;
        }
        region = backend.alloc(total);
        for (Buf b : bufs) {
            b.address += region;
        }
        for (int i = 0; i < outputNames.size(); i++) {
            Val v = outVals.get(i);
            outputs.add(new Output(outputNames.get(i), v.dims.clone(), v.buf.address, Tensor.sizeOf(v.dims)));
        }
    }

    /** The input shape this lowering is for. */
    public int[] inputDims() {
        return inputDims.clone();
    }

    /** Where the caller writes the input (C order) before {@link #execute}. */
    public int inputAddress() {
        return input.address;
    }

    /** Where the outputs are (C order) after {@link #execute}. */
    public List<Output> outputs() {
        return outputs;
    }

    /** Runs every kernel once. */
    public void execute() {
        for (Step s : steps) {
            s.run(backend);
        }
    }

    void free() {
        backend.free(region);
    }

    private Val lower(Layer layer, Val x) throws PlanException {
        return switch (layer) {
            case Layer.Conv c -> conv(c, x);
            case Layer.Pool p -> pool(p, x);
            case Layer.Dense d -> dense(d, x);
            case Layer.Relu r -> {
                Buf y = buf(x.buf.floats);
                int len = Tensor.sizeOf(x.dims);
                steps.add(be -> be.relu(x.buf.address, len, y.address));
                yield new Val(x.dims, y, x.nhwc);
            }
            case Layer.View v -> view(v, x);
        };
    }

    private Val conv(Layer.Conv c, Val x) throws PlanException {
        Window2d w = window(c.window(), x, new int[] {c.kh(), c.kw()});
        if (w.c() != c.inChannels()) {
            throw new PlanException("Conv input has " + w.c() + " channels, W expects " + c.inChannels());
        }
        Buf in = nhwc(x).buf;
        int n = x.dims[0];
        // Padded so that every window position is inside: the kernel then needs no bounds checks.
        int hp = Math.max(w.padTop() + w.h(), (w.oh() - 1) * w.sh() + (w.kh() - 1) * w.dh() + 1);
        int wp = Math.max(w.padLeft() + w.w(), (w.ow() - 1) * w.sw() + (w.kw() - 1) * w.dw() + 1);
        Buf xp = in;
        if (hp != w.h() || wp != w.w() || w.padTop() != 0 || w.padLeft() != 0) {
            xp = scratch(n * hp * wp * w.c());
            Buf padded = xp;
            steps.add(be -> be.pad(in.address, n, w.h(), w.w(), w.c(), w.padTop(), w.padLeft(), hp, wp,
                    padded.address));
        }
        Buf y = buf(n * w.outPositions() * c.outChannels());
        Buf from = xp;
        steps.add(be -> be.conv(from.address, n, hp, wp, w, c.packed(), c.bias(), c.relu(), y.address,
                c.outChannels()));
        return new Val(new int[] {n, c.outChannels(), w.oh(), w.ow()}, y, true);
    }

    private Val pool(Layer.Pool p, Val x) throws PlanException {
        Window2d w = window(p.window(), x, new int[] {p.kh(), p.kw()});
        Buf in = nhwc(x).buf;
        int n = x.dims[0];
        Buf y = buf(n * w.outPositions() * w.c());
        steps.add(be -> be.maxPool(in.address, n, w, y.address));
        return new Val(new int[] {n, w.c(), w.oh(), w.ow()}, y, true);
    }

    private Val dense(Layer.Dense d, Val x) throws PlanException {
        if (x.dims.length != 2 || x.dims[1] != d.k()) {
            throw new PlanException("Gemm/MatMul input " + Arrays.toString(x.dims) + " for K " + d.k());
        }
        int m = x.dims[0];
        Buf y = buf(m * d.n());
        steps.add(be -> be.gemm(m, d.n(), d.k(), x.buf.address, d.k(), d.packed(), d.bias(), d.relu(), y.address,
                d.n()));
        return new Val(new int[] {m, d.n()}, y, false);
    }

    private Val view(Layer.View v, Val x) throws PlanException {
        if (v.axis() == null && v.shape() == null) {
            return x;
        }
        int[] d = x.dims;
        int[] out;
        try {
            if (v.axis() != null) {
                long a = v.axis() < 0 ? v.axis() + d.length : v.axis();
                if (a < 0 || a > d.length) {
                    throw new PlanException("Flatten axis out of range");
                }
                out = new int[] {product(d, 0, (int) a), product(d, (int) a, d.length)};
            } else {
                out = ShapeOps.reshapeDims(d, v.shape(), v.allowZero());
            }
        } catch (EngineException e) {
            throw new PlanException(e.getMessage());
        }
        return new Val(out, plain(x).buf, false);
    }

    private Window2d window(Window win, Val x, int[] kernel) throws PlanException {
        if (x.dims.length != 4) {
            throw new PlanException("2-D window over rank " + x.dims.length);
        }
        Window.Geometry g;
        try {
            g = win.forward(new int[] {x.dims[2], x.dims[3]}, kernel);
        } catch (EngineException e) {
            throw new PlanException(e.getMessage());
        }
        if (g.out()[0] <= 0 || g.out()[1] <= 0) {
            throw new PlanException("empty output");
        }
        return new Window2d(x.dims[2], x.dims[3], x.dims[1], kernel[0], kernel[1], g.strides()[0], g.strides()[1],
                g.padBegin()[0], g.padBegin()[1], g.dilations()[0], g.dilations()[1], g.out()[0], g.out()[1]);
    }

    /** {@code x} stored NHWC (a transposed copy when it is not, made once per value). */
    private Val nhwc(Val x) {
        if (x.nhwc || trivialLayout(x)) {
            return x;
        }
        int hw = x.dims[2] * x.dims[3];
        return new Val(x.dims, transposed(x.buf, x.dims[0], x.dims[1], hw), true);
    }

    /** {@code x} stored in C order. */
    private Val plain(Val x) {
        if (!x.nhwc || trivialLayout(x)) {
            return x;
        }
        int hw = x.dims[2] * x.dims[3];
        return new Val(x.dims, transposed(x.buf, x.dims[0], hw, x.dims[1]), false);
    }

    private Buf transposed(Buf from, int batch, int rows, int cols) {
        Buf done = converted.get(from);
        if (done == null) {
            Buf y = buf(from.floats);
            steps.add(be -> be.transpose(from.address, batch, rows, cols, y.address));
            converted.put(from, y);
            done = y;
        }
        return done;
    }

    /** With one channel or one pixel, NCHW and NHWC are the same bytes. */
    private static boolean trivialLayout(Val x) {
        return x.dims.length != 4 || x.dims[1] == 1 || x.dims[2] * x.dims[3] == 1;
    }

    private Buf buf(int floats) {
        Buf b = new Buf(floats);
        bufs.add(b);
        return b;
    }

    /** The padded-input buffer, one for all: each is read by the convolution right after it. */
    private Buf scratch(int floats) {
        scratch.floats = Math.max(scratch.floats, floats);
        return scratch;
    }

    private static int product(int[] d, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= d[i];
        }
        return p;
    }
}
