package io.pocketgrid.portal.work;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes a batch of leases: one INSERT per replica, batched, that only succeeds while the task is
 * still open, still claimed by this instance and its project still running. A lease whose insert
 * found nothing gets {@code null}, so the caller takes another replica.
 */
@Component
class LeaseWrites {

    /** A replica taken from the feeder, to be stored as an assignment; the outcome is its id. */
    static final class LeaseOp extends WorkWriter.Op<Long> {
        final Feeder.Pick pick;
        final long volunteerId;
        final Instant issuedAt;
        final Instant expiresAt;

        LeaseOp(Feeder.Pick pick, long volunteerId, Instant issuedAt, Instant expiresAt) {
            this.pick = pick;
            this.volunteerId = volunteerId;
            this.issuedAt = issuedAt;
            this.expiresAt = expiresAt;
        }

        long taskId() {
            return pick.slot().taskId;
        }
    }

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;

    LeaseWrites(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
    }

    void write(List<LeaseOp> ops) {
        if (ops.isEmpty()) {
            return;
        }
        // task order everywhere, so two batches never wait on each other's task rows in a cycle
        List<LeaseOp> sorted = ops.stream().sorted(Comparator.comparingLong(LeaseOp::taskId)).toList();
        jdbc.batchUpdate("""
                INSERT INTO assignment (task_id, volunteer_id, status, issued_at, expires_at)
                SELECT t.id, ?, 'LEASED', ?, ? FROM task t JOIN project p ON p.id = t.project_id
                WHERE t.id = ? AND t.status = 'OPEN' AND t.claimed_by = ? AND p.status = 'RUNNING'""",
                sorted.stream().map(op -> new Object[] {op.volunteerId, LeaseService.at(op.issuedAt),
                        LeaseService.at(op.expiresAt), op.taskId(), op.pick.slot().claim}).toList());
        Map<String, Long> ids = new HashMap<>();
        named.query("SELECT id, task_id, volunteer_id FROM assignment WHERE task_id IN (:tasks) AND status = 'LEASED'",
                new MapSqlParameterSource("tasks", sorted.stream().map(LeaseOp::taskId).distinct().toList()),
                rs -> {
                    ids.put(rs.getLong(2) + "/" + rs.getLong(3), rs.getLong(1));
                });
        List<Object[]> single = new ArrayList<>();
        List<Object[]> exhausted = new ArrayList<>();
        for (LeaseOp op : sorted) {
            Long id = ids.get(op.taskId() + "/" + op.volunteerId);
            op.succeed(id);
            if (id != null && op.pick.single()) {
                // adaptive replication: a trusted volunteer computes this fresh task alone
                single.add(new Object[] {op.taskId()});
            }
            if (id != null && op.pick.exhausted()) {
                exhausted.add(new Object[] {op.taskId(), op.pick.slot().claim});
            }
        }
        if (!single.isEmpty()) {
            jdbc.batchUpdate("UPDATE task SET quorum = 1, target_replicas = 1 WHERE id = ? AND status = 'OPEN'", single);
        }
        if (!exhausted.isEmpty()) {
            // every replica is out: the claim ends; the sweep offers the task again if one comes back
            jdbc.batchUpdate("UPDATE task SET claimed_by = NULL, claimed_until = NULL, wanted = FALSE"
                    + " WHERE id = ? AND claimed_by = ?", exhausted);
        }
    }
}
