package io.pocketgrid.worker.engine;

import java.util.Arrays;

/**
 * A dense tensor in C order. Floating-point tensors keep a {@code float[]}; every integer and
 * boolean type keeps a {@code long[]} (exact for all of them), so kernels need only two paths.
 * FLOAT16 and BFLOAT16 tensors hold float32 values already rounded to their type (ops compute in
 * float32 and round what they store); DOUBLE tensors hold their values as float32 too, so a
 * double model runs with float32 precision and range.
 * The backing arrays are shared, not copied: a tensor handed to {@link Model#run} must not be
 * changed while the run is going on.
 */
public final class Tensor {

    /** Element types, with their ONNX {@code TensorProto.DataType} codes. */
    public enum Type {
        FLOAT(1), UINT8(2), INT8(3), UINT16(4), INT16(5), INT32(6), INT64(7), BOOL(9), FLOAT16(10),
        DOUBLE(11), UINT32(12), BFLOAT16(16);

        private final int onnxCode;

        Type(int onnxCode) {
            this.onnxCode = onnxCode;
        }

        public int onnxCode() {
            return onnxCode;
        }

        /**
         * Whether this is float32, the type kernels and the accelerated plan work on (other
         * floating-point types are {@link #isFloating()} but not this).
         */
        public boolean isFloat() {
            return this == FLOAT;
        }

        /** Whether tensors of this type keep {@code float[]} data: FLOAT, FLOAT16, BFLOAT16, DOUBLE. */
        public boolean isFloating() {
            return this == FLOAT || this == FLOAT16 || this == BFLOAT16 || this == DOUBLE;
        }

        /** {@code v} rounded to this floating-point type's precision (float32 and DOUBLE: unchanged). */
        public float round(float v) {
            return switch (this) {
                case FLOAT16 -> HalfFloats.roundToFloat16(v);
                case BFLOAT16 -> HalfFloats.roundToBfloat16(v);
                default -> v;
            };
        }

        /** The type for an ONNX data type code, or null when this engine has none. */
        public static Type fromOnnx(int code) {
            for (Type t : values()) {
                if (t.onnxCode == code) {
                    return t;
                }
            }
            return null;
        }

        /** Wraps a long into this type's range the way a C cast would. */
        public long wrap(long v) {
            return switch (this) {
                case UINT8 -> v & 0xFFL;
                case INT8 -> (byte) v;
                case UINT16 -> v & 0xFFFFL;
                case INT16 -> (short) v;
                case INT32 -> (int) v;
                case UINT32 -> v & 0xFFFFFFFFL;
                case BOOL -> v != 0 ? 1 : 0;
                default -> v;
            };
        }
    }

    private final Type type;
    private final int[] dims;
    private final float[] floats;
    private final long[] longs;

    private Tensor(Type type, int[] dims, float[] floats, long[] longs) {
        this.type = type;
        this.dims = dims;
        this.floats = floats;
        this.longs = longs;
        int n = sizeOf(dims);
        int len = floats != null ? floats.length : longs.length;
        if (len != n) {
            throw new EngineException("tensor data has " + len + " elements but dims "
                    + Arrays.toString(dims) + " need " + n);
        }
    }

    /** A float32 tensor over {@code data} (not copied). */
    public static Tensor ofFloats(float[] data, int... dims) {
        return new Tensor(Type.FLOAT, checkDims(dims), data, null);
    }

    /**
     * A tensor of a floating-point type over {@code data} (not copied): for FLOAT16 and BFLOAT16
     * the values are rounded to that type in place.
     */
    public static Tensor ofFloats(Type type, float[] data, int... dims) {
        if (!type.isFloating()) {
            throw new EngineException("ofFloats needs a floating-point type, not " + type);
        }
        roundInPlace(type, data);
        return new Tensor(type, checkDims(dims), data, null);
    }

