package io.pocketgrid.worker.loop;

/**
 * The server as the worker loop sees it. The browser build talks HTTP through XMLHttpRequest, the
 * JVM simulator through java.net.http; the loop does not care.
 */
public interface WorkServer {

    /** Asks for work; {@code null} when the server has none right now. */
    Lease lease();

    /** The ONNX file with this SHA-256. */
    byte[] model(Lease lease);

    /** The task's inputs, float32, in the lease's input dims. */
    float[] input(Lease lease);

    /** Sends the outputs of a finished lease. */
    void submit(Lease lease, float[] outputs, int[] dims, long elapsedMs);
}
