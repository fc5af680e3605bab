package io.pocketgrid.ledger;

import java.math.BigInteger;

/**
 * A successful claim.
 *
 * @param transactionHash the claim transaction
 * @param gasUsed its gas
 * @param credit micro-credits newly paid
 * @param tokens token base units transferred to the payout address
 */
public record ClaimResult(String transactionHash, BigInteger gasUsed, BigInteger credit, BigInteger tokens) {
}
