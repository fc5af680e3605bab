package io.pocketgrid.portal.validation;

import io.pocketgrid.portal.storage.Utc;
import io.pocketgrid.portal.volunteer.ResultCounts;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
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

    /**
     * Inserts the results as PENDING, one batched statement whose ids come back with it (one round trip of
     * the result writer; a second query for them was another); their ids by lease id.
     */
    Map<Long, Long> insert(List<ValidationService.Received> received) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.batchUpdate(c -> c.prepareStatement("INSERT INTO result (assignment_id, task_id, volunteer_id, output_sha256,"
                + " output_dims, elapsed_ms, received_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING')",
                new String[] {"id", "assignment_id"}), new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement ps, int i) throws SQLException {
                        ValidationService.Received r = received.get(i);
                        ps.setLong(1, r.leaseId());
                        ps.setLong(2, r.taskId());
                        ps.setLong(3, r.volunteerId());
                        ps.setString(4, r.outputSha256());
                        ps.setString(5, r.dims());
                        if (r.elapsedMs() == null) {
                            ps.setNull(6, Types.BIGINT);
                        } else {
                            ps.setLong(6, r.elapsedMs());
                        }
                        ps.setObject(7, Utc.at(r.receivedAt()));
                    }

                    @Override
                    public int getBatchSize() {
                        return received.size();
                    }
                }, keys);
        Map<Long, Long> ids = new HashMap<>();
        for (Map<String, Object> row : keys.getKeyList()) {
            Map<String, Object> key = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            key.putAll(row);
            ids.put(((Number) key.get("assignment_id")).longValue(), ((Number) key.get("id")).longValue());
        }
        if (ids.size() != received.size()) {
            throw new IllegalStateException("stored " + received.size() + " results but got back the ids of " + ids.size());
        }
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
