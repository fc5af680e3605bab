package io.pocketgrid.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Npy;
import io.pocketgrid.worker.engine.OnnxBuilder;
import io.pocketgrid.worker.engine.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineCliTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int cli(String... args) {
        return EngineCli.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path cnn() throws Exception {
        float[] w = new float[4 * 1 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 7 - 3) * 0.1f;
        }
        byte[] bytes = new OnnxBuilder(13).input("image", -1, 1, 6, 6).output("logits", -1, 4)
                .initializer("w", Tensor.ofFloats(w, 4, 1, 3, 3))
                .initializer("b", Tensor.ofFloats(new float[] {0.1f, -0.1f, 0.2f, 0f}, 4))
                .node("Conv", OnnxBuilder.names("image", "w", "b"), OnnxBuilder.names("c"), OnnxBuilder.ints("pads", 1, 1, 1, 1))
                .node("Relu", OnnxBuilder.names("c"), OnnxBuilder.names("r"))
                .node("GlobalAveragePool", OnnxBuilder.names("r"), OnnxBuilder.names("g"))
                .node("Flatten", OnnxBuilder.names("g"), OnnxBuilder.names("logits"))
                .build();
        Path f = dir.resolve("cnn.onnx");
        Files.write(f, bytes);
        return f;
    }

    @Test
    void checkReportsModelAndAgreesWithOnnxRuntime() throws Exception {
        int code = cli("check", cnn().toString());

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text + err).isZero();
        assertThat(text).contains("Conv x1", "parameters: 40", "image FLOAT [N, 1, 6, 6]", "logits [N, 4]",
                "FLOPs per item: ", "batch 1, generic ops: largest |ours - OnnxRuntime|",
                "batch 4, accelerated plan: largest", "(ok)", "% of FLOPs on kernels");
        assertThat(text).doesNotContain("MISMATCH", "generic op inside the plan");
    }

    @Test
    void checkListsUnsupportedOpsWithExitCode2() throws Exception {
        byte[] bytes = new OnnxBuilder(13).input("x", 2).output("y", 2)
                .node("Relu", OnnxBuilder.names("x"), OnnxBuilder.names("h"))
                .node("NoSuchOp", "strange_node", OnnxBuilder.names("h"), OnnxBuilder.names("y")).build();
        Path f = dir.resolve("bad.onnx");
        Files.write(f, bytes);

        assertThat(cli("check", f.toString())).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("NoSuchOp at node 'strange_node'");
    }

    @Test
    void runWritesOneNpyPerOutput() throws Exception {
        Path model = cnn();
        float[] x = new float[3 * 36];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 11) / 11f;
        }
        Tensor input = Tensor.ofFloats(x, 3, 1, 6, 6);
        Path npy = dir.resolve("in.npy");
        Files.write(npy, Npy.write(input));

        int code = cli("run", model.toString(), "--input", "image=" + npy, "--output-dir", dir.resolve("out").toString());

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        Tensor got = Npy.read(Files.readAllBytes(dir.resolve("out/logits.npy")));
        Tensor expected = Model.load(Files.readAllBytes(model)).run(Map.of("image", input)).get("logits");
        assertThat(got.dims()).containsExactly(3, 4);
        assertThat(got.floats()).containsExactly(expected.floats());
    }

    @Test
    void runRejectsMissingOutputDir() throws Exception {
        assertThat(cli("run", cnn().toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--output-dir");
    }
}
