package io.pocketgrid.portal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.Chromium;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.StoredResults;
import io.pocketgrid.portal.support.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real headless Chromium opens the home page, presses start, and the TeaVM-built worker computes
 * demo tasks in a Web Worker (the image classifiers' and the text classifier's, whose inputs are int64
 * token ids and a mask); every result the server stored must equal the JVM engine's output
 * for the same input (within the project's tolerance: the JavaScript build computes in double
 * precision). Run once per TeaVM build.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ContributeBrowserIT {

    private static final int TASKS = 3;

    @Value("${local.server.port}")
    int port;

    @Value("${pocketgrid.data-dir}")
    Path dataDir;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    io.pocketgrid.portal.project.ProjectQueries projects;

    private ChromeDriver browser;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PortalProperties.dataDir(registry, TempDirs.create("pocketgrid-browser-it"));
        PortalProperties.noDemoRounds(registry);
        PortalProperties.noLedger(registry);
    }

    @BeforeEach
    void openBrowser() {
        browser = Chromium.start(1280, 900);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"wasm", "js"})
    void pressingStartStoresResultsEqualToTheJvmEngine(String backend) throws Exception {
        StoredResults stored = new StoredResults(jdbc, dataDir);
        int before = stored.count();
        browser.get("http://localhost:" + port + "/?backend=" + backend);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
        wait.until(d -> d.findElement(By.id("consent-accept")).isDisplayed());
        assertThat(Chromium.enabled(browser.findElement(By.id("start-contributing")))).as("nothing runs before consent").isFalse();
        assertThat(stored.count()).isEqualTo(before);
        browser.findElement(By.id("consent-accept")).click();
        wait.until(d -> Chromium.enabled(d.findElement(By.id("start-contributing"))));
        if (backend.equals("wasm")) {
            // the volunteer chooses two workers at half the CPU; the choice is kept in the browser
            var count = browser.findElement(By.cssSelector("#worker-count input"));
            // more workers than this device has cores are not taken
            count.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "64",
                    org.openqa.selenium.Keys.TAB);
            Object cores = browser.executeScript("return navigator.hardwareConcurrency");
            wait.until(d -> cores.equals(browser.executeScript("return window.PocketGrid.settings().workers")));
            count.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "2",
                    org.openqa.selenium.Keys.TAB);
            var cpu = browser.findElement(By.cssSelector("#cpu-percent input"));
            cpu.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "50",
                    org.openqa.selenium.Keys.TAB);
            wait.until(d -> Long.valueOf(2).equals(browser.executeScript("return window.PocketGrid.settings().workers"))
                    && Long.valueOf(50).equals(browser.executeScript("return window.PocketGrid.settings().cpuPercent")));
        }
        browser.findElement(By.id("start-contributing")).click();
        if (backend.equals("wasm")) {
            wait.until(d -> Long.valueOf(2).equals(browser.executeScript("return window.PocketGrid.workerCount()")));
        }

        wait.until(d -> stored.count() >= before + TASKS);
        if (backend.equals("wasm")) {
            // the demo projects are shared out fairly: the text classifier's tasks (int64 token ids and mask
            // in tensor frames) come too, and are checked against the JVM engine below like the others
            wait.until(d -> stored.countFor("Sentence topics demo") > 0);
            // a lone volunteer's results wait for a second one; the panel says so instead of a bare 0 credit
            wait.until(d -> d.findElement(By.id("credit-earned")).getText().contains("waiting for another volunteer to confirm"));
        }
        wait.until(d -> Integer.parseInt(d.findElement(By.id("tasks-completed")).getText().trim()) >= TASKS);
        assertThat(browser.findElement(By.id("worker-state")).getText())
                .isEqualTo(backend.equals("wasm") ? "running (WebAssembly)" : "running (JavaScript)");
        if (backend.equals("js")) {
            // the JavaScript run recomputes the tasks the WebAssembly run did first: their results
            // must agree across the two builds, which validates the tasks and credits this browser
            wait.until(d -> Double.parseDouble(d.findElement(By.id("credit-earned")).getText().split(" ")[0]) > 0);
        }
        Chromium.screenshot(browser, "contribute-" + backend);
        browser.findElement(By.id("stop-contributing")).click();
        wait.until(d -> d.findElement(By.id("worker-state")).getText().equals("stopped"));
        // a result already on the wire when the worker was terminated may still land; after that, nothing
        Thread.sleep(1500);
        int afterStop = stored.count();
        Thread.sleep(3000);
        assertThat(stored.count()).as("nothing more runs after stop").isEqualTo(afterStop);

        if (backend.equals("wasm")) {
            // the panel said what this browser worked on, what it downloaded, and charted its tasks per minute
            assertThat(browser.findElement(By.id("current-project")).getText())
                    .matches("Working on: (Fashion-MNIST demo|Fashion-MNIST demo, int8 model|Sentence topics demo)( — .*)?");
            wait.until(d -> d.findElement(By.id("downloaded")).getText()
                    .matches("[0-9.]+ MB \\(models [0-9.]+ MB, task inputs [0-9.]+ MB\\)"));
            assertThat(browser.findElement(By.id("downloaded")).getText()).doesNotStartWith("0.00 MB");
            wait.until(d -> Boolean.TRUE.equals(browser.executeScript("return Array.from(document.querySelectorAll("
                    + "'#session-chart rect')).some(r => Number(r.getAttribute('height')) > 0);")));
            tools.jackson.databind.JsonNode session = tools.jackson.databind.json.JsonMapper.builder().build()
                    .readTree((String) browser.executeScript("return window.PocketGrid.session()"));
            long counted = 0;
            for (tools.jackson.databind.JsonNode m : session.get("perMinute")) {
                counted += m.asLong();
            }
            assertThat(counted).as("tasks in the chart").isEqualTo(
                    ((Number) browser.executeScript("return window.PocketGrid.completedSoFar()")).longValue());
            // each model this browser needed was downloaded once (workers share the cache): at most the
            // models of the projects it was given tasks of, and at least one of them
            String volunteer = (String) browser.executeScript(
                    "return JSON.parse(localStorage.getItem('pocketgrid.volunteer')).volunteerId");
            long models = jdbc.queryForList("SELECT DISTINCT t.project_id FROM assignment a JOIN task t ON t.id = a.task_id"
                    + " JOIN volunteer v ON v.id = a.volunteer_id WHERE v.public_id = ?", Long.class, volunteer)
                    .stream().mapToLong(id -> projects.progress(id).modelBytes()).sum();
            assertThat(session.get("modelBytes").asLong()).isPositive().isLessThanOrEqualTo(models);
            assertThat(session.get("inputBytes").asLong()).isPositive();

            // the text demo has labels but no task of it validated yet (one volunteer, quorum 2): say so
            browser.get("http://localhost:" + port + "/projects/3");
            wait.until(d -> d.findElement(By.id("project-summary")).getText().contains("accuracy once tasks are validated"));
            assertThat(browser.findElement(By.id("project-workload")).getText()).contains("input_ids int64[16]");
        }
        if (backend.equals("js")) {
            // the project page charts the validated items per minute in plain SVG (the page of a demo
            // this run validated tasks of: the demos are shared out, so which one is not fixed)
            Long validated = jdbc.queryForObject("SELECT project_id FROM task WHERE validated_at IS NOT NULL"
                    + " ORDER BY validated_at FETCH FIRST 1 ROWS ONLY", Long.class);
            browser.get("http://localhost:" + port + "/projects/" + validated);
            wait.until(d -> d.findElement(By.id("project-summary")).getText().contains("tasks validated"));
            // read in one script: live updates replace the chart every few seconds
            wait.until(d -> Boolean.TRUE.equals(browser.executeScript("return Array.from(document.querySelectorAll("
                    + "'#progress-chart rect')).some(r => Number(r.getAttribute('height')) > 0);")));
            Chromium.screenshot(browser, "project-detail");
        }

        List<StoredResults.Checked> checked = stored.recomputeAll();
        assertThat(checked).hasSizeGreaterThanOrEqualTo(before + TASKS);
        for (StoredResults.Checked c : checked) {
            assertThat(c.stored()).hasSameSizeAs(c.expected());
            assertThat(c.worstExcess(1e-4, 1e-3)).as("result %d against the JVM engine", c.resultId()).isLessThanOrEqualTo(0);
        }
    }
}
