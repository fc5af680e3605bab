package io.pocketgrid.portal.sim;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the database says about one project's work, read with plain SQL. */
final class GridState {

    /** A task and the result that became canonical for it (null columns when there is none). */
    record Canonical(long taskId, String taskStatus, Long resultId, String resultStatus, String outputSha256,
                     Long volunteerId) {
    }

    /** A result with its credit (0 when none was granted). */
    record Credited(long resultId, long taskId, String status, String outputSha256, long microCredits) {
    }

    /** Rows a refused request must not touch. */
    record Snapshot(int results, int credits, long microCredits, String assignmentStatus) {
    }

    private final JdbcTemplate jdbc;
    private final long projectId;

    GridState(JdbcTemplate jdbc, long projectId) {
        this.jdbc = jdbc;
        this.projectId = projectId;
    }

    String projectStatus() {
        return jdbc.queryForObject("SELECT status FROM project WHERE id = ?", String.class, projectId);
    }

    int tasks() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM task WHERE project_id = ?", Integer.class, projectId);
    }

    Map<String, Integer> tasksByStatus() {
        Map<String, Integer> m = new TreeMap<>();
        jdbc.query("SELECT status, COUNT(*) FROM task WHERE project_id = ? GROUP BY status",
                rs -> {
                    m.put(rs.getString(1), rs.getInt(2));
                }, projectId);
        return m;
    }

    List<Canonical> canonical() {
        return jdbc.query("""
                SELECT t.id, t.status, r.id, r.status, r.output_sha256, r.volunteer_id
                FROM task t LEFT JOIN result r ON r.id = t.canonical_result_id
                WHERE t.project_id = ? ORDER BY t.id""",
                (rs, i) -> new Canonical(rs.getLong(1), rs.getString(2), (Long) rs.getObject(3), rs.getString(4),
                        rs.getString(5), (Long) rs.getObject(6)), projectId);
    }

    /** The database id of the volunteer the simulator knows by its public id. */
    long volunteerId(String publicId) {
        return jdbc.queryForObject("SELECT id FROM volunteer WHERE public_id = ?", Long.class, publicId);
    }

    /** Every result of this volunteer in this project, with the credit (summed from the credit table) it earned. */
    List<Credited> results(long volunteerId) {
        return jdbc.query("""
                SELECT r.id, r.task_id, r.status, r.output_sha256, COALESCE(SUM(c.micro_credits), 0)
                FROM result r JOIN task t ON t.id = r.task_id LEFT JOIN credit c ON c.result_id = r.id
                WHERE r.volunteer_id = ? AND t.project_id = ?
                GROUP BY r.id, r.task_id, r.status, r.output_sha256 ORDER BY r.id""",
                (rs, i) -> new Credited(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5)),
                volunteerId, projectId);
    }

    int assignments(long volunteerId) {
        return jdbc.queryForObject("""
                SELECT COUNT(*) FROM assignment a JOIN task t ON t.id = a.task_id
                WHERE a.volunteer_id = ? AND t.project_id = ?""", Integer.class, volunteerId, projectId);
    }

    /** Credit rows that do not match their result: not VALID, or not {@code flops × items / 1000} micro-credits. */
    int inconsistentCredits() {
        return jdbc.queryForObject("""
                SELECT COUNT(*) FROM credit c JOIN result r ON r.id = c.result_id JOIN task t ON t.id = r.task_id
                JOIN project p ON p.id = t.project_id
                WHERE p.id = ? AND (r.status <> 'VALID' OR c.volunteer_id <> r.volunteer_id
                      OR c.micro_credits <> p.flops_per_item * (t.end_item - t.start_item) / 1000)""",
                Integer.class, projectId);
    }

    /** VALID results without exactly one credit row. */
    int validResultsWithoutOneCredit() {
        return jdbc.queryForObject("""
                SELECT COUNT(*) FROM result r JOIN task t ON t.id = r.task_id
                WHERE t.project_id = ? AND r.status = 'VALID'
                  AND (SELECT COUNT(*) FROM credit c WHERE c.result_id = r.id) <> 1""", Integer.class, projectId);
    }

    /** Volunteers whose running total differs from the sum of their credit rows. */
    int volunteersWithWrongTotals() {
        return jdbc.queryForObject("""
                SELECT COUNT(*) FROM volunteer v
                WHERE v.total_micro_credits <> (SELECT COALESCE(SUM(c.micro_credits), 0) FROM credit c
                                                WHERE c.volunteer_id = v.id)""", Integer.class);
    }

    Snapshot snapshot(long leaseId) {
        List<String> status = jdbc.queryForList("SELECT status FROM assignment WHERE id = ?", String.class, leaseId);
        return new Snapshot(jdbc.queryForObject("SELECT COUNT(*) FROM result", Integer.class),
                jdbc.queryForObject("SELECT COUNT(*) FROM credit", Integer.class),
                jdbc.queryForObject("SELECT COALESCE(SUM(micro_credits), 0) FROM credit", Long.class),
                status.isEmpty() ? null : status.getFirst());
    }
}
