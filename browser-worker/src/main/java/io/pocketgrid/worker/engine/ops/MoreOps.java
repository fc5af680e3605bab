package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.IndexMaps;
import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.onnx.OnnxParser;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** Less common ops: index manipulation, TopK, one-hot, scatter/gather variants, LRN, MVN. */
final class MoreOps {

    private MoreOps() {
    }

    static void register(Map<String, OpFactory> r) {
        r.put("IsNaN", (n, o) -> {
            n.checkAttributes(Set.of());
            return predicate(x -> x != x);
        });
        r.put("IsInf", (n, o) -> {
            n.checkAttributes(Set.of("detect_negative", "detect_positive"));
            boolean neg = n.getInt("detect_negative", 1) != 0;
            boolean pos = n.getInt("detect_positive", 1) != 0;
            return predicate(x -> (pos && x == Float.POSITIVE_INFINITY) || (neg && x == Float.NEGATIVE_INFINITY));
        });
        r.put("Trilu", MoreOps::trilu);
        r.put("DepthToSpace", (n, o) -> depthSpace(n, true));
        r.put("SpaceToDepth", (n, o) -> depthSpace(n, false));
        r.put("TopK", MoreOps::topK);
        r.put("OneHot", MoreOps::oneHot);
        r.put("NonZero", MoreOps::nonZero);
        r.put("EyeLike", MoreOps::eyeLike);
        r.put("LRN", MoreOps::lrn);
        r.put("MeanVarianceNormalization", MoreOps::mvn);
        r.put("CumSum", MoreOps::cumSum);
    }

    private interface FloatPredicate {
        boolean test(float x);
    }

