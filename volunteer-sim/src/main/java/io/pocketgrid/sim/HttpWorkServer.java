package io.pocketgrid.sim;

import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.WorkServer;
import io.pocketgrid.worker.loop.WorkServerException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker protocol over {@code java.net.http}, for one volunteer: what the browser's
 * {@code XhrWorkServer} does, plus raw submissions for the malicious behaviours. Every request is
 * recorded in the volunteer's log; refusals surface as {@link WorkServerException} with the
 * portal's error code.
 */
public final class HttpWorkServer implements WorkServer {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final VolunteerLog log;
    private final String deviceJson;

    /** What {@code POST /api/v1/volunteers} hands a new volunteer. */
    public record Registration(String volunteerId, String token) {
    }

    public HttpWorkServer(HttpClient http, URI base, String volunteerToken, VolunteerLog log) {
        this.http = http;
        this.base = base;
        this.token = volunteerToken;
        this.log = log;
        this.deviceJson = "{\"cores\": " + Runtime.getRuntime().availableProcessors() + "}";
    }

    /** Registers an anonymous volunteer. */
    public static Registration register(HttpClient http, URI base, VolunteerLog log) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/volunteers")).timeout(TIMEOUT)
                .POST(BodyPublishers.noBody()).build();
        JsonNode json = json(exchange(http, log, Call.Kind.REGISTER, request).body());
        Registration r = new Registration(json.path("volunteerId").asString(), json.path("token").asString());
        log.registered(r.volunteerId());
        return r;
    }

    @Override
    public Lease lease() {
        HttpRequest request = authorized("/api/v1/work/lease").header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(deviceJson)).build();
        HttpResponse<byte[]> r = exchange(http, log, Call.Kind.LEASE, request);
        return r.statusCode() == 204 ? null : lease(json(r.body()));
    }

    @Override
    public byte[] model(Lease lease) {
        return exchange(http, log, Call.Kind.MODEL, authorized(lease.modelUrl()).GET().build()).body();
    }

    @Override
    public float[] input(Lease lease) {
        byte[] body = exchange(http, log, Call.Kind.INPUT, authorized(lease.inputUrl()).GET().build()).body();
        float[] input = Floats.fromBytes(body);
        if (input.length != Floats.size(lease.inputDims()) || body.length % 4 != 0) {
            throw new WorkServerException(200, "BAD_INPUT", "the input has " + body.length + " bytes for dims "
                    + Floats.dims(lease.inputDims()));
        }
        return input;
    }

    @Override
    public void submit(Lease lease, float[] outputs, int[] dims, long elapsedMs) {
        send(Submission.of(lease, outputs, dims, elapsedMs));
    }

    /** Gives the lease back unfinished ({@code 204}); the portal offers its task to someone else. */
    @Override
    public void release(Lease lease) {
        exchange(http, log, Call.Kind.RELEASE, authorized("/api/v1/work/" + lease.leaseId() + "/release")
                .header("X-Lease-Token", lease.leaseToken()).POST(BodyPublishers.noBody()).build());
    }

    /** Sends a result exactly as given; the receipt when the portal accepts it. */
    public Receipt send(Submission s) {
        HttpRequest.Builder b = authorized("/api/v1/work/" + s.leaseId() + "/result")
                .header("Content-Type", "application/octet-stream")
                .header("X-Tensor-Dims", s.dims())
                .header("X-Elapsed-Ms", Long.toString(s.elapsedMs()))
                .POST(BodyPublishers.ofByteArray(s.body()));
        if (s.leaseToken() != null) {
            b.header("X-Lease-Token", s.leaseToken());
        }
        long start = System.nanoTime();
        HttpResponse<byte[]> r = send(http, log, Call.Kind.RESULT, b.build(), start);
        if (r.statusCode() != 200) {
            throw refused(log, Call.Kind.RESULT, start, r);
        }
        JsonNode json = json(r.body());
        Receipt receipt = new Receipt(json.path("status").asString(), json.path("creditPending").asBoolean(),
                json.path("microCredits").asLong());
        log.record(new Call(Call.Kind.RESULT, start, System.nanoTime() - start, 200, receipt.status()));
        return receipt;
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Authorization", "Bearer " + token);
    }

    private static Lease lease(JsonNode j) {
        return new Lease(j.path("leaseId").asLong(), j.path("leaseToken").asString(), j.path("taskId").asLong(),
                j.path("modelSha256").asString(), j.path("modelUrl").asString(), j.path("inputUrl").asString(),
                j.path("inputName").asString(), j.path("outputName").asString(), ints(j.path("inputDims")),
                ints(j.path("outputDims")), j.path("deadlineEpochMs").asLong());
    }

    private static int[] ints(JsonNode array) {
        int[] v = new int[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asInt();
        }
        return v;
    }

    /** Sends, records, and throws unless the answer is 2xx. */
    private static HttpResponse<byte[]> exchange(HttpClient http, VolunteerLog log, Call.Kind kind, HttpRequest request) {
        long start = System.nanoTime();
        HttpResponse<byte[]> r = send(http, log, kind, request, start);
        if (r.statusCode() < 200 || r.statusCode() >= 300) {
            throw refused(log, kind, start, r);
        }
        log.record(new Call(kind, start, System.nanoTime() - start, r.statusCode(), null));
        return r;
    }

    private static HttpResponse<byte[]> send(HttpClient http, VolunteerLog log, Call.Kind kind, HttpRequest request,
                                             long start) {
        try {
            return http.send(request, BodyHandlers.ofByteArray());
        } catch (IOException e) {
            log.record(new Call(kind, start, System.nanoTime() - start, 0, "UNREACHABLE"));
            throw new WorkServerException(0, "UNREACHABLE", request.uri() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkServerException(0, "INTERRUPTED", "interrupted while calling " + request.uri());
        }
    }

    private static WorkServerException refused(VolunteerLog log, Call.Kind kind, long start, HttpResponse<byte[]> r) {
        String code = "HTTP_" + r.statusCode();
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
        log.record(new Call(kind, start, System.nanoTime() - start, r.statusCode(), code));
        return new WorkServerException(r.statusCode(), code, message);
    }

    private static JsonNode json(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new WorkServerException(200, "BAD_JSON", "the portal sent JSON that cannot be read: " + e.getMessage());
        }
    }
}
