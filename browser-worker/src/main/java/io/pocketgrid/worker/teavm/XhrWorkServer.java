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
 */
final class XhrWorkServer implements WorkServer {

    private final String apiBase;
    private final String volunteerToken;
    private final String benchmarkJson;

    XhrWorkServer(String apiBase, String volunteerToken, String benchmarkJson) {
        this.apiBase = apiBase;
        this.volunteerToken = volunteerToken;
        this.benchmarkJson = benchmarkJson;
    }

    @Override
    public Lease lease() {
        XMLHttpRequest xhr = open("POST", apiBase + "/work/lease", "text");
        xhr.setRequestHeader("Content-Type", "application/json");
        xhr.send(benchmarkJson);
        if (xhr.getStatus() == 204) {
            return null;
        }
        check(xhr);
        JSObject json = JSON.parse(xhr.getResponseText());
        return new Lease(
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
    }

    @Override
    public byte[] model(Lease lease) {
        XMLHttpRequest xhr = open("GET", lease.modelUrl(), "arraybuffer");
        xhr.send();
        check(xhr);
        return new Int8Array((ArrayBuffer) xhr.getResponse()).copyToJavaArray();
    }

    @Override
    public float[] input(Lease lease) {
        XMLHttpRequest xhr = open("GET", lease.inputUrl(), "arraybuffer");
        xhr.send();
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
        xhr.send(Float32Array.copyFromJavaArray(outputs).getBuffer());
        check(xhr);
    }

    private XMLHttpRequest open(String method, String url, String responseType) {
        XMLHttpRequest xhr = new XMLHttpRequest();
        xhr.open(method, url, false);
        xhr.setResponseType(responseType);
        xhr.setRequestHeader("Authorization", "Bearer " + volunteerToken);
        return xhr;
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
