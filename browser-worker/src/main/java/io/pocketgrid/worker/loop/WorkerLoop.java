package io.pocketgrid.worker.loop;

import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * lease → model (cached by SHA-256) → input → compute → submit, one task per {@link #step()}.
 * Single-threaded: the host (a Web Worker, or a simulator thread) decides when to call again.
 *
 * <p>A lease is held across steps until it is submitted, given back or refused: while the host
 * fetches the model ({@link StepOutcome#NEEDS_MODEL}) and while the server is unreachable (status
 * 0), so a retry continues the same task. Before computing, the loop estimates the compute time
 * from the device's speed and gives the lease back when it cannot finish before the deadline.
 */
public final class WorkerLoop {

    /** The estimate is multiplied by this before it is compared with the time left. */
    static final double SAFETY = 1.5;
    /** Time kept for the input download and the upload of the result. */
    static final long MARGIN_MS = 2_000;

    private final WorkServer server;
    private final LongSupplier clockMillis;
    private final Function<byte[], Model> loader;
    private double deviceGflops;
    private LeaseListener listener = LeaseListener.NONE;
    private Lease held;
    private long heldEstimate = -1;
    private String modelSha256;
    private Model model;
    private double observedGflops;
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

    /** This device's speed from {@link DeviceBenchmark}, in GFLOP/s; 0 (the default) skips the deadline check. */
    public WorkerLoop deviceGflops(double gflops) {
        this.deviceGflops = gflops > 0 && Double.isFinite(gflops) ? gflops : 0;
        return this;
    }

    public WorkerLoop listener(LeaseListener listener) {
        this.listener = listener;
        return this;
    }

    /** Continues a lease an earlier loop held (e.g. before the host paused); ignored while one is held. */
    public void resume(Lease lease) {
        if (held == null) {
            hold(lease, -1);
        }
    }

    /** The lease this loop holds between steps, or null. */
    public Lease held() {
        return held;
    }

    /** Runs one task if the server has one. Failures surface as {@link WorkServerException} or engine exceptions. */
    public StepOutcome step() {
        if (held == null) {
            Lease lease = server.lease();
            if (lease == null) {
                return StepOutcome.NO_WORK;
            }
            hold(lease, -1);
        }
        Lease lease = held;
        try {
            Model m = modelFor(lease);
            if (m == null) {
                return StepOutcome.NEEDS_MODEL;
            }
            long estimate = estimateMillis(m, lease);
            if (estimate != heldEstimate) {
                hold(lease, estimate);
            }
            if (estimate >= 0 && clockMillis.getAsLong() + (long) (estimate * SAFETY) + MARGIN_MS > lease.deadlineEpochMs()) {
                server.release(lease);
                drop();
                return StepOutcome.GAVE_BACK;
            }
            Map<String, Tensor> input = server.input(lease);
            long started = clockMillis.getAsLong();
            Map<String, Tensor> outputs = compute(m, lease, input);
            long elapsed = clockMillis.getAsLong() - started;
            server.submit(lease, outputs, elapsed);
            observe(m, lease, elapsed);
            drop();
            completed++;
            return StepOutcome.COMPLETED;
        } catch (WorkServerException e) {
            if (e.status() != 0) {
                drop(); // refused: the lease is dead; unreachable: keep it, a retry continues it
            }
            throw e;
        } catch (RuntimeException e) {
            giveBackAfterFailure(lease, e);
            throw e;
        }
    }

    /** Tasks this loop completed since it was created. */
    public int completed() {
        return completed;
    }

    /**
     * Runs the model on one task's inputs and gives the outputs the lease asks for, in its order;
     * the same computation the server's cross-checks use. An input or output that does not match
     * the lease (name, type, dims) is an {@link IllegalStateException}: this is not the task's data.
     */
    public static Map<String, Tensor> compute(Model model, Lease lease, Map<String, Tensor> inputs) {
        for (TensorSpec spec : lease.inputs()) {
            Tensor t = inputs.get(spec.name());
            if (t == null || !spec.matches(t)) {
                throw new IllegalStateException("the task's input " + spec.name() + " is not the "
                        + spec.type() + " " + java.util.Arrays.toString(spec.dims()) + " its lease describes");
            }
        }
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        lease.inputs().forEach(spec -> feeds.put(spec.name(), inputs.get(spec.name())));
        Map<String, Tensor> all = model.run(feeds);
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (TensorSpec spec : lease.outputs()) {
            Tensor out = all.get(spec.name());
            if (out == null) {
                throw new IllegalStateException("model has no output named " + spec.name());
            }
            outputs.put(spec.name(), out);
        }
        return outputs;
    }

    /** Expected compute time of the lease on this device, or -1 when the speed is unknown. */
    long estimateMillis(Model m, Lease lease) {
        double gflops = observedGflops > 0 ? observedGflops : deviceGflops;
        if (gflops <= 0 || lease.items() == 0) {
            return -1;
        }
        double flops = (double) m.flopsPerItem() * lease.items();
        return (long) Math.ceil(flops / (gflops * 1e6));
    }

    /** The speed the last task of this model showed: the benchmark does not see a model's other ops. */
    private void observe(Model m, Lease lease, long elapsedMillis) {
        if (elapsedMillis > 0 && lease.items() > 0) {
            observedGflops = (double) m.flopsPerItem() * lease.items() / (elapsedMillis * 1e6);
        }
    }

    /** This device cannot run the task (an engine failure): let someone else have it. */
    private void giveBackAfterFailure(Lease lease, RuntimeException failure) {
        try {
            server.release(lease);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        } finally {
            drop();
        }
    }

    private void hold(Lease lease, long estimate) {
        held = lease;
        heldEstimate = estimate;
        listener.held(lease, estimate);
    }

    private void drop() {
        Lease dropped = held;
        held = null;
        heldEstimate = -1;
        if (dropped != null) {
            listener.dropped(dropped);
        }
    }

    private Model modelFor(Lease lease) {
        if (!lease.modelSha256().equals(modelSha256)) {
            byte[] bytes = server.model(lease);
            if (bytes == null) {
                return null;
            }
            if (model != null) {
                model.close();
                model = null;
                modelSha256 = null;
            }
            model = loader.apply(bytes);
            modelSha256 = lease.modelSha256();
            observedGflops = 0;
        }
        return model;
    }
}
