package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.Tensor;

/** One node made ready to run: attributes are already read and checked. */
public interface Op {

    /**
     * Computes the outputs. {@code inputs} has one entry per node input, null for an absent
     * optional one; the result has one entry per node output (trailing optional ones may be
     * missing). Never modifies the inputs.
     */
    Tensor[] run(Tensor[] inputs);

    /** Floating-point operations this run took; by default one per output element. */
    default long flops(Tensor[] inputs, Tensor[] outputs) {
        return outputs.length > 0 && outputs[0] != null ? outputs[0].size() : 0;
    }
}
