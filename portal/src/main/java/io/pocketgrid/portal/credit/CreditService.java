package io.pocketgrid.portal.credit;

import java.time.Instant;
import java.time.ZoneOffset;
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

    /** Grants credit for a validated result; must run inside the validating transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void grant(long resultId, long volunteerId, long projectId, long microCredits, Instant at) {
        jdbc.update("INSERT INTO credit (result_id, volunteer_id, project_id, micro_credits, granted_at)"
                + " VALUES (?, ?, ?, ?, ?)", resultId, volunteerId, projectId, microCredits, at.atOffset(ZoneOffset.UTC));
        jdbc.update("UPDATE volunteer SET total_micro_credits = total_micro_credits + ? WHERE id = ?",
                microCredits, volunteerId);
    }

    @Transactional(readOnly = true)
    public long totalMicroCredits(long volunteerId) {
        Long total = jdbc.queryForObject("SELECT total_micro_credits FROM volunteer WHERE id = ?", Long.class, volunteerId);
        return total == null ? 0 : total;
    }
}
