package io.pocketgrid.portal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.ledger.EpochJob;
import io.pocketgrid.portal.support.ApiClient;
import io.pocketgrid.portal.support.Chromium;
import io.pocketgrid.portal.support.JvmVolunteer;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A volunteer's journey in a real Chromium: contribute anonymously on a phone-sized screen (no
 * horizontal scrolling), sign up, sign in, name the account and join a team, claim this browser's
 * credit, and find that name on the leaderboard once a second volunteer's results validated the
 * browser's tasks; then commit an epoch to the local chain and verify the browser's leaf against
 * the contract from the ledger view.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AccountJourneyBrowserIT {

    private static final Path DATA_DIR = TempDirs.create("pocketgrid-account-it");

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    EpochJob epochs;

    private ChromeDriver browser;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PortalProperties.dataDir(registry, DATA_DIR);
        PortalProperties.noDemoRounds(registry);
        // one demo project: a second volunteer validates the browser's tasks of it
        PortalProperties.noDemoWorkloads(registry);
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void volunteerContributesOnAPhoneSignsUpClaimsCreditAndAppearsOnTheLeaderboard() {
        browser = Chromium.start(390, 844);
        browser.manage().window().setSize(new Dimension(390, 844));
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
        String base = "http://localhost:" + port;

        browser.get(base + "/");
        wait.until(d -> d.findElement(By.id("consent-accept")).isDisplayed());
        browser.findElement(By.id("consent-accept")).click();
        wait.until(d -> Chromium.enabled(d.findElement(By.id("start-contributing"))));
        browser.findElement(By.id("start-contributing")).click();
        wait.until(d -> Integer.parseInt(d.findElement(By.id("tasks-completed")).getText().trim()) >= 2);
        Chromium.screenshot(browser, "contribute-phone");
        assertThat(noHorizontalScroll(browser)).as("the contribute panel fits 390 px").isTrue();
        browser.findElement(By.id("stop-contributing")).click();
        wait.until(d -> d.findElement(By.id("worker-state")).getText().equals("stopped"));

        // a second volunteer recomputes the same tasks: the quorum validates the browser's results
        validateWithSecondVolunteer();

        browser.get(base + "/signup");
        wait.until(d -> d.findElement(By.cssSelector("#signup-username input"))).sendKeys("lovelace");
        browser.findElement(By.cssSelector("#signup-password input")).sendKeys("analytical engine");
        browser.findElement(By.id("signup-create")).click();
        // signed in at once: straight to the account page, no sign-in form to fill again
        wait.until(d -> d.getCurrentUrl().endsWith("/account"));
        wait.until(d -> d.findElement(By.cssSelector("#account-display-name input")));
        setField("#account-display-name input", "Ada Lovelace");
        setField("#account-team input", "Difference Engineers");
        browser.findElement(By.id("account-save")).click();
        browser.findElement(By.id("account-claim-browser")).click();
        // a new API token wraps on a phone and has a copy button
        setField("#account-token-name input", "phone script");
        click(browser.findElement(By.id("account-create-token")));
        wait.until(d -> d.findElement(By.id("account-new-token-value")).getText().startsWith("pgo_"));
        assertThat(browser.findElements(By.id("account-copy-token"))).hasSize(1);
        assertThat(noHorizontalScroll(browser)).as("the account page with a new token fits 390 px").isTrue();
        wait.until(d -> jdbc.queryForObject("SELECT COUNT(*) FROM volunteer v JOIN account a ON a.id = v.account_id"
                + " WHERE a.username = 'lovelace' AND a.display_name = 'Ada Lovelace'", Integer.class) == 1);

        browser.get(base + "/projects");
        wait.until(d -> d.getPageSource().contains("Fashion-MNIST demo"));
        assertThat(noHorizontalScroll(browser)).as("the projects list fits 390 px").isTrue();
        // the accuracy column is on screen, not scrolled off to the right of the grid
        wait.until(d -> Boolean.TRUE.equals(browser.executeScript("const c = Array.from(document.querySelectorAll("
                + "'vaadin-grid-cell-content')).find(e => e.textContent.trim() === 'Accuracy');"
                + " return !!c && c.getBoundingClientRect().width > 0"
                + " && c.getBoundingClientRect().right <= window.innerWidth + 1;")));

        browser.get(base + "/leaderboard");
        wait.until(d -> d.getPageSource().contains("Ada Lovelace"));
        Chromium.screenshot(browser, "leaderboard");
        assertThat(noHorizontalScroll(browser)).as("the leaderboard fits 390 px").isTrue();
        JsonNode teams = new ApiClient(port).get("/api/v1/leaderboard?by=team", null).json();
        assertThat(teams.get(0).get("name").asString()).isEqualTo("Difference Engineers");
        assertThat(teams.get(0).get("microCredits").asLong()).isPositive();
        String csv = new String(new ApiClient(port).get("/api/v1/stats/volunteers?format=csv", null).body());
        assertThat(csv).startsWith("id,name,team,microCredits,validResults\n").contains(",Ada Lovelace,Difference Engineers,");

        // the credit goes on chain (local anvil); the ledger view asks the contract about this browser's leaf
        assertThat(epochs.runOnce().committed()).isNotEmpty();
        browser.get(base + "/ledger");
        wait.until(d -> d.findElement(By.id("verify-on-chain")));
        assertThat(browser.getPageSource()).contains("0x").contains("claim");
        click(browser.findElement(By.id("verify-on-chain")));
        wait.until(d -> d.findElement(By.id("verify-result")).getText().startsWith("✓"));
        // beside the hex, the epoch in words
        assertThat((String) browser.executeScript("return document.getElementById('ledger-in-words').textContent")).matches("Epoch 1 was committed on .* UTC in"
                + " transaction 0x[0-9a-f]{4}…[0-9a-f]{4} \\(block [0-9]+\\); it credits [0-9]+ accounts? with [0-9.]+ credit in all.*");
        Chromium.screenshot(browser, "ledger-verified");
    }

    private void click(org.openqa.selenium.WebElement element) {
        browser.executeScript("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element);
    }

    private void setField(String css, String value) {
        var field = browser.findElement(By.cssSelector(css));
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        field.sendKeys(value + Keys.TAB);
    }

    private static boolean noHorizontalScroll(ChromeDriver browser) {
        Object fits = browser.executeScript(
                "return document.documentElement.scrollWidth <= document.documentElement.clientWidth;");
        return Boolean.TRUE.equals(fits);
    }

    /** Leases and computes (JVM engine) until it has done every task the browser did. */
    private void validateWithSecondVolunteer() {
        JvmVolunteer jvm = new JvmVolunteer(new ApiClient(port));
        for (int i = 0; i < 20 && jvm.computeOne() != null; i++) {
            Integer pending = jdbc.queryForObject("SELECT COUNT(*) FROM result WHERE status = 'PENDING'", Integer.class);
            if (pending != null && pending == 0) {
                break;
            }
        }
    }
}
