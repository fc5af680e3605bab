package io.pocketgrid.worker.engine;

import static io.pocketgrid.worker.engine.OnnxBuilder.i;
import static io.pocketgrid.worker.engine.OnnxBuilder.names;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The quantization ops through whole models. Expected values come from NumPy (1.24) following the
 * ONNX formulas, e.g. QuantizeLinear: {@code np.clip(np.rint(x / scale) + zero_point, lo, hi)}.
 */
class QuantOpsTest {

    private static Tensor run(byte[] model, Map<String, Tensor> feeds, String output) {
        return Model.load(model).run(feeds).get(output);
    }

    /** np.clip(np.rint(x / np.float32(2)) + 128, 0, 255): ties to even, saturation at both ends. */
    @Test
    void quantizeRoundsHalfToEvenAndSaturates() {
        byte[] m = new OnnxBuilder(13)
                .input("x", 8)
                .output("y", Tensor.Type.UINT8, 8)
                .initializer("s", Tensor.scalar(2f))
                .initializer("z", Tensor.ofLongs(Tensor.Type.UINT8, new long[] {128}))
                .node("QuantizeLinear", names("x", "s", "z"), names("y"))
                .build();
        Tensor y = run(m, Map.of("x", Tensor.ofFloats(new float[] {1, 3, 5, -1, -3, 300, -300, 0.5f}, 8)), "y");

        assertThat(y.type()).isEqualTo(Tensor.Type.UINT8);
        assertThat(y.longs()).containsExactly(128, 130, 130, 128, 126, 255, 0, 128);
    }

    /** Per axis 1 with int8: np.clip(np.rint(x / [1, .5, .25]) + [0, -1, 10], -128, 127). */
    @Test
    void quantizesPerAxis() {
        byte[] m = new OnnxBuilder(13)
                .input("x", 2, 3)
                .output("y", Tensor.Type.INT8, 2, 3)
                .initializer("s", Tensor.ofFloats(new float[] {1f, 0.5f, 0.25f}, 3))
                .initializer("z", Tensor.ofLongs(Tensor.Type.INT8, new long[] {0, -1, 10}, 3))
                .node("QuantizeLinear", names("x", "s", "z"), names("y"), i("axis", 1))
                .build();
        Tensor y = run(m, Map.of("x", Tensor.ofFloats(new float[] {1.5f, 2.25f, -7f, -0.5f, -100f, 3.2f}, 2, 3)), "y");

        assertThat(y.type()).isEqualTo(Tensor.Type.INT8);
        assertThat(y.longs()).containsExactly(2, 3, -18, 0, -128, 23);
    }

    /** Opset 19: a float16 scale makes a FLOAT16 output; ((x - 0) * scale).astype(np.float16). */
    @Test
    void dequantizesPerAxisToTheScaleType() {
        byte[] m = new OnnxBuilder(19)
                .input("x", Tensor.Type.INT8, 2, 2)
                .output("y", Tensor.Type.FLOAT16, 2, 2)
                .initializer("s", Tensor.ofFloats(Tensor.Type.FLOAT16, new float[] {0.1f, 3f}, 2))
                .node("DequantizeLinear", names("x", "s"), names("y"), i("axis", -1))
                .build();
        Tensor y = run(m, Map.of("x", Tensor.ofLongs(Tensor.Type.INT8, new long[] {7, -3, 100, -128}, 2, 2)), "y");

        assertThat(y.type()).isEqualTo(Tensor.Type.FLOAT16);
        assertThat(y.floats()).containsExactly(0.69970703125f, -9f, 10f, -384f);
    }

    /** Opset 21 blocks of 2 along axis 1: scale and zero point repeated with np.repeat(.., 2, axis=1). */
    @Test
    void dequantizesBlocks() {
        byte[] m = new OnnxBuilder(21)
                .input("x", Tensor.Type.INT8, 2, 4)
                .output("y", 2, 4)
                .initializer("s", Tensor.ofFloats(new float[] {0.5f, 2f, 0.25f, 1f}, 2, 2))
                .initializer("z", Tensor.ofLongs(Tensor.Type.INT8, new long[] {1, 0, 0, -1}, 2, 2))
                .node("DequantizeLinear", names("x", "s", "z"), names("y"), i("axis", 1), i("block_size", 2))
                .build();
        Tensor y = run(m, Map.of("x", Tensor.ofLongs(Tensor.Type.INT8, new long[] {1, -2, 3, 4, -5, 6, 7, -8}, 2, 4)), "y");

        assertThat(y.floats()).containsExactly(0f, -1.5f, 6f, 8f, -1.25f, 1.5f, 8f, -7f);
    }

    /**
     * x_min = -1, x_max = 3.1: scale = 4.1 / 255 = 0.016078431 (float32), zero point
     * rint(1 / scale) = 62, y = clip(rint(x / scale) + 62, 0, 255).
     */
    @Test
    void dynamicallyQuantizesToUint8() {
        byte[] m = new OnnxBuilder(11)
                .input("x", 6)
                .output("y", Tensor.Type.UINT8, 6)
                .output("s", new int[0])
                .output("z", Tensor.Type.UINT8, new int[0])
                .node("DynamicQuantizeLinear", names("x"), names("y", "s", "z"))
                .build();
        Map<String, Tensor> out = Model.load(m).run(Map.of("x",
                Tensor.ofFloats(new float[] {-1f, 0.5f, 2f, 3.1f, 0f, -0.7f}, 6)));

        assertThat(out.get("y").longs()).containsExactly(0, 93, 186, 255, 62, 18);
        assertThat(out.get("s").floats()).containsExactly(0.016078431f);
        assertThat(out.get("z").longs()).containsExactly(62);
    }

