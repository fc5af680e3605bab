package io.pocketgrid.worker.engine.kernel;

/**
 * Sliding-window index tables for convolutions and pools of any spatial rank, and the im2col /
 * col2im copies built on them.
 */
public final class Im2col {

    /** Table entry for a window position in the padding. */
    public static final int PAD = -1;
    /** Table entry for a window position past the end padding (ceil_mode windows). */
    public static final int BEYOND = -2;

    private Im2col() {
    }

    /**
     * For each kernel offset {@code kk} (row-major over {@code kernel}) and each position
     * {@code p} of {@code iter} (row-major), the row-major index into {@code target} of
     * {@code p·stride − padBegin + kk·dilation}, or {@link #PAD} / {@link #BEYOND} when outside.
     * Conv and pools iterate over output positions and target the input; ConvTranspose the
     * reverse. The result has {@code prod(kernel) · prod(iter)} entries, kernel-major.
     */
    public static int[] table(int[] iter, int[] target, int[] kernel, int[] strides, int[] dilations,
            int[] padBegin, int[] padEnd) {
        int r = iter.length;
        int nIter = 1;
        int nK = 1;
        for (int d = 0; d < r; d++) {
            nIter *= iter[d];
            nK *= kernel[d];
        }
        // Per axis: coordinate for each (kernel index, iter index), then combine.
        int[][] axis = new int[r][];
        for (int d = 0; d < r; d++) {
            axis[d] = new int[kernel[d] * iter[d]];
            for (int k = 0; k < kernel[d]; k++) {
                for (int i = 0; i < iter[d]; i++) {
                    int pos = i * strides[d] - padBegin[d] + k * dilations[d];
                    axis[d][k * iter[d] + i] = pos >= 0 && pos < target[d] ? pos
                            : pos >= target[d] + padEnd[d] ? BEYOND : PAD;
                }
            }
        }
        int[] targetStride = new int[r];
        int s = 1;
        for (int d = r - 1; d >= 0; d--) {
            targetStride[d] = s;
            s *= target[d];
        }
        int[] table = new int[nK * nIter];
        int[] kk = new int[r];
        int[] ii = new int[r];
        for (int k = 0; k < nK; k++) {
            java.util.Arrays.fill(ii, 0);
            for (int i = 0; i < nIter; i++) {
                int idx = 0;
                boolean pad = false;
                boolean beyond = false;
                for (int d = 0; d < r; d++) {
                    int c = axis[d][kk[d] * iter[d] + ii[d]];
                    if (c == BEYOND) {
                        beyond = true;
                    } else if (c == PAD) {
                        pad = true;
                    } else {
                        idx += c * targetStride[d];
                    }
                }
                idx = beyond ? BEYOND : pad ? PAD : idx;
                table[k * nIter + i] = idx;
                for (int d = r - 1; d >= 0; d--) {
                    if (++ii[d] < iter[d]) {
                        break;
                    }
                    ii[d] = 0;
                }
            }
            for (int d = r - 1; d >= 0; d--) {
                if (++kk[d] < kernel[d]) {
                    break;
                }
                kk[d] = 0;
            }
        }
        return table;
    }

    /**
     * Fills {@code col} ({@code channels·nK} rows of {@code nIter}) from {@code channels}
     * consecutive planes of {@code planeSize} floats at {@code x[xOff]}; zero where padded.
     */
    public static void im2col(float[] x, int xOff, int channels, int planeSize, int[] table, int nK, int nIter,
            float[] col) {
        for (int c = 0; c < channels; c++) {
            int plane = xOff + c * planeSize;
            for (int k = 0; k < nK; k++) {
                int row = (c * nK + k) * nIter;
                int t0 = k * nIter;
                for (int i = 0; i < nIter; i++) {
                    int t = table[t0 + i];
                    col[row + i] = t >= 0 ? x[plane + t] : 0f;
                }
            }
        }
    }

    /** Adds {@code col} ({@code channels·nK} rows of {@code nIter}) into planes of {@code y}; modifies {@code y}. */
    public static void col2im(float[] col, int channels, int[] table, int nK, int nIter, float[] y, int yOff,
            int planeSize) {
        for (int c = 0; c < channels; c++) {
            int plane = yOff + c * planeSize;
            for (int k = 0; k < nK; k++) {
                int row = (c * nK + k) * nIter;
                int t0 = k * nIter;
                for (int i = 0; i < nIter; i++) {
                    int t = table[t0 + i];
                    if (t >= 0) {
                        y[plane + t] += col[row + i];
                    }
                }
            }
        }
    }
}
