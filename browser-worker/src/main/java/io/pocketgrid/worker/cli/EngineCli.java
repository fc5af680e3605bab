package io.pocketgrid.worker.cli;

import io.pocketgrid.worker.engine.EngineException;
import io.pocketgrid.worker.engine.Tolerance;
import io.pocketgrid.worker.reference.ConformanceRunner;
import io.pocketgrid.worker.reference.OrtReference;
import io.pocketgrid.worker.engine.Model;
import io.pocketgrid.worker.engine.Npy;
import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.engine.UnsupportedOpException;
import io.pocketgrid.worker.engine.ValueInfo;
import io.pocketgrid.worker.engine.kernel.JavaGemmBackend;
import io.pocketgrid.worker.engine.onnx.OnnxGraph;
import io.pocketgrid.worker.engine.onnx.OnnxParser;
import io.pocketgrid.worker.engine.plan.Bound;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The owners' command line: {@code check MODEL.onnx}, {@code run MODEL.onnx --input NAME=FILE.npy
 * … --output-dir DIR} and {@code conformance [DATA_DIR]}. Exit codes: 0 fine, 1 error or usage,
 * 2 unsupported ops, 3 outputs differ from OnnxRuntime.
 */
public final class EngineCli {

    static final int OK = 0;
    static final int ERROR = 1;
    static final int UNSUPPORTED = 2;
    static final int MISMATCH = 3;
    /** Agreement with OnnxRuntime required by {@code check}: |a − b| ≤ ATOL + RTOL·|b|. */
    static final double ATOL = 1e-4;
    static final double RTOL = 1e-3;
    private static final long MAX_NPY_BYTES = 1L << 31;

