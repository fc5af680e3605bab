package io.pocketgrid.worker.teavm;

/**
 * Entry point of the engine's WebAssembly-GC build ({@code engine-teavm.wasm}, loaded by
 * {@code engine.js}): exports the API with the WebAssembly SIMD kernel linked into TeaVM's memory
 * ({@link WasmGcSimdBackend}) where the browser has SIMD, else the Java kernels.
 */
public final class EngineWasmMain {

    static final String BUILD = "engine-teavm";

    private EngineWasmMain() {
    }

    public static void main(String[] args) {
        new EngineApi(wasmKernels(BUILD)).export();
    }

    /** The kernels of a Wasm-GC build named {@code build} (its memory is found under that name). */
    static Kernels wasmKernels(String build) {
        return new Kernels(WasmGcSimdBackend.linked(build) ? () -> new WasmGcSimdBackend(build) : null);
    }
}
