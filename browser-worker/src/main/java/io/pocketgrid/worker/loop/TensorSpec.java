package io.pocketgrid.worker.loop;

import io.pocketgrid.worker.engine.Tensor;

/**
 * A tensor a task carries, as its lease describes it: the graph input or output name, the element
 * type and the dims of the whole task (item axis first).
 */
public record TensorSpec(String name, Tensor.Type type, int[] dims) {

    /** Whether {@code t} has this spec's type and dims. */
    public boolean matches(Tensor t) {
        return t.type() == type && java.util.Arrays.equals(t.dims(), dims);
    }
}
