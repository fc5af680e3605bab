package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.ops.Window;
import java.util.List;

/**
 * One step of a plan as compiled at load, independent of the input shapes. Kernel layers have
 * their weights packed into the backend's memory already (addresses, -1 for none); {@link Generic}
 * runs the node's own op on tensors. {@link #nodes} are the graph nodes a layer stands for (more
 * than one when fused), for reports.
 */
sealed interface Layer {

    /** Graph nodes this layer computes, first one first. */
    List<Node> nodes();

    /** The value this layer writes. */
    String output();

    /**
     * Conv with group 1 over 1-D or 2-D maps (1-D as 2-D with height 1), bias and batch norm
     * folded into the packed weights, then an optional residual value added, then a clamp.
     */
    record Conv(List<Node> nodes, String input, String output, Window window, int spatial, int inChannels,
            int outChannels, int kh, int kw, int packed, int bias, String residual, float lo, float hi)
            implements Layer {
    }

    /** Depthwise conv (group = channels, one output per channel); weights as {@code GemmBackend.depthwise} reads them. */
    record Depthwise(List<Node> nodes, String input, String output, Window window, int spatial, int channels,
            int kh, int kw, int weights, int bias, float lo, float hi) implements Layer {
    }

    /**
     * 1-D or 2-D MaxPool, or AveragePool (a depthwise conv with weights 1/(kh·kw), where padding
     * counts or there is none).
     */
    record Pool(List<Node> nodes, String input, String output, Window window, int spatial, int kh, int kw,
            boolean average, boolean countIncludePad) implements Layer {
    }

    /** GlobalAveragePool over 1-D or 2-D maps. */
    record GlobalAvg(List<Node> nodes, String input, String output) implements Layer {
    }

    /**
     * Gemm or MatMul with constant B (k×n) over the last axis of its input (leading axes are rows),
     * bias, residual and clamp fused when the graph allows.
     */
    record Dense(List<Node> nodes, String input, String output, int k, int n, int packed, int bias, String residual,
            float lo, float hi) implements Layer {
    }

    /** MatMul of two computed tensors [..., m, k] · [..., k, n] (attention). */
    record BatchedMatMul(List<Node> nodes, String a, String b, String output) implements Layer {
    }

    /**
     * {@link #CLAMP} to [alpha, beta] (Relu, Clip), {@link #AFFINE} ({@code x·alpha + beta}: arithmetic
     * with a scalar constant) or one of {@code GemmBackend}'s unary op codes.
     */
    record Unary(List<Node> nodes, String input, String output, int op, float alpha, float beta) implements Layer {
        static final int CLAMP = 0;
        static final int AFFINE = -1;
    }

    /**
     * Add or Mul of {@code a} and {@code b} (Sub/Div by a constant became Add/Mul at load);
     * {@code constant} is b's address when b is a constant uploaded at load, else -1.
     */
    record Binary(List<Node> nodes, String a, String b, String output, boolean mul, int constant) implements Layer {
    }

    /** Per-channel scale and shift (BatchNormalization nothing could absorb). */
    record ChannelAffine(List<Node> nodes, String input, String output, int channels, int scale, int shift)
            implements Layer {
    }

    /** Softmax over the last axis (opset 13+) or the flattened tail from {@code axis} (older opsets). */
    record Softmax(List<Node> nodes, String input, String output, int axis, boolean flattenTail) implements Layer {
    }

    /** LayerNormalization over the tail from {@code axis}; gamma/beta uploaded (-1 for none). */
    record LayerNorm(List<Node> nodes, String input, String output, int axis, int gamma, int beta, float eps)
            implements Layer {
    }

    /** Transpose by {@code perm}; lowered to a block transpose when the permutation is one. */
    record Transpose(List<Node> nodes, String input, String output, int[] perm) implements Layer {
    }

    /** Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout: data stays where it is (in C order). */
    record View(List<Node> nodes, String input, String output) implements Layer {
    }

    /** Any other node: its op runs on tensors read from and written back to the plan's memory. */
    record Generic(List<Node> nodes, String output) implements Layer {
    }
}
