package io.pocketgrid.portal.ledger;

import io.pocketgrid.portal.config.InstanceId;
import io.pocketgrid.portal.storage.Utc;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
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
 * out, so leases are short and a {@link LockHeartbeat} renews them while their holder lives.
 *
 * <p>A lease's token ({@code locked_by}) is {@code <owner>/<random>}: the random part tells one acquisition
 * from the next, the owner part marks this instance, so that after a crash the same instance takes its
 * leases back at start instead of waiting for them to run out. The owner part is a hash of the
 * {@link InstanceId} because an id (up to 36 characters) and a random part do not fit together in
 * {@code locked_by} (36 characters); it is logged at start, to tell whose a row is.
 */
@Component
class LedgerLock implements InitializingBean {

    static final String EPOCHS = "epochs";
    static final String NETWORK = "network";

    private static final Logger log = LoggerFactory.getLogger(LedgerLock.class);
    private static final int OWNER_HEX = 16;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final InstanceId instance;
    private final String owner;
    /** Leases this instance holds now: name → token and hold, renewed by the heartbeat. */
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    /** A lease held by this instance. */
    record Held(String token, Duration hold) {
    }

    LedgerLock(JdbcTemplate jdbc, PlatformTransactionManager transactions, Clock clock, InstanceId instance) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
        this.instance = instance;
        this.owner = ownerOf(instance.get());
    }

    /** The owner part of the tokens of instance {@code instanceId}. */
    static String ownerOf(String instanceId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(instanceId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, OWNER_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This instance's owner part. */
    String owner() {
        return owner;
    }

    /** Takes back this instance's leases: a restart runs before any lease is taken, so they are a dead run's. */
    @Override
    public void afterPropertiesSet() {
        int released = releaseOwnLeftovers();
        log.info("Ledger locks of instance {} are marked {}/…{}", instance.get(), owner,
                released > 0 ? "; took back " + released + " left by its previous run" : "");
    }

    /**
     * Ends every lease marked as this instance's; returns how many. Only for a start, before this instance
     * takes any: other instances' leases (another owner part) are never touched, which is why two instances
     * must never share an id.
     */
    int releaseOwnLeftovers() {
        // the owner part is hex: no LIKE wildcards in it
        return jdbc.update("UPDATE ledger_lock SET locked_until = ?, locked_by = NULL WHERE locked_by LIKE ?",
                Utc.at(clock.instant()), owner + "/%");
    }

    /** A lease on {@code name} for {@code hold}, or empty when another holder's lease still runs. */
    Optional<String> tryAcquire(String name, Duration hold) {
        try {
            Optional<String> token = tx.execute(status -> {
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
                String lease = owner + "/" + UUID.randomUUID().toString().replace("-", "").substring(0, 19);
                jdbc.update("UPDATE ledger_lock SET locked_until = ?, locked_by = ? WHERE name = ?", Utc.at(now.plus(hold)),
                        lease, name);
                return Optional.of(lease);
            });
            token.ifPresent(t -> held.put(name, new Held(t, hold)));
            return token;
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
        boolean extended = extendRow(name, token, hold);
        if (!extended) {
            forget(name, token);
        }
        return extended;
    }

    /**
     * Renews a lease this instance holds, for the heartbeat; false when it was lost (it ran out and may be
     * another holder's now), true also when its run released it meanwhile.
     */
    boolean renew(String name, Held lease) {
        // release() forgets before it updates the row: a lease still registered after a failed update was lost
        return extendRow(name, lease.token(), lease.hold()) || !held.remove(name, lease);
    }

    private boolean extendRow(String name, String token, Duration hold) {
        return jdbc.update("UPDATE ledger_lock SET locked_until = ? WHERE name = ? AND locked_by = ?",
                Utc.at(clock.instant().plus(hold)), name, token) == 1;
    }

    /** Ends a lease; does nothing when it ran out and was taken over. */
    void release(String name, String token) {
        forget(name, token);
        jdbc.update("UPDATE ledger_lock SET locked_until = ?, locked_by = NULL WHERE name = ? AND locked_by = ?",
                Utc.at(clock.instant()), name, token);
    }

    /** The leases this instance holds now, for the heartbeat. */
    Map<String, Held> held() {
        return Map.copyOf(held);
    }

    private void forget(String name, String token) {
        held.computeIfPresent(name, (n, h) -> h.token().equals(token) ? null : h);
    }
}
