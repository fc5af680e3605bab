package io.pocketgrid.worker.engine.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What a binding runs, in order: steps with nothing left to decide or allocate, each with a label
 * for {@link #profile} (the op type of the layer it belongs to, or the data movement). Adding a
 * step marks the lifetimes of the {@link Place}s it writes and reads.
 */
final class Steps {

    /** One step of a run. */
    interface Step {
        void run();
    }

    private final List<Step> steps = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();
    private String label = "input";
    private String pendingLabel;

    /** Labels the steps added from now on (the layer or node being lowered). */
    void label(String label) {
        this.label = label;
    }

    /** Labels the next step as data movement, then goes back to the layer's label. */
    void moving(String what) {
        pendingLabel = what;
    }

    /** Adds a step that writes {@code out} (may be null) and reads {@code in} (nulls skipped). */
    void add(Step s, Place out, Place... in) {
        int at = steps.size();
        if (out != null) {
            out.first = Math.min(out.first, at);
            out.last = Math.max(out.last, at);
        }
        for (Place b : in) {
            if (b != null) {
                b.last = Math.max(b.last, at);
            }
        }
        add(s);
    }

    /** Adds a step that touches no place (it works on host tensors). */
    void add(Step s) {
        steps.add(s);
        labels.add(pendingLabel != null ? pendingLabel : label);
        pendingLabel = null;
    }

    /** Runs every step once. */
    void run() {
        for (Step s : steps) {
            s.run();
        }
    }

    /**
     * Runs every step {@code runs} times, timing each; milliseconds per run by label, largest
     * first.
     */
    Map<String, Double> profile(int runs, LongSupplier nanoTime) {
        double[] spent = new double[steps.size()];
        for (int r = 0; r < runs; r++) {
            for (int i = 0; i < steps.size(); i++) {
                long t0 = nanoTime.getAsLong();
                steps.get(i).run();
                spent[i] += nanoTime.getAsLong() - t0;
            }
        }
        Map<String, Double> byLabel = new HashMap<>();
        for (int i = 0; i < spent.length; i++) {
            byLabel.merge(labels.get(i), spent[i] / 1e6 / runs, Double::sum);
        }
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(byLabel.entrySet());
        sorted.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
        Map<String, Double> out = new LinkedHashMap<>();
        sorted.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
