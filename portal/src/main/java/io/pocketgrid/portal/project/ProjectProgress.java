package io.pocketgrid.portal.project;

import java.time.Instant;
import java.util.List;

/**
 * A project as owners and the public see it.
 *
 * @param itemsPerSecond   validated items per second over the last ten minutes
 * @param accuracy         share of validated items whose canonical argmax equals the label; null without labels
 * @param failedTasks      ids of FAILED tasks (their rows stay NaN in the results)
 * @param itemsFailed      items in FAILED tasks: what an INCOMPLETE project lacks
 * @param statusNote       what the status means for the owner, in a sentence; empty when the status says it all
 * @param inputs           the graph inputs each task carries, in order
 * @param outputs          the graph outputs each result carries, in order (the results file holds these)
 * @param modelBytes       the size of the ONNX file every volunteer downloads
 * @param labelled         whether the owner gave labels (accuracy follows once tasks are validated)
 */
public record ProjectProgress(long id, String name, String description, ProjectStatus status, int items,
                              int inputsPerTask, int tasks, int tasksValidated, int tasksFailed, int tasksOpen,
                              int resultsReceived, double progress, double itemsPerSecond, Double accuracy,
                              int accuracyItems, long flopsPerItem, int replication, int quorum, int priority,
                              Instant createdAt, Instant completedAt, List<Long> failedTasks,
                              int itemsFailed, String statusNote, List<Tensor> inputs, List<Tensor> outputs,
                              long modelBytes, boolean labelled) {

    /** A tensor of every item: graph name, element type (float32, int64, ...) and the dims of one item. */
    public record Tensor(String name, String dtype, int[] itemDims) {

        static Tensor of(ProjectTensor t) {
            return new Tensor(t.name(), t.dtype(), t.itemDims());
        }
    }

    /** What a status means for the owner, in a sentence; empty when the status says it all. */
    static String note(ProjectStatus status, int items, int itemsFailed, int tasksFailed) {
        return status == ProjectStatus.INCOMPLETE ? String.format(java.util.Locale.ROOT, "every task was tried, but %d"
                + " of %d items are missing: %d tasks failed because volunteers with a good record kept disagreeing"
                + " on them (or too many results disagreed). Resume to run them again.", itemsFailed, items, tasksFailed)
                : "";
    }
}
