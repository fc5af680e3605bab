package io.pocketgrid.worker.teavm;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.TensorBytes;
import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.TensorFrames;
import io.pocketgrid.worker.loop.TensorSpec;
import io.pocketgrid.worker.loop.WorkServer;
import io.pocketgrid.worker.loop.WorkServerException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.teavm.jso.JSObject;
import org.teavm.jso.ajax.XMLHttpRequest;
import org.teavm.jso.json.JSON;
import org.teavm.jso.typedarrays.ArrayBuffer;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * The worker API over synchronous XMLHttpRequest. Synchronous requests are allowed in Web Workers
 * (never on a page) and keep the loop free of callbacks and green threads on both TeaVM targets.
 * Models are not fetched here: {@code worker-boot.js} fetches them asynchronously into its
 * SHA-256-keyed cache and hands the bytes over ({@link Js#takeModel}) before the next step.
 *
 * <p>Lease deadlines are kept in this device's clock: the server's {@code deadlineEpochMs} is
 * shifted by the difference between the response's {@code Date} header and the local time, so a
 * device whose clock is off still gives back what it cannot finish.
 */
final class XhrWorkServer implements WorkServer {

    private final String apiBase;
    private final String volunteerToken;
    private final String leaseRequestJson;
    private JSObject heldJson;

    XhrWorkServer(String apiBase, String volunteerToken, String leaseRequestJson) {
        this.apiBase = apiBase;
        this.volunteerToken = volunteerToken;
        this.leaseRequestJson = leaseRequestJson;
    }

    @Override
    public Lease lease() {
        XMLHttpRequest xhr = open("POST", apiBase + "/work/lease", "text");
        xhr.setRequestHeader("Content-Type", "application/json");
        send(xhr, leaseRequestJson);
        if (xhr.getStatus() == 204) {
            return null;
        }
        check(xhr);
        JSObject json = JSON.parse(xhr.getResponseText());
        double serverNow = Js.responseDate(xhr);
        if (serverNow > 0) {
            // the Date header has whole seconds: assume the server is up to a second ahead
            double shift = System.currentTimeMillis() - (serverNow + 1000);
            Js.setNumber(json, "deadlineEpochMs", Js.number(json, "deadlineEpochMs") + shift);
        }
        return parse(json);
    }

    /** A lease from its JSON (as the server sends it, with the deadline in this device's clock). */
    Lease parse(JSObject json) {
        Lease lease = new Lease(
                (long) Js.number(json, "leaseId"),
                Js.string(json, "leaseToken"),
                (long) Js.number(json, "taskId"),
                Js.string(json, "modelSha256"),
                Js.string(json, "modelUrl"),
                Js.string(json, "inputUrl"),
                specs(json, "inputs"),
                specs(json, "outputs"),
                (long) Js.number(json, "deadlineEpochMs"));
        if (lease.leaseId() < 0 || lease.leaseToken() == null || lease.modelSha256() == null || lease.inputUrl() == null
                || lease.inputs().isEmpty() || lease.outputs().isEmpty()) {
            throw new WorkServerException(200, "BAD_LEASE", "the lease misses its id, token, model, inputs or outputs");
        }
        heldJson = json;
        return lease;
    }

    /** The lease's tensor descriptions {@code [{name, dtype, dims}]} under {@code key}. */
    private static List<TensorSpec> specs(JSObject json, String key) {
        List<TensorSpec> specs = new ArrayList<>();
        for (int i = 0; i < Js.length(json, key); i++) {
            JSObject spec = Js.item(json, key, i);
            Tensor.Type type = TensorBytes.fromName(String.valueOf(Js.string(spec, "dtype")));
            if (type == null) {
                throw new WorkServerException(200, "BAD_LEASE", "the lease names an unknown element type "
                        + Js.string(spec, "dtype"));
            }
            specs.add(new TensorSpec(Js.string(spec, "name"), type, dims(Js.string(spec, "dims"))));
        }
        return specs;
    }

    /** The JSON of the last lease parsed, for the page (which gives it back if it ends this worker). */
    JSObject json(Lease lease) {
        return heldJson != null && (long) Js.number(heldJson, "leaseId") == lease.leaseId() ? heldJson : null;
    }

    @Override
    public byte[] model(Lease lease) {
        ArrayBuffer bytes = Js.takeModel(lease.modelSha256());
        if (bytes == null) {
            Js.needModel(lease.modelSha256(), lease.modelUrl());
            return null;
        }
        return new Int8Array(bytes).copyToJavaArray();
    }

    @Override
    public Map<String, Tensor> input(Lease lease) {
        XMLHttpRequest xhr = open("GET", lease.inputUrl(), "arraybuffer");
        xhr.setRequestHeader("Accept", TensorFrames.MEDIA_TYPE);
        send(xhr, (JSObject) null);
        check(xhr);
        try {
            return TensorFrames.decode(new Int8Array((ArrayBuffer) xhr.getResponse()).copyToJavaArray());
        } catch (EngineException e) {
            throw new WorkServerException(200, "BAD_INPUT", e.getMessage());
        }
    }

    @Override
    public void submit(Lease lease, Map<String, Tensor> outputs, long elapsedMs) {
        XMLHttpRequest xhr = open("POST", apiBase + "/work/" + lease.leaseId() + "/result", "text");
        xhr.setRequestHeader("Content-Type", TensorFrames.MEDIA_TYPE);
        xhr.setRequestHeader("X-Lease-Token", lease.leaseToken());
        xhr.setRequestHeader("X-Elapsed-Ms", Long.toString(elapsedMs));
        send(xhr, Int8Array.copyFromJavaArray(TensorFrames.encode(outputs)).getBuffer());
        check(xhr);
    }

    @Override
    public void release(Lease lease) {
        XMLHttpRequest xhr = open("POST", apiBase + "/work/" + lease.leaseId() + "/release", "text");
        xhr.setRequestHeader("X-Lease-Token", lease.leaseToken());
        send(xhr, (JSObject) null);
        check(xhr);
    }

    private XMLHttpRequest open(String method, String url, String responseType) {
        XMLHttpRequest xhr = new XMLHttpRequest();
        xhr.open(method, url, false);
        xhr.setResponseType(responseType);
        xhr.setRequestHeader("Authorization", "Bearer " + volunteerToken);
        return xhr;
    }

    /** A synchronous send that fails with status 0 (unreachable) instead of a JavaScript exception. */
    private static void send(XMLHttpRequest xhr, JSObject body) {
        if (!Js.send(xhr, body)) {
            throw new WorkServerException(0, "OFFLINE", "the server cannot be reached");
        }
    }

    private static void send(XMLHttpRequest xhr, String body) {
        if (!Js.send(xhr, body)) {
            throw new WorkServerException(0, "OFFLINE", "the server cannot be reached");
        }
    }

    private static void check(XMLHttpRequest xhr) {
        int status = xhr.getStatus();
        if (status >= 200 && status < 300) {
            return;
        }
        String code = "HTTP_" + status;
        String message = xhr.getStatusText();
        if ("text".equals(xhr.getResponseType()) && xhr.getResponseText() != null
                && xhr.getResponseText().startsWith("{")) {
            JSObject body = JSON.parse(xhr.getResponseText());
            code = Js.string(body, "error");
            message = Js.string(body, "message");
        }
        throw new WorkServerException(status, code, message);
    }

    static int[] dims(String csv) {
        if (csv == null || csv.isEmpty()) {
            return new int[0];
        }
        String[] parts = csv.split(",");
        int[] dims = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            dims[i] = Integer.parseInt(parts[i].trim());
        }
        return dims;
    }
}
