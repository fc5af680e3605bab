package io.pocketgrid.ledger;

import java.math.BigInteger;

/**
 * The outcome of {@link LedgerClient#commitEpoch}.
 *
 * @param epoch the epoch
 * @param status whether this call committed it or found it committed already
 * @param transactionHash the commit transaction, null when it was committed already
 * @param gasUsed gas of the commit transaction, null when it was committed already
 * @param blockNumber block of the commit transaction, -1 when it was committed already
 */
public record CommitResult(long epoch, Status status, String transactionHash, BigInteger gasUsed, long blockNumber) {

    /** How the epoch came to be on chain. */
    public enum Status {
        /** This call's transaction committed it. */
        COMMITTED,
        /** The chain had it already with the same root (an earlier attempt or another instance). */
        ALREADY_COMMITTED
    }
}
