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
    public void gemm(int m, int n, int k, int a, int lda, int b, int bias, int res, float lo, float hi, int c,
            int ldc) {
        gemm(heap, m, n, k, a, lda, b, bias, res, lo, hi, c, ldc);
    }

    /** {@link #gemm} with A read from {@code as} (the heap, or the patch rows of a convolution). */
    private void gemm(float[] as, int m, int n, int k, int a, int lda, int b, int bias, int res, float lo, float hi,
            int c, int ldc) {
        float[] h = heap;
        for (int p = 0; p < PackedB.panels(n); p++) {
            int bp = b + p * k * PackedB.PANEL;
            int j0 = p * PackedB.PANEL;
            int cols = Math.min(PackedB.PANEL, n - j0);
            int i = 0;
            for (; i + 2 <= m; i += 2) {
                twoRows(as, h, k, a + i * lda, a + (i + 1) * lda, bp);
                finish(h, tile, 0, cols, bias < 0 ? -1 : bias + j0, res < 0 ? -1 : res + i * ldc + j0, lo, hi,
                        c + i * ldc + j0);
                finish(h, tile, PackedB.PANEL, cols, bias < 0 ? -1 : bias + j0,
                        res < 0 ? -1 : res + (i + 1) * ldc + j0, lo, hi, c + (i + 1) * ldc + j0);
            }
            if (i < m) {
                twoRows(as, h, k, a + i * lda, a + i * lda, bp);
                finish(h, tile, 0, cols, bias < 0 ? -1 : bias + j0, res < 0 ? -1 : res + i * ldc + j0, lo, hi,
                        c + i * ldc + j0);
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

    private static void finish(float[] h, float[] t, int from, int cols, int bias, int res, float lo, float hi,
            int out) {
        for (int j = 0; j < cols; j++) {
            float v = t[from + j];
            if (bias >= 0) {
                v += h[bias + j];
            }
            if (res >= 0) {
                v += h[res + j];
            }
            h[out + j] = clamp(v, lo, hi);
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
    public void conv(int xp, int batch, int hp, int wp, Window2d w, int b, int bias, int res, float lo, float hi, int y,
            int n) {
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
                int at = ((img * w.oh() + oy) * w.ow()) * n;
                gemm(patches, w.ow(), n, k, 0, k, b, bias, res < 0 ? -1 : res + at, lo, hi, y + at, n);
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
    public void transpose(int x, int batch, int rows, int cols, int blk, int y) {
        float[] h = heap;
        int size = rows * cols * blk;
        for (int img = 0; img < batch; img++) {
            int src = x + img * size;
            int dst = y + img * size;
            for (int r = 0; r < rows; r++) {
                for (int col = 0; col < cols; col++) {
                    System.arraycopy(h, src + (r * cols + col) * blk, h, dst + (col * rows + r) * blk, blk);
                }
            }
        }
    }

    @Override
    public void depthwise(int xp, int batch, int hp, int wp, Window2d w, int wts, int bias, float lo, float hi, int y) {
        float[] h = heap;
        int c = w.c();
        int cp = (c + 3) & ~3;
        int out = y;
        for (int img = 0; img < batch; img++) {
            for (int oy = 0; oy < w.oh(); oy++) {
                for (int ox = 0; ox < w.ow(); ox++) {
                    for (int ch = 0; ch < c; ch++) {
                        float s = 0f;
                        for (int ky = 0; ky < w.kh(); ky++) {
                            int iy = oy * w.sh() + ky * w.dh();
                            for (int kx = 0; kx < w.kw(); kx++) {
                                int ix = ox * w.sw() + kx * w.dw();
                                s += h[xp + ((img * hp + iy) * wp + ix) * c + ch] * h[wts + (ky * w.kw() + kx) * cp + ch];
                            }
                        }
                        if (bias >= 0) {
                            s += h[bias + ch];
                        }
                        h[out++] = clamp(s, lo, hi);
                    }
                }
            }
        }
    }

    @Override
    public void globalAvgPool(int x, int batch, int hw, int c, int y) {
        float[] h = heap;
        for (int img = 0; img < batch; img++) {
            for (int ch = 0; ch < c; ch++) {
                float s = 0f;
                for (int p = 0; p < hw; p++) {
                    s += h[x + (img * hw + p) * c + ch];
                }
                h[y + img * c + ch] = s / hw;
            }
        }
    }

    @Override
    public void clamp(int x, int len, float lo, float hi, int y) {
        float[] h = heap;
        for (int i = 0; i < len; i++) {
            h[y + i] = clamp(h[x + i], lo, hi);
        }
    }

    @Override
    public void add(int x, int y, int len, int yLen, int z) {
        float[] h = heap;
        for (int i = 0; i < len; i++) {
            h[z + i] = h[x + i] + h[y + i % yLen];
        }
    }

    @Override
    public void mul(int x, int y, int len, int yLen, int z) {
        float[] h = heap;
        for (int i = 0; i < len; i++) {
            h[z + i] = h[x + i] * h[y + i % yLen];
        }
    }

    @Override
    public void affine(int x, int len, float scale, float shift, int y) {
        float[] h = heap;
        for (int i = 0; i < len; i++) {
            h[y + i] = h[x + i] * scale + shift;
        }
    }

    @Override
    public void channelAffine(int x, int rows, int cols, int scale, int shift, int y) {
        float[] h = heap;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                float v = h[x + r * cols + j] * h[scale + j];
                h[y + r * cols + j] = shift < 0 ? v : v + h[shift + j];
            }
        }
    }

    @Override
    public void unary(int op, int x, int len, float alpha, float beta, int y) {
        float[] h = heap;
        for (int i = 0; i < len; i++) {
            h[y + i] = Activations.apply(op, h[x + i], alpha, beta);
        }
    }

    @Override
    public void softmax(int x, int rows, int cols, int y) {
        float[] h = heap;
        for (int r = 0; r < rows; r++) {
            int in = x + r * cols;
            int out = y + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, h[in + j]);
            }
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(h[in + j] - max);
                h[out + j] = e;
                sum += e;
            }
            for (int j = 0; j < cols; j++) {
                h[out + j] /= sum;
            }
        }
    }

    @Override
    public void layerNorm(int x, int rows, int cols, int gamma, int beta, float eps, int y) {
        float[] h = heap;
        for (int r = 0; r < rows; r++) {
            int in = x + r * cols;
            int out = y + r * cols;
            float mean = 0f;
            for (int j = 0; j < cols; j++) {
                mean += h[in + j];
            }
            mean /= cols;
            float var = 0f;
            for (int j = 0; j < cols; j++) {
                float d = h[in + j] - mean;
                var += d * d;
            }
            var /= cols;
            float inv = (float) (1.0 / Math.sqrt(var + eps));
            for (int j = 0; j < cols; j++) {
                float v = (h[in + j] - mean) * inv;
                if (gamma >= 0) {
                    v *= h[gamma + j];
                }
                if (beta >= 0) {
                    v += h[beta + j];
                }
                h[out + j] = v;
            }
        }
    }

    @Override
    public void packB(int src, int k, int n, int rs, int cs, int dst) {
        float[] h = heap;
        int panels = PackedB.panels(n);
        for (int p = 0; p < panels; p++) {
            for (int row = 0; row < k; row++) {
                int to = dst + (p * k + row) * PackedB.PANEL;
                for (int lane = 0; lane < PackedB.PANEL; lane++) {
                    int j = p * PackedB.PANEL + lane;
                    h[to + lane] = j < n ? h[src + row * rs + j * cs] : 0f;
                }
            }
        }
    }

    /**
     * {@code min(max(v, lo), hi)} as ONNX Clip (hi wins when lo > hi); NaN stays NaN, and -0 comes
     * out +0 (ONNX Relu).
     */
    static float clamp(float v, float lo, float hi) {
        if (v != v) {
            return v;
        }
        float r = v < lo ? lo : v;
        return (r > hi ? hi : r) + 0f;
    }

}
