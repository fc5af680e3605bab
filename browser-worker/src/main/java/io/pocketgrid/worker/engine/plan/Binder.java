package io.pocketgrid.worker.engine.plan;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.kernel.GemmBackend;
import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.ops.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers a plan's layers for one set of input shapes into a {@link Bound}: each layer onto its
 * kernel where these shapes fit ({@link ConvLayers}, {@link MatMulLayers}, {@link ElementwiseLayers},
 * {@link NormLayers}, {@link LayoutLayers}), else its nodes onto their own ops
 * ({@link GenericNodes}). The binder knows where every value is, and makes the copies a consumer
 * needs (C order or channels-last, uploaded to or read back from the backend) once.
 */
final class Binder {

    private final GemmBackend backend;
    private final Map<String, Tensor> constants;
    private final Map<Node, Op> ops;
    private final Region region;
    private final Steps steps = new Steps();
    private final HostSlots host = new HostSlots();
    private final Map<String, Value> values = new HashMap<>();
    private final List<Bound.NodePath> report = new ArrayList<>();

    private Binder(GemmBackend backend, Map<String, Tensor> constants, Map<Node, Op> ops) {
        this.backend = backend;
        this.constants = constants;
        this.ops = ops;
        this.region = new Region(backend);
    }

    /**
     * {@code layers} lowered for inputs of {@code inputDims}, their region allocated in
     * {@code backend}; {@code foldedAtLoad} are reported as folded.
     *
     * @throws PlanException when these shapes cannot be planned
     */
    static Bound bind(GemmBackend backend, List<Layer> layers, Map<String, Tensor> constants, Map<Node, Op> ops,
            Map<String, int[]> inputDims, Map<String, Tensor.Type> inputTypes, List<String> outputNames,
            List<Node> foldedAtLoad) throws PlanException {
        return new Binder(backend, constants, ops).bind(layers, inputDims, inputTypes, outputNames, foldedAtLoad);
    }

    private Bound bind(List<Layer> layers, Map<String, int[]> inputDims, Map<String, Tensor.Type> inputTypes,
            List<String> outputNames, List<Node> foldedAtLoad) throws PlanException {
        foldedAtLoad.forEach(this::reportFolded);
        Map<String, int[]> dims = new HashMap<>();
        List<Place> inputPlaces = new ArrayList<>();
        for (Map.Entry<String, Tensor.Type> in : inputTypes.entrySet()) {
            int[] d = inputDims.get(in.getKey());
            if (d == null) {
                throw new PlanException("no dims for input " + in.getKey());
            }
            dims.put(in.getKey(), d.clone());
            Value v = new Value(d.clone(), in.getValue());
            if (v.isFloat()) {
                v.place = region.place(v.size());
                v.place.first = -1;
                inputPlaces.add(v.place);
            } else {
                v.slot = host.slot();
                host.input(in.getKey(), v.slot);
            }
            values.put(in.getKey(), v);
        }
        List<Bound.Output> outputs = new ArrayList<>();
        try {
            for (Layer layer : layers) {
                steps.label(layer.nodes().get(0).opType());
                if (!kernel(layer)) {
                    for (Node n : layer.nodes()) {
                        steps.label(n.opType() + " (generic)");
                        GenericNodes.lower(this, n);
                    }
                }
            }
            steps.label("output");
            Place[] places = new Place[outputNames.size()];
            for (int i = 0; i < places.length; i++) {
                String name = outputNames.get(i);
                Value v = value(name);
                if (v == null) {
                    throw new PlanException("output " + name + " is not computed");
                }
                if (v.constant != null) {
                    host.output(name, v.constant);
                } else if (v.place == null && v.slot >= 0) {
                    host.output(name, v.slot);
                } else {
                    places[i] = plain(v);
                    places[i].last = Integer.MAX_VALUE;
                }
            }
            region.allocate();
            for (int i = 0; i < places.length; i++) {
                Value v = value(outputNames.get(i));
                outputs.add(new Bound.Output(outputNames.get(i), v.dims.clone(),
                        places[i] != null ? places[i].address : -1, v.size()));
            }
        } catch (EngineException e) {
            region.free();
            throw new PlanException(e.getMessage());
        }
        List<Bound.Input> inputs = new ArrayList<>();
        int k = 0;
        for (Map.Entry<String, Tensor.Type> in : inputTypes.entrySet()) {
            Value v = values.get(in.getKey());
            inputs.add(new Bound.Input(in.getKey(), v.dims.clone(), v.type,
                    v.isFloat() ? inputPlaces.get(k++).address : -1));
        }
        return new Bound(dims, inputs, outputs, report, steps, region, host);
    }

    /** Lowers {@code layer} onto kernels; false (and nothing emitted) when these shapes do not fit. */
    private boolean kernel(Layer layer) {
        return switch (layer) {
            case Layer.Conv c -> ConvLayers.conv(this, c);
            case Layer.Depthwise d -> ConvLayers.depthwise(this, d);
            case Layer.Pool p -> ConvLayers.pool(this, p);
            case Layer.GlobalAvg g -> ConvLayers.globalAvg(this, g);
            case Layer.Dense d -> MatMulLayers.dense(this, d);
            case Layer.BatchedMatMul m -> MatMulLayers.batchedMatMul(this, m);
            case Layer.Unary u -> ElementwiseLayers.unary(this, u);
            case Layer.Binary b -> ElementwiseLayers.binary(this, b);
            case Layer.ChannelAffine a -> NormLayers.channelAffine(this, a);
            case Layer.Softmax s -> NormLayers.softmax(this, s);
            case Layer.LayerNorm l -> NormLayers.layerNorm(this, l);
            case Layer.Transpose t -> LayoutLayers.transpose(this, t);
            case Layer.View v -> LayoutLayers.view(this, v);
            case Layer.Generic g -> false;
        };
    }

