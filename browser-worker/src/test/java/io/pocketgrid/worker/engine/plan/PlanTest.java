package io.pocketgrid.worker.engine.plan;

import static io.pocketgrid.worker.engine.OnnxBuilder.f;
import static io.pocketgrid.worker.engine.OnnxBuilder.i;
import static io.pocketgrid.worker.engine.OnnxBuilder.ints;
import static io.pocketgrid.worker.engine.OnnxBuilder.names;
import static io.pocketgrid.worker.engine.OnnxBuilder.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Npy;
import io.pocketgrid.worker.engine.OnnxBuilder;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.JavaGemmBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The accelerated plan (on the Java reference backend) against the generic ops. */
class PlanTest {

    static final Path DEMO = Path.of("../portal/src/main/resources/demo");
    private final Random rnd = new Random(7);

    @ParameterizedTest
    @ValueSource(strings = {"cnn.onnx", "mlp.onnx"})
    void demoModelsRunAcceleratedAndMatchTheGenericOps(String file) throws Exception {
        byte[] bytes = Files.readAllBytes(DEMO.resolve(file));
        float[] all = Npy.read(Files.readAllBytes(DEMO.resolve("inputs.npy"))).floats();
        Model generic = Model.load(bytes);
        Model fast = Model.load(bytes, new JavaGemmBackend());
        assertThat(fast.plan()).as(fast.accelerationNote()).isNotNull();
        for (int batch : new int[] {32, 1, 5, 32}) {
            Tensor x = Tensor.ofFloats(Arrays.copyOfRange(all, 784 * 3, 784 * (3 + batch)), batch, 1, 28, 28);
            assertClose(fast.run(Map.of("input", x)), generic.run(Map.of("input", x)));
        }
    }

    @Test
    void convolutionsOfEveryGeometryMatchTheGenericOps() {
        int[][] cases = {
            // c, m, h, w, kh, kw, stride, pad, dilation
            {1, 16, 28, 28, 3, 3, 1, 1, 1}, {3, 7, 9, 11, 3, 3, 2, 0, 1}, {5, 9, 8, 8, 1, 1, 1, 0, 1},
            {2, 8, 7, 6, 2, 3, 1, 2, 1}, {4, 3, 10, 10, 3, 3, 1, 1, 2}, {16, 32, 14, 14, 3, 3, 1, 1, 1},
            {3, 5, 6, 5, 1, 1, 2, 0, 1}, {1, 1, 1, 1, 1, 1, 1, 0, 1},
        };
        for (int[] c : cases) {
            Tensor w = random(c[1], c[0], c[4], c[5]);
            byte[] model = new OnnxBuilder(13).input("x", -1, c[0], c[2], c[3]).output("y")
                    .initializer("w", w).initializer("b", random(c[1]))
                    .node("Conv", names("x", "w", "b"), names("c"), ints("strides", c[6], c[6]),
                            ints("pads", c[7], c[7], c[7], c[7]), ints("dilations", c[8], c[8]))
                    .node("Relu", names("c"), names("r"))
                    .node("MaxPool", names("r"), names("p"), ints("kernel_shape", 2, 2), ints("pads", 0, 0, 1, 1),
                            ints("strides", 1, 1))
                    .node("Conv", names("p", "w2"), names("y"), s("auto_pad", "SAME_UPPER"))
                    .initializer("w2", random(4, c[1], 2, 2))
                    .build();
            compare(model, "x", 3, c[0], c[2], c[3]);
        }
    }

    @Test
    void denseLayersFuseBiasAndReluAndMatchTheGenericOps() {
        byte[] model = new OnnxBuilder(13).input("x", -1, 3, 4, 5).output("y")
                .initializer("w1", random(13, 60)).initializer("b1", random(13))
                .initializer("w2", random(13, 9)).initializer("b2", random(1, 9))
                .initializer("w3", random(9, 17)).initializer("b3", random(1))
                .initializer("shape", Tensor.ofLongs(new long[] {0, -1}, 2))
                .node("Reshape", names("x", "shape"), names("xf"))
                .node("Gemm", names("xf", "w1", "b1"), names("h"), i("transB", 1), f("alpha", 0.5f), f("beta", 2f))
                .node("Relu", names("h"), names("r"))
                .node("MatMul", names("r", "w2"), names("m"))
                .node("Add", names("b2", "m"), names("a"))
                .node("Relu", names("a"), names("r2"))
                .node("Gemm", names("r2", "w3", "b3"), names("y"))
                .build();
        for (int batch : new int[] {1, 2, 3, 4, 7, 33}) {
            compare(model, "x", batch, 3, 4, 5);
        }
    }

    @Test
    void aGraphOutsideTheSubsetRunsGenerically() {
        byte[] model = new OnnxBuilder(13).input("x", -1, 4, 5, 5).output("y")
                .initializer("w", random(4, 2, 3, 3))
                .node("Conv", names("x", "w"), names("y"), i("group", 2))
                .build();
        Model m = Model.load(model, new JavaGemmBackend());
        assertThat(m.plan()).isNull();
        assertThat(m.accelerationNote()).contains("group");
        compare(model, "x", 2, 4, 5, 5);
    }

    @Test
    void intermediateValuesThatAreAlsoOutputsStayUnfused() {
        byte[] model = new OnnxBuilder(13).input("x", -1, 2, 6, 6).output("c").output("y")
                .initializer("w", random(3, 2, 3, 3))
                .node("Conv", names("x", "w"), names("c"))
                .node("Relu", names("c"), names("r"))
                .node("Flatten", names("r"), names("y"))
                .build();
        compare(model, "x", 2, 2, 6, 6);
    }

    private void compare(byte[] model, String input, int... dims) {
        Model fast = Model.load(model, new JavaGemmBackend());
        Tensor x = random(dims);
        assertClose(fast.run(Map.of(input, x)), Model.load(model).run(Map.of(input, x)));
    }

    static void assertClose(Map<String, Tensor> got, Map<String, Tensor> want) {
        assertThat(got.keySet()).containsExactlyElementsOf(want.keySet());
        for (String name : want.keySet()) {
            Tensor g = got.get(name);
            Tensor w = want.get(name);
            assertThat(g.dims()).as(name).containsExactly(w.dims());
            for (int i = 0; i < w.size(); i++) {
                float e = w.floats()[i];
                assertThat(g.floats()[i]).as("%s[%d]", name, i)
                        .isCloseTo(e, org.assertj.core.data.Offset.offset(1e-4f + 1e-4f * Math.abs(e)));
            }
        }
    }

    private Tensor random(int... dims) {
        float[] v = new float[Tensor.sizeOf(dims)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Tensor.ofFloats(v, dims);
    }
}
