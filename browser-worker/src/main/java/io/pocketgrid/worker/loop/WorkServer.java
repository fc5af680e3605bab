package io.pocketgrid.worker.loop;

import io.pocketgrid.worker.engine.Tensor;
import java.util.Map;

/**
 * The server as the worker loop sees it. The browser build talks HTTP through XMLHttpRequest, the
 * JVM simulator through java.net.http; the loop does not care. Inputs and outputs travel as
 * {@link TensorFrames}.
 */
public interface WorkServer {

    /** Asks for work; {@code null} when the server has none right now. */
    Lease lease();

    /**
     * The ONNX file with the lease's SHA-256, or {@code null} when the host is still fetching it
     * asynchronously (the loop then answers {@link StepOutcome#NEEDS_MODEL} and asks again later).
     */
    byte[] model(Lease lease);

    /** The task's inputs by graph input name, each as the lease describes it. */
    Map<String, Tensor> input(Lease lease);

    /** Sends the outputs of a finished lease, by graph output name in the lease's order. */
    void submit(Lease lease, Map<String, Tensor> outputs, long elapsedMs);

    /**
     * Gives an unfinished lease back, so the server offers its task to someone else at once instead
     * of at expiry ({@code POST /api/v1/work/{leaseId}/release}).
     */
    default void release(Lease lease) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot give leases back");
    }
}
