package io.pocketgrid.portal.project;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What projects need of their tasks. The {@code task} table belongs to the work queue ({@code work}, which
 * hands tasks out and sits above this package), so a project asks through this interface and {@code work}
 * implements it; nothing in this package writes or reads {@code task} itself.
 */
public interface ProjectTasks {

    /** A task's items: {@code [start, end)} of its project's inputs. */
    record Range(long projectId, int start, int end) {
    }

    /**
     * How a project's tasks stand.
     *
     * @param received     results received for its tasks, judged or not
     * @param recentItems  items validated since the time asked about
     * @param firstFailed  the first 100 failed tasks' ids
     */
    record Counts(int tasks, int validated, int failed, int open, long itemsValidated, long itemsFailed, long recentItems,
                  int received, List<Long> firstFailed) {
    }

    /** A validated task's items and its canonical result's stored outputs. */
    record Canonical(int start, int end, String outputSha256) {
    }

    /** When a task was validated and how many items it held. */
    record Validated(Instant at, int items) {
    }

    /** Cuts a new project into tasks of {@code inputsPerTask} items, all OPEN. */
    void create(long projectId, int itemCount, int inputsPerTask, int quorum, int replication);

    /** Cancels the project's OPEN tasks (validated ones keep their results). */
    void cancelOpen(long projectId);

    /**
     * Opens the FAILED tasks of a project again, each wanting a full replication more than the replicas it
     * had (its earlier volunteers never get it again, and their results stay invalid).
     */
    void retryFailed(long projectId, int quorum, int replication);

    Counts counts(long projectId, Instant recentSince);

    /** The project's tasks validated after {@code since}. */
    List<Validated> validatedSince(long projectId, Instant since);

    /** The validated tasks in item order, with their canonical results. */
    List<Canonical> canonical(long projectId);

    /** Whether every OPEN task of the project has been leased at least once. */
    boolean allHandedOut(long projectId);

    Optional<Range> range(long taskId);
}
