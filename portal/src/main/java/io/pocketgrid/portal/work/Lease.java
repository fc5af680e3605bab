package io.pocketgrid.portal.work;

import java.time.Instant;

/** A replica handed to a volunteer, as the worker receives it (JSON of {@code POST /api/v1/work/lease}). */
public record Lease(long leaseId, String leaseToken, long taskId, String modelSha256, String modelUrl,
                    String inputUrl, String inputName, String outputName, int[] inputDims, int[] outputDims,
                    Instant deadline, long deadlineEpochMs) {
}
