package io.pocketgrid.worker.teavm;

import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.loop.StepOutcome;
import io.pocketgrid.worker.loop.WorkServerException;
import io.pocketgrid.worker.loop.WorkerLoop;

/**
 * Entry point of the volunteer worker's JavaScript build, in a Web Worker. The bootstrap script
 * {@code worker-boot.js} sets {@code self.pocketgridConfig}, loads this module and then drives
 * {@code self.pocketgridStep()}; timing and back-off stay in JavaScript so the Java side never
 * needs to sleep. Models run on the fastest kernel the build has ({@link Kernels}); the
 * WebAssembly-GC build starts through {@link VolunteerWorkerWasmMain}.
 */
public final class VolunteerWorkerMain {

    private VolunteerWorkerMain() {
    }

    public static void main(String[] args) {
        start(EngineJsMain.jsKernels());
    }

    static void start(Kernels kernels) {
        XhrWorkServer server = new XhrWorkServer(Js.config("apiBase"), Js.config("token"), Js.config("leaseRequest"));
        WorkerLoop loop = new WorkerLoop(server, System::currentTimeMillis,
                bytes -> Model.load(bytes, kernels.create("simd")));
        Js.exportStep(() -> step(loop));
    }

    private static int step(WorkerLoop loop) {
        try {
            return loop.step() == StepOutcome.COMPLETED ? 1 : 0;
        } catch (WorkServerException e) {
            Js.lastError(e.code() + ": " + e.getMessage());
            return -1;
        } catch (RuntimeException e) {
            Js.lastError(e.getClass().getName() + ": " + e.getMessage());
            return -1;
        }
    }
}
