package io.pocketgrid.worker.teavm;

import org.teavm.jso.JSBody;
import org.teavm.jso.JSObject;

/** Small JavaScript bindings the worker needs that TeaVM's JSO APIs do not give directly. */
final class Js {

    private Js() {
    }

    @JSBody(params = "key", script = "var v = self.pocketgridConfig && self.pocketgridConfig[key];"
            + " return v == null ? null : String(v);")
    static native String config(String key);

    @JSBody(params = {"obj", "key"}, script = "var v = obj[key]; return v == null ? null : String(v);")
    static native String string(JSObject obj, String key);

    @JSBody(params = {"obj", "key"}, script = "var v = obj[key]; return v == null ? 0 : Number(v);")
    static native double number(JSObject obj, String key);

    @JSBody(params = "step", script = "self.pocketgridStep = step;")
    static native void exportStep(StepFunction step);

    @JSBody(params = "message", script = "self.pocketgridLastError = message;")
    static native void lastError(String message);
}
