package io.pocketgrid.worker.engine.onnx;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import java.util.List;

/**
 * One {@code AttributeProto}. A tensor attribute whose element type the engine lacks keeps the
 * reason instead, so that the op using it can report itself as unsupported.
 */
public record Attribute(String name, int type, float f, long i, String s, Tensor t, String tensorError,
        float[] floats, long[] ints, List<String> strings) {

    public static final int FLOAT = 1;
    public static final int INT = 2;
    public static final int STRING = 3;
    public static final int TENSOR = 4;
    public static final int GRAPH = 5;
    public static final int FLOATS = 6;
    public static final int INTS = 7;
    public static final int STRINGS = 8;

    /** The tensor value; throws with the reason when it could not be read. */
    public Tensor tensor() {
        if (t == null) {
            throw new EngineException(tensorError != null ? tensorError : "attribute " + name + " has no tensor");
        }
        return t;
    }
}
