package io.pocketgrid.portal.ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Named leases in the {@code ledger_lock} table, shared by every portal instance on one database: the
 * holder may work (and talk to the chain) for the lease's duration without keeping a transaction open.
 * Taking a lease locks its row ({@code SELECT … FOR UPDATE}, on H2 and PostgreSQL alike) for a few
 * milliseconds, then reads and moves {@code locked_until}; a holder that dies loses its lease when it runs
 * out.
 */
@Component
class LedgerLock {

    static final String EPOCHS = "epochs";
    static final String NETWORK = "network";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;

    LedgerLock(JdbcTemplate jdbc, PlatformTransactionManager transactions, Clock clock) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /** A lease on {@code name} for {@code hold}, or empty when another holder's lease still runs. */
    Optional<String> tryAcquire(String name, Duration hold) {
        try {
            return tx.execute(status -> {
                // lock first, read after: the read then sees the last holder's committed lease on both databases
                jdbc.queryForList("SELECT name FROM ledger_lock WHERE name = ? FOR UPDATE", String.class, name);
                List<OffsetDateTime> until = jdbc.query("SELECT locked_until FROM ledger_lock WHERE name = ?",
                        (rs, i) -> rs.getObject(1, OffsetDateTime.class), name);
                Instant now = clock.instant();
                if (until.isEmpty()) {
                    throw new IllegalStateException("no ledger_lock row " + name);
                }
                if (until.getFirst().toInstant().isAfter(now)) {
                    return Optional.<String>empty();
                }
                String token = UUID.randomUUID().toString();
                jdbc.update("UPDATE ledger_lock SET locked_until = ?, locked_by = ? WHERE name = ?", at(now.plus(hold)),
                        token, name);
                return Optional.of(token);
            });
        } catch (PessimisticLockingFailureException busy) {
            return Optional.empty();
        }
    }

    /** Takes a lease on {@code name}, waiting up to {@code maxWait} for the current holder. */
    Optional<String> acquire(String name, Duration hold, Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            Optional<String> lease = tryAcquire(name, hold);
            if (lease.isPresent() || System.nanoTime() > deadline) {
                return lease;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** Extends a lease still held; false when it ran out and someone else may hold it now. */
    boolean extend(String name, String token, Duration hold) {
        return jdbc.update("UPDATE ledger_lock SET locked_until = ? WHERE name = ? AND locked_by = ?",
                at(clock.instant().plus(hold)), name, token) == 1;
    }

    /** Ends a lease; does nothing when it ran out and was taken over. */
    void release(String name, String token) {
        jdbc.update("UPDATE ledger_lock SET locked_until = ?, locked_by = NULL WHERE name = ? AND locked_by = ?",
                at(clock.instant()), name, token);
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
