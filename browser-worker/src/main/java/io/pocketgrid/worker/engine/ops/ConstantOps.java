package io.pocketgrid.worker.engine.ops;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.onnx.Attribute;
import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.onnx.OnnxParser;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** Ops that make tensors from attributes or shapes alone: Constant, ConstantOfShape, Range, EyeLike, OneHot. */
final class ConstantOps {

    private ConstantOps() {
    }

    static void register(Map<String, OpFactory> r) {
        r.put("Constant", ConstantOps::constant);
        r.put("ConstantOfShape", ConstantOps::constantOfShape);
        r.put("Range", ConstantOps::range);
        r.put("EyeLike", ConstantOps::eyeLike);
        r.put("OneHot", ConstantOps::oneHot);
    }

    private static Op constant(Node node, int opset) {
        if (node.attributes().size() != 1) {
            throw node.unsupported("needs exactly one value attribute");
        }
        Attribute a = node.attributes().values().iterator().next();
        Tensor value;
        try {
            value = switch (a.name()) {
                case "value" -> a.tensor();
                case "value_float" -> Tensor.scalar(a.f());
                case "value_floats" -> Tensor.ofFloats(a.floats(), a.floats().length);
                case "value_int" -> Tensor.scalarLong(a.i());
                case "value_ints" -> Tensor.ofLongs(a.ints(), a.ints().length);
                default -> throw node.unsupported("attribute '" + a.name() + "' is not supported");
            };
        } catch (EngineException e) {
            if (e instanceof io.pocketgrid.worker.engine.UnsupportedOpException u) {
                throw u;
            }
            throw node.unsupported(e.getMessage());
        }
        return (Move) in -> Shapes.one(value);
    }

    private static Op constantOfShape(Node node, int opset) {
        node.checkAttributes(Set.of("value"));
        Tensor value;
        try {
            value = node.has("value") ? node.attributes().get("value").tensor() : Tensor.scalar(0f);
        } catch (EngineException e) {
            throw node.unsupported(e.getMessage());
        }
        return (Move) in -> {
            int[] d = Shapes.toInts(Shapes.longs(in[0]));
            Tensor out = value.like(d);
            if (value.type().isFloating()) {
                Arrays.fill(out.floats(), value.floats()[0]);
            } else {
                Arrays.fill(out.longs(), value.longs()[0]);
            }
            return Shapes.one(out);
        };
    }

    private static Op range(Node node, int opset) {
        node.checkAttributes(Set.of());
        return in -> {
            Tensor start = in[0];
            if (start.type().isFloating()) {
                float s = start.floats()[0];
                float l = in[1].floats()[0];
                float d = in[2].floats()[0];
                int n = (int) Math.max(Math.ceil((l - s) / d), 0);
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = s + i * d;
                }
                return Shapes.one(Tensor.ofFloats(out, n));
            }
            long s = start.longs()[0];
            long l = in[1].longs()[0];
            long d = in[2].longs()[0];
            if (d == 0) {
                throw new EngineException("delta 0");
            }
            int n = (int) Math.max(Math.ceil((double) (l - s) / d), 0);
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = s + i * d;
            }
            return Shapes.one(Tensor.ofLongs(start.type(), out, n));
        };
    }

    private static Op eyeLike(Node node, int opset) {
        node.checkAttributes(Set.of("dtype", "k"));
        long k = node.getInt("k", 0);
        Tensor.Type attrType = node.has("dtype") ? Tensor.Type.fromOnnx((int) node.getInt("dtype", 1)) : null;
        if (node.has("dtype") && attrType == null) {
            throw node.unsupported("dtype " + OnnxParser.typeName((int) node.getInt("dtype", 0)));
        }
        return (Move) in -> {
            Tensor x = in[0];
            Tensor.Type t = attrType != null ? attrType : x.type();
            int rows = x.dim(0);
            int cols = x.dim(1);
            Tensor out = Tensor.zeros(t, rows, cols);
            for (int i = 0; i < rows; i++) {
                long j = i + k;
                if (j >= 0 && j < cols) {
                    if (t.isFloating()) {
                        out.floats()[(int) (i * cols + j)] = 1f;
                    } else {
                        out.longs()[(int) (i * cols + j)] = 1;
                    }
                }
            }
            return Shapes.one(out);
        };
    }

    private static Op oneHot(Node node, int opset) {
        node.checkAttributes(Set.of("axis"));
        long axis = node.getInt("axis", -1);
        return (Move) in -> {
            Tensor indices = in[0];
            long depth = (long) in[1].getDouble(0);
            Tensor values = in[2];
            int r = indices.rank() + 1;
            int a = Shapes.axis(axis, r, "OneHot");
            int[] od = new int[r];
            for (int d = 0, j = 0; d < r; d++) {
                od[d] = d == a ? (int) depth : indices.dim(j++);
            }
            Tensor out = values.like(od);
            int outer = Shapes.product(od, 0, a);
            int inner = Shapes.product(od, a + 1, r);
            for (int i = 0; i < out.size(); i++) {
                System.arraycopy(values.data(), 0, out.data(), i, 1);
            }
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    long v = (long) indices.getDouble(o * inner + i);
                    if (v < 0) {
                        v += depth;
                    }
                    if (v >= 0 && v < depth) {
                        System.arraycopy(values.data(), 1, out.data(), (int) ((o * depth + v) * inner + i), 1);
                    }
                }
            }
            return Shapes.one(out);
        };
    }
}
