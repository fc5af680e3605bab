package io.pocketgrid.worker.engine.onnx;

import io.pocketgrid.worker.engine.Tensor;
import java.util.List;
import java.util.Map;

/**
 * A parsed ONNX model: its main graph and the opset of each imported domain ("" is the default
 * ONNX domain).
 */
public record OnnxGraph(long irVersion, Map<String, Long> opsets, String name, List<Node> nodes,
        Map<String, Tensor> initializers, List<OnnxValue> inputs, List<OnnxValue> outputs) {

    /** The default-domain opset (ONNX treats "ai.onnx" and "" alike). */
    public int onnxOpset() {
        Long v = opsets.get("");
        if (v == null) {
            v = opsets.get("ai.onnx");
        }
        return v == null ? 1 : v.intValue();
    }
}
