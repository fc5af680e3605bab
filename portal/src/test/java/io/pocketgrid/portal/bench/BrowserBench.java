package io.pocketgrid.portal.bench;

import io.pocketgrid.portal.support.Chromium;
import io.pocketgrid.worker.engine.Npy;
import io.pocketgrid.worker.engine.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * The browser side of PocketGrid measured in headless Chromium against a running portal (started
 * by {@code bench/browser.sh} from the packaged jar): (a) time from opening the home page to the
 * first result, a fresh profile per run; (b) tasks/min of one browser with N workers. Prints
 * figures; asserts nothing.
 *
 * <p>Arguments: {@code URL RUNS WINDOW_SECONDS WORKER_COUNTS(1,2,..) COPIES} — the throughput runs
 * work on a project of the demo images repeated COPIES times, posted first through the owner API.
 */
public final class BrowserBench {

    private static final Path DEMO = Path.of("portal/src/main/resources/demo");
    private static final int ITEMS_PER_TASK = 32;

    private BrowserBench() {
    }

    /** Held so that the level stays set: Selenium's notes on CDP versions would drown the figures. */
    private static final java.util.logging.Logger SELENIUM = java.util.logging.Logger.getLogger("org.openqa.selenium");

    public static void main(String[] args) throws Exception {
        SELENIUM.setLevel(java.util.logging.Level.SEVERE);
        String url = args[0];
        int runs = Integer.parseInt(args[1]);
        int window = Integer.parseInt(args[2]);
        int[] workers = Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).distinct().toArray();
        int copies = Integer.parseInt(args[4]);

        System.out.println("== (a) home page opened → first result submitted, fresh profile each run");
        List<Double> firsts = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            double[] t = firstResult(url);
            firsts.add(t[0]);
            System.out.printf(Locale.ROOT, "run %d: %.0f ms (of which %.0f ms after pressing start)%n", i + 1, t[0], t[1]);
        }
        System.out.printf(Locale.ROOT, "median: %.0f ms over %d runs%n", median(firsts), runs);

        postBenchProject(url, copies);
        System.out.printf(Locale.ROOT, "%n== (b) one browser, N workers, %d s measured after the first result + 5 s%n", window);
        System.out.printf("%-8s %10s %10s %10s %14s%n", "workers", "tasks", "tasks/min", "images/s", "vs 1 worker");
        double base = 0;
        for (int n : workers) {
            int tasks = throughput(url, n, window);
            double perMin = tasks * 60.0 / window;
            base = base == 0 ? perMin : base;
            System.out.printf(Locale.ROOT, "%-8d %10d %10.1f %10.1f %13.2fx%n", n, tasks, perMin,
                    tasks * ITEMS_PER_TASK / (double) window, perMin / base);
        }
    }

    /** [ms from navigation start to the first result shown, ms of that after the start button]. */
    private static double[] firstResult(String url) {
        ChromeDriver browser = Chromium.start(1280, 900);
        try {
            browser.get(url + "/");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
            wait.until(d -> d.findElement(By.id("consent-accept")).isDisplayed());
            browser.findElement(By.id("consent-accept")).click();
            wait.until(d -> Chromium.enabled(d.findElement(By.id("start-contributing"))));
            double pressed = ((Number) browser.executeScript("return performance.now()")).doubleValue();
            browser.findElement(By.id("start-contributing")).click();
            double first = ((Number) browser.executeAsyncScript(waitForCompleted(1))).doubleValue();
            return new double[] {first, first - pressed};
        } finally {
            browser.quit();
        }
    }

    /** Tasks one fresh browser with {@code workers} workers completes in {@code window} seconds. */
    private static int throughput(String url, int workers, int window) throws InterruptedException {
        ChromeDriver browser = Chromium.start(1280, 900);
        try {
            browser.get(url + "/");
            browser.executeScript("localStorage.setItem('pocketgrid.settings', JSON.stringify({workers: arguments[0]}))",
                    workers);
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
            wait.until(d -> d.findElement(By.id("consent-accept")).isDisplayed());
            browser.findElement(By.id("consent-accept")).click();
            wait.until(d -> Chromium.enabled(d.findElement(By.id("start-contributing"))));
            browser.findElement(By.id("start-contributing")).click();
            browser.executeAsyncScript(waitForCompleted(1));
            Thread.sleep(5_000); // every worker booted, benchmarked and warm
            int start = completed(browser);
            Thread.sleep(window * 1000L);
            int tasks = completed(browser) - start;
            String state = browser.findElement(By.id("worker-state")).getText();
            if (!state.startsWith("running")) {
                System.out.println("warning: the worker ended the window '" + state + "'; raise COPIES if it ran out of work");
            }
            browser.executeScript("window.PocketGrid.stop(null)");
            return tasks;
        } finally {
            browser.quit();
        }
    }

    private static int completed(ChromeDriver browser) {
        return ((Number) browser.executeScript("return window.PocketGrid.completedSoFar()")).intValue();
    }

    /** In-page wait (no polling delay from the driver) until the panel shows {@code n} tasks; answers performance.now(). */
    private static String waitForCompleted(int n) {
        return "const done = arguments[arguments.length - 1];"
                + "const check = () => { const e = document.getElementById('tasks-completed');"
                + " if (e && Number(e.textContent) >= " + n + ") { done(performance.now()); } else { setTimeout(check, 5); } };"
                + "check();";
    }

    /** An owner, a token and a project of the demo images repeated {@code copies} times (replication 1, top priority). */
    private static void postBenchProject(String url, int copies) throws Exception {
        RestClient http = RestClient.create(url);
        String password = "bench-" + System.nanoTime();
        http.post().uri("/api/v1/accounts").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("username", "browser-bench", "password", password)).retrieve().toBodilessEntity();
        Map<?, ?> token = http.post().uri("/api/v1/auth/tokens").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("username", "browser-bench", "password", password, "name", "bench")).retrieve().body(Map.class);
        Tensor demo = Npy.read(Files.readAllBytes(DEMO.resolve("inputs.npy")));
        float[] one = demo.floats();
        float[] all = new float[one.length * copies];
        for (int i = 0; i < copies; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        int[] dims = demo.dims().clone();
        dims[0] *= copies;
        LinkedMultiValueMap<String, Object> parts = new LinkedMultiValueMap<>();
        parts.add("model", new FileSystemResource(DEMO.resolve("cnn.onnx")));
        parts.add("inputs", new ByteArrayResource(Npy.write(Tensor.ofFloats(all, dims))) {
            @Override
            public String getFilename() {
                return "inputs.npy";
            }
        });
        HttpHeaders json = new HttpHeaders();
        json.setContentType(MediaType.APPLICATION_JSON);
        parts.add("settings", new HttpEntity<>("{\"name\":\"Browser bench\",\"inputsPerTask\":" + ITEMS_PER_TASK
                + ",\"replication\":1,\"quorum\":1,\"priority\":100}", json));
        http.post().uri("/api/v1/projects").header("Authorization", "Bearer " + token.get("token"))
                .contentType(MediaType.MULTIPART_FORM_DATA).body(parts).retrieve().toBodilessEntity();
        System.out.printf("%nposted the bench project: %d images, %d tasks of %d%n", dims[0], dims[0] / ITEMS_PER_TASK,
                ITEMS_PER_TASK);
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
