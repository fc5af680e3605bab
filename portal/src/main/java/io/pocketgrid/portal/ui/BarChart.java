package io.pocketgrid.portal.ui;

import com.vaadin.flow.component.Html;
import java.util.Locale;

/** A small bar chart in plain SVG (Vaadin Charts is a paid add-on). */
final class BarChart {

    private BarChart() {
    }

    /** Bars for {@code values}, oldest left; scales to the largest value; stretches to its container's width. */
    static Html of(long[] values, String label) {
        long max = 1;
        for (long v : values) {
            max = Math.max(max, v);
        }
        int width = values.length * 10;
        int height = 80;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg viewBox='0 0 %d %d' preserveAspectRatio='none' role='img' aria-label='%s'"
                        + " style='width:100%%;height:6rem;display:block'>", width, height + 2, label));
        for (int i = 0; i < values.length; i++) {
            int h = (int) Math.round((double) values[i] / max * height);
            svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='8' height='%d' fill='#1676f3'/>",
                    i * 10 + 1, height - h, Math.max(h, values[i] > 0 ? 1 : 0)));
        }
        svg.append(String.format(Locale.ROOT, "<line x1='0' y1='%d' x2='%d' y2='%d' stroke='#999' stroke-width='1'/>",
                height + 1, width, height + 1));
        return new Html(svg.append("</svg>").toString());
    }
}
