package io.pocketgrid.portal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.Chromium;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.TempDirs;
import io.pocketgrid.portal.support.WireTap;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Session;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The volunteer worker's life in a real headless Chromium against the real portal: the start-up
 * benchmark's figure goes with every lease request and shows on the page, the model is kept in
 * Cache Storage so a second start downloads nothing (with the HTTP cache cleared, only Cache
 * Storage can spare the download), a lease held when the volunteer presses stop is given back, and
 * a device that cannot reach the server says so and carries on when the server is back.
 */
// a port of its own, not RANDOM_PORT: the offline test stops the web server and starts it again on the same port
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@Import(WorkerLifecycleBrowserIT.Tap.class)
class WorkerLifecycleBrowserIT {

    @Value("${server.port}")
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    WireTap tap;

    @Autowired
    WebServerApplicationContext server;

    private ChromeDriver browser;
    private WebDriverWait wait;

    @TestConfiguration
    static class Tap {
        @Bean
        WireTap wireTap() {
            return new WireTap();
        }

        @Bean
        FilterRegistrationBean<WireTap> wireTapRegistration(WireTap tap) {
            FilterRegistrationBean<WireTap> r = new FilterRegistrationBean<>(tap);
            r.addUrlPatterns("/api/v1/*");
            // ahead of WorkApiFilter, which answers the worker calls and ends the chain
            r.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return r;
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        // one model: the tests count its downloads (the image demo shares this test's model)
        PortalProperties.oneDemoRoundNoLedger(registry, TempDirs.create("pocketgrid-lifecycle-it"));
        try (ServerSocket free = new ServerSocket(0)) {
            int port = free.getLocalPort();
            registry.add("server.port", () -> port);
        }
    }

    @BeforeEach
    void openBrowser() throws IOException {
        postWork();
        tap.modelDelayMillis(0);
        browser = Chromium.start(1280, 900);
        wait = new WebDriverWait(browser, Duration.ofSeconds(90));
    }

    @AfterEach
    void closeBrowser() {
        tap.modelDelayMillis(0);
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void leasesCarryTheBenchmarkAndAReturningVolunteerDownloadsTheModelOnce() {
        int downloadsBefore = tap.modelDownloads();
        int leasesBefore = tap.leaseBodies().size();
        startContributing();
        wait.until(d -> completed() >= 2);

        List<String> bodies = List.copyOf(tap.leaseBodies());
        assertThat(bodies.subList(leasesBefore, bodies.size())).isNotEmpty().allSatisfy(body -> {
            JsonNode json = JsonMapper.builder().build().readTree(body);
            assertThat(json.path("cores").asInt()).as(body).isPositive();
            assertThat(json.path("gflops").asDouble()).as(body).isPositive();
        });
        wait.until(d -> d.findElement(By.id("device-speed")).getText().matches("[0-9]+\\.[0-9] GFLOP/s \\(1 worker\\)"));
        assertThat(tap.modelDownloads() - downloadsBefore).isEqualTo(1);
        String sha = jdbc.queryForObject("SELECT model_sha256 FROM project ORDER BY id LIMIT 1", String.class);
        assertThat(browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "caches.open('pocketgrid-models-v1').then(c => c.match(location.origin + '/api/v1/models/' + arguments[0]))"
                + ".then(r => done(!!r), e => done(String(e)));", sha)).isEqualTo(true);
        Chromium.screenshot(browser, "worker-lifecycle-running");

        browser.findElement(By.id("stop-contributing")).click();
        wait.until(d -> d.findElement(By.id("worker-state")).getText().equals("stopped"));
        browser.executeCdpCommand("Network.clearBrowserCache", Map.of());
        browser.navigate().refresh();
        int before = completedWhenShown();
        wait.until(d -> Chromium.enabled(d.findElement(By.id("start-contributing"))));
        browser.findElement(By.id("start-contributing")).click();
        wait.until(d -> completed() >= before + 2);
        assertThat(tap.modelDownloads() - downloadsBefore).as("model downloads after the second start").isEqualTo(1);
        browser.findElement(By.id("stop-contributing")).click();
    }

