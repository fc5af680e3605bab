package io.pocketgrid.portal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.account.Role;
import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.Chromium;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.TempDirs;
import java.nio.charset.StandardCharsets;
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

    @org.springframework.beans.factory.annotation.Autowired
    io.pocketgrid.portal.account.AccountService accounts;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PortalProperties.noDemoNoLedger(registry, TempDirs.create("pocketgrid-pages-it"));
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
    void aBrowserWithNothingToComputeSaysSoAndKeepsAsking() {
        ChromeDriver browser = Chromium.start(1024, 768);
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            browser.get("http://localhost:" + port + "/");
            browser.executeScript("localStorage.setItem('pocketgrid.settings', JSON.stringify({workers: 1}))");
            wait.until(d -> d.findElement(By.id("consent-accept")).isDisplayed());
            assertThat(browser.findElements(By.id("no-work"))).as("not before it asked").noneMatch(e -> e.isDisplayed());
            browser.findElement(By.id("consent-accept")).click();
            wait.until(d -> Chromium.enabled(d.findElement(By.id("start-contributing"))));
            browser.findElement(By.id("start-contributing")).click();
            // no project at all: the server answers 204 and the panel says what that means
            wait.until(d -> d.findElements(By.id("no-work")).stream().anyMatch(e -> e.isDisplayed()));
            assertThat(browser.findElement(By.id("no-work")).getText())
                    .startsWith("No work right now").contains("within 10 minutes", "keeps asking");
            assertThat(browser.findElement(By.id("worker-state")).getText()).isEqualTo("waiting for work");
            assertThat(browser.findElement(By.id("current-project")).getText()).isEqualTo("Not working on a project yet.");
            Chromium.screenshot(browser, "no-work");
            browser.findElement(By.id("stop-contributing")).click();
            wait.until(d -> d.findElements(By.id("no-work")).stream().noneMatch(e -> e.isDisplayed()));
        } finally {
            browser.quit();
        }
    }

    @Test
    void theAboutPageAndTheAdminPageFitAPhone() {
        new ApiClient(port).ownerToken("root");
        accounts.grantRole("root", Role.ADMIN, null); // as pocketgrid.admin-usernames does at start-up
        ChromeDriver browser = Chromium.start(390, 844);
        try {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            browser.get("http://localhost:" + port + "/about");
            wait.until(d -> !d.findElements(By.id("about")).isEmpty());
            assertThat(browser.getTitle()).isEqualTo("About, FAQ and privacy — PocketGrid");
            assertThat(browser.findElement(By.id("about")).getText()).contains("What runs on your device",
                    "What is stored, and where", "What is on the chain", "Keccak-256 hash", "no promise of money");
            assertThat(noHorizontalScroll(browser)).as("/about fits 390 px").isTrue();
            Chromium.screenshot(browser, "about-phone");

            // no project and no credit here: the lists say why they are empty and what to do
            browser.get("http://localhost:" + port + "/projects");
            wait.until(d -> String.valueOf(browser.executeScript("return document.body.innerText"))
                    .contains("No projects yet: when an owner launches one it appears here"));
            browser.get("http://localhost:" + port + "/leaderboard");
            wait.until(d -> String.valueOf(browser.executeScript("return document.body.innerText"))
                    .contains("Nobody has validated credit yet"));
            Chromium.screenshot(browser, "leaderboard-empty-phone");

            browser.get("http://localhost:" + port + "/login");
            wait.until(d -> d.findElement(By.cssSelector("input[name='username']"))).sendKeys("root");
            browser.findElement(By.cssSelector("input[name='password']")).sendKeys("correct horse battery"
                    + org.openqa.selenium.Keys.ENTER);
            wait.until(d -> !d.getCurrentUrl().contains("/login"));
            browser.get("http://localhost:" + port + "/admin");
            wait.until(d -> !d.findElements(By.id("ban-volunteer")).isEmpty());
            assertThat(browser.getTitle()).isEqualTo("Admin — PocketGrid");
            assertThat(noHorizontalScroll(browser)).as("/admin fits 390 px").isTrue();
            // the volunteer id field is inside the screen, not cut at its right edge
            assertThat((Boolean) browser.executeScript("return document.getElementById('ban-volunteer-id')"
                    + ".getBoundingClientRect().right <= window.innerWidth")).isTrue();
            Chromium.screenshot(browser, "admin-phone");
        } finally {
            browser.quit();
        }
    }

    private static boolean noHorizontalScroll(ChromeDriver browser) {
        return Boolean.TRUE.equals(browser.executeScript(
                "return document.documentElement.scrollWidth <= document.documentElement.clientWidth;"));
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
