package io.pocketgrid.worker.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class JavaGemmBackendTest {

    private final Random rnd = new Random(3);

    @Test
    void packedGemmWithBiasAndReluMatchesANaiveProduct() {
        for (int m : new int[] {1, 2, 3, 5, 33}) {
            for (int n : new int[] {1, 7, 8, 9, 17}) {
                for (int k : new int[] {1, 9, 31}) {
                    for (boolean relu : new boolean[] {false, true}) {
                        check(m, n, k, relu, rnd.nextBoolean());
                    }
                }
            }
        }
    }

    private void check(int m, int n, int k, boolean relu, boolean transposed) {
        float[] a = random(m * (k + 2));
        float[] b = random(k * n);
        float[] bias = random(n);
        JavaGemmBackend be = new JavaGemmBackend();
        int aAt = upload(be, a);
        int bAt = upload(be, PackedB.pack(b, 0, k, n, transposed, 1f));
        int biasAt = upload(be, bias);
        int cAt = be.alloc(m * (n + 3));
        be.gemm(m, n, k, aAt, k + 2, bAt, biasAt, -1, relu ? 0f : Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, cAt, n + 3);
        float[] c = new float[m * (n + 3)];
        be.read(cAt, c, 0, c.length);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = bias[j];
                for (int p = 0; p < k; p++) {
                    s += a[i * (k + 2) + p] * (transposed ? b[j * k + p] : b[p * n + j]);
                }
                float want = relu ? (float) Math.max(0, s) : (float) s;
                assertThat(c[i * (n + 3) + j]).as("m=%d n=%d k=%d (%d,%d)", m, n, k, i, j)
                        .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-4f + 1e-5f * Math.abs(want)));
            }
        }
    }

    @Test
    void gemmAddsAResidualAndClampsKeepingNaN() {
        float[][] clamps = {{Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}, {0f, Float.POSITIVE_INFINITY},
            {0f, 6f}, {-0.5f, 0.7f}};
        int variant = 0;
        for (int m : new int[] {1, 2, 3, 7}) {
            for (int n : new int[] {1, 8, 9, 19}) {
                for (int k : new int[] {1, 4, 13}) {
                    for (boolean inPlace : new boolean[] {false, true}) {
                        float[] clamp = clamps[variant++ % clamps.length];
                        checkResidual(m, n, k, inPlace, clamp[0], clamp[1]);
                    }
                }
            }
        }
    }

    private void checkResidual(int m, int n, int k, boolean inPlace, float lo, float hi) {
        int ldc = n + 2;
        float[] a = random(m * k);
        float[] b = random(k * n);
        float[] bias = random(n);
        bias[n / 2] = Float.NaN;
        float[] r = random(m * ldc);
        JavaGemmBackend be = new JavaGemmBackend();
        int aAt = upload(be, a);
        int bAt = upload(be, PackedB.pack(b, 0, k, n, false, 1f));
        int biasAt = upload(be, bias);
        int rAt = upload(be, r);
        int cAt = inPlace ? rAt : upload(be, filled(m * ldc, 99f));
        be.gemm(m, n, k, aAt, k, bAt, biasAt, rAt, lo, hi, cAt, ldc);
        float[] c = download(be, cAt, m * ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                String what = String.format("m=%d n=%d k=%d in place %b [%s, %s] (%d,%d)", m, n, k, inPlace, lo, hi, i, j);
                if (j >= n) {
                    assertThat(c[i * ldc + j]).as(what).isEqualTo(inPlace ? r[i * ldc + j] : 99f);
                    continue;
                }
                double s = bias[j] + r[i * ldc + j];
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[p * n + j];
                }
                assertClose(c[i * ldc + j], clampRef(s, lo, hi), 1e-5, 1e-5, what);
            }
        }
    }

    @Test
    void convAndDepthwiseMatchNaiveConvolutionsOverPaddedImages() {
        // batch, h, w, c, n, kh, kw, sh, sw, padTop, padLeft, padBottom, padRight, dh, dw
        int[][] cases = {{2, 5, 6, 3, 5, 3, 2, 2, 1, 1, 1, 1, 0, 1, 2}, {1, 7, 7, 8, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
            {1, 6, 9, 5, 4, 3, 3, 2, 2, 1, 1, 1, 1, 2, 1}, {2, 4, 4, 6, 9, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1}};
        int variant = 0;
        for (int[] t : cases) {
            int batch = t[0], h = t[1], w = t[2], c = t[3], n = t[4], kh = t[5], kw = t[6], sh = t[7], sw = t[8];
            int pt = t[9], pl = t[10], pb = t[11], pr = t[12], dh = t[13], dw = t[14];
            int oh = (h + pt + pb - ((kh - 1) * dh + 1)) / sh + 1;
            int ow = (w + pl + pr - ((kw - 1) * dw + 1)) / sw + 1;
            int hp = Math.max(pt + h, (oh - 1) * sh + (kh - 1) * dh + 1);
            int wp = Math.max(pl + w, (ow - 1) * sw + (kw - 1) * dw + 1);
            Window2d win = new Window2d(h, w, c, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow);
            float lo = variant % 2 == 0 ? 0f : Float.NEGATIVE_INFINITY;
            float hi = variant % 3 == 0 ? 6f : Float.POSITIVE_INFINITY;
            variant++;
            float[] x = random(batch * h * w * c);
            float[] wConv = random(kh * kw * c * n);
            float[] bias = random(n);
            float[] res = random(batch * oh * ow * n);
            int cp = (c + 3) / 4 * 4;
            float[] wDw = new float[kh * kw * cp];
            float[] bDw = new float[cp];
            for (int tap = 0; tap < kh * kw; tap++) {
                for (int ch = 0; ch < c; ch++) {
                    wDw[tap * cp + ch] = (float) rnd.nextGaussian();
                }
            }
            for (int ch = 0; ch < c; ch++) {
                bDw[ch] = (float) rnd.nextGaussian();
            }
            JavaGemmBackend be = new JavaGemmBackend();
            int xAt = upload(be, x);
            int xpAt = upload(be, filled(batch * hp * wp * c, 7f));
            int bAt = upload(be, PackedB.pack(wConv, 0, kh * kw * c, n, false, 1f));
            int biasAt = upload(be, bias);
            int resAt = upload(be, res);
            int yAt = be.alloc(batch * oh * ow * n);
            int wDwAt = upload(be, wDw);
            int bDwAt = upload(be, bDw);
            int dyAt = upload(be, filled(batch * oh * ow * c + 4, 99f));
            be.pad(xAt, batch, h, w, c, pt, pl, hp, wp, xpAt);
            be.conv(xpAt, batch, hp, wp, win, bAt, biasAt, resAt, lo, hi, yAt, n);
            be.depthwise(xpAt, batch, hp, wp, win, wDwAt, bDwAt, lo, hi, dyAt);
            float[] y = download(be, yAt, batch * oh * ow * n);
            float[] dy = download(be, dyAt, batch * oh * ow * c + 4);
            for (int img = 0; img < batch; img++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int pixel = (img * oh + oy) * ow + ox;
                        for (int j = 0; j < n; j++) {
                            double s = bias[j] + res[pixel * n + j];
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    for (int ch = 0; ch < c; ch++) {
                                        s += input(x, img, oy * sh - pt + ky * dh, ox * sw - pl + kx * dw, ch, h, w, c)
                                                * wConv[((ky * kw + kx) * c + ch) * n + j];
                                    }
                                }
                            }
                            assertClose(y[pixel * n + j], clampRef(s, lo, hi), 1e-5, 1e-5, "conv " + pixel + "," + j);
                        }
                        for (int ch = 0; ch < c; ch++) {
                            double s = bDw[ch];
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    s += input(x, img, oy * sh - pt + ky * dh, ox * sw - pl + kx * dw, ch, h, w, c)
                                            * wDw[(ky * kw + kx) * cp + ch];
                                }
                            }
                            assertClose(dy[pixel * c + ch], clampRef(s, lo, hi), 1e-5, 1e-5, "depthwise " + pixel + "," + ch);
                        }
                    }
                }
            }
            for (int i = batch * oh * ow * c; i < dy.length; i++) {
                assertThat(dy[i]).as("depthwise wrote past its output").isEqualTo(99f);
            }
        }
    }

    /** x[img][iy][ix][ch] of NHWC x, 0 outside the image (the padding). */
    private static float input(float[] x, int img, int iy, int ix, int ch, int h, int w, int c) {
        return iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : x[((img * h + iy) * w + ix) * c + ch];
    }

    @Test
    void globalAvgPoolAveragesEachChannelOverThePixels() {
        int batch = 3, hw = 7, c = 5;
        float[] x = random(batch * hw * c);
        JavaGemmBackend be = new JavaGemmBackend();
        int xAt = upload(be, x);
        int yAt = be.alloc(batch * c);
        be.globalAvgPool(xAt, batch, hw, c, yAt);
        float[] y = download(be, yAt, batch * c);
        for (int img = 0; img < batch; img++) {
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                for (int p = 0; p < hw; p++) {
                    s += x[(img * hw + p) * c + ch];
                }
                assertClose(y[img * c + ch], s / hw, 1e-6, 1e-6, "gap " + img + "," + ch);
            }
        }
    }

    @Test
    void transposeMovesBlocksOfFloats() {
        for (int blk : new int[] {1, 3, 4}) {
            int batch = 2, rows = 3, cols = 5, size = rows * cols * blk;
            float[] x = random(batch * size);
            JavaGemmBackend be = new JavaGemmBackend();
            int xAt = upload(be, x);
            int yAt = be.alloc(batch * size);
            be.transpose(xAt, batch, rows, cols, blk, yAt);
            float[] y = download(be, yAt, batch * size);
            for (int img = 0; img < batch; img++) {
                for (int r = 0; r < rows; r++) {
                    for (int col = 0; col < cols; col++) {
                        for (int e = 0; e < blk; e++) {
                            assertThat(y[img * size + (col * rows + r) * blk + e])
                                    .isEqualTo(x[img * size + (r * cols + col) * blk + e]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void clampKeepsNaNAndTurnsMinusZeroIntoZero() {
        float[] x = {Float.NaN, -0f, 0f, -3f, 3f, 0.25f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 6.5f};
        JavaGemmBackend be = new JavaGemmBackend();
        int xAt = upload(be, x);
        be.clamp(xAt, x.length, 0f, 6f, xAt);
        float[] c = download(be, xAt, x.length);
        assertThat(c[0]).isNaN();
        assertThat(java.util.Arrays.copyOfRange(c, 1, c.length)).containsExactly(0f, 0f, 0f, 3f, 0.25f, 0f, 6f, 6f);
        assertThat(Float.floatToRawIntBits(c[1])).as("-0 clamped to [0, 6]").isZero();
        int yAt = upload(be, new float[] {-0f, -2f, Float.NaN});
        be.clamp(yAt, 3, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, yAt);
        float[] y = download(be, yAt, 3);
        assertThat(Float.floatToRawIntBits(y[0])).as("-0 without bounds").isZero();
        assertThat(y[1]).isEqualTo(-2f);
        assertThat(y[2]).isNaN();
    }

    @Test
    void addAndMulRepeatTheSecondOperand() {
        for (int yLen : new int[] {1, 3, 4, 7}) {
            for (int rows : new int[] {1, 5}) {
                int len = yLen * rows;
                float[] x = random(len);
                float[] y = random(yLen);
                JavaGemmBackend be = new JavaGemmBackend();
                int xAt = upload(be, x);
                int yAt = upload(be, y);
                int sumAt = be.alloc(len);
                be.add(xAt, yAt, len, yLen, sumAt);
                be.mul(xAt, yAt, len, yLen, xAt);
                float[] sum = download(be, sumAt, len);
                float[] prod = download(be, xAt, len);
                for (int i = 0; i < len; i++) {
                    assertThat(sum[i]).isEqualTo(x[i] + y[i % yLen]);
                    assertThat(prod[i]).isEqualTo(x[i] * y[i % yLen]);
                }
            }
        }
    }

    @Test
    void affineAndChannelAffineScaleAndShift() {
        int rows = 4, cols = 5;
        float[] x = random(rows * cols);
        float[] scale = random(cols);
        float[] shift = random(cols);
        JavaGemmBackend be = new JavaGemmBackend();
        int xAt = upload(be, x);
        int scaleAt = upload(be, scale);
        int shiftAt = upload(be, shift);
        int aAt = be.alloc(rows * cols);
        int bAt = be.alloc(rows * cols);
        int cAt = be.alloc(rows * cols);
        be.affine(xAt, rows * cols, 1.5f, -0.25f, aAt);
        be.channelAffine(xAt, rows, cols, scaleAt, shiftAt, bAt);
        be.channelAffine(xAt, rows, cols, scaleAt, -1, cAt);
        float[] a = download(be, aAt, rows * cols);
        float[] b = download(be, bAt, rows * cols);
        float[] c = download(be, cAt, rows * cols);
        for (int i = 0; i < rows * cols; i++) {
            assertThat(a[i]).isEqualTo(x[i] * 1.5f - 0.25f);
            assertThat(b[i]).isEqualTo(x[i] * scale[i % cols] + shift[i % cols]);
            assertThat(c[i]).isEqualTo(x[i] * scale[i % cols]);
        }
    }

    @Test
    void unaryOpsMatchTheirDefinitions() {
        float[] x = new float[401];
        for (int i = 0; i < x.length; i++) {
            x[i] = -10f + i * 0.05f;
        }
        for (int op = GemmBackend.SIGMOID; op <= GemmBackend.LEAKY_RELU; op++) {
            float alpha = op == GemmBackend.HARD_SIGMOID ? 0.2f : op == GemmBackend.HARD_SWISH ? 1f / 6 : 0.01f;
            float beta = 0.5f;
            JavaGemmBackend be = new JavaGemmBackend();
            int xAt = upload(be, x);
            int yAt = be.alloc(x.length);
            be.unary(op, xAt, x.length, alpha, beta, yAt);
            float[] y = download(be, yAt, x.length);
            for (int i = 0; i < x.length; i++) {
                assertClose(y[i], unaryRef(op, x[i], alpha, beta), 1e-6, 2e-6, "op " + op + " x=" + x[i]);
            }
            // special values: NaN stays NaN, the limits at ±inf
            float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
            int sAt = upload(be, special);
            be.unary(op, sAt, special.length, alpha, beta, sAt);
            float[] s = download(be, sAt, special.length);
            assertThat(s[0]).as("op %d of NaN", op).isNaN();
            float[][] limits = {null, {1, 0}, {Float.POSITIVE_INFINITY, Float.NaN}, {1, 0},
                {Float.POSITIVE_INFINITY, Float.NaN}, {Float.POSITIVE_INFINITY, Float.NaN}, {1, -1},
                {Float.POSITIVE_INFINITY, 0}, {1, -1}, {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}};
            assertClose(s[1], limits[op][0], 0, 0, "op " + op + " of +inf");
            assertClose(s[2], limits[op][1], 0, 0, "op " + op + " of -inf");
        }
    }

    /** The op codes' formulas, in double, with an erf of their own (Simpson's rule). */
    private static double unaryRef(int op, double x, double alpha, double beta) {
        double hard = Math.max(0, Math.min(1, (float) (alpha * x) + beta));
        return switch (op) {
            case GemmBackend.SIGMOID -> 1 / (1 + Math.exp(-x));
            case GemmBackend.SILU -> x / (1 + Math.exp(-x));
            case GemmBackend.HARD_SIGMOID -> hard;
            case GemmBackend.HARD_SWISH -> x * hard;
            case GemmBackend.GELU -> 0.5 * x * (1 + erfBySimpson(x / Math.sqrt(2)));
            case GemmBackend.TANH -> Math.tanh(x);
            case GemmBackend.EXP -> Math.exp(x);
            case GemmBackend.ERF -> erfBySimpson(x);
            case GemmBackend.LEAKY_RELU -> x < 0 ? alpha * x : x;
            default -> throw new IllegalArgumentException("op " + op);
        };
    }

    /** 2/sqrt(pi) times the integral of e^(-t^2) from 0 to x, by Simpson's rule on 4000 intervals. */
    private static double erfBySimpson(double x) {
        int n = 4000;
        double h = x / n;
        double s = 1 + Math.exp(-x * x);
        for (int i = 1; i < n; i++) {
            double t = i * h;
            s += (i % 2 == 1 ? 4 : 2) * Math.exp(-t * t);
        }
        return s * h / 3 * 2 / Math.sqrt(Math.PI);
    }

    @Test
    void softmaxNormalisesEachRow() {
        int rows = 3, cols = 7;
        float[] x = random(rows * cols);
        x[2] = 80f;
        x[9] = Float.NEGATIVE_INFINITY;
        x[15] = Float.NaN;
        JavaGemmBackend be = new JavaGemmBackend();
        int xAt = upload(be, x);
        be.softmax(xAt, rows, cols, xAt);
        float[] y = download(be, xAt, rows * cols);
        for (int r = 0; r < 2; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[r * cols + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[r * cols + j] - max);
            }
            for (int j = 0; j < cols; j++) {
                assertClose(y[r * cols + j], Math.exp(x[r * cols + j] - max) / sum, 1e-7, 1e-5, "softmax " + r + "," + j);
            }
        }
        for (int j = 0; j < cols; j++) {
            assertThat(y[2 * cols + j]).as("a NaN poisons its row").isNaN();
        }
    }

    @Test
    void layerNormNormalisesEachRowThenScalesAndShifts() {
        int rows = 3, cols = 9;
        float eps = 1e-5f;
        float[] x = random(rows * cols);
        float[] gamma = random(cols);
        float[] beta = random(cols);
        for (int mode = 0; mode < 3; mode++) {
            JavaGemmBackend be = new JavaGemmBackend();
            int xAt = upload(be, x);
            int gAt = mode >= 1 ? upload(be, gamma) : -1;
            int bAt = mode == 2 ? upload(be, beta) : -1;
            int yAt = be.alloc(rows * cols);
            be.layerNorm(xAt, rows, cols, gAt, bAt, eps, yAt);
            float[] y = download(be, yAt, rows * cols);
            for (int r = 0; r < rows; r++) {
                double mean = 0;
                for (int j = 0; j < cols; j++) {
                    mean += x[r * cols + j];
                }
                mean /= cols;
                double var = 0;
                for (int j = 0; j < cols; j++) {
                    var += (x[r * cols + j] - mean) * (x[r * cols + j] - mean);
                }
                var /= cols;
                for (int j = 0; j < cols; j++) {
                    double want = (x[r * cols + j] - mean) / Math.sqrt(var + eps);
                    if (mode >= 1) {
                        want *= gamma[j];
                    }
                    if (mode == 2) {
                        want += beta[j];
                    }
                    assertClose(y[r * cols + j], want, 1e-5, 1e-5, "layerNorm mode " + mode + " " + r + "," + j);
                }
            }
        }
    }

    @Test
    void packBMatchesPackedBForAnyStrides() {
        for (int k : new int[] {1, 5, 9}) {
            for (int n : new int[] {1, 8, 11}) {
                float[] b = random(k * n);
                // row-major with a wider row, transposed, and interleaved with junk
                int[][] strides = {{n + 3, 1}, {1, k + 1}, {2, 2 * k + 1}};
                for (int[] st : strides) {
                    int rs = st[0], cs = st[1];
                    float[] src = filled((k - 1) * rs + (n - 1) * cs + 1, 42f);
                    for (int p = 0; p < k; p++) {
                        for (int j = 0; j < n; j++) {
                            src[p * rs + j * cs] = b[p * n + j];
                        }
                    }
                    JavaGemmBackend be = new JavaGemmBackend();
                    int srcAt = upload(be, src);
                    int dstAt = upload(be, filled(PackedB.size(k, n), 99f));
                    be.packB(srcAt, k, n, rs, cs, dstAt);
                    assertThat(download(be, dstAt, PackedB.size(k, n))).as("k=%d n=%d rs=%d cs=%d", k, n, rs, cs)
                            .containsExactly(PackedB.pack(b, 0, k, n, false, 1f));
                }
            }
        }
    }

    /** Java's clamp of a double sum rounded to float: NaN stays, -0 becomes +0. */
    private static double clampRef(double v, float lo, float hi) {
        if (Double.isNaN(v)) {
            return v;
        }
        return v < lo ? lo : v > hi ? hi : v == 0 ? 0 : v;
    }

    /** actual within tolAbs + tolRel |expected|; NaN and infinities must match exactly. */
    private static void assertClose(float actual, double expected, double tolAbs, double tolRel, String what) {
        if (Double.isNaN(expected)) {
            assertThat(actual).as(what).isNaN();
        } else if (Double.isInfinite(expected)) {
            assertThat((double) actual).as(what).isEqualTo(expected);
        } else {
            assertThat((double) actual).as(what)
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(tolAbs + tolRel * Math.abs(expected)));
        }
    }

    @Test
    void arenaReusesFreedRegionsAndMergesNeighbours() {
        Arena arena = new Arena(0);
        int a = arena.alloc(10);
        int b = arena.alloc(3);
        int c = arena.alloc(8);
        assertThat(new int[] {a, b, c}).containsExactly(0, 12, 16);
        arena.free(a);
        arena.free(b);
        assertThat(arena.alloc(16)).isEqualTo(0);
        assertThat(arena.top()).isEqualTo(24);
    }

    private static int upload(GemmBackend be, float[] v) {
        int at = be.alloc(v.length);
        be.write(at, v, 0, v.length);
        return at;
    }

    private static float[] download(GemmBackend be, int at, int len) {
        float[] v = new float[len];
        be.read(at, v, 0, len);
        return v;
    }

    private static float[] filled(int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return v;
    }

    private float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
