package io.pocketgrid.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.worker.reference.ConformanceCase;
import io.pocketgrid.worker.reference.ConformanceRunner;
import io.pocketgrid.worker.engine.kernel.JavaGemmBackend;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The ONNX backend test data (Debian package {@code libonnx-testdata}) through the engine: every
 * test whose ops are all supported must pass, and there must be at least {@link #RUNNABLE_FLOOR}
 * of them, so that a regression that silently skips tests fails too.
 */
class OnnxConformanceTest {

    /**
     * Measured: 910 runnable (all passing) when this floor was set (846 before FLOAT16/BFLOAT16/DOUBLE
     * and the quantization ops); raise it as ops are added.
     */
    static final int RUNNABLE_FLOOR = 910;
    /** Tests the accelerated plan runs (frozen weights); measured: 314 when this floor was set (60 before the plan ran node by node). */
    static final int PLAN_FLOOR = 300;

    @Test
    void everyRunnableBackendTestPasses() throws Exception {
        assertThat(Files.isDirectory(ConformanceRunner.DEFAULT_ROOT))
                .as("ONNX test data missing: apt-get install -y libonnx-testdata")
                .isTrue();

        ConformanceRunner.Report report = ConformanceRunner.run(ConformanceRunner.DEFAULT_ROOT, System.out);

        assertThat(report.failures()).as("failing conformance tests").isEmpty();
        assertThat(report.runnable()).as("runnable conformance tests").isGreaterThanOrEqualTo(RUNNABLE_FLOOR);
    }

    /**
     * The same tests through the accelerated plan, every input fed at run time: kernel layers where
     * they fit, every other node on its generic op inside the plan.
     */
    @Test
    void everyRunnableBackendTestPassesOnThePlan() throws Exception {
        ConformanceRunner.Report report = ConformanceRunner.run(ConformanceRunner.DEFAULT_ROOT, System.out,
                new ConformanceCase.Loader(g -> Model.of(g, new JavaGemmBackend()), false));

        assertThat(report.failures()).as("failing conformance tests on the plan").isEmpty();
        assertThat(report.runnable()).as("runnable conformance tests on the plan").isGreaterThanOrEqualTo(RUNNABLE_FLOOR);
    }

    /**
     * The accelerated plan on the Java reference kernels, on every test with an op that has a kernel, once the
     * inputs after the first are made weights (as they are in real models).
     */
    @Test
    void everyTestThePlanAcceptsPassesOnThePlan() throws Exception {
        ConformanceRunner.Report report = ConformanceRunner.run(ConformanceRunner.DEFAULT_ROOT, System.out,
                new ConformanceCase.Loader(g -> Model.of(g, new JavaGemmBackend()), true));

        assertThat(report.failures()).as("failing conformance tests on the plan").isEmpty();
        assertThat(report.runnable()).as("tests the plan runs").isGreaterThanOrEqualTo(PLAN_FLOOR);
    }
}
