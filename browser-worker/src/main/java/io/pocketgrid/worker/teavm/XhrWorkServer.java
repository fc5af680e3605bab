package io.pocketgrid.worker.teavm;

import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.WorkServer;
import io.pocketgrid.worker.loop.WorkServerException;
import org.teavm.jso.JSObject;
import org.teavm.jso.ajax.XMLHttpRequest;
import org.teavm.jso.json.JSON;
import org.teavm.jso.typedarrays.ArrayBuffer;
import org.teavm.jso.typedarrays.Float32Array;
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
                Js.string(json, "inputName"),
                Js.string(json, "outputName"),
                dims(Js.string(json, "inputDims")),
                dims(Js.string(json, "outputDims")),
                (long) Js.number(json, "deadlineEpochMs"));
        if (lease.leaseId() < 0 || lease.leaseToken() == null || lease.modelSha256() == null || lease.inputUrl() == null) {
            throw new WorkServerException(200, "BAD_LEASE", "the lease misses its id, token, model or input");
        }
        heldJson = json;
        return lease;
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
    public float[] input(Lease lease) {
        XMLHttpRequest xhr = open("GET", lease.inputUrl(), "arraybuffer");
        send(xhr, (JSObject) null);
        check(xhr);
        return new Float32Array((ArrayBuffer) xhr.getResponse()).copyToJavaArray();
    }

    @Override
    public void submit(Lease lease, float[] outputs, int[] dims, long elapsedMs) {
        XMLHttpRequest xhr = open("POST", apiBase + "/work/" + lease.leaseId() + "/result", "text");
        xhr.setRequestHeader("Content-Type", "application/octet-stream");
        xhr.setRequestHeader("X-Lease-Token", lease.leaseToken());
        xhr.setRequestHeader("X-Tensor-Dims", join(dims));
        xhr.setRequestHeader("X-Elapsed-Ms", Long.toString(elapsedMs));
        send(xhr, Float32Array.copyFromJavaArray(outputs).getBuffer());
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

    private static String join(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(dims[i]);
        }
        return sb.toString();
    }
}
