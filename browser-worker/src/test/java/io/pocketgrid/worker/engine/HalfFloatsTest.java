package io.pocketgrid.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    /** Every binary16 pattern decodes as the JDK's own converter (Float.float16ToFloat, JDK 20+) says. */
    @Test
    void decodesEveryFloat16LikeTheJdk() {
        for (int h = 0; h < 1 << 16; h++) {
            float want = Float.float16ToFloat((short) h);
            float have = HalfFloats.fromFloat16(h);
            if (Float.isNaN(want)) {
                assertThat(have).as("0x%04x", h).isNaN();
            } else {
                assertThat(Float.floatToRawIntBits(have)).as("0x%04x", h).isEqualTo(Float.floatToRawIntBits(want));
                assertThat(HalfFloats.toFloat16(have)).as("round trip 0x%04x", h).isEqualTo(h);
            }
        }
    }

    /** Float to binary16 agrees with Float.floatToFloat16 on a sweep of all float32 bit patterns. */
    @Test
    void roundsFloatsToFloat16LikeTheJdk() {
        for (long bits = 0; bits <= 0xFFFFFFFFL; bits += 4093) {
            float f = Float.intBitsToFloat((int) bits);
            int have = HalfFloats.toFloat16(f);
            int want = Float.floatToFloat16(f) & 0xFFFF;
            if (Float.isNaN(f)) {
                assertThat(Float.isNaN(HalfFloats.fromFloat16(have))).isTrue();
                assertThat(have & 0x8000).isEqualTo(want & 0x8000);
            } else {
                assertThat(have).as("%s (0x%08x)", f, bits).isEqualTo(want);
            }
        }
    }

    /** Expected bits from NumPy: hex(np.float16(np.float32(v)).view(np.uint16)). */
    @Test
    void roundsEdgeCasesLikeNumpy() {
        assertThat(HalfFloats.toFloat16(0.1f)).isEqualTo(0x2e66);
        assertThat(HalfFloats.toFloat16(65519f)).isEqualTo(0x7bff); // largest finite
        assertThat(HalfFloats.toFloat16(65520f)).isEqualTo(0x7c00); // ties to even: infinity
        assertThat(HalfFloats.toFloat16(0x1p-25f)).isEqualTo(0x0000); // half the smallest subnormal: even 0
        assertThat(HalfFloats.toFloat16(1.5f * 0x1p-25f)).isEqualTo(0x0001);
        assertThat(HalfFloats.toFloat16(3 * 0x1p-25f)).isEqualTo(0x0002); // 1.5 subnormal steps: even 2
        assertThat(HalfFloats.toFloat16(1e-8f)).isEqualTo(0x0000);
        assertThat(HalfFloats.toFloat16(-0f)).isEqualTo(0x8000);
        assertThat(HalfFloats.toFloat16(6.1e-5f)).isEqualTo(0x03ff); // largest subnormal
        assertThat(HalfFloats.toFloat16(0.333333f)).isEqualTo(0x3555);
        assertThat(HalfFloats.toFloat16(Float.NEGATIVE_INFINITY)).isEqualTo(0xfc00);
        assertThat(HalfFloats.fromFloat16(HalfFloats.toFloat16(Float.NaN))).isNaN();
    }

    /**
     * bfloat16 is the top half of a float32, rounded to nearest even; expected bits by hand from
     * the float32 bits (NumPy has no bfloat16).
     */
    @Test
    void roundsToBfloat16HalfToEven() {
        assertThat(HalfFloats.toBfloat16(1f)).isEqualTo(0x3f80);
        // 0x3ef5eeb0: low half 0xeeb0 > 0x8000 rounds up (truncation, as ONNX 1.12's test data, gives 0x3ef5)
        assertThat(HalfFloats.toBfloat16(Float.intBitsToFloat(0x3ef5eeb0))).isEqualTo(0x3ef6);
        assertThat(HalfFloats.toBfloat16(Float.intBitsToFloat(0x3f808000))).isEqualTo(0x3f80); // tie, even stays
        assertThat(HalfFloats.toBfloat16(Float.intBitsToFloat(0x3f818000))).isEqualTo(0x3f82); // tie, odd rounds up
        assertThat(HalfFloats.toBfloat16(Float.intBitsToFloat(0xbf818001))).isEqualTo(0xbf82);
        assertThat(HalfFloats.toBfloat16(Float.MAX_VALUE)).isEqualTo(0x7f80); // overflows to infinity
        assertThat(HalfFloats.toBfloat16(Float.NEGATIVE_INFINITY)).isEqualTo(0xff80);
        assertThat(HalfFloats.toBfloat16(Float.MIN_VALUE)).isEqualTo(0x0000); // float32 subnormal 2^-149
        assertThat(HalfFloats.toBfloat16(Float.intBitsToFloat(0x00018000))).isEqualTo(0x0002); // subnormal tie
        assertThat(HalfFloats.fromBfloat16(HalfFloats.toBfloat16(Float.intBitsToFloat(0x7f800001)))).isNaN();
        assertThat(HalfFloats.fromBfloat16(0x4049)).isEqualTo(3.140625f);
    }
}
