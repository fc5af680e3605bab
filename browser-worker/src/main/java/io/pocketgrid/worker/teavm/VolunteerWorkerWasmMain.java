package io.pocketgrid.worker.teavm;

/**
 * Entry point of the volunteer worker's WebAssembly-GC build: the same loop as
 * {@link VolunteerWorkerMain}, with the SIMD kernel linked into TeaVM's memory.
 */
public final class VolunteerWorkerWasmMain {

    static final String BUILD = "volunteer-worker";

    private VolunteerWorkerWasmMain() {
    }

    public static void main(String[] args) {
        VolunteerWorkerMain.start(EngineWasmMain.wasmKernels(BUILD));
    }
}
