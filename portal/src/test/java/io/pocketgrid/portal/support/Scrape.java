package io.pocketgrid.portal.support;

import java.util.ArrayList;
import java.util.List;

/** One reading of {@code /actuator/prometheus}: the text exposition format, looked up by name and labels. */
public record Scrape(List<String> lines) {

    public static Scrape of(String text) {
        List<String> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(line.trim());
            }
        }
        return new Scrape(samples);
    }

    /**
     * The sample named {@code name} whose labels include every {@code key=value} given; 0 when there is
     * none (a counter not incremented yet); an error when several match.
     */
    public double value(String name, String... labels) {
        List<Double> found = new ArrayList<>();
        for (String line : lines) {
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            String metric = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
            if (!metric.equals(name)) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                int eq = label.indexOf('=');
                all &= series.contains(label.substring(0, eq) + "=\"" + label.substring(eq + 1) + "\"");
            }
            if (all) {
                found.add(Double.parseDouble(line.substring(space + 1)));
            }
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException(found.size() + " samples match " + name + " " + List.of(labels));
        }
        return found.isEmpty() ? 0 : found.getFirst();
    }

    public boolean has(String name) {
        return lines.stream().anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " "));
    }
}