    /** Rounds {@code data} to {@code type}'s precision, writing only values that change. */
    static void roundInPlace(Type type, float[] data) {
        if (type == Type.FLOAT16 || type == Type.BFLOAT16) {
            for (int i = 0; i < data.length; i++) {
                float r = type.round(data[i]);
                if (Float.floatToRawIntBits(r) != Float.floatToRawIntBits(data[i])) {
                    data[i] = r;
                }
            }
        }
    }

    /**
     * This tensor's data as {@code type} (a floating-point type): the same tensor when it already
     * is, else a tensor over the same array, rounded in place, so only for arrays no one else holds.
     */
    public Tensor retypeInPlace(Type type) {
        if (this.type == type) {
            return this;
        }
        return ofFloats(type, floats(), dims);
    }

    /** An int64 tensor over {@code data} (not copied). */
    public static Tensor ofLongs(long[] data, int... dims) {
        return new Tensor(Type.INT64, checkDims(dims), null, data);
    }

    /** An integer or boolean tensor of the given type over {@code data} (not copied). */
    public static Tensor ofLongs(Type type, long[] data, int... dims) {
        if (type.isFloating()) {
            throw new EngineException("ofLongs needs an integer or boolean type, not " + type);
        }
        return new Tensor(type, checkDims(dims), null, data);
    }

    /** A boolean tensor (stored as 0/1 longs). */
    public static Tensor ofBools(boolean[] data, int... dims) {
        long[] l = new long[data.length];
        for (int i = 0; i < data.length; i++) {
            l[i] = data[i] ? 1 : 0;
        }
        return new Tensor(Type.BOOL, checkDims(dims), null, l);
    }

    /** A zero-filled tensor. */
    public static Tensor zeros(Type type, int... dims) {
        int[] d = checkDims(dims);
        int n = sizeOf(d);
        return type.isFloating() ? new Tensor(type, d, new float[n], null) : new Tensor(type, d, null, new long[n]);
    }

    public static Tensor scalar(float v) {
        return ofFloats(new float[] {v});
    }

    public static Tensor scalarLong(long v) {
        return ofLongs(new long[] {v});
    }

    public Type type() {
        return type;
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    public int dim(int axis) {
        return dims[axis];
    }

    public int rank() {
        return dims.length;
    }

    /** The backing float array (no copy). */
    public float[] floats() {
        if (floats == null) {
            throw new EngineException("tensor is " + type + ", not a floating-point type");
        }
        return floats;
    }

    /** The backing long array of an integer or boolean tensor (no copy). */
    public long[] longs() {
        if (longs == null) {
            throw new EngineException("tensor is " + type + ", not an integer type");
        }
        return longs;
    }

    /** The backing array, {@code float[]} or {@code long[]}, for type-blind copies. */
    public Object data() {
        return floats != null ? floats : longs;
    }

    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /** Element {@code i} as a double, whatever the type. */
    public double getDouble(int i) {
        return floats != null ? floats[i] : longs[i];
    }

    /** Element {@code i} as a long (floats truncated toward zero). */
    public long getLong(int i) {
        return floats != null ? (long) floats[i] : longs[i];
    }

    /** A tensor sharing this one's data with other dims of the same size. */
    public Tensor reshape(int... newDims) {
        return new Tensor(type, checkDims(newDims), floats, longs);
    }

    /** An empty tensor of the same type with the given dims. */
    public Tensor like(int... newDims) {
        return zeros(type, newDims);
    }

    public static int sizeOf(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new EngineException("tensor too large: " + Arrays.toString(dims));
            }
        }
        return (int) n;
    }

    private static int[] checkDims(int[] dims) {
        for (int d : dims) {
            if (d < 0) {
                throw new EngineException("negative dimension in " + Arrays.toString(dims));
            }
        }
        return dims.clone();
    }

    @Override
    public String toString() {
        return "Tensor[" + type + " " + Arrays.toString(dims) + "]";
    }
}
