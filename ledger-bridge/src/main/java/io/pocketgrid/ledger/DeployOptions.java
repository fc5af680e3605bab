package io.pocketgrid.ledger;

import java.math.BigInteger;

/**
 * What {@link LedgerClient#deploy} creates.
 *
 * @param existingToken an ERC-20 to pay rewards in, or null to deploy a {@code RewardToken}
 * @param tokenName name of a new token
 * @param tokenSymbol symbol of a new token
 * @param tokenSupply supply of a new token (base units), minted to the deployer
 * @param tokensPerMicroCredit token base units paid per micro-credit
 * @param funding tokens the deployer transfers to the ledger to fund claims (0: none)
 */
public record DeployOptions(String existingToken, String tokenName, String tokenSymbol, BigInteger tokenSupply,
        BigInteger tokensPerMicroCredit, BigInteger funding) {

    /** 10^18 base units = 1 token = 1 credit = 10^6 micro-credits. */
    public static final BigInteger TOKENS_PER_MICRO_CREDIT = BigInteger.TEN.pow(12);

    /**
     * A new "PocketGrid Credit" token (PGC, 18 decimals) of 10^12 tokens, 1 token per credit, the whole
     * supply funding the ledger: for local chains.
     */
    public static DeployOptions localChain() {
        BigInteger supply = BigInteger.TEN.pow(12 + 18);
        return new DeployOptions(null, "PocketGrid Credit", "PGC", supply, TOKENS_PER_MICRO_CREDIT, supply);
    }

    /** Pays in an existing ERC-20, funded separately. */
    public static DeployOptions withToken(String token, BigInteger tokensPerMicroCredit) {
        return new DeployOptions(token, null, null, BigInteger.ZERO, tokensPerMicroCredit, BigInteger.ZERO);
    }
}
