package io.pocketgrid.worker.engine;

/**
 * A tensor's elements as little-endian bytes of its element type, the one encoding shared by
 * {@code .npy} files ({@link Npy}), the work protocol's tensor frames and the portal's stored inputs
 * and results. Also the element types' NumPy names ({@code descr}) and widths. Pure Java on arrays,
 * so TeaVM compiles it for the browser.
 */
public final class TensorBytes {

    private TensorBytes() {
    }

    /** Bytes of one element of {@code type} on the wire and in files. */
    public static int width(Tensor.Type type) {
        return switch (type) {
            case FLOAT, INT32, UINT32 -> 4;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case DOUBLE, INT64 -> 8;
            case INT8, UINT8, BOOL -> 1;
        };
    }

    /**
     * The NumPy dtype string of {@code type} ({@code <f4}, {@code |b1}, ...); NumPy has no bfloat16,
     * so BFLOAT16 is written as float32 (exact).
     */
    public static String npyDescr(Tensor.Type type) {
        return switch (type) {
            case FLOAT, BFLOAT16 -> "<f4";
            case FLOAT16 -> "<f2";
            case DOUBLE -> "<f8";
            case INT64 -> "<i8";
            case INT32 -> "<i4";
            case UINT32 -> "<u4";
            case INT16 -> "<i2";
            case UINT16 -> "<u2";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case BOOL -> "|b1";
        };
    }

    /** The element type a NumPy dtype string names, or null when it is not one of ours (big-endian, complex, ...). */
    public static Tensor.Type fromNpyDescr(String descr) {
        return switch (descr) {
            case "<f4", "|f4" -> Tensor.Type.FLOAT;
            case "<f2", "|f2" -> Tensor.Type.FLOAT16;
            case "<f8", "|f8" -> Tensor.Type.DOUBLE;
            case "<i8", "|i8" -> Tensor.Type.INT64;
            case "<i4", "|i4" -> Tensor.Type.INT32;
            case "<u4", "|u4" -> Tensor.Type.UINT32;
            case "<i2", "|i2" -> Tensor.Type.INT16;
            case "<u2", "|u2" -> Tensor.Type.UINT16;
            case "|i1", "<i1" -> Tensor.Type.INT8;
            case "|u1", "<u1" -> Tensor.Type.UINT8;
            case "|b1", "<b1" -> Tensor.Type.BOOL;
            default -> null;
        };
    }

    /** The type's lower-case name as owners know it from NumPy: float32, float16, int64, bool, ... */
    public static String name(Tensor.Type type) {
        return switch (type) {
            case FLOAT -> "float32";
            case FLOAT16 -> "float16";
            case BFLOAT16 -> "bfloat16";
            case DOUBLE -> "float64";
            case BOOL -> "bool";
            default -> type.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** The type {@link #name} gives {@code name} for, or null. */
    public static Tensor.Type fromName(String name) {
        for (Tensor.Type t : Tensor.Type.values()) {
            if (name(t).equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** Decodes {@code count × width(type)} bytes from {@code b[offset]} into a tensor of {@code dims}. */
    public static Tensor decode(Tensor.Type type, int[] dims, byte[] b, int offset) {
        int n = Tensor.sizeOf(dims);
        int w = width(type);
        if (offset < 0 || (long) offset + (long) n * w > b.length) {
            throw new EngineException(name(type) + " data of shape " + java.util.Arrays.toString(dims) + " needs "
                    + (long) n * w + " bytes, " + Math.max(0, b.length - offset) + " are there");
        }
        if (type.isFloating()) {
            float[] v = new float[n];
            for (int i = 0, p = offset; i < n; i++, p += w) {
                v[i] = switch (type) {
                    case FLOAT -> Float.intBitsToFloat((int) le(b, p, 4));
                    case FLOAT16 -> HalfFloats.fromFloat16((int) le(b, p, 2));
                    case BFLOAT16 -> Float.intBitsToFloat((int) le(b, p, 2) << 16);
                    default -> (float) Double.longBitsToDouble(le(b, p, 8));
                };
            }
            return Tensor.ofFloats(type, v, dims);
        }
        long[] v = new long[n];
        for (int i = 0, p = offset; i < n; i++, p += w) {
            long raw = le(b, p, w);
            v[i] = type == Tensor.Type.BOOL ? (raw != 0 ? 1 : 0) : type.wrap(raw);
        }
        return Tensor.ofLongs(type, v, dims);
    }

    /** The tensor's elements as little-endian bytes of its type. */
    public static byte[] encode(Tensor t) {
        byte[] out = new byte[t.size() * width(t.type())];
        encode(t, out, 0);
        return out;
    }

    /** Writes the tensor's elements at {@code out[offset]}; returns the offset after them. */
    public static int encode(Tensor t, byte[] out, int offset) {
        Tensor.Type type = t.type();
        int w = width(type);
        int n = t.size();
        int p = offset;
        if (type.isFloating()) {
            float[] f = t.floats();
            for (int i = 0; i < n; i++, p += w) {
                long v = switch (type) {
                    case FLOAT -> Float.floatToRawIntBits(f[i]);
                    case FLOAT16 -> HalfFloats.toFloat16(f[i]);
                    case BFLOAT16 -> Float.floatToRawIntBits(f[i]) >>> 16;
                    default -> Double.doubleToRawLongBits(f[i]);
                };
                putLe(out, p, w, v);
            }
        } else {
            long[] l = t.longs();
            for (int i = 0; i < n; i++, p += w) {
                putLe(out, p, w, l[i]);
            }
        }
        return p;
    }

    /** The {@code width}-byte little-endian integer at {@code b[p]}, zero-extended. */
    public static long le(byte[] b, int p, int width) {
        long v = 0;
        for (int k = 0; k < width; k++) {
            v |= (b[p + k] & 0xFFL) << (8 * k);
        }
        return v;
    }

    public static void putLe(byte[] b, int p, int width, long v) {
        for (int k = 0; k < width; k++) {
            b[p + k] = (byte) (v >>> (8 * k));
        }
    }
}
