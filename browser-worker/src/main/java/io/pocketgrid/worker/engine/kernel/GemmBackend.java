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

    /**
     * {@code C[m×n] = A[m×k] · B + bias}, then {@code max(0, ·)} when {@code relu}. A is row-major
     * at {@code a} with leading dimension {@code lda}; B is k×n packed by {@link PackedB} at
     * {@code b}; {@code bias} is n floats or {@code -1} for none; writes C (row-major, leading
     * dimension {@code ldc}) only.
     */
    void gemm(int m, int n, int k, int a, int lda, int b, int bias, boolean relu, int c, int ldc);

    /**
     * Copies NHWC images {@code x} [batch, h, w, c] into {@code y} [batch, hp, wp, c] at row
     * {@code padTop}, column {@code padLeft}, zero elsewhere (writes all of y).
     */
    void pad(int x, int batch, int h, int w, int c, int padTop, int padLeft, int hp, int wp, int y);

    /**
     * A 2-D convolution as an implicit GEMM over padded NHWC images {@code xp} [batch, hp, wp, c]
     * (every window position inside, see {@link #pad}): for each output pixel, the row of
     * {@code kh·kw·c} inputs (ky, kx, channel) times {@code b} (packed, k×n), plus {@code bias}
     * (n floats or -1), then Relu when asked. Writes NHWC {@code y} [batch, oh, ow, n] only.
     * Uses the kernel, strides, dilations and output size of {@code w}.
     */
    void conv(int xp, int batch, int hp, int wp, Window2d w, int b, int bias, boolean relu, int y, int n);

    /** 2-D max pool of NHWC images into NHWC {@code y}; padded positions are ignored. */
    void maxPool(int x, int batch, Window2d w, int y);

    /** For each of {@code batch} matrices of rows×cols at {@code x}, writes its transpose at {@code y}. */
    void transpose(int x, int batch, int rows, int cols, int y);

    /** {@code y[i] = max(0, x[i])} for {@code len} floats (NaN stays NaN); {@code y} may equal {@code x}. */
    void relu(int x, int len, int y);

    /** Releases everything this backend holds; it must not be used afterwards. */
    default void close() {
    }
}
