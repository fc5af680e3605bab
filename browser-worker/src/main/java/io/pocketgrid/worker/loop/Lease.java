package io.pocketgrid.worker.loop;

/**
 * One replica of a task handed to this worker. Mirrors the JSON of {@code POST /api/v1/work/lease}.
 *
 * @param inputDims  dims of the whole task input, item axis first
 * @param outputDims dims the server expects back, item axis first
 */
public record Lease(
        long leaseId,
        String leaseToken,
        long taskId,
        String modelSha256,
        String modelUrl,
        String inputUrl,
        String inputName,
        String outputName,
        int[] inputDims,
        int[] outputDims,
        long deadlineEpochMs) {
}