    /** (A - a_zp[:, None]) @ (B - b_zp) in int32, a_zp per row of A, b_zp per column of B. */
    @Test
    void matMulIntegerSubtractsPerRowAndPerColumnZeroPoints() {
        byte[] m = new OnnxBuilder(10)
                .input("a", Tensor.Type.UINT8, 4, 3)
                .output("y", Tensor.Type.INT32, 4, 2)
                .initializer("b", Tensor.ofLongs(Tensor.Type.UINT8, new long[] {1, 4, 2, 5, 3, 6}, 3, 2))
                .initializer("az", Tensor.ofLongs(Tensor.Type.UINT8, new long[] {12, 1, 3, 0}, 4))
                .initializer("bz", Tensor.ofLongs(Tensor.Type.UINT8, new long[] {1, 2}, 2))
                .node("MatMulInteger", names("a", "b", "az", "bz"), names("y"))
                .build();
        Tensor y = run(m, Map.of("a", Tensor.ofLongs(Tensor.Type.UINT8,
                new long[] {11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0}, 4, 3)), "y");

        assertThat(y.type()).isEqualTo(Tensor.Type.INT32);
        assertThat(y.longs()).containsExactly(-23, -53, 7, 37, -2, 10, 4, 28);
    }

    /**
     * int8 with a per-column b scale and zero point: acc = (a + 2) @ (b - [1, 0]) = [[812, 109],
     * [-492, -1029]], times (0.1 * [0.02, 0.05]) / 0.03 in float32, rounded, plus 3, clipped.
     */
    @Test
    void qLinearMatMulRequantizes() {
        byte[] m = new OnnxBuilder(10)
                .input("a", Tensor.Type.INT8, 2, 2)
                .output("y", Tensor.Type.INT8, 2, 2)
                .initializer("as", Tensor.scalar(0.1f))
                .initializer("az", Tensor.ofLongs(Tensor.Type.INT8, new long[] {-2}))
                .initializer("b", Tensor.ofLongs(Tensor.Type.INT8, new long[] {5, -7, 9, 1}, 2, 2))
                .initializer("bs", Tensor.ofFloats(new float[] {0.02f, 0.05f}, 2))
                .initializer("bz", Tensor.ofLongs(Tensor.Type.INT8, new long[] {1, 0}, 2))
                .initializer("ys", Tensor.scalar(0.03f))
                .initializer("yz", Tensor.ofLongs(Tensor.Type.INT8, new long[] {3}))
                .node("QLinearMatMul", names("a", "as", "az", "b", "bs", "bz", "ys", "yz"), names("y"))
                .build();
        Tensor y = run(m, Map.of("a", Tensor.ofLongs(Tensor.Type.INT8, new long[] {-3, 100, 127, -128}, 2, 2)), "y");

        assertThat(y.type()).isEqualTo(Tensor.Type.INT8);
        assertThat(y.longs()).containsExactly(57, 21, -30, -128);
    }

    /**
     * Two groups, per-channel w scale and zero point, bias, padding at the start only. NumPy: pad
     * (x - 10) with zeros, correlate each group, add the bias, times (0.5 * [0.1, 0.2]) / 0.3 in
     * float32, rint, + 100, clip to uint8.
     */
    @Test
    void qLinearConvRequantizesPerOutputChannel() {
        long[] x = new long[18];
        for (int k = 0; k < x.length; k++) {
            x[k] = k * 7 % 256;
        }
        byte[] m = new OnnxBuilder(10)
                .input("x", Tensor.Type.UINT8, 1, 2, 3, 3)
                .output("y", Tensor.Type.UINT8, 1, 2, 3, 3)
                .initializer("xs", Tensor.scalar(0.5f))
                .initializer("xz", Tensor.ofLongs(Tensor.Type.UINT8, new long[] {10}))
                .initializer("w", Tensor.ofLongs(Tensor.Type.INT8, new long[] {3, -1, 2, 5, -4, 0, 7, 1}, 2, 1, 2, 2))
                .initializer("ws", Tensor.ofFloats(new float[] {0.1f, 0.2f}, 2))
                .initializer("wz", Tensor.ofLongs(Tensor.Type.INT8, new long[] {0, 1}, 2))
                .initializer("ys", Tensor.scalar(0.3f))
                .initializer("yz", Tensor.ofLongs(Tensor.Type.UINT8, new long[] {100}))
                .initializer("b", Tensor.ofLongs(Tensor.Type.INT32, new long[] {5, -7}, 2))
                .node("QLinearConv", names("x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"), names("y"),
                        i("group", 2), OnnxBuilder.ints("pads", 1, 1, 0, 0))
                .build();
        Tensor y = run(m, Map.of("x", Tensor.ofLongs(Tensor.Type.UINT8, x, 1, 2, 3, 3)), "y");

        assertThat(y.type()).isEqualTo(Tensor.Type.UINT8);
        assertThat(y.longs()).containsExactly(93, 95, 103, 112, 115, 125, 126, 146, 157,
                98, 204, 218, 80, 137, 137, 73, 137, 137);
    }
}
