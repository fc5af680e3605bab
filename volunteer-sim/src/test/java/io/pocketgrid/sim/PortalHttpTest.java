package io.pocketgrid.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PortalHttpTest {

    /**
     * A server that answers each connection's first request (by length, then in chunks) and then
     * closes it without saying so, as a server does with an idle keep-alive connection.
     */
    @Test
    void aConnectionTheServerClosedIsReplacedAndBothBodyFormsAreRead() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        List<String> requestLines = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0)) {
            Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        int n = connections.incrementAndGet();
                        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                        String line = in.readLine();
                        synchronized (requestLines) {
                            requestLines.add(line);
                        }
                        while (!in.readLine().isEmpty()) {
                            // headers
                        }
                        OutputStream out = s.getOutputStream();
                        String answer = n == 1
                                ? "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"
                                : "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nsec\r\n3;x=1\r\nond\r\n0\r\n\r\n";
                        out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        Thread.sleep(100);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            PortalHttp http = new PortalHttp();
            URI base = URI.create("http://localhost:" + server.getLocalPort());

            PortalHttp.Response first = http.get(base.resolve("/a"), Map.of());
            Thread.sleep(300);
            PortalHttp.Response second = http.post(base.resolve("/b?x=1"), Map.of("X-Test", "1"), new byte[] {1, 2});

            assertThat(first.status()).isEqualTo(200);
            assertThat(new String(first.body(), StandardCharsets.US_ASCII)).isEqualTo("first");
            assertThat(second.status()).isEqualTo(404);
            assertThat(new String(second.body(), StandardCharsets.US_ASCII)).isEqualTo("second");
            assertThat(connections.get()).as("a new connection after the server closed the first").isEqualTo(2);
            assertThat(requestLines).containsExactly("GET /a HTTP/1.1", "POST /b?x=1 HTTP/1.1");
        }
    }
}
