package io.pocketgrid.portal.work;

import io.pocketgrid.portal.storage.BlobStore;
import java.time.Instant;

/** A result whose every check passed and whose outputs are stored; the outcome is its receipt. */
final class ResultWrite extends GroupCommit.Write<Receipt> {
    final long leaseId;
    final long taskId;
    final long volunteerId;
    final BlobStore.Small blob;
    final String dims;
    final Long elapsedMs;
    final Instant receivedAt;
    final float[] outputs;
    /** Picked for the server's spot check: judged once the server has recomputed it, off the request path. */
    final boolean spotCheck;

    ResultWrite(long leaseId, long taskId, long volunteerId, BlobStore.Small blob, String dims, Long elapsedMs,
             Instant receivedAt, float[] outputs, boolean spotCheck) {
        this.leaseId = leaseId;
        this.taskId = taskId;
        this.volunteerId = volunteerId;
        this.blob = blob;
        this.dims = dims;
        this.elapsedMs = elapsedMs;
        this.receivedAt = receivedAt;
        this.outputs = outputs;
        this.spotCheck = spotCheck;
    }
}