    @Test
    void stoppingWhileALeaseIsHeldGivesItBack() {
        tap.modelDelayMillis(5_000); // a slow network: the worker holds its lease while the model arrives
        startContributing();
        wait.until(d -> Long.valueOf(1).equals(browser.executeScript("return window.PocketGrid.leasesHeld()")));
        String volunteer = (String) browser.executeScript(
                "return JSON.parse(localStorage.getItem('pocketgrid.volunteer')).volunteerId");
        assertThat(statusCount(volunteer, "LEASED")).isEqualTo(1);

        browser.findElement(By.id("stop-contributing")).click();
        wait.until(d -> statusCount(volunteer, "GIVEN_BACK") == 1);
        assertThat(statusCount(volunteer, "LEASED")).isZero();
        assertThat(browser.executeScript("return window.PocketGrid.leasesHeld()")).isEqualTo(0L);
    }

    @Test
    void anUnreachableServerShowsOfflineAndTheWorkGoesOnWhenItIsBack() {
        startContributing();
        wait.until(d -> completed() >= 1);
        server.getWebServer().stop(); // the port is closed: connections are refused, as with a server that is down
        try {
            wait.until(d -> d.findElements(By.id("worker-offline")).stream()
                    .anyMatch(e -> e.getText().matches("This device is offline, retrying in [0-9]+ s")));
            // Vaadin noticed too; when the server is back its resynchronization fails ("connection-lost")
            wait.until(d -> List.of("reconnecting", "connection-lost")
                    .contains(browser.executeScript("return window.Vaadin.connectionState.state")));
            Chromium.screenshot(browser, "worker-offline");
        } finally {
            server.getWebServer().start();
        }
        long before = (Long) browser.executeScript("return window.PocketGrid.completedSoFar()");
        // the view shows the work going on again, not just the page script; the view can be left
        // "reconnecting" with the server back (its request from before the outage never returns), and
        // the page must then reload by itself
        new WebDriverWait(browser, Duration.ofSeconds(90)).withMessage(this::pageState)
                .ignoring(StaleElementReferenceException.class) // the reload replaces the view's elements
                .until(d -> completed() > before && d.findElements(By.id("worker-offline")).isEmpty());
        browser.findElement(By.id("stop-contributing")).click();
        wait.until(d -> d.findElement(By.id("worker-state")).getText().equals("stopped"));
    }

