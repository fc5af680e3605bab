package io.pocketgrid.portal.work;

import static io.pocketgrid.portal.storage.Databases.array;

import io.pocketgrid.portal.project.ProjectTasks;
import io.pocketgrid.portal.project.TaskStatus;
import io.pocketgrid.portal.storage.Databases;
import io.pocketgrid.portal.storage.Utc;
import io.pocketgrid.portal.validation.JudgedTasks;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Repository;

/**
 * The {@code task} SQL that other features ask for: projects (through {@link ProjectTasks}) and validation
 * (through {@link JudgedTasks}), both below this package. The work queue owns {@code task} and
 * {@code assignment}; its own hot paths ({@link Feeder}, {@link LeaseBatch}, {@link ResultBatch},
 * {@link LeaseService}) keep their statements where they run.
 */
@Repository
class TaskRows implements ProjectTasks, JudgedTasks {

    private final JdbcTemplate jdbc;
    /**
     * Locks tasks' rows in id order and reads them, one statement: one array parameter, not an IN list, so
     * the statement text is the same for every batch size and both databases parse and plan it once. On
     * PostgreSQL the lock is {@code FOR NO KEY UPDATE}, what the writer's own UPDATE of the row takes: it
     * lets the lease writer's inserts (whose foreign key takes {@code FOR KEY SHARE} on the task) go on
     * while a result batch holds the task; {@code FOR UPDATE} made them wait for its commit. H2 knows only
     * {@code FOR UPDATE}.
     */
    private final String lock;
    private final boolean postgres;

    TaskRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.postgres = Databases.isPostgres(jdbc);
        this.lock = """
                SELECT id, project_id, status, quorum, target_replicas, error_count, canonical_result_id,
                       end_item - start_item
                FROM task WHERE id = ANY(?) ORDER BY id""" + (postgres ? " FOR NO KEY UPDATE" : " FOR UPDATE");
    }

    @Override
    public void create(long projectId, int itemCount, int inputsPerTask, int quorum, int replication) {
        List<Object[]> rows = new ArrayList<>();
        for (int start = 0; start < itemCount; start += inputsPerTask) {
            rows.add(new Object[] {projectId, start, Math.min(start + inputsPerTask, itemCount), quorum, replication});
        }
        jdbc.batchUpdate("INSERT INTO task (project_id, start_item, end_item, status, quorum, target_replicas)"
                + " VALUES (?, ?, ?, 'OPEN', ?, ?)", rows);
    }

    @Override
    public void cancelOpen(long projectId) {
        jdbc.update("UPDATE task SET status = 'CANCELLED' WHERE project_id = ? AND status = 'OPEN'", projectId);
    }

    @Override
    public void retryFailed(long projectId, int quorum, int replication) {
        jdbc.update("""
                UPDATE task SET status = 'OPEN', error_count = 0, wanted = TRUE, quorum = ?, claimed_by = NULL,
                       claimed_until = NULL, target_replicas = ? + (SELECT COUNT(*) FROM assignment a
                         WHERE a.task_id = task.id AND a.status = 'RETURNED')
                WHERE project_id = ? AND status = 'FAILED'""", quorum, replication, projectId);
    }

    @Override
    public Counts counts(long projectId, Instant recentSince) {
        int[] byStatus = new int[4];
        long[] items = new long[3];
        jdbc.query("""
                SELECT status, COUNT(*), COALESCE(SUM(end_item - start_item), 0),
                       COALESCE(SUM(CASE WHEN validated_at > ? THEN end_item - start_item ELSE 0 END), 0)
                FROM task WHERE project_id = ? GROUP BY status""", rs -> {
            int n = rs.getInt(2);
            byStatus[0] += n;
            items[2] += rs.getLong(4);
            switch (TaskStatus.valueOf(rs.getString(1))) {
                case VALIDATED -> {
                    byStatus[1] = n;
                    items[0] = rs.getLong(3);
                }
                case FAILED -> {
                    byStatus[2] = n;
                    items[1] = rs.getLong(3);
                }
                case OPEN -> byStatus[3] = n;
                default -> { }
            }
        }, Utc.at(recentSince), projectId);
        Integer received = jdbc.queryForObject("SELECT COUNT(*) FROM result r JOIN task t ON t.id = r.task_id"
                + " WHERE t.project_id = ?", Integer.class, projectId);
        List<Long> failed = jdbc.queryForList("SELECT id FROM task WHERE project_id = ? AND status = 'FAILED'"
                + " ORDER BY id FETCH FIRST 100 ROWS ONLY", Long.class, projectId);
        return new Counts(byStatus[0], byStatus[1], byStatus[2], byStatus[3], items[0], items[1], items[2],
                received == null ? 0 : received, failed);
    }

    @Override
    public List<Validated> validatedSince(long projectId, Instant since) {
        return jdbc.query("SELECT validated_at, end_item - start_item FROM task WHERE project_id = ? AND validated_at > ?",
                (rs, i) -> new Validated(rs.getObject(1, java.time.OffsetDateTime.class).toInstant(), rs.getInt(2)),
                projectId, Utc.at(since));
    }

    @Override
    public List<Canonical> canonical(long projectId) {
        return jdbc.query("SELECT t.start_item, t.end_item, r.output_sha256 FROM task t JOIN result r"
                        + " ON r.id = t.canonical_result_id WHERE t.project_id = ? AND t.status = 'VALIDATED'"
                        + " ORDER BY t.start_item",
                (rs, i) -> new Canonical(rs.getInt(1), rs.getInt(2), rs.getString(3)), projectId);
    }

    @Override
    public boolean allHandedOut(long projectId) {
        Integer fresh = jdbc.queryForObject("SELECT COUNT(*) FROM task t WHERE t.project_id = ? AND t.status = 'OPEN'"
                + " AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.task_id = t.id)", Integer.class, projectId);
        return fresh != null && fresh == 0;
    }

    @Override
    public Optional<Range> range(long taskId) {
        return jdbc.query("SELECT project_id, start_item, end_item FROM task WHERE id = ?",
                (rs, i) -> new Range(rs.getLong(1), rs.getInt(2), rs.getInt(3)), taskId).stream().findFirst();
    }

    @Override
    public List<Row> lock(List<Long> ids) {
        return jdbc.query(lock, (rs, i) -> new Row(rs.getLong(1), rs.getLong(2), TaskStatus.valueOf(rs.getString(3)),
                rs.getInt(4), rs.getInt(5), rs.getInt(6), rs.getLong(7), rs.getInt(8)),
                new SqlArrayValue("BIGINT", ids.stream().distinct().sorted().toArray()));
    }

    @Override
    public void write(List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        if (postgres) {
            jdbc.update("""
                    UPDATE task t SET status = v.status, quorum = v.quorum, target_replicas = v.target,
                           error_count = v.errors, canonical_result_id = COALESCE(v.canonical, t.canonical_result_id),
                           validated_at = COALESCE(v.validated::timestamptz, t.validated_at),
                           wanted = CASE WHEN v.wanted THEN TRUE ELSE t.wanted END
                    FROM unnest(?::bigint[], ?::varchar[], ?::int[], ?::int[], ?::int[], ?::bigint[], ?::varchar[],
                                ?::boolean[]) AS v(id, status, quorum, target, errors, canonical, validated, wanted)
                    WHERE t.id = v.id""",
                    array("bigint", changes, Change::id), array("varchar", changes, c -> c.status().name()),
                    array("int", changes, Change::quorum), array("int", changes, Change::targetReplicas),
                    array("int", changes, Change::errorCount), array("bigint", changes, Change::canonicalResultId),
                    array("varchar", changes, c -> c.validatedAt() == null ? null : c.validatedAt().toString()),
                    array("boolean", changes, Change::wanted));
            return;
        }
        jdbc.batchUpdate("""
                UPDATE task SET status = ?, quorum = ?, target_replicas = ?, error_count = ?,
                       canonical_result_id = COALESCE(?, canonical_result_id), validated_at = COALESCE(?, validated_at),
                       wanted = CASE WHEN ? = 1 THEN TRUE ELSE wanted END
                WHERE id = ?""", changes.stream().map(c -> new Object[] {c.status().name(), c.quorum(),
                c.targetReplicas(), c.errorCount(), new SqlParameterValue(Types.BIGINT, c.canonicalResultId()),
                new SqlParameterValue(Types.TIMESTAMP_WITH_TIMEZONE, Utc.at(c.validatedAt())), c.wanted() ? 1 : 0,
                c.id()}).toList());
    }
}
