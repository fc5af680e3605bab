package io.pocketgrid.worker.teavm;

import org.teavm.jso.JSBody;
import org.teavm.jso.JSFunctor;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSArray;
import org.teavm.jso.core.JSString;
import org.teavm.jso.typedarrays.ArrayBuffer;
import org.teavm.jso.typedarrays.Float32Array;

/** JavaScript bindings of the engine API ({@code PocketGridEngine}, see {@code engine.js}). */
final class EngineJs {

    private EngineJs() {
    }

    /** {@code load(bytes, kernel)} → model description or {@code {error}}. */
    @JSFunctor
    interface LoadFn extends JSObject {
        JSObject load(ArrayBuffer bytes, String kernel);
    }

    /** {@code run(id, feeds)} → outputs or {@code {error}}. */
    @JSFunctor
    interface RunFn extends JSObject {
        JSObject run(int id, JSObject feeds);
    }

    /** {@code call(id)} for flopsPerItem (a number) and dispose. */
    @JSFunctor
    interface IdFn extends JSObject {
        JSObject call(int id);
    }

    /**
     * {@code check(model, sets, kernel, freeze)} → one conformance verdict; called only by the
     * conformance page ({@code src/test/resources/conformance/engine-conformance.js}).
     */
    @JSFunctor
    interface CheckFn extends JSObject {
        JSObject check(ArrayBuffer model, JSArray<JSObject> sets, String kernel, boolean freeze);
    }

    /** {@code profile(id, runs)} → milliseconds per run by step kind, or {@code {error}}. */
    @JSFunctor
    interface ProfileFn extends JSObject {
        JSObject profile(int id, int runs);
    }

    @JSBody(params = {"load", "run", "flops", "dispose", "check", "profile", "kernels"}, script =
            "self.PocketGridEngineImpl = {load: load, run: run, flops: flops, dispose: dispose,"
            + " check: check, profile: profile, kernels: kernels};")
    static native void export(LoadFn load, RunFn run, IdFn flops, IdFn dispose, CheckFn check, ProfileFn profile,
            String kernels);

    @JSBody(script = "return {};")
    static native JSObject object();

    @JSBody(script = "return [];")
    static native <T extends JSObject> JSArray<T> array();

    @JSBody(params = {"o", "key", "value"}, script = "o[key] = value;")
    static native void set(JSObject o, String key, JSObject value);

    @JSBody(params = {"o", "key", "value"}, script = "o[key] = value;")
    static native void setString(JSObject o, String key, String value);

    @JSBody(params = {"o", "key", "value"}, script = "o[key] = value;")
    static native void setNumber(JSObject o, String key, double value);

    @JSBody(params = "value", script = "return value;")
    static native JSObject number(double value);

    @JSBody(params = "o", script = "return Object.keys(o);")
    static native JSArray<JSString> keys(JSObject o);

    @JSBody(params = {"o", "key"}, script = "return o[key];")
    static native JSObject get(JSObject o, String key);

    @JSBody(params = {"o", "key"}, script = "return String(o[key]);")
    static native String getString(JSObject o, String key);

    @JSBody(params = "feed", script = "var d = feed && feed.dims; return Array.isArray(d) ? d.length : -1;")
    static native int rank(JSObject feed);

    @JSBody(params = {"feed", "i"}, script = "var v = Number(feed.dims[i]); return v >= 0 && v <= 2147483647 && v === Math.floor(v) ? v : -1;")
    static native int dim(JSObject feed, int i);

    @JSBody(params = "feed", script = "var d = feed && feed.data; return d instanceof Float32Array ? d"
            + " : ArrayBuffer.isView(d) || Array.isArray(d) ? new Float32Array(d) : null;")
    static native Float32Array data(JSObject feed);

    @JSBody(params = "message", script = "return {error: message};")
    static native JSObject error(String message);

    @JSBody(params = "a", script = "return a.slice();")
    static native Float32Array copy(Float32Array a);
}
