package io.pocketgrid.portal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.project.ProjectStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The two bundles say the same things, every key the views ask for exists, and German reads as UTF-8. */
class TranslationsTest {

    private final Translations translations = new Translations();

    @Test
    void bothLanguagesHaveTheSameKeys() throws IOException {
        assertThat(bundle("").stringPropertyNames()).isNotEmpty().isEqualTo(bundle("_de").stringPropertyNames());
    }

    @Test
    void everyKeyTheUiSourcesAskForExists() throws IOException {
        Set<String> keys = bundle("").stringPropertyNames();
        Set<String> asked = new TreeSet<>();
        Pattern call = Pattern.compile("getTranslation\\(\\s*\"([^\"]+)\"");
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/pocketgrid/portal/ui"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = call.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).endsWith(".")) { // a prefix the view completes: checked below
                        asked.add(m.group(1));
                    }
                }
            }
        }
        // keys the views build: one per project status, and the page script's words
        for (ProjectStatus s : ProjectStatus.values()) {
            asked.add("status." + s.name());
        }
        for (String key : HomeView.WORKER_MESSAGES) {
            asked.add("worker." + key);
        }
        for (String unit : new String[] {"day", "hour", "minute", "second"}) {
            asked.add("duration." + unit);
            asked.add("every." + unit);
        }
        assertThat(asked).hasSizeGreaterThan(100);
        assertThat(keys).containsAll(asked);
    }

    @Test
    void everyMessageIsAValidPatternWithNoLoneApostrophe() throws IOException {
        for (String suffix : new String[] {"", "_de"}) {
            Properties p = bundle(suffix);
            for (String key : p.stringPropertyNames()) {
                String value = p.getProperty(key);
                // MessageFormat drops a single ' and quotes what follows: "browser's" would lose text
                assertThat(value.replace("''", "")).as(suffix + " " + key).doesNotContain("'");
                assertThat(new MessageFormat(value).format(new Object[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}))
                        .as(suffix + " " + key).isNotBlank();
            }
        }
    }

    @Test
    void germanIsReadAsUtf8AndOtherLanguagesGetEnglish() {
        assertThat(translations.getTranslation("status.RUNNING", Locale.GERMANY)).isEqualTo("läuft");
        assertThat(translations.getTranslation("home.start", Locale.forLanguageTag("de-AT"))).isEqualTo("Mitrechnen starten");
        assertThat(translations.getTranslation("home.start", Locale.FRENCH)).isEqualTo("Start contributing");
        assertThat(translations.getTranslation("home.consent.text", Locale.ENGLISH)).contains("this device's processor");
        assertThat(translations.getTranslation("home.credit.pending", Locale.ENGLISH, 1))
                .isEqualTo("(+ 1 result waiting for another volunteer to confirm)");
        assertThat(translations.getTranslation("home.credit.pending", Locale.GERMAN, 3))
                .isEqualTo("(+ 3 Ergebnisse warten auf die Bestätigung durch einen weiteren Freiwilligen)");
        assertThat(translations.getTranslation("no.such.key", Locale.ENGLISH)).isEqualTo("!no.such.key!");
        assertThat(translations.getProvidedLocales().get(0)).as("a browser asking for neither gets English")
                .isEqualTo(Locale.ENGLISH);
    }

    private static Properties bundle(String suffix) throws IOException {
        Properties p = new Properties();
        try (InputStream in = TranslationsTest.class.getResourceAsStream("/i18n/messages" + suffix + ".properties")) {
            // read as UTF-8 explicitly: a file saved in Latin-1 would fail here on its umlauts
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()));
        }
        return p;
    }
}
