package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.ops.Window;

/**
 * One step of a plan as compiled at load, independent of the batch size: weights are already
 * packed into the backend's memory (addresses {@code packed} and {@code bias}, -1 for none).
 */
sealed interface Layer {

    String input();

    String output();

    /** Conv with group 1 over 2-D images, optionally followed by a fused Relu. */
    record Conv(String input, String output, Window window, int inChannels, int outChannels, int kh, int kw,
            int packed, int bias, boolean relu) implements Layer {
    }

    /** 2-D MaxPool. */
    record Pool(String input, String output, Window window, int kh, int kw) implements Layer {
    }

    /** Gemm or MatMul with constant B (k×n), bias and Relu fused when the graph allows. */
    record Dense(String input, String output, int k, int n, int packed, int bias, boolean relu) implements Layer {
    }

    /** A Relu nothing could absorb. */
    record Relu(String input, String output) implements Layer {
    }

    /** Flatten ({@code axis}), Reshape ({@code shape}) or Identity (both null): data stays where it is. */
    record View(String input, String output, Long axis, long[] shape, boolean allowZero) implements Layer {
    }
}
