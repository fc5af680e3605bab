package io.pocketgrid.worker.teavm;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Npy;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.loop.TensorFrames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The volunteer worker as the portal starts it ({@code worker-boot.js} in a Web Worker, driven
 * through its messages) against a stand-in of the work API: each build must report itself ready
 * on the WebAssembly SIMD kernel and submit, for every task, the outputs the JVM engine computes.
 */
class VolunteerWorkerIT {

    private static final Path DEMO = Path.of("../portal/src/main/resources/demo");
    private static final int TASKS = 3;
    private static final int BATCH = 32;

    private final Map<Integer, float[]> results = new ConcurrentHashMap<>();
    private final AtomicInteger leased = new AtomicInteger();
    private final List<String> leaseBodies = new java.util.concurrent.CopyOnWriteArrayList<>();
    private String modelSha256;
    private StaticServer server;
    private ChromeDriver browser;
    private float[] inputs;

    @BeforeEach
    void start() throws IOException {
        inputs = Npy.read(Files.readAllBytes(DEMO.resolve("inputs.npy"))).floats();
        byte[] model = Files.readAllBytes(DEMO.resolve("cnn.onnx"));
        modelSha256 = java.util.HexFormat.of().formatHex(sha256(model));
        server = new StaticServer()
                .folder("/worker", Path.of("target/classes/META-INF/resources/worker").toAbsolutePath())
                .document("/page.html", () -> "<!doctype html><meta charset=utf-8><title>worker</title>")
                .route("/api/v1/", ex -> api(ex, model))
                .start();
        browser = Chromium.start(Files.createTempDirectory("pocketgrid-worker-chromium"));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"wasm", "js"})
    void submitsWhatTheJvmEngineComputesOnTheSimdKernel(String backend) throws IOException {
        browser.get(server.url("/page.html"));
        browser.executeScript("window.messages = [];"
                + "const w = new Worker('/worker/worker-boot.js');"
                + "w.onmessage = (e) => window.messages.push(e.data);"
                + "w.postMessage({type: 'start', config: {apiBase: location.origin + '/api/v1', token: 't',"
                + " backend: arguments[0], leaseRequest: '{}'}});", backend);
        try {
            new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> results.size() >= TASKS);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the worker said: " + browser.executeScript("return JSON.stringify(window.messages)"), e);
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> messages = (List<Map<String, Object>>) browser.executeScript("return window.messages");
        Map<String, Object> ready = messages.stream().filter(m -> "ready".equals(m.get("type"))).findFirst().orElseThrow();
        assertThat(ready.get("backend")).isEqualTo(backend);
        assertThat((String) ready.get("kernel")).startsWith("wasm-simd");
        assertThat(((Number) ready.get("gflops")).doubleValue()).as("the start-up benchmark's figure").isPositive();
        // every lease request carries the device's figures: {"cores": n, "gflops": x}
        assertThat(leaseBodies).isNotEmpty().allSatisfy(body ->
                assertThat(body).matches("\\{\"cores\":[1-9][0-9]*,\"gflops\":[0-9.]+\\}"));
        Model reference = Model.load(Files.readAllBytes(DEMO.resolve("cnn.onnx")));
        for (int task = 0; task < TASKS; task++) {
            float[] want = reference.run(Map.of("input", Tensor.ofFloats(slice(task), BATCH, 1, 28, 28)))
                    .get("logits").floats();
            float[] got = results.get(task);
            assertThat(got).as("task %d", task).hasSameSizeAs(want);
            for (int i = 0; i < want.length; i++) {
                assertThat(Math.abs(got[i] - want[i])).as("task %d [%d]", task, i)
                        .isLessThanOrEqualTo(1e-4f + 1e-3f * Math.abs(want[i]));
            }
        }
    }

    /** lease → model → input → result, the calls {@code XhrWorkServer} makes; tasks 0..TASKS-1, then 204. */
    private void api(HttpExchange ex, byte[] model) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.endsWith("/work/lease")) {
                leaseBodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                int task = leased.getAndIncrement();
                if (task >= TASKS) {
                    ex.sendResponseHeaders(204, -1);
                    return;
                }
                String base = "http://" + ex.getRequestHeaders().getFirst("Host") + "/api/v1";
                String lease = "{\"leaseId\":" + task + ",\"leaseToken\":\"lt\",\"taskId\":" + task
                        + ",\"modelSha256\":\"" + modelSha256 + "\",\"modelUrl\":\"" + base + "/models/" + modelSha256
                        + "\",\"inputUrl\":\"" + base
                        + "/tasks/" + task + "/input\","
                        + "\"inputs\":[{\"name\":\"input\",\"dtype\":\"float32\",\"dims\":[" + BATCH + ",1,28,28]}],"
                        + "\"outputs\":[{\"name\":\"logits\",\"dtype\":\"float32\",\"dims\":[" + BATCH + ",10]}],"
                        + "\"deadlineEpochMs\":" + (System.currentTimeMillis() + 600_000) + "}";
                StaticServer.send(ex, lease.getBytes(StandardCharsets.UTF_8), "application/json");
            } else if (path.endsWith("/models/" + modelSha256)) {
                StaticServer.send(ex, model, "application/octet-stream");
            } else if (path.endsWith("/input")) {
                int task = Integer.parseInt(path.split("/")[4]);
                assertThat(ex.getRequestHeaders().getFirst("Accept")).isEqualTo(TensorFrames.MEDIA_TYPE);
                StaticServer.send(ex, TensorFrames.encode(Map.of("input", Tensor.ofFloats(slice(task), BATCH, 1, 28, 28))),
                        TensorFrames.MEDIA_TYPE);
            } else if (path.endsWith("/result")) {
                int task = Integer.parseInt(path.split("/")[4]);
                assertThat(ex.getRequestHeaders().getFirst("Content-Type")).isEqualTo(TensorFrames.MEDIA_TYPE);
                Map<String, Tensor> out = TensorFrames.decode(ex.getRequestBody().readAllBytes());
                assertThat(out.keySet()).containsExactly("logits");
                assertThat(out.get("logits").dims()).containsExactly(BATCH, 10);
                results.put(task, out.get("logits").floats());
                StaticServer.send(ex, "{\"status\":\"PENDING\",\"creditPending\":0}".getBytes(StandardCharsets.UTF_8),
                        "application/json");
            } else {
                ex.sendResponseHeaders(404, -1);
            }
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private float[] slice(int task) {
        return Arrays.copyOfRange(inputs, task * BATCH * 784, (task + 1) * BATCH * 784);
    }
}
