package io.pocketgrid.worker.teavm;

import io.pocketgrid.worker.engine.kernel.GemmBackend;
import org.teavm.jso.typedarrays.Float32Array;

/**
 * Moves tensors between JavaScript typed arrays and a {@link GemmBackend}'s memory. SIMD backends
 * implement it over their WebAssembly memory (one {@code TypedArray.set}, no Java loop);
 * {@link #of} adapts any other backend through a Java array.
 */
interface JsMemory {

    /** Copies {@code src} into memory at float {@code address}. */
    void write(int address, Float32Array src);

    /** A new typed array holding the {@code len} floats at {@code address}. */
    Float32Array read(int address, int len);

    static JsMemory of(GemmBackend backend) {
        if (backend instanceof JsMemory m) {
            return m;
        }
        return new JsMemory() {
            @Override
            public void write(int address, Float32Array src) {
                float[] v = src.copyToJavaArray();
                backend.write(address, v, 0, v.length);
            }

            @Override
            public Float32Array read(int address, int len) {
                float[] v = new float[len];
                backend.read(address, v, 0, len);
                return Float32Array.copyFromJavaArray(v);
            }
        };
    }
}
