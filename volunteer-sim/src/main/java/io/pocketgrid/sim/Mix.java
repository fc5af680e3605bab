package io.pocketgrid.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Behaviours by percentage, as in {@code honest=80,random=10,crashing=10}. */
public final class Mix {

    private final Map<Behaviour, Integer> percent;

    private Mix(Map<Behaviour, Integer> percent) {
        this.percent = percent;
    }

    /** Parses {@code name=percent,…}; the percentages must add up to 100. */
    public static Mix parse(String text) {
        Map<Behaviour, Integer> percent = new LinkedHashMap<>();
        int total = 0;
        for (String part : text.split(",")) {
            String[] kv = part.split("=");
            if (kv.length != 2) {
                throw new IllegalArgumentException("mix entry '" + part.trim() + "' is not name=percent");
            }
            int p;
            try {
                p = Integer.parseInt(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("mix entry '" + part.trim() + "' has no whole percentage");
            }
            if (p < 0) {
                throw new IllegalArgumentException("mix entry '" + part.trim() + "' is negative");
            }
            percent.merge(Behaviour.parse(kv[0]), p, Integer::sum);
            total += p;
        }
        if (total != 100) {
            throw new IllegalArgumentException("the mix adds up to " + total + "%, not 100%");
        }
        return new Mix(percent);
    }

    /**
     * One behaviour per volunteer: each gets its share rounded by largest remainder (so 20
     * volunteers at 80/10/10 are 16, 2 and 2), in an order shuffled by {@code seed}.
     */
    public List<Behaviour> assign(int volunteers, long seed) {
        Map<Behaviour, Integer> counts = new LinkedHashMap<>();
        List<Behaviour> byRemainder = new ArrayList<>(percent.keySet());
        int given = 0;
        for (Map.Entry<Behaviour, Integer> e : percent.entrySet()) {
            int n = e.getValue() * volunteers / 100;
            counts.put(e.getKey(), n);
            given += n;
        }
        byRemainder.sort((a, b) -> Integer.compare(percent.get(b) * volunteers % 100, percent.get(a) * volunteers % 100));
        for (int i = 0; given < volunteers; i++, given++) {
            counts.merge(byRemainder.get(i % byRemainder.size()), 1, Integer::sum);
        }
        List<Behaviour> all = new ArrayList<>(volunteers);
        counts.forEach((b, n) -> all.addAll(Collections.nCopies(n, b)));
        Collections.shuffle(all, new Random(seed));
        return all;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        percent.forEach((b, p) -> sb.append(sb.isEmpty() ? "" : ",").append(b.shortName()).append('=').append(p));
        return sb.toString();
    }
}
