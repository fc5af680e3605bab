package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.onnx.Node;
import java.util.Set;

/**
 * FLOAT16, BFLOAT16 and DOUBLE without a copy of every op: ops compute in float32, and this
 * wrapper gives their floating-point outputs the type ONNX says they have, the type of the node's
 * first floating-point input (its {@code T}), rounding the values to it. Ops whose output type
 * comes from an attribute or another input's type handle types themselves and are not wrapped.
 */
final class FloatTypes {

    /** Ops whose floating-point output type is not their first floating-point input's. */
    private static final Set<String> OWN_TYPES = Set.of("Cast", "CastLike", "EyeLike", "QuantizeLinear",
            "DequantizeLinear", "DynamicQuantizeLinear", "MatMulInteger", "ConvInteger", "QLinearMatMul",
            "QLinearConv");
    /** Ops whose later outputs have a fixed float32 type (LayerNormalization's mean and 1/stddev). */
    private static final Set<String> FIRST_OUTPUT_ONLY = Set.of("LayerNormalization");

    private FloatTypes() {
    }

    static Op follow(Node node, Op op) {
        if (OWN_TYPES.contains(node.opType())) {
            return op;
        }
        int outputs = FIRST_OUTPUT_ONLY.contains(node.opType()) ? 1 : Integer.MAX_VALUE;
        return new Op() {
            @Override
            public Tensor[] run(Tensor[] in) {
                Tensor.Type t = floatType(in);
                Tensor[] out = op.run(in);
                return t == null || t == Tensor.Type.FLOAT ? out : retype(out, in, t, outputs);
            }

            @Override
            public long flops(Tensor[] in, Tensor[] out) {
                return op.flops(in, out);
            }
        };
    }

    /** The type of the first floating-point input, or null when there is none. */
    private static Tensor.Type floatType(Tensor[] in) {
        for (Tensor x : in) {
            if (x != null && x.type().isFloating()) {
                return x.type();
            }
        }
        return null;
    }

    private static Tensor[] retype(Tensor[] out, Tensor[] in, Tensor.Type t, int outputs) {
        for (int j = 0; j < out.length && j < outputs; j++) {
            Tensor y = out[j];
            if (y == null || !y.type().isFloating()) {
                continue;
            }
            if (y.type() == t) {
                // rounds what the op computed; values read from an input are already rounded
                out[j] = Tensor.ofFloats(t, y.floats(), y.dims());
            } else {
                // a view of an input must not be rounded in place
                out[j] = shares(y, in) ? CastOps.cast(y, t) : y.retypeInPlace(t);
            }
        }
        return out;
    }

    private static boolean shares(Tensor y, Tensor[] in) {
        for (Tensor x : in) {
            if (x != null && x.data() == y.data()) {
                return true;
            }
        }
        return false;
    }
}
