package io.pocketgrid.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs simulated volunteers against a portal over HTTP, each on its own virtual thread, until a
 * stop condition of the {@link SimulationSettings} is met, and hands back what each one did.
 */
public final class VolunteerSimulator {

    private static final Duration TICK = Duration.ofMillis(100);
    private static final Duration DRAIN = Duration.ofSeconds(40);

    private final SimulationSettings settings;
    private final List<HttpWorkServer.Registration> known;

    public VolunteerSimulator(SimulationSettings settings) {
        this(settings, List.of());
    }

    /** Volunteer {@code i} reuses {@code known.get(i)} where there is one instead of registering. */
    public VolunteerSimulator(SimulationSettings settings, List<HttpWorkServer.Registration> known) {
        this.settings = settings;
        this.known = List.copyOf(known);
    }

    public SimulationResult run() {
        RunState state = new RunState(settings.volunteers().size());
        CopyPool pool = new CopyPool();
        OutputSource shared = settings.precomputed() ? new PrecomputedOutputs() : null;
        List<VolunteerLog> logs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        PortalHttp http = new PortalHttp();
        long started = System.nanoTime();
        for (int i = 0; i < settings.volunteers().size(); i++) {
            VolunteerLog log = new VolunteerLog(i, settings.volunteers().get(i));
            logs.add(log);
            OutputSource engine = shared != null ? shared : OutputSource.ownEngine();
            threads.add(Thread.ofVirtual().name("volunteer-" + i)
                    .start(new SimulatedVolunteer(log, settings, http, state, engine, pool,
                            i < known.size() ? known.get(i) : null)));
        }
        String reason = waitForStop(state, logs, threads, started);
        long stopped = System.nanoTime();
        state.stop();
        drain(threads);
        return new SimulationResult(settings, logs, started, started + settings.warmup().toNanos(), stopped, reason);
    }

    private String waitForStop(RunState state, List<VolunteerLog> logs, List<Thread> threads, long started) {
        long deadline = started + settings.warmup().toNanos() + settings.duration().toNanos();
        while (true) {
            state.pause(TICK);
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return "duration";
            }
            if (settings.maxTasks() > 0 && logs.stream().mapToInt(VolunteerLog::tasksCompleted).sum() >= settings.maxTasks()) {
                return settings.maxTasks() + " tasks";
            }
            if (settings.untilIdle() != null && state.idleNanos() >= settings.untilIdle().toNanos()) {
                return "no work for " + settings.untilIdle().toMillis() / 1000.0 + " s";
            }
            if (settings.stopWhen() != null && settings.stopWhen().getAsBoolean()) {
                return "stop condition met";
            }
            if (threads.stream().noneMatch(Thread::isAlive)) {
                return "every volunteer ended";
            }
        }
    }

    private static void drain(List<Thread> threads) {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        for (Thread t : threads) {
            try {
                if (!t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    t.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                threads.forEach(Thread::interrupt);
                return;
            }
        }
    }
}
