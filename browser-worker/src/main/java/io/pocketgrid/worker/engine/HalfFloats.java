package io.pocketgrid.worker.engine;

/**
 * Bit conversions between float32 and the 16-bit float formats ONNX stores: IEEE binary16
 * ({@code FLOAT16}) and bfloat16 (the top half of a float32). Float to 16 bits rounds to nearest,
 * ties to even (as NumPy, PyTorch and onnxruntime do); NaN stays NaN, overflow becomes infinity.
 * Written out rather than {@code Float.floatToFloat16} because TeaVM's class library lacks it.
 */
public final class HalfFloats {

    private static final float TWO_POW_MINUS_24 = 5.9604645e-8f;

    private HalfFloats() {
    }

    /** The binary16 bits (in the low 16 bits) nearest to {@code f}. */
    public static int toFloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = bits >>> 16 & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) {
            // infinity, or NaN with its top payload bits and the quiet bit
            return abs == 0x7F800000 ? sign | 0x7C00 : sign | 0x7E00 | abs >>> 13 & 0x3FF;
        }
        if (abs >= 0x477FF000) {
            return sign | 0x7C00; // 65520 and above round to infinity
        }
        if (abs >= 0x38800000) {
            int r = abs - 0x38000000; // rebias the exponent from 127 to 15
            return sign | (r + 0xFFF + (r >>> 13 & 1)) >>> 13;
        }
        if (abs <= 0x33000000) {
            return sign; // at most 2^-25: half the smallest subnormal ties to even zero
        }
        int e = abs >>> 23;
        int m = abs & 0x7FFFFF | 0x800000;
        int shift = 126 - e; // value = m * 2^(e - 150); subnormal units are 2^-24
        int q = m >>> shift;
        int rem = m & (1 << shift) - 1;
        int half = 1 << shift - 1;
        if (rem > half || rem == half && (q & 1) != 0) {
            q++;
        }
        return sign | q;
    }

    /** The float32 value of binary16 bits (exact). */
    public static float fromFloat16(int h) {
        int sign = (h & 0x8000) << 16;
        int e = h >>> 10 & 0x1F;
        int m = h & 0x3FF;
        if (e == 0) {
            float v = m * TWO_POW_MINUS_24;
            return sign != 0 ? -v : v;
        }
        if (e == 31) {
            return Float.intBitsToFloat(sign | 0x7F800000 | m << 13);
        }
        return Float.intBitsToFloat(sign | e + 112 << 23 | m << 13);
    }

    /** The bfloat16 bits (in the low 16 bits) nearest to {@code f}. */
    public static int toBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return bits >>> 16 | 0x40; // NaN: keep sign and top payload, make it quiet
        }
        return (bits + 0x7FFF + (bits >>> 16 & 1)) >>> 16 & 0xFFFF;
    }

    /** The float32 value of bfloat16 bits (exact). */
    public static float fromBfloat16(int b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }

    /** {@code f} rounded to the nearest binary16 value. */
    public static float roundToFloat16(float f) {
        return fromFloat16(toFloat16(f));
    }

    /** {@code f} rounded to the nearest bfloat16 value. */
    public static float roundToBfloat16(float f) {
        return fromBfloat16(toBfloat16(f));
    }
}
