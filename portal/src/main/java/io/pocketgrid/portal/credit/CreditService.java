package io.pocketgrid.portal.credit;

import io.pocketgrid.portal.storage.Utc;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Exact credit: {@code flopsPerItem × items / 1e9} credits per validated replica, kept as integer
 * micro-credits ({@code flopsPerItem × items / 1000}, rounded down). The unique key on
 * {@code credit.result_id} makes a second grant for one result fail inside the same transaction.
 */
@Service
public class CreditService {

    private final JdbcTemplate jdbc;

    CreditService(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public static long microCredits(long flopsPerItem, int items) {
        return Math.multiplyExact(flopsPerItem, (long) items) / 1000;
    }

    /** Credit for one validated result. */
    public record Grant(long resultId, long volunteerId, long projectId, long microCredits) {
    }

    /**
     * Stores the credit of validated results, one row each, inside the validating transaction; the
     * unique key on {@code credit.result_id} fails the whole batch on a second grant for a result.
     * The volunteers' running totals are added by the caller, in the same transaction.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void record(List<Grant> grants, Instant at) {
        jdbc.batchUpdate("INSERT INTO credit (result_id, volunteer_id, project_id, micro_credits, granted_at)"
                + " VALUES (?, ?, ?, ?, ?)", grants.stream().map(g -> new Object[] {g.resultId(), g.volunteerId(),
                g.projectId(), g.microCredits(), Utc.at(at)}).toList());
    }

    /** When the first credit was granted; empty before any. */
    @Transactional(readOnly = true)
    public java.util.Optional<java.time.Instant> firstGrantedAt() {
        java.time.OffsetDateTime first = jdbc.queryForObject("SELECT MIN(granted_at) FROM credit",
                java.time.OffsetDateTime.class);
        return java.util.Optional.ofNullable(first).map(java.time.OffsetDateTime::toInstant);
    }
}
