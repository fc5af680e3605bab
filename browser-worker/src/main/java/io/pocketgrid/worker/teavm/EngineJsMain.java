package io.pocketgrid.worker.teavm;

/**
 * Entry point of the engine's JavaScript build ({@code engine-teavm.js}, loaded by
 * {@code engine.js}): exports the API with the WebAssembly SIMD kernel (its own memory per
 * model, {@link JsSimdBackend}) where the browser has SIMD, else the Java kernels.
 */
public final class EngineJsMain {

    private EngineJsMain() {
    }

    public static void main(String[] args) {
        new EngineApi(jsKernels()).export();
    }

    static Kernels jsKernels() {
        return new Kernels(JsSimdBackend.available() ? JsSimdBackend::create : null);
    }
}
