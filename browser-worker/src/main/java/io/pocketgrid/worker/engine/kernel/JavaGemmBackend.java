package io.pocketgrid.worker.engine.kernel;

import java.util.Arrays;

/**
 * The reference {@link GemmBackend}: memory is one growable {@code float[]}, kernels are plain
 * Java that TeaVM compiles to JavaScript or WebAssembly-GC. The SIMD kernels are tested against
 * this one; browsers without WebAssembly SIMD run it.
 */
public final class JavaGemmBackend implements GemmBackend {

    private final Arena arena = new Arena(0);
    private final float[] tile = new float[2 * PackedB.PANEL];
    private float[] heap = new float[0];
    private float[] patches = new float[0];

    @Override
    public String name() {
        return "java";
    }

    @Override
    public int alloc(int floats) {
        int at = arena.alloc(floats);
        if (arena.top() > heap.length) {
            heap = Arrays.copyOf(heap, Math.max(arena.top(), heap.length + heap.length / 2));
        }
        return at;
    }

    @Override
    public void free(int address) {
        arena.free(address);
    }

    @Override
    public void write(int address, float[] src, int off, int len) {
        System.arraycopy(src, off, heap, address, len);
    }

    @Override
    public void read(int address, float[] dst, int off, int len) {
        System.arraycopy(heap, address, dst, off, len);
    }

    @Override
    public void gemm(int m, int n, int k, int a, int lda, int b, int bias, boolean relu, int c, int ldc) {
        gemm(heap, m, n, k, a, lda, b, bias, relu, c, ldc);
    }

    /** {@link #gemm} with A read from {@code as} (the heap, or the patch rows of a convolution). */
    private void gemm(float[] as, int m, int n, int k, int a, int lda, int b, int bias, boolean relu, int c, int ldc) {
        float[] h = heap;
        for (int p = 0; p < PackedB.panels(n); p++) {
            int bp = b + p * k * PackedB.PANEL;
            int j0 = p * PackedB.PANEL;
            int cols = Math.min(PackedB.PANEL, n - j0);
            int i = 0;
            for (; i + 2 <= m; i += 2) {
                twoRows(as, h, k, a + i * lda, a + (i + 1) * lda, bp);
                finish(h, tile, 0, cols, bias < 0 ? -1 : bias + j0, relu, c + i * ldc + j0);
                finish(h, tile, PackedB.PANEL, cols, bias < 0 ? -1 : bias + j0, relu, c + (i + 1) * ldc + j0);
            }
            if (i < m) {
                twoRows(as, h, k, a + i * lda, a + i * lda, bp);
                finish(h, tile, 0, cols, bias < 0 ? -1 : bias + j0, relu, c + i * ldc + j0);
            }
        }
    }

