package io.pocketgrid.portal.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for the portal's REST API, as an outside worker would use it. */
public final class ApiClient {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public ApiClient(int port) {
        this.base = "http://localhost:" + port;
    }

    public Response send(String method, String path, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.body(), r.headers().firstValue("X-Tensor-Dims").orElse(null),
                    r.headers().firstValue("X-Missing-Rows").orElse(null), r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response postJson(String path, String bearer, String json) {
        return send("POST", path, bearer == null ? Map.of("Content-Type", "application/json")
                : Map.of("Content-Type", "application/json", "Authorization", "Bearer " + bearer),
                json == null ? null : json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Response get(String path, String bearer) {
        return send("GET", path, bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer), null);
    }

    /** One part of a multipart upload; {@code contentType} null for a plain file part. */
    public record Part(String name, String fileName, String contentType, byte[] bytes) {
    }

    public Response multipart(String path, String bearer, List<Part> parts) {
        String boundary = "pocketgrid" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (Part p : parts) {
            StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(p.name()).append('"');
            if (p.fileName() != null) {
                head.append("; filename=\"").append(p.fileName()).append('"');
            }
            head.append("\r\nContent-Type: ").append(p.contentType() == null ? "application/octet-stream" : p.contentType())
                    .append("\r\n\r\n");
            body.writeBytes(head.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            body.writeBytes(p.bytes());
            body.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Map<String, String> headers = new java.util.HashMap<>();
        headers.put("Content-Type", "multipart/form-data; boundary=" + boundary);
        if (bearer != null) {
            headers.put("Authorization", "Bearer " + bearer);
        }
        return send("POST", path, headers, body.toByteArray());
    }

    /** A new owner account and an API token for it. */
    public String ownerToken(String username) {
        Response created = postJson("/api/v1/accounts", null,
                "{\"username\":\"" + username + "\",\"password\":\"correct horse battery\"}");
        if (created.status() != 201) {
            throw new IllegalStateException("sign-up failed: " + created.status());
        }
        return signIn(username);
    }

    /** A new API token for an account made by {@link #ownerToken} (or with its password). */
    public String signIn(String username) {
        Response token = postJson("/api/v1/auth/tokens", null,
                "{\"username\":\"" + username + "\",\"password\":\"correct horse battery\"}");
        return token.json().get("token").asString();
    }

    /** A registered anonymous volunteer: its public id and its token. */
    public record Volunteer(String id, String token) {
    }

    /** A new anonymous volunteer. */
    public Volunteer volunteer() {
        Response r = postJson("/api/v1/volunteers", null, null);
        if (r.status() != 201) {
            throw new IllegalStateException("registration failed: " + r.status());
        }
        return new Volunteer(r.json().get("volunteerId").asString(), r.json().get("token").asString());
    }

    /** A new anonymous volunteer's token. */
    public String registerVolunteer() {
        return volunteer().token();
    }

    public static byte[] floats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    public static float[] floats(byte[] bytes) {
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    /** One HTTP answer. */
    public record Response(int status, byte[] body, String tensorDims, String missingRows,
                           Map<String, List<String>> headers) {

        public String header(String name) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
                    return h.getValue().getFirst();
                }
            }
            return null;
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String error() {
            return json().get("error").asString();
        }
    }
}
