package io.pocketgrid.worker.engine;

import static io.pocketgrid.worker.engine.OnnxBuilder.f;
import static io.pocketgrid.worker.engine.OnnxBuilder.i;
import static io.pocketgrid.worker.engine.OnnxBuilder.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModelTest {

    /** An MLP with every milestone-1 op: Gemm(transB, alpha, beta, bias), Relu, MatMul, Add, Flatten, Reshape, Identity. */
    static byte[] mlp(float[] w1, float[] b1, float[] w2, float[] b2) {
        return new OnnxBuilder(13)
                .input("x", -1, 4)
                .output("y", -1, 3)
                .initializer("w1", Tensor.ofFloats(w1, 8, 4))
                .initializerFloatData("b1", Tensor.ofFloats(b1, 8))
                .initializer("w2", Tensor.ofFloats(w2, 8, 3))
                .initializer("b2", Tensor.ofFloats(b2, 3))
                .initializer("shape", Tensor.ofLongs(new long[] {-1, 3}, 2))
                .node("Flatten", names("x"), names("xf"), i("axis", 1))
                .node("Gemm", "fc1", names("xf", "w1", "b1"), names("h"), i("transB", 1), f("alpha", 0.5f), f("beta", 2f))
                .node("Relu", names("h"), names("r"))
                .node("MatMul", names("r", "w2"), names("m"))
                .node("Add", names("m", "b2"), names("a"))
                .node("Reshape", names("a", "shape"), names("i"))
                .node("Identity", names("i"), names("y"))
                .build();
    }

    static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) rnd.nextGaussian();
        }
        return v;
    }

    @Test
    void runsMlpLikeNaiveReference() {
        Random rnd = new Random(1);
        float[] w1 = random(rnd, 32);
        float[] b1 = random(rnd, 8);
        float[] w2 = random(rnd, 24);
        float[] b2 = random(rnd, 3);
        Model model = Model.load(mlp(w1, b1, w2, b2));
        int batch = 5;
        float[] x = random(rnd, batch * 4);

        Tensor y = model.run(Map.of("x", Tensor.ofFloats(x, batch, 4))).get("y");

        assertThat(y.dims()).containsExactly(batch, 3);
        for (int n = 0; n < batch; n++) {
            float[] h = new float[8];
            for (int j = 0; j < 8; j++) {
                double s = 2.0 * b1[j];
                for (int k = 0; k < 4; k++) {
                    s += 0.5 * x[n * 4 + k] * w1[j * 4 + k];
                }
                h[j] = (float) Math.max(0, s);
            }
            for (int o = 0; o < 3; o++) {
                double s = b2[o];
                for (int j = 0; j < 8; j++) {
                    s += h[j] * w2[j * 3 + o];
                }
                assertThat(y.floats()[n * 3 + o]).isCloseTo((float) s, org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    @Test
    void describesInputsOutputsAndFlops() {
        Random rnd = new Random(2);
        Model model = Model.load(mlp(random(rnd, 32), random(rnd, 8), random(rnd, 24), random(rnd, 3)));

        assertThat(model.inputs()).containsExactly(new ValueInfo("x", new int[] {-1, 4}));
        assertThat(model.outputs()).containsExactly(new ValueInfo("y", new int[] {-1, 3}));
        // Gemm 2·4·8 + 8 bias, Relu 8, MatMul 2·8·3, Add 3
        assertThat(model.flopsPerItem()).isEqualTo(64 + 8 + 8 + 48 + 3);
        assertThat(model.parameterCount()).isEqualTo(32 + 8 + 24 + 3 + 2);
    }

    @Test
    void addBroadcastsLikeNumpy() {
        byte[] bytes = new OnnxBuilder(13).input("a", 2, 3, 4).input("b", 3, 1).output("c", 2, 3, 4)
                .node("Add", names("a", "b"), names("c")).build();
        float[] a = new float[24];
        for (int k = 0; k < 24; k++) {
            a[k] = k;
        }
        Tensor c = Model.load(bytes).run(Map.of("a", Tensor.ofFloats(a, 2, 3, 4),
                "b", Tensor.ofFloats(new float[] {100, 200, 300}, 3, 1))).get("c");

        assertThat(c.floats()[0]).isEqualTo(100f);
        assertThat(c.floats()[5]).isEqualTo(205f);
        assertThat(c.floats()[23]).isEqualTo(323f);
    }

    @Test
    void namesUnsupportedOpAndNode() {
        byte[] bytes = new OnnxBuilder(13).input("a", 2).output("b", 2)
                .node("FancyOp", "my_node", names("a"), names("b")).build();

        assertThatThrownBy(() -> Model.load(bytes))
                .isInstanceOfSatisfying(UnsupportedOpException.class, e -> {
                    assertThat(e.opType()).isEqualTo("FancyOp");
                    assertThat(e.nodeName()).isEqualTo("my_node");
                })
                .hasMessageContaining("FancyOp").hasMessageContaining("my_node");
    }

    @Test
    void rejectsUnknownAttribute() {
        byte[] bytes = new OnnxBuilder(13).input("a", 2).output("b", 2)
                .node("Relu", "r", names("a"), names("b"), i("mystery", 1)).build();

        assertThatThrownBy(() -> Model.load(bytes)).isInstanceOf(UnsupportedOpException.class)
                .hasMessageContaining("mystery");
    }

    @Test
    void rejectsGarbageWithClearMessage() {
        assertThatThrownBy(() -> Model.load(new byte[] {1, 2, 3})).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> Model.load(new byte[0])).isInstanceOf(EngineException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void rejectsInputOfWrongShape() {
        Random rnd = new Random(3);
        Model model = Model.load(mlp(random(rnd, 32), random(rnd, 8), random(rnd, 24), random(rnd, 3)));

        assertThatThrownBy(() -> model.run(Map.of("x", Tensor.ofFloats(new float[10], 2, 5))))
                .isInstanceOf(EngineException.class).hasMessageContaining("'x'");
    }

    @Test
    void listsSupportedOps() {
        assertThat(Model.supportedOps()).contains("Gemm", "MatMul", "Add", "Relu", "Flatten", "Reshape", "Identity");
    }

    @Test
    void cumSumAndLogSumExpMatchHandComputedValues() {
        byte[] bytes = new OnnxBuilder(18).input("x", 2, 3).output("c", 2, 3).output("l", 2, 1)
                .initializer("axis", Tensor.ofLongs(new long[] {1}))
                .initializer("axes", Tensor.ofLongs(new long[] {-1}, 1))
                .node("CumSum", names("x", "axis"), names("c"), i("exclusive", 1), i("reverse", 1))
                .node("ReduceLogSumExp", names("x", "axes"), names("l"))
                .build();
        Map<String, Tensor> out = Model.load(bytes).run(Map.of("x", Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 600}, 2, 3)));

        assertThat(out.get("c").floats()).containsExactly(5, 3, 0, 605, 600, 0);
        assertThat(out.get("l").dims()).containsExactly(2, 1);
        assertThat(out.get("l").floats()[0]).isCloseTo((float) Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)),
                org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(out.get("l").floats()[1]).isCloseTo(600f, org.assertj.core.data.Offset.offset(1e-3f));
    }
}
