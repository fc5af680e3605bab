package io.pocketgrid.worker.engine;

import static io.pocketgrid.worker.engine.OnnxBuilder.i;
import static io.pocketgrid.worker.engine.OnnxBuilder.names;
import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.worker.engine.kernel.JavaGemmBackend;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FLOAT16, BFLOAT16 and DOUBLE models: stored types, rounding of what ops compute, initializers. */
class FloatTypesTest {

    /** x (float) → Cast FLOAT16 → Add an fp16 initializer → Relu → y (FLOAT16), and a Cast back to float. */
    private static byte[] halfModel(boolean rawInitializer) {
        Tensor b = Tensor.ofFloats(Tensor.Type.FLOAT16, new float[] {0x1p-11f, 3 * 0x1p-11f, -2f, 65504f}, 4);
        OnnxBuilder m = new OnnxBuilder(13)
                .input("x", -1, 4)
                .output("y", Tensor.Type.FLOAT16, -1, 4)
                .output("f", -1, 4);
        (rawInitializer ? m.initializer("b", b) : m.initializerFloatData("b", b))
                .node("Cast", names("x"), names("h"), i("to", 10))
                .node("Add", names("h", "b"), names("s"))
                .node("Relu", names("s"), names("y"))
                .node("Cast", names("y"), names("f"), i("to", 1));
        return m.build();
    }

    /**
     * Sums rounded to float16 as NumPy does: np.float16(1) + np.float16(2**-11) == 1.0 (a tie, to
     * even), np.float16(1) + np.float16(3 * 2**-11) == 1.001953125, 65504 + 100 overflows to inf.
     */
    @Test
    void float16ModelRoundsEveryResultAndReportsItsType() {
        for (boolean raw : new boolean[] {true, false}) {
            for (Model model : new Model[] {Model.load(halfModel(raw)), Model.load(halfModel(raw), new JavaGemmBackend())}) {
                Map<String, Tensor> out = model.run(Map.of("x", Tensor.ofFloats(new float[] {1f, 1f, 1f, 100f}, 1, 4)));

                assertThat(out.get("y").type()).isEqualTo(Tensor.Type.FLOAT16);
                assertThat(out.get("y").floats()).containsExactly(1f, 1.001953125f, 0f, Float.POSITIVE_INFINITY);
                assertThat(out.get("f").type()).isEqualTo(Tensor.Type.FLOAT);
                assertThat(out.get("f").floats()).containsExactly(1f, 1.001953125f, 0f, Float.POSITIVE_INFINITY);
                model.close();
            }
        }
    }

    @Test
    void bfloat16AndDoubleInputsKeepTheirTypes() {
        byte[] bytes = new OnnxBuilder(13)
                .input("a", Tensor.Type.BFLOAT16, 3)
                .input("d", Tensor.Type.DOUBLE, 3)
                .output("m", Tensor.Type.BFLOAT16, 3)
                .output("e", Tensor.Type.DOUBLE, 3)
                .initializer("c", Tensor.ofFloats(Tensor.Type.DOUBLE, new float[] {0.5f, 0.25f, 2f}, 3))
                .node("Mul", names("a", "a"), names("m"))
                .node("Mul", names("d", "c"), names("e"))
                .build();
        Model model = Model.load(bytes);
        Map<String, Tensor> out = model.run(Map.of(
                "a", Tensor.ofFloats(Tensor.Type.BFLOAT16, new float[] {1.0078125f, 3f, -0.5f}, 3),
                "d", Tensor.ofFloats(Tensor.Type.DOUBLE, new float[] {1f, 2f, 3f}, 3)));

        // 1.0078125² = 1.01568603515625; its bfloat16 neighbours are 1.015625 (nearer) and 1.0234375
        assertThat(out.get("m").type()).isEqualTo(Tensor.Type.BFLOAT16);
        assertThat(out.get("m").floats()).containsExactly(1.015625f, 9f, 0.25f);
        assertThat(out.get("e").type()).isEqualTo(Tensor.Type.DOUBLE);
        assertThat(out.get("e").floats()).containsExactly(0.5f, 0.5f, 6f);
    }

    @Test
    void npyReadsAndWritesFloat16AndFloat64() {
        Tensor h = Tensor.ofFloats(Tensor.Type.FLOAT16, new float[] {0.1f, -65504f, 0x1p-24f, Float.NaN}, 2, 2);
        Tensor back = Npy.read(Npy.write(h));
        assertThat(back.type()).isEqualTo(Tensor.Type.FLOAT16);
        assertThat(back.floats()).containsExactly(0.0999755859375f, -65504f, 0x1p-24f, Float.NaN);

        Tensor d = Npy.read(Npy.write(Tensor.ofFloats(Tensor.Type.DOUBLE, new float[] {1.5f, -3f}, 2)));
        assertThat(d.type()).isEqualTo(Tensor.Type.DOUBLE);
        assertThat(d.floats()).containsExactly(1.5f, -3f);

        Tensor bf = Npy.read(Npy.write(Tensor.ofFloats(Tensor.Type.BFLOAT16, new float[] {3.140625f}, 1)));
        assertThat(bf.type()).as("NumPy has no bfloat16: written as float32").isEqualTo(Tensor.Type.FLOAT);
        assertThat(bf.floats()).containsExactly(3.140625f);
    }
}
