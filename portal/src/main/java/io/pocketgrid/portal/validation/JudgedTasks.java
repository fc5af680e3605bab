package io.pocketgrid.portal.validation;

import io.pocketgrid.portal.project.TaskStatus;
import java.time.Instant;
import java.util.List;

/**
 * The task rows a validation batch reads and changes. The {@code task} table belongs to the work queue
 * ({@code work}, which stores results and sits above this package), so validation asks through this
 * interface and {@code work} implements it.
 */
public interface JudgedTasks {

    /** A task as validation reads it; {@code canonicalResultId} 0 when it has none. */
    record Row(long id, long projectId, TaskStatus status, int quorum, int targetReplicas, int errorCount,
               long canonicalResultId, int items) {
    }

    /**
     * What validation decided about a task.
     *
     * @param canonicalResultId null to keep the one it has
     * @param validatedAt       null to keep the one it has
     * @param wanted            true: offer it again (it needs one more replica); false leaves the hint alone
     */
    record Change(long id, TaskStatus status, int quorum, int targetReplicas, int errorCount, Long canonicalResultId,
                  Instant validatedAt, boolean wanted) {
    }

    /**
     * Locks the tasks' rows in id order until the caller's transaction ends, and reads them: what a batch
     * judges is what it holds. In id order; a task that does not exist is left out.
     */
    List<Row> lock(List<Long> ids);

    /** One batched statement. */
    void write(List<Change> changes);
}
