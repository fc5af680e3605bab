package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.IndexMaps;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Set;

/** Pad: constant, reflect, edge and wrap; negative pads crop. */
final class PadOp {

    private PadOp() {
    }

    static Op create(Node node, int opset) {
        node.checkAttributes(opset < 11 ? Set.of("mode", "pads", "value", "paddings") : Set.of("mode"));
        String mode = node.getString("mode", "constant");
        if (!mode.equals("constant") && !mode.equals("reflect") && !mode.equals("edge")
                && !(mode.equals("wrap") && opset >= 19)) {
            throw node.unsupported("mode '" + mode + "'");
        }
        long[] attrPads = opset < 11 ? node.getInts(opset < 2 ? "paddings" : "pads", null) : null;
        float attrValue = node.getFloat("value", 0f);
        return (Move) in -> {
            Tensor x = in[0];
            int r = x.rank();
            long[] pads = opset < 11 ? attrPads : Shapes.longs(in[1]);
            double value = opset < 11 ? attrValue : in.length > 2 && in[2] != null && in[2].size() > 0 ? in[2].getDouble(0) : 0;
            long[] full = new long[2 * r];
            if (opset >= 18 && in.length > 3 && in[3] != null) {
                long[] axes = Shapes.longs(in[3]);
                if (pads.length != 2 * axes.length) {
                    throw new EngineException("pads has " + pads.length + " values for " + axes.length + " axes");
                }
                for (int i = 0; i < axes.length; i++) {
                    int a = Shapes.axis(axes[i], r, "Pad");
                    full[a] = pads[i];
                    full[a + r] = pads[i + axes.length];
                }
            } else {
                if (pads == null || pads.length != 2 * r) {
                    throw new EngineException("pads must have " + 2 * r + " values");
                }
                full = pads;
            }
            int[] od = new int[r];
            int[][] map = new int[r][];
            for (int d = 0; d < r; d++) {
                int in0 = x.dim(d);
                long n = in0 + full[d] + full[d + r];
                if (n < 0) {
                    throw new EngineException("pads crop axis " + d + " below zero");
                }
                od[d] = (int) n;
                map[d] = new int[od[d]];
                for (int i = 0; i < od[d]; i++) {
                    map[d][i] = source(i - full[d], in0, mode);
                }
            }
            Tensor out = x.like(od);
            IndexMaps.gather(x.data(), x.dims(), out.data(), od, map, value);
            return Shapes.one(out);
        };
    }

    private static int source(long i, int n, String mode) {
        if (i >= 0 && i < n) {
            return (int) i;
        }
        if (n == 0) {
            return -1;
        }
        switch (mode) {
            case "edge":
                return i < 0 ? 0 : n - 1;
            case "wrap":
                return (int) (((i % n) + n) % n);
            case "reflect":
                if (n == 1) {
                    return 0;
                }
                long period = 2L * (n - 1);
                long m = ((i % period) + period) % period;
                return (int) (m < n ? m : period - m);
            default:
                return -1;
        }
    }
}
