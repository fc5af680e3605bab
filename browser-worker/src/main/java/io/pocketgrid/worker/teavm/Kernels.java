package io.pocketgrid.worker.teavm;

import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.kernel.JavaGemmBackend;

/**
 * The GEMM backends one TeaVM build offers. {@code simd} is null when the browser (or the
 * build) has no WebAssembly SIMD kernel; the Java reference kernels are always there.
 */
record Kernels(java.util.function.Supplier<GemmBackend> simd) {

    /** A new backend for one model: {@code simd} (the default) falls back to {@code java}; {@code generic} is none. */
    GemmBackend create(String kernel) {
        String k = kernel == null || kernel.isEmpty() ? "simd" : kernel;
        return switch (k) {
            case "simd" -> simd != null ? simd.get() : new JavaGemmBackend();
            case "java" -> new JavaGemmBackend();
            case "generic" -> null;
            default -> throw new IllegalArgumentException("unknown kernel '" + kernel + "' (simd, java or generic)");
        };
    }

    /** What {@code create} can give here, fastest first. */
    String available() {
        return simd != null ? "simd,java,generic" : "java,generic";
    }
}
