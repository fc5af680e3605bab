package io.pocketgrid.worker.teavm;

import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.loop.DeviceBenchmark;
import io.pocketgrid.worker.loop.StepOutcome;
import io.pocketgrid.worker.loop.WorkServerException;
import io.pocketgrid.worker.loop.WorkerLoop;
import org.teavm.jso.JSObject;

/**
 * Entry point of the volunteer worker's JavaScript build, in a Web Worker. The bootstrap script
 * {@code worker-boot.js} sets {@code self.pocketgridConfig}, loads this module and then drives
 * {@code self.pocketgridStep()}; timing, back-off and model downloads stay in JavaScript so the
 * Java side never needs to sleep or wait. At start it benchmarks the kernel its models will run
 * on ({@link DeviceBenchmark}) and sends the figure with every lease request. Models run on the
 * fastest kernel the build has ({@link Kernels}); the WebAssembly-GC build starts through
 * {@link VolunteerWorkerWasmMain}.
 */
public final class VolunteerWorkerMain {

    /** Step results for worker-boot.js (see {@link StepFunction}). */
    static final int COMPLETED = 1;
    static final int NO_WORK = 0;
    static final int NEEDS_MODEL = 2;
    static final int GAVE_BACK = 3;
    static final int FAILED = -1;
    static final int OFFLINE = -2;

    private VolunteerWorkerMain() {
    }

    public static void main(String[] args) {
        start(EngineJsMain.jsKernels());
    }

    static void start(Kernels kernels) {
        double gflops = benchmark(kernels);
        Js.exportGflops(gflops);
        String request = "{\"cores\":" + Js.cores() + (gflops > 0 ? ",\"gflops\":" + Math.round(gflops * 100) / 100.0 : "") + "}";
        XhrWorkServer server = new XhrWorkServer(Js.config("apiBase"), Js.config("token"), request);
        WorkerLoop loop = new WorkerLoop(server, System::currentTimeMillis,
                bytes -> Model.load(bytes, kernels.create("simd")))
                .deviceGflops(gflops)
                .listener(new PageLeaseListener(server));
        JSObject resume = Js.configObject("resumeLease");
        if (resume != null) {
            loop.resume(server.parse(resume));
        }
        Js.exportStep(() -> step(loop));
    }

    /** GFLOP/s of the kernel models will run on: 150 ms to warm up, 250 ms measured; 0 if it failed. */
    private static double benchmark(Kernels kernels) {
        GemmBackend backend = kernels.create("simd");
        try {
            return DeviceBenchmark.gflops(backend, System::nanoTime, 150, 250);
        } catch (RuntimeException e) {
            Js.lastError("benchmark failed: " + e.getMessage());
            return 0;
        } finally {
            backend.close();
        }
    }

    private static int step(WorkerLoop loop) {
        try {
            return switch (loop.step()) {
                case COMPLETED -> COMPLETED;
                case NO_WORK -> NO_WORK;
                case NEEDS_MODEL -> NEEDS_MODEL;
                case GAVE_BACK -> GAVE_BACK;
            };
        } catch (WorkServerException e) {
            Js.lastError(e.code() + ": " + e.getMessage());
            return e.status() == 0 ? OFFLINE : FAILED;
        } catch (RuntimeException e) {
            Js.lastError(e.getClass().getName() + ": " + e.getMessage());
            return FAILED;
        }
    }
}
