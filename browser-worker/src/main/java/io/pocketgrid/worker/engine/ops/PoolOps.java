package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.Im2col;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** MaxPool, AveragePool and the global pools, any spatial rank. */
final class PoolOps {

    private PoolOps() {
    }

    static void register(Map<String, OpFactory> r) {
        r.put("MaxPool", (n, o) -> pool(n, o, true));
        r.put("AveragePool", (n, o) -> pool(n, o, false));
        r.put("GlobalAveragePool", (n, o) -> global(n, false));
        r.put("GlobalMaxPool", (n, o) -> global(n, true));
    }

    private static Op pool(Node node, int opset, boolean max) {
        node.checkAttributes(max
                ? Set.of("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides")
                : Set.of("auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides"));
        if (!node.has("kernel_shape")) {
            throw node.unsupported("missing kernel_shape");
        }
        boolean wantIndices = node.outputs().size() > 1 && !node.outputs().get(1).isEmpty();
        if (wantIndices && node.getInt("storage_order", 0) != 0) {
            throw node.unsupported("storage_order=1 with an Indices output");
        }
        boolean includePad = node.getInt("count_include_pad", 0) != 0;
        Window win = new Window(node);
        int rank = win.kernelShape.length;
        return new Op() {
            @Override
            public Tensor[] run(Tensor[] in) {
                Tensor x = in[0];
                int[] xd = x.dims();
                if (xd.length != rank + 2) {
                    throw new EngineException("X " + Arrays.toString(xd) + " does not match kernel rank " + rank);
                }
                Window.Geometry g = win.forward(Arrays.copyOfRange(xd, 2, xd.length), win.kernel(rank, null));
                int planes = xd[0] * xd[1];
                int nK = g.kernelSize();
                int nOut = g.outSize();
                int inSize = g.inSize();
                int[] table = Im2col.table(g.out(), g.in(), g.kernel(), g.strides(), g.dilations(), g.padBegin(),
                        g.padEnd());
                if (!x.type().isFloating() && !max) {
                    throw new EngineException("AveragePool of " + x.type() + " is not supported");
                }
                float[] xv = x.type().isFloating() ? x.floats() : null;
                long[] xl = xv == null ? x.longs() : null;
                long[] yl = xl == null ? null : new long[planes * nOut];
                float[] y = new float[planes * nOut];
                long[] idx = wantIndices ? new long[y.length] : null;
                for (int p = 0; p < planes; p++) {
                    int xOff = p * inSize;
                    int yOff = p * nOut;
                    for (int o = 0; o < nOut; o++) {
                        if (max && xl != null) {
                            long best = Long.MIN_VALUE;
                            int arg = -1;
                            for (int k = 0; k < nK; k++) {
                                int t = table[k * nOut + o];
                                if (t >= 0 && (xl[xOff + t] > best || arg < 0)) {
                                    best = xl[xOff + t];
                                    arg = t;
                                }
                            }
                            yl[yOff + o] = best;
                            if (idx != null) {
                                idx[yOff + o] = (long) xOff + Math.max(arg, 0);
                            }
                        } else if (max) {
                            float best = Float.NEGATIVE_INFINITY;
                            int arg = -1;
                            for (int k = 0; k < nK; k++) {
                                int t = table[k * nOut + o];
                                if (t >= 0 && (xv[xOff + t] > best || arg < 0)) {
                                    best = xv[xOff + t];
                                    arg = t;
                                }
                            }
                            y[yOff + o] = best;
                            if (idx != null) {
                                idx[yOff + o] = (long) xOff + Math.max(arg, 0);
                            }
                        } else {
                            double sum = 0;
                            int count = 0;
                            for (int k = 0; k < nK; k++) {
                                int t = table[k * nOut + o];
                                if (t >= 0) {
                                    sum += xv[xOff + t];
                                    count++;
                                } else if (includePad && t == Im2col.PAD) {
                                    count++;
                                }
                            }
                            y[yOff + o] = count == 0 ? 0f : (float) (sum / count);
                        }
                    }
                }
                int[] yd = xd.clone();
                System.arraycopy(g.out(), 0, yd, 2, rank);
                Tensor out = yl != null ? Tensor.ofLongs(x.type(), yl, yd) : Tensor.ofFloats(y, yd);
                return idx == null ? new Tensor[] {out} : new Tensor[] {out, Tensor.ofLongs(idx, yd)};
            }

            @Override
            public long flops(Tensor[] in, Tensor[] out) {
                return out[0].size() * Shapes.product(Shapes.toInts(win.kernelShape), 0, rank);
            }
        };
    }

    private static Op global(Node node, boolean max) {
        node.checkAttributes(Set.of());
        return new Op() {
            @Override
            public Tensor[] run(Tensor[] in) {
                Tensor x = in[0];
                int[] xd = x.dims();
                if (xd.length < 2) {
                    throw new EngineException("X must have rank >= 2");
                }
                int planes = xd[0] * xd[1];
                int inner = Shapes.product(xd, 2, xd.length);
                float[] xv = x.floats();
                float[] y = new float[planes];
                for (int p = 0; p < planes; p++) {
                    if (max) {
                        float best = Float.NEGATIVE_INFINITY;
                        for (int i = 0; i < inner; i++) {
                            best = Math.max(best, xv[p * inner + i]);
                        }
                        y[p] = best;
                    } else {
                        double sum = 0;
                        for (int i = 0; i < inner; i++) {
                            sum += xv[p * inner + i];
                        }
                        y[p] = (float) (sum / inner);
                    }
                }
                int[] yd = xd.clone();
                Arrays.fill(yd, 2, yd.length, 1);
                return Shapes.one(Tensor.ofFloats(y, yd));
            }

            @Override
            public long flops(Tensor[] in, Tensor[] out) {
                return in[0].size();
            }
        };
    }
}
