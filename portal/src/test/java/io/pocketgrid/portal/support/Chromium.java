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
        return start(width, height, downloads, "en-US");
    }

    /**
     * As {@link #start(int, int, Path)}, with the browser asking for {@code language} (its UI language
     * and the Accept-Language header): the tests that read English text say so, whatever the machine's locale.
     */
    public static ChromeDriver start(int width, int height, Path downloads, String language) {
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
                "--disable-dev-shm-usage", "--window-size=" + width + "," + height, "--user-data-dir=" + profile,
                "--lang=" + language);
        java.util.Map<String, Object> prefs = new java.util.HashMap<>();
        prefs.put("intl.accept_languages", language);
        if (downloads != null) {
            prefs.put("download.default_directory", downloads.toString());
            prefs.put("download.prompt_for_download", false);
        }
        options.setExperimentalOption("prefs", prefs);
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
