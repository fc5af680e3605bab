package io.pocketgrid.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Blocking HTTP/1.1 calls to the portal over the JDK's {@link HttpURLConnection}, one keep-alive
 * connection per calling thread.
 *
 * <p>Not {@code java.net.http}: its selector thread and futures cost the throughput bench about half
 * a core on a 2-core machine where the portal under test runs as well, and every microsecond the
 * load generator spends is taken from the portal. A plain blocking call on the volunteer's own
 * (virtual) thread does the same work with far less hand-over.
 */
public final class PortalHttp {

    static {
        // the JDK keeps 5 idle connections per host unless told otherwise; every simulated
        // volunteer needs its own, or most calls would open a new TCP connection
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "1000");
        }
    }

    private final int connectTimeoutMs;
    private final int readTimeoutMs;

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
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setConnectTimeout(connectTimeoutMs);
        c.setReadTimeout(readTimeoutMs);
        c.setUseCaches(false);
        c.setRequestMethod(method);
        headers.forEach(c::setRequestProperty);
        if (body != null) {
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
        }
        int status = c.getResponseCode();
        // read to the end and close, so the connection goes back to the keep-alive cache
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            if (in == null) {
                return new Response(status, new byte[0]);
            }
            long length = c.getContentLengthLong();
            // a declared length is read into one array of that size, not grown chunk by chunk
            return new Response(status, length >= 0 && length <= Integer.MAX_VALUE - 8
                    ? in.readNBytes((int) length) : in.readAllBytes());
        }
    }
}
