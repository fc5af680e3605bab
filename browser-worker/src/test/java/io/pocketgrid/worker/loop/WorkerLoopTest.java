package io.pocketgrid.worker.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pocketgrid.worker.engine.Npy;
import io.pocketgrid.worker.engine.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The loop's lease handling on the demo CNN, against an in-memory server that records each call. */
class WorkerLoopTest {

    private static final Path DEMO = Path.of("../portal/src/main/resources/demo");
    private static byte[] model;
    private static float[] input;

    private long now = 1_000_000;
    private final Server server = new Server();
    private final List<String> events = new ArrayList<>();

    @BeforeAll
    static void demo() throws IOException {
        model = Files.readAllBytes(DEMO.resolve("cnn.onnx"));
        input = Arrays.copyOf(Npy.read(Files.readAllBytes(DEMO.resolve("inputs.npy"))).floats(), 32 * 784);
    }

    @Test
    void givesBackALeaseThatCannotFinishBeforeItsDeadline() {
        WorkerLoop loop = loop(1e-6); // a device this slow needs hours for 32 images
        assertThat(loop.step()).isEqualTo(StepOutcome.GAVE_BACK);
        assertThat(server.calls).containsExactly("lease", "model", "release");
        assertThat(loop.held()).isNull();
        assertThat(events).last().isEqualTo("dropped 7");
    }

    @Test
    void computesALeaseThatFitsAndTellsTheEstimate() {
        WorkerLoop loop = loop(1.0);
        assertThat(loop.step()).isEqualTo(StepOutcome.COMPLETED);
        assertThat(server.calls).containsExactly("lease", "model", "input", "submit");
        assertThat(events).hasSize(3).first().isEqualTo("held 7 -1");
        assertThat(events.get(1)).matches("held 7 [0-9]+").isNotEqualTo("held 7 0");
        assertThat(events.get(2)).isEqualTo("dropped 7");
    }

    @Test
    void keepsTheLeaseWhileTheHostFetchesTheModel() {
        server.modelReady = false;
        WorkerLoop loop = loop(1.0);
        assertThat(loop.step()).isEqualTo(StepOutcome.NEEDS_MODEL);
        assertThat(loop.held().leaseId()).isEqualTo(7);
        server.modelReady = true;
        assertThat(loop.step()).isEqualTo(StepOutcome.COMPLETED);
        assertThat(server.calls).containsExactly("lease", "model", "model", "input", "submit");
    }

    @Test
    void keepsTheLeaseWhenTheServerIsUnreachableAndDropsItWhenRefused() {
        WorkerLoop loop = loop(1.0);
        server.inputFailure = new WorkServerException(0, "OFFLINE", "unreachable");
        assertThatThrownBy(loop::step).isSameAs(server.inputFailure);
        assertThat(loop.held()).as("a retry continues the same task").isNotNull();
        server.inputFailure = new WorkServerException(410, "LEASE_EXPIRED", "too late");
        assertThatThrownBy(loop::step).isSameAs(server.inputFailure);
        assertThat(loop.held()).isNull();
        assertThat(server.calls).containsExactly("lease", "model", "input", "input");
    }

    @Test
    void continuesAResumedLeaseWithoutAskingForAnother() {
        WorkerLoop loop = loop(1.0);
        loop.resume(server.lease);
        assertThat(loop.step()).isEqualTo(StepOutcome.COMPLETED);
        assertThat(server.calls).containsExactly("model", "input", "submit");
    }

    private WorkerLoop loop(double gflops) {
        return new WorkerLoop(server, () -> now).deviceGflops(gflops).listener(new LeaseListener() {
            @Override
            public void held(Lease lease, long estimatedMillis) {
                events.add("held " + lease.leaseId() + " " + estimatedMillis);
            }

            @Override
            public void dropped(Lease lease) {
                events.add("dropped " + lease.leaseId());
            }
        });
    }

    /** One lease of 32 demo images due in ten minutes. */
    private final class Server implements WorkServer {
        final List<String> calls = new ArrayList<>();
        final Lease lease = new Lease(7, "lt", 3, "sha", "/m", "/i",
                List.of(new TensorSpec("input", Tensor.Type.FLOAT, new int[] {32, 1, 28, 28})),
                List.of(new TensorSpec("logits", Tensor.Type.FLOAT, new int[] {32, 10})), now + 600_000);
        boolean modelReady = true;
        WorkServerException inputFailure;

        @Override
        public Lease lease() {
            calls.add("lease");
            return lease;
        }

        @Override
        public byte[] model(Lease l) {
            calls.add("model");
            return modelReady ? model : null;
        }

        @Override
        public Map<String, Tensor> input(Lease l) {
            calls.add("input");
            if (inputFailure != null) {
                throw inputFailure;
            }
            return Map.of("input", Tensor.ofFloats(input, 32, 1, 28, 28));
        }

        @Override
        public void submit(Lease l, Map<String, Tensor> outputs, long elapsedMs) {
            calls.add("submit");
            assertThat(outputs.keySet()).containsExactly("logits");
            assertThat(outputs.get("logits").dims()).containsExactly(32, 10);
        }

        @Override
        public void release(Lease l) {
            calls.add("release");
        }
    }
}
