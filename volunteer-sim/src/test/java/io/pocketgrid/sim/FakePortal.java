package io.pocketgrid.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.loop.TensorFrames;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the portal's worker API, just strict enough to tell good submissions from bad
 * ones: it hands out {@code tasks} leases of dims {@code 2×10}, then answers 204.
 */
final class FakePortal implements AutoCloseable {

    private final HttpServer server;
    private final int tasks;
    private final AtomicInteger volunteers = new AtomicInteger();
    private final AtomicInteger leases = new AtomicInteger();
    private final Map<Long, String> tokens = new ConcurrentHashMap<>();
    private final Set<Long> submitted = ConcurrentHashMap.newKeySet();
    volatile int failLeaseWith;

    FakePortal(int tasks) throws IOException {
        this.tasks = tasks;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v1/volunteers", ex -> {
            int n = volunteers.incrementAndGet();
            reply(ex, 201, "{\"volunteerId\":\"v" + n + "\",\"token\":\"t" + n + "\"}");
        });
        server.createContext("/api/v1/work/lease", this::lease);
        server.createContext("/api/v1/work/", this::result);
        server.createContext("/api/v1/tasks/", ex -> reply(ex, 200,
                TensorFrames.encode(Map.of("input", Tensor.zeros(Tensor.Type.FLOAT, 2, 3)))));
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int submitted() {
        return submitted.size();
    }

    private void lease(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
        if (failLeaseWith != 0) {
            reply(ex, failLeaseWith, "<html>oops</html>");
            return;
        }
        long id = leases.incrementAndGet();
        if (id > tasks) {
            reply(ex, 204, new byte[0]);
            return;
        }
        String token = id + ".1.1767225600.mac" + id;
        tokens.put(id, token);
        reply(ex, 200, """
                {"leaseId":%d,"leaseToken":"%s","taskId":%d,"modelSha256":"ab","modelUrl":"/api/v1/models/ab",
                 "inputUrl":"/api/v1/tasks/%d/input",
                 "inputs":[{"name":"input","dtype":"float32","dims":[2,3]}],
                 "outputs":[{"name":"logits","dtype":"float32","dims":[2,10]}],"deadline":"2026-01-01T00:00:00Z","deadlineEpochMs":1767225600000}
                """.formatted(id, token, 100 + id, 100 + id));
    }

    private void result(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        long id = Long.parseLong(ex.getRequestURI().getPath().split("/")[4]);
        String token = ex.getRequestHeaders().getFirst("X-Lease-Token");
        if (!tokens.containsKey(id)) {
            error(ex, 404, "UNKNOWN_LEASE");
        } else if (token == null) {
            error(ex, 400, "MISSING_HEADER");
        } else if (!token.equals(tokens.get(id))) {
            error(ex, 403, "BAD_LEASE_TOKEN");
        } else if (!TensorFrames.MEDIA_TYPE.equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
            error(ex, 415, "OLD_CLIENT");
        } else if (!logits(body)) {
            error(ex, 400, "SHAPE_MISMATCH");
        } else if (!finite(TensorFrames.decode(body).get("logits").floats())) {
            error(ex, 400, "NON_FINITE");
        } else if (!submitted.add(id)) {
            error(ex, 409, "ALREADY_SUBMITTED");
        } else {
            reply(ex, 200, "{\"status\":\"PENDING\",\"creditPending\":true,\"microCredits\":0}");
        }
    }

    /** Whether the body is a frame of exactly one float32 2×10 tensor "logits". */
    private static boolean logits(byte[] body) {
        try {
            List<TensorFrames.Part> parts = TensorFrames.parts(body);
            return parts.size() == 1 && parts.get(0).name().equals("logits") && parts.get(0).type() == Tensor.Type.FLOAT
                    && Arrays.equals(parts.get(0).dims(), new int[] {2, 10});
        } catch (EngineException e) {
            return false;
        }
    }

    private static boolean finite(float[] values) {
        for (float f : values) {
            if (!Float.isFinite(f)) {
                return false;
            }
        }
        return true;
    }

    private static void error(HttpExchange ex, int status, String code) throws IOException {
        reply(ex, status, "{\"error\":\"" + code + "\",\"message\":\"no\"}");
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        reply(ex, status, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, status == 204 ? -1 : body.length);
        if (status != 204) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