    private EngineCli() {
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs one command; returns the exit code. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 1) {
            return usage(err);
        }
        try {
            return switch (args[0]) {
                case "check" -> args.length >= 2 ? check(Path.of(args[1]), !Arrays.asList(args).contains("--no-reference"), out)
                        : usage(err);
                case "run" -> run(args, out, err);
                case "conformance" -> ConformanceRunner.run(args.length > 1 ? Path.of(args[1])
                        : ConformanceRunner.DEFAULT_ROOT, out).failed() == 0 ? OK : ERROR;
                case "ops" -> {
                    Model.supportedOps().forEach(out::println);
                    yield OK;
                }
                default -> usage(err);
            };
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("error: no such file: " + e.getFile());
            return ERROR;
        } catch (EngineException | IOException e) {
            err.println("error: " + e.getMessage());
            return ERROR;
        }
    }

    private static int usage(PrintStream err) {
        err.println("usage: java -jar pocketgrid-engine.jar check MODEL.onnx [--no-reference]");
        err.println("       java -jar pocketgrid-engine.jar run MODEL.onnx --input NAME=FILE.npy ... --output-dir DIR");
        err.println("       java -jar pocketgrid-engine.jar conformance [DATA_DIR]   (default "
                + ConformanceRunner.DEFAULT_ROOT + ")");
        err.println("       java -jar pocketgrid-engine.jar ops");
        return ERROR;
    }

    static int check(Path file, boolean reference, PrintStream out) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        OnnxGraph graph = OnnxParser.parseModel(bytes);
        out.println("model: " + file + " (" + bytes.length + " bytes, IR " + graph.irVersion() + ", opset "
                + graph.onnxOpset() + ")");
        out.println("ops (" + graph.nodes().size() + " nodes):");
        Model.opCounts(graph).forEach((op, n) -> out.println("  " + op + " x" + n));
        out.println("parameters: " + Model.parameterCount(graph));
        List<UnsupportedOpException> bad = Model.unsupportedNodes(bytes);
        if (!bad.isEmpty()) {
            out.println("unsupported ops (" + bad.size() + "):");
            bad.forEach(e -> out.println("  " + e.opType() + " at node '" + e.nodeName() + "': " + e.getMessage()));
            return UNSUPPORTED;
        }
        Model model = Model.load(bytes);
        out.println("inputs:");
        model.inputs().forEach(v -> out.println("  " + v.name() + " " + model.inputType(v.name()) + " " + dims(v.dims())));
        out.println("outputs:");
        model.outputs().forEach(v -> out.println("  " + v.name() + " " + dims(v.dims())));
        try {
            out.println("FLOPs per item: " + model.flopsPerItem());
        } catch (EngineException e) {
            out.println("FLOPs per item: unknown (a run on zero inputs failed: " + e.getMessage() + ")");
        }
        out.println("unsupported ops: none");
        planReport(bytes, model, out);
        if (!reference) {
            return OK;
        }
        int code = OK;
        Model fast = Model.load(bytes, new JavaGemmBackend());
        try (OrtReference ort = new OrtReference(file)) {
            for (int batch : new int[] {1, 4}) {
                Map<String, Tensor> feeds = randomInputs(model, batch, new Random(batch));
                if (feeds == null) {
                    out.println("batch " + batch + ": skipped (the model has a fixed batch size)");
                    continue;
                }
                Map<String, Tensor> theirs = ort.run(new ArrayList<>(feeds.entrySet()),
                        model.outputs().stream().map(ValueInfo::name).toList());
                for (Model m : new Model[] {model, fast}) {
                    long t0 = System.nanoTime();
                    Map<String, Tensor> ours = m.run(feeds);
                    long t1 = System.nanoTime();
                    double worst = 0;
                    boolean ok = true;
                    for (Map.Entry<String, Tensor> e : theirs.entrySet()) {
                        Tensor a = ours.get(e.getKey());
                        Tensor b = e.getValue();
                        if (!Arrays.equals(a.dims(), b.dims())) {
                            out.println("batch " + batch + ": output " + e.getKey() + " dims "
                                    + Arrays.toString(a.dims()) + " but OnnxRuntime gives " + Arrays.toString(b.dims()));
                            ok = false;
                            continue;
                        }
                        for (int i = 0; i < a.size(); i++) {
                            double d = Math.abs(a.getDouble(i) - b.getDouble(i));
                            if (!Tolerance.within(ATOL, RTOL, b.getDouble(i), a.getDouble(i)) && !(Double.isNaN(a.getDouble(i))
                                    && Double.isNaN(b.getDouble(i)))) {
                                ok = false;
                            }
                            worst = Math.max(worst, Double.isNaN(d) ? 0 : d);
                        }
                    }
                    out.println("batch " + batch + ", " + (m == model ? "generic ops" : "accelerated plan")
                            + ": largest |ours - OnnxRuntime| = " + worst + (ok ? " (ok)" : " (MISMATCH)")
                            + ", engine time " + (t1 - t0) / 1_000_000 + " ms");
                    if (!ok) {
                        code = MISMATCH;
                    }
                }
            }
        } catch (EngineException e) {
            out.println("OnnxRuntime comparison unavailable: " + e.getMessage());
        } finally {
            fast.close();
        }
        return code;
    }

    /**
     * Which path each node takes in the accelerated plan at batch 1: kernels (SIMD in the browser),
     * fused into a kernel, views, folded at load, or generic ops inside the plan (slow).
     */
    private static void planReport(byte[] bytes, Model model, PrintStream out) {
        Map<String, int[]> dims = new LinkedHashMap<>();
        for (ValueInfo v : model.inputs()) {
            if (v.dims() == null) {
                out.println("accelerated plan: unknown (input '" + v.name() + "' has no declared shape)");
                return;
            }
            int[] d = v.dims().clone();
            for (int i = 0; i < d.length; i++) {
                d[i] = Math.max(d[i], 1);
            }
            dims.put(v.name(), d);
        }
        Model fast = Model.load(bytes, new JavaGemmBackend());
        try {
            Bound b = fast.accelerated(dims);
            if (b == null) {
                out.println("accelerated plan: none at batch 1 (" + fast.accelerationNote() + "); the model runs on generic ops");
                return;
            }
            Map<String, Integer> byPath = new TreeMap<>();
            List<String> slow = new ArrayList<>();
            for (Bound.NodePath p : b.report()) {
                byPath.merge(p.path(), 1, Integer::sum);
                if (p.path().equals("generic")) {
                    slow.add(p.opType() + " '" + p.node() + "' (" + p.flops() + " FLOPs)");
                }
            }
            out.printf(Locale.ROOT, "accelerated plan at batch 1: %s; %.1f %% of FLOPs on kernels; %.1f MB of"
                    + " activations%n", byPath, 100 * b.kernelShare(), b.memoryBytes() / 1e6);
            slow.forEach(n -> out.println("  generic op inside the plan: " + n));
        } finally {
            fast.close();
        }
    }

    /** Random inputs with every -1 dim set to {@code batch} (first axis) or 1; null if batch can't vary. */
    static Map<String, Tensor> randomInputs(Model model, int batch, Random rnd) {
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (ValueInfo v : model.inputs()) {
            if (v.dims() == null) {
                throw new EngineException("input '" + v.name() + "' has no declared shape");
            }
            int[] d = v.dims().clone();
            if (batch != 1 && (d.length == 0 || d[0] >= 0)) {
                return null;
            }
            for (int i = 0; i < d.length; i++) {
                if (d[i] < 0) {
                    d[i] = i == 0 ? batch : 1;
                }
            }
            Tensor.Type type = model.inputType(v.name());
            Tensor t = Tensor.zeros(type, d);
            if (type.isFloating()) {
                float[] f = t.floats();
                for (int i = 0; i < f.length; i++) {
                    f[i] = type.round((float) rnd.nextGaussian());
                }
            }
            feeds.put(v.name(), t);
        }
        return feeds;
    }

    private static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        if (args.length < 2) {
            return usage(err);
        }
        Path modelFile = Path.of(args[1]);
        Map<String, Path> inputs = new LinkedHashMap<>();
        Path outDir = null;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--input" -> {
                    if (++i >= args.length) {
                        return usage(err);
                    }
                    String spec = args[i];
                    int eq = spec.indexOf('=');
                    inputs.put(eq < 0 ? "" : spec.substring(0, eq), Path.of(eq < 0 ? spec : spec.substring(eq + 1)));
                }
                case "--output-dir" -> {
                    if (++i >= args.length) {
                        return usage(err);
                    }
                    outDir = Path.of(args[i]);
                }
                default -> {
                    err.println("unknown argument: " + args[i]);
                    return usage(err);
                }
            }
        }
        if (outDir == null) {
            err.println("--output-dir is required");
            return usage(err);
        }
        Model model;
        try {
            model = Model.load(Files.readAllBytes(modelFile));
        } catch (UnsupportedOpException e) {
            err.println("error: " + e.getMessage());
            return UNSUPPORTED;
        }
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : inputs.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty()) {
                if (model.inputs().size() != 1) {
                    err.println("the model has " + model.inputs().size() + " inputs: name each as NAME=FILE.npy");
                    return ERROR;
                }
                name = model.inputs().get(0).name();
            }
            try (var in = Files.newInputStream(e.getValue())) {
                Tensor t = Npy.read(in, MAX_NPY_BYTES);
                feeds.put(name, t);
            } catch (EngineException ex) {
                throw new EngineException(e.getValue() + ": " + ex.getMessage(), ex);
            }
        }
        Map<String, Tensor> result = model.run(feeds);
        Files.createDirectories(outDir);
        for (Map.Entry<String, Tensor> e : result.entrySet()) {
            Path f = outDir.resolve(safeName(e.getKey()) + ".npy");
            Files.write(f, Npy.write(e.getValue()));
            out.println(e.getKey() + " " + Arrays.toString(e.getValue().dims()) + " -> " + f);
        }
        return OK;
    }

    /** Output names are free text in ONNX; keep file names inside the output dir. */
    static String safeName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }

    private static String dims(int[] d) {
        return d == null ? "[?]" : Arrays.toString(d).replace("-1", "N");
    }
}
