package io.pocketgrid.ledger;

/**
 * A deployed ledger.
 *
 * @param ledgerAddress the ContributionLedger
 * @param tokenAddress its reward token
 * @param blockNumber the block of the ledger's creation: where event searches start
 */
public record Deployment(String ledgerAddress, String tokenAddress, long blockNumber) {
}
