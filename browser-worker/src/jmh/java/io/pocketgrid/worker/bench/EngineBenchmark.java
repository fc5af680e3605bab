package io.pocketgrid.worker.bench;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Npy;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.JavaGemmBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One batch of the demo models on the JVM: the engine's generic ops (the reference), its
 * accelerated plan on the Java kernels, and OnnxRuntime through DJL (one thread, like ours).
 * Scores are batches per second; {@link EngineBenchmarks} turns them into images per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EngineBenchmark {

    /** Where the demo models and inputs are; {@code -Dpocketgrid.demo=...} elsewhere. */
    static final Path DEMO = Path.of(System.getProperty("pocketgrid.demo", "../portal/src/main/resources/demo"));

    @Param({"cnn", "mlp"})
    public String model;

    @Param({"1", "32"})
    public int batch;

    @Param({"generic", "plan", "onnxruntime"})
    public String engine;

    private Model ours;
    private ZooModel<NDList, NDList> ort;
    private Predictor<NDList, NDList> predictor;
    private NDManager manager;
    private float[][] inputs;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        System.setProperty("ai.djl.offline", "true");
        Path file = DEMO.resolve(model + ".onnx");
        float[] all = Npy.read(Files.readAllBytes(DEMO.resolve("inputs.npy"))).floats();
        inputs = new float[8][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = Arrays.copyOfRange(all, i * batch * 784, (i + 1) * batch * 784);
        }
        switch (engine) {
            case "generic" -> ours = Model.load(Files.readAllBytes(file));
            case "plan" -> ours = Model.load(Files.readAllBytes(file), new JavaGemmBackend());
            case "onnxruntime" -> {
                ort = Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(file)
                        .optEngine("OnnxRuntime").optTranslator(new NoopTranslator())
                        .optOption("interOpNumThreads", "1").optOption("intraOpNumThreads", "1")
                        .build().loadModel();
                predictor = ort.newPredictor();
                manager = NDManager.newBaseManager("OnnxRuntime");
            }
            default -> throw new IllegalArgumentException(engine);
        }
    }

    @Benchmark
    public float[] run() throws Exception {
        float[] x = inputs[next++ & 7];
        if (ours != null) {
            return ours.run(Map.of("input", Tensor.ofFloats(x, batch, 1, 28, 28))).get("logits").floats();
        }
        try (NDManager m = manager.newSubManager()) {
            NDList out = predictor.predict(new NDList(m.create(x, new Shape(batch, 1, 28, 28))));
            return out.get(0).toFloatArray();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (ours != null) {
            ours.close();
        }
        if (ort != null) {
            predictor.close();
            manager.close();
            ort.close();
        }
    }
}
