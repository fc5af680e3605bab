package io.pocketgrid.sim;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Blocking HTTP/1.1 calls to the portal: one keep-alive connection per calling thread (each
 * simulated volunteer has its own thread), a request written in one piece, a response read by
 * {@code Content-Length} or chunks.
 *
 * <p>Written here rather than taken from a library on purpose: the simulator shares the machine with
 * the portal it measures, so every microsecond it spends is taken from the portal. With
 * {@code java.net.http} the simulator used about half a core at 700 round trips/s, and with
 * {@code HttpURLConnection} still ~45 % at 900/s (per-request objects, header maps, buffers, URL
 * parsing). This speaks only what the portal answers: plain HTTP/1.1, no TLS, no redirects, no
 * proxies, no 1xx. Nothing else in PocketGrid should use it.
 */
public final class PortalHttp {

    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final ThreadLocal<Connection> connections = new ThreadLocal<>();

    /** An answer: its status and whole body (the error body for 4xx/5xx). */
    public record Response(int status, byte[] body) {
    }

    public PortalHttp(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeoutMs = Math.toIntExact(connectTimeout.toMillis());
        this.readTimeoutMs = Math.toIntExact(readTimeout.toMillis());
    }

    public PortalHttp() {
        this(Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    /** GET {@code uri}. */
    public Response get(URI uri, Map<String, String> headers) throws IOException {
        return call("GET", uri, headers, null);
    }

    /** POST {@code body} (empty when null) to {@code uri}. */
    public Response post(URI uri, Map<String, String> headers, byte[] body) throws IOException {
        return call("POST", uri, headers, body == null ? new byte[0] : body);
    }

    private Response call(String method, URI uri, Map<String, String> headers, byte[] body) throws IOException {
        if (!"http".equals(uri.getScheme())) {
            throw new IOException("only http:// is spoken here: " + uri);
        }
        byte[] request = request(method, uri, headers, body);
        Connection c = connections.get();
        if (c != null && !c.isFor(uri)) {
            c.close();
            c = null;
        }
        if (c != null) {
            try {
                return exchange(c, request);
            } catch (StaleConnection e) {
                // the portal closed the idle connection before it read anything (exchange has dropped
                // it): send again on a new one
            }
        }
        c = new Connection(uri, connectTimeoutMs, readTimeoutMs);
        connections.set(c);
        try {
            return exchange(c, request);
        } catch (StaleConnection e) {
            throw new EOFException("the portal closed the connection without answering");
        }
    }

    private Response exchange(Connection c, byte[] request) throws IOException {
        try {
            try {
                c.out.write(request);
                c.out.flush();
            } catch (IOException e) {
                if (c.exchanges > 0) {
                    throw new StaleConnection();
                }
                throw e;
            }
            Response r = c.readResponse();
            if (c.closeAfter) {
                c.close();
                connections.remove();
            }
            return r;
        } catch (IOException e) {
            c.close();
            connections.remove();
            throw e;
        }
    }

    private static byte[] request(String method, URI uri, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(uri.getRawPath());
        if (uri.getRawQuery() != null) {
            head.append('?').append(uri.getRawQuery());
        }
        head.append(" HTTP/1.1\r\nHost: ").append(uri.getHost()).append(':').append(port(uri)).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        byte[] h = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null || body.length == 0) {
            return h;
        }
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private static int port(URI uri) {
        return uri.getPort() < 0 ? 80 : uri.getPort();
    }

    /** Nothing at all came back on a reused connection. */
    private static final class StaleConnection extends IOException {
        StaleConnection() {
            super("stale connection");
        }
    }

    private static final class Connection {
        final String host;
        final int port;
        final Socket socket;
        final OutputStream out;
        final InputStream in;
        int exchanges;
        boolean closeAfter;

        Connection(URI uri, int connectTimeoutMs, int readTimeoutMs) throws IOException {
            this.host = uri.getHost();
            this.port = port(uri);
            this.socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            socket.setSoTimeout(readTimeoutMs);
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream(), 32 * 1024);
        }

        boolean isFor(URI uri) {
            return host.equals(uri.getHost()) && port == port(uri);
        }

        Response readResponse() throws IOException {
            boolean reused = exchanges++ > 0;
            String statusLine = line(reused);
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                throw new IOException("not an HTTP/1.x answer: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            closeAfter = statusLine.startsWith("HTTP/1.0");
            int headerBytes = 0;
            for (String h = line(false); !h.isEmpty(); h = line(false)) {
                headerBytes += h.length();
                if (headerBytes > MAX_HEADER_BYTES) {
                    throw new IOException("the answer's headers exceed " + MAX_HEADER_BYTES + " bytes");
                }
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> closeAfter |= value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            byte[] body;
            if (status == 204 || status == 304) {
                body = new byte[0];
            } else if (chunked) {
                body = chunks();
            } else if (length >= 0) {
                body = in.readNBytes(Math.toIntExact(length));
                if (body.length != length) {
                    throw new EOFException("the answer ended after " + body.length + " of " + length + " bytes");
                }
            } else {
                body = in.readAllBytes();
                closeAfter = true;
            }
            return new Response(status, body);
        }

        private byte[] chunks() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = line(false);
                int semicolon = size.indexOf(';');
                int n = Integer.parseInt((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
                if (n == 0) {
                    while (!line(false).isEmpty()) {
                        // trailers: none expected, skipped
                    }
                    return body.toByteArray();
                }
                byte[] chunk = in.readNBytes(n);
                if (chunk.length != n) {
                    throw new EOFException("a chunk ended early");
                }
                body.write(chunk);
                line(false);
            }
        }

        /** One line without its CRLF; on a reused connection, an immediate end means it went stale. */
        private String line(boolean firstOfReused) throws IOException {
            StringBuilder s = new StringBuilder(64);
            while (true) {
                int b;
                try {
                    b = in.read();
                } catch (SocketException e) {
                    if (firstOfReused && s.isEmpty()) {
                        throw new StaleConnection();
                    }
                    throw e;
                }
                if (b < 0) {
                    if (firstOfReused && s.isEmpty()) {
                        throw new StaleConnection();
                    }
                    throw new EOFException("the answer ended in its headers");
                }
                if (b == '\n') {
                    int end = s.length();
                    return end > 0 && s.charAt(end - 1) == '\r' ? s.substring(0, end - 1) : s.toString();
                }
                if (s.length() > MAX_HEADER_BYTES) {
                    throw new IOException("a header line exceeds " + MAX_HEADER_BYTES + " bytes");
                }
                s.append((char) b);
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
