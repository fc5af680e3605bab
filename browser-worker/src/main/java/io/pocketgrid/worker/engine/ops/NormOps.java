package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** Softmax family and normalizations (inference only): batch, layer, instance, LRN, mean-variance. */
final class NormOps {

    private NormOps() {
    }

    static void register(Map<String, OpFactory> r) {
        r.put("Softmax", (n, o) -> softmax(n, o, 0));
        r.put("LogSoftmax", (n, o) -> softmax(n, o, 1));
        r.put("Hardmax", (n, o) -> softmax(n, o, 2));
        r.put("BatchNormalization", NormOps::batchNorm);
        r.put("LayerNormalization", NormOps::layerNorm);
        r.put("InstanceNormalization", NormOps::instanceNorm);
        r.put("LRN", NormOps::lrn);
        r.put("MeanVarianceNormalization", NormOps::mvn);
    }

    /** An op that costs {@code perElement} FLOPs per output element. */
    private static Op costing(int perElement, Op op) {
        return new Op() {
            @Override
            public Tensor[] run(Tensor[] in) {
                return op.run(in);
            }

            @Override
            public long flops(Tensor[] in, Tensor[] out) {
                return (long) perElement * out[0].size();
            }
        };
    }

    /** kind 0 softmax, 1 log-softmax, 2 hardmax; before opset 13 the input is seen as 2-D at axis. */
    private static Op softmax(Node node, int opset, int kind) {
        node.checkAttributes(Set.of("axis"));
        long axis = node.getInt("axis", opset < 13 ? 1 : -1);
        return costing(kind == 2 ? 1 : 4, in -> {
            Tensor x = in[0];
            int[] d = x.dims();
            int r = d.length;
            int a = Shapes.axis(axis, Math.max(r, 1), node.opType());
            int outer;
            int len;
            int inner;
            if (opset < 13) {
                outer = Shapes.product(d, 0, a);
                len = Shapes.product(d, a, r);
                inner = 1;
            } else {
                outer = Shapes.product(d, 0, a);
                len = r == 0 ? 1 : d[a];
                inner = Shapes.product(d, a + 1, r);
            }
            float[] xv = x.floats();
            float[] y = new float[xv.length];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int base = o * len * inner + i;
                    float max = Float.NEGATIVE_INFINITY;
                    int arg = 0;
                    for (int k = 0; k < len; k++) {
                        float v = xv[base + k * inner];
                        if (v > max) {
                            max = v;
                            arg = k;
                        }
                    }
                    if (kind == 2) {
                        y[base + arg * inner] = 1f;
                        continue;
                    }
                    double sum = 0;
                    for (int k = 0; k < len; k++) {
                        sum += Math.exp(xv[base + k * inner] - max);
                    }
                    if (kind == 0) {
                        for (int k = 0; k < len; k++) {
                            y[base + k * inner] = (float) (Math.exp(xv[base + k * inner] - max) / sum);
                        }
                    } else {
                        double log = Math.log(sum);
                        for (int k = 0; k < len; k++) {
                            y[base + k * inner] = (float) (xv[base + k * inner] - max - log);
                        }
                    }
                }
            }
            return Shapes.one(Tensor.ofFloats(y, d));
        });
    }

    private static Op batchNorm(Node node, int opset) {
        node.checkAttributes(Set.of("epsilon", "momentum", "training_mode", "spatial", "is_test", "consumed_inputs"));
        if (node.getInt("training_mode", 0) != 0) {
            throw node.unsupported("training_mode=1 (inference only)");
        }
        if (node.getInt("spatial", 1) != 1) {
            throw node.unsupported("spatial=0");
        }
        if (opset < 7 && node.getInt("is_test", 0) == 0 && node.outputs().size() > 1) {
            throw node.unsupported("is_test=0 with training outputs");
        }
        for (int i = 1; i < node.outputs().size(); i++) {
            if (!node.outputs().get(i).isEmpty()) {
                throw node.unsupported("training outputs (running mean/var) requested");
            }
        }
        float eps = node.getFloat("epsilon", 1e-5f);
        return costing(2, in -> {
            Tensor x = in[0];
            int[] d = x.dims();
            if (d.length < 2) {
                throw new EngineException("X must have rank >= 2, got " + Arrays.toString(d));
            }
            int n = d[0];
            int c = d[1];
            int inner = Shapes.product(d, 2, d.length);
            float[] scale = in[1].floats();
            float[] bias = in[2].floats();
            float[] mean = in[3].floats();
            float[] var = in[4].floats();
            if (scale.length != c || bias.length != c || mean.length != c || var.length != c) {
                throw new EngineException("scale/B/mean/var must have " + c + " values");
            }
            float[] xv = x.floats();
            float[] y = new float[xv.length];
            for (int ch = 0; ch < c; ch++) {
                float mul = (float) (scale[ch] / Math.sqrt(var[ch] + (double) eps));
                float add = bias[ch] - mean[ch] * mul;
                for (int b = 0; b < n; b++) {
                    int base = (b * c + ch) * inner;
                    for (int i = 0; i < inner; i++) {
                        y[base + i] = xv[base + i] * mul + add;
                    }
                }
            }
            return Shapes.one(Tensor.ofFloats(y, d));
        });
    }

    private static Op layerNorm(Node node, int opset) {
        node.checkAttributes(Set.of("axis", "epsilon", "stash_type"));
        long axis = node.getInt("axis", -1);
        float eps = node.getFloat("epsilon", 1e-5f);
        return costing(5, in -> {
            Tensor x = in[0];
            int[] d = x.dims();
            int r = d.length;
            int a = Shapes.axis(axis, r, "LayerNormalization");
            int outer = Shapes.product(d, 0, a);
            int len = Shapes.product(d, a, r);
            int[] normDims = Arrays.copyOfRange(d, a, r);
            float[] scale = ShapeOps.broadcastTo(in[1], normDims).floats();
            float[] bias = in.length > 2 && in[2] != null ? ShapeOps.broadcastTo(in[2], normDims).floats() : null;
            float[] xv = x.floats();
            float[] y = new float[xv.length];
            int[] statDims = d.clone();
            for (int i = a; i < r; i++) {
                statDims[i] = 1;
            }
            float[] means = new float[outer];
            float[] invs = new float[outer];
            for (int o = 0; o < outer; o++) {
                int base = o * len;
                double sum = 0;
                for (int k = 0; k < len; k++) {
                    sum += xv[base + k];
                }
                double mean = sum / len;
                double sq = 0;
                for (int k = 0; k < len; k++) {
                    double dv = xv[base + k] - mean;
                    sq += dv * dv;
                }
                double inv = 1 / Math.sqrt(sq / len + eps);
                means[o] = (float) mean;
                invs[o] = (float) inv;
                for (int k = 0; k < len; k++) {
                    float v = (float) ((xv[base + k] - mean) * inv) * scale[k];
                    y[base + k] = bias == null ? v : v + bias[k];
                }
            }
            return new Tensor[] {Tensor.ofFloats(y, d), Tensor.ofFloats(means, statDims), Tensor.ofFloats(invs, statDims)};
        });
    }

    private static Op instanceNorm(Node node, int opset) {
        node.checkAttributes(Set.of("epsilon", "consumed_inputs"));
        float eps = node.getFloat("epsilon", 1e-5f);
        return costing(5, in -> {
            Tensor x = in[0];
            int[] d = x.dims();
            int n = d[0];
            int c = d[1];
            int inner = Shapes.product(d, 2, d.length);
            float[] scale = in[1].floats();
            float[] bias = in[2].floats();
            float[] xv = x.floats();
            float[] y = new float[xv.length];
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    int base = (b * c + ch) * inner;
                    double sum = 0;
                    for (int i = 0; i < inner; i++) {
                        sum += xv[base + i];
                    }
                    double mean = sum / inner;
                    double sq = 0;
                    for (int i = 0; i < inner; i++) {
                        double dv = xv[base + i] - mean;
                        sq += dv * dv;
                    }
                    double mul = scale[ch] / Math.sqrt(sq / inner + eps);
                    for (int i = 0; i < inner; i++) {
                        y[base + i] = (float) ((xv[base + i] - mean) * mul + bias[ch]);
                    }
                }
            }
            return Shapes.one(Tensor.ofFloats(y, d));
        });
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
}
