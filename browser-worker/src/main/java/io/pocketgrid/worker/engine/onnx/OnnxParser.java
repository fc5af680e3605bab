package io.pocketgrid.worker.engine.onnx;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.HalfFloats;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.onnx.ProtoReader.FloatList;
import io.pocketgrid.worker.engine.onnx.ProtoReader.LongList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code ModelProto} and {@code TensorProto} from their protobuf wire format with
 * {@link ProtoReader} (protobuf-java cannot be compiled by TeaVM). Field numbers are those of
 * {@code onnx.proto3}; unknown fields are skipped, as protobuf requires.
 */
public final class OnnxParser {

    private OnnxParser() {
    }

    /** Parses a whole model file. */
    public static OnnxGraph parseModel(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new EngineException("empty ONNX model");
        }
        ProtoReader r = new ProtoReader(bytes);
        long ir = 0;
        Map<String, Long> opsets = new LinkedHashMap<>();
        ProtoReader graph = null;
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.VARINT -> ir = r.readVarint();
                case 7 << 3 | ProtoReader.LEN -> graph = r.readMessage();
                case 8 << 3 | ProtoReader.LEN -> readOpset(r.readMessage(), opsets);
                default -> r.skip(tag & 7);
            }
        }
        if (graph == null) {
            throw new EngineException("not an ONNX model: no graph (is this an .onnx file?)");
        }
        return readGraph(graph, ir, opsets);
    }

    private static void readOpset(ProtoReader r, Map<String, Long> opsets) {
        String domain = "";
        long version = 0;
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LEN -> domain = r.readString();
                case 2 << 3 | ProtoReader.VARINT -> version = r.readVarint();
                default -> r.skip(tag & 7);
            }
        }
        opsets.put(domain, version);
    }

    private static OnnxGraph readGraph(ProtoReader r, long ir, Map<String, Long> opsets) {
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> inits = new LinkedHashMap<>();
        List<OnnxValue> inputs = new ArrayList<>();
        List<OnnxValue> outputs = new ArrayList<>();
        String name = "";
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LEN -> nodes.add(readNode(r.readMessage(), nodes.size()));
                case 2 << 3 | ProtoReader.LEN -> name = r.readString();
                case 5 << 3 | ProtoReader.LEN -> {
                    NamedTensor t = readTensor(r.readMessage());
                    inits.put(t.name(), t.tensor());
                }
                case 11 << 3 | ProtoReader.LEN -> inputs.add(readValueInfo(r.readMessage()));
                case 12 << 3 | ProtoReader.LEN -> outputs.add(readValueInfo(r.readMessage()));
                case 15 << 3 | ProtoReader.LEN -> throw new EngineException("sparse initializers are not supported");
                default -> r.skip(tag & 7);
            }
        }
        return new OnnxGraph(ir, Collections.unmodifiableMap(opsets), name, List.copyOf(nodes),
                Collections.unmodifiableMap(inits), List.copyOf(inputs), List.copyOf(outputs));
    }

    private static Node readNode(ProtoReader r, int index) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LEN -> in.add(r.readString());
                case 2 << 3 | ProtoReader.LEN -> out.add(r.readString());
                case 3 << 3 | ProtoReader.LEN -> name = r.readString();
                case 4 << 3 | ProtoReader.LEN -> op = r.readString();
                case 5 << 3 | ProtoReader.LEN -> {
                    Attribute a = readAttribute(r.readMessage());
                    attrs.put(a.name(), a);
                }
                case 7 << 3 | ProtoReader.LEN -> domain = r.readString();
                default -> r.skip(tag & 7);
            }
        }
        if (name.isEmpty()) {
            name = "#" + index + (out.isEmpty() ? "" : " -> " + out.get(0));
        }
        return new Node(op, name, domain, List.copyOf(in), List.copyOf(out), Collections.unmodifiableMap(attrs));
    }

    private static Attribute readAttribute(ProtoReader r) {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        String s = null;
        Tensor t = null;
        String tensorError = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        List<String> strings = new ArrayList<>();
        boolean hasGraph = false;
        while (r.hasMore()) {
            int tag = r.readTag();
            int field = tag >>> 3;
            int wire = tag & 7;
            switch (field) {
                case 1 -> name = r.readString();
                case 2 -> f = r.readFloat();
                case 3 -> i = r.readVarint();
                case 4 -> s = r.readString();
                case 5 -> {
                    try {
                        t = readTensor(r.readMessage()).tensor();
                    } catch (EngineException e) {
                        tensorError = e.getMessage();
                    }
                }
                case 6, 11 -> {
                    hasGraph = true;
                    r.skip(wire);
                }
                case 7 -> r.readFloats(wire, floats);
                case 8 -> r.readInt64s(wire, ints);
                case 9 -> strings.add(r.readString());
                case 20 -> type = (int) r.readVarint();
                default -> r.skip(wire);
            }
        }
        if (type == 0) {
            // Files from before IR version 2 carry no type: infer it from the field present.
            type = hasGraph ? Attribute.GRAPH : t != null || tensorError != null ? Attribute.TENSOR
                    : s != null ? Attribute.STRING : floats.size() > 0 ? Attribute.FLOATS
                    : ints.size() > 0 ? Attribute.INTS : f != 0 ? Attribute.FLOAT : Attribute.INT;
        }
        return new Attribute(name, type, f, i, s, t, tensorError, floats.toArray(), ints.toArray(),
                List.copyOf(strings));
    }

    private static OnnxValue readValueInfo(ProtoReader r) {
        String name = "";
        int elemType = 0;
        int[] dims = null;
        while (r.hasMore()) {
            int tag = r.readTag();
            switch (tag) {
                case 1 << 3 | ProtoReader.LEN -> name = r.readString();
                case 2 << 3 | ProtoReader.LEN -> {
                    ProtoReader type = r.readMessage();
                    while (type.hasMore()) {
                        int tt = type.readTag();
                        if (tt == (1 << 3 | ProtoReader.LEN)) {
                            ProtoReader tensorType = type.readMessage();
                            while (tensorType.hasMore()) {
                                int t3 = tensorType.readTag();
                                switch (t3) {
                                    case 1 << 3 | ProtoReader.VARINT -> elemType = (int) tensorType.readVarint();
                                    case 2 << 3 | ProtoReader.LEN -> dims = readShape(tensorType.readMessage());
                                    default -> tensorType.skip(t3 & 7);
                                }
                            }
                        } else {
                            type.skip(tt & 7);
                        }
                    }
                }
                default -> r.skip(tag & 7);
            }
        }
        return new OnnxValue(name, elemType, dims);
    }

    private static int[] readShape(ProtoReader r) {
        List<Integer> dims = new ArrayList<>();
        while (r.hasMore()) {
            int tag = r.readTag();
            if (tag == (1 << 3 | ProtoReader.LEN)) {
                ProtoReader dim = r.readMessage();
                int value = -1;
                while (dim.hasMore()) {
                    int t = dim.readTag();
                    if (t == (1 << 3 | ProtoReader.VARINT)) {
                        long v = dim.readVarint();
                        value = v >= 0 && v <= Integer.MAX_VALUE ? (int) v : -1;
                    } else {
                        dim.skip(t & 7); // dim_param: symbolic, stays -1
                    }
                }
                dims.add(value);
            } else {
                r.skip(tag & 7);
            }
        }
        int[] out = new int[dims.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims.get(i);
        }
        return out;
    }

    /** A tensor with the name it had in the file. */
    public record NamedTensor(String name, Tensor tensor) {
    }

    /** Parses a serialized {@code TensorProto} (as in the ONNX test data's {@code .pb} files). */
    public static NamedTensor parseTensor(byte[] bytes) {
        return readTensor(new ProtoReader(bytes));
    }

    private static NamedTensor readTensor(ProtoReader r) {
        LongList dims = new LongList();
        int dataType = 0;
        String name = "";
        byte[] raw = null;
        FloatList floatData = new FloatList();
        LongList intData = new LongList();
        FloatList doubleData = new FloatList();
        boolean external = false;
        while (r.hasMore()) {
            int tag = r.readTag();
            int field = tag >>> 3;
            int wire = tag & 7;
            switch (field) {
                case 1 -> r.readInt64s(wire, dims);
                case 2 -> dataType = (int) r.readVarint();
                case 4 -> r.readFloats(wire, floatData);
                case 5, 7, 11 -> r.readInt64s(wire, intData);
                case 8 -> name = r.readString();
                case 9 -> raw = r.readBytes();
                case 13 -> {
                    external = true;
                    r.skip(wire);
                }
                case 14 -> external |= r.readVarint() == 1;
                case 10 -> r.readDoubles(wire, doubleData);
                case 3, 6 -> throw new EngineException("tensor '" + name + "': element type "
                        + typeName(dataType) + " or segmented data is not supported");
                default -> r.skip(wire);
            }
        }
        if (external) {
            throw new EngineException("tensor '" + name + "' keeps its data in an external file; "
                    + "save the model with all data inside the .onnx file");
        }
        long[] d = dims.toArray();
        int[] shape = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            if (d[i] < 0 || d[i] > Integer.MAX_VALUE) {
                throw new EngineException("tensor '" + name + "' has a bad dimension " + d[i]);
            }
            shape[i] = (int) d[i];
        }
        Tensor.Type type = Tensor.Type.fromOnnx(dataType);
        if (type == null) {
            throw new EngineException("tensor '" + name + "': element type " + typeName(dataType)
                    + " is not supported");
        }
        int n = Tensor.sizeOf(shape);
        if (type.isFloating()) {
            float[] v = raw != null ? decodeFloats(name, type, raw, n) : switch (type) {
                case FLOAT -> floatData.toArray();
                case DOUBLE -> doubleData.toArray();
                default -> halfBits(type, intData.toArray()); // int32_data holds the 16-bit patterns
            };
            checkCount(name, v.length, n);
            return new NamedTensor(name, Tensor.ofFloats(type, v, shape));
        }
        long[] v;
        if (raw != null) {
            int width = switch (type) {
                case UINT8, INT8, BOOL -> 1;
                case UINT16, INT16 -> 2;
                case INT32, UINT32 -> 4;
                default -> 8;
            };
            checkRaw(name, raw, n, width);
            v = new long[n];
            for (int i = 0; i < n; i++) {
                long x = switch (width) {
                    case 1 -> raw[i];
                    case 2 -> (raw[2 * i] & 0xFF) | raw[2 * i + 1] << 8;
                    case 4 -> le32(raw, 4 * i);
                    default -> (le32(raw, 8 * i) & 0xFFFFFFFFL) | (long) le32(raw, 8 * i + 4) << 32;
                };
                v[i] = type.wrap(x);
            }
        } else {
            v = intData.toArray();
            for (int i = 0; i < v.length; i++) {
                v[i] = type.wrap(v[i]);
            }
        }
        checkCount(name, v.length, n);
        return new NamedTensor(name, Tensor.ofLongs(type, v, shape));
    }

    private static float[] decodeFloats(String name, Tensor.Type type, byte[] raw, int n) {
        int width = switch (type) {
            case FLOAT16, BFLOAT16 -> 2;
            case DOUBLE -> 8;
            default -> 4;
        };
        checkRaw(name, raw, n, width);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (type) {
                case FLOAT16 -> HalfFloats.fromFloat16(le16(raw, 2 * i));
                case BFLOAT16 -> HalfFloats.fromBfloat16(le16(raw, 2 * i));
                case DOUBLE -> (float) Double.longBitsToDouble((le32(raw, 8 * i) & 0xFFFFFFFFL)
                        | (long) le32(raw, 8 * i + 4) << 32);
                default -> Float.intBitsToFloat(le32(raw, i * 4));
            };
        }
        return v;
    }

    private static float[] halfBits(Tensor.Type type, long[] bits) {
        float[] v = new float[bits.length];
        for (int i = 0; i < v.length; i++) {
            int b = (int) bits[i] & 0xFFFF;
            v[i] = type == Tensor.Type.FLOAT16 ? HalfFloats.fromFloat16(b) : HalfFloats.fromBfloat16(b);
        }
        return v;
    }

    private static int le16(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    private static void checkRaw(String name, byte[] raw, int n, int width) {
        if ((long) n * width != raw.length) {
            throw new EngineException("tensor '" + name + "': raw_data has " + raw.length + " bytes, expected "
                    + (long) n * width);
        }
    }

    private static void checkCount(String name, int have, int need) {
        if (have != need) {
            throw new EngineException("tensor '" + name + "' has " + have + " values, its dims need " + need);
        }
    }

    private static int le32(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    /** The ONNX name of an element type code, for messages. */
    public static String typeName(int code) {
        return switch (code) {
            case 1 -> "FLOAT";
            case 2 -> "UINT8";
            case 3 -> "INT8";
            case 4 -> "UINT16";
            case 5 -> "INT16";
            case 6 -> "INT32";
            case 7 -> "INT64";
            case 8 -> "STRING";
            case 9 -> "BOOL";
            case 10 -> "FLOAT16";
            case 11 -> "DOUBLE";
            case 12 -> "UINT32";
            case 13 -> "UINT64";
            case 14 -> "COMPLEX64";
            case 15 -> "COMPLEX128";
            case 16 -> "BFLOAT16";
            default -> "type " + code;
        };
    }
}
