package io.pocketgrid.worker.engine.kernel;

/**
 * The layout every {@link GemmBackend#gemm} reads its B operand in: k×n split into panels of
 * {@value #PANEL} columns; panel {@code p} holds rows 0..k-1 of columns {@code 8p..8p+7}, eight
 * floats per row, contiguous; columns past n are zero. The SIMD micro-kernel loads one row of a
 * panel as two 128-bit vectors.
 */
public final class PackedB {

    /** Columns per panel. */
    public static final int PANEL = 8;

    private PackedB() {
    }

    /** Floats taken by a packed k×n matrix. */
    public static int size(int k, int n) {
        return panels(n) * k * PANEL;
    }

    public static int panels(int n) {
        return (n + PANEL - 1) / PANEL;
    }

    /**
     * Packs B = {@code scale · src} where src is k×n row-major at {@code off} (or n×k when
     * {@code transposed}, i.e. B is its transpose). Returns a new array of {@link #size} floats.
     */
    public static float[] pack(float[] src, int off, int k, int n, boolean transposed, float scale) {
        float[] out = new float[size(k, n)];
        for (int j = 0; j < n; j++) {
            int panel = j / PANEL;
            int lane = j % PANEL;
            int base = panel * k * PANEL + lane;
            for (int p = 0; p < k; p++) {
                float v = transposed ? src[off + j * k + p] : src[off + p * n + j];
                out[base + p * PANEL] = scale == 1f ? v : scale * v;
            }
        }
        return out;
    }
}
