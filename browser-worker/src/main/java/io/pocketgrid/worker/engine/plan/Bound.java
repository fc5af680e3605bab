package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A plan lowered for one set of input shapes: every float tensor a kernel touches has its place
 * in one backend region (places reused once a tensor is dead), other values live in host slots,
 * and {@link #execute} is a list of steps with nothing left to decide or allocate. Shape
 * sub-graphs (Shape → Gather → Concat → Reshape, …) are folded here, once. Maps of 1-D and 2-D
 * convolutions are channels-last inside; transposes are added where a consumer needs C order.
 * A layer whose kernel does not fit these shapes runs its nodes' generic ops instead. Made by
 * {@link Binder}.
 */
public final class Bound {

    /** A graph input: float ones are written at {@code address} before {@link #execute}, others set with {@link #setHost}. */
    public record Input(String name, int[] dims, Tensor.Type type, int address) {
    }

    /** A graph output: in C order at {@code address}, or (address -1) a host tensor from {@link #host}. */
    public record Output(String name, int[] dims, int address, int size) {
    }

    /** Which path one graph node takes: {@code kernel}, {@code fused}, {@code view}, {@code generic} or {@code folded}. */
    public record NodePath(String node, String opType, String path, long flops) {
    }

    /** A run whose generic step produced another shape than the one bound: the caller runs generically. */
    public static final class ShapeChanged extends EngineException {
        private static final long serialVersionUID = 1L;

        ShapeChanged(String message) {
            super(message);
        }
    }

    private final Map<String, int[]> inputDims;
    private final List<Input> inputs;
    private final List<Output> outputs;
    private final List<NodePath> report;
    private final Steps steps;
    private final Region region;
    private final HostSlots host;
    private final long kernelFlops;
    private final long genericFlops;

    Bound(Map<String, int[]> inputDims, List<Input> inputs, List<Output> outputs, List<NodePath> report,
            Steps steps, Region region, HostSlots host) {
        this.inputDims = inputDims;
        this.inputs = inputs;
        this.outputs = outputs;
        this.report = report;
        this.steps = steps;
        this.region = region;
        this.host = host;
        long kernel = 0;
        long generic = 0;
        for (NodePath p : report) {
            switch (p.path()) {
                case "kernel" -> kernel += p.flops();
                case "generic" -> generic += p.flops();
                default -> {
                }
            }
        }
        this.kernelFlops = kernel;
        this.genericFlops = generic;
    }

    /** The input shapes this lowering is for. */
    public Map<String, int[]> inputDims() {
        return Collections.unmodifiableMap(inputDims);
    }

    public List<Input> inputs() {
        return inputs;
    }

    /** Sets a non-float input (or one the caller has as a tensor) before {@link #execute}. */
    public void setHost(String name, Tensor t) {
        host.setInput(name, t);
    }

    /** Where the outputs are after {@link #execute}. */
    public List<Output> outputs() {
        return outputs;
    }

    /** An output kept as a tensor (address -1), after {@link #execute}. */
    public Tensor host(String name) {
        return host.output(name);
    }

    /** Per graph node, the path it takes and its FLOPs per run at these shapes. */
    public List<NodePath> report() {
        return Collections.unmodifiableList(report);
    }

    /** Bytes of backend memory this binding's tensors take (weights not included). */
    public long memoryBytes() {
        return 4L * region.floats();
    }

    /** The share of a run's FLOPs spent in the backend's kernels (the rest runs on generic ops). */
    public double kernelShare() {
        long all = kernelFlops + genericFlops;
        return all == 0 ? 1.0 : (double) kernelFlops / all;
    }

    /**
     * Runs every step once.
     *
     * @throws ShapeChanged when a generic step's result has another shape than at binding (its
     *     shape depended on data); the caller then runs the model generically
     */
    public void execute() {
        steps.run();
    }

    /**
     * Runs {@link #execute} {@code runs} times timing every step; milliseconds per run by step
     * label (the op type of the layer a step belongs to, "(generic)" for generic ops, and
     * "transpose"/"upload"/"download"/"pad" for data movement), largest first.
     */
    public Map<String, Double> profile(int runs, LongSupplier nanoTime) {
        return steps.profile(runs, nanoTime);
    }

    void free() {
        region.free();
    }
}
