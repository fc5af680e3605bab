package io.pocketgrid.portal.ui;

import java.text.NumberFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Numbers, dates and durations as a reader of the page's language writes them: {@code 1,234.5} and
 * "10 minutes" in English, {@code 1.234,5} and "10 Minuten" in German. The API keeps its own
 * machine formats (ISO-8601, plain decimals); only what people read goes through here.
 */
final class Formats {

    private static final Translations WORDS = new Translations();

    private Formats() {
    }

    /** {@code value} with exactly {@code decimals} digits after the separator, grouped by thousands. */
    static String decimal(double value, int decimals, Locale locale) {
        NumberFormat f = NumberFormat.getNumberInstance(Translations.supported(locale));
        f.setMinimumFractionDigits(decimals);
        f.setMaximumFractionDigits(decimals);
        return f.format(value);
    }

    /** A whole number grouped by thousands. */
    static String integer(long value, Locale locale) {
        return NumberFormat.getIntegerInstance(Translations.supported(locale)).format(value);
    }

    /** A share (0–1) as a percentage with one decimal: {@code 93.4 %} / {@code 93,4 %}. */
    static String percent(double share, Locale locale) {
        return decimal(100 * share, 1, locale) + " %";
    }

    /** A byte count in megabytes (1 MB = 10^6 bytes): two decimals under 10 MB ({@code 0.35 MB}), else one. */
    static String megabytes(long bytes, Locale locale) {
        return decimal(bytes / 1e6, bytes < 10_000_000 ? 2 : 1, locale) + " MB";
    }

    /** A moment as a date and time of day in UTC: {@code Dec 7, 2026, 2:20 PM UTC} / {@code 07.12.2026, 14:20 UTC}. */
    static String dateTime(Instant at, Locale locale) {
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
                .withLocale(Translations.supported(locale)).withZone(ZoneOffset.UTC).format(at) + " UTC";
    }

    /** "10 minutes", "1 hour 30 minutes", "45 seconds" (German: "10 Minuten" ...); under a second in ms. */
    static String duration(Duration d, Locale locale) {
        List<String> parts = new ArrayList<>();
        long[] amounts = {d.toDaysPart(), d.toHoursPart(), d.toMinutesPart(), d.toSecondsPart()};
        String[] units = {"day", "hour", "minute", "second"};
        for (int i = 0; i < amounts.length; i++) {
            if (amounts[i] > 0) {
                parts.add(WORDS.getTranslation("duration." + units[i], locale, amounts[i]));
            }
        }
        return parts.isEmpty() ? d.toMillis() + " ms" : String.join(" ", parts);
    }

    /** "every 10 minutes" / "alle 10 Minuten"; "every minute" / "jede Minute" for a single unit. */
    static String every(Duration d, Locale locale) {
        for (String unit : new String[] {"day", "hour", "minute", "second"}) {
            Duration one = switch (unit) {
                case "day" -> Duration.ofDays(1);
                case "hour" -> Duration.ofHours(1);
                case "minute" -> Duration.ofMinutes(1);
                default -> Duration.ofSeconds(1);
            };
            if (d.equals(one)) {
                return WORDS.getTranslation("every." + unit, locale);
            }
        }
        return WORDS.getTranslation("every", locale, duration(d, locale));
    }
}
