package io.pocketgrid.sim;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What to simulate and when to stop: after {@code warmup + duration}, after {@code maxTasks}
 * accepted results, when no volunteer got a lease for {@code untilIdle}, or when {@code stopWhen}
 * says so, whichever comes first.
 *
 * @param volunteers  one behaviour per simulated volunteer
 * @param warmup      time whose requests are left out of the report
 * @param untilIdle   stop after this long without a lease; null to keep going
 * @param maxTasks    stop after this many accepted results; 0 for no limit
 * @param precomputed run the engine once per distinct input and share the outputs (load tests)
 * @param slowDelay   how long {@link Behaviour#SLOW} waits before submitting
 * @param crashPause  how long {@link Behaviour#CRASHING} stays away after abandoning a lease
 * @param idlePoll    how long a volunteer waits after "no work" (204) before asking again
 * @param rate        round trips per second the volunteers aim at together, each starting its own at
 *                    a steady pace (volunteers / rate seconds apart); 0 for as fast as answers come
 * @param stopWhen    a further stop condition, polled ten times a second (a test's "project completed"); may be null
 */
public record SimulationSettings(URI portal, List<Behaviour> volunteers, Duration warmup, Duration duration,
                                 Duration untilIdle, int maxTasks, boolean precomputed, Duration slowDelay,
                                 Duration crashPause, Duration idlePoll, double rate, long seed,
                                 BooleanSupplier stopWhen) {

    public SimulationSettings {
        volunteers = List.copyOf(volunteers);
        if (volunteers.isEmpty()) {
            throw new IllegalArgumentException("at least one volunteer is needed");
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("the rate must be a finite number >= 0");
        }
    }

    /** A minute of the given volunteers, no warm-up, each computing for itself. */
    public static SimulationSettings of(URI portal, List<Behaviour> volunteers) {
        return new SimulationSettings(portal, volunteers, Duration.ZERO, Duration.ofSeconds(60), null, 0, false,
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(500), 0, 1, null);
    }

    public SimulationSettings withWarmup(Duration d) {
        return new SimulationSettings(portal, volunteers, d, duration, untilIdle, maxTasks, precomputed, slowDelay,
                crashPause, idlePoll, rate, seed, stopWhen);
    }

    public SimulationSettings withDuration(Duration d) {
        return new SimulationSettings(portal, volunteers, warmup, d, untilIdle, maxTasks, precomputed, slowDelay,
                crashPause, idlePoll, rate, seed, stopWhen);
    }

    public SimulationSettings withUntilIdle(Duration d) {
        return new SimulationSettings(portal, volunteers, warmup, duration, d, maxTasks, precomputed, slowDelay,
                crashPause, idlePoll, rate, seed, stopWhen);
    }

    public SimulationSettings withMaxTasks(int n) {
        return new SimulationSettings(portal, volunteers, warmup, duration, untilIdle, n, precomputed, slowDelay,
                crashPause, idlePoll, rate, seed, stopWhen);
    }

    public SimulationSettings withPrecomputed(boolean p) {
        return new SimulationSettings(portal, volunteers, warmup, duration, untilIdle, maxTasks, p, slowDelay,
                crashPause, idlePoll, rate, seed, stopWhen);
    }

    public SimulationSettings withSlowDelay(Duration d) {
        return new SimulationSettings(portal, volunteers, warmup, duration, untilIdle, maxTasks, precomputed, d,
                crashPause, idlePoll, rate, seed, stopWhen);
    }

    public SimulationSettings withCrashPause(Duration d) {
        return new SimulationSettings(portal, volunteers, warmup, duration, untilIdle, maxTasks, precomputed, slowDelay,
                d, idlePoll, rate, seed, stopWhen);
    }

    public SimulationSettings withIdlePoll(Duration d) {
        return new SimulationSettings(portal, volunteers, warmup, duration, untilIdle, maxTasks, precomputed, slowDelay,
                crashPause, d, rate, seed, stopWhen);
    }

    public SimulationSettings withRate(double r) {
        return new SimulationSettings(portal, volunteers, warmup, duration, untilIdle, maxTasks, precomputed, slowDelay,
                crashPause, idlePoll, r, seed, stopWhen);
    }

    public SimulationSettings withSeed(long s) {
        return new SimulationSettings(portal, volunteers, warmup, duration, untilIdle, maxTasks, precomputed, slowDelay,
                crashPause, idlePoll, rate, s, stopWhen);
    }

    public SimulationSettings withStopWhen(BooleanSupplier condition) {
        return new SimulationSettings(portal, volunteers, warmup, duration, untilIdle, maxTasks, precomputed, slowDelay,
                crashPause, idlePoll, rate, seed, condition);
    }
}
