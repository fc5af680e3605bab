package io.pocketgrid.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar pocketgrid-sim.jar --url http://localhost:8080 --volunteers 20
 * --mix honest=80,random=10,crashing=10 --duration 60s [--warmup 10s] [--precomputed]
 * [--until-idle 10s] [--tasks N]} — runs the volunteers and prints a report.
 */
public final class SimulatorCli {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

    static final String USAGE = """
            usage: java -jar pocketgrid-sim.jar [options]
              --url URL            portal to drive (default http://localhost:8080)
              --volunteers N       simulated volunteers, one virtual thread each (default 20)
              --mix NAME=PCT,...   behaviours by percentage, adding up to 100 (default honest=100);
                                   names: %s
              --duration D         measured time, e.g. 60s, 2m (default 60s)
              --warmup D           time before measuring; its requests are left out (default 0s)
              --until-idle D       stop once no volunteer got a lease for D
              --tasks N            stop after N accepted results
              --precomputed        run the engine once per distinct input and share the outputs
              --slow-delay D       how long slow volunteers wait before submitting (default 1s)
              --crash-pause D      how long crashing volunteers stay away after abandoning a lease (default 1s)
              --poll D             wait after "no work" before asking again (default 500ms)
              --volunteers-file F  reuse the volunteers (ids and tokens) listed in F; when F does not
                                   exist, register new ones and list them there after the run
              --rate N             round trips per second for all volunteers together, each volunteer
                                   keeping a steady pace (default: each as fast as the portal answers)
              --seed N             seed for the mix and the malicious outputs (default 1)
            """.formatted(Behaviour.names());

    private SimulatorCli() {
    }

    public static void main(String[] args) throws IOException {
        SimulationSettings settings;
        Path volunteersFile = null;
        List<String> rest = new ArrayList<>(List.of(args));
        int at = rest.indexOf("--volunteers-file");
        if (at >= 0 && at + 1 < rest.size()) {
            volunteersFile = Path.of(rest.remove(at + 1));
            rest.remove(at);
        }
        try {
            settings = parse(rest.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (settings == null) {
            System.out.print(USAGE);
            return;
        }
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "Simulating %d volunteers against %s ...%n", settings.volunteers().size(), settings.portal());
        List<HttpWorkServer.Registration> known = volunteersFile != null && Files.exists(volunteersFile)
                ? readVolunteers(volunteersFile) : List.of();
        SimulationResult result = new VolunteerSimulator(settings, known).run();
        out.print(result.report().format());
        if (volunteersFile != null && !Files.exists(volunteersFile)) {
            writeVolunteers(volunteersFile, result);
        }
        boolean registered = result.volunteers().stream().anyMatch(v -> v.volunteerId() != null);
        if (!registered) {
            System.err.println("no volunteer could register at " + settings.portal());
            System.exit(1);
        }
    }

    /** One "volunteerId token" per line, as {@link #writeVolunteers} writes them. */
    static List<HttpWorkServer.Registration> readVolunteers(Path file) throws IOException {
        List<HttpWorkServer.Registration> known = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2) {
                known.add(new HttpWorkServer.Registration(parts[0], parts[1]));
            }
        }
        return known;
    }

    /** The volunteers of a run, so a later run can go on as the same (by now trusted) volunteers. */
    static void writeVolunteers(Path file, SimulationResult result) throws IOException {
        List<String> lines = result.volunteers().stream().map(VolunteerLog::registration).filter(r -> r != null)
                .map(r -> r.volunteerId() + " " + r.token()).toList();
        Files.write(file, lines);
    }

    /** The settings the arguments ask for; null when they ask for help. */
    static SimulationSettings parse(String[] args) {
        URI url = URI.create("http://localhost:8080");
        int volunteers = 20;
        Mix mix = Mix.parse("honest=100");
        long seed = 1;
        SimulationSettings s = SimulationSettings.of(url, List.of(Behaviour.HONEST));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--precomputed" -> s = s.withPrecomputed(true);
                case "--url" -> url = URI.create(value(args, ++i, arg));
                case "--volunteers" -> volunteers = positive(value(args, ++i, arg), arg);
                case "--mix" -> mix = Mix.parse(value(args, ++i, arg));
                case "--duration" -> s = s.withDuration(duration(value(args, ++i, arg)));
                case "--warmup" -> s = s.withWarmup(duration(value(args, ++i, arg)));
                case "--until-idle" -> s = s.withUntilIdle(duration(value(args, ++i, arg)));
                case "--tasks" -> s = s.withMaxTasks(positive(value(args, ++i, arg), arg));
                case "--slow-delay" -> s = s.withSlowDelay(duration(value(args, ++i, arg)));
                case "--crash-pause" -> s = s.withCrashPause(duration(value(args, ++i, arg)));
                case "--poll" -> s = s.withIdlePoll(duration(value(args, ++i, arg)));
                case "--rate" -> s = s.withRate(positive(value(args, ++i, arg), arg));
                case "--seed" -> seed = Long.parseLong(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (!url.isAbsolute() || url.getHost() == null) {
            throw new IllegalArgumentException("--url needs an absolute URL such as http://localhost:8080");
        }
        return new SimulationSettings(url, mix.assign(volunteers, seed), s.warmup(), s.duration(), s.untilIdle(),
                s.maxTasks(), s.precomputed(), s.slowDelay(), s.crashPause(), s.idlePoll(), s.rate(), seed, null);
    }

    /** {@code 60s}, {@code 500ms}, {@code 2m}, {@code 1h}, or plain seconds. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 60s, 500ms or 2m");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> n;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 1000;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String text, String option) {
        try {
            int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a positive whole number, not '" + text + "'");
    }
}
