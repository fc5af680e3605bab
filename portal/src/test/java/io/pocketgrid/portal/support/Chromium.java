package io.pocketgrid.portal.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by Selenium, with the driver path set explicitly (nothing is
 * downloaded) and a fresh profile, so each browser is a new anonymous volunteer.
 */
public final class Chromium {

    private Chromium() {
    }

    public static ChromeDriver start(int width, int height) {
        return start(width, height, null);
    }

    /** As {@link #start(int, int)}, saving downloads into {@code downloads} when it is not null. */
    public static ChromeDriver start(int width, int height, Path downloads) {
        Path profile;
        try {
            profile = Files.createTempDirectory("pocketgrid-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("pocketgrid.chromium", "/usr/bin/chromium"));
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=" + width + "," + height, "--user-data-dir=" + profile);
        if (downloads != null) {
            options.setExperimentalOption("prefs", java.util.Map.of("download.default_directory", downloads.toString(),
                    "download.prompt_for_download", false));
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getProperty("pocketgrid.chromedriver", "/usr/bin/chromedriver")).toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Vaadin buttons are custom elements: disabled shows as an attribute, not as the DOM property. */
    public static boolean enabled(WebElement button) {
        return button.getDomAttribute("disabled") == null;
    }

    /** Saves a screenshot under {@code target/screenshots/}. */
    public static void screenshot(ChromeDriver browser, String name) {
        try {
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), dir.resolve(name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
