package io.pocketgrid.portal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Numbers, dates and durations as each language writes them. */
class FormatsTest {

    @Test
    void numbersUseTheLanguagesSeparators() {
        assertThat(Formats.decimal(1234.5, 1, Locale.ENGLISH)).isEqualTo("1,234.5");
        assertThat(Formats.decimal(1234.5, 1, Locale.GERMAN)).isEqualTo("1.234,5");
        assertThat(Formats.decimal(0.000125, 6, Locale.GERMANY)).isEqualTo("0,000125");
        assertThat(Formats.integer(1_234_567, Locale.GERMAN)).isEqualTo("1.234.567");
        assertThat(Formats.percent(0.934, Locale.GERMAN)).isEqualTo("93,4 %");
        assertThat(Formats.megabytes(1_550_000, Locale.ENGLISH)).isEqualTo("1.55 MB");
        assertThat(Formats.megabytes(12_340_000, Locale.GERMAN)).isEqualTo("12,3 MB");
    }

    @Test
    void durationsReadAsWords() {
        assertThat(Formats.duration(Duration.ofMinutes(10), Locale.GERMAN)).isEqualTo("10 Minuten");
        assertThat(Formats.duration(Duration.ofMinutes(61), Locale.GERMAN)).isEqualTo("1 Stunde 1 Minute");
        assertThat(Formats.duration(Duration.ofDays(2).plusSeconds(1), Locale.GERMAN)).isEqualTo("2 Tage 1 Sekunde");
        assertThat(Formats.duration(Duration.ofMinutes(90), Locale.ENGLISH)).isEqualTo("1 hour 30 minutes");
        assertThat(Formats.every(Duration.ofMinutes(10), Locale.GERMAN)).isEqualTo("alle 10 Minuten");
        assertThat(Formats.every(Duration.ofMinutes(10), Locale.ENGLISH)).isEqualTo("every 10 minutes");
        assertThat(Formats.every(Duration.ofHours(1), Locale.GERMAN)).isEqualTo("jede Stunde");
        assertThat(Formats.every(Duration.ofMinutes(1), Locale.ENGLISH)).isEqualTo("every minute");
    }

    @Test
    void datesInEachLanguagesOrder() {
        Instant at = Instant.parse("2026-12-07T14:20:00Z");
        assertThat(Formats.dateTime(at, Locale.GERMAN)).isEqualTo("07.12.2026, 14:20 UTC");
        assertThat(Formats.dateTime(at, Locale.ENGLISH)).matches("Dec 7, 2026, 2:20\\hPM UTC");
    }
}
