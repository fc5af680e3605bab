package io.pocketgrid.sim;

import io.pocketgrid.worker.loop.Lease;

/**
 * One {@code POST /api/v1/work/{leaseId}/result} exactly as it goes on the wire, so that bad ones
 * can be built as easily as good ones.
 *
 * @param leaseToken {@code X-Lease-Token}, or null to leave the header out
 * @param dims       {@code X-Tensor-Dims}, as sent (it need not match the body)
 * @param body       raw little-endian float32
 */
public record Submission(long leaseId, String leaseToken, String dims, byte[] body, long elapsedMs) {

    /** The result an honest worker sends for this lease. */
    public static Submission of(Lease lease, float[] outputs, int[] dims, long elapsedMs) {
        return new Submission(lease.leaseId(), lease.leaseToken(), Floats.dims(dims), Floats.toBytes(outputs), elapsedMs);
    }
}
