package io.pocketgrid.worker.teavm;

import org.teavm.interop.Import;

/**
 * The WebAssembly SIMD kernels ({@code src/main/wat/kernels.wat}) as direct wasm-to-wasm imports
 * of the WebAssembly-GC build: {@code engine.js} instantiates the kernel module on TeaVM's own
 * memory and installs its exports as module {@value #MODULE}. Addresses and strides are bytes
 * ({@link #packb}'s {@code rs}, {@code cs} are floats); {@code -1} is an absent optional operand.
 * Only the Wasm-GC entry points may reach this class: the JavaScript target cannot compile
 * {@code @Import} methods.
 */
final class WasmKernels {

    static final String MODULE = "pocketgridKernels";

    private WasmKernels() {
    }

    @Import(module = MODULE, name = "gemm")
    static native void gemm(int m, int n, int k, int a, int lda, int b, int bias, int res, float lo, float hi, int c,
            int ldc);

    @Import(module = MODULE, name = "pad")
    static native void pad(int x, int batch, int h, int w, int c, int pt, int pl, int hp, int wp, int y);

    @Import(module = MODULE, name = "conv")
    static native void conv(int xp, int batch, int hp, int wp, int c, int kh, int kw, int sh, int sw, int dh, int dw,
            int oh, int ow, int b, int bias, int res, float lo, float hi, int y, int n);

    @Import(module = MODULE, name = "depthwise")
    static native void depthwise(int xp, int batch, int hp, int wp, int c, int kh, int kw, int sh, int sw, int dh,
            int dw, int oh, int ow, int wts, int bias, float lo, float hi, int y);

    @Import(module = MODULE, name = "maxpool")
    static native void maxPool(int x, int batch, int h, int w, int c, int kh, int kw, int sh, int sw, int pt, int pl,
            int dh, int dw, int oh, int ow, int y);

    @Import(module = MODULE, name = "gap")
    static native void gap(int x, int batch, int hw, int c, int y);

    @Import(module = MODULE, name = "transpose")
    static native void transpose(int x, int batch, int rows, int cols, int blk, int y);

    @Import(module = MODULE, name = "clamp")
    static native void clamp(int x, int n, float lo, float hi, int y);

    @Import(module = MODULE, name = "add")
    static native void add(int x, int y, int len, int yLen, int z);

    @Import(module = MODULE, name = "mul")
    static native void mul(int x, int y, int len, int yLen, int z);

    @Import(module = MODULE, name = "affine")
    static native void affine(int x, int n, float scale, float shift, int y);

    @Import(module = MODULE, name = "chaffine")
    static native void chaffine(int x, int rows, int cols, int scale, int shift, int y);

    @Import(module = MODULE, name = "unary")
    static native void unary(int op, int x, int n, float alpha, float beta, int y);

    @Import(module = MODULE, name = "softmax")
    static native void softmax(int x, int rows, int cols, int y);

    @Import(module = MODULE, name = "layernorm")
    static native void layernorm(int x, int rows, int cols, int gamma, int beta, float eps, int y);

    @Import(module = MODULE, name = "packb")
    static native void packb(int src, int k, int n, int rs, int cs, int dst);
}
