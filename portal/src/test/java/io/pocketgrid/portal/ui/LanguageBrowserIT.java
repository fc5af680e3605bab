package io.pocketgrid.portal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.support.Chromium;
import io.pocketgrid.portal.support.PortalProperties;
import io.pocketgrid.portal.support.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The portal in a German Chromium (Accept-Language de-DE): the pages speak German with no English
 * left in their headings and buttons; the navbar's switch turns them English, which sticks across a
 * reload (a cookie) and, for an account, across signing out and in again with the cookie gone
 * (account.locale). Screenshots of every page in both languages go to target/screenshots/.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LanguageBrowserIT {

    private static final Path DATA_DIR = TempDirs.create("pocketgrid-language-it");

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private ChromeDriver browser;
    private WebDriverWait wait;
    private String base;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PortalProperties.dataDir(registry, DATA_DIR);
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aGermanBrowserGetsGermanPagesAndTheSwitchToEnglishSticks() {
        browser = Chromium.start(1280, 900, null, "de-DE");
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        base = "http://localhost:" + port;

        // German by the browser's language alone
        open("/", "home-de", "Leihen Sie Ihren Browser der Wissenschaft");
        assertThat(browser.getTitle()).isEqualTo("PocketGrid – Ihr Browser rechnet für die Wissenschaft");
        assertThat(browser.findElement(By.id("start-contributing")).getText()).isEqualTo("Mitrechnen starten");
        assertThat(browser.findElement(By.id("worker-state")).getText()).isEqualTo("angehalten");
        assertThat(text()).contains("Freiwillige online", "Dieses Gerät", "Nur beim Laden rechnen")
                .doesNotContain("Start contributing", "Volunteers online", "This device", "Withdraw consent");
        assertThat(browser.findElement(By.id("language-switch")).getText()).isEqualTo("English");
        // contributing: the page script's states, the project, the downloads, all in German
        browser.executeScript("localStorage.setItem('pocketgrid.settings', JSON.stringify({workers: 1}))");
        browser.findElement(By.id("consent-accept")).click();
        wait.until(d -> Chromium.enabled(d.findElement(By.id("start-contributing"))));
        browser.findElement(By.id("start-contributing")).click();
        wait.until(d -> d.findElement(By.id("worker-state")).getText().matches("rechnet \\((WebAssembly|JavaScript)\\)"));
        wait.until(d -> d.findElement(By.id("current-project")).getText().startsWith("Arbeitet an: "));
        wait.until(d -> d.findElement(By.id("downloaded")).getText()
                .matches("[0-9]+,[0-9]{2} MB \\(Modelle [0-9]+,[0-9]{2} MB, Aufgabendaten [0-9]+,[0-9]{2} MB\\)")
                && !d.findElement(By.id("downloaded")).getText().startsWith("0,00 MB"));
        wait.until(d -> Integer.parseInt(d.findElement(By.id("tasks-completed")).getText().trim()) >= 2);
        browser.executeScript("document.getElementById('current-project').scrollIntoView({block: 'center'})");
        Chromium.screenshot(browser, "contribute-de");
        browser.findElement(By.id("stop-contributing")).click();
        wait.until(d -> d.findElement(By.id("worker-state")).getText().equals("angehalten"));

        open("/projects", "projects-de", "Fashion-MNIST demo");
        assertThat(browser.getTitle()).isEqualTo("Projekte – PocketGrid");
        assertThat(text()).contains("Fortschritt", "Genauigkeit", "läuft").doesNotContain("Progress", "Accuracy", "RUNNING");

        open("/ledger", "ledger-de", "Epochen");
        // this browser contributed above, but no epoch is committed yet: said in German, not in the API's English
        wait.until(d -> text().contains("Noch ist keine Epoche festgeschrieben"));
        assertThat(text()).contains("eine neue Epoche alle 10 Minuten", "Noch keine Epoche: Das Portal schreibt")
                .doesNotContain("Epochs", "every 10 minutes", "no epoch is committed yet");

        open("/about", "about-de", "Was in der Blockchain steht");
        assertThat(text()).contains("Keccak-256-Hash", "Der Token verspricht kein Geld").doesNotContain("What runs");

        open("/signup", "signup-de", "Konto anlegen");
        assertThat(text()).contains("Benutzername", "E-Mail (optional)").doesNotContain("Create account", "Username");

        // the switch: English at once (the page reloads), and after a reload too (the cookie)
        browser.findElement(By.id("language-switch")).click();
        wait.until(d -> text().contains("Create account"));
        assertThat(browser.findElement(By.id("language-switch")).getText()).isEqualTo("Deutsch");
        browser.navigate().refresh();
        wait.until(d -> text().contains("Create account"));
        assertThat(browser.manage().getCookieNamed("pocketgrid.lang").getValue()).isEqualTo("en");
        Chromium.screenshot(browser, "signup-en");
        open("/", "home-en", "Lend your browser to science");
        assertThat(browser.findElement(By.id("worker-state")).getText()).isEqualTo("stopped");
        open("/projects", "projects-en", "Progress");
        open("/ledger", "ledger-en", "a new epoch every 10 minutes");
        open("/about", "about-en", "What is on the chain");

        // an account: signed up in German, switched to English; the choice is the account's
        browser.manage().deleteCookieNamed("pocketgrid.lang");
        open("/signup", "signup-de-again", "Konto anlegen");
        browser.findElement(By.cssSelector("#signup-username input")).sendKeys("goethe");
        // a refusal in the page's language (the API would say it in English)
        browser.findElement(By.cssSelector("#signup-password input")).sendKeys("12345678");
        browser.findElement(By.id("signup-create")).click();
        wait.until(d -> d.getPageSource().contains("Ein Passwort hat 8–200 Zeichen"));
        browser.findElement(By.cssSelector("#signup-password input")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        browser.findElement(By.cssSelector("#signup-password input")).sendKeys("mehr licht bitte");
        browser.findElement(By.id("signup-create")).click();
        wait.until(d -> d.getCurrentUrl().endsWith("/account") && text().contains("Konto: goethe"));
        assertThat(text()).contains("Speichern", "API-Token für Skripte", "Abmelden").doesNotContain("Save", "Sign out");
        Chromium.screenshot(browser, "account-de");
        browser.findElement(By.id("language-switch")).click();
        wait.until(d -> text().contains("Account: goethe"));
        Chromium.screenshot(browser, "account-en");
        assertThat(jdbc.queryForObject("SELECT locale FROM account WHERE username = 'goethe'", String.class)).isEqualTo("en");

        browser.executeScript("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();",
                browser.findElement(By.id("account-sign-out")));
        wait.until(d -> !d.getCurrentUrl().endsWith("/account"));
        browser.manage().deleteCookieNamed("pocketgrid.lang");
        // signed out and without the cookie the browser's German is back; signing in brings the account's English
        open("/login", "login-de", "Noch kein Konto? Registrieren");
        browser.findElement(By.cssSelector("input[name='username']")).sendKeys("goethe");
        browser.findElement(By.cssSelector("input[name='password']")).sendKeys("mehr licht bitte" + Keys.ENTER);
        wait.until(d -> !d.getCurrentUrl().contains("/login"));
        open("/account", "account-en-after-sign-in", "Account: goethe");
        assertThat(text()).contains("Save", "Sign out").doesNotContain("Speichern");
    }

    /** Opens a page, waits for {@code expected} among its words, and saves a screenshot. */
    private void open(String path, String screenshot, String expected) {
        browser.get(base + path);
        wait.until(d -> text().contains(expected));
        Chromium.screenshot(browser, screenshot);
    }

    /** The words the page shows (light DOM: Vaadin puts labels, headers and button texts there). */
    private String text() {
        // read in one script: a reload in between would leave a found element stale
        return String.valueOf(browser.executeScript("return document.body.innerText"));
    }
}
