package io.pocketgrid.portal.project;

import java.time.Instant;
import java.util.List;

/**
 * A project as owners and the public see it.
 *
 * @param itemsPerSecond   validated items per second over the last ten minutes
 * @param accuracy         share of validated items whose canonical argmax equals the label; null without labels
 * @param failedTasks      ids of FAILED tasks (their rows stay NaN in the results)
 */
public record ProjectProgress(long id, String name, String description, ProjectStatus status, int items,
                              int inputsPerTask, int tasks, int tasksValidated, int tasksFailed, int tasksOpen,
                              int resultsReceived, double progress, double itemsPerSecond, Double accuracy,
                              int accuracyItems, long flopsPerItem, int replication, int quorum, int priority,
                              Instant createdAt, Instant completedAt, List<Long> failedTasks) {
}
