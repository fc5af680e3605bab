package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.onnx.OnnxParser;
import java.util.Map;
import java.util.Set;

/** Cast and CastLike between the element types the engine has. */
final class CastOps {

    private CastOps() {
    }

    static void register(Map<String, OpFactory> r) {
        r.put("Cast", CastOps::castOp);
        r.put("CastLike", (node, opset) -> {
            node.checkAttributes(Set.of("saturate"));
            return (Move) in -> Shapes.one(cast(in[0], in[1].type()));
        });
    }

    private static Op castOp(Node node, int opset) {
        node.checkAttributes(Set.of("to", "saturate"));
        if (!node.has("to")) {
            throw node.unsupported("missing 'to'");
        }
        Tensor.Type to;
        if (opset < 6 && node.getString("to", null) != null) {
            throw node.unsupported("string-valued 'to' (opset " + opset + ")");
        }
        int code = (int) node.getInt("to", 0);
        to = Tensor.Type.fromOnnx(code);
        if (to == null) {
            throw node.unsupported("cast to " + OnnxParser.typeName(code) + " is not supported");
        }
        Tensor.Type target = to;
        return (Move) in -> Shapes.one(cast(in[0], target));
    }

    /**
     * A copy of {@code t} converted to {@code to}: floats truncate toward zero, bool is x != 0,
     * FLOAT16 and BFLOAT16 round to nearest even.
     */
    static Tensor cast(Tensor t, Tensor.Type to) {
        if (t.type() == to) {
            return t;
        }
        int n = t.size();
        if (to.isFloating()) {
            float[] out;
            if (t.type().isFloating()) {
                out = t.floats().clone();
            } else {
                long[] v = t.longs();
                out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            return Tensor.ofFloats(to, out, t.dims());
        }
        long[] out = new long[n];
        if (t.type().isFloating()) {
            float[] v = t.floats();
            for (int i = 0; i < n; i++) {
                out[i] = to == Tensor.Type.BOOL ? (v[i] != 0 ? 1 : 0) : to.wrap((long) v[i]);
            }
        } else {
            long[] v = t.longs();
            for (int i = 0; i < n; i++) {
                out[i] = to.wrap(v[i]);
            }
        }
        return Tensor.ofLongs(to, out, t.dims());
    }
}
