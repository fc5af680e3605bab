package io.pocketgrid.worker.teavm;

import io.pocketgrid.worker.reference.ConformanceCase;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.ValueInfo;
import io.pocketgrid.worker.engine.plan.Bound;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSArray;
import org.teavm.jso.core.JSArrayReader;
import org.teavm.jso.core.JSString;
import org.teavm.jso.typedarrays.ArrayBuffer;
import org.teavm.jso.typedarrays.Float32Array;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * The Java side of {@code PocketGridEngine} (both TeaVM targets): models by id, runs on the
 * accelerated plan with inputs and outputs copied straight between typed arrays and kernel
 * memory, else through tensors on the generic ops. Errors come back as {@code {error}} objects;
 * {@code engine.js} turns them into rejected promises.
 */
final class EngineApi {

    private final Kernels kernels;
    private final Map<Integer, Model> models = new HashMap<>();
    private int nextId = 1;

    EngineApi(Kernels kernels) {
        this.kernels = kernels;
    }

    void export() {
        EngineJs.export(this::load, this::run, this::flops, this::dispose, this::check, this::profile,
                kernels.available());
    }

    private JSObject load(ArrayBuffer bytes, String kernel) {
        try {
            Model m = open(new Int8Array(bytes).copyToJavaArray(), kernel);
            int id = nextId++;
            models.put(id, m);
            JSObject info = EngineJs.object();
            EngineJs.setNumber(info, "id", id);
            EngineJs.setString(info, "kernel", m.plan() != null ? m.plan().backend().name() : "generic");
            EngineJs.setString(info, "kernelNote", m.accelerationNote());
            EngineJs.set(info, "inputs", describe(m.inputs()));
            EngineJs.set(info, "outputs", describe(m.outputs()));
            return info;
        } catch (RuntimeException e) {
            return EngineJs.error(message(e));
        }
    }

    private Model open(byte[] bytes, String kernel) {
        return Model.load(bytes, kernels.create(kernel));
    }

    private JSObject run(int id, JSObject feeds) {
        try {
            Model m = model(id);
            JSArray<JSString> names = EngineJs.keys(feeds);
            Map<String, int[]> dims = new LinkedHashMap<>();
            for (int i = 0; i < names.getLength(); i++) {
                String name = names.get(i).stringValue();
                dims.put(name, dims(name, EngineJs.get(feeds, name)));
            }
            Bound b = m.accelerated(dims);
            if (b != null) {
                JSObject out = runAccelerated(m, b, feeds);
                if (out != null) {
                    return out;
                }
            }
            Map<String, Tensor> in = new LinkedHashMap<>();
            for (int i = 0; i < names.getLength(); i++) {
                String name = names.get(i).stringValue();
                JSObject feed = EngineJs.get(feeds, name);
                in.put(name, tensor(m, name, feed));
            }
            JSObject out = EngineJs.object();
            for (Map.Entry<String, Tensor> e : m.run(in).entrySet()) {
                Tensor t = e.getValue();
                float[] v = t.type().isFloating() ? t.floats() : toFloats(t);
                EngineJs.set(out, e.getKey(), result(Float32Array.copyFromJavaArray(v), t.dims()));
            }
            return outputs(out);
        } catch (RuntimeException e) {
            return EngineJs.error(message(e));
        }
    }

    /** Runs the bound plan with inputs and outputs copied straight to and from its memory; null when it gave up. */
    private JSObject runAccelerated(Model m, Bound b, JSObject feeds) {
        JsMemory memory = JsMemory.of(m.plan().backend());
        for (Bound.Input in : b.inputs()) {
            JSObject feed = EngineJs.get(feeds, in.name());
            if (in.address() >= 0) {
                memory.write(in.address(), data(in.name(), feed, Tensor.sizeOf(in.dims())));
            } else {
                b.setHost(in.name(), tensor(m, in.name(), feed));
            }
        }
        try {
            b.execute();
        } catch (Bound.ShapeChanged e) {
            m.plan().shapeChanged();
            return null;
        }
        JSObject out = EngineJs.object();
        for (Bound.Output o : b.outputs()) {
            Float32Array data;
            if (o.address() >= 0) {
                data = memory.read(o.address(), o.size());
            } else {
                Tensor t = b.host(o.name());
                data = Float32Array.copyFromJavaArray(t.type().isFloating() ? t.floats() : toFloats(t));
            }
            EngineJs.set(out, o.name(), result(data, o.dims()));
        }
        JSObject r = outputs(out);
        EngineJs.setNumber(r, "kernelShare", b.kernelShare());
        return r;
    }

    /** {@code {outputs}}, so that no output name can be mistaken for {@code error}. */
    private static JSObject outputs(JSObject byName) {
        JSObject r = EngineJs.object();
        EngineJs.set(r, "outputs", byName);
        return r;
    }

    private JSObject flops(int id) {
        try {
            return EngineJs.number(model(id).flopsPerItem());
        } catch (RuntimeException e) {
            return EngineJs.error(message(e));
        }
    }

