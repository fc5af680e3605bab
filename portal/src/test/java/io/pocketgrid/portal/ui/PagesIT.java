package io.pocketgrid.portal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.Chromium;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Pages as a visitor meets them, in a real Chromium: an address that is no page shows a not-found
 * page (it used to send everyone to the sign-in page), a page that needs an account still sends an
 * anonymous visitor to sign in, and the tab icon is there.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PagesIT {

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        String dataDir = Files.createTempDirectory("pocketgrid-pages-it").toString();
        registry.add("pocketgrid.data-dir", () -> dataDir);
        registry.add("pocketgrid.ledger.enabled", () -> "false");
        registry.add("pocketgrid.demo-project", () -> "false");
    }

    @Test
    void anUnknownAddressShowsANotFoundPageAndProtectedPagesStillAskToSignIn() {
        ChromeDriver browser = Chromium.start(1024, 768);
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            browser.get("http://localhost:" + port + "/no-such-page");
            wait.until(d -> !d.findElements(By.id("not-found")).isEmpty());
            assertThat(browser.findElement(By.id("not-found")).getText()).contains("Page not found", "/no-such-page");
            assertThat(browser.getCurrentUrl()).as("not sent to sign in").endsWith("/no-such-page");

            browser.get("http://localhost:" + port + "/my/projects");
            wait.until(d -> d.getCurrentUrl().endsWith("/login"));
            assertThat(browser.findElements(By.id("not-found"))).isEmpty();
        } finally {
            browser.quit();
        }
    }

    @Test
    void theTabIconIsServed() {
        ApiClient http = new ApiClient(port);
        ApiClient.Response ico = http.get("/favicon.ico", null);
        assertThat(ico.status()).isEqualTo(200);
        assertThat(ico.body()).startsWith(0, 0, 1, 0); // an ICO header: reserved 0, type 1 (icon)
        ApiClient.Response png = http.get("/icons/icon-32.png", null);
        assertThat(png.status()).isEqualTo(200);
        assertThat(new String(png.body(), 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        String home = new String(http.get("/", null).body(), StandardCharsets.UTF_8);
        assertThat(home).contains("/icons/icon-32.png", "rel=\"manifest\"", "/manifest.webmanifest");
    }

    @Test
    void aPhoneCanAddThePortalToItsHomeScreen() {
        ApiClient http = new ApiClient(port);
        ApiClient.Response manifest = http.get("/manifest.webmanifest", null);
        assertThat(manifest.status()).isEqualTo(200);
        var json = manifest.json();
        assertThat(json.get("start_url").asString()).isEqualTo("/");
        assertThat(json.get("display").asString()).isEqualTo("standalone");
        for (var icon : json.get("icons")) {
            ApiClient.Response png = http.get(icon.get("src").asString(), null);
            assertThat(png.status()).as(icon.toString()).isEqualTo(200);
            int side = Integer.parseInt(icon.get("sizes").asString().split("x")[0]);
            // the PNG's own width (IHDR, bytes 16–19) is the size the manifest promises
            assertThat(java.nio.ByteBuffer.wrap(png.body(), 16, 4).getInt()).as(icon.toString()).isEqualTo(side);
        }
    }
}
