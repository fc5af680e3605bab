package io.pocketgrid.portal.ledger;

import java.util.List;

/**
 * One account's leaf in an epoch and its Merkle proof: what {@code verify} and {@code claim} take.
 *
 * @param epoch     the epoch
 * @param accountId {@code keccak256(utf8(volunteerId))}, {@code 0x…}
 * @param payout    the payout address, zero when the volunteer's account has none
 * @param amount    cumulative micro-credits (decimal string: a uint256 on chain)
 * @param proof     sibling hashes from the leaf up
 * @param root      the epoch's root
 */
public record AccountProof(long epoch, String accountId, String payout, String amount, List<String> proof, String root) {
}
