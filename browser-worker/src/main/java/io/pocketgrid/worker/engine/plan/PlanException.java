package io.pocketgrid.worker.engine.plan;

/**
 * Why a graph, or one input shape, does not fit the accelerated plan. Never an error for the
 * caller: the engine then runs the graph on its generic path.
 */
public final class PlanException extends Exception {

    private static final long serialVersionUID = 1L;

    public PlanException(String message) {
        super(message);
    }
}