    private static Op predicate(FloatPredicate p) {
        return (ShapeOps.Move) in -> {
            float[] x = in[0].floats();
            long[] out = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = p.test(x[i]) ? 1 : 0;
            }
            return Shapes.one(Tensor.ofLongs(Tensor.Type.BOOL, out, in[0].dims()));
        };
    }

    private static Op trilu(Node node, int opset) {
        node.checkAttributes(Set.of("upper"));
        boolean upper = node.getInt("upper", 1) != 0;
        return (ShapeOps.Move) in -> {
            Tensor x = in[0];
            long k = in.length > 1 && in[1] != null ? in[1].getLong(0) : 0;
            int r = x.rank();
            if (r < 2) {
                throw new EngineException("Trilu needs rank >= 2");
            }
            int rows = x.dim(r - 2);
            int cols = x.dim(r - 1);
            Tensor out = x.like(x.dims());
            System.arraycopy(x.data(), 0, out.data(), 0, x.size());
            Tensor zero = x.like(1);
            for (int base = 0; base < x.size(); base += rows * cols) {
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        boolean keep = upper ? j - i >= k : j - i <= k;
                        if (!keep) {
                            System.arraycopy(zero.data(), 0, out.data(), base + i * cols + j, 1);
                        }
                    }
                }
            }
            return Shapes.one(out);
        };
    }

    private static Op depthSpace(Node node, boolean toSpace) {
        node.checkAttributes(toSpace ? Set.of("blocksize", "mode") : Set.of("blocksize"));
        int b = (int) node.getInt("blocksize", 0);
        String mode = node.getString("mode", "DCR");
        if (b < 1) {
            throw node.unsupported("blocksize must be positive");
        }
        if (!mode.equals("DCR") && !mode.equals("CRD")) {
            throw node.unsupported("mode '" + mode + "'");
        }
        return (ShapeOps.Move) in -> {
            Tensor x = in[0];
            if (x.rank() != 4) {
                throw new EngineException("needs a 4-D input");
            }
            int n = x.dim(0);
            int c = x.dim(1);
            int h = x.dim(2);
            int w = x.dim(3);
            Tensor tmp;
            int[] perm;
            int[] outDims;
            if (toSpace) {
                if (mode.equals("DCR")) {
                    tmp = x.reshape(n, b, b, c / (b * b), h, w);
                    perm = new int[] {0, 3, 4, 1, 5, 2};
                } else {
                    tmp = x.reshape(n, c / (b * b), b, b, h, w);
                    perm = new int[] {0, 1, 4, 2, 5, 3};
                }
                outDims = new int[] {n, c / (b * b), h * b, w * b};
            } else {
                tmp = x.reshape(n, c, h / b, b, w / b, b);
                perm = new int[] {0, 3, 5, 1, 2, 4};
                outDims = new int[] {n, c * b * b, h / b, w / b};
            }
            int[] td = tmp.dims();
            int[] pd = new int[6];
            for (int i = 0; i < 6; i++) {
                pd[i] = td[perm[i]];
            }
            Tensor out = x.like(pd);
            IndexMaps.transpose(tmp.data(), td, perm, out.data());
            return Shapes.one(out.reshape(outDims));
        };
    }

    private static Op topK(Node node, int opset) {
        node.checkAttributes(Set.of("axis", "largest", "sorted", "k"));
        long axis = node.getInt("axis", -1);
        boolean largest = node.getInt("largest", 1) != 0;
        long attrK = node.getInt("k", -1);
        return (ShapeOps.Move) in -> {
            Tensor x = in[0];
            int k = (int) (opset < 10 ? attrK : in[1].getLong(0));
            int r = x.rank();
            int a = Shapes.axis(axis, r, "TopK");
            int len = x.dim(a);
            if (k < 0 || k > len) {
                throw new EngineException("k=" + k + " out of range for axis of " + len);
            }
            int outer = Shapes.product(x.dims(), 0, a);
            int inner = Shapes.product(x.dims(), a + 1, r);
            int[] od = x.dims();
            od[a] = k;
            Tensor values = x.like(od);
            long[] idx = new long[outer * k * inner];
            Integer[] order = new Integer[len];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int base = o * len * inner + i;
                    for (int j = 0; j < len; j++) {
                        order[j] = j;
                    }
                    // Ties keep the lower index first, as the spec asks.
                    Arrays.sort(order, (p, q) -> {
                        int cmp = Double.compare(x.getDouble(base + p * inner), x.getDouble(base + q * inner));
                        return cmp != 0 ? (largest ? -cmp : cmp) : Integer.compare(p, q);
                    });
                    for (int j = 0; j < k; j++) {
                        int dst = (o * k + j) * inner + i;
                        System.arraycopy(x.data(), base + order[j] * inner, values.data(), dst, 1);
                        idx[dst] = order[j];
                    }
                }
            }
            return new Tensor[] {values, Tensor.ofLongs(idx, od)};
        };
    }

    private static Op oneHot(Node node, int opset) {
        node.checkAttributes(Set.of("axis"));
        long axis = node.getInt("axis", -1);
        return (ShapeOps.Move) in -> {
            Tensor indices = in[0];
            long depth = (long) in[1].getDouble(0);
            Tensor values = in[2];
            int r = indices.rank() + 1;
            int a = Shapes.axis(axis, r, "OneHot");
            int[] od = new int[r];
            for (int d = 0, j = 0; d < r; d++) {
                od[d] = d == a ? (int) depth : indices.dim(j++);
            }
            Tensor out = values.like(od);
            int outer = Shapes.product(od, 0, a);
            int inner = Shapes.product(od, a + 1, r);
            for (int i = 0; i < out.size(); i++) {
                System.arraycopy(values.data(), 0, out.data(), i, 1);
            }
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    long v = (long) indices.getDouble(o * inner + i);
                    if (v < 0) {
                        v += depth;
                    }
                    if (v >= 0 && v < depth) {
                        System.arraycopy(values.data(), 1, out.data(), (int) ((o * depth + v) * inner + i), 1);
                    }
                }
            }
            return Shapes.one(out);
        };
    }

    private static Op nonZero(Node node, int opset) {
        node.checkAttributes(Set.of());
        return (ShapeOps.Move) in -> {
            Tensor x = in[0];
            int r = x.rank();
            int[] st = Shapes.strides(x.dims());
            int count = 0;
            for (int i = 0; i < x.size(); i++) {
                if (x.getDouble(i) != 0) {
                    count++;
                }
            }
            long[] out = new long[r * count];
            int c = 0;
            for (int i = 0; i < x.size(); i++) {
                if (x.getDouble(i) != 0) {
                    for (int d = 0; d < r; d++) {
                        out[d * count + c] = (i / st[d]) % x.dim(d);
                    }
                    c++;
                }
            }
            return Shapes.one(Tensor.ofLongs(out, r, count));
        };
    }

    private static Op eyeLike(Node node, int opset) {
        node.checkAttributes(Set.of("dtype", "k"));
        long k = node.getInt("k", 0);
        Tensor.Type attrType = node.has("dtype") ? Tensor.Type.fromOnnx((int) node.getInt("dtype", 1)) : null;
        if (node.has("dtype") && attrType == null) {
            throw node.unsupported("dtype " + OnnxParser.typeName((int) node.getInt("dtype", 0)));
        }
        return (ShapeOps.Move) in -> {
            Tensor x = in[0];
            Tensor.Type t = attrType != null ? attrType : x.type();
            int rows = x.dim(0);
            int cols = x.dim(1);
            Tensor out = Tensor.zeros(t, rows, cols);
            for (int i = 0; i < rows; i++) {
                long j = i + k;
                if (j >= 0 && j < cols) {
                    if (t.isFloating()) {
                        out.floats()[(int) (i * cols + j)] = 1f;
                    } else {
                        out.longs()[(int) (i * cols + j)] = 1;
                    }
                }
            }
            return Shapes.one(out);
        };
    }

    private static Op lrn(Node node, int opset) {
        node.checkAttributes(Set.of("alpha", "beta", "bias", "size"));
        float alpha = node.getFloat("alpha", 1e-4f);
        float beta = node.getFloat("beta", 0.75f);
        float bias = node.getFloat("bias", 1f);
        int size = (int) node.getInt("size", 0);
        if (size < 1) {
            throw node.unsupported("missing size");
        }
        return in -> {
            Tensor x = in[0];
            int n = x.dim(0);
            int c = x.dim(1);
            int inner = Shapes.product(x.dims(), 2, x.rank());
            float[] xv = x.floats();
            float[] y = new float[xv.length];
            int lo = (size - 1) / 2;
            int hi = (size - 1) - lo;
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < inner; i++) {
                        double sq = 0;
                        for (int j = Math.max(0, ch - lo); j <= Math.min(c - 1, ch + hi); j++) {
                            double v = xv[(b * c + j) * inner + i];
                            sq += v * v;
                        }
                        int p = (b * c + ch) * inner + i;
                        y[p] = (float) (xv[p] / Math.pow(bias + alpha / size * sq, beta));
                    }
                }
            }
            return Shapes.one(Tensor.ofFloats(y, x.dims()));
        };
    }

    private static Op mvn(Node node, int opset) {
        node.checkAttributes(Set.of("axes"));
        long[] axes = node.getInts("axes", new long[] {0, 2, 3});
        return in -> {
            Tensor x = in[0];
            int r = x.rank();
            boolean[] red = new boolean[r];
            for (long a : axes) {
                red[Shapes.axis(a, r, "MeanVarianceNormalization")] = true;
            }
            int[] kd = x.dims();
            int count = 1;
            for (int d = 0; d < r; d++) {
                if (red[d]) {
                    count *= kd[d];
                    kd[d] = 1;
                }
            }
            int[] ks = io.pocketgrid.worker.engine.kernel.Broadcast.strides(kd, x.dims());
            int[] xs = Shapes.strides(x.dims());
            double[] sum = new double[Tensor.sizeOf(kd)];
            double[] sq = new double[sum.length];
            float[] xv = x.floats();
            int[] map = new int[xv.length];
            for (int i = 0; i < xv.length; i++) {
                int k = 0;
                for (int d = 0; d < r; d++) {
                    k += (i / xs[d]) % x.dim(d) * ks[d];
                }
                map[i] = k;
                sum[k] += xv[i];
                sq[k] += (double) xv[i] * xv[i];
            }
            float[] y = new float[xv.length];
            for (int i = 0; i < xv.length; i++) {
                double mean = sum[map[i]] / count;
                double var = sq[map[i]] / count - mean * mean;
                y[i] = (float) ((xv[i] - mean) / (Math.sqrt(Math.max(var, 0)) + 1e-9));
            }
            return Shapes.one(Tensor.ofFloats(y, x.dims()));
        };
    }

    private static Op cumSum(Node node, int opset) {
        node.checkAttributes(Set.of("exclusive", "reverse"));
        boolean exclusive = node.getInt("exclusive", 0) != 0;
        boolean reverse = node.getInt("reverse", 0) != 0;
        return in -> {
            Tensor x = in[0];
            int r = x.rank();
            int a = Shapes.axis(in[1].getLong(0), r, "CumSum");
            int outer = Shapes.product(x.dims(), 0, a);
            int len = x.dim(a);
            int inner = Shapes.product(x.dims(), a + 1, r);
            Tensor out = x.like(x.dims());
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    double acc = 0;
                    for (int s = 0; s < len; s++) {
                        int j = reverse ? len - 1 - s : s;
                        int p = (o * len + j) * inner + i;
                        double v = x.getDouble(p);
                        if (!exclusive) {
                            acc += v;
                        }
                        if (x.type().isFloating()) {
                            out.floats()[p] = (float) acc;
                        } else {
                            out.longs()[p] = (long) acc;
                        }
                        if (exclusive) {
                            acc += v;
                        }
                    }
                }
            }
            return Shapes.one(out);
        };
    }
}
