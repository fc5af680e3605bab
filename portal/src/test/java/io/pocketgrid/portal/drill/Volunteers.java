package io.pocketgrid.portal.drill;

import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.ApiClient.Response;
import io.pocketgrid.portal.support.DemoMlp;
import io.pocketgrid.worker.engine.Tensor;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.JsonNode;

/**
 * Honest volunteers on threads of the test JVM: lease, compute the demo MLP with the JVM engine, submit,
 * over and over, through whatever the drill does to the portal. Every call is recorded; a result counts as
 * acknowledged only when the portal answered 200 with a receipt. A volunteer whose call fails (refused
 * connection, 5xx) drops its lease and leases again, as a browser worker does.
 */
final class Volunteers implements AutoCloseable {

    /** A result the portal acknowledged: its lease (the result's assignment) and receipt. */
    record Ack(String volunteer, long leaseId, String status, long microCredits, long atMillis) {
    }

    /** A call that did not get a 2xx: what was called, its status (-1: no answer), its error code and when. */
    record Failure(String call, int status, String error, long atMillis) {
    }

    private final int port;
    private final List<String> tokens = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final Queue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final Queue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final Queue<Long> okCalls = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    Volunteers(int port, int count) {
        this.port = port;
        ApiClient api = new ApiClient(port);
        for (int i = 0; i < count; i++) {
            ApiClient.Volunteer v = api.volunteer();
            ids.add(v.id());
            tokens.add(v.token());
        }
    }

    /**
     * Posts a project of the demo MLP over the first {@code items} demo images; returns its id and the owner's
     * token.
     */
    static Project project(int port, int items, int perTask, int replication, int quorum) {
        ApiClient api = new ApiClient(port);
        String owner = api.ownerToken("drill" + System.nanoTime() % 1_000_000_000L);
        return new Project(DemoMlp.post(api, owner, items, perTask, replication, quorum), owner);
    }

    record Project(long id, String ownerToken) {
    }

    List<String> ids() {
        return ids;
    }

    List<String> tokens() {
        return tokens;
    }

    void start() {
        running.set(true);
        for (int i = 0; i < tokens.size(); i++) {
            String id = ids.get(i);
            String token = tokens.get(i);
            Thread t = Thread.ofPlatform().name("drill-volunteer-" + i).daemon().start(() -> loop(id, token));
            threads.add(t);
        }
    }

    /** Computes tasks until stopped. */
    private void loop(String id, String token) {
        ApiClient api = new ApiClient(port);
        while (running.get()) {
            if (!computeOne(api, id, token)) {
                PortalProcess.sleep(100);
            }
        }
    }

    /** One lease and result; false when there was no work or a call failed. */
    boolean computeOne(ApiClient api, String id, String token) {
        Response r = call(api, "lease", () -> api.postJson("/api/v1/work/lease", token, "{}"));
        if (r == null || r.status() != 200) {
            return false;
        }
        JsonNode lease = r.json();
        Response input = call(api, "input", () -> api.get(lease.get("inputUrl").asString(), token));
        if (input == null) {
            return false;
        }
        Tensor out = DemoMlp.logits(lease, ApiClient.floats(input.body()));
        long leaseId = lease.get("leaseId").asLong();
        Response sent = call(api, "result", () -> api.send("POST", "/api/v1/work/" + leaseId + "/result", Map.of(
                "Authorization", "Bearer " + token, "X-Lease-Token", lease.get("leaseToken").asString(),
                "X-Tensor-Dims", out.dims()[0] + ",10", "Content-Type", "application/octet-stream"),
                ApiClient.floats(out.floats())));
        if (sent == null) {
            return false;
        }
        JsonNode receipt = sent.json();
        acks.add(new Ack(id, leaseId, receipt.get("status").asString(), receipt.get("microCredits").asLong(),
                System.currentTimeMillis()));
        return true;
    }

    /** The answer when it is a 2xx (204: no work), else null with the failure recorded. */
    private Response call(ApiClient api, String what, java.util.function.Supplier<Response> request) {
        Response r;
        try {
            r = request.get();
        } catch (UncheckedIOException e) {
            failures.add(new Failure(what, -1, "NO_ANSWER", System.currentTimeMillis()));
            return null;
        }
        if (r.status() >= 300) {
            failures.add(new Failure(what, r.status(), errorCode(r), System.currentTimeMillis()));
            return null;
        }
        okCalls.add(System.currentTimeMillis());
        return r;
    }

    private static String errorCode(Response r) {
        try {
            return r.json().path("error").asString();
        } catch (RuntimeException notJson) {
            return "?";
        }
    }

    /** Waits until {@code count} results were acknowledged in all, failing after {@code atMost}. */
    void awaitAcks(int count, java.time.Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (acks().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + acks().size() + " results acknowledged within " + atMost);
            }
            PortalProcess.sleep(20);
        }
    }

    List<Ack> acks() {
        return List.copyOf(acks);
    }

    List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Successful calls answered at or after {@code millis}. */
    long okCallsSince(long millis) {
        return okCalls.stream().filter(t -> t >= millis).count();
    }

    List<Failure> failuresBetween(long from, long to) {
        return failures.stream().filter(f -> f.atMillis() >= from && f.atMillis() <= to).toList();
    }

    void stop() {
        running.set(false);
        for (Thread t : threads) {
            try {
                t.join(40_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
    }

    @Override
    public void close() {
        stop();
    }
}
