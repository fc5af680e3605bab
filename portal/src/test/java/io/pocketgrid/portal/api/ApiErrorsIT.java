package io.pocketgrid.portal.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient.Part;
import io.pocketgrid.portal.support.ApiClient.Response;
import io.pocketgrid.portal.support.DrillPortal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Drill: every answer under /api is JSON {@code {error, message}}, whatever refuses the call:
 * Spring MVC before a controller is chosen, Tomcat's multipart limit, the error page, Spring
 * Security; never the UI's HTML, never a redirect to /login. (The upload limit here is 1 MB.)
 */
class ApiErrorsIT extends DrillPortal {

    @Test
    void aWrongMethodIsA405InJson() {
        assertJson(api.send("DELETE", "/api/v1/volunteers", Map.of(), null), 405, "METHOD_NOT_ALLOWED");
        assertJson(api.get("/api/v1/accounts", null), 405, "METHOD_NOT_ALLOWED");
        assertJson(api.send("PUT", "/api/v1/projects/1", Map.of(), null), 405, "METHOD_NOT_ALLOWED");
        assertJson(api.get("/api/v1/work/lease", null), 405, "METHOD_NOT_ALLOWED");
    }

    @Test
    void aRegistrationWithABodyThatIsNotJsonIsA400LikeEveryJsonCall() {
        assertJson(api.postJson("/api/v1/volunteers", null, "this is not json"), 400, "INVALID_JSON");
        assertThat(api.postJson("/api/v1/volunteers", null, "{}").status()).isEqualTo(201);
        assertThat(api.postJson("/api/v1/volunteers", null, null).status()).as("no body at all").isEqualTo(201);
    }

    @Test
    void anUnknownPathIsA404InJson() {
        assertJson(api.get("/api/v1/nothing-here", null), 404, "NOT_FOUND");
        assertJson(api.postJson("/api/v2/volunteers", null, "{}"), 404, "NOT_FOUND");
    }

    @Test
    void anOversizeUploadIsA413InJson() {
        String owner = api.ownerToken("big" + System.nanoTime() % 100000);
        Response r = api.multipart("/api/v1/projects", owner, List.of(
                new Part("model", "model.onnx", null, new byte[16]),
                new Part("inputs", "inputs.npy", null, new byte[MULTIPART_LIMIT + 1000])));
        assertJson(r, 413, "TOO_LARGE");
    }

    @Test
    void aChunkedOversizeUploadIsRefusedInJsonLongBeforeItEnds() throws IOException {
        String owner = api.ownerToken("chunky" + System.nanoTime() % 100000);
        Sent sent = streamChunkedUpload("Bearer " + owner, 64 << 20);
        assertThat(sent.response()).startsWith("HTTP/1.1 413").contains("application/json")
                .contains("\"error\":\"TOO_LARGE\"");
        assertThat(sent.bytes()).as("bytes sent before the refusal").isLessThan(16L << 20);
    }

    @Test
    void anUploadWithoutAnOwnerTokenIsRefusedBeforeItsBodyIsRead() throws IOException {
        Sent sent = streamChunkedUpload("Bearer pgo_forged", 64 << 20);
        assertThat(sent.response()).startsWith("HTTP/1.1 401").contains("\"error\":\"UNAUTHORIZED\"");
        assertThat(sent.bytes()).isLessThan(16L << 20);
        assertJson(api.multipart("/api/v1/projects", null, List.of(new Part("model", "m.onnx", null, new byte[16]))),
                401, "UNAUTHORIZED");
    }

    private record Sent(String response, long bytes) {
    }

    /**
     * Streams a chunked multipart upload over a raw socket, as a client with a huge file would, and
     * stops as soon as the portal answers (or hangs up); returns the answer and the bytes sent.
     */
    private Sent streamChunkedUpload(String authorization, long total) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST /api/v1/projects HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + authorization
                    + "\r\nContent-Type: multipart/form-data; boundary=drill\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            chunk(out, ("--drill\r\nContent-Disposition: form-data; name=\"inputs\"; filename=\"x.npy\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[64 << 10];
            long sent = 0;
            try {
                while (sent < total && in.available() == 0) {
                    chunk(out, block);
                    sent += block.length;
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException hungUp) {
                // the portal closed the connection while we were still sending: the answer is there to read
            }
            return new Sent(read(in), sent);
        }
    }

    private static void chunk(OutputStream out, byte[] bytes) throws IOException {
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n = in.read(buf); n > 0 && answer.size() < 65536; n = in.read(buf)) {
                answer.write(buf, 0, n);
                String text = answer.toString(StandardCharsets.UTF_8);
                if (text.contains("\r\n\r\n") && text.endsWith("}")) {
                    break;
                }
            }
        } catch (IOException reset) {
            // what arrived before a reset is the answer
        }
        return answer.toString(StandardCharsets.UTF_8);
    }

    private static void assertJson(Response r, int status, String code) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.error()).isEqualTo(code);
        assertThat(r.json().get("message").asString()).isNotBlank();
    }
}
