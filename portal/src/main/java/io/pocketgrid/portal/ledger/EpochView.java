package io.pocketgrid.portal.ledger;

import java.time.Instant;

/**
 * One epoch as the API shows it.
 *
 * @param epoch       the epoch number (1, 2, …)
 * @param root        Merkle root of its leaves, {@code 0x…}
 * @param total       sum of its leaves' cumulative micro-credits (decimal string: a uint256 on chain)
 * @param leafCount   number of leaves (accounts)
 * @param exportHash  Keccak-256 of its canonical CSV export ({@code /leaves}), committed with it
 * @param status      {@code PENDING} (not sent yet), {@code COMMITTED}, or {@code FAILED} (retried at the next run)
 * @param txHash      the commit transaction, once committed
 * @param block       its block, once committed
 * @param createdAt   when the epoch closed
 * @param committedAt when its commit was confirmed
 * @param attempts    commit attempts that failed
 */
public record EpochView(long epoch, String root, String total, int leafCount, String exportHash, String status,
                        String txHash, Long block, Instant createdAt, Instant committedAt, int attempts) {
}
