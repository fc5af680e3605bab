package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.kernel.Window2d;
import io.pocketgrid.worker.engine.ops.Window;
import java.util.Arrays;

/**
 * Binds the layers that slide a window over channels-last maps — Conv, depthwise Conv, MaxPool,
 * AveragePool — and GlobalAveragePool: 1-D maps as 2-D with height 1, inputs zero-padded first
 * where the window needs it. Each returns false, emitting nothing, when the shapes do not fit.
 */
final class ConvLayers {

    private static final float INF = Float.POSITIVE_INFINITY;

    private ConvLayers() {
    }

    static boolean conv(Binder binder, Layer.Conv c) {
        GemmBackend backend = binder.backend();
        Value x = binder.value(c.input());
        Window2d w = window(c.window(), x, c.spatial(), c.kh(), c.kw());
        if (w == null || w.c() != c.inChannels()) {
            return false;
        }
        int n = x.dims[0];
        int[] od = outDims(x, c.outChannels(), w);
        Value r = c.residual() == null ? null : binder.value(c.residual());
        if (r != null && !(r.isFloat() && Arrays.equals(r.dims, od))) {
            return false;
        }
        Place res = r == null ? null : binder.channelsLast(r);
        Place y = binder.place(Tensor.sizeOf(od));
        float lo = c.lo();
        float hi = c.hi();
        if (pointwise(w)) {
            binder.label("Conv 1x1");
            // A 1×1 convolution with stride 1 over channels-last pixels is one GEMM: rows are pixels.
            Place in = binder.channelsLast(x);
            int rows = n * w.h() * w.w();
            binder.step(() -> backend.gemm(rows, c.outChannels(), w.c(), in.address, w.c(), c.packed(), c.bias(),
                    res == null ? -1 : res.address, lo, hi, y.address, c.outChannels()), y, in, res);
            binder.define(c.output(), od, y, true);
            binder.reportKernel(c, 2L * rows * c.outChannels() * w.c());
            return true;
        }
        Place xp = padded(binder, binder.channelsLast(x), n, w);
        int hp = hp(w);
        int wp = wp(w);
        binder.step(() -> backend.conv(xp.address, n, hp, wp, w, c.packed(), c.bias(), res == null ? -1 : res.address,
                lo, hi, y.address, c.outChannels()), y, xp, res);
        binder.define(c.output(), od, y, true);
        binder.reportKernel(c, 2L * n * w.outPositions() * c.outChannels() * w.patch());
        return true;
    }

    private static boolean pointwise(Window2d w) {
        return w.kh() == 1 && w.kw() == 1 && w.sh() == 1 && w.sw() == 1 && w.padTop() == 0 && w.padLeft() == 0
                && w.oh() == w.h() && w.ow() == w.w();
    }

    static boolean depthwise(Binder binder, Layer.Depthwise d) {
        GemmBackend backend = binder.backend();
        Value x = binder.value(d.input());
        Window2d w = window(d.window(), x, d.spatial(), d.kh(), d.kw());
        if (w == null || w.c() != d.channels()) {
            return false;
        }
        int n = x.dims[0];
        int[] od = outDims(x, d.channels(), w);
        binder.label("Conv depthwise");
        Place xp = padded(binder, binder.channelsLast(x), n, w);
        Place y = binder.place(Tensor.sizeOf(od));
        int hp = hp(w);
        int wp = wp(w);
        binder.step(() -> backend.depthwise(xp.address, n, hp, wp, w, d.weights(), d.bias(), d.lo(), d.hi(),
                y.address), y, xp);
        binder.define(d.output(), od, y, true);
        binder.reportKernel(d, 2L * n * w.outPositions() * d.channels() * d.kh() * d.kw());
        return true;
    }

    static boolean pool(Binder binder, Layer.Pool p) {
        GemmBackend backend = binder.backend();
        Value x = binder.value(p.input());
        Window2d w = window(p.window(), x, p.spatial(), p.kh(), p.kw());
        if (w == null) {
            return false;
        }
        int n = x.dims[0];
        int[] od = outDims(x, w.c(), w);
        if (p.average()) {
            return averagePool(binder, p, x, w, od);
        }
        Place in = binder.channelsLast(x);
        Place y = binder.place(Tensor.sizeOf(od));
        binder.step(() -> backend.maxPool(in.address, n, w, y.address), y, in);
        binder.define(p.output(), od, y, true);
        binder.reportKernel(p, (long) Tensor.sizeOf(od) * p.kh() * p.kw());
        return true;
    }

    /** AveragePool as a depthwise conv whose weights are all 1/(kh·kw), pinned for this binding. */
    private static boolean averagePool(Binder binder, Layer.Pool p, Value x, Window2d w, int[] od) {
        GemmBackend backend = binder.backend();
        boolean padded = hp(w) != w.h() || wp(w) != w.w() || w.padTop() != 0 || w.padLeft() != 0;
        if (padded && !p.countIncludePad()) {
            return false; // the divisor would change at the borders
        }
        int cp = (w.c() + 3) & ~3;
        float[] weights = new float[w.kh() * w.kw() * cp];
        Arrays.fill(weights, 1f / (w.kh() * w.kw()));
        Place wts = binder.pinned(weights);
        int n = x.dims[0];
        binder.label("AveragePool");
        Place xp = padded(binder, binder.channelsLast(x), n, w);
        Place y = binder.place(Tensor.sizeOf(od));
        int hp = hp(w);
        int wp = wp(w);
        binder.step(() -> backend.depthwise(xp.address, n, hp, wp, w, wts.address, -1, Float.NEGATIVE_INFINITY, INF,
                y.address), y, xp);
        binder.define(p.output(), od, y, true);
        binder.reportKernel(p, (long) Tensor.sizeOf(od) * w.kh() * w.kw());
        return true;
    }

    static boolean globalAvg(Binder binder, Layer.GlobalAvg g) {
        GemmBackend backend = binder.backend();
        Value x = binder.value(g.input());
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
        Place in = binder.channelsLast(x);
        Place y = binder.place(n * c);
        binder.step(() -> backend.globalAvgPool(in.address, n, hw, c, y.address), y, in);
        binder.define(g.output(), od, y, false);
        binder.reportKernel(g, x.size());
        return true;
    }

    // ---- windows -------------------------------------------------------------------------------

    /** The 2-D window (1-D maps as height 1) of a conv or pool over {@code x}, or null when it does not apply. */
    private static Window2d window(Window win, Value x, int spatial, int kh, int kw) {
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

    private static int[] outDims(Value x, int channels, Window2d w) {
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
    private static Place padded(Binder binder, Place in, int n, Window2d w) {
        GemmBackend backend = binder.backend();
        int hp = hp(w);
        int wp = wp(w);
        if (hp == w.h() && wp == w.w() && w.padTop() == 0 && w.padLeft() == 0) {
            return in;
        }
        Place xp = binder.place(n * hp * wp * w.c());
        binder.moving("pad");
        binder.step(() -> backend.pad(in.address, n, w.h(), w.w(), w.c(), w.padTop(), w.padLeft(), hp, wp,
                xp.address), xp, in);
        return xp;
    }
}
