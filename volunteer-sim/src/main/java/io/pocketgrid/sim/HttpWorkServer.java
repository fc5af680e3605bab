package io.pocketgrid.sim;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.TensorBytes;
import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.TensorFrames;
import io.pocketgrid.worker.loop.TensorSpec;
import io.pocketgrid.worker.loop.WorkServer;
import io.pocketgrid.worker.loop.WorkServerException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker protocol over {@link PortalHttp}, for one volunteer: what the browser's
 * {@code XhrWorkServer} does, plus raw submissions for the malicious behaviours. Every request is
 * recorded in the volunteer's log; refusals surface as {@link WorkServerException} with the
 * portal's error code.
 */
public final class HttpWorkServer implements WorkServer {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PortalHttp http;
    private final URI base;
    private final Map<String, String> auth;
    private final VolunteerLog log;
    private final byte[] deviceJson;

    /** What {@code POST /api/v1/volunteers} hands a new volunteer. */
    public record Registration(String volunteerId, String token) {
    }

    public HttpWorkServer(PortalHttp http, URI base, String volunteerToken, VolunteerLog log) {
        this.http = http;
        this.base = base;
        this.auth = Map.of("Authorization", "Bearer " + volunteerToken);
        this.log = log;
        this.deviceJson = ("{\"cores\": " + Runtime.getRuntime().availableProcessors() + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Registers an anonymous volunteer. */
    public static Registration register(PortalHttp http, URI base, VolunteerLog log) {
        Request request = new Request(base.resolve("/api/v1/volunteers"), Map.of(), new byte[0]);
        JsonNode json = json(exchange(http, log, Call.Kind.REGISTER, request).body());
        Registration r = new Registration(json.path("volunteerId").asString(), json.path("token").asString());
        log.registered(r);
        return r;
    }

    @Override
    public Lease lease() {
        PortalHttp.Response r = exchange(http, log, Call.Kind.LEASE,
                post("/api/v1/work/lease", headers("Content-Type", "application/json"), deviceJson));
        return r.status() == 204 ? null : lease(json(r.body()));
    }

    @Override
    public byte[] model(Lease lease) {
        return exchange(http, log, Call.Kind.MODEL, get(lease.modelUrl())).body();
    }

    @Override
    public Map<String, Tensor> input(Lease lease) {
        byte[] body = exchange(http, log, Call.Kind.INPUT, get(lease.inputUrl(), TensorFrames.MEDIA_TYPE)).body();
        Map<String, Tensor> inputs;
        try {
            inputs = TensorFrames.decode(body);
        } catch (EngineException e) {
            throw new WorkServerException(200, "BAD_INPUT", e.getMessage());
        }
        for (TensorSpec spec : lease.inputs()) {
            Tensor t = inputs.get(spec.name());
            if (t == null || !spec.matches(t)) {
                throw new WorkServerException(200, "BAD_INPUT", "the task's input " + spec.name()
                        + " is not the " + spec.type() + " " + Arrays.toString(spec.dims()) + " of the lease");
            }
        }
        return inputs;
    }

    @Override
    public void submit(Lease lease, Map<String, Tensor> outputs, long elapsedMs) {
        send(Submission.of(lease, outputs, elapsedMs));
    }

    /** Gives the lease back unfinished ({@code 204}); the portal offers its task to someone else. */
    @Override
    public void release(Lease lease) {
        exchange(http, log, Call.Kind.RELEASE, post("/api/v1/work/" + lease.leaseId() + "/release",
                headers("X-Lease-Token", lease.leaseToken()), new byte[0]));
    }

    /** Sends a result exactly as given; the receipt when the portal accepts it. */
    public Receipt send(Submission s) {
        Map<String, String> h = headers("Content-Type", TensorFrames.MEDIA_TYPE);
        h.put("X-Elapsed-Ms", Long.toString(s.elapsedMs()));
        if (s.leaseToken() != null) {
            h.put("X-Lease-Token", s.leaseToken());
        }
        long start = System.nanoTime();
        PortalHttp.Response r = send(http, log, Call.Kind.RESULT,
                post("/api/v1/work/" + s.leaseId() + "/result", h, s.body()), start);
        if (r.status() != 200) {
            throw refused(log, Call.Kind.RESULT, start, r);
        }
        JsonNode json = json(r.body());
        Receipt receipt = new Receipt(json.path("status").asString(), json.path("creditPending").asBoolean(),
                json.path("microCredits").asLong());
        log.record(new Call(Call.Kind.RESULT, start, System.nanoTime() - start, 200, receipt.status()));
        return receipt;
    }

    /** A call to make: GET when {@code body} is null, else POST. */
    private record Request(URI uri, Map<String, String> headers, byte[] body) {
    }

    private Request get(String path) {
        return new Request(base.resolve(path), auth, null);
    }

    private Request get(String path, String accept) {
        return new Request(base.resolve(path), headers("Accept", accept), null);
    }

    private Request post(String path, Map<String, String> headers, byte[] body) {
        return new Request(base.resolve(path), headers, body);
    }

    /** The volunteer's authorization plus one more header; callers may add further ones. */
    private Map<String, String> headers(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(auth);
        h.put(name, value);
        return h;
    }

    private static Lease lease(JsonNode j) {
        return new Lease(j.path("leaseId").asLong(), j.path("leaseToken").asString(), j.path("taskId").asLong(),
                j.path("modelSha256").asString(), j.path("modelUrl").asString(), j.path("inputUrl").asString(),
                specs(j.path("inputs")), specs(j.path("outputs")), j.path("deadlineEpochMs").asLong());
    }

    /** {@code [{name, dtype, dims}]} as the lease gives its inputs and outputs. */
    private static List<TensorSpec> specs(JsonNode array) {
        List<TensorSpec> specs = new ArrayList<>();
        for (JsonNode spec : array) {
            Tensor.Type type = TensorBytes.fromName(spec.path("dtype").asString());
            if (type == null) {
                throw new WorkServerException(200, "BAD_LEASE", "the lease names an unknown element type " + spec.path("dtype"));
            }
            specs.add(new TensorSpec(spec.path("name").asString(), type, ints(spec.path("dims"))));
        }
        if (specs.isEmpty()) {
            throw new WorkServerException(200, "BAD_LEASE", "the lease lists no inputs or no outputs");
        }
        return specs;
    }

    private static int[] ints(JsonNode array) {
        int[] v = new int[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asInt();
        }
        return v;
    }

    /** Sends, records, and throws unless the answer is 2xx. */
    private static PortalHttp.Response exchange(PortalHttp http, VolunteerLog log, Call.Kind kind, Request request) {
        long start = System.nanoTime();
        PortalHttp.Response r = send(http, log, kind, request, start);
        if (r.status() < 200 || r.status() >= 300) {
            throw refused(log, kind, start, r);
        }
        log.record(new Call(kind, start, System.nanoTime() - start, r.status(), null));
        return r;
    }

    private static PortalHttp.Response send(PortalHttp http, VolunteerLog log, Call.Kind kind, Request request,
                                            long start) {
        try {
            return request.body() == null ? http.get(request.uri(), request.headers())
                    : http.post(request.uri(), request.headers(), request.body());
        } catch (IOException e) {
            log.record(new Call(kind, start, System.nanoTime() - start, 0, "UNREACHABLE"));
            if (Thread.currentThread().isInterrupted()) {
                throw new WorkServerException(0, "INTERRUPTED", "interrupted while calling " + request.uri());
            }
            throw new WorkServerException(0, "UNREACHABLE", request.uri() + ": " + e);
        }
    }

    private static WorkServerException refused(VolunteerLog log, Call.Kind kind, long start, PortalHttp.Response r) {
        String code = "HTTP_" + r.status();
        String message = new String(r.body(), StandardCharsets.UTF_8);
        try {
            JsonNode error = JSON.readTree(r.body());
            if (error.hasNonNull("error")) {
                code = error.get("error").asString();
                message = error.path("message").asString();
            }
        } catch (JacksonException notJson) {
            // an error page from something in front of the portal; keep the raw text
        }
        log.record(new Call(kind, start, System.nanoTime() - start, r.status(), code));
        return new WorkServerException(r.status(), code, message);
    }

    private static JsonNode json(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new WorkServerException(200, "BAD_JSON", "the portal sent JSON that cannot be read: " + e.getMessage());
        }
    }
}
