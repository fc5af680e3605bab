package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.onnx.Node;

/** Makes an {@link Op} from a node, or throws {@code UnsupportedOpException} saying why not. */
@FunctionalInterface
public interface OpFactory {

    Op create(Node node, int opset);
}
