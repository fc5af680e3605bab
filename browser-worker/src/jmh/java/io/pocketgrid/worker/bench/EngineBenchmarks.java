package io.pocketgrid.worker.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link EngineBenchmark} (JMH options may be passed as arguments, e.g. {@code -wi 3 -i 5})
 * and prints images per second per model, batch and engine, with the ratio to OnnxRuntime.
 * A report, never an assertion.
 */
public final class EngineBenchmarks {

    private EngineBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        Collection<RunResult> results = new Runner(new OptionsBuilder().parent(cli)
                .include(EngineBenchmark.class.getName())
                .forks(cli.getForkCount().orElse(1))
                .warmupIterations(cli.getWarmupIterations().orElse(3))
                .warmupTime(cli.getWarmupTime().orElse(org.openjdk.jmh.runner.options.TimeValue.seconds(2)))
                .measurementIterations(cli.getMeasurementIterations().orElse(5))
                .measurementTime(cli.getMeasurementTime().orElse(org.openjdk.jmh.runner.options.TimeValue.seconds(2)))
                .jvmArgsAppend("-Dai.djl.offline=true", "--enable-native-access=ALL-UNNAMED")
                .build()).run();
        Map<String, Double> ortRate = new HashMap<>();
        List<String[]> rows = new ArrayList<>();
        for (RunResult r : results) {
            Map<String, String> p = new HashMap<>();
            for (String key : r.getParams().getParamsKeys()) {
                p.put(key, r.getParams().getParam(key));
            }
            double imagesPerSecond = r.getPrimaryResult().getScore() * Integer.parseInt(p.get("batch"));
            String key = p.get("model") + "/" + p.get("batch");
            if (p.get("engine").equals("onnxruntime")) {
                ortRate.put(key, imagesPerSecond);
            }
            rows.add(new String[] {p.get("model"), p.get("batch"), p.get("engine"), String.valueOf(imagesPerSecond)});
        }
        System.out.println();
        System.out.println("JVM (" + System.getProperty("java.vm.name") + " " + Runtime.version() + "), one thread");
        System.out.printf("%-6s%-7s%-30s%10s%9s%n", "model", "batch", "engine", "img/s", "vs ORT");
        for (String[] row : rows) {
            double rate = Double.parseDouble(row[3]);
            Double ref = ortRate.get(row[0] + "/" + row[1]);
            String engine = switch (row[2]) {
                case "generic" -> "pocketgrid generic ops";
                case "plan" -> "pocketgrid plan, Java kernels";
                default -> "OnnxRuntime 1.21 (DJL)";
            };
            System.out.printf("%-6s%-7s%-30s%10.0f%9s%n", row[0], row[1], engine, rate,
                    ref == null ? "" : String.format("%.2fx", rate / ref));
        }
    }
}
