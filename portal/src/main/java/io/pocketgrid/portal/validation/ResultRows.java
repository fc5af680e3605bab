package io.pocketgrid.portal.validation;

import io.pocketgrid.portal.storage.Utc;
import io.pocketgrid.portal.volunteer.ResultCounts;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Repository;

/**
 * The SQL of the {@code result} table outside a validation batch's read and write ({@link TaskBook}): this
 * package owns the table; the work writer stores results through {@link ValidationService#store}, the
 * volunteer's figures ask through {@link ResultCounts}, an admin's ban through
 * {@link ValidationService#discardPending}.
 */
@Repository
class ResultRows implements ResultCounts {

    private final JdbcTemplate jdbc;

    ResultRows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the results as PENDING, one batched statement; their ids by lease id. */
    Map<Long, Long> insert(List<ValidationService.Received> received) {
        jdbc.batchUpdate("INSERT INTO result (assignment_id, task_id, volunteer_id, output_sha256, output_dims, elapsed_ms,"
                + " received_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING')", received.stream().map(r -> new Object[] {
                r.leaseId(), r.taskId(), r.volunteerId(), r.outputSha256(), r.dims(),
                new SqlParameterValue(Types.BIGINT, r.elapsedMs()), Utc.at(r.receivedAt())}).toList());
        Map<Long, Long> ids = new HashMap<>();
        jdbc.query("SELECT id, assignment_id FROM result WHERE assignment_id = ANY(?)", rs -> {
            ids.put(rs.getLong(2), rs.getLong(1));
        }, new SqlArrayValue("BIGINT", received.stream().map(ValidationService.Received::leaseId).toArray()));
        return ids;
    }

    @Override
    public Counts of(long volunteerId) {
        int[] counts = new int[3];
        jdbc.query("SELECT status, COUNT(*) FROM result WHERE volunteer_id = ? GROUP BY status", rs -> {
            counts[0] += rs.getInt(2);
            if (ResultStatus.VALID.name().equals(rs.getString(1))) {
                counts[1] = rs.getInt(2);
            } else if (ResultStatus.PENDING.name().equals(rs.getString(1))) {
                counts[2] = rs.getInt(2);
            }
        }, volunteerId);
        return new Counts(counts[0], counts[1], counts[2]);
    }

    /** The volunteer of a result that still waits for its verdict; empty once it is judged. */
    java.util.Optional<Long> pendingVolunteer(long resultId) {
        return jdbc.queryForList("SELECT volunteer_id FROM result WHERE id = ? AND status = 'PENDING'", Long.class, resultId)
                .stream().findFirst();
    }

    List<ValidationService.Pending> pending(long volunteerId) {
        return jdbc.query("SELECT assignment_id, task_id FROM result WHERE volunteer_id = ? AND status = 'PENDING'",
                (rs, i) -> new ValidationService.Pending(rs.getLong(1), rs.getLong(2)), volunteerId);
    }

    int discardPending(long volunteerId) {
        return jdbc.update("UPDATE result SET status = 'DISCARDED' WHERE volunteer_id = ? AND status = 'PENDING'",
                volunteerId);
    }
}
