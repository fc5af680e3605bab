package io.pocketgrid.worker.engine.kernel;

/**
 * The seam between the engine's accelerated plan ({@code engine.plan}) and a kernel
 * implementation: a flat float memory addressed by float index, the GEMM over weights packed at
 * load ({@link PackedB}), and the data movement that feeds it. {@link JavaGemmBackend} is the
 * pure-Java reference (and the JVM path); the browser builds add WebAssembly SIMD implementations
 * in {@code teavm/} whose memory is WebAssembly linear memory, so a run copies nothing between
 * kernels. Activations are NHWC inside the plan so that a convolution is one GEMM whose B operand
 * is the packed weights.
 *
 * <p>An instance belongs to one model and is used by one thread at a time. Addresses are float
 * indices, 4-aligned (16 bytes). Every method writes only the region its Javadoc names.
 */
public interface GemmBackend {

    /** Short name for reports, e.g. {@code java} or {@code wasm-simd-relaxed}. */
    String name();

    /** Reserves {@code floats} floats (contents undefined); returns the 4-aligned address. */
    int alloc(int floats);

    /** Returns a region from {@link #alloc}; the backend may reuse it. */
    void free(int address);

    /** Copies {@code len} floats from {@code src[off..]} into memory at {@code address}. */
    void write(int address, float[] src, int off, int len);

    /** Copies {@code len} floats at {@code address} into {@code dst[off..]}. */
    void read(int address, float[] dst, int off, int len);

    /** Op codes of {@link #unary}. */
    int SIGMOID = 1;
    /** {@code x·sigmoid(x)}. */
    int SILU = 2;
    /** {@code clamp(alpha·x + beta, 0, 1)}. */
    int HARD_SIGMOID = 3;
    /** {@code x·clamp(alpha·x + beta, 0, 1)} (ONNX HardSwish: alpha 1/6, beta 1/2). */
    int HARD_SWISH = 4;
    /** {@code 0.5·x·(1 + erf(x/√2))}. */
    int GELU = 5;
    int TANH = 6;
    int EXP = 7;
    int ERF = 8;
    /** {@code x ≥ 0 ? x : alpha·x}. */
    int LEAKY_RELU = 9;

    /**
     * {@code C[m×n] = clamp(A[m×k] · B + bias + R, lo, hi)}. A is row-major at {@code a} with
     * leading dimension {@code lda}; B is k×n packed by {@link PackedB} at {@code b}; {@code bias}
     * is n floats or {@code -1} for none; {@code res} is a residual m×n with leading dimension
     * {@code ldc} or {@code -1} for none (it may equal {@code c}). The clamp keeps NaN; no clamp is
     * {@code -∞, +∞}, Relu {@code 0, +∞}. Writes C (row-major, leading dimension {@code ldc}) only.
     */
    void gemm(int m, int n, int k, int a, int lda, int b, int bias, int res, float lo, float hi, int c, int ldc);

    /**
     * Copies NHWC images {@code x} [batch, h, w, c] into {@code y} [batch, hp, wp, c] at row
     * {@code padTop}, column {@code padLeft}, zero elsewhere (writes all of y).
     */
    void pad(int x, int batch, int h, int w, int c, int padTop, int padLeft, int hp, int wp, int y);

    /**
     * A 2-D convolution as an implicit GEMM over padded NHWC images {@code xp} [batch, hp, wp, c]
     * (every window position inside, see {@link #pad}): for each output pixel, the row of
     * {@code kh·kw·c} inputs (ky, kx, channel) times {@code b} (packed, k×n), plus {@code bias}
     * (n floats or -1), plus the residual {@code res} (NHWC like y, or -1), clamped to
     * {@code [lo, hi]}. Writes NHWC {@code y} [batch, oh, ow, n] only. Uses the kernel, strides,
     * dilations and output size of {@code w}.
     */
    void conv(int xp, int batch, int hp, int wp, Window2d w, int b, int bias, int res, float lo, float hi, int y,
            int n);

    /**
     * A depthwise 2-D convolution (group = channels = {@code w.c()}, one output per channel) over
     * padded NHWC images {@code xp} [batch, hp, wp, c]: {@code y[img][oy][ox][ch] = clamp(Σ
     * xp[img][oy·sh + ky·dh][ox·sw + kx·dw][ch] · wts[(ky·kw + kx)·cp + ch] + bias[ch], lo, hi)}
     * where {@code cp} is c rounded up to a multiple of 4 (weights zero past c); {@code bias} is
     * cp floats or -1. Writes NHWC {@code y} [batch, oh, ow, c] only.
     */
    void depthwise(int xp, int batch, int hp, int wp, Window2d w, int wts, int bias, float lo, float hi, int y);

    /** 2-D max pool of NHWC images into NHWC {@code y}; padded positions are ignored. */
    void maxPool(int x, int batch, Window2d w, int y);

    /** {@code y[img][ch]} = mean over the {@code hw} pixels of NHWC {@code x} [batch, hw, c]. */
    void globalAvgPool(int x, int batch, int hw, int c, int y);

    /**
     * For each of {@code batch} matrices of rows×cols blocks of {@code blk} floats at {@code x},
     * writes its (block) transpose at {@code y}: block (r, col) goes to (col, r).
     */
    void transpose(int x, int batch, int rows, int cols, int blk, int y);

    /** {@code y[i] = clamp(x[i], lo, hi)} for {@code len} floats (NaN stays NaN); {@code y} may equal {@code x}. */
    void clamp(int x, int len, float lo, float hi, int y);

    /**
     * {@code z[i] = x[i] + y[i % yLen]} for {@code i < len} ({@code len} a multiple of
     * {@code yLen}: {@code y} repeats); {@code z} may equal {@code x}.
     */
    void add(int x, int y, int len, int yLen, int z);

    /** {@code z[i] = x[i] · y[i % yLen]}, as {@link #add}. */
    void mul(int x, int y, int len, int yLen, int z);

    /** {@code y[i] = x[i] · scale + shift}; {@code y} may equal {@code x}. */
    void affine(int x, int len, float scale, float shift, int y);

    /**
     * {@code y[r][j] = x[r][j] · scale[j] + shift[j]} over rows×cols ({@code shift} may be -1):
     * per-channel scaling of NHWC data.
     */
    void channelAffine(int x, int rows, int cols, int scale, int shift, int y);

    /** {@code y[i] = f(x[i])} for the op code {@link #SIGMOID}…{@link #LEAKY_RELU}; {@code y} may equal {@code x}. */
    void unary(int op, int x, int len, float alpha, float beta, int y);

    /** Softmax of each of {@code rows} rows of {@code cols} floats; {@code y} may equal {@code x}. */
    void softmax(int x, int rows, int cols, int y);

    /**
     * Layer normalisation of each row: {@code (x − mean) / sqrt(var + eps) · gamma + beta}
     * ({@code gamma}, {@code beta}: cols floats or -1 for none). {@code y} may equal {@code x}.
     */
    void layerNorm(int x, int rows, int cols, int gamma, int beta, float eps, int y);

    /**
     * Packs a computed k×n matrix, element (p, j) at {@code src + p·rs + j·cs}, into the
     * {@link PackedB} layout at {@code dst} ({@link PackedB#size} floats, zero past n).
     */
    void packB(int src, int k, int n, int rs, int cs, int dst);

    /** Releases everything this backend holds; it must not be used afterwards. */
    default void close() {
    }
}
