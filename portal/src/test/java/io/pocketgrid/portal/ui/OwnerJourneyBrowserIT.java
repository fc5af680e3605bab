package io.pocketgrid.portal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.Chromium;
import io.pocketgrid.portal.support.DemoMlp;
import io.pocketgrid.portal.support.JvmVolunteer;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.TempDirs;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Npy;
import io.pocketgrid.worker.engine.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An owner's journey in a real Chromium: sign in, create a project through the wizard with the
 * demo MLP (the check report shows its FLOPs), watch it complete while the same browser
 * volunteers, and download results that equal the JVM engine's outputs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OwnerJourneyBrowserIT {

    private static final int ITEMS = 64;
    private static final Path DATA_DIR = TempDirs.create("pocketgrid-owner-journey");

    @Value("${local.server.port}")
    int port;

    private ChromeDriver browser;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PortalProperties.noDemoNoLedger(registry, DATA_DIR);
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void ownerCreatesAProjectInTheWizardWatchesItCompleteAndDownloadsResults() throws Exception {
        Path work = TempDirs.create("pocketgrid-owner-files");
        Path downloads = Files.createDirectories(work.resolve("downloads"));
        byte[] modelBytes = DemoMlp.model();
        Path model = Files.write(work.resolve("mlp.onnx"), modelBytes);
        Tensor inputs = DemoMlp.images(ITEMS);
        Path inputsFile = Files.write(work.resolve("inputs.npy"), Npy.write(inputs));

        ApiClient api = new ApiClient(port);
        api.ownerToken("hamilton");
        browser = Chromium.start(1280, 1000, downloads);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
        String base = "http://localhost:" + port;
        browser.get(base + "/login");
        wait.until(d -> d.findElement(By.cssSelector("input[name='username']"))).sendKeys("hamilton");
        browser.findElement(By.cssSelector("input[name='password']")).sendKeys("correct horse battery" + Keys.ENTER);
        wait.until(d -> !d.getCurrentUrl().contains("/login"));

        browser.get(base + "/my/projects");
        fileInput(wait, "model-upload").sendKeys(model.toString());
        wait.until(d -> d.findElement(By.id("model-report")).getText().contains("FLOPs per item"));
        assertThat(browser.findElement(By.id("model-report")).getText()).contains("Gemm");
        fileInput(wait, "inputs-upload").sendKeys(inputsFile.toString());
        wait.until(d -> Chromium.enabled(d.findElement(By.id("launch-project"))));
        browser.findElement(By.cssSelector("#project-name input")).sendKeys("Wizard project" + Keys.TAB);
        Chromium.screenshot(browser, "owner-wizard");
        click(browser.findElement(By.id("launch-project")));
        wait.until(d -> d.getPageSource().contains("Wizard project"));
        // the wizard links to the project it launched
        wait.until(d -> d.findElement(By.cssSelector("#project-launched a")).getText().equals("Wizard project"));
        assertThat(browser.findElement(By.cssSelector("#project-launched a")).getDomAttribute("href")).isEqualTo("projects/1");

        // the same browser volunteers; demo project is off, so all its work is the new project
        browser.get(base + "/");
        wait.until(d -> d.findElement(By.id("consent-accept")).isDisplayed());
        browser.findElement(By.id("consent-accept")).click();
        wait.until(d -> Chromium.enabled(d.findElement(By.id("start-contributing"))));
        browser.findElement(By.id("start-contributing")).click();
        // replication 2 by default: a second volunteer (JVM) completes the quorum
        wait.until(d -> Integer.parseInt(d.findElement(By.id("tasks-completed")).getText().trim()) >= 2);
        browser.findElement(By.id("stop-contributing")).click();
        completeWithJvmVolunteer(api);
        wait.until(d -> api.get("/api/v1/projects/1", null).json().get("status").asString().equals("COMPLETED"));

        browser.get(base + "/my/projects");
        wait.until(d -> d.getPageSource().contains("COMPLETED"));
        Chromium.screenshot(browser, "owner-completed");
        click(browser.findElement(By.linkText("Results .npy")));
        Path file = wait.until(d -> downloaded(downloads).orElse(null));
        float[] expected = Model.load(modelBytes).run(Map.of("input", inputs)).get("logits").floats();
        Tensor results = Npy.read(Files.readAllBytes(file));
        assertThat(results.dims()).containsExactly(ITEMS, 10);
        for (int i = 0; i < expected.length; i++) {
            assertThat(results.floats()[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f + 1e-3f
                    * Math.abs(expected[i])));
        }
    }

    private void click(WebElement element) {
        browser.executeScript("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element);
    }

    private static WebElement fileInput(WebDriverWait wait, String uploadId) {
        return wait.until(d -> {
            WebElement upload = d.findElement(By.id(uploadId));
            SearchContext shadow = upload.getShadowRoot();
            var inShadow = shadow.findElements(By.cssSelector("input[type=file]"));
            if (!inShadow.isEmpty()) {
                return inShadow.get(0);
            }
            var inLight = upload.findElements(By.cssSelector("input[type=file]"));
            return inLight.isEmpty() ? null : inLight.get(0);
        });
    }

    private static Optional<Path> downloaded(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".npy")).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void completeWithJvmVolunteer(ApiClient api) {
        JvmVolunteer jvm = new JvmVolunteer(api);
        for (int i = 0; i < 20 && jvm.computeOne() != null; i++) {
            // one task per turn until the project has no work left
        }
    }
}
