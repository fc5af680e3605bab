package io.pocketgrid.worker.teavm;

import org.teavm.interop.Import;

/**
 * The WebAssembly SIMD kernels ({@code src/main/wat/kernels.wat}) as direct wasm-to-wasm imports
 * of the WebAssembly-GC build: {@code engine.js} instantiates the kernel module on TeaVM's own
 * memory and installs its exports as module {@value #MODULE}. Addresses and strides are bytes.
 * Only the Wasm-GC entry points may reach this class: the JavaScript target cannot compile
 * {@code @Import} methods.
 */
final class WasmKernels {

    static final String MODULE = "pocketgridKernels";

    private WasmKernels() {
    }

    @Import(module = MODULE, name = "gemm")
    static native void gemm(int m, int n, int k, int a, int lda, int b, int bias, int relu, int c, int ldc);

    @Import(module = MODULE, name = "pad")
    static native void pad(int x, int batch, int h, int w, int c, int pt, int pl, int hp, int wp, int y);

    @Import(module = MODULE, name = "conv")
    static native void conv(int xp, int batch, int hp, int wp, int c, int kh, int kw, int sh, int sw, int dh, int dw,
            int oh, int ow, int b, int bias, int relu, int y, int n);

    @Import(module = MODULE, name = "maxpool")
    static native void maxPool(int x, int batch, int h, int w, int c, int kh, int kw, int sh, int sw, int pt, int pl,
            int dh, int dw, int oh, int ow, int y);

    @Import(module = MODULE, name = "transpose")
    static native void transpose(int x, int batch, int rows, int cols, int y);

    @Import(module = MODULE, name = "relu")
    static native void relu(int x, int n, int y);
}
