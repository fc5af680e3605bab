package io.pocketgrid.portal.ledger;

/**
 * Everything a wallet needs to claim an account's reward: a transaction to {@code contractAddress} on
 * {@code chainId} with data {@code calldata} ({@code claim(accountId, payout, amount, proof)}, ABI-encoded),
 * proven against the newest committed epoch. Anyone may send it; the tokens go to the payout address.
 */
public record ClaimData(long chainId, String contractAddress, AccountProof proof, String calldata) {
}
