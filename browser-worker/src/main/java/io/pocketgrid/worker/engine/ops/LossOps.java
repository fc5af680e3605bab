package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (for evaluating models on labelled data). */
final class LossOps {

    private LossOps() {
    }

    static void register(Map<String, OpFactory> r) {
        r.put("NegativeLogLikelihoodLoss", (n, o) -> loss(n, false));
        r.put("SoftmaxCrossEntropyLoss", (n, o) -> loss(n, true));
    }

    private static Op loss(Node node, boolean softmax) {
        node.checkAttributes(Set.of("reduction", "ignore_index"));
        String reduction = node.getString("reduction", "mean");
        if (!Set.of("none", "sum", "mean").contains(reduction)) {
            throw node.unsupported("reduction '" + reduction + "'");
        }
        boolean hasIgnore = node.has("ignore_index");
        long ignore = node.getInt("ignore_index", 0);
        return in -> {
            Tensor x = in[0];
            Tensor target = in[1];
            Tensor weight = in.length > 2 ? in[2] : null;
            int[] xd = x.dims();
            if (xd.length < 2) {
                throw new EngineException("input must be (N, C, ...)");
            }
            int n = xd[0];
            int c = xd[1];
            int inner = Shapes.product(xd, 2, xd.length);
            float[] logp = x.floats();
            Tensor logProb = null;
            if (softmax) {
                logp = new float[logp.length];
                float[] xv = x.floats();
                for (int b = 0; b < n; b++) {
                    for (int i = 0; i < inner; i++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int k = 0; k < c; k++) {
                            max = Math.max(max, xv[(b * c + k) * inner + i]);
                        }
                        double sum = 0;
                        for (int k = 0; k < c; k++) {
                            sum += Math.exp(xv[(b * c + k) * inner + i] - max);
                        }
                        double lse = max + Math.log(sum);
                        for (int k = 0; k < c; k++) {
                            int p = (b * c + k) * inner + i;
                            logp[p] = (float) (xv[p] - lse);
                        }
                    }
                }
                logProb = Tensor.ofFloats(logp, xd);
            }
            long[] t = Shapes.longs(target);
            if (t.length != n * inner) {
                throw new EngineException("target " + Arrays.toString(target.dims()) + " does not match input "
                        + Arrays.toString(xd));
            }
            float[] w = weight == null ? null : weight.floats();
            float[] losses = new float[n * inner];
            double total = 0;
            double weightSum = 0;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < inner; i++) {
                    int j = b * inner + i;
                    long cls = t[j];
                    if (hasIgnore && cls == ignore) {
                        continue;
                    }
                    if (cls < 0 || cls >= c) {
                        throw new EngineException("target class " + cls + " out of range [0, " + c + ")");
                    }
                    double wt = w == null ? 1 : w[(int) cls];
                    double l = -logp[(b * c + (int) cls) * inner + i] * wt;
                    losses[j] = (float) l;
                    total += l;
                    weightSum += wt;
                }
            }
            Tensor out = switch (reduction) {
                case "none" -> Tensor.ofFloats(losses, target.dims());
                case "sum" -> Tensor.scalar((float) total);
                default -> Tensor.scalar((float) (weightSum == 0 ? 0 : total / weightSum));
            };
            return logProb == null ? new Tensor[] {out} : new Tensor[] {out, logProb};
        };
    }
}
