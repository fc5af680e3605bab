package io.pocketgrid.worker.teavm;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.worker.reference.ConformanceCase;
import io.pocketgrid.worker.reference.ConformanceRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The ONNX backend test data through each TeaVM build of the engine in headless Chromium, judged
 * by the same {@link ConformanceCase} as the JVM run: every runnable test must pass. The page
 * ({@code src/test/resources/conformance}) feeds each test's files to
 * {@code PocketGridConformance.conformanceCase} (its {@code engine-conformance.js}, which volunteers
 * never download); the table per op is printed as on the JVM.
 */
class BrowserConformanceIT {

    /** As on the JVM ({@code OnnxConformanceTest}): a regression that silently skips tests fails too. */
    static final int RUNNABLE_FLOOR = 910;
    /** Tests the accelerated plan (here on the SIMD kernels) runs with frozen weights, as on the JVM. */
    static final int PLAN_FLOOR = 300;

    private static StaticServer server;
    private static ChromeDriver browser;
    private static Path profile;

    @BeforeAll
    static void start() throws IOException {
        Path root = ConformanceRunner.DEFAULT_ROOT;
        assertThat(Files.isDirectory(root)).as("ONNX test data missing: apt-get install -y libonnx-testdata").isTrue();
        String index = index(root);
        server = new StaticServer()
                .folder("/worker", Path.of("target/classes/META-INF/resources/worker").toAbsolutePath())
                .folder("/conformance", Path.of("src/test/resources/conformance").toAbsolutePath())
                .folder("/data", root)
                .document("/data/index.json", () -> index)
                .start();
        profile = Files.createTempDirectory("pocketgrid-conformance-chromium");
        browser = Chromium.start(profile);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    /**
     * Each build on the generic ops (the reference) and on the accelerated plan with its default
     * (SIMD) kernels, where every node runs: kernel layers where they fit, generic ops inside the
     * plan elsewhere; {@code frozen}: the inputs after the first are made weights, as in real models,
     * so that the kernels that need constant weights run too.
     */
    @ParameterizedTest(name = "{0} build, {1} kernel, frozen weights: {2}")
    @CsvSource({"js, generic, false", "js, simd, false", "js, simd, true", "wasm, generic, false",
        "wasm, simd, false", "wasm, simd, true"})
    void everyRunnableBackendTestPassesInChromium(String backend, String kernel, boolean frozen) {
        browser.get(server.url("/conformance/conformance.html?backend=" + backend + "&kernel=" + kernel
                + "&freeze=" + frozen));
        new WebDriverWait(browser, Duration.ofSeconds(150)).pollingEvery(Duration.ofMillis(250))
                .withMessage(() -> "conformance page stuck at: " + browser.executeScript(
                        "return document.getElementById('status') && document.getElementById('status').textContent"))
                .until(d -> Boolean.TRUE.equals(browser.executeScript("return window.conformance && window.conformance.done")));
        Object error = browser.executeScript("return window.conformance.error");
        assertThat(error).as("conformance page error").isNull();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) browser.executeScript(
                "return window.conformance.results");

        ConformanceRunner.Tally tally = new ConformanceRunner.Tally();
        for (Map<String, Object> r : results) {
            @SuppressWarnings("unchecked")
            List<String> ops = (List<String>) r.get("ops");
            tally.add((String) r.get("test"), new ConformanceCase.Outcome(
                    ConformanceCase.Kind.valueOf((String) r.get("kind")), ops, (String) r.get("message")));
        }
        ConformanceRunner.Report report = tally.report();
        System.out.println("== ONNX conformance in Chromium: " + backend + " build, " + kernel + " kernel"
                + (frozen ? ", plan with frozen weights" : "") + " ("
                + browser.executeScript("return window.conformance.kernels") + ", "
                + browser.executeScript("return window.conformance.seconds") + " s)");
        ConformanceRunner.print(report, System.out);

        assertThat(report.failures()).as("failing conformance tests (%s build)", backend).isEmpty();
        assertThat(report.runnable()).as("runnable conformance tests")
                .isGreaterThanOrEqualTo(frozen ? PLAN_FLOOR : RUNNABLE_FLOOR);
    }

    /** {@code [{test, dir, sets: [{name, inputs: [..], outputs: [..]}]}]} with paths under /data/. */
    private static String index(Path root) throws IOException {
        StringBuilder sb = new StringBuilder("[");
        for (Path test : ConformanceRunner.tests(root)) {
            String dir = root.relativize(test).toString();
            sb.append(sb.length() > 1 ? ",\n" : "").append("{\"test\":\"").append(dir).append("\",\"sets\":[");
            List<String> sets = new ArrayList<>();
            for (List<List<Path>> set : ConformanceRunner.dataSets(test)) {
                sets.add("{\"name\":\"" + (set.get(0).isEmpty() ? "" : set.get(0).get(0).getParent().getFileName())
                        + "\",\"inputs\":" + paths(root, set.get(0)) + ",\"outputs\":" + paths(root, set.get(1)) + "}");
            }
            sb.append(String.join(",", sets)).append("]}");
        }
        return sb.append("]").toString();
    }

    private static String paths(Path root, List<Path> files) {
        List<String> quoted = new ArrayList<>();
        files.forEach(f -> quoted.add("\"" + root.relativize(f) + "\""));
        return "[" + String.join(",", quoted) + "]";
    }
}