    /** Rows a0 and a1 of A (in {@code as}) times one 8-column panel (in {@code h}) into {@link #tile}. */
    private void twoRows(float[] as, float[] h, int k, int a0, int a1, int bp) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        float t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0;
        for (int p = 0; p < k; p++) {
            float x = as[a0 + p];
            float y = as[a1 + p];
            int q = bp + p * PackedB.PANEL;
            float b0 = h[q], b1 = h[q + 1], b2 = h[q + 2], b3 = h[q + 3];
            float b4 = h[q + 4], b5 = h[q + 5], b6 = h[q + 6], b7 = h[q + 7];
            s0 += x * b0;
            s1 += x * b1;
            s2 += x * b2;
            s3 += x * b3;
            s4 += x * b4;
            s5 += x * b5;
            s6 += x * b6;
            s7 += x * b7;
            t0 += y * b0;
            t1 += y * b1;
            t2 += y * b2;
            t3 += y * b3;
            t4 += y * b4;
            t5 += y * b5;
            t6 += y * b6;
            t7 += y * b7;
        }
        float[] t = tile;
        t[0] = s0;
        t[1] = s1;
        t[2] = s2;
        t[3] = s3;
        t[4] = s4;
        t[5] = s5;
        t[6] = s6;
        t[7] = s7;
        t[8] = t0;
        t[9] = t1;
        t[10] = t2;
        t[11] = t3;
        t[12] = t4;
        t[13] = t5;
        t[14] = t6;
        t[15] = t7;
    }

    private static void finish(float[] h, float[] t, int from, int cols, int bias, boolean relu, int out) {
        for (int j = 0; j < cols; j++) {
            float v = t[from + j];
            if (bias >= 0) {
                v += h[bias + j];
            }
            h[out + j] = relu ? relu(v) : v;
        }
    }

    @Override
    public void pad(int x, int batch, int h, int w, int c, int padTop, int padLeft, int hp, int wp, int y) {
        float[] v = heap;
        Arrays.fill(v, y, y + batch * hp * wp * c, 0f);
        for (int img = 0; img < batch; img++) {
            for (int iy = 0; iy < h; iy++) {
                System.arraycopy(v, x + ((img * h) + iy) * w * c, v, y + ((img * hp + iy + padTop) * wp + padLeft) * c,
                        w * c);
            }
        }
    }

    /** One output row at a time: its patches gathered into a Java array, then the GEMM. */
    @Override
    public void conv(int xp, int batch, int hp, int wp, Window2d w, int b, int bias, boolean relu, int y, int n) {
        int c = w.c();
        int k = w.patch();
        if (patches.length < w.ow() * k) {
            patches = new float[w.ow() * k];
        }
        for (int img = 0; img < batch; img++) {
            for (int oy = 0; oy < w.oh(); oy++) {
                int row = 0;
                for (int ox = 0; ox < w.ow(); ox++) {
                    for (int ky = 0; ky < w.kh(); ky++) {
                        int iy = oy * w.sh() + ky * w.dh();
                        for (int kx = 0; kx < w.kw(); kx++) {
                            int ix = ox * w.sw() + kx * w.dw();
                            System.arraycopy(heap, xp + ((img * hp + iy) * wp + ix) * c, patches, row, c);
                            row += c;
                        }
                    }
                }
                gemm(patches, w.ow(), n, k, 0, k, b, bias, relu, y + ((img * w.oh() + oy) * w.ow()) * n, n);
            }
        }
    }

    @Override
    public void maxPool(int x, int batch, Window2d w, int y) {
        float[] h = heap;
        int c = w.c();
        int out = y;
        for (int img = 0; img < batch; img++) {
            int base = x + img * w.h() * w.w() * c;
            for (int oy = 0; oy < w.oh(); oy++) {
                for (int ox = 0; ox < w.ow(); ox++) {
                    Arrays.fill(h, out, out + c, Float.NEGATIVE_INFINITY);
                    for (int ky = 0; ky < w.kh(); ky++) {
                        int iy = oy * w.sh() - w.padTop() + ky * w.dh();
                        for (int kx = 0; kx < w.kw(); kx++) {
                            int ix = ox * w.sw() - w.padLeft() + kx * w.dw();
                            if (iy >= 0 && iy < w.h() && ix >= 0 && ix < w.w()) {
                                int in = base + (iy * w.w() + ix) * c;
                                for (int ch = 0; ch < c; ch++) {
                                    h[out + ch] = Math.max(h[out + ch], h[in + ch]);
                                }
                            }
                        }
                    }
                    out += c;
                }
            }
        }
    }

    @Override
    public void transpose(int x, int batch, int rows, int cols, int y) {
        float[] h = heap;
        int size = rows * cols;
        for (int img = 0; img < batch; img++) {
            int src = x + img * size;
            int dst = y + img * size;
            for (int r = 0; r < rows; r++) {
                for (int col = 0; col < cols; col++) {
                    h[dst + col * rows + r] = h[src + r * cols + col];
                }
            }
        }
    }

    @Override
    public void relu(int x, int len, int y) {
        float[] h = heap;
        for (int i = 0; i < len; i++) {
            h[y + i] = relu(h[x + i]);
        }
    }

    /** ONNX Relu: NaN stays NaN, -0 becomes 0. */
    private static float relu(float v) {
        return v > 0f ? v : (v == v ? 0f : v);
    }
}
