package io.pocketgrid.worker.engine;

import static io.pocketgrid.worker.engine.OnnxBuilder.f;
import static io.pocketgrid.worker.engine.OnnxBuilder.i;
import static io.pocketgrid.worker.engine.OnnxBuilder.ints;
import static io.pocketgrid.worker.engine.OnnxBuilder.names;
import static io.pocketgrid.worker.engine.OnnxBuilder.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.worker.reference.OrtReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our engine against DJL + OnnxRuntime on the same file. */
class OrtCrossCheckTest {

    @TempDir
    Path dir;

    @Test
    void mlpMatchesOnnxRuntime() throws Exception {
        Random rnd = new Random(7);
        byte[] bytes = ModelTest.mlp(ModelTest.random(rnd, 32), ModelTest.random(rnd, 8),
                ModelTest.random(rnd, 24), ModelTest.random(rnd, 3));
        Path file = dir.resolve("mlp.onnx");
        Files.write(file, bytes);
        Tensor x = Tensor.ofFloats(ModelTest.random(rnd, 6 * 4), 6, 4);

        Tensor ours = Model.load(bytes).run(Map.of("x", x)).get("y");
        Tensor theirs;
        try (OrtReference ort = new OrtReference(file)) {
            theirs = ort.run(List.of(Map.entry("x", x)), List.of("y")).get("y");
        }

        assertThat(ours.dims()).containsExactly(theirs.dims());
        for (int i = 0; i < ours.size(); i++) {
            assertThat(ours.floats()[i]).isCloseTo(theirs.floats()[i], org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void integerAndHalfInputsAndOutputsReachOnnxRuntimeAndComeBack() throws Exception {
        byte[] bytes = new OnnxBuilder(14) // Add takes uint8 from opset 14
                .input("ids", Tensor.Type.INT64, -1, 3).input("flags", Tensor.Type.BOOL, -1, 3)
                .input("pixels", Tensor.Type.UINT8, -1, 3).input("half", Tensor.Type.FLOAT16, -1, 3)
                .output("count", Tensor.Type.INT32, -1, 3).output("doubled", Tensor.Type.FLOAT16, -1, 3)
                .output("bright", Tensor.Type.UINT8, -1, 3).output("kept", Tensor.Type.BOOL, -1, 3)
                .node("Cast", names("ids"), names("count"), i("to", 6))
                .node("Add", names("half", "half"), names("doubled"))
                .node("Add", names("pixels", "pixels"), names("bright"))
                .node("Not", names("flags"), names("kept"))
                .build();
        Path file = dir.resolve("types.onnx");
        Files.write(file, bytes);
        Map<String, Tensor> in = new java.util.LinkedHashMap<>();
        in.put("ids", Tensor.ofLongs(new long[] {1, -2, 70000, 4, 5, 6}, 2, 3));
        in.put("flags", Tensor.ofLongs(Tensor.Type.BOOL, new long[] {1, 0, 1, 0, 0, 1}, 2, 3));
        in.put("pixels", Tensor.ofLongs(Tensor.Type.UINT8, new long[] {0, 100, 200, 255, 1, 2}, 2, 3));
        in.put("half", Tensor.ofFloats(Tensor.Type.FLOAT16, new float[] {0.5f, -1.25f, 1000f, 3.14f, 0, -7}, 2, 3));

        Map<String, Tensor> ours = Model.load(bytes).run(in);
        Map<String, Tensor> theirs;
        try (OrtReference ort = new OrtReference(file)) {
            theirs = ort.run(List.copyOf(in.entrySet()), List.of("count", "doubled", "bright", "kept"));
        }

        for (String out : List.of("count", "bright", "kept")) {
            assertThat(theirs.get(out).type()).as(out).isEqualTo(ours.get(out).type());
            assertThat(theirs.get(out).longs()).as(out).containsExactly(ours.get(out).longs());
        }
        assertThat(theirs.get("doubled").type()).isEqualTo(Tensor.Type.FLOAT16);
        assertThat(theirs.get("doubled").floats()).containsExactly(ours.get("doubled").floats());
        assertThat(theirs.get("bright").longs()).as("uint8 wraps").containsExactly(0, 200, 144, 254, 2, 4);
    }

    /** A small CNN with a residual block, the ops of a typical exported image model, opset 17. */
    static byte[] cnn(Random rnd) {
        return new OnnxBuilder(17)
                .input("image", -1, 3, 16, 16)
                .output("probs", -1, 10)
                .output("features", -1, 8, 4, 4)
                .initializer("w1", Tensor.ofFloats(ModelTest.random(rnd, 8 * 3 * 3 * 3), 8, 3, 3, 3))
                .initializer("b1", Tensor.ofFloats(ModelTest.random(rnd, 8), 8))
                .initializer("bn_s", Tensor.ofFloats(positive(rnd, 8), 8))
                .initializer("bn_b", Tensor.ofFloats(ModelTest.random(rnd, 8), 8))
                .initializer("bn_m", Tensor.ofFloats(ModelTest.random(rnd, 8), 8))
                .initializer("bn_v", Tensor.ofFloats(positive(rnd, 8), 8))
                .initializer("wd", Tensor.ofFloats(ModelTest.random(rnd, 8 * 3 * 3), 8, 1, 3, 3))
                .initializer("wp", Tensor.ofFloats(ModelTest.random(rnd, 8 * 8), 8, 8, 1, 1))
                .initializer("ln_s", Tensor.ofFloats(positive(rnd, 64), 64))
                .initializer("fc_w", Tensor.ofFloats(ModelTest.random(rnd, 10 * 64), 10, 64))
                .initializer("fc_b", Tensor.ofFloats(ModelTest.random(rnd, 10), 10))
                .initializer("flat", Tensor.ofLongs(new long[] {0, -1}, 2))
                .node("Conv", names("image", "w1", "b1"), names("c1"), ints("pads", 1, 1, 1, 1), ints("strides", 2, 2))
                .node("BatchNormalization", names("c1", "bn_s", "bn_b", "bn_m", "bn_v"), names("bn"), f("epsilon", 1e-3f))
                .node("Relu", names("bn"), names("r1"))
                .node("Conv", names("r1", "wd"), names("d1"), i("group", 8), s("auto_pad", "SAME_UPPER"))
                .node("HardSwish", names("d1"), names("h1"))
                .node("Conv", names("h1", "wp"), names("p1"))
                .node("Add", names("p1", "r1"), names("res"))
                .node("MaxPool", names("res"), names("features"), ints("kernel_shape", 3, 3), ints("strides", 2, 2),
                        ints("pads", 1, 1, 1, 1))
                .node("AveragePool", names("features"), names("ap"), ints("kernel_shape", 2, 2), ints("strides", 2, 2))
                .node("Reshape", names("ap", "flat"), names("fl"))
                .node("Concat", names("fl", "fl"), names("cat"), i("axis", 1))
                .node("LayerNormalization", names("cat", "ln_s"), names("ln"))
                .node("Gemm", names("ln", "fc_w", "fc_b"), names("logits"), i("transB", 1))
                .node("Softmax", names("logits"), names("probs"))
                .build();
    }

    private static float[] positive(Random rnd, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = 0.5f + rnd.nextFloat();
        }
        return v;
    }

    @Test
    void cnnMatchesOnnxRuntimeAtSeveralBatchSizes() throws Exception {
        Random rnd = new Random(21);
        byte[] bytes = cnn(rnd);
        Path file = dir.resolve("cnn.onnx");
        Files.write(file, bytes);
        Model model = Model.load(bytes);
        try (OrtReference ort = new OrtReference(file)) {
            for (int batch : new int[] {1, 4}) {
                Tensor x = Tensor.ofFloats(ModelTest.random(rnd, batch * 3 * 16 * 16), batch, 3, 16, 16);
                Map<String, Tensor> ours = model.run(Map.of("image", x));
                Map<String, Tensor> theirs = ort.run(List.of(Map.entry("image", x)), List.of("probs", "features"));
                for (String name : List.of("probs", "features")) {
                    Tensor a = ours.get(name);
                    Tensor b = theirs.get(name);
                    assertThat(a.dims()).as(name).containsExactly(b.dims());
                    for (int k = 0; k < a.size(); k++) {
                        assertThat(a.floats()[k]).as(name + "[" + k + "] batch " + batch)
                                .isCloseTo(b.floats()[k], org.assertj.core.data.Offset.offset(1e-4f + 1e-3f * Math.abs(b.floats()[k])));
                    }
                }
            }
        }
        assertThat(model.flopsPerItem()).isGreaterThan(2L * 8 * 27 * 64);
    }
}
