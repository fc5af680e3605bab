package io.pocketgrid.portal.ledger;

/**
 * Where to verify the ledger.
 *
 * @param chainId            the EVM chain id
 * @param rpcUrl             a JSON-RPC URL of the chain (for the local chain: reachable on the portal's machine only)
 * @param contractAddress    the ContributionLedger
 * @param tokenAddress       its reward token
 * @param epochInterval      how often an epoch closes when there is new credit (ISO-8601, e.g. {@code PT10M})
 * @param lastCommittedEpoch the newest epoch committed on chain, 0 before the first
 * @param deployBlock        where to start searching the contract's events ({@code VerifyCli --from-block})
 * @param network            {@code LOCAL} (the portal's own anvil) or {@code REMOTE}
 */
public record LedgerInfo(long chainId, String rpcUrl, String contractAddress, String tokenAddress, String epochInterval,
                         long lastCommittedEpoch, long deployBlock, String network) {
}