    // ---- what the layers bind against ----------------------------------------------------------

    GemmBackend backend() {
        return backend;
    }

    /** An initializer or a value folded at load, or null. */
    Tensor constant(String name) {
        return constants.get(name);
    }

    Op op(Node node) {
        return ops.get(node);
    }

    HostSlots host() {
        return host;
    }

    Place place(int floats) {
        return region.place(floats);
    }

    Place pinned(float[] data) {
        return region.pinned(data);
    }

    /** Adds a step that writes {@code out} (may be null) and reads {@code in} (nulls skipped). */
    void step(Steps.Step s, Place out, Place... in) {
        steps.add(s, out, in);
    }

    /** Adds a step on host tensors only. */
    void step(Steps.Step s) {
        steps.add(s);
    }

    /** Labels the steps of the layer being bound from now on. */
    void label(String label) {
        steps.label(label);
    }

    /** Labels the next step as data movement. */
    void moving(String what) {
        steps.moving(what);
    }

    // ---- values and their places ---------------------------------------------------------------

    /** The value called {@code name} (constants on first use), or null when nothing computed it. */
    Value value(String name) {
        Value v = values.get(name);
        if (v == null) {
            Tensor c = constants.get(name);
            if (c != null) {
                v = new Value(c.dims(), c.type());
                v.constant = c;
                values.put(name, v);
            }
        }
        return v;
    }

    void put(String name, Value v) {
        values.put(name, v);
    }

    /** {@code name} is a float tensor of {@code dims} at {@code place}, channels-last there when {@code cl}. */
    void define(String name, int[] dims, Place place, boolean cl) {
        Value v = new Value(dims.clone(), Tensor.Type.FLOAT);
        v.place = place;
        v.cl = cl && !v.trivial();
        values.put(name, v);
    }

    /** {@code v} in C order in memory (a transposed, uploaded or pinned copy made once when needed). */
    Place plain(Value v) {
        if (v.place != null && (!v.cl || v.trivial())) {
            return v.place;
        }
        if (v.plain == null) {
            if (v.place != null) {
                v.plain = transposed(v.place, v.dims[0], v.spatial(), v.dims[1]);
            } else if (v.constant != null) {
                v.plain = region.pinned(v.constant.floats());
            } else {
                Place y = region.place(v.size());
                int s = v.slot;
                steps.moving("upload");
                steps.add(() -> {
                    Tensor t = host.get(s);
                    backend.write(y.address, t.floats(), 0, t.size());
                }, y);
                v.plain = y;
            }
        }
        return v.plain;
    }

    /** {@code v} channels-last ([N, spatial…, C]) in memory. */
    Place channelsLast(Value v) {
        if (v.place != null && (v.cl || v.trivial())) {
            return v.place;
        }
        if (v.trivial()) {
            return plain(v);
        }
        if (v.channelsLast == null) {
            v.channelsLast = transposed(plain(v), v.dims[0], v.dims[1], v.spatial());
        }
        return v.channelsLast;
    }

    /** A host slot holding {@code v} at run time (read back from memory once when needed). */
    int hostSlot(Value v) {
        if (v.slot >= 0) {
            return v.slot;
        }
        Place from = plain(v);
        int s = host.slot();
        int[] dims = v.dims;
        steps.moving("download");
        steps.add(() -> {
            float[] data = new float[Tensor.sizeOf(dims)];
            backend.read(from.address, data, 0, data.length);
            host.set(s, Tensor.ofFloats(data, dims));
        }, null, from);
        v.slot = s;
        return s;
    }

    private Place transposed(Place from, int batch, int rows, int cols) {
        Place y = region.place(from.floats);
        steps.moving("layout transpose");
        steps.add(() -> backend.transpose(from.address, batch, rows, cols, 1, y.address), y, from);
        return y;
    }

    // ---- reports -------------------------------------------------------------------------------

    void reportKernel(Layer layer, long flops) {
        List<Node> ns = layer.nodes();
        report.add(new Bound.NodePath(ns.get(0).name(), ns.get(0).opType(), "kernel", flops));
        for (int i = 1; i < ns.size(); i++) {
            report.add(new Bound.NodePath(ns.get(i).name(), ns.get(i).opType(), "fused", 0));
        }
    }

    void reportView(Layer layer) {
        Node n = layer.nodes().get(0);
        report.add(new Bound.NodePath(n.name(), n.opType(), "view", 0));
    }

    void reportFolded(Node n) {
        report.add(new Bound.NodePath(n.name(), n.opType(), "folded", 0));
    }

    void reportGeneric(Node n, long flops) {
        report.add(new Bound.NodePath(n.name(), n.opType(), "generic", flops));
    }
}
