package io.pocketgrid.portal.project;

import static org.assertj.core.api.Assertions.assertThat;

import io.pocketgrid.portal.storage.Utc;
import io.pocketgrid.portal.support.MemoryDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * When a project ends, on a real (in-memory H2) database with the portal's migrations: the result writer's
 * statement for the projects it just finished tasks of, and the sweep that repairs a project two batches
 * finished at the same moment (each saw the other's last task still open).
 */
class ProjectRowsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private JdbcTemplate jdbc;
    private ProjectRows rows;

    @BeforeEach
    void database() {
        jdbc = new JdbcTemplate(MemoryDatabase.migrated("projects"));
        rows = new ProjectRows(jdbc);
    }

    /** A project in {@code status} with tasks in these statuses; every other required column a placeholder. */
    private long project(String status, String... tasks) {
        List<String> columns = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (Map<String, Object> c : jdbc.queryForList("SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE TABLE_NAME = 'PROJECT' AND IS_NULLABLE = 'NO' AND COLUMN_DEFAULT IS NULL"
                + " AND IS_IDENTITY = 'NO' AND COLUMN_NAME <> 'STATUS'")) {
            columns.add((String) c.get("COLUMN_NAME"));
            String type = (String) c.get("DATA_TYPE");
            values.add(type.contains("CHAR") ? "x" : type.contains("TIME") ? Utc.at(NOW.minusSeconds(3600)) : 1);
        }
        columns.add("STATUS");
        values.add(status);
        jdbc.update("INSERT INTO project (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", columns.stream().map(c -> "?").toList()) + ")", values.toArray());
        long id = jdbc.queryForObject("SELECT MAX(id) FROM project", Long.class);
        for (int i = 0; i < tasks.length; i++) {
            jdbc.update("INSERT INTO task (project_id, start_item, end_item, status, quorum, target_replicas)"
                    + " VALUES (?, ?, ?, ?, 2, 2)", id, i, i + 1, tasks[i]);
        }
        return id;
    }

    private String status(long project) {
        return jdbc.queryForObject("SELECT status FROM project WHERE id = ?", String.class, project);
    }

    @Test
    void theResultWriterEndsOnlyTheProjectsItNamesAndOnlyWhenNoTaskIsOpen() {
        long done = project("RUNNING", "VALIDATED", "VALIDATED");
        long failed = project("RUNNING", "VALIDATED", "FAILED");
        long open = project("RUNNING", "VALIDATED", "OPEN");
        long notNamed = project("RUNNING", "VALIDATED");
        rows.completeIfDone(List.of(done, failed, open), NOW);
        assertThat(List.of(status(done), status(failed), status(open), status(notNamed)))
                .containsExactly("COMPLETED", "INCOMPLETE", "RUNNING", "RUNNING");
        assertThat(jdbc.queryForObject("SELECT completed_at FROM project WHERE id = ?", java.time.OffsetDateTime.class, done)
                .toInstant()).isEqualTo(NOW);
    }

    @Test
    void theSweepEndsEveryRunningProjectWhoseTasksAreAllDoneAndNothingElse() {
        long done = project("RUNNING", "VALIDATED", "CANCELLED");
        long failed = project("RUNNING", "FAILED");
        long open = project("RUNNING", "VALIDATED", "OPEN");
        long paused = project("PAUSED", "VALIDATED");
        long empty = project("RUNNING");
        assertThat(rows.completeFinished(NOW)).isEqualTo(2);
        assertThat(List.of(status(done), status(failed), status(open), status(paused), status(empty)))
                .containsExactly("COMPLETED", "INCOMPLETE", "RUNNING", "PAUSED", "RUNNING");
        assertThat(rows.completeFinished(NOW)).isZero();
    }
}
