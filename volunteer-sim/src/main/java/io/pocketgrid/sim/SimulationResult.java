package io.pocketgrid.sim;

import java.util.List;

/**
 * Everything a run recorded.
 *
 * @param startNanos        when the volunteers started ({@link System#nanoTime()})
 * @param measuredFromNanos end of the warm-up: the report counts requests sent from here on
 * @param stopNanos         when a stop condition was met
 * @param stopReason        which one
 */
public record SimulationResult(SimulationSettings settings, List<VolunteerLog> volunteers, long startNanos,
                               long measuredFromNanos, long stopNanos, String stopReason) {

    public SimulationResult {
        volunteers = List.copyOf(volunteers);
    }

    /** The volunteers that behaved this way. */
    public List<VolunteerLog> volunteers(Behaviour behaviour) {
        return volunteers.stream().filter(v -> v.behaviour() == behaviour).toList();
    }

    /** Every request of every volunteer, warm-up included. */
    public List<Call> calls() {
        return volunteers.stream().flatMap(v -> v.calls().stream()).toList();
    }

    public SimulationReport report() {
        return SimulationReport.of(this);
    }
}
