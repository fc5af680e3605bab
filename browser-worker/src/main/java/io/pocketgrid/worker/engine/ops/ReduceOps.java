package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.Broadcast;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** ReduceX over any set of axes, and ArgMax/ArgMin. */
final class ReduceOps {

    private enum Kind { SUM, MEAN, MAX, MIN, PROD, L1, L2, SUM_SQUARE, LOG_SUM, LOG_SUM_EXP }

    private ReduceOps() {
    }

    static void register(Map<String, OpFactory> r) {
        r.put("ReduceSum", (n, o) -> reduce(n, o, Kind.SUM, 13));
        r.put("ReduceMean", (n, o) -> reduce(n, o, Kind.MEAN, 18));
        r.put("ReduceMax", (n, o) -> reduce(n, o, Kind.MAX, 18));
        r.put("ReduceMin", (n, o) -> reduce(n, o, Kind.MIN, 18));
        r.put("ReduceProd", (n, o) -> reduce(n, o, Kind.PROD, 18));
        r.put("ReduceL1", (n, o) -> reduce(n, o, Kind.L1, 18));
        r.put("ReduceL2", (n, o) -> reduce(n, o, Kind.L2, 18));
        r.put("ReduceSumSquare", (n, o) -> reduce(n, o, Kind.SUM_SQUARE, 18));
        r.put("ReduceLogSum", (n, o) -> reduce(n, o, Kind.LOG_SUM, 18));
        r.put("ReduceLogSumExp", (n, o) -> reduce(n, o, Kind.LOG_SUM_EXP, 18));
        r.put("ArgMax", (n, o) -> arg(n, true));
        r.put("ArgMin", (n, o) -> arg(n, false));
    }

    /** {@code axesInputFrom}: the opset from which axes are an input instead of an attribute. */
    private static Op reduce(Node node, int opset, Kind kind, int axesInputFrom) {
        boolean axesInput = opset >= axesInputFrom;
        node.checkAttributes(axesInput ? Set.of("keepdims", "noop_with_empty_axes") : Set.of("keepdims", "axes"));
        boolean keep = node.getInt("keepdims", 1) != 0;
        boolean noop = node.getInt("noop_with_empty_axes", 0) != 0;
        long[] attrAxes = node.getInts("axes", null);
        return new Op() {
            @Override
            public Tensor[] run(Tensor[] in) {
                Tensor x = in[0];
                long[] axes = axesInput ? (in.length > 1 && in[1] != null ? Shapes.longs(in[1]) : null) : attrAxes;
                int r = x.rank();
                boolean[] red = new boolean[r];
                if (axes == null || axes.length == 0) {
                    if (noop) {
                        return Shapes.one(x);
                    }
                    Arrays.fill(red, true);
                } else {
                    for (long a : axes) {
                        red[Shapes.axis(a, r, node.opType())] = true;
                    }
                }
                return Shapes.one(reduce(x, red, keep, kind));
            }

            @Override
            public long flops(Tensor[] in, Tensor[] out) {
                return in[0].size();
            }
        };
    }

    private static Tensor reduce(Tensor x, boolean[] red, boolean keep, Kind kind) {
        int r = x.rank();
        int[] xd = x.dims();
        int[] kd = xd.clone();
        int count = 1;
        for (int d = 0; d < r; d++) {
            if (red[d]) {
                kd[d] = 1;
                count *= xd[d];
            }
        }
        int n = Tensor.sizeOf(kd);
        double[] acc = new double[n];
        double init = switch (kind) {
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            case PROD -> 1;
            default -> 0;
        };
        Arrays.fill(acc, init);
        double[] shift = null;
        if (kind == Kind.LOG_SUM_EXP) {
            shift = toDoubles(reduce(x, red, true, Kind.MAX));
            for (int i = 0; i < n; i++) {
                if (Double.isInfinite(shift[i])) {
                    shift[i] = 0;
                }
            }
        }
        double[] sh = shift;
        int[][] st = {Shapes.strides(xd), Broadcast.strides(kd, xd)};
        Broadcast.forEachRow(xd, st, (xo, offs, steps, len) -> {
            int o = offs[1];
            int step = steps[1];
            for (int i = 0; i < len; i++) {
                double v = x.getDouble(xo + i);
                int k = o + i * step;
                switch (kind) {
                    case SUM, MEAN, LOG_SUM -> acc[k] += v;
                    case MAX -> acc[k] = v > acc[k] || Double.isNaN(v) ? v : acc[k];
                    case MIN -> acc[k] = v < acc[k] || Double.isNaN(v) ? v : acc[k];
                    case PROD -> acc[k] *= v;
                    case L1 -> acc[k] += Math.abs(v);
                    case L2, SUM_SQUARE -> acc[k] += v * v;
                    case LOG_SUM_EXP -> acc[k] += Math.exp(v - sh[k]);
                }
            }
        });
        for (int i = 0; i < n; i++) {
            acc[i] = switch (kind) {
                case MEAN -> acc[i] / count;
                case L2 -> Math.sqrt(acc[i]);
                case LOG_SUM -> Math.log(acc[i]);
                case LOG_SUM_EXP -> Math.log(acc[i]) + sh[i];
                default -> acc[i];
            };
        }
        int[] od = kd;
        if (!keep) {
            int m = 0;
            od = new int[r];
            for (int d = 0; d < r; d++) {
                if (!red[d]) {
                    od[m++] = xd[d];
                }
            }
            od = Arrays.copyOf(od, m);
        }
        if (x.type().isFloating()) {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = (float) acc[i];
            }
            return Tensor.ofFloats(out, od);
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = x.type().wrap((long) acc[i]);
        }
        return Tensor.ofLongs(x.type(), out, od);
    }

    private static double[] toDoubles(Tensor t) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getDouble(i);
        }
        return d;
    }

    private static Op arg(Node node, boolean max) {
        node.checkAttributes(Set.of("axis", "keepdims", "select_last_index"));
        long axis = node.getInt("axis", 0);
        boolean keep = node.getInt("keepdims", 1) != 0;
        boolean last = node.getInt("select_last_index", 0) != 0;
        return new Op() {
            @Override
            public Tensor[] run(Tensor[] in) {
                Tensor x = in[0];
                int[] xd = x.dims();
                int r = xd.length;
                int a = Shapes.axis(axis, r, node.opType());
                int outer = Shapes.product(xd, 0, a);
                int len = xd[a];
                int inner = Shapes.product(xd, a + 1, r);
                if (len == 0) {
                    throw new EngineException("cannot take " + node.opType() + " over an empty axis");
                }
                long[] out = new long[outer * inner];
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < inner; i++) {
                        int base = o * len * inner + i;
                        double best = x.getDouble(base);
                        int arg = 0;
                        for (int k = 1; k < len; k++) {
                            double v = x.getDouble(base + k * inner);
                            boolean better = max ? (last ? v >= best : v > best) : (last ? v <= best : v < best);
                            if (better) {
                                best = v;
                                arg = k;
                            }
                        }
                        out[o * inner + i] = arg;
                    }
                }
                int[] od;
                if (keep) {
                    od = xd.clone();
                    od[a] = 1;
                } else {
                    od = new int[r - 1];
                    System.arraycopy(xd, 0, od, 0, a);
                    System.arraycopy(xd, a + 1, od, a, r - a - 1);
                }
                return Shapes.one(Tensor.ofLongs(out, od));
            }

            @Override
            public long flops(Tensor[] in, Tensor[] out) {
                return in[0].size();
            }
        };
    }
}
