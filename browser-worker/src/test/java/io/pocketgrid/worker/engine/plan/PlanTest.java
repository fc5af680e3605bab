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
    void aNodeWithoutAKernelRunsGenericallyInsideThePlanAndOnlyItIsSlow() {
        byte[] model = new OnnxBuilder(13).input("x", -1, 4, 5, 5).output("y")
                .initializer("w0", random(4, 4, 1, 1))
                .initializer("w", random(4, 2, 3, 3))
                .initializer("w2", random(6, 4, 1, 1))
                .node("Conv", "first", names("x", "w0"), names("a"))
                .node("Conv", "grouped", names("a", "w"), names("g"), i("group", 2))
                .node("Conv", "last", names("g", "w2"), names("y"))
                .build();
        Model m = Model.load(model, new JavaGemmBackend());
        assertThat(m.plan()).isNotNull();
        compare(model, "x", 2, 4, 5, 5);
        assertThat(paths(m, Map.of("x", new int[] {2, 4, 5, 5})))
                .containsEntry("first", "kernel").containsEntry("grouped", "generic").containsEntry("last", "kernel");
    }

    @Test
    void residualBlocksFoldBatchNormsAndFuseAddsAndClipsIntoTheirConvs() {
        int c = 6;
        byte[] model = new OnnxBuilder(13).input("x", -1, c, 7, 7).output("y")
                .initializer("w1", random(c, c, 3, 3)).initializer("b1", random(c))
                .initializer("dw", random(c, 1, 3, 3))
                .initializer("w2", random(c, c, 1, 1))
                .initializer("fc", random(5, c)).initializer("fcb", random(5))
                .initializer("g1", positive(c)).initializer("be1", random(c)).initializer("m1", random(c))
                .initializer("v1", positive(c))
                .initializer("g2", positive(c)).initializer("be2", random(c)).initializer("m2", random(c))
                .initializer("v2", positive(c))
                .node("Constant", "lo", names(), names("zero"), OnnxBuilder.t("value", Tensor.scalar(0f)))
                .node("Constant", "hi", names(), names("six"), OnnxBuilder.t("value", Tensor.scalar(6f)))
                .node("Conv", "conv1", names("x", "w1", "b1"), names("c1"), ints("pads", 1, 1, 1, 1))
                .node("BatchNormalization", "bn1", names("c1", "g1", "be1", "m1", "v1"), names("n1"))
                .node("Clip", "relu6", names("n1", "zero", "six"), names("r1"))
                .node("Conv", "depthwise", names("r1", "dw"), names("d1"), i("group", c), ints("pads", 1, 1, 1, 1),
                        ints("strides", 1, 1))
                .node("BatchNormalization", "bn2", names("d1", "g2", "be2", "m2", "v2"), names("n2"))
                .node("Relu", "relu", names("n2"), names("r2"))
                .node("Conv", "project", names("r2", "w2"), names("p"))
                .node("Add", "residual", names("p", "x"), names("s"))
                .node("Relu", "relu2", names("s"), names("r3"))
                .node("GlobalAveragePool", "gap", names("r3"), names("gp"))
                .node("Flatten", "flat", names("gp"), names("f"))
                .node("Gemm", "fc", names("f", "fc", "fcb"), names("y"), i("transB", 1))
                .build();
        for (int batch : new int[] {1, 3}) {
            compare(model, "x", batch, c, 7, 7);
        }
        Map<String, String> p = paths(Model.load(model, new JavaGemmBackend()), Map.of("x", new int[] {2, c, 7, 7}));
        assertThat(p).containsEntry("lo", "folded").containsEntry("conv1", "kernel").containsEntry("bn1", "fused")
                .containsEntry("relu6", "fused").containsEntry("depthwise", "kernel").containsEntry("bn2", "fused")
                .containsEntry("relu", "fused").containsEntry("residual", "fused").containsEntry("relu2", "fused")
                .containsEntry("gap", "kernel").containsEntry("fc", "kernel");
        assertThat(p).doesNotContainValue("generic");
    }

    @Test
    void oneDimensionalConvolutionsRunAsTwoDimensionalOnesOfHeightOne() {
        byte[] model = new OnnxBuilder(13).input("x", -1, 3, 20).output("y")
                .initializer("w", random(8, 3, 5)).initializer("b", random(8))
                .initializer("w2", random(4, 8, 3))
                .node("Conv", "c1", names("x", "w", "b"), names("c"), ints("pads", 2, 2), ints("strides", 2))
                .node("Relu", names("c"), names("r"))
                .node("MaxPool", "pool", names("r"), names("p"), ints("kernel_shape", 2), ints("strides", 2))
                .node("Conv", "c2", names("p", "w2"), names("c2o"), ints("dilations", 2), ints("pads", 2, 2))
                .node("GlobalAveragePool", "gap", names("c2o"), names("y"))
                .build();
        compare(model, "x", 2, 3, 20);
        assertThat(paths(Model.load(model, new JavaGemmBackend()), Map.of("x", new int[] {2, 3, 20})))
                .containsEntry("c1", "kernel").containsEntry("pool", "kernel").containsEntry("c2", "kernel")
                .containsEntry("gap", "kernel");
    }

    @Test
    void attentionFoldsItsShapeArithmeticAndRunsOnKernels() {
        int s = 5;
        int d = 8;
        int heads = 2;
        byte[] model = new OnnxBuilder(17).input("x", -1, s, d).input("mask", Tensor.Type.INT64, -1, s).output("y")
                .initializer("wq", random(d, d)).initializer("bq", random(d)).initializer("wk", random(d, d))
                .initializer("wv", random(d, d)).initializer("ln", positive(d)).initializer("lb", random(d))
                .initializer("idx0", Tensor.scalarLong(0)).initializer("idx1", Tensor.scalarLong(1))
                .initializer("heads", Tensor.ofLongs(new long[] {heads, d / heads}, 2))
                .initializer("flat", Tensor.ofLongs(new long[] {d}, 1))
                .initializer("axes12", Tensor.ofLongs(new long[] {1, 2}, 2))
                .initializer("one", Tensor.scalar(1f)).initializer("big", Tensor.scalar(-10000f))
                .initializer("scale", Tensor.scalar((float) Math.sqrt(d / heads)))
                .initializer("sqrt2", Tensor.scalar((float) Math.sqrt(2))).initializer("half", Tensor.scalar(0.5f))
                .node("LayerNormalization", "ln", names("x", "ln", "lb"), names("h"), i("axis", -1))
                .node("Shape", "shape", names("h"), names("hs"))
                .node("Gather", "g0", names("hs", "idx0"), names("n"), i("axis", 0))
                .node("Gather", "g1", names("hs", "idx1"), names("sl"), i("axis", 0))
                .node("Unsqueeze", "u0", names("n", "idx0"), names("n1"))
                .node("Unsqueeze", "u1", names("sl", "idx0"), names("s1"))
                .node("Concat", "cat", names("n1", "s1", "heads"), names("split"), i("axis", 0))
                .node("Concat", "cat2", names("n1", "s1", "flat"), names("merge"), i("axis", 0))
                .node("MatMul", "q", names("h", "wq"), names("q0"))
                .node("Add", "qb", names("q0", "bq"), names("q1"))
                .node("MatMul", "k", names("h", "wk"), names("k0"))
                .node("MatMul", "v", names("h", "wv"), names("v0"))
                .node("Reshape", "qr", names("q1", "split"), names("q2"))
                .node("Reshape", "kr", names("k0", "split"), names("k2"))
                .node("Reshape", "vr", names("v0", "split"), names("v2"))
                .node("Transpose", "qt", names("q2"), names("q3"), ints("perm", 0, 2, 1, 3))
                .node("Transpose", "kt", names("k2"), names("k3"), ints("perm", 0, 2, 3, 1))
                .node("Transpose", "vt", names("v2"), names("v3"), ints("perm", 0, 2, 1, 3))
                .node("MatMul", "scores", names("q3", "k3"), names("sc"))
                .node("Div", "scaled", names("sc", "scale"), names("sc2"))
                .node("Unsqueeze", "mu", names("mask", "axes12"), names("m4"))
                .node("Cast", "mc", names("m4"), names("mf"), i("to", 1))
                .node("Sub", "inv", names("one", "mf"), names("mi"))
                .node("Mul", "mbig", names("mi", "big"), names("madd"))
                .node("Add", "masked", names("sc2", "madd"), names("sc3"))
                .node("Softmax", "softmax", names("sc3"), names("pr"), i("axis", -1))
                .node("MatMul", "ctx", names("pr", "v3"), names("c0"))
                .node("Transpose", "ct", names("c0"), names("c1"), ints("perm", 0, 2, 1, 3))
                .node("Reshape", "cr", names("c1", "merge"), names("c2"))
                .node("Div", "gdiv", names("c2", "sqrt2"), names("e0"))
                .node("Erf", "erf", names("e0"), names("e1"))
                .node("Add", "eadd", names("e1", "one"), names("e2"))
                .node("Mul", "emul", names("c2", "e2"), names("e3"))
                .node("Mul", "ehalf", names("e3", "half"), names("g"))
                .node("Add", "res", names("g", "x"), names("y"))
                .build();
        for (int batch : new int[] {1, 3}) {
            long[] mask = new long[batch * s];
            for (int j = 0; j < mask.length; j++) {
                mask[j] = j % s < s - 1 - (j / s) % 2 ? 1 : 0;
            }
            Map<String, Tensor> feeds = Map.of("x", random(batch, s, d), "mask",
                    Tensor.ofLongs(mask, batch, s));
            Model fast = Model.load(model, new JavaGemmBackend());
            assertClose(fast.run(feeds), Model.load(model).run(feeds));
        }
        Map<String, String> p = paths(Model.load(model, new JavaGemmBackend()),
                Map.of("x", new int[] {2, s, d}, "mask", new int[] {2, s}));
        assertThat(p).containsEntry("shape", "folded").containsEntry("cat", "folded").containsEntry("ln", "kernel")
                .containsEntry("q", "kernel").containsEntry("qb", "fused").containsEntry("qr", "view")
                .containsEntry("qt", "kernel").containsEntry("scores", "kernel").containsEntry("softmax", "kernel")
                .containsEntry("gdiv", "kernel").containsEntry("erf", "fused").containsEntry("ehalf", "fused")
                .containsEntry("mc", "generic").containsEntry("ctx", "kernel");
    }

    @Test
    void averagePoolsRunAsDepthwiseConvsWherePaddingCountsOrThereIsNone() {
        byte[] model = new OnnxBuilder(19).input("x", -1, 5, 9, 9).output("a").output("b").output("c")
                .node("AveragePool", "plain", names("x"), names("a"), ints("kernel_shape", 3, 3), ints("strides", 2, 2))
                .node("AveragePool", "counted", names("x"), names("b"), ints("kernel_shape", 3, 2),
                        ints("pads", 1, 1, 1, 0), i("count_include_pad", 1))
                .node("AveragePool", "uncounted", names("x"), names("c"), ints("kernel_shape", 2, 2),
                        ints("pads", 1, 1, 1, 1))
                .build();
        compare(model, "x", 2, 5, 9, 9);
        assertThat(paths(Model.load(model, new JavaGemmBackend()), Map.of("x", new int[] {2, 5, 9, 9})))
                .containsEntry("plain", "kernel").containsEntry("counted", "kernel")
                .containsEntry("uncounted", "generic");
    }

    @Test
    void aShapeThatDependsOnTheDataFallsBackToTheGenericOps() {
        byte[] model = new OnnxBuilder(13).input("x", -1, 6).output("y")
                .initializer("w", random(6, 6))
                .node("MatMul", names("x", "w"), names("h"))
                .node("Relu", names("h"), names("r"))
                .node("NonZero", names("r"), names("nz"))
                .node("Shape", names("nz"), names("y"))
                .build();
        Model fast = Model.load(model, new JavaGemmBackend());
        Model generic = Model.load(model);
        for (int k = 0; k < 3; k++) {
            Tensor x = random(2, 6);
            assertThat(fast.run(Map.of("x", x)).get("y").longs())
                    .containsExactly(generic.run(Map.of("x", x)).get("y").longs());
        }
    }

    /** Node name to the path it takes at these input shapes. */
    private static Map<String, String> paths(Model m, Map<String, int[]> dims) {
        Map<String, String> out = new java.util.HashMap<>();
        for (Bound.NodePath p : m.accelerated(dims).report()) {
            out.put(p.node(), p.path());
        }
        return out;
    }

    private Tensor positive(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.5f + rnd.nextFloat();
        }
        return Tensor.ofFloats(v, n);
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
