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
        MatMulShape g = MatMulShape.of(a.dims(), b.dims());
        int m = g.m();
        int k = g.k();
        int n = g.n();
        float[] av = a.floats();
        float[] bv = b.floats();
        float[] out = new float[g.products() * m * n];
        for (int t = 0; t < g.products(); t++) {
            Sgemm.sgemm(false, false, m, n, k, 1f, av, g.aOffsets()[t], k, bv, g.bOffsets()[t], n, 0f, out, t * m * n,
                    n);
        }
        return Tensor.ofFloats(out, g.outDims());
    }
}
