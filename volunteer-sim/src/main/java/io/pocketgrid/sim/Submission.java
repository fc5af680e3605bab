package io.pocketgrid.sim;

import io.pocketgrid.worker.engine.Tensor;
import io.pocketgrid.worker.loop.Lease;
import io.pocketgrid.worker.loop.TensorFrames;
import java.util.Map;

/**
 * One {@code POST /api/v1/work/{leaseId}/result} exactly as it goes on the wire, so that bad ones
 * can be built as easily as good ones.
 *
 * @param leaseToken {@code X-Lease-Token}, or null to leave the header out
 * @param body       the outputs as a tensor frame ({@link TensorFrames}), as sent (it need not be one)
 */
public record Submission(long leaseId, String leaseToken, byte[] body, long elapsedMs) {

    /** The result an honest worker sends for this lease. */
    public static Submission of(Lease lease, Map<String, Tensor> outputs, long elapsedMs) {
        return new Submission(lease.leaseId(), lease.leaseToken(), TensorFrames.encode(outputs), elapsedMs);
    }
}
