package io.pocketgrid.ledger.contract;

import io.pocketgrid.ledger.contract.generated.ContributionLedger;
import io.pocketgrid.ledger.contract.generated.RewardToken;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;

/** Creation code (generated binaries plus encoded constructor arguments) of the two contracts. */
public final class Deployments {
    private Deployments() {
    }

    /** {@code new ContributionLedger(owner, token, rate)}. */
    public static String ledger(String owner, String token, BigInteger tokensPerMicroCredit) {
        return ContributionLedger.BINARY + FunctionEncoder.encodeConstructor(
                List.of(new Address(owner), new Address(token), new Uint256(tokensPerMicroCredit)));
    }

    /** {@code new RewardToken(name, symbol, holder, supply)}. */
    public static String rewardToken(String name, String symbol, String holder, BigInteger supply) {
        return RewardToken.BINARY + FunctionEncoder.encodeConstructor(
                List.of(new Utf8String(name), new Utf8String(symbol), new Address(holder), new Uint256(supply)));
    }
}
