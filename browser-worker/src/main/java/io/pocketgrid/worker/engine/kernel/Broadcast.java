package io.pocketgrid.worker.engine.kernel;

import io.pocketgrid.worker.engine.EngineException;
import java.util.Arrays;

/**
 * Numpy-style (ONNX multidirectional) broadcasting: output dims, per-input strides in the
 * output's index space, and a driver that walks the output one innermost row at a time.
 */
public final class Broadcast {

    /** Called once per innermost row of the output. */
    @FunctionalInterface
    public interface RowVisitor {
        /**
         * @param outOff offset of the row's first element in the output
         * @param inOffs offset of the row's first element in each input
         * @param inSteps step along the row in each input (0 where that input is broadcast)
         * @param n row length
         */
        void row(int outOff, int[] inOffs, int[] inSteps, int n);
    }

    private Broadcast() {
    }

    /** The broadcast of any number of shapes; throws when they are incompatible. */
    public static int[] dims(int[]... shapes) {
        int rank = 0;
        for (int[] s : shapes) {
            rank = Math.max(rank, s.length);
        }
        int[] out = new int[rank];
        Arrays.fill(out, 1);
        for (int[] s : shapes) {
            for (int i = 0; i < s.length; i++) {
                int o = rank - s.length + i;
                int d = s[i];
                if (out[o] == 1) {
                    out[o] = d;
                } else if (d != 1 && d != out[o]) {
                    throw new EngineException("shapes cannot be broadcast: " + describe(shapes));
                }
            }
        }
        return out;
    }

    /** Strides of a tensor of {@code in} dims seen in the index space of {@code out}. */
    public static int[] strides(int[] in, int[] out) {
        int[] st = new int[out.length];
        int s = 1;
        for (int i = in.length - 1; i >= 0; i--) {
            int o = out.length - in.length + i;
            st[o] = in[i] == 1 && out[o] != 1 ? 0 : s;
            s *= in[i];
        }
        return st;
    }

    /** Walks every innermost row of {@code outDims}; each input given by its strides. */
    public static void forEachRow(int[] outDims, int[][] inStrides, RowVisitor v) {
        int rank = outDims.length;
        int k = inStrides.length;
        int total = 1;
        for (int d : outDims) {
            total *= d;
        }
        if (total == 0) {
            return;
        }
        int[] offs = new int[k];
        int[] steps = new int[k];
        if (rank == 0) {
            v.row(0, offs, steps, 1);
            return;
        }
        int n = outDims[rank - 1];
        for (int j = 0; j < k; j++) {
            steps[j] = inStrides[j][rank - 1];
        }
        int[] idx = new int[rank];
        int[] callOffs = new int[k];
        for (int outOff = 0; outOff < total; outOff += n) {
            System.arraycopy(offs, 0, callOffs, 0, k);
            v.row(outOff, callOffs, steps, n);
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                for (int j = 0; j < k; j++) {
                    offs[j] += inStrides[j][d];
                }
                if (idx[d] < outDims[d]) {
                    break;
                }
                for (int j = 0; j < k; j++) {
                    offs[j] -= inStrides[j][d] * outDims[d];
                }
                idx[d] = 0;
            }
        }
    }

    private static String describe(int[][] shapes) {
        StringBuilder sb = new StringBuilder();
        for (int[] s : shapes) {
            if (sb.length() > 0) {
                sb.append(" vs ");
            }
            sb.append(Arrays.toString(s));
        }
        return sb.toString();
    }
}
