package io.pocketgrid.portal.project;

import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.UnsupportedOpException;
import io.pocketgrid.worker.engine.ValueInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the engine's check says of an ONNX file before anything is stored: its ops, parameters,
 * FLOPs per item, inputs and outputs, or the unsupported ops by node.
 */
public record ModelReport(boolean runnable, Map<String, Integer> opCounts, long parameters, long flopsPerItem,
                          List<String> inputs, List<String> outputs, List<String> problems) {

    public static ModelReport of(byte[] onnx) {
        List<UnsupportedOpException> unsupported;
        try {
            unsupported = Model.unsupportedNodes(onnx);
        } catch (RuntimeException e) {
            return failed(List.of(e.getMessage()));
        }
        if (!unsupported.isEmpty()) {
            return failed(unsupported.stream().map(Throwable::getMessage).toList());
        }
        try {
            Model m = Model.load(onnx);
            return new ModelReport(true, m.opCounts(), m.parameterCount(), m.flopsPerItem(), describe(m.inputs()),
                    describe(m.outputs()), List.of());
        } catch (RuntimeException e) {
            return failed(List.of(e.getMessage()));
        }
    }

    private static ModelReport failed(List<String> problems) {
        return new ModelReport(false, Map.of(), 0, 0, List.of(), List.of(), problems);
    }

    private static List<String> describe(List<ValueInfo> values) {
        return values.stream().map(v -> v.name() + " " + Arrays.toString(v.dims()).replace("-1", "N")).toList();
    }
}
