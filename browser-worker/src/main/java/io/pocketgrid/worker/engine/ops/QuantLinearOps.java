package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.Im2col;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Integer matrix products of quantized models: MatMulInteger and ConvInteger (int32 results),
 * QLinearMatMul and QLinearConv (requantized: the int32 accumulator times
 * {@code scale_a·scale_b/scale_y} in float32, rounded half to even, plus the output zero point,
 * saturated). Accumulation is exact int32 arithmetic, as in onnxruntime; padding contributes
 * zero (the input's zero point).
 */
final class QuantLinearOps {

    private static final Set<String> CONV_ATTRIBUTES = Set.of("auto_pad", "dilations", "group", "kernel_shape",
            "pads", "strides");

    private QuantLinearOps() {
    }

    static void register(Map<String, OpFactory> r) {
        r.put("MatMulInteger", QuantLinearOps::matMulInteger);
        r.put("QLinearMatMul", QuantLinearOps::qLinearMatMul);
        r.put("ConvInteger", QuantLinearOps::convInteger);
        r.put("QLinearConv", QuantLinearOps::qLinearConv);
    }

    /** An int32 accumulator and its dims. */
    private record Acc(int[] values, int[] dims) {
        Tensor toInt32() {
            long[] v = new long[values.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = values[i];
            }
            return Tensor.ofLongs(Tensor.Type.INT32, v, dims);
        }
    }

    private static Op matMulInteger(Node node, int opset) {
        node.checkAttributes(Set.of());
        return new Op() {
            @Override
            public Tensor[] run(Tensor[] in) {
                return Shapes.one(matMul(in[0], opt(in, 2), in[1], opt(in, 3)).toInt32());
            }

            @Override
            public long flops(Tensor[] in, Tensor[] out) {
                return matMulFlops(in[0], out[0]);
            }
        };
    }

    private static Op qLinearMatMul(Node node, int opset) {
        node.checkAttributes(Set.of());
        return new Op() {
            @Override
            public Tensor[] run(Tensor[] in) {
                Tensor a = in[0];
                Acc acc = matMul(a, opt(in, 2), in[3], opt(in, 5));
                int[] od = acc.dims();
                boolean rows = a.rank() >= 2 && in[3].rank() >= 2;
                float[] as = perOutput(in[1], od, rows ? a.dim(a.rank() - 2) : -1);
                float[] bs = perOutput(in[4], od, -1);
                float[] ys = perOutput(in[6], od, -1);
                Tensor yzp = opt(in, 7);
                long[] yz = yzp == null ? null : longsPerOutput(yzp, od);
                Tensor.Type to = yzp == null ? Tensor.Type.UINT8 : yzp.type();
                long lo = QuantOps.min(to);
                long hi = QuantOps.max(to);
                int[] v = acc.values();
                long[] y = new long[v.length];
                for (int i = 0; i < y.length; i++) {
                    float mult = QuantOps.f32(QuantOps.f32(as[as.length == 1 ? 0 : i] * bs[bs.length == 1 ? 0 : i])
                            / ys[ys.length == 1 ? 0 : i]);
                    long zp = yz == null ? 0 : yz[yz.length == 1 ? 0 : i];
                    y[i] = QuantOps.saturate(QuantOps.f32(v[i]) * mult, zp, lo, hi);
                }
                return Shapes.one(Tensor.ofLongs(to, y, od));
            }

            @Override
            public long flops(Tensor[] in, Tensor[] out) {
                return matMulFlops(in[0], out[0]);
            }
        };
    }

    private static Op convInteger(Node node, int opset) {
        node.checkAttributes(CONV_ATTRIBUTES);
        Window win = new Window(node);
        int group = (int) node.getInt("group", 1);
        return new Op() {
            @Override
            public Tensor[] run(Tensor[] in) {
                return Shapes.one(conv(in[0], opt(in, 2), in[1], opt(in, 3), win, group).toInt32());
            }

            @Override
            public long flops(Tensor[] in, Tensor[] out) {
                return convFlops(in[1], out[0]);
            }
        };
    }

    private static Op qLinearConv(Node node, int opset) {
        node.checkAttributes(CONV_ATTRIBUTES);
        Window win = new Window(node);
        int group = (int) node.getInt("group", 1);
        return new Op() {
            @Override
            public Tensor[] run(Tensor[] in) {
                Tensor w = in[3];
                Acc acc = conv(in[0], opt(in, 2), w, opt(in, 5), win, group);
                int m = w.dim(0);
                float xs = scalar(in[1], "x_scale").floats()[0];
                float[] ws = in[4].floats();
                float ys = scalar(in[6], "y_scale").floats()[0];
                if (ws.length != 1 && ws.length != m) {
                    throw new EngineException("w_scale has " + ws.length + " values for " + m + " output channels");
                }
                Tensor yzp = opt(in, 7);
                long z = yzp == null ? 0 : scalar(yzp, "y_zero_point").longs()[0];
                Tensor bias = opt(in, 8);
                long[] b = bias == null ? null : bias.longs();
                if (b != null && b.length != m) {
                    throw new EngineException("B has " + b.length + " values for " + m + " output channels");
                }
                Tensor.Type to = yzp == null ? Tensor.Type.UINT8 : yzp.type();
                long lo = QuantOps.min(to);
                long hi = QuantOps.max(to);
                int[] v = acc.values();
                int n = acc.dims()[0];
                int spatial = v.length / Math.max(1, n * m);
                long[] y = new long[v.length];
                for (int i = 0; i < y.length; i++) {
                    int oc = i / spatial % m;
                    float mult = QuantOps.f32(QuantOps.f32(xs * ws[ws.length == 1 ? 0 : oc]) / ys);
                    int total = b == null ? v[i] : v[i] + (int) b[oc];
                    y[i] = QuantOps.saturate(QuantOps.f32(total) * mult, z, lo, hi);
                }
                return Shapes.one(Tensor.ofLongs(to, y, acc.dims()));
            }

            @Override
            public long flops(Tensor[] in, Tensor[] out) {
                return convFlops(in[3], out[0]);
            }
        };
    }

    // ---- integer kernels -----------------------------------------------------------------------

    /** (A − a_zp)·(B − b_zp) with MatMul's broadcasting; a 1-D a_zp has one value per row of A. */
    private static Acc matMul(Tensor a, Tensor azp, Tensor b, Tensor bzp) {
        MatMulShape g = MatMulShape.of(a.dims(), b.dims());
        int[] av = shifted(a, azp, a.rank() - 2);
        int[] bv = shifted(b, bzp, -1);
        int m = g.m();
        int k = g.k();
        int n = g.n();
        int[] out = new int[g.products() * m * n];
        for (int t = 0; t < g.products(); t++) {
            int ao = g.aOffsets()[t];
            int bo = g.bOffsets()[t];
            int yo = t * m * n;
            for (int i = 0; i < m; i++) {
                for (int kk = 0; kk < k; kk++) {
                    int x = av[ao + i * k + kk];
                    if (x != 0) {
                        int bRow = bo + kk * n;
                        int yRow = yo + i * n;
                        for (int j = 0; j < n; j++) {
                            out[yRow + j] += x * bv[bRow + j];
                        }
                    }
                }
            }
        }
        return new Acc(out, g.outDims());
    }

    /** conv(X − x_zp, W − w_zp); x_zp is per tensor, w_zp per tensor or per output channel. */
    private static Acc conv(Tensor x, Tensor xzp, Tensor w, Tensor wzp, Window win, int group) {
        int[] xd = x.dims();
        int[] wd = w.dims();
        Window.Geometry g = ConvOps.geometry(xd, wd, win, group);
        int r = xd.length - 2;
        int n = xd[0];
        int c = xd[1];
        int m = wd[0];
        int cg = wd[1];
        if (xzp != null && xzp.size() != 1) {
            throw new EngineException("x_zero_point must be a scalar, got " + Arrays.toString(xzp.dims()));
        }
        if (wzp != null && wzp.size() != 1 && (wzp.rank() != 1 || wzp.dim(0) != m)) {
            throw new EngineException("w_zero_point must be a scalar or have " + m + " values, got "
                    + Arrays.toString(wzp.dims()));
        }
        int[] xv = shifted(x, xzp, -1);
        int[] wv = shifted(w, wzp, 0);
        int nK = g.kernelSize();
        int nOut = g.outSize();
        int inSize = g.inSize();
        int mg = m / group;
        int[] table = Im2col.table(g.out(), g.in(), g.kernel(), g.strides(), g.dilations(), g.padBegin(), g.padEnd());
        int[] y = new int[n * m * nOut];
        for (int img = 0; img < n; img++) {
            for (int oc = 0; oc < m; oc++) {
                int grp = oc / mg;
                int yOff = (img * m + oc) * nOut;
                for (int ic = 0; ic < cg; ic++) {
                    int xOff = (img * c + grp * cg + ic) * inSize;
                    int wOff = (oc * cg + ic) * nK;
                    for (int kk = 0; kk < nK; kk++) {
                        int wk = wv[wOff + kk];
                        if (wk == 0) {
                            continue;
                        }
                        int tOff = kk * nOut;
                        for (int p = 0; p < nOut; p++) {
                            int t = table[tOff + p];
                            if (t >= 0) {
                                y[yOff + p] += xv[xOff + t] * wk;
                            }
                        }
                    }
                }
            }
        }
        int[] yd = new int[xd.length];
        yd[0] = n;
        yd[1] = m;
        System.arraycopy(g.out(), 0, yd, 2, r);
        return new Acc(y, yd);
    }

    /**
     * The values of integer tensor {@code x} minus its zero point (absent: 0): a scalar, a tensor
     * that broadcasts to x, or 1-D with one value per index of x's {@code axis} (MatMul's A: per
     * row; Conv's W: per output channel).
     */
    private static int[] shifted(Tensor x, Tensor zp, int axis) {
        if (x.type().isFloating()) {
            throw new EngineException("expected an 8-bit integer tensor, got " + x.type());
        }
        long[] v = x.longs();
        int[] out = new int[v.length];
        long[] z = null;
        if (zp != null && zp.size() != 1) {
            Tensor zt = zp;
            if (axis >= 0 && zp.rank() == 1 && axis < x.rank()) {
                int[] d = new int[x.rank()];
                Arrays.fill(d, 1);
                d[axis] = zp.dim(0);
                zt = zp.reshape(d);
            }
            z = ShapeOps.broadcastTo(zt, x.dims()).longs();
        }
        long z0 = zp == null || z != null ? 0 : zp.longs()[0];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) (v[i] - (z == null ? z0 : z[i]));
        }
        return out;
    }

    /** {@code s} (a scalar, or per row of A when {@code rows} >= 0 is that count) for every output element. */
    private static float[] perOutput(Tensor s, int[] od, int rows) {
        if (s.size() == 1) {
            return s.floats();
        }
        Tensor t = s;
        if (rows >= 0 && s.rank() == 1 && s.dim(0) == rows && od.length >= 2) {
            t = s.reshape(rows, 1);
        }
        return ShapeOps.broadcastTo(t, od).floats();
    }

    private static long[] longsPerOutput(Tensor z, int[] od) {
        return z.size() == 1 ? z.longs() : ShapeOps.broadcastTo(z, od).longs();
    }

    private static Tensor scalar(Tensor t, String what) {
        if (t.size() != 1) {
            throw new EngineException(what + " must be a scalar, got " + Arrays.toString(t.dims()));
        }
        return t;
    }

    private static Tensor opt(Tensor[] in, int i) {
        return i < in.length ? in[i] : null;
    }

    private static long matMulFlops(Tensor a, Tensor y) {
        return 2L * y.size() * a.dim(a.rank() - 1);
    }

    private static long convFlops(Tensor w, Tensor y) {
        return 2L * y.size() * Shapes.product(w.dims(), 1, w.rank());
    }
}
