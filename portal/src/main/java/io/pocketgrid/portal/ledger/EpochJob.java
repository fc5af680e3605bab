package io.pocketgrid.portal.ledger;

import io.pocketgrid.ledger.CommitResult;
import io.pocketgrid.ledger.EpochCommitment;
import io.pocketgrid.ledger.contract.LedgerContract.EpochRecord;
import io.pocketgrid.ledger.merkle.EthAddress;
import io.pocketgrid.ledger.merkle.Leaf;
import io.pocketgrid.ledger.merkle.StandardMerkleTree;
import io.pocketgrid.portal.ledger.LedgerNetwork.Connection;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Closes and commits epochs. A run takes the {@code epochs} lease (one instance at a time on a shared
 * database), closes a new epoch when some volunteer's leaf changed since the last one (new credit, or a new
 * payout address) and no older epoch still waits, and commits every waiting epoch in order. Database work happens in short transactions; the chain calls
 * run under the lease only, and are safe to repeat (the bridge finds an epoch already on chain). A failed
 * commit leaves the epoch FAILED; the next run tries again.
 */
@Component
public class EpochJob {

    private static final Logger log = LoggerFactory.getLogger(EpochJob.class);

    private final LedgerNetwork network;
    private final LedgerStore store;
    private final LedgerLock lock;
    private final EpochTrees trees;
    private final LedgerProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final LedgerMeters meters;

