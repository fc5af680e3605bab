package io.pocketgrid.worker.engine.kernel;

/**
 * Data movement where each output coordinate reads from an independent source coordinate per
 * axis: Slice, Pad, Tile, Expand, nearest Resize. Works on {@code float[]} and {@code long[]}.
 */
public final class IndexMaps {

    private IndexMaps() {
    }

    /**
     * Writes {@code out[o] = src[Σ map[d][o_d] · srcStride[d]]}, or {@code fill} where any
     * {@code map[d][o_d]} is negative. {@code src} and {@code out} are both float[] or both
     * long[]; modifies {@code out} only.
     */
    public static void gather(Object src, int[] srcDims, Object out, int[] outDims, int[][] map, double fill) {
        int rank = outDims.length;
        int total = 1;
        for (int d : outDims) {
            total *= d;
        }
        if (total == 0) {
            return;
        }
        float[] sf = src instanceof float[] f ? f : null;
        long[] sl = src instanceof long[] l ? l : null;
        float[] of = out instanceof float[] f ? f : null;
        long[] ol = out instanceof long[] l ? l : null;
        if (rank == 0) {
            copy(sf, sl, 0, of, ol, 0);
            return;
        }
        int[] stride = new int[rank];
        int s = 1;
        for (int d = rank - 1; d >= 0; d--) {
            stride[d] = s;
            s *= srcDims[d];
        }
        int n = outDims[rank - 1];
        int[] last = map[rank - 1];
        int lastStride = stride[rank - 1];
        int[] idx = new int[rank];
        float ff = (float) fill;
        long fl = (long) fill;
        for (int o = 0; o < total; o += n) {
            int base = 0;
            boolean outside = false;
            for (int d = 0; d < rank - 1; d++) {
                int m = map[d][idx[d]];
                if (m < 0) {
                    outside = true;
                    break;
                }
                base += m * stride[d];
            }
            if (sf != null) {
                for (int j = 0; j < n; j++) {
                    int m = last[j];
                    of[o + j] = outside || m < 0 ? ff : sf[base + m * lastStride];
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int m = last[j];
                    ol[o + j] = outside || m < 0 ? fl : sl[base + m * lastStride];
                }
            }
            for (int d = rank - 2; d >= 0; d--) {
                if (++idx[d] < outDims[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
    }

    /** Transposes {@code src} (dims {@code srcDims}) by {@code perm} into {@code out}; modifies {@code out}. */
    public static void transpose(Object src, int[] srcDims, int[] perm, Object out) {
        int rank = srcDims.length;
        int[] srcStride = new int[rank];
        int s = 1;
        for (int d = rank - 1; d >= 0; d--) {
            srcStride[d] = s;
            s *= srcDims[d];
        }
        int total = s;
        if (total == 0) {
            return;
        }
        float[] sf = src instanceof float[] f ? f : null;
        long[] sl = src instanceof long[] l ? l : null;
        float[] of = out instanceof float[] f ? f : null;
        long[] ol = out instanceof long[] l ? l : null;
        if (rank == 0) {
            copy(sf, sl, 0, of, ol, 0);
            return;
        }
        int[] outDims = new int[rank];
        int[] st = new int[rank];
        for (int d = 0; d < rank; d++) {
            outDims[d] = srcDims[perm[d]];
            st[d] = srcStride[perm[d]];
        }
        int n = outDims[rank - 1];
        int step = st[rank - 1];
        int[] idx = new int[rank];
        int base = 0;
        for (int o = 0; o < total; o += n) {
            if (sf != null) {
                for (int j = 0; j < n; j++) {
                    of[o + j] = sf[base + j * step];
                }
            } else {
                for (int j = 0; j < n; j++) {
                    ol[o + j] = sl[base + j * step];
                }
            }
            for (int d = rank - 2; d >= 0; d--) {
                base += st[d];
                if (++idx[d] < outDims[d]) {
                    break;
                }
                base -= st[d] * outDims[d];
                idx[d] = 0;
            }
        }
    }

    private static void copy(float[] sf, long[] sl, int si, float[] of, long[] ol, int oi) {
        if (sf != null) {
            of[oi] = sf[si];
        } else {
            ol[oi] = sl[si];
        }
    }
}
