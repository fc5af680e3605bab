package io.pocketgrid.portal.credit;

import java.time.Instant;
import java.util.List;
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

    private final CreditRows rows;

    CreditService(CreditRows rows) {
        this.rows = rows;
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
        rows.insert(grants, at);
    }

    /** When the first credit was granted; empty before any. */
    @Transactional(readOnly = true)
    public java.util.Optional<java.time.Instant> firstGrantedAt() {
        return rows.firstGrantedAt();
    }
}
