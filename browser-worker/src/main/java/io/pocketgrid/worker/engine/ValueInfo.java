package io.pocketgrid.worker.engine;

import java.util.Arrays;

/**
 * A graph input or output: its name and dims, with -1 for a symbolic or unknown dimension
 * (usually the batch axis). {@code dims} is null when the model gives no shape at all.
 */
public record ValueInfo(String name, int[] dims) {

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueInfo v && v.name.equals(name) && Arrays.equals(v.dims, dims);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + (dims == null ? "[?]" : Arrays.toString(dims));
    }
}
