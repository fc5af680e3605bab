package io.pocketgrid.worker.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test-only writer of ONNX models in protobuf wire format, to build small graphs in code. */
public final class OnnxBuilder {

    /** A protobuf message being written. */
    public static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long v) {
            tag(field, 0);
            raw(v);
            return this;
        }

        Proto fixed32(int field, int v) {
            tag(field, 5);
            le32(v);
            return this;
        }

        Proto bytes(int field, byte[] b) {
            tag(field, 2);
            raw(b.length);
            out.writeBytes(b);
            return this;
        }

        Proto string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto m) {
            return bytes(field, m.toByteArray());
        }

        Proto packedVarints(int field, long[] v) {
            Proto p = new Proto();
            for (long x : v) {
                p.raw(x);
            }
            return bytes(field, p.toByteArray());
        }

        Proto packedFloats(int field, float[] v) {
            Proto p = new Proto();
            for (float x : v) {
                p.le32(Float.floatToRawIntBits(x));
            }
            return bytes(field, p.toByteArray());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        private void tag(int field, int wire) {
            raw((long) field << 3 | wire);
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }

        private void le32(int v) {
            out.write(v);
            out.write(v >>> 8);
            out.write(v >>> 16);
            out.write(v >>> 24);
        }
    }

    /** A node attribute. */
    public record Attr(Proto proto) {
    }

    private final int opset;
    private final List<Proto> nodes = new ArrayList<>();
    private final List<Proto> inits = new ArrayList<>();
    private final List<Proto> inputs = new ArrayList<>();
    private final List<Proto> outputs = new ArrayList<>();

    public OnnxBuilder(int opset) {
        this.opset = opset;
    }

    /** A float input; -1 dims become the symbolic dim "N". */
    public OnnxBuilder input(String name, int... dims) {
        inputs.add(valueInfo(name, 1, dims));
        return this;
    }

    public OnnxBuilder input(String name, Tensor.Type type, int... dims) {
        inputs.add(valueInfo(name, type.onnxCode(), dims));
        return this;
    }

    public OnnxBuilder output(String name, int... dims) {
        outputs.add(valueInfo(name, 1, dims));
        return this;
    }

    public OnnxBuilder output(String name, Tensor.Type type, int... dims) {
        outputs.add(valueInfo(name, type.onnxCode(), dims));
        return this;
    }

    public OnnxBuilder initializer(String name, Tensor t) {
        inits.add(tensor(name, t, t.type() == Tensor.Type.FLOAT));
        return this;
    }

    /** An initializer written with float_data instead of raw_data. */
    public OnnxBuilder initializerFloatData(String name, Tensor t) {
        inits.add(tensor(name, t, false));
        return this;
    }

    public OnnxBuilder node(String op, String[] in, String[] out, Attr... attrs) {
        return node(op, op + nodes.size(), in, out, attrs);
    }

    public OnnxBuilder node(String op, String name, String[] in, String[] out, Attr... attrs) {
        Proto n = new Proto();
        for (String s : in) {
            n.string(1, s);
        }
        for (String s : out) {
            n.string(2, s);
        }
        n.string(3, name);
        n.string(4, op);
        for (Attr a : attrs) {
            n.message(5, a.proto());
        }
        nodes.add(n);
        return this;
    }

    public byte[] build() {
        Proto g = new Proto();
        for (Proto n : nodes) {
            g.message(1, n);
        }
        g.string(2, "test");
        for (Proto t : inits) {
            g.message(5, t);
        }
        for (Proto i : inputs) {
            g.message(11, i);
        }
        for (Proto o : outputs) {
            g.message(12, o);
        }
        Proto m = new Proto();
        m.varint(1, 8);
        m.string(2, "pocketgrid-test");
        m.message(7, g);
        m.message(8, new Proto().string(1, "").varint(2, opset));
        return m.toByteArray();
    }

    public static String[] names(String... s) {
        return s;
    }

    public static Attr f(String name, float v) {
        return new Attr(new Proto().string(1, name).fixed32(2, Float.floatToRawIntBits(v)).varint(20, 1));
    }

    public static Attr i(String name, long v) {
        return new Attr(new Proto().string(1, name).varint(3, v).varint(20, 2));
    }

    public static Attr s(String name, String v) {
        return new Attr(new Proto().string(1, name).string(4, v).varint(20, 3));
    }

    public static Attr t(String name, Tensor v) {
        return new Attr(new Proto().string(1, name).message(5, tensor("", v, true)).varint(20, 4));
    }

    public static Attr floats(String name, float... v) {
        return new Attr(new Proto().string(1, name).packedFloats(7, v).varint(20, 6));
    }

    public static Attr ints(String name, long... v) {
        return new Attr(new Proto().string(1, name).packedVarints(8, v).varint(20, 7));
    }

    /** A serialized TensorProto. */
    public static byte[] tensorBytes(String name, Tensor t) {
        return tensor(name, t, true).toByteArray();
    }

    static Proto tensor(String name, Tensor t, boolean raw) {
        Proto p = new Proto();
        long[] dims = new long[t.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.dim(i);
        }
        p.packedVarints(1, dims);
        p.varint(2, t.type().onnxCode());
        p.string(8, name);
        if (t.type() == Tensor.Type.FLOAT) {
            if (raw) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                for (float f : t.floats()) {
                    int v = Float.floatToRawIntBits(f);
                    b.write(v);
                    b.write(v >>> 8);
                    b.write(v >>> 16);
                    b.write(v >>> 24);
                }
                p.bytes(9, b.toByteArray());
            } else {
                p.packedFloats(4, t.floats());
            }
        } else if (t.type() == Tensor.Type.FLOAT16 || t.type() == Tensor.Type.BFLOAT16) {
            long[] bits = new long[t.size()];
            for (int i = 0; i < bits.length; i++) {
                float f = t.floats()[i];
                bits[i] = t.type() == Tensor.Type.FLOAT16 ? HalfFloats.toFloat16(f) : HalfFloats.toBfloat16(f);
            }
            if (raw) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                for (long v : bits) {
                    b.write((int) v);
                    b.write((int) (v >>> 8));
                }
                p.bytes(9, b.toByteArray());
            } else {
                p.packedVarints(5, bits); // int32_data holds the 16-bit patterns
            }
        } else if (t.type() == Tensor.Type.DOUBLE) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (float f : t.floats()) {
                long v = Double.doubleToRawLongBits(f);
                for (int k = 0; k < 8; k++) {
                    b.write((int) (v >>> 8 * k));
                }
            }
            p.bytes(9, b.toByteArray());
        } else if (t.type() == Tensor.Type.INT64) {
            p.packedVarints(7, t.longs());
        } else {
            p.packedVarints(5, t.longs());
        }
        return p;
    }

    private static Proto valueInfo(String name, int elemType, int[] dims) {
        Proto shape = new Proto();
        for (int d : dims) {
            Proto dim = new Proto();
            if (d < 0) {
                dim.string(2, "N");
            } else {
                dim.varint(1, d);
            }
            shape.message(1, dim);
        }
        Proto tensorType = new Proto().varint(1, elemType).message(2, shape);
        Proto type = new Proto().message(1, tensorType);
        return new Proto().string(1, name).message(2, type);
    }
}