    EpochJob(LedgerNetwork network, LedgerStore store, LedgerLock lock, EpochTrees trees, LedgerProperties properties,
             PlatformTransactionManager transactions, Clock clock, LedgerMeters meters) {
        this.meters = meters;
        this.network = network;
        this.store = store;
        this.lock = lock;
        this.trees = trees;
        this.properties = properties;
        this.tx = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    /** How a run ended. */
    public enum Status {
        /** Every epoch is committed (this run closed or committed at least one). */
        COMMITTED,
        /** No new credit and nothing waiting. */
        NOTHING_NEW,
        /** Another run (here or on another instance) holds the lease. */
        BUSY,
        /** The ledger is off or its chain unreachable. */
        OFF,
        /** A commit failed; the epoch waits for the next run. */
        FAILED
    }

    /**
     * One run's outcome.
     *
     * @param closed    the epoch this run closed, or null
     * @param committed the epochs this run committed (or found on chain), oldest first
     * @param error     why the run failed or the ledger is off, else null
     */
    public record Run(Status status, Long closed, List<Long> committed, String error) {
    }

    /** Closes an epoch if credit changed, and commits whatever waits. */
    public Run runOnce() {
        Optional<Connection> connection = network.connect();
        if (connection.isEmpty()) {
            return new Run(Status.OFF, null, List.of(), network.offReason().orElse("the chain is unreachable"));
        }
        Optional<String> lease = lock.tryAcquire(LedgerLock.EPOCHS, properties.lockTimeout());
        if (lease.isEmpty()) {
            return new Run(Status.BUSY, null, List.of(), null);
        }
        Long closed;
        List<Long> committed = new ArrayList<>();
        String failure;
        try {
            closed = closeIfChanged();
            failure = commitWaiting(connection.get(), lease.get(), committed);
            if (failure == null && closed == null && !committed.isEmpty()) {
                // this run caught up with older epochs: the credit since then makes the next one
                closed = closeIfChanged();
                failure = closed == null ? null : commitWaiting(connection.get(), lease.get(), committed);
            }
        } finally {
            lock.release(LedgerLock.EPOCHS, lease.get());
        }
        if (failure != null) {
            network.restartLocalNodeIfDead();
            return new Run(Status.FAILED, closed, committed, failure);
        }
        return new Run(closed == null && committed.isEmpty() ? Status.NOTHING_NEW : Status.COMMITTED, closed, committed,
                null);
    }

    /** Stores a new epoch when some volunteer's leaf changed and no older epoch waits; returns its number or null. */
    private Long closeIfChanged() {
        long started = System.nanoTime();
        Closed closed = tx.execute(status -> {
            if (!store.outstanding().isEmpty()) {
                return null;
            }
            TreeMap<Long, Leaf> leaves = new TreeMap<>();
            store.latestLeaves().forEach(v -> leaves.put(v.volunteerId(), v.leaf()));
            Map<Long, Leaf> changed = new LinkedHashMap<>();
            for (LedgerStore.Snapshot s : store.snapshot()) {
                Leaf leaf = new Leaf(AccountIds.ofVolunteer(s.publicId()), payout(s.payoutAddress()),
                        BigInteger.valueOf(s.microCredits()));
                if (!leaf.equals(leaves.get(s.volunteerId()))) {
                    changed.put(s.volunteerId(), leaf);
                    leaves.put(s.volunteerId(), leaf);
                }
            }
            if (changed.isEmpty()) {
                return null;
            }
            StandardMerkleTree tree = StandardMerkleTree.of(List.copyOf(leaves.values()));
            EpochCommitment c = EpochCommitment.of(store.lastEpoch() + 1, tree);
            store.insertEpoch(c.epoch(), c.root(), c.total().longValueExact(), tree.size(), c.exportHash(), changed,
                    clock.instant());
            return new Closed(c, tree, changed.size());
        });
        if (closed == null) {
            return null;
        }
        trees.put(closed.commitment().epoch(), closed.tree());
        log.info("Closed epoch {}: {} leaves ({} changed), {} micro-credits, root {} ({} ms)",
                closed.commitment().epoch(), closed.tree().size(), closed.changed(), closed.commitment().total(),
                closed.commitment().root(), (System.nanoTime() - started) / 1_000_000);
        return closed.commitment().epoch();
    }

    private record Closed(EpochCommitment commitment, StandardMerkleTree tree, int changed) {
    }

    /** Commits the waiting epochs in order; returns why it stopped early, or null. */
    private String commitWaiting(Connection connection, String lease, List<Long> committed) {
        List<Long> waiting = store.outstanding();
        if (waiting.isEmpty() && store.lastCommittedEpoch() == 0) {
            return null;
        }
        Long current = waiting.isEmpty() ? null : waiting.getFirst();
        try {
            // the contract is the truth: epochs it lost (a local chain's lost state, a reorg) are sent again
            long chainLast = connection.client().contract().lastEpoch();
            int reopened = tx.execute(status -> store.reopenAbove(chainLast));
            if (reopened > 0) {
                log.warn("The chain is at epoch {} but {} later epochs were recorded as committed: committing them again",
                        chainLast, reopened);
                waiting = store.outstanding();
            }
            for (long epoch : waiting) {
                current = epoch;
                if (!lock.extend(LedgerLock.EPOCHS, lease, properties.lockTimeout())) {
                    throw new IllegalStateException("the epoch lease ran out before epoch " + epoch);
                }
                commit(connection, epoch);
                committed.add(epoch);
            }
            return null;
        } catch (RuntimeException e) {
            String why = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (current != null) {
                long failed = current;
                tx.executeWithoutResult(status -> store.markFailed(failed, why));
            }
            meters.failed();
            log.warn("Epoch {} is not committed yet ({}); the next run tries again", current, why);
            return why;
        }
    }

    private void commit(Connection connection, long epoch) {
        long started = System.nanoTime();
        StandardMerkleTree tree = trees.tree(epoch).orElseThrow();
        CommitResult result = connection.client().commitEpoch(EpochCommitment.of(epoch, tree));
        meters.committed(result);
        String txHash = result.transactionHash();
        Long block = result.blockNumber() >= 0 ? result.blockNumber() : null;
        if (result.status() == CommitResult.Status.ALREADY_COMMITTED) {
            // sent by an earlier run that did not live to record it: the event says where
            Optional<EpochRecord> record = connection.client().contract().epochRecord(epoch,
                    connection.network().deployBlock());
            txHash = record.map(EpochRecord::transactionHash).orElse(null);
            block = record.map(EpochRecord::blockNumber).orElse(null);
        }
        String hash = txHash;
        Long number = block;
        tx.executeWithoutResult(status -> store.markCommitted(epoch, connection.network().id(), hash, number,
                clock.instant()));
        log.info("Committed epoch {} ({} leaves) in {} at block {} ({}, {} ms)", epoch, tree.size(), hash, number,
                result.status(), (System.nanoTime() - started) / 1_000_000);
    }

    /** The payout address of a leaf: the account's, or zero when there is none or it is not an address. */
    private static EthAddress payout(String address) {
        if (address == null || address.isBlank()) {
            return EthAddress.ZERO;
        }
        try {
            return EthAddress.fromHex(address);
        } catch (IllegalArgumentException notAnAddress) {
            // the account feature validates addresses; an unusable one must not stop the epoch
            return EthAddress.ZERO;
        }
    }
}
