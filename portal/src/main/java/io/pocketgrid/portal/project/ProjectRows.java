package io.pocketgrid.portal.project;

import io.pocketgrid.portal.storage.Utc;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The SQL of the {@code project}, {@code project_input} and {@code project_output} tables besides the JPA
 * entity's own; this package owns them, other features go through {@link ProjectService} and
 * {@link ProjectQueries}.
 */
@Repository
class ProjectRows {

    private final JdbcTemplate jdbc;

    ProjectRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Ends a RUNNING project that has no OPEN task left: INCOMPLETE when a task failed, else COMPLETED. "No OPEN
     * task" is asked as "the OPEN task of lowest status and id", which only index {@code task_project_status_ix}
     * (project, status, id; V0015) answers in order, so PostgreSQL probes it (0.04 ms). Asked as NOT EXISTS it ran
     * a sequential scan of the tasks; with {@code status = 'OPEN' ORDER BY id} it walked the primary key past every
     * task done (both 2-4 ms a result batch at 75,000 tasks, and growing): with an equality on status the planner
     * drops status from the order and, reading the statistics, expects an OPEN task among the first ids. The range
     * keeps status in the order.
     */
    private static final String END_FINISHED = """
            UPDATE project SET completed_at = ?, status = CASE WHEN EXISTS (SELECT 1 FROM task
                     WHERE task.project_id = project.id AND task.status = 'FAILED') THEN 'INCOMPLETE' ELSE 'COMPLETED' END
            WHERE status = 'RUNNING' AND (SELECT task.id FROM task WHERE task.project_id = project.id
                     AND task.status BETWEEN 'OPEN' AND 'OPEN' ORDER BY task.status, task.id FETCH FIRST 1 ROWS ONLY) IS NULL""";

    /**
     * Ends the RUNNING projects among these that have no OPEN task left. One statement, not a read of the
     * tasks and then an update: it runs in the result writer's transaction.
     */
    void completeIfDone(Collection<Long> projectIds, Instant at) {
        jdbc.batchUpdate(END_FINISHED + " AND id = ?", projectIds.stream().map(id -> new Object[] {Utc.at(at), id}).toList());
    }

    /**
     * Ends every RUNNING project with tasks none of which is OPEN; how many. The repair for two result
     * batches (on two instances) that finish a project's last two tasks at the same moment: each sees the
     * other's task still open and neither ends the project.
     */
    int completeFinished(Instant at) {
        return jdbc.update(END_FINISHED + " AND EXISTS (SELECT 1 FROM task WHERE task.project_id = project.id)",
                Utc.at(at));
    }

    /** How many projects name this blob as their model, labels or an input. */
    int uses(String sha256) {
        Integer uses = jdbc.queryForObject("SELECT (SELECT COUNT(*) FROM project WHERE model_sha256 = ? OR labels_sha256 = ?)"
                + " + (SELECT COUNT(*) FROM project_input WHERE blob_sha256 = ?)", Integer.class, sha256, sha256, sha256);
        return uses == null ? 0 : uses;
    }

    /** Demo rounds that finished before a later round of their demo finished. */
    Set<Long> supersededDemoRounds() {
        return new HashSet<>(jdbc.queryForList("SELECT p.id FROM project p WHERE p.demo_key IS NOT NULL"
                + " AND p.status IN ('COMPLETED', 'INCOMPLETE') AND EXISTS (SELECT 1 FROM project q"
                + " WHERE q.demo_key = p.demo_key AND q.demo_round > p.demo_round AND q.status IN ('COMPLETED', 'INCOMPLETE'))",
                Long.class));
    }

    List<ProjectQueries.Running> running() {
        return jdbc.query("SELECT id, priority FROM project WHERE status = 'RUNNING'",
                (rs, i) -> new ProjectQueries.Running(rs.getLong(1), rs.getInt(2)));
    }
}
