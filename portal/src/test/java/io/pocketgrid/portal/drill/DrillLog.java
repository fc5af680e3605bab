package io.pocketgrid.portal.drill;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a drill did and found, with seconds since its start: printed as it happens and again as one report
 * at the end (the figures for the project's notes).
 */
final class DrillLog {

    private final String drill;
    private final long started = System.nanoTime();
    private final List<String> lines = new ArrayList<>();

    DrillLog(String drill) {
        this.drill = drill;
    }

    /** Seconds since the drill started. */
    double now() {
        return (System.nanoTime() - started) / 1e9;
    }

    synchronized void event(String format, Object... args) {
        String line = String.format(Locale.ROOT, "%7.2f s  ", now()) + String.format(Locale.ROOT, format, args);
        lines.add(line);
        System.out.println("[drill " + drill + "] " + line);
    }

    synchronized void report() {
        StringBuilder b = new StringBuilder("\n==== drill report: ").append(drill).append(" ====\n");
        lines.forEach(l -> b.append("  ").append(l).append('\n'));
        System.out.print(b);
    }
}
