package io.pocketgrid.worker.teavm;

import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;
import org.teavm.jso.ajax.XMLHttpRequest;
import org.teavm.jso.typedarrays.ArrayBuffer;

/** Small JavaScript bindings the worker needs that TeaVM's JSO APIs do not give directly. */
final class Js {

    private Js() {
    }

    @JSBody(params = "key", script = "var v = self.pocketgridConfig && self.pocketgridConfig[key];"
            + " return v == null ? null : String(v);")
    static native String config(String key);

    @JSBody(params = "key", script = "var v = self.pocketgridConfig && self.pocketgridConfig[key];"
            + " return v != null && typeof v === 'object' ? v : null;")
    static native JSObject configObject(String key);

    @JSBody(params = {"obj", "key"}, script = "var v = obj[key]; return v == null ? null : String(v);")
    static native String string(JSObject obj, String key);

    @JSBody(params = {"obj", "key"}, script = "var v = obj[key]; return v == null ? 0 : Number(v);")
    static native double number(JSObject obj, String key);

    /** The length of the array {@code obj[key]}, 0 when it is not an array. */
    @JSBody(params = {"obj", "key"}, script = "var v = obj[key]; return Array.isArray(v) ? v.length : 0;")
    static native int length(JSObject obj, String key);

    @JSBody(params = {"obj", "key", "i"}, script = "return obj[key][i];")
    static native JSObject item(JSObject obj, String key, int i);

    @JSBody(params = {"obj", "key", "value"}, script = "obj[key] = value;")
    static native void setNumber(JSObject obj, String key, double value);

    @JSBody(script = "return (self.navigator && self.navigator.hardwareConcurrency) || 1;")
    static native int cores();

    @JSBody(params = "step", script = "self.pocketgridStep = step;")
    static native void exportStep(StepFunction step);

    @JSBody(params = "message", script = "self.pocketgridLastError = message;")
    static native void lastError(String message);

    @JSBody(params = "gflops", script = "self.pocketgridGflops = gflops;")
    static native void exportGflops(double gflops);

    /** Sends; false when the request failed at the network level (a synchronous XHR throws then). */
    @JSBody(params = {"xhr", "body"}, script = "try { xhr.send(body); return true; } catch (e) { return false; }")
    static native boolean send(XMLHttpRequest xhr, JSObject body);

    @JSBody(params = {"xhr", "body"}, script = "try { xhr.send(body); return true; } catch (e) { return false; }")
    static native boolean send(XMLHttpRequest xhr, String body);

    /** The response's Date header in epoch milliseconds, or -1. */
    @JSBody(params = "xhr", script = "var d = Date.parse(xhr.getResponseHeader('Date') || '');"
            + " return isNaN(d) ? -1 : d;")
    static native double responseDate(XMLHttpRequest xhr);

    /** Asks worker-boot.js to fetch a model (it reads {@code self.pocketgridNeedModel} after the step). */
    @JSBody(params = {"sha256", "url"}, script = "self.pocketgridNeedModel = {sha256: sha256, url: url};")
    static native void needModel(String sha256, String url);

    /** The model bytes worker-boot.js fetched for this SHA-256, removed from its hand-over slot; or null. */
    @JSBody(params = "sha256", script = "var m = self.pocketgridModels || {}; var b = m[sha256]; delete m[sha256];"
            + " return b || null;")
    static native ArrayBuffer takeModel(String sha256);

    /** Tells the page which lease this worker holds (null: none), so it can give it back if it ends the worker. */
    @JSBody(params = {"lease", "estimatedMs"}, script = "self.postMessage({type: 'lease', lease: lease,"
            + " estimatedMs: estimatedMs});")
    static native void postLease(JSObject lease, double estimatedMs);
}