    @Test
    void aDeviceSetToComputeOnlyWhileChargingWaitsForThePlugAndStopsWhenUnplugged() {
        // a battery the test controls, in place of the browser's own (the Battery API has no test hook)
        browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                window.testBattery = {charging: false, level: 0.9, listeners: [],
                  addEventListener(type, f) { this.listeners.push(f); },
                  set(charging) { this.charging = charging; this.listeners.forEach((f) => f()); }};
                navigator.getBattery = () => Promise.resolve(window.testBattery);"""));
        browser.get("http://localhost:" + port + "/");
        browser.executeScript("localStorage.setItem('pocketgrid.settings', JSON.stringify({workers: 1, onlyWhileCharging: true}))");
        browser.navigate().refresh();
        wait.until(d -> d.findElement(By.id("consent-accept")).isDisplayed());
        browser.findElement(By.id("consent-accept")).click();
        wait.until(d -> Chromium.enabled(d.findElement(By.id("start-contributing"))));
        assertThat(browser.findElement(By.id("only-while-charging")).getDomAttribute("checked")).isNotNull();
        browser.findElement(By.id("start-contributing")).click();
        wait.until(d -> d.findElement(By.id("worker-state")).getText().equals("paused (not charging)"));
        assertThat(browser.executeScript("return window.PocketGrid.workerCount()")).isEqualTo(0L);

        browser.executeScript("window.testBattery.set(true)");
        int before = completedWhenShown();
        wait.until(d -> completed() > before);

        browser.executeScript("window.testBattery.set(false)");
        wait.until(d -> d.findElement(By.id("worker-state")).getText().equals("paused (not charging)"));
        assertThat(browser.executeScript("return window.PocketGrid.workerCount()")).isEqualTo(0L);
        browser.findElement(By.id("stop-contributing")).click();
    }

    @Test
    void aChargingPhoneCanKeepItsScreenOnWhileItComputes() {
        browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                window.testBattery = {charging: true, level: 0.9, listeners: [],
                  addEventListener(type, f) { this.listeners.push(f); },
                  set(charging) { this.charging = charging; this.listeners.forEach((f) => f()); }};
                navigator.getBattery = () => Promise.resolve(window.testBattery);"""));
        browser.get("http://localhost:" + port + "/");
        browser.executeScript("localStorage.setItem('pocketgrid.settings', JSON.stringify({workers: 1}))");
        browser.navigate().refresh();
        wait.until(d -> d.findElement(By.id("consent-accept")).isDisplayed());
        // offered only with compute-only-while-charging: never to keep a screen on over a battery
        assertThat(browser.findElements(By.id("wake-lock"))).noneMatch(WebElement::isDisplayed);
        browser.findElement(By.id("consent-accept")).click();
        browser.findElement(By.cssSelector("#only-while-charging input")).click();
        wait.until(d -> d.findElements(By.id("wake-lock")).stream().anyMatch(WebElement::isDisplayed));
        assertThat(browser.findElement(By.id("wake-lock")).getText())
                .contains("Keep the screen on while charging", "goes on computing instead of sleeping");
        browser.findElement(By.cssSelector("#wake-lock input")).click();
        wait.until(d -> Boolean.TRUE.equals(browser.executeScript("return window.PocketGrid.settings().wakeLockWhileCharging")));
        browser.findElement(By.id("start-contributing")).click();
        wait.until(d -> Boolean.TRUE.equals(browser.executeScript("return window.PocketGrid.wakeLockHeld()")));
        browser.executeScript("window.testBattery.set(false)"); // unplugged: the screen may sleep again
        wait.until(d -> Boolean.FALSE.equals(browser.executeScript("return window.PocketGrid.wakeLockHeld()")));
        wait.until(d -> d.findElement(By.id("worker-state")).getText().equals("paused (not charging)"));
        browser.findElement(By.id("stop-contributing")).click();
    }

    @Test
    void aPageWhoseSessionTheServerLostGoesOnContributingAndAStoppedOneStaysStopped() throws InterruptedException {
        startContributing();
        wait.until(d -> completed() >= 1);
        browser.executeScript("window.beforeTheRestart = true");
        // as after a server restart: Vaadin finds the page's session gone and reloads the page
        expireAllSessions();
        wait.until(d -> browser.executeScript("return window.beforeTheRestart") == null);
        int before = completedWhenShown();
        wait.until(d -> completed() >= before + 1);
        assertThat(Chromium.enabled(browser.findElement(By.id("start-contributing")))).isFalse();
        assertThat(Chromium.enabled(browser.findElement(By.id("stop-contributing")))).isTrue();

        // to another view and back, without a reload: the new home view shows the work going on
        browser.findElement(By.cssSelector("vaadin-side-nav-item[path='leaderboard']")).click();
        wait.until(d -> d.findElements(By.id("tasks-completed")).isEmpty());
        browser.findElement(By.cssSelector("vaadin-side-nav-item[path='']")).click();
        int back = completedWhenShown();
        wait.until(d -> completed() > back);
        assertThat(Chromium.enabled(browser.findElement(By.id("stop-contributing")))).isTrue();

        browser.findElement(By.id("stop-contributing")).click();
        wait.until(d -> d.findElement(By.id("worker-state")).getText().equals("stopped"));
        browser.navigate().refresh();
        wait.until(d -> Chromium.enabled(d.findElement(By.id("start-contributing"))));
        Thread.sleep(1500); // time enough for a resume that should not happen
        assertThat(browser.executeScript("return window.PocketGrid.workerCount()")).isEqualTo(0L);
        assertThat(Chromium.enabled(browser.findElement(By.id("start-contributing")))).isTrue();
    }

    private void expireAllSessions() {
        Tomcat tomcat = ((TomcatWebServer) server.getWebServer()).getTomcat();
        for (Container host : tomcat.getEngine().findChildren()) {
            for (Container context : host.findChildren()) {
                for (Session session : ((Context) context).getManager().findSessions()) {
                    session.expire();
                }
            }
        }
    }

    /**
     * A project of 1,000 small tasks with the demo's model and images: a worker does ~20 demo tasks
     * a second, and the demo's 63 would run out over this class's tests (each a new volunteer).
     */
    private void postWork() throws IOException {
        ApiClient api = new ApiClient(port);
        String owner = api.ownerToken("lifecycle" + System.nanoTime() % 1_000_000);
        ApiClient.Response created = api.multipart("/api/v1/projects", owner, List.of(
                new ApiClient.Part("model", "model.onnx", null, demo("cnn.onnx")),
                new ApiClient.Part("inputs", "inputs.npy", null, demo("inputs.npy")),
                new ApiClient.Part("settings", null, "application/json", "{\"inputsPerTask\":2}".getBytes())));
        assertThat(created.status()).as("posting work").isEqualTo(201);
    }

    private static byte[] demo(String name) throws IOException {
        try (InputStream in = WorkerLifecycleBrowserIT.class.getResourceAsStream("/demo/" + name)) {
            return in.readAllBytes();
        }
    }

    /** Opens the home page in this test's browser with one worker, agrees, and presses start. */
    private void startContributing() {
        browser.get("http://localhost:" + port + "/");
        browser.executeScript("localStorage.setItem('pocketgrid.settings', JSON.stringify({workers: 1}))");
        wait.until(d -> d.findElement(By.id("consent-accept")).isDisplayed());
        browser.findElement(By.id("consent-accept")).click();
        wait.until(d -> Chromium.enabled(d.findElement(By.id("start-contributing"))));
        browser.findElement(By.id("start-contributing")).click();
    }

    /** What the page shows and knows, for a failure message: Vaadin's state, the banner, the counts. */
    private String pageState() {
        return String.valueOf(browser.executeScript("const b = document.getElementById('worker-offline');"
                + "const s = document.getElementById('worker-state'); const c = document.getElementById('tasks-completed');"
                + "return 'vaadin=' + (window.Vaadin && window.Vaadin.connectionState && window.Vaadin.connectionState.state)"
                + " + ' banner=' + (b && b.textContent) + ' state=' + (s && s.textContent) + ' shown=' + (c && c.textContent)"
                + " + ' counted=' + (window.PocketGrid && window.PocketGrid.completedSoFar())"
                + " + ' workers=' + (window.PocketGrid && window.PocketGrid.workerCount())"
                + " + ' reloads=' + sessionStorage.getItem('pocketgrid.reloads');"));
    }

    private int completed() {
        return Integer.parseInt(browser.findElement(By.id("tasks-completed")).getText().trim());
    }

    private int completedWhenShown() {
        wait.until(d -> d.findElement(By.id("tasks-completed")).isDisplayed());
        wait.until(d -> completed() > 0);
        return completed();
    }

    private int statusCount(String volunteerPublicId, String status) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM assignment a JOIN volunteer v ON v.id = a.volunteer_id"
                + " WHERE v.public_id = ? AND a.status = ?", Integer.class, volunteerPublicId, status);
    }
}
