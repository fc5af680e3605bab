package io.pocketgrid.worker.reference;

import io.pocketgrid.worker.engine.Model;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs the ONNX backend test data (Debian {@code libonnx-testdata}: one folder per test with
 * {@code model.onnx} and {@code test_data_set_N/{input,output}_K.pb}) through the engine: every
 * test whose ops are all supported must reproduce the expected outputs ({@link ConformanceCase}
 * judges each test; the browser builds use the same class).
 */
public final class ConformanceRunner {

    public static final Path DEFAULT_ROOT = Path.of("/usr/share/libonnx-testdata/data");
    public static final List<String> SUITES = List.of("node", "pytorch-converted", "pytorch-operator", "simple");

    /** Per-op counts. */
    public static final class OpStats {
        public int passed;
        public int failed;
        public int skipped;
    }

    /** The outcome of a whole run. */
    public record Report(int runnable, int passed, int failed, int skipped, Map<String, OpStats> byOp,
            List<String> failures, Map<String, Integer> skipReasons) {
    }

    /** Adds up test outcomes into a {@link Report}. */
    public static final class Tally {
        private final Map<String, OpStats> byOp = new TreeMap<>();
        private final List<String> failures = new ArrayList<>();
        private final Map<String, Integer> skipReasons = new TreeMap<>();
        private int passed;
        private int failed;
        private int skipped;

        public void add(String test, ConformanceCase.Outcome o) {
            switch (o.kind()) {
                case PASS -> {
                    passed++;
                    o.ops().forEach(op -> stats(op).passed++);
                }
                case FAIL -> {
                    failed++;
                    o.ops().forEach(op -> stats(op).failed++);
                    failures.add(test + ": " + o.message());
                }
                case SKIP -> {
                    skipped++;
                    o.ops().forEach(op -> stats(op).skipped++);
                    skipReasons.merge(o.message(), 1, Integer::sum);
                }
            }
        }

        public Report report() {
            return new Report(passed + failed, passed, failed, skipped, byOp, failures, skipReasons);
        }

        private OpStats stats(String op) {
            return byOp.computeIfAbsent(op, k -> new OpStats());
        }
    }

    private ConformanceRunner() {
    }

    public static void main(String[] args) throws IOException {
        Path root = args.length > 0 ? Path.of(args[0]) : DEFAULT_ROOT;
        Report r = run(root, System.out);
        System.exit(r.failed() == 0 ? 0 : 1);
    }

    /** Runs every suite under {@code root} on the generic engine and prints the table to {@code out}. */
    public static Report run(Path root, PrintStream out) throws IOException {
        return run(root, out, new ConformanceCase.Loader(g -> Model.of(g, null), false));
    }

    /** As {@link #run(Path, PrintStream)}, loading each model with {@code loader}. */
    public static Report run(Path root, PrintStream out, ConformanceCase.Loader loader) throws IOException {
        Tally tally = new Tally();
        for (Path test : tests(root)) {
            String name = test.getParent().getFileName() + "/" + test.getFileName();
            tally.add(name, runTest(test, loader));
        }
        Report report = tally.report();
        print(report, out);
        return report;
    }

    /** Every test folder (one holding {@code model.onnx}) of every suite under {@code root}, sorted. */
    public static List<Path> tests(Path root) throws IOException {
        List<Path> all = new ArrayList<>();
        for (String suite : SUITES) {
            Path dir = root.resolve(suite);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    all.addAll(s.filter(p -> Files.exists(p.resolve("model.onnx"))).sorted().toList());
                }
            }
        }
        return all;
    }

    /** The data sets of a test folder, sorted; per set the input and output files in order. */
    public static List<List<List<Path>>> dataSets(Path test) throws IOException {
        List<List<List<Path>>> sets = new ArrayList<>();
        try (Stream<Path> s = Files.list(test)) {
            for (Path set : s.filter(p -> p.getFileName().toString().startsWith("test_data_set")).sorted().toList()) {
                sets.add(List.of(numbered(set, "input_"), numbered(set, "output_")));
            }
        }
        return sets;
    }

    private static List<Path> numbered(Path set, String prefix) {
        List<Path> files = new ArrayList<>();
        for (int k = 0; Files.exists(set.resolve(prefix + k + ".pb")); k++) {
            files.add(set.resolve(prefix + k + ".pb"));
        }
        return files;
    }

    private static ConformanceCase.Outcome runTest(Path dir, ConformanceCase.Loader loader) {
        byte[] bytes;
        List<ConformanceCase.DataSet> sets = new ArrayList<>();
        try {
            bytes = Files.readAllBytes(dir.resolve("model.onnx"));
            for (List<List<Path>> set : dataSets(dir)) {
                sets.add(new ConformanceCase.DataSet(set.get(0).isEmpty() ? "test_data_set"
                        : set.get(0).get(0).getParent().getFileName().toString(), read(set.get(0)), read(set.get(1))));
            }
        } catch (IOException e) {
            return new ConformanceCase.Outcome(ConformanceCase.Kind.FAIL, List.of("(unreadable)"), e.toString());
        }
        return ConformanceCase.run(bytes, sets, loader);
    }

    private static List<byte[]> read(List<Path> files) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (Path f : files) {
            out.add(Files.readAllBytes(f));
        }
        return out;
    }

    public static void print(Report r, PrintStream out) {
        out.println(pad("op", 28) + pad("passed", 8) + pad("failed", 8) + "skipped");
        for (Map.Entry<String, OpStats> e : r.byOp().entrySet()) {
            OpStats s = e.getValue();
            out.println(pad(e.getKey(), 28) + pad(String.valueOf(s.passed), 8) + pad(String.valueOf(s.failed), 8)
                    + s.skipped);
        }
        out.println();
        out.println("skip reasons:");
        r.skipReasons().entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> out.println("  " + e.getValue() + "  " + e.getKey()));
        if (!r.failures().isEmpty()) {
            out.println();
            out.println("failures:");
            r.failures().forEach(f -> out.println("  " + f));
        }
        out.println();
        out.println("tests: " + (r.runnable() + r.skipped()) + ", runnable " + r.runnable() + ", skipped " + r.skipped());
        out.println("conformance totals: runnable " + r.runnable() + ", passed " + r.passed() + ", failed " + r.failed() + ", skipped " + r.skipped());
    }

    private static String pad(String s, int w) {
        StringBuilder sb = new StringBuilder(s);
        while (sb.length() < w) {
            sb.append(' ');
        }
        return sb.append(' ').toString();
    }
}
