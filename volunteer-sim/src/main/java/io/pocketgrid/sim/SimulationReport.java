package io.pocketgrid.sim;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one run, over the requests sent after the warm-up and before the stop.
 *
 * @param mix               volunteers per behaviour
 * @param seconds           length of the measured window
 * @param tasksCompleted    results the portal accepted (HTTP 200)
 * @param receipts          accepted results by receipt status
 * @param refusals          4xx answers by {@code "call status CODE"}, e.g. {@code "result 403 BAD_LEASE_TOKEN"}
 * @param failures          5xx answers and unreachable calls, the same way
 * @param noWork            lease requests answered 204 (no work: the volunteer waits a poll interval)
 * @param roundTripsPerSecond result submissions (the end of a lease → result round trip) per second
 * @param otherFailures     failures that were not HTTP answers (registration, engine), first few
 */
public record SimulationReport(String portal, Map<Behaviour, Integer> mix, boolean precomputed, double seconds,
                               double warmupSeconds, String stopReason, int tasksCompleted,
                               Map<String, Integer> receipts, Map<String, Integer> refusals,
                               Map<String, Integer> failures, int noWork, double roundTripsPerSecond,
                               Map<Call.Kind, Latency> latency, List<String> otherFailures) {

    /** Latency of one kind of request, in milliseconds (nearest-rank percentiles). */
    public record Latency(int count, double p50, double p95, double p99, double max) {

        static Latency of(long[] nanos) {
            Arrays.sort(nanos);
            return new Latency(nanos.length, rank(nanos, 0.50), rank(nanos, 0.95), rank(nanos, 0.99),
                    nanos[nanos.length - 1] / 1e6);
        }

        private static double rank(long[] sorted, double p) {
            int i = (int) Math.ceil(p * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }
    }

    public static SimulationReport of(SimulationResult r) {
        List<Call> window = r.calls().stream()
                .filter(c -> c.startNanos() - r.measuredFromNanos() >= 0 && c.startNanos() - r.stopNanos() < 0).toList();
        double seconds = Math.max(1e-9, (r.stopNanos() - r.measuredFromNanos()) / 1e9);
        Map<Behaviour, Integer> mix = new EnumMap<>(Behaviour.class);
        r.volunteers().forEach(v -> mix.merge(v.behaviour(), 1, Integer::sum));
        Map<String, Integer> receipts = new TreeMap<>();
        Map<String, Integer> refusals = new TreeMap<>();
        Map<String, Integer> failures = new TreeMap<>();
        int completed = 0;
        int results = 0;
        int noWork = 0;
        for (Call c : window) {
            if (c.kind() == Call.Kind.LEASE && c.status() == 204) {
                noWork++;
            }
            if (c.kind() == Call.Kind.RESULT) {
                results++;
                if (c.status() == 200) {
                    completed++;
                    receipts.merge(c.outcome(), 1, Integer::sum);
                }
            }
            String key = c.kind().name().toLowerCase(Locale.ROOT) + " " + c.status() + " " + c.outcome();
            if (c.status() >= 400 && c.status() < 500) {
                refusals.merge(key, 1, Integer::sum);
            } else if (c.status() >= 500 || c.status() == 0) {
                failures.merge(key, 1, Integer::sum);
            }
        }
        Map<Call.Kind, Latency> latency = new EnumMap<>(Call.Kind.class);
        for (Call.Kind kind : Call.Kind.values()) {
            long[] nanos = window.stream().filter(c -> c.kind() == kind && c.status() != 0)
                    .mapToLong(Call::latencyNanos).toArray();
            if (nanos.length > 0) {
                latency.put(kind, Latency.of(nanos));
            }
        }
        List<String> other = r.volunteers().stream().flatMap(v -> v.failures().stream()).toList();
        return new SimulationReport(r.settings().portal().toString(), mix, r.settings().precomputed(), seconds,
                r.settings().warmup().toMillis() / 1000.0, r.stopReason(), completed, receipts, refusals, failures,
                noWork, results / seconds, latency, other);
    }

    /** How many results got this receipt status. */
    public int receipts(String status) {
        return receipts.getOrDefault(status, 0);
    }

    /** The report as printed by the command line. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append("PocketGrid volunteer simulation against ").append(portal).append('\n');
        line(sb, "volunteers", mix.values().stream().mapToInt(Integer::intValue).sum() + " (" + mixText() + ")"
                + (precomputed ? ", precomputed outputs" : ""));
        line(sb, "measured", fmt("%.1f s", seconds) + (warmupSeconds > 0 ? fmt(" after a %.1f s warm-up", warmupSeconds) : "")
                + "; stopped: " + stopReason);
        line(sb, "tasks completed", Integer.toString(tasksCompleted));
        line(sb, "results", "PENDING " + receipts("PENDING") + ", VALID " + receipts("VALID") + ", INVALID "
                + receipts("INVALID") + ", DISCARDED " + receipts("DISCARDED"));
        line(sb, "refused (4xx)", counts(refusals));
        line(sb, "failed (5xx, network)", counts(failures));
        line(sb, "no work (lease 204)", Integer.toString(noWork));
        if (!otherFailures.isEmpty()) {
            line(sb, "other failures", otherFailures.size() + ", first: " + otherFailures.getFirst());
        }
        line(sb, "round trips/s", fmt("%.1f", roundTripsPerSecond));
        sb.append(fmt("  %-22s %8s %9s %9s %9s %9s%n", "latency (ms)", "count", "p50", "p95", "p99", "max"));
        latency.forEach((kind, l) -> sb.append(fmt("    %-20s %8d %9.1f %9.1f %9.1f %9.1f%n",
                kind.name().toLowerCase(Locale.ROOT), l.count(), l.p50(), l.p95(), l.p99(), l.max())));
        return sb.toString();
    }

    private String mixText() {
        StringBuilder sb = new StringBuilder();
        mix.forEach((b, n) -> sb.append(sb.isEmpty() ? "" : ", ").append(b.shortName()).append(' ').append(n));
        return sb.toString();
    }

    private static String counts(Map<String, Integer> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        counts.forEach((k, n) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append('=').append(n));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(fmt("  %-22s %s%n", label, value));
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
