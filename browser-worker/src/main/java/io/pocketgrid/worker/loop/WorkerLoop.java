package io.pocketgrid.worker.loop;

import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * lease → model (cached by SHA-256) → input → compute → submit, one task per {@link #step()}.
 * Single-threaded: the host (a Web Worker, or a simulator thread) decides when to call again.
 */
public final class WorkerLoop {

    private final WorkServer server;
    private final LongSupplier clockMillis;
    private final Function<byte[], Model> loader;
    private String modelSha256;
    private Model model;
    private int completed;

    public WorkerLoop(WorkServer server, LongSupplier clockMillis) {
        this(server, clockMillis, Model::load);
    }

    /**
     * A loop that loads each model with {@code loader}, e.g. {@code Model.load(bytes, backend)} to
     * run on an accelerated kernel; the previous model is closed when the lease's model changes.
     */
    public WorkerLoop(WorkServer server, LongSupplier clockMillis, Function<byte[], Model> loader) {
        this.server = server;
        this.clockMillis = clockMillis;
        this.loader = loader;
    }

    /** Runs one task if the server has one. Failures surface as {@link WorkServerException} or engine exceptions. */
    public StepOutcome step() {
        Lease lease = server.lease();
        if (lease == null) {
            return StepOutcome.NO_WORK;
        }
        Model m = modelFor(lease);
        float[] input = server.input(lease);
        long started = clockMillis.getAsLong();
        Tensor output = compute(m, lease, input);
        long elapsed = clockMillis.getAsLong() - started;
        server.submit(lease, output.floats(), output.dims(), elapsed);
        completed++;
        return StepOutcome.COMPLETED;
    }

    /** Tasks this loop completed since it was created. */
    public int completed() {
        return completed;
    }

    /** Runs the model on one task's inputs; the same computation the server's cross-checks use. */
    public static Tensor compute(Model model, Lease lease, float[] input) {
        Map<String, Tensor> outputs = model.run(Map.of(lease.inputName(), Tensor.ofFloats(input, lease.inputDims())));
        Tensor out = outputs.get(lease.outputName());
        if (out == null) {
            throw new IllegalStateException("model has no output named " + lease.outputName());
        }
        return out;
    }

    private Model modelFor(Lease lease) {
        if (!lease.modelSha256().equals(modelSha256)) {
            if (model != null) {
                model.close();
                model = null;
                modelSha256 = null;
            }
            model = loader.apply(server.model(lease));
            modelSha256 = lease.modelSha256();
        }
        return model;
    }
}
