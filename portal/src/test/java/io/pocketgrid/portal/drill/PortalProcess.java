package io.pocketgrid.portal.drill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real portal, {@code java -jar target/pocketgrid-portal.jar}, as a child process on a port and data
 * directory that stay the same across restarts, so a drill can kill it (SIGKILL, nothing runs on the way
 * out) and start it again on the same database. The jar exists in failsafe's run: {@code package} comes
 * before {@code integration-test}. Each start appends to one log file in the data directory.
 */
final class PortalProcess implements AutoCloseable {

    /** The operator token the drills' portals accept, for the health details. */
    static final String OPERATOR_TOKEN = "drill-operator-token-not-a-secret";

    private static final Path JAR = Path.of("target", "pocketgrid-portal.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path dataDir;
    private final int port;
    private final List<String> args;
    private final Map<String, String> env;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private int starts;

    /**
     * @param args portal arguments beyond port and data directory, e.g. {@code --pocketgrid.ledger.rpc-url=…}
     * @param env  environment beyond the test JVM's, e.g. {@code POCKETGRID_LEDGER_KEY}
     */
    PortalProcess(Path dataDir, List<String> args, Map<String, String> env) {
        this.dataDir = dataDir;
        this.port = freePort();
        this.args = List.copyOf(args);
        this.env = Map.copyOf(env);
    }

    int port() {
        return port;
    }

    Path dataDir() {
        return dataDir;
    }

    Path logFile() {
        return dataDir.resolve("portal.log");
    }

    long pid() {
        return process.pid();
    }

    /** The live processes the portal started, e.g. its own anvil. */
    List<ProcessHandle> descendants() {
        return process.descendants().filter(ProcessHandle::isAlive).toList();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts the portal and waits until {@code /actuator/health/readiness} answers 200; returns the seconds it took. */
    double start() {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run `mvnw -pl portal package` first");
        }
        long started = System.nanoTime();
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx768m", "-XX:TieredStopAtLevel=1",
                "-Dai.djl.offline=true", "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toAbsolutePath().toString(),
                "--server.port=" + port, "--pocketgrid.data-dir=" + dataDir, "--pocketgrid.demo-project=false",
                "--spring.main.banner-mode=off",
                // the drills sum the credit in the volunteers' receipts and find it on chain: a lone result the
                // server spot-checks hears PENDING and earns its credit later, which no receipt shows
                "--pocketgrid.validation.server-check-rate=0"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        Map<String, String> environment = new HashMap<>(env);
        environment.put("OPT_OUT_TRACKING", "true");
        environment.putIfAbsent("POCKETGRID_OPERATOR_TOKEN", OPERATOR_TOKEN);
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(dataDir);
            Files.writeString(logFile(), "\n==== drill: start " + (++starts) + " ====\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = started + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the portal exited with " + process.exitValue() + ": " + logTail());
            }
            if (status("/actuator/health/readiness") == 200) {
                return (System.nanoTime() - started) / 1e9;
            }
            sleep(250);
        }
        throw new IllegalStateException("the portal was not ready within " + START_TIMEOUT + ": " + logTail());
    }

    /** SIGKILL: no shutdown hook, no graceful stop, no last flush; waits until the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the portal survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The HTTP status of a GET, or -1 when the portal does not answer. */
    int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + OPERATOR_TOKEN).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The body of a GET with the operator token (health details), or null when the portal does not answer. */
    String operatorGet(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + OPERATOR_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    String logTail() {
        return logTail(3000);
    }

    /** The last {@code chars} characters of the log. */
    String logTail(int chars) {
        try {
            String log = Files.readString(logFile(), StandardCharsets.ISO_8859_1);
            return log.substring(Math.max(0, log.length() - chars));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the portal the polite way (SIGTERM), so its own anvil and connections are closed. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
