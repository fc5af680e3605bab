package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.Broadcast;
import io.pocketgrid.worker.engine.kernel.Sgemm;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Arrays;
import java.util.Set;

/** Gemm and MatMul, both on {@link Sgemm}. */
final class LinearOps {

    private LinearOps() {
    }

    static Op gemm(Node node, int opset) {
        node.checkAttributes(Set.of("alpha", "beta", "transA", "transB", "broadcast"));
        float alpha = node.getFloat("alpha", 1f);
        float beta = node.getFloat("beta", 1f);
        boolean ta = node.getInt("transA", 0) != 0;
        boolean tb = node.getInt("transB", 0) != 0;
        return new Op() {
            @Override
            public Tensor[] run(Tensor[] in) {
                Tensor a = in[0];
                Tensor b = in[1];
                Tensor c = in.length > 2 ? in[2] : null;
                if (a.rank() != 2 || b.rank() != 2) {
                    throw new EngineException("Gemm " + node.name() + ": A and B must be 2-D, got "
                            + Arrays.toString(a.dims()) + " and " + Arrays.toString(b.dims()));
                }
                int m = ta ? a.dim(1) : a.dim(0);
                int k = ta ? a.dim(0) : a.dim(1);
                int kb = tb ? b.dim(1) : b.dim(0);
                int n = tb ? b.dim(0) : b.dim(1);
                if (k != kb) {
                    throw new EngineException("Gemm " + node.name() + ": inner dimensions differ (" + k + " vs " + kb + ")");
                }
                float[] y = new float[m * n];
                float bet = 0f;
                if (c != null && beta != 0f) {
                    int[] od = {m, n};
                    if (!Arrays.equals(Broadcast.dims(c.dims(), od), od)) {
                        throw new EngineException("Gemm " + node.name() + ": C " + Arrays.toString(c.dims())
                                + " does not broadcast to " + Arrays.toString(od));
                    }
                    float[] cv = c.floats();
                    int[][] st = {Broadcast.strides(c.dims(), od)};
                    Broadcast.forEachRow(od, st, (o, offs, steps, len) -> {
                        for (int j = 0; j < len; j++) {
                            y[o + j] = cv[offs[0] + j * steps[0]];
                        }
                    });
                    bet = beta;
                }
                Sgemm.sgemm(ta, tb, m, n, k, alpha, a.floats(), 0, a.dim(1), b.floats(), 0, b.dim(1),
                        bet, y, 0, n);
                return new Tensor[] {Tensor.ofFloats(y, m, n)};
            }

            @Override
            public long flops(Tensor[] in, Tensor[] out) {
                Tensor a = in[0];
                long k = ta ? a.dim(0) : a.dim(1);
                return 2L * k * out[0].size() + (in.length > 2 && in[2] != null ? out[0].size() : 0);
            }
        };
    }

    static Op matMul(Node node, int opset) {
        node.checkAttributes(Set.of());
        return new Op() {
            @Override
            public Tensor[] run(Tensor[] in) {
                return new Tensor[] {matMul(in[0], in[1])};
            }

            @Override
            public long flops(Tensor[] in, Tensor[] out) {
                int[] a = in[0].dims();
                return 2L * a[a.length - 1] * out[0].size();
            }
        };
    }

    /** Numpy matmul: 1-D operands promoted and the added axis removed, batch dims broadcast. */
    static Tensor matMul(Tensor a, Tensor b) {
        int[] ad = a.dims();
        int[] bd = b.dims();
        if (ad.length == 0 || bd.length == 0) {
            throw new EngineException("MatMul needs operands of rank 1 or more");
        }
        boolean aVec = ad.length == 1;
        boolean bVec = bd.length == 1;
        if (aVec) {
            ad = new int[] {1, ad[0]};
        }
        if (bVec) {
            bd = new int[] {bd[0], 1};
        }
        int m = ad[ad.length - 2];
        int k = ad[ad.length - 1];
        int n = bd[bd.length - 1];
        if (bd[bd.length - 2] != k) {
            throw new EngineException("MatMul: inner dimensions differ: " + Arrays.toString(a.dims()) + " x "
                    + Arrays.toString(b.dims()));
        }
        int[] aBatch = Arrays.copyOf(ad, ad.length - 2);
        int[] bBatch = Arrays.copyOf(bd, bd.length - 2);
        int[] batch = Broadcast.dims(aBatch, bBatch);
        int nb = Tensor.sizeOf(batch);
        float[] av = a.floats();
        float[] bv = b.floats();
        float[] out = new float[nb * m * n];
        int[] as = Broadcast.strides(aBatch, batch);
        int[] bs = Broadcast.strides(bBatch, batch);
        int[] idx = new int[batch.length];
        for (int t = 0; t < nb; t++) {
            int ao = 0;
            int bo = 0;
            for (int d = 0; d < batch.length; d++) {
                ao += idx[d] * as[d];
                bo += idx[d] * bs[d];
            }
            Sgemm.sgemm(false, false, m, n, k, 1f, av, ao * m * k, k, bv, bo * k * n, n, 0f, out, t * m * n, n);
            for (int d = batch.length - 1; d >= 0; d--) {
                if (++idx[d] < batch[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        int[] outDims = Arrays.copyOf(batch, batch.length + 2);
        outDims[batch.length] = m;
        outDims[batch.length + 1] = n;
        if (aVec || bVec) {
            int[] squeezed = new int[outDims.length - (aVec ? 1 : 0) - (bVec ? 1 : 0)];
            int j = 0;
            for (int i = 0; i < outDims.length; i++) {
                if ((aVec && i == batch.length) || (bVec && i == batch.length + 1)) {
                    continue;
                }
                squeezed[j++] = outDims[i];
            }
            outDims = squeezed;
        }
        return Tensor.ofFloats(out, outDims);
    }
}
