package io.pocketgrid.worker.teavm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** A tiny HTTP server for browser tests: folders under URL prefixes, generated documents, handlers. */
final class StaticServer implements AutoCloseable {

    private static final Map<String, String> TYPES = Map.of("html", "text/html", "js", "text/javascript",
            "wasm", "application/wasm", "json", "application/json");

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final Map<String, Path> folders = new LinkedHashMap<>();
    private final Map<String, Supplier<String>> documents = new LinkedHashMap<>();

    StaticServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
    }

    /** Serves files under {@code dir} at {@code /prefix/...}. */
    StaticServer folder(String prefix, Path dir) {
        folders.put(prefix.endsWith("/") ? prefix : prefix + "/", dir);
        return this;
    }

    /** Lets {@code handler} answer every request under {@code prefix}. */
    StaticServer route(String prefix, HttpHandler handler) {
        server.createContext(prefix, handler);
        return this;
    }

    /** Serves {@code body} (computed once per request) at {@code path}. */
    StaticServer document(String path, Supplier<String> body) {
        documents.put(path, body);
        return this;
    }

    StaticServer start() {
        server.start();
        return this;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            Supplier<String> doc = documents.get(path);
            if (doc != null) {
                send(ex, doc.get().getBytes(StandardCharsets.UTF_8), type(path));
                return;
            }
            for (Map.Entry<String, Path> f : folders.entrySet()) {
                if (path.startsWith(f.getKey())) {
                    Path file = f.getValue().resolve(path.substring(f.getKey().length())).normalize();
                    if (file.startsWith(f.getValue()) && Files.isRegularFile(file)) {
                        send(ex, Files.readAllBytes(file), type(path));
                        return;
                    }
                }
            }
            ex.sendResponseHeaders(404, -1);
        }
    }

    static void send(HttpExchange ex, byte[] body, String type) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static String type(String path) {
        int dot = path.lastIndexOf('.');
        return TYPES.getOrDefault(dot < 0 ? "" : path.substring(dot + 1), "application/octet-stream");
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
