package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.UnsupportedOpException;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one registry of supported ops: an explicit map from ONNX op type to factory (no
 * reflection, so TeaVM keeps exactly what is listed here).
 */
public final class Ops {

    private static final Map<String, OpFactory> REGISTRY = build();

    private Ops() {
    }

    private static Map<String, OpFactory> build() {
        Map<String, OpFactory> r = new HashMap<>();
        r.put("Gemm", LinearOps::gemm);
        r.put("MatMul", LinearOps::matMul);
        MathOps.register(r);
        CastOps.register(r);
        ShapeOps.register(r);
        NormOps.register(r);
        ConvOps.register(r);
        PoolOps.register(r);
        ReduceOps.register(r);
        ResizeOp.register(r);
        ConstantOps.register(r);
        IndexOps.register(r);
        LossOps.register(r);
        QuantOps.register(r);
        QuantLinearOps.register(r);
        return r;
    }

    /** Supported op types, sorted. */
    public static List<String> supported() {
        List<String> names = new ArrayList<>(REGISTRY.keySet());
        Collections.sort(names);
        return names;
    }

    public static boolean isSupported(String opType) {
        return REGISTRY.containsKey(opType);
    }

    /**
     * Makes the op for a node of the default ONNX domain under the model's opset; throws
     * {@link UnsupportedOpException} for anything this engine cannot run exactly.
     */
    public static Op create(Node node, int opset) {
        if (!node.domain().isEmpty() && !node.domain().equals("ai.onnx")) {
            throw node.unsupported("domain '" + node.domain() + "' is not supported");
        }
        OpFactory f = REGISTRY.get(node.opType());
        if (f == null) {
            throw node.unsupported("this engine has no such op");
        }
        return FloatTypes.follow(node, f.create(node, opset));
    }
}
