package io.pocketgrid.worker.cli;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.UnsupportedOpException;
import io.pocketgrid.worker.engine.ValueInfo;
import io.pocketgrid.worker.engine.onnx.Node;
import io.pocketgrid.worker.engine.onnx.OnnxGraph;
import io.pocketgrid.worker.engine.onnx.OnnxParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Runs the ONNX backend test data (Debian {@code libonnx-testdata}: one folder per test with
 * {@code model.onnx} and {@code test_data_set_N/{input,output}_K.pb}) through the engine: every
 * test whose ops are all supported must reproduce the expected outputs within
 * {@value #RTOL} relative + {@value #ATOL} absolute tolerance.
 */
public final class ConformanceRunner {

    public static final Path DEFAULT_ROOT = Path.of("/usr/share/libonnx-testdata/data");
    public static final List<String> SUITES = List.of("node", "pytorch-converted", "pytorch-operator", "simple");
    static final double RTOL = 1e-3;
    static final double ATOL = 1e-5;

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

    private ConformanceRunner() {
    }

    public static void main(String[] args) throws IOException {
        Path root = args.length > 0 ? Path.of(args[0]) : DEFAULT_ROOT;
        Report r = run(root, System.out);
        System.exit(r.failed() == 0 ? 0 : 1);
    }

    /** Runs every suite under {@code root} and prints the table to {@code out}. */
    public static Report run(Path root, PrintStream out) throws IOException {
        Map<String, OpStats> byOp = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        Map<String, Integer> skipReasons = new TreeMap<>();
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        for (String suite : SUITES) {
            Path dir = root.resolve(suite);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> tests;
            try (Stream<Path> s = Files.list(dir)) {
                tests = s.filter(p -> Files.exists(p.resolve("model.onnx"))).sorted().toList();
            }
            for (Path test : tests) {
                String name = suite + "/" + test.getFileName();
                Outcome o = runTest(test);
                switch (o.kind) {
                    case PASS -> {
                        passed++;
                        o.ops.forEach(op -> stats(byOp, op).passed++);
                    }
                    case FAIL -> {
                        failed++;
                        o.ops.forEach(op -> stats(byOp, op).failed++);
                        failures.add(name + ": " + o.message);
                    }
                    case SKIP -> {
                        skipped++;
                        o.ops.forEach(op -> stats(byOp, op).skipped++);
                        skipReasons.merge(o.message, 1, Integer::sum);
                    }
                }
            }
        }
        Report report = new Report(passed + failed, passed, failed, skipped, byOp, failures, skipReasons);
        print(report, out);
        return report;
    }

    private static OpStats stats(Map<String, OpStats> m, String op) {
        return m.computeIfAbsent(op, k -> new OpStats());
    }

    private enum Kind { PASS, FAIL, SKIP }

    private record Outcome(Kind kind, List<String> ops, String message) {
    }

    private static Outcome runTest(Path dir) {
        byte[] bytes;
        OnnxGraph graph;
        try {
            bytes = Files.readAllBytes(dir.resolve("model.onnx"));
            graph = OnnxParser.parseModel(bytes);
        } catch (IOException | EngineException e) {
            return new Outcome(Kind.SKIP, List.of("(unreadable)"), "unreadable: " + e.getMessage());
        }
        List<String> ops = new ArrayList<>(new TreeSet<>(graph.nodes().stream().map(Node::opType).toList()));
        Model model;
        try {
            model = Model.load(bytes);
        } catch (UnsupportedOpException e) {
            List<String> bad = new ArrayList<>();
            for (UnsupportedOpException u : Model.unsupportedNodes(bytes)) {
                if (!bad.contains(u.opType())) {
                    bad.add(u.opType());
                }
            }
            return new Outcome(Kind.SKIP, bad.isEmpty() ? List.of(e.opType()) : bad, reason(e));
        } catch (EngineException e) {
            return new Outcome(Kind.SKIP, ops, reason(e));
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set")).sorted().toList();
            for (Path set : sets) {
                String msg = runDataSet(model, graph, set);
                if (msg != null) {
                    return msg.startsWith("SKIP ") ? new Outcome(Kind.SKIP, ops, msg.substring(5))
                            : new Outcome(Kind.FAIL, ops, set.getFileName() + ": " + msg);
                }
            }
        } catch (IOException e) {
            return new Outcome(Kind.FAIL, ops, e.toString());
        }
        return new Outcome(Kind.PASS, ops, "");
    }

    /** Null when the set passes; "SKIP reason" when its data has a type we lack; else the failure. */
    private static String runDataSet(Model model, OnnxGraph graph, Path set) throws IOException {
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        List<ValueInfo> inputs = model.inputs();
        for (int k = 0; ; k++) {
            Path p = set.resolve("input_" + k + ".pb");
            if (!Files.exists(p)) {
                break;
            }
            OnnxParser.NamedTensor t;
            try {
                t = OnnxParser.parseTensor(Files.readAllBytes(p));
            } catch (EngineException e) {
                return "SKIP " + reason(e);
            }
            // Inputs are listed in graph order, initializers included in old files.
            String name = t.name().isEmpty() ? graph.inputs().get(k).name() : t.name();
            feeds.put(name, t.tensor());
        }
        for (ValueInfo v : inputs) {
            if (!feeds.containsKey(v.name())) {
                return "input " + v.name() + " missing from test data";
            }
        }
        Map<String, Tensor> got;
        try {
            got = model.run(feeds);
        } catch (RuntimeException e) {
            return "run failed: " + e.getMessage();
        }
        for (int k = 0; ; k++) {
            Path p = set.resolve("output_" + k + ".pb");
            if (!Files.exists(p)) {
                break;
            }
            OnnxParser.NamedTensor want;
            try {
                want = OnnxParser.parseTensor(Files.readAllBytes(p));
            } catch (EngineException e) {
                return "SKIP " + reason(e);
            }
            String name = want.name().isEmpty() ? model.outputs().get(k).name() : want.name();
            Tensor have = got.get(name);
            if (have == null) {
                return "no output " + name;
            }
            String diff = compare(want.tensor(), have);
            if (diff != null) {
                return "output " + name + ": " + diff;
            }
        }
        return null;
    }

    /** Null when equal within tolerance; else what differs. */
    static String compare(Tensor want, Tensor have) {
        if (!java.util.Arrays.equals(want.dims(), have.dims())) {
            return "dims " + java.util.Arrays.toString(have.dims()) + ", expected " + java.util.Arrays.toString(want.dims());
        }
        if (want.type() != have.type()) {
            return "type " + have.type() + ", expected " + want.type();
        }
        for (int i = 0; i < want.size(); i++) {
            double w = want.getDouble(i);
            double h = have.getDouble(i);
            if (Double.isNaN(w) && Double.isNaN(h) || w == h) {
                continue;
            }
            if (!(Math.abs(w - h) <= ATOL + RTOL * Math.abs(w))) {
                return "element " + i + " is " + h + ", expected " + w;
            }
        }
        return null;
    }

    private static String reason(EngineException e) {
        if (e instanceof UnsupportedOpException u) {
            return "unsupported " + u.opType();
        }
        String m = e.getMessage();
        int type = m.indexOf("element type ");
        if (type >= 0) {
            String rest = m.substring(type + 13);
            int sp = rest.indexOf(' ');
            return "type " + (sp > 0 ? rest.substring(0, sp) : rest);
        }
        return m.length() > 80 ? m.substring(0, 80) : m;
    }

    static void print(Report r, PrintStream out) {
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
