package io.pocketgrid.portal.work;

import io.pocketgrid.portal.storage.Utc;
import io.pocketgrid.portal.validation.ValidationService;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Repository;

/**
 * The {@code assignment} and {@code task} statements of {@link LeaseService} and {@link ResultService} off the
 * batched hot paths: the sweep, a lease given back, a lease looked up, a banned volunteer's work ended.
 */
@Repository
class LeaseRows {

    private final JdbcTemplate jdbc;

    LeaseRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A lease as stored: who holds it, its task, and where it stands. */
    record Stored(LeaseRegistry.Issued lease, AssignmentStatus status) {
    }

    Optional<Stored> lease(long leaseId) {
        return jdbc.query("""
                SELECT a.volunteer_id, a.status, a.expires_at, t.project_id, t.start_item, t.end_item, t.id, t.quorum
                FROM assignment a JOIN task t ON t.id = a.task_id WHERE a.id = ?""",
                (rs, i) -> new Stored(new LeaseRegistry.Issued(leaseId, rs.getLong(1), rs.getLong(7), rs.getLong(4),
                        rs.getInt(5), rs.getInt(6), rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getInt(8) == 1),
                        AssignmentStatus.valueOf(rs.getString(2))), leaseId).stream().findFirst();
    }

    /** A lease given back before its deadline: its task is offered again. False when it was no longer out. */
    boolean giveBack(long leaseId, long taskId) {
        if (jdbc.update("UPDATE assignment SET status = 'GIVEN_BACK' WHERE id = ? AND status = 'LEASED'", leaseId) != 1) {
            return false;
        }
        jdbc.update("UPDATE task SET wanted = TRUE WHERE id = ? AND status = 'OPEN'", taskId);
        return true;
    }

    /** See {@link LeaseService#endWorkOfBanned}. */
    int endWorkOf(long volunteerId, List<ValidationService.Pending> pending, Instant now) {
        SqlArrayValue leases = new SqlArrayValue("BIGINT", pending.stream().map(ValidationService.Pending::leaseId).toArray());
        SqlArrayValue tasks = new SqlArrayValue("BIGINT", pending.stream().map(ValidationService.Pending::taskId).toArray());
        jdbc.update("UPDATE assignment SET status = 'EXPIRED' WHERE id = ANY(?)", leases);
        jdbc.update("UPDATE task SET wanted = TRUE WHERE status = 'OPEN' AND id = ANY(?)", tasks);
        jdbc.update("UPDATE task SET wanted = TRUE WHERE status = 'OPEN' AND id IN (SELECT task_id FROM assignment"
                + " WHERE volunteer_id = ? AND status = 'LEASED')", volunteerId);
        return jdbc.update("UPDATE assignment SET status = 'EXPIRED', expires_at = ? WHERE volunteer_id = ?"
                + " AND status = 'LEASED'", Utc.at(now), volunteerId);
    }

    /** Leases past their deadline end. */
    void expire(Instant now) {
        jdbc.update("UPDATE assignment SET status = 'EXPIRED' WHERE status = 'LEASED' AND expires_at <= ?", Utc.at(now));
    }

    /** Every open task with a free replica that is not offered is offered again (the hint recomputed). */
    void reofferFree(Instant now) {
        jdbc.update("""
                UPDATE task SET wanted = TRUE WHERE status = 'OPEN' AND wanted = FALSE
                  AND target_replicas > (SELECT COUNT(*) FROM assignment a WHERE a.task_id = task.id
                       AND (a.status = 'RETURNED' OR (a.status = 'LEASED' AND a.expires_at > ?)))""", Utc.at(now));
    }
}