    /** Times each step of the plan as last run (same shapes, same inputs), {@code runs} times. */
    private JSObject profile(int id, int runs) {
        try {
            Model m = model(id);
            Bound b = m.plan() == null ? null : m.plan().bound();
            if (b == null) {
                return EngineJs.error("no accelerated run to profile yet");
            }
            JSObject o = EngineJs.object();
            b.profile(Math.max(1, runs), System::nanoTime).forEach((k, v) -> EngineJs.setNumber(o, k, v));
            return o;
        } catch (RuntimeException e) {
            return EngineJs.error(message(e));
        }
    }

    private JSObject dispose(int id) {
        Model m = models.remove(id);
        if (m != null) {
            m.close();
        }
        return null;
    }

    /**
     * One conformance test (see {@link ConformanceCase}); sets are {@code {name, inputs, outputs}};
     * {@code freeze} runs the plan's variant (inputs after the first become weights).
     */
    private JSObject check(ArrayBuffer model, JSArray<JSObject> sets, String kernel, boolean freeze) {
        List<ConformanceCase.DataSet> data = new ArrayList<>();
        for (int i = 0; i < sets.getLength(); i++) {
            JSObject s = sets.get(i);
            data.add(new ConformanceCase.DataSet(EngineJs.getString(s, "name"),
                    buffers(EngineJs.get(s, "inputs")), buffers(EngineJs.get(s, "outputs"))));
        }
        ConformanceCase.Outcome o;
        try {
            o = ConformanceCase.run(new Int8Array(model).copyToJavaArray(), data,
                    new ConformanceCase.Loader(g -> Model.of(g, kernels.create(kernel)), freeze));
        } catch (RuntimeException e) {
            o = new ConformanceCase.Outcome(ConformanceCase.Kind.FAIL, List.of("(crash)"), message(e));
        }
        JSObject r = EngineJs.object();
        EngineJs.setString(r, "kind", o.kind().name());
        JSArray<JSString> ops = EngineJs.array();
        o.ops().forEach(op -> ops.push(JSString.valueOf(op)));
        EngineJs.set(r, "ops", ops);
        EngineJs.setString(r, "message", o.message());
        return r;
    }

    @SuppressWarnings("unchecked")
    private static List<byte[]> buffers(JSObject array) {
        JSArrayReader<ArrayBuffer> a = (JSArrayReader<ArrayBuffer>) array;
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < a.getLength(); i++) {
            out.add(new Int8Array(a.get(i)).copyToJavaArray());
        }
        return out;
    }

    private Model model(int id) {
        Model m = models.get(id);
        if (m == null) {
            throw new IllegalStateException("model " + id + " was disposed");
        }
        return m;
    }

    private static Tensor tensor(Model m, String name, JSObject feed) {
        int[] dims = dims(name, feed);
        float[] v = data(name, feed, Tensor.sizeOf(dims)).copyToJavaArray();
        Tensor.Type type = m.inputType(name);
        if (type.isFloating()) {
            return Tensor.ofFloats(type, v, dims);
        }
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            l[i] = type.wrap((long) v[i]);
        }
        return Tensor.ofLongs(type, l, dims);
    }

    private static int[] dims(String name, JSObject feed) {
        int rank = feed == null ? -1 : EngineJs.rank(feed);
        if (rank < 0) {
            throw new IllegalArgumentException("input '" + name + "' needs {data: Float32Array, dims: number[]}");
        }
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = EngineJs.dim(feed, i);
            if (d[i] < 0) {
                throw new IllegalArgumentException("input '" + name + "': dims must be non-negative integers");
            }
        }
        return d;
    }

    private static Float32Array data(String name, JSObject feed, int size) {
        Float32Array data = EngineJs.data(feed);
        if (data == null || data.getLength() != size) {
            throw new IllegalArgumentException("input '" + name + "': data must hold " + size
                    + " numbers for its dims, got " + (data == null ? "none" : data.getLength()));
        }
        return data;
    }

    private static JSObject result(Float32Array data, int[] dims) {
        JSObject r = EngineJs.object();
        EngineJs.set(r, "data", data);
        EngineJs.set(r, "dims", jsDims(dims));
        return r;
    }

    private static JSObject describe(List<ValueInfo> values) {
        JSArray<JSObject> a = EngineJs.array();
        for (ValueInfo v : values) {
            JSObject o = EngineJs.object();
            EngineJs.setString(o, "name", v.name());
            if (v.dims() != null) {
                EngineJs.set(o, "dims", jsDims(v.dims()));
            }
            a.push(o);
        }
        return a;
    }

    private static JSObject jsDims(int[] dims) {
        JSArray<JSObject> a = EngineJs.array();
        for (int d : dims) {
            a.push(EngineJs.number(d));
        }
        return a;
    }

    private static float[] toFloats(Tensor t) {
        float[] v = new float[t.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) t.getDouble(i);
        }
        return v;
    }

    private static String message(RuntimeException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getName();
    }
}
